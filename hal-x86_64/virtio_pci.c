/*
 * hal-x86_64/virtio_pci.c - the modern virtio-pci transport (virtio 1.x, section 4.1)
 * for the arch-neutral drivers in core/drivers/virtio.
 *
 * The device's vendor capabilities locate the common configuration, notification,
 * ISR and device configuration structures inside its BARs; each is mapped uncached.
 * Transitional devices (ids 0x1000-0x103f) are driven through the same modern
 * structures. Interrupts: MSI-X entry 0 for every queue, configuration changes off;
 * the device gets its own HAL line.
 *
 * Layer: hal-x86_64 (a driver: above pci.c, dev.c and mmu.c).
 */
#include <sos/errors.h>

#include "pci.h"

#include "hal.h"
#include "dev.h"
#include "mmu.h"
#include "physmem.h"
#include "print.h"

#include "drivers/virtio/virtio.h"
#include "fmt.h"
#include "lib/kstring.h"

#define CAP_COMMON 1
#define CAP_NOTIFY 2
#define CAP_ISR 3
#define CAP_DEVICE 4

/* struct virtio_pci_common_cfg offsets */
#define C_DFSELECT 0x00
#define C_DF 0x04
#define C_GFSELECT 0x08
#define C_GF 0x0c
#define C_MSIX_CONFIG 0x10
#define C_NUM_QUEUES 0x12
#define C_STATUS 0x14
#define C_Q_SELECT 0x16
#define C_Q_SIZE 0x18
#define C_Q_MSIX 0x1a
#define C_Q_ENABLE 0x1c
#define C_Q_NOTIFY_OFF 0x1e
#define C_Q_DESC 0x20
#define C_Q_DRIVER 0x28
#define C_Q_DEVICE 0x30
#define NO_VECTOR 0xffff

#define MAX_VPCI 8

struct vpci {
    struct virtio_dev vd;
    struct pci_fn fn;
    volatile uint8_t *common, *notify, *isr, *device;
    uint32_t notify_mul;
    bool msix;
};

static struct vpci g_vpci[MAX_VPCI];
static unsigned g_nvpci;

static inline struct vpci *V(struct virtio_dev *d) { return d->priv; }
static inline uint8_t r8(volatile uint8_t *b, unsigned o) { return *(volatile uint8_t *)(b + o); }
static inline uint16_t r16(volatile uint8_t *b, unsigned o) { return *(volatile uint16_t *)(void *)(b + o); }
static inline uint32_t r32(volatile uint8_t *b, unsigned o) { return *(volatile uint32_t *)(void *)(b + o); }
static inline void w8(volatile uint8_t *b, unsigned o, uint8_t v) { *(volatile uint8_t *)(b + o) = v; }
static inline void w16(volatile uint8_t *b, unsigned o, uint16_t v) { *(volatile uint16_t *)(void *)(b + o) = v; }
static inline void w32(volatile uint8_t *b, unsigned o, uint32_t v) { *(volatile uint32_t *)(void *)(b + o) = v; }
static inline void w64(volatile uint8_t *b, unsigned o, uint64_t v)
{
    w32(b, o, (uint32_t)v);
    w32(b, o + 4, (uint32_t)(v >> 32));
}

static uint8_t vp_get_status(struct virtio_dev *d) { return r8(V(d)->common, C_STATUS); }

static void vp_set_status(struct virtio_dev *d, uint8_t s)
{
    w8(V(d)->common, C_STATUS, s);
    for (int i = 0; s == 0 && i < 1000000 && r8(V(d)->common, C_STATUS); i++)
        __asm__ volatile("pause");
}

static uint64_t vp_get_features(struct virtio_dev *d)
{
    volatile uint8_t *c = V(d)->common;
    w32(c, C_DFSELECT, 0);
    uint64_t lo = r32(c, C_DF);
    w32(c, C_DFSELECT, 1);
    return lo | (uint64_t)r32(c, C_DF) << 32;
}

static void vp_set_features(struct virtio_dev *d, uint64_t f)
{
    volatile uint8_t *c = V(d)->common;
    w32(c, C_GFSELECT, 0);
    w32(c, C_GF, (uint32_t)f);
    w32(c, C_GFSELECT, 1);
    w32(c, C_GF, (uint32_t)(f >> 32));
}

static uint32_t vp_config_read(struct virtio_dev *d, uint32_t off, unsigned width)
{
    volatile uint8_t *b = V(d)->device;
    return width == 1 ? r8(b, off) : width == 2 ? r16(b, off) : r32(b, off);
}

static void vp_config_write(struct virtio_dev *d, uint32_t off, unsigned width, uint32_t v)
{
    volatile uint8_t *b = V(d)->device;
    if (width == 1)
        w8(b, off, (uint8_t)v);
    else if (width == 2)
        w16(b, off, (uint16_t)v);
    else
        w32(b, off, v);
}

static uint16_t vp_queue_max(struct virtio_dev *d, uint16_t q)
{
    volatile uint8_t *c = V(d)->common;
    if (q >= r16(c, C_NUM_QUEUES))
        return 0;
    w16(c, C_Q_SELECT, q);
    return r16(c, C_Q_SIZE);
}

