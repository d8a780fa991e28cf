/*
 * services/graphics/region.c - rectangle arithmetic (region.h).
 *
 * A region is a list of disjoint rectangles. Subtracting a rectangle cuts each one it
 * meets into at most four bands (above, below, left, right of the cut), which stay
 * disjoint. When the list would pass REGION_MAX the region falls back to one bounding
 * rectangle and says so (overflow): the compositor then draws a little more than it
 * must, never less.
 *
 * Layer: services/graphics (pure logic).
 */
#include "region.h"

bool rect_make(int64_t x, int64_t y, uint64_t w, uint64_t h, struct rect *out)
{
    if (x <= -REGION_COORD_MAX || x >= REGION_COORD_MAX || y <= -REGION_COORD_MAX ||
        y >= REGION_COORD_MAX || w >= REGION_COORD_MAX || h >= REGION_COORD_MAX)
        return false;
    *out = (struct rect){(int32_t)x, (int32_t)y, (int32_t)w, (int32_t)h};
    return true;
}

bool rect_empty(const struct rect *a) { return a->w <= 0 || a->h <= 0; }

static int32_t max32(int32_t a, int32_t b) { return a > b ? a : b; }
static int32_t min32(int32_t a, int32_t b) { return a < b ? a : b; }

struct rect rect_intersect(const struct rect *a, const struct rect *b)
{
    int32_t x0 = max32(a->x, b->x), y0 = max32(a->y, b->y);
    int32_t x1 = min32(a->x + a->w, b->x + b->w), y1 = min32(a->y + a->h, b->y + b->h);
    if (x1 <= x0 || y1 <= y0)
        return (struct rect){0, 0, 0, 0};
    return (struct rect){x0, y0, x1 - x0, y1 - y0};
}

struct rect rect_union(const struct rect *a, const struct rect *b)
{
    if (rect_empty(a))
        return *b;
    if (rect_empty(b))
        return *a;
    int32_t x0 = min32(a->x, b->x), y0 = min32(a->y, b->y);
    int32_t x1 = max32(a->x + a->w, b->x + b->w), y1 = max32(a->y + a->h, b->y + b->h);
    return (struct rect){x0, y0, x1 - x0, y1 - y0};
}

bool rect_contains(const struct rect *o, const struct rect *i)
{
    return i->x >= o->x && i->y >= o->y && i->x + i->w <= o->x + o->w &&
           i->y + i->h <= o->y + o->h;
}

void region_init(struct region *g)
{
    g->n = 0;
    g->overflow = false;
}

static void collapse(struct region *g)
{
    struct rect b = {0, 0, 0, 0};
    for (uint32_t i = 0; i < g->n; i++)
        b = rect_union(&b, &g->r[i]);
    g->r[0] = b;
    g->n = 1;
    g->overflow = true;
}

void region_add(struct region *g, const struct rect *a)
{
    if (rect_empty(a))
        return;
    if (g->n == REGION_MAX) {
        collapse(g);
        g->r[0] = rect_union(&g->r[0], a);
        return;
    }
    g->r[g->n++] = *a;
}

/* The parts of r outside c (c meets r), appended to out[]; how many (0..4). */
static uint32_t cut(const struct rect *r, const struct rect *c, struct rect *out)
{
    uint32_t n = 0;
    int32_t rb = r->y + r->h, cb = c->y + c->h, rr = r->x + r->w, cr = c->x + c->w;
    if (c->y > r->y)
        out[n++] = (struct rect){r->x, r->y, r->w, c->y - r->y};
    if (cb < rb)
        out[n++] = (struct rect){r->x, cb, r->w, rb - cb};
    int32_t my0 = max32(r->y, c->y), my1 = min32(rb, cb);
    if (c->x > r->x)
        out[n++] = (struct rect){r->x, my0, c->x - r->x, my1 - my0};
    if (cr < rr)
        out[n++] = (struct rect){cr, my0, rr - cr, my1 - my0};
    return n;
}

void region_subtract(struct region *g, const struct rect *a)
{
    if (rect_empty(a))
        return;
    struct region out;
    region_init(&out);
    out.overflow = g->overflow;
    for (uint32_t i = 0; i < g->n; i++) {
        struct rect m = rect_intersect(&g->r[i], a);
        if (rect_empty(&m)) {
            region_add(&out, &g->r[i]);
            continue;
        }
        struct rect parts[4];
        uint32_t k = cut(&g->r[i], &m, parts);
        for (uint32_t j = 0; j < k; j++)
            region_add(&out, &parts[j]);
    }
    *g = out;
}

uint64_t region_area(const struct region *g)
{
    uint64_t a = 0;
    for (uint32_t i = 0; i < g->n; i++)
        a += (uint64_t)g->r[i].w * (uint64_t)g->r[i].h;
    return a;
}
