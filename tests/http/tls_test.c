/*
 * tests/http/tls_test.c - host unit tests of the TLS trust store and of the refusals
 * of tls_client_open (client/tls.h), with BearSSL built natively for the tests: PEM
 * bundles good, mixed and broken (each broken one leaves the store as it was), and a
 * handshake that cannot start (no time, no seed, no anchors) or whose lower transport
 * times out or ends - always with the lower transport closed exactly once.
 *
 * Layer: host test (cmocka).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <client/tls.h>

#include "tlsloop_certs.h"

static void add_bad(struct tls_trust *t, const char *pem, int want, const char *why_part)
{
    const char *why = NULL;
    size_t before = tls_trust_count(t);
    assert_int_equal(tls_trust_add_pem(t, pem, strlen(pem), &why), want);
    assert_non_null(why);
    if (!strstr(why, why_part))
        fail_msg("'%s' lacks '%s'", why, why_part);
    assert_int_equal(tls_trust_count(t), before);
}

static void test_trust_good(void **state)
{
    (void)state;
    struct tls_trust *t = tls_trust_new();
    char both[4096];
    snprintf(both, sizeof(both), "junk before\n%s-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n%s",
             g_tlsloop_ca_pem, g_tlsloop_other_ca_pem);
    assert_int_equal(tls_trust_add_pem(t, g_tlsloop_ca_pem, strlen(g_tlsloop_ca_pem), NULL), 1);
    assert_int_equal(tls_trust_add_pem(t, both, strlen(both), NULL), 2);
    assert_int_equal(tls_trust_count(t), 3);
    /* a last line without its newline */
    assert_int_equal(tls_trust_add_pem(t, g_tlsloop_ca_pem, strlen(g_tlsloop_ca_pem) - 1, NULL), 1);
    assert_int_equal(tls_trust_add_pem(t, "no pem here", 11, NULL), 0);
    tls_trust_free(t);
}

static void test_trust_bad(void **state)
{
    (void)state;
    struct tls_trust *t = tls_trust_new();
    char buf[40000];
    assert_int_equal(tls_trust_add_pem(t, g_tlsloop_ca_pem, strlen(g_tlsloop_ca_pem), NULL), 1);
    add_bad(t, "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
            SOS_ERR_BAD_FORMAT, "not valid PEM");
    add_bad(t, "-----BEGIN CERTIFICATE-----\nAAECAwQFBgcI\n-----END CERTIFICATE-----\n",
            SOS_ERR_BAD_FORMAT, "does not decode");
    snprintf(buf, sizeof(buf), "%s-----BEGIN CERTIFICATE-----\nMIIB\n", g_tlsloop_ca_pem);
    add_bad(t, buf, SOS_ERR_BAD_FORMAT, "ends inside a certificate");
    size_t n = (size_t)snprintf(buf, sizeof(buf), "-----BEGIN CERTIFICATE-----\n");
    for (int i = 0; i < 400; i++)
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s\n",
                              "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    snprintf(buf + n, sizeof(buf) - n, "-----END CERTIFICATE-----\n");
    add_bad(t, buf, SOS_ERR_OUT_OF_RANGE, "too large");
    tls_trust_free(t);
    tls_trust_free(NULL);
}

/* ---- tls_client_open refusals over a scripted lower transport */

struct lower {
    int64_t read_result; /* what every read returns */
    int closes, writes;
};

static int64_t lower_read(void *ctx, void *buf, size_t len, sos_time_t deadline)
{
    (void)buf, (void)len, (void)deadline;
    return ((struct lower *)ctx)->read_result;
}

static int lower_write(void *ctx, const void *buf, size_t len, sos_time_t deadline)
{
    (void)buf, (void)len, (void)deadline;
    ((struct lower *)ctx)->writes++;
    return 0;
}

static void lower_close(void *ctx)
{
    ((struct lower *)ctx)->closes++;
}

static int fake_seed(void *ctx, void *buf, size_t len)
{
    (void)ctx;
    memset(buf, 0x42, len);
    return 0;
}

static int open_host(struct tls_config *cfg, struct lower *l, const char *host, const char **why)
{
    struct http_transport lower = {l, lower_read, lower_write, lower_close}, out;
    int err = tls_client_open(cfg, &lower, host, 1000, &out, why);
    assert_int_equal(l->closes, 1);
    return err;
}

static int open_with(struct tls_config *cfg, struct lower *l, const char **why)
{
    return open_host(cfg, l, "tlsloop.test", why);
}

static void test_open_refusals(void **state)
{
    (void)state;
    struct tls_trust *t = tls_trust_new(), *empty = tls_trust_new();
    assert_int_equal(tls_trust_add_pem(t, g_tlsloop_ca_pem, strlen(g_tlsloop_ca_pem), NULL), 1);
    const char *why;
    struct lower l = {0};
    struct tls_config cfg = {t, {NULL, fake_seed}, TLSLOOP_TIME};

    cfg.unix_time = 0;
    assert_int_equal(open_with(&cfg, &l, &why), SOS_ERR_INVALID_ARGS);
    assert_string_equal(why, "no wall-clock time to check certificates");
    cfg.unix_time = TLSLOOP_TIME;
    cfg.trust = empty;
    l = (struct lower){0};
    assert_int_equal(open_with(&cfg, &l, &why), SOS_ERR_INVALID_ARGS);
    assert_string_equal(why, "no trust anchors for TLS");
    cfg.trust = t;
    cfg.entropy.fill = NULL;
    l = (struct lower){0};
    assert_int_equal(open_with(&cfg, &l, &why), SOS_ERR_NOT_SUPPORTED);
    assert_string_equal(why, "no entropy source to seed TLS");
    assert_int_equal(l.writes, 0);
    cfg.entropy.fill = fake_seed;
    static const char *addrs[] = {"127.0.0.1", "::1", "2001:db8::1", ""};
    for (int i = 0; i < 4; i++) {
        l = (struct lower){0};
        assert_int_equal(open_host(&cfg, &l, addrs[i], &why), SOS_ERR_INVALID_ARGS);
        assert_non_null(strstr(why, "TLS needs a host name"));
        assert_int_equal(l.writes, 0);
    }

    l = (struct lower){.read_result = SOS_ERR_TIMED_OUT};
    assert_int_equal(open_with(&cfg, &l, &why), SOS_ERR_TIMED_OUT);
    assert_true(l.writes > 0); /* the ClientHello went out */
    l = (struct lower){.read_result = 0};
    assert_int_equal(open_with(&cfg, &l, &why), SOS_ERR_PEER_CLOSED);
    tls_trust_free(t);
    tls_trust_free(empty);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trust_good),
        cmocka_unit_test(test_trust_bad),
        cmocka_unit_test(test_open_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
