/*
 * core/proc/sched.c - the scheduler.
 *
 * Each CPU has a run queue: 32 lists, one per priority, and a bitmap of the non-empty
 * ones. The running thread is not on a queue. schedule() puts a still-running thread
 * back at the tail of its level and switches to the best thread: the handoff thread
 * when one was named (IPC), else the highest level's head, else work taken from
 * another CPU, else the idle thread. The core lock is held across every switch: the
 * thread switched to resumes holding it.
 *
 * Layer: core processes.
 */
#include "proc/sched.h"

#include "mm/pmm.h"
#include "proc/process.h"

#define NPRIO 32

struct runq {
    struct list_node level[NPRIO];
    uint32_t bitmap;
    uint32_t count;
    struct thread *handoff;
};

static struct runq g_rq[HAL_MAX_CPUS];
static uint64_t g_switches;

void sched_init_cpu(unsigned cpu)
{
    struct runq *rq = &g_rq[cpu];
    for (int i = 0; i < NPRIO; i++)
        list_init(&rq->level[i]);
    rq->bitmap = 0;
    rq->count = 0;
    rq->handoff = NULL;
}

static void rq_add(unsigned cpu, struct thread *t, bool front)
{
    struct runq *rq = &g_rq[cpu];
    if (front)
        list_add_head(&rq->level[t->prio], &t->rq_node);
    else
        list_add_tail(&rq->level[t->prio], &t->rq_node);
    rq->bitmap |= 1u << t->prio;
    rq->count++;
    t->cpu = cpu;
}

static void rq_remove(struct thread *t)
{
    struct runq *rq = &g_rq[t->cpu];
    list_remove(&t->rq_node);
    if (list_empty(&rq->level[t->prio]))
        rq->bitmap &= ~(1u << t->prio);
    rq->count--;
    if (rq->handoff == t)
        rq->handoff = NULL;
}

static int rq_best_prio(unsigned cpu)
{
    uint32_t b = g_rq[cpu].bitmap;
    return b ? 31 - __builtin_clz(b) : -1;
}

static struct thread *rq_take(unsigned cpu)
{
    struct runq *rq = &g_rq[cpu];
    struct thread *t = rq->handoff;
    if (!t) {
        int p = rq_best_prio(cpu);
        if (p < 0)
            return NULL;
        t = list_entry(rq->level[p].next, struct thread, rq_node);
    }
    rq_remove(t);
    return t;
}

/* An idle CPU takes the best thread from the busiest other queue. */
static struct thread *rq_steal(unsigned self)
{
    unsigned best = self;
    for (unsigned c = 0; c < hal_cpu_count(); c++)
        if (c != self && g_rq[c].count > (best == self ? 0 : g_rq[best].count))
            best = c;
    return best == self ? NULL : rq_take(best);
}

int64_t sched_slice_deadline(struct cpu *c)
{
    struct thread *t = c->current;
    if (!t || t->is_idle || g_rq[c->id].count == 0)
        return INT64_MAX;
    return t->ran_since + SCHED_SLICE_NS;
}

uint64_t sched_context_switches(void) { return g_switches; }

static void account(struct thread *t, int64_t now)
{
    if (t && !t->is_idle) {
        uint64_t d = (uint64_t)(now - t->ran_since);
        t->cpu_ns += d;
        if (t->proc)
            t->proc->cpu_ns += d;
    }
}

void sched_after_switch(void)
{
    struct cpu *c = this_cpu();
    struct thread *z = c->zombie;
    if (z) {
        c->zombie = NULL;
        if (z->kstack_pa) /* an adopted thread runs on a stack the core does not own */
            pmm_free_run(z->kstack_pa, KSTACK_PAGES);
        z->kstack_pa = 0;
        obj_unref(&z->obj); /* the reference the thread held on itself while alive */
    }
}

static void schedule(void)
{
    struct cpu *c = this_cpu();
    struct thread *prev = c->current;
    if (prev->state == TS_RUNNING && !prev->is_idle) {
        prev->state = TS_RUNNABLE;
        rq_add(c->id, prev, false);
    }
    struct thread *next = rq_take(c->id);
    if (!next)
        next = rq_steal(c->id);
    if (!next)
        next = c->idle;
    c->need_resched = false;
    int64_t now = hal_time_now();
    if (next == prev) {
        prev->state = TS_RUNNING;
        prev->ran_since = now;
        timerq_program();
        return;
    }
    account(prev, now);
    next->state = TS_RUNNING;
    next->cpu = c->id;
    next->ran_since = now;
    c->current = next;
    c->switches++;
    g_switches++;
    hal_cpu_set_kernel_stack(next->kstack_top);
    /*
     * The idle thread runs in the kernel-only space too: a CPU must never keep a
     * process's page tables loaded after switching away, or another CPU could destroy
     * them under it when that process ends (seen as a triple fault on x86_64 with two
     * CPUs, caught by ktest proc_exit_ends_all_threads under QEMU).
     */
    if (prev->proc != next->proc)
        hal_as_activate(next->proc ? next->proc->vm->as : NULL);
    timerq_program();
    hal_context_switch(&prev->ctx, &next->ctx);
    sched_after_switch();
}

static void kick_if_needed(struct thread *t)
{
    struct cpu *tc = &g_cpus[t->cpu];
    struct thread *cur = tc->current;
    if (!cur || cur->is_idle || t->prio > cur->prio) {
        tc->need_resched = true;
        if (tc != this_cpu())
            hal_cpu_kick(tc->id);
    }
}

