/*
 * tests/bench/harness/report.c - the table (benchmark, ours, baseline, ratio, target)
 * and its machine-readable copy (JSON).
 *
 * Every ratio is ours / baseline of the medians measured in the same round (so < 1
 * means ServiceOS is faster); the table quotes the median over rounds of each figure
 * and of the per-round ratios. Targets are the issue's: a ratio bound, or an absolute
 * bound for the figures that have no baseline (boot time, peak RSS).
 *
 * Layer: tests/bench (host program).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

enum tkind { T_NONE, T_RATIO_MAX, T_ABS_MAX };

struct row {
    const char *label;
    const char *ours, *base; /* result names; base NULL: no baseline */
    enum tkind t;
    double bound;
    const char *target_text;
};

static const struct row g_rows[] = {
    {"null syscall: handle_close(0) vs getpid",
     "null_syscall", "host_getpid", T_RATIO_MAX, 1.0, "no slower than getpid"},
    {"clock_get syscall vs clock_gettime (vDSO)",
     "syscall_clock_get", "host_clock_gettime", T_NONE, 0, NULL},
    {"channel call 64 B, 1 vCPU vs pipe ping-pong",
     "ipc_call_64", "host_pipe_pingpong_64", T_RATIO_MAX, 0.05, ">= 20x faster"},
    {"channel call 64 B, 1 vCPU vs pipe, 1 CPU",
     "ipc_call_64", "host_pipe_pingpong_64_1cpu", T_RATIO_MAX, 0.05, ">= 20x faster"},
    {"channel call 64 B + deadline, 1 vCPU vs pipe",
     "ipc_call_64_deadline", "host_pipe_pingpong_64", T_NONE, 0, NULL},
    {"channel call 64 B, 1 vCPU vs futex ping-pong",
     "ipc_call_64", "host_futex_pingpong", T_NONE, 0, NULL},
    {"channel call 64 B, 1 vCPU vs futex, 1 CPU",
     "ipc_call_64", "host_futex_pingpong_1cpu", T_NONE, 0, NULL},
    {"write/wait/read 64 B, 1 vCPU vs pipe",
     "ipc_pingpong_64", "host_pipe_pingpong_64", T_NONE, 0, NULL},
    {"  part: write+read 64 B, one thread vs getpid",
     "part_write_read_64", "host_getpid", T_NONE, 0, NULL},
    {"  part: wait_one, signal already set vs getpid",
     "part_wait_ready", "host_getpid", T_NONE, 0, NULL},
    {"channel call 64 B, --cpus 2 vs pipe",
     "cpus2/ipc_call_64", "host_pipe_pingpong_64", T_NONE, 0, NULL},
    {"channel call 64 B, --cpus 2 vs futex",
     "cpus2/ipc_call_64", "host_futex_pingpong", T_NONE, 0, NULL},
    {"write/wait/read 64 B, --cpus 2 vs pipe",
     "cpus2/ipc_pingpong_64", "host_pipe_pingpong_64", T_NONE, 0, NULL},
    {"write/wait/read 64 B, --cpus 2 vs futex",
     "cpus2/ipc_pingpong_64", "host_futex_pingpong", T_NONE, 0, NULL},
    {"ping-pong + a spinning thread, --cpus 2 vs futex",
     "cpus2/ipc_pingpong_64_busy", "host_futex_pingpong", T_NONE, 0, NULL},
    {"handle transfer 8 handles RT vs SCM_RIGHTS",
     "ipc_handles_8", "host_scm_rights_8", T_NONE, 0, NULL},
    {"stream 4 KiB msgs (per msg) vs pipe",
     "ipc_stream_4k", "host_pipe_stream_4k", T_NONE, 0, NULL},
    {"stream 4 KiB msgs vs pipe, 1 CPU",
     "ipc_stream_4k", "host_pipe_stream_4k_1cpu", T_NONE, 0, NULL},
    {"stream 64 KiB msgs (per msg) vs pipe",
     "ipc_stream_64k", "host_pipe_stream_64k", T_NONE, 0, NULL},
    {"stream 64 KiB msgs vs pipe, 1 CPU",
     "ipc_stream_64k", "host_pipe_stream_64k_1cpu", T_NONE, 0, NULL},
    {"stream 4 KiB, --cpus 2 vs pipe",
     "cpus2/ipc_stream_4k", "host_pipe_stream_4k", T_NONE, 0, NULL},
    {"thread switch (yield) vs futex handoff",
     "yield_switch", "host_futex_handoff_1cpu", T_NONE, 0, NULL},
    {"thread switch (yield) vs sched_yield",
     "yield_switch", "host_sched_yield_1cpu", T_NONE, 0, NULL},
    {"yield, --cpus 2 vs sched_yield, 1 CPU",
     "cpus2/yield_switch", "host_sched_yield_1cpu", T_NONE, 0, NULL},
    {"event create+close vs malloc/free",
     "obj_event", "host_malloc_free_event", T_RATIO_MAX, 2.0, "within 2x"},
    {"channel pair create+close vs 2x malloc/free",
     "obj_channel", "host_malloc_free_channel", T_RATIO_MAX, 2.0, "within 2x"},
    {"vmo create+close vs malloc/free",
     "obj_vmo", "host_malloc_free_vmo", T_RATIO_MAX, 2.0, "within 2x"},
    {"audio mixer period, 1 stream vs the same on Linux",
     "audio_mix_1", "host_audio_mix_1", T_NONE, 0, NULL},
    {"audio mixer period, 4 streams vs the same on Linux",
     "audio_mix_4", "host_audio_mix_4", T_NONE, 0, NULL},
    {"audio mixer period, 16 streams vs the same on Linux",
     "audio_mix_16", "host_audio_mix_16", T_NONE, 0, NULL},
    {"sim start to shell prompt (headless, ms)",
     "boot.sim_start_to_prompt", NULL, T_ABS_MAX, 100.0, "< 100 ms"},
    {"core_main to root manager start (ms)", "boot.core_to_rootmgr", NULL, T_NONE, 0, NULL},
    {"root manager start to all ready (ms)", "boot.rootmgr_to_all_ready", NULL, T_NONE, 0, NULL},
    {"core_main to all services ready (ms)", "boot.core_to_all_ready", NULL, T_NONE, 0, NULL},
    {"sim peak RSS, whole graph, headless (KiB)",
     "mem.sim_peak_rss", NULL, T_ABS_MAX, 65536.0, "< 64 MiB"},
    {"guest memory in use, whole graph (KiB)", "mem.graph_in_use", NULL, T_NONE, 0, NULL},
    {"kernel heap, whole graph (KiB)", "mem.graph_kernel_heap", NULL, T_NONE, 0, NULL},
};
#define NROWS (sizeof(g_rows) / sizeof(g_rows[0]))

