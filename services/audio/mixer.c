/*
 * services/audio/mixer.c - the mixer thread: every period (PERIOD_MS of frames at the
 * device's rate) it pulls each running stream's frames out of its ring, converts them
 * to float32, resamples them to the device rate (srate.h), adds them with the stream's ramped
 * gain, applies the ramped master gain, bends what is above the soft clip's knee
 * (mix_soft_clip: the headroom), converts to the device format and writes the
 * period to the device. The device write blocks while the device's queue is full, so
 * the device's clock paces the loop. With nothing running the thread sleeps on the
 * `wake` event instead of writing silence.
 *
 * A running stream whose ring is short plays what it has, then silence, and counts
 * one underrun. A draining stream that can make no more frames is done: the mixer
 * answers its DRAIN and pauses it (after feeding the resampler silence until its
 * filter is empty, so the last frames come out too). Closing streams are torn down here (see
 * audiosvc.h for who owns what).
 *
 * Layer: services (audio).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sl/startup.h>
#include <sl/sys.h>

#include "audiosvc.h"

#define MAX_RATIO 6u /* stream rate / device rate at most 48000 / 8000 */

struct mixbuf {
    float *acc, *in, *rs;
    uint8_t *raw, *out;
    sos_handle_t out_vmo;
    uint32_t frames; /* per period */
};

static struct mixbuf g_mb;
static float g_master_gain = 1.0f;
static bool g_sounding; /* the last period written ended with a stream playing on */

static float master_target(struct audiosvc *a)
{
    return au_load(&a->muted) ? 0.0f : mix_gain(au_load(&a->master));
}

uint32_t mixer_latency_us(const struct endpoint *ep)
{
    if (!ep->rate)
        return 0;
    return (uint32_t)(((uint64_t)ep->queue_frames + ep->period_frames) * 1000000u / ep->rate);
}

int mixer_init(struct audiosvc *a, sos_handle_t dev)
{
    struct endpoint *ep = &a->ep;
    ep->dev = dev;
    g_master_gain = master_target(a);
    g_sounding = false;
    if (!ep->dev)
        return 0; /* no device: the service runs, with no endpoint */
    struct sos_info_device info;
    int err = (int)sos_object_get_info(ep->dev, SOS_INFO_DEVICE, &info, sizeof(info));
    if (err < 0)
        return err;
    if (info.dev_class != SOS_DEV_AUDIO || !info.audio_rate || !info.audio_channels ||
        info.audio_channels > 2 || !audio_format_bytes(info.audio_format) ||
        info.block_size != (uint64_t)info.audio_channels * audio_format_bytes(info.audio_format))
        return SOS_ERR_NOT_SUPPORTED;
    *ep = (struct endpoint){.present = true, .dev = ep->dev, .rate = info.audio_rate,
                            .channels = info.audio_channels, .format = info.audio_format,
                            .frame_bytes = (uint32_t)info.block_size,
                            .queue_frames = (uint32_t)info.block_count,
                            .period_frames = info.audio_rate * PERIOD_MS / 1000};
    memcpy(ep->name, info.name, sizeof(ep->name) - 1);
    uint32_t n = ep->period_frames, big = n * MAX_RATIO + 2;
    g_mb = (struct mixbuf){.acc = malloc(n * 2 * sizeof(float)),
                           .in = malloc(big * 2 * sizeof(float)),
                           .rs = malloc(n * 2 * sizeof(float)),
                           .raw = malloc(big * 2 * 4), .out = malloc(n * ep->frame_bytes),
                           .frames = n};
    if (!g_mb.acc || !g_mb.in || !g_mb.rs || !g_mb.raw || !g_mb.out)
        return SOS_ERR_NO_MEMORY;
    return (int)sos_vmo_create(n * ep->frame_bytes, 0, &g_mb.out_vmo);
}

