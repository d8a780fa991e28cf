/*
 * desktop/shell/desktop.c - the desktop shell: a product-layer service on top of the
 * graphics service (the compositor) and the session service (input focus), not inside
 * them. Its manifest gives it the window manager's rights (manage on graphics and on
 * session) and the root manager's read+manage: it lists the applications (services
 * whose manifest says `app`) and starts and stops them through the root manager,
 * never by spawning them itself.
 *
 * This file: start-up, the loop (a timer polls the compositor's surfaces for windows
 * and ticks the clock), input for our own surfaces, and the requests of
 * proto/desktop.h (apps, windows, launch, notify, dump, an application's scene,
 * workspaces, the clipboard: clip.c checks what it holds).
 * Windows and frames are windows.c; the panel, launcher and notifications panel.c.
 *
 * Layer: desktop (the desktop shell).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proto/mgr.h>

#include "clip.h"
#include "desktop.h"

#define TICK_NS 200000000ll
#define WATCH_MAX 64
#define PENDING_MAX 32

struct desktop g_d;
static struct clip g_clip;

struct watcher {
    struct tk_window *w;
    sos_handle_t ch;
    void (*fn)(const struct sos_input_event *e, void *arg);
    void *arg;
    struct sos_input_event pending[PENDING_MAX]; /* taken early by watch_moved */
    uint32_t npending;
};

static struct watcher g_watch[WATCH_MAX];
static uint32_t g_next_watch;

/* The next event on the watched surface's channel; false when none is waiting. */
static bool read_event(struct watcher *wt, struct sos_input_event *e)
{
    uint8_t buf[128];
    for (;;) {
        struct sos_chan_read rd = {.bytes = buf, .bytes_cap = sizeof(buf)};
        if (sos_channel_read(wt->ch, &rd))
            return false;
        struct sos_msg_hdr h;
        if (rd.actual_bytes != sizeof(h) + sizeof(*e))
            continue;
        memcpy(&h, buf, sizeof(h));
        memcpy(e, buf + sizeof(h), sizeof(*e));
        if (h.ordinal == GFX_SURF_EVENT)
            return true;
    }
}

static void on_surface(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s;
    (void)pkt;
    struct watcher *wt = arg;
    struct sos_input_event e;
    for (;;) {
        if (!wt->w->s.ch || wt->w->s.ch != wt->ch) {
            wt->npending = 0;
            return; /* the surface was closed (or its slot reused) */
        }
        if (wt->npending) {
            e = wt->pending[0];
            memmove(&wt->pending[0], &wt->pending[1], --wt->npending * sizeof(e));
        } else if (!read_event(wt, &e)) {
            return;
        }
        wt->fn(&e, wt->arg);
    }
}

/* Run the events taken early by watch_place (from the tick: the channel may have no
 * more to wake on_surface). */
void watch_flush(void)
{
    for (int i = 0; i < WATCH_MAX; i++)
        if (g_watch[i].npending && g_watch[i].w)
            on_surface(&g_d.srv, NULL, &g_watch[i]);
}

static struct watcher *watcher_of(struct tk_window *w)
{
    for (int i = 0; i < WATCH_MAX; i++)
        if (g_watch[i].w == w && w->s.ch && g_watch[i].ch == w->s.ch)
            return &g_watch[i];
    return NULL;
}

/* Read w's channel up to the reply `txid`: the events before it go to pending. */
static int take_until_reply(struct watcher *wt, uint32_t txid)
{
    uint8_t buf[128];
    sos_time_t dl = sos_deadline_after(GFX_TIMEOUT_NS);
    for (;;) {
        struct sos_chan_read rd = {.bytes = buf, .bytes_cap = sizeof(buf)};
        int err = (int)sos_channel_read(wt->ch, &rd);
        sos_signals_t seen;
        if (err == SOS_ERR_SHOULD_WAIT &&
            !(err = (int)sos_object_wait_one(wt->ch, SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED, dl, &seen)))
            continue;
        if (err)
            return err;
        struct sos_msg_hdr h;
        if (rd.actual_bytes < sizeof(h))
            continue;
        memcpy(&h, buf, sizeof(h));
        if ((h.flags & SOS_MSG_REPLY) && h.txid == txid)
            return h.status;
        if (h.ordinal == GFX_SURF_EVENT && rd.actual_bytes == sizeof(h) + sizeof(struct sos_input_event) &&
            wt->npending < PENDING_MAX)
            memcpy(&wt->pending[wt->npending++], buf + sizeof(h), sizeof(struct sos_input_event));
    }
}

