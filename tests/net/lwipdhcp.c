/*
 * tests/net/lwipdhcp.c - lwIP, built freestanding from Debian's source package
 * (services/third_party/lwip), running in a user image over network device 0: it
 * leases an address with lwIP's own DHCP client and prints it.
 *
 * Booted as the first process (--init lwipdhcp [SECONDS]) with the root resource. One
 * netif whose link output is a device_io WRITE of the frame; the loop waits on the
 * device's READABLE signal (or lwIP's next timeout, at most 50 ms away), reads every
 * queued frame with NOWAIT into a pbuf for ethernet_input, and runs sys_check_timeouts.
 * When DHCP has bound it prints
 *
 *     lwipdhcp: bound 10.0.2.15 netmask 255.255.255.0 gateway 10.0.2.2
 *
 * With HOST PORT (--init lwipdhcp SECONDS HOST PORT) it then connects there over TCP
 * (raw API), sends "hello", expects it echoed and prints "lwipdhcp: tcp echo ok". It
 * powers off with 0; 1 when SECONDS (default 30) pass first or something fails, 2
 * without a card. This is only a test that the library works in our runtime; the
 * network service is where lwIP belongs.
 *
 * Layer: tests (user image).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sl/sl.h>
#include <sl/startup.h>

#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

static sos_handle_t g_root, g_dev, g_vmo;
static uint8_t g_frame[SOS_NET_FRAME_MAX];
static unsigned g_tx_errors;

u32_t sys_now(void) { return (u32_t)(sos_clock_get() / 1000000); }

static __attribute__((noreturn)) void finish(int status)
{
    sos_system_power(g_root, SOS_POWER_OFF, status);
    exit(status);
}

static int64_t dev_io(uint32_t op, uint64_t flags, uint64_t len)
{
    struct sos_device_io r = {op, g_vmo, flags, 0, len};
    return sos_device_io(g_dev, &r);
}

/* lwIP hands a frame (a pbuf chain) to the card. */
static err_t link_output(struct netif *nif, struct pbuf *p)
{
    (void)nif;
    if (p->tot_len > SOS_NET_FRAME_MAX)
        return ERR_IF;
    pbuf_copy_partial(p, g_frame, p->tot_len, 0);
    size_t len = p->tot_len < 60 ? 60 : p->tot_len; /* pad to Ethernet's minimum */
    memset(g_frame + p->tot_len, 0, len - p->tot_len);
    if (sos_vmo_write(g_vmo, g_frame, 0, len) || dev_io(SOS_DEVICE_OP_WRITE, 0, len) < 0) {
        g_tx_errors++;
        return ERR_IF;
    }
    return ERR_OK;
}

static err_t netif_setup(struct netif *nif)
{
    struct sos_info_net ni;
    if (sos_object_get_info(g_dev, SOS_INFO_NET, &ni, sizeof(ni)) != (int64_t)sizeof(ni))
        return ERR_IF;
    memcpy(nif->hwaddr, ni.mac, 6);
    nif->hwaddr_len = 6;
    nif->mtu = 1500;
    nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    nif->name[0] = 'e';
    nif->name[1] = '0';
    nif->output = etharp_output;
    nif->linkoutput = link_output;
    return ERR_OK;
}

/* Feed every queued frame to lwIP; false when the card failed. */
static bool receive_all(struct netif *nif)
{
    for (;;) {
        int64_t n = dev_io(SOS_DEVICE_OP_READ, SOS_NET_IO_NOWAIT, SOS_NET_FRAME_MAX);
        if (n < 0) {
            printf("lwipdhcp: read: %s\n", sos_strerror((int)n));
            return false;
        }
        if (n == 0)
            return true;
        struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_POOL);
        if (!p || sos_vmo_read(g_vmo, g_frame, 0, (size_t)n) ||
            pbuf_take(p, g_frame, (u16_t)n) != ERR_OK || nif->input(p, nif) != ERR_OK) {
            if (p)
                pbuf_free(p);
        }
    }
}

/* Run lwIP (frames in, timers) until done() or `end`; false on a card failure. */
static bool run_until(struct netif *nif, bool (*done)(struct netif *), sos_time_t end)
{
    while (!done(nif) && sos_clock_get() < end) {
        sos_signals_t seen;
        sos_object_wait_one(g_dev, SOS_SIG_READABLE, sos_clock_get() + 50000000ll, &seen);
        if (!receive_all(nif))
            return false;
        sys_check_timeouts();
    }
    return true;
}

