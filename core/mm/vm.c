/*
 * core/mm/vm.c - mappings of VMOs into user address spaces.
 *
 * Layer: core memory.
 */
#include "mm/vm.h"

#include "mm/heap.h"
#include "proc/process.h"
#include "proc/thread.h"

static struct kcache *g_map_cache;

void vm_cache_init(void) { g_map_cache = kcache_create("vm_mapping", sizeof(struct vm_mapping)); }

static unsigned hal_prot(uint32_t prot)
{
    return ((prot & SOS_VM_READ) ? HAL_PROT_READ : 0) |
           ((prot & SOS_VM_WRITE) ? HAL_PROT_WRITE : 0) |
           ((prot & SOS_VM_EXEC) ? HAL_PROT_EXEC : 0);
}

int vmspace_create(struct vmspace **out)
{
    struct vmspace *vs = kmalloc(sizeof(*vs));
    if (!vs)
        return SOS_ERR_NO_MEMORY;
    int err = hal_as_create(&vs->as);
    if (err) {
        kfree(vs);
        return err;
    }
    uintptr_t base, size;
    hal_as_range(vs->as, &base, &size);
    vs->base = MAX(base, (uintptr_t)VM_NULL_GUARD);
    vs->top = base + size;
    list_init(&vs->maps);
    *out = vs;
    return 0;
}

static void mapping_remove(struct vmspace *vs, struct vm_mapping *m)
{
    hal_as_unmap(vs->as, m->va, m->len / PAGE_SIZE);
    list_remove(&m->node);
    if (vs->hint[0] == m)
        vs->hint[0] = NULL;
    if (vs->hint[1] == m)
        vs->hint[1] = NULL;
    vs->mapped_bytes -= m->len;
    vs->nmaps--;
    m->vmo->map_count--;
    obj_unref(&m->vmo->obj);
    kcache_free(g_map_cache, m);
}

void vmspace_destroy(struct vmspace *vs)
{
    while (!list_empty(&vs->maps))
        mapping_remove(vs, list_entry(vs->maps.next, struct vm_mapping, node));
    hal_as_destroy(vs->as);
    kfree(vs);
}

/* The mapping before which a new one at [va, va+len) would go, or NULL on overlap. */
static struct list_node *insert_point(struct vmspace *vs, uintptr_t va, uint64_t len)
{
    struct list_node *pos;
    list_for_each(pos, &vs->maps) {
        struct vm_mapping *m = list_entry(pos, struct vm_mapping, node);
        if (va + len <= m->va)
            return pos;
        if (va < m->va + m->len)
            return NULL;
    }
    return &vs->maps;
}

uintptr_t vm_find_gap(struct vmspace *vs, uint64_t len)
{
    /* one unmapped guard page after every mapping catches overruns */
    uintptr_t cur = vs->base;
    struct list_node *pos;
    list_for_each(pos, &vs->maps) {
        struct vm_mapping *m = list_entry(pos, struct vm_mapping, node);
        if (cur + len + PAGE_SIZE <= m->va && cur + len > cur)
            return cur;
        cur = MAX(cur, m->va + m->len + PAGE_SIZE);
    }
    if (cur + len <= vs->top && cur + len > cur)
        return cur;
    return 0;
}

static int map_pages(struct vmspace *vs, struct vmo *vmo, uint64_t offset, uintptr_t va,
                     uint64_t npages, unsigned prot)
{
    uint64_t i = 0;
    while (i < npages) {
        paddr_t pa = vmo_commit_page(vmo, offset / PAGE_SIZE + i);
        if (!pa)
            goto fail;
        uint64_t run = 1; /* coalesce physically contiguous pages into one call */
        while (i + run < npages) {
            paddr_t nx = vmo_commit_page(vmo, offset / PAGE_SIZE + i + run);
            if (!nx)
                goto fail;
            if (nx != pa + run * PAGE_SIZE)
                break;
            run++;
        }
        if (hal_as_map(vs->as, va + i * PAGE_SIZE, pa, run, prot))
            goto fail;
        i += run;
    }
    return 0;
fail:
    hal_as_unmap(vs->as, va, i);
    return SOS_ERR_NO_MEMORY;
}

int vm_map(struct vmspace *vs, struct vmo *vmo, uint64_t offset, uint64_t len,
           uint32_t prot, uint32_t max_prot, bool fixed, uintptr_t *va)
{
    if (len == 0 || !IS_ALIGNED(offset, PAGE_SIZE) || (prot & ~SOS_VM_PROT_MASK))
        return SOS_ERR_INVALID_ARGS;
    if ((prot & SOS_VM_WRITE) && (prot & SOS_VM_EXEC))
        return SOS_ERR_ACCESS_DENIED; /* W^X */
    if ((prot & max_prot) != prot)
        return SOS_ERR_ACCESS_DENIED;
    len = ALIGN_UP(len, PAGE_SIZE);
    if (len == 0 || offset > vmo->size || len > vmo->size - offset)
        return SOS_ERR_OUT_OF_RANGE;
    uintptr_t at = fixed ? *va : vm_find_gap(vs, len);
    if (fixed && (!IS_ALIGNED(at, PAGE_SIZE) || at < vs->base || at + len > vs->top ||
                  at + len < at))
        return SOS_ERR_OUT_OF_RANGE;
    if (!at)
        return SOS_ERR_NO_RESOURCES;
    struct list_node *before = insert_point(vs, at, len);
    if (!before)
        return SOS_ERR_ALREADY_EXISTS;
    struct vm_mapping *m = kcache_alloc(g_map_cache);
    if (!m)
        return SOS_ERR_NO_MEMORY;
    if (map_pages(vs, vmo, offset, at, len / PAGE_SIZE, hal_prot(prot))) {
        kcache_free(g_map_cache, m);
        return SOS_ERR_NO_MEMORY;
    }
    *m = (struct vm_mapping){.va = at, .len = len, .vmo = vmo, .offset = offset,
                             .prot = prot, .max_prot = max_prot};
    list_insert_after(before->prev, &m->node);
    obj_ref(&vmo->obj);
    vmo->map_count++;
    vmo->mapped_limit = MAX(vmo->mapped_limit, offset + len);
    vs->mapped_bytes += len;
    vs->nmaps++;
    *va = at;
    return 0;
}

