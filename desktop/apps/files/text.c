/*
 * desktop/apps/files/text.c - text or binary, names for the screen, and the editor's
 * buffer (text.h). Everything walks bytes with explicit bounds: a file of any content
 * only ever makes a refusal or a view, never a read past its end.
 *
 * Layer: desktop/apps/files.
 */
#include <stdio.h>
#include <string.h>

#include "text.h"

/* The length of the UTF-8 sequence at s[0..n), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t k = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
    if (!k || k > n || (k == 2 && s[0] < 0xc2))
        return 0;
    for (size_t i = 1; i < k; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return k;
}

int text_check(const char *data, size_t len, char *why, size_t cap)
{
    const unsigned char *s = (const unsigned char *)data;
    if (len > TEXT_MAX) {
        snprintf(why, cap, "%zu bytes: more than the editor takes (%u)", len, TEXT_MAX);
        return -1;
    }
    for (size_t i = 0; i < len;) {
        size_t k = utf8_len(s + i, len - i);
        if (s[i] == 0)
            snprintf(why, cap, "a NUL byte at offset %zu: not text", i);
        else if (!k)
            snprintf(why, cap, "byte 0x%02x at offset %zu is not UTF-8: not text", s[i], i);
        else if ((s[i] < 0x20 && !strchr("\t\n\r\f\x1b", s[i])) || s[i] == 0x7f)
            snprintf(why, cap, "control byte 0x%02x at offset %zu: not text", s[i], i);
        else {
            i += k;
            continue;
        }
        return -1;
    }
    return 0;
}

void text_name(const char *name, char *out, size_t cap)
{
    const unsigned char *s = (const unsigned char *)name;
    size_t n = strlen(name), o = 0;
    if (cap < 4) {
        if (cap)
            out[0] = 0;
        return;
    }
    for (size_t i = 0; i < n;) {
        size_t k = utf8_len(s + i, n - i), plen = k;
        char piece[8];
        if (k && s[i] >= 0x20 && s[i] != 0x7f) {
            memcpy(piece, s + i, k);
        } else {
            snprintf(piece, sizeof(piece), "\\x%02x", s[i]);
            k = 1, plen = 4;
        }
        if (o + plen + 4 > cap) { /* room for "..." and the NUL is kept: o <= cap - 4 */
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        memcpy(out + o, piece, plen);
        o += plen;
        i += k;
    }
    out[o] = 0;
}

void ed_load(struct editor *e, const char *data, size_t len)
{
    e->len = len > TEXT_MAX ? TEXT_MAX : len;
    memcpy(e->buf, data, e->len);
    e->cur = e->want_col = 0;
    e->dirty = false;
}

static bool cont(const struct editor *e, size_t i) { return i < e->len && (e->buf[i] & 0xc0) == 0x80; }

static size_t line_start(const struct editor *e, size_t at)
{
    while (at > 0 && e->buf[at - 1] != '\n')
        at--;
    return at;
}

static size_t line_end(const struct editor *e, size_t at)
{
    while (at < e->len && e->buf[at] != '\n')
        at++;
    return at;
}

/* The byte offset of column col in the line starting at start (its end if shorter). */
static size_t at_col(const struct editor *e, size_t start, size_t col)
{
    size_t i = start, end = line_end(e, start);
    for (size_t c = 0; c < col && i < end; c++)
        for (i++; cont(e, i); i++)
            ;
    return i;
}

static size_t col_of(const struct editor *e, size_t at)
{
    size_t c = 0;
    for (size_t i = line_start(e, at); i < at; i++)
        c += !cont(e, i);
    return c;
}

bool ed_insert(struct editor *e, char c)
{
    if (e->len == TEXT_MAX)
        return false;
    memmove(e->buf + e->cur + 1, e->buf + e->cur, e->len - e->cur);
    e->buf[e->cur++] = c;
    e->len++;
    e->dirty = true;
    e->want_col = col_of(e, e->cur);
    return true;
}

static void remove_range(struct editor *e, size_t from, size_t to)
{
    memmove(e->buf + from, e->buf + to, e->len - to);
    e->len -= to - from;
    e->cur = from;
    e->dirty = true;
    e->want_col = col_of(e, e->cur);
}

void ed_backspace(struct editor *e)
{
    size_t from = e->cur;
    if (!from)
        return;
    for (from--; from > 0 && cont(e, from); from--)
        ;
    remove_range(e, from, e->cur);
}

void ed_delete(struct editor *e)
{
    if (e->cur == e->len)
        return;
    size_t to = e->cur + 1;
    while (cont(e, to))
        to++;
    remove_range(e, e->cur, to);
}

void ed_left(struct editor *e)
{
    if (e->cur)
        for (e->cur--; e->cur > 0 && cont(e, e->cur); e->cur--)
            ;
    e->want_col = col_of(e, e->cur);
}

void ed_right(struct editor *e)
{
    if (e->cur < e->len)
        for (e->cur++; cont(e, e->cur); e->cur++)
            ;
    e->want_col = col_of(e, e->cur);
}

void ed_up(struct editor *e, uint32_t n)
{
    size_t start = line_start(e, e->cur);
    for (uint32_t k = 0; k < n && start > 0; k++)
        start = line_start(e, start - 1);
    e->cur = at_col(e, start, e->want_col);
}

void ed_down(struct editor *e, uint32_t n)
{
    size_t start = line_start(e, e->cur);
    for (uint32_t k = 0; k < n; k++) {
        size_t end = line_end(e, start);
        if (end == e->len)
            break;
        start = end + 1;
    }
    e->cur = at_col(e, start, e->want_col);
}

void ed_home(struct editor *e)
{
    e->cur = line_start(e, e->cur);
    e->want_col = 0;
}

void ed_end(struct editor *e)
{
    e->cur = line_end(e, e->cur);
    e->want_col = col_of(e, e->cur);
}

uint32_t ed_lines(const struct editor *e)
{
    uint32_t n = 1;
    for (size_t i = 0; i < e->len; i++)
        n += e->buf[i] == '\n';
    return n;
}

void ed_cursor(const struct editor *e, uint32_t *line, uint32_t *col)
{
    uint32_t l = 0;
    for (size_t i = 0; i < e->cur; i++)
        l += e->buf[i] == '\n';
    *line = l;
    *col = (uint32_t)col_of(e, e->cur);
}

uint32_t ed_view(const struct editor *e, uint32_t n, uint32_t from, uint32_t cols, char *out, size_t cap)
{
    size_t i = 0;
    for (uint32_t l = 0; l < n; l++) {
        i = line_end(e, i);
        if (i == e->len) {
            if (cap)
                out[0] = 0;
            return 0;
        }
        i++;
    }
    size_t end = line_end(e, i), o = 0;
    i = at_col(e, i, from);
    uint32_t shown = 0;
    while (i < end && shown < cols) {
        size_t k = 1;
        while (cont(e, i + k) && i + k < end)
            k++;
        if (o + k + 1 > cap)
            break;
        if ((unsigned char)e->buf[i] < 0x20)
            out[o++] = ' ';
        else
            memcpy(out + o, e->buf + i, k), o += k;
        i += k;
        shown++;
    }
    if (cap)
        out[o] = 0;
    return shown;
}
