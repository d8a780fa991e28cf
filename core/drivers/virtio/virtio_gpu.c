/*
 * core/drivers/virtio/virtio_gpu.c - a virtio GPU (2D) as a core/hal.h display device.
 *
 * The framebuffer is guest memory: one contiguous DMA range for the largest mode
 * (1920x1200x4), attached as the backing of a host resource of the current mode
 * (B8G8R8X8, i.e. 0xAARRGGBB in little-endian memory) that scanout 0 shows. A PRESENT
 * becomes TRANSFER_TO_HOST_2D and RESOURCE_FLUSH for each damage rectangle (up to 28
 * rectangles; more are sent as their bounding box); a MODE becomes a new resource of
 * that size (RESOURCE_UNREF of the old one, CREATE_2D, ATTACH_BACKING, SET_SCANOUT).
 * Nothing is sent before the first request, so the firmware's framebuffer keeps the
 * boot console until the graphics service takes the display; the first request
 * creates the resource and sets the scanout first.
 *
 * One request at a time: its commands go on the control queue together (QEMU handles
 * them in order) and it completes when the last response is back (any error response
 * fails it with SOS_ERR_IO). Commands and responses live in one DMA area, a 512-byte
 * slot per descriptor head.
 *
 * Layer: core drivers.
 */
#include "drivers/virtio/virtio.h"

#include <sos/errors.h>

#include "fmt.h"
#include "lib/kstring.h"

#define CMD_RESOURCE_CREATE_2D 0x0101u
#define CMD_RESOURCE_UNREF 0x0102u
#define CMD_SET_SCANOUT 0x0103u
#define CMD_RESOURCE_FLUSH 0x0104u
#define CMD_TRANSFER_TO_HOST_2D 0x0105u
#define CMD_ATTACH_BACKING 0x0106u
#define RESP_OK_NODATA 0x1100u
#define FORMAT_B8G8R8X8 2u

#define MAX_W 1920u
#define MAX_H 1200u
#define FIRST_W 1024u
#define FIRST_H 768u
#define SLOT 512u
#define SLOTS 64u
#define MAX_RECTS 28u /* two commands of two descriptors each: 4 * 28 + setup < 128 */

struct gpu_hdr {
    uint32_t type, flags;
    uint64_t fence;
    uint32_t ctx, padding;
};

struct gpu_rect {
    uint32_t x, y, w, h;
};

struct vgpu {
    struct virtio_dev *dev;
    struct virtq q;
    uint8_t *slots;
    paddr_t slots_pa, fb_pa;
    uint32_t w, h, res;      /* the current mode and resource (0: none yet) */
    uint32_t new_w, new_h;   /* a MODE in flight */
    bool started;
    struct hal_dev_req *cur; /* the request in flight */
    unsigned pending;
    bool failed;
    struct hal_dev_req *done;
};

/* Queue one command of len bytes (copied into its slot) and room for its response. */
static int send(struct vgpu *g, const void *cmd, uint32_t len)
{
    uint16_t head = g->q.free_head;
    uint8_t *s = g->slots + (size_t)head * SLOT;
    memcpy(s, cmd, len);
    paddr_t pa = g->slots_pa + (paddr_t)head * SLOT;
    struct virtq_buf b[2] = {{pa, len, false}, {pa + SLOT / 2, sizeof(struct gpu_hdr), true}};
    int err = virtq_add(&g->q, b, 2, g);
    if (!err)
        g->pending++;
    return err;
}

static int create(struct vgpu *g, uint32_t w, uint32_t h)
{
    struct { struct gpu_hdr hdr; uint32_t id, format, w, h; } c = {{CMD_RESOURCE_CREATE_2D, 0, 0, 0, 0},
                                                                 g->res, FORMAT_B8G8R8X8, w, h};
    struct { struct gpu_hdr hdr; uint32_t id, n; uint64_t addr; uint32_t len, pad; } a =
        {{CMD_ATTACH_BACKING, 0, 0, 0, 0}, g->res, 1, g->fb_pa, w * h * 4, 0};
    struct { struct gpu_hdr hdr; struct gpu_rect r; uint32_t scanout, id; } s =
        {{CMD_SET_SCANOUT, 0, 0, 0, 0}, {0, 0, w, h}, 0, g->res};
    int err = send(g, &c, sizeof(c));
    if (!err)
        err = send(g, &a, sizeof(a));
    return err ? err : send(g, &s, sizeof(s));
}

static int unref(struct vgpu *g, uint32_t id)
{
    struct { struct gpu_hdr hdr; uint32_t id, pad; } u = {{CMD_RESOURCE_UNREF, 0, 0, 0, 0}, id, 0};
    return send(g, &u, sizeof(u));
}

static int update(struct vgpu *g, const struct gpu_rect *r)
{
    struct { struct gpu_hdr hdr; struct gpu_rect r; uint64_t offset; uint32_t id, pad; } t =
        {{CMD_TRANSFER_TO_HOST_2D, 0, 0, 0, 0}, *r, (uint64_t)r->y * g->w * 4 + r->x * 4, g->res, 0};
    struct { struct gpu_hdr hdr; struct gpu_rect r; uint32_t id, pad; } f =
        {{CMD_RESOURCE_FLUSH, 0, 0, 0, 0}, *r, g->res, 0};
    int err = send(g, &t, sizeof(t));
    return err ? err : send(g, &f, sizeof(f));
}

