/*
 * tests/bench/harness/qemu.c - the benchmark image under QEMU (--qemu x86_64|aarch64),
 * and the foundational graph in 32 MiB of guest memory (aarch64).
 *
 * The image boots as init through the platform's run script (image/<arch>/run.sh
 * --init), with one CPU and, on x86_64, again with two (the aarch64 port runs one
 * CPU). Under TCG the figures are emulation speed: they are reported on their own (and
 * relative to the guest's own null syscall), never as ratios to the host's baselines.
 * The memory check boots the whole graph with -m 32M, waits for the shell, and reads
 * "mem".
 *
 * Layer: tests/bench (host program).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define QEMU_TIMEOUT_S 900
#define QEMU_BOOT_TIMEOUT_S 120

static int run_arch(const struct h_cfg *c, const char *arch, unsigned cpus, struct h_results *out)
{
    char script[1024], image[1024], env_build[1100], env_to[64], smp[16], args[128], cmdl[160];
    const char *b = !strcmp(arch, "aarch64") ? c->build_aarch64 : c->build_x86_64;
    snprintf(script, sizeof(script), "%s/image/%s/run.sh", c->source, arch);
    snprintf(image, sizeof(image), "%s/tests/bench/bench", b);
    snprintf(args, sizeof(args), "%s samples=%u", c->quick ? "quick" : "", c->qemu_samples);
    snprintf(smp, sizeof(smp), "%u", cpus);
    char prefix[48], what[64];
    snprintf(prefix, sizeof(prefix), "qemu-%s%s/", arch, cpus > 1 ? "-cpus2" : "");
    snprintf(what, sizeof(what), "the image on QEMU %s (%u CPU%s)", arch, cpus,
             cpus > 1 ? "s" : "");
    char *argv[24];
    int a = 0;
    if (!strcmp(arch, "aarch64")) {
        snprintf(env_build, sizeof(env_build), "SOS_AARCH64_BUILD=%s", b);
        snprintf(env_to, sizeof(env_to), "SOS_QEMU_TIMEOUT=%d", QEMU_TIMEOUT_S);
        char *v[] = {"/usr/bin/env", env_build, env_to, script, "--no-build", "--init", image,
                     "--args", args, "--", "-smp", smp, NULL};
        for (; v[a]; a++)
            argv[a] = v[a];
    } else {
        snprintf(cmdl, sizeof(cmdl), "-- %s", args);
        snprintf(env_to, sizeof(env_to), "%d", QEMU_TIMEOUT_S);
        char *v[] = {script, "--headless", "--no-build", "--build-dir", (char *)b, "--init", image,
                     "--cmdline", cmdl, "--data-disk", "none", "--smp", smp, "--timeout", env_to,
                     NULL};
        for (; v[a]; a++)
            argv[a] = v[a];
    }
    argv[a] = NULL;
    return h_run_image_argv(c, argv, prefix, what, QEMU_TIMEOUT_S + 30, out);
}

/* The whole graph on QEMU aarch64 with -m 32M: the shell comes up and "mem" answers. */
static int graph_32m(const struct h_cfg *c, struct h_results *out)
{
    char script[1024], env_build[1100];
    snprintf(script, sizeof(script), "%s/image/aarch64/run.sh", c->source);
    snprintf(env_build, sizeof(env_build), "SOS_AARCH64_BUILD=%s", c->build_aarch64);
    char *argv[] = {"/usr/bin/env", env_build, "SOS_QEMU_MEM=32M", "SOS_QEMU_TIMEOUT=150",
                    script, "--no-build", NULL};
    FILE *log = c->log ? fopen(c->log, "a") : NULL;
    struct h_sim s;
    if (h_sim_start(&s, argv, log)) {
        if (log)
            fclose(log);
        return -1;
    }
    int64_t deadline = s.t_start + (int64_t)QEMU_BOOT_TIMEOUT_S * 1000000000;
    char line[1024];
    int got;
    unsigned long long total = 0, freek = 0, heap = 0;
    while ((got = h_sim_line(&s, line, sizeof(line), "serviceos> ", deadline)) == 1) {
    }
    double prompt_ms = (double)(h_now() - s.t_start) / 1e6;
    bool ok = false;
    if (got == 2) {
        h_sim_send(&s, "mem\n");
        while ((got = h_sim_line(&s, line, sizeof(line), "serviceos> ", deadline)) == 1)
            if (sscanf(line, "memory total %llu KiB free %llu KiB kernel heap %llu KiB", &total,
                       &freek, &heap) == 3)
                ok = true;
    }
    if (got == 2)
        h_sim_send(&s, "poweroff\n");
    while (h_sim_line(&s, line, sizeof(line), NULL, deadline) > 0) {
    }
    h_sim_wait(&s, deadline);
    if (log)
        fclose(log);
    struct h_result *r = h_add(out, "qemu-aarch64/mem.graph_32m_in_use");
    if (!r)
        return -1;
    snprintf(r->unit, sizeof(r->unit), "KiB");
    r->error = !ok || s.status != 0;
    r->value = (double)(total - freek);
    snprintf(r->extra, sizeof(r->extra), "total=%llu free=%llu kernel_heap=%llu prompt_ms=%.0f "
             "exit=%d", total, freek, heap, prompt_ms, s.status);
    if (r->error)
        fprintf(stderr, "serviceos-bench: the graph did not come up in 32 MiB on QEMU aarch64 "
                        "(exit status %d)\n", s.status);
    return r->error ? -1 : 0;
}

int h_run_qemu(const struct h_cfg *c, const char *arch, struct h_results *out)
{
    int err = run_arch(c, arch, 1, out);
    if (!strcmp(arch, "aarch64")) /* one CPU: the aarch64 port has no SMP yet */
        err |= graph_32m(c, out);
    else
        err |= run_arch(c, arch, 2, out);
    return err ? -1 : 0;
}
