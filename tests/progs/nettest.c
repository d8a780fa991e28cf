/*
 * services/nettest/nettest.c - proves frames flow through network device 0: it
 * broadcasts a DHCPDISCOVER and prints the address the DHCPOFFER that answers it offers.
 *
 * Two ways to run it:
 *  - as a service (nettest.svc: on demand, `start nettest` in the shell): its manifest
 *    says resource=net0, so the root manager hands it the card as the startup handle
 *    "net0" (read, write, wait, transfer; it checks that it cannot duplicate it); it
 *    exits with 0 or 1;
 *  - as the first process (--init nettest [SECONDS]) with the root resource, which opens
 *    net0 itself (none: "nettest: no network device", status 2) and powers off with the
 *    status at the end (tests/net/run-dhcp.py boots it so, in the sim and on QEMU).
 *
 * It prints the MAC and link, checks that bad requests are refused with the documented
 * errors, then sends a hand-built Ethernet/IPv4/UDP/BOOTP DHCPDISCOVER every 2 s and
 * waits on the device's READABLE signal, reading frames without blocking, until an OFFER
 * with our transaction id arrives or SECONDS (default 20) pass:
 *
 *     nettest: offer 10.0.2.15 from 10.0.2.2
 *     nettest: counters rx=3 frames ... tx=1 ...
 *
 * The frames are built by hand because this only tests the device; the network stack
 * is lwIP.
 *
 * Layer: services (tests).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sl/sl.h>
#include <sl/startup.h>

#define ETH_HDR 14u
#define IP_HDR 20u
#define UDP_HDR 8u
#define BOOTP_LEN 300u /* the BOOTP minimum, options padded */
#define FRAME_LEN (ETH_HDR + IP_HDR + UDP_HDR + BOOTP_LEN)
#define XID 0x53534f53u

static sos_handle_t g_root;
static int g_failed;
static uint8_t g_mac[6];

static __attribute__((noreturn)) void finish(int status)
{
    if (g_root != SOS_HANDLE_INVALID) /* booted as init: the status is the machine's */
        sos_system_power(g_root, SOS_POWER_OFF, status);
    exit(status);
}

static int64_t io(sos_handle_t dev, uint32_t op, sos_handle_t vmo, uint64_t flags, uint64_t len)
{
    struct sos_device_io r = {op, vmo, flags, 0, len};
    return sos_device_io(dev, &r);
}

