/*
 * hal-aarch64/fdt_pci.c - read a generic ECAM PCIe host bridge out of the device tree.
 *
 * Bindings followed: Linux's pci/host-generic-pci.yaml ("pci-host-ecam-generic": reg is
 * the ECAM window, bus-range its buses) and the PCI bus binding (ranges entries are a
 * three-cell bus address whose first cell says the space: 01 I/O, 10 32-bit memory, 11
 * 64-bit memory; interrupt-map entries are child address, child pin, parent phandle,
 * parent address, parent interrupt specifier). Only routes to the GIC with three-cell
 * specifiers are kept; the CPU addresses in ranges are taken in the bridge's parent's
 * space untranslated (QEMU virt's bridge sits at the root). Every length is checked
 * against the property before it is read.
 *
 * Rules: runs before the MMU (through fdt_plat_parse): no libc, no pointer tables.
 *
 * Layer: hal-aarch64, platform-neutral (also built for the host unit tests).
 */
#include "fdt_pci.h"

uint32_t fdt_gic_intid(uint32_t type, uint32_t num)
{
    if (type == 0 && num < 988)
        return num + 32; /* SPI */
    if (type == 1 && num < 16)
        return num + 16; /* PPI */
    return 0;
}

static void parse_ranges(const struct dtb *d, int n, struct fdt_pci *o)
{
    uint32_t pac = dtb_addr_cells(d, dtb_parent(d, n)), sc = dtb_size_cells(d, n), len;
    const uint8_t *r = dtb_prop(d, n, "ranges", &len);
    if (!r || pac == 0 || pac > 2 || sc == 0 || sc > 2)
        return;
    uint32_t entry = 4 * (3 + pac + sc);
    for (uint32_t at = 0; at + entry <= len; at += entry) {
        uint32_t hi = dtb_be32(r + at);
        struct fdt_pci_window w = {dtb_cells(r + at + 4, 2), dtb_cells(r + at + 12, pac),
                                   dtb_cells(r + at + 12 + 4 * pac, sc)};
        unsigned space = (hi >> 24) & 3;
        bool prefetch = hi & (1u << 30);
        struct fdt_pci_window *slot = space == 1                 ? &o->io
                                      : space == 2 && !prefetch ? &o->mem32
                                      : space >= 2              ? &o->mem64
                                                                : 0;
        if (slot && !slot->size && w.size)
            *slot = w;
    }
}

/* One interrupt-map entry at `p` (`avail` bytes left): its length in bytes, 0 when
 * malformed (the walk stops there). A route to the GIC is kept. */
static uint32_t map_entry(const struct dtb *d, int gic, uint32_t cic, const uint8_t *p,
                          uint32_t avail, struct fdt_pci *o)
{
    uint32_t head = 4 * (3 + cic + 1); /* child address, child specifier, phandle */
    if (avail < head)
        return 0;
    int parent = dtb_find_phandle(d, dtb_be32(p + head - 4));
    if (parent < 0)
        return 0;
    uint32_t pac = dtb_prop_u32(d, parent, "#address-cells", 0);
    uint32_t pic = dtb_prop_u32(d, parent, "#interrupt-cells", 0);
    if (pac > 3 || pic == 0 || pic > 4 || avail < head + 4 * (pac + pic))
        return 0;
    const uint8_t *spec = p + head + 4 * pac;
    if (parent == gic && pic == 3 && cic == 1 && o->intx_count < FDT_PCI_MAX_INTX) {
        uint32_t id = fdt_gic_intid(dtb_be32(spec), dtb_be32(spec + 4));
        if (id) {
            unsigned i = o->intx_count++;
            o->intx[i].hi = dtb_be32(p) & o->intx_mask_hi;
            o->intx[i].pin = dtb_be32(p + 12) & o->intx_mask_pin;
            o->intx[i].intid = id;
        }
    }
    return head + 4 * (pac + pic);
}

static void parse_intx(const struct dtb *d, int n, int gic, struct fdt_pci *o)
{
    uint32_t mlen, len, cic = dtb_prop_u32(d, n, "#interrupt-cells", 0);
    const uint8_t *mask = dtb_prop(d, n, "interrupt-map-mask", &mlen);
    const uint8_t *map = dtb_prop(d, n, "interrupt-map", &len);
    if (gic < 0 || !map || cic != 1)
        return;
    o->intx_mask_hi = mask && mlen == 16 ? dtb_be32(mask) : 0xffffffffu;
    o->intx_mask_pin = mask && mlen == 16 ? dtb_be32(mask + 12) : 0xffffffffu;
    for (uint32_t at = 0, step; at < len; at += step)
        if (!(step = map_entry(d, gic, cic, map + at, len - at, o)))
            break;
}

void fdt_pci_parse(const struct dtb *d, int gic, struct fdt_pci *o)
{
    int n = dtb_find_compatible(d, -1, "pci-host-ecam-generic");
    while (n >= 0 && !dtb_is_enabled(d, n))
        n = dtb_find_compatible(d, n, "pci-host-ecam-generic");
    if (n < 0 || dtb_addr_cells(d, n) != 3 || dtb_reg(d, n, 0, &o->ecam_base, &o->ecam_size))
        return;
    uint32_t len;
    const uint8_t *br = dtb_prop(d, n, "bus-range", &len);
    o->bus_first = br && len == 8 ? dtb_be32(br) : 0;
    o->bus_last = br && len == 8 ? dtb_be32(br + 4) : 255;
    uint64_t buses = o->ecam_size >> 20; /* 1 MiB of configuration space a bus */
    if (o->bus_last > 255 || o->bus_first > o->bus_last || buses == 0)
        return;
    if (o->bus_last - o->bus_first + 1 > buses)
        o->bus_last = o->bus_first + (uint32_t)buses - 1;
    parse_ranges(d, n, o);
    parse_intx(d, n, gic, o);
    o->found = true;
}

uint32_t fdt_pci_intx(const struct fdt_pci *p, unsigned bus, unsigned dev, unsigned fn,
                      unsigned pin)
{
    if (pin < 1 || pin > 4 || bus != p->bus_first)
        return 0;
    uint32_t hi = ((uint32_t)bus << 16 | (uint32_t)dev << 11 | (uint32_t)fn << 8) & p->intx_mask_hi;
    for (unsigned i = 0; i < p->intx_count; i++)
        if (p->intx[i].hi == hi && p->intx[i].pin == (pin & p->intx_mask_pin))
            return p->intx[i].intid;
    return 0;
}
