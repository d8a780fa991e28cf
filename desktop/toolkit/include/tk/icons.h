/*
 * tk/icons.h - the toolkit's icons: small pictures drawn from lines, rectangles and
 * circles on a 24-unit design grid, scaled to the size asked and anti-aliased (16
 * samples a pixel), in two colours the caller takes from its theme (the shape and its
 * details), so they look the same on every platform and in light and dark themes.
 * Applications' icons are picked by the application's name (tk_icon_for_app); the
 * window frame's controls have their own.
 *
 * Layer: desktop/toolkit (no system calls: host-tested in toolkit-icons).
 */
#ifndef TK_ICONS_H
#define TK_ICONS_H

#include <tk/canvas.h>

enum tk_icon {
    TK_ICON_NONE,
    TK_ICON_TERMINAL, /* a window with a prompt ">_" */
    TK_ICON_FILES,    /* a folder */
    TK_ICON_SETTINGS, /* a gear */
    TK_ICON_MONITOR,  /* a graph line in a frame */
    TK_ICON_SOFTWARE, /* a package box */
    TK_ICON_CONSOLE,  /* a screen on a stand, lines of text */
    TK_ICON_APP,      /* any other application: four tiles in a square */
    TK_ICON_MINIMISE, /* a bar */
    TK_ICON_MAXIMISE, /* a square outline */
    TK_ICON_RESTORE,  /* two squares, one behind the other */
    TK_ICON_CLOSE,    /* an X */
    TK_ICON_COUNT
};

/* Its name ("terminal", "close", ...; "none"; "?" out of range). */
const char *tk_icon_name(enum tk_icon icon);
/* The icon of the application called `app` (its service name); TK_ICON_APP for any
 * name the table does not know (or NULL). */
enum tk_icon tk_icon_for_app(const char *app);
/* Draw the icon into the size x size square at (x, y), clipped to the canvas: its
 * shape in `fg`, its details in `detail`; nothing outside that square is touched.
 * TK_ICON_NONE, out-of-range icons and size < 4 draw nothing. */
void tk_icon_draw(struct tk_canvas *c, enum tk_icon icon, int32_t x, int32_t y, int32_t size, uint32_t fg,
                  uint32_t detail);

#endif
