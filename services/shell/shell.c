/*
 * services/shell/shell.c - the operator shell: its console session and its loop.
 *
 * The shell attaches a line session to the console (proto/console.h) and serves it from
 * its service loop: each CONSOLE_LINE runs a command (cmds.c, cmds_sys.c), whose output
 * is collected and written with CONSOLE_WRITE, and then CONSOLE_PROMPT lets the console
 * show the prompt and read the next line. Ctrl-C reaches a command that waits (a
 * follow, a program run) through sh_wait. CONSOLE_EOF (the end of the operator's input)
 * powers the system off. When the console restarts, the session breaks and the shell
 * attaches again. Graphical terminals get sessions of their own (terms.c); g_sh.cur
 * says whose command runs, and so where its output and its Ctrl-C are.
 *
 * Power-off and reboot are asked of the root manager without waiting for the answer:
 * the root manager stops the shell first (SVC_STOP), which the loop must be free to
 * take.
 *
 * Layer: services (shell).
 */
#include "shell.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proto/console.h>
#include <proto/log.h>
#include <proto/mgr.h>

#define ATTACH_RETRY_NS 100000000ll    /* the first retry; it doubles up to the cap */
#define ATTACH_RETRY_MAX_NS 5000000000ll

struct shell g_sh;

/* ---- output */

static void write_console(const char *text, size_t len)
{
    if (g_sh.cur) { /* a terminal's own session */
        sh_term_write(g_sh.cur, text, len);
        return;
    }
    uint8_t *buf = malloc(len + 64);
    if (!buf)
        return;
    uint8_t rbuf[64];
    struct sl_msg req, rep;
    sl_msg_begin(&req, buf, (uint32_t)len + 64, NULL, 0, CONSOLE_WRITE);
    sl_msg_put_u32(&req, (uint32_t)len);
    sl_msg_put(&req, text, (uint32_t)len);
    sl_msg_put(&req, "", 1);
    sl_msg_begin(&rep, rbuf, sizeof(rbuf), NULL, 0, CONSOLE_WRITE);
    sh_call(&g_sh.console, &req, &rep);
    free(buf);
}

#define SH_CAPTURE_MAX (1u << 20)

/* Keep output for a redirection; past SH_CAPTURE_MAX it is dropped (and said). */
static void capture(const char *text, size_t len)
{
    if (g_sh.cap_len + len > g_sh.cap_size) {
        size_t want = g_sh.cap_size ? g_sh.cap_size : 4096;
        while (want < g_sh.cap_len + len && want < SH_CAPTURE_MAX)
            want *= 2;
        char *nb = want >= g_sh.cap_len + len ? realloc(g_sh.cap, want) : NULL;
        if (!nb) {
            g_sh.cap_overflow = true;
            return;
        }
        g_sh.cap = nb;
        g_sh.cap_size = want;
    }
    memcpy(g_sh.cap + g_sh.cap_len, text, len);
    g_sh.cap_len += len;
}

void sh_flush(void)
{
    if (g_sh.out_len && g_sh.capturing)
        capture(g_sh.out, g_sh.out_len);
    else if (g_sh.out_len)
        write_console(g_sh.out, g_sh.out_len);
    g_sh.out_len = 0;
}

static void sh_vprintf(const char *fmt, va_list ap)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        size_t room = sizeof(g_sh.out) - g_sh.out_len;
        va_list aq;
        va_copy(aq, ap);
        int n = vsnprintf(g_sh.out + g_sh.out_len, room, fmt, aq);
        va_end(aq);
        if (n < 0)
            return;
        if ((size_t)n < room || g_sh.out_len == 0) {
            g_sh.out_len += (size_t)n < room ? (size_t)n : room - 1; /* cut a huge line */
            if (g_sh.out_len > sizeof(g_sh.out) * 3 / 4)
                sh_flush();
            return;
        }
        g_sh.out[g_sh.out_len] = 0;
        sh_flush(); /* it did not fit after what was there: flush, then again */
    }
}

