/*
 * services/lib/test/stdio_test.c - snprintf (common/fmt.c as the runtime builds it)
 * against glibc: every flag combination with widths and precisions for the integer
 * conversions and length modifiers, strings, characters, pointers, truncation; and
 * printf/puts through the console.
 *
 * Known, intended difference: "%p" of NULL is "0x0" here and "(nil)" in glibc.
 *
 * Layer: services/lib host tests.
 */
#include "host.h"

static unsigned g_checked, g_failed;

/*
 * Format with both at several buffer sizes; outputs and return values must agree. A
 * mismatch is printed (the first 20) and counted; each test fails at its end if any.
 */
#define CHECK(fmt, ...)                                                                \
    do {                                                                               \
        char ours_[256], theirs_[256];                                                 \
        static const size_t sizes_[] = {256, 0, 1, 2, 7};                              \
        for (size_t s_ = 0; s_ < ARRAY_LEN(sizes_); s_++) {                            \
            memset(ours_, '#', sizeof(ours_));                                         \
            memset(theirs_, '#', sizeof(theirs_));                                     \
            int a_ = sl_snprintf(ours_, sizes_[s_], fmt, ##__VA_ARGS__);               \
            int b_ = snprintf(theirs_, sizes_[s_], fmt, ##__VA_ARGS__);                \
            if (a_ != b_ || memcmp(ours_, theirs_, sizeof(ours_))) {                   \
                if (g_failed++ < 20)                                                   \
                    print_message("mismatch: \"%s\" (%s) size %zu: ours \"%.*s\" (%d), " \
                                  "glibc \"%.*s\" (%d)\n", fmt, #__VA_ARGS__, sizes_[s_], \
                                  40, ours_, a_, 40, theirs_, b_);                     \
                break;                                                                 \
            }                                                                          \
        }                                                                              \
        g_checked++;                                                                   \
    } while (0)

static int check_teardown(void **state)
{
    (void)state;
    unsigned failed = g_failed;
    g_failed = 0;
    if (failed)
        fail_msg("%u formats differ from glibc", failed);
    return 0;
}

static const long long g_values[] = {0, 1, -1, 7, -7, 42, 255, 256, -128, 65535, 65536,
                                     INT_MAX, INT_MIN, UINT_MAX, 0x123456789abcdefLL,
                                     LLONG_MAX, LLONG_MIN, -1234567890123LL};

static void check_one(const char *fmt, const char *len, long long v)
{
    if (!strcmp(len, "hh") || !strcmp(len, "h") || !strcmp(len, ""))
        CHECK(fmt, (int)v);
    else if (!strcmp(len, "l"))
        CHECK(fmt, (long)v);
    else
        CHECK(fmt, v); /* ll z j t: all 64-bit here */
}

static void test_integers(void **state)
{
    (void)state;
    static const char *flagsets[] = {"", "-", "+", " ", "0", "#", "-+", "+0", " 0", "-0",
                                     "#0", "-#", "+ ", "-+ 0#"};
    static const char *widths[] = {"", "1", "5", "12", "30"};
    static const char *precs[] = {"", ".", ".0", ".1", ".3", ".12"};
    static const char *lens[] = {"hh", "h", "", "l", "ll", "z", "j", "t"};
    static const char convs[] = "diuxXo";
    char fmt[32];
    for (size_t c = 0; c < sizeof(convs) - 1; c++)
        for (size_t f = 0; f < ARRAY_LEN(flagsets); f++) {
            bool signed_conv = convs[c] == 'd' || convs[c] == 'i';
            if (strchr(flagsets[f], '#') && (signed_conv || convs[c] == 'u'))
                continue; /* '#' with d, i, u is undefined */
            for (size_t w = 0; w < ARRAY_LEN(widths); w++)
                for (size_t p = 0; p < ARRAY_LEN(precs); p++)
                    for (size_t l = 0; l < ARRAY_LEN(lens); l++) {
                        snprintf(fmt, sizeof(fmt), "[%%%s%s%s%s%c]", flagsets[f], widths[w],
                                 precs[p], lens[l], convs[c]);
                        for (size_t v = 0; v < ARRAY_LEN(g_values); v++)
                            check_one(fmt, lens[l], g_values[v]);
                    }
        }
    assert_true(g_checked > 100000);
}

static void test_star_width_precision(void **state)
{
    (void)state;
    for (int w = -12; w <= 12; w += 3)
        for (int p = -2; p <= 6; p++) {
            CHECK("%*.*d|", w, p, 42);
            CHECK("%-*.*x|", w, p, 0xbeefu);
            CHECK("%*.*s|", w, p, "string");
            CHECK("%0*d|", w, -5);
        }
}

static void test_strings_chars(void **state)
{
    (void)state;
    static const char *strs[] = {"", "a", "hello", "a longer string of text"};
    static const char *fmts[] = {"%s", "%10s", "%-10s", "%.3s", "%10.3s", "%-10.0s", "%.30s",
                                 "<%2s>", "%.s"};
    for (size_t s = 0; s < ARRAY_LEN(strs); s++)
        for (size_t f = 0; f < ARRAY_LEN(fmts); f++)
            CHECK(fmts[f], strs[s]);
    const char *volatile null_str = NULL;
    CHECK("%s", null_str); /* both say "(null)" */
    for (int ch = 1; ch < 256; ch += 17) {
        CHECK("%c", ch);
        CHECK("[%5c]", ch);
        CHECK("[%-3c]", ch);
    }
    CHECK("%c%c%c", 'a', 0, 'b'); /* a NUL in the middle counts */
    CHECK("100%% sure %% ok");
    CHECK("no conversions at all");
    CHECK("%s=%d, %s=%#x, %c%c", "a", -3, "b", 255u, 'o', 'k');
}

static void test_pointers(void **state)
{
    (void)state;
    int x;
    void *ptrs[] = {&x, (void *)1, (void *)0xffffffffffffull, (void *)UINTPTR_MAX};
    for (size_t i = 0; i < ARRAY_LEN(ptrs); i++) {
        CHECK("%p", ptrs[i]);
        CHECK("[%20p]", ptrs[i]);
        CHECK("[%-20p]", ptrs[i]);
    }
    char buf[32];
    sl_snprintf(buf, sizeof(buf), "%p", NULL);
    assert_string_equal(buf, "0x0");
}

static void test_truncation_and_sprintf(void **state)
{
    (void)state;
    char buf[8];
    memset(buf, 'x', sizeof(buf));
    assert_int_equal(sl_snprintf(buf, 4, "%d", 123456), 6);
    assert_string_equal(buf, "123");
    assert_int_equal(buf[4], 'x'); /* nothing written past size */
    assert_int_equal(sl_snprintf(NULL, 0, "%s-%d", "abc", 42), 6);
    char big[64];
    assert_int_equal(sl_sprintf(big, "%05d|%-4s|%x", 42, "ab", 0xabcu), 14);
    assert_string_equal(big, "00042|ab  |abc");
}

static int vcall(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = sl_vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

static void test_vsnprintf(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(vcall(buf, sizeof(buf), "%s %lld %zu", "v", -5LL, (size_t)9), 6);
    assert_string_equal(buf, "v -5 9");
}

static void test_console_output(void **state)
{
    (void)state;
    g_fake_console_len = 0;
    assert_int_equal(sl_printf("n=%d %s\n", 5, "x"), 6);
    assert_int_equal(sl_puts("line"), 5);
    assert_int_equal(sl_putchar('!'), '!');
    assert_int_equal(g_fake_console_len, 12);
    assert_memory_equal(g_fake_console, "n=5 x\nline\n!", 12);
    /* longer than printf's stack buffer: one piece, from the heap */
    char longs[1500];
    memset(longs, 'q', sizeof(longs) - 1);
    longs[sizeof(longs) - 1] = 0;
    g_fake_console_len = 0;
    assert_int_equal(sl_printf("<%s>", longs), 1501);
    assert_int_equal(g_fake_console_len, 1501);
    assert_int_equal(g_fake_console[1500], '>');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_integers, check_teardown),
        cmocka_unit_test_teardown(test_star_width_precision, check_teardown),
        cmocka_unit_test_teardown(test_strings_chars, check_teardown),
        cmocka_unit_test_teardown(test_pointers, check_teardown),
        cmocka_unit_test_teardown(test_truncation_and_sprintf, check_teardown),
        cmocka_unit_test_teardown(test_vsnprintf, check_teardown),
        cmocka_unit_test_teardown(test_console_output, check_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
