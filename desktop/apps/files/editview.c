/*
 * desktop/apps/files/editview.c - the editor view of the files app: a text file read
 * with a bound (TEXT_MAX, its size asked first) and only when it is text (text_check
 * says why not: a NUL byte, bytes that are not UTF-8, too large), shown as lines of
 * the window with a cursor, edited with the keyboard and saved through the storage
 * service's atomic replace (fs_save: name.tmp written, renamed over the file, synced).
 *
 * Keys: characters, Enter, Tab, Backspace, Delete, the arrows, Home/End,
 * PageUp/PageDown, Ctrl+S saves, Ctrl+V pastes the desktop's clipboard (tk/clip.h: what
 * a terminal or the shell's `desktop copy` put there) at the cursor, Escape closes
 * (twice to drop unsaved changes). The mouse: Save, Close, and a click in the text puts
 * the cursor there.
 *
 * Layer: desktop/apps/files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tk/clip.h>

#include "files.h"

#define VIS 27 /* lines shown */
#define HID_S 22u
#define HID_V 25u
#define HID_TAB 43u

static struct {
    int title, save, close, line[VIS], status;
    uint32_t top, hoff, cols;
    int32_t cw;
    int cursor_row; /* the row the cursor was drawn on, -1 none */
} ev;

void edit_open(const char *path)
{
    char *data = NULL, why[128], shown[TK_TEXT_MAX];
    size_t len = 0;
    text_name(path, shown, sizeof(shown));
    int err;
    PLACE_TRY(err, fs_read_bounded(place_root(), path, TEXT_MAX, &data, &len, why, sizeof(why)));
    if (!err && text_check(data, len, why, sizeof(why)))
        err = SOS_ERR_BAD_FORMAT;
    if (err) {
        say("cannot open %s/%s: %s", g.places[g.place].name, shown, why);
        free(data);
        browse();
        return;
    }
    ed_load(&g.ed, data, len);
    free(data);
    snprintf(g.editing, sizeof(g.editing), "%s", path);
    g.discard_armed = false;
    say("opened %s/%s: %zu bytes", g.places[g.place].name, shown, len);
    g.view = VIEW_EDIT;
    ev.top = ev.hoff = 0;
    edit_build();
}

/* The lines, the status and the title from the buffer, scrolled to the cursor. */
static void refresh(void)
{
    uint32_t line, col;
    ed_cursor(&g.ed, &line, &col);
    if (line < ev.top)
        ev.top = line;
    if (line >= ev.top + VIS)
        ev.top = line - VIS + 1;
    ev.hoff = col + 1 > ev.cols ? col + 1 - ev.cols : 0;
    char t[TK_TEXT_MAX];
    for (uint32_t r = 0; r < VIS; r++) {
        ed_view(&g.ed, ev.top + r, ev.hoff, ev.cols, t, sizeof(t));
        tk_set_text(&g.win.sc, ev.line[r], t);
    }
    snprintf(t, sizeof(t), "line %u, column %u of %u lines, %zu bytes%s", line + 1, col + 1, ed_lines(&g.ed),
             g.ed.len, g.ed.dirty ? ", modified (Ctrl+S saves)" : "");
    tk_set_text(&g.win.sc, ev.status, t);
    if (ev.cursor_row >= 0)
        tk_damage(&g.win.sc, &g.win.sc.n[ev.line[ev.cursor_row]].r);
    ev.cursor_row = (int)(line - ev.top);
    tk_damage(&g.win.sc, &g.win.sc.n[ev.line[ev.cursor_row]].r);
}

void edit_build(void)
{
    struct tk_scene *sc = &g.win.sc;
    struct tk_measure m = tk_measure_font(&g.app.font);
    browser_forget();
    tk_scene_init(sc, WIN_W, WIN_H, &m, g.app.theme.theme);
    sc->n[0].pad = 10;
    sc->n[0].gap = 6;
    int bar = tk_add(sc, 0, TK_BOX, NULL);
    sc->n[bar].dir = TK_ROW;
    sc->n[bar].gap = 6;
    char t[TK_TEXT_MAX], shown[TK_TEXT_MAX];
    text_name(g.editing, shown, sizeof(shown));
    snprintf(t, sizeof(t), "Editing %s/%s", g.places[g.place].name, shown);
    ev.title = tk_add(sc, bar, TK_TEXT, t);
    sc->n[ev.title].grow = true;
    ev.save = tk_add(sc, bar, TK_BUTTON, "Save");
    ev.close = tk_add(sc, bar, TK_BUTTON, "Close");
    int text = tk_add(sc, 0, TK_BOX, NULL);
    sc->n[text].grow = true;
    sc->n[text].pad = 4;
    for (int r = 0; r < VIS; r++)
        ev.line[r] = tk_add(sc, text, TK_TEXT, "");
    ev.status = tk_add(sc, 0, TK_TEXT, "");
    tk_add(sc, 0, TK_TEXT, g.said);
    tk_layout(sc);
    ev.cw = tk_text_width(&g.app.font, "M");
    ev.cols = (uint32_t)((sc->n[text].r.w - 8) / (ev.cw > 0 ? ev.cw : 1)) - 1;
    if (ev.cols > TK_TEXT_MAX / 2)
        ev.cols = TK_TEXT_MAX / 2; /* ed_view stops earlier when long characters fill a row's text */
    ev.cursor_row = -1;
    refresh();
}

