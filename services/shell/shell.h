/*
 * services/shell/shell.h - the operator shell's state and the pieces its commands share.
 *
 * The shell is a client of almost everything: its console session (lines in, output
 * out), the root manager (looked up as "rootmgr" with read+manage), log, config and
 * status, and two resources: "audit" (the kernel's audit ring) and "kernel" (kernel
 * statistics). It is also a service, so that the root manager can stop it in order.
 *
 * Layer: services (shell).
 */
#ifndef SHELL_SHELL_H
#define SHELL_SHELL_H

#include <sl/service.h>
#include <sl/sl.h>

#include <client/mgrinfo.h>
#include "format.h"
#include "parse.h"

#define SH_PROMPT "serviceos> "
#define SH_OUT_MAX 8192
#define SH_CALL_NS 5000000000ll /* a service that does not answer in 5 s is reported */
/*
 * MGR_RUN and MGR_RUN_STORED: the root manager owns the deadline of a run. It bounds
 * each of its steps itself (the storage open, the image's read under one deadline,
 * the security service's launch check: 35 s at the worst, services/rootmgr/stored.c)
 * and answers with the step that failed; the shell waits clearly longer, so it never
 * gives up on a run the root manager is still about to start (a program it would then
 * not wait for), only on a root manager that does not answer at all.
 */
#define SH_RUN_CALL_NS 60000000000ll

struct shell {
    struct sl_server srv;
    struct sl_conn_to console, log, config, status, rm, storage, net, audio, sec;
    sos_handle_t session;     /* our end of the console session, or 0 */
    struct sh_term *cur;      /* the terminal session whose command runs; NULL: the console */
    uintptr_t power_term;     /* sh_term_key of the session that asked to power off */
    uint64_t session_gen;     /* tells a stale watch packet from the current one */
    sos_handle_t retry_timer; /* attaching again after the console went away */
    int64_t retry_ns;         /* the current retry delay (0: attached) */
    sos_handle_t audit, kernel;
    char out[SH_OUT_MAX];
    size_t out_len;
    char *cap;                /* `cmd > path`: output collected here instead (sh_flush) */
    size_t cap_len, cap_size;
    bool capturing, cap_overflow;
    const char *redirect;     /* `cmd > path`: the path, while cmd runs */
    bool redirect_claimed;    /* the command writes the file itself (sh_claim_redirect) */
    bool powering_off;
    uint32_t next_txid;       /* for requests we write ourselves (replies read later) */
    uint32_t power_txid;
    struct mgr_svc svcs[MGRINFO_MAX];
    struct mgr_proc procs[MGRINFO_MAX];
};

extern struct shell g_sh;

/* Output, collected and written to the console at the end of a command. */
void sh_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Whether a service is starting now (asks the root manager; false when it cannot tell). */
bool sh_services_settling(void);
void sh_flush(void);

/* An error or usage message: like sh_printf, but always for the operator's eyes (with
 * `cmd > path` it reaches the console, not the file). */
void sh_eprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* For a command that writes `> path` itself (a download too big or too binary to be
 * collected as output): the path, or NULL without a redirection. Once claimed, the
 * command's output goes to the console and the shell does not write the file. */
const char *sh_claim_redirect(void);

/* sl_conn_to_call with the shell's deadline. */
int sh_call(struct sl_conn_to *c, const struct sl_msg *req, struct sl_msg *rep);

/* A txid for a request written with sos_channel_write (never one the kernel uses). */
uint32_t sh_txid(void);

/* The root manager's channel (looked up on first use), or 0. */
sos_handle_t sh_rootmgr(void);

enum sh_wait_result {
    SH_WAIT_READY = 1,        /* `h` is readable or its peer closed */
    SH_WAIT_INTERRUPT = 2,    /* the operator pressed Ctrl-C */
    SH_WAIT_CONSOLE_GONE = 3, /* no Ctrl-C can come any more */
    SH_WAIT_FAILED = 4,
};

/* Wait for `h` (READABLE or PEER_CLOSED) or for Ctrl-C on the console session. */
int sh_wait(sos_handle_t h);

/* terms.c: sessions of their own for graphical terminals (CONSOLE_TERMINAL served). */
struct sh_term;
extern const struct sl_op g_sh_ops[1];
void sh_term_write(struct sh_term *t, const char *s, size_t n);
/* Read its input: 0, SH_WAIT_INTERRUPT (Ctrl-C) or SH_WAIT_CONSOLE_GONE (it closed). */
int sh_term_events(struct sh_term *t);
sos_handle_t sh_term_channel(const struct sh_term *t); /* 0 once it closed */
void sh_term_prompt(struct sh_term *t);                /* show the prompt, read a line */
uintptr_t sh_term_key(const struct sh_term *t);        /* names a session (0: none) */
struct sh_term *sh_term_by_key(uintptr_t key);        /* NULL once it has ended */

/* Ask the root manager to power off or reboot; the shell is then stopped by it. */
void sh_power(uint32_t mode);

/* The commands (cmds.c, cmds_sys.c). */
struct sh_cmd {
    const char *name;
    const char *usage; /* arguments, for help and "usage:" */
    const char *help;
    int min_args, max_args; /* words after the name */
    void (*fn)(int argc, char **argv);
};

extern const struct sh_cmd g_sh_cmds[];
extern const size_t g_sh_ncmds;

void sh_run_line(char *line);

/* cmds_store.c: replace the file at `path` (from the top of the store) with data, synced;
 * 0 or an error, said already. */
int sh_store_put(const char *path, const void *data, size_t len);

/* cmds_store.c: the whole file at `path` (at most max bytes) into *out (malloc'd); 0 or
 * an error, said already under `what`. */
int sh_store_get(const char *what, const char *path, size_t max, char **out, size_t *len);

/* cmds_store.c: a handle on the top of the store (all rights) and `path` cleaned into a
 * name relative to it (rel); 0 or an error, said already under `what`. */
int sh_store_top(const char *what, const char *path, sos_handle_t *top, char *rel, size_t size);

/* cmds_sys.c: a config value as text (*type: CONFIG_*); 0 or an error. */
int sh_config_get(const char *key, uint32_t *type, char *value, size_t size);

/* The operator-facing text for an error from a call. */
const char *sh_errtext(int err);

void cmd_logs(int argc, char **argv);
void cmd_config(int argc, char **argv);
void cmd_mem(int argc, char **argv);
void cmd_audit(int argc, char **argv);
void cmd_run(int argc, char **argv);
/* Wait (seconds at most) until service `name` has started (or stopped) and say how it is. */
void sh_settle(const char *name, bool want_running);
void cmd_uptime(int argc, char **argv);
void cmd_date(int argc, char **argv);
void cmd_chaos(int argc, char **argv);
void cmd_storage(int argc, char **argv);
void cmd_store(int argc, char **argv);
void cmd_net(int argc, char **argv);
void cmd_pkg(int argc, char **argv);
void cmd_run_pkg(int argc, char **argv);
void cmd_sha256(int argc, char **argv);
/* cmds_net_http.c: `net http <url>` and `net listen`'s file server (one connection). */
void sh_net_http(const char *url);
bool sh_net_serve_file(sos_handle_t sock, const char *path);
void cmd_gfx(int argc, char **argv); /* cmds_gfx.c */
void cmd_desktop(int argc, char **argv); /* cmds_desktop.c */
void cmd_audio(int argc, char **argv);
void cmd_security(int argc, char **argv);

#endif
