/*
 * services/lib/src/service.c - being a service (see sl/service.h).
 *
 * Layer: services/lib.
 */
#include <sl/service.h>
#include <sl/startup.h>
#include <sl/sys.h>

#include <proto/dir.h>

#include <stdlib.h>
#include <string.h>

#define DIR_TIMEOUT_NS 10000000000ll /* the root manager answers within 10 s */

static int do_connect(struct sl_request *r)
{
    if (r->client != (void *)r->srv)
        return SOS_ERR_ACCESS_DENIED; /* only the root manager, on "serve" */
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, r->handles, r->nhandles, NULL);
    const char *client = sl_parse_str(&p, NULL);
    uint32_t rights = sl_parse_u32(&p);
    sos_handle_t ch = sl_parse_handle(&p);
    const char *image = sl_parse_str_opt(&p); /* only for the security service */
    if (sl_parse_end(&p) || !client || !ch)
        return SOS_ERR_INVALID_ARGS;
    struct sl_peer *peer = calloc(1, sizeof(*peer));
    if (!peer)
        return SOS_ERR_NO_MEMORY;
    strncpy(peer->name, client, sizeof(peer->name) - 1);
    strncpy(peer->image, image, sizeof(peer->image) - 1);
    peer->rights = rights;
    for (uint32_t i = 0; i < r->nhandles; i++) /* the loop owns it now, not the request */
        if (r->handles[i] == ch)
            r->handles[i] = SOS_HANDLE_INVALID;
    int err = sl_server_add_channel(r->srv, ch, peer);
    if (err) {
        sos_handle_close(ch);
        free(peer);
    }
    return err;
}

static int do_stop(struct sl_request *r)
{
    if (r->client != (void *)r->srv)
        return SOS_ERR_ACCESS_DENIED;
    sl_server_stop(r->srv, 0);
    return 0;
}

static sl_close_fn g_user_close;

/* Frees the peer record of a client that went away, after the service's own hook. */
static void on_close(struct sl_server *s, sos_handle_t ch, void *client)
{
    if (g_user_close)
        g_user_close(s, ch, client);
    if (client && client != (void *)s)
        free(client);
}

int sl_service_init(struct sl_server *s, const struct sl_op *ops, size_t nops, void *ctx)
{
    struct sl_op *all = malloc((nops + 2) * sizeof(*all));
    if (!all)
        return SOS_ERR_NO_MEMORY;
    memcpy(all, ops, nops * sizeof(*all));
    all[nops] = (struct sl_op){SVC_CONNECT, sizeof(struct sos_msg_hdr), do_connect};
    all[nops + 1] = (struct sl_op){SVC_STOP, sizeof(struct sos_msg_hdr), do_stop};
    int err = sl_server_init(s, all, nops + 2, ctx);
    if (err) {
        free(all);
        return err;
    }
    g_user_close = s->on_close;
    s->on_close = on_close;
    sos_handle_t serve = sos_startup_handle("serve");
    if (serve)
        err = sl_server_add_channel(s, serve, s); /* client == the server: the root manager */
    return err;
}

void sl_service_destroy(struct sl_server *s)
{
    const struct sl_op *ops = s->ops;
    sl_server_destroy(s);
    free((void *)ops);
}

static int dir_call(struct sl_msg *req, struct sl_msg *rep, sos_time_t deadline)
{
    sos_handle_t dir = sos_startup_handle("directory");
    if (!dir)
        return SOS_ERR_NOT_FOUND;
    sos_time_t limit = sos_clock_get() + DIR_TIMEOUT_NS;
    return sl_call(dir, req, rep, deadline < limit ? deadline : limit);
}

int sl_service_ready(void)
{
    uint8_t b[32], rb[32];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, DIR_READY);
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, DIR_READY);
    return dir_call(&req, &rep, SOS_TIME_INFINITE);
}

int sl_service_lookup(const char *name, sos_handle_t *out, sos_time_t deadline)
{
    uint8_t b[96], rb[32];
    sos_handle_t rh[1];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, DIR_LOOKUP);
    sl_msg_put_str(&req, name);
    sl_msg_begin(&rep, rb, sizeof(rb), rh, 1, DIR_LOOKUP);
    int err = sl_msg_finish(&req);
    if (!err)
        err = dir_call(&req, &rep, deadline);
    if (!err && rep.nhandles != 1)
        err = SOS_ERR_BAD_FORMAT;
    if (!err)
        *out = rh[0];
    return err;
}

int sl_service_log(uint32_t severity, const char *msg)
{
    uint8_t b[600], rb[32];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, DIR_LOG);
    sl_msg_put_u32(&req, severity);
    sl_msg_put_str(&req, msg);
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, DIR_LOG);
    int err = sl_msg_finish(&req);
    return err ? err : dir_call(&req, &rep, SOS_TIME_INFINITE);
}

void sl_conn_to_init(struct sl_conn_to *c, const char *name, sos_handle_t initial)
{
    memset(c, 0, sizeof(*c));
    strncpy(c->name, name, sizeof(c->name) - 1);
    c->ch = initial;
}

#define CONN_KEEP_WAIT_NS 5000000000ll /* a restart is quicker; a lookup cut short leaves
                                         the root manager's late answer in our directory */

static void conn_watch(struct sl_conn_to *c);

static void conn_closed(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s;
    (void)pkt;
    struct sl_conn_to *c = arg;
    sos_signals_t seen = 0;
    if (!c->ch || sos_object_wait_one(c->ch, SOS_SIG_PEER_CLOSED, 0, &seen) != 0)
        return; /* not this channel's watch: a call replaced the channel and watches it */
    sl_conn_to_refresh(c, sos_deadline_after(CONN_KEEP_WAIT_NS));
    conn_watch(c);
}

/* One watch per channel: a call that replaced the channel watches the new one. */
static void conn_watch(struct sl_conn_to *c)
{
    if (c->keep && c->ch)
        sl_server_watch(c->keep, c->ch, SOS_SIG_PEER_CLOSED, SOS_WAIT_ASYNC_ONCE, conn_closed, c);
}

void sl_conn_to_keep(struct sl_server *srv, struct sl_conn_to *c)
{
    c->keep = srv;
    conn_watch(c);
}

int sl_conn_to_refresh(struct sl_conn_to *c, sos_time_t deadline)
{
    sos_signals_t seen = 0;
    if (c->ch && sos_object_wait_one(c->ch, SOS_SIG_PEER_CLOSED, 0, &seen) != 0)
        return 0; /* still live (a watch from an earlier channel of the same number) */
    if (c->ch)
        sos_handle_close(c->ch);
    c->ch = 0;
    int err = sl_service_lookup(c->name, &c->ch, deadline);
    if (err)
        c->ch = 0;
    return err;
}

int sl_conn_to_call(struct sl_conn_to *c, const struct sl_msg *req, struct sl_msg *rep,
                    sos_time_t deadline)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        if (!c->ch) {
            int err = sl_service_lookup(c->name, &c->ch, deadline);
            if (err)
                return err;
            conn_watch(c);
        }
        uint32_t cap = rep->cap, hcap = rep->hcap;
        int err = sl_call(c->ch, req, rep, deadline);
        if (err != SOS_ERR_PEER_CLOSED && err != SOS_ERR_BAD_HANDLE)
            return err;
        sos_handle_close(c->ch); /* the service went away: find its new instance */
        c->ch = 0;
        rep->cap = cap;
        rep->hcap = hcap;
    }
    return SOS_ERR_PEER_CLOSED;
}
