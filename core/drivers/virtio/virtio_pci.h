/*
 * core/drivers/virtio/virtio_pci.h - the modern virtio-pci transport (virtio 1.x,
 * section 4.1), shared by the HALs that find virtio functions on a PCI bus.
 *
 * The platform-free part lives here: reading the vendor capabilities that place the
 * common, notification, ISR and device configuration structures inside the BARs
 * (checked: a malformed list is refused with a sentence, never followed out of
 * bounds), the transport's ops over those structures, and handing the device to the
 * driver of its type. What differs per machine stays in the HAL: configuration space
 * (pci_cfg_read/pci_cfg_write), where a BAR is mapped (pci_bar_map, core/drivers/pci),
 * DMA memory (the dma_alloc given to virtio_pci_attach) and the interrupt (x86_64:
 * MSI-X to a fresh line; aarch64: the INTx line the device tree routes, acknowledged
 * by reading the ISR).
 *
 * Rules: boot time (before core_main) for attach and start; the ops follow virtio.h.
 *
 * Layer: core drivers (arch-neutral; over core/drivers/pci and the HAL's BAR mapping).
 */
#ifndef CORE_DRIVERS_VIRTIO_VIRTIO_PCI_H
#define CORE_DRIVERS_VIRTIO_VIRTIO_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/pci/pci.h"
#include "drivers/virtio/virtio.h"

/* One structure: bytes [offset, offset + length) of memory BAR `bar`. */
struct virtio_pci_region {
    uint8_t bar;
    uint32_t offset, length;
};

struct virtio_pci_caps {
    struct virtio_pci_region common, notify, isr, device;
    uint32_t notify_mul; /* notify_off_multiplier */
};

/*
 * Read the vendor capabilities (id 0x09) of `f`: the first of each of the four kinds
 * is taken. 0, or SOS_ERR_NOT_SUPPORTED with `why` saying what is wrong (no capability
 * list, a kind missing, a capability shorter than its kind, past the 256-byte header,
 * naming a BAR above 5, a structure too small or wrapping around 4 GiB).
 */
int virtio_pci_caps_parse(const struct pci_fn *f, struct virtio_pci_caps *out, char *why,
                          size_t why_len);

struct virtio_pci {
    struct virtio_dev vd;
    struct pci_fn fn;
    volatile uint8_t *common, *notify, *isr, *device;
    uint32_t notify_mul, notify_len;
    bool msix;
    paddr_t (*dma_alloc)(size_t pages);
};

/* The virtio device type of a function (VIRTIO_ID_*), 0 when it is not one. */
uint32_t virtio_pci_type(const struct pci_fn *f);

/*
 * Parse the capabilities and map the four structures (pci_bar_map). 0, or
 * SOS_ERR_NOT_SUPPORTED with `why` set; nothing of the device is touched either way.
 * `dma_alloc` gives the drivers zeroed, contiguous, device-reachable pages.
 */
int virtio_pci_attach(struct virtio_pci *v, const struct pci_fn *f,
                      paddr_t (*dma_alloc)(size_t pages), char *why, size_t why_len);

/*
 * Start the driver of the device's type with its interrupt on HAL line `irq_line`
 * (0: polled): `msix` when the HAL routed MSI-X entry 0 there (every queue uses it),
 * else the line is INTx, acknowledged by reading the ISR. The HAL has enabled the
 * function (pci_enable). 0 and the device (*ops, *dev), or the driver's error.
 */
int virtio_pci_start(struct virtio_pci *v, unsigned irq_line, bool msix,
                     const struct hal_dev_ops **ops, void **dev);

#endif
