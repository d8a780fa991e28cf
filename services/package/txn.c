/*
 * txn.c - the changes: install or update, remove, rollback. Each decides and checks
 * everything in memory first (validate), then hands one new generation to
 * pkgdb_commit (perform), so a refused change writes nothing at all.
 *
 * What is checked before a byte is written, for an install: the dependencies resolve
 * (common/pkg pkg_resolve); each package file is fetched with its announced size as
 * the limit, has exactly that size and the SHA-256 the index gives; it opens as a
 * package whose name, version, architecture and dependencies are the ones the index
 * announced (a package cannot bring a dependency the resolution did not see); every
 * file in it inflates to its hash; and no installed path would belong to two packages.
 *
 * Layer: services (package service; also compiled for host tests).
 */
#include "pkgdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sos/errors.h>

struct grow_sink {
    uint8_t *buf;
    size_t len, max;
};

static int grow(void *ctx, const void *data, size_t n)
{
    struct grow_sink *s = ctx;
    if (n > s->max - s->len)
        return SOS_ERR_OUT_OF_RANGE;
    uint8_t *bigger = realloc(s->buf, s->len + n ? s->len + n : 1);
    if (!bigger)
        return SOS_ERR_NO_MEMORY;
    memcpy(bigger + s->len, data, n);
    s->buf = bigger;
    s->len += n;
    return 0;
}

int pkg_fetch_all(const struct pkg_fetch *f, const char *path, size_t max_len,
                  uint8_t **out, size_t *len, struct errmsg *err)
{
    struct grow_sink s = {NULL, 0, max_len};
    struct pkg_sink sink = {&s, grow};
    int rc = f->fetch(f->ctx, path, max_len, &sink);
    if (rc == SOS_ERR_OUT_OF_RANGE)
        errmsg_set(err, rc, "%s: the repository sent more than the %zu bytes announced", path,
                   max_len);
    else if (rc)
        errmsg_set(err, rc, "%s: fetch failed", path);
    if (rc) {
        free(s.buf);
        return rc;
    }
    *out = s.buf ? s.buf : malloc(1);
    *len = s.len;
    return *out ? 0 : errmsg_set(err, SOS_ERR_NO_MEMORY, "out of memory");
}

/* The package in data is what the index entry a says, and every file reads back. */
static int check_package(const struct pkgdb_hooks *h, const struct pkg_avail *a,
                         const uint8_t *data, size_t len, struct errmsg *err)
{
    static struct pkg p;
    uint8_t sha[SHA256_SIZE];
    sha256(data, len, sha);
    if (len != a->size || memcmp(sha, a->sha256, SHA256_SIZE))
        return errmsg_set(err, SOS_ERR_CORRUPT, "%s: %zu bytes that do not hash to what the "
                          "index gives for %s %s", a->path, len, a->name, a->version_text);
    int rc = pkg_open(&p, data, len, err);
    if (rc)
        return rc;
    const struct pkg_info *in = &p.info;
    bool same = !strcmp(in->name, a->name) && !strcmp(in->arch, a->arch) &&
                !pkg_version_cmp(&in->version, &a->version) && in->dep_count == a->dep_count;
    for (uint32_t i = 0; same && i < in->dep_count; i++) {
        char x[160], y[160];
        pkg_dep_format(&in->dep[i], x, sizeof x);
        pkg_dep_format(&a->dep[i], y, sizeof y);
        same = !strcmp(x, y);
    }
    if (!same)
        return errmsg_set(err, SOS_ERR_CORRUPT, "%s: the package says %s %s (%s) with %u "
                          "dependencies, the index %s %s (%s) with %u", a->path, in->name,
                          in->version_text, in->arch, (unsigned)in->dep_count, a->name,
                          a->version_text, a->arch, (unsigned)a->dep_count);
    for (uint32_t i = 0; !rc && i < in->file_count; i++) {
        uint8_t *buf = malloc(in->file[i].size ? in->file[i].size : 1);
        rc = buf ? pkg_read_file(&p, &in->file[i], buf, in->file[i].size, err)
                 : errmsg_set(err, SOS_ERR_NO_MEMORY, "out of memory");
        free(buf);
    }
    if (!rc && h->admit)
        rc = h->admit(h->ctx, &p, err);
    return rc;
}

