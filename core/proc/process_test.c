/*
 * core/proc/process_test.c - process lifetime: process_exit codes, process_kill (MANAGE,
 * all threads end, handles close, TERMINATED), SOS_INFO_PROCESS, and thread_create in
 * the running process with its checks on entry and stack.
 */
#include "th.h"

#include "mm/vmo.h"
#include "proc/process.h"
#include "proc/thread.h"

extern void (*th_user_main)(uintptr_t startup); /* the test HAL's user-mode hook */

#define PG 4096u

static bool terminated_now(sos_handle_t h)
{
    return u_object_wait_one(h, SOS_SIG_TERMINATED, 0, NULL) == 0;
}

/* ---- exit */

static bool g_after_exit;
static int64_t g_code;

static void exits_with_code(void *p)
{
    (void)p;
    u_process_exit(g_code);
    g_after_exit = true;
}

static void test_process_exit_code(void **state)
{
    (void)state;
    static const int64_t codes[] = {7, 0, -5, 0x7fffffff};
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        g_after_exit = false;
        g_code = codes[i];
        sos_handle_t c = th_spawn("exiter", exits_with_code, NULL, NULL, 0);
        th_wait_terminated(c);
        assert_false(g_after_exit);
        struct sos_info_process pi = th_proc_info(c);
        assert_int_equal(pi.state, SOS_PROC_EXITED);
        assert_int_equal(pi.exit_code, (int32_t)codes[i]);
        assert_int_equal(pi.threads, 0);
        assert_int_equal(pi.fault.fault_class, SOS_FAULT_NONE);
    }
}

static void returns_at_once(void *p) { (void)p; }

static void test_last_thread_ending_exits_zero(void **state)
{
    (void)state;
    sos_handle_t c = th_spawn("returner", returns_at_once, NULL, NULL, 0);
    assert_false(terminated_now(c));
    th_wait_terminated(c);
    struct sos_info_process pi = th_proc_info(c);
    assert_int_equal(pi.state, SOS_PROC_EXITED);
    assert_int_equal(pi.exit_code, 0);
}

static bool g_helper_after;

static void helper_blocks(void *p)
{
    (void)p;
    u_object_wait_one(th_child_handle(0), SOS_SIG_SIGNALED, SOS_TIME_INFINITE, NULL);
    g_helper_after = true;
}

/* A child with two more threads, both blocked, and then... */
static void spawns_helpers_then_exits(void *p)
{
    (void)p;
    th_thread(helper_blocks, NULL);
    th_thread(helper_blocks, NULL);
    th_settle(); /* both are blocked now */
    u_process_exit(3);
    g_after_exit = true;
}

static void test_exit_ends_every_thread(void **state)
{
    (void)state;
    g_after_exit = g_helper_after = false;
    sos_handle_t e = th_event();
    sos_handle_t c = th_spawn("multi", spawns_helpers_then_exits, NULL, &e, 1);
    th_wait_terminated(c);
    struct sos_info_process pi = th_proc_info(c);
    assert_int_equal(pi.state, SOS_PROC_EXITED);
    assert_int_equal(pi.exit_code, 3);
    assert_int_equal(pi.threads, 0);
    assert_false(g_after_exit);
    assert_false(g_helper_after);
}

/* ---- kill */

static void blocks_with_helper(void *p)
{
    (void)p;
    th_thread(helper_blocks, NULL);
    u_object_wait_one(th_child_handle(0), SOS_SIG_SIGNALED, SOS_TIME_INFINITE, NULL);
    g_after_exit = true;
}

