/*
 * tests/bench/bench.h - the benchmark image: benchmarks, the sampling loop, output.
 *
 * One static-PIE image in two roles, chosen by argv[1]:
 *   (none), quick, only=a,b, scale=N, samples=N
 *                             the runner (booted as init with --init): runs every
 *                             benchmark (or the listed ones, "ipc_*" for a prefix;
 *                             "quick" takes few samples, for the smoke test; scale=N
 *                             makes batches N times longer, for a profiler; samples=N
 *                             caps the samples, for emulators) and powers
 *                             off with 0 when all ran;
 *   serve:<kind>              a server process the runner spawns from its own image,
 *                             serving the startup channel "chan" (echo, sink).
 *
 * Every benchmark is a batch function: it performs n operations and returns the time
 * they took. bench_sample() warms up, then times `samples` batches and prints one line
 *
 *   BENCH name=<name> unit=ns median=<ns> p99=<ns> min=<ns> max=<ns> samples=<n> batch=<n> [k=v...]
 *
 * where each figure is the cost of one operation (a batch's time over its size). Memory
 * figures are "BENCH name=<name> unit=<bytes|frames> value=<n>", a benchmark that could
 * not run prints "BENCH name=<name> status=error reason=<text>" (or status=skipped when
 * it needs more vCPUs than there are), and the run ends with
 * "BENCH-DONE ran=<n> failed=<n>". "BENCH-BEGIN name=<name>" comes before each timed
 * benchmark's warm-up (the host harness samples per-vCPU CPU time between the two).
 *
 * Layer: tests (user image; services/lib and the ABI only).
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sl/sl.h>

#include "bench_stats.h"

#define BENCH_MAX_SAMPLES 1000u

struct bench;

/*
 * A batch: perform n operations, return the nanoseconds they took (>= 0), or a negative
 * SOS_ERR_* when an operation failed.
 */
typedef int64_t (*bench_batch_fn)(void *state, uint32_t n);

/* Extra key=value text a benchmark appends to its result line (after sampling). */
struct bench_extra {
    char text[160];
};

struct bench {
    const char *name;
    int (*run)(const struct bench *b); /* 0, or SOS_ERR_* (the line says error) */
    uint32_t batch;   /* operations per sample (full run) */
    uint32_t samples; /* samples (full run) */
    uint32_t arg;     /* a benchmark's parameter (message size...) */
    uint32_t min_cpus; /* skipped with fewer vCPUs */
};

/* Run settings: the quick run (smoke test) scales everything down. */
struct bench_cfg {
    bool quick;
    sos_handle_t root;  /* the root resource (kernel statistics) */
    sos_handle_t image; /* our own image, to spawn servers */
    uint32_t scale;     /* scale=N: N times the batch size (profiling) */
    uint32_t samples;   /* samples=N: at most N samples a benchmark (emulators) */
};
extern struct bench_cfg g_cfg;

/* Warm up, sample, print the result line. Returns 0 or the batch function's error. */
int bench_sample(const struct bench *b, bench_batch_fn fn, void *state,
                 const struct bench_extra *extra);
/* The two halves of bench_sample, for benchmarks that add figures measured around it. */
int bench_measure(const struct bench *b, bench_batch_fn fn, void *state, struct bs_summary *s);
void bench_print(const struct bench *b, const struct bs_summary *s,
                 const struct bench_extra *extra);
/* The run's sample count and warm-up batches for b (quick runs take fewer). */
uint32_t bench_samples(const struct bench *b);
uint32_t bench_warmup(const struct bench *b);
uint32_t bench_batch(const struct bench *b);

/* Append " key=value" text to a result line. */
void bench_extra_add(struct bench_extra *e, const char *fmt, ...)
    __attribute__((format(__printf__, 2, 3)));

/* A figure without timing (memory). */
void bench_value(const char *name, const char *unit, uint64_t value);

/* Kernel statistics (zeroes when the root resource is missing). */
int bench_kstats(struct sos_info_kstats *k);

/* ns as "123.45" into buf, from picoseconds. */
const char *bench_fmt_ps(char *buf, size_t n, int64_t ps);

/* ---- servers in a child process */

enum bench_server { BENCH_SERVE_ECHO, BENCH_SERVE_SINK };

/* Spawn "serve:<kind>" with the other end of a new channel; *ch is ours. */
int bench_spawn_server(enum bench_server kind, sos_handle_t *proc, sos_handle_t *ch);
/* Close our end and wait for the server to end; closes proc. */
void bench_stop_server(sos_handle_t proc, sos_handle_t ch);
int bench_server_main(const char *kind);

/* ---- the benchmark bodies (b_sys.c, b_ipc.c) */

int bench_null_syscall(const struct bench *b);
int bench_clock_get(const struct bench *b);
int bench_obj_event(const struct bench *b);
int bench_audio_mix(const struct bench *b);
int bench_obj_channel(const struct bench *b);
int bench_obj_vmo(const struct bench *b);
int bench_yield(const struct bench *b);
int bench_memory(const struct bench *b);
int bench_ipc_call(const struct bench *b);
int bench_ipc_call_deadline(const struct bench *b);
int bench_ipc_parts(const struct bench *b);
int bench_ipc_pingpong_busy(const struct bench *b);
int bench_ipc_pingpong(const struct bench *b);
int bench_ipc_stream(const struct bench *b);
int bench_ipc_handles(const struct bench *b);

#endif
