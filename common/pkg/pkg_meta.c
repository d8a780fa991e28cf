/*
 * pkg_meta.c - the envelope of signed repository metadata and its check (pkg_meta.h).
 *
 * Decode, then check: meta_parse only reads the fields and the signatures (and where
 * the signed part ends); meta_check does every trust decision, in the order an
 * attacker's file is cheapest to refuse: signatures first (nothing else in an unsigned
 * file can be believed), then the role, then the version and the expiry.
 *
 * Layer: common (freestanding; built for userspace and the host tools).
 */
#include "pkg_meta.h"

#include <sos/errors.h>

#include "../hash/sha256.h"
#include "../manifest/manifest_impl.h"
#include "pkg_impl.h"

void meta_keyid(const uint8_t pub[32], uint8_t id[META_KEYID_SIZE])
{
    uint8_t h[SHA256_SIZE];
    sha256(pub, 32, h);
    for (int i = 0; i < META_KEYID_SIZE; i++)
        id[i] = h[i];
}

struct mparse_ctx {
    struct errmsg_pos lp;
    struct meta *m;
    bool signatures;  /* a signature= line was seen: nothing else may follow */
    bool format, version, expires;
};

static int parse_signature(struct mparse_ctx *p, const char *v, size_t vn)
{
    const char *w[3];
    size_t wl[3], i = 0;
    for (int k = 0; k < 3; k++)
        wl[k] = pkg_word(v, vn, &i, &w[k]);
    struct meta *m = p->m;
    if (m->nsigs == META_MAX_SIGS)
        return errmsg_pos_set(&p->lp, SOS_ERR_INVALID_ARGS, "more than %d signatures", META_MAX_SIGS);
    struct meta_sig *s = &m->sig[m->nsigs];
    if (wl[2] || pkg_unhex(w[0], wl[0], s->keyid, META_KEYID_SIZE) ||
        pkg_unhex(w[1], wl[1], s->sig, 64))
        return errmsg_pos_set(&p->lp, SOS_ERR_INVALID_ARGS,
                        "signature= takes a 16-digit keyid and 128 hex digits");
    m->nsigs++;
    return 0;
}

static int meta_line(void *ctx, const char *k, size_t kl, const char *v, size_t vn)
{
    struct mparse_ctx *p = ctx;
    if (pkg_key_is(k, kl, "signature")) {
        p->signatures = true;
        return parse_signature(p, v, vn);
    }
    if (p->signatures)
        return errmsg_pos_set(&p->lp, SOS_ERR_INVALID_ARGS, "only signature= lines may follow one");
    if (pkg_key_is(k, kl, "format")) {
        p->format = vn == 1 && v[0] == '1';
        return p->format ? 0 : errmsg_pos_set(&p->lp, SOS_ERR_NOT_SUPPORTED, "format=1 expected");
    }
    if (pkg_key_is(k, kl, "role"))
        return pkg_copy_text(&p->lp, "role", v, vn, p->m->role, sizeof p->m->role);
    if (pkg_key_is(k, kl, "version")) {
        p->version = pkg_parse_size(v, vn, &p->m->version) == 0;
        return p->version ? 0 : errmsg_pos_set(&p->lp, SOS_ERR_INVALID_ARGS, "bad version");
    }
    if (pkg_key_is(k, kl, "expires")) {
        uint64_t e = 0;
        for (size_t i = 0; i < vn && vn <= 12; i++)
            e = v[i] >= '0' && v[i] <= '9' ? e * 10 + (uint64_t)(v[i] - '0') : UINT64_MAX;
        p->expires = vn && vn <= 12 && e != UINT64_MAX;
        p->m->expires = e;
        return p->expires ? 0 : errmsg_pos_set(&p->lp, SOS_ERR_INVALID_ARGS, "bad expires");
    }
    return 0; /* the role's own lines */
}

int meta_parse(const char *text, size_t len, struct meta *m, struct errmsg *err)
{
    struct mparse_ctx p = {.lp = {.file = "metadata", .err = err}, .m = m};
    *m = (struct meta){0};
    if (len > META_TEXT_MAX)
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "endless data attack: metadata of %zu "
                          "bytes, at most %d", len, META_TEXT_MAX);
    /* The signed part ends where the first signature= line starts. */
    size_t at = 0;
    m->signed_len = len;
    while (at < len) {
        size_t end = at;
        while (end < len && text[end] != '\n')
            end++;
        if (end - at >= 10 && pkg_key_is(text + at, 9, "signature") && text[at + 9] == '=') {
            m->signed_len = at;
            break;
        }
        at = end + 1;
    }
    int rc = pkg_each_line(&p.lp, text, len, meta_line, &p);
    if (!rc && (!p.format || !m->role[0] || !p.version || !p.expires))
        rc = errmsg_set(err, SOS_ERR_INVALID_ARGS, "metadata: format, role, version and "
                        "expires are required");
    return rc;
}

static const struct meta_key *trusted(const struct meta_key *keys, uint32_t n,
                                      const uint8_t id[META_KEYID_SIZE])
{
    for (uint32_t i = 0; i < n; i++) {
        int same = 1;
        for (int k = 0; k < META_KEYID_SIZE; k++)
            same &= keys[i].id[k] == id[k];
        if (same)
            return &keys[i];
    }
    return NULL;
}

/* Valid signatures by distinct keys of keys[]. */
static uint32_t count_valid(const struct meta *m, const char *text, const struct meta_key *keys,
                            uint32_t nkeys, meta_verify_fn verify)
{
    uint32_t valid = 0;
    bool used[64] = {false};
    for (uint32_t i = 0; i < m->nsigs; i++) {
        const struct meta_key *k = trusted(keys, nkeys, m->sig[i].keyid);
        if (!k || used[k - keys] || !verify(k->pub, m->sig[i].sig, text, m->signed_len))
            continue;
        used[k - keys] = true;
        valid++;
    }
    return valid;
}

int meta_check(const struct meta *m, const char *text, const struct meta_key *keys,
               uint32_t nkeys, uint32_t threshold, const char *role, uint32_t min_version,
               uint64_t now, meta_verify_fn verify, struct errmsg *err)
{
    if (nkeys > 64 || threshold == 0)
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "%s: bad trust (%u keys, threshold %u)",
                          role, (unsigned)nkeys, (unsigned)threshold);
    uint32_t valid = count_valid(m, text, keys, nkeys, verify);
    if (valid < threshold)
        return errmsg_set(err, SOS_ERR_ACCESS_DENIED, "%s: %u valid signature%s of the %u "
                          "required (arbitrary installation, or a key compromise below the "
                          "threshold): refused", role, (unsigned)valid, valid == 1 ? "" : "s",
                          (unsigned)threshold);
    if (!m_streq(m->role, role))
        return errmsg_set(err, SOS_ERR_ACCESS_DENIED, "%s: the file is signed as %s "
                          "(mix-and-match): refused", role, m->role);
    if (m->version < min_version)
        return errmsg_set(err, SOS_ERR_BAD_STATE, "%s: rollback attack: version %u is older "
                          "than the trusted %u", role, (unsigned)m->version,
                          (unsigned)min_version);
    if (m->expires <= now)
        return errmsg_set(err, SOS_ERR_BAD_STATE, "%s: freeze attack: it expired at %llu, "
                          "the time is %llu", role, (unsigned long long)m->expires,
                          (unsigned long long)now);
    return 0;
}
