/*
 * services/graphics/region.h - rectangle arithmetic for the compositor: intersection,
 * clipping, and regions (small sets of disjoint rectangles) with subtraction, so the
 * compositor can work out which parts of a damaged area each surface really shows.
 *
 * Coordinates are signed (surfaces may hang off the screen's edges); a rectangle is
 * empty when w or h is 0. Every function checks its sizes so that x + w never
 * overflows: rect_make refuses sizes past REGION_COORD_MAX.
 *
 * Layer: services/graphics (pure logic, host-tested: graphics-region).
 */
#ifndef GRAPHICS_REGION_H
#define GRAPHICS_REGION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REGION_COORD_MAX (1 << 24) /* |x|, |y|, w and h stay below this */
#define REGION_MAX 64              /* rectangles in a region */

struct rect {
    int32_t x, y, w, h;
};

struct region {
    uint32_t n;
    bool overflow; /* a piece did not fit: the region is then its bounding box */
    struct rect r[REGION_MAX];
};

/* A rectangle from unsigned protocol values; false when a size or end is out of range. */
bool rect_make(int64_t x, int64_t y, uint64_t w, uint64_t h, struct rect *out);
bool rect_empty(const struct rect *a);
/* a ∩ b (empty when they do not meet). */
struct rect rect_intersect(const struct rect *a, const struct rect *b);
/* The smallest rectangle holding both (an empty one is ignored). */
struct rect rect_union(const struct rect *a, const struct rect *b);
bool rect_contains(const struct rect *outer, const struct rect *inner);

void region_init(struct region *g);
void region_add(struct region *g, const struct rect *a); /* a must be disjoint from g */
/* g minus a: every rectangle of g that meets a is cut into the up to four parts outside it. */
void region_subtract(struct region *g, const struct rect *a);
uint64_t region_area(const struct region *g);

#endif
