/*
 * services/log/log.c - the log service: start-up, the loop, and its records in storage.
 * What it does is in log_ops.c (requests, followers, the kernel's fault records) and
 * ring.c (the records); the stored line format is persist.c.
 *
 * At start the log opens its own directory state/log (storage:read+write reaches only
 * that), reads the records of earlier boots back into the ring, marked (persist.h), and
 * from then on appends every new record to log.0, rotating it to log.1 at LOG_FILE_MAX.
 * This boot's number lives in tmp/log/boot, so a restarted log knows its own boot's
 * records (they come back unmarked). It watches its storage handles and opens them again
 * as soon as storage goes away (a restart); without storage (or after an error) it keeps
 * going in memory, says so, and tries again every STORAGE_AGAIN_NS.
 *
 * Layer: services (log).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sl/service.h>
#include <sl/sl.h>

#include <proto/status.h>

#include <client/heartbeat.h>
#include <client/storage.h>
#include "log_ops.h"
#include "persist.h"

#define LOG_CAPACITY 1024 /* records kept */

#define STORAGE_RETRY_NS 5000000000ll

/* ---- records in storage */

static struct {
    struct sl_conn_to conn;
    sos_handle_t dir, file; /* state/log and its log.0 */
    uint64_t size;          /* of log.0 */
    uint64_t boot;          /* this boot's number */
    int64_t retry_at;       /* after a failure: when to try again */
    bool busy;              /* in a storage call (a record from it is not stored again) */
    bool said;              /* the failure was reported */
    uintptr_t gen;          /* of the current handles (their watch carries it) */
    sos_handle_t timer;     /* trying storage again after a failure */
} g_st;

#define STORAGE_AGAIN_NS 200000000ll

static void close_files(void);

static void storage_drop(int err)
{
    close_files();
    g_st.retry_at = sos_clock_get() + STORAGE_RETRY_NS;
    if (g_st.timer) /* and by itself soon, not only at a record after the retry time */
        sos_timer_set(g_st.timer, sos_clock_get() + STORAGE_AGAIN_NS, 0);
    if (!g_st.said) {
        g_st.said = true;
        char msg[128];
        snprintf(msg, sizeof(msg), "cannot store records (%s): keeping them in memory only",
                 sos_strerror(err));
        g_st.busy = true;
        log_append_text(LOG_WARNING, "log", msg);
        g_st.busy = false;
    }
}

static int open_current(uint32_t flags)
{
    if (g_st.file)
        sos_handle_close(g_st.file);
    g_st.file = 0;
    int err = stc_open(g_st.dir, "log.0", STORAGE_R_READ | STORAGE_R_WRITE,
                       STORAGE_O_CREATE | STORAGE_O_APPEND | flags, &g_st.file);
    g_st.size = 0;
    if (!err && !(flags & STORAGE_O_TRUNC))
        err = stc_size(g_st.dir, "log.0", &g_st.size);
    return err;
}

static void close_files(void)
{
    if (g_st.file)
        sos_handle_close(g_st.file);
    if (g_st.dir)
        sos_handle_close(g_st.dir);
    g_st.file = g_st.dir = 0;
}

static int open_store(void);

/* Storage went away (restarted, say): open our files again now, not at the next record,
 * so that nothing waits on a dead handle (the chaos test counts kernel objects). */
static void on_storage_closed(struct sl_server *srv, const struct sos_port_packet *pkt, void *arg)
{
    (void)srv;
    (void)pkt;
    if ((uintptr_t)arg != g_st.gen || g_st.busy)
        return; /* a watch on handles we closed already */
    g_st.busy = true;
    int err = open_store();
    g_st.busy = false;
    if (err)
        storage_drop(err);
}

static void on_timer(struct sl_server *srv, const struct sos_port_packet *pkt, void *arg)
{
    (void)srv;
    (void)pkt;
    (void)arg;
    if (g_st.file || g_st.busy)
        return;
    g_st.busy = true;
    int err = open_store();
    g_st.busy = false;
    if (err) {
        sos_timer_set(g_st.timer, sos_clock_get() + STORAGE_AGAIN_NS, 0);
        return;
    }
    if (g_st.said) {
        g_st.said = false;
        log_append_text(LOG_INFO, "log", "storing records again");
    }
}

