/*
 * desktop/apps/terminal/terminal.c - the terminal: a window hosting the operator
 * shell through the console protocol. It asks the console for a terminal channel
 * (CONSOLE_TERMINAL): what the console shows arrives as CONSOLE_OUTPUT and goes into
 * the screen (vt.c: ANSI colours, cursor movement, erasing, scrollback); the keys the
 * session gives our surface become bytes (keys.c) sent as CONSOLE_INPUT, read by the
 * console like its own keyboard. So every shell command works here; the session is
 * the one in the console's foreground, shared with the text console.
 *
 * Text is DejaVu Sans Mono drawn by the toolkit (tk_fill, tk_text), row by row where
 * the screen changed, each row presented as its own rectangle. The mouse wheel and
 * Shift+PageUp/PageDown move the view through the scrollback. The screen's rows are
 * also a toolkit scene (one text node a row), whose dump we hand to the desktop shell
 * (DESKTOP_SCENE) so `desktop dump` shows what the terminal says.
 *
 * Layer: desktop (an application).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <client/graphics.h>
#include <proto/console.h>
#include <proto/desktop.h>
#include <tk/window.h>

#include "keys.h"
#include "vt.h"

#define PAD 6
#define WIN_X 100
#define WIN_Y 80
#define SCENE_NS 100000000ll /* the desktop hears of changes at most this often */
#define SCENE_AGAIN 10       /* and every 10th tick anyway: a restarted desktop learns it */

static struct {
    struct sl_server srv;
    struct sl_conn_to gfx, console, desktop;
    struct tk_font mono;
    struct tk_window win;
    struct vt vt;
    sos_handle_t term;
    int32_t cw, ch;
    int32_t cur_x, cur_y; /* where the cursor was drawn */
    bool scene_dirty;
    int rows[VT_ROWS];
} g;

static void draw_row(int32_t r, struct tk_canvas *c)
{
    const struct vt_line *l = vt_view_line(&g.vt, r);
    int32_t y = PAD + r * g.ch;
    tk_fill(c, 0, y, c->w, g.ch, vt_color(VT_DEFAULT_BG));
    for (int32_t x = 0; x < VT_COLS;) {
        int32_t end = x;
        char run[VT_COLS + 1];
        while (end < VT_COLS && l->c[end].fg == l->c[x].fg && l->c[end].bg == l->c[x].bg)
            run[end - x] = l->c[end].ch, end++;
        run[end - x] = 0;
        if (l->c[x].bg != VT_DEFAULT_BG)
            tk_fill(c, PAD + x * g.cw, y, (end - x) * g.cw, g.ch, vt_color(l->c[x].bg));
        tk_text(c, &g.mono, PAD + x * g.cw, y + g.mono.ascent + 1, run, vt_color(l->c[x].fg));
        x = end;
    }
    if (g.vt.view == 0 && r == g.vt.cy) { /* the cursor: a block in the accent colour */
        int32_t cx = g.vt.cx < VT_COLS ? g.vt.cx : VT_COLS - 1;
        char one[2] = {l->c[cx].ch, 0};
        tk_fill(c, PAD + cx * g.cw, y, g.cw, g.ch, 0xff8ae234u);
        tk_text(c, &g.mono, PAD + cx * g.cw, y + g.mono.ascent + 1, one, vt_color(0));
    }
}

static void show(void)
{
    struct tk_canvas c = {g.win.s.px, (int32_t)g.win.s.w, (int32_t)g.win.s.h, g.win.s.stride};
    if (g.cur_y != g.vt.cy || g.cur_x != g.vt.cx) {
        if (g.cur_y >= 0 && g.cur_y < VT_ROWS)
            g.vt.dirty[g.cur_y] = true;
        g.vt.dirty[g.vt.cy] = true;
        g.cur_x = g.vt.cx;
        g.cur_y = g.vt.cy;
    }
    uint32_t rects[4 * VT_ROWS], n = 0;
    char text[VT_COLS + 1];
    for (int32_t r = 0; r < VT_ROWS; r++) {
        if (!g.vt.dirty[r])
            continue;
        g.vt.dirty[r] = false;
        draw_row(r, &c);
        uint32_t v[4] = {0, (uint32_t)(PAD + r * g.ch), (uint32_t)c.w, (uint32_t)g.ch};
        memcpy(&rects[4 * n++], v, sizeof(v));
        vt_line_text(vt_view_line(&g.vt, r), text);
        tk_set_text(&g.win.sc, g.rows[r], text);
        g.scene_dirty = true;
    }
    g.win.sc.ndamage = 0; /* the rows are drawn above: the scene is only described */
    g.win.sc.damage_all = false;
    if (n && gfx_surface_present(&g.win.s, rects, n) == SOS_ERR_PEER_CLOSED) {
        printf("terminal: the graphics service went away\n");
        exit(1);
    }
}

