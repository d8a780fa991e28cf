/*
 * tests/bench/b_audio.c - the audio mixer's cost per 10 ms period for 1, 4 and 16
 * streams (44.1 kHz S16 stereo resampled to 48 kHz), the same code the host harness
 * runs as its baseline (mixwork.c), so the ratio shows what running it as a
 * ServiceOS process costs (nothing, for pure computation, unless the build differs).
 *
 * Layer: tests (user image).
 */
#include "bench.h"
#include "mixwork.h"

static int64_t batch_mix(void *state, uint32_t n)
{
    struct mixwork *w = state;
    int64_t t0 = sos_clock_get();
    for (uint32_t i = 0; i < n; i++)
        mixwork_period(w);
    return sos_clock_get() - t0;
}

static void *alloc(size_t n) { return malloc(n); }

int bench_audio_mix(const struct bench *b)
{
    static struct mixwork w;
    int err = mixwork_init(&w, b->arg, alloc) ? SOS_ERR_NO_MEMORY : 0;
    if (!err) {
        struct bench_extra e = {""};
        bench_extra_add(&e, "streams=%u frames=480 in=44100 out=48000", b->arg);
        err = bench_sample(b, batch_mix, &w, &e);
    }
    mixwork_free(&w, free);
    return err;
}
