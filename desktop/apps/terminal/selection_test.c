/*
 * desktop/apps/terminal/selection_test.c - selection and paste on the host: a drag
 * forward and back, across lines and past their ends, into the scrollback and kept
 * while the view scrolls, an empty selection, a word, the cap of the output, and a
 * paste's bytes filtered (control bytes dropped, tab and newline kept, CR LF as one
 * newline) and capped at PASTE_MAX.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "selection.h"
#include "vt.h"

static struct vt g_v;
static char g_out[PASTE_MAX + 1];

static void put(const char *s) { vt_write(&g_v, s, strlen(s)); }

/* The text between view cells (r0, c0) and (r1, c1). */
static const char *text(int32_t r0, int32_t c0, int32_t r1, int32_t c1)
{
    struct sel s = {true, sel_at(&g_v, r0, c0), sel_at(&g_v, r1, c1)};
    sel_text(&g_v, &s, g_out, sizeof(g_out));
    return g_out;
}

static void test_one_line(void **state)
{
    (void)state;
    vt_init(&g_v);
    put("serviceos> echo hello world\r\nhello world\r\n");
    assert_string_equal(text(1, 0, 1, 4), "hello");
    assert_string_equal(text(1, 4, 1, 0), "hello"); /* dragged back */
    assert_string_equal(text(1, 6, 1, 90), "world"); /* past the end: no blanks */
    assert_string_equal(text(1, 5, 1, 5), "");       /* one blank cell */
    assert_string_equal(text(0, 50, 0, 99), "");
    assert_string_equal(text(1, 0, 1, 500), "hello world"); /* columns clamped */
    struct sel none = {false, sel_at(&g_v, 0, 0), sel_at(&g_v, 1, 10)};
    assert_int_equal(sel_text(&g_v, &none, g_out, sizeof(g_out)), 0);
    assert_string_equal(g_out, "");
    assert_false(sel_has(&none, none.a.line, 0));
}

static void test_lines(void **state)
{
    (void)state;
    vt_init(&g_v);
    put("first line   \r\n\r\n  third\tx\r\nfourth");
    assert_string_equal(text(0, 6, 3, 2), "line\n\n  third x\nfou");
    assert_string_equal(text(3, 2, 0, 6), "line\n\n  third x\nfou"); /* up and back */
    assert_string_equal(text(0, 0, 1, 99), "first line\n");
    struct sel s = {true, sel_at(&g_v, 2, 4), sel_at(&g_v, 0, 6)};
    assert_true(sel_has(&s, s.b.line, 6));
    assert_true(sel_has(&s, s.b.line + 1, 0));
    assert_true(sel_has(&s, s.a.line, 4));
    assert_false(sel_has(&s, s.a.line, 5));
    assert_false(sel_has(&s, s.b.line, 5));
    assert_int_equal(sel_text(&g_v, &s, g_out, 5), 4); /* cut at the cap */
    assert_string_equal(g_out, "line");
}

static void test_scrollback(void **state)
{
    (void)state;
    vt_init(&g_v);
    char line[32];
    for (int i = 0; i < VT_ROWS + 10; i++) {
        snprintf(line, sizeof(line), "line %d\r\n", i);
        put(line);
    }
    /* the first 11 lines are in the scrollback; scrolled back, the view shows them */
    assert_true(vt_scroll_view(&g_v, 11));
    struct sel s = {true, sel_at(&g_v, 0, 0), sel_at(&g_v, 1, 5)};
    assert_int_equal(s.a.line, 0);
    sel_text(&g_v, &s, g_out, sizeof(g_out));
    assert_string_equal(g_out, "line 0\nline 1");
    vt_scroll_view(&g_v, -11); /* the selection stays on its text */
    sel_text(&g_v, &s, g_out, sizeof(g_out));
    assert_string_equal(g_out, "line 0\nline 1");
    /* from the scrollback into the screen */
    struct sel across = {true, {10, 0}, sel_at(&g_v, 0, 99)};
    sel_text(&g_v, &across, g_out, sizeof(g_out));
    assert_string_equal(g_out, "line 10\nline 11");
    assert_null(sel_line(&g_v, -1));
    assert_null(sel_line(&g_v, (int32_t)g_v.hist_len + g_v.rows));
}

static void test_utf8_and_word(void **state)
{
    (void)state;
    vt_init(&g_v);
    put("caf\xc3\xa9 ok  /tmp/a.txt\r\n");
    assert_string_equal(text(0, 0, 0, 99), "caf?? ok  /tmp/a.txt"); /* a '?' a byte */
    struct sel s;
    assert_true(sel_word(&g_v, sel_at(&g_v, 0, 14), &s));
    sel_text(&g_v, &s, g_out, sizeof(g_out));
    assert_string_equal(g_out, "/tmp/a.txt");
    assert_true(sel_word(&g_v, sel_at(&g_v, 0, 0), &s));
    sel_text(&g_v, &s, g_out, sizeof(g_out));
    assert_string_equal(g_out, "caf??");
    assert_false(sel_word(&g_v, sel_at(&g_v, 0, 9), &s)); /* a blank */
    assert_false(sel_word(&g_v, (struct sel_pos){-5, 0}, &s));
}

static void test_paste_filter(void **state)
{
    (void)state;
    const char in[] = "echo a\tb\x1b[31m\x03\x04\x7f\r\nls\rdate\n\xc3\xa9!";
    size_t n = paste_filter(in, sizeof(in) - 1, g_out);
    g_out[n] = 0;
    assert_string_equal(g_out, "echo a\tb[31m\nls\ndate\n!");
    assert_int_equal(paste_filter("\x01\x02\x1b", 3, g_out), 0);
    static char big[3 * PASTE_MAX];
    memset(big, 'x', sizeof(big));
    assert_int_equal(paste_filter(big, sizeof(big), g_out), PASTE_MAX);
    big[0] = 0x07; /* dropped bytes do not count toward the cap */
    assert_int_equal(paste_filter(big, PASTE_MAX + 1, g_out), PASTE_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_line), cmocka_unit_test(test_lines), cmocka_unit_test(test_scrollback),
        cmocka_unit_test(test_utf8_and_word), cmocka_unit_test(test_paste_filter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
