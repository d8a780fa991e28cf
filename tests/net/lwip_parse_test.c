/*
 * tests/net/lwip_parse_test.c - the DNS and DHCP parsers the network service runs (lwIP's,
 * as built from Debian's source with our lwipopts.h and the DNS guard of
 * services/network/port/) fed malformed answers through the stack's input path
 * (lwiphost.h: a fake netif, whole Ethernet frames into ethernet_input).
 *
 * The bug classes are AMNESIA:33's and NAME:WRECK's: messages cut at every length,
 * compression pointers that loop or point past the end, labels over 63 bytes and the
 * reserved label types, names over 255 bytes, wrong record lengths, zero lengths, huge
 * counts; for DHCP every option with a wrong length, options without an end, option
 * overload, replies in IP fragments (lwIP takes no fragments
 * before it has an address: they must do no harm); and whole frames under them: IPv4
 * header and total lengths that lie, TCP data offsets and odd flags, TCP options of
 * length 0, overlapping fragments, cut frames, IPv6 extension headers that chain, ND
 * options of length 0. Each case checks that nothing resolves or
 * leases from a broken message, that a good message afterwards still works, and that
 * every pool buffer comes back. The counts of malformed inputs are printed at the end.
 *
 * Layer: host tests (never in an image).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lwip/opt.h"
#include "lwiphost.h"

static unsigned g_fed_dns, g_fed_dhcp, g_fed_frames;

/* ---- building DNS answers */

struct msg {
    uint8_t b[1500];
    size_t n;
};

static void put(struct msg *m, const void *p, size_t n)
{
    assert_true(m->n + n <= sizeof(m->b));
    memcpy(m->b + m->n, p, n);
    m->n += n;
}
static void put8(struct msg *m, unsigned v) { uint8_t b = (uint8_t)v; put(m, &b, 1); }
static void put16(struct msg *m, unsigned v) { put8(m, v >> 8), put8(m, v & 255); }
static void put32(struct msg *m, uint32_t v) { put16(m, v >> 16), put16(m, v & 0xffff); }

static void put_name(struct msg *m, const char *name)
{
    while (*name) {
        size_t l = strcspn(name, ".");
        put8(m, (unsigned)l), put(m, name, l);
        name += l + (name[l] == '.');
    }
    put8(m, 0);
}

static void dns_header(struct msg *m, unsigned flags, unsigned qd, unsigned an)
{
    m->n = 0;
    put16(m, 0), put16(m, flags), put16(m, qd), put16(m, an), put16(m, 0), put16(m, 0);
}

/* A whole answer to `name`: the question, then one record named by a pointer to it. */
static void dns_answer(struct msg *m, const char *name, unsigned type, const void *rdata,
                       unsigned rdlen)
{
    dns_header(m, 0x8180, 1, 1);
    put_name(m, name);
    put16(m, type), put16(m, 1);
    put16(m, 0xc00c), put16(m, type), put16(m, 1), put32(m, 0), put16(m, rdlen);
    put(m, rdata, rdlen);
}

static const uint8_t g_addr4[4] = {10, 0, 2, 9};

static char g_name[32];

static void ask(const char *name, int want6)
{
    if (name != g_name)
        snprintf(g_name, sizeof(g_name), "%s", name);
    lh_dns_setup();
    g_lh.dns_calls = g_lh.dns_found = 0;
    assert_int_equal(lh_dns_ask(name, want6), 0);
}

static void feed_bad(const struct msg *m)
{
    lh_dns_reply(m->b, m->n, 1);
    g_fed_dns++;
    if (g_lh.dns_found)
        printf("# resolved from bad input %u (%zu bytes, counts %02x%02x %02x%02x)\n", g_fed_dns, m->n, m->b[4], m->b[5], m->b[6], m->b[7]);
    assert_false(g_lh.dns_found);
    if (g_lh.dns_calls) /* lwIP took it for "no such name" (a question, no usable answer) */
        ask(g_name, 0);
}

