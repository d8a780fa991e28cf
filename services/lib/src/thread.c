/*
 * services/lib/src/thread.c - threads with runtime-managed stacks (sl/thread.h).
 *
 * The start record (fn, arg) is written at the top of the new stack, so the caller's
 * struct sl_thread is not touched by the new thread. __sl_thread_entry (crt0) aligns
 * the stack and calls __sl_thread_main with the record.
 *
 * Layer: services/lib (runtime).
 */
#include <sl/startup.h>
#include <sl/sys.h>
#include <sl/thread.h>

#include "internal.h"

struct start_record {
    void (*fn)(void *);
    void *arg;
};

void __sl_thread_entry(void);
__attribute__((noreturn)) void __sl_thread_main(struct start_record *r);

void __sl_thread_main(struct start_record *r)
{
    r->fn(r->arg);
    for (;;)
        sos_thread_exit();
}

int sl_thread_start(struct sl_thread *t, void (*fn)(void *), void *arg, size_t stack_size)
{
    if (stack_size == 0)
        stack_size = SL_THREAD_STACK_DEFAULT;
    stack_size = (stack_size + SL_PAGE - 1) & ~(size_t)(SL_PAGE - 1);
    void *stack = __sl_pages_get(stack_size);
    if (!stack)
        return SOS_ERR_NO_MEMORY;
    uintptr_t top = (uintptr_t)stack + stack_size;
    struct start_record *r = (struct start_record *)(top - 16);
    r->fn = fn;
    r->arg = arg;
    *t = (struct sl_thread){0, (uint64_t)(uintptr_t)stack, stack_size, fn, arg};
    int64_t err = sos_thread_create((uint64_t)(uintptr_t)__sl_thread_entry, top - 16,
                                    (uint64_t)(uintptr_t)r, &t->handle);
    if (err < 0) {
        __sl_pages_put(stack, stack_size);
        return (int)err;
    }
    return 0;
}

int sl_thread_join(struct sl_thread *t, sos_time_t deadline)
{
    sos_signals_t seen;
    int64_t err = sos_object_wait_one(t->handle, SOS_SIG_TERMINATED, deadline, &seen);
    if (err < 0)
        return (int)err;
    sos_handle_close(t->handle);
    __sl_pages_put((void *)(uintptr_t)t->stack_base, t->stack_size);
    t->handle = SOS_HANDLE_INVALID;
    return 0;
}
