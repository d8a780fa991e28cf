/*
 * core/proc/sched_test.c - the scheduler seen from threads: round robin within a
 * priority, preemption by a woken higher-priority thread, deadlines in virtual time,
 * sleep, yield, kill of blocked/sleeping/new threads, thread_set_priority.
 *
 * Threads are harness threads (th_thread) of the test process; they call syscalls
 * exactly like user code. Virtual time only moves when every thread is blocked, so
 * every order and time below is exact.
 */
#include "th.h"

void th_advance(int64_t ns); /* the test HAL: move virtual time without blocking */
void core_irq(unsigned line, bool from_user);
#define TIMER_IRQ 0u /* HAL_IRQ_TIMER */
#define SLICE_NS 10000000 /* SCHED_SLICE_NS */

#define LOG_MAX 1024

static int g_log[LOG_MAX];
static int64_t g_when[LOG_MAX];
static unsigned g_nlog;

static void log_reset(void) { g_nlog = 0; }

static void log_id(int id)
{
    if (g_nlog < LOG_MAX) {
        g_when[g_nlog] = th_now();
        g_log[g_nlog++] = id;
    }
}

static void assert_log(const int *want, unsigned n)
{
    assert_int_equal(g_nlog, n);
    for (unsigned i = 0; i < n; i++)
        assert_int_equal(g_log[i], want[i]);
}

static struct sos_info_thread thread_info(sos_handle_t t)
{
    struct sos_info_thread *i = th_umem(sizeof(*i));
    assert_int_equal(u_object_get_info(t, SOS_INFO_THREAD, i, sizeof(*i)), (int64_t)sizeof(*i));
    return *i;
}

/* ---- round robin */

struct rr_arg {
    int id;
    int rounds;
};
static int g_count[8];

static void rr_worker(void *p)
{
    struct rr_arg *a = p;
    for (int i = 0; i < a->rounds; i++) {
        g_count[a->id]++;
        log_id(a->id);
        u_thread_yield();
    }
}

static void test_round_robin_is_fair(void **state)
{
    (void)state;
    static struct rr_arg args[3];
    log_reset();
    sos_handle_t t[3];
    for (int i = 0; i < 3; i++) {
        g_count[i] = 0;
        args[i] = (struct rr_arg){i, 50};
        t[i] = th_thread(rr_worker, &args[i]);
    }
    for (int i = 0; i < 3; i++)
        th_wait_terminated(t[i]);
    /* strict turns: 0 1 2 0 1 2 ... */
    assert_int_equal(g_nlog, 150);
    for (unsigned i = 0; i < g_nlog; i++)
        assert_int_equal(g_log[i], (int)(i % 3));
    for (int i = 0; i < 3; i++)
        assert_int_equal(g_count[i], 50);
}

static void test_yield_gives_each_peer_one_turn(void **state)
{
    (void)state;
    static struct rr_arg args[3];
    log_reset();
    for (int i = 0; i < 3; i++) {
        g_count[i] = 0;
        args[i] = (struct rr_arg){i, 1000};
        th_thread(rr_worker, &args[i]);
    }
    for (int round = 1; round <= 5; round++) {
        assert_int_equal(u_thread_yield(), 0);
        for (int i = 0; i < 3; i++)
            assert_int_equal(g_count[i], round); /* everyone had exactly one turn */
    }
    /* the workers are killed by the teardown */
}

static void test_yield_alone_returns(void **state)
{
    (void)state;
    int64_t t0 = th_now();
    for (int i = 0; i < 10; i++)
        assert_int_equal(u_thread_yield(), 0);
    assert_int_equal(th_now(), t0);
}

/* ---- priorities */

struct waiter_arg {
    sos_handle_t ev;
    int id;
    int64_t result;
};

static void event_waiter(void *p)
{
    struct waiter_arg *a = p;
    a->result = u_object_wait_one(a->ev, SOS_SIG_SIGNALED, SOS_TIME_INFINITE, NULL);
    log_id(a->id);
}

static void test_woken_higher_priority_preempts(void **state)
{
    (void)state;
    static struct waiter_arg w;
    log_reset();
    w = (struct waiter_arg){th_event(), 1, 99};
    sos_handle_t t = th_thread(event_waiter, &w);
    /* raising it above us runs it at once: it blocks in its wait before we go on */
    assert_int_equal(u_thread_set_priority(t, 20, 0), 0);
    assert_int_equal(thread_info(t).state, 2); /* blocked */
    log_id(0);
    assert_int_equal(u_object_signal(w.ev, 0, SOS_SIG_SIGNALED), 0);
    log_id(2); /* the woken thread ran before the signal call returned */
    static const int want[] = {0, 1, 2};
    assert_log(want, 3);
    assert_int_equal(w.result, 0);
}

