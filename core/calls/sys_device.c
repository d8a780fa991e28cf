/*
 * core/calls/sys_device.c - device_open, device_io and device_buffer.
 *
 * device_open needs the root resource with MANAGE: devices are bootstrap authority the
 * root manager hands to the one service its manifests name (storage gets block0).
 * device_io checks everything (op, rights on the device and on the VMO, block alignment,
 * ranges without overflow; for input devices whole event records and known flags; for
 * network devices one frame's length and known flags; for displays the rectangles'
 * count and the mode's bounds) before the request goes out; the VMO is held for the whole
 * call, so a racing close cannot free it under the device.
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

/* The limits of an input read (input devices that speak struct sos_input_event). */
static int check_input(const struct sos_device_io *io, uint64_t bs, bool rd)
{
    if (!rd)
        return SOS_ERR_NOT_SUPPORTED;
    if (io->len == 0 || io->len > SOS_INPUT_READ_MAX || io->len % bs ||
        (io->block & ~(uint64_t)SOS_INPUT_READ_NOWAIT))
        return SOS_ERR_INVALID_ARGS;
    return 1; /* a VMO follows */
}

/* A display takes PRESENT (rectangles in the VMO, checked against the mode by the
 * device) and MODE (no VMO). */
static int check_display(const struct sos_device_io *io, const struct hal_dev_info *info)
{
    if (io->op == SOS_DEVICE_OP_PRESENT) {
        uint64_t n = io->len / sizeof(struct sos_display_rect);
        if (io->block || io->len % sizeof(struct sos_display_rect) || n == 0 ||
            n > SOS_DISPLAY_RECTS_MAX)
            return SOS_ERR_INVALID_ARGS;
        return 1;
    }
    if (io->op != SOS_DEVICE_OP_MODE)
        return SOS_ERR_NOT_SUPPORTED;
    uint64_t w = io->block >> 32, h = io->block & 0xffffffffu;
    if (w == 0 || h == 0 || w > info->max_width || h > info->max_height)
        return SOS_ERR_INVALID_ARGS;
    return 0;
}

/* A network device moves one frame a call (device_net.c has the limits). */
static int check_net(const struct sos_device_io *io)
{
    int err = device_net_check(io->op, io->block, io->len);
    return err ? err : 1;
}

static int check_block(const struct sos_device_io *io, const struct hal_dev_info *info)
{
    bool rd = io->op == SOS_DEVICE_OP_READ, wr = io->op == SOS_DEVICE_OP_WRITE;
    uint64_t bs = info->block_size, count = info->block_count;
    if (info->dev_class != SOS_DEV_BLOCK || !bs || io->op > SOS_DEVICE_OP_FLUSH)
        return SOS_ERR_NOT_SUPPORTED;
    if (!rd && !wr)
        return 0;
    if (io->len == 0 || io->len > SOS_DEVICE_IO_MAX || io->len % bs)
        return SOS_ERR_INVALID_ARGS;
    if (io->block > count || io->len / bs > count - io->block)
        return SOS_ERR_OUT_OF_RANGE;
    return 1;
}

/* Decode and check a request; on success *v holds a reference (or NULL without a VMO). */
static int decode_io(sos_handle_t device, uintptr_t uio, struct device **d, struct sos_device_io *io,
                     struct vmo **v)
{
    *v = NULL;
    int err = copy_from_user(io, uio, sizeof(*io));
    if (err)
        return err;
    bool rd = io->op == SOS_DEVICE_OP_READ;
    if (io->op < SOS_DEVICE_OP_READ || io->op > SOS_DEVICE_OP_MODE)
        return SOS_ERR_INVALID_ARGS;
    err = GET_OBJ(device, SOS_OBJ_DEVICE, rd ? SOS_RIGHT_READ : SOS_RIGHT_WRITE, struct device, d);
    if (err)
        return err;
    const struct hal_dev_info *info = &(*d)->info;
    if (info->dev_class == SOS_DEV_INPUT && info->block_size == sizeof(struct sos_input_event))
        err = check_input(io, info->block_size, rd);
    else if (info->dev_class == SOS_DEV_NET)
        err = check_net(io);
    else if (info->dev_class == SOS_DEV_DISPLAY)
        err = check_display(io, info);
    else
        err = check_block(io, info);
    if (err <= 0)
        return err;
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
    int64_t r = device_io(d, io.op, io.block, v, io.vmo_offset, v ? io.len : 0);
    if (v)
        obj_unref(&v->obj);
    return r;
}

/* A display's framebuffer as a physical VMO (read, write, map); the device needs WRITE. */
int64_t sys_device_buffer(sos_handle_t device, uintptr_t out)
{
    struct device *d;
    int err = GET_OBJ(device, SOS_OBJ_DEVICE, SOS_RIGHT_WRITE, struct device, &d);
    if (!err && (!d->info.fb_base || !d->info.fb_size))
        err = SOS_ERR_NOT_SUPPORTED;
    if (!err)
        err = check_user_out(out, sizeof(sos_handle_t));
    if (err)
        return err;
    struct vmo *v = vmo_new_physical(d->info.fb_base, d->info.fb_size, &err);
    if (!v)
        return err;
    err = give_handle(&v->obj, SOS_RIGHT_READ | SOS_RIGHT_WRITE | SOS_RIGHT_MAP |
                                   SOS_RIGHT_DUPLICATE | SOS_RIGHT_TRANSFER, out);
    return err;
}
