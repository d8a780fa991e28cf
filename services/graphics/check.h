/*
 * services/graphics/check.h - the checks on what clients ask of a surface, kept apart
 * from the service so the host test (graphics-check) can feed them every bad value.
 * Each returns 0 or an SOS_ERR_* and, on failure, points *why at a sentence the
 * service sends back with the error.
 *
 * Layer: services/graphics (pure logic).
 */
#ifndef GRAPHICS_CHECK_H
#define GRAPHICS_CHECK_H

#include <stdint.h>

#include "region.h"

/* A surface size: 1..GFX_SURFACE_MAX_DIM each way; its stride and byte count. */
int check_size(uint32_t w, uint32_t h, uint32_t *stride, uint64_t *bytes, const char **why);
/* A position: |x|, |y| below GFX_COORD_MAX; alpha 0..255; known flags only. */
int check_config(int32_t x, int32_t y, uint32_t alpha, uint32_t flags, const char **why);
/* A client's own buffer: at least `need` bytes. */
int check_buffer(uint64_t vmo_size, uint64_t need, const char **why);
/* n damage rectangles (4 u32 each) of a w x h surface: 1..GFX_DAMAGE_MAX, none empty,
 * each inside the surface; out[] gets them. */
int check_damage(uint32_t w, uint32_t h, const uint32_t *r, uint32_t n, struct rect *out,
                 const char **why);
/* Rights for a shared channel: no unknown bits, none the sharer lacks. */
int check_share(uint32_t have, uint32_t want, const char **why);

#endif
