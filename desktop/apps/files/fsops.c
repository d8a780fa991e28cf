/*
 * desktop/apps/files/fsops.c - the files app's storage operations (fsops.h), on the
 * storage client (client/storage.h) and the directory handles the root manager gave
 * the app at its start.
 *
 * Layer: desktop/apps/files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sl/startup.h>

#include "fsops.h"

#define COPY_CHUNK STORAGE_IO_MAX

uint32_t fs_places(struct place *out, uint32_t max)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < sos_startup_handle_count() && n < max; i++) {
        const struct sos_startup_handle *h = sos_startup_handle_at(i);
        if (!h || strncmp(h->name, "storage/", 8) || !h->name[8])
            continue;
        snprintf(out[n].name, sizeof(out[n].name), "/%s", h->name + 8);
        snprintf(out[n].resource, sizeof(out[n].resource), "%s", h->name);
        out[n++].root = h->handle;
    }
    return n;
}

#define LOOKUP_NS 10000000000ll /* storage restarting: the root manager answers when it is back */

/* Look the place up again (its handle is dead: storage restarted). */
static int place_reopen(struct place *p)
{
    sos_handle_t h = 0;
    int err = sl_service_lookup(p->resource, &h, sos_deadline_after(LOOKUP_NS));
    if (err)
        return err;
    if (p->root)
        sos_handle_close(p->root);
    p->root = h;
    return 0;
}

sos_handle_t fs_place_root(struct place *p)
{
    sos_signals_t seen = 0;
    if (!p->root || sos_object_wait_one(p->root, SOS_SIG_PEER_CLOSED, 0, &seen) == 0)
        place_reopen(p); /* the old one stays on failure: its calls then say why */
    return p->root;
}

bool fs_place_lost(struct place *p, int err)
{
    return (err == SOS_ERR_PEER_CLOSED || err == SOS_ERR_BAD_HANDLE) && place_reopen(p) == 0;
}

static void add_entry(void *ctx, const char *name, uint32_t type, uint64_t size)
{
    struct folder *f = ctx;
    if (f->n == ENTRIES_MAX) {
        f->more++;
        return;
    }
    struct entry *e = &f->e[f->n++];
    snprintf(e->name, sizeof(e->name), "%s", name);
    e->type = type;
    e->size = size;
}

static int by_kind_then_name(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    if (x->type != y->type)
        return x->type == STORAGE_TYPE_DIR ? -1 : 1;
    return strcmp(x->name, y->name);
}

int fs_list(sos_handle_t root, const char *path, struct folder *f)
{
    f->n = f->more = 0;
    int err = stc_readdir(root, path, add_entry, f);
    qsort(f->e, f->n, sizeof(f->e[0]), by_kind_then_name);
    return err;
}

bool fs_join(const char *dir, const char *name, char *out, size_t cap)
{
    int n = dir[0] ? snprintf(out, cap, "%s/%s", dir, name) : snprintf(out, cap, "%s", name);
    return n >= 0 && (size_t)n < cap;
}

void fs_parent(char *path)
{
    char *slash = strrchr(path, '/');
    if (slash)
        *slash = 0;
    else
        path[0] = 0;
}

int fs_name_check(const char *name, char *why, size_t cap)
{
    size_t n = strlen(name);
    if (!n)
        snprintf(why, cap, "type a name first (the field after 'name:')");
    else if (n >= FS_NAME_MAX)
        snprintf(why, cap, "a name has at most %u bytes", FS_NAME_MAX - 1);
    else if (strchr(name, '/'))
        snprintf(why, cap, "a name cannot hold '/'");
    else if (!strcmp(name, ".") || !strcmp(name, ".."))
        snprintf(why, cap, "'%s' cannot be a name", name);
    else
        return 0;
    return SOS_ERR_INVALID_ARGS;
}

