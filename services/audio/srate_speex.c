/*
 * services/audio/srate_speex.c - srate.h on speexdsp's resampler (quality 5: its
 * default, a windowed-sinc filter), built freestanding from Debian's source package
 * (services/third_party/speexdsp). A stream at the device's rate is copied, not filtered.
 *
 * Layer: services (audio).
 */
#include <stdlib.h>
#include <string.h>

#include <sos/sos.h>

#include "speex_resampler.h"
#include "srate.h"

#define QUALITY 5

struct srate {
    SpeexResamplerState *st; /* NULL: the same rate */
    uint32_t in_rate, out_rate, ch;
};

int srate_open(struct srate **out, uint32_t in_rate, uint32_t out_rate, uint32_t channels)
{
    if (!in_rate || !out_rate || !channels || channels > 2)
        return SOS_ERR_INVALID_ARGS;
    struct srate *s = calloc(1, sizeof(*s));
    if (!s)
        return SOS_ERR_NO_MEMORY;
    *s = (struct srate){.in_rate = in_rate, .out_rate = out_rate, .ch = channels};
    int err = 0;
    if (in_rate != out_rate && !(s->st = speex_resampler_init(channels, in_rate, out_rate,
                                                               QUALITY, &err))) {
        free(s);
        return SOS_ERR_NO_MEMORY;
    }
    *out = s;
    return 0;
}

void srate_close(struct srate *s)
{
    if (s->st)
        speex_resampler_destroy(s->st);
    free(s);
}

uint32_t srate_want(const struct srate *s, uint32_t nout)
{
    return (uint32_t)((uint64_t)nout * s->in_rate / s->out_rate) + 2;
}

uint32_t srate_run(struct srate *s, const float *in, uint32_t nin, float *out, uint32_t nout,
                   uint32_t *used)
{
    if (!s->st) {
        uint32_t n = nin < nout ? nin : nout;
        memcpy(out, in, (size_t)n * s->ch * sizeof(float));
        *used = n;
        return n;
    }
    spx_uint32_t ilen = nin, olen = nout;
    speex_resampler_process_interleaved_float(s->st, in, &ilen, out, &olen);
    *used = ilen;
    return olen;
}

uint32_t srate_tail(const struct srate *s)
{
    return s->st ? (uint32_t)speex_resampler_get_input_latency(s->st) : 0;
}

const char *srate_name(void) { return "speexdsp"; }
