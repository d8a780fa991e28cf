/*
 * tests/progs/netbench.c - the guest side of the network benchmarks.
 *
 * Started by `start netbench` (tests/progs/netbench.svc) while tests/bench/run-netbench.py
 * runs the host side at 10.0.2.2 (TAP) or 192.168.77.1 (slirp): a sink on port 7100 that reads until the end and then
 * closes, and a server on port 7101 that accepts and closes at once. Through the
 * network service's client library, as any program would:
 *   - bulk: 3 runs of 16 MiB over one TCP connection in NET_DATA_MAX pieces; a run's
 *     time ends when the sink has read everything and closed (its FIN is the receipt);
 *   - ping: 30 echo requests to 10.0.2.2 (the host's kernel on TAP, slirp itself on slirp): the round trip the service measures (lwIP's
 *     send to its receive) and the whole call as this program sees it (two IPCs more);
 *   - connections: 3 runs of 2 s of connect + close to port 7101 (conn_once says how
 *     it waits when lwIP's PCBs are all taken).
 * One line per figure: `netbench: bulk bytes=N ns=T`, `netbench: ping ns=T call_ns=T`,
 * `netbench: conn n=N ns=T full=W`, then `netbench: done` (or `netbench: FAILED <why>`).
 *
 * Layer: test program (userspace).
 */
#include <stdio.h>
#include <string.h>

#include <sl/service.h>
#include <sl/sl.h>

#include <client/net.h>

#define GATEWAY "10.0.2.2"
#define BULK_BYTES (16u << 20)

static struct sl_conn_to g_net;
/* the host side's servers: the TAP's host side, or (slirp, whose 10.0.2.2 is its own)
 * the namespace's 192.168.77.1 through slirp's NAT; the first that takes a connection */
static const char *const g_hosts[] = {GATEWAY, "192.168.77.1"};
static const char *HOST;
static uint8_t g_data[NET_DATA_MAX];

static int fail(const char *what, int err)
{
    printf("netbench: FAILED %s: %s\n", what, sos_strerror(err));
    return 1;
}

static int bulk_once(void)
{
    sos_handle_t s;
    int64_t t0 = sos_clock_get();
    int err = net_connect(&g_net, HOST, 7100, 5000, &s);
    if (err)
        return fail("bulk connect", err);
    for (uint32_t sent = 0; !err && sent < BULK_BYTES; sent += sizeof(g_data))
        err = net_send(s, NULL, 0, g_data, sizeof(g_data));
    if (!err)
        err = net_shutdown(s);
    uint32_t n = 1;
    while (!err && n) /* until the sink closes: it has read everything */
        err = net_recv(s, g_data, sizeof(g_data), &n, 30000, NULL, 0, NULL);
    int64_t t1 = sos_clock_get();
    net_close(s);
    if (err && err != SOS_ERR_PEER_CLOSED)
        return fail("bulk transfer", err);
    printf("netbench: bulk bytes=%u ns=%lld\n", BULK_BYTES, (long long)(t1 - t0));
    return 0;
}

static int ping_all(void)
{
    char addr[64];
    for (int i = 0; i < 30; i++) {
        uint64_t rtt;
        int64_t t0 = sos_clock_get();
        int err = net_ping(&g_net, GATEWAY, 2000, addr, sizeof(addr), &rtt);
        int64_t t1 = sos_clock_get();
        if (err)
            return fail("ping", err);
        printf("netbench: ping ns=%llu call_ns=%lld\n", (unsigned long long)rtt, (long long)(t1 - t0));
    }
    return 0;
}

/* lwIP has 32 TCP PCBs and keeps a closed connection's until the peer has acknowledged
 * its FIN: a client that connects and closes faster than that round trip finds them
 * all taken (NO_RESOURCES). Then it waits a millisecond and tries again, and the
 * waits are counted: the rate is what the service sustains. */
static int conn_once(void)
{
    int64_t t0 = sos_clock_get(), t = t0;
    uint32_t n = 0, full = 0;
    while (t - t0 < SOS_MS(2000)) {
        sos_handle_t s;
        int err = net_connect(&g_net, HOST, 7101, 5000, &s);
        if (err == SOS_ERR_NO_RESOURCES && full < 100000) {
            full++;
            sos_thread_sleep(sos_deadline_after(SOS_MS(1)));
        } else if (err) {
            return fail("connect", err);
        } else {
            net_close(s);
            n++;
        }
        t = sos_clock_get();
    }
    printf("netbench: conn n=%u ns=%lld full=%u\n", n, (long long)(t - t0), full);
    return 0;
}

int main(void)
{
    sl_conn_to_init(&g_net, "network", 0);
    if (sl_service_lookup("network", &g_net.ch, sos_deadline_after(SOS_MS(5000))))
        return fail("look up the network service", SOS_ERR_NOT_FOUND);
    sl_service_ready(); /* a run takes minutes under TCG: started is ready */
    memset(g_data, 0x5a, sizeof(g_data));
    for (size_t i = 0; i < sizeof(g_hosts) / sizeof(g_hosts[0]) && !HOST; i++) {
        sos_handle_t s;
        if (!net_connect(&g_net, g_hosts[i], 7101, 2000, &s)) {
            net_close(s);
            HOST = g_hosts[i];
        }
    }
    if (!HOST)
        return fail("reach the host's servers", SOS_ERR_TIMED_OUT);
    printf("netbench: host %s\n", HOST);
    int bad = 0;
    for (int i = 0; i < 3 && !bad; i++)
        bad = bulk_once();
    bad = bad || ping_all();
    for (int i = 0; i < 3 && !bad; i++)
        bad = conn_once();
    if (!bad)
        printf("netbench: done\n");
    return bad;
}
