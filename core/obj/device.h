/*
 * core/obj/device.h - device objects: what hal_dev_get() reports, as kernel objects.
 *
 * The core makes one device object per HAL device the first time one is asked for
 * (device_open, with the root resource and MANAGE) and keeps it for good. Block devices
 * take synchronous I/O: the calling thread's request goes to the HAL through a bounce
 * buffer of contiguous kernel memory (a VMO's pages are not contiguous), and the thread
 * blocks until the device's completion interrupt (core_irq on its line) reports it, or,
 * for a device without a line, until a 1 ms poll finds it done.
 *
 * Input devices that speak struct sos_input_event (block_size is its size) complete a
 * READ at once with the events queued, possibly none, and raise their line when events
 * arrive: a read that found none waits on the device's `readable` queue, which their
 * interrupt wakes, and asks again. So a reader that is killed or gives up never leaves
 * a request behind that would swallow events.
 *
 * Network devices move one Ethernet frame per request the same way (device_net.c): a
 * READ takes a queued frame or waits on `readable`, a WRITE waits for the device to
 * take the frame; the line also raises the object's READABLE/WRITABLE signals.
 *
 * Layer: core objects. Under g_klock.
 */
#ifndef CORE_OBJ_DEVICE_H
#define CORE_OBJ_DEVICE_H

#include "obj/object.h"
#include "proc/sched.h"

struct vmo;

#define DEVICE_MAX 16u
#define DEVICE_CHUNK (64u * 1024u) /* bytes per HAL request */
#define DEVICE_IO_TIMEOUT_NS 30000000000ll /* a request that never completes fails then */
#define DEVICE_POLL_NS 1000000ll /* a device without a line is polled this often */

/* One request in flight (device.c); device_net.c uses it too. */
struct dev_io {
    struct hal_dev_req req;
    struct waitq wq;
    paddr_t buf;
    size_t npages;
    bool done, orphan;
};

struct device {
    struct object obj;
    const struct hal_dev_ops *ops;
    void *dev;
    struct hal_dev_info info;
    uint32_t inflight;
    struct waitq readable; /* input, net: readers waiting for events or frames */
    uint64_t rx_frames, rx_bytes, tx_frames, tx_bytes, tx_errors; /* net */
};

/*
 * The index-th device of class `dev_class` (SOS_DEV_ANY: of any class), with a new
 * reference for the caller; SOS_ERR_NOT_FOUND past the last.
 */
int device_find(uint32_t dev_class, uint32_t index, struct device **out);

/* Fill the ABI's info record. */
void device_info(const struct device *d, struct sos_info_device *out);

/*
 * One synchronous request (already validated by the caller: op, ranges, rights). Reads
 * land in `v` at voff, writes come from there. Returns bytes done or an error. For an
 * input device `block` holds the SOS_INPUT_READ_* flags and the result may be short.
 */
int64_t device_io(struct device *d, uint32_t op, uint64_t block, struct vmo *v, uint64_t voff,
                  uint64_t len);

/*
 * Submit io and wait for it (30 s at most). On a kill or a timeout the request is left
 * to the device (io->orphan): whoever collects it frees it, the caller must not.
 */
int device_run(struct device *d, struct dev_io *io);
/* The second half of device_run, for a request already submitted. */
int device_wait(struct device *d, struct dev_io *io, int64_t give_up);
/* A request with a bounce buffer of len bytes (none for 0), its wait queue ready; NULL
 * when out of memory. device_io_free frees both. */
struct dev_io *device_io_new(uint64_t len);
void device_io_free(struct dev_io *io);

/* Network devices (device_net.c): check a request's op, flags and length (the decode
   step), perform one frame's READ or WRITE, and report address, link and counters. */
int device_net_check(uint32_t op, uint64_t flags, uint64_t len);
int64_t device_net_io(struct device *d, uint32_t op, uint64_t flags, struct vmo *v, uint64_t voff,
                      uint64_t len);
void device_net_info(struct device *d, struct sos_info_net *out);

/* A device line fired: collect its completions. False when no device uses `line`. */
bool device_irq(unsigned line);

#endif
