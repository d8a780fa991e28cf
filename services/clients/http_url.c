/*
 * services/clients/http_url.c - URLs for the HTTP client (client/http.h): parsing
 * absolute http/https URLs, resolving a redirect's Location against the URL it came
 * from (RFC 3986 section 5.2, with dot-segment removal), and writing one back as text.
 *
 * Strict on purpose: userinfo, empty hosts, ports outside 1..65535, malformed IPv6
 * literals (and zone ids), spaces, control characters and bytes above 0x7e are refused
 * with a sentence, so nothing odd ever reaches a request line or a Host header.
 *
 * Layer: services (client library; freestanding, no allocation).
 */
#include <client/http.h>

#include <stdio.h>
#include <string.h>

static bool has_prefix_ci(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* A dotted IPv4 address (the tail of an IPv6 literal). */
static bool ipv4_ok(const char *s, size_t n)
{
    unsigned parts = 0, val = 0, digits = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '.') {
            if (digits == 0 || val > 255)
                return false;
            parts++, val = 0, digits = 0;
        } else if (s[i] >= '0' && s[i] <= '9' && digits < 3) {
            val = val * 10 + (unsigned)(s[i] - '0'), digits++;
        } else {
            return false;
        }
    }
    return parts == 4;
}

/* An IPv6 literal's inside (RFC 4291 2.2): 8 groups of 1-4 hex digits, or fewer with
 * one "::", the last two optionally as a dotted IPv4 address. No zone ids. */
static bool ipv6_ok(const char *s, size_t n)
{
    size_t groups = 0, i = 0;
    bool dbl = false;
    if (n < 2 || (s[0] == ':' && s[1] != ':') || (s[n - 1] == ':' && s[n - 2] != ':'))
        return false;
    while (i < n) {
        if (s[i] == ':') {
            if (i + 1 < n && s[i + 1] == ':') {
                if (dbl)
                    return false;
                dbl = true;
                i++;
            } else if (i == 0 || s[i - 1] == ':') {
                return false;
            }
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && s[j] != ':')
            j++;
        if (memchr(s + i, '.', j - i)) {
            if (j != n || !ipv4_ok(s + i, j - i))
                return false;
            groups += 2;
        } else {
            if (j - i > 4)
                return false;
            for (size_t k = i; k < j; k++)
                if (!is_hex(s[k]))
                    return false;
            groups++;
        }
        if (j < n && j + 1 == n)
            return false; /* a single trailing ':' */
        i = j;
    }
    return dbl ? groups <= 7 : groups == 8;
}

static bool reg_name_ok(const char *s, size_t n)
{
    if (n == 0 || n >= HTTP_HOST_MAX || s[0] == '.' || s[0] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_alnum(s[i]) && s[i] != '.' && s[i] != '-' && s[i] != '_')
            return false;
    return true;
}

/* The authority [host or [v6]][:port] in s[0..n). */
static int parse_authority(const char *s, size_t n, struct http_url *u, const char **why)
{
    size_t hs = 0, he;
    if (memchr(s, '@', n)) {
        *why = "user names and passwords in URLs are not supported";
        return SOS_ERR_INVALID_ARGS;
    }
    if (n && s[0] == '[') {
        const char *close = memchr(s, ']', n);
        if (!close || !ipv6_ok(s + 1, (size_t)(close - s) - 1)) {
            *why = "malformed IPv6 address in URL";
            return SOS_ERR_INVALID_ARGS;
        }
        hs = 1, he = (size_t)(close - s);
        u->ipv6 = true;
    } else {
        const char *colon = memchr(s, ':', n);
        he = colon ? (size_t)(colon - s) : n;
        if (!reg_name_ok(s, he)) {
            *why = he ? "malformed host name in URL" : "URL has no host";
            return SOS_ERR_INVALID_ARGS;
        }
    }
    for (size_t i = hs; i < he; i++)
        u->host[i - hs] = lower(s[i]);
    u->host[he - hs] = 0;
    size_t p = he + (u->ipv6 ? 1 : 0);
    if (p == n)
        return 0;
    if (s[p] != ':' || p + 1 == n || n - p - 1 > 5) {
        *why = "malformed port in URL";
        return SOS_ERR_INVALID_ARGS;
    }
    uint32_t port = 0;
    for (size_t i = p + 1; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            *why = "malformed port in URL";
            return SOS_ERR_INVALID_ARGS;
        }
        port = port * 10 + (uint32_t)(s[i] - '0');
    }
    if (port == 0 || port > 65535) {
        *why = "port in URL is outside 1..65535";
        return SOS_ERR_INVALID_ARGS;
    }
    u->port = (uint16_t)port;
    return 0;
}

