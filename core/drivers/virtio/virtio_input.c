/*
 * core/drivers/virtio/virtio_input.c - virtio input (keyboard, tablet, mouse) as
 * core/hal.h input devices that speak struct sos_input_event, like the sim's.
 *
 * The event queue keeps one 8-byte buffer per entry posted to the device. Arrived
 * evdev events are translated (evdev.c: HID usages, the pointer in the display's
 * pixels; every virtio input device shares one seat, so a key carries the tablet's
 * place and a click the keyboard's modifiers) into a ring of records (the oldest are
 * dropped and counted when it overflows) and the buffers posted again. A READ
 * completes at once with the records queued that fit (possibly none; a count of
 * dropped ones first), and the device's line fires when more arrive, as core/hal.h
 * asks of such devices.
 *
 * Until a client reads a device, the HAL may take its records for the boot console
 * (virtio_input_console_take: x86_64's keyboard console); the first READ claims the
 * device for good. The HAL's interrupt handler and the core can be on different CPUs
 * then, so the ring has a lock of its own.
 *
 * Layer: core drivers.
 */
#include "drivers/virtio/virtio.h"

#include <sos/errors.h>

#include "drivers/virtio/evdev.h"
#include "kernel.h"
#include "lib/kstring.h"

#define CFG_SELECT 0u
#define CFG_SUBSEL 1u
#define CFG_SIZE 2u
#define CFG_DATA 8u
#define CFG_ID_NAME 1u
#define CFG_ABS_INFO 0x12u
#define EV_RING 128u
#define DONE_MAX 8u

struct vinput {
    struct virtio_dev *dev;
    struct virtq q;
    struct virtio_input_event *bufs; /* one per queue entry, device-written */
    paddr_t bufs_pa;
    struct spinlock lock;            /* the ring, the done list, claimed */
    struct evdev_dev ev;
    struct sos_input_event ring[EV_RING];
    uint32_t head, tail;             /* free-running */
    uint32_t dropped;                /* records lost since the last read */
    struct hal_dev_req *done[DONE_MAX];
    uint32_t done_head, done_tail;
    bool claimed;                    /* a client has read: the console no longer takes it */
    char name[32];
};

static struct evdev_seat g_seat = {1024, 768, 512, 384, 0}; /* the display's first mode */

void virtio_input_set_extent(uint32_t width, uint32_t height)
{
    evdev_set_extent(&g_seat, width, height);
}

static void post(struct vinput *in, uint16_t i)
{
    struct virtq_buf b = {in->bufs_pa + i * sizeof(struct virtio_input_event),
                          sizeof(struct virtio_input_event), true};
    virtq_add(&in->q, &b, 1, (void *)(uintptr_t)(i + 1u));
}

static void queue_record(struct vinput *in, const struct sos_input_event *e)
{
    if (in->head - in->tail == EV_RING) {
        in->tail++; /* full: drop the oldest */
        in->dropped++;
    }
    in->ring[in->head++ % EV_RING] = *e;
}

/* The device's used buffers into the ring (lock held). */
static void collect(struct vinput *in)
{
    bool reposted = false;
    void *c;
    uint64_t now = (uint64_t)hal_time_now();
    while ((c = virtq_get(&in->q, NULL, NULL)) != NULL) {
        uint16_t i = (uint16_t)((uintptr_t)c - 1);
        struct virtio_input_event e = in->bufs[i];
        struct sos_input_event out[2];
        unsigned n = evdev_translate(&in->ev, e.type, e.code, (int32_t)e.value, now, out);
        for (unsigned k = 0; k < n; k++)
            queue_record(in, &out[k]);
        post(in, i);
        reposted = true;
    }
    if (reposted)
        virtq_kick(&in->q);
}

/* Up to `max` records, a DROPPED count first when some were lost (lock held). */
static uint32_t take(struct vinput *in, struct sos_input_event *out, uint32_t max)
{
    uint32_t n = 0;
    if (in->dropped && max) {
        out[n++] = (struct sos_input_event){.type = SOS_INPUT_DROPPED, .value = (int32_t)in->dropped,
                                            .x = g_seat.x, .y = g_seat.y,
                                            .time_ns = (uint64_t)hal_time_now()};
        in->dropped = 0;
    }
    while (n < max && in->tail != in->head)
        out[n++] = in->ring[in->tail++ % EV_RING];
    return n;
}

