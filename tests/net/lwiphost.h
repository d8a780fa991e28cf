/*
 * tests/net/lwiphost.h - lwIP on the host behind a fake network card, for the unit test
 * of the parsers the network service runs on network input (lwip_parse_test.c) and the
 * fuzzers (tests/fuzz/fuzz_dns.c, fuzz_dhcp.c).
 *
 * The harness runs the service's lwIP (the same Debian sources and lwipopts.h, compiled
 * natively) with one netif that has the service's MAC. What lwIP sends is captured at
 * the IP layer (no ARP: the harness answers nothing and needs no neighbour); what the
 * test feeds goes in as whole Ethernet frames, one pool pbuf each, through
 * ethernet_input, exactly as services/network/link.c feeds the card's frames. Time is
 * virtual (sys_now is lh_now). The "host side" is 10.0.2.2 (gateway, DNS and DHCP
 * server), the guest 10.0.2.15/24 once lh_dns_setup has set it.
 *
 * Layer: host tests (never in an image).
 */
#ifndef TESTS_NET_LWIPHOST_H
#define TESTS_NET_LWIPHOST_H

#include <stddef.h>
#include <stdint.h>

#define LH_HOST_IP 0x0a000202u  /* 10.0.2.2 */
#define LH_GUEST_IP 0x0a00020fu /* 10.0.2.15 */

struct lh_state {
    uint32_t now;             /* sys_now, ms */
    uint32_t out_packets;     /* IP packets lwIP sent */
    /* the last DNS query lwIP sent: its source port and transaction id */
    uint16_t dns_port, dns_txid;
    uint32_t dns_queries;
    /* the resolver callback: calls, and whether the last one carried an address */
    uint32_t dns_calls, dns_found;
    uint8_t dns_addr[16];
    /* the last DHCP message lwIP sent: its transaction id and message type */
    uint32_t dhcp_xid, dhcp_sent;
    uint8_t dhcp_type;
};
extern struct lh_state g_lh;

/* lwip_init once and the netif (up, link up, no address); resets g_lh's counters. */
void lh_init(void);

/* Feed one Ethernet frame (any bytes; at most 1514 taken, like the card). */
void lh_input(const void *frame, size_t len);

/* Build into out (room for 14 + 28 + len bytes) an Ethernet+IPv4+UDP frame with
 * correct checksums, addresses in host order; returns its length. */
size_t lh_udp_frame(uint8_t *out, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
                    const void *payload, size_t len);
/* Split an IPv4 datagram (an Ethernet frame lh_udp_frame made) into fragments of
 * `chunk` payload bytes (a multiple of 8) and feed them in order; returns how many. */
unsigned lh_input_fragmented(const uint8_t *frame, size_t len, size_t chunk);

/* DNS: give the netif 10.0.2.15/24 and the DNS server 10.0.2.2, once. */
void lh_dns_setup(void);
/* Ask for `name` (A, or AAAA with want6): 0 when a query went out (g_lh.dns_txid,
 * dns_port), 1 when lwIP answered from its table, -1 on refusal. */
int lh_dns_ask(const char *name, int want6);
/* Answer the last query from 10.0.2.2:53 with msg (its first two bytes replaced by the
 * query's id when patch_id). */
void lh_dns_reply(const void *msg, size_t len, int patch_id);
/* Move the virtual clock by ms, a second at a time, running lwIP's timers. */
void lh_advance(uint32_t ms);
/* Run lwIP's timers until every pending DNS query has given up. */
void lh_dns_drain(void);

/* DHCP: start lwIP's client on the netif (it sends DISCOVER; g_lh.dhcp_xid). */
void lh_dhcp_start(void);
void lh_dhcp_stop(void);
/* Send msg (a BOOTP message) from 10.0.2.2:67 to the broadcast address, port 68; with
 * patch the op, xid, chaddr and magic cookie are made right first (msg needs >= 240). */
void lh_dhcp_reply(const void *msg, size_t len, int patch, unsigned frag_chunk);
/* The netif's IPv4 address (host order), 0 when none. */
uint32_t lh_ip4(void);

/* Pool buffers free now (every pool pbuf allocated and given back): a leak shows. */
unsigned lh_pbufs_free(void);

#endif
