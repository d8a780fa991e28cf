/*
 * core/proc/thread.c - thread creation, start, kill and exit.
 *
 * A thread holds one reference on itself while it lives (dropped after its last switch
 * away, with its stack) and one on its process.
 *
 * Layer: core processes.
 */
#include "proc/thread.h"

#include "mm/heap.h"
#include "mm/pmm.h"
#include "proc/process.h"
#include "proc/sched.h"

static struct kcache *g_thread_cache;

static void thread_destroy(struct object *o);
static const struct obj_ops g_thread_ops = {"thread", thread_destroy, NULL};

void thread_cache_init(void)
{
    g_thread_cache = kcache_create("thread", sizeof(struct thread));
    g_obj_bytes[SOS_OBJ_THREAD] = kcache_obj_size(g_thread_cache) + KSTACK_PAGES * PAGE_SIZE;
}

static void thread_destroy(struct object *o)
{
    struct thread *t = (struct thread *)o;
    ASSERT(t->state == TS_DEAD || t->state == TS_NEW);
    if (t->kstack_pa)
        pmm_free_run(t->kstack_pa, KSTACK_PAGES);
    if (t->proc)
        obj_unref(&t->proc->obj);
    kcache_free(g_thread_cache, t);
}

/* First code of every new thread, entered by the first switch to it. */
static void thread_trampoline(void *arg)
{
    struct thread *t = arg;
    sched_after_switch();
    thread_kernel_exit(); /* killed before it ever ran? (kernel-function threads too) */
    if (t->kfn) {
        klock_release();
        t->kfn(t->karg);
        klock_acquire();
        thread_exit_current();
    }
    klock_release();
    hal_user_enter(t->u_entry, t->u_sp, t->u_arg);
}

static struct thread *thread_alloc(struct process *p)
{
    struct thread *t = kcache_alloc(g_thread_cache);
    if (!t)
        return NULL;
    t->kstack_pa = pmm_alloc_run(KSTACK_PAGES, 1);
    if (!t->kstack_pa) {
        kcache_free(g_thread_cache, t);
        return NULL;
    }
    obj_init(&t->obj, SOS_OBJ_THREAD, &g_thread_ops);
    void *stack = hal_phys_to_virt(t->kstack_pa);
    t->kstack_top = (uintptr_t)stack + KSTACK_PAGES * PAGE_SIZE;
    hal_context_init(&t->ctx, stack, KSTACK_PAGES * PAGE_SIZE, thread_trampoline, t);
    list_init(&t->rq_node);
    list_init(&t->proc_node);
    list_init(&t->wq_node);
    timerq_init_node(&t->deadline, NULL);
    t->prio = SOS_PRIO_DEFAULT;
    t->cpu = hal_cpu_id();
    t->state = TS_NEW;
    t->proc = p;
    if (p) {
        obj_ref(&p->obj);
        list_add_tail(&p->threads, &t->proc_node);
        p->nthreads++;
    }
    return t;
}

struct thread *thread_create(struct process *p, uintptr_t entry, uintptr_t sp,
                             uintptr_t arg, void (*kfn)(void *), void *karg)
{
    struct thread *t = thread_alloc(p);
    if (!t)
        return NULL;
    t->u_entry = entry;
    t->u_sp = sp;
    t->u_arg = arg;
    t->kfn = kfn;
    t->karg = karg;
    return t;
}

struct thread *thread_create_idle(unsigned cpu, void (*fn)(void *))
{
    struct thread *t = thread_alloc(NULL);
    if (!t)
        panic("thread: no memory for the idle thread of cpu %u", cpu);
    hal_context_init(&t->ctx, hal_phys_to_virt(t->kstack_pa), KSTACK_PAGES * PAGE_SIZE, fn,
                     t);
    t->is_idle = true;
    t->prio = 0;
    t->cpu = cpu;
    return t;
}

void thread_start(struct thread *t)
{
    ASSERT(t->state == TS_NEW);
    sched_make_runnable(t);
}

/* Unlink a thread that ends (or never ran) from its process. */
static void thread_detach(struct thread *t)
{
    struct process *p = t->proc;
    t->state = TS_DEAD;
    obj_signal(&t->obj, 0, SOS_SIG_TERMINATED);
    if (p && list_linked(&t->proc_node)) {
        list_remove(&t->proc_node);
        process_thread_gone(p);
    }
}

void thread_kill(struct thread *t)
{
    switch (t->state) {
    case TS_NEW:
        thread_detach(t);
        obj_unref(&t->obj); /* it will never run: drop its own reference now */
        break;
    case TS_BLOCKED:
        t->kill_pending = true;
        sched_wake(t, SOS_ERR_CANCELED, false);
        break;
    case TS_RUNNABLE:
    case TS_RUNNING:
        t->kill_pending = true;
        if (t != current_thread() && t->cpu != hal_cpu_id())
            hal_cpu_kick(t->cpu);
        break;
    default:
        break;
    }
}

void thread_exit_current(void)
{
    struct thread *t = current_thread();
    thread_detach(t);
    sched_exit_switch();
}

void thread_kernel_exit(void)
{
    struct cpu *c = this_cpu();
    struct thread *t = c->current;
    if (t->kill_pending)
        thread_exit_current();
    if (c->need_resched) /* still this CPU: nothing has switched yet */
        sched_preempt();
    if (t->kill_pending) /* killed while it waited for the CPU */
        thread_exit_current();
}

struct thread *thread_adopt(struct process *p)
{
    struct thread *t = thread_alloc(p);
    if (!t)
        return NULL;
    struct cpu *c = this_cpu();
    t->state = TS_RUNNING;
    t->ran_since = hal_time_now();
    c->current = t;
    hal_as_activate(p ? p->vm->as : NULL);
    return t;
}

void thread_unadopt(struct thread *t)
{
    ASSERT(t == current_thread());
    struct process *p = t->proc;
    list_remove(&t->proc_node);
    t->proc = NULL;
    process_thread_gone(p);
    obj_unref(&p->obj);
    t->state = TS_DEAD;
    obj_unref(&t->obj);
    this_cpu()->current = NULL;
}
