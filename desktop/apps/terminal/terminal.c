/*
 * desktop/apps/terminal/terminal.c - the terminal: a window hosting the operator
 * shell through the console protocol. It asks for a terminal channel
 * (CONSOLE_TERMINAL): what the session shows arrives as CONSOLE_OUTPUT and goes into
 * the screen (vt.c: ANSI colours, cursor movement, erasing, scrollback); the keys the
 * session gives our surface become bytes (keys.c) sent as CONSOLE_INPUT. Which
 * session depends on the manifest: `terminal.svc` looks up the shell, which gives each
 * terminal a shell session of its own; `system-console.svc` is granted the console
 * instead, and shows the console's own session (the one the text console shows).
 *
 * One process serves several windows (Ctrl+Shift+N opens another; closing one's
 * channel ends it), each with its own channel, so in `terminal.svc` its own shell
 * session. A window asked to take another size (GFX_EVENT_CONFIGURE from the desktop
 * shell, when a frame is dragged) snaps it to whole cells, resizes its surface (the new
 * buffer with a new serial: the compositor keeps the old frame until the whole new one
 * is presented) and gives the screen that many columns and rows (vt_resize).
 *
 * Text is DejaVu Sans Mono drawn by the toolkit (tk_fill, tk_text), row by row where
 * the screen changed, each row presented as its own rectangle. The mouse wheel and
 * Shift+PageUp/PageDown move the view through the scrollback. The screen's rows are
 * also a toolkit scene (one text node a row), whose dump we hand to the desktop shell
 * (DESKTOP_SCENE) so `desktop dump` shows what the terminal says. The colours follow
 * appearance.theme (tk/theme.h): vt.c's dark or light palette.
 *
 * Selection (selection.c): the left button pressed in the text and dragged selects the
 * cells between (drawn with text and background swapped), scrollback lines included;
 * a double click selects a word; new output or a new size clears it. Ctrl+Shift+C
 * copies it onto the desktop's clipboard (tk/clip.h: the desktop shell keeps it for
 * every window of every program); Ctrl+Shift+V (or the middle button) asks the desktop
 * for it and, when the answer comes, sends it to that window's session as typed input,
 * filtered (paste_filter: no control bytes but tab and newline, at most PASTE_MAX bytes).
 *
 * Layer: desktop (an application).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <client/graphics.h>
#include <proto/console.h>
#include <proto/desktop.h>
#include <tk/app.h>
#include <tk/clip.h>
#include <tk/theme.h>
#include <tk/window.h>

#include "keys.h"
#include "selection.h"
#include "vt.h"

#define PAD 6
#define WIN_X 100
#define WIN_Y 80
#define WINDOWS 4
#define SCENE_NS 100000000ll /* the desktop hears of changes at most this often */
#define SCENE_AGAIN 10       /* and every 10th tick anyway: a restarted desktop learns it */
#define HID_C 6u
#define HID_N 17u
#define HID_V 25u
#define PASTE_CHUNK 256u       /* input bytes a message (the shell reads up to a line's) */
#define DOUBLE_CLICK_NS 400000000ll

struct tw { /* one window and its session */
    struct tk_window win;
    struct vt vt;
    sos_handle_t term;
    int32_t cur_x, cur_y; /* where the cursor was drawn */
    bool scene_dirty;
    int rows[VT_MAX_ROWS];
    struct sel sel;
    bool dragging;            /* the left button is down in the text */
    uint64_t click_ns;        /* the last press, for a double click */
    struct sel_pos click_at;
};

static struct {
    struct sl_server srv;
    struct sl_conn_to gfx, console, desktop; /* console: the shell, or the console */
    struct tk_font mono;
    int32_t cw, ch;
    struct tw *w[WINDOWS];
    struct tk_theme_follow theme;
    struct tk_paste paste; /* a paste under way: the desktop's answer to come */
    uint32_t paste_to; /* the surface of the window that asked (a slot may be reused meanwhile) */
} g;

