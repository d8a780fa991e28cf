/*
 * tk/draw.h - drawing a retained scene (tk/scene.h) into a canvas with a font.
 *
 * Layer: desktop/toolkit.
 */
#ifndef TK_DRAW_H
#define TK_DRAW_H

#include <tk/canvas.h>
#include <tk/font.h>
#include <tk/scene.h>

/* Draw what of the scene meets `damage`, clipped to it (scene and canvas pixels are
 * the same). */
void tk_draw(struct tk_scene *s, struct tk_canvas *c, struct tk_font *f, const struct tk_rect *damage);

#endif