void sh_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sh_vprintf(fmt, ap);
    va_end(ap);
}

void sh_eprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!g_sh.capturing) {
        sh_vprintf(fmt, ap);
    } else { /* the output so far goes to the file, the error to the operator */
        sh_flush();
        char text[512];
        int n = vsnprintf(text, sizeof(text), fmt, ap);
        if (n > 0)
            write_console(text, (size_t)n < sizeof(text) ? (size_t)n : sizeof(text) - 1);
    }
    va_end(ap);
}

/* ---- calls */

int sh_call(struct sl_conn_to *c, const struct sl_msg *req, struct sl_msg *rep)
{
    return sl_conn_to_call(c, req, rep, sos_deadline_after(SH_CALL_NS));
}

uint32_t sh_txid(void)
{
    g_sh.next_txid = (g_sh.next_txid + 1) & 0x7fffffffu; /* the kernel's have the top bit */
    if (!g_sh.next_txid)
        g_sh.next_txid = 1;
    return g_sh.next_txid;
}

sos_handle_t sh_rootmgr(void)
{
    if (!g_sh.rm.ch && sl_service_lookup("rootmgr", &g_sh.rm.ch, sos_deadline_after(SH_CALL_NS)))
        g_sh.rm.ch = 0;
    return g_sh.rm.ch;
}

const char *sh_errtext(int err)
{
    switch (err) {
    case SOS_ERR_ACCESS_DENIED: return "not allowed";
    case SOS_ERR_TIMED_OUT: return "no answer (timed out)";
    case SOS_ERR_PEER_CLOSED: return "the service is not running";
    default: return sos_strerror(err);
    }
}

/* ---- waiting for a command's event or for Ctrl-C */

/* Read what the console sent meanwhile; an interrupt or a closed session ends the wait. */
static int session_events(void)
{
    for (;;) {
        uint8_t buf[CONSOLE_LINE_MAX + 64];
        struct sos_chan_read rd = {.bytes = buf, .bytes_cap = sizeof(buf)};
        int err = (int)sos_channel_read(g_sh.session, &rd);
        if (err == SOS_ERR_SHOULD_WAIT)
            return 0;
        if (err == SOS_ERR_BUFFER_TOO_SMALL)
            return 0; /* no console message is that big: the main loop deals with it */
        if (err)
            return SH_WAIT_CONSOLE_GONE;
        struct sos_msg_hdr h;
        if (rd.actual_bytes >= sizeof(h)) {
            memcpy(&h, buf, sizeof(h));
            if (h.ordinal == CONSOLE_INTERRUPT)
                return SH_WAIT_INTERRUPT;
        }
    }
}

static bool session_alive(void)
{
    sos_signals_t seen = 0;
    if (!g_sh.session)
        return false;
    sos_object_wait_one(g_sh.session, SOS_SIG_PEER_CLOSED, 0, &seen);
    return !(seen & SOS_SIG_PEER_CLOSED);
}

/* The Ctrl-C of the session the command came from. */
static sos_handle_t wait_session(void) { return g_sh.cur ? sh_term_channel(g_sh.cur) : g_sh.session; }

static int wait_events(void) { return g_sh.cur ? sh_term_events(g_sh.cur) : session_events(); }

int sh_wait(sos_handle_t h)
{
    sos_handle_t port;
    if (sos_port_create(0, &port))
        return SH_WAIT_FAILED;
    int result = 0;
    if (sos_object_wait_async(h, port, 2, SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED,
                              SOS_WAIT_ASYNC_ONCE))
        result = SH_WAIT_FAILED;
    bool console = (g_sh.cur ? wait_session() != 0 : session_alive()) &&
                   !sos_object_wait_async(wait_session(), port, 1, SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED,
                                          SOS_WAIT_ASYNC_REPEAT);
    while (!result) {
        struct sos_port_packet pkt;
        if (sos_port_wait(port, SOS_TIME_INFINITE, &pkt)) {
            result = SH_WAIT_FAILED;
        } else if (pkt.key == 2) {
            result = SH_WAIT_READY;
        } else if (console) {
            result = wait_events();
            if (result == SH_WAIT_CONSOLE_GONE) {
                console = false; /* the main loop attaches again later; keep waiting for h */
                result = 0;
            }
        }
    }
    sos_handle_close(port);
    return result;
}

