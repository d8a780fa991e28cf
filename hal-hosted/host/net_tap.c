/*
 * hal-hosted/host/net_tap.c - the network backend `tap:IFNAME`: a Linux TAP device.
 *
 * The simulator opens /dev/net/tun as IFF_TAP | IFF_NO_PI on the named interface
 * (which needs CAP_NET_ADMIN, or a persistent TAP the user owns: `ip tuntap add dev
 * NAME mode tap user USER`), non-blocking. The interface must exist: the simulator
 * never creates one on the host. Each read() is one Ethernet frame for the
 * guest; each guest frame is one write(). The libuv loop polls the descriptor. The
 * tests use it inside a private network namespace (tests/net/).
 *
 * Layer: hal-hosted, host world (libc and libuv only).
 */
#define _GNU_SOURCE
#include "host.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <uv.h>

static int g_fd = -1;
static uv_poll_t g_poll;

static int tap_open(const char *name, char *err, size_t errlen)
{
    struct ifreq ifr;
    if (strlen(name) >= sizeof(ifr.ifr_name)) {
        snprintf(err, errlen, "--net tap:%s: an interface name has at most %zu characters",
                 name, sizeof(ifr.ifr_name) - 1);
        return -1;
    }
    if (!if_nametoindex(name)) { /* attach only: never make interfaces on the host */
        snprintf(err, errlen, "--net tap:%s: there is no such interface (make one: ip tuntap "
                 "add dev %s mode tap user $USER)", name, name);
        return -1;
    }
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "--net tap:%s: cannot open /dev/net/tun: %s", name, strerror(errno));
        return -1;
    }
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    memcpy(ifr.ifr_name, name, strlen(name));
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        snprintf(err, errlen, "--net tap:%s: cannot attach to the TAP device: %s (it needs "
                 "CAP_NET_ADMIN, or a TAP device you own: ip tuntap add dev %s mode tap user $USER)",
                 name, strerror(errno), name);
        close(fd);
        return -1;
    }
    g_fd = fd;
    return 0;
}

static void on_readable(uv_poll_t *p, int status, int events)
{
    (void)p;
    (void)events;
    static uint8_t buf[65536];
    if (status < 0)
        return;
    for (;;) {
        ssize_t n = read(g_fd, buf, sizeof(buf));
        if (n < 0)
            return; /* EAGAIN: all read */
        if (n > (ssize_t)HOST_NET_FRAME_MAX || n < (ssize_t)HOST_NET_FRAME_MIN)
            host_net_count_rx_error(); /* a frame the guest's card could not take */
        else
            host_net_deliver(buf, (size_t)n);
    }
}

static int tap_attach(void *loop)
{
    if (uv_poll_init(loop, &g_poll, g_fd))
        return -1;
    return uv_poll_start(&g_poll, UV_READABLE, on_readable) ? -1 : 0;
}

static int tap_send(const void *frame, size_t len)
{
    ssize_t n;
    do
        n = write(g_fd, frame, len);
    while (n < 0 && errno == EINTR);
    return n == (ssize_t)len ? 0 : -1;
}

const struct host_net_backend host_net_tap = {tap_open, tap_attach, tap_send};
