/*
 * core/drivers/virtio/virtio.h - virtio devices over any transport.
 *
 * The split virtqueue (virtqueue.c) and the device drivers (virtio_blk.c,
 * virtio_input.c, virtio_net.c) are arch-neutral and know nothing of PCI or MMIO. A HAL finds a
 * device, fills a struct virtio_dev with a transport (its ops table below), and calls a
 * driver's probe function, which negotiates features, sets up its queues and returns a
 * core/hal.h device (ops + dev) for hal_dev_get(). The virtio-pci transport (modern,
 * virtio 1.x) is virtio_pci.c, used by hal-x86_64 and hal-aarch64 over their PCI
 * access; hal-aarch64's virtio-mmio (version 2) fits the same ops.
 *
 * Rules for a transport:
 *  - All ops are called with interrupts disabled on the calling CPU, during boot (before
 *    core_main) or with the core lock held; none may block except set_status(0), which
 *    resets the device and waits for the reset to finish.
 *  - Feature bits are 64 wide (bit 32 = VIRTIO_F_VERSION_1, always required here).
 *  - queue_setup gives the device a queue's three rings by physical address, binds the
 *    queue's used-buffer notifications to the device's interrupt (virtio_dev.irq_line,
 *    0 when the device is polled) and enables the queue.
 *  - irq_ack is called from the driver's poll(): a transport with a level-triggered,
 *    shared interrupt (virtio-mmio, PCI INTx) reads and acknowledges the interrupt
 *    status there; with MSI-X it does nothing. It returns the status bits (bit 0 used
 *    buffer, bit 1 configuration change) or 1 when it cannot tell.
 *  - dma_alloc returns zeroed, physically contiguous memory the device can reach (the
 *    core sees it through hal_phys_to_virt), or 0. DMA is assumed cache-coherent.
 *
 * The drivers' requests and completions follow core/hal.h (struct hal_dev_req):
 *  block: READ/WRITE of whole 512-byte blocks at block `offset`, FLUSH; the device's
 *         interrupt line fires on completion and poll() returns finished requests.
 *  input: struct sos_input_event records (evdev.h translates the device's evdev
 *         events), as core/hal.h describes input devices: READ completes at once with
 *         those queued (possibly none), and the line fires when more arrive.
 *  net:   one Ethernet frame per request, as core/hal.h describes net devices: READ
 *         completes at once (a frame or none), WRITE once the frame is copied into a
 *         transmit buffer of the driver (SHOULD_WAIT while all are with the card).
 *
 * Layer: core drivers (arch-neutral; core/hal.h and the core library only).
 */
#ifndef CORE_DRIVERS_VIRTIO_VIRTIO_H
#define CORE_DRIVERS_VIRTIO_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal.h"

/* Device ids (virtio 1.x, section 5). */
#define VIRTIO_ID_NET 1u
#define VIRTIO_ID_BLOCK 2u
#define VIRTIO_ID_CONSOLE 3u
#define VIRTIO_ID_GPU 16u
#define VIRTIO_ID_INPUT 18u

/* Device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER 2u
#define VIRTIO_STATUS_DRIVER_OK 4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_NEEDS_RESET 64u
#define VIRTIO_STATUS_FAILED 128u

#define VIRTIO_F_VERSION_1 (1ull << 32)

struct virtio_dev;

struct virtio_transport {
    uint8_t (*get_status)(struct virtio_dev *d);
    void (*set_status)(struct virtio_dev *d, uint8_t status); /* 0: reset and wait */
    uint64_t (*get_features)(struct virtio_dev *d);
    void (*set_features)(struct virtio_dev *d, uint64_t features);
    /* the device-specific configuration: `width` 1, 2 or 4 bytes at `offset` */
    uint32_t (*config_read)(struct virtio_dev *d, uint32_t offset, unsigned width);
    void (*config_write)(struct virtio_dev *d, uint32_t offset, unsigned width, uint32_t v);
    uint16_t (*queue_max)(struct virtio_dev *d, uint16_t q); /* 0: no such queue */
    int (*queue_setup)(struct virtio_dev *d, uint16_t q, uint16_t size, paddr_t desc,
                       paddr_t avail, paddr_t used);
    void (*queue_notify)(struct virtio_dev *d, uint16_t q);
    uint32_t (*irq_ack)(struct virtio_dev *d);
    paddr_t (*dma_alloc)(struct virtio_dev *d, size_t pages);
};

