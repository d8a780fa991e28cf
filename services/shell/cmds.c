/*
 * services/shell/cmds.c - the command table, and the commands about services and
 * processes: help, echo, services, service, start, stop, restart, status, ps, kill,
 * poweroff, reboot.
 *
 * Layer: services (shell).
 */
#include "shell.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proto/mgr.h>
#include <proto/status.h>

#define SETTLE_NS 5000000000ll /* start/stop/restart wait this long to see the result */
#define SETTLE_STARTING_NS 60000000000ll /* ... and this long for a start under way */
#define SETTLE_POLL_NS 20000000ll

static void cmd_help(int argc, char **argv);

/* ---- fetching */

static bool fetch_list(uint32_t *n)
{
    int err = mgr_list(&g_sh.rm, g_sh.svcs, MGRINFO_MAX, n);
    if (err)
        sh_eprintf("cannot list services: %s\n", sh_errtext(err));
    return !err;
}

bool sh_services_settling(void)
{
    uint32_t n;
    if (mgr_list(&g_sh.rm, g_sh.svcs, MGRINFO_MAX, &n))
        return false;
    for (uint32_t i = 0; i < n; i++)
        if (g_sh.svcs[i].phase == SVC_STARTING)
            return true;
    return false;
}

static bool fetch_ps(uint32_t *n)
{
    int err = mgr_ps(&g_sh.rm, g_sh.procs, MGRINFO_MAX, n);
    if (err)
        sh_eprintf("cannot list processes: %s\n", sh_errtext(err));
    return !err;
}

static const struct mgr_svc *find_svc(uint32_t n, const char *name)
{
    for (uint32_t i = 0; i < n; i++)
        if (!strcmp(g_sh.svcs[i].name, name))
            return &g_sh.svcs[i];
    return NULL;
}

static const char *flags_text(char *buf, size_t size, uint32_t f)
{
    snprintf(buf, size, "%s%s%s%s", f & MGR_SVC_CRITICAL ? "critical" : "",
             (f & MGR_SVC_CRITICAL) && (f & (MGR_SVC_OPTIONAL | MGR_SVC_ON_DEMAND)) ? "," : "",
             f & MGR_SVC_OPTIONAL ? "optional" : "",
             f & MGR_SVC_ON_DEMAND ? (f & MGR_SVC_OPTIONAL ? ",on-demand" : "on-demand") : "");
    if (!buf[0])
        snprintf(buf, size, "-");
    return buf;
}

/* ---- simple commands */

static void cmd_echo(int argc, char **argv)
{
    char line[1024];
    if (!sh_join(argc - 1, argv + 1, line, sizeof(line)))
        line[0] = 0;
    sh_printf("%s\n", line);
}

static void cmd_services(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    uint32_t n;
    if (!fetch_list(&n))
        return;
    int w = 10; /* the name column: as wide as the longest name */
    for (uint32_t i = 0; i < n; i++)
        if ((int)strlen(g_sh.svcs[i].name) > w)
            w = (int)strlen(g_sh.svcs[i].name);
    sh_printf("%-*s %-21s %s\n", w, "SERVICE", "PHASE", "FLAGS");
    for (uint32_t i = 0; i < n; i++) {
        const struct mgr_svc *s = &g_sh.svcs[i];
        char f[40], t[32];
        sh_printf("%-*s %-21s %-18s restarts %u  pid %llu", w, s->name, svc_phase_name(s->phase),
                  flags_text(f, sizeof(f), s->flags), s->restarts, (unsigned long long)s->pid);
        if (s->phase == SVC_READY)
            sh_printf("  ready in %s\n", fmt_ms(t, sizeof(t), s->ready_ns));
        else
            sh_printf("  %s\n", s->detail[0] ? s->detail : "-");
    }
}

