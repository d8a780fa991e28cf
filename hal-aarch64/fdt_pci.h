/*
 * hal-aarch64/fdt_pci.h - a PCIe host bridge with ECAM, as the device tree describes it.
 *
 * The first enabled "pci-host-ecam-generic" node (QEMU virt's) gives: the ECAM window
 * (reg) and the bus numbers it covers (bus-range), the windows that BARs are placed in
 * (ranges: 32-bit memory, 64-bit memory, I/O, each with its bus and CPU address), and
 * the legacy INTx routing (interrupt-map and interrupt-map-mask) to GIC interrupt ids.
 * The result holds no pointers (it lives in struct fdt_plat, filled before the MMU).
 *
 * Layer: hal-aarch64, platform-neutral (also built for the host unit tests).
 */
#ifndef HAL_AARCH64_FDT_PCI_H
#define HAL_AARCH64_FDT_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "dtb.h"

#define FDT_PCI_MAX_INTX 32

struct fdt_pci_window {
    uint64_t pci, cpu, size; /* bus address, CPU address, bytes; size 0: none */
};

struct fdt_pci {
    bool found;
    uint64_t ecam_base, ecam_size;
    uint32_t bus_first, bus_last;
    struct fdt_pci_window mem32, mem64, io; /* mem64: the first 64-bit (or prefetchable) window */
    uint32_t intx_mask_hi, intx_mask_pin;  /* interrupt-map-mask: phys.hi and the pin */
    struct {
        uint32_t hi, pin, intid; /* masked child address and pin -> GIC interrupt id */
    } intx[FDT_PCI_MAX_INTX];
    unsigned intx_count;
};

/* Fill *out from the tree (out->found false when there is no usable host bridge);
 * `gic` is the GIC's node (-1: none, then no INTx routes). */
void fdt_pci_parse(const struct dtb *d, int gic, struct fdt_pci *out);

/* The GIC interrupt id INTx pin `pin` (1 = INTA .. 4 = INTD) of bus/dev/fn raises, or
 * 0 when the map has no route (no pin, or a device behind a bridge: not swizzled). */
uint32_t fdt_pci_intx(const struct fdt_pci *p, unsigned bus, unsigned dev, unsigned fn,
                      unsigned pin);

/* A GIC interrupt specifier's (type, number) as an interrupt id; 0 when not SPI/PPI. */
uint32_t fdt_gic_intid(uint32_t type, uint32_t num);

#endif
