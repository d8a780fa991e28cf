/*
 * core/mm/pmm.h - the physical frame allocator.
 *
 * Layer: core memory. Guarded by its own spinlock, so any context may call it.
 */
#ifndef CORE_MM_PMM_H
#define CORE_MM_PMM_H

#include "kernel.h"

/* Take the usable ranges of the boot info. Panics when there is no usable memory. */
void pmm_init(const struct hal_mem_range *ranges, unsigned count);

/* One zeroed frame, or 0. */
paddr_t pmm_alloc(void);

/* `n` physically contiguous zeroed frames aligned to `align_pages` pages, or 0. */
paddr_t pmm_alloc_run(size_t n, size_t align_pages);

void pmm_free(paddr_t pa);
void pmm_free_run(paddr_t pa, size_t n);

uint64_t pmm_total_frames(void);
uint64_t pmm_free_frames(void);

#endif
