/*
 * services/clients/audio.c - the audio client library (client/audio.h).
 *
 * A stream's port carries two bindings: the space event (key KEY_SPACE, the mixer
 * took frames) and the stream channel's PEER_CLOSED (key KEY_GONE, the service went
 * away). Waiting clears the event first and only then looks at the ring, so a signal
 * between the look and the wait is never lost.
 *
 * Layer: services/clients (audio).
 */
#include <client/audio.h>

#include <stdio.h>
#include <string.h>

#include <sl/startup.h>
#include <sl/sys.h>

#define CALL_NS 5000000000ll
#define KEY_SPACE 1u
#define KEY_GONE 2u

static int call(struct sl_conn_to *c, struct sl_msg *req, struct sl_msg *rep, uint8_t *rb,
                uint32_t rcap, sos_handle_t *hb, uint32_t hcap)
{
    sl_msg_begin(rep, rb, rcap, hb, hcap, 0);
    int err = sl_msg_finish(req);
    return err ? err : sl_conn_to_call(c, req, rep, sos_deadline_after(CALL_NS));
}

static void put_name(char *dst, const char *src)
{
    snprintf(dst, 32, "%s", src ? src : "");
}

/* A request without arguments; the reply (in rb) ready to parse in *p. */
static int query(struct sl_conn_to *c, uint32_t ord, uint8_t *rb, uint32_t rcap,
                 struct sl_parse *p)
{
    uint8_t qb[32];
    struct sl_msg req, rep;
    sl_msg_begin(&req, qb, sizeof(qb), NULL, 0, ord);
    int err = call(c, &req, &rep, rb, rcap, NULL, 0);
    if (!err)
        sl_parse_begin(p, rep.bytes, rep.len, NULL, 0, NULL);
    return err;
}

int audio_endpoints(struct sl_conn_to *c, struct audio_endpoint *out, uint32_t max, uint32_t *n)
{
    uint8_t rb[1024];
    struct sl_parse p;
    int err = query(c, AUDIO_ENDPOINTS, rb, sizeof(rb), &p);
    if (err)
        return err;
    *n = sl_parse_u32(&p);
    for (uint32_t i = 0; i < *n && !p.bad; i++) {
        struct audio_endpoint e;
        e.id = sl_parse_u32(&p);
        put_name(e.name, sl_parse_str(&p, NULL));
        e.rate = sl_parse_u32(&p);
        e.channels = sl_parse_u32(&p);
        e.format = sl_parse_u32(&p);
        e.period_frames = sl_parse_u32(&p);
        e.latency_us = sl_parse_u32(&p);
        e.formats = sl_parse_u32(&p);
        e.min_rate = sl_parse_u32(&p);
        e.max_rate = sl_parse_u32(&p);
        e.max_channels = sl_parse_u32(&p);
        if (i < max)
            out[i] = e;
    }
    return sl_parse_end(&p);
}

/* Map the ring and bind the port; on error the caller closes the handles. */
static int attach(struct audio_stream *s)
{
    uint64_t size;
    int err = (int)sos_vmo_get_size(s->ring_vmo, &size);
    if (err)
        return err;
    struct sos_vm_map m = {.process = sos_self_process(), .vmo = s->ring_vmo, .len = size,
                           .prot = SOS_VM_READ | SOS_VM_WRITE};
    if ((err = (int)sos_vm_map(&m)))
        return err;
    s->ring = (struct audio_ring *)(uintptr_t)m.addr;
    s->map_len = size;
    s->data = (uint8_t *)s->ring + AUDIO_RING_DATA;
    if (s->ring->magic != AUDIO_RING_MAGIC || s->ring->frames != s->frames ||
        AUDIO_RING_DATA + (uint64_t)s->frames * s->frame_bytes > size)
        return SOS_ERR_BAD_FORMAT;
    if ((err = (int)sos_port_create(0, &s->port)))
        return err;
    err = (int)sos_object_wait_async(s->space, s->port, KEY_SPACE, SOS_SIG_SIGNALED,
                                     SOS_WAIT_ASYNC_REPEAT);
    return err ? err : (int)sos_object_wait_async(s->ch, s->port, KEY_GONE, SOS_SIG_PEER_CLOSED,
                                                  SOS_WAIT_ASYNC_ONCE);
}

