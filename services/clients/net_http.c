/*
 * services/clients/net_http.c - the http_connector over the network service's TCP
 * sockets (client/net_http.h), and the network errors in an operator's words.
 *
 * open: NET_CONNECT to the URL's host and port (the service resolves names), then for
 * https the caller's secure hook (TLS) over that transport. read: one NET_SOCK_RECV of
 * at most NET_DATA_MAX bytes whose timeout is what is left of the deadline (or the idle
 * bound, when shorter: a server silent that long is a timeout too); the reply
 * is awaited by the caller's hook or on the socket; PEER_CLOSED (the server closed) is
 * the end of the stream. write: NET_SOCK_SEND in pieces of NET_DATA_MAX, each taken
 * whole by the service before the next. close: NET_SOCK_CLOSE. A read given up by the
 * wait hook leaves its reply behind: the socket channel is then closed without
 * another request on it.
 *
 * Layer: services (network client).
 */
#include <stdio.h>
#include <string.h>

#include <client/net_http.h>

#define NET_HTTP_CONNECT_MS 10000u /* per connection, within the fetch's deadline */
#define NET_HTTP_SLACK_NS SOS_MS(2000) /* the service's own timeout answers first */
#define NET_HTTP_TXID 0x4e480001u

/* Milliseconds to the deadline (0: passed), at most `cap`. */
static uint32_t ms_left(sos_time_t deadline, uint32_t cap)
{
    sos_time_t now = sos_clock_get();
    if (deadline <= now)
        return 0;
    sos_time_t ms = (deadline - now) / SOS_MS(1);
    return ms < 1 ? 1 : ms > cap ? cap : (uint32_t)ms;
}

static int wait_plain(sos_handle_t h, sos_time_t deadline)
{
    sos_signals_t seen = 0;
    sos_time_t dl = deadline >= SOS_TIME_INFINITE - NET_HTTP_SLACK_NS ? SOS_TIME_INFINITE
                                                                       : deadline + NET_HTTP_SLACK_NS;
    return (int)sos_object_wait_one(h, SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED, dl, &seen);
}

static int64_t sock_read(void *ctx, void *buf, size_t len, sos_time_t deadline)
{
    struct net_http *nh = ctx;
    uint32_t n = 0, ms = ms_left(deadline, nh->idle_ms ? nh->idle_ms : UINT32_MAX / 2);
    if (!ms)
        return SOS_ERR_TIMED_OUT;
    uint32_t want = len > NET_DATA_MAX ? NET_DATA_MAX : (uint32_t)len;
    int err = net_recv_start(nh->sock, NET_HTTP_TXID, want, ms);
    if (!err)
        err = nh->wait ? nh->wait(nh->wait_ctx, nh->sock) : wait_plain(nh->sock, deadline);
    if (err) { /* its reply may still come: nothing more is asked on this channel */
        sos_handle_close(nh->sock);
        nh->sock = 0;
        return err;
    }
    err = net_recv_finish(nh->sock, buf, want, &n, NULL, 0, NULL);
    if (err == SOS_ERR_PEER_CLOSED)
        return 0;
    return err ? err : (int64_t)n;
}

static int sock_write(void *ctx, const void *buf, size_t len, sos_time_t deadline)
{
    struct net_http *nh = ctx;
    const uint8_t *p = buf;
    while (len) {
        if (!nh->sock)
            return SOS_ERR_BAD_STATE;
        if (!ms_left(deadline, 1))
            return SOS_ERR_TIMED_OUT;
        uint32_t n = len > NET_DATA_MAX ? NET_DATA_MAX : (uint32_t)len;
        int err = net_send(nh->sock, NULL, 0, p, n);
        if (err)
            return err;
        p += n;
        len -= n;
    }
    return 0;
}

static void sock_close(void *ctx)
{
    struct net_http *nh = ctx;
    if (nh->sock)
        net_close(nh->sock);
    nh->sock = 0;
}

static int open_url(void *ctx, const struct http_url *u, sos_time_t deadline,
                    struct http_transport *out, const char **why)
{
    struct net_http *nh = ctx;
    uint32_t ms = ms_left(deadline, NET_HTTP_CONNECT_MS);
    if (u->https && !nh->secure) {
        *why = "https is not available (built without BearSSL)";
        return SOS_ERR_NOT_SUPPORTED;
    }
    if (nh->sock) {
        *why = "a connection is still open";
        return SOS_ERR_BAD_STATE;
    }
    int err = ms ? net_connect(nh->net, u->host, u->port, ms, &nh->sock) : SOS_ERR_TIMED_OUT;
    if (err) {
        nh->sock = 0;
        const char *text = net_error_text(nh->net, err, "connect");
        snprintf(nh->why, sizeof(nh->why), "%s", text ? text : sos_strerror(err));
        *why = nh->why;
        return err;
    }
    struct http_transport tcp = {.ctx = nh, .read = sock_read, .write = sock_write,
                                 .close = sock_close};
    if (!u->https) {
        *out = tcp;
        return 0;
    }
    return nh->secure(nh->secure_ctx, &tcp, u->host, deadline, out, why);
}

void net_http_connector(struct net_http *nh, struct http_connector *out)
{
    nh->sock = 0;
    out->ctx = nh;
    out->open = open_url;
}

/* SOS_ERR_BAD_STATE: the service is not ready; NET_INFO says what is missing. */
static const char *not_ready(struct sl_conn_to *c, const char *what)
{
    struct net_info ni;
    if (net_info(c, &ni))
        return "the network service is not running";
    if (ni.v4_state == NET_V4_NONE)
        return "no network device";
    if (!ni.link)
        return "no link";
    if (!ni.addr)
        return "no IPv4 address (no DHCP lease yet)";
    if (!strcmp(what, "resolve") && !ni.dns[0])
        return "no DNS server";
    return "no route to the host";
}

const char *net_error_text(struct sl_conn_to *c, int err, const char *what)
{
    switch (err) {
    case SOS_ERR_NOT_FOUND: return "name not found";
    case SOS_ERR_TIMED_OUT: return "timed out";
    case SOS_ERR_PEER_CLOSED:
        return !strcmp(what, "connect") ? "connection refused" : "connection closed";
    case SOS_ERR_ALREADY_EXISTS: return "port in use";
    case SOS_ERR_ACCESS_DENIED: return "not allowed";
    case SOS_ERR_BAD_STATE: return not_ready(c, what);
    default: return NULL;
    }
}
