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

#define SOS_ARG(i, t) ((t)a[i])
#define SOS_SYSCALL(nr, name, nargs, params, words, casts, ...) \
    static int64_t d_##name(const uint64_t *a) { (void)a; return sys_##name casts; }
#include <sos/syscall_expand.h>

#define SOS_SYSCALL(nr, name, ...) [nr] = d_##name,
static const sys_fn g_table[SOS_SYS_COUNT] = {
#include <sos/syscall_expand.h>
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
