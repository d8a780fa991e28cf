/*
 * pkg_tuf.c - TUF roles and the client's update procedure (pkg_tuf.h).
 *
 * Each step decodes a file (pkg_meta's envelope, then the role's own lines from its
 * signed part) and checks it with meta_check against the keys the trusted root gives
 * the role. The new state is built in a copy and written back only at the end, so a
 * refusal at any step leaves what the client trusts as it was.
 *
 * Layer: common (freestanding; built for userspace and the host tools).
 */
#include "pkg_tuf.h"

#include <sos/errors.h>

#include "../fmt.h"
#include "../hash/sha256.h"
#include "../manifest/manifest_impl.h"
#include "pkg_impl.h"

static const char *const g_role_name[TUF_ROLES] = {"root", "targets", "snapshot", "timestamp"};

/* ---- decoding the roles' own lines */

struct rparse {
    struct errmsg_pos lp;
    struct tuf_root *root;   /* root files */
    const char *want;        /* meta= / target= files: the name looked for */
    uint32_t version;
    uint8_t sha[SHA256_SIZE];
    uint32_t size;
    bool found;
};

static int role_index(const char *w, size_t n)
{
    for (int r = 0; r < TUF_ROLES; r++)
        if (pkg_key_is(w, n, g_role_name[r]))
            return r;
    return -1;
}

static int root_keys_line(struct rparse *p, const char *v, size_t vn)
{
    const char *w[4];
    size_t wl[4], i = 0;
    for (int k = 0; k < 4; k++)
        wl[k] = pkg_word(v, vn, &i, &w[k]);
    int r = role_index(w[0], wl[0]);
    uint32_t th;
    if (r < 0 || wl[3] || pkg_parse_size(w[1], wl[1], &th) || th == 0)
        return errmsg_pos_set(&p->lp, SOS_ERR_INVALID_ARGS, "role_keys= takes ROLE THRESHOLD IDS");
    struct tuf_role_keys *rk = &p->root->role[r];
    rk->threshold = th;
    rk->nids = 0;
    for (size_t at = 0; at < wl[2]; at += 2 * META_KEYID_SIZE + 1) {
        if (rk->nids == TUF_MAX_KEYS ||
            pkg_unhex(w[2] + at, wl[2] - at < 2 * META_KEYID_SIZE ? wl[2] - at
                      : 2 * META_KEYID_SIZE, rk->ids[rk->nids], META_KEYID_SIZE))
            return errmsg_pos_set(&p->lp, SOS_ERR_INVALID_ARGS, "bad keyid list");
        rk->nids++;
    }
    return 0;
}

static int role_line(void *ctx, const char *k, size_t kl, const char *v, size_t vn)
{
    struct rparse *p = ctx;
    if (p->root && pkg_key_is(k, kl, "key")) {
        struct tuf_root *rt = p->root;
        if (rt->nkeys == TUF_MAX_KEYS || pkg_unhex(v, vn, rt->keys[rt->nkeys].pub, 32))
            return errmsg_pos_set(&p->lp, SOS_ERR_INVALID_ARGS, "key= takes 64 hex digits");
        meta_keyid(rt->keys[rt->nkeys].pub, rt->keys[rt->nkeys].id);
        rt->nkeys++;
        return 0;
    }
    if (p->root && pkg_key_is(k, kl, "role_keys"))
        return root_keys_line(p, v, vn);
    if (p->root && pkg_key_is(k, kl, "consistent_snapshot")) {
        if (!pkg_key_is(v, vn, "true") && !pkg_key_is(v, vn, "false"))
            return errmsg_pos_set(&p->lp, SOS_ERR_INVALID_ARGS, "consistent_snapshot= takes true or false");
        p->root->consistent_snapshot = pkg_key_is(v, vn, "true");
        return 0;
    }
    bool meta = pkg_key_is(k, kl, "meta"), target = pkg_key_is(k, kl, "target");
    if (!p->want || (!meta && !target))
        return 0;
    const char *w[5];
    size_t wl[5], i = 0;
    for (int n = 0; n < 5; n++)
        wl[n] = pkg_word(v, vn, &i, &w[n]);
    if (!pkg_key_is(w[0], wl[0], p->want))
        return 0;
    int base = meta ? 2 : 1; /* meta= has a version before the hash */
    if ((meta && pkg_parse_size(w[1], wl[1], &p->version)) ||
        pkg_parse_hex(w[base], wl[base], p->sha) || pkg_parse_size(w[base + 1], wl[base + 1],
                                                                   &p->size))
        return errmsg_pos_set(&p->lp, SOS_ERR_INVALID_ARGS, "bad %s line", meta ? "meta=" : "target=");
    p->found = true;
    return 0;
}

