/*
 * services/rootmgr/rootmgr.h - the root manager: the first process.
 *
 * It reads the manifests from the boot store, starts services in dependency order
 * (each as soon as everything it depends on is ready, so independent services start
 * together), hands each exactly the handles its manifest grants, keeps the service
 * directory, restarts services by the recovery policy, and shuts the system down in
 * reverse dependency order.
 *
 * One server loop (services/lib's sl_server) serves every channel it holds: each
 * service's directory channel (client = its struct svc) and operator connections made
 * by looking up "rootmgr" (client = a struct client of kind CLIENT_MGR).
 *
 * Layer: services (root manager).
 */
#ifndef ROOTMGR_ROOTMGR_H
#define ROOTMGR_ROOTMGR_H

#include <sl/sl.h>

#include "bundle.h"
#include "manifest.h"
#include "policy.h"

#include <proto/dir.h>
#include <proto/log.h>
#include <proto/mgr.h>

#define RM_MAX_RUN 64 /* processes started with MGR_RUN, tracked for ps/kill */
#define RM_STATE_BYTES 65536 /* resource=state: what a service keeps across restarts */
#define RM_NO_WAY_IN_STATUS 1 /* the power-off status when the console or shell cannot start */

enum client_kind { CLIENT_SVC = 1, CLIENT_MGR = 2 };

struct lookup_wait {
    struct lookup_wait *next;
    struct sl_deferred reply;
    char client[DIR_NAME_MAX];
    sos_rights_t rights;
    char dir[MANIFEST_PATH_MAX + 1]; /* a storage/<path> resource looked up again: its
                                        path ("home"), else "" */
    uint32_t dir_rights;             /* and its MANIFEST_DIR_* rights */
};

struct client {
    uint32_t kind;
    sos_rights_t rights; /* CLIENT_MGR: what the caller's manifest allowed on rootmgr */
    char name[DIR_NAME_MAX];
};

struct svc {
    struct client c; /* kind CLIENT_SVC; name = service name */
    const struct manifest *m;
    uint32_t idx;
    uint32_t phase;
    sos_handle_t proc;  /* while running */
    uint64_t pid;
    sos_handle_t dir;   /* our end of its directory channel (served) */
    sos_handle_t serve; /* our end of its serve channel (we write SVC_CONNECT) */
    sos_handle_t image; /* the image VMO, kept for restarts */
    sos_handle_t state; /* resource=state: a page kept across its restarts, or 0 */
    sos_handle_t timer; /* backoff or ready timeout */
    uint32_t timer_gen;
    struct restart_policy pol;
    struct restart_state rs;
    int64_t started_at;
    int64_t start_to_ready_ns;
    bool stop_requested; /* an operator stopped it, or shutdown */
    bool restart_now;    /* an operator restart: start again at once when it ends */
    bool operator_kill;  /* killed by an operator: restart at once, outside the budget */
    struct lookup_wait *waiters;
    char detail[80];
    bool packaged;  /* made known by the package service (packaged.c) */
    bool withdrawn; /* its package is gone: hidden from rm_find */
    struct rm_origin *origin; /* packaged: what the launch gate is told (packaged.c) */
    uint8_t image_hash[32];   /* its image's SHA-256, when hashed: told to the security */
    bool hashed;              /* service with its connections (launch.c rm_connect) */
};

/* Where a stored image comes from, for the launch gate: its path and SHA-256, and for a
 * packaged service its package, repository and signing key ids ("" when unknown). */
struct rm_origin {
    char path[128];
    uint8_t hash[32];
    char package[32], repo[32], keys[136];
};

struct run_proc {
    sos_handle_t proc; /* 0 once it ended */
    uint64_t pid;      /* 0: the slot is free */
    bool ended;        /* ended, and kept until MGR_WAIT collects how */
    struct sos_info_process info;
    char name[SOS_NAME_MAX];
    bool stored; /* its image came from storage, not the boot store */
};

struct rootmgr {
    struct sl_server srv;
    sos_handle_t root;      /* the root resource */
    sos_handle_t store;     /* the boot store VMO */
    struct bundle bundle;
    struct manifest_set set;
    struct manifest_plan plan;
    struct svc svcs[MANIFEST_MAX_SERVICES];
    uint32_t nsvcs;
    struct run_proc runs[RM_MAX_RUN];
    bool safe_mode;
    char boot_start[4][32]; /* on-demand services started at boot anyway (start=<name>) */
    uint32_t n_boot_start;
    bool emergency; /* a service the operator needs could never start: see rm_report_blocked */
    bool shutting_down;
    int64_t t_start;        /* when the root manager started (ns since boot) */
    int64_t t_all_ready;    /* when every eager service was ready, or 0 */
    sos_handle_t log;       /* a connection to the log service, once it is ready */
    sos_handle_t storage;   /* a connection to storage (read+manage), made on first use:
                               stored images and storage/<path> resources */
};

