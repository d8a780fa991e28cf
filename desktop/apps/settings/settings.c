/*
 * desktop/apps/settings/settings.c - the settings app: the config keys of four
 * sections (display, network, audio, appearance: the prefixes display., network.,
 * audio., appearance. of the config service), one row each with the key and its value
 * in a text field. Click a field (or Tab to it), type, and Enter (or Apply) sets the
 * key through the config service (CONFIG_SET, manifest `lookup=config:read+write`).
 * A refused value is the config service's decision: its reply carries the reason in
 * words, which the window shows as it is ("display.width is an int: 'wide' does not
 * fit"); the field then shows the stored value again.
 *
 * The appearance section has Light and Dark buttons for appearance.theme. The theme is
 * applied by whoever watches the key (tk/theme.h: the desktop shell, this app, files):
 * the window changes when config announces the change, not when we set it, so what
 * the window shows is what everyone else got.
 *
 * The window is one toolkit scene, built again for each section (tk_scene_init and
 * the rows); its dump goes to the desktop shell after every change (DESKTOP_SCENE).
 *
 * Layer: desktop (an application).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proto/config.h>
#include <tk/app.h>
#include <tk/theme.h>

#include "keys.h"

#define WIN_X 180
#define WIN_Y 90
#define WIN_W 640
#define WIN_H 480
#define ROWS 12
#define NSECTIONS 4
#define HID_ENTER 40u

static const char *const g_sections[NSECTIONS] = {"display", "network", "audio", "appearance"};

struct row {
    char key[CONFIG_KEY_MAX], value[TK_TEXT_MAX];
    bool whole;  /* the value fits a field (TK_TEXT_MAX - 1 bytes); else shown cut, read-only */
    int field;
};

static struct {
    struct tk_app app; /* the window's set-up, the theme, the loop */
    struct sl_conn_to config;
    struct tk_window win;
    uint32_t section;
    struct row rows[ROWS];
    uint32_t nrows, more; /* more: keys of the section not shown */
    int section_button[NSECTIONS], light, dark, apply, message;
    char said[TK_TEXT_MAX]; /* the message line, kept across rebuilds */
} g;

static void show(void) { tk_app_show(&g.app); }

static void say(const char *text)
{
    snprintf(g.said, sizeof(g.said), "%s", text);
    tk_set_text(&g.win.sc, g.message, text);
}

/* The section's keys from config (CONFIG_LIST of "<section>."). */
static int load_section(void)
{
    static uint8_t rb[SOS_CHANNEL_MAX_BYTES];
    uint8_t qb[64];
    char prefix[32];
    snprintf(prefix, sizeof(prefix), "%s.", g_sections[g.section]);
    struct sl_msg q, r;
    sl_msg_begin(&q, qb, sizeof(qb), NULL, 0, CONFIG_LIST);
    sl_msg_put_str(&q, prefix);
    sl_msg_begin(&r, rb, sizeof(rb), NULL, 0, CONFIG_LIST);
    g.nrows = g.more = 0;
    int err = sl_conn_to_call(&g.config, &q, &r, sos_deadline_after(SOS_MS(2000)));
    if (err)
        return err;
    struct sl_parse p;
    sl_parse_begin(&p, r.bytes, r.len, NULL, 0, NULL);
    uint32_t n = sl_parse_u32(&p);
    for (uint32_t i = 0; i < n; i++) {
        const char *key = sl_parse_str(&p, NULL);
        sl_parse_u32(&p);
        const char *value = sl_parse_str(&p, NULL);
        if (!key || !value)
            return SOS_ERR_BAD_FORMAT;
        if (g.nrows == ROWS) {
            g.more++;
            continue;
        }
        snprintf(g.rows[g.nrows].key, CONFIG_KEY_MAX, "%s", key);
        g.rows[g.nrows].whole = strlen(value) < TK_TEXT_MAX;
        snprintf(g.rows[g.nrows++].value, TK_TEXT_MAX, "%s", value);
    }
    return sl_parse_end(&p);
}

static int add_row_box(int parent)
{
    int b = tk_add(&g.win.sc, parent, TK_BOX, NULL);
    g.win.sc.n[b].dir = TK_ROW;
    g.win.sc.n[b].gap = 8;
    return b;
}

/* The window for the current section: the section buttons, its rows, the theme
 * buttons (appearance), Apply and the message line. */
static void build(void)
{
    struct tk_scene *sc = &g.win.sc;
    struct tk_measure m = tk_measure_font(&g.app.font);
    tk_scene_init(sc, WIN_W, WIN_H, &m, g.app.theme.theme);
    sc->n[0].pad = 12;
    sc->n[0].gap = 8;
    tk_add(sc, 0, TK_TEXT, "Settings: choose a section; click a value, type, Enter sets it");
    int tabs = add_row_box(0);
    for (uint32_t i = 0; i < NSECTIONS; i++) {
        char label[32];
        snprintf(label, sizeof(label), i == g.section ? "[%s]" : "%s", g_sections[i]);
        g.section_button[i] = tk_add(sc, tabs, TK_BUTTON, label);
    }
    int list = tk_add(sc, 0, TK_BOX, NULL);
    sc->n[list].gap = 4;
    sc->n[list].grow = true;
    for (uint32_t i = 0; i < g.nrows; i++) {
        int row = add_row_box(list);
        int k = tk_add(sc, row, TK_TEXT, g.rows[i].key);
        sc->n[k].w = 240;
        sc->n[k].pad = 6; /* the text's baseline level with the field's */
        /* a value longer than a field holds is shown, not edited: setting what is shown
         * would cut it (`config set` in the shell takes it whole) */
        g.rows[i].field = tk_add(sc, row, g.rows[i].whole ? TK_FIELD : TK_TEXT, g.rows[i].value);
        if (g.rows[i].field >= 0)
            sc->n[g.rows[i].field].grow = true;
    }
    if (!g.nrows)
        tk_add(sc, list, TK_TEXT, "(no keys in this section)");
    if (g.more) {
        char t[64];
        snprintf(t, sizeof(t), "(%u more keys: `config list %s` in the shell)", g.more, g_sections[g.section]);
        tk_add(sc, list, TK_TEXT, t);
    }
    g.light = g.dark = -1;
    if (!strcmp(g_sections[g.section], "appearance")) {
        int themes = add_row_box(list);
        sc->n[tk_add(sc, themes, TK_TEXT, "theme:")].pad = 6;
        g.light = tk_add(sc, themes, TK_BUTTON, "Light");
        g.dark = tk_add(sc, themes, TK_BUTTON, "Dark");
    }
    int bar = add_row_box(0);
    g.apply = tk_add(sc, bar, TK_BUTTON, "Apply");
    g.message = tk_add(sc, bar, TK_TEXT, g.said);
    sc->n[g.message].grow = true;
    tk_layout(sc);
    tk_focus_set(sc, g.nrows && g.rows[0].whole ? g.rows[0].field : g.section_button[g.section]);
}

