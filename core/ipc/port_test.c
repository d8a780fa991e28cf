/*
 * core/ipc/port_test.c - ports: user packets, waits with deadlines, the packet limit,
 * object_wait_async bindings (ONCE and REPEAT, on events, channels and timers), their
 * lifetime, and bad arguments.
 */
#include "th.h"

#define SEC 1000000000ll

struct ub {
    struct sos_port_packet pkt;
    struct sos_port_packet out;
    sos_handle_t h[2];
    uint8_t b[16];
};
static struct ub *g;

TH_SETUP_UMEM(setup, g)
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, th_teardown)

static int64_t queue(sos_handle_t p, uint64_t key, uint64_t v)
{
    g->pkt = (struct sos_port_packet){.key = key, .type = SOS_PKT_USER};
    g->pkt.user[0] = v;
    g->pkt.user[1] = ~v;
    g->pkt.user[2] = v * 3;
    return u_port_queue(p, &g->pkt);
}

static int64_t pwait(sos_handle_t p, int64_t deadline)
{
    g->out = (struct sos_port_packet){.key = 0xdeadbeef};
    return u_port_wait(p, deadline, &g->out);
}

/* No packet is waiting (a wait with a deadline in the past). */
static void assert_no_packet(sos_handle_t p)
{
    int64_t t = th_now();
    assert_int_equal(pwait(p, 0), SOS_ERR_TIMED_OUT);
    assert_int_equal(th_now(), t);
}

static void signal_pulse(sos_handle_t e, sos_signals_t s)
{
    assert_int_equal(u_object_signal(e, s, 0), 0);
    assert_int_equal(u_object_signal(e, 0, s), 0);
}

/* ---- create */

static void test_create(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    struct sos_info_handle *i = th_umem(sizeof(*i));
    assert_int_equal(u_object_get_info(p, SOS_INFO_HANDLE, i, sizeof(*i)), (int64_t)sizeof(*i));
    assert_int_equal(i->kind, SOS_OBJ_PORT);
    assert_int_equal(i->rights, SOS_RIGHT_READ | SOS_RIGHT_WAIT | SOS_RIGHT_DUPLICATE |
                                    SOS_RIGHT_TRANSFER | SOS_RIGHT_SEND | SOS_RIGHT_RECEIVE);
    assert_int_equal(th_signals(p), 0);
}

static void test_create_bad_args(void **state)
{
    (void)state;
    sos_handle_t local;
    struct th_counts before;
    th_counts(&before);
    assert_int_equal(u_port_create(1, g->h), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_port_create(0, &local), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_port_create(0, NULL), SOS_ERR_BAD_ADDRESS);
    th_assert_counts(&before);
}

/* ---- user packets */

static void test_queue_wait_user_packets_in_order(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    for (uint64_t i = 1; i <= 5; i++)
        assert_int_equal(queue(p, 100 + i, i * 11), 0);
    for (uint64_t i = 1; i <= 5; i++) {
        assert_int_equal(pwait(p, th_now() + SEC), 0);
        assert_int_equal(g->out.key, 100 + i);
        assert_int_equal(g->out.type, SOS_PKT_USER);
        assert_int_equal(g->out.user[0], i * 11);
        assert_int_equal(g->out.user[1], ~(i * 11));
        assert_int_equal(g->out.user[2], i * 33);
    }
    assert_no_packet(p);
}

static void test_queue_forces_user_type(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    g->pkt = (struct sos_port_packet){.key = 9, .type = SOS_PKT_SIGNAL, .status = -7};
    assert_int_equal(u_port_queue(p, &g->pkt), 0);
    assert_int_equal(pwait(p, 0), 0);
    assert_int_equal(g->out.type, SOS_PKT_USER);
    assert_int_equal(g->out.key, 9);
    assert_int_equal(g->out.status, -7);
}

static void test_readable_follows_packets(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    assert_int_equal(th_signals(p) & SOS_SIG_READABLE, 0);
    assert_int_equal(queue(p, 1, 1), 0);
    assert_int_equal(queue(p, 2, 2), 0);
    assert_int_equal(th_signals(p) & SOS_SIG_READABLE, SOS_SIG_READABLE);
    assert_int_equal(pwait(p, 0), 0);
    assert_int_equal(th_signals(p) & SOS_SIG_READABLE, SOS_SIG_READABLE);
    assert_int_equal(pwait(p, 0), 0);
    assert_int_equal(th_signals(p) & SOS_SIG_READABLE, 0);
}

