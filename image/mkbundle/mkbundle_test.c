/*
 * mkbundle_test.c - the mkbundle command line: build, --list, --verify, --extract,
 * --inputs, and each failure with its exit status (1 invalid content, 2 usage, 3 I/O)
 * and message. Runs the tool named by $MKBUNDLE in a scratch directory.
 *
 * Layer: tests (host).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

static char g_dir[64];
static const char *g_tool;
static char g_out[16384];

/* Runs "<tool> <args>" in the scratch dir; returns its exit status, output in g_out. */
static int run_in_dir(const char *tool, const char *fmt, va_list ap)
{
    char args[1024], cmd[1400];
    vsnprintf(args, sizeof args, fmt, ap);
    snprintf(cmd, sizeof cmd, "cd %s && %s %s 2>&1", g_dir, tool, args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(g_out, 1, sizeof g_out - 1, p);
    g_out[n] = 0;
    int st = pclose(p);
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

/* mkbundle with these arguments. */
static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int st = run_in_dir(g_tool, fmt, ap);
    va_end(ap);
    return st;
}

/* A shell command, for preparing files. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int st = run_in_dir("", fmt, ap);
    va_end(ap);
    return st;
}

static void put(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static bool exists(const char *name)
{
    char path[256];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    return stat(path, &st) == 0;
}

static void expect(int status, const char *needle, int got)
{
    if (got != status || !strstr(g_out, needle))
        fail_msg("exit %d (want %d), output:\n%s(want '%s')", got, status, g_out, needle);
}

static int setup(void **state)
{
    g_tool = getenv("MKBUNDLE");
    if (!g_tool)
        g_tool = "mkbundle";
    snprintf(g_dir, sizeof g_dir, "/tmp/sos-mkbundle-XXXXXX");
    assert_non_null(mkdtemp(g_dir));
    put("log.svc", "service=log\nimage=bin/log\n");
    put("shell.svc", "service=shell\nimage=shell\ndepends=log\ngrant=log:send\n");
    put("log.elf", "pretend this is an ELF image of the log service\n");
    put("shell.elf", "and this one the shell\n");
    put("defaults.conf", "log.minimum_severity=info\n");
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", g_dir);
    return system(cmd);
}

#define GOOD_INPUTS                                                                        \
    "manifests/log.svc=log.svc manifests/shell.svc=shell.svc bin/log=log.elf "             \
    "bin/shell=shell.elf config/defaults.conf=defaults.conf"

static void test_build_list_verify_extract(void **state)
{
    expect(0, "", run("-o b.bin " GOOD_INPUTS " --stored bin/rootmgr=log.elf"));
    expect(0, "b.bin: bundle version 1, 6 entries,", run("--list b.bin"));
    assert_non_null(strstr(g_out, "executable stored "));
    assert_non_null(strstr(g_out, " bin/rootmgr\n"));
    assert_non_null(strstr(g_out, "config     zlib "));
    assert_non_null(strstr(g_out, " manifests/shell.svc\n"));
    expect(0, "b.bin: ok: 6 entries,", run("--verify b.bin"));
    expect(0, "and this one the shell\n", run("--extract bin/shell b.bin"));
    expect(0, "", run("--extract bin/rootmgr b.bin -o root.out"));
    expect(0, "same", sh("cmp root.out log.elf >/dev/null && echo same"));
    expect(0, "mkbundle -o OUT", run("--help"));
}

static void test_usage_errors(void **state)
{
    expect(2, "usage: mkbundle", run("%s", ""));
    expect(2, "mkbundle: unknown option '--frobnicate' (see --help)", run("--frobnicate -o x"));
    expect(2, "mkbundle: input 'bin/log' is not NAME=PATH", run("-o x bin/log"));
    expect(2, "mkbundle: input '=log.elf' is not NAME=PATH", run("-o x =log.elf"));
    expect(2, "mkbundle: unknown kind 'binary'", run("-o x --kind binary bin/log=log.elf"));
    expect(2, "mkbundle: no output: give -o OUT", run("bin/log=log.elf"));
    expect(2, "mkbundle: -o needs an argument", run("bin/log=log.elf -o"));
    expect(2, "mkbundle: --list takes one FILE", run("--list"));
    expect(2, "--extract NAME FILE [-o OUT]", run("--extract bin/log"));
    assert_false(exists("x"));
}

static void test_io_errors(void **state)
{
    expect(3, "mkbundle: cannot read 'missing.elf' (for bin/log): No such file or directory",
           run("-o x bin/log=missing.elf"));
    expect(3, "mkbundle: cannot write 'no/such/dir/b.bin': No such file or directory",
           run("-o no/such/dir/b.bin bin/log=log.elf"));
    expect(3, "mkbundle: cannot read 'nothing.bin': No such file or directory",
           run("--verify nothing.bin"));
}

static void test_invalid_content(void **state)
{
    expect(1, "mkbundle: duplicate entry name 'bin/log'",
           run("-o x bin/log=log.elf bin/log=shell.elf"));
    expect(1, "mkbundle: input 0: name 'bin//log' has an empty path component",
           run("-o x bin//log=log.elf"));
    put("typo.svc", "service=typo\nimage=bin/log\nrestrat=never\n");
    expect(1, "mkbundle: manifests/typo.svc:3: unknown key 'restrat' (did you mean 'restart'?)",
           run("-o x manifests/typo.svc=typo.svc bin/log=log.elf"));
    expect(1, "mkbundle: manifests/shell.svc:2: service 'shell': image 'bin/shell' is not in "
              "the bundle", run("-o x manifests/shell.svc=shell.svc manifests/log.svc=log.svc "
                                "bin/log=log.elf"));
    put("cycle.svc", "service=a\nimage=log\ndepends=b\nservice=b\nimage=log\ndepends=a\n");
    expect(1, "mkbundle: manifests/cycle.svc:1: cycle: a -> b -> a",
           run("-o x manifests/cycle.svc=cycle.svc bin/log=log.elf"));
    /* an executable packed as data does not count as an image */
    expect(1, "image 'bin/log' is not in the bundle",
           run("-o x manifests/log.svc=log.svc --kind data bin/log=log.elf"));
    put("res.svc", "service=a\nimage=log\nresource=bundle:config/missing.conf\n");
    expect(1, "mkbundle: manifests/res.svc: service 'a': resource 'bundle:config/missing.conf' "
              "is not in the bundle", run("-o x manifests/res.svc=res.svc bin/log=log.elf"));
    expect(0, "", run("-o y manifests/res.svc=res.svc bin/log=log.elf "
                      "config/missing.conf=defaults.conf"));
    assert_false(exists("x"));
    /* --no-check packs it anyway; --verify then names the problem */
    expect(0, "", run("-o x --no-check manifests/cycle.svc=cycle.svc bin/log=log.elf"));
    expect(1, "mkbundle: x: manifests/cycle.svc:1: cycle: a -> b -> a", run("--verify x"));
    expect(1, "mkbundle: x: no entry named 'bin/nope'", run("--extract bin/nope x"));
}

