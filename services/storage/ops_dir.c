/*
 * services/storage/ops_dir.c - the requests on names in a directory: NODE_READDIR,
 * NODE_STAT, NODE_MKDIR, NODE_UNLINK and NODE_RENAME. Each takes an optional path below
 * the directory handle (resolve.c) and the right the change needs.
 *
 * Layer: services (storage), request handlers (dispatched from ops.c).
 */
#include "ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolve.h"

/* Resolve a path argument of a directory request: the node itself for "". */
static int dir_path(struct sl_request *r, struct node *n, uint32_t right, const char **path,
                    uint32_t *plen, struct sl_parse *p)
{
    /* the parse first: callers read on from it even when we refuse (a refusal of a
     * handle without the right once left it unset: storage-ops test_rights_reduce) */
    sl_parse_begin(p, r->bytes, r->len, NULL, 0, NULL);
    *path = sl_parse_str(p, plen);
    int err = need(n, 0, right);
    if (err)
        return err;
    if (!*path || *plen > STORAGE_PATH_MAX)
        return SOS_ERR_INVALID_ARGS;
    return 0;
}

int do_readdir(struct sl_request *r)
{
    struct node *n = node_of(r);
    const char *path, *rest;
    uint32_t plen;
    struct sl_parse p;
    int err = dir_path(r, n, STORAGE_R_ENUMERATE, &path, &plen, &p);
    uint64_t cookie = sl_parse_u64(&p);
    if (!err && sl_parse_end(&p))
        err = SOS_ERR_INVALID_ARGS;
    if (err)
        return err;
    if (n->kind == NODE_BOOT) {
        char pre[256];
        snprintf(pre, sizeof(pre), "%s%s%s", n->entry, n->entry[0] && plen ? "/" : "", path);
        return n->boot_dir ? readdir_boot(r, pre) : SOS_ERR_WRONG_TYPE;
    }
    if (boot_path(n, path, &rest))
        return readdir_boot(r, rest);
    struct sfs_stat st;
    uint64_t dir;
    const char *name;
    size_t nl;
    if (!(err = live(n, &st)))
        err = resolve(g_st.fs, n->ino, path, plen, false, &dir, &name, &nl);
    if (err)
        return err;
    bool top = n->top && dir == SFS_ROOT_INO && g_st.have_boot;
    struct sl_msg *m = r->reply;
    uint32_t next_at = m->len;
    sl_msg_put_u64(m, 0);
    uint32_t count_at = m->len;
    sl_msg_put_u32(m, 0);
    uint32_t count = 0;
    if (top && cookie == 0) { /* the boot store's mount point */
        sl_msg_put_str(m, "boot");
        sl_msg_put_u32(m, STORAGE_TYPE_DIR);
        sl_msg_put_u64(m, 0);
        count++;
    }
    uint64_t pos = cookie ? cookie - 1 : 0, next = 0;
    struct sfs_dirent de;
    while (m->len < SOS_CHANNEL_MAX_BYTES - 1024 && count < 512) {
        err = sfs_readdir(g_st.fs, dir, &pos, &de);
        if (err == SOS_ERR_NOT_FOUND) {
            err = 0;
            next = 0;
            break;
        }
        if (err)
            return err;
        struct sfs_stat es;
        if (sfs_stat(g_st.fs, de.ino, &es))
            es.size = 0;
        sl_msg_put_str(m, de.name);
        sl_msg_put_u32(m, de.type == SFS_DIR ? STORAGE_TYPE_DIR : STORAGE_TYPE_FILE);
        sl_msg_put_u64(m, de.type == SFS_DIR ? 0 : es.size);
        count++;
        next = pos + 1;
    }
    memcpy(m->bytes + next_at, &next, 8);
    memcpy(m->bytes + count_at, &count, 4);
    return err;
}

