/*
 * desktop/apps/software/software.c - the software center: a window to browse, search,
 * install, update and remove packages from the repositories the package service is
 * configured with (docs/packages.md), and the app's loop.
 *
 * Everything it knows comes from the package service (lookup=package:read+write), as
 * records the client library decodes (client/pkgrec.h): the packages offered and
 * installed, or a search's (PKG_PACKAGES), and for the selected package its
 * provenance once installed (the repository, the root and keys, the verified
 * snapshot, the package's sha256, who installed it) with the trust state of its
 * repository (PKG_TRUST: root version, expiry, the last verified snapshot). Changes run one way (pkgops.c) while a bar and a line show
 * how many bytes of the package have been fetched. An installed package whose manifest
 * says `app` is known to the root manager at once, so the desktop's launcher lists it.
 *
 * The window is one toolkit scene: a search field (click it and type; Return searches),
 * the list (a click selects), the details, Install / Update / Remove, the progress bar
 * and a status line; its dump goes to the desktop shell after every change, so
 * `desktop dump` shows what it says.
 *
 * Layer: desktop (an application).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proto/desktop.h>
#include <proto/pkg.h>

#include "keys.h"
#include "software.h"

#define WIN_X 150
#define WIN_Y 70
#define WIN_W 820
#define WIN_H 600
#define BAR_W 300
#define HID_RETURN 40u

struct software g;

static void show(void) { tk_app_show(&g.app); }

/* The status line. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    char line[TK_TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    tk_set_text(&g.win.sc, g.status, line);
}

static void set_bar(uint32_t pct)
{
    g.win.sc.n[g.fill].w = pct ? (int32_t)(BAR_W * (pct > 100 ? 100 : pct) / 100) : 1;
    tk_layout(&g.win.sc);
    tk_damage(&g.win.sc, &g.win.sc.n[g.bar].r);
}

/* ---- the details of the selected package */

/* text's lines, cut to DETAIL_COLS, into the detail rows from *row on. */
static void detail_lines(int *row, const char *text)
{
    while (text && *text && *row < DETAIL_ROWS) {
        const char *end = strchr(text, '\n');
        size_t len = end ? (size_t)(end - text) : strlen(text);
        for (size_t at = 0; (at < len || !len) && *row < DETAIL_ROWS; at += DETAIL_COLS) {
            char line[DETAIL_COLS + 8];
            size_t n = len - at < DETAIL_COLS ? len - at : DETAIL_COLS;
            snprintf(line, sizeof line, "%s%.*s", at ? "    " : "", (int)n, text + at);
            tk_set_text(&g.win.sc, g.details[(*row)++], line);
            if (!len)
                break;
        }
        text += len + (end ? 1 : 0);
    }
}

static void show_details(void)
{
    static struct pkgc_trust trust;
    static char text[4096];
    const struct cat_entry *e = cat_find(&g.cat, g.selected);
    int row = 0;
    if (e) {
        int err = pkg_trust(e->name, &trust);
        cat_details(e, err ? NULL : &trust, text, sizeof text);
        detail_lines(&row, text);
        if (err) {
            snprintf(text, sizeof text, "its trust: %s", sos_strerror(err));
            detail_lines(&row, text);
        }
    } else {
        detail_lines(&row, "Select a package for its details.");
    }
    while (row < DETAIL_ROWS)
        tk_set_text(&g.win.sc, g.details[row++], "");
}

/* ---- the list */

static void show_list(void)
{
    for (unsigned i = 0; i < LIST_ROWS; i++) {
        char row[TK_TEXT_MAX] = "", text[100];
        if (i < g.cat.n) {
            cat_row(&g.cat.e[i], text, sizeof text);
            snprintf(row, sizeof row, "%s%s", strcmp(g.cat.e[i].name, g.selected) ? "  " : "> ", text);
        }
        tk_set_text(&g.win.sc, g.rows[i], row);
    }
    show_details();
}

/* Ask the package service again: what is offered (or what the search finds), and what
 * is installed. */
static void refresh(void)
{
    static char why[PKG_REPLY_MAX];
    memset(&g.cat, 0, sizeof g.cat);
    int err = pkg_packages(PKG_LIST_AVAILABLE, g.filter, why, sizeof why);
    if (!err && !g.filter[0]) /* installed, and offered by no repository */
        err = pkg_packages(0, "", why, sizeof why);
    if (err)
        say("the package service: %s", why);
    else if (!g.cat.n && g.filter[0])
        say("nothing matches %s", g.filter);
    else if (!g.cat.n)
        say("no packages: no repository is configured (pkg repo add)");
    show_list();
    show(); /* drawn and described to the desktop before it is said below */
    printf("software: %u packages%s%s\n", g.cat.n, g.filter[0] ? " match " : "", g.filter);
}

/* ---- changes */

void ui_progress(const char *path, uint64_t done, uint64_t total)
{
    char line[TK_TEXT_MAX];
    snprintf(line, sizeof line, "%s: fetching %s: %llu of %llu bytes", g.op.what, path, (unsigned long long)done,
             (unsigned long long)total);
    tk_set_text(&g.win.sc, g.status, line);
    set_bar(total ? (uint32_t)(done * 100 / total) : 100);
    printf("software: %s\n", line);
    show();
}

void ui_done(int status, const char *text)
{
    char first[TK_TEXT_MAX];
    snprintf(first, sizeof first, "%.*s", (int)strcspn(text, "\n"), text);
    printf("software: %s: %s\n", g.op.what, status ? text : first);
    if (status)
        say("%s refused: %s", g.op.what, first);
    else
        say("%s%s", first, strncmp(g.op.what, "remove", 6) ? "; an app opens from the launcher (Apps)" : "");
    set_bar(status ? 0 : 100);
    refresh();
}

