/*
 * tests/progs/tlsloop.c - HTTPS end to end inside one ServiceOS process: the HTTP client
 * and the TLS transport of services/clients, freestanding BearSSL, and the entropy_read
 * system call, on every platform, before any network service exists.
 *
 * The "network" is a pair of memory pipes. The client's lower transport pumps a BearSSL
 * server (br_ssl_server, EC P-256, the fixed test PKI of tlsloop_certs.h) on the other
 * end whenever the client writes or reads: the server takes the request and answers
 * 200 with a 256 KiB chunked body, then close_notify. Checks, each one line:
 *   - entropy_read gives bytes, two reads differ, 257 bytes is refused
 *   - https://tlsloop.test/ with the test CA trusted: 200, the body's SHA-256 matches
 *   - the same with an unrelated CA: "certificate not trusted"
 *   - another host name: "certificate does not match host name"
 * Prints "tlsloop: ok" or "tlsloop: FAILED"; booted with --init it powers off with
 * status 0 or 1 (tests/http/meson.build runs it in the simulator).
 *
 * Layer: test program (services/lib, sos_clients, sos_tls, BearSSL).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>
#include <sl/startup.h>
#include <sl/sys.h>

#include <client/http.h>
#include <client/tls.h>

#include "../http/tlsloop_certs.h"
#include "hash/sha256.h"

#define BODY_LEN (256u * 1024u)
#define PIPE_CAP (64u * 1024u)

struct pipe {
    unsigned char buf[PIPE_CAP];
    size_t len;
};

/* The server end: a BearSSL server engine and what it has done so far. */
struct server {
    br_ssl_server_context sc;
    unsigned char iobuf[BR_SSL_BUFSIZE_BIDI];
    br_x509_certificate chain;
    br_ec_private_key key;
    struct pipe c2s, s2c;
    char request[512];
    size_t request_len, sent;  /* of the request; of the body */
    bool answering, head_sent, done;
};

static int g_failures;

static void check(bool ok, const char *what)
{
    printf("tlsloop: %s %s\n", ok ? "ok  " : "FAIL", what);
    g_failures += !ok;
}

static unsigned char body_byte(size_t i)
{
    return (unsigned char)(i * 31 + (i >> 8));
}

/* The next piece of the body as one chunk (size line, data, CRLF) of varying size, or
 * the last chunk; 0 when room is short. */
static size_t next_piece(struct server *s, char *out, size_t room)
{
    size_t n = 1000 + (s->sent % 7) * 700, k;
    if (n > BODY_LEN - s->sent)
        n = BODY_LEN - s->sent;
    if (room < n + 16)
        return 0;
    if (n == 0) {
        memcpy(out, "0\r\n\r\n", 5);
        s->done = true;
        return 5;
    }
    k = (size_t)snprintf(out, room, "%zx\r\n", n);
    for (size_t i = 0; i < n; i++)
        out[k + i] = (char)body_byte(s->sent + i);
    memcpy(out + k + n, "\r\n", 2);
    s->sent += n;
    return k + n + 2;
}

/* Give the server engine the next part of the answer if it has room: did it? After the
 * last chunk the server closes (close_notify). */
