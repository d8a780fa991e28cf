/*
 * services/rootmgr/launch.c - starting, watching, restarting and stopping services.
 *
 * A service gets exactly: "directory" (its channel to us), "serve" (where we hand it
 * client connections), one pre-connected channel per grant= named after the service it
 * reaches, and what its resource= lines name (a storage/<path> resource: a handle on
 * that directory, opened at every launch, named "storage/<path>"; resource=state: a
 * zeroed page made at the first launch and kept here, so that every instance gets the
 * same one and finds what the one before left, such as the console's unread input).
 * Nothing else.
 *
 * Layer: services (root manager).
 */
#include "rootmgr.h"

#include "hash/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STOP_GRACE_NS 1000000000ll /* an orderly stop waits this long before a kill */

int rm_image_vmo(const char *entry, sos_handle_t *out, uint8_t hash[32])
{
    struct bundle_entry e;
    struct errmsg em;
    int err = bundle_find(&g_rm.bundle, entry, &e);
    if (err)
        return err;
    void *buf = malloc(e.size ? e.size : 1);
    if (!buf)
        return SOS_ERR_NO_MEMORY;
    err = bundle_read(&g_rm.bundle, &e, buf, e.size, &em);
    if (err)
        rm_log(LOG_ERROR, "image %s: %s", entry, em.msg);
    sos_handle_t v = 0;
    if (!err && hash)
        sha256(buf, e.size, hash);
    if (!err)
        err = (int)sos_vmo_create(e.size, 0, &v);
    if (!err)
        err = (int)sos_vmo_write(v, buf, 0, e.size);
    free(buf);
    if (err && v)
        sos_handle_close(v);
    if (!err)
        *out = v;
    return err;
}

/* Whether manifest m grants or looks up service `name`. */
static bool talks_to(const struct manifest *m, const char *name)
{
    for (uint32_t i = 0; i < m->n_grants; i++)
        if (!strcmp(m->grants[i].service, name))
            return true;
    for (uint32_t i = 0; i < m->n_lookups; i++)
        if (!strcmp(m->lookups[i].service, name))
            return true;
    return false;
}

/* The image of service `client`, as 64 hex digits, for the security service: it keeps
 * what the operator decides per image (docs/security.md); "" when not known. */
static void client_image(const struct svc *target, const char *client, char hex[65])
{
    const struct svc *c = target == rm_gatekeeper() ? rm_find(client) : NULL;
    hex[0] = 0;
    for (int i = 0; c && c->hashed && i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", c->image_hash[i]);
}

int rm_connect(struct svc *target, const char *client, sos_rights_t rights, sos_handle_t *out)
{
    if (target->phase != SVC_READY && target->phase != SVC_STARTING)
        return SOS_ERR_BAD_STATE;
    sos_handle_t ch[2];
    int err = (int)sos_channel_create(0, ch);
    if (err)
        return err;
    uint8_t buf[192]; /* a 31-byte client name and an image hash take 125 */
    sos_handle_t hbuf[1];
    struct sl_msg m;
    sl_msg_begin(&m, buf, sizeof(buf), hbuf, 1, SVC_CONNECT);
    char image[65];
    client_image(target, client, image);
    sl_msg_put_str(&m, client);
    sl_msg_put_u32(&m, rights);
    sl_msg_put_handle(&m, ch[1]);
    if (image[0])
        sl_msg_put_str(&m, image);
    err = sl_msg_finish(&m);
    if (!err)
        err = sl_msg_send(target->serve, &m);
    if (err) {
        sos_handle_close(ch[0]);
        sos_handle_close(ch[1]);
        return err;
    }
    *out = ch[0];
    return 0;
}

/* Device `num` (decimal text) of a class, for one service: read, write, wait and
   transfer, never duplicate. */
static int device_handle(uint32_t dev_class, const char *num, sos_handle_t *out)
{
    char *end;
    unsigned long idx = strtoul(num, &end, 10);
    if (*end || idx > 15)
        return SOS_ERR_NOT_FOUND;
    sos_handle_t dev;
    int err = (int)sos_device_open(g_rm.root, dev_class, (uint32_t)idx, &dev);
    if (err)
        return err;
    err = (int)sos_handle_replace(dev, SOS_RIGHT_READ | SOS_RIGHT_WRITE | SOS_RIGHT_WAIT |
                                           SOS_RIGHT_TRANSFER, out);
    if (err)
        sos_handle_close(dev);
    return err;
}

/* The device class a resource names (block<N>, net<N>, display<N>, input<N>, audio<N>)
   with *num at its number, or 0. */
static uint32_t device_resource(const char *what, const char **num)
{
    static const struct { const char *prefix; uint32_t dev_class; } k[] = {
        {"block", SOS_DEV_BLOCK}, {"net", SOS_DEV_NET}, {"display", SOS_DEV_DISPLAY},
        {"input", SOS_DEV_INPUT}, {"audio", SOS_DEV_AUDIO}};
    for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
        size_t n = strlen(k[i].prefix);
        if (!strncmp(what, k[i].prefix, n) && what[n] >= '0' && what[n] <= '9') {
            *num = what + n;
            return k[i].dev_class;
        }
    }
    return 0;
}

