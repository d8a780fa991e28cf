/*
 * services/graphics/graphics.c - the graphics service: the compositor that owns the
 * display (proto/graphics.h).
 *
 * At start it opens its display device (the startup handle "display0", granted only to
 * this service by its manifest), maps the device's framebuffer as its back buffer and
 * takes the display over from the text console with a first full frame. Without a
 * display (a headless simulator, a machine without one) it composes into a virtual
 * output in memory, so clients and screenshots still work. Each present is composed
 * (compose.c: only the visible damaged parts) and exactly the changed rectangles go to
 * the device, whose PRESENT returns after the frame was shown: presenters are paced
 * by the display.
 *
 * Layer: services/graphics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proto/graphics.h>

#include "graphics.h"
#include "png.h"

#define VIRTUAL_W 1024u
#define VIRTUAL_H 768u
#define BACKGROUND 0xff203040u

struct gfx g_gfx;

int gfx_fail(struct sl_request *r, int err, const char *why)
{
    sl_msg_put_str(r->reply, why);
    return err;
}

void gfx_show(const struct rect *r, uint32_t n)
{
    struct sos_display_rect out[64];
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        struct rect s;
        compose_damage(&g_gfx.sc, &r[i], &s);
        if (!rect_empty(&s))
            out[k++] = (struct sos_display_rect){(uint32_t)s.x, (uint32_t)s.y, (uint32_t)s.w,
                                                 (uint32_t)s.h};
        if (g_gfx.dev && k && (k == 64 || i == n - 1)) {
            sos_vmo_write(g_gfx.rects, out, 0, k * sizeof(out[0]));
            struct sos_device_io io = {SOS_DEVICE_OP_PRESENT, g_gfx.rects, 0, 0, k * sizeof(out[0])};
            int64_t err = sos_device_io(g_gfx.dev, &io);
            if (err < 0)
                printf("graphics: present to the display failed: %s\n", sos_strerror((int)err));
            k = 0;
        }
    }
}

static void show_all(void)
{
    struct rect all = {0, 0, (int32_t)g_gfx.sc.width, (int32_t)g_gfx.sc.height};
    gfx_show(&all, 1);
}

/* The display device's mode and framebuffer into the scene. */
static int use_device(sos_handle_t dev)
{
    struct sos_info_device in;
    sos_handle_t fb;
    int err = (int)sos_object_get_info(dev, SOS_INFO_DEVICE, &in, sizeof(in));
    if (err >= 0 && in.dev_class != SOS_DEV_DISPLAY)
        err = SOS_ERR_WRONG_TYPE;
    if (err < 0 || (err = (int)sos_device_buffer(dev, &fb)))
        return err;
    struct sos_vm_map m = {.process = sos_self_process(), .vmo = fb, .len = in.fb_size,
                           .prot = SOS_VM_READ | SOS_VM_WRITE};
    err = (int)sos_vm_map(&m);
    sos_handle_close(fb);
    if (err)
        return err;
    g_gfx.dev = dev;
    g_gfx.sc.fb = (uint32_t *)(uintptr_t)m.addr;
    g_gfx.sc.width = in.width;
    g_gfx.sc.height = in.height;
    g_gfx.sc.pitch = in.pitch;
    g_gfx.max_w = in.max_width;
    g_gfx.max_h = in.max_height;
    snprintf(g_gfx.out_name, sizeof(g_gfx.out_name), "%s", in.name);
    return 0;
}

static int open_output(void)
{
    sos_handle_t dev = sos_startup_handle("display0");
    g_gfx.sc.background = BACKGROUND;
    int err = dev ? use_device(dev) : SOS_ERR_NOT_FOUND;
    if (!err)
        return sos_vmo_create(4096, 0, &g_gfx.rects) < 0 ? SOS_ERR_NO_MEMORY : 0;
    printf("graphics: no display (%s): composing into a virtual output\n", sos_strerror(err));
    g_gfx.sc.fb = malloc((size_t)VIRTUAL_W * VIRTUAL_H * 4);
    if (!g_gfx.sc.fb)
        return SOS_ERR_NO_MEMORY;
    g_gfx.sc.width = g_gfx.max_w = VIRTUAL_W;
    g_gfx.sc.height = g_gfx.max_h = VIRTUAL_H;
    g_gfx.sc.pitch = VIRTUAL_W * 4;
    snprintf(g_gfx.out_name, sizeof(g_gfx.out_name), "virtual");
    return 0;
}

