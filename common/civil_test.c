/*
 * core/lib/civil_test.c - dates to Unix time (core/lib/civil.c): the epoch and the days
 * around it, leap years by the 4/100/400 rules, the end of 32-bit time, a year's last
 * second, dates that do not exist, the way back (every day of 900 years), packed BCD.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "civil.h"

static int64_t at(int32_t y, uint32_t mo, uint32_t d, uint32_t h, uint32_t mi, uint32_t s)
{
    struct civil_time t = {y, mo, d, h, mi, s};
    return civil_unix_time(&t);
}

static void test_days(void **state)
{
    (void)state;
    assert_int_equal(civil_days(1970, 1, 1), 0);
    assert_int_equal(civil_days(1970, 1, 2), 1);
    assert_int_equal(civil_days(1969, 12, 31), -1);
    assert_int_equal(civil_days(1971, 1, 1), 365);
    assert_int_equal(civil_days(1972, 3, 1), 365 * 2 + 31 + 29); /* 1972 is leap */
    assert_int_equal(civil_days(2000, 1, 1), 10957);
    assert_int_equal(civil_days(2000, 3, 1), 10957 + 31 + 29);   /* 2000: divisible by 400 */
    assert_int_equal(civil_days(2100, 3, 1) - civil_days(2100, 2, 28), 1); /* 2100: not leap */
    assert_int_equal(civil_days(2400, 3, 1) - civil_days(2400, 2, 28), 2); /* 2400: leap */
    assert_int_equal(civil_days(1900, 3, 1) - civil_days(1900, 2, 28), 1); /* 1900: not leap */
    assert_int_equal(civil_days(0, 3, 1), -719468);
    assert_int_equal(civil_days(1601, 1, 1), -134774); /* the Windows epoch */
}

static void test_seconds(void **state)
{
    (void)state;
    assert_int_equal(at(1970, 1, 1, 0, 0, 0), 0);
    assert_int_equal(at(1970, 1, 1, 23, 59, 59), 86399);
    assert_int_equal(at(2001, 9, 9, 1, 46, 40), 1000000000);
    assert_int_equal(at(2038, 1, 19, 3, 14, 7), 2147483647);
    assert_int_equal(at(2038, 1, 19, 3, 14, 8), 2147483648ll); /* past 32 bits */
    assert_int_equal(at(2024, 2, 29, 12, 0, 0), 1709208000);
    assert_int_equal(at(2026, 12, 31, 23, 59, 59), 1798761599);
    assert_int_equal(at(2027, 1, 1, 0, 0, 0), 1798761600);
    assert_int_equal(at(2100, 1, 1, 0, 0, 0), 4102444800ll); /* the test repository's expiry */
}

static void test_invalid(void **state)
{
    (void)state;
    assert_int_equal(at(2023, 2, 29, 0, 0, 0), -1); /* not a leap year */
    assert_int_equal(at(1900, 2, 29, 0, 0, 0), -1); /* divisible by 100 */
    assert_int_equal(at(2100, 2, 29, 0, 0, 0), -1);
    assert_int_not_equal(at(2000, 2, 29, 0, 0, 0), -1); /* divisible by 400 */
    assert_int_equal(at(2026, 4, 31, 0, 0, 0), -1);
    assert_int_equal(at(2026, 0, 1, 0, 0, 0), -1);
    assert_int_equal(at(2026, 13, 1, 0, 0, 0), -1);
    assert_int_equal(at(2026, 1, 0, 0, 0, 0), -1);
    assert_int_equal(at(2026, 1, 32, 0, 0, 0), -1);
    assert_int_equal(at(2026, 1, 1, 24, 0, 0), -1);
    assert_int_equal(at(2026, 1, 1, 0, 60, 0), -1);
    assert_int_equal(at(2026, 1, 1, 0, 0, 60), -1);
}

/* Every day from 1600 to 2500 and back, and a few seconds either side of midnight. */
static void test_round_trip(void **state)
{
    (void)state;
    for (int64_t d = civil_days(1600, 1, 1); d <= civil_days(2500, 12, 31); d++) {
        struct civil_time t;
        civil_from_unix(d * 86400 + 86399, &t);
        assert_true(civil_valid(&t));
        assert_int_equal(civil_unix_time(&t), d * 86400 + 86399);
        assert_int_equal(t.hour * 3600 + t.minute * 60 + t.second, 86399);
    }
    struct civil_time t;
    civil_from_unix(-1, &t);
    assert_true(t.year == 1969 && t.month == 12 && t.day == 31 && t.hour == 23 &&
                t.minute == 59 && t.second == 59);
    civil_from_unix(951782400, &t); /* 2000-02-29 */
    assert_true(t.year == 2000 && t.month == 2 && t.day == 29 && t.hour == 0);
    civil_from_unix(1798761599, &t);
    assert_true(t.year == 2026 && t.month == 12 && t.day == 31 && t.second == 59);
}

static void test_bcd(void **state)
{
    (void)state;
    assert_int_equal(civil_bcd(0x00), 0);
    assert_int_equal(civil_bcd(0x09), 9);
    assert_int_equal(civil_bcd(0x10), 10);
    assert_int_equal(civil_bcd(0x59), 59);
    assert_int_equal(civil_bcd(0x99), 99);
    assert_int_equal(civil_bcd(0x0a), -1);
    assert_int_equal(civil_bcd(0xa0), -1);
    assert_int_equal(civil_bcd(0xff), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days),
        cmocka_unit_test(test_seconds),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_bcd),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
