/*
 * services/clients/net_http_test.c - host unit tests of the HTTP connector over the
 * network service (net_http.c), with the network client (client/net.h) and the few
 * system calls it makes faked: http_get of a body that arrives in uneven RECV replies,
 * RECV sizes and timeouts (what is left of the deadline, the idle bound), a write cut
 * into NET_DATA_MAX pieces, the end of the stream, connect errors in words (refused,
 * no link from NET_INFO), https without a TLS hook, the TLS hook's transport used, and
 * a wait hook giving up (the socket closed without another request on it).
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

#include <client/net_http.h>

#include "hash/sha256.h"

#define SOCK 77
#define BODY (100u * 1024 + 3)

static struct {
    sos_time_t now;
    int connect_err, connects, closes, handle_closes, sends, recvs, wait_err;
    uint32_t send_sizes[16], recv_caps[64], recv_timeouts[64];
    uint32_t link;
    char sent[4096];
    size_t sent_len;
    uint8_t *reply;       /* the server's bytes */
    size_t reply_len, reply_off, piece;
    uint32_t pending;     /* the RECV cap asked */
} g;

/* ---- fakes: system calls */
int64_t sos_clock_get(void) { return g.now += 1000000; }
int64_t sos_handle_close(sos_handle_t h) { g.handle_closes += h == SOCK; return 0; }
int64_t sos_object_wait_one(sos_handle_t h, sos_signals_t s, sos_time_t d, sos_signals_t *o)
{
    (void)h; (void)d;
    *o = s;
    return 0;
}

/* ---- fakes: the network client */
int net_connect(struct sl_conn_to *c, const char *host, uint16_t port, uint32_t ms, sos_handle_t *s)
{
    (void)c; (void)host; (void)port; (void)ms;
    g.connects++;
    *s = g.connect_err ? 0 : SOCK;
    return g.connect_err;
}

int net_info(struct sl_conn_to *c, struct net_info *ni)
{
    (void)c;
    memset(ni, 0, sizeof(*ni));
    ni->v4_state = NET_V4_DHCP;
    ni->link = g.link;
    return 0;
}

int net_send(sos_handle_t s, const char *host, uint16_t port, const void *d, uint32_t len)
{
    (void)host; (void)port;
    assert_int_equal(s, SOCK);
    assert_true(len <= NET_DATA_MAX);
    if (g.sends < 16)
        g.send_sizes[g.sends] = len;
    g.sends++;
    size_t n = len < sizeof(g.sent) - g.sent_len ? len : sizeof(g.sent) - g.sent_len;
    memcpy(g.sent + g.sent_len, d, n);
    g.sent_len += n;
    return 0;
}

int net_recv_start(sos_handle_t s, uint32_t txid, uint32_t cap, uint32_t ms)
{
    (void)txid;
    assert_int_equal(s, SOCK);
    assert_true(cap >= 1 && cap <= NET_DATA_MAX);
    if (g.recvs < 64) {
        g.recv_caps[g.recvs] = cap;
        g.recv_timeouts[g.recvs] = ms;
    }
    g.recvs++;
    g.pending = cap;
    return 0;
}

int net_recv_finish(sos_handle_t s, void *buf, uint32_t cap, uint32_t *len, char *from,
                    size_t fc, uint32_t *port)
{
    (void)s; (void)from; (void)fc; (void)port;
    if (g.reply_off == g.reply_len)
        return SOS_ERR_PEER_CLOSED; /* the server closed */
    size_t n = g.reply_len - g.reply_off;
    n = n < g.piece ? n : g.piece;
    n = n < g.pending ? n : g.pending;
    assert_true(n <= cap);
    memcpy(buf, g.reply + g.reply_off, n);
    g.reply_off += n;
    *len = (uint32_t)n;
    return 0;
}

void net_close(sos_handle_t s)
{
    assert_int_equal(s, SOCK);
    g.closes++;
}

/* ---- the server's answer */
static uint8_t g_body[BODY];

