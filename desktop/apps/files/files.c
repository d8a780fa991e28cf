/*
 * desktop/apps/files/files.c - the files app: browse the places its manifest grants
 * (`resource=storage/home`, `resource=storage/tmp`: the root manager hands over a
 * directory handle for each, and the storage service confines every path below them;
 * the rest of the store, config/, state/, data/, backups/, is not reachable at all),
 * open a text file in the editor (editview.c), make folders, rename, copy, and delete
 * after a confirmation. Every storage error and every refused input becomes a line
 * in the window, never a crash: names are shown escaped (text_name), files are read
 * only up to a bound and only when they are text (fsops.c, text.c).
 *
 * Mouse: a click on an entry selects it, a second click opens it; the toolbar acts on
 * the selection with the name typed in the field. Keyboard: Up/Down select, Enter
 * opens, Backspace goes up, Delete asks to delete, Tab moves through the buttons and
 * the field (Enter or Space presses a button), Escape leaves the field.
 *
 * The window is one toolkit scene, built again for each view; its dump goes to the
 * desktop shell after every change (DESKTOP_SCENE). The theme follows appearance.theme.
 *
 * Layer: desktop (an application).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "keys.h"

#define WIN_X 120
#define WIN_Y 70
#define ROWS_MAX 90 /* entries shown (the scene's nodes are limited) */
#define HID_DOWN 81u
#define HID_UP 82u

struct files g;

static struct {
    bool built; /* the scene is the browser's (focus, scroll and the field are kept) */
    int place[PLACES_MAX], up, open, mkdir, rename, copy, del, name, list, row[ROWS_MAX];
    int yes, no;
} ui;

void show(void)
{
    if (g.view == VIEW_EDIT)
        tk_window_show(&g.win), edit_cursor(); /* the cursor over the drawn text */
    tk_app_show(&g.app);
}

void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g.said, sizeof(g.said), fmt, ap);
    va_end(ap);
    printf("files: %s\n", g.said);
}

static const struct entry *selected(void)
{
    return g.selected >= 0 && (uint32_t)g.selected < g.folder.n ? &g.folder.e[g.selected] : NULL;
}

sos_handle_t place_root(void) { return fs_place_root(&g.places[g.place]); }

/* The path shown to people: the place and the folder ("/home/docs"). */
static void shown_path(const char *rel, char *out, size_t cap)
{
    char esc[TK_TEXT_MAX];
    text_name(rel, esc, sizeof(esc));
    snprintf(out, cap, "%s%s%s", g.places[g.place].name, rel[0] ? "/" : "", esc);
}

static int row_box(int parent)
{
    int b = tk_add(&g.win.sc, parent, TK_BOX, NULL);
    g.win.sc.n[b].dir = TK_ROW;
    g.win.sc.n[b].gap = 6;
    return b;
}

static void add_rows(int list)
{
    struct tk_scene *sc = &g.win.sc;
    for (uint32_t i = 0; i < g.folder.n && i < ROWS_MAX; i++) {
        const struct entry *e = &g.folder.e[i];
        char name[72], line[TK_TEXT_MAX];
        text_name(e->name, name, sizeof(name));
        if (e->type == STORAGE_TYPE_DIR)
            snprintf(line, sizeof(line), "%c %s/", (int)i == g.selected ? '>' : ' ', name);
        else
            snprintf(line, sizeof(line), "%c %s  %llu bytes", (int)i == g.selected ? '>' : ' ', name,
                     (unsigned long long)e->size);
        ui.row[i] = tk_add(sc, list, TK_TEXT, line);
        if (ui.row[i] >= 0)
            sc->n[ui.row[i]].pad = 2; /* a taller row: easier to click */
    }
    uint32_t hidden = g.folder.more + (g.folder.n > ROWS_MAX ? g.folder.n - ROWS_MAX : 0);
    char t[64];
    if (hidden)
        snprintf(t, sizeof(t), "(%u more entries not shown)", hidden);
    if (hidden || !g.folder.n)
        tk_add(sc, list, TK_TEXT, hidden ? t : "(empty folder)");
}