/* Parses text as a file of `role` and checks it against keys from `trust`. */
static int checked(const char *text, size_t len, int role, const struct tuf_root *trust,
                   uint32_t min_version, uint64_t now, meta_verify_fn verify,
                   struct meta *m, struct errmsg *err)
{
    static struct meta_key keys[TUF_MAX_KEYS];
    const struct tuf_role_keys *rk = &trust->role[role];
    uint32_t n = 0;
    for (uint32_t i = 0; i < rk->nids; i++)
        for (uint32_t k = 0; k < trust->nkeys; k++) {
            bool same = true;
            for (int b = 0; b < META_KEYID_SIZE; b++)
                same &= trust->keys[k].id[b] == rk->ids[i][b];
            if (same && n < TUF_MAX_KEYS)
                keys[n++] = trust->keys[k];
        }
    int rc = meta_parse(text, len, m, err);
    if (!rc)
        rc = meta_check(m, text, keys, n, rk->threshold ? rk->threshold : 1,
                        g_role_name[role], min_version, now, verify, err);
    return rc;
}

static int parse_root(const char *text, const struct meta *m, struct tuf_root *out,
                      struct errmsg *err)
{
    struct rparse p = {.lp = {.file = "root", .err = err}, .root = out};
    *out = (struct tuf_root){.version = m->version, .expires = m->expires};
    int rc = pkg_each_line(&p.lp, text, m->signed_len, role_line, &p);
    for (int r = 0; !rc && r < TUF_ROLES; r++)
        if (!out->role[r].threshold || out->role[r].nids < out->role[r].threshold)
            rc = errmsg_set(err, SOS_ERR_INVALID_ARGS, "root %u: role %s has no threshold it "
                            "can meet", (unsigned)m->version, g_role_name[r]);
    return rc;
}

int tuf_root_load(const char *text, size_t len, uint64_t now, meta_verify_fn verify,
                  struct tuf_state *st, struct errmsg *err)
{
    static struct tuf_root root;
    struct meta m;
    int rc = meta_parse(text, len, &m, err);
    if (!rc)
        rc = parse_root(text, &m, &root, err);
    if (!rc)
        rc = checked(text, len, TUF_ROOT, &root, 0, now, verify, &m, err);
    if (!rc)
        *st = (struct tuf_state){.root = root, .version = {root.version}};
    return rc;
}

/* ---- the update procedure */

static bool same_file(const char *buf, size_t len, const struct rparse *a)
{
    uint8_t sha[SHA256_SIZE];
    sha256(buf, len, sha);
    bool same = len == a->size;
    for (int i = 0; i < SHA256_SIZE; i++)
        same &= sha[i] == a->sha[i];
    return same;
}

static int get(tuf_get_fn fn, void *ctx, const char *name, char *buf, size_t cap, size_t *len,
               struct errmsg *err)
{
    int rc = fn(ctx, name, buf, cap, len);
    if (rc == SOS_ERR_OUT_OF_RANGE)
        return errmsg_set(err, rc, "%s: endless data attack: more than %zu bytes", name, cap);
    return rc ? errmsg_set(err, rc, "%s: cannot be fetched", name) : 0;
}

/* Every next root: N+1 signed by N's root keys and its own, version exactly N+1. */
static int update_root(struct tuf_state *nst, tuf_get_fn fn, void *ctx, uint64_t now,
                       meta_verify_fn verify, char *buf, size_t cap, struct errmsg *err)
{
    static struct tuf_root next;
    for (int step = 0; step < TUF_MAX_ROOT_STEPS; step++) {
        char name[24];
        size_t len;
        struct meta m;
        k_snprintf(name, sizeof name, "root.%u", (unsigned)nst->root.version + 1);
        int rc = fn(ctx, name, buf, cap < TUF_ROOT_MAX ? cap : TUF_ROOT_MAX, &len);
        if (rc == SOS_ERR_NOT_FOUND)
            return 0;
        if (rc)
            return errmsg_set(err, rc, "%s: %s", name, rc == SOS_ERR_OUT_OF_RANGE ?
                              "endless data attack: longer than a root may be" :
                              "cannot be fetched");
        /* No expiry check on an intermediate root: only the last must be current. */
        rc = checked(buf, len, TUF_ROOT, &nst->root, nst->root.version + 1, 0, verify, &m, err);
        if (!rc)
            rc = parse_root(buf, &m, &next, err);
        if (!rc)
            rc = checked(buf, len, TUF_ROOT, &next, nst->root.version + 1, 0, verify, &m, err);
        if (!rc && m.version != nst->root.version + 1)
            rc = errmsg_set(err, SOS_ERR_BAD_STATE, "%s says version %u", name,
                            (unsigned)m.version);
        if (rc)
            return rc;
        nst->root = next;
        nst->version[TUF_ROOT] = next.version;
    }
    return 0;
}

/* One of timestamp, snapshot, targets: fetched within want_size (or max), hash and
 * version as announced (when announced), then checked; *out gets what it announces. */
