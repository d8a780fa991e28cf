/*
 * hal-aarch64/virtio_pci.c - virtio functions on the PCIe root bus (pci_ecam.c), handed
 * to the shared modern transport (core/drivers/virtio/virtio_pci.c): virtio-gpu-pci is
 * QEMU virt's display, and blk, net and input devices on PCI work the same way.
 *
 * What is aarch64's here: the BARs were placed in the bridge's 32-bit window at boot
 * and that window is mapped as device memory (pci_bar_map in pci_ecam.c refuses a
 * range outside it), DMA memory comes from dev.c (the GPU's framebuffer from the top of
 * RAM), and the interrupt is the function's INTx line as the device tree routes it
 * (level-triggered, shared by every fourth slot): the transport reads the ISR in the
 * driver's poll, which acknowledges it and lowers the line. A device that fails to
 * start is left out with a line saying why.
 *
 * Layer: hal-aarch64 (a driver: above pci_ecam.c and dev.c).
 */
#include "arch.h"
#include "pci_ecam.h"

#include "drivers/virtio/virtio_pci.h"
#include "kernel.h"

#define MAX_VPCI 8

static struct virtio_pci g_vpci[MAX_VPCI];
static unsigned g_nvpci;

static paddr_t vpci_dma_alloc(size_t pages) { return dma_alloc(pages); }

void virtio_pci_ecam_probe(const struct pci_fn *f)
{
    uint32_t type = virtio_pci_type(f);
    const char *kind = virtio_type_name(type);
    if (!kind || g_nvpci == MAX_VPCI)
        return;
    struct virtio_pci *v = &g_vpci[g_nvpci];
    char why[96];
    if (virtio_pci_attach(v, f, vpci_dma_alloc, why, sizeof(why))) {
        kprintf("virtio: pci %02x:%02x.%x (%s): not used: %s\n", f->bus, f->dev, f->fn,
                kind, why);
        return;
    }
    pci_enable(f, true);
    const struct hal_dev_ops *ops;
    void *dev;
    int err = virtio_pci_start(v, pci_ecam_intx_line(f), false, &ops, &dev);
    if (err) {
        kprintf("virtio: %s (%s) failed to start: %s\n", v->vd.name, kind, sos_strerror(err));
        return;
    }
    g_nvpci++;
    dev_report_virtio(ops, dev);
    dev_add(ops, dev);
}
