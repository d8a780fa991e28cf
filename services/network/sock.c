/*
 * services/network/sock.c - sockets: lwIP TCP and UDP pcbs behind channel handles.
 *
 * A socket is a slot of g_socks and a channel: the service serves its end in the loop
 * (the slot is the channel's client context) and the client holds the other. Data go
 * by request: SEND's reply comes once lwIP has taken every byte (tcp_sent frees room
 * and takes more), so a sender waits for a slow peer; RECV's reply carries bytes from
 * the socket's ring, and only then does the service reopen the TCP window by that
 * much (tcp_recved). The ring (SOCK_RX_CAP) is larger than the window (TCP_WND), so
 * received data always fit, and a client that does not read stops its peer: memory
 * per socket is bounded by the ring plus one SEND. A UDP datagram that finds the ring
 * full is dropped and counted. Each socket has at most one waiting SEND, RECV and
 * ACCEPT, with timeouts on lwIP's timer list.
 *
 * Layer: services (network).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"

#include "network.h"
#include "sockbuf.h"

#define SOCK_MAX 32
#define SOCK_RX_CAP 16384u /* > TCP_WND (lwipopts.h) */
#define SOCK_BACKLOG 4

enum sock_kind { SOCK_FREE = 0, SOCK_TCP, SOCK_UDP, SOCK_LISTEN };

struct sock_wait {
    bool on;
    struct sl_deferred d;
    uint32_t arg; /* RECV: max */
};

struct sock {
    uint32_t kind;
    sos_handle_t ch;        /* the service's end (0 while a connection waits for ACCEPT) */
    struct tcp_pcb *tcp;
    struct udp_pcb *udp;
    struct sockbuf rx;
    bool peer_closed;
    int err;                /* a reset or abort: what waiting requests get */
    struct sock_wait recv, send, accept, conn;
    uint8_t *send_buf;
    uint32_t send_len, send_off;
    struct sock *backlog[SOCK_BACKLOG]; /* listener: connections not yet accepted */
    uint32_t nbacklog;
};

static struct sock g_socks[SOCK_MAX];
static uint8_t g_reply[NET_DATA_MAX + 512];

bool sock_owns(const void *client)
{
    const struct sock *s = client;
    return s >= g_socks && s < g_socks + SOCK_MAX;
}

uint32_t sock_count(void)
{
    uint32_t n = 0;
    for (int i = 0; i < SOCK_MAX; i++)
        n += g_socks[i].kind != SOCK_FREE;
    return n;
}

static struct sock *sock_new(uint32_t kind)
{
    for (int i = 0; i < SOCK_MAX; i++) {
        struct sock *s = &g_socks[i];
        if (s->kind != SOCK_FREE)
            continue;
        memset(s, 0, sizeof(*s));
        if (kind != SOCK_LISTEN && sockbuf_init(&s->rx, SOCK_RX_CAP))
            return NULL;
        s->kind = kind;
        g_net.c.sockets_open++;
        return s;
    }
    return NULL;
}

/* ---- replies to waiting requests */

static void wait_reply(struct sock_wait *w, int status, const struct sl_msg *m,
                       const sos_handle_t *h, uint32_t nh)
{
    if (!w->on)
        return;
    w->on = false;
    uint32_t hl = sizeof(struct sos_msg_hdr);
    sl_reply_deferred(&w->d, status, m ? m->bytes + hl : NULL, m ? m->len - hl : 0, h, nh);
}

static void recv_timeout(void *arg);
static void accept_timeout(void *arg);
static void conn_timeout(void *arg);

static void fail_waits(struct sock *s, int status)
{
    sys_untimeout(recv_timeout, s);
    sys_untimeout(accept_timeout, s);
    sys_untimeout(conn_timeout, s);
    wait_reply(&s->recv, status, NULL, NULL, 0);
    wait_reply(&s->send, status, NULL, NULL, 0);
    wait_reply(&s->accept, status, NULL, NULL, 0);
    wait_reply(&s->conn, status, NULL, NULL, 0);
}

