/*
 * trustinfo.c - what the package service tells the security service about trust
 * (proto/pkg.h PKG_TRUSTINFO): per repository, its keys and what was last verified; per
 * installed package, where it came from, who signed it, its verification and the
 * install policy that let it in, and the SHA-256 of each of its programs. The security
 * service shows it (`security trust`) and matches an image from /data/pkg to its
 * package, repository and keys for the launch policy by package and publisher; the
 * same origin goes with every packaged service made known (activate.c).
 *
 * The answer is one text of records, one per line, fields separated by tabs, each
 * field "key=value" after the record's kind (proto/pkg.h lists them). The package's
 * origin is its provenance record (policy.c: the repository and the keys its root named
 * when it was installed); a package installed before provenance was recorded has none.
 *
 * Layer: services (package).
 */
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

/* "  from <repo> (<url>), root version N, keys a,b\n  verified snapshot S, targets T;"
 * from the provenance record (policy.c write_prov). */
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
        rc = 0;
    }
    free(text);
    return rc;
}

static void say_repo(const struct pkgsvc_repo *r)
{
    const struct tuf_root *root = &r->tuf.root;
    static const char *const roles[TUF_ROLES] = {"root", "targets", "snapshot", "timestamp"};
    pkgsvc_say("repo\tname=%s\turl=%s\troot=%u\texpires=%llu\tsnapshot=%u\ttargets=%u\t"
               "packages=%u\tclock=%s\tkeys=", r->name, r->url, (unsigned)root->version,
               (unsigned long long)root->expires, (unsigned)r->tuf.version[TUF_SNAPSHOT],
               (unsigned)r->tuf.version[TUF_TARGETS], (unsigned)r->index.count,
               pkgsvc_now() ? (pkgsvc_now() < root->expires ? "valid" : "expired") : "none");
    for (uint32_t i = 0; i < root->nkeys; i++) {
        char id[2 * META_KEYID_SIZE + 1];
        hex8(root->keys[i].id, META_KEYID_SIZE, id);
        pkgsvc_say("%s%s:", i ? "," : "", id);
        int n = 0;
        for (int role = 0; role < TUF_ROLES; role++)
            for (uint32_t k = 0; k < root->role[role].nids; k++)
                if (!memcmp(root->role[role].ids[k], root->keys[i].id, META_KEYID_SIZE))
                    pkgsvc_say("%s%s", n++ ? "+" : "", roles[role]);
    }
    pkgsvc_say("\n");
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

static void say_pkg(const struct pkg_avail *a, const char *exes)
{
    struct pkgsvc_origin o;
    char sha[PKG_HEX_SIZE + 1], why[160];
    bool known = pkgsvc_origin(a, &o) == 0;
    pkg_hex(a->sha256, sha);
    pkgsvc_policy_why(known ? o.repo : "", a->name, why, sizeof why);
    pkgsvc_say("pkg\tname=%s\tversion=%s\trepo=%s\tkeys=%s\tverified=%s\tlisted=%s\t"
               "sha256=%.16s\tpolicy=%s\timages=%s\n", a->name, a->version_text,
               known ? o.repo : "", known ? o.keys : "",
               known ? (o.verified[0] ? o.verified : "yes") : "no provenance record",
               known && listed(a, o.repo) ? "yes" : "no", sha, why, exes);
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
