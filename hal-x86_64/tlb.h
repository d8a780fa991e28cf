/*
 * hal-x86_64/tlb.h - TLB shootdown (tlb.c).
 *
 * Layer: hal-x86_64.
 */
#ifndef HAL_X86_64_TLB_H
#define HAL_X86_64_TLB_H

#include <stdint.h>

/* Make every other CPU running the space `pml4` drop its stale translations; returns
   when each has. */
void x86_shootdown(uint64_t pml4);
/* Flush here if another CPU asked (the flush vector, hal_cpu_relax). */
void x86_flush_if_asked(void);

#endif
