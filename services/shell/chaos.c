/*
 * services/shell/chaos.c - fault injection from the shell: `chaos N [seed]` kills a
 * random service N times, waits for each to be restarted and ready, and checks that
 * the kernel's object and handle counts come back to where they were. `chaos N seed
 * SERVICE` kills only that service, without the warm-up: the baseline is taken with
 * every connection to it as first made, so a connection not made again after its
 * restart shows up even when the random warm-up would have hidden it.
 *
 * The console and the shell itself are spared (killing them ends this session).
 * Output is one summary line, so scenario tests can check it. Without a seed the
 * seed comes from the system's entropy (in a deterministic simulator run: from its
 * --seed) and is printed first with the command that repeats the same kills.
 *
 * The counts are compared exactly, each taken once the system is at rest: the shell's
 * own connections to services that were killed are made again (a client keeps the dead
 * end of such a channel until it next uses it, one channel object; which ones are dead
 * would otherwise depend on which services died last), and then the counts must not
 * change for longer than a heartbeat period (services look the status service up
 * again on their next heartbeat). A count that differs after that is a leak.
 *
 * Layer: services (shell).
 */
#include "format.h"
#include "shell.h"

#include <proto/mgr.h>
#include <sl/sys.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define READY_WAIT_NS 5000000000ll
#define SETTLE_NS 1500000000ll      /* unchanged this long: at rest (> STATUS_HEARTBEAT_PERIOD_NS) */
#define SETTLE_MAX_NS 15000000000ll /* else they never settle */
#define SAMPLE_NS 50000000ll

static uint64_t g_rand;

static uint32_t next_rand(void)
{
    g_rand = g_rand * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(g_rand >> 33);
}

static const char *g_only; /* the one service to kill, or NULL: any */

static bool victim(const struct mgr_svc *s)
{
    return strcmp(s->name, "shell") && strcmp(s->name, "console") && s->phase == SVC_READY &&
           (!g_only || !strcmp(s->name, g_only));
}

static bool any_victim(uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (victim(&g_sh.svcs[i]))
            return true;
    return false;
}

/* Wait until `name` is ready with a pid other than `old`. */
static bool wait_restarted(const char *name, uint64_t old)
{
    sos_time_t end = sos_clock_get() + READY_WAIT_NS;
    while (sos_clock_get() < end) {
        uint32_t n;
        if (mgr_list(&g_sh.rm, g_sh.svcs, MGRINFO_MAX, &n) == 0)
            for (uint32_t i = 0; i < n; i++)
                if (!strcmp(g_sh.svcs[i].name, name) && g_sh.svcs[i].phase == SVC_READY &&
                    g_sh.svcs[i].pid && g_sh.svcs[i].pid != old)
                    return true;
        sos_thread_sleep(sos_clock_get() + 200000);
    }
    return false;
}

static int kill_pid(uint64_t pid)
{
    uint8_t b[64], rb[64];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, MGR_KILL);
    sl_msg_put_u64(&req, pid);
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, MGR_KILL);
    return sh_call(&g_sh.rm, &req, &rep);
}

static bool counts(struct sos_info_kstats *k)
{
    return g_sh.kernel && sos_object_get_info(g_sh.kernel, SOS_INFO_KERNEL_STATS, k, sizeof(*k)) > 0;
}

static bool same(const struct sos_info_kstats *a, const struct sos_info_kstats *b)
{
    for (unsigned i = 0; i < SOS_OBJ_KIND_COUNT; i++)
        if (a->objects[i] != b->objects[i])
            return false;
    return a->handles == b->handles;
}

/* The shell's connections to services that were killed: made again now; and the root
 * manager's, which chaos itself uses, made before the baseline rather than after it.
 * Every connection the root manager granted the shell at its start is here (audio too:
 * left out, its dead end after an audio restart was one channel endpoint below the
 * baseline); the ones looked up on first use (network, security) only when held, as
 * a refresh of one never made would start its service. */
static void refresh_own(void)
{
    struct sl_conn_to *own[] = {&g_sh.rm, &g_sh.log, &g_sh.config, &g_sh.status, &g_sh.storage};
    struct sl_conn_to *held[] = {&g_sh.audio, &g_sh.net, &g_sh.sec};
    for (unsigned i = 0; i < sizeof(own) / sizeof(own[0]); i++)
        sl_conn_to_refresh(own[i], sos_deadline_after(READY_WAIT_NS));
    for (unsigned i = 0; i < sizeof(held) / sizeof(held[0]); i++)
        if (held[i]->ch)
            sl_conn_to_refresh(held[i], sos_deadline_after(READY_WAIT_NS));
}

/* Each process's handle count at the baseline, to name the process when a count differs. */
static struct mgr_proc g_base[MGRINFO_MAX];
static uint32_t g_nbase;

static const struct mgr_proc *proc_named(uint32_t n, const char *name)
{
    for (uint32_t i = 0; i < n; i++)
        if (!strcmp(g_sh.procs[i].name, name))
            return &g_sh.procs[i];
    return NULL;
}

