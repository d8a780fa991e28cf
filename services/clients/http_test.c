/*
 * services/clients/http_test.c - host unit tests of the HTTP client (client/http.h):
 * URLs, the request, and the response parser on good and malformed input, fed whole
 * and one byte at a time. Whole fetches are in http_fetch_test.c.
 *
 * Layer: host test (cmocka).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <client/http.h>

#include "hash/sha256.h"

/* ---- URLs */

static void url_ok(const char *text, bool https, const char *host, unsigned port,
                   const char *path)
{
    struct http_url u;
    const char *why = NULL;
    int err = http_url_parse(text, &u, &why);
    if (err)
        fail_msg("%s: %s", text, why);
    assert_int_equal(u.https, https);
    assert_string_equal(u.host, host);
    assert_int_equal(u.port, port);
    assert_string_equal(u.path, path);
}

static void url_bad(const char *text, const char *why_part)
{
    struct http_url u;
    const char *why = NULL;
    assert_int_equal(http_url_parse(text, &u, &why), SOS_ERR_INVALID_ARGS);
    assert_non_null(why);
    if (!strstr(why, why_part))
        fail_msg("%s: '%s' lacks '%s'", text, why, why_part);
}

static void test_url_parse(void **state)
{
    url_ok("http://example.com", false, "example.com", 80, "/");
    url_ok("HTTPS://Example.COM/A/b?x=1#frag", true, "example.com", 443, "/A/b?x=1");
    url_ok("http://h:8080?q", false, "h", 8080, "/?q");
    url_ok("http://10.0.2.2:65535/x", false, "10.0.2.2", 65535, "/x");
    url_ok("http://[::1]:8080/p", false, "::1", 8080, "/p");
    url_ok("https://[2001:DB8::1]/", true, "2001:db8::1", 443, "/");
    url_ok("http://[::ffff:192.0.2.1]/", false, "::ffff:192.0.2.1", 80, "/");
    url_ok("http://[1:2:3:4:5:6:7:8]/", false, "1:2:3:4:5:6:7:8", 80, "/");
    struct http_url u;
    assert_int_equal(http_url_parse("http://[::1]/", &u, NULL), 0);
    assert_true(u.ipv6);
}

static void test_url_reject(void **state)
{
    url_bad("ftp://h/", "http:// or https://");
    url_bad("example.com/x", "http:// or https://");
    url_bad("http://", "no host");
    url_bad("http:///x", "no host");
    url_bad("http://user:pw@h/", "user names");
    url_bad("http://h:0/", "outside 1..65535");
    url_bad("http://h:65536/", "outside 1..65535");
    url_bad("http://h:/", "malformed port");
    url_bad("http://h:8a/", "malformed port");
    url_bad("http://h:1234567/", "malformed port");
    url_bad("http://[::1/", "IPv6");
    url_bad("http://[1:::2]/", "IPv6");
    url_bad("http://[1::2::3]/", "IPv6");
    url_bad("http://[fe80::1%25eth0]/", "IPv6");
    url_bad("http://[12345::]/", "IPv6");
    url_bad("http://[1:2:3:4:5:6:7]/", "IPv6");
    url_bad("http://[1:2:3:4:5:6:7:8:9]/", "IPv6");
    url_bad("http://[::1.2.3]/", "IPv6");
    url_bad("http://[::1]x/", "malformed port");
    url_bad("http://h/a b", "space");
    url_bad("http://h/\x01", "control");
    url_bad("http://h\xc3\xa9/", "non-ASCII");
    url_bad("http://-h/", "host name");
    url_bad("http://h!/", "host name");
    char longpath[HTTP_PATH_MAX + 20] = "http://h/";
    memset(longpath + 9, 'a', HTTP_PATH_MAX);
    longpath[9 + HTTP_PATH_MAX] = 0;
    url_bad(longpath, "too long");
    assert_int_equal(http_url_parse(NULL, &(struct http_url){0}, NULL), SOS_ERR_INVALID_ARGS);
}

static void resolve_ok(const char *base, const char *ref, const char *want)
{
    struct http_url b, out;
    char text[HTTP_URL_MAX];
    const char *why = NULL;
    assert_int_equal(http_url_parse(base, &b, NULL), 0);
    if (http_url_resolve(&b, ref, &out, &why))
        fail_msg("%s + %s: %s", base, ref, why);
    assert_true(http_url_format(&out, text, sizeof(text)) > 0);
    assert_string_equal(text, want);
}

