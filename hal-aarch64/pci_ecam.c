/*
 * hal-aarch64/pci_ecam.c - PCIe through a generic ECAM host bridge (QEMU virt), and the
 * drivers found on it: an Intel HDA controller for core/drivers/hda, virtio functions
 * for the shared virtio-pci transport (virtio_pci.c; virtio-gpu-pci is the display).
 *
 * The device tree names the bridge (fdt_pci.c): its ECAM window, which boot.c maps as
 * device memory together with the 32-bit memory window. Nothing has placed the BARs
 * when the kernel is booted directly (no firmware enumerates PCI on QEMU's -kernel
 * path), so every function on the root bus gets its memory BARs placed in that window
 * (core/drivers/pci, shared with x86_64), in bus order, before any driver starts. I/O
 * BARs are not placed and PCI-to-PCI bridges are not configured: QEMU virt puts
 * devices on the root bus unless told to add a root port.
 *
 * Interrupts are the legacy INTx lines routed by the tree's interrupt-map to GIC SPIs,
 * level-triggered; the HAL masks a device line while the core handles it (hal.c), and
 * the HDA driver acknowledges the stream's status on every poll, which lowers INTx.
 * MSI through QEMU virt's GICv2m frame would spare the sharing of lines (four SPIs
 * serve every slot), but INTx needs nothing beyond the device tree.
 *
 * Layer: hal-aarch64 (a transport: above mmu.c, dev.c and core/drivers).
 */
#include "pci_ecam.h"

#include "arch.h"
#include "fdt_plat.h"

#include "drivers/hda/hda.h"
#include "kernel.h"

#define HDA_CLASS 0x0403u /* multimedia, HD audio */
#define PCI_INT_PIN 0x3d
#define HDA_REGS 0x180 /* the controller's registers and its first 8 streams */

static bool g_hda_found;

static uintptr_t cfg_addr(const struct pci_fn *f, unsigned off)
{
    uint64_t rel = (uint64_t)(f->bus - g_plat.pci.bus_first) << 20 | (uint64_t)f->dev << 15 |
                   (uint64_t)f->fn << 12 | (off & 0xfff);
    return mmio_va(g_plat.pci.ecam_base) + rel;
}

uint32_t pci_cfg_read(const struct pci_fn *f, unsigned off, unsigned width)
{
    uintptr_t a = cfg_addr(f, off & ~(width - 1));
    if (width == 1)
        return *(volatile uint8_t *)a;
    if (width == 2)
        return *(volatile uint16_t *)a;
    return *(volatile uint32_t *)a;
}

void pci_cfg_write(const struct pci_fn *f, unsigned off, unsigned width, uint32_t v)
{
    uintptr_t a = cfg_addr(f, off & ~(width - 1));
    if (width == 1)
        *(volatile uint8_t *)a = (uint8_t)v;
    else if (width == 2)
        *(volatile uint16_t *)a = (uint16_t)v;
    else
        *(volatile uint32_t *)a = v;
}

volatile void *pci_bar_map(const struct pci_fn *f, unsigned bar, uint64_t off, uint64_t len)
{
    const struct fdt_pci_window *w = &g_plat.pci.mem32; /* mapped by boot.c */
    uint64_t bus_addr = pci_bar(f, bar);
    if (!bus_addr || bus_addr < w->pci || off > w->size || len > w->size - off ||
        bus_addr - w->pci > w->size - off - len)
        return NULL;
    return (volatile void *)mmio_va(bus_addr - w->pci + w->cpu + off);
}

unsigned pci_ecam_intx_line(const struct pci_fn *f)
{
    uint32_t id = fdt_pci_intx(&g_plat.pci, f->bus, f->dev, f->fn, pci_read8(f, PCI_INT_PIN));
    return id >= 32 ? id - 16 : 0;
}

static void hda_attach(const struct pci_fn *f)
{
    volatile void *regs = pci_bar_map(f, 0, 0, HDA_REGS);
    if (g_hda_found || !regs)
        return;
    pci_enable(f, true);
    struct hda_bus b = {.regs = (volatile uint8_t *)regs, .irq_line = pci_ecam_intx_line(f),
                        .dma_alloc = dma_alloc};
    k_snprintf(b.name, sizeof(b.name), "pci %02x:%02x.%x", f->bus, f->dev, f->fn);
    const struct hal_dev_ops *ops;
    void *dev;
    int err = hda_probe(&b, &ops, &dev);
    if (err) {
        kprintf("hda: %s: no sound output: %s\n", b.name, sos_strerror(err));
        return;
    }
    struct hal_dev_info info;
    ops->info(dev, &info);
    kprintf("hda: %s: %s, 48000 Hz s16 stereo, line %u (INTx)\n", b.name, info.name,
            b.irq_line);
    g_hda_found = dev_add(ops, dev);
}

static void place_bars(struct pci_fn *f, void *ctx)
{
    if (pci_assign_bars(f, ctx))
        kprintf("pci: %02x:%02x.%x: its BARs do not fit the memory window; left off\n",
                f->bus, f->dev, f->fn);
}

static void probe_fn(struct pci_fn *f, void *ctx)
{
    (void)ctx;
    if (f->class_code >> 8 == HDA_CLASS)
        hda_attach(f);
    else if (f->vendor == 0x1af4)
        virtio_pci_ecam_probe(f);
}

void pci_ecam_init(void)
{
    const struct fdt_pci *p = &g_plat.pci;
    if (!p->found)
        return;
    struct pci_window w = {p->mem32.pci, p->mem32.size, 0};
    unsigned n = pci_scan(p->bus_first, p->bus_first, place_bars, &w);
    kprintf("pci: ecam %#llx, bus %u: %u functions, %llu KiB of BARs placed at %#llx\n",
            (unsigned long long)p->ecam_base, p->bus_first, n,
            (unsigned long long)(w.used >> 10), (unsigned long long)p->mem32.cpu);
    pci_scan(p->bus_first, p->bus_first, probe_fn, NULL);
}
