/*
 * services/storage/ops.c - the requests of proto/storage.h.
 *
 * Every handle is a channel whose requests carry the node it stands for (found by the
 * channel, never trusted from the message). Each handler checks the handle's rights
 * first, resolves paths below the handle's directory (resolve.c), and answers. A node
 * remembers its inode's generation: once the file or directory is deleted, the handle
 * only gets SOS_ERR_NOT_FOUND.
 *
 * Layer: services (storage).
 */
#include "storage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolve.h"

sl_close_fn g_st_lib_close;

/* ---- nodes */

static struct node *node_of(struct sl_request *r)
{
    for (struct node *n = g_st.nodes; n; n = n->next)
        if (n->ch == r->channel)
            return n;
    return NULL;
}

/* The connection's peer record, for requests that came on a service connection. */
static struct sl_peer *peer_of(struct sl_request *r)
{
    if (node_of(r) || r->client == (void *)r->srv || !r->client)
        return NULL;
    return r->client;
}

/* ---- revocation points */

static void grant_get(struct grant *g)
{
    if (g)
        g->refs++;
}

static void grant_put(struct grant *g)
{
    while (g && --g->refs == 0) {
        struct grant *p = g->parent;
        free(g);
        g = p; /* the child's reference on its parent */
    }
}

static bool grant_under(const struct grant *g, const struct grant *point)
{
    for (; g; g = g->parent)
        if (g == point)
            return true;
    return false;
}

void st_on_close(struct sl_server *s, sos_handle_t ch, void *client)
{
    for (struct node **pp = &g_st.nodes; *pp; pp = &(*pp)->next)
        if ((*pp)->ch == ch) {
            struct node *n = *pp;
            *pp = n->next; /* services/lib frees the record itself */
            grant_put(n->grant);
            n->grant = NULL;
            break;
        }
    if (g_st_lib_close)
        g_st_lib_close(s, ch, client);
}

/* A new handle on `proto` (copied): our end is served, the other goes in the reply. */
static int give_node(struct sl_request *r, const struct node *proto)
{
    struct node *n = malloc(sizeof(*n));
    if (!n)
        return SOS_ERR_NO_MEMORY;
    *n = *proto;
    sos_handle_t ch[2];
    int err = (int)sos_channel_create(0, ch);
    if (err) {
        free(n);
        return err;
    }
    n->ch = ch[0];
    err = sl_server_add_channel(r->srv, ch[0], n);
    if (err) {
        sos_handle_close(ch[0]);
        sos_handle_close(ch[1]);
        free(n);
        return err;
    }
    n->next = g_st.nodes;
    g_st.nodes = n;
    grant_get(n->grant);
    sl_msg_put_handle(r->reply, ch[1]);
    return 0;
}

/* The node's inode, if it still is the one the handle was opened on. */
static int live(const struct node *n, struct sfs_stat *st)
{
    int err = sfs_stat(g_st.fs, n->ino, st);
    if (!err && st->gen != n->gen)
        err = SOS_ERR_NOT_FOUND;
    return err;
}

static int need(const struct node *n, uint32_t kind, uint32_t rights)
{
    if (!n)
        return SOS_ERR_ACCESS_DENIED;
    if (n->kind == NODE_REVOKED)
        return SOS_ERR_REVOKED;
    if (n->kind == NODE_REVOKER)
        return SOS_ERR_WRONG_TYPE;
    if (kind && n->kind != kind)
        return SOS_ERR_WRONG_TYPE;
    return (n->rights & rights) == rights ? 0 : SOS_ERR_ACCESS_DENIED;
}

/* ---- the boot store ("/boot" below the top) */

/* Does `path` (below the top) lead into the boot store? *rest gets what follows "boot". */
static bool boot_path(const struct node *n, const char *path, const char **rest)
{
    if (!n->top || !g_st.have_boot)
        return false;
    while (*path == '/')
        path++;
    if (strncmp(path, "boot", 4) || (path[4] && path[4] != '/'))
        return false;
    *rest = path + 4;
    while (**rest == '/')
        (*rest)++;
    return true;
}

