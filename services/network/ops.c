/*
 * services/network/ops.c - requests on the service endpoint: interface state,
 * counters, names, ping, and new sockets (proto/net.h).
 *
 * Each handler decodes with net_req_decode (wire.c), checks the connection's rights
 * (NET_RIGHT_*), then acts. What waits on the network (a name lookup, an echo reply,
 * a TCP handshake) is deferred: a pending slot keeps the reply's address, and lwIP's
 * callback or a timeout on lwIP's timer list answers it. Requests that come while DHCP
 * has not yet bound (right after a start or a restart) wait for the lease,
 * NET_ADDR_WAIT_MS at most. A host is resolved first when it is not an address
 * literal; lwIP's DNS client keeps answers in its table (DNS_TABLE_SIZE entries) for
 * their TTL (at most DNS_MAX_TTL, a week), so a repeated lookup is answered from there
 * without a query.
 *
 * Layer: services (network).
 */
#include <stdio.h>
#include <string.h>

#include "lwip/dns.h"
#include "lwip/inet_chksum.h"
#include "lwip/prot/icmp.h"
#include "lwip/prot/ip4.h"
#include "lwip/raw.h"
#include "lwip/timeouts.h"

#include "network.h"

#define PEND_MAX 16
#define NET_ADDR_WAIT_MS 15000 /* how long a request waits for DHCP's first lease */
#define PING_ID 0x5053
#define PING_DATA 32
/* lwIP's DNS client reports a missing name and silence alike (a NULL address); an
 * answer before its first retry (DNS_TMR_INTERVAL-paced, 2 s in) was a server's "no". */
#define DNS_FAST_NS 1500000000ll

enum pend_kind { PEND_FREE = 0, PEND_RESOLVE, PEND_PING, PEND_CONNECT };

struct pend {
    uint32_t kind;
    struct sl_deferred d;
    char host[NET_HOST_MAX + 1];
    uint16_t port, seq;
    uint32_t timeout_ms;
    int64_t started_ns, sent_ns;
    ip_addr_t addr;
    bool waiting; /* for an address: DHCP is under way */
};

static struct pend g_pend[PEND_MAX];
static struct raw_pcb *g_icmp;
static uint16_t g_seq;
static uint8_t g_buf[1024];

const char *net_ntoa(const ip_addr_t *a, char *buf, size_t n)
{
    return ipaddr_ntoa_r(a, buf, (int)n) ? buf : "?";
}

struct sl_peer *net_peer_with(struct sl_request *r, sos_rights_t need)
{
    struct sl_peer *p = r->client;
    if (!p || r->client == (void *)r->srv || sock_owns(p) || (p->rights & need) != need)
        return NULL;
    return p;
}

static void pend_reply(struct pend *q, int status, const struct sl_msg *m)
{
    uint32_t hl = sizeof(struct sos_msg_hdr);
    sl_reply_deferred(&q->d, status, m ? m->bytes + hl : NULL, m ? m->len - hl : 0, NULL, 0);
    q->kind = PEND_FREE;
}

/* ---- ping */

static void ping_timeout(void *arg)
{
    pend_reply(arg, SOS_ERR_TIMED_OUT, NULL);
}

static u8_t on_icmp(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *from)
{
    (void)arg, (void)pcb;
    struct icmp_echo_hdr e;
    uint8_t vhl;
    if (pbuf_copy_partial(p, &vhl, 1, 0) != 1)
        return 0;
    u16_t off = (u16_t)((vhl & 0x0f) * 4);
    if (pbuf_copy_partial(p, &e, sizeof(e), off) != sizeof(e) || e.type != ICMP_ER ||
        e.id != PP_HTONS(PING_ID))
        return 0;
    for (int i = 0; i < PEND_MAX; i++) {
        struct pend *q = &g_pend[i];
        if (q->kind != PEND_PING || q->seq != lwip_ntohs(e.seqno) || !ip_addr_cmp(&q->addr, from))
            continue;
        sys_untimeout(ping_timeout, q);
        struct sl_msg m;
        char buf[48];
        sl_msg_begin(&m, g_buf, sizeof(g_buf), NULL, 0, NET_PING);
        sl_msg_put_str(&m, net_ntoa(from, buf, sizeof(buf)));
        sl_msg_put_u64(&m, (uint64_t)(sos_clock_get() - q->sent_ns));
        g_net.c.pings_answered++;
        pend_reply(q, 0, &m);
        pbuf_free(p);
        return 1;
    }
    return 0;
}

