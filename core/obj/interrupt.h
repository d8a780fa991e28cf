/*
 * core/obj/interrupt.h - interrupt objects: SIGNALED when its device line fires; the
 * line stays masked until interrupt_ack.
 *
 * Layer: core objects. Under g_klock.
 */
#ifndef CORE_OBJ_INTERRUPT_H
#define CORE_OBJ_INTERRUPT_H

#include "obj/object.h"

struct interrupt {
    struct object obj;
    uint32_t line;
};

/* OUT_OF_RANGE for a line that is not a device line, ALREADY_EXISTS if it is taken. */
int interrupt_new(uint32_t line, struct interrupt **out);
void interrupt_ack(struct interrupt *irq);
/* A device interrupt arrived on `line`: signal its object. False if none is bound. */
bool interrupt_fire(uint32_t line);

void interrupt_cache_init(void);

#endif
