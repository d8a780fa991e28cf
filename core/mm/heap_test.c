/*
 * core/mm/heap_test.c - slab caches and kmalloc: sizes, zeroing, alignment, slabs,
 * large allocations, exhaustion, and heap bytes returning to their baseline.
 *
 * The heap has its own lock, so the tests call it directly. Bad frees panic and are
 * not tested.
 */
#include "th.h"

#include "mm/heap.h"
#include "mm/pmm.h"

#define MAXP 4096u
static void *g_ptrs[MAXP];

/* Caches are boot-time things with a fixed table: make each test size once. */
static struct kcache *cache_of(size_t size)
{
    static struct {
        size_t size;
        struct kcache *c;
    } made[8];
    static unsigned n;
    for (unsigned i = 0; i < n; i++)
        if (made[i].size == size)
            return made[i].c;
    assert_true(n < 8);
    made[n].size = size;
    made[n].c = kcache_create("heap-test", size);
    return made[n++].c;
}

static void test_kcache_rounds_sizes(void **state)
{
    (void)state;
    assert_int_equal(kcache_obj_size(cache_of(1)), 16);
    assert_int_equal(kcache_obj_size(cache_of(16)), 16);
    assert_int_equal(kcache_obj_size(cache_of(24)), 32);
    assert_int_equal(kcache_obj_size(cache_of(100)), 112);
    assert_int_equal(kcache_obj_size(cache_of(2048)), 2048);
}

static void test_kcache_alloc_zeroed_and_reused(void **state)
{
    (void)state;
    struct kcache *c = cache_of(100);
    uint64_t heap0 = heap_bytes_in_use();
    uint8_t *p = kcache_alloc(c);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % 16, 0);
    assert_true(th_all_zero(p, 112));
    assert_int_equal(heap_bytes_in_use(), heap0 + 112);
    memset(p, 0xff, 112);
    kcache_free(c, p);
    assert_int_equal(heap_bytes_in_use(), heap0);
    uint8_t *q = kcache_alloc(c);
    assert_ptr_equal(q, p); /* the slot just freed comes back first... */
    assert_true(th_all_zero(q, 112)); /* ...and is zeroed again */
    kcache_free(c, q);
    assert_int_equal(heap_bytes_in_use(), heap0);
}

static void test_kcache_many_slabs(void **state)
{
    (void)state;
    struct kcache *c = cache_of(100);
    const unsigned n = 200; /* about six slabs of 36 */
    uint64_t heap0 = heap_bytes_in_use();
    uint64_t free0 = pmm_free_frames();
    for (unsigned i = 0; i < n; i++) {
        g_ptrs[i] = kcache_alloc(c);
        assert_non_null(g_ptrs[i]);
        assert_true(th_all_zero(g_ptrs[i], 112));
        memset(g_ptrs[i], (int)(i & 0xff), 112);
    }
    assert_int_equal(heap_bytes_in_use(), heap0 + n * 112);
    assert_true(pmm_free_frames() <= free0 - 5);
    /* no two objects overlap: each still holds its own pattern */
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *b = g_ptrs[i];
        for (unsigned k = 0; k < 112; k++)
            assert_int_equal(b[k], i & 0xff);
    }
    /* free in an interleaved order: odd ones, then even ones */
    for (unsigned i = 1; i < n; i += 2)
        kcache_free(c, g_ptrs[i]);
    for (unsigned i = 0; i < n; i += 2)
        kcache_free(c, g_ptrs[i]);
    assert_int_equal(heap_bytes_in_use(), heap0);
    /* empty slabs go back to the frame allocator, but for one spare */
    assert_true(pmm_free_frames() + 1 >= free0);
    assert_true(pmm_free_frames() <= free0 + 1);
}

static void test_kcache_free_null(void **state)
{
    (void)state;
    uint64_t heap0 = heap_bytes_in_use();
    kcache_free(cache_of(16), NULL);
    kfree(NULL);
    assert_int_equal(heap_bytes_in_use(), heap0);
}

static void test_kcache_exhaustion(void **state)
{
    (void)state;
    struct kcache *c = cache_of(2048); /* one object a slab */
    void *w = kcache_alloc(c); /* leaves the cache exactly one empty spare slab */
    assert_non_null(w);
    kcache_free(c, w);
    uint64_t free0 = pmm_free_frames();
    paddr_t pa;
    /* take every frame, chaining them through their own first words */
    paddr_t head = 0;
    while ((pa = pmm_alloc()) != 0) {
        *(paddr_t *)hal_phys_to_virt(pa) = head;
        head = pa;
    }
    /* the spare slab is all the cache has left to give */
    void *a = kcache_alloc(c);
    assert_non_null(a);
    assert_null(kcache_alloc(c));
    assert_null(kmalloc(8192)); /* the large path fails the same way */
    while (head) {
        paddr_t next = *(paddr_t *)hal_phys_to_virt(head);
        pmm_free(head);
        head = next;
    }
    kcache_free(c, a);
    void *d = kcache_alloc(c);
    assert_non_null(d);
    kcache_free(c, d);
    assert_true(pmm_free_frames() + 1 >= free0);
}

static void test_kmalloc_small_classes(void **state)
{
    (void)state;
    static const struct {
        size_t ask, gets;
    } t[] = {{0, 16},    {1, 16},    {16, 16},   {17, 32},     {33, 64},   {64, 64},
             {100, 128}, {129, 256}, {500, 512}, {1000, 1024}, {1025, 2048}, {2048, 2048}};
    for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
        uint64_t heap0 = heap_bytes_in_use();
        uint8_t *p = kmalloc(t[i].ask);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        assert_int_equal(heap_bytes_in_use(), heap0 + t[i].gets);
        assert_true(th_all_zero(p, t[i].gets));
        memset(p, 0xee, t[i].gets);
        kfree(p);
        assert_int_equal(heap_bytes_in_use(), heap0);
        p = kmalloc(t[i].ask); /* reused memory is zeroed again */
        assert_true(th_all_zero(p, t[i].gets));
        kfree(p);
    }
}

