/*
 * core/obj/object.c - reference counting, signals and observers for every object.
 *
 * Layer: core objects.
 */
#include "obj/object.h"

uint64_t g_obj_count[SOS_OBJ_KIND_COUNT];
uint64_t g_obj_bytes[SOS_OBJ_KIND_COUNT];
static sos_koid_t g_next_koid = 1024;

sos_koid_t koid_next(void) { return g_next_koid++; }

void obj_init(struct object *o, uint32_t kind, const struct obj_ops *ops)
{
    o->kind = kind;
    o->refs = 1;
    o->handles = 0;
    o->signals = 0;
    o->koid = koid_next();
    o->ops = ops;
    list_init(&o->observers);
    g_obj_count[kind]++;
}

void obj_ref(struct object *o)
{
    ASSERT(o->refs > 0);
    o->refs++;
}

void obj_unref(struct object *o)
{
    ASSERT(o->refs > 0);
    if (--o->refs)
        return;
    struct list_node *n, *t;
    list_for_each_safe(n, t, &o->observers) {
        struct observer *ob = list_entry(n, struct observer, node);
        list_remove(&ob->node);
        if (ob->cancel)
            ob->cancel(ob, o);
    }
    g_obj_count[o->kind]--;
    o->ops->destroy(o);
}

void obj_signal(struct object *o, sos_signals_t clear, sos_signals_t set)
{
    sos_signals_t old = o->signals;
    sos_signals_t now = (old & ~clear) | set;
    o->signals = now;
    sos_signals_t rose = now & ~old;
    if (!rose)
        return;
    struct list_node *n, *t;
    list_for_each_safe(n, t, &o->observers) {
        struct observer *ob = list_entry(n, struct observer, node);
        if (ob->trigger & rose)
            ob->fire(ob, o, now); /* may unlink itself */
    }
}

void obj_observe(struct object *o, struct observer *ob) { list_add_tail(&o->observers, &ob->node); }

void obj_unobserve(struct observer *ob)
{
    if (list_linked(&ob->node))
        list_remove(&ob->node);
}
