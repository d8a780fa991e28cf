/*
 * services/clients/http_fetch_test.c - host unit tests of http_get (client/http.h) over a
 * fake connector: each URL maps to a scripted response that its transport plays back
 * in small pieces, one millisecond of virtual time per read, so redirects, the redirect
 * bound, error statuses, size limits, deadlines and a 1 MiB+ body (hashed while
 * streamed, never held whole by the client) are checked without a network.
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

#define MAX_ROUTES 8
#define MS 1000000ll

struct route {
    const char *url;        /* as http_url_format writes it */
    const char *response;
    size_t len;             /* 0: strlen(response) */
    bool stall;             /* after the response, reads never end (until the deadline) */
};

struct fake_net {
    struct route routes[MAX_ROUTES];
    sos_time_t now;
    size_t piece;           /* bytes per read */
    int opens, closes;
    char last_request[1024];
    bool last_https;
};

struct fake_conn {
    struct fake_net *net;
    const struct route *r;
    size_t pos;
};

static int64_t fake_read(void *ctx, void *buf, size_t len, sos_time_t deadline)
{
    struct fake_conn *c = ctx;
    size_t total = c->r->len ? c->r->len : strlen(c->r->response);
    c->net->now += MS;
    if (c->net->now >= deadline)
        return SOS_ERR_TIMED_OUT;
    if (c->pos == total && c->r->stall) {
        c->net->now = deadline;
        return SOS_ERR_TIMED_OUT;
    }
    size_t n = total - c->pos;
    n = n < len ? n : len;
    n = n < c->net->piece ? n : c->net->piece;
    memcpy(buf, c->r->response + c->pos, n);
    c->pos += n;
    return (int64_t)n;
}

static int fake_write(void *ctx, const void *buf, size_t len, sos_time_t deadline)
{
    struct fake_conn *c = ctx;
    assert_true(len < sizeof(c->net->last_request));
    memcpy(c->net->last_request, buf, len);
    c->net->last_request[len] = 0;
    return 0;
}

static void fake_close(void *ctx)
{
    struct fake_conn *c = ctx;
    c->net->closes++;
    free(c);
}

static int fake_open(void *ctx, const struct http_url *url, sos_time_t deadline,
                     struct http_transport *out, const char **why)
{
    struct fake_net *net = ctx;
    char text[HTTP_URL_MAX];
    assert_true(http_url_format(url, text, sizeof(text)) > 0);
    for (int i = 0; i < MAX_ROUTES && net->routes[i].url; i++) {
        if (strcmp(net->routes[i].url, text) != 0)
            continue;
        struct fake_conn *c = calloc(1, sizeof(*c));
        c->net = net;
        c->r = &net->routes[i];
        *out = (struct http_transport){c, fake_read, fake_write, fake_close};
        net->opens++;
        net->last_https = url->https;
        return 0;
    }
    *why = "connection refused";
    return SOS_ERR_PEER_CLOSED;
}

struct counted {
    uint64_t bytes;
    struct sha256 sha;
};

static int count_body(void *arg, const void *d, size_t n)
{
    struct counted *c = arg;
    c->bytes += n;
    sha256_update(&c->sha, d, n);
    return 0;
}

static int get(struct fake_net *net, const char *url, struct http_response *resp,
               struct counted *body)
{
    struct http_connector conn = {net, fake_open};
    struct http_request req = {
        .url = url, .deadline = 10000 * MS, .max_redirects = -1,
        .want_sha256 = true, .body = count_body, .body_arg = body,
    };
    if (net->piece == 0)
        net->piece = 7;
    net->now = 0;
    sha256_init(&body->sha);
    body->bytes = 0;
    int err = http_get(&conn, &req, resp);
    assert_int_equal(net->opens, net->closes);
    return err;
}

