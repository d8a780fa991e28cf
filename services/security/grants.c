/*
 * services/security/grants.c - runtime approvals of capabilities (proto/security.h,
 * SEC_REQUEST_CAP): a program asks for what its manifest did not grant, the operator
 * approves or denies (security approve|deny <id>), and a grant can be revoked.
 *
 * A grant is a handle minted under a revoker of the service's own (sos_handle_mint):
 * revoking the revoker (security revoke <id>) invalidates that handle and every handle
 * derived from it, in every process, at once; the holder's next use fails with
 * SOS_ERR_REVOKED. The one capability lent today is "log:write": the service's own
 * connection to the log (its manifest's grant), so records written through a grant
 * carry the name "security" in the log.
 *
 * The request's reply waits (a deferred reply) until the decision; a requester that
 * went away before it simply gets nothing.
 *
 * Layer: services (security).
 */
#include <stdio.h>
#include <string.h>

#include <sl/service.h>
#include <sl/sl.h>

#include <proto/security.h>

#include "security.h"

#define GRANTS_MAX 16
#define CAP_NAME_MAX 16

struct sec_grant {
    uint64_t id; /* 0: a free slot */
    char client[32];
    char what[CAP_NAME_MAX];
    uint32_t state; /* SEC_GRANT_* */
    struct sl_deferred reply;
    sos_handle_t revoker;
};

static struct sec_grant g_grants[GRANTS_MAX];
static struct sl_conn_to g_log;

void sec_grants_init(void)
{
    sl_conn_to_init(&g_log, "log", sos_startup_handle("log"));
    sl_conn_to_keep(&g_sec.srv, &g_log);
}

static struct sec_grant *grant_by_id(uint64_t id)
{
    for (int i = 0; i < GRANTS_MAX; i++)
        if (g_grants[i].id == id)
            return &g_grants[i];
    return NULL;
}

/* A slot for a new request: a free one, else the oldest revoked one. */
static struct sec_grant *grant_slot(void)
{
    struct sec_grant *old = NULL;
    for (int i = 0; i < GRANTS_MAX; i++) {
        if (!g_grants[i].id)
            return &g_grants[i];
        if (g_grants[i].state == SEC_GRANT_REVOKED && (!old || g_grants[i].id < old->id))
            old = &g_grants[i];
    }
    return old;
}

int sec_do_request_cap(struct sl_request *r)
{
    struct sl_peer *peer = r->client;
    if (!peer || r->client == (void *)r->srv || !(peer->rights & SOS_RIGHT_WRITE))
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    const char *what = sl_parse_str(&p, NULL);
    if (sl_parse_end(&p) || !what)
        return SOS_ERR_INVALID_ARGS;
    if (strcmp(what, "log:write"))
        return SOS_ERR_NOT_SUPPORTED;
    struct sec_grant *g = grant_slot();
    if (!g)
        return SOS_ERR_NO_RESOURCES;
    memset(g, 0, sizeof(*g));
    g->id = ++g_sec.next_id;
    snprintf(g->client, sizeof(g->client), "%s", peer->name);
    snprintf(g->what, sizeof(g->what), "%s", what);
    sl_request_defer(r, &g->reply);
    sec_audit("approval %llu asked: %s wants %s", (unsigned long long)g->id, g->client, what);
    /* the operator's prompt, until the desktop has one */
    printf("security: %s asks for %s: security approve %llu, or security deny %llu\n",
           g->client, what, (unsigned long long)g->id, (unsigned long long)g->id);
    return SL_DEFER;
}

/* The handle to lend: the log connection minted under a new revoker. */
static int mint(struct sec_grant *g, sos_handle_t *out)
{
    int err = g_log.ch ? 0 : sl_conn_to_refresh(&g_log, sos_deadline_after(SOS_MS(1000)));
    if (!err)
        err = (int)sos_revoker_create(&g->revoker);
    if (!err) {
        /* the connection's own rights (send, receive, wait, transfer, duplicate): what
         * the holder derives from it joins the revoker's list too */
        err = (int)sos_handle_mint(g_log.ch, g->revoker, SOS_RIGHT_SAME_RIGHTS, out);
        if (err) {
            sos_handle_close(g->revoker);
            g->revoker = 0;
        }
    }
    return err;
}

int sec_grant_decide(uint64_t id, bool approve, const char *who)
{
    struct sec_grant *g = grant_by_id(id);
    if (!g || g->state != SEC_GRANT_WAITING)
        return SOS_ERR_NOT_FOUND;
    sos_handle_t h = 0;
    int err = approve ? mint(g, &h) : 0;
    if (err)
        return err;
    /* the handle moves to the requester with the reply; if it has gone, it is closed */
    sl_reply_deferred(&g->reply, approve ? 0 : SOS_ERR_ACCESS_DENIED, NULL, 0, approve ? &h : NULL,
                      approve ? 1 : 0);
    sec_audit("approval %llu %s by %s: %s for %s", (unsigned long long)id,
              approve ? "granted" : "denied", who, g->what, g->client);
    if (approve) {
        g->state = SEC_GRANT_GRANTED;
    } else {
        memset(g, 0, sizeof(*g));
    }
    return 0;
}

int sec_do_revoke_grant(struct sl_request *r)
{
    struct sl_peer *peer = r->client;
    if (!peer || r->client == (void *)r->srv || !(peer->rights & SOS_RIGHT_MANAGE))
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint64_t id = sl_parse_u64(&p);
    if (sl_parse_end(&p) || id == 0)
        return SOS_ERR_INVALID_ARGS;
    struct sec_grant *g = grant_by_id(id);
    if (!g || g->state != SEC_GRANT_GRANTED)
        return SOS_ERR_NOT_FOUND;
    int err = (int)sos_revoker_revoke(g->revoker);
    if (err)
        return err;
    sos_handle_close(g->revoker);
    g->revoker = 0;
    g->state = SEC_GRANT_REVOKED;
    sec_audit("revoked by %s: grant %llu (%s for %s)", peer->name, (unsigned long long)id,
              g->what, g->client);
    sec_kaudit_drain(); /* the kernel's own record of it */
    return 0;
}

int sec_do_grants(struct sl_request *r)
{
    struct sl_peer *peer = r->client;
    if (!peer || r->client == (void *)r->srv || !(peer->rights & SOS_RIGHT_READ))
        return SOS_ERR_ACCESS_DENIED;
    if (r->len != sizeof(struct sos_msg_hdr))
        return SOS_ERR_INVALID_ARGS;
    uint32_t n = 0;
    for (int i = 0; i < GRANTS_MAX; i++)
        n += g_grants[i].id != 0;
    sl_msg_put_u32(r->reply, n);
    for (int i = 0; i < GRANTS_MAX; i++) {
        if (!g_grants[i].id)
            continue;
        sl_msg_put_u64(r->reply, g_grants[i].id);
        sl_msg_put_str(r->reply, g_grants[i].client);
        sl_msg_put_str(r->reply, g_grants[i].what);
        sl_msg_put_u32(r->reply, g_grants[i].state);
    }
    return 0;
}
