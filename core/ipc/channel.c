/*
 * core/ipc/channel.c - channel endpoints and their messages: write, read and call.
 *
 * The functions here only perform. The syscall layer (core/calls/sys_ipc.c) has already
 * copied the message in, looked every handle up with TRANSFER and asked the two
 * predicates chan_check_carry and chan_check_room; after that chan_write and chan_call
 * cannot fail a check, and the sender's handles move only at the point of no return.
 *
 * Calls and transaction ids. A message's first four bytes are its txid. chan_call
 * stamps the request with a fresh kernel txid (top bit set, so it never equals one a
 * user picked for a plain write) from one counter shared by every end, so calls from
 * both ends of a channel never collide, and parks the caller on its own end's `callers`
 * list. deliver() looks at every message written to an end: when a caller there waits
 * for that txid, the message goes straight to it (c->reply) and never touches the
 * queue, so a concurrent channel_read on that end cannot take it. A reply nobody waits for any more (the caller timed out) is queued like any
 * message. Direct handoff: while the request is delivered, ipc_handoff tells the
 * scheduler that the server this wakes should run next on this CPU, as the caller is
 * about to block; a call is then one switch there and one back.
 *
 * Counting: every delivered message (a write, a reply among them, or a call's request)
 * adds one to this CPU's ipc counters, with its bytes and handles; the kernel stats
 * (SOS_INFO_KERNEL_STATS) report the sum over the CPUs.
 *
 * Closing: the last handle to an end wakes its callers with CANCELED, the peer's with
 * PEER_CLOSED, and frees the queued messages with the handles inside them.
 *
 * Layer: core IPC. Under g_klock.
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

struct msg *chan_msg_alloc(uint32_t nbytes, uint32_t nhandles)
{
    size_t hsz = nhandles * sizeof(struct handle *);
    struct msg *m = kmalloc(sizeof(*m) + hsz + nbytes);
    if (!m)
        return NULL;
    m->nbytes = nbytes;
    m->nhandles = nhandles;
    m->handles = (struct handle **)(m + 1);
    m->bytes = (uint8_t *)(m + 1) + hsz;
    for (uint32_t i = 0; i < nhandles; i++)
        m->handles[i] = NULL;
    list_init(&m->node);
    return m;
}

void chan_msg_free(struct msg *m)
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
        chan_msg_free(m);
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

int chan_check_carry(struct chan_end *e, const struct object *o)
{
    if (o == &e->obj || (e->peer && o == &e->peer->obj))
        return SOS_ERR_NOT_SUPPORTED; /* a channel cannot carry its own ends */
    if (o->kind == SOS_OBJ_CHANNEL && e->peer && would_loop((struct chan_end *)o, e->peer))
        return SOS_ERR_NOT_SUPPORTED; /* nor an end that holds them in its queue */
    return 0;
}

int chan_check_room(const struct chan_end *e, uint32_t nbytes)
{
    if (!e->peer)
        return SOS_ERR_PEER_CLOSED;
    return queue_has_room(e->peer, nbytes) ? 0 : SOS_ERR_QUEUE_FULL;
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

/* Count m as carried on this CPU: plain increments under g_klock, no shared cache line
   written on the fast path; chan_counts sums the CPUs when someone asks. */
static void count_carried(const struct msg *m)
{
    struct ipc_counts *c = &this_cpu()->ipc;
    c->messages++;
    c->bytes += m->nbytes;
    c->handles += m->nhandles;
}

struct ipc_counts chan_counts(void)
{
    struct ipc_counts sum = {0, 0, 0};
    for (unsigned i = 0; i < HAL_MAX_CPUS; i++) {
        sum.messages += g_cpus[i].ipc.messages;
        sum.bytes += g_cpus[i].ipc.bytes;
        sum.handles += g_cpus[i].ipc.handles;
    }
    return sum;
}

/* Hand m to q: to a caller waiting for this txid, else onto the queue. */
static void deliver(struct chan_end *q, struct msg *m)
{
    count_carried(m);
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

void chan_write(struct process *p, struct chan_end *e, struct msg *m, const sos_handle_t *vals)
{
    msg_take_handles(p, e, m, vals);
    deliver(e->peer, m);
}

/* ---- read */

static void dequeue(struct chan_end *e, struct msg *m)
{
    list_remove(&m->node);
    e->nmsgs--;
    e->qbytes -= m->nbytes;
    if (!e->nmsgs)
        obj_signal(&e->obj, SOS_SIG_READABLE, 0);
    update_writable(e);
}

int chan_peek(const struct chan_end *e, struct msg **out)
{
    if (list_empty(&e->msgs))
        return e->peer ? SOS_ERR_SHOULD_WAIT : SOS_ERR_PEER_CLOSED;
    *out = list_entry(e->msgs.next, struct msg, node);
    return 0;
}

void chan_consume(struct chan_end *e, struct msg *m)
{
    dequeue(e, m);
    chan_msg_free(m); /* its handles have moved: nothing inside is freed */
}

void chan_unread(struct chan_end *e, struct msg *m) { enqueue(e, m, true); }

/* ---- call */

int chan_call(struct process *p, struct chan_end *e, struct msg *m, const sos_handle_t *vals,
              sos_time_t deadline, struct msg **reply)
{
    msg_take_handles(p, e, m, vals);
    uint32_t txid = ++g_next_txid | 0x80000000u; /* kernel txids have the top bit */
    memcpy(m->bytes, &txid, sizeof(txid));
    struct chan_caller c = {.txid = txid, .t = current_thread()};
    list_add_tail(&e->callers, &c.node);
    this_cpu()->ipc_handoff = true; /* the server woken by this message runs next */
    deliver(e->peer, m);
    this_cpu()->ipc_handoff = false;
    int err = sched_block(deadline);
    if (list_linked(&c.node))
        list_remove(&c.node);
    *reply = c.reply;
    if (c.reply)
        return 0;
    return err ? err : SOS_ERR_INTERNAL;
}