/* Resource k of m: what it names becomes a startup handle, called `name`. */
static int resource_handle(const struct manifest *m, uint32_t k, sos_handle_t *out, char *name)
{
    const char *what = m->resources[k];
    snprintf(name, SOS_HANDLE_NAME_MAX, "%s", what);
    if (m->resource_dir[k]) { /* storage/<path>: the directory, named by the whole text */
        int err = rm_storage_dir(what + strlen(MANIFEST_STORAGE_PREFIX), m->resource_dir[k], out);
        if (err)
            rm_log(LOG_ERROR, "%s: resource %s: cannot open /%s in storage: %s", m->name, what,
                   what + strlen(MANIFEST_STORAGE_PREFIX), sos_strerror(err));
        return err;
    }
    if (!strcmp(what, "console") || !strcmp(what, "faults") || !strcmp(what, "audit"))
        return (int)sos_handle_duplicate(g_rm.root, SOS_RIGHT_READ | SOS_RIGHT_WAIT | SOS_RIGHT_TRANSFER, out);
    if (!strcmp(what, "kernel"))
        return (int)sos_handle_duplicate(g_rm.root, SOS_RIGHT_READ | SOS_RIGHT_WAIT | SOS_RIGHT_INSPECT | SOS_RIGHT_TRANSFER,
                                         out);
    if (!strcmp(what, "stats")) /* the kernel's statistics only: no ring, no device */
        return (int)sos_handle_duplicate(g_rm.root, SOS_RIGHT_INSPECT | SOS_RIGHT_TRANSFER, out);
    if (!strcmp(what, "power"))
        return (int)sos_handle_duplicate(g_rm.root, SOS_RIGHT_MANAGE | SOS_RIGHT_TRANSFER, out);
    const char *num;
    uint32_t dev_class = device_resource(what, &num);
    if (dev_class) /* block<N>, net<N>, display<N>, input<N>, audio<N> */
        return device_handle(dev_class, num, out);
    if (!strcmp(what, "bootstore"))
        return (int)sos_handle_duplicate(g_rm.store, SOS_RIGHT_READ | SOS_RIGHT_MAP | SOS_RIGHT_TRANSFER, out);
    if (!strncmp(what, "bundle:", 7)) {
        const char *entry = what + 7;
        const char *slash = strrchr(entry, '/');
        snprintf(name, SOS_HANDLE_NAME_MAX, "%s", slash ? slash + 1 : entry);
        return rm_image_vmo(entry, out, NULL);
    }
    return SOS_ERR_NOT_FOUND;
}

/* resource=state: the service's page that outlives its instances. */
static int state_handle(struct svc *s, sos_handle_t *out)
{
    if (!s->state) {
        int err = (int)sos_vmo_create(RM_STATE_BYTES, 0, &s->state);
        if (err)
            return err;
    }
    return (int)sos_handle_duplicate(s->state, SOS_RIGHT_READ | SOS_RIGHT_WRITE | SOS_RIGHT_TRANSFER,
                                     out);
}

struct spawn_set {
    struct sos_spawn_handle h[SOS_SPAWN_MAX_HANDLES];
    uint32_t n;
};

static void add(struct spawn_set *ss, sos_handle_t h, const char *name)
{
    ss->h[ss->n].handle = h;
    snprintf(ss->h[ss->n].name, SOS_HANDLE_NAME_MAX, "%s", name);
    ss->n++;
}

static void close_set(struct spawn_set *ss)
{
    for (uint32_t i = 0; i < ss->n; i++)
        sos_handle_close(ss->h[i].handle);
    ss->n = 0;
}

