/*
 * hex_test.c - the hex encoder and decoder (common/hash/hex.c): every byte value both
 * ways, and the texts the decoder must refuse without touching its output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hash/hex.h"

static void test_every_byte_round_trips(void **state)
{
    (void)state;
    uint8_t all[256], back[256];
    char text[513];
    for (int i = 0; i < 256; i++)
        all[i] = (uint8_t)i;
    hex_encode(all, sizeof all, text);
    assert_int_equal(strlen(text), 512);
    assert_memory_equal(text, "000102", 6);
    assert_string_equal(text + 506, "fdfeff");
    assert_int_equal(hex_decode(text, 512, back, sizeof back), 0);
    assert_memory_equal(back, all, sizeof all);
}

static void test_refused_text_leaves_output(void **state)
{
    (void)state;
    static const char *const bad[] = {"0g", "AB", "a", "abc", "", " a", "a ", "0\x01", "\xff" "0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t out[2] = {0x55, 0x55};
        assert_int_equal(hex_decode(bad[i], strlen(bad[i]), out, 1), -1);
        assert_int_equal(out[0], 0x55);
        assert_int_equal(out[1], 0x55);
    }
    uint8_t out[2] = {0x55, 0x55};
    assert_int_equal(hex_decode("abcg", 4, out, 2), -1); /* a bad last digit */
    assert_int_equal(out[0], 0x55);
    assert_int_equal(hex_decode("ab", 2, out, 2), -1);   /* too short for n */
    assert_int_equal(hex_decode("c0", 2, out, 1), 0);
    assert_int_equal(out[0], 0xc0);
    assert_int_equal(out[1], 0x55);
}

static void test_digit(void **state)
{
    (void)state;
    for (int c = 0; c < 256; c++) {
        int want = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        assert_int_equal(hex_digit((char)c), want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_byte_round_trips),
        cmocka_unit_test(test_refused_text_leaves_output),
        cmocka_unit_test(test_digit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
