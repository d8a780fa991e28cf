/*
 * services/lib/test/string_test.c - the runtime's string.h and ctype.h against glibc:
 * fixed edge cases and randomized buffers (alignments, lengths, overlaps).
 *
 * Layer: services/lib host tests.
 */
#include "host.h"

static int sign(int v) { return (v > 0) - (v < 0); }

static void fill(unsigned char *p, size_t n, uint64_t *seed, int alphabet)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(alphabet ? 'a' + test_rand(seed) % (unsigned)alphabet
                                        : test_rand(seed));
}

static void test_memcpy_memset_random(void **state)
{
    (void)state;
    uint64_t seed = 0x1234;
    unsigned char src[600], a[700], b[700];
    for (int round = 0; round < 4000; round++) {
        size_t n = test_rand(&seed) % 520, so = test_rand(&seed) % 40, dof = test_rand(&seed) % 40;
        fill(src, sizeof(src), &seed, 0);
        memset(a, 0x5a, sizeof(a));
        memset(b, 0x5a, sizeof(b));
        assert_ptr_equal(sl_memcpy(a + dof, src + so, n), a + dof);
        memcpy(b + dof, src + so, n);
        assert_memory_equal(a, b, sizeof(a));
        int c = (int)(test_rand(&seed) % 512) - 128; /* memset takes the low byte */
        assert_ptr_equal(sl_memset(a + dof, c, n), a + dof);
        memset(b + dof, c, n);
        assert_memory_equal(a, b, sizeof(a));
    }
}

static void test_memmove_overlap(void **state)
{
    (void)state;
    uint64_t seed = 99;
    unsigned char a[512], b[512];
    for (int round = 0; round < 4000; round++) {
        fill(a, sizeof(a), &seed, 0);
        memcpy(b, a, sizeof(a));
        size_t n = test_rand(&seed) % 200, from = test_rand(&seed) % 300,
               to = test_rand(&seed) % 300;
        assert_ptr_equal(sl_memmove(a + to, a + from, n), a + to);
        memmove(b + to, b + from, n);
        assert_memory_equal(a, b, sizeof(a));
    }
}

/* Every overlap of a 64-byte window, both ways, at every offset pair: the word loops
 * must copy right and (with alignment checks on, see meson.build) never touch a
 * misaligned word, e.g. copying backwards from aligned pointers with a length that is
 * not a whole number of words. */
static void test_memmove_every_offset(void **state)
{
    (void)state;
    _Alignas(16) unsigned char a[96], b[96];
    for (size_t from = 0; from < 16; from++)
        for (size_t to = 0; to < 16; to++)
            for (size_t n = 0; n <= 64; n++) {
                for (size_t i = 0; i < sizeof(a); i++)
                    a[i] = b[i] = (unsigned char)(i * 7 + 1);
                assert_ptr_equal(sl_memmove(a + to, a + from, n), a + to);
                memmove(b + to, b + from, n);
                assert_memory_equal(a, b, sizeof(a));
                assert_ptr_equal(sl_memcpy(a + 80 - to, b + from, to), a + 80 - to);
                assert_memory_equal(a + 80 - to, b + from, to);
            }
}

static void test_memcmp_memchr(void **state)
{
    (void)state;
    uint64_t seed = 7;
    unsigned char a[300], b[300];
    for (int round = 0; round < 4000; round++) {
        size_t n = test_rand(&seed) % 300;
        fill(a, n, &seed, 3);
        memcpy(b, a, n);
        if (n && test_rand(&seed) % 2)
            b[test_rand(&seed) % n] ^= (unsigned char)(1 + test_rand(&seed) % 255);
        assert_int_equal(sign(sl_memcmp(a, b, n)), sign(memcmp(a, b, n)));
        int c = 'a' + (int)(test_rand(&seed) % 4);
        assert_ptr_equal(sl_memchr(a, c, n), memchr(a, c, n));
        assert_ptr_equal(sl_memrchr(a, c, n), memrchr(a, c, n));
    }
    unsigned char hi[2] = {0x80, 0x01};
    assert_true(sl_memcmp(hi, hi + 1, 1) > 0); /* compared as unsigned char */
    assert_ptr_equal(sl_memchr(hi, 0x180, 2), hi); /* c is converted to unsigned char */
}

