/*
 * pkgdb_powercut_test.c - the package service's changes on sosfs, with the power cut
 * at every block write and flush (the storage layer's harness, services/storage/fs/test:
 * a recording memdev, and disks rebuilt from what was durable plus the writes since the
 * last flush: all of them, none, or a random subset with random 512-byte sectors torn).
 *
 * The changes run in a chain on one store: install app (two packages), install hello
 * 1.0, update hello (pulls in greet-data), roll back, remove hello, gc. Each is run once
 * from the state the previous one left, recording; then every cut of it must mount,
 * pass fsck, and open as the old or the new generation with every installed file
 * verifying; the new one once the last flush completed. Prints one TAP line with the
 * number of cuts.
 *
 * Layer: tests (host).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sos/errors.h>

#include "../storage/fs/test/memdev.h"
#include "pkgdb.h"
#include "test/sfsstore.h"
#include "test/testrepo.h"

#define BLOCKS 1024u
#define SECTOR 512u

static struct memstore g_repo;
static struct pkg_index g_ix;
static struct pkgdb g_db;
static uint64_t g_cuts, g_failures, g_rng = 99;

static uint64_t prng(void)
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return g_rng;
}

static void fail(const char *what, const char *step, size_t cut, int variant)
{
    if (g_failures++ < 10)
        printf("# FAIL %s: %s (cut at event %zu, variant %d)\n", step, what, cut, variant);
}

static const char *set_text(const struct pkg_gen *g, char *buf, size_t size)
{
    buf[0] = 0;
    for (uint32_t i = 0; i < g->set.count; i++)
        snprintf(buf + strlen(buf), size - strlen(buf), "%s%s-%s", i ? " " : "",
                 g->set.pkg[i].name, g->set.pkg[i].version_text);
    return buf;
}

typedef int (*change_fn)(struct pkgdb *db, struct errmsg *err);

static int install_app(struct pkgdb *db, struct errmsg *err)
{
    return pkgdb_install(db, &g_ix, &g_repo.fetch, "app", NULL, err);
}

static int install_hello(struct pkgdb *db, struct errmsg *err)
{
    struct pkg_version v = {{1, 0}, 2};
    return pkgdb_install(db, &g_ix, &g_repo.fetch, "hello", &v, err);
}

static int update_hello(struct pkgdb *db, struct errmsg *err)
{
    return pkgdb_install(db, &g_ix, &g_repo.fetch, "hello", NULL, err);
}

static int rollback(struct pkgdb *db, struct errmsg *err)
{
    return pkgdb_rollback(db, err);
}

static int remove_hello(struct pkgdb *db, struct errmsg *err)
{
    return pkgdb_remove(db, "hello", err);
}

static int gc(struct pkgdb *db, struct errmsg *err)
{
    int n = pkgdb_gc(db, err);
    return n < 0 ? n : 0;
}

/* Mounts md and opens the package state on it; 0 or a message in why. */
static int open_disk(struct memdev *md, struct sfs **fs, struct pkg_store *st, char *why)
{
    struct sfs_msg m;
    struct errmsg err = {0};
    if (sfs_mount(&md->dev, 0, fs, &m)) {
        snprintf(why, 240, "mount refused: %.200s", m.text);
        return -1;
    }
    sfsstore_init(st, *fs);
    if (pkgdb_open(&g_db, st, "x86_64", &err)) {
        snprintf(why, 240, "open: %.200s", err.msg);
        sfs_drop(*fs);
        return -1;
    }
    return 0;
}

/* One rebuilt disk: fsck, the old or new generation, every file verifying. */
static void check_cut(struct memdev *md, const char *step, const struct pkg_gen *old_gen,
                      const struct pkg_gen *new_gen, bool must_be_new, size_t cut, int v)
{
    struct sfs_fsck fr;
    struct sfs *fs;
    struct pkg_store st;
    char why[240], a[256], b[256];
    struct errmsg err = {0};
    g_cuts++;
    if (sfs_fsck(&md->dev, 0, &fr) || fr.errors)
        return fail("fsck finds errors", step, cut, v);
    if (open_disk(md, &fs, &st, why))
        return fail(why, step, cut, v);
    const struct pkg_gen *want = g_db.cur.number == new_gen->number ? new_gen : old_gen;
    if (g_db.cur.number != want->number || (must_be_new && want != new_gen))
        fail("not the old or the new generation", step, cut, v);
    else if (strcmp(set_text(&g_db.cur, a, sizeof a), set_text(want, b, sizeof b)))
        fail("the generation holds other packages", step, cut, v);
    else if (pkgdb_verify(&g_db, NULL, NULL, &err) != 0)
        fail(err.msg[0] ? err.msg : "installed files fail verify", step, cut, v);
    sfs_drop(fs);
}

