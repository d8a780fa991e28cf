/*
 * tests/ktest/cases_proc.c - processes: spawn, startup handles and arguments, exit
 * codes, kill, what a dead process leaves behind, spawn's checks.
 *
 * Layer: tests (user image).
 */
#include "ktest.h"

static void proc_exit_code(void)
{
    sos_handle_t proc = kt_spawn("exit", "42", NULL, 0);
    struct sos_info_process pi = kt_join(proc, 2000);
    KT_EQ(pi.state, SOS_PROC_EXITED);
    KT_EQ(pi.exit_code, 42);
    KT_EQ(pi.fault.fault_class, SOS_FAULT_NONE);
    KT_EQ(pi.threads, 0);
    KT_ASSERT(!strcmp(pi.name, "kt-helper"));
}

static void proc_startup_block(void)
{
    /* the helper checks its argv and named handles and exits 0 when all is right */
    sos_handle_t e = kt_event(), a, b;
    kt_channel(&a, &b);
    struct sos_spawn_handle hs[2] = {{e, "alpha"}, {b, "beta-channel"}};
    sos_handle_t proc = kt_spawn("startup", "arg-two", hs, 2);
    struct sos_info_process pi = kt_join(proc, 2000);
    KT_EQ(pi.state, SOS_PROC_EXITED);
    KT_EQ(pi.exit_code, 0);
}

static void proc_handles_move(void)
{
    sos_handle_t e = kt_event();
    struct sos_spawn_handle hs[1] = {{e, "alpha"}};
    sos_handle_t proc = kt_spawn("exit", "0", hs, 1);
    KT_EQ(sos_object_signal(e, 0, SOS_SIG_SIGNALED), SOS_ERR_BAD_HANDLE); /* moved */
    kt_join(proc, 2000);
}

static void proc_kill_spinning(void)
{
    sos_handle_t proc = kt_spawn("spin", NULL, NULL, 0);
    sos_thread_sleep(sos_deadline_after(SOS_MS(5)));
    KT_EQ(kt_process_info(proc).state, SOS_PROC_RUNNING);
    KT_OK(sos_process_kill(proc));
    struct sos_info_process pi = kt_join(proc, 2000);
    KT_EQ(pi.state, SOS_PROC_KILLED);
    KT_EQ(pi.fault.fault_class, SOS_FAULT_KILLED);
    KT_OK(sos_process_kill(proc)); /* killing the dead changes nothing */
    KT_EQ(kt_process_info(proc).state, SOS_PROC_KILLED);
}

static void proc_kill_sleeping(void)
{
    sos_handle_t proc = kt_spawn("sleep", NULL, NULL, 0);
    sos_thread_sleep(sos_deadline_after(SOS_MS(5)));
    KT_OK(sos_process_kill(proc));
    KT_EQ(kt_join(proc, 2000).state, SOS_PROC_KILLED);
}

static void proc_kill_needs_manage(void)
{
    sos_handle_t proc = kt_spawn("sleep", NULL, NULL, 0);
    sos_handle_t weak = kt_dup(proc, SOS_RIGHT_READ | SOS_RIGHT_WAIT);
    KT_EQ(sos_process_kill(weak), SOS_ERR_ACCESS_DENIED);
    KT_EQ(sos_process_kill(kt_event()), SOS_ERR_WRONG_TYPE);
    KT_OK(sos_process_kill(proc));
    kt_join(proc, 2000);
}

static void proc_death_closes_handles(void)
{
    sos_handle_t mine, theirs;
    kt_channel(&mine, &theirs);
    struct sos_spawn_handle hs[1] = {{theirs, "chan"}};
    sos_handle_t proc = kt_spawn("sleep", NULL, hs, 1);
    KT_ASSERT(!kt_signaled(mine, SOS_SIG_PEER_CLOSED));
    KT_OK(sos_process_kill(proc));
    kt_wait(mine, SOS_SIG_PEER_CLOSED, 2000); /* its handles closed as it died */
}

static void proc_exit_ends_all_threads(void)
{
    sos_handle_t proc = kt_spawn("threads-exit", NULL, NULL, 0);
    struct sos_info_process pi = kt_join(proc, 2000);
    KT_EQ(pi.state, SOS_PROC_EXITED);
    KT_EQ(pi.exit_code, 7);
    KT_EQ(pi.threads, 0);
}

static void proc_info_self(void)
{
    struct sos_info_process pi = kt_process_info(sos_self_process());
    KT_EQ(pi.state, SOS_PROC_RUNNING);
    KT_ASSERT(!strncmp(pi.name, "kt:proc_info_self", sizeof(pi.name) - 1));
    KT_EQ(pi.threads, 1);
    KT_ASSERT(pi.handles >= 4); /* self process, self thread, control channel, image */
    KT_ASSERT(pi.mapped_bytes > 0);
    KT_EQ(pi.koid, kt_handle_info(sos_self_process()).koid);
    char small[8];
    KT_EQ(sos_object_get_info(sos_self_process(), SOS_INFO_PROCESS, small, sizeof(small)),
          SOS_ERR_BUFFER_TOO_SMALL);
    KT_EQ(sos_object_get_info(sos_self_process(), 99, small, sizeof(small)),
          SOS_ERR_INVALID_ARGS);
}

