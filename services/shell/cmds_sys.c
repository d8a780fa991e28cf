/*
 * services/shell/cmds_sys.c - the commands about the system's data: logs, config, mem,
 * uptime, audit, run.
 *
 * Layer: services (shell).
 */
#include "shell.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"

#include <proto/config.h>
#include <proto/log.h>
#include <proto/mgr.h>

#define AUDIT_CHECK 512u /* records re-walked for the chain check */
#define AUDIT_BATCH 64u  /* the kernel's limit per audit_read */

/* ---- logs */

/* Print one record from p; returns its seq (0 when malformed). */
static uint64_t print_record(struct sl_parse *p, uint64_t after)
{
    uint64_t seq = sl_parse_u64(p), t = sl_parse_u64(p);
    uint32_t sev = sl_parse_u32(p);
    const char *src = sl_parse_str(p, NULL), *msg = sl_parse_str(p, NULL);
    if (p->bad)
        return 0;
    if (seq > after) {
        char line[LOG_MESSAGE_MAX + 96];
        fmt_log_line(line, sizeof(line), seq, t, sev, src, msg);
        sh_printf("%s\n", line);
    }
    return seq;
}

/* The default least severity: config's log.minimum_severity, else info. */
static uint32_t default_severity(void)
{
    uint8_t b[96], rb[CONFIG_VALUE_MAX + 64];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, CONFIG_GET);
    sl_msg_put_str(&req, "log.minimum_severity");
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, CONFIG_GET);
    struct sl_parse p;
    static const char *const names[] = {"debug", "info", "notice", "warning", "error", "critical"};
    if (sh_call(&g_sh.config, &req, &rep) || sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL))
        return LOG_INFO;
    sl_parse_u32(&p);
    const char *v = sl_parse_str(&p, NULL);
    for (uint32_t i = 0; v && i < LOG_SEVERITY_COUNT; i++)
        if (!strcmp(v, names[i]))
            return i;
    return LOG_INFO;
}

/* Show the last records; returns the newest seq shown (0: none), or -1 on error. */
static int64_t show_records(const struct logs_args *a)
{
    uint8_t b[96];
    uint8_t *rb = malloc(SOS_CHANNEL_MAX_BYTES);
    struct sl_msg req, rep;
    struct sl_parse p;
    if (!rb)
        return -1;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, LOG_QUERY);
    sl_msg_put_u32(&req, a->count);
    sl_msg_put_u32(&req, a->min_severity);
    sl_msg_put_str(&req, a->source);
    sl_msg_begin(&rep, rb, SOS_CHANNEL_MAX_BYTES, NULL, 0, LOG_QUERY);
    int err = sh_call(&g_sh.log, &req, &rep);
    if (!err)
        err = sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL);
    int64_t last = 0;
    if (!err) {
        uint32_t n = sl_parse_u32(&p);
        for (uint32_t i = 0; i < n && !p.bad; i++) {
            uint64_t seq = print_record(&p, 0);
            last = seq ? (int64_t)seq : last;
        }
        err = sl_parse_end(&p);
    }
    free(rb);
    if (err) {
        sh_eprintf("logs: %s\n", sh_errtext(err));
        return -1;
    }
    return last;
}

/* Print follow records as they come, until Ctrl-C or the log goes away. */
static void follow(sos_handle_t ch, uint64_t after)
{
    uint8_t buf[LOG_MESSAGE_MAX + 128];
    for (;;) {
        struct sos_chan_read rd = {.bytes = buf, .bytes_cap = sizeof(buf)};
        int err = (int)sos_channel_read(ch, &rd);
        if (err == SOS_ERR_SHOULD_WAIT) {
            sh_flush();
            int w = sh_wait(ch);
            if (w == SH_WAIT_READY)
                continue;
            if (w != SH_WAIT_INTERRUPT)
                sh_eprintf("logs: follow ended (%s)\n", w == SH_WAIT_CONSOLE_GONE ? "console gone" : "wait failed");
            return;
        }
        if (err == SOS_ERR_BUFFER_TOO_SMALL)
            continue; /* cannot happen with records of at most LOG_MESSAGE_MAX */
        if (err) {
            sh_eprintf("logs: the log service went away\n");
            return;
        }
        struct sl_parse p;
        struct sos_msg_hdr h;
        if (!sl_parse_begin(&p, buf, rd.actual_bytes, NULL, 0, &h) && h.ordinal == LOG_RECORD)
            print_record(&p, after);
    }
}

