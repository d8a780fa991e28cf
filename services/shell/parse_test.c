/*
 * services/shell/parse_test.c - the shell's words, numbers, logs options and output
 * formats, on the host.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <proto/log.h>

#include "format.h"
#include "parse.h"

static int split(const char *text, char **argv, char *buf, const char **err)
{
    strcpy(buf, text);
    *err = NULL;
    return sh_tokenize(buf, argv, SH_MAX_ARGS, err);
}

static void test_tokenize_plain(void **state)
{
    (void)state;
    char buf[256], *argv[SH_MAX_ARGS];
    const char *err;
    assert_int_equal(split("", argv, buf, &err), 0);
    assert_int_equal(split("   \t ", argv, buf, &err), 0);
    assert_int_equal(split("services", argv, buf, &err), 1);
    assert_string_equal(argv[0], "services");
    assert_int_equal(split("  config  set\ta.b   5  ", argv, buf, &err), 4);
    assert_string_equal(argv[0], "config");
    assert_string_equal(argv[1], "set");
    assert_string_equal(argv[2], "a.b");
    assert_string_equal(argv[3], "5");
}

static void test_tokenize_quotes(void **state)
{
    (void)state;
    char buf[256], *argv[SH_MAX_ARGS];
    const char *err;
    assert_int_equal(split("echo 'a  b' \"c \\\"d\\\" \\\\\" e\\ f x'y'z \"\"", argv, buf, &err), 6);
    assert_string_equal(argv[1], "a  b");
    assert_string_equal(argv[2], "c \"d\" \\");
    assert_string_equal(argv[3], "e f");
    assert_string_equal(argv[4], "xyz");
    assert_string_equal(argv[5], "");
    assert_int_equal(split("echo 'it\\'s", argv, buf, &err), 2); /* no escapes in '...' */
    assert_string_equal(argv[1], "it\\s");
    assert_int_equal(split("echo 'open", argv, buf, &err), -1);
    assert_string_equal(err, "unterminated ' quote");
    assert_int_equal(split("echo \"open", argv, buf, &err), -1);
    assert_string_equal(err, "unterminated \" quote");
    assert_int_equal(split("echo end\\", argv, buf, &err), -1);
    assert_non_null(err);
    assert_int_equal(split("echo \"a\\nb\"", argv, buf, &err), 2); /* only \" and \\ escape */
    assert_string_equal(argv[1], "a\\nb");
}

static void test_tokenize_limits(void **state)
{
    (void)state;
    char buf[512], *argv[SH_MAX_ARGS];
    const char *err;
    char line[512] = "";
    for (int i = 0; i < SH_MAX_ARGS; i++)
        strcat(line, "w ");
    assert_int_equal(split(line, argv, buf, &err), SH_MAX_ARGS);
    strcat(line, "one-more");
    assert_int_equal(split(line, argv, buf, &err), -1);
    assert_string_equal(err, "too many words on the line");
}

/* Random lines never overrun and every word lies inside the buffer. */
static void test_tokenize_random(void **state)
{
    (void)state;
    static const char alphabet[] = "ab '\"\\\t-x";
    unsigned seed = 99;
    for (int round = 0; round < 20000; round++) {
        char buf[64], *argv[SH_MAX_ARGS];
        const char *err = NULL;
        size_t n = (seed >> 8) % (sizeof(buf) - 1);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
        }
        buf[n] = 0;
        int argc = sh_tokenize(buf, argv, SH_MAX_ARGS, &err);
        if (argc < 0) {
            assert_non_null(err);
            continue;
        }
        for (int i = 0; i < argc; i++) {
            assert_true(argv[i] >= buf && argv[i] + strlen(argv[i]) <= buf + n);
            if (i > 0)
                assert_true(argv[i] > argv[i - 1] + strlen(argv[i - 1])); /* in order, apart */
        }
    }
}

