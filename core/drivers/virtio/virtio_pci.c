/*
 * core/drivers/virtio/virtio_pci.c - the modern virtio-pci transport (virtio 1.x, section
 * 4.1) for the arch-neutral drivers in core/drivers/virtio, on any HAL with PCI.
 *
 * The device's vendor capabilities locate the common configuration, notification, ISR
 * and device configuration structures inside its BARs; caps_parse checks each before
 * anything is mapped (a device, or a fuzzer, can put anything there: a capability that
 * is too short, runs past the header, names BAR 7 or wraps a 32-bit offset is refused
 * with a sentence), and the HAL maps each structure uncached (pci_bar_map), refusing a
 * range outside the BAR's placed window. Transitional devices (ids 0x1000-0x103f) are
 * driven through the same modern structures. The interrupt is the HAL's choice: MSI-X
 * entry 0 for every queue (configuration changes off), or INTx with the ISR read as the
 * acknowledgement.
 *
 * Layer: core drivers (arch-neutral; over core/drivers/pci and the HAL's pci_bar_map).
 */
#include "drivers/virtio/virtio_pci.h"

#include <sos/errors.h>

#include "fmt.h"
#include "lib/kstring.h"

#define CAP_VENDOR 0x09
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
#define C_SIZE 0x38
#define NO_VECTOR 0xffff
#define MAX_CAPS 48 /* 192 bytes of capabilities, 4 bytes each at least */

static inline struct virtio_pci *V(struct virtio_dev *d) { return d->priv; }
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

/* ---------------------------------------------------------------- the transport's ops */

static uint8_t vp_get_status(struct virtio_dev *d) { return r8(V(d)->common, C_STATUS); }

