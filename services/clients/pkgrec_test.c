/*
 * services/clients/pkgrec_test.c - the package service's records (pkgrec.c) on the
 * host: PKG_PACKAGES and PKG_TRUST replies put and got back whole; cut short at every
 * length, with bytes after the last record, and with each field made wrong (too long,
 * not printable, an unknown flag, a channel or clock out of range, an empty name, too
 * many records): refused, never half decoded; and pkgc_packages' paging through the
 * fake call, which stops on a reply that does not move on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../lib/test/host_sys.h"
#include <client/pkg.h>

static uint8_t g_buf[16384];
static struct pkgc_package g_page[PKG_PAGE_MAX];

static struct pkgc_package hello(void)
{
    struct pkgc_package p = {.name = "hello", .version = "1.1", .desc = "The hello program",
                             .installed = "1.0", .channel = 1, .repo = "test", .size = 9000,
                             .depends = "base >=1 <2, greet-data"};
    return p;
}

/* A PKG_PACKAGES reply: next, then n copies of p. */
static struct sl_msg *packages(uint32_t next, uint32_t n, const struct pkgc_package *p)
{
    static struct sl_msg m;
    sl_msg_begin(&m, g_buf, sizeof g_buf, NULL, 0, PKG_PACKAGES);
    sl_msg_put_u32(&m, next);
    sl_msg_put_u32(&m, n);
    for (uint32_t i = 0; i < n; i++)
        pkgc_package_put(&m, p);
    return &m;
}

static int decode(const struct sl_msg *m)
{
    uint32_t n = 99, next = 99;
    int err = pkgc_packages_decode(m->bytes, m->len, g_page, &n, &next);
    if (err)
        assert_int_equal(n, 0);
    return err;
}

static void test_packages_round_trip(void **state)
{
    (void)state;
    struct pkgc_package p = hello();
    struct sl_msg *m = packages(7, 3, &p);
    uint32_t n = 0, next = 0;
    assert_int_equal(pkgc_packages_decode(m->bytes, m->len, g_page, &n, &next), 0);
    assert_int_equal(n, 3);
    assert_int_equal(next, 7);
    assert_memory_equal(&g_page[2], &p, sizeof p);
    for (uint32_t cut = 0; cut < m->len; cut++) { /* every shorter reply is refused */
        struct sl_msg c = *m;
        c.len = cut;
        assert_int_equal(decode(&c), SOS_ERR_BAD_FORMAT);
    }
    m = packages(0, 0, &p); /* an empty list */
    assert_int_equal(pkgc_packages_decode(m->bytes, m->len, g_page, &n, &next), 0);
    assert_int_equal(n, 0);
}

static void test_packages_malformed(void **state)
{
    (void)state;
    struct pkgc_package p = hello();
    struct sl_msg *m = packages(0, 1, &p);
    sl_msg_put_u32(m, 0); /* bytes after the last record */
    assert_int_equal(decode(m), SOS_ERR_BAD_FORMAT);
    assert_int_equal(decode(packages(0, PKG_PAGE_MAX + 1, &p)), SOS_ERR_BAD_FORMAT);
    p.flags = 2; /* unknown flag */
    assert_int_equal(decode(packages(0, 1, &p)), SOS_ERR_BAD_FORMAT);
    p = hello();
    p.channel = PKG_CHANNEL_COUNT;
    assert_int_equal(decode(packages(0, 1, &p)), SOS_ERR_BAD_FORMAT);
    p = hello();
    p.name[0] = 0;
    assert_int_equal(decode(packages(0, 1, &p)), SOS_ERR_BAD_FORMAT);
    p = hello();
    p.desc[3] = '\t'; /* not printable */
    assert_int_equal(decode(packages(0, 1, &p)), SOS_ERR_BAD_FORMAT);
    p = hello();
    p.repo[0] = (char)0xc3;
    assert_int_equal(decode(packages(0, 1, &p)), SOS_ERR_BAD_FORMAT);
    /* a name one byte longer than its field: written by hand, the struct cannot hold it */
    struct sl_msg lm;
    char longname[PKG_REC_NAME + 1];
    memset(longname, 'a', PKG_REC_NAME);
    longname[PKG_REC_NAME] = 0;
    sl_msg_begin(&lm, g_buf, sizeof g_buf, NULL, 0, PKG_PACKAGES);
    sl_msg_put_u32(&lm, 0);
    sl_msg_put_u32(&lm, 1);
    sl_msg_put_str(&lm, longname);
    p = hello();
    sl_msg_put_str(&lm, p.version);
    sl_msg_put_str(&lm, p.desc);
    sl_msg_put_u32(&lm, 0);
    sl_msg_put_str(&lm, p.installed);
    sl_msg_put_u32(&lm, 0);
    sl_msg_put_str(&lm, p.repo);
    sl_msg_put_u64(&lm, 1);
    assert_int_equal(decode(&lm), SOS_ERR_BAD_FORMAT);
    longname[PKG_REC_NAME - 1] = 0; /* 31 bytes: fits */
    p = hello();
    memcpy(p.name, longname, PKG_REC_NAME);
    assert_int_equal(decode(packages(0, 1, &p)), 0);
    assert_int_equal(strlen(g_page[0].name), PKG_REC_NAME - 1);
}

static struct pkgc_repo repo(const char *name)
{
    struct pkgc_repo r = {.root_version = 1, .expires = 4102444800ull, .snapshot = 3, .targets = 2,
                          .packages = 5, .clock = PKG_CLOCK_VALID, .keys = "0011223344556677:root+targets"};
    snprintf(r.name, sizeof r.name, "%s", name);
    snprintf(r.url, sizeof r.url, "http://repo.test:8080/%s/", name);
    return r;
}

