/*
 * services/storage/ops.h - what the request handlers of the storage service share:
 * the handle helpers and revocation points (ops.c), the boot store (ops_boot.c) and the
 * do_<request> handlers of each family, which ops.c's dispatch table names.
 *
 * Layer: services (storage).
 */
#ifndef STORAGE_OPS_H
#define STORAGE_OPS_H

#include "storage.h"

/* ops.c */
/* A new handle on `proto` (copied): our end is served, the other goes in the reply. */
int give_node(struct sl_request *r, const struct node *proto);
void grant_get(struct grant *g);
void grant_put(struct grant *g);
bool grant_under(const struct grant *g, const struct grant *point);
/* The node's inode, if it still is the one the handle was opened on. */
int live(const struct node *n, struct sfs_stat *st);
/* 0 if the handle is live, of `kind` (0: any) and holds `rights`; else why not. */
int need(const struct node *n, uint32_t kind, uint32_t rights);
struct node *node_of(struct sl_request *r);
/* The connection's peer record, for requests that came on a service connection. */
struct sl_peer *peer_of(struct sl_request *r);

/* ops_boot.c */
/* Does `path` (below the top) lead into the boot store? *rest gets what follows "boot". */
bool boot_path(const struct node *n, const char *path, const char **rest);
int open_boot(struct sl_request *r, const struct node *base, const char *rest, uint32_t rights);
int read_boot(struct sl_request *r, struct node *n, uint64_t off, uint32_t len);
/* The direct children of boot-store prefix `prefix`, in one reply. */
int readdir_boot(struct sl_request *r, const char *prefix);

/* ops_open.c */
int do_clone(struct sl_request *r);
int do_mint(struct sl_request *r);
int do_open(struct sl_request *r);
int do_revoke(struct sl_request *r);
int do_storage_open(struct sl_request *r);

/* ops_dir.c */
int do_mkdir(struct sl_request *r);
int do_readdir(struct sl_request *r);
int do_rename(struct sl_request *r);
int do_stat(struct sl_request *r);
int do_unlink(struct sl_request *r);

/* ops_file.c */
int do_node_sync(struct sl_request *r);
int do_read(struct sl_request *r);
int do_seek(struct sl_request *r);
int do_truncate(struct sl_request *r);
int do_write(struct sl_request *r);

/* ops_store.c */
int do_bench(struct sl_request *r);
int do_df(struct sl_request *r);
int do_fsck(struct sl_request *r);
int do_mounts(struct sl_request *r);
int do_sync(struct sl_request *r);

#endif
