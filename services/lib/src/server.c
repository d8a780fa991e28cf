/*
 * services/lib/src/server.c - the service loop (sl/server.h).
 *
 * Each channel is bound to the server's port with object_wait_async(REPEAT) for
 * READABLE|PEER_CLOSED under a key that names its slot and the slot's generation, so a
 * packet that was queued for a channel already removed is recognised and dropped.
 * Bindings are edge-triggered: on a packet the loop drains the channel until it would
 * block. Watches (timers, events, processes) use keys with the top bit set.
 *
 * Layer: services/lib (IPC helpers).
 */
#include <stdlib.h>
#include <string.h>

#include <sl/server.h>
#include <sl/sys.h>

struct sl_conn {
    sos_handle_t ch; /* 0: free slot */
    uint32_t gen;
    void *client;
};

struct sl_watch {
    sl_watch_fn fn;
    void *arg;
};

#define KEY_WATCH (1ull << 63)
#define CHAN_SIGNALS (SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED)

static uint64_t conn_key(uint32_t slot, uint32_t gen) { return ((uint64_t)gen << 32) | slot; }

int sl_server_init(struct sl_server *s, const struct sl_op *ops, size_t nops, void *ctx)
{
    *s = (struct sl_server){.ops = ops, .nops = nops, .ctx = ctx};
    s->rx = malloc(SOS_CHANNEL_MAX_BYTES);
    s->tx = malloc(SOS_CHANNEL_MAX_BYTES);
    s->rx_handles = malloc(SOS_CHANNEL_MAX_HANDLES * sizeof(sos_handle_t));
    s->tx_handles = malloc(SOS_CHANNEL_MAX_HANDLES * sizeof(sos_handle_t));
    int err = s->rx && s->tx && s->rx_handles && s->tx_handles ? 0 : SOS_ERR_NO_MEMORY;
    if (!err)
        err = (int)sos_port_create(0, &s->port);
    if (err) {
        s->port = SOS_HANDLE_INVALID;
        sl_server_destroy(s);
    }
    return err;
}

void sl_server_destroy(struct sl_server *s)
{
    for (uint32_t i = 0; i < s->nconns; i++)
        if (s->conns[i].ch)
            sos_handle_close(s->conns[i].ch);
    if (s->port)
        sos_handle_close(s->port);
    free(s->conns);
    free(s->watches);
    free(s->rx);
    free(s->tx);
    free(s->rx_handles);
    free(s->tx_handles);
    *s = (struct sl_server){0};
}

static int conn_slot(struct sl_server *s, uint32_t *slot)
{
    for (uint32_t i = 0; i < s->nconns; i++)
        if (!s->conns[i].ch) {
            *slot = i;
            return 0;
        }
    if (s->nconns == s->cap_conns) {
        uint32_t ncap = s->cap_conns ? s->cap_conns * 2 : 8;
        struct sl_conn *n = realloc(s->conns, ncap * sizeof(*n));
        if (!n)
            return SOS_ERR_NO_MEMORY;
        s->conns = n;
        s->cap_conns = ncap;
    }
    s->conns[s->nconns] = (struct sl_conn){0};
    *slot = s->nconns++;
    return 0;
}

int sl_server_add_channel(struct sl_server *s, sos_handle_t ch, void *client)
{
    uint32_t slot;
    int err = conn_slot(s, &slot);
    if (err)
        return err;
    struct sl_conn *c = &s->conns[slot];
    c->gen++;
    err = (int)sos_object_wait_async(ch, s->port, conn_key(slot, c->gen), CHAN_SIGNALS,
                                     SOS_WAIT_ASYNC_REPEAT);
    if (err)
        return err;
    c->ch = ch;
    c->client = client;
    return 0;
}

static void conn_drop(struct sl_server *s, struct sl_conn *c)
{
    sos_handle_close(c->ch); /* the binding goes with the last handle */
    c->ch = SOS_HANDLE_INVALID;
    c->client = NULL;
    c->gen++;
}

int sl_server_remove_channel(struct sl_server *s, sos_handle_t ch)
{
    for (uint32_t i = 0; i < s->nconns; i++)
        if (s->conns[i].ch == ch) {
            conn_drop(s, &s->conns[i]);
            return 0;
        }
    return SOS_ERR_NOT_FOUND;
}

int sl_server_watch(struct sl_server *s, sos_handle_t h, sos_signals_t signals,
                    uint32_t options, sl_watch_fn fn, void *arg)
{
    struct sl_watch *n = realloc(s->watches, (s->nwatches + 1) * sizeof(*n));
    if (!n)
        return SOS_ERR_NO_MEMORY;
    s->watches = n;
    int err = (int)sos_object_wait_async(h, s->port, KEY_WATCH | s->nwatches, signals, options);
    if (err)
        return err;
    s->watches[s->nwatches++] = (struct sl_watch){fn, arg};
    return 0;
}

/* ---- dispatch */

static const struct sl_op *find_op(const struct sl_server *s, uint32_t ordinal)
{
    for (size_t i = 0; i < s->nops; i++)
        if (s->ops[i].ordinal == ordinal)
            return &s->ops[i];
    return NULL;
}

static int send_reply(sos_handle_t ch, struct sl_msg *rep, uint32_t txid, uint32_t ordinal,
                      int status)
{
    if (rep->overflow) { /* the handler's payload did not fit: say so, send nothing else */
        for (uint32_t i = 0; i < rep->nhandles; i++)
            sos_handle_close(rep->handles[i]);
        rep->len = sizeof(struct sos_msg_hdr);
        rep->nhandles = 0;
        rep->overflow = false;
        status = SOS_ERR_BUFFER_TOO_SMALL;
    }
    struct sos_msg_hdr *h = (struct sos_msg_hdr *)rep->bytes;
    *h = (struct sos_msg_hdr){.txid = txid, .ordinal = ordinal, .status = status,
                              .flags = SOS_MSG_REPLY};
    int err = sl_msg_send(ch, rep);
    if (err) /* on error the handles stay ours: do not leak them */
        for (uint32_t i = 0; i < rep->nhandles; i++)
            sos_handle_close(rep->handles[i]);
    return err;
}

