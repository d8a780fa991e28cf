/*
 * pkg_text.c - the key=value line walk and the small field parsers that package.info
 * (pkg_info.c) and the repository index (pkg_index.c) share.
 *
 * Layer: common (freestanding; built for userspace and the host tools).
 */
#include "pkg_impl.h"

#include <stdarg.h>

#include <sos/errors.h>

#include "../fmt.h"
#include "../hash/hex.h"
#include "../manifest/manifest_impl.h"

int pkg_relabel(struct errmsg_pos *p, int rc)
{
    if (!p->err)
        return rc;
    char msg[ERRMSG_MAX];
    m_strlcpy(msg, p->err->msg, sizeof msg);
    return errmsg_pos_set(p, rc, "%s", msg);
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Trims one line and splits it at the first '='. */
static int split_line(struct errmsg_pos *p, const char *s, size_t n, pkg_line_fn fn, void *ctx)
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
        return errmsg_pos_set(p, SOS_ERR_INVALID_ARGS, "expected key=value");
    size_t kl = eq;
    while (kl && is_blank(s[kl - 1]))
        kl--;
    const char *v = s + eq + 1;
    size_t vn = n - eq - 1;
    while (vn && is_blank(*v)) {
        v++;
        vn--;
    }
    return fn(ctx, s, kl, v, vn);
}

int pkg_each_line(struct errmsg_pos *p, const char *text, size_t len, pkg_line_fn fn,
                  void *ctx)
{
    size_t at = 0;
    p->line = 0;
    while (at < len) {
        p->line++;
        size_t end = at;
        while (end < len && text[end] != '\n' && text[end] != 0)
            end++;
        if (end < len && text[end] == 0)
            return errmsg_pos_set(p, SOS_ERR_INVALID_ARGS, "NUL byte in the text");
        if (end - at >= PKG_LINE_MAX)
            return errmsg_pos_set(p, SOS_ERR_INVALID_ARGS, "line longer than %d bytes",
                            PKG_LINE_MAX - 1);
        int rc = split_line(p, text + at, end - at, fn, ctx);
        if (rc)
            return rc;
        at = end + 1;
    }
    return 0;
}

size_t pkg_word(const char *v, size_t n, size_t *i, const char **out)
{
    while (*i < n && is_blank(v[*i]))
        (*i)++;
    *out = v + *i;
    size_t start = *i;
    while (*i < n && !is_blank(v[*i]))
        (*i)++;
    return *i - start;
}

int pkg_unhex(const char *w, size_t len, uint8_t *out, size_t n)
{
    return hex_decode(w, len, out, n);
}

int pkg_parse_hex(const char *w, size_t len, uint8_t out[SHA256_SIZE])
{
    return pkg_unhex(w, len, out, SHA256_SIZE);
}

int pkg_parse_size(const char *w, size_t len, uint32_t *out)
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

bool pkg_key_is(const char *key, size_t kl, const char *name)
{
    size_t j = 0;
    while (j < kl && name[j] && key[j] == name[j])
        j++;
    return j == kl && name[j] == 0;
}

int pkg_copy_text(struct errmsg_pos *p, const char *what, const char *v, size_t n, char *dst,
                  size_t cap)
{
    if (n >= cap)
        return errmsg_pos_set(p, SOS_ERR_INVALID_ARGS, "%s is longer than %zu bytes", what, cap - 1);
    for (size_t i = 0; i < n; i++) {
        if (v[i] < 0x20 || v[i] > 0x7e)
            return errmsg_pos_set(p, SOS_ERR_INVALID_ARGS, "%s has a byte outside printable ASCII",
                            what);
        dst[i] = v[i];
    }
    dst[n] = 0;
    return 0;
}

bool pkg_put(char *out, size_t cap, size_t *at, const char *fmt, ...)
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
