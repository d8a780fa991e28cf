/*
 * services/storage/crc/crc32c_test.c - every CRC-32C implementation the build and
 * this CPU have (the tables, and the architecture file's instruction when there is
 * one): the known vectors (RFC 3720's and "123456789"), agreement with the tables on
 * pseudo-random buffers of odd lengths at every alignment, and sfs_crc32c (the
 * measured choice) agreeing with them all.
 *
 * Layer: services host tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../fs/sfs.h"
#include "crc32c.h"

#define MAX_IMPLS 4

static uint32_t crc_of(const struct sfs_crc_impl *im, uint32_t crc, const void *p, size_t n)
{
    return ~im->update(~crc, p, n);
}

static size_t impls(struct sfs_crc_impl *out)
{
    size_t n = sfs_crc32c_impls(out, MAX_IMPLS);
    assert_true(n >= 1);
    assert_string_equal(out[0].name, "table");
    for (size_t k = 0; k < n; k++)
        print_message("# crc32c implementation: %s\n", out[k].name);
    return n;
}

static void test_known_vectors(void **state)
{
    (void)state;
    struct sfs_crc_impl im[MAX_IMPLS];
    size_t n = impls(im);
    uint8_t zeros[32] = {0}, ones[32], inc[32], dec[32];
    memset(ones, 0xff, sizeof(ones));
    for (unsigned i = 0; i < 32; i++) {
        inc[i] = (uint8_t)i;
        dec[i] = (uint8_t)(31 - i);
    }
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(crc_of(&im[k], 0, "123456789", 9), 0xe3069283u);
        assert_int_equal(crc_of(&im[k], 0, "", 0), 0u);
        assert_int_equal(crc_of(&im[k], 0, zeros, 32), 0x8a9136aau);
        assert_int_equal(crc_of(&im[k], 0, ones, 32), 0x62a8ab43u);
        assert_int_equal(crc_of(&im[k], 0, inc, 32), 0x46dd794eu);
        assert_int_equal(crc_of(&im[k], 0, dec, 32), 0x113fdb5cu);
    }
    assert_int_equal(sfs_crc32c(0, "123456789", 9), 0xe3069283u);
}

/* xorshift64: the same "random" bytes on every run. */
static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void test_agree_on_random_buffers(void **state)
{
    (void)state;
    struct sfs_crc_impl im[MAX_IMPLS];
    size_t n = impls(im);
    size_t cap = 3 * 4096 + 64;
    uint8_t *buf = malloc(cap);
    assert_non_null(buf);
    uint64_t seed = 0x243f6a8885a308d3ull;
    for (size_t i = 0; i < cap; i++)
        buf[i] = (uint8_t)next(&seed);
    for (int round = 0; round < 400; round++) {
        size_t off = next(&seed) % 8;
        size_t len = (next(&seed) % (cap - 8)) | 1; /* odd */
        if (round % 4 == 0)
            len %= 64; /* short ones too: 1..63 */
        uint32_t start = (uint32_t)next(&seed);
        uint32_t want = crc_of(&im[0], start, buf + off, len);
        for (size_t k = 1; k < n; k++)
            assert_int_equal(crc_of(&im[k], start, buf + off, len), want);
        assert_int_equal(sfs_crc32c(start, buf + off, len), want);
    }
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_vectors),
        cmocka_unit_test(test_agree_on_random_buffers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
