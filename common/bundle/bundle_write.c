/*
 * bundle_write.c - the writer: inputs in, one bundle out, in a caller buffer.
 *
 * Layout (docs/bootstore.md): header, index records in name order, name table, then
 * each entry's data in the same order. Compressed entries follow each other directly;
 * stored entries start on a page boundary so a loader can use them in place. The
 * digest is computed last over the finished bytes. The output depends only on the
 * inputs, so builds are reproducible.
 *
 * Layer: common (freestanding; built for userspace and the host tools). Links zlib.
 */
#include "bundle.h"

#include <sos/errors.h>

#define Z_SOLO
#include <zlib.h>

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static size_t str_len(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static int str_cmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

static void sort_inputs(struct bundle_input *in, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct bundle_input x = in[i];
        size_t j = i;
        while (j > 0 && str_cmp(in[j - 1].name, x.name) > 0) {
            in[j] = in[j - 1];
            j--;
        }
        in[j] = x;
    }
}

static int check_inputs(const struct bundle_input *in, size_t n, struct errmsg *err)
{
    if (n > BUNDLE_MAX_ENTRIES)
        return errmsg_set(err, SOS_ERR_OUT_OF_RANGE, "too many entries: %zu (limit %u)", n,
                          BUNDLE_MAX_ENTRIES);
    for (size_t i = 0; i < n; i++) {
        struct errmsg why;
        if (!in[i].name || (!in[i].data && in[i].size))
            return errmsg_set(err, SOS_ERR_INVALID_ARGS, "input %zu: missing name or data", i);
        if (bundle_check_name(in[i].name, str_len(in[i].name), &why))
            return errmsg_set(err, SOS_ERR_INVALID_ARGS, "input %zu: %s", i, why.msg);
        if (in[i].kind < BUNDLE_KIND_MANIFEST || in[i].kind > BUNDLE_KIND_DATA)
            return errmsg_set(err, SOS_ERR_INVALID_ARGS, "entry '%s': unknown kind %u",
                              in[i].name, in[i].kind);
        if (in[i].flags & ~BUNDLE_FLAGS_KNOWN)
            return errmsg_set(err, SOS_ERR_INVALID_ARGS, "entry '%s': unknown flags 0x%x",
                              in[i].name, in[i].flags);
        if (in[i].size > 0xffffffffu)
            return errmsg_set(err, SOS_ERR_OUT_OF_RANGE,
                              "entry '%s': %zu bytes is over the 4 GiB entry limit",
                              in[i].name, in[i].size);
    }
    return 0;
}

size_t bundle_write_bound(const struct bundle_input *in, size_t n)
{
    if (n > BUNDLE_MAX_ENTRIES)
        return 0;
    uint64_t total = BUNDLE_HEADER_SIZE + (uint64_t)n * BUNDLE_RECORD_SIZE;
    for (size_t i = 0; i < n; i++) {
        if (!in[i].name || in[i].size > 0xffffffffu)
            return 0;
        total += str_len(in[i].name) + 1;
        if (in[i].flags & BUNDLE_FLAG_STORED)
            total += in[i].size + BUNDLE_STORED_ALIGN;
        else
            total += deflateBound(Z_NULL, (uLong)in[i].size);
    }
    return total > 0xffffffffu ? 0 : (size_t)total;
}

/* Compresses in into out[0..cap) at *pos; sets the stored size. */
static int deflate_into(const struct bundle_input *in, uint8_t *out, size_t cap, size_t pos,
                        uint32_t *stored, struct errmsg *err)
{
    uint8_t none = 0;
    z_stream z = {0};
    if (deflateInit(&z, Z_BEST_COMPRESSION) != Z_OK)
        return errmsg_set(err, SOS_ERR_NO_MEMORY, "entry '%s': zlib deflateInit failed",
                          in->name);
    z.next_in = (Bytef *)(in->size ? in->data : &none);
    z.avail_in = (uInt)in->size;
    z.next_out = out + pos;
    z.avail_out = (uInt)(cap - pos > 0xffffffffu ? 0xffffffffu : cap - pos);
    int zrc = deflate(&z, Z_FINISH);
    *stored = (uint32_t)z.total_out;
    deflateEnd(&z);
    if (zrc == Z_STREAM_END)
        return 0;
    if (zrc == Z_MEM_ERROR)
        return errmsg_set(err, SOS_ERR_NO_MEMORY, "entry '%s': out of memory for zlib",
                          in->name);
    return errmsg_set(err, SOS_ERR_BUFFER_TOO_SMALL,
                      "entry '%s': output buffer of %zu bytes is full", in->name, cap);
}

