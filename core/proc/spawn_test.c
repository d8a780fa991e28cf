/*
 * core/proc/spawn_test.c - process_spawn end to end: the child's startup block (checked
 * from inside the child through the th_user_main hook), handles moved out of the
 * parent, exit codes, and every refusal leaving the parent's handles where they were.
 */
#include "th.h"

#include "hal.h"
#include "lib/kstring.h"

extern void (*th_user_main)(uintptr_t startup); /* the test HAL's user-mode hook */

#define PG 4096u

/* ELF layout as th_elf_build writes it (ELF64, little endian). */
struct t_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};
#define T_PHOFF 64u

/* Everything process_spawn reads or writes, in user memory. */
struct sp {
    struct sos_spawn_args a;
    sos_handle_t out;
    char name[64];
    char args[SOS_SPAWN_MAX_ARGS_BYTES + 8];
    struct sos_spawn_handle sh[SOS_SPAWN_MAX_HANDLES + 2];
};

static sos_handle_t image(void)
{
    struct th_elf_opts o = {0};
    sos_handle_t v = th_elf_vmo(&o, NULL);
    assert_true(v != 0);
    return v;
}

/* An image built by th_elf_build, patched by `patch`, in a new VMO. */
static sos_handle_t patched_image(const struct th_elf_opts *o, void (*patch)(uint8_t *))
{
    uint8_t *buf = th_umem(2 * PG);
    size_t n = th_elf_build(buf, 2 * PG, o);
    assert_int_equal(n, 2 * PG);
    if (patch)
        patch(buf);
    sos_handle_t *h = th_umem(sizeof(*h));
    assert_int_equal(u_vmo_create(n, 0, h), 0);
    assert_int_equal(u_vmo_write(*h, buf, 0, n), 0);
    return *h;
}

static struct sp *sp_new(sos_handle_t img)
{
    struct sp *s = th_umem(sizeof(*s));
    k_strlcpy(s->name, "child", sizeof(s->name));
    s->a = (struct sos_spawn_args){.image = img, .name = s->name, .args = s->args,
                                   .handles = s->sh};
    return s;
}

static void sp_handle(struct sp *s, sos_handle_t h, const char *name)
{
    s->sh[s->a.nhandles].handle = h;
    k_strlcpy(s->sh[s->a.nhandles].name, name, SOS_HANDLE_NAME_MAX);
    s->a.nhandles++;
}

/* ---- what the child saw */

#define MAXA 6
static struct probe {
    bool ran;
    struct sos_startup sb;
    bool argv_in_block;
    char argv[MAXA][16];
    uint64_t argv_end; /* argv[argc] */
    struct sos_startup_handle h[4];
    int64_t signal_result[4];
    int64_t self_info;
    struct sos_info_process self;
    int64_t thread_info;
    struct sos_info_thread thread;
    int64_t stack_top_write, below_stack_write, block_write;
    bool image_is_elf;
} g_p;
static int64_t g_exit_code;

static void probe_main(uintptr_t startup)
{
    const struct sos_startup *sb = (const struct sos_startup *)startup;
    g_p.ran = true;
    g_p.sb = *sb;
    const uint64_t *argv = (const uint64_t *)(uintptr_t)sb->argv;
    g_p.argv_in_block = true;
    for (uint32_t i = 0; i < sb->argc && i < MAXA; i++) {
        g_p.argv_in_block &= argv[i] > startup && argv[i] < startup + PG;
        k_strlcpy(g_p.argv[i], (const char *)(uintptr_t)argv[i], sizeof(g_p.argv[i]));
    }
    g_p.argv_end = argv[sb->argc];
    const struct sos_startup_handle *hs = (const void *)(uintptr_t)sb->handles;
    for (uint32_t i = 0; i < sb->nhandles && i < 4; i++) {
        g_p.h[i] = hs[i];
        g_p.signal_result[i] = u_object_signal(hs[i].handle, 0, SOS_SIG_USER(i));
    }
    struct sos_info_process *pi = th_umem(sizeof(*pi));
    g_p.self_info = u_object_get_info(sb->self_process, SOS_INFO_PROCESS, pi, sizeof(*pi));
    g_p.self = *pi;
    struct sos_info_thread *ti = th_umem(sizeof(*ti));
    g_p.thread_info = u_object_get_info(sb->self_thread, SOS_INFO_THREAD, ti, sizeof(*ti));
    g_p.thread = *ti;
    const size_t hi = sizeof(struct sos_info_handle);
    g_p.stack_top_write = u_object_get_info(
        sb->self_process, SOS_INFO_HANDLE, (void *)(uintptr_t)(sb->stack_base + sb->stack_size - hi), hi);
    g_p.below_stack_write = u_object_get_info(
        sb->self_process, SOS_INFO_HANDLE, (void *)(uintptr_t)(sb->stack_base - hi), hi);
    g_p.block_write = u_object_get_info(sb->self_process, SOS_INFO_HANDLE, (void *)startup, hi);
    g_p.image_is_elf = memcmp((const void *)(uintptr_t)sb->image_base, "\x7f" "ELF", 4) == 0;
    u_process_exit(g_exit_code);
}

