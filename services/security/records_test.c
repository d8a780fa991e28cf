/*
 * services/security/records_test.c - the package service's trust records read by the
 * security service: fields found by their whole key on their own line only, cut to fit,
 * absent ones empty; the repository summary; changes between two looks (added, changed,
 * removed, nothing) and malformed summaries (a damaged file read back) never read past
 * their text.
 *
 * Layer: host unit test (CMocka).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "records.h"

static const char *const g_text =
    "repo\tname=test\turl=file:test\troot=1\tkeys=f63a:root+targets\n"
    "pkg\tname=greeter\tversion=1\trepo=test\tkeys=f63a\tlisted=yes\n"
    "repo\tname=other\turl=http://x/y\troot=2\tkeys=aa:root,bb:targets\n";

static void test_fields(void **state)
{
    (void)state;
    char out[32];
    const char *pkg = strchr(g_text, '\n') + 1;
    assert_string_equal(sec_record_field(g_text, "name", out, sizeof out), "test");
    assert_string_equal(sec_record_field(g_text, "keys", out, sizeof out), "f63a:root+targets");
    assert_string_equal(sec_record_field(pkg, "name", out, sizeof out), "greeter");
    assert_string_equal(sec_record_field(pkg, "listed", out, sizeof out), "yes");
    /* a field of the next line is not this line's */
    assert_string_equal(sec_record_field(g_text, "version", out, sizeof out), "");
    /* a key is matched whole: "key" is not "keys", "ur" not "url" */
    assert_string_equal(sec_record_field(g_text, "key", out, sizeof out), "");
    assert_string_equal(sec_record_field(g_text, "ur", out, sizeof out), "");
    /* the kind is not a field */
    assert_string_equal(sec_record_field(g_text, "repo", out, sizeof out), "");
    /* cut to fit */
    char small[5];
    assert_string_equal(sec_record_field(g_text, "url", small, sizeof small), "file");
    /* the last line without a line end; an empty value; no tab at all */
    assert_string_equal(sec_record_field("pkg\tname=x\tpolicy=", "policy", out, sizeof out), "");
    assert_string_equal(sec_record_field("pkg\tname=x", "name", out, sizeof out), "x");
    assert_string_equal(sec_record_field("garbage", "name", out, sizeof out), "");
}

static void test_summary(void **state)
{
    (void)state;
    char out[256];
    size_t n = sec_repo_summary(g_text, out, sizeof out);
    assert_string_equal(out, "test file:test 1 f63a:root+targets\n"
                             "other http://x/y 2 aa:root,bb:targets\n");
    assert_int_equal(n, strlen(out));
    /* too small for the second line: only whole lines */
    char small[40];
    n = sec_repo_summary(g_text, small, sizeof small);
    assert_string_equal(small, "test file:test 1 f63a:root+targets\n");
    assert_int_equal(n, strlen(small));
    assert_int_equal(sec_repo_summary("pkg\tname=x\n", out, sizeof out), 0);
    assert_string_equal(out, "");
}

struct seen {
    char lines[8][96];
    int n;
};

static void note(void *ctx, const char *what, const char *name, size_t nl, const char *rest,
                 size_t rl)
{
    struct seen *s = ctx;
    assert_true(s->n < 8);
    snprintf(s->lines[s->n++], sizeof s->lines[0], "%s %.*s [%.*s]", what, (int)nl, name,
             (int)rl, rest);
}

/* The changes from was to now, joined with "; ". */
static const char *changes(const char *was, const char *now)
{
    static char out[400];
    struct seen s = {.n = 0};
    sec_repo_changes(was, now, note, &s);
    out[0] = 0;
    for (int i = 0; i < s.n; i++)
        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", i ? "; " : "", s.lines[i]);
    return out;
}

static void test_changes(void **state)
{
    (void)state;
    assert_string_equal(changes("", "test file:test 1 k1\n"), "added test [file:test 1 k1]");
    assert_string_equal(changes("test file:test 1 k1\nold u 1 k\n", "test file:test 2 k2\n"),
                        "changed test [file:test 2 k2]; removed old []");
    /* the order alone is no change */
    assert_string_equal(changes("a u 1 k\nb u 1 k\n", "b u 1 k\na u 1 k\n"), "");
    /* a name that is the start of another is another repository */
    assert_string_equal(changes("test u 1 k\n", "tes u 1 k\ntest u 1 k\n"), "added tes [u 1 k]");
    /* a line grown longer is a change (not a prefix match) */
    assert_string_equal(changes("test u 1 k\n", "test u 1 kk\n"), "changed test [u 1 kk]");
    /* damaged summaries: a word alone, empty lines, no line end */
    assert_string_equal(changes("lonely\n\n\nx", "lonely\nx y"), "changed x [y]");
}

/* Every prefix of a summary compared with every prefix of another, each a fresh heap
 * copy: ASan sees any read past the text. */
static void test_cut_anywhere(void **state)
{
    (void)state;
    const char *a = "test file:test 1 k1\nold u 1 k\n", *b = "test file:test 2 k2\nnew v 3 q\n";
    for (size_t i = 0; i <= strlen(a); i++)
        for (size_t j = 0; j <= strlen(b); j++) {
            char *x = strndup(a, i), *y = strndup(b, j);
            struct seen s = {.n = 0};
            sec_repo_changes(x, y, note, &s);
            assert_true(s.n <= 4);
            free(x);
            free(y);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_changes),
        cmocka_unit_test(test_cut_anywhere),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
