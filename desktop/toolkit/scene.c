/*
 * desktop/toolkit/scene.c - the retained scene (tk/scene.h): building the tree, the
 * row/column layout, damage, focus and keys. Drawing is scene_draw.c.
 *
 * Layer: desktop/toolkit.
 */
#include <string.h>

#include <tk/scene.h>

const struct tk_theme tk_theme_light = {0xfff4f4f4u, 0xffffffffu, 0xff202020u, 0xff606060u,
                                        0xff3465a4u, 0xffffffffu, 0xfff57900u, 0xffffffffu};
const struct tk_theme tk_theme_dark = {0xff1e1e22u, 0xff2a2a30u, 0xffe0e0e0u, 0xff909090u,
                                       0xff729fcfu, 0xff101010u, 0xfffcaf3eu, 0xff33333au};

#define HID_ENTER 40u
#define HID_BACKSPACE 42u
#define HID_TAB 43u
#define HID_SPACE 44u

static bool container(enum tk_kind k) { return k == TK_BOX || k == TK_LIST || k == TK_SCROLL; }
static bool focusable(enum tk_kind k) { return k == TK_BUTTON || k == TK_FIELD; }

void tk_scene_init(struct tk_scene *s, int32_t w, int32_t h, const struct tk_measure *m,
                   const struct tk_theme *theme)
{
    memset(s, 0, sizeof(*s));
    s->m = *m;
    s->theme = theme;
    s->focus = -1;
    s->count = 1;
    s->n[0] = (struct tk_node){.kind = TK_BOX, .dir = TK_COLUMN, .parent = -1, .first = -1,
                               .next = -1, .w = w, .h = h, .r = {0, 0, w, h}};
    s->damage_all = true;
}

int tk_add(struct tk_scene *s, int parent, enum tk_kind kind, const char *text)
{
    if (s->count == TK_NODES_MAX || parent < 0 || parent >= s->count || !container(s->n[parent].kind))
        return -1;
    int i = s->count++;
    struct tk_node *n = &s->n[i];
    *n = (struct tk_node){.kind = kind, .dir = TK_COLUMN, .parent = (int16_t)parent, .first = -1,
                          .next = -1, .pad = kind == TK_BUTTON || kind == TK_FIELD ? 6 : 0};
    if (text) {
        strncpy(n->text, text, TK_TEXT_MAX - 1);
    }
    int16_t *link = &s->n[parent].first;
    while (*link >= 0)
        link = &s->n[*link].next;
    *link = (int16_t)i;
    return i;
}

/* The natural size of node i along `dir` (0: width, 1: height). */
static int32_t natural(struct tk_scene *s, int i, int axis)
{
    struct tk_node *n = &s->n[i];
    int32_t fixed = axis ? n->h : n->w;
    if (fixed > 0)
        return fixed;
    switch (n->kind) {
    case TK_TEXT:
    case TK_BUTTON:
    case TK_FIELD:
        if (axis || (n->icon && n->icon_only))
            return 2 * n->pad + s->m.line_height;
        return 2 * n->pad + s->m.width(s->m.ctx, n->text) + (n->icon ? s->m.line_height + TK_ICON_GAP(s->m.line_height) : 0);
    case TK_IMAGE:
        return axis ? n->img_h : n->img_w;
    case TK_GRAPH:
        return axis ? 48 : 2 * TK_GRAPH_MAX;
    default: {
        int32_t sum = 0, max = 0, k = 0;
        for (int c = n->first; c >= 0; c = s->n[c].next, k++) {
            int32_t v = natural(s, c, axis);
            sum += v;
            max = v > max ? v : max;
        }
        bool along = (n->dir == TK_ROW) == (axis == 0);
        return 2 * n->pad + (along ? sum + (k > 1 ? (k - 1) * n->gap : 0) : max);
    }
    }
}

static bool same(const struct tk_rect *a, const struct tk_rect *b)
{
    return a->x == b->x && a->y == b->y && a->w == b->w && a->h == b->h;
}

static void place(struct tk_scene *s, int i, struct tk_rect r)
{
    struct tk_node *n = &s->n[i];
    if (!same(&n->r, &r)) {
        tk_damage(s, &n->r);
        tk_damage(s, &r);
        n->r = r;
    }
    if (!container(n->kind))
        return;
    int axis = n->dir == TK_ROW ? 0 : 1; /* 0: children stack along x */
    int32_t inner = (axis ? r.h : r.w) - 2 * n->pad, used = 0, growers = 0, k = 0;
    for (int c = n->first; c >= 0; c = s->n[c].next, k++) {
        if (s->n[c].grow && n->kind != TK_SCROLL)
            growers++;
        else
            used += natural(s, c, axis);
    }
    used += k > 1 ? (k - 1) * n->gap : 0;
    int32_t share = growers && inner > used ? (inner - used) / growers : 0;
    int32_t pos = (axis ? r.y : r.x) + n->pad - (n->kind == TK_SCROLL ? n->scroll : 0);
    for (int c = n->first; c >= 0; c = s->n[c].next) {
        bool g = s->n[c].grow && n->kind != TK_SCROLL;
        int32_t len = g ? share : natural(s, c, axis);
        struct tk_rect cr = axis ? (struct tk_rect){r.x + n->pad, pos, r.w - 2 * n->pad, len}
                                 : (struct tk_rect){pos, r.y + n->pad, len, r.h - 2 * n->pad};
        place(s, c, cr);
        pos += len + n->gap;
    }
}