static void test_spawn_runs_and_exits_with_code(void **state)
{
    (void)state;
    g_p = (struct probe){0};
    g_exit_code = 42;
    th_user_main = probe_main;
    struct sp *s = sp_new(image());
    s->a.flags = SOS_SPAWN_WANT_THREAD;
    assert_int_equal(u_process_spawn(&s->a, &s->out), 0);
    assert_true(s->out != 0 && s->a.thread_out != 0);
    struct sos_info_handle hi = th_handle_info(s->out);
    assert_int_equal(hi.kind, SOS_OBJ_PROCESS);
    assert_int_equal(hi.rights, SOS_RIGHT_DUPLICATE | SOS_RIGHT_TRANSFER | SOS_RIGHT_WAIT |
                                    SOS_RIGHT_READ | SOS_RIGHT_MANAGE | SOS_RIGHT_SIGNAL);
    struct sos_info_handle ti = th_handle_info(s->a.thread_out);
    assert_int_equal(ti.kind, SOS_OBJ_THREAD);
    assert_int_equal(ti.related_koid, hi.koid); /* the thread belongs to the new process */
    assert_false(g_p.ran); /* same priority: it runs when we block */
    assert_int_equal(th_proc_info(s->out).state, SOS_PROC_RUNNING);
    th_wait_terminated(s->out);
    assert_true(g_p.ran);
    struct sos_info_process pi = th_proc_info(s->out);
    assert_int_equal(pi.state, SOS_PROC_EXITED);
    assert_int_equal(pi.exit_code, 42);
    assert_string_equal(pi.name, "child");
    assert_int_equal(pi.threads, 0);
    assert_int_equal(pi.handles, 0);
    assert_int_equal(pi.mapped_bytes, 0);
    assert_int_equal(pi.fault.fault_class, SOS_FAULT_NONE);
    th_wait_terminated(s->a.thread_out);
}

static void test_spawn_without_hook_exits_zero(void **state)
{
    (void)state;
    th_user_main = NULL; /* the image "returns" at once */
    struct sp *s = sp_new(image());
    assert_int_equal(u_process_spawn(&s->a, &s->out), 0);
    assert_int_equal(s->a.thread_out, 0); /* not asked for */
    th_wait_terminated(s->out);
    struct sos_info_process pi = th_proc_info(s->out);
    assert_int_equal(pi.state, SOS_PROC_EXITED);
    assert_int_equal(pi.exit_code, 0);
}