static void test_wait_timed_out_at_deadline(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    int64_t d = th_now() + 123456;
    assert_int_equal(pwait(p, d), SOS_ERR_TIMED_OUT);
    assert_int_equal(th_now(), d);
    assert_int_equal(g->out.key, 0xdeadbeef); /* nothing written */
}

static void test_wait_deadline_past(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    int64_t t = th_now();
    assert_int_equal(pwait(p, t - 1), SOS_ERR_TIMED_OUT);
    assert_int_equal(pwait(p, 0), SOS_ERR_TIMED_OUT);
    assert_int_equal(th_now(), t);
}

static struct {
    int64_t rc, when;
    uint64_t key;
} g_qw;

static void queue_later(void *arg)
{
    sos_handle_t p = (sos_handle_t)(uintptr_t)arg;
    struct sos_port_packet *pk = th_umem(sizeof(*pk));
    u_thread_sleep(th_now() + 5000);
    pk->key = 77;
    g_qw.when = th_now();
    g_qw.rc = u_port_queue(p, pk);
}

static void test_wait_woken_by_queue(void **state)
{
    (void)state;
    g_qw.rc = 1;
    sos_handle_t p = th_port();
    th_thread(queue_later, (void *)(uintptr_t)p);
    assert_int_equal(pwait(p, th_now() + SEC), 0);
    assert_int_equal(g_qw.rc, 0);
    assert_int_equal(g->out.key, 77);
    assert_int_equal(th_now(), g_qw.when);
}

static void test_queue_full(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    for (uint32_t i = 0; i < SOS_PORT_MAX_PACKETS; i++)
        assert_int_equal(queue(p, i, i), 0);
    assert_int_equal(queue(p, 5000, 0), SOS_ERR_QUEUE_FULL);
    assert_int_equal(pwait(p, 0), 0);
    assert_int_equal(g->out.key, 0);
    assert_int_equal(queue(p, 5001, 0), 0);
    assert_int_equal(queue(p, 5002, 0), SOS_ERR_QUEUE_FULL);
    for (uint32_t i = 1; i < SOS_PORT_MAX_PACKETS; i++) {
        assert_int_equal(pwait(p, 0), 0);
        assert_int_equal(g->out.key, i);
    }
    assert_int_equal(pwait(p, 0), 0);
    assert_int_equal(g->out.key, 5001);
    assert_no_packet(p);
}

static void test_signal_packets_not_limited_by_user_packets(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    sos_handle_t e = th_event();
    for (uint32_t i = 0; i < SOS_PORT_MAX_PACKETS; i++)
        assert_int_equal(queue(p, i, i), 0);
    assert_int_equal(u_object_wait_async(e, p, 42, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_ONCE), 0);
    assert_int_equal(u_object_signal(e, 0, SOS_SIG_SIGNALED), 0);
    for (uint32_t i = 0; i < SOS_PORT_MAX_PACKETS; i++)
        assert_int_equal(pwait(p, 0), 0);
    assert_int_equal(pwait(p, 0), 0);
    assert_int_equal(g->out.key, 42);
    assert_int_equal(g->out.type, SOS_PKT_SIGNAL);
}

static void test_closing_port_frees_user_packets(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    assert_int_equal(queue(p, 1, 1), 0);
    assert_int_equal(pwait(p, 0), 0);
    assert_int_equal(u_handle_close(p), 0);
    struct th_counts before;
    th_counts(&before);
    p = th_port();
    for (int i = 0; i < 100; i++)
        assert_int_equal(queue(p, 1, 1), 0);
    assert_int_equal(u_handle_close(p), 0);
    th_assert_counts(&before);
}

/* ---- bindings */

static void test_async_once_event(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    sos_handle_t e = th_event();
    assert_int_equal(u_object_wait_async(e, p, 0x1234, SOS_SIG_SIGNALED | SOS_SIG_USER(2),
                                         SOS_WAIT_ASYNC_ONCE), 0);
    assert_no_packet(p);
    assert_int_equal(u_object_signal(e, 0, SOS_SIG_USER(2)), 0);
    assert_int_equal(pwait(p, 0), 0);
    assert_int_equal(g->out.key, 0x1234);
    assert_int_equal(g->out.type, SOS_PKT_SIGNAL);
    assert_int_equal(g->out.status, 0);
    assert_int_equal(g->out.signal.trigger, SOS_SIG_SIGNALED | SOS_SIG_USER(2));
    assert_int_equal(g->out.signal.observed, SOS_SIG_USER(2));
    assert_int_equal(g->out.signal.count, 1);
    /* once: a later rise queues nothing */
    signal_pulse(e, SOS_SIG_USER(2));
    assert_int_equal(u_object_signal(e, 0, SOS_SIG_SIGNALED), 0);
    assert_no_packet(p);
}

