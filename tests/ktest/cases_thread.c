/*
 * tests/ktest/cases_thread.c - threads, waiting on signals, events, sleeping, the clock.
 *
 * Layer: tests (user image).
 */
#include "ktest.h"

static void set_flag(void *arg) { __atomic_store_n((int *)arg, 1, __ATOMIC_SEQ_CST); }

static void thread_create_join(void)
{
    int flag = 0;
    struct sl_thread t;
    KT_OK(sl_thread_start(&t, set_flag, &flag, 0));
    KT_EQ(kt_handle_info(t.handle).kind, SOS_OBJ_THREAD);
    KT_OK(sl_thread_join(&t, sos_deadline_after(SOS_MS(2000))));
    KT_EQ(flag, 1);
}

struct counter {
    int value;
    int rounds;
};

static void count_up(void *arg)
{
    struct counter *c = arg;
    for (int i = 0; i < c->rounds; i++) {
        __atomic_add_fetch(&c->value, 1, __ATOMIC_SEQ_CST);
        if (i % 100 == 0)
            sos_thread_yield();
    }
}

static void thread_many(void)
{
    struct counter c = {0, 1000};
    struct sl_thread t[8];
    for (int i = 0; i < 8; i++)
        KT_OK(sl_thread_start(&t[i], count_up, &c, 16 * 1024));
    for (int i = 0; i < 8; i++)
        KT_OK(sl_thread_join(&t[i], sos_deadline_after(SOS_MS(5000))));
    KT_EQ(c.value, 8000);
}

static void malloc_hammer(void *arg)
{
    int *bad = arg;
    for (int i = 0; i < 300; i++) {
        size_t n = (size_t)(i * 37 % 2000) + 1;
        unsigned char *p = malloc(n);
        if (!p) {
            *bad = 1;
            return;
        }
        memset(p, i & 0xff, n);
        if (i % 7 == 0)
            sos_thread_yield();
        for (size_t k = 0; k < n; k++)
            if (p[k] != (i & 0xff))
                *bad = 2;
        free(p);
    }
}

static void thread_malloc_concurrent(void)
{
    int bad = 0;
    struct sl_thread t[4];
    for (int i = 0; i < 4; i++)
        KT_OK(sl_thread_start(&t[i], malloc_hammer, &bad, 0));
    for (int i = 0; i < 4; i++)
        KT_OK(sl_thread_join(&t[i], sos_deadline_after(SOS_MS(5000))));
    KT_EQ(bad, 0);
}

static void sleep_forever(void *arg)
{
    (void)arg;
    sos_thread_sleep(SOS_TIME_INFINITE);
}

static void spin_forever(void *arg)
{
    volatile int *stop = arg;
    while (!*stop)
        ;
}

static void thread_kill_blocked(void)
{
    struct sl_thread t;
    KT_OK(sl_thread_start(&t, sleep_forever, NULL, 0));
    sos_thread_sleep(sos_deadline_after(SOS_MS(5))); /* let it block */
    KT_OK(sos_thread_kill(t.handle));
    KT_OK(sl_thread_join(&t, sos_deadline_after(SOS_MS(2000))));
}

static void thread_kill_spinning(void)
{
    /* the spinner never enters the kernel by itself: the kill lands via preemption */
    int stop = 0;
    struct sl_thread t;
    KT_OK(sl_thread_start(&t, spin_forever, &stop, 0));
    sos_thread_sleep(sos_deadline_after(SOS_MS(5)));
    KT_OK(sos_thread_kill(t.handle));
    int64_t err = sos_object_wait_one(t.handle, SOS_SIG_TERMINATED,
                                      sos_deadline_after(SOS_MS(2000)), NULL);
    stop = 1; /* so a failure does not leave it burning the CPU */
    KT_EQ(err, 0);
    KT_OK(sl_thread_join(&t, sos_deadline_after(SOS_MS(2000))));
}

static void thread_preemption(void)
{
    /* a spinning thread at our priority must not starve us (round-robin slices) */
    int stop = 0;
    struct sl_thread t;
    KT_OK(sl_thread_start(&t, spin_forever, &stop, 0));
    sos_time_t start = sos_clock_get();
    while (sos_clock_get() - start < SOS_MS(30))
        ; /* spin too: both must make progress */
    stop = 1;
    KT_OK(sl_thread_join(&t, sos_deadline_after(SOS_MS(2000))));
}

