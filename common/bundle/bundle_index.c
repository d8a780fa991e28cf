/*
 * bundle_index.c - the index reader: header and index validation, digest, lookup.
 *
 * Everything a reader later trusts is checked here, once, in one pass: the header
 * fields, that the index and every entry's data lie inside the bundle, that names are
 * NUL-terminated, well formed and strictly sorted (so unique, and found by binary
 * search), and that entries' data follow the index in index order without overlap. The
 * order rules make each check O(1) per entry with no allocation, which is what lets the
 * kernel core run this file before any allocator exists.
 *
 * Layer: common (freestanding; built for the core, userspace and the host tools). No zlib.
 */
#include "bundle.h"

#include <sos/errors.h>

#include "hash/hex.h"

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Header field offsets (docs/bootstore.md). */
enum {
    H_MAGIC = 0,
    H_VERSION = 8,
    H_HEADER_SIZE = 10,
    H_FLAGS = 12,
    H_COUNT = 16,
    H_INDEX_OFFSET = 20,
    H_NAMES_SIZE = 24,
    H_BUNDLE_SIZE = 28,
    H_DIGEST = 32,
};

/* Index record field offsets. */
enum {
    R_NAME_OFFSET = 0,
    R_NAME_LEN = 4,
    R_KIND = 6,
    R_FLAGS = 7,
    R_OFFSET = 8,
    R_STORED_SIZE = 12,
    R_SIZE = 16,
    R_CRC32 = 20,
    R_RESERVED = 24,
};

const char *bundle_kind_name(unsigned kind)
{
    switch (kind) {
    case BUNDLE_KIND_MANIFEST:
        return "manifest";
    case BUNDLE_KIND_CONFIG:
        return "config";
    case BUNDLE_KIND_EXECUTABLE:
        return "executable";
    case BUNDLE_KIND_DATA:
        return "data";
    default:
        return "?";
    }
}

static bool str_eq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static bool has_prefix(const char *s, const char *prefix)
{
    while (*prefix)
        if (*s++ != *prefix++)
            return false;
    return true;
}

unsigned bundle_kind_parse(const char *name)
{
    for (unsigned k = BUNDLE_KIND_MANIFEST; k <= BUNDLE_KIND_DATA; k++)
        if (str_eq(name, bundle_kind_name(k)))
            return k;
    return 0;
}

unsigned bundle_kind_for_path(const char *name)
{
    if (has_prefix(name, "manifests/"))
        return BUNDLE_KIND_MANIFEST;
    if (has_prefix(name, "config/"))
        return BUNDLE_KIND_CONFIG;
    if (has_prefix(name, "bin/"))
        return BUNDLE_KIND_EXECUTABLE;
    return BUNDLE_KIND_DATA;
}

static bool name_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-' || c == '+';
}

/* Checks one '/'-separated component name[0..n). */
static int check_component(const char *name, size_t len, size_t start, size_t n,
                           struct errmsg *err)
{
    char shown[96]; /* enough for a message; longer names are cut */
    if (n == 0)
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "name '%s' has an empty path component",
                          errmsg_printable(shown, sizeof shown, name, len));
    if ((n == 1 && name[start] == '.') || (n == 2 && name[start] == '.' && name[start + 1] == '.'))
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "name '%s' has a '.' or '..' component",
                          errmsg_printable(shown, sizeof shown, name, len));
    for (size_t i = start; i < start + n; i++)
        if (!name_char_ok(name[i]))
            return errmsg_set(err, SOS_ERR_INVALID_ARGS,
                              "name '%s' has invalid character 0x%02x at %zu",
                              errmsg_printable(shown, sizeof shown, name, len),
                              (unsigned char)name[i], i);
    return 0;
}

int bundle_check_name(const char *name, size_t len, struct errmsg *err)
{
    if (len == 0)
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "empty name");
    if (len > BUNDLE_MAX_NAME)
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "name of %zu bytes is too long (limit %u)",
                          len, BUNDLE_MAX_NAME);
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && name[i] != '/')
            continue;
        int rc = check_component(name, len, start, i - start, err);
        if (rc)
            return rc;
        start = i + 1;
    }
    return 0;
}

