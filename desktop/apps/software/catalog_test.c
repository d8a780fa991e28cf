/*
 * desktop/apps/software/catalog_test.c - the software center's catalog (catalog.c) fed
 * with the package service's records as they arrive: encoded as the service encodes
 * them and decoded by the client library (client/pkgrec.h), on the host. Versions in
 * order, the newest offered kept with its repository, installed versions and the
 * state, a search's catalog taking installed versions only for its own names, and the
 * details: what is offered where, the provenance of an installed package and the trust
 * state of its repository.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <sl/ipc.h>

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

static uint8_t g_buf[16384];

/* The records through a PKG_PACKAGES reply and its decoder, into c. */
static void feed(struct catalog *c, const struct pkgc_package *p, uint32_t n, bool offered, bool add)
{
    static struct pkgc_package page[PKG_PAGE_MAX];
    struct sl_msg m;
    sl_msg_begin(&m, g_buf, sizeof g_buf, NULL, 0, PKG_PACKAGES);
    sl_msg_put_u32(&m, 0);
    sl_msg_put_u32(&m, n);
    for (uint32_t i = 0; i < n; i++)
        pkgc_package_put(&m, &p[i]);
    uint32_t got = 0, next = 1;
    assert_int_equal(pkgc_packages_decode(m.bytes, m.len, page, &got, &next), 0);
    assert_int_equal(got, n);
    assert_int_equal(next, 0);
    for (uint32_t i = 0; i < got; i++)
        offered ? cat_add_offered(c, &page[i]) : cat_add_installed(c, &page[i], add);
}

static const struct pkgc_package g_offered[] = {
    {.name = "greet-data", .version = "1", .desc = "Greetings in several languages (data only)", .repo = "test",
     .size = 700},
    {.name = "hello", .version = "1.0", .desc = "The hello program and its message", .repo = "test",
     .flags = PKG_PACKAGE_INSTALLED, .installed = "1.0", .size = 8000},
    {.name = "hello", .version = "1.1", .desc = "The hello program and its message", .repo = "test",
     .installed = "1.0", .size = 8100, .depends = "greet-data >=1"},
    {.name = "hellowin", .version = "1", .desc = "Hello window: a packaged desktop app", .repo = "apps",
     .size = 9000},
};

static const struct pkgc_package g_installed[] = {
    {.name = "hello", .version = "1.0", .desc = "The hello program and its message", .repo = "test",
     .flags = PKG_PACKAGE_INSTALLED, .installed = "1.0"},
    {.name = "local", .version = "3", .desc = "Installed from a repository removed since",
     .flags = PKG_PACKAGE_INSTALLED, .installed = "3"},
};

static void test_states(void **state)
{
    (void)state;
    struct catalog c = {0};
    feed(&c, g_offered, 4, true, true);
    assert_int_equal(c.n, 3);
    feed(&c, g_installed, 2, false, true);
    assert_int_equal(c.n, 4);
    const struct cat_entry *h = cat_find(&c, "hello");
    assert_non_null(h);
    assert_string_equal(h->newest, "1.1");
    assert_string_equal(h->installed, "1.0");
    assert_string_equal(h->desc, "The hello program and its message");
    assert_int_equal(h->size, 8100);
    assert_string_equal(h->depends, "greet-data >=1");
    assert_int_equal(cat_state(h), CAT_UPDATE);
    assert_int_equal(cat_state(cat_find(&c, "hellowin")), CAT_AVAILABLE);
    assert_string_equal(cat_find(&c, "hellowin")->repo, "apps");
    assert_int_equal(cat_state(cat_find(&c, "local")), CAT_INSTALLED);
    assert_string_equal(cat_find(&c, "local")->repo, "");
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
    feed(&c, &g_offered[3], 1, true, true);
    feed(&c, g_installed, 1, false, false); /* hello: not one of the search's */
    assert_int_equal(c.n, 1);
    assert_int_equal(cat_state(&c.e[0]), CAT_AVAILABLE);
    feed(&c, &g_offered[2], 1, true, true); /* an offered record says what is installed */
    assert_int_equal(cat_state(cat_find(&c, "hello")), CAT_UPDATE);
    for (int i = 0; i < 40; i++) { /* more than CAT_MAX: the rest is left out */
        struct pkgc_package p = {.version = "1", .desc = "a package", .repo = "test"};
        snprintf(p.name, sizeof p.name, "p%d", i);
        cat_add_offered(&c, &p);
    }
    assert_int_equal(c.n, CAT_MAX);
}

