/*
 * services/rootmgr/rootmgr.c - boot: the boot store, the manifests, the start order.
 *
 * Layer: services (root manager).
 */
#include "rootmgr.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rootmgr g_rm;

static const struct sl_op g_ops[] = {
    {DIR_READY, sizeof(struct sos_msg_hdr), rm_dir_ready},
    {DIR_LOOKUP, sizeof(struct sos_msg_hdr), rm_dir_lookup},
    {DIR_LOG, sizeof(struct sos_msg_hdr), rm_dir_log},
    {MGR_LIST, sizeof(struct sos_msg_hdr), rm_mgr_op},
    {MGR_START, sizeof(struct sos_msg_hdr), rm_mgr_op},
    {MGR_STOP, sizeof(struct sos_msg_hdr), rm_mgr_op},
    {MGR_RESTART, sizeof(struct sos_msg_hdr), rm_mgr_op},
    {MGR_RUN, sizeof(struct sos_msg_hdr), rm_mgr_op},
    {MGR_KILL, sizeof(struct sos_msg_hdr), rm_mgr_op},
    {MGR_PS, sizeof(struct sos_msg_hdr), rm_mgr_op},
    {MGR_POWER, sizeof(struct sos_msg_hdr), rm_mgr_op},
    {MGR_BOOT, sizeof(struct sos_msg_hdr), rm_mgr_op},
    {MGR_WAIT, sizeof(struct sos_msg_hdr), rm_mgr_op},
    {MGR_RUN_STORED, sizeof(struct sos_msg_hdr), rm_mgr_op},
    {MGR_PKG_SERVICE, sizeof(struct sos_msg_hdr), rm_pkg_op},
    {MGR_PKG_WITHDRAW, sizeof(struct sos_msg_hdr), rm_pkg_op},
};

/* ---- logging: the console always; the log service once it is up */

