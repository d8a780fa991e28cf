/*
 * core/drivers/virtio/virtqueue.c - split virtqueues and feature negotiation.
 *
 * One allocation holds a queue's three rings: descriptors, then the available ring,
 * then (4-byte aligned) the used ring. Free descriptors form a chain through `next`.
 * The driver never reads back what the device may change except the used ring, after
 * reading used.idx with an acquire fence; new available entries are published with a
 * full fence before avail.idx moves and before the notify. Only little-endian CPUs are
 * supported (virtio 1.x rings are little-endian).
 *
 * Layer: core drivers.
 */
#include "drivers/virtio/virtio.h"

#include <sos/errors.h>

#include "lib/kstring.h"

#define ALIGN4(x) (((x) + 3u) & ~(size_t)3u)

#define AVAIL_IDX 1
#define AVAIL_RING 2

static inline void fence(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

int virtio_negotiate(struct virtio_dev *d, uint64_t wanted, uint64_t *accepted)
{
    const struct virtio_transport *t = d->t;
    t->set_status(d, 0);
    t->set_status(d, VIRTIO_STATUS_ACKNOWLEDGE);
    t->set_status(d, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    uint64_t offered = t->get_features(d);
    uint64_t take = offered & (wanted | VIRTIO_F_VERSION_1);
    if (!(take & VIRTIO_F_VERSION_1)) {
        t->set_status(d, VIRTIO_STATUS_FAILED);
        return SOS_ERR_NOT_SUPPORTED;
    }
    t->set_features(d, take);
    uint8_t s = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK;
    t->set_status(d, s);
    if (!(t->get_status(d) & VIRTIO_STATUS_FEATURES_OK)) {
        t->set_status(d, VIRTIO_STATUS_FAILED);
        return SOS_ERR_NOT_SUPPORTED;
    }
    *accepted = take;
    return 0;
}

int virtq_init(struct virtq *q, struct virtio_dev *d, uint16_t index, uint16_t want)
{
    uint16_t max = d->t->queue_max(d, index);
    if (!max)
        return SOS_ERR_NOT_FOUND;
    uint16_t size = 1;
    while ((uint32_t)size * 2 <= want && size * 2 <= max && size * 2 <= VIRTQ_MAX_SIZE)
        size *= 2;
    size_t avail_off = 16u * size;
    size_t used_off = ALIGN4(avail_off + 6u + 2u * size);
    size_t bytes = used_off + 6u + 8u * size;
    size_t pages = (bytes + HAL_PAGE_SIZE - 1) / HAL_PAGE_SIZE;
    paddr_t pa = d->t->dma_alloc(d, pages);
    if (!pa)
        return SOS_ERR_NO_MEMORY;
    uint8_t *base = hal_phys_to_virt(pa);
    memset(q, 0, sizeof(*q));
    q->dev = d;
    q->index = index;
    q->size = size;
    q->desc = (volatile struct virtq_desc *)(void *)base;
    q->avail = (volatile uint16_t *)(void *)(base + avail_off);
    q->used = (volatile uint32_t *)(void *)(base + used_off);
    for (uint16_t i = 0; i < size; i++)
        q->desc[i].next = (uint16_t)(i + 1);
    q->num_free = size;
    return d->t->queue_setup(d, index, size, pa, pa + avail_off, pa + used_off);
}

int virtq_add(struct virtq *q, const struct virtq_buf *bufs, unsigned n, void *cookie)
{
    if (n == 0 || n > q->num_free)
        return SOS_ERR_SHOULD_WAIT;
    uint16_t head = q->free_head, i = head;
    for (unsigned k = 0; k < n; k++) {
        volatile struct virtq_desc *dsc = &q->desc[i];
        dsc->addr = bufs[k].addr;
        dsc->len = bufs[k].len;
        dsc->flags = (uint16_t)((bufs[k].device_writes ? VIRTQ_DESC_F_WRITE : 0) |
                                (k + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
        if (k + 1 < n)
            i = dsc->next;
    }
    q->free_head = q->desc[i].next;
    q->num_free = (uint16_t)(q->num_free - n);
    q->cookie[head] = cookie;
    uint16_t idx = q->avail[AVAIL_IDX];
    q->avail[AVAIL_RING + (idx % q->size)] = head;
    fence(); /* the descriptors and the ring entry before the index */
    q->avail[AVAIL_IDX] = (uint16_t)(idx + 1);
    return 0;
}

void virtq_kick(struct virtq *q)
{
    fence(); /* the index before the notification */
    q->dev->t->queue_notify(q->dev, q->index);
}

void *virtq_get(struct virtq *q, uint32_t *written, uint16_t *head)
{
    uint16_t used_idx = ((volatile uint16_t *)q->used)[1];
    if (used_idx == q->last_used)
        return NULL;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    uint16_t slot = q->last_used % q->size;
    uint32_t id = q->used[1 + 2 * slot];
    uint32_t len = q->used[2 + 2 * slot];
    q->last_used++;
    if (id >= q->size)
        return NULL; /* a broken device; ignore the entry */
    void *cookie = q->cookie[id];
    q->cookie[id] = NULL;
    /* give the chain back to the free list */
    uint16_t i = (uint16_t)id, n = 1;
    while ((q->desc[i].flags & VIRTQ_DESC_F_NEXT) && n < q->size) {
        i = q->desc[i].next;
        n++;
    }
    q->desc[i].next = q->free_head;
    q->free_head = (uint16_t)id;
    q->num_free = (uint16_t)(q->num_free + n);
    if (written)
        *written = len;
    if (head)
        *head = (uint16_t)id;
    return cookie;
}
