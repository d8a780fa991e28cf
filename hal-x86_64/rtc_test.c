/*
 * hal-x86_64/rtc_test.c - the CMOS clock's register decoding (rtc.c's x86_rtc_decode) on
 * the host: packed BCD and binary, 24- and 12-hour (12 AM is hour 0, 12 PM hour 12, the
 * PM flag in bit 7), the year 2000, and registers that hold no date. The port reads of
 * x86_rtc_init are not run here; the functions rtc.c calls are stubbed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "rtc.h"

int64_t hal_time_now(void);
void x86_printf(const char *fmt, ...);
int64_t hal_time_now(void) { return 0; }
void x86_printf(const char *fmt, ...) { (void)fmt; }

#define BCD 0x00
#define BIN 0x04
#define H24 0x02
#define PM 0x80

static int64_t at(uint8_t s, uint8_t mi, uint8_t h, uint8_t d, uint8_t mo, uint8_t y, uint8_t b)
{
    const uint8_t r[6] = {s, mi, h, d, mo, y};
    return x86_rtc_decode(r, b);
}

static void test_bcd_and_binary(void **state)
{
    (void)state;
    /* 2026-12-31 23:59:59 UTC = 1798761599 */
    assert_int_equal(at(0x59, 0x59, 0x23, 0x31, 0x12, 0x26, BCD | H24), 1798761599);
    assert_int_equal(at(59, 59, 23, 31, 12, 26, BIN | H24), 1798761599);
    assert_int_equal(at(0x00, 0x00, 0x00, 0x01, 0x01, 0x00, BCD | H24), 946684800); /* 2000 */
    assert_int_equal(at(0x00, 0x00, 0x12, 0x29, 0x02, 0x24, BCD | H24), 1709208000);
}

static void test_twelve_hour(void **state)
{
    (void)state;
    int64_t midnight = at(0, 0, 0, 1, 1, 27, BIN | H24);
    assert_int_equal(at(0, 0, 0x12, 0x01, 0x01, 0x27, BCD), midnight);               /* 12 AM */
    assert_int_equal(at(0, 0, 0x01, 0x01, 0x01, 0x27, BCD), midnight + 3600);        /* 1 AM */
    assert_int_equal(at(0, 0, 0x12 | PM, 0x01, 0x01, 0x27, BCD), midnight + 12 * 3600); /* noon */
    assert_int_equal(at(0, 0, 0x01 | PM, 0x01, 0x01, 0x27, BCD), midnight + 13 * 3600);
    assert_int_equal(at(0, 0, 11 | PM, 1, 1, 27, BIN), midnight + 23 * 3600);
    assert_int_equal(at(0, 0, 12, 1, 1, 27, BIN), midnight);
}

static void test_no_date(void **state)
{
    (void)state;
    assert_int_equal(at(0x5a, 0, 0, 1, 1, 0x26, BCD | H24), -1);   /* not a BCD digit */
    assert_int_equal(at(0, 0, 0, 0x29, 0x02, 0x23, BCD | H24), -1); /* 2023-02-29 */
    assert_int_equal(at(0, 0, 0x24, 1, 1, 0x26, BCD | H24), -1);    /* hour 24 */
    assert_int_equal(at(0, 0, 0, 0, 0, 0, BCD | H24), -1);          /* a cleared chip */
    assert_int_equal(at(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, BCD), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bcd_and_binary),
        cmocka_unit_test(test_twelve_hour),
        cmocka_unit_test(test_no_date),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