static int open_boot(struct sl_request *r, const struct node *base, const char *rest, uint32_t rights)
{
    if (strstr(rest, "..") || strlen(rest) >= sizeof(base->entry))
        return SOS_ERR_INVALID_ARGS;
    struct node n = {.kind = NODE_BOOT, .rights = rights & (STORAGE_R_READ | STORAGE_R_ENUMERATE),
                     .grant = base->grant};
    snprintf(n.entry, sizeof(n.entry), "%s", rest);
    size_t len = strlen(n.entry);
    while (len && n.entry[len - 1] == '/')
        n.entry[--len] = 0;
    struct bundle_entry e;
    n.boot_dir = !len || bundle_find(&g_st.boot, n.entry, &e) != 0;
    (void)base;
    sl_msg_put_u32(r->reply, n.boot_dir ? STORAGE_TYPE_DIR : STORAGE_TYPE_FILE);
    return give_node(r, &n);
}

/* The direct children of boot-store prefix `prefix`, in one reply. */
static int readdir_boot(struct sl_request *r, const char *prefix)
{
    size_t pl = strlen(prefix);
    const char *seen[256];
    size_t seen_len[256];
    uint32_t n = 0;
    struct sl_msg *m = r->reply;
    sl_msg_put_u64(m, 0);
    uint32_t count_at = m->len;
    sl_msg_put_u32(m, 0);
    for (uint32_t i = 0; i < bundle_count(&g_st.boot) && n < 256; i++) {
        struct bundle_entry e;
        if (bundle_entry_at(&g_st.boot, i, &e))
            continue;
        const char *name = e.name;
        if (pl && (strncmp(name, prefix, pl) || name[pl] != '/'))
            continue;
        const char *c = name + (pl ? pl + 1 : 0);
        const char *slash = strchr(c, '/');
        size_t cl = slash ? (size_t)(slash - c) : strlen(c);
        bool dup = false;
        for (uint32_t k = 0; k < n && !dup; k++)
            dup = seen_len[k] == cl && !memcmp(seen[k], c, cl);
        if (dup || cl == 0 || cl > SFS_NAME_MAX)
            continue;
        seen[n] = c;
        seen_len[n++] = cl;
        char nm[SFS_NAME_MAX + 1];
        memcpy(nm, c, cl);
        nm[cl] = 0;
        sl_msg_put_str(m, nm);
        sl_msg_put_u32(m, slash ? STORAGE_TYPE_DIR : STORAGE_TYPE_FILE);
        sl_msg_put_u64(m, slash ? 0 : e.size);
    }
    memcpy(m->bytes + count_at, &n, 4);
    return 0;
}

static int read_boot(struct sl_request *r, struct node *n, uint64_t off, uint32_t len)
{
    struct bundle_entry e;
    struct errmsg em;
    if (n->boot_dir || bundle_find(&g_st.boot, n->entry, &e))
        return SOS_ERR_WRONG_TYPE;
    if (off == STORAGE_POS_CURRENT)
        off = n->pos;
    if (off >= e.size)
        return 0;
    uint8_t *buf = malloc(e.size);
    if (!buf)
        return SOS_ERR_NO_MEMORY;
    int err = bundle_read(&g_st.boot, &e, buf, e.size, &em);
    if (!err) {
        uint64_t k = e.size - off < len ? e.size - off : len;
        sl_msg_put(r->reply, buf + off, (uint32_t)k);
        n->pos = off + k;
    }
    free(buf);
    return err;
}

/* ---- opening */

