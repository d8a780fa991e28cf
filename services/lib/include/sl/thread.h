/*
 * sl/thread.h - threads with runtime-managed stacks.
 *
 * sl_thread_start maps a stack (a memory object; the kernel leaves an unmapped guard
 * page below every mapping), starts fn(arg) on it, and fills in a struct the joiner
 * uses; the new thread never touches that struct (its start record sits at the top of
 * its own stack). When fn returns the thread exits. sl_thread_join waits for the end,
 * then unmaps the stack and closes the handle. A thread that faults takes its whole
 * process down. There is no thread-local storage: share state through arguments.
 *
 * Layer: services/lib (runtime).
 */
#ifndef SL_THREAD_H
#define SL_THREAD_H

#include <sos/sos.h>

struct sl_thread {
    sos_handle_t handle; /* the thread (wait for SOS_SIG_TERMINATED, kill, info) */
    uint64_t stack_base;
    uint64_t stack_size;
    void (*fn)(void *);
    void *arg;
};

#define SL_THREAD_STACK_DEFAULT (64u * 1024u)

/* Start fn(arg) on a new thread; stack_size 0 means the default. 0 or SOS_ERR_*. */
int sl_thread_start(struct sl_thread *t, void (*fn)(void *), void *arg, size_t stack_size);

/* Wait until the thread has ended (up to `deadline`), then free its stack and handle. */
int sl_thread_join(struct sl_thread *t, sos_time_t deadline);

#endif
