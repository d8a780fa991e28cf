/*
 * services/security/policy_test.c - the launch policy: matching by content hash, the
 * verdict rule (boot store, rule, default), limits, and the text form with every kind
 * of bad line refused whole.
 *
 * Layer: host unit test (CMocka).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <sos/errors.h>

#include "policy.h"

static void hash_of(uint8_t h[SEC_HASH_SIZE], uint8_t seed)
{
    for (int i = 0; i < SEC_HASH_SIZE; i++)
        h[i] = (uint8_t)(seed * 31 + i);
}

static void test_decide(void **state)
{
    (void)state;
    static struct sec_policy p;
    uint8_t a[SEC_HASH_SIZE], b[SEC_HASH_SIZE], c[SEC_HASH_SIZE];
    hash_of(a, 1), hash_of(b, 2), hash_of(c, 3);
    sec_policy_init(&p, SEC_ASK);
    assert_int_equal(sec_policy_decide(&p, a, false), SEC_ASK);
    assert_int_equal(sec_policy_set(&p, a, SEC_BLOCK, "evil"), 0);
    assert_int_equal(sec_policy_set(&p, b, SEC_ALLOW, "good"), 0);
    assert_int_equal(sec_policy_decide(&p, a, false), SEC_BLOCK);
    assert_int_equal(sec_policy_decide(&p, b, false), SEC_ALLOW);
    assert_int_equal(sec_policy_decide(&p, c, false), SEC_ASK);
    assert_int_equal(sec_policy_decide(&p, a, true), SEC_ALLOW); /* boot store: always */
    /* one byte different is another image */
    a[31] ^= 1;
    assert_int_equal(sec_policy_decide(&p, a, false), SEC_ASK);
    a[31] ^= 1;
    /* changing a rule keeps one entry */
    assert_int_equal(sec_policy_set(&p, a, SEC_ALLOW, "evil2"), 0);
    assert_int_equal(p.n, 2);
    assert_int_equal(sec_policy_decide(&p, a, false), SEC_ALLOW);
    assert_string_equal(sec_policy_find(&p, a)->name, "evil2");
}

static void test_bad_input(void **state)
{
    (void)state;
    static struct sec_policy p;
    uint8_t a[SEC_HASH_SIZE];
    hash_of(a, 1);
    sec_policy_init(&p, 7);
    assert_int_equal(p.dflt, SEC_ASK); /* nonsense default: the careful one */
    assert_int_equal(sec_policy_set(&p, a, 3, "x"), SOS_ERR_INVALID_ARGS);
    assert_int_equal(sec_policy_set(&p, a, SEC_BLOCK, ""), SOS_ERR_INVALID_ARGS);
    assert_int_equal(sec_policy_set(&p, a, SEC_BLOCK, "two words"), SOS_ERR_INVALID_ARGS);
    char longname[SEC_NAME_MAX + 1];
    memset(longname, 'n', SEC_NAME_MAX);
    longname[SEC_NAME_MAX] = 0;
    assert_int_equal(sec_policy_set(&p, a, SEC_BLOCK, longname), SOS_ERR_INVALID_ARGS);
    assert_int_equal(p.n, 0);
    for (int i = 0; i < SEC_POLICY_MAX; i++) {
        hash_of(a, (uint8_t)i);
        a[0] = (uint8_t)i;
        assert_int_equal(sec_policy_set(&p, a, SEC_ALLOW, "x"), 0);
    }
    a[1] ^= 0xff;
    assert_int_equal(sec_policy_set(&p, a, SEC_ALLOW, "x"), SOS_ERR_NO_RESOURCES);
    uint32_t v;
    assert_int_equal(sec_verdict_parse("allow", &v), 0);
    assert_int_equal(v, SEC_ALLOW);
    assert_int_equal(sec_verdict_parse("Allow", &v), SOS_ERR_INVALID_ARGS);
    assert_int_equal(sec_hash_parse("00", 2, a), SOS_ERR_INVALID_ARGS);
}

static void test_hash_text(void **state)
{
    (void)state;
    uint8_t a[SEC_HASH_SIZE], b[SEC_HASH_SIZE];
    hash_of(a, 9);
    char hex[SEC_HASH_HEX + 1];
    sec_hash_format(a, hex);
    assert_int_equal(strlen(hex), SEC_HASH_HEX);
    assert_int_equal(sec_hash_parse(hex, SEC_HASH_HEX, b), 0);
    assert_memory_equal(a, b, SEC_HASH_SIZE);
    hex[5] = 'g';
    assert_int_equal(sec_hash_parse(hex, SEC_HASH_HEX, b), SOS_ERR_INVALID_ARGS);
}

static void test_text_round_trip_and_damage(void **state)
{
    (void)state;
    static struct sec_policy p, q;
    uint8_t a[SEC_HASH_SIZE], b[SEC_HASH_SIZE];
    hash_of(a, 1), hash_of(b, 2);
    sec_policy_init(&p, SEC_ALLOW);
    sec_policy_set(&p, a, SEC_BLOCK, "evil");
    sec_policy_set(&p, b, SEC_ASK, "maybe");
    char text[1024];
    size_t n = sec_policy_format(&p, text, sizeof(text));
    assert_int_equal(n, strlen(text));
    assert_int_equal(sec_policy_format(&p, NULL, 0), n);
    sec_policy_init(&q, SEC_ASK);
    unsigned line = 0;
    assert_int_equal(sec_policy_parse(&q, text, n, &line), 0);
    assert_int_equal(q.n, 2);
    assert_int_equal(q.dflt, SEC_ASK); /* the default is the config's, not the file's */
    assert_int_equal(sec_policy_decide(&q, a, false), SEC_BLOCK);
    assert_string_equal(q.rules[1].name, "maybe");
    /* a first line cut anywhere before its name ("block <64 hex>") is refused */
    for (size_t cut = 1; cut <= 6 + SEC_HASH_HEX + 1; cut++) {
        static struct sec_policy r;
        sec_policy_init(&r, SEC_ASK);
        assert_int_equal(sec_policy_parse(&r, text, cut, &line), SOS_ERR_INVALID_ARGS);
        assert_int_equal(line, 1);
        assert_int_equal(r.n, 0);
    }
    const char *bad[] = {"allow " "zz", "deny 0000000000000000000000000000000000000000000000000000000000000000 x",
                         "allow 0000000000000000000000000000000000000000000000000000000000000000",
                         "allow 0000000000000000000000000000000000000000000000000000000000000000 a\n"
                         "block 0000000000000000000000000000000000000000000000000000000000000000 b",
                         "\n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        line = 0;
        assert_int_equal(sec_policy_parse(&q, bad[i], strlen(bad[i]), &line), SOS_ERR_INVALID_ARGS);
        assert_true(line >= 1);
        assert_int_equal(q.n, 2); /* unchanged */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decide),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_hash_text),
        cmocka_unit_test(test_text_round_trip_and_damage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
