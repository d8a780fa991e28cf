/*
 * core/syscall_test.c - the syscall table: unknown numbers, and for every syscall in
 * sos/syscalls.def bad handles, wrong-type handles, missing rights and bad pointers,
 * each with its exact error and without leaving anything behind.
 *
 * The table names arguments by token (a handle of some kind, a kind of bad pointer);
 * the tokens are made into real values in each test's fresh process.
 */
#include "th.h"

#include "fmt.h"
#include "lib/kstring.h"
#include "mm/vmo.h"
#include "proc/process.h"
#include "proc/thread.h"

extern void (*th_user_main)(uintptr_t startup); /* the test HAL's user-mode hook */

#define PG 4096u
#define TOK(n) (0xf00d000000000000ull | (uint64_t)(n))
#define IS_TOK(x) (((x) >> 48) == 0xf00d)

enum {
    T_BAD = 1,     /* a value no handle ever had here */
    T_STALE,       /* a closed handle */
    T_EVENT,
    T_CHAN,
    T_PORT,
    T_VMO,
    T_TIMER,
    T_ROOT,
    T_ROOT_WEAK,   /* the root resource with WAIT only */
    T_THREAD,
    T_PROC,
    T_REVOKER,
    T_BUF,         /* a page of writable user memory */
    T_RO,          /* a page of read-only user memory */
    T_WILD,        /* unmapped */
    T_EDGE,        /* 2 bytes before the end of a mapping */
    T_EDGE4,       /* 4 bytes before the end of a mapping */
    T_MAP_BADPROC, /* struct sos_vm_map naming a bad process handle */
    T_MAP_EVPROC,  /* ... an event as the process */
    T_MAP_EVVMO,   /* ... an event as the vmo */
    T_MAP_RO,      /* a good struct sos_vm_map in read-only memory */
    T_SPAWN_EVIMG, /* struct sos_spawn_args with an event as the image */
    T_SPAWN_BADIMG,
    T_NTOK
};

#define BAD TOK(T_BAD)
#define STALE TOK(T_STALE)
#define EVENT TOK(T_EVENT)
#define CHAN TOK(T_CHAN)
#define PORT TOK(T_PORT)
#define VMO TOK(T_VMO)
#define TIMER TOK(T_TIMER)
#define ROOT TOK(T_ROOT)
#define ROOT_WEAK TOK(T_ROOT_WEAK)
#define THREAD TOK(T_THREAD)
#define PROC TOK(T_PROC)
#define REVOKER TOK(T_REVOKER)
#define BUF TOK(T_BUF)
#define RO TOK(T_RO)
#define WILD TOK(T_WILD)
#define EDGE TOK(T_EDGE)
#define EDGE4 TOK(T_EDGE4)

#define E_HANDLE SOS_ERR_BAD_HANDLE
#define E_TYPE SOS_ERR_WRONG_TYPE
#define E_ADDR SOS_ERR_BAD_ADDRESS
#define E_DENIED SOS_ERR_ACCESS_DENIED
#define SAME SOS_RIGHT_SAME_RIGHTS

struct row {
    uint64_t nr;
    const char *name;
    uint64_t a[5];
    int64_t want;
};

#define R(name, a0, a1, a2, a3, a4, want) {SOS_SYS_##name, #name, {a0, a1, a2, a3, a4}, want}

