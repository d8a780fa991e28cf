/*
 * desktop/toolkit/scene_test.c - the toolkit's retained scene on the host: column and
 * row layout (padding, gaps, natural and fixed sizes, growing children), damage from
 * changes (and none from a change that changes nothing), focus navigation with
 * wrap-around, keys into a text field and onto a button, scroll views clamped, themes,
 * refusals (a full scene, a child of a leaf), and graphs (samples clamped, only the
 * newest kept, where each point lies, damage, the dump's kind), and icons (the sizes
 * they add, the dump's icon name, damage).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <tk/icons.h>
#include <tk/scene.h>

static int32_t width8(void *ctx, const char *t)
{
    (void)ctx;
    return (int32_t)strlen(t) * 8;
}

static const struct tk_measure g_m = {width8, 16, NULL};
static struct tk_scene g_s;

static void rect_is(int i, int32_t x, int32_t y, int32_t w, int32_t h)
{
    const struct tk_rect *r = &g_s.n[i].r;
    if (r->x != x || r->y != y || r->w != w || r->h != h)
        fail_msg("node %d at %d,%d %dx%d, wanted %d,%d %dx%d", i, r->x, r->y, r->w, r->h, x, y, w, h);
}

static void test_column(void **state)
{
    (void)state;
    tk_scene_init(&g_s, 200, 100, &g_m, &tk_theme_light);
    g_s.n[0].pad = 10;
    g_s.n[0].gap = 5;
    int t = tk_add(&g_s, 0, TK_TEXT, "abc");
    int b = tk_add(&g_s, 0, TK_BUTTON, "ok");
    int g = tk_add(&g_s, 0, TK_BOX, NULL);
    g_s.n[g].grow = true;
    tk_layout(&g_s);
    rect_is(t, 10, 10, 180, 16);
    rect_is(b, 10, 31, 180, 28);   /* 16 + 2 x 6 of padding */
    rect_is(g, 10, 64, 180, 26);   /* what is left: 100 - 10 - 64 */
}

static void test_row_grow_and_fixed(void **state)
{
    (void)state;
    tk_scene_init(&g_s, 300, 40, &g_m, &tk_theme_light);
    int row = tk_add(&g_s, 0, TK_BOX, NULL);
    g_s.n[row].dir = TK_ROW;
    g_s.n[row].grow = true;
    g_s.n[row].gap = 4;
    int a = tk_add(&g_s, row, TK_TEXT, "ab");
    int f = tk_add(&g_s, row, TK_FIELD, "");
    g_s.n[f].grow = true;
    int i = tk_add(&g_s, row, TK_IMAGE, NULL);
    g_s.n[i].img_w = 20;
    g_s.n[i].img_h = 20;
    int x = tk_add(&g_s, row, TK_BOX, NULL);
    g_s.n[x].w = 30; /* fixed */
    tk_layout(&g_s);
    rect_is(row, 0, 0, 300, 40);
    rect_is(a, 0, 0, 16, 40);
    rect_is(f, 20, 0, 300 - 16 - 20 - 30 - 12, 40);
    rect_is(i, 300 - 30 - 4 - 20, 0, 20, 40);
    rect_is(x, 270, 0, 30, 40);
}

