/*
 * desktop/shell/panel.c - the panel along the top (the launcher's "Apps" button, the
 * workspaces' buttons (the shown one in brackets), a task button for each window of
 * the shown workspace, the system's health from the status service, the time of day
 * from the kernel's clock of day (UTC: the system has no time zones), or the time since
 * boot on a machine without one), the launcher (the applications the root manager knows from the manifests that
 * say `app`, each a button that starts it through the root manager), and the
 * notifications (a toast for a few seconds, and the list kept for `desktop dump`).
 * The panel's surface also gets the keys pressed with Alt (SESSION_SHORTCUTS): the
 * desktop's keyboard shortcuts.
 * All of them are toolkit scenes on surfaces of our own.
 *
 * Layer: desktop (the desktop shell).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proto/mgr.h>
#include <proto/session.h>
#include <proto/status.h>

#include "civil.h"
#include "desktop.h"

#define LAUNCHER_W 280
#define TOAST_W 360
#define TOAST_H 56
#define TOAST_NS 4000000000ll
#define HEALTH_TICKS 10 /* the status service is asked every 10th tick */

int apps_refresh(void)
{
    uint8_t qb[32];
    uint8_t *rb = malloc(SOS_CHANNEL_MAX_BYTES);
    if (!rb)
        return SOS_ERR_NO_MEMORY;
    struct sl_msg q, r;
    sl_msg_begin(&q, qb, sizeof(qb), NULL, 0, MGR_LIST);
    sl_msg_begin(&r, rb, SOS_CHANNEL_MAX_BYTES, NULL, 0, MGR_LIST);
    int err = sl_conn_to_call(&g_d.rm, &q, &r, sos_deadline_after(SOS_MS(10000)));
    if (!err) {
        struct sl_parse p;
        sl_parse_begin(&p, r.bytes, r.len, NULL, 0, NULL);
        uint32_t n = sl_parse_u32(&p);
        g_d.napps = 0;
        for (uint32_t i = 0; i < n && !sl_parse_end(&p); i++) {
            const char *name = sl_parse_str(&p, NULL);
            uint32_t phase = sl_parse_u32(&p);
            sl_parse_u64(&p);
            sl_parse_u32(&p);
            sl_parse_u64(&p);
            uint32_t flags = sl_parse_u32(&p);
            const char *detail = sl_parse_str(&p, NULL);
            (void)detail;
            if (name && (flags & MGR_SVC_APP) && g_d.napps < APP_MAX) {
                struct app *a = &g_d.apps[g_d.napps++];
                snprintf(a->name, sizeof(a->name), "%s", name);
                a->phase = phase;
                a->description[0] = 0;
            }
        }
        err = sl_parse_end(&p);
    }
    free(rb);
    return err;
}

int app_launch(const char *name)
{
    int err = apps_refresh();
    if (err)
        return err;
    for (uint32_t i = 0; i < g_d.napps; i++)
        if (!strcmp(g_d.apps[i].name, name)) {
            err = rm_call_str(MGR_START, name);
            printf("desktop: launch %s: %s\n", name, err ? sos_strerror(err) : "started");
            return err;
        }
    return SOS_ERR_NOT_FOUND;
}

static void panel_event(const struct sos_input_event *e, void *arg);
static void launcher_event(const struct sos_input_event *e, void *arg);

static void build_launcher(void)
{
    struct tk_scene *s = &g_d.launcher.sc;
    struct tk_measure m = tk_measure_font(&g_d.sans);
    tk_scene_init(s, LAUNCHER_W, g_d.launcher.sc.n[0].h, &m, g_d.theme.theme);
    s->n[0].pad = 10;
    s->n[0].gap = 6;
    tk_add(s, 0, TK_TEXT, "Applications");
    int list = tk_add(s, 0, TK_LIST, NULL);
    s->n[list].gap = 4;
    for (uint32_t i = 0; i < g_d.napps && i < APP_MAX; i++) {
        g_d.app_button[i] = tk_add(s, list, TK_BUTTON, g_d.apps[i].name);
        tk_set_icon(s, g_d.app_button[i], tk_icon_for_app(g_d.apps[i].name), false);
    }
    tk_layout(s);
}

static void show_launcher(bool open)
{
    if (open) {
        apps_refresh();
        build_launcher();
        tk_window_show(&g_d.launcher);
    }
    g_d.launcher_open = open;
    tk_window_place(&g_d.launcher, 0, PANEL_H, Z_LAUNCHER, open ? GFX_SURF_VISIBLE | GFX_SURF_OPAQUE : 0);
}

