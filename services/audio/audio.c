/*
 * services/audio/audio.c - the audio service (proto/audio.h): endpoints, playback
 * streams, volumes. The server thread answers requests; the mixer thread (mixer.c)
 * makes the sound.
 *
 * AUDIO_OPEN makes a stream: a ring (a memory object mapped here and handed to the
 * client), an event the mixer signals when it takes frames out, and a new channel that
 * is the stream: the server serves it with the stream as its client context, so the
 * stream ops need no id and only the holder of the channel can reach them. Closing the
 * channel (or the client dying) closes the stream.
 *
 * Rights on the service connection: read lists endpoints and streams, write opens
 * streams (a manifest's grant=audio:write is the right to play), manage sets the
 * master volume, mute and any stream's volume.
 *
 * Layer: services (audio).
 */
#include <stdio.h>
#include <string.h>

#include <sl/service.h>
#include <sl/sl.h>

#include "audiosvc.h"

struct audiosvc g_au;

static struct sl_peer *peer_with(struct sl_request *r, sos_rights_t need)
{
    struct sl_peer *p = r->client;
    if (!p || r->client == (void *)r->srv)
        return NULL;
    for (uint32_t i = 0; i < AUDIO_MAX_STREAMS; i++) /* a stream channel is no peer */
        if ((void *)&g_au.streams[i] == r->client)
            return NULL;
    return (p->rights & need) == need ? p : NULL;
}

static void wake_mixer(void) { sos_object_signal(g_au.wake, 0, SOS_SIG_SIGNALED); }

static int do_endpoints(struct sl_request *r)
{
    if (!peer_with(r, SOS_RIGHT_READ))
        return SOS_ERR_ACCESS_DENIED;
    const struct endpoint *ep = &g_au.ep;
    sl_msg_put_u32(r->reply, ep->present ? 1 : 0);
    if (!ep->present)
        return 0;
    sl_msg_put_u32(r->reply, 1);
    sl_msg_put_str(r->reply, ep->name);
    sl_msg_put_u32(r->reply, ep->rate);
    sl_msg_put_u32(r->reply, ep->channels);
    sl_msg_put_u32(r->reply, ep->format);
    sl_msg_put_u32(r->reply, ep->period_frames);
    sl_msg_put_u32(r->reply, mixer_latency_us(ep));
    sl_msg_put_u32(r->reply, (1u << SOS_AUDIO_FMT_S16) | (1u << SOS_AUDIO_FMT_S32) |
                                 (1u << SOS_AUDIO_FMT_F32));
    sl_msg_put_u32(r->reply, AUDIO_MIN_RATE);
    sl_msg_put_u32(r->reply, AUDIO_MAX_RATE);
    sl_msg_put_u32(r->reply, AUDIO_MAX_CHANNELS);
    return 0;
}

static struct stream *free_slot(void)
{
    for (uint32_t i = 0; i < AUDIO_MAX_STREAMS; i++)
        if (au_load(&g_au.streams[i].state) == STREAM_FREE)
            return &g_au.streams[i];
    return NULL;
}

/* Make the ring of s and map it here. */
static int make_ring(struct stream *s)
{
    s->map_len = (AUDIO_RING_DATA + (size_t)s->ring_frames * s->frame_bytes + 4095) & ~(size_t)4095;
    int err = (int)sos_vmo_create(s->map_len, 0, &s->vmo);
    if (err)
        return err;
    struct sos_vm_map m = {.process = sos_self_process(), .vmo = s->vmo, .len = s->map_len,
                           .prot = SOS_VM_READ | SOS_VM_WRITE};
    err = (int)sos_vm_map(&m);
    if (err) {
        sos_handle_close(s->vmo);
        return err;
    }
    s->ring = (struct audio_ring *)(uintptr_t)m.addr;
    s->data = (uint8_t *)s->ring + AUDIO_RING_DATA;
    *s->ring = (struct audio_ring){.magic = AUDIO_RING_MAGIC, .version = AUDIO_VERSION,
                                   .frame_bytes = s->frame_bytes, .frames = s->ring_frames};
    return 0;
}

static void unmake_ring(struct stream *s)
{
    sos_vm_unmap(sos_self_process(), (uint64_t)(uintptr_t)s->ring, s->map_len);
    sos_handle_close(s->vmo);
}

