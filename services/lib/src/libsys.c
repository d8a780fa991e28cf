/*
 * services/lib/src/libsys.c - the syscall wrappers, generated from sos/syscalls.def.
 *
 * Each wrapper widens its arguments to uint64_t and calls the entry from the startup
 * block: int64_t entry(nr, a0, a1, a2, a3, a4) with the platform's C convention.
 *
 * Layer: services/lib (libsys).
 */
#include <sl/sys.h>

extern sos_syscall_fn __sl_syscall_entry;

#define E(nr, a, b, c, d, e) return __sl_syscall_entry((nr), (a), (b), (c), (d), (e))

#define SOS_UPTR(T) T
#define SOS_SYSCALL(nr, name, nargs, params, words, ...) \
    int64_t sos_##name params { E words; }
#include <sos/syscall_expand.h>

int64_t sos_syscall_raw(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                        uint64_t a4)
{
    E(nr, a0, a1, a2, a3, a4);
}

sos_time_t sos_deadline_after(sos_time_t ns)
{
    sos_time_t now = sos_clock_get();
    if (ns < 0)
        return now;
    return ns >= SOS_TIME_INFINITE - now ? SOS_TIME_INFINITE : now + ns;
}
