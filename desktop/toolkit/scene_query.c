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
    static const char *const names[] = {"box", "text", "image", "button", "field", "list", "scroll"};
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
        int k = snprintf(out + len, cap - len, "%*s%s %d,%d %dx%d%s%s%s\n", 2 * depth(s, i), "",
                         kind_name(n->kind), n->r.x + dx, n->r.y + dy, n->r.w, n->r.h,
                         n->text[0] ? " \"" : "", n->text, n->text[0] ? "\"" : "");
        if (k < 0)
            break;
        len += (size_t)k < cap - len ? (size_t)k : cap - len - 1;
    }
    return len;
}
