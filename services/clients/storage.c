/*
 * services/clients/storage.c - a small storage client (client/storage.h).
 *
 * Layer: services (storage client).
 */
#include <client/storage.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CALL_NS 10000000000ll

/* The reply to an open: (u32 type) + handle. */
static int handle_reply(struct sl_msg *rep, sos_handle_t *out, uint32_t *type)
{
    struct sl_parse p;
    sl_parse_begin(&p, rep->bytes, rep->len, rep->handles, rep->nhandles, NULL);
    uint32_t t = sl_parse_u32(&p);
    sos_handle_t got = sl_parse_handle(&p);
    if (sl_parse_end(&p) || !got)
        return SOS_ERR_BAD_FORMAT;
    *out = got;
    if (type)
        *type = t;
    return 0;
}

static void open_req(struct sl_msg *req, uint8_t *b, size_t bsize, uint32_t ord, const char *path,
                     uint32_t rights, uint32_t flags)
{
    sl_msg_begin(req, b, bsize, NULL, 0, ord);
    sl_msg_put_str(req, path);
    sl_msg_put_u32(req, rights);
    sl_msg_put_u32(req, flags);
}

/* STORAGE_OPEN or NODE_OPEN, on channel ch or (when c) a connection kept by c. */
static int open_call(struct sl_conn_to *c, sos_handle_t ch, uint32_t ord, const char *path,
                     uint32_t rights, uint32_t flags, sos_handle_t *out, uint32_t *type)
{
    uint8_t b[STORAGE_PATH_MAX + 64], rb[64];
    sos_handle_t rh[1];
    struct sl_msg req, rep;
    open_req(&req, b, sizeof(b), ord, path, rights, flags);
    sl_msg_begin(&rep, rb, sizeof(rb), rh, 1, ord);
    int err = sl_msg_finish(&req);
    if (!err)
        err = c ? sl_conn_to_call(c, &req, &rep, sos_deadline_after(CALL_NS))
                : sl_call(ch, &req, &rep, sos_deadline_after(CALL_NS));
    return err ? err : handle_reply(&rep, out, type);
}

int stc_open_own(struct sl_conn_to *c, const char *ns, sos_handle_t *dir)
{
    char path[64];
    snprintf(path, sizeof(path), "/%s", ns);
    return open_call(c, 0, STORAGE_OPEN, path, STORAGE_R_ALL, STORAGE_O_DIR, dir, NULL);
}

int stc_open_conn(sos_handle_t conn, const char *path, uint32_t rights, uint32_t flags,
                  sos_handle_t *out, uint32_t *type)
{
    return open_call(NULL, conn, STORAGE_OPEN, path, rights, flags, out, type);
}

int stc_open(sos_handle_t dir, const char *path, uint32_t rights, uint32_t flags, sos_handle_t *out)
{
    return open_call(NULL, dir, NODE_OPEN, path, rights, flags, out, NULL);
}

int64_t stc_read(sos_handle_t f, uint64_t off, void *buf, uint32_t len)
{
    uint8_t b[64];
    struct sl_msg req, rep;
    if (len > STORAGE_IO_MAX)
        len = STORAGE_IO_MAX;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, NODE_READ);
    sl_msg_put_u64(&req, off);
    sl_msg_put_u32(&req, len);
    size_t rsize = sizeof(struct sos_msg_hdr) + STORAGE_IO_MAX + 64;
    uint8_t *rb = malloc(rsize);
    if (!rb)
        return SOS_ERR_NO_MEMORY;
    sl_msg_begin(&rep, rb, rsize, NULL, 0, NODE_READ);
    int err = sl_call(f, &req, &rep, sos_deadline_after(CALL_NS));
    int64_t n = err;
    if (!err) {
        uint32_t got = rep.len - (uint32_t)sizeof(struct sos_msg_hdr);
        n = got < len ? got : len;
        memcpy(buf, rep.bytes + sizeof(struct sos_msg_hdr), (size_t)n);
    }
    free(rb);
    return n;
}