/*
 * The compositor makes an event's x, y relative to the surface when it delivers it
 * (GFX_WM_DELIVER), on the surface's channel, the channel its GFX_SURF_CONFIGURE is
 * answered on. So the events queued before that answer were made for the old place,
 * those after it for the new: the first are taken now and moved by what the surface
 * moved, and a drag (by the title, or the left or top edge) sees every event relative
 * to where its frame is, however fast the pointer goes.
 */
int watch_place(struct tk_window *w, int32_t x, int32_t y, uint32_t z, uint32_t flags)
{
    static uint32_t next;
    struct watcher *wt = watcher_of(w);
    if (!wt)
        return tk_window_place(w, x, y, z, flags);
    uint8_t qb[96];
    struct sl_msg q;
    sl_msg_begin(&q, qb, sizeof(qb), NULL, 0, GFX_SURF_CONFIGURE);
    uint32_t txid = 0x60000000u | (++next & 0xffffffu), v[5] = {(uint32_t)x, (uint32_t)y, z, 255, flags};
    sl_msg_hdr(&q)->txid = txid;
    for (int i = 0; i < 5; i++)
        sl_msg_put_u32(&q, v[i]);
    int err = sl_msg_send(wt->ch, &q);
    if (!err)
        err = take_until_reply(wt, txid);
    if (err)
        return err;
    for (uint32_t k = 0; k < wt->npending; k++) {
        wt->pending[k].x += w->x - x;
        wt->pending[k].y += w->y - y;
    }
    w->x = x;
    w->y = y;
    w->z = z;
    w->flags = flags;
    return 0;
}

void watch_surface(struct tk_window *w, void (*fn)(const struct sos_input_event *e, void *arg), void *arg)
{
    struct watcher *wt = &g_watch[g_next_watch++ % WATCH_MAX];
    *wt = (struct watcher){.w = w, .ch = w->s.ch, .fn = fn, .arg = arg};
    sl_server_watch(&g_d.srv, w->s.ch, SOS_SIG_READABLE, SOS_WAIT_ASYNC_REPEAT, on_surface, wt);
}

int rm_call_str(uint32_t ordinal, const char *arg)
{
    uint8_t qb[128], rb[256];
    struct sl_msg q, r;
    sl_msg_begin(&q, qb, sizeof(qb), NULL, 0, ordinal);
    sl_msg_put_str(&q, arg);
    sl_msg_begin(&r, rb, sizeof(rb), NULL, 0, ordinal);
    return sl_conn_to_call(&g_d.rm, &q, &r, sos_deadline_after(SOS_MS(10000)));
}

/* ---- requests */

static bool allowed(struct sl_request *r, sos_rights_t need)
{
    const struct sl_peer *p = r->client;
    return p && p != (void *)r->srv && (p->rights & need) == need;
}

static int do_apps(struct sl_request *r)
{
    if (!allowed(r, SOS_RIGHT_READ))
        return SOS_ERR_ACCESS_DENIED;
    int err = apps_refresh();
    if (err)
        return err;
    sl_msg_put_u32(r->reply, g_d.napps);
    for (uint32_t i = 0; i < g_d.napps; i++) {
        sl_msg_put_str(r->reply, g_d.apps[i].name);
        sl_msg_put_u32(r->reply, g_d.apps[i].phase);
        sl_msg_put_str(r->reply, g_d.apps[i].description);
    }
    return 0;
}

static int do_windows(struct sl_request *r)
{
    if (!allowed(r, SOS_RIGHT_READ))
        return SOS_ERR_ACCESS_DENIED;
    win_poll();
    uint32_t n = 0;
    for (int i = 0; i < WIN_MAX; i++)
        n += g_d.win[i].used;
    sl_msg_put_u32(r->reply, n);
    for (int i = 0; i < WIN_MAX; i++) {
        const struct win *w = &g_d.win[i];
        if (!w->used)
            continue;
        sl_msg_put_u32(r->reply, w->id);
        sl_msg_put_str(r->reply, w->owner);
        sl_msg_put_u32(r->reply, (uint32_t)w->x);
        sl_msg_put_u32(r->reply, (uint32_t)w->y);
        sl_msg_put_u32(r->reply, w->w);
        sl_msg_put_u32(r->reply, w->h);
        sl_msg_put_u32(r->reply, w->minimised ? DESKTOP_WIN_MINIMISED
                                 : w->maximised ? DESKTOP_WIN_MAXIMISED : DESKTOP_WIN_NORMAL);
        sl_msg_put_u32(r->reply, w->ws + 1);
    }
    return 0;
}

