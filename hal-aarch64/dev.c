/*
 * hal-aarch64/dev.c - the device list behind hal_dev_get() and the boot-time DMA pool.
 *
 * The transports (virtio_mmio.c, pci_ecam.c with virtio_pci.c) probe their devices at boot, before the
 * core runs, and add each working one here; the core then asks hal_dev_get() for them
 * in that order (a display wrapped by ramfb.c, whose boot console ends at the display's
 * first request). Their DMA memory (virtqueues, buffers, HDA rings and the sound buffer)
 * comes from a pool in the kernel image (what does not fit, from the top of RAM:
 * boot_mem_take in hal.c), ordinary cacheable RAM, which is right on
 * QEMU virt, where device DMA is cache-coherent (its PCIe host is "dma-coherent"); a
 * non-coherent machine would need cache maintenance or an uncached mapping here.
 *
 * Layer: hal-aarch64.
 */
#include "arch.h"

#include "kernel.h"

#define MAX_DEVS 8
/* a disk (about 5 pages), a network card (about 35: its buffers), an HDA card (6) */
#define DMA_PAGES 104

static struct {
    const struct hal_dev_ops *ops;
    void *dev;
} g_devs[MAX_DEVS];
static unsigned g_ndevs;
static uint8_t g_dma[DMA_PAGES][4096] __attribute__((aligned(4096)));
static unsigned g_dma_used;

uint64_t dma_alloc(size_t pages)
{
    if (pages == 0)
        return 0;
    if (g_dma_used + pages > DMA_PAGES) /* the GPU's framebuffer: off the top of RAM */
        return boot_mem_take(pages);
    paddr_t pa = virt_to_phys(g_dma[g_dma_used]);
    g_dma_used += (unsigned)pages;
    memset(phys_to_virt(pa), 0, pages * 4096);
    return pa;
}

/* The boot line of a virtio device that started (either transport). */
void dev_report_virtio(const struct hal_dev_ops *ops, void *dev)
{
    struct hal_dev_info info;
    ops->info(dev, &info);
    if (info.dev_class == HAL_DEV_NET)
        kprintf("virtio: %s, mac %02x:%02x:%02x:%02x:%02x:%02x, line %u\n", info.name,
                info.net.mac[0], info.net.mac[1], info.net.mac[2], info.net.mac[3],
                info.net.mac[4], info.net.mac[5], info.irq);
    else if (info.dev_class == HAL_DEV_INPUT)
        kprintf("virtio: %s, line %u\n", info.name, info.irq);
    else if (info.dev_class == HAL_DEV_DISPLAY)
        kprintf("virtio: %s, %ux%u (largest %ux%u), line %u\n", info.name, info.width,
                info.height, info.max_width, info.max_height, info.irq);
    else
        kprintf("virtio: %s, %llu blocks of %llu bytes, line %u\n", info.name,
                (unsigned long long)info.block_count, (unsigned long long)info.block_size,
                info.irq);
}

bool dev_add(const struct hal_dev_ops *ops, void *dev)
{
    if (g_ndevs == MAX_DEVS)
        return false;
    ramfb_watch_display(&ops, &dev); /* a display's first request ends the ramfb console */
    g_devs[g_ndevs].ops = ops;
    g_devs[g_ndevs].dev = dev;
    g_ndevs++;
    return true;
}

bool hal_dev_get(unsigned index, const struct hal_dev_ops **ops, void **dev)
{
    if (index >= g_ndevs)
        return false;
    *ops = g_devs[index].ops;
    *dev = g_devs[index].dev;
    return true;
}
