/*
 * desktop/shell/desktop.h - the desktop shell's state, shared by its parts: the
 * service loop and its requests (desktop.c), the windows and their frames
 * (windows.c), the panel, the launcher and the notifications (panel.c).
 *
 * Layer: desktop (the desktop shell).
 */
#ifndef DESKTOP_SHELL_H
#define DESKTOP_SHELL_H

#include <client/graphics.h>
#include <proto/desktop.h>
#include <tk/icons.h>
#include <tk/theme.h>
#include <tk/window.h>

#define WIN_MAX 8
#define WORKSPACES DESKTOP_WORKSPACES
#define APP_MAX 16
#define NOTE_MAX 16
#define NOTE_LEN 96
#define BORDER 4
#define TITLE_H 30
#define PANEL_H 32
#define RESIZE_RIGHT 1u
#define RESIZE_BOTTOM 2u
#define RESIZE_LEFT 4u
#define RESIZE_TOP 8u
#define MIN_W 160      /* the smallest client size a resize asks for */
#define MIN_H 80
#define Z_WINDOWS 10u  /* frame of the i-th window from the bottom: Z_WINDOWS + 2i */
#define Z_PANEL 900u
#define Z_LAUNCHER 901u
#define Z_TOAST 902u

struct win {
    bool used, minimised, maximised;
    uint32_t id, gen;  /* the client surface; gen tells a reused slot's events apart */
    char owner[32];
    int32_t x, y;      /* the client surface's place */
    uint32_t w, h, z;
    uint32_t ws;       /* its workspace, 0-based */
    int32_t restore_x, restore_y;
    uint32_t restore_w, restore_h; /* the size before maximise */
    struct tk_window frame;
    int title, bmin, bmax, bclose; /* scene nodes */
    bool dragging;
    int32_t grab_x, grab_y; /* where in the frame the drag began */
    uint32_t resizing;      /* RESIZE_* edges held (a press on the border) */
    int32_t rs_w, rs_h;     /* the client's size when the resize began */
    int32_t rs_px, rs_py;   /* and the pointer, on the screen */
    uint32_t anchor;        /* RESIZE_LEFT/TOP: the client's new sizes keep this edge */
    int32_t right, bottom;  /* where (the opposite one), until the next press */
    char *scene;       /* the application's own dump (DESKTOP_SCENE), or NULL */
};

struct app {
    char name[32], description[80];
    uint32_t phase;
};

struct desktop {
    struct sl_server srv;
    struct sl_conn_to gfx, session, rm, status;
    char health[32];  /* the status service's overall health, as the panel says it */
    sos_handle_t kernel; /* the kernel's statistics (resource=stats: inspect only): the clock of day */
    struct tk_font sans;
    int32_t sw, sh; /* the screen */
    struct win win[WIN_MAX];
    uint32_t gen;
    struct app apps[APP_MAX];
    uint32_t napps;
    struct tk_window panel, launcher, toast;
    struct tk_theme_follow theme; /* appearance.theme: the launcher and the toast */
    bool launcher_open;
    uint32_t ws;    /* the workspace shown, 0-based */
    int apps_button, clock, health_text, task[WIN_MAX], ws_button[WORKSPACES];
    int app_button[APP_MAX];
    char notes[NOTE_MAX][NOTE_LEN];
    uint32_t nnotes;
    sos_time_t toast_until;
};

extern struct desktop g_d;

/* windows.c */
void win_poll(void);
struct win *win_by_id(uint32_t id);
int win_dump(char *out, size_t cap);
void win_set_minimised(struct win *w, bool min);
void win_cycle(void);
int session_call(uint32_t ordinal, uint32_t id);
/* Show workspace n (0-based): its windows, and hide the others'. */
int win_workspace(uint32_t n);
/* panel.c */
int panel_open(void);
void panel_update(void);    /* the task buttons and the clock */
void panel_tick(void);
int apps_refresh(void);
int app_launch(const char *name);
void notify(const char *text);
int panel_dump(char *out, size_t cap);
void panel_theme_changed(void *arg); /* appearance.theme was set */
/* desktop.c */
int rm_call_str(uint32_t ordinal, const char *arg);
void watch_surface(struct tk_window *w, void (*fn)(const struct sos_input_event *e, void *arg), void *arg);
/* tk_window_place for a watched surface: the events queued on it before the move are
 * taken and moved to be relative to where it is now (they were made for the old place). */
int watch_place(struct tk_window *w, int32_t x, int32_t y, uint32_t z, uint32_t flags);
/* Dispatch the events watch_place took (called from the tick). */
void watch_flush(void);

#endif