static void test_kill_ends_threads_and_closes_handles(void **state)
{
    (void)state;
    g_after_exit = g_helper_after = false;
    sos_handle_t *ch = th_umem(2 * sizeof(*ch));
    assert_int_equal(u_channel_create(0, ch), 0);
    sos_handle_t given[2] = {th_event(), ch[1]};
    sos_handle_t c = th_spawn("victim", blocks_with_helper, NULL, given, 2);
    th_settle();
    struct sos_info_process pi = th_proc_info(c);
    assert_int_equal(pi.state, SOS_PROC_RUNNING);
    assert_int_equal(pi.threads, 2);
    assert_int_equal(pi.handles, 3); /* the two given, and the helper thread's handle */
    assert_false(terminated_now(c));
    assert_int_equal(u_object_wait_one(ch[0], SOS_SIG_PEER_CLOSED, 0, NULL), SOS_ERR_TIMED_OUT);

    assert_int_equal(u_process_kill(c), 0);
    th_wait_terminated(c);
    pi = th_proc_info(c);
    assert_int_equal(pi.state, SOS_PROC_KILLED);
    assert_int_equal(pi.exit_code, -1);
    assert_int_equal(pi.threads, 0);
    assert_int_equal(pi.handles, 0);
    assert_int_equal(pi.mapped_bytes, 0);
    assert_int_equal(pi.fault.fault_class, SOS_FAULT_KILLED);
    assert_false(g_after_exit);
    assert_false(g_helper_after);
    /* its end of the channel closed with it */
    assert_int_equal(u_object_wait_one(ch[0], SOS_SIG_PEER_CLOSED, 0, NULL), 0);
    uint8_t *b = th_umem(4);
    assert_int_equal(u_channel_write(ch[0], b, 4, NULL, 0), SOS_ERR_PEER_CLOSED);
}

static void test_kill_needs_manage(void **state)
{
    (void)state;
    g_after_exit = false;
    sos_handle_t e = th_event();
    sos_handle_t c = th_spawn("guarded", blocks_with_helper, NULL, &e, 1);
    sos_handle_t weak = th_dup(c, SOS_RIGHT_READ | SOS_RIGHT_WAIT);
    assert_int_equal(u_process_kill(weak), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_process_kill(th_event()), SOS_ERR_WRONG_TYPE);
    assert_int_equal(u_process_kill(0x2468), SOS_ERR_BAD_HANDLE);
    th_settle();
    assert_int_equal(th_proc_info(c).state, SOS_PROC_RUNNING);
    assert_false(terminated_now(weak));
    assert_int_equal(u_process_kill(c), 0);
    th_wait_terminated(weak);
}

static void test_kill_after_exit_changes_nothing(void **state)
{
    (void)state;
    g_code = 9;
    sos_handle_t c = th_spawn("done", exits_with_code, NULL, NULL, 0);
    th_wait_terminated(c);
    assert_int_equal(u_process_kill(c), 0);
    assert_int_equal(u_process_kill(c), 0);
    struct sos_info_process pi = th_proc_info(c);
    assert_int_equal(pi.state, SOS_PROC_EXITED); /* the first end wins */
    assert_int_equal(pi.exit_code, 9);
    assert_int_equal(pi.fault.fault_class, SOS_FAULT_NONE);
}

static bool g_user_ran;
static void user_main_marks(uintptr_t startup)
{
    (void)startup;
    g_user_ran = true;
}

static void test_kill_before_first_run(void **state)
{
    (void)state;
    g_user_ran = false;
    th_user_main = user_main_marks;
    struct th_elf_opts o = {0};
    struct sos_spawn_args *a = th_umem(sizeof(*a) + 16);
    char *name = (char *)(a + 1);
    memcpy(name, "early", 6);
    *a = (struct sos_spawn_args){.image = th_elf_vmo(&o, NULL), .name = name};
    sos_handle_t *out = th_umem(sizeof(*out));
    assert_int_equal(u_process_spawn(a, out), 0);
    assert_int_equal(u_process_kill(*out), 0);
    th_wait_terminated(*out);
    assert_false(g_user_ran); /* it never reached user code */
    assert_int_equal(th_proc_info(*out).state, SOS_PROC_KILLED);
}

static int g_stage;

static void kills_itself(uintptr_t startup)
{
    const struct sos_startup *sb = (const struct sos_startup *)startup;
    g_stage = 1;
    if (u_process_kill(sb->self_process) != 0)
        return;
    g_stage = 2; /* never: the kill takes effect on the way out of the call */
}

static void kills_own_thread(uintptr_t startup)
{
    const struct sos_startup *sb = (const struct sos_startup *)startup;
    g_stage = 1;
    if (u_thread_kill(sb->self_thread) != 0)
        return;
    g_stage = 2;
}

