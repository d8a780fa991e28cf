/*
 * services/config/saved_test.c - the saved keys' file (saved.c), on the host: round
 * trips, and every truncation and every flipped byte of a good file refused.
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

#include "saved.h"

static void fill(struct cfg_store *s)
{
    cfg_store_init(s);
    assert_int_equal(cfg_store_set(s, "system.hostname", CONFIG_STRING, "box \"one\" # \\ two", NULL), 0);
    assert_int_equal(cfg_store_set(s, "network.mtu", 0, "-9000", NULL), 0);
    assert_int_equal(cfg_store_set(s, "log.persist", 0, "true", NULL), 0);
    assert_int_equal(cfg_store_set(s, "empty", CONFIG_STRING, "", NULL), 0);
    assert_int_equal(cfg_store_set(s, "number.as.string", CONFIG_STRING, "42", NULL), 0);
}

static void same(const struct cfg_store *a, const struct cfg_store *b)
{
    assert_int_equal(a->n, b->n);
    for (uint32_t i = 0; i < a->n; i++) {
        assert_string_equal(a->e[i].key, b->e[i].key);
        assert_int_equal(a->e[i].type, b->e[i].type);
        assert_string_equal(a->e[i].value, b->e[i].value);
    }
}

static void test_round_trip(void **state)
{
    (void)state;
    struct cfg_store s, t;
    fill(&s);
    char buf[4096], why[128];
    size_t n = cfg_saved_format(&s, buf, sizeof(buf));
    assert_true(n < sizeof(buf));
    assert_int_equal(strlen(buf), n);
    cfg_store_init(&t);
    assert_int_equal(cfg_saved_parse(&t, buf, n, why, sizeof(why)), 0);
    same(&s, &t);
    cfg_store_free(&t);
    /* too small a buffer says how much it needs, and stays terminated */
    char small[16];
    assert_int_equal(cfg_saved_format(&s, small, sizeof(small)), n);
    assert_int_equal(strlen(small), sizeof(small) - 1);
    /* an empty store */
    struct cfg_store e;
    cfg_store_init(&e);
    n = cfg_saved_format(&e, buf, sizeof(buf));
    cfg_store_init(&t);
    assert_int_equal(cfg_saved_parse(&t, buf, n, why, sizeof(why)), 0);
    assert_int_equal(t.n, 0);
    cfg_store_free(&t);
    cfg_store_free(&s);
}

static void test_damage_refused(void **state)
{
    (void)state;
    struct cfg_store s, t;
    fill(&s);
    char buf[4096], bad[4096], why[128];
    size_t n = cfg_saved_format(&s, buf, sizeof(buf));
    for (size_t cut = 0; cut < n; cut++) { /* every truncation */
        cfg_store_init(&t);
        why[0] = 0;
        assert_int_equal(cfg_saved_parse(&t, buf, cut, why, sizeof(why)), SOS_ERR_CORRUPT);
        assert_true(why[0] != 0);
        cfg_store_free(&t);
    }
    for (size_t i = 0; i < n; i++) { /* every byte flipped */
        for (int bit = 0; bit < 8; bit += 3) {
            memcpy(bad, buf, n);
            bad[i] ^= (char)(1 << bit);
            cfg_store_init(&t);
            assert_int_equal(cfg_saved_parse(&t, bad, n, why, sizeof(why)), SOS_ERR_CORRUPT);
            cfg_store_free(&t);
        }
    }
    /* garbage, a NUL, a line the parser rejects even with a right checksum */
    const char *junk[] = {"", "hello\n", "# serviceos config 1\n", "# serviceos config 1\n# end 0 0\n",
                          "\x7f" "ELF\x02\x01\x01"};
    for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
        cfg_store_init(&t);
        assert_int_equal(cfg_saved_parse(&t, junk[i], strlen(junk[i]), why, sizeof(why)), SOS_ERR_CORRUPT);
        cfg_store_free(&t);
    }
    memcpy(bad, buf, n);
    bad[30] = 0;
    cfg_store_init(&t);
    assert_int_equal(cfg_saved_parse(&t, bad, n, why, sizeof(why)), SOS_ERR_CORRUPT);
    cfg_store_free(&t);
    cfg_store_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_damage_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
