/*
 * core/ipc/channel.c - channel endpoints, messages, write/read/call.
 *
 * Layer: core IPC.
 */
#include "ipc/channel.h"

#include "audit.h"
#include "mm/heap.h"
#include "proc/process.h"
#include "proc/sched.h"

struct chan_caller {
    struct list_node node;
    uint32_t txid;
    struct thread *t;
    struct msg *reply;
};

static struct kcache *g_chan_cache;
static uint32_t g_next_txid; /* one counter for every end: calls from both ends never collide */

static void chan_destroy(struct object *o);
static void chan_zero_handles(struct object *o);
static const struct obj_ops g_chan_ops = {"channel", chan_destroy, chan_zero_handles};

void channel_cache_init(void)
{
    g_chan_cache = kcache_create("channel", sizeof(struct chan_end));
    g_obj_bytes[SOS_OBJ_CHANNEL] = kcache_obj_size(g_chan_cache);
}

/* ---- messages */

static struct msg *msg_alloc(uint32_t nbytes, uint32_t nhandles)
{
    size_t hsz = nhandles * sizeof(struct handle *);
    struct msg *m = kmalloc(sizeof(*m) + hsz + nbytes);
    if (!m)
        return NULL;
    m->nbytes = nbytes;
    m->nhandles = nhandles;
    m->handles = (struct handle **)(m + 1);
    m->bytes = (uint8_t *)(m + 1) + hsz;
    list_init(&m->node);
    return m;
}

/* Free a message and every handle still inside it. */
static void msg_free(struct msg *m)
{
    for (uint32_t i = 0; i < m->nhandles; i++)
        if (m->handles[i])
            handle_free(m->handles[i]);
    kfree(m);
}

static void queue_free_all(struct chan_end *e)
{
    struct list_node *n;
    while ((n = list_pop_head(&e->msgs))) {
        struct msg *m = list_entry(n, struct msg, node);
        e->nmsgs--;
        e->qbytes -= m->nbytes;
        msg_free(m);
    }
}

/* ---- endpoints */

int chan_create_pair(struct chan_end **a, struct chan_end **b)
{
    struct chan_end *x = kcache_alloc(g_chan_cache);
    struct chan_end *y = x ? kcache_alloc(g_chan_cache) : NULL;
    if (!y) {
        if (x)
            kcache_free(g_chan_cache, x);
        return SOS_ERR_NO_MEMORY;
    }
    struct chan_end *ends[2] = {x, y};
    for (int i = 0; i < 2; i++) {
        obj_init(&ends[i]->obj, SOS_OBJ_CHANNEL, &g_chan_ops);
        list_init(&ends[i]->msgs);
        list_init(&ends[i]->callers);
        ends[i]->peer = ends[1 - i];
        ends[i]->obj.signals = SOS_SIG_WRITABLE;
    }
    *a = x;
    *b = y;
    return 0;
}

static void wake_callers(struct chan_end *e, int result)
{
    struct list_node *n;
    while ((n = list_pop_head(&e->callers))) {
        struct chan_caller *c = list_entry(n, struct chan_caller, node);
        sched_wake(c->t, result, false);
    }
}

static void chan_zero_handles(struct object *o)
{
    struct chan_end *e = (struct chan_end *)o;
    struct chan_end *peer = e->peer;
    e->peer = NULL;
    wake_callers(e, SOS_ERR_CANCELED);
    queue_free_all(e);
    if (peer) {
        peer->peer = NULL;
        obj_signal(&peer->obj, SOS_SIG_WRITABLE, SOS_SIG_PEER_CLOSED);
        wake_callers(peer, SOS_ERR_PEER_CLOSED);
    }
}

static void chan_destroy(struct object *o)
{
    struct chan_end *e = (struct chan_end *)o;
    ASSERT(!e->peer && list_empty(&e->callers));
    queue_free_all(e);
    kcache_free(g_chan_cache, e);
}

/* ---- write */

static bool queue_has_room(const struct chan_end *q, uint32_t nbytes)
{
    return q->nmsgs < SOS_CHANNEL_MAX_MSGS && q->qbytes + nbytes <= SOS_CHANNEL_MAX_QUEUED;
}

/*
 * Would queueing a handle to channel end `x` at `dest` close a loop of ends that hold
 * each other only inside their queues (x's queue holds, perhaps through more queued
 * ends, a handle to dest)? Once the tables let go, nobody could ever read such a loop,
 * so it would never be freed. Walks the ends queued behind x; a walk too big to finish
 * here counts as a loop (refused: the sender keeps its handles).
 */
