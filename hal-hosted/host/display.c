/*
 * hal-hosted/host/display.c - the simulator's display on the host side (display.h).
 *
 * A vCPU thread (the HAL, under the core lock) queues a PRESENT or MODE request; the
 * window's thread, which looks every 4 ms while the display is in use, takes it, uploads the
 * damaged rectangles from the framebuffer into its texture (or changes the mode),
 * presents one vsync-paced frame, and only then completes the requests: their cookies
 * go to the done ring and the display's line is raised, so a presenter is paced by the
 * display. Requests taken by the window are still "in flight" until completed, so the
 * done ring never overflows: at most HOST_DISPLAY_QUEUE requests exist at once.
 *
 * Layer: hal-hosted, host world (libc only).
 */
#include "display.h"
#include "host.h"

#include <pthread.h>
#include <string.h>

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static struct host_display_req g_queue[HOST_DISPLAY_QUEUE];
static void *g_done[HOST_DISPLAY_QUEUE];
static uint32_t g_qhead, g_qtail, g_taken; /* free-running; taken: waiting to complete */
static uint32_t g_dhead, g_dtail;
static void *g_fb;
static uint32_t g_maxw, g_maxh, g_w, g_h;
static unsigned g_line;
static bool g_init, g_active;

void host_display_init(void *fb, uint32_t max_w, uint32_t max_h, uint32_t w, uint32_t h,
                       unsigned line)
{
    g_fb = fb;
    g_maxw = max_w;
    g_maxh = max_h;
    g_w = w;
    g_h = h;
    g_line = line;
    g_init = true;
}

bool host_display_present(void) { return g_init; }
void *host_display_fb(void) { return g_fb; }

void host_display_mode(uint32_t *w, uint32_t *h, uint32_t *pitch)
{
    pthread_mutex_lock(&g_lock);
    *w = g_w;
    *h = g_h;
    *pitch = g_w * 4;
    pthread_mutex_unlock(&g_lock);
}

void host_display_max(uint32_t *w, uint32_t *h)
{
    *w = g_maxw;
    *h = g_maxh;
}

void host_display_set_mode(uint32_t w, uint32_t h)
{
    pthread_mutex_lock(&g_lock);
    g_w = w;
    g_h = h;
    pthread_mutex_unlock(&g_lock);
}

bool host_display_active(void) { return __atomic_load_n(&g_active, __ATOMIC_ACQUIRE); }

bool host_display_submit(const struct host_display_req *r)
{
    pthread_mutex_lock(&g_lock);
    bool room = g_qhead - g_dtail < HOST_DISPLAY_QUEUE;
    if (room)
        g_queue[g_qhead++ % HOST_DISPLAY_QUEUE] = *r;
    pthread_mutex_unlock(&g_lock);
    if (room)
        __atomic_store_n(&g_active, true, __ATOMIC_RELEASE);
    return room;
}

uint32_t host_display_take(struct host_display_req *out, uint32_t max)
{
    pthread_mutex_lock(&g_lock);
    uint32_t n = 0;
    while (g_qtail != g_qhead && n < max)
        out[n++] = g_queue[g_qtail++ % HOST_DISPLAY_QUEUE];
    g_taken += n;
    pthread_mutex_unlock(&g_lock);
    return n;
}

void host_display_complete(uint32_t n)
{
    pthread_mutex_lock(&g_lock);
    for (uint32_t i = 0; i < n && g_taken; i++, g_taken--) {
        uint32_t idx = (g_qtail - g_taken) % HOST_DISPLAY_QUEUE;
        g_done[g_dhead++ % HOST_DISPLAY_QUEUE] = g_queue[idx].cookie;
    }
    pthread_mutex_unlock(&g_lock);
    if (n)
        host_vcpu_raise(0, g_line);
}

void *host_display_done(void)
{
    pthread_mutex_lock(&g_lock);
    void *c = g_dtail != g_dhead ? g_done[g_dtail++ % HOST_DISPLAY_QUEUE] : NULL;
    pthread_mutex_unlock(&g_lock);
    return c;
}