static void apply_write(uint8_t *disk, const struct memdev_event *e, unsigned mask)
{
    for (unsigned s = 0; s < SFS_BLOCK / SECTOR; s++)
        if (mask & (1u << s))
            memcpy(disk + e->block * SFS_BLOCK + s * SECTOR, e->data + s * SECTOR, SECTOR);
}

/* Runs change from the disk in base (updated to the state after it) and cuts it. */
static void cut_change(struct memdev *md, uint8_t *base, change_fn change, const char *step)
{
    static struct pkg_gen old_gen, new_gen;
    size_t disk = (size_t)BLOCKS * SFS_BLOCK;
    struct sfs *fs;
    struct pkg_store st;
    char why[240];
    struct errmsg err = {0};
    memcpy(md->blocks, base, disk);
    if (open_disk(md, &fs, &st, why))
        return fail(why, step, 0, -1);
    old_gen = g_db.cur;
    memdev_clear_events(md);
    md->record = true;
    int rc = change(&g_db, &err);
    md->record = false;
    new_gen = g_db.cur;
    sfs_drop(fs); /* nothing more reaches the disk */
    if (rc)
        return fail(err.msg, step, 0, -1);
    uint8_t *durable = malloc(disk);
    memcpy(durable, base, disk);
    size_t last_flush = 0;
    for (size_t cut = 0; cut <= md->nev; cut++) {
        for (int v = 0; v < 4; v++) {
            if (v == 1 && cut != last_flush)
                continue; /* "none landed" is one disk per flush window */
            memcpy(md->blocks, durable, disk);
            for (size_t i = last_flush; i < cut; i++) {
                uint64_t x = prng();
                unsigned mask = v == 0 ? 0xff : v == 1 ? 0 : (x & 3) == 0 ? 0
                                : (x & 3) == 1 ? (unsigned)(x >> 8) & 0xff : 0xff;
                apply_write(md->blocks, &md->ev[i], mask);
            }
            check_cut(md, step, &old_gen, &new_gen, cut == md->nev, cut, v);
        }
        if (cut < md->nev && !md->ev[cut].data) { /* a flush completes */
            for (size_t i = last_flush; i < cut; i++)
                apply_write(durable, &md->ev[i], 0xff);
            last_flush = cut + 1;
        }
    }
    memcpy(base, durable, disk); /* every event landed: the state after the change */
    for (size_t i = last_flush; i < md->nev; i++)
        if (md->ev[i].data)
            apply_write(base, &md->ev[i], 0xff);
    free(durable);
}

int main(void)
{
    static const struct {
        const char *name;
        change_fn fn;
    } steps[] = {{"install app", install_app},   {"install hello 1.0", install_hello},
                 {"update hello", update_hello}, {"rollback", rollback},
                 {"remove hello", remove_hello}, {"gc", gc}};
    struct memdev md;
    struct sfs_msg m;
    memdev_init(&md, BLOCKS);
    testrepo_make(&g_repo, &g_ix);
    if (sfs_format(&md.dev, 11, &m)) {
        printf("1..1\nnot ok 1 - format: %s\n", m.text);
        return 1;
    }
    uint8_t *base = malloc((size_t)BLOCKS * SFS_BLOCK);
    memcpy(base, md.blocks, (size_t)BLOCKS * SFS_BLOCK);
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        cut_change(&md, base, steps[i].fn, steps[i].name);
    printf("1..1\n%s 1 - package changes on sosfs: %llu power cuts, %llu failures\n",
           g_failures ? "not ok" : "ok", (unsigned long long)g_cuts,
           (unsigned long long)g_failures);
    free(base);
    memdev_free(&md);
    memstore_free(&g_repo);
    return g_failures ? 1 : 0;
}
