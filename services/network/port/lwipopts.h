/*
 * services/network/port/lwipopts.h - how ServiceOS configures lwIP.
 *
 * One process (the network service) owns the NIC and runs lwIP without an OS layer
 * (NO_SYS=1): the raw (callback) API only, no sockets, no netconn, no threads; the
 * service's loop feeds received frames in and calls sys_check_timeouts(), and sys_now()
 * is the service's clock (milliseconds). IPv4 and IPv6, DHCP, DNS, TCP, UDP, ICMP,
 * ARP/ND; no AutoIP. Memory comes from lwIP's own static pools (mem_malloc over a
 * fixed heap), so lwIP never calls the runtime's malloc.
 *
 * Layer: services (network), lwIP's port.
 */
#ifndef SOS_LWIPOPTS_H
#define SOS_LWIPOPTS_H

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_NETIF_API 0

/* memory */
#define MEM_ALIGNMENT 8
#define MEM_SIZE (256 * 1024)
#define MEMP_NUM_PBUF 64
#define MEMP_NUM_UDP_PCB 16
#define MEMP_NUM_TCP_PCB 32
#define MEMP_NUM_TCP_PCB_LISTEN 16
#define MEMP_NUM_TCP_SEG 128
/* the network service: a timeout per socket (RECV, ACCEPT or connect), ping, resolve */
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 64)
#define PBUF_POOL_SIZE 64
#define PBUF_POOL_BUFSIZE 1536

/* link layer */
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define ETHARP_SUPPORT_STATIC_ENTRIES 0
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_NETIF_HOSTNAME 1

/* IPv4 */
#define LWIP_IPV4 1
#define LWIP_ICMP 1
#define LWIP_DHCP 1
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define IP_REASSEMBLY 1
#define IP_FRAG 1

/* IPv6 */
#define LWIP_IPV6 1
#define LWIP_IPV6_AUTOCONFIG 1
#define LWIP_IPV6_DHCP6 0
#define LWIP_IPV6_MLD 1
#define LWIP_ICMP6 1
/* 64-bit pointers do not fit in a fragment header's 8 bytes: copy the header instead */
#define IPV6_FRAG_COPYHEADER 1

/* transport and names */
#define LWIP_RAW 1
#define LWIP_UDP 1
#define LWIP_TCP 1
#define TCP_MSS 1460
#define TCP_WND (8 * TCP_MSS)
#define TCP_SND_BUF (8 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define LWIP_DNS 1
#define DNS_MAX_SERVERS 2

/* checksums in software (the NIC offers no offloads we use) */
#define CHECKSUM_GEN_IP 1
#define CHECKSUM_CHECK_IP 1

#define LWIP_STATS 0
#define LWIP_DEBUG 0

#endif
