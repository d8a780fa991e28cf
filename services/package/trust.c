/*
 * trust.c - TUF in the package service (docs/packages.md, "TUF in the service"): what
 * the service trusts about each repository, how a sync moves it forward, and the
 * `pkg trust` / `pkg keys` reports.
 *
 * A repository is trusted from a root file the operator names when adding it (by
 * default the one the boot store ships, /boot/etc/pkg/trust/<name>.root). A sync runs
 * common/pkg's tuf_update over the repository's backend: every next root, then
 * timestamp -> snapshot -> targets -> index, each checked for signatures, threshold,
 * version and expiry; only an index that passes replaces the one packages are taken
 * from. Whatever the library refuses (and it names the attack) changes nothing: not
 * the trusted state in memory, not the file below, not the index.
 *
 * What is trusted is kept in the state directory, one file per repository,
 * "trust.<name>", replaced atomically: a text header (url, index length), the
 * tuf_state (root keys, thresholds, versions) and the index the targets role signed.
 * A start reads it back without fetching anything.
 *
 * Consistent snapshots (a root with consistent_snapshot=true) are tuf_update's: it
 * fetches N.snapshot, N.targets and <sha256>.index; the package files' names come from
 * tuf_target_name (repos.c's view of the index).
 *
 * The clock: expiry is checked against the kernel's clock of day (hal_wall_clock_s,
 * through the kernel statistics: the host's time in the simulator, the CMOS RTC on
 * x86_64, the PL031 on QEMU virt). A machine whose HAL reads no clock (the Pi 5) says
 * 0: expiry is then not checked, and `pkg trust` says so (the freeze attack is not
 * defended there).
 *
 * Layer: services (package).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <client/storage.h>

#include "pkgsvc.h"

#ifdef PKGSVC_ED25519
#include "ed25519_detached.h"
#endif

#define TRUST_MAGIC "sos-trust 1\n"
#define TRUST_BUF (PKG_INDEX_TEXT_MAX + 1024) /* the largest file tuf_update reads */
#define TRUST_FILE_MAX (PKG_INDEX_TEXT_MAX + sizeof(struct tuf_state) + 512)

static const char *const g_roles[TUF_ROLES] = {"root", "targets", "snapshot", "timestamp"};

uint64_t pkgsvc_now(void)
{
    struct sos_info_kstats k;
    if (!g_pkg.kernel ||
        sos_object_get_info(g_pkg.kernel, SOS_INFO_KERNEL_STATS, &k, sizeof k) != sizeof k ||
        k.wall_clock_s < 0)
        return 0;
    return (uint64_t)k.wall_clock_s;
}

static bool verify(const uint8_t pub[32], const uint8_t sig[64], const void *msg, size_t len)
{
#ifdef PKGSVC_ED25519
    return sos_ed25519_verify(pub, sig, msg, len);
#else
    (void)pub, (void)sig, (void)msg, (void)len;
    return false;
#endif
}

static int no_ed25519(struct errmsg *err)
{
#ifdef PKGSVC_ED25519
    (void)err;
    return 0;
#else
    return errmsg_set(err, SOS_ERR_NOT_SUPPORTED,
                      "this build has no Ed25519 (scripts/fetch-sources.sh): no repository "
                      "can be trusted");
#endif
}

/* tuf_get_fn over the repository's backend. */
static int get(void *ctx, const char *name, char *buf, size_t cap, size_t *len)
{
    uint8_t *data = NULL;
    struct errmsg e = {0};
    int rc = pkg_fetch_all(ctx, name, cap, &data, len, &e);
    if (!rc)
        memcpy(buf, data, *len);
    free(data);
    return rc;
}

static void trust_name(const struct pkgsvc_repo *r, char *out, size_t size)
{
    snprintf(out, size, "trust.%s", r->name);
}

static int save(const struct pkgsvc_repo *r, const struct tuf_state *st, const char *index,
                size_t len)
{
    char head[PKG_URL_MAX + 64], name[PKG_NAME_MAX + 8];
    int hn = snprintf(head, sizeof head, "%surl %s\nindex %zu\n", TRUST_MAGIC, r->url, len);
    size_t total = (size_t)hn + sizeof *st + len;
    char *buf = malloc(total);
    if (!buf)
        return SOS_ERR_NO_MEMORY;
    memcpy(buf, head, (size_t)hn);
    memcpy(buf + hn, st, sizeof *st);
    memcpy(buf + hn + sizeof *st, index, len);
    trust_name(r, name, sizeof name);
    int rc = stc_replace_file(g_pkg.state_dir, name, buf, total);
    free(buf);
    return rc;
}

