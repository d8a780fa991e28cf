/*
 * tests/progs/gfxcheck.c - the graphics protocol end to end, against the running
 * service: surface rights, buffer serials across a resize, and malformed requests,
 * each refused with its error and sentence. On demand (`start gfxcheck`, scenario
 * graphics); its manifest grants graphics read+write only (no manage). One line per
 * check ("gfxcheck: ok <what>" or "gfxcheck: FAILED <what>: ..."), then
 * "gfxcheck: done, every check passed" (or "..., N FAILED"), and it exits (0 or 1).
 *
 * Layer: tests (test program, a service by its manifest).
 */
#include <stdio.h>
#include <string.h>

#include <client/graphics.h>

static struct sl_conn_to g_conn;
static int g_failed;
static char g_raw_why[128]; /* the sentence of the last create_raw, "" when none */
static bool g_raw;         /* the last call was create_raw */

static void expect(const char *what, int got, int want, const char *why_has)
{
    const char *why = g_raw ? g_raw_why : gfx_why();
    g_raw = false;
    bool ok = got == want && (!why_has || strstr(why, why_has));
    if (!ok)
        g_failed++;
    if (ok)
        printf("gfxcheck: ok %s%s%s\n", what, got ? ": " : "", got ? why : "");
    else
        printf("gfxcheck: FAILED %s: %s (%s), wanted %s\n", what, sos_strerror(got), why,
               sos_strerror(want));
}

/* A raw GFX_CREATE, for what the client library never sends. */
static int create_raw(uint32_t w, uint32_t h, sos_handle_t own)
{
    uint8_t qb[64], rb[256];
    sos_handle_t qh[1], rh[4];
    struct sl_msg q, r;
    sl_msg_begin(&q, qb, sizeof(qb), qh, 1, GFX_CREATE);
    sl_msg_begin(&r, rb, sizeof(rb), rh, 4, GFX_CREATE);
    uint32_t v[] = {w, h, 0, 0, 0, GFX_SURF_VISIBLE};
    for (int i = 0; i < 6; i++)
        sl_msg_put_u32(&q, v[i]);
    if (own)
        sl_msg_put_handle(&q, own);
    int err = sl_conn_to_call(&g_conn, &q, &r, sos_deadline_after(GFX_TIMEOUT_NS));
    for (uint32_t i = 0; i < r.nhandles; i++)
        sos_handle_close(rh[i]);
    g_raw = true;
    g_raw_why[0] = 0;
    if (err && r.len > sizeof(struct sos_msg_hdr)) { /* the sentence of a refusal */
        struct sl_parse p;
        sl_parse_begin(&p, r.bytes, r.len, NULL, 0, NULL);
        const char *why = sl_parse_str(&p, NULL);
        snprintf(g_raw_why, sizeof(g_raw_why), "%s", why ? why : "");
    }
    return err;
}

static void malformed(void)
{
    struct gfx_surface s;
    expect("a surface of 0 x 10 is refused", gfx_surface_create(&g_conn, 0, 10, 0, 0, 0, 0, &s),
           SOS_ERR_INVALID_ARGS, "at least 1");
    expect("a surface of 4097 x 10 is refused", gfx_surface_create(&g_conn, 4097, 10, 0, 0, 0, 0, &s),
           SOS_ERR_OUT_OF_RANGE, "4096");
    expect("a size that would overflow is refused",
           gfx_surface_create(&g_conn, 0x40000000u, 0x40000000u, 0, 0, 0, 0, &s), SOS_ERR_OUT_OF_RANGE,
           "4096");
    expect("a position far off the screen is refused",
           gfx_surface_create(&g_conn, 8, 8, 70000, 0, 0, 0, &s), SOS_ERR_OUT_OF_RANGE, "position");
    expect("unknown flags are refused", gfx_surface_create(&g_conn, 8, 8, 0, 0, 0, 1u << 9, &s),
           SOS_ERR_INVALID_ARGS, "flags");
    sos_handle_t small;
    sos_vmo_create(4096, 0, &small);
    expect("a memory object too small is refused", create_raw(64, 64, small), SOS_ERR_BUFFER_TOO_SMALL,
           "smaller than the surface");
    sos_handle_t big;
    sos_vmo_create(64 * 64 * 4, 0, &big);
    expect("a memory object of the right size is taken", create_raw(64, 64, big), 0, NULL);
}

