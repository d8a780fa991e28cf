/*
 * core/obj/console.c - the console input ring: bytes typed at the console, pushed by
 * the HAL with core_console_input (from interrupt context: it takes the core lock
 * itself) and drained by console_read. The root resource is READABLE while the ring
 * holds bytes. When it is full the HAL keeps the rest and offers them again later.
 *
 * Layer: core objects.
 */
#include "obj/console.h"

#include "obj/resource.h"

#define CONSOLE_RING 4096u
static char g_con[CONSOLE_RING];
static uint32_t g_con_head, g_con_tail; /* free-running */

size_t core_console_input(const char *buf, size_t len)
{
    klock_acquire();
    size_t i;
    for (i = 0; i < len; i++) {
        if (g_con_head - g_con_tail == CONSOLE_RING)
            break; /* full: the HAL keeps the rest */
        g_con[g_con_head++ % CONSOLE_RING] = buf[i];
    }
    if (g_root_resource && g_con_head != g_con_tail)
        obj_signal(&g_root_resource->obj, 0, SOS_SIG_READABLE);
    klock_release();
    return i;
}

size_t console_take(char *buf, size_t len)
{
    size_t n = 0;
    while (n < len && g_con_tail != g_con_head)
        buf[n++] = g_con[g_con_tail++ % CONSOLE_RING];
    if (g_con_head == g_con_tail)
        obj_signal(&g_root_resource->obj, SOS_SIG_READABLE, 0);
    return n;
}
