/*
 * services/storage/ops.c - the requests of proto/storage.h: the dispatch table, and
 * what every handler uses (which node a request is for, the rights check, new handles,
 * revocation points).
 *
 * The handlers live by family: ops_open.c (handles), ops_dir.c (names in a directory),
 * ops_file.c (file I/O), ops_store.c (the store as a whole), ops_boot.c (the boot
 * store below "/boot"). Every handle is a channel whose requests carry the node it stands for (found by the
 * channel, never trusted from the message). Each handler checks the handle's rights
 * first, resolves paths below the handle's directory (resolve.c), and answers. A node
 * remembers its inode's generation: once the file or directory is deleted, the handle
 * only gets SOS_ERR_NOT_FOUND.
 *
 * Layer: services (storage).
 */
#include "ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolve.h"

sl_close_fn g_st_lib_close;

/* ---- nodes */

struct node *node_of(struct sl_request *r)
{
    for (struct node *n = g_st.nodes; n; n = n->next)
        if (n->ch == r->channel)
            return n;
    return NULL;
}

/* The connection's peer record, for requests that came on a service connection. */
struct sl_peer *peer_of(struct sl_request *r)
{
    if (node_of(r) || r->client == (void *)r->srv || !r->client)
        return NULL;
    return r->client;
}

/* ---- revocation points */

void grant_get(struct grant *g)
{
    if (g)
        g->refs++;
}

void grant_put(struct grant *g)
{
    while (g && --g->refs == 0) {
        struct grant *p = g->parent;
        free(g);
        g = p; /* the child's reference on its parent */
    }
}

bool grant_under(const struct grant *g, const struct grant *point)
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
int give_node(struct sl_request *r, const struct node *proto)
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
int live(const struct node *n, struct sfs_stat *st)
{
    int err = sfs_stat(g_st.fs, n->ino, st);
    if (!err && st->gen != n->gen)
        err = SOS_ERR_NOT_FOUND;
    return err;
}

int need(const struct node *n, uint32_t kind, uint32_t rights)
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
