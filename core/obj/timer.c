/*
 * core/obj/timer.c - timer objects: SIGNALED when the deadline passes, one-shot or
 * periodic. Each timer is a node of the core's timer queue (timerq.c), which calls
 * ktimer_fired under the core lock; a periodic timer drops and raises SIGNALED each
 * period, so REPEAT bindings see every period as an edge, and skips periods it missed.
 *
 * Layer: core objects.
 */
#include "obj/timer.h"

#include "mm/heap.h"

static struct kcache *g_timer_cache;

void timer_cache_init(void)
{
    g_timer_cache = kcache_create("timer", sizeof(struct ktimer));
    g_obj_bytes[SOS_OBJ_TIMER] = kcache_obj_size(g_timer_cache);
}

static void ktimer_destroy(struct object *o)
{
    struct ktimer *t = (struct ktimer *)o;
    timerq_cancel(&t->node);
    kcache_free(g_timer_cache, t);
}
static const struct obj_ops g_timer_ops = {"timer", ktimer_destroy, NULL};

static void ktimer_fired(struct ktimer_node *n)
{
    struct ktimer *t = container_of(n, struct ktimer, node);
    if (t->period > 0) /* every period is a new rising edge, so REPEAT bindings see it */
        obj_signal(&t->obj, SOS_SIG_SIGNALED, 0);
    obj_signal(&t->obj, 0, SOS_SIG_SIGNALED);
    if (t->period > 0) {
        int64_t now = hal_time_now();
        if (t->period > INT64_MAX - MAX(t->deadline, now))
            return; /* the next period would fall past the end of time */
        t->deadline += t->period;
        if (t->deadline <= now) /* late: skip the missed periods */
            t->deadline += ((now - t->deadline) / t->period + 1) * t->period;
        timerq_arm(&t->node, t->deadline);
    }
}

int ktimer_new(struct ktimer **out)
{
    struct ktimer *t = kcache_alloc(g_timer_cache);
    if (!t)
        return SOS_ERR_NO_MEMORY;
    obj_init(&t->obj, SOS_OBJ_TIMER, &g_timer_ops);
    timerq_init_node(&t->node, ktimer_fired);
    *out = t;
    return 0;
}

void ktimer_set(struct ktimer *t, sos_time_t deadline, sos_time_t period)
{
    obj_signal(&t->obj, SOS_SIG_SIGNALED, 0);
    t->deadline = deadline;
    t->period = period;
    timerq_arm(&t->node, deadline);
}

void ktimer_cancel(struct ktimer *t)
{
    timerq_cancel(&t->node);
    obj_signal(&t->obj, SOS_SIG_SIGNALED, 0);
}
