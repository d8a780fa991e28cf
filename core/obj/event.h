/*
 * core/obj/event.h - events, timers, interrupts and the resource object.
 *
 * Small objects that exist to raise signals:
 *  - event: SIGNALED and user signals set and cleared with object_signal.
 *  - timer: SIGNALED when its deadline passes; one-shot or periodic (a periodic timer
 *    drops and raises SIGNALED each period, so every period is an edge for observers).
 *  - interrupt: SIGNALED when its device line fires; the line stays masked until
 *    interrupt_ack.
 *  - resource: bootstrap authority. The root resource (MANAGE) gates privileged calls;
 *    it is READABLE while console input is waiting.
 *
 * Layer: core objects. Under g_klock.
 */
#ifndef CORE_OBJ_EVENT_H
#define CORE_OBJ_EVENT_H

#include "obj/object.h"
#include "timerq.h"

struct event {
    struct object obj;
};

struct ktimer {
    struct object obj;
    struct ktimer_node node;
    sos_time_t deadline;
    sos_time_t period;
};

struct interrupt {
    struct object obj;
    uint32_t line;
};

struct resource {
    struct object obj;
};

int event_new(struct event **out);
int ktimer_new(struct ktimer **out);
int ktimer_set(struct ktimer *t, sos_time_t deadline, sos_time_t period);
void ktimer_cancel(struct ktimer *t);
int interrupt_new(uint32_t line, struct interrupt **out);
void interrupt_ack(struct interrupt *irq);
/* A device interrupt arrived on `line`: signal its object. False if none is bound. */
bool interrupt_fire(uint32_t line);

extern struct resource *g_root_resource;
int resource_init(void);

/* Console input ring, drained with console_read. */
size_t console_take(char *buf, size_t len);

/* Fault records ring, drained with fault_read. */
void fault_ring_push(const struct sos_fault_record *r);
uint32_t fault_ring_take(struct sos_fault_record *out, uint32_t max);

void event_caches_init(void);

#endif
