/*
 * pkg_info.c - package.info, the package manifest: parse and format.
 *
 * The text is key=value lines like a service manifest (docs/manifests.md): blanks
 * around key and value are ignored, '#' starts a comment line, "\r\n" is fine.
 *
 *   format=1                 required, first key known to this reader
 *   name=hello               required
 *   version=1.2.0            required
 *   arch=any                 required: any, x86_64 or aarch64
 *   description=...          optional, printable, up to 79 bytes
 *   depends=libgreet >=1 <2  repeats
 *   file=PATH KIND SHA256 SIZE   repeats; KIND manifest|executable|config|data
 *
 * pkg_info_format writes the same keys back in this order, so a parsed manifest
 * formats to text that parses to the same struct (the fuzzer checks that).
 *
 * Layer: common (freestanding; built for userspace and the host tools).
 */
#include "pkg.h"

#include <stdarg.h>

#include <sos/errors.h>

#include "../fmt.h"
#include "../hash/hex.h"
#include "../manifest/manifest_impl.h"
#include "pkg_impl.h"

struct iparse {
    struct errmsg_pos lp; /* first: the line walk hands this struct to parse_line */
    struct pkg_info *info;
    bool seen[5]; /* format, name, version, arch, description */
};

#define perr(p, ...) errmsg_pos_set(&(p)->lp, __VA_ARGS__)
#define relabel(p, rc) pkg_relabel(&(p)->lp, rc)

static int copy_text(struct iparse *p, const char *key, const char *v, size_t n, char *dst,
                     size_t cap)
{
    return pkg_copy_text(&p->lp, key, v, n, dst, cap);
}

static int val_format(struct iparse *p, const char *v, size_t n)
{
    if (n != 1 || v[0] != '0' + PKG_FORMAT)
        return perr(p, SOS_ERR_NOT_SUPPORTED, "unsupported package format (this reader "
                    "knows format=%d)", PKG_FORMAT);
    return 0;
}

static int val_name(struct iparse *p, const char *v, size_t n)
{
    int rc = pkg_check_name(v, n, p->lp.err);
    if (rc)
        return relabel(p, rc);
    return copy_text(p, "name", v, n, p->info->name, sizeof p->info->name);
}

static int val_version(struct iparse *p, const char *v, size_t n)
{
    int rc = pkg_version_parse(v, n, &p->info->version, p->lp.err);
    if (rc)
        return relabel(p, rc);
    return copy_text(p, "version", v, n, p->info->version_text,
                     sizeof p->info->version_text);
}

static int val_arch(struct iparse *p, const char *v, size_t n)
{
    static const char *const known[] = {"any", "x86_64", "aarch64"};
    for (size_t i = 0; i < 3; i++)
        if (m_strlen(known[i]) == n && copy_text(p, "arch", v, n, p->info->arch,
                                                 sizeof p->info->arch) == 0 &&
            m_streq(p->info->arch, known[i]))
            return 0;
    p->info->arch[0] = 0;
    return perr(p, SOS_ERR_INVALID_ARGS, "arch must be any, x86_64 or aarch64");
}

static int val_description(struct iparse *p, const char *v, size_t n)
{
    return copy_text(p, "description", v, n, p->info->description,
                     sizeof p->info->description);
}

static int val_depends(struct iparse *p, const char *v, size_t n)
{
    struct pkg_info *in = p->info;
    if (in->dep_count == PKG_MAX_DEPENDS)
        return perr(p, SOS_ERR_INVALID_ARGS, "more than %d dependencies", PKG_MAX_DEPENDS);
    struct pkg_dep *d = &in->dep[in->dep_count];
    int rc = pkg_dep_parse(v, n, d, p->lp.err);
    if (rc)
        return relabel(p, rc);
    for (uint32_t i = 0; i < in->dep_count; i++)
        if (m_streq(in->dep[i].name, d->name))
            return perr(p, SOS_ERR_INVALID_ARGS, "dependency '%s' named twice (put every "
                        "constraint on one line)", d->name);
    in->dep_count++;
    return 0;
}

static int val_file(struct iparse *p, const char *v, size_t n)
{
    struct pkg_info *in = p->info;
    if (in->file_count == PKG_MAX_FILES)
        return perr(p, SOS_ERR_INVALID_ARGS, "more than %d files", PKG_MAX_FILES);
    struct pkg_file *f = &in->file[in->file_count];
    const char *w[5];
    size_t wl[5], i = 0;
    for (int k = 0; k < 5; k++)
        wl[k] = pkg_word(v, n, &i, &w[k]);
    if (wl[3] == 0 || wl[4] != 0)
        return perr(p, SOS_ERR_INVALID_ARGS, "file= takes PATH KIND SHA256 SIZE");
    int rc = bundle_check_name(w[0], wl[0], p->lp.err);
    if (rc)
        return relabel(p, rc);
    rc = copy_text(p, "file path", w[0], wl[0], f->path, sizeof f->path);
    if (rc)
        return rc;
    char kind[16] = {0};
    if (wl[1] < sizeof kind)
        for (size_t k = 0; k < wl[1]; k++)
            kind[k] = w[1][k];
    f->kind = (uint8_t)bundle_kind_parse(kind);
    if (!f->kind)
        return perr(p, SOS_ERR_INVALID_ARGS, "file '%s': kind must be manifest, "
                    "executable, config or data", f->path);
    if (pkg_parse_hex(w[2], wl[2], f->sha256))
        return perr(p, SOS_ERR_INVALID_ARGS, "file '%s': SHA-256 must be 64 lower-case "
                    "hex digits", f->path);
    if (pkg_parse_size(w[3], wl[3], &f->size))
        return perr(p, SOS_ERR_INVALID_ARGS, "file '%s': size must be a decimal number "
                    "below 2^32", f->path);
    if (pkg_info_file(in, f->path))
        return perr(p, SOS_ERR_INVALID_ARGS, "file '%s' listed twice", f->path);
    in->file_count++;
    return 0;
}

