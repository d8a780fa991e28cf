/*
 * tests/fuzz/fuzz_http_url.c - the HTTP client's URL parser and redirect resolution
 * (services/clients/http_url.c) on arbitrary text.
 *
 * The input (cut at its first NUL) is parsed as an absolute URL and resolved as a
 * Location against two fixed bases. Every success must be a URL that can go on the
 * wire: a non-empty host of safe characters, a port, a path starting with '/' with no
 * space, control or non-ASCII byte; writing it back as text and parsing that again
 * gives the same URL. Every failure says why.
 *
 * Layer: tests (host). Seeds: tests/fuzz/corpus/http_url/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <client/http.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

static void check_url(const struct http_url *u)
{
    static struct http_url again;
    static char text[HTTP_URL_MAX];
    check(u->host[0] != 0 && u->port != 0 && u->path[0] == '/');
    check(strlen(u->host) < HTTP_HOST_MAX && strlen(u->path) < HTTP_PATH_MAX);
    for (const char *c = u->path; *c; c++)
        check((unsigned char)*c > 0x20 && (unsigned char)*c < 0x7f && *c != '#');
    for (const char *c = u->host; *c; c++)
        check((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              strchr(u->ipv6 ? ":." : ".-_", *c));
    check(http_url_format(u, text, sizeof(text)) > 0);
    check(http_url_parse(text, &again, NULL) == 0);
    check(memcmp(&again, u, sizeof(again)) == 0 || (strcmp(again.host, u->host) == 0 &&
          strcmp(again.path, u->path) == 0 && again.port == u->port && again.https == u->https));
}

static void outcome(int err, const struct http_url *u, const char *why)
{
    if (err) {
        check(err == SOS_ERR_INVALID_ARGS && why && why[0]);
        return;
    }
    check_url(u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char text[8192];
    static struct http_url u, base1, base2, out;
    size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;
    memcpy(text, data, n);
    text[n] = 0;
    const char *why = NULL;
    int err = http_url_parse(text, &u, &why);
    outcome(err, &u, why);
    check(http_url_parse("http://example.com/a/b/c?q", &base1, NULL) == 0);
    check(http_url_parse("https://[2001:db8::1]:8443/", &base2, NULL) == 0);
    why = NULL;
    err = http_url_resolve(&base1, text, &out, &why);
    outcome(err, &out, why);
    why = NULL;
    err = http_url_resolve(&base2, text, &out, &why);
    outcome(err, &out, why);
    return 0;
}