void rm_log(uint32_t severity, const char *fmt, ...)
{
    char msg[LOG_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    bool printed = severity >= LOG_WARNING || !g_rm.log;
    if (printed)
        printf("rootmgr: %s\n", msg);
    if (!g_rm.log)
        return;
    /* one-way: the root manager never waits for a service it supervises */
    uint8_t buf[LOG_MESSAGE_MAX + 64];
    struct sl_msg req;
    sl_msg_begin(&req, buf, sizeof(buf), NULL, 0, LOG_WRITE);
    sl_msg_hdr(&req)->flags = SOS_MSG_NO_REPLY;
    sl_msg_put_u32(&req, severity);
    sl_msg_put_str(&req, msg);
    int err = sl_msg_finish(&req);
    if (!err)
        err = sl_msg_send(g_rm.log, &req);
    if (err == SOS_ERR_PEER_CLOSED) {
        sos_handle_close(g_rm.log); /* reconnected when the log service is ready again */
        g_rm.log = 0;
    }
    if (err && !printed)
        printf("rootmgr: %s\n", msg);
}

struct svc *rm_find(const char *name)
{
    for (uint32_t i = 0; i < g_rm.nsvcs; i++)
        if (!strcmp(g_rm.svcs[i].m->name, name) && !g_rm.svcs[i].withdrawn)
            return &g_rm.svcs[i];
    return NULL;
}

/* ---- the start order */

bool rm_starts_without(const struct svc *s, const struct svc *d)
{
    if (!d)
        return false;
    if (rm_left_off(d))
        return true; /* safe mode: that service is off */
    return g_rm.emergency && s->m->emergency && !d->m->emergency && d->phase != SVC_READY;
}

/* Whether pred holds for any service s waits for before it starts (a missing one is
 * passed as NULL): its depends=, storage for a storage/<path> resource, and its grants,
 * except those it starts without (rm_starts_without). */
static bool any_dep(const struct svc *s, bool (*pred)(const struct svc *d, void *arg), void *arg)
{
    const struct manifest *m = s->m;
    for (uint32_t i = 0; i < m->n_depends; i++) {
        struct svc *d = rm_find(m->depends[i].name);
        if (!rm_starts_without(s, d) && pred(d, arg))
            return true;
    }
    if (manifest_storage_resource(m) >= 0 && pred(rm_find(MANIFEST_STORAGE_SERVICE), arg))
        return true; /* we open its directory at launch: never without it */
    for (uint32_t i = 0; i < m->n_grants; i++) {
        struct svc *d = rm_find(m->grants[i].service);
        if (!rm_starts_without(s, d) && pred(d, arg))
            return true;
    }
    /* a packaged service's every start asks the launch gate: it waits for it */
    struct svc *gate = s->packaged ? rm_gatekeeper() : NULL;
    return gate && !rm_starts_without(s, gate) && pred(gate, arg);
}

/* Not ready, or ready in our table but already dead (its exit not handled yet: a
 * launch now would fail to connect its grants, and stay down for good). */
static bool not_ready(const struct svc *d, void *arg)
{
    (void)arg;
    return !d || d->phase != SVC_READY || rm_instance_gone(d);
}

static bool deps_ready(const struct svc *s) { return !any_dep(s, not_ready, NULL); }

static bool is_blocked(const struct svc *d, void *arg)
{
    return d && ((const bool *)arg)[d->idx];
}

/* The names of the services marked in `in` (all, or only the `emergency` ones), joined
 * with ", "; their length (0: none). */
static size_t names(const bool *in, bool emergency_only, char *list, size_t size)
{
    size_t len = 0;
    list[0] = 0;
    for (uint32_t i = 0; i < g_rm.nsvcs; i++)
        if (in[i] && (!emergency_only || g_rm.svcs[i].m->emergency) && len < size)
            len += (size_t)snprintf(list + len, size - len, "%s%s", len ? ", " : "",
                                    g_rm.svcs[i].m->name);
    return len;
}

void rm_report_blocked(const struct svc *down)
{
    bool blocked[MANIFEST_MAX_SERVICES] = {false}, seen[MANIFEST_MAX_SERVICES] = {false};
    char list[160];
    seen[down->idx] = true;
    for (bool more = true; more;) { /* until no waiting service joins the set */
        more = false;
        for (uint32_t i = 0; i < g_rm.nsvcs; i++) {
            struct svc *s = &g_rm.svcs[i];
            if (seen[i] || s->phase != SVC_WAITING || !any_dep(s, is_blocked, seen))
                continue;
            seen[i] = blocked[i] = more = true;
        }
    }
    if (!names(blocked, false, list, sizeof(list)))
        return;
    rm_log(LOG_CRITICAL, "%s is down, so these cannot start: %s", down->m->name, list);
    /* Emergency mode: when a service marked `emergency` (the console, the shell: the
     * operator's way in) is among them, those start without what cannot start, so
     * someone can look and act (start it again, fsck, power off). */
    if (g_rm.emergency || !names(blocked, true, list, sizeof(list)))
        return;
    g_rm.emergency = true;
    rm_log(LOG_CRITICAL, "emergency mode: starting %s without the services that cannot start",
           list);
    rm_start_eligible();
}

bool rm_left_off(const struct svc *s)
{
    return s->phase == SVC_DORMANT && g_rm.safe_mode &&
           s->m->availability == MANIFEST_OPTIONAL && s->m->startup != MANIFEST_STARTUP_ON_DEMAND;
}

void rm_start_eligible(void)
{
    if (g_rm.shutting_down)
        return;
    for (uint32_t w = 0; w < g_rm.plan.count; w++) {
        struct svc *s = &g_rm.svcs[g_rm.plan.order[w]];
        if (s->phase != SVC_WAITING || !deps_ready(s))
            continue;
        /* a packaged service's image is from storage: the launch policy first */
        int err = s->packaged ? rm_gate_service(s) : 0;
        bool refused = err != 0;
        if (!err)
            err = rm_launch(s);
        if (err) { /* a bad image does not get better: no restart, but never a hang */
            s->phase = SVC_DEGRADED;
            if (!refused) /* else the gate's reason is the detail */
                snprintf(s->detail, sizeof(s->detail), "launch failed: %s", sos_strerror(err));
            rm_log(LOG_ERROR, "%s: %s", s->m->name, s->detail);
            rm_fail_waiters(s, err);
            rm_down_for_good(s); /* may start others (emergency mode) or power off */
            if (g_rm.shutting_down)
                return;
        }
    }
}

void rm_down_for_good(struct svc *s)
{
    if (s->m->critical)
        rm_log(LOG_CRITICAL, "critical service %s is down", s->m->name);
    if (s->m->emergency && !g_rm.shutting_down) {
        /* the console or the shell: with it gone nobody can look or act */
        rm_log(LOG_CRITICAL, "%s cannot start (%s) and it is the operator's way in: powering off",
               s->m->name, s->detail);
        rm_power(SOS_POWER_OFF, RM_NO_WAY_IN_STATUS, "");
        return;
    }
    rm_report_blocked(s);
}

/* ---- boot */

static int open_store(void)
{
    uint64_t size;
    int err = (int)sos_vmo_get_size(g_rm.store, &size);
    if (err)
        return err;
    struct sos_vm_map m = {sos_self_process(), g_rm.store, 0, size, SOS_VM_READ, 0, 0};
    err = (int)sos_vm_map(&m);
    if (err)
        return err;
    struct errmsg em;
    err = bundle_open(&g_rm.bundle, (const void *)(uintptr_t)m.addr, size, &em);
    if (err)
        printf("rootmgr: the boot store is unusable: %s\n", em.msg);
    return err;
}

static int load_manifests(const char ***images, size_t *nimages)
{
    struct errmsg em;
    manifest_set_init(&g_rm.set);
    uint32_t n = bundle_count(&g_rm.bundle);
    *images = calloc(n + 1, sizeof(char *));
    *nimages = 0;
    for (uint32_t i = 0; i < n; i++) {
        struct bundle_entry e;
        if (bundle_entry_at(&g_rm.bundle, i, &e))
            return SOS_ERR_CORRUPT;
        if (e.kind == BUNDLE_KIND_EXECUTABLE)
            (*images)[(*nimages)++] = e.name;
        if (e.kind != BUNDLE_KIND_MANIFEST)
            continue;
        char *text = malloc(e.size + 1);
        if (!text)
            return SOS_ERR_NO_MEMORY;
        int err = bundle_read(&g_rm.bundle, &e, text, e.size, &em);
        if (!err)
            err = manifest_parse(&g_rm.set, e.name, text, e.size, &em);
        free(text);
        if (err) {
            printf("rootmgr: %s\n", em.msg);
            return err;
        }
    }
    return 0;
}

static int plan(void)
{
    const char **images;
    size_t nimages;
    int err = load_manifests(&images, &nimages);
    struct errmsg em;
    if (!err && (err = manifest_validate(&g_rm.set, images, nimages, &em)))
        printf("rootmgr: manifests: %s\n", em.msg);
    if (!err && (err = manifest_plan(&g_rm.set, &g_rm.plan, &em)))
        printf("rootmgr: manifests: %s\n", em.msg);
    free(images);
    return err;
}

static bool boot_started(const char *name);

static void init_services(void)
{
    g_rm.nsvcs = g_rm.set.count;
    for (uint32_t i = 0; i < g_rm.nsvcs; i++)
        rm_svc_setup(i);
}

void rm_svc_setup(uint32_t i)
{
    struct svc *s = &g_rm.svcs[i];
    const struct manifest *m = &g_rm.set.svc[i];
    s->c.kind = CLIENT_SVC;
    s->c.rights = SOS_RIGHTS_ALL;
    strncpy(s->c.name, m->name, sizeof(s->c.name) - 1);
    s->m = m;
    s->idx = i;
    static const uint32_t kinds[] = {[MANIFEST_RESTART_NEVER] = RESTART_NEVER,
                                     [MANIFEST_RESTART_ALWAYS] = RESTART_ALWAYS,
                                     [MANIFEST_RESTART_ON_FAILURE] = RESTART_ON_FAILURE,
                                     [MANIFEST_RESTART_FAIL_STOP] = RESTART_FAIL_STOP};
    s->pol = (struct restart_policy){kinds[m->restart], m->restart_limit,
                                     (int64_t)m->restart_backoff_ms * 1000000};
    bool dormant = (m->startup == MANIFEST_STARTUP_ON_DEMAND && !boot_started(m->name)) ||
                   (g_rm.safe_mode && m->availability == MANIFEST_OPTIONAL);
    s->phase = dormant ? SVC_DORMANT : SVC_WAITING;
}

static void parse_args(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "mode=safe") || !strcmp(argv[i], "--safe"))
            g_rm.safe_mode = true;
        else if (!strncmp(argv[i], "start=", 6) && g_rm.n_boot_start < 4)
            snprintf(g_rm.boot_start[g_rm.n_boot_start++], sizeof(g_rm.boot_start[0]), "%s", argv[i] + 6);
    }
}

