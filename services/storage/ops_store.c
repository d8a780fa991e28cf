/*
 * services/storage/ops_store.c - the requests on the store as a whole, which come on the
 * service connection: STORAGE_SYNC, STORAGE_MOUNTS, STORAGE_DF, STORAGE_FSCK (with
 * --repair) and STORAGE_BENCH.
 *
 * Layer: services (storage), request handlers (dispatched from ops.c).
 */
#include "ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolve.h"

int do_sync(struct sl_request *r)
{
    struct sl_peer *peer = peer_of(r);
    if (!peer || !(peer->rights & (SOS_RIGHT_WRITE | SOS_RIGHT_MANAGE)))
        return SOS_ERR_ACCESS_DENIED;
    return g_st.memory ? 0 : st_sync();
}

int do_mounts(struct sl_request *r)
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

int do_df(struct sl_request *r)
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

int do_fsck(struct sl_request *r)
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

int do_bench(struct sl_request *r)
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