void cmd_logs(int argc, char **argv)
{
    struct logs_args a;
    char err[128];
    if (sh_parse_logs(argc, argv, &a, err, sizeof(err))) {
        sh_eprintf("%s\nusage: logs [N] [--follow] [--service S] [--severity L]\n", err);
        return;
    }
    if (!a.severity_given)
        a.min_severity = default_severity();
    sos_handle_t ch[2] = {0, 0};
    if (a.follow) { /* follow first, then query, so nothing falls in between */
        uint8_t b[96], rb[64];
        sos_handle_t hb[1];
        struct sl_msg req, rep;
        int e = (int)sos_channel_create(0, ch);
        if (!e) {
            sl_msg_begin(&req, b, sizeof(b), hb, 1, LOG_FOLLOW);
            sl_msg_put_u32(&req, a.min_severity);
            sl_msg_put_str(&req, a.source);
            sl_msg_put_handle(&req, ch[1]);
            sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, LOG_FOLLOW);
            e = sh_call(&g_sh.log, &req, &rep);
            sos_handle_close(ch[1]);
        }
        if (e) {
            sh_eprintf("logs: cannot follow: %s\n", sh_errtext(e));
            if (ch[0])
                sos_handle_close(ch[0]);
            return;
        }
    }
    int64_t last = show_records(&a);
    if (a.follow) {
        if (last >= 0)
            follow(ch[0], (uint64_t)last);
        sos_handle_close(ch[0]);
    }
}

/* ---- config */

int sh_config_get(const char *key, uint32_t *type, char *value, size_t size)
{
    uint8_t b[CONFIG_KEY_MAX + 64], rb[CONFIG_VALUE_MAX + 64];
    struct sl_msg req, rep;
    struct sl_parse p;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, CONFIG_GET);
    sl_msg_put_str(&req, key);
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, CONFIG_GET);
    int err = sl_msg_finish(&req);
    if (!err)
        err = sh_call(&g_sh.config, &req, &rep);
    if (!err)
        err = sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL);
    if (err)
        return err;
    *type = sl_parse_u32(&p);
    const char *v = sl_parse_str(&p, NULL);
    snprintf(value, size, "%s", v ? v : "");
    return sl_parse_end(&p);
}

static void config_show(const char *key)
{
    char value[CONFIG_VALUE_MAX];
    uint32_t type;
    int err = sh_config_get(key, &type, value, sizeof(value));
    if (err == SOS_ERR_NOT_FOUND)
        sh_eprintf("config: no key '%s'\n", key);
    else if (err == SOS_ERR_INVALID_ARGS)
        sh_eprintf("config: '%s' is not a key (dot-separated a-z, 0-9, '_', '-')\n", key);
    else if (err)
        sh_eprintf("config: %s\n", sh_errtext(err));
    else
        sh_printf("%s = %s\n", key, value);
}

static const char *type_name(uint32_t t)
{
    return t == CONFIG_STRING ? "string" : t == CONFIG_INT ? "int" : t == CONFIG_BOOL ? "bool" : "?";
}