static void test_async_once_fires_once_before_read(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    sos_handle_t e = th_event();
    assert_int_equal(u_object_wait_async(e, p, 1, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_ONCE), 0);
    signal_pulse(e, SOS_SIG_SIGNALED);
    signal_pulse(e, SOS_SIG_SIGNALED);
    assert_int_equal(pwait(p, 0), 0);
    assert_int_equal(g->out.signal.count, 1);
    assert_no_packet(p);
}

static void test_async_repeat_event(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    sos_handle_t e = th_event();
    assert_int_equal(u_object_wait_async(e, p, 7, SOS_SIG_USER(0), SOS_WAIT_ASYNC_REPEAT), 0);
    /* two rises before the packet is read: one packet, count 2 */
    signal_pulse(e, SOS_SIG_USER(0));
    signal_pulse(e, SOS_SIG_USER(0));
    assert_int_equal(pwait(p, 0), 0);
    assert_int_equal(g->out.key, 7);
    assert_int_equal(g->out.signal.count, 2);
    assert_int_equal(g->out.signal.observed, SOS_SIG_USER(0));
    assert_no_packet(p);
    /* the binding stays */
    signal_pulse(e, SOS_SIG_USER(0));
    assert_int_equal(pwait(p, 0), 0);
    assert_int_equal(g->out.signal.count, 1);
    assert_no_packet(p);
}

static void test_async_repeat_ignores_other_signals(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    sos_handle_t e = th_event();
    assert_int_equal(u_object_wait_async(e, p, 7, SOS_SIG_USER(0), SOS_WAIT_ASYNC_REPEAT), 0);
    signal_pulse(e, SOS_SIG_USER(1));
    signal_pulse(e, SOS_SIG_SIGNALED);
    assert_no_packet(p);
    /* a set that does not rise (already set) does not fire either */
    assert_int_equal(u_object_signal(e, 0, SOS_SIG_USER(0)), 0);
    assert_int_equal(pwait(p, 0), 0);
    assert_int_equal(u_object_signal(e, 0, SOS_SIG_USER(0)), 0);
    assert_no_packet(p);
}

static void test_async_channel_readable(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    assert_int_equal(u_channel_create(0, g->h), 0);
    sos_handle_t a = g->h[0], b = g->h[1];
    assert_int_equal(u_object_wait_async(b, p, 99, SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED,
                                         SOS_WAIT_ASYNC_REPEAT), 0);
    assert_no_packet(p);
    assert_int_equal(u_channel_write(a, g->b, 4, NULL, 0), 0);
    assert_int_equal(u_channel_write(a, g->b, 4, NULL, 0), 0); /* no new edge */
    assert_int_equal(pwait(p, 0), 0);
    assert_int_equal(g->out.key, 99);
    assert_int_equal(g->out.signal.trigger, SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED);
    assert_int_equal(g->out.signal.observed, SOS_SIG_READABLE | SOS_SIG_WRITABLE);
    assert_int_equal(g->out.signal.count, 1);
    assert_int_equal(u_handle_close(a), 0);
    assert_int_equal(pwait(p, 0), 0);
    assert_int_equal(g->out.signal.observed, SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED);
    assert_no_packet(p);
}

static void test_async_once_channel(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    assert_int_equal(u_channel_create(0, g->h), 0);
    sos_handle_t a = g->h[0], b = g->h[1];
    assert_int_equal(u_object_wait_async(b, p, 5, SOS_SIG_READABLE, SOS_WAIT_ASYNC_ONCE), 0);
    assert_int_equal(u_channel_write(a, g->b, 1, NULL, 0), 0);
    assert_int_equal(pwait(p, th_now() + SEC), 0);
    assert_int_equal(g->out.key, 5);
    assert_int_equal(g->out.signal.count, 1);
    struct sos_chan_read *rd = th_umem(sizeof(*rd));
    *rd = (struct sos_chan_read){g->b, NULL, sizeof(g->b), 0, 0, 0};
    assert_int_equal(u_channel_read(b, rd), 0);
    assert_int_equal(u_channel_write(a, g->b, 1, NULL, 0), 0);
    assert_no_packet(p);
}

