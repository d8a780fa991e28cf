/*
 * desktop/apps/files/copytree.c - copying a folder with everything in it
 * (copytree.h): plan, then copy.
 *
 * The plan is one array of entries, read breadth first (the array is its own queue):
 * each entry names its parent's index, so a parent always comes before its children
 * and a path is built by walking up. Reading stops, and the copy is refused with
 * nothing made, at the caps, at a path that would not fit, or at a folder that cannot
 * be read. The copy then goes down the array: the new top folder first, then every
 * entry in order; an entry below a folder that failed is not tried (it is counted as
 * not copied, the folder's failure being the one reported).
 *
 * Layer: desktop/apps/files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sos/errors.h>

#include "copytree.h"

struct entry {
    int parent; /* index, -1: in the folder copied */
    uint32_t depth;
    bool dir, failed;
    char *name;
};

struct plan {
    struct entry *e;
    uint32_t n;
    int parent;                /* of the entries being read */
    enum copy_refusal refused; /* set by take: the cap or the depth */
    bool no_memory;
};

bool copy_inside(const char *from, const char *to)
{
    size_t n = strlen(from);
    return !strncmp(from, to, n) && (to[n] == 0 || to[n] == '/');
}

/* Entry i's path below the folder copied, into out[cap]; its length, or -1 when it
 * does not fit. */
static int rel_path(const struct plan *p, int i, char *out, size_t cap)
{
    int at = p->e[i].parent < 0 ? 0 : rel_path(p, p->e[i].parent, out, cap);
    if (at < 0)
        return -1;
    int k = snprintf(out + at, cap - (size_t)at, "%s%s", at ? "/" : "", p->e[i].name);
    return k < 0 || (size_t)(at + k) >= cap ? -1 : at + k;
}

/* base/<entry i's path> into out[COPY_PATH_MAX]; false when it does not fit. */
static bool full_path(const struct plan *p, const char *base, int i, char *out)
{
    char rel[COPY_PATH_MAX];
    int k = rel_path(p, i, rel, sizeof(rel));
    size_t nb = strlen(base);
    if (k < 0 || nb + 1 + (size_t)k >= COPY_PATH_MAX)
        return false;
    memcpy(out, base, nb);
    out[nb] = '/';
    memcpy(out + nb + 1, rel, (size_t)k + 1);
    return true;
}

static void take(void *arg, const char *name, bool is_dir)
{
    struct plan *p = arg;
    uint32_t depth = p->parent < 0 ? 1 : p->e[p->parent].depth + 1;
    if (p->refused || p->no_memory)
        return;
    if (p->n == COPY_ENTRIES_MAX) {
        p->refused = COPY_TOO_MANY;
        return;
    }
    if (depth > COPY_DEPTH_MAX) {
        p->refused = COPY_TOO_DEEP;
        return;
    }
    size_t len = strlen(name) + 1;
    char *copy = malloc(len);
    if (!copy) {
        p->no_memory = true;
        return;
    }
    memcpy(copy, name, len);
    p->e[p->n++] = (struct entry){.parent = p->parent, .depth = depth, .dir = is_dir, .name = copy};
}

/* Read folder `path` (entry `parent`'s) into the plan; fills r when it refuses. */
static int read_folder(const struct copy_ops *ops, struct plan *p, const char *path, int parent,
                       struct copy_report *r)
{
    p->parent = parent;
    int err = ops->list(ops->ctx, path, take, p);
    if (!err && p->no_memory)
        err = SOS_ERR_NO_MEMORY;
    if (err) {
        r->refused = COPY_UNREADABLE;
        r->err = err;
        if (parent >= 0)
            rel_path(p, parent, r->where, sizeof(r->where));
        return err;
    }
    if (p->refused) {
        r->refused = p->refused;
        return SOS_ERR_OUT_OF_RANGE;
    }
    return 0;
}

