/*
 * desktop/apps/terminal/vt.c - the terminal's screen (vt.h): the byte parser, the
 * grid, scrolling into the scrollback, and the view over both.
 *
 * Layer: desktop/apps/terminal.
 */
#include <string.h>

#include "vt.h"

static const uint32_t g_dark[VT_PALETTE] = {
    0xff1e1e22u, 0xffcc0000u, 0xff4e9a06u, 0xffc4a000u, 0xff3465a4u, 0xff75507bu, 0xff06989au, 0xffd3d7cfu,
    0xff555753u, 0xffef2929u, 0xff8ae234u, 0xfffce94fu, 0xff729fcfu, 0xffad7fa8u, 0xff34e2e2u, 0xffeeeeecu,
    0xffd3d7cfu, 0xff1e1e22u, 0xffeeeeecu,
};
/* On white: black stays dark, yellow, green and cyan are darkened, white is a grey. */
static const uint32_t g_light[VT_PALETTE] = {
    0xff2e3436u, 0xffcc0000u, 0xff3a7504u, 0xff8f6e00u, 0xff3465a4u, 0xff75507bu, 0xff05787au, 0xff888a85u,
    0xff555753u, 0xffb11f1fu, 0xff4e9a06u, 0xffa07c00u, 0xff204a87u, 0xff5c3566u, 0xff06777au, 0xff6e706bu,
    0xff202020u, 0xfffafafau, 0xff000000u,
};

uint32_t vt_color(uint8_t i, bool light) { return (light ? g_light : g_dark)[i % VT_PALETTE]; }

static int32_t clampi(int32_t x, int32_t lo, int32_t hi) { return x < lo ? lo : x > hi ? hi : x; }

static void blank(struct vt *v, struct vt_line *l, int32_t from, int32_t to)
{
    for (int32_t x = from; x < to && x < VT_MAX_COLS; x++)
        l->c[x] = (struct vt_cell){' ', VT_DEFAULT_FG, v->bg};
}

static void dirty_all(struct vt *v)
{
    for (int y = 0; y < v->rows; y++)
        v->dirty[y] = true;
}

void vt_init(struct vt *v)
{
    memset(v, 0, sizeof(*v));
    v->cols = VT_COLS;
    v->rows = VT_ROWS;
    v->fg = VT_DEFAULT_FG;
    v->bg = VT_DEFAULT_BG;
    for (int y = 0; y < v->rows; y++)
        blank(v, &v->screen[y], 0, v->cols);
    dirty_all(v);
}

static void scroll_up(struct vt *v)
{
    v->history[v->hist_head] = v->screen[0];
    v->hist_head = (v->hist_head + 1) % VT_HISTORY;
    if (v->hist_len < VT_HISTORY)
        v->hist_len++;
    memmove(&v->screen[0], &v->screen[1], (v->rows - 1) * sizeof(v->screen[0]));
    blank(v, &v->screen[v->rows - 1], 0, v->cols);
    if (v->view && v->view < (int32_t)v->hist_len)
        v->view++; /* a reader scrolled back keeps looking at the same lines */
    dirty_all(v);
}

static void scroll_up(struct vt *v);

/*
 * A new size (clamped to 10 x 3 .. VT_MAX_COLS x VT_MAX_ROWS). Fewer rows push the
 * top ones into the scrollback so that the cursor's row stays in sight; more rows come
 * blank at the bottom. Narrower cuts what lies past the new right edge from the view
 * (lines are not rewrapped), wider adds blank columns.
 */
void vt_resize(struct vt *v, int32_t cols, int32_t rows)
{
    cols = clampi(cols, 10, VT_MAX_COLS);
    rows = clampi(rows, 3, VT_MAX_ROWS);
    while (v->cy >= rows) {
        scroll_up(v); /* blanks the last of the old rows, which lies past the new ones */
        v->cy--;
    }
    for (int32_t y = 0; y < VT_MAX_ROWS; y++)
        blank(v, &v->screen[y], y < v->rows ? v->cols : 0, VT_MAX_COLS);
    v->cols = cols;
    v->rows = rows;
    v->cx = clampi(v->cx, 0, cols);
    v->view = 0;
    dirty_all(v);
}

static void newline(struct vt *v)
{
    v->cx = 0;
    if (++v->cy == v->rows) {
        v->cy = v->rows - 1;
        scroll_up(v);
    }
}

static void put(struct vt *v, char c)
{
    if (v->cx >= v->cols)
        newline(v); /* wrap */
    uint8_t fg = !v->bold ? v->fg : v->fg < 8 ? v->fg + 8 : v->fg == VT_DEFAULT_FG ? VT_BOLD_FG : v->fg;
    v->screen[v->cy].c[v->cx++] = (struct vt_cell){c, fg, v->bg};
    v->dirty[v->cy] = true;
}