static void vp_set_status(struct virtio_dev *d, uint8_t s)
{
    w8(V(d)->common, C_STATUS, s);
    for (int i = 0; s == 0 && i < 1000000 && r8(V(d)->common, C_STATUS); i++)
        hal_cpu_relax(); /* a reset finishes when the status reads 0 */
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

/* Where queue `q` is notified inside the notification structure, or -1 when the
 * device's offset and multiplier point outside it. */
static int64_t notify_at(struct virtio_pci *v, uint16_t q)
{
    w16(v->common, C_Q_SELECT, q);
    uint64_t at = (uint64_t)r16(v->common, C_Q_NOTIFY_OFF) * v->notify_mul;
    return at + 2 <= v->notify_len ? (int64_t)at : -1;
}

static int vp_queue_setup(struct virtio_dev *d, uint16_t q, uint16_t size, paddr_t desc,
                          paddr_t avail, paddr_t used)
{
    struct virtio_pci *v = V(d);
    volatile uint8_t *c = v->common;
    if (notify_at(v, q) < 0)
        return SOS_ERR_OUT_OF_RANGE;
    w16(c, C_Q_SELECT, q);
    w16(c, C_Q_SIZE, size);
    w64(c, C_Q_DESC, desc);
    w64(c, C_Q_DRIVER, avail);
    w64(c, C_Q_DEVICE, used);
    if (v->msix) {
        w16(c, C_Q_MSIX, 0);
        if (r16(c, C_Q_MSIX) != 0)
            return SOS_ERR_NO_RESOURCES;
    }
    w16(c, C_Q_ENABLE, 1);
    return 0;
}

static void vp_queue_notify(struct virtio_dev *d, uint16_t q)
{
    int64_t at = notify_at(V(d), q);
    if (at >= 0)
        w16(V(d)->notify, (unsigned)at, q);
}

static uint32_t vp_irq_ack(struct virtio_dev *d)
{
    return V(d)->msix ? 1 : r8(V(d)->isr, 0); /* reading the ISR acknowledges it */
}

static paddr_t vp_dma_alloc(struct virtio_dev *d, size_t pages) { return V(d)->dma_alloc(pages); }

static const struct virtio_transport g_vp_ops = {
    vp_get_status, vp_set_status, vp_get_features, vp_set_features, vp_config_read,
    vp_config_write, vp_queue_max, vp_queue_setup, vp_queue_notify, vp_irq_ack,
    vp_dma_alloc,
};

/* ---------------------------------------------------------------- capabilities */

/* The smallest structure of each kind a driver can use (common: the whole layout). */
static const uint32_t g_min_len[5] = {0, C_SIZE, 2, 1, 1};

static int refuse(char *why, size_t n, const char *fmt, unsigned a, unsigned b)
{
    k_snprintf(why, n, fmt, a, b);
    return SOS_ERR_NOT_SUPPORTED;
}

/* Check one capability of a kind we use at `cap` and fill its region. */
static int cap_read(const struct pci_fn *f, unsigned cap, uint8_t type,
                    struct virtio_pci_caps *out, char *why, size_t n)
{
    unsigned need = type == CAP_NOTIFY ? 20 : 16, len = pci_read8(f, cap + 2);
    if (len < need)
        return refuse(why, n, "the capability at %#x is %u bytes, too short", cap, len);
    if (cap + need > 256)
        return refuse(why, n, "the capability at %#x runs past the %u-byte header", cap, 256);
    struct virtio_pci_region r = {pci_read8(f, cap + 4), pci_read32(f, cap + 8),
                                  pci_read32(f, cap + 12)};
    if (r.bar > 5)
        return refuse(why, n, "the capability at %#x names BAR %u", cap, r.bar);
    if (r.length < g_min_len[type])
        return refuse(why, n, "the capability at %#x describes %u bytes, too few", cap, r.length);
    if ((uint64_t)r.offset + r.length > 0xffffffffull)
        return refuse(why, n, "the capability at %#x wraps around at offset %#x", cap, r.offset);
    struct virtio_pci_region *slot = type == CAP_COMMON ? &out->common
                                     : type == CAP_NOTIFY ? &out->notify
                                     : type == CAP_ISR    ? &out->isr
                                                          : &out->device;
    *slot = r;
    if (type == CAP_NOTIFY)
        out->notify_mul = pci_read32(f, cap + 16);
    return 0;
}

int virtio_pci_caps_parse(const struct pci_fn *f, struct virtio_pci_caps *out, char *why,
                          size_t why_len)
{
    static const char *const names[5] = {"", "common configuration", "notification", "ISR",
                                         "device configuration"};
    memset(out, 0, sizeof(*out));
    why[0] = 0;
    bool seen[5] = {false};
    unsigned cap = pci_find_cap(f, CAP_VENDOR, 0);
    /* at most 48 capabilities fit the header: a list that goes on loops */
    for (unsigned n = 0; cap && n < MAX_CAPS; n++, cap = pci_find_cap(f, CAP_VENDOR, cap)) {
        uint8_t type = pci_read8(f, cap + 3);
        if (type < CAP_COMMON || type > CAP_DEVICE || seen[type])
            continue; /* another kind (PCI_CFG), or not the first of its kind */
        int err = cap_read(f, cap, type, out, why, why_len);
        if (err)
            return err;
        seen[type] = true;
    }
    if (cap)
        return refuse(why, why_len, "the capability list loops (at %#x)", cap, 0);
    for (unsigned t = CAP_COMMON; t <= CAP_DEVICE; t++)
        if (!seen[t]) {
            k_snprintf(why, why_len, "no %s capability (not a modern virtio device)", names[t]);
            return SOS_ERR_NOT_SUPPORTED;
        }
    return 0;
}

/* ---------------------------------------------------------------- attach and start */

uint32_t virtio_pci_type(const struct pci_fn *f)
{
    if (f->vendor != 0x1af4)
        return 0;
    if (f->device >= 0x1040 && f->device <= 0x107f)
        return f->device - 0x1040u;
    if (f->device >= 0x1000 && f->device <= 0x103f)
        return pci_read16(f, 0x2e); /* transitional: the subsystem id */
    return 0;
}

static volatile uint8_t *map_region(const struct pci_fn *f, const struct virtio_pci_region *r)
{
    return pci_bar_map(f, r->bar, r->offset, r->length);
}

int virtio_pci_attach(struct virtio_pci *v, const struct pci_fn *f,
                      paddr_t (*dma_alloc)(size_t pages), char *why, size_t why_len)
{
    struct virtio_pci_caps c;
    memset(v, 0, sizeof(*v));
    int err = virtio_pci_caps_parse(f, &c, why, why_len);
    if (err)
        return err;
    const struct virtio_pci_region *regs[4] = {&c.common, &c.notify, &c.isr, &c.device};
    volatile uint8_t **maps[4] = {&v->common, &v->notify, &v->isr, &v->device};
    for (unsigned i = 0; i < 4; i++)
        if (!(*maps[i] = map_region(f, regs[i])))
            return refuse(why, why_len, "BAR %u is not placed in a mapped window (or is "
                          "shorter than the %u bytes a structure needs)", regs[i]->bar,
                          regs[i]->offset + regs[i]->length);
    v->fn = *f;
    v->notify_mul = c.notify_mul;
    v->notify_len = c.notify.length;
    v->dma_alloc = dma_alloc;
    v->vd.t = &g_vp_ops;
    v->vd.priv = v;
    v->vd.device_id = virtio_pci_type(f);
    k_snprintf(v->vd.name, sizeof(v->vd.name), "pci %02x:%02x.%x", f->bus, f->dev, f->fn);
    return 0;
}

int virtio_pci_start(struct virtio_pci *v, unsigned irq_line, bool msix,
                     const struct hal_dev_ops **ops, void **dev)
{
    v->msix = msix;
    v->vd.irq_line = irq_line;
    w16(v->common, C_MSIX_CONFIG, NO_VECTOR); /* no interrupt for configuration changes */
    return virtio_driver_probe(&v->vd, ops, dev);
}
