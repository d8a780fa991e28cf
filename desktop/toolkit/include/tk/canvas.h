/*
 * tk/canvas.h - the toolkit's drawing target and primitives: a canvas is a pixel
 * buffer (0xAARRGGBB, `stride` bytes a line) such as a surface's buffer; everything
 * drawn is clipped to it, so a caller's coordinates may be anywhere.
 *
 * Layer: desktop/toolkit (a static library for applications).
 */
#ifndef TK_CANVAS_H
#define TK_CANVAS_H

#include <stddef.h>
#include <stdint.h>

struct tk_canvas {
    uint32_t *px;
    int32_t w, h;
    uint32_t stride; /* bytes */
};

struct tk_image {
    uint32_t *px; /* w * h pixels, 0xAARRGGBB, not premultiplied; free() it */
    int32_t w, h;
};

void tk_fill(struct tk_canvas *c, int32_t x, int32_t y, int32_t w, int32_t h, uint32_t argb);
/* Blend one pixel of `argb` with coverage a (0..255) over what is there. */
void tk_blend(struct tk_canvas *c, int32_t x, int32_t y, uint32_t argb, uint32_t a);
/* Draw an image with its alpha at (x, y). */
void tk_draw_image(struct tk_canvas *c, const struct tk_image *img, int32_t x, int32_t y);
/* Decode a PNG (stb_image); 0 or SOS_ERR_BAD_FORMAT / SOS_ERR_NO_MEMORY. */
int tk_image_png(const void *data, size_t len, struct tk_image *out);

#endif
