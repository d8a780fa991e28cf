/*
 * core/proc/spawn.c - process launch: image, stack, startup block, handles, thread.
 *
 * The startup block is one read-only mapping:
 *   struct sos_startup | struct sos_startup_handle[n] | argv pointers | argv strings
 *
 * Layer: core processes.
 */
#include "proc/spawn.h"

#include "audit.h"
#include "mm/heap.h"
#include "proc/fault.h"

static uint32_t count_args(const char *args, uint32_t len)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < len; i++)
        if (args[i] == 0)
            n++;
    if (len && args[len - 1] != 0)
        n++; /* a last argument without its NUL */
    return n;
}

static int build_startup(struct process *p, const struct spawn_req *r, uintptr_t stack_base,
                         const struct elf_image *img, sos_handle_t *vals,
                         sos_handle_t self_p, sos_handle_t self_t, uintptr_t *out)
{
    uint32_t argc = count_args(r->args, r->args_len);
    size_t hoff = sizeof(struct sos_startup);
    /* handle entries are 28 bytes: realign for the argv pointers */
    size_t aoff = ALIGN_UP(hoff + r->nhandles * sizeof(struct sos_startup_handle),
                           sizeof(uint64_t));
    size_t soff = aoff + (argc + 1) * sizeof(uint64_t);
    size_t size = soff + r->args_len + 1;
    int err;
    struct vmo *v = vmo_new(size, 0, &err);
    if (!v)
        return err;
    uint8_t *buf = kmalloc(size);
    if (!buf) {
        obj_unref(&v->obj);
        return SOS_ERR_NO_MEMORY;
    }
    uintptr_t at = vm_find_gap(p->vm, v->size);
    err = at ? 0 : SOS_ERR_NO_RESOURCES;
    struct sos_startup *sb = (struct sos_startup *)buf;
    *sb = (struct sos_startup){
        .magic = SOS_STARTUP_MAGIC, .version = SOS_STARTUP_VERSION,
        .syscall_entry = hal_as_syscall_entry(p->vm->as), .image_base = img->base,
        .stack_base = stack_base, .stack_size = USER_STACK_SIZE, .argc = argc,
        .nhandles = r->nhandles, .argv = at + aoff, .handles = at + hoff,
        .self_process = self_p, .self_thread = self_t};
    struct sos_startup_handle *sh = (struct sos_startup_handle *)(buf + hoff);
    for (uint32_t i = 0; i < r->nhandles; i++) {
        sh[i].handle = vals[i];
        memcpy(sh[i].name, r->names[i], SOS_HANDLE_NAME_MAX);
        sh[i].name[SOS_HANDLE_NAME_MAX - 1] = 0;
    }
    uint64_t *argv = (uint64_t *)(buf + aoff);
    memcpy(buf + soff, r->args, r->args_len);
    for (uint32_t i = 0, a = 0; a < argc; a++) {
        argv[a] = at + soff + i;
        while (i < r->args_len && r->args[i])
            i++;
        i++;
    }
    if (!err)
        err = vmo_write(v, buf, 0, size);
    if (!err)
        err = vm_map(p->vm, v, 0, v->size, SOS_VM_READ, SOS_VM_READ, true, &at);
    kfree(buf);
    obj_unref(&v->obj);
    *out = at;
    return err;
}

static int map_stack(struct process *p, uintptr_t *base)
{
    int err;
    struct vmo *s = vmo_new(USER_STACK_SIZE, 0, &err);
    if (!s)
        return err;
    /* leave a guard page below the stack */
    uintptr_t at = vm_find_gap(p->vm, USER_STACK_SIZE + PAGE_SIZE);
    err = at ? 0 : SOS_ERR_NO_RESOURCES;
    at += PAGE_SIZE;
    if (!err)
        err = vm_map(p->vm, s, 0, USER_STACK_SIZE, SOS_VM_READ | SOS_VM_WRITE,
                     SOS_VM_READ | SOS_VM_WRITE, true, &at);
    obj_unref(&s->obj);
    *base = at;
    return err;
}

static int self_handles(struct process *p, struct thread *t, sos_handle_t *sp, sos_handle_t *st)
{
    const sos_rights_t r = SOS_RIGHT_READ | SOS_RIGHT_WAIT | SOS_RIGHT_MANAGE |
                           SOS_RIGHT_DUPLICATE | SOS_RIGHT_TRANSFER | SOS_RIGHT_SIGNAL;
    struct handle *hp = handle_new(&p->obj, r);
    struct handle *ht = handle_new(&t->obj, r);
    int err = hp && ht ? 0 : SOS_ERR_NO_MEMORY;
    if (!err) {
        /* the table was reserved for these: installing cannot fail */
        htable_install(&p->handles, hp, sp);
        htable_install(&p->handles, ht, st);
        return 0;
    }
    if (hp)
        handle_free(hp);
    if (ht)
        handle_free(ht);
    return err;
}

static int setup(struct process *p, struct thread *t, const struct spawn_req *r,
                 const char **why)
{
    struct elf_image img;
    uintptr_t stack = 0, sb = 0;
    sos_handle_t vals[SOS_SPAWN_MAX_HANDLES], sp, st;
    int err = elf_load(p, r->image, &img, why);
    if (!err)
        err = map_stack(p, &stack);
    if (!err)
        err = htable_reserve(&p->handles, r->nhandles + 2);
    if (!err)
        err = self_handles(p, t, &sp, &st);
    if (err)
        return err;
    for (uint32_t i = 0; i < r->nhandles; i++) /* reserved: cannot fail */
        htable_install(&p->handles, r->handles[i], &vals[i]);
    err = build_startup(p, r, stack, &img, vals, sp, st, &sb);
    if (err) {
        for (uint32_t i = 0; i < r->nhandles; i++) /* give them back untouched */
            htable_take(&p->handles, vals[i]);
        return err;
    }
    p->image_base = img.base;
    p->image_size = img.span;
    p->image_entry = img.entry;
    core_debug_image_loaded(p->name, img.base, img.span, img.entry);
    t->u_entry = img.entry;
    t->u_sp = stack + USER_STACK_SIZE;
    t->u_arg = sb;
    return 0;
}

int spawn_process(const struct spawn_req *req, struct process **pout, struct thread **tout,
                  const char **why)
{
    *why = "";
    if (req->nhandles > SOS_SPAWN_MAX_HANDLES || req->args_len > SOS_SPAWN_MAX_ARGS_BYTES)
        return SOS_ERR_OUT_OF_RANGE;
    int err;
    struct process *p = process_new(req->name, &err);
    if (!p)
        return err;
    struct thread *t = thread_create(p, 0, 0, 0, NULL, NULL);
    if (!t) {
        obj_unref(&p->obj);
        return SOS_ERR_NO_MEMORY;
    }
    if (req->priority)
        t->prio = MIN(req->priority, SOS_PRIO_MAX);
    err = setup(p, t, req, why);
    if (err) {
        thread_kill(t); /* never ran: detaches and frees it */
        obj_unref(&p->obj);
        return err;
    }
    /* the image's VMO as the target: a launcher's own record of where the image came
     * from (the root manager logs a stored image's path with this koid) links to it */
    audit_log(SOS_AUDIT_SPAWN, &p->obj, req->image ? req->image->obj.koid : 0, 0, 0);
    *pout = p;
    *tout = t;
    return 0;
}
