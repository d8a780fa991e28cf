/*
 * services/graphics/png.h - screenshots as PNG (png.c).
 *
 * Layer: services/graphics (pure logic, host-tested: graphics-png).
 */
#ifndef GRAPHICS_PNG_H
#define GRAPHICS_PNG_H

#include <stddef.h>
#include <stdint.h>

/* Encode w x h pixels (0xAARRGGBB, `stride` bytes a line; alpha dropped) as an RGB PNG
 * in a new heap buffer *out of *len bytes (free() it); 0 or SOS_ERR_NO_MEMORY. */
int png_encode(const uint32_t *px, uint32_t w, uint32_t h, uint32_t stride, unsigned char **out,
               size_t *len);

#endif