static void test_strlen_strcmp(void **state)
{
    (void)state;
    uint64_t seed = 3;
    char a[200], b[200];
    for (int round = 0; round < 5000; round++) {
        size_t na = test_rand(&seed) % 60, nb = test_rand(&seed) % 60;
        fill((unsigned char *)a, na, &seed, 3);
        fill((unsigned char *)b, nb, &seed, 3);
        a[na] = b[nb] = 0;
        if (test_rand(&seed) % 3 == 0)
            strcpy(b, a);
        if (test_rand(&seed) % 5 == 0 && na)
            a[test_rand(&seed) % na] = (char)0xe9; /* a byte above 127 */
        size_t n = test_rand(&seed) % 70;
        assert_int_equal(sl_strlen(a), strlen(a));
        assert_int_equal(sl_strnlen(a, n), strnlen(a, n));
        assert_int_equal(sign(sl_strcmp(a, b)), sign(strcmp(a, b)));
        assert_int_equal(sign(sl_strncmp(a, b, n)), sign(strncmp(a, b, n)));
        assert_int_equal(sign(sl_strcasecmp(a, b)), sign(strcasecmp(a, b)));
        assert_int_equal(sign(sl_strncasecmp(a, b, n)), sign(strncasecmp(a, b, n)));
    }
    assert_int_equal(sl_strcasecmp("HeLLo", "hello"), 0);
    assert_true(sl_strcasecmp("abc", "ABD") < 0);
    assert_int_equal(sl_strncmp("abc", "abd", 2), 0);
    assert_int_equal(sl_strncmp("", "", 0), 0);
}

static void test_copy_cat(void **state)
{
    (void)state;
    char a[64], b[64];
    memset(a, 'x', sizeof(a));
    memset(b, 'x', sizeof(b));
    assert_ptr_equal(sl_strcpy(a, "hello"), a);
    strcpy(b, "hello");
    assert_memory_equal(a, b, sizeof(a));
    assert_ptr_equal(sl_strcat(a, " world"), a);
    strcat(b, " world");
    assert_memory_equal(a, b, sizeof(a));
    const char *volatile bangs = "!!!"; /* opaque, so the compiler does not lint strncat */
    assert_ptr_equal(sl_strncat(a, bangs, 2), a);
    strncat(b, bangs, 2);
    assert_memory_equal(a, b, sizeof(a));
    for (size_t n = 0; n < 12; n++) { /* strncpy pads with NULs, or does not terminate */
        memset(a, 'x', sizeof(a));
        memset(b, 'x', sizeof(b));
        sl_strncpy(a, "abcde", n);
        strncpy(b, "abcde", n);
        assert_memory_equal(a, b, sizeof(a));
    }
    memset(a, 'x', sizeof(a));
    assert_ptr_equal(sl_stpcpy(a, "abc"), a + 3);
    assert_string_equal(a, "abc");
    /* strlcpy/strlcat (BSD semantics; glibc 2.36 has none to compare with) */
    assert_int_equal(sl_strlcpy(a, "truncate me", 5), 11);
    assert_string_equal(a, "trun");
    assert_int_equal(sl_strlcpy(a, "x", 0), 1);
    assert_string_equal(a, "trun");
    assert_int_equal(sl_strlcat(a, "cated", 8), 9);
    assert_string_equal(a, "truncat");
    assert_int_equal(sl_strlcat(a, "zz", 3), 3 + 2); /* dst not terminated within size */
}

