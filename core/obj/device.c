/*
 * core/obj/device.c - device objects and synchronous block I/O (see device.h).
 *
 * A request lives in kernel memory, not on the caller's stack: when the caller is
 * killed while the device still owns the buffer, the request is orphaned and freed by
 * whoever collects its completion, so the device never writes into freed memory.
 *
 * Display devices take PRESENT (the damage rectangles, copied in and checked against
 * the mode) and MODE; the device completes a PRESENT once the picture is shown.
 *
 * Input devices (device.h) complete reads at once; a reader with nothing to read waits
 * on the device's `readable` queue, which the device's line wakes. Network devices
 * work the same way, frame by frame, in device_net.c.
 *
 * Layer: core objects.
 */
#include "obj/device.h"

#include "mm/heap.h"
#include "mm/pmm.h"
#include "mm/vmo.h"
#include "proc/sched.h"
#include "proc/thread.h"

#define POLL_NS DEVICE_POLL_NS
#define IO_TIMEOUT_NS DEVICE_IO_TIMEOUT_NS

static struct device *g_devs[DEVICE_MAX];
static unsigned g_ndevs;
static bool g_probed;

static void device_destroy(struct object *o) { kfree(o); } /* never: the table keeps a ref */
static const struct obj_ops g_device_ops = {"device", device_destroy, NULL};

void device_io_free(struct dev_io *io)
{
    if (io->buf)
        pmm_free_run(io->buf, io->npages);
    kfree(io);
}

struct dev_io *device_io_new(uint64_t len)
{
    struct dev_io *io = kmalloc(sizeof(*io));
    if (!io)
        return NULL;
    *io = (struct dev_io){.npages = ALIGN_UP(len, PAGE_SIZE) / PAGE_SIZE};
    io->buf = len ? pmm_alloc_run(io->npages, 1) : 0;
    if (len && !io->buf) {
        kfree(io);
        return NULL;
    }
    waitq_init(&io->wq);
    return io;
}

/* Make the objects for every device the HAL reports (once). */
static void probe(void)
{
    if (g_probed)
        return;
    g_probed = true;
    g_obj_bytes[SOS_OBJ_DEVICE] = sizeof(struct device);
    const struct hal_dev_ops *ops;
    void *dev;
    for (unsigned i = 0; g_ndevs < DEVICE_MAX && hal_dev_get(i, &ops, &dev); i++) {
        struct device *d = kmalloc(sizeof(*d));
        if (!d)
            return;
        obj_init(&d->obj, SOS_OBJ_DEVICE, &g_device_ops);
        d->ops = ops;
        d->dev = dev;
        ops->info(dev, &d->info);
        d->info.name[sizeof(d->info.name) - 1] = 0;
        if (d->info.irq && hal_irq_enable(d->info.irq))
            d->info.irq = 0; /* a line the HAL cannot give: poll instead */
        waitq_init(&d->readable);
        if (d->info.dev_class == SOS_DEV_NET) /* nothing known yet: let a waiter look */
            obj_signal(&d->obj, 0, SOS_SIG_READABLE | SOS_SIG_WRITABLE);
        g_devs[g_ndevs++] = d;
    }
}

int device_find(uint32_t dev_class, uint32_t index, struct device **out)
{
    probe();
    for (unsigned i = 0; i < g_ndevs; i++) {
        struct device *d = g_devs[i];
        if (dev_class != SOS_DEV_ANY && d->info.dev_class != dev_class)
            continue;
        if (index-- == 0) {
            obj_ref(&d->obj);
            *out = d;
            return 0;
        }
    }
    return SOS_ERR_NOT_FOUND;
}

