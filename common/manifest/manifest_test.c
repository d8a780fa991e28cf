/*
 * manifest_test.c - manifest parsing (every key, defaults, each malformed line with its
 * exact message), validation of a set, and start waves.
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
#include <sos/rights.h>

#include "manifest.h"

static struct manifest_set *g_set;

static int setup(void **state)
{
    g_set = malloc(sizeof *g_set);
    manifest_set_init(g_set);
    return 0;
}

static int teardown(void **state)
{
    free(g_set);
    return 0;
}

static int parse(const char *file, const char *text, struct errmsg *err)
{
    return manifest_parse(g_set, file, text, strlen(text), err);
}

static void parse_ok(const char *file, const char *text)
{
    struct errmsg err = {0};
    if (parse(file, text, &err))
        fail_msg("parse %s: %s", file, err.msg);
}

/* ---- parsing ---------------------------------------------------------------------- */

static void test_every_key(void **state)
{
    parse_ok("shell.svc", "# the operator shell\n"
                          "service=shell\n"
                          "image = bin/shell\n"
                          "description=The operator shell\n"
                          "startup=on-demand\n"
                          "availability=optional\n"
                          "restart=on-failure:7:250\n"
                          "ready_timeout=3s\n"
                          "depends=log, config\n"
                          "depends=console\n"
                          "grant=log:send+wait\n"
                          "lookup=status:send+receive+wait\n"
                          "resource=device/console\n"
                          "provides=shell, shell-admin\n");
    assert_int_equal(g_set->count, 1);
    const struct manifest *m = &g_set->svc[0];
    assert_string_equal(m->name, "shell");
    assert_string_equal(m->image, "bin/shell");
    assert_string_equal(m->description, "The operator shell");
    assert_string_equal(m->file, "shell.svc");
    assert_int_equal(m->line, 2);
    assert_int_equal(m->startup, MANIFEST_STARTUP_ON_DEMAND);
    assert_int_equal(m->availability, MANIFEST_OPTIONAL);
    assert_int_equal(m->restart, MANIFEST_RESTART_ON_FAILURE);
    assert_int_equal(m->restart_limit, 7);
    assert_int_equal(m->restart_backoff_ms, 250);
    assert_int_equal(m->ready_timeout_ms, 3000);
    assert_false(m->critical);
    assert_int_equal(m->n_depends, 3);
    assert_string_equal(m->depends[0].name, "log");
    assert_string_equal(m->depends[1].name, "config");
    assert_string_equal(m->depends[2].name, "console");
    assert_int_equal(m->depends[2].line, 10);
    assert_int_equal(m->n_grants, 1);
    assert_string_equal(m->grants[0].service, "log");
    assert_int_equal(m->grants[0].rights, SOS_RIGHT_SEND | SOS_RIGHT_WAIT);
    assert_int_equal(m->n_lookups, 1);
    assert_int_equal(m->lookups[0].rights, SOS_RIGHT_SEND | SOS_RIGHT_RECEIVE | SOS_RIGHT_WAIT);
    assert_int_equal(m->n_resources, 1);
    assert_string_equal(m->resources[0], "device/console");
    assert_int_equal(m->n_provides, 2);
    assert_string_equal(m->provides[1].name, "shell-admin");
}

static void test_defaults_and_short_forms(void **state)
{
    parse_ok("log.svc", "service=log\nimage=log\ncritical\n");
    const struct manifest *m = &g_set->svc[0];
    assert_string_equal(m->image, "bin/log");
    assert_int_equal(m->startup, MANIFEST_STARTUP_EAGER);
    assert_int_equal(m->availability, MANIFEST_REQUIRED);
    assert_int_equal(m->restart, MANIFEST_RESTART_ON_FAILURE);
    assert_int_equal(m->restart_limit, MANIFEST_DEFAULT_RESTART_LIMIT);
    assert_int_equal(m->restart_backoff_ms, MANIFEST_DEFAULT_BACKOFF_MS);
    assert_int_equal(m->ready_timeout_ms, MANIFEST_DEFAULT_READY_TIMEOUT_MS);
    assert_true(m->critical);
    assert_false(m->emergency);
    assert_int_equal(m->n_depends + m->n_grants + m->n_lookups + m->n_resources, 0);
}

