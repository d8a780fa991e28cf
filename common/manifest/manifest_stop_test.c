/*
 * manifest_stop_test.c - the stop order (power-off, reboot): a service is stopped
 * before the services it depends on and before those it looks up at run time, and a
 * cycle of lookups is broken the same way every time.
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

#include "manifest.h"

static struct manifest_set *g_set;
static struct manifest_plan g_plan;
static uint8_t g_order[MANIFEST_MAX_SERVICES];

static int setup(void **state)
{
    (void)state;
    g_set = malloc(sizeof *g_set);
    manifest_set_init(g_set);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(g_set);
    return 0;
}

/* Parses and plans text, then computes the stop order into g_order. */
static void stop_order(const char *text)
{
    struct errmsg err = {0};
    if (manifest_parse(g_set, "s.svc", text, strlen(text), &err) ||
        manifest_validate(g_set, NULL, 0, &err) || manifest_plan(g_set, &g_plan, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(manifest_stop_order(g_set, &g_plan, g_order), g_set->count);
    uint32_t seen[MANIFEST_MAX_SERVICES] = {0};
    for (uint32_t k = 0; k < g_set->count; k++)
        assert_int_equal(seen[g_order[k]]++, 0); /* each service once */
}

/* Position of the named service in the stop order. */
static uint32_t pos(const char *name)
{
    for (uint32_t k = 0; k < g_set->count; k++)
        if (!strcmp(g_set->svc[g_order[k]].name, name))
            return k;
    fail_msg("%s not in the stop order", name);
    return 0;
}

static void assert_order(const char *const *names, unsigned n)
{
    for (unsigned k = 0; k < n; k++)
        if (strcmp(g_set->svc[g_order[k]].name, names[k]))
            fail_msg("stop %u: %s, expected %s", k, g_set->svc[g_order[k]].name, names[k]);
}

/* The desktop's shape: it depends on nothing (it is started on demand) but looks up
 * graphics, session, status and config, so the start plan puts it in the first wave
 * and the reverse of the plan alone would stop it after them. */
static void test_lookups_order_the_stop(void **state)
{
    (void)state;
    stop_order("service=log\nimage=a\n"
               "service=config\nimage=a\ndepends=log\n"
               "service=status\nimage=a\ndepends=config\n"
               "service=session\nimage=a\n"
               "service=graphics\nimage=a\nlookup=session:read\n"
               "service=desktop\nimage=a\nlookup=graphics:read\nlookup=session:read\n"
               "lookup=status:read\nlookup=config:read\nlookup=rootmgr:read\n"
               "service=terminal\nimage=a\nlookup=graphics:read\nlookup=session:read\n");
    const char *before[][2] = {
        {"desktop", "graphics"}, {"desktop", "session"}, {"desktop", "status"},
        {"desktop", "config"},   {"terminal", "graphics"}, {"terminal", "session"},
        {"graphics", "session"}, {"status", "config"},    {"config", "log"},
    };
    for (unsigned k = 0; k < sizeof before / sizeof before[0]; k++)
        if (pos(before[k][0]) > pos(before[k][1]))
            fail_msg("%s is stopped after %s", before[k][0], before[k][1]);
    /* otherwise the reverse of the plan (log session graphics desktop terminal | config |
     * status): the later started first */
    const char *want[] = {"terminal", "desktop", "status", "config", "graphics", "session",
                          "log"};
    assert_order(want, 7);
}

/* a and b look each other up: the cycle is broken by the reverse of the start plan
 * (the later started is stopped first); a dependency outranks a lookup against it. */
static void test_lookup_cycles(void **state)
{
    (void)state;
    stop_order("service=a\nimage=a\nlookup=b:read\n"
               "service=b\nimage=a\nlookup=a:read\n"
               "service=c\nimage=a\ndepends=d\nlookup=e:read\n"
               "service=d\nimage=a\nlookup=c:read\n"
               "service=e\nimage=a\nlookup=c:read\n");
    /* plan: wave 0 a b d e, wave 1 c. c depends on d, so it stops first although d looks
     * it up; c and e look each other up: c is the later started, it goes first */
    const char *want[] = {"c", "e", "d", "b", "a"};
    assert_order(want, 5);
    /* the same input gives the same order */
    uint8_t again[MANIFEST_MAX_SERVICES];
    manifest_stop_order(g_set, &g_plan, again);
    assert_memory_equal(again, g_order, g_set->count);
}

/* A service looking itself up, or up the root manager, orders nothing; an empty set
 * stops nothing. */
static void test_self_root_and_empty(void **state)
{
    (void)state;
    struct errmsg err = {0};
    assert_int_equal(manifest_plan(g_set, &g_plan, &err), 0);
    assert_int_equal(manifest_stop_order(g_set, &g_plan, g_order), 0);
    stop_order("service=x\nimage=a\nlookup=x:read\nlookup=rootmgr:read\n"
               "service=y\nimage=a\n");
    const char *want[] = {"y", "x"};
    assert_order(want, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lookups_order_the_stop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookup_cycles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_self_root_and_empty, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
