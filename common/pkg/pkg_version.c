/*
 * pkg_version.c - package versions, names and dependency constraints.
 *
 * A version is up to four dotted decimal numbers compared numerically ("1.10" is newer
 * than "1.9", "1.0" equals "1"); there are no pre-release tags, so the order is total
 * and simple enough to state in one line of docs/packages.md. A dependency is a name
 * and constraints that must all hold ("libgreet >=1.0 <2"), which is how a range is
 * written.
 *
 * Layer: common (freestanding; built for userspace and the host tools).
 */
#include "pkg.h"

#include <sos/errors.h>

#include "../manifest/manifest_impl.h"

int pkg_version_parse(const char *s, size_t len, struct pkg_version *v, struct errmsg *err)
{
    char shown[PKG_VERSION_MAX * 4 + 1];
    errmsg_printable(shown, sizeof shown, s, len > PKG_VERSION_MAX ? PKG_VERSION_MAX : len);
    if (len == 0 || len > PKG_VERSION_MAX)
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "version '%s' must be 1-%d bytes",
                          shown, PKG_VERSION_MAX);
    *v = (struct pkg_version){0};
    size_t i = 0;
    for (;;) {
        size_t start = i;
        uint64_t n = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9' && n < (1u << 31))
            n = n * 10 + (uint64_t)(s[i++] - '0');
        if (i == start || n >= (1u << 31) || (s[start] == '0' && i - start > 1))
            return errmsg_set(err, SOS_ERR_INVALID_ARGS,
                              "version '%s': components are numbers below 2^31 without "
                              "leading zeros, separated by '.'", shown);
        if (v->count == PKG_VERSION_PARTS)
            return errmsg_set(err, SOS_ERR_INVALID_ARGS,
                              "version '%s' has more than %d components", shown,
                              PKG_VERSION_PARTS);
        v->part[v->count++] = (uint32_t)n;
        if (i == len)
            return 0;
        if (s[i] != '.' || i + 1 == len)
            return errmsg_set(err, SOS_ERR_INVALID_ARGS,
                              "version '%s': components are numbers below 2^31 without "
                              "leading zeros, separated by '.'", shown);
        i++;
    }
}

int pkg_version_cmp(const struct pkg_version *a, const struct pkg_version *b)
{
    for (int i = 0; i < PKG_VERSION_PARTS; i++) {
        uint32_t x = i < a->count ? a->part[i] : 0, y = i < b->count ? b->part[i] : 0;
        if (x != y)
            return x < y ? -1 : 1;
    }
    return 0;
}

