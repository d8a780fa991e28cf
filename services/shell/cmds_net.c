/*
 * services/shell/cmds_net.c - `net`: the network service from the shell.
 *
 *   net ifaces | route | stats | resolve <name> | ping <host> [count]
 *   net connect <host> <port> <text...> | udp <host> <port> <text...>
 *   net listen <port> [n] [path] | http <url> [> path]
 *
 * Everything goes through the network client (client/net.h) over a lookup of
 * "network" (shell.svc: read+write+manage). Errors are said in the operator's words:
 * a BAD_STATE from the service is explained from NET_INFO (no card, no link, no
 * address yet, no DNS server). `net listen` is an echo server until Ctrl-C (or until
 * it has served n connections), or with a path a file server (cmds_net_http.c, as
 * `net http`): it waits for the listener, and then for the socket, beside the console
 * session (sh_wait), so Ctrl-C ends it at any point; `net ping` waits for each reply
 * the same way.
 *
 * Layer: services (shell).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <client/net.h>
#include <client/net_http.h>

#include "shell.h"

#define NET_WAIT_MS 3000u /* a reply to `net udp` and `net connect`, a ping */

static char g_data[NET_DATA_MAX + 1];

static const char *ip4(uint32_t a, char *buf, size_t n)
{
    const uint8_t *b = (const uint8_t *)&a; /* network byte order */
    snprintf(buf, n, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    return buf;
}

/* What went wrong, for the operator. */
static const char *why(int err, const char *what)
{
    const char *text = net_error_text(&g_sh.net, err, what);
    return text ? text : sh_errtext(err);
}

static bool port_arg(const char *s, uint16_t *port)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == 0 || *end || v < 1 || v > 65535) {
        sh_eprintf("net: bad port '%s' (1-65535)\n", s);
        return false;
    }
    *port = (uint16_t)v;
    return true;
}

/* The words from argv[first] joined by spaces into g_data; its length. */
static uint32_t join(int argc, char **argv, int first)
{
    size_t n = 0;
    for (int i = first; i < argc; i++)
        n += (size_t)snprintf(g_data + n, sizeof(g_data) - n, "%s%s", i > first ? " " : "", argv[i]);
    return (uint32_t)(n < sizeof(g_data) ? n : sizeof(g_data) - 1);
}

static bool get_info(struct net_info *ni)
{
    int err = net_info(&g_sh.net, ni);
    if (err)
        sh_eprintf("net: %s\n", sh_errtext(err));
    return !err;
}

static void net_ifaces(void)
{
    struct net_info ni;
    char a[16], b[16];
    if (!get_info(&ni))
        return;
    if (ni.v4_state == NET_V4_NONE && !ni.link) {
        sh_printf("net0: no network device\n");
        return;
    }
    sh_printf("net0  mac %02x:%02x:%02x:%02x:%02x:%02x  link %s\n", ni.mac[0], ni.mac[1],
              ni.mac[2], ni.mac[3], ni.mac[4], ni.mac[5], ni.link ? "up" : "down");
    static const char *const how[] = {"none", "waiting for DHCP", "dhcp", "static"};
    if (ni.addr)
        sh_printf("  ipv4 %s netmask %s gateway %s (%s)\n", ip4(ni.addr, a, sizeof(a)),
                  ip4(ni.mask, b, sizeof(b)), ip4(ni.gw, g_data, 16),
                  how[ni.v4_state < 4 ? ni.v4_state : 0]);
    else
        sh_printf("  ipv4 none (%s)\n", how[ni.v4_state < 4 ? ni.v4_state : 0]);
    if (ni.lease_s)
        sh_printf("  lease %llu s, %llu s left\n", (unsigned long long)ni.lease_s,
                  (unsigned long long)ni.lease_left_s);
    for (int i = 0; i < 2; i++)
        if (ni.dns[i])
            sh_printf("  dns %s\n", ip4(ni.dns[i], a, sizeof(a)));
    for (uint32_t i = 0; i < ni.n6; i++) /* lwIP's IP6_ADDR_* states */
        sh_printf("  ipv6 %s (%s)\n", ni.v6[i].addr, (ni.v6[i].state & 0x10) ? "valid"
                                                    : (ni.v6[i].state & 0x08) ? "tentative"
                                                                              : "other");
}

static void net_route(void)
{
    struct net_info ni;
    char a[16], b[16];
    if (!get_info(&ni))
        return;
    sh_printf("DESTINATION      NETMASK          GATEWAY          IFACE\n");
    if (!ni.addr) {
        sh_printf("(none: no IPv4 address)\n");
        return;
    }
    sh_printf("%-16s %-16s %-16s net0\n", ip4(ni.addr & ni.mask, a, sizeof(a)),
              ip4(ni.mask, b, sizeof(b)), "-");
    if (ni.gw)
        sh_printf("%-16s %-16s %-16s net0\n", "default", "0.0.0.0", ip4(ni.gw, a, sizeof(a)));
}

