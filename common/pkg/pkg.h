/*
 * pkg.h - the package format: one file per package version (docs/packages.md).
 *
 * A package is a boot-store bundle (common/bundle, docs/bootstore.md) with a fixed
 * layout, so the container, its SHA-256 digest, zlib and the index checks are the ones
 * the boot store already uses and fuzzes:
 *
 *   package.info        the package manifest: key=value text naming the package, its
 *                       version, architecture, description, dependencies with version
 *                       ranges, and one `file=` line per installed file: path, kind
 *                       (what the file provides: a service manifest, a program image,
 *                       a config default or data), SHA-256 and size
 *   objects/<sha256>    one zlib-compressed entry per distinct file content, named by
 *                       the hex SHA-256 of the content (content-addressed: two files
 *                       with the same bytes share one object)
 *
 * pkg_open checks the container, parses the manifest and cross-checks it with the
 * objects (every file has its object with the declared size, every object is used);
 * pkg_read_file inflates one file and checks its SHA-256. A repository signs the hash
 * of the whole package file (docs/packages.md, "Trust"), which covers the manifest and,
 * through its per-file hashes, every byte installed.
 *
 * Versions are dotted numbers ("1", "1.2", "10.0.3"), compared numerically component
 * by component, a missing component counting as 0. A dependency is a package name and
 * up to four constraints (=, >=, >, <=, <) that must all hold.
 *
 * All storage is fixed-size and caller-owned; no allocation.
 *
 * Layer: common (freestanding; built for userspace and the host tools).
 */
#ifndef SOS_PKG_H
#define SOS_PKG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../bundle/bundle.h"
#include "../bundle/errmsg.h"

#define PKG_FORMAT 1
#define PKG_INFO_ENTRY "package.info"
#define PKG_OBJECT_PREFIX "objects/"
#define PKG_NAME_MAX 31       /* package names: 1-31 of [a-z0-9_+.-], a letter first */
#define PKG_VERSION_MAX 23    /* bytes of the version text */
#define PKG_VERSION_PARTS 4   /* numeric components */
#define PKG_ARCH_MAX 15
#define PKG_TEXT_MAX 79       /* description */
#define PKG_PATH_MAX 95       /* installed path, a bundle entry name */
#define PKG_MAX_FILES 64
#define PKG_MAX_DEPENDS 16
#define PKG_MAX_CONSTRAINTS 4
#define PKG_INFO_MAX 16384    /* bytes of package.info */
#define PKG_HEX_SIZE (2 * SHA256_SIZE)

/* A version: up to PKG_VERSION_PARTS numbers, each below 2^31. */
struct pkg_version {
    uint32_t part[PKG_VERSION_PARTS];
    uint8_t count;
};

enum pkg_op { PKG_OP_EQ = 1, PKG_OP_GE, PKG_OP_GT, PKG_OP_LE, PKG_OP_LT };

struct pkg_constraint {
    uint8_t op;                 /* enum pkg_op */
    struct pkg_version version;
};

struct pkg_dep {
    char name[PKG_NAME_MAX + 1];
    struct pkg_constraint c[PKG_MAX_CONSTRAINTS];
    uint8_t count;              /* 0: any version */
};

/* One installed file. kind is a bundle kind: manifest (a service the package provides),
 * executable (a program image), config (a config default), data. */
struct pkg_file {
    char path[PKG_PATH_MAX + 1];
    uint8_t kind;
    uint8_t sha256[SHA256_SIZE];
    uint32_t size;
};

struct pkg_info {
    char name[PKG_NAME_MAX + 1];
    char version_text[PKG_VERSION_MAX + 1];
    struct pkg_version version;
    char arch[PKG_ARCH_MAX + 1];   /* "any", "x86_64", "aarch64" */
    char description[PKG_TEXT_MAX + 1];
    struct pkg_dep dep[PKG_MAX_DEPENDS];
    uint32_t dep_count;
    struct pkg_file file[PKG_MAX_FILES];
    uint32_t file_count;
};