struct pingpong {
    sos_handle_t ping, pong;
    int rounds;
    int64_t err;
};

static void pong_loop(void *arg)
{
    struct pingpong *pp = arg;
    for (int i = 0; i < pp->rounds && !pp->err; i++) {
        pp->err = sos_object_wait_one(pp->ping, SOS_SIG_SIGNALED,
                                      sos_deadline_after(SOS_MS(2000)), NULL);
        if (!pp->err)
            pp->err = sos_object_signal(pp->ping, SOS_SIG_SIGNALED, 0);
        if (!pp->err)
            pp->err = sos_object_signal(pp->pong, 0, SOS_SIG_SIGNALED);
    }
}

static void thread_wake_beside_spinner(void)
{
    /*
     * With two CPUs, an exchange beside a spinning thread must not wait for time slices:
     * a thread woken on a busy CPU wakes the idle one (it used to take 20 ms a round).
     */
    sos_handle_t root = sos_startup_handle("root-resource");
    struct sos_info_kstats k;
    KT_EQ(sos_object_get_info(root, SOS_INFO_KERNEL_STATS, &k, sizeof(k)), sizeof(k));
    if (k.cpus < 2)
        return; /* one CPU: the spinner has to be preempted; nothing to check */
    int stop = 0;
    struct sl_thread spin, pong;
    struct pingpong pp = {kt_event(), kt_event(), 30, 0};
    KT_OK(sl_thread_start(&spin, spin_forever, &stop, 0));
    KT_OK(sl_thread_start(&pong, pong_loop, &pp, 0));
    sos_time_t start = sos_clock_get();
    int64_t err = 0;
    for (int i = 0; i < pp.rounds && !err; i++) {
        err = sos_object_signal(pp.ping, 0, SOS_SIG_SIGNALED);
        if (!err)
            err = sos_object_wait_one(pp.pong, SOS_SIG_SIGNALED,
                                      sos_deadline_after(SOS_MS(2000)), NULL);
        if (!err)
            err = sos_object_signal(pp.pong, SOS_SIG_SIGNALED, 0);
    }
    sos_time_t took = sos_clock_get() - start;
    stop = 1;
    KT_OK(sl_thread_join(&spin, sos_deadline_after(SOS_MS(2000))));
    KT_OK(sl_thread_join(&pong, sos_deadline_after(SOS_MS(2000))));
    KT_EQ(err, 0);
    KT_EQ(pp.err, 0);
    KT_ASSERT(took < SOS_MS(300)); /* 30 rounds; 20 ms each would be 600 ms */
}

static void thread_bad_args(void)
{
    static char data_word[64] __attribute__((aligned(16)));
    sos_handle_t h;
    char stack[256] __attribute__((aligned(16)));
    uint64_t top = (uint64_t)(uintptr_t)(stack + sizeof(stack));
    KT_EQ(sos_thread_create((uintptr_t)data_word, top, 0, &h), SOS_ERR_INVALID_ARGS);
    KT_EQ(sos_thread_create((uintptr_t)thread_bad_args, top - 8, 0, &h), SOS_ERR_INVALID_ARGS);
    KT_EQ(sos_thread_create((uintptr_t)thread_bad_args, 0x20000, 0, &h), SOS_ERR_INVALID_ARGS);
    KT_EQ(sos_thread_create((uintptr_t)thread_bad_args, top, 0, NULL), SOS_ERR_BAD_ADDRESS);
}

static void thread_info_and_priority(void)
{
    struct sos_info_thread ti;
    KT_EQ(sos_object_get_info(sos_self_thread(), SOS_INFO_THREAD, &ti, sizeof(ti)), sizeof(ti));
    KT_EQ(ti.state, 1); /* runnable: it is running */
    KT_EQ(ti.priority, SOS_PRIO_DEFAULT);
    KT_OK(sos_thread_set_priority(sos_self_thread(), 20, 0));
    KT_EQ(sos_object_get_info(sos_self_thread(), SOS_INFO_THREAD, &ti, sizeof(ti)), sizeof(ti));
    KT_EQ(ti.priority, 20);
    KT_EQ(sos_thread_set_priority(sos_self_thread(), SOS_PRIO_MAX + 1, 0), SOS_ERR_INVALID_ARGS);
    KT_EQ(sos_thread_set_priority(sos_self_thread(), 10, 1), SOS_ERR_INVALID_ARGS);
    sos_handle_t weak = kt_dup(sos_self_thread(), SOS_RIGHT_READ);
    KT_EQ(sos_thread_set_priority(weak, 10, 0), SOS_ERR_ACCESS_DENIED);
    KT_EQ(sos_thread_kill(weak), SOS_ERR_ACCESS_DENIED);
    KT_EQ(sos_object_get_info(sos_self_thread(), SOS_INFO_PROCESS, &ti, sizeof(ti)),
          SOS_ERR_WRONG_TYPE);
}

