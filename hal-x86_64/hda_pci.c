/*
 * hal-x86_64/hda_pci.c - an Intel HDA controller on PCI (class 04.03, QEMU's
 * `-device intel-hda` / ich9-intel-hda) handed to the arch-neutral driver in
 * core/drivers/hda: BAR 0 mapped uncached, bus mastering, an MSI to the boot CPU on a
 * fresh HAL line (without MSI the device is polled), and boot-time DMA memory.
 *
 * Layer: hal-x86_64 (a driver: above pci.c, dev.c, mmu.c and physmem.c).
 */
#include "pci.h"

#include "dev.h"
#include "mmu.h"
#include "physmem.h"
#include "print.h"
#include "drivers/hda/hda.h"
#include "fmt.h"

#define HDA_CLASS 0x0403u /* multimedia, HD audio */

static bool g_found;

void x86_hda_pci_probe(const struct pci_fn *f)
{
    if (f->class_code >> 8 != HDA_CLASS || g_found)
        return;
    uint64_t bar = pci_bar(f, 0);
    if (!bar)
        return;
    pci_enable(f, false);
    struct hda_bus b = {.regs = x86_mmio_map(bar, 0x4000, false), .dma_alloc = x86_dma_alloc};
    k_snprintf(b.name, sizeof(b.name), "pci %02x:%02x.%x", f->bus, f->dev, f->fn);
    unsigned line = x86_irq_line_alloc();
    b.irq_line = line && pci_msi_setup(f, line) == 0 ? line : 0;
    const struct hal_dev_ops *ops;
    void *dev;
    int err = hda_probe(&b, &ops, &dev);
    if (err) {
        x86_printf("hda: %s: no sound output: %d\n", b.name, err);
        return;
    }
    struct hal_dev_info info;
    ops->info(dev, &info);
    x86_printf("hda: %s: %s, 48000 Hz s16 stereo, line %u\n", b.name, info.name, b.irq_line);
    x86_dev_add(ops, dev);
    g_found = true;
}
