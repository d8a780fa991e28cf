/*
 * tests/unit/fuzz_regress_test.c - each core bug the syscall fuzzer found, as a unit test.
 *
 * The input that found it is kept in tests/fuzz/corpus/syscalls/regress-<name> and is
 * replayed by the fuzz suite; the test here says what went wrong in plain calls.
 */
#include <string.h>

#include "th.h"

#include "th_internal.h"

#include "mm/vm.h"
#include "mm/vmo.h"
#include "proc/process.h"
#include "proc/thread.h"

/* An R|X page in the current process: a valid thread_create entry (test-only path). */
static uintptr_t exec_page(void)
{
    klock_acquire();
    int err;
    struct vmo *v = vmo_new(4096, 0, &err);
    uintptr_t va = 0;
    assert_non_null(v);
    assert_int_equal(vm_map(current_thread()->proc->vm, v, 0, 4096, SOS_VM_READ | SOS_VM_EXEC,
                            SOS_VM_READ | SOS_VM_EXEC, false, &va),
                     0);
    obj_unref(&v->obj);
    klock_release();
    return va;
}

static void thread_ends(uintptr_t arg)
{
    (void)arg;
    u_thread_exit();
}

/*
 * regress-thread-create-ref: thread_create dropped the new thread's own reference, so
 * closing the only handle freed a runnable thread (and its stack) under the scheduler:
 * a panic, or a double free of the stack when it exited.
 */
static void test_thread_create_close_handle(void **state)
{
    (void)state;
    th_user_main = thread_ends;
    uintptr_t entry = exec_page();
    uint8_t *stack = th_umem(4096);
    sos_handle_t *h = th_umem(sizeof(*h));
    struct th_counts before;
    th_counts(&before);
    assert_int_equal(u_thread_create(entry, (uint64_t)(uintptr_t)(stack + 4096), 0, h), 0);
    assert_int_equal(u_handle_close(*h), 0);
    th_settle(); /* the thread runs and ends */
    th_assert_counts(&before);
}

/* The same with a handle kept: TERMINATED is seen, and the object outlives the thread. */
static void test_thread_create_wait_exit(void **state)
{
    (void)state;
    th_user_main = thread_ends;
    uintptr_t entry = exec_page();
    uint8_t *stack = th_umem(4096);
    sos_handle_t *h = th_umem(sizeof(*h));
    assert_int_equal(u_thread_create(entry, (uint64_t)(uintptr_t)(stack + 4096), 0, h), 0);
    assert_int_equal(u_object_wait_one(*h, SOS_SIG_TERMINATED, th_now() + 1000000, NULL), 0);
    struct sos_info_thread *ti = th_umem(sizeof(*ti));
    assert_int_equal(u_object_get_info(*h, SOS_INFO_THREAD, ti, sizeof(*ti)),
                     (int64_t)sizeof(*ti));
    assert_int_equal(ti->state, 3); /* dead */
    assert_int_equal(u_handle_close(*h), 0);
}

/*
 * regress-startup-argv-align: with an odd number of handles the argv array of the
 * startup block followed the 28-byte handle entries unaligned (UBSan: misaligned store
 * in build_startup; user code would read a misaligned pointer array). The child reads
 * its startup block while it is mapped.
 */
static uint64_t g_argv, g_argc;

static void read_startup(uintptr_t startup)
{
    const struct sos_startup *sb = (const struct sos_startup *)startup;
    g_argv = sb->argv;
    g_argc = sb->argc;
}

static void test_spawn_startup_argv_pointer(void **state)
{
    (void)state;
    th_user_main = read_startup;
    g_argv = 1;
    sos_handle_t image = th_elf_vmo(&(struct th_elf_opts){0}, NULL);
    sos_handle_t *ev = th_umem(sizeof(*ev));
    assert_int_equal(u_event_create(0, ev), 0);
    char *name = th_umem(8), *args = th_umem(8);
    memcpy(name, "argv", 5);
    memcpy(args, "a\0bc", 5);
    struct sos_spawn_handle *sh = th_umem(sizeof(*sh));
    sh->handle = *ev;
    struct sos_spawn_args *a = th_umem(sizeof(*a));
    *a = (struct sos_spawn_args){.image = image, .nhandles = 1, .name = name, .args = args,
                                 .args_len = 5, .handles = sh};
    sos_handle_t *proc = th_umem(sizeof(*proc));
    assert_int_equal(u_process_spawn(a, proc), 0);
    assert_int_equal(u_object_wait_one(*proc, SOS_SIG_TERMINATED, th_now() + 1000000, NULL), 0);
    assert_int_equal(g_argc, 2);
    assert_int_equal(g_argv % 8, 0);
    assert_int_equal(u_handle_close(*proc), 0);
}