/* After the bad ones the query still stands: the good answer resolves it. */
static void finish_good(const char *name)
{
    struct msg m;
    dns_answer(&m, name, 1, g_addr4, 4);
    lh_dns_reply(m.b, m.n, 1);
    assert_int_equal(g_lh.dns_calls, 1);
    assert_true(g_lh.dns_found);
    assert_memory_equal(g_lh.dns_addr, g_addr4, 4);
}

static void end_case(void)
{
    lh_dns_drain();
    assert_int_equal(lh_pbufs_free(), PBUF_POOL_SIZE);
}

static void dns_good(void **state)
{
    (void)state;
    static const uint8_t a6[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7};
    struct msg m;
    ask("good.test", 0);
    finish_good("good.test");
    ask("good6.test", 1);
    dns_answer(&m, "good6.test", 28, a6, 16);
    lh_dns_reply(m.b, m.n, 1);
    assert_true(g_lh.dns_found);
    assert_memory_equal(g_lh.dns_addr, a6, 16);
    end_case();
}

static void dns_truncated(void **state)
{
    (void)state;
    struct msg whole, m;
    ask("cut.test", 0);
    dns_answer(&whole, "cut.test", 1, g_addr4, 4);
    for (size_t n = 0; n < whole.n; n++) {
        m = whole;
        m.n = n;
        feed_bad(&m);
    }
    finish_good("cut.test");
    end_case();
}

/* The question's name replaced by raw bytes q (n of them). */
static void question_raw(struct msg *m, const void *q, size_t n)
{
    dns_header(m, 0x8180, 1, 1);
    put(m, q, n);
    put16(m, 1), put16(m, 1);
    put16(m, 0xc00c), put16(m, 1), put16(m, 1), put32(m, 0), put16(m, 4);
    put(m, g_addr4, 4);
}

/* A whole question for `name`, then one A record whose owner name is the raw bytes. */
static void owner_raw(struct msg *m, const char *name, const void *o, size_t n)
{
    dns_header(m, 0x8180, 1, 1);
    put_name(m, name);
    put16(m, 1), put16(m, 1);
    put(m, o, n);
    put16(m, 1), put16(m, 1), put32(m, 0), put16(m, 4);
    put(m, g_addr4, 4);
}

static void dns_compression(void **state)
{
    (void)state;
    static const struct {
        const char *b;
        size_t n;
    } owners[] = {
        {"\xc0\x1a", 2},              /* points at itself (offset 26) */
        {"\x01x\xc0\x1a", 4},         /* a label, then back to itself */
        {"\xc0\x1c\xc0\x1a", 4},      /* two pointers at each other */
        {"\xc0\xff", 2},              /* past the end */
        {"\xff\xff", 2},              /* offset 0x3fff */
        {"\xc0", 1},                  /* a pointer cut in half */
        {"\xc0\x00", 2},              /* into the header */
        {"\xc0\x1c", 2},              /* forward, to the record's type */
    };
    struct msg m;
    ask("loop.test", 0);
    question_raw(&m, "\xc0\x0c", 2); /* the question points at itself */
    feed_bad(&m);
    question_raw(&m, "\x04loop\xc0\x0c", 7);
    feed_bad(&m);
    for (size_t i = 0; i < sizeof(owners) / sizeof(owners[0]); i++) {
        owner_raw(&m, "loop.test", owners[i].b, owners[i].n);
        feed_bad(&m);
    }
    finish_good("loop.test");
    end_case();
}

static void dns_labels(void **state)
{
    (void)state;
    struct msg m;
    uint8_t q[300];
    ask("label.test", 0);
    for (unsigned t = 64; t < 192; t += 9) { /* over 63, and the reserved 01/10 types */
        memset(q, 'a', sizeof(q));
        q[0] = (uint8_t)t;
        q[t + 1] = 0;
        question_raw(&m, q, t + 2);
        feed_bad(&m);
    }
    /* "label.test" and one more label of a NUL byte: lwIP's comparison walks past
     * the end of the name it asked for and takes this for the same name */
    question_raw(&m, "\x05label\x04test\x01\x00\x00", 14);
    feed_bad(&m);
    finish_good("label.test");
    end_case();
}

