/*
 * check.c - verify, repair and gc: the upkeep of what is installed.
 *
 * verify hashes every installed file (objects/<sha256> of every file of every package
 * of the current generation) against the hash its package's manifest gives. repair
 * writes each file that fails again from the cached package (itself checked against
 * the generation's hash of it), each under a .tmp name renamed into place, then syncs;
 * the generation does not change, since the content named by each hash is the same.
 * gc removes the cached packages and objects that neither the current generation nor
 * its parent (the one rollback returns to) uses, so a rollback always finds what it
 * needs; older generations stay in the history without their payload.
 *
 * Layer: services (package service; also compiled for host tests).
 */
#include "pkgdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sos/errors.h>

/* Whether objects/<sha> of f holds f's content: 0, or what is wrong. */
static const char *check_object(const struct pkgdb *db, const struct pkg_file *f)
{
    char path[96];
    uint8_t *data, sha[SHA256_SIZE];
    size_t len;
    pkgdb_object_path(f->sha256, path);
    int rc = db->st->read(db->st->ctx, path, f->size, &data, &len);
    if (rc == SOS_ERR_NOT_FOUND)
        return "missing";
    if (rc)
        return rc == SOS_ERR_OUT_OF_RANGE ? "damaged (too long)" : "unreadable";
    sha256(data, len, sha);
    free(data);
    return len != f->size || memcmp(sha, f->sha256, SHA256_SIZE) ? "damaged" : NULL;
}

/* Walks every installed file; fix (when set) rewrites the bad ones. Returns how many
 * were bad (verify) or rewritten (repair), or an error. */
static int walk(struct pkgdb *db, bool fix, pkgdb_report_fn report, void *ctx,
                struct errmsg *err)
{
    static struct pkg p;
    int bad = 0;
    for (uint32_t i = 0; i < db->cur.set.count; i++) {
        const struct pkg_avail *a = &db->cur.set.pkg[i];
        uint8_t *data = NULL;
        int rc = pkgdb_load_pkg(db, a, &data, &p, err);
        if (rc)
            return rc;
        for (uint32_t k = 0; !rc && k < p.info.file_count; k++) {
            const struct pkg_file *f = &p.info.file[k];
            const char *what = check_object(db, f);
            if (!what)
                continue;
            bad++;
            if (report)
                report(ctx, a->name, f->path, what);
            if (!fix)
                continue;
            char path[96], tmp[112];
            uint8_t *buf = malloc(f->size ? f->size : 1);
            pkgdb_object_path(f->sha256, path);
            snprintf(tmp, sizeof tmp, "%s.tmp", path);
            rc = buf ? pkg_read_file(&p, f, buf, f->size, err) : SOS_ERR_NO_MEMORY;
            if (!rc && ((rc = db->st->write(db->st->ctx, tmp, buf, f->size)) != 0 ||
                        (rc = db->st->rename(db->st->ctx, tmp, path)) != 0))
                errmsg_set(err, rc, "cannot rewrite %s", path);
            free(buf);
        }
        free(data);
        if (rc)
            return rc;
    }
    if (fix && bad && db->st->sync(db->st->ctx))
        return errmsg_set(err, SOS_ERR_IO, "sync after the repair failed");
    return bad;
}

int pkgdb_verify(struct pkgdb *db, pkgdb_report_fn report, void *ctx, struct errmsg *err)
{
    return walk(db, false, report, ctx, err);
}

int pkgdb_repair(struct pkgdb *db, pkgdb_report_fn report, void *ctx, struct errmsg *err)
{
    return walk(db, true, report, ctx, err);
}

/* ---- gc -------------------------------------------------------------------------- */

#define KEEP_MAX 1024

struct keep {
    char name[KEEP_MAX][PKG_HEX_SIZE + 5]; /* "<hex>" or "<hex>.pkg" */
    uint32_t count;
    char drop[KEEP_MAX][PKG_HEX_SIZE + 5]; /* what the listing found unused */
    uint32_t drops;
};

static int keep_add(struct keep *k, const uint8_t sha[SHA256_SIZE], const char *suffix)
{
    if (k->count == KEEP_MAX)
        return SOS_ERR_NO_RESOURCES;
    pkg_hex(sha, k->name[k->count]);
    strcat(k->name[k->count++], suffix);
    return 0;
}

/* Marks the packages of g and all their files. A package that cannot be loaded is an
 * error when strict (the current generation), else skipped (the parent's payload may
 * be damaged already: rollback will say what is missing). */
static int keep_gen(struct keep *k, const struct pkgdb *db, const struct pkg_gen *g,
                    bool strict, struct errmsg *err)
{
    static struct pkg p;
    for (uint32_t i = 0; i < g->set.count; i++) {
        uint8_t *data = NULL;
        int rc = keep_add(k, g->set.pkg[i].sha256, ".pkg");
        if (!rc && pkgdb_load_pkg(db, &g->set.pkg[i], &data, &p, strict ? err : NULL)) {
            if (strict)
                return err ? err->code : SOS_ERR_CORRUPT;
            continue;
        }
        for (uint32_t f = 0; !rc && f < p.info.file_count; f++)
            rc = keep_add(k, p.info.file[f].sha256, "");
        free(data);
        if (rc)
            return err && err->code == rc ? rc : errmsg_set(err, rc, "gc: too many files");
    }
    return 0;
}

/* Notes a listed name nothing keeps (removed after the listing, not during it). */
static void sweep(void *arg, const char *name)
{
    struct keep *k = arg;
    for (uint32_t i = 0; i < k->count; i++)
        if (!strcmp(k->name[i], name))
            return;
    if (k->drops < KEEP_MAX && strlen(name) < sizeof k->drop[0])
        strcpy(k->drop[k->drops++], name);
}

int pkgdb_gc(struct pkgdb *db, struct errmsg *err)
{
    static struct keep k;
    static struct pkg_gen parent;
    k.count = 0;
    int rc = keep_gen(&k, db, &db->cur, true, err);
    if (!rc && db->cur.parent && pkgdb_load_gen(db, db->cur.parent, &parent, NULL) == 0)
        rc = keep_gen(&k, db, &parent, false, err);
    if (rc)
        return rc;
    static const char *const dirs[] = {"cache", "objects"};
    int removed = 0;
    for (int i = 0; !rc && i < 2; i++) {
        k.drops = 0;
        db->st->list(db->st->ctx, dirs[i], sweep, &k);
        for (uint32_t d = 0; !rc && d < k.drops; d++) {
            char path[112];
            snprintf(path, sizeof path, "%s/%s", dirs[i], k.drop[d]);
            rc = db->st->remove(db->st->ctx, path);
            removed++;
        }
    }
    if (rc || db->st->sync(db->st->ctx))
        return errmsg_set(err, SOS_ERR_IO, "gc: a removal or the sync failed");
    return removed;
}
