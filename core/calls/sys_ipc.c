/*
 * core/calls/sys_ipc.c - channel and port calls.
 *
 * Layer: core syscalls.
 */
#include "calls/calls.h"

#include "ipc/channel.h"
#include "ipc/port.h"
#include "audit.h"

int64_t sys_channel_create(uint32_t options, uintptr_t out)
{
    if (options)
        return SOS_ERR_INVALID_ARGS;
    int err = check_user_out(out, 2 * sizeof(sos_handle_t));
    if (!err)
        err = htable_reserve(&cur_proc()->handles, 2); /* then both installs succeed */
    if (err)
        return err;
    struct chan_end *a, *b;
    err = chan_create_pair(&a, &b);
    if (err)
        return err;
    sos_rights_t r = default_rights(SOS_OBJ_CHANNEL);
    struct handle *ha = handle_new(&a->obj, r);
    struct handle *hb = ha ? handle_new(&b->obj, r) : NULL;
    if (!hb) { /* out of memory: the ends never met a handle, so no peer sees a close */
        a->peer = b->peer = NULL;
        if (ha)
            handle_free(ha);
        obj_unref(&a->obj);
        obj_unref(&b->obj);
        return SOS_ERR_NO_MEMORY;
    }
    obj_unref(&a->obj); /* the handles hold the ends now */
    obj_unref(&b->obj);
    sos_handle_t v[2];
    htable_install(&cur_proc()->handles, ha, &v[0]);
    htable_install(&cur_proc()->handles, hb, &v[1]);
    audit_log(SOS_AUDIT_CREATE, &a->obj, b->obj.koid, r, 0);
    return copy_to_user(out, v, sizeof(v));
}

int64_t sys_channel_write(sos_handle_t handle, uintptr_t bytes, uint32_t nbytes,
                          uintptr_t handles, uint32_t nhandles)
{
    struct chan_end *e;
    int err = GET_OBJ(handle, SOS_OBJ_CHANNEL, SOS_RIGHT_SEND, struct chan_end, &e);
    if (err)
        return err;
    return chan_write_user(cur_proc(), e, bytes, nbytes, handles, nhandles);
}

int64_t sys_channel_read(sos_handle_t handle, uintptr_t urd)
{
    struct chan_end *e;
    struct sos_chan_read rd;
    int err = GET_OBJ(handle, SOS_OBJ_CHANNEL, SOS_RIGHT_RECEIVE, struct chan_end, &e);
    if (!err)
        err = copy_from_user(&rd, urd, sizeof(rd));
    if (!err)
        err = check_user_out(urd, sizeof(rd));
    if (err)
        return err;
    err = chan_read_user(cur_proc(), e, &rd);
    int cerr = copy_to_user(urd + offsetof(struct sos_chan_read, actual_bytes),
                            &rd.actual_bytes, 2 * sizeof(uint32_t));
    return err ? err : cerr;
}

int64_t sys_channel_call(sos_handle_t handle, sos_time_t deadline, uintptr_t ucall)
{
    struct chan_end *e;
    struct sos_chan_call c;
    int err = GET_OBJ(handle, SOS_OBJ_CHANNEL, SOS_RIGHT_SEND | SOS_RIGHT_RECEIVE,
                      struct chan_end, &e);
    if (!err)
        err = copy_from_user(&c, ucall, sizeof(c));
    if (!err)
        err = check_user_out(ucall, sizeof(c));
    if (err)
        return err;
    err = chan_call_user(cur_proc(), e, deadline, &c);
    int cerr = copy_to_user(ucall + offsetof(struct sos_chan_call, rd.actual_bytes),
                            &c.rd.actual_bytes, 2 * sizeof(uint32_t));
    return err ? err : cerr;
}

int64_t sys_port_create(uint32_t options, uintptr_t out)
{
    if (options)
        return SOS_ERR_INVALID_ARGS;
    int err = check_user_out(out, sizeof(sos_handle_t));
    if (err)
        return err;
    struct port *p;
    err = port_new(&p);
    if (err)
        return err;
    return give_handle(&p->obj, default_rights(SOS_OBJ_PORT), out);
}

int64_t sys_port_wait(sos_handle_t port, sos_time_t deadline, uintptr_t upkt)
{
    struct port *p;
    int err = GET_OBJ(port, SOS_OBJ_PORT, SOS_RIGHT_RECEIVE, struct port, &p);
    if (!err)
        err = check_user_out(upkt, sizeof(struct sos_port_packet));
    if (err)
        return err;
    struct sos_port_packet pkt;
    obj_ref(&p->obj);
    err = port_wait(p, deadline, &pkt);
    obj_unref(&p->obj);
    if (err)
        return err;
    return copy_to_user(upkt, &pkt, sizeof(pkt));
}

int64_t sys_port_queue(sos_handle_t port, uintptr_t upkt)
{
    struct port *p;
    struct sos_port_packet pkt;
    int err = GET_OBJ(port, SOS_OBJ_PORT, SOS_RIGHT_SEND, struct port, &p);
    if (!err)
        err = copy_from_user(&pkt, upkt, sizeof(pkt));
    if (err)
        return err;
    return port_queue_user(p, &pkt);
}