/* Health of `name` from the status service (or NULL when it cannot tell). */
static const char *health_of(const char *name)
{
    uint8_t b[32];
    uint8_t *rb = malloc(SOS_CHANNEL_MAX_BYTES);
    static char result[16];
    struct sl_msg req, rep;
    if (!rb)
        return NULL;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, STATUS_QUERY);
    sl_msg_begin(&rep, rb, SOS_CHANNEL_MAX_BYTES, NULL, 0, STATUS_QUERY);
    const char *found = NULL;
    struct sl_parse p;
    if (!sh_call(&g_sh.status, &req, &rep) && !sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL)) {
        sl_parse_u64(&p);
        sl_parse_u32(&p);
        uint32_t n = sl_parse_u32(&p);
        for (uint32_t i = 0; i < n && !p.bad && !found; i++) {
            const char *nm = sl_parse_str(&p, NULL);
            uint32_t h = sl_parse_u32(&p);
            sl_parse_u32(&p);
            sl_parse_u64(&p);
            sl_parse_u32(&p);
            sl_parse_u64(&p);
            sl_parse_u64(&p);
            sl_parse_u64(&p);
            sl_parse_str(&p, NULL);
            if (!p.bad && nm && !strcmp(nm, name)) {
                snprintf(result, sizeof(result), "%s", health_name(h));
                found = result;
            }
        }
    }
    free(rb);
    return found;
}

static void cmd_service(int argc, char **argv)
{
    (void)argc;
    uint32_t n, np = 0;
    if (!fetch_list(&n))
        return;
    const struct mgr_svc *s = find_svc(n, argv[1]);
    if (!s) {
        sh_eprintf("service: no service '%s' (see 'services')\n", argv[1]);
        return;
    }
    char f[40], t[32];
    const char *health = health_of(s->name);
    sh_printf("service %s\n", s->name);
    sh_printf("  phase     %s\n", svc_phase_name(s->phase));
    sh_printf("  health    %s\n", health ? health : "unknown (no answer from status)");
    sh_printf("  flags     %s\n", flags_text(f, sizeof(f), s->flags));
    sh_printf("  detail    %s\n", s->detail[0] ? s->detail : "-");
    sh_printf("  restarts  %u\n", s->restarts);
    sh_printf("  ready in  %s\n", fmt_ms(t, sizeof(t), s->ready_ns));
    const struct mgr_proc *pr = s->pid && fetch_ps(&np) ? mgr_proc_of(g_sh.procs, np, s->name) : NULL;
    if (!pr) {
        sh_printf("  process   none\n");
        return;
    }
    sh_printf("  pid       %llu\n", (unsigned long long)pr->pid);
    sh_printf("  cpu       %s\n", fmt_ms(t, sizeof(t), pr->cpu_ns));
    sh_printf("  memory    %s\n", fmt_kib(t, sizeof(t), pr->mapped_bytes));
    sh_printf("  threads   %u\n", pr->threads);
    sh_printf("  handles   %u\n", pr->handles);
}

/* ---- start, stop, restart */

static int mgr_simple(uint32_t ordinal, const char *name)
{
    uint8_t b[96], rb[64];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, ordinal);
    sl_msg_put_str(&req, name);
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, ordinal);
    int err = sl_msg_finish(&req);
    return err ? err : sh_call(&g_sh.rm, &req, &rep);
}

/*
 * Wait (a few seconds at most) until `name` has settled, and say how it is. A start
 * still under way after SETTLE_NS is waited for longer (up to SETTLE_STARTING_NS): the
 * root manager ends it by the service's ready_timeout, and a slow machine (QEMU without
 * KVM) may need more than a few seconds for a service that does its work at start.
 */
void sh_settle(const char *name, bool want_running)
{
    sos_time_t until = sos_deadline_after(SETTLE_NS);
    sos_time_t cap = sos_deadline_after(SETTLE_STARTING_NS);
    const struct mgr_svc *s = NULL;
    for (;;) {
        uint32_t n;
        if (mgr_list(&g_sh.rm, g_sh.svcs, MGRINFO_MAX, &n) || !(s = find_svc(n, name)))
            return;
        bool settled = want_running ? s->phase == SVC_READY || s->phase == SVC_DEGRADED ||
                                          s->phase == SVC_EXITED
                                    : s->phase != SVC_READY && s->phase != SVC_STARTING;
        sos_time_t now = sos_clock_get();
        bool starting = want_running && s->phase == SVC_STARTING;
        if (settled || (now >= until && !starting) || now >= cap)
            break;
        sos_thread_sleep(sos_deadline_after(SETTLE_POLL_NS));
    }
    if (!want_running && s->phase == SVC_EXITED)
        sh_printf("%s: stopped\n", name);
    else if (s->phase == SVC_READY || !s->detail[0])
        sh_printf("%s: %s\n", name, svc_phase_name(s->phase));
    else
        sh_printf("%s: %s (%s)\n", name, svc_phase_name(s->phase), s->detail);
}

