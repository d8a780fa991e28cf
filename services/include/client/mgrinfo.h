/*
 * services/include/client/mgrinfo.h - the root manager's service list and process table
 * (MGR_LIST, MGR_PS in proto/mgr.h), fetched and decoded. Shared by status and shell.
 *
 * Layer: services (root manager client; used by status, shell).
 */
#ifndef STATUS_MGRINFO_H
#define STATUS_MGRINFO_H

#include <sl/service.h>
#include <sl/sl.h>

#include <proto/mgr.h>

#define MGRINFO_MAX 128
#define MGRINFO_TIMEOUT_NS 3000000000ll

struct mgr_svc {
    char name[32];
    uint32_t phase;
    uint64_t pid;
    uint32_t restarts;
    uint64_t ready_ns; /* start to ready */
    uint32_t flags;    /* MGR_SVC_* */
    char detail[96];
};

struct mgr_proc {
    uint64_t pid;
    char name[32];
    uint32_t state; /* SOS_PROC_* */
    uint64_t cpu_ns;
    uint64_t mapped_bytes;
    uint32_t threads;
    uint32_t handles;
    char service[32]; /* "-" for a process started with MGR_RUN */
};

/* Fill out[0..cap) (*n gets how many); 0 or SOS_ERR_* (BAD_FORMAT for a bad reply). */
int mgr_list(struct sl_conn_to *rm, struct mgr_svc *out, uint32_t cap, uint32_t *n);
int mgr_ps(struct sl_conn_to *rm, struct mgr_proc *out, uint32_t cap, uint32_t *n);

/* The process of service `name` in ps, or NULL. */
const struct mgr_proc *mgr_proc_of(const struct mgr_proc *ps, uint32_t n, const char *name);

#endif