static void test_several_services_crlf_and_comments(void **state)
{
    parse_ok("core.svc", "\r\n# log first\r\nservice=log\r\nimage=bin/log\r\n\r\n"
                         "   # indented comment\n\tservice = config \n image=bin/config\n"
                         "critical=false\nemergency\nservice=status\nimage=bin/status\ncritical=yes\n"
                         "emergency=no\napp");
    assert_int_equal(g_set->count, 3);
    assert_false(g_set->svc[1].app);
    assert_true(g_set->svc[2].app);
    assert_string_equal(g_set->svc[1].name, "config");
    assert_int_equal(g_set->svc[1].line, 7);
    assert_false(g_set->svc[1].critical);
    assert_true(g_set->svc[1].emergency);
    assert_true(g_set->svc[2].critical);
    assert_false(g_set->svc[2].emergency);
    assert_int_equal(manifest_find(g_set, "status"), 2);
    assert_int_equal(manifest_find(g_set, "nope"), -1);
}

static void test_restart_and_timeouts(void **state)
{
    struct {
        const char *value;
        uint8_t kind;
        uint32_t limit, backoff;
    } ok[] = {
        {"never", MANIFEST_RESTART_NEVER, 0, MANIFEST_DEFAULT_BACKOFF_MS},
        {"fail-stop", MANIFEST_RESTART_FAIL_STOP, 0, MANIFEST_DEFAULT_BACKOFF_MS},
        {"always", MANIFEST_RESTART_ALWAYS, MANIFEST_DEFAULT_RESTART_LIMIT,
         MANIFEST_DEFAULT_BACKOFF_MS},
        {"always:0", MANIFEST_RESTART_ALWAYS, 0, MANIFEST_DEFAULT_BACKOFF_MS},
        {"on-failure:3", MANIFEST_RESTART_ON_FAILURE, 3, MANIFEST_DEFAULT_BACKOFF_MS},
        {"on-failure:1000:3600000", MANIFEST_RESTART_ON_FAILURE, 1000, 3600000},
    };
    char text[200];
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        manifest_set_init(g_set);
        snprintf(text, sizeof text, "service=a\nimage=a\nrestart=%s\n", ok[i].value);
        parse_ok("a.svc", text);
        assert_int_equal(g_set->svc[0].restart, ok[i].kind);
        assert_int_equal(g_set->svc[0].restart_limit, ok[i].limit);
        assert_int_equal(g_set->svc[0].restart_backoff_ms, ok[i].backoff);
    }
    const char *times[] = {"1", "250ms", "3s", "3600s", "3600000"};
    uint32_t ms[] = {1, 250, 3000, 3600000, 3600000};
    for (size_t i = 0; i < 5; i++) {
        manifest_set_init(g_set);
        snprintf(text, sizeof text, "service=a\nimage=a\nready_timeout=%s\n", times[i]);
        parse_ok("a.svc", text);
        assert_int_equal(g_set->svc[0].ready_timeout_ms, ms[i]);
    }
}