static void serve(const char *head, const uint8_t *body, size_t n, size_t piece)
{
    size_t h = strlen(head);
    free(g.reply);
    g.reply = malloc(h + n);
    memcpy(g.reply, head, h);
    memcpy(g.reply + h, body, n);
    g.reply_len = h + n;
    g.reply_off = 0;
    g.piece = piece;
}

static int setup(void **state)
{
    (void)state;
    free(g.reply);
    memset(&g, 0, sizeof(g));
    g.link = 1;
    for (size_t i = 0; i < BODY; i++)
        g_body[i] = (uint8_t)(i * 7 % 251);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(g.reply);
    g.reply = NULL;
    return 0;
}

static int fetch(struct net_http *nh, const char *url, struct http_response *resp, sos_time_t ms)
{
    struct http_connector c;
    net_http_connector(nh, &c);
    struct http_request req = {.url = url, .deadline = g.now + ms * 1000000, .want_sha256 = true};
    return http_get(&c, &req, resp);
}

static void test_body_in_uneven_pieces(void **state)
{
    (void)state;
    char head[128];
    snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Length: %u\r\n\r\n", BODY);
    serve(head, g_body, BODY, 3001);
    struct net_http nh = {.idle_ms = 5000};
    struct http_response resp;
    assert_int_equal(fetch(&nh, "http://repo.test:8080/big", &resp, 60000), 0);
    assert_int_equal(resp.body_len, BODY);
    uint8_t want[32];
    struct sha256 s;
    sha256_init(&s);
    sha256_update(&s, g_body, BODY);
    sha256_final(&s, want);
    assert_memory_equal(resp.sha256, want, 32);
    assert_true(strstr(g.sent, "GET /big HTTP/1.1\r\nHost: repo.test:8080\r\n") == g.sent);
    assert_int_equal(g.connects, 1);
    assert_int_equal(g.closes, 1);
    for (int i = 0; i < g.recvs && i < 64; i++) /* the idle bound, under the deadline */
        assert_true(g.recv_timeouts[i] == 5000);
}

static void test_timeout_is_what_is_left(void **state)
{
    (void)state;
    serve("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", (const uint8_t *)"ok", 2, 1);
    struct net_http nh = {0};
    struct http_response resp;
    assert_int_equal(fetch(&nh, "http://h/", &resp, 3000), 0);
    assert_true(g.recvs >= 2);
    for (int i = 1; i < g.recvs && i < 64; i++) /* one fake ms passes per clock read */
        assert_true(g.recv_timeouts[i] < g.recv_timeouts[i - 1]);
    assert_true(g.recv_timeouts[0] <= 3000 && g.recv_timeouts[0] > 2900);
}

static void test_write_in_pieces(void **state)
{
    (void)state;
    struct net_http nh = {0};
    struct http_connector c;
    struct http_transport t;
    struct http_url u;
    const char *why = NULL;
    net_http_connector(&nh, &c);
    assert_int_equal(http_url_parse("http://h/", &u, &why), 0);
    assert_int_equal(c.open(c.ctx, &u, g.now + 10000000000ll, &t, &why), 0);
    static uint8_t big[40000];
    assert_int_equal(t.write(t.ctx, big, sizeof(big), g.now + 10000000000ll), 0);
    assert_int_equal(g.sends, 3);
    assert_int_equal(g.send_sizes[0], NET_DATA_MAX);
    assert_int_equal(g.send_sizes[1], NET_DATA_MAX);
    assert_int_equal(g.send_sizes[2], sizeof(big) - 2 * NET_DATA_MAX);
    uint8_t buf[8];
    assert_int_equal(t.read(t.ctx, buf, sizeof(buf), g.now + 10000000000ll), 0); /* the end */
    assert_int_equal(t.read(t.ctx, buf, sizeof(buf), g.now - 1), SOS_ERR_TIMED_OUT);
    t.close(t.ctx);
    assert_int_equal(g.closes, 1);
}