static void test_startup_block(void **state)
{
    (void)state;
    g_p = (struct probe){0};
    g_exit_code = 0;
    th_user_main = probe_main;
    struct sp *s = sp_new(image());
    k_strlcpy(s->name, "named-child", sizeof(s->name));
    memcpy(s->args, "alpha\0beta\0\0gamma", 17); /* no final NUL: still four args */
    s->a.args_len = 17;
    s->a.flags = SOS_SPAWN_WANT_THREAD;
    sos_handle_t e0 = th_event(), e1 = th_event();
    sos_handle_t k0 = th_dup(e0, SOS_RIGHT_SAME_RIGHTS), k1 = th_dup(e1, SOS_RIGHT_SAME_RIGHTS);
    sp_handle(s, e0, "first");
    sp_handle(s, e1, "a-name-longer-than-twenty-three");
    assert_int_equal(u_process_spawn(&s->a, &s->out), 0);
    th_wait_terminated(s->out);
    assert_true(g_p.ran);
    const struct sos_startup *sb = &g_p.sb;
    assert_int_equal(sb->magic, SOS_STARTUP_MAGIC);
    assert_int_equal(sb->version, SOS_STARTUP_VERSION);
    assert_int_equal(sb->syscall_entry, (uint64_t)(uintptr_t)core_syscall);
    assert_true(sb->image_base != 0 && sb->image_base % PG == 0);
    assert_true(g_p.image_is_elf);
    assert_int_equal(sb->stack_size, 256u * 1024u);
    assert_int_equal(sb->stack_base % PG, 0);
    /* argv */
    assert_int_equal(sb->argc, 4);
    assert_true(g_p.argv_in_block);
    assert_string_equal(g_p.argv[0], "alpha");
    assert_string_equal(g_p.argv[1], "beta");
    assert_string_equal(g_p.argv[2], "");
    assert_string_equal(g_p.argv[3], "gamma");
    assert_int_equal(g_p.argv_end, 0);
    /* named handles, usable in the child */
    assert_int_equal(sb->nhandles, 2);
    assert_string_equal(g_p.h[0].name, "first");
    assert_string_equal(g_p.h[1].name, "a-name-longer-than-twen"); /* 23 bytes and NUL */
    assert_int_equal(g_p.signal_result[0], 0);
    assert_int_equal(g_p.signal_result[1], 0);
    sos_signals_t *obs = th_umem(sizeof(*obs));
    assert_int_equal(u_object_wait_one(k0, SOS_SIG_USER(0), 0, obs), 0);
    assert_int_equal(u_object_wait_one(k1, SOS_SIG_USER(1), 0, obs), 0);
    /* self handles */
    assert_int_equal(g_p.self_info, (int64_t)sizeof(struct sos_info_process));
    assert_string_equal(g_p.self.name, "named-child");
    assert_int_equal(g_p.self.koid, th_handle_info(s->out).koid);
    assert_int_equal(g_p.self.threads, 1);
    assert_int_equal(g_p.self.handles, 4); /* self process, self thread, two given */
    assert_int_equal(g_p.thread_info, (int64_t)sizeof(struct sos_info_thread));
    assert_int_equal(g_p.thread.koid, th_handle_info(s->a.thread_out).koid);
    /* the stack is writable, the page below it and the startup block are not */
    assert_int_equal(g_p.stack_top_write, (int64_t)sizeof(struct sos_info_handle));
    assert_int_equal(g_p.below_stack_write, SOS_ERR_BAD_ADDRESS);
    assert_int_equal(g_p.block_write, SOS_ERR_BAD_ADDRESS);
}

static void test_argv_aligned_after_odd_handle_count(void **state)
{
    (void)state;
    g_p = (struct probe){0};
    g_exit_code = 0;
    th_user_main = probe_main;
    struct sp *s = sp_new(image());
    memcpy(s->args, "one\0two", 8);
    s->a.args_len = 8;
    sp_handle(s, th_event(), "odd"); /* 28-byte handle entries: 80 + 28 is not 8-aligned */
    assert_int_equal(u_process_spawn(&s->a, &s->out), 0);
    th_wait_terminated(s->out);
    assert_true(g_p.ran);
    assert_int_equal(g_p.sb.argv % 8, 0);
    assert_int_equal(g_p.sb.handles % 4, 0);
    assert_int_equal(g_p.sb.argc, 2);
    assert_string_equal(g_p.argv[0], "one");
    assert_string_equal(g_p.argv[1], "two");
    assert_string_equal(g_p.h[0].name, "odd");
}

static void test_no_args(void **state)
{
    (void)state;
    g_p = (struct probe){0};
    g_exit_code = 0;
    th_user_main = probe_main;
    struct sp *s = sp_new(image());
    s->a.args = NULL; /* nothing to read when args_len is 0 */
    assert_int_equal(u_process_spawn(&s->a, &s->out), 0);
    th_wait_terminated(s->out);
    assert_int_equal(g_p.sb.argc, 0);
    assert_int_equal(g_p.argv_end, 0);
    assert_int_equal(g_p.sb.nhandles, 0);
}

