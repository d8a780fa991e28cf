/*
 * services/clients/graphics.c - the graphics service's client library
 * (client/graphics.h): requests built and replies decoded per proto/graphics.h.
 *
 * Layer: services (graphics client).
 */
#include <client/graphics.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char g_why[128];

const char *gfx_why(void) { return g_why; }

/* Keep the service's sentence from a failed reply (its payload is that string). */
static int note(int err, const struct sl_msg *rep)
{
    g_why[0] = 0;
    if (err && rep->len > sizeof(struct sos_msg_hdr)) {
        struct sl_parse p;
        sl_parse_begin(&p, rep->bytes, rep->len, NULL, 0, NULL);
        const char *s = sl_parse_str(&p, NULL);
        if (s && !sl_parse_end(&p))
            snprintf(g_why, sizeof(g_why), "%s", s);
    }
    return err;
}

struct call {
    uint8_t req[64 + GFX_DAMAGE_MAX * 16];
    uint8_t *rep;
    sos_handle_t rh[4];
    struct sl_msg q, r;
    struct sl_parse p;
};

static int begin(struct call *k, uint32_t ordinal)
{
    k->rep = malloc(SOS_CHANNEL_MAX_BYTES);
    if (!k->rep)
        return SOS_ERR_NO_MEMORY;
    sl_msg_begin(&k->q, k->req, sizeof(k->req), NULL, 0, ordinal);
    sl_msg_begin(&k->r, k->rep, SOS_CHANNEL_MAX_BYTES, k->rh, 4, ordinal);
    return 0;
}

/*
 * Call on a service connection (c) or a surface channel (ch) with a deadline `ns` from
 * now; start parsing the reply.
 */
static int finish_in(struct call *k, struct sl_conn_to *c, sos_handle_t ch, sos_time_t ns)
{
    sos_time_t dl = sos_deadline_after(ns);
    int err = c ? sl_conn_to_call(c, &k->q, &k->r, dl) : sl_call(ch, &k->q, &k->r, dl);
    note(err, &k->r);
    if (!err)
        err = sl_parse_begin(&k->p, k->r.bytes, k->r.len, k->r.handles, k->r.nhandles, NULL);
    return err;
}

static int finish(struct call *k, struct sl_conn_to *c, sos_handle_t ch)
{
    return finish_in(k, c, ch, GFX_TIMEOUT_NS);
}

static int end(struct call *k, int err)
{
    if (!err && sl_parse_end(&k->p))
        err = SOS_ERR_BAD_FORMAT;
    free(k->rep);
    return err;
}

static void str(struct sl_parse *p, char *dst, size_t size)
{
    const char *s = sl_parse_str(p, NULL);
    snprintf(dst, size, "%s", s ? s : "");
}

int gfx_outputs(struct sl_conn_to *c, struct gfx_output *out, uint32_t cap, uint32_t *n)
{
    struct call k;
    int err = begin(&k, GFX_OUTPUTS);
    if (err || (err = finish(&k, c, 0)))
        return end(&k, err);
    uint32_t count = sl_parse_u32(&k.p);
    for (*n = 0; *n < count && *n < cap && !k.p.bad; (*n)++) {
        struct gfx_output *o = &out[*n];
        str(&k.p, o->name, sizeof(o->name));
        o->width = sl_parse_u32(&k.p);
        o->height = sl_parse_u32(&k.p);
        o->max_width = sl_parse_u32(&k.p);
        o->max_height = sl_parse_u32(&k.p);
        o->flags = sl_parse_u32(&k.p);
    }
    return end(&k, 0);
}

int gfx_surfaces(struct sl_conn_to *c, struct gfx_surface_info *out, uint32_t cap, uint32_t *n)
{
    struct call k;
    int err = begin(&k, GFX_SURFACES);
    if (err || (err = finish(&k, c, 0)))
        return end(&k, err);
    uint32_t count = sl_parse_u32(&k.p);
    for (*n = 0; *n < count && *n < cap && !k.p.bad; (*n)++) {
        struct gfx_surface_info *s = &out[*n];
        s->id = sl_parse_u32(&k.p);
        str(&k.p, s->owner, sizeof(s->owner));
        s->x = (int32_t)sl_parse_u32(&k.p);
        s->y = (int32_t)sl_parse_u32(&k.p);
        s->w = sl_parse_u32(&k.p);
        s->h = sl_parse_u32(&k.p);
        s->z = sl_parse_u32(&k.p);
        s->alpha = sl_parse_u32(&k.p);
        s->flags = sl_parse_u32(&k.p);
        s->serial = sl_parse_u32(&k.p);
        s->presents = sl_parse_u64(&k.p);
    }
    return end(&k, 0);
}

int gfx_screenshot(struct sl_conn_to *c, uint32_t id, sos_handle_t *vmo, uint64_t *bytes)
{
    struct call k;
    int err = begin(&k, GFX_SCREENSHOT);
    if (err)
        return end(&k, err);
    sl_msg_put_u32(&k.q, id);
    if ((err = finish_in(&k, c, 0, GFX_SCREENSHOT_TIMEOUT_NS)))
        return end(&k, err);
    sl_parse_u32(&k.p);
    sl_parse_u32(&k.p);
    *bytes = sl_parse_u64(&k.p);
    *vmo = sl_parse_handle(&k.p);
    return end(&k, 0);
}