static void change(uint32_t ordinal, const char *verb)
{
    const struct cat_entry *e = cat_find(&g.cat, g.selected);
    if (g.op.busy)
        return; /* one at a time: the status line says what runs */
    if (!e) {
        say("select a package first");
        return;
    }
    snprintf(g.op.what, sizeof g.op.what, "%s %s", verb, e->name);
    set_bar(0);
    int err = pkg_change(ordinal, e->name);
    if (err)
        say("%s: %s", g.op.what, sos_strerror(err));
    else
        say("%s: asked the package service", g.op.what);
    printf("software: %s: %s\n", g.op.what, err ? sos_strerror(err) : "started");
}

/* ---- input */

static void search(void)
{
    snprintf(g.filter, sizeof g.filter, "%s", g.win.sc.n[g.field].text);
    refresh();
}

static void on_click(int32_t x, int32_t y)
{
    int hit = tk_hit(&g.win.sc, x, y);
    if (hit == g.field) {
        g.win.sc.focus = g.field;
        tk_damage(&g.win.sc, &g.win.sc.n[g.field].r);
    } else if (hit == g.bsearch) {
        search();
    } else if (hit == g.ball) {
        tk_set_text(&g.win.sc, g.field, "");
        search();
    } else if (hit == g.binstall) {
        change(PKG_INSTALL, "install");
    } else if (hit == g.bupdate) {
        change(PKG_UPDATE, "update");
    } else if (hit == g.bremove) {
        change(PKG_REMOVE, "remove");
    }
    for (unsigned i = 0; i < LIST_ROWS && i < g.cat.n; i++)
        if (hit == g.rows[i]) {
            snprintf(g.selected, sizeof g.selected, "%s", g.cat.e[i].name);
            show_list();
        }
    show();
}

static void on_key(const struct sos_input_event *e)
{
    char b[4];
    size_t n = e->value ? key_bytes(e->code, e->mods, b) : 0;
    if (!n)
        return;
    if (e->code == HID_RETURN && g.win.sc.focus == g.field)
        search();
    else
        tk_key(&g.win.sc, e->code, n == 1 ? b[0] : 0);
    show();
}

/* ---- the window */

static int row_box(int parent, int32_t gap)
{
    int b = tk_add(&g.win.sc, parent, TK_BOX, NULL);
    if (b >= 0) {
        g.win.sc.n[b].dir = TK_ROW;
        g.win.sc.n[b].gap = gap;
    }
    return b;
}

static int column(int parent, int32_t w, const char *title)
{
    int c = tk_add(&g.win.sc, parent, TK_BOX, NULL);
    g.win.sc.n[c].w = w;
    g.win.sc.n[c].grow = w == 0;
    g.win.sc.n[c].gap = 2;
    tk_add(&g.win.sc, c, TK_TEXT, title);
    return c;
}

static int build(void)
{
    struct tk_scene *sc = &g.win.sc;
    sc->n[0].pad = 10;
    sc->n[0].gap = 8;
    int top = row_box(0, 8);
    tk_add(sc, top, TK_TEXT, "Search");
    g.field = tk_add(sc, top, TK_FIELD, "");
    sc->n[g.field].grow = true;
    g.bsearch = tk_add(sc, top, TK_BUTTON, "Search");
    g.ball = tk_add(sc, top, TK_BUTTON, "All");
    int body = row_box(0, 12);
    sc->n[body].grow = true;
    int list = column(body, 300, "Packages (click to select)");
    for (int i = 0; i < LIST_ROWS; i++)
        g.rows[i] = tk_add(sc, list, TK_TEXT, "");
    int info = column(body, 0, "Details");
    for (int i = 0; i < DETAIL_ROWS; i++)
        g.details[i] = tk_add(sc, info, TK_TEXT, "");
    int actions = row_box(0, 8);
    g.binstall = tk_add(sc, actions, TK_BUTTON, "Install");
    g.bupdate = tk_add(sc, actions, TK_BUTTON, "Update");
    g.bremove = tk_add(sc, actions, TK_BUTTON, "Remove");
    int progress = row_box(0, 8);
    g.bar = row_box(progress, 0);
    sc->n[g.bar].w = BAR_W;
    sc->n[g.bar].h = 16;
    g.fill = tk_add(sc, g.bar, TK_BUTTON, ""); /* the part done, in the accent colour */
    int rest = tk_add(sc, g.bar, TK_FIELD, "");
    g.status = tk_add(sc, progress, TK_TEXT, "");
    if (rest < 0 || g.status < 0)
        return SOS_ERR_NO_MEMORY; /* the scene is full: the nodes above did not all fit */
    sc->n[g.fill].pad = 0;
    sc->n[rest].grow = true;
    sc->n[g.status].grow = true;
    set_bar(0);
    return 0;
}

static void when_ready(void)
{
    refresh(); /* the package service asked once we are ready */
    show();
}

int main(void)
{
    sl_conn_to_init(&g.pkg, "package", 0);
    g.app = (struct tk_app){.name = "software", .win = &g.win, .font_file = "DejaVuSans.ttf", .font_px = 14,
                            .x = WIN_X, .y = WIN_Y, .w = WIN_W, .h = WIN_H, .resizable = true,
                            .on_click = on_click, .on_key = on_key};
    int err;
    if (tk_app_start(&g.app))
        return 1;
    if ((err = build()) || (err = tk_window_show(&g.win))) {
        printf("software: cannot start: %s\n", sos_strerror(err));
        return 1;
    }
    printf("software: ready: surface %u\n", g.win.s.id);
    return tk_app_run(&g.app, when_ready);
}
