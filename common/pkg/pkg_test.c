/*
 * pkg_test.c - the package format: versions, dependency constraints, package.info,
 * and package files written, read back, and malformed in every way the reader checks,
 * each rejected with its code and message, never a crash (the sanitizer build runs
 * this too; damaged packages sit in buffers of exactly their length).
 *
 * Layer: tests (host).
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

#include "pkg.h"

static struct pkg_version ver(const char *s)
{
    struct pkg_version v;
    assert_int_equal(pkg_version_parse(s, strlen(s), &v, NULL), 0);
    return v;
}

static void test_versions(void **state)
{
    struct pkg_version a = ver("1.10"), b = ver("1.9"), c = ver("1"), d = ver("1.0.0");
    assert_true(pkg_version_cmp(&a, &b) > 0);
    assert_true(pkg_version_cmp(&b, &a) < 0);
    assert_int_equal(pkg_version_cmp(&c, &d), 0);
    char buf[32];
    pkg_version_format(&d, buf, sizeof buf);
    assert_string_equal(buf, "1.0.0");
    struct pkg_version big = ver("2147483647.0.0.1");
    pkg_version_format(&big, buf, sizeof buf);
    assert_string_equal(buf, "2147483647.0.0.1");
    static const char *const bad[] = {"", "1.", ".1", "1..2", "01", "1.2.3.4.5", "a",
                                      "1.-2", "2147483648", "1 .2", "99999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct pkg_version v;
        struct errmsg err = {0};
        assert_int_equal(pkg_version_parse(bad[i], strlen(bad[i]), &v, &err),
                         SOS_ERR_INVALID_ARGS);
        assert_non_null(strstr(err.msg, "version"));
    }
}

static struct pkg_dep dep(const char *s)
{
    struct pkg_dep d;
    struct errmsg err = {0};
    int rc = pkg_dep_parse(s, strlen(s), &d, &err);
    if (rc)
        fail_msg("%s: %s", s, err.msg);
    return d;
}

static void test_dependencies(void **state)
{
    struct pkg_dep d = dep("libgreet >=1.0 <2");
    assert_string_equal(d.name, "libgreet");
    assert_int_equal(d.count, 2);
    struct pkg_version v1 = ver("1"), v19 = ver("1.9.9"), v2 = ver("2"), v09 = ver("0.9");
    assert_true(pkg_dep_matches(&d, &v1));
    assert_true(pkg_dep_matches(&d, &v19));
    assert_false(pkg_dep_matches(&d, &v2));
    assert_false(pkg_dep_matches(&d, &v09));
    struct pkg_dep any = dep("  libgreet ");
    assert_int_equal(any.count, 0);
    assert_true(pkg_dep_matches(&any, &v09));
    struct pkg_dep eq = dep("x= 1.2");
    struct pkg_version v12 = ver("1.2.0");
    assert_true(pkg_dep_matches(&eq, &v12));
    struct pkg_dep gt = dep("x >1.2 <=3");
    struct pkg_version v3 = ver("3");
    assert_false(pkg_dep_matches(&gt, &v12));
    assert_true(pkg_dep_matches(&gt, &v3));
    char buf[80];
    pkg_dep_format(&gt, buf, sizeof buf);
    assert_string_equal(buf, "x >1.2 <=3");
    static const char *const bad[] = {"", "Lib", "lib ~1", "lib >=", "lib >=1 <2 >0 <9 =1",
                                      "lib >=1x", "1lib", "lib !1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct errmsg err = {0};
        assert_int_equal(pkg_dep_parse(bad[i], strlen(bad[i]), &d, &err),
                         SOS_ERR_INVALID_ARGS);
        assert_true(err.msg[0] != 0);
    }
}

#define HEX_A "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

static const char g_info[] =
    "# hello, version 1\n"
    "format=1\r\n"
    "name = hello\n"
    "version=1.2.0\n"
    "arch=any\n"
    "description=Prints a greeting\n"
    "depends=libgreet >=1.0 <2\n"
    "depends=base\n"
    "file=bin/hello executable " HEX_A " 4\n"
    "file=manifests/hello.svc manifest " HEX_A " 4\n";

static void test_info_parse_and_format(void **state)
{
    static struct pkg_info info, again;
    struct errmsg err = {0};
    int rc = pkg_info_parse(g_info, strlen(g_info), &info, &err);
    if (rc)
        fail_msg("%s", err.msg);
    assert_string_equal(info.name, "hello");
    assert_string_equal(info.version_text, "1.2.0");
    assert_string_equal(info.arch, "any");
    assert_string_equal(info.description, "Prints a greeting");
    assert_int_equal(info.dep_count, 2);
    assert_int_equal(info.file_count, 2);
    assert_int_equal(info.file[1].kind, BUNDLE_KIND_MANIFEST);
    assert_int_equal(info.file[0].size, 4);
    assert_int_equal(info.file[0].sha256[0], 0x9f);
    assert_non_null(pkg_info_file(&info, "manifests/hello.svc"));
    assert_null(pkg_info_file(&info, "bin/other"));
    char text[PKG_INFO_MAX];
    size_t n = 0;
    assert_int_equal(pkg_info_format(&info, text, sizeof text, &n), 0);
    assert_int_equal(pkg_info_parse(text, n, &again, &err), 0);
    assert_memory_equal(&info, &again, sizeof info);
    assert_int_equal(pkg_info_format(&info, text, 40, &n), SOS_ERR_BUFFER_TOO_SMALL);
}

/* Each bad text and the message it must give. */
static const struct {
    const char *text;
    int code;
    const char *msg;
} g_bad_info[] = {
    {"name=a\nversion=1\narch=any\n", SOS_ERR_INVALID_ARGS, "package.info: no format= line"},
    {"format=1\nversion=1\narch=any\n", SOS_ERR_INVALID_ARGS, "package.info: no name= line"},
    {"format=1\nname=a\narch=any\n", SOS_ERR_INVALID_ARGS, "package.info: no version= line"},
    {"format=1\nname=a\nversion=1\n", SOS_ERR_INVALID_ARGS, "package.info: no arch= line"},
    {"format=2\n", SOS_ERR_NOT_SUPPORTED,
     "package.info:1: unsupported package format (this reader knows format=1)"},
    {"format=1\nnmae=a\n", SOS_ERR_INVALID_ARGS, "package.info:2: unknown key 'nmae'"},
    {"format=1\nname=a\nname=b\n", SOS_ERR_INVALID_ARGS, "package.info:3: name given twice"},
    {"format=1\nname\n", SOS_ERR_INVALID_ARGS, "package.info:2: expected key=value"},
    {"format=1\narch=sparc\n", SOS_ERR_INVALID_ARGS,
     "package.info:2: arch must be any, x86_64 or aarch64"},
    {"format=1\nname=Hello\n", SOS_ERR_INVALID_ARGS,
     "package.info:2: package name 'Hello': a lower-case letter first, then [a-z0-9_+.-]"},
    {"format=1\ndescription=a\tb\n", SOS_ERR_INVALID_ARGS,
     "package.info:2: description has a byte outside printable ASCII"},
    {"format=1\nfile=bin/x executable " HEX_A "\n", SOS_ERR_INVALID_ARGS,
     "package.info:2: file= takes PATH KIND SHA256 SIZE"},
    {"format=1\nfile=bin/x program " HEX_A " 4\n", SOS_ERR_INVALID_ARGS,
     "package.info:2: file 'bin/x': kind must be manifest, executable, config or data"},
    {"format=1\nfile=bin/x data 9F86 4\n", SOS_ERR_INVALID_ARGS,
     "package.info:2: file 'bin/x': SHA-256 must be 64 lower-case hex digits"},
    {"format=1\nfile=bin/x data " HEX_A " 4294967296\n", SOS_ERR_INVALID_ARGS,
     "package.info:2: file 'bin/x': size must be a decimal number below 2^32"},
    {"format=1\nfile=bin/x data " HEX_A " 1\nfile=bin/x data " HEX_A " 1\n",
     SOS_ERR_INVALID_ARGS, "package.info:3: file 'bin/x' listed twice"},
    {"format=1\nfile=../x data " HEX_A " 1\n", SOS_ERR_INVALID_ARGS, "package.info:2: "},
    {"format=1\ndepends=b\ndepends=b >1\n", SOS_ERR_INVALID_ARGS,
     "package.info:3: dependency 'b' named twice (put every constraint on one line)"},
    {"format=1\nname=a\nversion=1\narch=any\ndepends=a\n", SOS_ERR_INVALID_ARGS,
     "package.info: package 'a' depends on itself"},
    {"format=1\nversion=1.x\n", SOS_ERR_INVALID_ARGS, "package.info:2: version '1.x'"},
};

