/*
 * hal-aarch64/pgtable.c - the 4-level, 4 KiB-granule table walker (see pgtable.h).
 *
 * Runs before the MMU is on (boot.c) as well as after: it keeps no pointers, only
 * physical table addresses, and reaches a table through ops->virt_off.
 *
 * Layer: hal-aarch64.
 */
#include "pgtable.h"

#include "arch.h"

#define GIB (1ull << 30)
#define MIB2 (1ull << 21)
#define PAGE 4096ull

static uint64_t *table(const struct pt_ops *ops, uint64_t pa)
{
    return (uint64_t *)(uintptr_t)(pa + ops->virt_off);
}

static unsigned index_of(uint64_t va, unsigned level)
{
    return (unsigned)(va >> (39 - 9 * level)) & 511u;
}

/* The next-level table under entry `e`, allocated when absent; 0 on failure. */
static uint64_t next_table(const struct pt_ops *ops, uint64_t *e)
{
    if (*e & PTE_VALID)
        return (*e & PTE_TABLE) ? (*e & PTE_ADDR_MASK) : 0; /* a block is in the way */
    uint64_t pa = ops->alloc ? ops->alloc() : 0;
    if (!pa)
        return 0;
    *e = pa | PTE_TABLE | PTE_VALID;
    return pa;
}

int pt_map(const struct pt_ops *ops, uint64_t root, uint64_t va, uint64_t pa, uint64_t size,
           uint64_t attr)
{
    while (size) {
        uint64_t t = root;
        unsigned level = 0;
        uint64_t span = 0;
        for (;; level++) {
            uint64_t *e = &table(ops, t)[index_of(va, level)];
            span = level == 1 ? GIB : level == 2 ? MIB2 : PAGE;
            bool fits = level == 3 || (ops->blocks && level >= 1 && size >= span &&
                                       ((va | pa) & (span - 1)) == 0);
            if (fits) {
                *e = pa | attr | PTE_VALID | (level == 3 ? PTE_PAGE : 0);
                break;
            }
            t = next_table(ops, e);
            if (!t)
                return -1;
        }
        va += span;
        pa += span;
        size -= span;
    }
    return 0;
}

uint64_t *pt_leaf(const struct pt_ops *ops, uint64_t root, uint64_t va)
{
    uint64_t t = root;
    for (unsigned level = 0; level < 3; level++) {
        uint64_t e = table(ops, t)[index_of(va, level)];
        if ((e & (PTE_VALID | PTE_TABLE)) != (PTE_VALID | PTE_TABLE))
            return 0;
        t = e & PTE_ADDR_MASK;
    }
    return &table(ops, t)[index_of(va, 3)];
}

static void free_level(const struct pt_ops *ops, uint64_t t, unsigned level,
                       void (*free_page)(uint64_t))
{
    if (level < 3) {
        uint64_t *tab = table(ops, t);
        for (unsigned i = 0; i < 512; i++)
            if ((tab[i] & (PTE_VALID | PTE_TABLE)) == (PTE_VALID | PTE_TABLE))
                free_level(ops, tab[i] & PTE_ADDR_MASK, level + 1, free_page);
    }
    free_page(t);
}

void pt_free_tree(const struct pt_ops *ops, uint64_t root, void (*free_page)(uint64_t))
{
    free_level(ops, root, 0, free_page);
}
