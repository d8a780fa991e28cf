/*
 * services/log/log_ops.c - the log service's requests and its fault drain (proto/log.h).
 *
 * Keeps structured records in a bounded ring in memory (ring.c), answers queries with
 * filters, and pushes new records to followers. It also drains the kernel's fault
 * records (resource "faults": the root resource with read+wait) so every crash in the
 * system is logged with its fault class, process and pc, under the source "kernel".
 * A record's source is the name the root manager gave the writer's connection.
 *
 * Each new record also goes to storage through g_log.persist (log.c, persist.h).
 *
 * Layer: services (log).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sl/service.h>
#include <sl/sl.h>

#include <proto/log.h>
#include <proto/mgr.h>

#include "log_ops.h"

#define FAULT_BATCH 16
#define REPLY_BUDGET (SOS_CHANNEL_MAX_BYTES - sizeof(struct sos_msg_hdr) - 64)

struct logsvc g_log;

/* The connected client, when it holds `need`; NULL for the root manager's channel. */
static struct sl_peer *peer_with(struct sl_request *r, sos_rights_t need)
{
    struct sl_peer *p = r->client;
    if (!p || r->client == (void *)r->srv || (p->rights & need) != need)
        return NULL;
    return p;
}

static void put_record(struct sl_msg *m, const struct log_rec *rec)
{
    sl_msg_put_u64(m, rec->seq);
    sl_msg_put_u64(m, rec->time_ns);
    sl_msg_put_u32(m, rec->severity);
    sl_msg_put_str(m, rec->source);
    sl_msg_put_str(m, rec->message);
}

static void follower_drop(struct follower *fl)
{
    sos_handle_close(fl->ch);
    memset(fl, 0, sizeof(*fl));
}

/* Push a new record to every follower that wants it; forget the ones that are gone. */
static void push(const struct log_rec *rec)
{
    uint8_t buf[sizeof(struct sos_msg_hdr) + 64 + LOG_SOURCE_MAX + LOG_MESSAGE_MAX];
    struct sl_msg m;
    sl_msg_begin(&m, buf, sizeof(buf), NULL, 0, LOG_RECORD);
    put_record(&m, rec);
    if (sl_msg_finish(&m))
        return;
    for (int i = 0; i < MAX_FOLLOWERS; i++) {
        struct follower *fl = &g_log.followers[i];
        if (!fl->ch || !log_filter_match(&fl->f, rec))
            continue;
        int err = sl_msg_send(fl->ch, &m);
        if (err == SOS_ERR_QUEUE_FULL || err == SOS_ERR_SHOULD_WAIT || err == SOS_ERR_NO_MEMORY)
            fl->dropped++;
        else if (err)
            follower_drop(fl);
    }
}

static void append(uint32_t severity, const char *source, const char *msg, size_t len)
{
    const struct log_rec *rec = log_ring_append(&g_log.ring, (uint64_t)sos_clock_get(), severity,
                                                source, msg, len);
    push(rec);
    if (g_log.persist)
        g_log.persist(rec);
}

void log_append_text(uint32_t severity, const char *source, const char *msg)
{
    append(severity, source, msg, strlen(msg));
}

/* ---- requests */

int log_do_write(struct sl_request *r)
{
    struct sl_peer *p = peer_with(r, SOS_RIGHT_WRITE);
    if (!p)
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse ps;
    sl_parse_begin(&ps, r->bytes, r->len, NULL, 0, NULL);
    uint32_t sev = sl_parse_u32(&ps), len = 0;
    const char *msg = sl_parse_str(&ps, &len);
    if (sl_parse_end(&ps) || !msg || sev >= LOG_SEVERITY_COUNT)
        return SOS_ERR_INVALID_ARGS;
    append(sev, p->name, msg, len);
    return 0;
}

