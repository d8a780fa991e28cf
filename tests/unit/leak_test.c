/*
 * tests/unit/leak_test.c - every object kind through 10,000 create / transfer through a
 * channel / close cycles; afterwards kernel object counts, handle counts and heap bytes
 * are exactly where they started (frames within the slab caches' spares).
 *
 * Each cycle also does the kind's typical work (signals, queued messages and packets,
 * armed timers, committed and mapped pages, minted handles, a process or thread that
 * runs to its end), so the teardown paths with state attached are the ones exercised.
 */
#include <stdlib.h>
#include <string.h>

#include "th.h"
#include "th_internal.h"

#include "mm/vmo.h"
#include "obj/handle.h"
#include "proc/process.h"
#include "proc/thread.h"

#define CYCLES 10000
#define WARMUP 8
#define PG 4096u

/* User memory for one test: the transfer channel and the buffers around it. */
struct bench {
    sos_handle_t ch[2];
    sos_handle_t hv[4];  /* handles to write */
    sos_handle_t hr[4];  /* handles read */
    sos_handle_t out[4]; /* create outputs */
    uint8_t bytes[64];
    struct sos_chan_read rd;
    struct sos_port_packet pkt;
    struct sos_vm_map map;
    sos_signals_t obs;
};
static struct bench *g_b;

static void bench_init(void)
{
    g_b = th_umem(sizeof(*g_b));
    assert_int_equal(u_channel_create(0, g_b->ch), 0);
}

/* Move n handles through the channel and return them as received. */
static sos_handle_t *pass(const sos_handle_t *h, uint32_t n)
{
    struct bench *b = g_b;
    for (uint32_t i = 0; i < n; i++)
        b->hv[i] = h[i];
    memcpy(b->bytes, "xfer", 4);
    assert_int_equal(u_channel_write(b->ch[0], b->bytes, 4, b->hv, n), 0);
    b->rd = (struct sos_chan_read){b->bytes, b->hr, sizeof(b->bytes), 4, 0, 0};
    assert_int_equal(u_channel_read(b->ch[1], &b->rd), 0);
    assert_int_equal(b->rd.actual_handles, n);
    return b->hr;
}

static void close_all(const sos_handle_t *h, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        assert_int_equal(u_handle_close(h[i]), 0);
}

static void run_cycles(void (*cycle)(int i))
{
    for (int i = 0; i < WARMUP; i++)
        cycle(i);
    struct th_counts before;
    th_counts(&before);
    for (int i = 0; i < CYCLES; i++)
        cycle(i);
    th_assert_counts(&before);
}

/* ---- the kinds */

static void event_cycle(int i)
{
    (void)i;
    struct bench *b = g_b;
    assert_int_equal(u_event_create(0, &b->out[0]), 0);
    assert_int_equal(u_object_signal(b->out[0], 0, SOS_SIG_SIGNALED | SOS_SIG_USER(1)), 0);
    sos_handle_t e = pass(b->out, 1)[0];
    assert_int_equal(u_object_wait_one(e, SOS_SIG_USER(1), 0, &b->obs), 0);
    close_all(&e, 1);
}

static void test_event(void **state)
{
    (void)state;
    bench_init();
    run_cycles(event_cycle);
}

static void channel_cycle(int i)
{
    (void)i;
    struct bench *b = g_b;
    assert_int_equal(u_channel_create(0, b->out), 0);
    assert_int_equal(u_event_create(0, &b->out[2]), 0);
    /* a message with a handle in it stays queued inside the pair */
    b->hv[0] = b->out[2];
    assert_int_equal(u_channel_write(b->out[0], b->bytes, 16, b->hv, 1), 0);
    sos_handle_t *got = pass(b->out, 2);
    sos_handle_t ends[2] = {got[0], got[1]};
    close_all(ends, 2);
}

static void test_channel_pair(void **state)
{
    (void)state;
    bench_init();
    run_cycles(channel_cycle);
}

static void port_cycle(int i)
{
    (void)i;
    struct bench *b = g_b;
    assert_int_equal(u_port_create(0, &b->out[0]), 0);
    assert_int_equal(u_event_create(0, &b->out[1]), 0);
    assert_int_equal(u_object_wait_async(b->out[1], b->out[0], 7, SOS_SIG_SIGNALED,
                                         SOS_WAIT_ASYNC_REPEAT),
                     0);
    assert_int_equal(u_object_signal(b->out[1], 0, SOS_SIG_SIGNALED), 0); /* a packet */
    b->pkt = (struct sos_port_packet){.key = 9};
    assert_int_equal(u_port_queue(b->out[0], &b->pkt), 0); /* and a user packet */
    sos_handle_t p = pass(b->out, 1)[0];
    sos_handle_t both[2] = {p, b->out[1]};
    close_all(both, 2);
}

static void test_port(void **state)
{
    (void)state;
    bench_init();
    run_cycles(port_cycle);
}

static void timer_cycle(int i)
{
    struct bench *b = g_b;
    assert_int_equal(u_timer_create(0, &b->out[0]), 0);
    /* armed (a far deadline, periodic every other time) when it goes away */
    assert_int_equal(u_timer_set(b->out[0], th_now() + 1000000000, (i & 1) ? 1000000 : 0), 0);
    sos_handle_t t = pass(b->out, 1)[0];
    close_all(&t, 1);
}

static void test_timer(void **state)
{
    (void)state;
    bench_init();
    run_cycles(timer_cycle);
}

