/*
 * services/graphics/compose.c - composing damaged areas (compose.h).
 *
 * The order of work for one damaged rectangle d: clip it to the screen; fill what no
 * opaque surface covers with the background; draw each surface bottom-up only over
 * compose_plan's region; draw the cursor over d last. Blending is the usual "over"
 * with the surface's alpha times the pixel's (or 255 for opaque surfaces).
 *
 * Layer: services/graphics (pure logic).
 */
#include "compose.h"

static bool higher(const struct surface_px *a, const struct surface_px *b)
{
    return a->z != b->z ? a->z > b->z : a->order > b->order;
}

void scene_sort(struct scene *sc)
{
    for (uint32_t i = 1; i < sc->n; i++) { /* insertion sort: few surfaces, mostly sorted */
        struct surface_px *s = sc->s[i];
        uint32_t j = i;
        for (; j > 0 && higher(sc->s[j - 1], s); j--)
            sc->s[j] = sc->s[j - 1];
        sc->s[j] = s;
    }
}

bool surface_covers(const struct surface_px *s)
{
    return s->visible && s->opaque && s->alpha == 255 && !rect_empty(&s->geo);
}

void compose_plan(const struct scene *sc, uint32_t i, const struct rect *d, struct region *out)
{
    region_init(out);
    const struct surface_px *s = sc->s[i];
    if (!s->visible || !s->alpha)
        return;
    struct rect r = rect_intersect(&s->geo, d);
    region_add(out, &r);
    for (uint32_t j = i + 1; j < sc->n && out->n; j++)
        if (surface_covers(sc->s[j]))
            region_subtract(out, &sc->s[j]->geo);
}

static uint32_t blend(uint32_t dst, uint32_t src, uint32_t a)
{
    if (a >= 255)
        return src | 0xff000000u;
    if (a == 0)
        return dst;
    uint32_t out = 0xff000000u;
    for (int sh = 0; sh < 24; sh += 8) {
        uint32_t s = (src >> sh) & 0xff, t = (dst >> sh) & 0xff;
        out |= ((s * a + t * (255 - a) + 127) / 255) << sh;
    }
    return out;
}

static void draw_surface(const struct scene *sc, const struct surface_px *s, const struct rect *r)
{
    for (int32_t y = r->y; y < r->y + r->h; y++) {
        uint32_t *dst = sc->fb + (size_t)y * (sc->pitch / 4);
        const uint32_t *src = (const uint32_t *)((const uint8_t *)s->px +
                                                 (size_t)(y - s->geo.y) * s->stride);
        if (s->opaque && s->alpha == 255) { /* nothing to blend: copy the row */
            for (int32_t x = r->x; x < r->x + r->w; x++)
                dst[x] = src[x - s->geo.x] | 0xff000000u;
            continue;
        }
        for (int32_t x = r->x; x < r->x + r->w; x++) {
            uint32_t p = src[x - s->geo.x];
            uint32_t a = s->opaque ? s->alpha : (p >> 24) * s->alpha / 255;
            dst[x] = blend(dst[x], p, a);
        }
    }
}

static void fill(const struct scene *sc, const struct rect *r, uint32_t c)
{
    for (int32_t y = r->y; y < r->y + r->h; y++)
        for (int32_t x = r->x; x < r->x + r->w; x++)
            sc->fb[(size_t)y * (sc->pitch / 4) + x] = c;
}

struct rect scene_cursor_rect(const struct scene *sc)
{
    if (!sc->cursor.visible || !sc->cursor.px)
        return (struct rect){0, 0, 0, 0};
    return (struct rect){sc->cursor.x, sc->cursor.y, (int32_t)sc->cursor.w, (int32_t)sc->cursor.h};
}

static void draw_cursor(const struct scene *sc, const struct rect *d)
{
    struct rect c = scene_cursor_rect(sc);
    struct rect r = rect_intersect(&c, d);
    struct surface_px s = {.geo = c, .px = sc->cursor.px, .stride = sc->cursor.w * 4,
                           .alpha = 255, .visible = true};
    if (!rect_empty(&r))
        draw_surface(sc, &s, &r);
}

void compose_damage(const struct scene *sc, const struct rect *d, struct rect *shown)
{
    struct rect screen = {0, 0, (int32_t)sc->width, (int32_t)sc->height};
    struct rect r = rect_intersect(d, &screen);
    *shown = r;
    if (rect_empty(&r))
        return;
    struct region bg;
    region_init(&bg);
    region_add(&bg, &r);
    for (uint32_t j = 0; j < sc->n && bg.n; j++)
        if (surface_covers(sc->s[j]))
            region_subtract(&bg, &sc->s[j]->geo);
    for (uint32_t k = 0; k < bg.n; k++)
        fill(sc, &bg.r[k], sc->background);
    for (uint32_t i = 0; i < sc->n; i++) {
        struct region g;
        compose_plan(sc, i, &r, &g);
        for (uint32_t k = 0; k < g.n; k++)
            draw_surface(sc, sc->s[i], &g.r[k]);
    }
    draw_cursor(sc, &r);
}

int scene_hit(const struct scene *sc, int32_t x, int32_t y)
{
    for (uint32_t k = sc->n; k-- > 0;) {
        const struct surface_px *s = sc->s[k];
        struct rect p = {x, y, 1, 1};
        if (!s->visible || !s->alpha || !rect_contains(&s->geo, &p))
            continue;
        const uint32_t *row = (const uint32_t *)((const uint8_t *)s->px +
                                                 (size_t)(y - s->geo.y) * s->stride);
        uint32_t a = s->opaque ? 255 : row[x - s->geo.x] >> 24;
        if (a * s->alpha / 255 > 0)
            return (int)k;
    }
    return -1;
}
