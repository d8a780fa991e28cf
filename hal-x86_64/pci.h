/*
 * hal-x86_64/pci.h - PCI configuration access for the HAL's drivers (pci.c), the bus scan
 * (pci_scan.c) and the drivers' probe entry points.
 *
 * Layer: hal-x86_64.
 */
#ifndef HAL_X86_64_PCI_H
#define HAL_X86_64_PCI_H

#include <stdint.h>

struct pci_fn {
    uint8_t bus, dev, fn;
    uint16_t vendor, device;
    uint32_t class_code;
};

uint32_t pci_read32(const struct pci_fn *f, unsigned off);
uint16_t pci_read16(const struct pci_fn *f, unsigned off);
uint8_t pci_read8(const struct pci_fn *f, unsigned off);
void pci_write32(const struct pci_fn *f, unsigned off, uint32_t v);
void pci_write16(const struct pci_fn *f, unsigned off, uint16_t v);

/* Offset of capability `id` after the one at `after` (0: the first), or 0. */
unsigned pci_find_cap(const struct pci_fn *f, uint8_t id, unsigned after);
/* A memory BAR's base address (64-bit BARs combined), 0 for I/O or unassigned. */
uint64_t pci_bar(const struct pci_fn *f, unsigned bar);
/* Memory decoding and bus mastering on, INTx off. */
void pci_enable(const struct pci_fn *f);
/* Route MSI-X table entry 0 to `line` (vector 48 + line) on the boot CPU. */
int pci_msix_setup(const struct pci_fn *f, unsigned line);

/* ---- pci_scan.c */
void x86_pci_init(void); /* scan every bus once and hand each function to its driver */

/* ---- virtio_pci.c */
void x86_virtio_pci_probe(const struct pci_fn *f);

#endif