int audio_stream_open(struct sl_conn_to *c, uint32_t ep, uint32_t format, uint32_t rate,
                      uint32_t channels, uint32_t ring_frames, struct audio_stream *s)
{
    uint8_t qb[64], rb[64];
    sos_handle_t hb[4];
    struct sl_msg req, rep;
    *s = (struct audio_stream){0};
    sl_msg_begin(&req, qb, sizeof(qb), NULL, 0, AUDIO_OPEN);
    sl_msg_put_u32(&req, ep);
    sl_msg_put_u32(&req, format);
    sl_msg_put_u32(&req, rate);
    sl_msg_put_u32(&req, channels);
    sl_msg_put_u32(&req, ring_frames);
    int err = call(c, &req, &rep, rb, sizeof(rb), hb, 4);
    if (err)
        return err;
    struct sl_parse p;
    sl_parse_begin(&p, rep.bytes, rep.len, rep.handles, rep.nhandles, NULL);
    s->id = sl_parse_u32(&p);
    s->frames = sl_parse_u32(&p);
    s->ch = sl_parse_handle(&p);
    s->ring_vmo = sl_parse_handle(&p);
    s->space = sl_parse_handle(&p);
    s->frame_bytes = audio_format_bytes(format) * channels;
    err = sl_parse_end(&p);
    if (!err && (!s->ch || !s->ring_vmo || !s->space))
        err = SOS_ERR_BAD_FORMAT;
    if (!err)
        err = attach(s);
    if (err)
        audio_stream_close(s);
    return err;
}

uint32_t audio_stream_space(const struct audio_stream *s)
{
    uint64_t r = __atomic_load_n(&s->ring->read_pos, __ATOMIC_ACQUIRE);
    uint64_t used = s->ring->write_pos - r;
    return used >= s->frames ? 0 : s->frames - (uint32_t)used;
}

uint32_t audio_stream_write(struct audio_stream *s, const void *frames, uint32_t n)
{
    uint32_t room = audio_stream_space(s);
    n = n < room ? n : room;
    uint64_t w = s->ring->write_pos;
    uint32_t at = (uint32_t)(w % s->frames), first = s->frames - at;
    first = first < n ? first : n;
    memcpy(s->data + (size_t)at * s->frame_bytes, frames, (size_t)first * s->frame_bytes);
    memcpy(s->data, (const uint8_t *)frames + (size_t)first * s->frame_bytes,
           (size_t)(n - first) * s->frame_bytes);
    __atomic_store_n(&s->ring->write_pos, w + n, __ATOMIC_RELEASE);
    return n;
}

int audio_stream_wait(struct audio_stream *s, sos_time_t deadline)
{
    for (;;) {
        if (s->closed)
            return SOS_ERR_PEER_CLOSED;
        sos_object_signal(s->space, SOS_SIG_SIGNALED, 0);
        if (audio_stream_space(s))
            return 0;
        struct sos_port_packet pkt;
        int err = (int)sos_port_wait(s->port, deadline, &pkt);
        if (err)
            return err;
        if (pkt.key == KEY_GONE)
            s->closed = true;
    }
}

int audio_stream_write_all(struct audio_stream *s, const void *frames, uint32_t n,
                           sos_time_t deadline)
{
    const uint8_t *p = frames;
    while (n) {
        uint32_t done = audio_stream_write(s, p, n);
        p += (size_t)done * s->frame_bytes;
        n -= done;
        int err = n ? audio_stream_wait(s, deadline) : 0;
        if (err)
            return err;
    }
    return 0;
}

/* One request on the stream channel with an optional u32. */
static int stream_call(struct audio_stream *s, uint32_t ord, const uint32_t *arg,
                       struct sl_msg *rep, uint8_t *rb, uint32_t rcap, sos_time_t deadline)
{
    if (s->closed || !s->ch)
        return SOS_ERR_PEER_CLOSED;
    uint8_t qb[32];
    struct sl_msg req;
    sl_msg_begin(&req, qb, sizeof(qb), NULL, 0, ord);
    if (arg)
        sl_msg_put_u32(&req, *arg);
    sl_msg_begin(rep, rb, rcap, NULL, 0, 0);
    int err = sl_call(s->ch, &req, rep, deadline);
    if (err == SOS_ERR_PEER_CLOSED)
        s->closed = true;
    return err;
}

