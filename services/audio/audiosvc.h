/*
 * services/audio/audiosvc.h - the audio service's shared state: the device endpoint,
 * the stream table and the mixer, between the server thread (audio.c) and the mixer
 * thread (mixer.c).
 *
 * Ownership: the server thread fills a free slot and publishes it by storing its
 * state last (release); after that it only changes `state`, `volume` and the drain
 * record, always signalling `wake`. The mixer thread owns everything else about a live
 * slot, tears a CLOSING slot down (unmaps the ring, closes its handles) and frees it by
 * storing STREAM_FREE. So the two threads share only atomics and never allocate in the
 * mixer.
 *
 * Layer: services (audio).
 */
#ifndef AUDIO_AUDIOSVC_H
#define AUDIO_AUDIOSVC_H

#include <sl/server.h>
#include <sl/thread.h>

#include <proto/audio.h>

#include "mix.h"
#include "srate.h"

#define STREAM_FREE 0u
#define STREAM_CLOSING 9u /* other states: enum audio_stream_state */

#define PERIOD_MS 10u

struct stream {
    uint32_t state; /* atomic */
    uint32_t id;
    uint32_t format, rate, channels, frame_bytes, ring_frames;
    struct audio_ring *ring;
    uint8_t *data;
    size_t map_len;
    sos_handle_t vmo, space, ch;
    uint32_t volume; /* atomic, 0..100 */
    float gain;      /* the mixer's current gain (ramps toward volume) */
    struct srate *rs;           /* made by the server thread, closed by the mixer */
    uint32_t tail_left;         /* the mixer's: silence still to feed when draining */
    uint64_t played, underruns; /* atomic: written by the mixer */
    uint32_t drain_pending;     /* atomic: 1 while a DRAIN waits for its reply */
    struct sl_deferred drain;
    char owner[32];
};

struct endpoint {
    bool present;
    sos_handle_t dev;
    char name[32];
    uint32_t rate, channels, format, frame_bytes, queue_frames, period_frames;
};

struct audiosvc {
    struct sl_server srv;
    sl_close_fn lib_close;
    struct endpoint ep;
    struct stream streams[AUDIO_MAX_STREAMS];
    uint32_t next_id;
    uint32_t master, muted; /* atomic */
    sos_handle_t wake;      /* event: the server changed something */
    struct sl_thread mixer;
    uint64_t periods, clipped; /* atomic: mixer statistics (clipped: soft or hard) */
};

extern struct audiosvc g_au;

/* Take the audio device `dev` (the startup handle "audio0"; 0: none, no endpoint). */
int mixer_init(struct audiosvc *a, sos_handle_t dev);
/* Start the mixer thread. */
int mixer_start(struct audiosvc *a);
/* One pass of the mixer thread: mix and write one period; false when nothing plays
 * (the thread then sleeps on `wake`). Exposed for the host test (mixer_test.c). */
bool mixer_pass(struct audiosvc *a);
/* The device's output latency: its queue plus one mixer period. */
uint32_t mixer_latency_us(const struct endpoint *ep);

static inline uint32_t au_load(const uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void au_store(uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

#endif
