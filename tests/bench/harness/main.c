/*
 * tests/bench/harness/main.c - serviceos-bench: options, the rounds, the checks.
 *
 * A round is: the benchmark image on one vCPU (everything), on two vCPUs (the IPC and
 * switch benchmarks), then the Linux baselines (sized from the image's object sizes).
 * After the rounds the full service graph boots boot_runs times. Then the table and the
 * JSON copy. Every figure is also checked for sanity (it exists, median > 0,
 * min <= median <= p99 <= max, under a second); with --tap each check is a TAP line,
 * which is what the smoke test (--quick --tap) runs on.
 *
 * Layer: tests/bench (host program).
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static const char *g_usage =
    "usage: serviceos-bench [--quick] [--tap] [--rounds N] [--boots N] [--no-boot]\n"
    "                       [--sim PATH] [--image PATH] [--bootstore FILE] [--json FILE]\n"
    "                       [--qemu x86_64|aarch64]... [--qemu-samples N] [--source DIR]\n"
    "                       [--x86_64-build DIR] [--aarch64-build DIR]\n"
    "\n"
    "Run the ServiceOS benchmark image in the simulator (one vCPU, then two) and the\n"
    "Linux baselines in this process, round after round; boot the full service graph for\n"
    "boot time and peak RSS; print the table (ours, baseline, ratio, target) and write\n"
    "a JSON copy (default: bench-results.json beside this program).\n"
    "\n"
    "  --quick      few samples and one round: checks that everything runs (smoke test)\n"
    "  --tap        TAP output (one line per check), the table as comments\n"
    "  --rounds N   rounds of image runs and baselines (default 3)\n"
    "  --boots N    full-graph boots (default 10; quick 2)\n"
    "  --no-boot    skip the full-graph boots\n"
    "  --sim PATH   serviceos-sim (default: ../../sim/serviceos-sim beside this program)\n"
    "  --image PATH the benchmark image (default: bench beside this program)\n"
    "  --bootstore FILE  the boot store for the full-graph boots (default: the sim's)\n"
    "  --json FILE  where the machine-readable copy goes\n"
    "  --qemu ARCH  also run the image under QEMU (TCG: figures of their own, no ratios),\n"
    "               (x86_64 with 1 and 2 CPUs; aarch64 with one, and the whole graph in\n"
    "               32 MiB)\n"
    "  --qemu-samples N  samples a benchmark under QEMU (default 100; quick 20)\n"
    "  --source DIR      the source tree, for image/<arch>/run.sh (default: this build's)\n"
    "  --x86_64-build DIR   the build with hal-x86_64 (default: this program's build)\n"
    "  --aarch64-build DIR  the aarch64 cross build (default: $SOS_AARCH64_BUILD or\n"
    "                    SOURCE/build-aarch64; configured and built when missing)\n"
    "\n"
    "Exit status: 0 when every benchmark ran and gave sane figures (missed targets are\n"
    "reported in the table, not in the status), 1 otherwise, 2 for bad usage.\n";

/* The IPC and switch benchmarks, again with two vCPUs. */
#define CPUS2_ONLY "ipc_call_64,ipc_pingpong_64,ipc_pingpong_64_busy,ipc_stream_4k,yield_switch"

/* ---- results */

struct h_result *h_add(struct h_results *rs, const char *name)
{
    if (rs->n == H_MAX_RESULTS)
        return NULL;
    struct h_result *r = &rs->r[rs->n++];
    memset(r, 0, sizeof(*r));
    snprintf(r->name, sizeof(r->name), "%s", name);
    return r;
}

const struct h_result *h_find(const struct h_results *rs, const char *name)
{
    for (unsigned i = 0; i < rs->n; i++)
        if (!strcmp(rs->r[i].name, name))
            return &rs->r[i];
    return NULL;
}

double h_extra_num(const struct h_result *r, const char *key, double def)
{
    size_t kl = strlen(key);
    for (const char *p = r->extra; (p = strstr(p, key)); p += kl)
        if ((p == r->extra || p[-1] == ' ') && p[kl] == '=')
            return atof(p + kl + 1);
    return def;
}

/* ---- checks */

static unsigned g_tap_n, g_bad;

static void check(const struct h_cfg *c, bool ok, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    g_bad += !ok;
    if (c->tap)
        printf("%sok %u - %s\n", ok ? "" : "not ", ++g_tap_n, what);
    else if (!ok)
        fprintf(stderr, "serviceos-bench: check failed: %s\n", what);
}

