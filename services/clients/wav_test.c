/*
 * services/clients/wav_test.c - the WAV parser on good files (16/24-bit PCM, float,
 * extensible, odd-sized chunks before the data, a data chunk longer than the file) and
 * on malformed ones, each refused with its own sentence; and the tone generator's
 * frequency and level over a long run.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <client/tone.h>
#include <client/wav.h>

static uint8_t g_buf[4096];
static size_t g_len;

static void put(const void *p, size_t n)
{
    memcpy(g_buf + g_len, p, n);
    g_len += n;
}

static void put32(uint32_t v) { put(&v, 4); }
static void put16(uint16_t v) { put(&v, 2); }

/* RIFF header, a fmt chunk of fmt_size bytes, then data_len bytes claimed, `have` given. */
static void make(uint16_t tag, uint16_t ch, uint32_t rate, uint16_t bits, uint32_t fmt_size,
                 uint32_t data_len, uint32_t have)
{
    g_len = 0;
    put("RIFF", 4);
    put32(0);
    put("WAVE", 4);
    put("fmt ", 4);
    put32(fmt_size);
    size_t at = g_len;
    put16(tag);
    put16(ch);
    put32(rate);
    put32(rate * ch * bits / 8);
    put16((uint16_t)(ch * bits / 8));
    put16(bits);
    while (g_len < at + fmt_size)
        put16(0);
    g_len = at + fmt_size;
    put("data", 4);
    put32(data_len);
    memset(g_buf + g_len, 0x11, have);
    g_len += have;
}

static const char *why(int *rc)
{
    static char err[96];
    struct wav_info w;
    err[0] = 0;
    *rc = wav_parse(g_buf, g_len, &w, err, sizeof(err));
    return err;
}

static void test_good(void **state)
{
    (void)state;
    struct wav_info w;
    char err[96];
    make(1, 1, 22050, 16, 16, 100, 100);
    assert_int_equal(wav_parse(g_buf, g_len, &w, err, sizeof(err)), 0);
    assert_true(w.sample == WAV_S16 && w.rate == 22050 && w.channels == 1 && w.frames == 50);
    assert_ptr_equal(w.data, g_buf + 44);
    make(1, 2, 48000, 24, 16, 60, 60);
    assert_int_equal(wav_parse(g_buf, g_len, &w, err, sizeof(err)), 0);
    assert_true(w.sample == WAV_S24 && w.frame_bytes == 6 && w.frames == 10);
    make(3, 2, 8000, 32, 18, 64, 64); /* float, with a cbSize field */
    assert_int_equal(wav_parse(g_buf, g_len, &w, err, sizeof(err)), 0);
    assert_true(w.sample == WAV_F32 && w.frames == 8);
    make(0xfffe, 1, 44100, 16, 40, 8, 8);
    g_buf[20 + 24] = 1; /* the subformat GUID begins with the PCM tag */
    assert_int_equal(wav_parse(g_buf, g_len, &w, err, sizeof(err)), 0);
    assert_true(w.sample == WAV_S16);
    make(1, 1, 8000, 16, 16, 1000, 10); /* longer than the file: cut to what is there */
    assert_int_equal(wav_parse(g_buf, g_len, &w, err, sizeof(err)), 0);
    assert_int_equal(w.frames, 5);
}

static void test_odd_chunk_before_data(void **state)
{
    (void)state;
    make(1, 1, 8000, 16, 16, 0, 0);
    g_len -= 8; /* drop the data header, add a 3-byte LIST chunk (padded) and data */
    put("LIST", 4);
    put32(3);
    put("abc\0", 4);
    put("data", 4);
    put32(4);
    put("\1\0\2\0", 4);
    struct wav_info w;
    char err[96];
    assert_int_equal(wav_parse(g_buf, g_len, &w, err, sizeof(err)), 0);
    assert_int_equal(w.frames, 2);
    assert_int_equal(w.data[0], 1);
}

