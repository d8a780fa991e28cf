/*
 * progress.c - how far an install has come, for a client that asked (PKG_INSTALL or
 * PKG_UPDATE with a channel attached, proto/pkg.h).
 *
 * A fetch backend around the repository's own: every package file it fetches sends
 * PKG_PROGRESS (path, bytes so far, bytes in all) on the client's channel: once when the
 * fetch begins (0), every PROGRESS_STEP bytes, and once at its end, one way (no reply;
 * a full queue drops that message, never the install). Only package files go through
 * it; metadata fetched while syncing does not.
 *
 * Layer: services (package).
 */
#include <string.h>

#include <proto/pkg.h>

#include "pkgsvc.h"

#define PROGRESS_STEP 4096u

static void progress_send(const struct pkgsvc_progress *p, const char *path, uint64_t done, uint64_t total)
{
    uint8_t buf[256];
    struct sl_msg m;
    sl_msg_begin(&m, buf, sizeof buf, NULL, 0, PKG_PROGRESS);
    sl_msg_hdr(&m)->flags |= SOS_MSG_NO_REPLY;
    sl_msg_put_str(&m, path);
    sl_msg_put_u64(&m, done);
    sl_msg_put_u64(&m, total);
    if (!sl_msg_finish(&m))
        sl_msg_send(p->ch, &m); /* a client that reads nothing misses some: no harm */
}

static int counted(void *ctx, const void *buf, size_t len)
{
    struct pkgsvc_progress *p = ctx;
    p->done += len;
    if (p->done - p->told >= PROGRESS_STEP) {
        progress_send(p, p->path, p->done, p->total);
        p->told = p->done;
    }
    return p->sink->data(p->sink->ctx, buf, len);
}

static int fetch_counted(void *ctx, const char *path, size_t max_len, const struct pkg_sink *sink)
{
    struct pkgsvc_progress *p = ctx;
    struct pkg_sink mine = {p, counted};
    p->sink = sink;
    p->path = path;
    p->done = p->told = 0;
    p->total = max_len;
    progress_send(p, path, 0, max_len);
    int rc = p->inner->fetch(p->inner->ctx, path, max_len, &mine);
    if (!rc && p->told != p->done)
        progress_send(p, path, p->done, p->total);
    return rc;
}

const struct pkg_fetch *pkgsvc_progress_fetch(struct pkgsvc_progress *p, const struct pkg_fetch *inner,
                                              sos_handle_t ch)
{
    if (!ch)
        return inner;
    memset(p, 0, sizeof *p);
    p->inner = inner;
    p->ch = ch;
    p->outer = (struct pkg_fetch){p, fetch_counted};
    return &p->outer;
}
