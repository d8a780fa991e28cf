/*
 * pkgdb.h - the package service's state: installed packages in generations, changed by
 * transactions that survive a power cut at any write (docs/packages.md).
 *
 * The state lives in one directory (the service's storage resource), reached only
 * through struct pkg_store, so the same code runs over the storage service in the
 * image and over sosfs or a memory model in the host tests:
 *
 *   current              the generation pointer: "N\n", replaced by rename
 *   gen/N                generation N: number, parent, reason, and the installed set
 *                        as index lines (common/pkg pkg_index: name, version, arch,
 *                        SHA-256 and size of the package file, dependencies)
 *   cache/<sha256>.pkg   every package file a kept generation uses, named by its hash
 *   objects/<sha256>     every installed file's content, named by its hash
 *
 * A change (install, update, remove, rollback) checks everything first (dependencies
 * resolved, package files fetched within their announced size, hashed, opened, every
 * file inflated and hashed, no path claimed twice), then writes the new generation's
 * files under names nothing refers to yet (each written as NAME.tmp and renamed),
 * syncs, and only then replaces `current` (write current.tmp, rename, sync). A cut
 * before that rename leaves the previous generation in charge with some unreferenced
 * files; a cut after it, the new one, complete. Repositories are read through struct
 * pkg_fetch, whose first backend reads a storage directory (fetch_storage.c) and whose
 * second will be HTTP.
 *
 * Layer: services (package service; also compiled for host tests).
 */
#ifndef SOS_PKGDB_H
#define SOS_PKGDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkg.h"

/* Where the state lives. Paths are relative to the state directory, '/'-separated,
 * one level of directory (gen/, cache/, objects/). Every call returns 0 or SOS_ERR_*. */
struct pkg_store {
    void *ctx;
    /* The whole file in a malloc'd buffer (*out, free it); SOS_ERR_NOT_FOUND if absent,
     * SOS_ERR_OUT_OF_RANGE if larger than max. */
    int (*read)(void *ctx, const char *path, size_t max, uint8_t **out, size_t *len);
    /* Creates or replaces path with data (not atomic, not durable: callers write a
     * .tmp name and rename). */
    int (*write)(void *ctx, const char *path, const void *data, size_t len);
    /* Atomic: afterwards to is the old from; replaces an existing to. */
    int (*rename)(void *ctx, const char *from, const char *to);
    /* SOS_ERR_NOT_FOUND if absent. */
    int (*remove)(void *ctx, const char *path);
    /* fn once per entry name of directory dir (a missing dir has none). */
    int (*list)(void *ctx, const char *dir, void (*fn)(void *arg, const char *name),
                void *arg);
    /* Every change before it is durable. */
    int (*sync)(void *ctx);
};

/* Receives fetched bytes in order; a non-zero return stops the fetch with that error. */
struct pkg_sink {
    void *ctx;
    int (*data)(void *ctx, const void *buf, size_t len);
};

/* A repository: fetch(ctx, path, max_len, sink) hands the file at path (relative to
 * the repository: "index", "packages/x-1.pkg") to sink, and must stop with
 * SOS_ERR_OUT_OF_RANGE rather than deliver more than max_len bytes. Backends: a
 * storage directory (fetch_storage.c), and later HTTP. */
struct pkg_fetch {
    void *ctx;
    int (*fetch)(void *ctx, const char *path, size_t max_len, const struct pkg_sink *sink);
};

/* Fetches path whole into a malloc'd buffer of at most max_len bytes. */
int pkg_fetch_all(const struct pkg_fetch *f, const char *path, size_t max_len,
                  uint8_t **out, size_t *len, struct errmsg *err);

/* One generation. */
struct pkg_gen {
    uint32_t number;       /* 0: nothing ever installed */
    uint32_t parent;       /* the generation rollback returns to (0: none) */
    char reason[PKG_TEXT_MAX + 1];
    struct pkg_index set;  /* installed packages, one version of each, by name */
};

/* What the service does around a change (activation of packaged services); each may
 * be NULL (the host tests). */
struct pkgdb_hooks {
    void *ctx;
    /* A package about to be installed, checked but nothing written: an error refuses
     * the whole change. */
    int (*admit)(void *ctx, const struct pkg *p, struct errmsg *err);
    /* A package about to be removed: called before the commit (its services stop). */
    void (*leaving)(void *ctx, const struct pkg_avail *a);
    /* A new generation is current; old is the one before it. */
    void (*changed)(void *ctx, const struct pkg_gen *old, const struct pkg_gen *cur);
};

struct pkgdb {
    const struct pkg_store *st;
    char arch[PKG_ARCH_MAX + 1];
    struct pkg_gen cur;
    struct pkgdb_hooks hooks;
};

/* Loads the current generation (none yet: an empty generation 0) and removes
 * leftovers of interrupted changes (*.tmp). */
int pkgdb_open(struct pkgdb *db, const struct pkg_store *st, const char *arch,
               struct errmsg *err);

/* Installs name (at *want, or the newest that fits) with its dependencies from the
 * repository whose index is repo, fetching through f; or updates it when installed.
 * SOS_ERR_ALREADY_EXISTS when nothing would change. */
int pkgdb_install(struct pkgdb *db, const struct pkg_index *repo, const struct pkg_fetch *f,
                  const char *name, const struct pkg_version *want, struct errmsg *err);

/* Removes name (refused while another installed package depends on it). */
int pkgdb_remove(struct pkgdb *db, const char *name, struct errmsg *err);

/* A new generation with the packages of the current one's parent. */
int pkgdb_rollback(struct pkgdb *db, struct errmsg *err);

/* Generation n (1..current) into g. */
int pkgdb_load_gen(const struct pkgdb *db, uint32_t n, struct pkg_gen *g, struct errmsg *err);

/* Checks every installed file against its hash; report(ctx, package, path, what) for
 * each bad one. Returns the number of bad files, or an error. */
typedef void (*pkgdb_report_fn)(void *ctx, const char *pkg, const char *path, const char *what);
int pkgdb_verify(struct pkgdb *db, pkgdb_report_fn report, void *ctx, struct errmsg *err);

/* Rewrites every installed file that fails verify from its cached package. Returns the
 * number repaired, or an error (a cached package that is itself damaged). */
int pkgdb_repair(struct pkgdb *db, pkgdb_report_fn report, void *ctx, struct errmsg *err);

/* Removes cached packages and objects that neither the current generation nor its
 * parent uses. Returns the number of files removed. */
int pkgdb_gc(struct pkgdb *db, struct errmsg *err);

/* --- internals shared by the pkgdb files (gen.c, txn.c, check.c) -------------------- */

/* Writes the new generation g (number = current + 1) and flips the pointer to it;
 * the packages it adds are in pkgs[0..n) (bytes of package files, already checked). */
struct pkgdb_new {
    const struct pkg_avail *avail;
    const uint8_t *data;
    size_t size;
};
int pkgdb_commit(struct pkgdb *db, struct pkg_gen *g, const struct pkgdb_new *pkgs, size_t n,
                 struct errmsg *err);

/* "cache/<hex>.pkg" and "objects/<hex>" into buf (at least 96 bytes). */
void pkgdb_cache_path(const uint8_t sha[SHA256_SIZE], char *buf);
void pkgdb_object_path(const uint8_t sha[SHA256_SIZE], char *buf);

/* Reads and opens the cached package of a: *data is malloc'd (free it after p). */
int pkgdb_load_pkg(const struct pkgdb *db, const struct pkg_avail *a, uint8_t **data,
                   struct pkg *p, struct errmsg *err);

#endif
