/*
 * hal-x86_64/fbcon.c - the text console on the GOP framebuffer.
 *
 * A grid of Latin-1 cells drawn with the PSF font staged at build time
 * (tools/psf2c.py). Writes update the grid; at the end of each write the cells that
 * differ from what the screen shows are drawn, so scrolling redraws only changed cells
 * and never reads video memory. UTF-8 is decoded (code points above 255 show as '?');
 * ANSI escape sequences are skipped. Once a display client takes the framebuffer
 * (x86_fbcon_disable) the console stays on serial only.
 *
 * Layer: hal-x86_64 (above mmu.c and physmem.c; adds itself to print.c as an output).
 */
#include "fbcon.h"

#include "hal.h"
#include "bootinfo.h"
#include "physmem.h"
#include "mmu.h"
#include "print.h"

#include "lib/kstring.h"

/* scripts/psf2c.py output */
extern const int psf_font_width, psf_font_height, psf_font_bytes;
extern const unsigned char psf_font_glyphs[];
extern const unsigned short psf_font_map[256];

#define FG 0x00c8c8c8u
#define BG 0x00101018u

static volatile uint32_t *g_fb;
static uint32_t g_stride_px, g_cols, g_rows;
static uint8_t *g_grid, *g_shown;
static uint32_t g_x, g_y;
static bool g_on;
static int g_esc;         /* 0 none, 1 after ESC, 2 inside CSI */
static uint32_t g_utf8;   /* code point being decoded */
static int g_utf8_left;

static void draw_cell(uint32_t col, uint32_t row, uint8_t ch)
{
    const uint32_t w = (uint32_t)psf_font_width, h = (uint32_t)psf_font_height;
    const uint32_t rowbytes = (w + 7) / 8;
    const uint8_t *g = &psf_font_glyphs[psf_font_map[ch] * (uint32_t)psf_font_bytes];
    volatile uint32_t *p = g_fb + row * h * g_stride_px + col * w;
    for (uint32_t y = 0; y < h; y++, p += g_stride_px)
        for (uint32_t x = 0; x < w; x++)
            p[x] = (g[y * rowbytes + x / 8] & (0x80 >> (x % 8))) ? FG : BG;
}

static void sync(void)
{
    for (uint32_t i = 0; i < g_cols * g_rows; i++)
        if (g_grid[i] != g_shown[i]) {
            draw_cell(i % g_cols, i / g_cols, g_grid[i]);
            g_shown[i] = g_grid[i];
        }
}

void x86_fbcon_init(void)
{
    const struct x86_boot *b = g_x86_boot;
    if (!b->fb_base || b->fb_format != 1 || !(uint32_t)psf_font_width || x86_cmdline_has("fbcon=off"))
        return;
    g_cols = b->fb_width / (uint32_t)psf_font_width;
    g_rows = b->fb_height / (uint32_t)psf_font_height;
    if (!g_cols || !g_rows)
        return;
    g_stride_px = b->fb_stride / 4;
    x86_fb_map();
    size_t cells = (size_t)g_cols * g_rows;
    paddr_t pa = x86_early_alloc((2 * cells + 4095) / 4096);
    g_grid = hal_phys_to_virt(pa);
    g_shown = g_grid + cells;
    memset(g_grid, ' ', cells);
    for (uint32_t y = 0; y < b->fb_height; y++) /* clear, and mark every cell shown */
        for (uint32_t x = 0; x < b->fb_width; x++)
            g_fb[y * g_stride_px + x] = BG;
    memset(g_shown, ' ', cells);
    g_on = true;
    x86_console_add(x86_fbcon_write);
}

void x86_fbcon_disable(void) { g_on = false; }

volatile void *x86_fb_map(void)
{
    const struct x86_boot *b = g_x86_boot;
    if (!g_fb)
        g_fb = x86_mmio_map(b->fb_base, (uint64_t)b->fb_stride * b->fb_height, true);
    return g_fb;
}

static void newline(void)
{
    g_x = 0;
    if (++g_y < g_rows)
        return;
    memmove(g_grid, g_grid + g_cols, (size_t)g_cols * (g_rows - 1));
    memset(g_grid + (size_t)g_cols * (g_rows - 1), ' ', g_cols);
    g_y = g_rows - 1;
}

static void put(uint32_t cp)
{
    switch (cp) {
    case '\n': newline(); return;
    case '\r': g_x = 0; return;
    case '\b': if (g_x) g_x--; return;
    case '\t': do put(' '); while (g_x % 8); return;
    default: break;
    }
    if (cp < 32 || cp == 127)
        return;
    if (g_x >= g_cols)
        newline();
    g_grid[g_y * g_cols + g_x++] = (uint8_t)(cp < 256 ? cp : '?');
}

/* ANSI escapes (ESC [ ... final) are swallowed; UTF-8 becomes code points. */
static void feed(uint8_t c)
{
    if (g_esc == 1) {
        g_esc = c == '[' ? 2 : 0;
        return;
    }
    if (g_esc == 2) {
        if (c >= 0x40 && c <= 0x7e)
            g_esc = 0;
        return;
    }
    if (c == 0x1b) {
        g_esc = 1;
        return;
    }
    if (g_utf8_left && (c & 0xc0) == 0x80) {
        g_utf8 = g_utf8 << 6 | (c & 0x3f);
        if (--g_utf8_left == 0)
            put(g_utf8);
        return;
    }
    g_utf8_left = 0;
    if (c < 0x80)
        put(c);
    else if ((c & 0xe0) == 0xc0)
        g_utf8 = c & 0x1f, g_utf8_left = 1;
    else if ((c & 0xf0) == 0xe0)
        g_utf8 = c & 0x0f, g_utf8_left = 2;
    else if ((c & 0xf8) == 0xf0)
        g_utf8 = c & 0x07, g_utf8_left = 3;
    else
        put('?');
}

void x86_fbcon_write(const char *buf, size_t len)
{
    if (!g_on)
        return;
    for (size_t i = 0; i < len; i++)
        feed((uint8_t)buf[i]);
    sync();
}
