/*
 * fetch_http.c - the package service's HTTP repository backend: a struct pkg_fetch
 * whose files are GET <url>/<path> through services/clients' HTTP client, over TCP
 * sockets of the network service by the clients' connector (client/net_http.h, the
 * shell's `net http` uses the same). https:// goes through TLS (fetch_tls.c, when the
 * build has BearSSL): the server's certificate checked against /etc/ca.pem at the
 * kernel's clock of day. TUF's checks (trust.c) make no assumption about the transport,
 * so its guarantees hold over plain HTTP too.
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
#include <client/net_http.h>

#include "pkgsvc.h"

#define HTTP_FETCH_NS 30000000000ll /* one file, redirects included */

static struct sl_conn_to g_net;
static bool g_net_init;
static char g_why[160]; /* why the last fetch failed, for the reply (pkgsvc_fetch_why) */

const char *pkgsvc_fetch_why(void)
{
    return g_why;
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
    if (!g_net_init) {
        sl_conn_to_init(&g_net, "network", 0);
        g_net_init = true;
    }
    struct net_http nh = {.net = &g_net};
    struct http_connector conn;
    struct body b = {sink};
    size_t bl = strlen(base);
    snprintf(url, sizeof url, "%s%s%s", base, bl && base[bl - 1] == '/' ? "" : "/", path);
    g_why[0] = 0;
#ifdef PKGSVC_TLS
    int err = strncmp(base, "https://", 8) ? 0 : pkgsvc_tls_prepare(&nh, g_why, sizeof g_why);
#else
    int err = 0;
#endif
    net_http_connector(&nh, &conn);
    struct http_request req = {.url = url, .deadline = sos_deadline_after(HTTP_FETCH_NS),
                               .max_redirects = -1, .max_body = max_len, .body = to_sink,
                               .body_arg = &b};
    if (!err) {
        err = http_get(&conn, &req, &resp);
        if (err && err != SOS_ERR_NO_SPACE && err != SOS_ERR_NOT_FOUND)
            snprintf(g_why, sizeof g_why, "GET %s: %s", url, resp.error[0] ? resp.error : sos_strerror(err));
    }
#ifdef PKGSVC_TLS
    pkgsvc_tls_release();
#endif
    if (err == SOS_ERR_NO_SPACE)
        return SOS_ERR_OUT_OF_RANGE; /* longer than announced: never taken whole */
    if (g_why[0])
        printf("package: %s\n", g_why);
    return err;
}

int pkgsvc_fetch_http_init(struct pkg_fetch *f, const char *url, struct errmsg *err)
{
    struct http_url u;
    const char *why = NULL;
    if (http_url_parse(url, &u, &why))
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "%s: %s", url, why ? why : "not a url");
#ifndef PKGSVC_TLS
    if (u.https)
        return errmsg_set(err, SOS_ERR_NOT_SUPPORTED,
                          "%s: this build has no TLS (BearSSL's sources were not fetched): use "
                          "http:// (TUF's checks do not depend on the transport)", url);
#endif
    *f = (struct pkg_fetch){(void *)url, fetch_http};
    return 0;
}
