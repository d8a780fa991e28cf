/*
 * desktop/toolkit/font.c - TrueType text (tk/font.h) with stb_truetype (Debian's
 * libstb-dev) compiled freestanding: the math it needs comes from services/lib's
 * math.h. Glyphs are rasterised once per font into 8-bit coverage (anti-aliased) and
 * blended from the cache; kerning is applied between pairs.
 *
 * Layer: desktop/toolkit.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sos/errors.h>
#include <tk/font.h>

#define STBTT_assert(x) ((void)0)
#define STBTT_STATIC
#define STB_TRUETYPE_IMPLEMENTATION
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#pragma GCC diagnostic ignored "-Wshadow"
#include "stb_truetype.h"
#pragma GCC diagnostic pop

int tk_font_load(struct tk_font *f, const void *ttf, size_t len, float px)
{
    memset(f, 0, sizeof(*f));
    stbtt_fontinfo *info = malloc(sizeof(*info));
    if (!info)
        return SOS_ERR_NO_MEMORY;
    int off = len >= 12 ? stbtt_GetFontOffsetForIndex(ttf, 0) : -1;
    if (off < 0 || !stbtt_InitFont(info, ttf, off)) {
        free(info);
        return SOS_ERR_BAD_FORMAT;
    }
    f->info = info;
    f->scale = stbtt_ScaleForPixelHeight(info, px);
    int a, d, g;
    stbtt_GetFontVMetrics(info, &a, &d, &g);
    f->ascent = (int32_t)ceil(a * f->scale);
    f->descent = (int32_t)floor(d * f->scale);
    f->line_gap = (int32_t)ceil(g * f->scale);
    return 0;
}

void tk_font_free(struct tk_font *f)
{
    for (int i = 0; i < TK_GLYPH_CACHE; i++)
        free(f->glyph[i].cov);
    free(f->info);
    memset(f, 0, sizeof(*f));
}

/* The next code point of UTF-8 text (a bad byte is taken as Latin-1). */
static uint32_t next_cp(const unsigned char **s)
{
    const unsigned char *p = *s;
    uint32_t c = *p++;
    if (c >= 0xc0 && c < 0xe0 && (p[0] & 0xc0) == 0x80) {
        c = (c & 0x1f) << 6 | (p[0] & 0x3f);
        p++;
    } else if (c >= 0xe0 && c < 0xf0 && (p[0] & 0xc0) == 0x80 && (p[1] & 0xc0) == 0x80) {
        c = (c & 0x0f) << 12 | (uint32_t)(p[0] & 0x3f) << 6 | (p[1] & 0x3f);
        p += 2;
    }
    *s = p;
    return c < TK_GLYPH_CACHE ? c : '?';
}

static struct tk_glyph *glyph(struct tk_font *f, uint32_t cp)
{
    struct tk_glyph *g = &f->glyph[cp];
    if (g->ready)
        return g;
    stbtt_fontinfo *info = f->info;
    int adv, lsb, x0, y0, x1, y1;
    stbtt_GetCodepointHMetrics(info, (int)cp, &adv, &lsb);
    stbtt_GetCodepointBitmapBox(info, (int)cp, f->scale, f->scale, &x0, &y0, &x1, &y1);
    g->advance = (int32_t)floor(adv * f->scale + 0.5);
    g->w = x1 - x0;
    g->h = y1 - y0;
    g->xoff = x0;
    g->yoff = y0;
    if (g->w > 0 && g->h > 0 && (g->cov = malloc((size_t)g->w * g->h)))
        stbtt_MakeCodepointBitmap(info, g->cov, g->w, g->h, g->w, f->scale, f->scale, (int)cp);
    else
        g->w = g->h = 0;
    g->ready = true;
    f->rasterised++;
    return g;
}

int32_t tk_text(struct tk_canvas *c, struct tk_font *f, int32_t x, int32_t y, const char *s,
                uint32_t argb)
{
    const unsigned char *p = (const unsigned char *)s;
    int32_t pen = x;
    uint32_t prev = 0;
    while (*p) {
        uint32_t cp = next_cp(&p);
        if (prev)
            pen += (int32_t)floor(stbtt_GetCodepointKernAdvance(f->info, (int)prev, (int)cp) * f->scale + 0.5);
        struct tk_glyph *g = glyph(f, cp);
        for (int32_t j = 0; c && j < g->h; j++)
            for (int32_t i = 0; i < g->w; i++)
                tk_blend(c, pen + g->xoff + i, y + g->yoff + j, argb, g->cov[(size_t)j * g->w + i]);
        pen += g->advance;
        prev = cp;
    }
    return pen - x;
}

int32_t tk_text_width(struct tk_font *f, const char *s) { return tk_text(NULL, f, 0, 0, s, 0); }