/* c's fields are copied first: a handler may add channels and move the table. */
static void dispatch(struct sl_server *s, const struct sl_conn *c, uint32_t len, uint32_t nh)
{
    struct sl_msg rep;
    sos_handle_t ch = c->ch;
    struct sl_request r = {.srv = s, .channel = ch, .client = c->client, .bytes = s->rx,
                           .len = len, .handles = s->rx_handles, .nhandles = nh,
                           .reply = &rep};
    struct sos_msg_hdr in;
    if (len >= sizeof(in))
        memcpy(&in, s->rx, sizeof(in));
    if (len < sizeof(in) || (in.flags & SOS_MSG_REPLY)) {
        s->dropped++; /* too short, or a stray reply: never answer a reply */
    } else {
        memcpy(&r.hdr, s->rx, sizeof(r.hdr));
        sl_msg_begin(&rep, s->tx, SOS_CHANNEL_MAX_BYTES, s->tx_handles,
                     SOS_CHANNEL_MAX_HANDLES, r.hdr.ordinal);
        const struct sl_op *op = find_op(s, r.hdr.ordinal);
        int status = !op ? SOS_ERR_NOT_SUPPORTED
                     : len < op->min_len ? SOS_ERR_INVALID_ARGS
                                         : op->fn(&r);
        if (status != SL_DEFER && !(r.hdr.flags & SOS_MSG_NO_REPLY))
            send_reply(ch, &rep, r.hdr.txid, r.hdr.ordinal, status);
        else if (status != SL_DEFER) /* one-way: drop what the handler attached */
            for (uint32_t i = 0; i < rep.nhandles; i++)
                sos_handle_close(rep.handles[i]);
    }
    for (uint32_t i = 0; i < nh; i++) /* what the handler did not keep */
        if (s->rx_handles[i])
            sos_handle_close(s->rx_handles[i]);
}

/* Read and dispatch everything queued on c; drop it when the peer is gone. */
static void drain(struct sl_server *s, uint32_t slot)
{
    for (;;) {
        struct sl_conn *c = &s->conns[slot]; /* handlers may add channels (realloc) */
        if (!c->ch)
            return;
        struct sos_chan_read rd = {.bytes = s->rx, .handles = s->rx_handles,
                                   .bytes_cap = SOS_CHANNEL_MAX_BYTES,
                                   .handles_cap = SOS_CHANNEL_MAX_HANDLES};
        int err = (int)sos_channel_read(c->ch, &rd);
        if (err == SOS_ERR_SHOULD_WAIT)
            return;
        if (err) { /* PEER_CLOSED with nothing left, or a broken handle */
            sos_handle_t ch = c->ch;
            void *client = c->client;
            conn_drop(s, c);
            if (s->on_close)
                s->on_close(s, ch, client);
            return;
        }
        dispatch(s, c, rd.actual_bytes, rd.actual_handles);
    }
}

static void handle_packet(struct sl_server *s, const struct sos_port_packet *pkt)
{
    if (pkt->key & KEY_WATCH) {
        uint64_t i = pkt->key & ~KEY_WATCH;
        if (i < s->nwatches && s->watches[i].fn)
            s->watches[i].fn(s, pkt, s->watches[i].arg);
        return;
    }
    uint32_t slot = (uint32_t)pkt->key, gen = (uint32_t)(pkt->key >> 32);
    if (slot < s->nconns && s->conns[slot].ch && s->conns[slot].gen == gen)
        drain(s, slot);
}

int sl_server_poll(struct sl_server *s, sos_time_t deadline)
{
    struct sos_port_packet pkt;
    int err = (int)sos_port_wait(s->port, deadline, &pkt);
    if (err)
        return err;
    handle_packet(s, &pkt);
    return 0;
}

int sl_server_run(struct sl_server *s)
{
    while (!s->stopping) {
        int err = sl_server_poll(s, SOS_TIME_INFINITE);
        if (err)
            return err;
    }
    return s->status;
}

void sl_server_stop(struct sl_server *s, int status)
{
    s->stopping = true;
    s->status = status;
}

/* ---- deferred replies */

void sl_request_defer(const struct sl_request *r, struct sl_deferred *d)
{
    *d = (struct sl_deferred){r->channel, r->hdr.txid, r->hdr.ordinal};
}

int sl_reply_deferred(const struct sl_deferred *d, int status, const void *payload,
                      uint32_t len, const sos_handle_t *handles, uint32_t nhandles)
{
    if (len > SOS_CHANNEL_MAX_BYTES - sizeof(struct sos_msg_hdr) ||
        nhandles > SOS_CHANNEL_MAX_HANDLES)
        return SOS_ERR_OUT_OF_RANGE;
    uint8_t *buf = malloc(sizeof(struct sos_msg_hdr) + len);
    if (!buf)
        return SOS_ERR_NO_MEMORY;
    struct sos_msg_hdr h = {.txid = d->txid, .ordinal = d->ordinal, .status = status,
                            .flags = SOS_MSG_REPLY};
    memcpy(buf, &h, sizeof(h));
    if (len)
        memcpy(buf + sizeof(h), payload, len);
    int err = (int)sos_channel_write(d->channel, buf, (uint32_t)(sizeof(h) + len), handles,
                                     nhandles);
    free(buf);
    return err;
}
