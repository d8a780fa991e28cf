/*
 * core/drivers/fbcon/fbcon.h - a text console drawn into a 32-bit framebuffer, shared by
 * the HALs' boot consoles (x86_64: the UEFI GOP; aarch64: QEMU's ramfb).
 *
 * A grid of Latin-1 cells in the PSF font staged at build time (scripts/psf2c.py, the
 * psf_font_* tables). The HAL owns the framebuffer (mapping, memory, when to stop) and
 * gives the grid's memory; this draws. Pixels are 0x00RRGGBB in little-endian memory.
 *
 * Rules: one writer at a time (the HAL's console path); boot or console context.
 *
 * Layer: core drivers (arch-neutral; no HAL call).
 */
#ifndef CORE_DRIVERS_FBCON_FBCON_H
#define CORE_DRIVERS_FBCON_FBCON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FBCON_FG 0x00c8c8c8u
#define FBCON_BG 0x00101018u

struct fbcon {
    volatile uint32_t *fb;
    uint32_t stride_px, cols, rows;
    uint8_t *grid, *shown; /* what the cells hold, what the screen shows */
    uint32_t x, y;
    int esc;               /* 0 none, 1 after ESC, 2 inside CSI */
    uint32_t utf8;         /* code point being decoded */
    int utf8_left;
    bool on;
};

/* Bytes of grid memory a width x height screen needs; 0 when the build has no font or
 * the screen holds no cell. */
size_t fbcon_grid_size(uint32_t width, uint32_t height);

/* Clear the screen and start drawing; `grid` holds fbcon_grid_size() bytes. */
void fbcon_init(struct fbcon *c, volatile uint32_t *fb, uint32_t width, uint32_t height,
                uint32_t stride_bytes, uint8_t *grid);

/* Draw bytes (UTF-8; ANSI escape sequences are skipped); nothing once stopped. */
void fbcon_write(struct fbcon *c, const char *buf, size_t len);

/* Stop drawing for good: someone else owns the framebuffer now. */
void fbcon_stop(struct fbcon *c);

#endif
