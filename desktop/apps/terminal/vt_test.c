/*
 * desktop/apps/terminal/vt_test.c - the terminal's screen on the host: text and line
 * wrap, CR/LF/backspace/tab, colours (SGR, bold brightening, reset), cursor movement
 * and erasing as the console's line editor sends them, scrolling into the scrollback
 * and the view over it, and garbage that must not crash or escape the grid.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <sos/object.h>

#include "keys.h"
#include "vt.h"

static struct vt g_v;

static const char *row(int32_t r)
{
    static char s[VT_MAX_COLS + 1];
    vt_line_text(&g_v, vt_view_line(&g_v, r), s);
    return s;
}

static void put(const char *s) { vt_write(&g_v, s, strlen(s)); }

static void test_text_and_controls(void **state)
{
    (void)state;
    vt_init(&g_v);
    put("serviceos> servicez\b \bs\nok\tx\r\nab\rA");
    assert_string_equal(row(0), "serviceos> services");
    assert_string_equal(row(1), "ok      x");
    assert_string_equal(row(2), "Ab");
    assert_int_equal(g_v.cy, 2);
    assert_int_equal(g_v.cx, 1);
    char wide[VT_COLS + 6];
    memset(wide, 'w', sizeof(wide) - 1);
    wide[sizeof(wide) - 1] = 0;
    put("\n");
    put(wide); /* 5 columns too many: they wrap */
    assert_int_equal(strlen(row(3)), VT_COLS);
    assert_string_equal(row(4), "wwwww");
}

static void test_colours(void **state)
{
    (void)state;
    vt_init(&g_v);
    put("\x1b[31mred\x1b[0m \x1b[1;32mgreen\x1b[m \x1b[44;97mX\x1b[39;49mY");
    const struct vt_line *l = vt_view_line(&g_v, 0);
    assert_int_equal(l->c[0].fg, 1);
    assert_int_equal(l->c[3].fg, VT_DEFAULT_FG);
    assert_int_equal(l->c[4].fg, 10); /* bold green: the bright one */
    assert_int_equal(l->c[10].fg, 15);
    assert_int_equal(l->c[10].bg, 4);
    assert_int_equal(l->c[11].fg, VT_DEFAULT_FG);
    assert_int_equal(l->c[11].bg, VT_DEFAULT_BG);
    assert_int_equal(vt_color(1, false), 0xffcc0000u);
    put("\x1b[1mB");
    assert_int_equal(l->c[12].fg, VT_BOLD_FG); /* bold default text: its own index */
    /* the default colours follow the theme, apart from black (30) and white (37) */
    assert_int_not_equal(vt_color(VT_DEFAULT_BG, false), vt_color(VT_DEFAULT_BG, true));
    assert_int_equal(vt_color(VT_DEFAULT_BG, true), 0xfffafafau);
    assert_int_not_equal(vt_color(0, true), vt_color(VT_DEFAULT_BG, true));
    assert_int_equal(vt_color(255, true), vt_color(255 % VT_PALETTE, true));
}

static void test_cursor_and_erase(void **state)
{
    (void)state;
    vt_init(&g_v);
    put("one\ntwo\nthree");
    put("\x1b[2;2H*\x1b[A\x1b[C+\x1b[3G\x1b[K");
    assert_string_equal(row(0), "on");
    assert_string_equal(row(1), "t*o");
    put("\x1b[1;1H\x1b[J");
    assert_string_equal(row(0), "");
    assert_string_equal(row(2), "");
    put("abcdef\x1b[3D\x1b[1K");
    assert_string_equal(row(0), "    ef");
    put("\x1b[99;999Hz\x1b[999A\x1b[999D\x1b[2J"); /* far outside: clamped */
    assert_int_equal(g_v.cx, 0);
    assert_int_equal(g_v.cy, 0);
}

static void test_scrollback(void **state)
{
    (void)state;
    vt_init(&g_v);
    char line[32];
    for (int i = 0; i < VT_ROWS + 10; i++) {
        snprintf(line, sizeof(line), "line %d\n", i);
        put(line);
    }
    assert_int_equal(g_v.hist_len, 11);
    assert_string_equal(row(0), "line 11");
    assert_true(vt_scroll_view(&g_v, 5));
    assert_string_equal(row(0), "line 6");
    vt_scroll_view(&g_v, 100);
    assert_int_equal(g_v.view, 11);
    assert_string_equal(row(0), "line 0");
    put("x"); /* output: back to the live screen */
    assert_int_equal(g_v.view, 0);
    for (int i = 0; i < 2 * VT_HISTORY; i++)
        put("more\n");
    assert_int_equal(g_v.hist_len, VT_HISTORY);
}

