/*
 * services/config/store_test.c - the config store and the defaults parser, on the host.
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

#include "store.h"

static void test_key_check(void **state)
{
    (void)state;
    assert_int_equal(cfg_key_check("log.minimum_severity"), 0);
    assert_int_equal(cfg_key_check("a"), 0);
    assert_int_equal(cfg_key_check("network.ipv4.dns-1"), 0);
    assert_int_equal(cfg_key_check("servers.0"), 0);
    const char *bad[] = {"", ".a", "a.", "a..b", "A.b", "a b", "a/b", "a=b", "é", "a\nb"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(cfg_key_check(bad[i]), SOS_ERR_INVALID_ARGS);
    assert_int_equal(cfg_key_check(NULL), SOS_ERR_INVALID_ARGS);
    char longkey[CONFIG_KEY_MAX + 1];
    memset(longkey, 'a', sizeof(longkey));
    longkey[CONFIG_KEY_MAX] = 0;
    assert_int_equal(cfg_key_check(longkey), SOS_ERR_INVALID_ARGS);
    longkey[CONFIG_KEY_MAX - 1] = 0;
    assert_int_equal(cfg_key_check(longkey), 0);
}

static void test_infer_and_normalize(void **state)
{
    (void)state;
    char out[CONFIG_VALUE_MAX];
    assert_int_equal(cfg_type_infer("5"), CONFIG_INT);
    assert_int_equal(cfg_type_infer("-12"), CONFIG_INT);
    assert_int_equal(cfg_type_infer("true"), CONFIG_BOOL);
    assert_int_equal(cfg_type_infer("hello"), CONFIG_STRING);
    assert_int_equal(cfg_type_infer("5x"), CONFIG_STRING);
    assert_int_equal(cfg_type_infer("99999999999999999999"), CONFIG_STRING); /* too big */
    assert_int_equal(cfg_type_infer(""), CONFIG_STRING);
    assert_int_equal(cfg_value_normalize(CONFIG_INT, "+7", out, sizeof(out)), 0);
    assert_string_equal(out, "7");
    assert_int_equal(cfg_value_normalize(CONFIG_INT, "-9223372036854775808", out, sizeof(out)), 0);
    assert_string_equal(out, "-9223372036854775808");
    assert_int_equal(cfg_value_normalize(CONFIG_INT, "9223372036854775807", out, sizeof(out)), 0);
    assert_int_equal(cfg_value_normalize(CONFIG_INT, "9223372036854775808", out, sizeof(out)),
                     SOS_ERR_INVALID_ARGS);
    assert_int_equal(cfg_value_normalize(CONFIG_INT, "-", out, sizeof(out)), SOS_ERR_INVALID_ARGS);
    assert_int_equal(cfg_value_normalize(CONFIG_INT, "", out, sizeof(out)), SOS_ERR_INVALID_ARGS);
    assert_int_equal(cfg_value_normalize(CONFIG_INT, "1 ", out, sizeof(out)), SOS_ERR_INVALID_ARGS);
    assert_int_equal(cfg_value_normalize(CONFIG_INT, "123", out, 3), SOS_ERR_INVALID_ARGS);
    assert_int_equal(cfg_value_normalize(CONFIG_BOOL, "YES", out, sizeof(out)), 0);
    assert_string_equal(out, "true");
    assert_int_equal(cfg_value_normalize(CONFIG_BOOL, "off", out, sizeof(out)), 0);
    assert_string_equal(out, "false");
    assert_int_equal(cfg_value_normalize(CONFIG_BOOL, "maybe", out, sizeof(out)), SOS_ERR_INVALID_ARGS);
    assert_int_equal(cfg_value_normalize(CONFIG_STRING, "a b", out, sizeof(out)), 0);
    assert_int_equal(cfg_value_normalize(CONFIG_STRING, "a\tb", out, sizeof(out)), SOS_ERR_INVALID_ARGS);
    assert_int_equal(cfg_value_normalize(CONFIG_STRING, "abc", out, 3), SOS_ERR_INVALID_ARGS);
    assert_int_equal(cfg_value_normalize(0, "abc", out, sizeof(out)), SOS_ERR_INVALID_ARGS);
    assert_int_equal(cfg_value_normalize(77, "abc", out, sizeof(out)), SOS_ERR_INVALID_ARGS);
    assert_int_equal(cfg_type_parse("int"), CONFIG_INT);
    assert_int_equal(cfg_type_parse("integer"), 0);
    assert_string_equal(cfg_type_name(CONFIG_BOOL), "bool");
}

