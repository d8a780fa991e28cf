/*
 * hal-x86_64/virtio_pci.c - virtio functions on x86_64's PCI bus, handed to the shared
 * transport (core/drivers/virtio/virtio_pci.c).
 *
 * What is x86_64's here: a BAR range is mapped uncached through mmu.c (pci_bar_map,
 * which the transport calls), DMA memory is x86_dma_alloc's, and each device gets MSI-X
 * entry 0 on a fresh HAL line for all its queues (configuration changes off); without
 * MSI-X it is polled.
 *
 * Layer: hal-x86_64 (a driver: above pci.c, dev.c and mmu.c).
 */
#include <sos/errors.h>

#include "pci.h"

#include "hal.h"
#include "dev.h"
#include "mmu.h"
#include "physmem.h"
#include "print.h"

#include "drivers/virtio/virtio_pci.h"

#define MAX_VPCI 8

static struct virtio_pci g_vpci[MAX_VPCI];
static unsigned g_nvpci;

volatile void *pci_bar_map(const struct pci_fn *f, unsigned bar, uint64_t off, uint64_t len)
{
    uint64_t base = pci_bar(f, bar);
    return base && len ? x86_mmio_map(base + off, len, false) : NULL;
}

void x86_virtio_pci_probe(const struct pci_fn *f)
{
    uint32_t type = virtio_pci_type(f);
    if (!virtio_type_name(type) || g_nvpci == MAX_VPCI)
        return;
    struct virtio_pci *v = &g_vpci[g_nvpci];
    char why[96];
    if (virtio_pci_attach(v, f, x86_dma_alloc, why, sizeof(why))) {
        x86_printf("virtio: pci %02x:%02x.%x: %s; skipped\n", f->bus, f->dev, f->fn, why);
        return;
    }
    pci_enable(f, false);
    unsigned line = x86_irq_line_alloc();
    bool msix = line && pci_msix_setup(f, line) == 0;
    const struct hal_dev_ops *ops;
    void *dev;
    int err = virtio_pci_start(v, msix ? line : 0, msix, &ops, &dev);
    if (err) {
        x86_printf("virtio: %s (type %u) failed to start: %d\n", v->vd.name, type, err);
        return;
    }
    struct hal_dev_info info;
    ops->info(dev, &info);
    x86_printf("virtio: %s: %s, line %u\n", v->vd.name, info.name, v->vd.irq_line);
    x86_dev_add(ops, dev);
    g_nvpci++;
}
