/*
 * desktop/apps/monitor/monitor.c - the monitor: a window with the services and their
 * phases, the running processes with their CPU and memory, and graphs of both over
 * time, all from the root manager (MGR_LIST and MGR_PS through client/mgrinfo.h,
 * asked once a second on a read-only handle). A click on a service selects it; the
 * Restart button asks the root manager to restart it (MGR_RESTART), which needs
 * manage: the manifest grants read only, so the root manager refuses and the window
 * says why and what would grant it. A third graph is the IPC rate: the messages the
 * kernel carried per second, from the kernel statistics (SOS_INFO_KERNEL_STATS on the
 * `stats` resource), scaled to the most over the window.
 *
 * CPU is the processes' CPU time over the last second (percent of one core; the
 * graph's top is 100%); memory is the sum of their mapped bytes, graphed against a
 * scale of the peak rounded up to 16 MB. Everything is a toolkit scene (text rows,
 * three graphs, a button) drawn with tk_window_show; its dump goes to the desktop
 * shell (DESKTOP_SCENE) after every change, so `desktop dump` shows what it says.
 *
 * Layer: desktop (an application).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <client/graphics.h>
#include <client/mgrinfo.h>
#include <proto/desktop.h>
#include <tk/theme.h>
#include <tk/app.h>
#include <tk/window.h>

#define WIN_X 130
#define WIN_Y 80
#define WIN_W 860 /* the three graphs' labels in one row */
#define WIN_H 640
#define ROWS 28          /* service rows and process rows shown */
#define TICK_NS 1000000000ll

static struct {
    struct tk_app app; /* the window's set-up, the theme (appearance.theme), the loop */
    struct sl_conn_to rm;
    struct tk_window win;
    int svc_row[ROWS], proc_row[ROWS], cpu_label, cpu_graph, mem_label, mem_graph, restart, message;
    struct mgr_svc svc[MGRINFO_MAX];
    uint32_t nsvc, top; /* top: the first service shown (the wheel scrolls the list) */
    char selected[32];
    struct { uint64_t pid, cpu_ns; } prev[MGRINFO_MAX];
    uint32_t nprev;
    sos_time_t prev_at;
    int32_t cpu_hist[TK_GRAPH_MAX];
    uint64_t mem_hist[TK_GRAPH_MAX];
    uint32_t nhist;
    sos_handle_t kernel; /* the `stats` resource: the kernel statistics only */
    int ipc_label, ipc_graph;
    uint64_t ipc_prev, ipc_hist[TK_GRAPH_MAX]; /* messages then; messages per second */
    sos_time_t ipc_at;                         /* the kernel's uptime at ipc_prev */
    uint32_t nipc;
} g;

/* v / unit with one decimal ("12.3"): services have no floating-point printf. */
static const char *tenths(uint64_t v, uint64_t unit, char *out, size_t cap)
{
    uint64_t t = unit ? (v * 10 + unit / 2) / unit : 0;
    snprintf(out, cap, "%llu.%llu", (unsigned long long)(t / 10), (unsigned long long)(t % 10));
    return out;
}

static void show(void) { tk_app_show(&g.app); }

/* The CPU time a process used since the previous tick (0 for one new since). */
static uint64_t cpu_since(const struct mgr_proc *p)
{
    for (uint32_t i = 0; i < g.nprev; i++)
        if (g.prev[i].pid == p->pid)
            return p->cpu_ns > g.prev[i].cpu_ns ? p->cpu_ns - g.prev[i].cpu_ns : 0;
    return 0;
}

/* The service shown in row i, or -1: with more services than rows, the last row says
 * how many are below and above the window onto the list (the wheel moves it). */
static int svc_at_row(uint32_t i)
{
    uint32_t n = g.nsvc > ROWS ? ROWS - 1 : ROWS;
    return i < n && g.top + i < g.nsvc ? (int)(g.top + i) : -1;
}

