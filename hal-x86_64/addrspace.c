/*
 * hal-x86_64/addrspace.c - the user address spaces (hal_as_*) and the %fs page.
 *
 * A space is its PML4 page; every user PML4 copies the kernel's upper half at creation
 * (mmu.c keeps those entries fixed after boot) and maps the syscall stub page at
 * X86_STUB_VA and the %fs page at X86_FS_VA outside the core's range. User pages:
 * read-only unless HAL_PROT_WRITE, NX unless HAL_PROT_EXEC; a page with no rights is a
 * non-present entry that keeps its frame (pt.h). Removing or narrowing mappings of a
 * live space shoots its translations down on the other CPUs (tlb.c).
 *
 * Layer: hal-x86_64 (above mmu.c and tlb.c; the core and trap.c call it).
 */
#include "mmu.h"

#include <sos/errors.h>

#include "hal.h"
#include "cpu.h"
#include "physmem.h"
#include "tlb.h"

#include "pt.h"

extern char x86_user_stub[]; /* entry.S */

/* A space is its PML4 page: the opaque pointer is that page's direct-map address. */
static inline paddr_t as_pml4(const struct hal_as *as) { return hal_virt_to_phys(as); }

/*
 * User %fs: code built with the stack protector (Debian's static zlib, linked into
 * services) reads its canary at %fs:0x28, so every user thread's %fs points at this
 * read-only page, mapped into each space outside the core's range like the stub page.
 * The canary is random per boot (RDRAND when the CPU has it, else the TSC).
 */
static paddr_t g_fs_page;
_Static_assert(X86_FS_VA == 0x00007fffffffc000ull, "entry.S writes this value to FS_BASE");

void x86_fs_page_init(void)
{
    g_fs_page = x86_early_alloc(1);
    uint64_t v = rdtsc() * 0x9e3779b97f4a7c15ull;
    uint32_t r[4];
    cpuid(1, 0, r);
    if (r[2] & (1u << 30)) {
        uint64_t x;
        unsigned char ok;
        __asm__ volatile("rdrand %0; setc %1" : "=r"(x), "=qm"(ok));
        if (ok)
            v ^= x;
    }
    v &= ~0xffull; /* a zero low byte stops string overruns at the canary */
    *(uint64_t *)((uint8_t *)hal_phys_to_virt(g_fs_page) + 0x28) = v;
}

unsigned hal_elf_machine(void) { return 62; /* EM_X86_64 */ }

int hal_as_create(struct hal_as **out)
{
    x86_mmu_frames_ready();
    paddr_t pml4 = core_frame_alloc();
    if (!pml4)
        return SOS_ERR_NO_MEMORY;
    uint64_t *k = hal_phys_to_virt(x86_mmu_kernel_pml4()), *u = hal_phys_to_virt(pml4);
    for (unsigned i = 256; i < 512; i++)
        u[i] = k[i];
    uint64_t stub_pa = hal_virt_to_phys(x86_user_stub);
    if (pt_map(&g_x86_pt, pml4, X86_STUB_VA, stub_pa, 1, PTE_P | PTE_U) ||
        pt_map(&g_x86_pt, pml4, X86_FS_VA, g_fs_page, 1, PTE_P | PTE_U | g_x86_pte_nx)) {
        pt_free_tables(&g_x86_pt, pml4, 0, 255);
        core_frame_free(pml4);
        return SOS_ERR_NO_MEMORY;
    }
    *out = (struct hal_as *)u;
    return 0;
}

void hal_as_destroy(struct hal_as *as)
{
    paddr_t pml4 = as_pml4(as);
    if ((read_cr3() & PTE_ADDR) == pml4)
        x86_mmu_set_cr3(x86_mmu_kernel_pml4());
    pt_free_tables(&g_x86_pt, pml4, 0, 255); /* leaves are the core's pages (or the stub) */
    core_frame_free(pml4);
}

void hal_as_range(struct hal_as *as, uintptr_t *base, uintptr_t *size)
{
    (void)as;
    *base = 0;
    *size = X86_USER_TOP;
}

/* x86 cannot map a page without read access: "no access" is a non-present entry. */
static uint64_t leaf_bits(unsigned prot)
{
    if (!(prot & (HAL_PROT_READ | HAL_PROT_WRITE | HAL_PROT_EXEC)))
        return PT_NOACCESS;
    return PTE_P | PTE_U | ((prot & HAL_PROT_WRITE) ? PTE_W : 0) |
           ((prot & HAL_PROT_EXEC) ? 0 : g_x86_pte_nx);
}

bool x86_user_noaccess(uint64_t va)
{
    if (va >= X86_USER_TOP)
        return false;
    uint64_t e = pt_lookup(&g_x86_pt, read_cr3() & PTE_ADDR, va & ~4095ull);
    return (e & PT_NOACCESS) && !(e & PTE_P);
}

static bool user_range_ok(uintptr_t va, size_t npages)
{
    return (va & 4095) == 0 && va < X86_USER_TOP && npages <= (X86_USER_TOP - va) / 4096;
}

int hal_as_map(struct hal_as *as, uintptr_t va, paddr_t pa, size_t npages, unsigned prot)
{
    if (!user_range_ok(va, npages))
        return SOS_ERR_INVALID_ARGS;
    return pt_map(&g_x86_pt, as_pml4(as), va, pa, npages, leaf_bits(prot)) ? SOS_ERR_NO_MEMORY : 0;
}

/* Drop stale translations here and on every other CPU where the space is live; a
   space that is not live somewhere gets fresh tables at its next activation. */
static void flush(struct hal_as *as, uintptr_t va, size_t npages)
{
    x86_shootdown(as_pml4(as));
    if ((read_cr3() & PTE_ADDR) != as_pml4(as))
        return;
    if (npages > 64) {
        write_cr3(as_pml4(as));
        return;
    }
    for (size_t i = 0; i < npages; i++)
        invlpg(va + i * 4096);
}

void hal_as_unmap(struct hal_as *as, uintptr_t va, size_t npages)
{
    if (!user_range_ok(va, npages))
        return;
    if (pt_unmap(&g_x86_pt, as_pml4(as), va, npages))
        flush(as, va, npages);
}

void hal_as_protect(struct hal_as *as, uintptr_t va, size_t npages, unsigned prot)
{
    if (!user_range_ok(va, npages))
        return;
    if (pt_protect(&g_x86_pt, as_pml4(as), va, npages, leaf_bits(prot)))
        flush(as, va, npages);
}

void hal_as_activate(struct hal_as *as)
{
    uint64_t want = as ? as_pml4(as) : x86_mmu_kernel_pml4();
    if ((read_cr3() & PTE_ADDR) != want)
        x86_mmu_set_cr3(want);
}

uintptr_t hal_as_syscall_entry(struct hal_as *as)
{
    (void)as;
    return X86_STUB_VA;
}
