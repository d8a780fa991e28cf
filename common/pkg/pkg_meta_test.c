/*
 * pkg_meta_test.c - signed metadata (pkg_meta.h) with real Ed25519 signatures (the
 * host build of signify-openbsd's, keys of RFC 8032's test vectors): a threshold met,
 * and each refusal with the attack it names: too few signatures (a key compromise below
 * the threshold), one key signing twice, an untrusted key, a changed byte after signing
 * (arbitrary installation), a file of another role (mix-and-match), an older version
 * (rollback), an expired one (freeze), an endless one; malformed envelopes.
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

#include <sos/errors.h>

#include "crypto_api.h"
#include "ed25519_detached.h"
#include "pkg_meta.h"
#include "pkg_testkeys.h"

static struct meta_key g_keys[3];
static uint8_t g_sk[3][64];

static void unhex(const char *h, uint8_t *out)
{
    for (size_t i = 0; h[2 * i]; i++) {
        unsigned v;
        sscanf(h + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

static int setup(void **state)
{
    for (int i = 0; i < 3; i++) {
        unhex(g_seed[i], g_sk[i]);
        unhex(g_pub[i], g_sk[i] + 32);
        memcpy(g_keys[i].pub, g_sk[i] + 32, 32);
        meta_keyid(g_keys[i].pub, g_keys[i].id);
    }
    return 0;
}

static bool verify(const uint8_t pub[32], const uint8_t sig[64], const void *msg, size_t len)
{
    return sos_ed25519_verify(pub, sig, msg, len);
}

/* body signed by the keys listed in signers (indexes, -1 ends), into out. */
static size_t make(char *out, size_t cap, const char *body, const int *signers)
{
    size_t n = (size_t)snprintf(out, cap, "%s", body), body_len = n;
    for (; *signers >= 0; signers++) {
        unsigned char *sm = malloc(64 + body_len);
        unsigned long long smlen; /* every signer signs the body, not the lines before */
        crypto_sign_ed25519(sm, &smlen, (const unsigned char *)out, body_len, g_sk[*signers]);
        n += (size_t)snprintf(out + n, cap - n, "signature=");
        for (int i = 0; i < 8; i++)
            n += (size_t)snprintf(out + n, cap - n, "%02x", g_keys[*signers].id[i]);
        n += (size_t)snprintf(out + n, cap - n, " ");
        for (int i = 0; i < 64; i++)
            n += (size_t)snprintf(out + n, cap - n, "%02x", sm[i]);
        n += (size_t)snprintf(out + n, cap - n, "\n");
        free(sm);
    }
    return n;
}

#define BODY "format=1\nrole=timestamp\nversion=7\nexpires=2000000000\nmeta=snapshot 3\n"
#define NOW 1800000000ull

/* Parses and checks text as timestamp against keys 0 and 1, threshold 2, trusted 5. */
static int check(const char *text, size_t len, struct errmsg *err)
{
    struct meta m;
    int rc = meta_parse(text, len, &m, err);
    return rc ? rc : meta_check(&m, text, g_keys, 2, 2, "timestamp", 5, NOW, verify, err);
}

static void expect(const char *text, size_t len, int code, const char *msg)
{
    struct errmsg err = {0};
    int rc = check(text, len, &err);
    if (rc != code || (msg && !strstr(err.msg, msg)))
        fail_msg("got %d '%s', want %d '%s'", rc, err.msg, code, msg ? msg : "");
}

static void test_threshold(void **state)
{
    char t[2048];
    size_t n = make(t, sizeof t, BODY, (int[]){0, 1, -1});
    expect(t, n, 0, NULL);
    n = make(t, sizeof t, BODY, (int[]){1, 2, 0, -1}); /* an untrusted third is harmless */
    expect(t, n, 0, NULL);
    n = make(t, sizeof t, BODY, (int[]){0, -1});
    expect(t, n, SOS_ERR_ACCESS_DENIED, "timestamp: 1 valid signature of the 2 required "
                                        "(arbitrary installation, or a key compromise below "
                                        "the threshold)");
    n = make(t, sizeof t, BODY, (int[]){0, 0, -1});
    expect(t, n, SOS_ERR_ACCESS_DENIED, "1 valid signature of the 2");
    n = make(t, sizeof t, BODY, (int[]){0, 2, -1});
    expect(t, n, SOS_ERR_ACCESS_DENIED, "1 valid signature of the 2");
}

static void test_attacks(void **state)
{
    char t[2048];
    size_t n = make(t, sizeof t, BODY, (int[]){0, 1, -1});
    t[strstr(t, "snapshot 3") - t + 9] = '4'; /* a byte changed after signing */
    expect(t, n, SOS_ERR_ACCESS_DENIED, "0 valid signatures of the 2 required");
    n = make(t, sizeof t, "format=1\nrole=snapshot\nversion=9\nexpires=2000000000\n",
             (int[]){0, 1, -1});
    expect(t, n, SOS_ERR_ACCESS_DENIED, "timestamp: the file is signed as snapshot "
                                        "(mix-and-match)");
    n = make(t, sizeof t, "format=1\nrole=timestamp\nversion=4\nexpires=2000000000\n",
             (int[]){0, 1, -1});
    expect(t, n, SOS_ERR_BAD_STATE, "rollback attack: version 4 is older than the trusted 5");
    n = make(t, sizeof t, "format=1\nrole=timestamp\nversion=9\nexpires=1700000000\n",
             (int[]){0, 1, -1});
    expect(t, n, SOS_ERR_BAD_STATE, "freeze attack: it expired at 1700000000");
    char *big = calloc(1, META_TEXT_MAX + 2);
    memset(big, '#', META_TEXT_MAX + 1);
    expect(big, META_TEXT_MAX + 1, SOS_ERR_INVALID_ARGS, "endless data attack");
    free(big);
}

static void test_malformed(void **state)
{
    char t[2048];
    size_t n = make(t, sizeof t, BODY, (int[]){0, 1, -1});
    strcat(t, "role=root\n");
    expect(t, n + 10, SOS_ERR_INVALID_ARGS, "only signature= lines may follow one");
    const char *bad = BODY "signature=00 11\n";
    expect(bad, strlen(bad), SOS_ERR_INVALID_ARGS, "signature= takes");
    const char *nover = "format=1\nrole=timestamp\nexpires=2000000000\n";
    expect(nover, strlen(nover), SOS_ERR_INVALID_ARGS, "are required");
    const char *f2 = "format=2\n";
    expect(f2, strlen(f2), SOS_ERR_NOT_SUPPORTED, "format=1 expected");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threshold),
        cmocka_unit_test(test_attacks),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