static void test_url_resolve(void **state)
{
    resolve_ok("http://h/a/b", "https://o:444/x", "https://o:444/x");
    resolve_ok("https://h/a/b", "//o/x", "https://o/x");
    resolve_ok("http://h:81/a/b", "/x?y", "http://h:81/x?y");
    resolve_ok("http://h/a/b", "c", "http://h/a/c");
    resolve_ok("http://h/a/b/", "c/d", "http://h/a/b/c/d");
    resolve_ok("http://h/a/b/c", "../x", "http://h/a/x");
    resolve_ok("http://h/a/b/c", "./x/.", "http://h/a/b/x/");
    resolve_ok("http://h/a", "../../../x", "http://h/x");
    resolve_ok("http://h/p?old", "?new", "http://h/p?new");
    resolve_ok("http://[::1]:8/a/b", "c", "http://[::1]:8/a/c");
    struct http_url b, out;
    const char *why = NULL;
    assert_int_equal(http_url_parse("http://h/", &b, NULL), 0);
    assert_int_equal(http_url_resolve(&b, "mailto:x@y", &out, &why), SOS_ERR_INVALID_ARGS);
    assert_non_null(strstr(why, "scheme"));
    assert_int_equal(http_url_resolve(&b, "", &out, &why), SOS_ERR_INVALID_ARGS);
    assert_int_equal(http_url_resolve(&b, "/a b", &out, &why), SOS_ERR_INVALID_ARGS);
}

static void test_request_build(void **state)
{
    struct http_url u;
    char buf[512];
    assert_int_equal(http_url_parse("http://Example.com/x?y=1", &u, NULL), 0);
    assert_true(http_request_build(&u, buf, sizeof(buf)) > 0);
    assert_string_equal(buf, "GET /x?y=1 HTTP/1.1\r\nHost: example.com\r\n"
                             "User-Agent: ServiceOS\r\nAccept: */*\r\nConnection: close\r\n\r\n");
    assert_int_equal(http_url_parse("https://[::1]:8443", &u, NULL), 0);
    assert_true(http_request_build(&u, buf, sizeof(buf)) > 0);
    assert_non_null(strstr(buf, "GET / HTTP/1.1\r\nHost: [::1]:8443\r\n"));
    assert_int_equal(http_request_build(&u, buf, 20), SOS_ERR_BUFFER_TOO_SMALL);
}

/* ---- the parser */

struct sink {
    char data[4096];
    size_t len;
};

static int sink_body(void *arg, const void *d, size_t n)
{
    struct sink *s = arg;
    assert_true(s->len + n < sizeof(s->data));
    memcpy(s->data + s->len, d, n);
    s->len += n;
    return 0;
}

/* Parse text whole (then finish at its end) and one byte at a time; both must agree.
 * Returns the error; the body lands in *out. */
static int parse(const char *text, size_t len, struct sink *out, struct http_parser *p)
{
    struct sink bytewise = {0};
    struct http_parser q;
    memset(out, 0, sizeof(*out));
    http_parser_init(p, sink_body, out);
    int err = http_parser_feed(p, text, len, NULL);
    if (!err && !http_parser_done(p))
        err = http_parser_finish(p);
    http_parser_init(&q, sink_body, &bytewise);
    int err2 = 0;
    for (size_t i = 0; i < len && !err2 && !http_parser_done(&q); i++)
        err2 = http_parser_feed(&q, text + i, 1, NULL);
    if (!err2 && !http_parser_done(&q))
        err2 = http_parser_finish(&q);
    assert_int_equal(err, err2);
    assert_int_equal(out->len, bytewise.len);
    assert_memory_equal(out->data, bytewise.data, out->len);
    return err;
}

static int parse_str(const char *text, struct sink *out, struct http_parser *p)
{
    return parse(text, strlen(text), out, p);
}

