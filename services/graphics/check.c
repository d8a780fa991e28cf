/*
 * services/graphics/check.c - the checks on surface requests (check.h).
 *
 * All arithmetic is done in 64 bits on values already bounded, so a hostile size or
 * rectangle can never wrap around into something that looks valid.
 *
 * Layer: services/graphics (pure logic).
 */
#include "check.h"

#include <sos/errors.h>

#include <proto/graphics.h>

int check_size(uint32_t w, uint32_t h, uint32_t *stride, uint64_t *bytes, const char **why)
{
    if (w == 0 || h == 0) {
        *why = "a surface needs a width and a height of at least 1";
        return SOS_ERR_INVALID_ARGS;
    }
    if (w > GFX_SURFACE_MAX_DIM || h > GFX_SURFACE_MAX_DIM) {
        *why = "a surface is at most 4096 x 4096 pixels";
        return SOS_ERR_OUT_OF_RANGE;
    }
    *stride = w * 4;
    *bytes = (uint64_t)*stride * h;
    return 0;
}

int check_config(int32_t x, int32_t y, uint32_t alpha, uint32_t flags, const char **why)
{
    if (x <= -GFX_COORD_MAX || x >= GFX_COORD_MAX || y <= -GFX_COORD_MAX || y >= GFX_COORD_MAX) {
        *why = "a surface's position is within +-65535 of the screen's corner";
        return SOS_ERR_OUT_OF_RANGE;
    }
    if (alpha > 255) {
        *why = "alpha goes from 0 (invisible) to 255 (as drawn)";
        return SOS_ERR_INVALID_ARGS;
    }
    if (flags & ~GFX_SURF_FLAGS) {
        *why = "unknown surface flags";
        return SOS_ERR_INVALID_ARGS;
    }
    return 0;
}

int check_buffer(uint64_t vmo_size, uint64_t need, const char **why)
{
    if (vmo_size < need) {
        *why = "the memory object is smaller than the surface (stride x height bytes)";
        return SOS_ERR_BUFFER_TOO_SMALL;
    }
    return 0;
}

int check_damage(uint32_t w, uint32_t h, const uint32_t *r, uint32_t n, struct rect *out,
                 const char **why)
{
    if (n == 0 || n > GFX_DAMAGE_MAX) {
        *why = "a present names 1 to 64 damage rectangles";
        return SOS_ERR_INVALID_ARGS;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint64_t x = r[4 * i], y = r[4 * i + 1], rw = r[4 * i + 2], rh = r[4 * i + 3];
        if (rw == 0 || rh == 0) {
            *why = "an empty damage rectangle";
            return SOS_ERR_INVALID_ARGS;
        }
        if (x + rw > w || y + rh > h) {
            *why = "a damage rectangle reaches outside the surface";
            return SOS_ERR_OUT_OF_RANGE;
        }
        out[i] = (struct rect){(int32_t)x, (int32_t)y, (int32_t)rw, (int32_t)rh};
    }
    return 0;
}

int check_share(uint32_t have, uint32_t want, const char **why)
{
    if (want & ~(uint32_t)GFX_SURF_RIGHTS_ALL) {
        *why = "unknown surface rights";
        return SOS_ERR_INVALID_ARGS;
    }
    if (want & ~have) {
        *why = "a channel can share only rights it has";
        return SOS_ERR_ACCESS_DENIED;
    }
    return 0;
}
