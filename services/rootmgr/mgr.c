/*
 * services/rootmgr/mgr.c - the operator protocol (proto/mgr.h): list, start, stop,
 * restart, run, kill, ps, power, boot times.
 *
 * Layer: services (root manager).
 */
#include "rootmgr.h"

#include <proto/storage.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct run_wait {
    struct sl_deferred reply;
    bool waiting;
};
static struct run_wait g_run_waits[RM_MAX_RUN];

static struct client *mgr_client(struct sl_request *r, sos_rights_t need)
{
    struct client *c = r->client;
    if (!c || c->kind != CLIENT_MGR || (c->rights & need) != need)
        return NULL;
    return c;
}

static const char *parse_name(struct sl_request *r)
{
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    const char *s = sl_parse_str(&p, NULL);
    return sl_parse_end(&p) ? NULL : s;
}

static int do_list(struct sl_request *r)
{
    uint32_t shown = 0;
    for (uint32_t i = 0; i < g_rm.nsvcs; i++)
        shown += !g_rm.svcs[i].withdrawn; /* a removed package's service is gone */
    sl_msg_put_u32(r->reply, shown);
    for (uint32_t i = 0; i < g_rm.nsvcs; i++) {
        const struct svc *s = &g_rm.svcs[i];
        if (s->withdrawn)
            continue;
        uint32_t flags = (s->m->critical ? MGR_SVC_CRITICAL : 0) |
                         (s->m->availability == MANIFEST_OPTIONAL ? MGR_SVC_OPTIONAL : 0) |
                         (s->m->startup == MANIFEST_STARTUP_ON_DEMAND ? MGR_SVC_ON_DEMAND : 0) |
                         (s->m->app ? MGR_SVC_APP : 0);
        sl_msg_put_str(r->reply, s->m->name);
        sl_msg_put_u32(r->reply, s->phase);
        sl_msg_put_u64(r->reply, s->pid);
        sl_msg_put_u32(r->reply, s->rs.restarts);
        sl_msg_put_u64(r->reply, (uint64_t)s->start_to_ready_ns);
        sl_msg_put_u32(r->reply, flags);
        sl_msg_put_str(r->reply, s->detail);
    }
    return 0;
}

/* Start it (when its dependencies are ready). A launch that fails is not this request's
 * error: the service is then degraded with the reason in its detail, which is what the
 * caller sees when it looks (the shell's start says "degraded (launch failed: ...)"). */
static int do_start(struct svc *s)
{
    if (s->proc)
        return SOS_ERR_ALREADY_EXISTS;
    policy_reset(&s->rs);
    s->phase = SVC_WAITING;
    rm_start_eligible();
    return 0;
}

static int do_restart(struct svc *s)
{
    policy_reset(&s->rs);
    if (!s->proc)
        return do_start(s);
    s->restart_now = true;
    rm_stop(s, false);
    return 0;
}

static struct run_proc *run_slot(uint64_t pid)
{
    for (unsigned i = 0; i < RM_MAX_RUN; i++)
        if (g_rm.runs[i].pid && g_rm.runs[i].pid == pid)
            return &g_rm.runs[i];
    return NULL;
}

/* A free slot, else the slot of an ended process nobody collected. */
static struct run_proc *run_free_slot(void)
{
    for (unsigned i = 0; i < RM_MAX_RUN; i++)
        if (!g_rm.runs[i].pid)
            return &g_rm.runs[i];
    for (unsigned i = 0; i < RM_MAX_RUN; i++)
        if (g_rm.runs[i].ended) {
            memset(&g_rm.runs[i], 0, sizeof(g_rm.runs[i]));
            return &g_rm.runs[i];
        }
    return NULL;
}

