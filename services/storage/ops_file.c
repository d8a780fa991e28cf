/*
 * services/storage/ops_file.c - the requests on an open file: NODE_READ, NODE_WRITE
 * (at the handle's position, or at the end with STORAGE_O_APPEND), NODE_SEEK,
 * NODE_TRUNCATE and NODE_SYNC.
 *
 * Layer: services (storage), request handlers (dispatched from ops.c).
 */
#include "ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolve.h"

int do_read(struct sl_request *r)
{
    struct node *n = node_of(r);
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint64_t off = sl_parse_u64(&p);
    uint32_t len = sl_parse_u32(&p);
    int err = need(n, 0, STORAGE_R_READ);
    if (!err && (sl_parse_end(&p) || len > STORAGE_IO_MAX))
        err = SOS_ERR_INVALID_ARGS;
    if (err)
        return err;
    if (n->kind == NODE_BOOT)
        return read_boot(r, n, off, len);
    struct sfs_stat st;
    if (n->kind != NODE_FILE)
        return SOS_ERR_WRONG_TYPE;
    if ((err = live(n, &st)))
        return err;
    if (off == STORAGE_POS_CURRENT)
        off = n->pos;
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return SOS_ERR_NO_MEMORY;
    int64_t got = sfs_read(g_st.fs, n->ino, off, buf, len);
    if (got >= 0) {
        sl_msg_put(r->reply, buf, (uint32_t)got);
        n->pos = off + (uint64_t)got;
    }
    free(buf);
    return got < 0 ? (int)got : 0;
}

int do_write(struct sl_request *r)
{
    struct node *n = node_of(r);
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint64_t off = sl_parse_u64(&p);
    int err = need(n, NODE_FILE, STORAGE_R_WRITE);
    if (!err && p.bad)
        err = SOS_ERR_INVALID_ARGS;
    if (err)
        return err;
    uint32_t len = p.len - p.pos;
    const void *data = sl_parse_bytes(&p, len);
    struct sfs_stat st;
    if ((err = live(n, &st)))
        return err;
    if (n->flags & STORAGE_O_APPEND)
        off = st.size;
    else if (off == STORAGE_POS_CURRENT)
        off = n->pos;
    int64_t w = sfs_write(g_st.fs, n->ino, off, data, len);
    if (w < 0)
        return (int)w;
    n->pos = off + (uint64_t)w;
    st_changed();
    sl_msg_put_u32(r->reply, (uint32_t)w);
    return 0;
}

int do_seek(struct sl_request *r)
{
    struct node *n = node_of(r);
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint32_t whence = sl_parse_u32(&p);
    uint64_t off = sl_parse_u64(&p);
    int err = need(n, 0, 0);
    if (err)
        return err;
    if (n->kind != NODE_FILE && n->kind != NODE_BOOT)
        return SOS_ERR_WRONG_TYPE;
    if (sl_parse_end(&p) || whence > 2)
        return SOS_ERR_INVALID_ARGS;
    uint64_t base = 0;
    if (whence == 1)
        base = n->pos;
    if (whence == 2) {
        struct sfs_stat st;
        struct bundle_entry e;
        if (n->kind == NODE_BOOT)
            base = bundle_find(&g_st.boot, n->entry, &e) ? 0 : e.size;
        else if (!live(n, &st))
            base = st.size;
    }
    n->pos = base + off; /* offset is two's complement: a "negative" one moves back */
    sl_msg_put_u64(r->reply, n->pos);
    return 0;
}

int do_truncate(struct sl_request *r)
{
    struct node *n = node_of(r);
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint64_t size = sl_parse_u64(&p);
    int err = need(n, NODE_FILE, STORAGE_R_WRITE);
    if (!err && sl_parse_end(&p))
        err = SOS_ERR_INVALID_ARGS;
    struct sfs_stat st;
    if (!err)
        err = live(n, &st);
    if (!err)
        err = sfs_truncate(g_st.fs, n->ino, size);
    if (!err)
        st_changed();
    return err;
}

int do_node_sync(struct sl_request *r)
{
    int err = need(node_of(r), 0, 0);
    if (err)
        return err;
    return g_st.memory ? 0 : st_sync();
}