static void build_browser(void)
{
    struct tk_scene *sc = &g.win.sc;
    int focus = ui.built ? sc->focus : -1, scroll = ui.built ? sc->n[ui.list].scroll : 0;
    char label[64], field[TK_TEXT_MAX];
    snprintf(field, sizeof(field), "%s", ui.built ? sc->n[ui.name].text : "");
    struct tk_measure m = tk_measure_font(&g.app.font);
    tk_scene_init(sc, WIN_W, WIN_H, &m, g.app.theme.theme);
    sc->n[0].pad = 10;
    sc->n[0].gap = 6;
    int places = row_box(0);
    sc->n[tk_add(sc, places, TK_TEXT, "Places:")].pad = 6;
    for (uint32_t i = 0; i < g.nplaces; i++) {
        snprintf(label, sizeof(label), i == g.place ? "[%s]" : "%s", g.places[i].name);
        ui.place[i] = tk_add(sc, places, TK_BUTTON, label);
    }
    char where[TK_TEXT_MAX + 64], p[TK_TEXT_MAX];
    shown_path(g.path, p, sizeof(p));
    snprintf(where, sizeof(where), "Folder %s: %u entries", p, g.folder.n + g.folder.more);
    tk_add(sc, 0, TK_TEXT, where);
    int tools = row_box(0);
    ui.up = tk_add(sc, tools, TK_BUTTON, "Up");
    ui.open = tk_add(sc, tools, TK_BUTTON, "Open");
    ui.mkdir = tk_add(sc, tools, TK_BUTTON, "New folder");
    ui.rename = tk_add(sc, tools, TK_BUTTON, "Rename");
    ui.copy = tk_add(sc, tools, TK_BUTTON, "Copy");
    ui.del = tk_add(sc, tools, TK_BUTTON, "Delete");
    int named = row_box(0);
    sc->n[tk_add(sc, named, TK_TEXT, "name:")].pad = 6;
    ui.name = tk_add(sc, named, TK_FIELD, field);
    sc->n[ui.name].grow = true;
    ui.list = tk_add(sc, 0, TK_SCROLL, NULL);
    sc->n[ui.list].grow = true;
    sc->n[ui.list].pad = 4;
    add_rows(ui.list);
    tk_add(sc, 0, TK_TEXT, g.said);
    tk_layout(sc);
    tk_scroll_by(sc, ui.list, scroll);
    if (focus > 0 && focus < sc->count && (sc->n[focus].kind == TK_BUTTON || sc->n[focus].kind == TK_FIELD))
        sc->focus = focus;
    ui.built = true;
}

static void build_confirm(void)
{
    struct tk_scene *sc = &g.win.sc;
    struct tk_measure m = tk_measure_font(&g.app.font);
    ui.built = false;
    tk_scene_init(sc, WIN_W, WIN_H, &m, g.app.theme.theme);
    sc->n[0].pad = 40;
    sc->n[0].gap = 12;
    char p[FS_PATH_MAX], shown[TK_TEXT_MAX], line[TK_TEXT_MAX + 32];
    fs_join(g.path, selected()->name, p, sizeof(p));
    shown_path(p, shown, sizeof(shown));
    snprintf(line, sizeof(line), "Delete %s%s?", shown, selected()->type == STORAGE_TYPE_DIR ? " (a folder)" : "");
    tk_add(sc, 0, TK_TEXT, line);
    tk_add(sc, 0, TK_TEXT, "This cannot be undone. Enter or a click answers; Escape cancels.");
    int bar = row_box(0);
    ui.yes = tk_add(sc, bar, TK_BUTTON, "Delete");
    ui.no = tk_add(sc, bar, TK_BUTTON, "Cancel");
    tk_layout(sc);
    tk_focus_set(sc, ui.no);
}

void browser_forget(void) { ui.built = false; }

void browse(void)
{
    g.view = VIEW_BROWSE;
    int err;
    PLACE_TRY(err, fs_list(place_root(), g.path, &g.folder));
    if (err) {
        char p[TK_TEXT_MAX];
        shown_path(g.path, p, sizeof(p));
        say("cannot list %s: %s", p, sos_strerror(err));
    }
    if (g.selected >= (int)g.folder.n)
        g.selected = g.folder.n ? (int)g.folder.n - 1 : -1;
    build_browser();
}

static void select_name(const char *name)
{
    g.selected = -1;
    for (uint32_t i = 0; i < g.folder.n; i++)
        if (!strcmp(g.folder.e[i].name, name))
            g.selected = (int)i;
    build_browser();
}

static void enter_place(uint32_t i)
{
    g.place = i;
    g.path[0] = 0;
    g.selected = -1;
    say("");
    browse();
}

static void open_selected(void)
{
    const struct entry *e = selected();
    char p[FS_PATH_MAX];
    if (!e) {
        say("select a file or folder first (click it, or Up/Down)");
        build_browser();
        return;
    }
    if (!fs_join(g.path, e->name, p, sizeof(p))) {
        say("the path is too long");
        build_browser();
        return;
    }
    if (e->type == STORAGE_TYPE_DIR) {
        snprintf(g.path, sizeof(g.path), "%s", p);
        g.selected = -1;
        say("");
        browse();
        return;
    }
    edit_open(p);
}

/* The name typed in the field, checked (a path of names for a copy's destination),
 * copied into out[TK_TEXT_MAX]: NULL (and a message) when unusable. */