/* The client's ends: the stream channel, the ring and the space event. */
static int hand_out(struct sl_request *r, struct stream *s)
{
    sos_handle_t ch[2], vmo, ev;
    int err = (int)sos_channel_create(0, ch);
    if (err)
        return err;
    err = (int)sos_handle_duplicate(s->vmo, SOS_RIGHT_READ | SOS_RIGHT_WRITE | SOS_RIGHT_MAP |
                                                SOS_RIGHT_TRANSFER, &vmo);
    if (!err && (err = (int)sos_handle_duplicate(s->space, SOS_RIGHT_WAIT | SOS_RIGHT_SIGNAL |
                                                                SOS_RIGHT_TRANSFER, &ev)))
        sos_handle_close(vmo);
    if (!err && (err = sl_server_add_channel(&g_au.srv, ch[0], s))) {
        sos_handle_close(vmo);
        sos_handle_close(ev);
    }
    if (err) {
        sos_handle_close(ch[0]);
        sos_handle_close(ch[1]);
        return err;
    }
    s->ch = ch[0];
    sl_msg_put_u32(r->reply, s->id);
    sl_msg_put_u32(r->reply, s->ring_frames);
    sl_msg_put_handle(r->reply, ch[1]);
    sl_msg_put_handle(r->reply, vmo);
    sl_msg_put_handle(r->reply, ev);
    return 0;
}

static int check_open(uint32_t ep, uint32_t fmt, uint32_t rate, uint32_t chans, uint32_t frames)
{
    if (!g_au.ep.present || ep != 1)
        return SOS_ERR_NOT_FOUND;
    if (!audio_format_bytes(fmt) || rate < AUDIO_MIN_RATE || rate > AUDIO_MAX_RATE || !chans ||
        chans > AUDIO_MAX_CHANNELS || frames > AUDIO_RING_MAX_FRAMES)
        return SOS_ERR_INVALID_ARGS;
    return 0;
}

static int do_open(struct sl_request *r)
{
    struct sl_peer *p = peer_with(r, SOS_RIGHT_WRITE);
    if (!p)
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse ps;
    sl_parse_begin(&ps, r->bytes, r->len, NULL, 0, NULL);
    uint32_t ep = sl_parse_u32(&ps), fmt = sl_parse_u32(&ps), rate = sl_parse_u32(&ps);
    uint32_t chans = sl_parse_u32(&ps), frames = sl_parse_u32(&ps);
    int err = sl_parse_end(&ps);
    if (!err)
        err = check_open(ep, fmt, rate, chans, frames);
    struct stream *s = err ? NULL : free_slot();
    if (err || !s)
        return err ? err : SOS_ERR_NO_RESOURCES;
    uint32_t min = g_au.ep.period_frames * rate / g_au.ep.rate * 2 + 2;
    frames = frames ? frames : rate * AUDIO_RING_DEFAULT_MS / 1000;
    *s = (struct stream){.id = ++g_au.next_id, .format = fmt, .rate = rate, .channels = chans,
                         .frame_bytes = audio_format_bytes(fmt) * chans,
                         .ring_frames = frames < min ? min : frames, .volume = 100,
                         .gain = 1.0f};
    snprintf(s->owner, sizeof(s->owner), "%s", p->name);
    if ((err = srate_open(&s->rs, rate, g_au.ep.rate, chans)))
        return err;
    s->tail_left = srate_tail(s->rs);
    if ((err = make_ring(s))) {
        srate_close(s->rs);
        return err;
    }
    if ((err = (int)sos_event_create(0, &s->space)) || (err = hand_out(r, s))) {
        if (s->space)
            sos_handle_close(s->space);
        unmake_ring(s);
        srate_close(s->rs);
        return err;
    }
    au_store(&s->state, AUDIO_STATE_PAUSED);
    return 0;
}