static const struct row g_rows[] = {
    R(debug_write, 0, 5, 0, 0, 0, E_ADDR),
    R(debug_write, WILD, 5, 0, 0, 0, E_ADDR),
    R(debug_write, EDGE, 8, 0, 0, 0, E_ADDR),
    R(handle_close, BAD, 0, 0, 0, 0, E_HANDLE),
    R(handle_close, STALE, 0, 0, 0, 0, E_HANDLE),
    R(handle_duplicate, BAD, SAME, BUF, 0, 0, E_HANDLE),
    R(handle_duplicate, EVENT, SAME, 0, 0, 0, E_ADDR),
    R(handle_duplicate, EVENT, SAME, RO, 0, 0, E_ADDR),
    R(handle_replace, STALE, SAME, BUF, 0, 0, E_HANDLE),
    R(handle_replace, EVENT, SAME, WILD, 0, 0, E_ADDR),
    R(handle_mint, BAD, REVOKER, SAME, BUF, 0, E_HANDLE),
    R(handle_mint, EVENT, BAD, SAME, BUF, 0, E_HANDLE),
    R(handle_mint, EVENT, PORT, SAME, BUF, 0, E_TYPE),
    R(handle_mint, EVENT, REVOKER, SAME, 0, 0, E_ADDR),
    R(revoker_create, 0, 0, 0, 0, 0, E_ADDR),
    R(revoker_create, RO, 0, 0, 0, 0, E_ADDR),
    R(revoker_revoke, BAD, 0, 0, 0, 0, E_HANDLE),
    R(revoker_revoke, EVENT, 0, 0, 0, 0, E_TYPE),
    R(object_signal, BAD, 0, SOS_SIG_USER(0), 0, 0, E_HANDLE),
    R(object_wait_one, BAD, SOS_SIG_SIGNALED, 0, 0, 0, E_HANDLE),
    R(object_wait_one, EVENT, SOS_SIG_SIGNALED, 0, WILD, 0, E_ADDR),
    R(object_wait_one, EVENT, SOS_SIG_SIGNALED, 0, RO, 0, E_ADDR),
    R(object_wait_async, BAD, PORT, 1, SOS_SIG_SIGNALED, 0, E_HANDLE),
    R(object_wait_async, EVENT, BAD, 1, SOS_SIG_SIGNALED, 0, E_HANDLE),
    R(object_wait_async, EVENT, EVENT, 1, SOS_SIG_SIGNALED, 0, E_TYPE),
    R(object_get_info, BAD, SOS_INFO_HANDLE, BUF, 64, 0, E_HANDLE),
    R(object_get_info, EVENT, SOS_INFO_HANDLE, 0, 64, 0, E_ADDR),
    R(object_get_info, EVENT, SOS_INFO_HANDLE, RO, 64, 0, E_ADDR),
    R(object_get_info, EVENT, SOS_INFO_HANDLE, EDGE4, 64, 0, E_ADDR),
    R(channel_create, 0, 0, 0, 0, 0, E_ADDR),
    R(channel_create, 0, EDGE4, 0, 0, 0, E_ADDR), /* room for one handle, not two */
    R(channel_write, BAD, BUF, 4, 0, 0, E_HANDLE),
    R(channel_write, EVENT, BUF, 4, 0, 0, E_TYPE),
    R(channel_write, CHAN, 0, 4, 0, 0, E_ADDR),
    R(channel_write, CHAN, BUF, 0, WILD, 1, E_ADDR),
    R(channel_read, BAD, BUF, 0, 0, 0, E_HANDLE),
    R(channel_read, EVENT, BUF, 0, 0, 0, E_TYPE),
    R(channel_read, CHAN, 0, 0, 0, 0, E_ADDR),
    R(channel_read, CHAN, RO, 0, 0, 0, E_ADDR),
    R(channel_call, BAD, 0, BUF, 0, 0, E_HANDLE),
    R(channel_call, PORT, 0, BUF, 0, 0, E_TYPE),
    R(channel_call, CHAN, 0, 0, 0, 0, E_ADDR),
    R(port_create, 0, 0, 0, 0, 0, E_ADDR),
    R(port_create, 0, WILD, 0, 0, 0, E_ADDR),
    R(port_wait, BAD, 0, BUF, 0, 0, E_HANDLE),
    R(port_wait, CHAN, 0, BUF, 0, 0, E_TYPE),
    R(port_wait, PORT, 0, 0, 0, 0, E_ADDR),
    R(port_wait, PORT, 0, RO, 0, 0, E_ADDR),
    R(port_queue, BAD, BUF, 0, 0, 0, E_HANDLE),
    R(port_queue, EVENT, BUF, 0, 0, 0, E_TYPE),
    R(port_queue, PORT, 0, 0, 0, 0, E_ADDR),
    R(port_queue, PORT, EDGE, 0, 0, 0, E_ADDR),
    R(event_create, 0, 0, 0, 0, 0, E_ADDR),
    R(event_create, 0, RO, 0, 0, 0, E_ADDR),
    R(timer_create, 0, 0, 0, 0, 0, E_ADDR),
    R(timer_create, 0, EDGE, 0, 0, 0, E_ADDR),
    R(timer_set, BAD, 0, 0, 0, 0, E_HANDLE),
    R(timer_set, EVENT, 0, 0, 0, 0, E_TYPE),
    R(timer_cancel, BAD, 0, 0, 0, 0, E_HANDLE),
    R(timer_cancel, VMO, 0, 0, 0, 0, E_TYPE),
    R(vmo_create, PG, 0, 0, 0, 0, E_ADDR),
    R(vmo_create, PG, 0, WILD, 0, 0, E_ADDR),
    R(vmo_read, BAD, BUF, 0, 8, 0, E_HANDLE),
    R(vmo_read, EVENT, BUF, 0, 8, 0, E_TYPE),
    R(vmo_read, VMO, 0, 0, 8, 0, E_ADDR),
    R(vmo_read, VMO, RO, 0, 8, 0, E_ADDR),
    R(vmo_write, BAD, BUF, 0, 8, 0, E_HANDLE),
    R(vmo_write, CHAN, BUF, 0, 8, 0, E_TYPE),
    R(vmo_write, VMO, WILD, 0, 8, 0, E_ADDR),
    R(vmo_get_size, BAD, BUF, 0, 0, 0, E_HANDLE),
    R(vmo_get_size, PORT, BUF, 0, 0, 0, E_TYPE),
    R(vmo_get_size, VMO, 0, 0, 0, 0, E_ADDR),
    R(vmo_set_size, BAD, PG, 0, 0, 0, E_HANDLE),
    R(vmo_set_size, EVENT, PG, 0, 0, 0, E_TYPE),
    R(vm_map, 0, 0, 0, 0, 0, E_ADDR),
    R(vm_map, WILD, 0, 0, 0, 0, E_ADDR),
    R(vm_map, TOK(T_MAP_RO), 0, 0, 0, 0, E_ADDR),
    R(vm_map, TOK(T_MAP_BADPROC), 0, 0, 0, 0, E_HANDLE),
    R(vm_map, TOK(T_MAP_EVPROC), 0, 0, 0, 0, E_TYPE),
    R(vm_map, TOK(T_MAP_EVVMO), 0, 0, 0, 0, E_TYPE),
    R(vm_unmap, BAD, 0x10000, PG, 0, 0, E_HANDLE),
    R(vm_unmap, EVENT, 0x10000, PG, 0, 0, E_TYPE),
    R(vm_protect, BAD, 0x10000, PG, SOS_VM_READ, 0, E_HANDLE),
    R(vm_protect, VMO, 0x10000, PG, SOS_VM_READ, 0, E_TYPE),
    R(process_spawn, 0, BUF, 0, 0, 0, E_ADDR),
    R(process_spawn, TOK(T_SPAWN_EVIMG), 0, 0, 0, 0, E_ADDR),
    R(process_spawn, TOK(T_SPAWN_EVIMG), BUF, 0, 0, 0, E_TYPE),
    R(process_spawn, TOK(T_SPAWN_BADIMG), BUF, 0, 0, 0, E_HANDLE),
    R(process_kill, BAD, 0, 0, 0, 0, E_HANDLE),
    R(process_kill, THREAD, 0, 0, 0, 0, E_TYPE),
    R(process_kill, EVENT, 0, 0, 0, 0, E_TYPE),
    R(thread_create, 0, 0, 0, 0, 0, E_ADDR),
    R(thread_create, 0, 0, 0, RO, 0, E_ADDR),
    R(thread_create, 0, 0, 0, BUF, 0, SOS_ERR_INVALID_ARGS),
    R(thread_kill, BAD, 0, 0, 0, 0, E_HANDLE),
    R(thread_kill, PROC, 0, 0, 0, 0, E_TYPE),
    R(thread_yield, 0, 0, 0, 0, 0, 0),
    R(thread_sleep, 0, 0, 0, 0, 0, 0), /* a deadline long past */
    R(interrupt_create, BAD, 20, BUF, 0, 0, E_HANDLE),
    R(interrupt_create, EVENT, 20, BUF, 0, 0, E_TYPE),
    R(interrupt_create, ROOT_WEAK, 20, BUF, 0, 0, E_DENIED),
    R(interrupt_create, ROOT, 20, 0, 0, 0, E_ADDR),
    R(interrupt_ack, BAD, 0, 0, 0, 0, E_HANDLE),
    R(interrupt_ack, EVENT, 0, 0, 0, 0, E_TYPE),
    R(audit_read, BAD, 0, BUF, 1, 0, E_HANDLE),
    R(audit_read, EVENT, 0, BUF, 1, 0, E_TYPE),
    R(audit_read, ROOT_WEAK, 0, BUF, 1, 0, E_DENIED),
    R(audit_read, ROOT, 0, 0, 4, 0, E_ADDR),
    R(audit_read, ROOT, 0, EDGE, 1, 0, E_ADDR),
    R(system_power, BAD, SOS_POWER_OFF, 0, 0, 0, E_HANDLE),
    R(system_power, EVENT, SOS_POWER_OFF, 0, 0, 0, E_TYPE),
    R(system_power, ROOT_WEAK, SOS_POWER_OFF, 0, 0, 0, E_DENIED),
    R(fault_read, BAD, BUF, 1, 0, 0, E_HANDLE),
    R(fault_read, VMO, BUF, 1, 0, 0, E_TYPE),
    R(fault_read, ROOT_WEAK, BUF, 1, 0, 0, E_DENIED),
    R(fault_read, ROOT, 0, 4, 0, 0, E_ADDR),
    R(console_read, BAD, BUF, 8, 0, 0, E_HANDLE),
    R(console_read, EVENT, BUF, 8, 0, 0, E_TYPE),
    R(console_read, ROOT_WEAK, BUF, 8, 0, 0, E_DENIED),
    R(console_read, ROOT, 0, 8, 0, 0, E_ADDR),
    R(console_read, ROOT, RO, 8, 0, 0, E_ADDR),
    R(thread_set_priority, BAD, 1, 0, 0, 0, E_HANDLE),
    R(thread_set_priority, EVENT, 1, 0, 0, 0, E_TYPE),
    R(device_open, BAD, SOS_DEV_BLOCK, 0, BUF, 0, E_HANDLE),
    R(device_open, EVENT, SOS_DEV_BLOCK, 0, BUF, 0, E_TYPE),
    R(device_open, ROOT_WEAK, SOS_DEV_BLOCK, 0, BUF, 0, E_DENIED),
    R(device_open, ROOT, 99, 0, BUF, 0, SOS_ERR_INVALID_ARGS),
    R(device_open, ROOT, SOS_DEV_BLOCK, 0, RO, 0, E_ADDR),
    R(device_open, ROOT, SOS_DEV_BLOCK, 0, BUF, 0, SOS_ERR_NOT_FOUND), /* the test HAL has none */
    R(device_io, BAD, BUF, 0, 0, 0, SOS_ERR_INVALID_ARGS), /* op 0, checked first */
    R(device_io, BAD, 0, 0, 0, 0, E_ADDR),
    R(device_io, EVENT, WILD, 0, 0, 0, E_ADDR),
    R(entropy_read, WILD, 8, 0, 0, 0, E_ADDR),
    R(entropy_read, RO, 8, 0, 0, 0, E_ADDR),
    R(entropy_read, EDGE, 8, 0, 0, 0, E_ADDR),
    R(entropy_read, BUF, 257, 0, 0, 0, SOS_ERR_OUT_OF_RANGE),
    R(device_buffer, BAD, BUF, 0, 0, 0, E_HANDLE),
    R(device_buffer, EVENT, BUF, 0, 0, 0, E_TYPE),
    R(process_fault_read, BAD, 0, 0, BUF, 8, E_HANDLE),
    R(process_fault_read, EVENT, 0, 0, BUF, 8, E_TYPE),
    R(process_fault_read, PROC, 0, 0, WILD, 8, E_ADDR),
    R(process_fault_read, PROC, 0, 0, RO, 8, E_ADDR),
    R(process_fault_read, PROC, 0, 0, BUF, 8, SOS_ERR_NOT_FOUND), /* it never faulted */
};
#define NROWS (sizeof(g_rows) / sizeof(g_rows[0]))

