/*
 * desktop/toolkit/window.c - a scene on a surface (tk/window.h): the damage the scene
 * collects is drawn into the surface's buffer and presented as those rectangles only,
 * clipped to the surface.
 *
 * Layer: desktop/toolkit.
 */
#include <string.h>

#include <proto/desktop.h>
#include <tk/window.h>

static int32_t measure(void *ctx, const char *t) { return tk_text_width(ctx, t); }

struct tk_measure tk_measure_font(struct tk_font *f)
{
    return (struct tk_measure){measure, f->ascent - f->descent, f};
}

int tk_window_open(struct tk_window *w, struct sl_conn_to *c, int32_t x, int32_t y, int32_t wd,
                   int32_t ht, uint32_t z, const struct tk_theme *theme, struct tk_font *f)
{
    memset(&w->s, 0, sizeof(w->s));
    struct tk_measure m = tk_measure_font(f);
    tk_scene_init(&w->sc, wd, ht, &m, theme);
    w->font = f;
    w->x = x;
    w->y = y;
    w->z = z;
    w->flags = GFX_SURF_VISIBLE | GFX_SURF_OPAQUE;
    return gfx_surface_create(c, (uint32_t)wd, (uint32_t)ht, x, y, z, w->flags, &w->s);
}

static int32_t clampi(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : v > hi ? hi : v; }

int tk_window_show(struct tk_window *w)
{
    if (!w->s.ch)
        return SOS_ERR_BAD_STATE;
    struct tk_rect d[TK_DAMAGE_MAX];
    uint32_t n = tk_take_damage(&w->sc, d, TK_DAMAGE_MAX), r[4 * TK_DAMAGE_MAX], k = 0;
    struct tk_canvas c = {w->s.px, (int32_t)w->s.w, (int32_t)w->s.h, w->s.stride};
    for (uint32_t i = 0; i < n; i++) {
        int32_t x0 = clampi(d[i].x, 0, c.w), y0 = clampi(d[i].y, 0, c.h);
        int32_t x1 = clampi(d[i].x + d[i].w, 0, c.w), y1 = clampi(d[i].y + d[i].h, 0, c.h);
        if (x1 <= x0 || y1 <= y0)
            continue;
        struct tk_rect cr = {x0, y0, x1 - x0, y1 - y0};
        tk_draw(&w->sc, &c, w->font, &cr);
        uint32_t v[4] = {(uint32_t)x0, (uint32_t)y0, (uint32_t)(x1 - x0), (uint32_t)(y1 - y0)};
        memcpy(&r[4 * k++], v, sizeof(v));
    }
    return k ? gfx_surface_present(&w->s, r, k) : 0;
}

int tk_window_resize(struct tk_window *w, int32_t wd, int32_t ht)
{
    if (wd <= 0 || ht <= 0)
        return SOS_ERR_INVALID_ARGS;
    int err = gfx_surface_resize(&w->s, (uint32_t)wd, (uint32_t)ht);
    if (err)
        return err;
    w->sc.n[0].w = wd; /* the root takes the new size; the layout follows */
    w->sc.n[0].h = ht;
    tk_layout(&w->sc);
    w->sc.damage_all = true; /* the new buffer is blank: all of it is drawn and presented */
    return tk_window_show(w);
}

int tk_window_place(struct tk_window *w, int32_t x, int32_t y, uint32_t z, uint32_t flags)
{
    int err = gfx_surface_configure(&w->s, x, y, z, 255, flags);
    if (!err) {
        w->x = x;
        w->y = y;
        w->z = z;
        w->flags = flags;
    }
    return err;
}

const void *tk_map_resource(const char *name, uint64_t *size)
{
    sos_handle_t v = sos_startup_handle(name);
    if (!v || sos_vmo_get_size(v, size))
        return NULL;
    struct sos_vm_map m = {.process = sos_self_process(), .vmo = v, .len = *size, .prot = SOS_VM_READ};
    return sos_vm_map(&m) ? NULL : (void *)(uintptr_t)m.addr;
}

bool tk_window_event(struct tk_window *w, struct sos_input_event *e)
{
    uint8_t buf[128];
    for (;;) {
        struct sos_chan_read rd = {.bytes = buf, .bytes_cap = sizeof(buf)};
        if (sos_channel_read(w->s.ch, &rd))
            return false;
        struct sos_msg_hdr h;
        if (rd.actual_bytes != sizeof(h) + sizeof(*e))
            continue; /* not an event: nothing else comes on this channel */
        memcpy(&h, buf, sizeof(h));
        if (h.ordinal == GFX_SURF_EVENT) {
            memcpy(e, buf + sizeof(h), sizeof(*e));
            return true;
        }
    }
}

void tk_window_close(struct tk_window *w)
{
    if (w->s.ch)
        gfx_surface_destroy(&w->s);
    memset(&w->s, 0, sizeof(w->s));
}