/* An on-demand service the boot's arguments ask for (start=<name>: the sim's --desktop). */
static bool boot_started(const char *name)
{
    for (uint32_t i = 0; i < g_rm.n_boot_start; i++)
        if (!strcmp(g_rm.boot_start[i], name))
            return true;
    return false;
}

int main(int argc, char **argv)
{
    g_rm.t_start = sos_clock_get();
    g_rm.root = sos_startup_handle("root-resource");
    g_rm.store = sos_startup_handle("bootstore");
    parse_args(argc, argv);
    if (!g_rm.store) {
        printf("rootmgr: no boot store was given: nothing to start\n");
        return 2;
    }
    int err = open_store();
    if (!err)
        err = plan();
    if (err)
        return 3;
    init_services();
    err = sl_server_init(&g_rm.srv, g_ops, sizeof(g_ops) / sizeof(g_ops[0]), &g_rm);
    if (err) {
        printf("rootmgr: cannot start its server loop: %s\n", sos_strerror(err));
        return 4;
    }
    g_rm.srv.on_close = rm_on_close;
    rm_log(LOG_INFO, "boot mode %s: %u services in %u waves", g_rm.safe_mode ? "safe" : "full",
           g_rm.nsvcs, g_rm.plan.n_waves);
    rm_start_eligible();
    err = sl_server_run(&g_rm.srv);
    printf("rootmgr: server loop ended: %s\n", sos_strerror(err));
    return 5;
}