static const struct h_cfg *g_c;

void h_printf(const struct h_cfg *c, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (c && c->tap) { /* every line a TAP comment */
        for (char *p = buf, *nl; *p; p = nl + 1) {
            nl = strchr(p, '\n');
            if (!nl) {
                printf("# %s", p);
                break;
            }
            printf("# %.*s\n", (int)(nl - p), p);
        }
    } else {
        fputs(buf, stdout);
    }
}

/* ---- per-row figures over the rounds */

struct fig {
    bool have, err;
    double median, p99, ratio;
    unsigned rounds;
    char unit[16];
    char extra[256];
};

static double med(double *v, unsigned n)
{
    int64_t iv[64];
    for (unsigned i = 0; i < n && i < 64; i++)
        iv[i] = (int64_t)(v[i] * 1000.0 + 0.5);
    struct bs_summary s;
    bs_summarize(iv, n < 64 ? n : 64, &s);
    return s.median / 1000.0;
}

static void figures(const struct h_results *rounds, unsigned nr, const struct h_results *boot,
                    const struct row *row, struct fig *ours, struct fig *base)
{
    double om[64], op[64], bm[64], bp[64], ra[64];
    unsigned n = 0;
    memset(ours, 0, sizeof(*ours));
    memset(base, 0, sizeof(*base));
    for (unsigned i = 0; i < nr + 1 && n < 64; i++) {
        const struct h_results *rs = i < nr ? &rounds[i] : boot;
        if (!rs)
            continue;
        const struct h_result *o = h_find(rs, row->ours);
        const struct h_result *b = row->base ? h_find(rs, row->base) : NULL;
        if (!o)
            continue;
        if (o->skipped)
            continue;
        if (o->error || (b && b->error)) {
            ours->err = o->error;
            base->err = b && b->error;
            continue;
        }
        if (!o->timing || (row->base && (!b || !b->timing)))
            continue;
        snprintf(ours->unit, sizeof(ours->unit), "%s", o->unit);
        snprintf(ours->extra, sizeof(ours->extra), "%s", o->extra);
        om[n] = o->median;
        op[n] = o->p99;
        if (b) {
            bm[n] = b->median;
            bp[n] = b->p99;
            ra[n] = o->median / b->median;
        }
        n++;
    }
    if (!n)
        return;
    ours->have = true;
    ours->rounds = n;
    ours->median = med(om, n);
    ours->p99 = med(op, n);
    if (row->base) {
        base->have = true;
        base->median = med(bm, n);
        base->p99 = med(bp, n);
        ours->ratio = med(ra, n);
    }
}