static bool light(void) { return g.theme.theme != &tk_theme_dark; }

static uint32_t colour(uint8_t index) { return vt_color(index, light()); }

/* A cell's colours, text and background swapped where it is selected. */
static void cell_colours(const struct tw *t, const struct vt_line *l, int32_t line, int32_t x, uint8_t *fg,
                         uint8_t *bg)
{
    bool in = sel_has(&t->sel, line, x);
    *fg = in ? l->c[x].bg : l->c[x].fg;
    *bg = in ? l->c[x].fg : l->c[x].bg;
}

static void draw_row(struct tw *t, int32_t r, struct tk_canvas *c)
{
    const struct vt_line *l = vt_view_line(&t->vt, r);
    int32_t y = PAD + r * g.ch, cols = t->vt.cols, line = sel_at(&t->vt, r, 0).line;
    tk_fill(c, 0, y, c->w, g.ch, colour(VT_DEFAULT_BG));
    for (int32_t x = 0; x < cols;) {
        int32_t end = x;
        char run[VT_MAX_COLS + 1];
        uint8_t fg, bg, fg2, bg2;
        cell_colours(t, l, line, x, &fg, &bg);
        for (; end < cols; end++) {
            cell_colours(t, l, line, end, &fg2, &bg2);
            if (fg2 != fg || bg2 != bg)
                break;
            run[end - x] = l->c[end].ch;
        }
        run[end - x] = 0;
        if (bg != VT_DEFAULT_BG)
            tk_fill(c, PAD + x * g.cw, y, (end - x) * g.cw, g.ch, colour(bg));
        tk_text(c, &g.mono, PAD + x * g.cw, y + g.mono.ascent + 1, run, colour(fg));
        x = end;
    }
    if (t->vt.view == 0 && r == t->vt.cy) { /* the cursor: a block in the accent colour */
        int32_t cx = t->vt.cx < cols ? t->vt.cx : cols - 1;
        char one[2] = {l->c[cx].ch, 0};
        tk_fill(c, PAD + cx * g.cw, y, g.cw, g.ch, light() ? 0xff4e9a06u : 0xff8ae234u);
        tk_text(c, &g.mono, PAD + cx * g.cw, y + g.mono.ascent + 1, one, colour(VT_DEFAULT_BG));
    }
}

static void show(struct tw *t)
{
    struct tk_canvas c = {t->win.s.px, (int32_t)t->win.s.w, (int32_t)t->win.s.h, t->win.s.stride};
    if (t->cur_y != t->vt.cy || t->cur_x != t->vt.cx) {
        if (t->cur_y >= 0 && t->cur_y < t->vt.rows)
            t->vt.dirty[t->cur_y] = true;
        t->vt.dirty[t->vt.cy] = true;
        t->cur_x = t->vt.cx;
        t->cur_y = t->vt.cy;
    }
    uint32_t rects[4 * VT_MAX_ROWS], n = 0;
    char text[VT_MAX_COLS + 1];
    for (int32_t r = 0; r < t->vt.rows; r++) {
        if (!t->vt.dirty[r])
            continue;
        t->vt.dirty[r] = false;
        draw_row(t, r, &c);
        uint32_t v[4] = {0, (uint32_t)(PAD + r * g.ch), (uint32_t)c.w, (uint32_t)g.ch};
        memcpy(&rects[4 * n++], v, sizeof(v));
        vt_line_text(&t->vt, vt_view_line(&t->vt, r), text);
        tk_set_text(&t->win.sc, t->rows[r], text);
        t->scene_dirty = true;
    }
    t->win.sc.ndamage = 0; /* the rows are drawn above: the scene is only described */
    t->win.sc.damage_all = false;
    for (uint32_t k = 0; k < n; k += GFX_DAMAGE_MAX) /* at most 64 rectangles a present */
        if (gfx_surface_present(&t->win.s, &rects[4 * k], n - k < GFX_DAMAGE_MAX ? n - k : GFX_DAMAGE_MAX) ==
            SOS_ERR_PEER_CLOSED) {
            printf("terminal: the graphics service went away\n");
            exit(1);
        }
}

