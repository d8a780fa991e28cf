/*
 * services/log/persist_test.c - the stored records' line format (persist.c), on the
 * host: round trips, and damaged lines (every truncation, every flipped byte) refused.
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

#include "persist.h"

static struct log_rec make(const char *src, const char *msg, uint32_t sev, uint64_t t)
{
    struct log_rec r;
    memset(&r, 0, sizeof(r));
    r.time_ns = t;
    r.severity = sev;
    snprintf(r.source, sizeof(r.source), "%s", src);
    snprintf(r.message, sizeof(r.message), "%s", msg);
    return r;
}

static void test_round_trip(void **state)
{
    (void)state;
    char line[LOG_LINE_MAX], longmsg[LOG_MESSAGE_MAX];
    memset(longmsg, 'x', sizeof(longmsg) - 1);
    longmsg[sizeof(longmsg) - 1] = 0;
    char longsrc[LOG_SOURCE_MAX];
    memset(longsrc, 's', sizeof(longsrc) - 1);
    longsrc[sizeof(longsrc) - 1] = 0;
    struct log_rec in[] = {make("config", "shell set demo.count = 5", 1, 123456789),
                           make("kernel", "process 42 faulted: null dereference at 0x0", 4, 0),
                           make("log", "", 0, UINT64_MAX), make(longsrc, longmsg, 5, 7),
                           make("a b", "spaces  and # and \\ \" '", 3, 1)};
    for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
        size_t n = log_line_format(&in[i], i + 1, line);
        assert_int_equal(strlen(line), n);
        assert_true(n > 0 && line[n - 1] == '\n');
        struct log_rec out;
        uint64_t boot = 0;
        assert_int_equal(log_line_parse(line, n - 1, &boot, &out), 0);
        assert_int_equal(boot, i + 1);
        assert_int_equal(out.time_ns, in[i].time_ns);
        assert_int_equal(out.severity, in[i].severity);
        assert_string_equal(out.source, in[i].source);
        assert_string_equal(out.message, in[i].message);
    }
}

static void test_damage_refused(void **state)
{
    (void)state;
    char line[LOG_LINE_MAX], bad[LOG_LINE_MAX];
    struct log_rec r = make("config", "shell set demo.count = 5", 1, 99), out;
    size_t n = log_line_format(&r, 3, line) - 1;
    uint64_t boot;
    for (size_t cut = 0; cut < n; cut++)
        assert_int_equal(log_line_parse(line, cut, &boot, &out), SOS_ERR_CORRUPT);
    for (size_t i = 0; i < n; i++)
        for (int bit = 0; bit < 8; bit++) {
            memcpy(bad, line, n);
            bad[i] ^= (char)(1 << bit);
            assert_int_equal(log_line_parse(bad, n, &boot, &out), SOS_ERR_CORRUPT);
        }
    const char *junk[] = {"", "\t", "00000000\t", "zzzzzzzz\t1\t2\t3\tsrc\tmsg", "\x7f" "ELF"};
    for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
        assert_int_equal(log_line_parse(junk[i], strlen(junk[i]), &boot, &out), SOS_ERR_CORRUPT);
}

struct seen {
    int n;
    uint64_t boots[8];
};

static void on_line(void *arg, uint64_t boot, const struct log_rec *rec)
{
    struct seen *s = arg;
    (void)rec;
    if (s->n < 8)
        s->boots[s->n] = boot;
    s->n++;
}

static void test_lines(void **state)
{
    (void)state;
    char text[4 * LOG_LINE_MAX];
    size_t len = 0;
    struct log_rec r = make("log", "one", 1, 1);
    len += log_line_format(&r, 1, text + len);
    len += log_line_format(&r, 2, text + len);
    memcpy(text + len, "garbage\n", 8);
    len += 8;
    len += log_line_format(&r, 2, text + len);
    struct seen s = {0};
    assert_int_equal(log_lines_parse(text, len, on_line, &s), 1);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.boots[1], 2);
    /* cut short: the last line is bad, the others still come */
    memset(&s, 0, sizeof(s));
    assert_int_equal(log_lines_parse(text, len - 3, on_line, &s), 2);
    assert_int_equal(s.n, 2);
}

static void test_marks_and_rotation(void **state)
{
    (void)state;
    char m[32];
    log_boot_mark(4, 4, m, sizeof(m));
    assert_string_equal(m, "");
    log_boot_mark(3, 4, m, sizeof(m));
    assert_string_equal(m, "[previous boot] ");
    log_boot_mark(1, 4, m, sizeof(m));
    assert_string_equal(m, "[3 boots ago] ");
    assert_false(log_should_rotate(0, LOG_FILE_MAX + 5)); /* an empty file takes any line */
    assert_false(log_should_rotate(LOG_FILE_MAX - 10, 10));
    assert_true(log_should_rotate(LOG_FILE_MAX - 10, 11));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_damage_refused),
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_marks_and_rotation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
