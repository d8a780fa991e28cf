/*
 * desktop/apps/files/copytree_test.c - the folder copy (copytree.c) on the host, over a
 * fake store: a list of paths, each a folder or a file. Names with FAIL cannot be
 * copied, folders with NOMK cannot be made, folders with NOREAD cannot be read.
 *
 * Layer: desktop/apps/files (host test).
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

#include "copytree.h"

#define NODES 4096

static struct {
    char path[COPY_PATH_MAX];
    bool dir;
} g_node[NODES];
static int g_n, g_ops;

static int find(const char *path)
{
    for (int i = 0; i < g_n; i++)
        if (!strcmp(g_node[i].path, path))
            return i;
    return -1;
}

/* The parent folder of path exists ("" is the top). */
static bool parent_ok(const char *path)
{
    char p[COPY_PATH_MAX];
    snprintf(p, sizeof(p), "%s", path);
    char *slash = strrchr(p, '/');
    if (!slash)
        return true;
    *slash = 0;
    int i = find(p);
    return i >= 0 && g_node[i].dir;
}

static int add(const char *path, bool dir)
{
    if (find(path) >= 0)
        return SOS_ERR_ALREADY_EXISTS;
    if (!parent_ok(path))
        return SOS_ERR_NOT_FOUND;
    assert_true(g_n < NODES);
    snprintf(g_node[g_n].path, COPY_PATH_MAX, "%s", path);
    g_node[g_n++].dir = dir;
    return 0;
}

static int fake_list(void *ctx, const char *path, void (*fn)(void *, const char *, bool), void *arg)
{
    (void)ctx;
    int at = find(path);
    if (at < 0 || !g_node[at].dir)
        return SOS_ERR_NOT_FOUND;
    if (strstr(path, "NOREAD"))
        return SOS_ERR_ACCESS_DENIED;
    size_t n = strlen(path);
    for (int i = 0; i < g_n; i++) {
        const char *p = g_node[i].path;
        if (!strncmp(p, path, n) && p[n] == '/' && !strchr(p + n + 1, '/'))
            fn(arg, p + n + 1, g_node[i].dir);
    }
    return 0;
}

static int fake_mkdir(void *ctx, const char *path)
{
    (void)ctx;
    g_ops++;
    return strstr(path, "NOMK") ? SOS_ERR_ACCESS_DENIED : add(path, true);
}

static int fake_copy(void *ctx, const char *from, const char *to)
{
    (void)ctx;
    g_ops++;
    int i = find(from);
    if (i < 0 || g_node[i].dir)
        return SOS_ERR_NOT_FOUND;
    return strstr(from, "FAIL") ? SOS_ERR_IO : add(to, false);
}

static const struct copy_ops g_fake = {NULL, fake_list, fake_mkdir, fake_copy};

static int setup(void **state)
{
    (void)state;
    g_n = g_ops = 0;
    return 0;
}

static void tree(const char *const *paths)
{
    for (; *paths; paths++) {
        size_t n = strlen(*paths);
        char p[COPY_PATH_MAX];
        snprintf(p, sizeof(p), "%.*s", (int)(n && (*paths)[n - 1] == '/' ? n - 1 : n), *paths);
        assert_int_equal(add(p, (*paths)[n - 1] == '/'), 0);
    }
}

static char g_said[400];

static const char *said(const struct copy_report *r, const char *a, const char *b)
{
    copy_tree_say(r, a, b, r->where, g_said, sizeof(g_said));
    return g_said;
}

/* copy_tree refuses with err and why, asking nothing of the store: its line. */
static const char *refused(const char *from, const char *to, int err, enum copy_refusal why)
{
    struct copy_report r;
    assert_int_equal(copy_tree(&g_fake, from, to, &r), err);
    assert_int_equal(r.refused, why);
    assert_int_equal(g_ops, 0);
    return said(&r, from, to);
}

static void copies_a_tree(void **state)
{
    (void)state;
    static const char *const t[] = {"docs/", "docs/a.txt", "docs/sub/", "docs/sub/b.txt", "docs/sub/deep/",
                                    "docs/sub/deep/c.txt", "docs/empty/", NULL};
    tree(t);
    struct copy_report r;
    assert_int_equal(copy_tree(&g_fake, "docs", "copy", &r), 0);
    static const char *const want[] = {"copy", "copy/a.txt", "copy/sub", "copy/sub/b.txt", "copy/sub/deep",
                                       "copy/sub/deep/c.txt", "copy/empty", NULL};
    for (int i = 0; want[i]; i++)
        assert_true(find(want[i]) >= 0);
    assert_true(g_node[find("copy/sub/deep")].dir);
    assert_int_equal(r.total, 6);
    assert_int_equal(r.copied, 6);
    assert_int_equal(r.dirs, 3);
    assert_int_equal(r.files, 3);
    assert_string_equal(said(&r, "docs", "copy"), "copied folder docs to copy: 3 folders, 3 files");
}

static void copies_into_a_sibling_folder_below(void **state)
{
    (void)state;
    static const char *const t[] = {"a/", "a/x", "b/", NULL};
    tree(t);
    struct copy_report r;
    assert_int_equal(copy_tree(&g_fake, "a", "b/a", &r), 0);
    assert_true(find("b/a/x") >= 0);
    assert_string_equal(said(&r, "a", "b/a"), "copied folder a to b/a: 0 folders, 1 file");
    /* a name that only begins like the folder is not inside it */
    assert_false(copy_inside("docs", "docs2"));
    assert_true(copy_inside("docs", "docs"));
    assert_true(copy_inside("docs", "docs/in"));
}