static void test_info_rejects(void **state)
{
    static struct pkg_info info;
    for (size_t i = 0; i < sizeof g_bad_info / sizeof g_bad_info[0]; i++) {
        struct errmsg err = {0};
        const char *t = g_bad_info[i].text;
        int rc = pkg_info_parse(t, strlen(t), &info, &err);
        if (rc != g_bad_info[i].code || strncmp(err.msg, g_bad_info[i].msg,
                                                strlen(g_bad_info[i].msg)))
            fail_msg("case %zu: got %d '%s'", i, rc, err.msg);
    }
    static const char nul[] = "format=1\n\0name=a\n";
    struct errmsg e0 = {0};
    assert_int_equal(pkg_info_parse(nul, sizeof nul - 1, &info, &e0), SOS_ERR_INVALID_ARGS);
    assert_string_equal(e0.msg, "package.info:2: NUL byte in the text");
    char line[600];
    memset(line, 'x', sizeof line);
    memcpy(line, "description=", 12);
    struct errmsg err = {0};
    assert_int_equal(pkg_info_parse(line, sizeof line, &info, &err), SOS_ERR_INVALID_ARGS);
    assert_string_equal(err.msg, "package.info:1: line longer than 511 bytes");
    assert_int_equal(pkg_info_parse(line, PKG_INFO_MAX + 1, &info, &err), SOS_ERR_INVALID_ARGS);
    assert_string_equal(err.msg, "package.info is 16385 bytes, at most 16384");
}

