/*
 * services/include/proto/mgr.h - operating the system through the root manager
 * (looked up as "rootmgr"; every call needs SOS_RIGHT_MANAGE unless noted).
 *
 *   MGR_LIST     ()                    -> (u32 n, n x service)      [read]
 *   MGR_START    (str name)            -> ()
 *   MGR_STOP     (str name)            -> ()
 *   MGR_RESTART  (str name)            -> ()   an operator restart: ignores the budget
 *   MGR_RUN      (str image, str args) -> (u64 pid)   launch a bundle image ("crashme"
 *                                         means bin/crashme; args are space-separated);
 *                                         a name whose image an on-demand service's
 *                                         manifest names (gfxdemo) starts that service
 *                                         instead (as MGR_START; no args) and replies 0
 *   MGR_KILL     (u64 pid)             -> ()
 *   MGR_PS       ()                    -> (u32 n, n x process)      [read]
 *   MGR_POWER    (u32 mode, u32 status)-> ()   orderly shutdown, then power off/reboot
 *   MGR_BOOT     ()                    -> (u64 boot_ns, u64 ready_ns, str mode) [read]
 *   MGR_WAIT     (u64 pid, u64 deadline)-> (u32 state, i64 code, fault)   wait for a
 *                                         process started with MGR_RUN to end
 *   MGR_RUN_STORED (str path, str args) -> (u64 pid)   launch a native image saved in
 *                                         storage ("/home/hello": a path from the top
 *                                         of the store, read by the root manager through
 *                                         the storage service); MGR_WAIT works on it
 * MGR_RUN and MGR_RUN_STORED: when the kernel's loader refuses the image, the error
 * reply carries (str reason), what is wrong with it ("not an ELF file").
 *
 * service = (str name, u32 phase, u64 pid, u32 restarts, u64 start_to_ready_ns,
 *            u32 flags, str detail)
 * process = (u64 pid, str name, u32 state, u64 cpu_ns, u64 mapped_bytes, u32 threads,
 *            u32 handles, str service)
 * MGR_WAIT: state is SOS_PROC_EXITED, _FAULTED or _KILLED; code the exit status; fault
 * the raw struct sos_fault_record (sos/object.h), meaningful when state is _FAULTED.
 *
 * Layer: services protocols.
 */
#ifndef PROTO_MGR_H
#define PROTO_MGR_H

#include <proto/proto.h>

#define MGR_VERSION 1
#define MGR_LIST SOS_ORD(PROTO_MGR, MGR_VERSION, 1)
#define MGR_START SOS_ORD(PROTO_MGR, MGR_VERSION, 2)
#define MGR_STOP SOS_ORD(PROTO_MGR, MGR_VERSION, 3)
#define MGR_RESTART SOS_ORD(PROTO_MGR, MGR_VERSION, 4)
#define MGR_RUN SOS_ORD(PROTO_MGR, MGR_VERSION, 5)
#define MGR_KILL SOS_ORD(PROTO_MGR, MGR_VERSION, 6)
#define MGR_PS SOS_ORD(PROTO_MGR, MGR_VERSION, 7)
#define MGR_POWER SOS_ORD(PROTO_MGR, MGR_VERSION, 8)
#define MGR_BOOT SOS_ORD(PROTO_MGR, MGR_VERSION, 9)
#define MGR_WAIT SOS_ORD(PROTO_MGR, MGR_VERSION, 10)
#define MGR_RUN_STORED SOS_ORD(PROTO_MGR, MGR_VERSION, 11)

/*
 * Packaged services (services/rootmgr/packaged.c, docs/packages.md); only the package
 * service may send these, with manage:
 *   MGR_PKG_SERVICE  (u32 flags, str manifest text, str file, str image path
 *                     [, str package, str repository, str key ids]) -> ()
 *       makes the one service of the manifest known (or replaces the packaged service
 *       of that name), its image the file at `image path` in storage; refused when a
 *       boot-store service has the name, when it names a service that does not exist,
 *       or asks for a resource other than storage/<path>. MGR_PKG_CHECK: only check.
 *       The package, the repository it came from and the key ids signing that
 *       repository's targets (comma-separated) go with every launch check of the
 *       service (proto/security.h SEC_CHECK_LAUNCH): the launch policy by package
 *       and publisher.
 *   MGR_PKG_WITHDRAW (str name) -> ()   stops a packaged service and forgets it
 * A refusal carries the reason as a string.
 */
#define MGR_PKG_SERVICE SOS_ORD(PROTO_MGR, MGR_VERSION, 12)
#define MGR_PKG_WITHDRAW SOS_ORD(PROTO_MGR, MGR_VERSION, 13)
#define MGR_PKG_CHECK 1u
#define MGR_PKG_CALLER "package"

/* Service phases (REFERENCE.md). */
enum svc_phase {
    SVC_DORMANT = 0,     /* on-demand, not started yet */
    SVC_WAITING = 1,     /* waiting for its dependencies */
    SVC_STARTING = 2,    /* started, not ready yet */
    SVC_READY = 3,
    SVC_BACKOFF = 4,     /* crashed, restart scheduled */
    SVC_DEGRADED = 5,    /* gave up (crash loop, fail-stop, ready timeout) */
    SVC_EXITED = 6,      /* ended cleanly, or stopped by an operator */
    SVC_PHASE_COUNT
};

static inline const char *svc_phase_name(uint32_t p)
{
    static const char *const n[SVC_PHASE_COUNT] = {"dormant", "waiting-dependencies", "starting",
                                                   "ready", "backoff", "degraded", "exited"};
    return p < SVC_PHASE_COUNT ? n[p] : "?";
}

/* Text for a fault class (enum sos_fault_class), as the kernel and the root manager say it. */
static inline const char *sos_fault_class_name(uint32_t c)
{
    static const char *const n[SOS_FAULT_CLASS_COUNT] = {
        "none", "null dereference", "wild address", "permission", "exec of non-exec",
        "illegal instruction", "arithmetic", "alignment", "breakpoint", "killed", "raw host syscall"};
    return c < SOS_FAULT_CLASS_COUNT ? n[c] : "unknown fault";
}

/* Text for a process state (SOS_PROC_*). */
static inline const char *sos_proc_state_name(uint32_t s)
{
    static const char *const n[] = {"running", "exited", "faulted", "killed"};
    return s < sizeof(n) / sizeof(n[0]) ? n[s] : "?";
}

#define MGR_SVC_CRITICAL (1u << 0)
#define MGR_SVC_OPTIONAL (1u << 1)
#define MGR_SVC_ON_DEMAND (1u << 2)
#define MGR_SVC_APP (1u << 3)       /* manifest key `app`: a desktop application */

#endif
