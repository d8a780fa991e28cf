/*
 * services/shell/cmds_gfx.c - `gfx`: the graphics service for the operator.
 *
 *   gfx outputs            the outputs (the display, or the virtual one)
 *   gfx surfaces           every surface: id, owner, place, size, z, alpha, serial
 *   gfx sessions           the session service: focus, pointer, events routed
 *   gfx screenshot <path>  a PNG of the screen written to <path> in storage
 *   gfx screenshot <path> <id>   ... of one surface's buffer
 *   gfx mode <w>x<h>       change the display's mode
 *
 * The shell looks the service up (lookup=graphics in shell.svc), which starts it when
 * it is dormant: the first `gfx` takes the display over from the text console.
 *
 * Layer: services (shell).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <client/graphics.h>
#include <proto/session.h>

#include "shell.h"

static struct sl_conn_to g_gfx_conn;
static bool g_gfx_init;

static struct sl_conn_to *conn(void)
{
    if (!g_gfx_init) {
        sl_conn_to_init(&g_gfx_conn, "graphics", 0);
        g_gfx_init = true;
    }
    return &g_gfx_conn;
}

static void failed(const char *what, int err)
{
    const char *why = gfx_why();
    sh_eprintf("gfx %s: %s%s%s\n", what, sh_errtext(err), why[0] ? ": " : "", why);
}

static void outputs(void)
{
    struct gfx_output o[4];
    uint32_t n;
    int err = gfx_outputs(conn(), o, 4, &n);
    if (err)
        return failed("outputs", err);
    for (uint32_t i = 0; i < n; i++)
        sh_printf("%s %ux%u (largest %ux%u)%s\n", o[i].name, o[i].width, o[i].height,
                  o[i].max_width, o[i].max_height,
                  o[i].flags & GFX_OUTPUT_DEVICE ? " display" : " virtual, in memory");
}

static void surfaces(void)
{
    static struct gfx_surface_info s[GFX_LIST_MAX];
    uint32_t n;
    int err = gfx_surfaces(conn(), s, GFX_LIST_MAX, &n);
    if (err)
        return failed("surfaces", err);
    sh_printf("%-4s %-12s %-11s %-9s %-4s %-5s %-7s %-6s %s\n", "id", "owner", "at", "size", "z",
              "alpha", "flags", "serial", "presents");
    for (uint32_t i = 0; i < n; i++) {
        char at[24], size[24];
        snprintf(at, sizeof(at), "%d,%d", s[i].x, s[i].y);
        snprintf(size, sizeof(size), "%ux%u", s[i].w, s[i].h);
        sh_printf("%-4u %-12s %-11s %-9s %-4u %-5u %-7s %-6u %llu\n", s[i].id, s[i].owner, at, size,
                  s[i].z, s[i].alpha,
                  (s[i].flags & GFX_SURF_VISIBLE) ? (s[i].flags & GFX_SURF_OPAQUE ? "vis,opq" : "visible")
                                                  : "hidden",
                  s[i].serial, (unsigned long long)s[i].presents);
    }
    if (!n)
        sh_printf("(no surfaces)\n");
}

static void screenshot(const char *path, const char *id_text)
{
    char *end = NULL;
    unsigned long id = id_text ? strtoul(id_text, &end, 10) : 0;
    if (id_text && (*end || !id_text[0]))
        return (void)sh_eprintf("gfx screenshot: '%s' is not a surface id\n", id_text);
    sos_handle_t vmo;
    uint64_t bytes;
    int err = gfx_screenshot(conn(), (uint32_t)id, &vmo, &bytes);
    if (err)
        return failed("screenshot", err);
    char *buf = malloc(bytes ? bytes : 1);
    if (!buf || (err = (int)sos_vmo_read(vmo, buf, 0, bytes))) {
        sos_handle_close(vmo);
        free(buf);
        return failed("screenshot", buf ? err : SOS_ERR_NO_MEMORY);
    }
    sos_handle_close(vmo);
    if (!sh_store_put(path, buf, bytes))
        sh_printf("%s: PNG of %s, %llu bytes\n", path, id ? "a surface" : "the screen",
                  (unsigned long long)bytes);
    free(buf);
}

static struct sl_conn_to g_session;

/* The session service's view: focus, pointer, counts. */
static void sessions(void)
{
    static bool init;
    if (!init) {
        sl_conn_to_init(&g_session, "session", 0);
        init = true;
    }
    uint8_t qb[32], rb[128];
    struct sl_msg q, r;
    sl_msg_begin(&q, qb, sizeof(qb), NULL, 0, SESSION_INFO);
    sl_msg_begin(&r, rb, sizeof(rb), NULL, 0, SESSION_INFO);
    int err = sh_call(&g_session, &q, &r);
    struct sl_parse p = {.bad = true}; /* reads nothing until begun */
    if (!err)
        err = sl_parse_begin(&p, r.bytes, r.len, NULL, 0, NULL);
    uint32_t focused = sl_parse_u32(&p), x = sl_parse_u32(&p), y = sl_parse_u32(&p);
    uint32_t under = sl_parse_u32(&p);
    uint64_t events = sl_parse_u64(&p), delivered = sl_parse_u64(&p), dropped = sl_parse_u64(&p);
    uint32_t input = sl_parse_u32(&p);
    if (!err)
        err = sl_parse_end(&p);
    if (err)
        return failed("sessions", err);
    char devs[32] = "none";
    if (input)
        snprintf(devs, sizeof(devs), "%u device%s read", input, input == 1 ? "" : "s");
    sh_printf("input %s; focused surface %u; pointer at %d,%d over surface %u\n", devs, focused,
              (int)x, (int)y, under);
    sh_printf("events %llu, delivered %llu, dropped %llu\n", (unsigned long long)events,
              (unsigned long long)delivered, (unsigned long long)dropped);
}

static void mode(const char *spec)
{
    char *x = NULL, *end = NULL;
    unsigned long w = strtoul(spec, &x, 10), h = x && *x == 'x' ? strtoul(x + 1, &end, 10) : 0;
    if (!end || *end || x == spec || w == 0 || h == 0 || w > 65535 || h > 65535)
        return (void)sh_eprintf("gfx mode: '%s' is not <width>x<height>\n", spec);
    int err = gfx_mode(conn(), (uint32_t)w, (uint32_t)h);
    if (err)
        return failed("mode", err);
    sh_printf("mode %lux%lu\n", w, h);
}

void cmd_gfx(int argc, char **argv)
{
    const char *sub = argv[1];
    if (!strcmp(sub, "outputs") && argc == 2)
        outputs();
    else if (!strcmp(sub, "surfaces") && argc == 2)
        surfaces();
    else if (!strcmp(sub, "sessions") && argc == 2)
        sessions();
    else if (!strcmp(sub, "screenshot") && (argc == 3 || argc == 4))
        screenshot(argv[2], argc == 4 ? argv[3] : NULL);
    else if (!strcmp(sub, "mode") && argc == 3)
        mode(argv[2]);
    else
        sh_eprintf("usage: gfx outputs | surfaces | sessions | screenshot <path> [surface] | mode <w>x<h>\n");
}