/* ---- package files ------------------------------------------------------------------- */

static uint8_t g_exe[3000];
static const char g_svc[] = "service=hello\nimage=bin/hello\n";

struct blob {
    uint8_t *p;
    size_t n;
};

static void base_info(struct pkg_info *info)
{
    memset(info, 0, sizeof *info);
    strcpy(info->name, "hello");
    strcpy(info->version_text, "2.0");
    info->version = ver("2.0");
    strcpy(info->arch, "any");
    strcpy(info->description, "test package");
    info->dep[0] = dep("base >=1");
    info->dep_count = 1;
}

static struct blob make_package(struct pkg_info *info)
{
    for (size_t i = 0; i < sizeof g_exe; i++)
        g_exe[i] = (uint8_t)"ServiceOS hello "[i % 16];
    struct pkg_write_input in[] = {
        {"bin/hello", BUNDLE_KIND_EXECUTABLE, g_exe, sizeof g_exe},
        {"manifests/hello.svc", BUNDLE_KIND_MANIFEST, g_svc, sizeof g_svc - 1},
        {"data/hello/copy", BUNDLE_KIND_DATA, g_exe, sizeof g_exe}, /* same content */
        {"data/hello/empty", BUNDLE_KIND_DATA, "", 0},
    };
    base_info(info);
    size_t cap = pkg_write_bound(in, 4);
    struct blob b = {malloc(cap), 0};
    struct errmsg err = {0};
    int rc = pkg_write(info, in, 4, b.p, cap, &b.n, &err);
    if (rc)
        fail_msg("%s", err.msg);
    return b;
}