static int simple(struct audio_stream *s, uint32_t ord, const uint32_t *arg, sos_time_t deadline)
{
    uint8_t rb[32];
    struct sl_msg rep;
    return stream_call(s, ord, arg, &rep, rb, sizeof(rb), deadline);
}

int audio_stream_start(struct audio_stream *s)
{
    return simple(s, AUDIO_STREAM_START, NULL, sos_deadline_after(CALL_NS));
}

int audio_stream_pause(struct audio_stream *s)
{
    return simple(s, AUDIO_STREAM_PAUSE, NULL, sos_deadline_after(CALL_NS));
}

int audio_stream_drain(struct audio_stream *s, sos_time_t deadline)
{
    return simple(s, AUDIO_STREAM_DRAIN, NULL, deadline);
}

int audio_stream_volume(struct audio_stream *s, uint32_t volume)
{
    return simple(s, AUDIO_STREAM_VOLUME, &volume, sos_deadline_after(CALL_NS));
}

int audio_stream_stats(struct audio_stream *s, uint32_t *state, uint64_t *played,
                       uint64_t *underruns)
{
    uint8_t rb[64];
    struct sl_msg rep;
    int err = stream_call(s, AUDIO_STREAM_INFO, NULL, &rep, rb, sizeof(rb),
                          sos_deadline_after(CALL_NS));
    if (err)
        return err;
    struct sl_parse p;
    sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL);
    *state = sl_parse_u32(&p);
    *played = sl_parse_u64(&p);
    *underruns = sl_parse_u64(&p);
    return sl_parse_end(&p);
}

void audio_stream_close(struct audio_stream *s)
{
    if (s->ch && !s->closed)
        simple(s, AUDIO_STREAM_CLOSE, NULL, sos_deadline_after(CALL_NS));
    if (s->ring)
        sos_vm_unmap(sos_self_process(), (uint64_t)(uintptr_t)s->ring, s->map_len);
    sos_handle_t hs[4] = {s->ch, s->ring_vmo, s->space, s->port};
    for (int i = 0; i < 4; i++)
        if (hs[i])
            sos_handle_close(hs[i]);
    *s = (struct audio_stream){0};
}

static void parse_stream(struct sl_parse *p, struct audio_stream_info *e)
{
    e->id = sl_parse_u32(p);
    put_name(e->owner, sl_parse_str(p, NULL));
    e->state = sl_parse_u32(p);
    e->format = sl_parse_u32(p);
    e->rate = sl_parse_u32(p);
    e->channels = sl_parse_u32(p);
    e->volume = sl_parse_u32(p);
    e->played = sl_parse_u64(p);
    e->underruns = sl_parse_u64(p);
}

int audio_streams(struct sl_conn_to *c, struct audio_stream_info *out, uint32_t max,
                  uint32_t *n, uint32_t *master, uint32_t *muted)
{
    uint8_t rb[4096];
    struct sl_parse p;
    int err = query(c, AUDIO_STREAMS, rb, sizeof(rb), &p);
    if (err)
        return err;
    *master = sl_parse_u32(&p);
    *muted = sl_parse_u32(&p);
    *n = sl_parse_u32(&p);
    for (uint32_t i = 0; i < *n && !p.bad; i++) {
        struct audio_stream_info e;
        parse_stream(&p, &e);
        if (i < max)
            out[i] = e;
    }
    return sl_parse_end(&p);
}

int audio_set_volume(struct sl_conn_to *c, uint32_t id, uint32_t volume)
{
    uint8_t qb[32], rb[32];
    struct sl_msg req, rep;
    sl_msg_begin(&req, qb, sizeof(qb), NULL, 0, AUDIO_SET_VOLUME);
    sl_msg_put_u32(&req, id);
    sl_msg_put_u32(&req, volume);
    return call(c, &req, &rep, rb, sizeof(rb), NULL, 0);
}

int audio_mute(struct sl_conn_to *c, bool on)
{
    uint8_t qb[32], rb[32];
    struct sl_msg req, rep;
    sl_msg_begin(&req, qb, sizeof(qb), NULL, 0, AUDIO_MUTE);
    sl_msg_put_u32(&req, on ? 1 : 0);
    return call(c, &req, &rep, rb, sizeof(rb), NULL, 0);
}
