/*
 * services/audio/mix_test.c - the mixer's arithmetic on the host: format conversion
 * both ways (rounding, clipping, NaN), two streams summing and clipping, the master
 * soft clip's headroom (transparent below its knee, bounded, smooth), ramped gains
 * (no step larger than the ramp's slope), and the resampler's edge cases (equal rates,
 * up and down by awkward ratios, exact lengths over many blocks, the frames it asks for
 * never more than it was given).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <sos/sos.h>

#include "mix.h"

static void test_to_float(void **state)
{
    (void)state;
    int16_t s16[4] = {0, 16384, -32768, 32767};
    float f[4];
    mix_to_float(SOS_AUDIO_FMT_S16, s16, 4, f);
    assert_true(f[0] == 0.0f && f[1] == 0.5f && f[2] == -1.0f);
    assert_true(fabsf(f[3] - 32767.0f / 32768.0f) < 1e-7f);
    int32_t s32[2] = {INT32_MIN, 1 << 30};
    mix_to_float(SOS_AUDIO_FMT_S32, s32, 2, f);
    assert_true(f[0] == -1.0f && f[1] == 0.5f);
    float in[4] = {0.25f, 2.0f, -7.0f, NAN};
    mix_to_float(SOS_AUDIO_FMT_F32, in, 4, f);
    assert_true(f[0] == 0.25f && f[1] == 1.0f && f[2] == -1.0f && f[3] == 0.0f);
    mix_to_float(99, in, 4, f); /* unknown: silence, never garbage */
    assert_true(f[0] == 0.0f && f[3] == 0.0f);
}

static void test_from_float(void **state)
{
    (void)state;
    float f[6] = {0.0f, 0.5f, -0.5f, 1.5f, -1.5f, 1.0f};
    int16_t s16[6];
    assert_int_equal(mix_from_float(SOS_AUDIO_FMT_S16, f, 6, s16), 2);
    assert_int_equal(s16[1], 16384); /* 16383.5 rounds away from zero */
    assert_int_equal(s16[2], -16384);
    assert_int_equal(s16[3], 32767);
    assert_int_equal(s16[4], -32767);
    assert_int_equal(s16[5], 32767);
    int32_t s32[6];
    assert_int_equal(mix_from_float(SOS_AUDIO_FMT_S32, f, 6, s32), 2);
    assert_int_equal(s32[3], INT32_MAX);
    assert_int_equal(s32[4], -INT32_MAX);
    float out[6];
    assert_int_equal(mix_from_float(SOS_AUDIO_FMT_F32, f, 6, out), 2);
    assert_true(out[3] == 1.0f && out[4] == -1.0f && out[1] == 0.5f);
}

static void test_two_streams_sum_and_clip(void **state)
{
    (void)state;
    float acc[8] = {0};
    float a[4] = {0.25f, 0.5f, -0.75f, 0.0f}, b[4] = {0.25f, 0.75f, -0.75f, 0.1f};
    mix_add(acc, 2, a, 1, 4, 1.0f, 1.0f); /* mono feeds both channels */
    mix_add(acc, 2, b, 1, 4, 1.0f, 1.0f);
    assert_true(acc[0] == 0.5f && acc[1] == 0.5f);
    assert_true(acc[2] == 1.25f && acc[3] == 1.25f);
    int16_t out[8];
    assert_int_equal(mix_from_float(SOS_AUDIO_FMT_S16, acc, 8, out), 4);
    assert_int_equal(out[0], 16384);
    assert_int_equal(out[2], 32767);  /* 1.25 clips */
    assert_int_equal(out[4], -32767); /* -1.5 clips */
    assert_int_equal(out[6], 3277);
    float mono[2] = {0}, st[4] = {0.5f, -0.5f, 1.0f, 0.0f};
    mix_add(mono, 1, st, 2, 2, 1.0f, 1.0f); /* stereo into mono: the average */
    assert_true(mono[0] == 0.0f && mono[1] == 0.5f);
}

static void test_ramp(void **state)
{
    (void)state;
    enum { N = 480 };
    float acc[N] = {0}, one[N];
    for (int i = 0; i < N; i++)
        one[i] = 1.0f;
    mix_add(acc, 1, one, 1, N, 1.0f, 0.5f);
    assert_true(acc[0] == 1.0f && fabsf(acc[N - 1] - 0.5f) < 1e-6f);
    for (int i = 1; i < N; i++) { /* a straight line: every step the same, small */
        float d = acc[i - 1] - acc[i];
        assert_true(d > 0.0f && fabsf(d - 0.5f / (N - 1)) < 1e-5f);
    }
    float buf[2 * 3] = {1, 1, 1, 1, 1, 1};
    mix_scale(buf, 2, 3, 0.0f, 1.0f);
    assert_true(buf[0] == 0.0f && buf[1] == 0.0f && buf[2] == 0.5f && buf[5] == 1.0f);
    assert_true(mix_gain(0) == 0.0f && mix_gain(50) == 0.5f && mix_gain(100) == 1.0f);
    assert_true(mix_gain(1000) == 1.0f);
}