static void proc_spawn_bad_image(void)
{
    sos_handle_t v = kt_vmo(8192);
    KT_OK(sos_vmo_write(v, "\x7f" "ELF garbage", 0, 12));
    sos_handle_t e = kt_event();
    struct sos_spawn_handle hs[1] = {{e, "alpha"}};
    static const char args[] = "x";
    struct sos_spawn_args sa = {.image = v, .nhandles = 1, .name = "bad", .args = args,
                                .args_len = sizeof(args), .handles = hs};
    sos_handle_t proc;
    int64_t err = sos_process_spawn(&sa, &proc);
    KT_ASSERT(err == SOS_ERR_BAD_FORMAT || err == SOS_ERR_NOT_SUPPORTED);
    KT_OK(sos_object_signal(e, 0, SOS_SIG_SIGNALED)); /* the handle did not move */
    KT_EQ(kt_handle_info(v).kind, SOS_OBJ_VMO);
}

static void proc_spawn_bad_args(void)
{
    sos_handle_t e = kt_event(), proc;
    static const char args[] = "x";
    struct sos_spawn_handle hs[2] = {{e, "a"}, {e, "b"}};
    struct sos_spawn_args sa = {.image = kt_image(), .nhandles = 2, .name = "bad",
                                .args = args, .args_len = sizeof(args), .handles = hs};
    KT_EQ(sos_process_spawn(&sa, &proc), SOS_ERR_INVALID_ARGS); /* one handle twice */
    sa.nhandles = SOS_SPAWN_MAX_HANDLES + 1;
    KT_EQ(sos_process_spawn(&sa, &proc), SOS_ERR_INVALID_ARGS);
    sa.nhandles = 1;
    hs[0].handle = kt_dup(e, SOS_RIGHT_WAIT); /* no TRANSFER right */
    KT_EQ(sos_process_spawn(&sa, &proc), SOS_ERR_ACCESS_DENIED);
    sa.nhandles = 0;
    sa.image = e;
    KT_EQ(sos_process_spawn(&sa, &proc), SOS_ERR_WRONG_TYPE);
    sa.image = kt_image();
    sa.priority = SOS_PRIO_MAX + 1;
    KT_EQ(sos_process_spawn(&sa, &proc), SOS_ERR_INVALID_ARGS);
    sa.priority = 0;
    sa.flags = 0x100;
    KT_EQ(sos_process_spawn(&sa, &proc), SOS_ERR_INVALID_ARGS);
    sa.flags = 0;
    sa.args_len = SOS_SPAWN_MAX_ARGS_BYTES + 1;
    KT_EQ(sos_process_spawn(&sa, &proc), SOS_ERR_INVALID_ARGS);
    sa.args_len = sizeof(args);
    sa.name = (const char *)kt_opaque(8);
    KT_EQ(sos_process_spawn(&sa, &proc), SOS_ERR_BAD_ADDRESS);
    KT_EQ(sos_process_spawn((struct sos_spawn_args *)kt_opaque(8), &proc), SOS_ERR_BAD_ADDRESS);
    KT_OK(sos_object_signal(e, 0, SOS_SIG_SIGNALED)); /* through all of it, e stayed ours */
}

static void proc_spawn_want_thread(void)
{
    static const char args[] = "ktest\0helper:sleep";
    struct sos_spawn_args sa = {.image = kt_image(), .name = "kt-helper", .args = args,
                                .args_len = sizeof(args), .flags = SOS_SPAWN_WANT_THREAD};
    sos_handle_t proc;
    KT_OK(sos_process_spawn(&sa, &proc));
    KT_ASSERT(sa.thread_out != 0);
    struct sos_info_handle ti = kt_handle_info(sa.thread_out);
    KT_EQ(ti.kind, SOS_OBJ_THREAD);
    KT_EQ(ti.related_koid, kt_handle_info(proc).koid);
    KT_OK(sos_thread_kill(sa.thread_out)); /* its only thread: the process ends too */
    KT_EQ(kt_join(proc, 2000).state, SOS_PROC_EXITED);
}

const struct kt_case kt_proc_cases[] = {
    KT_CASE(proc_exit_code),
    KT_CASE(proc_startup_block),
    KT_CASE(proc_handles_move),
    KT_CASE(proc_kill_spinning),
    KT_CASE(proc_kill_sleeping),
    KT_CASE(proc_kill_needs_manage),
    KT_CASE(proc_death_closes_handles),
    KT_CASE(proc_exit_ends_all_threads),
    KT_CASE(proc_info_self),
    KT_CASE(proc_spawn_bad_image),
    KT_CASE(proc_spawn_bad_args),
    KT_CASE(proc_spawn_want_thread),
};
const size_t kt_proc_count = sizeof(kt_proc_cases) / sizeof(kt_proc_cases[0]);
