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
/* Periods under 100 us would flood the CPU: sys_timer_set refuses them. */
#define KTIMER_MIN_PERIOD 100000

/* Arm for `deadline` (>= 0), then every `period` (0: once, else >= KTIMER_MIN_PERIOD;
   the caller checked both). Clears SIGNALED. */
void ktimer_set(struct ktimer *t, sos_time_t deadline, sos_time_t period);
void ktimer_cancel(struct ktimer *t);

void timer_cache_init(void);

#endif