/* The scene: one text node a row, over the whole surface. */
static void build_scene(struct tw *t)
{
    struct tk_measure m = tk_measure_font(&g.mono);
    tk_scene_init(&t->win.sc, (int32_t)t->win.s.w, (int32_t)t->win.s.h, &m, g.theme.theme);
    t->win.sc.n[0].pad = PAD;
    for (int r = 0; r < t->vt.rows; r++) {
        t->rows[r] = tk_add(&t->win.sc, 0, TK_TEXT, "");
        t->win.sc.n[t->rows[r]].h = g.ch;
    }
    tk_layout(&t->win.sc);
}

/* Everything again, on the whole surface (a new window, a new size). */
static int redraw(struct tw *t)
{
    struct tk_canvas c = {t->win.s.px, (int32_t)t->win.s.w, (int32_t)t->win.s.h, t->win.s.stride};
    tk_fill(&c, 0, 0, c.w, c.h, colour(VT_DEFAULT_BG));
    for (int32_t r = 0; r < t->vt.rows; r++)
        t->vt.dirty[r] = true;
    t->cur_y = -1;
    t->win.sc.ndamage = 0;
    show(t);
    return gfx_surface_present_all(&t->win.s);
}

/* GFX_EVENT_CONFIGURE: the size the desktop asks, snapped to whole cells. */
static void configure(struct tw *t, int32_t w, int32_t h)
{
    int32_t cols = (w - 2 * PAD) / g.cw, rows = (h - 2 * PAD) / g.ch;
    cols = cols < 10 ? 10 : cols > VT_MAX_COLS ? VT_MAX_COLS : cols;
    rows = rows < 3 ? 3 : rows > VT_MAX_ROWS ? VT_MAX_ROWS : rows;
    if (cols == t->vt.cols && rows == t->vt.rows)
        return;
    int err = gfx_surface_resize(&t->win.s, (uint32_t)(cols * g.cw + 2 * PAD), (uint32_t)(rows * g.ch + 2 * PAD));
    if (err) {
        printf("terminal: cannot resize to %dx%d cells: %s (%s)\n", cols, rows, sos_strerror(err), gfx_why());
        return;
    }
    vt_resize(&t->vt, cols, rows);
    t->sel.on = t->dragging = false; /* its cells moved */
    build_scene(t);
    redraw(t);
    printf("terminal: surface %u now %dx%d cells\n", t->win.s.id, cols, rows);
}

static void send_input(struct tw *t, const char *b, size_t n)
{
    uint8_t buf[PASTE_CHUNK + 64];
    struct sl_msg m;
    sl_msg_begin(&m, buf, sizeof(buf), NULL, 0, CONSOLE_INPUT);
    sl_msg_hdr(&m)->flags |= SOS_MSG_NO_REPLY;
    sl_msg_put_u32(&m, (uint32_t)n);
    sl_msg_put(&m, b, (uint32_t)n);
    sl_msg_put(&m, "", 1);
    if (sl_msg_send(t->term, &m))
        printf("terminal: the session did not take the key\n");
}

static int open_terminal(void);

/* Ctrl+Shift+C: the selection onto the desktop's clipboard (none: it stays). */
static void copy(struct tw *t)
{
    static char text[PASTE_MAX + 1];
    if (!t->sel.on)
        return;
    int err = tk_clip_set(&g.desktop, text, sel_text(&t->vt, &t->sel, text, sizeof(text)));
    if (err)
        printf("terminal: cannot copy: no desktop clipboard: %s\n", sos_strerror(err));
}

