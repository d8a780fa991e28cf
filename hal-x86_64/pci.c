/*
 * hal-x86_64/pci.c - PCI enumeration, BARs and MSI-X.
 *
 * Configuration space through the legacy 0xcf8/0xcfc ports (the first 256 bytes, all
 * the HAL reads; every PC and q35 has them); the firmware has already assigned the
 * BARs. Devices the HAL drives (virtio, in virtio_pci.c) get memory decoding and bus
 * mastering, INTx off, and one MSI-X vector to the boot CPU on a fresh HAL interrupt
 * line. The drivers use this file; the bus scan that finds them is pci_scan.c.
 *
 * Layer: hal-x86_64 (above mmu.c; the drivers and pci_scan.c use it).
 */
#include "pci.h"

#include <sos/errors.h>

#include "hal.h"
#include "cpu.h"
#include "mmu.h"

static uint32_t addr(const struct pci_fn *f, unsigned off)
{
    return 0x80000000u | (uint32_t)f->bus << 16 | (uint32_t)f->dev << 11 |
           (uint32_t)f->fn << 8 | (off & 0xfc);
}

uint32_t pci_read32(const struct pci_fn *f, unsigned off)
{
    outl(0xcf8, addr(f, off));
    return inl(0xcfc);
}

uint16_t pci_read16(const struct pci_fn *f, unsigned off)
{
    return (uint16_t)(pci_read32(f, off) >> ((off & 2) * 8));
}

uint8_t pci_read8(const struct pci_fn *f, unsigned off)
{
    return (uint8_t)(pci_read32(f, off) >> ((off & 3) * 8));
}

void pci_write32(const struct pci_fn *f, unsigned off, uint32_t v)
{
    outl(0xcf8, addr(f, off));
    outl(0xcfc, v);
}

void pci_write16(const struct pci_fn *f, unsigned off, uint16_t v)
{
    outl(0xcf8, addr(f, off));
    outw((uint16_t)(0xcfc + (off & 2)), v);
}

unsigned pci_find_cap(const struct pci_fn *f, uint8_t id, unsigned after)
{
    if (!(pci_read16(f, 0x06) & 0x10)) /* no capability list */
        return 0;
    unsigned p = after ? pci_read8(f, after + 1) : pci_read8(f, 0x34);
    for (int guard = 0; p >= 0x40 && guard < 48; guard++) {
        if (pci_read8(f, p) == id)
            return p;
        p = pci_read8(f, p + 1);
    }
    return 0;
}

uint64_t pci_bar(const struct pci_fn *f, unsigned bar)
{
    if (bar > 5)
        return 0;
    uint32_t lo = pci_read32(f, 0x10 + 4 * bar);
    if (lo & 1)
        return 0; /* an I/O BAR */
    uint64_t base = lo & ~0xfull;
    if (((lo >> 1) & 3) == 2 && bar < 5)
        base |= (uint64_t)pci_read32(f, 0x14 + 4 * bar) << 32;
    return base;
}

void pci_enable(const struct pci_fn *f)
{
    uint16_t cmd = pci_read16(f, 0x04);
    cmd |= 0x2 | 0x4;   /* memory space, bus master */
    cmd |= 0x400;       /* INTx off: MSI-X only */
    pci_write16(f, 0x04, cmd);
}

int pci_msix_setup(const struct pci_fn *f, unsigned line)
{
    unsigned cap = pci_find_cap(f, 0x11, 0);
    if (!cap)
        return SOS_ERR_NOT_SUPPORTED;
    uint32_t tbl = pci_read32(f, cap + 4);
    uint64_t base = pci_bar(f, tbl & 7);
    if (!base)
        return SOS_ERR_NOT_SUPPORTED;
    volatile uint32_t *e = x86_mmio_map(base + (tbl & ~7u), 16, false);
    e[0] = 0xfee00000u | (x86_this_cpu()->apic_id << 12);
    e[1] = 0;
    e[2] = X86_VEC_IRQ_BASE + line; /* fixed delivery, edge */
    e[3] = 0;                       /* unmasked */
    uint16_t ctl = pci_read16(f, cap + 2);
    ctl = (uint16_t)((ctl | 0x8000) & ~0x4000); /* enable, no function mask */
    pci_write16(f, cap + 2, ctl);
    return 0;
}
