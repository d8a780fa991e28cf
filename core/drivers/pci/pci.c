/*
 * core/drivers/pci/pci.c - the platform-neutral half of PCI: scan, capabilities, BARs.
 *
 * Everything here goes through the HAL's pci_cfg_read/pci_cfg_write, so x86_64 (whose
 * firmware has placed the BARs) and aarch64 (whose BARs nobody has placed when the
 * kernel is booted directly: pci_assign_bars does it from the device tree's window)
 * run the same code. The unit test pci_test.c runs it on a simulated configuration
 * space.
 *
 * Layer: core drivers (arch-neutral).
 */
#include "pci.h"

#include <sos/errors.h>

#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_CAP_PTR 0x34
#define CMD_MEMORY 0x2u
#define CMD_MASTER 0x4u
#define CMD_INTX_OFF 0x400u

static void probe_one(struct pci_fn *f, void (*probe)(struct pci_fn *, void *), void *ctx)
{
    uint32_t id = pci_read32(f, 0);
    f->vendor = (uint16_t)id;
    f->device = (uint16_t)(id >> 16);
    f->class_code = pci_read32(f, 0x08) >> 8;
    probe(f, ctx);
}

unsigned pci_scan(unsigned first, unsigned last, void (*probe)(struct pci_fn *f, void *ctx),
                  void *ctx)
{
    unsigned found = 0;
    for (unsigned bus = first; bus <= last && bus < 256; bus++)
        for (unsigned dev = 0; dev < 32; dev++) {
            struct pci_fn f = {(uint8_t)bus, (uint8_t)dev, 0, 0, 0, 0};
            if (pci_read16(&f, 0) == 0xffff)
                continue;
            unsigned nfn = (pci_read8(&f, PCI_HEADER_TYPE) & 0x80) ? 8 : 1;
            for (unsigned fn = 0; fn < nfn; fn++) {
                f.fn = (uint8_t)fn;
                if (pci_read16(&f, 0) == 0xffff)
                    continue;
                probe_one(&f, probe, ctx);
                found++;
            }
        }
    return found;
}

unsigned pci_find_cap(const struct pci_fn *f, uint8_t id, unsigned after)
{
    if (!(pci_read16(f, PCI_STATUS) & 0x10)) /* no capability list */
        return 0;
    unsigned p = after ? pci_read8(f, after + 1) : pci_read8(f, PCI_CAP_PTR);
    for (int guard = 0; p >= 0x40 && guard < 48; guard++) { /* a looping list ends */
        p &= 0xfc;
        if (pci_read8(f, p) == id)
            return p;
        p = pci_read8(f, p + 1);
    }
    return 0;
}

static bool bar_is_64(uint32_t lo) { return !(lo & 1) && ((lo >> 1) & 3) == 2; }

uint64_t pci_bar(const struct pci_fn *f, unsigned bar)
{
    if (bar > 5)
        return 0;
    uint32_t lo = pci_read32(f, PCI_BAR0 + 4 * bar);
    if (lo & 1)
        return 0; /* an I/O BAR */
    uint64_t base = lo & ~0xfull;
    if (bar_is_64(lo) && bar < 5)
        base |= (uint64_t)pci_read32(f, PCI_BAR0 + 4 * bar + 4) << 32;
    return base;
}

/* The size a memory BAR decodes (all ones written, the read-back's low bits clear),
 * 0 when unimplemented. The BAR's old value is restored. */
static uint64_t bar_size(const struct pci_fn *f, unsigned bar, bool wide)
{
    unsigned off = PCI_BAR0 + 4 * bar;
    uint32_t old_lo = pci_read32(f, off), old_hi = wide ? pci_read32(f, off + 4) : 0;
    pci_write32(f, off, 0xffffffffu);
    uint64_t mask = pci_read32(f, off) & ~0xfull;
    if (wide) {
        pci_write32(f, off + 4, 0xffffffffu);
        mask |= (uint64_t)pci_read32(f, off + 4) << 32;
        pci_write32(f, off + 4, old_hi);
    } else if (mask) {
        mask |= 0xffffffff00000000ull; /* the upper half of a 32-bit BAR decodes nothing */
    }
    pci_write32(f, off, old_lo);
    return mask ? ~mask + 1 : 0;
}

/* Place one BAR of `size` bytes in the window; 0 or SOS_ERR_NO_MEMORY. */
static int bar_place(const struct pci_fn *f, unsigned bar, bool wide, uint64_t size,
                     struct pci_window *w)
{
    uint64_t at = (w->base + w->used + size - 1) & ~(size - 1);
    if (at < w->base || at - w->base > w->size || size > w->size - (at - w->base))
        return SOS_ERR_NO_MEMORY;
    if (!wide && (at >> 32))
        return SOS_ERR_NO_MEMORY; /* a 32-bit BAR cannot reach it */
    unsigned off = PCI_BAR0 + 4 * bar;
    pci_write32(f, off, (uint32_t)at);
    if (wide)
        pci_write32(f, off + 4, (uint32_t)(at >> 32));
    w->used = at - w->base + size;
    return 0;
}

int pci_assign_bars(const struct pci_fn *f, struct pci_window *w)
{
    unsigned nbars = (pci_read8(f, PCI_HEADER_TYPE) & 0x7f) == 1 ? 2 : 6; /* a bridge: 2 */
    uint16_t cmd = pci_read16(f, PCI_COMMAND);
    pci_write16(f, PCI_COMMAND, (uint16_t)(cmd & ~CMD_MEMORY)); /* no decoding while sizing */
    for (unsigned bar = 0; bar < nbars; bar++) {
        uint32_t lo = pci_read32(f, PCI_BAR0 + 4 * bar);
        if (lo & 1)
            continue; /* I/O */
        bool wide = bar_is_64(lo) && bar + 1 < nbars;
        uint64_t size = bar_size(f, bar, wide);
        if (size && bar_place(f, bar, wide, size, w))
            return SOS_ERR_NO_MEMORY;
        bar += wide;
    }
    pci_write16(f, PCI_COMMAND, cmd);
    return 0;
}

void pci_enable(const struct pci_fn *f, bool intx)
{
    uint16_t cmd = pci_read16(f, PCI_COMMAND) | CMD_MEMORY | CMD_MASTER;
    cmd = intx ? (uint16_t)(cmd & ~CMD_INTX_OFF) : (uint16_t)(cmd | CMD_INTX_OFF);
    pci_write16(f, PCI_COMMAND, cmd);
}
