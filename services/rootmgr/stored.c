/*
 * services/rootmgr/stored.c - what the root manager takes from storage: images saved
 * there (MGR_RUN_STORED) and the directories of storage/<path> resources.
 *
 * The root manager has no manifest: it connects to storage itself (rm_connect, read and
 * manage) when it first needs to, and again when that connection is found closed (storage
 * restarted). Only on use: a connection made at every storage ready would be one more
 * thing to settle after each restart. Opens go through services/clients/storage.c. Every
 * call has a deadline (LOAD_NS here for an image's size and all its reads together,
 * client.c's for opens): storage never calls the root manager while serving (and its
 * ready is answered before anything that needs it is launched, dir.c), so the wait is
 * bounded by storage's own work. These deadlines own a `run image`: the shell's wait
 * for its answer is clearly longer (SH_RUN_CALL_NS), so the shell hears which step
 * failed rather than giving up at the same moment.
 *
 * An image: the file opened read-only from the top of the store, its size asked (seek
 * to the end), read in STORAGE_IO_MAX pieces into a new VMO and hashed (SHA-256, what
 * the launch policy knows it by), closed. Whether the bytes
 * are a loadable image is the kernel's call at spawn (a bad ELF is refused there).
 *
 * A resource directory: opened from the top with the manifest's rights, each missing
 * component made on the way (STORAGE_O_CREATE | STORAGE_O_DIR), at every launch, so a
 * service started again after storage restarted gets a handle on the new instance.
 *
 * Layer: services (root manager).
 */
#include "rootmgr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proto/storage.h>

#include <client/storage.h>

#include "hash/sha256.h"

#define LOAD_NS 10000000000ll /* an image's size and every read of it, together */
#define STORED_IMAGE_MAX (32u << 20)

_Static_assert(MANIFEST_DIR_ENUMERATE == STORAGE_R_ENUMERATE && MANIFEST_DIR_READ == STORAGE_R_READ &&
                   MANIFEST_DIR_WRITE == STORAGE_R_WRITE && MANIFEST_DIR_CREATE == STORAGE_R_CREATE &&
                   MANIFEST_DIR_DELETE == STORAGE_R_DELETE && MANIFEST_DIR_ALL == STORAGE_R_ALL,
               "manifest directory rights are the storage service's");

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

/* STORAGE_OPEN from the top, connecting first and once more if storage restarted. */
static int open_top(const char *path, uint32_t rights, uint32_t flags, sos_handle_t *out,
                    uint32_t *type)
{
    int err = g_rm.storage ? 0 : connect_storage();
    if (!err)
        err = stc_open_conn(g_rm.storage, path, rights, flags, out, type);
    if (err == SOS_ERR_PEER_CLOSED && connect_storage() == 0) /* storage restarted */
        err = stc_open_conn(g_rm.storage, path, rights, flags, out, type);
    return err;
}

static int open_file(const char *path, sos_handle_t *out)
{
    uint32_t type;
    int err = open_top(path, STORAGE_R_READ, 0, out, &type);
    if (!err && type != STORAGE_TYPE_FILE) {
        sos_handle_close(*out);
        err = SOS_ERR_WRONG_TYPE;
    }
    return err;
}

static int file_size(sos_handle_t f, uint64_t *size, sos_time_t deadline)
{
    uint8_t b[64], rb[64];
    struct sl_msg req, rep;
    sl_msg_begin(&req, b, sizeof(b), NULL, 0, NODE_SEEK);
    sl_msg_put_u32(&req, 2);
    sl_msg_put_u64(&req, 0);
    sl_msg_begin(&rep, rb, sizeof(rb), NULL, 0, NODE_SEEK);
    int err = sl_call(f, &req, &rep, deadline);
    if (err)
        return err;
    struct sl_parse p;
    sl_parse_begin(&p, rep.bytes, rep.len, NULL, 0, NULL);
    *size = sl_parse_u64(&p);
    return sl_parse_end(&p);
}

/* Read the whole file into vmo (size bytes), hashing what it reads (SHA-256). */
static int copy_to_vmo(sos_handle_t f, sos_handle_t vmo, uint64_t size,
                       uint8_t hash[SHA256_SIZE], sos_time_t deadline)
{
    struct sha256 sh;
    sha256_init(&sh);
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
        err = sl_call(f, &req, &rep, deadline);
        uint32_t got = err ? 0 : rep.len - (uint32_t)sizeof(struct sos_msg_hdr);
        if (!err && (got == 0 || got > want))
            err = SOS_ERR_IO; /* it changed under us */
        if (!err)
            err = (int)sos_vmo_write(vmo, rb + sizeof(struct sos_msg_hdr), off, got);
        if (!err)
            sha256_update(&sh, rb + sizeof(struct sos_msg_hdr), got);
        off += got;
    }
    free(rb);
    sha256_final(&sh, hash);
    return err;
}

int rm_stored_image_vmo(const char *path, sos_handle_t *out, uint64_t *size,
                        uint8_t hash[SHA256_SIZE])
{
    sos_handle_t f, vmo = 0;
    int err = open_file(path, &f);
    if (err)
        return err;
    sos_time_t deadline = sos_deadline_after(LOAD_NS);
    err = file_size(f, size, deadline);
    if (!err && (*size == 0 || *size > STORED_IMAGE_MAX))
        err = *size ? SOS_ERR_OUT_OF_RANGE : SOS_ERR_BAD_FORMAT;
    if (!err)
        err = (int)sos_vmo_create(*size, 0, &vmo);
    if (!err)
        err = copy_to_vmo(f, vmo, *size, hash, deadline);
    sos_handle_close(f);
    if (err && vmo)
        sos_handle_close(vmo);
    if (!err)
        *out = vmo;
    return err;
}

int rm_storage_dir(const char *path, uint32_t rights, sos_handle_t *out)
{
    char prefix[MANIFEST_PATH_MAX + 2];
    size_t len = strlen(path);
    if (!len || len > MANIFEST_PATH_MAX)
        return SOS_ERR_INVALID_ARGS; /* the manifest parser checked it already */
    int err = 0;
    uint32_t type = 0;
    for (size_t i = 1; i <= len && !err; i++) {
        if (i < len && path[i] != '/')
            continue;
        snprintf(prefix, sizeof(prefix), "/%.*s", (int)i, path); /* "/home", "/home/app" */
        sos_handle_t h;
        bool last = i == len;
        err = open_top(prefix, last ? rights : 0, STORAGE_O_CREATE | STORAGE_O_DIR, &h, &type);
        if (!err && !last)
            sos_handle_close(h);
        else if (!err)
            *out = h;
    }
    if (!err && type != STORAGE_TYPE_DIR) {
        sos_handle_close(*out);
        err = SOS_ERR_WRONG_TYPE;
    }
    return err;
}
