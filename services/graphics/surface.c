/*
 * services/graphics/surface.c - surfaces and their channels.
 *
 * A surface is a buffer (a VMO the client draws into and the compositor maps read-only)
 * plus its place in the scene. Each channel to it carries its own rights (draw,
 * present, configure); GFX_SURF_SHARE makes another channel with fewer. The surface
 * lives while any of its channels is open and first shows at its first present.
 * Resizing makes a second buffer with the next serial; the first stays on screen until
 * the client presents the new serial, so a half-drawn frame is never shown.
 *
 * Layer: services/graphics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proto/graphics.h>

#include "check.h"
#include "graphics.h"

#define PAGE 4096ull

static void unmap_buffer(struct buffer *b)
{
    if (b->addr)
        sos_vm_unmap(sos_self_process(), b->addr, b->len);
    if (b->vmo)
        sos_handle_close(b->vmo);
    memset(b, 0, sizeof(*b));
}

/* A buffer of w x h: the client's own VMO `own` (checked), or a new one whose writable
 * handle goes to *client. Mapped read-only here, which also pins its size. */
static int new_buffer(uint32_t w, uint32_t h, sos_handle_t own, struct buffer *b,
                      sos_handle_t *client, const char **why)
{
    uint32_t stride;
    uint64_t bytes;
    int err = check_size(w, h, &stride, &bytes, why);
    if (err)
        return err;
    *b = (struct buffer){.w = w, .h = h, .stride = stride, .len = (bytes + PAGE - 1) & ~(PAGE - 1)};
    *client = 0;
    if (own) {
        uint64_t size = 0;
        err = (int)sos_vmo_get_size(own, &size);
        if (err) {
            *why = "the buffer given is not a memory object";
            return err;
        }
        if ((err = check_buffer(size, bytes, why)))
            return err;
        b->vmo = own;
    } else {
        if ((err = (int)sos_vmo_create(b->len, 0, &b->vmo)) ||
            (err = (int)sos_handle_duplicate(b->vmo, SOS_RIGHT_READ | SOS_RIGHT_WRITE | SOS_RIGHT_MAP |
                                                         SOS_RIGHT_TRANSFER, client))) {
            *why = "no memory for the surface's buffer";
            unmap_buffer(b);
            return err;
        }
    }
    struct sos_vm_map m = {.process = sos_self_process(), .vmo = b->vmo, .len = b->len,
                           .prot = SOS_VM_READ};
    if ((err = (int)sos_vm_map(&m))) {
        *why = "the buffer cannot be mapped (it needs the read and map rights)";
        if (*client)
            sos_handle_close(*client);
        *client = 0;
        if (own)
            b->vmo = 0; /* the loop closes the client's handle */
        unmap_buffer(b);
        return err;
    }
    b->addr = m.addr;
    return 0;
}

struct surface *surf_find(uint32_t id)
{
    for (uint32_t i = 0; i < SCENE_MAX; i++)
        if (g_gfx.surf[i].used && g_gfx.surf[i].id == id)
            return &g_gfx.surf[i];
    return NULL;
}

void surf_restack(void)
{
    g_gfx.sc.n = 0;
    for (uint32_t i = 0; i < SCENE_MAX; i++)
        if (g_gfx.surf[i].used)
            g_gfx.sc.s[g_gfx.sc.n++] = &g_gfx.surf[i].px;
    scene_sort(&g_gfx.sc);
}

/* A new channel to s with `rights`; our end joins the loop, *out is the client's. */
static int add_conn(struct surface *s, uint32_t rights, sos_handle_t *out)
{
    if (g_gfx.nconns == GFX_CONN_MAX)
        return SOS_ERR_NO_RESOURCES;
    struct surf_conn *c = malloc(sizeof(*c));
    sos_handle_t ends[2];
    if (!c || sos_channel_create(0, ends)) {
        free(c);
        return SOS_ERR_NO_MEMORY;
    }
    *c = (struct surf_conn){s, rights, ends[0]};
    int err = sl_server_add_channel(&g_gfx.srv, ends[0], c);
    if (err) {
        sos_handle_close(ends[0]);
        sos_handle_close(ends[1]);
        free(c);
        return err;
    }
    g_gfx.conns[g_gfx.nconns++] = c;
    s->nconns++;
    *out = ends[1];
    return 0;
}