static void tcp_detach(struct tcp_pcb *pcb)
{
    tcp_arg(pcb, NULL);
    if (pcb->state == LISTEN) { /* lwIP asserts on recv/sent/err callbacks of a listener */
        tcp_accept(pcb, NULL);
        tcp_close(pcb);
        return;
    }
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
    if (tcp_close(pcb) != ERR_OK) /* out of memory for the FIN: a reset instead */
        tcp_abort(pcb);
}

/* Free the slot; close_ch: also close the service's end (else the loop does). */
static void sock_free(struct sock *s, bool close_ch)
{
    fail_waits(s, SOS_ERR_CANCELED);
    for (uint32_t i = 0; i < s->nbacklog; i++)
        sock_free(s->backlog[i], true);
    if (s->tcp)
        tcp_detach(s->tcp);
    if (s->udp)
        udp_remove(s->udp);
    if (close_ch && s->ch)
        sl_server_remove_channel(&g_net.srv, s->ch);
    sockbuf_free(&s->rx);
    free(s->send_buf);
    memset(s, 0, sizeof(*s));
}

void sock_on_close(void *client) { sock_free(client, false); }

/* ---- TCP: lwIP's callbacks */

static void complete_recv(struct sock *s);

static void push_send(struct sock *s)
{
    while (s->send.on && s->tcp && s->send_off < s->send_len) {
        uint32_t room = tcp_sndbuf(s->tcp), n = s->send_len - s->send_off;
        if (n > room)
            n = room;
        if (!n || tcp_write(s->tcp, s->send_buf + s->send_off, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
            break;
        s->send_off += n;
    }
    if (s->tcp)
        tcp_output(s->tcp);
    if (s->send.on && s->send_off == s->send_len) {
        struct sl_msg m;
        sl_msg_begin(&m, g_reply, sizeof(g_reply), NULL, 0, NET_SOCK_SEND);
        sl_msg_put_u32(&m, s->send_len);
        wait_reply(&s->send, 0, &m, NULL, 0);
        free(s->send_buf);
        s->send_buf = NULL;
    }
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)pcb, (void)len;
    push_send(arg);
    return ERR_OK;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct sock *s = arg;
    (void)pcb, (void)err;
    if (!p) {
        s->peer_closed = true;
    } else {
        if (sockbuf_space(&s->rx) < p->tot_len)
            return ERR_MEM; /* lwIP keeps it and offers it again: cannot happen with rx > wnd */
        for (struct pbuf *q = p; q; q = q->next)
            sockbuf_put(&s->rx, q->payload, q->len);
        pbuf_free(p);
    }
    complete_recv(s);
    return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
    struct sock *s = arg;
    s->tcp = NULL; /* lwIP has freed it */
    s->peer_closed = true;
    s->err = err == ERR_RST ? SOS_ERR_PEER_CLOSED : err == ERR_ABRT ? SOS_ERR_CANCELED
                                                                     : SOS_ERR_IO;
    if (s->conn.on) { /* a connect that failed: refused, or no route */
        if (err == ERR_RST)
            g_net.c.tcp_refused++;
        wait_reply(&s->conn, s->err, NULL, NULL, 0);
        sys_untimeout(conn_timeout, s);
        sock_free(s, true);
        return;
    }
    complete_recv(s);
    wait_reply(&s->send, SOS_ERR_PEER_CLOSED, NULL, NULL, 0);
}

static void tcp_attach(struct sock *s, struct tcp_pcb *pcb)
{
    s->tcp = pcb;
    tcp_arg(pcb, s);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_err);
}

/* A new channel for s: the client's end in *out. */
static int sock_channel(struct sock *s, sos_handle_t *out)
{
    sos_handle_t pair[2];
    int err = (int)sos_channel_create(0, pair);
    if (err)
        return err;
    err = sl_server_add_channel(&g_net.srv, pair[0], s);
    if (err) {
        sos_handle_close(pair[0]);
        sos_handle_close(pair[1]);
        return err;
    }
    s->ch = pair[0];
    *out = pair[1];
    return 0;
}