/* Compares a[0..alen) with b[0..blen) bytewise, shorter first on a tie. */
static int name_cmp(const uint8_t *a, uint32_t alen, const uint8_t *b, uint32_t blen)
{
    uint32_t n = alen < blen ? alen : blen;
    for (uint32_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return alen < blen ? -1 : alen > blen ? 1 : 0;
}

static void record_decode(const struct bundle *b, uint32_t i, struct bundle_entry *e)
{
    const uint8_t *r = b->records + (size_t)i * BUNDLE_RECORD_SIZE;
    e->name = (const char *)b->names + get32(r + R_NAME_OFFSET);
    e->name_len = get16(r + R_NAME_LEN);
    e->index = i;
    e->kind = r[R_KIND];
    e->flags = r[R_FLAGS];
    e->offset = get32(r + R_OFFSET);
    e->stored_size = get32(r + R_STORED_SIZE);
    e->size = get32(r + R_SIZE);
    e->crc32 = get32(r + R_CRC32);
}

static int check_header(const uint8_t *p, size_t len, struct errmsg *err)
{
    char shown[8 * 4 + 1];
    if (len < BUNDLE_HEADER_SIZE)
        return errmsg_set(err, SOS_ERR_BAD_FORMAT,
                          "bundle truncated: header is %u bytes, file is %zu bytes",
                          BUNDLE_HEADER_SIZE, len);
    for (int i = 0; i < 8; i++)
        if (p[H_MAGIC + i] != (uint8_t)BUNDLE_MAGIC[i]) {
            return errmsg_set(err, SOS_ERR_BAD_FORMAT,
                              "not a bundle: magic is '%s', expected '%s'",
                              errmsg_printable(shown, sizeof shown, (const char *)p, 8),
                              BUNDLE_MAGIC);
        }
    unsigned version = get16(p + H_VERSION);
    if (version != BUNDLE_VERSION)
        return errmsg_set(err, SOS_ERR_NOT_SUPPORTED,
                          "unsupported bundle version %u (this reader knows %u)", version,
                          BUNDLE_VERSION);
    if (get16(p + H_HEADER_SIZE) != BUNDLE_HEADER_SIZE)
        return errmsg_set(err, SOS_ERR_BAD_FORMAT,
                          "bad header size %u (version %u headers are %u bytes)",
                          get16(p + H_HEADER_SIZE), BUNDLE_VERSION, BUNDLE_HEADER_SIZE);
    if (get32(p + H_FLAGS) != 0)
        return errmsg_set(err, SOS_ERR_BAD_FORMAT, "unknown header flags 0x%x",
                          get32(p + H_FLAGS));
    uint32_t size = get32(p + H_BUNDLE_SIZE);
    if (size < BUNDLE_HEADER_SIZE)
        return errmsg_set(err, SOS_ERR_BAD_FORMAT,
                          "bad bundle size %u: smaller than the %u-byte header", size,
                          BUNDLE_HEADER_SIZE);
    if (size > len)
        return errmsg_set(err, SOS_ERR_BAD_FORMAT,
                          "bundle truncated: header says %u bytes, file is %zu bytes", size,
                          len);
    return 0;
}

static int check_index_bounds(const uint8_t *p, struct errmsg *err)
{
    uint32_t count = get32(p + H_COUNT), off = get32(p + H_INDEX_OFFSET);
    uint32_t size = get32(p + H_BUNDLE_SIZE);
    uint64_t end = (uint64_t)off + (uint64_t)count * BUNDLE_RECORD_SIZE + get32(p + H_NAMES_SIZE);
    if (count > BUNDLE_MAX_ENTRIES)
        return errmsg_set(err, SOS_ERR_BAD_FORMAT, "too many entries: %u (limit %u)", count,
                          BUNDLE_MAX_ENTRIES);
    if (off < BUNDLE_HEADER_SIZE)
        return errmsg_set(err, SOS_ERR_BAD_FORMAT,
                          "index at offset %u overlaps the %u-byte header", off,
                          BUNDLE_HEADER_SIZE);
    if (end > size)
        return errmsg_set(err, SOS_ERR_BAD_FORMAT,
                          "bundle truncated: index ends at %llu, bundle is %u bytes",
                          (unsigned long long)end, size);
    return 0;
}

/* The entry's name: inside the table, NUL-terminated, well formed. */
static int check_entry_name(const struct bundle *b, uint32_t i, struct errmsg *err)
{
    const uint8_t *r = b->records + (size_t)i * BUNDLE_RECORD_SIZE;
    uint32_t off = get32(r + R_NAME_OFFSET), len = get16(r + R_NAME_LEN);
    if ((uint64_t)off + len >= b->names_size)
        return errmsg_set(err, SOS_ERR_BAD_FORMAT,
                          "entry %u: name at %u (%u bytes and a NUL) runs past the "
                          "%u-byte name table", i, off, len, b->names_size);
    const char *name = (const char *)b->names + off;
    if (name[len] != 0)
        return errmsg_set(err, SOS_ERR_BAD_FORMAT, "entry %u: name is not NUL-terminated", i);
    for (uint32_t k = 0; k < len; k++)
        if (name[k] == 0)
            return errmsg_set(err, SOS_ERR_BAD_FORMAT,
                              "entry %u: name has a NUL at byte %u of %u", i, k, len);
    struct errmsg why;
    if (bundle_check_name(name, len, &why))
        return errmsg_set(err, SOS_ERR_BAD_FORMAT, "entry %u: %s", i, why.msg);
    return 0;
}

/* Entry e against the one before it: strictly greater name, data after its data. */
static int check_entry_order(const struct bundle_entry *prev, const struct bundle_entry *e,
                             struct errmsg *err)
{
    int c = name_cmp((const uint8_t *)prev->name, prev->name_len, (const uint8_t *)e->name,
                     e->name_len);
    if (c == 0)
        return errmsg_set(err, SOS_ERR_BAD_FORMAT, "duplicate entry name '%s' (entries %u and %u)",
                          e->name, prev->index, e->index);
    if (c > 0)
        return errmsg_set(err, SOS_ERR_BAD_FORMAT,
                          "index not sorted: entry %u '%s' comes after '%s'", e->index, e->name,
                          prev->name);
    uint64_t prev_end = (uint64_t)prev->offset + prev->stored_size;
    if (e->offset < prev_end)
        return errmsg_set(err, SOS_ERR_BAD_FORMAT,
                          "entry '%s' data [%u, %llu) overlaps entry '%s' data [%u, %llu)",
                          e->name, e->offset, (unsigned long long)e->offset + e->stored_size,
                          prev->name, prev->offset, (unsigned long long)prev_end);
    return 0;
}

/* Kind, flags, sizes and data range of one entry whose name is already checked. */
static int check_entry_fields(const struct bundle *b, const struct bundle_entry *e,
                              struct errmsg *err)
{
    const uint8_t *r = b->records + (size_t)e->index * BUNDLE_RECORD_SIZE;
    if (get32(r + R_RESERVED) || get32(r + R_RESERVED + 4))
        return errmsg_set(err, SOS_ERR_BAD_FORMAT, "entry '%s': reserved bytes are not zero",
                          e->name);
    if (e->kind < BUNDLE_KIND_MANIFEST || e->kind > BUNDLE_KIND_DATA)
        return errmsg_set(err, SOS_ERR_BAD_FORMAT, "entry '%s': unknown kind %u", e->name,
                          e->kind);
    if (e->flags & ~BUNDLE_FLAGS_KNOWN)
        return errmsg_set(err, SOS_ERR_BAD_FORMAT, "entry '%s': unknown flags 0x%x", e->name,
                          e->flags);
    if ((e->flags & BUNDLE_FLAG_STORED) && e->stored_size != e->size)
        return errmsg_set(err, SOS_ERR_BAD_FORMAT,
                          "entry '%s': stored uncompressed but stored size %u differs from "
                          "size %u", e->name, e->stored_size, e->size);
    if (!(e->flags & BUNDLE_FLAG_STORED) &&
        (uint64_t)e->size > (uint64_t)e->stored_size * BUNDLE_MAX_RATIO)
        return errmsg_set(err, SOS_ERR_BAD_FORMAT,
                          "entry '%s': size %u is impossible for %u compressed bytes", e->name,
                          e->size, e->stored_size);
    uint64_t end = (uint64_t)e->offset + e->stored_size;
    if (e->offset < b->index_end)
        return errmsg_set(err, SOS_ERR_BAD_FORMAT,
                          "entry '%s': data at %u overlaps the index (ends at %u)", e->name,
                          e->offset, b->index_end);
    if (end > b->size)
        return errmsg_set(err, SOS_ERR_BAD_FORMAT,
                          "entry '%s': data [%u, %llu) runs past the end of the bundle "
                          "(%u bytes)", e->name, e->offset, (unsigned long long)end, b->size);
    return 0;
}

static int check_entries(const struct bundle *b, struct errmsg *err)
{
    struct bundle_entry prev = {0}, e;
    for (uint32_t i = 0; i < b->count; i++) {
        int rc = check_entry_name(b, i, err);
        if (rc)
            return rc;
        record_decode(b, i, &e);
        rc = check_entry_fields(b, &e, err);
        if (!rc && i > 0)
            rc = check_entry_order(&prev, &e, err);
        if (rc)
            return rc;
        prev = e;
    }
    return 0;
}

int bundle_open_index(struct bundle *b, const void *data, size_t len, struct errmsg *err)
{
    const uint8_t *p = data;
    if (!b || (!p && len))
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "no bundle given");
    int rc = check_header(p, len, err);
    if (!rc)
        rc = check_index_bounds(p, err);
    if (rc)
        return rc;
    b->base = p;
    b->size = get32(p + H_BUNDLE_SIZE);
    b->count = get32(p + H_COUNT);
    b->records = p + get32(p + H_INDEX_OFFSET);
    b->names = b->records + (size_t)b->count * BUNDLE_RECORD_SIZE;
    b->names_size = get32(p + H_NAMES_SIZE);
    b->index_end = (uint32_t)(b->names - p) + b->names_size;
    for (int i = 0; i < SHA256_SIZE; i++)
        b->digest[i] = p[H_DIGEST + i];
    rc = check_entries(b, err);
    if (rc)
        b->count = 0; /* a half-validated index is never walked */
    return rc;
}

