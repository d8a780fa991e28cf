/*
 * tests/bench/mixwork.c - one mixer period (mixwork.h).
 *
 * Layer: tests/bench (pure C).
 */
#include "mixwork.h"

#include <string.h>

#include <sos/object.h>

int mixwork_init(struct mixwork *w, uint32_t n, void *(*alloc)(size_t))
{
    if (!n || n > MIXWORK_MAX)
        return -1;
    memset(w, 0, sizeof(*w));
    w->n = n;
    uint32_t big = MIXWORK_IN;
    w->raw = alloc(big * 4);
    w->in = alloc(big * 2 * sizeof(float));
    w->rsbuf = alloc(MIXWORK_FRAMES * 2 * sizeof(float));
    w->acc = alloc(MIXWORK_FRAMES * 2 * sizeof(float));
    w->out = alloc(MIXWORK_FRAMES * 2 * sizeof(int16_t));
    if (!w->raw || !w->in || !w->rsbuf || !w->acc || !w->out)
        return -1;
    for (uint32_t s = 0; s < n; s++) {
        w->src[s] = alloc(MIXWORK_SRC * 2 * sizeof(int16_t));
        if (!w->src[s] || srate_open(&w->rs[s], 44100, 48000, 2))
            return -1;
        uint32_t x = 12345u * (s + 1);
        for (uint32_t i = 0; i < MIXWORK_SRC * 2; i++) { /* noise at a quarter of full scale */
            x = x * 1103515245u + 12345u;
            w->src[s][i] = (int16_t)((int32_t)(x >> 16) / 4 - 4096);
        }
    }
    return 0;
}

void mixwork_free(struct mixwork *w, void (*release)(void *))
{
    void *bufs[] = {w->raw, w->in, w->rsbuf, w->acc, w->out};
    for (unsigned i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
        release(bufs[i]);
    for (uint32_t s = 0; s < MIXWORK_MAX; s++) {
        release(w->src[s]);
        if (w->rs[s])
            srate_close(w->rs[s]);
    }
    memset(w, 0, sizeof(*w));
}

void mixwork_period(struct mixwork *w)
{
    memset(w->acc, 0, MIXWORK_FRAMES * 2 * sizeof(float));
    for (uint32_t s = 0; s < w->n; s++) {
        uint32_t want = srate_want(w->rs[s], MIXWORK_FRAMES), used;
        if (w->pos[s] + want > MIXWORK_SRC)
            w->pos[s] = 0; /* loop the source */
        memcpy(w->raw, w->src[s] + (size_t)w->pos[s] * 2, (size_t)want * 4); /* the ring copy */
        mix_to_float(SOS_AUDIO_FMT_S16, w->raw, (size_t)want * 2, w->in);
        uint32_t n = srate_run(w->rs[s], w->in, want, w->rsbuf, MIXWORK_FRAMES, &used);
        mix_add(w->acc, 2, w->rsbuf, 2, n, 0.5f, 0.6f);
        w->pos[s] += used;
    }
    mix_scale(w->acc, 2, MIXWORK_FRAMES, 1.0f, 0.9f);
    mix_from_float(SOS_AUDIO_FMT_S16, w->acc, MIXWORK_FRAMES * 2, w->out);
    w->checksum += (uint16_t)w->out[w->checksum % (MIXWORK_FRAMES * 2)];
}
