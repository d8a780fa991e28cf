/*
 * services/security/policy_test.c - the launch policy: matching by content hash, by
 * package name and by publisher (repository or key id), the verdict rule (boot store,
 * the most specific rule, default), limits, targets, and the text form with every kind
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

/* Package and publisher rules: the image's rule beats its package's, which beats its
 * publishers'; among publishers the strictest; an image outside any package is never
 * matched by them. */
static void test_package_publisher(void **state)
{
    (void)state;
    static struct sec_policy p;
    uint8_t a[SEC_HASH_SIZE], b[SEC_HASH_SIZE];
    hash_of(a, 1), hash_of(b, 2);
    sec_policy_init(&p, SEC_ALLOW);
    struct sec_subject greeter = {a, "greeter", "test", "0011223344556677,8899aabbccddeeff"};
    struct sec_subject loose = {b, "", "", ""}; /* not from a package */
    const struct sec_rule *why = (const struct sec_rule *)1;
    assert_int_equal(sec_policy_decide_subject(&p, &greeter, &why), SEC_ALLOW);
    assert_null(why); /* the default */
    assert_int_equal(sec_policy_set_key(&p, SEC_RULE_PUBLISHER, "8899aabbccddeeff", SEC_ASK), 0);
    assert_int_equal(sec_policy_decide_subject(&p, &greeter, &why), SEC_ASK);
    assert_string_equal(why->name, "8899aabbccddeeff");
    /* two publisher rules match (the repository and the first key): the strictest */
    assert_int_equal(sec_policy_set_key(&p, SEC_RULE_PUBLISHER, "test", SEC_BLOCK), 0);
    assert_int_equal(sec_policy_decide_subject(&p, &greeter, &why), SEC_BLOCK);
    assert_string_equal(why->name, "test");
    assert_int_equal(sec_policy_decide_subject(&p, &loose, NULL), SEC_ALLOW);
    /* a package rule beats the publishers' */
    assert_int_equal(sec_policy_set_key(&p, SEC_RULE_PACKAGE, "greeter", SEC_ALLOW), 0);
    assert_int_equal(sec_policy_decide_subject(&p, &greeter, &why), SEC_ALLOW);
    assert_int_equal(why->kind, SEC_RULE_PACKAGE);
    /* an image rule beats its package's */
    assert_int_equal(sec_policy_set(&p, a, SEC_BLOCK, "greeter-1"), 0);
    assert_int_equal(sec_policy_decide_subject(&p, &greeter, &why), SEC_BLOCK);
    assert_int_equal(why->kind, SEC_RULE_IMAGE);
    /* another package of the same publisher: the publisher's rule */
    struct sec_subject other = {b, "hello", "test", "0011223344556677"};
    assert_int_equal(sec_policy_decide_subject(&p, &other, NULL), SEC_BLOCK);
    /* a package name is not a publisher, nor a key prefix a key */
    struct sec_subject near = {b, "test", "other", "8899aabbccddee"};
    assert_int_equal(sec_policy_decide_subject(&p, &near, NULL), SEC_ALLOW);
    /* changing a rule keeps one entry; removing it restores the default */
    assert_int_equal(sec_policy_set_key(&p, SEC_RULE_PACKAGE, "greeter", SEC_ASK), 0);
    assert_int_equal(p.n, 4);
    assert_true(sec_policy_remove(&p, SEC_RULE_PUBLISHER, NULL, "test"));
    assert_false(sec_policy_remove(&p, SEC_RULE_PUBLISHER, NULL, "test"));
    assert_int_equal(sec_policy_decide_subject(&p, &other, NULL), SEC_ALLOW);
    /* bad keys: blanks, commas, empty, a kind that takes no key */
    assert_int_equal(sec_policy_set_key(&p, SEC_RULE_PACKAGE, "a b", SEC_ASK), SOS_ERR_INVALID_ARGS);
    assert_int_equal(sec_policy_set_key(&p, SEC_RULE_PUBLISHER, "a,b", SEC_ASK), SOS_ERR_INVALID_ARGS);
    assert_int_equal(sec_policy_set_key(&p, SEC_RULE_PACKAGE, "", SEC_ASK), SOS_ERR_INVALID_ARGS);
    assert_int_equal(sec_policy_set_key(&p, SEC_RULE_IMAGE, "x", SEC_ASK), SOS_ERR_INVALID_ARGS);
    assert_int_equal(sec_policy_set_key(&p, SEC_RULE_PACKAGE, "x", 3), SOS_ERR_INVALID_ARGS);
    assert_int_equal(p.n, 3);
}

static void test_targets_and_text(void **state)
{
    (void)state;
    static struct sec_policy p, q;
    uint32_t kind;
    uint8_t h[SEC_HASH_SIZE];
    char key[SEC_NAME_MAX], t[SEC_TARGET_MAX];
    assert_int_equal(sec_target_parse("package:greeter", &kind, h, key), 0);
    assert_int_equal(kind, SEC_RULE_PACKAGE);
    assert_string_equal(key, "greeter");
    assert_int_equal(sec_target_parse("publisher:test", &kind, h, key), 0);
    assert_int_equal(kind, SEC_RULE_PUBLISHER);
    const char *bad[] = {"package:", "package:a b", "publisher:a,b", "pkg:x", "greeter", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(sec_target_parse(bad[i], &kind, h, key), SOS_ERR_INVALID_ARGS);
    sec_policy_init(&p, SEC_ASK);
    hash_of(h, 4);
    sec_policy_set(&p, h, SEC_ALLOW, "img");
    sec_policy_set_key(&p, SEC_RULE_PACKAGE, "greeter", SEC_BLOCK);
    sec_policy_set_key(&p, SEC_RULE_PUBLISHER, "test", SEC_ASK);
    sec_rule_target(&p.rules[1], t, sizeof t);
    assert_string_equal(t, "package:greeter");
    char text[1024];
    size_t n = sec_policy_format(&p, text, sizeof(text));
    assert_non_null(strstr(text, "block package greeter\nask publisher test\n"));
    sec_policy_init(&q, SEC_ALLOW);
    assert_int_equal(sec_policy_parse(&q, text, n, NULL), 0);
    assert_int_equal(q.n, 3);
    assert_int_equal(sec_policy_find_key(&q, SEC_RULE_PUBLISHER, "test")->verdict, SEC_ASK);
    assert_null(sec_policy_find_key(&q, SEC_RULE_PACKAGE, "test"));
    const char *badfile[] = {"block package\n", "block package a b\n", "block publisher x,y\n",
                             "block package a\nallow package a\n", "block vendor a\n"};
    for (size_t i = 0; i < sizeof(badfile) / sizeof(badfile[0]); i++)
        assert_int_equal(sec_policy_parse(&q, badfile[i], strlen(badfile[i]), NULL),
                         SOS_ERR_INVALID_ARGS);
    assert_int_equal(q.n, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decide),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_hash_text),
        cmocka_unit_test(test_text_round_trip_and_damage),
        cmocka_unit_test(test_package_publisher),
        cmocka_unit_test(test_targets_and_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
