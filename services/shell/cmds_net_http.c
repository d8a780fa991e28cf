/*
 * services/shell/cmds_net_http.c - `net http <url> [> path]` and the file server of
 * `net listen <port> [n] <path>`.
 *
 * `net http` is the HTTP client (client/http.h) over the network service's sockets
 * (client/net_http.h): the body is printed, or with `> path` streamed into the store
 * as path.part and renamed over path once whole and synced (a failed fetch leaves
 * path as it was); then the status, the size and the SHA-256 of the body. https is
 * TLS 1.2 (client/tls.h) against the trust store, a PEM bundle in the store at config
 * `network.tls.trust` (default /etc/ca.pem), at the time config `network.tls.time`
 * gives (seconds since 1970): ServiceOS has no wall clock yet, and a certificate's
 * validity cannot be checked without one. Each read of the response waits beside the
 * console session, so Ctrl-C stops a download at any point.
 *
 * The file server answers every connection's request (whatever it asks) with an
 * HTTP/1.0 200 carrying the file, read from the store as it is sent (404 when the file
 * is not there), so `curl` or a browser can fetch it.
 *
 * Layer: services (shell).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <client/net_http.h>
#include <client/storage.h>
#include <proto/storage.h>
#ifdef SH_HAVE_TLS
#include <client/tls.h>
#endif

#include "shell.h"

#define FETCH_NS SOS_MS(300000)  /* a whole download */
#define FETCH_IDLE_MS 10000u     /* a server silent this long: "timed out" */
#define TRUST_DEFAULT "/etc/ca.pem"
#define TRUST_MAX (1u << 20)
#define REQUEST_MAX 8192u        /* the request head the file server reads */

/* Where the body goes: the console, or a file written STORAGE_IO_MAX at a time. */
struct sink {
    sos_handle_t file;
    uint64_t off;
    uint8_t *buf;
    size_t len;
    int err;        /* the store's, when writing failed */
    char last;      /* the last byte printed */
};

static int sink_flush(struct sink *k)
{
    if (k->file && k->len && !k->err) {
        k->err = stc_write(k->file, k->off, k->buf, k->len);
        k->off += k->len;
        k->len = 0;
    }
    return k->err;
}

static int sink_body(void *arg, const void *data, size_t len)
{
    struct sink *k = arg;
    const char *p = data;
    if (!k->file) {
        sh_printf("%.*s", (int)len, p);
        k->last = len ? p[len - 1] : k->last;
        return 0;
    }
    while (len) {
        size_t n = STORAGE_IO_MAX - k->len < len ? STORAGE_IO_MAX - k->len : len;
        memcpy(k->buf + k->len, p, n);
        k->len += n;
        p += n;
        len -= n;
        if (k->len == STORAGE_IO_MAX && sink_flush(k))
            return k->err;
    }
    return 0;
}

/* Waiting for a socket's reply beside Ctrl-C. */
static int wait_or_interrupt(void *ctx, sos_handle_t h)
{
    (void)ctx;
    int w = sh_wait(h);
    return w == SH_WAIT_READY ? 0 : w == SH_WAIT_INTERRUPT ? SOS_ERR_CANCELED : SOS_ERR_INTERNAL;
}

#ifdef SH_HAVE_TLS
static struct tls_config g_tls;

static int tls_open(void *ctx, const struct http_transport *lower, const char *host,
                    sos_time_t deadline, struct http_transport *out, const char **why)
{
    return tls_client_open(ctx, lower, host, deadline, out, why);
}