static int vin_submit(void *devp, struct hal_dev_req *req)
{
    struct vinput *in = devp;
    if (req->op != HAL_DEVOP_READ)
        return SOS_ERR_NOT_SUPPORTED;
    if (req->len < sizeof(struct sos_input_event))
        return SOS_ERR_BUFFER_TOO_SMALL;
    spin_lock(&in->lock);
    int err = SOS_ERR_SHOULD_WAIT;
    if (in->done_head - in->done_tail < DONE_MAX) {
        in->claimed = true;
        collect(in);
        uint32_t max = (uint32_t)MIN(req->len / sizeof(struct sos_input_event), (uint64_t)EV_RING + 1);
        req->actual = take(in, hal_phys_to_virt(req->buf), max) * sizeof(struct sos_input_event);
        req->status = 0;
        in->done[in->done_head++ % DONE_MAX] = req;
        err = 0;
    }
    spin_unlock(&in->lock);
    return err;
}

static struct hal_dev_req *vin_poll(void *devp)
{
    struct vinput *in = devp;
    in->dev->t->irq_ack(in->dev);
    spin_lock(&in->lock);
    collect(in);
    struct hal_dev_req *r = NULL;
    if (in->done_head != in->done_tail)
        r = in->done[in->done_tail++ % DONE_MAX];
    spin_unlock(&in->lock);
    return r;
}

int virtio_input_console_take(void *devp, struct sos_input_event *out, uint32_t max)
{
    struct vinput *in = devp;
    in->dev->t->irq_ack(in->dev);
    spin_lock(&in->lock);
    int n = -1;
    if (!in->claimed) {
        collect(in);
        n = (int)take(in, out, max);
    }
    spin_unlock(&in->lock);
    return n;
}

static void vin_info(void *devp, struct hal_dev_info *out)
{
    struct vinput *in = devp;
    memset(out, 0, sizeof(*out));
    out->dev_class = HAL_DEV_INPUT;
    out->irq = in->dev->irq_line;
    out->block_size = sizeof(struct sos_input_event);
    out->width = g_seat.width;
    out->height = g_seat.height;
    k_strlcpy(out->name, in->name, sizeof(out->name));
}

static const struct hal_dev_ops g_vin_ops = {vin_submit, vin_poll, vin_info};

static void select_cfg(struct virtio_dev *d, uint32_t sel, uint32_t sub)
{
    d->t->config_write(d, CFG_SELECT, 1, sel);
    d->t->config_write(d, CFG_SUBSEL, 1, sub);
}

static void read_name(struct vinput *in)
{
    struct virtio_dev *d = in->dev;
    select_cfg(d, CFG_ID_NAME, 0);
    uint32_t n = d->t->config_read(d, CFG_SIZE, 1);
    if (n > sizeof(in->name) - 1)
        n = sizeof(in->name) - 1;
    for (uint32_t i = 0; i < n; i++)
        in->name[i] = (char)d->t->config_read(d, CFG_DATA + i, 1);
    in->name[n] = 0;
    if (!n)
        k_strlcpy(in->name, "virtio-input", sizeof(in->name));
}

/* The ranges of the absolute x and y axes (struct virtio_input_absinfo: min, max, ...);
 * a device without them keeps 0..0 (evdev.c then assumes 0..0x7fff). */
static void read_axes(struct vinput *in)
{
    struct virtio_dev *d = in->dev;
    for (uint32_t axis = 0; axis < 2; axis++) {
        select_cfg(d, CFG_ABS_INFO, axis);
        if (d->t->config_read(d, CFG_SIZE, 1) < 8)
            continue;
        in->ev.abs_min[axis] = (int32_t)d->t->config_read(d, CFG_DATA, 4);
        in->ev.abs_max[axis] = (int32_t)d->t->config_read(d, CFG_DATA + 4, 4);
    }
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
    in->lock = (struct spinlock)SPINLOCK_INIT;
    in->ev.seat = &g_seat;
    read_name(in);
    read_axes(in);
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
