/*
 * hal-hosted/host/net.c - the simulator's network card: two bounded frame queues
 * between the vCPUs and a host backend (net_slirp.c or net_tap.c) on the libuv loop.
 *
 * A vCPU sends a frame (host_net_send): it is copied into the transmit queue and the
 * loop is woken (uv_async); the loop hands each queued frame to the backend and, when
 * the queue had filled up, raises the device line so a waiting sender tries again. The
 * backend delivers frames for the guest on the loop thread (host_net_deliver): they are
 * copied into the receive queue (dropped and counted when it is full, as a real card
 * drops what its ring cannot hold) and the line is raised; a vCPU takes them with
 * host_net_recv. One mutex guards both queues; frames are copied in and out under it.
 *
 * Layer: hal-hosted, host world (libc and libuv only).
 */
#define _GNU_SOURCE
#include "host.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

struct frame {
    uint16_t len;
    uint8_t data[HOST_NET_FRAME_MAX];
};

struct ring {
    struct frame f[HOST_NET_QUEUE];
    uint32_t head, tail; /* free-running */
};

static const struct host_net_backend *g_backend;
static unsigned g_line;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ring g_rx, g_tx;
static bool g_tx_was_full;
static struct host_net_stats g_stats;
static uv_async_t g_kick;
static const uint8_t g_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56}; /* locally administered */

/* A replay's card: the recording holds what arrived; what the guest sends goes nowhere. */
static int null_open(const char *arg, char *err, size_t errlen)
{
    (void)arg, (void)err, (void)errlen;
    return 0;
}
static int null_attach(void *loop)
{
    (void)loop;
    return 0;
}
static int null_send(const void *frame, size_t len)
{
    (void)frame, (void)len;
    return 0;
}
static const struct host_net_backend g_null = {null_open, null_attach, null_send};

int host_net_open(const char *spec, char *err, size_t errlen)
{
    if (!strcmp(spec, "none"))
        return 0;
    if (host_det == HOST_DET_REPLAY) { /* the host's network is not touched */
        g_backend = &g_null;
        return 0;
    }
    if (!strcmp(spec, "slirp"))
        g_backend = &host_net_slirp;
    else if (!strncmp(spec, "tap:", 4) && spec[4])
        g_backend = &host_net_tap;
    else {
        snprintf(err, errlen, "--net takes slirp, tap:IFNAME or none, not '%s'", spec);
        return -1;
    }
    const char *arg = g_backend == &host_net_tap ? spec + 4 : "";
    if (g_backend->open(arg, err, errlen)) {
        g_backend = NULL;
        return -1;
    }
    return 0;
}

bool host_net_present(void) { return g_backend != NULL; }
void host_net_set_line(unsigned line) { g_line = line; }
void host_net_mac(uint8_t mac[6]) { memcpy(mac, g_mac, 6); }
bool host_net_link_up(void) { return g_backend != NULL; }

void host_net_stats(struct host_net_stats *out)
{
    pthread_mutex_lock(&g_lock);
    *out = g_stats;
    pthread_mutex_unlock(&g_lock);
}

static bool ring_put(struct ring *r, const void *frame, size_t len)
{
    if (r->head - r->tail == HOST_NET_QUEUE)
        return false;
    struct frame *f = &r->f[r->head++ % HOST_NET_QUEUE];
    f->len = (uint16_t)len;
    memcpy(f->data, frame, len);
    return true;
}

static size_t ring_take(struct ring *r, void *buf)
{
    if (r->head == r->tail)
        return 0;
    struct frame *f = &r->f[r->tail++ % HOST_NET_QUEUE];
    memcpy(buf, f->data, f->len);
    return f->len;
}

size_t host_net_recv(void *buf, size_t len)
{
    if (len < HOST_NET_FRAME_MAX)
        return 0;
    pthread_mutex_lock(&g_lock);
    size_t n = ring_take(&g_rx, buf);
    pthread_mutex_unlock(&g_lock);
    return n;
}

int host_net_send(const void *frame, size_t len)
{
    if (!g_backend || len < HOST_NET_FRAME_MIN || len > HOST_NET_FRAME_MAX)
        return -1;
    pthread_mutex_lock(&g_lock);
    bool ok = ring_put(&g_tx, frame, len);
    if (!ok && host_det) { /* no "full" that depends on the loop's timing: dropped */
        g_stats.tx_dropped++;
        ok = true;
    }
    g_tx_was_full |= !ok;
    pthread_mutex_unlock(&g_lock);
    if (ok)
        uv_async_send(&g_kick);
    return ok ? 0 : -1;
}

/* A recorded run takes frames at idle points (determ.c), where they are written down. */
void host_net_deliver(const void *frame, size_t len)
{
    if (host_det == HOST_DET_RECORD) {
        if (len < HOST_NET_FRAME_MIN || len > HOST_NET_FRAME_MAX)
            host_net_count_rx_error();
        else if (!host_det_frame_push(frame, len)) {
            pthread_mutex_lock(&g_lock);
            g_stats.rx_dropped++;
            pthread_mutex_unlock(&g_lock);
        }
        return;
    }
    host_net_rx_put(frame, len);
}

void host_net_rx_put(const void *frame, size_t len)
{
    pthread_mutex_lock(&g_lock);
    bool ok = len >= HOST_NET_FRAME_MIN && len <= HOST_NET_FRAME_MAX;
    if (!ok)
        g_stats.rx_errors++;
    else if (!(ok = ring_put(&g_rx, frame, len)))
        g_stats.rx_dropped++;
    pthread_mutex_unlock(&g_lock);
    if (ok)
        host_vcpu_raise(0, g_line);
}

void host_net_count_rx_error(void)
{
    pthread_mutex_lock(&g_lock);
    g_stats.rx_errors++;
    pthread_mutex_unlock(&g_lock);
}

/* The loop: hand the queued frames to the backend, one at a time, outside the lock. */
static void on_kick(uv_async_t *a)
{
    (void)a;
    static uint8_t buf[HOST_NET_FRAME_MAX];
    bool was_full = false;
    for (;;) {
        pthread_mutex_lock(&g_lock);
        size_t n = ring_take(&g_tx, buf);
        was_full |= g_tx_was_full;
        g_tx_was_full = false;
        pthread_mutex_unlock(&g_lock);
        if (!n)
            break;
        if (g_backend->send(buf, n)) {
            pthread_mutex_lock(&g_lock);
            g_stats.tx_dropped++;
            pthread_mutex_unlock(&g_lock);
        }
    }
    if (was_full) /* a sender was refused: there is room now */
        host_vcpu_raise(0, g_line);
}

int host_net_attach(void *loop)
{
    if (!g_backend)
        return 0;
    if (uv_async_init(loop, &g_kick, on_kick))
        return -1;
    return g_backend->attach(loop);
}
