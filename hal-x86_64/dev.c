/*
 * hal-x86_64/dev.c - the device list behind hal_dev_get(), and the display device.
 *
 * Devices are found at boot (PCI in pci.c, the GOP framebuffer here) and listed in the
 * order they were added: block devices first, then input, then the display. Each has
 * an interrupt line from x86_irq_line_alloc() (HAL_IRQ_FIRST_DEVICE upwards).
 *
 * The display: the GOP framebuffer. A WRITE request copies `len` bytes of XRGB8888
 * pixels to the screen starting at line `offset` (whole lines, `stride` bytes each as
 * hal_dev_info reports width and height); it completes at once. Its first write takes
 * the screen from the text console.
 *
 * Layer: hal-x86_64.
 */
#include "x86.h"

#include "lib/kstring.h"

#define MAX_DEVS 16

static struct {
    const struct hal_dev_ops *ops;
    void *dev;
} g_devs[MAX_DEVS];
static unsigned g_ndevs;
static unsigned g_next_line = HAL_IRQ_FIRST_DEVICE;

void x86_dev_add(const struct hal_dev_ops *ops, void *dev)
{
    if (g_ndevs < MAX_DEVS)
        g_devs[g_ndevs++] = (typeof(g_devs[0])){ops, dev};
}

unsigned x86_irq_line_alloc(void)
{
    return g_next_line <= X86_MAX_LINE ? g_next_line++ : 0;
}

bool hal_dev_get(unsigned index, const struct hal_dev_ops **ops, void **dev)
{
    if (index >= g_ndevs)
        return false;
    *ops = g_devs[index].ops;
    *dev = g_devs[index].dev;
    return true;
}

/* ---- the framebuffer as a display device */

struct display {
    volatile uint8_t *fb;
    uint32_t width, height, stride;
    struct hal_dev_req *done; /* completed, not yet polled (a short list) */
};

static struct display g_display;

static int display_submit(void *dev, struct hal_dev_req *req)
{
    struct display *d = dev;
    if (req->op != HAL_DEVOP_WRITE || req->offset >= d->height ||
        req->len > (uint64_t)(d->height - req->offset) * d->stride)
        return SOS_ERR_INVALID_ARGS;
    if (d->done)
        return SOS_ERR_SHOULD_WAIT;
    x86_fbcon_disable();
    const uint8_t *src = hal_phys_to_virt(req->buf);
    volatile uint8_t *dst = d->fb + req->offset * d->stride;
    for (uint64_t i = 0; i + 4 <= req->len; i += 4)
        *(volatile uint32_t *)(dst + i) = *(const uint32_t *)(const void *)(src + i);
    req->status = 0;
    req->actual = req->len & ~3ull;
    d->done = req;
    return 0;
}

static struct hal_dev_req *display_poll(void *dev)
{
    struct display *d = dev;
    struct hal_dev_req *r = d->done;
    d->done = NULL;
    return r;
}

static void display_info(void *dev, struct hal_dev_info *out)
{
    struct display *d = dev;
    memset(out, 0, sizeof(*out));
    out->dev_class = HAL_DEV_DISPLAY;
    k_strlcpy(out->name, "gop-framebuffer", sizeof(out->name));
    out->width = d->width;
    out->height = d->height;
    out->block_size = d->stride;
}

static const struct hal_dev_ops g_display_ops = {display_submit, display_poll, display_info};

void x86_display_init(void)
{
    const struct x86_boot *b = g_x86_boot;
    if (!b->fb_base || b->fb_format != 1)
        return;
    g_display.fb = x86_fb_map();
    g_display.width = b->fb_width;
    g_display.height = b->fb_height;
    g_display.stride = b->fb_stride;
    x86_dev_add(&g_display_ops, &g_display);
}

/* ---- boot self-test of the devices (kernel option hal.selftest) */

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
    for (unsigned i = 0; i < g_ndevs; i++) {
        struct hal_dev_info in;
        g_devs[i].ops->info(g_devs[i].dev, &in);
        if (in.dev_class == HAL_DEV_BLOCK)
            test_block(g_devs[i].ops, g_devs[i].dev, &in);
        else
            x86_printf("selftest: device %u: class %u, %s, line %u\n", i, in.dev_class, in.name,
                       in.irq);
    }
    hal_timer_set(INT64_MAX);
    x86_irq_probe = NULL;
}
