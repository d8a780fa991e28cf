/*
 * hal-hosted/display.c - the simulator's window as a core/hal.h display device.
 *
 * The framebuffer is a range of the arena above RAM (sim/main.c reserves it), so the
 * core can hand it out as a physical VMO and the window's thread reads the same pages.
 * A PRESENT or MODE request is queued for the window's thread (host/display.c), which
 * completes it after the next vsync-paced frame and raises HOSTED_DISPLAY_LINE.
 * Requests come from the core under its lock.
 *
 * Layer: hal-hosted, core world.
 */
#include <sos/sos.h>

#include "display.h"
#include "hal.h"
#include "hosted.h"

_Static_assert(sizeof(struct host_display_rect) == sizeof(struct sos_display_rect), "layout");

static paddr_t g_fb_base;
static uint64_t g_fb_size;

void hosted_display_register(paddr_t fb_base, uint64_t fb_size)
{
    g_fb_base = fb_base;
    g_fb_size = fb_size;
}

static int display_submit(void *dev, struct hal_dev_req *r)
{
    (void)dev;
    struct host_display_req h = {.cookie = r};
    if (r->op == HAL_DEVOP_PRESENT) {
        h.op = HOST_DISPLAY_PRESENT;
        h.rect = hal_phys_to_virt(r->buf);
        h.n = (uint32_t)(r->len / sizeof(struct host_display_rect));
    } else if (r->op == HAL_DEVOP_MODE) {
        h.op = HOST_DISPLAY_MODE;
        h.width = (uint32_t)(r->offset >> 32);
        h.height = (uint32_t)r->offset;
    } else {
        return SOS_ERR_NOT_SUPPORTED;
    }
    return host_display_submit(&h) ? 0 : SOS_ERR_SHOULD_WAIT;
}

static struct hal_dev_req *display_poll(void *dev)
{
    (void)dev;
    struct hal_dev_req *r = host_display_done();
    if (r) {
        r->status = 0;
        r->actual = r->len;
    }
    return r;
}

static void display_info(void *dev, struct hal_dev_info *out)
{
    (void)dev;
    *out = (struct hal_dev_info){.dev_class = HAL_DEV_DISPLAY, .irq = HOSTED_DISPLAY_LINE,
                                 .fb_base = g_fb_base, .fb_size = g_fb_size};
    host_display_mode(&out->width, &out->height, &out->pitch);
    host_display_max(&out->max_width, &out->max_height);
    __builtin_memcpy(out->name, "sim-display", 12);
}

static const struct hal_dev_ops g_display_ops = {display_submit, display_poll, display_info};

bool hosted_display_get(unsigned index, const struct hal_dev_ops **ops, void **dev)
{
    if (index != 0 || !g_fb_base)
        return false;
    *ops = &g_display_ops;
    *dev = &g_fb_base;
    return true;
}