static void test_write_open_read(void **state)
{
    static struct pkg_info info;
    static struct pkg p;
    struct blob b = make_package(&info);
    struct errmsg err = {0};
    assert_int_equal(pkg_open(&p, b.p, b.n, &err), 0);
    assert_int_equal(p.info.file_count, 4);
    assert_int_equal(bundle_count(&p.bundle), 4); /* info + 3 distinct contents */
    assert_string_equal(p.info.name, "hello");
    assert_string_equal(p.info.dep[0].name, "base");
    uint8_t buf[4000];
    const struct pkg_file *f = pkg_info_file(&p.info, "data/hello/copy");
    assert_int_equal(pkg_read_file(&p, f, buf, sizeof buf, &err), 0);
    assert_memory_equal(buf, g_exe, sizeof g_exe);
    f = pkg_info_file(&p.info, "manifests/hello.svc");
    assert_int_equal(pkg_read_file(&p, f, buf, sizeof buf, &err), 0);
    assert_memory_equal(buf, g_svc, f->size);
    assert_int_equal(f->kind, BUNDLE_KIND_MANIFEST);
    f = pkg_info_file(&p.info, "bin/hello");
    assert_int_equal(pkg_read_file(&p, f, buf, 10, &err), SOS_ERR_BUFFER_TOO_SMALL);
    /* Deterministic: the same inputs give the same bytes. */
    static struct pkg_info info2;
    struct blob c = make_package(&info2);
    assert_int_equal(b.n, c.n);
    assert_memory_equal(b.p, c.p, b.n);
    free(b.p);
    free(c.p);
}

static void test_writer_rejects(void **state)
{
    static struct pkg_info info;
    uint8_t out[65536];
    size_t n;
    struct errmsg err = {0};
    struct pkg_write_input twice[] = {{"a", BUNDLE_KIND_DATA, "x", 1},
                                      {"a", BUNDLE_KIND_DATA, "y", 1}};
    base_info(&info);
    assert_int_equal(pkg_write(&info, twice, 2, out, sizeof out, &n, &err),
                     SOS_ERR_INVALID_ARGS);
    assert_string_equal(err.msg, "file 'a' given twice");
    struct pkg_write_input badkind[] = {{"a", 9, "x", 1}};
    assert_int_equal(pkg_write(&info, badkind, 1, out, sizeof out, &n, &err),
                     SOS_ERR_INVALID_ARGS);
    base_info(&info);
    strcpy(info.name, "Bad");
    assert_int_equal(pkg_write(&info, twice, 1, out, sizeof out, &n, &err),
                     SOS_ERR_INVALID_ARGS);
    assert_non_null(strstr(err.msg, "package name 'Bad'"));
}

/* Packs raw bundle entries (to build packages the writer would never make). */
static struct blob raw_bundle(struct bundle_input *in, size_t n)
{
    size_t cap = bundle_write_bound(in, n);
    struct blob b = {malloc(cap), 0};
    assert_int_equal(bundle_write(in, n, b.p, cap, &b.n, NULL), 0);
    uint8_t *exact = malloc(b.n);
    memcpy(exact, b.p, b.n);
    free(b.p);
    b.p = exact;
    return b;
}

static void expect_open(struct blob b, int code, const char *msg)
{
    static struct pkg p;
    struct errmsg err = {0};
    int rc = pkg_open(&p, b.p, b.n, &err);
    if (rc != code || strncmp(err.msg, msg, strlen(msg)))
        fail_msg("got %d '%s', want %d '%s'", rc, err.msg, code, msg);
    free(b.p);
}

#define OBJ_A "objects/" HEX_A /* sha256("test") */
#define INFO_HEAD "format=1\nname=a\nversion=1\narch=any\n"