static void expect(const char *what, int64_t got, int64_t want)
{
    if (got != want) {
        printf("nettest: check FAILED: %s: %lld (%s), wanted %lld (%s)\n", what, (long long)got,
               got < 0 ? sos_strerror((int)got) : "-", (long long)want,
               want < 0 ? sos_strerror((int)want) : "-");
        g_failed = 1;
    }
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static uint16_t ip_checksum(const uint8_t *p, size_t n)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += get16(p + i);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* Ethernet broadcast, IPv4 0.0.0.0 -> 255.255.255.255, UDP 68 -> 67, BOOTP DISCOVER. */
static void build_discover(uint8_t *f)
{
    memset(f, 0, FRAME_LEN);
    memset(f, 0xff, 6);
    memcpy(f + 6, g_mac, 6);
    put16(f + 12, 0x0800);
    uint8_t *ip = f + ETH_HDR;
    ip[0] = 0x45;
    put16(ip + 2, IP_HDR + UDP_HDR + BOOTP_LEN);
    ip[8] = 64;  /* ttl */
    ip[9] = 17;  /* udp */
    memset(ip + 16, 0xff, 4);
    put16(ip + 10, ip_checksum(ip, IP_HDR));
    uint8_t *udp = ip + IP_HDR;
    put16(udp, 68);
    put16(udp + 2, 67);
    put16(udp + 4, UDP_HDR + BOOTP_LEN); /* checksum 0: none (allowed over IPv4) */
    uint8_t *b = udp + UDP_HDR;
    b[0] = 1; /* BOOTREQUEST */
    b[1] = 1; /* Ethernet */
    b[2] = 6;
    b[4] = XID >> 24, b[5] = XID >> 16 & 0xff, b[6] = XID >> 8 & 0xff, b[7] = XID & 0xff;
    put16(b + 10, 0x8000); /* answer by broadcast: we have no address */
    memcpy(b + 28, g_mac, 6);
    static const uint8_t opts[] = {99, 130, 83, 99, 53, 1, 1, 55, 3, 1, 3, 6, 255};
    memcpy(b + 236, opts, sizeof(opts));
}

/* The offered address when f is a DHCPOFFER for us, else 0; *server gets its sender. */
static uint32_t parse_offer(const uint8_t *f, size_t n, uint32_t *server)
{
    if (n < ETH_HDR + IP_HDR + UDP_HDR + 240 || get16(f + 12) != 0x0800)
        return 0;
    const uint8_t *ip = f + ETH_HDR;
    size_t ihl = (size_t)(ip[0] & 15) * 4;
    if ((ip[0] >> 4) != 4 || ip[9] != 17 || ihl < IP_HDR || n < ETH_HDR + ihl + UDP_HDR + 240)
        return 0;
    const uint8_t *udp = ip + ihl, *b = udp + UDP_HDR;
    uint32_t xid = (uint32_t)b[4] << 24 | (uint32_t)b[5] << 16 | (uint32_t)b[6] << 8 | b[7];
    if (get16(udp + 2) != 68 || b[0] != 2 || xid != XID || memcmp(b + 236, "\x63\x82\x53\x63", 4))
        return 0;
    for (size_t i = 240; ETH_HDR + ihl + UDP_HDR + i + 2 <= n && b[i] != 255;) {
        if (b[i] == 0) {
            i++;
            continue;
        }
        if (b[i] == 53 && b[i + 1] == 1 && b[i + 2] == 2) { /* message type OFFER */
            *server = (uint32_t)ip[12] << 24 | (uint32_t)ip[13] << 16 | (uint32_t)ip[14] << 8 | ip[15];
            return (uint32_t)b[16] << 24 | (uint32_t)b[17] << 16 | (uint32_t)b[18] << 8 | b[19];
        }
        i += 2u + b[i + 1];
    }
    return 0;
}

/* Every bad request is refused before it reaches the device. */
static void check_bad_requests(sos_handle_t dev, sos_handle_t vmo)
{
    sos_handle_t none;
    if (g_root != SOS_HANDLE_INVALID)
        expect("net1", sos_device_open(g_root, SOS_DEV_NET, 1, &none), SOS_ERR_NOT_FOUND);
    else /* granted by a manifest: for this service alone */
        expect("duplicate the card", sos_handle_duplicate(dev, SOS_RIGHT_READ, &none),
               SOS_ERR_ACCESS_DENIED);
    expect("oversize frame", io(dev, SOS_DEVICE_OP_WRITE, vmo, 0, SOS_NET_FRAME_MAX + 1),
           SOS_ERR_OUT_OF_RANGE);
    expect("runt frame", io(dev, SOS_DEVICE_OP_WRITE, vmo, 0, SOS_NET_FRAME_MIN - 1),
           SOS_ERR_INVALID_ARGS);
    expect("small read buffer", io(dev, SOS_DEVICE_OP_READ, vmo, 0, 1000), SOS_ERR_BUFFER_TOO_SMALL);
    expect("unknown flag", io(dev, SOS_DEVICE_OP_READ, vmo, 4, SOS_NET_FRAME_MAX),
           SOS_ERR_INVALID_ARGS);
    expect("flush", io(dev, SOS_DEVICE_OP_FLUSH, vmo, 0, 0), SOS_ERR_NOT_SUPPORTED);
    expect("bad buffer", io(dev, SOS_DEVICE_OP_WRITE, 0, 0, 60), SOS_ERR_BAD_HANDLE);
    expect("past the vmo", io(dev, SOS_DEVICE_OP_READ, vmo, 0, 8192), SOS_ERR_OUT_OF_RANGE);
    struct sos_info_net ni;
    expect("info on the buffer", sos_object_get_info(vmo, SOS_INFO_NET, &ni, sizeof(ni)),
           SOS_ERR_WRONG_TYPE);
}

static void print_counters(sos_handle_t dev)
{
    struct sos_info_net ni;
    if (sos_object_get_info(dev, SOS_INFO_NET, &ni, sizeof(ni)) != (int64_t)sizeof(ni))
        return;
    printf("nettest: counters rx=%llu frames %llu bytes dropped=%llu errors=%llu "
           "tx=%llu frames %llu bytes dropped=%llu errors=%llu\n",
           (unsigned long long)ni.rx_frames, (unsigned long long)ni.rx_bytes,
           (unsigned long long)ni.rx_dropped, (unsigned long long)ni.rx_errors,
           (unsigned long long)ni.tx_frames, (unsigned long long)ni.tx_bytes,
           (unsigned long long)ni.tx_dropped, (unsigned long long)ni.tx_errors);
    expect("frames sent counted", ni.tx_frames > 0, 1);
}

static void print_ip(const char *what, uint32_t a)
{
    printf("%s%u.%u.%u.%u", what, a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255);
}

/* Send DISCOVERs and read frames until an OFFER; the offered address or 0. */
static uint32_t discover(sos_handle_t dev, sos_handle_t vmo, long seconds, uint32_t *server)
{
    static uint8_t frame[SOS_NET_FRAME_MAX];
    sos_time_t end = sos_clock_get() + seconds * 1000000000ll, resend = 0;
    while (sos_clock_get() < end) {
        if (sos_clock_get() >= resend) {
            build_discover(frame);
            sos_vmo_write(vmo, frame, 0, FRAME_LEN);
            expect("send", io(dev, SOS_DEVICE_OP_WRITE, vmo, 0, FRAME_LEN), FRAME_LEN);
            resend = sos_clock_get() + 2000000000ll;
        }
        int64_t n = io(dev, SOS_DEVICE_OP_READ, vmo, SOS_NET_IO_NOWAIT, SOS_NET_FRAME_MAX);
        if (n < 0) {
            expect("read", n, 0);
            return 0;
        }
        if (n == 0) { /* nothing yet: sleep until a frame may have come, or it is time to resend */
            sos_signals_t seen;
            sos_object_wait_one(dev, SOS_SIG_READABLE, resend < end ? resend : end, &seen);
            continue;
        }
        sos_vmo_read(vmo, frame, 0, (size_t)n);
        uint32_t a = parse_offer(frame, (size_t)n, server);
        if (a)
            return a;
    }
    return 0;
}

int main(int argc, char **argv)
{
    long seconds = argc > 1 ? strtol(argv[1], NULL, 10) : 20;
    g_root = sos_startup_handle("root-resource");
    sos_handle_t dev = sos_startup_handle("net0"), vmo;
    int64_t err = 0;
    if (dev != SOS_HANDLE_INVALID)
        printf("nettest: started with the card as startup handle net0\n");
    else if (g_root == SOS_HANDLE_INVALID)
        err = SOS_ERR_NOT_FOUND; /* a service whose manifest grants no card */
    else
        err = sos_device_open(g_root, SOS_DEV_NET, 0, &dev);
    if (err) {
        printf("nettest: no network device (%s)\n", sos_strerror((int)err));
        finish(2);
    }
    struct sos_info_net ni;
    expect("info", sos_object_get_info(dev, SOS_INFO_NET, &ni, sizeof(ni)), (int64_t)sizeof(ni));
    memcpy(g_mac, ni.mac, 6);
    printf("nettest: mac %02x:%02x:%02x:%02x:%02x:%02x link %s frame_max %u\n", g_mac[0],
           g_mac[1], g_mac[2], g_mac[3], g_mac[4], g_mac[5], ni.link_up ? "up" : "down",
           ni.frame_max);
    if (sos_vmo_create(4096, 0, &vmo)) {
        printf("nettest: no vmo\n");
        finish(1);
    }
    check_bad_requests(dev, vmo);
    printf("nettest: checks %s\n", g_failed ? "FAILED" : "ok");
    uint32_t server = 0, offer = discover(dev, vmo, seconds, &server);
    if (offer) {
        print_ip("nettest: offer ", offer);
        print_ip(" from ", server);
        printf("\n");
    } else {
        printf("nettest: no offer within %ld s\n", seconds);
    }
    print_counters(dev);
    finish(offer && !g_failed ? 0 : 1);
}
