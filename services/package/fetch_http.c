/*
 * fetch_http.c - the package service's HTTP repository backend: a struct pkg_fetch
 * whose files are GET <url>/<path> through services/clients' HTTP client, over TCP
 * sockets of the network service (client/net.h). Plain http:// only: TUF's checks
 * (trust.c) make no assumption about the transport, so its guarantees hold over plain
 * HTTP; https:// is refused here until a TLS connector is wired in.
 *
 * Limits come from the caller: a body longer than max_len stops the fetch with
 * SOS_ERR_OUT_OF_RANGE (what TUF calls endless data), a 404 or 410 is NOT_FOUND (how
 * the update procedure learns there is no next root), every other failure is the
 * client's error with its sentence in the log.
 *
 * Layer: services (package).
 */
#include <stdio.h>
#include <string.h>

#include <client/http.h>
#include <client/net.h>

#include "pkgsvc.h"

#define HTTP_FETCH_NS 30000000000ll /* one file, redirects included */
#define CONNECT_MS 10000u

static struct sl_conn_to g_net;
static bool g_net_init;

struct tcp {
    sos_handle_t sock;
};

static uint32_t ms_until(sos_time_t deadline)
{
    sos_time_t now = sos_clock_get();
    return deadline <= now ? 0 : (uint32_t)((deadline - now) / 1000000 + 1);
}

static int64_t tcp_read(void *ctx, void *buf, size_t len, sos_time_t deadline)
{
    struct tcp *t = ctx;
    uint32_t n = 0, ms = ms_until(deadline);
    if (!ms)
        return SOS_ERR_TIMED_OUT;
    int err = net_recv(t->sock, buf, len > NET_DATA_MAX ? NET_DATA_MAX : (uint32_t)len, &n, ms,
                       NULL, 0, NULL);
    if (err == SOS_ERR_PEER_CLOSED)
        return 0; /* the server closed: the end of the stream */
    return err ? err : (int64_t)n;
}

static int tcp_write(void *ctx, const void *buf, size_t len, sos_time_t deadline)
{
    struct tcp *t = ctx;
    (void)deadline;
    while (len) {
        uint32_t n = len > NET_DATA_MAX ? NET_DATA_MAX : (uint32_t)len;
        int err = net_send(t->sock, NULL, 0, buf, n);
        if (err)
            return err;
        buf = (const uint8_t *)buf + n;
        len -= n;
    }
    return 0;
}

static void tcp_close(void *ctx)
{
    struct tcp *t = ctx;
    net_close(t->sock);
    t->sock = 0;
}

static int tcp_open(void *ctx, const struct http_url *url, sos_time_t deadline,
                    struct http_transport *out, const char **why)
{
    struct tcp *t = ctx;
    if (url->https) {
        *why = "https is not wired into the package service yet (use http://)";
        return SOS_ERR_NOT_SUPPORTED;
    }
    if (!g_net_init) {
        sl_conn_to_init(&g_net, "network", 0);
        g_net_init = true;
    }
    uint32_t ms = ms_until(deadline);
    int err = net_connect(&g_net, url->host, url->port, ms < CONNECT_MS ? ms : CONNECT_MS,
                          &t->sock);
    if (err) {
        *why = "cannot connect";
        return err;
    }
    *out = (struct http_transport){t, tcp_read, tcp_write, tcp_close};
    return 0;
}

struct body {
    const struct pkg_sink *sink;
};

static int to_sink(void *arg, const void *data, size_t len)
{
    const struct body *b = arg;
    return b->sink->data(b->sink->ctx, data, len);
}

static int fetch_http(void *ctx, const char *path, size_t max_len, const struct pkg_sink *sink)
{
    const char *base = ctx;
    static char url[PKG_URL_MAX + 128];
    static struct http_response resp;
    struct tcp t = {0};
    struct http_connector conn = {&t, tcp_open};
    struct body b = {sink};
    size_t bl = strlen(base);
    snprintf(url, sizeof url, "%s%s%s", base, bl && base[bl - 1] == '/' ? "" : "/", path);
    struct http_request req = {.url = url, .deadline = sos_deadline_after(HTTP_FETCH_NS),
                               .max_redirects = -1, .max_body = max_len, .body = to_sink,
                               .body_arg = &b};
    int err = http_get(&conn, &req, &resp);
    if (err == SOS_ERR_NO_SPACE)
        return SOS_ERR_OUT_OF_RANGE; /* longer than announced: never taken whole */
    if (err && err != SOS_ERR_NOT_FOUND)
        printf("package: GET %s: %s\n", url, resp.error[0] ? resp.error : sos_strerror(err));
    return err;
}

int pkgsvc_fetch_http_init(struct pkg_fetch *f, const char *url, struct errmsg *err)
{
    struct http_url u;
    const char *why = NULL;
    if (http_url_parse(url, &u, &why))
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "%s: %s", url, why ? why : "not a url");
    if (u.https)
        return errmsg_set(err, SOS_ERR_NOT_SUPPORTED,
                          "%s: https is not wired into the package service yet (use http://; "
                          "TUF's checks do not depend on the transport)", url);
    *f = (struct pkg_fetch){(void *)url, fetch_http};
    return 0;
}