static void test_fetch_big_body(void **state)
{
    size_t body_len = (1u << 20) + 12345, head_len;
    char head[128];
    head_len = (size_t)snprintf(head, sizeof(head),
                                "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", body_len);
    char *resp_text = malloc(head_len + body_len);
    memcpy(resp_text, head, head_len);
    for (size_t i = 0; i < body_len; i++)
        resp_text[head_len + i] = (char)(i * 7 + (i >> 9));
    uint8_t want[32], got[32];
    sha256(resp_text + head_len, body_len, want);

    struct fake_net net = {.piece = 3000};
    net.routes[0] = (struct route){"http://h/big", resp_text, head_len + body_len, false};
    struct http_response resp;
    struct counted body;
    int err = get(&net, "http://h/big", &resp, &body);
    if (err)
        fail_msg("%s", resp.error);
    assert_int_equal(resp.status, 200);
    assert_int_equal(resp.body_len, body_len);
    assert_int_equal(body.bytes, body_len);
    sha256_final(&body.sha, got);
    assert_memory_equal(got, want, 32);
    assert_memory_equal(resp.sha256, want, 32);
    assert_string_equal(net.last_request, "GET /big HTTP/1.1\r\nHost: h\r\nUser-Agent: ServiceOS\r\n"
                                          "Accept: */*\r\nConnection: close\r\n\r\n");
    free(resp_text);
}

static void test_fetch_redirects(void **state)
{
    struct fake_net net = {0};
    net.routes[0] = (struct route){"http://a/one", "HTTP/1.1 301 Moved\r\nLocation: two\r\n"
                                                   "Content-Length: 4\r\n\r\nbody"};
    net.routes[1] = (struct route){"http://a/two", "HTTP/1.1 302 Found\r\n"
                                                   "Location: https://b:8443/three\r\n\r\n"};
    net.routes[2] = (struct route){"https://b:8443/three", "HTTP/1.1 303 See Other\r\n"
                                   "Location: //c/four?x\r\nContent-Length: 0\r\n\r\n"};
    net.routes[3] = (struct route){"https://c/four?x", "HTTP/1.1 307 Temp\r\nLocation: /five\r\n"
                                   "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"};
    net.routes[4] = (struct route){"https://c/five", "HTTP/1.1 308 Perm\r\nLocation: ../six\r\n\r\n"};
    net.routes[5] = (struct route){"https://c/six", "HTTP/1.1 200 OK\r\n\r\nfinal"};
    struct http_response resp;
    struct counted body;
    int err = get(&net, "http://a/one", &resp, &body);
    if (err)
        fail_msg("%s", resp.error);
    assert_int_equal(resp.redirects, 5);
    assert_string_equal(resp.url, "https://c/six");
    assert_int_equal(body.bytes, 5); /* only the final body reached the callback */
    assert_true(net.last_https);
    assert_non_null(strstr(net.last_request, "Host: c\r\n"));

    /* Six redirects are one too many. */
    net.routes[5] = (struct route){"https://c/six", "HTTP/1.1 302 F\r\nLocation: /seven\r\n\r\n"};
    net.routes[6] = (struct route){"https://c/seven", "HTTP/1.1 200 OK\r\n\r\n"};
    net.opens = net.closes = 0;
    assert_int_equal(get(&net, "http://a/one", &resp, &body), SOS_ERR_OUT_OF_RANGE);
    assert_string_equal(resp.error, "too many redirects (more than 5)");
    assert_int_equal(net.opens, 6);
}

static void test_fetch_redirect_errors(void **state)
{
    struct fake_net net = {0};
    net.routes[0] = (struct route){"http://a/loop", "HTTP/1.1 302 F\r\nLocation: /loop\r\n\r\n"};
    net.routes[1] = (struct route){"http://a/none", "HTTP/1.1 302 F\r\n\r\n"};
    net.routes[2] = (struct route){"http://a/ftp", "HTTP/1.1 302 F\r\nLocation: ftp://x/\r\n\r\n"};
    struct http_response resp;
    struct counted body;
    assert_int_equal(get(&net, "http://a/loop", &resp, &body), SOS_ERR_OUT_OF_RANGE);
    assert_int_equal(resp.redirects, 5);
    assert_int_equal(get(&net, "http://a/none", &resp, &body), SOS_ERR_BAD_FORMAT);
    assert_string_equal(resp.error, "redirect: no Location header");
    assert_int_equal(get(&net, "http://a/ftp", &resp, &body), SOS_ERR_INVALID_ARGS);
    assert_string_equal(resp.error, "redirect: redirect to a scheme other than http or https");
}