/* NAME:WRECK's long names: the question is the asked name followed by labels of zero
 * bytes up to ~1300 bytes. lwIP's dns_compare_name compares them with the bytes after
 * the asked name's end, past its 256-byte slot and (for the table's last entry) past
 * the table: out of bounds, and then the answer is taken for the asked name. */
static void dns_long_name(void **state)
{
    (void)state;
    struct msg m;
    uint8_t q[1400] = "\x02q3\x04test";
    size_t n = 8;
    lh_dns_drain(); /* every entry free: the fourth query takes the table's last slot */
    ask("p0.test", 0), ask("p1.test", 0), ask("p2.test", 0), ask("q3.test", 0);
    for (int i = 0; i < 20; i++) {
        memset(q + n, 0, 64);
        q[n] = 63;
        n += 64;
    }
    q[n++] = 0;
    question_raw(&m, q, n);
    feed_bad(&m);
    finish_good("q3.test");
    end_case();
}

static void dns_lengths(void **state)
{
    (void)state;
    static const unsigned rdlens[] = {0, 1, 3, 5, 16, 0xffff};
    struct msg m;
    ask("len.test", 0);
    for (size_t i = 0; i < sizeof(rdlens) / sizeof(rdlens[0]); i++) {
        dns_answer(&m, "len.test", 1, "\x0a\x00\x02\x09\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c", 4);
        m.b[m.n - 6] = (uint8_t)(rdlens[i] >> 8), m.b[m.n - 5] = (uint8_t)rdlens[i];
        feed_bad(&m);
    }
    /* counts: no question, two questions, huge counts, answers claimed but absent */
    static const unsigned counts[][2] = {{0, 1}, {2, 1}, {0xffff, 1}, {1, 0xffff}, {1, 2}, {0xffff, 0xffff}};
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        dns_answer(&m, "len.test", 1, g_addr4, 4);
        m.b[4] = (uint8_t)(counts[i][0] >> 8), m.b[5] = (uint8_t)counts[i][0];
        m.b[6] = (uint8_t)(counts[i][1] >> 8), m.b[7] = (uint8_t)counts[i][1];
        feed_bad(&m);
    }
    /* an AAAA record to an A question, a query instead of an answer, zero length */
    dns_answer(&m, "len.test", 28, "0123456789abcdef", 16);
    feed_bad(&m);
    dns_answer(&m, "len.test", 1, g_addr4, 4);
    m.b[2] = 0x01;
    feed_bad(&m);
    m.n = 0;
    feed_bad(&m);
    dns_header(&m, 0x8180, 0, 0);
    feed_bad(&m);
    finish_good("len.test");
    end_case();
}

static void dns_random(void **state)
{
    (void)state;
    struct msg m;
    srand(1);
    ask("rnd.test", 0);
    for (int i = 0; i < 3000; i++) {
        dns_answer(&m, "rnd.test", 1, g_addr4, 4);
        m.n = (size_t)(rand() % 600);
        for (size_t k = 2; k < m.n; k++) /* keep some structure: flip some, or all */
            if (i % 3 == 0 || rand() % 8 == 0)
                m.b[k] = (uint8_t)rand();
        if (m.n >= 8 && m.b[6] == 0 && m.b[7] == 1 && memcmp(m.b + 2, "\x81\x80\x00\x01", 4) == 0 &&
            m.n >= 42)
            continue; /* still a plausible whole answer: it might rightly resolve */
        lh_dns_reply(m.b, m.n, 1);
        g_fed_dns++;
        if (g_lh.dns_found) /* a random answer that resolved: ask again */
            ask("rnd.test", 0);
    }
    end_case();
}

/* ---- DHCP */