static void test_set_get_types(void **state)
{
    (void)state;
    struct cfg_store s;
    cfg_store_init(&s);
    bool changed;
    assert_int_equal(cfg_store_set(&s, "a.b", 0, "5", &changed), 0);
    assert_true(changed);
    const struct cfg_entry *e = cfg_store_get(&s, "a.b");
    assert_non_null(e);
    assert_int_equal(e->type, CONFIG_INT);
    assert_string_equal(e->value, "5");
    /* the type sticks */
    assert_int_equal(cfg_store_set(&s, "a.b", 0, "hello", &changed), SOS_ERR_INVALID_ARGS);
    assert_false(changed);
    assert_string_equal(cfg_store_get(&s, "a.b")->value, "5");
    assert_int_equal(cfg_store_set(&s, "a.b", 0, "+5", &changed), 0);
    assert_false(changed); /* same value once normalised */
    assert_int_equal(cfg_store_set(&s, "a.b", CONFIG_STRING, "6", NULL), SOS_ERR_INVALID_ARGS);
    assert_int_equal(cfg_store_set(&s, "a.s", CONFIG_STRING, "6", NULL), 0);
    assert_int_equal(cfg_store_get(&s, "a.s")->type, CONFIG_STRING);
    assert_int_equal(cfg_store_set(&s, "a.s", 0, "seven", NULL), 0);
    assert_int_equal(cfg_store_set(&s, "bad key", 0, "1", NULL), SOS_ERR_INVALID_ARGS);
    assert_int_equal(cfg_store_set(&s, "k", 0, NULL, NULL), SOS_ERR_INVALID_ARGS);
    assert_null(cfg_store_get(&s, "a"));
    assert_null(cfg_store_get(&s, "zzz"));
    cfg_store_free(&s);
}

static void test_sorted_and_prefix(void **state)
{
    (void)state;
    struct cfg_store s;
    cfg_store_init(&s);
    const char *keys[] = {"log.z", "logger", "log", "a", "log.a", "log-b", "m.n"};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        assert_int_equal(cfg_store_set(&s, keys[i], 0, "1", NULL), 0);
    for (uint32_t i = 1; i < s.n; i++)
        assert_true(strcmp(s.e[i - 1].key, s.e[i].key) < 0);
    assert_true(cfg_prefix_match("", "x"));
    assert_true(cfg_prefix_match("log", "log"));
    assert_true(cfg_prefix_match("log", "log.a"));
    assert_false(cfg_prefix_match("log", "logger"));
    assert_false(cfg_prefix_match("log", "log-b"));
    assert_true(cfg_prefix_match("log.", "log.a"));
    assert_false(cfg_prefix_match("log.", "log"));
    assert_false(cfg_prefix_match("log.a.b", "log.a"));
    /* listing: from the lower bound while the raw prefix matches */
    int found = 0;
    for (uint32_t i = cfg_store_lower_bound(&s, "log"); i < s.n && !strncmp(s.e[i].key, "log", 3); i++)
        found += cfg_prefix_match("log", s.e[i].key);
    assert_int_equal(found, 3);
    cfg_store_free(&s);
}

static void test_store_full(void **state)
{
    (void)state;
    struct cfg_store s;
    cfg_store_init(&s);
    char key[32];
    for (int i = 0; i < CFG_MAX_KEYS; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        assert_int_equal(cfg_store_set(&s, key, 0, "1", NULL), 0);
    }
    assert_int_equal(cfg_store_set(&s, "one.more", 0, "1", NULL), SOS_ERR_NO_RESOURCES);
    assert_int_equal(cfg_store_set(&s, "k5", 0, "2", NULL), 0); /* changes still work */
    cfg_store_free(&s);
}