static void test_handles_move_out_of_parent(void **state)
{
    (void)state;
    th_user_main = NULL;
    struct sp *s = sp_new(image());
    sos_handle_t e = th_event();
    sos_handle_t keep = th_dup(e, SOS_RIGHT_SAME_RIGHTS);
    sos_handle_t *ch = th_umem(2 * sizeof(*ch));
    assert_int_equal(u_channel_create(0, ch), 0);
    sp_handle(s, e, "ev");
    sp_handle(s, ch[1], "chan");
    uint32_t before = th_proc_info(th_self()).handles;
    assert_int_equal(u_process_spawn(&s->a, &s->out), 0);
    /* two moved out, one process handle in */
    assert_int_equal(th_proc_info(th_self()).handles, before - 2 + 1);
    assert_int_equal(u_handle_close(e), SOS_ERR_BAD_HANDLE);
    assert_int_equal(u_handle_close(ch[1]), SOS_ERR_BAD_HANDLE);
    /* the objects live on in the child; when it ends, they close with it */
    assert_int_equal(u_object_wait_one(ch[0], SOS_SIG_PEER_CLOSED, 0, NULL), SOS_ERR_TIMED_OUT);
    th_wait_terminated(s->out);
    assert_int_equal(u_object_wait_one(ch[0], SOS_SIG_PEER_CLOSED, 0, NULL), 0);
    assert_int_equal(u_object_signal(keep, 0, SOS_SIG_SIGNALED), 0);
}

static void test_priority_and_name(void **state)
{
    (void)state;
    th_user_main = NULL;
    struct sp *s = sp_new(image());
    k_strlcpy(s->name, "0123456789012345678901234567890123456789", sizeof(s->name));
    s->a.priority = 7;
    s->a.flags = SOS_SPAWN_WANT_THREAD;
    assert_int_equal(u_process_spawn(&s->a, &s->out), 0);
    struct sos_info_thread *ti = th_umem(sizeof(*ti));
    assert_int_equal(u_object_get_info(s->a.thread_out, SOS_INFO_THREAD, ti, sizeof(*ti)),
                     (int64_t)sizeof(*ti));
    assert_int_equal(ti->priority, 7);
    assert_string_equal(th_proc_info(s->out).name, "0123456789012345678901234567890");
    th_wait_terminated(s->out);
}

static void test_higher_priority_child_runs_at_once(void **state)
{
    (void)state;
    g_p = (struct probe){0};
    g_exit_code = 5;
    th_user_main = probe_main;
    struct sp *s = sp_new(image());
    s->a.priority = SOS_PRIO_MAX;
    assert_int_equal(u_process_spawn(&s->a, &s->out), 0);
    assert_true(g_p.ran); /* it preempted us on the way out of the spawn call */
    assert_int_equal(th_proc_info(s->out).state, SOS_PROC_EXITED);
    assert_int_equal(th_proc_info(s->out).exit_code, 5);
}

static void test_spawn_leaves_no_trace(void **state)
{
    (void)state;
    th_user_main = NULL;
    struct sp *s = sp_new(image());
    for (int i = 0; i < 3; i++) { /* warm up */
        assert_int_equal(u_process_spawn(&s->a, &s->out), 0);
        th_wait_terminated(s->out);
        assert_int_equal(u_handle_close(s->out), 0);
    }
    struct th_counts before;
    th_counts(&before);
    for (int i = 0; i < 50; i++) {
        s->a.flags = (uint32_t)(i & 1);
        assert_int_equal(u_process_spawn(&s->a, &s->out), 0);
        th_wait_terminated(s->out);
        assert_int_equal(u_handle_close(s->out), 0);
        if (i & 1)
            assert_int_equal(u_handle_close(s->a.thread_out), 0);
    }
    th_assert_counts(&before);
}

/* ---- refusals: nothing moves, nothing leaks, nothing is written out */

static void expect_refused(struct sp *s, int64_t err, const sos_handle_t *kept, unsigned nkept)
{
    th_user_main = NULL;
    struct th_counts before;
    uint32_t nh = th_proc_info(th_self()).handles;
    th_counts(&before);
    s->out = 0;
    s->a.thread_out = 0;
    assert_int_equal(u_process_spawn(&s->a, &s->out), err);
    th_assert_counts(&before);
    assert_int_equal(s->out, 0);
    assert_int_equal(s->a.thread_out, 0);
    assert_int_equal(th_proc_info(th_self()).handles, nh);
    for (unsigned i = 0; i < nkept; i++) /* still ours */
        th_handle_info(kept[i]);
}

/* A spawn carrying two events, which must stay with the parent when it fails. */
static struct sp *sp_with_events(sos_handle_t img, sos_handle_t *ev)
{
    struct sp *s = sp_new(img);
    ev[0] = th_event();
    ev[1] = th_event();
    sp_handle(s, ev[0], "a");
    sp_handle(s, ev[1], "b");
    s->a.flags = SOS_SPAWN_WANT_THREAD;
    return s;
}

