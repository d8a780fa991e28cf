/*
 * services/clients/heartbeat.c - heartbeats to the status service (client/heartbeat.h).
 *
 * Layer: services (status client; used by log, config, console).
 */
#include <client/heartbeat.h>

#include <string.h>

#include <proto/dir.h>
#include <proto/status.h>

#define HB_TXID_BASE 0x48420000u /* "HB": never a kernel txid (those have the top bit) */

/* One heartbeat; false when the status service has gone (its channel is dropped). */
static bool beat(struct heartbeat *hb)
{
    uint8_t b[32];
    struct sl_msg m;
    sl_msg_begin(&m, b, sizeof(b), NULL, 0, STATUS_HEARTBEAT);
    sl_msg_hdr(&m)->flags = SOS_MSG_NO_REPLY;
    int err = sl_msg_send(hb->status, &m);
    if (err == SOS_ERR_PEER_CLOSED || err == SOS_ERR_BAD_HANDLE) {
        sos_handle_close(hb->status); /* status restarted: find the new one */
        hb->status = 0;
        return false;
    }
    hb->sent += err == 0;
    return true;
}

static void lookup_answer(struct sl_server *srv, const struct sos_port_packet *pkt, void *arg)
{
    (void)srv;
    (void)pkt;
    struct heartbeat *hb = arg;
    for (;;) {
        uint8_t buf[64];
        sos_handle_t h[2] = {0, 0};
        struct sos_chan_read rd = {.bytes = buf, .handles = h, .bytes_cap = sizeof(buf),
                                   .handles_cap = 2};
        if (sos_channel_read(hb->dir, &rd))
            return; /* nothing (more) queued, or an answer too big to be ours */
        struct sos_msg_hdr hdr = {0};
        if (rd.actual_bytes >= sizeof(hdr))
            memcpy(&hdr, buf, sizeof(hdr));
        bool ours = hb->txid && hdr.txid == hb->txid && hdr.status == 0 && rd.actual_handles == 1;
        if (hb->txid && hdr.txid == hb->txid)
            hb->txid = 0; /* answered, one way or the other: the next tick asks again */
        if (ours && !hb->status) {
            hb->status = h[0];
            h[0] = 0;
            beat(hb); /* at once: the new status service learns we are alive */
        }
        for (uint32_t i = 0; i < rd.actual_handles && i < 2; i++)
            if (h[i])
                sos_handle_close(h[i]);
    }
}

static void ask_for_status(struct sl_server *srv, struct heartbeat *hb)
{
    uint8_t b[64];
    struct sl_msg m;
    sl_msg_begin(&m, b, sizeof(b), NULL, 0, DIR_LOOKUP);
    sl_msg_put_str(&m, "status");
    uint32_t txid = HB_TXID_BASE | (uint32_t)(++hb->lookups & 0xffffu);
    sl_msg_hdr(&m)->txid = txid;
    if (sl_msg_send(hb->dir, &m))
        return;
    hb->txid = txid;
    sl_server_watch(srv, hb->dir, SOS_SIG_READABLE, SOS_WAIT_ASYNC_ONCE, lookup_answer, hb);
}

static void tick(struct sl_server *srv, const struct sos_port_packet *pkt, void *arg)
{
    (void)pkt;
    struct heartbeat *hb = arg;
    if (hb->status && beat(hb))
        return;
    if (!hb->txid)
        ask_for_status(srv, hb);
}

int heartbeat_start(struct sl_server *srv, struct heartbeat *hb, int64_t period_ns)
{
    memset(hb, 0, sizeof(*hb));
    hb->dir = sos_startup_handle("directory");
    if (!hb->dir)
        return SOS_ERR_NOT_FOUND;
    int err = (int)sos_timer_create(0, &hb->timer);
    if (!err)
        err = sl_server_watch(srv, hb->timer, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_REPEAT, tick, hb);
    if (!err)
        err = (int)sos_timer_set(hb->timer, sos_deadline_after(period_ns), period_ns);
    if (!err)
        ask_for_status(srv, hb); /* now: the first beat goes as soon as status is up */
    return err;
}