/* The trust store and the time from config; NULL (said) when either is missing. */
static struct tls_trust *tls_prepare(void)
{
    char path[256], when[32], *pem = NULL;
    uint32_t type;
    uint64_t t = 0;
    size_t n = 0;
    const char *why = "";
    if (sh_config_get("network.tls.time", &type, when, sizeof(when)) ||
        !sh_parse_u64(when, UINT32_MAX * 4ull, &t) || !t) {
        sh_eprintf("net http: no wall-clock time to check certificates "
                   "(config set network.tls.time <seconds since 1970>)\n");
        return NULL;
    }
    if (sh_config_get("network.tls.trust", &type, path, sizeof(path)) || !path[0])
        snprintf(path, sizeof(path), "%s", TRUST_DEFAULT);
    if (sh_store_get("net http: trust store", path, TRUST_MAX, &pem, &n))
        return NULL;
    struct tls_trust *trust = tls_trust_new();
    int got = trust ? tls_trust_add_pem(trust, pem, n, &why) : SOS_ERR_NO_MEMORY;
    free(pem);
    if (got <= 0) {
        sh_eprintf("net http: trust store %s: %s\n", path,
                   got == 0 ? "no certificates in it" : got == SOS_ERR_NO_MEMORY ? "out of memory" : why);
        tls_trust_free(trust);
        return NULL;
    }
    g_tls = (struct tls_config){.trust = trust, .entropy = tls_entropy_system(), .unix_time = t};
    return trust;
}
#endif

/* The fetch itself: 0, or an error said already. */
static int fetch(const char *url, struct sink *k, struct http_response *resp)
{
    struct net_http nh = {.net = &g_sh.net, .wait = wait_or_interrupt, .idle_ms = FETCH_IDLE_MS};
    struct http_connector conn;
    void *trust = NULL;
    if (!strncmp(url, "https://", 8)) {
#ifdef SH_HAVE_TLS
        if (!(trust = tls_prepare()))
            return SOS_ERR_BAD_STATE;
        nh.secure = tls_open;
        nh.secure_ctx = &g_tls;
#endif
    }
    net_http_connector(&nh, &conn);
    struct http_request req = {.url = url, .deadline = sos_deadline_after(FETCH_NS),
                               .max_redirects = -1, .want_sha256 = true, .body = sink_body,
                               .body_arg = k};
    int err = http_get(&conn, &req, resp);
    if (!err)
        err = sink_flush(k);
#ifdef SH_HAVE_TLS
    tls_trust_free(trust);
#endif
    if (err == SOS_ERR_CANCELED)
        sh_eprintf("net http: stopped\n");
    else if (k->err)
        sh_eprintf("net http: the store: %s\n", sh_errtext(k->err));
    else if (err)
        sh_eprintf("net http %s: %s\n", url, resp->error);
    return err;
}

/* "1.234 s" since t0 */
static const char *took(sos_time_t t0)
{
    static char buf[32];
    uint64_t ms = (uint64_t)(sos_clock_get() - t0) / 1000000u;
    snprintf(buf, sizeof(buf), "%llu.%03llu s", (unsigned long long)(ms / 1000),
             (unsigned long long)(ms % 1000));
    return buf;
}

static void summary(const struct http_response *resp, const char *saved, sos_time_t t0)
{
    sh_printf("net http: %d %s, %llu bytes in %s, sha256 ", resp->status, resp->reason,
              (unsigned long long)resp->body_len, took(t0));
    for (int i = 0; i < 32; i++)
        sh_printf("%02x", resp->sha256[i]);
    sh_printf("%s%s\n", saved ? ", saved to " : "", saved ? saved : "");
}

/* `> path`: into rel.part under the top, then renamed over rel. */
static void fetch_to_file(const char *url, const char *path, struct sink *k,
                          struct http_response *resp, sos_time_t t0)
{
    char rel[STORAGE_PATH_MAX], part[STORAGE_PATH_MAX + 8];
    sos_handle_t top;
    if (sh_store_top("net http", path, &top, rel, sizeof(rel)))
        return;
    snprintf(part, sizeof(part), "%s.part", rel);
    bool ok = false;
    int err = stc_open(top, part, STORAGE_R_WRITE | STORAGE_R_CREATE,
                       STORAGE_O_CREATE | STORAGE_O_TRUNC, &k->file);
    k->buf = err ? NULL : malloc(STORAGE_IO_MAX);
    if (err || !k->buf) {
        sh_eprintf("net http: %s: %s\n", path, sh_errtext(err ? err : SOS_ERR_NO_MEMORY));
    } else if (!fetch(url, k, resp)) {
        err = stc_sync(k->file);
        if (!err)
            err = stc_rename(top, part, rel);
        if (err)
            sh_eprintf("net http: %s: %s\n", path, sh_errtext(err));
        else
            summary(resp, path, t0);
        ok = !err;
    }
    if (k->file)
        sos_handle_close(k->file);
    if (!ok) /* path stays as it was */
        stc_unlink(top, part);
    free(k->buf);
    sos_handle_close(top);
}

