/*
 * tests/ktest/ktest.c - the runner, the child side of a case, and the shared helpers.
 *
 * The runner (no argument) needs two startup handles: "root-resource" (to power off,
 * and for its own checks) and "init-image" (its own image, to spawn children). For each
 * case it makes a control channel, spawns "ktest case:<name>" with the child end as
 * "ktest-ctl" and a duplicate of the image as "image", waits for the child to end (10 s
 * at most, then kills it) and judges it. It prints
 *
 *     ktest: <case>: ok | FAILED (<reason>) | skipped (<why>)
 *     ok N - <case> | not ok N - <case>      (TAP, for the test runners)
 *
 * and at the end "ktest: N passed, N failed", then sos_system_power(root, SOS_POWER_OFF,
 * 0 if all passed else 1).
 *
 * Layer: tests (user image).
 */
#include "ktest.h"

#include <stdarg.h>

#define CHILD_TIMEOUT_MS 10000
#define REASON_MAX 200
#define MAX_FAULTED 64

struct kt_result {
    struct sos_msg_hdr hdr;
    int32_t ok;
    char reason[REASON_MAX];
};

static sos_handle_t g_ctl;   /* child: the channel to the runner */
static sos_handle_t g_image; /* child: our image, to spawn helpers */
static const char *g_case;

/* ---- checks */

const char *kt_errname(int64_t v)
{
    if (v >= 0 || v < -100)
        return "-";
    return sos_strerror((int)v);
}

static void send_result(int ok, const char *reason)
{
    struct kt_result r = {.ok = ok};
    strlcpy(r.reason, reason, sizeof(r.reason));
    if (g_ctl)
        sos_channel_write(g_ctl, &r, sizeof(r), NULL, 0);
    else
        printf("ktest: %s: %s\n", g_case ? g_case : "?", reason);
}

