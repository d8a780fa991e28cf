/*
 * core/mm/heap.h - the kernel heap: slab caches of fixed-size objects, kmalloc on top.
 *
 * Layer: core memory. Guarded by its own spinlock.
 */
#ifndef CORE_MM_HEAP_H
#define CORE_MM_HEAP_H

#include "kernel.h"

struct kcache; /* a slab cache: one-page slabs of equal objects */

/* A cache of objects of `size` bytes (at most 2048), 16-byte aligned. Boot only. */
struct kcache *kcache_create(const char *name, size_t size);
void *kcache_alloc(struct kcache *c); /* zeroed, or NULL */
void kcache_free(struct kcache *c, void *p);
size_t kcache_obj_size(const struct kcache *c);

/* General allocation: zeroed memory, or NULL. Sizes above 2 KiB take whole pages. */
void *kmalloc(size_t size);
void kfree(void *p);

void heap_init(void);
uint64_t heap_bytes_in_use(void);

#endif