/* Puts a into set (replacing the same name), keeping name order; path = the cache. */
static void set_put(struct pkg_index *set, const struct pkg_avail *a)
{
    uint32_t i = 0;
    while (i < set->count && strcmp(set->pkg[i].name, a->name) < 0)
        i++;
    if (i == set->count || strcmp(set->pkg[i].name, a->name)) {
        memmove(&set->pkg[i + 1], &set->pkg[i], (set->count - i) * sizeof set->pkg[0]);
        set->count++;
    }
    set->pkg[i] = *a;
    pkgdb_cache_path(a->sha256, set->pkg[i].path);
}

static int set_find(const struct pkg_index *set, const char *name)
{
    for (uint32_t i = 0; i < set->count; i++)
        if (!strcmp(set->pkg[i].name, name))
            return (int)i;
    return -1;
}

static uint32_t to_have(const struct pkg_index *set, struct pkg_have *have)
{
    for (uint32_t i = 0; i < set->count; i++) {
        memcpy(have[i].name, set->pkg[i].name, sizeof have[i].name);
        have[i].version = set->pkg[i].version;
        memcpy(have[i].dep, set->pkg[i].dep, sizeof have[i].dep);
        have[i].dep_count = set->pkg[i].dep_count;
    }
    return set->count;
}

/* The package info of set entry a: from the new ones when it is among them. */
static int info_of(const struct pkgdb *db, const struct pkg_avail *a,
                   const struct pkgdb_new *news, size_t n, struct pkg *p, struct errmsg *err)
{
    for (size_t i = 0; i < n; i++)
        if (!memcmp(news[i].avail->sha256, a->sha256, SHA256_SIZE))
            return pkg_open(p, news[i].data, news[i].size, err);
    uint8_t *data = NULL;
    int rc = pkgdb_load_pkg(db, a, &data, p, err);
    free(data); /* p->info is a copy; the bundle view is not used after this */
    return rc;
}

static bool is_new(const struct pkg_avail *a, const struct pkgdb_new *news, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!memcmp(news[i].avail->sha256, a->sha256, SHA256_SIZE))
            return true;
    return false;
}

/* No path is installed by two packages of set. The packages already installed are
 * walked first, so a clash is reported against the one coming in. */
static int check_paths(const struct pkgdb *db, const struct pkg_index *set,
                       const struct pkgdb_new *news, size_t n, struct errmsg *err)
{
    static struct pkg p;
    static struct { char path[PKG_PATH_MAX + 1]; const char *owner; } seen[512];
    uint32_t count = 0;
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t i = 0; i < set->count; i++) {
            if (is_new(&set->pkg[i], news, n) != (pass == 1))
                continue;
            int rc = info_of(db, &set->pkg[i], news, n, &p, err);
            for (uint32_t k = 0; !rc && k < p.info.file_count; k++) {
                for (uint32_t j = 0; !rc && j < count; j++)
                    if (!strcmp(seen[j].path, p.info.file[k].path))
                        rc = errmsg_set(err, SOS_ERR_ALREADY_EXISTS, "%s would install %s, "
                                        "which %s installs", set->pkg[i].name, seen[j].path,
                                        seen[j].owner);
                if (!rc && count == 512)
                    rc = errmsg_set(err, SOS_ERR_NO_RESOURCES, "more than 512 installed files");
                if (!rc) {
                    memcpy(seen[count].path, p.info.file[k].path, sizeof seen[0].path);
                    seen[count++].owner = set->pkg[i].name;
                }
            }
            if (rc)
                return rc;
        }
    return 0;
}

static void free_news(struct pkgdb_new *news, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free((void *)news[i].data);
}

/* Fetches and checks every step of the plan into news[]. */
static int fetch_plan(const struct pkgdb *db, const struct pkg_plan *plan,
                      const struct pkg_fetch *f, struct pkgdb_new *news, struct errmsg *err)
{
    for (uint32_t i = 0; i < plan->count; i++) {
        const struct pkg_avail *a = plan->step[i];
        uint8_t *data = NULL;
        size_t len = 0;
        int rc = pkg_fetch_all(f, a->path, a->size, &data, &len, err);
        if (!rc) {
            news[i] = (struct pkgdb_new){a, data, len};
            rc = check_package(&db->hooks, a, data, len, err);
        }
        if (rc) {
            free_news(news, i + 1); /* news[] starts zeroed: a failed fetch left NULL */
            return rc;
        }
    }
    return 0;
}

/* g becomes a generation with parent and a copy of set. Field by field: a compound
 * literal holding a set is built on the stack first (155 KiB), which overran the
 * service's 256 KiB stack. */