static void test_woken_equal_priority_waits_its_turn(void **state)
{
    (void)state;
    static struct waiter_arg w;
    log_reset();
    w = (struct waiter_arg){th_event(), 1, 99};
    sos_handle_t t = th_thread(event_waiter, &w);
    th_settle(); /* it runs and blocks */
    assert_int_equal(thread_info(t).state, 2);
    log_id(0);
    assert_int_equal(u_object_signal(w.ev, 0, SOS_SIG_SIGNALED), 0);
    log_id(2);
    th_settle();
    static const int want[] = {0, 2, 1};
    assert_log(want, 3);
}

static void test_woken_lower_priority_waits(void **state)
{
    (void)state;
    static struct waiter_arg w;
    log_reset();
    w = (struct waiter_arg){th_event(), 1, 99};
    sos_handle_t t = th_thread(event_waiter, &w);
    assert_int_equal(u_thread_set_priority(t, 4, 0), 0);
    th_settle();
    log_id(0);
    assert_int_equal(u_object_signal(w.ev, 0, SOS_SIG_SIGNALED), 0);
    assert_int_equal(u_thread_yield(), 0); /* yield does not hand over to lower levels */
    log_id(2);
    th_settle();
    static const int want[] = {0, 2, 1};
    assert_log(want, 3);
}

static void test_highest_priority_runs_first(void **state)
{
    (void)state;
    static struct rr_arg args[3];
    log_reset();
    sos_handle_t t[3];
    for (int i = 0; i < 3; i++) {
        args[i] = (struct rr_arg){i, 3};
        t[i] = th_thread(rr_worker, &args[i]);
    }
    /* thread 2 highest, then 1, then 0 (set low first so nothing preempts us early) */
    assert_int_equal(u_thread_set_priority(t[0], 5, 0), 0);
    assert_int_equal(u_thread_set_priority(t[1], 10, 0), 0);
    assert_int_equal(u_thread_set_priority(t[2], 12, 0), 0);
    assert_int_equal(g_nlog, 0); /* all below us: none ran yet */
    for (int i = 0; i < 3; i++)
        th_wait_terminated(t[i]);
    /* a yield within the top level keeps the top thread running */
    static const int want[] = {2, 2, 2, 1, 1, 1, 0, 0, 0};
    assert_log(want, 9);
}

static void test_raising_runnable_thread_preempts(void **state)
{
    (void)state;
    static struct rr_arg a;
    log_reset();
    a = (struct rr_arg){1, 1};
    sos_handle_t t = th_thread(rr_worker, &a);
    log_id(0);
    assert_int_equal(u_thread_set_priority(t, 17, 0), 0);
    log_id(2);
    static const int want[] = {0, 1, 2};
    assert_log(want, 3);
}

struct self_prio_arg {
    sos_handle_t self;
    int id;
};

static void lowers_itself(void *p)
{
    struct self_prio_arg *a = p;
    log_id(a->id);
    u_thread_set_priority(a->self, 10, 0); /* below its peer: the peer runs first */
    log_id(a->id + 10);
}

static void test_lowering_own_priority_yields(void **state)
{
    (void)state;
    static struct self_prio_arg a;
    static struct rr_arg peer;
    log_reset();
    a.id = 1;
    peer = (struct rr_arg){2, 1};
    a.self = th_thread(lowers_itself, &a);
    sos_handle_t t2 = th_thread(rr_worker, &peer);
    th_wait_terminated(a.self);
    th_wait_terminated(t2);
    static const int want[] = {1, 2, 11};
    assert_log(want, 3);
    assert_int_equal(thread_info(a.self).priority, 10);
}

/* A thread that computes: each turn uses `ns` of (virtual) CPU, then a timer tick
 * arrives while it is in user code. */
struct spinner_arg {
    int id;
    int turns;
    int64_t ns;
};

static void spinner(void *p)
{
    struct spinner_arg *a = p;
    for (int i = 0; i < a->turns; i++) {
        log_id(a->id);
        th_advance(a->ns);
        core_irq(TIMER_IRQ, true);
    }
}