static void service_op(uint32_t ordinal, const char *verb, const char *name, bool want_running)
{
    int err = mgr_simple(ordinal, name);
    if (err == SOS_ERR_NOT_FOUND)
        sh_eprintf("%s: no service '%s' (see 'services')\n", verb, name);
    else if (err == SOS_ERR_ALREADY_EXISTS)
        sh_eprintf("%s: %s is already running\n", verb, name);
    else if (err == SOS_ERR_BAD_STATE)
        sh_eprintf("%s: %s is not running\n", verb, name);
    else if (err)
        sh_eprintf("%s %s: %s\n", verb, name, sh_errtext(err));
    else
        sh_settle(name, want_running);
}

static void cmd_start(int argc, char **argv)
{
    (void)argc;
    service_op(MGR_START, "start", argv[1], true);
}

static void cmd_stop(int argc, char **argv)
{
    (void)argc;
    if (!strcmp(argv[1], "shell") || !strcmp(argv[1], "console")) {
        sh_eprintf("stop: stopping %s would leave no way to type; use restart\n", argv[1]);
        return;
    }
    service_op(MGR_STOP, "stop", argv[1], false);
}

static void cmd_restart(int argc, char **argv)
{
    (void)argc;
    service_op(MGR_RESTART, "restart", argv[1], true);
}

/* ---- status, ps, kill */

static void print_status_entry(struct sl_parse *p)
{
    char t[32], m[32], hb[48];
    const char *name = sl_parse_str(p, NULL);
    uint32_t health = sl_parse_u32(p), phase = sl_parse_u32(p);
    uint64_t pid = sl_parse_u64(p);
    uint32_t restarts = sl_parse_u32(p);
    uint64_t age = sl_parse_u64(p), cpu = sl_parse_u64(p), mem = sl_parse_u64(p);
    sl_parse_str(p, NULL);
    if (p->bad)
        return;
    if (age == ~0ull)
        snprintf(hb, sizeof(hb), "-");
    else
        fmt_ms(hb, sizeof(hb), age);
    sh_printf("%-10s %-11s %-21s restarts %u  pid %llu  cpu %s  mem %s  heartbeat %s\n", name,
              health_name(health), svc_phase_name(phase), restarts, (unsigned long long)pid,
              fmt_ms(t, sizeof(t), cpu), fmt_kib(m, sizeof(m), mem), hb);
}

static void cmd_status(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    uint8_t b[32];
    uint8_t *rb = malloc(SOS_CHANNEL_MAX_BYTES);
    struct sl_msg req, rep;
    struct sl_parse p;
    if (!rb)
        return;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, STATUS_QUERY);
    sl_msg_begin(&rep, rb, SOS_CHANNEL_MAX_BYTES, NULL, 0, STATUS_QUERY);
    int err = sh_call(&g_sh.status, &req, &rep);
    if (!err)
        err = sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL);
    if (err) {
        sh_eprintf("status: %s\n", sh_errtext(err));
        free(rb);
        return;
    }
    char t[32];
    uint64_t uptime = sl_parse_u64(&p);
    uint32_t overall = sl_parse_u32(&p), n = sl_parse_u32(&p);
    sh_printf("overall: %s  uptime %s\n", health_name(overall), fmt_s(t, sizeof(t), uptime));
    sh_printf("%-10s %-11s %s\n", "SERVICE", "HEALTH", "PHASE");
    for (uint32_t i = 0; i < n && !p.bad; i++)
        print_status_entry(&p);
    if (sl_parse_end(&p))
        sh_eprintf("status: the answer was malformed\n");
    free(rb);
}

static void cmd_ps(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    uint32_t n;
    if (!fetch_ps(&n))
        return;
    sh_printf("%-12s %-8s %s\n", "NAME", "STATE", "SERVICE");
    for (uint32_t i = 0; i < n; i++) {
        const struct mgr_proc *p = &g_sh.procs[i];
        char t[32], m[32];
        sh_printf("%-12s %-8s %-10s pid %llu  cpu %s  mem %s  threads %u  handles %u\n", p->name,
                  sos_proc_state_name(p->state), p->service, (unsigned long long)p->pid,
                  fmt_ms(t, sizeof(t), p->cpu_ns), fmt_kib(m, sizeof(m), p->mapped_bytes),
                  p->threads, p->handles);
    }
}