static void test_garbage(void **state)
{
    (void)state;
    vt_init(&g_v);
    char junk[4096];
    uint32_t x = 7;
    for (size_t i = 0; i < sizeof(junk); i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (char)(x >> 16);
    }
    for (int round = 0; round < 50; round++)
        vt_write(&g_v, junk, sizeof(junk));
    put("\x1b[99999999999999;;;;;;;;;;;;;;;;9m\x1b[");
    assert_true(g_v.cx >= 0 && g_v.cx <= VT_COLS);
    assert_true(g_v.cy >= 0 && g_v.cy < VT_ROWS);
}

static void test_keys(void **state)
{
    (void)state;
    char b[4];
    assert_int_equal(key_bytes(4, 0, b), 1);
    assert_int_equal(b[0], 'a');
    key_bytes(4, SOS_INPUT_MOD_SHIFT, b);
    assert_int_equal(b[0], 'A');
    key_bytes(4, SOS_INPUT_MOD_CAPS, b);
    assert_int_equal(b[0], 'A');
    key_bytes(6, SOS_INPUT_MOD_CTRL, b);
    assert_int_equal(b[0], 0x03); /* ^C */
    key_bytes(30, SOS_INPUT_MOD_SHIFT, b);
    assert_int_equal(b[0], '!');
    key_bytes(56, SOS_INPUT_MOD_SHIFT, b);
    assert_int_equal(b[0], '?');
    key_bytes(45, 0, b);
    assert_int_equal(b[0], '-');
    assert_int_equal(key_bytes(82, 0, b), 3);
    assert_memory_equal(b, "\x1b[A", 3);
    key_bytes(40, 0, b);
    assert_int_equal(b[0], '\r');
    assert_int_equal(key_bytes(50, 0, b), 0);  /* non-US # */
    assert_int_equal(key_bytes(0, 0, b), 0);
    assert_int_equal(key_bytes(9999, 0, b), 0);
}

/* A smaller grid keeps the cursor's row in sight (the rows above go to the scrollback),
 * wraps at the new width; a larger one is blank where it grew. */
static void test_resize(void **state)
{
    (void)state;
    vt_init(&g_v);
    for (int i = 0; i < 8; i++) {
        char l[16];
        snprintf(l, sizeof(l), "line %d\n", i);
        put(l);
    }
    put("serviceos> x");
    vt_resize(&g_v, 20, 5);
    assert_int_equal(g_v.cols, 20);
    assert_int_equal(g_v.rows, 5);
    assert_int_equal(g_v.cy, 4);
    assert_string_equal(row(4), "serviceos> x");
    assert_string_equal(row(3), "line 7");
    assert_string_equal(row(0), "line 4");
    assert_true(vt_scroll_view(&g_v, 1)); /* line 3 went to the scrollback */
    assert_string_equal(row(0), "line 3");
    vt_scroll_view(&g_v, -1);
    put("yyyyyyyyyy"); /* past column 20: wraps */
    assert_string_equal(row(3), "serviceos> xyyyyyyyy");
    assert_string_equal(row(4), "yy");
    vt_resize(&g_v, 40, 12);
    assert_int_equal(g_v.rows, 12);
    assert_string_equal(row(11), "");
    put("z");
    assert_string_equal(row(4), "yyz"); /* the cursor stayed where it was */
    vt_resize(&g_v, 100000, -5); /* clamped */
    assert_int_equal(g_v.cols, VT_MAX_COLS);
    assert_int_equal(g_v.rows, 3);
    assert_true(g_v.cy < 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_and_controls), cmocka_unit_test(test_colours),
        cmocka_unit_test(test_cursor_and_erase), cmocka_unit_test(test_scrollback),
        cmocka_unit_test(test_garbage), cmocka_unit_test(test_keys), cmocka_unit_test(test_resize),
    };
    return cmocka_run_group_tests_name("terminal-vt", tests, NULL, NULL);
}
