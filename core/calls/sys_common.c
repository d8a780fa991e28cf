/*
 * core/calls/sys_common.c - helpers for the handlers: lookups, out-handles, user strings.
 *
 * Layer: core syscalls.
 */
#include "calls/calls.h"

#include "audit.h"

sos_rights_t default_rights(uint32_t kind)
{
    const sos_rights_t base = SOS_RIGHT_DUPLICATE | SOS_RIGHT_TRANSFER | SOS_RIGHT_WAIT |
                              SOS_RIGHT_READ;
    switch (kind) {
    case SOS_OBJ_CHANNEL:
        return base | SOS_RIGHT_SEND | SOS_RIGHT_RECEIVE | SOS_RIGHT_SIGNAL;
    case SOS_OBJ_PORT:
        return base | SOS_RIGHT_SEND | SOS_RIGHT_RECEIVE;
    case SOS_OBJ_EVENT:
        return base | SOS_RIGHT_SIGNAL;
    case SOS_OBJ_TIMER:
        return base | SOS_RIGHT_WRITE | SOS_RIGHT_SIGNAL;
    case SOS_OBJ_VMO:
        return base | SOS_RIGHT_WRITE | SOS_RIGHT_MAP;
    case SOS_OBJ_PROCESS:
    case SOS_OBJ_THREAD:
        return base | SOS_RIGHT_MANAGE | SOS_RIGHT_SIGNAL;
    case SOS_OBJ_REVOKER:
        return base | SOS_RIGHT_MANAGE;
    case SOS_OBJ_INTERRUPT:
    case SOS_OBJ_DEVICE:
        return base | SOS_RIGHT_WRITE;
    default:
        return SOS_RIGHTS_ALL;
    }
}

int get_handle(sos_handle_t v, uint32_t kind, sos_rights_t rights, struct handle **out)
{
    return htable_get(&cur_proc()->handles, v, kind, rights, out);
}

int check_user_out(uintptr_t u, size_t len)
{
    return vm_check(cur_proc()->vm, u, len, SOS_VM_WRITE) && (u || !len) ? 0
                                                                         : SOS_ERR_BAD_ADDRESS;
}

int give_handle(struct object *o, sos_rights_t rights, uintptr_t uout)
{
    struct handle *h = handle_new(o, rights);
    obj_unref(o);
    if (!h)
        return SOS_ERR_NO_MEMORY;
    sos_handle_t v;
    int err = process_install(cur_proc(), h, &v);
    if (err)
        return err;
    audit_log(SOS_AUDIT_CREATE, h->obj, 0, rights, 0);
    err = copy_to_user(uout, &v, sizeof(v));
    if (err) /* checked before, so this means a bug or a racing unmap: undo */
        handle_free(htable_take(&cur_proc()->handles, v));
    return err;
}

int check_resource(sos_handle_t v, sos_rights_t rights)
{
    struct handle *h;
    return get_handle(v, SOS_OBJ_RESOURCE, rights, &h);
}

int copy_str_from_user(char *dst, uintptr_t u, size_t max)
{
    if (!u)
        return SOS_ERR_BAD_ADDRESS;
    for (size_t i = 0; i < max; i++) {
        int err = copy_from_user(&dst[i], u + i, 1);
        if (err)
            return err;
        if (!dst[i])
            return 0;
    }
    dst[max - 1] = 0; /* longer strings are cut */
    return 0;
}
