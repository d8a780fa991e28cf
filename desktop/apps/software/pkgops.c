/*
 * desktop/apps/software/pkgops.c - the software center's requests to the package
 * service (proto/pkg.h): the queries as calls whose records the client library
 * decodes (PKG_PACKAGES into the catalog, PKG_TRUST), and the changes (install, update, remove) one way, so that the
 * window keeps drawing while they run: the reply is read when it comes (on_reply), and
 * an install or update carries a channel on which the service reports each package
 * file's bytes as it fetches them (PKG_PROGRESS, on_progress).
 *
 * Layer: desktop (an application).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <client/pkg.h>
#include <proto/pkg.h>

#include "software.h"

#define CALL_NS 10000000000ll /* a query the service does not answer in 10 s is reported */

static void offered(void *ctx, const struct pkgc_package *p)
{
    cat_add_offered(ctx, p);
}

static void installed(void *ctx, const struct pkgc_package *p)
{
    cat_add_installed(ctx, p, true);
}

int pkg_packages(uint32_t flags, const char *word, char *why, size_t cap)
{
    return pkgc_packages(&g.pkg, flags, word, flags & PKG_LIST_AVAILABLE ? offered : installed, &g.cat, why,
                         cap);
}

int pkg_trust(const char *name, struct pkgc_trust *t)
{
    return pkgc_trust(&g.pkg, name, t);
}

/* ---- changes, one way */

static void progress_close(void)
{
    if (g.op.progress)
        sos_handle_close(g.op.progress);
    g.op.progress = 0;
}

static void on_progress(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)s, (void)pkt;
    uint8_t buf[512];
    while (g.op.busy && (uintptr_t)arg == g.op.gen && g.op.progress) {
        struct sos_chan_read rd = {.bytes = buf, .bytes_cap = sizeof buf};
        if (sos_channel_read(g.op.progress, &rd))
            break; /* nothing more now (or the service is done with it) */
        struct sl_parse p;
        struct sos_msg_hdr h;
        if (sl_parse_begin(&p, buf, rd.actual_bytes, NULL, 0, &h) || h.ordinal != PKG_PROGRESS)
            continue;
        const char *path = sl_parse_str(&p, NULL);
        uint64_t done = sl_parse_u64(&p), total = sl_parse_u64(&p);
        if (!sl_parse_end(&p) && path)
            ui_progress(path, done, total);
    }
}

static void on_reply(struct sl_server *s, const struct sos_port_packet *pkt, void *arg)
{
    (void)pkt, (void)arg;
    uint8_t *buf = malloc(PKG_REPLY_MAX + 256);
    struct sos_chan_read rd = {.bytes = buf, .bytes_cap = PKG_REPLY_MAX + 256};
    int err = buf ? (int)sos_channel_read(g.pkg.ch, &rd) : SOS_ERR_NO_MEMORY;
    struct sl_parse p;
    struct sos_msg_hdr h = {0};
    if (err == SOS_ERR_SHOULD_WAIT || (!err && !sl_parse_begin(&p, buf, rd.actual_bytes, NULL, 0, &h) &&
                                       h.txid != g.op.txid)) {
        free(buf); /* not ours (a late reply to a query that timed out): wait on */
        sl_server_watch(s, g.pkg.ch, SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED, SOS_WAIT_ASYNC_ONCE, on_reply, NULL);
        return;
    }
    const char *text = err ? NULL : sl_parse_str(&p, NULL);
    char said[PKG_REPLY_MAX];
    snprintf(said, sizeof said, "%s", text ? text : sos_strerror(err));
    free(buf);
    on_progress(s, NULL, (void *)(uintptr_t)g.op.gen); /* the last of it, if still queued */
    g.op.busy = false;
    g.op.gen++;
    progress_close();
    ui_done(err ? err : h.status, said);
}

int pkg_change(uint32_t ordinal, const char *name)
{
    sos_handle_t ch[2] = {0, 0}, hb[1];
    uint8_t qb[256];
    struct sl_msg q;
    bool progress = ordinal == PKG_INSTALL || ordinal == PKG_UPDATE;
    int err = sl_conn_to_refresh(&g.pkg, sos_deadline_after(CALL_NS));
    if (!err && progress)
        err = (int)sos_channel_create(0, ch);
    if (err)
        return err;
    sl_msg_begin(&q, qb, sizeof qb, hb, 1, ordinal);
    sl_msg_put_str(&q, name);
    if (ordinal == PKG_INSTALL)
        sl_msg_put_str(&q, ""); /* the newest */
    if (progress)
        sl_msg_put_handle(&q, ch[1]);
    g.op.txid = (g.op.txid + 1) & 0x7fffffu; /* ours, apart from sl_conn_to_call's */
    sl_msg_hdr(&q)->txid = 0x40000000u | g.op.txid;
    g.op.txid = sl_msg_hdr(&q)->txid;
    err = sl_msg_send(g.pkg.ch, &q);
    if (ch[1])
        sos_handle_close(ch[1]); /* fails harmlessly when it moved */
    if (!err)
        err = sl_server_watch(&g.app.srv, g.pkg.ch, SOS_SIG_READABLE | SOS_SIG_PEER_CLOSED, SOS_WAIT_ASYNC_ONCE,
                              on_reply, NULL);
    if (!err && progress)
        err = sl_server_watch(&g.app.srv, ch[0], SOS_SIG_READABLE, SOS_WAIT_ASYNC_REPEAT, on_progress,
                              (void *)(uintptr_t)g.op.gen);
    if (err) {
        if (ch[0])
            sos_handle_close(ch[0]);
        return err;
    }
    g.op.progress = ch[0];
    g.op.busy = true;
    return 0;
}
