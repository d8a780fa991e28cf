/*
 * desktop/apps/terminal/vt.h - the terminal's screen: a grid of cells fed with the
 * bytes a program writes, understanding the part of ANSI/VT100 the system's console
 * and shell use and a little more: printable text with line wrap, CR, LF (as CR LF),
 * backspace, tab; CSI sequences for colours (SGR 0, 1, 22, 30-37, 39, 40-47, 49,
 * 90-97, 100-107), cursor movement (A, B, C, D, H, f, G) and erasing (J 0/1/2,
 * K 0/1/2). Lines that scroll off the top go to a scrollback of VT_HISTORY lines,
 * which the view can be moved back into.
 *
 * Layer: desktop/apps/terminal (pure logic, host-tested: terminal-vt).
 */
#ifndef TERMINAL_VT_H
#define TERMINAL_VT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VT_COLS 100     /* the size vt_init gives */
#define VT_ROWS 30
#define VT_MAX_COLS 240 /* the largest vt_resize gives */
#define VT_MAX_ROWS 100
#define VT_HISTORY 500
#define VT_DEFAULT_FG 16 /* the theme's text and background, apart from the 16 ANSI */
#define VT_DEFAULT_BG 17 /* colours so that both stay readable on a light theme */
#define VT_BOLD_FG 18    /* the default text, bold */
#define VT_PALETTE 19

struct vt_cell {
    char ch;
    uint8_t fg, bg; /* palette indices 0..VT_PALETTE - 1 */
};

struct vt_line {
    struct vt_cell c[VT_MAX_COLS];
};

struct vt {
    struct vt_line screen[VT_MAX_ROWS];
    int32_t cols, rows;     /* the grid's size now */
    struct vt_line history[VT_HISTORY]; /* a ring: the newest at (hist_head - 1) */
    uint32_t hist_head, hist_len;
    int32_t cx, cy;         /* the cursor */
    uint8_t fg, bg;
    bool bold;
    int32_t view;           /* lines scrolled back (0: the live screen) */
    int esc;                /* 0 text, 1 after ESC, 2 in CSI */
    int32_t par[8];
    int npar;
    bool dirty[VT_MAX_ROWS];    /* rows changed since vt_clean */
};

void vt_init(struct vt *v);
void vt_write(struct vt *v, const char *s, size_t n);
/* Scroll the view back (dy > 0) or forward, clamped; true when it moved. */
bool vt_scroll_view(struct vt *v, int32_t dy);
/* Row `row` of what the view shows (scrollback lines, then the screen). */
const struct vt_line *vt_view_line(const struct vt *v, int32_t row);
/* Row `row` of the view as text, trailing blanks cut (out holds VT_COLS + 1). */
void vt_line_text(const struct vt *v, const struct vt_line *l, char *out);
/* A new grid size (see vt.c); everything is dirty afterwards. */
void vt_resize(struct vt *v, int32_t cols, int32_t rows);
/* The palette: 0xAARRGGBB of index 0..VT_PALETTE - 1, dark or light (the Tango
 * colours on dark; on light, the same darkened where they would be faint on white). */
uint32_t vt_color(uint8_t index, bool light);

#endif