/* Calls that take no handle and no pointer: nothing to get wrong but tested elsewhere. */
static const uint64_t g_no_inputs[] = {SOS_SYS_clock_get, SOS_SYS_process_exit,
                                       SOS_SYS_thread_exit};

/* ---- tokens */

static uint64_t g_tok[T_NTOK];

static sos_handle_t make(int64_t (*create)(uint32_t, sos_handle_t *))
{
    sos_handle_t *h = th_umem(sizeof(*h));
    assert_int_equal(create(0, h), 0);
    return *h;
}

static void parks(void *p)
{
    u_object_wait_one(*(sos_handle_t *)p, SOS_SIG_SIGNALED, SOS_TIME_INFINITE, NULL);
}

static void *ro_page(const void *content, size_t len)
{
    sos_handle_t *v = th_umem(sizeof(*v));
    assert_int_equal(u_vmo_create(PG, 0, v), 0);
    if (len) {
        void *tmp = th_umem(len); /* vmo_write copies from user memory */
        memcpy(tmp, content, len);
        assert_int_equal(u_vmo_write(*v, tmp, 0, len), 0);
    }
    struct sos_vm_map *m = th_umem(sizeof(*m));
    *m = (struct sos_vm_map){.process = th_self(), .vmo = *v, .len = PG, .prot = SOS_VM_READ};
    assert_int_equal(u_vm_map(m), 0);
    return (void *)(uintptr_t)m->addr;
}

