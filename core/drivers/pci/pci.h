/*
 * core/drivers/pci/pci.h - PCI configuration-space helpers shared by the HALs.
 *
 * What is the same on every machine lives here: the bus scan, the capability walk,
 * reading, sizing and assigning memory BARs, and turning decoding and bus mastering
 * on. What differs is how configuration space is reached (x86_64: the 0xcf8/0xcfc
 * ports; aarch64: an ECAM window named by the device tree) and how interrupts are
 * delivered (MSI to a local APIC, INTx through the device tree's interrupt-map); each
 * HAL provides pci_cfg_read and pci_cfg_write below and keeps its interrupt setup, and
 * pci_bar_map for drivers that reach a BAR's registers (core/drivers/virtio/virtio_pci).
 *
 * Rules: boot time only (before core_main), single-threaded, no allocation.
 *
 * Layer: core drivers (arch-neutral; over the two accessors a HAL provides).
 */
#ifndef CORE_DRIVERS_PCI_PCI_H
#define CORE_DRIVERS_PCI_PCI_H

#include <stdbool.h>
#include <stdint.h>

struct pci_fn {
    uint8_t bus, dev, fn;
    uint16_t vendor, device;
    uint32_t class_code; /* class, subclass, programming interface */
};

/* ---- provided by the HAL: naturally aligned accesses of 1, 2 or 4 bytes at `off`
 * (0..4095; a HAL without extended space returns all ones above 255). */
uint32_t pci_cfg_read(const struct pci_fn *f, unsigned off, unsigned width);
void pci_cfg_write(const struct pci_fn *f, unsigned off, unsigned width, uint32_t v);

/* ---- provided by the HAL for the drivers: the kernel address of bytes [off, off + len)
 * of memory BAR `bar`, mapped as device memory (uncached), or NULL when the BAR is not a
 * placed memory BAR or the range lies outside what the HAL maps for it. Boot time. */
volatile void *pci_bar_map(const struct pci_fn *f, unsigned bar, uint64_t off, uint64_t len);

static inline uint32_t pci_read32(const struct pci_fn *f, unsigned off)
{
    return pci_cfg_read(f, off, 4);
}
static inline uint16_t pci_read16(const struct pci_fn *f, unsigned off)
{
    return (uint16_t)pci_cfg_read(f, off, 2);
}
static inline uint8_t pci_read8(const struct pci_fn *f, unsigned off)
{
    return (uint8_t)pci_cfg_read(f, off, 1);
}
static inline void pci_write32(const struct pci_fn *f, unsigned off, uint32_t v)
{
    pci_cfg_write(f, off, 4, v);
}
static inline void pci_write16(const struct pci_fn *f, unsigned off, uint16_t v)
{
    pci_cfg_write(f, off, 2, v);
}

/* Call `probe` for every function present on buses first..last (vendor, device and
 * class filled in); the number found. */
unsigned pci_scan(unsigned first, unsigned last, void (*probe)(struct pci_fn *f, void *ctx),
                  void *ctx);

/* Offset of capability `id` after the one at `after` (0: the first), or 0. */
unsigned pci_find_cap(const struct pci_fn *f, uint8_t id, unsigned after);

/* A memory BAR's base address (64-bit BARs combined), 0 for I/O, unassigned or bar > 5. */
uint64_t pci_bar(const struct pci_fn *f, unsigned bar);

/* A window of bus addresses that BARs are carved from (bump allocation, each BAR
 * aligned to its size). */
struct pci_window {
    uint64_t base, size, used;
};

/*
 * Size every memory BAR of a type-0 function and place it in `w` (decoding is off
 * while sizing). I/O BARs are left alone. 0, or SOS_ERR_NO_MEMORY when a BAR does
 * not fit (the BARs placed so far keep their addresses; decoding stays off).
 */
int pci_assign_bars(const struct pci_fn *f, struct pci_window *w);

/* Memory decoding and bus mastering on; INTx on or off (off when MSI is used). */
void pci_enable(const struct pci_fn *f, bool intx);

#endif
