/*
 * services/storage/ops_open.c - the requests that make handles: STORAGE_OPEN (a
 * service's own directory), NODE_OPEN (a path below a directory handle, confined to it
 * by resolve.c), NODE_CLONE (the same node with fewer rights), NODE_MINT (a handle under
 * a new revocation point) and NODE_REVOKE (turning every handle under one into
 * NODE_REVOKED).
 *
 * Layer: services (storage), request handlers (dispatched from ops.c).
 */
#include "ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolve.h"

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

int do_storage_open(struct sl_request *r)
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

int do_open(struct sl_request *r)
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

int do_clone(struct sl_request *r)
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

int do_mint(struct sl_request *r)
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

int do_revoke(struct sl_request *r)
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
