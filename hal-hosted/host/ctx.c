/*
 * hal-hosted/host/ctx.c - building the first frame of a new context.
 *
 * Layer: hal-hosted, host world.
 */
#include "host.h"

void host_ctx_start(void);

uintptr_t host_ctx_init(void *stack, size_t size, void (*fn)(void *), void *arg)
{
    uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
    uintptr_t *sp = (uintptr_t *)top;
    *--sp = (uintptr_t)host_ctx_start; /* return address of the first switch: it runs
                                          with sp == top, 16-byte aligned for the call */
    *--sp = 0;                         /* rbp */
    *--sp = 0;                         /* rbx */
    *--sp = (uintptr_t)fn;             /* r12 */
    *--sp = (uintptr_t)arg;            /* r13 */
    *--sp = 0;                         /* r14 */
    *--sp = 0;                         /* r15 */
    return (uintptr_t)sp;
}
