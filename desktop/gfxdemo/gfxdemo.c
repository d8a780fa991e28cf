/*
 * desktop/gfxdemo/gfxdemo.c - the graphics demo client.
 *
 * Two overlapping surfaces: "A" (light theme, 560x360 at 60,60) with a title in DejaVu
 * Sans, a line in each font and the demo image (a PNG from the boot store, decoded by
 * the toolkit); "B" (dark theme, 420x300 at 440,300, above A) with text in DejaVu Sans
 * Mono, a form made with the toolkit's retained scene (a text field that takes the keys
 * B gets, and a button: Tab moves the focus, Enter presses it), and an orange square
 * that moves to and fro, each step presented as just the two
 * rectangles it left and entered. When the graphics service goes away (a surface
 * request says "peer closed") it says so and makes its surfaces again on the restarted
 * service. A service (on demand, `start gfxdemo`) because its manifest is what grants
 * it the graphics connection and the fonts.
 *
 * Known pixels on the screen (tests/sim/gfx-window.py checks them): the background
 * 0xff203040 at (10, 10), A's title bar 0xff3465a4 at (70, 70), A's body 0xfff4f4f4 at
 * (70, 250), the image's green centre 0xff20c040 at (358, 268), B's body 0xff1e1e22 at
 * (850, 590) and at (500, 350), where B covers A. The square moves along y 500..539.
 *
 * Layer: desktop (an application).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <client/graphics.h>
#include <tk/canvas.h>
#include <tk/draw.h>
#include <tk/font.h>
#include <tk/scene.h>

#define A_X 60
#define A_Y 60
#define A_W 560
#define A_H 360
#define B_X 440
#define B_Y 300
#define B_W 420
#define B_H 300
#define SQ 40
#define SQ_Y 200
#define STEP_NS 33000000ll
#define FORM_Y 116 /* B's toolkit form: a text field and a button, B_W x FORM_H */
#define FORM_H 44

static struct {
    struct sl_server srv;
    struct sl_conn_to conn;
    struct gfx_surface a, b;
    struct tk_font sans, sans_big, mono;
    struct tk_image logo;
    struct tk_scene form;
    int field, button;
    int32_t sq_x, dir;
    uint64_t steps, recreated;
} g;

static void *map_ro(const char *name, uint64_t *size)
{
    sos_handle_t v = sos_startup_handle(name);
    if (!v || sos_vmo_get_size(v, size))
        return NULL;
    struct sos_vm_map m = {.process = sos_self_process(), .vmo = v, .len = *size, .prot = SOS_VM_READ};
    return sos_vm_map(&m) ? NULL : (void *)(uintptr_t)m.addr;
}

static struct tk_canvas canvas(struct gfx_surface *s)
{
    return (struct tk_canvas){s->px, (int32_t)s->w, (int32_t)s->h, s->stride};
}

static void draw_a(void)
{
    struct tk_canvas c = canvas(&g.a);
    tk_fill(&c, 0, 0, A_W, A_H, 0xfff4f4f4u);
    tk_fill(&c, 0, 0, A_W, 44, 0xff3465a4u);
    tk_text(&c, &g.sans_big, 16, 31, "ServiceOS graphics", 0xffffffffu);
    tk_text(&c, &g.sans, 16, 84, "DejaVu Sans: the quick brown fox jumps over the lazy dog", 0xff202020u);
    tk_text(&c, &g.mono, 16, 116, "DejaVu Sans Mono: 0123456789 {}[]() -> ok", 0xff204a87u);
    tk_text(&c, &g.sans, 16, 150, "Surface A: light theme, z 1", 0xff505050u);
    tk_draw_image(&c, &g.logo, 250, 160);
}

static void draw_b_static(void)
{
    struct tk_canvas c = canvas(&g.b);
    tk_fill(&c, 0, 0, B_W, B_H, 0xff1e1e22u);
    tk_fill(&c, 0, 0, B_W, 36, 0xff3c3c44u);
    tk_text(&c, &g.sans, 12, 25, "Surface B: dark theme, z 2", 0xffe0e0e0u);
    tk_text(&c, &g.mono, 12, 70, "$ gfx surfaces", 0xff8ae234u);
    tk_text(&c, &g.mono, 12, 94, "mono text, anti-aliased", 0xffd3d7cfu);
}

static int32_t measure(void *ctx, const char *t) { return tk_text_width(ctx, t); }

/* B's form, built with the toolkit's scene: a text field that takes B's keys and a
 * button; Tab moves the focus, Enter on the button counts a press. */
