/*
 * desktop/apps/files/files.h - the files app's state, shared by the browser (files.c:
 * places, a folder's entries, new folder, rename, copy, delete with a confirmation)
 * and the editor view (editview.c: a text file opened, edited and saved).
 *
 * Layer: desktop/apps/files.
 */
#ifndef FILES_FILES_H
#define FILES_FILES_H

#include <tk/app.h>

#include "fsops.h"
#include "text.h"

#define WIN_W 780
#define WIN_H 560
#define HID_ENTER 40u
#define HID_ESCAPE 41u
#define HID_BACKSPACE 42u
#define HID_DELETE 76u

enum view { VIEW_BROWSE, VIEW_CONFIRM, VIEW_EDIT };

struct files {
    struct tk_app app; /* the window's set-up, the theme, the loop */
    struct tk_window win;
    enum view view;
    struct place places[PLACES_MAX];
    uint32_t nplaces, place;
    char path[FS_PATH_MAX]; /* the folder shown, relative to the place */
    struct folder folder;
    int selected;           /* entry index, -1 for none */
    char said[TK_TEXT_MAX];
    char editing[FS_PATH_MAX]; /* the file in the editor */
    struct editor ed;
    bool discard_armed;     /* Escape once on unsaved changes: the next one discards */
};

extern struct files g;

/* Run `op` (an operation on place_root()) into err and, when it failed because
 * storage went away, once more on the place's new handle (fs_place_lost). */
#define PLACE_TRY(err, op)                                      \
    do {                                                        \
        (err) = (op);                                           \
        if (fs_place_lost(&g.places[g.place], (err)))           \
            (err) = (op);                                       \
    } while (0)

/* files.c */
sos_handle_t place_root(void); /* the current place's directory handle (fs_place_root) */
void show(void);
void say(const char *fmt, ...);
void browse(void); /* the browser view, the folder read again */
void browser_forget(void); /* another view replaced the browser's scene */
/* editview.c */
void edit_open(const char *path); /* the editor on path, or a message why not */
void edit_build(void);
void edit_key(const struct sos_input_event *e, char ch);
bool edit_click(int hit);
void edit_cursor(void); /* drawn over the shown scene */

#endif
