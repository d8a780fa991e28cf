/*
 * core/calls/sys_device.c - device_open and device_io.
 *
 * device_open needs the root resource with MANAGE: devices are bootstrap authority the
 * root manager hands to the one service its manifests name (storage gets block0).
 * device_io checks everything (op, rights on the device and on the VMO, block alignment,
 * ranges without overflow; for input devices whole event records and known flags; for
 * audio devices writes of whole frames; for network devices one frame's length and
 * known flags) before the request goes out; the VMO is held for the whole call, so a
 * racing close cannot free it under the device.
 *
 * Layer: core syscalls.
 */
#include "calls/calls.h"

#include "mm/vmo.h"
#include "obj/device.h"

int64_t sys_device_open(sos_handle_t resource, uint32_t dev_class, uint32_t index, uintptr_t out)
{
    int err = check_resource(resource, SOS_RIGHT_MANAGE);
    if (!err && dev_class > SOS_DEV_AUDIO)
        err = SOS_ERR_INVALID_ARGS;
    if (!err)
        err = check_user_out(out, sizeof(sos_handle_t));
    if (err)
        return err;
    struct device *d;
    err = device_find(dev_class, index, &d);
    if (err)
        return err;
    return give_handle(&d->obj, default_rights(SOS_OBJ_DEVICE), out);
}

/* Decode and check a request; on success *v holds a reference (or NULL for a flush). */
static int decode_io(sos_handle_t device, uintptr_t uio, struct device **d, struct sos_device_io *io,
                     struct vmo **v)
{
    *v = NULL;
    int err = copy_from_user(io, uio, sizeof(*io));
    if (err)
        return err;
    bool rd = io->op == SOS_DEVICE_OP_READ, wr = io->op == SOS_DEVICE_OP_WRITE;
    if (!rd && !wr && io->op != SOS_DEVICE_OP_FLUSH)
        return SOS_ERR_INVALID_ARGS;
    err = GET_OBJ(device, SOS_OBJ_DEVICE, rd ? SOS_RIGHT_READ : SOS_RIGHT_WRITE, struct device, d);
    if (err)
        return err;
    uint64_t bs = (*d)->info.block_size, count = (*d)->info.block_count;
    if ((*d)->info.dev_class == SOS_DEV_INPUT && bs == sizeof(struct sos_input_event)) {
        if (!rd)
            return SOS_ERR_NOT_SUPPORTED;
        if (io->len == 0 || io->len > SOS_INPUT_READ_MAX || io->len % bs ||
            (io->block & ~(uint64_t)SOS_INPUT_READ_NOWAIT))
            return SOS_ERR_INVALID_ARGS;
    } else if ((*d)->info.dev_class == SOS_DEV_AUDIO && bs) {
        if (!wr)
            return SOS_ERR_NOT_SUPPORTED;
        if (io->len == 0 || io->len > SOS_DEVICE_IO_MAX || io->len % bs || io->block)
            return SOS_ERR_INVALID_ARGS;
    } else if ((*d)->info.dev_class == SOS_DEV_NET) {
        err = device_net_check(io->op, io->block, io->len);
        if (err)
            return err;
    } else {
        if ((*d)->info.dev_class != SOS_DEV_BLOCK || !bs)
            return SOS_ERR_NOT_SUPPORTED;
        if (!rd && !wr)
            return 0;
        if (io->len == 0 || io->len > SOS_DEVICE_IO_MAX || io->len % bs)
            return SOS_ERR_INVALID_ARGS;
        if (io->block > count || io->len / bs > count - io->block)
            return SOS_ERR_OUT_OF_RANGE;
    }
    err = GET_OBJ(io->vmo, SOS_OBJ_VMO, rd ? SOS_RIGHT_WRITE : SOS_RIGHT_READ, struct vmo, v);
    if (err) {
        *v = NULL;
        return err;
    }
    if (io->vmo_offset > (*v)->size || io->len > (*v)->size - io->vmo_offset) {
        *v = NULL;
        return SOS_ERR_OUT_OF_RANGE;
    }
    obj_ref(&(*v)->obj);
    return 0;
}

int64_t sys_device_io(sos_handle_t device, uintptr_t uio)
{
    struct device *d;
    struct sos_device_io io;
    struct vmo *v;
    int err = decode_io(device, uio, &d, &io, &v);
    if (err)
        return err;
    int64_t r = device_io(d, io.op, io.block, v, io.vmo_offset,
                          io.op == SOS_DEVICE_OP_FLUSH ? 0 : io.len);
    if (v)
        obj_unref(&v->obj);
    return r;
}
