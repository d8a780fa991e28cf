/*
 * pkg_tuf.h - TUF's four roles over the signed-metadata envelope (pkg_meta.h) and the
 * client's update procedure, which ends in a repository index the client can trust
 * (docs/packages.md, "TUF").
 *
 *   root       key=<public key hex>               the keys
 *              role_keys=<role> <threshold> <keyid>[,<keyid>...]   for root, targets,
 *                                                 snapshot and timestamp
 *   timestamp  meta=snapshot <version> <sha256> <size>
 *   snapshot   meta=targets <version> <sha256> <size>
 *   targets    target=index <sha256> <size>       (the index pins every package file)
 *
 * tuf_update, from a trusted root and the versions trusted so far: takes every next
 * root (N+1 must be signed by a threshold of N's root keys and of its own; a key N+1
 * leaves out is revoked), then the timestamp (at most TUF_TIMESTAMP_MAX bytes), the
 * snapshot and the targets (each exactly the length and hash the role above gives,
 * with the version it gives), then the index (the targets' hash and length). Every
 * file is checked for its role's threshold, version (no rollback) and expiry (no
 * freeze). A refusal names the attack; nothing trusted changes unless all of it
 * passes.
 *
 * Consistent snapshots (a root with consistent_snapshot=true): the snapshot and targets
 * are fetched as "N.snapshot" and "N.targets" (N: the version the role above announces)
 * and the index as "<sha256>.index", so a mirror can publish a new snapshot beside the
 * old one while clients read; the timestamp and roots keep their names (timestamp,
 * root.N). A target below the index, a package file, is then "<dir>/<sha256>.<file>"
 * (tuf_target_name).
 *
 * Layer: common (freestanding; built for userspace and the host tools).
 */
#ifndef SOS_PKG_TUF_H
#define SOS_PKG_TUF_H

#include "pkg_meta.h"

#define TUF_MAX_KEYS 16
#define TUF_TIMESTAMP_MAX 4096
#define TUF_ROOT_MAX 16384
#define TUF_MAX_ROOT_STEPS 16

enum tuf_role { TUF_ROOT, TUF_TARGETS, TUF_SNAPSHOT, TUF_TIMESTAMP, TUF_ROLES };

struct tuf_role_keys {
    uint32_t threshold;
    uint8_t ids[TUF_MAX_KEYS][META_KEYID_SIZE];
    uint32_t nids;
};

struct tuf_root {
    uint32_t version;
    uint32_t consistent_snapshot; /* 1: files named by version or hash (below) */
    uint64_t expires;
    struct meta_key keys[TUF_MAX_KEYS];
    uint32_t nkeys;
    struct tuf_role_keys role[TUF_ROLES];
};

/* What the client trusts between updates. */
struct tuf_state {
    struct tuf_root root;
    uint32_t version[TUF_ROLES]; /* highest trusted version of each role (root: root.version) */
};

/* Fetches repository file `name` ("root.3", "timestamp", "snapshot", "targets",
 * "index") into buf[0..cap): 0 and *len, SOS_ERR_NOT_FOUND, or SOS_ERR_OUT_OF_RANGE
 * when the file is longer than cap (the caller's limit: never more is read). */
typedef int (*tuf_get_fn)(void *ctx, const char *name, char *buf, size_t cap, size_t *len);

/* Parses and checks a root file as the first root (self-signed by its own threshold):
 * what ships in the boot store. */
int tuf_root_load(const char *text, size_t len, uint64_t now, meta_verify_fn verify,
                  struct tuf_state *st, struct errmsg *err);

/* The update procedure above. buf[0..cap) is the working buffer (at least the largest
 * file); on success *index and *index_len give the index's bytes inside buf and st is
 * updated; on failure st is unchanged. */
int tuf_update(struct tuf_state *st, tuf_get_fn get, void *ctx, uint64_t now,
               meta_verify_fn verify, char *buf, size_t cap, const char **index,
               size_t *index_len, struct errmsg *err);

/* The name to fetch a target at path (e.g. packages/hello-1.1.pkg) whose SHA-256 is
 * sha under root: path itself, or with consistent snapshots packages/<hex>.hello-1.1.pkg.
 * SOS_ERR_BUFFER_TOO_SMALL when it does not fit in size bytes. */
int tuf_target_name(const struct tuf_root *root, const char *path, const uint8_t sha[32],
                    char *out, size_t size);

#endif