extern struct rootmgr g_rm;

/* rootmgr.c */
void rm_log(uint32_t severity, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rm_start_eligible(void);
/* Log which waiting services can never start now that `down` is down for good. */
void rm_report_blocked(const struct svc *down);
/* `s` failed for good (its launch failed, or the policy gave up on it): say so when it
 * is critical, report what now cannot start (emergency mode), and power off with the
 * reason when it is itself the operator's way in (an `emergency` service). */
void rm_down_for_good(struct svc *s);
struct svc *rm_find(const char *name);
/* Fills slot i of g_rm.svcs from manifest i of g_rm.set (boot, and packaged.c). */
void rm_svc_setup(uint32_t i);
/* An optional service that safe mode leaves off (grants to it are skipped). */
bool rm_left_off(const struct svc *s);
/* Whether `s` starts without dependency `d` (left off in safe mode; or, in emergency
 * mode, an `emergency` service does not wait for one that is not itself one). */
bool rm_starts_without(const struct svc *s, const struct svc *d);

/* crash.c: log a faulted process's symbolized report and keep its core file (before
 * its handle is closed); `image` names its boot-store image ("" for none). The
 * faulting function's name goes to func[] ("" when unknown). */
void rm_crash_report(sos_handle_t proc, const char *name, const char *image, char *func,
                     size_t cap);

/* launch.c */
int rm_launch(struct svc *s);
void rm_on_exit(struct sl_server *srv, const struct sos_port_packet *pkt, void *arg);
void rm_stop(struct svc *s, bool kill_now);
int rm_connect(struct svc *target, const char *client, sos_rights_t rights, sos_handle_t *out);
/* The boot-store entry's bytes in a new VMO; hash (when not NULL): their SHA-256. */
int rm_image_vmo(const char *entry, sos_handle_t *out, uint8_t hash[32]);

/* stored.c: a VMO holding the file at `path` in storage (an image to launch). */
int rm_stored_image_vmo(const char *path, sos_handle_t *out, uint64_t *size,
                        uint8_t hash[32]);
/* gate.c: ask the security service whether a stored image may run (0: yes); a refusal
 * says why in why[] (the shell prints it). Without a security service: yes. */
int rm_launch_check(const char *name, const struct rm_origin *o, char *why, size_t cap);
/* The security service when the set has one (packaged services wait for it), else NULL. */
struct svc *rm_gatekeeper(void);
/* stored.c: a handle on directory /<path> in storage with `rights` (STORAGE_R_*), made
 * with its missing parents when absent (a storage/<path> resource). */
int rm_storage_dir(const char *path, uint32_t rights, sos_handle_t *out);

/* dir.c and mgr.c: the request tables */
int rm_dir_ready(struct sl_request *r);
int rm_dir_lookup(struct sl_request *r);
int rm_dir_log(struct sl_request *r);
void rm_ready(struct svc *s);
/* dir.c: s's process has terminated, though its exit may not be handled yet (s may
 * still be SVC_READY: a connection to it fails with PEER_CLOSED). */
bool rm_instance_gone(const struct svc *s);
void rm_fail_waiters(struct svc *s, int status);
int rm_mgr_op(struct sl_request *r);
/* packaged.c: MGR_PKG_SERVICE and MGR_PKG_WITHDRAW */
int rm_pkg_op(struct sl_request *r);
/* packaged.c: the launch gate for packaged service s: 0, or the reason in s->detail. */
int rm_gate_service(struct svc *s);
/* Stop every service in reverse dependency order, then power off or reboot; `caller`
 * names the service waiting in the request ("" for none): it is killed, not asked. */
int rm_power(uint32_t mode, int64_t status, const char *caller);
void rm_on_close(struct sl_server *srv, sos_handle_t ch, void *client);
/* dir.c: drop the lookups waiting for an answer on channel ch (its client went away:
 * the number may soon name another channel). */
void rm_forget_waiters(sos_handle_t ch);

#endif