static void test_damage(void **state)
{
    (void)state;
    struct tk_rect d[TK_DAMAGE_MAX];
    tk_scene_init(&g_s, 200, 100, &g_m, &tk_theme_light);
    int row = tk_add(&g_s, 0, TK_BOX, NULL);
    g_s.n[row].dir = TK_ROW;
    int t = tk_add(&g_s, row, TK_TEXT, "abc");
    int u = tk_add(&g_s, row, TK_TEXT, "z");
    tk_layout(&g_s);
    assert_int_equal(tk_take_damage(&g_s, d, TK_DAMAGE_MAX), 1); /* the first frame: all */
    assert_int_equal(d[0].w, 200);
    tk_set_text(&g_s, t, "abc");
    assert_int_equal(tk_take_damage(&g_s, d, TK_DAMAGE_MAX), 0); /* nothing changed */
    tk_set_text(&g_s, t, "abcd");
    uint32_t n = tk_take_damage(&g_s, d, TK_DAMAGE_MAX);
    assert_true(n >= 3);                 /* the text, its new size, the neighbour it moved */
    bool moved = false;
    for (uint32_t k = 0; k < n; k++)
        moved |= d[k].x == 32 && d[k].w == 8; /* u's new place */
    assert_true(moved);
    rect_is(u, 32, 0, 8, 16);
    tk_set_theme(&g_s, &tk_theme_dark);
    assert_int_equal(tk_take_damage(&g_s, d, TK_DAMAGE_MAX), 1);
    assert_int_equal(d[0].h, 100);
}

static void test_focus_and_keys(void **state)
{
    (void)state;
    tk_scene_init(&g_s, 200, 200, &g_m, &tk_theme_light);
    tk_add(&g_s, 0, TK_TEXT, "label");
    int b1 = tk_add(&g_s, 0, TK_BUTTON, "one");
    int f = tk_add(&g_s, 0, TK_FIELD, "");
    int b2 = tk_add(&g_s, 0, TK_BUTTON, "two");
    tk_layout(&g_s);
    assert_int_equal(g_s.focus, -1);
    assert_false(tk_key(&g_s, 4, 'a')); /* nothing focused */
    tk_focus_next(&g_s);
    assert_int_equal(g_s.focus, b1);
    assert_true(tk_key(&g_s, 40, 0)); /* Enter */
    assert_int_equal(g_s.n[b1].activations, 1);
    assert_true(tk_key(&g_s, 43, 0)); /* Tab */
    assert_int_equal(g_s.focus, f);
    assert_true(tk_key(&g_s, 4, 'h'));
    assert_true(tk_key(&g_s, 5, 'i'));
    assert_string_equal(g_s.n[f].text, "hi");
    assert_true(tk_key(&g_s, 42, 0)); /* Backspace */
    assert_string_equal(g_s.n[f].text, "h");
    tk_focus_next(&g_s);
    assert_int_equal(g_s.focus, b2);
    tk_focus_next(&g_s); /* wraps past the label */
    assert_int_equal(g_s.focus, b1);
    tk_focus_prev(&g_s);
    assert_int_equal(g_s.focus, b2);
    assert_false(tk_key(&g_s, 4, 'x')); /* a button takes no text */
}

static void test_scroll(void **state)
{
    (void)state;
    tk_scene_init(&g_s, 100, 50, &g_m, &tk_theme_light);
    int sv = tk_add(&g_s, 0, TK_SCROLL, NULL);
    g_s.n[sv].grow = true;
    int first = -1;
    for (int k = 0; k < 10; k++) { /* 10 lines of 16: 160 of content in a view of 50 */
        int i = tk_add(&g_s, sv, TK_TEXT, "line");
        first = first < 0 ? i : first;
    }
    tk_layout(&g_s);
    rect_is(first, 0, 0, 100, 16);
    tk_scroll_by(&g_s, sv, 30);
    rect_is(first, 0, -30, 100, 16);
    tk_scroll_by(&g_s, sv, 1000);
    assert_int_equal(g_s.n[sv].scroll, 110); /* clamped to content - view */
    tk_scroll_by(&g_s, sv, -5000);
    assert_int_equal(g_s.n[sv].scroll, 0);
}

static void test_refusals(void **state)
{
    (void)state;
    tk_scene_init(&g_s, 10, 10, &g_m, &tk_theme_light);
    int t = tk_add(&g_s, 0, TK_TEXT, "x");
    assert_int_equal(tk_add(&g_s, t, TK_TEXT, "child of a leaf"), -1);
    assert_int_equal(tk_add(&g_s, 999, TK_TEXT, "no parent"), -1);
    while (tk_add(&g_s, 0, TK_BOX, NULL) >= 0)
        ;
    assert_int_equal(g_s.count, TK_NODES_MAX);
    char longtext[300];
    memset(longtext, 'a', sizeof(longtext) - 1);
    longtext[299] = 0;
    tk_set_text(&g_s, t, longtext);
    assert_int_equal(strlen(g_s.n[t].text), TK_TEXT_MAX - 1);
}

