/*
 * desktop/apps/software/catalog_test.c - the software center's reading of the package
 * service's reports (catalog.c), on the host: versions in order, the newest offered
 * kept, installed versions and the state, lines that are no package, a search's
 * catalog taking installed versions only for its own names, the trust block of one
 * repository, the repository a PKG_SHOW names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "catalog.h"

static void test_versions(void **state)
{
    (void)state;
    assert_true(cat_version_cmp("1.10", "1.9") > 0);
    assert_true(cat_version_cmp("1.0", "1.1") < 0);
    assert_int_equal(cat_version_cmp("2", "2"), 0);
    assert_true(cat_version_cmp("1.0-rc1", "1.0") > 0);
    assert_true(cat_version_cmp("", "1") < 0);
}

static const char *g_offered = "greet-data       1          Greetings in several languages (data only)\n"
                               "hello            1.0        The hello program and its message [installed]\n"
                               "hello            1.1        The hello program and its message\n"
                               "hellowin         1          Hello window: a packaged desktop app\n";

static void test_states(void **state)
{
    (void)state;
    struct catalog c = {0};
    cat_add_offered(&c, g_offered);
    cat_add_offered(&c, "(none)\nnothing matches zz\n");
    assert_int_equal(c.n, 3);
    cat_add_installed(&c, "hello            1.0        The hello program and its message\n"
                          "local            3          Installed from a repository removed since\n", true);
    assert_int_equal(c.n, 4);
    const struct cat_entry *h = cat_find(&c, "hello");
    assert_non_null(h);
    assert_string_equal(h->newest, "1.1");
    assert_string_equal(h->installed, "1.0");
    assert_string_equal(h->desc, "The hello program and its message");
    assert_int_equal(cat_state(h), CAT_UPDATE);
    assert_int_equal(cat_state(cat_find(&c, "hellowin")), CAT_AVAILABLE);
    assert_int_equal(cat_state(cat_find(&c, "local")), CAT_INSTALLED);
    char row[128];
    cat_row(h, row, sizeof row);
    assert_string_equal(row, "hello  1.0  update to 1.1");
    cat_row(cat_find(&c, "hellowin"), row, sizeof row);
    assert_string_equal(row, "hellowin  1  available");
    assert_null(cat_find(&c, "nope"));
}

static void test_search_keeps_its_names(void **state)
{
    (void)state;
    struct catalog c = {0};
    cat_add_offered(&c, "hellowin         1          Hello window: a packaged desktop app\n");
    cat_add_installed(&c, "hello            1.0        The hello program and its message\n", false);
    assert_int_equal(c.n, 1);
    assert_int_equal(cat_state(&c.e[0]), CAT_AVAILABLE);
    for (int i = 0; i < 40; i++) { /* more than CAT_MAX: the rest is left out */
        char line[64];
        snprintf(line, sizeof line, "p%d 1 a package\n", i);
        cat_add_offered(&c, line);
    }
    assert_int_equal(c.n, CAT_MAX);
}

static void test_trust_and_show(void **state)
{
    (void)state;
    const char *trust = "test  http://repo.test:8080/\n"
                        "  root version 1, expires 4102444800\n"
                        "  last verified: snapshot 1, 5 packages\n"
                        "testing  http://repo.test:8080/apps/\n"
                        "  root version 1, expires 4102444800\n"
                        "  last verified: snapshot 1, 1 packages\n";
    char out[512], repo[64];
    assert_true(cat_trust_block(trust, "testing", out, sizeof out));
    assert_string_equal(out, "testing  http://repo.test:8080/apps/\n  root version 1, expires 4102444800\n"
                             "  last verified: snapshot 1, 1 packages\n");
    assert_true(cat_trust_block(trust, "test", out, sizeof out)); /* not "testing" */
    assert_non_null(strstr(out, "5 packages"));
    assert_null(strstr(out, "apps"));
    assert_false(cat_trust_block(trust, "other", out, sizeof out));
    assert_true(cat_show_repo("hellowin 1 in apps (9000 bytes)\n", repo, sizeof repo));
    assert_string_equal(repo, "apps");
    assert_true(cat_show_repo("hello 1.0 Greetings in text [installed]\n  from test (http://x/), root\n", repo,
                              sizeof repo));
    assert_string_equal(repo, "test");
    assert_false(cat_show_repo("(nothing)\n", repo, sizeof repo));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_versions), cmocka_unit_test(test_states),
        cmocka_unit_test(test_search_keeps_its_names), cmocka_unit_test(test_trust_and_show),
    };
    return cmocka_run_group_tests_name("software-catalog", tests, NULL, NULL);
}