static void damage(struct gfx_surface *s)
{
    uint32_t out[4] = {60, 0, 10, 10}, empty[4] = {0, 0, 0, 5}, wrap[4] = {10, 10, 0xfffffff8u, 4};
    expect("a damage rectangle outside the surface is refused", gfx_surface_present(s, out, 1),
           SOS_ERR_OUT_OF_RANGE, "outside the surface");
    expect("an empty damage rectangle is refused", gfx_surface_present(s, empty, 1),
           SOS_ERR_INVALID_ARGS, "empty");
    expect("a damage rectangle that wraps around is refused", gfx_surface_present(s, wrap, 1),
           SOS_ERR_OUT_OF_RANGE, "outside");
    expect("a present of no rectangles is refused", gfx_surface_present(s, out, 0),
           SOS_ERR_INVALID_ARGS, "1 to 64");
    uint32_t ok[4] = {0, 0, 64, 48};
    expect("a good present", gfx_surface_present(s, ok, 1), 0, NULL);
}

static void rights(struct gfx_surface *s)
{
    sos_handle_t ch;
    expect("sharing with present only", gfx_surface_share(s, GFX_SURF_RIGHT_PRESENT, &ch), 0, NULL);
    struct gfx_surface p = *s; /* the same buffer, the weaker channel */
    p.ch = ch;
    expect("the present-only channel presents", gfx_surface_present_all(&p), 0, NULL);
    expect("the present-only channel cannot move the surface",
           gfx_surface_configure(&p, 5, 5, 0, 255, GFX_SURF_VISIBLE), SOS_ERR_ACCESS_DENIED, "right");
    expect("the present-only channel cannot resize", gfx_surface_resize(&p, 32, 32),
           SOS_ERR_ACCESS_DENIED, "right");
    sos_handle_t more;
    expect("the present-only channel cannot share more than it has",
           gfx_surface_share(&p, GFX_SURF_RIGHTS_ALL, &more), SOS_ERR_ACCESS_DENIED, "only rights it has");
    sos_handle_close(ch);
    struct gfx_surface_info list[GFX_LIST_MAX];
    uint32_t n;
    expect("listing surfaces (read)", gfx_surfaces(&g_conn, list, GFX_LIST_MAX, &n), 0, NULL);
    expect("the mode needs manage, which this connection lacks", gfx_mode(&g_conn, 640, 480),
           SOS_ERR_ACCESS_DENIED, "manage");
}

static void serials(struct gfx_surface *s)
{
    uint32_t old = s->serial;
    expect("a resize", gfx_surface_resize(s, 80, 40), 0, NULL);
    printf("gfxcheck: serial %u -> %u\n", old, s->serial);
    struct gfx_surface stale = *s;
    stale.serial = old;
    stale.w = 64;
    stale.h = 48;
    struct gfx_surface_info list[GFX_LIST_MAX];
    uint32_t n = 0;
    gfx_surfaces(&g_conn, list, GFX_LIST_MAX, &n);
    bool shows_old = false;
    for (uint32_t i = 0; i < n; i++)
        shows_old |= list[i].id == s->id && list[i].w == 64 && list[i].serial == old;
    expect("until the new serial is presented the old buffer stays", shows_old ? 0 : -1, 0, NULL);
    expect("the new serial presented", gfx_surface_present_all(s), 0, NULL);
    gfx_surfaces(&g_conn, list, GFX_LIST_MAX, &n);
    bool shows_new = false;
    for (uint32_t i = 0; i < n; i++)
        shows_new |= list[i].id == s->id && list[i].w == 80 && list[i].serial == s->serial;
    expect("then the new buffer is shown", shows_new ? 0 : -1, 0, NULL);
    expect("a present of the old serial is refused now", gfx_surface_present_all(&stale),
           SOS_ERR_BAD_STATE, "serial");
}

int main(void)
{
    sl_conn_to_init(&g_conn, "graphics", 0);
    malformed();
    struct gfx_surface s;
    int err = gfx_surface_create(&g_conn, 64, 48, 10, 10, 5, GFX_SURF_VISIBLE, &s);
    expect("a 64 x 48 surface", err, 0, NULL);
    if (!err) {
        memset(s.px, 0x80, (size_t)s.stride * s.h);
        damage(&s);
        rights(&s);
        serials(&s);
        gfx_surface_destroy(&s);
    }
    if (g_failed)
        printf("gfxcheck: done, %d FAILED\n", g_failed);
    else
        printf("gfxcheck: done, every check passed\n");
    return g_failed ? 1 : 0;
}
