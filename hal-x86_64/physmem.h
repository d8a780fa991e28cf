/*
 * hal-x86_64/physmem.h - physical memory before and beside the core's allocator
 * (physmem.c); the direct map itself is hal_phys_to_virt/hal_virt_to_phys of core/hal.h.
 *
 * Layer: hal-x86_64.
 */
#ifndef HAL_X86_64_PHYSMEM_H
#define HAL_X86_64_PHYSMEM_H

#include <stddef.h>

#include "hal.h"

/* Physically contiguous zeroed pages for the HAL before core_main (page tables, DMA
   rings); panics when memory is short. After core_main, single pages come from
   core_frame_alloc() instead (x86_dma_alloc picks). */
paddr_t x86_early_alloc(size_t pages);
/* The same for something the boot can go without (the display's copy): 0 instead of a
   panic, also when it would take more than a quarter of the pool's range. */
paddr_t x86_early_try_alloc(size_t pages);
paddr_t x86_dma_alloc(size_t pages);
/* The UEFI memory map into bi's RAM ranges; the early pool is the largest one's top. */
void x86_mem_ranges(struct boot_info *bi);
/* The core owns the ranges from now on: x86_dma_alloc takes its frames. */
void x86_mem_handover(void);

#endif
