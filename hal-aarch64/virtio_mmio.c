/*
 * hal-aarch64/virtio_mmio.c - the virtio-mmio transport (virtio 1.x, register layout
 * version 2) for the arch-neutral drivers in core/drivers/virtio.
 *
 * The slots come from the device tree ("virtio,mmio" nodes; QEMU virt has 32). Only
 * version-2 (modern) slots are used: QEMU's virt machine presents legacy ones unless
 * started with -global virtio-mmio.force-legacy=false, which image/aarch64/run.sh
 * passes. Block, network, input (virtio-keyboard-device, virtio-tablet-device) and GPU
 * devices (virtio-gpu-device, run.sh --gpu-mmio; --gpu gives the virtio-gpu-pci of
 * virtio_pci.c) are probed at boot, before the core runs,
 * so DMA memory comes from the pool in dev.c, and what does not fit there (the GPU's
 * 9 MB framebuffer) from the top of RAM (boot_mem_take in hal.c); DMA is cache-coherent
 * on QEMU (the Pi 5 has no virtio). Each working device joins dev.c's list. A device's
 * interrupt line is its GIC interrupt id - 16 (see hal.c).
 *
 * Optional boot self-test (kernel command line sos.blktest; hal.c runs it once virtio-mmio
 * and PCI are probed): read block 0 of the first block device by polling and print its
 * first bytes.
 *
 * Layer: hal-aarch64.
 */
#include "arch.h"
#include "fdt_plat.h"

#include "drivers/virtio/virtio.h"
#include "kernel.h"

#define R_MAGIC 0x000
#define R_VERSION 0x004
#define R_DEVICE_ID 0x008
#define R_DEVICE_FEATURES 0x010
#define R_DEVICE_FEATURES_SEL 0x014
#define R_DRIVER_FEATURES 0x020
#define R_DRIVER_FEATURES_SEL 0x024
#define R_QUEUE_SEL 0x030
#define R_QUEUE_NUM_MAX 0x034
#define R_QUEUE_NUM 0x038
#define R_QUEUE_READY 0x044
#define R_QUEUE_NOTIFY 0x050
#define R_INTERRUPT_STATUS 0x060
#define R_INTERRUPT_ACK 0x064
#define R_STATUS 0x070
#define R_QUEUE_DESC 0x080
#define R_QUEUE_DRIVER 0x090
#define R_QUEUE_DEVICE 0x0a0
#define R_CONFIG 0x100
#define VIRTIO_MMIO_MAGIC 0x74726976u /* "virt" */

#define MAX_DEVS 8

struct vmmio {
    uintptr_t base;
    struct virtio_dev vd;
};

static struct vmmio g_vm[MAX_DEVS];
static unsigned g_nvm;

static uintptr_t base_of(struct virtio_dev *d) { return ((struct vmmio *)d->priv)->base; }
static uint32_t rd(struct virtio_dev *d, uint32_t off) { return mmio_read32(base_of(d) + off); }
static void wr(struct virtio_dev *d, uint32_t off, uint32_t v) { mmio_write32(base_of(d) + off, v); }

static uint8_t vm_get_status(struct virtio_dev *d) { return (uint8_t)rd(d, R_STATUS); }

static void vm_set_status(struct virtio_dev *d, uint8_t s)
{
    wr(d, R_STATUS, s);
    for (unsigned i = 0; s == 0 && rd(d, R_STATUS) != 0 && i < 1000000; i++)
        hal_cpu_relax(); /* a reset finishes when the status reads 0 */
}

static uint64_t vm_get_features(struct virtio_dev *d)
{
    wr(d, R_DEVICE_FEATURES_SEL, 1);
    uint64_t hi = rd(d, R_DEVICE_FEATURES);
    wr(d, R_DEVICE_FEATURES_SEL, 0);
    return hi << 32 | rd(d, R_DEVICE_FEATURES);
}

static void vm_set_features(struct virtio_dev *d, uint64_t f)
{
    wr(d, R_DRIVER_FEATURES_SEL, 1);
    wr(d, R_DRIVER_FEATURES, (uint32_t)(f >> 32));
    wr(d, R_DRIVER_FEATURES_SEL, 0);
    wr(d, R_DRIVER_FEATURES, (uint32_t)f);
}

static uint32_t vm_config_read(struct virtio_dev *d, uint32_t off, unsigned width)
{
    uintptr_t a = base_of(d) + R_CONFIG + off;
    if (width == 1)
        return *(volatile uint8_t *)a;
    if (width == 2)
        return *(volatile uint16_t *)a;
    return *(volatile uint32_t *)a;
}

static void vm_config_write(struct virtio_dev *d, uint32_t off, unsigned width, uint32_t v)
{
    uintptr_t a = base_of(d) + R_CONFIG + off;
    if (width == 1)
        *(volatile uint8_t *)a = (uint8_t)v;
    else if (width == 2)
        *(volatile uint16_t *)a = (uint16_t)v;
    else
        *(volatile uint32_t *)a = v;
}