static void cmd_kill(int argc, char **argv)
{
    (void)argc;
    uint64_t pid;
    const char *who = argv[1];
    if (!sh_parse_u64(argv[1], UINT64_MAX, &pid) || pid == 0) {
        uint32_t n;
        if (!fetch_list(&n))
            return;
        const struct mgr_svc *s = find_svc(n, argv[1]);
        if (!s) {
            sh_eprintf("kill: '%s' is neither a pid nor a service (see 'ps', 'services')\n", argv[1]);
            return;
        }
        if (!s->pid) {
            sh_eprintf("kill: %s is not running\n", s->name);
            return;
        }
        pid = s->pid;
    }
    uint8_t b[64], rb[64];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, MGR_KILL);
    sl_msg_put_u64(&req, pid);
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, MGR_KILL);
    int err = sh_call(&g_sh.rm, &req, &rep);
    if (err == SOS_ERR_NOT_FOUND)
        sh_eprintf("kill: no process %llu that the root manager started\n", (unsigned long long)pid);
    else if (err)
        sh_eprintf("kill: %s\n", sh_errtext(err));
    else
        sh_printf("killed %s\n", who);
}

static void cmd_poweroff(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    sh_printf("powering off\n");
    sh_flush();
    sh_power(SOS_POWER_OFF);
}

static void cmd_reboot(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    sh_printf("rebooting\n");
    sh_flush();
    sh_power(SOS_POWER_REBOOT);
}

/* ---- the table */

const struct sh_cmd g_sh_cmds[] = {
    {"help", "", "this list", 0, 0, cmd_help},
    {"services", "", "every service, its phase and restarts", 0, 0, cmd_services},
    {"service", "<name>", "one service in detail", 1, 1, cmd_service},
    {"start", "<name>", "start a service", 1, 1, cmd_start},
    {"stop", "<name>", "stop a service", 1, 1, cmd_stop},
    {"restart", "<name>", "restart a service (ignores its restart budget)", 1, 1, cmd_restart},
    {"status", "", "health of every service, uptime, CPU time, memory", 0, 0, cmd_status},
    {"ps", "", "every process the root manager started", 0, 0, cmd_ps},
    {"kill", "<pid|service>", "kill a process", 1, 1, cmd_kill},
    {"logs", "[N] [--follow] [--service S] [--severity L]", "the last N log records (follow: until Ctrl-C)",
     0, 8, cmd_logs},
    {"config", "get <key> | set <key> <value> | list [prefix]", "read and change settings", 1,
     SH_MAX_ARGS, cmd_config},
    {"mem", "", "kernel memory, object counts, counters (syscalls, IPC messages)", 0, 0, cmd_mem},
    {"uptime", "[--wait [seconds]]",
     "time since boot and how long the boot took; --wait first waits until every service is ready",
     0, 2, cmd_uptime},
    {"date", "", "the clock of day (UTC), from the host in the simulator and the RTC on QEMU", 0,
     0, cmd_date},
    {"echo", "[text...]", "print the words given", 0, SH_MAX_ARGS, cmd_echo},
    {"run", "<image> [args...]",
     "run a program from the boot store ('run image <path>': one saved in storage), wait for its end (Ctrl-C kills it); one with a manifest (gfxdemo) starts as its service",
     1, SH_MAX_ARGS, cmd_run},
    {"audit", "[N]", "the last N capability audit records, and whether the chain verifies", 0,
     1, cmd_audit},
    {"chaos", "<kills> [seed [service]]",
     "fault injection: kill random services (or one), check restarts and kernel counts", 1, 3,
     cmd_chaos},
    {"ls", "[path]", "list a directory of the store", 0, 1, cmd_storage},
    {"cat", "<path>", "print a file", 1, 1, cmd_storage},
    {"write", "<path> <text...>", "write the text (and a newline) to a file, durably", 1, SH_MAX_ARGS,
     cmd_storage},
    {"mkdir", "<path>", "make a directory", 1, 1, cmd_storage},
    {"rm", "<path>", "remove a file or an empty directory", 1, 1, cmd_storage},
    {"mv", "<from> <to>", "rename, atomically", 2, 2, cmd_storage},
    {"cp", "<from> <to>", "copy a file (from /boot too), durably", 2, 2, cmd_storage},
    {"df", "", "the store's size and free space", 0, 0, cmd_storage},
    {"sha256", "<path>", "the SHA-256 of a file, read back from the store", 1, 1, cmd_sha256},
    {"fsck", "[--repair]", "check the store (every block's checksum and every invariant); --repair fixes it", 0, 1, cmd_storage},
    {"store", "ls|cat|write|mkdir|rm|mv|cp|df|mounts|fsck|sync ...", "the storage commands", 1, SH_MAX_ARGS,
     cmd_store},
    {"net", "ifaces|route|stats|resolve|ping|connect|udp|listen|http ...",
     "the network: interfaces, routes, names, ping, TCP, UDP, HTTP(S) (net alone: usage)", 1,
     SH_MAX_ARGS, cmd_net},
    {"pkg", "list|search|show|install|update|remove|rollback|history|verify|repair|gc|repo|trust|keys|policy ...",
     "packages (docs/packages.md)", 1, SH_MAX_ARGS, cmd_pkg},
    {"gfx", "outputs|surfaces|sessions|screenshot <path> [id]|mode <w>x<h>", "the graphics service: outputs, surfaces, screenshots, the mode",
     1, 3, cmd_gfx},
    {"desktop", "start|apps|windows|launch <app>|notify <text>|workspace <n>|dump",
     "the desktop shell: its apps, windows, notifications, a dump of every widget", 1, SH_MAX_ARGS,
     cmd_desktop},
    {"audio", "endpoints|tone|play|streams|volume|mute ...",
     "sound: endpoints, a test tone, a WAV file from storage, streams, volume", 1, 4, cmd_audio},
    {"security", "apps|policy|pending|approve|deny|revoke|grants|trust|audit ...",
     "launch policy, approvals, trust and the audit history (security alone: usage)", 1, 4, cmd_security},
    {"poweroff", "", "stop every service in order and power off", 0, 0, cmd_poweroff},
    {"reboot", "", "stop every service in order and reboot", 0, 0, cmd_reboot},
};
const size_t g_sh_ncmds = sizeof(g_sh_cmds) / sizeof(g_sh_cmds[0]);