static void refuses_into_itself(void **state)
{
    (void)state;
    static const char *const t[] = {"docs/", "docs/a", NULL};
    tree(t);
    refused("docs", "docs", SOS_ERR_INVALID_ARGS, COPY_INTO_ITSELF);
    assert_string_equal(refused("docs", "docs/inner", SOS_ERR_INVALID_ARGS, COPY_INTO_ITSELF),
                        "cannot copy the folder docs into itself (docs/inner is inside it)");
}

static void refuses_too_many_entries(void **state)
{
    (void)state;
    add("big", true);
    add("big/sub", true);
    char p[64];
    for (int i = 0; i < COPY_ENTRIES_MAX; i++) { /* with sub: one more than the cap */
        snprintf(p, sizeof(p), "big/sub/f%d", i);
        add(p, false);
    }
    assert_string_equal(refused("big", "big2", SOS_ERR_OUT_OF_RANGE, COPY_TOO_MANY),
                        "big holds more than 1000 files and folders: too many to copy here; nothing copied");
    assert_int_equal(find("big2"), -1);
    /* exactly the cap is copied */
    g_n--;
    struct copy_report r;
    assert_int_equal(copy_tree(&g_fake, "big", "big2", &r), 0);
    assert_int_equal(r.copied, COPY_ENTRIES_MAX);
}

/* A chain of `levels` folders below "top" ("top/d/d/..."). */
static void chain(int levels)
{
    char p[COPY_PATH_MAX] = "top";
    add(p, true);
    for (int i = 0; i < levels; i++) {
        strcat(p, "/d");
        add(p, true);
    }
}

static void refuses_too_deep(void **state)
{
    (void)state;
    chain(COPY_DEPTH_MAX + 1);
    assert_string_equal(refused("top", "t2", SOS_ERR_OUT_OF_RANGE, COPY_TOO_DEEP),
                        "top has folders more than 16 levels deep: too deep to copy here; nothing copied");
    setup(NULL);
    chain(COPY_DEPTH_MAX);
    struct copy_report r;
    assert_int_equal(copy_tree(&g_fake, "top", "t2", &r), 0);
    assert_int_equal(r.dirs, COPY_DEPTH_MAX);
    assert_string_equal(said(&r, "top", "t2"), "copied folder top to t2: 16 folders, 0 files");
}

static void refuses_paths_too_long(void **state)
{
    (void)state;
    char name[200];
    memset(name, 'n', sizeof(name) - 1);
    name[sizeof(name) - 1] = 0;
    char p[COPY_PATH_MAX];
    add("f", true);
    snprintf(p, sizeof(p), "f/%s", name);
    add(p, true);
    snprintf(p, sizeof(p), "f/%s/%s", name, name);
    add(p, false);
    /* the source paths fit; below the longer destination they would not */
    char to[200];
    memset(to, 't', sizeof(to) - 1);
    to[sizeof(to) - 1] = 0;
    refused("f", to, SOS_ERR_OUT_OF_RANGE, COPY_PATH_TOO_LONG);
}

static void unreadable_folder_refuses(void **state)
{
    (void)state;
    static const char *const t[] = {"docs/", "docs/a", "docs/NOREAD/", "docs/NOREAD/x", NULL};
    tree(t);
    assert_string_equal(refused("docs", "c", SOS_ERR_ACCESS_DENIED, COPY_UNREADABLE),
                        "copy docs failed: cannot read docs/NOREAD: access denied; nothing copied");
}

static void says_what_failed(void **state)
{
    (void)state;
    static const char *const t[] = {"docs/", "docs/a", "docs/FAIL.txt", "docs/NOMK/", "docs/NOMK/x",
                                    "docs/NOMK/y", "docs/ok/", "docs/ok/z", NULL};
    tree(t);
    struct copy_report r;
    /* the fake lists in the order added: FAIL.txt fails first, then NOMK, whose
     * entries are not tried; the rest is copied */
    assert_int_equal(copy_tree(&g_fake, "docs", "c", &r), SOS_ERR_IO);
    assert_int_equal(r.refused, COPY_OK);
    assert_int_equal(r.total, 7);
    assert_int_equal(r.copied, 3); /* a, ok/, ok/z */
    assert_true(find("c/a") >= 0 && find("c/ok/z") >= 0);
    assert_int_equal(find("c/NOMK/x"), -1);
    assert_string_equal(r.where, "FAIL.txt");
    assert_string_equal(said(&r, "docs", "c"),
                        "copied docs to c partly: 3 of 7 entries; not copied: 4, the first docs/FAIL.txt: "
                        "I/O error");
}

static void existing_destination_makes_nothing(void **state)
{
    (void)state;
    static const char *const t[] = {"docs/", "docs/a", "c/", NULL};
    tree(t);
    struct copy_report r;
    assert_int_equal(copy_tree(&g_fake, "docs", "c", &r), SOS_ERR_ALREADY_EXISTS);
    assert_int_equal(r.copied, 0);
    assert_int_equal(find("c/a"), -1);
    char want[200];
    snprintf(want, sizeof(want), "copy docs to c failed: %s; nothing copied", sos_strerror(SOS_ERR_ALREADY_EXISTS));
    assert_string_equal(said(&r, "docs", "c"), want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(copies_a_tree, setup),
        cmocka_unit_test_setup(copies_into_a_sibling_folder_below, setup),
        cmocka_unit_test_setup(refuses_into_itself, setup),
        cmocka_unit_test_setup(refuses_too_many_entries, setup),
        cmocka_unit_test_setup(refuses_too_deep, setup),
        cmocka_unit_test_setup(refuses_paths_too_long, setup),
        cmocka_unit_test_setup(unreadable_folder_refuses, setup),
        cmocka_unit_test_setup(says_what_failed, setup),
        cmocka_unit_test_setup(existing_destination_makes_nothing, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
