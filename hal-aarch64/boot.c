/*
 * hal-aarch64/boot.c - the C half of the boot path that runs before the MMU is on.
 *
 * start.S calls boot_early() at the physical address the image was loaded at, with
 * the data cache off. It reads the device tree into g_plat and builds the boot page
 * tables from a pool in .bss:
 *   TTBR1: the kernel image at KERNEL_VBASE (text RX, rodata R, data RW; 4 KiB pages),
 *          the linear map of every RAM range (RW, never executable; blocks where
 *          aligned), and the devices the HAL drives (device memory: the UART, the
 *          GIC, the virtio-mmio slots, a PCIe bridge's root-bus ECAM and its 32-bit
 *          memory window, where pci_ecam.c places the BARs, QEMU's fw_cfg);
 *   TTBR0: an identity map of the image, only until the jump to KERNEL_VBASE.
 * Rules for this file and everything it calls (dtb.c, fdt_plat.c, pgtable.c): only
 * PC-relative addressing (no initialised pointers, no tables of pointers), no
 * unaligned accesses (-mstrict-align), no libc calls.
 *
 * Layer: hal-aarch64.
 */
#include "arch.h"
#include "dtb.h"
#include "fdt_plat.h"
#include "pgtable.h"
#include "platform.h"

#define POOL_PAGES 64
#define MIB2 (1ull << 21)

struct fdt_plat g_plat;
uint64_t g_kernel_pa;
uint64_t g_dtb_pa;

static uint8_t g_pool[POOL_PAGES][4096] __attribute__((aligned(4096)));
static unsigned g_pool_used;
static uint64_t g_ttbr0, g_ttbr1;

extern char _kernel_start[], _etext[], _erodata[], _kernel_end[];

static uint64_t pool_alloc(void)
{
    if (g_pool_used >= POOL_PAGES)
        return 0;
    return (uint64_t)(uintptr_t)g_pool[g_pool_used++];
}

/* ---- the last resort: no usable device tree, so no known console */

static uint64_t g_early_uart; /* platform_early_uart(), set first thing in boot_early */

static void early_putc(char c)
{
    volatile uint32_t *uart = (volatile uint32_t *)(uintptr_t)g_early_uart;
    for (int i = 0; i < 100000 && (uart[0x18 / 4] & (1u << 5)); i++)
        ;
    uart[0] = (uint8_t)c;
}

static void early_puts(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            early_putc('\r');
        early_putc(*s);
    }
}

static void early_hex(uint64_t v)
{
    early_puts("0x");
    for (int i = 60; i >= 0; i -= 4)
        early_putc("0123456789abcdef"[(v >> i) & 15]);
}

static __attribute__((noreturn)) void bad_dtb(uint64_t dtb_pa)
{
    early_puts("\nhal-aarch64: cannot boot: the device tree at ");
    early_hex(dtb_pa);
    early_puts(" is unusable: ");
    early_puts(dtb_pa ? g_plat.error : "no device tree was passed in x0");
    if (g_early_uart == PLATFORM_RASPI5_UART)
        early_puts(" (on a Raspberry Pi 5: put bcm2712-rpi-5-b.dtb beside kernel8.img)");
    early_puts("\n");
    for (;;)
        __asm__ volatile("wfe");
}

/* ---- tables */

static void must(int r)
{
    if (r) {
        early_puts("\nhal-aarch64: out of boot page tables\n");
        for (;;)
            __asm__ volatile("wfe");
    }
}

static void map_range(const struct pt_ops *ops, uint64_t base, uint64_t size, uint64_t attr)
{
    if (!size)
        return;
    uint64_t lo = base & ~0xfffull, hi = (base + size + 0xfff) & ~0xfffull;
    must(pt_map(ops, g_ttbr1, LINEAR_BASE + lo, lo, hi - lo, attr));
}

static void map_device(const struct pt_ops *ops, uint64_t base, uint64_t size)
{
    map_range(ops, base, size, KPTE_DEVICE);
}

static void map_kernel(const struct pt_ops *ops, uint64_t kernel_pa)
{
    uint64_t start = (uintptr_t)_kernel_start;
    uint64_t text = (uintptr_t)_etext - start, ro = (uintptr_t)_erodata - start;
    uint64_t end = (uintptr_t)_kernel_end - start;
    must(pt_map(ops, g_ttbr1, KERNEL_VBASE, kernel_pa, text, KPTE_TEXT));
    must(pt_map(ops, g_ttbr1, KERNEL_VBASE + text, kernel_pa + text, ro - text, KPTE_RODATA));
    must(pt_map(ops, g_ttbr1, KERNEL_VBASE + ro, kernel_pa + ro, end - ro, KPTE_DATA));
    /* the identity map that keeps the next instructions after the MMU turns on */
    uint64_t lo = kernel_pa & ~(MIB2 - 1), hi = (kernel_pa + end + MIB2 - 1) & ~(MIB2 - 1);
    must(pt_map(ops, g_ttbr0, lo, lo, hi - lo, KPTE_TEXT));
}