static void cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    for (size_t i = 0; i < g_sh_ncmds; i++) {
        char head[80];
        snprintf(head, sizeof(head), "%s%s%s", g_sh_cmds[i].name, g_sh_cmds[i].usage[0] ? " " : "",
                 g_sh_cmds[i].usage);
        sh_printf("  %-50s %s\n", head, g_sh_cmds[i].help);
    }
}

static void run_words(char *line);

/*
 * A line, with `> path` redirection: the command's own output (what the shell prints
 * for it; not what a program started by `run` writes to the console itself) replaces
 * the file at path in storage, synced, instead of going to the console.
 */
void sh_run_line(char *line)
{
    char *path = NULL;
    const char *err = NULL;
    int r = sh_split_redirect(line, &path, &err);
    if (r < 0) {
        sh_eprintf("error: %s\n", err);
        return;
    }
    if (r == 0) {
        run_words(line);
        return;
    }
    sh_flush(); /* what came before goes to the console */
    g_sh.capturing = true;
    g_sh.cap_len = 0;
    g_sh.cap_overflow = false;
    g_sh.redirect = path;
    g_sh.redirect_claimed = false;
    run_words(line);
    sh_flush();
    g_sh.capturing = false;
    g_sh.redirect = NULL;
    if (g_sh.cap_overflow)
        sh_eprintf("%s: the output was cut at %zu bytes\n", path, g_sh.cap_len);
    if (!g_sh.redirect_claimed)
        sh_store_put(path, g_sh.cap ? g_sh.cap : "", g_sh.cap_len);
    free(g_sh.cap);
    g_sh.cap = NULL;
    g_sh.cap_len = g_sh.cap_size = 0;
}

const char *sh_claim_redirect(void)
{
    if (!g_sh.capturing || !g_sh.redirect)
        return NULL;
    sh_flush();
    g_sh.capturing = false;
    g_sh.redirect_claimed = true;
    return g_sh.redirect;
}

static void run_words(char *line)
{
    char *argv[SH_MAX_ARGS];
    const char *err;
    int argc = sh_tokenize(line, argv, SH_MAX_ARGS, &err);
    if (argc < 0) {
        sh_eprintf("error: %s\n", err);
        return;
    }
    if (argc == 0)
        return;
    for (size_t i = 0; i < g_sh_ncmds; i++) {
        const struct sh_cmd *c = &g_sh_cmds[i];
        if (strcmp(c->name, argv[0]))
            continue;
        if (argc - 1 < c->min_args || argc - 1 > c->max_args)
            sh_eprintf("usage: %s %s\n", c->name, c->usage);
        else
            c->fn(argc, argv);
        return;
    }
    sh_eprintf("unknown command '%.64s' (try 'help')\n", argv[0]);
}
