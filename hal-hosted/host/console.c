/*
 * hal-hosted/host/console.c - the console: stdout, an input ring, power-off handshake.
 *
 * Output goes straight to stdout with write(2) (never buffered, so nothing is lost when
 * the system powers off) and to an optional mirror (the window). Input bytes arrive from
 * the libuv thread or the window into a ring; the console line on vCPU 0 tells the core.
 *
 * Layer: hal-hosted, host world.
 */
#define _GNU_SOURCE
#include "host.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RING 65536u

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t g_deliver_lock = PTHREAD_MUTEX_INITIALIZER; /* see host_console_deliver */
static char g_ring[RING];
static uint32_t g_head, g_tail;
static void (*g_mirror)(const char *, size_t);
static void (*g_space)(void);

static pthread_mutex_t g_power_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_power_cond = PTHREAD_COND_INITIALIZER;
static volatile int g_power = -1;
static volatile int g_powered;

/* The last output, replayed into a mirror that attaches late (the window opens after boot). */
#define HISTORY 16384u
static char g_hist[HISTORY];
static uint32_t g_hist_len;
static pthread_mutex_t g_out_lock = PTHREAD_MUTEX_INITIALIZER;

void host_console_set_mirror(void (*fn)(const char *buf, size_t len))
{
    pthread_mutex_lock(&g_out_lock);
    g_mirror = fn;
    if (fn && g_hist_len)
        fn(g_hist, g_hist_len);
    pthread_mutex_unlock(&g_out_lock);
}

static void remember(const char *buf, size_t len)
{
    if (len >= HISTORY) {
        buf += len - HISTORY;
        len = HISTORY;
    }
    if (g_hist_len + len > HISTORY) {
        uint32_t drop = (uint32_t)(g_hist_len + len - HISTORY);
        memmove(g_hist, g_hist + drop, g_hist_len - drop);
        g_hist_len -= drop;
    }
    memcpy(g_hist + g_hist_len, buf, len);
    g_hist_len += (uint32_t)len;
}

void host_console_write(const char *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(1, buf + done, len - done);
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    pthread_mutex_lock(&g_out_lock);
    remember(buf, len);
    if (g_mirror)
        g_mirror(buf, len);
    pthread_mutex_unlock(&g_out_lock);
}

/* In a deterministic run input waits in determ's queue until an idle point. */
size_t host_console_push(const char *buf, size_t len)
{
    return host_det ? host_det_input_push(buf, len) : host_console_ring_push(buf, len);
}

size_t host_console_ring_push(const char *buf, size_t len)
{
    size_t n = 0;
    pthread_mutex_lock(&g_lock);
    while (n < len && g_head - g_tail < RING)
        g_ring[g_head++ % RING] = buf[n++];
    pthread_mutex_unlock(&g_lock);
    if (n)
        host_vcpu_raise(0, HOST_LINE_CONSOLE);
    return n;
}

bool host_console_pending(void)
{
    return __atomic_load_n(&g_head, __ATOMIC_ACQUIRE) != __atomic_load_n(&g_tail, __ATOMIC_ACQUIRE);
}

static size_t console_peek(char *buf, size_t len)
{
    size_t n = 0;
    pthread_mutex_lock(&g_lock);
    for (uint32_t t = g_tail; n < len && t != g_head; t++)
        buf[n++] = g_ring[t % RING];
    pthread_mutex_unlock(&g_lock);
    return n;
}

static void console_consume(size_t n)
{
    pthread_mutex_lock(&g_lock);
    bool was_full = g_head - g_tail == RING;
    g_tail += (uint32_t)n;
    pthread_mutex_unlock(&g_lock);
    if (was_full && n && g_space)
        g_space(); /* the reader of standard input waits for room */
}

/*
 * Peek, offer, consume is one step under g_deliver_lock: every vCPU delivers, and two
 * that peeked the same bytes would both hand them to the core (lines run twice) and
 * both consume (the tail passes the head, and old bytes come round again).
 */
size_t host_console_deliver(size_t (*take)(const char *buf, size_t len))
{
    char buf[256];
    size_t n, took, total = 0;
    pthread_mutex_lock(&g_deliver_lock);
    do {
        n = console_peek(buf, sizeof(buf));
        took = n ? take(buf, n) : 0;
        console_consume(took);
        total += took;
    } while (n && took == n);
    pthread_mutex_unlock(&g_deliver_lock);
    return total;
}

void host_console_on_space(void (*fn)(void)) { g_space = fn; }

void host_console_room(void)
{
    if (g_space)
        g_space();
}

void host_power_off(int status)
{
    pthread_mutex_lock(&g_power_lock);
    if (!g_powered) {
        g_powered = 1;
        g_power = status;
        pthread_cond_broadcast(&g_power_cond);
    }
    pthread_mutex_unlock(&g_power_lock);
    for (;;)
        pause();
}

int host_power_wait(void)
{
    pthread_mutex_lock(&g_power_lock);
    while (!g_powered)
        pthread_cond_wait(&g_power_cond, &g_power_lock);
    int s = g_power;
    pthread_mutex_unlock(&g_power_lock);
    return s;
}

int host_power_status(void) { return g_powered ? g_power : -1; }
