/*
 * services/network/ipconf.c - the interface's addresses.
 *
 * IPv4 follows config (read once at start; `restart network` applies changes):
 * network.ipv4.mode = dhcp (the default) runs lwIP's DHCP client; with
 * network.ipv4.address set as well, an interface that has no lease NET_FALLBACK_S
 * seconds after DHCP began takes that static address instead (and DHCP keeps
 * trying: a later lease replaces it). mode = static takes network.ipv4.address
 * (a.b.c.d/prefix, /24 when no prefix is given), network.ipv4.gateway (the default
 * route) and network.ipv4.dns at once. A DNS server in network.ipv4.dns wins over
 * the lease's. IPv6: a link-local address from the MAC, and SLAAC (lwIP's autoconfig
 * from router advertisements); no DHCPv6, no RDNSS, so names resolve over IPv4 servers.
 *
 * Layer: services (network).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proto/config.h>

#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/ip4_addr.h"

#include "network.h"

#define NET_FALLBACK_S 10

static struct {
    char mode[16], address[32], gateway[20], dns[20];
    bool have_static;
    ip4_addr_t addr, mask, gw, dns_addr;
    ip4_addr_t bound; /* the address of the lease last logged */
} g_cf;

static void config_get(const char *key, char *out, size_t cap)
{
    uint8_t buf[256], rbuf[CONFIG_VALUE_MAX + 64];
    struct sl_msg req, rep;
    sl_msg_begin(&req, buf, sizeof(buf), NULL, 0, CONFIG_GET);
    sl_msg_put_str(&req, key);
    sl_msg_begin(&rep, rbuf, sizeof(rbuf), NULL, 0, CONFIG_GET);
    out[0] = 0;
    if (sl_conn_to_call(&g_net.config, &req, &rep, sos_deadline_after(SOS_MS(5000))))
        return;
    struct sl_parse p;
    uint32_t n;
    sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL);
    sl_parse_u32(&p);
    const char *v = sl_parse_str(&p, &n);
    if (v && !sl_parse_end(&p) && n < cap)
        memcpy(out, v, n + 1);
}

/* a.b.c.d[/prefix] into addr and mask; false when it is not one. */
static bool parse_cidr(const char *s, ip4_addr_t *addr, ip4_addr_t *mask)
{
    char a[32];
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    long prefix = slash ? strtol(slash + 1, NULL, 10) : 24;
    if (!n || n >= sizeof(a) || prefix < 1 || prefix > 32)
        return false;
    memcpy(a, s, n);
    a[n] = 0;
    if (!ip4addr_aton(a, addr))
        return false;
    ip4_addr_set_u32(mask, lwip_htonl(prefix == 32 ? 0xffffffffu : ~(0xffffffffu >> prefix)));
    return true;
}

static void read_config(void)
{
    config_get("network.ipv4.mode", g_cf.mode, sizeof(g_cf.mode));
    config_get("network.ipv4.address", g_cf.address, sizeof(g_cf.address));
    config_get("network.ipv4.gateway", g_cf.gateway, sizeof(g_cf.gateway));
    config_get("network.ipv4.dns", g_cf.dns, sizeof(g_cf.dns));
    if (g_net.config.ch) { /* read once: no channel to a config that may restart lingers */
        sos_handle_close(g_net.config.ch);
        g_net.config.ch = 0;
    }
    if (!g_cf.mode[0])
        strcpy(g_cf.mode, "dhcp");
    if (g_cf.address[0] && !parse_cidr(g_cf.address, &g_cf.addr, &g_cf.mask))
        net_log(LOG_WARNING, "network.ipv4.address '%s' is not a.b.c.d/prefix: ignored",
                g_cf.address);
    else if (g_cf.address[0])
        g_cf.have_static = true;
    if (g_cf.gateway[0] && !ip4addr_aton(g_cf.gateway, &g_cf.gw))
        net_log(LOG_WARNING, "network.ipv4.gateway '%s' is not an address: ignored", g_cf.gateway);
    if (g_cf.dns[0] && !ip4addr_aton(g_cf.dns, &g_cf.dns_addr)) {
        net_log(LOG_WARNING, "network.ipv4.dns '%s' is not an address: ignored", g_cf.dns);
        g_cf.dns[0] = 0;
    }
}

static void use_config_dns(void)
{
    if (g_cf.dns[0]) {
        ip_addr_t d;
        ip_addr_copy_from_ip4(d, g_cf.dns_addr);
        dns_setserver(0, &d);
    }
}

static void use_static(const char *why)
{
    netif_set_addr(&g_net.nif, &g_cf.addr, &g_cf.mask, &g_cf.gw);
    use_config_dns();
    g_net.v4_state = NET_V4_STATIC;
    g_net.addr_kick = true; /* the loop lets waiting requests go on, outside lwIP */
    char a[16], gw[16];
    net_log(LOG_INFO, "net0: static address %s/%s gateway %s (%s)",
            ip4addr_ntoa_r(&g_cf.addr, a, sizeof(a)), ip4addr_ntoa(&g_cf.mask),
            ip4addr_ntoa_r(&g_cf.gw, gw, sizeof(gw)), why);
}

