/*
 * core/syscall.c - the syscall table and core_syscall, the one way in from user code.
 *
 * The table comes from sos/syscalls.def: each entry unpacks the raw argument words into
 * the handler's typed parameters. core_syscall takes the core lock, dispatches, runs
 * the kernel-exit checks (kill, preemption) and releases the lock.
 *
 * Layer: core syscalls.
 */
#include "calls/calls.h"

typedef int64_t (*sys_fn)(const uint64_t *a);

#define A(i, t) ((t)a[i])
#define SOS_SYSCALL0(nr, name) \
    static int64_t d_##name(const uint64_t *a) { (void)a; return sys_##name(); }
#define SOS_SYSCALL1(nr, name, t0, a0) \
    static int64_t d_##name(const uint64_t *a) { return sys_##name(A(0, t0)); }
#define SOS_SYSCALL2(nr, name, t0, a0, t1, a1) \
    static int64_t d_##name(const uint64_t *a) { return sys_##name(A(0, t0), A(1, t1)); }
#define SOS_SYSCALL3(nr, name, t0, a0, t1, a1, t2, a2)                                \
    static int64_t d_##name(const uint64_t *a)                                        \
    {                                                                                 \
        return sys_##name(A(0, t0), A(1, t1), A(2, t2));                              \
    }
#define SOS_SYSCALL4(nr, name, t0, a0, t1, a1, t2, a2, t3, a3)                        \
    static int64_t d_##name(const uint64_t *a)                                        \
    {                                                                                 \
        return sys_##name(A(0, t0), A(1, t1), A(2, t2), A(3, t3));                    \
    }
#define SOS_SYSCALL5(nr, name, t0, a0, t1, a1, t2, a2, t3, a3, t4, a4)                \
    static int64_t d_##name(const uint64_t *a)                                        \
    {                                                                                 \
        return sys_##name(A(0, t0), A(1, t1), A(2, t2), A(3, t3), A(4, t4));          \
    }
#include <sos/syscalls.def>
#undef SOS_SYSCALL0
#undef SOS_SYSCALL1
#undef SOS_SYSCALL2
#undef SOS_SYSCALL3
#undef SOS_SYSCALL4
#undef SOS_SYSCALL5

#define SOS_SYSCALL0(nr, name) [nr] = d_##name,
#define SOS_SYSCALL1(nr, name, ...) [nr] = d_##name,
#define SOS_SYSCALL2(nr, name, ...) [nr] = d_##name,
#define SOS_SYSCALL3(nr, name, ...) [nr] = d_##name,
#define SOS_SYSCALL4(nr, name, ...) [nr] = d_##name,
#define SOS_SYSCALL5(nr, name, ...) [nr] = d_##name,
static const sys_fn g_table[SOS_SYS_COUNT] = {
#include <sos/syscalls.def>
};

int64_t core_syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                     uint64_t a4)
{
    const uint64_t a[5] = {a0, a1, a2, a3, a4};
    klock_acquire();
    g_kstats.syscalls++;
    int64_t r = nr < SOS_SYS_COUNT && g_table[nr] ? g_table[nr](a) : SOS_ERR_BAD_SYSCALL;
    thread_kernel_exit();
    klock_release();
    return r;
}
