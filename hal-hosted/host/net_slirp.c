/*
 * hal-hosted/host/net_slirp.c - the network backend `slirp`: libslirp's user-mode
 * network (rootless NAT, like QEMU's `-nic user`), driven from the libuv loop.
 *
 * The guest sees QEMU's usual user network: 10.0.2.0/24, gateway 10.0.2.2 (also the
 * DHCP server, which offers 10.0.2.15 on), DNS at 10.0.2.3, IPv6 prefix fec0::/64.
 * Nothing is set up until the guest sends its first frame, so a system whose services
 * never use the network pays nothing for it at boot.
 *
 * libslirp is poll()-driven: slirp_pollfds_fill() names the sockets it wants watched
 * and how long it may sleep; slirp_pollfds_poll() is then told what happened to each.
 * Here one libuv poll watcher per descriptor collects the events, and every event, timer
 * and guest frame runs one cycle: report what the watchers saw, fill again, and restart
 * the watchers and the sleep timer to match. Watchers are stopped and started each
 * cycle (not kept) because slirp closes sockets and the kernel reuses their numbers.
 * slirp's own timers are libuv timers; its clock is the loop's monotonic clock.
 *
 * Layer: hal-hosted, host world (libc, libuv and libslirp only).
 */
#define _GNU_SOURCE
#include "host.h"

#include <arpa/inet.h>
#include <slirp/libslirp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define MAX_FD 1024
#define MAX_POLL 256

struct watch {
    uv_poll_t h;
    int fd;
    int revents; /* SLIRP_POLL_* seen since the last cycle */
    bool started;
};

struct slirp_timer {
    uv_timer_t t;
    SlirpTimerCb cb;
    void *cb_opaque;
};

static uv_loop_t *g_loop;
static Slirp *g_slirp;
static struct watch *g_watch[MAX_FD];
static int g_poll_fd[MAX_POLL]; /* the last fill: index -> descriptor */
static int g_npoll;
static bool g_filled;
static uv_timer_t g_sleep;
static void cycle(void);

static ssize_t on_send_packet(const void *buf, size_t len, void *opaque)
{
    (void)opaque;
    host_net_deliver(buf, len);
    return (ssize_t)len;
}

static void on_guest_error(const char *msg, void *opaque)
{
    (void)opaque;
    fprintf(stderr, "serviceos-sim: slirp: %s\n", msg);
}

static int64_t on_clock(void *opaque)
{
    (void)opaque;
    return (int64_t)uv_hrtime();
}

static void on_timer(uv_timer_t *t)
{
    struct slirp_timer *st = (struct slirp_timer *)t;
    st->cb(st->cb_opaque);
    cycle();
}

static void *on_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    (void)opaque;
    struct slirp_timer *st = calloc(1, sizeof(*st));
    if (!st || uv_timer_init(g_loop, &st->t)) {
        free(st);
        return NULL;
    }
    st->cb = cb;
    st->cb_opaque = cb_opaque;
    return st;
}

static void free_closed(uv_handle_t *h) { free(h); }

static void on_timer_free(void *timer, void *opaque)
{
    (void)opaque;
    if (timer)
        uv_close((uv_handle_t *)&((struct slirp_timer *)timer)->t, free_closed);
}

static void on_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    (void)opaque;
    if (!timer)
        return;
    int64_t delay = expire_ms - (int64_t)(uv_hrtime() / 1000000);
    uv_timer_start(&((struct slirp_timer *)timer)->t, on_timer, delay > 0 ? (uint64_t)delay : 0, 0);
}

static void on_register_fd(int fd, void *opaque) { (void)fd, (void)opaque; }
static void on_notify(void *opaque) { (void)opaque; }

static const SlirpCb g_callbacks = {
    .send_packet = on_send_packet,
    .guest_error = on_guest_error,
    .clock_get_ns = on_clock,
    .timer_new = on_timer_new,
    .timer_free = on_timer_free,
    .timer_mod = on_timer_mod,
    .register_poll_fd = on_register_fd,
    .unregister_poll_fd = on_register_fd,
    .notify = on_notify,
};

/* ---- the poll cycle */

