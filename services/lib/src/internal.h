/*
 * services/lib/src/internal.h - what the runtime's files share and nothing else sees.
 *
 * The allocator reaches memory only through __sl_pages_get/__sl_pages_put and waits
 * only through __sl_yield, so the host unit tests can run it over a fake page provider
 * (pages.c is the real one, over memory objects).
 *
 * Layer: services/lib (internal).
 */
#ifndef SL_INTERNAL_H
#define SL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* `len` bytes (a multiple of the page size) of zeroed, page-aligned memory, or NULL. */
void *__sl_pages_get(size_t len);
/* Give back exactly a range __sl_pages_get returned. */
void __sl_pages_put(void *p, size_t len);
/* Let another thread run (a lock holder). */
void __sl_yield(void);

#define SL_PAGE 4096u

/* A small lock for runtime state shared by threads: spin briefly, then yield. */
typedef struct {
    volatile int locked;
} sl_lock_t;

static inline void sl_lock(sl_lock_t *l)
{
    for (unsigned spins = 0; __atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE); spins++) {
        if (spins >= 64)
            __sl_yield();
    }
}

static inline void sl_unlock(sl_lock_t *l) { __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE); }

/* Write all of buf to the debug console (chunks the kernel limit). */
void __sl_console_write(const char *buf, size_t len);

#endif