/* Each malformed text and the exact message it must produce. */
static const struct {
    const char *text;
    int code;
    const char *msg;
} g_bad[] = {
    {"service=log\nimage=bin/log\n\n\n\n\nrestrat=never\n", SOS_ERR_INVALID_ARGS,
     "log.svc:7: unknown key 'restrat' (did you mean 'restart'?)"},
    {"service=log\nimage=log\ndepend=config\n", SOS_ERR_INVALID_ARGS,
     "log.svc:3: unknown key 'depend' (did you mean 'depends'?)"},
    {"service=log\nimage=log\ncolour=blue\n", SOS_ERR_INVALID_ARGS,
     "log.svc:3: unknown key 'colour'"},
    {"image=bin/log\nservice=log\n", SOS_ERR_INVALID_ARGS,
     "log.svc:1: 'image' before any 'service=' line (each service starts with service=)"},
    {"service=log\nimage=log\nimage=log2\n", SOS_ERR_ALREADY_EXISTS,
     "log.svc:3: 'image' given twice for service 'log' (first on line 2)"},
    {"service=log\nimage=\n", SOS_ERR_INVALID_ARGS, "log.svc:2: 'image' has an empty value"},
    {"service=log\nimage\n", SOS_ERR_INVALID_ARGS, "log.svc:2: 'image' needs a value: image=..."},
    {"service=log\n=x\n", SOS_ERR_INVALID_ARGS,
     "log.svc:2: expected key=value, found '=' with no key"},
    {"service=Log\n", SOS_ERR_INVALID_ARGS,
     "log.svc:1: service name 'Log' is invalid: use 1-31 of a-z, 0-9, '-', '_', starting with "
     "a letter"},
    {"service=a-very-long-service-name-past-31\n", SOS_ERR_INVALID_ARGS, NULL},
    {"service=log\nstartup=eager\n", SOS_ERR_INVALID_ARGS,
     "log.svc:1: service 'log' has no image= line"},
    {"service=log\nimage=log\nservice=two\n", SOS_ERR_INVALID_ARGS,
     "log.svc:3: service 'two' has no image= line"},
    {"service=log\nimage=log\ncritical\navailability=optional\n", SOS_ERR_INVALID_ARGS,
     "log.svc:1: service 'log' is critical but availability=optional"},
    {"service=log\nimage=log\nstartup=lazy\n", SOS_ERR_INVALID_ARGS,
     "log.svc:3: startup must be eager or on-demand, not 'lazy'"},
    {"service=log\nimage=log\navailability=maybe\n", SOS_ERR_INVALID_ARGS,
     "log.svc:3: availability must be required or optional, not 'maybe'"},
    {"service=log\nimage=log\ncritical=perhaps\n", SOS_ERR_INVALID_ARGS,
     "log.svc:3: critical must be true or false (or stand alone), not 'perhaps'"},
    {"service=log\nimage=log\nemergency=sometimes\n", SOS_ERR_INVALID_ARGS,
     "log.svc:3: emergency must be true or false (or stand alone), not 'sometimes'"},
    {"service=log\nimage=log\nrestart=sometimes\n", SOS_ERR_INVALID_ARGS,
     "log.svc:3: restart must be never, always[:N[:ms]], on-failure[:N[:ms]] or fail-stop, not "
     "'sometimes'"},
    {"service=log\nimage=log\nrestart=never:3\n", SOS_ERR_INVALID_ARGS,
     "log.svc:3: restart=never takes no count or backoff"},
    {"service=log\nimage=log\nrestart=on-failure:x\n", SOS_ERR_INVALID_ARGS,
     "log.svc:3: restart count 'x' is not a number from 0 to 1000"},
    {"service=log\nimage=log\nrestart=on-failure:1001\n", SOS_ERR_INVALID_ARGS,
     "log.svc:3: restart count '1001' is not a number from 0 to 1000"},
    {"service=log\nimage=log\nrestart=on-failure:3:-5\n", SOS_ERR_INVALID_ARGS,
     "log.svc:3: restart backoff '-5' is not a number of milliseconds up to 3600000"},
    {"service=log\nimage=log\nrestart=on-failure:3:5:7\n", SOS_ERR_INVALID_ARGS,
     "log.svc:3: restart 'on-failure:3:5:7' has too many ':' fields"},
    {"service=log\nimage=log\nrestart=on-failure:\n", SOS_ERR_INVALID_ARGS,
     "log.svc:3: restart 'on-failure:' ends with an empty field"},
    {"service=log\nimage=log\nready_timeout=0\n", SOS_ERR_INVALID_ARGS,
     "log.svc:3: ready_timeout '0' must be 1ms to 3600s, written as N, Nms or Ns"},
    {"service=log\nimage=log\nready_timeout=5m\n", SOS_ERR_INVALID_ARGS,
     "log.svc:3: ready_timeout '5m' must be 1ms to 3600s, written as N, Nms or Ns"},
    {"service=log\nimage=log\nready_timeout=3601s\n", SOS_ERR_INVALID_ARGS,
     "log.svc:3: ready_timeout '3601s' must be 1ms to 3600s, written as N, Nms or Ns"},
    {"service=log\nimage=log\nready_timeout=99999999999999999999\n", SOS_ERR_INVALID_ARGS, NULL},
    {"service=log\nimage=log\ndepends=config,,status\n", SOS_ERR_INVALID_ARGS,
     "log.svc:3: depends '' is invalid: use 1-31 of a-z, 0-9, '-', '_', starting with a letter"},
    {"service=log\nimage=log\ndepends=config\ndepends=status,config\n", SOS_ERR_ALREADY_EXISTS,
     "log.svc:4: depends 'config' listed twice (line 3)"},
    {"service=log\nimage=log\ngrant=config\n", SOS_ERR_INVALID_ARGS,
     "log.svc:3: grant 'config' needs rights: grant=<service>:<rights>, e.g. "
     "grant=log:send+wait"},
    {"service=log\nimage=log\ngrant=config:sned\n", SOS_ERR_INVALID_ARGS,
     "log.svc:3: grant: unknown right 'sned' (did you mean 'send'?)"},
    {"service=log\nimage=log\nlookup=config:everything\n", SOS_ERR_INVALID_ARGS,
     "log.svc:3: lookup: unknown right 'everything' (rights: read write map signal wait send "
     "receive duplicate transfer manage execute, joined with '+')"},
    {"service=log\nimage=log\ngrant=config:send+\n", SOS_ERR_INVALID_ARGS,
     "log.svc:3: grant: unknown right '' (rights: read write map signal wait send receive "
     "duplicate transfer manage execute, joined with '+')"},
    {"service=log\nimage=log\ngrant=config:send\ngrant=config:wait\n", SOS_ERR_ALREADY_EXISTS,
     "log.svc:4: grant for 'config' given twice (line 3)"},
    {"service=log\nimage=/bin/log\n", SOS_ERR_INVALID_ARGS,
     "log.svc:2: image is invalid: name '/bin/log' has an empty path component"},
    {"service=log\nimage=log\nresource=device/../secrets\n", SOS_ERR_INVALID_ARGS,
     "log.svc:3: resource is invalid: name 'device/../secrets' has a '.' or '..' component"},
    {"service=log\nimage=log\nresource=device/console\nresource=device/console\n",
     SOS_ERR_ALREADY_EXISTS, "log.svc:4: resource 'device/console' listed twice (line 3)"},
    {"service=log\nimage=log\ndescription=bell\a\n", SOS_ERR_INVALID_ARGS,
     "log.svc:3: description has a non-printable byte 0x07 at 4"},
    {"service=log\nimage=log\nprovides=a,b,c,d,e\n", SOS_ERR_NO_RESOURCES,
     "log.svc:3: too many provides names (limit 4)"},
};

