/*
 * hal-hosted/host/detinput.c - console input of a deterministic run, queued between
 * the libuv thread (which reads standard input and pushes here instead of into the
 * console's ring) and the idle vCPU (which takes it by its mode's rule, determ.c).
 *
 * --deterministic: the vCPU waits for a whole unit (up to and including a newline,
 * carriage return or EOT; or HOST_REC_INPUT_MAX bytes; or the rest at the end of
 * input), so what the guest receives at each idle point depends only on the bytes of
 * the input, never on how the host's reads happened to cut them. --record: the vCPU
 * takes whatever has arrived, waiting at most until the next deadline is due in host
 * time. The queue is bounded: when it is full, standard input's reader stops until a
 * take makes room (host_console_room), so nothing is dropped.
 *
 * Layer: hal-hosted, host world (libc only).
 */
#define _GNU_SOURCE
#include "determ.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#define QUEUE 65536u

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cond;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static char g_q[QUEUE];
static uint32_t g_head, g_tail; /* free-running */
static bool g_ended, g_waiting;

static void init_cond(void)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&g_cond, &a);
    pthread_condattr_destroy(&a);
}

int64_t det_mono_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

size_t host_det_input_push(const char *buf, size_t len)
{
    pthread_once(&g_once, init_cond);
    pthread_mutex_lock(&g_lock);
    size_t n = 0;
    while (n < len && g_head - g_tail < QUEUE)
        g_q[g_head++ % QUEUE] = buf[n++];
    pthread_cond_broadcast(&g_cond);
    pthread_mutex_unlock(&g_lock);
    return n;
}

void host_det_input_end(void)
{
    pthread_once(&g_once, init_cond);
    pthread_mutex_lock(&g_lock);
    g_ended = true;
    pthread_cond_broadcast(&g_cond);
    pthread_mutex_unlock(&g_lock);
}

/* The length of the first unit queued, 0 when none is complete yet. Under g_lock. */
static size_t unit_len(void)
{
    uint32_t n = g_head - g_tail;
    for (uint32_t i = 0; i < n && i < HOST_REC_INPUT_MAX; i++) {
        char c = g_q[(g_tail + i) % QUEUE];
        if (c == '\n' || c == '\r' || c == 0x04)
            return i + 1;
    }
    return n >= HOST_REC_INPUT_MAX ? HOST_REC_INPUT_MAX : g_ended ? n : 0;
}

/* Take n queued bytes into buf; tell the reader when the queue had been full. Under
 * g_lock; returns n. */
static size_t take(char *buf, size_t n)
{
    bool was_full = g_head - g_tail == QUEUE;
    for (size_t i = 0; i < n; i++)
        buf[i] = g_q[g_tail++ % QUEUE];
    if (was_full && n)
        host_console_room();
    return n;
}

static void wait_until(int64_t until_ns)
{
    if (until_ns == INT64_MAX) {
        pthread_cond_wait(&g_cond, &g_lock);
        return;
    }
    struct timespec ts = {until_ns / 1000000000, until_ns % 1000000000};
    pthread_cond_timedwait(&g_cond, &g_lock, &ts);
}

size_t det_input_unit(char *buf)
{
    pthread_once(&g_once, init_cond);
    pthread_mutex_lock(&g_lock);
    size_t n;
    g_waiting = true;
    while (!(n = unit_len()) && !g_ended)
        wait_until(INT64_MAX);
    g_waiting = false;
    n = take(buf, n);
    pthread_mutex_unlock(&g_lock);
    return n;
}

size_t det_input_try(char *buf)
{
    pthread_once(&g_once, init_cond);
    pthread_mutex_lock(&g_lock);
    size_t n = take(buf, unit_len());
    pthread_mutex_unlock(&g_lock);
    return n;
}

/* Frames for the network card (--record with a live network): a bounded queue, a frame
 * that finds it full is dropped (before it is recorded: the guest never saw it). */
#define FRAMES 64u
static struct {
    uint16_t len;
    uint8_t data[HOST_REC_FRAME_MAX];
} g_frames[FRAMES];
static uint32_t g_fhead, g_ftail;

bool host_det_frame_push(const void *frame, size_t len)
{
    pthread_once(&g_once, init_cond);
    pthread_mutex_lock(&g_lock);
    bool ok = g_fhead - g_ftail < FRAMES && len <= HOST_REC_FRAME_MAX;
    if (ok) {
        g_frames[g_fhead % FRAMES].len = (uint16_t)len;
        memcpy(g_frames[g_fhead++ % FRAMES].data, frame, len);
        pthread_cond_broadcast(&g_cond);
    }
    pthread_mutex_unlock(&g_lock);
    return ok;
}

size_t det_input_any(unsigned *type, void *buf, int64_t until_ns)
{
    pthread_once(&g_once, init_cond);
    pthread_mutex_lock(&g_lock);
    g_waiting = true;
    while (g_head == g_tail && g_fhead == g_ftail && det_mono_ns() < until_ns &&
           !(g_ended && until_ns == INT64_MAX))
        wait_until(until_ns);
    g_waiting = false;
    uint32_t n = g_head - g_tail;
    *type = HOST_REC_CONSOLE;
    if (n) {
        n = take(buf, n < HOST_REC_INPUT_MAX ? n : HOST_REC_INPUT_MAX);
    } else if (g_fhead != g_ftail) {
        *type = HOST_REC_NET;
        n = g_frames[g_ftail % FRAMES].len;
        memcpy(buf, g_frames[g_ftail++ % FRAMES].data, n);
    }
    pthread_mutex_unlock(&g_lock);
    return n;
}

bool det_input_over(void)
{
    pthread_mutex_lock(&g_lock);
    bool over = g_ended && g_head == g_tail;
    pthread_mutex_unlock(&g_lock);
    return over;
}

bool det_input_waiting(void) { return __atomic_load_n(&g_waiting, __ATOMIC_RELAXED); }