static void config_set(const char *key, int argc, char **argv)
{
    char value[CONFIG_VALUE_MAX];
    if (!sh_join(argc, argv, value, sizeof(value))) {
        sh_eprintf("config: the value is too long (at most %u bytes)\n", CONFIG_VALUE_MAX - 1);
        return;
    }
    uint8_t b[CONFIG_KEY_MAX + CONFIG_VALUE_MAX + 64], rb[CONFIG_KEY_MAX + 160]; /* room for a refusal's reason */
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, CONFIG_SET);
    sl_msg_put_str(&req, key);
    sl_msg_put_str(&req, value);
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, CONFIG_SET);
    int err = sl_msg_finish(&req);
    if (!err)
        err = sh_call(&g_sh.config, &req, &rep);
    if (!err) {
        config_show(key);
        return;
    }
    char old[CONFIG_VALUE_MAX];
    uint32_t type;
    struct sl_parse p;
    sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL);
    const char *why = err == SOS_ERR_INVALID_ARGS && rep.len > sizeof(struct sos_msg_hdr) ? sl_parse_str(&p, NULL) : NULL;
    if (why)
        sh_eprintf("config: %s\n", why); /* the config service's own reason */
    else if (err == SOS_ERR_INVALID_ARGS && !sh_config_get(key, &type, old, sizeof(old)))
        sh_eprintf("config: %s is %s %s: '%s' does not fit\n", key,
                  type == CONFIG_INT ? "an" : "a", type_name(type), value);
    else if (err == SOS_ERR_INVALID_ARGS)
        sh_eprintf("config: cannot set '%s' to '%s': bad key or value\n", key, value);
    else
        sh_eprintf("config: %s\n", sh_errtext(err));
}

static void config_list(const char *prefix)
{
    uint8_t b[CONFIG_KEY_MAX + 64];
    uint8_t *rb = malloc(SOS_CHANNEL_MAX_BYTES);
    struct sl_msg req, rep;
    struct sl_parse p;
    if (!rb)
        return;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, CONFIG_LIST);
    sl_msg_put_str(&req, prefix);
    sl_msg_begin(&rep, rb, SOS_CHANNEL_MAX_BYTES, NULL, 0, CONFIG_LIST);
    int err = sl_msg_finish(&req);
    if (!err)
        err = sh_call(&g_sh.config, &req, &rep);
    if (!err)
        err = sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL);
    if (err) {
        sh_eprintf(err == SOS_ERR_INVALID_ARGS ? "config: '%s' is not a key prefix\n" : "config: %s\n",
                  err == SOS_ERR_INVALID_ARGS ? prefix : sh_errtext(err));
        free(rb);
        return;
    }
    uint32_t n = sl_parse_u32(&p);
    for (uint32_t i = 0; i < n && !p.bad; i++) {
        const char *key = sl_parse_str(&p, NULL);
        uint32_t type = sl_parse_u32(&p);
        const char *value = sl_parse_str(&p, NULL);
        if (!p.bad)
            sh_printf("%-36s %-6s %s\n", key, type_name(type), value);
    }
    if (n == 0)
        sh_printf("no keys%s%s\n", *prefix ? " under " : "", prefix);
    free(rb);
}

void cmd_config(int argc, char **argv)
{
    const char *sub = argv[1];
    if (!strcmp(sub, "get") && argc == 3)
        config_show(argv[2]);
    else if (!strcmp(sub, "set") && argc >= 4)
        config_set(argv[2], argc - 3, argv + 3);
    else if (!strcmp(sub, "list") && argc <= 3)
        config_list(argc == 3 ? argv[2] : "");
    else
        sh_eprintf("usage: config get <key> | set <key> <value> | list [prefix]\n");
}

/* ---- mem, date, uptime */

/* The kernel's statistics, or false (said, naming the command). */
static bool kstats(const char *cmd, struct sos_info_kstats *k)
{
    int64_t err = g_sh.kernel ? sos_object_get_info(g_sh.kernel, SOS_INFO_KERNEL_STATS, k, sizeof(*k))
                              : SOS_ERR_ACCESS_DENIED;
    if (err < 0)
        sh_eprintf("%s: no kernel statistics: %s\n", cmd, sh_errtext((int)err));
    return err >= 0;
}

/* The kernel's clock of day (hal_wall_clock_s: the host's in the simulator, the RTC on
 * QEMU) as a UTC date and as seconds since 1970. */
void cmd_date(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct sos_info_kstats k;
    if (!kstats("date", &k))
        return;
    if (k.wall_clock_s <= 0) {
        sh_printf("date: this machine has no clock of day\n");
        return;
    }
    struct civil_time t;
    civil_from_unix(k.wall_clock_s, &t);
    sh_printf("%04d-%02u-%02u %02u:%02u:%02u UTC (%lld s since 1970)\n", (int)t.year, t.month,
              t.day, t.hour, t.minute, t.second, (long long)k.wall_clock_s);
}