struct ikey {
    const char *name;
    int (*parse)(struct iparse *p, const char *v, size_t n);
    int once;     /* index into seen[], or -1 for list keys */
};

static const struct ikey g_ikeys[] = {
    {"format", val_format, 0},   {"name", val_name, 1},         {"version", val_version, 2},
    {"arch", val_arch, 3},       {"description", val_description, 4},
    {"depends", val_depends, -1}, {"file", val_file, -1},
};

static int parse_line(void *ctx, const char *s, size_t kl, const char *v, size_t vn)
{
    struct iparse *p = ctx;
    for (size_t k = 0; k < sizeof g_ikeys / sizeof g_ikeys[0]; k++) {
        const struct ikey *key = &g_ikeys[k];
        if (!pkg_key_is(s, kl, key->name))
            continue;
        if (key->once >= 0 && p->seen[key->once])
            return perr(p, SOS_ERR_INVALID_ARGS, "%s given twice", key->name);
        if (key->once >= 0)
            p->seen[key->once] = true;
        return key->parse(p, v, vn);
    }
    char shown[64];
    errmsg_printable(shown, sizeof shown, s, kl > 15 ? 15 : kl);
    return perr(p, SOS_ERR_INVALID_ARGS, "unknown key '%s'", shown);
}

int pkg_info_parse(const char *text, size_t len, struct pkg_info *info, struct errmsg *err)
{
    struct iparse p = {.lp = {.file = PKG_INFO_ENTRY, .err = err}, .info = info};
    *info = (struct pkg_info){0};
    if (len > PKG_INFO_MAX)
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "%s is %zu bytes, at most %d",
                          PKG_INFO_ENTRY, len, PKG_INFO_MAX);
    int rc = pkg_each_line(&p.lp, text, len, parse_line, &p);
    if (rc)
        return rc;
    static const char *const required[] = {"format", "name", "version", "arch"};
    for (int k = 0; k < 4; k++)
        if (!p.seen[k])
            return errmsg_set(err, SOS_ERR_INVALID_ARGS, "%s: no %s= line", PKG_INFO_ENTRY,
                              required[k]);
    for (uint32_t i = 0; i < info->dep_count; i++)
        if (m_streq(info->dep[i].name, info->name))
            return errmsg_set(err, SOS_ERR_INVALID_ARGS, "%s: package '%s' depends on itself",
                              PKG_INFO_ENTRY, info->name);
    return 0;
}

const struct pkg_file *pkg_info_file(const struct pkg_info *info, const char *path)
{
    for (uint32_t i = 0; i < info->file_count; i++)
        if (m_streq(info->file[i].path, path))
            return &info->file[i];
    return NULL;
}

void pkg_hex(const uint8_t sha[SHA256_SIZE], char hex[PKG_HEX_SIZE + 1])
{
    hex_encode(sha, SHA256_SIZE, hex);
}

int pkg_info_format(const struct pkg_info *info, char *out, size_t cap, size_t *written)
{
    size_t at = 0;
    bool ok = cap > 0 && pkg_put(out, cap, &at, "format=%d\nname=%s\nversion=%s\narch=%s\n",
                              PKG_FORMAT, info->name, info->version_text, info->arch);
    if (ok && info->description[0])
        ok = pkg_put(out, cap, &at, "description=%s\n", info->description);
    for (uint32_t i = 0; ok && i < info->dep_count; i++) {
        char dep[160];
        pkg_dep_format(&info->dep[i], dep, sizeof dep);
        ok = pkg_put(out, cap, &at, "depends=%s\n", dep);
    }
    for (uint32_t i = 0; ok && i < info->file_count; i++) {
        const struct pkg_file *f = &info->file[i];
        char hex[PKG_HEX_SIZE + 1];
        pkg_hex(f->sha256, hex);
        ok = pkg_put(out, cap, &at, "file=%s %s %s %u\n", f->path, bundle_kind_name(f->kind),
                  hex, (unsigned)f->size);
    }
    if (!ok)
        return SOS_ERR_BUFFER_TOO_SMALL;
    *written = at;
    return 0;
}
