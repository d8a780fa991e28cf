/*
 * services/graphics/compose_test.c - the compositor's damage arithmetic on the host:
 * rectangles (making, intersecting, overflow refused), region subtraction, what each
 * surface must draw for a damage (overlap, occlusion by opaque surfaces, translucent
 * ones not occluding, clipping to the screen), composed pixels (stacking, alpha,
 * the cursor), and hit tests through transparent pixels.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "compose.h"

static void test_rects(void **state)
{
    (void)state;
    struct rect r;
    assert_true(rect_make(-10, 5, 100, 50, &r));
    assert_int_equal(r.x, -10);
    assert_false(rect_make(0, 0, 0x100000000ull, 1, &r));   /* overflowing size */
    assert_false(rect_make(0, 0, REGION_COORD_MAX, 1, &r));
    assert_false(rect_make(-(int64_t)REGION_COORD_MAX, 0, 1, 1, &r));
    struct rect a = {0, 0, 10, 10}, b = {5, 5, 10, 10}, c = {10, 0, 5, 5};
    struct rect i = rect_intersect(&a, &b);
    assert_int_equal(i.x, 5);
    assert_int_equal(i.w, 5);
    assert_int_equal(i.h, 5);
    i = rect_intersect(&a, &c); /* touching edges do not meet */
    assert_true(rect_empty(&i));
    struct rect u = rect_union(&a, &b);
    assert_int_equal(u.w, 15);
    assert_true(rect_contains(&u, &a));
    assert_false(rect_contains(&a, &b));
}

static void test_region_subtract(void **state)
{
    (void)state;
    struct region g;
    region_init(&g);
    struct rect a = {0, 0, 100, 100}, hole = {25, 25, 50, 50};
    region_add(&g, &a);
    region_subtract(&g, &hole);
    assert_int_equal(g.n, 4);
    assert_int_equal(region_area(&g), 10000 - 2500);
    struct rect all = {-5, -5, 200, 200};
    region_subtract(&g, &all);
    assert_int_equal(g.n, 0);
    region_add(&g, &a);
    struct rect right = {50, -10, 100, 200}; /* cuts the right half off */
    region_subtract(&g, &right);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.r[0].w, 50);
    assert_int_equal(g.r[0].h, 100);
    /* many cuts: the region falls back to a box that still covers what is left */
    for (int k = 0; k < 40; k++) {
        struct rect dot = {2 * k % 50, (7 * k) % 100, 1, 1};
        region_subtract(&g, &dot);
    }
    assert_true(region_area(&g) >= 50 * 100 - 40);
}

#define W 64
#define H 48
static uint32_t g_fb[W * H];
static uint32_t g_a[20 * 20], g_b[20 * 20];
static struct surface_px g_sa, g_sb;
static struct scene g_sc;

static void scene_two(bool b_opaque, uint8_t b_alpha)
{
    for (int i = 0; i < 400; i++) {
        g_a[i] = 0xffff0000u;
        g_b[i] = 0xff0000ffu;
    }
    g_sa = (struct surface_px){{10, 10, 20, 20}, g_a, 80, 1, 0, 255, true, true};
    g_sb = (struct surface_px){{20, 20, 20, 20}, g_b, 80, 2, 1, b_alpha, b_opaque, true};
    g_sc = (struct scene){.width = W, .height = H, .pitch = W * 4, .fb = g_fb,
                          .background = 0xff101010u, .n = 2};
    g_sc.s[0] = &g_sb; /* out of order on purpose: scene_sort fixes it */
    g_sc.s[1] = &g_sa;
    scene_sort(&g_sc);
    memset(g_fb, 0, sizeof(g_fb));
}

