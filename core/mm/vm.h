/*
 * core/mm/vm.h - user address spaces: the core's list of mappings over a HAL space.
 *
 * The core decides where mappings go and checks every user pointer against them; the
 * HAL only programs page tables. Mappings are whole VMO ranges; unmap and protect work
 * on whole mappings. W^X: no mapping is ever writable and executable at once.
 *
 * Layer: core memory. Under g_klock.
 */
#ifndef CORE_MM_VM_H
#define CORE_MM_VM_H

#include "mm/vmo.h"

#define VM_NULL_GUARD 0x10000u /* user addresses below this are never mapped */

struct vm_mapping {
    struct list_node node; /* sorted by va */
    uintptr_t va;
    uint64_t len;
    struct vmo *vmo;
    uint64_t offset;
    uint32_t prot;     /* SOS_VM_* */
    uint32_t max_prot; /* what the handle's rights allowed */
};

struct vmspace {
    struct hal_as *as;
    uintptr_t base, top;
    struct list_node maps;
    uint64_t mapped_bytes;
    uint32_t nmaps;
    struct vm_mapping *hint[2]; /* vm_check's last two hits (mappings on maps), or NULL */
};

int vmspace_create(struct vmspace **out);
void vmspace_destroy(struct vmspace *vs);

/*
 * Map [offset, offset+len) of `vmo`. With `fixed` the mapping goes at *va exactly;
 * otherwise the lowest free gap is used and returned in *va. Commits every page.
 */
int vm_map(struct vmspace *vs, struct vmo *vmo, uint64_t offset, uint64_t len,
           uint32_t prot, uint32_t max_prot, bool fixed, uintptr_t *va);
int vm_unmap(struct vmspace *vs, uintptr_t va, uint64_t len);
int vm_protect(struct vmspace *vs, uintptr_t va, uint64_t len, uint32_t prot);

/* A free gap of `len` bytes (for placing an image), or 0. */
uintptr_t vm_find_gap(struct vmspace *vs, uint64_t len);

/* Is [uaddr, uaddr+len) wholly inside mappings that allow `prot`? */
bool vm_check(struct vmspace *vs, uintptr_t uaddr, size_t len, uint32_t prot);

/* The mapping containing `va`, or NULL. */
struct vm_mapping *vm_lookup(struct vmspace *vs, uintptr_t va);

/* Copy from/to the current process's user memory, checked. */
int copy_from_user(void *dst, uintptr_t usrc, size_t len);
int copy_to_user(uintptr_t udst, const void *src, size_t len);

void vm_cache_init(void);

#endif