/* tk_hit finds the topmost node under a point; tk_dump lists every node with its
 * bounds (moved to the screen) and text, and stops at the buffer's end. */
static void test_hit_and_dump(void **state)
{
    (void)state;
    tk_scene_init(&g_s, 200, 100, &g_m, &tk_theme_light);
    g_s.n[0].pad = 10;
    int row = tk_add(&g_s, 0, TK_BOX, NULL);
    g_s.n[row].dir = TK_ROW;
    int t = tk_add(&g_s, row, TK_TEXT, "hi");
    int b = tk_add(&g_s, row, TK_BUTTON, "Go");
    tk_layout(&g_s);
    assert_int_equal(tk_hit(&g_s, 11, 11), t);
    assert_int_equal(tk_hit(&g_s, 30, 12), b);
    assert_int_equal(tk_hit(&g_s, 5, 5), 0);
    assert_int_equal(tk_hit(&g_s, 150, 12), row);
    assert_int_equal(tk_hit(&g_s, 250, 12), -1);
    char out[256];
    size_t n = tk_dump(&g_s, 100, 50, out, sizeof(out));
    assert_int_equal(n, strlen(out));
    assert_string_equal(out, "box 100,50 200x100\n  box 110,60 180x28\n    text 110,60 16x28 \"hi\"\n"
                             "    button 126,60 28x28 \"Go\"\n");
    char tiny[12];
    n = tk_dump(&g_s, 0, 0, tiny, sizeof(tiny));
    assert_int_equal(n, strlen(tiny));
    assert_true(n < sizeof(tiny));
}

/* An icon widens a labelled node by a line and a gap; an icon alone makes it a
 * line wide; the dump names the icon before the text; setting it damages the node. */
static void test_icons(void **state)
{
    (void)state;
    tk_scene_init(&g_s, 300, 40, &g_m, &tk_theme_light);
    int row = tk_add(&g_s, 0, TK_BOX, NULL);
    g_s.n[row].dir = TK_ROW;
    int a = tk_add(&g_s, row, TK_BUTTON, "files");
    int b = tk_add(&g_s, row, TK_BUTTON, "x");
    tk_set_icon(&g_s, a, TK_ICON_FILES, false);
    tk_set_icon(&g_s, b, TK_ICON_CLOSE, true);
    tk_layout(&g_s);
    rect_is(a, 0, 0, 12 + 40 + 16 + TK_ICON_GAP(16), 28);
    rect_is(b, g_s.n[a].r.w, 0, 12 + 16, 28);
    char out[512];
    tk_dump(&g_s, 0, 0, out, sizeof(out));
    assert_non_null(strstr(out, "    button 0,0 73x28 icon=files \"files\"\n"));
    assert_non_null(strstr(out, " 28x28 icon=close \"x\"\n"));
    struct tk_rect d[4];
    tk_take_damage(&g_s, d, 4);
    tk_set_icon(&g_s, b, TK_ICON_CLOSE, true); /* no change: no damage */
    assert_int_equal(tk_take_damage(&g_s, d, 4), 0);
    tk_set_icon(&g_s, b, TK_ICON_RESTORE, true);
    assert_int_equal(tk_take_damage(&g_s, d, 4), 1);
    assert_int_equal(d[0].x, g_s.n[b].r.x);
    tk_set_icon(&g_s, 99, TK_ICON_CLOSE, true); /* no such node: nothing */
    tk_set_icon(&g_s, b, 300, true);            /* not an icon number: nothing */
    assert_int_equal(g_s.n[b].icon, TK_ICON_RESTORE);
}

