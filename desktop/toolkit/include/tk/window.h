/*
 * tk/window.h - a retained scene on a surface of its own: the toolkit's way for an
 * application (or the desktop shell) to put a scene on the screen. Opening makes the
 * surface; tk_window_show draws what the scene says changed (tk_take_damage) and
 * presents exactly those rectangles.
 *
 * Layer: desktop/toolkit.
 */
#ifndef TK_WINDOW_H
#define TK_WINDOW_H

#include <client/graphics.h>
#include <tk/draw.h>

struct tk_window {
    struct gfx_surface s;
    struct tk_scene sc;
    struct tk_font *font;
    int32_t x, y;
    uint32_t z, flags; /* as last configured (GFX_SURF_*) */
};

/* The measure for a scene drawn with `f`. */
struct tk_measure tk_measure_font(struct tk_font *f);
/* A surface of w x h at (x, y, z), opaque and visible once shown; the scene starts
 * empty (its root a column of w x h) in `theme`. */
int tk_window_open(struct tk_window *w, struct sl_conn_to *c, int32_t x, int32_t y, int32_t wd,
                   int32_t ht, uint32_t z, const struct tk_theme *theme, struct tk_font *f);
/* Draw the damaged parts and present them (nothing damaged: nothing sent). */
int tk_window_show(struct tk_window *w);
/* Move, stack, show or hide (flags GFX_SURF_*). */
/* A new size: a new buffer (GFX_SURF_RESIZE), the scene laid out again at wd x ht,
 * drawn whole and presented with the new serial (the old frame stays on screen until
 * then). A client does this when the window manager asks (GFX_EVENT_CONFIGURE). */
int tk_window_resize(struct tk_window *w, int32_t wd, int32_t ht);
int tk_window_place(struct tk_window *w, int32_t x, int32_t y, uint32_t z, uint32_t flags);
/* The next input event (GFX_SURF_EVENT) the session sent the window's surface; false
 * when none is waiting. Call it until false when the surface's channel is readable. */
bool tk_window_event(struct tk_window *w, struct sos_input_event *e);
void tk_window_close(struct tk_window *w);
/* A startup resource (a font, an image: `resource=bundle:...` in the manifest) mapped
 * read-only; NULL when it was not granted. */
const void *tk_map_resource(const char *name, uint64_t *size);

#endif
