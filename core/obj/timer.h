/*
 * core/obj/timer.h - timer objects: SIGNALED when the deadline passes; one-shot or
 * periodic (a periodic timer drops and raises SIGNALED each period, so every period is
 * an edge for observers).
 *
 * Layer: core objects. Under g_klock.
 */
#ifndef CORE_OBJ_TIMER_H
#define CORE_OBJ_TIMER_H

#include "obj/object.h"
#include "timerq.h"

struct ktimer {
    struct object obj;
    struct ktimer_node node;
    sos_time_t deadline;
    sos_time_t period;
};

int ktimer_new(struct ktimer **out);
/* Arm for `deadline`, then every `period` (0: once). Periods under 100 us, and negative
   deadlines or periods, are INVALID_ARGS. Clears SIGNALED. */
int ktimer_set(struct ktimer *t, sos_time_t deadline, sos_time_t period);
void ktimer_cancel(struct ktimer *t);

void timer_cache_init(void);

#endif
