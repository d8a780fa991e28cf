/*
 * services/security/security_ops_test.c - the security service's request handlers on
 * the host (security_ops.c, over policy.c): the launch check by hash, package and
 * publisher with the rule that decided in the reply, failing closed when an image's
 * package cannot be known and package rules exist, policy targets set and revoked, and
 * every request cut short or garbled (fake_mangle) answered without a crash. The files,
 * the trust records, grants and the kernel ring are stubs here (their own tests and the
 * scenarios cover them).
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

#include <proto/security.h>

#include "../lib/test/host_sys.h"
#include "security.h"

/* ---- stubs */

static int g_origin_err; /* what sec_trust_origin answers */
static struct sec_origin g_origin;
static char g_last_audit[SEC_CHAIN_TEXT_MAX + 1];

void sec_audit(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g_last_audit, sizeof g_last_audit, fmt, ap);
    va_end(ap);
}
int sec_store_ready(void) { return 0; }
int sec_store_policy(const struct sec_policy *p) { (void)p; return 0; }
uint32_t sec_default_verdict(void) { return SEC_ALLOW; }
int sec_store_read_log(char **text, size_t *len, uint64_t *head_seq)
{
    *text = calloc(1, 1);
    *len = 0;
    *head_seq = 0;
    return 0;
}
uint32_t sec_chain_verify(const char *text, size_t len, struct sec_verify *v, struct sec_chain *end)
{
    (void)text, (void)len, (void)end;
    memset(v, 0, sizeof(*v));
    return 0;
}
void sec_kaudit_drain(void) {}
int sec_trust_origin(const uint8_t hash[SEC_HASH_SIZE], struct sec_origin *o)
{
    (void)hash;
    *o = g_origin;
    return g_origin_err;
}
void sec_trust_apps(struct sl_msg *m) { sl_msg_put_u32(m, 0); }
int sec_do_trust(struct sl_request *r) { (void)r; return 0; }
int sec_grant_decide(uint64_t id, bool approve, bool remember, const char *who)
{
    (void)id, (void)approve, (void)remember, (void)who;
    return SOS_ERR_NOT_FOUND;
}
int sec_do_request_cap(struct sl_request *r) { (void)r; return 0; }
int sec_do_revoke_grant(struct sl_request *r) { (void)r; return 0; }
int sec_do_grants(struct sl_request *r) { (void)r; return 0; }

/* ---- requests */

static struct fake_req g_q;
static uint8_t g_buf[1024];
static const char g_hash[] = "2e6080148963bccfe2fe2f460cccf15a897a3602fb4d16858610a730e41305ff";

static int setup(void **state)
{
    (void)state;
    fake_reset();
    memset(&g_sec, 0, sizeof(g_sec));
    sec_policy_init(&g_sec.policy, SEC_ALLOW);
    memset(&g_origin, 0, sizeof(g_origin));
    g_origin_err = 0;
    return 0;
}

static sl_handler_fn handler(uint32_t ordinal)
{
    for (size_t i = 0; i < sizeof(g_sec_ops) / sizeof(g_sec_ops[0]); i++)
        if (g_sec_ops[i].ordinal == ordinal)
            return g_sec_ops[i].fn;
    fail();
    return NULL;
}

/* SEC_CHECK_LAUNCH of g_hash at path, with the package fields when pkg is not NULL. */
static struct sl_msg *msg_check(const char *path, const char *pkg, const char *repo, const char *keys)
{
    static struct sl_msg m;
    sl_msg_begin(&m, g_buf, sizeof(g_buf), NULL, 0, SEC_CHECK_LAUNCH);
    sl_msg_put_str(&m, g_hash);
    sl_msg_put_str(&m, "hello");
    sl_msg_put_str(&m, path);
    if (pkg) {
        sl_msg_put_str(&m, pkg);
        sl_msg_put_str(&m, repo);
        sl_msg_put_str(&m, keys);
    }
    assert_int_equal(sl_msg_finish(&m), 0);
    return &m;
}

static struct sl_msg *msg_target(uint32_t ordinal, const char *target, uint32_t verdict)
{
    static struct sl_msg m;
    sl_msg_begin(&m, g_buf, sizeof(g_buf), NULL, 0, ordinal);
    sl_msg_put_str(&m, target);
    if (ordinal == SEC_POLICY_SET) {
        sl_msg_put_str(&m, "label");
        sl_msg_put_u32(&m, verdict);
    }
    assert_int_equal(sl_msg_finish(&m), 0);
    return &m;
}

static int call(const struct sl_msg *m, sos_rights_t rights)
{
    fake_request(&g_q, m->bytes, m->len, NULL, 0, rights, "rootmgr");
    return handler(g_q.r.hdr.ordinal)(&g_q.r);
}

/* The verdict and rule of the last launch check's reply. */
static uint32_t verdict_of(char *rule, size_t cap)
{
    struct sl_parse p;
    assert_int_equal(sl_parse_begin(&p, g_q.reply.bytes, g_q.reply.len, NULL, 0, NULL), 0);
    uint32_t v = sl_parse_u32(&p);
    sl_parse_u64(&p);
    const char *r = sl_parse_str(&p, NULL);
    assert_non_null(r);
    assert_int_equal(sl_parse_end(&p), 0);
    snprintf(rule, cap, "%s", r);
    return v;
}