static bool allowed(struct sl_request *r, sos_rights_t need)
{
    const struct sl_peer *p = surf_conn_of(r) ? NULL : r->client;
    return p && (p->rights & need) == need;
}

static int do_outputs(struct sl_request *r)
{
    if (!allowed(r, SOS_RIGHT_READ))
        return gfx_fail(r, SOS_ERR_ACCESS_DENIED, "listing outputs needs the read right");
    sl_msg_put_u32(r->reply, 1);
    sl_msg_put_str(r->reply, g_gfx.out_name);
    sl_msg_put_u32(r->reply, g_gfx.sc.width);
    sl_msg_put_u32(r->reply, g_gfx.sc.height);
    sl_msg_put_u32(r->reply, g_gfx.max_w);
    sl_msg_put_u32(r->reply, g_gfx.max_h);
    sl_msg_put_u32(r->reply, g_gfx.dev ? GFX_OUTPUT_DEVICE : 0);
    return 0;
}

static int do_surfaces(struct sl_request *r)
{
    if (!allowed(r, SOS_RIGHT_READ))
        return gfx_fail(r, SOS_ERR_ACCESS_DENIED, "listing surfaces needs the read right");
    sl_msg_put_u32(r->reply, g_gfx.sc.n);
    for (uint32_t i = 0; i < SCENE_MAX; i++) {
        const struct surface *s = &g_gfx.surf[i];
        if (!s->used)
            continue;
        uint32_t v[] = {(uint32_t)s->px.geo.x, (uint32_t)s->px.geo.y, s->cur.w, s->cur.h,
                        s->px.z, s->px.alpha, s->flags, s->cur.serial};
        sl_msg_put_u32(r->reply, s->id);
        sl_msg_put_str(r->reply, s->owner);
        for (uint32_t k = 0; k < sizeof(v) / sizeof(v[0]); k++)
            sl_msg_put_u32(r->reply, v[k]);
        sl_msg_put_u64(r->reply, s->presents);
    }
    return 0;
}

static int do_create(struct sl_request *r)
{
    if (!allowed(r, SOS_RIGHT_WRITE))
        return gfx_fail(r, SOS_ERR_ACCESS_DENIED, "creating a surface needs the write right");
    return surf_create(r);
}

static int do_screenshot(struct sl_request *r)
{
    if (!allowed(r, SOS_RIGHT_READ))
        return gfx_fail(r, SOS_ERR_ACCESS_DENIED, "a screenshot needs the read right");
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint32_t id = sl_parse_u32(&p);
    if (sl_parse_end(&p))
        return gfx_fail(r, SOS_ERR_INVALID_ARGS, "GFX_SCREENSHOT is (surface id, 0 for the screen)");
    const uint32_t *px = g_gfx.sc.fb;
    uint32_t w = g_gfx.sc.width, h = g_gfx.sc.height, stride = g_gfx.sc.pitch;
    if (id) {
        const struct surface *s = surf_find(id);
        if (!s)
            return gfx_fail(r, SOS_ERR_NOT_FOUND, "no surface with that id");
        px = s->px.px;
        w = s->cur.w;
        h = s->cur.h;
        stride = s->cur.stride;
    }
    unsigned char *png;
    size_t bytes;
    sos_handle_t vmo = 0;
    int err = png_encode(px, w, h, stride, &png, &bytes);
    if (err)
        return gfx_fail(r, err, "cannot encode the PNG");
    if (!(err = (int)sos_vmo_create(bytes, 0, &vmo)))
        err = (int)sos_vmo_write(vmo, png, 0, bytes);
    free(png);
    if (err) {
        if (vmo)
            sos_handle_close(vmo);
        return gfx_fail(r, err, "no memory for the PNG");
    }
    sl_msg_put_u32(r->reply, w);
    sl_msg_put_u32(r->reply, h);
    sl_msg_put_u64(r->reply, bytes);
    sl_msg_put_handle(r->reply, vmo);
    return 0;
}