static void show_services(void)
{
    char line[TK_TEXT_MAX];
    uint32_t most = g.nsvc > ROWS ? g.nsvc - (ROWS - 1) : 0; /* the list may have shrunk */
    if (g.top > most)
        g.top = most;
    int width = 14; /* the name column: the longest name, within what the column holds */
    for (uint32_t k = 0; k < g.nsvc; k++)
        if ((int)strlen(g.svc[k].name) > width)
            width = (int)strlen(g.svc[k].name);
    width = width > 22 ? 22 : width;
    for (uint32_t i = 0; i < ROWS; i++) {
        int k = svc_at_row(i);
        line[0] = 0;
        if (k >= 0)
            snprintf(line, sizeof(line), "%s %-*.*s %s", strcmp(g.svc[k].name, g.selected) ? " " : ">", width,
                     width, g.svc[k].name, svc_phase_name(g.svc[k].phase));
        else if (i == ROWS - 1 && g.nsvc > ROWS)
            snprintf(line, sizeof(line), "  (%u more below, %u above: the wheel scrolls)",
                     (unsigned)(g.nsvc - g.top - (ROWS - 1)), (unsigned)g.top);
        tk_set_text(&g.win.sc, g.svc_row[i], line);
    }
}

static void on_wheel(int32_t steps)
{
    uint32_t most = g.nsvc > ROWS ? g.nsvc - (ROWS - 1) : 0;
    int64_t top = (int64_t)g.top - steps * 3;
    g.top = top < 0 ? 0 : top > most ? most : (uint32_t)top;
    show_services();
    show();
}

/* The graphs: the last TK_GRAPH_MAX seconds of CPU and memory. */
static void push_sample(int32_t cpu_pct, uint64_t mem)
{
    if (g.nhist == TK_GRAPH_MAX) {
        memmove(g.cpu_hist, g.cpu_hist + 1, sizeof(g.cpu_hist) - sizeof(g.cpu_hist[0]));
        memmove(g.mem_hist, g.mem_hist + 1, sizeof(g.mem_hist) - sizeof(g.mem_hist[0]));
        g.nhist--;
    }
    g.cpu_hist[g.nhist] = cpu_pct;
    g.mem_hist[g.nhist++] = mem;
    uint64_t peak = 0;
    for (uint32_t i = 0; i < g.nhist; i++)
        peak = g.mem_hist[i] > peak ? g.mem_hist[i] : peak;
    uint64_t scale = (peak / (16u << 20) + 1) * (16u << 20);
    int32_t mem_pct[TK_GRAPH_MAX];
    for (uint32_t i = 0; i < g.nhist; i++)
        mem_pct[i] = (int32_t)(g.mem_hist[i] * 100 / scale);
    tk_graph_set(&g.win.sc, g.cpu_graph, g.cpu_hist, g.nhist);
    tk_graph_set(&g.win.sc, g.mem_graph, mem_pct, g.nhist);
    char label[TK_TEXT_MAX];
    snprintf(label, sizeof(label), "CPU %d%% of one core (last %u s)", cpu_pct, g.nhist);
    tk_set_text(&g.win.sc, g.cpu_label, label);
    tk_set_text(&g.win.sc, g.cpu_graph, label);
    char mb[24];
    snprintf(label, sizeof(label), "memory %s MB mapped (scale %u MB)", tenths(mem, 1u << 20, mb, sizeof(mb)),
             (unsigned)(scale >> 20));
    tk_set_text(&g.win.sc, g.mem_label, label);
    tk_set_text(&g.win.sc, g.mem_graph, label);
}

/* The IPC graph: messages per second since the previous tick, over the last
 * TK_GRAPH_MAX ticks, 100% being the most of them. */
static void push_ipc(uint64_t rate)
{
    if (g.nipc == TK_GRAPH_MAX) {
        memmove(g.ipc_hist, g.ipc_hist + 1, sizeof(g.ipc_hist) - sizeof(g.ipc_hist[0]));
        g.nipc--;
    }
    g.ipc_hist[g.nipc++] = rate;
    uint64_t top = 1;
    for (uint32_t i = 0; i < g.nipc; i++)
        top = g.ipc_hist[i] > top ? g.ipc_hist[i] : top;
    int32_t pct[TK_GRAPH_MAX];
    for (uint32_t i = 0; i < g.nipc; i++)
        pct[i] = (int32_t)(g.ipc_hist[i] * 100 / top);
    tk_graph_set(&g.win.sc, g.ipc_graph, pct, g.nipc);
    char label[TK_TEXT_MAX];
    snprintf(label, sizeof(label), "IPC %llu msg/s (max %llu)", (unsigned long long)rate,
             (unsigned long long)top);
    tk_set_text(&g.win.sc, g.ipc_label, label);
    tk_set_text(&g.win.sc, g.ipc_graph, label);
}

