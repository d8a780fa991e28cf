/*
 * services/network/port/dns_guard.c - DNS answers checked before lwIP's
 * resolver reads them.
 *
 * lwIP 2.1.3's dns_recv trusts the shape of an answer more than it should (found by
 * tests/net/lwip_parse_test.c):
 *   - dns_compare_name steps over the end of the name it asked for after its last label
 *     without looking, so a question with more labels than the asked name is compared
 *     with whatever follows the name in the table: a label of one NUL byte makes
 *     "a.test.\0" match "a.test", and long labels of NULs read past the 256-byte name
 *     slot and, for the table's last entry, past the table (NAME:WRECK's class);
 *   - an answer record's owner name is skipped at its first compression pointer without
 *     a look, so a pointer to itself or past the end is taken;
 *   - the answer count is believed as far as the first usable record (65535 answers in
 *     42 bytes resolve).
 * We do not patch Debian's source: dns.c is compiled with udp_recv renamed to
 * sos_dns_udp_recv (services/third_party/lwip/meson.build), so every resolver socket's
 * receive callback passes through dns_guard_check first. What it lets through is a
 * well-formed message: the header, then every question and answer record whole, names
 * of labels of 1..63 bytes with no NUL, at most 255 bytes on the wire, compression
 * pointers only to earlier offsets (so no loop), records within the message. Anything
 * else is dropped as if it never came (lwIP then retries or times out, as for a lost
 * answer).
 *
 * Layer: services (network), lwIP's port (our glue around lwIP).
 */
#include "lwip/pbuf.h"
#include "lwip/udp.h"

#include "dns_guard.h"

/* A name at m[*pos]: 0 and *pos past it, or -1. */
static int check_name(const uint8_t *m, size_t len, size_t *pos)
{
    size_t at = *pos, wire = 0, end = 0;
    int jumped = 0;
    for (;;) {
        if (at >= len)
            return -1;
        uint8_t b = m[at];
        if ((b & 0xc0) == 0xc0) {
            if (at + 1 >= len)
                return -1;
            size_t to = (size_t)(b & 0x3f) << 8 | m[at + 1];
            if (!jumped)
                end = at + 2, jumped = 1;
            if (to >= at) /* only backwards: every jump lowers `at`, so no loop */
                return -1;
            at = to;
            continue;
        }
        if (b & 0xc0) /* the reserved label types 01 and 10 */
            return -1;
        wire += 1u + b;
        if (wire > 255)
            return -1;
        if (!b)
            break;
        if (at + 1 + b > len)
            return -1;
        for (size_t k = at + 1; k <= at + b; k++)
            if (!m[k])
                return -1;
        at += 1u + b;
    }
    *pos = jumped ? end : at + 1;
    return 0;
}

int dns_guard_check(const uint8_t *m, size_t len)
{
    if (len < 12)
        return -1;
    unsigned qd = (unsigned)(m[4] << 8 | m[5]), an = (unsigned)(m[6] << 8 | m[7]);
    size_t pos = 12;
    for (unsigned i = 0; i < qd + an; i++) {
        if (check_name(m, len, &pos) || pos + 4 > len)
            return -1;
        pos += 4; /* type, class */
        if (i < qd)
            continue;
        if (pos + 6 > len) /* TTL, RDLENGTH */
            return -1;
        size_t rdlen = (size_t)(m[pos + 4] << 8 | m[pos + 5]);
        pos += 6;
        if (rdlen > len - pos)
            return -1;
        pos += rdlen;
    }
    return 0;
}

static udp_recv_fn g_resolver_recv;
static uint8_t g_msg[DNS_GUARD_MAX];
unsigned long g_dns_guard_dropped;

static void guarded_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                         u16_t port)
{
    size_t n = p->tot_len;
    if (n > sizeof(g_msg) || pbuf_copy_partial(p, g_msg, (u16_t)n, 0) != n ||
        dns_guard_check(g_msg, n)) {
        g_dns_guard_dropped++;
        pbuf_free(p);
        return;
    }
    g_resolver_recv(arg, pcb, p, addr, port);
}

void sos_dns_udp_recv(struct udp_pcb *pcb, udp_recv_fn recv, void *recv_arg)
{
    g_resolver_recv = recv; /* dns.c has one receive function for all its sockets */
    udp_recv(pcb, recv ? guarded_recv : NULL, recv_arg);
}
