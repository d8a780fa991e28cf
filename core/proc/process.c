/*
 * core/proc/process.c - process lifetime.
 *
 * Layer: core processes.
 */
#include "proc/process.h"

#include "mm/heap.h"
#include "obj/conout.h"
#include "proc/fault.h"
#include "proc/sched.h"

struct list_node g_processes = LIST_INIT(g_processes);
static struct kcache *g_proc_cache;

static void process_destroy(struct object *o);
static const struct obj_ops g_proc_ops = {"process", process_destroy, NULL};

void process_cache_init(void)
{
    g_proc_cache = kcache_create("process", sizeof(struct process));
    g_obj_bytes[SOS_OBJ_PROCESS] = kcache_obj_size(g_proc_cache);
}

struct process *process_new(const char *name, int *err)
{
    struct process *p = kcache_alloc(g_proc_cache);
    if (!p) {
        *err = SOS_ERR_NO_MEMORY;
        return NULL;
    }
    int e = vmspace_create(&p->vm);
    if (e) {
        kcache_free(g_proc_cache, p);
        *err = e;
        return NULL;
    }
    obj_init(&p->obj, SOS_OBJ_PROCESS, &g_proc_ops);
    k_strlcpy(p->name, name ? name : "", sizeof(p->name));
    htable_init(&p->handles);
    list_init(&p->threads);
    p->state = SOS_PROC_RUNNING;
    list_add_tail(&g_processes, &p->all_node);
    return p;
}

static void process_finalize(struct process *p)
{
    if (p->finalized)
        return;
    p->finalized = true;
    obj_ref(&p->obj);
    htable_destroy(&p->handles);
    struct thread *cur = current_thread();
    if (cur && cur->proc == p)
        hal_as_activate(NULL);
    vmspace_destroy(p->vm);
    p->vm = NULL;
    conout_gone(p->obj.koid); /* its partial line is not finished now */
    obj_signal(&p->obj, 0, SOS_SIG_TERMINATED);
    obj_unref(&p->obj);
}

static void process_destroy(struct object *o)
{
    struct process *p = (struct process *)o;
    ASSERT(p->nthreads == 0);
    if (!p->finalized) {
        /* never started and nobody holds it: tear down without signalling */
        p->finalized = true;
        htable_destroy(&p->handles);
        vmspace_destroy(p->vm);
    }
    fault_snap_free(p);
    list_remove(&p->all_node);
    kcache_free(g_proc_cache, p);
}

void process_kill(struct process *p, uint32_t state, int64_t code)
{
    if (p->state == SOS_PROC_RUNNING) {
        p->state = state;
        p->exit_code = code;
    }
    struct list_node *n, *tmp;
    list_for_each_safe(n, tmp, &p->threads)
        thread_kill(list_entry(n, struct thread, proc_node));
    if (p->nthreads == 0)
        process_finalize(p);
}

void process_thread_gone(struct process *p)
{
    ASSERT(p->nthreads > 0);
    if (--p->nthreads == 0) {
        if (p->state == SOS_PROC_RUNNING)
            p->state = SOS_PROC_EXITED;
        process_finalize(p);
    }
}

int process_install(struct process *p, struct handle *h, sos_handle_t *value)
{
    int err = p->finalized ? SOS_ERR_BAD_STATE : htable_install(&p->handles, h, value);
    if (err)
        handle_free(h);
    return err;
}
