/*
 * services/storage/storage.h - the storage service's state, shared by storage.c (start-up,
 * the disk, namespaces, commits) and ops*.c (the requests of proto/storage.h: ops.h).
 *
 * Layer: services (storage).
 */
#ifndef STORAGE_STORAGE_H
#define STORAGE_STORAGE_H

#include <sl/service.h>
#include <sl/sl.h>

#include <proto/storage.h>

#include "bundle.h"
#include "fs/sfs.h"

enum node_kind { NODE_DIR = 1, NODE_FILE = 2, NODE_BOOT = 3, NODE_REVOKER = 4, NODE_REVOKED = 5 };

/*
 * A revocation point (NODE_MINT): every handle minted under it, and every handle derived
 * from those (open, clone, mint), points to it through its chain of parents. Revoking it
 * turns all of them, whoever holds them, into NODE_REVOKED at once. Counted references:
 * nodes and child grants.
 */
struct grant {
    struct grant *parent;
    uint32_t refs;
};

/* What a handle (a channel to us) refers to; r->client of its channel. */
struct node {
    struct node *next;
    sos_handle_t ch;      /* our end */
    uint32_t kind;
    uint32_t rights;      /* STORAGE_R_* */
    uint32_t flags;       /* STORAGE_O_APPEND */
    bool top;             /* the top of the store: "/boot" leads into the boot store */
    uint64_t ino, gen;
    uint64_t pos;
    char entry[128];      /* NODE_BOOT: the bundle entry (file) or prefix (directory) */
    bool boot_dir;
    struct grant *grant;  /* the innermost revocation point it is under, or NULL */
};

struct storage {
    struct sl_server srv;
    struct sfs *fs;
    struct sfs_dev dev;
    char source[64];     /* "block0 sim-disk (64 MiB)", or "memory" */
    bool memory;
    bool have_boot;
    struct bundle boot;
    struct node *nodes;
    sos_handle_t commit_timer;
    bool commit_armed;
    uint64_t commits, commit_errors;
};

extern struct storage g_st;
extern const struct sl_op g_storage_ops[];
extern const size_t g_storage_nops;

/* ops.c */
extern sl_close_fn g_st_lib_close; /* services/lib's close hook, run after ours */
void st_on_close(struct sl_server *s, sos_handle_t ch, void *client);
/* storage.c: a change was made: commit within a second. */
void st_changed(void);
int st_sync(void);
/* STORAGE_FSCK_REPAIR: unmount, repair (r says what), mount again. */
int st_repair(struct sfs_fsck *r);
/* STORAGE_BENCH: ns for fs write, fs read, raw write, raw read of `mib` MiB. */
int st_bench(uint32_t mib, int64_t out[4]);

#endif