/* The desktop's answer to paste(): the clipboard as typed input, filtered. */
static void on_clip(int err, const char *text, size_t len)
{
    static char b[PASTE_MAX];
    struct tw *t = NULL;
    for (int i = 0; i < WINDOWS; i++)
        if (g.w[i] && g.w[i]->win.s.id == g.paste_to)
            t = g.w[i];
    if (err)
        printf("terminal: nothing to paste: %s\n", sos_strerror(err));
    size_t n = err || !t ? 0 : paste_filter(text, len, b);
    for (size_t k = 0; k < n; k += PASTE_CHUNK)
        send_input(t, b + k, n - k < PASTE_CHUNK ? n - k : PASTE_CHUNK);
}

/* Ctrl+Shift+V, the middle button: ask the desktop for its clipboard (on_clip). */
static void paste(struct tw *t)
{
    g.paste.desktop = &g.desktop, g.paste.srv = &g.srv, g.paste.done = on_clip;
    int err = tk_clip_paste(&g.paste);
    if (err) {
        printf("terminal: cannot paste: no desktop clipboard: %s\n", sos_strerror(err));
        return;
    }
    g.paste_to = t->win.s.id;
}

static void on_key(struct tw *t, const struct sos_input_event *e)
{
    if (e->value == 0)
        return;
    if ((e->mods & SOS_INPUT_MOD_SHIFT) && (e->code == HID_PAGE_UP || e->code == HID_PAGE_DOWN)) {
        if (vt_scroll_view(&t->vt, e->code == HID_PAGE_UP ? t->vt.rows / 2 : -t->vt.rows / 2))
            show(t);
        return;
    }
    if ((e->mods & SOS_INPUT_MOD_SHIFT) && (e->mods & SOS_INPUT_MOD_CTRL) && e->code == HID_N) {
        int err = open_terminal();
        if (err)
            printf("terminal: no new window: %s\n", sos_strerror(err));
        return;
    }
    if ((e->mods & SOS_INPUT_MOD_SHIFT) && (e->mods & SOS_INPUT_MOD_CTRL) && (e->code == HID_C || e->code == HID_V)) {
        if (e->code == HID_C)
            copy(t);
        else
            paste(t);
        return;
    }
    char b[4];
    size_t n = key_bytes(e->code, e->mods, b);
    if (n == 1 && b[0] == 0x04)
        return; /* Ctrl-D: the end of the input, on which the shell ends the session (and
                 * on the console's, powers off) */
    if (n)
        send_input(t, b, n);
}

/* The view rows that show lines l0..l1 (either order) to be drawn again. */
static void dirty_lines(struct tw *t, int32_t l0, int32_t l1)
{
    int32_t top = sel_at(&t->vt, 0, 0).line;
    for (int32_t r = 0; r < t->vt.rows; r++)
        if ((top + r >= l0 && top + r <= l1) || (top + r >= l1 && top + r <= l0))
            t->vt.dirty[r] = true;
}

static void sel_clear(struct tw *t)
{
    if (t->sel.on)
        dirty_lines(t, t->sel.a.line, t->sel.b.line);
    t->sel.on = false;
}

/* The left button: pressed starts a selection (a second press on the same cell soon
 * after selects its word), dragged extends it, released ends the drag. */
static void on_pointer(struct tw *t, const struct sos_input_event *e)
{
    struct sel_pos at = sel_at(&t->vt, (e->y - PAD) / g.ch, (e->x - PAD) / g.cw);
    if (e->type == SOS_INPUT_BUTTON && e->value == 1) {
        bool twice = e->time_ns && e->time_ns - t->click_ns < DOUBLE_CLICK_NS && at.line == t->click_at.line &&
                     at.col == t->click_at.col;
        t->click_ns = e->time_ns;
        t->click_at = at;
        sel_clear(t);
        t->dragging = !(twice && sel_word(&t->vt, at, &t->sel));
        if (t->dragging)
            t->sel = (struct sel){false, at, at};
        dirty_lines(t, at.line, at.line);
    } else if (e->type == SOS_INPUT_BUTTON) {
        t->dragging = false;
    } else if (t->dragging && (at.line != t->sel.b.line || at.col != t->sel.b.col)) {
        dirty_lines(t, t->sel.a.line, t->sel.b.line);
        t->sel.b = at;
        t->sel.on = true; /* it moved off the first cell */
        dirty_lines(t, t->sel.a.line, at.line);
    }
    show(t);
}