static void put_peer(struct sl_msg *m, struct sock *s)
{
    char buf[48];
    sl_msg_put_str(m, s->tcp ? net_ntoa(&s->tcp->remote_ip, buf, sizeof(buf)) : "");
    sl_msg_put_u32(m, s->tcp ? s->tcp->remote_port : 0);
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct sock *s = arg;
    (void)pcb, (void)err;
    sys_untimeout(conn_timeout, s);
    sos_handle_t h = 0;
    int e = sock_channel(s, &h);
    struct sl_msg m;
    sl_msg_begin(&m, g_reply, sizeof(g_reply), NULL, 0, NET_CONNECT);
    put_peer(&m, s);
    sl_msg_put_u32(&m, 0);
    if (e) {
        wait_reply(&s->conn, e, NULL, NULL, 0);
        tcp_arg(pcb, NULL);
        tcp_err(pcb, NULL);
        s->tcp = NULL;
        tcp_abort(pcb);
        sock_free(s, true);
        return ERR_ABRT;
    }
    g_net.c.tcp_connects++;
    wait_reply(&s->conn, 0, &m, &h, 1);
    return ERR_OK;
}

static void conn_timeout(void *arg)
{
    struct sock *s = arg;
    wait_reply(&s->conn, SOS_ERR_TIMED_OUT, NULL, NULL, 0);
    sock_free(s, true);
}

int sock_connect(const struct sl_deferred *d, const ip_addr_t *dst, uint16_t port,
                 uint32_t timeout_ms)
{
    struct sock *s = sock_new(SOCK_TCP);
    struct tcp_pcb *pcb = s ? tcp_new_ip_type(IP_GET_TYPE(dst)) : NULL;
    if (!pcb) {
        if (s)
            sock_free(s, false);
        return SOS_ERR_NO_RESOURCES;
    }
    tcp_attach(s, pcb);
    s->conn = (struct sock_wait){true, *d, 0};
    err_t e = tcp_connect(pcb, dst, port, on_connected);
    if (e != ERR_OK) {
        s->conn.on = false;
        sock_free(s, false);
        return e == ERR_RTE ? SOS_ERR_BAD_STATE : SOS_ERR_NO_RESOURCES;
    }
    sys_timeout(timeout_ms ? timeout_ms : 10000, conn_timeout, s);
    return 0;
}

/* ---- listening */

static void complete_accept(struct sock *l)
{
    if (!l->accept.on || !l->nbacklog)
        return;
    struct sock *s = l->backlog[0];
    memmove(l->backlog, l->backlog + 1, --l->nbacklog * sizeof(l->backlog[0]));
    sos_handle_t h = 0;
    int e = sock_channel(s, &h);
    if (e) {
        sock_free(s, true);
        wait_reply(&l->accept, e, NULL, NULL, 0);
        return;
    }
    struct sl_msg m;
    sl_msg_begin(&m, g_reply, sizeof(g_reply), NULL, 0, NET_SOCK_ACCEPT);
    put_peer(&m, s);
    sys_untimeout(accept_timeout, l);
    g_net.c.tcp_accepts++;
    wait_reply(&l->accept, 0, &m, &h, 1);
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct sock *l = arg, *s;
    if (err != ERR_OK || !pcb || l->nbacklog == SOCK_BACKLOG || !(s = sock_new(SOCK_TCP))) {
        if (pcb)
            tcp_abort(pcb);
        return ERR_ABRT;
    }
    tcp_attach(s, pcb);
    l->backlog[l->nbacklog++] = s;
    complete_accept(l);
    return ERR_OK;
}

static void accept_timeout(void *arg)
{
    wait_reply(&((struct sock *)arg)->accept, SOS_ERR_TIMED_OUT, NULL, NULL, 0);
}