/* ---- power */

static void resume_prompt(void)
{
    if (g_sh.cur) {
        sh_term_prompt(g_sh.cur);
        return;
    }
    uint8_t b[64], rb[64];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, CONSOLE_PROMPT);
    sl_msg_put_str(&req, "");
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, CONSOLE_PROMPT);
    sh_call(&g_sh.console, &req, &rep);
}

static void power_reply(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s;
    (void)pkt;
    (void)arg;
    uint8_t buf[256];
    struct sos_chan_read rd = {.bytes = buf, .bytes_cap = sizeof(buf)};
    struct sos_msg_hdr h = {0};
    int err = (int)sos_channel_read(g_sh.rm.ch, &rd);
    if (!err && rd.actual_bytes >= sizeof(h))
        memcpy(&h, buf, sizeof(h));
    if (!g_sh.powering_off || (!err && h.txid != g_sh.power_txid))
        return;
    g_sh.powering_off = false;
    g_sh.cur = sh_term_by_key(g_sh.power_term); /* where it was asked */
    if (g_sh.power_term && !g_sh.cur)
        return; /* that terminal has closed */
    sh_printf("power: the root manager refused: %s\n", sh_errtext(err ? err : h.status));
    sh_flush();
    resume_prompt();
    g_sh.cur = NULL;
}

void sh_power(uint32_t mode)
{
    sos_handle_t rm = sh_rootmgr();
    uint8_t b[64];
    struct sl_msg m;
    sl_msg_begin(&m, b, sizeof(b), NULL, 0, MGR_POWER);
    sl_msg_put_u32(&m, mode);
    sl_msg_put_u32(&m, 0);
    g_sh.power_txid = sh_txid();
    g_sh.power_term = sh_term_key(g_sh.cur);
    sl_msg_hdr(&m)->txid = g_sh.power_txid;
    int err = rm ? sl_msg_send(rm, &m) : SOS_ERR_NOT_FOUND;
    if (!err)
        err = sl_server_watch(&g_sh.srv, rm, SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED,
                              SOS_WAIT_ASYNC_ONCE, power_reply, NULL);
    if (err) {
        sh_printf("power: cannot reach the root manager: %s\n", sh_errtext(err));
        return;
    }
    g_sh.powering_off = true; /* no prompt: the root manager stops us next */
}

/* ---- the console session */

static void attach(void);

static void handle_line(const char *text)
{
    char line[CONSOLE_LINE_MAX];
    snprintf(line, sizeof(line), "%s", text);
    sh_run_line(line);
    sh_flush();
    if (!g_sh.powering_off)
        resume_prompt();
}

static void on_session(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s;
    (void)pkt;
    if ((uintptr_t)arg != g_sh.session_gen || !g_sh.session)
        return; /* a packet for a session we have already left */
    while (!g_sh.powering_off) {
        uint8_t buf[CONSOLE_LINE_MAX + 64];
        struct sos_chan_read rd = {.bytes = buf, .bytes_cap = sizeof(buf)};
        int err = (int)sos_channel_read(g_sh.session, &rd);
        if (err == SOS_ERR_SHOULD_WAIT)
            return;
        if (err) { /* the console went away (or sent us nonsense): attach again */
            sos_handle_close(g_sh.session);
            g_sh.session = 0;
            attach();
            return;
        }
        struct sl_parse p;
        struct sos_msg_hdr h;
        if (sl_parse_begin(&p, buf, rd.actual_bytes, NULL, 0, &h))
            continue;
        if (h.ordinal == CONSOLE_LINE) {
            const char *text = sl_parse_str(&p, NULL);
            if (!sl_parse_end(&p) && text)
                handle_line(text);
        } else if (h.ordinal == CONSOLE_EOF) {
            sh_printf("\nend of input: powering off\n"); /* after the prompt */
            sh_flush();
            sh_power(SOS_POWER_OFF);
        } /* CONSOLE_INTERRUPT at the prompt: nothing is running; the console redraws */
    }
}

