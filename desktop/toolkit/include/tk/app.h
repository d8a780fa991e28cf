/*
 * tk/app.h - what every windowed application does beside drawing: load its font,
 * open its window, follow the desktop's theme (appearance.theme, across a restart of
 * config: tk/theme.h) and run its loop, handing the window's input to the
 * application's callbacks (struct tk_app); describe its window to the desktop shell
 * (its scene's dump, DESKTOP_SCENE, so that `desktop dump` shows what it says), give a
 * node the keyboard focus (a click on a text field), and read which button a key
 * activated.
 *
 * Layer: desktop/toolkit.
 */
#ifndef TK_APP_H
#define TK_APP_H

#include <tk/theme.h>
#include <tk/window.h>

/* An application with one window. It fills the first part and calls tk_app_start;
 * the toolkit fills the rest. The window stays the application's (it builds the scene
 * in it); the toolkit opens it and feeds its events to the callbacks. */
struct tk_app {
    const char *name;          /* its service name: the first word of its messages */
    struct tk_window *win;
    const char *font_file;     /* a startup resource ("DejaVuSans.ttf") */
    int font_px;
    int32_t x, y, w, h;        /* where the window opens, and its size */
    bool follow_theme;         /* appearance.theme (manifest: lookup=config:read); else light */
    bool resizable;            /* takes the window manager's sizes (GFX_EVENT_CONFIGURE) */
    void (*on_click)(int32_t x, int32_t y);          /* the left button pressed */
    void (*on_key)(const struct sos_input_event *e); /* a key pressed or released */
    void (*on_wheel)(int32_t steps);                 /* the vertical wheel */
    void (*on_theme)(void);    /* the scene has taken a new theme; NULL: tk_app_show */

    struct sl_server srv;      /* the toolkit's from here on */
    struct sl_conn_to gfx, desktop;
    struct tk_font font;
    struct tk_theme_follow theme;
};

/* Load the font, start the service loop, follow the theme and open the window (an
 * empty scene in the current theme, shown by the application's first tk_app_show).
 * 0, or the error, said on the console. */
int tk_app_start(struct tk_app *a);
/* Tell the root manager we are ready, then when_ready (unless NULL), then the loop
 * until the service is stopped: main's return value. */
int tk_app_run(struct tk_app *a, void (*when_ready)(void));

/* Send the window's scene dump (at the surface's origin: the desktop shell moves it to
 * where the window is when it dumps, so a window moved since stays right) to the desktop, without
 * waiting for a reply (the desktop may be waiting on the root manager). 0 or the
 * error (no desktop: the app goes on without being described). */
int tk_window_describe(struct tk_window *w, struct sl_conn_to *desktop);

/* tk_window_show, then tk_window_describe (a failure is printed); when the graphics
 * service has gone away, exit (the root manager's restart policy decides). */
void tk_app_show(struct tk_app *a);

/* Focus node i (a button or a text field); damages the old and the new focus. */
void tk_focus_set(struct tk_scene *s, int i);

/* tk_key, and the button it activated (Enter or Space on a focused button), or -1. */
int tk_key_activate(struct tk_scene *s, uint32_t hid, char ch, bool *used);

#endif
