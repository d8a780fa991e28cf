/*
 * gen.c - generations: the record of each, the pointer to the current one, and the
 * commit that makes a new one current (the only place that writes the pointer).
 *
 * A record gen/N is index text (common/pkg pkg_index) with three keys of its own:
 *
 *   format=1
 *   generation=N
 *   parent=P
 *   reason=install hello 1.1
 *   package=hello 1.1 any <sha256> <size> cache/<sha256>.pkg
 *   depends=hello base >=1
 *
 * The commit order is what makes a change atomic across a power cut (pkgdb.h): new
 * package files and objects, then the record, each under a .tmp name renamed into
 * place; sync; then current.tmp, renamed over current; sync. Until that last rename
 * is durable nothing refers to anything new.
 *
 * Layer: services (package service; also compiled for host tests).
 */
#include "pkgdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sos/errors.h>

#include "pkg_impl.h"

#define POINTER "current"
#define RECORD_MAX (PKG_INDEX_TEXT_MAX + 256)

void pkgdb_cache_path(const uint8_t sha[SHA256_SIZE], char *buf)
{
    char hex[PKG_HEX_SIZE + 1];
    pkg_hex(sha, hex);
    snprintf(buf, 96, "cache/%s.pkg", hex);
}

void pkgdb_object_path(const uint8_t sha[SHA256_SIZE], char *buf)
{
    char hex[PKG_HEX_SIZE + 1];
    pkg_hex(sha, hex);
    snprintf(buf, 96, "objects/%s", hex);
}

struct gen_keys {
    struct pkg_gen *g;
    bool number;
};

static int gen_key(void *ctx, const char *k, size_t kl, const char *v, size_t vn,
                   struct errmsg *err)
{
    struct gen_keys *gk = ctx;
    if (pkg_key_is(k, kl, "reason")) {
        size_t n = vn < PKG_TEXT_MAX ? vn : PKG_TEXT_MAX;
        memcpy(gk->g->reason, v, n);
        gk->g->reason[n] = 0;
        return 0;
    }
    uint32_t *field = pkg_key_is(k, kl, "generation") ? &gk->g->number
                      : pkg_key_is(k, kl, "parent") ? &gk->g->parent : NULL;
    if (!field)
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "unknown key");
    if (pkg_parse_size(v, vn, field))
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "not a number");
    gk->number |= field == &gk->g->number;
    return 0;
}

int pkgdb_load_gen(const struct pkgdb *db, uint32_t n, struct pkg_gen *g, struct errmsg *err)
{
    char path[32];
    uint8_t *text;
    size_t len;
    snprintf(path, sizeof path, "gen/%u", (unsigned)n);
    int rc = db->st->read(db->st->ctx, path, RECORD_MAX, &text, &len);
    if (rc)
        return errmsg_set(err, rc, "generation %u: cannot read %s", (unsigned)n, path);
    struct gen_keys gk = {g, false};
    *g = (struct pkg_gen){0};
    rc = pkg_index_parse_ext((const char *)text, len, &g->set, gen_key, &gk, err);
    free(text);
    if (!rc && (!gk.number || g->number != n || g->parent >= n))
        rc = errmsg_set(err, SOS_ERR_CORRUPT, "%s: the record is not generation %u", path,
                        (unsigned)n);
    if (rc)
        errmsg_prefix(err, path);
    return rc;
}

/* The whole of path written as path.tmp and renamed into place. */
static int put_file(const struct pkg_store *st, const char *path, const void *data,
                    size_t len, struct errmsg *err)
{
    char tmp[112];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int rc = st->write(st->ctx, tmp, data, len);
    if (!rc)
        rc = st->rename(st->ctx, tmp, path);
    return rc ? errmsg_set(err, rc, "cannot write %s", path) : 0;
}

static int format_gen(const struct pkg_gen *g, char *out, size_t cap, size_t *len)
{
    size_t at = 0, n = 0;
    /* pkg_index_format starts with format=1; the record's own keys follow it. */
    int rc = pkg_index_format(&g->set, out, cap, &n);
    if (rc)
        return rc;
    size_t head = 9; /* "format=1\n" */
    char own[PKG_TEXT_MAX + 64];
    if (!pkg_put(own, sizeof own, &at, "generation=%u\nparent=%u\nreason=%s\n",
                 (unsigned)g->number, (unsigned)g->parent, g->reason) || n + at > cap)
        return SOS_ERR_BUFFER_TOO_SMALL;
    memmove(out + head + at, out + head, n - head);
    memcpy(out + head, own, at);
    *len = n + at;
    return 0;
}

/* Unpacks every file of the package in data[0..size) to objects/<sha256>. */
static int put_objects(const struct pkg_store *st, const uint8_t *data, size_t size,
                       struct errmsg *err)
{
    static struct pkg p;
    int rc = pkg_open(&p, data, size, err);
    for (uint32_t i = 0; !rc && i < p.info.file_count; i++) {
        const struct pkg_file *f = &p.info.file[i];
        char path[96];
        uint8_t *buf = malloc(f->size ? f->size : 1);
        if (!buf)
            return errmsg_set(err, SOS_ERR_NO_MEMORY, "out of memory for %s", f->path);
        pkgdb_object_path(f->sha256, path);
        rc = pkg_read_file(&p, f, buf, f->size, err);
        if (!rc)
            rc = put_file(st, path, buf, f->size, err);
        free(buf);
    }
    return rc;
}