static void test_damaged_files(void **state)
{
    expect(0, "", run("-o b.bin " GOOD_INPUTS));
    expect(0, "", sh("head -c 100 b.bin > cut.bin"));
    expect(1, "mkbundle: cut.bin: bundle truncated: header says ", run("--verify cut.bin"));
    expect(1, ", file is 100 bytes", run("--list cut.bin"));
    expect(0, "", sh("cp b.bin bad.bin && printf 'Z' | dd of=bad.bin bs=1 seek=40 "
                      "conv=notrunc 2>/dev/null"));
    expect(1, "mkbundle: bad.bin: digest mismatch: header says sha256 ", run("--verify bad.bin"));
    expect(0, "", sh("cp b.bin v3.bin && printf '\\003' | dd of=v3.bin bs=1 seek=8 "
                      "conv=notrunc 2>/dev/null"));
    expect(1, "mkbundle: v3.bin: unsupported bundle version 3 (this reader knows 1)",
           run("--list v3.bin"));
    put("text.txt", "service=this text is long enough to hold a header but it is no bundle\n");
    expect(1, "mkbundle: text.txt: not a bundle: magic is 'service=', expected 'SOSBUNDL'",
           run("--list text.txt"));
}

static void test_inputs_list(void **state)
{
    assert_int_equal(mkdir(strcat(strcpy(g_out, g_dir), "/sub"), 0755), 0);
    put("sub/list", "# the bootstore\n"
                    "manifests/log.svc=../log.svc\n"
                    "\n"
                    "bin/log=../log.elf kind=executable\n"
                    "bin/rootmgr=../shell.elf stored\n"
                    "data/notes=../defaults.conf kind=data\n");
    expect(0, "", run("-o l.bin --inputs sub/list"));
    expect(0, "l.bin: bundle version 1, 4 entries", run("--list l.bin"));
    assert_non_null(strstr(g_out, "executable stored "));
    assert_non_null(strstr(g_out, "data       zlib "));
    put("sub/bad", "bin/log=../log.elf compressed\n");
    expect(2, "mkbundle: sub/bad:1: unknown word 'compressed' (expected kind=K or stored)",
           run("-o l2.bin --inputs sub/bad"));
    expect(3, "mkbundle: cannot read 'sub/none'", run("-o l2.bin --inputs sub/none"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_build_list_verify_extract, setup, teardown),
        cmocka_unit_test_setup_teardown(test_usage_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_io_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_content, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inputs_list, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
