/*
 * hal-x86_64/pci.c - PCI configuration space through the legacy ports, MSI and MSI-X.
 *
 * Configuration space through the legacy 0xcf8/0xcfc ports (the first 256 bytes, all
 * the HAL reads; every PC and q35 has them) for core/drivers/pci (scan, capabilities,
 * BARs); the firmware has already assigned the BARs. Devices the HAL drives (virtio,
 * in virtio_pci.c; Intel HDA, in hda_pci.c) get memory decoding and bus mastering,
 * INTx off, and one MSI-X (virtio) or MSI (HDA) vector to the boot CPU on a fresh HAL
 * interrupt line. The drivers use this file; the bus scan that finds them is
 * pci_scan.c.
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

uint32_t pci_cfg_read(const struct pci_fn *f, unsigned off, unsigned width)
{
    if (off > 0xff)
        return 0xffffffffu; /* no extended space through the ports */
    outl(0xcf8, addr(f, off));
    uint32_t v = inl(0xcfc);
    return width == 4 ? v : width == 2 ? (uint16_t)(v >> ((off & 2) * 8))
                                       : (uint8_t)(v >> ((off & 3) * 8));
}

void pci_cfg_write(const struct pci_fn *f, unsigned off, unsigned width, uint32_t v)
{
    if (off > 0xff)
        return;
    outl(0xcf8, addr(f, off));
    if (width == 4)
        outl(0xcfc, v);
    else if (width == 2)
        outw((uint16_t)(0xcfc + (off & 2)), (uint16_t)v);
    else
        outb((uint16_t)(0xcfc + (off & 3)), (uint8_t)v);
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

int pci_msi_setup(const struct pci_fn *f, unsigned line)
{
    unsigned cap = pci_find_cap(f, 0x05, 0);
    if (!cap)
        return SOS_ERR_NOT_SUPPORTED;
    uint16_t ctl = pci_read16(f, cap + 2);
    bool wide = ctl & 0x80; /* 64-bit address: the data register moves up */
    pci_write32(f, cap + 4, 0xfee00000u | (x86_this_cpu()->apic_id << 12));
    if (wide)
        pci_write32(f, cap + 8, 0);
    pci_write16(f, cap + (wide ? 12 : 8), (uint16_t)(X86_VEC_IRQ_BASE + line));
    pci_write16(f, cap + 2, (uint16_t)((ctl & ~0x70u) | 1u)); /* one vector, enabled */
    return 0;
}
