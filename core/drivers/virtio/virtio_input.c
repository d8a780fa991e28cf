/*
 * core/drivers/virtio/virtio_input.c - virtio input (keyboard, tablet, mouse) as
 * core/hal.h input devices.
 *
 * The event queue keeps one 8-byte buffer per entry posted to the device. poll()
 * moves arrived events into a ring (the oldest are dropped when it overflows), posts
 * the buffers again, and completes the oldest waiting READ with as many whole events
 * as fit in its buffer. A READ submitted while events are already waiting completes at
 * the next poll(); callers poll after submitting. The status queue is not used.
 *
 * Layer: core drivers.
 */
#include "drivers/virtio/virtio.h"

#include <sos/errors.h>

#include "lib/kstring.h"

#define CFG_SELECT 0u
#define CFG_SUBSEL 1u
#define CFG_SIZE 2u
#define CFG_DATA 8u
#define CFG_ID_NAME 1u
#define EV_RING 256u
#define MAX_WAITING 8u

struct vinput {
    struct virtio_dev *dev;
    struct virtq q;
    struct virtio_input_event *bufs; /* one per queue entry, device-written */
    paddr_t bufs_pa;
    struct virtio_input_event ring[EV_RING];
    uint32_t head, tail; /* free-running */
    struct hal_dev_req *waiting[MAX_WAITING];
    uint32_t wait_head, wait_tail;
    char name[32];
};

static void post(struct vinput *in, uint16_t i)
{
    struct virtq_buf b = {in->bufs_pa + i * sizeof(struct virtio_input_event),
                          sizeof(struct virtio_input_event), true};
    virtq_add(&in->q, &b, 1, (void *)(uintptr_t)(i + 1u));
}

static void collect(struct vinput *in)
{
    bool reposted = false;
    void *c;
    while ((c = virtq_get(&in->q, NULL, NULL)) != NULL) {
        uint16_t i = (uint16_t)((uintptr_t)c - 1);
        if (in->head - in->tail == EV_RING)
            in->tail++; /* full: drop the oldest */
        in->ring[in->head++ % EV_RING] = in->bufs[i];
        post(in, i);
        reposted = true;
    }
    if (reposted)
        virtq_kick(&in->q);
}

static int vin_submit(void *devp, struct hal_dev_req *req)
{
    struct vinput *in = devp;
    if (req->op != HAL_DEVOP_READ)
        return SOS_ERR_NOT_SUPPORTED;
    if (req->len < sizeof(struct virtio_input_event))
        return SOS_ERR_BUFFER_TOO_SMALL;
    if (in->wait_head - in->wait_tail == MAX_WAITING)
        return SOS_ERR_SHOULD_WAIT;
    in->waiting[in->wait_head++ % MAX_WAITING] = req;
    return 0;
}

static struct hal_dev_req *vin_poll(void *devp)
{
    struct vinput *in = devp;
    in->dev->t->irq_ack(in->dev);
    collect(in);
    if (in->wait_head == in->wait_tail || in->head == in->tail)
        return NULL;
    struct hal_dev_req *r = in->waiting[in->wait_tail++ % MAX_WAITING];
    struct virtio_input_event *out = hal_phys_to_virt(r->buf);
    uint64_t n = 0, max = r->len / sizeof(*out);
    while (n < max && in->tail != in->head)
        out[n++] = in->ring[in->tail++ % EV_RING];
    r->status = 0;
    r->actual = n * sizeof(*out);
    return r;
}

static void vin_info(void *devp, struct hal_dev_info *out)
{
    struct vinput *in = devp;
    memset(out, 0, sizeof(*out));
    out->dev_class = HAL_DEV_INPUT;
    out->irq = in->dev->irq_line;
    k_strlcpy(out->name, in->name, sizeof(out->name));
}

static const struct hal_dev_ops g_vin_ops = {vin_submit, vin_poll, vin_info};

static void read_name(struct vinput *in)
{
    struct virtio_dev *d = in->dev;
    d->t->config_write(d, CFG_SELECT, 1, CFG_ID_NAME);
    d->t->config_write(d, CFG_SUBSEL, 1, 0);
    uint32_t n = d->t->config_read(d, CFG_SIZE, 1);
    if (n > sizeof(in->name) - 1)
        n = sizeof(in->name) - 1;
    for (uint32_t i = 0; i < n; i++)
        in->name[i] = (char)d->t->config_read(d, CFG_DATA + i, 1);
    in->name[n] = 0;
    if (!n)
        k_strlcpy(in->name, "virtio-input", sizeof(in->name));
}

int virtio_input_probe(struct virtio_dev *d, const struct hal_dev_ops **ops, void **dev)
{
    uint64_t feat;
    int err = virtio_negotiate(d, 0, &feat);
    if (err)
        return err;
    size_t pages = (sizeof(struct vinput) + HAL_PAGE_SIZE - 1) / HAL_PAGE_SIZE;
    paddr_t pa = d->t->dma_alloc(d, pages + 1);
    if (!pa)
        return SOS_ERR_NO_MEMORY;
    struct vinput *in = hal_phys_to_virt(pa);
    in->dev = d;
    in->bufs_pa = pa + pages * HAL_PAGE_SIZE; /* 512 events fit; at most 128 are used */
    in->bufs = hal_phys_to_virt(in->bufs_pa);
    read_name(in);
    err = virtq_init(&in->q, d, 0, 64);
    if (err) {
        d->t->set_status(d, VIRTIO_STATUS_FAILED);
        return err;
    }
    for (uint16_t i = 0; i < in->q.size; i++)
        post(in, i);
    d->t->set_status(d, d->t->get_status(d) | VIRTIO_STATUS_DRIVER_OK);
    virtq_kick(&in->q);
    *ops = &g_vin_ops;
    *dev = in;
    return 0;
}
