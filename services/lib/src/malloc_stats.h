/*
 * services/lib/src/malloc_stats.h - allocator introspection for tests and diagnostics.
 *
 * Layer: services/lib (internal).
 */
#ifndef SL_MALLOC_STATS_H
#define SL_MALLOC_STATS_H

#include <stddef.h>

struct sl_malloc_stats {
    size_t arenas;       /* arenas mapped */
    size_t large;        /* blocks with their own mapping */
    size_t mapped_bytes; /* everything mapped from the system */
    size_t in_use_bytes; /* arena bytes in blocks handed out (headers included) */
};

void __sl_malloc_stats(struct sl_malloc_stats *out);
/* Give every empty arena back (including the one kept spare). */
void __sl_malloc_trim(void);
/* Check boundary tags and free lists: 0 when consistent, else a code naming the flaw. */
int __sl_malloc_check(void);

#endif