static void test_malformed_lines(void **state)
{
    for (size_t i = 0; i < sizeof g_bad / sizeof g_bad[0]; i++) {
        struct errmsg err = {0};
        manifest_set_init(g_set);
        int rc = parse("log.svc", g_bad[i].text, &err);
        if (rc != g_bad[i].code || (g_bad[i].msg && strcmp(err.msg, g_bad[i].msg)))
            fail_msg("case %zu: got %d '%s', want %d '%s'", i, rc, err.msg, g_bad[i].code,
                     g_bad[i].msg ? g_bad[i].msg : "");
        assert_int_equal(g_set->count, 0);
    }
}

static void test_limits(void **state)
{
    struct errmsg err;
    size_t cap = 100000, n = 0;
    char *text = malloc(cap);
    for (int i = 0; i <= MANIFEST_MAX_SERVICES; i++)
        n += (size_t)snprintf(text + n, cap - n, "service=s%d\nimage=s%d\n", i, i);
    assert_int_equal(parse("many.svc", text, &err), SOS_ERR_NO_RESOURCES);
    assert_string_equal(err.msg, "many.svc:129: too many services (limit 64)");
    assert_int_equal(g_set->count, 0);

    n = (size_t)snprintf(text, cap, "service=a\nimage=a\ndepends=");
    for (int i = 0; i <= MANIFEST_MAX_DEPENDS; i++)
        n += (size_t)snprintf(text + n, cap - n, "%sd%d", i ? "," : "", i);
    text[n++] = '\n';
    text[n] = 0;
    assert_int_equal(parse("deps.svc", text, &err), SOS_ERR_NO_RESOURCES);
    assert_string_equal(err.msg, "deps.svc:3: too many depends names (limit 16)");

    memset(text, 'x', 600);
    memcpy(text, "service=a\ndescription=", 22);
    text[600] = 0;
    assert_int_equal(parse("long.svc", text, &err), SOS_ERR_INVALID_ARGS);
    assert_string_equal(err.msg, "long.svc:2: line is 590 bytes long (limit 511)");

    assert_int_equal(manifest_parse(g_set, "nul.svc", "service=a\nima\0ge=a\n", 19, &err),
                     SOS_ERR_INVALID_ARGS);
    assert_string_equal(err.msg, "nul.svc:2: NUL byte in manifest text");
    free(text);
}

static void test_failed_parse_leaves_set_alone(void **state)
{
    parse_ok("a.svc", "service=a\nimage=a\n");
    struct errmsg err;
    assert_int_equal(parse("b.svc", "service=b\nimage=b\nservice=c\nimage=c\nbogus=1\n", &err),
                     SOS_ERR_INVALID_ARGS);
    assert_int_equal(g_set->count, 1);
    assert_string_equal(g_set->svc[0].name, "a");
    parse_ok("b.svc", "service=b\nimage=b\n");
    assert_int_equal(g_set->count, 2);
}

/* ---- validation ------------------------------------------------------------------- */

static const char *const g_images[] = {"bin/a", "bin/b", "bin/c", "bin/d", "bin/log"};

static void expect_invalid(const char *text, int code, const char *msg)
{
    struct errmsg err = {0};
    manifest_set_init(g_set);
    parse_ok("set.svc", text);
    int rc = manifest_validate(g_set, g_images, 5, &err);
    if (rc != code || strcmp(err.msg, msg))
        fail_msg("got %d '%s', want %d '%s'", rc, err.msg, code, msg);
}

