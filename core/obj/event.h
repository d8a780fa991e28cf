/*
 * core/obj/event.h - event objects: SIGNALED and user signals set and cleared with
 * object_signal; they exist only to raise signals between processes.
 *
 * Layer: core objects. Under g_klock.
 */
#ifndef CORE_OBJ_EVENT_H
#define CORE_OBJ_EVENT_H

#include "obj/object.h"

struct event {
    struct object obj;
};

int event_new(struct event **out);

void event_cache_init(void);

#endif
