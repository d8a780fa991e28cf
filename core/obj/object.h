/*
 * core/obj/object.h - the base of every kernel object, signals and observers.
 *
 * An object has a kind, a kernel id (koid, never reused), a reference count (kernel
 * pointers plus handles), a count of handles, a signal set and a list of observers
 * that are told when wanted signals rise. Everything here runs under g_klock.
 *
 * Layer: core objects.
 */
#ifndef CORE_OBJ_OBJECT_H
#define CORE_OBJ_OBJECT_H

#include "kernel.h"

struct object;

struct obj_ops {
    const char *name;
    /* The last reference went away: free the object. */
    void (*destroy)(struct object *o);
    /* The last handle was closed (the object may live on through kernel references). */
    void (*on_zero_handles)(struct object *o);
};

struct object {
    uint32_t kind; /* enum sos_obj_kind */
    uint32_t refs;
    uint32_t handles;
    sos_signals_t signals;
    sos_koid_t koid;
    const struct obj_ops *ops;
    struct list_node observers; /* struct observer */
};

/*
 * An observer is told when any of `trigger` rises on the object (a rising edge: the
 * signal was clear and is now set). Whoever registers it checks the current signals
 * first, so level-triggered waits are built from the edge and that check.
 */
struct observer {
    struct list_node node;
    sos_signals_t trigger;
    void (*fire)(struct observer *ob, struct object *o, sos_signals_t observed);
    /* The object is being destroyed: drop the observer (optional). */
    void (*cancel)(struct observer *ob, struct object *o);
};

void obj_init(struct object *o, uint32_t kind, const struct obj_ops *ops);
void obj_ref(struct object *o);
void obj_unref(struct object *o);

/* Clear then set signals; fires observers for signals that rose. */
void obj_signal(struct object *o, sos_signals_t clear, sos_signals_t set);

void obj_observe(struct object *o, struct observer *ob);
void obj_unobserve(struct observer *ob);

/* Live objects and bytes per object, by kind (kernel stats, leak tests). */
extern uint64_t g_obj_count[SOS_OBJ_KIND_COUNT];
extern uint64_t g_obj_bytes[SOS_OBJ_KIND_COUNT];
sos_koid_t koid_next(void);

#endif
