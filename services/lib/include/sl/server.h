/*
 * sl/server.h - the service loop: one port collecting many channels, each message
 * dispatched by ordinal through a table of do_<request> handlers.
 *
 *     static int do_ping(struct sl_request *r) { sl_msg_put_u32(r->reply, 7); return 0; }
 *     static const struct sl_op ops[] = {{PING_ORDINAL, sizeof(struct ping_req), do_ping}};
 *     sl_server_init(&srv, ops, 1, &state);
 *     sl_server_add_channel(&srv, sos_startup_handle("svc"), NULL);
 *     return sl_server_run(&srv);
 *
 * A handler gets the request (header copy, bytes, handles, the client's context) and a
 * reply already holding the header (txid and ordinal of the request). It appends the
 * payload and returns the status for the reply header (0 or SOS_ERR_*); the loop sends
 * the reply. To answer later it calls sl_request_defer() and returns SL_DEFER, then
 * answers with sl_reply_deferred(). Handlers check permission themselves.
 *
 * Ownership: handles that arrive with a request belong to the loop; a handler that
 * keeps one sets its slot in r->handles to SOS_HANDLE_INVALID, and the loop closes the
 * rest after the handler returns. A message with an unknown ordinal is answered with
 * SOS_ERR_NOT_SUPPORTED, one shorter than its op's min_len with SOS_ERR_INVALID_ARGS;
 * one shorter than a header is dropped. When a client closes its end, the loop reads
 * what is still queued, calls on_close and closes the channel.
 *
 * Layer: services/lib (IPC helpers).
 */
#ifndef SL_SERVER_H
#define SL_SERVER_H

#include <sl/ipc.h>

struct sl_server;

struct sl_request {
    struct sl_server *srv;
    sos_handle_t channel; /* the channel the request came in on */
    void *client;         /* the context given to sl_server_add_channel */
    struct sos_msg_hdr hdr;
    const uint8_t *bytes; /* the whole message, header included */
    uint32_t len;
    sos_handle_t *handles;
    uint32_t nhandles;
    struct sl_msg *reply; /* header in place; append the payload */
};

#define SL_DEFER 1 /* a handler's return: the reply is sent later */

typedef int (*sl_handler_fn)(struct sl_request *r);

struct sl_op {
    uint32_t ordinal;
    uint32_t min_len; /* the request must have at least this many bytes */
    sl_handler_fn fn;
};

/* What a deferred reply needs: where and to which transaction. */
struct sl_deferred {
    sos_handle_t channel;
    uint32_t txid;
    uint32_t ordinal;
};

typedef void (*sl_close_fn)(struct sl_server *s, sos_handle_t ch, void *client);
typedef void (*sl_watch_fn)(struct sl_server *s, const struct sos_port_packet *pkt, void *arg);

struct sl_conn;
struct sl_watch;

struct sl_server {
    sos_handle_t port;
    const struct sl_op *ops;
    size_t nops;
    void *ctx;            /* the service's state, for handlers (r->srv->ctx) */
    sl_close_fn on_close; /* a client went away (may be NULL) */
    struct sl_conn *conns;
    uint32_t nconns, cap_conns;
    struct sl_watch *watches;
    uint32_t nwatches;
    uint8_t *rx, *tx;     /* message buffers, SOS_CHANNEL_MAX_BYTES each */
    sos_handle_t *rx_handles, *tx_handles;
    bool stopping;
    int status;
    uint64_t dropped; /* messages dropped for being shorter than a header */
};

int sl_server_init(struct sl_server *s, const struct sl_op *ops, size_t nops, void *ctx);
/* Close the port and every channel; frees the buffers. */
void sl_server_destroy(struct sl_server *s);

/* Serve requests arriving on `ch` (the server owns the handle from now on). */
int sl_server_add_channel(struct sl_server *s, sos_handle_t ch, void *client);
/* Stop serving `ch` and close it (on_close is not called). */
int sl_server_remove_channel(struct sl_server *s, sos_handle_t ch);

/*
 * Also wait for `signals` on `h` (a timer, an event, a process...) and call fn with the
 * packet. options as for object_wait_async (SOS_WAIT_ASYNC_ONCE or _REPEAT).
 */
int sl_server_watch(struct sl_server *s, sos_handle_t h, sos_signals_t signals,
                    uint32_t options, sl_watch_fn fn, void *arg);

/* Wait (until `deadline`) for one packet and handle it: 0, TIMED_OUT or a port error. */
int sl_server_poll(struct sl_server *s, sos_time_t deadline);
/* Serve until sl_server_stop; returns its status (or a port error). */
int sl_server_run(struct sl_server *s);
void sl_server_stop(struct sl_server *s, int status);

void sl_request_defer(const struct sl_request *r, struct sl_deferred *d);
int sl_reply_deferred(const struct sl_deferred *d, int status, const void *payload,
                      uint32_t len, const sos_handle_t *handles, uint32_t nhandles);

#endif