static void reply_ended(struct run_proc *rp, struct sl_deferred *d, struct sl_msg *direct)
{
    uint8_t buf[96];
    struct sl_msg m;
    struct sl_msg *out = direct;
    if (!out) {
        sl_msg_begin(&m, buf, sizeof(buf), NULL, 0, 0);
        out = &m;
    }
    sl_msg_put_u32(out, rp->info.state);
    sl_msg_put_u64(out, (uint64_t)(int64_t)rp->info.exit_code);
    sl_msg_put(out, &rp->info.fault, sizeof(rp->info.fault));
    if (!direct)
        sl_reply_deferred(d, 0, m.bytes + sizeof(struct sos_msg_hdr),
                          m.len - (uint32_t)sizeof(struct sos_msg_hdr), NULL, 0);
    memset(rp, 0, sizeof(*rp)); /* collected */
}

static void run_ended(struct sl_server *srv, const struct sos_port_packet *pkt, void *arg)
{
    (void)srv;
    (void)pkt;
    struct run_proc *rp = arg;
    unsigned i = (unsigned)(rp - g_rm.runs);
    memset(&rp->info, 0, sizeof(rp->info));
    sos_object_get_info(rp->proc, SOS_INFO_PROCESS, &rp->info, sizeof(rp->info));
    char func[40]; /* the shell's answer carries the record; the log has the rest */
    if (rp->info.state == SOS_PROC_FAULTED)
        rm_crash_report(rp->proc, rp->name, rp->stored ? "" : rp->name, func, sizeof(func));
    sos_handle_close(rp->proc);
    rp->proc = 0;
    rp->ended = true;
    if (g_run_waits[i].waiting) {
        g_run_waits[i].waiting = false;
        reply_ended(rp, &g_run_waits[i].reply, NULL);
    }
}

/*
 * Spawn image `vmo` (consumed) named `base` with the space-separated args, as a run
 * process; `from` says where the image came from in the log ("" for the boot store).
 */
static int run_spawn(struct sl_request *r, sos_handle_t vmo, const char *base, const char *args,
                     uint32_t alen, const char *from)
{
    struct run_proc *rp = run_free_slot();
    if (!rp) {
        sos_handle_close(vmo);
        return SOS_ERR_NO_RESOURCES;
    }
    /* argv: the image's name, then the NUL-separated args */
    char argbuf[SOS_SPAWN_MAX_ARGS_BYTES];
    size_t blen = strlen(base) + 1;
    if (blen + alen + 1 > sizeof(argbuf)) {
        sos_handle_close(vmo);
        return SOS_ERR_OUT_OF_RANGE;
    }
    memcpy(argbuf, base, blen);
    size_t n = blen;
    for (uint32_t i = 0; i < alen; i++) { /* space-separated words become argv entries */
        if (args[i] == ' ' && (n == blen || argbuf[n - 1] == 0))
            continue;
        argbuf[n++] = args[i] == ' ' ? 0 : args[i];
    }
    if (n > blen && argbuf[n - 1] != 0)
        argbuf[n++] = 0;
    struct sos_info_handle vi = {0};
    sos_object_get_info(vmo, SOS_INFO_HANDLE, &vi, sizeof(vi));
    char why[SOS_SPAWN_REASON_MAX] = "";
    struct sos_spawn_args a = {.image = vmo, .name = base, .args = argbuf,
                               .args_len = (uint32_t)n, .reason = why,
                               .reason_len = sizeof(why)};
    int err = (int)sos_process_spawn(&a, &rp->proc);
    sos_handle_close(vmo);
    if (err) {
        if (from[0])
            rm_log(LOG_WARNING, "%s: stored image %s refused: %s%s%s%s",
                   ((struct client *)r->client)->name, from, sos_strerror(err),
                   why[0] ? " (" : "", why, why[0] ? ")" : "");
        if (why[0]) /* the error reply carries the loader's reason */
            sl_msg_put_str(r->reply, why);
        return err;
    }
    struct sos_info_handle ih;
    sos_object_get_info(rp->proc, SOS_INFO_HANDLE, &ih, sizeof(ih));
    rp->pid = ih.koid;
    snprintf(rp->name, sizeof(rp->name), "%s", base);
    rp->stored = from[0] != 0;
    sl_server_watch(&g_rm.srv, rp->proc, SOS_SIG_TERMINATED, SOS_WAIT_ASYNC_ONCE, run_ended, rp);
    if (from[0]) /* the kernel's audit record: SPAWN, object the pid, target the image VMO */
        rm_log(LOG_NOTICE, "%s started stored image %s as %s (pid %llu; audit: spawn of %llu from image vmo %llu)",
               ((struct client *)r->client)->name, from, base, (unsigned long long)rp->pid,
               (unsigned long long)rp->pid, (unsigned long long)vi.koid);
    else
        rm_log(LOG_INFO, "%s started %s (pid %llu)", ((struct client *)r->client)->name, base,
               (unsigned long long)rp->pid);
    sl_msg_put_u64(r->reply, rp->pid);
    return 0;
}

