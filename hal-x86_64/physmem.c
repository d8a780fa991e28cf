/*
 * hal-x86_64/physmem.c - physical memory before and beside the core's allocator.
 *
 * The direct map (hal_phys_to_virt, hal_virt_to_phys: all RAM at X86_DIRECT_BASE, the
 * kernel image where the loader put it). The UEFI memory map becomes the core's RAM
 * ranges: conventional and boot-services memory above 1 MiB, cut to the direct map.
 * The HAL's early pool is taken from the top of the largest of those ranges before
 * core_main (page tables for device windows, virtqueues, the console grid, other CPUs'
 * stacks); x86_dma_alloc hands out pool pages until the core owns the ranges and the
 * core's frames afterwards.
 *
 * Layer: hal-x86_64 (above bootinfo.c; reports exhaustion through halt.c).
 */
#include "physmem.h"

#include "hal.h"
#include "bootinfo.h"
#include "halt.h"

#include "lib/kstring.h"

void *hal_phys_to_virt(paddr_t pa) { return (void *)(uintptr_t)(X86_DIRECT_BASE + pa); }

paddr_t hal_virt_to_phys(const void *va)
{
    uint64_t v = (uint64_t)(uintptr_t)va;
    if (v >= X86_KERNEL_BASE)
        return g_x86_boot->kernel_pa + (v - g_x86_boot->kernel_va);
    return v - X86_DIRECT_BASE;
}

/* ---------------------------------------------------------------- the early pool */

/* The HAL's early pool: pages taken from the top of the largest usable range before
   the ranges go to the core. */
static struct hal_mem_range *g_pool_range;
static bool g_core_started;

paddr_t x86_early_alloc(size_t pages)
{
    if (!g_pool_range || g_pool_range->size < (pages + 16) * HAL_PAGE_SIZE)
        x86_fatal("boot: out of early memory (%zu pages wanted)", pages);
    g_pool_range->size -= pages * HAL_PAGE_SIZE;
    paddr_t pa = g_pool_range->base + g_pool_range->size;
    memset(hal_phys_to_virt(pa), 0, pages * HAL_PAGE_SIZE);
    return pa;
}

paddr_t x86_early_try_alloc(size_t pages)
{
    if (!g_pool_range || pages > g_pool_range->size / HAL_PAGE_SIZE / 4)
        return 0;
    return x86_early_alloc(pages);
}

void x86_mem_handover(void) { g_core_started = true; }

paddr_t x86_dma_alloc(size_t pages)
{
    if (!g_core_started)
        return x86_early_alloc(pages);
    return pages == 1 ? core_frame_alloc() : 0;
}

/* ---------------------------------------------------------------- the UEFI map */

static bool usable_type(uint32_t t)
{
    return t == X86_EFI_CONVENTIONAL || t == X86_EFI_BOOT_CODE || t == X86_EFI_BOOT_DATA ||
           t == X86_EFI_LOADER_CODE;
}

static void add_range(struct boot_info *bi, uint64_t base, uint64_t end)
{
    base = base < (1u << 20) ? (1u << 20) : base; /* leave real-mode memory alone */
    base = (base + 4095) & ~4095ull;
    end &= ~4095ull;
    if (end > g_x86_boot->direct_size)
        end = g_x86_boot->direct_size;
    if (end <= base)
        return;
    if (bi->mem_count && bi->mem[bi->mem_count - 1].base + bi->mem[bi->mem_count - 1].size == base) {
        bi->mem[bi->mem_count - 1].size += end - base;
        return;
    }
    if (bi->mem_count == HAL_MAX_MEM_RANGES) { /* replace the smallest if this is larger */
        unsigned s = 0;
        for (unsigned i = 1; i < bi->mem_count; i++)
            if (bi->mem[i].size < bi->mem[s].size)
                s = i;
        if (bi->mem[s].size < end - base)
            bi->mem[s] = (struct hal_mem_range){base, end - base};
        return;
    }
    bi->mem[bi->mem_count++] = (struct hal_mem_range){base, end - base};
}

struct efi_desc {
    uint32_t type, pad;
    uint64_t phys, virt, pages, attr;
};

void x86_mem_ranges(struct boot_info *bi)
{
    const struct x86_boot *b = g_x86_boot;
    const uint8_t *map = hal_phys_to_virt(b->mmap_pa);
    size_t n = b->mmap_desc_size ? b->mmap_size / b->mmap_desc_size : 0;
    /* UEFI does not promise a sorted map: adjacent ranges merge when they come in
       order, and the core takes ranges in any order */
    for (size_t i = 0; i < n; i++) {
        const struct efi_desc *d = (const void *)(map + i * b->mmap_desc_size);
        if (usable_type(d->type))
            add_range(bi, d->phys, d->phys + d->pages * HAL_PAGE_SIZE);
    }
    if (!bi->mem_count)
        x86_fatal("boot: no usable memory in the UEFI memory map");
    g_pool_range = &bi->mem[0];
    for (unsigned i = 1; i < bi->mem_count; i++)
        if (bi->mem[i].size > g_pool_range->size)
            g_pool_range = &bi->mem[i];
}
