/*
 * services/storage/ops_test.c - the storage service's request handlers (ops*.c) on the
 * host, over sosfs on an in-memory device: confinement and revocation.
 *
 * Confinement: a client holding only a directory handle on /home/app cannot reach
 * anything outside it by any path trick ('..', absolute paths, '//', '.', long chains,
 * names with NUL or '/', the boot store's mount point), through any request (open, stat,
 * readdir, mkdir, unlink, rename); rights only shrink when a handle is passed on (open,
 * clone, mint); a connection without manage reaches only its own directories.
 * Revocation: NODE_REVOKE on a revoker reaches every handle minted under it and derived
 * from those, whoever holds them, at once, and nothing else.
 * I/O errors and malformed requests: ops_errors_test.c (run from main here).
 *
 * The harness (fakes, requests, the store) is ops_test_fixture.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ops_test_fixture.h"

static const char *const g_tricks[] = {
    "..", "../", "/..", "../secret", "/../secret", "./../secret", "//..//secret", "..//secret",
    "sub/../../secret", "sub/../../../secret", "sub/deep/../../../secret", "./sub/./../..",
    "/home/secret", "//home/secret", "home/secret", "/rootfile", "../../rootfile",
    "../app/../secret", "sub/../sub/../../secret", "...", ".../secret", "..\\secret",
    "/boot", "/boot/bin/hello", "boot/../../secret", "../../boot/bin/hello", "/../boot/bin/hello",
};

/* Each trick is refused, or names something inside app (never outside). */
static void test_confined_open(void **state)
{
    (void)state;
    sos_handle_t app = app_handle(STORAGE_R_ALL);
    char chain[8192];
    for (size_t i = 0; i < sizeof(g_tricks) / sizeof(g_tricks[0]) + 3; i++) {
        const char *path = NULL;
        size_t len;
        if (i < sizeof(g_tricks) / sizeof(g_tricks[0])) {
            path = g_tricks[i];
            len = strlen(path);
        } else if (i == sizeof(g_tricks) / sizeof(g_tricks[0])) { /* a long chain down and up */
            size_t n = 0;
            for (int k = 0; k < 200; k++)
                n += (size_t)snprintf(chain + n, sizeof(chain) - n, "sub/../");
            snprintf(chain + n, sizeof(chain) - n, "../secret");
            path = chain;
            len = strlen(chain);
        } else if (i == sizeof(g_tricks) / sizeof(g_tricks[0]) + 1) { /* deeper than the stack */
            size_t n = 0;
            for (int k = 0; k < 300; k++)
                n += (size_t)snprintf(chain + n, sizeof(chain) - n, "./");
            for (int k = 0; k < 300; k++)
                n += (size_t)snprintf(chain + n, sizeof(chain) - n, "../");
            path = chain;
            len = strlen(chain);
        } else { /* a NUL inside the name */
            path = "inside\0/../../secret";
            len = 20;
        }
        uint32_t ords[] = {NODE_OPEN, NODE_STAT, NODE_READDIR};
        for (size_t k = 0; k < 3; k++) {
            int err;
            if (ords[k] == NODE_OPEN) {
                sos_handle_t h;
                err = open_h(app, path, len, STORAGE_R_ALL, 0, &h);
                if (!err) {
                    struct node *n = node_by_handle(h);
                    assert_int_not_equal(n->kind, NODE_BOOT);
                    assert_true(inside_app(n->ino));
                    close_h(h);
                }
            } else {
                err = one_path(app, ords[k], path, len);
                if (!err && ords[k] == NODE_READDIR) /* app's own listing has no "secret" */
                    assert_false(has_bytes(g_q.reply.bytes, g_q.reply.len, "secret"));
            }
            if (strstr(path, "secret") || strstr(path, "rootfile") || strstr(path, "hello"))
                assert_int_not_equal(err, 0);
        }
        /* whatever mkdir, unlink and rename do with it, nothing outside changes */
        one_path(app, NODE_MKDIR, path, len);
        one_path(app, NODE_UNLINK, path, len);
        if (len == strlen(path)) {
            rename_h(app, "inside", path);
            rename_h(app, path, "stolen");
        }
        uint64_t ino;
        assert_int_equal(sfs_lookup(g_st.fs, g_home, "secret", 6, &ino), 0);
        assert_int_equal(ino, g_secret);
        assert_int_equal(sfs_lookup(g_st.fs, SFS_ROOT_INO, "rootfile", 8, &ino), 0);
        struct sfs_dirent de;
        uint64_t pos = 0;
        int names = 0;
        while (sfs_readdir(g_st.fs, g_home, &pos, &de) == 0)
            names++;
        assert_int_equal(names, 2); /* secret, app: nothing new beside app */
        pos = 0;
        names = 0;
        while (sfs_readdir(g_st.fs, SFS_ROOT_INO, &pos, &de) == 0)
            names++;
        assert_int_equal(names, 6);
    }
    assert_int_equal(g_bundle_calls, 0); /* the boot store was never even looked at */
    /* creating with a name holding '/' or NUL, or '..' as the last name: refused */
    sos_handle_t h;
    assert_int_not_equal(open_h(app, "../x", 4, STORAGE_R_ALL, STORAGE_O_CREATE, &h), 0);
    assert_int_not_equal(open_h(app, "x\0y", 3, STORAGE_R_ALL, STORAGE_O_CREATE, &h), 0);
    assert_int_not_equal(open_h(app, "..", 2, STORAGE_R_ALL, STORAGE_O_CREATE, &h), 0);
    assert_int_not_equal(one_path(app, NODE_MKDIR, "sub/../..", 9), 0);
    uint64_t ino;
    assert_int_equal(sfs_lookup(g_st.fs, g_home, "x", 1, &ino), SOS_ERR_NOT_FOUND);
    /* what is inside stays reachable by the same tricks that stay inside */
    assert_int_equal(open_h(app, "sub/../sub/./deep", 17, STORAGE_R_READ, 0, &h), 0);
    close_h(h);
    assert_int_equal(open_h(app, "//./fresh", 9, STORAGE_R_ALL, STORAGE_O_CREATE, &h), 0);
    assert_int_equal(sfs_lookup(g_st.fs, g_app, "fresh", 5, &ino), 0);
    assert_int_equal(node_by_handle(h)->ino, ino);
    close_h(h);
}

