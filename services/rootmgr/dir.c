/*
 * services/rootmgr/dir.c - the directory: readiness and lookups.
 *
 * A lookup is allowed when the caller's manifest names the target in lookup= or
 * grant=; the new connection carries the rights written there. A lookup of one of the
 * caller's own storage/<path> resources opens that directory again with the
 * manifest's rights (the handle given at the start dies when storage restarts): the
 * way a service keeps its places across a restart of storage. A lookup of a service
 * that is starting, waiting or in backoff waits (deferred reply) until it is ready or
 * has failed; a dormant (on-demand) service is started by its first lookup, except an
 * optional one left off by safe mode, which only an operator's start brings up.
 *
 * A ready service may already be dead: its process gone, its exit still queued behind
 * the request in hand (the lookup came first, or it died while the waiters of its ready
 * were answered, on another vCPU). Connecting to it then fails with PEER_CLOSED; that
 * lookup waits for the next instance like one made during a restart, rather than
 * failing: a client that keeps a connection alive by looking it up again when it
 * closes (sl_conn_to_keep) would otherwise lose it for good.
 *
 * Layer: services (root manager).
 */
#include "rootmgr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct svc *svc_of(struct sl_request *r)
{
    struct client *c = r->client;
    return c && c->kind == CLIENT_SVC ? (struct svc *)c : NULL;
}

static void log_up(void);

/* Whether `name` is a storage/<path> resource of the caller's manifest: then w->dir
 * and w->dir_rights say which directory (below the top of the store) and how. */
static bool own_dir(const struct client *c, const char *name, struct lookup_wait *w)
{
    const struct manifest *m = c->kind == CLIENT_SVC ? ((const struct svc *)c)->m : NULL;
    for (uint32_t k = 0; m && k < m->n_resources; k++)
        if (m->resource_dir[k] && !strcmp(m->resources[k], name)) {
            w->dir_rights = m->resource_dir[k];
            snprintf(w->dir, sizeof(w->dir), "%s", m->resources[k] + strlen(MANIFEST_STORAGE_PREFIX));
            return true;
        }
    return false;
}

/* A new handle for the waiter w (a connection to t, or the directory it names). */
static int lookup_handle(struct svc *t, const struct lookup_wait *w, sos_handle_t *h)
{
    return w->dir[0] ? rm_storage_dir(w->dir, w->dir_rights, h) : rm_connect(t, w->client, w->rights, h);
}

bool rm_instance_gone(const struct svc *s)
{
    sos_signals_t seen = 0;
    return s->proc && sos_object_wait_one(s->proc, SOS_SIG_TERMINATED, 0, &seen) == 0;
}

/* A waiting lookup of s answered now (a connection or an error) or, when s is already
 * gone, kept among its waiters for the next instance. */
static void answer_waiter(struct svc *s, struct lookup_wait *w)
{
    sos_handle_t h;
    int err = lookup_handle(s, w, &h);
    if (err == SOS_ERR_PEER_CLOSED && rm_instance_gone(s)) {
        w->next = s->waiters;
        s->waiters = w;
        return;
    }
    /* on a failed write the handle did not move: the connection is nobody's */
    if (sl_reply_deferred(&w->reply, err, NULL, 0, err ? NULL : &h, err ? 0 : 1) && !err)
        sos_handle_close(h);
    free(w);
}

void rm_ready(struct svc *s)
{
    s->phase = SVC_READY;
    s->start_to_ready_ns = sos_clock_get() - s->started_at;
    policy_ready(&s->rs);
    snprintf(s->detail, sizeof(s->detail), "ready");
    if (!strcmp(s->m->name, "log"))
        log_up();

    rm_log(LOG_INFO, "%s ready in %lld us (pid %llu)", s->m->name,
           (long long)(s->start_to_ready_ns / 1000), (unsigned long long)s->pid);
    /* answer the lookups that waited for it */
    struct lookup_wait *w = s->waiters;
    s->waiters = NULL;
    while (w) {
        struct lookup_wait *next = w->next;
        answer_waiter(s, w);
        w = next;
    }
    rm_start_eligible();
    if (!g_rm.t_all_ready) {
        bool all = true;
        for (uint32_t i = 0; i < g_rm.nsvcs; i++)
            all &= g_rm.svcs[i].phase == SVC_READY || g_rm.svcs[i].phase == SVC_DORMANT;
        if (all) {
            g_rm.t_all_ready = sos_clock_get();
            rm_log(LOG_NOTICE, "all %u services ready: %lld us after boot, %lld us after the root manager started",
                   g_rm.nsvcs, (long long)(g_rm.t_all_ready / 1000),
                   (long long)((g_rm.t_all_ready - g_rm.t_start) / 1000));
        }
    }
}

void rm_fail_waiters(struct svc *s, int status)
{
    struct lookup_wait *w = s->waiters;
    s->waiters = NULL;
    while (w) {
        struct lookup_wait *next = w->next;
        sl_reply_deferred(&w->reply, status, NULL, 0, NULL, 0);
        free(w);
        w = next;
    }
}

/* The log service came up: connect to it for our own records. */
static void log_up(void)
{
    struct svc *l = rm_find("log");
    if (g_rm.log || !l)
        return;
    sos_handle_t h;
    if (rm_connect(l, "rootmgr", SOS_RIGHT_WRITE | SOS_RIGHT_READ, &h) == 0)
        g_rm.log = h;
}