int sock_listen(uint16_t port, sos_handle_t *out)
{
    struct sock *s = sock_new(SOCK_LISTEN);
    struct tcp_pcb *pcb = s ? tcp_new_ip_type(IPADDR_TYPE_ANY) : NULL, *lp;
    if (!pcb) {
        if (s)
            sock_free(s, false);
        return SOS_ERR_NO_RESOURCES;
    }
    if (tcp_bind(pcb, IP_ANY_TYPE, port) != ERR_OK) {
        tcp_close(pcb);
        sock_free(s, false);
        return SOS_ERR_ALREADY_EXISTS;
    }
    if (!(lp = tcp_listen_with_backlog(pcb, SOCK_BACKLOG))) {
        tcp_close(pcb);
        sock_free(s, false);
        return SOS_ERR_NO_RESOURCES;
    }
    s->tcp = lp;
    tcp_arg(lp, s);
    tcp_accept(lp, on_accept);
    int err = sock_channel(s, out);
    if (err)
        sock_free(s, false);
    return err;
}

/* ---- UDP */

static void on_udp(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *from, u16_t port)
{
    struct sock *s = arg;
    (void)pcb;
    struct sockbuf_dgram d = {IP_IS_V4(from) ? ip4_addr_get_u32(ip_2_ip4(from)) : 0, port,
                              p->tot_len};
    static uint8_t tmp[NET_DATA_MAX];
    bool fits = p->tot_len <= sizeof(tmp);
    if (fits)
        pbuf_copy_partial(p, tmp, p->tot_len, 0);
    if (!fits || !sockbuf_put_dgram(&s->rx, &d, tmp))
        g_net.c.udp_dropped++;
    else
        g_net.c.udp_datagrams_in++;
    pbuf_free(p);
    complete_recv(s);
}

int sock_udp(uint16_t port, sos_handle_t *out)
{
    struct sock *s = sock_new(SOCK_UDP);
    if (!s || !(s->udp = udp_new_ip_type(IPADDR_TYPE_V4))) {
        if (s)
            sock_free(s, false);
        return SOS_ERR_NO_RESOURCES;
    }
    if (udp_bind(s->udp, IP_ANY_TYPE, port) != ERR_OK) {
        sock_free(s, false);
        return SOS_ERR_ALREADY_EXISTS;
    }
    udp_recv(s->udp, on_udp, s);
    int err = sock_channel(s, out);
    if (err)
        sock_free(s, false);
    return err;
}

/* ---- RECV */

static void complete_recv(struct sock *s)
{
    if (!s->recv.on)
        return;
    static uint8_t data[NET_DATA_MAX];
    struct sl_msg m;
    sl_msg_begin(&m, g_reply, sizeof(g_reply), NULL, 0, NET_SOCK_RECV);
    if (s->kind == SOCK_UDP) {
        struct sockbuf_dgram d;
        if (!sockbuf_get_dgram(&s->rx, &d, data, s->recv.arg))
            return;
        ip4_addr_t a;
        char buf[16];
        ip4_addr_set_u32(&a, d.addr);
        sl_msg_put_str(&m, ip4addr_ntoa_r(&a, buf, sizeof(buf)));
        sl_msg_put_u32(&m, d.port);
        sl_msg_put_u32(&m, d.len);
        sl_msg_put(&m, data, d.len);
    } else {
        uint32_t n = sockbuf_get(&s->rx, data, s->recv.arg);
        if (!n && !s->peer_closed)
            return;
        if (!n) {
            sys_untimeout(recv_timeout, s);
            wait_reply(&s->recv, s->err ? s->err : SOS_ERR_PEER_CLOSED, NULL, NULL, 0);
            return;
        }
        if (s->tcp)
            tcp_recved(s->tcp, (u16_t)n); /* the client has it: the window reopens */
        sl_msg_put_str(&m, "");
        sl_msg_put_u32(&m, 0);
        sl_msg_put_u32(&m, n);
        sl_msg_put(&m, data, n);
    }
    sys_untimeout(recv_timeout, s);
    wait_reply(&s->recv, 0, &m, NULL, 0);
}

