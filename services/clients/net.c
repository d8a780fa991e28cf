/*
 * services/clients/net.c - the network service's client (client/net.h).
 *
 * Layer: services (network client).
 */
#include <stdlib.h>
#include <string.h>

#include <client/net.h>

#define NET_CALL_NS SOS_MS(5000) /* the service answers at once unless told to wait */
#define NET_SLACK_MS 2000u       /* beyond a request's own timeout */

static uint8_t g_req[NET_DATA_MAX + 512], g_rep[NET_DATA_MAX + 512];

static void copy_str(char *out, size_t cap, const char *s, uint32_t n)
{
    if (!out || !cap)
        return;
    if (n >= cap)
        n = (uint32_t)cap - 1;
    memcpy(out, s ? s : "", s ? n : 0);
    out[s ? n : 0] = 0;
}

static int call(struct sl_conn_to *c, struct sl_msg *req, struct sl_msg *rep, uint32_t ordinal,
                sos_handle_t *hbuf, uint32_t hcap, sos_time_t ns)
{
    sl_msg_begin(rep, g_rep, sizeof(g_rep), hbuf, hcap, ordinal);
    int err = sl_msg_finish(req);
    return err ? err : sl_conn_to_call(c, req, rep, sos_deadline_after(ns));
}

int net_info_decode(const void *bytes, uint32_t len, struct net_info *o)
{
    struct sl_parse p;
    memset(o, 0, sizeof(*o));
    if (sl_parse_begin(&p, bytes, len, NULL, 0, NULL))
        return SOS_ERR_BAD_FORMAT;
    const void *mac = sl_parse_bytes(&p, 6);
    if (mac)
        memcpy(o->mac, mac, 6);
    o->link = sl_parse_u32(&p);
    o->v4_state = sl_parse_u32(&p);
    o->addr = sl_parse_u32(&p);
    o->mask = sl_parse_u32(&p);
    o->gw = sl_parse_u32(&p);
    o->dns[0] = sl_parse_u32(&p);
    o->dns[1] = sl_parse_u32(&p);
    o->lease_s = sl_parse_u64(&p);
    o->lease_left_s = sl_parse_u64(&p);
    o->n6 = sl_parse_u32(&p);
    if (o->n6 > NET_ADDR6_MAX)
        return SOS_ERR_BAD_FORMAT;
    for (uint32_t i = 0; i < o->n6; i++) {
        uint32_t n = 0;
        const char *a = sl_parse_str(&p, &n);
        copy_str(o->v6[i].addr, sizeof(o->v6[i].addr), a, n);
        o->v6[i].state = sl_parse_u32(&p);
    }
    return sl_parse_end(&p);
}

int net_info(struct sl_conn_to *c, struct net_info *out)
{
    uint8_t b[32];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, NET_INFO);
    int err = call(c, &req, &rep, NET_INFO, NULL, 0, NET_CALL_NS);
    return err ? err : net_info_decode(rep.bytes, rep.len, out);
}

int net_stats_decode(const void *bytes, uint32_t len, struct net_stat *out, uint32_t cap,
                     uint32_t *n)
{
    struct sl_parse p;
    if (sl_parse_begin(&p, bytes, len, NULL, 0, NULL))
        return SOS_ERR_BAD_FORMAT;
    *n = sl_parse_u32(&p);
    if (*n > cap)
        return SOS_ERR_BAD_FORMAT;
    for (uint32_t i = 0; i < *n; i++) {
        uint32_t sl = 0;
        const char *s = sl_parse_str(&p, &sl);
        copy_str(out[i].name, sizeof(out[i].name), s, sl);
        out[i].value = sl_parse_u64(&p);
    }
    return sl_parse_end(&p);
}

int net_stats(struct sl_conn_to *c, struct net_stat *out, uint32_t cap, uint32_t *n)
{
    uint8_t b[32];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, NET_STATS);
    int err = call(c, &req, &rep, NET_STATS, NULL, 0, NET_CALL_NS);
    return err ? err : net_stats_decode(rep.bytes, rep.len, out, cap, n);
}

/* A reply of one string (and maybe a u64): RESOLVE, PING, CONNECT. */
static int str_reply(const struct sl_msg *rep, char *out, size_t cap, uint64_t *v)
{
    struct sl_parse p;
    uint32_t n = 0;
    sl_parse_begin(&p, rep->bytes, rep->len, NULL, 0, NULL);
    const char *s = sl_parse_str(&p, &n);
    if (v)
        *v = sl_parse_u64(&p);
    copy_str(out, cap, s, n);
    return sl_parse_end(&p);
}

int net_resolve(struct sl_conn_to *c, const char *name, char *addr, size_t cap)
{
    struct sl_msg req, rep;
    sl_msg_begin(&req, g_req, sizeof(g_req), NULL, 0, NET_RESOLVE);
    sl_msg_put_str(&req, name);
    int err = call(c, &req, &rep, NET_RESOLVE, NULL, 0, SOS_MS(30000));
    return err ? err : str_reply(&rep, addr, cap, NULL);
}

