/*
 * core/drivers/virtio/virtio_net.c - virtio network cards as core/hal.h net devices.
 *
 * Features: VIRTIO_NET_F_MAC (the address in the configuration space; without it a
 * fixed locally administered one) and VIRTIO_NET_F_STATUS (the link bit) when offered;
 * no checksum or segmentation offloads, no mergeable buffers, no control queue. With
 * VERSION_1 every frame is preceded by a 12-byte struct virtio_net_hdr, all zero on
 * transmit (nothing to offload) and ignored on receive.
 *
 * Receive queue (0): every entry holds one 2 KiB buffer (header + the largest frame)
 * posted to the device, so the ring stays full. The used-buffer interrupt means frames
 * arrived; poll() moves finished buffers to a FIFO of frames ready to read, and a READ
 * completes at once with the oldest (then its buffer goes straight back to the device)
 * or with none. A frame too short to hold an Ethernet header counts as an error.
 *
 * Transmit queue (1): a WRITE is two descriptors, a header from a DMA slot per head and
 * the core's frame buffer; it completes when the device returns it (the interrupt),
 * and submit says SHOULD_WAIT while the ring has no room, so room freeing is that same
 * interrupt.
 *
 * Layer: core drivers.
 */
#include "drivers/virtio/virtio.h"

#include <sos/errors.h>
#include <sos/object.h>

#include "lib/fmt.h"
#include "lib/kstring.h"

#define VIRTIO_NET_F_MAC (1ull << 5)
#define VIRTIO_NET_F_STATUS (1ull << 16)
#define VIRTIO_NET_S_LINK_UP 1u
#define CFG_MAC 0u
#define CFG_STATUS 6u
#define NET_HDR 12u     /* struct virtio_net_hdr with num_buffers (VERSION_1) */
#define RX_BUF 2048u    /* NET_HDR + SOS_NET_FRAME_MAX fits */
#define RX_WANT 32u
#define INSTANT_MAX 8u

struct vnet {
    struct virtio_dev *dev;
    struct virtq rxq, txq;
    uint8_t *rx_bufs; /* rxq.size buffers of RX_BUF, device-written */
    paddr_t rx_pa;
    uint16_t ready[VIRTQ_MAX_SIZE]; /* received, not yet read: buffer index */
    uint32_t ready_len[VIRTQ_MAX_SIZE];
    uint32_t ready_head, ready_count;
    uint8_t *tx_hdrs; /* one zeroed header slot of 16 bytes per descriptor head */
    paddr_t tx_hdr_pa;
    struct hal_dev_req *instant[INSTANT_MAX]; /* READs done in submit */
    uint32_t instant_head, instant_count;
    uint8_t mac[6];
    bool has_status;
    uint64_t rx_errors;
    char name[32];
};

static void rx_post(struct vnet *n, uint16_t i)
{
    struct virtq_buf b = {n->rx_pa + (paddr_t)i * RX_BUF, RX_BUF, true};
    virtq_add(&n->rxq, &b, 1, (void *)(uintptr_t)(i + 1u));
}

/* Move what the device received into the ready FIFO. */
static void rx_collect(struct vnet *n)
{
    uint32_t written;
    void *c;
    bool reposted = false;
    while ((c = virtq_get(&n->rxq, &written, NULL)) != NULL) {
        uint16_t i = (uint16_t)((uintptr_t)c - 1);
        if (written < NET_HDR + SOS_NET_FRAME_MIN || written > NET_HDR + SOS_NET_FRAME_MAX) {
            n->rx_errors++;
            rx_post(n, i);
            reposted = true;
            continue;
        }
        uint32_t slot = (n->ready_head + n->ready_count++) % VIRTQ_MAX_SIZE;
        n->ready[slot] = i;
        n->ready_len[slot] = written - NET_HDR;
    }
    if (reposted)
        virtq_kick(&n->rxq);
}

/* Complete a READ with the oldest ready frame (or none) and give its buffer back. */
static void rx_read(struct vnet *n, struct hal_dev_req *r)
{
    rx_collect(n);
    r->status = 0;
    r->actual = 0;
    if (n->ready_count) {
        uint16_t i = n->ready[n->ready_head];
        uint32_t len = n->ready_len[n->ready_head];
        n->ready_head = (n->ready_head + 1) % VIRTQ_MAX_SIZE;
        n->ready_count--;
        memcpy(hal_phys_to_virt(r->buf), n->rx_bufs + (size_t)i * RX_BUF + NET_HDR, len);
        r->actual = len;
        rx_post(n, i);
        virtq_kick(&n->rxq);
    }
    n->instant[(n->instant_head + n->instant_count++) % INSTANT_MAX] = r;
}