static void vmo_cycle(int i)
{
    struct bench *b = g_b;
    assert_int_equal(u_vmo_create(4 * PG, (i & 1) ? SOS_VMO_RESIZABLE : 0, &b->out[0]), 0);
    assert_int_equal(u_vmo_write(b->out[0], b->bytes, PG - 8, 16), 0); /* two pages */
    sos_handle_t v = pass(b->out, 1)[0];
    b->map = (struct sos_vm_map){th_self(), v, 0, 4 * PG, SOS_VM_READ | SOS_VM_WRITE, 0, 0};
    assert_int_equal(u_vm_map(&b->map), 0); /* all four committed */
    ((uint8_t *)(uintptr_t)b->map.addr)[3 * PG] = 1;
    if (i & 1) /* closed while still mapped: the unmap frees it */
        close_all(&v, 1);
    assert_int_equal(u_vm_unmap(th_self(), b->map.addr, 4 * PG), 0);
    if (!(i & 1))
        close_all(&v, 1);
}

static void test_vmo(void **state)
{
    (void)state;
    bench_init();
    run_cycles(vmo_cycle);
}

static void revoker_cycle(int i)
{
    struct bench *b = g_b;
    assert_int_equal(u_revoker_create(&b->out[0]), 0);
    assert_int_equal(u_event_create(0, &b->out[1]), 0);
    assert_int_equal(u_handle_mint(b->out[1], b->out[0], SOS_RIGHT_SAME_RIGHTS, &b->out[2]), 0);
    sos_handle_t r = pass(b->out, 1)[0];
    if (i & 1) /* half the time, revoke first: the minted handle stays, revoked */
        assert_int_equal(u_revoker_revoke(r), 0);
    sos_handle_t all[3] = {r, b->out[1], b->out[2]};
    close_all(all, 3);
}

static void test_revoker(void **state)
{
    (void)state;
    bench_init();
    run_cycles(revoker_cycle);
}

static sos_handle_t g_image;
static struct sos_spawn_args *g_args;

static void process_cycle(int i)
{
    struct bench *b = g_b;
    g_args->flags = (i & 1) ? SOS_SPAWN_WANT_THREAD : 0;
    assert_int_equal(u_process_spawn(g_args, &b->out[0]), 0);
    sos_handle_t p = pass(b->out, 1)[0];
    assert_int_equal(u_object_wait_one(p, SOS_SIG_TERMINATED, SOS_TIME_INFINITE, &b->obs), 0);
    close_all(&p, 1);
    if (i & 1)
        close_all(&g_args->thread_out, 1);
}

static void test_process(void **state)
{
    (void)state;
    bench_init();
    th_user_main = NULL; /* the image ends at once, with 0 */
    struct th_elf_opts o = {.nrelocs = 2};
    g_image = th_elf_vmo(&o, NULL);
    g_args = th_umem(sizeof(*g_args) + 16);
    char *name = (char *)(g_args + 1);
    memcpy(name, "leaky", 6);
    *g_args = (struct sos_spawn_args){.image = g_image, .name = name};
    run_cycles(process_cycle);
}

static uint64_t g_text, g_stack_top;

static void thread_main(uintptr_t arg)
{
    (void)arg;
    u_thread_exit();
}

static void thread_cycle(int i)
{
    struct bench *b = g_b;
    assert_int_equal(u_thread_create(g_text, g_stack_top, (uint64_t)i, &b->out[0]), 0);
    sos_handle_t t = pass(b->out, 1)[0];
    assert_int_equal(u_object_wait_one(t, SOS_SIG_TERMINATED, SOS_TIME_INFINITE, &b->obs), 0);
    close_all(&t, 1);
}

static void test_thread(void **state)
{
    (void)state;
    bench_init();
    th_user_main = thread_main;
    /* executable memory needs a VMO handle with EXECUTE, which vmo_create never gives */
    klock_acquire();
    int err;
    struct vmo *v = vmo_new(PG, 0, &err);
    struct handle *h = handle_new(&v->obj, SOS_RIGHTS_ALL);
    sos_handle_t hv = 0;
    if (process_install(current_thread()->proc, h, &hv))
        abort();
    obj_unref(&v->obj);
    klock_release();
    g_b->map = (struct sos_vm_map){th_self(), hv, 0, PG, SOS_VM_READ | SOS_VM_EXEC, 0, 0};
    assert_int_equal(u_vm_map(&g_b->map), 0);
    g_text = g_b->map.addr;
    g_stack_top = (uint64_t)(uintptr_t)th_umem(PG) + PG;
    run_cycles(thread_cycle);
}

static void interrupt_cycle(int i)
{
    struct bench *b = g_b;
    assert_int_equal(u_interrupt_create(th_root(), 50, &b->out[0]), 0);
    if (i & 1) {
        core_irq(50, false); /* pending when it goes away */
        assert_int_equal(u_object_wait_one(b->out[0], SOS_SIG_SIGNALED, 0, &b->obs), 0);
    }
    sos_handle_t irq = pass(b->out, 1)[0];
    if (i & 2)
        assert_int_equal(u_interrupt_ack(irq), 0);
    close_all(&irq, 1);
}

static void test_interrupt(void **state)
{
    (void)state;
    bench_init();
    run_cycles(interrupt_cycle);
    assert_false(th_irq_enabled(50)); /* the line is masked again */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TH_TEST(test_event),
        TH_TEST(test_channel_pair),
        TH_TEST(test_port),
        TH_TEST(test_timer),
        TH_TEST(test_vmo),
        TH_TEST(test_revoker),
        TH_TEST(test_process),
        TH_TEST(test_thread),
        TH_TEST(test_interrupt),
    };
    return TH_RUN(tests);
}
