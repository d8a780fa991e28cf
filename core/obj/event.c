/*
 * core/obj/event.c - events, timers, interrupts, the root resource, the console input
 * ring and the fault record ring.
 *
 * Layer: core objects.
 */
#include "obj/event.h"

#include "mm/heap.h"

static struct kcache *g_event_cache, *g_timer_cache, *g_irq_cache;

static void event_destroy(struct object *o) { kcache_free(g_event_cache, o); }
static const struct obj_ops g_event_ops = {"event", event_destroy, NULL};

void event_caches_init(void)
{
    g_event_cache = kcache_create("event", sizeof(struct event));
    g_timer_cache = kcache_create("timer", sizeof(struct ktimer));
    g_irq_cache = kcache_create("interrupt", sizeof(struct interrupt));
    g_obj_bytes[SOS_OBJ_EVENT] = kcache_obj_size(g_event_cache);
    g_obj_bytes[SOS_OBJ_TIMER] = kcache_obj_size(g_timer_cache);
    g_obj_bytes[SOS_OBJ_INTERRUPT] = kcache_obj_size(g_irq_cache);
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

/* ---- timers */

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

int ktimer_set(struct ktimer *t, sos_time_t deadline, sos_time_t period)
{
    if (period < 0 || (period > 0 && period < 100000))
        return SOS_ERR_INVALID_ARGS; /* periods under 100 us would flood the CPU */
    if (deadline < 0)
        return SOS_ERR_INVALID_ARGS;
    obj_signal(&t->obj, SOS_SIG_SIGNALED, 0);
    t->deadline = deadline;
    t->period = period;
    timerq_arm(&t->node, deadline);
    return 0;
}

void ktimer_cancel(struct ktimer *t)
{
    timerq_cancel(&t->node);
    obj_signal(&t->obj, SOS_SIG_SIGNALED, 0);
}

/* ---- interrupts */

static struct interrupt *g_irq_objs[HAL_IRQ_MAX];

static void irq_destroy(struct object *o)
{
    struct interrupt *irq = (struct interrupt *)o;
    hal_irq_disable(irq->line);
    g_irq_objs[irq->line] = NULL;
    kcache_free(g_irq_cache, irq);
}
static const struct obj_ops g_irq_ops = {"interrupt", irq_destroy, NULL};

int interrupt_new(uint32_t line, struct interrupt **out)
{
    if (line < HAL_IRQ_FIRST_DEVICE || line >= HAL_IRQ_MAX)
        return SOS_ERR_OUT_OF_RANGE;
    if (g_irq_objs[line])
        return SOS_ERR_ALREADY_EXISTS;
    struct interrupt *irq = kcache_alloc(g_irq_cache);
    if (!irq)
        return SOS_ERR_NO_MEMORY;
    int err = hal_irq_enable(line);
    if (err) {
        kcache_free(g_irq_cache, irq);
        return err;
    }
    obj_init(&irq->obj, SOS_OBJ_INTERRUPT, &g_irq_ops);
    irq->line = line;
    g_irq_objs[line] = irq;
    *out = irq;
    return 0;
}

bool interrupt_fire(uint32_t line)
{
    struct interrupt *irq = line < HAL_IRQ_MAX ? g_irq_objs[line] : NULL;
    if (!irq)
        return false;
    hal_irq_disable(line);
    obj_signal(&irq->obj, 0, SOS_SIG_SIGNALED);
    return true;
}

void interrupt_ack(struct interrupt *irq)
{
    obj_signal(&irq->obj, SOS_SIG_SIGNALED, 0);
    hal_irq_ack(irq->line);
    hal_irq_enable(irq->line);
}

/* ---- the root resource, console input and fault records */

struct resource *g_root_resource;

static void resource_destroy(struct object *o) { kfree(o); }
static const struct obj_ops g_resource_ops = {"resource", resource_destroy, NULL};

int resource_init(void)
{
    g_root_resource = kmalloc(sizeof(*g_root_resource));
    if (!g_root_resource)
        return SOS_ERR_NO_MEMORY;
    obj_init(&g_root_resource->obj, SOS_OBJ_RESOURCE, &g_resource_ops);
    g_obj_bytes[SOS_OBJ_RESOURCE] = 64;
    return 0;
}

#define CONSOLE_RING 4096u
static char g_con[CONSOLE_RING];
static uint32_t g_con_head, g_con_tail; /* free-running */

size_t core_console_input(const char *buf, size_t len)
{
    klock_acquire();
    size_t i;
    for (i = 0; i < len; i++) {
        if (g_con_head - g_con_tail == CONSOLE_RING)
            break; /* full: the HAL keeps the rest */
        g_con[g_con_head++ % CONSOLE_RING] = buf[i];
    }
    if (g_root_resource && g_con_head != g_con_tail)
        obj_signal(&g_root_resource->obj, 0, SOS_SIG_READABLE);
    klock_release();
    return i;
}

size_t console_take(char *buf, size_t len)
{
    size_t n = 0;
    while (n < len && g_con_tail != g_con_head)
        buf[n++] = g_con[g_con_tail++ % CONSOLE_RING];
    if (g_con_head == g_con_tail)
        obj_signal(&g_root_resource->obj, SOS_SIG_READABLE, 0);
    return n;
}

#define FAULT_RING 64u
static struct sos_fault_record g_faults[FAULT_RING];
static uint32_t g_fault_head, g_fault_tail;

void fault_ring_push(const struct sos_fault_record *r)
{
    if (g_fault_head - g_fault_tail == FAULT_RING)
        g_fault_tail++; /* keep the newest */
    g_faults[g_fault_head++ % FAULT_RING] = *r;
    obj_signal(&g_root_resource->obj, 0, SOS_SIG_FAULT_RECORD);
}

uint32_t fault_ring_take(struct sos_fault_record *out, uint32_t max)
{
    uint32_t n = 0;
    while (n < max && g_fault_tail != g_fault_head)
        out[n++] = g_faults[g_fault_tail++ % FAULT_RING];
    if (g_fault_tail == g_fault_head)
        obj_signal(&g_root_resource->obj, SOS_SIG_FAULT_RECORD, 0);
    return n;
}
