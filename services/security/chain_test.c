/*
 * services/security/chain_test.c - the audit chain: records appended and verified, and
 * every kind of damage named: an edited byte anywhere, a removed record (gap), two
 * records swapped, malformed lines (cut, bad numbers, bad hash digits, control bytes),
 * a last line without its end; the state after the last good record lets a log go on.
 *
 * Layer: host unit test (CMocka).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <sos/errors.h>

#include "chain.h"

static char g_log[8192];
static size_t g_len;

/* Five records: "event 1" .. "event 5". */
static struct sec_chain make_log(void)
{
    struct sec_chain c;
    sec_chain_init(&c);
    g_len = 0;
    for (int i = 1; i <= 5; i++) {
        char text[32];
        snprintf(text, sizeof(text), "event %d: launch allowed", i);
        int n = sec_chain_append(&c, 1000u * (unsigned)i, text, g_log + g_len, sizeof(g_log) - g_len);
        assert_true(n > 0);
        g_len += (size_t)n;
    }
    return c;
}

static void test_good_log(void **state)
{
    (void)state;
    struct sec_chain c = make_log(), end;
    struct sec_verify v;
    assert_int_equal(sec_chain_verify(g_log, g_len, &v, &end), SEC_CHAIN_OK);
    assert_int_equal(v.records, 5);
    assert_int_equal(end.seq, 5);
    assert_memory_equal(end.last, c.last, SEC_CHAIN_HASH);
    assert_int_equal(sec_chain_verify("", 0, &v, NULL), SEC_CHAIN_OK);
    assert_int_equal(v.records, 0);
    struct sec_record r;
    const char *nl = memchr(g_log, '\n', g_len);
    assert_int_equal(sec_record_parse(g_log, (size_t)(nl - g_log), &r), 0);
    assert_int_equal(r.seq, 1);
    assert_int_equal(r.time_ns, 1000);
    assert_int_equal(r.text_len, strlen("event 1: launch allowed"));
    assert_memory_equal(r.text, "event 1: launch allowed", r.text_len);
}

static void test_every_edited_byte_is_seen(void **state)
{
    (void)state;
    make_log();
    for (size_t i = 0; i < g_len; i++) {
        char save = g_log[i];
        char repl[] = {'x', '7', ' ', '\n', 'A'};
        for (size_t k = 0; k < sizeof(repl); k++) {
            if (repl[k] == save)
                continue;
            g_log[i] = repl[k];
            struct sec_verify v;
            uint32_t p = sec_chain_verify(g_log, g_len, &v, NULL);
            if (p == SEC_CHAIN_OK)
                fail_msg("byte %zu changed to %#x not seen", i, repl[k]);
            assert_true(v.records < 5);
            g_log[i] = save;
        }
    }
}

static void test_edited_record_named(void **state)
{
    (void)state;
    make_log();
    char *third = strstr(g_log, "event 3");
    third[6] = '9'; /* "event 9": still a well-formed record */
    struct sec_verify v;
    assert_int_equal(sec_chain_verify(g_log, g_len, &v, NULL), SEC_CHAIN_EDITED);
    assert_int_equal(v.records, 2);
    assert_int_equal(v.expected, 3);
    assert_int_equal(v.line, 3);
}

static void test_gap_and_swap(void **state)
{
    (void)state;
    make_log();
    /* remove record 2 */
    char *l2 = strchr(g_log, '\n') + 1, *l3 = strchr(l2, '\n') + 1;
    char cut[8192];
    size_t a = (size_t)(l2 - g_log);
    memcpy(cut, g_log, a);
    memcpy(cut + a, l3, g_len - (size_t)(l3 - g_log));
    size_t n = a + g_len - (size_t)(l3 - g_log);
    struct sec_verify v;
    assert_int_equal(sec_chain_verify(cut, n, &v, NULL), SEC_CHAIN_GAP);
    assert_int_equal(v.expected, 2);
    assert_int_equal(v.found, 3);
    assert_int_equal(v.records, 1);
    /* swap records 2 and 3 */
    size_t len2 = (size_t)(l3 - l2);
    char *l4 = strchr(l3, '\n') + 1;
    size_t len3 = (size_t)(l4 - l3);
    memcpy(cut, g_log, g_len);
    memcpy(cut + a, l3, len3);
    memcpy(cut + a + len3, l2, len2);
    assert_int_equal(sec_chain_verify(cut, g_len, &v, NULL), SEC_CHAIN_GAP);
}

static void test_malformed(void **state)
{
    (void)state;
    make_log();
    struct sec_verify v;
    /* a last line without its end */
    assert_int_equal(sec_chain_verify(g_log, g_len - 1, &v, NULL), SEC_CHAIN_MALFORMED);
    assert_int_equal(v.records, 4);
    assert_int_equal(v.line, 5);
    const char *bad[] = {
        "\n", "1\n", "1 2\n", "x 2 text 00\n", "01 2 t " "0000000000000000000000000000000000000000000000000000000000000000\n",
        "0 2 t 0000000000000000000000000000000000000000000000000000000000000000\n",
        "1 2 t 000000000000000000000000000000000000000000000000000000000000000G\n",
        "1 2 t 00000000000000000000000000000000000000000000000000000000000000\n",
        "1 2  0000000000000000000000000000000000000000000000000000000000000000\n",
        "1 2 t\t0000000000000000000000000000000000000000000000000000000000000000\n",
        "1 99999999999999999999999 t 0000000000000000000000000000000000000000000000000000000000000000\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint32_t p = sec_chain_verify(bad[i], strlen(bad[i]), &v, NULL);
        if (p != SEC_CHAIN_MALFORMED)
            fail_msg("bad line %zu: %s", i, sec_chain_problem_name(p));
        assert_int_equal(v.line, 1);
    }
}

static void test_append_refusals_and_resume(void **state)
{
    (void)state;
    struct sec_chain c = make_log(), c0 = c;
    char out[SEC_CHAIN_LINE_MAX + 2];
    assert_int_equal(sec_chain_append(&c, 1, "", out, sizeof(out)), SOS_ERR_INVALID_ARGS);
    assert_int_equal(sec_chain_append(&c, 1, "a\nb", out, sizeof(out)), SOS_ERR_INVALID_ARGS);
    char big[SEC_CHAIN_TEXT_MAX + 2];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    assert_int_equal(sec_chain_append(&c, 1, big, out, sizeof(out)), SOS_ERR_INVALID_ARGS);
    big[SEC_CHAIN_TEXT_MAX] = 0; /* the longest text fits the longest line */
    assert_true(sec_chain_append(&c, UINT64_MAX, big, out, sizeof(out)) > 0);
    c = c0;
    assert_int_equal(sec_chain_append(&c, 1, "x", out, 20), SOS_ERR_BUFFER_TOO_SMALL);
    assert_memory_equal(&c, &c0, sizeof(c));
    /* verify, then go on from where it stood: the longer log verifies too */
    struct sec_chain end;
    struct sec_verify v;
    sec_chain_verify(g_log, g_len, &v, &end);
    int n = sec_chain_append(&end, 9, "after a reboot", g_log + g_len, sizeof(g_log) - g_len);
    assert_true(n > 0);
    assert_int_equal(sec_chain_verify(g_log, g_len + (size_t)n, &v, NULL), SEC_CHAIN_OK);
    assert_int_equal(v.records, 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_log),
        cmocka_unit_test(test_every_edited_byte_is_seen),
        cmocka_unit_test(test_edited_record_named),
        cmocka_unit_test(test_gap_and_swap),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_append_refusals_and_resume),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