static uint16_t vm_queue_max(struct virtio_dev *d, uint16_t q)
{
    wr(d, R_QUEUE_SEL, q);
    if (rd(d, R_QUEUE_READY))
        return 0;
    uint32_t max = rd(d, R_QUEUE_NUM_MAX);
    return max > 0xffff ? 0xffff : (uint16_t)max;
}

static void wr64(struct virtio_dev *d, uint32_t off, uint64_t v)
{
    wr(d, off, (uint32_t)v);
    wr(d, off + 4, (uint32_t)(v >> 32));
}

static int vm_queue_setup(struct virtio_dev *d, uint16_t q, uint16_t size, paddr_t desc,
                          paddr_t avail, paddr_t used)
{
    wr(d, R_QUEUE_SEL, q);
    wr(d, R_QUEUE_NUM, size);
    wr64(d, R_QUEUE_DESC, desc);
    wr64(d, R_QUEUE_DRIVER, avail);
    wr64(d, R_QUEUE_DEVICE, used);
    wr(d, R_QUEUE_READY, 1);
    return 0;
}

static void vm_queue_notify(struct virtio_dev *d, uint16_t q)
{
    dsb(st); /* the rings are written before the device hears of them */
    wr(d, R_QUEUE_NOTIFY, q);
}

static uint32_t vm_irq_ack(struct virtio_dev *d)
{
    uint32_t s = rd(d, R_INTERRUPT_STATUS);
    if (s)
        wr(d, R_INTERRUPT_ACK, s);
    return s;
}

static paddr_t vm_dma_alloc(struct virtio_dev *d, size_t pages)
{
    (void)d;
    return dma_alloc(pages);
}

static const struct virtio_transport g_vm_ops = {
    vm_get_status, vm_set_status, vm_get_features, vm_set_features, vm_config_read,
    vm_config_write, vm_queue_max, vm_queue_setup, vm_queue_notify, vm_irq_ack, vm_dma_alloc,
};

static void probe_slot(uint64_t pa, uint32_t intid)
{
    uintptr_t base = mmio_va(pa);
    if (mmio_read32(base + R_MAGIC) != VIRTIO_MMIO_MAGIC)
        return;
    uint32_t version = mmio_read32(base + R_VERSION), id = mmio_read32(base + R_DEVICE_ID);
    const char *kind = virtio_type_name(id);
    if (!kind || g_nvm == MAX_DEVS)
        return;
    if (version != 2) {
        kprintf("virtio-mmio: %#llx is a legacy (version %u) device; skipped "
                "(QEMU: -global virtio-mmio.force-legacy=false)\n",
                (unsigned long long)pa, version);
        return;
    }
    struct vmmio *v = &g_vm[g_nvm];
    v->base = base;
    v->vd.t = &g_vm_ops;
    v->vd.priv = v;
    v->vd.device_id = id;
    v->vd.irq_line = intid >= 32 ? intid - 16 : 0;
    k_snprintf(v->vd.name, sizeof(v->vd.name), "mmio %#llx", (unsigned long long)pa);
    const struct hal_dev_ops *ops;
    void *dev;
    int err = virtio_driver_probe(&v->vd, &ops, &dev);
    if (err) {
        kprintf("virtio-mmio: %s (%s) failed to start: %s\n", v->vd.name, kind,
                sos_strerror(err));
        return;
    }
    g_nvm++;
    dev_report_virtio(ops, dev);
    dev_add(ops, dev);
}

/* Read block 0 of the first block device (either transport) by polling; print what it
   starts with. */
void virtio_blk_selftest(void)
{
    const struct hal_dev_ops *ops;
    void *dev;
    for (unsigned i = 0; hal_dev_get(i, &ops, &dev); i++) {
        struct hal_dev_info info;
        ops->info(dev, &info);
        if (info.dev_class != HAL_DEV_BLOCK)
            continue;
        static struct hal_dev_req req;
        paddr_t buf = dma_alloc(1);
        req = (struct hal_dev_req){.op = HAL_DEVOP_READ, .offset = 0, .buf = buf,
                                   .len = info.block_size};
        int err = buf ? ops->submit(dev, &req) : SOS_ERR_NO_MEMORY;
        struct hal_dev_req *done = NULL;
        for (unsigned spins = 0; !err && !done && spins < 100000000u; spins++)
            done = ops->poll(dev);
        char text[33] = {0};
        const char *p = phys_to_virt(buf);
        for (unsigned k = 0; done && k < 32; k++)
            text[k] = p[k] >= 32 && p[k] < 127 ? p[k] : '.';
        kprintf("[hal] virtio-blk self-test: %s, block 0: \"%s\"\n",
                err ? sos_strerror(err) : !done ? "timed out" : done->status ? "failed" : "ok",
                text);
        return;
    }
    kprintf("[hal] virtio-blk self-test: no block device\n");
}

void virtio_mmio_init(void)
{
    for (unsigned i = 0; i < g_plat.virtio_count; i++)
        probe_slot(g_plat.virtio[i].base, g_plat.virtio[i].intid);
}
