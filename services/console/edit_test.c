/*
 * services/console/edit_test.c - line editing, history and session flow, on the host.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "edit.h"

static char g_echo[65536];
static struct edit_out g_out;
static struct edit g_ed;

static void reset_out(void)
{
    g_out = (struct edit_out){.buf = g_echo, .cap = sizeof(g_echo) - 1};
}

static const char *echo(void)
{
    g_echo[g_out.len] = 0;
    return g_echo;
}

/* Feed a string; returns the OR of the events. */
static unsigned type(struct edit *e, const char *s)
{
    unsigned ev = 0;
    for (; *s; s++)
        ev |= edit_feed(e, (unsigned char)*s, &g_out);
    return ev;
}

static void setup_ed(void)
{
    edit_init(&g_ed);
    reset_out();
}

static void test_plain_line(void **state)
{
    (void)state;
    setup_ed();
    assert_int_equal(type(&g_ed, "abc"), EDIT_NONE);
    assert_int_equal(type(&g_ed, "\r"), EDIT_LINE);
    assert_string_equal(g_ed.done, "abc");
    assert_string_equal(echo(), "abc\n");
    assert_int_equal(g_ed.len, 0);
}

static void test_cr_lf_counts_once(void **state)
{
    (void)state;
    setup_ed();
    int lines = 0;
    const char *s = "a\r\nb\n\nc\r\r";
    for (; *s; s++)
        if (edit_feed(&g_ed, (unsigned char)*s, &g_out) & EDIT_LINE)
            lines++;
    assert_int_equal(lines, 5); /* a, b, "", c, "" */
    assert_string_equal(g_ed.done, "");
}

static void test_backspace_and_cursor_moves(void **state)
{
    (void)state;
    setup_ed();
    type(&g_ed, "abd\x7f");
    assert_string_equal(echo(), "abd\b \b");
    type(&g_ed, "c\r");
    assert_string_equal(g_ed.done, "abc");

    setup_ed();
    type(&g_ed, "ac\x1b[Db"); /* left, insert in the middle */
    assert_string_equal(echo(), "ac\bbc\b");
    type(&g_ed, "\n");
    assert_string_equal(g_ed.done, "abc");

    setup_ed();
    type(&g_ed, "bc\x01" "a\x05" "d\n"); /* ^A, ^E */
    assert_string_equal(g_ed.done, "abcd");
    type(&g_ed, "xyz\x1b[H\x1b[3~\x1b[F!\n"); /* Home, Delete, End */
    assert_string_equal(g_ed.done, "yz!");
    type(&g_ed, "12\x1bOH0\x1bOF3\x1b[1~<\x1b[4~>\n");
    assert_string_equal(g_ed.done, "<0123>");
    type(&g_ed, "ab\x02\x02\x02" "c\x06\x06\x06" "d\n"); /* ^B/^F stop at the ends */
    assert_string_equal(g_ed.done, "cabd");
    type(&g_ed, "ab\x1b[D\x08X\n"); /* ^H deletes before the cursor */
    assert_string_equal(g_ed.done, "Xb");
    type(&g_ed, "\x7f\x08\x1b[3~\x1b[D\x1b[Cq\n"); /* edits on an empty line do nothing */
    assert_string_equal(g_ed.done, "q");
}

static void test_kill_line(void **state)
{
    (void)state;
    setup_ed();
    type(&g_ed, "hello\x1b[D\x15");
    assert_int_equal(g_ed.len, 0);
    assert_non_null(strstr(echo(), "\b\b\b\b\x1b[K"));
    type(&g_ed, "bye\n");
    assert_string_equal(g_ed.done, "bye");
}