int log_do_query(struct sl_request *r)
{
    if (!peer_with(r, SOS_RIGHT_READ))
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse ps;
    sl_parse_begin(&ps, r->bytes, r->len, NULL, 0, NULL);
    uint32_t max = sl_parse_u32(&ps), min_sev = sl_parse_u32(&ps);
    const char *source = sl_parse_str(&ps, NULL);
    struct log_filter f;
    if (sl_parse_end(&ps) || !source || !log_filter_set(&f, min_sev, source))
        return SOS_ERR_INVALID_ARGS;
    uint32_t n = log_ring_select(&g_log.ring, &f, max, REPLY_BUDGET, g_log.sel, g_log.capacity);
    sl_msg_put_u32(r->reply, n);
    for (uint32_t i = 0; i < n; i++)
        put_record(r->reply, g_log.sel[i]);
    return 0;
}

/* A follower slot: a free one, or one whose reader has gone away. */
static struct follower *follower_slot(void)
{
    for (int i = 0; i < MAX_FOLLOWERS; i++)
        if (!g_log.followers[i].ch)
            return &g_log.followers[i];
    for (int i = 0; i < MAX_FOLLOWERS; i++) {
        sos_signals_t seen = 0;
        sos_object_wait_one(g_log.followers[i].ch, SOS_SIG_PEER_CLOSED, 0, &seen);
        if (seen & SOS_SIG_PEER_CLOSED) {
            follower_drop(&g_log.followers[i]);
            return &g_log.followers[i];
        }
    }
    return NULL;
}

int log_do_follow(struct sl_request *r)
{
    if (!peer_with(r, SOS_RIGHT_READ))
        return SOS_ERR_ACCESS_DENIED;
    struct sl_parse ps;
    sl_parse_begin(&ps, r->bytes, r->len, r->handles, r->nhandles, NULL);
    uint32_t min_sev = sl_parse_u32(&ps);
    const char *source = sl_parse_str(&ps, NULL);
    sos_handle_t ch = sl_parse_handle(&ps);
    struct log_filter f;
    if (sl_parse_end(&ps) || !source || !ch || !log_filter_set(&f, min_sev, source))
        return SOS_ERR_INVALID_ARGS;
    struct follower *fl = follower_slot();
    if (!fl)
        return SOS_ERR_NO_RESOURCES;
    for (uint32_t i = 0; i < r->nhandles; i++) /* ours now, not the loop's */
        if (r->handles[i] == ch)
            r->handles[i] = SOS_HANDLE_INVALID;
    fl->ch = ch;
    fl->f = f;
    fl->dropped = 0;
    return 0;
}

/* ---- kernel fault records */

void log_drain_faults(void)
{
    struct sos_fault_record recs[FAULT_BATCH];
    char text[160];
    for (;;) {
        int64_t n = sos_fault_read(g_log.faults, recs, FAULT_BATCH);
        if (n <= 0)
            return;
        for (int64_t i = 0; i < n; i++) {
            log_fault_text(text, sizeof(text), &recs[i]);
            log_append_text(LOG_ERROR, "kernel", text);
        }
    }
}

void log_on_faults(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s;
    (void)pkt;
    (void)arg;
    log_drain_faults();
}

const struct sl_op g_log_ops[3] = {
    {LOG_WRITE, sizeof(struct sos_msg_hdr), log_do_write},
    {LOG_QUERY, sizeof(struct sos_msg_hdr), log_do_query},
    {LOG_FOLLOW, sizeof(struct sos_msg_hdr), log_do_follow},
};

int log_state_init(uint32_t capacity)
{
    struct log_rec *store = calloc(capacity, sizeof(*store));
    g_log.sel = calloc(capacity, sizeof(*g_log.sel));
    g_log.capacity = capacity;
    if (!store || !g_log.sel) {
        free(store);
        free(g_log.sel);
        return SOS_ERR_NO_MEMORY;
    }
    log_ring_init(&g_log.ring, store, capacity);
    return 0;
}
