/*
 * core/mm/vmo.c - memory objects.
 *
 * Layer: core memory.
 */
#include "mm/vmo.h"

#include "mm/heap.h"
#include "mm/pmm.h"

static struct kcache *g_vmo_cache;

static void vmo_destroy(struct object *o);
static const struct obj_ops g_vmo_ops = {"vmo", vmo_destroy, NULL};

void vmo_cache_init(void)
{
    g_vmo_cache = kcache_create("vmo", sizeof(struct vmo));
    g_obj_bytes[SOS_OBJ_VMO] = kcache_obj_size(g_vmo_cache);
}

static int pages_alloc(struct vmo *v, uint64_t npages)
{
    paddr_t *p = NULL;
    if (npages) {
        p = kmalloc(npages * sizeof(paddr_t));
        if (!p)
            return SOS_ERR_NO_MEMORY;
    }
    v->pages = p;
    v->npages = npages;
    return 0;
}

struct vmo *vmo_new(uint64_t size, uint32_t flags, int *err)
{
    if (size > SOS_VMO_MAX_SIZE || (flags & ~VMO_RESIZABLE)) {
        *err = size > SOS_VMO_MAX_SIZE ? SOS_ERR_OUT_OF_RANGE : SOS_ERR_INVALID_ARGS;
        return NULL;
    }
    size = ALIGN_UP(size, PAGE_SIZE);
    if (size / PAGE_SIZE > pmm_free_frames() + 1) {
        *err = SOS_ERR_NO_MEMORY; /* could never be committed: refuse up front */
        return NULL;
    }
    struct vmo *v = kcache_alloc(g_vmo_cache);
    if (!v || pages_alloc(v, size / PAGE_SIZE)) {
        kcache_free(g_vmo_cache, v);
        *err = SOS_ERR_NO_MEMORY;
        return NULL;
    }
    obj_init(&v->obj, SOS_OBJ_VMO, &g_vmo_ops);
    v->size = size;
    v->flags = flags;
    return v;
}

struct vmo *vmo_new_physical(paddr_t base, uint64_t size, int *err)
{
    if (!IS_ALIGNED(base, PAGE_SIZE)) {
        *err = SOS_ERR_INVALID_ARGS;
        return NULL;
    }
    size = ALIGN_UP(size, PAGE_SIZE);
    struct vmo *v = kcache_alloc(g_vmo_cache);
    if (!v || pages_alloc(v, size / PAGE_SIZE)) {
        kcache_free(g_vmo_cache, v);
        *err = SOS_ERR_NO_MEMORY;
        return NULL;
    }
    obj_init(&v->obj, SOS_OBJ_VMO, &g_vmo_ops);
    v->size = size;
    v->flags = VMO_PHYSICAL;
    for (uint64_t i = 0; i < v->npages; i++)
        v->pages[i] = base + i * PAGE_SIZE;
    v->committed = v->npages;
    return v;
}

static void free_pages_from(struct vmo *v, uint64_t first)
{
    if (v->flags & VMO_PHYSICAL)
        return;
    for (uint64_t i = first; i < v->npages; i++) {
        if (v->pages[i]) {
            pmm_free(v->pages[i]);
            v->pages[i] = 0;
            v->committed--;
        }
    }
}

static void vmo_destroy(struct object *o)
{
    struct vmo *v = (struct vmo *)o;
    ASSERT(v->map_count == 0);
    free_pages_from(v, 0);
    kfree(v->pages);
    kcache_free(g_vmo_cache, v);
}

paddr_t vmo_commit_page(struct vmo *v, uint64_t index)
{
    ASSERT(index < v->npages);
    if (!v->pages[index]) {
        v->pages[index] = pmm_alloc();
        if (v->pages[index])
            v->committed++;
    }
    return v->pages[index];
}

static bool range_ok(const struct vmo *v, uint64_t off, size_t len)
{
    return off <= v->size && len <= v->size - off;
}

/* Walk [off, off+len) page by page; fn copies one chunk. `commit`: allocate pages. */
static int vmo_walk(struct vmo *v, uint64_t off, size_t len, bool commit,
                    int (*fn)(void *page_ptr, size_t done, size_t n, void *ctx), void *ctx)
{
    static const uint8_t zero_page[PAGE_SIZE];
    if (!range_ok(v, off, len))
        return SOS_ERR_OUT_OF_RANGE;
    size_t done = 0;
    while (done < len) {
        uint64_t idx = (off + done) / PAGE_SIZE;
        size_t in = (off + done) % PAGE_SIZE;
        size_t n = MIN(len - done, PAGE_SIZE - in);
        paddr_t pa = commit ? vmo_commit_page(v, idx) : v->pages[idx];
        if (commit && !pa)
            return SOS_ERR_NO_MEMORY;
        void *p = pa ? (uint8_t *)hal_phys_to_virt(pa) + in : (void *)(zero_page + in);
        int err = fn(p, done, n, ctx);
        if (err)
            return err;
        done += n;
    }
    return 0;
}

static int cp_out(void *page, size_t done, size_t n, void *ctx)
{
    memcpy((uint8_t *)ctx + done, page, n);
    return 0;
}
static int cp_in(void *page, size_t done, size_t n, void *ctx)
{
    memcpy(page, (const uint8_t *)ctx + done, n);
    return 0;
}
static int cp_to_user(void *page, size_t done, size_t n, void *ctx)
{
    return hal_copy_to_user(*(uintptr_t *)ctx + done, page, n);
}
static int cp_from_user(void *page, size_t done, size_t n, void *ctx)
{
    return hal_copy_from_user(page, *(uintptr_t *)ctx + done, n);
}

int vmo_read(struct vmo *v, void *dst, uint64_t off, size_t len)
{
    return vmo_walk(v, off, len, false, cp_out, dst);
}

int vmo_write(struct vmo *v, const void *src, uint64_t off, size_t len)
{
    if (v->flags & VMO_PHYSICAL)
        return SOS_ERR_ACCESS_DENIED;
    return vmo_walk(v, off, len, true, cp_in, (void *)src);
}

int vmo_read_user(struct vmo *v, uintptr_t udst, uint64_t off, size_t len)
{
    return vmo_walk(v, off, len, false, cp_to_user, &udst);
}

int vmo_write_user(struct vmo *v, uintptr_t usrc, uint64_t off, size_t len)
{
    if (v->flags & VMO_PHYSICAL)
        return SOS_ERR_ACCESS_DENIED;
    return vmo_walk(v, off, len, true, cp_from_user, &usrc);
}

int vmo_set_size(struct vmo *v, uint64_t size)
{
    if (!(v->flags & VMO_RESIZABLE))
        return SOS_ERR_BAD_STATE;
    if (size > SOS_VMO_MAX_SIZE)
        return SOS_ERR_OUT_OF_RANGE;
    size = ALIGN_UP(size, PAGE_SIZE);
    if (size < v->mapped_limit && v->map_count)
        return SOS_ERR_BAD_STATE; /* would pull pages out from under a mapping */
    uint64_t np = size / PAGE_SIZE;
    if (np < v->npages) {
        free_pages_from(v, np);
        v->npages = np; /* keep the larger array; it is reused when growing back */
    } else if (np > v->npages) {
        paddr_t *p = kmalloc(np * sizeof(paddr_t));
        if (!p)
            return SOS_ERR_NO_MEMORY;
        if (v->npages)
            memcpy(p, v->pages, v->npages * sizeof(paddr_t));
        kfree(v->pages);
        v->pages = p;
        v->npages = np;
    }
    v->size = size;
    return 0;
}