static void test_kmalloc_large(void **state)
{
    (void)state;
    static const struct {
        size_t ask, pages;
    } t[] = {{2049, 1}, {4032, 1}, {4033, 2}, {10000, 3}, {1u << 20, 257}};
    for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
        uint64_t heap0 = heap_bytes_in_use();
        uint64_t free0 = pmm_free_frames();
        uint8_t *p = kmalloc(t[i].ask);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % PAGE_SIZE, 64); /* a small header in front */
        assert_int_equal(heap_bytes_in_use(), heap0 + t[i].pages * PAGE_SIZE);
        assert_int_equal(pmm_free_frames(), free0 - t[i].pages);
        assert_true(th_all_zero(p, t[i].ask));
        memset(p, 0x77, t[i].ask); /* all of it is usable */
        kfree(p);
        assert_int_equal(heap_bytes_in_use(), heap0);
        assert_int_equal(pmm_free_frames(), free0);
    }
}

static void test_kmalloc_too_large(void **state)
{
    (void)state;
    uint64_t heap0 = heap_bytes_in_use();
    uint64_t free0 = pmm_free_frames();
    assert_null(kmalloc((1u << 30) + 1));
    assert_null(kmalloc(SIZE_MAX));
    assert_null(kmalloc(SIZE_MAX - 10)); /* would overflow with the header */
    assert_null(kmalloc(512u << 20)); /* allowed size, but more than the machine has */
    assert_int_equal(heap_bytes_in_use(), heap0);
    assert_int_equal(pmm_free_frames(), free0);
}

static void test_kmalloc_exhaustion_recovers(void **state)
{
    (void)state;
    uint64_t heap0 = heap_bytes_in_use();
    uint64_t free0 = pmm_free_frames();
    unsigned n = 0;
    void *p;
    while ((p = kmalloc(1u << 20)) != NULL) {
        assert_true(n < MAXP);
        g_ptrs[n++] = p;
    }
    assert_true(n >= 60 && n <= 96);
    assert_true(pmm_free_frames() < 257);
    for (unsigned i = 0; i < n; i++)
        kfree(g_ptrs[i]);
    assert_int_equal(heap_bytes_in_use(), heap0);
    assert_int_equal(pmm_free_frames(), free0);
    p = kmalloc(1u << 20);
    assert_non_null(p);
    kfree(p);
}

static void test_mixed_sizes_return_to_baseline(void **state)
{
    (void)state;
    uint64_t heap0 = heap_bytes_in_use();
    for (unsigned i = 0; i < 1000; i++) {
        g_ptrs[i] = kmalloc((i * 37) % 6000 + 1);
        assert_non_null(g_ptrs[i]);
    }
    for (unsigned i = 0; i < 1000; i += 3)
        kfree(g_ptrs[i]);
    for (unsigned i = 1; i < 1000; i += 3)
        kfree(g_ptrs[i]);
    for (unsigned i = 2; i < 1000; i += 3)
        kfree(g_ptrs[i]);
    assert_int_equal(heap_bytes_in_use(), heap0);
}

static void test_heap_baseline_through_syscalls(void **state)
{
    (void)state;
    sos_handle_t *h = th_umem(sizeof(*h));
    uint8_t *buf = th_umem(PAGE_SIZE);
    for (int i = 0; i < 4; i++) { /* warm the caches and the handle table */
        assert_int_equal(u_vmo_create(3 * PAGE_SIZE, 0, h), 0);
        assert_int_equal(u_handle_close(*h), 0);
    }
    uint64_t heap0 = heap_bytes_in_use();
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(u_vmo_create(3 * PAGE_SIZE, 0, h), 0);
        assert_int_equal(u_vmo_write(*h, buf, PAGE_SIZE - 8, 16), 0);
        assert_int_equal(u_handle_close(*h), 0);
        assert_int_equal(u_event_create(0, h), 0);
        assert_int_equal(u_handle_close(*h), 0);
    }
    assert_int_equal(heap_bytes_in_use(), heap0);
}

static void test_kstats_heap_bytes(void **state)
{
    (void)state;
    struct sos_info_kstats *k = th_umem(sizeof(*k));
    assert_int_equal(u_object_get_info(th_root(), SOS_INFO_KERNEL_STATS, k, sizeof(*k)),
                     (int64_t)sizeof(*k));
    assert_int_equal(k->heap_bytes, heap_bytes_in_use());
    void *p = kmalloc(5000);
    assert_int_equal(u_object_get_info(th_root(), SOS_INFO_KERNEL_STATS, k, sizeof(*k)),
                     (int64_t)sizeof(*k));
    assert_int_equal(k->heap_bytes, heap_bytes_in_use());
    kfree(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TH_TEST(test_kcache_rounds_sizes),
        TH_TEST(test_kcache_alloc_zeroed_and_reused),
        TH_TEST(test_kcache_many_slabs),
        TH_TEST(test_kcache_free_null),
        TH_TEST(test_kcache_exhaustion),
        TH_TEST(test_kmalloc_small_classes),
        TH_TEST(test_kmalloc_large),
        TH_TEST(test_kmalloc_too_large),
        TH_TEST(test_kmalloc_exhaustion_recovers),
        TH_TEST(test_mixed_sizes_return_to_baseline),
        TH_TEST(test_heap_baseline_through_syscalls),
        TH_TEST(test_kstats_heap_bytes),
    };
    return TH_RUN(tests);
}
