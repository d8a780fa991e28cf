/*
 * core/calls/sys_proc.c - process and thread calls.
 *
 * Layer: core syscalls.
 */
#include "calls/calls.h"

#include "mm/heap.h"
#include "proc/fault.h"
#include "proc/sched.h"
#include "proc/spawn.h"

struct spawn_in {
    struct sos_spawn_args a;
    char name[SOS_NAME_MAX];
    char args[SOS_SPAWN_MAX_ARGS_BYTES];
    struct sos_spawn_handle sh[SOS_SPAWN_MAX_HANDLES];
    struct handle *handles[SOS_SPAWN_MAX_HANDLES];
    char names[SOS_SPAWN_MAX_HANDLES][SOS_HANDLE_NAME_MAX];
};

/* Copy in and check everything spawn needs; nothing changes state. */
static int spawn_decode(uintptr_t uargs, uintptr_t out, struct spawn_in *in, struct vmo **image)
{
    struct sos_spawn_args *a = &in->a;
    int err = copy_from_user(a, uargs, sizeof(*a));
    if (!err)
        err = check_user_out(out, sizeof(sos_handle_t));
    if (!err)
        err = check_user_out(uargs, sizeof(*a));
    if (err)
        return err;
    if (a->nhandles > SOS_SPAWN_MAX_HANDLES || a->args_len > SOS_SPAWN_MAX_ARGS_BYTES ||
        a->priority > SOS_PRIO_MAX || (a->flags & ~SOS_SPAWN_WANT_THREAD) ||
        (a->reason && !a->reason_len))
        return SOS_ERR_INVALID_ARGS;
    if (a->reason)
        err = check_user_out((uintptr_t)a->reason, a->reason_len);
    if (err)
        return err;
    err = GET_OBJ(a->image, SOS_OBJ_VMO, SOS_RIGHT_READ, struct vmo, image);
    if (!err)
        err = copy_str_from_user(in->name, (uintptr_t)a->name, sizeof(in->name));
    if (!err)
        err = copy_from_user(in->args, (uintptr_t)a->args, a->args_len);
    if (!err)
        err = copy_from_user(in->sh, (uintptr_t)a->handles, a->nhandles * sizeof(in->sh[0]));
    for (uint32_t i = 0; i < a->nhandles && !err; i++) {
        err = get_handle(in->sh[i].handle, SOS_OBJ_NONE, SOS_RIGHT_TRANSFER, &in->handles[i]);
        for (uint32_t j = 0; j < i && !err; j++)
            if (in->sh[j].handle == in->sh[i].handle)
                err = SOS_ERR_INVALID_ARGS;
        memcpy(in->names[i], in->sh[i].name, SOS_HANDLE_NAME_MAX);
        in->names[i][SOS_HANDLE_NAME_MAX - 1] = 0;
    }
    return err;
}

/* Hand back why the spawn failed, cut to the caller's buffer (checked in decode). */
static void give_reason(const struct sos_spawn_args *a, const char *why)
{
    if (!a->reason)
        return;
    size_t n = MIN(strlen(why), a->reason_len - 1);
    const char nul = 0;
    /* the spawn's own error is the answer: a buffer unmapped since decode loses the text */
    if (!copy_to_user((uintptr_t)a->reason, why, n))
        copy_to_user((uintptr_t)a->reason + n, &nul, 1);
}

int64_t sys_process_spawn(uintptr_t uargs, uintptr_t out)
{
    struct spawn_in *in = kmalloc(sizeof(*in));
    if (!in)
        return SOS_ERR_NO_MEMORY;
    struct vmo *image = NULL;
    struct process *p;
    struct thread *t;
    int err = spawn_decode(uargs, out, in, &image);
    uint32_t need = 1 + ((in->a.flags & SOS_SPAWN_WANT_THREAD) ? 1 : 0);
    if (!err && htable_room(&cur_proc()->handles) + in->a.nhandles < need)
        err = SOS_ERR_NO_RESOURCES;
    struct spawn_req req = {image, in->name, in->args, in->a.args_len, in->a.priority,
                            in->a.nhandles, in->handles,
                            (const char(*)[SOS_HANDLE_NAME_MAX])in->names};
    const char *why;
    if (!err) {
        err = spawn_process(&req, &p, &t, &why);
        if (err)
            give_reason(&in->a, why);
    }
    if (err) {
        kfree(in);
        return err;
    }
    /* the child owns the handles now: they leave the parent's table */
    for (uint32_t i = 0; i < in->a.nhandles; i++)
        htable_take(&cur_proc()->handles, in->sh[i].handle);
    obj_ref(&t->obj);
    thread_start(t);
    err = give_handle(&p->obj, default_rights(SOS_OBJ_PROCESS), out);
    if (!err && (in->a.flags & SOS_SPAWN_WANT_THREAD)) {
        obj_ref(&t->obj);
        err = give_handle(&t->obj, default_rights(SOS_OBJ_THREAD),
                          uargs + offsetof(struct sos_spawn_args, thread_out));
    }
    obj_unref(&t->obj);
    kfree(in);
    return err;
}