#define LOOP_WALK_MAX 1024u
static bool would_loop(struct chan_end *x, const struct chan_end *dest)
{
    struct chan_end *todo[64];
    unsigned n = 0, steps = 0;
    todo[n++] = x;
    while (n) {
        struct chan_end *c = todo[--n];
        if (c == dest)
            return true;
        struct list_node *pos;
        list_for_each(pos, &c->msgs) {
            struct msg *m = list_entry(pos, struct msg, node);
            for (uint32_t i = 0; i < m->nhandles; i++) {
                struct object *o = m->handles[i] ? m->handles[i]->obj : NULL;
                if (!o || o->kind != SOS_OBJ_CHANNEL)
                    continue;
                if (++steps > LOOP_WALK_MAX || n == ARRAY_SIZE(todo))
                    return true;
                todo[n++] = (struct chan_end *)o;
            }
        }
    }
    return false;
}

/* Build a message from user buffers; the handles are looked up, not yet taken. */
static int msg_from_user(struct process *p, struct chan_end *e, uintptr_t ubytes,
                         uint32_t nbytes, uintptr_t uhandles, uint32_t nhandles,
                         sos_handle_t *vals, struct msg **out)
{
    if (nbytes > SOS_CHANNEL_MAX_BYTES || nhandles > SOS_CHANNEL_MAX_HANDLES)
        return SOS_ERR_OUT_OF_RANGE;
    int err = copy_from_user(vals, uhandles, nhandles * sizeof(sos_handle_t));
    if (err)
        return err;
    for (uint32_t i = 0; i < nhandles; i++) {
        struct handle *h;
        err = htable_get(&p->handles, vals[i], SOS_OBJ_NONE, SOS_RIGHT_TRANSFER, &h);
        if (err)
            return err;
        if (h->obj == &e->obj || (e->peer && h->obj == &e->peer->obj))
            return SOS_ERR_NOT_SUPPORTED; /* a channel cannot carry its own ends */
        if (h->obj->kind == SOS_OBJ_CHANNEL && e->peer &&
            would_loop((struct chan_end *)h->obj, e->peer))
            return SOS_ERR_NOT_SUPPORTED; /* nor an end that holds them in its queue */
        for (uint32_t j = 0; j < i; j++)
            if (vals[j] == vals[i])
                return SOS_ERR_INVALID_ARGS;
    }
    struct msg *m = msg_alloc(nbytes, nhandles);
    if (!m)
        return SOS_ERR_NO_MEMORY;
    err = copy_from_user(m->bytes, ubytes, nbytes);
    if (err) {
        kfree(m);
        return err;
    }
    *out = m;
    return 0;
}

/* The point of no return: move the looked-up handles out of p into m. */
static void msg_take_handles(struct process *p, struct chan_end *e, struct msg *m,
                             const sos_handle_t *vals)
{
    for (uint32_t i = 0; i < m->nhandles; i++) {
        m->handles[i] = htable_take(&p->handles, vals[i]);
        ASSERT(m->handles[i]);
        audit_log(SOS_AUDIT_TRANSFER, m->handles[i]->obj, e->obj.koid, m->handles[i]->rights, 0);
    }
}

static void update_writable(struct chan_end *q)
{
    /* the writer into q is q's peer: it is WRITABLE while q has room for a byte more */
    if (q->peer) {
        bool room = queue_has_room(q, 1);
        obj_signal(&q->peer->obj, room ? 0 : SOS_SIG_WRITABLE, room ? SOS_SIG_WRITABLE : 0);
    }
}

static void enqueue(struct chan_end *q, struct msg *m, bool front)
{
    if (front)
        list_add_head(&q->msgs, &m->node);
    else
        list_add_tail(&q->msgs, &m->node);
    q->nmsgs++;
    q->qbytes += m->nbytes;
    obj_signal(&q->obj, 0, SOS_SIG_READABLE);
    update_writable(q);
}

/* Hand m to q: to a caller waiting for this txid, else onto the queue. */
static void deliver(struct chan_end *q, struct msg *m)
{
    if (m->nbytes >= sizeof(uint32_t)) {
        uint32_t txid;
        memcpy(&txid, m->bytes, sizeof(txid));
        m->txid = txid;
        struct list_node *n;
        list_for_each(n, &q->callers) {
            struct chan_caller *c = list_entry(n, struct chan_caller, node);
            if (c->txid == txid && txid != 0) {
                list_remove(&c->node);
                c->reply = m;
                sched_wake(c->t, 0, false);
                return;
            }
        }
    }
    enqueue(q, m, false);
}

static int write_prepare(struct process *p, struct chan_end *e, uintptr_t ubytes,
                         uint32_t nbytes, uintptr_t uhandles, uint32_t nhandles,
                         sos_handle_t *vals, struct msg **out)
{
    int err = msg_from_user(p, e, ubytes, nbytes, uhandles, nhandles, vals, out);
    if (err)
        return err;
    err = !e->peer ? SOS_ERR_PEER_CLOSED : !queue_has_room(e->peer, nbytes) ? SOS_ERR_QUEUE_FULL : 0;
    if (err)
        kfree(*out);
    return err;
}

