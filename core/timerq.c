/*
 * core/timerq.c - sorted per-CPU deadline lists and the HAL one-shot timer.
 *
 * Layer: core.
 */
#include "timerq.h"

#include "proc/sched.h"

void timerq_init_node(struct ktimer_node *n, void (*fn)(struct ktimer_node *))
{
    list_init(&n->node);
    n->fn = fn;
    n->deadline = INT64_MAX;
}

bool timerq_armed(const struct ktimer_node *n) { return list_linked(&n->node); }

void timerq_cancel(struct ktimer_node *n)
{
    if (list_linked(&n->node))
        list_remove(&n->node);
}

void timerq_arm(struct ktimer_node *n, int64_t deadline)
{
    timerq_cancel(n);
    struct cpu *c = this_cpu();
    n->deadline = deadline;
    n->cpu = c->id;
    struct list_node *pos;
    list_for_each(pos, &c->timers) {
        if (list_entry(pos, struct ktimer_node, node)->deadline > deadline)
            break;
    }
    list_insert_after(pos->prev, &n->node);
    timerq_program();
}

void timerq_program(void)
{
    struct cpu *c = this_cpu();
    int64_t d = sched_slice_deadline(c);
    if (!list_empty(&c->timers)) {
        int64_t t = list_entry(c->timers.next, struct ktimer_node, node)->deadline;
        d = MIN(d, t);
    }
    /*
     * Lazy: a deadline later than the armed one leaves the timer alone. It fires early,
     * timerq_expire finds nothing due and programs afresh (INT64_MIN). Re-arming on every
     * change cost a host timer_settime per context switch in the sim (the slice
     * deadline moves with each switch) and two per channel_call with a deadline.
     */
    if (d < c->armed_deadline || c->armed_deadline == INT64_MIN) {
        c->armed_deadline = d;
        hal_timer_set(d);
    }
}

void timerq_expire(void)
{
    struct cpu *c = this_cpu();
    int64_t now = hal_time_now();
    while (!list_empty(&c->timers)) {
        struct ktimer_node *n = list_entry(c->timers.next, struct ktimer_node, node);
        if (n->deadline > now)
            break;
        list_remove(&n->node);
        n->fn(n); /* may re-arm itself */
    }
    c->armed_deadline = INT64_MIN; /* the HAL timer fired: program afresh */
    timerq_program();
}
