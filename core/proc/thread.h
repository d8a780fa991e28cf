/*
 * core/proc/thread.h - threads: a kernel stack and context, a place in a process, and
 * the state the scheduler and blocking need.
 *
 * Layer: core processes.
 */
#ifndef CORE_PROC_THREAD_H
#define CORE_PROC_THREAD_H

#include "obj/object.h"
#include "timerq.h"

struct process;

enum thread_state {
    TS_NEW = 0,
    TS_RUNNABLE = 1,
    TS_BLOCKED = 2,
    TS_DEAD = 3,
    TS_RUNNING = 4,
};

#define KSTACK_PAGES 8u /* 32 KiB */

struct thread {
    struct object obj;
    struct process *proc; /* NULL for the idle threads */
    struct hal_context ctx;
    paddr_t kstack_pa;
    uintptr_t kstack_top;
    uint32_t state; /* enum thread_state */
    uint32_t prio;
    unsigned cpu;
    bool kill_pending;
    bool is_idle;
    struct list_node rq_node;   /* run queue */
    struct list_node proc_node; /* process->threads */
    struct list_node wq_node;   /* a waitq while blocked on one */
    struct ktimer_node deadline; /* wakes a blocked thread with TIMED_OUT */
    int wake_result;
    /* how the thread starts: user code, or a kernel function */
    uintptr_t u_entry, u_sp, u_arg;
    void (*kfn)(void *);
    void *karg;
    uint64_t cpu_ns;
    int64_t ran_since;
    struct sos_fault_record fault;
};

/*
 * A thread of `p` that will enter user code at entry(arg) with stack `sp`; or, when
 * kfn is set, run kfn(karg) in the kernel (tests and internal work). Starts in TS_NEW;
 * thread_start() makes it runnable. Returns NULL when out of memory.
 */
struct thread *thread_create(struct process *p, uintptr_t entry, uintptr_t sp,
                             uintptr_t arg, void (*kfn)(void *), void *karg);
void thread_start(struct thread *t);

/* Kill: the thread dies at its next kernel exit (woken with CANCELED if blocked). */
void thread_kill(struct thread *t);

/* The current thread ends here. Never returns. */
__attribute__((noreturn)) void thread_exit_current(void);

/* Called on every way out of the kernel to user code: pending kill, preemption. */
void thread_kernel_exit(void);

/* The idle thread for a CPU (no process, never on a run queue). */
struct thread *thread_create_idle(unsigned cpu, void (*fn)(void *));

/*
 * Make the calling context a running thread of `p` on this CPU (no switch happens).
 * Used by the unit-test harness, whose test bodies run on the host's own stack.
 */
struct thread *thread_adopt(struct process *p);

/* Take an adopted thread out of its process without ending it (test harness). */
void thread_unadopt(struct thread *t);

void thread_cache_init(void);

#endif
