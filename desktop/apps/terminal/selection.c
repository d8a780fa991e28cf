/*
 * desktop/apps/terminal/selection.c - selection and paste (selection.h): positions
 * over the scrollback and the screen, the selected text, a word, a paste filtered.
 *
 * Layer: desktop/apps/terminal.
 */
#include "selection.h"

static int32_t clampi(int32_t x, int32_t lo, int32_t hi) { return x < lo ? lo : x > hi ? hi : x; }

struct sel_pos sel_at(const struct vt *v, int32_t row, int32_t col)
{
    row = clampi(row, 0, v->rows - 1);
    return (struct sel_pos){(int32_t)v->hist_len - v->view + row, clampi(col, 0, v->cols - 1)};
}

const struct vt_line *sel_line(const struct vt *v, int32_t line)
{
    int32_t h = (int32_t)v->hist_len;
    if (line < 0 || line >= h + v->rows)
        return NULL;
    if (line >= h)
        return &v->screen[line - h];
    return &v->history[(v->hist_head + VT_HISTORY - (uint32_t)(h - line)) % VT_HISTORY];
}

static bool before(struct sel_pos p, struct sel_pos q)
{
    return p.line < q.line || (p.line == q.line && p.col < q.col);
}

/* The selection's first and last positions. */
static void ends(const struct sel *s, struct sel_pos *from, struct sel_pos *to)
{
    bool back = before(s->b, s->a);
    *from = back ? s->b : s->a;
    *to = back ? s->a : s->b;
}

bool sel_has(const struct sel *s, int32_t line, int32_t col)
{
    if (!s->on)
        return false;
    struct sel_pos from, to, p = {line, col};
    ends(s, &from, &to);
    return !before(p, from) && !before(to, p);
}

size_t sel_text(const struct vt *v, const struct sel *s, char *out, size_t cap)
{
    size_t n = 0;
    if (cap == 0)
        return 0;
    struct sel_pos from, to;
    ends(s, &from, &to);
    for (int32_t line = from.line; s->on && line <= to.line; line++) {
        const struct vt_line *l = sel_line(v, line);
        if (!l)
            continue; /* gone from the scrollback since */
        int32_t x0 = line == from.line ? from.col : 0;
        int32_t x1 = line == to.line ? to.col + 1 : v->cols;
        x1 = x1 > v->cols ? v->cols : x1;
        while (x1 > x0 && l->c[x1 - 1].ch == ' ')
            x1--;
        if (line != from.line && n + 1 < cap)
            out[n++] = '\n';
        for (int32_t x = x0; x < x1 && n + 1 < cap; x++)
            out[n++] = l->c[x].ch;
    }
    out[n] = 0;
    return n;
}

bool sel_word(const struct vt *v, struct sel_pos pos, struct sel *s)
{
    const struct vt_line *l = sel_line(v, pos.line);
    if (!l || pos.col < 0 || pos.col >= v->cols || l->c[pos.col].ch == ' ')
        return false;
    int32_t x0 = pos.col, x1 = pos.col;
    while (x0 > 0 && l->c[x0 - 1].ch != ' ')
        x0--;
    while (x1 + 1 < v->cols && l->c[x1 + 1].ch != ' ')
        x1++;
    *s = (struct sel){true, {pos.line, x0}, {pos.line, x1}};
    return true;
}

size_t paste_filter(const char *in, size_t n, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < PASTE_MAX; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == '\r' && i + 1 < n && in[i + 1] == '\n')
            continue; /* CR LF: the LF stands for both */
        if (c == '\r')
            c = '\n';
        if ((c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n')
            out[k++] = (char)c;
    }
    return k;
}