/* Copy `n` frames from the ring starting at frame position `pos` into raw. */
static void ring_copy(const struct stream *s, uint64_t pos, uint32_t n, uint8_t *raw)
{
    uint32_t at = (uint32_t)(pos % s->ring_frames), first = s->ring_frames - at;
    if (first > n)
        first = n;
    memcpy(raw, s->data + (size_t)at * s->frame_bytes, (size_t)first * s->frame_bytes);
    memcpy(raw + (size_t)first * s->frame_bytes, s->data, (size_t)(n - first) * s->frame_bytes);
}

/* Resample what the ring holds, from frame position rpos, into g_mb.rs at `at`: frames
 * made (up to n); *used gets the ring frames taken. */
static uint32_t pull(struct stream *s, uint64_t rpos, uint32_t avail, uint32_t at, uint32_t n,
                     uint32_t *used)
{
    uint32_t want = srate_want(s->rs, n);
    want = want < avail ? want : avail;
    ring_copy(s, rpos, want, g_mb.raw);
    mix_to_float(s->format, g_mb.raw, (size_t)want * s->channels, g_mb.in);
    return srate_run(s->rs, g_mb.in, want, g_mb.rs + (size_t)at * s->channels, n, used);
}

/* A draining stream whose ring is empty: feed the converter silence until what it
 * holds has come out. Frames made. */
static uint32_t flush(struct stream *s, uint32_t at, uint32_t n)
{
    uint32_t want = s->tail_left, used;
    want = want < g_mb.frames ? want : g_mb.frames;
    memset(g_mb.in, 0, (size_t)want * s->channels * sizeof(float));
    uint32_t got = srate_run(s->rs, g_mb.in, want, g_mb.rs + (size_t)at * s->channels, n, &used);
    s->tail_left -= used < s->tail_left ? used : s->tail_left;
    if (!used)
        s->tail_left = 0; /* it takes no more: nothing is left inside */
    return got;
}

/* Mix up to one period of s into acc; true when a draining stream has run dry. */
static bool mix_stream(struct stream *s, const struct endpoint *ep, uint32_t state)
{
    struct audio_ring *r = s->ring;
    uint64_t wpos = __atomic_load_n(&r->write_pos, __ATOMIC_ACQUIRE), rpos = r->read_pos;
    uint32_t avail = wpos - rpos > s->ring_frames ? s->ring_frames : (uint32_t)(wpos - rpos);
    uint32_t n = 0, used;
    for (int tries = 0; tries < 3 && n < g_mb.frames && avail; tries++) {
        n += pull(s, rpos, avail, n, g_mb.frames - n, &used);
        rpos += used;
        avail -= used;
    }
    bool draining = state == AUDIO_STATE_DRAINING;
    while (draining && !avail && n < g_mb.frames && s->tail_left)
        n += flush(s, n, g_mb.frames - n);
    if (n < g_mb.frames && state == AUDIO_STATE_RUNNING)
        __atomic_add_fetch(&s->underruns, 1, __ATOMIC_RELAXED);
    if (n) {
        float target = mix_gain(au_load(&s->volume));
        mix_add(g_mb.acc, ep->channels, g_mb.rs, s->channels, n, s->gain, target);
        s->gain = target;
        __atomic_add_fetch(&s->played, n, __ATOMIC_RELAXED);
    }
    if (rpos != r->read_pos) {
        __atomic_store_n(&r->read_pos, rpos, __ATOMIC_RELEASE);
        sos_object_signal(s->space, 0, SOS_SIG_SIGNALED);
    }
    return draining && n < g_mb.frames && !avail && !s->tail_left;
}

/* The drain is over: answer it (without the library's allocating helper) and pause. */
static void drain_done(struct stream *s)
{
    struct audio_ring *r = s->ring;
    __atomic_store_n(&r->read_pos, __atomic_load_n(&r->write_pos, __ATOMIC_ACQUIRE),
                     __ATOMIC_RELEASE); /* what could make no frame (< 1) is dropped */
    sos_object_signal(s->space, 0, SOS_SIG_SIGNALED);
    uint32_t expect = AUDIO_STATE_DRAINING;
    __atomic_compare_exchange_n(&s->state, &expect, AUDIO_STATE_PAUSED, false, __ATOMIC_ACQ_REL,
                                __ATOMIC_ACQUIRE);
    s->tail_left = srate_tail(s->rs); /* for the next drain */
    if (__atomic_exchange_n(&s->drain_pending, 0, __ATOMIC_ACQ_REL)) {
        struct sos_msg_hdr h = {.txid = s->drain.txid, .ordinal = s->drain.ordinal,
                                .flags = SOS_MSG_REPLY};
        sos_channel_write(s->drain.channel, &h, sizeof(h), NULL, 0);
    }
}