static void test_malformed_packages(void **state)
{
    const char *one = INFO_HEAD "file=x data " HEX_A " 4\n";
    size_t ol = strlen(one);
    struct bundle_input no_info[] = {{OBJ_A, BUNDLE_KIND_DATA, 0, "test", 4}};
    expect_open(raw_bundle(no_info, 1), SOS_ERR_BAD_FORMAT, "not a package: no package.info");
    struct bundle_input zipped[] = {{"package.info", BUNDLE_KIND_CONFIG, 0, one, ol},
                                    {OBJ_A, BUNDLE_KIND_DATA, 0, "test", 4}};
    expect_open(raw_bundle(zipped, 2), SOS_ERR_BAD_FORMAT,
                "package.info must be stored uncompressed");
    struct bundle_input missing[] = {{"package.info", 2, BUNDLE_FLAG_STORED, one, ol}};
    expect_open(raw_bundle(missing, 1), SOS_ERR_BAD_FORMAT,
                "file 'x': its object objects/" HEX_A " is missing");
    struct bundle_input extra[] = {{"package.info", 2, BUNDLE_FLAG_STORED, one, ol},
                                   {OBJ_A, BUNDLE_KIND_DATA, 0, "test", 4},
                                   {"bin/sneaky", BUNDLE_KIND_EXECUTABLE, 0, "boo", 3}};
    expect_open(raw_bundle(extra, 3), SOS_ERR_BAD_FORMAT,
                "entry 'bin/sneaky' is not an object any file of the manifest uses");
    struct bundle_input sized[] = {{"package.info", 2, BUNDLE_FLAG_STORED, one, ol},
                                   {OBJ_A, BUNDLE_KIND_DATA, 0, "tests", 5}};
    expect_open(raw_bundle(sized, 2), SOS_ERR_BAD_FORMAT,
                "file 'x': manifest says 4 bytes, object objects/" HEX_A " has 5");
    const char *bad = INFO_HEAD "arch=vax\n";
    struct bundle_input badinfo[] = {{"package.info", 2, BUNDLE_FLAG_STORED, bad, strlen(bad)}};
    expect_open(raw_bundle(badinfo, 1), SOS_ERR_INVALID_ARGS, "package.info:5: arch given twice");
    struct blob t = raw_bundle(sized, 2);
    t.n -= 100;
    expect_open(t, SOS_ERR_BAD_FORMAT, "bundle truncated");
}

/* Same-size content that does not hash to its name: open succeeds (the index cannot
 * tell), reading the file fails on the SHA-256, naming the file. */
static void test_object_content_mismatch(void **state)
{
    static struct pkg p;
    const char *one = INFO_HEAD "file=bin/x executable " HEX_A " 4\n";
    struct bundle_input swapped[] = {{"package.info", 2, BUNDLE_FLAG_STORED, one, strlen(one)},
                                     {OBJ_A, BUNDLE_KIND_DATA, 0, "evil", 4}};
    struct blob b = raw_bundle(swapped, 2);
    struct errmsg err = {0};
    assert_int_equal(pkg_open(&p, b.p, b.n, &err), 0);
    uint8_t buf[4];
    assert_int_equal(pkg_read_file(&p, &p.info.file[0], buf, 4, &err), SOS_ERR_CORRUPT);
    assert_string_equal(err.msg, "file 'bin/x': SHA-256 mismatch: manifest says "
                                 "9f86d081884c7d65..., content hashes to b5c1fb2efc6d6b46...");
    free(b.p);
}

/* Any single flipped byte is caught (the bundle digest), never a crash. */
static void test_every_byte_flipped(void **state)
{
    static struct pkg_info info;
    static struct pkg p;
    struct blob b = make_package(&info);
    uint8_t *c = malloc(b.n);
    for (size_t i = 0; i < b.n; i += 7) {
        memcpy(c, b.p, b.n);
        c[i] ^= 0x20;
        struct errmsg err = {0};
        assert_true(pkg_open(&p, c, b.n, &err) < 0);
        assert_true(err.msg[0] != 0);
    }
    free(c);
    free(b.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_dependencies),
        cmocka_unit_test(test_info_parse_and_format),
        cmocka_unit_test(test_info_rejects),
        cmocka_unit_test(test_write_open_read),
        cmocka_unit_test(test_writer_rejects),
        cmocka_unit_test(test_malformed_packages),
        cmocka_unit_test(test_object_content_mismatch),
        cmocka_unit_test(test_every_byte_flipped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