/*
 * A thread was queued on `cpu`, which is busy and is not preempted. Unless the waker runs
 * on `cpu` and the woken thread is the only one queued there (the waker is about to
 * block, so it runs at once: a ping-pong stays on one CPU), wake an idle CPU: its idle
 * loop steals from the busiest queue, so the thread does not wait a slice behind a
 * spinner while a CPU sleeps. An idle CPU that is this one just reschedules on exit.
 */
static void kick_idle_for(unsigned cpu)
{
    if (hal_cpu_count() < 2 || (cpu == hal_cpu_id() && g_rq[cpu].count < 2))
        return;
    for (unsigned i = 0; i < hal_cpu_count(); i++) {
        struct cpu *ic = &g_cpus[i];
        if (i != cpu && ic->online && ic->current && ic->current->is_idle &&
            g_rq[i].count == 0) {
            ic->need_resched = true;
            if (ic != this_cpu())
                hal_cpu_kick(i);
            return;
        }
    }
}

void sched_make_runnable(struct thread *t)
{
    ASSERT(t->state == TS_NEW || t->state == TS_BLOCKED);
    t->state = TS_RUNNABLE;
    unsigned cpu = t->cpu < hal_cpu_count() && g_cpus[t->cpu].online ? t->cpu : hal_cpu_id();
    rq_add(cpu, t, false);
    struct thread *cur = g_cpus[cpu].current;
    if (!cur || cur->is_idle || t->prio > cur->prio)
        kick_if_needed(t);
    else
        kick_idle_for(cpu);
}

void sched_wake(struct thread *t, int result, bool handoff)
{
    if (t->state != TS_BLOCKED)
        return;
    timerq_cancel(&t->deadline);
    if (list_linked(&t->wq_node))
        list_remove(&t->wq_node);
    t->wake_result = result;
    if (handoff || this_cpu()->ipc_handoff) {
        /* the waker blocks next: run t on this CPU right after it */
        t->state = TS_RUNNABLE;
        rq_add(hal_cpu_id(), t, true);
        g_rq[hal_cpu_id()].handoff = t;
        return;
    }
    sched_make_runnable(t);
}

static void deadline_fired(struct ktimer_node *n)
{
    struct thread *t = container_of(n, struct thread, deadline);
    sched_wake(t, SOS_ERR_TIMED_OUT, false);
}

int sched_block(sos_time_t deadline)
{
    struct thread *t = current_thread();
    ASSERT(!t->is_idle);
    if (t->kill_pending)
        return SOS_ERR_CANCELED;
    /* no clock read when there is no deadline (most waits: two per IPC round trip) */
    if (deadline != SOS_TIME_INFINITE && deadline <= hal_time_now())
        return SOS_ERR_TIMED_OUT;
    t->state = TS_BLOCKED;
    t->wake_result = SOS_ERR_INTERNAL;
    if (deadline != SOS_TIME_INFINITE) {
        timerq_init_node(&t->deadline, deadline_fired);
        timerq_arm(&t->deadline, deadline);
    }
    schedule();
    return t->wake_result;
}

void sched_yield_current(void)
{
    schedule();
}

void sched_preempt(void)
{
    struct cpu *c = this_cpu();
    struct thread *t = c->current;
    int best = rq_best_prio(c->id);
    if (!t->is_idle && best < (int)t->prio && !g_rq[c->id].handoff) {
        c->need_resched = false;
        return;
    }
    schedule();
}

void sched_exit_switch(void)
{
    struct cpu *c = this_cpu();
    ASSERT(c->current->state == TS_DEAD);
    ASSERT(!c->zombie);
    c->zombie = c->current;
    schedule();
    panic("sched: a dead thread was switched back to");
}

void sched_set_priority(struct thread *t, uint32_t prio)
{
    if (t->state == TS_RUNNABLE) {
        rq_remove(t);
        t->prio = prio;
        rq_add(t->cpu, t, false);
        kick_if_needed(t);
    } else {
        t->prio = prio;
        if (t == current_thread())
            this_cpu()->need_resched = true;
    }
}

void sched_idle_loop(void *arg)
{
    (void)arg;
    sched_after_switch();
    for (;;) {
        struct cpu *c = this_cpu();
        if (g_rq[c->id].count || c->need_resched) {
            schedule();
            continue;
        }
        bool other_work = false;
        for (unsigned i = 0; i < hal_cpu_count(); i++) {
            struct thread *cur = g_cpus[i].current;
            other_work |= i != c->id && g_rq[i].count && cur && !cur->is_idle;
        }
        if (other_work) {
            schedule(); /* takes work from that CPU */
            continue;
        }
        klock_release();
        hal_cpu_idle();
        klock_acquire();
    }
}

/* ---- wait queues */

void waitq_init(struct waitq *q) { list_init(&q->waiters); }

int waitq_wait(struct waitq *q, sos_time_t deadline)
{
    struct thread *t = current_thread();
    list_add_tail(&q->waiters, &t->wq_node);
    int r = sched_block(deadline);
    if (list_linked(&t->wq_node))
        list_remove(&t->wq_node);
    return r;
}

unsigned waitq_wake(struct waitq *q, unsigned n, int result)
{
    unsigned woken = 0;
    while (woken < n && !list_empty(&q->waiters)) {
        struct thread *t = list_entry(q->waiters.next, struct thread, wq_node);
        list_remove(&t->wq_node);
        sched_wake(t, result, false);
        woken++;
    }
    return woken;
}
