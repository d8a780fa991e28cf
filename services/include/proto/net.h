/*
 * services/include/proto/net.h - the network service: interface state, names, ping,
 * and sockets that are channel handles.
 *
 * On the service endpoint (rights of the connection, from the client's manifest):
 *
 *   NET_INFO    ()                              -> info                          [read]
 *       info = (bytes[6] mac, u32 link, u32 v4_state, u32 addr, u32 mask, u32 gw,
 *               u32 dns0, u32 dns1, u64 lease_s, u64 lease_left_s, u32 n6,
 *               n6 x (str addr, u32 state))      IPv4 addresses in network byte order
 *   NET_STATS   ()                              -> (u32 n, n x (str name, u64 value)) [read]
 *   NET_RESOLVE (str name)                      -> (str address)                  [read]
 *       NOT_FOUND: the name does not exist; TIMED_OUT: no server answered;
 *       BAD_STATE: no DNS server (no lease and none configured)
 *   NET_PING    (str host, u32 timeout_ms)      -> (str address, u64 rtt_ns)     [manage]
 *       one ICMP echo request; TIMED_OUT when no reply comes in time
 *   NET_CONNECT (str host, u32 port, u32 timeout_ms) -> handle socket, (str address) [write]
 *       host: an IPv4 literal or a name (resolved first); CONNECTION REFUSED is
 *       SOS_ERR_PEER_CLOSED, no answer SOS_ERR_TIMED_OUT, no route/link BAD_STATE
 *   NET_UDP     (u32 local_port (0: any))       -> handle socket                  [write]
 *   NET_LISTEN  (u32 port)                      -> handle listener                [manage]
 *       ALREADY_EXISTS when the port is taken
 *
 * Every handle returned is a new channel: the socket. It is closed by closing the
 * handle (or with NET_SOCK_CLOSE). On it:
 *
 *   NET_SOCK_SEND  (str host, u32 port, u32 len, bytes data) -> (u32 sent)
 *       TCP: host "" and port 0; the reply comes when lwIP has taken all the bytes
 *       (so a slow peer holds the sender). UDP: one datagram to host (IPv4 literal):port.
 *       At most NET_DATA_MAX bytes. PEER_CLOSED once the connection is gone.
 *   NET_SOCK_RECV  (u32 max, u32 timeout_ms)        -> (str host, u32 port, u32 len, bytes data)
 *       the next bytes (TCP) or datagram (UDP, cut to max); waits while there are none,
 *       TIMED_OUT after timeout_ms (0: wait for ever); PEER_CLOSED at the end of the
 *       stream (the peer closed or reset). TCP's receive window reopens only as the
 *       client reads, so an idle reader stops the sender.
 *   NET_SOCK_SHUTDOWN ()                              -> ()    TCP: no more sending (FIN)
 *   NET_SOCK_CLOSE    ()                              -> ()    the service closes its end
 *   NET_SOCK_ACCEPT   (u32 timeout_ms)                -> handle socket, (str host, u32 port)
 *       on a listener only; waits for the next connection
 *
 * One SEND, one RECV and one ACCEPT may wait per socket at a time; another is BAD_STATE.
 *
 * Layer: services protocols.
 */
#ifndef PROTO_NET_H
#define PROTO_NET_H

#include <proto/proto.h>

#define NET_VERSION 1
#define NET_INFO SOS_ORD(PROTO_NET, NET_VERSION, 1)
#define NET_STATS SOS_ORD(PROTO_NET, NET_VERSION, 2)
#define NET_RESOLVE SOS_ORD(PROTO_NET, NET_VERSION, 3)
#define NET_PING SOS_ORD(PROTO_NET, NET_VERSION, 4)
#define NET_CONNECT SOS_ORD(PROTO_NET, NET_VERSION, 5)
#define NET_UDP SOS_ORD(PROTO_NET, NET_VERSION, 6)
#define NET_LISTEN SOS_ORD(PROTO_NET, NET_VERSION, 7)
#define NET_SOCK_SEND SOS_ORD(PROTO_NET, NET_VERSION, 16)
#define NET_SOCK_RECV SOS_ORD(PROTO_NET, NET_VERSION, 17)
#define NET_SOCK_SHUTDOWN SOS_ORD(PROTO_NET, NET_VERSION, 18)
#define NET_SOCK_CLOSE SOS_ORD(PROTO_NET, NET_VERSION, 19)
#define NET_SOCK_ACCEPT SOS_ORD(PROTO_NET, NET_VERSION, 20)

/* Rights on the endpoint: READ queries and resolves, WRITE opens outgoing sockets (TCP
 * connect, UDP), MANAGE listens and sends raw ICMP (ping). */
#define NET_RIGHT_QUERY SOS_RIGHT_READ
#define NET_RIGHT_CONNECT SOS_RIGHT_WRITE
#define NET_RIGHT_LISTEN SOS_RIGHT_MANAGE
#define NET_RIGHT_RAW SOS_RIGHT_MANAGE

#define NET_DATA_MAX 16384u /* bytes per SEND or RECV */
#define NET_HOST_MAX 255u   /* a host name or address */
#define NET_ADDR6_MAX 3u    /* IPv6 addresses in NET_INFO */

enum net_v4_state {
    NET_V4_NONE = 0,    /* no card, or not configured */
    NET_V4_DHCP_WAIT = 1,
    NET_V4_DHCP = 2,    /* bound by a lease */
    NET_V4_STATIC = 3,  /* configured (network.ipv4.mode=static, or the fallback) */
};

#endif