struct waiter {
    sos_handle_t ev;
    int64_t result;
    sos_signals_t seen;
};

static void wait_for_event(void *arg)
{
    struct waiter *w = arg;
    w->result = sos_object_wait_one(w->ev, SOS_SIG_SIGNALED | SOS_SIG_USER(2),
                                    sos_deadline_after(SOS_MS(5000)), &w->seen);
}

static void wait_wakes_on_signal(void)
{
    struct waiter w = {kt_event(), 1, 0};
    struct sl_thread t;
    KT_OK(sl_thread_start(&t, wait_for_event, &w, 0));
    sos_thread_sleep(sos_deadline_after(SOS_MS(5)));
    KT_EQ(w.result, 1); /* still waiting */
    KT_OK(sos_object_signal(w.ev, 0, SOS_SIG_USER(2)));
    KT_OK(sl_thread_join(&t, sos_deadline_after(SOS_MS(2000))));
    KT_EQ(w.result, 0);
    KT_ASSERT(w.seen & SOS_SIG_USER(2));
}

static void wait_timeout(void)
{
    sos_handle_t e = kt_event();
    sos_time_t start = sos_clock_get();
    sos_signals_t seen = 0xffffffffu;
    KT_EQ(sos_object_wait_one(e, SOS_SIG_SIGNALED, sos_deadline_after(SOS_MS(10)), &seen),
          SOS_ERR_TIMED_OUT);
    KT_ASSERT(sos_clock_get() - start >= SOS_MS(10));
    KT_EQ(seen, 0);
    KT_EQ(sos_object_wait_one(e, SOS_SIG_SIGNALED, 0, NULL), SOS_ERR_TIMED_OUT); /* the past */
    KT_OK(sos_object_signal(e, 0, SOS_SIG_SIGNALED));
    KT_EQ(sos_object_wait_one(e, SOS_SIG_SIGNALED, 0, &seen), 0); /* already set: no wait */
    KT_EQ(seen, SOS_SIG_SIGNALED);
}

static void wait_needs_right(void)
{
    sos_handle_t e = kt_event();
    sos_handle_t nowait = kt_dup(e, SOS_RIGHT_SIGNAL);
    KT_EQ(sos_object_wait_one(nowait, SOS_SIG_SIGNALED, 0, NULL), SOS_ERR_ACCESS_DENIED);
    KT_EQ(sos_object_wait_one(e, SOS_SIG_SIGNALED, 0, (sos_signals_t *)kt_opaque(8)),
          SOS_ERR_BAD_ADDRESS);
}

static void signal_rules(void)
{
    sos_handle_t e = kt_event();
    KT_OK(sos_object_signal(e, 0, SOS_SIG_USER(0) | SOS_SIG_USER(7) | SOS_SIG_SIGNALED));
    KT_ASSERT(kt_signaled(e, SOS_SIG_USER(7)));
    KT_OK(sos_object_signal(e, SOS_SIG_USER(7), 0));
    KT_ASSERT(!kt_signaled(e, SOS_SIG_USER(7)));
    KT_EQ(sos_object_signal(e, 0, SOS_SIG_READABLE), SOS_ERR_INVALID_ARGS);
    sos_handle_t a, b;
    kt_channel(&a, &b);
    KT_EQ(sos_object_signal(a, 0, SOS_SIG_SIGNALED), SOS_ERR_INVALID_ARGS);
    KT_EQ(sos_object_signal(a, SOS_SIG_WRITABLE, 0), SOS_ERR_INVALID_ARGS);
    KT_OK(sos_object_signal(a, 0, SOS_SIG_USER(1))); /* user bits on any object */
    KT_ASSERT(kt_signaled(a, SOS_SIG_USER(1)));
    KT_ASSERT(!kt_signaled(b, SOS_SIG_USER(1))); /* on that end only */
    sos_handle_t nosig = kt_dup(e, SOS_RIGHT_WAIT);
    KT_EQ(sos_object_signal(nosig, 0, SOS_SIG_USER(0)), SOS_ERR_ACCESS_DENIED);
}

