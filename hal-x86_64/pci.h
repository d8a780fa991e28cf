/*
 * hal-x86_64/pci.h - PCI on x86_64: MSI and MSI-X to the local APIC (pci.c), the bus
 * scan (pci_scan.c) and the drivers' probe entry points. The platform-neutral helpers
 * are core/drivers/pci; pci.c gives them configuration space through the legacy ports.
 *
 * Layer: hal-x86_64.
 */
#ifndef HAL_X86_64_PCI_H
#define HAL_X86_64_PCI_H

#include <stdint.h>

#include "drivers/pci/pci.h" /* struct pci_fn, the accessors, scan, capabilities, BARs */

/* Route MSI-X table entry 0 to `line` (vector 48 + line) on the boot CPU. */
int pci_msix_setup(const struct pci_fn *f, unsigned line);
/* One MSI vector (fixed, edge) to the boot CPU raising HAL line `line`; 0 or an error. */
int pci_msi_setup(const struct pci_fn *f, unsigned line);

/* ---- pci_scan.c */
void x86_pci_init(void); /* scan every bus once and hand each function to its driver */

/* ---- virtio_pci.c */
void x86_virtio_pci_probe(const struct pci_fn *f);

/* ---- hda_pci.c */
/* An Intel HDA controller: ignored unless it is one. */
void x86_hda_pci_probe(const struct pci_fn *f);

#endif
