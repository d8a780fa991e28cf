/*
 * tests/bench/mixwork.h - one mixer period as a benchmark workload, compiled into the
 * benchmark image and into the host harness, so both run the very same code: the audio
 * service's arithmetic (services/audio/mix.c) and resampler (srate.h: speexdsp's when
 * its sources are fetched, as in the service) on N streams of S16 stereo at 44.1 kHz
 * mixed into one 10 ms period of S16 stereo at 48 kHz (copy out of the stream's ring,
 * convert to float, resample, add with a ramped gain; master gain, clip, convert), as
 * the mixer thread does it (services/audio/mixer.c) less the system calls.
 *
 * Layer: tests/bench (pure C: the image and the host harness).
 */
#ifndef BENCH_MIXWORK_H
#define BENCH_MIXWORK_H

#include <stddef.h>
#include <stdint.h>

#include "../../services/audio/mix.h"
#include "../../services/audio/srate.h"

#define MIXWORK_MAX 16u
#define MIXWORK_FRAMES 480u /* one 10 ms period at 48 kHz */
#define MIXWORK_IN 600u     /* input frames a period may read */
#define MIXWORK_SRC 88200u  /* frames of source per stream (2 s at 44.1 kHz, looped) */

struct mixwork {
    uint32_t n;
    struct srate *rs[MIXWORK_MAX];
    uint32_t pos[MIXWORK_MAX];
    int16_t *src[MIXWORK_MAX];
    uint8_t *raw;
    float *in, *rsbuf, *acc;
    int16_t *out;
    uint64_t checksum; /* of every output: keeps the work from being optimised away */
};

/* n streams (1..MIXWORK_MAX), buffers from alloc (zeroed or not); 0 or -1. */
int mixwork_init(struct mixwork *w, uint32_t n, void *(*alloc)(size_t));
/* Give the buffers back. */
void mixwork_free(struct mixwork *w, void (*release)(void *));
/* One period. */
void mixwork_period(struct mixwork *w);

#endif