static void test_process_and_thread_kill_themselves(void **state)
{
    (void)state;
    void (*mains[2])(uintptr_t) = {kills_itself, kills_own_thread};
    static const uint32_t want[2] = {SOS_PROC_KILLED, SOS_PROC_EXITED};
    for (int i = 0; i < 2; i++) {
        g_stage = 0;
        th_user_main = mains[i];
        struct th_elf_opts o = {0};
        struct sos_spawn_args *a = th_umem(sizeof(*a) + 8);
        char *name = (char *)(a + 1);
        memcpy(name, "self", 5);
        *a = (struct sos_spawn_args){.image = th_elf_vmo(&o, NULL), .name = name};
        sos_handle_t *out = th_umem(sizeof(*out));
        assert_int_equal(u_process_spawn(a, out), 0);
        th_wait_terminated(*out);
        assert_int_equal(g_stage, 1);
        struct sos_info_process pi = th_proc_info(*out);
        assert_int_equal(pi.state, want[i]); /* its only thread ended: it exited */
        assert_int_equal(pi.threads, 0);
    }
}

static void test_info_process_self(void **state)
{
    (void)state;
    struct sos_info_process pi = th_proc_info(th_self());
    assert_string_equal(pi.name, "test");
    assert_int_equal(pi.state, SOS_PROC_RUNNING);
    assert_int_equal(pi.threads, 1);
    assert_true(pi.mapped_bytes >= PG);
    uint32_t h0 = pi.handles;
    sos_handle_t e = th_event();
    assert_int_equal(th_proc_info(th_self()).handles, h0 + 1);
    assert_int_equal(u_handle_close(e), 0);
    assert_int_equal(th_proc_info(th_self()).handles, h0);
    /* the topic is for processes, and needs READ */
    struct sos_info_process *buf = th_umem(sizeof(*buf));
    assert_int_equal(u_object_get_info(e = th_event(), SOS_INFO_PROCESS, buf, sizeof(*buf)),
                     SOS_ERR_WRONG_TYPE);
    sos_handle_t noread = th_dup(th_self(), SOS_RIGHT_WAIT);
    assert_int_equal(u_object_get_info(noread, SOS_INFO_PROCESS, buf, sizeof(*buf)),
                     SOS_ERR_ACCESS_DENIED);
    assert_int_equal(u_object_get_info(th_self(), SOS_INFO_PROCESS, buf, sizeof(*buf) - 1),
                     SOS_ERR_BUFFER_TOO_SMALL);
}

static void test_wait_on_running_process_times_out(void **state)
{
    (void)state;
    g_after_exit = false;
    sos_handle_t e = th_event();
    sos_handle_t c = th_spawn("sleepy", blocks_with_helper, NULL, &e, 1);
    int64_t t0 = th_now();
    assert_int_equal(u_object_wait_one(c, SOS_SIG_TERMINATED, t0 + 5000, NULL),
                     SOS_ERR_TIMED_OUT);
    assert_int_equal(th_now(), t0 + 5000);
}

/* ---- thread_create in the running process */

static uint64_t map(sos_handle_t v, uint64_t len, uint32_t prot)
{
    struct sos_vm_map *m = th_umem(sizeof(*m));
    *m = (struct sos_vm_map){.process = th_self(), .vmo = v, .len = len, .prot = prot};
    assert_int_equal(u_vm_map(m), 0);
    return m->addr;
}

static uintptr_t g_thread_arg;
static int g_thread_runs;

static void thread_user_main(uintptr_t arg)
{
    g_thread_arg = arg;
    g_thread_runs++;
    u_thread_exit(); /* returning would end the whole (test) process */
}