static void test_async_already_active_once(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    sos_handle_t e = th_event();
    assert_int_equal(u_object_signal(e, 0, SOS_SIG_SIGNALED), 0);
    assert_int_equal(u_object_wait_async(e, p, 3, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_ONCE), 0);
    assert_int_equal(th_signals(p) & SOS_SIG_READABLE, SOS_SIG_READABLE);
    assert_int_equal(pwait(p, 0), 0);
    assert_int_equal(g->out.key, 3);
    assert_int_equal(g->out.signal.observed, SOS_SIG_SIGNALED);
    assert_int_equal(g->out.signal.count, 1);
    signal_pulse(e, SOS_SIG_SIGNALED);
    assert_no_packet(p);
}

static void test_async_already_active_repeat(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    sos_handle_t e = th_event();
    assert_int_equal(u_object_signal(e, 0, SOS_SIG_USER(5)), 0);
    assert_int_equal(u_object_wait_async(e, p, 3, SOS_SIG_USER(5), SOS_WAIT_ASYNC_REPEAT), 0);
    assert_int_equal(pwait(p, 0), 0);
    assert_int_equal(g->out.signal.count, 1);
    assert_no_packet(p);
    signal_pulse(e, SOS_SIG_USER(5));
    assert_int_equal(pwait(p, 0), 0);
    assert_int_equal(g->out.signal.count, 1);
}

static void test_async_two_bindings_two_packets(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    sos_handle_t e = th_event();
    assert_int_equal(u_object_wait_async(e, p, 1, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_ONCE), 0);
    assert_int_equal(u_object_wait_async(e, p, 2, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_ONCE), 0);
    assert_int_equal(u_object_signal(e, 0, SOS_SIG_SIGNALED), 0);
    assert_int_equal(pwait(p, 0), 0);
    assert_int_equal(g->out.key, 1);
    assert_int_equal(pwait(p, 0), 0);
    assert_int_equal(g->out.key, 2);
    assert_no_packet(p);
}

static void test_async_wakes_port_waiter(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    assert_int_equal(u_timer_create(0, g->h), 0);
    sos_handle_t t = g->h[0];
    assert_int_equal(u_object_wait_async(t, p, 11, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_ONCE), 0);
    int64_t d = th_now() + 40000;
    assert_int_equal(u_timer_set(t, d, 0), 0);
    assert_int_equal(pwait(p, th_now() + SEC), 0);
    assert_int_equal(th_now(), d);
    assert_int_equal(g->out.key, 11);
    assert_int_equal(g->out.signal.observed, SOS_SIG_SIGNALED);
}

/* ---- lifetimes */

static struct {
    int64_t rc;
} g_pw;

static void port_waiter(void *arg)
{
    sos_handle_t p = (sos_handle_t)(uintptr_t)arg;
    struct sos_port_packet *pk = th_umem(sizeof(*pk));
    g_pw.rc = u_port_wait(p, SOS_TIME_INFINITE, pk);
}

static void test_closing_port_cancels_waiter(void **state)
{
    (void)state;
    g_pw.rc = 1;
    sos_handle_t p = th_port();
    th_thread(port_waiter, (void *)(uintptr_t)p);
    th_settle();
    assert_int_equal(g_pw.rc, 1); /* blocked */
    assert_int_equal(u_handle_close(p), 0);
    th_settle();
    assert_int_equal(g_pw.rc, SOS_ERR_CANCELED);
}

static void test_closing_one_of_two_handles_keeps_waiter(void **state)
{
    (void)state;
    g_pw.rc = 1;
    sos_handle_t p = th_port();
    sos_handle_t p2 = th_dup(p, SOS_RIGHT_SAME_RIGHTS);
    th_thread(port_waiter, (void *)(uintptr_t)p);
    th_settle();
    assert_int_equal(u_handle_close(p2), 0);
    th_settle();
    assert_int_equal(g_pw.rc, 1);
    g->pkt = (struct sos_port_packet){.key = 1};
    assert_int_equal(u_port_queue(p, &g->pkt), 0);
    th_settle();
    assert_int_equal(g_pw.rc, 0);
}