static bool serve(struct server *s)
{
    static const char head[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                               "Connection: close\r\n\r\n";
    static char piece[8192];
    size_t room, n = 0;
    br_ssl_engine_context *e = &s->sc.eng;
    if (s->done || !(br_ssl_engine_current_state(e) & BR_SSL_SENDAPP) ||
        s->s2c.len > PIPE_CAP / 2)
        return false;
    unsigned char *app = br_ssl_engine_sendapp_buf(e, &room);
    if (!s->head_sent && room >= sizeof(head)) {
        memcpy(app, head, n = sizeof(head) - 1);
        s->head_sent = true;
    } else if (s->head_sent) {
        n = next_piece(s, piece, room < sizeof(piece) ? room : sizeof(piece));
        memcpy(app, piece, n);
    }
    if (n == 0)
        return false;
    br_ssl_engine_sendapp_ack(e, n);
    br_ssl_engine_flush(e, 0);
    if (s->done)
        br_ssl_engine_close(e);
    return true;
}

/* Move records both ways and let the server act until nothing changes. */
static void pump(struct server *s)
{
    br_ssl_engine_context *e = &s->sc.eng;
    for (;;) {
        unsigned st = br_ssl_engine_current_state(e);
        size_t len;
        if (st & BR_SSL_SENDREC) {
            unsigned char *rec = br_ssl_engine_sendrec_buf(e, &len);
            if (len > PIPE_CAP - s->s2c.len)
                len = PIPE_CAP - s->s2c.len;
            if (len == 0)
                return;
            memcpy(s->s2c.buf + s->s2c.len, rec, len);
            s->s2c.len += len;
            br_ssl_engine_sendrec_ack(e, len);
        } else if (st & BR_SSL_RECVAPP) {
            unsigned char *app = br_ssl_engine_recvapp_buf(e, &len);
            size_t n = len < sizeof(s->request) - 1 - s->request_len ? len
                       : sizeof(s->request) - 1 - s->request_len;
            memcpy(s->request + s->request_len, app, n);
            s->request_len += n;
            br_ssl_engine_recvapp_ack(e, len);
            s->answering = strstr(s->request, "\r\n\r\n") != NULL;
        } else if ((st & BR_SSL_RECVREC) && s->c2s.len > 0) {
            unsigned char *rec = br_ssl_engine_recvrec_buf(e, &len);
            size_t n = len < s->c2s.len ? len : s->c2s.len;
            memcpy(rec, s->c2s.buf, n);
            memmove(s->c2s.buf, s->c2s.buf + n, s->c2s.len - n);
            s->c2s.len -= n;
            br_ssl_engine_recvrec_ack(e, n);
        } else if (!s->answering || !serve(s)) {
            return;
        }
    }
}

/* ---- the client's lower transport: the pipes */

static int64_t pipe_read(void *ctx, void *buf, size_t len, sos_time_t deadline)
{
    struct server *s = ctx;
    (void)deadline;
    pump(s);
    if (s->s2c.len == 0)
        return 0; /* the server has nothing more: its end is closed */
    size_t n = len < s->s2c.len ? len : s->s2c.len;
    memcpy(buf, s->s2c.buf, n);
    memmove(s->s2c.buf, s->s2c.buf + n, s->s2c.len - n);
    s->s2c.len -= n;
    return (int64_t)n;
}

static int pipe_write(void *ctx, const void *buf, size_t len, sos_time_t deadline)
{
    struct server *s = ctx;
    (void)deadline;
    if (len > PIPE_CAP - s->c2s.len)
        return SOS_ERR_NO_SPACE;
    memcpy(s->c2s.buf + s->c2s.len, buf, len);
    s->c2s.len += len;
    pump(s);
    return 0;
}

static void pipe_close(void *ctx)
{
    free(ctx);
}

static struct server *server_new(void)
{
    unsigned char seed[32];
    struct server *s = calloc(1, sizeof(*s));
    if (!s || sos_entropy_read(seed, sizeof(seed)) != (int64_t)sizeof(seed))
        return NULL;
    s->chain = (br_x509_certificate){(unsigned char *)g_tlsloop_server_der,
                                     sizeof(g_tlsloop_server_der)};
    s->key = (br_ec_private_key){BR_EC_secp256r1, (unsigned char *)g_tlsloop_server_key,
                                 sizeof(g_tlsloop_server_key)};
    br_ssl_server_init_full_ec(&s->sc, &s->chain, 1, BR_KEYTYPE_EC, &s->key);
    br_ssl_engine_set_buffer(&s->sc.eng, s->iobuf, sizeof(s->iobuf), 1);
    br_ssl_engine_inject_entropy(&s->sc.eng, seed, sizeof(seed));
    return br_ssl_server_reset(&s->sc) ? s : NULL;
}

/* ---- the connector: TLS over a fresh server for every URL */

struct loop_conn {
    struct tls_trust *trust;
};

static int loop_open(void *ctx, const struct http_url *url, sos_time_t deadline,
                     struct http_transport *out, const char **why)
{
    struct loop_conn *c = ctx;
    struct server *s = server_new();
    if (!s) {
        *why = "test server did not start";
        return SOS_ERR_NO_MEMORY;
    }
    struct http_transport lower = {s, pipe_read, pipe_write, pipe_close};
    struct tls_config cfg = {c->trust, tls_entropy_system(), TLSLOOP_TIME};
    return tls_client_open(&cfg, &lower, url->host, deadline, out, why);
}

struct hashed {
    struct sha256 sha;
};

static int hash_body(void *arg, const void *data, size_t len)
{
    sha256_update(&((struct hashed *)arg)->sha, data, len);
    return 0;
}

static int fetch(const char *pem, size_t pem_len, const char *url, struct http_response *r,
                 uint8_t digest[32])
{
    struct loop_conn c = {tls_trust_new()};
    struct hashed h;
    sha256_init(&h.sha);
    if (!c.trust || tls_trust_add_pem(c.trust, pem, pem_len, NULL) != 1)
        return SOS_ERR_INTERNAL;
    struct http_connector conn = {&c, loop_open};
    struct http_request req = {.url = url, .deadline = sos_clock_get() + 60000000000ll,
                               .want_sha256 = true, .body = hash_body, .body_arg = &h};
    int err = http_get(&conn, &req, r);
    sha256_final(&h.sha, digest);
    tls_trust_free(c.trust);
    return err;
}

static void check_entropy(void)
{
    uint8_t a[32], b[32], big[257];
    bool ok = sos_entropy_read(a, 32) == 32 && sos_entropy_read(b, 32) == 32;
    check(ok && memcmp(a, b, 32) != 0, "entropy_read: two reads of 32 bytes differ");
    check(sos_entropy_read(big, sizeof(big)) == SOS_ERR_OUT_OF_RANGE,
          "entropy_read: 257 bytes refused");
}

static void check_fetches(void)
{
    static struct http_response r;
    static uint8_t body[BODY_LEN];
    uint8_t want[32], got[32];
    for (size_t i = 0; i < BODY_LEN; i++)
        body[i] = body_byte(i);
    sha256(body, BODY_LEN, want);
    int err = fetch(g_tlsloop_ca_pem, sizeof(g_tlsloop_ca_pem) - 1, "https://tlsloop.test/x", &r, got);
    if (err)
        printf("tlsloop: error: %s\n", r.error);
    check(!err && r.status == 200 && r.body_len == BODY_LEN && !memcmp(got, want, 32) &&
          !memcmp(r.sha256, want, 32), "https, test CA trusted: 256 KiB chunked, SHA-256 matches");
    err = fetch(g_tlsloop_other_ca_pem, sizeof(g_tlsloop_other_ca_pem) - 1,
                "https://tlsloop.test/x", &r, got);
    printf("tlsloop: (%s)\n", r.error);
    check(err == SOS_ERR_ACCESS_DENIED && strstr(r.error, "certificate not trusted"),
          "https, another CA: certificate not trusted");
    err = fetch(g_tlsloop_ca_pem, sizeof(g_tlsloop_ca_pem) - 1, "https://other.test/x", &r, got);
    printf("tlsloop: (%s)\n", r.error);
    check(err == SOS_ERR_ACCESS_DENIED && strstr(r.error, "does not match host name"),
          "https, wrong host name refused");
}

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    sos_handle_t root = sos_startup_handle("root-resource");
    sos_time_t t0 = sos_clock_get();
    check_entropy();
    check_fetches();
    printf("tlsloop: %s (%lld ms)\n", g_failures ? "FAILED" : "ok",
           (long long)((sos_clock_get() - t0) / 1000000));
    if (root != SOS_HANDLE_INVALID)
        sos_system_power(root, SOS_POWER_OFF, g_failures ? 1 : 0);
    return g_failures ? 1 : 0;
}