static void test_graph(void **state)
{
    (void)state;
    tk_scene_init(&g_s, 127, 100, &g_m, &tk_theme_light); /* the graph fills the width: */
    int gr = tk_add(&g_s, 0, TK_GRAPH, "cpu");              /* 63 steps of 2 pixels */
    g_s.n[gr].h = 51;  /* 1 percent = half a pixel */
    tk_layout(&g_s);
    tk_take_damage(&g_s, (struct tk_rect[4]){0}, 4);
    int32_t v[3] = {-5, 50, 250}, x, y;
    tk_graph_set(&g_s, gr, v, 3);
    assert_int_equal(g_s.n[gr].nsamples, 3);
    assert_int_equal(g_s.n[gr].samples[0], 0); /* clamped */
    assert_int_equal(g_s.n[gr].samples[2], 100);
    struct tk_rect d[4];
    assert_int_equal(tk_take_damage(&g_s, d, 4), 1);
    assert_int_equal(d[0].w, 127);
    tk_graph_point(&g_s.n[gr], 2, &x, &y); /* the newest: right edge, top */
    assert_int_equal(x, 126);
    assert_int_equal(y, 0);
    tk_graph_point(&g_s.n[gr], 1, &x, &y);
    assert_int_equal(x, 124);
    assert_int_equal(y, 25);
    tk_graph_point(&g_s.n[gr], 0, &x, &y); /* the oldest: bottom */
    assert_int_equal(x, 122);
    assert_int_equal(y, 50);
    int32_t many[TK_GRAPH_MAX + 10];
    for (int i = 0; i < TK_GRAPH_MAX + 10; i++)
        many[i] = i;
    tk_graph_set(&g_s, gr, many, TK_GRAPH_MAX + 10);
    assert_int_equal(g_s.n[gr].nsamples, TK_GRAPH_MAX);
    assert_int_equal(g_s.n[gr].samples[0], 10); /* the oldest 10 dropped */
    tk_graph_point(&g_s.n[gr], 0, &x, &y);
    assert_int_equal(x, 0); /* a full graph spans the width */
    tk_graph_set(&g_s, 0, v, 3); /* not a graph: nothing */
    assert_int_equal(g_s.n[0].nsamples, 0);
    char out[256];
    tk_dump(&g_s, 0, 0, out, sizeof(out));
    assert_non_null(strstr(out, "graph 0,0 127x51 \"cpu\""));
}

/* tk_dump_move: a dump made at the window's origin moved to where the window is now:
 * each line's first x,y moved (negative ones too), the rest of the line and lines of
 * another shape kept as they are, and the buffer's end respected. */
static void test_dump_move(void **state)
{
    (void)state;
    const char *in = "box 0,0 200x100\n  text 6,-4 16x28 \"1,2 stays\"\nhello 3,4\nodd line\n"
                     "text x,1 2x2\n  button 10,20 5x5";
    char out[256];
    size_t n = tk_dump_move(in, 100, -10, out, sizeof(out));
    assert_int_equal(n, strlen(out));
    assert_string_equal(out, "box 100,-10 200x100\n  text 106,-14 16x28 \"1,2 stays\"\nhello 103,-6\n"
                             "odd line\ntext x,1 2x2\n  button 110,10 5x5");
    char tiny[10];
    n = tk_dump_move(in, 5, 5, tiny, sizeof(tiny));
    assert_int_equal(n, strlen(tiny));
    assert_string_equal(tiny, "box 5,5 2");
    assert_int_equal(tk_dump_move("", 1, 1, out, sizeof(out)), 0);
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_column), cmocka_unit_test(test_row_grow_and_fixed),
        cmocka_unit_test(test_damage), cmocka_unit_test(test_focus_and_keys),
        cmocka_unit_test(test_scroll), cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_hit_and_dump), cmocka_unit_test(test_graph), cmocka_unit_test(test_icons),
        cmocka_unit_test(test_dump_move),
    };
    return cmocka_run_group_tests_name("toolkit-scene", tests, NULL, NULL);
}