/* The on-demand service that `run <image>` names: one whose image is bin/<image> (a
 * program with a manifest, such as gfxdemo), or NULL. */
static struct svc *run_service(const char *image)
{
    char entry[MANIFEST_PATH_MAX + 1];
    if (strchr(image, '/') || (size_t)snprintf(entry, sizeof(entry), "bin/%s", image) >= sizeof(entry))
        return NULL;
    struct svc *s = rm_find(image);
    return s && s->m->startup == MANIFEST_STARTUP_ON_DEMAND && !strcmp(s->m->image, entry) ? s : NULL;
}

/* `run` of a program that has a manifest: it is started as its service, with exactly
 * what the manifest grants (a bare process would get nothing); the reply's pid is 0. */
static int run_as_service(struct sl_request *r, struct svc *s, uint32_t alen)
{
    if (alen) {
        sl_msg_put_str(r->reply, "a program with a manifest takes no arguments");
        return SOS_ERR_INVALID_ARGS;
    }
    rm_log(LOG_NOTICE, "%s: run %s: started as its service", ((struct client *)r->client)->name,
           s->m->name);
    int err = do_start(s);
    if (!err)
        sl_msg_put_u64(r->reply, 0);
    return err;
}

static int do_run(struct sl_request *r)
{
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint32_t alen;
    const char *image = sl_parse_str(&p, NULL);
    const char *args = sl_parse_str(&p, &alen);
    if (sl_parse_end(&p) || !image || !args)
        return SOS_ERR_INVALID_ARGS;
    struct svc *s = run_service(image);
    if (s)
        return run_as_service(r, s, alen);
    if (!run_free_slot())
        return SOS_ERR_NO_RESOURCES;
    char entry[MANIFEST_PATH_MAX + 1];
    snprintf(entry, sizeof(entry), strchr(image, '/') ? "%s" : "bin/%s", image);
    sos_handle_t vmo;
    int err = rm_image_vmo(entry, &vmo, NULL);
    if (err)
        return err;
    return run_spawn(r, vmo, strrchr(entry, '/') + 1, args, alen, "");
}

/* MGR_RUN_STORED: an image saved in storage, read through the storage service. */
static int do_run_stored(struct sl_request *r)
{
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint32_t alen, plen;
    const char *path = sl_parse_str(&p, &plen);
    const char *args = sl_parse_str(&p, &alen);
    if (sl_parse_end(&p) || !path || !args || plen == 0 || plen > STORAGE_PATH_MAX)
        return SOS_ERR_INVALID_ARGS;
    if (!run_free_slot())
        return SOS_ERR_NO_RESOURCES;
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (!base[0])
        return SOS_ERR_INVALID_ARGS;
    sos_handle_t vmo;
    uint64_t size = 0;
    static struct rm_origin o; /* no package named: the security service finds it */
    memset(&o, 0, sizeof(o));
    snprintf(o.path, sizeof(o.path), "%s", path);
    int err = rm_stored_image_vmo(path, &vmo, &size, o.hash);
    if (err) {
        rm_log(LOG_WARNING, "%s: cannot load stored image %s: %s", ((struct client *)r->client)->name,
               path, sos_strerror(err));
        return err;
    }
    char why[SOS_SPAWN_REASON_MAX] = "";
    err = rm_launch_check(base, &o, why, sizeof(why));
    if (err) { /* the launch policy said no: the reply says why */
        sos_handle_close(vmo);
        rm_log(LOG_WARNING, "%s: stored image %s refused: %s", ((struct client *)r->client)->name,
               path, why);
        sl_msg_put_str(r->reply, why);
        return err;
    }
    return run_spawn(r, vmo, base, args, alen, path);
}