static void ipc_sample(void)
{
    struct sos_info_kstats k;
    if (!g.kernel)
        g.kernel = sos_startup_handle("stats");
    int64_t err = sos_object_get_info(g.kernel, SOS_INFO_KERNEL_STATS, &k, sizeof(k));
    if (err < 0) {
        char m[TK_TEXT_MAX];
        snprintf(m, sizeof(m), "IPC: no kernel statistics: %s", sos_strerror((int)err));
        tk_set_text(&g.win.sc, g.ipc_label, m);
        return;
    }
    if (g.ipc_at && k.uptime_ns > g.ipc_at)
        push_ipc((k.ipc_messages - g.ipc_prev) * 1000000000ull / (uint64_t)(k.uptime_ns - g.ipc_at));
    g.ipc_prev = k.ipc_messages;
    g.ipc_at = k.uptime_ns;
}

static void refresh(void)
{
    ipc_sample();
    static struct mgr_proc ps[MGRINFO_MAX];
    uint32_t nps = 0;
    int err = mgr_list(&g.rm, g.svc, MGRINFO_MAX, &g.nsvc);
    if (!err)
        err = mgr_ps(&g.rm, ps, MGRINFO_MAX, &nps);
    if (err) {
        char m[TK_TEXT_MAX];
        snprintf(m, sizeof(m), "the root manager did not answer: %s", sos_strerror(err));
        tk_set_text(&g.win.sc, g.message, m);
        show();
        return;
    }
    sos_time_t now = sos_deadline_after(0);
    uint64_t span = g.prev_at && now > g.prev_at ? (uint64_t)(now - g.prev_at) : 0; /* ns */
    uint64_t cpu = 0, mem = 0;
    char line[TK_TEXT_MAX], pct[24], mb[24];
    for (uint32_t i = 0, row = 0; row < ROWS; i++) {
        if (i >= nps) {
            tk_set_text(&g.win.sc, g.proc_row[row++], "");
            continue;
        }
        if (ps[i].state != SOS_PROC_RUNNING)
            continue;
        uint64_t used = cpu_since(&ps[i]);
        cpu += used;
        mem += ps[i].mapped_bytes;
        snprintf(line, sizeof(line), "%4llu %-12s %5s%% %7s MB", (unsigned long long)ps[i].pid, ps[i].name,
                 tenths(used * 100, span, pct, sizeof(pct)), tenths(ps[i].mapped_bytes, 1u << 20, mb, sizeof(mb)));
        tk_set_text(&g.win.sc, g.proc_row[row++], line);
    }
    for (uint32_t i = 0; i < nps && i < MGRINFO_MAX; i++)
        g.prev[i].pid = ps[i].pid, g.prev[i].cpu_ns = ps[i].cpu_ns;
    g.nprev = nps;
    if (span)
        push_sample((int32_t)(cpu * 100 / span), mem);
    g.prev_at = now;
    show_services();
    show();
}

static void restart_selected(void)
{
    char m[TK_TEXT_MAX];
    if (!g.selected[0]) {
        tk_set_text(&g.win.sc, g.message, "select a service first (click its name)");
        return;
    }
    uint8_t qb[128], rb[256];
    struct sl_msg q, r;
    sl_msg_begin(&q, qb, sizeof(qb), NULL, 0, MGR_RESTART);
    sl_msg_put_str(&q, g.selected);
    sl_msg_begin(&r, rb, sizeof(rb), NULL, 0, MGR_RESTART);
    int err = sl_conn_to_call(&g.rm, &q, &r, sos_deadline_after(SOS_MS(10000)));
    if (err == SOS_ERR_ACCESS_DENIED)
        snprintf(m, sizeof(m), "restart %s refused: this app may only read the root manager", g.selected);
    else if (err)
        snprintf(m, sizeof(m), "restart %s failed: %s", g.selected, sos_strerror(err));
    else
        snprintf(m, sizeof(m), "restarted %s", g.selected);
    printf("monitor: %s\n", m);
    tk_set_text(&g.win.sc, g.message, m);
}