static void test_connect_errors_in_words(void **state)
{
    (void)state;
    struct net_http nh = {0};
    struct http_response resp;
    g.connect_err = SOS_ERR_PEER_CLOSED;
    assert_int_equal(fetch(&nh, "http://h:7009/", &resp, 3000), SOS_ERR_PEER_CLOSED);
    assert_string_equal(resp.error, "connecting: connection refused");
    g.connect_err = SOS_ERR_BAD_STATE;
    g.link = 0;
    assert_int_equal(fetch(&nh, "http://h/", &resp, 3000), SOS_ERR_BAD_STATE);
    assert_string_equal(resp.error, "connecting: no link");
    g.connect_err = SOS_ERR_NOT_FOUND;
    assert_int_equal(fetch(&nh, "http://nothing.test/", &resp, 3000), SOS_ERR_NOT_FOUND);
    assert_string_equal(resp.error, "connecting: name not found");
    assert_int_equal(g.closes + g.handle_closes, 0);
}

static void test_https_needs_the_hook(void **state)
{
    (void)state;
    struct net_http nh = {0};
    struct http_response resp;
    assert_int_equal(fetch(&nh, "https://repo.test/", &resp, 3000), SOS_ERR_NOT_SUPPORTED);
    assert_string_equal(resp.error, "connecting: https is not available (built without BearSSL)");
    assert_int_equal(g.connects, 0);
}

/* A "TLS" hook that hands back the TCP transport under another read: it must be used. */
static struct http_transport g_lower;
static int64_t upper_read(void *ctx, void *buf, size_t len, sos_time_t dl)
{
    (void)ctx;
    return g_lower.read(g_lower.ctx, buf, len, dl);
}
static int upper_write(void *ctx, const void *buf, size_t len, sos_time_t dl)
{
    (void)ctx;
    return g_lower.write(g_lower.ctx, buf, len, dl);
}
static void upper_close(void *ctx) { (void)ctx; g_lower.close(g_lower.ctx); }
static int fake_tls(void *ctx, const struct http_transport *lower, const char *host,
                    sos_time_t dl, struct http_transport *out, const char **why)
{
    (void)dl; (void)why;
    assert_string_equal(host, "repo.test");
    (*(int *)ctx)++;
    g_lower = *lower;
    *out = (struct http_transport){.read = upper_read, .write = upper_write, .close = upper_close};
    return 0;
}

static void test_https_through_the_hook(void **state)
{
    (void)state;
    int used = 0;
    serve("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", (const uint8_t *)"hello", 5, 64);
    struct net_http nh = {.secure = fake_tls, .secure_ctx = &used};
    struct http_response resp;
    assert_int_equal(fetch(&nh, "https://repo.test/x", &resp, 3000), 0);
    assert_int_equal(used, 1);
    assert_int_equal(resp.body_len, 5);
    assert_int_equal(g.closes, 1);
}

static int give_up(void *ctx, sos_handle_t h)
{
    (void)ctx;
    assert_int_equal(h, SOCK);
    return SOS_ERR_CANCELED;
}

static void test_wait_hook_gives_up(void **state)
{
    (void)state;
    serve("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", (const uint8_t *)"hello", 5, 64);
    struct net_http nh = {.wait = give_up};
    struct http_response resp;
    assert_int_equal(fetch(&nh, "http://h/", &resp, 3000), SOS_ERR_CANCELED);
    assert_int_equal(g.recvs, 1);
    assert_int_equal(g.handle_closes, 1); /* closed, with its RECV's reply left behind */
    assert_int_equal(g.closes, 0);        /* no NET_SOCK_CLOSE request after it */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_body_in_uneven_pieces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeout_is_what_is_left, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_in_pieces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connect_errors_in_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_https_needs_the_hook, setup, teardown),
        cmocka_unit_test_setup_teardown(test_https_through_the_hook, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wait_hook_gives_up, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
