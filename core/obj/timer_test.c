/*
 * core/obj/timer_test.c - timer objects: timer_create, timer_set, timer_cancel, one-shot
 * and periodic firing, and a timer closed while armed.
 */
#include "th.h"

#define SEC 1000000000ll

/* User memory for the calls' out-parameters. */
struct ub {
    sos_handle_t h[2];
    struct sos_port_packet pkt;
};
static struct ub *g;

TH_SETUP_UMEM(setup, g)
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, th_teardown)

/* ---- timers */

static void test_timer_create(void **state)
{
    (void)state;
    sos_handle_t t = th_timer();
    struct sos_info_handle hi = th_handle_info(t);
    assert_int_equal(hi.kind, SOS_OBJ_TIMER);
    assert_true(hi.rights & SOS_RIGHT_WRITE);
    assert_int_equal(th_signals(t), 0);
    assert_int_equal(u_timer_create(3, g->h), SOS_ERR_INVALID_ARGS);
    sos_handle_t local;
    assert_int_equal(u_timer_create(0, &local), SOS_ERR_BAD_ADDRESS);
}

static void test_timer_one_shot_fires_at_deadline(void **state)
{
    (void)state;
    sos_handle_t t = th_timer();
    int64_t d = th_now() + 5000000;
    assert_int_equal(u_timer_set(t, d, 0), 0);
    assert_int_equal(th_signals(t), 0);
    assert_int_equal(u_object_wait_one(t, SOS_SIG_SIGNALED, th_now() + SEC, NULL), 0);
    assert_int_equal(th_now(), d);
    assert_int_equal(th_signals(t), SOS_SIG_SIGNALED);
    /* one shot: it stays signaled and does not fire again */
    th_sleep(100000000);
    assert_int_equal(th_signals(t), SOS_SIG_SIGNALED);
}

static void test_timer_deadline_in_past_fires(void **state)
{
    (void)state;
    sos_handle_t t = th_timer();
    int64_t now = th_now();
    assert_int_equal(u_timer_set(t, 0, 0), 0);
    assert_int_equal(u_object_wait_one(t, SOS_SIG_SIGNALED, now + SEC, NULL), 0);
    assert_int_equal(th_now(), now);
}

static void test_timer_periodic_fires_repeatedly(void **state)
{
    (void)state;
    sos_handle_t t = th_timer();
    sos_handle_t p = th_port();
    assert_int_equal(u_object_wait_async(t, p, 1, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_REPEAT), 0);
    int64_t period = 1000000;
    int64_t d = th_now() + 300000;
    assert_int_equal(u_timer_set(t, d, period), 0);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(u_port_wait(p, th_now() + SEC, &g->pkt), 0);
        assert_int_equal(th_now(), d + i * period);
        assert_int_equal(g->pkt.signal.count, 1);
    }
    /* periods that pass unread are counted in one packet */
    th_sleep(3 * period);
    assert_int_equal(u_port_wait(p, 0, &g->pkt), 0);
    assert_int_equal(g->pkt.signal.count, 3);
}

static void test_timer_cancel(void **state)
{
    (void)state;
    sos_handle_t t = th_timer();
    int64_t d = th_now() + 10000;
    assert_int_equal(u_timer_set(t, d, 0), 0);
    assert_int_equal(u_timer_cancel(t), 0);
    assert_int_equal(u_object_wait_one(t, SOS_SIG_SIGNALED, d + 50000, NULL), SOS_ERR_TIMED_OUT);
    assert_int_equal(th_now(), d + 50000);
    /* cancel clears a fired timer and stops a periodic one */
    assert_int_equal(u_timer_set(t, th_now() + 1000, 200000), 0);
    assert_int_equal(u_object_wait_one(t, SOS_SIG_SIGNALED, th_now() + SEC, NULL), 0);
    assert_int_equal(u_timer_cancel(t), 0);
    assert_int_equal(th_signals(t), 0);
    th_sleep(1000000);
    assert_int_equal(th_signals(t), 0);
    assert_int_equal(u_timer_cancel(t), 0); /* cancelling an idle timer is fine */
}

static void test_timer_set_rearms(void **state)
{
    (void)state;
    sos_handle_t t = th_timer();
    assert_int_equal(u_timer_set(t, th_now() + 1000, 0), 0);
    assert_int_equal(u_object_wait_one(t, SOS_SIG_SIGNALED, th_now() + SEC, NULL), 0);
    int64_t d = th_now() + 30000;
    assert_int_equal(u_timer_set(t, d, 0), 0);
    assert_int_equal(th_signals(t), 0); /* set clears SIGNALED */
    /* a later set replaces the earlier deadline */
    int64_t d2 = d + 20000;
    assert_int_equal(u_timer_set(t, d2, 0), 0);
    assert_int_equal(u_object_wait_one(t, SOS_SIG_SIGNALED, th_now() + SEC, NULL), 0);
    assert_int_equal(th_now(), d2);
}

static void test_timer_set_bad_args(void **state)
{
    (void)state;
    sos_handle_t t = th_timer();
    int64_t d = th_now() + 1000;
    assert_int_equal(u_timer_set(t, d, -1), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_timer_set(t, d, INT64_MIN), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_timer_set(t, d, 1), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_timer_set(t, d, 99999), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_timer_set(t, -5, 0), SOS_ERR_INVALID_ARGS);
    /* none of them armed the timer */
    assert_int_equal(u_object_wait_one(t, SOS_SIG_SIGNALED, d + 10000, NULL), SOS_ERR_TIMED_OUT);
    assert_int_equal(u_timer_set(t, th_now() + 1000, 100000), 0); /* the shortest period */
    assert_int_equal(u_timer_cancel(t), 0);
}

static void test_timer_needs_write(void **state)
{
    (void)state;
    sos_handle_t t = th_timer();
    sos_handle_t ro = th_dup(t, SOS_RIGHT_WAIT | SOS_RIGHT_READ);
    assert_int_equal(u_timer_set(ro, th_now() + 1000, 0), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_timer_set(t, th_now() + 1000, 0), 0);
    assert_int_equal(u_timer_cancel(ro), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_object_wait_one(t, SOS_SIG_SIGNALED, th_now() + SEC, NULL), 0);
    sos_handle_t e = th_event();
    assert_int_equal(u_timer_set(e, th_now() + 1000, 0), SOS_ERR_WRONG_TYPE);
    assert_int_equal(u_timer_cancel(e), SOS_ERR_WRONG_TYPE);
}

static void test_timer_closed_while_armed(void **state)
{
    (void)state;
    sos_handle_t t = th_timer();
    assert_int_equal(u_handle_close(t), 0);
    struct th_counts before;
    th_counts(&before);
    t = th_timer();
    assert_int_equal(u_timer_set(t, th_now() + 5000, 150000), 0);
    assert_int_equal(u_handle_close(t), 0);
    th_assert_counts(&before);
    th_sleep(1000000); /* nothing fires into freed memory */
    th_assert_counts(&before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_timer_create),
        T(test_timer_one_shot_fires_at_deadline),
        T(test_timer_deadline_in_past_fires),
        T(test_timer_periodic_fires_repeatedly),
        T(test_timer_cancel),
        T(test_timer_set_rearms),
        T(test_timer_set_bad_args),
        T(test_timer_needs_write),
        T(test_timer_closed_while_armed),
    };
    return TH_RUN(tests);
}
