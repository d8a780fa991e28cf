/*
 * core/timerq.h - per-CPU deadline queues behind sleeps, waits with deadlines, timer
 * objects and time slices.
 *
 * Layer: core. Under g_klock.
 */
#ifndef CORE_TIMERQ_H
#define CORE_TIMERQ_H

#include "kernel.h"

struct ktimer_node {
    struct list_node node;
    int64_t deadline;
    unsigned cpu;
    void (*fn)(struct ktimer_node *n); /* runs under g_klock from the timer interrupt */
};

void timerq_init_node(struct ktimer_node *n, void (*fn)(struct ktimer_node *));
/* (Re)arm `n` for `deadline` on this CPU. */
void timerq_arm(struct ktimer_node *n, int64_t deadline);
void timerq_cancel(struct ktimer_node *n);
bool timerq_armed(const struct ktimer_node *n);

/* Run every node whose deadline has passed, then re-arm the HAL timer. */
void timerq_expire(void);
/*
 * Make sure the HAL timer fires no later than the earliest of this CPU's queue and its
 * time slice. It may fire earlier (a deadline that moved later is not re-armed): the
 * interrupt then runs nothing and programs afresh.
 */
void timerq_program(void);

#endif
