/*
 * hal-x86_64/pci_scan.c - finding the PCI functions at boot and handing each to its
 * driver.
 *
 * Every bus, device and function is scanned once (configuration space through pci.c);
 * virtio functions (vendor 0x1af4) go to virtio_pci.c. The scan is kept apart from
 * pci.c (the accessors both the scan and the drivers use) so that a driver never calls
 * back into the code that probed it.
 *
 * Layer: hal-x86_64 (above the drivers; only boot.c calls it).
 */
#include "pci.h"

#include "hal.h"
#include "print.h"

static void probe_fn(struct pci_fn *f)
{
    uint32_t id = pci_read32(f, 0);
    f->vendor = (uint16_t)id;
    f->device = (uint16_t)(id >> 16);
    uint32_t cls = pci_read32(f, 0x08);
    f->class_code = cls >> 8;
    if (f->vendor == 0x1af4)
        x86_virtio_pci_probe(f);
}

void x86_pci_init(void)
{
    unsigned found = 0;
    for (unsigned bus = 0; bus < 256; bus++)
        for (unsigned dev = 0; dev < 32; dev++) {
            struct pci_fn f = {(uint8_t)bus, (uint8_t)dev, 0};
            if (pci_read16(&f, 0) == 0xffff)
                continue;
            unsigned nfn = (pci_read8(&f, 0x0e) & 0x80) ? 8 : 1;
            for (unsigned fn = 0; fn < nfn; fn++) {
                f.fn = (uint8_t)fn;
                if (pci_read16(&f, 0) == 0xffff)
                    continue;
                probe_fn(&f);
                found++;
            }
        }
    x86_printf("pci: %u functions\n", found);
}
