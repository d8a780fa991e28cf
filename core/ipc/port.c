/*
 * core/ipc/port.c - packet queues and signal bindings.
 *
 * Layer: core IPC.
 */
#include "ipc/port.h"

#include "mm/heap.h"

struct port_pkt {
    struct list_node node;
    struct sos_port_packet pkt;
    bool user; /* kmalloc'd user packet, else embedded in a binding */
};

struct port_binding {
    struct observer ob;
    struct port *port;
    struct object *obj;
    struct list_node port_node;
    uint32_t options;
    struct port_pkt pkt; /* queued when linked */
};

static struct kcache *g_port_cache;

static void port_destroy(struct object *o);
static void port_zero_handles(struct object *o);
static const struct obj_ops g_port_ops = {"port", port_destroy, port_zero_handles};

void port_cache_init(void)
{
    g_port_cache = kcache_create("port", sizeof(struct port));
    g_obj_bytes[SOS_OBJ_PORT] = kcache_obj_size(g_port_cache);
}

int port_new(struct port **out)
{
    struct port *p = kcache_alloc(g_port_cache);
    if (!p)
        return SOS_ERR_NO_MEMORY;
    obj_init(&p->obj, SOS_OBJ_PORT, &g_port_ops);
    list_init(&p->packets);
    list_init(&p->bindings);
    waitq_init(&p->waiters);
    *out = p;
    return 0;
}

static void push(struct port *p, struct port_pkt *pk)
{
    list_add_tail(&p->packets, &pk->node);
    p->npackets++;
    obj_signal(&p->obj, 0, SOS_SIG_READABLE);
    waitq_wake(&p->waiters, 1, 0);
}

static struct port_pkt *pop(struct port *p)
{
    struct list_node *n = list_pop_head(&p->packets);
    if (!n)
        return NULL;
    p->npackets--;
    if (!p->npackets)
        obj_signal(&p->obj, SOS_SIG_READABLE, 0);
    return list_entry(n, struct port_pkt, node);
}

static void binding_free(struct port_binding *b)
{
    if (list_linked(&b->pkt.node)) {
        list_remove(&b->pkt.node);
        b->port->npackets--;
        if (!b->port->npackets)
            obj_signal(&b->port->obj, SOS_SIG_READABLE, 0);
    }
    list_remove(&b->port_node);
    obj_unref(&b->port->obj);
    kfree(b);
}

static void port_drop_bindings(struct port *p)
{
    while (!list_empty(&p->bindings)) {
        struct port_binding *b = list_entry(p->bindings.next, struct port_binding, port_node);
        obj_ref(&p->obj);
        obj_unobserve(&b->ob);
        binding_free(b);
        obj_unref(&p->obj);
    }
}

static void port_zero_handles(struct object *o)
{
    struct port *p = (struct port *)o;
    port_drop_bindings(p); /* nobody can wait on it any more */
    waitq_wake(&p->waiters, UINT32_MAX, SOS_ERR_CANCELED);
}

static void port_destroy(struct object *o)
{
    struct port *p = (struct port *)o;
    struct port_pkt *pk;
    while ((pk = pop(p)))
        if (pk->user)
            kfree(pk);
    kcache_free(g_port_cache, p);
}

int port_queue_user(struct port *p, const struct sos_port_packet *pkt)
{
    if (p->nuser >= SOS_PORT_MAX_PACKETS)
        return SOS_ERR_QUEUE_FULL;
    struct port_pkt *pk = kmalloc(sizeof(*pk));
    if (!pk)
        return SOS_ERR_NO_MEMORY;
    pk->pkt = *pkt;
    pk->pkt.type = SOS_PKT_USER;
    pk->user = true;
    p->nuser++;
    push(p, pk);
    return 0;
}

int port_wait(struct port *p, sos_time_t deadline, struct sos_port_packet *out)
{
    for (;;) {
        struct port_pkt *pk = pop(p);
        if (pk) {
            *out = pk->pkt;
            if (pk->user) {
                p->nuser--;
                kfree(pk);
            } else {
                struct port_binding *b = container_of(pk, struct port_binding, pkt);
                list_init(&pk->node);
                pk->pkt.signal.count = 0;
                if (b->options == SOS_WAIT_ASYNC_ONCE && !list_linked(&b->ob.node))
                    binding_free(b);
            }
            return 0;
        }
        if (p->obj.handles == 0)
            return SOS_ERR_CANCELED;
        int err = waitq_wait(&p->waiters, deadline);
        if (err)
            return err;
    }
}

static void binding_fire(struct observer *ob, struct object *o, sos_signals_t observed)
{
    struct port_binding *b = container_of(ob, struct port_binding, ob);
    (void)o;
    b->pkt.pkt.signal.observed = observed;
    b->pkt.pkt.signal.count++;
    if (b->options == SOS_WAIT_ASYNC_ONCE)
        obj_unobserve(&b->ob);
    if (!list_linked(&b->pkt.node))
        push(b->port, &b->pkt);
}

static void binding_cancel(struct observer *ob, struct object *o)
{
    struct port_binding *b = container_of(ob, struct port_binding, ob);
    (void)o;
    if (!list_linked(&b->pkt.node))
        binding_free(b);
    /* else it is freed when its last packet is read (the object is gone) */
    else
        b->options = SOS_WAIT_ASYNC_ONCE;
}

int port_bind(struct port *p, struct object *o, uint64_t key, sos_signals_t signals,
              uint32_t options)
{
    struct port_binding *b = kmalloc(sizeof(*b));
    if (!b)
        return SOS_ERR_NO_MEMORY;
    b->port = p;
    obj_ref(&p->obj);
    b->obj = o;
    b->options = options;
    list_add_tail(&p->bindings, &b->port_node);
    list_init(&b->pkt.node);
    b->pkt.pkt = (struct sos_port_packet){.key = key, .type = SOS_PKT_SIGNAL};
    b->pkt.pkt.signal.trigger = signals;
    b->ob.trigger = signals;
    b->ob.fire = binding_fire;
    b->ob.cancel = binding_cancel;
    list_init(&b->ob.node);
    if (o->signals & signals) {
        b->pkt.pkt.signal.observed = o->signals;
        b->pkt.pkt.signal.count = 1;
        push(p, &b->pkt);
        if (options == SOS_WAIT_ASYNC_ONCE)
            return 0;
    }
    obj_observe(o, &b->ob);
    return 0;
}
