/*
 * core/mm/pmm_test.c - the frame allocator: free counts, zeroing, contiguous aligned
 * runs, exhaustion and recovery.
 *
 * pmm_* have their own lock, so the tests call them directly; nothing else in the
 * kernel allocates while a test body runs. Double frees panic and are not tested.
 */
#include "th.h"

#include "mm/pmm.h"

#define MAXF 32768u /* more than the harness's 96 MiB of frames */

static paddr_t g_frames[MAXF];
static uint8_t g_held[MAXF]; /* by frame index relative to g_lo */
static paddr_t g_lo;

/* Take every free frame one at a time; returns how many. */
static size_t exhaust(void)
{
    size_t n = 0;
    paddr_t pa;
    while ((pa = pmm_alloc()) != 0) {
        assert_true(n < MAXF);
        g_frames[n++] = pa;
    }
    return n;
}

/* After exhaust(): index the frames by address in g_held (checks they are distinct). */
static size_t index_frames(size_t n)
{
    g_lo = (paddr_t)-1;
    for (size_t i = 0; i < n; i++)
        g_lo = MIN(g_lo, g_frames[i]);
    memset(g_held, 0, sizeof(g_held));
    size_t span = 0;
    for (size_t i = 0; i < n; i++) {
        size_t idx = (g_frames[i] - g_lo) / PAGE_SIZE;
        assert_true(idx < MAXF);
        assert_int_equal(g_held[idx], 0); /* never handed out twice */
        g_held[idx] = 1;
        span = MAX(span, idx + 1);
    }
    return span;
}

static void release_held(size_t span)
{
    for (size_t i = 0; i < span; i++)
        if (g_held[i]) {
            pmm_free(g_lo + i * PAGE_SIZE);
            g_held[i] = 0;
        }
}

static void test_alloc_free_counts(void **state)
{
    (void)state;
    uint64_t free0 = pmm_free_frames();
    paddr_t a = pmm_alloc();
    paddr_t b = pmm_alloc();
    assert_true(a != 0 && b != 0 && a != b);
    assert_true(IS_ALIGNED(a, PAGE_SIZE) && IS_ALIGNED(b, PAGE_SIZE));
    assert_int_equal(pmm_free_frames(), free0 - 2);
    pmm_free(a);
    assert_int_equal(pmm_free_frames(), free0 - 1);
    pmm_free(b);
    assert_int_equal(pmm_free_frames(), free0);
}

static void test_total_frames(void **state)
{
    (void)state;
    /* the harness boots 96 MiB in one range; one frame holds the bitmap */
    assert_int_equal(pmm_total_frames(), (96u << 20) / PAGE_SIZE - 1);
    assert_true(pmm_free_frames() <= pmm_total_frames());
    struct sos_info_kstats *k = th_umem(sizeof(*k));
    assert_int_equal(u_object_get_info(th_root(), SOS_INFO_KERNEL_STATS, k, sizeof(*k)),
                     (int64_t)sizeof(*k));
    assert_int_equal(k->frames_total, pmm_total_frames());
    assert_int_equal(k->frames_free, pmm_free_frames());
}

static void test_alloc_is_zeroed(void **state)
{
    (void)state;
    uint64_t free0 = pmm_free_frames();
    size_t n = exhaust();
    assert_int_equal(n, free0);
    /* dirty one frame, give it back, and take it again: the only free frame */
    paddr_t pa = g_frames[0];
    memset(hal_phys_to_virt(pa), 0xa5, PAGE_SIZE);
    pmm_free(pa);
    assert_int_equal(pmm_free_frames(), 1);
    paddr_t again = pmm_alloc();
    assert_int_equal(again, pa);
    assert_true(th_all_zero(hal_phys_to_virt(again), PAGE_SIZE));
    for (size_t i = 0; i < n; i++)
        pmm_free(g_frames[i]);
    assert_int_equal(pmm_free_frames(), free0);
}

static void test_exhaustion_returns_zero_and_recovers(void **state)
{
    (void)state;
    sos_handle_t *v = th_umem(sizeof(*v));
    uint8_t *buf = th_umem(PAGE_SIZE);
    assert_int_equal(u_vmo_create(PAGE_SIZE, 0, v), 0); /* not committed yet */
    uint64_t free0 = pmm_free_frames();
    size_t n = exhaust();
    assert_int_equal(n, free0);
    size_t span = index_frames(n); /* every frame distinct */
    assert_true(span >= n);
    assert_int_equal(pmm_free_frames(), 0);
    assert_int_equal(pmm_alloc(), 0);
    assert_int_equal(pmm_alloc_run(1, 1), 0);
    assert_int_equal(core_frame_alloc(), 0);
    /* a syscall that needs a frame fails cleanly */
    assert_int_equal(u_vmo_write(*v, buf, 0, 1), SOS_ERR_NO_MEMORY);
    release_held(span);
    assert_int_equal(pmm_free_frames(), free0);
    /* and works again */
    assert_int_equal(u_vmo_write(*v, buf, 0, 1), 0);
    paddr_t pa = pmm_alloc();
    assert_true(pa != 0);
    pmm_free(pa);
    assert_int_equal(u_handle_close(*v), 0);
    assert_int_equal(pmm_free_frames(), free0);
}