static void test_thread_create_runs_user_code(void **state)
{
    (void)state;
    g_thread_arg = 0;
    g_thread_runs = 0;
    th_user_main = thread_user_main;
    uint64_t text = map(th_vmo_all_rights(PG), PG, SOS_VM_READ | SOS_VM_EXEC);
    uint8_t *stack = th_umem(4 * PG);
    sos_handle_t *out = th_umem(sizeof(*out));
    assert_int_equal(u_thread_create(text + 16, (uint64_t)(uintptr_t)(stack + 4 * PG),
                                     0xfeedface, out),
                     0);
    struct sos_info_thread *ti = th_umem(sizeof(*ti));
    assert_int_equal(u_object_get_info(*out, SOS_INFO_THREAD, ti, sizeof(*ti)), (int64_t)sizeof(*ti));
    assert_int_equal(ti->priority, SOS_PRIO_DEFAULT); /* the creator's */
    assert_int_equal(g_thread_runs, 0);
    assert_int_equal(th_proc_info(th_self()).threads, 2);
    th_wait_terminated(*out);
    assert_int_equal(g_thread_runs, 1);
    assert_int_equal(g_thread_arg, 0xfeedface);
    struct sos_info_process pi = th_proc_info(th_self());
    assert_int_equal(pi.state, SOS_PROC_RUNNING);
    assert_int_equal(pi.threads, 1);
}

static void test_thread_create_checks_entry_and_stack(void **state)
{
    (void)state;
    g_thread_runs = 0;
    th_user_main = thread_user_main;
    uint64_t text = map(th_vmo_all_rights(PG), PG, SOS_VM_READ | SOS_VM_EXEC);
    uint8_t *rw = th_umem(4 * PG);
    uint64_t ro = map(th_vmo_all_rights(PG), PG, SOS_VM_READ);
    uint64_t top = (uint64_t)(uintptr_t)(rw + 4 * PG);
    sos_handle_t *out = th_umem(sizeof(*out));
    struct th_counts before;
    th_counts(&before);
    /* the entry must be in executable memory */
    assert_int_equal(u_thread_create((uint64_t)(uintptr_t)rw, top, 0, out), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_thread_create(ro, top, 0, out), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_thread_create(0, top, 0, out), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_thread_create(text + PG, top, 0, out), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_thread_create((uint64_t)(uintptr_t)returns_at_once, top, 0, out),
                     SOS_ERR_INVALID_ARGS); /* host code is not the process's memory */
    /* the stack must be writable memory, 16-byte aligned at the top */
    assert_int_equal(u_thread_create(text, ro + PG, 0, out), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_thread_create(text, text + PG, 0, out), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_thread_create(text, top - 8, 0, out), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_thread_create(text, top - 1, 0, out), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_thread_create(text, top + 16, 0, out), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_thread_create(text, (uint64_t)(uintptr_t)rw, 0, out),
                     SOS_ERR_INVALID_ARGS); /* nothing below the top */
    assert_int_equal(u_thread_create(text, 0, 0, out), SOS_ERR_INVALID_ARGS);
    assert_int_equal(u_thread_create(text, 8, 0, out), SOS_ERR_INVALID_ARGS);
    /* and the handle must have somewhere to go */
    sos_handle_t local;
    assert_int_equal(u_thread_create(text, top, 0, NULL), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_thread_create(text, top, 0, &local), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_thread_create(text, top, 0, (sos_handle_t *)(uintptr_t)ro),
                     SOS_ERR_BAD_ADDRESS);
    th_assert_counts(&before); /* no thread was made */
    th_settle();
    assert_int_equal(g_thread_runs, 0);
    /* the lowest usable stack top: 16 writable bytes right below it */
    assert_int_equal(u_thread_create(text, (uint64_t)(uintptr_t)rw + 16, 0, out), 0);
    th_wait_terminated(*out);
    assert_int_equal(g_thread_runs, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TH_TEST(test_process_exit_code),
        TH_TEST(test_last_thread_ending_exits_zero),
        TH_TEST(test_exit_ends_every_thread),
        TH_TEST(test_kill_ends_threads_and_closes_handles),
        TH_TEST(test_kill_needs_manage),
        TH_TEST(test_kill_after_exit_changes_nothing),
        TH_TEST(test_kill_before_first_run),
        TH_TEST(test_process_and_thread_kill_themselves),
        TH_TEST(test_info_process_self),
        TH_TEST(test_wait_on_running_process_times_out),
        TH_TEST(test_thread_create_runs_user_code),
        TH_TEST(test_thread_create_checks_entry_and_stack),
    };
    return TH_RUN(tests);
}
