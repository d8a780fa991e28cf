/*
 * core/mm/pmm.c - physical frames, one bit each.
 *
 * A single bitmap covers the span from the lowest to the highest usable address; holes
 * and the bitmap's own frames are marked used. Allocation is next-fit, which keeps
 * single-frame allocation O(1) amortised; runs (for DMA and large kernel buffers)
 * search for `n` clear bits at the wanted alignment. Frames are zeroed on allocation.
 *
 * Layer: core memory.
 */
#include "mm/pmm.h"

static struct spinlock g_pmm_lock = SPINLOCK_INIT;
static uint64_t *g_bitmap;  /* 1 = used */
static paddr_t g_base;      /* first frame covered */
static size_t g_nframes;    /* frames covered */
static size_t g_next;       /* next-fit cursor */
static uint64_t g_total, g_free;

static inline bool bit_get(size_t i) { return g_bitmap[i / 64] >> (i % 64) & 1; }
static inline void bit_set(size_t i) { g_bitmap[i / 64] |= 1ull << (i % 64); }
static inline void bit_clear(size_t i) { g_bitmap[i / 64] &= ~(1ull << (i % 64)); }

static void span_of(const struct hal_mem_range *r, unsigned count, paddr_t *lo, paddr_t *hi)
{
    *lo = (paddr_t)-1;
    *hi = 0;
    for (unsigned i = 0; i < count; i++) {
        if (r[i].size < PAGE_SIZE)
            continue;
        *lo = MIN(*lo, ALIGN_UP(r[i].base, PAGE_SIZE));
        *hi = MAX(*hi, ALIGN_DOWN(r[i].base + r[i].size, PAGE_SIZE));
    }
}

void pmm_init(const struct hal_mem_range *ranges, unsigned count)
{
    paddr_t lo, hi;
    span_of(ranges, count, &lo, &hi);
    if (hi <= lo)
        panic("pmm: no usable memory in the boot info");
    g_base = lo;
    g_nframes = (hi - lo) / PAGE_SIZE;
    size_t bytes = ALIGN_UP((g_nframes + 63) / 64 * 8, PAGE_SIZE);
    /* The bitmap lives at the start of the first range big enough to hold it. */
    paddr_t where = 0;
    for (unsigned i = 0; i < count && !where; i++) {
        paddr_t b = ALIGN_UP(ranges[i].base, PAGE_SIZE);
        if (ALIGN_DOWN(ranges[i].base + ranges[i].size, PAGE_SIZE) >= b + bytes + PAGE_SIZE)
            where = b;
    }
    if (!where)
        panic("pmm: no range can hold the %zu-byte frame bitmap", bytes);
    g_bitmap = hal_phys_to_virt(where);
    memset(g_bitmap, 0xff, bytes);
    g_total = g_free = 0;
    for (unsigned i = 0; i < count; i++) {
        paddr_t b = ALIGN_UP(ranges[i].base, PAGE_SIZE);
        paddr_t e = ALIGN_DOWN(ranges[i].base + ranges[i].size, PAGE_SIZE);
        for (paddr_t p = b; p < e; p += PAGE_SIZE) {
            if (p >= where && p < where + bytes)
                continue;
            size_t idx = (p - g_base) / PAGE_SIZE;
            if (bit_get(idx)) {
                bit_clear(idx);
                g_total++;
                g_free++;
            }
        }
    }
    g_next = 0;
}

static size_t find_run(size_t n, size_t align)
{
    size_t start = ALIGN_UP(g_next, align);
    for (size_t pass = 0; pass < 2; pass++) {
        for (size_t i = start; i + n <= g_nframes; i += align) {
            size_t j = 0;
            while (j < n && !bit_get(i + j))
                j++;
            if (j == n)
                return i;
            i = ALIGN_UP(i + j + 1, align) - align; /* skip past the used frame */
        }
        start = 0;
    }
    return (size_t)-1;
}

paddr_t pmm_alloc_run(size_t n, size_t align_pages)
{
    if (n == 0 || align_pages == 0 || (align_pages & (align_pages - 1)))
        return 0;
    spin_lock(&g_pmm_lock);
    size_t i = g_free >= n ? find_run(n, align_pages) : (size_t)-1;
    if (i == (size_t)-1) {
        spin_unlock(&g_pmm_lock);
        return 0;
    }
    for (size_t j = 0; j < n; j++)
        bit_set(i + j);
    g_free -= n;
    g_next = i + n;
    spin_unlock(&g_pmm_lock);
    paddr_t pa = g_base + (paddr_t)i * PAGE_SIZE;
    memset(hal_phys_to_virt(pa), 0, n * PAGE_SIZE);
    return pa;
}

paddr_t pmm_alloc(void) { return pmm_alloc_run(1, 1); }

void pmm_free_run(paddr_t pa, size_t n)
{
    if (!IS_ALIGNED(pa, PAGE_SIZE) || pa < g_base)
        panic("pmm: free of bad frame %#llx", (unsigned long long)pa);
    size_t i = (pa - g_base) / PAGE_SIZE;
    spin_lock(&g_pmm_lock);
    for (size_t j = 0; j < n; j++) {
        if (i + j >= g_nframes || !bit_get(i + j))
            panic("pmm: double free of frame %#llx", (unsigned long long)(pa + j * PAGE_SIZE));
        bit_clear(i + j);
    }
    g_free += n;
    if (i < g_next) /* reuse what was just freed: its memory is warm (and, in the sim, */
        g_next = i; /* already backed: fresh frames cost the host a page fault each) */
    spin_unlock(&g_pmm_lock);
}

void pmm_free(paddr_t pa) { pmm_free_run(pa, 1); }

uint64_t pmm_total_frames(void) { return g_total; }
uint64_t pmm_free_frames(void) { return g_free; }

paddr_t core_frame_alloc(void) { return pmm_alloc(); }
void core_frame_free(paddr_t pa) { pmm_free(pa); }
