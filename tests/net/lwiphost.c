/*
 * tests/net/lwiphost.c - lwIP on the host behind a fake network card (lwiphost.h).
 *
 * The netif is set up as services/network/link.c sets up net0 (MAC, MTU, flags, the
 * hostname), except that IPv4 and IPv6 output go to capture functions instead of ARP
 * and the card: the harness only needs to see the DNS queries and DHCP messages lwIP
 * sends, to answer them with what the test crafts.
 *
 * Layer: host tests (never in an image).
 */
#include "lwiphost.h"

#include <string.h>

#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/init.h"
#include "lwip/ip4_frag.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

struct lh_state g_lh;
static struct netif g_nif;
static int g_ready;
static const uint8_t g_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t g_host_mac[6] = {0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc};

u32_t sys_now(void) { return g_lh.now; }

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)), put16(p + 2, (uint16_t)v); }

/* The message type option (53) of a BOOTP message's options, 0 when absent. */
static uint8_t dhcp_type_of(const uint8_t *m, size_t len)
{
    for (size_t i = 240; i + 2 < len && m[i] != 255; i += m[i] ? 2u + m[i + 1] : 1u)
        if (m[i] == 53 && m[i + 1] == 1)
            return m[i + 2];
    return 0;
}

/* Note what an outgoing UDP packet is: a DNS query or a DHCP message. */
static void note_udp(const uint8_t *ip, size_t len)
{
    size_t ihl = (size_t)(ip[0] & 15) * 4;
    if (len < ihl + 8 || ip[9] != 17)
        return;
    const uint8_t *udp = ip + ihl, *pl = udp + 8;
    size_t n = len - ihl - 8;
    if (get16(udp + 2) == 53 && n >= 2) {
        g_lh.dns_port = get16(udp), g_lh.dns_txid = get16(pl);
        g_lh.dns_queries++;
    } else if (get16(udp + 2) == 67 && n >= 240) {
        g_lh.dhcp_xid = (uint32_t)get16(pl + 4) << 16 | get16(pl + 6);
        g_lh.dhcp_type = dhcp_type_of(pl, n);
        g_lh.dhcp_sent++;
    }
}

static err_t out4(struct netif *nif, struct pbuf *p, const ip4_addr_t *dst)
{
    static uint8_t buf[2048];
    (void)nif, (void)dst;
    u16_t n = pbuf_copy_partial(p, buf, sizeof(buf), 0);
    g_lh.out_packets++;
    note_udp(buf, n);
    return ERR_OK;
}

static err_t out6(struct netif *nif, struct pbuf *p, const ip6_addr_t *dst)
{
    (void)nif, (void)p, (void)dst;
    g_lh.out_packets++;
    return ERR_OK;
}

static err_t linkout(struct netif *nif, struct pbuf *p)
{
    (void)nif, (void)p;
    return ERR_OK;
}

static err_t nif_setup(struct netif *nif)
{
    memcpy(nif->hwaddr, g_mac, 6);
    nif->hwaddr_len = 6;
    nif->mtu = 1500;
    nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_MLD6;
    nif->name[0] = 'e', nif->name[1] = '0';
    nif->output = out4;
    nif->output_ip6 = out6;
    nif->linkoutput = linkout;
    netif_set_hostname(nif, "serviceos");
    return ERR_OK;
}

void lh_init(void)
{
    uint32_t now = g_lh.now;
    memset(&g_lh, 0, sizeof(g_lh));
    g_lh.now = now;
    if (g_ready)
        return;
    g_ready = 1;
    lwip_init();
    netif_add(&g_nif, NULL, NULL, NULL, NULL, nif_setup, ethernet_input);
    netif_set_default(&g_nif);
    netif_create_ip6_linklocal_address(&g_nif, 1);
    netif_set_up(&g_nif);
    netif_set_link_up(&g_nif);
}

void lh_input(const void *frame, size_t len)
{
    if (len > 1514)
        len = 1514;
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
    if (!p)
        return;
    pbuf_take(p, frame, (u16_t)len);
    if (g_nif.input(p, &g_nif) != ERR_OK)
        pbuf_free(p);
}

static uint32_t sum_add(uint32_t s, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        s += get16(p + i);
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    return s;
}

static uint16_t sum_fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static void ip_checksum(uint8_t *ip)
{
    put16(ip + 10, 0);
    put16(ip + 10, sum_fold(sum_add(0, ip, 20)));
}

size_t lh_udp_frame(uint8_t *out, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
                    const void *payload, size_t len)
{
    uint8_t *ip = out + 14, *udp = ip + 20;
    memcpy(out, dst == 0xffffffffu ? (const uint8_t *)"\xff\xff\xff\xff\xff\xff" : g_mac, 6);
    memcpy(out + 6, g_host_mac, 6);
    put16(out + 12, 0x0800);
    memset(ip, 0, 20);
    ip[0] = 0x45, ip[8] = 64, ip[9] = 17;
    put16(ip + 2, (uint16_t)(28 + len));
    put16(ip + 4, 0x1234);
    put32(ip + 12, src), put32(ip + 16, dst);
    ip_checksum(ip);
    put16(udp, sport), put16(udp + 2, dport), put16(udp + 4, (uint16_t)(8 + len));
    put16(udp + 6, 0);
    memcpy(udp + 8, payload, len);
    uint8_t pseudo[12];
    memcpy(pseudo, ip + 12, 8);
    pseudo[8] = 0, pseudo[9] = 17;
    put16(pseudo + 10, (uint16_t)(8 + len));
    uint16_t c = sum_fold(sum_add(sum_add(0, pseudo, 12), udp, 8 + len));
    put16(udp + 6, c ? c : 0xffff);
    return 14 + 28 + len;
}

