/*
 * store_storage.c - the package service's backends over the storage service: the
 * state store (struct pkg_store) on the directory handle of its storage resource, and
 * the first repository backend (struct pkg_fetch) reading a repository laid out by
 * `sospkg repo` below a directory handle.
 *
 * The storage service makes each request atomic and durable in order, rename
 * atomic, and sync a barrier (docs/storage.md), which is what pkgdb.h's commit needs.
 * The second fetch backend (HTTP, over the network service) will sit beside
 * fetch_storage with the same struct pkg_fetch: nothing above it changes.
 *
 * Layer: services (package).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <client/storage.h>

#include "pkgsvc.h"

static sos_handle_t dir_of(void *ctx)
{
    return (sos_handle_t)(uintptr_t)ctx;
}

static int st_read(void *ctx, const char *path, size_t max, uint8_t **out, size_t *len)
{
    char *text = NULL;
    int err = stc_read_file(dir_of(ctx), path, max, &text, len);
    *out = (uint8_t *)text;
    return err;
}

/* Makes the one directory level a state path may have ("gen/5" -> "gen"). */
static void make_parent(sos_handle_t dir, const char *path)
{
    const char *slash = strchr(path, '/');
    char parent[32];
    if (!slash || (size_t)(slash - path) >= sizeof parent)
        return;
    memcpy(parent, path, (size_t)(slash - path));
    parent[slash - path] = 0;
    stc_mkdir(dir, parent); /* already there: fine */
}

static int st_write(void *ctx, const char *path, const void *data, size_t len)
{
    sos_handle_t f;
    int err = stc_open(dir_of(ctx), path, STORAGE_R_WRITE, STORAGE_O_CREATE | STORAGE_O_TRUNC, &f);
    if (err == SOS_ERR_NOT_FOUND) {
        make_parent(dir_of(ctx), path);
        err = stc_open(dir_of(ctx), path, STORAGE_R_WRITE, STORAGE_O_CREATE | STORAGE_O_TRUNC, &f);
    }
    if (err)
        return err;
    err = stc_write(f, 0, data, len);
    sos_handle_close(f);
    return err;
}

static int st_rename(void *ctx, const char *from, const char *to)
{
    return stc_rename(dir_of(ctx), from, to);
}

static int st_remove(void *ctx, const char *path)
{
    return stc_unlink(dir_of(ctx), path);
}

struct list_ctx {
    void (*fn)(void *arg, const char *name);
    void *arg;
};

static void list_one(void *ctx, const char *name, uint32_t type, uint64_t size)
{
    struct list_ctx *l = ctx;
    (void)size;
    if (type == STORAGE_TYPE_FILE)
        l->fn(l->arg, name);
}

static int st_list(void *ctx, const char *dir, void (*fn)(void *arg, const char *name), void *arg)
{
    struct list_ctx l = {fn, arg};
    int err = stc_readdir(dir_of(ctx), dir, list_one, &l);
    return err == SOS_ERR_NOT_FOUND ? 0 : err;
}

static int st_sync(void *ctx)
{
    return stc_sync(dir_of(ctx));
}

void pkgsvc_store_init(struct pkg_store *st, sos_handle_t dir)
{
    *st = (struct pkg_store){(void *)(uintptr_t)dir, st_read, st_write, st_rename, st_remove,
                             st_list, st_sync};
}

/* ---- the storage repository backend */

static int fetch_storage(void *ctx, const char *path, size_t max_len, const struct pkg_sink *sink)
{
    sos_handle_t f;
    int err = stc_open(dir_of(ctx), path, STORAGE_R_READ, 0, &f);
    if (err)
        return err;
    uint8_t *buf = malloc(STORAGE_IO_MAX);
    err = buf ? 0 : SOS_ERR_NO_MEMORY;
    for (uint64_t off = 0; !err;) {
        int64_t n = stc_read(f, off, buf, STORAGE_IO_MAX);
        if (n <= 0) {
            err = (int)n;
            break;
        }
        if (off + (uint64_t)n > max_len)
            err = SOS_ERR_OUT_OF_RANGE; /* never hand over more than announced */
        else
            err = sink->data(sink->ctx, buf, (size_t)n);
        off += (uint64_t)n;
    }
    free(buf);
    sos_handle_close(f);
    return err;
}

void pkgsvc_fetch_storage_init(struct pkg_fetch *f, sos_handle_t dir)
{
    *f = (struct pkg_fetch){(void *)(uintptr_t)dir, fetch_storage};
}