static void test_validation(void **state)
{
    expect_invalid("service=a\nimage=a\nservice=b\nimage=b\nservice=a\nimage=c\n",
                   SOS_ERR_ALREADY_EXISTS, "set.svc:5: duplicate service 'a' (first defined at "
                   "set.svc:1)");
    expect_invalid("service=a\nimage=bin/zz\n", SOS_ERR_NOT_FOUND,
                   "set.svc:2: service 'a': image 'bin/zz' is not in the bundle");
    expect_invalid("service=log\nimage=log\nservice=a\nimage=a\ndepends=lgo\n",
                   SOS_ERR_NOT_FOUND,
                   "set.svc:5: service 'a' depends on unknown service 'lgo' (did you mean "
                   "'log'?)");
    expect_invalid("service=a\nimage=a\ngrant=network:send\n", SOS_ERR_NOT_FOUND,
                   "set.svc:3: service 'a' is granted unknown service 'network'");
    expect_invalid("service=a\nimage=a\nlookup=b:send\n", SOS_ERR_NOT_FOUND,
                   "set.svc:3: service 'a' may look up unknown service 'b'");
    expect_invalid("service=a\nimage=a\nprovides=x\nservice=b\nimage=b\nprovides=y,x\n",
                   SOS_ERR_ALREADY_EXISTS,
                   "set.svc:6: endpoint 'x' is provided by both 'a' and 'b'");
    expect_invalid("service=a\nimage=a\ndepends=b\nservice=b\nimage=b\ndepends=c\n"
                   "service=c\nimage=c\ngrant=a:send\n",
                   SOS_ERR_BAD_STATE, "set.svc:1: cycle: a -> b -> c -> a");
    expect_invalid("service=d\nimage=d\nservice=a\nimage=a\ndepends=d,b\n"
                   "service=b\nimage=b\ndepends=d,b\n",
                   SOS_ERR_BAD_STATE, "set.svc:6: cycle: b -> b");
    expect_invalid("service=a\nimage=a\nservice=b\nimage=b\ngrant=c:send\n"
                   "service=c\nimage=c\ndepends=a,b\n",
                   SOS_ERR_BAD_STATE, "set.svc:3: cycle: b -> c -> b");

    expect_invalid("service=a\nimage=a\nlookup=rootmrg:read\n", SOS_ERR_NOT_FOUND,
                   "set.svc:3: service 'a' may look up unknown service 'rootmrg' (did you "
                   "mean 'rootmgr'?)");

    /* a lookup is resolved at run time: it makes no cycle; images = NULL skips images */
    struct errmsg err;
    manifest_set_init(g_set);
    parse_ok("ok.svc", "service=a\nimage=bin/nowhere\nlookup=b:send\n"
                       "service=b\nimage=b\ndepends=a\n");
    assert_int_equal(manifest_validate(g_set, NULL, 0, &err), 0);
    assert_int_equal(manifest_validate(g_set, g_images, 5, &err), SOS_ERR_NOT_FOUND);
}

/* ---- start waves ------------------------------------------------------------------- */

static void test_plan_waves(void **state)
{
    /* log <- config <- {console, status} <- shell; crashme alone; lookups order nothing */
    parse_ok("g.svc", "service=shell\nimage=a\ndepends=console\ngrant=status:send\n"
                      "service=status\nimage=a\ndepends=config\n"
                      "service=console\nimage=a\ngrant=config:send\nlookup=shell:send\n"
                      "service=crashme\nimage=a\nstartup=on-demand\n"
                      "service=config\nimage=a\ndepends=log\n"
                      "service=log\nimage=a\n");
    struct manifest_plan plan;
    struct errmsg err;
    assert_int_equal(manifest_plan(g_set, &plan, &err), 0);
    assert_int_equal(plan.count, 6);
    assert_int_equal(plan.n_waves, 4);
    const char *want[][3] = {{"crashme", "log"}, {"config"}, {"status", "console"}, {"shell"}};
    unsigned sizes[] = {2, 1, 2, 1};
    for (unsigned w = 0; w < 4; w++) {
        assert_int_equal(plan.wave_start[w + 1] - plan.wave_start[w], sizes[w]);
        for (unsigned k = 0; k < sizes[w]; k++) {
            unsigned idx = plan.order[plan.wave_start[w] + k];
            assert_string_equal(g_set->svc[idx].name, want[w][k]);
            assert_int_equal(plan.wave_of[idx], w);
        }
    }
}