/* state/log and its log.0, watched for storage going away. */
static int open_store(void)
{
    close_files();
    int err = stc_open_own(&g_st.conn, "state", &g_st.dir);
    if (!err)
        err = open_current(0);
    if (!err) {
        g_st.gen++;
        sl_server_watch(&g_log.srv, g_st.dir, SOS_SIG_PEER_CLOSED, SOS_WAIT_ASYNC_ONCE,
                        on_storage_closed, (void *)(uintptr_t)g_st.gen);
    }
    return err;
}

static int store_line(const char *line, size_t n)
{
    int err = 0;
    if (!g_st.file)
        err = open_store();
    if (!err && log_should_rotate(g_st.size, n)) {
        sos_handle_close(g_st.file);
        g_st.file = 0;
        err = stc_rename(g_st.dir, "log.0", "log.1");
        if (!err)
            err = open_current(STORAGE_O_TRUNC);
    }
    if (!err)
        err = stc_write(g_st.file, 0, line, n); /* appending */
    return err;
}

static void persist(const struct log_rec *rec)
{
    if (g_st.busy || (!g_st.file && sos_clock_get() < g_st.retry_at))
        return;
    g_st.busy = true;
    char line[LOG_LINE_MAX];
    size_t n = log_line_format(rec, g_st.boot, line);
    bool had = g_st.file != 0;
    int err = store_line(line, n);
    if (err && had) { /* storage restarted, say: open again (a new lookup) and retry once */
        close_files();
        err = store_line(line, n);
    }
    g_st.busy = false;
    if (err) {
        storage_drop(err);
        return;
    }
    g_st.size += n;
    if (g_st.said) {
        g_st.said = false;
        log_append_text(LOG_INFO, "log", "storing records again");
    }
}

struct loader {
    struct log_rec *recs;
    uint64_t *boots;
    uint32_t n, cap;
    uint64_t max_boot;
};

static void on_line(void *arg, uint64_t boot, const struct log_rec *rec)
{
    struct loader *l = arg;
    if (boot > l->max_boot)
        l->max_boot = boot;
    if (!l->cap)
        return;
    uint32_t at = l->n % l->cap; /* keep the newest cap */
    l->recs[at] = *rec;
    l->boots[at] = boot;
    l->n++;
}

/*
 * This boot's number. A restart of the log is no new boot: the number is kept in
 * tmp/log/boot, which storage empties at every boot, so finding it there means this
 * boot already has a number (its records then come back unmarked). Without it: one
 * more than the highest stored. (A restart of storage empties tmp too: a log restart
 * after one counts as a new boot; said in docs/services.md.)
 */
static uint64_t boot_number(uint64_t max_stored)
{
    sos_handle_t tmp;
    if (stc_open_own(&g_st.conn, "tmp", &tmp))
        return max_stored + 1;
    char *text = NULL;
    size_t len = 0;
    uint64_t boot = 0;
    if (stc_read_file(tmp, "boot", 64, &text, &len) == 0) {
        char *end;
        boot = strtoull(text, &end, 10);
        if (end == text || *end != '\n' || boot < max_stored)
            boot = 0;
        free(text);
    }
    if (!boot) {
        char num[32];
        boot = max_stored + 1;
        int n = snprintf(num, sizeof(num), "%llu\n", (unsigned long long)boot);
        stc_replace_file(tmp, "boot", num, (size_t)n);
    }
    sos_handle_close(tmp);
    return boot;
}

