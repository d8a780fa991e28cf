/*
 * services/storage/fs/test/model.c - the model tree, and the same operations on a store.
 *
 * Layer: services host tests.
 */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sos/errors.h>

/* Copy with truncation (paths here are short; gcc cannot know). */
static void pcopy(char *dst, size_t size, const char *a, const char *b)
{
    size_t na = strlen(a), nb = b ? strlen(b) : 0;
    if (na >= size)
        na = size - 1;
    if (nb >= size - na)
        nb = size - na - 1;
    memcpy(dst, a, na);
    memcpy(dst + na, b, nb);
    dst[na + nb] = 0;
}

void model_init(struct model *m) { memset(m, 0, sizeof(*m)); }

void model_free(struct model *m)
{
    for (int i = 0; i < m->n; i++)
        free(m->e[i].data);
    m->n = 0;
}

void model_copy(struct model *dst, const struct model *src)
{
    model_free(dst);
    *dst = *src;
    for (int i = 0; i < src->n; i++) {
        dst->e[i].data = src->e[i].len ? malloc(src->e[i].len) : NULL;
        if (src->e[i].len)
            memcpy(dst->e[i].data, src->e[i].data, src->e[i].len);
    }
}

static int find(const struct model *m, const char *p)
{
    for (int i = 0; i < m->n; i++)
        if (!strcmp(m->e[i].path, p))
            return i;
    return -1;
}

static void parent_of(const char *p, char *out)
{
    const char *s = strrchr(p, '/');
    size_t n = s && s != p ? (size_t)(s - p) : 0;
    memcpy(out, p, n);
    out[n] = 0; /* "" is the root */
}

static bool parent_ok(const struct model *m, const char *p)
{
    char par[MODEL_PATH];
    parent_of(p, par);
    if (!par[0])
        return true;
    int i = find(m, par);
    return i >= 0 && m->e[i].dir;
}

static bool has_children(const struct model *m, const char *p)
{
    size_t n = strlen(p);
    for (int i = 0; i < m->n; i++)
        if (!strncmp(m->e[i].path, p, n) && m->e[i].path[n] == '/')
            return true;
    return false;
}

static void fill(uint8_t *d, uint64_t off, uint64_t len, uint32_t seed)
{
    for (uint64_t i = 0; i < len; i++)
        d[i] = (uint8_t)((off + i) * 7 + seed * 13 + ((off + i) >> 9));
}

static void drop(struct model *m, int i)
{
    free(m->e[i].data);
    m->e[i] = m->e[--m->n];
}

int model_apply(struct model *m, const struct op *op)
{
    int i = op->a ? find(m, op->a) : -1;
    switch (op->kind) {
    case OP_CREATE:
    case OP_MKDIR:
        if (i >= 0)
            return SOS_ERR_ALREADY_EXISTS;
        if (!parent_ok(m, op->a) || m->n == MODEL_MAX)
            return SOS_ERR_NOT_FOUND;
        memset(&m->e[m->n], 0, sizeof(m->e[0]));
        snprintf(m->e[m->n].path, MODEL_PATH, "%s", op->a);
        m->e[m->n++].dir = op->kind == OP_MKDIR;
        return 0;
    case OP_WRITE: {
        if (i < 0 || m->e[i].dir)
            return SOS_ERR_NOT_FOUND;
        struct mentry *e = &m->e[i];
        if (op->off + op->len > e->len) {
            e->data = realloc(e->data, op->off + op->len);
            memset(e->data + e->len, 0, op->off + op->len - e->len);
            e->len = op->off + op->len;
        }
        fill(e->data + op->off, op->off, op->len, op->seed);
        return 0;
    }
    case OP_TRUNCATE: {
        if (i < 0 || m->e[i].dir)
            return SOS_ERR_NOT_FOUND;
        struct mentry *e = &m->e[i];
        if (op->len > e->len) {
            e->data = realloc(e->data, op->len);
            memset(e->data + e->len, 0, op->len - e->len);
        }
        e->len = op->len;
        return 0;
    }
    case OP_UNLINK:
        if (i < 0)
            return SOS_ERR_NOT_FOUND;
        if (m->e[i].dir && has_children(m, op->a))
            return SOS_ERR_BAD_STATE;
        drop(m, i);
        return 0;
    case OP_RENAME: {
        if (i < 0)
            return SOS_ERR_NOT_FOUND;
        if (!parent_ok(m, op->b))
            return SOS_ERR_NOT_FOUND;
        if (!strcmp(op->a, op->b))
            return 0;
        size_t la = strlen(op->a);
        if (m->e[i].dir && !strncmp(op->b, op->a, la) && op->b[la] == '/')
            return SOS_ERR_INVALID_ARGS;
        int j = find(m, op->b);
        if (j >= 0) {
            if (m->e[j].dir != m->e[i].dir)
                return SOS_ERR_WRONG_TYPE;
            if (m->e[j].dir && has_children(m, op->b))
                return SOS_ERR_BAD_STATE;
            drop(m, j);
        }
        char old[MODEL_PATH];
        snprintf(old, sizeof(old), "%s", op->a);
        for (int k = 0; k < m->n; k++) {
            char *p = m->e[k].path;
            if (!strcmp(p, old) || (!strncmp(p, old, la) && p[la] == '/')) {
                char t[MODEL_PATH];
                pcopy(t, sizeof(t), op->b, p + la);
                memcpy(p, t, MODEL_PATH);
            }
        }
        return 0;
    }
    case OP_SYNC:
        return 0;
    }
    return SOS_ERR_INVALID_ARGS;
}