static int ping_send(struct pend *q)
{
    if (!IP_IS_V4(&q->addr))
        return SOS_ERR_NOT_SUPPORTED;
    if (!g_icmp) {
        if (!(g_icmp = raw_new(IP_PROTO_ICMP)))
            return SOS_ERR_NO_RESOURCES;
        raw_recv(g_icmp, on_icmp, NULL);
    }
    struct pbuf *p = pbuf_alloc(PBUF_IP, sizeof(struct icmp_echo_hdr) + PING_DATA, PBUF_RAM);
    if (!p)
        return SOS_ERR_NO_MEMORY;
    struct icmp_echo_hdr *e = p->payload;
    q->seq = ++g_seq;
    e->type = ICMP_ECHO;
    e->code = 0;
    e->chksum = 0;
    e->id = PP_HTONS(PING_ID);
    e->seqno = lwip_htons(q->seq);
    for (int i = 0; i < PING_DATA; i++)
        ((uint8_t *)(e + 1))[i] = (uint8_t)i;
    e->chksum = inet_chksum(e, p->len);
    q->sent_ns = sos_clock_get();
    err_t err = raw_sendto(g_icmp, p, &q->addr);
    pbuf_free(p);
    if (err != ERR_OK)
        return err == ERR_RTE ? SOS_ERR_BAD_STATE : SOS_ERR_IO;
    g_net.c.pings_sent++;
    sys_timeout(q->timeout_ms ? q->timeout_ms : 1000, ping_timeout, q);
    return 0;
}

/* ---- a host's address known: carry on */

static void with_address(struct pend *q, const ip_addr_t *a)
{
    char buf[48];
    struct sl_msg m;
    int err;
    ip_addr_copy(q->addr, *a);
    switch (q->kind) {
    case PEND_RESOLVE:
        sl_msg_begin(&m, g_buf, sizeof(g_buf), NULL, 0, NET_RESOLVE);
        sl_msg_put_str(&m, net_ntoa(a, buf, sizeof(buf)));
        pend_reply(q, 0, &m);
        return;
    case PEND_PING:
        if ((err = ping_send(q)))
            pend_reply(q, err, NULL);
        return;
    case PEND_CONNECT:
        err = sock_connect(&q->d, a, q->port, q->timeout_ms);
        if (err)
            pend_reply(q, err, NULL);
        q->kind = PEND_FREE; /* the socket answers from now on */
        return;
    }
}

static void on_dns(const char *name, const ip_addr_t *a, void *arg)
{
    struct pend *q = arg;
    if (a) {
        with_address(q, a);
        return;
    }
    g_net.c.dns_failures++;
    bool fast = sos_clock_get() - q->started_ns < DNS_FAST_NS;
    net_log(LOG_WARNING, "dns: %s: %s", name, fast ? "no such name" : "no answer from the server");
    pend_reply(q, fast ? SOS_ERR_NOT_FOUND : SOS_ERR_TIMED_OUT, NULL);
}

/* Start work on q->host; the reply is sent (now or later) in every case. */
static void resolve(struct pend *q)
{
    ip_addr_t a;
    q->started_ns = sos_clock_get();
    if (g_net.v4_state == NET_V4_DHCP_WAIT && g_net.link_up) {
        q->waiting = true; /* a request right after a (re)start: wait for the lease */
        return;
    }
    if (ipaddr_aton(q->host, &a)) {
        with_address(q, &a);
        return;
    }
    g_net.c.dns_queries++;
    err_t e = dns_gethostbyname(q->host, &a, on_dns, q);
    if (e == ERR_OK)
        with_address(q, &a);
    else if (e != ERR_INPROGRESS) {
        g_net.c.dns_failures++;
        bool none = ip_addr_isany_val(*dns_getserver(0));
        net_log(LOG_WARNING, "dns: %s: %s", q->host, none ? "no DNS server" : "cannot query");
        pend_reply(q, none ? SOS_ERR_BAD_STATE : SOS_ERR_NO_RESOURCES, NULL);
    }
}

static int start_pending(struct sl_request *r, const struct net_req *q, uint32_t kind)
{
    for (int i = 0; i < PEND_MAX; i++) {
        struct pend *p = &g_pend[i];
        if (p->kind != PEND_FREE)
            continue;
        memset(p, 0, sizeof(*p));
        p->kind = kind;
        sl_request_defer(r, &p->d);
        memcpy(p->host, q->host, sizeof(p->host));
        p->port = (uint16_t)q->port;
        p->timeout_ms = q->timeout_ms;
        resolve(p);
        return SL_DEFER;
    }
    return SOS_ERR_NO_RESOURCES;
}

void ops_address_ready(void)
{
    for (int i = 0; i < PEND_MAX; i++)
        if (g_pend[i].kind != PEND_FREE && g_pend[i].waiting) {
            g_pend[i].waiting = false;
            resolve(&g_pend[i]);
        }
}

void ops_tick(void)
{
    for (int i = 0; i < PEND_MAX; i++) {
        struct pend *q = &g_pend[i];
        if (q->kind != PEND_FREE && q->waiting &&
            sos_clock_get() - q->started_ns > SOS_MS(NET_ADDR_WAIT_MS))
            pend_reply(q, SOS_ERR_BAD_STATE, NULL); /* no lease: the shell says so */
    }
}

/* ---- the handlers */