/*
 * regress-timer-period-overflow: a periodic timer whose next deadline falls past
 * INT64_MAX overflowed deadline + period (signed overflow; the wrapped deadline lay in
 * the past, so the timer fired again at once). It fires once, then no more.
 */
static void test_timer_huge_period(void **state)
{
    (void)state;
    sos_handle_t *t = th_umem(sizeof(*t)), *port = th_umem(sizeof(*port));
    struct sos_port_packet *pkt = th_umem(sizeof(*pkt));
    assert_int_equal(u_timer_create(0, t), 0);
    assert_int_equal(u_port_create(0, port), 0);
    assert_int_equal(u_object_wait_async(*t, *port, 1, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_REPEAT), 0);
    assert_int_equal(u_timer_set(*t, th_now() + 1000, INT64_MAX - 1), 0);
    assert_int_equal(u_port_wait(*port, th_now() + 1000000, pkt), 0);
    assert_int_equal(pkt->signal.count, 1);
    th_sleep(1000000);
    assert_int_equal(u_port_wait(*port, 0, pkt), SOS_ERR_TIMED_OUT);
}

/*
 * regress-channel-loop: two channels each carrying the other's receiving end in a
 * queued message: once the tables closed, nothing could read either queue, so both ends
 * (and the handles inside) leaked. Writing the message that closes such a loop is
 * refused; the sender keeps its handle.
 */
static void test_channel_loop_refused(void **state)
{
    (void)state;
    sos_handle_t *a = th_umem(2 * sizeof(*a)), *b = th_umem(2 * sizeof(*b));
    struct th_counts before;
    th_counts(&before);
    assert_int_equal(u_channel_create(0, a), 0);
    assert_int_equal(u_channel_create(0, b), 0);
    assert_int_equal(u_channel_write(a[0], NULL, 0, &b[1], 1), 0); /* b1 queued at a1 */
    assert_int_equal(u_channel_write(b[0], NULL, 0, &a[1], 1), SOS_ERR_NOT_SUPPORTED);
    assert_int_equal(u_handle_close(a[0]), 0);
    assert_int_equal(u_handle_close(a[1]), 0); /* frees b1 with a1's queue */
    assert_int_equal(u_handle_close(b[0]), 0);
    th_assert_counts(&before);
}

/* A longer loop (a1 holds b1, b1 holds c1, then c1 would hold a1) is refused too. */
static void test_channel_long_loop_refused(void **state)
{
    (void)state;
    sos_handle_t *a = th_umem(2 * sizeof(*a)), *b = th_umem(2 * sizeof(*b)),
                 *c = th_umem(2 * sizeof(*c));
    assert_int_equal(u_channel_create(0, a), 0);
    assert_int_equal(u_channel_create(0, b), 0);
    assert_int_equal(u_channel_create(0, c), 0);
    assert_int_equal(u_channel_write(b[0], NULL, 0, &c[1], 1), 0); /* c1 queued at b1 */
    assert_int_equal(u_channel_write(a[0], NULL, 0, &b[1], 1), 0); /* b1 queued at a1 */
    assert_int_equal(u_channel_write(c[0], NULL, 0, &a[1], 1), SOS_ERR_NOT_SUPPORTED);
    /* no loop: an end holding unrelated ends still travels */
    sos_handle_t *d = th_umem(2 * sizeof(*d));
    assert_int_equal(u_channel_create(0, d), 0);
    assert_int_equal(u_channel_write(d[0], NULL, 0, &a[1], 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TH_TEST(test_thread_create_close_handle),
        TH_TEST(test_thread_create_wait_exit),
        TH_TEST(test_spawn_startup_argv_pointer),
        TH_TEST(test_timer_huge_period),
        TH_TEST(test_channel_loop_refused),
        TH_TEST(test_channel_long_loop_refused),
    };
    return TH_RUN(tests);
}