static const char *one_str(struct sl_request *r)
{
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    const char *s = sl_parse_str(&p, NULL);
    return sl_parse_end(&p) ? NULL : s;
}

static int do_launch(struct sl_request *r)
{
    if (!allowed(r, SOS_RIGHT_WRITE))
        return SOS_ERR_ACCESS_DENIED;
    const char *name = one_str(r);
    return name ? app_launch(name) : SOS_ERR_INVALID_ARGS;
}

static int do_notify(struct sl_request *r)
{
    if (!allowed(r, SOS_RIGHT_WRITE))
        return SOS_ERR_ACCESS_DENIED;
    const char *text = one_str(r);
    if (!text || !*text)
        return SOS_ERR_INVALID_ARGS;
    notify(text);
    return 0;
}

static int do_workspace(struct sl_request *r)
{
    if (!allowed(r, SOS_RIGHT_WRITE))
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint32_t n = sl_parse_u32(&p);
    if (sl_parse_end(&p))
        return SOS_ERR_INVALID_ARGS;
    win_poll();
    return n >= 1 ? win_workspace(n - 1) : SOS_ERR_OUT_OF_RANGE;
}

static int do_dump(struct sl_request *r)
{
    if (!allowed(r, SOS_RIGHT_READ))
        return SOS_ERR_ACCESS_DENIED;
    win_poll();
    char *out = malloc(DESKTOP_DUMP_MAX);
    if (!out)
        return SOS_ERR_NO_MEMORY;
    size_t len = (size_t)snprintf(out, DESKTOP_DUMP_MAX, "screen %dx%d\n", g_d.sw, g_d.sh);
    len += (size_t)panel_dump(out + len, DESKTOP_DUMP_MAX - len);
    len += (size_t)win_dump(out + len, DESKTOP_DUMP_MAX - len);
    if (len + 1 < DESKTOP_DUMP_MAX)
        len += (size_t)snprintf(out + len, DESKTOP_DUMP_MAX - len, "clipboard %u bytes\n", g_clip.len);
    (void)len;
    sl_msg_put_str(r->reply, out);
    free(out);
    return 0;
}

/* DESKTOP_SCENE (u32 surface, str text): only the surface's owner may describe it. */
static int do_scene(struct sl_request *r)
{
    if (!allowed(r, SOS_RIGHT_WRITE))
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint32_t id = sl_parse_u32(&p), len = 0;
    const char *text = sl_parse_str(&p, &len);
    if (sl_parse_end(&p) || !text || len > DESKTOP_SCENE_MAX)
        return SOS_ERR_INVALID_ARGS;
    struct win *w = win_by_id(id);
    if (!w) {
        win_poll(); /* a window we have not seen yet */
        w = win_by_id(id);
    }
    if (!w)
        return SOS_ERR_NOT_FOUND;
    if (strcmp(w->owner, ((const struct sl_peer *)r->client)->name))
        return SOS_ERR_ACCESS_DENIED;
    char *copy = malloc(len + 1);
    if (!copy)
        return SOS_ERR_NO_MEMORY;
    memcpy(copy, text, len + 1);
    free(w->scene);
    w->scene = copy;
    return 0;
}

/* The clipboard outlives a restart of the desktop shell in its state page (resource=state,
 * docs/manifests.md): [u32 length][bytes], read back and checked as a set is. */
static sos_handle_t g_clip_state;

static void clip_keep(void)
{
    static struct {
        uint32_t len;
        char text[DESKTOP_CLIP_MAX];
    } kept;
    if (!g_clip_state)
        return;
    kept.len = g_clip.len;
    memcpy(kept.text, g_clip.text, g_clip.len);
    /* one write: a kill lands before it or after it, never between the length and the text */
    if (sos_vmo_write(g_clip_state, &kept, 0, sizeof(kept.len) + kept.len) < 0)
        printf("desktop: the clipboard is not kept for a restart: its state page refused the write\n");
}