static void recv_timeout(void *arg)
{
    wait_reply(&((struct sock *)arg)->recv, SOS_ERR_TIMED_OUT, NULL, NULL, 0);
}

/* ---- requests on a socket channel */

static int do_send(struct sl_request *r, struct sock *s, const struct net_req *q)
{
    if (s->kind == SOCK_UDP) {
        ip_addr_t dst;
        if (!ipaddr_aton(q->host, &dst) || !IP_IS_V4(&dst) || !q->port)
            return SOS_ERR_INVALID_ARGS;
        struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)q->len, PBUF_RAM);
        if (!p)
            return SOS_ERR_NO_MEMORY;
        pbuf_take(p, q->data, (u16_t)q->len);
        err_t e = udp_sendto(s->udp, p, &dst, (u16_t)q->port);
        pbuf_free(p);
        if (e != ERR_OK)
            return e == ERR_RTE ? SOS_ERR_BAD_STATE : SOS_ERR_IO;
        g_net.c.udp_datagrams_out++;
        sl_msg_put_u32(r->reply, q->len);
        return 0;
    }
    if (!s->tcp || (s->peer_closed && s->err))
        return SOS_ERR_PEER_CLOSED;
    if (s->send.on)
        return SOS_ERR_BAD_STATE;
    if (!(s->send_buf = malloc(q->len ? q->len : 1)))
        return SOS_ERR_NO_MEMORY;
    memcpy(s->send_buf, q->data, q->len);
    s->send_len = q->len;
    s->send_off = 0;
    sl_request_defer(r, &s->send.d);
    s->send.on = true;
    push_send(s);
    return SL_DEFER;
}

static int do_recv(struct sl_request *r, struct sock *s, const struct net_req *q)
{
    if (s->recv.on)
        return SOS_ERR_BAD_STATE;
    sl_request_defer(r, &s->recv.d);
    s->recv.on = true;
    s->recv.arg = q->max;
    complete_recv(s);
    if (s->recv.on && q->timeout_ms)
        sys_timeout(q->timeout_ms, recv_timeout, s);
    return SL_DEFER;
}

static int do_accept(struct sl_request *r, struct sock *s, const struct net_req *q)
{
    if (s->accept.on)
        return SOS_ERR_BAD_STATE;
    sl_request_defer(r, &s->accept.d);
    s->accept.on = true;
    complete_accept(s);
    if (s->accept.on && q->timeout_ms)
        sys_timeout(q->timeout_ms, accept_timeout, s);
    return SL_DEFER;
}

static int do_close(struct sl_request *r, struct sock *s)
{
    struct sos_msg_hdr h = {.txid = r->hdr.txid, .ordinal = r->hdr.ordinal,
                            .flags = SOS_MSG_REPLY};
    sos_channel_write(r->channel, &h, sizeof(h), NULL, 0);
    sock_free(s, true);
    return SL_DEFER; /* answered already; the channel is gone */
}

int sock_dispatch(struct sl_request *r, const struct net_req *q)
{
    struct sock *s = r->client;
    bool listener = s->kind == SOCK_LISTEN;
    switch (q->hdr.ordinal) {
    case NET_SOCK_SEND:
        return listener ? SOS_ERR_WRONG_TYPE : do_send(r, s, q);
    case NET_SOCK_RECV:
        return listener ? SOS_ERR_WRONG_TYPE : do_recv(r, s, q);
    case NET_SOCK_ACCEPT:
        return listener ? do_accept(r, s, q) : SOS_ERR_WRONG_TYPE;
    case NET_SOCK_SHUTDOWN:
        if (s->kind != SOCK_TCP)
            return SOS_ERR_WRONG_TYPE;
        return s->tcp && tcp_shutdown(s->tcp, 0, 1) == ERR_OK ? 0 : SOS_ERR_PEER_CLOSED;
    case NET_SOCK_CLOSE:
        return do_close(r, s);
    default:
        return SOS_ERR_NOT_SUPPORTED;
    }
}