static void send_input(const char *b, size_t n)
{
    uint8_t buf[64];
    struct sl_msg m;
    sl_msg_begin(&m, buf, sizeof(buf), NULL, 0, CONSOLE_INPUT);
    sl_msg_hdr(&m)->flags |= SOS_MSG_NO_REPLY;
    sl_msg_put_u32(&m, (uint32_t)n);
    sl_msg_put(&m, b, (uint32_t)n);
    sl_msg_put(&m, "", 1);
    if (sl_msg_send(g.term, &m))
        printf("terminal: the console did not take the key\n");
}

static void on_key(const struct sos_input_event *e)
{
    if (e->value == 0)
        return;
    if ((e->mods & SOS_INPUT_MOD_SHIFT) && (e->code == HID_PAGE_UP || e->code == HID_PAGE_DOWN)) {
        if (vt_scroll_view(&g.vt, e->code == HID_PAGE_UP ? VT_ROWS / 2 : -VT_ROWS / 2))
            show();
        return;
    }
    char b[4];
    size_t n = key_bytes(e->code, e->mods, b);
    if (n == 1 && b[0] == 0x04)
        return; /* Ctrl-D: the end of the console's input, on which the shell powers off */
    if (n)
        send_input(b, n);
}

static void on_surface(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s, (void)pkt, (void)arg;
    uint8_t buf[128];
    struct sos_chan_read rd = {.bytes = buf, .bytes_cap = sizeof(buf)};
    while (sos_channel_read(g.win.s.ch, &rd) == 0) {
        struct sos_msg_hdr h;
        struct sos_input_event e;
        if (rd.actual_bytes == sizeof(h) + sizeof(e)) {
            memcpy(&h, buf, sizeof(h));
            memcpy(&e, buf + sizeof(h), sizeof(e));
            if (h.ordinal == GFX_SURF_EVENT && e.type == SOS_INPUT_KEY)
                on_key(&e);
            else if (h.ordinal == GFX_SURF_EVENT && e.type == SOS_INPUT_WHEEL && e.code == 0 &&
                     vt_scroll_view(&g.vt, 3 * e.value))
                show();
        }
        rd = (struct sos_chan_read){.bytes = buf, .bytes_cap = sizeof(buf)};
    }
}

static void on_console(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s, (void)pkt, (void)arg;
    static uint8_t buf[4096 + 128];
    for (;;) {
        struct sos_chan_read rd = {.bytes = buf, .bytes_cap = sizeof(buf)};
        int err = (int)sos_channel_read(g.term, &rd);
        if (err == SOS_ERR_SHOULD_WAIT)
            break;
        if (err) {
            printf("terminal: the console went away: %s\n", sos_strerror(err));
            exit(1); /* restarted, we attach again */
        }
        struct sl_parse p;
        struct sos_msg_hdr h;
        uint32_t len = 0;
        const char *text = NULL;
        if (!sl_parse_begin(&p, buf, rd.actual_bytes, NULL, 0, &h) && h.ordinal == CONSOLE_OUTPUT)
            text = sl_parse_str(&p, &len);
        if (text)
            vt_write(&g.vt, text, len);
    }
    show();
}

/* Tell the desktop what the rows say: when they changed (at most every SCENE_NS), and
 * every SCENE_AGAIN ticks in any case, so that a desktop that restarted has it soon.
 * One way (no reply): the desktop may itself be waiting on the root manager, which
 * may be waiting for us to stop. */
