/*
 * desktop/shell/windows.c - the windows: every visible surface of another client is a
 * window, and gets a frame, a surface of our own just below it (the application's
 * icon and title; minimise, maximise or restore, close, drawn as the toolkit's icons;
 * a border), drawn with the toolkit's scene.
 *
 * The compositor tells nobody when surfaces come and go, so the list is polled
 * (GFX_SURFACES, every tick and before each request that reports windows). The
 * stacking is ours: windows keep the order of their surfaces' z (the session raises
 * a clicked surface above everything), and are renumbered frame below client,
 * Z_WINDOWS upwards, under the panel (GFX_WM_CONFIGURE, our manage right).
 *
 * A press on a frame gives its window the keyboard (SESSION_FOCUS) and starts a drag
 * on the title (the session keeps sending the frame the pointer while the button is
 * held); the buttons minimise (hide; the panel's task button brings it back),
 * maximise (move to the top left below the panel, asking the client to fill the
 * screen, and back), and close (stop the application's service through the root manager).
 * A press on any border (or near a corner: both of its edges) starts a resize: each
 * motion asks the client for the size under the pointer (GFX_EVENT_CONFIGURE through
 * GFX_WM_DELIVER); the client resizes its own surface, to the nearest size it can draw,
 * and the frame follows when the poll sees the client's new size. Dragging the left or
 * top edge keeps the right or bottom one where it was: the window moves by what the
 * client's size changed, never left of the screen nor above the panel. A window belongs to the
 * workspace shown when it appeared; only the shown workspace's windows are visible. A
 * new window is put above the others and given the keyboard.
 *
 * Layer: desktop (the desktop shell).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proto/mgr.h>
#include <proto/session.h>

#include "desktop.h"

struct win *win_by_id(uint32_t id)
{
    for (int i = 0; i < WIN_MAX; i++)
        if (g_d.win[i].used && g_d.win[i].id == id)
            return &g_d.win[i];
    return NULL;
}

static int wm_configure(uint32_t id, int32_t x, int32_t y, uint32_t z, uint32_t flags)
{
    uint8_t qb[64], rb[128];
    struct sl_msg q, r;
    sl_msg_begin(&q, qb, sizeof(qb), NULL, 0, GFX_WM_CONFIGURE);
    uint32_t v[6] = {id, (uint32_t)x, (uint32_t)y, z, 255, flags};
    for (int i = 0; i < 6; i++)
        sl_msg_put_u32(&q, v[i]);
    sl_msg_begin(&r, rb, sizeof(rb), NULL, 0, GFX_WM_CONFIGURE);
    return sl_conn_to_call(&g_d.gfx, &q, &r, sos_deadline_after(GFX_TIMEOUT_NS));
}

int session_call(uint32_t ordinal, uint32_t id)
{
    uint8_t qb[32], rb[64];
    struct sl_msg q, r;
    sl_msg_begin(&q, qb, sizeof(qb), NULL, 0, ordinal);
    sl_msg_put_u32(&q, id);
    sl_msg_begin(&r, rb, sizeof(rb), NULL, 0, ordinal);
    return sl_conn_to_call(&g_d.session, &q, &r, sos_deadline_after(GFX_TIMEOUT_NS));
}

static void give_focus(uint32_t id) { session_call(SESSION_FOCUS, id); }

/* Alt+Tab: the lowest shown window of the workspace gets the keyboard and is raised,
 * so that repeating it goes round them all. */
void win_cycle(void)
{
    struct win *low = NULL;
    for (int i = 0; i < WIN_MAX; i++) {
        struct win *w = &g_d.win[i];
        if (w->used && !w->minimised && w->ws == g_d.ws && (!low || w->z < low->z))
            low = w;
    }
    if (low) {
        give_focus(low->id);
        win_poll(); /* restack under the panel at once */
    }
}

/* Put the client and its frame where w says, at the z of stack position i. */
static void place(struct win *w, uint32_t i)
{
    uint32_t vis = w->minimised || w->ws != g_d.ws ? 0 : GFX_SURF_VISIBLE;
    uint32_t fz = Z_WINDOWS + 2 * i;
    watch_place(&w->frame, w->x - BORDER, w->y - TITLE_H, fz, vis | GFX_SURF_OPAQUE);
    if (!wm_configure(w->id, w->x, w->y, fz + 1, vis | GFX_SURF_OPAQUE))
        w->z = fz + 1;
}

static void frame_event(const struct sos_input_event *e, void *arg);