struct surf_conn *surf_conn_of(const struct sl_request *r)
{
    for (uint32_t i = 0; i < g_gfx.nconns; i++)
        if (g_gfx.conns[i] == r->client)
            return g_gfx.conns[i];
    return NULL;
}

static void damage_surface(const struct surface *s)
{
    if (s->px.visible)
        gfx_show(&s->px.geo, 1);
}

static void destroy(struct surface *s)
{
    bool shown = s->px.visible;
    struct rect geo = s->px.geo;
    unmap_buffer(&s->cur);
    unmap_buffer(&s->next);
    memset(s, 0, sizeof(*s));
    surf_restack();
    if (shown)
        gfx_show(&geo, 1);
}

void surf_closed(void *client)
{
    for (uint32_t i = 0; i < g_gfx.nconns; i++) {
        if (g_gfx.conns[i] != client)
            continue;
        struct surface *s = g_gfx.conns[i]->s;
        if (s->input == g_gfx.conns[i])
            s->input = NULL;
        g_gfx.conns[i] = g_gfx.conns[--g_gfx.nconns];
        if (--s->nconns == 0)
            destroy(s);
        return;
    }
}

static struct surface *alloc_surface(void)
{
    for (uint32_t i = 0; i < SCENE_MAX; i++)
        if (!g_gfx.surf[i].used) {
            memset(&g_gfx.surf[i], 0, sizeof(g_gfx.surf[i]));
            return &g_gfx.surf[i];
        }
    return NULL;
}

static void set_px(struct surface *s, int32_t x, int32_t y, uint32_t z, uint32_t alpha, uint32_t flags)
{
    s->px.geo = (struct rect){x, y, (int32_t)s->cur.w, (int32_t)s->cur.h};
    s->px.px = (const uint32_t *)(uintptr_t)s->cur.addr;
    s->px.stride = s->cur.stride;
    s->px.z = z;
    s->px.alpha = (uint8_t)alpha;
    s->px.opaque = flags & GFX_SURF_OPAQUE;
    s->flags = flags;
    s->px.visible = (flags & GFX_SURF_VISIBLE) && s->presents;
}

/* GFX_CREATE (u32 w, u32 h, i32 x, i32 y, u32 z, u32 flags) [+ vmo] */
int surf_create(struct sl_request *r)
{
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, r->handles, r->nhandles, NULL);
    uint32_t w = sl_parse_u32(&p), h = sl_parse_u32(&p);
    int32_t x = (int32_t)sl_parse_u32(&p), y = (int32_t)sl_parse_u32(&p);
    uint32_t z = sl_parse_u32(&p), flags = sl_parse_u32(&p);
    if (sl_parse_end(&p))
        return gfx_fail(r, SOS_ERR_INVALID_ARGS, "GFX_CREATE is (w, h, x, y, z, flags)");
    const char *why = "";
    int err = check_config(x, y, 255, flags, &why);
    if (err)
        return gfx_fail(r, err, why);
    struct surface *s = alloc_surface();
    if (!s)
        return gfx_fail(r, SOS_ERR_NO_RESOURCES, "too many surfaces (64)");
    sos_handle_t own = r->nhandles ? r->handles[0] : 0, client_vmo, ch;
    if ((err = new_buffer(w, h, own, &s->cur, &client_vmo, &why)))
        return gfx_fail(r, err, why);
    if (own)
        r->handles[0] = 0; /* kept: the buffer holds it */
    s->cur.serial = 1;
    if ((err = add_conn(s, GFX_SURF_RIGHTS_ALL, &ch))) {
        unmap_buffer(&s->cur);
        if (client_vmo)
            sos_handle_close(client_vmo);
        return gfx_fail(r, err, "cannot make the surface's channel");
    }
    s->used = true;
    s->input = g_gfx.conns[g_gfx.nconns - 1];
    s->id = ++g_gfx.next_id;
    s->px.order = ++g_gfx.order;
    struct sl_peer *peer = r->client;
    snprintf(s->owner, sizeof(s->owner), "%s", peer ? peer->name : "?");
    set_px(s, x, y, z, 255, flags);
    surf_restack();
    sl_msg_put_u32(r->reply, s->id);
    sl_msg_put_u32(r->reply, s->cur.stride);
    sl_msg_put_u32(r->reply, s->cur.serial);
    sl_msg_put_handle(r->reply, ch);
    if (client_vmo)
        sl_msg_put_handle(r->reply, client_vmo);
    return 0;
}