static void make_tokens(void)
{
    static sos_handle_t park_ev;
    sos_handle_t *h = th_umem(4 * sizeof(*h));
    g_tok[T_BAD] = 0x7ff001;
    g_tok[T_STALE] = make(u_event_create);
    assert_int_equal(u_handle_close((sos_handle_t)g_tok[T_STALE]), 0);
    g_tok[T_EVENT] = make(u_event_create);
    assert_int_equal(u_channel_create(0, h), 0);
    g_tok[T_CHAN] = h[0];
    g_tok[T_PORT] = make(u_port_create);
    g_tok[T_TIMER] = make(u_timer_create);
    assert_int_equal(u_vmo_create(PG, 0, &h[2]), 0);
    g_tok[T_VMO] = h[2];
    g_tok[T_ROOT] = th_root();
    assert_int_equal(u_handle_duplicate(th_root(), SOS_RIGHT_WAIT, &h[3]), 0);
    g_tok[T_ROOT_WEAK] = h[3];
    park_ev = make(u_event_create);
    g_tok[T_THREAD] = th_thread(parks, &park_ev);
    g_tok[T_PROC] = th_self();
    assert_int_equal(u_revoker_create(h), 0);
    g_tok[T_REVOKER] = h[0];
    g_tok[T_BUF] = (uintptr_t)th_umem(PG);
    g_tok[T_RO] = (uintptr_t)ro_page(NULL, 0);
    g_tok[T_WILD] = 0x3000;
    uint8_t *edge = th_umem(PG);
    g_tok[T_EDGE] = (uintptr_t)(edge + PG - 2);
    g_tok[T_EDGE4] = (uintptr_t)(edge + PG - 4);

    struct sos_vm_map *m = th_umem(4 * sizeof(*m));
    struct sos_vm_map good = {th_self(), (sos_handle_t)g_tok[T_VMO], 0, PG, SOS_VM_READ, 0, 0};
    m[0] = good;
    m[0].process = (sos_handle_t)g_tok[T_BAD];
    m[1] = good;
    m[1].process = (sos_handle_t)g_tok[T_EVENT];
    m[2] = good;
    m[2].vmo = (sos_handle_t)g_tok[T_EVENT];
    g_tok[T_MAP_BADPROC] = (uintptr_t)&m[0];
    g_tok[T_MAP_EVPROC] = (uintptr_t)&m[1];
    g_tok[T_MAP_EVVMO] = (uintptr_t)&m[2];
    g_tok[T_MAP_RO] = (uintptr_t)ro_page(&good, sizeof(good));

    struct sos_spawn_args *s = th_umem(2 * sizeof(*s) + 8);
    char *name = (char *)(s + 2);
    memcpy(name, "x", 2);
    s[0] = (struct sos_spawn_args){.image = (sos_handle_t)g_tok[T_EVENT], .name = name};
    s[1] = s[0];
    s[1].image = (sos_handle_t)g_tok[T_BAD];
    g_tok[T_SPAWN_EVIMG] = (uintptr_t)&s[0];
    g_tok[T_SPAWN_BADIMG] = (uintptr_t)&s[1];
}