/* Open state/log and put the records of earlier boots in the ring. */
static void load_stored(uint32_t capacity)
{
    sl_conn_to_init(&g_st.conn, "storage", sos_startup_handle("storage"));
    if (sos_timer_create(0, &g_st.timer) == 0)
        sl_server_watch(&g_log.srv, g_st.timer, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_REPEAT, on_timer, NULL);
    else
        g_st.timer = 0;
    g_st.boot = 1;
    int err = open_store();
    if (err) {
        storage_drop(err);
        g_log.persist = persist; /* it tries again later */
        return;
    }
    struct loader l = {calloc(capacity, sizeof(struct log_rec)), calloc(capacity, sizeof(uint64_t)),
                       0, capacity, 0};
    if (!l.recs || !l.boots)
        l.cap = 0;
    uint32_t bad = 0, files = 0;
    static const char *const names[] = {"log.1", "log.0"};
    for (int i = 0; i < 2; i++) {
        char *text;
        size_t len;
        int e = stc_read_file(g_st.dir, names[i], 4 * LOG_FILE_MAX, &text, &len);
        if (e == SOS_ERR_NOT_FOUND)
            continue;
        if (e) {
            char msg[96];
            snprintf(msg, sizeof(msg), "cannot read stored records state/log/%s: %s", names[i],
                     sos_strerror(e));
            log_append_text(LOG_WARNING, "log", msg);
            continue;
        }
        files++;
        bad += log_lines_parse(text, len, on_line, &l);
        free(text);
    }
    g_st.boot = boot_number(l.max_boot);
    uint32_t kept = l.n < l.cap ? l.n : l.cap;
    for (uint32_t i = 0; i < kept; i++) {
        uint32_t at = (l.n - kept + i) % l.cap;
        const struct log_rec *r = &l.recs[at];
        char mark[32], msg[LOG_MESSAGE_MAX + 32];
        log_boot_mark(l.boots[at], g_st.boot, mark, sizeof(mark));
        int k = snprintf(msg, sizeof(msg), "%s%s", mark, r->message);
        log_ring_append(&g_log.ring, r->time_ns, r->severity, r->source, msg,
                        k < 0 ? 0 : strnlen(msg, sizeof(msg)));
    }
    free(l.recs);
    free(l.boots);
    g_log.persist = persist;
    char msg[160];
    snprintf(msg, sizeof(msg), "boot %llu: %u records from state/log (%u files)%s",
             (unsigned long long)g_st.boot, kept, files, bad ? "; damaged lines skipped" : "");
    log_append_text(LOG_INFO, "log", msg);
    if (bad) {
        snprintf(msg, sizeof(msg), "%u stored lines did not check and were skipped", bad);
        log_append_text(LOG_WARNING, "log", msg);
    }
}

int main(void)
{
    int err = log_state_init(LOG_CAPACITY);
    if (err) {
        printf("log: out of memory\n");
        return 1;
    }
    err = sl_service_init(&g_log.srv, g_log_ops, 3, &g_log);
    if (err) {
        printf("log: cannot start its server loop: %s\n", sos_strerror(err));
        return 1;
    }
    load_stored(LOG_CAPACITY);
    char msg[128];
    snprintf(msg, sizeof(msg), "log service started: keeping the last %u records in memory%s",
             LOG_CAPACITY, g_st.file ? " and in state/log" : "");
    log_append_text(LOG_INFO, "log", msg);
    g_log.faults = sos_startup_handle("faults");
    if (g_log.faults) {
        log_drain_faults(); /* crashes from before we were up (our own last one, say) */
        err = sl_server_watch(&g_log.srv, g_log.faults, SOS_SIG_FAULT_RECORD,
                              SOS_WAIT_ASYNC_REPEAT, log_on_faults, NULL);
    }
    if (!g_log.faults || err)
        log_append_text(LOG_WARNING, "log", "kernel fault records are not available");
    static struct heartbeat hb;
    if (heartbeat_start(&g_log.srv, &hb, STATUS_HEARTBEAT_PERIOD_NS))
        log_append_text(LOG_WARNING, "log", "cannot send heartbeats");
    err = sl_service_ready();
    if (err) {
        printf("log: the root manager did not take our ready: %s\n", sos_strerror(err));
        return 1;
    }
    return sl_server_run(&g_log.srv);
}