static void test_history(void **state)
{
    (void)state;
    setup_ed();
    type(&g_ed, "one\ntwo\ntwo\n\n");
    assert_string_equal(edit_history(&g_ed, 0), "two");
    assert_string_equal(edit_history(&g_ed, 1), "one");
    assert_null(edit_history(&g_ed, 2)); /* no duplicate, no empty line */
    type(&g_ed, "thr");
    type(&g_ed, "\x1b[A");
    assert_string_equal(g_ed.buf, "two");
    type(&g_ed, "\x1b[A\x1b[A\x1b[A");
    assert_string_equal(g_ed.buf, "one");
    type(&g_ed, "\x1b[B");
    assert_string_equal(g_ed.buf, "two");
    type(&g_ed, "\x1b[B");
    assert_string_equal(g_ed.buf, "thr"); /* what was being typed comes back */
    type(&g_ed, "\x1b[B\x10\x10\x0e!\n");  /* ^P ^P ^N */
    assert_string_equal(g_ed.done, "two!");
    setup_ed();
    char line[16];
    for (int i = 0; i < EDIT_HISTORY + 10; i++) {
        snprintf(line, sizeof(line), "l%d\n", i);
        type(&g_ed, line);
    }
    assert_int_equal(g_ed.hist_n, EDIT_HISTORY);
    assert_string_equal(edit_history(&g_ed, 0), "l73");
    assert_string_equal(edit_history(&g_ed, EDIT_HISTORY - 1), "l10");
    assert_null(edit_history(&g_ed, EDIT_HISTORY));
}

static void test_interrupt_and_eof(void **state)
{
    (void)state;
    setup_ed();
    assert_int_equal(type(&g_ed, "abc\x03"), EDIT_INTERRUPT);
    assert_int_equal(g_ed.len, 0);
    assert_string_equal(echo(), "abc^C\n");
    assert_int_equal(type(&g_ed, "\x04"), EDIT_EOF);
    assert_string_equal(echo(), "abc^C\n"); /* no echo for the end of input */
    assert_int_equal(type(&g_ed, "last\x04"), EDIT_LINE | EDIT_EOF);
    assert_string_equal(g_ed.done, "last");
}

static void test_long_line_and_escapes(void **state)
{
    (void)state;
    setup_ed();
    for (int i = 0; i < CONSOLE_LINE_MAX + 100; i++)
        edit_feed(&g_ed, 'x', &g_out);
    assert_int_equal(g_ed.len, CONSOLE_LINE_MAX - 1);
    reset_out();
    type(&g_ed, "\n"); /* refused with a word, not cut and run */
    assert_string_equal(g_ed.done, "");
    assert_string_equal(echo(), "\n" EDIT_TOO_LONG_TEXT);
    for (int i = 0; i < CONSOLE_LINE_MAX - 1; i++) /* exactly the limit is a line */
        edit_feed(&g_ed, 'y', &g_out);
    type(&g_ed, "\n");
    assert_int_equal(strlen(g_ed.done), CONSOLE_LINE_MAX - 1);
    /* unknown and over-long sequences are swallowed; ESC + other byte keeps the byte */
    type(&g_ed, "\x1b[99999999999Z\x1b[5~\x1bxa\x1b[\x07y\n");
    assert_string_equal(g_ed.done, "xay");
    type(&g_ed, "\x01\x07\x0b\x0c\x7f\t\xc3\xa9\n"); /* odd controls ignored, tab is a space */
    assert_string_equal(g_ed.done, " \xc3\xa9");
}

static void test_out_overflow_is_counted(void **state)
{
    (void)state;
    edit_init(&g_ed);
    char small[4];
    struct edit_out o = {.buf = small, .cap = sizeof(small)};
    for (const char *s = "abcdef"; *s; s++)
        edit_feed(&g_ed, (unsigned char)*s, &o);
    assert_int_equal(o.len, 4);
    assert_int_equal(o.lost, 2);
    assert_int_equal(g_ed.len, 6);
}