int do_stat(struct sl_request *r)
{
    struct node *n = node_of(r);
    const char *path, *name;
    uint32_t plen;
    struct sl_parse p;
    int err = dir_path(r, n, STORAGE_R_ENUMERATE, &path, &plen, &p);
    if (!err && sl_parse_end(&p))
        err = SOS_ERR_INVALID_ARGS;
    if (!err && n->kind != NODE_DIR)
        err = SOS_ERR_WRONG_TYPE;
    struct sfs_stat st;
    uint64_t ino;
    size_t nl;
    if (!err)
        err = live(n, &st);
    if (!err)
        err = resolve(g_st.fs, n->ino, path, plen, false, &ino, &name, &nl);
    if (!err)
        err = sfs_stat(g_st.fs, ino, &st);
    if (err)
        return err;
    sl_msg_put_u32(r->reply, st.type == SFS_DIR ? STORAGE_TYPE_DIR : STORAGE_TYPE_FILE);
    sl_msg_put_u64(r->reply, st.size);
    sl_msg_put_u64(r->reply, st.mtime);
    return 0;
}

/* mkdir and unlink: one path, resolved to its directory and last name. */
static int name_op(struct sl_request *r, uint32_t right, bool mkdir)
{
    struct node *n = node_of(r);
    const char *path, *name;
    uint32_t plen;
    struct sl_parse p;
    int err = dir_path(r, n, right, &path, &plen, &p);
    if (!err && sl_parse_end(&p))
        err = SOS_ERR_INVALID_ARGS;
    if (!err && n->kind != NODE_DIR)
        err = SOS_ERR_WRONG_TYPE;
    const char *rest;
    if (!err && boot_path(n, path, &rest))
        err = SOS_ERR_ACCESS_DENIED; /* the boot store is read-only */
    struct sfs_stat st;
    uint64_t dir;
    size_t nl;
    if (!err)
        err = live(n, &st);
    if (!err)
        err = resolve(g_st.fs, n->ino, path, plen, true, &dir, &name, &nl);
    if (!err && n->top && dir == SFS_ROOT_INO && nl == 4 && !memcmp(name, "boot", 4))
        err = SOS_ERR_ACCESS_DENIED; /* the boot store's mount point */
    if (!err)
        err = mkdir ? sfs_create(g_st.fs, dir, name, nl, SFS_DIR, NULL) : sfs_unlink(g_st.fs, dir, name, nl);
    if (!err)
        st_changed();
    return err;
}

int do_mkdir(struct sl_request *r) { return name_op(r, STORAGE_R_CREATE, true); }
int do_unlink(struct sl_request *r) { return name_op(r, STORAGE_R_DELETE, false); }

int do_rename(struct sl_request *r)
{
    struct node *n = node_of(r);
    const char *from, *to, *fname, *tname;
    uint32_t fl, tl;
    struct sl_parse p;
    int err = dir_path(r, n, STORAGE_R_DELETE | STORAGE_R_CREATE, &from, &fl, &p);
    to = sl_parse_str(&p, &tl);
    if (!err && (sl_parse_end(&p) || !to || tl > STORAGE_PATH_MAX))
        err = SOS_ERR_INVALID_ARGS;
    if (!err && n->kind != NODE_DIR)
        err = SOS_ERR_WRONG_TYPE;
    const char *rest;
    if (!err && (boot_path(n, from, &rest) || boot_path(n, to, &rest)))
        err = SOS_ERR_ACCESS_DENIED; /* the boot store is read-only */
    struct sfs_stat st;
    uint64_t fd, td;
    size_t fnl, tnl;
    if (!err)
        err = live(n, &st);
    if (!err)
        err = resolve(g_st.fs, n->ino, from, fl, true, &fd, &fname, &fnl);
    if (!err)
        err = resolve(g_st.fs, n->ino, to, tl, true, &td, &tname, &tnl);
    if (!err)
        err = sfs_rename(g_st.fs, fd, fname, fnl, td, tname, tnl);
    if (!err)
        st_changed();
    return err;
}
