/*
 * hal-x86_64/pci_scan.c - finding the PCI functions at boot and handing each to its
 * driver.
 *
 * Every bus, device and function is scanned once (core/drivers/pci's pci_scan, with
 * configuration space through pci.c);
 * virtio functions (vendor 0x1af4) go to virtio_pci.c, an Intel HDA controller to
 * hda_pci.c. The scan is kept apart from
 * pci.c (the accessors both the scan and the drivers use) so that a driver never calls
 * back into the code that probed it.
 *
 * Layer: hal-x86_64 (above the drivers; only boot.c calls it).
 */
#include "pci.h"

#include "hal.h"
#include "print.h"

static void probe_fn(struct pci_fn *f, void *ctx)
{
    (void)ctx;
    if (f->vendor == 0x1af4)
        x86_virtio_pci_probe(f);
    x86_hda_pci_probe(f);
}

void x86_pci_init(void)
{
    unsigned found = pci_scan(0, 255, probe_fn, NULL);
    x86_printf("pci: %u functions\n", found);
}
