/*
 * services/include/client/net.h - the network service's client (proto/net.h).
 *
 * Endpoint requests go through a struct sl_conn_to to "network" (looked up again when
 * the service restarts). A socket is a channel handle: the sync calls (net_send,
 * net_recv, net_accept) write a request and wait for its reply; a client that must
 * also watch something else (the shell waits for Ctrl-C beside the socket) splits
 * each into *_start, which writes the request with its own txid, and *_finish, which
 * reads the reply once the handle is readable. The *_decode functions read a reply's
 * bytes and fail with SOS_ERR_BAD_FORMAT on anything malformed (host-tested).
 *
 * Layer: services (network client).
 */
#ifndef CLIENT_NET_H
#define CLIENT_NET_H

#include <sl/service.h>
#include <sl/sl.h>

#include <proto/net.h>

struct net_info {
    uint8_t mac[6];
    uint32_t link, v4_state;
    uint32_t addr, mask, gw, dns[2]; /* network byte order */
    uint64_t lease_s, lease_left_s;
    uint32_t n6;
    struct { char addr[48]; uint32_t state; } v6[NET_ADDR6_MAX];
};

struct net_stat {
    char name[32];
    uint64_t value;
};

#define NET_STATS_MAX 32

/* ---- the endpoint */
int net_info(struct sl_conn_to *c, struct net_info *out);
int net_stats(struct sl_conn_to *c, struct net_stat *out, uint32_t cap, uint32_t *n);
int net_resolve(struct sl_conn_to *c, const char *name, char *addr, size_t cap);
int net_ping(struct sl_conn_to *c, const char *host, uint32_t timeout_ms, char *addr,
             size_t cap, uint64_t *rtt_ns);
int net_connect(struct sl_conn_to *c, const char *host, uint16_t port, uint32_t timeout_ms,
                sos_handle_t *sock);
int net_udp(struct sl_conn_to *c, uint16_t port, sos_handle_t *sock);
int net_listen(struct sl_conn_to *c, uint16_t port, sos_handle_t *listener);

/* ---- a socket */
/* TCP: host NULL, port 0. Waits until the service has taken every byte. */
int net_send(sos_handle_t s, const char *host, uint16_t port, const void *data, uint32_t len);
/* Up to cap bytes into buf (*len); from/port may be NULL (UDP: the sender). */
int net_recv(sos_handle_t s, void *buf, uint32_t cap, uint32_t *len, uint32_t timeout_ms,
             char *from, size_t from_cap, uint32_t *port);
int net_accept(sos_handle_t l, uint32_t timeout_ms, sos_handle_t *sock, char *peer,
               size_t peer_cap, uint32_t *port);
int net_shutdown(sos_handle_t s);
/* NET_SOCK_CLOSE, then the handle is closed (either way). */
void net_close(sos_handle_t s);

/* The split forms: start writes the request, finish reads its reply (SHOULD_WAIT when
 * none is there yet). */
int net_recv_start(sos_handle_t s, uint32_t txid, uint32_t cap, uint32_t timeout_ms);
int net_recv_finish(sos_handle_t s, void *buf, uint32_t cap, uint32_t *len, char *from,
                    size_t from_cap, uint32_t *port);
int net_accept_start(sos_handle_t l, uint32_t txid, uint32_t timeout_ms);
/* NET_PING on the endpoint channel ch (the caller's sl_conn_to's, refreshed first). */
int net_ping_start(sos_handle_t ch, uint32_t txid, const char *host, uint32_t timeout_ms);
int net_ping_finish(sos_handle_t ch, char *addr, size_t cap, uint64_t *rtt_ns);
int net_accept_finish(sos_handle_t l, sos_handle_t *sock, char *peer, size_t peer_cap,
                      uint32_t *port);

/* ---- replies, decoded (bytes include the header) */
int net_info_decode(const void *bytes, uint32_t len, struct net_info *out);
int net_stats_decode(const void *bytes, uint32_t len, struct net_stat *out, uint32_t cap,
                     uint32_t *n);
/* RECV's reply: data points into bytes. */
int net_recv_decode(const void *bytes, uint32_t len, const uint8_t **data, uint32_t *n,
                    char *from, size_t from_cap, uint32_t *port);

#endif
