/*
 * sl/service.h - being a service: readiness, lookups, client connections, stop.
 *
 * A service built on sl_server calls sl_service_init() instead of sl_server_init(): it
 * adds the startup channel "serve" to the loop, on which the root manager hands over
 * client connections (SVC_CONNECT: each becomes a served channel whose client context
 * is a struct sl_peer with the client's name and rights) and asks for an orderly stop
 * (SVC_STOP: the loop ends and sl_server_run returns 0). sl_service_ready() tells the
 * root manager the service is ready; sl_service_lookup() asks it for a channel to
 * another service. struct sl_conn_to keeps such a channel and looks it up again when it
 * breaks (the service restarted), so clients keep working across restarts.
 *
 * Layer: services/lib.
 */
#ifndef SL_SERVICE_H
#define SL_SERVICE_H

#include <sl/server.h>

/* The client of a served connection (r->client in handlers). */
struct sl_peer {
    char name[32];        /* the client's service name, as the root manager knows it */
    sos_rights_t rights;  /* SOS_RIGHT_READ / WRITE / MANAGE granted on this service */
    char image[65];       /* its image's SHA-256 (hex) when the root manager tells it (to
                             the security service), else "" */
    void *data;           /* the service's own per-client state */
};

/* sl_server_init plus the serve channel and the SVC_* ops. */
int sl_service_init(struct sl_server *s, const struct sl_op *ops, size_t nops, void *ctx);
void sl_service_destroy(struct sl_server *s);

/* Tell the root manager we are ready (DIR_READY). */
int sl_service_ready(void);

/* A new channel to service `name` (DIR_LOOKUP); waits while it starts. */
int sl_service_lookup(const char *name, sos_handle_t *out, sos_time_t deadline);

/* Log a line through the root manager (before the log service is up). */
int sl_service_log(uint32_t severity, const char *msg);

/* A client's channel to a service that survives the service's restarts. */
struct sl_conn_to {
    char name[32];
    sos_handle_t ch;
    struct sl_server *keep; /* sl_conn_to_keep: the loop that watches ch, or NULL */
};

/* Take over `initial` (a granted startup handle, or 0 to look it up when first used). */
void sl_conn_to_init(struct sl_conn_to *c, const char *name, sos_handle_t initial);

/*
 * sl_call on the connection; when the channel is closed (the service restarted) it
 * looks the service up again and retries once.
 */
int sl_conn_to_call(struct sl_conn_to *c, const struct sl_msg *req, struct sl_msg *rep,
                    sos_time_t deadline);

/*
 * If the service went away (its end of the channel closed), drop the dead channel and
 * look the service up again now (waiting while it restarts, until `deadline`), instead
 * of at the next call; 0 when the connection is live afterwards.
 */
int sl_conn_to_refresh(struct sl_conn_to *c, sos_time_t deadline);

/* Refresh on loop `srv` as soon as the service goes away, so that no dead channel
 * lingers until the next call (the chaos test counts kernel objects). */
void sl_conn_to_keep(struct sl_server *srv, struct sl_conn_to *c);

#endif