static void test_launch_by_package_and_publisher(void **state)
{
    (void)state;
    char rule[SEC_TARGET_MAX];
    const sos_rights_t rm = SOS_RIGHT_READ | SOS_RIGHT_MANAGE;
    assert_int_equal(call(msg_target(SEC_POLICY_SET, "publisher:test", SEC_BLOCK), rm), 0);
    assert_string_equal(g_last_audit, "policy: rootmgr set block for publisher:test");
    /* the root manager names the package (a packaged service) */
    assert_int_equal(call(msg_check("/data/pkg/objects/x", "greeter", "test", "f63a"), rm), 0);
    assert_int_equal(verdict_of(rule, sizeof rule), SEC_BLOCK);
    assert_string_equal(rule, "publisher:test");
    /* the package rule beats the publisher's */
    assert_int_equal(call(msg_target(SEC_POLICY_SET, "package:greeter", SEC_ASK), rm), 0);
    assert_int_equal(call(msg_check("/data/pkg/objects/x", "greeter", "test", "f63a"), rm), 0);
    assert_int_equal(verdict_of(rule, sizeof rule), SEC_ASK);
    assert_string_equal(rule, "package:greeter");
    /* run pkg: no package named; the package service says which it is */
    snprintf(g_origin.package, sizeof g_origin.package, "hello");
    snprintf(g_origin.repo, sizeof g_origin.repo, "test");
    assert_int_equal(call(msg_check("/data/pkg/objects/x", NULL, NULL, NULL), rm), 0);
    assert_int_equal(verdict_of(rule, sizeof rule), SEC_BLOCK);
    /* ... and cannot be asked: with package rules, refused */
    g_origin_err = SOS_ERR_PEER_CLOSED;
    assert_int_equal(call(msg_check("/data/pkg/objects/x", NULL, NULL, NULL), rm), 0);
    assert_int_equal(verdict_of(rule, sizeof rule), SEC_BLOCK);
    assert_non_null(strstr(rule, "package service"));
    /* an image outside /data/pkg is never looked up: the default */
    assert_int_equal(call(msg_check("/home/hello", NULL, NULL, NULL), rm), 0);
    assert_int_equal(verdict_of(rule, sizeof rule), SEC_ALLOW);
    assert_string_equal(rule, "");
    /* its own rule beats everything, even with the package unknown */
    assert_int_equal(call(msg_target(SEC_POLICY_SET, g_hash, SEC_ALLOW), rm), 0);
    assert_int_equal(call(msg_check("/data/pkg/objects/x", NULL, NULL, NULL), rm), 0);
    assert_int_equal(verdict_of(rule, sizeof rule), SEC_ALLOW);
    /* revoked, the publisher's rule is gone; a second revoke finds nothing */
    assert_int_equal(call(msg_target(SEC_REVOKE, "publisher:test", 0), rm), 0);
    assert_int_equal(call(msg_target(SEC_REVOKE, "publisher:test", 0), rm), SOS_ERR_NOT_FOUND);
    assert_int_equal(g_sec.policy.n, 2);
}

static void test_rights_and_bad_targets(void **state)
{
    (void)state;
    assert_int_equal(call(msg_check("/home/x", NULL, NULL, NULL), SOS_RIGHT_READ),
                     SOS_ERR_ACCESS_DENIED);
    assert_int_equal(call(msg_target(SEC_POLICY_SET, "package:x", SEC_BLOCK), SOS_RIGHT_READ),
                     SOS_ERR_ACCESS_DENIED);
    const char *bad[] = {"package:", "publisher:a,b", "package:a b", "vendor:x", "00", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(call(msg_target(SEC_POLICY_SET, bad[i], SEC_BLOCK), SOS_RIGHTS_ALL),
                         SOS_ERR_INVALID_ARGS);
        assert_int_equal(call(msg_target(SEC_REVOKE, bad[i], 0), SOS_RIGHTS_ALL),
                         SOS_ERR_INVALID_ARGS);
    }
    assert_int_equal(call(msg_target(SEC_POLICY_SET, "package:x", SEC_VERDICT_COUNT), SOS_RIGHTS_ALL),
                     SOS_ERR_INVALID_ARGS);
    assert_int_equal(g_sec.policy.n, 0);
}

/* Every request cut at every length and garbled: an answer, never a crash. */
static void test_mangled(void **state)
{
    (void)state;
    fake_mangle(handler(SEC_CHECK_LAUNCH), msg_check("/data/pkg/objects/x", "greeter", "test", "f63a,aa"),
                SOS_RIGHTS_ALL, 300);
    fake_mangle(handler(SEC_CHECK_LAUNCH), msg_check("/data/pkg/x", NULL, NULL, NULL),
                SOS_RIGHTS_ALL, 300);
    fake_mangle(handler(SEC_POLICY_SET), msg_target(SEC_POLICY_SET, "publisher:test", 1),
                SOS_RIGHTS_ALL, 300);
    fake_mangle(handler(SEC_REVOKE), msg_target(SEC_REVOKE, "package:greeter", 0),
                SOS_RIGHTS_ALL, 300);
    static struct sl_msg m;
    uint32_t plain[] = {SEC_POLICY_LIST, SEC_APPS, SEC_PENDING};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        sl_msg_begin(&m, g_buf, sizeof(g_buf), NULL, 0, plain[i]);
        assert_int_equal(sl_msg_finish(&m), 0);
        fake_request(&g_q, m.bytes, m.len, NULL, 0, SOS_RIGHTS_ALL, "shell");
        assert_int_equal(handler(plain[i])(&g_q.r), 0);
        sl_msg_put_u32(&m, 7); /* they take nothing: a body is refused */
        assert_int_equal(sl_msg_finish(&m), 0);
        /* only the cut at the header (the right request) is answered */
        assert_true(fake_mangle(handler(plain[i]), &m, SOS_RIGHTS_ALL, 50) <= 1);
    }
    assert_true(g_sec.policy.n <= SEC_POLICY_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_launch_by_package_and_publisher, setup),
        cmocka_unit_test_setup(test_rights_and_bad_targets, setup),
        cmocka_unit_test_setup(test_mangled, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