static bool bound(struct netif *nif) { return dhcp_supplied_address(nif); }

/* ---- a TCP echo through the raw API */

static int g_tcp; /* 0 under way, 1 echoed, -1 failed */
static char g_echo[16];
static size_t g_echo_len;

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg, (void)err;
    if (!p) { /* the peer closed */
        g_tcp = g_echo_len == 5 && !memcmp(g_echo, "hello", 5) ? 1 : -1;
        tcp_close(pcb);
        return ERR_OK;
    }
    u16_t n = (u16_t)(p->tot_len < sizeof(g_echo) - g_echo_len ? p->tot_len : sizeof(g_echo) - g_echo_len);
    g_echo_len += pbuf_copy_partial(p, g_echo + g_echo_len, n, 0);
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    if (g_echo_len >= 5)
        g_tcp = !memcmp(g_echo, "hello", 5) ? 1 : -1;
    return ERR_OK;
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || tcp_write(pcb, "hello", 5, TCP_WRITE_FLAG_COPY) != ERR_OK)
        g_tcp = -1;
    else
        tcp_output(pcb);
    return ERR_OK;
}

static void on_tcp_err(void *arg, err_t err)
{
    (void)arg;
    printf("lwipdhcp: tcp error %d\n", err);
    g_tcp = -1;
}

static bool tcp_settled(struct netif *nif) { (void)nif; return g_tcp != 0; }

static bool tcp_echo(struct netif *nif, const char *host, u16_t port, sos_time_t end)
{
    ip_addr_t dst;
    struct tcp_pcb *pcb = tcp_new();
    if (!ipaddr_aton(host, &dst) || !pcb) {
        printf("lwipdhcp: bad address %s\n", host);
        return false;
    }
    tcp_recv(pcb, on_recv);
    tcp_err(pcb, on_tcp_err);
    if (tcp_connect(pcb, &dst, port, on_connected) != ERR_OK)
        return false;
    if (!run_until(nif, tcp_settled, end) || g_tcp != 1) {
        printf("lwipdhcp: tcp echo from %s:%u failed (got %zu bytes)\n", host, port, g_echo_len);
        return false;
    }
    printf("lwipdhcp: tcp echo ok\n");
    return true;
}

static void print_ip4(const char *what, const ip4_addr_t *a)
{
    char buf[IP4ADDR_STRLEN_MAX];
    printf("%s%s", what, ip4addr_ntoa_r(a, buf, sizeof(buf)));
}

int main(int argc, char **argv)
{
    long seconds = argc > 1 ? strtol(argv[1], NULL, 10) : 30;
    g_root = sos_startup_handle("root-resource");
    int64_t err = sos_device_open(g_root, SOS_DEV_NET, 0, &g_dev);
    if (err) {
        printf("lwipdhcp: no network device (%s)\n", sos_strerror((int)err));
        finish(2);
    }
    if (sos_vmo_create(4096, 0, &g_vmo))
        finish(1);
    srand((unsigned)sos_clock_get());
    lwip_init();
    static struct netif nif;
    if (!netif_add(&nif, NULL, NULL, NULL, NULL, netif_setup, ethernet_input)) {
        printf("lwipdhcp: netif_add failed\n");
        finish(1);
    }
    netif_set_default(&nif);
    netif_set_up(&nif);
    netif_set_link_up(&nif);
    if (dhcp_start(&nif) != ERR_OK) {
        printf("lwipdhcp: dhcp_start failed\n");
        finish(1);
    }
    sos_time_t end = sos_clock_get() + seconds * 1000000000ll;
    if (!run_until(&nif, bound, end))
        finish(1);
    if (!dhcp_supplied_address(&nif)) {
        printf("lwipdhcp: no lease within %ld s (send errors %u)\n", seconds, g_tx_errors);
        finish(1);
    }
    print_ip4("lwipdhcp: bound ", netif_ip4_addr(&nif));
    print_ip4(" netmask ", netif_ip4_netmask(&nif));
    print_ip4(" gateway ", netif_ip4_gw(&nif));
    printf("\n");
    if (argc > 3 && !tcp_echo(&nif, argv[2], (u16_t)strtoul(argv[3], NULL, 10), end))
        finish(1);
    finish(0);
}