static void sgr(struct vt *v)
{
    if (v->npar == 0)
        v->npar = 1, v->par[0] = 0;
    for (int i = 0; i < v->npar; i++) {
        int32_t p = v->par[i];
        if (p == 0)
            v->fg = VT_DEFAULT_FG, v->bg = VT_DEFAULT_BG, v->bold = false;
        else if (p == 1)
            v->bold = true;
        else if (p == 22)
            v->bold = false;
        else if (p >= 30 && p <= 37)
            v->fg = (uint8_t)(p - 30);
        else if (p == 39)
            v->fg = VT_DEFAULT_FG;
        else if (p >= 40 && p <= 47)
            v->bg = (uint8_t)(p - 40);
        else if (p == 49)
            v->bg = VT_DEFAULT_BG;
        else if (p >= 90 && p <= 97)
            v->fg = (uint8_t)(p - 90 + 8);
        else if (p >= 100 && p <= 107)
            v->bg = (uint8_t)(p - 100 + 8);
    }
}

static void erase_display(struct vt *v, int32_t mode)
{
    int32_t from = mode == 0 ? v->cy + 1 : 0, to = mode == 1 ? v->cy : v->rows;
    if (mode == 0)
        blank(v, &v->screen[v->cy], v->cx, v->cols);
    if (mode == 1)
        blank(v, &v->screen[v->cy], 0, v->cx + 1);
    for (int32_t y = from; y < to; y++)
        blank(v, &v->screen[y], 0, v->cols);
    dirty_all(v);
}

static void csi(struct vt *v, char final)
{
    int32_t n = v->npar && v->par[0] > 0 ? v->par[0] : 1;
    switch (final) {
    case 'A': v->cy = clampi(v->cy - n, 0, v->rows - 1); break;
    case 'B': v->cy = clampi(v->cy + n, 0, v->rows - 1); break;
    case 'C': v->cx = clampi(v->cx + n, 0, v->cols - 1); break;
    case 'D': v->cx = clampi(v->cx - n, 0, v->cols - 1); break;
    case 'G': v->cx = clampi(n - 1, 0, v->cols - 1); break;
    case 'H':
    case 'f':
        v->cy = clampi(n - 1, 0, v->rows - 1);
        v->cx = clampi(v->npar > 1 && v->par[1] > 0 ? v->par[1] - 1 : 0, 0, v->cols - 1);
        break;
    case 'J': erase_display(v, v->npar ? v->par[0] : 0); break;
    case 'K': {
        int32_t mode = v->npar ? v->par[0] : 0;
        blank(v, &v->screen[v->cy], mode == 0 ? v->cx : 0, mode == 1 ? v->cx + 1 : v->cols);
        break;
    }
    case 'm': sgr(v); break;
    default: break; /* not understood: ignored */
    }
    v->dirty[v->cy] = true;
}

static void byte(struct vt *v, char c)
{
    if (v->esc == 1) {
        v->esc = c == '[' ? 2 : 0;
        v->npar = 0;
        memset(v->par, 0, sizeof(v->par));
        return;
    }
    if (v->esc == 2) {
        if (c >= '0' && c <= '9') {
            if (!v->npar)
                v->npar = 1;
            int32_t *p = &v->par[v->npar - 1];
            *p = *p > 99999 ? *p : *p * 10 + (c - '0');
        } else if (c == ';') {
            if (!v->npar)
                v->npar = 1;
            if (v->npar < 8)
                v->npar++;
        } else if (c >= 0x40 && c <= 0x7e) {
            v->esc = 0;
            csi(v, c);
        } else if (c != '?') {
            v->esc = 0;
        }
        return;
    }
    switch (c) {
    case 0x1b: v->esc = 1; break;
    case '\r': v->cx = 0; break;
    case '\n': newline(v); break;
    case '\b': if (v->cx > 0) v->cx--; v->dirty[v->cy] = true; break;
    case '\t': do put(v, ' '); while (v->cx % 8 && v->cx < v->cols); break;
    default:
        if ((unsigned char)c >= 0x20 && c != 0x7f)
            put(v, (unsigned char)c < 0x80 ? c : '?'); /* bytes of UTF-8: one '?' each */
        break;
    }
}

void vt_write(struct vt *v, const char *s, size_t n)
{
    bool back = v->view != 0;
    for (size_t i = 0; i < n; i++)
        byte(v, s[i]);
    if (back && n) { /* new output brings the view back to the live screen */
        v->view = 0;
        dirty_all(v);
    }
}

bool vt_scroll_view(struct vt *v, int32_t dy)
{
    int32_t to = clampi(v->view + dy, 0, (int32_t)v->hist_len);
    if (to == v->view)
        return false;
    v->view = to;
    dirty_all(v);
    return true;
}

const struct vt_line *vt_view_line(const struct vt *v, int32_t row)
{
    int32_t k = row - v->view; /* < 0: in the scrollback */
    if (k >= 0)
        return &v->screen[k];
    uint32_t idx = (v->hist_head + VT_HISTORY - (uint32_t)(-k)) % VT_HISTORY;
    return &v->history[idx];
}

void vt_line_text(const struct vt *v, const struct vt_line *l, char *out)
{
    int32_t n = v->cols;
    while (n > 0 && l->c[n - 1].ch == ' ')
        n--;
    for (int32_t x = 0; x < n; x++)
        out[x] = l->c[x].ch;
    out[n] = 0;
}
