/*
 * core/proc/sched.h - per-CPU run queues, blocking and wakeup, wait queues.
 *
 * 32 priority levels; round robin within a level with a time slice; a thread woken at
 * a higher priority than the running one preempts it at the next kernel exit. Each CPU
 * has its own run queue; an idle CPU takes work from the others.
 *
 * Layer: core processes. Everything under g_klock.
 */
#ifndef CORE_PROC_SCHED_H
#define CORE_PROC_SCHED_H

#include "proc/thread.h"

#define SCHED_SLICE_NS 10000000 /* 10 ms */

void sched_init_cpu(unsigned cpu);

/* Make t runnable (from NEW or BLOCKED with `result` as its wake result). */
void sched_make_runnable(struct thread *t);

/*
 * Block the current thread until sched_wake() or `deadline` (SOS_TIME_INFINITE: none).
 * Returns the wake result, SOS_ERR_TIMED_OUT, or SOS_ERR_CANCELED when killed. The
 * caller has put itself wherever its waker will look before calling.
 */
int sched_block(sos_time_t deadline);

/* Wake a blocked thread with `result`. `handoff`: the caller is about to block, so
 * run t next on this CPU if it can (the IPC fast path). */
void sched_wake(struct thread *t, int result, bool handoff);

/* Give up the CPU to a thread of the same or higher priority. */
void sched_yield_current(void);

/* The running thread's slice is over or a better thread is waiting: switch. */
void sched_preempt(void);

/* The idle loop of every CPU. */
__attribute__((noreturn)) void sched_idle_loop(void *arg);

/* Switch away from a thread that is already TS_DEAD. Never returns. */
__attribute__((noreturn)) void sched_exit_switch(void);

/* Called in every thread right after it is switched to. */
void sched_after_switch(void);

void sched_set_priority(struct thread *t, uint32_t prio);
int64_t sched_slice_deadline(struct cpu *c);
uint64_t sched_context_switches(void);

/* Wait queues: threads blocked until someone wakes them. */
struct waitq {
    struct list_node waiters;
};
void waitq_init(struct waitq *q);
int waitq_wait(struct waitq *q, sos_time_t deadline);
/* Wake up to `n` waiters with `result`; returns how many were woken. */
unsigned waitq_wake(struct waitq *q, unsigned n, int result);

#endif
