/*
 * core/lock.c - ticket spinlocks and the core lock.
 *
 * Core code runs with interrupts disabled, so holding a spinlock never races with an
 * interrupt on the same CPU; the locks only order CPUs.
 *
 * Layer: core.
 */
#include "kernel.h"

struct spinlock g_klock = SPINLOCK_INIT;

static inline void lock_as(struct spinlock *l, int cpu)
{
    uint32_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
        hal_cpu_relax();
    l->holder_cpu = cpu;
}

void spin_lock(struct spinlock *l)
{
    lock_as(l, (int)hal_cpu_id());
}

void spin_unlock(struct spinlock *l)
{
    l->holder_cpu = -1;
    __atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

bool spin_held(const struct spinlock *l)
{
    return l->holder_cpu == (int)hal_cpu_id() && l->next != l->owner;
}

void klock_acquire(void)
{
    int cpu = (int)hal_cpu_id(); /* one HAL call per entry: spin_held inlined */
    if (g_klock.holder_cpu == cpu && g_klock.next != g_klock.owner)
        panic("klock: acquired twice on cpu %u", hal_cpu_id());
    lock_as(&g_klock, cpu);
}

void klock_release(void)
{
    if (!spin_held(&g_klock))
        panic("klock: released but not held on cpu %u", hal_cpu_id());
    spin_unlock(&g_klock);
}
