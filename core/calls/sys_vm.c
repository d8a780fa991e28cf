/*
 * core/calls/sys_vm.c - memory objects and mappings.
 *
 * Layer: core syscalls.
 */
#include "calls/calls.h"

#include "mm/vmo.h"

#define IO_CHUNK 4096u

int64_t sys_vmo_create(uint64_t size, uint32_t options, uintptr_t out)
{
    int err = check_user_out(out, sizeof(sos_handle_t));
    if (err)
        return err;
    struct vmo *v = vmo_new(size, options, &err);
    if (!v)
        return err;
    return give_handle(&v->obj, default_rights(SOS_OBJ_VMO), out);
}

int64_t sys_vmo_read(sos_handle_t vmo, uintptr_t buf, uint64_t offset, size_t len)
{
    struct vmo *v;
    int err = GET_OBJ(vmo, SOS_OBJ_VMO, SOS_RIGHT_READ, struct vmo, &v);
    if (!err)
        err = check_user_out(buf, len);
    if (err)
        return err;
    return vmo_read_user(v, buf, offset, len);
}

int64_t sys_vmo_write(sos_handle_t vmo, uintptr_t buf, uint64_t offset, size_t len)
{
    struct vmo *v;
    int err = GET_OBJ(vmo, SOS_OBJ_VMO, SOS_RIGHT_WRITE, struct vmo, &v);
    if (err)
        return err;
    if (!vm_check(cur_proc()->vm, buf, len, SOS_VM_READ) || (!buf && len))
        return SOS_ERR_BAD_ADDRESS;
    if (offset > v->size || len > v->size - offset)
        return SOS_ERR_OUT_OF_RANGE;
    return vmo_write_user(v, buf, offset, len);
}

int64_t sys_vmo_get_size(sos_handle_t vmo, uintptr_t size)
{
    struct vmo *v;
    int err = GET_OBJ(vmo, SOS_OBJ_VMO, SOS_RIGHT_READ, struct vmo, &v);
    if (err)
        return err;
    return copy_to_user(size, &v->size, sizeof(v->size));
}

int64_t sys_vmo_set_size(sos_handle_t vmo, uint64_t size)
{
    struct vmo *v;
    int err = GET_OBJ(vmo, SOS_OBJ_VMO, SOS_RIGHT_WRITE, struct vmo, &v);
    if (err)
        return err;
    return vmo_set_size(v, size);
}

/* The process a vm call acts on: self needs nothing more, another needs MANAGE. */
static int target_process(sos_handle_t handle, struct process **out)
{
    struct handle *h;
    int err = get_handle(handle, SOS_OBJ_PROCESS, 0, &h);
    if (err)
        return err;
    struct process *p = (struct process *)h->obj;
    if (p != cur_proc() && !(h->rights & SOS_RIGHT_MANAGE))
        return SOS_ERR_ACCESS_DENIED;
    if (p->finalized)
        return SOS_ERR_BAD_STATE;
    *out = p;
    return 0;
}

static uint32_t max_prot_of(const struct handle *h)
{
    return ((h->rights & SOS_RIGHT_READ) ? SOS_VM_READ : 0) |
           ((h->rights & SOS_RIGHT_WRITE) ? SOS_VM_WRITE : 0) |
           ((h->rights & SOS_RIGHT_EXECUTE) ? SOS_VM_EXEC : 0);
}

int64_t sys_vm_map(uintptr_t umap)
{
    struct sos_vm_map m;
    int err = copy_from_user(&m, umap, sizeof(m));
    if (!err)
        err = check_user_out(umap, sizeof(m));
    if (err)
        return err;
    struct process *p;
    struct handle *vh;
    err = target_process(m.process, &p);
    if (!err)
        err = get_handle(m.vmo, SOS_OBJ_VMO, SOS_RIGHT_MAP, &vh);
    if (err)
        return err;
    if (m.flags & ~SOS_MAP_FIXED)
        return SOS_ERR_INVALID_ARGS;
    uintptr_t va = (uintptr_t)m.addr;
    err = vm_map(p->vm, (struct vmo *)vh->obj, m.offset, m.len, m.prot, max_prot_of(vh),
                 m.flags & SOS_MAP_FIXED, &va);
    if (err)
        return err;
    m.addr = va;
    return copy_to_user(umap + offsetof(struct sos_vm_map, addr), &m.addr, sizeof(m.addr));
}

int64_t sys_vm_unmap(sos_handle_t process, uint64_t addr, uint64_t len)
{
    struct process *p;
    int err = target_process(process, &p);
    if (err)
        return err;
    return vm_unmap(p->vm, addr, len);
}

int64_t sys_vm_protect(sos_handle_t process, uint64_t addr, uint64_t len, uint32_t prot)
{
    struct process *p;
    int err = target_process(process, &p);
    if (err)
        return err;
    return vm_protect(p->vm, addr, len, prot);
}
