/*
 * core/obj/interrupt.c - interrupt objects: one per device line at most, SIGNALED when
 * the line fires. The line is masked from the moment it fires until interrupt_ack, so a
 * level-triggered device cannot storm the CPU while its driver is busy; closing the last
 * handle masks the line and frees it for the next interrupt_create.
 *
 * Layer: core objects.
 */
#include "obj/interrupt.h"

#include "mm/heap.h"

static struct kcache *g_irq_cache;

void interrupt_cache_init(void)
{
    g_irq_cache = kcache_create("interrupt", sizeof(struct interrupt));
    g_obj_bytes[SOS_OBJ_INTERRUPT] = kcache_obj_size(g_irq_cache);
}

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