/* The processes whose handle counts differ from the baseline's (by process name). */
static void report_processes(void)
{
    uint32_t n;
    if (mgr_ps(&g_sh.rm, g_sh.procs, MGRINFO_MAX, &n))
        return;
    for (uint32_t i = 0; i < g_nbase; i++) {
        const struct mgr_proc *now = proc_named(n, g_base[i].name);
        if (!now || now->handles != g_base[i].handles)
            sh_printf("chaos: %s holds %u handles, %u at the baseline\n", g_base[i].name,
                      now ? now->handles : 0, g_base[i].handles);
    }
}

/* The counts once they have not changed for SETTLE_NS; false if they never settle. */
static bool at_rest(struct sos_info_kstats *k)
{
    refresh_own();
    sos_time_t end = sos_clock_get() + SETTLE_MAX_NS, since = sos_clock_get();
    if (!counts(k))
        return false;
    while (sos_clock_get() < end) {
        sos_thread_sleep(sos_clock_get() + SAMPLE_NS);
        struct sos_info_kstats now;
        if (!counts(&now))
            return false;
        if (!same(k, &now)) {
            *k = now;
            since = sos_clock_get();
        } else if (sos_clock_get() - since >= SETTLE_NS) {
            return true;
        }
    }
    return false;
}

/* One kill of a random victim and the wait for its restart; false on failure. */
static bool one_round(uint32_t *restarts)
{
    uint32_t n, pick[MGRINFO_MAX], np = 0;
    if (mgr_list(&g_sh.rm, g_sh.svcs, MGRINFO_MAX, &n))
        return false;
    for (uint32_t i = 0; i < n; i++)
        if (victim(&g_sh.svcs[i]))
            pick[np++] = i;
    if (np == 0)
        return false;
    struct mgr_svc s = g_sh.svcs[pick[next_rand() % np]];
    if (kill_pid(s.pid) || !wait_restarted(s.name, s.pid)) {
        sh_eprintf("chaos: %s did not come back after a kill\n", s.name);
        return false;
    }
    (*restarts)++;
    return true;
}

void cmd_chaos(int argc, char **argv)
{
    uint64_t n, seed = 1;
    if (!sh_parse_u64(argv[1], 100000, &n) || n == 0 ||
        (argc > 2 && !sh_parse_u64(argv[2], UINT64_MAX, &seed))) {
        sh_eprintf("usage: chaos <kills 1..100000> [seed [service]]\n");
        return;
    }
    if (argc == 2 && sos_entropy_read(&seed, sizeof(seed)) >= 0) {
        seed %= 1000000000; /* short enough to type */
        sh_printf("chaos: seed %llu (the same kills: chaos %llu %llu)\n", (unsigned long long)seed,
                  (unsigned long long)n, (unsigned long long)seed);
    }
    g_rand = seed;
    g_only = argc > 3 ? argv[3] : NULL;
    uint32_t nsvc;
    if (g_only && (mgr_list(&g_sh.rm, g_sh.svcs, MGRINFO_MAX, &nsvc) || !any_victim(nsvc))) {
        sh_eprintf("chaos: '%s' is not a running service that may be killed\n", g_only);
        return;
    }
    struct sos_info_kstats before, after;
    uint32_t restarts = 0, warm = 0;
    if (!g_sh.kernel) {
        sh_eprintf("chaos: no kernel statistics (resource 'kernel' missing)\n");
        return;
    }
    for (int i = 0; i < 3 && !g_only; i++) /* warm up: every slab cache and connection in use */
        one_round(&warm);
    if (!at_rest(&before) || mgr_ps(&g_sh.rm, g_base, MGRINFO_MAX, &g_nbase)) {
        sh_eprintf("chaos: the kernel's counts do not settle before the kills\n");
        return;
    }
    uint64_t kills = 0;
    for (; kills < n; kills++) {
        if (!one_round(&restarts))
            break;
    }
    bool rest = at_rest(&after), back = rest && same(&before, &after);
    sh_printf("chaos: %llu kills, %u restarts, kernel objects %s\n", (unsigned long long)kills,
              restarts, back ? "back to their baseline" : "NOT back to their baseline");
    if (!rest)
        sh_printf("chaos: the counts did not settle within %llu s\n",
                  (unsigned long long)(SETTLE_MAX_NS / 1000000000));
    for (unsigned i = 1; i < SOS_OBJ_KIND_COUNT; i++)
        if (before.objects[i] != after.objects[i])
            sh_printf("chaos: %s: %llu before, %llu after\n", fmt_object_kind(i),
                      (unsigned long long)before.objects[i], (unsigned long long)after.objects[i]);
    if (before.handles != after.handles)
        sh_printf("chaos: handles: %llu before, %llu after\n", (unsigned long long)before.handles,
                  (unsigned long long)after.handles);
    if (!back)
        report_processes();
}