/* Appends the decimal n to buf at *at, keeping room for the terminator. */
static void put_num(char *buf, size_t size, size_t *at, uint32_t n)
{
    char digits[10];
    int k = 0;
    do {
        digits[k++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    while (k && *at + 1 < size)
        buf[(*at)++] = digits[--k];
}

static void put_str(char *buf, size_t size, size_t *at, const char *s)
{
    while (*s && *at + 1 < size)
        buf[(*at)++] = *s++;
}

static void put_version(char *buf, size_t size, size_t *at, const struct pkg_version *v)
{
    for (int i = 0; i < v->count; i++) {
        if (i)
            put_str(buf, size, at, ".");
        put_num(buf, size, at, v->part[i]);
    }
}

void pkg_version_format(const struct pkg_version *v, char *buf, size_t size)
{
    size_t at = 0;
    if (!size)
        return;
    put_version(buf, size, &at, v);
    buf[at] = 0;
}

bool pkg_dep_matches(const struct pkg_dep *d, const struct pkg_version *v)
{
    for (int i = 0; i < d->count; i++) {
        int c = pkg_version_cmp(v, &d->c[i].version);
        bool ok = false;
        switch (d->c[i].op) {
        case PKG_OP_EQ: ok = c == 0; break;
        case PKG_OP_GE: ok = c >= 0; break;
        case PKG_OP_GT: ok = c > 0; break;
        case PKG_OP_LE: ok = c <= 0; break;
        case PKG_OP_LT: ok = c < 0; break;
        }
        if (!ok)
            return false;
    }
    return true;
}

int pkg_check_name(const char *s, size_t len, struct errmsg *err)
{
    char shown[PKG_NAME_MAX * 4 + 1];
    errmsg_printable(shown, sizeof shown, s, len > PKG_NAME_MAX ? PKG_NAME_MAX : len);
    if (len == 0 || len > PKG_NAME_MAX)
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "package name '%s' must be 1-%d bytes",
                          shown, PKG_NAME_MAX);
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        bool letter = c >= 'a' && c <= 'z';
        bool other = (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '.' || c == '-';
        if (!letter && (i == 0 || !other))
            return errmsg_set(err, SOS_ERR_INVALID_ARGS,
                              "package name '%s': a lower-case letter first, then "
                              "[a-z0-9_+.-]", shown);
    }
    return 0;
}

static bool blank(char c)
{
    return c == ' ' || c == '\t';
}

static const struct {
    const char *text;
    uint8_t op;
} g_ops[] = {{">=", PKG_OP_GE}, {"<=", PKG_OP_LE}, {">", PKG_OP_GT}, {"<", PKG_OP_LT},
             {"=", PKG_OP_EQ}};

/* Parses one "op version" at s[*i..len) into c. */
static int parse_constraint(const char *s, size_t len, size_t *i, struct pkg_constraint *c,
                            struct errmsg *err)
{
    size_t k;
    for (k = 0; k < sizeof g_ops / sizeof g_ops[0]; k++) {
        size_t n = m_strlen(g_ops[k].text);
        if (len - *i >= n && s[*i] == g_ops[k].text[0] && (n == 1 || s[*i + 1] == g_ops[k].text[1]))
            break;
    }
    if (k == sizeof g_ops / sizeof g_ops[0])
        return errmsg_set(err, SOS_ERR_INVALID_ARGS,
                          "dependency constraint must start with =, >=, >, <= or <");
    c->op = g_ops[k].op;
    *i += m_strlen(g_ops[k].text);
    while (*i < len && blank(s[*i]))
        (*i)++;
    size_t start = *i;
    while (*i < len && !blank(s[*i]))
        (*i)++;
    return pkg_version_parse(s + start, *i - start, &c->version, err);
}

int pkg_dep_parse(const char *s, size_t len, struct pkg_dep *d, struct errmsg *err)
{
    *d = (struct pkg_dep){0};
    size_t i = 0;
    while (i < len && blank(s[i]))
        i++;
    size_t start = i;
    while (i < len && !blank(s[i]) && s[i] != '=' && s[i] != '<' && s[i] != '>')
        i++;
    int rc = pkg_check_name(s + start, i - start, err);
    if (rc)
        return rc;
    for (size_t k = 0; k < i - start; k++)
        d->name[k] = s[start + k];
    for (;;) {
        while (i < len && blank(s[i]))
            i++;
        if (i == len)
            return 0;
        if (d->count == PKG_MAX_CONSTRAINTS)
            return errmsg_set(err, SOS_ERR_INVALID_ARGS,
                              "dependency '%s' has more than %d constraints", d->name,
                              PKG_MAX_CONSTRAINTS);
        rc = parse_constraint(s, len, &i, &d->c[d->count], err);
        if (rc)
            return rc;
        d->count++;
    }
}

void pkg_dep_format(const struct pkg_dep *d, char *buf, size_t size)
{
    size_t at = 0;
    if (!size)
        return;
    put_str(buf, size, &at, d->name);
    for (int i = 0; i < d->count; i++) {
        for (size_t k = 0; k < sizeof g_ops / sizeof g_ops[0]; k++)
            if (g_ops[k].op == d->c[i].op) {
                put_str(buf, size, &at, " ");
                put_str(buf, size, &at, g_ops[k].text);
            }
        put_version(buf, size, &at, &d->c[i].version);
    }
    buf[at] = 0;
}