static int update_role(struct tuf_state *nst, int role, const struct rparse *announced,
                       const char *next_name, struct rparse *out, tuf_get_fn fn, void *ctx,
                       uint64_t now, meta_verify_fn verify, char *buf, size_t cap,
                       struct errmsg *err)
{
    const char *name = g_role_name[role];
    char file[24];
    size_t len, limit = announced ? announced->size : TUF_TIMESTAMP_MAX;
    struct meta m;
    if (announced && nst->root.consistent_snapshot) /* N.snapshot, N.targets */
        k_snprintf(file, sizeof file, "%u.%s", (unsigned)announced->version, name);
    else
        k_snprintf(file, sizeof file, "%s", name);
    int rc = get(fn, ctx, file, buf, limit < cap ? limit : cap, &len, err);
    if (rc)
        return rc;
    if (announced && !same_file(buf, len, announced))
        return errmsg_set(err, SOS_ERR_CORRUPT, "%s: mix-and-match attack: not the file the "
                          "%s announces (hash or length)", name, g_role_name[role + 1]);
    rc = checked(buf, len, role, &nst->root, nst->version[role], now, verify, &m, err);
    if (!rc && announced && m.version != announced->version)
        rc = errmsg_set(err, SOS_ERR_BAD_STATE, "%s: fast-forward or mix-and-match attack: "
                        "version %u, the %s announces %u", name, (unsigned)m.version,
                        g_role_name[role + 1], (unsigned)announced->version);
    *out = (struct rparse){.lp = {.file = name, .err = err}, .want = next_name};
    if (!rc)
        rc = pkg_each_line(&out->lp, buf, m.signed_len, role_line, out);
    if (!rc && !out->found)
        rc = errmsg_set(err, SOS_ERR_INVALID_ARGS, "%s names no %s", name, next_name);
    if (!rc)
        nst->version[role] = m.version;
    return rc;
}

int tuf_update(struct tuf_state *st, tuf_get_fn fn, void *ctx, uint64_t now,
               meta_verify_fn verify, char *buf, size_t cap, const char **index,
               size_t *index_len, struct errmsg *err)
{
    static struct tuf_state nst;
    static struct rparse ts, snap, tg;
    nst = *st;
    int rc = update_root(&nst, fn, ctx, now, verify, buf, cap, err);
    if (!rc && nst.root.expires <= now)
        rc = errmsg_set(err, SOS_ERR_BAD_STATE, "root: freeze attack: root %u expired",
                        (unsigned)nst.root.version);
    if (!rc)
        rc = update_role(&nst, TUF_TIMESTAMP, NULL, "snapshot", &ts, fn, ctx, now, verify, buf,
                         cap, err);
    if (!rc)
        rc = update_role(&nst, TUF_SNAPSHOT, &ts, "targets", &snap, fn, ctx, now, verify, buf,
                         cap, err);
    if (!rc)
        rc = update_role(&nst, TUF_TARGETS, &snap, "index", &tg, fn, ctx, now, verify, buf,
                         cap, err);
    size_t len = 0;
    char index_file[2 * SHA256_SIZE + 8];
    if (!rc)
        rc = tuf_target_name(&nst.root, "index", tg.sha, index_file, sizeof index_file);
    if (!rc) {
        rc = fn(ctx, index_file, buf, tg.size < cap ? tg.size : cap, &len);
        if (rc == SOS_ERR_OUT_OF_RANGE) /* never read past what the targets role signed */
            rc = errmsg_set(err, SOS_ERR_CORRUPT, "index: not the file the targets role "
                            "signed (longer: extraneous dependencies, or wrong software "
                            "installation)");
        else if (rc)
            rc = errmsg_set(err, rc, "index: cannot be fetched");
    }
    if (!rc && !same_file(buf, len, &tg))
        rc = errmsg_set(err, SOS_ERR_CORRUPT, "index: not the file the targets role signed "
                        "(wrong software installation, or extraneous dependencies)");
    if (rc)
        return rc;
    *st = nst;
    *index = buf;
    *index_len = len;
    return 0;
}

int tuf_target_name(const struct tuf_root *root, const char *path, const uint8_t sha[32],
                    char *out, size_t size)
{
    size_t dir = 0, n = 0;
    for (size_t i = 0; path[i]; i++)
        if (path[i] == '/')
            dir = i + 1;
    if (!root->consistent_snapshot) {
        n = (size_t)k_snprintf(out, size, "%s", path);
    } else {
        char hex[2 * SHA256_SIZE + 1];
        pkg_hex(sha, hex);
        n = (size_t)k_snprintf(out, size, "%.*s%s.%s", (int)dir, path, hex, path + dir);
    }
    return n < size ? 0 : SOS_ERR_BUFFER_TOO_SMALL;
}