static int present(struct vgpu *g, const struct hal_dev_req *req)
{
    const struct gpu_rect *r = hal_phys_to_virt(req->buf);
    uint32_t n = (uint32_t)(req->len / sizeof(*r));
    if (n <= MAX_RECTS) {
        for (uint32_t i = 0; i < n; i++) {
            int err = update(g, &r[i]);
            if (err)
                return err;
        }
        return 0;
    }
    uint32_t x0 = r[0].x, y0 = r[0].y, x1 = r[0].x + r[0].w, y1 = r[0].y + r[0].h;
    for (uint32_t i = 1; i < n; i++) {
        x0 = r[i].x < x0 ? r[i].x : x0;
        y0 = r[i].y < y0 ? r[i].y : y0;
        x1 = r[i].x + r[i].w > x1 ? r[i].x + r[i].w : x1;
        y1 = r[i].y + r[i].h > y1 ? r[i].y + r[i].h : y1;
    }
    struct gpu_rect box = {x0, y0, x1 - x0, y1 - y0};
    return update(g, &box);
}

static int vgpu_submit(void *devp, struct hal_dev_req *req)
{
    struct vgpu *g = devp;
    if (req->op != HAL_DEVOP_PRESENT && req->op != HAL_DEVOP_MODE)
        return SOS_ERR_NOT_SUPPORTED;
    if (g->cur || g->done)
        return SOS_ERR_SHOULD_WAIT;
    g->pending = 0;
    g->failed = false;
    int err = 0;
    if (req->op == HAL_DEVOP_MODE) {
        g->new_w = (uint32_t)(req->offset >> 32);
        g->new_h = (uint32_t)req->offset;
        if (g->started)
            err = unref(g, g->res);
        g->res++;
        if (!err)
            err = create(g, g->new_w, g->new_h);
        g->started = true;
    } else {
        if (!g->started) { /* the first request takes the screen */
            g->res = 1;
            g->started = true;
            err = create(g, g->w, g->h);
        }
        if (!err)
            err = present(g, req);
    }
    g->cur = req;
    virtq_kick(&g->q);
    if (err) /* the queue filled up: what was queued completes, then the error */
        g->failed = true;
    return 0;
}

static struct hal_dev_req *vgpu_poll(void *devp)
{
    struct vgpu *g = devp;
    g->dev->t->irq_ack(g->dev);
    uint16_t head;
    while (g->cur && g->pending && virtq_get(&g->q, NULL, &head)) {
        const struct gpu_hdr *resp = (const void *)(g->slots + (size_t)head * SLOT + SLOT / 2);
        if (resp->type != RESP_OK_NODATA)
            g->failed = true;
        g->pending--;
    }
    if (!g->cur || g->pending)
        return NULL;
    struct hal_dev_req *r = g->cur;
    g->cur = NULL;
    r->status = g->failed ? SOS_ERR_IO : 0;
    r->actual = g->failed ? 0 : r->len;
    if (!g->failed && r->op == HAL_DEVOP_MODE) {
        g->w = g->new_w;
        g->h = g->new_h;
        virtio_input_set_extent(g->w, g->h); /* the tablet points into the new mode */
    }
    return r;
}

static void vgpu_info(void *devp, struct hal_dev_info *out)
{
    struct vgpu *g = devp;
    memset(out, 0, sizeof(*out));
    out->dev_class = HAL_DEV_DISPLAY;
    out->irq = g->dev->irq_line;
    k_snprintf(out->name, sizeof(out->name), "virtio-gpu %s", g->dev->name);
    out->width = g->w;
    out->height = g->h;
    out->pitch = g->w * 4;
    out->max_width = MAX_W;
    out->max_height = MAX_H;
    out->fb_base = g->fb_pa;
    out->fb_size = (uint64_t)MAX_W * MAX_H * 4;
}

static const struct hal_dev_ops g_vgpu_ops = {vgpu_submit, vgpu_poll, vgpu_info};

int virtio_gpu_probe(struct virtio_dev *d, const struct hal_dev_ops **ops, void **dev)
{
    uint64_t feat;
    int err = virtio_negotiate(d, 0, &feat);
    if (err)
        return err;
    size_t meta = (sizeof(struct vgpu) + HAL_PAGE_SIZE - 1) / HAL_PAGE_SIZE;
    size_t fb_pages = ((size_t)MAX_W * MAX_H * 4 + HAL_PAGE_SIZE - 1) / HAL_PAGE_SIZE;
    paddr_t pa = d->t->dma_alloc(d, meta + SLOTS * SLOT / HAL_PAGE_SIZE);
    paddr_t fb = d->t->dma_alloc(d, fb_pages);
    if (!pa || !fb)
        return SOS_ERR_NO_MEMORY;
    struct vgpu *g = hal_phys_to_virt(pa);
    g->dev = d;
    g->slots_pa = pa + meta * HAL_PAGE_SIZE;
    g->slots = hal_phys_to_virt(g->slots_pa);
    g->fb_pa = fb;
    g->w = FIRST_W;
    g->h = FIRST_H;
    err = virtq_init(&g->q, d, 0, SLOTS * 2 > VIRTQ_MAX_SIZE ? VIRTQ_MAX_SIZE : SLOTS * 2);
    if (err) {
        d->t->set_status(d, VIRTIO_STATUS_FAILED);
        return err;
    }
    d->t->set_status(d, d->t->get_status(d) | VIRTIO_STATUS_DRIVER_OK);
    *ops = &g_vgpu_ops;
    *dev = g;
    return 0;
}