/* The resized buffer becomes the current one (its first present). */
static void swap_buffers(struct surface *s)
{
    struct rect old = s->px.geo;
    bool was = s->px.visible;
    unmap_buffer(&s->cur);
    s->cur = s->next;
    memset(&s->next, 0, sizeof(s->next));
    set_px(s, old.x, old.y, s->px.z, s->px.alpha, s->flags);
    if (was)
        gfx_show(&old, 1);
}

static int do_present(struct sl_request *r, struct surf_conn *c)
{
    struct surface *s = c->s;
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint32_t serial = sl_parse_u32(&p), n = sl_parse_u32(&p);
    const uint32_t *raw = n <= GFX_DAMAGE_MAX ? sl_parse_bytes(&p, n * 16) : NULL;
    if (n > GFX_DAMAGE_MAX || sl_parse_end(&p) || !raw)
        return gfx_fail(r, SOS_ERR_INVALID_ARGS, "GFX_SURF_PRESENT is (serial, n, n x (x, y, w, h)) with n 1..64");
    struct rect d[GFX_DAMAGE_MAX];
    uint32_t al[GFX_DAMAGE_MAX * 4];
    memcpy(al, raw, n * 16); /* the message's bytes need not be aligned */
    if (s->next.vmo && serial == s->next.serial) {
        const char *why;
        int err = check_damage(s->next.w, s->next.h, al, n, d, &why);
        if (err)
            return gfx_fail(r, err, why);
        s->presents++;
        swap_buffers(s);
        damage_surface(s); /* a new buffer: all of it */
        return 0;
    }
    if (serial != s->cur.serial)
        return gfx_fail(r, SOS_ERR_BAD_STATE, "that buffer serial is not the surface's newest");
    const char *why;
    int err = check_damage(s->cur.w, s->cur.h, al, n, d, &why);
    if (err)
        return gfx_fail(r, err, why);
    if (!s->presents++) { /* its first frame: all of it appears */
        set_px(s, s->px.geo.x, s->px.geo.y, s->px.z, s->px.alpha, s->flags);
        damage_surface(s);
        return 0;
    }
    for (uint32_t i = 0; i < n; i++) {
        d[i].x += s->px.geo.x;
        d[i].y += s->px.geo.y;
    }
    if (s->px.visible)
        gfx_show(d, n);
    return 0;
}

/* GFX_SURF_CONFIGURE (i32 x, i32 y, u32 z, u32 alpha, u32 flags) */
static int do_configure(struct sl_request *r, struct surf_conn *c)
{
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    int32_t x = (int32_t)sl_parse_u32(&p), y = (int32_t)sl_parse_u32(&p);
    uint32_t z = sl_parse_u32(&p), alpha = sl_parse_u32(&p), flags = sl_parse_u32(&p);
    if (sl_parse_end(&p))
        return gfx_fail(r, SOS_ERR_INVALID_ARGS, "GFX_SURF_CONFIGURE is (x, y, z, alpha, flags)");
    return surf_configure(r, c->s, x, y, z, alpha, flags);
}

/* Place, stack and show a surface (its own GFX_SURF_CONFIGURE or the window
 * manager's GFX_WM_CONFIGURE), after checking the values. */