/* The kernel's clock of day (hal_wall_clock_s: the host's in the simulator, the RTC on
 * QEMU), or 0 when the machine has none or we were not granted it (resource=stats). */
static int64_t wall_clock_s(void)
{
    struct sos_info_kstats k;
    if (!g_d.kernel || sos_object_get_info(g_d.kernel, SOS_INFO_KERNEL_STATS, &k, sizeof(k)) != sizeof(k))
        return 0;
    return k.wall_clock_s > 0 ? k.wall_clock_s : 0;
}

/* "14:05 UTC"; without a clock of day the time since boot, "up 00:01:23". */
static void clock_text(char *buf, size_t n)
{
    int64_t wall = wall_clock_s();
    if (wall) {
        struct civil_time t;
        civil_from_unix(wall, &t);
        snprintf(buf, n, "%02u:%02u UTC", t.hour, t.minute);
        return;
    }
    uint64_t s = (uint64_t)sos_clock_get() / 1000000000ull;
    snprintf(buf, n, "up %02llu:%02llu:%02llu", (unsigned long long)(s / 3600),
             (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60));
}

/* The system's overall health from a STATUS_QUERY reply ("system healthy"). */
static void health_from(const struct sl_msg *r, int err)
{
    struct sl_parse p;
    if (!err)
        err = sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    if (!err) {
        sl_parse_u64(&p);
        uint32_t overall = sl_parse_u32(&p);
        snprintf(g_d.health, sizeof(g_d.health), "system %s", health_name(overall));
    } else {
        snprintf(g_d.health, sizeof(g_d.health), "system ?");
    }
}

/* The first time, at start: a call. */
static void health_refresh(void)
{
    uint8_t qb[32];
    uint8_t *rb = malloc(SOS_CHANNEL_MAX_BYTES);
    if (!rb)
        return;
    struct sl_msg q, r;
    sl_msg_begin(&q, qb, sizeof(qb), NULL, 0, STATUS_QUERY);
    sl_msg_begin(&r, rb, SOS_CHANNEL_MAX_BYTES, NULL, 0, STATUS_QUERY);
    health_from(&r, sl_conn_to_call(&g_d.status, &q, &r, sos_deadline_after(SOS_MS(2000))));
    free(rb);
}

/*
 * Every HEALTH_TICKS after that: one way, the reply read when it comes. The status
 * service asks the root manager to answer, and the root manager, stopping the system,
 * waits for us to stop: a call here held our stop until it was killed.
 */
static struct {
    bool waiting;
    uint32_t txid;
    sos_time_t sent;
} g_health;

static void health_reply(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)pkt, (void)arg;
    uint8_t *buf = malloc(SOS_CHANNEL_MAX_BYTES);
    struct sos_chan_read rd = {.bytes = buf, .bytes_cap = SOS_CHANNEL_MAX_BYTES};
    int err = buf ? (int)sos_channel_read(g_d.status.ch, &rd) : SOS_ERR_NO_MEMORY;
    struct sos_msg_hdr h = {0};
    if (!err && rd.actual_bytes >= sizeof(h))
        memcpy(&h, buf, sizeof(h));
    if (err == SOS_ERR_SHOULD_WAIT || (!err && h.txid != g_health.txid)) { /* not ours: wait on */
        free(buf);
        sl_server_watch(s, g_d.status.ch, SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED, SOS_WAIT_ASYNC_ONCE,
                        health_reply, NULL);
        return;
    }
    struct sl_msg r = {.bytes = buf, .len = err ? 0 : rd.actual_bytes};
    health_from(&r, err ? err : h.status);
    free(buf);
    g_health.waiting = false;
    tk_set_text(&g_d.panel.sc, g_d.health_text, g_d.health);
    tk_window_show(&g_d.panel);
}

static void health_ask(void)
{
    if (g_health.waiting && sos_clock_get() - g_health.sent < 10 * SOS_MS(1000))
        return; /* one at a time (an answer lost for 10 s: ask again) */
    uint8_t qb[32];
    struct sl_msg q;
    sl_msg_begin(&q, qb, sizeof(qb), NULL, 0, STATUS_QUERY);
    g_health.txid = 0x40000000u | ((g_health.txid + 1) & 0xffffffu);
    sl_msg_hdr(&q)->txid = g_health.txid;
    int err = sl_conn_to_refresh(&g_d.status, sos_deadline_after(SOS_MS(100)));
    if (!err)
        err = sl_msg_send(g_d.status.ch, &q);
    if (!err && !g_health.waiting)
        err = sl_server_watch(&g_d.srv, g_d.status.ch, SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED, SOS_WAIT_ASYNC_ONCE,
                              health_reply, NULL);
    if (err) {
        snprintf(g_d.health, sizeof(g_d.health), "system ?");
        tk_set_text(&g_d.panel.sc, g_d.health_text, g_d.health);
        return;
    }
    g_health.waiting = true;
    g_health.sent = sos_clock_get();
}

