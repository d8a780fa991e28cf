/*
 * tests/hal/th.c - the unit-test harness over the core's internals.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "th.h"
#include "th_internal.h"

#include "ipc/channel.h"
#include "mm/heap.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "obj/resource.h"
#include "proc/process.h"
#include "proc/sched.h"
#include "proc/thread.h"

#define TH_MEM (96u << 20)
#define MAX_CHILDREN 64

struct child {
    struct process *p;
    sos_handle_t vals[16];
    uint32_t n;
};

static struct process *g_proc;
static struct thread *g_thread;
static sos_handle_t g_root, g_self;
static struct child g_children[MAX_CHILDREN];
static unsigned g_nchildren;

int th_group_setup(void **state)
{
    (void)state;
    struct boot_info bi;
    if (th_hal_init(TH_MEM, &bi))
        return -1;
    hal_irq_save();
    klock_acquire();
    core_init(&bi);
    klock_release();
    return 0;
}

int th_group_teardown(void **state)
{
    (void)state;
    return 0;
}

static sos_handle_t install(struct process *p, struct object *o, sos_rights_t r)
{
    sos_handle_t v = 0;
    struct handle *h = handle_new(o, r);
    if (!h || process_install(p, h, &v))
        abort();
    return v;
}

int th_setup(void **state)
{
    (void)state;
    klock_acquire();
    int err;
    g_proc = process_new("test", &err);
    if (!g_proc)
        abort();
    g_thread = thread_adopt(g_proc);
    obj_unref(&g_proc->obj); /* the adopted thread keeps it */
    g_root = install(g_proc, &g_root_resource->obj, SOS_RIGHTS_ALL);
    g_self = install(g_proc, &g_proc->obj, SOS_RIGHTS_ALL);
    g_nchildren = 0;
    klock_release();
    th_scratch_map();
    th_console();
    return 0;
}

static bool children_alive(void)
{
    for (unsigned i = 0; i < g_nchildren; i++)
        if (g_children[i].p->nthreads)
            return true;
    return g_proc->nthreads > 1;
}

int th_teardown(void **state)
{
    (void)state;
    klock_acquire();
    for (unsigned i = 0; i < g_nchildren; i++)
        process_kill(g_children[i].p, SOS_PROC_KILLED, -1);
    process_kill(g_proc, SOS_PROC_KILLED, -1);
    g_thread->kill_pending = false; /* the harness thread lives on to clean up */
    for (int i = 0; i < 1000 && children_alive(); i++)
        sched_block(hal_time_now() + 1000);
    if (children_alive())
        fprintf(stderr, "th: threads did not die after their processes were killed\n");
    for (unsigned i = 0; i < g_nchildren; i++)
        obj_unref(&g_children[i].p->obj);
    g_nchildren = 0;
    thread_unadopt(g_thread);
    th_user_main = NULL;
    klock_release();
    return 0;
}

sos_handle_t th_root(void) { return g_root; }
sos_handle_t th_self(void) { return g_self; }

void *th_umem(size_t len)
{
    klock_acquire();
    int err;
    struct vmo *v = vmo_new(len ? len : 1, 0, &err);
    uintptr_t va = 0;
    if (!v || vm_map(current_thread()->proc->vm, v, 0, v->size, SOS_VM_READ | SOS_VM_WRITE,
                     SOS_VM_READ | SOS_VM_WRITE, false, &va))
        abort();
    obj_unref(&v->obj);
    klock_release();
    return (void *)va;
}

sos_handle_t th_spawn(const char *name, void (*fn)(void *), void *arg,
                      const sos_handle_t *handles, uint32_t nhandles)
{
    klock_acquire();
    int err;
    struct process *p = process_new(name, &err);
    if (!p || g_nchildren == MAX_CHILDREN || nhandles > 16)
        abort();
    struct thread *t = thread_create(p, 0, 0, 0, fn, arg);
    if (!t)
        abort();
    struct child *c = &g_children[g_nchildren++];
    c->p = p; /* the creation reference is dropped at teardown */
    c->n = nhandles;
    struct process *me = current_thread()->proc;
    for (uint32_t i = 0; i < nhandles; i++) {
        struct handle *h = htable_take(&me->handles, handles[i]);
        if (!h || htable_install(&p->handles, h, &c->vals[i]))
            abort();
    }
    sos_handle_t v = install(me, &p->obj, SOS_RIGHTS_ALL & ~SOS_RIGHT_EXECUTE);
    thread_start(t);
    klock_release();
    return v;
}

sos_handle_t th_thread(void (*fn)(void *), void *arg)
{
    klock_acquire();
    struct process *me = current_thread()->proc;
    struct thread *t = thread_create(me, 0, 0, 0, fn, arg);
    if (!t)
        abort();
    sos_handle_t v = install(me, &t->obj, SOS_RIGHTS_ALL & ~SOS_RIGHT_EXECUTE);
    thread_start(t);
    klock_release();
    return v;
}

sos_handle_t th_child_handle(uint32_t i)
{
    struct process *me = current_thread()->proc;
    for (unsigned k = 0; k < g_nchildren; k++)
        if (g_children[k].p == me && i < g_children[k].n)
            return g_children[k].vals[i];
    return SOS_HANDLE_INVALID;
}

int64_t th_now(void) { return hal_time_now(); }

void th_settle(void) { u_thread_sleep(hal_time_now() + 1); }

void th_sleep(int64_t ns) { u_thread_sleep(hal_time_now() + ns); }

void th_counts(struct th_counts *c)
{
    for (unsigned i = 0; i < SOS_OBJ_KIND_COUNT; i++)
        c->objects[i] = g_obj_count[i];
    c->frames_free = pmm_free_frames();
    c->heap = heap_bytes_in_use();
    c->handles = g_kstats.handles;
}

void th_assert_counts(const struct th_counts *before)
{
    struct th_counts now;
    th_counts(&now);
    for (unsigned i = 0; i < SOS_OBJ_KIND_COUNT; i++)
        assert_int_equal(now.objects[i], before->objects[i]);
    assert_int_equal(now.heap, before->heap);
    assert_int_equal(now.handles, before->handles);
    /* each slab cache may keep one empty slab as a spare */
    assert_true(now.frames_free + 48 >= before->frames_free);
    assert_true(now.frames_free <= before->frames_free + 48);
}