static int open_at(struct sl_request *r, const struct node *base, const char *path, uint32_t plen,
                   uint32_t rights, uint32_t flags)
{
    const char *rest;
    if (base->kind != NODE_DIR)
        return SOS_ERR_WRONG_TYPE;
    if (boot_path(base, path, &rest))
        return open_boot(r, base, rest, rights & base->rights);
    struct sfs_stat st;
    int err = live(base, &st);
    uint64_t ino = 0;
    const char *name;
    size_t nl;
    if (!err)
        err = resolve(g_st.fs, base->ino, path, plen, false, &ino, &name, &nl);
    bool created = false;
    if (err == SOS_ERR_NOT_FOUND && (flags & STORAGE_O_CREATE)) {
        if (!(base->rights & STORAGE_R_CREATE))
            return SOS_ERR_ACCESS_DENIED;
        uint64_t dir;
        err = resolve(g_st.fs, base->ino, path, plen, true, &dir, &name, &nl);
        if (!err)
            err = sfs_create(g_st.fs, dir, name, nl, (flags & STORAGE_O_DIR) ? SFS_DIR : SFS_FILE, &ino);
        created = !err;
        if (created)
            st_changed();
    } else if (!err && (flags & STORAGE_O_CREATE) && (flags & STORAGE_O_EXCL)) {
        err = SOS_ERR_ALREADY_EXISTS;
    }
    if (!err)
        err = sfs_stat(g_st.fs, ino, &st);
    if (err)
        return err;
    if ((flags & STORAGE_O_DIR) && st.type != SFS_DIR)
        return SOS_ERR_WRONG_TYPE;
    rights &= base->rights;
    if ((flags & STORAGE_O_TRUNC) && st.type == SFS_FILE && st.size) {
        if (!(rights & STORAGE_R_WRITE))
            return SOS_ERR_ACCESS_DENIED;
        if ((err = sfs_truncate(g_st.fs, ino, 0)))
            return err;
        st_changed();
    }
    struct node n = {.kind = st.type == SFS_DIR ? NODE_DIR : NODE_FILE, .rights = rights,
                     .flags = flags & STORAGE_O_APPEND, .ino = ino, .gen = st.gen,
                     .top = base->top && ino == SFS_ROOT_INO, .grant = base->grant};
    sl_msg_put_u32(r->reply, st.type == SFS_DIR ? STORAGE_TYPE_DIR : STORAGE_TYPE_FILE);
    return give_node(r, &n);
}

static int parse_open(struct sl_request *r, const char **path, uint32_t *plen, uint32_t *rights,
                      uint32_t *flags)
{
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    *path = sl_parse_str(&p, plen);
    *rights = sl_parse_u32(&p);
    *flags = sl_parse_u32(&p);
    if (sl_parse_end(&p) || !*path || *plen > STORAGE_PATH_MAX)
        return SOS_ERR_INVALID_ARGS;
    return 0;
}

/*
 * STORAGE_OPEN from a connection without manage: only below the client's own directory
 * in config, state, data or tmp ("/state/x" opens state/<client>/x, "/state" the directory
 * itself, made when missing). The rights are at most what the connection's read
 * (enumerate, read) and write (write, create, delete) allow.
 */
static int open_own(struct sl_request *r, const struct sl_peer *peer, const char *path,
                    uint32_t plen, uint32_t rights, uint32_t flags)
{
    static const char *const own_ns[] = {"config", "state", "data", "tmp"};
    uint32_t cap = ((peer->rights & SOS_RIGHT_READ) ? STORAGE_R_ENUMERATE | STORAGE_R_READ : 0) |
                   ((peer->rights & SOS_RIGHT_WRITE)
                        ? STORAGE_R_WRITE | STORAGE_R_CREATE | STORAGE_R_DELETE
                        : 0);
    size_t nl = strnlen(peer->name, sizeof(peer->name));
    if (!cap || nl == 0 || nl >= sizeof(peer->name) || memchr(peer->name, '/', nl) ||
        !strcmp(peer->name, ".") || !strcmp(peer->name, ".."))
        return SOS_ERR_ACCESS_DENIED;
    uint32_t i = 0;
    while (i < plen && path[i] == '/')
        i++;
    uint32_t s = i;
    while (i < plen && path[i] != '/')
        i++;
    const char *ns = NULL;
    for (unsigned k = 0; k < sizeof(own_ns) / sizeof(own_ns[0]); k++)
        if (i - s == strlen(own_ns[k]) && !memcmp(path + s, own_ns[k], i - s))
            ns = own_ns[k];
    if (!ns)
        return SOS_ERR_ACCESS_DENIED;
    uint64_t nsino, ino;
    int err = sfs_lookup(g_st.fs, SFS_ROOT_INO, ns, strlen(ns), &nsino);
    if (!err)
        err = sfs_lookup(g_st.fs, nsino, peer->name, nl, &ino);
    if (err == SOS_ERR_NOT_FOUND && (cap & STORAGE_R_CREATE)) {
        err = sfs_create(g_st.fs, nsino, peer->name, nl, SFS_DIR, &ino);
        if (!err)
            st_changed();
    }
    struct sfs_stat st;
    if (!err)
        err = sfs_stat(g_st.fs, ino, &st);
    if (!err && st.type != SFS_DIR)
        err = SOS_ERR_WRONG_TYPE;
    if (err)
        return err;
    struct node own = {.kind = NODE_DIR, .rights = cap, .ino = ino, .gen = st.gen};
    return open_at(r, &own, path + i, plen - i, rights, flags);
}