static int do_streams(struct sl_request *r)
{
    if (!peer_with(r, SOS_RIGHT_READ))
        return SOS_ERR_ACCESS_DENIED;
    uint32_t n = 0;
    for (uint32_t i = 0; i < AUDIO_MAX_STREAMS; i++) {
        uint32_t st = au_load(&g_au.streams[i].state);
        n += st != STREAM_FREE && st != STREAM_CLOSING;
    }
    sl_msg_put_u32(r->reply, au_load(&g_au.master));
    sl_msg_put_u32(r->reply, au_load(&g_au.muted));
    sl_msg_put_u32(r->reply, n);
    for (uint32_t i = 0; i < AUDIO_MAX_STREAMS; i++) {
        struct stream *s = &g_au.streams[i];
        uint32_t st = au_load(&s->state);
        if (st == STREAM_FREE || st == STREAM_CLOSING)
            continue;
        sl_msg_put_u32(r->reply, s->id);
        sl_msg_put_str(r->reply, s->owner);
        sl_msg_put_u32(r->reply, st);
        sl_msg_put_u32(r->reply, s->format);
        sl_msg_put_u32(r->reply, s->rate);
        sl_msg_put_u32(r->reply, s->channels);
        sl_msg_put_u32(r->reply, au_load(&s->volume));
        sl_msg_put_u64(r->reply, __atomic_load_n(&s->played, __ATOMIC_RELAXED));
        sl_msg_put_u64(r->reply, __atomic_load_n(&s->underruns, __ATOMIC_RELAXED));
    }
    return 0;
}

static int do_set_volume(struct sl_request *r)
{
    if (!peer_with(r, SOS_RIGHT_MANAGE))
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse ps;
    sl_parse_begin(&ps, r->bytes, r->len, NULL, 0, NULL);
    uint32_t id = sl_parse_u32(&ps), vol = sl_parse_u32(&ps);
    int err = sl_parse_end(&ps);
    if (err || vol > 100)
        return SOS_ERR_INVALID_ARGS;
    if (id == 0) {
        au_store(&g_au.master, vol);
        wake_mixer();
        return 0;
    }
    for (uint32_t i = 0; i < AUDIO_MAX_STREAMS; i++) {
        struct stream *s = &g_au.streams[i];
        uint32_t st = au_load(&s->state);
        if (st != STREAM_FREE && st != STREAM_CLOSING && s->id == id) {
            au_store(&s->volume, vol);
            wake_mixer();
            return 0;
        }
    }
    return SOS_ERR_NOT_FOUND;
}

static int do_mute(struct sl_request *r)
{
    if (!peer_with(r, SOS_RIGHT_MANAGE))
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse ps;
    sl_parse_begin(&ps, r->bytes, r->len, NULL, 0, NULL);
    uint32_t on = sl_parse_u32(&ps);
    if (sl_parse_end(&ps) || on > 1)
        return SOS_ERR_INVALID_ARGS;
    au_store(&g_au.muted, on);
    wake_mixer();
    return 0;
}

/* ---- the stream channel */

static struct stream *stream_of(struct sl_request *r)
{
    for (uint32_t i = 0; i < AUDIO_MAX_STREAMS; i++)
        if ((void *)&g_au.streams[i] == r->client)
            return &g_au.streams[i];
    return NULL;
}