static struct pkgc_origin origin(void)
{
    struct pkgc_origin o = {.name = "hello", .version = "1.0", .flags = PKG_ORIGIN_RECORDED | PKG_ORIGIN_LISTED,
                            .repo = "test", .url = "file:test", .root_version = 1, .keys = "0011223344556677",
                            .verified = "snapshot 3, targets 2", .policy = "allow test *", .generation = 4,
                            .who = "software"};
    memset(o.sha256, 'a', 64);
    return o;
}

static struct sl_msg *trust(uint32_t n, const struct pkgc_repo *r, uint32_t m, const struct pkgc_origin *o)
{
    static struct sl_msg msg;
    sl_msg_begin(&msg, g_buf, sizeof g_buf, NULL, 0, PKG_TRUST);
    sl_msg_put_u32(&msg, n);
    for (uint32_t i = 0; i < n; i++)
        pkgc_repo_put(&msg, &r[i]);
    sl_msg_put_u32(&msg, m);
    for (uint32_t i = 0; i < m; i++)
        pkgc_origin_put(&msg, o);
    return &msg;
}

static int trust_decode(const struct sl_msg *m)
{
    static struct pkgc_trust t;
    int err = pkgc_trust_decode(m->bytes, m->len, &t);
    if (err)
        assert_true(t.nrepos == 0 && !t.has_origin);
    return err;
}

static void test_trust(void **state)
{
    (void)state;
    static struct pkgc_trust t;
    struct pkgc_repo r[2] = {repo("test"), repo("apps")};
    struct pkgc_origin o = origin();
    struct sl_msg *m = trust(2, r, 1, &o);
    assert_int_equal(pkgc_trust_decode(m->bytes, m->len, &t), 0);
    assert_int_equal(t.nrepos, 2);
    assert_true(t.has_origin);
    assert_memory_equal(&t.origin, &o, sizeof o);
    assert_memory_equal(pkgc_trust_repo(&t, "apps"), &r[1], sizeof r[1]);
    assert_null(pkgc_trust_repo(&t, "app"));
    for (uint32_t cut = 0; cut < m->len; cut++) {
        struct sl_msg c = *m;
        c.len = cut;
        assert_int_equal(trust_decode(&c), SOS_ERR_BAD_FORMAT);
    }
    m = trust(0, r, 0, &o);
    assert_int_equal(pkgc_trust_decode(m->bytes, m->len, &t), 0);
    assert_false(t.has_origin);
}

static void test_trust_malformed(void **state)
{
    (void)state;
    struct pkgc_repo r[PKG_TRUST_REPOS + 1];
    for (int i = 0; i <= PKG_TRUST_REPOS; i++)
        r[i] = repo("test");
    struct pkgc_origin o = origin();
    assert_int_equal(trust_decode(trust(PKG_TRUST_REPOS + 1, r, 0, &o)), SOS_ERR_BAD_FORMAT);
    assert_int_equal(trust_decode(trust(1, r, 2, &o)), SOS_ERR_BAD_FORMAT); /* two origins */
    r[0].clock = PKG_CLOCK_COUNT;
    assert_int_equal(trust_decode(trust(1, r, 0, &o)), SOS_ERR_BAD_FORMAT);
    r[0] = repo("test");
    r[0].url[4] = '\n';
    assert_int_equal(trust_decode(trust(1, r, 0, &o)), SOS_ERR_BAD_FORMAT);
    r[0] = repo("test");
    o.flags = 4;
    assert_int_equal(trust_decode(trust(1, r, 1, &o)), SOS_ERR_BAD_FORMAT);
    o = origin();
    o.version[0] = 0;
    assert_int_equal(trust_decode(trust(1, r, 1, &o)), SOS_ERR_BAD_FORMAT);
    o = origin();
    struct sl_msg *m = trust(1, r, 1, &o);
    sl_msg_put_str(m, "");
    assert_int_equal(trust_decode(m), SOS_ERR_BAD_FORMAT);
}

static unsigned g_seen;

static void count(void *ctx, const struct pkgc_package *p)
{
    (void)ctx, (void)p;
    g_seen++;
}

static void test_paging_stops(void **state)
{
    (void)state;
    struct sl_conn_to c;
    char why[128];
    struct pkgc_package p = hello();
    fake_reset();
    struct sl_msg *m = packages(0, 2, &p); /* the last page */
    g_fake.conn_reply = m->bytes;
    g_fake.conn_reply_len = m->len;
    g_seen = 0;
    assert_int_equal(pkgc_packages(&c, PKG_LIST_AVAILABLE, "", count, NULL, why, sizeof why), 0);
    assert_int_equal(g_seen, 2);
    assert_int_equal(g_fake.conn_calls, 1);
    fake_reset();
    m = packages(5, 1, &p); /* says "from 5 on" however it is asked: no end */
    g_fake.conn_reply = m->bytes;
    g_fake.conn_reply_len = m->len;
    g_seen = 0;
    assert_int_equal(pkgc_packages(&c, 0, "", count, NULL, why, sizeof why), SOS_ERR_BAD_FORMAT);
    assert_int_equal(g_fake.conn_calls, 2);
    assert_string_equal(why, "the package service's reply is malformed");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_packages_round_trip), cmocka_unit_test(test_packages_malformed),
        cmocka_unit_test(test_trust),               cmocka_unit_test(test_trust_malformed),
        cmocka_unit_test(test_paging_stops),
    };
    return cmocka_run_group_tests_name("pkg-records", tests, NULL, NULL);
}
