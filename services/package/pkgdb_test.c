/*
 * pkgdb_test.c - the package service's state on the host: install, update, rollback,
 * remove and their generations and history; verify, repair and gc; changes refused
 * before anything is written (a package that is not what the index says, a repository
 * sending more than announced, a path two packages claim, a package still needed);
 * and a power cut after every change of every transaction, with every amount of the
 * unsynced tail lost, each leaving the previous or the next generation, whole.
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

#include "pkgdb.h"
#include "test/memstore.h"
#include "test/testrepo.h"

static struct memstore g_repo;
static struct pkg_index g_ix;

static void make_repo(void)
{
    testrepo_make(&g_repo, &g_ix);
}

static struct pkg_version V(const char *s)
{
    struct pkg_version v;
    assert_int_equal(pkg_version_parse(s, strlen(s), &v, NULL), 0);
    return v;
}

static void expect_ok(int rc, const struct errmsg *err)
{
    if (rc < 0)
        fail_msg("%d: %s", rc, err->msg);
}

static const char *set_text(const struct pkg_gen *g)
{
    static char buf[256];
    buf[0] = 0;
    for (uint32_t i = 0; i < g->set.count; i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s-%s", i ? " " : "",
                 g->set.pkg[i].name, g->set.pkg[i].version_text);
    return buf;
}

static struct pkgdb g_db;

static void open_db(struct memstore *st)
{
    struct errmsg err = {0};
    expect_ok(pkgdb_open(&g_db, &st->store, "x86_64", &err), &err);
}

static void test_lifecycle(void **state)
{
    static struct memstore st;
    static struct pkg_gen g;
    struct errmsg err = {0};
    make_repo();
    memstore_init(&st);
    open_db(&st);
    assert_int_equal(g_db.cur.number, 0);
    struct pkg_version v10 = V("1.0");
    expect_ok(pkgdb_install(&g_db, &g_ix, &g_repo.fetch, "hello", &v10, &err), &err);
    assert_string_equal(set_text(&g_db.cur), "hello-1.0");
    assert_int_equal(pkgdb_install(&g_db, &g_ix, &g_repo.fetch, "hello", &v10, &err),
                     SOS_ERR_ALREADY_EXISTS);
    expect_ok(pkgdb_install(&g_db, &g_ix, &g_repo.fetch, "hello", NULL, &err), &err);
    assert_string_equal(set_text(&g_db.cur), "greet-data-1 hello-1.1");
    assert_string_equal(g_db.cur.reason, "update hello 1.0 -> 1.1");
    assert_int_equal(pkgdb_verify(&g_db, NULL, NULL, &err), 0);
    expect_ok(pkgdb_rollback(&g_db, &err), &err);
    assert_string_equal(set_text(&g_db.cur), "hello-1.0");
    assert_int_equal(g_db.cur.number, 3);
    assert_string_equal(g_db.cur.reason, "rollback to generation 1");
    expect_ok(pkgdb_remove(&g_db, "hello", &err), &err);
    assert_string_equal(set_text(&g_db.cur), "");
    assert_int_equal(pkgdb_remove(&g_db, "hello", &err), SOS_ERR_NOT_FOUND);
    assert_string_equal(err.msg, "hello is not installed");
    /* A fresh open finds the same state and the whole history. */
    open_db(&st);
    assert_int_equal(g_db.cur.number, 4);
    static const char *const history[] = {"install hello 1.0", "update hello 1.0 -> 1.1",
                                          "rollback to generation 1", "remove hello 1.0"};
    for (uint32_t n = 1; n <= 4; n++) {
        expect_ok(pkgdb_load_gen(&g_db, n, &g, &err), &err);
        assert_string_equal(g.reason, history[n - 1]);
    }
    memstore_free(&st);
}

static int g_reports;
static char g_last[160];

static void report(void *ctx, const char *pkg, const char *path, const char *what)
{
    g_reports++;
    snprintf(g_last, sizeof g_last, "%s %s %s", pkg, path, what);
}

