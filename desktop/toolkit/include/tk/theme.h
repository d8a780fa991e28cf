/*
 * tk/theme.h - following the desktop's theme: the config key appearance.theme
 * ("light" or "dark"; anything else reads as light) read once and then watched
 * (CONFIG_WATCH), so a window changes theme the moment the key is set, from the
 * settings app or from the shell's `config set`. When the config service restarts the
 * watch is made again (and the key read again) on the application's own loop.
 *
 * The application's manifest needs `lookup=config:read`; without it the theme stays
 * light and nothing is retried.
 *
 * Layer: desktop/toolkit.
 */
#ifndef TK_THEME_H
#define TK_THEME_H

#include <sl/service.h>
#include <sl/sl.h>
#include <tk/scene.h>

#define TK_THEME_KEY "appearance.theme"

struct tk_theme_follow {
    struct sl_server *srv;
    struct sl_conn_to config;
    sos_handle_t watch, timer;
    const struct tk_theme *theme; /* the current one */
    char name[16];                /* as the key says it ("light", "dark") */
    void (*changed)(void *arg);   /* called after theme changed */
    void *arg;
};

/* "dark" is the dark theme; anything else the light one. */
const struct tk_theme *tk_theme_by_name(const char *name);

/* Read the key and watch it on srv's loop; f->theme is set before this returns (light
 * when config cannot be asked). 0, or the error of the first try (retried later unless
 * it was a refusal). */
int tk_theme_follow_start(struct tk_theme_follow *f, struct sl_server *srv, void (*changed)(void *arg),
                          void *arg);

#endif