static int met(const struct row *r, const struct fig *o)
{
    if (r->t == T_NONE || !o->have)
        return -1;
    double v = r->t == T_RATIO_MAX ? o->ratio : o->median;
    return v <= r->bound;
}

/* ---- the machine */

static void machine(char *cpu, size_t n, char *kern, size_t kn, double *load)
{
    snprintf(cpu, n, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[256];
    while (f && fgets(line, sizeof(line), f))
        if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
            snprintf(cpu, n, "%s", strchr(line, ':') + 2);
            cpu[strcspn(cpu, "\n")] = 0;
            break;
        }
    if (f)
        fclose(f);
    struct utsname u;
    uname(&u);
    snprintf(kern, kn, "%.20s %.60s %.20s", u.sysname, u.release, u.machine);
    *load = 0;
    f = fopen("/proc/loadavg", "r");
    if (f && fscanf(f, "%lf", load) != 1)
        *load = 0;
    if (f)
        fclose(f);
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        if ((unsigned char)*s >= 0x20)
            fputc(*s, f);
    }
    fputc('"', f);
}

static void json_result(FILE *f, const struct h_result *r)
{
    fprintf(f, "{\"name\": ");
    json_str(f, r->name);
    fprintf(f, ", \"unit\": ");
    json_str(f, r->unit);
    if (r->error)
        fprintf(f, ", \"error\": true");
    else if (r->timing)
        fprintf(f, ", \"median\": %.3f, \"p99\": %.3f, \"min\": %.3f, \"max\": %.3f, "
                   "\"samples\": %u, \"batch\": %u", r->median, r->p99, r->min, r->max,
                r->samples, r->batch);
    else
        fprintf(f, ", \"value\": %.0f", r->value);
    fprintf(f, ", \"extra\": ");
    json_str(f, r->extra);
    fprintf(f, "}");
}

static void json_results(FILE *f, const struct h_results *rs)
{
    fprintf(f, "[");
    for (unsigned i = 0; i < rs->n; i++) {
        fprintf(f, "%s\n      ", i ? "," : "");
        json_result(f, &rs->r[i]);
    }
    fprintf(f, "]");
}