static void test_run_aligned_and_zeroed(void **state)
{
    (void)state;
    static const size_t aligns[] = {1, 2, 4, 8, 64, 512};
    uint64_t free0 = pmm_free_frames();
    for (size_t k = 0; k < ARRAY_SIZE(aligns); k++) {
        size_t a = aligns[k];
        paddr_t pa = pmm_alloc_run(5, a);
        assert_true(pa != 0);
        assert_int_equal(pa % (a * PAGE_SIZE), 0);
        assert_int_equal(pmm_free_frames(), free0 - 5);
        assert_true(th_all_zero(hal_phys_to_virt(pa), 5 * PAGE_SIZE));
        memset(hal_phys_to_virt(pa), 0x5a, 5 * PAGE_SIZE); /* the run is all ours */
        pmm_free_run(pa, 5);
        assert_int_equal(pmm_free_frames(), free0);
    }
}

static void test_run_frames_free_one_by_one(void **state)
{
    (void)state;
    uint64_t free0 = pmm_free_frames();
    paddr_t pa = pmm_alloc_run(16, 1);
    assert_true(pa != 0);
    assert_int_equal(pmm_free_frames(), free0 - 16);
    /* every frame of the run is allocated in its own right */
    for (unsigned i = 0; i < 16; i++) {
        pmm_free(pa + i * PAGE_SIZE);
        assert_int_equal(pmm_free_frames(), free0 - 15 + i);
    }
    assert_int_equal(pmm_free_frames(), free0);
}

static void test_run_bad_args(void **state)
{
    (void)state;
    uint64_t free0 = pmm_free_frames();
    assert_int_equal(pmm_alloc_run(0, 1), 0);
    assert_int_equal(pmm_alloc_run(1, 0), 0);
    assert_int_equal(pmm_alloc_run(1, 3), 0);
    assert_int_equal(pmm_alloc_run(4, 6), 0);
    assert_int_equal(pmm_free_frames(), free0);
}

static void test_run_too_big(void **state)
{
    (void)state;
    uint64_t free0 = pmm_free_frames();
    assert_int_equal(pmm_alloc_run(free0 + 1, 1), 0);
    assert_int_equal(pmm_alloc_run(pmm_total_frames() * 2, 1), 0);
    /* an alignment beyond the whole span: only frame 0 qualifies, and it is the bitmap */
    assert_int_equal(pmm_alloc_run(1, 1u << 20), 0);
    assert_int_equal(pmm_free_frames(), free0);
    /* a modest run still exists after the refusals */
    paddr_t pa = pmm_alloc_run(64, 1);
    assert_true(pa != 0);
    pmm_free_run(pa, 64);
    assert_int_equal(pmm_free_frames(), free0);
}

static void test_run_needs_contiguous_frames(void **state)
{
    (void)state;
    uint64_t free0 = pmm_free_frames();
    size_t n = exhaust();
    size_t span = index_frames(n);
    /* free every other frame: lots of free frames, no two adjacent */
    size_t k = MAXF;
    for (size_t i = 0; i < span; i += 2) {
        if (g_held[i]) {
            pmm_free(g_lo + i * PAGE_SIZE);
            g_held[i] = 0;
            if (k == MAXF && i + 1 < span && g_held[i + 1])
                k = i;
        }
    }
    assert_true(pmm_free_frames() > 100);
    assert_true(k != MAXF);
    assert_int_equal(pmm_alloc_run(2, 1), 0);
    assert_int_equal(pmm_alloc_run(3, 1), 0);
    /* free the neighbour of frame k: exactly one pair exists now, and it is found */
    pmm_free(g_lo + (k + 1) * PAGE_SIZE);
    g_held[k + 1] = 0;
    paddr_t pa = pmm_alloc_run(2, 1);
    assert_int_equal(pa, g_lo + k * PAGE_SIZE);
    g_held[k] = g_held[k + 1] = 1;
    assert_int_equal(pmm_alloc_run(2, 1), 0);
    release_held(span);
    assert_int_equal(pmm_free_frames(), free0);
}

static void test_core_frame_alloc(void **state)
{
    (void)state;
    uint64_t free0 = pmm_free_frames();
    paddr_t pa = core_frame_alloc();
    assert_true(pa != 0 && IS_ALIGNED(pa, PAGE_SIZE));
    assert_true(th_all_zero(hal_phys_to_virt(pa), PAGE_SIZE));
    assert_int_equal(pmm_free_frames(), free0 - 1);
    core_frame_free(pa);
    assert_int_equal(pmm_free_frames(), free0);
}

static void test_virt_phys_round_trip(void **state)
{
    (void)state;
    paddr_t pa = pmm_alloc();
    assert_true(pa != 0);
    uint8_t *va = hal_phys_to_virt(pa);
    assert_int_equal(hal_virt_to_phys(va), pa);
    assert_int_equal(hal_virt_to_phys(va + 100), pa + 100);
    pmm_free(pa);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TH_TEST(test_alloc_free_counts),
        TH_TEST(test_total_frames),
        TH_TEST(test_alloc_is_zeroed),
        TH_TEST(test_exhaustion_returns_zero_and_recovers),
        TH_TEST(test_run_aligned_and_zeroed),
        TH_TEST(test_run_frames_free_one_by_one),
        TH_TEST(test_run_bad_args),
        TH_TEST(test_run_too_big),
        TH_TEST(test_run_needs_contiguous_frames),
        TH_TEST(test_core_frame_alloc),
        TH_TEST(test_virt_phys_round_trip),
    };
    return TH_RUN(tests);
}