/* An opened package: the bundle (views into the caller's bytes) and the parsed manifest. */
struct pkg {
    struct bundle bundle;
    struct pkg_info info;
};

/* --- versions and constraints (pkg_version.c) ------------------------------------- */

/* Parses "1.2.3" (1..4 components of decimal digits, no leading '+' or '-', each below
 * 2^31, no leading zeros except "0"). len bytes of s; 0 or SOS_ERR_INVALID_ARGS. */
int pkg_version_parse(const char *s, size_t len, struct pkg_version *v, struct errmsg *err);

/* <0, 0, >0 as a is older, the same as, newer than b ("1.0" == "1"). */
int pkg_version_cmp(const struct pkg_version *a, const struct pkg_version *b);

/* Writes "1.2.3" into buf (always terminated). */
void pkg_version_format(const struct pkg_version *v, char *buf, size_t size);

/* True when v meets every constraint of d. */
bool pkg_dep_matches(const struct pkg_dep *d, const struct pkg_version *v);

/* Parses "name" or "name >=1.0 <2" (constraints separated by blanks; an operator may be
 * followed by blanks). */
int pkg_dep_parse(const char *s, size_t len, struct pkg_dep *d, struct errmsg *err);

/* Writes "name >=1.0 <2" into buf. */
void pkg_dep_format(const struct pkg_dep *d, char *buf, size_t size);

/* 0 if s is a valid package name, else SOS_ERR_INVALID_ARGS with the reason. */
int pkg_check_name(const char *s, size_t len, struct errmsg *err);

/* --- the manifest (pkg_info.c) ------------------------------------------------------ */

/* Parses package.info text into info (overwritten). Errors say "package.info:LINE: ...". */
int pkg_info_parse(const char *text, size_t len, struct pkg_info *info, struct errmsg *err);

/* Writes info as package.info text (the form pkg_info_parse reads back the same) into
 * out[0..cap); sets *written. SOS_ERR_BUFFER_TOO_SMALL when it does not fit. */
int pkg_info_format(const struct pkg_info *info, char *out, size_t cap, size_t *written);

/* The file of info at path, or NULL. */
const struct pkg_file *pkg_info_file(const struct pkg_info *info, const char *path);

/* Lower-case hex of a SHA-256 into hex[PKG_HEX_SIZE + 1]. */
void pkg_hex(const uint8_t sha[SHA256_SIZE], char hex[PKG_HEX_SIZE + 1]);

/* --- package files (pkg_file.c) ----------------------------------------------------- */

/* Opens a package in data[0..len): the bundle with its digest, the manifest, and the
 * manifest against the objects. p points into data, which must outlive it. */
int pkg_open(struct pkg *p, const void *data, size_t len, struct errmsg *err);

/* Inflates file f of p into buf[0..cap) and checks its size and SHA-256. */
int pkg_read_file(const struct pkg *p, const struct pkg_file *f, void *buf, size_t cap,
                  struct errmsg *err);

/* --- repository index (pkg_index.c) --------------------------------------------------- */

#define PKG_INDEX_MAX 64      /* packages (all versions) one index lists */
#define PKG_INDEX_TEXT_MAX 65536
#define PKG_REPO_PATH_MAX 95

/* One package version a repository offers. */
struct pkg_avail {
    char name[PKG_NAME_MAX + 1];
    char version_text[PKG_VERSION_MAX + 1];
    struct pkg_version version;
    char arch[PKG_ARCH_MAX + 1];
    uint8_t sha256[SHA256_SIZE];  /* of the whole package file */
    uint32_t size;                /* bytes of the package file */
    char path[PKG_REPO_PATH_MAX + 1]; /* in the repository: packages/<name>-<version>.pkg */
    char description[PKG_TEXT_MAX + 1];
    struct pkg_dep dep[PKG_MAX_DEPENDS];
    uint32_t dep_count;
    uint8_t channel;              /* enum pkg_channel: the channel that offers it */
};

/* Channels, in order: a client following one sees the packages of it and of every
 * channel before it (testing sees stable's too). An index entry without channel= is
 * on stable. */
