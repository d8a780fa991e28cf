/*
 * tests/ktest/cases_port.c - ports (user packets, signal bindings once and repeating,
 * many channels on one port, limits) and timers (one-shot, periodic, cancel, deadlines).
 *
 * Layer: tests (user image).
 */
#include "ktest.h"

static struct sos_port_packet wait_packet(sos_handle_t port, int ms)
{
    struct sos_port_packet pkt;
    int64_t err = sos_port_wait(port, sos_deadline_after(SOS_MS(ms)), &pkt);
    if (err)
        kt_fail(__LINE__, "port_wait: %s", sos_strerror((int)err));
    return pkt;
}

static void expect_no_packet(sos_handle_t port, int ms)
{
    struct sos_port_packet pkt;
    int64_t err = sos_port_wait(port, sos_deadline_after(SOS_MS(ms)), &pkt);
    if (err != SOS_ERR_TIMED_OUT)
        kt_fail(__LINE__, "expected no packet, got %s (key %llu type %u)",
                err ? sos_strerror((int)err) : "one", (unsigned long long)pkt.key, pkt.type);
}

static void port_user_packets(void)
{
    sos_handle_t p = kt_port();
    struct sos_port_packet in = {.key = 77, .type = 99, .status = -3};
    in.user[0] = 1;
    in.user[1] = 2;
    in.user[2] = 3;
    KT_OK(sos_port_queue(p, &in));
    in.key = 78;
    KT_OK(sos_port_queue(p, &in));
    KT_ASSERT(kt_signaled(p, SOS_SIG_READABLE));
    struct sos_port_packet out = wait_packet(p, 100);
    KT_EQ(out.key, 77);
    KT_EQ(out.type, SOS_PKT_USER); /* the kernel sets the type */
    KT_EQ(out.status, -3);
    KT_EQ(out.user[2], 3);
    KT_EQ(wait_packet(p, 100).key, 78); /* in order */
    KT_ASSERT(!kt_signaled(p, SOS_SIG_READABLE));
}

static void port_wait_timeout(void)
{
    sos_handle_t p = kt_port();
    sos_time_t start = sos_clock_get();
    expect_no_packet(p, 10);
    KT_ASSERT(sos_clock_get() - start >= SOS_MS(10));
}

static void port_bind_once(void)
{
    sos_handle_t p = kt_port(), e = kt_event();
    KT_OK(sos_object_wait_async(e, p, 5, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_ONCE));
    expect_no_packet(p, 2);
    KT_OK(sos_object_signal(e, 0, SOS_SIG_SIGNALED));
    struct sos_port_packet pkt = wait_packet(p, 100);
    KT_EQ(pkt.key, 5);
    KT_EQ(pkt.type, SOS_PKT_SIGNAL);
    KT_EQ(pkt.signal.trigger, SOS_SIG_SIGNALED);
    KT_ASSERT(pkt.signal.observed & SOS_SIG_SIGNALED);
    KT_OK(sos_object_signal(e, SOS_SIG_SIGNALED, 0));
    KT_OK(sos_object_signal(e, 0, SOS_SIG_SIGNALED));
    expect_no_packet(p, 5); /* once means once */
}

static void port_bind_repeat(void)
{
    sos_handle_t p = kt_port(), e = kt_event();
    KT_OK(sos_object_wait_async(e, p, 6, SOS_SIG_USER(4), SOS_WAIT_ASYNC_REPEAT));
    for (int i = 0; i < 3; i++) {
        KT_OK(sos_object_signal(e, 0, SOS_SIG_USER(4)));
        KT_EQ(wait_packet(p, 100).key, 6);
        KT_OK(sos_object_signal(e, SOS_SIG_USER(4), 0));
    }
    expect_no_packet(p, 2);
}

static void port_bind_already_signaled(void)
{
    sos_handle_t p = kt_port(), e = kt_event();
    KT_OK(sos_object_signal(e, 0, SOS_SIG_SIGNALED));
    KT_OK(sos_object_wait_async(e, p, 8, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_ONCE));
    KT_EQ(wait_packet(p, 100).key, 8);
}

