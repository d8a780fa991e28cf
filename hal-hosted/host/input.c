/*
 * hal-hosted/host/input.c - the simulator's input device on the host side: the window's
 * thread pushes keyboard and mouse events into a bounded queue (evq.c); the core takes
 * them through hal-hosted/input.c. Every push raises the device's line on vCPU 0, which
 * wakes readers waiting for events.
 *
 * Layer: hal-hosted, host world (libc only).
 */
#include "host.h"

#include <pthread.h>

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static struct host_input_event g_store[HOST_INPUT_QUEUE];
static struct host_evq g_q = {g_store, HOST_INPUT_QUEUE, 0, 0, 0, 0, 0};
static unsigned g_line;
static volatile bool g_enabled;

void host_input_enable(unsigned line)
{
    g_line = line;
    g_enabled = true;
}

bool host_input_enabled(void) { return g_enabled; }

void host_input_push(const struct host_input_event *e)
{
    if (!g_enabled)
        return;
    struct host_input_event c = *e;
    if (!c.time_ns)
        c.time_ns = (uint64_t)host_time_now();
    pthread_mutex_lock(&g_lock);
    host_evq_push(&g_q, &c);
    pthread_mutex_unlock(&g_lock);
    host_vcpu_raise(0, g_line);
}

uint32_t host_input_take(struct host_input_event *out, uint32_t max)
{
    pthread_mutex_lock(&g_lock);
    uint32_t n = host_evq_pop(&g_q, out, max);
    pthread_mutex_unlock(&g_lock);
    return n;
}

uint64_t host_input_dropped(void)
{
    pthread_mutex_lock(&g_lock);
    uint64_t n = g_q.dropped;
    pthread_mutex_unlock(&g_lock);
    return n;
}
