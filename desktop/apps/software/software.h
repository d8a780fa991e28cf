/*
 * desktop/apps/software/software.h - the software center's state, shared by its
 * window (software.c) and its requests to the package service (pkgops.c).
 *
 * Layer: desktop (an application).
 */
#ifndef SOFTWARE_SOFTWARE_H
#define SOFTWARE_SOFTWARE_H

#include <client/graphics.h>
#include <tk/app.h>
#include <tk/window.h>

#include "catalog.h"

#define LIST_ROWS 14
#define DETAIL_ROWS 26
#define DETAIL_COLS 64

struct software {
    struct tk_app app; /* the window's set-up and the loop */
    struct sl_conn_to pkg;
    struct tk_window win;
    struct catalog cat;
    char filter[64];             /* the search word ("" lists everything) */
    char selected[CAT_NAME];
    int field, bsearch, ball, rows[LIST_ROWS], details[DETAIL_ROWS];
    int binstall, bupdate, bremove, bar, fill, status;
    struct {
        bool busy;               /* a change is running: one at a time */
        uint32_t txid, gen;
        sos_handle_t progress;   /* our end of the PKG_PROGRESS channel */
        char what[96];           /* "install hellowin" */
    } op;
};

extern struct software g;

/* pkgops.c: PKG_PACKAGES (flags, word) into g.cat, offered or installed; PKG_TRUST of
 * name. 0 or the error (with its reason in why). */
int pkg_packages(uint32_t flags, const char *word, char *why, size_t cap);
int pkg_trust(const char *name, struct pkgc_trust *t);
/* pkgops.c: start PKG_INSTALL, PKG_UPDATE or PKG_REMOVE of name; ui_progress and then
 * ui_done report on it. */
int pkg_change(uint32_t ordinal, const char *name);

/* software.c: a change's progress, and its end (status 0 or SOS_ERR_*, the report). */
void ui_progress(const char *path, uint64_t done, uint64_t total);
void ui_done(int status, const char *text);

#endif