static void check_results(const struct h_cfg *c, const struct h_results *rs, const char *where)
{
    for (unsigned i = 0; i < rs->n; i++) {
        const struct h_result *r = &rs->r[i];
        if (strstr(r->name, "info"))
            continue;
        if (r->skipped) {
            if (c->tap)
                printf("ok %u - %s %s # SKIP %s\n", ++g_tap_n, where, r->name, r->extra);
        } else if (r->error) {
            check(c, false, "%s %s: %s", where, r->name, r->extra);
        } else if (r->timing) {
            bool sane = r->median > 0 && r->min <= r->median && r->median <= r->p99 &&
                        r->p99 <= r->max && r->median < 1e9 && r->samples > 0;
            check(c, sane, "%s %s: median %.2f p99 %.2f %s (%u samples)", where, r->name,
                  r->median, r->p99, r->unit, r->samples);
        } else {
            check(c, r->value > 0, "%s %s: %.0f %s", where, r->name, r->value, r->unit);
        }
    }
}

static void need(const struct h_cfg *c, const struct h_results *rs, const char *name,
                 const char *where)
{
    check(c, h_find(rs, name) != NULL, "%s: %s was measured", where, name);
}

/* ---- paths */

static char g_dir[PATH_MAX];

static const char *beside(const char *rel)
{
    size_t n = strlen(g_dir) + strlen(rel) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", g_dir, rel);
    return p;
}

static int parse(int argc, char **argv, struct h_cfg *c)
{
    ssize_t n = readlink("/proc/self/exe", g_dir, sizeof(g_dir) - 1);
    g_dir[n > 0 ? n : 0] = 0;
    char *slash = strrchr(g_dir, '/');
    if (slash)
        *slash = 0;
    *c = (struct h_cfg){.rounds = 3, .boot_runs = 10};
    bool boots_set = false, rounds_set = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--quick")) {
            c->quick = true;
        } else if (!strcmp(a, "--tap")) {
            c->tap = true;
        } else if (!strcmp(a, "--no-boot")) {
            c->no_boot = true;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(g_usage, stdout);
            exit(0);
        } else if (v && (!strcmp(a, "--rounds") || !strcmp(a, "--boots"))) {
            int x = atoi(v);
            if (x < 1 || x > 60) {
                fprintf(stderr, "serviceos-bench: %s takes 1..60\n", a);
                return 2;
            }
            if (a[2] == 'r')
                c->rounds = (unsigned)x, rounds_set = true;
            else
                c->boot_runs = (unsigned)x, boots_set = true;
            i++;
        } else if (v && !strcmp(a, "--sim")) {
            c->sim = argv[++i];
        } else if (v && !strcmp(a, "--image")) {
            c->image = argv[++i];
        } else if (v && !strcmp(a, "--bootstore")) {
            c->bootstore = argv[++i];
        } else if (v && !strcmp(a, "--json")) {
            c->json = argv[++i];
        } else if (v && !strcmp(a, "--qemu")) {
            if ((strcmp(v, "x86_64") && strcmp(v, "aarch64")) || c->nqemu == 2) {
                fprintf(stderr, "serviceos-bench: --qemu takes x86_64 or aarch64\n");
                return 2;
            }
            c->qemu[c->nqemu++] = argv[++i];
        } else if (v && !strcmp(a, "--qemu-samples")) {
            c->qemu_samples = (unsigned)atoi(argv[++i]);
        } else if (v && !strcmp(a, "--source")) {
            c->source = argv[++i];
        } else if (v && !strcmp(a, "--x86_64-build")) {
            c->build_x86_64 = argv[++i];
        } else if (v && !strcmp(a, "--aarch64-build")) {
            c->build_aarch64 = argv[++i];
        } else {
            fprintf(stderr, "serviceos-bench: unknown option '%s'\n%s", a, g_usage);
            return 2;
        }
    }
    if (c->quick) {
        c->rounds = rounds_set ? c->rounds : 1;
        c->boot_runs = boots_set ? c->boot_runs : 2;
    }
    c->sim = c->sim ? c->sim : beside("../../sim/serviceos-sim");
    c->source = c->source ? c->source : SOS_SOURCE_ROOT;
    c->build_x86_64 = c->build_x86_64 ? c->build_x86_64 : beside("../..");
    if (!c->build_aarch64) {
        const char *e = getenv("SOS_AARCH64_BUILD");
        char *p = malloc(PATH_MAX);
        if (p)
            snprintf(p, PATH_MAX, "%s%s%s", e && e[0] == '/' ? "" : c->source,
                     e && e[0] == '/' ? "" : "/", e ? e : "build-aarch64");
        c->build_aarch64 = p;
    }
    if (!c->qemu_samples)
        c->qemu_samples = c->quick ? 20 : 100;
    c->image = c->image ? c->image : beside("bench");
    c->json = c->json ? c->json : beside(c->quick ? "bench-smoke.json" : "bench-results.json");
    c->log = beside(c->quick ? "bench-smoke-transcript.log" : "bench-transcript.log");
    if (access(c->sim, X_OK) || access(c->image, R_OK)) {
        fprintf(stderr, "serviceos-bench: cannot find %s or %s (see --help)\n", c->sim, c->image);
        return 2;
    }
    return 0;
}