/* Path and query (up to '#'), checked for characters; "" becomes "/". */
static int set_path(struct http_url *u, const char *s, const char **why)
{
    size_t n = 0;
    if (*s != '/' && *s != '?' && *s != 0 && *s != '#') {
        *why = "malformed URL";
        return SOS_ERR_INVALID_ARGS;
    }
    if (*s != '/')
        u->path[n++] = '/';
    for (; *s && *s != '#'; s++) {
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f) {
            *why = "URL contains a space, control character or non-ASCII byte";
            return SOS_ERR_INVALID_ARGS;
        }
        if (n + 1 >= HTTP_PATH_MAX) {
            *why = "URL path is too long";
            return SOS_ERR_INVALID_ARGS;
        }
        u->path[n++] = *s;
    }
    u->path[n] = 0;
    return 0;
}

int http_url_parse(const char *text, struct http_url *out, const char **why)
{
    const char *dummy;
    why = why ? why : &dummy;
    memset(out, 0, sizeof(*out));
    if (!text) {
        *why = "no URL";
        return SOS_ERR_INVALID_ARGS;
    }
    const char *s = text;
    if (has_prefix_ci(s, "http://")) {
        s += 7, out->port = 80;
    } else if (has_prefix_ci(s, "https://")) {
        s += 8, out->https = true, out->port = 443;
    } else {
        *why = "URL must start with http:// or https://";
        return SOS_ERR_INVALID_ARGS;
    }
    size_t n = strcspn(s, "/?#");
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f) {
            *why = "URL contains a space, control character or non-ASCII byte";
            return SOS_ERR_INVALID_ARGS;
        }
    int err = parse_authority(s, n, out, why);
    return err ? err : set_path(out, s + n, why);
}

/* RFC 3986 5.2.4 on path[0..) in place (path starts with '/'; query kept as is). */
static void remove_dots(char *path)
{
    char *q = strchr(path, '?');
    size_t end = q ? (size_t)(q - path) : strlen(path);
    char out[HTTP_PATH_MAX];
    size_t o = 0, i = 0;
    while (i < end) {
        size_t seg = i + 1;
        while (seg < end && path[seg] != '/')
            seg++;
        size_t len = seg - i - 1;
        const char *name = path + i + 1;
        if (len == 1 && name[0] == '.') {
            if (seg == end)
                out[o++] = '/';
        } else if (len == 2 && name[0] == '.' && name[1] == '.') {
            while (o > 0 && out[--o] != '/')
                ;
            if (seg == end)
                out[o++] = '/';
        } else {
            memcpy(out + o, path + i, seg - i);
            o += seg - i;
        }
        i = seg;
    }
    if (o == 0)
        out[o++] = '/';
    size_t qlen = strlen(path + end);
    memmove(path + o, path + end, qlen + 1);
    memcpy(path, out, o);
}

int http_url_resolve(const struct http_url *base, const char *ref, struct http_url *out,
                     const char **why)
{
    const char *dummy;
    why = why ? why : &dummy;
    if (!ref || !*ref) {
        *why = "empty redirect location";
        return SOS_ERR_INVALID_ARGS;
    }
    if (has_prefix_ci(ref, "http://") || has_prefix_ci(ref, "https://"))
        return http_url_parse(ref, out, why);
    char buf[HTTP_URL_MAX];
    if (ref[0] == '/' && ref[1] == '/') {
        if (snprintf(buf, sizeof(buf), "%s:%s", base->https ? "https" : "http", ref) >=
            (int)sizeof(buf))
            goto long_url;
        return http_url_parse(buf, out, why);
    }
    for (const char *c = ref; *c && *c != '/' && *c != '?' && *c != '#'; c++)
        if (*c == ':') {
            *why = "redirect to a scheme other than http or https";
            return SOS_ERR_INVALID_ARGS;
        }
    *out = *base;
    char path[HTTP_PATH_MAX];
    size_t n;
    if (ref[0] == '/') {
        n = (size_t)snprintf(path, sizeof(path), "%s", ref);
    } else if (ref[0] == '?') {
        size_t keep = strcspn(base->path, "?");
        n = (size_t)snprintf(path, sizeof(path), "%.*s%s", (int)keep, base->path, ref);
    } else {
        size_t keep = strcspn(base->path, "?");
        while (keep > 0 && base->path[keep - 1] != '/')
            keep--;
        n = (size_t)snprintf(path, sizeof(path), "%.*s%s", (int)keep, base->path, ref);
    }
    if (n >= sizeof(path))
        goto long_url;
    int err = set_path(out, path, why);
    if (!err)
        remove_dots(out->path);
    return err;
long_url:
    *why = "redirect location is too long";
    return SOS_ERR_INVALID_ARGS;
}

int http_url_format(const struct http_url *u, char *buf, size_t size)
{
    char port[8] = "";
    if (u->port != (u->https ? 443 : 80))
        snprintf(port, sizeof(port), ":%u", (unsigned)u->port);
    int n = snprintf(buf, size, "%s://%s%s%s%s%s", u->https ? "https" : "http",
                     u->ipv6 ? "[" : "", u->host, u->ipv6 ? "]" : "", port, u->path);
    return (n < 0 || (size_t)n >= size) ? SOS_ERR_BUFFER_TOO_SMALL : n;
}