static void test_closing_bound_object_frees_binding(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    sos_handle_t e = th_event(); /* warm the caches */
    assert_int_equal(u_object_wait_async(e, p, 1, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_REPEAT), 0);
    assert_int_equal(u_handle_close(e), 0);
    struct th_counts before;
    th_counts(&before);
    for (int i = 0; i < 50; i++) {
        e = th_event();
        assert_int_equal(u_object_wait_async(e, p, 1, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_REPEAT), 0);
        assert_int_equal(u_object_wait_async(e, p, 2, SOS_SIG_USER(0), SOS_WAIT_ASYNC_ONCE), 0);
        assert_int_equal(u_handle_close(e), 0);
    }
    th_assert_counts(&before);
    assert_no_packet(p);
}

static void test_fired_once_binding_freed_after_read(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    sos_handle_t e = th_event();
    for (int pass = 0; pass < 2; pass++) { /* the first pass warms the caches */
        struct th_counts before;
        th_counts(&before);
        for (int i = 0; i < 100; i++) {
            assert_int_equal(u_object_wait_async(e, p, 1, SOS_SIG_USER(0), SOS_WAIT_ASYNC_ONCE), 0);
            signal_pulse(e, SOS_SIG_USER(0));
            assert_int_equal(pwait(p, 0), 0);
        }
        if (pass == 1)
            th_assert_counts(&before);
    }
    assert_no_packet(p);
}

static void test_closing_bound_object_keeps_queued_packet(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    sos_handle_t e = th_event();
    assert_int_equal(u_object_wait_async(e, p, 1, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_REPEAT), 0);
    assert_int_equal(u_handle_close(e), 0);
    struct th_counts before;
    th_counts(&before);
    e = th_event();
    assert_int_equal(u_object_wait_async(e, p, 8, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_REPEAT), 0);
    assert_int_equal(u_object_signal(e, 0, SOS_SIG_SIGNALED), 0);
    assert_int_equal(u_handle_close(e), 0);
    assert_int_equal(pwait(p, 0), 0);
    assert_int_equal(g->out.key, 8);
    assert_int_equal(g->out.signal.count, 1);
    assert_no_packet(p);
    th_assert_counts(&before);
}

static void test_closing_port_frees_bindings(void **state)
{
    (void)state;
    sos_handle_t e = th_event();
    sos_handle_t p = th_port();
    assert_int_equal(u_object_wait_async(e, p, 1, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_REPEAT), 0);
    assert_int_equal(u_handle_close(p), 0);
    struct th_counts before;
    th_counts(&before);
    for (int i = 0; i < 50; i++) {
        p = th_port();
        assert_int_equal(u_object_wait_async(e, p, 1, SOS_SIG_USER(0), SOS_WAIT_ASYNC_REPEAT), 0);
        assert_int_equal(u_object_wait_async(e, p, 2, SOS_SIG_USER(1), SOS_WAIT_ASYNC_ONCE), 0);
        signal_pulse(e, SOS_SIG_USER(1)); /* one packet queued when the port goes */
        assert_int_equal(u_handle_close(p), 0);
    }
    th_assert_counts(&before);
    signal_pulse(e, SOS_SIG_USER(0)); /* nobody is bound any more */
    signal_pulse(e, SOS_SIG_USER(1));
}

static void test_binding_to_port_itself(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    assert_int_equal(u_object_wait_async(p, p, 1, SOS_SIG_READABLE, SOS_WAIT_ASYNC_ONCE), 0);
    struct th_counts before;
    th_counts(&before);
    assert_int_equal(u_handle_close(p), 0);
    struct th_counts after;
    th_counts(&after);
    assert_int_equal(after.objects[SOS_OBJ_PORT], before.objects[SOS_OBJ_PORT] - 1);
}

/* ---- bad arguments */

static void test_async_bad_signals_and_options(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    sos_handle_t e = th_event();
    struct th_counts before;
    th_counts(&before);
    assert_int_equal(u_object_wait_async(e, p, 1, 0, SOS_WAIT_ASYNC_ONCE), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_object_wait_async(e, p, 1, SOS_SIG_SIGNALED, 2), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_object_wait_async(e, p, 1, SOS_SIG_SIGNALED, 0xffffffffu),
                     SOS_ERR_INVALID_ARGS);
    th_assert_counts(&before);
    assert_int_equal(u_object_signal(e, 0, SOS_SIG_SIGNALED), 0);
    assert_no_packet(p);
}