static int do_storage_open(struct sl_request *r)
{
    struct sl_peer *peer = peer_of(r);
    if (!peer)
        return SOS_ERR_ACCESS_DENIED;
    const char *path;
    uint32_t plen, rights, flags;
    int err = parse_open(r, &path, &plen, &rights, &flags);
    if (err)
        return err;
    if (!(peer->rights & SOS_RIGHT_MANAGE))
        return open_own(r, peer, path, plen, rights, flags);
    struct node top = {.kind = NODE_DIR, .rights = STORAGE_R_ALL, .ino = SFS_ROOT_INO, .top = true};
    struct sfs_stat st;
    if ((err = sfs_stat(g_st.fs, SFS_ROOT_INO, &st)))
        return err;
    top.gen = st.gen;
    return open_at(r, &top, path, plen, rights, flags);
}

static int do_open(struct sl_request *r)
{
    struct node *n = node_of(r);
    const char *path;
    uint32_t plen, rights, flags;
    int err = need(n, NODE_DIR, 0);
    if (!err)
        err = parse_open(r, &path, &plen, &rights, &flags);
    return err ? err : open_at(r, n, path, plen, rights, flags);
}

/* The node a clone or mint request acts on and the rights it asks for (clone, mint). */
static int parse_rights_req(struct sl_request *r, struct node **n, uint32_t *rights)
{
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    *rights = sl_parse_u32(&p);
    *n = node_of(r);
    int err = need(*n, 0, 0);
    if (err)
        return err;
    return sl_parse_end(&p) ? SOS_ERR_INVALID_ARGS : 0;
}

static int do_clone(struct sl_request *r)
{
    struct node *n;
    uint32_t rights;
    int err = parse_rights_req(r, &n, &rights);
    if (err)
        return err;
    struct node c = *n;
    c.rights &= rights; /* only ever fewer */
    c.pos = 0;
    return give_node(r, &c);
}

static int do_mint(struct sl_request *r)
{
    struct node *n;
    uint32_t rights;
    int err = parse_rights_req(r, &n, &rights);
    if (err)
        return err;
    struct grant *g = calloc(1, sizeof(*g));
    if (!g)
        return SOS_ERR_NO_MEMORY;
    g->parent = n->grant;
    grant_get(g->parent);
    g->refs = 1; /* ours, until both handles hold theirs */
    struct node c = *n;
    c.rights &= rights;
    c.pos = 0;
    c.grant = g;
    struct node rv = {.kind = NODE_REVOKER, .grant = g};
    err = give_node(r, &c);
    if (!err)
        err = give_node(r, &rv);
    grant_put(g);
    return err;
}

