/*
 * core/calls/sys_handle.c - handle_close/duplicate/replace/mint, revokers.
 *
 * Layer: core syscalls.
 */
#include "calls/calls.h"

#include "audit.h"

static sos_rights_t reduce(const struct handle *h, sos_rights_t rights)
{
    return rights == SOS_RIGHT_SAME_RIGHTS ? h->rights : rights;
}

int64_t sys_handle_close(sos_handle_t handle)
{
    if (handle == SOS_HANDLE_INVALID)
        return 0; /* closing nothing is fine, as elsewhere */
    struct handle *h = htable_take(&cur_proc()->handles, handle);
    if (!h)
        return SOS_ERR_BAD_HANDLE;
    handle_free(h);
    return 0;
}

/* Shared by duplicate and replace: check the new rights, make the new handle. */
static int derive(sos_handle_t handle, sos_rights_t rights, sos_rights_t need,
                  uintptr_t out, struct handle **src, struct handle **nh)
{
    int err = get_handle(handle, SOS_OBJ_NONE, need, src);
    if (err)
        return err;
    rights = reduce(*src, rights);
    if (rights & ~(*src)->rights) {
        audit_log(SOS_AUDIT_DENIED, (*src)->obj, 0, rights, SOS_ERR_ACCESS_DENIED);
        return SOS_ERR_ACCESS_DENIED; /* rights can only be reduced */
    }
    err = check_user_out(out, sizeof(sos_handle_t));
    if (err)
        return err;
    *nh = handle_derive(*src, rights);
    return *nh ? 0 : SOS_ERR_NO_MEMORY;
}

int64_t sys_handle_duplicate(sos_handle_t handle, sos_rights_t rights, uintptr_t out)
{
    struct handle *src, *nh;
    int err = derive(handle, rights, SOS_RIGHT_DUPLICATE, out, &src, &nh);
    if (err)
        return err;
    sos_handle_t v;
    err = process_install(cur_proc(), nh, &v);
    if (err)
        return err;
    audit_log(SOS_AUDIT_DUPLICATE, nh->obj, 0, nh->rights, 0);
    return copy_to_user(out, &v, sizeof(v));
}

int64_t sys_handle_replace(sos_handle_t handle, sos_rights_t rights, uintptr_t out)
{
    struct handle *src, *nh;
    int err = derive(handle, rights, 0, out, &src, &nh);
    if (err)
        return err;
    if (htable_room(&cur_proc()->handles) == 0) {
        handle_free(nh);
        return SOS_ERR_NO_RESOURCES;
    }
    handle_free(htable_take(&cur_proc()->handles, handle));
    sos_handle_t v;
    err = process_install(cur_proc(), nh, &v); /* the slot just freed is there */
    if (err)
        return err;
    return copy_to_user(out, &v, sizeof(v));
}

int64_t sys_revoker_create(uintptr_t out)
{
    int err = check_user_out(out, sizeof(sos_handle_t));
    if (err)
        return err;
    struct revoker *r = revoker_new();
    if (!r)
        return SOS_ERR_NO_MEMORY;
    return give_handle(&r->obj, default_rights(SOS_OBJ_REVOKER), out);
}

int64_t sys_revoker_revoke(sos_handle_t revoker)
{
    struct revoker *r;
    int err = GET_OBJ(revoker, SOS_OBJ_REVOKER, SOS_RIGHT_MANAGE, struct revoker, &r);
    if (err)
        return err;
    revoker_revoke(r);
    return 0;
}

int64_t sys_handle_mint(sos_handle_t handle, sos_handle_t revoker, sos_rights_t rights,
                        uintptr_t out)
{
    struct handle *src;
    struct revoker *r;
    int err = get_handle(handle, SOS_OBJ_NONE, SOS_RIGHT_DUPLICATE, &src);
    if (!err)
        err = GET_OBJ(revoker, SOS_OBJ_REVOKER, SOS_RIGHT_MANAGE, struct revoker, &r);
    if (err)
        return err;
    rights = reduce(src, rights);
    if (rights & ~src->rights) {
        audit_log(SOS_AUDIT_DENIED, src->obj, 0, rights, SOS_ERR_ACCESS_DENIED);
        return SOS_ERR_ACCESS_DENIED; /* rights can only be reduced, as in derive() */
    }
    err = check_user_out(out, sizeof(sos_handle_t));
    if (err)
        return err;
    struct handle *nh = handle_mint(src, r, rights, &err);
    if (!nh)
        return err;
    sos_handle_t v;
    err = process_install(cur_proc(), nh, &v);
    if (err)
        return err;
    audit_log(SOS_AUDIT_MINT, nh->obj, r->obj.koid, rights, 0);
    return copy_to_user(out, &v, sizeof(v));
}
