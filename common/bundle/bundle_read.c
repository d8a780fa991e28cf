/*
 * bundle_read.c - the entry reader: inflate one entry and verify it.
 *
 * An entry is good when zlib inflates its stored bytes to exactly the size the index
 * gives, consuming every stored byte, and the CRC-32 of the result matches. zlib's own
 * adler32 trailer is checked by inflate on the way. Stored (uncompressed) entries are
 * copied and checksummed the same way.
 *
 * Layer: common (freestanding; built for userspace and the host tools). Links zlib:
 * Debian's libz.a on the targets, which takes malloc and free from services/lib.
 */
#include "bundle.h"

#include <sos/errors.h>

#define Z_SOLO /* zlib.h without its stdio/unistd parts: freestanding-safe */
#include <zlib.h>

static int copy_stored(const struct bundle *b, const struct bundle_entry *e, uint8_t *out)
{
    const uint8_t *src = bundle_entry_data(b, e);
    for (uint32_t i = 0; i < e->size; i++)
        out[i] = src[i];
    return 0;
}

/* Maps what inflate said to the entry's error. */
static int inflate_error(const struct bundle_entry *e, int zrc, const z_stream *z,
                         struct errmsg *err)
{
    switch (zrc) {
    case Z_MEM_ERROR:
        return errmsg_set(err, SOS_ERR_NO_MEMORY, "entry '%s': out of memory for zlib",
                          e->name);
    case Z_DATA_ERROR:
    case Z_NEED_DICT:
        return errmsg_set(err, SOS_ERR_CORRUPT,
                          "entry '%s': compressed data is corrupt (zlib: %s)", e->name,
                          z->msg ? z->msg : "needs a preset dictionary");
    case Z_STREAM_END:
        return errmsg_set(err, SOS_ERR_CORRUPT,
                          "entry '%s': compressed data ends after %lu of %u bytes", e->name,
                          z->total_out, e->size);
    case Z_OK:
    case Z_BUF_ERROR:
        if (z->avail_out == 0)
            return errmsg_set(err, SOS_ERR_CORRUPT,
                              "entry '%s': inflates to more than its size %u", e->name, e->size);
        return errmsg_set(err, SOS_ERR_CORRUPT,
                          "entry '%s': compressed data is cut short (%lu of %u bytes inflated)",
                          e->name, z->total_out, e->size);
    default:
        return errmsg_set(err, SOS_ERR_INTERNAL, "entry '%s': zlib failed with %d", e->name,
                          zrc);
    }
}

static int inflate_entry(const struct bundle *b, const struct bundle_entry *e, uint8_t *out,
                         struct errmsg *err)
{
    uint8_t none; /* zlib wants a non-NULL output even for 0 bytes */
    z_stream z = {0};
    z.next_in = (Bytef *)bundle_entry_data(b, e);
    z.avail_in = e->stored_size;
    z.next_out = out ? out : &none;
    z.avail_out = e->size;
    int zrc = inflateInit(&z);
    if (zrc != Z_OK)
        return inflate_error(e, zrc, &z, err);
    zrc = inflate(&z, Z_FINISH);
    int rc = 0;
    if (zrc != Z_STREAM_END || z.total_out != e->size)
        rc = inflate_error(e, zrc, &z, err);
    else if (z.avail_in != 0)
        rc = errmsg_set(err, SOS_ERR_CORRUPT,
                        "entry '%s': %u bytes of trailing data after the compressed stream",
                        e->name, z.avail_in);
    inflateEnd(&z);
    return rc;
}

int bundle_read(const struct bundle *b, const struct bundle_entry *e, void *buf, size_t cap,
                struct errmsg *err)
{
    if (!b || !e || (!buf && e->size))
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "bundle_read: missing argument");
    if (cap < e->size)
        return errmsg_set(err, SOS_ERR_BUFFER_TOO_SMALL,
                          "entry '%s': buffer of %zu bytes is too small for %u bytes", e->name,
                          cap, e->size);
    int rc = (e->flags & BUNDLE_FLAG_STORED) ? copy_stored(b, e, buf)
                                              : inflate_entry(b, e, buf, err);
    if (rc)
        return rc;
    uint32_t crc = (uint32_t)crc32(0L, buf, e->size);
    if (crc != e->crc32)
        return errmsg_set(err, SOS_ERR_CORRUPT,
                          "entry '%s': checksum mismatch: index says crc32 %08x, data has %08x",
                          e->name, e->crc32, crc);
    return 0;
}
