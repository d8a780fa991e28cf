/*
 * services/status/health_test.c - health rules, rollup and heartbeats, on the host.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "health.h"

#define SEC 1000000000ll

static uint32_t h(uint32_t phase, uint32_t flags, uint32_t restarts, bool beats, int64_t age)
{
    struct health_in in = {phase, flags, restarts, beats, age, SEC};
    return health_of(&in);
}

static void test_phases(void **state)
{
    (void)state;
    assert_int_equal(h(SVC_READY, 0, 0, false, 0), HEALTH_HEALTHY);
    assert_int_equal(h(SVC_READY, 0, 2, false, 0), HEALTH_HEALTHY);
    assert_int_equal(h(SVC_DORMANT, MGR_SVC_ON_DEMAND, 0, false, 0), HEALTH_DORMANT);
    assert_int_equal(h(SVC_EXITED, 0, 0, false, 0), HEALTH_DORMANT);
    assert_int_equal(h(SVC_WAITING, 0, 0, false, 0), HEALTH_DORMANT);
    assert_int_equal(h(SVC_STARTING, 0, 0, false, 0), HEALTH_DORMANT);
    assert_int_equal(h(SVC_STARTING, 0, 1, false, 0), HEALTH_RECOVERING);
    assert_int_equal(h(SVC_WAITING, 0, 3, false, 0), HEALTH_RECOVERING);
    assert_int_equal(h(SVC_BACKOFF, 0, 1, false, 0), HEALTH_RESTARTING);
    assert_int_equal(h(SVC_DEGRADED, 0, 5, false, 0), HEALTH_FAILING);
    assert_int_equal(h(SVC_DEGRADED, MGR_SVC_CRITICAL, 5, false, 0), HEALTH_FAILING);
    assert_int_equal(h(SVC_DEGRADED, MGR_SVC_OPTIONAL, 5, false, 0), HEALTH_DEGRADED);
    assert_int_equal(h(SVC_PHASE_COUNT, 0, 0, false, 0), HEALTH_FAILING);
    assert_int_equal(h(12345, 0, 0, false, 0), HEALTH_FAILING);
}

static void test_heartbeats_age(void **state)
{
    (void)state;
    assert_int_equal(h(SVC_READY, 0, 0, true, 3 * SEC), HEALTH_HEALTHY); /* three periods: ok */
    assert_int_equal(h(SVC_READY, 0, 0, true, 3 * SEC + 1), HEALTH_DEGRADED);
    assert_int_equal(h(SVC_READY, 0, 0, false, 100 * SEC), HEALTH_HEALTHY); /* never beat */
    assert_int_equal(h(SVC_BACKOFF, 0, 1, true, 100 * SEC), HEALTH_RESTARTING);
}

static void test_rollup(void **state)
{
    (void)state;
    uint32_t all_ok[] = {HEALTH_HEALTHY, HEALTH_DORMANT, HEALTH_HEALTHY};
    assert_int_equal(health_rollup(all_ok, 3), HEALTH_HEALTHY);
    assert_int_equal(health_rollup(NULL, 0), HEALTH_HEALTHY);
    uint32_t mixed[] = {HEALTH_HEALTHY, HEALTH_RESTARTING, HEALTH_RECOVERING, HEALTH_DORMANT};
    assert_int_equal(health_rollup(mixed, 4), HEALTH_RESTARTING);
    uint32_t bad[] = {HEALTH_DEGRADED, HEALTH_FAILING, HEALTH_HEALTHY};
    assert_int_equal(health_rollup(bad, 3), HEALTH_FAILING);
    uint32_t junk[] = {HEALTH_HEALTHY, 99};
    assert_int_equal(health_rollup(junk, 2), HEALTH_FAILING);
    assert_string_equal(health_name(HEALTH_RESTARTING), "restarting");
    assert_string_equal(health_name(99), "?");
}

static void test_hb_table(void **state)
{
    (void)state;
    struct hb_table t = {.n = 0};
    int64_t age;
    assert_false(hb_age(&t, "log", 10, &age));
    assert_true(hb_beat(&t, "log", 5));
    assert_true(hb_beat(&t, "config", 7));
    assert_true(hb_age(&t, "log", 10, &age));
    assert_int_equal(age, 5);
    assert_true(hb_beat(&t, "log", 9));
    assert_true(hb_age(&t, "log", 10, &age));
    assert_int_equal(age, 1);
    assert_true(hb_age(&t, "log", 3, &age)); /* a clock that seems to go back: age 0 */
    assert_int_equal(age, 0);
    hb_forget(&t, "log");
    assert_false(hb_age(&t, "log", 10, &age));
    assert_true(hb_age(&t, "config", 10, &age));
    hb_forget(&t, "nobody");
    assert_int_equal(t.n, 1);
    assert_false(hb_beat(&t, "a-name-that-is-far-too-long-for-the-table", 1));
    char name[16];
    for (int i = 0; t.n < HB_MAX; i++) {
        snprintf(name, sizeof(name), "s%d", i);
        assert_true(hb_beat(&t, name, 1));
    }
    assert_false(hb_beat(&t, "one-more", 1));
    assert_true(hb_beat(&t, "config", 2)); /* known names still beat */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phases),
        cmocka_unit_test(test_heartbeats_age),
        cmocka_unit_test(test_rollup),
        cmocka_unit_test(test_hb_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