static void on_surface(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s, (void)pkt;
    struct tw *t = g.w[(uintptr_t)arg];
    struct sos_input_event e;
    while (t && tk_window_event(&t->win, &e)) {
        if (e.type == SOS_INPUT_KEY)
            on_key(t, &e);
        else if (e.type == SOS_INPUT_WHEEL && e.code == 0 && vt_scroll_view(&t->vt, 3 * e.value))
            show(t);
        else if (e.type == GFX_EVENT_CONFIGURE)
            configure(t, e.x, e.y);
        else if ((e.type == SOS_INPUT_BUTTON && e.code == 1) || (e.type == SOS_INPUT_MOTION && t->dragging))
            on_pointer(t, &e);
        else if (e.type == SOS_INPUT_BUTTON && e.code == 2 && e.value == 1)
            paste(t);
    }
}

/* A window whose session ended goes; the last one takes the program with it. */
static void close_terminal(uintptr_t i)
{
    struct tw *t = g.w[i];
    tk_window_close(&t->win);
    sos_handle_close(t->term);
    free(t);
    g.w[i] = NULL;
    for (int k = 0; k < WINDOWS; k++)
        if (g.w[k])
            return;
    printf("terminal: the last session ended\n");
    sl_server_stop(&g.srv, 0);
}

static void on_session(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s, (void)pkt;
    static uint8_t buf[4096 + 128];
    struct tw *t = g.w[(uintptr_t)arg];
    for (; t;) {
        struct sos_chan_read rd = {.bytes = buf, .bytes_cap = sizeof(buf)};
        int err = (int)sos_channel_read(t->term, &rd);
        if (err == SOS_ERR_SHOULD_WAIT)
            break;
        if (err) {
            printf("terminal: the session went away: %s\n", sos_strerror(err));
            if (err != SOS_ERR_PEER_CLOSED)
                exit(1);
            close_terminal((uintptr_t)arg);
            return;
        }
        struct sl_parse p;
        struct sos_msg_hdr h;
        uint32_t len = 0;
        const char *text = NULL;
        if (!sl_parse_begin(&p, buf, rd.actual_bytes, NULL, 0, &h) && h.ordinal == CONSOLE_OUTPUT)
            text = sl_parse_str(&p, &len);
        if (text && len) {
            sel_clear(t); /* its lines may have scrolled away */
            t->dragging = false;
            vt_write(&t->vt, text, len);
        }
    }
    if (t)
        show(t);
}

/* Tell the desktop what the rows say: when they changed (at most every SCENE_NS), and
 * every SCENE_AGAIN ticks in any case, so that a desktop that restarted has it soon.
 * One way (no reply): the desktop may itself be waiting on the root manager, which
 * may be waiting for us to stop. */
static void send_scene(struct tw *t, bool again)
{
    if (!t->scene_dirty && !again)
        return;
    t->scene_dirty = tk_window_describe(&t->win, &g.desktop) != 0; /* no desktop (yet): next tick */
}

static void on_scene_timer(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s, (void)pkt, (void)arg;
    static uint32_t ticks;
    bool again = ++ticks % SCENE_AGAIN == 0;
    for (int i = 0; i < WINDOWS; i++)
        if (g.w[i])
            send_scene(g.w[i], again);
}

/* One way: the shell may be busy with a command for a while (`uptime --wait`), and a
 * call would hold this program's loop, and its stop, until then. A refusal closes the
 * channel, which on_session sees. */