void cmd_mem(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct sos_info_kstats k;
    if (!kstats("mem", &k))
        return;
    char a[32], b[32], c[32];
    sh_printf("memory    total %s  free %s  kernel heap %s\n",
              fmt_kib(a, sizeof(a), k.frames_total * SOS_PAGE_SIZE),
              fmt_kib(b, sizeof(b), k.frames_free * SOS_PAGE_SIZE), fmt_kib(c, sizeof(c), k.heap_bytes));
    sh_printf("live      handles %llu  processes %llu  threads %llu\n", (unsigned long long)k.handles,
              (unsigned long long)k.processes, (unsigned long long)k.threads);
    sh_printf("objects  ");
    for (uint32_t i = 1; i < SOS_OBJ_KIND_COUNT; i++)
        sh_printf(" %s %llu", fmt_object_kind(i), (unsigned long long)k.objects[i]);
    sh_printf("\ncounters  context switches %llu  syscalls %llu  audit records %llu\n",
              (unsigned long long)k.context_switches, (unsigned long long)k.syscalls,
              (unsigned long long)k.audit_records);
    sh_printf("ipc       messages %llu  bytes %llu  handles %llu\n", (unsigned long long)k.ipc_messages,
              (unsigned long long)k.ipc_bytes, (unsigned long long)k.ipc_handles);
}

/* MGR_BOOT: (boot_ns, ready_ns, mode); false when the root manager does not answer. */
static bool boot_times(uint64_t *boot, uint64_t *ready, char *mode, size_t mode_len)
{
    uint8_t q[32], rb[128];
    struct sl_msg req, rep;
    struct sl_parse p;
    sl_msg_begin(&req, q, sizeof(q), NULL, 0, MGR_BOOT);
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, MGR_BOOT);
    if (sh_call(&g_sh.rm, &req, &rep) || sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL))
        return false;
    *boot = sl_parse_u64(&p);
    *ready = sl_parse_u64(&p);
    const char *m = sl_parse_str(&p, NULL);
    if (sl_parse_end(&p))
        return false;
    snprintf(mode, mode_len, "%s", m ? m : "?");
    return true;
}

/*
 * uptime [--wait [seconds]]: with --wait, first wait (30 s unless told)
 * until every service of the boot is ready and no service started since (an on-demand
 * one, a restart) is still starting, as a script waits for a system to settle.
 */
void cmd_uptime(int argc, char **argv)
{
    uint64_t wait_s = 0;
    if (argc >= 2 && strcmp(argv[1], "--wait") == 0) {
        wait_s = 30;
        if (argc == 3 && (!sh_parse_u64(argv[2], 3600, &wait_s) || wait_s == 0)) {
            sh_eprintf("uptime: --wait takes a number of seconds from 1 to 3600\n");
            return;
        }
    } else if (argc >= 2) {
        sh_eprintf("usage: uptime [--wait [seconds]]\n");
        return;
    }
    uint64_t boot = 0, ready = 0;
    char mode[16] = "?";
    bool known = boot_times(&boot, &ready, mode, sizeof(mode));
    sos_time_t until = sos_deadline_after((sos_time_t)wait_s * 1000000000);
    while (known && wait_s && (!ready || sh_services_settling()) && sos_clock_get() < until) {
        sos_thread_sleep(sos_deadline_after(50000000));
        known = boot_times(&boot, &ready, mode, sizeof(mode));
    }
    char a[32], b[32];
    sh_printf("up %s", fmt_s(a, sizeof(a), (uint64_t)sos_clock_get()));
    if (!known)
        sh_printf("\n");
    else if (!ready)
        sh_printf("  (%s boot, not every service is ready)\n", mode);
    else
        sh_printf("  (%s boot: every service ready %s after boot, %s after the root manager)\n",
                  mode, fmt_s(a, sizeof(a), ready), fmt_ms(b, sizeof(b), ready - boot));
}

/* ---- audit */

