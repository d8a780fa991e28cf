/*
 * core/calls/sys_ipc.c - channel and port calls.
 *
 * Channels follow decode, then perform. decode_write copies the bytes into a fresh
 * kernel message and the handle values into a kernel array, looks each handle up with
 * TRANSFER (no duplicates, nothing the channel may not carry) and checks the peer has
 * room; only then do chan_write/chan_call move anything, and they cannot fail a check.
 * On any error no handle moves: the caller still owns them all. Reading out is the
 * mirror image: msg_to_user copies a queued message out and installs its handles,
 * undoing the installs if any step fails so the message stays queued intact.
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

/* A decoded channel write: nothing has moved yet. */
struct chan_out {
    struct msg *m; /* the bytes, copied in; handle slots empty */
    sos_handle_t vals[SOS_CHANNEL_MAX_HANDLES]; /* looked up and checked */
};

static int decode_handle(struct chan_end *e, const sos_handle_t *vals, uint32_t i)
{
    struct handle *h;
    int err = get_handle(vals[i], SOS_OBJ_NONE, SOS_RIGHT_TRANSFER, &h);
    if (!err)
        err = chan_check_carry(e, h->obj);
    for (uint32_t j = 0; j < i && !err; j++)
        if (vals[j] == vals[i])
            err = SOS_ERR_INVALID_ARGS;
    return err;
}

static int decode_write(struct chan_end *e, uintptr_t ubytes, uint32_t nbytes,
                        uintptr_t uhandles, uint32_t nhandles, struct chan_out *w)
{
    if (nbytes > SOS_CHANNEL_MAX_BYTES || nhandles > SOS_CHANNEL_MAX_HANDLES)
        return SOS_ERR_OUT_OF_RANGE;
    int err = copy_from_user(w->vals, uhandles, nhandles * sizeof(sos_handle_t));
    for (uint32_t i = 0; i < nhandles && !err; i++)
        err = decode_handle(e, w->vals, i);
    if (err)
        return err;
    w->m = chan_msg_alloc(nbytes, nhandles);
    if (!w->m)
        return SOS_ERR_NO_MEMORY;
    err = copy_from_user(w->m->bytes, ubytes, nbytes);
    if (!err)
        err = chan_check_room(e, nbytes);
    if (err)
        chan_msg_free(w->m); /* no handle inside yet */
    return err;
}

int64_t sys_channel_write(sos_handle_t handle, uintptr_t bytes, uint32_t nbytes,
                          uintptr_t handles, uint32_t nhandles)
{
    struct chan_end *e;
    struct chan_out w;
    int err = GET_OBJ(handle, SOS_OBJ_CHANNEL, SOS_RIGHT_SEND, struct chan_end, &e);
    if (!err)
        err = decode_write(e, bytes, nbytes, handles, nhandles, &w);
    if (err)
        return err;
    chan_write(cur_proc(), e, w.m, w.vals);
    return 0;
}

static void uninstall(struct process *p, const sos_handle_t *vals, uint32_t n)
{
    for (uint32_t j = 0; j < n; j++)
        if (vals[j])
            htable_take(&p->handles, vals[j]);
}

/* Install m's handles in p (a revoked one reads INVALID); on failure none stays. */
static int install_handles(struct process *p, struct msg *m, sos_handle_t *vals)
{
    int err = 0;
    uint32_t i;
    for (i = 0; i < m->nhandles; i++) {
        vals[i] = SOS_HANDLE_INVALID;
        if (!m->handles[i]->revoked && (err = htable_install(&p->handles, m->handles[i], &vals[i])))
            break;
    }
    if (err)
        uninstall(p, vals, i);
    return err;
}

/* Copy m out into the reader's buffers and install its handles; on failure m is as it was. */
static int msg_to_user(struct process *p, struct msg *m, struct sos_chan_read *rd)
{
    sos_handle_t vals[SOS_CHANNEL_MAX_HANDLES];
    rd->actual_bytes = m->nbytes;
    rd->actual_handles = m->nhandles;
    if (m->nbytes > rd->bytes_cap || m->nhandles > rd->handles_cap)
        return SOS_ERR_BUFFER_TOO_SMALL;
    if (m->nhandles > htable_room(&p->handles))
        return SOS_ERR_NO_RESOURCES;
    int err = copy_to_user((uintptr_t)rd->bytes, m->bytes, m->nbytes);
    if (!err)
        err = install_handles(p, m, vals);
    if (err)
        return err;
    err = copy_to_user((uintptr_t)rd->handles, vals, m->nhandles * sizeof(sos_handle_t));
    if (err) {
        uninstall(p, vals, m->nhandles);
        return err;
    }
    for (uint32_t i = 0; i < m->nhandles; i++) {
        if (m->handles[i]->revoked)
            handle_free(m->handles[i]);
        m->handles[i] = NULL; /* moved */
    }
    return 0;
}

int64_t sys_channel_read(sos_handle_t handle, uintptr_t urd)
{
    struct chan_end *e;
    struct sos_chan_read rd;
    struct msg *m;
    int err = GET_OBJ(handle, SOS_OBJ_CHANNEL, SOS_RIGHT_RECEIVE, struct chan_end, &e);
    if (!err)
        err = copy_from_user(&rd, urd, sizeof(rd));
    if (!err)
        err = check_user_out(urd, sizeof(rd));
    if (err)
        return err;
    rd.actual_bytes = rd.actual_handles = 0;
    err = chan_peek(e, &m);
    if (!err)
        err = msg_to_user(cur_proc(), m, &rd);
    if (!err)
        chan_consume(e, m);
    int cerr = copy_to_user(urd + offsetof(struct sos_chan_read, actual_bytes),
                            &rd.actual_bytes, 2 * sizeof(uint32_t));
    return err ? err : cerr;
}

/* The call itself, once decoded: send, wait, read the reply out (or queue it back). */
static int channel_call(struct chan_end *e, struct chan_out *w, sos_time_t deadline,
                        struct sos_chan_read *rd)
{
    struct msg *reply;
    obj_ref(&e->obj); /* the end outlives a close by another thread while we wait */
    int err = chan_call(cur_proc(), e, w->m, w->vals, deadline, &reply);
    if (!err) {
        err = msg_to_user(cur_proc(), reply, rd);
        if (err)
            chan_unread(e, reply); /* nothing is lost: read it with channel_read */
        else
            chan_msg_free(reply);
    }
    obj_unref(&e->obj);
    return err;
}

int64_t sys_channel_call(sos_handle_t handle, sos_time_t deadline, uintptr_t ucall)
{
    struct chan_end *e;
    struct sos_chan_call c;
    struct chan_out w;
    int err = GET_OBJ(handle, SOS_OBJ_CHANNEL, SOS_RIGHT_SEND | SOS_RIGHT_RECEIVE,
                      struct chan_end, &e);
    if (!err)
        err = copy_from_user(&c, ucall, sizeof(c));
    if (!err)
        err = check_user_out(ucall, sizeof(c));
    if (!err && c.wr_nbytes < sizeof(uint32_t))
        err = SOS_ERR_INVALID_ARGS; /* no room for the txid */
    if (!err)
        err = decode_write(e, (uintptr_t)c.wr_bytes, c.wr_nbytes, (uintptr_t)c.wr_handles,
                           c.wr_nhandles, &w);
    if (err)
        return err;
    err = channel_call(e, &w, deadline, &c.rd);
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
