/*
 * core/kernel.h - what every core file needs: the HAL, the ABI, the core library,
 * locks, per-CPU state, assertions and kprintf.
 *
 * Locking model: one core lock (g_klock) guards all object state, handle tables and
 * wait queues; it is held from kernel entry (syscall, interrupt, fault) to kernel exit
 * and is handed over across context switches (the thread switched to resumes holding
 * it). Run queues have their own per-CPU locks so another CPU can be woken cheaply.
 * Core code never runs with interrupts enabled, so it is never preempted.
 *
 * Layer: core.
 */
#ifndef CORE_KERNEL_H
#define CORE_KERNEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sos/sos.h>

#include "hal.h"
#include "fmt.h"
#include "lib/kstring.h"
#include "lib/list.h"

#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((a) - 1)) == 0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define PAGE_SIZE HAL_PAGE_SIZE
#define PAGE_SHIFT 12

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define ASSERT(cond)                                                               \
    do {                                                                           \
        if (unlikely(!(cond)))                                                     \
            panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__);     \
    } while (0)

/* kprintf writes to the HAL console. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);

/* ---- spinlocks (ticket locks) */
struct spinlock {
    volatile uint32_t next;
    volatile uint32_t owner;
    int holder_cpu; /* -1 when free; for assertions */
};
#define SPINLOCK_INIT { 0, 0, -1 }

void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);
bool spin_held(const struct spinlock *l);

extern struct spinlock g_klock;
void klock_acquire(void);
void klock_release(void);
#define KLOCK_HELD() ASSERT(spin_held(&g_klock))

/* ---- per-CPU state */
struct thread;
struct runq;

struct cpu {
    unsigned id;
    bool online;
    struct thread *current;
    struct thread *idle;
    struct thread *zombie;   /* a dead thread whose stack is freed after the switch */
    bool need_resched;
    bool ipc_handoff;        /* a channel_call is delivering: run the woken server next */
    struct list_node timers; /* struct ktimer_node, sorted by deadline */
    int64_t armed_deadline;
    uint64_t switches;
    int64_t busy_since;
    struct ipc_counts { /* channel messages delivered by this CPU (ipc/channel.c) */
        uint64_t messages, bytes, handles;
    } ipc;
};

extern struct cpu g_cpus[HAL_MAX_CPUS];
/*
 * This CPU. While g_klock is held, the CPU running core code is its holder: no core
 * code runs on any CPU without g_klock once more than one CPU runs (the rule heap.c
 * relies on too), and the lock stays held across a switch on the same CPU. So the
 * holder's id recorded by klock_acquire is this CPU's, and the hot paths (about 40
 * calls per IPC round trip) skip the HAL call. With the lock free (unit tests, early
 * boot) ask the HAL.
 */
static inline struct cpu *this_cpu(void)
{
    int h = g_klock.holder_cpu;
    return &g_cpus[h >= 0 ? (unsigned)h : hal_cpu_id()];
}
static inline struct thread *current_thread(void) { return this_cpu()->current; }

/* ---- global counters for kernel stats */
struct kstats {
    uint64_t syscalls;
    uint64_t handles;
};
extern struct kstats g_kstats;

/* Everything of core_main but starting processes and CPUs (also used by unit tests). */
void core_init(const struct boot_info *bi);

/* The boot info the HAL gave core_main (copied). */
extern struct boot_info g_boot;

#endif