/* ---- the defaults file */

static char g_errs[4096];

static void collect(void *arg, const char *msg)
{
    (void)arg;
    strncat(g_errs, msg, sizeof(g_errs) - strlen(g_errs) - 2);
    strcat(g_errs, "\n");
}

static int load(struct cfg_store *s, const char *text)
{
    g_errs[0] = 0;
    return cfg_load_defaults(s, "defaults.conf", text, strlen(text), collect, NULL);
}

static void test_defaults_good(void **state)
{
    (void)state;
    struct cfg_store s;
    cfg_store_init(&s);
    const char *text = "# comment\n"
                       "\n"
                       "top = 1\r\n"
                       "[log]\n"
                       "minimum_severity = info   # trailing comment\n"
                       "  [ network.ipv4 ]  # a section\n"
                       "int mtu = 1500\n"
                       "string name = \"a \\\"quoted\\\" # value\"  # comment\n"
                       "bool dhcp = yes\n"
                       "string port = 80\n"
                       "url = http://x/#frag\n"
                       "empty =\n"
                       "[]\n"
                       "last = false";
    assert_int_equal(load(&s, text), 0);
    assert_string_equal(g_errs, "");
    assert_string_equal(cfg_store_get(&s, "top")->value, "1");
    assert_string_equal(cfg_store_get(&s, "log.minimum_severity")->value, "info");
    assert_int_equal(cfg_store_get(&s, "network.ipv4.mtu")->type, CONFIG_INT);
    assert_string_equal(cfg_store_get(&s, "network.ipv4.name")->value, "a \"quoted\" # value");
    assert_string_equal(cfg_store_get(&s, "network.ipv4.dhcp")->value, "true");
    assert_int_equal(cfg_store_get(&s, "network.ipv4.port")->type, CONFIG_STRING);
    assert_string_equal(cfg_store_get(&s, "network.ipv4.url")->value, "http://x/#frag");
    assert_string_equal(cfg_store_get(&s, "network.ipv4.empty")->value, "");
    assert_int_equal(cfg_store_get(&s, "last")->type, CONFIG_BOOL);
    cfg_store_free(&s);
}

static void test_defaults_bad_lines_skipped(void **state)
{
    (void)state;
    struct cfg_store s;
    cfg_store_init(&s);
    const char *text = "good = 1\n"
                       "no equals here\n"             /* 2 */
                       "Bad.Key = 1\n"                /* 3 */
                       "float x = 1.5\n"              /* 4 */
                       "int y = abc\n"                /* 5 */
                       "s = \"open\n"                 /* 6 */
                       "t = \"a\" junk\n"             /* 7 */
                       "u = \"bad \\q escape\"\n"     /* 8 */
                       "[unclosed\n"                  /* 9 */
                       "[Bad]\n"                      /* 10 */
                       "[ok] junk\n"                  /* 11 */
                       "good = text\n"                /* 12: int stays int */
                       "= 5\n"                        /* 13 */
                       "also.good = 2\n";
    assert_int_equal(load(&s, text), 12);
    assert_non_null(strstr(g_errs, "defaults.conf:2: expected 'key = value'"));
    assert_non_null(strstr(g_errs, "defaults.conf:3: bad key"));
    assert_non_null(strstr(g_errs, "defaults.conf:4: unknown type"));
    assert_non_null(strstr(g_errs, "defaults.conf:5: value does not fit"));
    assert_non_null(strstr(g_errs, "defaults.conf:6: unterminated"));
    assert_non_null(strstr(g_errs, "defaults.conf:7: text after a quoted value"));
    assert_non_null(strstr(g_errs, "defaults.conf:8: unknown escape"));
    assert_non_null(strstr(g_errs, "defaults.conf:9: a section line"));
    assert_non_null(strstr(g_errs, "defaults.conf:10: bad section"));
    assert_non_null(strstr(g_errs, "defaults.conf:11: text after a section"));
    assert_non_null(strstr(g_errs, "defaults.conf:12: value does not fit"));
    assert_non_null(strstr(g_errs, "defaults.conf:13: bad key"));
    assert_string_equal(cfg_store_get(&s, "good")->value, "1");
    assert_non_null(cfg_store_get(&s, "also.good"));
    assert_int_equal(s.n, 2);
    cfg_store_free(&s);
}

