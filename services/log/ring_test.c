/*
 * services/log/ring_test.c - the log ring, filters and selection, on the host.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ring.h"

#define CAP 8

static struct log_rec g_store[CAP];

static void add(struct log_ring *r, uint32_t sev, const char *src, const char *msg)
{
    log_ring_append(r, 1000, sev, src, msg, strlen(msg));
}

static void test_append_and_order(void **state)
{
    (void)state;
    struct log_ring r;
    log_ring_init(&r, g_store, CAP);
    assert_null(log_ring_at(&r, 0));
    add(&r, LOG_INFO, "a", "one");
    add(&r, LOG_ERROR, "b", "two");
    assert_int_equal(r.count, 2);
    assert_int_equal(log_ring_at(&r, 0)->seq, 1);
    assert_string_equal(log_ring_at(&r, 1)->message, "two");
    assert_string_equal(log_ring_at(&r, 1)->source, "b");
    assert_null(log_ring_at(&r, 2));
}

static void test_wraps_keeping_newest(void **state)
{
    (void)state;
    struct log_ring r;
    log_ring_init(&r, g_store, CAP);
    char msg[16];
    for (int i = 1; i <= 20; i++) {
        snprintf(msg, sizeof(msg), "m%d", i);
        add(&r, LOG_INFO, "x", msg);
    }
    assert_int_equal(r.count, CAP);
    assert_int_equal(log_ring_at(&r, 0)->seq, 13);
    assert_string_equal(log_ring_at(&r, 0)->message, "m13");
    assert_int_equal(log_ring_at(&r, CAP - 1)->seq, 20);
    assert_int_equal(r.next_seq, 21);
}

static void test_message_sanitised_and_cut(void **state)
{
    (void)state;
    struct log_ring r;
    log_ring_init(&r, g_store, CAP);
    const struct log_rec *rec = log_ring_append(&r, 0, 99, NULL, "a\nb\tc\x1b", 6);
    assert_string_equal(rec->message, "a b c ");
    assert_string_equal(rec->source, "");
    assert_int_equal(rec->severity, LOG_CRITICAL); /* clamped */
    static char big[LOG_MESSAGE_MAX * 2];
    memset(big, 'x', sizeof(big));
    rec = log_ring_append(&r, 0, LOG_INFO, "s", big, sizeof(big));
    assert_int_equal(strlen(rec->message), LOG_MESSAGE_MAX - 1);
    /* the length bounds the copy even without a NUL; a NUL ends it early */
    rec = log_ring_append(&r, 0, LOG_INFO, "s", "abc\0def", 7);
    assert_string_equal(rec->message, "abc");
    rec = log_ring_append(&r, 0, LOG_INFO, "s", "abcdef", 2);
    assert_string_equal(rec->message, "ab");
    rec = log_ring_append(&r, 0, LOG_INFO, "a-source-name-longer-than-32-bytes-xx", NULL, 5);
    assert_int_equal(strlen(rec->source), LOG_SOURCE_MAX - 1);
    assert_string_equal(rec->message, "");
}

static void test_filter(void **state)
{
    (void)state;
    struct log_filter f;
    struct log_rec rec = {.severity = LOG_WARNING, .source = "config"};
    assert_true(log_filter_set(&f, LOG_INFO, ""));
    assert_true(log_filter_match(&f, &rec));
    assert_true(log_filter_set(&f, LOG_ERROR, NULL));
    assert_false(log_filter_match(&f, &rec));
    assert_true(log_filter_set(&f, LOG_WARNING, "config"));
    assert_true(log_filter_match(&f, &rec));
    assert_true(log_filter_set(&f, 0, "conf"));
    assert_false(log_filter_match(&f, &rec)); /* whole names only */
    assert_false(log_filter_set(&f, 0, "0123456789012345678901234567890123"));
}