int rm_dir_ready(struct sl_request *r)
{
    struct svc *s = svc_of(r);
    if (!s)
        return SOS_ERR_ACCESS_DENIED;
    if (s->phase != SVC_STARTING)
        return SOS_ERR_BAD_STATE;
    /* answer first: rm_ready may launch services whose start calls this one (storage
     * opens their directories), and it waits in this call until we answer */
    struct sl_deferred d;
    sl_request_defer(r, &d);
    sl_reply_deferred(&d, 0, NULL, 0, NULL, 0);
    rm_ready(s);
    return SL_DEFER;
}

int rm_dir_log(struct sl_request *r)
{
    struct svc *s = svc_of(r);
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint32_t sev = sl_parse_u32(&p);
    const char *msg = sl_parse_str(&p, NULL);
    if (sl_parse_end(&p) || !s)
        return SOS_ERR_INVALID_ARGS;
    rm_log(sev, "[%s] %s", s->m->name, msg);
    return 0;
}

/* What rights the caller's manifest gives it on `target`, or false. */
static bool allowed(const struct client *c, const char *target, sos_rights_t *rights)
{
    if (c->kind != CLIENT_SVC)
        return false;
    const struct manifest *m = ((const struct svc *)c)->m;
    for (uint32_t i = 0; i < m->n_lookups; i++)
        if (!strcmp(m->lookups[i].service, target)) {
            *rights = m->lookups[i].rights;
            return true;
        }
    for (uint32_t i = 0; i < m->n_grants; i++)
        if (!strcmp(m->grants[i].service, target)) {
            *rights = m->grants[i].rights;
            return true;
        }
    return false;
}

static int lookup_rootmgr(struct sl_request *r, sos_rights_t rights)
{
    sos_handle_t ch[2];
    int err = (int)sos_channel_create(0, ch);
    if (err)
        return err;
    struct client *c = calloc(1, sizeof(*c));
    if (!c) {
        sos_handle_close(ch[0]);
        sos_handle_close(ch[1]);
        return SOS_ERR_NO_MEMORY;
    }
    c->kind = CLIENT_MGR;
    c->rights = rights;
    snprintf(c->name, sizeof(c->name), "%s", ((struct client *)r->client)->name);
    sl_server_add_channel(&g_rm.srv, ch[0], c);
    sl_msg_put_handle(r->reply, ch[1]);
    return 0;
}

int rm_dir_lookup(struct sl_request *r)
{
    struct client *c = r->client;
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    const char *name = sl_parse_str(&p, NULL);
    if (sl_parse_end(&p) || !name)
        return SOS_ERR_INVALID_ARGS;
    struct lookup_wait want = {.rights = 0};
    bool dir = own_dir(c, name, &want);
    if (!dir && !allowed(c, name, &want.rights)) {
        rm_log(LOG_WARNING, "%s may not look up %s", c->name, name);
        return SOS_ERR_ACCESS_DENIED;
    }
    if (!strcmp(name, "rootmgr"))
        return lookup_rootmgr(r, want.rights);
    struct svc *t = rm_find(dir ? MANIFEST_STORAGE_SERVICE : name);
    if (!t)
        return SOS_ERR_NOT_FOUND;
    snprintf(want.client, sizeof(want.client), "%s", c->name);
    bool gone = false;
    if (t->phase == SVC_READY) {
        sos_handle_t h;
        int err = lookup_handle(t, &want, &h);
        if (!err)
            sl_msg_put_handle(r->reply, h);
        if (err != SOS_ERR_PEER_CLOSED || !(gone = rm_instance_gone(t)))
            return err;
    }
    if (t->phase == SVC_DEGRADED || t->phase == SVC_EXITED || g_rm.shutting_down)
        return SOS_ERR_PEER_CLOSED;
    if (!gone && rm_left_off(t))
        return SOS_ERR_BAD_STATE; /* off in safe mode until an operator starts it */
    if (!gone && c->kind == CLIENT_SVC && rm_starts_without((const struct svc *)c, t))
        return SOS_ERR_BAD_STATE; /* emergency mode: it cannot start; do not wait for it */
    struct lookup_wait *w = malloc(sizeof(*w));
    if (!w)
        return SOS_ERR_NO_MEMORY;
    *w = want;
    sl_request_defer(r, &w->reply);
    w->next = t->waiters;
    t->waiters = w;
    if (t->phase == SVC_DORMANT) {
        t->phase = SVC_WAITING;
        rm_start_eligible();
    }
    return SL_DEFER;
}

void rm_forget_waiters(sos_handle_t ch)
{
    for (uint32_t i = 0; ch && i < g_rm.nsvcs; i++)
        for (struct lookup_wait **p = &g_rm.svcs[i].waiters; *p;) {
            struct lookup_wait *w = *p;
            if (w->reply.channel == ch) {
                *p = w->next;
                free(w);
            } else {
                p = &w->next;
            }
        }
}

void rm_on_close(struct sl_server *srv, sos_handle_t ch, void *client)
{
    (void)srv;
    rm_forget_waiters(ch);
    struct client *c = client;
    if (c && c->kind == CLIENT_MGR)
        free(c);
    else if (c && c->kind == CLIENT_SVC)
        ((struct svc *)c)->dir = 0; /* its directory channel is gone with it */
}