void panel_update(void)
{
    struct tk_scene *s = &g_d.panel.sc;
    struct tk_measure m = tk_measure_font(&g_d.sans);
    tk_scene_init(s, g_d.sw, PANEL_H, &m, &tk_theme_dark);
    s->n[0].dir = TK_ROW;
    s->n[0].pad = 3;
    s->n[0].gap = 6;
    g_d.apps_button = tk_add(s, 0, TK_BUTTON, "Apps");
    for (uint32_t k = 0; k < WORKSPACES; k++) {
        char label[8];
        snprintf(label, sizeof(label), k == g_d.ws ? "[%u]" : "%u", k + 1);
        g_d.ws_button[k] = tk_add(s, 0, TK_BUTTON, label);
    }
    for (int i = 0; i < WIN_MAX; i++) {
        g_d.task[i] = -1;
        if (g_d.win[i].used && g_d.win[i].ws == g_d.ws) {
            char label[40];
            snprintf(label, sizeof(label), g_d.win[i].minimised ? "(%s)" : "%s", g_d.win[i].owner);
            g_d.task[i] = tk_add(s, 0, TK_BUTTON, label);
            tk_set_icon(s, g_d.task[i], tk_icon_for_app(g_d.win[i].owner), false);
        }
    }
    int gap = tk_add(s, 0, TK_BOX, NULL);
    s->n[gap].grow = true;
    if (!g_d.health[0])
        health_refresh();
    g_d.health_text = tk_add(s, 0, TK_TEXT, g_d.health);
    s->n[g_d.health_text].pad = 6;
    char now[32];
    clock_text(now, sizeof(now));
    g_d.clock = tk_add(s, 0, TK_TEXT, now);
    s->n[g_d.clock].pad = 6;
    tk_layout(s);
    tk_window_show(&g_d.panel);
}

void panel_tick(void)
{
    char now[32];
    clock_text(now, sizeof(now));
    tk_set_text(&g_d.panel.sc, g_d.clock, now);
    static uint32_t ticks;
    if (++ticks % HEALTH_TICKS == 0)
        health_ask();
    if (tk_window_show(&g_d.panel) == SOS_ERR_PEER_CLOSED) {
        printf("desktop: the graphics service went away: starting again\n");
        exit(1); /* the root manager restarts us on a new compositor */
    }
    if (g_d.toast_until && sos_clock_get() > g_d.toast_until) {
        g_d.toast_until = 0;
        tk_window_place(&g_d.toast, g_d.toast.x, g_d.toast.y, Z_TOAST, 0);
    }
}

#define HID_1 30u
#define HID_TAB 43u
#define HID_F1 58u

/* Alt+key (the session sends them to the panel: SESSION_SHORTCUTS): Alt+F1 the
 * launcher, Alt+Tab the next window, Alt+1 / Alt+2 a workspace. */
static void shortcut(uint32_t hid)
{
    if (hid == HID_F1)
        show_launcher(!g_d.launcher_open);
    else if (hid == HID_TAB)
        win_cycle();
    else if (hid >= HID_1 && hid < HID_1 + WORKSPACES)
        win_workspace(hid - HID_1);
}

static void panel_event(const struct sos_input_event *e, void *arg)
{
    (void)arg;
    if (e->type == SOS_INPUT_KEY && e->value == 1 && (e->mods & SOS_INPUT_MOD_ALT))
        shortcut(e->code);
    if (e->type != SOS_INPUT_BUTTON || e->code != 1 || e->value != 1)
        return;
    int hit = tk_hit(&g_d.panel.sc, e->x, e->y);
    if (hit >= 0 && hit == g_d.apps_button) {
        show_launcher(!g_d.launcher_open);
        return;
    }
    for (int i = 0; i < WIN_MAX; i++)
        if (hit >= 0 && hit == g_d.task[i] && g_d.win[i].used)
            win_set_minimised(&g_d.win[i], false);
    for (uint32_t k = 0; k < WORKSPACES; k++)
        if (hit >= 0 && hit == g_d.ws_button[k])
            win_workspace(k);
}