int bundle_verify_digest(const struct bundle *b, struct errmsg *err)
{
    static const uint8_t zeros[SHA256_SIZE];
    uint8_t got[SHA256_SIZE];
    struct sha256 s;
    sha256_init(&s);
    sha256_update(&s, b->base, H_DIGEST);
    sha256_update(&s, zeros, SHA256_SIZE);
    sha256_update(&s, b->base + H_DIGEST + SHA256_SIZE, b->size - H_DIGEST - SHA256_SIZE);
    sha256_final(&s, got);
    int differ = 0;
    for (int i = 0; i < SHA256_SIZE; i++)
        differ |= got[i] ^ b->digest[i];
    if (!differ)
        return 0;
    char want_hex[17], got_hex[17];
    hex_encode(b->digest, 8, want_hex);
    hex_encode(got, 8, got_hex);
    return errmsg_set(err, SOS_ERR_CORRUPT,
                      "digest mismatch: header says sha256 %s..., bundle hashes to %s...",
                      want_hex, got_hex);
}

int bundle_open(struct bundle *b, const void *data, size_t len, struct errmsg *err)
{
    int rc = bundle_open_index(b, data, len, err);
    if (!rc)
        rc = bundle_verify_digest(b, err);
    if (rc && b)
        b->count = 0;
    return rc;
}

int bundle_entry_at(const struct bundle *b, uint32_t i, struct bundle_entry *e)
{
    if (i >= b->count)
        return SOS_ERR_OUT_OF_RANGE;
    record_decode(b, i, e);
    return 0;
}

int bundle_find(const struct bundle *b, const char *name, struct bundle_entry *e)
{
    uint32_t len = 0;
    while (name[len] && len <= BUNDLE_MAX_NAME)
        len++;
    uint32_t lo = 0, hi = b->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        struct bundle_entry m;
        record_decode(b, mid, &m);
        int c = name_cmp((const uint8_t *)m.name, m.name_len, (const uint8_t *)name, len);
        if (c == 0) {
            *e = m;
            return 0;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SOS_ERR_NOT_FOUND;
}