/* Build the startup handles; our ends of directory/serve land in s. */
static int build_handles(struct svc *s, struct spawn_set *ss)
{
    const struct manifest *m = s->m;
    sos_handle_t dir[2], serve[2];
    int err = (int)sos_channel_create(0, dir);
    if (err)
        return err;
    err = (int)sos_channel_create(0, serve);
    if (err) {
        sos_handle_close(dir[0]);
        sos_handle_close(dir[1]);
        return err;
    }
    s->dir = dir[0];
    s->serve = serve[0];
    add(ss, dir[1], "directory");
    add(ss, serve[1], "serve");
    for (uint32_t i = 0; i < m->n_grants && !err; i++) {
        struct svc *t = rm_find(m->grants[i].service);
        if (rm_starts_without(s, t))
            continue; /* safe or emergency mode: no handle to a service that is off */
        sos_handle_t h;
        err = t ? rm_connect(t, m->name, m->grants[i].rights, &h) : SOS_ERR_NOT_FOUND;
        if (!err)
            add(ss, h, m->grants[i].service);
    }
    for (uint32_t i = 0; i < m->n_resources && !err; i++) {
        sos_handle_t h;
        char name[SOS_HANDLE_NAME_MAX];
        const char *num;
        if (!strcmp(m->resources[i], "state")) {
            snprintf(name, sizeof(name), "state");
            err = state_handle(s, &h);
        } else {
            err = resource_handle(m, i, &h, name);
        }
        if (err == SOS_ERR_NOT_FOUND && device_resource(m->resources[i], &num)) {
            rm_log(LOG_NOTICE, "%s: there is no %s: started without it", m->name, m->resources[i]);
            err = 0; /* a machine without that device: the service copes (storage keeps
                      * RAM, audio serves no endpoint) */
            continue;
        }
        if (err && !m->resource_dir[i]) /* a storage directory's failure is said already */
            rm_log(LOG_ERROR, "%s: resource %s: %s", m->name, m->resources[i], sos_strerror(err));
        else
            add(ss, h, name);
    }
    return err;
}

static void drop_channels(struct svc *s)
{
    rm_forget_waiters(s->dir);
    if (s->dir)
        sl_server_remove_channel(&g_rm.srv, s->dir);
    if (s->serve)
        sos_handle_close(s->serve);
    s->dir = s->serve = 0;
}

static void timer_fired(struct sl_server *srv, const struct sos_port_packet *pkt, void *arg);

static int arm_timer(struct svc *s, int64_t deadline)
{
    if (!s->timer) {
        int err = (int)sos_timer_create(0, &s->timer);
        if (!err)
            err = sl_server_watch(&g_rm.srv, s->timer, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_REPEAT,
                                  timer_fired, s);
        if (err)
            return err;
    }
    return (int)sos_timer_set(s->timer, deadline, 0);
}

int rm_launch(struct svc *s)
{
    const struct manifest *m = s->m;
    /* a client of the security service is known to it by its image too (rm_connect) */
    bool named = !s->image && talks_to(m, "security");
    int err = s->image ? 0 : rm_image_vmo(m->image, &s->image, named ? s->image_hash : NULL);
    s->hashed |= named && !err;
    if (err)
        return err;
    struct spawn_set ss = {.n = 0};
    err = build_handles(s, &ss);
    struct sos_spawn_args a = {.image = s->image, .nhandles = ss.n, .name = m->name,
                               .args = m->name, .args_len = (uint32_t)strlen(m->name) + 1,
                               .handles = ss.h};
    if (!err)
        err = (int)sos_process_spawn(&a, &s->proc);
    if (err) {
        close_set(&ss);
        drop_channels(s);
        return err;
    }
    struct sos_info_handle ih;
    if (sos_object_get_info(s->proc, SOS_INFO_HANDLE, &ih, sizeof(ih)) > 0)
        s->pid = ih.koid;
    sl_server_add_channel(&g_rm.srv, s->dir, s);
    sl_server_watch(&g_rm.srv, s->proc, SOS_SIG_TERMINATED, SOS_WAIT_ASYNC_ONCE, rm_on_exit, s);
    s->phase = SVC_STARTING;
    s->started_at = sos_clock_get();
    s->stop_requested = false;
    arm_timer(s, s->started_at + (int64_t)m->ready_timeout_ms * 1000000);
    return 0;
}