int stc_write(sos_handle_t f, uint64_t off, const void *buf, size_t len)
{
    size_t rsize = sizeof(struct sos_msg_hdr) + STORAGE_IO_MAX + 64;
    uint8_t *b = malloc(rsize), rb[64];
    if (!b)
        return SOS_ERR_NO_MEMORY;
    int err = 0;
    for (size_t done = 0; done < len && !err;) {
        size_t k = len - done < STORAGE_IO_MAX ? len - done : STORAGE_IO_MAX;
        struct sl_msg req, rep;
        sl_msg_begin(&req, b, rsize, NULL, 0, NODE_WRITE);
        sl_msg_put_u64(&req, off + done);
        sl_msg_put(&req, (const uint8_t *)buf + done, (uint32_t)k);
        sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, NODE_WRITE);
        err = sl_msg_finish(&req);
        if (!err)
            err = sl_call(f, &req, &rep, sos_deadline_after(CALL_NS));
        done += k;
    }
    free(b);
    return err;
}

static int str_call(sos_handle_t h, uint32_t ord, const char *a, const char *b, struct sl_msg *rep)
{
    uint8_t buf[2 * STORAGE_PATH_MAX + 64];
    struct sl_msg req;
    sl_msg_begin(&req, buf, sizeof(buf), NULL, 0, ord);
    if (a)
        sl_msg_put_str(&req, a);
    if (b)
        sl_msg_put_str(&req, b);
    int err = sl_msg_finish(&req);
    return err ? err : sl_call(h, &req, rep, sos_deadline_after(CALL_NS));
}

int stc_path_op(sos_handle_t dir, uint32_t ord, const char *a, const char *b)
{
    uint8_t rb[64];
    struct sl_msg rep;
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, ord);
    return str_call(dir, ord, a, b, &rep);
}

int stc_rename(sos_handle_t dir, const char *from, const char *to)
{
    return stc_path_op(dir, NODE_RENAME, from, to);
}

int stc_unlink(sos_handle_t dir, const char *path) { return stc_path_op(dir, NODE_UNLINK, path, NULL); }

int stc_sync(sos_handle_t h) { return stc_path_op(h, NODE_SYNC, NULL, NULL); }

int stc_mkdir(sos_handle_t dir, const char *path) { return stc_path_op(dir, NODE_MKDIR, path, NULL); }

int stc_stat(sos_handle_t dir, const char *path, uint32_t *type, uint64_t *size)
{
    uint8_t rb[64];
    struct sl_msg rep;
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, NODE_STAT);
    int err = str_call(dir, NODE_STAT, path, NULL, &rep);
    if (err)
        return err;
    struct sl_parse p;
    sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL);
    uint32_t t = sl_parse_u32(&p);
    uint64_t sz = sl_parse_u64(&p);
    (void)sl_parse_u64(&p);
    if (sl_parse_end(&p))
        return SOS_ERR_BAD_FORMAT;
    if (type)
        *type = t;
    if (size)
        *size = sz;
    return 0;
}

int stc_size(sos_handle_t dir, const char *path, uint64_t *size)
{
    return stc_stat(dir, path, NULL, size);
}

int stc_readdir(sos_handle_t dir, const char *path, stc_entry_fn fn, void *ctx)
{
    uint8_t *rb = malloc(SOS_CHANNEL_MAX_BYTES);
    if (!rb)
        return SOS_ERR_NO_MEMORY;
    size_t blen = strlen(path) + 64;
    uint8_t *b = malloc(blen);
    int err = b ? 0 : SOS_ERR_NO_MEMORY;
    uint64_t cookie = 0;
    do {
        struct sl_msg req, rep;
        sl_msg_begin(&req, b, blen, NULL, 0, NODE_READDIR);
        sl_msg_put_str(&req, path);
        sl_msg_put_u64(&req, cookie);
        sl_msg_begin(&rep, rb, SOS_CHANNEL_MAX_BYTES, NULL, 0, NODE_READDIR);
        err = sl_msg_finish(&req);
        if (!err)
            err = sl_call(dir, &req, &rep, sos_deadline_after(CALL_NS));
        if (err)
            break;
        struct sl_parse p;
        sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL);
        cookie = sl_parse_u64(&p);
        uint32_t n = sl_parse_u32(&p);
        for (uint32_t i = 0; i < n && !p.bad; i++) {
            const char *name = sl_parse_str(&p, NULL);
            uint32_t t = sl_parse_u32(&p);
            uint64_t size = sl_parse_u64(&p);
            if (!p.bad)
                fn(ctx, name, t, size);
        }
        if (p.bad)
            err = SOS_ERR_BAD_FORMAT;
    } while (!err && cookie);
    free(b);
    free(rb);
    return err;
}