/* The set validates (images unchecked) and plans into `waves` waves. */
static void plan_ok(struct manifest_plan *plan, unsigned waves)
{
    struct errmsg err = {0};
    if (manifest_validate(g_set, NULL, 0, &err) || manifest_plan(g_set, plan, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(plan->n_waves, waves);
}

static void test_root_manager_and_resources(void **state)
{
    /* the root manager is always there: a valid target that orders nothing */
    parse_ok("r.svc", "service=shell\nimage=a\nlookup=rootmgr:read+manage\n"
                      "grant=rootmgr:send\ndepends=rootmgr\n"
                      "resource=console\nresource=bundle:config/defaults.conf\n"
                      "resource=device/console\n");
    struct manifest_plan plan;
    struct errmsg err;
    plan_ok(&plan, 1);
    assert_int_equal(plan.wave_of[0], 0);
    assert_int_equal(g_set->svc[0].n_resources, 3);
    assert_string_equal(g_set->svc[0].resources[1], "bundle:config/defaults.conf");
    assert_int_equal(manifest_storage_resource(&g_set->svc[0]), -1);
    for (unsigned i = 0; i < 3; i++)
        assert_int_equal(g_set->svc[0].resource_dir[i], 0);
    struct {
        const char *value, *msg;
    } bad[] = {
        {"Bundle:x", "b.svc:3: resource 'Bundle:x': the part before ':' must be a lowercase word"},
        {":x", "b.svc:3: resource ':x': the part before ':' must be a lowercase word"},
        {"bundle:", "b.svc:3: resource is invalid: empty name"},
        {"bundle:a:b", "b.svc:3: resource is invalid: name 'a:b' has invalid character 0x3a at 1"},
        {"bundle:/etc", "b.svc:3: resource is invalid: name '/etc' has an empty path component"},
    };
    char text[200];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, "service=b\nimage=b\nresource=%s\n", bad[i].value);
        assert_int_equal(parse("b.svc", text, &err), SOS_ERR_INVALID_ARGS);
        assert_string_equal(err.msg, bad[i].msg);
    }
}

/* ---- storage/<path> resources ----------------------------------------------------- */

static void test_storage_resources(void **state)
{
    parse_ok("app.svc", "service=app\nimage=a\nresource=storage/home/app\n"
                        "resource = storage/data/x:read+enumerate\nresource=storage/tmp:write\n"
                        "resource=storage/a.b_c-d+e/F9\n");
    const struct manifest *m = &g_set->svc[0];
    assert_int_equal(m->n_resources, 4);
    assert_string_equal(m->resources[0], "storage/home/app");
    assert_int_equal(m->resource_dir[0], MANIFEST_DIR_ALL);
    assert_int_equal(m->resource_line[0], 3);
    assert_string_equal(m->resources[1], "storage/data/x"); /* the handle's name */
    assert_int_equal(m->resource_dir[1], MANIFEST_DIR_READ | MANIFEST_DIR_ENUMERATE);
    assert_int_equal(m->resource_dir[2], MANIFEST_DIR_WRITE);
    assert_string_equal(m->resources[3], "storage/a.b_c-d+e/F9");
    assert_int_equal(m->resource_dir[3], MANIFEST_DIR_ALL);
    assert_int_equal(manifest_storage_resource(m), 0);
    /* handle names must fit SOS_HANDLE_NAME_MAX: 23 bytes is the limit */
    parse_ok("len.svc", "service=len\nimage=a\nresource=storage/abcdefghijklmno\n");
    assert_int_equal(g_set->svc[1].resource_dir[0], MANIFEST_DIR_ALL);
    assert_int_equal(strlen(g_set->svc[1].resources[0]), MANIFEST_HANDLE_NAME_MAX);
    /* "storagex/y" is an ordinary path, not storage */
    parse_ok("nx.svc", "service=nx\nimage=a\nresource=storagex/y\n");
    assert_int_equal(manifest_storage_resource(&g_set->svc[2]), -1);

    struct {
        const char *value, *msg;
    } bad[] = {
        {"storage", "s.svc:3: resource 'storage' names no directory: write "
                    "storage/<path>[:<rights>], e.g. storage/home/app:read"},
        {"storage/", "s.svc:3: resource 'storage/' names no directory: write "
                     "storage/<path>[:<rights>], e.g. storage/home/app:read"},
        {"storage:read", "s.svc:3: resource 'storage:read' names no directory: write "
                         "storage/<path>[:<rights>], e.g. storage/home/app:read"},
        {"storage/:read", "s.svc:3: resource 'storage/:read' names no directory: write "
                          "storage/<path>[:<rights>], e.g. storage/home/app:read"},
        {"storage/..", "s.svc:3: resource is invalid: name '..' has a '.' or '..' component"},
        {"storage/home/../boot",
         "s.svc:3: resource is invalid: name 'home/../boot' has a '.' or '..' component"},
        {"storage/./home", "s.svc:3: resource is invalid: name './home' has a '.' or '..' "
                           "component"},
        {"storage//home", "s.svc:3: resource is invalid: name '/home' has an empty path "
                          "component"},
        {"storage/home//app", "s.svc:3: resource is invalid: name 'home//app' has an empty "
                              "path component"},
        {"storage/home/", "s.svc:3: resource is invalid: name 'home/' has an empty path "
                          "component"},
        {"storage/home/a b", "s.svc:3: resource is invalid: name 'home/a b' has invalid "
                             "character 0x20 at 6"},
        {"storage/ho\\me", "s.svc:3: resource is invalid: name 'ho\\x5cme' has invalid "
                           "character 0x5c at 2"},
        {"storage/h\xffme", "s.svc:3: resource is invalid: name 'h\\xffme' has invalid "
                           "character 0xff at 1"},
        {"storage/boot", "s.svc:3: resource 'storage/boot': /boot is the read-only boot "
                         "store, not a storage directory (use bootstore or bundle:<entry>)"},
        {"storage/boot/bin:read", "s.svc:3: resource 'storage/boot/bin:read': /boot is the "
                                  "read-only boot store, not a storage directory (use "
                                  "bootstore or bundle:<entry>)"},
        {"storage/abcdefghijklmnop", "s.svc:3: resource 'storage/abcdefghijklmnop': a storage "
                                     "resource names its startup handle, so storage/<path> is "
                                     "at most 23 bytes"},
        {"storage/home/app:", "s.svc:3: resource 'storage/home/app:' has no rights after ':' "
                              "(directory rights: enumerate read write create delete, joined "
                              "with '+')"},
        {"storage/home/app:rad", "s.svc:3: resource: unknown right 'rad' (did you mean 'read'?)"},
        {"storage/home/app:send", "s.svc:3: resource: unknown right 'send' (directory rights: "
                                  "enumerate read write create delete, joined with '+')"},
        {"storage/home/app:read+", "s.svc:3: resource: unknown right '' (directory rights: "
                                   "enumerate read write create delete, joined with '+')"},
        {"storage/home/app:+", "s.svc:3: resource: unknown right '' (directory rights: "
                               "enumerate read write create delete, joined with '+')"},
        {"storage/home/app:read:write", "s.svc:3: resource: unknown right 'read:write' "
                                        "(directory rights: enumerate read write create delete, "
                                        "joined with '+')"},
        {"storage/home/app:creat", "s.svc:3: resource: unknown right 'creat' (did you mean "
                                   "'create'?)"},
        {"storage/home/app:manage", "s.svc:3: resource: unknown right 'manage' (directory "
                                    "rights: enumerate read write create delete, joined with "
                                    "'+')"},
    };
    char text[200];
    struct errmsg err;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        manifest_set_init(g_set);
        snprintf(text, sizeof text, "service=s\nimage=s\nresource=%s\n", bad[i].value);
        int rc = parse("s.svc", text, &err);
        if (rc != SOS_ERR_INVALID_ARGS || strcmp(err.msg, bad[i].msg))
            fail_msg("case %zu (%s): got %d '%s', want '%s'", i, bad[i].value, rc, err.msg,
                     bad[i].msg);
        assert_int_equal(g_set->count, 0);
    }
    /* one handle name, twice: with and without rights */
    manifest_set_init(g_set);
    assert_int_equal(parse("s.svc", "service=s\nimage=s\nresource=storage/home/app\n"
                                    "resource=storage/home/app:read\n", &err),
                     SOS_ERR_ALREADY_EXISTS);
    assert_string_equal(err.msg, "s.svc:4: resource 'storage/home/app' listed twice (line 3)");
}