/* The records through a PKG_TRUST reply and its decoder. */
static void trust_of(struct pkgc_trust *t, const struct pkgc_origin *o)
{
    static const struct pkgc_repo repos[2] = {
        {.name = "test", .url = "http://repo.test:8080/", .root_version = 1, .expires = 4102444800ull,
         .snapshot = 1, .targets = 1, .packages = 5, .clock = PKG_CLOCK_VALID, .keys = "00aa:root"},
        {.name = "apps", .url = "http://repo.test:8080/apps/", .root_version = 1, .expires = 4102444800ull,
         .snapshot = 1, .targets = 1, .packages = 1, .clock = PKG_CLOCK_NONE, .keys = "00aa:root+targets"},
    };
    struct sl_msg m;
    sl_msg_begin(&m, g_buf, sizeof g_buf, NULL, 0, PKG_TRUST);
    sl_msg_put_u32(&m, 2);
    pkgc_repo_put(&m, &repos[0]);
    pkgc_repo_put(&m, &repos[1]);
    sl_msg_put_u32(&m, o ? 1 : 0);
    if (o)
        pkgc_origin_put(&m, o);
    assert_int_equal(pkgc_trust_decode(m.bytes, m.len, t), 0);
}

static void test_details(void **state)
{
    (void)state;
    static struct pkgc_trust t;
    static char out[4096];
    struct catalog c = {0};
    feed(&c, g_offered, 4, true, true);
    trust_of(&t, NULL);
    cat_details(cat_find(&c, "hellowin"), &t, out, sizeof out);
    assert_non_null(strstr(out, "hellowin: Hello window: a packaged desktop app\ninstalled: no   offered: 1\n"
                                "hellowin 1 in apps (9000 bytes)\ntrust of its repository:\n"
                                "apps  http://repo.test:8080/apps/\n"));
    assert_non_null(strstr(out, "\n  last verified: snapshot 1, 1 packages (targets 1)\n"));
    assert_null(strstr(out, "repo.test:8080/\n")); /* not the other repository's */
    assert_null(strstr(out, "provenance"));
    /* installed from test: its provenance, and test's trust */
    struct pkgc_origin o = {.name = "hello", .version = "1.0", .flags = PKG_ORIGIN_RECORDED, .repo = "test",
                            .url = "http://repo.test:8080/", .root_version = 1, .keys = "00aa",
                            .verified = "snapshot 1, targets 1", .generation = 2, .who = "shell",
                            .sha256 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"};
    trust_of(&t, &o);
    cat_details(cat_find(&c, "hello"), &t, out, sizeof out);
    assert_non_null(strstr(out, "provenance of hello 1.0:\n  from test (http://repo.test:8080/), root version 1, "
                                "keys 00aa\n  verified snapshot 1, targets 1; package sha256 0123456789abcdef...\n"
                                "  installed in generation 2 by shell\n  still listed by its repository: no\n"));
    assert_non_null(strstr(out, "trust of its repository:\ntest  http://repo.test:8080/\n"));
    assert_non_null(strstr(out, "hello 1.1 in test (8100 bytes)\ndepends on greet-data >=1\n"));
    o.flags = 0; /* installed before provenance was recorded */
    trust_of(&t, &o);
    cat_details(cat_find(&c, "hello"), &t, out, sizeof out);
    assert_non_null(strstr(out, "  provenance not recorded\n"));
    cat_details(cat_find(&c, "hello"), NULL, out, 64); /* no trust; room for one line only */
    assert_string_equal(out, "hello: The hello program and its message\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_versions), cmocka_unit_test(test_states),
        cmocka_unit_test(test_search_keeps_its_names), cmocka_unit_test(test_details),
    };
    return cmocka_run_group_tests_name("software-catalog", tests, NULL, NULL);
}
