/*
 * hal-aarch64/dtb.h - a validating reader for flattened device trees (DTB, v16/v17).
 *
 * dtb_open() checks the whole blob once (header, offsets, every token, every name and
 * property string, nesting depth); only then do the accessors run, and they can no
 * longer read outside it. Nodes are named by the offset of their BEGIN_NODE token in
 * the structure block; -1 means "none".
 *
 * The same file is compiled into the kernel (where it also runs before the MMU is on:
 * no tables of pointers, no jump tables, no libc) and into the host unit tests.
 *
 * Layer: hal-aarch64, platform-neutral (no aarch64 code).
 */
#ifndef HAL_AARCH64_DTB_H
#define HAL_AARCH64_DTB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DTB_MAGIC 0xd00dfeedu
#define DTB_MAX_DEPTH 32
#define DTB_MAX_SIZE (2u << 20) /* the arm64 boot protocol's limit */

struct dtb {
    const uint8_t *base;
    uint32_t size;        /* totalsize */
    uint32_t off_struct, size_struct;
    uint32_t off_strings, size_strings;
    uint32_t off_rsvmap;
    uint32_t root;        /* offset of the root node in the structure block */
    uint32_t ph_cache[2]; /* the last phandle looked up and its node + 1 */
};

/* Check `blob` (at most `avail` readable bytes). 0, or -1 with *why set. */
int dtb_open(struct dtb *d, const void *blob, size_t avail, const char **why);

uint32_t dtb_be32(const void *p);
uint64_t dtb_cells(const void *p, unsigned ncells); /* 1 or 2 cells, big endian */

int dtb_root(const struct dtb *d);
const char *dtb_name(const struct dtb *d, int node);
int dtb_first_child(const struct dtb *d, int node);
int dtb_next_sibling(const struct dtb *d, int node);
int dtb_parent(const struct dtb *d, int node);

/* A property's value and length, or NULL. */
const void *dtb_prop(const struct dtb *d, int node, const char *name, uint32_t *len);
/* A property holding one u32 cell, or `dflt`. */
uint32_t dtb_prop_u32(const struct dtb *d, int node, const char *name, uint32_t dflt);
/* A string property (checked to be NUL-terminated), or NULL. */
const char *dtb_prop_str(const struct dtb *d, int node, const char *name);

/* "/a/b@1" (a unit address may be left out when unambiguous); -1 when absent. */
int dtb_find_path(const struct dtb *d, const char *path, size_t len);
int dtb_find_phandle(const struct dtb *d, uint32_t phandle);
/* The next node after `after` (-1: from the start) whose compatible list has `compat`. */
int dtb_find_compatible(const struct dtb *d, int after, const char *compat);
bool dtb_is_compatible(const struct dtb *d, int node, const char *compat);
/* status absent, "okay" or "ok". */
bool dtb_is_enabled(const struct dtb *d, int node);

/* Memory reservation block entries. */
unsigned dtb_rsv_count(const struct dtb *d);
void dtb_rsv_get(const struct dtb *d, unsigned i, uint64_t *addr, uint64_t *size);

/* #address-cells / #size-cells that apply to the children of `bus`. */
uint32_t dtb_addr_cells(const struct dtb *d, int bus);
uint32_t dtb_size_cells(const struct dtb *d, int bus);

/*
 * The i-th (address, size) pair of `node`'s reg, translated through every ancestor's
 * ranges to a CPU physical address. 0, or -1 when absent or not translatable.
 */
int dtb_reg(const struct dtb *d, int node, unsigned i, uint64_t *addr, uint64_t *size);

#endif