static uint64_t resolve(uint64_t x)
{
    if (!IS_TOK(x))
        return x;
    uint64_t t = x & 0xffff;
    assert_true(t > 0 && t < T_NTOK);
    return g_tok[t];
}

/* ---- tests */

/* One row: the call fails exactly as listed, and leaves no object or handle behind. */
static void test_row(void **state)
{
    const struct row *r = *state;
    make_tokens();
    th_settle(); /* the parked thread is blocked */
    uint64_t a[5];
    for (int k = 0; k < 5; k++)
        a[k] = resolve(r->a[k]);
    struct th_counts before;
    th_counts(&before);
    int64_t got = core_syscall(r->nr, a[0], a[1], a[2], a[3], a[4]);
    if (got != r->want)
        fail_msg("%s returned %lld (%s), expected %lld (%s)", r->name, (long long)got,
                 sos_strerror((int)got), (long long)r->want, sos_strerror((int)r->want));
    th_assert_counts(&before);
}

static void test_every_syscall_has_a_row(void **state)
{
    (void)state;
    for (uint64_t nr = 0; nr < SOS_SYS_COUNT; nr++) {
        bool found = false;
        for (size_t i = 0; i < NROWS && !found; i++)
            found = g_rows[i].nr == nr;
        for (size_t i = 0; i < sizeof(g_no_inputs) / sizeof(g_no_inputs[0]) && !found; i++)
            found = g_no_inputs[i] == nr;
        if (!found)
            fail_msg("syscall %llu has no bad-input row", (unsigned long long)nr);
    }
    assert_int_equal(SOS_SYS_COUNT, 51); /* a new syscall needs rows here */
}