static void test_verify_repair_gc(void **state)
{
    static struct memstore st;
    struct errmsg err = {0};
    make_repo();
    memstore_init(&st);
    open_db(&st);
    struct pkg_version v10 = V("1.0");
    expect_ok(pkgdb_install(&g_db, &g_ix, &g_repo.fetch, "hello", &v10, &err), &err);
    expect_ok(pkgdb_install(&g_db, &g_ix, &g_repo.fetch, "hello", NULL, &err), &err);
    /* Damage hello 1.1's image and lose the data file. */
    uint8_t sha[SHA256_SIZE];
    char path[96];
    sha256("hello image v1.1", 16, sha);
    pkgdb_object_path(sha, path);
    memstore_put(&st, path, "hello image v6.6", 16);
    sha256("hello, world\n", 13, sha);
    pkgdb_object_path(sha, path);
    struct mop rm = {.kind = MOP_REMOVE};
    strcpy(rm.a, path);
    memstore_apply(&st, &rm);
    g_reports = 0;
    assert_int_equal(pkgdb_verify(&g_db, report, NULL, &err), 2);
    assert_int_equal(g_reports, 2);
    assert_string_equal(g_last, "hello bin/hello damaged");
    assert_int_equal(pkgdb_repair(&g_db, NULL, NULL, &err), 2);
    assert_int_equal(pkgdb_verify(&g_db, NULL, NULL, &err), 0);
    /* gc keeps the current and the parent generation's payload: nothing to do yet. */
    assert_int_equal(pkgdb_gc(&g_db, &err), 0);
    expect_ok(pkgdb_remove(&g_db, "hello", &err), &err);
    /* Now the parent is {greet-data, hello 1.1}: hello 1.0's package and image go. */
    assert_int_equal(pkgdb_gc(&g_db, &err), 2);
    expect_ok(pkgdb_rollback(&g_db, &err), &err);
    assert_string_equal(set_text(&g_db.cur), "greet-data-1 hello-1.1");
    assert_int_equal(pkgdb_verify(&g_db, NULL, NULL, &err), 0);
    memstore_free(&st);
}

/* Each refused change leaves the store byte for byte as it was. */
static void test_refusals_write_nothing(void **state)
{
    static struct memstore st, before;
    struct errmsg err = {0};
    make_repo();
    memstore_init(&st);
    open_db(&st);
    expect_ok(pkgdb_install(&g_db, &g_ix, &g_repo.fetch, "hello", NULL, &err), &err);
    memstore_copy(&before, &st);
    /* clash would install bin/hello, which hello has. */
    assert_int_equal(pkgdb_install(&g_db, &g_ix, &g_repo.fetch, "clash", NULL, &err),
                     SOS_ERR_ALREADY_EXISTS);
    assert_string_equal(err.msg, "clash would install bin/hello, which hello installs");
    /* greet-data is needed by hello. */
    assert_int_equal(pkgdb_remove(&g_db, "greet-data", &err), SOS_ERR_BAD_STATE);
    assert_string_equal(err.msg, "greet-data is needed by hello");
    /* The repository's app package is replaced by other bytes of the same size. */
    struct mfile *f = memstore_get(&g_repo, "packages/app-1.pkg");
    f->data[f->len / 2] ^= 1;
    assert_int_equal(pkgdb_install(&g_db, &g_ix, &g_repo.fetch, "app", NULL, &err),
                     SOS_ERR_CORRUPT);
    assert_non_null(strstr(err.msg, "do not hash to what the index gives for app 1"));
    f->data[f->len / 2] ^= 1;
    /* The index announces fewer bytes than the repository sends. */
    g_ix.pkg[0].size -= 10;
    assert_int_equal(pkgdb_install(&g_db, &g_ix, &g_repo.fetch, "app", NULL, &err),
                     SOS_ERR_OUT_OF_RANGE);
    assert_non_null(strstr(err.msg, "sent more than the"));
    g_ix.pkg[0].size += 10;
    assert_true(memstore_equal(&st, &before));
    memstore_free(&st);
    memstore_free(&before);
}

/* ---- power cuts ------------------------------------------------------------------ */

typedef int (*change_fn)(struct pkgdb *db, struct errmsg *err);

static int do_update(struct pkgdb *db, struct errmsg *err)
{
    return pkgdb_install(db, &g_ix, &g_repo.fetch, "hello", NULL, err);
}

