/*
 * hal-hosted/host/ctx.c - building the first frame of a new context, and (in a build
 * with AddressSanitizer) telling ASan about every switch between kernel stacks.
 *
 * ASan knows a thread's stack only from pthread; a hand-written switch moves to memory
 * it has never seen as a stack. Each switch is announced with
 * __sanitizer_start_switch_fiber (the bounds of the stack to run) and confirmed with
 * __sanitizer_finish_switch_fiber on arrival, so that noreturn calls (user entry, a
 * fault) can unpoison the frames they abandon. The bounds live in the top
 * HOST_CTX_RESERVE bytes of each stack, no table to grow: the core names the stack it
 * switches to (hal_cpu_set_kernel_stack) just before each switch. Fake stacks
 * (use-after-return) are not supported: NULL is passed.
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

#ifdef HOST_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>

struct fiber {
    void (*fn)(void *);
    void *arg;
    uintptr_t bottom;
    size_t size;
};
_Static_assert(sizeof(struct fiber) <= HOST_CTX_RESERVE, "the fiber record is a stack's top");

static void fiber_entry(void *p)
{
    const struct fiber *f = p;
    __sanitizer_finish_switch_fiber(NULL, NULL, NULL);
    f->fn(f->arg);
}

uintptr_t host_ctx_make(void *stack, size_t size, void (*fn)(void *), void *arg)
{
    __asan_unpoison_memory_region(stack, size); /* frames of whoever used it before */
    struct fiber *f = (struct fiber *)((char *)stack + size - HOST_CTX_RESERVE);
    *f = (struct fiber){fn, arg, (uintptr_t)stack, size};
    return host_ctx_init(stack, size - HOST_CTX_RESERVE, fiber_entry, f);
}

void host_ctx_go(uintptr_t *from_sp, uintptr_t to_sp, uintptr_t to_top)
{
    const struct fiber *f = (const struct fiber *)to_top;
    if (!to_top || to_sp < f->bottom || to_sp >= f->bottom + f->size) {
        host_ctx_switch(from_sp, to_sp); /* not a stack of host_ctx_make's: unannounced */
        return;
    }
    __sanitizer_start_switch_fiber(NULL, (const void *)f->bottom, f->size);
    host_ctx_switch(from_sp, to_sp);
    __sanitizer_finish_switch_fiber(NULL, NULL, NULL);
}
#endif