int64_t sys_process_exit(int64_t code)
{
    struct process *p = cur_proc();
    process_kill(p, SOS_PROC_EXITED, code);
    thread_exit_current();
}

int64_t sys_process_kill(sos_handle_t process)
{
    struct process *p;
    int err = GET_OBJ(process, SOS_OBJ_PROCESS, SOS_RIGHT_MANAGE, struct process, &p);
    if (err)
        return err;
    p->fault.fault_class = p->state == SOS_PROC_RUNNING ? SOS_FAULT_KILLED : p->fault.fault_class;
    process_kill(p, SOS_PROC_KILLED, -1);
    return 0;
}

/* Copy out what the kernel kept of p's fault (proc/fault.c); returns the bytes copied. */
int64_t sys_process_fault_read(sos_handle_t process, uint32_t what, uint64_t offset,
                               uintptr_t buf, size_t len)
{
    struct process *p;
    int err = GET_OBJ(process, SOS_OBJ_PROCESS, SOS_RIGHT_MANAGE, struct process, &p);
    if (!err)
        err = check_user_out(buf, len);
    void *src = NULL;
    if (!err)
        err = fault_snap_read(p, what, offset, &src, &len);
    if (!err)
        err = copy_to_user(buf, src, len);
    return err ? err : (int64_t)len;
}

int64_t sys_thread_create(uint64_t entry, uint64_t stack_top, uint64_t arg, uintptr_t out)
{
    struct process *p = cur_proc();
    int err = check_user_out(out, sizeof(sos_handle_t));
    if (err)
        return err;
    if (!vm_check(p->vm, entry, 1, SOS_VM_EXEC) ||
        !vm_check(p->vm, stack_top - 16, 16, SOS_VM_WRITE) || (stack_top & 15))
        return SOS_ERR_INVALID_ARGS;
    struct thread *t = thread_create(p, entry, stack_top, arg, NULL, NULL);
    if (!t)
        return SOS_ERR_NO_MEMORY;
    t->prio = current_thread()->prio;
    obj_ref(&t->obj); /* for give_handle to consume: t keeps its own reference */
    err = give_handle(&t->obj, default_rights(SOS_OBJ_THREAD), out);
    if (err)
        thread_kill(t); /* never ran: drops t's own reference, which frees it */
    else
        thread_start(t);
    return err;
}

int64_t sys_thread_exit(void) { thread_exit_current(); }

int64_t sys_thread_kill(sos_handle_t thread)
{
    struct thread *t;
    int err = GET_OBJ(thread, SOS_OBJ_THREAD, SOS_RIGHT_MANAGE, struct thread, &t);
    if (err)
        return err;
    thread_kill(t);
    return 0;
}

int64_t sys_thread_yield(void)
{
    sched_yield_current();
    return 0;
}

int64_t sys_thread_sleep(sos_time_t deadline)
{
    int err = sched_block(deadline);
    return err == SOS_ERR_TIMED_OUT ? 0 : err;
}

int64_t sys_thread_set_priority(sos_handle_t thread, uint32_t priority, uint32_t options)
{
    struct thread *t;
    int err = GET_OBJ(thread, SOS_OBJ_THREAD, SOS_RIGHT_MANAGE, struct thread, &t);
    if (err)
        return err;
    if (priority > SOS_PRIO_MAX || options)
        return SOS_ERR_INVALID_ARGS;
    if (t->state == TS_DEAD)
        return SOS_ERR_BAD_STATE;
    sched_set_priority(t, priority);
    return 0;
}