static void on_click(int32_t x, int32_t y)
{
    int hit = tk_hit(&g.win.sc, x, y);
    if (hit < 0)
        return;
    if (hit == g.restart) {
        restart_selected();
        show();
        return;
    }
    for (uint32_t i = 0; i < ROWS; i++)
        if (hit == g.svc_row[i] && svc_at_row(i) >= 0) {
            snprintf(g.selected, sizeof(g.selected), "%s", g.svc[svc_at_row(i)].name);
            tk_set_text(&g.win.sc, g.message, "");
            show_services();
            show();
        }
}

static void on_tick(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s, (void)pkt, (void)arg;
    refresh();
}

/* A column under `parent` headed by `title`. */
static int column(int parent, const char *title, int32_t w)
{
    int c = tk_add(&g.win.sc, parent, TK_BOX, NULL);
    g.win.sc.n[c].w = w;
    g.win.sc.n[c].gap = 1;
    g.win.sc.n[c].grow = w == 0;
    tk_add(&g.win.sc, c, TK_TEXT, title);
    return c;
}

static int open_window(void)
{
    struct tk_scene *sc = &g.win.sc;
    sc->n[0].pad = 10;
    sc->n[0].gap = 8;
    int lists = tk_add(sc, 0, TK_BOX, NULL);
    sc->n[lists].dir = TK_ROW;
    sc->n[lists].gap = 12;
    sc->n[lists].grow = true;
    int sv = column(lists, "Services (click to select)", 300), pr = column(lists, "Processes: pid, name, CPU, memory", 0);
    for (int i = 0; i < ROWS; i++) {
        g.svc_row[i] = tk_add(sc, sv, TK_TEXT, "");
        g.proc_row[i] = tk_add(sc, pr, TK_TEXT, "");
    }
    int graphs = tk_add(sc, 0, TK_BOX, NULL);
    sc->n[graphs].dir = TK_ROW;
    sc->n[graphs].gap = 12;
    int cpu = column(graphs, "", 0), mem = column(graphs, "", 0), ipc = column(graphs, "", 216);
    g.cpu_label = sc->n[cpu].first, g.mem_label = sc->n[mem].first, g.ipc_label = sc->n[ipc].first;
    g.cpu_graph = tk_add(sc, cpu, TK_GRAPH, "CPU");
    g.mem_graph = tk_add(sc, mem, TK_GRAPH, "memory");
    g.ipc_graph = tk_add(sc, ipc, TK_GRAPH, "IPC");
    int bar = tk_add(sc, 0, TK_BOX, NULL);
    sc->n[bar].dir = TK_ROW;
    sc->n[bar].gap = 12;
    g.restart = tk_add(sc, bar, TK_BUTTON, "Restart");
    g.message = tk_add(sc, bar, TK_TEXT, "");
    sc->n[g.message].grow = true;
    if (g.message < 0)
        return SOS_ERR_NO_MEMORY; /* the scene is full: the nodes above did not all fit */
    tk_layout(sc);
    return tk_window_show(&g.win); /* presented before we are ready: a window at once */
}

int main(void)
{
    sl_conn_to_init(&g.rm, "rootmgr", 0);
    g.app = (struct tk_app){.name = "monitor", .win = &g.win, .font_file = "DejaVuSansMono.ttf", .font_px = 13,
                            .x = WIN_X, .y = WIN_Y, .w = WIN_W, .h = WIN_H, .follow_theme = true,
                            .on_click = on_click, .on_wheel = on_wheel};
    sos_handle_t timer;
    int err;
    if (tk_app_start(&g.app))
        return 1;
    if ((err = open_window()) || (err = (int)sos_timer_create(0, &timer)) ||
        (err = (int)sos_timer_set(timer, sos_deadline_after(TICK_NS), TICK_NS)) ||
        (err = sl_server_watch(&g.app.srv, timer, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_REPEAT, on_tick, NULL))) {
        printf("monitor: cannot start: %s\n", sos_strerror(err));
        return 1;
    }
    printf("monitor: ready: surface %u\n", g.win.s.id);
    return tk_app_run(&g.app, refresh); /* ready before asking the root manager, which waits for it */
}
