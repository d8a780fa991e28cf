/*
 * core/calls/sys_object.c - signals, waits, info, events and timers.
 *
 * Layer: core syscalls.
 */
#include "calls/calls.h"

#include "audit.h"
#include "ipc/channel.h"
#include "ipc/port.h"
#include "mm/heap.h"
#include "mm/pmm.h"
#include "obj/device.h"
#include "obj/event.h"
#include "obj/timer.h"
#include "proc/sched.h"

int64_t sys_object_signal(sos_handle_t handle, sos_signals_t clear, sos_signals_t set)
{
    struct handle *h;
    int err = get_handle(handle, SOS_OBJ_NONE, SOS_RIGHT_SIGNAL, &h);
    if (err)
        return err;
    sos_signals_t allowed = SOS_SIG_USER_ALL;
    if (h->obj->kind == SOS_OBJ_EVENT)
        allowed |= SOS_SIG_SIGNALED;
    if ((clear | set) & ~allowed)
        return SOS_ERR_INVALID_ARGS;
    obj_signal(h->obj, clear, set);
    return 0;
}

struct wait_one {
    struct observer ob;
    struct thread *t;
};

static void wait_one_fire(struct observer *ob, struct object *o, sos_signals_t observed)
{
    struct wait_one *w = container_of(ob, struct wait_one, ob);
    (void)o;
    (void)observed;
    obj_unobserve(ob);
    sched_wake(w->t, 0, false);
}

int64_t sys_object_wait_one(sos_handle_t handle, sos_signals_t signals, sos_time_t deadline,
                            uintptr_t observed)
{
    struct handle *h;
    int err = get_handle(handle, SOS_OBJ_NONE, SOS_RIGHT_WAIT, &h);
    if (!err && observed)
        err = check_user_out(observed, sizeof(sos_signals_t));
    if (err)
        return err;
    struct object *o = h->obj;
    if (!(o->signals & signals)) {
        struct wait_one w = {.t = current_thread()};
        w.ob.trigger = signals;
        w.ob.fire = wait_one_fire;
        list_init(&w.ob.node);
        obj_ref(o);
        obj_observe(o, &w.ob);
        err = sched_block(deadline);
        obj_unobserve(&w.ob);
        sos_signals_t now = o->signals;
        obj_unref(o);
        if (observed)
            copy_to_user(observed, &now, sizeof(now));
        return err == SOS_ERR_TIMED_OUT && (now & signals) ? 0 : err;
    }
    if (observed)
        return copy_to_user(observed, &o->signals, sizeof(sos_signals_t));
    return 0;
}

int64_t sys_object_wait_async(sos_handle_t handle, sos_handle_t port, uint64_t key,
                              sos_signals_t signals, uint32_t options)
{
    struct handle *h;
    struct port *p;
    int err = get_handle(handle, SOS_OBJ_NONE, SOS_RIGHT_WAIT, &h);
    if (!err)
        err = GET_OBJ(port, SOS_OBJ_PORT, SOS_RIGHT_SEND, struct port, &p);
    if (!err && (options > SOS_WAIT_ASYNC_REPEAT || signals == 0))
        err = SOS_ERR_INVALID_ARGS;
    if (err)
        return err;
    return port_bind(p, h->obj, key, signals, options);
}

int64_t sys_event_create(uint32_t options, uintptr_t out)
{
    if (options)
        return SOS_ERR_INVALID_ARGS;
    int err = check_user_out(out, sizeof(sos_handle_t));
    if (err)
        return err;
    struct event *e;
    err = event_new(&e);
    if (err)
        return err;
    return give_handle(&e->obj, default_rights(SOS_OBJ_EVENT), out);
}

int64_t sys_timer_create(uint32_t options, uintptr_t out)
{
    if (options)
        return SOS_ERR_INVALID_ARGS;
    int err = check_user_out(out, sizeof(sos_handle_t));
    if (err)
        return err;
    struct ktimer *t;
    err = ktimer_new(&t);
    if (err)
        return err;
    return give_handle(&t->obj, default_rights(SOS_OBJ_TIMER), out);
}

int64_t sys_timer_set(sos_handle_t timer, sos_time_t deadline, sos_time_t period)
{
    struct ktimer *t;
    int err = GET_OBJ(timer, SOS_OBJ_TIMER, SOS_RIGHT_WRITE, struct ktimer, &t);
    if (err)
        return err;
    if (period < 0 || (period > 0 && period < KTIMER_MIN_PERIOD) || deadline < 0)
        return SOS_ERR_INVALID_ARGS;
    ktimer_set(t, deadline, period);
    return 0;
}

int64_t sys_timer_cancel(sos_handle_t timer)
{
    struct ktimer *t;
    int err = GET_OBJ(timer, SOS_OBJ_TIMER, SOS_RIGHT_WRITE, struct ktimer, &t);
    if (err)
        return err;
    ktimer_cancel(t);
    return 0;
}

/* ---- object_get_info */

