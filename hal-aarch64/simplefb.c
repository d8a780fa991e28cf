/*
 * hal-aarch64/simplefb.c - the firmware's framebuffer as a core/hal.h display device.
 *
 * A device tree "simple-framebuffer" node (the Raspberry Pi 5's firmware writes one
 * under /chosen; fdt_plat.c reads and checks it) describes memory that the display
 * scans out directly, in the firmware's mode. The device hands that memory to the core
 * as its framebuffer (fb_base), so the graphics service composes straight into it.
 * MODE accepts only the firmware's size (the largest is the current one). A PRESENT
 * completes at once once the damaged lines reach memory: the service writes through a
 * normal cacheable mapping and the scanout does not snoop the CPU's caches, so each
 * damaged row is cleaned to the point of coherency (dc cvac) first. The range is kept
 * out of the core's memory (hal.c) and is in the linear map (boot.c maps it when it
 * lies outside /memory).
 *
 * Layer: hal-aarch64.
 */
#include "arch.h"
#include "fdt_plat.h"

#include "kernel.h"

#include <sos/object.h>

struct sfb {
    struct hal_dev_req *done; /* the finished request poll() hands back */
};

static struct sfb g_sfb;

/* Clean [va, va + len) to the point of coherency, a cache line at a time. */
static void clean_range(uintptr_t va, size_t len)
{
    uint64_t ctr = read_sysreg(ctr_el0);
    uintptr_t line = (uintptr_t)4 << ((ctr >> 16) & 15); /* DminLine, in words */
    for (uintptr_t a = va & ~(line - 1); a < va + len; a += line)
        __asm__ volatile("dc cvac, %0" ::"r"(a) : "memory");
}

static void clean_rects(const struct hal_dev_req *req)
{
    const struct sos_display_rect *r = hal_phys_to_virt(req->buf);
    uintptr_t fb = (uintptr_t)phys_to_virt(g_plat.fb.base);
    for (uint64_t i = 0; i < req->len / sizeof(*r); i++)
        for (uint32_t y = r[i].y; y < r[i].y + r[i].h; y++)
            clean_range(fb + (uintptr_t)y * g_plat.fb.stride + r[i].x * 4u, r[i].w * 4u);
    dsb(sy);
}

static int sfb_submit(void *devp, struct hal_dev_req *req)
{
    struct sfb *s = devp;
    uint64_t mode = (uint64_t)g_plat.fb.width << 32 | g_plat.fb.height;
    if (req->op != HAL_DEVOP_PRESENT && req->op != HAL_DEVOP_MODE)
        return SOS_ERR_NOT_SUPPORTED;
    if (req->op == HAL_DEVOP_MODE && req->offset != mode)
        return SOS_ERR_NOT_SUPPORTED; /* the firmware's mode is the only one */
    if (s->done)
        return SOS_ERR_SHOULD_WAIT;
    if (req->op == HAL_DEVOP_PRESENT)
        clean_rects(req);
    req->status = 0;
    req->actual = req->len;
    s->done = req;
    return 0;
}

static struct hal_dev_req *sfb_poll(void *devp)
{
    struct sfb *s = devp;
    struct hal_dev_req *r = s->done;
    s->done = NULL;
    return r;
}

static void sfb_info(void *devp, struct hal_dev_info *out)
{
    (void)devp;
    memset(out, 0, sizeof(*out));
    out->dev_class = HAL_DEV_DISPLAY;
    k_strlcpy(out->name, "simple-framebuffer", sizeof(out->name));
    out->width = out->max_width = g_plat.fb.width;
    out->height = out->max_height = g_plat.fb.height;
    out->pitch = g_plat.fb.stride;
    out->fb_base = g_plat.fb.base;
    out->fb_size = (g_plat.fb.size + 0xfff) & ~0xfffull;
}

static const struct hal_dev_ops g_sfb_ops = {sfb_submit, sfb_poll, sfb_info};

/* List the firmware's framebuffer as a display device, or say why it is not used. */
void simplefb_init(void)
{
    if (!g_plat.fb.found) {
        if (g_plat.fb.error[0])
            kprintf("simple-framebuffer: not used: %s\n", g_plat.fb.error);
        return;
    }
    if (g_plat.fb.base & 0xfff) {
        kprintf("simple-framebuffer: not used: %#llx is not page aligned\n",
                (unsigned long long)g_plat.fb.base);
        return;
    }
    kprintf("simple-framebuffer: %ux%u, stride %u, at %#llx\n", g_plat.fb.width,
            g_plat.fb.height, g_plat.fb.stride, (unsigned long long)g_plat.fb.base);
    if (!dev_add(&g_sfb_ops, &g_sfb))
        kprintf("simple-framebuffer: not used: the device list is full\n");
}
