/*
 * sim/detopts.c - serviceos-sim's options for deterministic runs (--deterministic,
 * --seed, --record, --replay and the hidden --test-det-jitter): parsing, the
 * combinations refused and why, and starting hal-hosted's deterministic mode with a
 * digest of what is booted (docs/sim.md, "Deterministic runs").
 *
 * Layer: sim (sees everything hosted).
 */
#define _GNU_SOURCE
#include "detopts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <unistd.h>

#include "host.h"

static struct host_det_config g_cfg = {.seed = 1};
static bool g_seed_given, g_isolate;

static int need_file(const char *opt, const char *file)
{
    if (file && *file)
        return 0;
    fprintf(stderr, "serviceos-sim: %s needs a file\n(see serviceos-sim --help)\n", opt);
    return -1;
}

int sim_det_option(char **argv, int *i)
{
    const char *a = argv[*i];
    if (!strcmp(a, "--deterministic")) {
        g_cfg.mode = g_cfg.mode ? g_cfg.mode : HOST_DET_ON;
    } else if (!strcmp(a, "--seed")) {
        const char *s = argv[++*i];
        char *end;
        errno = 0;
        g_cfg.seed = strtoull(s ? s : "", &end, 0);
        if (!s || !*s || *end || errno || *s == '-') {
            fprintf(stderr, "serviceos-sim: --seed takes a number from 0 to 2^64-1, not '%s'\n"
                            "(see serviceos-sim --help)\n", s ? s : "");
            return -1;
        }
        g_seed_given = true;
    } else if (!strcmp(a, "--record") || !strcmp(a, "--replay")) {
        if (g_cfg.file) {
            fprintf(stderr, "serviceos-sim: --record and --replay go alone, once\n");
            return -1;
        }
        g_cfg.mode = a[4] == 'c' ? HOST_DET_RECORD : HOST_DET_REPLAY;
        g_cfg.file = argv[++*i];
        return need_file(a, g_cfg.file);
    } else if (!strcmp(a, "--test-det-jitter")) { /* for tests only: docs/sim.md */
        g_cfg.test_jitter = true;
    } else {
        g_isolate |= !strcmp(a, "--isolate"); /* noted; main's parser takes it */
        return 1;
    }
    return 0;
}

bool sim_det_on(void) { return g_cfg.mode != HOST_DET_OFF; }

static int refuse(const char *what)
{
    fprintf(stderr, "serviceos-sim: %s\n(see serviceos-sim --help)\n", what);
    return -1;
}

int sim_det_check(unsigned cpus, int *headless, int *audio, const char **net, bool net_given)
{
    if (!sim_det_on())
        return g_seed_given ? refuse("--seed goes with --deterministic, --record or --replay") : 0;
    if (g_isolate)
        return refuse("a deterministic run is one host process: with --isolate the host "
                      "schedules each address space's process as it pleases");
    if (cpus != 1)
        return refuse("a deterministic run (--deterministic, --record, --replay) has one vCPU: "
                      "several vCPUs interleave as the host schedules them, and multi-vCPU "
                      "record and replay is not supported; leave out --cpus");
    if (g_cfg.mode == HOST_DET_ON && net_given && strcmp(*net, "none"))
        return refuse("--deterministic needs --net none: a live network's frames come as "
                      "the host's network pleases (--record writes them down)");
    if (*audio == 1)
        return refuse("a deterministic run has no sound (the host's sound clock paces the "
                      "device): leave out --audio sdl");
    if (g_cfg.mode == HOST_DET_REPLAY && g_seed_given)
        return refuse("--replay takes its seed from the record file: leave out --seed");
    host_det = g_cfg.mode;
    host_arena_fixed();
    *headless = 1; /* the window's events and vsync come when the host pleases */
    *audio = 0;
    if (g_cfg.mode == HOST_DET_ON || !net_given)
        *net = "none";
    return 0;
}

static uint64_t fnv(uint64_t h, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

uint64_t sim_det_digest(uint64_t h, const void *buf, size_t len)
{
    if (!h)
        h = 0xcbf29ce484222325ull;
    return fnv(h, buf, len);
}

/*
 * The host lays out the simulator's code, libraries and stacks at random (ASLR), and
 * those addresses reach the guest (a fault report's pc, a program that looks for the
 * core). A deterministic run turns that off for itself and starts again: personality's
 * ADDR_NO_RANDOMIZE, as rr and gdb do. If the host refuses, the run goes on, and says
 * that host addresses will differ.
 */
void sim_det_fixed_layout(char **argv)
{
    int p = personality(0xffffffff);
    if (!sim_det_on() || p == -1 || (p & ADDR_NO_RANDOMIZE))
        return;
    if (personality((unsigned long)p | ADDR_NO_RANDOMIZE) != -1)
        execv("/proc/self/exe", argv);
    fprintf(stderr, "serviceos-sim: cannot turn off address randomisation (%s): host "
                    "addresses seen by the guest will differ between runs\n", strerror(errno));
}

int sim_det_start(uint64_t boot_digest)
{
    if (!sim_det_on())
        return 0;
    char err[512];
    uint8_t net = host_net_present(); /* a card changes the device list */
    g_cfg.boot_digest = sim_det_digest(boot_digest, &net, 1);
    if (g_cfg.mode == HOST_DET_RECORD || g_cfg.mode == HOST_DET_REPLAY)
        g_cfg.disk_digest = host_disk_digest();
    if (host_det_start(&g_cfg, err, sizeof(err))) {
        fprintf(stderr, "serviceos-sim: %s\n", err);
        return 2;
    }
    return 0;
}

int sim_det_replaying(void) { return g_cfg.mode == HOST_DET_REPLAY; }