void cmd_audit(int argc, char **argv)
{
    uint64_t show = 10;
    if (argc == 2 && (!sh_parse_u64(argv[1], AUDIT_CHECK, &show) || show == 0)) {
        sh_eprintf("audit: N must be a number from 1 to %u\n", AUDIT_CHECK);
        return;
    }
    struct sos_info_kstats k;
    if (!g_sh.audit || sos_object_get_info(g_sh.kernel, SOS_INFO_KERNEL_STATS, &k, sizeof(k)) < 0) {
        sh_eprintf("audit: the audit ring is not available to the shell\n");
        return;
    }
    struct sos_audit_record *r = malloc((AUDIT_CHECK + AUDIT_BATCH) * sizeof(*r));
    if (!r)
        return;
    uint64_t first = k.audit_records > AUDIT_CHECK ? k.audit_records - AUDIT_CHECK + 1 : 1;
    uint32_t n = 0;
    while (n < AUDIT_CHECK) {
        int64_t got = sos_audit_read(g_sh.audit, first, r + n, AUDIT_BATCH);
        if (got <= 0)
            break;
        n += (uint32_t)got;
        first = r[n - 1].seq + 1;
        if (got < AUDIT_BATCH)
            break;
    }
    uint32_t from = n > show ? n - (uint32_t)show : 0;
    for (uint32_t i = from; i < n; i++) {
        char line[192];
        fmt_audit_line(line, sizeof(line), &r[i]);
        sh_printf("%s\n", line);
    }
    long bad = sos_audit_verify(r, n);
    if (n == 0)
        sh_printf("audit: no records\n");
    else if (bad < 0)
        sh_printf("audit chain verified: %u records, seq %llu to %llu\n", n,
                  (unsigned long long)r[0].seq, (unsigned long long)r[n - 1].seq);
    else
        sh_printf("audit chain BROKEN at seq %llu (record %ld of %u checked)\n",
                  (unsigned long long)r[bad].seq, bad + 1, n);
    free(r);
}

/* ---- run */

/* Send MGR_WAIT for pid ourselves, so that Ctrl-C can be taken while it is pending. */
static int wait_end(uint64_t pid, const char *name)
{
    sos_handle_t rm = sh_rootmgr();
    uint8_t b[64];
    struct sl_msg m;
    sl_msg_begin(&m, b, sizeof(b), NULL, 0, MGR_WAIT);
    sl_msg_put_u64(&m, pid);
    sl_msg_put_u64(&m, (uint64_t)SOS_TIME_INFINITE);
    uint32_t txid = sh_txid();
    sl_msg_hdr(&m)->txid = txid;
    int err = rm ? sl_msg_send(rm, &m) : SOS_ERR_NOT_FOUND;
    bool killed = false;
    while (!err) {
        uint8_t rb[256];
        struct sos_chan_read rd = {.bytes = rb, .bytes_cap = sizeof(rb)};
        err = (int)sos_channel_read(rm, &rd);
        if (err == SOS_ERR_SHOULD_WAIT) {
            int w = sh_wait(rm);
            err = w == SH_WAIT_READY || w == SH_WAIT_INTERRUPT ? 0 : SOS_ERR_CANCELED;
            if (w == SH_WAIT_INTERRUPT && !killed) { /* Ctrl-C: end it, then hear how */
                uint8_t kb[64], krb[64];
                struct sl_msg kreq, krep;
                sl_msg_begin(&kreq, kb, sizeof(kb), NULL, 0, MGR_KILL);
                sl_msg_put_u64(&kreq, pid);
                sl_msg_begin(&krep, krb, sizeof(krb), NULL, 0, MGR_KILL);
                killed = sl_call(rm, &kreq, &krep, sos_deadline_after(SH_CALL_NS)) == 0;
            }
            continue;
        }
        struct sl_parse p;
        struct sos_msg_hdr h;
        if (err || sl_parse_begin(&p, rb, rd.actual_bytes, NULL, 0, &h) || h.txid != txid)
            continue; /* an old answer nobody waits for any more */
        if (h.status)
            return h.status;
        uint32_t state = sl_parse_u32(&p);
        int64_t code = (int64_t)sl_parse_u64(&p);
        struct sos_fault_record f;
        const void *fb = sl_parse_bytes(&p, sizeof(f));
        if (sl_parse_end(&p) || !fb)
            return SOS_ERR_BAD_FORMAT;
        memcpy(&f, fb, sizeof(f));
        char line[160];
        fmt_run_result(line, sizeof(line), name, state, code, &f);
        sh_printf("%s\n", line);
        return 0;
    }
    return err;
}

