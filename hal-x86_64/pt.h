/*
 * hal-x86_64/pt.h - 4-level x86_64 page tables, independent of the running machine.
 *
 * The walker takes its memory through a small context (allocate a zeroed table page,
 * free one, see a physical page), so the same code runs in the kernel (the core's frames
 * through the direct map) and in a host unit test (pt_test.c, tables from malloc).
 * Leaf entries are 4 KiB; intermediate entries get P|W|U and the leaf carries the rights.
 * A leaf is stored exactly as the caller's bits say, present or not: a mapping with no
 * access at all is a non-present entry that keeps its address and a software bit
 * (PT_NOACCESS), so it can be protected back later. Any non-zero leaf is "mapped".
 *
 * Layer: hal-x86_64 (freestanding; no core state).
 */
#ifndef HAL_X86_64_PT_H
#define HAL_X86_64_PT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PT_NOACCESS (1ull << 9) /* software bit: a mapped page with no access */

struct pt_ctx {
    uint64_t (*alloc)(void *env);          /* a zeroed page's physical address, or 0 */
    void (*free)(void *env, uint64_t pa);
    void *(*phys)(void *env, uint64_t pa); /* where the kernel sees physical `pa` */
    void *env;
};

/*
 * Map `n` pages at `va` to the contiguous physical range at `pa` with leaf bits
 * `flags` (PTE_* without the address; P included unless the page is PT_NOACCESS). Returns 0, or -1 when a table page could not be
 * allocated: then nothing stays mapped and tables allocated by this call are freed.
 */
int pt_map(const struct pt_ctx *c, uint64_t root, uint64_t va, uint64_t pa, size_t n,
           uint64_t flags);

/* Clear `n` leaf entries at `va` (absent ones are skipped); table pages that become
   empty are freed. Returns the number of entries that were mapped. */
size_t pt_unmap(const struct pt_ctx *c, uint64_t root, uint64_t va, size_t n);

/* Replace the leaf bits of mapped entries; returns how many changed. */
size_t pt_protect(const struct pt_ctx *c, uint64_t root, uint64_t va, size_t n,
                  uint64_t flags);

/* The leaf entry for `va` (maybe non-present: PT_NOACCESS), or 0 when not mapped. */
uint64_t pt_lookup(const struct pt_ctx *c, uint64_t root, uint64_t va);

/* Free every table page under root entries [first, last] (leaves are not freed). */
void pt_free_tables(const struct pt_ctx *c, uint64_t root, unsigned first, unsigned last);

#endif