static void on_scene_timer(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s, (void)pkt, (void)arg;
    static uint32_t ticks;
    if (!g.scene_dirty && ++ticks % SCENE_AGAIN)
        return;
    g.scene_dirty = false;
    static char dump[DESKTOP_SCENE_MAX];
    static uint8_t buf[DESKTOP_SCENE_MAX + 128];
    tk_dump(&g.win.sc, g.win.x, g.win.y, dump, sizeof(dump));
    struct sl_msg q;
    sl_msg_begin(&q, buf, sizeof(buf), NULL, 0, DESKTOP_SCENE);
    sl_msg_hdr(&q)->flags |= SOS_MSG_NO_REPLY;
    sl_msg_put_u32(&q, g.win.s.id);
    sl_msg_put_str(&q, dump);
    if (sl_conn_to_refresh(&g.desktop, sos_deadline_after(SOS_MS(50))) || sl_msg_send(g.desktop.ch, &q))
        g.scene_dirty = true; /* no desktop (yet): again at the next tick */
}

static int attach(void)
{
    sos_handle_t ch[2], hb[1];
    uint8_t b[64], rb[64];
    struct sl_msg q, r;
    int err = (int)sos_channel_create(0, ch);
    if (err)
        return err;
    sl_msg_begin(&q, b, sizeof(b), hb, 1, CONSOLE_TERMINAL);
    sl_msg_put_handle(&q, ch[1]);
    sl_msg_begin(&r, rb, sizeof(rb), NULL, 0, CONSOLE_TERMINAL);
    err = sl_conn_to_call(&g.console, &q, &r, sos_deadline_after(SOS_MS(5000)));
    sos_handle_close(ch[1]); /* fails harmlessly when it moved to the console */
    if (err) {
        sos_handle_close(ch[0]);
        return err;
    }
    g.term = ch[0];
    return sl_server_watch(&g.srv, g.term, SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED, SOS_WAIT_ASYNC_REPEAT,
                           on_console, NULL);
}

static int open_window(void)
{
    g.cw = tk_text_width(&g.mono, "M");
    g.ch = g.mono.ascent - g.mono.descent + 2;
    int err = tk_window_open(&g.win, &g.gfx, WIN_X, WIN_Y, VT_COLS * g.cw + 2 * PAD, VT_ROWS * g.ch + 2 * PAD,
                             1, &tk_theme_dark, &g.mono);
    if (err)
        return err;
    g.win.sc.n[0].pad = PAD;
    for (int r = 0; r < VT_ROWS; r++) {
        g.rows[r] = tk_add(&g.win.sc, 0, TK_TEXT, "");
        g.win.sc.n[g.rows[r]].h = g.ch;
    }
    tk_layout(&g.win.sc);
    struct tk_canvas c = {g.win.s.px, (int32_t)g.win.s.w, (int32_t)g.win.s.h, g.win.s.stride};
    tk_fill(&c, 0, 0, c.w, c.h, vt_color(VT_DEFAULT_BG));
    g.cur_y = -1;
    show();
    return gfx_surface_present_all(&g.win.s);
}

int main(void)
{
    uint64_t len = 0;
    const void *ttf = tk_map_resource("DejaVuSansMono.ttf", &len);
    int err = ttf ? tk_font_load(&g.mono, ttf, len, 15) : SOS_ERR_NOT_FOUND;
    if (err) {
        printf("terminal: cannot load DejaVu Sans Mono: %s\n", sos_strerror(err));
        return 1;
    }
    vt_init(&g.vt);
    sl_conn_to_init(&g.gfx, "graphics", 0);
    sl_conn_to_init(&g.console, "console", 0);
    sl_conn_to_init(&g.desktop, "desktop", 0);
    sos_handle_t timer;
    if ((err = sl_service_init(&g.srv, NULL, 0, &g)) || (err = open_window()) || (err = attach()) ||
        (err = sl_server_watch(&g.srv, g.win.s.ch, SOS_SIG_READABLE, SOS_WAIT_ASYNC_REPEAT, on_surface, NULL)) ||
        (err = (int)sos_timer_create(0, &timer)) ||
        (err = (int)sos_timer_set(timer, sos_deadline_after(SCENE_NS), SCENE_NS)) ||
        (err = sl_server_watch(&g.srv, timer, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_REPEAT, on_scene_timer, NULL))) {
        printf("terminal: cannot start: %s (%s)\n", sos_strerror(err), gfx_why());
        return 1;
    }
    printf("terminal: ready: surface %u, %dx%d cells of %dx%d pixels\n", g.win.s.id, VT_COLS, VT_ROWS, g.cw, g.ch);
    sl_service_ready();
    return sl_server_run(&g.srv);
}