static void test_redirect(void **state)
{
    (void)state;
    char line[128], *path = NULL, *argv[8];
    const char *err = NULL;
    strcpy(line, "echo hi > /home/x");
    assert_int_equal(sh_split_redirect(line, &path, &err), 1);
    assert_string_equal(path, "/home/x");
    assert_int_equal(sh_tokenize(line, argv, 8, &err), 2);
    assert_string_equal(argv[1], "hi");
    strcpy(line, "echo a>b");
    assert_int_equal(sh_split_redirect(line, &path, &err), 1);
    assert_string_equal(path, "b");
    assert_string_equal(line, "echo a");
    strcpy(line, "echo '>' \\> \"a > b\" \\>x");
    assert_int_equal(sh_split_redirect(line, &path, &err), 0); /* quoted or escaped */
    strcpy(line, "echo hi > \"/home/my file\"");
    assert_int_equal(sh_split_redirect(line, &path, &err), 1);
    assert_string_equal(path, "/home/my file");
    const char *bad[] = {"echo hi >", "echo hi >   ", "echo > a b", "echo >> a", "echo > 'a", "echo > ''"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        strcpy(line, bad[i]);
        err = NULL;
        assert_int_equal(sh_split_redirect(line, &path, &err), -1);
        assert_non_null(err);
    }
    strcpy(line, "echo 'unterminated > x");
    assert_int_equal(sh_split_redirect(line, &path, &err), 0); /* the tokenizer says why */
}

static void test_path_clean(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"/", "/"}, {"", "/"}, {"/home", "/home"}, {"home/x", "/home/x"}, {"/home/", "/home"},
        {"//home///x", "/home/x"}, {"/home/./x/.", "/home/x"}, {"/boot/..", "/"},
        {"/home/..", "/"}, {"/home/d/../..", "/"}, {"/..", "/.."}, {"/../../boot", "/../../boot"},
        {"/home/../../boot/x", "/../boot/x"}, {"/../a/..", "/.."},
        {"/home/d/../x", "/home/x"}, {"/boot/bin/../bin/hello", "/boot/bin/hello"},
        {"/a/.../b", "/a/.../b"}, {"/a/..b", "/a/..b"},
    };
    char out[32];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_true(sh_path_clean(cases[i][0], out, sizeof(out)));
        assert_string_equal(out, cases[i][1]);
    }
    assert_false(sh_path_clean("/0123456789/0123456789/0123456789", out, sizeof(out)));
    assert_true(sh_path_clean("/0123456789/0123456789/01234567", out, sizeof(out)));
    assert_false(sh_path_clean("/", out, 1));
}

static void test_numbers_and_join(void **state)
{
    (void)state;
    uint64_t v;
    assert_true(sh_parse_u64("42", 100, &v));
    assert_int_equal(v, 42);
    assert_true(sh_parse_u64("18446744073709551615", UINT64_MAX, &v));
    assert_false(sh_parse_u64("18446744073709551616", UINT64_MAX, &v));
    assert_false(sh_parse_u64("101", 100, &v));
    assert_false(sh_parse_u64("-1", 100, &v));
    assert_false(sh_parse_u64("1x", 100, &v));
    assert_false(sh_parse_u64("", 100, &v));
    assert_false(sh_parse_u64(NULL, 100, &v));
    char buf[8];
    char *words[] = {"ab", "cd", "e"};
    assert_true(sh_join(3, words, buf, sizeof(buf)));
    assert_string_equal(buf, "ab cd e");
    assert_false(sh_join(3, words, buf, 7));
    assert_true(sh_join(0, words, buf, sizeof(buf)));
    assert_string_equal(buf, "");
}

static int logs(const char *line, struct logs_args *a, char *err)
{
    static char buf[256];
    static char *argv[SH_MAX_ARGS];
    const char *e;
    int argc = split(line, argv, buf, &e);
    err[0] = 0;
    return sh_parse_logs(argc, argv, a, err, 128);
}

static void test_logs_args(void **state)
{
    (void)state;
    struct logs_args a;
    char err[128];
    assert_int_equal(logs("logs", &a, err), 0);
    assert_int_equal(a.count, SH_LOGS_DEFAULT);
    assert_false(a.follow);
    assert_false(a.severity_given);
    assert_string_equal(a.source, "");
    assert_int_equal(logs("logs 5 --follow --service config --severity warning", &a, err), 0);
    assert_int_equal(a.count, 5);
    assert_true(a.follow);
    assert_string_equal(a.source, "config");
    assert_true(a.severity_given);
    assert_int_equal(a.min_severity, LOG_WARNING);
    assert_int_equal(logs("logs follow --severity=err --service=kernel", &a, err), 0);
    assert_true(a.follow);
    assert_int_equal(a.min_severity, LOG_ERROR);
    assert_string_equal(a.source, "kernel");
    assert_int_equal(logs("logs -f 3", &a, err), 0);
    assert_int_equal(a.count, 3);
    assert_int_equal(logs("logs 0", &a, err), -1);
    assert_non_null(strstr(err, "not a count"));
    assert_int_equal(logs("logs 1001", &a, err), -1);
    assert_int_equal(logs("logs 5 6", &a, err), -1);
    assert_int_equal(logs("logs abc", &a, err), -1);
    assert_int_equal(logs("logs --bogus", &a, err), -1);
    assert_string_equal(err, "logs: unknown option '--bogus'");
    assert_int_equal(logs("logs --service", &a, err), -1);
    assert_non_null(strstr(err, "needs a service name"));
    assert_int_equal(logs("logs --service=", &a, err), -1);
    assert_int_equal(logs("logs --severity loud", &a, err), -1);
    assert_non_null(strstr(err, "--severity needs"));
    assert_int_equal(logs("logs --severity", &a, err), -1);
    assert_int_equal(logs("logs --servicex y", &a, err), -1);
}