int fs_path_check(const char *path, char *why, size_t cap)
{
    char name[FS_PATH_MAX];
    size_t n = strlen(path);
    if (n >= FS_PATH_MAX) {
        snprintf(why, cap, "a path has at most %u bytes", FS_PATH_MAX - 1);
        return SOS_ERR_INVALID_ARGS;
    }
    for (const char *at = path;; at += n + 1) {
        n = strcspn(at, "/");
        snprintf(name, sizeof(name), "%.*s", (int)n, at);
        int err = fs_name_check(name, why, cap);
        if (err)
            return err;
        if (!at[n])
            return 0;
    }
}

int fs_read_bounded(sos_handle_t root, const char *path, size_t max, char **out, size_t *len, char *why,
                    size_t cap)
{
    uint32_t type = 0;
    uint64_t size = 0;
    int err = stc_stat(root, path, &type, &size);
    if (err)
        snprintf(why, cap, "%s", sos_strerror(err));
    else if (type != STORAGE_TYPE_FILE)
        snprintf(why, cap, "not a file"), err = SOS_ERR_WRONG_TYPE;
    else if (size > max)
        snprintf(why, cap, "%llu bytes: too large to open here (at most %zu)", (unsigned long long)size, max),
            err = SOS_ERR_OUT_OF_RANGE;
    else if ((err = stc_read_file(root, path, max, out, len)))
        snprintf(why, cap, "%s", err == SOS_ERR_OUT_OF_RANGE ? "it grew past the limit while read" : sos_strerror(err));
    return err;
}

int fs_save(sos_handle_t root, const char *path, const void *data, size_t len)
{
    return stc_replace_file(root, path, data, len);
}

/* Copy every byte of the open file src to dst (both handles). */
static int copy_data(sos_handle_t src, sos_handle_t dst)
{
    char *buf = malloc(COPY_CHUNK);
    if (!buf)
        return SOS_ERR_NO_MEMORY;
    int err = 0;
    for (uint64_t off = 0;;) {
        int64_t k = stc_read(src, off, buf, COPY_CHUNK);
        if (k <= 0) {
            err = (int)k;
            break;
        }
        if ((err = stc_write(dst, off, buf, (size_t)k)))
            break;
        off += (uint64_t)k;
    }
    free(buf);
    return err;
}

static int copy_file(sos_handle_t root, const char *from, const char *to, bool *made)
{
    sos_handle_t src = 0, dst = 0;
    int err = stc_open(root, from, STORAGE_R_READ, 0, &src);
    if (!err)
        err = stc_open(root, to, STORAGE_R_WRITE, STORAGE_O_CREATE | STORAGE_O_EXCL, &dst);
    *made = dst != 0;
    if (!err)
        err = copy_data(src, dst);
    if (!err)
        err = stc_sync(dst);
    if (src)
        sos_handle_close(src);
    if (dst)
        sos_handle_close(dst);
    return err;
}

/* copytree's operations on a place's handle (ctx). */
struct lister {
    void (*fn)(void *arg, const char *name, bool is_dir);
    void *arg;
};

static void list_one(void *ctx, const char *name, uint32_t type, uint64_t size)
{
    (void)size;
    struct lister *l = ctx;
    l->fn(l->arg, name, type == STORAGE_TYPE_DIR);
}

static int tree_list(void *ctx, const char *path, void (*fn)(void *arg, const char *name, bool is_dir), void *arg)
{
    struct lister l = {fn, arg};
    return stc_readdir((sos_handle_t)(uintptr_t)ctx, path, list_one, &l);
}

static int tree_mkdir(void *ctx, const char *path) { return stc_mkdir((sos_handle_t)(uintptr_t)ctx, path); }

static int tree_copy_file(void *ctx, const char *from, const char *to)
{
    bool made;
    return copy_file((sos_handle_t)(uintptr_t)ctx, from, to, &made);
}

int fs_copy(sos_handle_t root, const char *from, const char *to, struct copy_report *r)
{
    uint32_t type = 0;
    memset(r, 0, sizeof(*r));
    int err = stc_stat(root, from, &type, NULL);
    if (err)
        return err;
    if (type != STORAGE_TYPE_DIR)
        return copy_file(root, from, to, &r->made);
    struct copy_ops ops = {(void *)(uintptr_t)root, tree_list, tree_mkdir, tree_copy_file};
    return copy_tree(&ops, from, to, r);
}
