/*
 * pkg_index.c - a repository's index: what versions of what packages it offers.
 *
 * `sospkg repo` writes it (image/sospkg/repo.c); the package service reads it to
 * resolve dependencies before it fetches a single package file, then checks each
 * fetched file against the SHA-256 and size the index gives:
 *
 *   format=1
 *   package=NAME VERSION ARCH SHA256 SIZE PATH
 *   depends=NAME DEPENDENCY          (NAME: a package= line above)
 *   description=NAME TEXT
 *   channel=NAME CHANNEL             (stable, the default, or testing)
 *
 * Entries are in strictly increasing (name, version) order, so a version offered
 * twice is an error and lookup needs no sort.
 *
 * Layer: common (freestanding; built for userspace and the host tools).
 */
#include "pkg_impl.h"

#include <sos/errors.h>

#include "../manifest/manifest_impl.h"

struct xparse {
    struct errmsg_pos lp;
    struct pkg_index *ix;
    bool format;
    int (*extra)(void *ctx, const char *k, size_t kl, const char *v, size_t vn,
                 struct errmsg *err);
    void *ctx;
};

/* The entry of the package= line above that names name[0..n), or NULL. */
static struct pkg_avail *owner(struct xparse *p, const char *name, size_t n)
{
    if (!p->ix->count)
        return NULL;
    struct pkg_avail *a = &p->ix->pkg[p->ix->count - 1];
    return pkg_key_is(name, n, a->name) ? a : NULL;
}

static int entry_fields(struct xparse *p, struct pkg_avail *a, const char *v, size_t vn)
{
    const char *w[7];
    size_t wl[7], i = 0;
    for (int k = 0; k < 7; k++)
        wl[k] = pkg_word(v, vn, &i, &w[k]);
    if (wl[5] == 0 || wl[6] != 0)
        return errmsg_pos_set(&p->lp, SOS_ERR_INVALID_ARGS,
                        "package= takes NAME VERSION ARCH SHA256 SIZE PATH");
    int rc = pkg_check_name(w[0], wl[0], p->lp.err);
    if (!rc)
        rc = pkg_version_parse(w[1], wl[1], &a->version, p->lp.err);
    if (rc)
        return pkg_relabel(&p->lp, rc);
    rc = pkg_copy_text(&p->lp, "name", w[0], wl[0], a->name, sizeof a->name);
    if (!rc)
        rc = pkg_copy_text(&p->lp, "version", w[1], wl[1], a->version_text,
                           sizeof a->version_text);
    if (!rc)
        rc = pkg_copy_text(&p->lp, "arch", w[2], wl[2], a->arch, sizeof a->arch);
    if (!rc && pkg_parse_hex(w[3], wl[3], a->sha256))
        rc = errmsg_pos_set(&p->lp, SOS_ERR_INVALID_ARGS, "SHA-256 must be 64 lower-case hex digits");
    if (!rc && pkg_parse_size(w[4], wl[4], &a->size))
        rc = errmsg_pos_set(&p->lp, SOS_ERR_INVALID_ARGS, "size must be a decimal below 2^32");
    if (!rc)
        rc = bundle_check_name(w[5], wl[5], p->lp.err) ? pkg_relabel(&p->lp, SOS_ERR_INVALID_ARGS)
             : pkg_copy_text(&p->lp, "path", w[5], wl[5], a->path, sizeof a->path);
    return rc;
}

static int val_package(struct xparse *p, const char *v, size_t vn)
{
    struct pkg_index *ix = p->ix;
    if (ix->count == PKG_INDEX_MAX)
        return errmsg_pos_set(&p->lp, SOS_ERR_INVALID_ARGS, "more than %d packages", PKG_INDEX_MAX);
    struct pkg_avail *a = &ix->pkg[ix->count];
    *a = (struct pkg_avail){0};
    int rc = entry_fields(p, a, v, vn);
    if (rc)
        return rc;
    if (ix->count) {
        const struct pkg_avail *prev = &ix->pkg[ix->count - 1];
        int c = 0;
        for (size_t k = 0; !c && k <= PKG_NAME_MAX; k++) {
            c = (unsigned char)prev->name[k] - (unsigned char)a->name[k];
            if (!prev->name[k])
                break;
        }
        if (c > 0 || (c == 0 && pkg_version_cmp(&prev->version, &a->version) >= 0))
            return errmsg_pos_set(&p->lp, SOS_ERR_INVALID_ARGS, "%s %s: packages must be in name "
                            "and version order, each version once", a->name, a->version_text);
    }
    ix->count++;
    return 0;
}

static const char *const g_channels[PKG_CHANNELS] = {"stable", "testing"};

const char *pkg_channel_name(unsigned channel)
{
    return channel < PKG_CHANNELS ? g_channels[channel] : "?";
}

int pkg_channel_parse(const char *name, size_t len)
{
    for (int c = 0; c < PKG_CHANNELS; c++)
        if (pkg_key_is(name, len, g_channels[c]))
            return c;
    return -1;
}

static int val_channel(struct xparse *p, struct pkg_avail *a, const char *v, size_t vn)
{
    int c = pkg_channel_parse(v, vn);
    if (c < 0)
        return errmsg_pos_set(&p->lp, SOS_ERR_INVALID_ARGS, "unknown channel (stable or testing)");
    a->channel = (uint8_t)c;
    return 0;
}

enum owned { OWN_DEPENDS, OWN_DESCRIPTION, OWN_CHANNEL, OWN_KEYS };
static const char *const g_owned[OWN_KEYS] = {"depends", "description", "channel"};

