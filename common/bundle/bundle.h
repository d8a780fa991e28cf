/*
 * bundle.h - the bootstore bundle: one versioned, integrity-checked file of manifests,
 * config, executables and data (docs/bootstore.md describes the bytes).
 *
 * Three layers, so each user links only what it needs:
 *   index reader (bundle_index.c + sha256.c): validates the header and the whole index,
 *     checks the SHA-256 digest, looks entries up and hands out the stored bytes of
 *     an entry. No allocation, no zlib: the kernel core can use it to find and start
 *     "bin/rootmgr", which mkbundle stores uncompressed for that reason.
 *   entry reader (bundle_read.c): inflates an entry into a caller buffer with zlib and
 *     verifies its CRC-32.
 *   writer (bundle_write.c): builds a bundle into a caller buffer (mkbundle, and later
 *     anyone who packs a bundle on the target).
 *
 * Every function that can fail returns 0 or a negative SOS_ERR_* and, given a struct
 * errmsg, says what is wrong in words. A bundle that opened without error is safe to
 * walk: every offset, size and name in it has been checked against its bounds.
 *
 * Layer: common (freestanding; built for the core, userspace and the host tools).
 */
#ifndef SOS_BUNDLE_H
#define SOS_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errmsg.h"
#include "../hash/sha256.h"

#define BUNDLE_MAGIC "SOSBUNDL" /* 8 bytes, no NUL */
#define BUNDLE_VERSION 1
#define BUNDLE_HEADER_SIZE 64
#define BUNDLE_RECORD_SIZE 32      /* one index entry */
#define BUNDLE_MAX_ENTRIES 4096
#define BUNDLE_MAX_NAME 255        /* bytes, without the NUL */
#define BUNDLE_STORED_ALIGN 4096   /* writer aligns stored entries to pages */
#define BUNDLE_MAX_RATIO 1100      /* size <= stored_size * ratio (zlib tops out ~1032) */

enum bundle_kind {
    BUNDLE_KIND_MANIFEST = 1,
    BUNDLE_KIND_CONFIG = 2,
    BUNDLE_KIND_EXECUTABLE = 3,
    BUNDLE_KIND_DATA = 4,
};

/* Entry flags. */
#define BUNDLE_FLAG_STORED 0x01u /* bytes kept as they are, not zlib-compressed */
#define BUNDLE_FLAGS_KNOWN 0x01u

/* An opened bundle: views into the caller's memory, which must outlive it. */
struct bundle {
    const uint8_t *base;
    uint32_t size;         /* bundle bytes (the header's bundle_size) */
    uint32_t count;        /* entries */
    const uint8_t *records;
    const uint8_t *names;
    uint32_t names_size;
    uint32_t index_end;    /* first byte after the name table */
    uint8_t digest[SHA256_SIZE];
};

/* One entry as the index describes it. name points into the bundle. */
struct bundle_entry {
    const char *name;
    uint32_t name_len;
    uint32_t index;        /* position in the index (entries sort by name) */
    uint8_t kind;          /* enum bundle_kind */
    uint8_t flags;         /* BUNDLE_FLAG_* */
    uint32_t offset;       /* of the stored bytes, from the start of the bundle */
    uint32_t stored_size;  /* bytes in the bundle */
    uint32_t size;         /* bytes once inflated */
    uint32_t crc32;        /* CRC-32 (zlib's) of the inflated bytes */
};

/* --- index reader: no allocation, no zlib ---------------------------------------- */

/* Validates header and index of data[0..len) (len may exceed the bundle, e.g. page
 * padding) and fills b. Does not check the digest: that is bundle_open. */
int bundle_open_index(struct bundle *b, const void *data, size_t len, struct errmsg *err);

/* bundle_open_index, then the SHA-256 digest over the whole bundle. */
int bundle_open(struct bundle *b, const void *data, size_t len, struct errmsg *err);

/* Recomputes the digest of an opened bundle and compares it with the header's. */
int bundle_verify_digest(const struct bundle *b, struct errmsg *err);

static inline uint32_t bundle_count(const struct bundle *b)
{
    return b->count;
}

/* Entry i of the index (0 <= i < count), in name order. */
int bundle_entry_at(const struct bundle *b, uint32_t i, struct bundle_entry *e);

/* Looks name up (binary search); SOS_ERR_NOT_FOUND when absent. */
int bundle_find(const struct bundle *b, const char *name, struct bundle_entry *e);

/* The entry's bytes as stored: its content when BUNDLE_FLAG_STORED, else zlib data. */
static inline const void *bundle_entry_data(const struct bundle *b,
                                            const struct bundle_entry *e)
{
    return b->base + e->offset;
}

/* "manifest", "config", "executable", "data"; "?" for anything else. */
const char *bundle_kind_name(unsigned kind);

/* The kind for a name as above, or 0. */
unsigned bundle_kind_parse(const char *name);

/* The kind a path implies: manifests/ -> manifest, config/ -> config,
 * bin/ -> executable, anything else -> data. */
unsigned bundle_kind_for_path(const char *name);

/* 0 if name is a valid entry name (1..255 bytes of [A-Za-z0-9._+-] in '/'-separated
 * components, none empty, "." or ".."), else SOS_ERR_INVALID_ARGS with the reason. */
int bundle_check_name(const char *name, size_t len, struct errmsg *err);

/* --- entry reader (zlib) ------------------------------------------------------------ */

/* Inflates (or copies, for stored entries) entry e into buf[0..cap) and verifies its
 * size and CRC-32. cap must be at least e->size. On error buf holds no valid data. */
int bundle_read(const struct bundle *b, const struct bundle_entry *e, void *buf, size_t cap,
                struct errmsg *err);

/* --- writer (zlib) ------------------------------------------------------------------ */

struct bundle_input {
    const char *name;      /* entry name, see bundle_check_name */
    unsigned kind;         /* enum bundle_kind */
    unsigned flags;        /* BUNDLE_FLAG_STORED or 0 */
    const void *data;
    size_t size;
};

/* Bytes that bundle_write needs at most for these inputs; 0 if the inputs could not
 * fit the format at all (too many, too large). */
size_t bundle_write_bound(const struct bundle_input *in, size_t n);

/* Writes a bundle of in[0..n) into out[0..cap) and sets *written. Sorts in[] by name
 * (the index is in name order). Rejects bad names, duplicates, unknown kinds or flags,
 * and entries over 4 GiB, each with its message. zlib level 9; deterministic. */
int bundle_write(struct bundle_input *in, size_t n, void *out, size_t cap, size_t *written,
                 struct errmsg *err);

#endif
