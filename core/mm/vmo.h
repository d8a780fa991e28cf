/*
 * core/mm/vmo.h - memory objects: page-granular, resizable, lazily committed.
 *
 * A VMO is an array of frames, committed (allocated and zeroed) when first written or
 * mapped. A physical VMO borrows a fixed range (the boot store, a framebuffer) that it
 * never frees. Mappings pin the size: a mapped VMO cannot shrink below its mappings.
 *
 * Layer: core memory. Under g_klock.
 */
#ifndef CORE_MM_VMO_H
#define CORE_MM_VMO_H

#include "obj/object.h"

#define VMO_RESIZABLE SOS_VMO_RESIZABLE
#define VMO_PHYSICAL (1u << 8)

struct vmo {
    struct object obj;
    uint64_t size; /* bytes, a multiple of the page size */
    uint64_t npages;
    paddr_t *pages; /* 0: not committed */
    uint64_t committed;
    uint32_t flags;
    uint32_t map_count;
    uint64_t mapped_limit; /* highest byte offset any mapping covers */
};

struct vmo *vmo_new(uint64_t size, uint32_t flags, int *err);
struct vmo *vmo_new_physical(paddr_t base, uint64_t size, int *err);

/* The frame behind page `index`, committing it if needed; 0 when out of memory. */
paddr_t vmo_commit_page(struct vmo *v, uint64_t index);

/* Kernel-side copies. Ranges must lie within the size (checked: OUT_OF_RANGE). */
int vmo_read(struct vmo *v, void *dst, uint64_t off, size_t len);
int vmo_write(struct vmo *v, const void *src, uint64_t off, size_t len);

/* Copies to and from user memory the caller has already checked. */
int vmo_read_user(struct vmo *v, uintptr_t udst, uint64_t off, size_t len);
int vmo_write_user(struct vmo *v, uintptr_t usrc, uint64_t off, size_t len);

int vmo_set_size(struct vmo *v, uint64_t size);

void vmo_cache_init(void);

#endif