static int open_frame(struct win *w)
{
    int32_t fw = (int32_t)w->w + 2 * BORDER, fh = (int32_t)w->h + TITLE_H + BORDER;
    int err = tk_window_open(&w->frame, &g_d.gfx, w->x - BORDER, w->y - TITLE_H, fw, fh,
                             w->z ? w->z - 1 : 0, &tk_theme_dark, &g_d.sans);
    if (err)
        return err;
    struct tk_scene *s = &w->frame.sc;
    int bar = tk_add(s, 0, TK_BOX, NULL);
    s->n[bar].dir = TK_ROW;
    s->n[bar].h = TITLE_H;
    s->n[bar].pad = 3;
    s->n[bar].gap = 4;
    w->title = tk_add(s, bar, TK_TEXT, w->owner);
    s->n[w->title].grow = true;
    s->n[w->title].pad = 4;
    w->bmin = tk_add(s, bar, TK_BUTTON, "_"); /* the texts name the controls in the dump */
    w->bmax = tk_add(s, bar, TK_BUTTON, "[]");
    w->bclose = tk_add(s, bar, TK_BUTTON, "x");
    tk_set_icon(s, w->title, tk_icon_for_app(w->owner), false);
    tk_set_icon(s, w->bmin, TK_ICON_MINIMISE, true);
    tk_set_icon(s, w->bmax, w->maximised ? TK_ICON_RESTORE : TK_ICON_MAXIMISE, true);
    tk_set_icon(s, w->bclose, TK_ICON_CLOSE, true);
    tk_layout(s);
    watch_surface(&w->frame, frame_event, (void *)(uintptr_t)(w - g_d.win) /* slot */);
    return tk_window_show(&w->frame);
}

void win_set_minimised(struct win *w, bool min)
{
    w->minimised = min;
    place(w, (w->z - Z_WINDOWS) / 2);
    if (!min)
        give_focus(w->id);
    panel_update();
}

int win_workspace(uint32_t n)
{
    if (n >= WORKSPACES)
        return SOS_ERR_OUT_OF_RANGE;
    g_d.ws = n;
    for (int i = 0; i < WIN_MAX; i++)
        if (g_d.win[i].used)
            place(&g_d.win[i], (g_d.win[i].z - Z_WINDOWS) / 2);
    panel_update();
    return 0;
}

static void ask_size(struct win *w, int32_t wd, int32_t ht);

/* Maximise: the top left below the panel, and the client asked to fill the screen;
 * and back to where it was, at the size it had. */
static void toggle_max(struct win *w)
{
    if (!w->maximised) {
        w->restore_x = w->x;
        w->restore_y = w->y;
        w->restore_w = w->w;
        w->restore_h = w->h;
        w->x = BORDER;
        w->y = PANEL_H + TITLE_H;
        w->anchor = 0; /* grows from the top left */
    } else {
        w->x = w->restore_x;
        w->y = w->restore_y;
    }
    w->maximised = !w->maximised;
    tk_set_icon(&w->frame.sc, w->bmax, w->maximised ? TK_ICON_RESTORE : TK_ICON_MAXIMISE, true);
    tk_window_show(&w->frame);
    place(w, (w->z - Z_WINDOWS) / 2);
    if (w->maximised)
        ask_size(w, g_d.sw - 2 * BORDER, g_d.sh - PANEL_H - TITLE_H - BORDER);
    else
        ask_size(w, (int32_t)w->restore_w, (int32_t)w->restore_h);
}

/* Ask the client for a new size (it answers by resizing its surface, or not). */
static void ask_size(struct win *w, int32_t wd, int32_t ht)
{
    wd = wd < MIN_W ? MIN_W : wd > g_d.sw - 2 * BORDER ? g_d.sw - 2 * BORDER : wd;
    ht = ht < MIN_H ? MIN_H : ht > g_d.sh - PANEL_H - TITLE_H - BORDER ? g_d.sh - PANEL_H - TITLE_H - BORDER : ht;
    struct sos_input_event e = {.type = GFX_EVENT_CONFIGURE, .x = wd, .y = ht};
    uint8_t qb[96], rb[128];
    struct sl_msg q, r;
    sl_msg_begin(&q, qb, sizeof(qb), NULL, 0, GFX_WM_DELIVER);
    sl_msg_put_u32(&q, w->id);
    sl_msg_put(&q, &e, sizeof(e));
    sl_msg_begin(&r, rb, sizeof(rb), NULL, 0, GFX_WM_DELIVER);
    if (sl_conn_to_call(&g_d.gfx, &q, &r, sos_deadline_after(GFX_TIMEOUT_NS)))
        printf("desktop: cannot ask %s for %dx%d: %s\n", w->owner, wd, ht, gfx_why());
}

/* The border under a press in the frame (the client covers the inside; the top
 * border is the title bar's top BORDER pixels). Near a corner: both of its edges. */
