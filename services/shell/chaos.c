/*
 * services/shell/chaos.c - fault injection from the shell: `chaos N [seed]` kills a
 * random service N times, waits for each to be restarted and ready, and checks that
 * the kernel's object and handle counts come back to where they were.
 *
 * The console and the shell itself are spared (killing them ends this session).
 * Output is one summary line, so scenario tests can check it.
 *
 * Layer: services (shell).
 */
#include "shell.h"

#include <proto/mgr.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define READY_WAIT_NS 5000000000ll
#define SETTLE_NS 2000000000ll

static uint64_t g_rand;

static uint32_t next_rand(void)
{
    g_rand = g_rand * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(g_rand >> 33);
}

static bool victim(const struct mgr_svc *s)
{
    return strcmp(s->name, "shell") && strcmp(s->name, "console") && s->phase == SVC_READY;
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
        sh_printf("chaos: %s did not come back after a kill\n", s.name);
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
        sh_eprintf("usage: chaos <kills 1..100000> [seed]\n");
        return;
    }
    g_rand = seed;
    struct sos_info_kstats before, after;
    uint32_t restarts = 0, warm = 0;
    for (int i = 0; i < 3; i++) /* warm up: every slab cache and connection in use */
        one_round(&warm);
    if (!counts(&before)) {
        sh_eprintf("chaos: no kernel statistics (resource 'kernel' missing)\n");
        return;
    }
    uint64_t kills = 0;
    for (; kills < n; kills++) {
        if (!one_round(&restarts))
            break;
    }
    /* services finish their restart chores (lookups, heartbeats) within a moment */
    sos_time_t end = sos_clock_get() + SETTLE_NS;
    bool back = false;
    while (!back && sos_clock_get() < end) {
        back = counts(&after) && same(&before, &after);
        if (!back)
            sos_thread_sleep(sos_clock_get() + 10000000);
    }
    sh_printf("chaos: %llu kills, %u restarts, kernel objects %s\n", (unsigned long long)kills,
              restarts, back ? "back to their baseline" : "NOT back to their baseline");
    if (!back)
        for (unsigned i = 0; i < SOS_OBJ_KIND_COUNT; i++)
            if (before.objects[i] != after.objects[i])
                sh_printf("chaos: kind %u: %llu before, %llu after\n", i,
                          (unsigned long long)before.objects[i], (unsigned long long)after.objects[i]);
}
