/*
 * services/lib/test/stdlib_test.c - strto*, atoi, abs, qsort and bsearch against glibc.
 *
 * strto*: every base from 0 to 36 (and bad ones), signs, leading white space, prefixes,
 * overflow at each type's edge, and where *end lands.
 *
 * Layer: services/lib host tests.
 */
#include "host.h"

static const char *g_inputs[] = {
    "", " ", "0", "-0", "+0", "1", "-1", "+1", "42", "  \t\n\v\f\r 42xyz", "- 1", "+-1",
    "0x", "0X1f", "0x1G", "0xg", "-0x10", "0x7fffffffffffffff", "0x8000000000000000",
    "0xffffffffffffffff", "0x10000000000000000", "010", "08", "0b101", "z", "Zz",
    "zzzzzzzzzzzzzzz",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "-9223372036854775809", "18446744073709551615", "18446744073709551616",
    "-18446744073709551615", "-18446744073709551616", "99999999999999999999999999",
    "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295", "4294967296",
    "123abc", "abc", "0000000000000000000000000000000012", "  -  5", "\t+7", "1e5", "0.5",
    "777777777777777777777", "1777777777777777777777", "2000000000000000000000",
    "-1777777777777777777777", "7fffffff", "ffffffff", "FFFFFFFFFFFFFFFF1", "1y", "0x-1",
};

static void test_strtol_family(void **state)
{
    (void)state;
    static const int bases[] = {0, 2, 8, 10, 16, 36, 3, 7, 35};
    for (size_t i = 0; i < ARRAY_LEN(g_inputs); i++)
        for (size_t b = 0; b < ARRAY_LEN(bases); b++) {
            const char *s = g_inputs[i];
            int base = bases[b];
            char *e1, *e2;
#define CMP(ours, theirs, fmt)                                                           \
    do {                                                                                 \
        __sl_errno = 0;                                                                  \
        errno = 0;                                                                       \
        __typeof__(theirs(s, &e2, base)) a = ours(s, &e1, base), c = theirs(s, &e2, base); \
        if (a != c || e1 != e2 || __sl_errno != errno)                                   \
            fail_msg(#theirs "(\"%s\", %d): ours " fmt " end+%td errno %d, glibc " fmt      \
                     " end+%td errno %d", s, base, a, e1 - s, __sl_errno, c, e2 - s, errno); \
    } while (0)
            CMP(sl_strtol, strtol, "%ld");
            CMP(sl_strtoul, strtoul, "%lu");
            CMP(sl_strtoll, strtoll, "%lld");
            CMP(sl_strtoull, strtoull, "%llu");
#undef CMP
        }
}

static void test_strtol_null_end_and_bad_base(void **state)
{
    (void)state;
    assert_int_equal(sl_strtol("123", NULL, 10), 123);
    char *end;
    const char *s = "55";
    __sl_errno = 0;
    assert_int_equal(sl_strtol(s, &end, 1), 0);
    assert_ptr_equal(end, s);
    assert_int_equal(__sl_errno, EINVAL);
    assert_int_equal(sl_strtoul(s, &end, 37), 0);
    assert_ptr_equal(end, s);
}

static void test_random_numbers(void **state)
{
    (void)state;
    uint64_t seed = 0xfeed;
    char buf[80];
    for (int round = 0; round < 20000; round++) {
        long long v = (long long)test_rand(&seed) >> (test_rand(&seed) % 64);
        int base = (int)(test_rand(&seed) % 35) + 2;
        /* print v in that base by hand, sometimes with a sign and spaces */
        char digits[70];
        int n = 0;
        unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
        do {
            digits[n++] = "0123456789abcdefghijklmnopqrstuvwxyz"[u % (unsigned)base];
            u /= (unsigned)base;
        } while (u);
        int k = 0;
        if (test_rand(&seed) % 2)
            buf[k++] = ' ';
        if (v < 0)
            buf[k++] = '-';
        while (n)
            buf[k++] = digits[--n];
        buf[k] = 0;
        char *e1, *e2;
        assert_int_equal(sl_strtoll(buf, &e1, base), strtoll(buf, &e2, base));
        assert_ptr_equal(e1, e2);
        assert_int_equal(sl_strtoull(buf, &e1, base), strtoull(buf, &e2, base));
        assert_ptr_equal(e1, e2);
    }
}