static void test_parse_length(void **state)
{
    struct sink s;
    struct http_parser p;
    assert_int_equal(parse_str("HTTP/1.1 200 OK\r\ncontent-LENGTH: 5\r\nX: y\r\n\r\nhelloEXTRA",
                               &s, &p), 0);
    assert_int_equal(p.status, 200);
    assert_string_equal(p.reason, "OK");
    assert_int_equal(s.len, 5);
    assert_memory_equal(s.data, "hello", 5);
    size_t used;
    http_parser_init(&p, NULL, NULL);
    const char *r = "HTTP/1.0 200\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nokXYZ";
    assert_int_equal(http_parser_feed(&p, r, strlen(r), &used), 0);
    assert_true(http_parser_done(&p));
    assert_int_equal(used, strlen(r) - 3);
    assert_int_equal(parse_str("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", &s, &p), 0);
    assert_int_equal(s.len, 0);
}

static void test_parse_chunked(void **state)
{
    struct sink s;
    struct http_parser p;
    const char *r = "HTTP/1.1 200 OK\r\nTransfer-Encoding:  Chunked \r\n\r\n"
                    "5;name=val;x\r\nhello\r\nA \r\n, chunked!\r\n"
                    "0\r\nX-Trailer: 1\r\nY: 2\r\n\r\nafter";
    assert_int_equal(parse_str(r, &s, &p), 0);
    assert_int_equal(s.len, 15);
    assert_memory_equal(s.data, "hello, chunked!", 15);
    /* Transfer-Encoding wins over Content-Length */
    r = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n"
        "2\r\nab\r\n0\r\n\r\n";
    assert_int_equal(parse_str(r, &s, &p), 0);
    assert_int_equal(s.len, 2);
}

static void test_parse_close_and_interim(void **state)
{
    struct sink s;
    struct http_parser p;
    assert_int_equal(parse_str("HTTP/1.0 200 OK\r\nServer: x\r\n\r\nuntil close", &s, &p), 0);
    assert_int_equal(s.len, 11);
    assert_int_equal(parse_str("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early\r\nLink: x\r\n\r\n"
                               "HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nz", &s, &p), 0);
    assert_int_equal(p.status, 201);
    assert_int_equal(s.len, 1);
    assert_int_equal(parse_str("HTTP/1.1 204 No Content\r\n\r\n", &s, &p), 0);
    assert_true(p.no_body);
    assert_int_equal(parse_str("HTTP/1.1 302 Found\r\nLocation: /next\r\n"
                               "Content-Length: 0\r\n\r\n", &s, &p), 0);
    assert_string_equal(p.location, "/next");
}

static void parse_bad(const char *text, size_t len, int want, const char *why_part)
{
    struct sink s;
    struct http_parser p;
    int err = parse(text, len, &s, &p);
    if (err != want)
        fail_msg("'%.60s': error %d (%s), wanted %d", text, err, p.why ? p.why : "-", want);
    if (!p.why || !strstr(p.why, why_part))
        fail_msg("'%.60s': '%s' lacks '%s'", text, p.why ? p.why : "(none)", why_part);
}

#define BAD(text, why) parse_bad(text, sizeof(text) - 1, SOS_ERR_BAD_FORMAT, why)