static void clip_restore(void)
{
    static char saved[DESKTOP_CLIP_MAX];
    uint64_t size = 0;
    uint32_t len = 0;
    g_clip_state = sos_startup_handle("state");
    if (!g_clip_state || sos_vmo_get_size(g_clip_state, &size) < 0 ||
        size < sizeof(len) + DESKTOP_CLIP_MAX) {
        g_clip_state = 0; /* none, or too small: the clipboard starts empty at every start */
        return;
    }
    if (sos_vmo_read(g_clip_state, &len, 0, sizeof(len)) < 0 || len == 0)
        return;
    int err = len > DESKTOP_CLIP_MAX ? SOS_ERR_OUT_OF_RANGE
              : sos_vmo_read(g_clip_state, saved, sizeof(len), len) < 0 ? SOS_ERR_IO
                                                                       : clip_set(&g_clip, saved, len);
    if (err)
        printf("desktop: the clipboard kept before the restart is damaged (%u bytes: %s): it starts empty\n",
               (unsigned)len, sos_strerror(err));
}

/* DESKTOP_CLIP_SET (str text): write, like every app that copies. */
static int do_clip_set(struct sl_request *r)
{
    if (!allowed(r, SOS_RIGHT_WRITE))
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint32_t len = 0;
    const char *text = sl_parse_str(&p, &len);
    if (!text || sl_parse_end(&p)) /* no string, an embedded NUL, bytes after it */
        return SOS_ERR_INVALID_ARGS;
    int err = clip_set(&g_clip, text, len);
    if (!err)
        clip_keep();
    return err;
}

static int do_clip_get(struct sl_request *r)
{
    if (!allowed(r, SOS_RIGHT_WRITE))
        return SOS_ERR_ACCESS_DENIED;
    sl_msg_put_str(r->reply, g_clip.text);
    return 0;
}

static const struct sl_op g_ops[] = {
    {DESKTOP_APPS, sizeof(struct sos_msg_hdr), do_apps},
    {DESKTOP_WINDOWS, sizeof(struct sos_msg_hdr), do_windows},
    {DESKTOP_LAUNCH, sizeof(struct sos_msg_hdr), do_launch},
    {DESKTOP_NOTIFY, sizeof(struct sos_msg_hdr), do_notify},
    {DESKTOP_DUMP, sizeof(struct sos_msg_hdr), do_dump},
    {DESKTOP_SCENE, sizeof(struct sos_msg_hdr), do_scene},
    {DESKTOP_WORKSPACE, sizeof(struct sos_msg_hdr), do_workspace},
    {DESKTOP_CLIP_SET, sizeof(struct sos_msg_hdr), do_clip_set},
    {DESKTOP_CLIP_GET, sizeof(struct sos_msg_hdr), do_clip_get},
};

static void tick(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s;
    (void)pkt;
    (void)arg;
    win_poll();
    watch_flush();
    panel_tick();
}

static int screen_size(void)
{
    struct gfx_output o[4];
    uint32_t n = 0;
    int err = gfx_outputs(&g_d.gfx, o, 4, &n);
    if (err)
        return err;
    g_d.sw = n ? (int32_t)o[0].width : 1024;
    g_d.sh = n ? (int32_t)o[0].height : 768;
    return 0;
}

int main(void)
{
    uint64_t len = 0;
    const void *ttf = tk_map_resource("DejaVuSans.ttf", &len);
    int err = ttf ? tk_font_load(&g_d.sans, ttf, len, 15) : SOS_ERR_NOT_FOUND;
    if (err) {
        printf("desktop: cannot load DejaVu Sans: %s\n", sos_strerror(err));
        return 1;
    }
    sl_conn_to_init(&g_d.gfx, "graphics", 0);
    sl_conn_to_init(&g_d.session, "session", 0);
    sl_conn_to_init(&g_d.rm, "rootmgr", 0);
    sl_conn_to_init(&g_d.status, "status", 0);
    g_d.kernel = sos_startup_handle("stats"); /* none: the panel shows the time since boot */
    clip_restore();
    sos_handle_t timer;
    if ((err = sl_service_init(&g_d.srv, g_ops, sizeof(g_ops) / sizeof(g_ops[0]), &g_d)) ||
        (err = screen_size()) ||
        (tk_theme_follow_start(&g_d.theme, &g_d.srv, panel_theme_changed, NULL), err = panel_open()) || (err = (int)sos_timer_create(0, &timer)) ||
        (err = (int)sos_timer_set(timer, sos_deadline_after(TICK_NS), TICK_NS)) ||
        (err = sl_server_watch(&g_d.srv, timer, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_REPEAT, tick, NULL))) {
        printf("desktop: cannot start: %s (%s)\n", sos_strerror(err), gfx_why());
        return 1;
    }
    win_poll();
    printf("desktop: ready: screen %dx%d, %u apps\n", g_d.sw, g_d.sh, g_d.napps);
    sl_service_ready();
    return sl_server_run(&g_d.srv);
}
