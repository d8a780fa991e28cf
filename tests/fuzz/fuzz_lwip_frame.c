/*
 * tests/fuzz/fuzz_lwip_frame.c - any Ethernet frames into lwIP as the network service
 * runs it (tests/net/lwiphost.h): ARP, IPv4 with options and fragments, ICMP, UDP, TCP,
 * IPv6 with extension headers and fragments, ICMPv6, ND and MLD. The netif has
 * 10.0.2.15/24 and its link-local IPv6 address; a TCP listener on port 7777 and a UDP
 * socket on 7008 are open, as the service opens them for its clients. Each input is a
 * sequence of frames: a 2-byte length (big-endian) and that many bytes, repeated; a
 * length of 0 moves the clock by a second (timers: reassembly, TCP, ND).
 *
 * Checked: nothing crashes or reads out of bounds (ASan); lwIP's own assertions abort.
 *
 * Layer: tests (host). Seeds: tests/fuzz/corpus/lwip_frame/ (tests/fuzz/seeds_net.py).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "lwiphost.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg, (void)err;
    tcp_abort(pcb); /* the connection was made: that is as far as the frames go */
    return ERR_ABRT;
}

static void open_sockets(void)
{
    struct tcp_pcb *l = tcp_new();
    if (!l || tcp_bind(l, IP_ANY_TYPE, 7777) != ERR_OK || !(l = tcp_listen(l)))
        abort();
    tcp_accept(l, on_accept);
    struct udp_pcb *u = udp_new_ip_type(IPADDR_TYPE_ANY);
    if (!u || udp_bind(u, IP_ANY_TYPE, 7008) != ERR_OK)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    lh_init();
    if (!ready) {
        lh_dns_setup();
        open_sockets();
        ready = 1;
    }
    size_t at = 0;
    while (at + 2 <= size) {
        size_t n = (size_t)(data[at] << 8 | data[at + 1]);
        at += 2;
        if (n == 0) {
            lh_advance(1000);
            continue;
        }
        if (n > size - at)
            n = size - at;
        uint8_t *f = malloc(n);
        if (!f)
            abort();
        memcpy(f, data + at, n);
        lh_input(f, n);
        free(f);
        at += n;
    }
    return 0;
}