static int do_revoke(struct sl_request *r)
{
    struct node *n = node_of(r);
    if (!n || n->kind != NODE_REVOKER)
        return n && n->kind == NODE_REVOKED ? SOS_ERR_REVOKED : SOS_ERR_WRONG_TYPE;
    if (r->len > sizeof(struct sos_msg_hdr))
        return SOS_ERR_INVALID_ARGS;
    uint32_t count = 0;
    for (struct node *m = g_st.nodes; m; m = m->next)
        if (m != n && m->kind != NODE_REVOKER && m->kind != NODE_REVOKED &&
            grant_under(m->grant, n->grant)) {
            m->kind = NODE_REVOKED;
            m->rights = 0;
            count++;
        }
    n->kind = NODE_REVOKED; /* done: it revokes once */
    sl_msg_put_u32(r->reply, count);
    return 0;
}

/* ---- directories */

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

static int do_readdir(struct sl_request *r)
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

static int do_stat(struct sl_request *r)
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

static int do_mkdir(struct sl_request *r) { return name_op(r, STORAGE_R_CREATE, true); }
static int do_unlink(struct sl_request *r) { return name_op(r, STORAGE_R_DELETE, false); }

static int do_rename(struct sl_request *r)
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

/* ---- files */

static int do_read(struct sl_request *r)
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

static int do_write(struct sl_request *r)
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

static int do_seek(struct sl_request *r)
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

static int do_truncate(struct sl_request *r)
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

static int do_node_sync(struct sl_request *r)
{
    int err = need(node_of(r), 0, 0);
    if (err)
        return err;
    return g_st.memory ? 0 : st_sync();
}

/* ---- the service connection */

static int do_sync(struct sl_request *r)
{
    struct sl_peer *peer = peer_of(r);
    if (!peer || !(peer->rights & (SOS_RIGHT_WRITE | SOS_RIGHT_MANAGE)))
        return SOS_ERR_ACCESS_DENIED;
    return g_st.memory ? 0 : st_sync();
}

static int do_mounts(struct sl_request *r)
{
    struct sl_peer *peer = peer_of(r);
    if (!peer || !(peer->rights & (SOS_RIGHT_READ | SOS_RIGHT_MANAGE)))
        return SOS_ERR_ACCESS_DENIED;
    struct sfs_statfs sf;
    sfs_statfs(g_st.fs, &sf);
    sl_msg_put_u32(r->reply, g_st.have_boot ? 2 : 1);
    sl_msg_put_str(r->reply, "/");
    sl_msg_put_str(r->reply, g_st.source);
    sl_msg_put_str(r->reply, "sosfs");
    sl_msg_put_u32(r->reply, (sf.read_only ? STORAGE_MOUNT_RO : 0) | (g_st.memory ? STORAGE_MOUNT_MEMORY : 0));
    if (g_st.have_boot) {
        sl_msg_put_str(r->reply, "/boot");
        sl_msg_put_str(r->reply, "bootstore");
        sl_msg_put_str(r->reply, "bundle");
        sl_msg_put_u32(r->reply, STORAGE_MOUNT_RO);
    }
    return 0;
}

static int do_df(struct sl_request *r)
{
    struct sl_peer *peer = peer_of(r);
    if (!peer || !(peer->rights & (SOS_RIGHT_READ | SOS_RIGHT_MANAGE)))
        return SOS_ERR_ACCESS_DENIED;
    struct sfs_statfs sf;
    sfs_statfs(g_st.fs, &sf);
    sl_msg_put_u64(r->reply, sf.blocks);
    sl_msg_put_u64(r->reply, sf.avail_blocks);
    sl_msg_put_u32(r->reply, sf.block_size);
    sl_msg_put_u64(r->reply, sf.inodes);
    sl_msg_put_u32(r->reply, (sf.read_only ? STORAGE_MOUNT_RO : 0) | (g_st.memory ? STORAGE_MOUNT_MEMORY : 0));
    sl_msg_put_str(r->reply, g_st.source);
    sl_msg_put_u64(r->reply, sf.reserved_blocks);
    return 0;
}

