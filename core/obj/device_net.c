/*
 * core/obj/device_net.c - network devices: one Ethernet frame per device_io request.
 *
 * The HAL's net device (core/hal.h) completes a READ at once with the oldest frame it
 * holds, or with none, and raises its line when frames arrive or transmit room frees.
 * So a READ here is the input pattern of device.c: ask, and with nothing there wait on
 * the device's `readable` queue, which the line wakes, and ask again; a reader that is
 * killed leaves no request behind that would swallow a frame. A WRITE hands one frame
 * to the device and waits until the device has taken it (device_run), or with
 * SOS_NET_IO_NOWAIT tries once and reports SHOULD_WAIT when the queue is full.
 *
 * The object's READABLE/WRITABLE signals are hints with a guarantee: the line sets
 * both; a NOWAIT read that finds nothing clears READABLE, a NOWAIT write that finds no
 * room clears WRITABLE. A frame that arrives after the clear raises the line, whose
 * handler runs only after this code releases the core lock, so the signal rises again.
 *
 * The core counts what it moved (frames, bytes, failed sends); the HAL reports what it
 * lost (queue overflows, damaged frames) and the link, through its info op.
 *
 * Layer: core objects. Under g_klock.
 */
#include "obj/device.h"

#include "mm/vmo.h"
#include "proc/sched.h"

int device_net_check(uint32_t op, uint64_t flags, uint64_t len)
{
    if (op != SOS_DEVICE_OP_READ && op != SOS_DEVICE_OP_WRITE)
        return SOS_ERR_NOT_SUPPORTED; /* FLUSH: nothing to make durable */
    if (flags & ~(uint64_t)SOS_NET_IO_NOWAIT)
        return SOS_ERR_INVALID_ARGS;
    if (op == SOS_DEVICE_OP_READ)
        return len < SOS_NET_FRAME_MAX ? SOS_ERR_BUFFER_TOO_SMALL : 0;
    if (len > SOS_NET_FRAME_MAX)
        return SOS_ERR_OUT_OF_RANGE; /* larger than an Ethernet frame */
    return len < SOS_NET_FRAME_MIN ? SOS_ERR_INVALID_ARGS : 0;
}

/* A request with a one-page bounce buffer (a frame fits in one page). */
static struct dev_io *net_req(uint32_t op, uint64_t len)
{
    struct dev_io *io = device_io_new(len);
    if (io)
        io->req = (struct hal_dev_req){.op = op, .buf = io->buf, .len = len,
                                       .cookie = (uint64_t)(uintptr_t)io};
    return io;
}

/* Take one frame if the device holds one: its length, 0 for none, or an error. */
static int64_t net_take(struct device *d, struct vmo *v, uint64_t voff)
{
    struct dev_io *io = net_req(HAL_DEVOP_READ, SOS_NET_FRAME_MAX);
    if (!io)
        return SOS_ERR_NO_MEMORY;
    int err = device_run(d, io);
    if (io->orphan)
        return err;
    uint64_t got = err ? 0 : MIN(io->req.actual, (uint64_t)SOS_NET_FRAME_MAX);
    if (got)
        err = vmo_write(v, hal_phys_to_virt(io->buf), voff, got);
    device_io_free(io);
    if (err)
        return err;
    d->rx_frames += got ? 1 : 0;
    d->rx_bytes += got;
    return (int64_t)got;
}

static int64_t net_read(struct device *d, uint64_t flags, struct vmo *v, uint64_t voff)
{
    int64_t give_up = hal_time_now() + DEVICE_IO_TIMEOUT_NS;
    for (;;) {
        int64_t got = net_take(d, v, voff);
        if (got)
            return got;
        if (flags & SOS_NET_IO_NOWAIT) {
            obj_signal(&d->obj, SOS_SIG_READABLE, 0);
            return 0;
        }
        int64_t now = hal_time_now();
        if (now >= give_up)
            return SOS_ERR_TIMED_OUT;
        /* the bound is for devices without a line; with one, the wake-up is not lost */
        int r = waitq_wait(&d->readable, MIN(give_up, now + (d->info.irq ? 100 : 1) * DEVICE_POLL_NS));
        if (r == SOS_ERR_CANCELED)
            return r;
    }
}

static int64_t net_write(struct device *d, uint64_t flags, struct vmo *v, uint64_t voff,
                         uint64_t len)
{
    struct dev_io *io = net_req(HAL_DEVOP_WRITE, len);
    if (!io)
        return SOS_ERR_NO_MEMORY;
    int err = vmo_read(v, hal_phys_to_virt(io->buf), voff, len);
    if (!err && (flags & SOS_NET_IO_NOWAIT)) {
        err = d->ops->submit(d->dev, &io->req);
        if (err == SOS_ERR_SHOULD_WAIT)
            obj_signal(&d->obj, SOS_SIG_WRITABLE, 0);
        if (!err)
            err = device_wait(d, io, hal_time_now() + DEVICE_IO_TIMEOUT_NS);
    } else if (!err) {
        err = device_run(d, io);
    }
    if (io->orphan)
        return err;
    bool device_failed = io->done && io->req.status;
    device_io_free(io);
    if (device_failed)
        d->tx_errors++;
    if (err)
        return err;
    d->tx_frames++;
    d->tx_bytes += len;
    return (int64_t)len;
}

int64_t device_net_io(struct device *d, uint32_t op, uint64_t flags, struct vmo *v, uint64_t voff,
                      uint64_t len)
{
    if (op == SOS_DEVICE_OP_READ)
        return net_read(d, flags, v, voff);
    return net_write(d, flags, v, voff, len);
}

void device_net_info(struct device *d, struct sos_info_net *out)
{
    struct hal_dev_info now;
    d->ops->info(d->dev, &now); /* the link and the device's own counters change */
    *out = (struct sos_info_net){.link_up = now.net.link_up, .frame_max = SOS_NET_FRAME_MAX,
                                 .rx_frames = d->rx_frames, .rx_bytes = d->rx_bytes,
                                 .rx_dropped = now.net.rx_dropped, .rx_errors = now.net.rx_errors,
                                 .tx_frames = d->tx_frames, .tx_bytes = d->tx_bytes,
                                 .tx_dropped = now.net.tx_dropped,
                                 .tx_errors = d->tx_errors + now.net.tx_errors};
    for (unsigned i = 0; i < 6; i++)
        out->mac[i] = now.net.mac[i];
}