static void ping_req(struct sl_msg *req, const char *host, uint32_t timeout_ms)
{
    sl_msg_begin(req, g_req, sizeof(g_req), NULL, 0, NET_PING);
    sl_msg_put_str(req, host);
    sl_msg_put_u32(req, timeout_ms);
}

int net_ping(struct sl_conn_to *c, const char *host, uint32_t timeout_ms, char *addr,
             size_t cap, uint64_t *rtt_ns)
{
    struct sl_msg req, rep;
    ping_req(&req, host, timeout_ms);
    int err = call(c, &req, &rep, NET_PING, NULL, 0, SOS_MS(30000 + timeout_ms));
    return err ? err : str_reply(&rep, addr, cap, rtt_ns);
}

int net_ping_start(sos_handle_t ch, uint32_t txid, const char *host, uint32_t timeout_ms)
{
    struct sl_msg req;
    ping_req(&req, host, timeout_ms);
    sl_msg_hdr(&req)->txid = txid;
    int err = sl_msg_finish(&req);
    return err ? err : sl_msg_send(ch, &req);
}

static int socket_reply(const struct sl_msg *rep, sos_handle_t *out)
{
    *out = rep->nhandles == 1 ? rep->handles[0] : 0;
    if (*out)
        return 0;
    for (uint32_t i = 0; i < rep->nhandles; i++)
        sos_handle_close(rep->handles[i]);
    return SOS_ERR_BAD_FORMAT;
}

int net_connect(struct sl_conn_to *c, const char *host, uint16_t port, uint32_t timeout_ms,
                sos_handle_t *sock)
{
    struct sl_msg req, rep;
    sos_handle_t h[2];
    sl_msg_begin(&req, g_req, sizeof(g_req), NULL, 0, NET_CONNECT);
    sl_msg_put_str(&req, host);
    sl_msg_put_u32(&req, port);
    sl_msg_put_u32(&req, timeout_ms);
    int err = call(c, &req, &rep, NET_CONNECT, h, 2, SOS_MS(30000 + timeout_ms));
    return err ? err : socket_reply(&rep, sock);
}

static int port_call(struct sl_conn_to *c, uint32_t ordinal, uint16_t port, sos_handle_t *out)
{
    uint8_t b[32];
    struct sl_msg req, rep;
    sos_handle_t h[2];
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, ordinal);
    sl_msg_put_u32(&req, port);
    int err = call(c, &req, &rep, ordinal, h, 2, NET_CALL_NS);
    return err ? err : socket_reply(&rep, out);
}

int net_udp(struct sl_conn_to *c, uint16_t port, sos_handle_t *sock)
{
    return port_call(c, NET_UDP, port, sock);
}

int net_listen(struct sl_conn_to *c, uint16_t port, sos_handle_t *listener)
{
    return port_call(c, NET_LISTEN, port, listener);
}

/* ---- sockets */

int net_send(sos_handle_t s, const char *host, uint16_t port, const void *data, uint32_t len)
{
    struct sl_msg req, rep;
    sl_msg_begin(&req, g_req, sizeof(g_req), NULL, 0, NET_SOCK_SEND);
    sl_msg_put_str(&req, host ? host : "");
    sl_msg_put_u32(&req, port);
    sl_msg_put_u32(&req, len);
    sl_msg_put(&req, data, len);
    sl_msg_begin(&rep, g_rep, sizeof(g_rep), NULL, 0, NET_SOCK_SEND);
    int err = sl_msg_finish(&req);
    return err ? err : sl_call(s, &req, &rep, sos_deadline_after(SOS_MS(60000)));
}

static int start(sos_handle_t s, uint32_t ordinal, uint32_t txid, uint32_t a, uint32_t b,
                 int nargs)
{
    uint8_t buf[32];
    struct sl_msg m;
    sl_msg_begin(&m, buf, sizeof(buf), NULL, 0, ordinal);
    sl_msg_hdr(&m)->txid = txid;
    if (nargs > 1)
        sl_msg_put_u32(&m, a);
    sl_msg_put_u32(&m, b);
    return sl_msg_send(s, &m);
}

int net_recv_start(sos_handle_t s, uint32_t txid, uint32_t cap, uint32_t timeout_ms)
{
    return start(s, NET_SOCK_RECV, txid, cap > NET_DATA_MAX ? NET_DATA_MAX : cap, timeout_ms, 2);
}

int net_accept_start(sos_handle_t l, uint32_t txid, uint32_t timeout_ms)
{
    return start(l, NET_SOCK_ACCEPT, txid, 0, timeout_ms, 1);
}

/* Read the reply to a started request: its status, bytes in g_rep, handles in h. */
static int finish(sos_handle_t s, uint32_t *len, sos_handle_t *h, uint32_t hcap, uint32_t *nh)
{
    struct sos_chan_read rd = {.bytes = g_rep, .handles = h, .bytes_cap = sizeof(g_rep),
                               .handles_cap = hcap};
    *len = *nh = 0;
    int err = (int)sos_channel_read(s, &rd);
    if (err)
        return err;
    struct sos_msg_hdr hdr;
    *len = rd.actual_bytes;
    *nh = rd.actual_handles;
    if (rd.actual_bytes < sizeof(hdr))
        return SOS_ERR_BAD_FORMAT;
    memcpy(&hdr, g_rep, sizeof(hdr));
    return hdr.status;
}

