/*
 * pkg_resolve_test.c - the repository index and dependency resolution: parsing and
 * rejecting indexes, choosing the newest fitting versions, pulling in and upgrading
 * dependencies, refusing what would break an installed package, architectures,
 * removal checks.
 *
 * Layer: tests (host).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <sos/errors.h>

#include "pkg.h"

#define H "0000000000000000000000000000000000000000000000000000000000000000"

static const char g_index[] =
    "format=1\n"
    "package=app 1.0 any " H " 100 packages/app-1.0.pkg\n"
    "depends=app lib >=1 <2\n"
    "description=app The application\n"
    "package=app 2.0 any " H " 100 packages/app-2.0.pkg\n"
    "depends=app lib >=2\n"
    "channel=app testing\n"
    "package=arm 1 aarch64 " H " 1 packages/arm-1.pkg\n"
    "package=base 1 any " H " 1 packages/base-1.pkg\n"
    "package=lib 1.0 any " H " 10 packages/lib-1.0.pkg\n"
    "package=lib 1.5 any " H " 10 packages/lib-1.5.pkg\n"
    "depends=lib base\n"
    "package=lib 2.1 any " H " 10 packages/lib-2.1.pkg\n"
    "depends=lib base >=3\n";

static struct pkg_index g_ix;

static void load(void)
{
    struct errmsg err = {0};
    if (pkg_index_parse(g_index, strlen(g_index), &g_ix, &err))
        fail_msg("%s", err.msg);
}

static struct pkg_version V(const char *s)
{
    struct pkg_version v;
    assert_int_equal(pkg_version_parse(s, strlen(s), &v, NULL), 0);
    return v;
}

static void test_index(void **state)
{
    load();
    assert_int_equal(g_ix.count, 7);
    const struct pkg_avail *a = pkg_index_find(&g_ix, "app", NULL);
    assert_string_equal(a->version_text, "2.0");
    assert_int_equal(a->channel, PKG_CHANNEL_TESTING);
    assert_string_equal(pkg_channel_name(a->channel), "testing");
    struct pkg_version one = V("1");
    a = pkg_index_find(&g_ix, "app", &one);
    assert_int_equal(a->channel, PKG_CHANNEL_STABLE); /* no channel= line */
    assert_string_equal(a->path, "packages/app-1.0.pkg");
    assert_string_equal(a->description, "The application");
    assert_int_equal(a->dep_count, 1);
    assert_null(pkg_index_find(&g_ix, "nope", NULL));
    static char text[PKG_INDEX_TEXT_MAX];
    static struct pkg_index again;
    size_t n = 0;
    struct errmsg err = {0};
    assert_int_equal(pkg_index_format(&g_ix, text, sizeof text, &n), 0);
    assert_int_equal(pkg_index_parse(text, n, &again, &err), 0);
    assert_memory_equal(&again, &g_ix, sizeof again);
    assert_int_equal(pkg_index_format(&g_ix, text, 100, &n), SOS_ERR_BUFFER_TOO_SMALL);
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"package=a 1 any " H " 1 p\n", "index:1: the index must start with format="},
        {"format=2\n", "index:1: format=1 must come once, first"},
        {"format=1\npackage=a 1 any " H " 1\n",
         "index:2: package= takes NAME VERSION ARCH SHA256 SIZE PATH"},
        {"format=1\npackage=a 1 any " H " 1 p\ndepends=b c\n",
         "index:3: depends= names a package other than the one above"},
        {"format=1\npackage=a 1 any " H " 1 p\npackage=a 1.0 any " H " 1 p\n",
         "index:3: a 1.0: packages must be in name and version order, each version once"},
        {"format=1\npackage=a 1 any XYZ 1 p\n", "index:2: SHA-256 must be 64 lower-case"},
        {"format=1\npackage=a 1 any " H " -1 p\n", "index:2: size must be a decimal"},
        {"format=1\npackage=a 1 any " H " 1 ../p\n", "index:2: "},
        {"format=1\nfoo=1\n", "index:2: unknown key"},
        {"format=1\npackage=a 1 any " H " 1 p\ndescription=a x\ndescription=a y\n",
         "index:4: description given twice for a"},
        {"format=1\npackage=b 1 any " H " 1 p\npackage=a 1 any " H " 1 p\n",
         "index:3: a 1: packages must be in name and version order, each version once"},
        {"", "index: empty (no format= line)"},
        {"format=1\npackage=a 1 any " H " 1 p\nchannel=a unstable\n",
         "index:3: unknown channel (stable or testing)"},
        {"format=1\npackage=a 1 any " H " 1 p\nchannel=b testing\n",
         "index:3: channel= names a package other than the one above"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_true(pkg_index_parse(bad[i].text, strlen(bad[i].text), &g_ix, &err) < 0);
        if (strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)))
            fail_msg("case %zu: '%s'", i, err.msg);
        assert_int_equal(g_ix.count, 0);
    }
}

