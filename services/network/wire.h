/*
 * services/network/wire.h - decoding the requests of proto/net.h.
 *
 * The one place the network service reads a request's fields: net_req_decode checks
 * the header, the ordinal, every field's presence and range, and that nothing trails
 * the last field, before any handler acts (decode, then perform). It needs no system
 * call, so its host test (wire_test.c) feeds it every truncation and random garbage.
 *
 * Layer: services (network).
 */
#ifndef NETWORK_WIRE_H
#define NETWORK_WIRE_H

#include <proto/net.h>

struct net_req {
    struct sos_msg_hdr hdr;
    char host[NET_HOST_MAX + 1]; /* NET_RESOLVE, PING, CONNECT, SOCK_SEND */
    uint32_t port;               /* CONNECT, UDP, LISTEN, SOCK_SEND */
    uint32_t timeout_ms;         /* PING, CONNECT, SOCK_RECV, SOCK_ACCEPT */
    uint32_t max;                /* SOCK_RECV */
    const uint8_t *data;         /* SOCK_SEND: points into the message */
    uint32_t len;
};

/*
 * Decode bytes[len]: 0, SOS_ERR_BAD_FORMAT (shorter than its fields, or trailing
 * bytes), SOS_ERR_INVALID_ARGS (a value out of range: port above 65535, an empty or
 * unprintable host, data over NET_DATA_MAX, max 0) or SOS_ERR_NOT_SUPPORTED (an
 * ordinal of another protocol or version, or a reply).
 */
int net_req_decode(const void *bytes, uint32_t len, struct net_req *out);

/* Whether `ordinal` is a request on a socket channel (not on the endpoint). */
int net_req_is_socket(uint32_t ordinal);

#endif