static void teardown(struct stream *s)
{
    srate_close(s->rs);
    s->rs = NULL;
    sos_vm_unmap(sos_self_process(), (uint64_t)(uintptr_t)s->ring, s->map_len);
    sos_handle_close(s->vmo);
    sos_handle_close(s->space);
    s->ring = NULL;
    au_store(&s->state, STREAM_FREE);
}

/* One pass over the table: mix what plays; true when anything did. *goes_on: a
 * stream still plays after this period (one whose drain ended does not). */
static bool mix_all(struct audiosvc *a, bool *goes_on)
{
    bool active = false;
    *goes_on = false;
    memset(g_mb.acc, 0, (size_t)g_mb.frames * a->ep.channels * sizeof(float));
    for (uint32_t i = 0; i < AUDIO_MAX_STREAMS; i++) {
        struct stream *s = &a->streams[i];
        uint32_t st = au_load(&s->state);
        if (st == STREAM_CLOSING) {
            teardown(s);
        } else if (st == AUDIO_STATE_RUNNING || st == AUDIO_STATE_DRAINING) {
            active = true;
            if (mix_stream(s, &a->ep, st))
                drain_done(s);
            else
                *goes_on = true;
        }
    }
    return active;
}

/* Master gain, device format, device write. The gain ramps from the last period's
 * only when that period ended with sound going on into this one: a sound that
 * starts after silence starts at the master volume of now. (Taking the new gain only
 * in a silent pass was a race: a volume set and the next sound's start could both
 * come while the mixer was still writing the last period of the sound before, and the
 * new sound then ramped in from the old volume.) */
static void output(struct audiosvc *a, bool continued)
{
    const struct endpoint *ep = &a->ep;
    float target = master_target(a);
    if (!continued)
        g_master_gain = target;
    mix_scale(g_mb.acc, ep->channels, g_mb.frames, g_master_gain, target);
    g_master_gain = target;
    size_t n = (size_t)g_mb.frames * ep->channels;
    size_t clipped = mix_soft_clip(g_mb.acc, n); /* the headroom: mix.h */
    clipped += mix_from_float(ep->format, g_mb.acc, n, g_mb.out);
    __atomic_add_fetch(&a->clipped, clipped, __ATOMIC_RELAXED);
    uint32_t bytes = g_mb.frames * ep->frame_bytes;
    sos_vmo_write(g_mb.out_vmo, g_mb.out, 0, bytes);
    struct sos_device_io io = {.op = SOS_DEVICE_OP_WRITE, .vmo = g_mb.out_vmo, .len = bytes};
    int64_t r = sos_device_io(ep->dev, &io);
    if (r < 0) {
        printf("audio: device write: %s\n", sos_strerror((int)r));
        sos_thread_sleep(sos_deadline_after(SOS_MS(PERIOD_MS)));
    }
    __atomic_add_fetch(&a->periods, 1, __ATOMIC_RELAXED);
}

bool mixer_pass(struct audiosvc *a)
{
    sos_object_signal(a->wake, SOS_SIG_SIGNALED, 0); /* before looking: no lost wake */
    bool goes_on;
    if (mix_all(a, &goes_on) && a->ep.present) {
        output(a, g_sounding);
        g_sounding = goes_on;
        return true;
    }
    g_sounding = false;
    return false;
}

static void mixer_main(void *arg)
{
    struct audiosvc *a = arg;
    for (;;)
        if (!mixer_pass(a))
            sos_object_wait_one(a->wake, SOS_SIG_SIGNALED, SOS_TIME_INFINITE, NULL);
}

int mixer_start(struct audiosvc *a)
{
    return sl_thread_start(&a->mixer, mixer_main, a, 0);
}
