/*
 * desktop/toolkit/scene_draw.c - drawing the retained scene (tk/scene.h) with the
 * canvas and a font: only the nodes that meet a damaged rectangle are drawn, clipped
 * to it, in tree order (parents under children), with the scene's theme.
 *
 * Layer: desktop/toolkit.
 */
#include <tk/draw.h>

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
        tk_text(&view, f, n->r.x + n->pad - cx, base - cy, n->text, t->text);
        break;
    case TK_BUTTON:
        fill_clipped(c, clip, n->r, t->accent);
        tk_text(&view, f, n->r.x + n->pad - cx, base - cy, n->text, t->accent_text);
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