/* Every mapping that meets [va, va+len) must lie wholly inside it. */
static int whole_mappings(struct vmspace *vs, uintptr_t va, uint64_t len, unsigned *count)
{
    if (!IS_ALIGNED(va, PAGE_SIZE) || len == 0 || va + len < va)
        return SOS_ERR_INVALID_ARGS;
    len = ALIGN_UP(len, PAGE_SIZE);
    *count = 0;
    struct list_node *pos;
    list_for_each(pos, &vs->maps) {
        struct vm_mapping *m = list_entry(pos, struct vm_mapping, node);
        if (m->va + m->len <= va || m->va >= va + len)
            continue;
        if (m->va < va || m->va + m->len > va + len)
            return SOS_ERR_INVALID_ARGS; /* would split a mapping */
        (*count)++;
    }
    return *count ? 0 : SOS_ERR_NOT_FOUND;
}

int vm_unmap(struct vmspace *vs, uintptr_t va, uint64_t len)
{
    unsigned n;
    int err = whole_mappings(vs, va, len, &n);
    if (err)
        return err;
    len = ALIGN_UP(len, PAGE_SIZE);
    struct list_node *pos, *tmp;
    list_for_each_safe(pos, tmp, &vs->maps) {
        struct vm_mapping *m = list_entry(pos, struct vm_mapping, node);
        if (m->va >= va && m->va + m->len <= va + len)
            mapping_remove(vs, m);
    }
    return 0;
}

int vm_protect(struct vmspace *vs, uintptr_t va, uint64_t len, uint32_t prot)
{
    if (prot & ~SOS_VM_PROT_MASK)
        return SOS_ERR_INVALID_ARGS;
    if ((prot & SOS_VM_WRITE) && (prot & SOS_VM_EXEC))
        return SOS_ERR_ACCESS_DENIED;
    unsigned n;
    int err = whole_mappings(vs, va, len, &n);
    if (err)
        return err;
    len = ALIGN_UP(len, PAGE_SIZE);
    struct list_node *pos;
    list_for_each(pos, &vs->maps) {
        struct vm_mapping *m = list_entry(pos, struct vm_mapping, node);
        if (m->va >= va && m->va + m->len <= va + len && (prot & m->max_prot) != prot)
            return SOS_ERR_ACCESS_DENIED;
    }
    list_for_each(pos, &vs->maps) {
        struct vm_mapping *m = list_entry(pos, struct vm_mapping, node);
        if (m->va >= va && m->va + m->len <= va + len) {
            m->prot = prot;
            hal_as_protect(vs->as, m->va, m->len / PAGE_SIZE, hal_prot(prot));
        }
    }
    return 0;
}

struct vm_mapping *vm_lookup(struct vmspace *vs, uintptr_t va)
{
    struct list_node *pos;
    list_for_each(pos, &vs->maps) {
        struct vm_mapping *m = list_entry(pos, struct vm_mapping, node);
        if (va < m->va)
            return NULL;
        if (va < m->va + m->len)
            return m;
    }
    return NULL;
}

bool vm_check(struct vmspace *vs, uintptr_t uaddr, size_t len, uint32_t prot)
{
    if (len == 0)
        return true;
    if (uaddr + len < uaddr)
        return false;
    uintptr_t cur = uaddr, end = uaddr + len;
    /* most checks hit one of the last two mappings hit (a stack and a data buffer) */
    for (int i = 0; i < 2; i++) {
        struct vm_mapping *h = vs->hint[i];
        if (h && h->va <= uaddr && end - h->va <= h->len && (h->prot & prot) == prot)
            return true;
    }
    struct list_node *pos;
    list_for_each(pos, &vs->maps) {
        struct vm_mapping *m = list_entry(pos, struct vm_mapping, node);
        if (m->va + m->len <= cur)
            continue;
        if (m->va > cur || (m->prot & prot) != prot)
            return false;
        if (cur == uaddr && vs->hint[0] != m) {
            vs->hint[1] = vs->hint[0];
            vs->hint[0] = m;
        }
        cur = m->va + m->len;
        if (cur >= end)
            return true;
    }
    return false;
}

static struct vmspace *current_vm(void)
{
    struct thread *t = current_thread();
    return t && t->proc ? t->proc->vm : NULL;
}

int copy_from_user(void *dst, uintptr_t usrc, size_t len)
{
    struct vmspace *vs = current_vm();
    if (!vs || !vm_check(vs, usrc, len, SOS_VM_READ))
        return SOS_ERR_BAD_ADDRESS;
    return len ? hal_copy_from_user(dst, usrc, len) : 0;
}

int copy_to_user(uintptr_t udst, const void *src, size_t len)
{
    struct vmspace *vs = current_vm();
    if (!vs || !vm_check(vs, udst, len, SOS_VM_WRITE))
        return SOS_ERR_BAD_ADDRESS;
    return len ? hal_copy_to_user(udst, src, len) : 0;
}