static void open_section(uint32_t i)
{
    g.section = i;
    int err = load_section();
    if (err) {
        char t[TK_TEXT_MAX];
        snprintf(t, sizeof(t), "the config service did not answer: %s", sos_strerror(err));
        snprintf(g.said, sizeof(g.said), "%s", t);
    }
    build();
}

/* CONFIG_SET key = value; the message says what config did (its reason when it refused). */
static int set_key(const char *key, const char *value)
{
    uint8_t qb[CONFIG_KEY_MAX + TK_TEXT_MAX + 64], rb[512];
    struct sl_msg q, r;
    sl_msg_begin(&q, qb, sizeof(qb), NULL, 0, CONFIG_SET);
    sl_msg_put_str(&q, key);
    sl_msg_put_str(&q, value);
    sl_msg_begin(&r, rb, sizeof(rb), NULL, 0, CONFIG_SET);
    int err = sl_conn_to_call(&g.config, &q, &r, sos_deadline_after(SOS_MS(5000)));
    char t[TK_TEXT_MAX];
    struct sl_parse p;
    const char *why = NULL;
    if (err && r.len > sizeof(struct sos_msg_hdr)) {
        sl_parse_begin(&p, r.bytes, r.len, NULL, 0, NULL);
        why = sl_parse_str(&p, NULL);
    }
    if (!err)
        snprintf(t, sizeof(t), "%s = %s", key, value);
    else if (why)
        snprintf(t, sizeof(t), "refused: %s", why);
    else
        snprintf(t, sizeof(t), "%s: %s", key, sos_strerror(err));
    printf("settings: %s\n", t);
    say(t);
    return err;
}

/* Apply every field whose text differs from the stored value; reload the section. */
static void apply_fields(int only)
{
    bool any = false;
    for (uint32_t i = 0; i < g.nrows; i++) {
        if (!g.rows[i].whole || g.rows[i].field < 0)
            continue;
        const char *text = g.win.sc.n[g.rows[i].field].text;
        if ((only >= 0 && g.rows[i].field != only) || !strcmp(text, g.rows[i].value))
            continue;
        any = true;
        if (set_key(g.rows[i].key, text))
            break;
    }
    if (!any)
        say("nothing changed");
    int focus = g.win.sc.focus;
    open_section(g.section);
    tk_focus_set(&g.win.sc, focus);
}

static void activate(int hit)
{
    for (uint32_t i = 0; i < NSECTIONS; i++)
        if (hit == g.section_button[i]) {
            say("");
            open_section(i);
            return;
        }
    if (hit == g.light || hit == g.dark) {
        set_key(TK_THEME_KEY, hit == g.dark ? "dark" : "light");
        open_section(g.section);
    } else if (hit == g.apply) {
        apply_fields(-1);
    }
}

static void on_click(int32_t x, int32_t y)
{
    int hit = tk_hit(&g.win.sc, x, y);
    if (hit < 0)
        return;
    if (g.win.sc.n[hit].kind == TK_FIELD || g.win.sc.n[hit].kind == TK_BUTTON)
        tk_focus_set(&g.win.sc, hit);
    activate(hit);
    show();
}

static void on_key(const struct sos_input_event *e)
{
    if (e->value == 0)
        return;
    char b[4];
    char ch = key_bytes(e->code, e->mods, b) == 1 && b[0] >= 0x20 && b[0] < 0x7f ? b[0] : 0;
    int f = g.win.sc.focus;
    if (e->code == HID_ENTER && f >= 0 && g.win.sc.n[f].kind == TK_FIELD) {
        apply_fields(f);
    } else {
        bool used;
        int act = tk_key_activate(&g.win.sc, e->code, ch, &used);
        if (act >= 0)
            activate(act);
    }
    show();
}

/* The theme's row shows the new value. */
static void theme_changed(void)
{
    if (g.section == 3)
        open_section(g.section);
    show();
}

int main(void)
{
    sl_conn_to_init(&g.config, "config", 0);
    g.app = (struct tk_app){.name = "settings", .win = &g.win, .font_file = "DejaVuSans.ttf", .font_px = 13,
                            .x = WIN_X, .y = WIN_Y, .w = WIN_W, .h = WIN_H, .follow_theme = true,
                            .on_click = on_click, .on_key = on_key, .on_theme = theme_changed};
    if (tk_app_start(&g.app))
        return 1;
    open_section(0);
    show();
    printf("settings: ready: surface %u, theme %s\n", g.win.s.id, g.app.theme.name);
    return tk_app_run(&g.app, NULL);
}