static void new_gen(struct pkg_gen *g, uint32_t parent, const struct pkg_index *set)
{
    memset(g, 0, sizeof *g);
    g->parent = parent;
    g->set = *set;
}

int pkgdb_install(struct pkgdb *db, const struct pkg_index *repo, const struct pkg_fetch *f,
                  const char *name, const struct pkg_version *want, struct errmsg *err)
{
    static struct pkg_have have[PKG_MAX_INSTALLED];
    static struct pkg_plan plan;
    static struct pkg_gen g;
    static struct pkgdb_new news[PKG_INDEX_MAX];
    int rc = pkg_resolve(repo, have, to_have(&db->cur.set, have), name, want, db->arch,
                         &plan, err);
    if (rc)
        return rc;
    int old = set_find(&db->cur.set, name);
    if (plan.count == 0)
        return errmsg_set(err, SOS_ERR_ALREADY_EXISTS, "%s %s is installed and the newest "
                          "that fits", name, db->cur.set.pkg[old].version_text);
    if (db->cur.set.count + plan.count > PKG_MAX_INSTALLED)
        return errmsg_set(err, SOS_ERR_NO_RESOURCES, "more than %d packages installed",
                          PKG_MAX_INSTALLED);
    memset(news, 0, sizeof news);
    rc = fetch_plan(db, &plan, f, news, err);
    if (rc)
        return rc;
    new_gen(&g, db->cur.number, &db->cur.set);
    for (uint32_t i = 0; i < plan.count; i++)
        set_put(&g.set, plan.step[i]);
    const struct pkg_avail *top = plan.step[plan.count - 1];
    if (old >= 0)
        snprintf(g.reason, sizeof g.reason, "update %s %s -> %s", name,
                 db->cur.set.pkg[old].version_text, top->version_text);
    else
        snprintf(g.reason, sizeof g.reason, "install %s %s", name, top->version_text);
    rc = check_paths(db, &g.set, news, plan.count, err);
    if (!rc)
        rc = pkgdb_commit(db, &g, news, plan.count, err);
    free_news(news, plan.count);
    return rc;
}

int pkgdb_remove(struct pkgdb *db, const char *name, struct errmsg *err)
{
    static struct pkg_have have[PKG_MAX_INSTALLED];
    static struct pkg_gen g;
    int at = set_find(&db->cur.set, name);
    if (at < 0)
        return errmsg_set(err, SOS_ERR_NOT_FOUND, "%s is not installed", name);
    int rc = pkg_check_remove(have, to_have(&db->cur.set, have), name, err);
    if (rc)
        return rc;
    new_gen(&g, db->cur.number, &db->cur.set);
    snprintf(g.reason, sizeof g.reason, "remove %s %s", name, g.set.pkg[at].version_text);
    if (db->hooks.leaving) /* its services stop before its files go */
        db->hooks.leaving(db->hooks.ctx, &g.set.pkg[at]);
    memmove(&g.set.pkg[at], &g.set.pkg[at + 1], (g.set.count - (uint32_t)at - 1) *
            sizeof g.set.pkg[0]);
    g.set.count--;
    return pkgdb_commit(db, &g, NULL, 0, err);
}

int pkgdb_rollback(struct pkgdb *db, struct errmsg *err)
{
    static struct pkg_gen target, g;
    static struct pkgdb_new news[PKG_INDEX_MAX];
    static struct pkg p;
    if (db->cur.number == 0 || (db->cur.parent == 0 && db->cur.set.count == 0))
        return errmsg_set(err, SOS_ERR_NOT_FOUND, "no earlier generation to roll back to");
    target = (struct pkg_gen){0};
    int rc = db->cur.parent ? pkgdb_load_gen(db, db->cur.parent, &target, err) : 0;
    /* Every package of the target must still be cached and intact: its files are
     * unpacked again, so a rollback also restores anything gc or damage took. */
    uint32_t n = 0;
    for (; !rc && n < target.set.count; n++) {
        uint8_t *data = NULL;
        rc = pkgdb_load_pkg(db, &target.set.pkg[n], &data, &p, err);
        news[n] = (struct pkgdb_new){&target.set.pkg[n], data, target.set.pkg[n].size};
    }
    if (!rc) {
        new_gen(&g, target.parent, &target.set);
        snprintf(g.reason, sizeof g.reason, "rollback to generation %u",
                 (unsigned)target.number);
        rc = pkgdb_commit(db, &g, news, n, err);
    }
    free_news(news, n); /* a failed load left NULL */
    return rc;
}