static void on_poll(uv_poll_t *h, int status, int events)
{
    struct watch *w = (struct watch *)h;
    if (status < 0)
        w->revents |= SLIRP_POLL_ERR;
    else
        w->revents |= (events & UV_READABLE ? SLIRP_POLL_IN : 0) |
                      (events & UV_WRITABLE ? SLIRP_POLL_OUT : 0) |
                      (events & UV_PRIORITIZED ? SLIRP_POLL_PRI : 0) |
                      (events & UV_DISCONNECT ? SLIRP_POLL_HUP : 0);
    cycle();
}

static int add_poll(int fd, int events, void *opaque)
{
    (void)opaque;
    if (fd < 0 || fd >= MAX_FD || g_npoll == MAX_POLL) {
        fprintf(stderr, "serviceos-sim: slirp: cannot watch descriptor %d\n", fd);
        return -1;
    }
    struct watch *w = g_watch[fd];
    if (!w) {
        w = calloc(1, sizeof(*w));
        if (!w || uv_poll_init_socket(g_loop, &w->h, fd)) {
            free(w);
            return -1;
        }
        w->fd = fd;
        g_watch[fd] = w;
    }
    int uv_events = (events & SLIRP_POLL_IN ? UV_READABLE : 0) |
                    (events & SLIRP_POLL_OUT ? UV_WRITABLE : 0) |
                    (events & SLIRP_POLL_PRI ? UV_PRIORITIZED : 0);
    if (uv_events && !uv_poll_start(&w->h, uv_events, on_poll))
        w->started = true;
    g_poll_fd[g_npoll] = fd;
    return g_npoll++;
}

static int get_revents(int idx, void *opaque)
{
    (void)opaque;
    if (idx < 0 || idx >= g_npoll || !g_watch[g_poll_fd[idx]])
        return 0;
    struct watch *w = g_watch[g_poll_fd[idx]];
    int r = w->revents;
    w->revents = 0;
    return r;
}

static void on_sleep(uv_timer_t *t)
{
    (void)t;
    cycle();
}

static void cycle(void)
{
    if (!g_slirp)
        return;
    if (g_filled)
        slirp_pollfds_poll(g_slirp, 0, get_revents, NULL);
    for (int fd = 0; fd < MAX_FD; fd++) /* forget the old set: numbers get reused */
        if (g_watch[fd] && g_watch[fd]->started) {
            uv_poll_stop(&g_watch[fd]->h);
            g_watch[fd]->started = false;
        }
    g_npoll = 0;
    uint32_t timeout = UINT32_MAX;
    slirp_pollfds_fill(g_slirp, &timeout, add_poll, NULL);
    g_filled = true;
    if (timeout != UINT32_MAX)
        uv_timer_start(&g_sleep, on_sleep, timeout, 0);
    else
        uv_timer_stop(&g_sleep);
}

/* ---- the backend */

static int slirp_open(const char *arg, char *err, size_t errlen)
{
    (void)arg, (void)err, (void)errlen;
    return 0; /* everything waits for the first frame */
}

static int slirp_attach(void *loop)
{
    g_loop = loop;
    return uv_timer_init(g_loop, &g_sleep) ? -1 : 0;
}

static int start_slirp(void)
{
    SlirpConfig c = {.version = 4, .in_enabled = true, .in6_enabled = true,
                     .vprefix_len = 64, .vhostname = "serviceos", .disable_host_loopback = true};
    inet_pton(AF_INET, "10.0.2.0", &c.vnetwork);
    inet_pton(AF_INET, "255.255.255.0", &c.vnetmask);
    inet_pton(AF_INET, "10.0.2.2", &c.vhost);
    inet_pton(AF_INET, "10.0.2.15", &c.vdhcp_start);
    inet_pton(AF_INET, "10.0.2.3", &c.vnameserver);
    inet_pton(AF_INET6, "fec0::", &c.vprefix_addr6);
    inet_pton(AF_INET6, "fec0::2", &c.vhost6);
    inet_pton(AF_INET6, "fec0::3", &c.vnameserver6);
    g_slirp = slirp_new(&c, &g_callbacks, NULL);
    if (!g_slirp) {
        fprintf(stderr, "serviceos-sim: slirp: cannot start the user network\n");
        return -1;
    }
    return 0;
}

static int slirp_send(const void *frame, size_t len)
{
    if (!g_slirp && start_slirp())
        return -1;
    slirp_input(g_slirp, frame, (int)len);
    cycle();
    return 0;
}

const struct host_net_backend host_net_slirp = {slirp_open, slirp_attach, slirp_send};