static void test_storage_order(void **state)
{
    /* a storage resource orders its service after storage, like depends=storage */
    parse_ok("o.svc", "service=app\nimage=a\nresource=storage/home/app:read\n"
                      "service=log\nimage=a\ngrant=storage:read\n"
                      "service=storage\nimage=a\nresource=block0\n"
                      "service=late\nimage=a\ndepends=app\n");
    struct manifest_plan plan;
    struct errmsg err;
    plan_ok(&plan, 3);
    assert_int_equal(plan.wave_of[2], 0); /* storage */
    assert_int_equal(plan.wave_of[0], 1); /* app */
    assert_int_equal(plan.wave_of[1], 1); /* log */
    assert_int_equal(plan.wave_of[3], 2); /* late */

    /* a set without storage is refused, at the resource's line */
    expect_invalid("service=a\nimage=a\nresource=console\nresource=storage/home/a:read\n",
                   SOS_ERR_NOT_FOUND, "set.svc:4: service 'a' has resource 'storage/home/a', but "
                   "there is no service 'storage' to open it");
    manifest_set_init(g_set);
    parse_ok("set.svc", "service=a\nimage=a\nresource=storage/home/a\n");
    assert_int_equal(manifest_plan(g_set, &plan, &err), SOS_ERR_NOT_FOUND);
    assert_string_equal(err.msg, "set.svc:3: service 'a' has resource 'storage/home/a', but "
                                 "there is no service 'storage' to open it");
    /* storage cannot be given a directory of itself, nor need what needs it */
    expect_invalid("service=storage\nimage=a\nresource=storage/x\n", SOS_ERR_BAD_STATE,
                   "set.svc:1: cycle: storage -> storage");
    expect_invalid("service=storage\nimage=a\ndepends=b\nservice=b\nimage=b\n"
                   "resource=storage/home/b\n",
                   SOS_ERR_BAD_STATE, "set.svc:1: cycle: storage -> b -> storage");
}