/* Stores in's bytes at the next page boundary after *pos. */
static int store_into(const struct bundle_input *in, uint8_t *out, size_t cap, size_t *pos,
                      struct errmsg *err)
{
    size_t at = (*pos + BUNDLE_STORED_ALIGN - 1) & ~(size_t)(BUNDLE_STORED_ALIGN - 1);
    if (at > cap || cap - at < in->size)
        return errmsg_set(err, SOS_ERR_BUFFER_TOO_SMALL,
                          "entry '%s': output buffer of %zu bytes is full", in->name, cap);
    for (size_t i = *pos; i < at; i++)
        out[i] = 0;
    const uint8_t *src = in->data;
    for (size_t i = 0; i < in->size; i++)
        out[at + i] = src[i];
    *pos = at;
    return 0;
}

/* Writes the index record for entry i, whose data sits at off with stored bytes. */
static void put_record(uint8_t *out, size_t i, uint32_t name_off, const struct bundle_input *in,
                       uint32_t off, uint32_t stored)
{
    uint8_t *r = out + BUNDLE_HEADER_SIZE + i * BUNDLE_RECORD_SIZE;
    for (int k = 0; k < BUNDLE_RECORD_SIZE; k++)
        r[k] = 0;
    put32(r + 0, name_off);
    put16(r + 4, (uint32_t)str_len(in->name));
    r[6] = (uint8_t)in->kind;
    r[7] = (uint8_t)in->flags;
    put32(r + 8, off);
    put32(r + 12, stored);
    put32(r + 16, (uint32_t)in->size);
    put32(r + 20, (uint32_t)crc32(0L, in->size ? in->data : Z_NULL, (uInt)in->size));
}

/* Header, records and name table; returns the offset where data begins, or 0. */
static size_t put_index(const struct bundle_input *in, size_t n, uint8_t *out, size_t cap)
{
    size_t names_size = 0;
    for (size_t i = 0; i < n; i++)
        names_size += str_len(in[i].name) + 1;
    size_t names_at = BUNDLE_HEADER_SIZE + n * BUNDLE_RECORD_SIZE;
    if (names_at + names_size > cap)
        return 0;
    for (size_t i = 0; i < BUNDLE_HEADER_SIZE; i++)
        out[i] = 0;
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)BUNDLE_MAGIC[i];
    put16(out + 8, BUNDLE_VERSION);
    put16(out + 10, BUNDLE_HEADER_SIZE);
    put32(out + 16, (uint32_t)n);
    put32(out + 20, BUNDLE_HEADER_SIZE);
    put32(out + 24, (uint32_t)names_size);
    size_t at = names_at;
    for (size_t i = 0; i < n; i++) {
        size_t len = str_len(in[i].name);
        for (size_t k = 0; k <= len; k++)
            out[at + k] = (uint8_t)in[i].name[k];
        at += len + 1;
    }
    return at;
}

static int write_data(const struct bundle_input *in, size_t n, uint8_t *out, size_t cap,
                      size_t *pos, struct errmsg *err)
{
    uint32_t name_off = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t stored = (uint32_t)in[i].size;
        int rc = (in[i].flags & BUNDLE_FLAG_STORED)
                     ? store_into(&in[i], out, cap, pos, err)
                     : deflate_into(&in[i], out, cap, *pos, &stored, err);
        if (rc)
            return rc;
        if (*pos + stored > 0xffffffffu)
            return errmsg_set(err, SOS_ERR_OUT_OF_RANGE,
                              "bundle is over the 4 GiB format limit at entry '%s'",
                              in[i].name);
        put_record(out, i, name_off, &in[i], (uint32_t)*pos, stored);
        name_off += (uint32_t)str_len(in[i].name) + 1;
        *pos += stored;
    }
    return 0;
}

int bundle_write(struct bundle_input *in, size_t n, void *out_buf, size_t cap, size_t *written,
                 struct errmsg *err)
{
    uint8_t *out = out_buf;
    if ((!in && n) || !out || !written)
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "bundle_write: missing argument");
    int rc = check_inputs(in, n, err);
    if (rc)
        return rc;
    sort_inputs(in, n);
    for (size_t i = 1; i < n; i++)
        if (str_cmp(in[i - 1].name, in[i].name) == 0)
            return errmsg_set(err, SOS_ERR_ALREADY_EXISTS, "duplicate entry name '%s'",
                              in[i].name);
    size_t pos = put_index(in, n, out, cap);
    if (!pos)
        return errmsg_set(err, SOS_ERR_BUFFER_TOO_SMALL,
                          "output buffer of %zu bytes is too small for the index", cap);
    rc = write_data(in, n, out, cap, &pos, err);
    if (rc)
        return rc;
    put32(out + 28, (uint32_t)pos);
    uint8_t digest[SHA256_SIZE];
    sha256(out, pos, digest); /* digest field is still zero here */
    for (int i = 0; i < SHA256_SIZE; i++)
        out[32 + i] = digest[i];
    *written = pos;
    return 0;
}