enum pkg_channel { PKG_CHANNEL_STABLE, PKG_CHANNEL_TESTING, PKG_CHANNELS };

/* "stable", "testing"; the channel called name[0..len), or -1. */
const char *pkg_channel_name(unsigned channel);
int pkg_channel_parse(const char *name, size_t len);

struct pkg_index {
    struct pkg_avail pkg[PKG_INDEX_MAX];
    uint32_t count;
};

/* Parses a repository index (sospkg repo writes it; docs/packages.md). Entries are in
 * name and version order with no version twice; depends= and description= lines name
 * a package= above them. Errors say "index:LINE: ...". */
int pkg_index_parse(const char *text, size_t len, struct pkg_index *ix, struct errmsg *err);

/* The same, handing every line whose key the index does not know to extra(ctx, key,
 * key length, value, value length, err), which returns 0 or an error with its message
 * in err (the line number is put in front). A record that embeds
 * an index, like the package service's generations, keeps its own keys so). */
int pkg_index_parse_ext(const char *text, size_t len, struct pkg_index *ix,
                        int (*extra)(void *ctx, const char *k, size_t kl, const char *v,
                                     size_t vn, struct errmsg *err),
                        void *ctx, struct errmsg *err);

/* Writes ix as index text (what pkg_index_parse reads back the same) into out[0..cap);
 * sets *written. SOS_ERR_BUFFER_TOO_SMALL when it does not fit. */
int pkg_index_format(const struct pkg_index *ix, char *out, size_t cap, size_t *written);

/* The entry for name at exactly version v, or at the newest version when v is NULL. */
const struct pkg_avail *pkg_index_find(const struct pkg_index *ix, const char *name,
                                       const struct pkg_version *v);

/* --- dependency resolution (pkg_resolve.c) ----------------------------------------- */

#define PKG_MAX_INSTALLED 64

/* An installed package as the resolver sees it. */
struct pkg_have {
    char name[PKG_NAME_MAX + 1];
    struct pkg_version version;
    struct pkg_dep dep[PKG_MAX_DEPENDS];
    uint32_t dep_count;
};

/* What to do: the index entries to install or replace, dependencies before the
 * packages that need them. */
struct pkg_plan {
    const struct pkg_avail *step[PKG_INDEX_MAX];
    uint32_t count;
};

/* Plans installing (or updating to) name, at exactly *want when want is not NULL, else
 * at the newest version that fits, with every dependency, on a machine of architecture
 * arch that has have[0..n). Nothing installed may be left with a dependency it no
 * longer meets. Chooses the newest version of each package that meets every constraint
 * on it (no backtracking: docs/packages.md). */
int pkg_resolve(const struct pkg_index *ix, const struct pkg_have *have, uint32_t n,
                const char *name, const struct pkg_version *want, const char *arch,
                struct pkg_plan *plan, struct errmsg *err);

/* 0 if name can be removed from have[0..n): no other installed package depends on it;
 * else SOS_ERR_BAD_STATE naming the one that does. */
int pkg_check_remove(const struct pkg_have *have, uint32_t n, const char *name,
                     struct errmsg *err);

/* --- writing (pkg_write.c; host tools and tests) ----------------------------------- */

struct pkg_write_input {
    const char *path;      /* installed path, a valid bundle entry name */
    unsigned kind;         /* enum bundle_kind: what the file provides */
    const void *data;
    size_t size;
};

/* Bytes pkg_write needs at most for these files; 0 if they cannot fit the format. */
size_t pkg_write_bound(const struct pkg_write_input *in, size_t n);

/* Fills info->file[] from in[0..n) (hashing each) and writes the package into
 * out[0..cap), setting *written. The rest of info (name, version, arch, description,
 * dependencies) is the caller's and is checked by parsing the manifest text back.
 * Deterministic. Not reentrant (a static scratch manifest): host tools and tests. */
int pkg_write(struct pkg_info *info, const struct pkg_write_input *in, size_t n, void *out,
              size_t cap, size_t *written, struct errmsg *err);

#endif