static void sleep_and_clock(void)
{
    sos_time_t prev = sos_clock_get();
    KT_ASSERT(prev > 0);
    for (int i = 0; i < 1000; i++) {
        sos_time_t now = sos_clock_get();
        KT_ASSERT(now >= prev);
        prev = now;
    }
    sos_time_t start = sos_clock_get();
    KT_OK(sos_thread_sleep(sos_deadline_after(SOS_MS(5))));
    KT_ASSERT(sos_clock_get() - start >= SOS_MS(5));
    KT_OK(sos_thread_sleep(0)); /* a deadline in the past returns at once */
    KT_OK(sos_thread_yield());
}

/*
 * FP/SIMD registers belong to each thread (the toolkit's stb_truetype computes in
 * floats): threads computing with different values get exactly what the same code
 * gives alone. Scalars stay in the callee-saved d8-d15 across each yield (a switch
 * inside a system call); the vector loop makes no call and runs long enough to be
 * preempted, with whole q registers live.
 */
typedef double kt_v2d __attribute__((vector_size(16)));

struct fp_work {
    double seed, scalar, vector;
};

static __attribute__((noinline)) double fp_scalar(double seed)
{
    double a = seed, b = seed * 3, c = 1.0 / seed, d = seed + 0.25;
    for (int i = 0; i < 2000; i++) {
        a = a * 1.0000001 + b * 1e-7;
        b = b * 0.9999999 + c;
        c = c * 1.00000003 - d * 1e-9;
        d = d + a * 1e-12;
        if (i % 16 == 0)
            sos_thread_yield();
    }
    return a + b + c + d;
}

static __attribute__((noinline)) double fp_vector(double seed)
{
    kt_v2d a = {seed, -seed}, b = {seed * 3, 1.0 / seed}, c = {0.5, seed * seed};
    kt_v2d k1 = {1.0000001, 0.9999999}, k2 = {1e-7, 3e-8};
    for (int i = 0; i < 400000; i++) {
        a = a * k1 + b * k2;
        b = b * k1 - c * k2;
        c = c + a * k2;
    }
    kt_v2d r = a + b + c;
    return r[0] * 3 + r[1];
}

static void fp_thread(void *arg)
{
    struct fp_work *w = arg;
    w->scalar = fp_scalar(w->seed);
    w->vector = fp_vector(w->seed);
}

static void thread_fp_state_kept(void)
{
    struct fp_work alone[3], together[3];
    struct sl_thread t[3];
    for (int i = 0; i < 3; i++) {
        alone[i] = together[i] = (struct fp_work){.seed = 1.5 + i * 2.25};
        fp_thread(&alone[i]);
    }
    for (int i = 0; i < 3; i++)
        KT_OK(sl_thread_start(&t[i], fp_thread, &together[i], 0));
    for (int i = 0; i < 3; i++)
        KT_OK(sl_thread_join(&t[i], sos_deadline_after(SOS_MS(60000))));
    for (int i = 0; i < 3; i++) {
        KT_ASSERT(alone[i].scalar != alone[(i + 1) % 3].scalar); /* the threads differ */
        KT_ASSERT(together[i].scalar == alone[i].scalar);
        KT_ASSERT(together[i].vector == alone[i].vector);
    }
}

const struct kt_case kt_thread_cases[] = {
    KT_CASE(thread_create_join),
    KT_CASE(thread_many),
    KT_CASE(thread_malloc_concurrent),
    KT_CASE(thread_kill_blocked),
    KT_CASE(thread_kill_spinning),
    KT_CASE(thread_preemption),
    KT_CASE(thread_fp_state_kept),
    KT_CASE_F(thread_wake_beside_spinner, KT_ROOT_READ),
    KT_CASE(thread_bad_args),
    KT_CASE(thread_info_and_priority),
    KT_CASE(wait_wakes_on_signal),
    KT_CASE(wait_timeout),
    KT_CASE(wait_needs_right),
    KT_CASE(signal_rules),
    KT_CASE(sleep_and_clock),
};
const size_t kt_thread_count = sizeof(kt_thread_cases) / sizeof(kt_thread_cases[0]);