static void net_stats_cmd(void)
{
    static struct net_stat st[NET_STATS_MAX];
    uint32_t n = 0;
    int err = net_stats(&g_sh.net, st, NET_STATS_MAX, &n);
    if (err) {
        sh_eprintf("net: %s\n", sh_errtext(err));
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        sh_printf("%-16s %llu\n", st[i].name, (unsigned long long)st[i].value);
}

static void net_resolve_cmd(const char *name)
{
    char addr[64];
    int err = net_resolve(&g_sh.net, name, addr, sizeof(addr));
    if (err)
        sh_eprintf("net resolve %s: %s\n", name, why(err, "resolve"));
    else
        sh_printf("%s: %s\n", name, addr);
}

/* One echo, waiting beside Ctrl-C: 0 with the address and time, an error, or
 * SOS_ERR_CANCELED on Ctrl-C (the endpoint channel is then dropped, late reply and all). */
static int ping_once(const char *host, char *addr, size_t cap, uint64_t *rtt)
{
    int err = sl_conn_to_refresh(&g_sh.net, sos_deadline_after(SH_CALL_NS));
    if (!err && !g_sh.net.ch)
        err = SOS_ERR_PEER_CLOSED;
    if (!err)
        err = net_ping_start(g_sh.net.ch, sh_txid(), host, NET_WAIT_MS);
    if (err)
        return err;
    int w = sh_wait(g_sh.net.ch);
    if (w == SH_WAIT_READY)
        return net_ping_finish(g_sh.net.ch, addr, cap, rtt);
    sos_handle_close(g_sh.net.ch);
    g_sh.net.ch = 0;
    return w == SH_WAIT_INTERRUPT ? SOS_ERR_CANCELED : SOS_ERR_INTERNAL;
}

static void net_ping_cmd(const char *host, int count)
{
    char addr[64];
    int got = 0, sent = 0;
    for (int i = 1; i <= count; i++) {
        uint64_t rtt = 0;
        sos_time_t next = sos_deadline_after(SOS_MS(1000));
        int err = ping_once(host, addr, sizeof(addr), &rtt);
        if (err == SOS_ERR_CANCELED)
            break;
        sent++;
        if (err == SOS_ERR_TIMED_OUT) {
            sh_printf("no reply from %s: seq %d (timed out)\n", host, i);
        } else if (err) {
            sh_eprintf("net ping %s: %s\n", host, why(err, "ping"));
            return;
        } else {
            got++;
            sh_printf("reply from %s: seq %d time %llu.%03llu ms\n", addr, i,
                      (unsigned long long)(rtt / 1000000), (unsigned long long)(rtt / 1000 % 1000));
        }
        sh_flush();
        if (i < count) /* a Ctrl-C meanwhile waits in the session for the next sh_wait */
            sos_thread_sleep(next);
    }
    sh_printf("%d sent, %d received\n", sent, got);
}

/* Read until the peer closes or nothing comes for NET_WAIT_MS; print what came. */
static void print_until_closed(sos_handle_t s, const char *what)
{
    uint32_t total = 0, n;
    for (;;) {
        int err = net_recv(s, g_data, NET_DATA_MAX, &n, NET_WAIT_MS, NULL, 0, NULL);
        if (err == SOS_ERR_PEER_CLOSED)
            break;
        if (err) {
            sh_eprintf("net %s: %s\n", what, why(err, what));
            break;
        }
        g_data[n] = 0;
        sh_printf("%s", g_data);
        total += n;
    }
    sh_printf("%s(%u bytes received)\n", total && g_data[n - 1] != '\n' ? "\n" : "", total);
}

static void net_connect_cmd(const char *host, uint16_t port, uint32_t len)
{
    sos_handle_t s;
    g_data[len++] = '\n';
    int err = net_connect(&g_sh.net, host, port, 5000, &s);
    if (err) {
        sh_eprintf("net connect %s %u: %s\n", host, port, why(err, "connect"));
        return;
    }
    err = net_send(s, NULL, 0, g_data, len);
    if (!err)
        err = net_shutdown(s);
    if (err)
        sh_eprintf("net connect %s %u: %s\n", host, port, why(err, "send"));
    else
        print_until_closed(s, "connect");
    net_close(s);
}

static void net_udp_cmd(const char *host, uint16_t port, uint32_t len)
{
    char addr[64], from[64];
    sos_handle_t s;
    uint32_t n, fport;
    int err = net_resolve(&g_sh.net, host, addr, sizeof(addr));
    if (err) {
        sh_eprintf("net udp %s: %s\n", host, why(err, "resolve"));
        return;
    }
    if ((err = net_udp(&g_sh.net, 0, &s))) {
        sh_eprintf("net udp: %s\n", why(err, "udp"));
        return;
    }
    err = net_send(s, addr, port, g_data, len);
    if (!err)
        err = net_recv(s, g_data, NET_DATA_MAX, &n, NET_WAIT_MS, from, sizeof(from), &fport);
    if (err) {
        sh_eprintf("net udp %s %u: %s\n", host, port, why(err, "udp"));
    } else {
        g_data[n] = 0;
        sh_printf("reply from %s:%u: %s\n", from, fport, g_data);
    }
    net_close(s);
}

/* Echo on one accepted connection until its peer closes or Ctrl-C; false on Ctrl-C. */
static bool echo(sos_handle_t s, const char *peer, uint32_t pport)
{
    uint32_t total = 0, n;
    bool go_on = true;
    for (;;) {
        int err = net_recv_start(s, sh_txid(), NET_DATA_MAX, 0);
        int w = err ? SH_WAIT_FAILED : sh_wait(s);
        if (w == SH_WAIT_INTERRUPT) {
            go_on = false;
            break;
        }
        err = net_recv_finish(s, g_data, NET_DATA_MAX, &n, NULL, 0, NULL);
        if (err || (err = net_send(s, NULL, 0, g_data, n)))
            break;
        total += n;
    }
    sh_printf("net listen: %s:%u closed, %u bytes echoed\n", peer, pport, total);
    sh_flush();
    net_close(s);
    return go_on;
}

static void net_listen_cmd(uint16_t port, long count, const char *path)
{
    sos_handle_t l, s;
    char peer[64];
    uint32_t pport;
    int err = net_listen(&g_sh.net, port, &l);
    if (err) {
        sh_eprintf("net listen %u: %s\n", port, why(err, "listen"));
        return;
    }
    if (path)
        sh_printf("net listen: serving %s over HTTP on port %u (Ctrl-C stops)\n", path, port);
    else
        sh_printf("net listen: echoing on port %u (Ctrl-C stops)\n", port);
    sh_flush();
    for (long served = 0; !count || served < count; served++) {
        err = net_accept_start(l, sh_txid(), 0);
        int w = err ? SH_WAIT_FAILED : sh_wait(l);
        if (w == SH_WAIT_INTERRUPT)
            break;
        if ((err = net_accept_finish(l, &s, peer, sizeof(peer), &pport))) {
            sh_eprintf("net listen %u: %s\n", port, why(err, "listen"));
            break;
        }
        sh_printf("net listen: connection from %s:%u\n", peer, pport);
        sh_flush();
        if (!(path ? sh_net_serve_file(s, path) : echo(s, peer, pport)))
            break;
    }
    net_close(l);
    sh_printf("net listen: stopped\n");
}

/* listen's optional words: a count of connections and a file to serve, either order. */
static void listen_args(uint16_t port, int n, char **w)
{
    long count = 0;
    const char *path = NULL;
    for (int i = 0; i < n; i++) {
        char *end;
        long v = strtol(w[i], &end, 10);
        if (*w[i] && !*end && v >= 1 && !count)
            count = v;
        else if (w[i][0] == '/' && !path)
            path = w[i];
        else {
            sh_eprintf("net listen: '%s' is neither a count of connections nor a /path\n", w[i]);
            return;
        }
    }
    net_listen_cmd(port, count, path);
}

static void usage(void)
{
    sh_eprintf("usage: net ifaces | route | stats | resolve <name> | ping <host> [count] |"
               " connect <host> <port> <text...> | udp <host> <port> <text...> |"
               " listen <port> [connections] [path] | http <url> [> path]\n");
}

void cmd_net(int argc, char **argv)
{
    const char *sub = argv[1];
    uint16_t port;
    if (!strcmp(sub, "ifaces") && argc == 2)
        net_ifaces();
    else if (!strcmp(sub, "route") && argc == 2)
        net_route();
    else if (!strcmp(sub, "stats") && argc == 2)
        net_stats_cmd();
    else if (!strcmp(sub, "resolve") && argc == 3)
        net_resolve_cmd(argv[2]);
    else if (!strcmp(sub, "ping") && (argc == 3 || argc == 4)) {
        long n = argc == 4 ? strtol(argv[3], NULL, 10) : 3;
        if (n < 1 || n > 100)
            sh_eprintf("net ping: count must be 1-100\n");
        else
            net_ping_cmd(argv[2], (int)n);
    } else if (!strcmp(sub, "connect") && argc >= 5 && port_arg(argv[3], &port))
        net_connect_cmd(argv[2], port, join(argc, argv, 4) > NET_DATA_MAX - 1 ? NET_DATA_MAX - 1 : (uint32_t)strlen(g_data));
    else if (!strcmp(sub, "udp") && argc >= 5 && port_arg(argv[3], &port))
        net_udp_cmd(argv[2], port, join(argc, argv, 4));
    else if (!strcmp(sub, "listen") && argc >= 3 && argc <= 5 && port_arg(argv[2], &port))
        listen_args(port, argc - 3, argv + 3);
    else if (!strcmp(sub, "http") && argc == 3)
        sh_net_http(argv[2]);
    else
        usage();
}