void device_info(const struct device *d, struct sos_info_device *out)
{
    const struct hal_dev_info *i = &d->info;
    *out = (struct sos_info_device){.dev_class = i->dev_class, .block_size = i->block_size,
                                    .block_count = i->block_count, .width = i->width,
                                    .height = i->height, .pitch = i->pitch,
                                    .max_width = i->max_width, .max_height = i->max_height,
                                    .fb_size = i->fb_size};
    k_strlcpy(out->name, d->info.name, sizeof(out->name));
}

/* Collect whatever the device has finished. */
static void collect(struct device *d)
{
    struct hal_dev_req *r;
    while ((r = d->ops->poll(d->dev))) {
        struct dev_io *io = (struct dev_io *)(uintptr_t)r->cookie;
        io->done = true;
        d->inflight--;
        if (io->orphan)
            device_io_free(io);
        else
            waitq_wake(&io->wq, 1, 0);
    }
}

bool device_irq(unsigned line)
{
    bool any = false;
    for (unsigned i = 0; i < g_ndevs; i++)
        if (g_devs[i]->info.irq == line) {
            collect(g_devs[i]);
            waitq_wake(&g_devs[i]->readable, ~0u, 0); /* input, net: events arrived */
            if (g_devs[i]->info.dev_class == SOS_DEV_NET)
                obj_signal(&g_devs[i]->obj, 0, SOS_SIG_READABLE | SOS_SIG_WRITABLE);
            any = true;
        }
    if (any)
        hal_irq_ack(line);
    return any;
}

int device_run(struct device *d, struct dev_io *io)
{
    int64_t give_up = hal_time_now() + IO_TIMEOUT_NS;
    int err;
    while ((err = d->ops->submit(d->dev, &io->req)) == SOS_ERR_SHOULD_WAIT) {
        if (hal_time_now() >= give_up) /* the queue stays full: another request owns it */
            return SOS_ERR_TIMED_OUT;
        sched_block(hal_time_now() + POLL_NS);
    }
    if (err)
        return err;
    return device_wait(d, io, give_up);
}

int device_wait(struct device *d, struct dev_io *io, int64_t give_up)
{
    d->inflight++;
    collect(d); /* some requests complete at once, without an interrupt */
    while (!io->done) {
        int64_t now = hal_time_now();
        if (now >= give_up) {
            io->orphan = true;
            return SOS_ERR_TIMED_OUT;
        }
        int64_t until = d->info.irq ? give_up : MIN(give_up, now + POLL_NS);
        int r = waitq_wait(&io->wq, until);
        if (r == SOS_ERR_CANCELED && !io->done) {
            io->orphan = true; /* killed: whoever collects it frees it */
            return r;
        }
        if (!d->info.irq || r == SOS_ERR_TIMED_OUT)
            collect(d);
    }
    return io->req.status;
}

static bool is_input(const struct device *d)
{
    return d->info.dev_class == SOS_DEV_INPUT &&
           d->info.block_size == sizeof(struct sos_input_event);
}

/* One input read: whatever is queued now; with nothing, wait for the line and ask again. */
static int64_t input_read(struct device *d, uint64_t flags, struct vmo *v, uint64_t voff,
                          uint64_t len)
{
    int64_t give_up = hal_time_now() + IO_TIMEOUT_NS;
    len = MIN(len, (uint64_t)DEVICE_CHUNK);
    for (;;) {
        struct dev_io *io = device_io_new(len);
        if (!io)
            return SOS_ERR_NO_MEMORY;
        io->req = (struct hal_dev_req){.op = HAL_DEVOP_READ, .offset = flags, .buf = io->buf,
                                       .len = len, .cookie = (uint64_t)(uintptr_t)io};
        int err = device_run(d, io);
        if (io->orphan)
            return err;
        uint64_t got = err ? 0 : MIN(io->req.actual, len);
        got -= got % sizeof(struct sos_input_event);
        if (got)
            err = vmo_write(v, hal_phys_to_virt(io->buf), voff, got);
        device_io_free(io);
        if (err)
            return err;
        if (got || (flags & SOS_INPUT_READ_NOWAIT))
            return (int64_t)got;
        int64_t now = hal_time_now();
        if (now >= give_up)
            return SOS_ERR_TIMED_OUT;
        /* A wake-up is never lost (the line's handler needs the lock this thread holds
         * until it waits); the bound is for devices without a line. */
        int r = waitq_wait(&d->readable, MIN(give_up, now + (d->info.irq ? 100 * POLL_NS : POLL_NS)));
        if (r == SOS_ERR_CANCELED)
            return r;
    }
}

