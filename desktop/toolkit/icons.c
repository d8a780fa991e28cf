/*
 * desktop/toolkit/icons.c - the toolkit's icons (tk/icons.h). Each icon is a short
 * list of shapes on a 24-unit grid (kept in half units): capsule lines, filled
 * rectangles, rectangle outlines and discs, painted in order in the shape colour,
 * the detail colour, or erased (a hole). A pixel is 4 x 4 samples; each sample takes
 * the colour of the last shape that covers it, and the pixel blends each colour with
 * the share of samples it won, so edges are smooth at any size and only integer
 * arithmetic is used.
 *
 * Layer: desktop/toolkit (no system calls: host-tested in toolkit-icons).
 */
#include <stdbool.h>
#include <string.h>

#include <tk/icons.h>

enum op { END, SEG, RECT, FRAME, DISC };
enum col { ERASE, FG, DETAIL };

struct shape {
    uint8_t op, col;
    int8_t a, b, c, d, e; /* half units: SEG x0 y0 x1 y1 width; RECT/FRAME x y w h stroke; DISC x y r */
};

#define U(v) ((int8_t)((v) * 2))
#define S(col, x0, y0, x1, y1, w) {SEG, col, U(x0), U(y0), U(x1), U(y1), U(w)}
#define R(col, x, y, w, h) {RECT, col, U(x), U(y), U(w), U(h), 0}
#define F(col, x, y, w, h, t) {FRAME, col, U(x), U(y), U(w), U(h), U(t)}
#define D(col, x, y, r) {DISC, col, U(x), U(y), U(r), 0, 0}
#define SHAPES_MAX 14
#define Q 32 /* fixed-point steps of a half unit */

static const struct shape g_shapes[TK_ICON_COUNT][SHAPES_MAX] = {
    [TK_ICON_TERMINAL] = {F(FG, 2, 4, 20, 16, 2), R(FG, 2, 4, 20, 4), S(DETAIL, 6, 11, 9, 14, 2),
                          S(DETAIL, 9, 14, 6, 17, 2), S(DETAIL, 11, 17, 16, 17, 2)},
    [TK_ICON_FILES] = {R(FG, 2, 4, 8, 4), R(FG, 2, 6, 20, 14), R(DETAIL, 2, 10, 20, 10), R(FG, 2, 18, 20, 2)},
    [TK_ICON_SETTINGS] = {S(FG, 12, 3, 12, 21, 4), S(FG, 3, 12, 21, 12, 4), S(FG, 5.5, 5.5, 18.5, 18.5, 4),
                          S(FG, 18.5, 5.5, 5.5, 18.5, 4), D(FG, 12, 12, 7), D(ERASE, 12, 12, 3.5),
                          D(DETAIL, 12, 12, 1.5)},
    [TK_ICON_MONITOR] = {F(FG, 2, 3, 20, 18, 2), S(DETAIL, 5.5, 16, 9, 11, 2), S(DETAIL, 9, 11, 12, 14, 2),
                         S(DETAIL, 12, 14, 15.5, 7.5, 2), S(DETAIL, 15.5, 7.5, 18.5, 10.5, 2)},
    [TK_ICON_SOFTWARE] = {R(FG, 2, 4, 20, 6), F(FG, 4, 10, 16, 11, 2), R(DETAIL, 10, 4, 4, 6),
                          R(DETAIL, 9, 13, 6, 2)},
    [TK_ICON_CONSOLE] = {F(FG, 2, 3, 20, 14, 2), S(FG, 12, 17, 12, 20, 2), S(FG, 7, 21, 17, 21, 2),
                         S(DETAIL, 6, 7.5, 14, 7.5, 2), S(DETAIL, 6, 12, 11, 12, 2)},
    [TK_ICON_APP] = {F(FG, 3, 3, 18, 18, 2), R(DETAIL, 7, 7, 4, 4), R(DETAIL, 13, 7, 4, 4),
                     R(DETAIL, 7, 13, 4, 4), R(DETAIL, 13, 13, 4, 4)},
    [TK_ICON_MINIMISE] = {S(FG, 6, 17, 18, 17, 2.5)},
    [TK_ICON_MAXIMISE] = {F(FG, 5, 5, 14, 14, 2)},
    [TK_ICON_RESTORE] = {F(FG, 9, 4, 11, 11, 2), R(ERASE, 3.5, 8.5, 12, 12), F(FG, 4, 9, 11, 11, 2)},
    [TK_ICON_CLOSE] = {S(FG, 6.5, 6.5, 17.5, 17.5, 2.5), S(FG, 17.5, 6.5, 6.5, 17.5, 2.5)},
};