/* Rights only shrink when a handle is passed on: open, clone and mint. */
static void test_rights_reduce(void **state)
{
    (void)state;
    sos_handle_t app = app_handle(STORAGE_R_ALL), ro, f, again, minted, rv;
    assert_int_equal(clone_h(app, STORAGE_R_ENUMERATE | STORAGE_R_READ, &ro), 0);
    assert_int_equal(node_by_handle(ro)->rights, STORAGE_R_ENUMERATE | STORAGE_R_READ);
    assert_int_equal(open_h(ro, "new", 3, STORAGE_R_ALL, STORAGE_O_CREATE, &f), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(one_path(ro, NODE_MKDIR, "d", 1), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(one_path(ro, NODE_UNLINK, "inside", 6), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(rename_h(ro, "inside", "x"), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(open_h(app, "inside", 6, STORAGE_R_ALL, 0, &f), 0);
    assert_int_equal(write_h(f, "keep"), 0);
    assert_int_equal(open_h(ro, "inside", 6, STORAGE_R_ALL, STORAGE_O_TRUNC, &f), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(open_h(ro, "inside", 6, STORAGE_R_ALL, 0, &f), 0);
    assert_int_equal(node_by_handle(f)->rights, STORAGE_R_ENUMERATE | STORAGE_R_READ);
    assert_int_equal(write_h(f, "x"), SOS_ERR_ACCESS_DENIED);
    assert_int_equal(read_h(f), 0);
    /* asking for more again gets nothing more */
    assert_int_equal(clone_h(ro, STORAGE_R_ALL, &again), 0);
    assert_int_equal(node_by_handle(again)->rights, STORAGE_R_ENUMERATE | STORAGE_R_READ);
    assert_int_equal(mint_h(ro, STORAGE_R_ALL, &minted, &rv), 0);
    assert_int_equal(node_by_handle(minted)->rights, STORAGE_R_ENUMERATE | STORAGE_R_READ);
    assert_int_equal(clone_h(app, STORAGE_R_READ, &again), 0);
    assert_int_equal(one_path(again, NODE_READDIR, "", 0), SOS_ERR_ACCESS_DENIED);
    /* a revoker is no node: it opens, reads and clones nothing */
    assert_int_equal(open_h(rv, "inside", 6, STORAGE_R_READ, 0, &f), SOS_ERR_WRONG_TYPE);
    assert_int_equal(clone_h(rv, STORAGE_R_ALL, &f), SOS_ERR_WRONG_TYPE);
    assert_int_equal(read_h(rv), SOS_ERR_WRONG_TYPE);
}

/* A connection without manage reaches only its own directories, with its rights. */
static void test_own_directories(void **state)
{
    (void)state;
    sos_handle_t h;
    const char *outside[] = {"/", "/home", "/home/app", "/config/../home", "/config/..",
                             "/config/../../home", "/configx", "/boot/bin/hello", "/backups", "/home",
                             "config", "/state/../../rootfile", "//..//home"};
    for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
        int err = top_open(outside[i], STORAGE_R_ALL, 0, SOS_RIGHT_READ | SOS_RIGHT_WRITE, "config", &h);
        if (!err) { /* only "config" alone: its own directory */
            assert_string_equal(outside[i], "config");
            assert_true(node_by_handle(h)->ino != SFS_ROOT_INO);
            close_h(h);
        }
    }
    assert_int_equal(top_open("/config", STORAGE_R_ALL, STORAGE_O_DIR, SOS_RIGHT_READ | SOS_RIGHT_WRITE,
                              "config", &h), 0);
    struct node *n = node_by_handle(h);
    uint64_t cfg, own;
    assert_int_equal(sfs_lookup(g_st.fs, SFS_ROOT_INO, "config", 6, &cfg), 0);
    assert_int_equal(sfs_lookup(g_st.fs, cfg, "config", 6, &own), 0);
    assert_int_equal(n->ino, own);
    assert_false(n->top);
    sos_handle_t f;
    assert_int_equal(open_h(h, "../../home/secret", 17, STORAGE_R_READ, 0, &f), SOS_ERR_ACCESS_DENIED);
    close_h(h);
    assert_int_equal(top_open("/state/x", STORAGE_R_ALL, STORAGE_O_CREATE, SOS_RIGHT_READ | SOS_RIGHT_WRITE,
                              "log", &h), 0);
    close_h(h);
    uint64_t st, lg, x;
    assert_int_equal(sfs_lookup(g_st.fs, SFS_ROOT_INO, "state", 5, &st), 0);
    assert_int_equal(sfs_lookup(g_st.fs, st, "log", 3, &lg), 0);
    assert_int_equal(sfs_lookup(g_st.fs, lg, "x", 1, &x), 0);
    /* read only: no directory made, and no more than enumerate+read */
    assert_int_equal(top_open("/data", STORAGE_R_ALL, 0, SOS_RIGHT_READ, "status", &h), SOS_ERR_NOT_FOUND);
    assert_int_equal(top_open("/state", STORAGE_R_ALL, 0, SOS_RIGHT_READ, "log", &h), 0);
    assert_int_equal(node_by_handle(h)->rights, STORAGE_R_ENUMERATE | STORAGE_R_READ);
    close_h(h);
    assert_int_equal(top_open("/state", STORAGE_R_ALL, 0, 0, "log", &h), SOS_ERR_ACCESS_DENIED);
    /* names that are no directory name */
    assert_int_equal(top_open("/state", STORAGE_R_ALL, 0, SOS_RIGHT_READ | SOS_RIGHT_WRITE, "..", &h),
                     SOS_ERR_ACCESS_DENIED);
    assert_int_equal(top_open("/state", STORAGE_R_ALL, 0, SOS_RIGHT_READ | SOS_RIGHT_WRITE, "", &h),
                     SOS_ERR_ACCESS_DENIED);
}



static void test_revoke(void **state)
{
    (void)state;
    sos_handle_t app = app_handle(STORAGE_R_ALL), given, rv, sub, file, cl, inner, rv2, other, orv;
    assert_int_equal(mint_h(app, STORAGE_R_ALL, &given, &rv), 0);
    /* the holder of `given` passes handles on: an open directory, a file, a clone, a mint */
    assert_int_equal(open_h(given, "sub", 3, STORAGE_R_ALL, STORAGE_O_DIR, &sub), 0);
    assert_int_equal(open_h(sub, "deep", 4, STORAGE_R_ALL, 0, &file), 0);
    assert_int_equal(clone_h(given, STORAGE_R_READ | STORAGE_R_ENUMERATE, &cl), 0);
    assert_int_equal(mint_h(sub, STORAGE_R_ALL, &inner, &rv2), 0);
    /* a sibling mint on the same directory, not under rv */
    assert_int_equal(mint_h(app, STORAGE_R_ALL, &other, &orv), 0);
    assert_int_equal(write_h(file, "data"), 0);
    uint32_t count = 0;
    assert_int_equal(revoke_h(rv, &count), 0);
    assert_int_equal(count, 5); /* given, sub, file, cl, inner */
    sos_handle_t h;
    assert_int_equal(open_h(given, "inside", 6, STORAGE_R_READ, 0, &h), SOS_ERR_REVOKED);
    assert_int_equal(one_path(sub, NODE_READDIR, "", 0), SOS_ERR_REVOKED);
    assert_int_equal(read_h(file), SOS_ERR_REVOKED);
    assert_int_equal(write_h(file, "more"), SOS_ERR_REVOKED);
    assert_int_equal(one_path(cl, NODE_STAT, "inside", 6), SOS_ERR_REVOKED);
    assert_int_equal(clone_h(cl, STORAGE_R_READ, &h), SOS_ERR_REVOKED);
    assert_int_equal(mint_h(inner, STORAGE_R_READ, &h, &h), SOS_ERR_REVOKED);
    assert_int_equal(send_req(file, begin(NODE_SYNC), 0, NULL), SOS_ERR_REVOKED);
    struct sl_msg *m = begin(NODE_SEEK);
    sl_msg_put_u32(m, 0);
    sl_msg_put_u64(m, 0);
    assert_int_equal(send_req(file, m, 0, NULL), SOS_ERR_REVOKED);
    /* revoking twice, or the inner revoker afterwards: nothing more to reach */
    assert_int_equal(revoke_h(rv, NULL), SOS_ERR_REVOKED);
    assert_int_equal(revoke_h(rv2, &count), 0);
    assert_int_equal(count, 0);
    /* the revoker's own holder and the sibling are untouched */
    assert_int_equal(open_h(app, "inside", 6, STORAGE_R_READ, 0, &h), 0);
    close_h(h);
    assert_int_equal(open_h(other, "sub/deep", 8, STORAGE_R_READ, 0, &h), 0);
    assert_int_equal(read_h(h), 0);
    close_h(h);
    /* handles closed in any order free the revocation points (ASan/valgrind would tell) */
    close_h(file);
    close_h(rv);
    close_h(given);
    close_h(inner);
    close_h(sub);
    close_h(rv2);
    close_h(cl);
    close_h(orv);
    close_h(other);
    close_h(app);
    assert_null(g_st.nodes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_confined_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rights_reduce, setup, teardown),
        cmocka_unit_test_setup_teardown(test_own_directories, setup, teardown),
        cmocka_unit_test_setup_teardown(test_revoke, setup, teardown),
        cmocka_unit_test_setup_teardown(test_io_error_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_requests, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
