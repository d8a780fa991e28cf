/*
 * desktop/toolkit/canvas.c - fills, blending and images (tk/canvas.h); PNG decoding by
 * stb_image (Debian's libstb-dev, header-only, PNG only, compiled freestanding over
 * services/lib's libc).
 *
 * Layer: desktop/toolkit.
 */
#include <stdlib.h>
#include <string.h>

#include <sos/errors.h>
#include <tk/canvas.h>

#define STBI_ONLY_PNG
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#define STBI_NO_SIMD
#define STBI_NO_THREAD_LOCALS
#define STBI_ASSERT(x) ((void)0)
#define STB_IMAGE_IMPLEMENTATION
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#include "stb_image.h"
#pragma GCC diagnostic pop

static int32_t clampi(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : v > hi ? hi : v; }

void tk_fill(struct tk_canvas *c, int32_t x, int32_t y, int32_t w, int32_t h, uint32_t argb)
{
    int32_t x0 = clampi(x, 0, c->w), y0 = clampi(y, 0, c->h);
    int32_t x1 = clampi(x + w, 0, c->w), y1 = clampi(y + h, 0, c->h);
    for (int32_t j = y0; j < y1; j++) {
        uint32_t *row = (uint32_t *)((uint8_t *)c->px + (size_t)j * c->stride);
        for (int32_t i = x0; i < x1; i++)
            row[i] = argb;
    }
}

void tk_blend(struct tk_canvas *c, int32_t x, int32_t y, uint32_t argb, uint32_t a)
{
    if (x < 0 || y < 0 || x >= c->w || y >= c->h || a == 0)
        return;
    uint32_t *p = (uint32_t *)((uint8_t *)c->px + (size_t)y * c->stride) + x;
    a = a * (argb >> 24) / 255;
    uint32_t d = *p, out = 0;
    for (int sh = 0; sh < 24; sh += 8) {
        uint32_t s = (argb >> sh) & 0xff, t = (d >> sh) & 0xff;
        out |= ((s * a + t * (255 - a) + 127) / 255) << sh;
    }
    uint32_t da = d >> 24; /* coverage adds up in the destination's alpha */
    *p = out | (da + (255 - da) * a / 255) << 24;
}

void tk_draw_image(struct tk_canvas *c, const struct tk_image *img, int32_t x, int32_t y)
{
    for (int32_t j = 0; j < img->h; j++)
        for (int32_t i = 0; i < img->w; i++) {
            uint32_t p = img->px[(size_t)j * img->w + i];
            tk_blend(c, x + i, y + j, p | 0xff000000u, p >> 24);
        }
}

int tk_image_png(const void *data, size_t len, struct tk_image *out)
{
    int w, h, n;
    if (len > 0x7fffffff)
        return SOS_ERR_BAD_FORMAT;
    unsigned char *rgba = stbi_load_from_memory(data, (int)len, &w, &h, &n, 4);
    if (!rgba)
        return SOS_ERR_BAD_FORMAT;
    out->px = malloc((size_t)w * h * 4);
    if (!out->px) {
        stbi_image_free(rgba);
        return SOS_ERR_NO_MEMORY;
    }
    for (size_t i = 0; i < (size_t)w * h; i++) {
        const unsigned char *q = rgba + 4 * i;
        out->px[i] = (uint32_t)q[3] << 24 | (uint32_t)q[0] << 16 | (uint32_t)q[1] << 8 | q[2];
    }
    out->w = w;
    out->h = h;
    stbi_image_free(rgba);
    return 0;
}