int pkgdb_commit(struct pkgdb *db, struct pkg_gen *g, const struct pkgdb_new *pkgs, size_t n,
                 struct errmsg *err)
{
    const struct pkg_store *st = db->st;
    char path[96];
    int rc = 0;
    g->number = db->cur.number + 1;
    for (size_t i = 0; !rc && i < n; i++) {
        pkgdb_cache_path(pkgs[i].avail->sha256, path);
        rc = put_file(st, path, pkgs[i].data, pkgs[i].size, err);
        if (!rc)
            rc = put_objects(st, pkgs[i].data, pkgs[i].size, err);
    }
    char *text = rc ? NULL : malloc(RECORD_MAX);
    size_t len = 0;
    if (!rc && (!text || format_gen(g, text, RECORD_MAX, &len)))
        rc = errmsg_set(err, SOS_ERR_NO_MEMORY, "generation record too large");
    snprintf(path, sizeof path, "gen/%u", (unsigned)g->number);
    if (!rc)
        rc = put_file(st, path, text, len, err);
    free(text);
    if (!rc && (rc = st->sync(st->ctx)) != 0)
        errmsg_set(err, rc, "sync before the switch failed");
    char pointer[16];
    snprintf(pointer, sizeof pointer, "%u\n", (unsigned)g->number);
    if (!rc)
        rc = put_file(st, POINTER, pointer, strlen(pointer), err);
    if (rc)
        return rc;
    /* The pointer names the new generation now: it is current, durable or not. */
    static struct pkg_gen old;
    old = db->cur;
    db->cur = *g;
    if (db->hooks.changed)
        db->hooks.changed(db->hooks.ctx, &old, &db->cur);
    if ((rc = st->sync(st->ctx)) != 0)
        errmsg_set(err, rc, "generation %u is current, but the sync after the switch "
                   "failed: a power cut may still return to generation %u",
                   (unsigned)g->number, (unsigned)g->parent);
    return rc;
}

/* Names ending in ".tmp" in one directory: what interrupted changes left. Collected
 * during the listing and removed after it. */
struct sweep {
    char name[16][PKG_HEX_SIZE + 16];
    uint32_t count;
};

static void sweep_one(void *arg, const char *name)
{
    struct sweep *s = arg;
    size_t n = strlen(name);
    if (n >= 4 && !strcmp(name + n - 4, ".tmp") && n < sizeof s->name[0] && s->count < 16)
        strcpy(s->name[s->count++], name);
}

static void sweep_dir(const struct pkg_store *st, const char *dir)
{
    static struct sweep s;
    do {
        s.count = 0;
        st->list(st->ctx, dir, sweep_one, &s);
        for (uint32_t i = 0; i < s.count; i++) {
            char path[112];
            snprintf(path, sizeof path, "%s%s%s", dir, *dir ? "/" : "", s.name[i]);
            if (st->remove(st->ctx, path))
                return;
        }
    } while (s.count == 16);
}

static int read_pointer(const struct pkg_store *st, uint32_t *n, struct errmsg *err)
{
    uint8_t *text;
    size_t len;
    int rc = st->read(st->ctx, POINTER, 16, &text, &len);
    if (rc == SOS_ERR_NOT_FOUND) {
        *n = 0;
        return 0;
    }
    if (rc)
        return errmsg_set(err, rc, "cannot read the generation pointer");
    while (len && (text[len - 1] == '\n'))
        len--;
    rc = pkg_parse_size((const char *)text, len, n);
    free(text);
    return rc ? errmsg_set(err, SOS_ERR_CORRUPT, "the generation pointer is damaged") : 0;
}

int pkgdb_open(struct pkgdb *db, const struct pkg_store *st, const char *arch,
               struct errmsg *err)
{
    static const char *const dirs[] = {"", "gen", "cache", "objects"};
    db->st = st;
    snprintf(db->arch, sizeof db->arch, "%s", arch);
    db->cur = (struct pkg_gen){0};
    for (size_t i = 0; i < 4; i++)
        sweep_dir(st, dirs[i]);
    uint32_t n;
    int rc = read_pointer(st, &n, err);
    if (!rc && n)
        rc = pkgdb_load_gen(db, n, &db->cur, err);
    return rc;
}

int pkgdb_load_pkg(const struct pkgdb *db, const struct pkg_avail *a, uint8_t **data,
                   struct pkg *p, struct errmsg *err)
{
    char path[96];
    size_t len;
    uint8_t sha[SHA256_SIZE];
    *data = NULL;
    pkgdb_cache_path(a->sha256, path);
    int rc = db->st->read(db->st->ctx, path, a->size, data, &len);
    if (rc)
        return errmsg_set(err, rc, "%s %s: cached package %s cannot be read", a->name,
                          a->version_text, path);
    sha256(*data, len, sha);
    if (len != a->size || memcmp(sha, a->sha256, SHA256_SIZE))
        rc = errmsg_set(err, SOS_ERR_CORRUPT, "%s %s: cached package %s is damaged", a->name,
                        a->version_text, path);
    if (!rc)
        rc = pkg_open(p, *data, len, err);
    if (rc) {
        free(*data);
        *data = NULL;
    }
    return rc;
}
