/*
 * tests/bench/harness/runs.c - what the harness boots: the benchmark image, and the
 * full service graph (boot time, the root manager's records, memory, peak RSS).
 *
 * Layer: tests/bench (host program).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define IMAGE_TIMEOUT_S 180
#define BOOT_TIMEOUT_S 20

/* ---- the image's lines */

static void parse_bench(char *rest, const char *prefix, struct h_result *r)
{
    char *save = NULL;
    for (char *tok = strtok_r(rest, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq)
            continue;
        *eq = 0;
        const char *k = tok, *v = eq + 1;
        if (!strcmp(k, "name"))
            snprintf(r->name, sizeof(r->name), "%s%s", prefix, v);
        else if (!strcmp(k, "unit"))
            snprintf(r->unit, sizeof(r->unit), "%s", v);
        else if (!strcmp(k, "median"))
            r->median = atof(v), r->timing = true;
        else if (!strcmp(k, "p99"))
            r->p99 = atof(v);
        else if (!strcmp(k, "min"))
            r->min = atof(v);
        else if (!strcmp(k, "max"))
            r->max = atof(v);
        else if (!strcmp(k, "samples"))
            r->samples = (unsigned)atoi(v);
        else if (!strcmp(k, "batch"))
            r->batch = (unsigned)atoi(v);
        else if (!strcmp(k, "value"))
            r->value = atof(v);
        else if (!strcmp(k, "status")) {
            r->skipped = !strcmp(v, "skipped");
            r->error = strcmp(v, "ok") && !r->skipped;
        }
        else if (!strcmp(k, "reason")) { /* the rest of the line */
            size_t len = strlen(r->extra);
            snprintf(r->extra + len, sizeof(r->extra) - len, "%sreason=%s%s%s",
                     len ? " " : "", v, save && *save ? " " : "", save ? save : "");
            return;
        } else {
            size_t len = strlen(r->extra);
            snprintf(r->extra + len, sizeof(r->extra) - len, "%s%s=%s", len ? " " : "", k, v);
        }
    }
}

int h_run_image(const struct h_cfg *c, unsigned cpus, const char *only, const char *prefix,
                struct h_results *out)
{
    char ncpus[8], onlyarg[256];
    snprintf(ncpus, sizeof(ncpus), "%u", cpus);
    snprintf(onlyarg, sizeof(onlyarg), "only=%s", only ? only : "");
    char *argv[12] = {(char *)c->sim, "--headless", "--cpus", ncpus, "--init", (char *)c->image};
    int a = 6;
    if (c->quick)
        argv[a++] = "quick";
    if (only)
        argv[a++] = onlyarg;
    argv[a] = NULL;
    char what[32];
    snprintf(what, sizeof(what), "the image run (--cpus %u)", cpus);
    return h_run_image_argv(c, argv, prefix, what, IMAGE_TIMEOUT_S, out);
}

int h_run_image_argv(const struct h_cfg *c, char *const argv[], const char *prefix,
                     const char *what, unsigned timeout_s, struct h_results *out)
{
    FILE *log = c->log ? fopen(c->log, "a") : NULL;
    struct h_sim s;
    if (h_sim_start(&s, argv, log)) {
        if (log)
            fclose(log);
        return -1;
    }
    int64_t deadline = h_now() + (int64_t)timeout_s * 1000000000;
    char line[1024];
    struct h_threads before = {0}, after;
    bool done = false;
    int got;
    while ((got = h_sim_line(&s, line, sizeof(line), NULL, deadline)) > 0) {
        if (!strncmp(line, "BENCH-BEGIN ", 12)) {
            h_threads_snap(s.pid, &before);
        } else if (!strncmp(line, "BENCH-DONE ", 11)) {
            done = strstr(line, " failed=0") != NULL;
        } else if (!strncmp(line, "BENCH-INFO ", 11)) {
            struct h_result *r = h_add(out, "");
            if (r) {
                snprintf(r->name, sizeof(r->name), "%sinfo", prefix);
                snprintf(r->extra, sizeof(r->extra), "%.250s", line + 11);
            }
        } else if (!strncmp(line, "BENCH ", 6)) {
            h_threads_snap(s.pid, &after);
            struct h_result *r = h_add(out, "");
            if (!r)
                continue;
            parse_bench(line + 6, prefix, r);
            if (r->timing && before.n && argv[0] == c->sim) { /* QEMU: no vCPU threads here */
                char busy[64];
                h_threads_busy(&before, &after, busy, sizeof(busy));
                size_t len = strlen(r->extra);
                snprintf(r->extra + len, sizeof(r->extra) - len, "%s%s", len ? " " : "", busy);
            }
            before.n = 0;
        }
    }
    h_sim_wait(&s, deadline + 5000000000);
    if (log)
        fclose(log);
    struct h_result *rss = h_add(out, "");
    if (rss) { /* after every benchmark: what the traffic left resident */
        snprintf(rss->name, sizeof(rss->name), "%smem.peak_rss_image_run", prefix);
        snprintf(rss->unit, sizeof(rss->unit), "KiB");
        rss->value = (double)s.ru.ru_maxrss;
    }
    if (got < 0 || !done || s.status != 0) {
        fprintf(stderr, "serviceos-bench: %s %s (exit status %d)\n", what,
                got < 0 ? "timed out" : !done ? "did not finish" : "reported failures", s.status);
        return -1;
    }
    return 0;
}

/* ---- full-graph boots */

#define MAX_BOOTS 64
#define MAX_SVCS 16

struct boot_vals {
    double v[MAX_BOOTS];
    unsigned n;
};

struct boot_set {
    struct boot_vals prompt, core_rm, rm_ready, core_ready, rss, used, heap;
    char svc[MAX_SVCS][32];
    struct boot_vals svc_ready[MAX_SVCS];
    unsigned nsvc;
    unsigned failed;
};