static void test_time_slice_preempts_peer(void **state)
{
    (void)state;
    static struct spinner_arg s[2];
    log_reset();
    sos_handle_t t[2];
    for (int i = 0; i < 2; i++) {
        s[i] = (struct spinner_arg){i, 4, SLICE_NS};
        t[i] = th_thread(spinner, &s[i]);
    }
    for (int i = 0; i < 2; i++)
        th_wait_terminated(t[i]);
    /* every tick finds the slice used up: strict alternation */
    static const int want[] = {0, 1, 0, 1, 0, 1, 0, 1};
    assert_log(want, 8);
}

static void test_time_slice_not_over_keeps_running(void **state)
{
    (void)state;
    static struct spinner_arg s[2];
    log_reset();
    sos_handle_t t[2];
    for (int i = 0; i < 2; i++) {
        /* four ticks of 2 ms: the 10 ms slice ends on the fifth */
        s[i] = (struct spinner_arg){i, 6, SLICE_NS / 5};
        t[i] = th_thread(spinner, &s[i]);
    }
    for (int i = 0; i < 2; i++)
        th_wait_terminated(t[i]);
    static const int want[] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 1};
    assert_log(want, 12);
}

static void test_set_priority_bad_args(void **state)
{
    (void)state;
    static struct waiter_arg w;
    w = (struct waiter_arg){th_event(), 1, 99};
    sos_handle_t t = th_thread(event_waiter, &w);
    assert_int_equal(u_thread_set_priority(t, 32, 0), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_thread_set_priority(t, UINT32_MAX, 0), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_thread_set_priority(t, 10, 1), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_thread_set_priority(w.ev, 10, 0), SOS_ERR_WRONG_TYPE);
    assert_int_equal(u_thread_set_priority(0x4321, 10, 0), SOS_ERR_BAD_HANDLE);
    sos_handle_t *weak = th_umem(sizeof(*weak));
    assert_int_equal(u_handle_duplicate(t, SOS_RIGHT_READ | SOS_RIGHT_WAIT, weak), 0);
    assert_int_equal(u_thread_set_priority(*weak, 10, 0), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(thread_info(t).priority, SOS_PRIO_DEFAULT); /* unchanged */
    assert_int_equal(u_thread_set_priority(t, SOS_PRIO_MAX, 0), 0);
    assert_int_equal(thread_info(t).priority, SOS_PRIO_MAX);
    assert_int_equal(u_thread_set_priority(t, SOS_PRIO_MIN, 0), 0);
    assert_int_equal(thread_info(t).priority, SOS_PRIO_MIN);
    /* a dead thread has no priority to set */
    assert_int_equal(u_thread_kill(t), 0);
    th_wait_terminated(t);
    assert_int_equal(u_thread_set_priority(t, 10, 0), SOS_ERR_BAD_STATE);
}

/* ---- time */

struct sleeper_arg {
    int id;
    int64_t deadline;
    int64_t result;
};

static void sleeper(void *p)
{
    struct sleeper_arg *a = p;
    a->result = u_thread_sleep(a->deadline);
    log_id(a->id);
}

static void test_deadlines_exact_and_in_order(void **state)
{
    (void)state;
    static struct sleeper_arg s[4];
    log_reset();
    int64_t t0 = th_now();
    static const int64_t offs[4] = {300000, 100000, 200000, 150000};
    sos_handle_t t[4];
    for (int i = 0; i < 4; i++) {
        s[i] = (struct sleeper_arg){i, t0 + offs[i], 99};
        t[i] = th_thread(sleeper, &s[i]);
    }
    for (int i = 0; i < 4; i++)
        th_wait_terminated(t[i]);
    static const int want[] = {1, 3, 2, 0};
    assert_log(want, 4);
    for (unsigned i = 0; i < 4; i++) {
        assert_int_equal(g_when[i], t0 + offs[g_log[i]]); /* not a nanosecond late */
        assert_int_equal(s[g_log[i]].result, 0);
    }
    assert_int_equal(th_now(), t0 + 300000);
}

static void test_equal_deadlines_wake_in_sleep_order(void **state)
{
    (void)state;
    static struct sleeper_arg s[3];
    log_reset();
    int64_t d = th_now() + 5000;
    sos_handle_t t[3];
    for (int i = 0; i < 3; i++) {
        s[i] = (struct sleeper_arg){i, d, 99};
        t[i] = th_thread(sleeper, &s[i]);
    }
    for (int i = 0; i < 3; i++)
        th_wait_terminated(t[i]);
    static const int want[] = {0, 1, 2};
    assert_log(want, 3);
    for (unsigned i = 0; i < 3; i++)
        assert_int_equal(g_when[i], d);
}

static void test_thread_sleep(void **state)
{
    (void)state;
    int64_t t0 = th_now();
    assert_int_equal(u_thread_sleep(t0 + 12345), 0);
    assert_int_equal(th_now(), t0 + 12345);
    /* a deadline that has passed (or is now) returns at once */
    assert_int_equal(u_thread_sleep(t0), 0);
    assert_int_equal(u_thread_sleep(th_now()), 0);
    assert_int_equal(u_thread_sleep(0), 0);
    assert_int_equal(u_thread_sleep(INT64_MIN), 0);
    assert_int_equal(th_now(), t0 + 12345);
    assert_int_equal(u_clock_get(), t0 + 12345);
}

static void test_wait_deadline_times_out_exactly(void **state)
{
    (void)state;
    sos_handle_t ev = th_event();
    sos_signals_t *obs = th_umem(sizeof(*obs));
    int64_t t0 = th_now();
    assert_int_equal(u_object_wait_one(ev, SOS_SIG_SIGNALED, t0 + 777, obs), SOS_ERR_TIMED_OUT);
    assert_int_equal(th_now(), t0 + 777);
    assert_int_equal(*obs, 0);
}

/* ---- kill and exit */

static bool g_after;

static void blocks_forever(void *p)
{
    sos_handle_t ev = *(sos_handle_t *)p;
    u_object_wait_one(ev, SOS_SIG_SIGNALED, SOS_TIME_INFINITE, NULL);
    g_after = true; /* a killed thread never gets here */
}

static void test_kill_blocked_thread(void **state)
{
    (void)state;
    static sos_handle_t ev;
    ev = th_event();
    g_after = false;
    sos_handle_t t = th_thread(blocks_forever, &ev);
    th_settle();
    assert_int_equal(thread_info(t).state, 2);
    assert_int_equal(u_thread_kill(t), 0);
    th_wait_terminated(t);
    assert_false(g_after);
    assert_int_equal(thread_info(t).state, 3);
    /* the event it waited on no longer has it as an observer: signalling is harmless */
    assert_int_equal(u_object_signal(ev, 0, SOS_SIG_SIGNALED), 0);
    th_settle();
    assert_false(g_after);
    assert_int_equal(u_thread_kill(t), 0); /* killing the dead is a no-op */
}

static void sleeps_long(void *p)
{
    (void)p;
    u_thread_sleep(th_now() + 1000000000);
    g_after = true;
}

static void test_kill_sleeping_thread(void **state)
{
    (void)state;
    g_after = false;
    int64_t t0 = th_now();
    sos_handle_t t = th_thread(sleeps_long, NULL);
    th_settle();
    assert_int_equal(u_thread_kill(t), 0);
    th_wait_terminated(t);
    assert_false(g_after);
    /* it died when killed, not when its deadline came */
    assert_true(th_now() < t0 + 1000);
    th_sleep(2000000000);
    assert_false(g_after);
}

static bool g_ran;
static void sets_ran(void *p)
{
    (void)p;
    g_ran = true;
}

static void test_kill_thread_before_it_runs(void **state)
{
    (void)state;
    g_ran = false;
    sos_handle_t t = th_thread(sets_ran, NULL);
    assert_int_equal(thread_info(t).state, 1); /* runnable, never ran */
    assert_int_equal(u_thread_kill(t), 0);
    th_wait_terminated(t);
    assert_false(g_ran);
}

struct term_waiter {
    sos_handle_t t;
    int64_t result;
    sos_signals_t *obs;
};

static void waits_for_termination(void *p)
{
    struct term_waiter *w = p;
    w->result = u_object_wait_one(w->t, SOS_SIG_TERMINATED, SOS_TIME_INFINITE, w->obs);
}

static void test_waiters_see_terminated(void **state)
{
    (void)state;
    static sos_handle_t ev;
    static struct term_waiter w[2];
    ev = th_event();
    g_after = false;
    sos_handle_t t = th_thread(blocks_forever, &ev);
    sos_handle_t wt[2];
    for (int i = 0; i < 2; i++) {
        w[i] = (struct term_waiter){t, 99, th_umem(sizeof(sos_signals_t))};
        wt[i] = th_thread(waits_for_termination, &w[i]);
    }
    th_settle();
    assert_int_equal(w[0].result, 99); /* still waiting */
    assert_int_equal(u_thread_kill(t), 0);
    for (int i = 0; i < 2; i++) {
        th_wait_terminated(wt[i]);
        assert_int_equal(w[i].result, 0);
        assert_true(*w[i].obs & SOS_SIG_TERMINATED);
    }
    assert_false(g_after);
}

static void test_kill_rights_and_types(void **state)
{
    (void)state;
    static sos_handle_t ev;
    ev = th_event();
    sos_handle_t t = th_thread(blocks_forever, &ev);
    sos_handle_t *weak = th_umem(sizeof(*weak));
    assert_int_equal(u_handle_duplicate(t, SOS_RIGHT_WAIT, weak), 0);
    assert_int_equal(u_thread_kill(*weak), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_thread_kill(ev), SOS_ERR_WRONG_TYPE);
    assert_int_equal(u_thread_kill(0x5555), SOS_ERR_BAD_HANDLE);
    assert_int_equal(u_thread_kill(th_self()), SOS_ERR_WRONG_TYPE);
    th_settle();
    assert_int_equal(thread_info(t).state, 2); /* the refusals did nothing */
}

static void exits_early(void *p)
{
    (void)p;
    u_thread_exit();
    g_after = true;
}

static void test_thread_exit(void **state)
{
    (void)state;
    g_after = false;
    sos_handle_t t = th_thread(exits_early, NULL);
    th_wait_terminated(t);
    assert_false(g_after);
    assert_int_equal(thread_info(t).state, 3);
    /* only the thread ended: the process (and we) go on */
    struct sos_info_process *pi = th_umem(sizeof(*pi));
    assert_int_equal(u_object_get_info(th_self(), SOS_INFO_PROCESS, pi, sizeof(*pi)),
                     (int64_t)sizeof(*pi));
    assert_int_equal(pi->state, SOS_PROC_RUNNING);
    assert_int_equal(pi->threads, 1);
}

static void test_thread_info_states(void **state)
{
    (void)state;
    static sos_handle_t ev;
    ev = th_event();
    sos_handle_t t = th_thread(blocks_forever, &ev);
    struct sos_info_thread i = thread_info(t);
    assert_int_equal(i.state, 1);
    assert_int_equal(i.priority, SOS_PRIO_DEFAULT);
    th_settle();
    assert_int_equal(thread_info(t).state, 2);
    assert_int_equal(u_object_signal(ev, 0, SOS_SIG_SIGNALED), 0);
    th_settle();
    assert_int_equal(thread_info(t).state, 3);
    struct sos_info_handle *hi = th_umem(sizeof(*hi));
    assert_int_equal(u_object_get_info(t, SOS_INFO_HANDLE, hi, sizeof(*hi)), (int64_t)sizeof(*hi));
    assert_int_equal(hi->kind, SOS_OBJ_THREAD);
    assert_int_equal(hi->koid, i.koid);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TH_TEST(test_round_robin_is_fair),
        TH_TEST(test_yield_gives_each_peer_one_turn),
        TH_TEST(test_yield_alone_returns),
        TH_TEST(test_woken_higher_priority_preempts),
        TH_TEST(test_woken_equal_priority_waits_its_turn),
        TH_TEST(test_woken_lower_priority_waits),
        TH_TEST(test_highest_priority_runs_first),
        TH_TEST(test_raising_runnable_thread_preempts),
        TH_TEST(test_lowering_own_priority_yields),
        TH_TEST(test_time_slice_preempts_peer),
        TH_TEST(test_time_slice_not_over_keeps_running),
        TH_TEST(test_set_priority_bad_args),
        TH_TEST(test_deadlines_exact_and_in_order),
        TH_TEST(test_equal_deadlines_wake_in_sleep_order),
        TH_TEST(test_thread_sleep),
        TH_TEST(test_wait_deadline_times_out_exactly),
        TH_TEST(test_kill_blocked_thread),
        TH_TEST(test_kill_sleeping_thread),
        TH_TEST(test_kill_thread_before_it_runs),
        TH_TEST(test_waiters_see_terminated),
        TH_TEST(test_kill_rights_and_types),
        TH_TEST(test_thread_exit),
        TH_TEST(test_thread_info_states),
    };
    return TH_RUN(tests);
}