static void test_plan_long_chain_and_empty(void **state)
{
    struct manifest_plan plan;
    struct errmsg err;
    assert_int_equal(manifest_plan(g_set, &plan, &err), 0);
    assert_int_equal(plan.n_waves, 0);
    char text[200];
    for (int i = 0; i < MANIFEST_MAX_SERVICES; i++) {
        if (i)
            snprintf(text, sizeof text, "service=s%d\nimage=a\ndepends=s%d\n", i, i - 1);
        else
            snprintf(text, sizeof text, "service=s0\nimage=a\n");
        parse_ok("chain.svc", text);
    }
    assert_int_equal(manifest_plan(g_set, &plan, &err), 0);
    assert_int_equal(plan.n_waves, MANIFEST_MAX_SERVICES);
    for (int i = 0; i < MANIFEST_MAX_SERVICES; i++)
        assert_int_equal(plan.wave_of[i], i);
    /* close the chain: the cycle names all 64 (the message is cut to fit) */
    manifest_set_init(g_set);
    for (int i = 0; i < MANIFEST_MAX_SERVICES; i++) {
        snprintf(text, sizeof text, "service=s%d\nimage=a\ndepends=s%d\n", i,
                 (i + MANIFEST_MAX_SERVICES - 1) % MANIFEST_MAX_SERVICES);
        parse_ok("ring.svc", text);
    }
    assert_int_equal(manifest_plan(g_set, &plan, &err), SOS_ERR_BAD_STATE);
    assert_non_null(strstr(err.msg, "ring.svc:1: cycle: s0 -> s63 -> s62 -> "));
}

static void test_rights_and_names(void **state)
{
    char buf[128];
    assert_string_equal(manifest_rights_format(SOS_RIGHT_SEND | SOS_RIGHT_WAIT, buf, sizeof buf),
                        "wait+send");
    assert_string_equal(manifest_rights_format(0, buf, sizeof buf), "none");
    assert_string_equal(manifest_rights_format(SOS_RIGHTS_ALL, buf, 12), "read+write+");
    assert_string_equal(manifest_restart_name(MANIFEST_RESTART_FAIL_STOP), "fail-stop");
    assert_string_equal(manifest_startup_name(MANIFEST_STARTUP_ON_DEMAND), "on-demand");
    assert_string_equal(manifest_availability_name(MANIFEST_OPTIONAL), "optional");
    assert_string_equal(manifest_restart_name(9), "?");
}

/* ---- random text: every outcome is a parse or a located error --------------------- */

static void test_random_text(void **state)
{
    static const char *const pieces[] = {
        "service=", "image=", "depends=", "grant=", "lookup=", "restart=", "critical",
        "ready_timeout=", "on-failure:", "a", "b", "log", ":", ",", "+", "send", "wait",
        "\n", "\n", "\n", "#", " ", "=", "9", "s", "bin/", "..", "/", "\r", "provides=",
        "resource=", "startup=", "eager", "availability=", "optional", "\xff", "\0",
        "storage/", "storage", "home", "resource=storage/a", ":read+create", "delete",
    };
    char text[400];
    uint32_t x = 99;
    struct manifest_plan plan;
    for (int round = 0; round < 20000; round++) {
        size_t n = 0;
        while (n < 300) {
            x = x * 1664525u + 1013904223u;
            const char *p = pieces[(x >> 8) % (sizeof pieces / sizeof pieces[0])];
            size_t len = *p ? strlen(p) : 1;
            memcpy(text + n, p, len);
            n += len;
        }
        struct errmsg err = {0};
        manifest_set_init(g_set);
        int rc = manifest_parse(g_set, "r.svc", text, n, &err);
        if (rc) {
            assert_true(rc < 0);
            assert_non_null(strstr(err.msg, "r.svc:"));
            continue;
        }
        rc = manifest_validate(g_set, NULL, 0, &err);
        assert_true(rc <= 0);
        if (!rc)
            assert_int_equal(manifest_plan(g_set, &plan, &err), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_every_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_defaults_and_short_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_several_services_crlf_and_comments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restart_and_timeouts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_parse_leaves_set_alone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_waves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_root_manager_and_resources, setup, teardown),
        cmocka_unit_test_setup_teardown(test_storage_resources, setup, teardown),
        cmocka_unit_test_setup_teardown(test_storage_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_long_chain_and_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rights_and_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_text, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