static void port_many_channels(void)
{
    enum { N = 16 };
    sos_handle_t p = kt_port(), mine[N], theirs[N];
    for (int i = 0; i < N; i++) {
        kt_channel(&mine[i], &theirs[i]);
        KT_OK(sos_object_wait_async(mine[i], p, 100 + (uint64_t)i, SOS_SIG_READABLE,
                                    SOS_WAIT_ASYNC_REPEAT));
    }
    for (int i = N - 1; i >= 0; i--)
        KT_OK(sos_channel_write(theirs[i], &i, sizeof(i), NULL, 0));
    uint32_t seen = 0;
    for (int n = 0; n < N; n++) {
        struct sos_port_packet pkt = wait_packet(p, 100);
        KT_ASSERT(pkt.key >= 100 && pkt.key < 100 + N);
        int i = (int)(pkt.key - 100), v;
        KT_EQ(kt_recv(mine[i], &v, sizeof(v), 10), sizeof(v));
        KT_EQ(v, i);
        seen |= 1u << i;
    }
    KT_EQ(seen, (1u << N) - 1);
    expect_no_packet(p, 2);
}

static void port_queue_full(void)
{
    sos_handle_t p = kt_port();
    struct sos_port_packet pkt = {.key = 1};
    for (uint32_t i = 0; i < SOS_PORT_MAX_PACKETS; i++)
        KT_OK(sos_port_queue(p, &pkt));
    KT_EQ(sos_port_queue(p, &pkt), SOS_ERR_QUEUE_FULL);
    wait_packet(p, 10);
    KT_OK(sos_port_queue(p, &pkt));
}

struct port_waiter {
    sos_handle_t port;
    int64_t result;
};

static void wait_on_port(void *arg)
{
    struct port_waiter *w = arg;
    struct sos_port_packet pkt;
    w->result = sos_port_wait(w->port, sos_deadline_after(SOS_MS(5000)), &pkt);
}

static void port_close_wakes_waiter(void)
{
    struct port_waiter w = {kt_port(), 1};
    struct sl_thread t;
    KT_OK(sl_thread_start(&t, wait_on_port, &w, 0));
    sos_thread_sleep(sos_deadline_after(SOS_MS(5)));
    KT_OK(sos_handle_close(w.port));
    KT_OK(sl_thread_join(&t, sos_deadline_after(SOS_MS(2000))));
    KT_EQ(w.result, SOS_ERR_CANCELED);
}

static void port_bad_args(void)
{
    sos_handle_t p = kt_port(), e = kt_event(), x;
    KT_EQ(sos_object_wait_async(e, p, 1, 0, SOS_WAIT_ASYNC_ONCE), SOS_ERR_INVALID_ARGS);
    KT_EQ(sos_object_wait_async(e, p, 1, SOS_SIG_SIGNALED, 7), SOS_ERR_INVALID_ARGS);
    KT_EQ(sos_object_wait_async(e, e, 1, SOS_SIG_SIGNALED, 0), SOS_ERR_WRONG_TYPE);
    KT_EQ(sos_port_create(1, &x), SOS_ERR_INVALID_ARGS);
    struct sos_port_packet pkt;
    KT_EQ(sos_port_wait(e, 0, &pkt), SOS_ERR_WRONG_TYPE);
    KT_EQ(sos_port_wait(p, 0, (struct sos_port_packet *)kt_opaque(8)), SOS_ERR_BAD_ADDRESS);
    sos_handle_t recv_only = kt_dup(p, SOS_RIGHT_RECEIVE);
    KT_EQ(sos_port_queue(recv_only, &pkt), SOS_ERR_ACCESS_DENIED);
    KT_EQ(sos_object_wait_async(e, recv_only, 1, SOS_SIG_SIGNALED, 0), SOS_ERR_ACCESS_DENIED);
}

static void port_process_terminated(void)
{
    sos_handle_t p = kt_port();
    sos_handle_t proc = kt_spawn("exit", "3", NULL, 0);
    KT_OK(sos_object_wait_async(proc, p, 42, SOS_SIG_TERMINATED, SOS_WAIT_ASYNC_ONCE));
    struct sos_port_packet pkt = wait_packet(p, 2000);
    KT_EQ(pkt.key, 42);
    KT_EQ(kt_process_info(proc).exit_code, 3);
}

/* ---- timers */

static sos_handle_t timer(void)
{
    sos_handle_t t;
    KT_OK(sos_timer_create(0, &t));
    return t;
}

static void timer_oneshot(void)
{
    sos_handle_t t = timer();
    /* far enough ahead that a guest descheduled by its host (QEMU under TCG on a
     * loaded machine) still looks before it fires: 5 ms failed once that way */
    sos_time_t deadline = sos_deadline_after(SOS_MS(100));
    KT_OK(sos_timer_set(t, deadline, 0));
    KT_ASSERT(!kt_signaled(t, SOS_SIG_SIGNALED));
    kt_wait(t, SOS_SIG_SIGNALED, 2000);
    KT_ASSERT(sos_clock_get() >= deadline);
    KT_OK(sos_timer_set(t, sos_deadline_after(SOS_MS(1000)), 0)); /* re-arming clears it */
    KT_ASSERT(!kt_signaled(t, SOS_SIG_SIGNALED));
    KT_OK(sos_timer_set(t, 0, 0)); /* a deadline in the past fires at once */
    kt_wait(t, SOS_SIG_SIGNALED, 100);
}