static void test_async_wrong_types(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    sos_handle_t e = th_event();
    assert_int_equal(u_object_wait_async(p, e, 1, SOS_SIG_READABLE, SOS_WAIT_ASYNC_ONCE),
                     SOS_ERR_WRONG_TYPE);
    assert_int_equal(u_object_wait_async(e, th_self(), 1, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_ONCE),
                     SOS_ERR_WRONG_TYPE);
    assert_int_equal(u_object_wait_async(e, 0x4242001u, 1, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_ONCE),
                     SOS_ERR_BAD_HANDLE);
    assert_int_equal(u_object_wait_async(0x4242001u, p, 1, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_ONCE),
                     SOS_ERR_BAD_HANDLE);
}

static void test_async_missing_rights(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    sos_handle_t e = th_event();
    sos_handle_t e_nowait = th_dup(e, SOS_RIGHT_SIGNAL);
    sos_handle_t p_nosend = th_dup(p, SOS_RIGHT_RECEIVE | SOS_RIGHT_WAIT);
    assert_int_equal(u_object_wait_async(e_nowait, p, 1, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_ONCE),
                     SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_object_wait_async(e, p_nosend, 1, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_ONCE),
                     SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_object_signal(e, 0, SOS_SIG_SIGNALED), 0);
    assert_no_packet(p);
}

static void test_queue_wait_missing_rights(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    sos_handle_t p_nosend = th_dup(p, SOS_RIGHT_RECEIVE);
    sos_handle_t p_norecv = th_dup(p, SOS_RIGHT_SEND);
    assert_int_equal(queue(p_nosend, 1, 1), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(queue(p_norecv, 2, 2), 0);
    assert_int_equal(pwait(p_norecv, 0), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(pwait(p_nosend, 0), 0);
    assert_int_equal(g->out.key, 2);
}

static void test_queue_wait_bad_args(void **state)
{
    (void)state;
    sos_handle_t p = th_port();
    sos_handle_t e = th_event();
    struct sos_port_packet local = {.key = 1};
    assert_int_equal(u_port_queue(p, &local), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_port_queue(p, NULL), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(queue(e, 1, 1), SOS_ERR_WRONG_TYPE);
    assert_no_packet(p);
    assert_int_equal(queue(p, 3, 3), 0);
    int64_t t = th_now();
    assert_int_equal(u_port_wait(p, th_now() + SEC, &local), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_port_wait(p, th_now() + SEC, NULL), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(th_now(), t);
    assert_int_equal(pwait(e, 0), SOS_ERR_WRONG_TYPE);
    /* the packet was not consumed by the failed waits */
    assert_int_equal(pwait(p, 0), 0);
    assert_int_equal(g->out.key, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_create),
        T(test_create_bad_args),
        T(test_queue_wait_user_packets_in_order),
        T(test_queue_forces_user_type),
        T(test_readable_follows_packets),
        T(test_wait_timed_out_at_deadline),
        T(test_wait_deadline_past),
        T(test_wait_woken_by_queue),
        T(test_queue_full),
        T(test_signal_packets_not_limited_by_user_packets),
        T(test_closing_port_frees_user_packets),
        T(test_async_once_event),
        T(test_async_once_fires_once_before_read),
        T(test_async_repeat_event),
        T(test_async_repeat_ignores_other_signals),
        T(test_async_channel_readable),
        T(test_async_once_channel),
        T(test_async_already_active_once),
        T(test_async_already_active_repeat),
        T(test_async_two_bindings_two_packets),
        T(test_async_wakes_port_waiter),
        T(test_closing_port_cancels_waiter),
        T(test_closing_one_of_two_handles_keeps_waiter),
        T(test_closing_bound_object_frees_binding),
        T(test_fired_once_binding_freed_after_read),
        T(test_closing_bound_object_keeps_queued_packet),
        T(test_closing_port_frees_bindings),
        T(test_binding_to_port_itself),
        T(test_async_bad_signals_and_options),
        T(test_async_wrong_types),
        T(test_async_missing_rights),
        T(test_queue_wait_missing_rights),
        T(test_queue_wait_bad_args),
    };
    return TH_RUN(tests);
}