int gfx_mode(struct sl_conn_to *c, uint32_t w, uint32_t h)
{
    struct call k;
    int err = begin(&k, GFX_MODE);
    if (err)
        return end(&k, err);
    sl_msg_put_u32(&k.q, w);
    sl_msg_put_u32(&k.q, h);
    return end(&k, finish(&k, c, 0));
}

/* Map vmo read-write as the surface's buffer (replacing the old mapping). */
static int map(struct gfx_surface *s, sos_handle_t vmo, uint32_t w, uint32_t h, uint32_t stride)
{
    uint64_t len = ((uint64_t)stride * h + 4095) & ~4095ull;
    struct sos_vm_map m = {.process = sos_self_process(), .vmo = vmo, .len = len,
                           .prot = SOS_VM_READ | SOS_VM_WRITE};
    int err = (int)sos_vm_map(&m);
    sos_handle_close(vmo); /* the mapping keeps it */
    if (err)
        return err;
    if (s->px)
        sos_vm_unmap(sos_self_process(), (uint64_t)(uintptr_t)s->px, s->map_len);
    s->px = (uint32_t *)(uintptr_t)m.addr;
    s->map_len = len;
    s->w = w;
    s->h = h;
    s->stride = stride;
    return 0;
}

int gfx_surface_create(struct sl_conn_to *c, uint32_t w, uint32_t h, int32_t x, int32_t y,
                       uint32_t z, uint32_t flags, struct gfx_surface *s)
{
    memset(s, 0, sizeof(*s));
    struct call k;
    int err = begin(&k, GFX_CREATE);
    if (err)
        return end(&k, err);
    uint32_t v[] = {w, h, (uint32_t)x, (uint32_t)y, z, flags};
    for (int i = 0; i < 6; i++)
        sl_msg_put_u32(&k.q, v[i]);
    if ((err = finish(&k, c, 0)))
        return end(&k, err);
    s->id = sl_parse_u32(&k.p);
    uint32_t stride = sl_parse_u32(&k.p);
    s->serial = sl_parse_u32(&k.p);
    s->ch = sl_parse_handle(&k.p);
    sos_handle_t vmo = sl_parse_handle(&k.p);
    err = end(&k, 0);
    if (!err)
        err = map(s, vmo, w, h, stride);
    if (err)
        gfx_surface_destroy(s);
    return err;
}

int gfx_surface_present(struct gfx_surface *s, const uint32_t *rects, uint32_t n)
{
    struct call k;
    int err = begin(&k, GFX_SURF_PRESENT);
    if (err)
        return end(&k, err);
    sl_msg_put_u32(&k.q, s->serial);
    sl_msg_put_u32(&k.q, n);
    sl_msg_put(&k.q, rects, n > GFX_DAMAGE_MAX ? 0 : n * 16);
    return end(&k, finish(&k, NULL, s->ch));
}

int gfx_surface_present_all(struct gfx_surface *s)
{
    uint32_t r[4] = {0, 0, s->w, s->h};
    return gfx_surface_present(s, r, 1);
}

int gfx_surface_configure(struct gfx_surface *s, int32_t x, int32_t y, uint32_t z,
                          uint32_t alpha, uint32_t flags)
{
    struct call k;
    int err = begin(&k, GFX_SURF_CONFIGURE);
    if (err)
        return end(&k, err);
    uint32_t v[] = {(uint32_t)x, (uint32_t)y, z, alpha, flags};
    for (int i = 0; i < 5; i++)
        sl_msg_put_u32(&k.q, v[i]);
    return end(&k, finish(&k, NULL, s->ch));
}

int gfx_surface_resize(struct gfx_surface *s, uint32_t w, uint32_t h)
{
    struct call k;
    int err = begin(&k, GFX_SURF_RESIZE);
    if (err)
        return end(&k, err);
    sl_msg_put_u32(&k.q, w);
    sl_msg_put_u32(&k.q, h);
    if ((err = finish(&k, NULL, s->ch)))
        return end(&k, err);
    uint32_t serial = sl_parse_u32(&k.p), stride = sl_parse_u32(&k.p);
    sos_handle_t vmo = sl_parse_handle(&k.p);
    if ((err = end(&k, 0)))
        return err;
    s->serial = serial;
    return map(s, vmo, w, h, stride);
}

int gfx_surface_share(struct gfx_surface *s, uint32_t rights, sos_handle_t *out)
{
    struct call k;
    int err = begin(&k, GFX_SURF_SHARE);
    if (err)
        return end(&k, err);
    sl_msg_put_u32(&k.q, rights);
    if ((err = finish(&k, NULL, s->ch)))
        return end(&k, err);
    *out = sl_parse_handle(&k.p);
    return end(&k, 0);
}

void gfx_surface_destroy(struct gfx_surface *s)
{
    if (s->px)
        sos_vm_unmap(sos_self_process(), (uint64_t)(uintptr_t)s->px, s->map_len);
    if (s->ch)
        sos_handle_close(s->ch);
    memset(s, 0, sizeof(*s));
}