static const char *typed_name(char *out, bool path)
{
    char why[96];
    snprintf(out, TK_TEXT_MAX, "%s", g.win.sc.n[ui.name].text);
    if (path ? fs_path_check(out, why, sizeof(why)) : fs_name_check(out, why, sizeof(why))) {
        say("%s", why);
        return NULL;
    }
    return out;
}

/* Copy from to the typed path to (the names a and b as shown); the message says what
 * was copied and what was not. */
static int copy_op(const char *from, const char *to, const char *a, const char *b)
{
    struct copy_report r;
    int err = fs_copy(place_root(), from, to, &r);
    if (!r.made && fs_place_lost(&g.places[g.place], err))
        err = fs_copy(place_root(), from, to, &r); /* storage restarted before anything was made */
    char where[TK_TEXT_MAX], line[TK_TEXT_MAX];
    text_name(r.where, where, sizeof(where));
    if (r.folder) {
        copy_tree_say(&r, a, b, where, line, sizeof(line));
        say("%s", line);
    } else if (err) {
        say("copy %s to %s failed: %s", a, b, sos_strerror(err));
    } else {
        say("copied %s to %s", a, b);
    }
    return err;
}

/* What a new folder b, or renaming a to b, came to. */
static void say_named(bool mkdir, int err, const char *a, const char *b)
{
    if (err && mkdir)
        say("new folder %s failed: %s", b, sos_strerror(err));
    else if (err)
        say("renamed %s to %s failed: %s", a, b, sos_strerror(err));
    else if (mkdir)
        say("made folder %s", b);
    else
        say("renamed %s to %s", a, b);
}

/* mkdir, rename or copy with the typed name; the message says what happened. */
static void name_op(int which)
{
    const struct entry *e = selected();
    char typed[TK_TEXT_MAX], from[FS_PATH_MAX], to[FS_PATH_MAX], a[72], b[TK_TEXT_MAX];
    const char *name = typed_name(typed, which == ui.copy);
    if (!name) {
        build_browser();
        return;
    }
    if (which != ui.mkdir && !e) {
        say("select what to %s first", which == ui.copy ? "copy" : "rename");
        build_browser();
        return;
    }
    if ((e && !fs_join(g.path, e->name, from, sizeof(from))) || !fs_join(g.path, name, to, sizeof(to))) {
        say("the path is too long");
        build_browser();
        return;
    }
    text_name(e ? e->name : "", a, sizeof(a));
    text_name(name, b, sizeof(b));
    int err;
    if (which == ui.copy)
        err = copy_op(from, to, a, b);
    else if (which == ui.mkdir)
        PLACE_TRY(err, stc_mkdir(place_root(), to));
    else
        PLACE_TRY(err, stc_rename(place_root(), from, to));
    if (which != ui.copy) /* (a copy says its own line) */
        say_named(which == ui.mkdir, err, a, b);
    if (!err)
        tk_set_text(&g.win.sc, ui.name, "");
    char keep[FS_NAME_MAX]; /* the listing read again replaces the entry e points at */
    snprintf(keep, sizeof(keep), "%s", err || strchr(name, '/') ? (e ? e->name : "") : name);
    PLACE_TRY(err, fs_list(place_root(), g.path, &g.folder));
    select_name(keep);
}

static void confirm(bool yes)
{
    const struct entry *e = selected();
    char p[FS_PATH_MAX], a[72];
    g.view = VIEW_BROWSE;
    if (e && fs_join(g.path, e->name, p, sizeof(p))) {
        text_name(e->name, a, sizeof(a));
        int err = 0;
        if (yes)
            PLACE_TRY(err, stc_unlink(place_root(), p));
        if (!yes)
            say("kept %s", a);
        else if (err)
            say("delete %s failed: %s%s", a, sos_strerror(err), e->type == STORAGE_TYPE_DIR ? " (is it empty?)" : "");
        else
            say("deleted %s", a);
    }
    browse();
}

static void activate(int hit)
{
    for (uint32_t i = 0; i < g.nplaces; i++)
        if (hit == ui.place[i]) {
            enter_place(i);
            return;
        }
    if (hit == ui.up) {
        fs_parent(g.path);
        g.selected = -1;
        browse();
    } else if (hit == ui.open) {
        open_selected();
    } else if (hit == ui.mkdir || hit == ui.rename || hit == ui.copy) {
        name_op(hit);
    } else if (hit == ui.del) {
        if (selected())
            g.view = VIEW_CONFIRM, build_confirm();
        else
            say("select what to delete first"), build_browser();
    }
}