static void build_form(void)
{
    struct tk_measure m = {measure, g.sans.ascent - g.sans.descent, &g.sans};
    tk_scene_init(&g.form, B_W, FORM_H, &m, &tk_theme_dark);
    g.form.n[0].pad = 6;
    int row = tk_add(&g.form, 0, TK_BOX, NULL);
    g.form.n[row].dir = TK_ROW;
    g.form.n[row].grow = true;
    g.form.n[row].pad = 2;
    g.form.n[row].gap = 8;
    g.field = tk_add(&g.form, row, TK_FIELD, "");
    g.form.n[g.field].grow = true;
    g.button = tk_add(&g.form, row, TK_BUTTON, "Send");
    tk_layout(&g.form);
    tk_focus_next(&g.form);
}

/* Draw and present what the form says changed. */
static void show_form(void)
{
    struct tk_rect d[TK_DAMAGE_MAX];
    uint32_t n = tk_take_damage(&g.form, d, TK_DAMAGE_MAX), r[4 * TK_DAMAGE_MAX];
    struct tk_canvas c = canvas(&g.b);
    c.px = (uint32_t *)((uint8_t *)c.px + (size_t)FORM_Y * c.stride);
    c.h = FORM_H;
    for (uint32_t i = 0; i < n; i++) {
        tk_draw(&g.form, &c, &g.sans, &d[i]);
        int32_t x0 = d[i].x < 0 ? 0 : d[i].x, y0 = d[i].y < 0 ? 0 : d[i].y;
        int32_t x1 = d[i].x + d[i].w > B_W ? B_W : d[i].x + d[i].w;
        int32_t y1 = d[i].y + d[i].h > FORM_H ? FORM_H : d[i].y + d[i].h;
        uint32_t v[4] = {(uint32_t)x0, (uint32_t)(y0 + FORM_Y), (uint32_t)(x1 - x0), (uint32_t)(y1 - y0)};
        memcpy(&r[4 * i], v, sizeof(v));
    }
    if (n && g.b.ch)
        gfx_surface_present(&g.b, r, n);
}

/* A key for B: its character on a US layout, for the form. */
static void form_key(uint32_t hid, bool shift)
{
    char ch = 0;
    if (hid >= 4 && hid <= 29)
        ch = (char)((shift ? 'A' : 'a') + (hid - 4));
    else if (hid >= 30 && hid <= 38)
        ch = (char)('1' + (hid - 30));
    else if (hid == 39)
        ch = '0';
    else if (hid == 44)
        ch = ' ';
    uint32_t before = g.form.n[g.button].activations;
    if (!tk_key(&g.form, hid, ch))
        return;
    if (g.form.n[g.button].activations != before)
        printf("gfxdemo: B button pressed (%u)\n", g.form.n[g.button].activations);
    else
        printf("gfxdemo: B field '%s'\n", g.form.n[g.field].text);
}

static void draw_square(int32_t x, uint32_t color)
{
    struct tk_canvas c = canvas(&g.b);
    tk_fill(&c, x, SQ_Y, SQ, SQ, color);
}

/* Input for one of our surfaces (GFX_SURF_EVENT, from the compositor on the session's
 * word): printed, except pointer motion. */
static void on_event(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s;
    (void)pkt;
    const char *name = arg;
    struct gfx_surface *surf = name[0] == 'A' ? &g.a : &g.b;
    uint8_t buf[128];
    struct sos_chan_read rd = {.bytes = buf, .bytes_cap = sizeof(buf)};
    while (surf->ch && sos_channel_read(surf->ch, &rd) == 0) {
        struct sos_msg_hdr h;
        struct sos_input_event e;
        if (rd.actual_bytes == sizeof(h) + sizeof(e)) {
            memcpy(&h, buf, sizeof(h));
            memcpy(&e, buf + sizeof(h), sizeof(e));
            if (h.ordinal == GFX_SURF_EVENT && e.type == GFX_EVENT_FOCUS)
                printf("gfxdemo: %s focus %d\n", name, e.value);
            else if (h.ordinal == GFX_SURF_EVENT && e.type != SOS_INPUT_MOTION)
                printf("gfxdemo: %s %s code=%u value=%d x=%d y=%d\n", name,
                       e.type == SOS_INPUT_KEY ? "key" : e.type == SOS_INPUT_BUTTON ? "button" : "wheel",
                       e.code, e.value, e.x, e.y);
            if (h.ordinal == GFX_SURF_EVENT && e.type == SOS_INPUT_KEY && e.value && name[0] == 'B') {
                form_key(e.code, e.mods & SOS_INPUT_MOD_SHIFT);
                show_form();
            }
        }
        rd = (struct sos_chan_read){.bytes = buf, .bytes_cap = sizeof(buf)};
    }
}

