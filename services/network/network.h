/*
 * services/network/network.h - the network service's state and the pieces its files
 * share.
 *
 * One process owns network device 0 (resource=net0) and runs lwIP on it without an
 * OS layer (NO_SYS, raw API). Everything happens in one loop (network.c): the port of
 * services/lib's server collects the service endpoint's connections, every socket
 * channel, the device's READABLE signal and timers; after each packet the loop feeds
 * received frames to lwIP and runs its timeouts. The files:
 *
 *   network.c  main, the loop, heartbeats, log records
 *   link.c     the netif over net0: frames in and out, link up/down
 *   ipconf.c   addresses: DHCP, static configuration and its fallback, IPv6, DNS servers
 *   ops.c      requests on the endpoint: info, stats, resolve, ping, connect, UDP, listen
 *   sock.c     sockets: TCP and UDP over channels, with bounded buffers
 *   wire.c     request decoding (host-tested)
 *   sockbuf.c  the byte ring of a socket's received data (host-tested)
 *
 * Layer: services (network).
 */
#ifndef NETWORK_NETWORK_H
#define NETWORK_NETWORK_H

#include <sl/service.h>
#include <sl/sl.h>

#include <proto/log.h>
#include <proto/net.h>

#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "wire.h"

struct net_counters {
    uint64_t frames_in, frames_out, bytes_in, bytes_out, tx_errors, rx_dropped;
    uint64_t link_changes, leases, dns_queries, dns_failures, pings_sent, pings_answered;
    uint64_t tcp_connects, tcp_refused, tcp_accepts, udp_datagrams_in, udp_datagrams_out;
    uint64_t udp_dropped, sockets_open;
};

struct netsvc {
    struct sl_server srv;
    struct sl_conn_to log, config;
    sos_handle_t dev, vmo;  /* net0 (0 when the machine has none) and the frame VMO */
    struct netif nif;
    bool have_card, link_up;
    uint8_t mac[6];
    /* IPv4 */
    uint32_t v4_state;      /* enum net_v4_state */
    int64_t lease_at_ns;    /* when the current lease was bound */
    int64_t dhcp_started_ns;
    bool fallback_tried;
    bool addr_kick;         /* an address came: ops_address_ready from the loop */
    struct net_counters c;
};

extern struct netsvc g_net;

/* network.c */
void net_log(uint32_t severity, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Handlers: the peer of an endpoint request, or NULL when it lacks `need`. */
struct sl_peer *net_peer_with(struct sl_request *r, sos_rights_t need);

/* link.c */
int link_open(void);           /* open net0 and add the netif; 0 or SOS_ERR_* */
void link_receive_all(void);   /* feed every queued frame to lwIP */
void link_poll(void);          /* notice link changes */

/* ipconf.c */
void ipconf_start(void);       /* DHCP or static, per config */
void ipconf_tick(void);        /* the static fallback when DHCP takes too long */
void ipconf_on_status(struct netif *nif);
void ipconf_put_info(struct sl_msg *m);

/* ops.c */
extern const struct sl_op g_net_ops[];
extern const size_t g_net_nops;
const char *net_ntoa(const ip_addr_t *a, char *buf, size_t n);
void ops_address_ready(void); /* an address came: requests waiting for one go on */
void ops_tick(void);          /* once a second: requests that waited too long fail */

/* sock.c: a request on a socket channel (r->client is the socket). */
bool sock_owns(const void *client);
int sock_dispatch(struct sl_request *r, const struct net_req *q);
void sock_on_close(void *client);
/* New sockets: each returns the client's end of a new channel in *out. */
/* A TCP connection to dst:port; 0 when under way (the socket answers d: the new
 * channel, or an error), else an error and d is the caller's to answer. */
int sock_connect(const struct sl_deferred *d, const ip_addr_t *dst, uint16_t port,
                 uint32_t timeout_ms);
int sock_udp(uint16_t port, sos_handle_t *out);
int sock_listen(uint16_t port, sos_handle_t *out);
uint32_t sock_count(void);

#endif