static int vnet_submit(void *devp, struct hal_dev_req *req)
{
    struct vnet *n = devp;
    if (req->op == HAL_DEVOP_READ) {
        if (req->len < SOS_NET_FRAME_MAX)
            return SOS_ERR_BUFFER_TOO_SMALL;
        if (n->instant_count == INSTANT_MAX)
            return SOS_ERR_SHOULD_WAIT;
        rx_read(n, req);
        return 0;
    }
    if (req->op != HAL_DEVOP_WRITE)
        return SOS_ERR_NOT_SUPPORTED;
    if (req->len < SOS_NET_FRAME_MIN || req->len > SOS_NET_FRAME_MAX)
        return SOS_ERR_OUT_OF_RANGE;
    if (n->txq.num_free < 2)
        return SOS_ERR_SHOULD_WAIT;
    uint16_t head = n->txq.free_head;
    struct virtq_buf bufs[2] = {{n->tx_hdr_pa + (paddr_t)head * 16, NET_HDR, false},
                                {req->buf, (uint32_t)req->len, false}};
    int err = virtq_add(&n->txq, bufs, 2, req);
    if (err)
        return err;
    virtq_kick(&n->txq);
    return 0;
}

static struct hal_dev_req *vnet_poll(void *devp)
{
    struct vnet *n = devp;
    n->dev->t->irq_ack(n->dev);
    rx_collect(n); /* keep the receive ring moving even when nobody reads */
    if (n->instant_count) {
        struct hal_dev_req *r = n->instant[n->instant_head];
        n->instant_head = (n->instant_head + 1) % INSTANT_MAX;
        n->instant_count--;
        return r;
    }
    struct hal_dev_req *r = virtq_get(&n->txq, NULL, NULL);
    if (r) {
        r->status = 0;
        r->actual = r->len;
    }
    return r;
}

static void vnet_info(void *devp, struct hal_dev_info *out)
{
    struct vnet *n = devp;
    struct virtio_dev *d = n->dev;
    memset(out, 0, sizeof(*out));
    out->dev_class = HAL_DEV_NET;
    out->irq = d->irq_line;
    k_strlcpy(out->name, n->name, sizeof(out->name));
    out->block_size = SOS_NET_FRAME_MAX;
    memcpy(out->net.mac, n->mac, 6);
    out->net.link_up = !n->has_status || (d->t->config_read(d, CFG_STATUS, 2) & VIRTIO_NET_S_LINK_UP);
    out->net.rx_errors = n->rx_errors;
}

static const struct hal_dev_ops g_vnet_ops = {vnet_submit, vnet_poll, vnet_info};

static void read_mac(struct vnet *n, bool has_mac)
{
    static const uint8_t fallback[6] = {0x52, 0x54, 0x00, 0x53, 0x4f, 0x53};
    for (unsigned i = 0; i < 6; i++)
        n->mac[i] = has_mac ? (uint8_t)n->dev->t->config_read(n->dev, CFG_MAC + i, 1) : fallback[i];
}

int virtio_net_probe(struct virtio_dev *d, const struct hal_dev_ops **ops, void **dev)
{
    uint64_t feat;
    int err = virtio_negotiate(d, VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS, &feat);
    if (err)
        return err;
    size_t pages = (sizeof(struct vnet) + HAL_PAGE_SIZE - 1) / HAL_PAGE_SIZE;
    size_t rx_pages = RX_WANT * RX_BUF / HAL_PAGE_SIZE;
    paddr_t pa = d->t->dma_alloc(d, pages + 1 + rx_pages);
    if (!pa)
        return SOS_ERR_NO_MEMORY;
    struct vnet *n = hal_phys_to_virt(pa);
    n->dev = d;
    n->has_status = feat & VIRTIO_NET_F_STATUS;
    n->tx_hdr_pa = pa + pages * HAL_PAGE_SIZE; /* 128 slots of 16 bytes */
    n->tx_hdrs = hal_phys_to_virt(n->tx_hdr_pa);
    n->rx_pa = n->tx_hdr_pa + HAL_PAGE_SIZE;
    n->rx_bufs = hal_phys_to_virt(n->rx_pa);
    read_mac(n, feat & VIRTIO_NET_F_MAC);
    k_snprintf(n->name, sizeof(n->name), "virtio-net %s", d->name);
    if ((err = virtq_init(&n->rxq, d, 0, RX_WANT)) || (err = virtq_init(&n->txq, d, 1, VIRTQ_MAX_SIZE))) {
        d->t->set_status(d, VIRTIO_STATUS_FAILED);
        return err;
    }
    for (uint16_t i = 0; i < n->rxq.size; i++)
        rx_post(n, i);
    d->t->set_status(d, d->t->get_status(d) | VIRTIO_STATUS_DRIVER_OK);
    virtq_kick(&n->rxq);
    *ops = &g_vnet_ops;
    *dev = n;
    return 0;
}