int surf_configure(struct sl_request *r, struct surface *s, int32_t x, int32_t y, uint32_t z,
                   uint32_t alpha, uint32_t flags)
{
    const char *why;
    int err = check_config(x, y, alpha, flags, &why);
    if (err)
        return gfx_fail(r, err, why);
    struct rect old = s->px.geo;
    bool was = s->px.visible;
    set_px(s, x, y, z, alpha, flags);
    surf_restack();
    struct rect d[2] = {old, s->px.geo};
    gfx_show(was ? d : d + 1, was ? (s->px.visible ? 2 : 1) : (s->px.visible ? 1 : 0));
    return 0;
}

/* GFX_SURF_RESIZE (u32 w, u32 h) -> (u32 serial, u32 stride) + vmo */
static int do_resize(struct sl_request *r, struct surf_conn *c)
{
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint32_t w = sl_parse_u32(&p), h = sl_parse_u32(&p);
    if (sl_parse_end(&p))
        return gfx_fail(r, SOS_ERR_INVALID_ARGS, "GFX_SURF_RESIZE is (w, h)");
    struct surface *s = c->s;
    struct buffer b;
    sos_handle_t vmo;
    const char *why;
    int err = new_buffer(w, h, 0, &b, &vmo, &why);
    if (err)
        return gfx_fail(r, err, why);
    b.serial = (s->next.vmo ? s->next.serial : s->cur.serial) + 1;
    unmap_buffer(&s->next); /* an earlier resize never presented */
    s->next = b;
    sl_msg_put_u32(r->reply, b.serial);
    sl_msg_put_u32(r->reply, b.stride);
    sl_msg_put_handle(r->reply, vmo);
    return 0;
}

static int do_share(struct sl_request *r, struct surf_conn *c)
{
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint32_t want = sl_parse_u32(&p);
    if (sl_parse_end(&p))
        return gfx_fail(r, SOS_ERR_INVALID_ARGS, "GFX_SURF_SHARE is (rights)");
    const char *why;
    int err = check_share(c->rights, want, &why);
    if (err)
        return gfx_fail(r, err, why);
    sos_handle_t ch;
    if ((err = add_conn(c->s, want, &ch)))
        return gfx_fail(r, err, "cannot make another channel");
    sl_msg_put_handle(r->reply, ch);
    return 0;
}

static int do_info(struct sl_request *r, struct surf_conn *c)
{
    const struct surface *s = c->s;
    uint32_t v[] = {s->id, (uint32_t)s->px.geo.x, (uint32_t)s->px.geo.y, s->cur.w, s->cur.h,
                    s->px.z, s->px.alpha, s->flags, s->cur.serial, c->rights};
    for (uint32_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
        sl_msg_put_u32(r->reply, v[i]);
    return 0;
}

/* Every GFX_SURF_* request: only on a surface channel, and only with its right. */
int surf_op(struct sl_request *r)
{
    struct surf_conn *c = surf_conn_of(r);
    if (!c)
        return gfx_fail(r, SOS_ERR_NOT_SUPPORTED, "a surface request on a connection that is not a surface");
    uint32_t o = r->hdr.ordinal;
    uint32_t need = o == GFX_SURF_PRESENT     ? GFX_SURF_RIGHT_PRESENT
                    : o == GFX_SURF_CONFIGURE ? GFX_SURF_RIGHT_CONFIGURE
                    : o == GFX_SURF_RESIZE    ? GFX_SURF_RIGHT_CONFIGURE | GFX_SURF_RIGHT_DRAW
                                              : 0;
    if ((c->rights & need) != need)
        return gfx_fail(r, SOS_ERR_ACCESS_DENIED, "this surface channel lacks the right for that");
    switch (r->hdr.ordinal) {
    case GFX_SURF_PRESENT: return do_present(r, c);
    case GFX_SURF_CONFIGURE: return do_configure(r, c);
    case GFX_SURF_RESIZE: return do_resize(r, c);
    case GFX_SURF_SHARE: return do_share(r, c);
    default: return do_info(r, c);
    }
}