/* The cursor: a 2-pixel bar over the shown scene, presented on its own. */
void edit_cursor(void)
{
    uint32_t line, col;
    ed_cursor(&g.ed, &line, &col);
    if (ev.cursor_row < 0 || line < ev.top || line >= ev.top + VIS)
        return;
    const struct tk_node *n = &g.win.sc.n[ev.line[line - ev.top]];
    struct tk_canvas c = {g.win.s.px, (int32_t)g.win.s.w, (int32_t)g.win.s.h, g.win.s.stride};
    int32_t x = n->r.x + (int32_t)(col - ev.hoff) * ev.cw, y = n->r.y;
    if (x + 2 > c.w)
        return;
    tk_fill(&c, x, y, 2, n->r.h, g.win.sc.theme->accent);
    uint32_t r[4] = {(uint32_t)x, (uint32_t)y, 2, (uint32_t)n->r.h};
    gfx_surface_present(&g.win.s, r, 1);
}

static void save(void)
{
    char shown[TK_TEXT_MAX];
    text_name(g.editing, shown, sizeof(shown));
    int err;
    PLACE_TRY(err, fs_save(place_root(), g.editing, g.ed.buf, g.ed.len));
    if (err) {
        say("save %s failed: %s (the file on storage is unchanged)", shown, sos_strerror(err));
    } else {
        g.ed.dirty = false;
        say("saved %s/%s: %zu bytes", g.places[g.place].name, shown, g.ed.len);
    }
    g.discard_armed = false;
    edit_build();
}

static void close_editor(void)
{
    if (g.ed.dirty && !g.discard_armed) {
        g.discard_armed = true;
        say("unsaved changes: Save (Ctrl+S) keeps them, Close (Escape) again drops them");
        edit_build();
        return;
    }
    say("%s", g.ed.dirty ? "closed without saving" : "closed");
    browse();
}

/* Put the cursor at (line, col) of the view (a click in the text). */
static void goto_cell(uint32_t line, uint32_t col)
{
    uint32_t cl, cc;
    ed_cursor(&g.ed, &cl, &cc);
    ed_home(&g.ed);
    if (line > cl)
        ed_down(&g.ed, line - cl);
    else
        ed_up(&g.ed, cl - line);
    ed_home(&g.ed);
    for (uint32_t i = 0; i < col; i++)
        ed_right(&g.ed);
    ed_cursor(&g.ed, &cl, &cc);
    if (cl != line) /* the click was past the line's end: back to its end */
        ed_left(&g.ed);
}

bool edit_click(int hit)
{
    if (hit == ev.save)
        save();
    else if (hit == ev.close)
        close_editor();
    for (int r = 0; r < VIS; r++)
        if (hit == ev.line[r] && ev.top + (uint32_t)r < ed_lines(&g.ed)) {
            goto_cell(ev.top + (uint32_t)r, ev.hoff);
            refresh();
        }
    return hit == ev.save || hit == ev.close;
}

static bool move_key(uint32_t code)
{
    switch (code) {
    case 79: ed_right(&g.ed); break;
    case 80: ed_left(&g.ed); break;
    case 81: ed_down(&g.ed, 1); break;
    case 82: ed_up(&g.ed, 1); break;
    case 74: ed_home(&g.ed); break;
    case 77: ed_end(&g.ed); break;
    case 75: ed_up(&g.ed, VIS - 1); break;
    case 78: ed_down(&g.ed, VIS - 1); break;
    default: return false;
    }
    return true;
}

/* ---- Ctrl+V: the clipboard's answer comes on the desktop channel later (on_paste) */

static struct tk_paste paste;

/* Inserts the clipboard's text at the cursor: its lines, tabs and UTF-8 (the desktop
 * keeps only UTF-8), no other control bytes; until the editor's limit. */
static void paste_insert(const char *text, size_t len)
{
    size_t put = 0, left = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 && c != '\n' && c != '\t')
            continue;
        if (c == 0x7f)
            continue;
        if (!ed_insert(&g.ed, (char)c)) {
            left = len - i;
            break;
        }
        put++;
    }
    if (left)
        say("pasted %zu bytes; the file is at the editor's limit (%u bytes): %zu left out", put, TEXT_MAX, left);
    else
        say("pasted %zu bytes", put);
    g.discard_armed = false;
    refresh();
}

static void on_paste(int err, const char *text, size_t len)
{
    if (g.view != VIEW_EDIT)
        return; /* the editor closed meanwhile */
    if (err) {
        say("nothing to paste: %s", sos_strerror(err));
        edit_build();
    } else {
        paste_insert(text, len);
    }
    show();
}

static void paste_ask(void)
{
    paste.desktop = &g.app.desktop, paste.srv = &g.app.srv, paste.done = on_paste;
    int err = tk_clip_paste(&paste);
    if (err) {
        say("cannot paste: no desktop clipboard: %s", sos_strerror(err));
        edit_build();
    }
}

void edit_key(const struct sos_input_event *e, char ch)
{
    if (e->code == HID_S && (e->mods & SOS_INPUT_MOD_CTRL)) {
        save();
        return;
    }
    if (e->code == HID_V && (e->mods & SOS_INPUT_MOD_CTRL)) {
        paste_ask();
        return;
    }
    if (e->code == HID_ESCAPE) {
        close_editor();
        return;
    }
    bool full = false;
    if (move_key(e->code))
        ;
    else if (e->code == HID_BACKSPACE)
        ed_backspace(&g.ed);
    else if (e->code == HID_DELETE)
        ed_delete(&g.ed);
    else if (e->code == HID_ENTER)
        full = !ed_insert(&g.ed, '\n');
    else if (e->code == HID_TAB)
        full = !ed_insert(&g.ed, '\t');
    else if (ch && !(e->mods & SOS_INPUT_MOD_CTRL))
        full = !ed_insert(&g.ed, ch);
    else
        return;
    if (full) {
        say("the file is at the editor's limit (%u bytes): nothing more is added", TEXT_MAX);
        edit_build();
        return;
    }
    g.discard_armed = false;
    refresh();
}