static void test_fetch_error_status(void **state)
{
    struct fake_net net = {0};
    net.routes[0] = (struct route){"http://a/missing", "HTTP/1.1 404 Not Found\r\n"
                                   "Content-Length: 9\r\n\r\nnot here!"};
    net.routes[1] = (struct route){"http://a/oops", "HTTP/1.1 500 Internal\r\n\r\nstack trace"};
    struct http_response resp;
    struct counted body;
    assert_int_equal(get(&net, "http://a/missing", &resp, &body), SOS_ERR_NOT_FOUND);
    assert_string_equal(resp.error, "server answered 404 Not Found");
    assert_int_equal(body.bytes, 0);
    assert_int_equal(get(&net, "http://a/oops", &resp, &body), SOS_ERR_IO);
    assert_int_equal(resp.status, 500);
    assert_int_equal(body.bytes, 0);
}

static void test_fetch_failures(void **state)
{
    struct fake_net net = {0};
    net.routes[0] = (struct route){"http://a/slow", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
                                   0, true};
    net.routes[1] = (struct route){"http://a/short", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"};
    net.routes[2] = (struct route){"http://a/chunky", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                                   "\r\n-1\r\n"};
    net.routes[3] = (struct route){"http://a/empty", ""};
    struct http_response resp;
    struct counted body;
    assert_int_equal(get(&net, "http://a/slow", &resp, &body), SOS_ERR_TIMED_OUT);
    assert_string_equal(resp.error, "reading the response: timed out");
    assert_int_equal(get(&net, "http://a/short", &resp, &body), SOS_ERR_BAD_FORMAT);
    assert_string_equal(resp.error, "bad response: body shorter than its Content-Length");
    assert_int_equal(get(&net, "http://a/chunky", &resp, &body), SOS_ERR_BAD_FORMAT);
    assert_string_equal(resp.error, "bad response: malformed chunk size");
    assert_int_equal(get(&net, "http://a/empty", &resp, &body), SOS_ERR_BAD_FORMAT);
    assert_string_equal(resp.error, "bad response: connection closed before any response");
    assert_int_equal(get(&net, "http://nowhere/", &resp, &body), SOS_ERR_PEER_CLOSED);
    assert_string_equal(resp.error, "connecting: connection refused");
    assert_int_equal(get(&net, "http://bad host/", &resp, &body), SOS_ERR_INVALID_ARGS);
    assert_string_equal(resp.error, "bad URL: URL contains a space, control character or "
                                    "non-ASCII byte");
}

static void test_fetch_limits(void **state)
{
    struct fake_net net = {0};
    net.routes[0] = (struct route){"http://a/x", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"
                                   "0123456789"};
    struct http_connector conn = {&net, fake_open};
    struct http_request req = {.url = "http://a/x", .deadline = 1000 * MS, .max_body = 9};
    struct http_response resp;
    net.piece = 4;
    assert_int_equal(http_get(&conn, &req, &resp), SOS_ERR_NO_SPACE);
    assert_string_equal(resp.error, "response body: larger than the allowed size");
    req.max_body = 10;
    assert_int_equal(http_get(&conn, &req, &resp), 0);
    assert_int_equal(resp.body_len, 10);
    /* max_redirects 0 follows none */
    net.routes[1] = (struct route){"http://a/moved", "HTTP/1.1 301 M\r\nLocation: /x\r\n\r\n"};
    req.url = "http://a/moved";
    assert_int_equal(http_get(&conn, &req, &resp), SOS_ERR_OUT_OF_RANGE);
    assert_string_equal(resp.error, "too many redirects (more than 0)");
    req.max_redirects = 1;
    assert_int_equal(http_get(&conn, &req, &resp), 0);
    assert_int_equal(resp.redirects, 1);
    /* A deadline already past: the first read times out. */
    req.deadline = net.now;
    assert_int_equal(http_get(&conn, &req, &resp), SOS_ERR_TIMED_OUT);
    assert_int_equal(net.opens, net.closes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fetch_big_body),
        cmocka_unit_test(test_fetch_redirects),
        cmocka_unit_test(test_fetch_redirect_errors),
        cmocka_unit_test(test_fetch_error_status),
        cmocka_unit_test(test_fetch_failures),
        cmocka_unit_test(test_fetch_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
