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
 * Layer: hal-x86_64 (above fbcon.c; kbdcon.c, virtio_pci.c and selftest.c use the
 * list).
 */
#include "dev.h"

#include <sos/errors.h>

#include "hal.h"
#include "cpu.h"
#include "bootinfo.h"
#include "fbcon.h"

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