/* Random bytes: the editor's invariants hold and nothing overruns. */
static void test_random_bytes(void **state)
{
    (void)state;
    setup_ed();
    unsigned seed = 7;
    for (int i = 0; i < 200000; i++) {
        seed = seed * 1103515245u + 12345u;
        unsigned char c = (unsigned char)(seed >> 16);
        if ((seed >> 8) % 4 == 0)
            c = "\x1b[ABCDHF~3\x7f\x15\x01\x05\r\n\x03\x04"[(seed >> 20) % 19];
        if (g_out.len > g_out.cap - 4096)
            reset_out();
        edit_feed(&g_ed, c, &g_out);
        assert_true(g_ed.len < CONSOLE_LINE_MAX);
        assert_true(g_ed.cur <= g_ed.len);
        assert_int_equal(strlen(g_ed.buf), g_ed.len);
        assert_true(g_ed.hist_n <= EDIT_HISTORY);
        assert_true(g_ed.hist_pos < (int32_t)g_ed.hist_n);
    }
}

/* ---- sessions */

static char g_events[4096];

static void on_event(void *arg, unsigned ev, const char *line)
{
    (void)arg;
    char one[CONSOLE_LINE_MAX + 16];
    snprintf(one, sizeof(one), "%s%s%s;", ev == EDIT_LINE ? "L:" : ev == EDIT_EOF ? "EOF" : "INT",
             line ? line : "", "");
    strncat(g_events, one, sizeof(g_events) - strlen(g_events) - 1);
}

static struct session g_s;

static void input(const char *s) { session_input(&g_s, s, strlen(s), &g_out); }

static void test_session_flow(void **state)
{
    (void)state;
    reset_out();
    g_events[0] = 0;
    session_init(&g_s, "> ", on_event, NULL);
    input("ls\npwd\n"); /* before the first resume: all type-ahead */
    assert_string_equal(g_events, "");
    assert_string_equal(echo(), "");
    session_resume(&g_s, NULL, &g_out);
    assert_string_equal(g_events, "L:ls;");
    assert_string_equal(echo(), "> ls\n");
    assert_true(g_s.paused);
    input("x"); /* typed while the command runs */
    session_resume(&g_s, "$ ", &g_out);
    assert_string_equal(g_events, "L:ls;L:pwd;");
    assert_string_equal(echo(), "> ls\n$ pwd\n");
    session_resume(&g_s, NULL, &g_out);
    assert_false(g_s.paused);
    assert_string_equal(g_s.ed.buf, "x");
    session_resume(&g_s, NULL, &g_out); /* resuming while reading shows nothing new */
    assert_string_equal(echo(), "> ls\n$ pwd\n$ x");
    input("y\x04");
    assert_string_equal(g_events, "L:ls;L:pwd;L:xy;EOF;");
    assert_true(g_s.paused);
}

static void test_session_interrupt(void **state)
{
    (void)state;
    reset_out();
    g_events[0] = 0;
    session_init(&g_s, "> ", on_event, NULL);
    session_resume(&g_s, NULL, &g_out);
    input("abc\x03"); /* at the prompt: the line goes, the prompt comes back */
    assert_string_equal(g_events, "INT;");
    assert_string_equal(echo(), "> abc^C\n> ");
    assert_false(g_s.paused);
    input("run\n");
    input("junk\x03next\n"); /* while running: ^C overtakes the type-ahead before it */
    assert_string_equal(g_events, "INT;L:run;INT;");
    session_resume(&g_s, NULL, &g_out);
    assert_string_equal(g_events, "INT;L:run;INT;L:next;");
}