static bool in_ram(uint64_t base, uint64_t size)
{
    for (unsigned i = 0; i < g_plat.mem_count; i++)
        if (base >= g_plat.mem[i].base && base + size <= g_plat.mem[i].base + g_plat.mem[i].size)
            return true;
    return false;
}

/* The firmware's framebuffer outside /memory; one that straddles it is not used (its
   pages cannot be both the core's and the display's). */
static void map_fb(const struct pt_ops *ops)
{
    uint64_t b = g_plat.fb.base, e = b + g_plat.fb.size;
    for (unsigned i = 0; i < g_plat.mem_count; i++)
        if (b < g_plat.mem[i].base + g_plat.mem[i].size && g_plat.mem[i].base < e) {
            const char *why = "reg straddles the edge of /memory";
            unsigned k = 0;
            for (; why[k] && k + 1 < sizeof(g_plat.fb.error); k++)
                g_plat.fb.error[k] = why[k];
            g_plat.fb.error[k] = 0;
            g_plat.fb.found = false;
            return;
        }
    map_range(ops, b, g_plat.fb.size, KPTE_DATA);
}

static void map_linear(const struct pt_ops *ops, uint64_t dtb_pa)
{
    for (unsigned i = 0; i < g_plat.mem_count; i++) {
        uint64_t lo = (g_plat.mem[i].base + 0xfff) & ~0xfffull;
        uint64_t hi = (g_plat.mem[i].base + g_plat.mem[i].size) & ~0xfffull;
        if (hi > lo)
            must(pt_map(ops, g_ttbr1, LINEAR_BASE + lo, lo, hi - lo, KPTE_DATA));
    }
    uint64_t dsize = fdt_plat_blob_size((const void *)(uintptr_t)dtb_pa);
    if (!in_ram(dtb_pa, dsize)) {
        uint64_t lo = dtb_pa & ~0xfffull, hi = (dtb_pa + dsize + 0xfff) & ~0xfffull;
        must(pt_map(ops, g_ttbr1, LINEAR_BASE + lo, lo, hi - lo, KPTE_RODATA));
    }
    if (g_plat.initrd_start && !in_ram(g_plat.initrd_start, g_plat.initrd_end - g_plat.initrd_start))
        g_plat.initrd_start = g_plat.initrd_end = 0; /* not in RAM: ignore it */
}

uint64_t boot_early(uint64_t dtb_pa, uint64_t kernel_pa)
{
    g_kernel_pa = kernel_pa;
    g_dtb_pa = dtb_pa;
    g_early_uart = platform_early_uart(kernel_pa);
    uint32_t size = dtb_pa ? fdt_plat_blob_size((const void *)(uintptr_t)dtb_pa) : 0;
    if (size > DTB_MAX_SIZE)
        size = DTB_MAX_SIZE; /* the parser then reports the blob as truncated */
    if (!dtb_pa || fdt_plat_parse((const void *)(uintptr_t)dtb_pa, size, &g_plat))
        bad_dtb(dtb_pa);
    platform_fixup(&g_plat);
    struct pt_ops ops;
    ops.alloc = pool_alloc;
    ops.virt_off = 0;
    ops.blocks = true;
    g_ttbr1 = pool_alloc();
    g_ttbr0 = pool_alloc();
    map_kernel(&ops, kernel_pa);
    map_linear(&ops, dtb_pa);
    if (g_plat.uart_found)
        map_device(&ops, g_plat.uart_base, g_plat.uart_size ? g_plat.uart_size : 0x1000);
    if (g_plat.rtc_found)
        map_device(&ops, g_plat.rtc_base, g_plat.rtc_size ? g_plat.rtc_size : 0x1000);
    if (g_plat.gic_version) {
        map_device(&ops, g_plat.gicd_base, g_plat.gicd_size);
        /* v3: the redistributors of the first 8 CPUs are enough (one runs the core) */
        uint64_t csize = g_plat.gicc_size;
        if (g_plat.gic_version == 3 && csize > 8 * 0x20000ull)
            csize = 8 * 0x20000ull;
        map_device(&ops, g_plat.gicc_base, csize);
    }
    for (unsigned i = 0; i < g_plat.virtio_count; i++)
        map_device(&ops, g_plat.virtio[i].base, g_plat.virtio[i].size);
    if (g_plat.pci.found) { /* the root bus's configuration space, the BARs' window */
        map_device(&ops, g_plat.pci.ecam_base, 1u << 20);
        map_device(&ops, g_plat.pci.mem32.cpu, g_plat.pci.mem32.size);
    }
    if (g_plat.fw_cfg_base) /* QEMU's fw_cfg: the ramfb console is configured through it */
        map_device(&ops, g_plat.fw_cfg_base, g_plat.fw_cfg_size);
    /* the firmware's framebuffer, when it lies in memory kept from /memory: normal
       memory like the service's mapping of it (simplefb.c cleans what is presented) */
    if (g_plat.fb.found && !in_ram(g_plat.fb.base, g_plat.fb.size))
        map_fb(&ops);
    return g_ttbr1;
}

uint64_t boot_ttbr0(void) { return g_ttbr0; }
