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
 * Transmit queue (1): a WRITE copies the frame behind a zeroed header into one of the
 * driver's own 2 KiB transmit buffers, posts it as one descriptor and completes at once
 * (the caller's buffer is free again), so a sender never waits for the card; submit says
 * SHOULD_WAIT while every transmit buffer is out. The card's used-buffer interrupt gives
 * them back, which is the "room freed" signal.
 *
 * Layer: core drivers.
 */
#include "drivers/virtio/virtio.h"

#include <sos/errors.h>
#include <sos/object.h>

#include "fmt.h"
#include "lib/kstring.h"

#define VIRTIO_NET_F_MAC (1ull << 5)
#define VIRTIO_NET_F_STATUS (1ull << 16)
#define VIRTIO_NET_S_LINK_UP 1u
#define CFG_MAC 0u
#define CFG_STATUS 6u
#define NET_HDR 12u     /* struct virtio_net_hdr with num_buffers (VERSION_1) */
#define BUF 2048u       /* NET_HDR + SOS_NET_FRAME_MAX fits */
#define RX_WANT 32u
#define TX_SLOTS 32u
#define INSTANT_MAX 8u

struct vnet {
    struct virtio_dev *dev;
    struct virtq rxq, txq;
    uint8_t *rx_bufs; /* rxq.size buffers of BUF, device-written */
    paddr_t rx_pa;
    uint8_t *tx_bufs; /* TX_SLOTS buffers of BUF, device-read */
    paddr_t tx_pa;
    uint16_t tx_free[TX_SLOTS]; /* transmit buffers not with the card */
    uint16_t tx_nfree;
    uint16_t ready[VIRTQ_MAX_SIZE]; /* received, not yet read: buffer index */
    uint32_t ready_len[VIRTQ_MAX_SIZE];
    uint32_t ready_head, ready_count;
    struct hal_dev_req *instant[INSTANT_MAX]; /* requests done in submit, for poll */
    uint32_t instant_head, instant_count;
    uint8_t mac[6];
    bool has_status;
    uint64_t rx_errors;
    char name[32];
};

static void rx_post(struct vnet *n, uint16_t i)
{
    struct virtq_buf b = {n->rx_pa + (paddr_t)i * BUF, BUF, true};
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
        memcpy(hal_phys_to_virt(r->buf), n->rx_bufs + (size_t)i * BUF + NET_HDR, len);
        r->actual = len;
        rx_post(n, i);
        virtq_kick(&n->rxq);
    }
    n->instant[(n->instant_head + n->instant_count++) % INSTANT_MAX] = r;
}

/* Take back the transmit buffers the card has sent. */
static void tx_collect(struct vnet *n)
{
    void *c;
    while ((c = virtq_get(&n->txq, NULL, NULL)) != NULL)
        n->tx_free[n->tx_nfree++] = (uint16_t)((uintptr_t)c - 1);
}

/* Copy the frame into a free transmit buffer, post it and complete the WRITE. */
static int tx_write(struct vnet *n, struct hal_dev_req *r)
{
    tx_collect(n);
    if (!n->tx_nfree || !n->txq.num_free)
        return SOS_ERR_SHOULD_WAIT;
    uint16_t slot = n->tx_free[--n->tx_nfree];
    uint8_t *b = n->tx_bufs + (size_t)slot * BUF;
    memset(b, 0, NET_HDR); /* no offloads asked */
    memcpy(b + NET_HDR, hal_phys_to_virt(r->buf), r->len);
    struct virtq_buf vb = {n->tx_pa + (paddr_t)slot * BUF, (uint32_t)(NET_HDR + r->len), false};
    int err = virtq_add(&n->txq, &vb, 1, (void *)(uintptr_t)(slot + 1u));
    if (err) {
        n->tx_free[n->tx_nfree++] = slot;
        return err;
    }
    virtq_kick(&n->txq);
    r->status = 0;
    r->actual = r->len;
    n->instant[(n->instant_head + n->instant_count++) % INSTANT_MAX] = r;
    return 0;
}

static int vnet_submit(void *devp, struct hal_dev_req *req)
{
    struct vnet *n = devp;
    bool rd = req->op == HAL_DEVOP_READ;
    if (!rd && req->op != HAL_DEVOP_WRITE)
        return SOS_ERR_NOT_SUPPORTED;
    if (rd && req->len < SOS_NET_FRAME_MAX)
        return SOS_ERR_BUFFER_TOO_SMALL;
    if (!rd && (req->len < SOS_NET_FRAME_MIN || req->len > SOS_NET_FRAME_MAX))
        return SOS_ERR_OUT_OF_RANGE;
    if (n->instant_count == INSTANT_MAX)
        return SOS_ERR_SHOULD_WAIT;
    if (!rd)
        return tx_write(n, req);
    rx_read(n, req);
    return 0;
}

static struct hal_dev_req *vnet_poll(void *devp)
{
    struct vnet *n = devp;
    n->dev->t->irq_ack(n->dev);
    rx_collect(n); /* keep the receive ring moving even when nobody reads */
    tx_collect(n);
    if (!n->instant_count)
        return NULL;
    struct hal_dev_req *r = n->instant[n->instant_head];
    n->instant_head = (n->instant_head + 1) % INSTANT_MAX;
    n->instant_count--;
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
    size_t rx_pages = RX_WANT * BUF / HAL_PAGE_SIZE, tx_pages = TX_SLOTS * BUF / HAL_PAGE_SIZE;
    paddr_t pa = d->t->dma_alloc(d, pages + rx_pages + tx_pages);
    if (!pa)
        return SOS_ERR_NO_MEMORY;
    struct vnet *n = hal_phys_to_virt(pa);
    n->dev = d;
    n->has_status = feat & VIRTIO_NET_F_STATUS;
    n->rx_pa = pa + pages * HAL_PAGE_SIZE;
    n->rx_bufs = hal_phys_to_virt(n->rx_pa);
    n->tx_pa = n->rx_pa + rx_pages * HAL_PAGE_SIZE;
    n->tx_bufs = hal_phys_to_virt(n->tx_pa);
    for (uint16_t i = 0; i < TX_SLOTS; i++)
        n->tx_free[n->tx_nfree++] = i;
    read_mac(n, feat & VIRTIO_NET_F_MAC);
    k_snprintf(n->name, sizeof(n->name), "virtio-net %s", d->name);
    if ((err = virtq_init(&n->rxq, d, 0, RX_WANT)) || (err = virtq_init(&n->txq, d, 1, TX_SLOTS))) {
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