static void launcher_event(const struct sos_input_event *e, void *arg)
{
    (void)arg;
    if (e->type != SOS_INPUT_BUTTON || e->code != 1 || e->value != 1)
        return;
    int hit = tk_hit(&g_d.launcher.sc, e->x, e->y);
    for (uint32_t i = 0; i < g_d.napps; i++)
        if (hit >= 0 && hit == g_d.app_button[i]) {
            show_launcher(false);
            app_launch(g_d.apps[i].name);
        }
}

void notify(const char *text)
{
    if (g_d.nnotes == NOTE_MAX) {
        memmove(g_d.notes[0], g_d.notes[1], (NOTE_MAX - 1) * NOTE_LEN);
        g_d.nnotes--;
    }
    snprintf(g_d.notes[g_d.nnotes++], NOTE_LEN, "%s", text);
    struct tk_scene *s = &g_d.toast.sc;
    struct tk_measure m = tk_measure_font(&g_d.sans);
    tk_scene_init(s, TOAST_W, TOAST_H, &m, g_d.theme.theme);
    s->n[0].pad = 10;
    tk_add(s, 0, TK_TEXT, "Notification");
    tk_add(s, 0, TK_TEXT, text);
    tk_layout(s);
    tk_window_show(&g_d.toast);
    g_d.toast_until = sos_deadline_after(TOAST_NS);
    tk_window_place(&g_d.toast, g_d.toast.x, g_d.toast.y, Z_TOAST, GFX_SURF_VISIBLE | GFX_SURF_OPAQUE);
}

int panel_open(void)
{
    int err = tk_window_open(&g_d.panel, &g_d.gfx, 0, 0, g_d.sw, PANEL_H, Z_PANEL, &tk_theme_dark, &g_d.sans);
    int32_t lh = g_d.sh - PANEL_H - 40;
    if (!err)
        err = tk_window_open(&g_d.launcher, &g_d.gfx, 0, PANEL_H, LAUNCHER_W, lh > 200 ? (lh < 420 ? lh : 420) : 200,
                             Z_LAUNCHER, g_d.theme.theme, &g_d.sans);
    if (!err)
        err = tk_window_open(&g_d.toast, &g_d.gfx, g_d.sw - TOAST_W - 10, g_d.sh - TOAST_H - 10, TOAST_W, TOAST_H,
                             Z_TOAST, g_d.theme.theme, &g_d.sans);
    if (err)
        return err;
    apps_refresh();
    panel_update();
    build_launcher();
    tk_window_show(&g_d.launcher); /* first present: it exists, hidden until asked */
    show_launcher(false);
    tk_window_place(&g_d.toast, g_d.toast.x, g_d.toast.y, Z_TOAST, 0);
    watch_surface(&g_d.panel, panel_event, NULL);
    if (session_call(SESSION_SHORTCUTS, g_d.panel.s.id))
        printf("desktop: no keyboard shortcuts: the session did not take them\n");
    watch_surface(&g_d.launcher, launcher_event, NULL);
    return 0;
}

static size_t dump_window(const char *name, struct tk_window *w, bool shown, char *out, size_t cap)
{
    size_t len = (size_t)snprintf(out, cap, "%s%s\n", name, shown ? "" : " hidden");
    if (len + 1 >= cap)
        return cap ? cap - 1 : 0;
    return len + tk_dump(&w->sc, w->x, w->y, out + len, cap - len);
}

void panel_theme_changed(void *arg)
{
    (void)arg;
    tk_set_theme(&g_d.launcher.sc, g_d.theme.theme);
    tk_set_theme(&g_d.toast.sc, g_d.theme.theme);
    tk_window_show(&g_d.launcher);
    tk_window_show(&g_d.toast);
}

int panel_dump(char *out, size_t cap)
{
    size_t len = (size_t)snprintf(out, cap, "workspace %u of %u\ntheme %s\n", g_d.ws + 1, WORKSPACES,
                                  g_d.theme.name);
    if (len + 1 >= cap)
        return cap ? (int)cap - 1 : 0;
    len += dump_window("panel", &g_d.panel, true, out + len, cap - len);
    len += dump_window("launcher", &g_d.launcher, g_d.launcher_open, out + len, cap - len);
    for (uint32_t i = 0; i < g_d.nnotes && len + 1 < cap; i++)
        len += (size_t)snprintf(out + len, cap - len, "notification \"%s\"%s\n", g_d.notes[i],
                                i + 1 == g_d.nnotes && g_d.toast_until ? " shown" : "");
    return (int)(len < cap ? len : cap - 1);
}