/* The loader's reason an error reply with status err carries (proto/mgr.h), or "". */
static const char *refusal_reason(const struct sl_msg *rep, int err, char *buf, size_t cap)
{
    struct sl_parse p;
    struct sos_msg_hdr h;
    uint32_t len;
    buf[0] = 0;
    if (sl_parse_begin(&p, rep->bytes, rep->len, NULL, 0, &h) || h.status != err)
        return buf;
    const char *why = sl_parse_str(&p, &len);
    if (why && !sl_parse_end(&p))
        snprintf(buf, cap, "%.*s", (int)len, why);
    return buf;
}

void cmd_run(int argc, char **argv)
{
    char args[1024];
    if (!strcmp(argv[1], "pkg")) { /* `run pkg <name>`: an installed package's program */
        cmd_run_pkg(argc, argv);
        return;
    }
    /* `run image <path> [args]`: an image saved in storage, loaded by the root manager */
    bool stored = !strcmp(argv[1], "image");
    if (stored) {
        if (argc < 3) {
            sh_eprintf("usage: run image <path> [args...]\n");
            return;
        }
        argc--;
        argv++;
    }
    for (int i = 2; i < argc; i++)
        if (strchr(argv[i], ' ') || !argv[i][0]) {
            sh_eprintf("run: program arguments cannot be empty or contain spaces\n");
            return;
        }
    if (!sh_join(argc - 2, argv + 2, args, sizeof(args))) {
        sh_eprintf("run: the arguments are too long\n");
        return;
    }
    uint8_t b[1200], rb[64 + SOS_SPAWN_REASON_MAX];
    struct sl_msg req, rep;
    uint32_t ord = stored ? MGR_RUN_STORED : MGR_RUN;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, ord);
    sl_msg_put_str(&req, argv[1]);
    sl_msg_put_str(&req, args);
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, ord);
    int err = sl_msg_finish(&req);
    if (!err)
        err = sl_conn_to_call(&g_sh.rm, &req, &rep, sos_deadline_after(SH_RUN_CALL_NS));
    struct sl_parse p;
    uint64_t pid = 0;
    if (!err && !sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL)) {
        pid = sl_parse_u64(&p);
        err = sl_parse_end(&p);
    }
    if (err == SOS_ERR_NOT_FOUND) {
        sh_eprintf("run: no image '%s' in %s\n", argv[1], stored ? "storage" : "the boot store");
        return;
    }
    if (err == SOS_ERR_ALREADY_EXISTS) {
        sh_eprintf("run: %s is already running ('stop %s' ends it)\n", argv[1], argv[1]);
        return;
    }
    if (!err && pid == 0) { /* a program with a manifest: started as its service */
        sh_settle(argv[1], true);
        sh_printf("%s runs as a service ('stop %s' ends it)\n", argv[1], argv[1]);
        return;
    }
    if (err) {
        char why[SOS_SPAWN_REASON_MAX];
        refusal_reason(&rep, err, why, sizeof(why));
        sh_eprintf("run %s: %s%s%s\n", argv[1], sh_errtext(err), why[0] ? ": " : "", why);
        return;
    }
    const char *base = strrchr(argv[1], '/');
    sh_flush(); /* what it prints itself should come after what we said so far */
    err = wait_end(pid, base ? base + 1 : argv[1]);
    if (err == SOS_ERR_NOT_FOUND) /* it ended before our wait reached the root manager */
        sh_printf("%s: ended before the shell could ask how (pid %llu; see 'logs --service kernel')\n",
                  base ? base + 1 : argv[1], (unsigned long long)pid);
    else if (err)
        sh_eprintf("run %s: lost track of pid %llu: %s\n", argv[1], (unsigned long long)pid,
                  sh_errtext(err));
}