static int attach(struct tw *t, uintptr_t i)
{
    sos_handle_t ch[2], hb[1];
    uint8_t b[64];
    struct sl_msg q;
    int err = sl_conn_to_refresh(&g.console, sos_deadline_after(SOS_MS(5000)));
    if (err || (err = (int)sos_channel_create(0, ch)))
        return err;
    sl_msg_begin(&q, b, sizeof(b), hb, 1, CONSOLE_TERMINAL);
    sl_msg_hdr(&q)->flags |= SOS_MSG_NO_REPLY;
    sl_msg_put_handle(&q, ch[1]);
    err = sl_msg_send(g.console.ch, &q);
    sos_handle_close(ch[1]); /* fails harmlessly when it moved */
    if (err) {
        sos_handle_close(ch[0]);
        return err;
    }
    t->term = ch[0];
    return sl_server_watch(&g.srv, t->term, SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED, SOS_WAIT_ASYNC_REPEAT,
                           on_session, (void *)i);
}

/* A new window with a session of its own (each a little lower and to the right). */
static int open_terminal(void)
{
    uintptr_t i = 0;
    while (i < WINDOWS && g.w[i])
        i++;
    if (i == WINDOWS)
        return SOS_ERR_NO_RESOURCES;
    struct tw *t = calloc(1, sizeof(*t));
    if (!t)
        return SOS_ERR_NO_MEMORY;
    vt_init(&t->vt);
    int32_t off = 30 * (int32_t)i;
    int err = tk_window_open(&t->win, &g.gfx, WIN_X + off, WIN_Y + off, VT_COLS * g.cw + 2 * PAD,
                             VT_ROWS * g.ch + 2 * PAD, 1, g.theme.theme, &g.mono);
    if (err) {
        free(t);
        return err;
    }
    g.w[i] = t;
    build_scene(t);
    if ((err = redraw(t)) || (err = attach(t, i)) ||
        (err = sl_server_watch(&g.srv, t->win.s.ch, SOS_SIG_READABLE, SOS_WAIT_ASYNC_REPEAT, on_surface,
                               (void *)i))) {
        tk_window_close(&t->win);
        if (t->term)
            sos_handle_close(t->term);
        free(t);
        g.w[i] = NULL;
        return err;
    }
    printf("terminal: ready: surface %u, %dx%d cells of %dx%d pixels\n", t->win.s.id, VT_COLS, VT_ROWS, g.cw,
           g.ch);
    return 0;
}

/* appearance.theme changed: every window in the new colours. */
static void theme_changed(void *arg)
{
    (void)arg;
    for (int i = 0; i < WINDOWS; i++)
        if (g.w[i]) {
            tk_set_theme(&g.w[i]->win.sc, g.theme.theme);
            redraw(g.w[i]);
        }
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
    g.cw = tk_text_width(&g.mono, "M");
    g.ch = g.mono.ascent - g.mono.descent + 2;
    sl_conn_to_init(&g.gfx, "graphics", 0);
    sos_handle_t con = sos_startup_handle("console"); /* granted: the console's session */
    sl_conn_to_init(&g.console, con ? "console" : "shell", con);
    sl_conn_to_init(&g.desktop, "desktop", 0);
    sos_handle_t timer;
    if ((err = sl_service_init(&g.srv, NULL, 0, &g)) ||
        (tk_theme_follow_start(&g.theme, &g.srv, theme_changed, NULL), err = open_terminal()) ||
        (err = (int)sos_timer_create(0, &timer)) ||
        (err = (int)sos_timer_set(timer, sos_deadline_after(SCENE_NS), SCENE_NS)) ||
        (err = sl_server_watch(&g.srv, timer, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_REPEAT, on_scene_timer, NULL))) {
        printf("terminal: cannot start: %s (%s)\n", sos_strerror(err), gfx_why());
        return 1;
    }
    sl_service_ready();
    return sl_server_run(&g.srv);
}
