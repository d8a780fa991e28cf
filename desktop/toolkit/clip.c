/*
 * desktop/toolkit/clip.c - the desktop's clipboard for applications (tk/clip.h):
 * DESKTOP_CLIP_SET sent one way, DESKTOP_CLIP_GET sent with a transaction id of ours
 * and its reply read when it comes, so the application's loop never waits on the
 * desktop shell.
 *
 * Layer: desktop/toolkit.
 */
#include <stdlib.h>
#include <string.h>

#include <proto/desktop.h>
#include <tk/clip.h>

#define CLIP_MSG (DESKTOP_CLIP_MAX + 128)
#define CLIP_TXID 0x50000000u /* our own ids for the asks, told apart from other traffic */

int tk_clip_set(struct sl_conn_to *desktop, const char *text, size_t len)
{
    if (len > DESKTOP_CLIP_MAX)
        return SOS_ERR_OUT_OF_RANGE;
    if (memchr(text, 0, len))
        return SOS_ERR_INVALID_ARGS;
    uint8_t *buf = malloc(CLIP_MSG);
    if (!buf)
        return SOS_ERR_NO_MEMORY;
    struct sl_msg q;
    sl_msg_begin(&q, buf, CLIP_MSG, NULL, 0, DESKTOP_CLIP_SET);
    sl_msg_hdr(&q)->flags |= SOS_MSG_NO_REPLY;
    sl_msg_put_u32(&q, (uint32_t)len);
    sl_msg_put(&q, text, (uint32_t)len);
    sl_msg_put(&q, "", 1);
    int err = sl_conn_to_refresh(desktop, sos_deadline_after(SOS_MS(50)));
    if (!err)
        err = sl_msg_send(desktop->ch, &q);
    free(buf);
    return err;
}

int tk_clip_ask(struct sl_conn_to *desktop, uint32_t *txid)
{
    static uint32_t next;
    uint8_t buf[64];
    struct sl_msg q;
    sl_msg_begin(&q, buf, sizeof(buf), NULL, 0, DESKTOP_CLIP_GET);
    *txid = CLIP_TXID | (++next & 0xffffffu);
    sl_msg_hdr(&q)->txid = *txid;
    int err = sl_conn_to_refresh(desktop, sos_deadline_after(SOS_MS(50)));
    return err ? err : sl_msg_send(desktop->ch, &q);
}

/* One reply: its status, then (str text). */
static int clip_parse(const uint8_t *b, uint32_t n, char *out, size_t cap, size_t *len)
{
    struct sl_parse p;
    struct sos_msg_hdr h;
    int err = sl_parse_begin(&p, b, n, NULL, 0, &h);
    if (err || h.status)
        return err ? err : h.status;
    uint32_t tl = 0;
    const char *text = sl_parse_str(&p, &tl);
    if (!text || sl_parse_end(&p) || tl >= cap)
        return SOS_ERR_BAD_FORMAT;
    memcpy(out, text, tl + 1);
    *len = tl;
    return 0;
}

static void on_paste_answer(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)pkt;
    static char text[DESKTOP_CLIP_MAX + 1];
    struct tk_paste *p = arg;
    size_t len = 0;
    if (!p->ch)
        return; /* answered already (an older watch) */
    int err = p->ch == p->desktop->ch ? tk_clip_answer(p->desktop, p->txid, text, sizeof(text), &len)
                                      : SOS_ERR_PEER_CLOSED; /* the answer cannot come on a new channel */
    if (err == SOS_ERR_SHOULD_WAIT) {
        sl_server_watch(s, p->ch, SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED, SOS_WAIT_ASYNC_ONCE, on_paste_answer, p);
        return;
    }
    p->ch = 0;
    p->done(err, err ? "" : text, err ? 0 : len);
}

int tk_clip_paste(struct tk_paste *p)
{
    int err = tk_clip_ask(p->desktop, &p->txid);
    if (!err && p->ch != p->desktop->ch) /* no watch on this channel yet */
        err = sl_server_watch(p->srv, p->desktop->ch, SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED, SOS_WAIT_ASYNC_ONCE,
                              on_paste_answer, p);
    if (!err)
        p->ch = p->desktop->ch;
    return err;
}

int tk_clip_answer(struct sl_conn_to *desktop, uint32_t txid, char *out, size_t cap, size_t *len)
{
    uint8_t *buf = malloc(CLIP_MSG);
    int err = buf ? SOS_ERR_SHOULD_WAIT : SOS_ERR_NO_MEMORY;
    for (bool mine = false; buf && !mine;) {
        struct sos_chan_read rd = {.bytes = buf, .bytes_cap = CLIP_MSG};
        err = (int)sos_channel_read(desktop->ch, &rd);
        if (err) /* SHOULD_WAIT: not yet; PEER_CLOSED: the desktop went away */
            break;
        struct sos_msg_hdr h;
        if (rd.actual_bytes < sizeof(h))
            continue;
        memcpy(&h, buf, sizeof(h));
        mine = h.txid == txid; /* else a reply to an older ask: dropped */
        if (mine)
            err = clip_parse(buf, rd.actual_bytes, out, cap, len);
    }
    free(buf);
    return err;
}