static void test_unknown_numbers(void **state)
{
    (void)state;
    static const uint64_t nrs[] = {SOS_SYS_COUNT, SOS_SYS_COUNT + 1, 100, 1000, 0x7fffffff,
                                   0xffffffff, 1ull << 32, (1ull << 32) | SOS_SYS_handle_close,
                                   1ull << 63, UINT64_MAX};
    sos_handle_t *h = th_umem(sizeof(*h));
    assert_int_equal(u_event_create(0, h), 0);
    struct th_counts before;
    th_counts(&before);
    for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++)
        assert_int_equal(core_syscall(nrs[i], *h, (uint64_t)(uintptr_t)h, 8, 0, 0),
                         SOS_ERR_BAD_SYSCALL);
    th_assert_counts(&before);
    /* the high-bit numbers were not taken as their low bits: the handle is still here */
    assert_int_equal(u_handle_close(*h), 0);
}

static void test_clock_get_ignores_arguments(void **state)
{
    (void)state;
    int64_t now = th_now();
    assert_int_equal(core_syscall(SOS_SYS_clock_get, 1, 2, 3, 4, 5), now);
    assert_int_equal(core_syscall(SOS_SYS_clock_get, UINT64_MAX, 0, UINT64_MAX, 0, 0), now);
}

static void test_syscalls_are_counted(void **state)
{
    (void)state;
    struct sos_info_kstats *k = th_umem(sizeof(*k));
    assert_int_equal(u_object_get_info(th_root(), SOS_INFO_KERNEL_STATS, k, sizeof(*k)),
                     (int64_t)sizeof(*k));
    uint64_t n0 = k->syscalls;
    for (int i = 0; i < 10; i++)
        u_clock_get();
    core_syscall(9999, 0, 0, 0, 0, 0); /* refused calls count too */
    assert_int_equal(u_object_get_info(th_root(), SOS_INFO_KERNEL_STATS, k, sizeof(*k)),
                     (int64_t)sizeof(*k));
    assert_int_equal(k->syscalls, n0 + 12);
}