/* The master soft clip: transparent up to the knee, smooth and bounded above it. */
static void test_headroom(void **state)
{
    (void)state;
    enum { N = 4001 };
    static float x[N], y[N];
    for (int i = 0; i < N; i++) /* -4..4 in steps of 1/500 */
        x[i] = y[i] = (float)(i - N / 2) / 500.0f;
    assert_int_equal(mix_soft_clip(y, N), 2 * (N / 2 - 375)); /* those past 0.75 */
    for (int i = 0; i < N; i++) {
        if (fabsf(x[i]) <= MIX_KNEE)
            assert_true(y[i] == x[i]); /* below the knee: bit for bit */
        assert_true(fabsf(y[i]) < 1.0f); /* never full scale, however loud */
        assert_true(y[N - 1 - i] == -y[i]);   /* odd: no offset, no even harmonics */
        if (i > 0) {                          /* monotonic, and no corner at the knee: */
            float d = y[i] - y[i - 1];        /* the slope never exceeds 1 */
            assert_true(d > 0.0f && d <= 1.0f / 500.0f + 1e-6f);
        }
    }
    /* two full-scale streams sum to 2: 0.917, still below full scale, nothing hard-clips */
    float acc[4] = {0}, full[4] = {1.0f, -1.0f, 0.5f, 0.25f};
    mix_add(acc, 1, full, 1, 4, 1.0f, 1.0f);
    mix_add(acc, 1, full, 1, 4, 1.0f, 1.0f);
    assert_int_equal(mix_soft_clip(acc, 4), 3);
    assert_true(fabsf(acc[0] - (0.75f + 0.25f * 5.0f / 6.0f)) < 1e-6f && acc[1] == -acc[0]);
    assert_true(acc[3] == 0.5f);
    int16_t out[4];
    assert_int_equal(mix_from_float(SOS_AUDIO_FMT_S16, acc, 4, out), 0);
    assert_true(out[0] < 32767 && out[0] > 29000);
    float odd[3] = {NAN, INFINITY, -INFINITY}; /* no NaN made, infinities bounded */
    mix_soft_clip(odd, 3);
    assert_true(odd[0] == 0.0f && odd[1] == 1.0f && odd[2] == -1.0f);
}

static void test_resampler_bad(void **state)
{
    (void)state;
    struct resampler r;
    assert_int_equal(rs_init(&r, 0, 48000, 1), -1);
    assert_int_equal(rs_init(&r, 48000, 0, 1), -1);
    assert_int_equal(rs_init(&r, 48000, 48000, 0), -1);
    assert_int_equal(rs_init(&r, 48000, 48000, 3), -1);
    assert_int_equal(rs_init(&r, 400000, 48000, 1), -1);
    assert_int_equal(rs_init(&r, 48000, 48000, 2), 0);
    assert_int_equal(rs_max_out(&r, 0), 0);
    assert_int_equal(rs_need(&r, 0), 0);
}

static void test_resampler_equal_rates(void **state)
{
    (void)state;
    struct resampler r;
    rs_init(&r, 48000, 48000, 1);
    float in[8] = {1, 2, 3, 4, 5, 6, 7, 8}, out[8];
    assert_int_equal(rs_need(&r, 8), 8);
    assert_int_equal(rs_consumes(&r, 8), 8);
    assert_int_equal(rs_max_out(&r, 5), 5);
    rs_run(&r, in, out, 8);
    assert_true(out[0] == 0.0f && out[1] == 1.0f && out[7] == 7.0f); /* one frame late */
    assert_true(r.prev[0] == 8.0f && r.frac == 0);
}

/* Run src at in_rate through to out_rate in blocks of `block`, as the mixer does, with
 * only `avail` frames offered each time; returns frames made, checks the bounds. */
static uint32_t run_blocks(uint32_t in_rate, uint32_t out_rate, uint32_t total_in, uint32_t block)
{
    static float in[200000], out[4096];
    for (uint32_t i = 0; i < total_in; i++)
        in[i] = (float)i;
    struct resampler r;
    assert_int_equal(rs_init(&r, in_rate, out_rate, 1), 0);
    uint32_t pos = 0, made = 0;
    for (;;) {
        uint32_t avail = total_in - pos, n = rs_max_out(&r, avail);
        assert_true(rs_need(&r, n + 1) > avail); /* the most that fits */
        n = n < block ? n : block;
        if (!n)
            break;
        uint32_t need = rs_need(&r, n), used = rs_consumes(&r, n);
        assert_true(need <= avail && used <= need && need - used <= 1);
        rs_run(&r, in + pos, out, n);
        for (uint32_t k = 0; k < n; k++) { /* linear in a ramp: out = position - 1 */
            double want = (double)(made + k) * in_rate / out_rate - 1.0;
            if (want >= 0)
                assert_true(fabs(out[k] - want) < 0.01 + 1e-6 * want);
        }
        pos += used;
        made += n;
    }
    return made;
}

/* Every input frame comes out: made is total * out / in, plus the one frame of delay
 * (the first output is the silence before the stream), give or take the rounding. */
static void check_length(uint32_t in_rate, uint32_t out_rate, uint32_t total_in, uint32_t block)
{
    uint32_t n = run_blocks(in_rate, out_rate, total_in, block);
    uint32_t want = (uint32_t)((uint64_t)total_in * out_rate / in_rate);
    assert_true(n >= want && n <= want + 1);
}

static void test_resampler_lengths(void **state)
{
    (void)state;
    check_length(22050, 48000, 11025, 480); /* 0.5 s: 24000 frames */
    check_length(8000, 48000, 8000, 480);
    check_length(44100, 48000, 44100, 480);
    check_length(48000, 8000, 48000, 480); /* down by 6 */
    check_length(48000, 44100, 48000, 333);
    check_length(11025, 48000, 3, 1); /* three frames, one output at a time */
    check_length(8000, 48000, 1, 480);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_to_float),
        cmocka_unit_test(test_from_float),
        cmocka_unit_test(test_two_streams_sum_and_clip),
        cmocka_unit_test(test_ramp),
        cmocka_unit_test(test_headroom),
        cmocka_unit_test(test_resampler_bad),
        cmocka_unit_test(test_resampler_equal_rates),
        cmocka_unit_test(test_resampler_lengths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
