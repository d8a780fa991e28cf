/*
 * tests/sim/sfs_edit.c - edit a file inside a sosfs store on a disk image, as someone
 * holding the disk would: the change is committed with every checksum right, so the
 * store mounts cleanly and only the file's own contents can tell (scenario
 * security-audit edits a record of the security service's history between boots).
 *
 * usage: sfs-edit DISK PATH OLD NEW
 *   replaces the first OLD in the file at PATH (absolute, in the store) with NEW, which
 *   must be as long; prints what it did; exit 1 with a reason on any failure.
 *        sfs-edit DISK --get PATH OUT
 *   copies the file at PATH out to the host file OUT, the disk left as it was (a core
 *   file from /state/_crash for gdb: docs/debugging.md; desktop-apps.py --shot takes the
 *   compositor's screenshots out this way).
 *
 * The store's own code (services/storage/fs) does the work over the image in memory.
 *
 * Layer: tests (host tool).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sfs.h"

struct image {
    uint8_t *b;
    uint64_t nblocks;
};

static int img_read(void *ctx, uint64_t block, uint32_t n, void *buf)
{
    struct image *m = ctx;
    if (block >= m->nblocks || n > m->nblocks - block)
        return -1;
    memcpy(buf, m->b + block * SFS_BLOCK, (size_t)n * SFS_BLOCK);
    return 0;
}

static int img_write(void *ctx, uint64_t block, uint32_t n, const void *buf)
{
    struct image *m = ctx;
    if (block >= m->nblocks || n > m->nblocks - block)
        return -1;
    memcpy(m->b + block * SFS_BLOCK, buf, (size_t)n * SFS_BLOCK);
    return 0;
}

static int img_flush(void *ctx)
{
    (void)ctx;
    return 0;
}

static int die(const char *why)
{
    fprintf(stderr, "sfs-edit: %s\n", why);
    return 1;
}

/* The inode of an absolute path, component by component from the root. */
static int walk(struct sfs *fs, const char *path, uint64_t *ino)
{
    *ino = SFS_ROOT_INO;
    while (*path == '/')
        path++;
    while (*path) {
        size_t n = strcspn(path, "/");
        if (sfs_lookup(fs, *ino, path, n, ino))
            return -1;
        path += n;
        while (*path == '/')
            path++;
    }
    return 0;
}

/* The whole file at path (NUL-terminated too), its inode and size; 0 or die's 1. */
static int read_whole(struct sfs *fs, const char *path, uint64_t *ino, char **data,
                      struct sfs_stat *st)
{
    *data = NULL;
    if (walk(fs, path, ino) || sfs_stat(fs, *ino, st))
        return die("no such file in the store");
    *data = malloc(st->size + 1);
    return !*data || sfs_read(fs, *ino, 0, *data, st->size) != (int64_t)st->size
               ? die("cannot read the file") : 0;
}

static int edit(struct sfs *fs, const char *path, const char *old, const char *repl)
{
    uint64_t ino;
    struct sfs_stat st;
    char *data;
    int rc = read_whole(fs, path, &ino, &data, &st);
    char *at = NULL;
    if (!rc) {
        data[st.size] = 0;
        at = strstr(data, old);
        rc = at ? 0 : die("the text is not in the file");
    }
    uint64_t off = at ? (uint64_t)(at - data) : 0;
    if (!rc && (sfs_write(fs, ino, off, repl, strlen(repl)) != (int64_t)strlen(repl) || sfs_sync(fs)))
        rc = die("cannot write the file back");
    if (!rc)
        printf("sfs-edit: %s: '%s' at byte %llu is now '%s'\n", path, old, (unsigned long long)off,
               repl);
    free(data);
    return rc;
}

static int get(struct sfs *fs, const char *path, const char *out)
{
    uint64_t ino;
    struct sfs_stat st;
    char *data;
    int rc = read_whole(fs, path, &ino, &data, &st);
    FILE *f = rc ? NULL : fopen(out, "wb");
    if (!rc && (!f || fwrite(data, 1, st.size, f) != st.size))
        rc = die("cannot write the output file");
    if (f && fclose(f))
        rc = die("cannot write the output file");
    if (!rc)
        printf("sfs-edit: %s: %llu bytes to %s\n", path, (unsigned long long)st.size, out);
    free(data);
    return rc;
}

int main(int argc, char **argv)
{
    bool getting = argc == 5 && !strcmp(argv[2], "--get");
    if (argc != 5 || (!getting && (strlen(argv[3]) != strlen(argv[4]) || !argv[3][0])))
        return die("usage: sfs-edit DISK PATH OLD NEW (NEW as long as OLD), or DISK --get PATH OUT");
    FILE *f = fopen(argv[1], "r+b");
    if (!f)
        return die("cannot open the disk image");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    struct image m = {malloc(size > 0 ? (size_t)size : 1), size > 0 ? (uint64_t)size / SFS_BLOCK : 0};
    rewind(f);
    int rc = !m.b || fread(m.b, 1, (size_t)size, f) != (size_t)size ? die("cannot read the disk image")
                                                                      : 0;
    struct sfs_dev dev = {&m, m.nblocks, img_read, img_write, img_flush};
    struct sfs *fs = NULL;
    struct sfs_msg msg;
    if (!rc && sfs_mount(&dev, 0, &fs, &msg))
        rc = die(msg.text);
    if (!rc)
        rc = getting ? get(fs, argv[3], argv[4]) : edit(fs, argv[2], argv[3], argv[4]);
    if (fs && sfs_unmount(fs))
        rc = die("the commit failed");
    rewind(f);
    if (!rc && !getting && fwrite(m.b, 1, (size_t)size, f) != (size_t)size)
        rc = die("cannot write the disk image");
    if (fclose(f))
        rc = die("cannot write the disk image");
    free(m.b);
    return rc;
}
