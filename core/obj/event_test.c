/*
 * core/obj/event_test.c - events and object_signal, object_wait_one, timers, and
 * interrupt objects.
 */
#include "th.h"

#include "hal.h"

#define SEC 1000000000ll

/* From the test HAL (tests/hal/test_hal.c): is the line unmasked? */
bool th_irq_enabled(unsigned line);

struct ub {
    sos_handle_t h[2];
    sos_signals_t sig;
    struct sos_port_packet pkt;
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

/* ---- interrupts */

static void test_interrupt_create_fire_ack(void **state)
{
    (void)state;
    unsigned line = 40;
    assert_int_equal(u_interrupt_create(th_root(), line, g->h), 0);
    sos_handle_t irq = g->h[0];
    assert_int_equal(th_handle_info(irq).kind, SOS_OBJ_INTERRUPT);
    assert_true(th_irq_enabled(line));
    assert_int_equal(th_signals(irq), 0);
    core_irq(line, false); /* the device raises the line */
    assert_int_equal(th_signals(irq), SOS_SIG_SIGNALED);
    assert_false(th_irq_enabled(line)); /* masked until acked */
    assert_int_equal(u_interrupt_ack(irq), 0);
    assert_int_equal(th_signals(irq), 0);
    assert_true(th_irq_enabled(line));
    assert_int_equal(u_handle_close(irq), 0);
    assert_false(th_irq_enabled(line));
}

static void test_interrupt_bad_lines(void **state)
{
    (void)state;
    const uint32_t bad[] = {0, 1, 2, 15, 256, 1000, 0xffffffffu};
    struct th_counts before;
    th_counts(&before);
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(u_interrupt_create(th_root(), bad[i], g->h), SOS_ERR_OUT_OF_RANGE);
    th_assert_counts(&before);
    assert_int_equal(u_interrupt_create(th_root(), 16, g->h), 0);
    assert_int_equal(u_interrupt_create(th_root(), 255, g->h), 0);
}

static void test_interrupt_already_exists(void **state)
{
    (void)state;
    assert_int_equal(u_interrupt_create(th_root(), 41, g->h), 0);
    sos_handle_t irq = g->h[0];
    assert_int_equal(u_interrupt_create(th_root(), 41, g->h), SOS_ERR_ALREADY_EXISTS);
    assert_int_equal(u_handle_close(irq), 0);
    assert_int_equal(u_interrupt_create(th_root(), 41, g->h), 0); /* free again */
}

static void test_interrupt_needs_root_manage(void **state)
{
    (void)state;
    sos_handle_t weak = th_dup(th_root(), SOS_RIGHT_READ | SOS_RIGHT_DUPLICATE);
    assert_int_equal(u_interrupt_create(weak, 42, g->h), SOS_ERR_ACCESS_DENIED);
    sos_handle_t e = th_event();
    assert_int_equal(u_interrupt_create(e, 42, g->h), SOS_ERR_WRONG_TYPE);
    assert_int_equal(u_interrupt_create(0x5555001u, 42, g->h), SOS_ERR_BAD_HANDLE);
    sos_handle_t local;
    assert_int_equal(u_interrupt_create(th_root(), 42, &local), SOS_ERR_BAD_ADDRESS);
    assert_false(th_irq_enabled(42));
    assert_int_equal(u_interrupt_create(th_root(), 42, g->h), 0); /* the line was not taken */
}

static void test_interrupt_ack_checks(void **state)
{
    (void)state;
    assert_int_equal(u_interrupt_create(th_root(), 43, g->h), 0);
    sos_handle_t irq = g->h[0];
    sos_handle_t ro = th_dup(irq, SOS_RIGHT_WAIT);
    core_irq(43, false);
    assert_int_equal(u_interrupt_ack(ro), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(th_signals(irq), SOS_SIG_SIGNALED);
    assert_int_equal(u_interrupt_ack(th_event()), SOS_ERR_WRONG_TYPE);
    assert_int_equal(u_interrupt_ack(irq), 0);
    assert_int_equal(th_signals(irq), 0);
}

static struct {
    int64_t rc;
} g_iw;

static void irq_waiter(void *arg)
{
    sos_handle_t irq = (sos_handle_t)(uintptr_t)arg;
    g_iw.rc = u_object_wait_one(irq, SOS_SIG_SIGNALED, SOS_TIME_INFINITE, NULL);
}

static void test_interrupt_wakes_waiter(void **state)
{
    (void)state;
    g_iw.rc = 1;
    assert_int_equal(u_interrupt_create(th_root(), 44, g->h), 0);
    sos_handle_t irq = g->h[0];
    th_thread(irq_waiter, (void *)(uintptr_t)irq);
    th_settle();
    assert_int_equal(g_iw.rc, 1);
    core_irq(44, false);
    th_settle();
    assert_int_equal(g_iw.rc, 0);
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
        T(test_timer_create),
        T(test_timer_one_shot_fires_at_deadline),
        T(test_timer_deadline_in_past_fires),
        T(test_timer_periodic_fires_repeatedly),
        T(test_timer_cancel),
        T(test_timer_set_rearms),
        T(test_timer_set_bad_args),
        T(test_timer_needs_write),
        T(test_timer_closed_while_armed),
        T(test_interrupt_create_fire_ack),
        T(test_interrupt_bad_lines),
        T(test_interrupt_already_exists),
        T(test_interrupt_needs_root_manage),
        T(test_interrupt_ack_checks),
        T(test_interrupt_wakes_waiter),
    };
    return TH_RUN(tests);
}
