/*
 * desktop/apps/files/text_test.c - host test of the files app's pure logic (text.c):
 * text or binary (NUL, bytes that are not UTF-8, control bytes, too large), names
 * with odd bytes shown escaped and cut to fit, and the editor's buffer (insert,
 * delete, moving by lines and columns over UTF-8, the view of a line, the size limit),
 * also fed random bytes and random keys.
 *
 * Layer: tests (host, CMocka).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text.h"

static struct editor g_ed;

static void test_check(void **state)
{
    (void)state;
    char why[96];
    assert_int_equal(text_check("hello\n\tw\xc3\xa9rld\r\n", 15, why, sizeof(why)), 0);
    assert_int_equal(text_check("ab\0c", 4, why, sizeof(why)), -1);
    assert_string_equal(why, "a NUL byte at offset 2: not text");
    assert_int_equal(text_check("\x89PNG", 4, why, sizeof(why)), -1);
    assert_string_equal(why, "byte 0x89 at offset 0 is not UTF-8: not text");
    assert_int_equal(text_check("a\xc3", 2, why, sizeof(why)), -1); /* cut in a sequence */
    assert_int_equal(text_check("\xc0\x80", 2, why, sizeof(why)), -1); /* overlong */
    assert_int_equal(text_check("a\x01", 2, why, sizeof(why)), -1);
    assert_string_equal(why, "control byte 0x01 at offset 1: not text");
    static char big[TEXT_MAX + 1];
    memset(big, 'a', sizeof(big));
    assert_int_equal(text_check(big, TEXT_MAX, why, sizeof(why)), 0);
    assert_int_equal(text_check(big, TEXT_MAX + 1, why, sizeof(why)), -1);
    assert_string_equal(why, "65537 bytes: more than the editor takes (65536)");
}

static void test_names(void **state)
{
    (void)state;
    char out[32];
    text_name("notes.txt", out, sizeof(out));
    assert_string_equal(out, "notes.txt");
    text_name("caf\xc3\xa9", out, sizeof(out));
    assert_string_equal(out, "caf\xc3\xa9");
    text_name("odd\xff\x01name\x7f", out, sizeof(out));
    assert_string_equal(out, "odd\\xff\\x01name\\x7f");
    text_name("a-very-long-name-that-does-not-fit-here", out, 16);
    assert_string_equal(out, "a-very-long-...");
    text_name("\xff\xff\xff\xff\xff", out, 12);
    assert_string_equal(out, "\\xff\\xff...");
    text_name("x", out, 2); /* too small for anything: empty, terminated */
    assert_string_equal(out, "");
}

static void view(uint32_t line, uint32_t from, uint32_t cols, const char *want)
{
    char out[64];
    ed_view(&g_ed, line, from, cols, out, sizeof(out));
    assert_string_equal(out, want);
}

static void cursor(uint32_t line, uint32_t col)
{
    uint32_t l, c;
    ed_cursor(&g_ed, &l, &c);
    assert_int_equal(l, line);
    assert_int_equal(c, col);
}

static void test_editor(void **state)
{
    (void)state;
    ed_load(&g_ed, "h\xc3\xa9llo\nwo\trld\n\nend", 18);
    assert_int_equal(ed_lines(&g_ed), 4);
    view(0, 0, 10, "h\xc3\xa9llo");
    view(1, 0, 10, "wo rld");
    view(0, 1, 2, "\xc3\xa9l");
    view(9, 0, 10, "");
    ed_end(&g_ed);
    cursor(0, 5);
    ed_down(&g_ed, 1);
    cursor(1, 5);
    ed_down(&g_ed, 1); /* an empty line: column 0, then back to 5 */
    cursor(2, 0);
    ed_down(&g_ed, 1);
    cursor(3, 3);
    ed_up(&g_ed, 3);
    cursor(0, 5);
    ed_home(&g_ed);
    ed_right(&g_ed);
    ed_right(&g_ed); /* over the two bytes of é at once */
    cursor(0, 2);
    ed_backspace(&g_ed);
    view(0, 0, 10, "hllo");
    assert_true(g_ed.dirty);
    assert_true(ed_insert(&g_ed, 'e'));
    assert_true(ed_insert(&g_ed, '\n'));
    view(0, 0, 10, "he");
    view(1, 0, 10, "llo");
    ed_delete(&g_ed);
    view(1, 0, 10, "lo");
    ed_up(&g_ed, 100);
    ed_down(&g_ed, 100);
    cursor(4, 0);
    ed_end(&g_ed);
    ed_delete(&g_ed); /* at the end: nothing */
    assert_int_equal(g_ed.len, 17);
}

static void test_limit(void **state)
{
    (void)state;
    static char big[TEXT_MAX];
    memset(big, 'x', sizeof(big));
    ed_load(&g_ed, big, sizeof(big));
    assert_false(ed_insert(&g_ed, 'y'));
    assert_int_equal(g_ed.len, TEXT_MAX);
    ed_backspace(&g_ed); /* at the start: nothing */
    assert_int_equal(g_ed.len, TEXT_MAX);
}

/* Random bytes and random keys: bounds hold, the cursor stays on a character. */
static void test_random(void **state)
{
    (void)state;
    srand(7);
    char buf[512], out[64], why[96];
    for (int round = 0; round < 300; round++) {
        size_t n = (size_t)(rand() % (int)sizeof(buf));
        for (size_t i = 0; i < n; i++)
            buf[i] = (char)(rand() % 4 ? "ab\n\xc3\xa9\t"[rand() % 6] : rand());
        text_check(buf, n, why, sizeof(why));
        buf[n] = 0;
        text_name(buf, out, sizeof(out));
        assert_true(strlen(out) < sizeof(out));
        ed_load(&g_ed, buf, n);
        for (int k = 0; k < 200; k++) {
            switch (rand() % 9) {
            case 0: ed_insert(&g_ed, "x\n\t"[rand() % 3]); break;
            case 1: ed_backspace(&g_ed); break;
            case 2: ed_delete(&g_ed); break;
            case 3: ed_left(&g_ed); break;
            case 4: ed_right(&g_ed); break;
            case 5: ed_up(&g_ed, (uint32_t)(rand() % 3)); break;
            case 6: ed_down(&g_ed, (uint32_t)(rand() % 3)); break;
            case 7: ed_home(&g_ed); break;
            default: ed_end(&g_ed); break;
            }
            assert_true(g_ed.cur <= g_ed.len && g_ed.len <= TEXT_MAX);
            ed_view(&g_ed, (uint32_t)(rand() % 8), (uint32_t)(rand() % 8), 20, out, sizeof(out));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check),  cmocka_unit_test(test_names),  cmocka_unit_test(test_editor),
        cmocka_unit_test(test_limit),  cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