void tk_layout(struct tk_scene *s) { place(s, 0, (struct tk_rect){0, 0, s->n[0].w, s->n[0].h}); }

void tk_damage(struct tk_scene *s, const struct tk_rect *r)
{
    if (r->w <= 0 || r->h <= 0 || s->damage_all)
        return;
    if (s->ndamage == TK_DAMAGE_MAX) {
        s->damage_all = true;
        return;
    }
    s->damage[s->ndamage++] = *r;
}

uint32_t tk_take_damage(struct tk_scene *s, struct tk_rect *out, uint32_t max)
{
    uint32_t n = 0;
    if (s->damage_all || s->ndamage > max) {
        out[0] = (struct tk_rect){0, 0, s->n[0].w, s->n[0].h};
        n = max ? 1 : 0;
    } else {
        memcpy(out, s->damage, s->ndamage * sizeof(*out));
        n = s->ndamage;
    }
    s->ndamage = 0;
    s->damage_all = false;
    return n;
}

void tk_set_text(struct tk_scene *s, int i, const char *text)
{
    if (i < 0 || i >= s->count || !strncmp(s->n[i].text, text, TK_TEXT_MAX))
        return;
    strncpy(s->n[i].text, text, TK_TEXT_MAX - 1);
    s->n[i].text[TK_TEXT_MAX - 1] = 0;
    tk_damage(s, &s->n[i].r);
    tk_layout(s); /* a new width may move its neighbours */
}

void tk_set_icon(struct tk_scene *s, int i, int icon, bool icon_only)
{
    if (i < 0 || i >= s->count || icon < 0 || icon > 255 ||
        (s->n[i].icon == icon && s->n[i].icon_only == icon_only))
        return;
    s->n[i].icon = (uint8_t)icon;
    s->n[i].icon_only = icon_only;
    tk_damage(s, &s->n[i].r);
}

void tk_set_theme(struct tk_scene *s, const struct tk_theme *theme)
{
    if (s->theme != theme) {
        s->theme = theme;
        s->damage_all = true;
    }
}

void tk_graph_set(struct tk_scene *s, int i, const int32_t *pct, uint32_t n)
{
    if (i < 0 || i >= s->count || s->n[i].kind != TK_GRAPH)
        return;
    struct tk_node *g = &s->n[i];
    uint32_t skip = n > TK_GRAPH_MAX ? n - TK_GRAPH_MAX : 0;
    g->nsamples = (uint8_t)(n - skip);
    for (uint32_t k = 0; k < g->nsamples; k++) {
        int32_t v = pct[skip + k];
        g->samples[k] = (uint8_t)(v < 0 ? 0 : v > 100 ? 100 : v);
    }
    tk_damage(s, &g->r);
}

void tk_graph_point(const struct tk_node *n, uint32_t i, int32_t *x, int32_t *y)
{
    uint32_t back = n->nsamples > i ? n->nsamples - 1u - i : 0; /* 0 for the newest */
    *x = n->r.x + n->r.w - 1 - (int32_t)back * (n->r.w - 1) / (TK_GRAPH_MAX - 1);
    *y = n->r.y + n->r.h - 1 - (i < n->nsamples ? n->samples[i] : 0) * (n->r.h - 1) / 100;
}

void tk_scroll_by(struct tk_scene *s, int i, int32_t dy)
{
    if (i < 0 || i >= s->count || s->n[i].kind != TK_SCROLL)
        return;
    int32_t content = natural(s, i, 1) - 2 * s->n[i].pad, view = s->n[i].r.h - 2 * s->n[i].pad;
    int32_t max = content > view ? content - view : 0, v = s->n[i].scroll + dy;
    v = v < 0 ? 0 : v > max ? max : v;
    if (v != s->n[i].scroll) {
        s->n[i].scroll = v;
        tk_damage(s, &s->n[i].r);
        tk_layout(s);
    }
}

static void move_focus(struct tk_scene *s, int step)
{
    int start = s->focus, i = start;
    for (int k = 0; k < s->count; k++) {
        i = ((i < 0 ? (step > 0 ? -1 : 0) : i) + step + s->count) % s->count;
        if (focusable(s->n[i].kind))
            break;
    }
    if (!focusable(s->n[i].kind) || i == start)
        return;
    if (start >= 0)
        tk_damage(s, &s->n[start].r);
    s->focus = i;
    tk_damage(s, &s->n[i].r);
}

void tk_focus_next(struct tk_scene *s) { move_focus(s, 1); }
void tk_focus_prev(struct tk_scene *s) { move_focus(s, -1); }

bool tk_key(struct tk_scene *s, uint32_t hid, char ch)
{
    if (hid == HID_TAB) {
        tk_focus_next(s);
        return true;
    }
    if (s->focus < 0)
        return false;
    struct tk_node *n = &s->n[s->focus];
    if (n->kind == TK_BUTTON && (hid == HID_ENTER || hid == HID_SPACE)) {
        n->activations++;
        tk_damage(s, &n->r);
        return true;
    }
    if (n->kind != TK_FIELD)
        return false;
    char t[TK_TEXT_MAX];
    size_t len = strlen(n->text);
    memcpy(t, n->text, len + 1);
    if (hid == HID_BACKSPACE && len)
        t[len - 1] = 0;
    else if (ch >= 0x20 && ch < 0x7f && len + 1 < TK_TEXT_MAX)
        t[len] = ch, t[len + 1] = 0;
    else
        return false;
    tk_set_text(s, s->focus, t);
    return true;
}