int chan_write_user(struct process *p, struct chan_end *e, uintptr_t ubytes,
                    uint32_t nbytes, uintptr_t uhandles, uint32_t nhandles)
{
    sos_handle_t vals[SOS_CHANNEL_MAX_HANDLES];
    struct msg *m;
    int err = write_prepare(p, e, ubytes, nbytes, uhandles, nhandles, vals, &m);
    if (err)
        return err;
    msg_take_handles(p, e, m, vals);
    deliver(e->peer, m);
    return 0;
}

/* ---- read */

/* Copy m out to the user and install its handles; on failure m is unchanged. */
static int msg_to_user(struct process *p, struct msg *m, struct sos_chan_read *rd)
{
    sos_handle_t vals[SOS_CHANNEL_MAX_HANDLES];
    if (m->nhandles > htable_room(&p->handles))
        return SOS_ERR_NO_RESOURCES;
    int err = copy_to_user((uintptr_t)rd->bytes, m->bytes, m->nbytes);
    if (err)
        return err;
    uint32_t i;
    for (i = 0; i < m->nhandles; i++) {
        vals[i] = SOS_HANDLE_INVALID; /* a revoked handle arrives as INVALID */
        if (!m->handles[i]->revoked && (err = htable_install(&p->handles, m->handles[i], &vals[i])))
            break;
    }
    if (!err)
        err = copy_to_user((uintptr_t)rd->handles, vals, m->nhandles * sizeof(sos_handle_t));
    if (err) {
        for (uint32_t j = 0; j < i && j < m->nhandles; j++)
            if (vals[j])
                htable_take(&p->handles, vals[j]);
        return err;
    }
    for (i = 0; i < m->nhandles; i++) {
        if (m->handles[i]->revoked)
            handle_free(m->handles[i]);
        m->handles[i] = NULL;
    }
    return 0;
}

static int read_one(struct process *p, struct chan_end *e, struct msg *m,
                    struct sos_chan_read *rd)
{
    rd->actual_bytes = m->nbytes;
    rd->actual_handles = m->nhandles;
    if (m->nbytes > rd->bytes_cap || m->nhandles > rd->handles_cap)
        return SOS_ERR_BUFFER_TOO_SMALL;
    (void)e;
    return msg_to_user(p, m, rd);
}

static void dequeue(struct chan_end *e, struct msg *m)
{
    list_remove(&m->node);
    e->nmsgs--;
    e->qbytes -= m->nbytes;
    if (!e->nmsgs)
        obj_signal(&e->obj, SOS_SIG_READABLE, 0);
    update_writable(e);
}

int chan_read_user(struct process *p, struct chan_end *e, struct sos_chan_read *rd)
{
    if (list_empty(&e->msgs)) {
        rd->actual_bytes = rd->actual_handles = 0;
        return e->peer ? SOS_ERR_SHOULD_WAIT : SOS_ERR_PEER_CLOSED;
    }
    struct msg *m = list_entry(e->msgs.next, struct msg, node);
    int err = read_one(p, e, m, rd);
    if (err)
        return err;
    dequeue(e, m);
    kfree(m); /* its handles have moved */
    return 0;
}

/* ---- call */

int chan_call_user(struct process *p, struct chan_end *e, sos_time_t deadline,
                   struct sos_chan_call *a)
{
    if (a->wr_nbytes < sizeof(uint32_t))
        return SOS_ERR_INVALID_ARGS;
    sos_handle_t vals[SOS_CHANNEL_MAX_HANDLES];
    struct msg *m;
    int err = write_prepare(p, e, (uintptr_t)a->wr_bytes, a->wr_nbytes,
                            (uintptr_t)a->wr_handles, a->wr_nhandles, vals, &m);
    if (err)
        return err;
    msg_take_handles(p, e, m, vals);
    uint32_t txid = ++g_next_txid | 0x80000000u; /* kernel txids have the top bit */
    memcpy(m->bytes, &txid, sizeof(txid));
    struct chan_caller c = {.txid = txid, .t = current_thread()};
    list_add_tail(&e->callers, &c.node);
    obj_ref(&e->obj);
    this_cpu()->ipc_handoff = true; /* the server woken by this message runs next */
    deliver(e->peer, m);
    this_cpu()->ipc_handoff = false;
    err = sched_block(deadline);
    if (list_linked(&c.node))
        list_remove(&c.node);
    if (c.reply) {
        err = read_one(p, e, c.reply, &a->rd);
        if (err)
            enqueue(e, c.reply, true); /* nothing is lost: read it with channel_read */
        else
            kfree(c.reply);
    } else if (err == 0) {
        err = SOS_ERR_INTERNAL;
    }
    obj_unref(&e->obj);
    return err;
}