static uint32_t border_at(const struct win *w, int32_t x, int32_t y)
{
    int32_t fw = (int32_t)w->w + 2 * BORDER, fh = (int32_t)w->h + TITLE_H + BORDER, near = 4 * BORDER;
    uint32_t edges = (x < BORDER ? RESIZE_LEFT : 0) | (x >= fw - BORDER ? RESIZE_RIGHT : 0) |
                     (y < BORDER ? RESIZE_TOP : 0) | (y >= fh - BORDER ? RESIZE_BOTTOM : 0);
    if (edges & (RESIZE_TOP | RESIZE_BOTTOM))
        edges |= (x < near ? RESIZE_LEFT : 0) | (x >= fw - near ? RESIZE_RIGHT : 0);
    if (edges & (RESIZE_LEFT | RESIZE_RIGHT))
        edges |= (y < near ? RESIZE_TOP : 0) | (y >= fh - near ? RESIZE_BOTTOM : 0);
    return edges;
}

/* The size under the pointer (e relative to the frame where it is now). Dragging the
 * left or top edge, the right or bottom one stays: the size may not take the window
 * left of the screen or its title under the panel. */
static void resize_motion(struct win *w, const struct sos_input_event *e)
{
    int32_t dx = w->frame.x + e->x - w->rs_px, dy = w->frame.y + e->y - w->rs_py;
    int32_t wd = w->rs_w + (w->resizing & RESIZE_RIGHT ? dx : w->resizing & RESIZE_LEFT ? -dx : 0);
    int32_t ht = w->rs_h + (w->resizing & RESIZE_BOTTOM ? dy : w->resizing & RESIZE_TOP ? -dy : 0);
    if ((w->resizing & RESIZE_LEFT) && wd > w->right - BORDER)
        wd = w->right - BORDER;
    if ((w->resizing & RESIZE_TOP) && ht > w->bottom - PANEL_H - TITLE_H)
        ht = w->bottom - PANEL_H - TITLE_H;
    ask_size(w, wd, ht);
}

/* A press on the frame, not on a button: the keyboard to the client, and a drag by the
 * title or a resize by a border begins. */
static void frame_press(struct win *w, const struct sos_input_event *e)
{
    give_focus(w->id);
    w->resizing = border_at(w, e->x, e->y);
    w->dragging = !w->resizing && e->y < TITLE_H;
    w->anchor = w->resizing & (RESIZE_LEFT | RESIZE_TOP);
    w->right = w->x + (int32_t)w->w;
    w->bottom = w->y + (int32_t)w->h;
    w->rs_w = (int32_t)w->w;
    w->rs_h = (int32_t)w->h;
    w->rs_px = w->frame.x + e->x;
    w->rs_py = w->frame.y + e->y;
    w->grab_x = e->x;
    w->grab_y = e->y;
}

static void frame_event(const struct sos_input_event *e, void *arg)
{
    struct win *w = &g_d.win[(uintptr_t)arg];
    if (!w->used)
        return;
    if (e->type == SOS_INPUT_BUTTON && e->code == 1 && e->value == 1) {
        int hit = tk_hit(&w->frame.sc, e->x, e->y);
        if (hit == w->bclose) {
            printf("desktop: closing %s\n", w->owner);
            rm_call_str(MGR_STOP, w->owner);
        } else if (hit == w->bmin) {
            win_set_minimised(w, true);
        } else if (hit == w->bmax) {
            toggle_max(w);
        } else {
            frame_press(w, e);
        }
    } else if (e->type == SOS_INPUT_BUTTON && e->value == 0) {
        w->dragging = false;
        w->resizing = 0;
    } else if (e->type == SOS_INPUT_MOTION && w->resizing) {
        resize_motion(w, e);
    } else if (e->type == SOS_INPUT_MOTION && w->dragging) {
        /* e is relative to the frame where it is now */
        int32_t dx = e->x - w->grab_x, dy = e->y - w->grab_y;
        if (w->y + dy < PANEL_H + TITLE_H)
            dy = PANEL_H + TITLE_H - w->y;
        if (dx || dy) {
            w->x += dx;
            w->y += dy;
            w->maximised = false;
            place(w, (w->z - Z_WINDOWS) / 2);
        }
    }
}

static bool ours(const struct gfx_surface_info *s)
{
    return !strcmp(s->owner, "desktop");
}

static void forget(struct win *w)
{
    tk_window_close(&w->frame);
    free(w->scene);
    memset(w, 0, sizeof(*w));
}

