/*
 * desktop/toolkit/icons_test.c - the toolkit's icons on the host: every icon, at two
 * sizes, draws something and nothing outside its square; no two icons draw the same
 * picture; an icon scales with the size asked; the detail colour is used; icons that
 * do not exist (or a tiny size) draw nothing; an icon partly off the canvas is
 * clipped; applications' names pick their icons, anything else the generic one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <tk/icons.h>

#define CW 64
#define BG 0xff102030u
#define FG 0xffe0e0e0u
#define DETAIL 0xff3465a4u

static uint32_t g_px[CW * CW];
static struct tk_canvas g_c = {g_px, CW, CW, CW * 4};

static void clear(void)
{
    for (int i = 0; i < CW * CW; i++)
        g_px[i] = BG;
}

/* Pixels changed inside (x, y, size) and outside it. */
static void changed(int32_t x, int32_t y, int32_t size, int *in, int *out)
{
    *in = *out = 0;
    for (int j = 0; j < CW; j++)
        for (int i = 0; i < CW; i++)
            if (g_px[j * CW + i] != BG)
                ++*(i >= x && j >= y && i < x + size && j < y + size ? in : out);
}

static void test_each_icon_in_its_box(void **state)
{
    (void)state;
    static const int32_t sizes[] = {16, 24};
    for (int icon = TK_ICON_NONE + 1; icon < TK_ICON_COUNT; icon++)
        for (size_t k = 0; k < 2; k++) {
            clear();
            int in, out;
            tk_icon_draw(&g_c, icon, 5, 7, sizes[k], FG, DETAIL);
            changed(5, 7, sizes[k], &in, &out);
            if (out || in < sizes[k] * sizes[k] / 12)
                fail_msg("icon %s at %d: %d pixels drawn in its box, %d outside", tk_icon_name(icon), sizes[k],
                         in, out);
        }
}

static void test_icons_differ(void **state)
{
    (void)state;
    static uint32_t seen[TK_ICON_COUNT][CW * CW];
    for (int a = TK_ICON_NONE + 1; a < TK_ICON_COUNT; a++) {
        clear();
        tk_icon_draw(&g_c, a, 0, 0, 24, FG, DETAIL);
        memcpy(seen[a], g_px, sizeof(g_px));
        for (int b = TK_ICON_NONE + 1; b < a; b++) {
            int diff = 0;
            for (int i = 0; i < CW * CW; i++)
                diff += seen[a][i] != seen[b][i];
            if (diff < 24)
                fail_msg("%s and %s differ in only %d pixels", tk_icon_name(a), tk_icon_name(b), diff);
        }
    }
}

static void test_scales_and_uses_detail(void **state)
{
    (void)state;
    int small, big, out, detail = 0;
    clear();
    tk_icon_draw(&g_c, TK_ICON_TERMINAL, 0, 0, 24, FG, DETAIL);
    changed(0, 0, 24, &small, &out);
    for (int i = 0; i < CW * CW; i++)
        detail += g_px[i] == DETAIL;
    clear();
    tk_icon_draw(&g_c, TK_ICON_TERMINAL, 0, 0, 48, FG, DETAIL);
    changed(0, 0, 48, &big, &out);
    assert_true(big > 3 * small && big < 5 * small); /* twice the size: four times the pixels */
    assert_true(detail > 0);                        /* the prompt is in the detail colour */
}

static void test_nothing_drawn(void **state)
{
    (void)state;
    int in, out;
    clear();
    tk_icon_draw(&g_c, TK_ICON_NONE, 0, 0, 24, FG, DETAIL);
    tk_icon_draw(&g_c, TK_ICON_COUNT, 0, 0, 24, FG, DETAIL);
    tk_icon_draw(&g_c, (enum tk_icon)-1, 0, 0, 24, FG, DETAIL);
    tk_icon_draw(&g_c, TK_ICON_CLOSE, 0, 0, 3, FG, DETAIL);
    tk_icon_draw(&g_c, TK_ICON_CLOSE, 0, 0, -24, FG, DETAIL);
    changed(0, 0, CW, &in, &out);
    assert_int_equal(in, 0);
    assert_string_equal(tk_icon_name(TK_ICON_COUNT), "?");
    assert_string_equal(tk_icon_name(TK_ICON_NONE), "none");
}

static void test_clipped(void **state)
{
    (void)state;
    uint32_t px[10 * 10];
    for (int i = 0; i < 100; i++)
        px[i] = BG;
    struct tk_canvas c = {px, 10, 10, 40};
    tk_icon_draw(&c, TK_ICON_MAXIMISE, -12, -12, 24, FG, DETAIL); /* its bottom right corner shows */
    tk_icon_draw(&c, TK_ICON_CLOSE, 500, 500, 24, FG, DETAIL);    /* all of it off the canvas */
    int drawn = 0;
    for (int i = 0; i < 100; i++)
        drawn += px[i] != BG;
    assert_true(drawn > 0);
}

static void test_for_app(void **state)
{
    (void)state;
    assert_int_equal(tk_icon_for_app("terminal"), TK_ICON_TERMINAL);
    assert_int_equal(tk_icon_for_app("files"), TK_ICON_FILES);
    assert_int_equal(tk_icon_for_app("settings"), TK_ICON_SETTINGS);
    assert_int_equal(tk_icon_for_app("monitor"), TK_ICON_MONITOR);
    assert_int_equal(tk_icon_for_app("software"), TK_ICON_SOFTWARE);
    assert_int_equal(tk_icon_for_app("system-console"), TK_ICON_CONSOLE);
    assert_int_equal(tk_icon_for_app("hellowin"), TK_ICON_APP);
    assert_int_equal(tk_icon_for_app("terminalx"), TK_ICON_APP);
    assert_int_equal(tk_icon_for_app(""), TK_ICON_APP);
    assert_int_equal(tk_icon_for_app(NULL), TK_ICON_APP);
    assert_string_equal(tk_icon_name(tk_icon_for_app("files")), "files");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_icon_in_its_box), cmocka_unit_test(test_icons_differ),
        cmocka_unit_test(test_scales_and_uses_detail), cmocka_unit_test(test_nothing_drawn),
        cmocka_unit_test(test_clipped), cmocka_unit_test(test_for_app),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
