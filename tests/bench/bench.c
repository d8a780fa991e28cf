/*
 * tests/bench/bench.c - the runner: the benchmark table, warm-up and sampling, output.
 *
 * Booted as init (serviceos-sim --init bench [quick] [only=a,b]), it gets the root
 * resource (kernel statistics) and its own image (to spawn server processes). Each
 * benchmark prints one machine-readable line (format in bench.h); the host harness
 * (tests/bench/harness) collects them beside its Linux baselines. At the end the runner
 * powers off: status 0 when every benchmark ran, 1 otherwise.
 *
 * Layer: tests (user image).
 */
#include "bench.h"

#include <stdarg.h>

struct bench_cfg g_cfg;

/*
 * The table. A sample (one batch) takes tens of microseconds in the simulator, so the
 * clock read around it is < 1% of it, and each benchmark runs for tens of milliseconds
 * (long enough for the harness to see how busy each vCPU was). The last field is the
 * vCPUs a benchmark needs: with fewer it says "skipped".
 */
static const struct bench g_benches[] = {
    {"null_syscall", bench_null_syscall, 1000, 1000, 0, 1},
    {"syscall_clock_get", bench_clock_get, 1000, 1000, 0, 1},
    {"ipc_call_64", bench_ipc_call, 100, 1000, 64, 1},
    {"ipc_call_64_deadline", bench_ipc_call_deadline, 100, 1000, 64, 1},
    {"ipc_pingpong_64", bench_ipc_pingpong, 100, 1000, 64, 1},
    {"part", bench_ipc_parts, 200, 1000, 64, 1}, /* part_write_read_64, part_wait_ready */
    {"ipc_pingpong_64_busy", bench_ipc_pingpong_busy, 2, 20, 64, 2},
    {"ipc_handles_8", bench_ipc_handles, 50, 1000, 8, 1},
    {"ipc_stream_4k", bench_ipc_stream, 64, 1000, 4096, 1},
    {"ipc_stream_64k", bench_ipc_stream, 4, 1000, 65536, 1},
    {"yield_switch", bench_yield, 1000, 1000, 0, 1},
    {"obj_event", bench_obj_event, 500, 1000, 0, 1},
    {"obj_channel", bench_obj_channel, 500, 1000, 0, 1},
    {"obj_vmo", bench_obj_vmo, 500, 1000, 0, 1},
    {"audio_mix_1", bench_audio_mix, 20, 300, 1, 1},
    {"audio_mix_4", bench_audio_mix, 10, 300, 4, 1},
    {"audio_mix_16", bench_audio_mix, 4, 300, 16, 1},
    {"memory", bench_memory, 0, 0, 0, 1},
};
#define NBENCH (sizeof(g_benches) / sizeof(g_benches[0]))

/* ---- output */

const char *bench_fmt_ps(char *buf, size_t n, int64_t ps)
{
    if (ps < 0)
        ps = 0;
    snprintf(buf, n, "%llu.%02llu", (unsigned long long)(ps / 1000),
             (unsigned long long)(ps % 1000 / 10));
    return buf;
}

void bench_extra_add(struct bench_extra *e, const char *fmt, ...)
{
    size_t len = strlen(e->text);
    if (len + 1 >= sizeof(e->text))
        return;
    e->text[len++] = ' ';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->text + len, sizeof(e->text) - len, fmt, ap);
    va_end(ap);
}

void bench_value(const char *name, const char *unit, uint64_t value)
{
    printf("BENCH name=%s unit=%s value=%llu\n", name, unit, (unsigned long long)value);
}

int bench_kstats(struct sos_info_kstats *k)
{
    *k = (struct sos_info_kstats){0};
    int64_t r = g_cfg.root ? sos_object_get_info(g_cfg.root, SOS_INFO_KERNEL_STATS, k, sizeof(*k))
                           : SOS_ERR_BAD_HANDLE;
    return r < 0 ? (int)r : 0;
}

/* ---- sampling */

static int64_t g_samples[BENCH_MAX_SAMPLES];

static uint32_t scaled(uint32_t full, uint32_t quick)
{
    return g_cfg.quick ? (full < quick ? full : quick) : full;
}

uint32_t bench_samples(const struct bench *b)
{
    uint32_t samples = scaled(b->samples, 20);
    if (g_cfg.samples && g_cfg.samples < samples)
        samples = g_cfg.samples;
    return samples > BENCH_MAX_SAMPLES ? BENCH_MAX_SAMPLES : samples;
}

uint32_t bench_warmup(const struct bench *b)
{
    /* a tenth of the run, at least two batches (caches, slabs, the allocator) */
    uint32_t samples = bench_samples(b);
    return samples / 10 < 2 ? 2 : samples / 10;
}

uint32_t bench_batch(const struct bench *b)
{
    uint32_t batch = b->batch ? b->batch : 1;
    return g_cfg.scale > 1 ? batch * g_cfg.scale : batch;
}

