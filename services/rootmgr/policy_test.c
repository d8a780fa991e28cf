/*
 * services/rootmgr/policy_test.c - the recovery policy, on the host.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "policy.h"

#define MS 1000000ll
#define SEC 1000000000ll

static struct restart_policy on_failure(uint32_t limit, int64_t backoff)
{
    return (struct restart_policy){RESTART_ON_FAILURE, limit, backoff};
}

static void test_first_crash_restarts_at_once(void **state)
{
    (void)state;
    struct restart_policy p = on_failure(5, 100 * MS);
    struct restart_state s = {0};
    int64_t d;
    const char *why;
    assert_int_equal(policy_decide(&p, &s, true, 1 * SEC, &d, &why), POLICY_RESTART);
    assert_int_equal(d, 0);
    assert_int_equal(s.restarts, 1);
}

static void test_backoff_doubles(void **state)
{
    (void)state;
    struct restart_policy p = on_failure(0, 100 * MS);
    struct restart_state s = {0};
    int64_t d, now = 0;
    const char *why;
    int64_t want[] = {0, 100 * MS, 200 * MS};
    for (int i = 0; i < 3; i++) {
        now += 20 * SEC; /* far apart: no crash loop */
        assert_int_equal(policy_decide(&p, &s, true, now, &d, &why), POLICY_RESTART);
        assert_int_equal(d, want[i]);
    }
}

static void test_backoff_capped(void **state)
{
    (void)state;
    struct restart_policy p = on_failure(0, 20 * SEC);
    struct restart_state s = {0};
    int64_t d, now = 0;
    const char *why;
    for (int i = 0; i < 6; i++) {
        now += 60 * SEC;
        assert_int_equal(policy_decide(&p, &s, true, now, &d, &why), POLICY_RESTART);
        assert_true(d <= POLICY_MAX_BACKOFF_NS);
    }
    assert_int_equal(d, POLICY_MAX_BACKOFF_NS);
}

static void test_ready_resets_backoff(void **state)
{
    (void)state;
    struct restart_policy p = on_failure(0, 100 * MS);
    struct restart_state s = {0};
    int64_t d;
    const char *why;
    policy_decide(&p, &s, true, 20 * SEC, &d, &why);
    policy_decide(&p, &s, true, 40 * SEC, &d, &why);
    assert_int_equal(d, 100 * MS);
    policy_ready(&s);
    assert_int_equal(policy_decide(&p, &s, true, 60 * SEC, &d, &why), POLICY_RESTART);
    assert_int_equal(d, 0);
}

static void test_crash_loop_gives_up(void **state)
{
    (void)state;
    struct restart_policy p = on_failure(0, 1 * MS);
    struct restart_state s = {0};
    int64_t d;
    const char *why;
    assert_int_equal(policy_decide(&p, &s, true, 1 * SEC, &d, &why), POLICY_RESTART);
    assert_int_equal(policy_decide(&p, &s, true, 2 * SEC, &d, &why), POLICY_RESTART);
    assert_int_equal(policy_decide(&p, &s, true, 3 * SEC, &d, &why), POLICY_GIVE_UP);
    assert_string_equal(why, "crash loop: 3 crashes within 10 s");
}

static void test_slow_crashes_are_not_a_loop(void **state)
{
    (void)state;
    struct restart_policy p = on_failure(0, 1 * MS);
    struct restart_state s = {0};
    int64_t d;
    const char *why;
    for (int i = 1; i <= 10; i++)
        assert_int_equal(policy_decide(&p, &s, true, i * 11 * SEC, &d, &why), POLICY_RESTART);
}

static void test_budget(void **state)
{
    (void)state;
    struct restart_policy p = on_failure(2, 1 * MS);
    struct restart_state s = {0};
    int64_t d;
    const char *why;
    assert_int_equal(policy_decide(&p, &s, true, 20 * SEC, &d, &why), POLICY_RESTART);
    assert_int_equal(policy_decide(&p, &s, true, 40 * SEC, &d, &why), POLICY_RESTART);
    assert_int_equal(policy_decide(&p, &s, true, 60 * SEC, &d, &why), POLICY_GIVE_UP);
    assert_string_equal(why, "restart budget spent");
}

static void test_clean_exit_does_not_use_budget(void **state)
{
    (void)state;
    struct restart_policy p = {RESTART_ALWAYS, 1, 1 * MS};
    struct restart_state s = {0};
    int64_t d;
    const char *why;
    for (int i = 0; i < 10; i++)
        assert_int_equal(policy_decide(&p, &s, false, i * SEC, &d, &why), POLICY_RESTART);
    assert_int_equal(s.crashes, 0);
    assert_int_equal(policy_decide(&p, &s, true, 100 * SEC, &d, &why), POLICY_RESTART);
}

static void test_clean_exit_on_failure_stays_exited(void **state)
{
    (void)state;
    struct restart_policy p = on_failure(3, 1 * MS);
    struct restart_state s = {0};
    int64_t d;
    const char *why;
    assert_int_equal(policy_decide(&p, &s, false, SEC, &d, &why), POLICY_LEAVE_EXITED);
    assert_int_equal(s.crashes, 0);
}

static void test_never_and_fail_stop(void **state)
{
    (void)state;
    struct restart_policy never = {RESTART_NEVER, 0, 0}, fs = {RESTART_FAIL_STOP, 0, 0};
    struct restart_state s = {0};
    int64_t d;
    const char *why;
    assert_int_equal(policy_decide(&never, &s, true, SEC, &d, &why), POLICY_GIVE_UP);
    assert_int_equal(policy_decide(&fs, &s, true, SEC, &d, &why), POLICY_GIVE_UP);
    assert_string_equal(why, "crashed; fail-stop");
}

static void test_operator_reset(void **state)
{
    (void)state;
    struct restart_policy p = on_failure(1, 1 * MS);
    struct restart_state s = {0};
    int64_t d;
    const char *why;
    policy_decide(&p, &s, true, 20 * SEC, &d, &why);
    assert_int_equal(policy_decide(&p, &s, true, 40 * SEC, &d, &why), POLICY_GIVE_UP);
    policy_reset(&s);
    assert_int_equal(policy_decide(&p, &s, true, 60 * SEC, &d, &why), POLICY_RESTART);
    assert_int_equal(d, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_crash_restarts_at_once),
        cmocka_unit_test(test_backoff_doubles),
        cmocka_unit_test(test_backoff_capped),
        cmocka_unit_test(test_ready_resets_backoff),
        cmocka_unit_test(test_crash_loop_gives_up),
        cmocka_unit_test(test_slow_crashes_are_not_a_loop),
        cmocka_unit_test(test_budget),
        cmocka_unit_test(test_clean_exit_does_not_use_budget),
        cmocka_unit_test(test_clean_exit_on_failure_stays_exited),
        cmocka_unit_test(test_never_and_fail_stop),
        cmocka_unit_test(test_operator_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
