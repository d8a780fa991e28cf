/*
 * pkg_file.c - opening a package file and reading its files.
 *
 * pkg_open trusts nothing in the bytes: the bundle layer checks the container and its
 * SHA-256 digest, then this file checks the package layout on top of it:
 *   - package.info exists, is stored uncompressed (so it is parsed in place, with no
 *     buffer to size from untrusted data) and matches its CRC-32;
 *   - every file the manifest lists has its object objects/<sha256>, of the listed size;
 *   - every entry of the bundle is package.info or an object some file uses (nothing
 *     rides along that no manifest line accounts for).
 * pkg_read_file inflates an object (the bundle layer checks CRC-32 and size) and then
 * checks the SHA-256 the manifest promised, which is what ties the content to the
 * signature over the package.
 *
 * Layer: common (freestanding; built for userspace and the host tools).
 */
#include "pkg.h"

#include <sos/errors.h>

#include "../manifest/manifest_impl.h"

#define Z_SOLO /* zlib.h without its stdio/unistd parts: freestanding-safe */
#include <zlib.h>

#define OBJECT_NAME_LEN (sizeof PKG_OBJECT_PREFIX - 1 + PKG_HEX_SIZE)

static void object_name(const uint8_t sha[SHA256_SIZE], char name[OBJECT_NAME_LEN + 1])
{
    m_strlcpy(name, PKG_OBJECT_PREFIX, OBJECT_NAME_LEN + 1);
    pkg_hex(sha, name + sizeof PKG_OBJECT_PREFIX - 1);
}

static int open_info(struct pkg *p, struct errmsg *err)
{
    struct bundle_entry e;
    if (bundle_find(&p->bundle, PKG_INFO_ENTRY, &e))
        return errmsg_set(err, SOS_ERR_BAD_FORMAT, "not a package: no %s entry",
                          PKG_INFO_ENTRY);
    if (!(e.flags & BUNDLE_FLAG_STORED))
        return errmsg_set(err, SOS_ERR_BAD_FORMAT, "%s must be stored uncompressed",
                          PKG_INFO_ENTRY);
    if (e.size > PKG_INFO_MAX)
        return errmsg_set(err, SOS_ERR_BAD_FORMAT, "%s is %u bytes, at most %d",
                          PKG_INFO_ENTRY, (unsigned)e.size, PKG_INFO_MAX);
    const char *text = bundle_entry_data(&p->bundle, &e);
    if ((uint32_t)crc32(0L, (const Bytef *)text, e.size) != e.crc32)
        return errmsg_set(err, SOS_ERR_CORRUPT, "%s: checksum mismatch", PKG_INFO_ENTRY);
    return pkg_info_parse(text, e.size, &p->info, err);
}

static int check_files(struct pkg *p, struct errmsg *err)
{
    for (uint32_t i = 0; i < p->info.file_count; i++) {
        const struct pkg_file *f = &p->info.file[i];
        char name[OBJECT_NAME_LEN + 1];
        struct bundle_entry e;
        object_name(f->sha256, name);
        if (bundle_find(&p->bundle, name, &e))
            return errmsg_set(err, SOS_ERR_BAD_FORMAT, "file '%s': its object %s is missing",
                              f->path, name);
        if (e.size != f->size)
            return errmsg_set(err, SOS_ERR_BAD_FORMAT,
                              "file '%s': manifest says %u bytes, object %s has %u", f->path,
                              (unsigned)f->size, name, (unsigned)e.size);
    }
    return 0;
}

/* True when some file of info has the content named by the hex digits. */
static bool object_used(const struct pkg_info *info, const char *hex)
{
    for (uint32_t i = 0; i < info->file_count; i++) {
        char mine[PKG_HEX_SIZE + 1];
        pkg_hex(info->file[i].sha256, mine);
        if (m_streq(mine, hex))
            return true;
    }
    return false;
}

static int check_entries(struct pkg *p, struct errmsg *err)
{
    for (uint32_t i = 0; i < bundle_count(&p->bundle); i++) {
        struct bundle_entry e;
        bundle_entry_at(&p->bundle, i, &e);
        char name[BUNDLE_MAX_NAME * 4 + 1];
        errmsg_printable(name, sizeof name, e.name, e.name_len);
        if (m_streq(name, PKG_INFO_ENTRY))
            continue;
        size_t plen = sizeof PKG_OBJECT_PREFIX - 1;
        bool prefixed = e.name_len == OBJECT_NAME_LEN;
        for (size_t k = 0; prefixed && k < plen; k++)
            prefixed = e.name[k] == PKG_OBJECT_PREFIX[k];
        if (!prefixed || !object_used(&p->info, name + plen))
            return errmsg_set(err, SOS_ERR_BAD_FORMAT,
                              "entry '%s' is not an object any file of the manifest uses",
                              name);
    }
    return 0;
}

int pkg_open(struct pkg *p, const void *data, size_t len, struct errmsg *err)
{
    int rc = bundle_open(&p->bundle, data, len, err);
    if (!rc)
        rc = open_info(p, err);
    if (!rc)
        rc = check_files(p, err);
    if (!rc)
        rc = check_entries(p, err);
    return rc;
}

int pkg_read_file(const struct pkg *p, const struct pkg_file *f, void *buf, size_t cap,
                  struct errmsg *err)
{
    char name[OBJECT_NAME_LEN + 1];
    struct bundle_entry e;
    object_name(f->sha256, name);
    if (bundle_find(&p->bundle, name, &e))
        return errmsg_set(err, SOS_ERR_NOT_FOUND, "file '%s': object %s is missing", f->path,
                          name);
    if (cap < e.size)
        return errmsg_set(err, SOS_ERR_BUFFER_TOO_SMALL, "file '%s' is %u bytes, buffer %zu",
                          f->path, (unsigned)e.size, cap);
    int rc = bundle_read(&p->bundle, &e, buf, cap, err);
    if (rc)
        return rc;
    uint8_t got[SHA256_SIZE];
    sha256(buf, e.size, got);
    for (int i = 0; i < SHA256_SIZE; i++)
        if (got[i] != f->sha256[i]) {
            char want[PKG_HEX_SIZE + 1], have[PKG_HEX_SIZE + 1];
            pkg_hex(f->sha256, want);
            pkg_hex(got, have);
            return errmsg_set(err, SOS_ERR_CORRUPT,
                              "file '%s': SHA-256 mismatch: manifest says %.16s..., content "
                              "hashes to %.16s...", f->path, want, have);
        }
    return 0;
}
