/*
 * hal-x86_64/dev.c - the device list behind hal_dev_get(), and the display device.
 *
 * Devices are found at boot (PCI in pci.c, the GOP framebuffer here) and listed in the
 * order they were added: block devices first, then input, then the display. Each has
 * an interrupt line from x86_irq_line_alloc() (HAL_IRQ_FIRST_DEVICE upwards).
 *
 * The display: the GOP framebuffer, in the firmware's mode (the only one: MODE accepts
 * just that). Its client (the graphics service) composes into a shadow copy in RAM, the
 * device's fb_base, taken from the early pool at boot, and a PRESENT copies the damaged
 * rectangles to the screen and completes at once. Why a copy rather than the
 * framebuffer itself, as aarch64's simple-framebuffer gives: the boot console draws
 * into the framebuffer until the client's first request stops it, so a frame composed
 * there before that request could be overdrawn by a console line printed meanwhile;
 * and the compositor reads what it blends, which is slow from a write-combining (or
 * uncached) framebuffer on real hardware. That first request also points the tablet's
 * axes at the display's pixels (virtio_input_set_extent).
 *
 * Layer: hal-x86_64 (above fbcon.c; kbdcon.c, virtio_pci.c and selftest.c use the
 * list).
 */
#include "dev.h"

#include <sos/errors.h>
#include <sos/object.h>

#include "hal.h"
#include "cpu.h"
#include "bootinfo.h"
#include "fbcon.h"
#include "physmem.h"
#include "print.h"

#include "drivers/virtio/virtio.h"

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
    volatile uint8_t *fb;     /* the GOP framebuffer, mapped write-combining */
    uint8_t *shadow;          /* the client's framebuffer (fb_base): RAM */
    paddr_t shadow_pa;
    uint64_t shadow_size;     /* whole pages */
    uint32_t width, height, stride;
    bool taken;               /* a client has presented: the console stopped */
    struct hal_dev_req *done; /* completed, not yet polled (a short list) */
};

static struct display g_display;

/* The client's first request takes the screen: the text console stops for good (before
 * anything is copied), and the tablet points into the display's pixels. */
static void display_take(struct display *d)
{
    if (d->taken)
        return;
    d->taken = true;
    x86_fbcon_disable();
    virtio_input_set_extent(d->width, d->height);
}

/* The rectangles (checked against the mode by the core) from the shadow to the screen. */
static void display_copy(struct display *d, const struct sos_display_rect *r, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        for (uint32_t y = r[i].y; y < r[i].y + r[i].h; y++) {
            uint64_t off = (uint64_t)y * d->stride + r[i].x * 4u;
            memcpy((void *)(uintptr_t)(d->fb + off), d->shadow + off, r[i].w * 4u);
        }
    __asm__ volatile("sfence" ::: "memory"); /* drain the write-combining buffers */
}

static int display_submit(void *dev, struct hal_dev_req *req)
{
    struct display *d = dev;
    uint64_t mode = (uint64_t)d->width << 32 | d->height;
    if (req->op != HAL_DEVOP_PRESENT && req->op != HAL_DEVOP_MODE)
        return SOS_ERR_NOT_SUPPORTED;
    if (req->op == HAL_DEVOP_MODE && req->offset != mode)
        return SOS_ERR_NOT_SUPPORTED; /* the firmware's mode is the only one */
    if (d->done)
        return SOS_ERR_SHOULD_WAIT;
    display_take(d);
    if (req->op == HAL_DEVOP_PRESENT)
        display_copy(d, hal_phys_to_virt(req->buf), req->len / sizeof(struct sos_display_rect));
    req->status = 0;
    req->actual = req->len;
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
    out->width = out->max_width = d->width;
    out->height = out->max_height = d->height;
    out->pitch = d->stride;
    out->fb_base = d->shadow_pa;
    out->fb_size = d->shadow_size;
}

static const struct hal_dev_ops g_display_ops = {display_submit, display_poll, display_info};

void x86_display_init(void)
{
    const struct x86_boot *b = g_x86_boot;
    if (!b->fb_base || b->fb_format != 1)
        return;
    struct display *d = &g_display;
    d->shadow_size = ((uint64_t)b->fb_stride * b->fb_height + HAL_PAGE_SIZE - 1) & ~(uint64_t)(HAL_PAGE_SIZE - 1);
    d->shadow_pa = x86_early_try_alloc(d->shadow_size / HAL_PAGE_SIZE);
    if (!d->shadow_pa) {
        x86_printf("display: the %ux%u framebuffer is not used: no memory for its copy "
                   "(%llu KiB); the console stays on it\n", b->fb_width, b->fb_height,
                   (unsigned long long)(d->shadow_size >> 10));
        return;
    }
    d->shadow = hal_phys_to_virt(d->shadow_pa);
    d->fb = x86_fb_map();
    d->width = b->fb_width;
    d->height = b->fb_height;
    d->stride = b->fb_stride;
    x86_dev_add(&g_display_ops, d);
}
