/*
 * tests/progs/netprobe.c - the network service's refusals, end to end: rights, wrong
 * requests, malformed messages, waits that time out.
 *
 * An on-demand, optional service (netprobe.svc: lookup=network:read+write, no manage):
 * `start netprobe` in the shell runs it once against the real network service. Each
 * check prints one line, `netprobe: <what>: <error> (ok)` when the service answered as
 * it must, `... FAILED` otherwise (exit status 1):
 *
 *   - rights: listen and ping need manage, which this manifest does not give: ACCESS_DENIED
 *   - a socket request on the endpoint, and an endpoint request on a socket: WRONG_TYPE
 *   - every cut of a CONNECT request (each prefix): BAD_FORMAT or INVALID_ARGS, never an
 *     answer of success, and the service stays up (NET_INFO still answers)
 *   - a port over 65535, a host with a blank: INVALID_ARGS; an unknown version: NOT_SUPPORTED
 *   - UDP: a RECV with nothing coming times out (TIMED_OUT after 200 ms); a second RECV
 *     while one waits is BAD_STATE; a SEND to a name (not an address) is INVALID_ARGS;
 *     a second socket on the same local port is ALREADY_EXISTS
 *
 * Layer: tests (a service image).
 */
#include <stdio.h>
#include <string.h>

#include <sl/service.h>
#include <sl/sl.h>

#include <client/net.h>

static struct sl_conn_to g_net;
static int g_failed;
static uint8_t g_buf[1024], g_rbuf[1024];

static void expect(const char *what, int got, int want)
{
    bool ok = got == want;
    printf("netprobe: %s: %s (%s)\n", what, got ? sos_strerror(got) : "ok", ok ? "ok" : "FAILED");
    g_failed |= !ok;
}

/* One raw request on `ch`: its status. */
static int raw_call(sos_handle_t ch, const void *bytes, uint32_t len)
{
    sos_handle_t h[2];
    struct sos_chan_call c = {.wr_bytes = bytes, .wr_nbytes = len,
                              .rd = {.bytes = g_rbuf, .handles = h, .bytes_cap = sizeof(g_rbuf),
                                     .handles_cap = 2}};
    int err = (int)sos_channel_call(ch, sos_deadline_after(SOS_MS(5000)), &c);
    for (uint32_t i = 0; !err && i < c.rd.actual_handles; i++)
        sos_handle_close(h[i]);
    if (err)
        return err;
    struct sos_msg_hdr hdr;
    memcpy(&hdr, g_rbuf, sizeof(hdr));
    return hdr.status;
}

static void rights(void)
{
    sos_handle_t h = 0;
    char addr[64];
    uint64_t rtt;
    expect("listen without manage", net_listen(&g_net, 7900, &h), SOS_ERR_ACCESS_DENIED);
    expect("ping without manage", net_ping(&g_net, "10.0.2.2", 100, addr, sizeof(addr), &rtt),
           SOS_ERR_ACCESS_DENIED);
}

static void malformed(void)
{
    struct sl_msg m;
    sl_msg_begin(&m, g_buf, sizeof(g_buf), NULL, 0, NET_CONNECT);
    sl_msg_put_str(&m, "10.0.2.2");
    sl_msg_put_u32(&m, 7);
    sl_msg_put_u32(&m, 100);
    int bad = 0;
    for (uint32_t n = sizeof(struct sos_msg_hdr); n < m.len; n++) {
        int err = raw_call(g_net.ch, g_buf, n);
        bad += err != SOS_ERR_BAD_FORMAT && err != SOS_ERR_INVALID_ARGS;
    }
    expect("every cut of a CONNECT refused", bad ? SOS_ERR_INTERNAL : 0, 0);
    sl_msg_begin(&m, g_buf, sizeof(g_buf), NULL, 0, NET_CONNECT);
    sl_msg_put_str(&m, "10.0.2.2");
    sl_msg_put_u32(&m, 70000);
    sl_msg_put_u32(&m, 100);
    expect("connect to port 70000", raw_call(g_net.ch, g_buf, m.len), SOS_ERR_INVALID_ARGS);
    sl_msg_begin(&m, g_buf, sizeof(g_buf), NULL, 0, NET_RESOLVE);
    sl_msg_put_str(&m, "two words");
    expect("resolve 'two words'", raw_call(g_net.ch, g_buf, m.len), SOS_ERR_INVALID_ARGS);
    sl_msg_begin(&m, g_buf, sizeof(g_buf), NULL, 0, SOS_ORD(PROTO_NET, NET_VERSION + 1, 1));
    expect("a later version", raw_call(g_net.ch, g_buf, m.len), SOS_ERR_NOT_SUPPORTED);
    sl_msg_begin(&m, g_buf, sizeof(g_buf), NULL, 0, NET_SOCK_RECV);
    sl_msg_put_u32(&m, 10);
    sl_msg_put_u32(&m, 0);
    expect("a socket request on the endpoint", raw_call(g_net.ch, g_buf, m.len), SOS_ERR_WRONG_TYPE);
    struct net_info ni;
    expect("the service still answers", net_info(&g_net, &ni), 0);
}

static void udp(void)
{
    sos_handle_t s = 0, t = 0;
    uint8_t data[16];
    uint32_t n;
    expect("open UDP on port 7901", net_udp(&g_net, 7901, &s), 0);
    if (!s)
        return;
    expect("a second socket on port 7901", net_udp(&g_net, 7901, &t), SOS_ERR_ALREADY_EXISTS);
    expect("RECV with nothing coming", net_recv(s, data, sizeof(data), &n, 200, NULL, 0, NULL),
           SOS_ERR_TIMED_OUT);
    expect("SEND to a name", net_send(s, "repo.test", 7, "x", 1), SOS_ERR_INVALID_ARGS);
    struct sl_msg m;
    sl_msg_begin(&m, g_buf, sizeof(g_buf), NULL, 0, NET_INFO);
    expect("an endpoint request on a socket", raw_call(s, g_buf, m.len), SOS_ERR_WRONG_TYPE);
    expect("start a RECV", net_recv_start(s, 77, sizeof(data), 0), 0);
    sl_msg_begin(&m, g_buf, sizeof(g_buf), NULL, 0, NET_SOCK_RECV);
    sl_msg_put_u32(&m, 10);
    sl_msg_put_u32(&m, 0);
    sl_msg_hdr(&m)->txid = 78;
    sl_msg_send(s, &m);
    sos_signals_t seen;
    sos_object_wait_one(s, SOS_SIG_READABLE, sos_deadline_after(SOS_MS(5000)), &seen);
    int err = net_recv_finish(s, data, sizeof(data), &n, NULL, 0, NULL);
    expect("a second RECV while one waits", err, SOS_ERR_BAD_STATE);
    sos_handle_close(s); /* the waiting RECV goes with the socket */
}

int main(void)
{
    sl_conn_to_init(&g_net, "network", 0);
    if (sl_service_lookup("network", &g_net.ch, sos_deadline_after(SOS_MS(5000)))) {
        printf("netprobe: cannot look up the network service\n");
        return 2;
    }
    rights();
    malformed();
    udp();
    printf("netprobe: %s\n", g_failed ? "some checks FAILED" : "all checks passed");
    return g_failed;
}
