/*
 * desktop/apps/files/text.h - the files app's pure logic: telling text from binary,
 * showing any name safely, and the editor's buffer (a file's bytes, a cursor, lines
 * and columns as the window shows them).
 *
 * Bounds: a file is edited only up to TEXT_MAX bytes (the app reads no more); a
 * longer one, or one with a NUL byte, bytes that are not UTF-8 or control bytes other
 * than tab, CR, LF, FF and ESC, is refused with the reason (text_check).
 *
 * Layer: desktop/apps/files (no system calls: host-tested as files-text).
 */
#ifndef FILES_TEXT_H
#define FILES_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TEXT_MAX 65536u /* bytes of a file the editor takes */

/* 0 when data[0..len) is text to edit; otherwise writes why into why[cap] ("a NUL byte
 * at offset 12") and returns -1. */
int text_check(const char *data, size_t len, char *why, size_t cap);

/* A name (any bytes but NUL) for the screen: valid UTF-8 kept, control bytes and
 * bytes that are not UTF-8 as \xNN, cut with "..." to fit out[cap]. */
void text_name(const char *name, char *out, size_t cap);

struct editor {
    char buf[TEXT_MAX];
    size_t len, cur;  /* bytes; the cursor is a byte offset at a character's start */
    size_t want_col;  /* the column Up/Down aim for */
    bool dirty;
};

void ed_load(struct editor *e, const char *data, size_t len); /* len <= TEXT_MAX */
bool ed_insert(struct editor *e, char c);                      /* false: full */
void ed_backspace(struct editor *e);
void ed_delete(struct editor *e);
void ed_left(struct editor *e);
void ed_right(struct editor *e);
void ed_up(struct editor *e, uint32_t n);
void ed_down(struct editor *e, uint32_t n);
void ed_home(struct editor *e);
void ed_end(struct editor *e);
uint32_t ed_lines(const struct editor *e);
/* The cursor's line and column (characters from the line's start). */
void ed_cursor(const struct editor *e, uint32_t *line, uint32_t *col);
/* Line n's characters from column `from`, at most `cols` of them, into out[cap] as
 * the screen shows them (tab and other control bytes as a space); its length in
 * characters. */
uint32_t ed_view(const struct editor *e, uint32_t n, uint32_t from, uint32_t cols, char *out, size_t cap);

#endif
