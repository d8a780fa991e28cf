/*
 * hal-hosted/host/relax.c - what a vCPU does while it spins on a core lock.
 *
 * A vCPU is a host thread, and the host may run more vCPU threads than it has cores
 * (--cpus 4 on a loaded 2-core machine). The core's lock is a ticket lock: only the
 * thread holding the next ticket can go on, and if the host has descheduled it, a
 * waiter that only executes `pause` burns its whole host time slice for nothing. Every
 * lock handoff then costs host time slices (about 20 ms measured with four threads on
 * one core) and the simulator crawls: boot took over 30 s with all vCPUs spinning in
 * klock_acquire. So a waiter pauses a few times (a holder running on another core
 * releases within that) and then gives its core to whoever the host runs next.
 *
 * Layer: hal-hosted, host world (libc only).
 */
#define _GNU_SOURCE
#include "host.h"

#include <sched.h>

#define SPINS_BEFORE_YIELD 64u

void host_cpu_relax(void)
{
    static __thread unsigned spins;
    if (++spins % SPINS_BEFORE_YIELD == 0)
        sched_yield();
    else
        __builtin_ia32_pause();
}