static int do_rollback(struct pkgdb *db, struct errmsg *err)
{
    return pkgdb_rollback(db, err);
}

static int do_remove(struct pkgdb *db, struct errmsg *err)
{
    return pkgdb_remove(db, "hello", err);
}

static int do_install_app(struct pkgdb *db, struct errmsg *err)
{
    return pkgdb_install(db, &g_ix, &g_repo.fetch, "app", NULL, err);
}

/* Runs change on a copy of base, logging; then for every cut after k logged changes
 * and every durable prefix j (from the last sync at or before k up to k), rebuilds the
 * store, opens it and checks that it is the old or the new generation, whole. */
static unsigned cut_everywhere(struct memstore *base, change_fn change)
{
    static struct memstore run, cut;
    static struct pkg_gen old_gen, new_gen;
    struct errmsg err = {0};
    unsigned cuts = 0;
    open_db(base);
    old_gen = g_db.cur;
    memstore_copy(&run, base);
    open_db(&run);
    memstore_log_start(&run);
    expect_ok(change(&g_db, &err), &err);
    new_gen = g_db.cur;
    size_t synced = 0;
    for (size_t k = 0; k <= run.nlog; k++) {
        if (k && run.log[k - 1].kind == MOP_SYNC)
            synced = k;
        for (size_t j = synced; j <= k; j++, cuts++) {
            memstore_copy(&cut, base);
            for (size_t i = 0; i < j; i++)
                memstore_apply(&cut, &run.log[i]);
            open_db(&cut);
            const struct pkg_gen *want = g_db.cur.number == new_gen.number ? &new_gen : &old_gen;
            assert_int_equal(g_db.cur.number, want->number);
            assert_string_equal(set_text(&g_db.cur), set_text(want));
            assert_int_equal(pkgdb_verify(&g_db, NULL, NULL, &err), 0);
            if (j == run.nlog) /* everything, the last sync too: the new one */
                assert_int_equal(g_db.cur.number, new_gen.number);
            memstore_free(&cut);
        }
    }
    memstore_free(&run);
    return cuts;
}

static void test_power_cuts(void **state)
{
    static struct memstore base;
    struct errmsg err = {0};
    make_repo();
    memstore_init(&base);
    open_db(&base);
    unsigned cuts = cut_everywhere(&base, do_install_app); /* first install, two packages */
    struct pkg_version v10 = V("1.0");
    open_db(&base);
    expect_ok(pkgdb_install(&g_db, &g_ix, &g_repo.fetch, "hello", &v10, &err), &err);
    cuts += cut_everywhere(&base, do_update);
    open_db(&base);
    expect_ok(do_update(&g_db, &err), &err);
    cuts += cut_everywhere(&base, do_rollback);
    cuts += cut_everywhere(&base, do_remove);
    print_message("# %u cuts\n", cuts);
    assert_true(cuts > 100);
    memstore_free(&base);
}

/* An I/O error at any change leaves the previous generation in charge. */
static void test_io_errors(void **state)
{
    static struct memstore base, run;
    struct errmsg err = {0};
    make_repo();
    memstore_init(&base);
    open_db(&base);
    for (long n = 1;; n++) {
        memstore_copy(&run, &base);
        run.fail_at = n;
        open_db(&run);
        int rc = do_update(&g_db, &err);
        uint32_t seen = g_db.cur.number; /* what the service believes after the error */
        run.fail_at = 0;
        open_db(&run);
        assert_int_equal(g_db.cur.number, seen);
        if (rc == 0) {
            assert_string_equal(set_text(&g_db.cur), "greet-data-1 hello-1.1");
            memstore_free(&run);
            break;
        }
        assert_true(err.msg[0] != 0);
        assert_int_equal(pkgdb_verify(&g_db, NULL, NULL, &err), 0);
        memstore_free(&run);
    }
    memstore_free(&base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lifecycle),
        cmocka_unit_test(test_verify_repair_gc),
        cmocka_unit_test(test_refusals_write_nothing),
        cmocka_unit_test(test_power_cuts),
        cmocka_unit_test(test_io_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
