/*
 * desktop/toolkit/scene_query.c - asking a retained scene (tk/scene.h) about itself:
 * which node is under a point (for pointer clicks) and a text dump of every node with
 * its kind, bounds and text, which the desktop shows through `desktop dump` so tests
 * assert on what a window says rather than on its pixels.
 *
 * Layer: desktop/toolkit (no system calls: host-tested in toolkit-scene).
 */
#include <stdio.h>
#include <string.h>

#include <tk/icons.h>
#include <tk/scene.h>

static bool inside(const struct tk_rect *r, int32_t x, int32_t y)
{
    return x >= r->x && y >= r->y && x < r->x + r->w && y < r->y + r->h;
}

int tk_hit(const struct tk_scene *s, int32_t x, int32_t y)
{
    int hit = -1;
    for (int i = 0; i < s->count; i++) { /* tree order: later nodes lie above earlier */
        const struct tk_node *n = &s->n[i];
        int p = n->parent;
        if (!inside(&n->r, x, y) || (p >= 0 && s->n[p].kind == TK_SCROLL && !inside(&s->n[p].r, x, y)))
            continue;
        hit = i;
    }
    return hit;
}

static const char *kind_name(enum tk_kind k)
{
    static const char *const names[] = {"box", "text", "image", "button", "field", "list", "scroll", "graph"};
    return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

static int depth(const struct tk_scene *s, int i)
{
    int d = 0;
    while (i > 0 && d < 32) {
        i = s->n[i].parent;
        d++;
    }
    return d;
}

size_t tk_dump(const struct tk_scene *s, int32_t dx, int32_t dy, char *out, size_t cap)
{
    size_t len = 0;
    for (int i = 0; i < s->count && len < cap; i++) {
        const struct tk_node *n = &s->n[i];
        int k = snprintf(out + len, cap - len, "%*s%s %d,%d %dx%d%s%s%s%s%s\n", 2 * depth(s, i), "",
                         kind_name(n->kind), n->r.x + dx, n->r.y + dy, n->r.w, n->r.h,
                         n->icon ? " icon=" : "", n->icon ? tk_icon_name(n->icon) : "",
                         n->text[0] ? " \"" : "", n->text, n->text[0] ? "\"" : "");
        if (k < 0)
            break;
        len += (size_t)k < cap - len ? (size_t)k : cap - len - 1;
    }
    return len;
}

/* An integer at *p (optionally negative); false when there is none. */
static bool read_int(const char **p, int32_t *v)
{
    const char *s = *p;
    bool neg = *s == '-';
    s += neg;
    if (*s < '0' || *s > '9')
        return false;
    int64_t n = 0;
    for (; *s >= '0' && *s <= '9'; s++)
        n = n < 1000000000 ? n * 10 + (*s - '0') : n;
    *v = (int32_t)(neg ? -n : n);
    *p = s;
    return true;
}

/* One line (up to its '\n' or end) moved: `<indent><kind> x,y<rest>`. */
static int move_line(const char *l, size_t len, int32_t dx, int32_t dy, char *out, size_t cap)
{
    const char *p = l;
    while (*p == ' ')
        p++;
    while (*p > ' ' && *p != ',')
        p++;
    int32_t x, y;
    const char *q = p + 1;
    if (*p == ' ' && p > l && read_int(&q, &x) && *q == ',' && (q++, read_int(&q, &y)) &&
        (size_t)(q - l) <= len)
        return snprintf(out, cap, "%.*s %d,%d%.*s", (int)(p - l), l, x + dx, y + dy, (int)(len - (size_t)(q - l)), q);
    return snprintf(out, cap, "%.*s", (int)len, l);
}

size_t tk_dump_move(const char *dump, int32_t dx, int32_t dy, char *out, size_t cap)
{
    size_t len = 0;
    if (cap)
        out[0] = 0;
    for (const char *l = dump; *l && len + 1 < cap;) {
        const char *nl = strchr(l, '\n');
        size_t n = nl ? (size_t)(nl - l) + 1 : strlen(l);
        int k = move_line(l, nl ? n - 1 : n, dx, dy, out + len, cap - len);
        if (k < 0)
            break;
        len += (size_t)k < cap - len ? (size_t)k : cap - len - 1;
        if (nl && len + 1 < cap) {
            out[len++] = '\n';
            out[len] = 0;
        }
        l += n;
    }
    return len;
}