static void test_refuses_non_elf(void **state)
{
    (void)state;
    sos_handle_t ev[2];
    sos_handle_t *v = th_umem(sizeof(*v));
    assert_int_equal(u_vmo_create(2 * PG, 0, v), 0);
    uint8_t *junk = th_umem(64);
    memcpy(junk, "#!/bin/sh\necho not an ELF file\n", 31);
    assert_int_equal(u_vmo_write(*v, junk, 0, 64), 0);
    expect_refused(sp_with_events(*v, ev), SOS_ERR_BAD_FORMAT, ev, 2);
    assert_int_equal(u_vmo_create(0, 0, v), 0); /* an empty image */
    expect_refused(sp_with_events(*v, ev), SOS_ERR_BAD_FORMAT, ev, 2);
}

static void test_refuses_wrong_machine(void **state)
{
    (void)state;
    sos_handle_t ev[2];
    struct th_elf_opts o = {.machine = 3};
    expect_refused(sp_with_events(th_elf_vmo(&o, NULL), ev), SOS_ERR_NOT_SUPPORTED, ev, 2);
    o.machine = hal_elf_machine() == 62 ? 183 : 62;
    expect_refused(sp_with_events(th_elf_vmo(&o, NULL), ev), SOS_ERR_NOT_SUPPORTED, ev, 2);
}

static void test_refuses_et_exec(void **state)
{
    (void)state;
    sos_handle_t ev[2];
    struct th_elf_opts o = {.type = 2};
    expect_refused(sp_with_events(th_elf_vmo(&o, NULL), ev), SOS_ERR_NOT_SUPPORTED, ev, 2);
}

static void test_refuses_wx_segment(void **state)
{
    (void)state;
    sos_handle_t ev[2];
    struct th_elf_opts o = {.text_flags = 7}; /* PF_R | PF_W | PF_X */
    expect_refused(sp_with_events(th_elf_vmo(&o, NULL), ev), SOS_ERR_ACCESS_DENIED, ev, 2);
}

static void data_offset_past_end(uint8_t *b)
{
    struct t_phdr *ph = (struct t_phdr *)(void *)(b + T_PHOFF);
    ph[1].offset = 16 * PG;
    ph[1].vaddr = 16 * PG;
}

static void data_filesz_past_end(uint8_t *b)
{
    struct t_phdr *ph = (struct t_phdr *)(void *)(b + T_PHOFF);
    ph[1].filesz = 2 * PG; /* memsz is 2 pages, but the file ends after 1 */
}

static void test_refuses_segment_outside_file(void **state)
{
    (void)state;
    sos_handle_t ev[2];
    struct th_elf_opts o = {0};
    expect_refused(sp_with_events(patched_image(&o, data_offset_past_end), ev),
                   SOS_ERR_BAD_FORMAT, ev, 2);
    expect_refused(sp_with_events(patched_image(&o, data_filesz_past_end), ev),
                   SOS_ERR_BAD_FORMAT, ev, 2);
}

static void test_refuses_bad_relocation(void **state)
{
    (void)state;
    sos_handle_t ev[2];
    struct th_elf_opts o = {.nrelocs = 2, .bad_reloc_type = 1}; /* R_*_64: needs a symbol */
    expect_refused(sp_with_events(th_elf_vmo(&o, NULL), ev), SOS_ERR_NOT_SUPPORTED, ev, 2);
}

static void test_refuses_entry_outside_text(void **state)
{
    (void)state;
    sos_handle_t ev[2];
    struct th_elf_opts o = {.entry_off = PG}; /* lands in the data page */
    expect_refused(sp_with_events(th_elf_vmo(&o, NULL), ev), SOS_ERR_BAD_FORMAT, ev, 2);
    o.entry_off = (uint64_t)-0x1000; /* before the image */
    expect_refused(sp_with_events(th_elf_vmo(&o, NULL), ev), SOS_ERR_BAD_FORMAT, ev, 2);
}