int bench_measure(const struct bench *b, bench_batch_fn fn, void *state, struct bs_summary *s)
{
    uint32_t batch = bench_batch(b);
    uint32_t samples = bench_samples(b), warm = bench_warmup(b);
    for (uint32_t i = 0; i < warm; i++) {
        int64_t t = fn(state, batch);
        if (t < 0)
            return (int)t;
    }
    for (uint32_t i = 0; i < samples; i++) {
        int64_t t = fn(state, batch);
        if (t < 0)
            return (int)t;
        g_samples[i] = t * 1000 / batch;
    }
    bs_summarize(g_samples, samples, s);
    return 0;
}

void bench_print(const struct bench *b, const struct bs_summary *s, const struct bench_extra *extra)
{
    char med[32], p99[32], mn[32], mx[32];
    printf("BENCH name=%s unit=ns median=%s p99=%s min=%s max=%s samples=%u batch=%u%s\n",
           b->name, bench_fmt_ps(med, sizeof(med), s->median),
           bench_fmt_ps(p99, sizeof(p99), s->p99), bench_fmt_ps(mn, sizeof(mn), s->min),
           bench_fmt_ps(mx, sizeof(mx), s->max), s->n, bench_batch(b),
           extra ? extra->text : "");
}

int bench_sample(const struct bench *b, bench_batch_fn fn, void *state,
                 const struct bench_extra *extra)
{
    struct bs_summary s;
    int err = bench_measure(b, fn, state, &s);
    if (!err)
        bench_print(b, &s, extra);
    return err;
}

/* ---- servers */

int bench_spawn_server(enum bench_server kind, sos_handle_t *proc, sos_handle_t *ch)
{
    sos_handle_t ends[2];
    int64_t err = sos_channel_create(0, ends);
    if (err)
        return (int)err;
    const char *k = kind == BENCH_SERVE_ECHO ? "echo" : "sink";
    char args[32], pname[SOS_NAME_MAX];
    int len = snprintf(args, sizeof(args), "bench%cserve:%s", 0, k);
    snprintf(pname, sizeof(pname), "bench-%s", k);
    struct sos_spawn_handle hs[1] = {{ends[1], "chan"}};
    struct sos_spawn_args sa = {.image = g_cfg.image, .nhandles = 1, .name = pname,
                                .args = args, .args_len = (uint32_t)len + 1, .handles = hs};
    err = sos_process_spawn(&sa, proc);
    if (err) {
        sos_handle_close(ends[0]);
        sos_handle_close(ends[1]);
        return (int)err;
    }
    *ch = ends[0];
    return 0;
}

void bench_stop_server(sos_handle_t proc, sos_handle_t ch)
{
    sos_handle_close(ch);
    if (sos_object_wait_one(proc, SOS_SIG_TERMINATED, sos_deadline_after(SOS_MS(2000)), NULL))
        sos_process_kill(proc);
    sos_handle_close(proc);
}

/* ---- the runner */

static bool selected(const char *only, const char *name)
{
    if (!only)
        return true;
    size_t n = strlen(name);
    for (const char *p = only; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && !strncmp(p, name, n))
            return true;
        if (len && p[len - 1] == '*' && !strncmp(p, name, len - 1)) /* a prefix: ipc_* */
            return true;
        p += len + (comma ? 1 : 0);
    }
    return false;
}

static int runner_main(int argc, char **argv)
{
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "quick"))
            g_cfg.quick = true;
        else if (!strncmp(argv[i], "only=", 5))
            only = argv[i] + 5;
        else if (!strncmp(argv[i], "scale=", 6)) /* longer runs, for profiling */
            g_cfg.scale = (uint32_t)atoi(argv[i] + 6);
        else if (!strncmp(argv[i], "samples=", 8)) /* fewer samples: emulators */
            g_cfg.samples = (uint32_t)atoi(argv[i] + 8);
        else
            printf("bench: ignoring argument '%s'\n", argv[i]);
    }
    g_cfg.root = sos_startup_handle("root-resource");
    g_cfg.image = sos_startup_handle("init-image");
    struct sos_info_kstats k;
    bench_kstats(&k);
    printf("BENCH-INFO cpus=%u quick=%d samples=%u kstats=%s image=%s\n", k.cpus,
           g_cfg.quick ? 1 : 0, g_cfg.samples, g_cfg.root ? "yes" : "no",
           g_cfg.image ? "yes" : "no");
    unsigned ran = 0, failed = 0;
    for (size_t i = 0; i < NBENCH; i++) {
        const struct bench *b = &g_benches[i];
        if (!selected(only, b->name))
            continue;
        if (k.cpus < b->min_cpus) {
            printf("BENCH name=%s status=skipped reason=needs %u vCPUs\n", b->name, b->min_cpus);
            continue;
        }
        if (b->batch)
            printf("BENCH-BEGIN name=%s\n", b->name);
        int err = b->run(b);
        ran++;
        if (err) {
            failed++;
            printf("BENCH name=%s status=error reason=%s\n", b->name, sos_strerror(err));
        }
    }
    printf("BENCH-DONE ran=%u failed=%u\n", ran, failed);
    int status = failed || !ran ? 1 : 0;
    if (g_cfg.root)
        sos_system_power(g_cfg.root, SOS_POWER_OFF, status);
    return status;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strncmp(argv[1], "serve:", 6))
        return bench_server_main(argv[1] + 6);
    return runner_main(argc, argv);
}
