/*
 * core/obj/event_test.c - events, object_signal and object_wait_one.
 */
#include "th.h"

#define SEC 1000000000ll

struct ub {
    sos_handle_t h[2];
    sos_signals_t sig;
};
static struct ub *g;

TH_SETUP_UMEM(setup, g)
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, th_teardown)

/* ---- events and object_signal */

static void test_event_create(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    struct sos_info_handle hi = th_handle_info(e);
    assert_int_equal(hi.kind, SOS_OBJ_EVENT);
    assert_int_equal(hi.rights, SOS_RIGHT_READ | SOS_RIGHT_WAIT | SOS_RIGHT_DUPLICATE |
                                    SOS_RIGHT_TRANSFER | SOS_RIGHT_SIGNAL);
    assert_int_equal(th_signals(e), 0);
}

static void test_event_create_bad_args(void **state)
{
    (void)state;
    sos_handle_t local;
    struct th_counts before;
    th_counts(&before);
    assert_int_equal(u_event_create(1, g->h), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_event_create(0, &local), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_event_create(0, NULL), SOS_ERR_BAD_ADDRESS);
    th_assert_counts(&before);
}

static void test_signal_set_clear_signaled(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    assert_int_equal(u_object_signal(e, 0, SOS_SIG_SIGNALED), 0);
    assert_int_equal(th_signals(e), SOS_SIG_SIGNALED);
    assert_int_equal(u_object_signal(e, 0, SOS_SIG_SIGNALED), 0); /* idempotent */
    assert_int_equal(th_signals(e), SOS_SIG_SIGNALED);
    assert_int_equal(u_object_signal(e, SOS_SIG_SIGNALED, 0), 0);
    assert_int_equal(th_signals(e), 0);
}

static void test_signal_user_bits(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    assert_int_equal(u_object_signal(e, 0, SOS_SIG_USER(0) | SOS_SIG_USER(7)), 0);
    assert_int_equal(th_signals(e), SOS_SIG_USER(0) | SOS_SIG_USER(7));
    /* clear and set in one call: clear first, then set */
    assert_int_equal(u_object_signal(e, SOS_SIG_USER_ALL, SOS_SIG_USER(3)), 0);
    assert_int_equal(th_signals(e), SOS_SIG_USER(3));
    assert_int_equal(u_object_signal(e, SOS_SIG_USER(3), SOS_SIG_USER(3)), 0);
    assert_int_equal(th_signals(e), SOS_SIG_USER(3));
}

static void test_signal_kernel_bits_refused(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    assert_int_equal(u_object_signal(e, 0, SOS_SIG_USER(1)), 0);
    const sos_signals_t bad[] = {SOS_SIG_READABLE, SOS_SIG_WRITABLE, SOS_SIG_PEER_CLOSED,
                                 SOS_SIG_TERMINATED, SOS_SIG_FAULT_RECORD, 1u << 23};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(u_object_signal(e, 0, bad[i] | SOS_SIG_USER(2)), SOS_ERR_INVALID_ARGS);
        assert_int_equal(u_object_signal(e, bad[i] | SOS_SIG_USER(1), 0), SOS_ERR_INVALID_ARGS);
    }
    assert_int_equal(th_signals(e), SOS_SIG_USER(1)); /* nothing changed */
}

static void test_signal_non_event_user_bits_only(void **state)
{
    (void)state;
    assert_int_equal(u_channel_create(0, g->h), 0);
    sos_handle_t a = g->h[0];
    assert_int_equal(u_object_signal(a, 0, SOS_SIG_SIGNALED), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_object_signal(a, SOS_SIG_WRITABLE, 0), SOS_ERR_INVALID_ARGS);
    assert_int_equal(th_signals(a), SOS_SIG_WRITABLE);
    assert_int_equal(u_object_signal(a, 0, SOS_SIG_USER(4)), 0);
    assert_int_equal(th_signals(a), SOS_SIG_WRITABLE | SOS_SIG_USER(4));
    sos_handle_t t = th_timer();
    assert_int_equal(u_object_signal(t, 0, SOS_SIG_SIGNALED), SOS_ERR_INVALID_ARGS);
    assert_int_equal(th_signals(t), 0);
}

