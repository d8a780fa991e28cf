/*
 * hal-x86_64/mmu.c - the kernel's mappings, and the page-table memory every space uses.
 *
 * Layout (bootproto.h): user code in the lower half below X86_USER_TOP, the syscall
 * stub page at X86_STUB_VA; physical memory at X86_DIRECT_BASE (built by the loader
 * with 2 MiB pages, NX); device windows at X86_MMIO_BASE; the kernel image at
 * X86_KERNEL_BASE. Every user PML4 copies the kernel's upper half at creation; those
 * upper entries never change after boot (the device window's PDPT exists from the
 * start), so all spaces see every later kernel mapping.
 *
 * Table pages come from the early pool during boot and from core_frame_alloc() once the
 * core runs (g_x86_pt, for this file and addrspace.c); pt.c does the walking. The user
 * address spaces are addrspace.c.
 *
 * Layer: hal-x86_64 (above physmem.c and cpu.c).
 */
#include "mmu.h"

#include "hal.h"
#include "cpu.h"
#include "bootinfo.h"
#include "physmem.h"
#include "halt.h"

#include "pt.h"

static uint64_t g_kernel_pml4;   /* physical */
static uint64_t g_mmio_next = X86_MMIO_BASE;
uint64_t g_x86_pte_nx; /* PTE_NX when the CPU has NX, else 0 */

void x86_mmu_set_cr3(uint64_t pml4)
{
    x86_this_cpu()->cr3 = pml4;
    write_cr3(pml4);
}

/* ---- table memory: the early pool during boot, the core's frames afterwards */

static bool g_core_up;

static uint64_t pt_alloc(void *env)
{
    (void)env;
    return g_core_up ? core_frame_alloc() : x86_early_alloc(1);
}

static void pt_free(void *env, uint64_t pa)
{
    (void)env;
    if (g_core_up)
        core_frame_free(pa);
}

static void *pt_phys(void *env, uint64_t pa)
{
    (void)env;
    return hal_phys_to_virt(pa);
}

const struct pt_ctx g_x86_pt = {pt_alloc, pt_free, pt_phys, NULL};

/* ---- the kernel half */

void x86_mmu_init(void)
{
    g_kernel_pml4 = read_cr3() & PTE_ADDR;
    g_x86_pte_nx = g_x86_boot->nx ? PTE_NX : 0;
    uint64_t *pml4 = hal_phys_to_virt(g_kernel_pml4);
    for (unsigned i = 0; i < 256; i++) /* the loader's identity page */
        pml4[i] = 0;
    unsigned mmio_slot = (X86_MMIO_BASE >> 39) & 511;
    if (!(pml4[mmio_slot] & PTE_P))
        pml4[mmio_slot] = x86_early_alloc(1) | PTE_P | PTE_W;
    x86_mmu_set_cr3(g_kernel_pml4);
}

void x86_mmu_ap_init(void) { write_cr3(g_kernel_pml4); }

uint64_t x86_mmu_kernel_pml4(void) { return g_kernel_pml4; }

void *x86_mmio_map(paddr_t pa, uint64_t size, bool wc)
{
    uint64_t off = pa & 4095;
    uint64_t pages = (off + size + 4095) / 4096;
    uint64_t va = g_mmio_next;
    uint64_t flags = PTE_P | PTE_W | PTE_G | g_x86_pte_nx | (wc ? PTE_PWT : (PTE_PCD | PTE_PWT));
    if (pt_map(&g_x86_pt, g_kernel_pml4, va, pa - off, pages, flags))
        x86_fatal("mmu: no memory to map device memory at %#llx", (unsigned long long)pa);
    g_mmio_next += (pages + 1) * 4096; /* a guard page between windows */
    return (void *)(uintptr_t)(va + off);
}

/* Called once the core's frame allocator works (the first address space). */
void x86_mmu_frames_ready(void) { g_core_up = true; }
