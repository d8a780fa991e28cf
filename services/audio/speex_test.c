/*
 * services/audio/speex_test.c - speexdsp's resampler as the audio service builds it
 * (services/third_party/speexdsp: resample.c with the service's defines), on the host
 * with the host's libm (services/lib's sin, floor and fabs are tested in libc-math): a
 * 660 Hz sine at 22050 Hz resampled to 48000 Hz in the mixer's 480-frame periods keeps
 * its pitch (zero crossings) and its length (input frames times the ratio, once the
 * filter's latency is flushed with zeros); 48000 to 8000 Hz, and bad arguments refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <math.h>
#include "speex_resampler.h"

/* Rising zero crossings per second of x[n] at rate. */
static double freq(const float *x, size_t n, double rate)
{
    double first = -1, last = -1;
    int ups = 0;
    for (size_t i = 1; i < n; i++)
        if (x[i - 1] < 0 && x[i] >= 0) {
            double at = (double)(i - 1) + -x[i - 1] / (x[i] - x[i - 1]);
            first = first < 0 ? at : first;
            last = at;
            ups++;
        }
    return ups > 1 ? (ups - 1) * rate / (last - first) : 0;
}

/* Resample in[n] (mono) in periods of 480 output frames; the output count. */
static size_t run(SpeexResamplerState *st, const float *in, size_t n, float *out, size_t cap)
{
    size_t used = 0, made = 0;
    spx_uint32_t lat = (spx_uint32_t)speex_resampler_get_input_latency(st);
    float *tail = calloc(lat + 1, sizeof(float));
    while (made < cap) {
        const float *src = used < n ? in + used : tail;
        spx_uint32_t ilen = used < n ? (spx_uint32_t)(n - used) : lat, olen = 480;
        if (made + olen > cap)
            olen = (spx_uint32_t)(cap - made);
        assert_int_equal(speex_resampler_process_interleaved_float(st, src, &ilen, out + made, &olen), 0);
        made += olen;
        if (used >= n) { /* the tail went in: done */
            lat = 0;
            if (!olen || !ilen)
                break;
        }
        used += used < n ? ilen : 0;
    }
    free(tail);
    return made;
}

static void test_resample(void **state)
{
    (void)state;
    int err;
    SpeexResamplerState *st = speex_resampler_init(1, 22050, 48000, 5, &err);
    assert_non_null(st);
    size_t n = 11025;
    float *in = malloc(n * sizeof(float)), *out = malloc(40000 * sizeof(float));
    for (size_t i = 0; i < n; i++)
        in[i] = 0.5f * (float)sin(2 * M_PI * 660.0 * (double)i / 22050);
    size_t made = run(st, in, n, out, 40000);
    int lat = speex_resampler_get_output_latency(st);
    double f = freq(out + lat, made - lat, 48000);
    assert_true(f > 659.9 && f < 660.1);
    assert_true(made >= 24000 + (size_t)lat - 4 && made <= 24000 + (size_t)lat + 48);
    speex_resampler_destroy(st);
    st = speex_resampler_init(1, 48000, 8000, 5, &err);
    for (size_t i = 0; i < n; i++)
        in[i] = 0.5f * (float)sin(2 * M_PI * 440.0 * (double)i / 48000);
    made = run(st, in, n, out, 40000);
    f = freq(out + 40, made - 80, 8000);
    assert_true(f > 439.8 && f < 440.2);
    speex_resampler_destroy(st);
    assert_null(speex_resampler_init(0, 22050, 48000, 5, &err));
    assert_null(speex_resampler_init(1, 22050, 48000, 11, &err));
    free(in);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resample),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