static void watch_input(void)
{
    sl_server_watch(&g.srv, g.a.ch, SOS_SIG_READABLE, SOS_WAIT_ASYNC_REPEAT, on_event, "A");
    sl_server_watch(&g.srv, g.b.ch, SOS_SIG_READABLE, SOS_WAIT_ASYNC_REPEAT, on_event, "B");
}

static int make_surfaces(void)
{
    int err = gfx_surface_create(&g.conn, A_W, A_H, A_X, A_Y, 1, GFX_SURF_VISIBLE | GFX_SURF_OPAQUE, &g.a);
    if (!err)
        err = gfx_surface_create(&g.conn, B_W, B_H, B_X, B_Y, 2, GFX_SURF_VISIBLE | GFX_SURF_OPAQUE, &g.b);
    if (err) {
        printf("gfxdemo: cannot make a surface: %s (%s)\n", sos_strerror(err), gfx_why());
        return err;
    }
    draw_a();
    draw_b_static();
    draw_square(g.sq_x, 0xffff8800u);
    g.form.damage_all = true; /* a new buffer: the whole form */
    show_form();
    if ((err = gfx_surface_present_all(&g.a)) || (err = gfx_surface_present_all(&g.b)))
        printf("gfxdemo: present: %s (%s)\n", sos_strerror(err), gfx_why());
    return err;
}

/* One step of the square: only what it left and what it entered is presented. */
static void tick(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s;
    (void)pkt;
    (void)arg;
    int32_t old = g.sq_x;
    if (g.sq_x + g.dir < 12 || g.sq_x + g.dir + SQ > B_W - 12)
        g.dir = -g.dir;
    g.sq_x += g.dir;
    draw_square(old, 0xff1e1e22u);
    draw_square(g.sq_x, 0xffff8800u);
    uint32_t r[8] = {(uint32_t)old, SQ_Y, SQ, SQ, (uint32_t)g.sq_x, SQ_Y, SQ, SQ};
    int err = gfx_surface_present(&g.b, r, 2);
    g.steps++;
    if (err == SOS_ERR_PEER_CLOSED) {
        printf("gfxdemo: graphics went away (peer closed): making the surfaces again\n");
        gfx_surface_destroy(&g.a);
        gfx_surface_destroy(&g.b);
        if (!make_surfaces()) {
            watch_input();
            printf("gfxdemo: surfaces made again (%llu)\n", (unsigned long long)++g.recreated);
        }
    }
}

static int load(void)
{
    uint64_t n1, n2, n3;
    const void *sans = map_ro("DejaVuSans.ttf", &n1), *mono = map_ro("DejaVuSansMono.ttf", &n2);
    const void *png = map_ro("gfxdemo.png", &n3);
    if (!sans || !mono || !png)
        return SOS_ERR_NOT_FOUND;
    int err = tk_font_load(&g.sans, sans, n1, 18);
    if (!err)
        err = tk_font_load(&g.sans_big, sans, n1, 26);
    if (!err)
        err = tk_font_load(&g.mono, mono, n2, 17);
    if (!err)
        err = tk_image_png(png, n3, &g.logo);
    if (!err)
        build_form();
    return err;
}

int main(void)
{
    int err = load();
    if (err) {
        printf("gfxdemo: cannot load the fonts and the image: %s\n", sos_strerror(err));
        return 1;
    }
    sl_conn_to_init(&g.conn, "graphics", 0); /* looked up: starts it when dormant */
    g.sq_x = 12;
    g.dir = 6;
    if (make_surfaces())
        return 1;
    sos_handle_t timer;
    if ((err = sl_service_init(&g.srv, NULL, 0, &g)) || (err = (int)sos_timer_create(0, &timer)) ||
        (err = (int)sos_timer_set(timer, sos_deadline_after(STEP_NS), STEP_NS)) ||
        (err = sl_server_watch(&g.srv, timer, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_REPEAT, tick, NULL))) {
        printf("gfxdemo: cannot run: %s\n", sos_strerror(err));
        return 1;
    }
    watch_input();
    printf("gfxdemo: ready: surfaces %u and %u, glyphs rasterised %u\n", g.a.id, g.b.id,
           g.sans.rasterised + g.sans_big.rasterised + g.mono.rasterised);
    sl_service_ready();
    return sl_server_run(&g.srv);
}