unsigned lh_input_fragmented(const uint8_t *frame, size_t len, size_t chunk)
{
    static uint8_t f[1514];
    size_t data = len - 34; /* the IP payload: UDP header and data */
    unsigned n = 0;
    for (size_t off = 0; off < data; off += chunk, n++) {
        size_t k = data - off < chunk ? data - off : chunk;
        memcpy(f, frame, 34);
        memcpy(f + 34, frame + 34 + off, k);
        put16(f + 14 + 2, (uint16_t)(20 + k));
        put16(f + 14 + 6, (uint16_t)((off + k < data ? 0x2000 : 0) | off / 8));
        ip_checksum(f + 14);
        lh_input(f, 34 + k);
    }
    return n;
}

/* ---- DNS */

static void on_found(const char *name, const ip_addr_t *addr, void *arg)
{
    (void)name, (void)arg;
    g_lh.dns_calls++;
    g_lh.dns_found = addr != NULL;
    if (addr && IP_IS_V4(addr))
        memcpy(g_lh.dns_addr, &ip_2_ip4(addr)->addr, 4);
    else if (addr)
        memcpy(g_lh.dns_addr, ip_2_ip6(addr)->addr, 16);
}

void lh_dns_setup(void)
{
    ip4_addr_t a, m, g;
    IP4_ADDR(&a, 10, 0, 2, 15);
    IP4_ADDR(&m, 255, 255, 255, 0);
    IP4_ADDR(&g, 10, 0, 2, 2);
    if (netif_dhcp_data(&g_nif))
        dhcp_stop(&g_nif);
    netif_set_addr(&g_nif, &a, &m, &g);
    ip_addr_t s = IPADDR4_INIT(PP_HTONL(LH_HOST_IP));
    dns_setserver(0, &s);
}

int lh_dns_ask(const char *name, int want6)
{
    ip_addr_t a;
    uint32_t before = g_lh.dns_queries;
    err_t e = dns_gethostbyname_addrtype(name, &a, on_found, NULL,
                                         want6 ? LWIP_DNS_ADDRTYPE_IPV6 : LWIP_DNS_ADDRTYPE_IPV4);
    if (e == ERR_OK)
        return 1;
    return e == ERR_INPROGRESS && g_lh.dns_queries > before ? 0 : -1;
}

void lh_dns_reply(const void *msg, size_t len, int patch_id)
{
    static uint8_t m[1500], f[1514];
    if (len > sizeof(m) - 28 - 14)
        len = sizeof(m) - 28 - 14;
    memcpy(m, msg, len);
    if (patch_id && len >= 2)
        put16(m, g_lh.dns_txid);
    lh_input(f, lh_udp_frame(f, LH_HOST_IP, 53, LH_GUEST_IP, g_lh.dns_port, m, len));
}

void lh_advance(uint32_t ms)
{
    for (uint32_t t = 0; t < ms; t += 1000) {
        g_lh.now += ms - t < 1000 ? ms - t : 1000;
        sys_check_timeouts();
    }
}

void lh_dns_drain(void) { lh_advance(40 * 1000); }

/* ---- DHCP */

void lh_dhcp_start(void)
{
    netif_set_addr(&g_nif, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4);
    dhcp_start(&g_nif);
}

void lh_dhcp_stop(void) { dhcp_stop(&g_nif); }

void lh_dhcp_reply(const void *msg, size_t len, int patch, unsigned frag_chunk)
{
    static uint8_t m[1500], f[1514 + 1500];
    if (len > 1472)
        len = 1472;
    memcpy(m, msg, len);
    if (patch && len >= 240) {
        m[0] = 2; /* BOOTREPLY */
        put32(m + 4, g_lh.dhcp_xid);
        memcpy(m + 28, g_mac, 6);
        memcpy(m + 236, "\x63\x82\x53\x63", 4);
    }
    size_t n = lh_udp_frame(f, LH_HOST_IP, 67, 0xffffffffu, 68, m, len);
    if (frag_chunk)
        lh_input_fragmented(f, n, frag_chunk);
    else
        lh_input(f, n);
}

uint32_t lh_ip4(void) { return lwip_ntohl(ip4_addr_get_u32(netif_ip4_addr(&g_nif))); }

unsigned lh_pbufs_free(void)
{
    struct pbuf *held[PBUF_POOL_SIZE + 1];
    unsigned n = 0;
    while (n <= PBUF_POOL_SIZE && (held[n] = pbuf_alloc(PBUF_RAW, 1, PBUF_POOL)))
        n++;
    for (unsigned i = 0; i < n; i++)
        pbuf_free(held[i]);
    return n;
}
