/*
 * services/network/port/dns_guard.h - DNS answers checked before lwIP's resolver
 * reads them (dns_guard.c says why).
 *
 * Layer: services (network), lwIP's port.
 */
#ifndef SOS_LWIP_DNS_GUARD_H
#define SOS_LWIP_DNS_GUARD_H

#include <stddef.h>
#include <stdint.h>

#include "lwip/udp.h"

/* Answers longer than this are dropped: lwIP asks without EDNS, so a server that keeps
 * to RFC 1035 sends at most 512 bytes over UDP (more only from a broken one). */
#define DNS_GUARD_MAX 1500

/* 0 when m[len] is a well-formed DNS message (header, questions, answer records), -1
 * when not. Pure: host tests and the fuzzer call it directly. */
int dns_guard_check(const uint8_t *m, size_t len);

/* Answers the guard dropped since start. */
extern unsigned long g_dns_guard_dropped;

/* What dns.c calls for udp_recv (it is compiled with -Dudp_recv=sos_dns_udp_recv). */
void sos_dns_udp_recv(struct udp_pcb *pcb, udp_recv_fn recv, void *recv_arg);

#endif
