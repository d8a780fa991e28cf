/*
 * core/drivers/virtio/virtio_blk.c - virtio block devices as core/hal.h block devices.
 *
 * One request queue. A request is three descriptors: the header (type, sector), the
 * caller's buffer, and a status byte; headers and status bytes live in a DMA page,
 * one 32-byte slot per descriptor head. Blocks are 512 bytes (virtio sectors).
 * FLUSH is offered when the device has VIRTIO_BLK_F_FLUSH, else it completes at once
 * (a device without it writes through). A read-only device refuses writes.
 *
 * Layer: core drivers.
 */
#include "drivers/virtio/virtio.h"

#include <sos/errors.h>

#include "fmt.h"
#include "lib/kstring.h"

#define VIRTIO_BLK_F_RO (1ull << 5)
#define VIRTIO_BLK_F_FLUSH (1ull << 9)
#define BLK_T_IN 0u
#define BLK_T_OUT 1u
#define BLK_T_FLUSH 4u
#define SECTOR 512u

struct blk_slot {
    uint32_t type, reserved;
    uint64_t sector;
    uint8_t status;
    uint8_t pad[15];
};

struct vblk {
    struct virtio_dev *dev;
    struct virtq q;
    uint64_t capacity; /* sectors */
    bool read_only, flush;
    struct blk_slot *slots;
    paddr_t slots_pa;
    struct hal_dev_req *instant; /* a flush that needed no device work */
};

static int vblk_submit(void *devp, struct hal_dev_req *req)
{
    struct vblk *b = devp;
    bool rw = req->op == HAL_DEVOP_READ || req->op == HAL_DEVOP_WRITE;
    if (!rw && req->op != HAL_DEVOP_FLUSH)
        return SOS_ERR_NOT_SUPPORTED;
    if (rw && (req->len == 0 || req->len % SECTOR || req->len > 0xffffffffu ||
               req->offset > b->capacity || req->len / SECTOR > b->capacity - req->offset))
        return SOS_ERR_OUT_OF_RANGE;
    if (req->op == HAL_DEVOP_WRITE && b->read_only)
        return SOS_ERR_ACCESS_DENIED;
    if (req->op == HAL_DEVOP_FLUSH && !b->flush) {
        if (b->instant)
            return SOS_ERR_SHOULD_WAIT;
        req->status = 0;
        req->actual = 0;
        b->instant = req;
        return 0;
    }
    uint16_t head = b->q.free_head;
    if (b->q.num_free < (rw ? 3 : 2))
        return SOS_ERR_SHOULD_WAIT;
    struct blk_slot *s = &b->slots[head];
    s->type = req->op == HAL_DEVOP_READ ? BLK_T_IN : req->op == HAL_DEVOP_WRITE ? BLK_T_OUT : BLK_T_FLUSH;
    s->reserved = 0;
    s->sector = rw ? req->offset : 0;
    s->status = 0xff;
    paddr_t spa = b->slots_pa + (paddr_t)head * sizeof(*s);
    struct virtq_buf bufs[3] = {{spa, 16, false}};
    unsigned n = 1;
    if (rw)
        bufs[n++] = (struct virtq_buf){req->buf, (uint32_t)req->len, req->op == HAL_DEVOP_READ};
    bufs[n++] = (struct virtq_buf){spa + 16, 1, true};
    int err = virtq_add(&b->q, bufs, n, req);
    if (err)
        return err;
    virtq_kick(&b->q);
    return 0;
}

static struct hal_dev_req *vblk_poll(void *devp)
{
    struct vblk *b = devp;
    if (b->instant) {
        struct hal_dev_req *r = b->instant;
        b->instant = NULL;
        return r;
    }
    b->dev->t->irq_ack(b->dev);
    uint16_t slot;
    struct hal_dev_req *r = virtq_get(&b->q, NULL, &slot);
    if (!r)
        return NULL;
    uint8_t st = b->slots[slot].status;
    r->status = st == 0 ? 0 : st == 2 ? SOS_ERR_NOT_SUPPORTED : SOS_ERR_IO;
    r->actual = st == 0 && r->op != HAL_DEVOP_FLUSH ? r->len : 0;
    return r;
}

static void vblk_info(void *devp, struct hal_dev_info *out)
{
    struct vblk *b = devp;
    memset(out, 0, sizeof(*out));
    out->dev_class = HAL_DEV_BLOCK;
    out->irq = b->dev->irq_line;
    k_snprintf(out->name, sizeof(out->name), "virtio-blk %s", b->dev->name);
    out->block_size = SECTOR;
    out->block_count = b->capacity;
}

static const struct hal_dev_ops g_vblk_ops = {vblk_submit, vblk_poll, vblk_info};

int virtio_blk_probe(struct virtio_dev *d, const struct hal_dev_ops **ops, void **dev)
{
    uint64_t feat;
    int err = virtio_negotiate(d, VIRTIO_BLK_F_RO | VIRTIO_BLK_F_FLUSH, &feat);
    if (err)
        return err;
    paddr_t pa = d->t->dma_alloc(d, 2);
    if (!pa)
        return SOS_ERR_NO_MEMORY;
    struct vblk *b = hal_phys_to_virt(pa);
    b->dev = d;
    b->slots_pa = pa + HAL_PAGE_SIZE; /* 128 slots of 32 bytes */
    b->slots = hal_phys_to_virt(b->slots_pa);
    b->read_only = feat & VIRTIO_BLK_F_RO;
    b->flush = feat & VIRTIO_BLK_F_FLUSH;
    b->capacity = d->t->config_read(d, 0, 4) | (uint64_t)d->t->config_read(d, 4, 4) << 32;
    err = virtq_init(&b->q, d, 0, VIRTQ_MAX_SIZE);
    if (err) {
        d->t->set_status(d, VIRTIO_STATUS_FAILED);
        return err;
    }
    d->t->set_status(d, d->t->get_status(d) | VIRTIO_STATUS_DRIVER_OK);
    *ops = &g_vblk_ops;
    *dev = b;
    return 0;
}
