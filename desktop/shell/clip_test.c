/*
 * desktop/shell/clip_test.c - host test of the desktop's clipboard checks (clip.c):
 * text is set and kept; too large and not text are refused with their errors and
 * leave the clipboard as it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <sos/errors.h>

#include "clip.h"

static struct clip g_c;

static void test_set_and_keep(void **state)
{
    (void)state;
    assert_int_equal(clip_set(&g_c, "echo hi", 7), 0);
    assert_string_equal(g_c.text, "echo hi");
    assert_int_equal(g_c.len, 7);
    assert_int_equal(clip_set(&g_c, "gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xf0\x9f\x98\x80\n\tx", 17), 0);
    assert_int_equal(g_c.len, 17);
    assert_int_equal(clip_set(&g_c, "", 0), 0); /* empty is a clipboard too */
    assert_int_equal(g_c.len, 0);
    assert_string_equal(g_c.text, "");
}

static void test_too_large(void **state)
{
    (void)state;
    static char big[DESKTOP_CLIP_MAX + 2];
    memset(big, 'a', sizeof(big) - 1);
    assert_int_equal(clip_set(&g_c, "kept", 4), 0);
    assert_int_equal(clip_set(&g_c, big, DESKTOP_CLIP_MAX + 1), SOS_ERR_OUT_OF_RANGE);
    assert_string_equal(g_c.text, "kept");
    assert_int_equal(clip_set(&g_c, big, DESKTOP_CLIP_MAX), 0); /* exactly the most */
    assert_int_equal(g_c.len, DESKTOP_CLIP_MAX);
}

static void test_not_text(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        uint32_t len;
    } bad[] = {
        {"a\0b", 3},             /* NUL */
        {"\xff", 1},             /* never in UTF-8 */
        {"\xc3", 1},             /* cut short */
        {"\xc3(", 2},            /* not a continuation */
        {"\xc0\xaf", 2},         /* overlong '/' */
        {"\xe0\x80\xaf", 3},     /* overlong, three bytes */
        {"\xed\xa0\x80", 3},     /* a surrogate */
        {"\xf4\x90\x80\x80", 4}, /* past U+10FFFF */
        {"ok\x80", 3},           /* a lone continuation */
    };
    assert_int_equal(clip_set(&g_c, "kept", 4), 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(clip_is_text(bad[i].s, bad[i].len));
        assert_int_equal(clip_set(&g_c, bad[i].s, bad[i].len), SOS_ERR_INVALID_ARGS);
    }
    assert_string_equal(g_c.text, "kept");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_and_keep),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_not_text),
    };
    return cmocka_run_group_tests_name("desktop-clip", tests, NULL, NULL);
}
