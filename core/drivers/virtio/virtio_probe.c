/*
 * core/drivers/virtio/virtio_probe.c - which driver takes a virtio device of a type.
 *
 * Every transport (virtio-pci in virtio_pci.c, virtio-mmio in hal-aarch64) finds devices
 * and fills a struct virtio_dev; this hands it to the driver of its type, so the list
 * of types the kernel drives is written once.
 *
 * Layer: core drivers (arch-neutral).
 */
#include "drivers/virtio/virtio.h"

#include <sos/errors.h>

const char *virtio_type_name(uint32_t id)
{
    switch (id) {
    case VIRTIO_ID_BLOCK: return "block";
    case VIRTIO_ID_NET: return "network";
    case VIRTIO_ID_GPU: return "GPU";
    case VIRTIO_ID_INPUT: return "input";
    default: return NULL;
    }
}

int virtio_driver_probe(struct virtio_dev *d, const struct hal_dev_ops **ops, void **dev)
{
    switch (d->device_id) {
    case VIRTIO_ID_BLOCK: return virtio_blk_probe(d, ops, dev);
    case VIRTIO_ID_NET: return virtio_net_probe(d, ops, dev);
    case VIRTIO_ID_GPU: return virtio_gpu_probe(d, ops, dev);
    case VIRTIO_ID_INPUT: return virtio_input_probe(d, ops, dev);
    default: return SOS_ERR_NOT_SUPPORTED;
    }
}