static void write_json(const struct h_results *rounds, unsigned nr, const struct h_results *boot,
                       const struct h_results *qemu, const struct fig *o, const struct fig *b)
{
    FILE *f = fopen(g_c->json, "w");
    if (!f) {
        perror(g_c->json);
        return;
    }
    char cpu[128], kern[128];
    double load;
    machine(cpu, sizeof(cpu), kern, sizeof(kern), &load);
    time_t now = time(NULL);
    char when[64];
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    fprintf(f, "{\n  \"format\": \"serviceos-bench 1\",\n  \"when\": \"%s\",\n", when);
    fprintf(f, "  \"machine\": {\"cpu\": ");
    json_str(f, cpu);
    fprintf(f, ", \"cpus\": %ld, \"kernel\": ", sysconf(_SC_NPROCESSORS_ONLN));
    json_str(f, kern);
    fprintf(f, ", \"loadavg_1min\": %.2f},\n", load);
    fprintf(f, "  \"quick\": %s,\n  \"rounds\": %u,\n", g_c->quick ? "true" : "false", nr);
    fprintf(f, "  \"table\": [");
    for (unsigned i = 0; i < NROWS; i++) {
        const struct row *r = &g_rows[i];
        fprintf(f, "%s\n    {\"label\": ", i ? "," : "");
        json_str(f, r->label);
        fprintf(f, ", \"ours\": ");
        json_str(f, r->ours);
        if (o[i].have)
            fprintf(f, ", \"unit\": \"%s\", \"ours_median\": %.3f, \"ours_p99\": %.3f",
                    o[i].unit, o[i].median, o[i].p99);
        if (r->base) {
            fprintf(f, ", \"baseline\": ");
            json_str(f, r->base);
            if (b[i].have)
                fprintf(f, ", \"baseline_median\": %.3f, \"baseline_p99\": %.3f, \"ratio\": %.4f",
                        b[i].median, b[i].p99, o[i].ratio);
        }
        if (r->target_text) {
            int m = met(r, &o[i]);
            fprintf(f, ", \"target\": ");
            json_str(f, r->target_text);
            fprintf(f, ", \"met\": %s", m < 0 ? "null" : m ? "true" : "false");
        }
        fprintf(f, "}");
    }
    fprintf(f, "\n  ],\n  \"round_results\": [");
    for (unsigned i = 0; i < nr; i++) {
        fprintf(f, "%s\n    ", i ? "," : "");
        json_results(f, &rounds[i]);
    }
    fprintf(f, "\n  ],\n  \"boot_results\": ");
    if (boot)
        json_results(f, boot);
    else
        fprintf(f, "[]");
    fprintf(f, ",\n  \"qemu_results\": ");
    if (qemu)
        json_results(f, qemu);
    else
        fprintf(f, "[]");
    fprintf(f, "\n}\n");
    fclose(f);
}

/* ---- the table */

static void cell(char *buf, size_t n, const struct fig *f)
{
    if (f->err)
        snprintf(buf, n, "error");
    else if (!f->have)
        snprintf(buf, n, "-");
    else if (f->median >= 1e5)
        snprintf(buf, n, "%.0f / %.0f", f->median, f->p99);
    else
        snprintf(buf, n, "%.1f / %.1f", f->median, f->p99);
}

/* QEMU: each figure, and relative to the guest's own null syscall (no host ratios). */
static void qemu_section(const struct h_cfg *c, const struct h_results *q)
{
    static const char *const plats[] = {"qemu-x86_64/", "qemu-x86_64-cpus2/", "qemu-aarch64/",
                                        "qemu-aarch64-cpus2/"};
    for (unsigned p = 0; p < 4; p++) {
        size_t pl = strlen(plats[p]);
        char nullname[64];
        snprintf(nullname, sizeof(nullname), "%snull_syscall", plats[p]);
        const struct h_result *nul = h_find(q, nullname);
        bool header = false;
        for (unsigned i = 0; i < q->n; i++) {
            const struct h_result *r = &q->r[i];
            if (strncmp(r->name, plats[p], pl) || (!r->timing && !r->error))
                continue;
            if (!header) {
                h_printf(c, "\n%.*s (TCG: emulated, not comparable with the host; x = median / the "
                            "guest's null syscall)\n", (int)pl - 1, plats[p]);
                header = true;
            }
            if (r->error)
                h_printf(c, "  %-36s error %s\n", r->name + pl, r->extra);
            else
                h_printf(c, "  %-36s %12.1f / %-12.1f %8.1fx\n", r->name + pl, r->median, r->p99,
                         nul && nul->median > 0 ? r->median / nul->median : 0);
        }
    }
    const struct h_result *m = h_find(q, "qemu-aarch64/mem.graph_32m_in_use");
    if (m)
        h_printf(c, "\nQEMU aarch64 -m 32M, whole graph: %s; in use %.0f KiB (%s)\n",
                 m->error ? "FAILED" : "up", m->value, m->extra);
}