/* The whole tree below `from`, each entry's paths checked against both bases. */
static int make_plan(const struct copy_ops *ops, struct plan *p, const char *from, const char *to,
                     struct copy_report *r)
{
    int err = read_folder(ops, p, from, -1, r);
    char a[COPY_PATH_MAX], b[COPY_PATH_MAX];
    for (uint32_t i = 0; !err && i < p->n; i++) {
        if (!full_path(p, from, (int)i, a) || !full_path(p, to, (int)i, b)) {
            r->refused = COPY_PATH_TOO_LONG;
            return SOS_ERR_OUT_OF_RANGE;
        }
        if (p->e[i].dir)
            err = read_folder(ops, p, a, (int)i, r);
    }
    return err;
}

/* Entry i made at its place below `to`; the first failure is kept in r. */
static void copy_entry(const struct copy_ops *ops, struct plan *p, int i, const char *from, const char *to,
                       struct copy_report *r)
{
    struct entry *e = &p->e[i];
    char a[COPY_PATH_MAX], b[COPY_PATH_MAX];
    if (e->parent >= 0 && p->e[e->parent].failed) {
        e->failed = true; /* its folder is not there: the folder's failure is the one said */
        return;
    }
    full_path(p, from, i, a); /* they fit: make_plan checked */
    full_path(p, to, i, b);
    int err = e->dir ? ops->mkdir(ops->ctx, b) : ops->copy_file(ops->ctx, a, b);
    if (err) {
        e->failed = true;
        if (!r->err) {
            r->err = err;
            rel_path(p, i, r->where, sizeof(r->where));
        }
        return;
    }
    r->copied++;
    if (e->dir)
        r->dirs++;
    else
        r->files++;
}

int copy_tree(const struct copy_ops *ops, const char *from, const char *to, struct copy_report *r)
{
    memset(r, 0, sizeof(*r));
    r->folder = true;
    if (copy_inside(from, to)) {
        r->refused = COPY_INTO_ITSELF;
        return SOS_ERR_INVALID_ARGS;
    }
    struct plan p = {.e = calloc(COPY_ENTRIES_MAX, sizeof(struct entry))};
    int err = p.e ? make_plan(ops, &p, from, to, r) : SOS_ERR_NO_MEMORY;
    r->total = p.n;
    if (!err && (err = ops->mkdir(ops->ctx, to)))
        r->err = err; /* the new folder itself: nothing made */
    r->made = !err;
    for (uint32_t i = 0; !err && i < p.n; i++)
        copy_entry(ops, &p, (int)i, from, to, r);
    for (uint32_t i = 0; i < p.n; i++)
        free(p.e[i].name);
    free(p.e);
    return err ? err : r->err;
}

void copy_tree_say(const struct copy_report *r, const char *a, const char *b, const char *where, char *out,
                   size_t cap)
{
    const char *why = sos_strerror(r->err);
    switch (r->refused) {
    case COPY_INTO_ITSELF:
        snprintf(out, cap, "cannot copy the folder %s into itself (%s is inside it)", a, b);
        return;
    case COPY_TOO_MANY:
        snprintf(out, cap, "%s holds more than %d files and folders: too many to copy here; nothing copied", a,
                 COPY_ENTRIES_MAX);
        return;
    case COPY_TOO_DEEP:
        snprintf(out, cap, "%s has folders more than %d levels deep: too deep to copy here; nothing copied", a,
                 COPY_DEPTH_MAX);
        return;
    case COPY_PATH_TOO_LONG:
        snprintf(out, cap, "a path in the copy of %s would be longer than %d bytes; nothing copied", a,
                 COPY_PATH_MAX - 1);
        return;
    case COPY_UNREADABLE:
        snprintf(out, cap, "copy %s failed: cannot read %s%s%s: %s; nothing copied", a, a, where[0] ? "/" : "",
                 where, why);
        return;
    case COPY_OK:
        break;
    }
    if (!r->err)
        snprintf(out, cap, "copied folder %s to %s: %u folder%s, %u file%s", a, b, r->dirs, r->dirs == 1 ? "" : "s",
                 r->files, r->files == 1 ? "" : "s");
    else if (!r->copied && !where[0])
        snprintf(out, cap, "copy %s to %s failed: %s; nothing copied", a, b, why);
    else
        snprintf(out, cap, "copied %s to %s partly: %u of %u entries; not copied: %u, the first %s/%s: %s", a, b,
                 r->copied, r->total, r->total - r->copied, a, where, why);
}
