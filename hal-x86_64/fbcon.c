/*
 * hal-x86_64/fbcon.c - the boot console on the GOP framebuffer.
 *
 * The text itself is drawn by core/drivers/fbcon (shared with aarch64's ramfb
 * console); this file maps the firmware's framebuffer write-combining, takes the grid's
 * memory, joins print.c's outputs, and stops drawing once a display client takes the
 * framebuffer (x86_fbcon_disable, from dev.c's GOP device). `fbcon=off` on the command
 * line keeps the console on serial only.
 *
 * Layer: hal-x86_64 (above mmu.c and physmem.c; adds itself to print.c as an output).
 */
#include "fbcon.h"

#include "hal.h"
#include "bootinfo.h"
#include "physmem.h"
#include "mmu.h"
#include "print.h"

#include "drivers/fbcon/fbcon.h"

static volatile uint32_t *g_fb;
static struct fbcon g_con;

void x86_fbcon_init(void)
{
    const struct x86_boot *b = g_x86_boot;
    if (!b->fb_base || b->fb_format != 1 || x86_cmdline_has("fbcon=off"))
        return;
    size_t grid = fbcon_grid_size(b->fb_width, b->fb_height);
    if (!grid)
        return;
    x86_fb_map();
    paddr_t pa = x86_early_alloc((grid + 4095) / 4096);
    fbcon_init(&g_con, g_fb, b->fb_width, b->fb_height, b->fb_stride, hal_phys_to_virt(pa));
    x86_console_add(x86_fbcon_write);
}

void x86_fbcon_disable(void)
{
    fbcon_stop(&g_con);
    /* Every console write runs under print.c's lock: an empty one returns only once a
     * line another CPU was drawing is done, so nothing is drawn after this returns. */
    hal_console_write("", 0);
}

volatile void *x86_fb_map(void)
{
    const struct x86_boot *b = g_x86_boot;
    if (!g_fb)
        g_fb = x86_mmio_map(b->fb_base, (uint64_t)b->fb_stride * b->fb_height, true);
    return g_fb;
}

void x86_fbcon_write(const char *buf, size_t len) { fbcon_write(&g_con, buf, len); }
