/*
 * services/storage/resolve_test.c - confinement: a handle on /home/app reaches nothing
 * outside it, whatever the path says (.., //, ./, trailing slashes, names with NUL or
 * slash tricks, very deep paths); and ordinary paths resolve.
 *
 * Layer: services host tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <sos/errors.h>

#include "fs/test/memdev.h"
#include "resolve.h"

static struct memdev g_md;
static struct sfs *g_fs;
static uint64_t g_home, g_app, g_x, g_other, g_secret;

static uint64_t mk(uint64_t dir, const char *name, uint32_t type)
{
    uint64_t ino;
    assert_int_equal(sfs_create(g_fs, dir, name, strlen(name), type, &ino), 0);
    return ino;
}

static int setup(void **state)
{
    (void)state;
    memdev_init(&g_md, 256);
    struct sfs_msg m;
    assert_int_equal(sfs_format(&g_md.dev, 1, &m), 0);
    assert_int_equal(sfs_mount(&g_md.dev, 0, &g_fs, &m), 0);
    g_home = mk(SFS_ROOT_INO, "home", SFS_DIR);
    g_app = mk(g_home, "app", SFS_DIR);
    g_x = mk(g_app, "x", SFS_DIR);
    mk(g_x, "f", SFS_FILE);
    g_other = mk(g_home, "other", SFS_DIR);
    g_secret = mk(g_other, "secret", SFS_FILE);
    mk(SFS_ROOT_INO, "state", SFS_DIR);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sfs_drop(g_fs);
    memdev_free(&g_md);
    return 0;
}

static int r(const char *p, uint64_t *ino)
{
    const char *name;
    size_t nl;
    return resolve(g_fs, g_app, p, strlen(p), false, ino, &name, &nl);
}

static void test_inside(void **state)
{
    (void)state;
    uint64_t ino;
    assert_int_equal(r("x", &ino), 0);
    assert_int_equal(ino, g_x);
    assert_int_equal(r("/x/", &ino), 0);
    assert_int_equal(ino, g_x);
    assert_int_equal(r("", &ino), 0);
    assert_int_equal(ino, g_app);
    assert_int_equal(r("x/..", &ino), 0);
    assert_int_equal(ino, g_app);
    assert_int_equal(r("./x/./../x//f", &ino), 0);
}

static void test_no_escape(void **state)
{
    (void)state;
    const char *tricks[] = {
        "..", "../", "/..", "../other/secret", "x/../../other/secret", "./../..",
        "x/../../../..", "//..", "x/f/../../..", "/../../../../home/other/secret",
        "x/./../.././other", ".../other", "..\\other", "x/..//..", "../app/../other/secret",
    };
    for (unsigned i = 0; i < sizeof(tricks) / sizeof(tricks[0]); i++) {
        uint64_t ino = 0;
        int err = r(tricks[i], &ino);
        if (err == 0 && ino != g_app && ino != g_x)
            fail_msg("'%s' resolved to inode %llu, outside the handle", tricks[i], (unsigned long long)ino);
        assert_int_not_equal(ino, g_secret);
        assert_int_not_equal(ino, g_other);
        assert_int_not_equal(ino, g_home);
        assert_int_not_equal(ino, SFS_ROOT_INO);
    }
    /* an embedded NUL cuts nothing short: it is an invalid name */
    uint64_t ino;
    const char *name;
    size_t nl;
    assert_int_equal(resolve(g_fs, g_app, "x\0/../../other", 14, false, &ino, &name, &nl),
                     SOS_ERR_INVALID_ARGS);
    /* parent mode: the last name is never '..' or '.' */
    assert_int_equal(resolve(g_fs, g_app, "x/..", 4, true, &ino, &name, &nl), SOS_ERR_INVALID_ARGS);
    assert_int_equal(resolve(g_fs, g_app, "..", 2, true, &ino, &name, &nl), SOS_ERR_INVALID_ARGS);
    assert_int_equal(resolve(g_fs, g_app, "", 0, true, &ino, &name, &nl), SOS_ERR_INVALID_ARGS);
    assert_int_equal(resolve(g_fs, g_app, "../other/secret", 15, true, &ino, &name, &nl),
                     SOS_ERR_ACCESS_DENIED);
    assert_int_equal(resolve(g_fs, g_app, "x/new", 5, true, &ino, &name, &nl), 0);
    assert_int_equal(ino, g_x);
    assert_int_equal(nl, 3);
}

static void test_deep(void **state)
{
    (void)state;
    char p[4096];
    size_t n = 0;
    for (int i = 0; i < 1000; i++)
        n += (size_t)snprintf(p + n, sizeof(p) - n, "x/");
    uint64_t ino;
    assert_int_not_equal(r(p, &ino), 0); /* x/x does not exist: refused, no overflow */
    n = 0;
    for (int i = 0; i < 800; i++)
        n += (size_t)snprintf(p + n, sizeof(p) - n, "x/../");
    assert_int_equal(r(p, &ino), 0);
    assert_int_equal(ino, g_app);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_inside, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_escape, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deep, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
