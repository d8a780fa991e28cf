/*
 * services/network/wire.c - decoding the requests of proto/net.h (wire.h).
 *
 * Layer: services (network).
 */
#include <string.h>

#include <sl/ipc.h>

#include "wire.h"

/* A host is printable ASCII without blanks: a name or an address literal. */
static int take_host(struct sl_parse *p, struct net_req *r, int may_be_empty)
{
    uint32_t n = 0;
    const char *s = sl_parse_str(p, &n);
    if (!s)
        return SOS_ERR_BAD_FORMAT;
    if (n > NET_HOST_MAX || (!n && !may_be_empty))
        return SOS_ERR_INVALID_ARGS;
    for (uint32_t i = 0; i < n; i++)
        if (s[i] <= ' ' || s[i] > '~')
            return SOS_ERR_INVALID_ARGS;
    memcpy(r->host, s, n);
    r->host[n] = 0;
    return 0;
}

static int take_port(struct sl_parse *p, struct net_req *r)
{
    r->port = sl_parse_u32(p);
    return p->bad ? SOS_ERR_BAD_FORMAT : r->port > 65535 ? SOS_ERR_INVALID_ARGS : 0;
}

static int take_data(struct sl_parse *p, struct net_req *r)
{
    r->len = sl_parse_u32(p);
    if (p->bad)
        return SOS_ERR_BAD_FORMAT;
    if (r->len > NET_DATA_MAX)
        return SOS_ERR_INVALID_ARGS;
    r->data = sl_parse_bytes(p, r->len);
    return r->data || !r->len ? 0 : SOS_ERR_BAD_FORMAT;
}

static int decode_fields(struct sl_parse *p, struct net_req *r)
{
    int err = 0;
    switch (r->hdr.ordinal) {
    case NET_INFO: case NET_STATS: case NET_SOCK_SHUTDOWN: case NET_SOCK_CLOSE:
        return 0;
    case NET_RESOLVE:
        return take_host(p, r, 0);
    case NET_PING:
        err = take_host(p, r, 0);
        r->timeout_ms = sl_parse_u32(p);
        return err;
    case NET_CONNECT:
        if (!(err = take_host(p, r, 0)))
            err = take_port(p, r);
        r->timeout_ms = sl_parse_u32(p);
        return err;
    case NET_UDP: case NET_LISTEN:
        return take_port(p, r);
    case NET_SOCK_SEND:
        if (!(err = take_host(p, r, 1)) && !(err = take_port(p, r)))
            err = take_data(p, r);
        return err;
    case NET_SOCK_RECV:
        r->max = sl_parse_u32(p);
        r->timeout_ms = sl_parse_u32(p);
        return !p->bad && (r->max == 0 || r->max > NET_DATA_MAX) ? SOS_ERR_INVALID_ARGS : 0;
    case NET_SOCK_ACCEPT:
        r->timeout_ms = sl_parse_u32(p);
        return 0;
    default:
        return SOS_ERR_NOT_SUPPORTED;
    }
}

int net_req_decode(const void *bytes, uint32_t len, struct net_req *out)
{
    struct sl_parse p;
    memset(out, 0, sizeof(*out));
    if (sl_parse_begin(&p, bytes, len, NULL, 0, &out->hdr))
        return SOS_ERR_BAD_FORMAT;
    if (out->hdr.flags & SOS_MSG_REPLY)
        return SOS_ERR_NOT_SUPPORTED;
    int err = decode_fields(&p, out);
    if (err == SOS_ERR_NOT_SUPPORTED)
        return err;
    if (sl_parse_end(&p))
        return SOS_ERR_BAD_FORMAT;
    if (err) /* a bad value: what follows it was not read */
        return err;
    return p.pos == p.len ? 0 : SOS_ERR_BAD_FORMAT;
}

int net_req_is_socket(uint32_t ordinal)
{
    return ordinal >= NET_SOCK_SEND && ordinal <= NET_SOCK_ACCEPT;
}