static void test_refuses_bad_image_handle(void **state)
{
    (void)state;
    sos_handle_t ev[2];
    sos_handle_t img = image();
    expect_refused(sp_with_events(th_dup(img, SOS_RIGHT_MAP), ev), SOS_ERR_ACCESS_DENIED, ev, 2);
    sos_handle_t e = th_event();
    expect_refused(sp_with_events(e, ev), SOS_ERR_WRONG_TYPE, ev, 2);
    expect_refused(sp_with_events(0x6543, ev), SOS_ERR_BAD_HANDLE, ev, 2);
}

static void test_refuses_too_many_handles(void **state)
{
    (void)state;
    struct sp *s = sp_new(image());
    static sos_handle_t ev[SOS_SPAWN_MAX_HANDLES + 1];
    for (unsigned i = 0; i <= SOS_SPAWN_MAX_HANDLES; i++) {
        ev[i] = th_event();
        sp_handle(s, ev[i], "e");
    }
    expect_refused(s, SOS_ERR_INVALID_ARGS, ev, SOS_SPAWN_MAX_HANDLES + 1);
    /* exactly the maximum is fine */
    s->a.nhandles = SOS_SPAWN_MAX_HANDLES;
    th_user_main = NULL;
    assert_int_equal(u_process_spawn(&s->a, &s->out), 0);
    assert_int_equal(u_handle_close(ev[0]), SOS_ERR_BAD_HANDLE);
    assert_int_equal(u_handle_close(ev[SOS_SPAWN_MAX_HANDLES]), 0);
    th_wait_terminated(s->out);
}

static void test_refuses_duplicate_handles(void **state)
{
    (void)state;
    sos_handle_t ev[2];
    struct sp *s = sp_with_events(image(), ev);
    sp_handle(s, ev[0], "again");
    expect_refused(s, SOS_ERR_INVALID_ARGS, ev, 2);
}

static void test_refuses_handle_without_transfer(void **state)
{
    (void)state;
    sos_handle_t ev[3];
    struct sp *s = sp_with_events(image(), ev);
    ev[2] = th_dup(ev[1], SOS_RIGHT_WAIT | SOS_RIGHT_SIGNAL);
    sp_handle(s, ev[2], "no-transfer");
    expect_refused(s, SOS_ERR_ACCESS_DENIED, ev, 3);
}

static void test_refuses_bad_handle_in_list(void **state)
{
    (void)state;
    sos_handle_t ev[2];
    struct sp *s = sp_with_events(image(), ev);
    sp_handle(s, 0x7abc, "bogus");
    expect_refused(s, SOS_ERR_BAD_HANDLE, ev, 2);
    s->a.nhandles = 2;
    sos_handle_t stale = th_event();
    assert_int_equal(u_handle_close(stale), 0);
    sp_handle(s, stale, "stale");
    expect_refused(s, SOS_ERR_BAD_HANDLE, ev, 2);
}

static void test_refuses_bad_pointers(void **state)
{
    (void)state;
    sos_handle_t ev[2];
    struct sp *s = sp_with_events(image(), ev);
    th_user_main = NULL;
    sos_handle_t *rv = th_umem(sizeof(*rv));
    struct sos_vm_map *m = th_umem(sizeof(*m));
    struct th_counts before;
    th_counts(&before);
    /* the argument block itself: missing, not user memory, or read-only */
    assert_int_equal(u_process_spawn(NULL, &s->out), SOS_ERR_BAD_ADDRESS);
    struct sos_spawn_args local = s->a;
    assert_int_equal(u_process_spawn(&local, &s->out), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_vmo_create(PG, 0, rv), 0);
    assert_int_equal(u_vmo_write(*rv, &s->a, 0, sizeof(s->a)), 0);
    *m = (struct sos_vm_map){.process = th_self(), .vmo = *rv, .len = PG, .prot = SOS_VM_READ};
    assert_int_equal(u_vm_map(m), 0);
    assert_int_equal(u_process_spawn((struct sos_spawn_args *)(uintptr_t)m->addr, &s->out),
                     SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_vm_unmap(th_self(), m->addr, PG), 0);
    assert_int_equal(u_handle_close(*rv), 0);
    th_assert_counts(&before);
    th_handle_info(ev[0]);
    th_handle_info(ev[1]);
    assert_int_equal(s->out, 0);
}

