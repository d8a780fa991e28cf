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
 * and powers off with 0; 1 when SECONDS (default 30) pass first or the card fails, 2
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
    while (!dhcp_supplied_address(&nif) && sos_clock_get() < end) {
        sos_signals_t seen;
        sos_object_wait_one(g_dev, SOS_SIG_READABLE, sos_clock_get() + 50000000ll, &seen);
        if (!receive_all(&nif))
            finish(1);
        sys_check_timeouts();
    }
    if (!dhcp_supplied_address(&nif)) {
        printf("lwipdhcp: no lease within %ld s (send errors %u)\n", seconds, g_tx_errors);
        finish(1);
    }
    print_ip4("lwipdhcp: bound ", netif_ip4_addr(&nif));
    print_ip4(" netmask ", netif_ip4_netmask(&nif));
    print_ip4(" gateway ", netif_ip4_gw(&nif));
    printf("\n");
    finish(0);
}