/* In a process that was given nothing, every handle value of its parent is bad. */
static void uses_parent_values(void *p)
{
    const sos_handle_t *v = p;
    bool all_bad = true;
    for (int i = 0; i < 3; i++)
        all_bad &= u_object_signal(v[i], 0, SOS_SIG_USER(0)) == SOS_ERR_BAD_HANDLE &&
                   u_handle_close(v[i]) == SOS_ERR_BAD_HANDLE;
    u_process_exit(all_bad ? 0 : 1);
}

static void test_handle_values_are_per_process(void **state)
{
    (void)state;
    static sos_handle_t values[3];
    sos_handle_t *h = th_umem(sizeof(*h));
    assert_int_equal(u_event_create(0, h), 0);
    values[0] = *h;
    values[1] = th_root();
    values[2] = th_self();
    sos_handle_t c = th_spawn("other", uses_parent_values, values, NULL, 0);
    assert_int_equal(u_object_wait_one(c, SOS_SIG_TERMINATED, SOS_TIME_INFINITE, NULL), 0);
    struct sos_info_process *pi = th_umem(sizeof(*pi));
    assert_int_equal(u_object_get_info(c, SOS_INFO_PROCESS, pi, sizeof(*pi)), (int64_t)sizeof(*pi));
    assert_int_equal(pi->exit_code, 0);
    assert_int_equal(u_object_signal(*h, 0, SOS_SIG_SIGNALED), 0); /* still ours */
}

static void exits_thread(uintptr_t arg)
{
    (void)arg;
    u_thread_exit();
}