static void adopt(const struct gfx_surface_info *s)
{
    for (int i = 0; i < WIN_MAX; i++) {
        struct win *w = &g_d.win[i];
        if (w->used)
            continue;
        *w = (struct win){.used = true, .id = s->id, .gen = ++g_d.gen, .x = s->x, .y = s->y,
                          .w = s->w, .h = s->h, .z = s->z, .ws = g_d.ws};
        snprintf(w->owner, sizeof(w->owner), "%s", s->owner);
        if (w->y < PANEL_H + TITLE_H) /* below the panel, its title on screen */
            w->y = PANEL_H + TITLE_H;
        if (w->x < BORDER)
            w->x = BORDER;
        if (open_frame(w)) {
            printf("desktop: no frame for %s's surface %u: %s\n", w->owner, w->id, gfx_why());
            forget(w);
            return;
        }
        w->z = UINT32_MAX; /* a new window goes on top (restack) and gets the keyboard */
        give_focus(w->id);
        return;
    }
}

/* Keep the windows in their surfaces' order, renumbered from Z_WINDOWS. */
static void restack(void)
{
    struct win *order[WIN_MAX];
    uint32_t n = 0;
    for (int i = 0; i < WIN_MAX; i++)
        if (g_d.win[i].used)
            order[n++] = &g_d.win[i];
    for (uint32_t i = 1; i < n; i++) /* insertion sort by z */
        for (uint32_t j = i; j > 0 && order[j]->z < order[j - 1]->z; j--) {
            struct win *t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (uint32_t i = 0; i < n; i++)
        if (order[i]->z != Z_WINDOWS + 2 * i + 1 || order[i]->frame.z != Z_WINDOWS + 2 * i)
            place(order[i], i);
}

/* The client took another size (a resize it was asked for): the frame follows, and
 * after a drag on the left or top edge the window moves so that the right or bottom
 * edge stays where it was (on the screen, below the panel). */
static void follow_size(struct win *w, const struct gfx_surface_info *s)
{
    if (s->w == w->w && s->h == w->h)
        return;
    w->w = s->w;
    w->h = s->h;
    int err = tk_window_resize(&w->frame, (int32_t)w->w + 2 * BORDER, (int32_t)w->h + TITLE_H + BORDER);
    if (err)
        printf("desktop: the frame of %s cannot follow its size: %s\n", w->owner, gfx_why());
    if (w->anchor & RESIZE_LEFT)
        w->x = w->right - (int32_t)w->w < BORDER ? BORDER : w->right - (int32_t)w->w;
    if (w->anchor & RESIZE_TOP)
        w->y = w->bottom - (int32_t)w->h < PANEL_H + TITLE_H ? PANEL_H + TITLE_H : w->bottom - (int32_t)w->h;
    if (w->anchor)
        place(w, (w->z - Z_WINDOWS) / 2);
    printf("desktop: %s's window %u is now %ux%u\n", w->owner, w->id, w->w, w->h);
}

void win_poll(void)
{
    static struct gfx_surface_info list[GFX_LIST_MAX];
    uint32_t n = 0;
    if (gfx_surfaces(&g_d.gfx, list, GFX_LIST_MAX, &n))
        return;
    bool changed = false;
    for (int i = 0; i < WIN_MAX; i++) {
        struct win *w = &g_d.win[i];
        bool seen = false;
        for (uint32_t k = 0; w->used && k < n; k++)
            if (list[k].id == w->id) {
                seen = true;
                w->z = list[k].z;
                follow_size(w, &list[k]);
            }
        if (w->used && !seen) {
            forget(w);
            changed = true;
        }
    }
    for (uint32_t k = 0; k < n; k++)
        if (!ours(&list[k]) && list[k].presents && !win_by_id(list[k].id)) {
            adopt(&list[k]);
            changed = true;
        }
    restack();
    if (changed)
        panel_update();
}

int win_dump(char *out, size_t cap)
{
    size_t len = 0;
    for (int i = 0; i < WIN_MAX && len + 1 < cap; i++) {
        struct win *w = &g_d.win[i];
        if (!w->used)
            continue;
        len += (size_t)snprintf(out + len, cap - len, "window %u %s %d,%d %ux%u%s%s workspace %u%s\n",
                                w->id, w->owner, w->x, w->y, w->w, w->h, w->minimised ? " minimised" : "",
                                w->maximised ? " maximised" : "", w->ws + 1, w->ws != g_d.ws ? " hidden" : "");
        if (len + 1 >= cap)
            break;
        len += snprintf(out + len, cap - len, "  frame\n");
        if (len + 1 >= cap)
            break;
        len += tk_dump(&w->frame.sc, w->frame.x, w->frame.y, out + len, cap - len);
        if (w->scene && len + 1 < cap) /* the application's dump, moved to where the window is now */
            len += (size_t)snprintf(out + len, cap - len, "  scene\n");
        if (w->scene && len + 1 < cap)
            len += tk_dump_move(w->scene, w->x, w->y, out + len, cap - len);
    }
    return (int)(len < cap ? len : cap - 1);
}