static void click_browser(int hit)
{
    for (uint32_t i = 0; i < g.folder.n && i < ROWS_MAX; i++)
        if (hit == ui.row[i]) {
            if (g.selected == (int)i) {
                open_selected();
                return;
            }
            g.selected = (int)i;
            build_browser();
            return;
        }
    if (g.win.sc.n[hit].kind == TK_FIELD || g.win.sc.n[hit].kind == TK_BUTTON)
        tk_focus_set(&g.win.sc, hit);
    activate(hit);
}

static void on_click(int32_t x, int32_t y)
{
    int hit = tk_hit(&g.win.sc, x, y);
    if (hit < 0)
        return;
    if (g.view == VIEW_CONFIRM && (hit == ui.yes || hit == ui.no))
        confirm(hit == ui.yes);
    else if (g.view == VIEW_EDIT)
        edit_click(hit);
    else if (g.view == VIEW_BROWSE)
        click_browser(hit);
    show();
}

/* Scroll the list so that the selected row is in view (after Up/Down). */
static void reveal(void)
{
    struct tk_scene *sc = &g.win.sc;
    if (g.selected < 0 || g.selected >= ROWS_MAX || ui.row[g.selected] < 0)
        return;
    const struct tk_rect *r = &sc->n[ui.row[g.selected]].r, *v = &sc->n[ui.list].r;
    int32_t pad = sc->n[ui.list].pad;
    if (r->y < v->y + pad)
        tk_scroll_by(sc, ui.list, r->y - (v->y + pad));
    else if (r->y + r->h > v->y + v->h - pad)
        tk_scroll_by(sc, ui.list, r->y + r->h - (v->y + v->h - pad));
}

static void key_browser(const struct sos_input_event *e, char ch)
{
    struct tk_scene *sc = &g.win.sc;
    bool in_field = sc->focus == ui.name;
    if (e->code == HID_UP || e->code == HID_DOWN) {
        int n = (int)(g.folder.n < ROWS_MAX ? g.folder.n : ROWS_MAX);
        int s = g.selected + (e->code == HID_DOWN ? 1 : -1);
        g.selected = n ? (s < 0 ? 0 : s >= n ? n - 1 : s) : -1;
        build_browser();
        reveal();
    } else if (e->code == HID_ESCAPE && sc->focus >= 0) {
        tk_damage(sc, &sc->n[sc->focus].r);
        sc->focus = -1;
    } else if (!in_field && e->code == HID_BACKSPACE) {
        activate(ui.up);
    } else if (!in_field && e->code == HID_DELETE) {
        activate(ui.del);
    } else if (e->code == HID_ENTER && (sc->focus < 0 || in_field)) {
        if (!in_field)
            open_selected();
    } else {
        bool used;
        int act = tk_key_activate(sc, e->code, ch, &used);
        if (act >= 0)
            activate(act);
    }
}

static void on_key(const struct sos_input_event *e)
{
    if (e->value == 0)
        return;
    char b[4];
    char ch = key_bytes(e->code, e->mods, b) == 1 && b[0] >= 0x20 && b[0] < 0x7f ? b[0] : 0;
    if (g.view == VIEW_EDIT)
        edit_key(e, ch);
    else if (g.view == VIEW_CONFIRM && (e->code == HID_ESCAPE || e->code == HID_ENTER || e->code == 44)) {
        confirm(e->code != HID_ESCAPE && g.win.sc.focus == ui.yes);
    } else if (g.view == VIEW_CONFIRM) {
        bool used;
        tk_key_activate(&g.win.sc, e->code, ch, &used);
    } else {
        key_browser(e, ch);
    }
    show();
}

static void on_wheel(int32_t steps)
{
    if (g.view != VIEW_BROWSE)
        return;
    tk_scroll_by(&g.win.sc, ui.list, -3 * steps * g.win.sc.m.line_height);
    show();
}

int main(void)
{
    g.nplaces = fs_places(g.places, PLACES_MAX);
    if (!g.nplaces) {
        printf("files: no storage/<path> resource in the manifest: nothing to show\n");
        return 1;
    }
    g.selected = -1;
    g.app = (struct tk_app){.name = "files", .win = &g.win, .font_file = "DejaVuSansMono.ttf", .font_px = 13,
                            .x = WIN_X, .y = WIN_Y, .w = WIN_W, .h = WIN_H, .follow_theme = true,
                            .on_click = on_click, .on_key = on_key, .on_wheel = on_wheel, .on_theme = show};
    if (tk_app_start(&g.app))
        return 1;
    char names[PLACES_MAX * 48] = "";
    for (uint32_t i = 0; i < g.nplaces; i++)
        strcat(strcat(names, " "), g.places[i].name);
    say("these places only:%s", names);
    browse();
    show();
    printf("files: ready: surface %u, places%s\n", g.win.s.id, names);
    return tk_app_run(&g.app, NULL);
}