static void bootp(struct msg *m, unsigned type)
{
    memset(m->b, 0, 240);
    m->b[1] = 1, m->b[2] = 6;
    memcpy(m->b + 16, "\x0a\x00\x02\x0f", 4); /* yiaddr 10.0.2.15 */
    m->n = 240;
    put8(m, 53), put8(m, 1), put8(m, type);
    put8(m, 54), put8(m, 4), put32(m, 0x0a000202);
    put8(m, 51), put8(m, 4), put32(m, 3600);
    put8(m, 1), put8(m, 4), put32(m, 0xffffff00);
    put8(m, 3), put8(m, 4), put32(m, 0x0a000202);
    put8(m, 6), put8(m, 4), put32(m, 0x0a000202);
    put8(m, 255);
}

static void dhcp_begin(void)
{
    lh_dhcp_start();
    assert_int_equal(g_lh.dhcp_type, 1); /* DISCOVER */
}

static void dhcp_bad(const struct msg *m)
{
    uint32_t sent = g_lh.dhcp_sent;
    lh_dhcp_reply(m->b, m->n, 1, 0);
    g_fed_dhcp++;
    assert_int_equal(g_lh.dhcp_sent, sent); /* no REQUEST for a broken OFFER */
}

static void dhcp_lease(unsigned frag)
{
    struct msg m;
    bootp(&m, 2);
    lh_dhcp_reply(m.b, m.n, 1, frag);
    assert_int_equal(g_lh.dhcp_type, 3); /* REQUEST */
    bootp(&m, 5);
    lh_dhcp_reply(m.b, m.n, 1, frag);
    lh_advance(3000); /* lwIP checks the address with ARP for a second before it binds */
    assert_int_equal(lh_ip4(), LH_GUEST_IP);
    lh_dhcp_stop();
    assert_int_equal(lh_pbufs_free(), PBUF_POOL_SIZE);
}

static void dhcp_good(void **state)
{
    (void)state;
    dhcp_begin();
    dhcp_lease(0);
}

static void dhcp_truncated(void **state)
{
    (void)state;
    struct msg whole, m;
    bootp(&whole, 2);
    dhcp_begin();
    for (size_t n = 0; n < whole.n - 1; n++) { /* the END byte may go: lwIP needs none */
        m = whole;
        m.n = n;
        dhcp_bad(&m);
    }
    dhcp_lease(0);
}

static void dhcp_options(void **state)
{
    (void)state;
    static const uint8_t opts[] = {1, 3, 6, 51, 52, 53, 54, 58, 59};
    static const uint8_t lens[] = {0, 1, 2, 3, 5, 7, 255};
    struct msg m;
    dhcp_begin();
    for (size_t i = 0; i < sizeof(opts); i++)
        for (size_t k = 0; k < sizeof(lens); k++) {
            bootp(&m, 2);
            if (lens[k] == (opts[i] == 53 || opts[i] == 52 ? 1 : 4) ||
                ((opts[i] == 3 || opts[i] == 6) && lens[k] > 4 && lens[k] % 4 == 0))
                continue;
            m.n = 243; /* after the message type: the option under test first */
            put8(&m, opts[i] == 53 ? 54 : opts[i]), put8(&m, lens[k]);
            for (unsigned b = 0; b < lens[k] && m.n < 600; b++)
                put8(&m, 0x41);
            if (opts[i] == 53) { /* the message type itself with a bad length */
                m.b[240] = 53, m.b[241] = lens[k];
                m.n = 243 + lens[k];
            }
            dhcp_bad(&m);
        }
    /* no END, only PADs, overload with each value and garbage in file/sname */
    for (unsigned ov = 0; ov < 6; ov++) {
        bootp(&m, 2);
        m.n--; /* no END */
        put8(&m, 52), put8(&m, 1), put8(&m, ov);
        memset(m.b + 44, ov == 1 || ov == 3 ? 52 : 0xff, 64 + 128); /* sname, file */
        dhcp_bad(&m);
    }
    bootp(&m, 2);
    memset(m.b + 240, 0, 300), m.n = 540;
    dhcp_bad(&m);
    dhcp_lease(0);
}