int pkgsvc_trust_add(struct pkgsvc_repo *r, const char *root, size_t len, struct errmsg *err)
{
    int rc = no_ed25519(err);
    if (!rc)
        rc = tuf_root_load(root, len, pkgsvc_now(), verify, &r->tuf, err);
    if (rc)
        errmsg_prefix(err, "the root given");
    return rc;
}

int pkgsvc_trust_sync(struct pkgsvc_repo *r, struct errmsg *err)
{
    static struct pkg_index idx;
    struct tuf_state st = r->tuf;
    const char *index = NULL;
    size_t len = 0;
    char *buf = malloc(TRUST_BUF);
    if (!buf)
        return errmsg_set(err, SOS_ERR_NO_MEMORY, "no memory for the metadata");
    int rc = no_ed25519(err);
    if (!rc)
        rc = tuf_update(&st, get, &r->fetch, pkgsvc_now(), verify, buf, TRUST_BUF, &index, &len,
                        err);
    if (!rc)
        rc = pkg_index_parse(index, len, &idx, err);
    if (!rc && (rc = save(r, &st, index, len)) != 0)
        errmsg_set(err, rc, "cannot keep what was verified: %s", sos_strerror(rc));
    free(buf);
    if (rc && !strncmp(r->url, "http", 4) && pkgsvc_fetch_why()[0]) {
        char what[sizeof err->msg];
        snprintf(what, sizeof what, "%s", err->msg);
        errmsg_set(err, rc, "%s (%s)", what, pkgsvc_fetch_why());
    }
    if (rc) {
        errmsg_prefix(err, r->name);
        return rc; /* nothing trusted changed */
    }
    r->tuf = st;
    r->index = idx;
    r->synced_at = sos_clock_get();
    return 0;
}

/* The counts of a tuf_state read back are within their arrays and every role needs a
 * signature (a damaged file whose length happens to fit must neither send a loop past
 * them nor make a role's threshold 0). */
static bool state_sane(const struct tuf_state *st)
{
    if (st->root.nkeys > TUF_MAX_KEYS || st->root.consistent_snapshot > 1)
        return false;
    for (int role = 0; role < TUF_ROLES; role++)
        if (st->root.role[role].nids > TUF_MAX_KEYS || st->root.role[role].threshold == 0 ||
            st->root.role[role].threshold > st->root.role[role].nids)
            return false;
    return true;
}

/* Parses trust.<name>: the url, the state and the index it last verified. */
static int parse_trust(struct pkgsvc_repo *r, const char *text, size_t n, struct errmsg *err)
{
    size_t ml = strlen(TRUST_MAGIC), at, ilen;
    const char *url = text + ml, *nl = NULL, *il;
    if (n < ml || memcmp(text, TRUST_MAGIC, ml) || strncmp(url, "url ", 4) ||
        !(nl = memchr(url, '\n', n - ml)) || (size_t)(nl - url - 4) >= sizeof r->url)
        return errmsg_set(err, SOS_ERR_BAD_FORMAT, "trust file: bad header");
    memcpy(r->url, url + 4, (size_t)(nl - url - 4));
    r->url[nl - url - 4] = 0;
    il = nl + 1;
    char *end = NULL;
    if (strncmp(il, "index ", 6) || !(nl = memchr(il, '\n', n - (size_t)(il - text))) ||
        (ilen = strtoul(il + 6, &end, 10), end != nl))
        return errmsg_set(err, SOS_ERR_BAD_FORMAT, "trust file: bad header");
    at = (size_t)(nl + 1 - text);
    if (n - at != sizeof r->tuf + ilen)
        return errmsg_set(err, SOS_ERR_BAD_FORMAT, "trust file: %zu bytes, not %zu", n - at,
                          sizeof r->tuf + ilen);
    memcpy(&r->tuf, text + at, sizeof r->tuf);
    if (!state_sane(&r->tuf))
        return errmsg_set(err, SOS_ERR_BAD_FORMAT, "trust file: damaged state");
    return pkg_index_parse(text + at + sizeof r->tuf, ilen, &r->index, err);
}