static int do_wait(struct sl_request *r)
{
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint64_t pid = sl_parse_u64(&p);
    if (sl_parse_end(&p) || pid == 0)
        return SOS_ERR_INVALID_ARGS;
    struct run_proc *rp = run_slot(pid);
    if (!rp)
        return SOS_ERR_NOT_FOUND;
    if (rp->ended) {
        reply_ended(rp, NULL, r->reply);
        return 0;
    }
    struct run_wait *w = &g_run_waits[rp - g_rm.runs];
    if (w->waiting)
        return SOS_ERR_ALREADY_EXISTS;
    sl_request_defer(r, &w->reply);
    w->waiting = true;
    return SL_DEFER;
}

static int do_kill(struct sl_request *r)
{
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint64_t pid = sl_parse_u64(&p);
    if (sl_parse_end(&p) || pid == 0)
        return SOS_ERR_INVALID_ARGS;
    for (uint32_t i = 0; i < g_rm.nsvcs; i++)
        if (g_rm.svcs[i].pid == pid) {
            g_rm.svcs[i].operator_kill = true; /* not the service's failure */
            return (int)sos_process_kill(g_rm.svcs[i].proc);
        }
    struct run_proc *rp = run_slot(pid);
    if (!rp || rp->ended)
        return SOS_ERR_NOT_FOUND;
    return (int)sos_process_kill(rp->proc);
}

static void put_process(struct sl_msg *m, sos_handle_t proc, const char *service)
{
    struct sos_info_process pi;
    memset(&pi, 0, sizeof(pi));
    sos_object_get_info(proc, SOS_INFO_PROCESS, &pi, sizeof(pi));
    sl_msg_put_u64(m, pi.koid);
    sl_msg_put_str(m, pi.name);
    sl_msg_put_u32(m, pi.state);
    sl_msg_put_u64(m, pi.cpu_time_ns);
    sl_msg_put_u64(m, pi.mapped_bytes);
    sl_msg_put_u32(m, pi.threads);
    sl_msg_put_u32(m, pi.handles);
    sl_msg_put_str(m, service);
}

static int do_ps(struct sl_request *r)
{
    uint32_t n = 1;
    for (uint32_t i = 0; i < g_rm.nsvcs; i++)
        n += g_rm.svcs[i].proc ? 1 : 0;
    for (unsigned i = 0; i < RM_MAX_RUN; i++)
        n += g_rm.runs[i].proc ? 1 : 0;
    sl_msg_put_u32(r->reply, n);
    put_process(r->reply, sos_self_process(), "rootmgr");
    for (uint32_t i = 0; i < g_rm.nsvcs; i++)
        if (g_rm.svcs[i].proc)
            put_process(r->reply, g_rm.svcs[i].proc, g_rm.svcs[i].m->name);
    for (unsigned i = 0; i < RM_MAX_RUN; i++)
        if (g_rm.runs[i].proc)
            put_process(r->reply, g_rm.runs[i].proc, "-");
    return 0;
}

/* One console line: the running services in the order they are about to be stopped. */
static void print_stop_order(const uint8_t *order, uint32_t n)
{
    char line[MANIFEST_MAX_SERVICES * (MANIFEST_NAME_MAX + 1) + 1];
    size_t len = 0;
    line[0] = 0;
    for (uint32_t k = 0; k < n; k++)
        if (g_rm.svcs[order[k]].proc && len < sizeof(line))
            len += (size_t)snprintf(line + len, sizeof(line) - len, " %s",
                                    g_rm.svcs[order[k]].m->name);
    printf("rootmgr: stopping%s\n", len ? line : " nothing");
}