void kt_fail(int line, const char *fmt, ...)
{
    char msg[REASON_MAX - 16], reason[REASON_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(reason, sizeof(reason), "line %d: %s", line, msg);
    send_result(0, reason);
    exit(1);
}

/* ---- helpers */

sos_handle_t kt_image(void) { return g_image; }

sos_handle_t kt_event(void)
{
    sos_handle_t h;
    KT_OK(sos_event_create(0, &h));
    return h;
}

void kt_channel(sos_handle_t *a, sos_handle_t *b)
{
    sos_handle_t h[2];
    KT_OK(sos_channel_create(0, h));
    *a = h[0];
    *b = h[1];
}

sos_handle_t kt_port(void)
{
    sos_handle_t h;
    KT_OK(sos_port_create(0, &h));
    return h;
}

sos_handle_t kt_vmo(uint64_t size)
{
    sos_handle_t h;
    KT_OK(sos_vmo_create(size, 0, &h));
    return h;
}

void *kt_map(sos_handle_t vmo, uint64_t len, uint32_t prot)
{
    struct sos_vm_map m = {.process = sos_self_process(), .vmo = vmo, .len = len,
                           .prot = prot};
    KT_OK(sos_vm_map(&m));
    return (void *)(uintptr_t)m.addr;
}

struct sos_info_handle kt_handle_info(sos_handle_t h)
{
    struct sos_info_handle i;
    KT_EQ(sos_object_get_info(h, SOS_INFO_HANDLE, &i, sizeof(i)), sizeof(i));
    return i;
}

struct sos_info_process kt_process_info(sos_handle_t proc)
{
    struct sos_info_process i;
    KT_EQ(sos_object_get_info(proc, SOS_INFO_PROCESS, &i, sizeof(i)), sizeof(i));
    return i;
}

sos_rights_t kt_rights(sos_handle_t h) { return kt_handle_info(h).rights; }

sos_handle_t kt_dup(sos_handle_t h, sos_rights_t rights)
{
    sos_handle_t d;
    KT_OK(sos_handle_duplicate(h, rights, &d));
    return d;
}

bool kt_signaled(sos_handle_t h, sos_signals_t signals)
{
    sos_signals_t seen = 0;
    int64_t err = sos_object_wait_one(h, signals, 0, &seen);
    if (err != 0 && err != SOS_ERR_TIMED_OUT)
        kt_fail(__LINE__, "wait_one failed: %s", sos_strerror((int)err));
    return (seen & signals) != 0;
}

void kt_wait(sos_handle_t h, sos_signals_t signals, int ms)
{
    sos_signals_t seen = 0;
    int64_t err = sos_object_wait_one(h, signals, sos_deadline_after(SOS_MS(ms)), &seen);
    if (err)
        kt_fail(__LINE__, "waiting for signals %#x: %s (seen %#x)", signals,
                sos_strerror((int)err), seen);
}

uintptr_t kt_opaque(uintptr_t v)
{
    __asm__ volatile("" : "+r"(v));
    return v;
}

sos_handle_t kt_spawn(const char *name, const char *arg, const struct sos_spawn_handle *hs,
                      uint32_t n)
{
    char args[256];
    int len = snprintf(args, sizeof(args), "ktest%chelper:%s%c%s", 0, name, 0, arg ? arg : "");
    if (!arg)
        len -= 1; /* no third argument */
    struct sos_spawn_args sa = {.image = g_image, .nhandles = n, .name = "kt-helper",
                                .args = args, .args_len = (uint32_t)len + 1, .handles = hs};
    sos_handle_t proc;
    KT_OK(sos_process_spawn(&sa, &proc));
    return proc;
}

struct sos_info_process kt_join(sos_handle_t proc, int ms)
{
    kt_wait(proc, SOS_SIG_TERMINATED, ms);
    return kt_process_info(proc);
}

uint32_t kt_recv(sos_handle_t ch, void *buf, uint32_t cap, int ms)
{
    kt_wait(ch, SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED, ms);
    struct sos_chan_read rd = {.bytes = buf, .bytes_cap = cap};
    KT_OK(sos_channel_read(ch, &rd));
    return rd.actual_bytes;
}

/* ---- the child side */

struct table {
    const struct kt_case *cases;
    const size_t *count;
};

static const struct table g_all[] = {
    {kt_chan_cases, &kt_chan_count},     {kt_rights_cases, &kt_rights_count},
    {kt_vm_cases, &kt_vm_count},         {kt_thread_cases, &kt_thread_count},
    {kt_port_cases, &kt_port_count},     {kt_proc_cases, &kt_proc_count},
    {kt_fault_cases, &kt_fault_count},   {kt_sys_cases, &kt_sys_count},
    {kt_runtime_cases, &kt_runtime_count},
};

static const struct kt_case *find_case(const char *name)
{
    for (size_t t = 0; t < sizeof(g_all) / sizeof(g_all[0]); t++)
        for (size_t i = 0; i < *g_all[t].count; i++)
            if (!strcmp(g_all[t].cases[i].name, name))
                return &g_all[t].cases[i];
    return NULL;
}

static int child_main(const char *name)
{
    g_case = name;
    g_ctl = sos_startup_handle("ktest-ctl");
    g_image = sos_startup_handle("image");
    const struct kt_case *c = find_case(name);
    if (!c)
        kt_fail(__LINE__, "no case named %s", name);
    c->fn();
    if (c->kind == KT_FAULT)
        kt_fail(__LINE__, "the case did not fault");
    send_result(1, "ok");
    return 0;
}

/* ---- the runner */

struct tally {
    unsigned n, passed, failed, skipped;
    sos_koid_t faulted[MAX_FAULTED]; /* children that died by a fault, for the ring check */
    unsigned nfaulted;
};

static struct tally g_tally;
static sos_handle_t g_root;
static struct sos_info_kstats g_stats_before;

static const char *g_fault_names[SOS_FAULT_CLASS_COUNT] = {
    "none", "null dereference", "wild address", "permission", "exec of non-exec",
    "illegal instruction", "arithmetic", "alignment", "breakpoint", "killed", "raw host syscall"};

static const char *fault_name(uint32_t cls)
{
    return cls < SOS_FAULT_CLASS_COUNT ? g_fault_names[cls] : "?";
}

static void report(const struct kt_case *c, int verdict, const char *reason)
{
    g_tally.n++;
    if (verdict > 0) {
        g_tally.passed++;
        printf("ktest: %s: ok\nok %u - %s\n", c->name, g_tally.n, c->name);
    } else if (verdict == 0) {
        g_tally.failed++;
        printf("ktest: %s: FAILED (%s)\nnot ok %u - %s\n", c->name, reason, g_tally.n,
               c->name);
    } else {
        g_tally.skipped++;
        printf("ktest: %s: skipped (%s)\nok %u - %s # SKIP %s\n", c->name, reason,
               g_tally.n, c->name, reason);
    }
}

static int spawn_child(const struct kt_case *c, sos_handle_t image, sos_handle_t *proc,
                       sos_handle_t *ctl)
{
    sos_handle_t ends[2], img, root = 0;
    int64_t err = sos_channel_create(0, ends);
    if (err)
        return (int)err;
    err = sos_handle_duplicate(image, SOS_RIGHT_SAME_RIGHTS, &img);
    if (!err && (c->flags & KT_ROOT_READ))
        err = sos_handle_duplicate(g_root, KT_ROOT_RIGHTS, &root);
    struct sos_spawn_handle hs[3] = {{ends[1], "ktest-ctl"}, {img, "image"},
                                     {root, "root-resource"}};
    char args[96];
    int len = snprintf(args, sizeof(args), "ktest%ccase:%s", 0, c->name);
    char pname[SOS_NAME_MAX];
    snprintf(pname, sizeof(pname), "kt:%s", c->name);
    struct sos_spawn_args sa = {.image = image, .nhandles = root ? 3 : 2, .name = pname,
                                .args = args, .args_len = (uint32_t)len + 1, .handles = hs};
    if (!err)
        err = sos_process_spawn(&sa, proc);
    if (err) {
        sos_handle_close(ends[0]);
        sos_handle_close(ends[1]);
        sos_handle_close(img);
        sos_handle_close(root);
        return (int)err;
    }
    *ctl = ends[0];
    return 0;
}

/* Judge a child that has ended: its report, its state and fault. */
static void judge(const struct kt_case *c, sos_handle_t proc, sos_handle_t ctl)
{
    struct kt_result r = {0};
    struct sos_chan_read rd = {.bytes = &r, .bytes_cap = sizeof(r)};
    bool reported = sos_channel_read(ctl, &rd) == 0 && rd.actual_bytes == sizeof(r);
    r.reason[REASON_MAX - 1] = 0;
    struct sos_info_process info;
    char why[REASON_MAX + 64];
    if (sos_object_get_info(proc, SOS_INFO_PROCESS, &info, sizeof(info)) < 0) {
        report(c, 0, "no process info");
        return;
    }
    if (c->kind == KT_FAULT) {
        if (info.state == SOS_PROC_FAULTED && info.fault.fault_class == c->fault_class) {
            if (g_tally.nfaulted < MAX_FAULTED)
                g_tally.faulted[g_tally.nfaulted++] = info.koid;
            report(c, 1, NULL);
            return;
        }
        if (reported)
            snprintf(why, sizeof(why), "%s", r.reason);
        else
            snprintf(why, sizeof(why), "expected a %s fault, got state %u class %s at %#llx "
                     "pc %#llx", fault_name(c->fault_class), info.state,
                     fault_name(info.fault.fault_class), (unsigned long long)info.fault.address,
                     (unsigned long long)info.fault.pc);
        report(c, 0, why);
        return;
    }
    if (reported && r.ok && info.state == SOS_PROC_EXITED && info.exit_code == 0) {
        report(c, 1, NULL);
        return;
    }
    if (reported && !r.ok)
        snprintf(why, sizeof(why), "%s", r.reason);
    else if (info.state == SOS_PROC_FAULTED)
        snprintf(why, sizeof(why), "the child died: %s at %#llx, pc %#llx",
                 fault_name(info.fault.fault_class), (unsigned long long)info.fault.address,
                 (unsigned long long)info.fault.pc);
    else
        snprintf(why, sizeof(why), "no report; state %u, exit code %d", info.state,
                 info.exit_code);
    report(c, 0, why);
}

static void run_child_case(const struct kt_case *c, sos_handle_t image)
{
    sos_handle_t proc = 0, ctl = 0;
    int err = spawn_child(c, image, &proc, &ctl);
    if (err) {
        char why[96];
        snprintf(why, sizeof(why), "cannot spawn the child: %s", sos_strerror(err));
        report(c, 0, why);
        return;
    }
    sos_signals_t seen;
    int64_t w = sos_object_wait_one(proc, SOS_SIG_TERMINATED,
                                    sos_deadline_after(SOS_MS(CHILD_TIMEOUT_MS)), &seen);
    if (w) {
        sos_process_kill(proc);
        sos_object_wait_one(proc, SOS_SIG_TERMINATED, sos_deadline_after(SOS_MS(1000)), &seen);
        char why[96];
        snprintf(why, sizeof(why), "timed out after %d ms (%s)", CHILD_TIMEOUT_MS,
                 sos_strerror((int)w));
        report(c, 0, why);
    } else {
        judge(c, proc, ctl);
    }
    sos_handle_close(proc);
    sos_handle_close(ctl);
}

/* ---- runner cases: they run here, with the root resource and the run's history */

static bool runner_check(bool ok, const char *what, char *why, size_t n)
{
    if (!ok)
        snprintf(why, n, "%s", what);
    return ok;
}

static void kstats(struct sos_info_kstats *k)
{
    *k = (struct sos_info_kstats){0};
    sos_object_get_info(g_root, SOS_INFO_KERNEL_STATS, k, sizeof(*k));
}

/* Every child that died by a fault left a record in the kernel's fault ring. */
static int runner_fault_records(char *why, size_t n)
{
    struct sos_fault_record recs[16];
    bool seen[MAX_FAULTED] = {0};
    int64_t got;
    while ((got = sos_fault_read(g_root, recs, 16)) > 0)
        for (int64_t i = 0; i < got; i++)
            for (unsigned f = 0; f < g_tally.nfaulted; f++)
                if (recs[i].process == g_tally.faulted[f])
                    seen[f] = true;
    if (got < 0) {
        snprintf(why, n, "fault_read: %s", sos_strerror((int)got));
        return 0;
    }
    for (unsigned f = 0; f < g_tally.nfaulted; f++)
        if (!seen[f]) {
            snprintf(why, n, "no fault record for process %llu",
                     (unsigned long long)g_tally.faulted[f]);
            return 0;
        }
    return runner_check(g_tally.nfaulted > 0, "no child faulted", why, n);
}

/* After every child is gone and its handles closed, the kernel holds what it held. */
static int runner_no_leaks(char *why, size_t n)
{
    struct sos_info_kstats now;
    for (int tries = 0; tries < 50; tries++) { /* let the last teardown finish */
        kstats(&now);
        bool same = true;
        for (unsigned k = 0; k < SOS_OBJ_KIND_COUNT; k++)
            same = same && now.objects[k] == g_stats_before.objects[k];
        if (same && now.handles == g_stats_before.handles)
            return 1;
        sos_thread_sleep(sos_deadline_after(SOS_MS(10)));
    }
    static const char *kinds[SOS_OBJ_KIND_COUNT] = {"none", "process", "thread", "channel",
        "port", "event", "vmo", "timer", "interrupt", "resource", "revoker", "device"};
    for (unsigned k = 0; k < SOS_OBJ_KIND_COUNT; k++)
        if (now.objects[k] != g_stats_before.objects[k]) {
            snprintf(why, n, "%s objects: %llu before the run, %llu after", kinds[k],
                     (unsigned long long)g_stats_before.objects[k],
                     (unsigned long long)now.objects[k]);
            return 0;
        }
    snprintf(why, n, "handles: %llu before the run, %llu after",
             (unsigned long long)g_stats_before.handles, (unsigned long long)now.handles);
    return 0;
}

struct runner_case {
    const char *name;
    int (*fn)(char *why, size_t n);
};

static const struct runner_case g_runner_cases[] = {
    {"runner_fault_records", runner_fault_records},
    {"runner_no_leaks", runner_no_leaks},
};

static int runner_main(void)
{
    g_root = sos_startup_handle("root-resource");
    sos_handle_t image = sos_startup_handle("init-image");
    if (!g_root || !image) {
        printf("ktest: needs the startup handles root-resource and init-image\n");
        return 2;
    }
    unsigned total = 0;
    for (size_t t = 0; t < sizeof(g_all) / sizeof(g_all[0]); t++)
        total += (unsigned)*g_all[t].count;
    total += sizeof(g_runner_cases) / sizeof(g_runner_cases[0]);
    printf("ktest: %u cases\n1..%u\n", total, total);
    kstats(&g_stats_before);
    for (size_t t = 0; t < sizeof(g_all) / sizeof(g_all[0]); t++)
        for (size_t i = 0; i < *g_all[t].count; i++) {
            const struct kt_case *c = &g_all[t].cases[i];
#ifndef __x86_64__
            if (c->flags & KT_X86_ONLY) {
                report(c, -1, "the CPU does not trap on this");
                continue;
            }
#endif
            run_child_case(c, image);
        }
    for (size_t i = 0; i < sizeof(g_runner_cases) / sizeof(g_runner_cases[0]); i++) {
        char why[REASON_MAX] = "";
        struct kt_case c = {g_runner_cases[i].name, NULL, KT_RUNNER, 0, 0};
        report(&c, g_runner_cases[i].fn(why, sizeof(why)) ? 1 : 0, why);
    }
    printf("ktest: %u passed, %u failed\n", g_tally.passed, g_tally.failed);
    int status = g_tally.failed ? 1 : 0;
    sos_system_power(g_root, SOS_POWER_OFF, status);
    return status; /* only if power-off was refused */
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strncmp(argv[1], "case:", 5))
        return child_main(argv[1] + 5);
    if (argc >= 2 && !strncmp(argv[1], "helper:", 7)) {
        g_image = sos_startup_handle("image");
        return kt_helper_main(argv[1] + 7, argc, argv);
    }
    return runner_main();
}
