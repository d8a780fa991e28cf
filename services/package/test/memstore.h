/*
 * memstore.h - a struct pkg_store in memory for the package service's host tests, with
 * a log of every change so a test can rebuild what a power cut at any point would have
 * left on a store with the storage service's guarantees (docs/storage.md: each
 * operation whole or absent, in order; everything before a sync durable).
 * Also a struct pkg_fetch over another memstore (a repository in memory).
 *
 * Layer: services host tests (never in an image).
 */
#ifndef PKG_TEST_MEMSTORE_H
#define PKG_TEST_MEMSTORE_H

#include "../pkgdb.h"

enum { MOP_WRITE = 1, MOP_RENAME, MOP_REMOVE, MOP_SYNC };

struct mop {
    int kind;
    char a[128], b[128];
    uint8_t *data;
    size_t len;
};

struct mfile {
    char path[128];
    uint8_t *data;
    size_t len;
};

struct memstore {
    struct pkg_store store;  /* ops over this memstore */
    struct pkg_fetch fetch;  /* the same files as a repository */
    struct mfile *f;
    size_t n, cap;
    struct mop *log;         /* every change since memstore_log_start */
    size_t nlog, cap_log;
    bool logging;
    long fail_at;            /* the Nth change (1-based) fails with SOS_ERR_IO; 0: never */
    long changes;
};

void memstore_init(struct memstore *m);
void memstore_free(struct memstore *m);
/* A copy of m's files (no log) into a fresh store c. */
void memstore_copy(struct memstore *c, const struct memstore *m);
/* Starts logging changes (forgetting earlier ones). */
void memstore_log_start(struct memstore *m);
/* Applies a logged change to m. */
void memstore_apply(struct memstore *m, const struct mop *op);
/* Adds or replaces a file directly (test setup). */
void memstore_put(struct memstore *m, const char *path, const void *data, size_t len);
/* The file at path, or NULL. */
struct mfile *memstore_get(struct memstore *m, const char *path);
/* True when a and b hold the same files with the same bytes. */
bool memstore_equal(const struct memstore *a, const struct memstore *b);

#endif