static void test_select_newest_oldest_first(void **state)
{
    (void)state;
    struct log_ring r;
    log_ring_init(&r, g_store, CAP);
    add(&r, LOG_INFO, "a", "1");
    add(&r, LOG_ERROR, "b", "2");
    add(&r, LOG_INFO, "a", "3");
    add(&r, LOG_ERROR, "a", "4");
    add(&r, LOG_DEBUG, "b", "5");
    struct log_filter f;
    const struct log_rec *out[CAP];
    log_filter_set(&f, 0, "");
    uint32_t n = log_ring_select(&r, &f, 2, 65536, out, CAP);
    assert_int_equal(n, 2);
    assert_string_equal(out[0]->message, "4");
    assert_string_equal(out[1]->message, "5");
    n = log_ring_select(&r, &f, 0, 65536, out, CAP); /* 0: all */
    assert_int_equal(n, 5);
    assert_string_equal(out[0]->message, "1");
    log_filter_set(&f, LOG_ERROR, "");
    n = log_ring_select(&r, &f, 10, 65536, out, CAP);
    assert_int_equal(n, 2);
    assert_string_equal(out[0]->message, "2");
    assert_string_equal(out[1]->message, "4");
    log_filter_set(&f, LOG_INFO, "a");
    n = log_ring_select(&r, &f, 10, 65536, out, CAP);
    assert_int_equal(n, 3);
    assert_string_equal(out[2]->message, "4");
    log_filter_set(&f, 0, "nobody");
    assert_int_equal(log_ring_select(&r, &f, 10, 65536, out, CAP), 0);
}

static void test_select_respects_budget(void **state)
{
    (void)state;
    struct log_ring r;
    log_ring_init(&r, g_store, CAP);
    for (int i = 0; i < 5; i++)
        add(&r, LOG_INFO, "ab", "xyz"); /* 8+8+4+(4+3)+(4+4) = 35 bytes each */
    assert_int_equal(log_rec_wire_size(log_ring_at(&r, 0)), 35);
    struct log_filter f;
    log_filter_set(&f, 0, "");
    const struct log_rec *out[CAP];
    assert_int_equal(log_ring_select(&r, &f, 0, 35 * 3 + 34, out, CAP), 3);
    assert_int_equal(out[2]->seq, 5); /* the newest are the ones kept */
    assert_int_equal(log_ring_select(&r, &f, 0, 10, out, CAP), 0);
    assert_int_equal(log_ring_select(&r, &f, 0, 65536, out, 2), 2); /* out_cap bounds */
}

static void test_severity_parse(void **state)
{
    (void)state;
    uint32_t s = 99;
    assert_true(log_severity_parse("warning", &s));
    assert_int_equal(s, LOG_WARNING);
    assert_true(log_severity_parse("err", &s));
    assert_int_equal(s, LOG_ERROR);
    assert_true(log_severity_parse("0", &s));
    assert_int_equal(s, LOG_DEBUG);
    assert_true(log_severity_parse("5", &s));
    assert_int_equal(s, LOG_CRITICAL);
    assert_false(log_severity_parse("6", &s));
    assert_false(log_severity_parse("12", &s));
    assert_false(log_severity_parse("", &s));
    assert_false(log_severity_parse(NULL, &s));
    assert_false(log_severity_parse("infos", &s));
}

static void test_fault_text(void **state)
{
    (void)state;
    char buf[128];
    struct sos_fault_record f = {.fault_class = SOS_FAULT_NULL_DEREF, .address = 0, .pc = 0x401000,
                                 .process = 42};
    log_fault_text(buf, sizeof(buf), &f);
    assert_string_equal(buf, "process 42 faulted: null dereference at 0x0 (pc 0x401000)");
    f.fault_class = 77;
    log_fault_text(buf, sizeof(buf), &f);
    assert_non_null(strstr(buf, "unknown fault"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_and_order),
        cmocka_unit_test(test_wraps_keeping_newest),
        cmocka_unit_test(test_message_sanitised_and_cut),
        cmocka_unit_test(test_filter),
        cmocka_unit_test(test_select_newest_oldest_first),
        cmocka_unit_test(test_select_respects_budget),
        cmocka_unit_test(test_severity_parse),
        cmocka_unit_test(test_fault_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
