/*
 * sha256_test.c - SHA-256: the FIPS 180-2 example vectors, padding edge lengths, and
 * agreement with the host's own implementation (coreutils sha256sum) on inputs of
 * every length around the block and padding boundaries, fed whole and in pieces.
 *
 * Layer: tests (host).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sha256.h"

static void hex(const uint8_t d[SHA256_SIZE], char out[65])
{
    for (int i = 0; i < SHA256_SIZE; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void check_hash(const void *data, size_t len, const char *want)
{
    uint8_t d[SHA256_SIZE];
    char got[65];
    sha256(data, len, d);
    hex(d, got);
    assert_string_equal(got, want);
}

static void test_fips_vectors(void **state)
{
    check_hash("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    check_hash("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    check_hash(two, strlen(two),
               "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *million = malloc(1000000);
    memset(million, 'a', 1000000);
    check_hash(million, 1000000,
               "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    /* the same million fed in uneven pieces */
    struct sha256 s;
    uint8_t d[SHA256_SIZE];
    char got[65];
    sha256_init(&s);
    for (size_t at = 0, step = 1; at < 1000000; at += step, step = step * 3 % 1000 + 1)
        sha256_update(&s, million + at, at + step > 1000000 ? 1000000 - at : step);
    sha256_final(&s, d);
    hex(d, got);
    assert_string_equal(got, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(million);
}

/* The host's digest of data, from sha256sum. */
static void host_sha256(const uint8_t *data, size_t len, char out[65])
{
    char path[] = "/tmp/sos-sha256-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "sha256sum %s", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(out, 65, p));
    pclose(p);
    remove(path);
    out[64] = 0;
}

static void test_agrees_with_host(void **state)
{
    static uint8_t data[4200];
    uint32_t x = 7;
    for (size_t i = 0; i < sizeof data; i++) {
        x = x * 1103515245u + 12345u;
        data[i] = (uint8_t)(x >> 16);
    }
    /* lengths around every padding case: 55/56/63/64 bytes mod 64, small and large */
    size_t lengths[] = {0,   1,   55,  56,  57,   63,   64,   65,   119,  120,
                        127, 128, 129, 191, 1000, 4095, 4096, 4097, 4200};
    for (size_t k = 0; k < sizeof lengths / sizeof lengths[0]; k++) {
        size_t len = lengths[k];
        char want[65], got[65];
        uint8_t d[SHA256_SIZE];
        host_sha256(data, len, want);
        struct sha256 s;
        sha256_init(&s);
        for (size_t at = 0; at < len; at += 37)
            sha256_update(&s, data + at, len - at < 37 ? len - at : 37);
        sha256_final(&s, d);
        hex(d, got);
        if (strcmp(got, want))
            fail_msg("length %zu: ours %s, sha256sum %s", len, got, want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fips_vectors),
        cmocka_unit_test(test_agrees_with_host),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
