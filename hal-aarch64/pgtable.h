/*
 * hal-aarch64/pgtable.h - one page-table mapper for the boot tables (built before the
 * MMU is on, tables addressed physically) and the per-process tables (built later,
 * tables addressed through the linear map).
 *
 * Layer: hal-aarch64.
 */
#ifndef HAL_AARCH64_PGTABLE_H
#define HAL_AARCH64_PGTABLE_H

#include <stdbool.h>
#include <stdint.h>

struct pt_ops {
    uint64_t (*alloc)(void); /* a zeroed table page (physical), or 0 */
    uint64_t virt_off;       /* table pointer = physical + virt_off */
    bool blocks;             /* may use 1 GiB / 2 MiB blocks */
};

/* Map [va, va+size) to pa with leaf attributes `attr`. 0, or -1 when out of tables. */
int pt_map(const struct pt_ops *ops, uint64_t root, uint64_t va, uint64_t pa, uint64_t size,
           uint64_t attr);

/* The level-3 entry for `va`, or NULL when its tables are absent (never allocates). */
uint64_t *pt_leaf(const struct pt_ops *ops, uint64_t root, uint64_t va);

/* Free every table page under `root` (not the pages they map), then root itself. */
void pt_free_tree(const struct pt_ops *ops, uint64_t root, void (*free_page)(uint64_t));

#endif
