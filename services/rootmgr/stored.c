/*
 * services/rootmgr/stored.c - images saved in storage, for MGR_RUN_STORED.
 *
 * The root manager has no manifest: it connects to storage itself (rm_connect, read and
 * manage) when it first needs to, and again when that connection is found closed (storage
 * restarted). Only on use: a connection made at every storage ready would be one more
 * thing to settle after each restart. It opens the file read-only from the
 * top of the store, asks its size (seek to the end), reads it in STORAGE_IO_MAX pieces
 * into a new VMO and closes it. Whether the bytes are a loadable image is the kernel's
 * call at spawn (a bad ELF is refused there). Calls wait at most CALL_NS: storage never
 * calls the root manager while serving, so the wait is bounded by storage's own work.
 *
 * Layer: services (root manager).
 */
#include "rootmgr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proto/storage.h>

#define CALL_NS 5000000000ll
#define STORED_IMAGE_MAX (32u << 20)

static int open_file(const char *path, sos_handle_t *out)
{
    uint8_t b[STORAGE_PATH_MAX + 64], rb[64];
    sos_handle_t rh[1];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, STORAGE_OPEN);
    sl_msg_put_str(&req, path);
    sl_msg_put_u32(&req, STORAGE_R_READ);
    sl_msg_put_u32(&req, 0);
    sl_msg_begin(&rep, rb, sizeof(rb), rh, 1, STORAGE_OPEN);
    int err = sl_msg_finish(&req);
    if (!err)
        err = sl_call(g_rm.storage, &req, &rep, sos_deadline_after(CALL_NS));
    if (err)
        return err;
    struct sl_parse p;
    sl_parse_begin(&p, rep.bytes, rep.len, rep.handles, rep.nhandles, NULL);
    uint32_t type = sl_parse_u32(&p);
    sos_handle_t h = sl_parse_handle(&p);
    if (sl_parse_end(&p) || !h)
        return SOS_ERR_BAD_FORMAT;
    if (type != STORAGE_TYPE_FILE) {
        sos_handle_close(h);
        return SOS_ERR_WRONG_TYPE;
    }
    *out = h;
    return 0;
}

static int file_size(sos_handle_t f, uint64_t *size)
{
    uint8_t b[64], rb[64];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, NODE_SEEK);
    sl_msg_put_u32(&req, 2);
    sl_msg_put_u64(&req, 0);
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, NODE_SEEK);
    int err = sl_call(f, &req, &rep, sos_deadline_after(CALL_NS));
    if (err)
        return err;
    struct sl_parse p;
    sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL);
    *size = sl_parse_u64(&p);
    return sl_parse_end(&p);
}

/* Read the whole file into vmo (size bytes). */
static int copy_to_vmo(sos_handle_t f, sos_handle_t vmo, uint64_t size)
{
    size_t cap = sizeof(struct sos_msg_hdr) + STORAGE_IO_MAX + 64;
    uint8_t *rb = malloc(cap);
    if (!rb)
        return SOS_ERR_NO_MEMORY;
    int err = 0;
    for (uint64_t off = 0; off < size && !err;) {
        uint32_t want = size - off < STORAGE_IO_MAX ? (uint32_t)(size - off) : STORAGE_IO_MAX;
        uint8_t b[64];
        struct sl_msg req, rep;
        sl_msg_begin(&req, b, sizeof(b), NULL, 0, NODE_READ);
        sl_msg_put_u64(&req, off);
        sl_msg_put_u32(&req, want);
        sl_msg_begin(&rep, rb, cap, NULL, 0, NODE_READ);
        err = sl_call(f, &req, &rep, sos_deadline_after(CALL_NS));
        uint32_t got = err ? 0 : rep.len - (uint32_t)sizeof(struct sos_msg_hdr);
        if (!err && (got == 0 || got > want))
            err = SOS_ERR_IO; /* it changed under us */
        if (!err)
            err = (int)sos_vmo_write(vmo, rb + sizeof(struct sos_msg_hdr), off, got);
        off += got;
    }
    free(rb);
    return err;
}

static int connect_storage(void)
{
    struct svc *s = rm_find("storage");
    if (!s || s->phase != SVC_READY)
        return SOS_ERR_PEER_CLOSED; /* not up (yet, or any more) */
    if (g_rm.storage)
        sos_handle_close(g_rm.storage);
    g_rm.storage = 0;
    return rm_connect(s, "rootmgr", SOS_RIGHT_READ | SOS_RIGHT_MANAGE, &g_rm.storage);
}

int rm_stored_image_vmo(const char *path, sos_handle_t *out, uint64_t *size)
{
    int err = g_rm.storage ? 0 : connect_storage();
    sos_handle_t f, vmo = 0;
    if (!err)
        err = open_file(path, &f);
    if (err == SOS_ERR_PEER_CLOSED && connect_storage() == 0) /* storage restarted */
        err = open_file(path, &f);
    if (err)
        return err;
    err = file_size(f, size);
    if (!err && (*size == 0 || *size > STORED_IMAGE_MAX))
        err = *size ? SOS_ERR_OUT_OF_RANGE : SOS_ERR_BAD_FORMAT;
    if (!err)
        err = (int)sos_vmo_create(*size, 0, &vmo);
    if (!err)
        err = copy_to_vmo(f, vmo, *size);
    sos_handle_close(f);
    if (err && vmo)
        sos_handle_close(vmo);
    if (!err)
        *out = vmo;
    return err;
}
