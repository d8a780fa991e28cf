/*
 * tk/app.h - what every windowed application does beside drawing: describe its
 * window to the desktop shell (its scene's dump, DESKTOP_SCENE, so that `desktop
 * dump` shows what it says), give a node the keyboard focus (a click on a text
 * field), and read which button a key activated.
 *
 * Layer: desktop/toolkit.
 */
#ifndef TK_APP_H
#define TK_APP_H

#include <tk/window.h>

/* Send the window's scene dump (at the surface's origin: the desktop shell moves it to
 * where the window is when it dumps, so a window moved since stays right) to the desktop, without
 * waiting for a reply (the desktop may be waiting on the root manager). 0 or the
 * error (no desktop: the app goes on without being described). */
int tk_window_describe(struct tk_window *w, struct sl_conn_to *desktop);

/* tk_window_show, then tk_window_describe (a failure is printed, named by `who`); when
 * the graphics service has gone away, exit (the root manager's restart policy decides). */
void tk_app_show(struct tk_window *w, struct sl_conn_to *desktop, const char *who);

/* Focus node i (a button or a text field); damages the old and the new focus. */
void tk_focus_set(struct tk_scene *s, int i);

/* tk_key, and the button it activated (Enter or Space on a focused button), or -1. */
int tk_key_activate(struct tk_scene *s, uint32_t hid, char ch, bool *used);

#endif