/* ^C keeps its place among whole lines: scripts interrupt the command before it. */
static void test_session_interrupt_in_order(void **state)
{
    (void)state;
    reset_out();
    g_events[0] = 0;
    session_init(&g_s, "> ", on_event, NULL);
    input("hang\n\x03" "after\n" "a\nb\n\x03\x03" "c\n"); /* all before the first prompt */
    assert_string_equal(g_events, "");
    session_resume(&g_s, NULL, &g_out);
    assert_string_equal(g_events, "L:hang;INT;"); /* hang's interrupt, at once */
    session_resume(&g_s, NULL, &g_out);
    assert_string_equal(g_events, "L:hang;INT;L:after;");
    session_resume(&g_s, NULL, &g_out);
    assert_string_equal(g_events, "L:hang;INT;L:after;L:a;");
    session_resume(&g_s, NULL, &g_out);
    assert_string_equal(g_events, "L:hang;INT;L:after;L:a;L:b;INT;INT;");
    session_resume(&g_s, NULL, &g_out);
    assert_string_equal(g_events, "L:hang;INT;L:after;L:a;L:b;INT;INT;L:c;");
    assert_string_equal(echo(), "> hang\n^C\n> after\n> a\n> b\n^C\n^C\n> c\n");
    /* while paused, with a whole line typed ahead, a ^C waits behind it */
    input("d\n\x03");
    assert_string_equal(g_events, "L:hang;INT;L:after;L:a;L:b;INT;INT;L:c;");
    session_resume(&g_s, NULL, &g_out);
    assert_string_equal(g_events, "L:hang;INT;L:after;L:a;L:b;INT;INT;L:c;L:d;INT;");
    /* and a ^C right after a line in one chunk, while reading, is that line's */
    session_resume(&g_s, NULL, &g_out);
    input("e\n\x03" "f");
    assert_string_equal(g_events, "L:hang;INT;L:after;L:a;L:b;INT;INT;L:c;L:d;INT;L:e;INT;");
    assert_int_equal(g_s.ahead_len, 1);
}

/* Reading ahead stops at one whole line, so a console restart loses at most that. */
static void test_session_wants_input(void **state)
{
    (void)state;
    reset_out();
    g_events[0] = 0;
    session_init(&g_s, "> ", on_event, NULL);
    assert_true(session_wants_input(&g_s)); /* paused, nothing ahead: look for a ^C */
    input("ab");
    assert_true(session_wants_input(&g_s));
    input("c\r");
    assert_false(session_wants_input(&g_s));
    session_resume(&g_s, NULL, &g_out); /* abc goes: paused again, nothing ahead */
    assert_true(session_wants_input(&g_s));
    session_resume(&g_s, NULL, &g_out);
    assert_true(session_wants_input(&g_s)); /* reading */
    input("\x04");
    assert_true(g_s.paused);
    assert_true(session_wants_input(&g_s));
    input("\x04");
    assert_false(session_wants_input(&g_s)); /* an end of input ahead counts as a line */
}

static void test_session_typeahead_bounded(void **state)
{
    (void)state;
    reset_out();
    g_events[0] = 0;
    session_init(&g_s, "> ", on_event, NULL);
    static char big[EDIT_TYPEAHEAD + 100];
    memset(big, 'a', sizeof(big));
    session_input(&g_s, big, sizeof(big), &g_out);
    assert_int_equal(g_s.ahead_len, EDIT_TYPEAHEAD);
    assert_int_equal(g_s.ahead_lost, 100);
    reset_out();
    session_resume(&g_s, NULL, &g_out);
    assert_int_equal(g_s.ahead_len, 0);
    assert_int_equal(g_s.ed.len, CONSOLE_LINE_MAX - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_line),
        cmocka_unit_test(test_cr_lf_counts_once),
        cmocka_unit_test(test_backspace_and_cursor_moves),
        cmocka_unit_test(test_kill_line),
        cmocka_unit_test(test_history),
        cmocka_unit_test(test_interrupt_and_eof),
        cmocka_unit_test(test_long_line_and_escapes),
        cmocka_unit_test(test_out_overflow_is_counted),
        cmocka_unit_test(test_random_bytes),
        cmocka_unit_test(test_session_flow),
        cmocka_unit_test(test_session_interrupt),
        cmocka_unit_test(test_session_interrupt_in_order),
        cmocka_unit_test(test_session_wants_input),
        cmocka_unit_test(test_session_typeahead_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