int h_report(const struct h_cfg *c, struct h_results *rounds, unsigned nrounds,
             const struct h_results *boot, const struct h_results *qemu)
{
    g_c = c;
    static struct fig o[NROWS], b[NROWS];
    char cpu[128], kern[128];
    double load;
    machine(cpu, sizeof(cpu), kern, sizeof(kern), &load);
    h_printf(c, "\nserviceos-bench: %s, %ld CPUs, %s, load %.2f; %u round%s%s\n", cpu,
             sysconf(_SC_NPROCESSORS_ONLN), kern, load, nrounds, nrounds == 1 ? "" : "s",
             c->quick ? " (quick: few samples, figures not meaningful)" : "");
    h_printf(c, "figures are median / p99 (ns per operation unless the label says); "
                "ratio = ours / baseline (< 1: ours is faster)\n\n");
    h_printf(c, "%-44s %21s %21s %9s  %s\n", "benchmark", "ours", "baseline", "ratio", "target");
    int missed = 0;
    for (unsigned i = 0; i < NROWS; i++) {
        const struct row *r = &g_rows[i];
        figures(rounds, nrounds, boot, r, &o[i], &b[i]);
        char oc[48], bc[48], rc[24] = "-", tc[64] = "";
        cell(oc, sizeof(oc), &o[i]);
        cell(bc, sizeof(bc), &b[i]);
        if (!r->base)
            snprintf(bc, sizeof(bc), " ");
        if (o[i].have && b[i].have)
            snprintf(rc, sizeof(rc), o[i].ratio < 0.1 ? "%.3f" : "%.2f", o[i].ratio);
        int m = met(r, &o[i]);
        if (r->target_text)
            snprintf(tc, sizeof(tc), "%s: %s", r->target_text,
                     m < 0 ? "n/a" : m ? "met" : "MISSED");
        missed += m == 0;
        h_printf(c, "%-44s %21s %21s %9s  %s\n", r->label, oc, bc, rc, tc);
    }
    /* notes the rows need: throughput, what the scheduler did with two vCPUs */
    h_printf(c, "\nnotes:\n");
    for (unsigned i = 0; i < NROWS; i++) {
        const struct row *r = &g_rows[i];
        if (!o[i].have)
            continue;
        const char *busy = strstr(o[i].extra, "vcpu_busy=");
        const char *spy = strstr(o[i].extra, "switches_per_yield=");
        const char *by = strstr(o[i].extra, "bytes=");
        if (strstr(r->ours, "stream") && by && strstr(r->label, "(per msg)")) {
            double sz = atof(by + 6);
            h_printf(c, "  %-28s %.0f MiB/s (ours) vs %.0f MiB/s (pipe)\n", r->ours,
                     sz / o[i].median * 1e9 / 1048576.0,
                     b[i].have ? sz / b[i].median * 1e9 / 1048576.0 : 0.0);
        }
        bool first = i == 0 || strcmp(g_rows[i - 1].ours, r->ours); /* once a benchmark */
        if (!strncmp(r->ours, "cpus2/", 6) && (busy || spy) && first)
            h_printf(c, "  %-28s %.*s %.*s\n", r->ours, busy ? (int)strcspn(busy, " ") : 0,
                     busy ? busy : "", spy ? (int)strcspn(spy, " ") : 0, spy ? spy : "");
    }
    if (nrounds) {
        static const char *mems[] = {"mem.object_bytes.process", "mem.object_bytes.thread",
            "mem.object_bytes.channel", "mem.object_bytes.port", "mem.object_bytes.event",
            "mem.object_bytes.vmo", "mem.object_bytes.timer", "mem.object_bytes.revoker",
            "mem.frames_in_use", "mem.kernel_heap", "mem.peak_rss_image_run"};
        char line[1024] = "  kernel memory (bench image alone):";
        for (unsigned i = 0; i < sizeof(mems) / sizeof(mems[0]); i++) {
            const struct h_result *m = h_find(&rounds[0], mems[i]);
            size_t len = strlen(line);
            if (m)
                snprintf(line + len, sizeof(line) - len, "%s%s=%.0f%s",
                         len > 70 && !strchr(line + len - 70, '\n') ? "\n   " : " ", mems[i] + 4,
                         m->value, !strcmp(m->unit, "bytes") ? "B"
                                   : !strcmp(m->unit, "KiB") ? "KiB" : "");
        }
        h_printf(c, "%s\n", line);
    }
    if (qemu) {
        qemu_section(c, qemu);
        const struct h_result *m = h_find(qemu, "qemu-aarch64/mem.graph_32m_in_use");
        missed += m && m->error; /* the 32 MiB target */
    }
    write_json(rounds, nrounds, boot, qemu, o, b);
    h_printf(c, "\nJSON copy: %s\n", c->json);
    if (missed)
        h_printf(c, "%d target%s missed\n", missed, missed == 1 ? "" : "s");
    return missed;
}