static int val_owned(struct xparse *p, enum owned key, const char *v, size_t vn)
{
    const char *w;
    bool depends = key == OWN_DEPENDS;
    size_t i = 0, wl = pkg_word(v, vn, &i, &w);
    struct pkg_avail *a = owner(p, w, wl);
    if (!a)
        return errmsg_pos_set(&p->lp, SOS_ERR_INVALID_ARGS, "%s= names a package other than the "
                        "one above", g_owned[key]);
    while (i < vn && (v[i] == ' ' || v[i] == '\t'))
        i++;
    if (key == OWN_CHANNEL)
        return val_channel(p, a, v + i, vn - i);
    if (!depends && a->description[0])
        return errmsg_pos_set(&p->lp, SOS_ERR_INVALID_ARGS, "description given twice for %s",
                        a->name);
    if (!depends)
        return pkg_copy_text(&p->lp, "description", v + i, vn - i, a->description,
                             sizeof a->description);
    if (a->dep_count == PKG_MAX_DEPENDS)
        return errmsg_pos_set(&p->lp, SOS_ERR_INVALID_ARGS, "more than %d dependencies",
                        PKG_MAX_DEPENDS);
    int rc = pkg_dep_parse(v + i, vn - i, &a->dep[a->dep_count], p->lp.err);
    if (rc)
        return pkg_relabel(&p->lp, rc);
    a->dep_count++;
    return 0;
}

static int index_line(void *ctx, const char *k, size_t kl, const char *v, size_t vn)
{
    struct xparse *p = ctx;
    if (pkg_key_is(k, kl, "format")) {
        if (p->format || vn != 1 || v[0] != '0' + PKG_FORMAT)
            return errmsg_pos_set(&p->lp, SOS_ERR_NOT_SUPPORTED,
                            "format=%d must come once, first", PKG_FORMAT);
        p->format = true;
        return 0;
    }
    if (!p->format)
        return errmsg_pos_set(&p->lp, SOS_ERR_INVALID_ARGS, "the index must start with format=");
    if (pkg_key_is(k, kl, "package"))
        return val_package(p, v, vn);
    for (int i = 0; i < OWN_KEYS; i++)
        if (pkg_key_is(k, kl, g_owned[i]))
            return val_owned(p, (enum owned)i, v, vn);
    if (p->extra) {
        int rc = p->extra(p->ctx, k, kl, v, vn, p->lp.err);
        return rc ? pkg_relabel(&p->lp, rc) : 0;
    }
    return errmsg_pos_set(&p->lp, SOS_ERR_INVALID_ARGS, "unknown key");
}

int pkg_index_parse(const char *text, size_t len, struct pkg_index *ix, struct errmsg *err)
{
    return pkg_index_parse_ext(text, len, ix, NULL, NULL, err);
}

int pkg_index_parse_ext(const char *text, size_t len, struct pkg_index *ix,
                        int (*extra)(void *ctx, const char *k, size_t kl, const char *v,
                                     size_t vn, struct errmsg *err),
                        void *ctx, struct errmsg *err)
{
    struct xparse p = {.lp = {.file = "index", .err = err}, .ix = ix, .extra = extra,
                       .ctx = ctx};

    ix->count = 0;
    if (len > PKG_INDEX_TEXT_MAX)
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "index is %zu bytes, at most %d", len,
                          PKG_INDEX_TEXT_MAX);
    int rc = pkg_each_line(&p.lp, text, len, index_line, &p);
    if (!rc && !p.format)
        rc = errmsg_set(err, SOS_ERR_INVALID_ARGS, "index: empty (no format= line)");
    if (rc)
        ix->count = 0;
    return rc;
}

const struct pkg_avail *pkg_index_find(const struct pkg_index *ix, const char *name,
                                       const struct pkg_version *v)
{
    const struct pkg_avail *best = NULL;
    for (uint32_t i = 0; i < ix->count; i++)
        if (m_streq(ix->pkg[i].name, name) &&
            (v ? pkg_version_cmp(&ix->pkg[i].version, v) == 0 : true))
            best = &ix->pkg[i]; /* in version order: the last match is the newest */
    return best;
}

int pkg_index_format(const struct pkg_index *ix, char *out, size_t cap, size_t *written)
{
    size_t at = 0;
    bool ok = cap > 0 && pkg_put(out, cap, &at, "format=%d\n", PKG_FORMAT);
    for (uint32_t i = 0; ok && i < ix->count; i++) {
        const struct pkg_avail *a = &ix->pkg[i];
        char hex[PKG_HEX_SIZE + 1], dep[160];
        pkg_hex(a->sha256, hex);
        ok = pkg_put(out, cap, &at, "package=%s %s %s %s %u %s\n", a->name, a->version_text,
                 a->arch, hex, (unsigned)a->size, a->path);
        for (uint32_t k = 0; ok && k < a->dep_count; k++) {
            pkg_dep_format(&a->dep[k], dep, sizeof dep);
            ok = pkg_put(out, cap, &at, "depends=%s %s\n", a->name, dep);
        }
        if (ok && a->description[0])
            ok = pkg_put(out, cap, &at, "description=%s %s\n", a->name, a->description);
        if (ok && a->channel != PKG_CHANNEL_STABLE)
            ok = pkg_put(out, cap, &at, "channel=%s %s\n", a->name, pkg_channel_name(a->channel));
    }
    if (!ok)
        return SOS_ERR_BUFFER_TOO_SMALL;
    *written = at;
    return 0;
}