static void put(struct boot_vals *b, double v)
{
    if (b->n < MAX_BOOTS)
        b->v[b->n++] = v;
}

static void summary(struct h_results *out, const char *name, const char *unit,
                    struct boot_vals *b)
{
    if (!b->n)
        return;
    struct h_result *r = h_add(out, name);
    if (!r)
        return;
    int64_t v[MAX_BOOTS];
    for (unsigned i = 0; i < b->n; i++)
        v[i] = (int64_t)(b->v[i] * 1000.0 + 0.5);
    struct bs_summary s;
    bs_summarize(v, b->n, &s);
    snprintf(r->unit, sizeof(r->unit), "%s", unit);
    r->timing = true;
    r->median = s.median / 1000.0;
    r->p99 = s.p99 / 1000.0;
    r->min = s.min / 1000.0;
    r->max = s.max / 1000.0;
    r->samples = b->n;
    r->batch = 1;
}

static void svc_ready(struct boot_set *bs, const char *name, double ms)
{
    unsigned i;
    for (i = 0; i < bs->nsvc && strcmp(bs->svc[i], name); i++) {
    }
    if (i == bs->nsvc) {
        if (bs->nsvc == MAX_SVCS)
            return;
        snprintf(bs->svc[bs->nsvc++], sizeof(bs->svc[0]), "%s", name);
    }
    put(&bs->svc_ready[i], ms);
}

/* One boot: prompt time, then "logs" for the root manager's records, "mem", poweroff. */
static int boot_once(const struct h_cfg *c, struct boot_set *bs, FILE *log)
{
    char *argv[6] = {(char *)c->sim, "--headless", NULL, NULL, NULL};
    if (c->bootstore) {
        argv[2] = "--bootstore";
        argv[3] = (char *)c->bootstore;
    }
    struct h_sim s;
    if (h_sim_start(&s, argv, log))
        return -1;
    int64_t deadline = s.t_start + (int64_t)BOOT_TIMEOUT_S * 1000000000;
    char line[1024];
    int got;
    while ((got = h_sim_line(&s, line, sizeof(line), "serviceos> ", deadline)) == 1) {
    }
    double prompt_ms = (double)(h_now() - s.t_start) / 1e6;
    bool ready = false, mem = false;
    for (int tries = 0; got == 2 && tries < 20 && !ready; tries++) {
        h_sim_send(&s, "logs 64\n");
        while ((got = h_sim_line(&s, line, sizeof(line), "serviceos> ", deadline)) == 1) {
            unsigned n;
            long long after_boot, after_rm, us;
            char name[32];
            if (sscanf(line, "%*s %*s %*s rootmgr all %u services ready: %lld us after boot, "
                       "%lld us after the root manager", &n, &after_boot, &after_rm) == 3) {
                put(&bs->core_ready, after_boot / 1000.0);
                put(&bs->rm_ready, after_rm / 1000.0);
                put(&bs->core_rm, (after_boot - after_rm) / 1000.0);
                ready = true;
            } else if (sscanf(line, "%*s %*s %*s rootmgr %31s ready in %lld us", name, &us) == 2) {
                svc_ready(bs, name, us / 1000.0);
            }
        }
    }
    if (got == 2) {
        h_sim_send(&s, "mem\n");
        while ((got = h_sim_line(&s, line, sizeof(line), "serviceos> ", deadline)) == 1) {
            unsigned long long total, freek, heap;
            if (sscanf(line, "memory total %llu KiB free %llu KiB kernel heap %llu KiB", &total,
                       &freek, &heap) == 3) {
                put(&bs->used, (double)(total - freek));
                put(&bs->heap, (double)heap);
                mem = true;
            }
        }
    }
    if (got == 2)
        h_sim_send(&s, "poweroff\n");
    while (h_sim_line(&s, line, sizeof(line), NULL, deadline) > 0) {
    }
    h_sim_wait(&s, deadline);
    if (!ready || !mem || s.status != 0) {
        fprintf(stderr, "serviceos-bench: a full-graph boot failed (%s; exit status %d)\n",
                !ready ? "no all-ready record" : !mem ? "no mem figures" : "bad exit", s.status);
        return -1;
    }
    put(&bs->prompt, prompt_ms);
    put(&bs->rss, (double)s.ru.ru_maxrss);
    return 0;
}

int h_run_boots(const struct h_cfg *c, struct h_results *out)
{
    static struct boot_set bs;
    memset(&bs, 0, sizeof(bs));
    FILE *log = c->log ? fopen(c->log, "a") : NULL;
    for (unsigned i = 0; i < c->boot_runs && i < MAX_BOOTS; i++)
        if (boot_once(c, &bs, log))
            bs.failed++;
    if (log)
        fclose(log);
    summary(out, "boot.sim_start_to_prompt", "ms", &bs.prompt);
    summary(out, "boot.core_to_rootmgr", "ms", &bs.core_rm);
    summary(out, "boot.rootmgr_to_all_ready", "ms", &bs.rm_ready);
    summary(out, "boot.core_to_all_ready", "ms", &bs.core_ready);
    for (unsigned i = 0; i < bs.nsvc; i++) {
        char name[H_NAME];
        snprintf(name, sizeof(name), "boot.ready_in.%s", bs.svc[i]);
        summary(out, name, "ms", &bs.svc_ready[i]);
    }
    summary(out, "mem.sim_peak_rss", "KiB", &bs.rss);
    summary(out, "mem.graph_in_use", "KiB", &bs.used);
    summary(out, "mem.graph_kernel_heap", "KiB", &bs.heap);
    return bs.failed ? -1 : 0;
}