int net_recv_decode(const void *bytes, uint32_t len, const uint8_t **data, uint32_t *n,
                    char *from, size_t from_cap, uint32_t *port)
{
    struct sl_parse p;
    uint32_t sl = 0;
    if (sl_parse_begin(&p, bytes, len, NULL, 0, NULL))
        return SOS_ERR_BAD_FORMAT;
    const char *s = sl_parse_str(&p, &sl);
    uint32_t pt = sl_parse_u32(&p);
    *n = sl_parse_u32(&p);
    *data = *n <= NET_DATA_MAX ? sl_parse_bytes(&p, *n) : NULL;
    if (sl_parse_end(&p) || !*data)
        return SOS_ERR_BAD_FORMAT;
    copy_str(from, from_cap, s, sl);
    if (port)
        *port = pt;
    return 0;
}

int net_recv_finish(sos_handle_t s, void *buf, uint32_t cap, uint32_t *len, char *from,
                    size_t from_cap, uint32_t *port)
{
    uint32_t n, nh;
    sos_handle_t h[2];
    int err = finish(s, &n, h, 2, &nh);
    for (uint32_t i = 0; !err && i < nh; i++)
        sos_handle_close(h[i]);
    const uint8_t *data;
    if (!err)
        err = net_recv_decode(g_rep, n, &data, len, from, from_cap, port);
    if (!err && *len > cap)
        err = SOS_ERR_BAD_FORMAT;
    if (!err)
        memcpy(buf, data, *len);
    return err;
}

int net_accept_finish(sos_handle_t l, sos_handle_t *sock, char *peer, size_t peer_cap,
                      uint32_t *port)
{
    uint32_t n, nh;
    sos_handle_t h[2];
    int err = finish(l, &n, h, 2, &nh);
    if (err)
        return err;
    struct sl_msg rep = {.bytes = g_rep, .len = n, .handles = h, .nhandles = nh};
    struct sl_parse p;
    uint32_t sl = 0;
    sl_parse_begin(&p, g_rep, n, NULL, 0, NULL);
    const char *s = sl_parse_str(&p, &sl);
    uint32_t pt = sl_parse_u32(&p);
    err = socket_reply(&rep, sock);
    if (!err && sl_parse_end(&p)) {
        sos_handle_close(*sock);
        return SOS_ERR_BAD_FORMAT;
    }
    copy_str(peer, peer_cap, s, sl);
    if (port)
        *port = pt;
    return err;
}

int net_ping_finish(sos_handle_t ch, char *addr, size_t cap, uint64_t *rtt_ns)
{
    uint32_t n = 0, nh = 0;
    sos_handle_t h[2];
    int err = finish(ch, &n, h, 2, &nh);
    for (uint32_t i = 0; i < nh; i++) /* a ping's reply carries none */
        sos_handle_close(h[i]);
    struct sl_msg rep = {.bytes = g_rep, .len = n};
    return err ? err : str_reply(&rep, addr, cap, rtt_ns);
}

static int wait_reply(sos_handle_t s, uint32_t timeout_ms)
{
    sos_signals_t seen = 0;
    sos_time_t dl = timeout_ms ? sos_deadline_after(SOS_MS(timeout_ms + NET_SLACK_MS))
                               : SOS_TIME_INFINITE;
    int err = (int)sos_object_wait_one(s, SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED, dl, &seen);
    if (!err && !(seen & SOS_SIG_READABLE))
        err = SOS_ERR_PEER_CLOSED;
    return err;
}

int net_recv(sos_handle_t s, void *buf, uint32_t cap, uint32_t *len, uint32_t timeout_ms,
             char *from, size_t from_cap, uint32_t *port)
{
    int err = net_recv_start(s, 1, cap, timeout_ms);
    if (!err)
        err = wait_reply(s, timeout_ms);
    return err ? err : net_recv_finish(s, buf, cap, len, from, from_cap, port);
}

int net_accept(sos_handle_t l, uint32_t timeout_ms, sos_handle_t *sock, char *peer,
               size_t peer_cap, uint32_t *port)
{
    int err = net_accept_start(l, 1, timeout_ms);
    if (!err)
        err = wait_reply(l, timeout_ms);
    return err ? err : net_accept_finish(l, sock, peer, peer_cap, port);
}

static int bare(sos_handle_t s, uint32_t ordinal)
{
    uint8_t b[32], rb[32];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, ordinal);
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, ordinal);
    return sl_call(s, &req, &rep, sos_deadline_after(NET_CALL_NS));
}

int net_shutdown(sos_handle_t s) { return bare(s, NET_SOCK_SHUTDOWN); }

void net_close(sos_handle_t s)
{
    bare(s, NET_SOCK_CLOSE);
    sos_handle_close(s);
}
