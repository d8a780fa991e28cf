/*
 * hal-x86_64/mmu.h - page-table entry bits, the user address-space layout, the
 * kernel's mappings (mmu.c) and what the rest of the HAL asks of the user spaces
 * (addrspace.c).
 *
 * Layer: hal-x86_64.
 */
#ifndef HAL_X86_64_MMU_H
#define HAL_X86_64_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include "hal.h"
#include "pt.h"

/* ---- user address space */
#define X86_USER_TOP 0x00007fff00000000ull  /* the core's range ends here */
#define X86_STUB_VA 0x00007fffffffe000ull   /* the syscall entry stub page */
#define X86_FS_VA 0x00007fffffffc000ull     /* %fs of user threads: the canary page */

/* ---- page-table entry bits */
#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_U (1ull << 2)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_PS (1ull << 7)
#define PTE_G (1ull << 8)
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

/* ---- mmu.c */
void x86_mmu_init(void);
void x86_mmu_ap_init(void);
uint64_t x86_mmu_kernel_pml4(void);
/* Load %cr3 and note it in the per-CPU block (tlb.c sees which CPUs run a space). */
void x86_mmu_set_cr3(uint64_t pml4);
/* The core's frame allocator works: table pages come from it from now on. */
void x86_mmu_frames_ready(void);
extern uint64_t g_x86_pte_nx;        /* PTE_NX when the CPU has NX, else 0 */
extern const struct pt_ctx g_x86_pt; /* table memory for every space */
/* Map `size` bytes of device memory at physical `pa` into the kernel's device window;
   `wc` for write-combining (framebuffers). Returns the virtual address. */
void *x86_mmio_map(paddr_t pa, uint64_t size, bool wc);

/* ---- addrspace.c */
/* The page user %fs points at: a canary at +0x28 for stack-protected code. */
void x86_fs_page_init(void);
/* Is `va` a page of the current space mapped with no access at all? */
bool x86_user_noaccess(uint64_t va);

#endif