/* The aarch64 cross build: configured and the kernel built by run.sh, then the image. */
static int prepare_aarch64(const struct h_cfg *c)
{
    char cmd[3 * PATH_MAX];
    snprintf(cmd, sizeof(cmd), "SOS_AARCH64_BUILD='%s' '%s/image/aarch64/run.sh' --build-only "
             ">/dev/null && ninja -C '%s' tests/bench/bench >/dev/null",
             c->build_aarch64, c->source, c->build_aarch64);
    return system(cmd) == 0 ? 0 : -1;
}

static size_t obj_size(const struct h_results *rs, const char *name)
{
    const struct h_result *r = h_find(rs, name);
    return r ? (size_t)r->value : 0;
}

int main(int argc, char **argv)
{
    static struct h_cfg c;
    int rc = parse(argc, argv, &c);
    if (rc)
        return rc;
    FILE *log = fopen(c.log, "w"); /* start the transcript afresh */
    if (log)
        fclose(log);
    setvbuf(stdout, NULL, _IOLBF, 0);
    static struct h_results rounds[60], boot;
    for (unsigned i = 0; i < c.rounds; i++) {
        struct h_results *rs = &rounds[i];
        h_printf(&c, "round %u/%u: the image on 1 vCPU, on 2 vCPUs, the Linux baselines\n",
                 i + 1, c.rounds);
        check(&c, h_run_image(&c, 1, NULL, "", rs) == 0, "round %u: image run, --cpus 1", i + 1);
        check(&c, h_run_image(&c, 2, CPUS2_ONLY, "cpus2/", rs) == 0,
              "round %u: image run, --cpus 2", i + 1);
        struct h_sizes sz = {obj_size(rs, "mem.object_bytes.event"),
                             obj_size(rs, "mem.object_bytes.channel"),
                             obj_size(rs, "mem.object_bytes.vmo")};
        check(&c, sz.event && sz.channel && sz.vmo, "round %u: object sizes from the image",
              i + 1);
        h_baselines(&c, &sz, rs);
        char where[32];
        snprintf(where, sizeof(where), "round %u:", i + 1);
        check_results(&c, rs, where);
    }
    if (!c.no_boot) {
        h_printf(&c, "full-graph boots: %u\n", c.boot_runs);
        check(&c, h_run_boots(&c, &boot) == 0, "every full-graph boot reached the prompt, "
              "all services ready, and powered off with 0");
        check_results(&c, &boot, "boot:");
        need(&c, &boot, "boot.sim_start_to_prompt", "boot");
        need(&c, &boot, "boot.core_to_all_ready", "boot");
        need(&c, &boot, "mem.sim_peak_rss", "boot");
    }
    static struct h_results qemu;
    for (unsigned i = 0; i < c.nqemu; i++) {
        h_printf(&c, "QEMU %s: %s\n", c.qemu[i], strcmp(c.qemu[i], "aarch64")
                 ? "the image with 1 and 2 CPUs" : "the image (1 CPU), the graph in 32 MiB");
        if (!strcmp(c.qemu[i], "aarch64") && prepare_aarch64(&c)) {
            check(&c, false, "QEMU aarch64: the cross build with the benchmark image");
            continue;
        }
        check(&c, h_run_qemu(&c, c.qemu[i], &qemu) == 0, "QEMU %s: every run finished",
              c.qemu[i]);
    }
    if (c.nqemu)
        check_results(&c, &qemu, "qemu:");
    static const char *must[] = {"null_syscall", "ipc_call_64", "ipc_pingpong_64",
        "ipc_handles_8", "ipc_stream_4k", "ipc_stream_64k", "yield_switch", "obj_event",
        "obj_channel", "obj_vmo", "cpus2/ipc_call_64", "cpus2/ipc_pingpong_64",
        "cpus2/ipc_pingpong_64_busy",
        "ipc_call_64_deadline", "part_write_read_64", "part_wait_ready",
        "mem.frames_in_use", "host_getpid", "host_pipe_pingpong_64", "host_futex_pingpong",
        "host_pipe_stream_4k", "host_futex_handoff_1cpu", "host_malloc_free_event",
        "host_scm_rights_8"};
    for (unsigned i = 0; i < sizeof(must) / sizeof(must[0]) && c.rounds; i++)
        need(&c, &rounds[0], must[i], "round 1");
    h_report(&c, rounds, c.rounds, c.no_boot ? NULL : &boot, c.nqemu ? &qemu : NULL);
    if (c.tap)
        printf("1..%u\n", g_tap_n);
    return g_bad ? 1 : 0;
}