/* With no free slot, every call that would hand out a handle refuses, keeping nothing. */
static void test_full_handle_table(void **state)
{
    (void)state;
    th_user_main = exits_thread;
    sos_handle_t *h = th_umem(8 * sizeof(*h));
    struct sos_vm_map *m = th_umem(sizeof(*m));
    *m = (struct sos_vm_map){th_self(), th_vmo_all_rights(PG), 0, PG, SOS_VM_READ | SOS_VM_EXEC,
                             0, 0};
    assert_int_equal(u_vm_map(m), 0);
    uint64_t text = m->addr, stack = (uint64_t)(uintptr_t)th_umem(PG) + PG;
    struct sos_spawn_args *a = th_umem(sizeof(*a) + sizeof(struct sos_spawn_handle) + 8);
    struct sos_spawn_handle *sh = (struct sos_spawn_handle *)(a + 1);
    char *name = (char *)(sh + 1);
    memcpy(name, "full", 5);
    struct th_elf_opts o = {0};
    *a = (struct sos_spawn_args){.image = th_elf_vmo(&o, NULL), .name = name, .handles = sh};
    assert_int_equal(u_event_create(0, &h[1]), 0);
    assert_int_equal(u_revoker_create(&h[2]), 0);
    sos_handle_t keep = h[1], rev = h[2];

    int64_t r;
    unsigned n = 0;
    while ((r = u_event_create(0, h)) == 0)
        n++;
    assert_int_equal(r, SOS_ERR_NO_RESOURCES);
    assert_true(n > 16000);
    sos_handle_t last = h[0];
    struct th_counts before;
    th_counts(&before);
    assert_int_equal(u_event_create(0, h), SOS_ERR_NO_RESOURCES);
    assert_int_equal(u_timer_create(0, h), SOS_ERR_NO_RESOURCES);
    assert_int_equal(u_port_create(0, h), SOS_ERR_NO_RESOURCES);
    assert_int_equal(u_vmo_create(PG, 0, h), SOS_ERR_NO_RESOURCES);
    assert_int_equal(u_revoker_create(h), SOS_ERR_NO_RESOURCES);
    assert_int_equal(u_channel_create(0, h), SOS_ERR_NO_RESOURCES);
    assert_int_equal(u_interrupt_create(th_root(), 60, h), SOS_ERR_NO_RESOURCES);
    assert_int_equal(u_handle_duplicate(keep, SOS_RIGHT_SAME_RIGHTS, h), SOS_ERR_NO_RESOURCES);
    assert_int_equal(u_handle_mint(keep, rev, SOS_RIGHT_SAME_RIGHTS, h), SOS_ERR_NO_RESOURCES);
    assert_int_equal(u_thread_create(text, stack, 0, h), SOS_ERR_NO_RESOURCES);
    assert_int_equal(u_process_spawn(a, h), SOS_ERR_NO_RESOURCES);
    th_settle();
    th_assert_counts(&before);
    assert_int_equal(u_object_signal(keep, 0, SOS_SIG_USER(0)), 0); /* untouched */

    /* one slot free: a pair still does not fit, nor a process with its thread handle */
    assert_int_equal(u_handle_close(last), 0);
    assert_int_equal(u_channel_create(0, h), SOS_ERR_NO_RESOURCES);
    a->flags = SOS_SPAWN_WANT_THREAD;
    assert_int_equal(u_process_spawn(a, h), SOS_ERR_NO_RESOURCES);
    /* moving a handle into the child makes the room */
    sh[0] = (struct sos_spawn_handle){keep, "kept"};
    a->nhandles = 1;
    th_user_main = NULL;
    assert_int_equal(u_process_spawn(a, h), 0);
    assert_int_equal(u_object_wait_one(h[0], SOS_SIG_TERMINATED, SOS_TIME_INFINITE, NULL), 0);
    /* and the line the refused interrupt_create asked for is free */
    assert_int_equal(u_handle_close(h[0]), 0);
    assert_int_equal(u_handle_close(a->thread_out), 0);
    assert_int_equal(u_interrupt_create(th_root(), 60, h), 0);
}

int main(void)
{
    static struct CMUnitTest tests[NROWS + 8];
    static char names[NROWS][80];
    size_t n = 0;
    for (size_t i = 0; i < NROWS; i++) {
        const struct row *r = &g_rows[i];
        k_snprintf(names[i], sizeof(names[i]), "%s #%zu: %s", r->name, i, sos_strerror((int)r->want));
        tests[n++] = (struct CMUnitTest){names[i], test_row, th_setup, th_teardown, (void *)r};
    }
    const struct CMUnitTest more[] = {
        TH_TEST(test_every_syscall_has_a_row),
        TH_TEST(test_unknown_numbers),
        TH_TEST(test_clock_get_ignores_arguments),
        TH_TEST(test_syscalls_are_counted),
        TH_TEST(test_handle_values_are_per_process),
        TH_TEST(test_full_handle_table),
    };
    for (size_t i = 0; i < sizeof(more) / sizeof(more[0]); i++)
        tests[n++] = more[i];
    return _cmocka_run_group_tests("syscall", tests, n, th_group_setup, th_group_teardown);
}
