/*
 * services/audio/srate_linear.c - srate.h on mix.c's linear interpolation (the build
 * without speexdsp's sources). It keeps no more than one frame: no tail to flush.
 *
 * Layer: services (audio).
 */
#include <stdlib.h>

#include <sos/sos.h>

#include "mix.h"
#include "srate.h"

struct srate {
    struct resampler rs;
};

int srate_open(struct srate **out, uint32_t in_rate, uint32_t out_rate, uint32_t channels)
{
    struct srate *s = malloc(sizeof(*s));
    if (!s)
        return SOS_ERR_NO_MEMORY;
    if (rs_init(&s->rs, in_rate, out_rate, channels)) {
        free(s);
        return SOS_ERR_INVALID_ARGS;
    }
    *out = s;
    return 0;
}

void srate_close(struct srate *s) { free(s); }

uint32_t srate_want(const struct srate *s, uint32_t nout) { return rs_need(&s->rs, nout); }

uint32_t srate_run(struct srate *s, const float *in, uint32_t nin, float *out, uint32_t nout,
                   uint32_t *used)
{
    uint32_t n = rs_max_out(&s->rs, nin);
    n = n < nout ? n : nout;
    *used = rs_consumes(&s->rs, n);
    rs_run(&s->rs, in, out, n);
    return n;
}

uint32_t srate_tail(const struct srate *s)
{
    (void)s;
    return 0;
}

const char *srate_name(void) { return "linear"; }
