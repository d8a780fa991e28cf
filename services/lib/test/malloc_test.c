/*
 * services/lib/test/malloc_test.c - the allocator over a fake page provider: random
 * malloc/free/realloc/calloc sequences with content checks, no two live blocks
 * overlapping, alignment, large blocks, failure of the provider, and every page given
 * back once everything is freed.
 *
 * Layer: services/lib host tests.
 */
#include "host.h"

struct live {
    unsigned char *p;
    size_t n;
    unsigned char tag;
};

static void fill_tag(const struct live *l) { memset(l->p, l->tag, l->n); }

static void check_tag(const struct live *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->p[i] != l->tag)
            fail_msg("block %p (%zu bytes) changed at %zu", (void *)l->p, l->n, i);
}

static int cmp_live(const void *a, const void *b)
{
    const struct live *x = a, *y = b;
    return (x->p > y->p) - (x->p < y->p);
}

static void check_no_overlap(struct live *l, size_t n)
{
    struct live *s = malloc(n * sizeof(*s));
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (l[i].p)
            s[k++] = l[i];
    qsort(s, k, sizeof(*s), cmp_live);
    for (size_t i = 1; i < k; i++)
        if (s[i - 1].p + s[i - 1].n > s[i].p)
            fail_msg("blocks %p+%zu and %p overlap", (void *)s[i - 1].p, s[i - 1].n,
                     (void *)s[i].p);
    free(s);
}

static size_t random_size(uint64_t *seed)
{
    switch (test_rand(seed) % 10) {
    case 0: return 0;
    case 1: return test_rand(seed) % 16 + 1;
    case 2: case 3: case 4: return test_rand(seed) % 256 + 1;
    case 5: case 6: return test_rand(seed) % 4096 + 1;
    case 7: return test_rand(seed) % 40000 + 1;
    case 8: return test_rand(seed) % 200000 + 1;
    default: return test_rand(seed) % 700000 + 1; /* past the large threshold too */
    }
}

static void free_all(struct live *l, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (l[i].p) {
            check_tag(&l[i]);
            sl_free(l[i].p);
            l[i].p = NULL;
        }
    }
}

static void test_random_sequences(void **state)
{
    (void)state;
    enum { SLOTS = 400 };
    static struct live l[SLOTS];
    uint64_t seed = 0xabcdef;
    for (int round = 0; round < 30000; round++) {
        struct live *x = &l[test_rand(&seed) % SLOTS];
        unsigned op = (unsigned)(test_rand(&seed) % 4);
        if (x->p && op != 3) { /* free or realloc what is there */
            check_tag(x);
            if (op == 0) {
                sl_free(x->p);
                x->p = NULL;
            } else {
                size_t n = random_size(&seed);
                unsigned char *q = sl_realloc(x->p, n);
                if (n == 0) {
                    assert_null(q);
                    x->p = NULL;
                    continue;
                }
                assert_non_null(q);
                for (size_t i = 0; i < (n < x->n ? n : x->n); i++)
                    if (q[i] != x->tag)
                        fail_msg("realloc lost byte %zu", i);
                x->p = q;
                x->n = n;
                fill_tag(x);
            }
        } else if (!x->p) {
            size_t n = random_size(&seed);
            bool zeroed = op == 2;
            x->p = zeroed ? sl_calloc(1, n) : sl_malloc(n);
            assert_non_null(x->p);
            assert_int_equal((uintptr_t)x->p % 16, 0);
            if (zeroed)
                for (size_t i = 0; i < n; i++)
                    assert_int_equal(x->p[i], 0);
            x->n = n;
            x->tag = (unsigned char)(1 + test_rand(&seed) % 254);
            fill_tag(x);
        }
        if (round % 1000 == 0) {
            assert_int_equal(__sl_malloc_check(), 0);
            check_no_overlap(l, SLOTS);
        }
    }
    assert_int_equal(__sl_malloc_check(), 0);
    free_all(l, SLOTS);
    assert_int_equal(__sl_malloc_check(), 0);
    struct sl_malloc_stats st;
    __sl_malloc_stats(&st);
    assert_int_equal(st.in_use_bytes, 0);
    assert_int_equal(st.large, 0);
    assert_true(st.arenas <= 1); /* one empty arena may stay as the spare */
    assert_int_equal(st.mapped_bytes, g_fake_pages_out);
    __sl_malloc_trim();
    assert_int_equal(g_fake_pages_out, 0); /* every page went back */
}

