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
#include "../manifest/manifest_impl.h"

#define LINE_MAX_BYTES 512

struct iparse {
    struct pkg_info *info;
    struct errmsg *err;
    unsigned line;
    bool seen[5]; /* format, name, version, arch, description */
};

static int perr(struct iparse *p, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int perr(struct iparse *p, int code, const char *fmt, ...)
{
    char msg[ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    k_vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return errmsg_at(p->err, code, PKG_INFO_ENTRY, p->line, "%s", msg);
}

/* Re-files a message a value parser left in p->err under the current line. */
static int relabel(struct iparse *p, int rc)
{
    if (!p->err)
        return rc;
    char msg[ERRMSG_MAX];
    m_strlcpy(msg, p->err->msg, sizeof msg);
    return perr(p, rc, "%s", msg);
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static int copy_text(struct iparse *p, const char *key, const char *v, size_t n, char *dst,
                     size_t cap)
{
    if (n >= cap)
        return perr(p, SOS_ERR_INVALID_ARGS, "%s is longer than %zu bytes", key, cap - 1);
    for (size_t i = 0; i < n; i++) {
        if (v[i] < 0x20 || v[i] > 0x7e)
            return perr(p, SOS_ERR_INVALID_ARGS, "%s has a byte outside printable ASCII",
                        key);
        dst[i] = v[i];
    }
    dst[n] = 0;
    return 0;
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
    int rc = pkg_check_name(v, n, p->err);
    if (rc)
        return relabel(p, rc);
    return copy_text(p, "name", v, n, p->info->name, sizeof p->info->name);
}

static int val_version(struct iparse *p, const char *v, size_t n)
{
    int rc = pkg_version_parse(v, n, &p->info->version, p->err);
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
    int rc = pkg_dep_parse(v, n, d, p->err);
    if (rc)
        return relabel(p, rc);
    for (uint32_t i = 0; i < in->dep_count; i++)
        if (m_streq(in->dep[i].name, d->name))
            return perr(p, SOS_ERR_INVALID_ARGS, "dependency '%s' named twice (put every "
                        "constraint on one line)", d->name);
    in->dep_count++;
    return 0;
}

/* Splits the next blank-separated word off v[*i..n). */
static size_t word(const char *v, size_t n, size_t *i, const char **out)
{
    while (*i < n && is_blank(v[*i]))
        (*i)++;
    *out = v + *i;
    size_t start = *i;
    while (*i < n && !is_blank(v[*i]))
        (*i)++;
    return *i - start;
}

static int parse_hex(const char *w, size_t len, uint8_t out[SHA256_SIZE])
{
    if (len != PKG_HEX_SIZE)
        return -1;
    for (size_t i = 0; i < len; i++) {
        char c = w[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return -1;
        out[i / 2] = (uint8_t)(i % 2 ? out[i / 2] | d : d << 4);
    }
    return 0;
}

static int parse_size(const char *w, size_t len, uint32_t *out)
{
    uint64_t n = 0;
    if (len == 0 || len > 10 || (w[0] == '0' && len > 1))
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (w[i] < '0' || w[i] > '9')
            return -1;
        n = n * 10 + (uint64_t)(w[i] - '0');
    }
    if (n > 0xffffffffu)
        return -1;
    *out = (uint32_t)n;
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
        wl[k] = word(v, n, &i, &w[k]);
    if (wl[3] == 0 || wl[4] != 0)
        return perr(p, SOS_ERR_INVALID_ARGS, "file= takes PATH KIND SHA256 SIZE");
    int rc = bundle_check_name(w[0], wl[0], p->err);
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
    if (parse_hex(w[2], wl[2], f->sha256))
        return perr(p, SOS_ERR_INVALID_ARGS, "file '%s': SHA-256 must be 64 lower-case "
                    "hex digits", f->path);
    if (parse_size(w[3], wl[3], &f->size))
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

static int parse_line(struct iparse *p, const char *s, size_t n)
{
    while (n && is_blank(*s)) {
        s++;
        n--;
    }
    while (n && is_blank(s[n - 1]))
        n--;
    if (n == 0 || s[0] == '#')
        return 0;
    size_t eq = 0;
    while (eq < n && s[eq] != '=')
        eq++;
    if (eq == n)
        return perr(p, SOS_ERR_INVALID_ARGS, "expected key=value");
    size_t kl = eq;
    while (kl && is_blank(s[kl - 1]))
        kl--;
    const char *v = s + eq + 1;
    size_t vn = n - eq - 1;
    while (vn && is_blank(*v)) {
        v++;
        vn--;
    }
    for (size_t k = 0; k < sizeof g_ikeys / sizeof g_ikeys[0]; k++) {
        const struct ikey *key = &g_ikeys[k];
        if (m_strlen(key->name) != kl)
            continue;
        size_t j = 0;
        while (j < kl && key->name[j] == s[j])
            j++;
        if (j != kl)
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
    struct iparse p = {.info = info, .err = err};
    *info = (struct pkg_info){0};
    if (len > PKG_INFO_MAX)
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "%s is %zu bytes, at most %d",
                          PKG_INFO_ENTRY, len, PKG_INFO_MAX);
    size_t at = 0;
    while (at < len) {
        p.line++;
        size_t end = at;
        while (end < len && text[end] != '\n' && text[end] != 0)
            end++;
        if (end < len && text[end] == 0)
            return perr(&p, SOS_ERR_INVALID_ARGS, "NUL byte in the text");
        if (end - at >= LINE_MAX_BYTES)
            return perr(&p, SOS_ERR_INVALID_ARGS, "line longer than %d bytes",
                        LINE_MAX_BYTES - 1);
        int rc = parse_line(&p, text + at, end - at);
        if (rc)
            return rc;
        at = end + 1;
    }
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
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < SHA256_SIZE; i++) {
        hex[2 * i] = digits[sha[i] >> 4];
        hex[2 * i + 1] = digits[sha[i] & 15];
    }
    hex[PKG_HEX_SIZE] = 0;
}

/* Appends one formatted line; false when out is full. */
static bool emit(char *out, size_t cap, size_t *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool emit(char *out, size_t cap, size_t *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = k_vsnprintf(out + *at, cap - *at, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= cap - *at)
        return false;
    *at += (size_t)n;
    return true;
}

int pkg_info_format(const struct pkg_info *info, char *out, size_t cap, size_t *written)
{
    size_t at = 0;
    bool ok = cap > 0 && emit(out, cap, &at, "format=%d\nname=%s\nversion=%s\narch=%s\n",
                              PKG_FORMAT, info->name, info->version_text, info->arch);
    if (ok && info->description[0])
        ok = emit(out, cap, &at, "description=%s\n", info->description);
    for (uint32_t i = 0; ok && i < info->dep_count; i++) {
        char dep[160];
        pkg_dep_format(&info->dep[i], dep, sizeof dep);
        ok = emit(out, cap, &at, "depends=%s\n", dep);
    }
    for (uint32_t i = 0; ok && i < info->file_count; i++) {
        const struct pkg_file *f = &info->file[i];
        char hex[PKG_HEX_SIZE + 1];
        pkg_hex(f->sha256, hex);
        ok = emit(out, cap, &at, "file=%s %s %s %u\n", f->path, bundle_kind_name(f->kind),
                  hex, (unsigned)f->size);
    }
    if (!ok)
        return SOS_ERR_BUFFER_TOO_SMALL;
    *written = at;
    return 0;
}
