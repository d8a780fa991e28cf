/*
 * core/obj/event.c - event objects: SIGNALED and the user signals, set and cleared with
 * object_signal, and nothing else.
 *
 * Layer: core objects.
 */
#include "obj/event.h"

#include "mm/heap.h"

static struct kcache *g_event_cache;

static void event_destroy(struct object *o) { kcache_free(g_event_cache, o); }
static const struct obj_ops g_event_ops = {"event", event_destroy, NULL};

void event_cache_init(void)
{
    g_event_cache = kcache_create("event", sizeof(struct event));
    g_obj_bytes[SOS_OBJ_EVENT] = kcache_obj_size(g_event_cache);
}

int event_new(struct event **out)
{
    struct event *e = kcache_alloc(g_event_cache);
    if (!e)
        return SOS_ERR_NO_MEMORY;
    obj_init(&e->obj, SOS_OBJ_EVENT, &g_event_ops);
    *out = e;
    return 0;
}
