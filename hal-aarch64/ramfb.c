/*
 * hal-aarch64/ramfb.c - QEMU's ramfb as the boot console on the virt machine, until the
 * graphics service takes a display.
 *
 * virt has no firmware framebuffer, but `-device ramfb` scans out guest memory once
 * the guest writes where it is: a RAMFBCfg (address, XR24, size, stride) into the
 * fw_cfg file "etc/ramfb" by DMA (core/drivers/fw_cfg; the registers from the device
 * tree's "qemu,fw-cfg-mmio" node, mapped by boot.c). The 1024x768 framebuffer and the
 * text grid come off the top of RAM (boot_mem_take) and stay the console's; the text
 * is drawn by core/drivers/fbcon, the x86_64 GOP console's renderer. What the kernel
 * printed before the console was set up is kept (up to 4 KiB) and drawn first, so the
 * screen starts with the boot's first line.
 *
 * Handover: dev_add wraps every display device; the first request a display gets (the
 * graphics service's first MODE or PRESENT: nothing else uses display0) prints a last
 * line on the ramfb and stops drawing there for good. The ramfb keeps showing that
 * last screen; the console goes on on the serial line. Anything wrong (no fw_cfg file,
 * a bad entry, a failed DMA, no memory) leaves the console on serial with one line.
 *
 * Layer: hal-aarch64 (above dev.c and mmu.c; pl011.c's hal_console_write calls in).
 */
#include "arch.h"
#include "fdt_plat.h"

#include "drivers/fbcon/fbcon.h"
#include "drivers/fw_cfg/fw_cfg.h"
#include "kernel.h"

#define RAMFB_W 1024u
#define RAMFB_H 768u
#define EARLY_MAX 4096u
#define MAX_WATCHED 2

static struct fbcon g_con;
static bool g_decided;       /* ramfb_init has run: g_early is no longer filled */
static char g_early[EARLY_MAX];
static size_t g_early_len;

static const char g_handover_line[] =
    "\n[console] the graphics service has taken the display: this screen stops here; "
    "the console goes on on the serial line\n";

void ramfb_write(const char *buf, size_t len)
{
    if (g_decided) {
        fbcon_write(&g_con, buf, len);
        return;
    }
    for (size_t i = 0; i < len && g_early_len < EARLY_MAX; i++)
        g_early[g_early_len++] = buf[i];
}

/* The framebuffer and grid memory, and the configuration written to etc/ramfb. */
static int ramfb_start(struct fw_cfg *c, const struct fw_cfg_file *f, char *why, size_t n)
{
    size_t grid = fbcon_grid_size(RAMFB_W, RAMFB_H);
    if (f->size != RAMFB_CFG_SIZE) {
        k_snprintf(why, n, "fw_cfg's etc/ramfb is %u bytes, not %u", f->size, RAMFB_CFG_SIZE);
        return SOS_ERR_INVALID_ARGS;
    }
    if (!grid) {
        k_snprintf(why, n, "the kernel was built without a console font");
        return SOS_ERR_NOT_SUPPORTED;
    }
    uint64_t fb = boot_mem_take(RAMFB_W * RAMFB_H * 4 / 4096);
    uint64_t cells = fb ? boot_mem_take((grid + 4095) / 4096) : 0;
    if (!cells) {
        k_snprintf(why, n, "no memory for a %ux%u framebuffer", RAMFB_W, RAMFB_H);
        return SOS_ERR_NO_MEMORY;
    }
    uint8_t cfg[RAMFB_CFG_SIZE];
    ramfb_cfg_encode(cfg, fb, RAMFB_W, RAMFB_H, RAMFB_W * 4);
    int err = fw_cfg_write(c, f->select, cfg, sizeof(cfg), why, n);
    if (!err)
        fbcon_init(&g_con, phys_to_virt(fb), RAMFB_W, RAMFB_H, RAMFB_W * 4, phys_to_virt(cells));
    return err;
}

static int ramfb_setup(char *why, size_t n)
{
    struct fw_cfg c = {.regs = (volatile uint8_t *)mmio_va(g_plat.fw_cfg_base)};
    c.dma_pa = dma_alloc(1);
    if (!c.dma_pa) {
        k_snprintf(why, n, "no DMA memory for fw_cfg");
        return SOS_ERR_NO_MEMORY;
    }
    c.dma = phys_to_virt(c.dma_pa);
    c.dma_len = 4096;
    struct fw_cfg_file f;
    int err = fw_cfg_open(&c, why, n);
    if (!err)
        err = fw_cfg_find(&c, "etc/ramfb", &f, why, n);
    if (err == SOS_ERR_NOT_FOUND)
        k_snprintf(why, n, "fw_cfg has no etc/ramfb (QEMU: -device ramfb)");
    return err ? err : ramfb_start(&c, &f, why, n);
}

void ramfb_init(void)
{
    char why[112];
    int err = g_plat.fw_cfg_base ? ramfb_setup(why, sizeof(why)) : SOS_ERR_NOT_FOUND;
    g_decided = true;
    if (!g_plat.fw_cfg_base)
        return; /* not QEMU (the Pi 5): the console is the serial line, nothing to say */
    if (err) {
        kprintf("ramfb: not used, the console stays on the serial line: %s\n", why);
        return;
    }
    fbcon_write(&g_con, g_early, g_early_len);
    kprintf("ramfb: the boot console, %ux%u, until the graphics service takes a display\n",
            RAMFB_W, RAMFB_H);
}

/* ---------------------------------------------------------------- the handover */

static struct watched {
    const struct hal_dev_ops *ops;
    void *dev;
} g_watched[MAX_WATCHED];
static unsigned g_nwatched;

static void handover(void)
{
    if (!g_con.on)
        return;
    fbcon_write(&g_con, g_handover_line, sizeof(g_handover_line) - 1);
    fbcon_stop(&g_con);
    kprintf("ramfb: a display is in use: the boot console is on the serial line only\n");
}

static int w_submit(void *d, struct hal_dev_req *r)
{
    struct watched *w = d;
    handover();
    return w->ops->submit(w->dev, r);
}

static struct hal_dev_req *w_poll(void *d)
{
    struct watched *w = d;
    return w->ops->poll(w->dev);
}

static void w_info(void *d, struct hal_dev_info *out)
{
    struct watched *w = d;
    w->ops->info(w->dev, out);
}

static const struct hal_dev_ops g_watch_ops = {w_submit, w_poll, w_info};

void ramfb_watch_display(const struct hal_dev_ops **ops, void **dev)
{
    struct hal_dev_info info;
    (*ops)->info(*dev, &info);
    if (!g_con.on || info.dev_class != HAL_DEV_DISPLAY || g_nwatched == MAX_WATCHED)
        return;
    struct watched *w = &g_watched[g_nwatched++];
    w->ops = *ops;
    w->dev = *dev;
    *ops = &g_watch_ops;
    *dev = w;
}
