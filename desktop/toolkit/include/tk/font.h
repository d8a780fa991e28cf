/*
 * tk/font.h - text from TrueType fonts (stb_truetype), anti-aliased, with a glyph
 * cache: each glyph of a font at its size is rasterised once (its coverage bitmap and
 * metrics kept) and blended from the cache afterwards.
 *
 * Layer: desktop/toolkit.
 */
#ifndef TK_FONT_H
#define TK_FONT_H

#include <stdbool.h>

#include "canvas.h"

#define TK_GLYPH_CACHE 256 /* Latin-1: code points 0..255 are cached; others drawn as '?' */

struct tk_glyph {
    bool ready;
    uint8_t *cov;        /* coverage, w * h */
    int32_t w, h, xoff, yoff, advance;
};

struct tk_font {
    void *info;          /* stbtt_fontinfo */
    float scale;
    int32_t ascent, descent, line_gap; /* pixels */
    struct tk_glyph glyph[TK_GLYPH_CACHE];
    uint32_t rasterised; /* glyphs rasterised so far (the cache's misses) */
};

/* Load a font from TrueType data (kept by the caller while the font is used) at a
 * pixel height; 0 or SOS_ERR_BAD_FORMAT / SOS_ERR_NO_MEMORY. */
int tk_font_load(struct tk_font *f, const void *ttf, size_t len, float px);
void tk_font_free(struct tk_font *f);
/* Draw UTF-8 text with its baseline at y; returns the advance in pixels. */
int32_t tk_text(struct tk_canvas *c, struct tk_font *f, int32_t x, int32_t y, const char *s,
                uint32_t argb);
int32_t tk_text_width(struct tk_font *f, const char *s);

#endif
