/*
 * trustinfo.c - what the package service tells the security service about trust
 * (proto/pkg.h PKG_TRUSTINFO): per repository, its keys and what was last verified; per
 * installed package, where it came from, who signed it, its verification and the
 * install policy that let it in, and the SHA-256 of each of its programs. The security
 * service shows it (`security trust`) and matches an image from /data/pkg to its
 * package, repository and keys for the launch policy by package and publisher; the
 * same origin goes with every packaged service made known (activate.c).
 *
 * Each repository and package is first made a record (client/pkgrec.h struct
 * pkgc_repo, pkgc_origin); PKG_TRUSTINFO writes those as one text, one record a line,
 * fields separated by tabs, each field "key=value" after the record's kind (proto/pkg.h
 * lists them), and PKG_TRUST encodes them for programs (the software center). The package's
 * origin is its provenance record (policy.c: the repository and the keys its root named
 * when it was installed); a package installed before provenance was recorded has none.
 *
 * Layer: services (package).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkgsvc.h"

static void hex8(const uint8_t *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* Copies the run of bytes of s in `set` (at most size - 1) into out; its length. */
static size_t take(const char *s, const char *set, char *out, size_t size)
{
    size_t n = s ? strspn(s, set) : 0;
    if (n >= size)
        n = size - 1;
    memcpy(out, s ? s : "", n);
    out[n] = 0;
    return n;
}

#define NAME_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_+.-"

/* "  from <repo> (<url>), root version R, keys a,b\n  verified snapshot S, targets T;
 * ...\n  installed in generation G by <who>," from the provenance record (policy.c
 * write_prov). */
static void origin_more(const char *text, struct pkgsvc_origin *o)
{
    const char *from = strstr(text, "from "), *rv = strstr(text, "), root version ");
    const char *gen = strstr(text, "installed in generation "), *by = gen ? strstr(gen, " by ") : NULL;
    size_t at = from ? 5 + strlen(o->repo) + 2 : 0; /* "from <repo> (" */
    if (from && rv && rv >= from + at && (size_t)(rv - from - at) < sizeof o->url)
        snprintf(o->url, sizeof o->url, "%.*s", (int)(rv - from - at), from + at);
    if (rv)
        o->root_version = (uint32_t)strtoul(rv + 16, NULL, 10);
    if (gen)
        o->generation = (uint32_t)strtoul(gen + 24, NULL, 10);
    if (by)
        take(by + 4, NAME_CHARS, o->who, sizeof o->who);
}

int pkgsvc_origin(const struct pkg_avail *a, struct pkgsvc_origin *o)
{
    char *text = NULL;
    size_t len = 0;
    memset(o, 0, sizeof *o);
    if (pkgsvc_prov_read(a, &text, &len))
        return SOS_ERR_NOT_FOUND;
    const char *from = strstr(text, "from "), *keys = strstr(text, ", keys ");
    const char *snap = strstr(text, "verified snapshot "), *end = snap ? strchr(snap, ';') : NULL;
    int rc = SOS_ERR_BAD_FORMAT;
    if (from && keys && take(from + 5, NAME_CHARS, o->repo, sizeof o->repo) &&
        take(keys + 7, "0123456789abcdef,", o->keys, sizeof o->keys)) {
        if (end && (size_t)(end - snap) - 9 < sizeof o->verified)
            snprintf(o->verified, sizeof o->verified, "%.*s", (int)(end - snap - 9), snap + 9);
        origin_more(text, o);
        rc = 0;
    }
    free(text);
    return rc;
}

