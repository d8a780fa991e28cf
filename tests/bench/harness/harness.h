/*
 * tests/bench/harness/harness.h - serviceos-bench: the benchmark image in the simulator
 * beside its Linux baselines, in one run on one machine.
 *
 * The harness is a plain host program. It measures the Linux baselines itself (threads,
 * pipes, futexes, malloc) and boots serviceos-sim as a child for everything measured
 * inside ServiceOS: the benchmark image (--init, one vCPU and two), and the full service
 * graph for boot time and peak RSS. Each round measures both sides back to back, so a
 * ratio compares figures taken under the same load; the table quotes the median over
 * rounds.
 *
 * Layer: tests/bench (host program).
 */
#ifndef BENCH_HARNESS_H
#define BENCH_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "../bench_stats.h"

#define H_MAX_RESULTS 160
#define H_NAME 64

/* One measured figure: a timing (ns per operation) or a plain value. */
struct h_result {
    char name[H_NAME]; /* "null_syscall", "host_getpid", "cpus2/ipc_call_64", "boot.prompt_ms" */
    char unit[16];     /* ns, ms, bytes, frames, KiB... */
    bool timing;       /* median/p99/min/max valid (else value) */
    bool error;
    bool skipped;      /* the image could not run it here (too few vCPUs) */
    double median, p99, min, max, value;
    unsigned samples, batch;
    char extra[256];   /* the rest of the image's line (k=v), or the harness's notes */
};

struct h_results {
    struct h_result r[H_MAX_RESULTS];
    unsigned n;
};

struct h_result *h_add(struct h_results *rs, const char *name);
const struct h_result *h_find(const struct h_results *rs, const char *name);
/* The value of key=... in a result's extra text, or def. */
double h_extra_num(const struct h_result *r, const char *key, double def);

/* ---- settings */

struct h_cfg {
    bool quick;           /* smoke run: few samples, one round */
    bool tap;             /* TAP output for meson (the table as # comments) */
    unsigned rounds;      /* rounds of (image runs + baselines) */
    unsigned boot_runs;   /* full-graph boots for the boot figures */
    const char *sim;      /* serviceos-sim */
    const char *image;    /* the benchmark image */
    const char *bootstore;/* for the full-graph boots (NULL: the sim's default) */
    const char *json;     /* where the machine-readable copy goes */
    const char *log;      /* every sim transcript */
    bool no_boot;         /* skip the full-graph boots */
    const char *qemu[2];  /* --qemu x86_64 / aarch64: also run the image there */
    unsigned nqemu;
    unsigned qemu_samples;     /* samples a benchmark under QEMU (TCG is slow) */
    const char *source;        /* the source tree (the run scripts) */
    const char *build_x86_64;  /* the build holding the x86_64 kernel and image */
    const char *build_aarch64; /* the aarch64 cross build */
};

/* ---- host baselines (baselines.c); sizes from the image's object_bytes */

struct h_sizes {
    size_t event, channel, vmo;
};
void h_baselines(const struct h_cfg *c, const struct h_sizes *sz, struct h_results *out);

/* ---- the simulator as a child (simrun.c) */

struct h_sim {
    pid_t pid;
    int in_fd, out_fd;
    char buf[65536];
    size_t len;
    int64_t t_start; /* ns, monotonic, just before fork */
    int status;      /* exit status, -1 before it ended, 128+sig when killed */
    struct rusage ru;
    FILE *log;
};

int64_t h_now(void);
int h_sim_start(struct h_sim *s, char *const argv[], FILE *log);
/*
 * The next complete line (without the newline) into line[cap]: 1. When `prompt` is not
 * NULL and the unfinished last line ends with it, returns 2 with that text. 0 at end of
 * output, -1 when `deadline` (h_now() time) passed.
 */
int h_sim_line(struct h_sim *s, char *line, size_t cap, const char *prompt, int64_t deadline);
int h_sim_send(struct h_sim *s, const char *text);
/* Wait for the child to end until deadline, then kill it; fills status and ru. */
int h_sim_wait(struct h_sim *s, int64_t deadline);

/* Per-thread CPU time of the child (ns, from /proc/PID/task/TID/schedstat). */
#define H_MAX_THREADS 32
struct h_threads {
    unsigned n;
    int tid[H_MAX_THREADS];
    uint64_t ns[H_MAX_THREADS];
    int64_t at;
};
void h_threads_snap(pid_t pid, struct h_threads *t);
/* "vcpu_busy=97%,3%": the two busiest threads' share of the wall time between snapshots. */
void h_threads_busy(const struct h_threads *a, const struct h_threads *b, char *out, size_t n);

/* Run the image once; results are named prefix + the image's names. 0 or -1. */
int h_run_image(const struct h_cfg *c, unsigned cpus, const char *only, const char *prefix,
                struct h_results *out);
/* The same for any command that boots the image (QEMU); `what` names it in errors. */
int h_run_image_argv(const struct h_cfg *c, char *const argv[], const char *prefix,
                     const char *what, unsigned timeout_s, struct h_results *out);
/* Boot the full graph cfg->boot_runs times: boot.*, rootmgr.*, mem.* results. */
int h_run_boots(const struct h_cfg *c, struct h_results *out);

/* The image under QEMU (1 and 2 CPUs); on aarch64 also the graph in 32 MiB (qemu.c). */
int h_run_qemu(const struct h_cfg *c, const char *arch, struct h_results *out);

/* ---- the table and the JSON copy (report.c) */

int h_report(const struct h_cfg *c, struct h_results *rounds, unsigned nrounds,
             const struct h_results *boot, const struct h_results *qemu);

/* Output that becomes a TAP comment in --tap mode. */
void h_printf(const struct h_cfg *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
