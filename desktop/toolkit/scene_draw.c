/*
 * desktop/toolkit/scene_draw.c - drawing the retained scene (tk/scene.h) with the
 * canvas and a font: only the nodes that meet a damaged rectangle are drawn, clipped
 * to it, in tree order (parents under children), with the scene's theme. A node's
 * icon is drawn line-high before its text, or alone centred in the node; its shape in
 * the text's colour, its details in the accent (on a button: the button's text colour
 * mixed with the button's).
 *
 * Layer: desktop/toolkit.
 */
#include <tk/draw.h>
#include <tk/icons.h>

static bool meets(const struct tk_rect *a, const struct tk_rect *b)
{
    return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

/* A canvas that only reaches `clip` (a view into c's pixels, origin kept). */
static void fill_clipped(struct tk_canvas *c, const struct tk_rect *clip, struct tk_rect r, uint32_t color)
{
    int32_t x0 = r.x > clip->x ? r.x : clip->x, y0 = r.y > clip->y ? r.y : clip->y;
    int32_t x1 = r.x + r.w < clip->x + clip->w ? r.x + r.w : clip->x + clip->w;
    int32_t y1 = r.y + r.h < clip->y + clip->h ? r.y + r.h : clip->y + clip->h;
    if (x1 > x0 && y1 > y0)
        tk_fill(c, x0, y0, x1 - x0, y1 - y0, color);
}

static void ring(struct tk_canvas *c, const struct tk_rect *clip, struct tk_rect r, uint32_t color)
{
    fill_clipped(c, clip, (struct tk_rect){r.x, r.y, r.w, 2}, color);
    fill_clipped(c, clip, (struct tk_rect){r.x, r.y + r.h - 2, r.w, 2}, color);
    fill_clipped(c, clip, (struct tk_rect){r.x, r.y, 2, r.h}, color);
    fill_clipped(c, clip, (struct tk_rect){r.x + r.w - 2, r.y, 2, r.h}, color);
}

/* A graph: its samples joined by 2-pixel lines (a step along the longer axis). */
static void graph(struct tk_canvas *c, const struct tk_rect *clip, const struct tk_node *n, uint32_t color)
{
    for (uint32_t i = 1; i < n->nsamples; i++) {
        int32_t x0, y0, x1, y1;
        tk_graph_point(n, i - 1, &x0, &y0);
        tk_graph_point(n, i, &x1, &y1);
        int32_t dx = x1 - x0, dy = y1 - y0, steps = dx > (dy < 0 ? -dy : dy) ? dx : (dy < 0 ? -dy : dy);
        for (int32_t k = 0; k <= steps; k++) {
            int32_t x = steps ? x0 + dx * k / steps : x0, y = steps ? y0 + dy * k / steps : y0;
            fill_clipped(c, clip, (struct tk_rect){x, y - 1, 2, 2}, color);
        }
    }
}

static uint32_t mix(uint32_t a, uint32_t b, uint32_t wa) /* wa of 256 from a */
{
    uint32_t out = 0xff000000u;
    for (int sh = 0; sh < 24; sh += 8)
        out |= ((((a >> sh) & 0xff) * wa + ((b >> sh) & 0xff) * (256 - wa)) >> 8) << sh;
    return out;
}

/* The node's text (x relative to the view) in fg, after its icon if it has one. */
static void label(struct tk_scene *s, const struct tk_node *n, struct tk_canvas *view, struct tk_font *f,
                  int32_t cx, int32_t cy, uint32_t fg, uint32_t detail)
{
    int32_t x = n->r.x + n->pad - cx, lh = s->m.line_height;
    if (n->icon && n->icon_only) {
        int32_t size = (n->r.w < n->r.h ? n->r.w : n->r.h) * 3 / 4;
        tk_icon_draw(view, n->icon, n->r.x + (n->r.w - size) / 2 - cx, n->r.y + (n->r.h - size) / 2 - cy,
                     size, fg, detail);
        return;
    }
    if (n->icon) {
        tk_icon_draw(view, n->icon, x, n->r.y + (n->r.h - lh) / 2 - cy, lh, fg, detail);
        x += lh + TK_ICON_GAP(lh);
    }
    tk_text(view, f, x, n->r.y + n->pad + f->ascent - cy, n->text, fg);
}

static void node(struct tk_scene *s, int i, struct tk_canvas *c, struct tk_font *f,
                 const struct tk_rect *clip)
{
    const struct tk_node *n = &s->n[i];
    const struct tk_theme *t = s->theme;
    int32_t base = n->r.y + n->pad + f->ascent;
    struct tk_canvas view = *c; /* text is clipped to the damage by drawing into a view */
    int32_t cx = clip->x < 0 ? 0 : clip->x, cy = clip->y < 0 ? 0 : clip->y;
    view.px = (uint32_t *)((uint8_t *)c->px + (size_t)cy * c->stride) + cx;
    view.w = (clip->x + clip->w < c->w ? clip->x + clip->w : c->w) - cx;
    view.h = (clip->y + clip->h < c->h ? clip->y + clip->h : c->h) - cy;
    switch (n->kind) {
    case TK_BOX: case TK_LIST: case TK_SCROLL:
        fill_clipped(c, clip, n->r, i == 0 ? t->background : t->surface);
        break;
    case TK_TEXT:
        label(s, n, &view, f, cx, cy, t->text, t->accent);
        break;
    case TK_BUTTON:
        fill_clipped(c, clip, n->r, t->accent);
        label(s, n, &view, f, cx, cy, t->accent_text, mix(t->accent_text, t->accent, 150));
        break;
    case TK_FIELD:
        fill_clipped(c, clip, n->r, t->field);
        tk_text(&view, f, n->r.x + n->pad - cx, base - cy, n->text, t->text);
        break;
    case TK_GRAPH:
        fill_clipped(c, clip, n->r, t->field);
        graph(c, clip, n, t->accent);
        break;
    case TK_IMAGE:
        break; /* the application draws its images into the node's rectangle */
    }
    if (i == s->focus)
        ring(c, clip, n->r, t->focus_ring);
}

void tk_draw(struct tk_scene *s, struct tk_canvas *c, struct tk_font *f, const struct tk_rect *damage)
{
    for (int i = 0; i < s->count; i++)
        if (meets(&s->n[i].r, damage) && (i == 0 || s->n[s->n[i].parent].kind != TK_SCROLL ||
                                          meets(&s->n[i].r, &s->n[s->n[i].parent].r)))
            node(s, i, c, f, damage);
}