static void test_search(void **state)
{
    (void)state;
    static const char *hay[] = {"", "a", "abc", "abcabcabd", "aaaaab", "hello world", "x/y/z"};
    static const char *needles[] = {"", "a", "b", "abd", "ab", "aab", "world", "z", "/", "zz"};
    static const int chars[] = {'a', 'b', 'z', '/', 0, 'l', 0x100 + 'a'};
    for (size_t i = 0; i < ARRAY_LEN(hay); i++) {
        for (size_t j = 0; j < ARRAY_LEN(needles); j++) {
            assert_ptr_equal(sl_strstr(hay[i], needles[j]), strstr(hay[i], needles[j]));
            assert_int_equal(sl_strspn(hay[i], needles[j]), strspn(hay[i], needles[j]));
            assert_int_equal(sl_strcspn(hay[i], needles[j]), strcspn(hay[i], needles[j]));
            assert_ptr_equal(sl_strpbrk(hay[i], needles[j]), strpbrk(hay[i], needles[j]));
        }
        for (size_t j = 0; j < ARRAY_LEN(chars); j++) {
            assert_ptr_equal(sl_strchr(hay[i], chars[j]), strchr(hay[i], chars[j]));
            assert_ptr_equal(sl_strrchr(hay[i], chars[j]), strrchr(hay[i], chars[j]));
        }
    }
    uint64_t seed = 11;
    char h[128], n[8];
    for (int round = 0; round < 5000; round++) {
        size_t hn = test_rand(&seed) % 100, nn = test_rand(&seed) % 5;
        fill((unsigned char *)h, hn, &seed, 2);
        fill((unsigned char *)n, nn, &seed, 2);
        h[hn] = n[nn] = 0;
        assert_ptr_equal(sl_strstr(h, n), strstr(h, n));
    }
}

static void test_strtok_r(void **state)
{
    (void)state;
    static const char *inputs[] = {"", ",,,", "a", "a,b", ",a,,b,", "one two\tthree",
                                   "  lead", "trail  "};
    for (size_t i = 0; i < ARRAY_LEN(inputs); i++) {
        char x[64], y[64], *sx = NULL, *sy = NULL;
        strcpy(x, inputs[i]);
        strcpy(y, inputs[i]);
        char *tx = sl_strtok_r(x, ", \t", &sx), *ty = strtok_r(y, ", \t", &sy);
        for (;;) {
            assert_int_equal(tx == NULL, ty == NULL);
            if (!tx)
                break;
            assert_int_equal(tx - x, ty - y);
            assert_string_equal(tx, ty);
            tx = sl_strtok_r(NULL, ", \t", &sx);
            ty = strtok_r(NULL, ", \t", &sy);
        }
        assert_null(sl_strtok_r(NULL, ",", &sx)); /* stays at the end */
    }
}

static void test_strdup(void **state)
{
    (void)state;
    char *d = sl_strdup("duplicate");
    assert_non_null(d);
    assert_string_equal(d, "duplicate");
    char *e = sl_strndup("duplicate", 3);
    assert_string_equal(e, "dup");
    char *f = sl_strndup("ab", 10);
    assert_string_equal(f, "ab");
    sl_free(d);
    sl_free(e);
    sl_free(f);
}

static void test_ctype_all(void **state)
{
    (void)state;
    static int (*const ours[])(int) = {sl_isalnum, sl_isalpha, sl_isblank, sl_iscntrl,
                                       sl_isdigit, sl_isgraph, sl_islower, sl_isprint,
                                       sl_ispunct, sl_isspace, sl_isupper, sl_isxdigit};
    static int (*const theirs[])(int) = {isalnum, isalpha, isblank, iscntrl, isdigit, isgraph,
                                         islower, isprint, ispunct, isspace, isupper, isxdigit};
    for (int c = -1; c < 256; c++) { /* EOF and every unsigned char, in the C locale */
        for (size_t f = 0; f < ARRAY_LEN(ours); f++)
            assert_int_equal(!!ours[f](c), !!theirs[f](c));
        assert_int_equal(sl_tolower(c), tolower(c));
        assert_int_equal(sl_toupper(c), toupper(c));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memcpy_memset_random),
        cmocka_unit_test(test_memmove_overlap),
        cmocka_unit_test(test_memmove_every_offset),
        cmocka_unit_test(test_memcmp_memchr),
        cmocka_unit_test(test_strlen_strcmp),
        cmocka_unit_test(test_copy_cat),
        cmocka_unit_test(test_search),
        cmocka_unit_test(test_strtok_r),
        cmocka_unit_test(test_strdup),
        cmocka_unit_test(test_ctype_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