void ipconf_start(void)
{
    read_config();
    netif_create_ip6_linklocal_address(&g_net.nif, 1);
    netif_set_ip6_autoconfig_enabled(&g_net.nif, 1);
    if (!strcmp(g_cf.mode, "static") && g_cf.have_static) {
        use_static("network.ipv4.mode=static");
        return;
    }
    if (!strcmp(g_cf.mode, "static"))
        net_log(LOG_WARNING, "network.ipv4.mode is static but there is no usable "
                             "network.ipv4.address: using dhcp");
    else if (strcmp(g_cf.mode, "dhcp"))
        net_log(LOG_WARNING, "network.ipv4.mode '%s' is not dhcp or static: using dhcp", g_cf.mode);
    g_net.v4_state = NET_V4_DHCP_WAIT;
    g_net.dhcp_started_ns = sos_clock_get();
    if (dhcp_start(&g_net.nif) != ERR_OK)
        net_log(LOG_ERROR, "net0: cannot start DHCP");
}

void ipconf_on_status(struct netif *nif)
{
    if (!dhcp_supplied_address(nif) ||
        (g_net.v4_state == NET_V4_DHCP && ip4_addr_cmp(&g_cf.bound, netif_ip4_addr(nif))))
        return; /* not a lease, or the same one (lwIP calls this for IPv6 changes too) */
    ip4_addr_copy(g_cf.bound, *netif_ip4_addr(nif));
    struct dhcp *d = netif_dhcp_data(nif);
    g_net.v4_state = NET_V4_DHCP;
    g_net.lease_at_ns = sos_clock_get();
    g_net.c.leases++;
    use_config_dns();
    char a[16], gw[16], srv[16];
    net_log(LOG_INFO, "net0: lease %s/%s gateway %s from %s for %u s",
            ip4addr_ntoa_r(netif_ip4_addr(nif), a, sizeof(a)), ip4addr_ntoa(netif_ip4_netmask(nif)),
            ip4addr_ntoa_r(netif_ip4_gw(nif), gw, sizeof(gw)),
            ip4addr_ntoa_r(ip_2_ip4(&d->server_ip_addr), srv, sizeof(srv)),
            (unsigned)d->offered_t0_lease);
    g_net.addr_kick = true; /* the loop lets waiting requests go on, outside lwIP */
}

void ipconf_tick(void)
{
    link_poll();
    ops_tick();
    if (g_net.v4_state == NET_V4_DHCP && !dhcp_supplied_address(&g_net.nif)) {
        net_log(LOG_WARNING, "net0: lease lost; asking DHCP again");
        g_net.v4_state = NET_V4_DHCP_WAIT;
        g_net.dhcp_started_ns = sos_clock_get();
        ip4_addr_set_zero(&g_cf.bound);
    }
    if (g_net.v4_state == NET_V4_DHCP_WAIT && g_cf.have_static && !g_net.fallback_tried &&
        sos_clock_get() - g_net.dhcp_started_ns > NET_FALLBACK_S * 1000000000ll) {
        g_net.fallback_tried = true;
        use_static("no DHCP lease within 10 s: the configured fallback");
    }
}

static uint32_t u32_of(const ip4_addr_t *a) { return ip4_addr_get_u32(a); }

void ipconf_put_info(struct sl_msg *m)
{
    struct netif *nif = &g_net.nif;
    struct dhcp *d = g_net.have_card ? netif_dhcp_data(nif) : NULL;
    uint64_t lease = 0, left = 0;
    if (g_net.v4_state == NET_V4_DHCP && d) {
        lease = d->offered_t0_lease;
        uint64_t used = (uint64_t)(sos_clock_get() - g_net.lease_at_ns) / 1000000000ull;
        left = used < lease ? lease - used : 0;
    }
    uint8_t mac[8] = {0};
    memcpy(mac, g_net.mac, 6);
    sl_msg_put(m, mac, 6);
    sl_msg_put_u32(m, g_net.link_up);
    sl_msg_put_u32(m, g_net.have_card ? g_net.v4_state : NET_V4_NONE);
    sl_msg_put_u32(m, g_net.have_card ? u32_of(netif_ip4_addr(nif)) : 0);
    sl_msg_put_u32(m, g_net.have_card ? u32_of(netif_ip4_netmask(nif)) : 0);
    sl_msg_put_u32(m, g_net.have_card ? u32_of(netif_ip4_gw(nif)) : 0);
    for (int i = 0; i < 2; i++) {
        const ip_addr_t *s = dns_getserver((u8_t)i);
        sl_msg_put_u32(m, IP_IS_V4(s) ? ip4_addr_get_u32(ip_2_ip4(s)) : 0);
    }
    sl_msg_put_u64(m, lease);
    sl_msg_put_u64(m, left);
    uint32_t n6 = 0;
    for (int i = 0; g_net.have_card && i < LWIP_IPV6_NUM_ADDRESSES; i++)
        n6 += !ip6_addr_isinvalid(netif_ip6_addr_state(nif, i));
    sl_msg_put_u32(m, n6 > NET_ADDR6_MAX ? NET_ADDR6_MAX : n6);
    for (int i = 0, put = 0; g_net.have_card && i < LWIP_IPV6_NUM_ADDRESSES && put < (int)NET_ADDR6_MAX; i++) {
        uint8_t st = netif_ip6_addr_state(nif, i);
        if (ip6_addr_isinvalid(st))
            continue;
        char buf[48];
        sl_msg_put_str(m, ip6addr_ntoa_r(netif_ip6_addr(nif, i), buf, sizeof(buf)));
        sl_msg_put_u32(m, st);
        put++;
    }
}