/* Appends printf output to out[size] at *at (cut when full). */
static void add(char *out, size_t size, size_t *at, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void add(char *out, size_t size, size_t *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = *at < size ? vsnprintf(out + *at, size - *at, fmt, ap) : 0;
    va_end(ap);
    if (n > 0)
        *at = *at + (size_t)n < size ? *at + (size_t)n : size;
}

/* Bytes outside printable ASCII (a url as typed) as '?': a record's strings are text. */
static void printable(char *s)
{
    for (; *s; s++)
        if (*s < ' ' || *s > '~')
            *s = '?';
}

static void repo_record(const struct pkgsvc_repo *r, struct pkgc_repo *out)
{
    const struct tuf_root *root = &r->tuf.root;
    static const char *const roles[TUF_ROLES] = {"root", "targets", "snapshot", "timestamp"};
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", r->name);
    snprintf(out->url, sizeof out->url, "%s", r->url);
    printable(out->url);
    out->root_version = root->version;
    out->expires = root->expires;
    out->snapshot = r->tuf.version[TUF_SNAPSHOT];
    out->targets = r->tuf.version[TUF_TARGETS];
    out->packages = r->index.count;
    out->clock = pkgsvc_now() ? (pkgsvc_now() < root->expires ? PKG_CLOCK_VALID : PKG_CLOCK_EXPIRED)
                              : PKG_CLOCK_NONE;
    size_t at = 0;
    for (uint32_t i = 0; i < root->nkeys; i++) {
        char id[2 * META_KEYID_SIZE + 1];
        hex8(root->keys[i].id, META_KEYID_SIZE, id);
        add(out->keys, sizeof out->keys, &at, "%s%s:", i ? "," : "", id);
        int n = 0;
        for (int role = 0; role < TUF_ROLES; role++)
            for (uint32_t k = 0; k < root->role[role].nids; k++)
                if (!memcmp(root->role[role].ids[k], root->keys[i].id, META_KEYID_SIZE))
                    add(out->keys, sizeof out->keys, &at, "%s%s", n++ ? "+" : "", roles[role]);
    }
}

static void say_repo(const struct pkgsvc_repo *r)
{
    static const char *const clock[PKG_CLOCK_COUNT] = {"none", "valid", "expired"};
    static struct pkgc_repo rec;
    repo_record(r, &rec);
    pkgsvc_say("repo\tname=%s\turl=%s\troot=%u\texpires=%llu\tsnapshot=%u\ttargets=%u\t"
               "packages=%u\tclock=%s\tkeys=%s\n", rec.name, rec.url, (unsigned)rec.root_version,
               (unsigned long long)rec.expires, (unsigned)rec.snapshot, (unsigned)rec.targets,
               (unsigned)rec.packages, clock[rec.clock], rec.keys);
}

/* Whether the repository's verified index still lists a at the same bytes. */
static bool listed(const struct pkg_avail *a, const char *repo)
{
    for (int k = 0; k < PKGSVC_REPOS; k++) {
        const struct pkgsvc_repo *r = &g_pkg.repo[k];
        if (!r->name[0] || strcmp(r->name, repo))
            continue;
        const struct pkg_avail *x = pkg_index_find(&r->index, a->name, &a->version);
        return x && !memcmp(x->sha256, a->sha256, SHA256_SIZE);
    }
    return false;
}

/* The package's programs' hashes, comma-separated; whether one is `want` (if given). */
static bool programs(const struct pkg_avail *a, const char *want, char *out, size_t size)
{
    static struct pkg p;
    uint8_t *data = NULL;
    struct errmsg err = {0};
    bool found = false;
    out[0] = 0;
    if (pkgdb_load_pkg(&g_pkg.db, a, &data, &p, &err))
        return false;
    size_t at = 0;
    for (uint32_t i = 0; i < p.info.file_count; i++) {
        if (p.info.file[i].kind != BUNDLE_KIND_EXECUTABLE)
            continue;
        char h[PKG_HEX_SIZE + 1];
        pkg_hex(p.info.file[i].sha256, h);
        found |= want && !strcmp(h, want);
        if (at < size)
            at += (size_t)snprintf(out + at, size - at, "%s%s", at ? "," : "", h);
    }
    free(data);
    return found;
}

static void origin_record(const struct pkg_avail *a, const char *exes, struct pkgc_origin *out)
{
    struct pkgsvc_origin o;
    bool known = pkgsvc_origin(a, &o) == 0;
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", a->name);
    snprintf(out->version, sizeof out->version, "%s", a->version_text);
    pkg_hex(a->sha256, out->sha256);
    pkgsvc_policy_why(known ? o.repo : "", a->name, out->policy, sizeof out->policy);
    printable(out->policy);
    snprintf(out->images, sizeof out->images, "%s", exes);
    if (!known)
        return;
    out->flags = PKG_ORIGIN_RECORDED | (listed(a, o.repo) ? PKG_ORIGIN_LISTED : 0);
    snprintf(out->repo, sizeof out->repo, "%s", o.repo);
    snprintf(out->url, sizeof out->url, "%s", o.url);
    printable(out->url);
    out->root_version = o.root_version;
    snprintf(out->keys, sizeof out->keys, "%s", o.keys);
    snprintf(out->verified, sizeof out->verified, "%s", o.verified);
    out->generation = o.generation;
    snprintf(out->who, sizeof out->who, "%s", o.who);
}

static void say_pkg(const struct pkg_avail *a, const char *exes)
{
    static struct pkgc_origin o;
    origin_record(a, exes, &o);
    bool known = o.flags & PKG_ORIGIN_RECORDED;
    pkgsvc_say("pkg\tname=%s\tversion=%s\trepo=%s\tkeys=%s\tverified=%s\tlisted=%s\t"
               "sha256=%.16s\tpolicy=%s\timages=%s\n", o.name, o.version, o.repo, o.keys,
               known ? (o.verified[0] ? o.verified : "yes") : "no provenance record",
               o.flags & PKG_ORIGIN_LISTED ? "yes" : "no", o.sha256, o.policy, o.images);
}

void pkgsvc_trustinfo(const char *image)
{
    static char exes[8 * (PKG_HEX_SIZE + 1)];
    for (int k = 0; !image[0] && k < PKGSVC_REPOS; k++)
        if (g_pkg.repo[k].name[0])
            say_repo(&g_pkg.repo[k]);
    for (uint32_t i = 0; i < g_pkg.db.cur.set.count; i++) {
        const struct pkg_avail *a = &g_pkg.db.cur.set.pkg[i];
        bool mine = programs(a, image[0] ? image : NULL, exes, sizeof exes);
        if (!image[0] || mine)
            say_pkg(a, exes);
    }
}

void pkgsvc_trust_records(const char *name, struct sl_msg *m)
{
    static char exes[8 * (PKG_HEX_SIZE + 1)];
    static struct pkgc_repo rec;
    static struct pkgc_origin o;
    uint32_t n = 0;
    for (int k = 0; k < PKGSVC_REPOS; k++)
        n += g_pkg.repo[k].name[0] != 0;
    _Static_assert(PKGSVC_REPOS <= PKG_TRUST_REPOS, "a PKG_TRUST reply holds every repository");
    sl_msg_put_u32(m, n);
    for (int k = 0; k < PKGSVC_REPOS; k++)
        if (g_pkg.repo[k].name[0]) {
            repo_record(&g_pkg.repo[k], &rec);
            pkgc_repo_put(m, &rec);
        }
    const struct pkg_avail *a = NULL;
    for (uint32_t i = 0; i < g_pkg.db.cur.set.count; i++)
        if (!strcmp(g_pkg.db.cur.set.pkg[i].name, name))
            a = &g_pkg.db.cur.set.pkg[i];
    sl_msg_put_u32(m, a ? 1 : 0);
    if (a) {
        programs(a, NULL, exes, sizeof exes);
        origin_record(a, exes, &o);
        pkgc_origin_put(m, &o);
    }
}