static void dhcp_random(void **state)
{
    (void)state;
    struct msg m;
    srand(2);
    dhcp_begin();
    for (int i = 0; i < 3000; i++) {
        bootp(&m, 2);
        m.n = 240 + (size_t)(rand() % 80);
        for (size_t k = 240; k < m.n; k++)
            if (rand() % 4 == 0)
                m.b[k] = (uint8_t)rand();
        lh_dhcp_reply(m.b, m.n, 1, (unsigned)(rand() % 4 == 0 ? 8 * (1 + rand() % 8) : 0));
        g_fed_dhcp++;
        if (g_lh.dhcp_type != 1 || lh_ip4()) { /* it took one: begin again */
            lh_dhcp_stop();
            dhcp_begin();
        }
    }
    lh_dhcp_stop();
    lh_advance(60 * 1000); /* partial reassemblies time out */
    assert_int_equal(lh_pbufs_free(), PBUF_POOL_SIZE);
}

/* ---- whole frames: the layers under DNS and DHCP */

static void frame_in(struct msg *f)
{
    lh_input(f->b, f->n);
    g_fed_frames++;
}

/* Ethernet + IPv4 header (proto, payload length) to the guest, then the payload. */
static void ip4_frame(struct msg *f, unsigned proto, const void *pl, size_t n)
{
    f->n = 0;
    put(f, "\x52\x54\x00\x12\x34\x56\x52\x54\x00\xaa\xbb\xcc\x08\x00", 14);
    put8(f, 0x45), put8(f, 0), put16(f, (unsigned)(20 + n)), put16(f, 1), put16(f, 0);
    put8(f, 64), put8(f, proto), put16(f, 0), put32(f, LH_HOST_IP), put32(f, LH_GUEST_IP);
    uint32_t sum = 0;
    for (int i = 14; i < 34; i += 2)
        sum += (uint32_t)(f->b[i] << 8 | f->b[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    f->b[24] = (uint8_t)(~sum >> 8), f->b[25] = (uint8_t)~sum;
    put(f, pl, n);
}

static void frames_ip4(void **state)
{
    (void)state;
    struct msg f, g;
    lh_dns_setup(); /* 10.0.2.15: frames are for us */
    /* header lengths: IHL 0..4 (under the minimum), past the packet; total lengths that lie */
    for (unsigned ihl = 0; ihl < 16; ihl++) {
        ip4_frame(&f, 1, "\x08\0\xf7\xff\0\0\0\0", 8);
        f.b[14] = (uint8_t)(0x40 | ihl);
        frame_in(&f);
    }
    static const unsigned lens[] = {0, 1, 19, 20, 27, 29, 1500, 0xffff};
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        ip4_frame(&f, 1, "\x08\0\xf7\xff\0\0\0\0", 8);
        f.b[16] = (uint8_t)(lens[i] >> 8), f.b[17] = (uint8_t)lens[i];
        frame_in(&f);
    }
    /* TCP with every data offset and odd flags, to a closed port; TCP options with
     * length 0 and 1 (a parser that adds the length loops forever on 0) */
    for (unsigned off = 0; off < 16; off++)
        for (unsigned flags = 0; flags < 64; flags += 7) {
            uint8_t t[40] = {0x9c, 0x40, 0x1e, 0x61, 0, 0, 0, 1};
            t[12] = (uint8_t)(off << 4), t[13] = (uint8_t)flags, t[14] = 0x20;
            t[20] = 2, t[21] = (uint8_t)(flags & 1), t[22] = 8, t[23] = 0;
            ip4_frame(&f, 6, t, sizeof(t));
            frame_in(&f);
        }
    /* fragments: overlapping, past 64 KiB, a first fragment only */
    static const uint16_t frags[][2] = {{0x2000, 16}, {0x2001, 16}, {0x0000 | 1, 8}, {0x1fff, 16},
                                        {0x2000, 8}, {0x2000 | 8190, 16}};
    for (size_t i = 0; i < sizeof(frags) / sizeof(frags[0]); i++) {
        uint8_t pl[24];
        memset(pl, (int)i, sizeof(pl));
        ip4_frame(&f, 17, pl, frags[i][1]);
        f.b[18] = 0x77, f.b[20] = (uint8_t)(frags[i][0] >> 8), f.b[21] = (uint8_t)frags[i][0];
        g = f;
        frame_in(&g);
    }
    /* runts and cut frames: every length of an ICMP echo request */
    ip4_frame(&f, 1, "\x08\0\xf7\xff\0\0\0\0", 8);
    for (size_t n = 0; n < f.n; n++) {
        g = f;
        g.n = n;
        frame_in(&g);
    }
    lh_advance(60 * 1000); /* reassembly gives up: every buffer back */
    assert_int_equal(lh_pbufs_free(), PBUF_POOL_SIZE);
}

/* IPv6: extension headers that chain or claim too much, ND options of length 0 */
static void frames_ip6(void **state)
{
    (void)state;
    struct msg f;
    static const uint8_t hdr[] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x52, 0x54, 0x00, 0xaa, 0xbb,
                                  0xcc, 0x86, 0xdd};
    static const uint8_t src[16] = {0xfe, 0x80, [15] = 2};
    static const uint8_t dst[16] = {0xfe, 0x80, [8] = 0x50, 0x54, 0x00, 0xff, 0xfe, 0x12, 0x34, 0x56};
    for (unsigned nh = 0; nh < 4; nh++)
        for (unsigned len = 0; len < 256; len += 51) {
            uint8_t pl[64] = {0};
            static const uint8_t kinds[] = {0, 43, 44, 60}; /* hop-by-hop, routing, fragment, dest */
            pl[0] = kinds[nh], pl[1] = (uint8_t)len;      /* each points at another of its kind */
            pl[8] = 58, pl[9] = 0;
            f.n = 0;
            put(&f, hdr, sizeof(hdr));
            put32(&f, 0x60000000), put16(&f, sizeof(pl)), put8(&f, kinds[nh]), put8(&f, 255);
            put(&f, src, 16), put(&f, dst, 16), put(&f, pl, sizeof(pl));
            frame_in(&f);
        }
    /* a router advertisement and a neighbour solicitation with an option of length 0 */
    for (unsigned type = 133; type <= 137; type++) {
        uint8_t nd[40] = {(uint8_t)type, 0, 0, 0};
        nd[24] = 1, nd[25] = 0; /* option: source link-layer address, length 0 */
        f.n = 0;
        put(&f, hdr, sizeof(hdr));
        put32(&f, 0x60000000), put16(&f, sizeof(nd)), put8(&f, 58), put8(&f, 255);
        put(&f, src, 16), put(&f, dst, 16), put(&f, nd, sizeof(nd));
        frame_in(&f); /* (checksum wrong too: both must be survived) */
    }
    lh_advance(60 * 1000);
    assert_int_equal(lh_pbufs_free(), PBUF_POOL_SIZE);
}

static void counts(void **state)
{
    (void)state;
    printf("# malformed inputs fed: dns %u, dhcp %u, frames %u\n", g_fed_dns, g_fed_dhcp,
           g_fed_frames);
}

static int setup(void **state)
{
    (void)state;
    lh_init();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dns_good),        cmocka_unit_test(dns_truncated),
        cmocka_unit_test(dns_compression), cmocka_unit_test(dns_labels),
        cmocka_unit_test(dns_long_name),   cmocka_unit_test(dns_lengths),
        cmocka_unit_test(dns_random),      cmocka_unit_test(dhcp_good),
        cmocka_unit_test(dhcp_truncated),  cmocka_unit_test(dhcp_options),
        cmocka_unit_test(dhcp_random),     cmocka_unit_test(frames_ip4),
        cmocka_unit_test(frames_ip6),
        cmocka_unit_test(counts),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
