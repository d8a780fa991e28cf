/*
 * tests/bench/b_sys.c - benchmarks of single system calls, object life cycles, thread
 * switches, and the kernel's memory figures.
 *
 * null_syscall: there is no dedicated null call; handle_close(SOS_HANDLE_INVALID) is the
 * cheapest real one (the full entry and exit path: core lock, dispatch, the kernel-exit
 * checks, interrupt delivery; the handler itself only checks its argument and returns 0).
 *
 * Layer: tests (user image).
 */
#include "bench.h"

static int64_t now(void) { return sos_clock_get(); }

/* ---- single calls */

static int64_t batch_null(void *state, uint32_t n)
{
    (void)state;
    int64_t t0 = now();
    for (uint32_t i = 0; i < n; i++)
        if (sos_handle_close(SOS_HANDLE_INVALID))
            return SOS_ERR_INTERNAL;
    return now() - t0;
}

int bench_null_syscall(const struct bench *b)
{
    struct bench_extra e = {""};
    bench_extra_add(&e, "call=handle_close(0)");
    return bench_sample(b, batch_null, NULL, &e);
}

static int64_t batch_clock(void *state, uint32_t n)
{
    (void)state;
    int64_t t0 = now(), last = t0;
    for (uint32_t i = 0; i < n; i++)
        last = sos_clock_get();
    return now() - t0 + (last < t0); /* use last: the loop must not vanish */
}

int bench_clock_get(const struct bench *b) { return bench_sample(b, batch_clock, NULL, NULL); }

/* ---- object create + close */

static int64_t batch_event(void *state, uint32_t n)
{
    (void)state;
    int64_t t0 = now();
    for (uint32_t i = 0; i < n; i++) {
        sos_handle_t h;
        int64_t err = sos_event_create(0, &h);
        if (err)
            return err;
        sos_handle_close(h);
    }
    return now() - t0;
}

static int64_t batch_channel(void *state, uint32_t n)
{
    (void)state;
    int64_t t0 = now();
    for (uint32_t i = 0; i < n; i++) {
        sos_handle_t h[2];
        int64_t err = sos_channel_create(0, h);
        if (err)
            return err;
        sos_handle_close(h[0]);
        sos_handle_close(h[1]);
    }
    return now() - t0;
}

static int64_t batch_vmo(void *state, uint32_t n)
{
    (void)state;
    int64_t t0 = now();
    for (uint32_t i = 0; i < n; i++) {
        sos_handle_t h;
        int64_t err = sos_vmo_create(SOS_PAGE_SIZE, 0, &h);
        if (err)
            return err;
        sos_handle_close(h);
    }
    return now() - t0;
}

/* The object's kernel size goes on the line: the harness mallocs the same sizes. */
static int obj_bench(const struct bench *b, bench_batch_fn fn, unsigned kind, unsigned count)
{
    struct sos_info_kstats before, after;
    bench_kstats(&before);
    struct bs_summary s;
    int err = bench_measure(b, fn, NULL, &s);
    if (err)
        return err;
    bench_kstats(&after);
    if (g_cfg.root && after.objects[kind] != before.objects[kind]) {
        printf("bench: %s: %llu objects of the kind before, %llu after (a leak)\n", b->name,
               (unsigned long long)before.objects[kind], (unsigned long long)after.objects[kind]);
        return SOS_ERR_INTERNAL;
    }
    struct bench_extra e = {""};
    bench_extra_add(&e, "object_bytes=%llu objects=%u",
                    (unsigned long long)before.object_bytes[kind], count);
    bench_print(b, &s, &e);
    return 0;
}

int bench_obj_event(const struct bench *b) { return obj_bench(b, batch_event, SOS_OBJ_EVENT, 1); }
int bench_obj_channel(const struct bench *b)
{
    return obj_bench(b, batch_channel, SOS_OBJ_CHANNEL, 2);
}
int bench_obj_vmo(const struct bench *b) { return obj_bench(b, batch_vmo, SOS_OBJ_VMO, 1); }

/* ---- two threads yielding to each other */

struct yield_state {
    volatile int done;
    volatile int started;
};

static void yielder(void *arg)
{
    struct yield_state *s = arg;
    s->started = 1;
    while (!s->done)
        sos_thread_yield();
}

/* n switches: n/2 yields of ours, each answered by one of the other thread's. */
static int64_t batch_yield(void *state, uint32_t n)
{
    (void)state;
    int64_t t0 = now();
    for (uint32_t i = 0; i < n / 2; i++)
        sos_thread_yield();
    return now() - t0;
}

int bench_yield(const struct bench *b)
{
    struct yield_state s = {0, 0};
    struct sl_thread t;
    int err = sl_thread_start(&t, yielder, &s, 16 * 1024);
    if (err)
        return err;
    for (int i = 0; i < 1000 && !s.started; i++)
        sos_thread_yield();
    struct sos_info_kstats k0, k1;
    bench_kstats(&k0);
    struct bs_summary sum;
    err = bench_measure(b, batch_yield, NULL, &sum);
    bench_kstats(&k1);
    s.done = 1;
    sl_thread_join(&t, sos_deadline_after(SOS_MS(2000)));
    if (err)
        return err;
    /*
     * Did each yield switch? With one vCPU a yield hands the CPU to the other thread (one
     * switch per yield); with two, each thread may sit on a vCPU of its own and a yield
     * then finds nothing to switch to. Counted over the whole run, warm-up included.
     */
    uint64_t yields = (uint64_t)(bench_samples(b) + bench_warmup(b)) * (bench_batch(b) / 2) * 2;
    uint64_t sw = k1.context_switches - k0.context_switches;
    struct bench_extra e = {""};
    if (g_cfg.root && yields)
        bench_extra_add(&e, "switches_per_yield=%llu.%02llu", (unsigned long long)(sw / yields),
                        (unsigned long long)(sw * 100 / yields % 100));
    bench_print(b, &sum, &e);
    return 0;
}

/* ---- memory */

static const char *const g_kind_names[] = {
    "none", "process", "thread", "channel", "port", "event", "vmo", "timer", "interrupt",
    "resource", "revoker", "device"};

int bench_memory(const struct bench *b)
{
    (void)b;
    struct sos_info_kstats k;
    int err = bench_kstats(&k);
    if (err)
        return err;
    char name[64];
    for (unsigned i = 1; i < SOS_OBJ_KIND_COUNT; i++) {
        if (!k.object_bytes[i]) /* a kind the kernel does not allocate from a cache */
            continue;
        if (i < sizeof(g_kind_names) / sizeof(g_kind_names[0]))
            snprintf(name, sizeof(name), "mem.object_bytes.%s", g_kind_names[i]);
        else
            snprintf(name, sizeof(name), "mem.object_bytes.kind%u", i);
        bench_value(name, "bytes", k.object_bytes[i]);
    }
    bench_value("mem.frames_total", "frames", k.frames_total);
    bench_value("mem.frames_in_use", "frames", k.frames_total - k.frames_free);
    bench_value("mem.kernel_heap", "bytes", k.heap_bytes);
    bench_value("mem.handles", "handles", k.handles);
    return 0;
}