/* Rectangles inside the current mode (the decode step checked their count). */
static int check_rects(const struct device *d, const struct sos_display_rect *r, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        if (!r[i].w || !r[i].h || r[i].x >= d->info.width || r[i].y >= d->info.height ||
            r[i].w > d->info.width - r[i].x || r[i].h > d->info.height - r[i].y)
            return SOS_ERR_OUT_OF_RANGE;
    return 0;
}

/* A display's PRESENT (rectangles from the VMO) or MODE; a mode change refreshes info. */
static int64_t display_io(struct device *d, uint32_t op, uint64_t block, struct vmo *v,
                          uint64_t voff, uint64_t len)
{
    struct dev_io *io = device_io_new(len);
    if (!io)
        return SOS_ERR_NO_MEMORY;
    int err = 0;
    if (op == SOS_DEVICE_OP_PRESENT) {
        void *kbuf = hal_phys_to_virt(io->buf);
        err = vmo_read(v, kbuf, voff, len);
        if (!err)
            err = check_rects(d, kbuf, len / sizeof(struct sos_display_rect));
    }
    io->req = (struct hal_dev_req){.op = op == SOS_DEVICE_OP_PRESENT ? HAL_DEVOP_PRESENT : HAL_DEVOP_MODE,
                                   .offset = block, .buf = io->buf, .len = len,
                                   .cookie = (uint64_t)(uintptr_t)io};
    if (!err)
        err = device_run(d, io);
    if (io->orphan)
        return err;
    device_io_free(io);
    if (!err && op == SOS_DEVICE_OP_MODE) {
        uint32_t irq = d->info.irq; /* the core's choice (0: polled) stays */
        d->ops->info(d->dev, &d->info);
        d->info.irq = irq;
    }
    return err ? err : (int64_t)len;
}

int64_t device_io(struct device *d, uint32_t op, uint64_t block, struct vmo *v, uint64_t voff,
                  uint64_t len)
{
    if (d->info.dev_class == SOS_DEV_NET)
        return device_net_io(d, op, block, v, voff, len);
    if (d->info.dev_class == SOS_DEV_DISPLAY)
        return display_io(d, op, block, v, voff, len);
    if (is_input(d))
        return op == SOS_DEVICE_OP_READ ? input_read(d, block, v, voff, len)
                                        : SOS_ERR_NOT_SUPPORTED;
    uint64_t done = 0, bs = d->info.block_size ? d->info.block_size : 1;
    do {
        uint64_t n = MIN(len - done, (uint64_t)DEVICE_CHUNK);
        struct dev_io *io = device_io_new(n);
        if (!io)
            return SOS_ERR_NO_MEMORY;
        void *kbuf = n ? hal_phys_to_virt(io->buf) : NULL;
        int err = op == SOS_DEVICE_OP_WRITE ? vmo_read(v, kbuf, voff + done, n) : 0;
        io->req = (struct hal_dev_req){.op = op, .offset = block + done / bs, .buf = io->buf,
                                       .len = n, .cookie = (uint64_t)(uintptr_t)io};
        if (!err)
            err = device_run(d, io);
        if (io->orphan)
            return err;
        if (!err && op == SOS_DEVICE_OP_READ)
            err = vmo_write(v, kbuf, voff + done, n);
        device_io_free(io);
        if (err)
            return err;
        done += n;
    } while (done < len);
    return (int64_t)done;
}