static int vp_queue_setup(struct virtio_dev *d, uint16_t q, uint16_t size, paddr_t desc,
                          paddr_t avail, paddr_t used)
{
    volatile uint8_t *c = V(d)->common;
    w16(c, C_Q_SELECT, q);
    w16(c, C_Q_SIZE, size);
    w64(c, C_Q_DESC, desc);
    w64(c, C_Q_DRIVER, avail);
    w64(c, C_Q_DEVICE, used);
    if (V(d)->msix) {
        w16(c, C_Q_MSIX, 0);
        if (r16(c, C_Q_MSIX) != 0)
            return SOS_ERR_NO_RESOURCES;
    }
    w16(c, C_Q_ENABLE, 1);
    return 0;
}

static void vp_queue_notify(struct virtio_dev *d, uint16_t q)
{
    volatile uint8_t *c = V(d)->common;
    w16(c, C_Q_SELECT, q);
    uint16_t off = r16(c, C_Q_NOTIFY_OFF);
    w16(V(d)->notify, off * V(d)->notify_mul, q);
}

static uint32_t vp_irq_ack(struct virtio_dev *d)
{
    return V(d)->msix ? 1 : r8(V(d)->isr, 0); /* reading the ISR acknowledges it */
}

static paddr_t vp_dma_alloc(struct virtio_dev *d, size_t pages)
{
    (void)d;
    return x86_dma_alloc(pages);
}

static const struct virtio_transport g_vp_ops = {
    vp_get_status, vp_set_status, vp_get_features, vp_set_features, vp_config_read,
    vp_config_write, vp_queue_max, vp_queue_setup, vp_queue_notify, vp_irq_ack,
    vp_dma_alloc,
};

/* Map the structures the vendor capabilities describe. */
static bool map_caps(struct vpci *v)
{
    for (unsigned cap = pci_find_cap(&v->fn, 0x09, 0); cap; cap = pci_find_cap(&v->fn, 0x09, cap)) {
        uint8_t type = pci_read8(&v->fn, cap + 3), bar = pci_read8(&v->fn, cap + 4);
        uint32_t off = pci_read32(&v->fn, cap + 8), len = pci_read32(&v->fn, cap + 12);
        if (type < CAP_COMMON || type > CAP_DEVICE || !len)
            continue;
        uint64_t base = pci_bar(&v->fn, bar);
        if (!base)
            continue;
        volatile uint8_t **slot = type == CAP_COMMON ? &v->common : type == CAP_NOTIFY ? &v->notify
                                  : type == CAP_ISR ? &v->isr : &v->device;
        if (*slot)
            continue; /* the first of each kind is the preferred one */
        *slot = x86_mmio_map(base + off, len, false);
        if (type == CAP_NOTIFY)
            v->notify_mul = pci_read32(&v->fn, cap + 16);
    }
    return v->common && v->notify && v->isr && v->device;
}

static uint32_t device_type(const struct pci_fn *f)
{
    if (f->device >= 0x1040 && f->device <= 0x107f)
        return f->device - 0x1040u;
    if (f->device >= 0x1000 && f->device <= 0x103f)
        return pci_read16(f, 0x2e); /* transitional: the subsystem id */
    return 0;
}

void x86_virtio_pci_probe(const struct pci_fn *f)
{
    uint32_t type = device_type(f);
    if ((type != VIRTIO_ID_BLOCK && type != VIRTIO_ID_INPUT && type != VIRTIO_ID_NET &&
         type != VIRTIO_ID_GPU) ||
        g_nvpci == MAX_VPCI)
        return;
    struct vpci *v = &g_vpci[g_nvpci];
    memset(v, 0, sizeof(*v));
    v->fn = *f;
    v->vd.t = &g_vp_ops;
    v->vd.priv = v;
    v->vd.device_id = type;
    k_snprintf(v->vd.name, sizeof(v->vd.name), "pci %02x:%02x.%x", f->bus, f->dev, f->fn);
    if (!map_caps(v)) {
        x86_printf("virtio: %s has no modern interface; skipped\n", v->vd.name);
        return;
    }
    pci_enable(f, false);
    unsigned line = x86_irq_line_alloc();
    v->msix = line && pci_msix_setup(f, line) == 0;
    v->vd.irq_line = v->msix ? line : 0;
    w16(v->common, C_MSIX_CONFIG, NO_VECTOR);
    const struct hal_dev_ops *ops;
    void *dev;
    int err = type == VIRTIO_ID_BLOCK ? virtio_blk_probe(&v->vd, &ops, &dev)
              : type == VIRTIO_ID_NET ? virtio_net_probe(&v->vd, &ops, &dev)
              : type == VIRTIO_ID_GPU ? virtio_gpu_probe(&v->vd, &ops, &dev)
                                      : virtio_input_probe(&v->vd, &ops, &dev);
    if (err) {
        x86_printf("virtio: %s (type %u) failed to start: %d\n", v->vd.name, type, err);
        return;
    }
    struct hal_dev_info info;
    ops->info(dev, &info);
    x86_printf("virtio: %s: %s, line %u\n", v->vd.name, info.name, v->vd.irq_line);
    x86_dev_add(ops, dev);
    g_nvpci++;
}