static void test_malformed(void **state)
{
    (void)state;
    int rc;
    g_len = 5;
    memcpy(g_buf, "RIFF", 4);
    assert_string_equal(why(&rc), "not a WAV file (no RIFF/WAVE header)");
    make(1, 1, 8000, 16, 16, 8, 8);
    memcpy(g_buf + 8, "AVI ", 4);
    assert_string_equal(why(&rc), "not a WAV file (no RIFF/WAVE header)");
    static const struct {
        uint16_t tag, ch;
        uint32_t rate;
        uint16_t bits;
        uint32_t fmt_size, data_len;
        const char *why;
    } bad[] = {
        {1, 1, 8000, 16, 14, 8, "the fmt chunk is shorter than 16 bytes"},
        {1, 1, 8000, 8, 16, 8, "unsupported sample size (16 or 24-bit PCM, 32-bit float)"},
        {2, 1, 8000, 4, 16, 8, "not PCM or float samples (compressed WAV is not supported)"},
        {1, 6, 8000, 16, 16, 24, "unsupported channel count (mono or stereo)"},
        {1, 0, 8000, 16, 16, 8, "unsupported channel count (mono or stereo)"},
        {1, 1, 96000, 16, 16, 8, "unsupported sample rate (8000 to 48000 Hz)"},
        {1, 1, 8000, 16, 16, 1, "the data chunk holds no whole frame"},
        {0xfffe, 1, 8000, 16, 24, 8, "an extensible fmt chunk is shorter than 40 bytes"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        make(bad[i].tag, bad[i].ch, bad[i].rate, bad[i].bits, bad[i].fmt_size, bad[i].data_len,
             bad[i].data_len);
        assert_string_equal(why(&rc), bad[i].why);
    }
    make(1, 1, 8000, 16, 16, 8, 8);
    g_buf[32] = 3; /* block align */
    assert_string_equal(why(&rc), "the block alignment does not match channels and sample size");
    make(1, 1, 8000, 16, 16, 8, 8);
    g_buf[16] = 0xff; /* fmt size past the end */
    g_buf[17] = 0xff;
    assert_string_equal(why(&rc), "the fmt chunk runs past the end of the file");
    make(1, 1, 8000, 16, 16, 8, 8);
    memcpy(g_buf + 12, "junk", 4); /* no fmt: the junk chunk's size skips to data */
    assert_string_equal(why(&rc), "the data chunk comes before the fmt chunk");
    make(1, 1, 8000, 16, 16, 8, 8);
    g_len = 36; /* the fmt chunk and nothing after */
    assert_string_equal(why(&rc), "no data chunk");
    make(1, 1, 8000, 16, 16, 8, 8);
    memcpy(g_buf + 12, "LIST", 4);
    g_buf[16] = 200;
    assert_string_equal(why(&rc), "a chunk runs past the end of the file");
    g_len = 12;
    memcpy(g_buf, "RIFF\0\0\0\0WAVE", 12);
    assert_string_equal(why(&rc), "no fmt chunk");
    assert_int_equal(rc, -1);
}

static void test_s24(void **state)
{
    (void)state;
    uint8_t in[6] = {0x00, 0x00, 0x80, 0xff, 0xff, 0x7f};
    int32_t out[2];
    wav_s24_to_s32(in, 2, out);
    assert_int_equal(out[0], INT32_MIN);
    assert_int_equal(out[1], 0x7fffff00);
}

/* sin without libm (the host tests link none): reduce to [-pi, pi], then the series. */
static double ref_sin(double x)
{
    x -= 2 * M_PI * (double)(long long)(x / (2 * M_PI));
    x = x > M_PI ? x - 2 * M_PI : x;
    double term = x, sum = 0;
    for (int k = 0; k < 30; k++) {
        sum += term;
        term *= -x * x / ((2.0 * k + 2) * (2.0 * k + 3));
    }
    return sum;
}

static void test_tone(void **state)
{
    (void)state;
    struct tone t;
    assert_int_equal(tone_init(&t, 0, 48000, 0.5f), -1);
    assert_int_equal(tone_init(&t, 24000, 48000, 0.5f), -1);
    assert_int_equal(tone_init(&t, 440, 48000, 1.5f), -1);
    assert_int_equal(tone_init(&t, 440, 48000, 0.5f), 0);
    static float x[480000]; /* 10 s, in blocks as the shell makes them */
    for (int i = 0; i < 1000; i++)
        tone_fill(&t, x + i * 480, 480);
    int ups = 0;
    float peak = 0;
    for (int i = 1; i < 480000; i++) {
        ups += x[i - 1] < 0 && x[i] >= 0;
        peak = fabsf(x[i]) > peak ? fabsf(x[i]) : peak;
        assert_true(fabsf(x[i] - 0.5f * (float)ref_sin(2 * M_PI * 440.0 * i / 48000)) < 1e-4f);
    }
    assert_int_equal(ups, 4399); /* 4400 periods, the first starts at sample 0 */
    assert_true(peak <= 0.5f && peak > 0.4999f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_odd_chunk_before_data),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_s24),
        cmocka_unit_test(test_tone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