int stc_read_file(sos_handle_t dir, const char *path, size_t max, char **out, size_t *len)
{
    sos_handle_t f;
    int err = stc_open(dir, path, STORAGE_R_READ, 0, &f);
    if (err)
        return err;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    while (buf && !err) {
        if (n == cap) {
            if (cap >= max) {
                err = SOS_ERR_OUT_OF_RANGE;
                break;
            }
            cap *= 2;
            char *nb = realloc(buf, cap + 1);
            if (!nb)
                break;
            buf = nb;
        }
        int64_t k = stc_read(f, n, buf + n, (uint32_t)(cap - n));
        if (k < 0)
            err = (int)k;
        else if (k == 0)
            break;
        else
            n += (size_t)k;
    }
    sos_handle_close(f);
    if (!buf && !err)
        err = SOS_ERR_NO_MEMORY;
    if (!err && n > max)
        err = SOS_ERR_OUT_OF_RANGE;
    if (err) {
        free(buf);
        return err;
    }
    buf[n] = 0;
    *out = buf;
    *len = n;
    return 0;
}

int stc_replace_file(sos_handle_t dir, const char *name, const void *data, size_t len)
{
    char tmp[256];
    snprintf(tmp, sizeof(tmp), "%s.tmp", name);
    sos_handle_t f;
    int err = stc_open(dir, tmp, STORAGE_R_WRITE, STORAGE_O_CREATE | STORAGE_O_TRUNC, &f);
    if (err)
        return err;
    err = stc_write(f, 0, data, len);
    sos_handle_close(f);
    if (!err)
        err = stc_rename(dir, tmp, name);
    if (!err)
        err = stc_sync(dir);
    return err;
}

/* ---- a service's own directory, kept open (stc_kept_dir) */

#define KEPT_AGAIN_NS 200000000ll

static void kept_retry_later(struct stc_kept_dir *d)
{
    if (d->timer)
        sos_timer_set(d->timer, sos_clock_get() + KEPT_AGAIN_NS, 0);
}

static void kept_closed(struct sl_server *srv, const struct sos_port_packet *pkt, void *arg);

int stc_kept_dir_reopen(struct stc_kept_dir *d)
{
    if (d->dir)
        sos_handle_close(d->dir);
    d->dir = 0;
    int err = stc_open_own(d->conn, d->ns, &d->dir);
    if (err) {
        d->dir = 0;
        return err;
    }
    sl_server_watch(d->srv, d->dir, SOS_SIG_PEER_CLOSED, SOS_WAIT_ASYNC_ONCE, kept_closed, d);
    return 0;
}

/* Storage went away: open again now (only for the current handle's watch). */
static void kept_closed(struct sl_server *srv, const struct sos_port_packet *pkt, void *arg)
{
    (void)srv;
    (void)pkt;
    struct stc_kept_dir *d = arg;
    sos_signals_t seen = 0;
    if (!d->dir || sos_object_wait_one(d->dir, SOS_SIG_PEER_CLOSED, 0, &seen) != 0)
        return; /* a stale watch: the handle open now is alive */
    if (stc_kept_dir_reopen(d))
        kept_retry_later(d);
}

static void kept_timer(struct sl_server *srv, const struct sos_port_packet *pkt, void *arg)
{
    (void)srv;
    (void)pkt;
    struct stc_kept_dir *d = arg;
    if (!d->dir && stc_kept_dir_reopen(d))
        kept_retry_later(d);
}

int stc_kept_dir_start(struct stc_kept_dir *d, struct sl_server *srv, struct sl_conn_to *conn,
                       const char *ns)
{
    d->srv = srv;
    d->conn = conn;
    d->ns = ns;
    d->dir = 0;
    if (sos_timer_create(0, &d->timer) == 0)
        sl_server_watch(srv, d->timer, SOS_SIG_SIGNALED, SOS_WAIT_ASYNC_REPEAT, kept_timer, d);
    else
        d->timer = 0;
    int err = stc_kept_dir_reopen(d);
    if (err)
        kept_retry_later(d);
    return err;
}
