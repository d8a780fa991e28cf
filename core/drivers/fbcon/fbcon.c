/*
 * core/drivers/fbcon/fbcon.c - the text console in a framebuffer.
 *
 * A grid of Latin-1 cells drawn with the PSF font staged at build time
 * (scripts/psf2c.py). Writes update the grid; at the end of each write the cells that
 * differ from what the screen shows are drawn, so scrolling redraws only changed cells
 * and never reads video memory. UTF-8 is decoded (code points above 255 show as '?');
 * ANSI escape sequences are skipped. Once the HAL stops it (a display client took the
 * framebuffer) nothing more is drawn.
 *
 * Layer: core drivers (arch-neutral).
 */
#include "drivers/fbcon/fbcon.h"

#include "lib/kstring.h"

/* scripts/psf2c.py output */
extern const int psf_font_width, psf_font_height, psf_font_bytes;
extern const unsigned char psf_font_glyphs[];
extern const unsigned short psf_font_map[256];

static void draw_cell(struct fbcon *c, uint32_t col, uint32_t row, uint8_t ch)
{
    const uint32_t w = (uint32_t)psf_font_width, h = (uint32_t)psf_font_height;
    const uint32_t rowbytes = (w + 7) / 8;
    const uint8_t *g = &psf_font_glyphs[psf_font_map[ch] * (uint32_t)psf_font_bytes];
    volatile uint32_t *p = c->fb + row * h * c->stride_px + col * w;
    for (uint32_t y = 0; y < h; y++, p += c->stride_px)
        for (uint32_t x = 0; x < w; x++)
            p[x] = (g[y * rowbytes + x / 8] & (0x80 >> (x % 8))) ? FBCON_FG : FBCON_BG;
}

static void sync(struct fbcon *c)
{
    for (uint32_t i = 0; i < c->cols * c->rows; i++)
        if (c->grid[i] != c->shown[i]) {
            draw_cell(c, i % c->cols, i / c->cols, c->grid[i]);
            c->shown[i] = c->grid[i];
        }
}

size_t fbcon_grid_size(uint32_t width, uint32_t height)
{
    if (psf_font_width <= 0 || psf_font_height <= 0)
        return 0;
    return 2 * (size_t)(width / (uint32_t)psf_font_width) * (height / (uint32_t)psf_font_height);
}

void fbcon_init(struct fbcon *c, volatile uint32_t *fb, uint32_t width, uint32_t height,
                uint32_t stride_bytes, uint8_t *grid)
{
    memset(c, 0, sizeof(*c));
    c->fb = fb;
    c->stride_px = stride_bytes / 4;
    c->cols = width / (uint32_t)psf_font_width;
    c->rows = height / (uint32_t)psf_font_height;
    size_t cells = (size_t)c->cols * c->rows;
    c->grid = grid;
    c->shown = grid + cells;
    memset(c->grid, ' ', cells);
    for (uint32_t y = 0; y < height; y++) /* clear, and mark every cell shown */
        for (uint32_t x = 0; x < width; x++)
            fb[y * c->stride_px + x] = FBCON_BG;
    memset(c->shown, ' ', cells);
    c->on = cells != 0;
}

void fbcon_stop(struct fbcon *c) { c->on = false; }

static void newline(struct fbcon *c)
{
    c->x = 0;
    if (++c->y < c->rows)
        return;
    memmove(c->grid, c->grid + c->cols, (size_t)c->cols * (c->rows - 1));
    memset(c->grid + (size_t)c->cols * (c->rows - 1), ' ', c->cols);
    c->y = c->rows - 1;
}

static void put(struct fbcon *c, uint32_t cp)
{
    switch (cp) {
    case '\n': newline(c); return;
    case '\r': c->x = 0; return;
    case '\b': if (c->x) c->x--; return;
    case '\t': do put(c, ' '); while (c->x % 8); return;
    default: break;
    }
    if (cp < 32 || cp == 127)
        return;
    if (c->x >= c->cols)
        newline(c);
    c->grid[c->y * c->cols + c->x++] = (uint8_t)(cp < 256 ? cp : '?');
}

/* ANSI escapes (ESC [ ... final) are swallowed; UTF-8 becomes code points. */
static void feed(struct fbcon *c, uint8_t b)
{
    if (c->esc == 1) {
        c->esc = b == '[' ? 2 : 0;
        return;
    }
    if (c->esc == 2) {
        if (b >= 0x40 && b <= 0x7e)
            c->esc = 0;
        return;
    }
    if (b == 0x1b) {
        c->esc = 1;
        return;
    }
    if (c->utf8_left && (b & 0xc0) == 0x80) {
        c->utf8 = c->utf8 << 6 | (b & 0x3f);
        if (--c->utf8_left == 0)
            put(c, c->utf8);
        return;
    }
    c->utf8_left = 0;
    if (b < 0x80)
        put(c, b);
    else if ((b & 0xe0) == 0xc0)
        c->utf8 = b & 0x1f, c->utf8_left = 1;
    else if ((b & 0xf0) == 0xe0)
        c->utf8 = b & 0x0f, c->utf8_left = 2;
    else if ((b & 0xf8) == 0xf0)
        c->utf8 = b & 0x07, c->utf8_left = 3;
    else
        put(c, '?');
}

void fbcon_write(struct fbcon *c, const char *buf, size_t len)
{
    if (!c->on)
        return;
    for (size_t i = 0; i < len; i++)
        feed(c, (uint8_t)buf[i]);
    sync(c);
}