static void timer_fired(struct sl_server *srv, const struct sos_port_packet *pkt, void *arg)
{
    (void)srv;
    (void)pkt;
    struct svc *s = arg;
    if (s->phase == SVC_BACKOFF) {
        s->phase = SVC_WAITING;
        rm_start_eligible();
    } else if (s->phase == SVC_STARTING && sos_clock_get() >= s->started_at +
                                                              (int64_t)s->m->ready_timeout_ms * 1000000) {
        snprintf(s->detail, sizeof(s->detail), "not ready within %u ms", s->m->ready_timeout_ms);
        rm_log(LOG_ERROR, "%s: %s: stopping it", s->m->name, s->detail);
        sos_process_kill(s->proc); /* its exit is then handled as a crash */
    }
}

static const char *fault_name(uint32_t c)
{
    static const char *const n[] = {"none", "null dereference", "wild address", "permission",
                                    "exec of non-exec", "illegal instruction", "arithmetic",
                                    "alignment", "breakpoint", "killed", "raw host syscall"};
    return c < sizeof(n) / sizeof(n[0]) ? n[c] : "?";
}

void rm_on_exit(struct sl_server *srv, const struct sos_port_packet *pkt, void *arg)
{
    (void)srv;
    (void)pkt;
    struct svc *s = arg;
    struct sos_info_process pi;
    memset(&pi, 0, sizeof(pi));
    sos_object_get_info(s->proc, SOS_INFO_PROCESS, &pi, sizeof(pi));
    char func[40] = "";
    if (pi.state == SOS_PROC_FAULTED)
        rm_crash_report(s->proc, s->m->name, s->packaged ? "" : s->m->image, func, sizeof(func));
    sos_handle_close(s->proc);
    s->proc = 0;
    s->pid = 0;
    drop_channels(s);
    bool crashed = !(pi.state == SOS_PROC_EXITED && pi.exit_code == 0);
    if (pi.state == SOS_PROC_FAULTED)
        snprintf(s->detail, sizeof(s->detail), "faulted: %s at %#llx%s%s",
                 fault_name(pi.fault.fault_class), (unsigned long long)pi.fault.address,
                 func[0] ? " in " : "", func);
    else if (pi.state == SOS_PROC_KILLED)
        snprintf(s->detail, sizeof(s->detail), "killed");
    else
        snprintf(s->detail, sizeof(s->detail), "exited with status %d", pi.exit_code);
    if (s->stop_requested || g_rm.shutting_down) {
        s->phase = SVC_EXITED;
        rm_fail_waiters(s, SOS_ERR_PEER_CLOSED);
        if (s->restart_now) {
            s->restart_now = false;
            s->rs.restarts++;
            s->phase = SVC_WAITING;
            rm_start_eligible();
        }
        return;
    }
    if (s->operator_kill) {
        s->operator_kill = false;
        s->rs.restarts++;
        rm_log(LOG_NOTICE, "%s killed by an operator; restarting", s->m->name);
        s->phase = SVC_WAITING;
        rm_start_eligible();
        return;
    }
    int64_t delay;
    const char *why;
    enum policy_action act = policy_decide(&s->pol, &s->rs, crashed, sos_clock_get(), &delay, &why);
    rm_log(crashed ? LOG_ERROR : LOG_NOTICE, "%s %s; %s", s->m->name, s->detail, why);
    if (act == POLICY_RESTART && delay == 0) {
        s->phase = SVC_WAITING;
        rm_start_eligible();
    } else if (act == POLICY_RESTART) {
        s->phase = SVC_BACKOFF;
        arm_timer(s, sos_clock_get() + delay);
    } else {
        s->phase = act == POLICY_GIVE_UP ? SVC_DEGRADED : SVC_EXITED;
        rm_fail_waiters(s, SOS_ERR_PEER_CLOSED);
        if (act == POLICY_GIVE_UP)
            rm_down_for_good(s);
    }
}

void rm_stop(struct svc *s, bool kill_now)
{
    if (!s->proc)
        return;
    s->stop_requested = true;
    if (!kill_now && s->serve) {
        /* one-way: a service blocked in a call to us could never answer a call */
        uint8_t buf[64];
        struct sl_msg req;
        sl_msg_begin(&req, buf, sizeof(buf), NULL, 0, SVC_STOP);
        sl_msg_hdr(&req)->flags = SOS_MSG_NO_REPLY;
        if (sl_msg_send(s->serve, &req) == 0 &&
            sos_object_wait_one(s->proc, SOS_SIG_TERMINATED, sos_clock_get() + STOP_GRACE_NS, NULL) == 0)
            return;
        rm_log(LOG_WARNING, "%s did not stop within %lld ms: killing it", s->m->name,
               (long long)(STOP_GRACE_NS / 1000000));
    }
    sos_process_kill(s->proc);
}