int pkgsvc_trust_load(struct pkgsvc_repo *r, struct errmsg *err)
{
    char name[PKG_NAME_MAX + 8], *text = NULL;
    size_t n = 0;
    trust_name(r, name, sizeof name);
    int rc = stc_read_file(g_pkg.state_dir, name, TRUST_FILE_MAX, &text, &n);
    if (rc)
        return errmsg_set(err, rc, "no trusted metadata (%s): %s", name, sos_strerror(rc));
    rc = parse_trust(r, text, n, err);
    free(text);
    return rc;
}

int pkgsvc_trust_forget(const struct pkgsvc_repo *r)
{
    char name[PKG_NAME_MAX + 8];
    trust_name(r, name, sizeof name);
    int rc = stc_unlink(g_pkg.state_dir, name);
    return rc == SOS_ERR_NOT_FOUND ? 0 : rc;
}

static void hex(const uint8_t *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* The roles keyid signs for, as "root,targets,...". */
static void roles_of(const struct tuf_root *root, const uint8_t *id, char *out, size_t size)
{
    out[0] = 0;
    for (int role = 0; role < TUF_ROLES; role++)
        for (uint32_t k = 0; k < root->role[role].nids; k++)
            if (!memcmp(root->role[role].ids[k], id, META_KEYID_SIZE)) {
                size_t at = strlen(out);
                snprintf(out + at, size - at, "%s%s", at ? "," : "", g_roles[role]);
            }
}

void pkgsvc_trust_keys(const struct pkgsvc_repo *r)
{
    const struct tuf_root *root = &r->tuf.root;
    for (uint32_t i = 0; i < root->nkeys; i++) {
        char id[2 * META_KEYID_SIZE + 1], pub[65], roles[64];
        hex(root->keys[i].id, META_KEYID_SIZE, id);
        hex(root->keys[i].pub, 32, pub);
        roles_of(root, root->keys[i].id, roles, sizeof roles);
        pkgsvc_say("%s  ed25519 %s  %s  %s\n", r->name, id, roles[0] ? roles : "(no role)", pub);
    }
}

void pkgsvc_trust_report(const struct pkgsvc_repo *r)
{
    const struct tuf_state *st = &r->tuf;
    pkgsvc_say("%s  %s\n", r->name, r->url);
    uint64_t now = pkgsvc_now();
    if (now)
        pkgsvc_say("  root version %u, expires %llu (seconds since 1970; %llu days from now)\n",
                   (unsigned)st->root.version, (unsigned long long)st->root.expires,
                   (unsigned long long)(st->root.expires > now ? (st->root.expires - now) / 86400
                                                               : 0));
    else
        pkgsvc_say("  root version %u, expires %llu (seconds since 1970; not checked: this "
                   "machine has no clock of day)\n",
                   (unsigned)st->root.version, (unsigned long long)st->root.expires);
    pkgsvc_say("  files: %s\n", st->root.consistent_snapshot
                                     ? "consistent snapshots (N.snapshot, N.targets, <sha256>.<file>)"
                                     : "fixed names (snapshot, targets, index, packages/<file>)");
    for (int role = 0; role < TUF_ROLES; role++) {
        const struct tuf_role_keys *k = &st->root.role[role];
        pkgsvc_say("  %-9s threshold %u of %u key%s, trusted version %u\n", g_roles[role],
                   (unsigned)k->threshold, (unsigned)k->nids, k->nids == 1 ? "" : "s",
                   (unsigned)st->version[role]);
    }
    if (r->synced_at)
        pkgsvc_say("  last verified: snapshot %u, %u packages, %llu s after this boot's start\n",
                   (unsigned)st->version[TUF_SNAPSHOT], (unsigned)r->index.count,
                   (unsigned long long)(r->synced_at / 1000000000));
    else
        pkgsvc_say("  last verified: snapshot %u, %u packages (before this boot)\n",
                   (unsigned)st->version[TUF_SNAPSHOT], (unsigned)r->index.count);
}
