/*
 * desktop/apps/terminal/selection.h - selecting text on the terminal's screen and
 * what copy/paste makes of it, as pure logic (host-tested in terminal-vt).
 *
 * A position is a cell of the whole text, scrollback included: `line` counts from the
 * oldest scrollback line kept (0) through the screen's rows (hist_len + row), so a
 * selection stays on its text while the view scrolls. The selection runs from one
 * position to the other inclusive, whichever comes first (a drag may go back or up);
 * its text is each line's selected cells with trailing blanks cut, lines joined with
 * '\n'. The screen keeps one byte a cell (vt.c shows UTF-8 beyond ASCII as '?'), so the
 * text is ASCII.
 *
 * A paste goes to the shell as typed input: paste_filter keeps printable ASCII, tab and
 * newline (a CR LF pair, or a lone CR, becomes one newline) and drops every other
 * byte (control bytes, escape sequences' ESC, bytes of UTF-8: the line editor is
 * ASCII), at most PASTE_MAX bytes.
 *
 * Layer: desktop/apps/terminal (pure logic).
 */
#ifndef TERMINAL_SELECTION_H
#define TERMINAL_SELECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vt.h"

#define PASTE_MAX 4096u /* bytes a paste sends at most (and the clipboard holds) */

struct sel_pos {
    int32_t line, col;
};

struct sel {
    bool on;              /* a selection is shown */
    struct sel_pos a, b;  /* where the drag started, where it is now */
};

/* The position of view row `row`, column `col` (clamped to the grid). */
struct sel_pos sel_at(const struct vt *v, int32_t row, int32_t col);
/* The line of the whole text (0 .. hist_len + rows - 1), or NULL past either end. */
const struct vt_line *sel_line(const struct vt *v, int32_t line);
/* Whether the cell is selected. */
bool sel_has(const struct sel *s, int32_t line, int32_t col);
/* The selected text into out (cap bytes, NUL-terminated, cut at cap - 1); its length.
 * An empty selection (s->on false) gives "". */
size_t sel_text(const struct vt *v, const struct sel *s, char *out, size_t cap);
/* The word (a run of non-blank cells) at pos: s selects it; false on a blank cell. */
bool sel_word(const struct vt *v, struct sel_pos pos, struct sel *s);
/* The bytes of a paste, filtered (above), into out (PASTE_MAX bytes); how many. */
size_t paste_filter(const char *in, size_t n, char *out);

#endif
