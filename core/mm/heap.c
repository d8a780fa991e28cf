/*
 * core/mm/heap.c - slab caches and kmalloc.
 *
 * A slab is one frame: a header (the cache, a free list, a count) followed by equal
 * slots. Partially free slabs sit on the cache's list; a slab that becomes empty is
 * kept as the cache's one spare or returned to the frame allocator, so memory counts
 * return to their start after any create/close cycle (plus at most a spare a cache). Allocations above 2 KiB take a run of frames with a
 * small header in front. kfree tells the two apart by the magic at the page start.
 *
 * Layer: core memory.
 */
#include "mm/heap.h"

#include "mm/pmm.h"

#define SLAB_MAGIC 0x51ab51abu
#define LARGE_MAGIC 0x1a96e000u
#define LARGE_HDR 64u
#define MAX_CACHES 48

struct slab {
    uint32_t magic;
    uint32_t inuse;
    struct kcache *cache;
    void *free; /* singly linked free slots */
    struct list_node node; /* on cache->partial when it has free slots */
};

struct kcache {
    const char *name;
    size_t size;
    size_t per_slab;
    struct list_node partial;
    struct slab *spare; /* one empty slab kept to damp alloc/free churn */
    uint64_t inuse;
};

struct large_hdr {
    uint32_t magic;
    uint32_t npages;
};

/*
 * Locking rule: the core lock serialises every core path, so while g_klock is held the
 * heap runs without its own lock (no nested lock per message alloc/free). The heap lock
 * is taken only when g_klock is free (unit tests, code before core_main takes it). That
 * is sound because no core code runs on any CPU without g_klock once more than one CPU
 * runs: whoever uses the heap while g_klock is held is its holder. (Testing "held at
 * all" rather than "held by this CPU" saves a HAL call per alloc and free; both rest on
 * that same rule.) A HAL must therefore not call kmalloc/kcache_* from outside the core
 * while other CPUs run (none does: HAL page tables come from pmm, which keeps its own
 * lock).
 */
static struct spinlock g_heap_lock = SPINLOCK_INIT;

static inline bool heap_lock(void)
{
    if (__atomic_load_n(&g_klock.next, __ATOMIC_RELAXED) !=
        __atomic_load_n(&g_klock.owner, __ATOMIC_RELAXED))
        return false;
    spin_lock(&g_heap_lock);
    return true;
}

static inline void heap_unlock(bool locked)
{
    if (locked)
        spin_unlock(&g_heap_lock);
}

static struct kcache g_caches[MAX_CACHES];
static unsigned g_ncaches;
static struct kcache *g_sized[8]; /* 16 .. 2048 */
static uint64_t g_bytes;

#define SLAB_HDR ALIGN_UP(sizeof(struct slab), 16)

struct kcache *kcache_create(const char *name, size_t size)
{
    size = ALIGN_UP(size < 16 ? 16 : size, 16);
    if (size > 2048 || g_ncaches == MAX_CACHES)
        panic("heap: cannot create cache %s of %zu bytes", name, size);
    struct kcache *c = &g_caches[g_ncaches++];
    c->name = name;
    c->size = size;
    c->per_slab = (PAGE_SIZE - SLAB_HDR) / size;
    list_init(&c->partial);
    return c;
}

size_t kcache_obj_size(const struct kcache *c) { return c->size; }

static struct slab *slab_new(struct kcache *c)
{
    paddr_t pa = pmm_alloc();
    if (!pa)
        return NULL;
    struct slab *s = hal_phys_to_virt(pa);
    s->magic = SLAB_MAGIC;
    s->cache = c;
    s->inuse = 0;
    s->free = NULL;
    char *slots = (char *)s + SLAB_HDR;
    for (size_t i = c->per_slab; i-- > 0;) {
        void **slot = (void **)(void *)(slots + i * c->size);
        *slot = s->free;
        s->free = slot;
    }
    list_add_head(&c->partial, &s->node);
    return s;
}

void *kcache_alloc(struct kcache *c)
{
    bool locked = heap_lock();
    struct slab *s;
    if (!list_empty(&c->partial)) {
        s = list_entry(c->partial.next, struct slab, node);
    } else if (c->spare) {
        s = c->spare;
        c->spare = NULL;
        list_add_head(&c->partial, &s->node);
    } else {
        s = slab_new(c);
    }
    if (!s) {
        heap_unlock(locked);
        return NULL;
    }
    void **slot = s->free;
    s->free = *slot;
    s->inuse++;
    if (!s->free)
        list_remove(&s->node);
    c->inuse++;
    g_bytes += c->size;
    heap_unlock(locked);
    memset(slot, 0, c->size);
    return slot;
}

static void slab_put(struct slab *s, void *p)
{
    struct kcache *c = s->cache;
    bool was_full = s->free == NULL;
    *(void **)p = s->free;
    s->free = p;
    s->inuse--;
    c->inuse--;
    g_bytes -= c->size;
    if (s->inuse == 0) {
        if (!was_full)
            list_remove(&s->node);
        if (!c->spare) {
            c->spare = s;
        } else {
            s->magic = 0;
            pmm_free(hal_virt_to_phys(s));
        }
    } else if (was_full) {
        list_add_head(&c->partial, &s->node);
    }
}

void kcache_free(struct kcache *c, void *p)
{
    if (!p)
        return;
    struct slab *s = (struct slab *)ALIGN_DOWN((uintptr_t)p, PAGE_SIZE);
    if (s->magic != SLAB_MAGIC || s->cache != c)
        panic("heap: kcache_free of %p not from cache %s", p, c->name);
    bool locked = heap_lock();
    slab_put(s, p);
    heap_unlock(locked);
}

void heap_init(void)
{
    static const char *names[8] = {"kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-128",
                                   "kmalloc-256", "kmalloc-512", "kmalloc-1024", "kmalloc-2048"};
    for (unsigned i = 0; i < 8; i++)
        g_sized[i] = kcache_create(names[i], 16u << i);
}

void *kmalloc(size_t size)
{
    if (size <= 2048) {
        unsigned i = 0;
        while ((16u << i) < size)
            i++;
        return kcache_alloc(g_sized[i]);
    }
    if (size > (1u << 30))
        return NULL;
    size_t npages = ALIGN_UP(size + LARGE_HDR, PAGE_SIZE) / PAGE_SIZE;
    paddr_t pa = pmm_alloc_run(npages, 1);
    if (!pa)
        return NULL;
    struct large_hdr *h = hal_phys_to_virt(pa);
    h->magic = LARGE_MAGIC;
    h->npages = (uint32_t)npages;
    bool locked = heap_lock();
    g_bytes += npages * PAGE_SIZE;
    heap_unlock(locked);
    return (char *)h + LARGE_HDR;
}

void kfree(void *p)
{
    if (!p)
        return;
    uintptr_t page = ALIGN_DOWN((uintptr_t)p, PAGE_SIZE);
    struct large_hdr *h = (struct large_hdr *)page;
    if (h->magic == LARGE_MAGIC && (uintptr_t)p == page + LARGE_HDR) {
        size_t n = h->npages;
        h->magic = 0;
        bool locked = heap_lock();
        g_bytes -= n * PAGE_SIZE;
        heap_unlock(locked);
        pmm_free_run(hal_virt_to_phys(h), n);
        return;
    }
    struct slab *s = (struct slab *)page;
    if (s->magic != SLAB_MAGIC)
        panic("heap: kfree of %p, which the heap never gave out", p);
    bool locked = heap_lock();
    slab_put(s, p);
    heap_unlock(locked);
}

uint64_t heap_bytes_in_use(void) { return g_bytes; }
