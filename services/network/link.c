/*
 * services/network/link.c - lwIP's netif over network device 0.
 *
 * lwIP hands a frame (a pbuf chain) to link_output, which copies it into the frame VMO
 * and writes it to the card with device_io (padded to Ethernet's 60-byte minimum).
 * The loop calls link_receive_all after every wakeup: it reads with NOWAIT until the
 * card has nothing, each frame into a pool pbuf for ethernet_input. A full card makes
 * a WRITE wait (the card frees buffers at its own pace, microseconds); a frame lwIP
 * cannot take is dropped and counted, as a NIC would. link_poll reads the card's link
 * state from SOS_INFO_NET and tells lwIP and the log when it changes.
 *
 * Layer: services (network).
 */
#include <stdio.h>
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

#include "network.h"

static uint8_t g_frame[SOS_NET_FRAME_MAX];

static int64_t dev_io(uint32_t op, uint64_t flags, uint64_t len)
{
    struct sos_device_io r = {op, g_net.vmo, flags, 0, len};
    return sos_device_io(g_net.dev, &r);
}

static err_t link_output(struct netif *nif, struct pbuf *p)
{
    (void)nif;
    if (p->tot_len > SOS_NET_FRAME_MAX) {
        g_net.c.tx_errors++;
        return ERR_IF;
    }
    pbuf_copy_partial(p, g_frame, p->tot_len, 0);
    size_t len = p->tot_len < 60 ? 60 : p->tot_len;
    memset(g_frame + p->tot_len, 0, len - p->tot_len);
    if (sos_vmo_write(g_net.vmo, g_frame, 0, len) || dev_io(SOS_DEVICE_OP_WRITE, 0, len) < 0) {
        g_net.c.tx_errors++;
        return ERR_IF;
    }
    g_net.c.frames_out++;
    g_net.c.bytes_out += len;
    return ERR_OK;
}

static err_t netif_setup(struct netif *nif)
{
    memcpy(nif->hwaddr, g_net.mac, 6);
    nif->hwaddr_len = 6;
    nif->mtu = 1500;
    nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_MLD6;
    nif->name[0] = 'e';
    nif->name[1] = '0';
    nif->output = etharp_output;
    nif->output_ip6 = ethip6_output;
    nif->linkoutput = link_output;
    netif_set_hostname(nif, "serviceos");
    return ERR_OK;
}

static void on_status(struct netif *nif) { ipconf_on_status(nif); }

int link_open(void)
{
    struct sos_info_net ni;
    g_net.dev = sos_startup_handle("net0");
    if (!g_net.dev)
        return SOS_ERR_NOT_FOUND;
    if (sos_object_get_info(g_net.dev, SOS_INFO_NET, &ni, sizeof(ni)) != (int64_t)sizeof(ni))
        return SOS_ERR_WRONG_TYPE;
    int err = (int)sos_vmo_create(4096, 0, &g_net.vmo);
    if (err)
        return err;
    memcpy(g_net.mac, ni.mac, 6);
    if (!netif_add(&g_net.nif, NULL, NULL, NULL, NULL, netif_setup, ethernet_input))
        return SOS_ERR_NO_RESOURCES;
    netif_set_status_callback(&g_net.nif, on_status);
    netif_set_default(&g_net.nif);
    netif_set_up(&g_net.nif);
    g_net.have_card = true;
    link_poll();
    return 0;
}

void link_receive_all(void)
{
    while (g_net.have_card) {
        int64_t n = dev_io(SOS_DEVICE_OP_READ, SOS_NET_IO_NOWAIT, SOS_NET_FRAME_MAX);
        if (n <= 0) {
            if (n < 0)
                g_net.c.rx_dropped++;
            return;
        }
        g_net.c.frames_in++;
        g_net.c.bytes_in += (uint64_t)n;
        struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_POOL);
        if (!p) {
            g_net.c.rx_dropped++;
            continue;
        }
        if (sos_vmo_read(g_net.vmo, g_frame, 0, (size_t)n) ||
            pbuf_take(p, g_frame, (u16_t)n) != ERR_OK || g_net.nif.input(p, &g_net.nif) != ERR_OK) {
            g_net.c.rx_dropped++;
            pbuf_free(p);
        }
    }
}

void link_poll(void)
{
    struct sos_info_net ni;
    if (!g_net.have_card ||
        sos_object_get_info(g_net.dev, SOS_INFO_NET, &ni, sizeof(ni)) != (int64_t)sizeof(ni))
        return;
    bool up = ni.link_up != 0;
    if (up == g_net.link_up && g_net.c.link_changes)
        return;
    g_net.link_up = up;
    g_net.c.link_changes++;
    if (up) {
        netif_set_link_up(&g_net.nif);
        net_log(LOG_INFO, "net0: link up (mac %02x:%02x:%02x:%02x:%02x:%02x)", ni.mac[0],
                ni.mac[1], ni.mac[2], ni.mac[3], ni.mac[4], ni.mac[5]);
    } else {
        netif_set_link_down(&g_net.nif);
        net_log(LOG_WARNING, "net0: link down");
    }
}