static void test_formats(void **state)
{
    (void)state;
    char b[256];
    assert_string_equal(fmt_ms(b, sizeof(b), 1234567), "1.234 ms");
    assert_string_equal(fmt_ms(b, sizeof(b), 0), "0.000 ms");
    assert_string_equal(fmt_s(b, sizeof(b), 12345678901ull), "12.345 s");
    assert_string_equal(fmt_kib(b, sizeof(b), 1025), "2 KiB");
    assert_string_equal(fmt_kib(b, sizeof(b), 4096), "4 KiB");
    assert_string_equal(fmt_rights(b, sizeof(b), SOS_RIGHT_READ | SOS_RIGHT_MANAGE), "read+manage");
    assert_string_equal(fmt_rights(b, sizeof(b), 0), "none");
    assert_string_equal(fmt_rights(b, sizeof(b), 1u << 20), "0x100000");
    assert_string_equal(fmt_rights(b, 8, SOS_RIGHTS_ALL), "read");
    struct sos_fault_record f = {.fault_class = SOS_FAULT_NULL_DEREF, .address = 0};
    fmt_run_result(b, sizeof(b), "crashme", SOS_PROC_FAULTED, -1, &f);
    assert_string_equal(b, "crashme: faulted (null dereference at 0x0)");
    f.fault_class = SOS_FAULT_WILD_ADDRESS;
    f.address = 0xdead0000;
    fmt_run_result(b, sizeof(b), "crashme", SOS_PROC_FAULTED, -1, &f);
    assert_string_equal(b, "crashme: faulted (wild address at 0xdead0000)");
    fmt_run_result(b, sizeof(b), "crashme", SOS_PROC_EXITED, 3, &f);
    assert_string_equal(b, "crashme: exited with status 3");
    fmt_run_result(b, sizeof(b), "crashme", SOS_PROC_KILLED, 0, &f);
    assert_string_equal(b, "crashme: killed");
    fmt_run_result(b, sizeof(b), "x", 9, 0, &f);
    assert_string_equal(b, "x: ended in state 9");
    fmt_log_line(b, sizeof(b), 12, 1123456789, LOG_INFO, "rootmgr", "hello");
    assert_string_equal(b, "#12 1.123456 info     rootmgr    hello");
    fmt_log_line(b, sizeof(b), 1, 0, 77, "kernel", "x");
    assert_string_equal(b, "#1 0.000000 ?        kernel     x");
    struct sos_audit_record r = {.seq = 5, .event = SOS_AUDIT_DUPLICATE, .kind = SOS_OBJ_CHANNEL,
                                 .actor = 1, .object = 9, .target = 0, .rights = SOS_RIGHT_READ};
    fmt_audit_line(b, sizeof(b), &r);
    assert_string_equal(b, "#5 duplicate channel   actor 1 object 9 target 0 rights read");
    r.event = SOS_AUDIT_DENIED;
    r.status = SOS_ERR_ACCESS_DENIED;
    r.kind = 200;
    fmt_audit_line(b, sizeof(b), &r);
    assert_string_equal(b, "#5 denied    ?         actor 1 object 9 target 0 rights read (access denied)");
    fmt_audit_line(b, 10, &r); /* cut, never overrun */
    assert_int_equal(strlen(b), 9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokenize_plain),
        cmocka_unit_test(test_tokenize_quotes),
        cmocka_unit_test(test_tokenize_limits),
        cmocka_unit_test(test_tokenize_random),
        cmocka_unit_test(test_redirect),
        cmocka_unit_test(test_path_clean),
        cmocka_unit_test(test_numbers_and_join),
        cmocka_unit_test(test_logs_args),
        cmocka_unit_test(test_formats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