static void test_signal_needs_right(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    sos_handle_t d = th_dup(e, SOS_RIGHT_WAIT);
    assert_int_equal(u_object_signal(d, 0, SOS_SIG_SIGNALED), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_object_signal(d, SOS_SIG_SIGNALED, 0), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(th_signals(e), 0);
    assert_int_equal(u_object_signal(0x5555001u, 0, SOS_SIG_SIGNALED), SOS_ERR_BAD_HANDLE);
}

/* ---- object_wait_one */

static void test_wait_already_satisfied(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    assert_int_equal(u_object_signal(e, 0, SOS_SIG_SIGNALED | SOS_SIG_USER(0)), 0);
    int64_t t = th_now();
    g->sig = 0;
    assert_int_equal(u_object_wait_one(e, SOS_SIG_USER(0) | SOS_SIG_USER(1), t + SEC, &g->sig), 0);
    assert_int_equal(g->sig, SOS_SIG_SIGNALED | SOS_SIG_USER(0));
    assert_int_equal(th_now(), t);
    assert_int_equal(u_object_wait_one(e, SOS_SIG_SIGNALED, SOS_TIME_INFINITE, NULL), 0);
}

static struct {
    int64_t when;
    int64_t rc;
} g_sig;

static void signal_later(void *arg)
{
    sos_handle_t e = (sos_handle_t)(uintptr_t)arg;
    u_thread_sleep(th_now() + 25000);
    g_sig.when = th_now();
    g_sig.rc = u_object_signal(e, 0, SOS_SIG_USER(6));
}

static void test_wait_woken_by_thread(void **state)
{
    (void)state;
    g_sig.rc = 1;
    sos_handle_t e = th_event();
    th_thread(signal_later, (void *)(uintptr_t)e);
    g->sig = 0;
    assert_int_equal(u_object_wait_one(e, SOS_SIG_USER(6), th_now() + SEC, &g->sig), 0);
    assert_int_equal(g_sig.rc, 0);
    assert_int_equal(th_now(), g_sig.when);
    assert_int_equal(g->sig, SOS_SIG_USER(6));
}

static void signal_child(void *arg)
{
    (void)arg;
    u_thread_sleep(th_now() + 1000);
    g_sig.when = th_now();
    g_sig.rc = u_object_signal(th_child_handle(0), 0, SOS_SIG_SIGNALED);
}

static void test_wait_woken_by_other_process(void **state)
{
    (void)state;
    g_sig.rc = 1;
    sos_handle_t e = th_event();
    sos_handle_t d = th_dup(e, SOS_RIGHT_SIGNAL);
    th_spawn("signaller", signal_child, NULL, &d, 1);
    assert_int_equal(u_object_wait_one(e, SOS_SIG_SIGNALED, th_now() + SEC, NULL), 0);
    assert_int_equal(g_sig.rc, 0);
    assert_int_equal(th_now(), g_sig.when);
}

static void test_wait_deadline(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    assert_int_equal(u_object_signal(e, 0, SOS_SIG_USER(1)), 0);
    int64_t d = th_now() + 654321;
    g->sig = 0;
    assert_int_equal(u_object_wait_one(e, SOS_SIG_SIGNALED, d, &g->sig), SOS_ERR_TIMED_OUT);
    assert_int_equal(th_now(), d);
    assert_int_equal(g->sig, SOS_SIG_USER(1)); /* what the object had at the end */
}

static void test_wait_deadline_past_does_not_block(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    int64_t t = th_now();
    assert_int_equal(u_object_wait_one(e, SOS_SIG_SIGNALED, t, NULL), SOS_ERR_TIMED_OUT);
    assert_int_equal(u_object_wait_one(e, SOS_SIG_SIGNALED, 0, NULL), SOS_ERR_TIMED_OUT);
    assert_int_equal(th_now(), t);
}

static void test_wait_ignores_unwanted_signals(void **state)
{
    (void)state;
    g_sig.rc = 1;
    sos_handle_t e = th_event();
    th_thread(signal_later, (void *)(uintptr_t)e); /* raises USER(6) */
    int64_t d = th_now() + SEC;
    assert_int_equal(u_object_wait_one(e, SOS_SIG_SIGNALED, d, &g->sig), SOS_ERR_TIMED_OUT);
    assert_int_equal(th_now(), d);
    assert_int_equal(g_sig.rc, 0);
    assert_int_equal(g->sig, SOS_SIG_USER(6));
}

static void test_wait_bad_observed_pointer(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    sos_signals_t local;
    int64_t t = th_now();
    assert_int_equal(u_object_wait_one(e, SOS_SIG_SIGNALED, t + SEC, &local), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(th_now(), t); /* refused before waiting */
    assert_int_equal(u_object_signal(e, 0, SOS_SIG_SIGNALED), 0);
    assert_int_equal(u_object_wait_one(e, SOS_SIG_SIGNALED, t + SEC, &local), SOS_ERR_BAD_ADDRESS);
}

static void test_wait_needs_right(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    assert_int_equal(u_object_signal(e, 0, SOS_SIG_SIGNALED), 0);
    sos_handle_t d = th_dup(e, SOS_RIGHT_SIGNAL);
    assert_int_equal(u_object_wait_one(d, SOS_SIG_SIGNALED, 0, NULL), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_object_wait_one(0x5555001u, SOS_SIG_SIGNALED, 0, NULL), SOS_ERR_BAD_HANDLE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_event_create),
        T(test_event_create_bad_args),
        T(test_signal_set_clear_signaled),
        T(test_signal_user_bits),
        T(test_signal_kernel_bits_refused),
        T(test_signal_non_event_user_bits_only),
        T(test_signal_needs_right),
        T(test_wait_already_satisfied),
        T(test_wait_woken_by_thread),
        T(test_wait_woken_by_other_process),
        T(test_wait_deadline),
        T(test_wait_deadline_past_does_not_block),
        T(test_wait_ignores_unwanted_signals),
        T(test_wait_bad_observed_pointer),
        T(test_wait_needs_right),
    };
    return TH_RUN(tests);
}
