/*
 * hal-aarch64/mmu.c - address spaces: the kernel's view of memory, per-process TTBR0
 * tables, the syscall stub page, and copies to and from user memory.
 *
 * A struct hal_as is the linear-map address of the process's level-0 table (nothing
 * else is needed). User pages are 4 KiB, non-global, never executable by the kernel
 * (PXN), read-only unless written to, executable only without write (W^X). All
 * processes share ASID 0: activating a space flushes the non-global TLB entries.
 * With PAN the kernel cannot touch user pages except inside arch_copy_user.
 *
 * Layer: hal-aarch64.
 */
#include "arch.h"
#include "pgtable.h"

#include "hal.h"
#include <sos/errors.h>

#define UPTE_BASE (PTE_ATTR(MAIR_IDX_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_NG | PTE_PXN)

bool g_has_pan;
static uint64_t g_empty_ttbr0; /* the table used while no process is active */
extern char _kernel_start[], user_stub[];

void *phys_to_virt(uint64_t pa) { return (void *)(uintptr_t)(pa + LINEAR_BASE); }

uint64_t virt_to_phys(const void *va)
{
    uint64_t v = (uintptr_t)va;
    if (v >= KERNEL_VBASE)
        return v - KERNEL_VBASE + g_kernel_pa;
    return v - LINEAR_BASE;
}

uintptr_t mmio_va(uint64_t pa) { return (uintptr_t)(pa + LINEAR_BASE); }

void *hal_phys_to_virt(paddr_t pa) { return phys_to_virt(pa); }
paddr_t hal_virt_to_phys(const void *va) { return virt_to_phys(va); }

static uint64_t frame_alloc(void) { return core_frame_alloc(); }

static void user_ops(struct pt_ops *ops)
{
    ops->alloc = frame_alloc;
    ops->virt_off = LINEAR_BASE;
    ops->blocks = false;
}

static uint64_t root_of(struct hal_as *as) { return virt_to_phys(as); }

static uint64_t user_attr(unsigned prot)
{
    uint64_t a = UPTE_BASE;
    if (prot & (HAL_PROT_READ | HAL_PROT_WRITE | HAL_PROT_EXEC))
        a |= PTE_AP_EL0;
    if (!(prot & HAL_PROT_WRITE))
        a |= PTE_AP_RO;
    if (!(prot & HAL_PROT_EXEC) || (prot & HAL_PROT_WRITE))
        a |= PTE_UXN;
    return a;
}

static void tlb_flush_page(uint64_t va)
{
    dsb(ishst);
    __asm__ volatile("tlbi vae1is, %0" ::"r"((va >> 12) & 0xfffffffffffull));
    dsb(ish);
    isb();
}

void mmu_init_late(void)
{
    uint64_t mmfr1 = read_sysreg(id_aa64mmfr1_el1);
    g_has_pan = ((mmfr1 >> 20) & 0xf) != 0;
    if (g_has_pan) {
        /* SPAN = 0: PSTATE.PAN is set on every exception to EL1 */
        write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) & ~(1ull << 23));
        isb();
        __asm__ volatile(".inst 0xd500419f" ::: "memory"); /* msr pan, #1 */
    }
    hal_as_activate(NULL); /* drop the boot identity map */
}

/* Called once the core's frame allocator works (first hal_as_create). */
static void ensure_empty_ttbr0(void)
{
    if (!g_empty_ttbr0)
        g_empty_ttbr0 = core_frame_alloc();
}

int hal_as_create(struct hal_as **out)
{
    ensure_empty_ttbr0();
    uint64_t root = core_frame_alloc();
    if (!root)
        return SOS_ERR_NO_MEMORY;
    struct pt_ops ops;
    user_ops(&ops);
    uint64_t stub_pa = g_kernel_pa + ((uintptr_t)user_stub - (uintptr_t)_kernel_start);
    if (pt_map(&ops, root, USER_STUB_VA, stub_pa, 4096,
               user_attr(HAL_PROT_READ | HAL_PROT_EXEC))) {
        pt_free_tree(&ops, root, core_frame_free);
        return SOS_ERR_NO_MEMORY;
    }
    *out = phys_to_virt(root);
    return 0;
}

void hal_as_destroy(struct hal_as *as)
{
    struct pt_ops ops;
    user_ops(&ops);
    pt_free_tree(&ops, root_of(as), core_frame_free);
    __asm__ volatile("dsb ishst; tlbi aside1is, xzr; dsb ish; isb" ::: "memory");
}

void hal_as_range(struct hal_as *as, uintptr_t *base, uintptr_t *size)
{
    (void)as;
    *base = 0;
    *size = USER_STUB_VA; /* everything below the stub page */
}

int hal_as_map(struct hal_as *as, uintptr_t va, paddr_t pa, size_t npages, unsigned prot)
{
    struct pt_ops ops;
    user_ops(&ops);
    if (va + npages * 4096 > USER_STUB_VA || va + npages * 4096 < va)
        return SOS_ERR_INVALID_ARGS;
    if (pt_map(&ops, root_of(as), va, pa, npages * 4096, user_attr(prot))) {
        hal_as_unmap(as, va, npages);
        return SOS_ERR_NO_MEMORY;
    }
    dsb(ishst);
    isb();
    return 0;
}

void hal_as_unmap(struct hal_as *as, uintptr_t va, size_t npages)
{
    struct pt_ops ops;
    user_ops(&ops);
    for (size_t i = 0; i < npages; i++) {
        uint64_t *e = pt_leaf(&ops, root_of(as), va + i * 4096);
        if (e && *e) {
            *e = 0;
            tlb_flush_page(va + i * 4096);
        }
    }
}

void hal_as_protect(struct hal_as *as, uintptr_t va, size_t npages, unsigned prot)
{
    struct pt_ops ops;
    user_ops(&ops);
    for (size_t i = 0; i < npages; i++) {
        uint64_t *e = pt_leaf(&ops, root_of(as), va + i * 4096);
        if (e && (*e & PTE_VALID)) {
            *e = (*e & PTE_ADDR_MASK) | user_attr(prot) | PTE_VALID | PTE_PAGE;
            tlb_flush_page(va + i * 4096);
        }
    }
}

void hal_as_activate(struct hal_as *as)
{
    uint64_t root = as ? root_of(as) : g_empty_ttbr0;
    if (!root) {
        /* before the core's allocator: turn TTBR0 walks off instead */
        write_sysreg(tcr_el1, read_sysreg(tcr_el1) | (1ull << 7)); /* EPD0 */
        isb();
    } else {
        write_sysreg(ttbr0_el1, root);
        write_sysreg(tcr_el1, read_sysreg(tcr_el1) & ~(1ull << 7));
        isb();
    }
    __asm__ volatile("tlbi aside1, xzr; dsb nsh; isb" ::: "memory");
}

uintptr_t hal_as_syscall_entry(struct hal_as *as)
{
    (void)as;
    return USER_STUB_VA;
}

static bool user_range_ok(uintptr_t u, size_t len)
{
    return u + len >= u && u + len <= USER_TOP;
}

int hal_copy_from_user(void *dst, uintptr_t usrc, size_t len)
{
    if (!user_range_ok(usrc, len) || arch_copy_user(dst, (const void *)usrc, len))
        return SOS_ERR_BAD_ADDRESS;
    return 0;
}

int hal_copy_to_user(uintptr_t udst, const void *src, size_t len)
{
    if (!user_range_ok(udst, len) || arch_copy_user((void *)udst, src, len))
        return SOS_ERR_BAD_ADDRESS;
    return 0;
}