static void retry_attach(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s;
    (void)pkt;
    (void)arg;
    if (!g_sh.session)
        attach();
}

static void attach(void)
{
    sos_handle_t ch[2];
    uint8_t b[128], rb[64];
    sos_handle_t hb[1];
    struct sl_msg req, rep;
    int err = (int)sos_channel_create(0, ch);
    if (!err) {
        sl_msg_begin(&req, b, sizeof(b), hb, 1, CONSOLE_ATTACH);
        sl_msg_put_str(&req, SH_PROMPT);
        sl_msg_put_handle(&req, ch[1]);
        sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, CONSOLE_ATTACH);
        err = sh_call(&g_sh.console, &req, &rep);
        sos_handle_close(ch[1]); /* fails harmlessly when it moved to the console */
        if (err)
            sos_handle_close(ch[0]);
    }
    if (!err) {
        g_sh.session = ch[0];
        g_sh.session_gen++;
        err = sl_server_watch(&g_sh.srv, ch[0], SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED,
                              SOS_WAIT_ASYNC_REPEAT, on_session, (void *)(uintptr_t)g_sh.session_gen);
    }
    if (!err) {
        g_sh.retry_ns = 0;
        return;
    }
    /* the console is not there (yet): say so once, then try again, less and less often */
    if (!g_sh.retry_ns)
        sl_service_log(LOG_WARNING, "shell: cannot attach to the console; retrying");
    g_sh.retry_ns = g_sh.retry_ns ? g_sh.retry_ns * 2 : ATTACH_RETRY_NS;
    if (g_sh.retry_ns > ATTACH_RETRY_MAX_NS)
        g_sh.retry_ns = ATTACH_RETRY_MAX_NS;
    sos_timer_set(g_sh.retry_timer, sos_deadline_after(g_sh.retry_ns), 0);
}

int main(void)
{
    sl_conn_to_init(&g_sh.console, "console", sos_startup_handle("console"));
    sl_conn_to_init(&g_sh.log, "log", sos_startup_handle("log"));
    sl_conn_to_init(&g_sh.config, "config", sos_startup_handle("config"));
    sl_conn_to_init(&g_sh.status, "status", sos_startup_handle("status"));
    sl_conn_to_init(&g_sh.rm, "rootmgr", 0);
    sl_conn_to_init(&g_sh.storage, "storage", sos_startup_handle("storage"));
    sl_conn_to_init(&g_sh.net, "network", 0);
    sl_conn_to_init(&g_sh.audio, "audio", sos_startup_handle("audio"));
    sl_conn_to_init(&g_sh.sec, "security", 0);
    g_sh.audit = sos_startup_handle("audit");
    g_sh.kernel = sos_startup_handle("kernel");
    int err = sl_service_init(&g_sh.srv, g_sh_ops, 1, &g_sh);
    if (!err)
        err = (int)sos_timer_create(0, &g_sh.retry_timer);
    if (!err)
        err = sl_server_watch(&g_sh.srv, g_sh.retry_timer, SOS_SIG_SIGNALED,
                              SOS_WAIT_ASYNC_REPEAT, retry_attach, NULL);
    if (err) {
        printf("shell: cannot start its loop: %s\n", sos_strerror(err));
        return 1;
    }
    err = sl_service_ready();
    if (err) {
        printf("shell: the root manager did not take our ready: %s\n", sos_strerror(err));
        return 1;
    }
    attach();
    return sl_server_run(&g_sh.srv);
}
