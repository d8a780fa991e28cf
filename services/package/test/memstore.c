/*
 * memstore.c - the in-memory package store and repository of the host tests
 * (memstore.h).
 *
 * Layer: services host tests (never in an image).
 */
#include "memstore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sos/errors.h>

struct mfile *memstore_get(struct memstore *m, const char *path)
{
    for (size_t i = 0; i < m->n; i++)
        if (!strcmp(m->f[i].path, path))
            return &m->f[i];
    return NULL;
}

void memstore_put(struct memstore *m, const char *path, const void *data, size_t len)
{
    struct mfile *f = memstore_get(m, path);
    if (!f) {
        if (m->n == m->cap) {
            m->cap = m->cap ? 2 * m->cap : 64;
            m->f = realloc(m->f, m->cap * sizeof *m->f);
        }
        f = &m->f[m->n++];
        snprintf(f->path, sizeof f->path, "%s", path);
    } else {
        free(f->data);
    }
    f->data = malloc(len ? len : 1);
    memcpy(f->data, data, len);
    f->len = len;
}

static void drop(struct memstore *m, struct mfile *f)
{
    free(f->data);
    *f = m->f[--m->n];
}

void memstore_apply(struct memstore *m, const struct mop *op)
{
    struct mfile *f;
    switch (op->kind) {
    case MOP_WRITE:
        memstore_put(m, op->a, op->data, op->len);
        break;
    case MOP_RENAME:
        if ((f = memstore_get(m, op->a)) != NULL) {
            struct mfile *old = memstore_get(m, op->b);
            if (old)
                drop(m, old);
            f = memstore_get(m, op->a); /* drop may have moved it */
            snprintf(f->path, sizeof f->path, "%s", op->b);
        }
        break;
    case MOP_REMOVE:
        if ((f = memstore_get(m, op->a)) != NULL)
            drop(m, f);
        break;
    }
}

/* Logs and applies one change; the fail_at-th fails before doing anything. */
static int change(struct memstore *m, int kind, const char *a, const char *b,
                  const void *data, size_t len)
{
    if (m->fail_at && ++m->changes == m->fail_at)
        return SOS_ERR_IO;
    struct mop op = {.kind = kind, .len = len};
    snprintf(op.a, sizeof op.a, "%s", a);
    snprintf(op.b, sizeof op.b, "%s", b ? b : "");
    if (data) {
        op.data = malloc(len ? len : 1);
        memcpy(op.data, data, len);
    }
    memstore_apply(m, &op);
    if (!m->logging) {
        free(op.data);
        return 0;
    }
    if (m->nlog == m->cap_log) {
        m->cap_log = m->cap_log ? 2 * m->cap_log : 64;
        m->log = realloc(m->log, m->cap_log * sizeof *m->log);
    }
    m->log[m->nlog++] = op;
    return 0;
}

static int st_read(void *ctx, const char *path, size_t max, uint8_t **out, size_t *len)
{
    struct mfile *f = memstore_get(ctx, path);
    if (!f)
        return SOS_ERR_NOT_FOUND;
    if (f->len > max)
        return SOS_ERR_OUT_OF_RANGE;
    *out = malloc(f->len ? f->len : 1);
    memcpy(*out, f->data, f->len);
    *len = f->len;
    return 0;
}

static int st_write(void *ctx, const char *path, const void *data, size_t len)
{
    return change(ctx, MOP_WRITE, path, NULL, data, len);
}

static int st_rename(void *ctx, const char *from, const char *to)
{
    return memstore_get(ctx, from) ? change(ctx, MOP_RENAME, from, to, NULL, 0)
                                   : SOS_ERR_NOT_FOUND;
}

static int st_remove(void *ctx, const char *path)
{
    return memstore_get(ctx, path) ? change(ctx, MOP_REMOVE, path, NULL, NULL, 0)
                                   : SOS_ERR_NOT_FOUND;
}

static int st_list(void *ctx, const char *dir, void (*fn)(void *arg, const char *name),
                   void *arg)
{
    struct memstore *m = ctx;
    size_t dl = strlen(dir);
    for (size_t i = 0; i < m->n; i++) {
        const char *p = m->f[i].path;
        if (dl && (strncmp(p, dir, dl) || p[dl] != '/'))
            continue;
        const char *name = dl ? p + dl + 1 : p;
        if (!strchr(name, '/'))
            fn(arg, name);
    }
    return 0;
}

static int st_sync(void *ctx)
{
    return change(ctx, MOP_SYNC, "", NULL, NULL, 0);
}

/* The repository side: hands the file over in pieces of 1000 bytes, never more than
 * max_len (a well-behaved backend). */
static int fetch(void *ctx, const char *path, size_t max_len, const struct pkg_sink *sink)
{
    struct mfile *f = memstore_get(ctx, path);
    if (!f)
        return SOS_ERR_NOT_FOUND;
    for (size_t at = 0; at < f->len; at += 1000) {
        size_t n = f->len - at < 1000 ? f->len - at : 1000;
        if (at + n > max_len)
            return SOS_ERR_OUT_OF_RANGE;
        int rc = sink->data(sink->ctx, f->data + at, n);
        if (rc)
            return rc;
    }
    return 0;
}

void memstore_init(struct memstore *m)
{
    *m = (struct memstore){
        .store = {m, st_read, st_write, st_rename, st_remove, st_list, st_sync},
        .fetch = {m, fetch},
    };
}

void memstore_free(struct memstore *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->f[i].data);
    for (size_t i = 0; i < m->nlog; i++)
        free(m->log[i].data);
    free(m->f);
    free(m->log);
    memstore_init(m);
}

void memstore_copy(struct memstore *c, const struct memstore *m)
{
    memstore_init(c);
    for (size_t i = 0; i < m->n; i++)
        memstore_put(c, m->f[i].path, m->f[i].data, m->f[i].len);
}

void memstore_log_start(struct memstore *m)
{
    for (size_t i = 0; i < m->nlog; i++)
        free(m->log[i].data);
    m->nlog = 0;
    m->logging = true;
}

bool memstore_equal(const struct memstore *a, const struct memstore *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++) {
        struct mfile *g = memstore_get((struct memstore *)b, a->f[i].path);
        if (!g || g->len != a->f[i].len || memcmp(g->data, a->f[i].data, g->len))
            return false;
    }
    return true;
}