struct virtio_dev {
    const struct virtio_transport *t;
    void *priv;          /* the transport's */
    uint32_t device_id;  /* VIRTIO_ID_* */
    unsigned irq_line;   /* core/hal.h line of its interrupt, 0 when polled */
    char name[24];       /* e.g. "virtio-pci 00:03.0" */
};

/* ---- the split virtqueue */

#define VIRTQ_MAX_SIZE 128u

struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};
#define VIRTQ_DESC_F_NEXT 1u
#define VIRTQ_DESC_F_WRITE 2u

struct virtq {
    struct virtio_dev *dev;
    uint16_t index, size;
    volatile struct virtq_desc *desc;
    volatile uint16_t *avail; /* flags, idx, ring[size], used_event */
    volatile uint32_t *used;  /* flags|idx, then {id, len} pairs */
    uint16_t free_head, num_free, last_used;
    void *cookie[VIRTQ_MAX_SIZE];
};

/* One buffer of a request: physical address, length, device-writable or not. */
struct virtq_buf {
    paddr_t addr;
    uint32_t len;
    bool device_writes;
};

/* Set up queue `index` with at most `want` entries. 0 or SOS_ERR_*. */
int virtq_init(struct virtq *q, struct virtio_dev *d, uint16_t index, uint16_t want);

/* Queue one request of `n` buffers (device-readable ones first); `cookie` comes back
   from virtq_get. SOS_ERR_SHOULD_WAIT when the ring is full. Call virtq_kick after. */
int virtq_add(struct virtq *q, const struct virtq_buf *bufs, unsigned n, void *cookie);
void virtq_kick(struct virtq *q);

/* The next finished request's cookie, or NULL; *written gets the bytes the device wrote
   and *head the request's first descriptor (either may be NULL). */
void *virtq_get(struct virtq *q, uint32_t *written, uint16_t *head);

/* ---- common setup and the drivers */

/* Reset, ACKNOWLEDGE|DRIVER, accept `wanted` & offered (VERSION_1 is required),
   FEATURES_OK. Returns 0 and the accepted set, or SOS_ERR_NOT_SUPPORTED (device failed). */
int virtio_negotiate(struct virtio_dev *d, uint64_t wanted, uint64_t *accepted);

/* The kind of device the kernel drives for type `id` ("block", "network", "GPU",
   "input"), or NULL when it drives none (virtio_probe.c). */
const char *virtio_type_name(uint32_t id);
/* The driver of d->device_id's probe (SOS_ERR_NOT_SUPPORTED for another type). */
int virtio_driver_probe(struct virtio_dev *d, const struct hal_dev_ops **ops, void **dev);

/* Probe a device of the driver's kind: on success the HAL lists (*ops, *dev). */
int virtio_blk_probe(struct virtio_dev *d, const struct hal_dev_ops **ops, void **dev);
int virtio_input_probe(struct virtio_dev *d, const struct hal_dev_ops **ops, void **dev);
/* The display's mode, which a tablet's absolute axes scale to (1024x768 until told). */
void virtio_input_set_extent(uint32_t width, uint32_t height);
/*
 * For the HAL's boot console, before any client reads input device `dev` (a virtio
 * input device): up to `max` of its records, taken (0 when none). -1 once a client's
 * READ has claimed the device: from then on they are the client's.
 */
struct sos_input_event;
int virtio_input_console_take(void *dev, struct sos_input_event *out, uint32_t max);
int virtio_net_probe(struct virtio_dev *d, const struct hal_dev_ops **ops, void **dev);
/* A 2D GPU as a display device (PRESENT, MODE; docs/graphics.md). */
int virtio_gpu_probe(struct virtio_dev *d, const struct hal_dev_ops **ops, void **dev);

/* An input event as the device delivers it (virtio-input, Linux evdev codes). */
struct virtio_input_event {
    uint16_t type;
    uint16_t code;
    uint32_t value;
};

#endif