static sos_koid_t related_koid(const struct object *o)
{
    if (o->kind == SOS_OBJ_CHANNEL) {
        const struct chan_end *e = (const struct chan_end *)o;
        return e->peer ? e->peer->obj.koid : 0;
    }
    if (o->kind == SOS_OBJ_THREAD) {
        const struct thread *t = (const struct thread *)o;
        return t->proc ? t->proc->obj.koid : 0;
    }
    return 0;
}

static void info_process(const struct process *p, struct sos_info_process *i)
{
    *i = (struct sos_info_process){.koid = p->obj.koid, .state = p->state,
                                   .exit_code = (int32_t)p->exit_code,
                                   .threads = p->nthreads, .handles = p->handles.count,
                                   .mapped_bytes = p->vm ? p->vm->mapped_bytes : 0,
                                   .cpu_time_ns = p->cpu_ns, .fault = p->fault};
    k_strlcpy(i->name, p->name, sizeof(i->name));
}

static void info_kstats(struct sos_info_kstats *k)
{
    *k = (struct sos_info_kstats){0};
    for (unsigned i = 0; i < SOS_OBJ_KIND_COUNT; i++) {
        k->objects[i] = g_obj_count[i];
        k->object_bytes[i] = g_obj_bytes[i];
    }
    k->frames_total = pmm_total_frames();
    k->frames_free = pmm_free_frames();
    k->heap_bytes = heap_bytes_in_use();
    k->handles = g_kstats.handles;
    k->processes = g_obj_count[SOS_OBJ_PROCESS];
    k->threads = g_obj_count[SOS_OBJ_THREAD];
    k->context_switches = sched_context_switches();
    k->syscalls = g_kstats.syscalls;
    k->audit_records = audit_count();
    k->cpus = hal_cpu_count();
    k->uptime_ns = hal_time_now();
    k->wall_clock_s = hal_wall_clock_s();
    struct ipc_counts ipc = chan_counts();
    k->ipc_messages = ipc.messages;
    k->ipc_bytes = ipc.bytes;
    k->ipc_handles = ipc.handles;
}

int64_t sys_object_get_info(sos_handle_t handle, uint32_t topic, uintptr_t buf, size_t len)
{
    union {
        struct sos_info_handle h;
        struct sos_info_process p;
        struct sos_info_kstats k;
        struct sos_info_thread t;
        struct sos_info_vmo v;
        struct sos_info_device d;
        struct sos_info_net n;
    } u;
    size_t need;
    struct handle *h;
    sos_rights_t right = topic == SOS_INFO_HANDLE         ? 0
                         : topic == SOS_INFO_KERNEL_STATS ? SOS_RIGHT_INSPECT
                                                          : SOS_RIGHT_READ;
    int err = get_handle(handle, SOS_OBJ_NONE, right, &h);
    if (err)
        return err;
    struct object *o = h->obj;
    switch (topic) {
    case SOS_INFO_HANDLE:
        u.h = (struct sos_info_handle){o->kind, h->rights, o->koid, related_koid(o)};
        need = sizeof(u.h);
        break;
    case SOS_INFO_PROCESS:
        if (o->kind != SOS_OBJ_PROCESS)
            return SOS_ERR_WRONG_TYPE;
        info_process((struct process *)o, &u.p);
        need = sizeof(u.p);
        break;
    case SOS_INFO_KERNEL_STATS:
        if (o->kind != SOS_OBJ_RESOURCE)
            return SOS_ERR_WRONG_TYPE;
        info_kstats(&u.k);
        need = len < sizeof(u.k) && len >= SOS_INFO_KSTATS_V1_SIZE ? SOS_INFO_KSTATS_V1_SIZE
                                                                   : sizeof(u.k);
        break;
    case SOS_INFO_THREAD: {
        if (o->kind != SOS_OBJ_THREAD)
            return SOS_ERR_WRONG_TYPE;
        struct thread *t = (struct thread *)o;
        u.t = (struct sos_info_thread){o->koid, t->state == TS_RUNNING ? TS_RUNNABLE : t->state,
                                       t->prio, t->cpu_ns};
        need = sizeof(u.t);
        break;
    }
    case SOS_INFO_VMO: {
        if (o->kind != SOS_OBJ_VMO)
            return SOS_ERR_WRONG_TYPE;
        struct vmo *v = (struct vmo *)o;
        u.v = (struct sos_info_vmo){v->size, v->committed * PAGE_SIZE, v->map_count, 0};
        need = sizeof(u.v);
        break;
    }
    case SOS_INFO_DEVICE:
        if (o->kind != SOS_OBJ_DEVICE)
            return SOS_ERR_WRONG_TYPE;
        device_info((const struct device *)o, &u.d);
        need = sizeof(u.d);
        break;
    case SOS_INFO_NET:
        if (o->kind != SOS_OBJ_DEVICE || ((struct device *)o)->info.dev_class != SOS_DEV_NET)
            return SOS_ERR_WRONG_TYPE;
        device_net_info((struct device *)o, &u.n);
        need = sizeof(u.n);
        break;
    default:
        return SOS_ERR_INVALID_ARGS;
    }
    if (len < need)
        return SOS_ERR_BUFFER_TOO_SMALL;
    err = copy_to_user(buf, &u, need);
    return err ? err : (int64_t)need;
}