/* ---- hashing: sorted (path, type, content) */

struct item {
    char path[MODEL_PATH];
    int dir;
    uint64_t h;
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static int cmp_item(const void *a, const void *b)
{
    return strcmp(((const struct item *)a)->path, ((const struct item *)b)->path);
}

static uint64_t hash_items(struct item *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_item);
    uint64_t h = 0xcbf29ce484222325ull;
    for (int i = 0; i < n; i++) {
        h = fnv(h, v[i].path, strlen(v[i].path) + 1);
        h = fnv(h, &v[i].dir, sizeof(v[i].dir));
        h = fnv(h, &v[i].h, sizeof(v[i].h));
    }
    return h | 1;
}

uint64_t model_hash(const struct model *m)
{
    struct item v[MODEL_MAX];
    for (int i = 0; i < m->n; i++) {
        snprintf(v[i].path, MODEL_PATH, "%s", m->e[i].path);
        v[i].dir = m->e[i].dir;
        v[i].h = m->e[i].dir ? 0 : fnv(fnv(0xcbf29ce484222325ull, &m->e[i].len, 8), m->e[i].data, m->e[i].len);
    }
    return hash_items(v, m->n);
}

static int walk(struct sfs *fs, uint64_t dir, const char *prefix, struct item *v, int *n)
{
    uint64_t pos = 0;
    struct sfs_dirent de;
    int err;
    while ((err = sfs_readdir(fs, dir, &pos, &de)) == 0) {
        if (*n == MODEL_MAX)
            return SOS_ERR_NO_RESOURCES;
        struct item *it = &v[(*n)++];
        char t[MODEL_PATH];
        pcopy(t, sizeof(t), prefix, "/");
        pcopy(it->path, MODEL_PATH, t, de.name);
        it->dir = de.type == SFS_DIR;
        it->h = 0;
        if (it->dir) {
            char sub[MODEL_PATH];
            memcpy(sub, it->path, MODEL_PATH);
            if ((err = walk(fs, de.ino, sub, v, n)))
                return err;
            continue;
        }
        struct sfs_stat st;
        if ((err = sfs_stat(fs, de.ino, &st)))
            return err;
        uint8_t *d = malloc(st.size + 1);
        int64_t r = sfs_read(fs, de.ino, 0, d, st.size);
        if (r != (int64_t)st.size) {
            free(d);
            return r < 0 ? (int)r : SOS_ERR_IO;
        }
        it->h = fnv(fnv(0xcbf29ce484222325ull, &st.size, 8), d, st.size);
        free(d);
    }
    return err == SOS_ERR_NOT_FOUND ? 0 : err;
}

uint64_t store_hash(struct sfs *fs)
{
    struct item v[MODEL_MAX];
    int n = 0;
    if (walk(fs, SFS_ROOT_INO, "", v, &n))
        return 0;
    return hash_items(v, n);
}

/* ---- the same operations on a store */

static int resolve(struct sfs *fs, const char *path, uint64_t *dir, const char **name)
{
    *dir = SFS_ROOT_INO;
    const char *p = path + 1;
    for (;;) {
        const char *s = strchr(p, '/');
        if (!s) {
            *name = p;
            return 0;
        }
        int err = sfs_lookup(fs, *dir, p, (size_t)(s - p), dir);
        if (err)
            return err;
        p = s + 1;
    }
}

int store_apply(struct sfs *fs, const struct op *op)
{
    uint64_t dir, dir2, ino;
    const char *name, *name2;
    int err = op->kind == OP_SYNC ? 0 : resolve(fs, op->a, &dir, &name);
    if (err)
        return err;
    switch (op->kind) {
    case OP_CREATE:
        return sfs_create(fs, dir, name, strlen(name), SFS_FILE, NULL);
    case OP_MKDIR:
        return sfs_create(fs, dir, name, strlen(name), SFS_DIR, NULL);
    case OP_WRITE: {
        if ((err = sfs_lookup(fs, dir, name, strlen(name), &ino)))
            return err;
        uint8_t *d = malloc(op->len + 1);
        fill(d, op->off, op->len, op->seed);
        int64_t r = sfs_write(fs, ino, op->off, d, op->len);
        free(d);
        return r < 0 ? (int)r : 0;
    }
    case OP_TRUNCATE:
        if ((err = sfs_lookup(fs, dir, name, strlen(name), &ino)))
            return err;
        return sfs_truncate(fs, ino, op->len);
    case OP_UNLINK:
        return sfs_unlink(fs, dir, name, strlen(name));
    case OP_RENAME:
        if ((err = resolve(fs, op->b, &dir2, &name2)))
            return err;
        return sfs_rename(fs, dir, name, strlen(name), dir2, name2, strlen(name2));
    case OP_SYNC:
        return sfs_sync(fs);
    }
    return SOS_ERR_INVALID_ARGS;
}

const char *op_text(const struct op *op, char *buf, size_t size)
{
    static const char *const k[] = {"create", "mkdir", "write", "rename", "unlink", "truncate", "sync"};
    snprintf(buf, size, "%s %s%s%s %llu+%llu", k[op->kind], op->a ? op->a : "", op->b ? " -> " : "",
             op->b ? op->b : "", (unsigned long long)op->off, (unsigned long long)op->len);
    return buf;
}