static void test_plan_occlusion(void **state)
{
    (void)state;
    scene_two(true, 255);
    assert_ptr_equal(g_sc.s[0], &g_sa); /* z 1 below z 2 */
    struct rect d = {0, 0, W, H}, none = {0, 0, 0, 0};
    struct region g;
    compose_plan(&g_sc, 0, &d, &g);
    assert_int_equal(region_area(&g), 400 - 100); /* the 10x10 overlap is hidden */
    compose_plan(&g_sc, 1, &d, &g);
    assert_int_equal(region_area(&g), 400);
    struct rect only_overlap = {20, 20, 10, 10};
    compose_plan(&g_sc, 0, &only_overlap, &g);
    assert_int_equal(g.n, 0); /* nothing of the lower one to draw */
    compose_plan(&g_sc, 0, &none, &g);
    assert_int_equal(g.n, 0);
    /* a translucent upper surface hides nothing */
    scene_two(true, 128);
    compose_plan(&g_sc, 0, &d, &g);
    assert_int_equal(region_area(&g), 400);
    /* nor does one whose pixels carry their own alpha */
    scene_two(false, 255);
    compose_plan(&g_sc, 0, &d, &g);
    assert_int_equal(region_area(&g), 400);
}

static void test_compose_pixels(void **state)
{
    (void)state;
    scene_two(true, 255);
    struct rect d = {0, 0, W, H}, shown;
    compose_damage(&g_sc, &d, &shown);
    assert_int_equal(g_fb[0], 0xff101010u);
    assert_int_equal(g_fb[15 * W + 15], 0xffff0000u);
    assert_int_equal(g_fb[25 * W + 25], 0xff0000ffu); /* the upper one wins the overlap */
    /* only the damage is touched */
    memset(g_fb, 0, sizeof(g_fb));
    struct rect small = {12, 12, 2, 2};
    compose_damage(&g_sc, &small, &shown);
    assert_int_equal(g_fb[12 * W + 12], 0xffff0000u);
    assert_int_equal(g_fb[11 * W + 12], 0);
    assert_int_equal(g_fb[14 * W + 14], 0);
    /* half alpha over red: purple-ish */
    scene_two(true, 128);
    compose_damage(&g_sc, &d, &shown);
    uint32_t p = g_fb[25 * W + 25];
    assert_int_equal((p >> 16) & 0xff, 127);
    assert_int_equal(p & 0xff, 128);
    /* the cursor is on top of everything */
    static const uint32_t cur[4] = {0xffffffffu, 0xffffffffu, 0x00000000u, 0xffffffffu};
    g_sc.cursor.visible = true;
    g_sc.cursor.px = cur;
    g_sc.cursor.w = g_sc.cursor.h = 2;
    g_sc.cursor.x = g_sc.cursor.y = 24;
    compose_damage(&g_sc, &d, &shown);
    assert_int_equal(g_fb[24 * W + 24], 0xffffffffu);
    assert_int_equal(g_fb[25 * W + 24] & 0xffffff, p & 0xffffff); /* transparent cursor pixel */
}

static void test_clip_to_screen(void **state)
{
    (void)state;
    scene_two(true, 255);
    g_sb.geo.x = W - 5; /* hangs off the right edge */
    struct rect d = {W - 10, 0, 100, 100}, shown;
    compose_damage(&g_sc, &d, &shown);
    assert_int_equal(shown.x, W - 10);
    assert_int_equal(shown.w, 10);
    assert_int_equal(shown.h, H);
    assert_int_equal(g_fb[25 * W + W - 1], 0xff0000ffu);
    struct rect off = {-50, -50, 10, 10};
    compose_damage(&g_sc, &off, &shown);
    assert_true(rect_empty(&shown));
}

static void test_hit(void **state)
{
    (void)state;
    scene_two(false, 255);
    assert_int_equal(scene_hit(&g_sc, 25, 25), 1);
    assert_int_equal(scene_hit(&g_sc, 12, 12), 0);
    assert_int_equal(scene_hit(&g_sc, 1, 1), -1);
    g_b[5 * 20 + 5] = 0x000000ffu; /* a transparent pixel of the upper surface */
    assert_int_equal(scene_hit(&g_sc, 25, 25), 0);
    assert_int_equal(scene_hit(&g_sc, 35, 35), 1);
    g_sb.visible = false;
    assert_int_equal(scene_hit(&g_sc, 35, 35), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rects),          cmocka_unit_test(test_region_subtract),
        cmocka_unit_test(test_plan_occlusion), cmocka_unit_test(test_compose_pixels),
        cmocka_unit_test(test_clip_to_screen), cmocka_unit_test(test_hit),
    };
    return cmocka_run_group_tests_name("graphics-compose", tests, NULL, NULL);
}