static void plan_is(const struct pkg_plan *p, const char *want)
{
    char got[256] = "";
    for (uint32_t i = 0; i < p->count; i++)
        snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s-%s", i ? " " : "",
                 p->step[i]->name, p->step[i]->version_text);
    assert_string_equal(got, want);
}

static struct pkg_have have_of(const char *name, const char *version)
{
    struct pkg_version v = V(version);
    const struct pkg_avail *a = pkg_index_find(&g_ix, name, &v);
    assert_non_null(a);
    struct pkg_have h = {.version = a->version, .dep_count = a->dep_count};
    strcpy(h.name, a->name);
    memcpy(h.dep, a->dep, sizeof h.dep);
    return h;
}

static void test_resolve(void **state)
{
    load();
    struct pkg_plan plan;
    struct errmsg err = {0};
    /* Newest app needs lib >=2; lib 2.1 needs base >=3, which no repository has. */
    assert_int_equal(pkg_resolve(&g_ix, NULL, 0, "app", NULL, "x86_64", &plan, &err),
                     SOS_ERR_NOT_FOUND);
    assert_string_equal(err.msg, "lib needs 'base >=3': no version in the repository meets "
                                 "it and every other package's dependency on base");
    struct pkg_version one = V("1.0");
    assert_int_equal(pkg_resolve(&g_ix, NULL, 0, "app", &one, "x86_64", &plan, &err), 0);
    plan_is(&plan, "base-1 lib-1.5 app-1.0");
    /* Installed lib 1.0 is kept when it fits... */
    struct pkg_have have[3] = {have_of("lib", "1.0")};
    assert_int_equal(pkg_resolve(&g_ix, have, 1, "app", &one, "x86_64", &plan, &err), 0);
    plan_is(&plan, "app-1.0");
    /* ...and updating lib alone goes to 2.1 only if nothing installed forbids it. */
    have[1] = have_of("app", "1.0");
    have[2] = have_of("base", "1");
    assert_int_equal(pkg_resolve(&g_ix, have, 3, "lib", NULL, "x86_64", &plan, &err), 0);
    plan_is(&plan, "lib-1.5");
    struct pkg_version v21 = V("2.1");
    assert_int_equal(pkg_resolve(&g_ix, have, 3, "lib", &v21, "x86_64", &plan, &err),
                     SOS_ERR_BAD_STATE);
    assert_string_equal(err.msg, "lib 2.1 would break app, which needs 'lib >=1 <2'");
    /* Already the newest that fits: nothing to do. */
    have[0] = have_of("lib", "1.5");
    assert_int_equal(pkg_resolve(&g_ix, have, 3, "lib", NULL, "x86_64", &plan, &err), 0);
    assert_int_equal(plan.count, 0);
    assert_int_equal(pkg_resolve(&g_ix, NULL, 0, "ghost", NULL, "x86_64", &plan, &err),
                     SOS_ERR_NOT_FOUND);
    assert_string_equal(err.msg, "no package 'ghost' in the repository");
}

static void test_arch_and_remove(void **state)
{
    load();
    struct pkg_plan plan;
    struct errmsg err = {0};
    assert_int_equal(pkg_resolve(&g_ix, NULL, 0, "arm", NULL, "aarch64", &plan, &err), 0);
    plan_is(&plan, "arm-1");
    assert_int_equal(pkg_resolve(&g_ix, NULL, 0, "arm", NULL, "x86_64", &plan, &err),
                     SOS_ERR_NOT_FOUND);
    struct pkg_version one = V("1");
    assert_int_equal(pkg_resolve(&g_ix, NULL, 0, "arm", &one, "x86_64", &plan, &err),
                     SOS_ERR_NOT_SUPPORTED);
    assert_string_equal(err.msg, "arm 1 is for aarch64, this machine is x86_64");
    struct pkg_have have[2] = {have_of("lib", "1.5"), have_of("base", "1")};
    assert_int_equal(pkg_check_remove(have, 2, "base", &err), SOS_ERR_BAD_STATE);
    assert_string_equal(err.msg, "base is needed by lib");
    assert_int_equal(pkg_check_remove(have, 2, "lib", &err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_index),
        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_arch_and_remove),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