static void timer_cancel(void)
{
    sos_handle_t t = timer();
    KT_OK(sos_timer_set(t, sos_deadline_after(SOS_MS(10)), 0));
    KT_OK(sos_timer_cancel(t));
    KT_EQ(sos_object_wait_one(t, SOS_SIG_SIGNALED, sos_deadline_after(SOS_MS(30)), NULL),
          SOS_ERR_TIMED_OUT);
    KT_OK(sos_timer_set(t, 0, 0));
    kt_wait(t, SOS_SIG_SIGNALED, 100);
    KT_OK(sos_timer_cancel(t)); /* cancel also clears the signal */
    KT_ASSERT(!kt_signaled(t, SOS_SIG_SIGNALED));
}

static void timer_order(void)
{
    sos_handle_t p = kt_port(), t1 = timer(), t2 = timer(), t3 = timer();
    sos_time_t now = sos_clock_get();
    KT_OK(sos_timer_set(t1, now + SOS_MS(15), 0));
    KT_OK(sos_timer_set(t2, now + SOS_MS(5), 0));
    KT_OK(sos_timer_set(t3, now + SOS_MS(10), 0));
    KT_OK(sos_object_wait_async(t1, p, 1, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_ONCE));
    KT_OK(sos_object_wait_async(t2, p, 2, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_ONCE));
    KT_OK(sos_object_wait_async(t3, p, 3, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_ONCE));
    KT_EQ(wait_packet(p, 2000).key, 2);
    KT_EQ(wait_packet(p, 2000).key, 3);
    KT_EQ(wait_packet(p, 2000).key, 1);
}

static void timer_periodic(void)
{
    /* a periodic timer delivers a packet per period to a repeating binding */
    sos_handle_t p = kt_port(), t = timer();
    KT_OK(sos_object_wait_async(t, p, 9, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_REPEAT));
    KT_OK(sos_timer_set(t, sos_deadline_after(SOS_MS(1)), SOS_MS(2)));
    int got = 0;
    struct sos_port_packet pkt;
    sos_time_t until = sos_deadline_after(SOS_MS(100));
    while (got < 3 && sos_port_wait(p, until, &pkt) == 0)
        got++;
    KT_OK(sos_timer_cancel(t));
    if (got < 3)
        kt_fail(__LINE__, "%d packets from a 2 ms periodic timer in 100 ms", got);
}

static void timer_bad_args(void)
{
    sos_handle_t t = timer(), x;
    KT_EQ(sos_timer_set(t, -1, 0), SOS_ERR_INVALID_ARGS);
    KT_EQ(sos_timer_set(t, 0, -5), SOS_ERR_INVALID_ARGS);
    KT_EQ(sos_timer_set(t, 0, SOS_US(50)), SOS_ERR_INVALID_ARGS); /* too short a period */
    KT_EQ(sos_timer_create(3, &x), SOS_ERR_INVALID_ARGS);
    KT_EQ(sos_timer_set(kt_event(), 0, 0), SOS_ERR_WRONG_TYPE);
    sos_handle_t ro = kt_dup(t, SOS_RIGHT_WAIT);
    KT_EQ(sos_timer_set(ro, 0, 0), SOS_ERR_ACCESS_DENIED);
    KT_EQ(sos_timer_cancel(ro), SOS_ERR_ACCESS_DENIED);
}

const struct kt_case kt_port_cases[] = {
    KT_CASE(port_user_packets),
    KT_CASE(port_wait_timeout),
    KT_CASE(port_bind_once),
    KT_CASE(port_bind_repeat),
    KT_CASE(port_bind_already_signaled),
    KT_CASE(port_many_channels),
    KT_CASE(port_queue_full),
    KT_CASE(port_close_wakes_waiter),
    KT_CASE(port_bad_args),
    KT_CASE(port_process_terminated),
    KT_CASE(timer_oneshot),
    KT_CASE(timer_cancel),
    KT_CASE(timer_order),
    KT_CASE(timer_periodic),
    KT_CASE(timer_bad_args),
};
const size_t kt_port_count = sizeof(kt_port_cases) / sizeof(kt_port_cases[0]);
