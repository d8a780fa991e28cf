/*
 * tk/scene.h - the toolkit's retained scene: a tree of nodes (boxes, text, images,
 * buttons, text fields, lists, scroll views, graphs) laid out by rows and columns, with the
 * damage each change causes, keyboard focus and its navigation, and light and dark
 * themes.
 *
 * Layout: a box (or list, or scroll view) stacks its children vertically (column) or
 * horizontally (row) inside its padding, `gap` pixels apart. A child's size along the
 * stack is its natural size (text: its measured width or line height plus padding;
 * image: its size; box: what its children need) unless it has `grow`, in which case it
 * shares what is left; across the stack it fills the parent. A scroll view's children
 * are laid out at their natural size and shifted by its scroll offset; what falls
 * outside is clipped when drawn. Fixed sizes (`w`, `h` > 0) win over natural ones.
 *
 * Damage: every change (text, a state, the theme, a scroll, a new layout that moved a
 * node) adds the node's old and new rectangles to the scene's damage, which the
 * application presents and then clears (tk_scene_take_damage).
 *
 * Focus: buttons and text fields are focusable; tk_scene_focus_next/prev move through
 * them in tree order, wrapping around; keys go to the focused node (a text field
 * edits its text; Enter or Space activates a button).
 *
 * Layer: desktop/toolkit (no system calls: host-tested as toolkit-scene).
 */
#ifndef TK_SCENE_H
#define TK_SCENE_H

#include <stdbool.h>
#include <stdint.h>

#define TK_NODES_MAX 128
#define TK_TEXT_MAX 128
#define TK_DAMAGE_MAX 32
#define TK_GRAPH_MAX 64 /* samples a graph keeps (the newest) */
#define TK_ICON_GAP(line_height) ((line_height) / 3) /* between an icon and its text */

/* A graph is a polyline of samples over time (percent of its height, newest at the
 * right edge), drawn in the accent colour on the field colour; its text is a label
 * for the dump only. */
enum tk_kind { TK_BOX, TK_TEXT, TK_IMAGE, TK_BUTTON, TK_FIELD, TK_LIST, TK_SCROLL, TK_GRAPH };
enum tk_dir { TK_COLUMN, TK_ROW };

struct tk_rect {
    int32_t x, y, w, h;
};

struct tk_theme {
    uint32_t background, surface, text, muted, accent, accent_text, focus_ring, field;
};
extern const struct tk_theme tk_theme_light, tk_theme_dark;

/* How text is measured (the font, or a fake in tests). */
struct tk_measure {
    int32_t (*width)(void *ctx, const char *text);
    int32_t line_height;
    void *ctx;
};

struct tk_node {
    enum tk_kind kind;
    enum tk_dir dir;
    int16_t parent, first, next; /* indices, -1 for none */
    int32_t w, h;                /* fixed size, 0 for natural */
    int32_t pad, gap;
    bool grow;
    char text[TK_TEXT_MAX];
    int32_t img_w, img_h;
    int32_t scroll;              /* a scroll view's offset (pixels) */
    uint32_t activations;        /* a button's presses */
    uint8_t samples[TK_GRAPH_MAX]; /* a graph's, oldest first, 0..100 */
    uint8_t nsamples;
    uint8_t icon;                /* enum tk_icon (tk/icons.h) before the text; 0 none */
    bool icon_only;              /* the icon drawn in place of the text (kept for the dump) */
    struct tk_rect r;            /* laid out, in the scene's pixels */
};

struct tk_scene {
    struct tk_node n[TK_NODES_MAX];
    int32_t count;
    int32_t focus; /* node index, -1 for none */
    const struct tk_theme *theme;
    struct tk_measure m;
    struct tk_rect damage[TK_DAMAGE_MAX];
    uint32_t ndamage;
    bool damage_all;
};

/* An empty scene whose root (node 0) is a column box of w x h. */
void tk_scene_init(struct tk_scene *s, int32_t w, int32_t h, const struct tk_measure *m,
                   const struct tk_theme *theme);
/* A new node under parent (appended); its index, or -1 when the scene is full or the
 * parent is not a container. */
int tk_add(struct tk_scene *s, int parent, enum tk_kind kind, const char *text);
/* Lay the tree out again (after adding nodes or changing sizes); damages what moved. */
void tk_layout(struct tk_scene *s);
void tk_set_text(struct tk_scene *s, int node, const char *text);
void tk_set_theme(struct tk_scene *s, const struct tk_theme *theme);
/* A text's or button's icon (enum tk_icon), drawn line-high before its text, or alone
 * and centred (icon_only, the text then only a label for the dump). Lay out again
 * after the first icon (it changes the natural width); damages the node. */
void tk_set_icon(struct tk_scene *s, int node, int icon, bool icon_only);
/* A graph's samples (percent, clamped to 0..100), oldest first; only the newest
 * TK_GRAPH_MAX are kept. Damages the graph. */
void tk_graph_set(struct tk_scene *s, int node, const int32_t *pct, uint32_t n);
/* Where a graph's sample i (0 the oldest kept) is drawn, in scene pixels. */
void tk_graph_point(const struct tk_node *n, uint32_t i, int32_t *x, int32_t *y);
void tk_scroll_by(struct tk_scene *s, int node, int32_t dy);
void tk_focus_next(struct tk_scene *s);
void tk_focus_prev(struct tk_scene *s);
/* A key (USB HID usage, as struct sos_input_event) for the focused node; `ch` the
 * character it types (0 for none). True when the scene used it. */
bool tk_key(struct tk_scene *s, uint32_t hid, char ch);
void tk_damage(struct tk_scene *s, const struct tk_rect *r);
/* Copy out the damage (at most max rectangles; everything as one when it overflowed)
 * and clear it; how many. */
uint32_t tk_take_damage(struct tk_scene *s, struct tk_rect *out, uint32_t max);
/* The topmost node at (x, y) in the scene's pixels (a scroll view's children only
 * where the view shows them); -1 for none. */
int tk_hit(const struct tk_scene *s, int32_t x, int32_t y);
/* Every node, one line each in tree order, indented by depth:
 * `kind x,y wxh[ icon=NAME][ "text"]`, positions moved by (dx, dy) (the window's place on the
 * screen). Writes at most cap bytes (NUL-terminated when cap > 0); the length. */
size_t tk_dump(const struct tk_scene *s, int32_t dx, int32_t dy, char *out, size_t cap);
/* A dump made elsewhere (an application's, at its surface's origin) moved by (dx, dy):
 * the first `x,y` after each line's kind; lines of another shape are copied as they
 * are. Writes at most cap bytes (NUL-terminated when cap > 0); the length. */
size_t tk_dump_move(const char *dump, int32_t dx, int32_t dy, char *out, size_t cap);

#endif