/* Move the request's stream to state `to`. */
static int set_state(struct sl_request *r, uint32_t to)
{
    struct stream *s = stream_of(r);
    if (!s)
        return SOS_ERR_NOT_SUPPORTED;
    uint32_t st = au_load(&s->state);
    if (st == STREAM_FREE || st == STREAM_CLOSING)
        return SOS_ERR_BAD_STATE;
    if (to == AUDIO_STATE_RUNNING)
        __atomic_store_n(&s->drain_pending, 0, __ATOMIC_RELEASE);
    __atomic_compare_exchange_n(&s->state, &st, to, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    wake_mixer();
    return 0;
}

static int do_start(struct sl_request *r) { return set_state(r, AUDIO_STATE_RUNNING); }
static int do_pause(struct sl_request *r) { return set_state(r, AUDIO_STATE_PAUSED); }

static int do_drain(struct sl_request *r)
{
    struct stream *s = stream_of(r);
    if (!s)
        return SOS_ERR_NOT_SUPPORTED;
    if (__atomic_load_n(&s->drain_pending, __ATOMIC_ACQUIRE))
        return SOS_ERR_BAD_STATE; /* one drain at a time */
    sl_request_defer(r, &s->drain);
    __atomic_store_n(&s->drain_pending, 1, __ATOMIC_RELEASE);
    int err = set_state(r, AUDIO_STATE_DRAINING);
    if (err) {
        __atomic_store_n(&s->drain_pending, 0, __ATOMIC_RELEASE);
        return err;
    }
    return SL_DEFER;
}

static int do_stream_volume(struct sl_request *r)
{
    struct stream *s = stream_of(r);
    if (!s)
        return SOS_ERR_NOT_SUPPORTED;
    struct sl_parse ps;
    sl_parse_begin(&ps, r->bytes, r->len, NULL, 0, NULL);
    uint32_t vol = sl_parse_u32(&ps);
    if (sl_parse_end(&ps) || vol > 100)
        return SOS_ERR_INVALID_ARGS;
    au_store(&s->volume, vol);
    wake_mixer();
    return 0;
}

static int do_stream_info(struct sl_request *r)
{
    struct stream *s = stream_of(r);
    if (!s)
        return SOS_ERR_NOT_SUPPORTED;
    sl_msg_put_u32(r->reply, au_load(&s->state));
    sl_msg_put_u64(r->reply, __atomic_load_n(&s->played, __ATOMIC_RELAXED));
    sl_msg_put_u64(r->reply, __atomic_load_n(&s->underruns, __ATOMIC_RELAXED));
    return 0;
}

/* A stream is closed: the mixer tears it down at its next pass. */
static void close_stream(struct stream *s)
{
    au_store(&s->state, STREAM_CLOSING);
    wake_mixer();
}

static int do_stream_close(struct sl_request *r)
{
    struct stream *s = stream_of(r);
    if (!s)
        return SOS_ERR_NOT_SUPPORTED;
    /* reply first, then stop serving the channel (on_close is not called for it) */
    struct sos_msg_hdr h = {.txid = r->hdr.txid, .ordinal = r->hdr.ordinal,
                            .flags = SOS_MSG_REPLY};
    sos_channel_write(r->channel, &h, sizeof(h), NULL, 0);
    close_stream(s);
    sl_server_remove_channel(&g_au.srv, r->channel);
    r->hdr.flags |= SOS_MSG_NO_REPLY;
    return 0;
}

static const struct sl_op g_ops[] = {
    {AUDIO_ENDPOINTS, sizeof(struct sos_msg_hdr), do_endpoints},
    {AUDIO_OPEN, sizeof(struct sos_msg_hdr) + 20, do_open},
    {AUDIO_STREAMS, sizeof(struct sos_msg_hdr), do_streams},
    {AUDIO_SET_VOLUME, sizeof(struct sos_msg_hdr) + 8, do_set_volume},
    {AUDIO_MUTE, sizeof(struct sos_msg_hdr) + 4, do_mute},
    {AUDIO_STREAM_START, sizeof(struct sos_msg_hdr), do_start},
    {AUDIO_STREAM_PAUSE, sizeof(struct sos_msg_hdr), do_pause},
    {AUDIO_STREAM_DRAIN, sizeof(struct sos_msg_hdr), do_drain},
    {AUDIO_STREAM_VOLUME, sizeof(struct sos_msg_hdr) + 4, do_stream_volume},
    {AUDIO_STREAM_INFO, sizeof(struct sos_msg_hdr), do_stream_info},
    {AUDIO_STREAM_CLOSE, sizeof(struct sos_msg_hdr), do_stream_close},
};

static void on_close(struct sl_server *srv, sos_handle_t ch, void *client)
{
    for (uint32_t i = 0; i < AUDIO_MAX_STREAMS; i++)
        if ((void *)&g_au.streams[i] == client) {
            close_stream(&g_au.streams[i]);
            return;
        }
    g_au.lib_close(srv, ch, client);
}

int main(void)
{
    g_au.master = 100;
    int err = (int)sos_event_create(0, &g_au.wake);
    if (!err && (err = mixer_init(&g_au, sos_startup_handle("audio0"))))
        printf("audio: the device cannot be used: %s\n", sos_strerror(err));
    if (!err)
        err = sl_service_init(&g_au.srv, g_ops, sizeof(g_ops) / sizeof(g_ops[0]), &g_au);
    if (!err)
        err = mixer_start(&g_au);
    if (err) {
        printf("audio: cannot start: %s\n", sos_strerror(err));
        return 1;
    }
    g_au.lib_close = g_au.srv.on_close;
    g_au.srv.on_close = on_close;
    if ((err = sl_service_ready())) {
        printf("audio: the root manager did not take our ready: %s\n", sos_strerror(err));
        return 1;
    }
    return sl_server_run(&g_au.srv);
}
