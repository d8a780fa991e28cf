/*
 * services/graphics/wm.c - what the window manager (the session service) may ask of
 * the compositor (GFX_WM_*): which surface shows a pixel, input for one surface, the
 * cursor plane, raising a surface, placing any surface (the desktop shell's frames). Every request needs MANAGE on the connection,
 * which only a manifest grants. The policy (who gets the keyboard, when focus moves)
 * is the session service's; this file only does what it is told, and hands an event to
 * exactly one channel: the creator's channel of the surface it is for.
 *
 * Layer: services/graphics.
 */
#include <string.h>

#include <proto/graphics.h>

#include "graphics.h"

#define CUR_W 12
#define CUR_H 19

static uint32_t g_cursor[CUR_W * CUR_H];

/* An arrow: white inside, a black outline, transparent around it. */
void wm_init(void)
{
    for (int y = 0; y < CUR_H; y++)
        for (int x = 0; x < CUR_W; x++) {
            int edge = y < 12 ? y : 11 - (y - 12) * 2; /* the right edge of the arrow */
            bool in = x <= edge && (y < 16 || (x >= 4 && x <= 6));
            bool border = in && (x == 0 || x == edge || y == CUR_H - 1 || (y >= 12 && x == edge));
            g_cursor[y * CUR_W + x] = !in ? 0 : border ? 0xff000000u : 0xffffffffu;
        }
    g_gfx.sc.cursor.px = g_cursor;
    g_gfx.sc.cursor.w = CUR_W;
    g_gfx.sc.cursor.h = CUR_H;
}

static int do_hit(struct sl_request *r, struct sl_parse *p)
{
    int32_t x = (int32_t)sl_parse_u32(p), y = (int32_t)sl_parse_u32(p);
    if (sl_parse_end(p))
        return gfx_fail(r, SOS_ERR_INVALID_ARGS, "GFX_WM_HIT is (x, y)");
    int k = scene_hit(&g_gfx.sc, x, y);
    uint32_t id = 0;
    for (uint32_t i = 0; k >= 0 && i < SCENE_MAX; i++)
        if (g_gfx.surf[i].used && &g_gfx.surf[i].px == g_gfx.sc.s[k])
            id = g_gfx.surf[i].id;
    sl_msg_put_u32(r->reply, id);
    return 0;
}

static int do_deliver(struct sl_request *r, struct sl_parse *p)
{
    uint32_t id = sl_parse_u32(p);
    const void *raw = sl_parse_bytes(p, sizeof(struct sos_input_event));
    if (sl_parse_end(p) || !raw)
        return gfx_fail(r, SOS_ERR_INVALID_ARGS, "GFX_WM_DELIVER is (id, event)");
    struct surface *s = surf_find(id);
    if (!s)
        return gfx_fail(r, SOS_ERR_NOT_FOUND, "no surface with that id");
    if (!s->input)
        return gfx_fail(r, SOS_ERR_PEER_CLOSED, "the surface's creator closed its channel");
    struct sos_input_event e;
    memcpy(&e, raw, sizeof(e));
    if (e.type != GFX_EVENT_CONFIGURE) { /* a configure's x, y are a size */
        e.x -= s->px.geo.x;
        e.y -= s->px.geo.y;
    }
    uint8_t b[64];
    struct sl_msg m;
    sl_msg_begin(&m, b, sizeof(b), NULL, 0, GFX_SURF_EVENT);
    sl_msg_hdr(&m)->flags |= SOS_MSG_NO_REPLY;
    sl_msg_put(&m, &e, sizeof(e));
    int err = sl_msg_send(s->input->ch, &m);
    return err ? gfx_fail(r, err, "the surface's queue is full: the event is dropped") : 0;
}

static int do_cursor(struct sl_request *r, struct sl_parse *p)
{
    int32_t x = (int32_t)sl_parse_u32(p), y = (int32_t)sl_parse_u32(p);
    uint32_t visible = sl_parse_u32(p);
    if (sl_parse_end(p))
        return gfx_fail(r, SOS_ERR_INVALID_ARGS, "GFX_WM_CURSOR is (x, y, visible)");
    struct rect d[2] = {scene_cursor_rect(&g_gfx.sc)};
    g_gfx.sc.cursor.x = x;
    g_gfx.sc.cursor.y = y;
    g_gfx.sc.cursor.visible = visible != 0;
    d[1] = scene_cursor_rect(&g_gfx.sc);
    gfx_show(d, 2);
    return 0;
}

static int do_raise(struct sl_request *r, struct sl_parse *p)
{
    uint32_t id = sl_parse_u32(p);
    if (sl_parse_end(p))
        return gfx_fail(r, SOS_ERR_INVALID_ARGS, "GFX_WM_RAISE is (id)");
    struct surface *s = surf_find(id);
    if (!s)
        return gfx_fail(r, SOS_ERR_NOT_FOUND, "no surface with that id");
    uint32_t top = 0;
    for (uint32_t i = 0; i < g_gfx.sc.n; i++)
        if (g_gfx.sc.s[i] != &s->px && g_gfx.sc.s[i]->z >= top)
            top = g_gfx.sc.s[i]->z + 1;
    if (top > s->px.z) {
        s->px.z = top;
        surf_restack();
        gfx_show(&s->px.geo, 1);
    }
    return 0;
}

static int do_configure(struct sl_request *r, struct sl_parse *p)
{
    uint32_t id = sl_parse_u32(p);
    int32_t x = (int32_t)sl_parse_u32(p), y = (int32_t)sl_parse_u32(p);
    uint32_t z = sl_parse_u32(p), alpha = sl_parse_u32(p), flags = sl_parse_u32(p);
    if (sl_parse_end(p))
        return gfx_fail(r, SOS_ERR_INVALID_ARGS, "GFX_WM_CONFIGURE is (id, x, y, z, alpha, flags)");
    struct surface *s = surf_find(id);
    if (!s)
        return gfx_fail(r, SOS_ERR_NOT_FOUND, "no surface with that id");
    return surf_configure(r, s, x, y, z, alpha, flags);
}

int wm_op(struct sl_request *r)
{
    const struct sl_peer *peer = surf_conn_of(r) ? NULL : r->client;
    if (!peer || !(peer->rights & SOS_RIGHT_MANAGE))
        return gfx_fail(r, SOS_ERR_ACCESS_DENIED, "window-manager requests need the manage right");
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    switch (r->hdr.ordinal) {
    case GFX_WM_HIT: return do_hit(r, &p);
    case GFX_WM_DELIVER: return do_deliver(r, &p);
    case GFX_WM_CURSOR: return do_cursor(r, &p);
    case GFX_WM_CONFIGURE: return do_configure(r, &p);
    default: return do_raise(r, &p);
    }
}