void sh_net_http(const char *url)
{
    static struct http_response resp;
    struct sink k = {.last = '\n'};
    const char *path = sh_claim_redirect();
    sos_time_t t0 = sos_clock_get();
    memset(&resp, 0, sizeof(resp));
    if (path) {
        fetch_to_file(url, path, &k, &resp, t0);
        return;
    }
    int err = fetch(url, &k, &resp);
    if (k.last != '\n')
        sh_printf("\n");
    if (!err)
        summary(&resp, NULL, t0);
}

/* ---- net listen's file server */

/* Read the request head (to its blank line, REQUEST_MAX bytes or the peer's end);
 * false on Ctrl-C. */
static bool read_request(sos_handle_t s, char *buf, uint32_t *len)
{
    *len = 0;
    for (;;) {
        uint32_t n = 0;
        int err = net_recv_start(s, sh_txid(), REQUEST_MAX - *len, FETCH_IDLE_MS);
        int w = err ? SH_WAIT_FAILED : sh_wait(s);
        if (w == SH_WAIT_INTERRUPT)
            return false;
        if (w != SH_WAIT_READY || net_recv_finish(s, buf + *len, REQUEST_MAX - *len, &n, NULL, 0, NULL))
            return true;
        *len += n;
        buf[*len] = 0;
        if (strstr(buf, "\r\n\r\n") || strstr(buf, "\n\n") || *len >= REQUEST_MAX)
            return true;
    }
}

/* Send the file (with its header); the bytes of it sent, or an error (*sending: the
 * network's, else the store's). */
static int64_t send_file(sos_handle_t s, const char *path, char *buf, bool *sending)
{
    char rel[STORAGE_PATH_MAX];
    sos_handle_t top, f = 0;
    uint64_t size = 0, off = 0;
    if (sh_store_top("net listen", path, &top, rel, sizeof(rel)))
        return SOS_ERR_IO;
    int err = stc_size(top, rel, &size);
    if (!err)
        err = stc_open(top, rel, STORAGE_R_READ, 0, &f);
    sos_handle_close(top);
    int n = err ? snprintf(buf, NET_DATA_MAX, "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n"
                                              "Connection: close\r\n\r\n")
                : snprintf(buf, NET_DATA_MAX, "HTTP/1.0 200 OK\r\nContent-Length: %llu\r\n"
                                              "Content-Type: application/octet-stream\r\n"
                                              "Connection: close\r\n\r\n",
                           (unsigned long long)size);
    int serr = net_send(s, NULL, 0, buf, (uint32_t)n);
    while (!err && !serr && off < size) {
        int64_t got = stc_read(f, off, buf, NET_DATA_MAX);
        if (got <= 0) {
            err = got ? (int)got : SOS_ERR_IO;
            break;
        }
        serr = net_send(s, NULL, 0, buf, (uint32_t)got);
        off += (uint64_t)got;
    }
    if (f)
        sos_handle_close(f);
    *sending = !err && serr;
    return err ? err : serr ? serr : (int64_t)off;
}

bool sh_net_serve_file(sos_handle_t s, const char *path)
{
    static char buf[NET_DATA_MAX + 1];
    uint32_t len;
    bool go_on = read_request(s, buf, &len);
    if (go_on) {
        sos_time_t t0 = sos_clock_get();
        bool sending = false;
        int64_t sent = send_file(s, path, buf, &sending);
        const char *text = sending ? net_error_text(&g_sh.net, (int)sent, "send") : NULL;
        net_shutdown(s);
        if (sent < 0)
            sh_printf("net listen: %s: %s\n", path, text ? text : sh_errtext((int)sent));
        else
            sh_printf("net listen: sent %s (%lld bytes in %s)\n", path, (long long)sent, took(t0));
    }
    sh_flush();
    net_close(s);
    return go_on;
}