static int do_mode(struct sl_request *r)
{
    if (!allowed(r, SOS_RIGHT_MANAGE))
        return gfx_fail(r, SOS_ERR_ACCESS_DENIED, "changing the mode needs the manage right");
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint32_t w = sl_parse_u32(&p), h = sl_parse_u32(&p);
    if (sl_parse_end(&p))
        return gfx_fail(r, SOS_ERR_INVALID_ARGS, "GFX_MODE is (width, height)");
    if (w < 64 || h < 64 || w > g_gfx.max_w || h > g_gfx.max_h)
        return gfx_fail(r, SOS_ERR_OUT_OF_RANGE, "the mode is 64x64 up to the output's largest");
    if (g_gfx.dev) {
        struct sos_device_io io = {SOS_DEVICE_OP_MODE, 0, (uint64_t)w << 32 | h, 0, 0};
        int err = (int)sos_device_io(g_gfx.dev, &io);
        if (err)
            return gfx_fail(r, err, "the display refused the mode");
    }
    g_gfx.sc.width = w;
    g_gfx.sc.height = h;
    g_gfx.sc.pitch = g_gfx.dev ? w * 4 : VIRTUAL_W * 4;
    show_all();
    return 0;
}

static sl_close_fn g_lib_close; /* services/lib's: frees the client records */

static void on_close(struct sl_server *s, sos_handle_t ch, void *client)
{
    surf_closed(client);
    if (g_lib_close)
        g_lib_close(s, ch, client);
}

static const struct sl_op g_ops[] = {
    {GFX_OUTPUTS, sizeof(struct sos_msg_hdr), do_outputs},
    {GFX_SURFACES, sizeof(struct sos_msg_hdr), do_surfaces},
    {GFX_CREATE, sizeof(struct sos_msg_hdr), do_create},
    {GFX_SCREENSHOT, sizeof(struct sos_msg_hdr), do_screenshot},
    {GFX_MODE, sizeof(struct sos_msg_hdr), do_mode},
    {GFX_WM_HIT, sizeof(struct sos_msg_hdr), wm_op},
    {GFX_WM_DELIVER, sizeof(struct sos_msg_hdr), wm_op},
    {GFX_WM_CURSOR, sizeof(struct sos_msg_hdr), wm_op},
    {GFX_WM_RAISE, sizeof(struct sos_msg_hdr), wm_op},
    {GFX_WM_CONFIGURE, sizeof(struct sos_msg_hdr), wm_op},
    {GFX_SURF_PRESENT, sizeof(struct sos_msg_hdr), surf_op},
    {GFX_SURF_CONFIGURE, sizeof(struct sos_msg_hdr), surf_op},
    {GFX_SURF_RESIZE, sizeof(struct sos_msg_hdr), surf_op},
    {GFX_SURF_SHARE, sizeof(struct sos_msg_hdr), surf_op},
    {GFX_SURF_INFO, sizeof(struct sos_msg_hdr), surf_op},
};

int main(void)
{
    int err = open_output();
    wm_init();
    if (err) {
        printf("graphics: cannot start: %s\n", sos_strerror(err));
        return 1;
    }
    err = sl_service_init(&g_gfx.srv, g_ops, sizeof(g_ops) / sizeof(g_ops[0]), &g_gfx);
    if (err) {
        printf("graphics: cannot serve: %s\n", sos_strerror(err));
        return 1;
    }
    g_lib_close = g_gfx.srv.on_close;
    g_gfx.srv.on_close = on_close;
    err = sl_service_ready();
    if (err)
        printf("graphics: the root manager did not take our ready: %s\n", sos_strerror(err));
    show_all(); /* the display is ours from here: the text console is gone */
    sos_handle_t session; /* asking for the session service starts it: input follows us */
    if (!sl_service_lookup("session", &session, sos_deadline_after(5000000000ll)))
        sos_handle_close(session);
    return sl_server_run(&g_gfx.srv);
}
