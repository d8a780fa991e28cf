/*
 * hal-aarch64/pci_ecam.h - PCIe on a generic ECAM host bridge (pci_ecam.c), for the
 * drivers that attach to its functions.
 *
 * pci_ecam_init() runs once at boot (before core_main): it places the root bus's BARs
 * and hands each function to its driver. A driver gets the configuration space through
 * core/drivers/pci (pci_read32, pci_find_cap, pci_bar ...), a BAR's registers through
 * pci_bar_map() (device memory inside the 32-bit window, mapped at boot; refused
 * outside it) and its interrupt through
 * pci_ecam_intx_line().
 *
 * Layer: hal-aarch64.
 */
#ifndef HAL_AARCH64_PCI_ECAM_H
#define HAL_AARCH64_PCI_ECAM_H

#include <stdint.h>

#include "drivers/pci/pci.h"

void pci_ecam_init(void);

/* virtio_pci.c: a virtio function (vendor 0x1af4) on the bus; ignored unless the
 * kernel drives its type. */
void virtio_pci_ecam_probe(const struct pci_fn *f);

/* The HAL interrupt line of the function's INTx pin (GIC id - 16), 0 when none. */
unsigned pci_ecam_intx_line(const struct pci_fn *f);

#endif
