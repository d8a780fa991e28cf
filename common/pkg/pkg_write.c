/*
 * pkg_write.c - building a package file: hash the files, write the manifest, pack.
 *
 * The caller fills the descriptive part of a struct pkg_info (name, version, arch,
 * description, dependencies) and hands the files; pkg_write hashes each file, lists it
 * in the manifest, keeps one object per distinct content and packs package.info
 * (stored) and the objects (zlib level 9) with the bundle writer. The result is
 * deterministic: the same inputs give the same bytes, so a repository can be rebuilt
 * and its signed hashes compared.
 *
 * Uses about 20 KiB of stack (the manifest text); meant for host tools and tests.
 *
 * Layer: common (freestanding; built for userspace and the host tools).
 */
#include "pkg.h"

#include <sos/errors.h>

#include "../manifest/manifest_impl.h"

#define MAX_ENTRIES (PKG_MAX_FILES + 1)

/* As long as an object's name, for sizing. */
static const char g_placeholder[] = PKG_OBJECT_PREFIX
    "0000000000000000000000000000000000000000000000000000000000000000";
_Static_assert(sizeof g_placeholder == sizeof PKG_OBJECT_PREFIX + PKG_HEX_SIZE, "name size");

/* Bundle inputs for in[]: package.info first (text, size), then distinct contents. */
static size_t gather(const struct pkg_info *info, const struct pkg_write_input *in, size_t n,
                     struct bundle_input *out, char names[][PKG_HEX_SIZE + 9])
{
    size_t count = 1;
    for (size_t i = 0; i < n; i++) {
        bool dup = false;
        if (info) { /* bound mode (no info) counts every file as its own object */
            m_strlcpy(names[i], PKG_OBJECT_PREFIX, PKG_HEX_SIZE + 9);
            pkg_hex(info->file[i].sha256, names[i] + sizeof PKG_OBJECT_PREFIX - 1);
            for (size_t j = 0; j < i && !dup; j++)
                dup = m_streq(names[j], names[i]);
        }
        if (dup)
            continue;
        out[count++] = (struct bundle_input){.name = info ? names[i] : g_placeholder,
                                             .kind = BUNDLE_KIND_DATA,
                                             .data = in[i].data, .size = in[i].size};
    }
    return count;
}

size_t pkg_write_bound(const struct pkg_write_input *in, size_t n)
{
    struct bundle_input b[MAX_ENTRIES];
    char names[PKG_MAX_FILES][PKG_HEX_SIZE + 9];
    if (n > PKG_MAX_FILES)
        return 0;
    size_t count = gather(NULL, in, n, b, names);
    b[0] = (struct bundle_input){.name = PKG_INFO_ENTRY, .kind = BUNDLE_KIND_CONFIG,
                                 .flags = BUNDLE_FLAG_STORED, .size = PKG_INFO_MAX};
    return bundle_write_bound(b, count);
}

static int fill_files(struct pkg_info *info, const struct pkg_write_input *in, size_t n,
                      struct errmsg *err)
{
    if (n > PKG_MAX_FILES)
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "%zu files, a package holds at most %d",
                          n, PKG_MAX_FILES);
    info->file_count = 0;
    for (size_t i = 0; i < n; i++) {
        struct pkg_file *f = &info->file[i];
        size_t len = m_strlen(in[i].path);
        int rc = bundle_check_name(in[i].path, len, err);
        if (rc)
            return rc;
        if (len > PKG_PATH_MAX || bundle_kind_name(in[i].kind)[0] == '?' || in[i].size > 0xffffffffu)
            return errmsg_set(err, SOS_ERR_INVALID_ARGS, "file '%s': path over %d bytes, "
                              "unknown kind or over 4 GiB", in[i].path, PKG_PATH_MAX);
        if (pkg_info_file(info, in[i].path))
            return errmsg_set(err, SOS_ERR_INVALID_ARGS, "file '%s' given twice", in[i].path);
        m_strlcpy(f->path, in[i].path, sizeof f->path);
        f->kind = (uint8_t)in[i].kind;
        f->size = (uint32_t)in[i].size;
        sha256(in[i].data, in[i].size, f->sha256);
        info->file_count++;
    }
    return 0;
}

int pkg_write(struct pkg_info *info, const struct pkg_write_input *in, size_t n, void *out,
              size_t cap, size_t *written, struct errmsg *err)
{
    struct bundle_input b[MAX_ENTRIES];
    char names[PKG_MAX_FILES][PKG_HEX_SIZE + 9];
    char text[PKG_INFO_MAX];
    size_t text_len;
    int rc = fill_files(info, in, n, err);
    if (rc)
        return rc;
    if (pkg_info_format(info, text, sizeof text, &text_len))
        return errmsg_set(err, SOS_ERR_INVALID_ARGS, "%s would exceed %d bytes",
                          PKG_INFO_ENTRY, PKG_INFO_MAX);
    /* The text must read back as the same manifest: this rejects a bad name, version or
     * dependency the caller put in info. */
    static struct pkg_info check; /* host tools only: too large for a service stack */
    rc = pkg_info_parse(text, text_len, &check, err);
    if (rc)
        return rc;
    size_t count = gather(info, in, n, b, names);
    b[0] = (struct bundle_input){.name = PKG_INFO_ENTRY, .kind = BUNDLE_KIND_CONFIG,
                                 .flags = BUNDLE_FLAG_STORED, .data = text, .size = text_len};
    return bundle_write(b, count, out, cap, written, err);
}