static int do_fsck(struct sl_request *r)
{
    struct sl_peer *peer = peer_of(r);
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint32_t flags = sl_parse_u32(&p);
    if (!peer || !(peer->rights & SOS_RIGHT_MANAGE))
        return SOS_ERR_ACCESS_DENIED;
    if (sl_parse_end(&p))
        return SOS_ERR_INVALID_ARGS;
    struct sfs_fsck *f = malloc(sizeof(*f));
    if (!f)
        return SOS_ERR_NO_MEMORY;
    int err;
    if (flags & STORAGE_FSCK_REPAIR) {
        err = st_repair(f);
    } else {
        err = sfs_sync(g_st.fs); /* check what is committed: everything, now */
        if (!err || sfs_broken_reason(g_st.fs))
            err = sfs_fsck(&g_st.dev, 0, f);
    }
    if (!err) {
        sl_msg_put_u32(r->reply, f->errors);
        sl_msg_put_u32(r->reply, f->repaired);
        sl_msg_put_u64(r->reply, f->files);
        sl_msg_put_u64(r->reply, f->dirs);
        sl_msg_put_u64(r->reply, f->data_blocks_checked);
        sl_msg_put_str(r->reply, f->log);
        sl_msg_put_u64(r->reply, f->lost);
        sl_msg_put_u64(r->reply, f->zeroed);
        sl_msg_put_u64(r->reply, f->adopted);
    }
    free(f);
    return err;
}

static int do_bench(struct sl_request *r)
{
    struct sl_peer *peer = peer_of(r);
    struct sl_parse p;
    sl_parse_begin(&p, r->bytes, r->len, NULL, 0, NULL);
    uint32_t mib = sl_parse_u32(&p);
    if (!peer || !(peer->rights & SOS_RIGHT_MANAGE))
        return SOS_ERR_ACCESS_DENIED;
    if (sl_parse_end(&p))
        return SOS_ERR_INVALID_ARGS;
    int64_t ns[4];
    int err = st_bench(mib, ns);
    for (int i = 0; i < 4 && !err; i++)
        sl_msg_put_u64(r->reply, (uint64_t)ns[i]);
    return err;
}

const struct sl_op g_storage_ops[] = {
    {STORAGE_BENCH, sizeof(struct sos_msg_hdr), do_bench},
    {STORAGE_OPEN, sizeof(struct sos_msg_hdr), do_storage_open},
    {STORAGE_MOUNTS, sizeof(struct sos_msg_hdr), do_mounts},
    {STORAGE_DF, sizeof(struct sos_msg_hdr), do_df},
    {STORAGE_FSCK, sizeof(struct sos_msg_hdr), do_fsck},
    {STORAGE_SYNC, sizeof(struct sos_msg_hdr), do_sync},
    {NODE_OPEN, sizeof(struct sos_msg_hdr), do_open},
    {NODE_CLONE, sizeof(struct sos_msg_hdr), do_clone},
    {NODE_READDIR, sizeof(struct sos_msg_hdr), do_readdir},
    {NODE_STAT, sizeof(struct sos_msg_hdr), do_stat},
    {NODE_MKDIR, sizeof(struct sos_msg_hdr), do_mkdir},
    {NODE_UNLINK, sizeof(struct sos_msg_hdr), do_unlink},
    {NODE_RENAME, sizeof(struct sos_msg_hdr), do_rename},
    {NODE_READ, sizeof(struct sos_msg_hdr), do_read},
    {NODE_WRITE, sizeof(struct sos_msg_hdr), do_write},
    {NODE_SEEK, sizeof(struct sos_msg_hdr), do_seek},
    {NODE_TRUNCATE, sizeof(struct sos_msg_hdr), do_truncate},
    {NODE_SYNC, sizeof(struct sos_msg_hdr), do_node_sync},
    {NODE_MINT, sizeof(struct sos_msg_hdr), do_mint},
    {NODE_REVOKE, sizeof(struct sos_msg_hdr), do_revoke},
};
const size_t g_storage_nops = sizeof(g_storage_ops) / sizeof(g_storage_ops[0]);