int rm_power(uint32_t mode, int64_t status, const char *caller)
{
    g_rm.shutting_down = true;
    for (unsigned i = 0; i < RM_MAX_RUN; i++)
        if (g_rm.runs[i].proc)
            sos_process_kill(g_rm.runs[i].proc);
    /* a service before those it depends on or looks up (manifest_stop_order) */
    uint8_t order[MANIFEST_MAX_SERVICES];
    uint32_t n = manifest_stop_order(&g_rm.set, &g_rm.plan, order);
    print_stop_order(order, n);
    for (uint32_t k = 0; k < n; k++) {
        struct svc *s = &g_rm.svcs[order[k]];
        if (!s->proc)
            continue;
        if (!strcmp(s->m->name, "log")) {
            if (g_rm.log)
                sos_handle_close(g_rm.log);
            g_rm.log = 0;
        }
        /* the caller waits in this call: it cannot stop itself, so it is ended */
        rm_stop(s, !strcmp(s->m->name, caller));
    }
    printf("rootmgr: services stopped; %s\n", mode == SOS_POWER_OFF ? "powering off" : "rebooting");
    return (int)sos_system_power(g_rm.root, mode, status);
}

static int do_power(struct sl_request *r)
{
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint32_t mode = sl_parse_u32(&p), status = sl_parse_u32(&p);
    if (sl_parse_end(&p) || mode > SOS_POWER_REBOOT)
        return SOS_ERR_INVALID_ARGS;
    const char *caller = ((struct client *)r->client)->name;
    rm_log(LOG_NOTICE, "%s requested %s: stopping services", caller,
           mode == SOS_POWER_OFF ? "power-off" : "reboot");
    return rm_power(mode, (int64_t)status, caller);
}

static int do_boot(struct sl_request *r)
{
    sl_msg_put_u64(r->reply, (uint64_t)g_rm.t_start);
    sl_msg_put_u64(r->reply, (uint64_t)g_rm.t_all_ready);
    sl_msg_put_str(r->reply, g_rm.emergency ? "emergency" : g_rm.safe_mode ? "safe" : "full");
    return 0;
}

int rm_mgr_op(struct sl_request *r)
{
    uint32_t o = r->hdr.ordinal;
    bool read_only = o == MGR_LIST || o == MGR_PS || o == MGR_BOOT;
    if (!mgr_client(r, read_only ? SOS_RIGHT_READ : SOS_RIGHT_MANAGE))
        return SOS_ERR_ACCESS_DENIED;
    switch (o) {
    case MGR_LIST: return do_list(r);
    case MGR_PS: return do_ps(r);
    case MGR_BOOT: return do_boot(r);
    case MGR_RUN: return do_run(r);
    case MGR_RUN_STORED: return do_run_stored(r);
    case MGR_WAIT: return do_wait(r);
    case MGR_KILL: return do_kill(r);
    case MGR_POWER: return do_power(r);
    default: break;
    }
    const char *name = parse_name(r);
    struct svc *s = name ? rm_find(name) : NULL;
    if (!s)
        return name ? SOS_ERR_NOT_FOUND : SOS_ERR_INVALID_ARGS;
    rm_log(LOG_NOTICE, "%s: %s %s", ((struct client *)r->client)->name,
           o == MGR_START ? "start" : o == MGR_STOP ? "stop" : "restart", name);
    switch (o) {
    case MGR_START: return do_start(s);
    case MGR_STOP:
        if (!s->proc)
            return SOS_ERR_BAD_STATE;
        rm_stop(s, false);
        return 0;
    case MGR_RESTART: return do_restart(s);
    default: return SOS_ERR_NOT_SUPPORTED;
    }
}
