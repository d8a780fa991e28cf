/*
 * services/graphics/compose.h - the compositor's scene and its drawing: surfaces
 * stacked by z, each with a position, a global alpha and whether its pixels' own alpha
 * counts; a cursor plane above them all; and the composition of one damaged area into
 * the back buffer.
 *
 * Composition works per damaged rectangle (clipped to the screen): the background and
 * then each surface from the bottom up are drawn only where they show, i.e. inside the
 * damage and outside every opaque surface above (compose_plan). So a surface hidden
 * under an opaque one costs nothing, and a present touches exactly the damaged pixels.
 *
 * Pixels are 32-bit 0xAARRGGBB, not premultiplied. Layer: services/graphics (pure
 * logic, host-tested: graphics-compose).
 */
#ifndef GRAPHICS_COMPOSE_H
#define GRAPHICS_COMPOSE_H

#include "region.h"

#define SCENE_MAX 64

struct surface_px {
    struct rect geo;      /* on the screen; w, h are the buffer's size */
    const uint32_t *px;   /* the buffer, h lines of stride bytes */
    uint32_t stride;
    uint32_t z;           /* larger is higher; ties: the later created is higher */
    uint32_t order;       /* creation order */
    uint8_t alpha;        /* 255: as drawn; 0: invisible */
    bool opaque;          /* the pixels' alpha is ignored (treated as 255) */
    bool visible;
};

struct scene {
    uint32_t width, height, pitch; /* the back buffer */
    uint32_t *fb;
    uint32_t background;
    struct surface_px *s[SCENE_MAX]; /* bottom to top after scene_sort */
    uint32_t n;
    struct {                         /* the cursor plane */
        bool visible;
        int32_t x, y;                /* its hot spot is its top-left pixel */
        const uint32_t *px;
        uint32_t w, h;
    } cursor;
};

/* Put the surfaces in stacking order (bottom first). */
void scene_sort(struct scene *sc);
/* Does surface i cover its whole rectangle with full alpha? */
bool surface_covers(const struct surface_px *s);
/* Where surface i (in stacking order) must be drawn for damage d: (s ∩ d) minus the
 * opaque surfaces above it. */
void compose_plan(const struct scene *sc, uint32_t i, const struct rect *d, struct region *out);
/* Compose damage d (clipped to the screen; the clipped rectangle goes to *shown, empty
 * when nothing is on screen) into the back buffer. */
void compose_damage(const struct scene *sc, const struct rect *d, struct rect *shown);
/* The cursor's rectangle on the screen (empty when hidden). */
struct rect scene_cursor_rect(const struct scene *sc);
/* The topmost visible surface showing a pixel at (x, y) (alpha > 0 after its own
 * alpha), or -1: transparent parts let the pointer through. */
int scene_hit(const struct scene *sc, int32_t x, int32_t y);

#endif