static int decode(struct sl_request *r, struct net_req *q, sos_rights_t need)
{
    int err = net_req_decode(r->bytes, r->len, q);
    if (!err && net_req_is_socket(q->hdr.ordinal) != sock_owns(r->client))
        return SOS_ERR_WRONG_TYPE; /* a socket request on the endpoint, or the reverse */
    if (!err && !sock_owns(r->client) && !net_peer_with(r, need))
        return SOS_ERR_ACCESS_DENIED;
    return err;
}

static int do_info(struct sl_request *r)
{
    struct net_req q;
    int err = decode(r, &q, NET_RIGHT_QUERY);
    if (!err)
        ipconf_put_info(r->reply);
    return err;
}

static void put_stat(struct sl_msg *m, const char *name, uint64_t v)
{
    sl_msg_put_str(m, name);
    sl_msg_put_u64(m, v);
}

static int do_stats(struct sl_request *r)
{
    struct net_req q;
    int err = decode(r, &q, NET_RIGHT_QUERY);
    if (err)
        return err;
    const struct net_counters *c = &g_net.c;
    const struct { const char *n; uint64_t v; } s[] = {
        {"frames_in", c->frames_in}, {"frames_out", c->frames_out}, {"bytes_in", c->bytes_in},
        {"bytes_out", c->bytes_out}, {"rx_dropped", c->rx_dropped}, {"tx_errors", c->tx_errors},
        {"link_changes", c->link_changes}, {"leases", c->leases}, {"dns_queries", c->dns_queries},
        {"dns_failures", c->dns_failures}, {"pings_sent", c->pings_sent},
        {"pings_answered", c->pings_answered}, {"tcp_connects", c->tcp_connects},
        {"tcp_refused", c->tcp_refused}, {"tcp_accepts", c->tcp_accepts},
        {"udp_in", c->udp_datagrams_in}, {"udp_out", c->udp_datagrams_out},
        {"udp_dropped", c->udp_dropped}, {"sockets_opened", c->sockets_open},
        {"sockets_now", sock_count()}};
    sl_msg_put_u32(r->reply, sizeof(s) / sizeof(s[0]));
    for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
        put_stat(r->reply, s[i].n, s[i].v);
    return 0;
}

static int do_resolve(struct sl_request *r)
{
    struct net_req q;
    int err = decode(r, &q, NET_RIGHT_QUERY);
    return err ? err : start_pending(r, &q, PEND_RESOLVE);
}

static int do_ping(struct sl_request *r)
{
    struct net_req q;
    int err = decode(r, &q, NET_RIGHT_RAW);
    return err ? err : start_pending(r, &q, PEND_PING);
}

static int do_connect(struct sl_request *r)
{
    struct net_req q;
    int err = decode(r, &q, NET_RIGHT_CONNECT);
    if (!err && !q.port)
        err = SOS_ERR_INVALID_ARGS;
    return err ? err : start_pending(r, &q, PEND_CONNECT);
}

static int new_socket(struct sl_request *r, sos_rights_t need, int (*make)(uint16_t, sos_handle_t *))
{
    struct net_req q;
    sos_handle_t h;
    int err = decode(r, &q, need);
    if (!err)
        err = make((uint16_t)q.port, &h);
    if (!err)
        sl_msg_put_handle(r->reply, h);
    return err;
}

static int do_udp(struct sl_request *r) { return new_socket(r, NET_RIGHT_CONNECT, sock_udp); }

static int do_listen(struct sl_request *r)
{
    struct net_req q;
    if (!net_req_decode(r->bytes, r->len, &q) && !q.port)
        return SOS_ERR_INVALID_ARGS;
    return new_socket(r, NET_RIGHT_LISTEN, sock_listen);
}

static int do_socket(struct sl_request *r)
{
    struct net_req q;
    int err = decode(r, &q, 0);
    return err ? err : sock_dispatch(r, &q);
}

const struct sl_op g_net_ops[] = {
    {NET_INFO, sizeof(struct sos_msg_hdr), do_info},
    {NET_STATS, sizeof(struct sos_msg_hdr), do_stats},
    {NET_RESOLVE, sizeof(struct sos_msg_hdr), do_resolve},
    {NET_PING, sizeof(struct sos_msg_hdr), do_ping},
    {NET_CONNECT, sizeof(struct sos_msg_hdr), do_connect},
    {NET_UDP, sizeof(struct sos_msg_hdr), do_udp},
    {NET_LISTEN, sizeof(struct sos_msg_hdr), do_listen},
    {NET_SOCK_SEND, sizeof(struct sos_msg_hdr), do_socket},
    {NET_SOCK_RECV, sizeof(struct sos_msg_hdr), do_socket},
    {NET_SOCK_SHUTDOWN, sizeof(struct sos_msg_hdr), do_socket},
    {NET_SOCK_CLOSE, sizeof(struct sos_msg_hdr), do_socket},
    {NET_SOCK_ACCEPT, sizeof(struct sos_msg_hdr), do_socket},
};
const size_t g_net_nops = sizeof(g_net_ops) / sizeof(g_net_ops[0]);
