/*
 * sfsstore.c - the package store over sosfs for the host tests (sfsstore.h).
 *
 * Layer: services host tests (never in an image).
 */
#include "sfsstore.h"

#include <stdlib.h>
#include <string.h>

#include <sos/errors.h>

/* The directory inode and the last name of path; the directory made when create. */
static int resolve(struct sfs *fs, const char *path, bool create, uint64_t *dir,
                   const char **name)
{
    const char *slash = strchr(path, '/');
    *dir = SFS_ROOT_INO;
    *name = path;
    if (!slash)
        return 0;
    size_t len = (size_t)(slash - path);
    int err = sfs_lookup(fs, SFS_ROOT_INO, path, len, dir);
    if (err == SOS_ERR_NOT_FOUND && create)
        err = sfs_create(fs, SFS_ROOT_INO, path, len, SFS_DIR, dir);
    *name = slash + 1;
    return err;
}

static int st_read(void *ctx, const char *path, size_t max, uint8_t **out, size_t *len)
{
    uint64_t dir, ino;
    const char *name;
    struct sfs_stat st;
    int err = resolve(ctx, path, false, &dir, &name);
    if (!err)
        err = sfs_lookup(ctx, dir, name, strlen(name), &ino);
    if (!err)
        err = sfs_stat(ctx, ino, &st);
    if (err)
        return err;
    if (st.size > max)
        return SOS_ERR_OUT_OF_RANGE;
    *out = malloc(st.size ? st.size : 1);
    int64_t n = sfs_read(ctx, ino, 0, *out, st.size);
    if (n < 0 || (uint64_t)n != st.size) {
        free(*out);
        return n < 0 ? (int)n : SOS_ERR_IO;
    }
    *len = st.size;
    return 0;
}

static int st_write(void *ctx, const char *path, const void *data, size_t len)
{
    uint64_t dir, ino;
    const char *name;
    int err = resolve(ctx, path, true, &dir, &name);
    if (!err) {
        err = sfs_lookup(ctx, dir, name, strlen(name), &ino);
        if (err == SOS_ERR_NOT_FOUND)
            err = sfs_create(ctx, dir, name, strlen(name), SFS_FILE, &ino);
        else if (!err)
            err = sfs_truncate(ctx, ino, 0);
    }
    int64_t n = err ? err : sfs_write(ctx, ino, 0, data, len);
    return n < 0 ? (int)n : 0;
}

static int st_rename(void *ctx, const char *from, const char *to)
{
    uint64_t sdir, ddir;
    const char *sname, *dname;
    int err = resolve(ctx, from, false, &sdir, &sname);
    if (!err)
        err = resolve(ctx, to, true, &ddir, &dname);
    return err ? err : sfs_rename(ctx, sdir, sname, strlen(sname), ddir, dname, strlen(dname));
}

static int st_remove(void *ctx, const char *path)
{
    uint64_t dir;
    const char *name;
    int err = resolve(ctx, path, false, &dir, &name);
    return err ? err : sfs_unlink(ctx, dir, name, strlen(name));
}

static int st_list(void *ctx, const char *dirpath, void (*fn)(void *arg, const char *name),
                   void *arg)
{
    uint64_t dir = SFS_ROOT_INO, pos = 0;
    struct sfs_dirent de;
    if (*dirpath && sfs_lookup(ctx, SFS_ROOT_INO, dirpath, strlen(dirpath), &dir))
        return 0;
    while (sfs_readdir(ctx, dir, &pos, &de) == 0)
        if (de.type == SFS_FILE)
            fn(arg, de.name);
    return 0;
}

static int st_sync(void *ctx)
{
    return sfs_sync(ctx);
}

void sfsstore_init(struct pkg_store *st, struct sfs *fs)
{
    *st = (struct pkg_store){fs, st_read, st_write, st_rename, st_remove, st_list, st_sync};
}
