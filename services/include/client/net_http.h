/*
 * services/include/client/net_http.h - HTTP over the network service: the connector
 * that gives client/http.h its transports as TCP sockets of the network service
 * (client/net.h), wrapped in TLS for https by a hook the caller supplies (so that this
 * library does not need BearSSL; a caller with sos_tls passes tls_client_open).
 *
 *     struct net_http nh = {.net = &conn_to_network, .secure = my_tls_open, .secure_ctx = &cfg};
 *     struct http_connector c;
 *     net_http_connector(&nh, &c);
 *     http_get(&c, &req, &resp);
 *
 * One transport is open at a time (http_get opens one per URL it visits, closing each
 * before the next). A read is NET_SOCK_RECV with what is left of the deadline as its
 * timeout; the wait for its reply is the caller's hook when given, so a caller can
 * also watch something else (the shell: Ctrl-C) and give up with SOS_ERR_CANCELED.
 *
 * Layer: services (network client).
 */
#ifndef CLIENT_NET_HTTP_H
#define CLIENT_NET_HTTP_H

#include <client/http.h>
#include <client/net.h>

/* Wraps a TCP transport for host (https); on failure lower is closed and *why says why. */
typedef int (*net_http_secure_fn)(void *ctx, const struct http_transport *lower,
                                  const char *host, sos_time_t deadline,
                                  struct http_transport *out, const char **why);

/* Waits until h is readable or its peer closed: 0, or an error that ends the read
 * (SOS_ERR_CANCELED: the caller gave up). */
typedef int (*net_http_wait_fn)(void *ctx, sos_handle_t h);

struct net_http {
    struct sl_conn_to *net;     /* "network", with the write right */
    net_http_secure_fn secure;  /* NULL: https is refused ("https is not available") */
    void *secure_ctx;
    net_http_wait_fn wait;      /* NULL: wait on the socket until the deadline */
    void *wait_ctx;
    uint32_t idle_ms;           /* a read that gets nothing this long: TIMED_OUT (0: none) */
    /* private */
    sos_handle_t sock;
    char why[96];
};

/* A connector over nh (which must outlive it). */
void net_http_connector(struct net_http *nh, struct http_connector *out);

/*
 * The network service's error in an operator's words ("name not found", "connection
 * refused", "timed out", and for SOS_ERR_BAD_STATE what NET_INFO says is missing: "no
 * network device", "no link", "no IPv4 address (no DHCP lease yet)", "no DNS server"
 * when `what` is "resolve"), or NULL for an error it has no better words for. The text
 * is in a static buffer.
 */
const char *net_error_text(struct sl_conn_to *c, int err, const char *what);

#endif