static void test_atoi_abs(void **state)
{
    (void)state;
    static const char *s[] = {"0", "12", "-12", "  +7x", "2147483647", "-2147483648", "abc"};
    for (size_t i = 0; i < ARRAY_LEN(s); i++) {
        assert_int_equal(sl_atoi(s[i]), atoi(s[i]));
        assert_int_equal(sl_atol(s[i]), atol(s[i]));
        assert_int_equal(sl_atoll(s[i]), atoll(s[i]));
    }
    assert_int_equal(sl_abs(-5), 5);
    assert_int_equal(sl_abs(5), 5);
    assert_int_equal(sl_labs(-LONG_MAX), LONG_MAX);
    assert_int_equal(sl_llabs(-3LL), 3);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

struct rec {
    uint32_t key;
    uint32_t pos;
    char pad[13];
};

static int cmp_rec(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    return (x->key > y->key) - (x->key < y->key);
}

static void test_qsort(void **state)
{
    (void)state;
    uint64_t seed = 5;
    static int a[5000], b[5000];
    for (int round = 0; round < 300; round++) {
        size_t n = test_rand(&seed) % 5000;
        int spread = round % 3 == 0 ? 5 : round % 3 == 1 ? 1000 : INT_MAX;
        for (size_t i = 0; i < n; i++)
            a[i] = (int)(test_rand(&seed) % (unsigned)spread) - spread / 2;
        if (round % 7 == 0) /* presorted and reversed inputs */
            qsort(a, n, sizeof(int), cmp_int);
        if (round % 14 == 0)
            for (size_t i = 0; i < n / 2; i++) {
                int t = a[i];
                a[i] = a[n - 1 - i];
                a[n - 1 - i] = t;
            }
        memcpy(b, a, n * sizeof(int));
        sl_qsort(a, n, sizeof(int), cmp_int);
        qsort(b, n, sizeof(int), cmp_int);
        assert_memory_equal(a, b, n * sizeof(int));
    }
    /* odd-sized elements: sorted by key, and the same multiset */
    static struct rec r[777];
    unsigned long sum = 0;
    for (size_t i = 0; i < ARRAY_LEN(r); i++) {
        r[i] = (struct rec){(uint32_t)(test_rand(&seed) % 100), (uint32_t)i, {0}};
        sum += r[i].pos;
    }
    sl_qsort(r, ARRAY_LEN(r), sizeof(r[0]), cmp_rec);
    unsigned long sum2 = 0;
    for (size_t i = 0; i < ARRAY_LEN(r); i++) {
        sum2 += r[i].pos;
        if (i)
            assert_true(r[i - 1].key <= r[i].key);
    }
    assert_int_equal(sum, sum2);
    sl_qsort(NULL, 0, sizeof(int), cmp_int); /* nothing to do */
}

static void test_bsearch(void **state)
{
    (void)state;
    int a[1000];
    for (int n = 0; n <= 40; n++) {
        for (int i = 0; i < n; i++)
            a[i] = i * 2;
        for (int key = -2; key <= 2 * n + 1; key++) {
            int *p = sl_bsearch(&key, a, (size_t)n, sizeof(int), cmp_int);
            if (key >= 0 && key < 2 * n && key % 2 == 0) {
                assert_non_null(p);
                assert_int_equal(*p, key);
            } else {
                assert_null(p);
            }
        }
    }
}

static void test_rand_range(void **state)
{
    (void)state;
    sl_srand(1);
    int first = sl_rand();
    for (int i = 0; i < 1000; i++) {
        int r = sl_rand();
        assert_true(r >= 0 && r <= 0x7fffffff);
    }
    sl_srand(1);
    assert_int_equal(sl_rand(), first); /* the same seed, the same sequence */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strtol_family),
        cmocka_unit_test(test_strtol_null_end_and_bad_base),
        cmocka_unit_test(test_random_numbers),
        cmocka_unit_test(test_atoi_abs),
        cmocka_unit_test(test_qsort),
        cmocka_unit_test(test_bsearch),
        cmocka_unit_test(test_rand_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
