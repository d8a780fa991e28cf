/*
 * hal-x86_64/selftest.c - the boot self-test of the devices (kernel option hal.selftest).
 *
 * Before core_main, every device of hal_dev_get() is exercised the way the core will
 * use it: a block device reads, writes, flushes and reads back its last block, each
 * request completing with an interrupt on the device's line (counted through trap.c's
 * x86_irq_probe, so the core never sees them); other devices are listed.
 *
 * Layer: hal-x86_64 (a top-level part beside boot.c: only boot.c calls it).
 */
#include "selftest.h"

#include <sos/errors.h>

#include "hal.h"
#include "physmem.h"
#include "print.h"
#include "trap.h"

#include "lib/kstring.h"

static volatile unsigned g_irqs_seen;

static void count_irq(unsigned line)
{
    if (line >= HAL_IRQ_FIRST_DEVICE)
        g_irqs_seen++;
}

/* Submit, then wait with interrupts on: the completion must raise the device's line. */
static int run_req(const struct hal_dev_ops *ops, void *dev, struct hal_dev_req *r)
{
    int err = ops->submit(dev, r);
    if (err)
        return err;
    int64_t until = hal_time_now() + 5000000000ll;
    while (hal_time_now() < until) {
        hal_timer_set(hal_time_now() + 10000000); /* wake up in 10 ms at the latest */
        __asm__ volatile("sti; hlt; cli" ::: "memory");
        struct hal_dev_req *done = ops->poll(dev);
        if (done == r)
            return r->status;
    }
    return SOS_ERR_TIMED_OUT;
}

static void test_block(const struct hal_dev_ops *ops, void *dev, const struct hal_dev_info *in)
{
    paddr_t pa = x86_early_alloc(1);
    uint8_t *buf = hal_phys_to_virt(pa);
    g_irqs_seen = 0;
    uint64_t last = in->block_count - 1;
    struct hal_dev_req r = {HAL_DEVOP_READ, 0, 0, pa, 512, 0, 0};
    int e1 = run_req(ops, dev, &r);
    for (unsigned i = 0; i < 512; i++)
        buf[i] = (uint8_t)(i * 7 + 3);
    r = (struct hal_dev_req){HAL_DEVOP_WRITE, 0, last, pa, 512, 0, 0};
    int e2 = run_req(ops, dev, &r);
    r = (struct hal_dev_req){HAL_DEVOP_FLUSH, 0, 0, 0, 0, 0, 0};
    int e3 = run_req(ops, dev, &r);
    memset(buf, 0, 512);
    r = (struct hal_dev_req){HAL_DEVOP_READ, 0, last, pa, 512, 0, 0};
    int e4 = run_req(ops, dev, &r);
    bool same = true;
    for (unsigned i = 0; i < 512; i++)
        same &= buf[i] == (uint8_t)(i * 7 + 3);
    r = (struct hal_dev_req){HAL_DEVOP_READ, 0, last + 1, pa, 512, 0, 0};
    int e5 = ops->submit(dev, &r);
    bool ok = !e1 && !e2 && !e3 && !e4 && same && e5 == SOS_ERR_OUT_OF_RANGE;
    x86_printf("selftest: %s: %llu blocks: read, write, flush, read back %s (%d %d %d %d %d)\n",
               in->name, (unsigned long long)in->block_count, ok ? "ok" : "FAILED", e1, e2,
               e3, e4, e5);
    x86_printf("selftest: %s: completion interrupts on line %u: %s (%u)\n", in->name, in->irq,
               g_irqs_seen >= 3 ? "ok" : "FAILED", g_irqs_seen);
}

void x86_dev_selftest(void)
{
    x86_irq_probe = count_irq;
    const struct hal_dev_ops *ops;
    void *dev;
    for (unsigned i = 0; hal_dev_get(i, &ops, &dev); i++) {
        struct hal_dev_info in;
        ops->info(dev, &in);
        if (in.dev_class == HAL_DEV_BLOCK)
            test_block(ops, dev, &in);
        else
            x86_printf("selftest: device %u: class %u, %s, line %u\n", i, in.dev_class, in.name,
                       in.irq);
    }
    hal_timer_set(INT64_MAX);
    x86_irq_probe = NULL;
}