static void test_refuses_bad_pointers_inside(void **state)
{
    (void)state;
    sos_handle_t ev[2];
    sos_handle_t img = image();
    uint8_t *edge = th_umem(PG);
    struct sp *s;

    s = sp_with_events(img, ev);
    s->a.name = NULL;
    expect_refused(s, SOS_ERR_BAD_ADDRESS, ev, 2);
    s = sp_with_events(img, ev);
    memset(edge, 'x', PG); /* a name that runs off the end of its mapping */
    s->a.name = (const char *)(edge + PG - 4);
    expect_refused(s, SOS_ERR_BAD_ADDRESS, ev, 2);
    s = sp_with_events(img, ev);
    s->a.args = (const char *)(uintptr_t)0x2000;
    s->a.args_len = 4;
    expect_refused(s, SOS_ERR_BAD_ADDRESS, ev, 2);
    s = sp_with_events(img, ev);
    s->a.args = (const char *)(edge + PG - 2);
    s->a.args_len = 4;
    expect_refused(s, SOS_ERR_BAD_ADDRESS, ev, 2);
    s = sp_with_events(img, ev);
    s->a.handles = (const struct sos_spawn_handle *)(uintptr_t)0x3000;
    expect_refused(s, SOS_ERR_BAD_ADDRESS, ev, 2);
    s = sp_with_events(img, ev);
    s->a.handles = (const struct sos_spawn_handle *)(void *)(edge + PG - 40);
    expect_refused(s, SOS_ERR_BAD_ADDRESS, ev, 2);
}

static void test_refuses_bad_out(void **state)
{
    (void)state;
    sos_handle_t ev[2];
    struct sp *s = sp_with_events(image(), ev);
    struct th_counts before;
    th_counts(&before);
    sos_handle_t local;
    assert_int_equal(u_process_spawn(&s->a, NULL), SOS_ERR_BAD_ADDRESS);
    assert_int_equal(u_process_spawn(&s->a, &local), SOS_ERR_BAD_ADDRESS);
    th_assert_counts(&before);
    th_handle_info(ev[0]);
    th_handle_info(ev[1]);
}

static void test_refuses_bad_numbers(void **state)
{
    (void)state;
    sos_handle_t ev[2];
    struct sp *s = sp_with_events(image(), ev);
    s->a.args_len = SOS_SPAWN_MAX_ARGS_BYTES + 1;
    expect_refused(s, SOS_ERR_INVALID_ARGS, ev, 2);
    s = sp_with_events(image(), ev);
    s->a.priority = SOS_PRIO_MAX + 1;
    expect_refused(s, SOS_ERR_INVALID_ARGS, ev, 2);
    s = sp_with_events(image(), ev);
    s->a.flags = 2;
    expect_refused(s, SOS_ERR_INVALID_ARGS, ev, 2);
    /* the longest argument block is fine */
    s = sp_with_events(image(), ev);
    memset(s->args, 'a', SOS_SPAWN_MAX_ARGS_BYTES);
    s->a.args_len = SOS_SPAWN_MAX_ARGS_BYTES;
    th_user_main = NULL;
    assert_int_equal(u_process_spawn(&s->a, &s->out), 0);
    th_wait_terminated(s->out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TH_TEST(test_spawn_runs_and_exits_with_code),
        TH_TEST(test_spawn_without_hook_exits_zero),
        TH_TEST(test_startup_block),
        TH_TEST(test_argv_aligned_after_odd_handle_count),
        TH_TEST(test_no_args),
        TH_TEST(test_handles_move_out_of_parent),
        TH_TEST(test_priority_and_name),
        TH_TEST(test_higher_priority_child_runs_at_once),
        TH_TEST(test_spawn_leaves_no_trace),
        TH_TEST(test_refuses_non_elf),
        TH_TEST(test_refuses_wrong_machine),
        TH_TEST(test_refuses_et_exec),
        TH_TEST(test_refuses_wx_segment),
        TH_TEST(test_refuses_segment_outside_file),
        TH_TEST(test_refuses_bad_relocation),
        TH_TEST(test_refuses_entry_outside_text),
        TH_TEST(test_refuses_bad_image_handle),
        TH_TEST(test_refuses_too_many_handles),
        TH_TEST(test_refuses_duplicate_handles),
        TH_TEST(test_refuses_handle_without_transfer),
        TH_TEST(test_refuses_bad_handle_in_list),
        TH_TEST(test_refuses_bad_pointers),
        TH_TEST(test_refuses_bad_pointers_inside),
        TH_TEST(test_refuses_bad_out),
        TH_TEST(test_refuses_bad_numbers),
    };
    return TH_RUN(tests);
}