static void test_defaults_limits(void **state)
{
    (void)state;
    struct cfg_store s;
    cfg_store_init(&s);
    /* a NUL inside a line, an over-long line, an over-long value, a section + key too long */
    static char text[8192];
    size_t n = 0;
    memcpy(text + n, "a = x\0y\n", 8);
    n += 8;
    memset(text + n, 'b', CFG_LINE_MAX + 10);
    n += CFG_LINE_MAX + 10;
    text[n++] = '\n';
    n += (size_t)sprintf(text + n, "v = ");
    memset(text + n, 'c', CONFIG_VALUE_MAX);
    n += CONFIG_VALUE_MAX;
    text[n++] = '\n';
    text[n++] = '[';
    memset(text + n, 'd', CONFIG_KEY_MAX); /* too long a section */
    n += CONFIG_KEY_MAX;
    n += (size_t)sprintf(text + n, "]\nkey = 1\n[");
    memset(text + n, 'e', CONFIG_KEY_MAX - 2); /* fits, but not with a key under it */
    n += CONFIG_KEY_MAX - 2;
    n += (size_t)sprintf(text + n, "]\nkey = 1\n[]\nfine = 1");
    g_errs[0] = 0;
    assert_int_equal(cfg_load_defaults(&s, "d", text, n, collect, NULL), 5);
    assert_non_null(strstr(g_errs, "d:1: NUL byte"));
    assert_non_null(strstr(g_errs, "d:2: line too long"));
    assert_non_null(strstr(g_errs, "d:3: value too long"));
    assert_non_null(strstr(g_errs, "d:4: bad section"));
    assert_non_null(strstr(g_errs, "d:7: bad key"));
    assert_int_equal(s.n, 2); /* key (line 5) and fine */
    assert_non_null(cfg_store_get(&s, "key"));
    /* no callback, empty input, only newlines */
    assert_int_equal(cfg_load_defaults(&s, "d", "x y z\n", 6, NULL, NULL), 1);
    assert_int_equal(cfg_load_defaults(&s, "d", "", 0, NULL, NULL), 0);
    assert_int_equal(cfg_load_defaults(&s, "d", "\n\n\n", 3, NULL, NULL), 0);
    cfg_store_free(&s);
}

/* Random bytes never crash the parser, and whatever loads is well-formed. */
static void test_defaults_random_input(void **state)
{
    (void)state;
    static const char alphabet[] = "ab.=[]# \"\\\n\tint bool string 0123-_\r\x01\xff";
    char text[512];
    unsigned seed = 12345;
    for (int round = 0; round < 2000; round++) {
        struct cfg_store s;
        cfg_store_init(&s);
        size_t n = (size_t)(seed % sizeof(text));
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            text[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
        }
        cfg_load_defaults(&s, "r", text, n, NULL, NULL);
        for (uint32_t i = 0; i < s.n; i++) {
            assert_int_equal(cfg_key_check(s.e[i].key), 0);
            char norm[CONFIG_VALUE_MAX];
            assert_int_equal(cfg_value_normalize(s.e[i].type, s.e[i].value, norm, sizeof(norm)), 0);
        }
        cfg_store_free(&s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_check),
        cmocka_unit_test(test_infer_and_normalize),
        cmocka_unit_test(test_set_get_types),
        cmocka_unit_test(test_sorted_and_prefix),
        cmocka_unit_test(test_store_full),
        cmocka_unit_test(test_defaults_good),
        cmocka_unit_test(test_defaults_bad_lines_skipped),
        cmocka_unit_test(test_defaults_limits),
        cmocka_unit_test(test_defaults_random_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