static void test_arenas_go_back(void **state)
{
    (void)state;
    /* fill several arenas, then free everything in a scattered order */
    enum { N = 3000 };
    static void *p[N];
    for (int i = 0; i < N; i++) {
        p[i] = sl_malloc(1000);
        assert_non_null(p[i]);
    }
    struct sl_malloc_stats st;
    __sl_malloc_stats(&st);
    assert_true(st.arenas >= 3);
    size_t peak = g_fake_pages_out;
    for (int step = 0; step < 7; step++)
        for (int i = step; i < N; i += 7)
            sl_free(p[i]);
    __sl_malloc_stats(&st);
    assert_true(st.arenas <= 1);
    assert_true(g_fake_pages_out < peak);
    assert_int_equal(__sl_malloc_check(), 0);
    __sl_malloc_trim();
    assert_int_equal(g_fake_pages_out, 0);
}

static void test_large_blocks(void **state)
{
    (void)state;
    size_t before = g_fake_pages_out;
    unsigned char *a = sl_malloc(1 << 20);
    assert_non_null(a);
    assert_int_equal((uintptr_t)a % 16, 0);
    memset(a, 0x11, 1 << 20);
    struct sl_malloc_stats st;
    __sl_malloc_stats(&st);
    assert_int_equal(st.large, 1);
    /* grow (moves), shrink a little (stays), shrink a lot (moves to an arena) */
    unsigned char *b = sl_realloc(a, 3 << 20);
    assert_non_null(b);
    assert_int_equal(b[(1 << 20) - 1], 0x11);
    unsigned char *c = sl_realloc(b, (3 << 20) - 4096);
    assert_ptr_equal(c, b);
    unsigned char *d = sl_realloc(c, 100);
    assert_non_null(d);
    assert_int_equal(d[99], 0x11);
    __sl_malloc_stats(&st);
    assert_int_equal(st.large, 0);
    sl_free(d);
    __sl_malloc_trim();
    assert_int_equal(g_fake_pages_out, before);
}

static void test_realloc_in_place(void **state)
{
    (void)state;
    unsigned char *a = sl_malloc(100);
    unsigned char *guard = sl_malloc(100);
    memset(a, 7, 100);
    unsigned char *b = sl_realloc(a, 40); /* shrink in place */
    assert_ptr_equal(b, a);
    sl_free(guard);
    unsigned char *c = sl_realloc(b, 180); /* the freed neighbour is absorbed */
    assert_ptr_equal(c, a);
    for (int i = 0; i < 40; i++)
        assert_int_equal(c[i], 7);
    assert_null(sl_realloc(c, 0)); /* realloc to 0 frees */
    assert_non_null(c = sl_realloc(NULL, 10));
    sl_free(c);
    sl_free(NULL);
    assert_int_equal(__sl_malloc_check(), 0);
}

static void test_provider_failure_and_overflow(void **state)
{
    (void)state;
    __sl_malloc_trim();
    g_fake_pages_fail = 1;
    assert_null(sl_malloc(100)); /* no arena could be had */
    assert_null(sl_malloc((size_t)1 << 50));
    assert_null(sl_calloc(SIZE_MAX / 2, 4)); /* n * size overflows */
    assert_null(sl_realloc(NULL, SIZE_MAX));
    g_fake_pages_fail = 0;
    void *p = sl_malloc(100);
    assert_non_null(p);
    g_fake_pages_fail = 1;
    assert_null(sl_realloc(p, 500000)); /* fails, and p is still good */
    g_fake_pages_fail = 0;
    memset(p, 1, 100);
    sl_free(p);
    assert_int_equal(__sl_malloc_check(), 0);
}

static void test_many_small(void **state)
{
    (void)state;
    /* every size from 1 to 2100: distinct, aligned, usable to the last byte */
    static void *p[2100];
    for (size_t n = 1; n < ARRAY_LEN(p); n++) {
        p[n] = sl_malloc(n);
        assert_non_null(p[n]);
        assert_int_equal((uintptr_t)p[n] % 16, 0);
        memset(p[n], (int)(n & 0xff), n);
    }
    for (size_t n = 1; n < ARRAY_LEN(p); n++) {
        unsigned char *c = p[n];
        assert_int_equal(c[0], n & 0xff);
        assert_int_equal(c[n - 1], n & 0xff);
        sl_free(p[n]);
    }
    assert_int_equal(__sl_malloc_check(), 0);
    __sl_malloc_trim();
    assert_int_equal(g_fake_pages_out, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_sequences),
        cmocka_unit_test(test_arenas_go_back),
        cmocka_unit_test(test_large_blocks),
        cmocka_unit_test(test_realloc_in_place),
        cmocka_unit_test(test_provider_failure_and_overflow),
        cmocka_unit_test(test_many_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