static const char *const g_names[TK_ICON_COUNT] = {
    "none", "terminal", "files", "settings", "monitor", "software", "console", "app",
    "minimise", "maximise", "restore", "close",
};

/* Which application gets which icon; anything else gets TK_ICON_APP. */
static const struct {
    const char *app;
    enum tk_icon icon;
} g_apps[] = {
    {"terminal", TK_ICON_TERMINAL}, {"files", TK_ICON_FILES},       {"settings", TK_ICON_SETTINGS},
    {"monitor", TK_ICON_MONITOR},   {"software", TK_ICON_SOFTWARE}, {"system-console", TK_ICON_CONSOLE},
};

const char *tk_icon_name(enum tk_icon icon)
{
    return (unsigned)icon < TK_ICON_COUNT ? g_names[icon] : "?";
}

enum tk_icon tk_icon_for_app(const char *app)
{
    for (size_t i = 0; app && i < sizeof(g_apps) / sizeof(g_apps[0]); i++)
        if (!strcmp(app, g_apps[i].app))
            return g_apps[i].icon;
    return TK_ICON_APP;
}

static bool in_rect(int32_t x, int32_t y, int32_t rx, int32_t ry, int32_t rw, int32_t rh)
{
    return x >= rx && y >= ry && x < rx + rw && y < ry + rh;
}

/* Whether the point (x, y), in Q steps of a half unit, lies within the capsule. */
static bool in_seg(int64_t x, int64_t y, const struct shape *s)
{
    int64_t ax = s->a * Q, ay = s->b * Q, dx = (s->c - s->a) * Q, dy = (s->d - s->b) * Q;
    int64_t len2 = dx * dx + dy * dy, t = (x - ax) * dx + (y - ay) * dy, r = s->e * Q / 2;
    t = t < 0 ? 0 : t > len2 ? len2 : t;
    int64_t cx = len2 ? ax + dx * t / len2 : ax, cy = len2 ? ay + dy * t / len2 : ay;
    return (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r;
}

static bool covers(const struct shape *s, int32_t x, int32_t y)
{
    int32_t a = s->a * Q, b = s->b * Q, c = s->c * Q, d = s->d * Q, e = s->e * Q;
    switch (s->op) {
    case SEG:
        return in_seg(x, y, s);
    case RECT:
        return in_rect(x, y, a, b, c, d);
    case FRAME:
        return in_rect(x, y, a, b, c, d) && !in_rect(x, y, a + e, b + e, c - 2 * e, d - 2 * e);
    case DISC:
        return (int64_t)(x - a) * (x - a) + (int64_t)(y - b) * (y - b) <= (int64_t)c * c;
    default:
        return false;
    }
}

/* The colour (enum col) a sample ends up with after all of the icon's shapes. */
static int sample(const struct shape *sh, int32_t x, int32_t y)
{
    int col = ERASE;
    for (int k = 0; k < SHAPES_MAX && sh[k].op != END; k++)
        if (covers(&sh[k], x, y))
            col = sh[k].col;
    return col;
}

void tk_icon_draw(struct tk_canvas *c, enum tk_icon icon, int32_t x, int32_t y, int32_t size, uint32_t fg,
                  uint32_t detail)
{
    if ((unsigned)icon >= TK_ICON_COUNT || icon == TK_ICON_NONE || size < 4 || size > 4096)
        return;
    const struct shape *sh = g_shapes[icon];
    for (int32_t j = 0; j < size; j++) {
        if (y + j < 0 || y + j >= c->h)
            continue;
        for (int32_t i = 0; i < size; i++) {
            if (x + i < 0 || x + i >= c->w)
                continue;
            uint32_t n[3] = {0, 0, 0};
            for (int32_t sy = 0; sy < 4; sy++) /* a sample's place in Q steps of 48 half units */
                for (int32_t sx = 0; sx < 4; sx++)
                    n[sample(sh, (8 * i + 2 * sx + 1) * 48 * Q / (8 * size),
                                 (8 * j + 2 * sy + 1) * 48 * Q / (8 * size))]++;
            tk_blend(c, x + i, y + j, fg, n[FG] * 255 / 16);
            tk_blend(c, x + i, y + j, detail, n[DETAIL] * 255 / 16);
        }
    }
}