static void test_parse_malformed(void **state)
{
    BAD("", "before any response");
    BAD("HTTP/1.1 20", "truncated HTTP status line");
    BAD("HTTP/1.1 200 OK", "truncated HTTP status line");
    BAD("HTTP/1.1 200 OK\r\nA: b\r\n", "inside its headers");
    BAD("HTTP/1.1 200 OK\nA: b\n\n", "without CRLF");
    BAD("HTTP/1.1 200 OK\r\rA", "CR not followed by LF");
    BAD("HTTP/1.1 2x0 OK\r\n\r\n", "status code");
    BAD("HTTP/1.1 099 OK\r\n\r\n", "outside 100..599");
    BAD("HTTP/1.1 600 OK\r\n\r\n", "outside 100..599");
    BAD("HTTP/1.1 200OK\r\n\r\n", "status code");
    BAD("HTTP/1.1200 OK\r\n\r\n", "status line");
    BAD("ICY 200 OK\r\n\r\n", "status line");
    BAD("HTTP/1.1 200 OK\r\nA\0: b\r\n\r\n", "NUL");
    BAD("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", "no name or colon");
    BAD("HTTP/1.1 200 OK\r\n: v\r\n\r\n", "no name or colon");
    BAD("HTTP/1.1 200 OK\r\nBad Name: v\r\n\r\n", "header name");
    BAD("HTTP/1.1 200 OK\r\nA: b\r\n  folded\r\n\r\n", "folded");
    BAD("HTTP/1.1 200 OK\r\nA: b\x01\r\n\r\n", "control character");
    BAD("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "plain number");
    BAD("HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n", "plain number");
    BAD("HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\n", "plain number");
    BAD("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", "empty Content-Length");
    BAD("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", "absurdly");
    BAD("HTTP/1.1 200 OK\r\nContent-Length: 281474976710657\r\n\r\n", "absurdly");
    BAD("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "conflicting");
    BAD("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "shorter than");
    BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\n", "chunk size");
    BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", "chunk size");
    BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "chunk size");
    BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5x\r\n", "chunk size");
    BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n", "absurdly");
    BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", "not followed by CRLF");
    BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n", "before its last chunk");
    BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", "before its last chunk");
    BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: 1\r\n", "trailers");
    BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n", "no name");
    BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
        "twice");
    parse_bad("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 56,
              SOS_ERR_NOT_SUPPORTED, "Transfer-Encoding");
    parse_bad("HTTP/2.0 200 OK\r\n\r\n", 19, SOS_ERR_NOT_SUPPORTED, "version");
    parse_bad("HTTP/1.1 101 Switching\r\n\r\n", 26, SOS_ERR_NOT_SUPPORTED, "switched");
}

/* Floods: one endless line, too many headers, too many header bytes, endless 1xx. */
static void test_parse_floods(void **state)
{
    size_t cap = 200000, n;
    char *buf = malloc(cap);
    if (!buf)
        abort(); /* (also tells the compiler, whose format check wants it) */
    n = (size_t)sprintf(buf, "HTTP/1.1 200 OK\r\nX: ");
    memset(buf + n, 'a', 5000);
    parse_bad(buf, n + 5000, SOS_ERR_BAD_FORMAT, "longer than 4096");
    n = (size_t)sprintf(buf, "HTTP/1.1 200 OK\r\n");
    for (int i = 0; i <= HTTP_HEADERS_MAX; i++)
        n += (size_t)sprintf(buf + n, "H%d: v\r\n", i);
    parse_bad(buf, n, SOS_ERR_BAD_FORMAT, "too many header lines");
    n = (size_t)sprintf(buf, "HTTP/1.1 200 OK\r\n");
    for (int i = 0; i < 20; i++) {
        n += (size_t)sprintf(buf + n, "H%d: ", i);
        memset(buf + n, 'v', 4000);
        n += 4000;
        n += (size_t)sprintf(buf + n, "\r\n");
    }
    parse_bad(buf, n, SOS_ERR_BAD_FORMAT, "exceed 64 KiB");
    n = 0;
    while (n + 30 < cap)
        n += (size_t)sprintf(buf + n, "HTTP/1.1 100 Continue\r\n\r\n");
    parse_bad(buf, n, SOS_ERR_BAD_FORMAT, "exceed 64 KiB");
    free(buf);
}

static int refuse_body(void *arg, const void *d, size_t n)
{
    return SOS_ERR_NO_SPACE;
}

static void test_parse_body_refused(void **state)
{
    struct http_parser p;
    const char *r = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
    http_parser_init(&p, refuse_body, NULL);
    assert_int_equal(http_parser_feed(&p, r, strlen(r), NULL), SOS_ERR_NO_SPACE);
    assert_int_equal(http_parser_feed(&p, "x", 1, NULL), SOS_ERR_NO_SPACE); /* sticky */
    assert_int_equal(http_parser_finish(&p), SOS_ERR_NO_SPACE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_parse),
        cmocka_unit_test(test_url_reject),
        cmocka_unit_test(test_url_resolve),
        cmocka_unit_test(test_request_build),
        cmocka_unit_test(test_parse_length),
        cmocka_unit_test(test_parse_chunked),
        cmocka_unit_test(test_parse_close_and_interim),
        cmocka_unit_test(test_parse_malformed),
        cmocka_unit_test(test_parse_floods),
        cmocka_unit_test(test_parse_body_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
