/*
 * tests/fuzz/fuzz_storage.c - sosfs (the storage service's disk format) on fuzzed disks.
 *
 * Input: one mode byte, then chunks {u8 block, u16 length, bytes} written into a zeroed
 * disk of 24 blocks (so seeds stay small: a store is mostly zeros). Mode bit 0 mounts
 * without checksum checks, so mutations reach the structure checks behind them.
 * Each disk is mounted; when that works, the tree is walked, files read, and a few
 * changes made and synced. Then fsck checks it, fsck repairs a copy, and a second check
 * of the repaired copy must be clean and the repaired store must mount. The boot's
 * sfs_open runs on a copy of the disk as it came: a fallback or a repair must leave a
 * store that checks clean, a read-only mount must have written nothing. Nothing may
 * crash, leak or read out of bounds (ASan/UBSan in the clang build).
 *
 * Seeds: tests/fuzz/corpus/storage/ (made by services/storage/fs/test/mkseeds.c).
 *
 * Layer: tests (host).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sos/errors.h>

#include "../../services/storage/fs/sfs.h"
#include "../../services/storage/fs/test/memdev.h"

#define BLOCKS 24u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

static void walk(struct sfs *fs, uint64_t dir, int depth)
{
    uint64_t pos = 0;
    struct sfs_dirent de;
    for (int n = 0; n < 64 && sfs_readdir(fs, dir, &pos, &de) == 0; n++) {
        if (de.type == SFS_DIR && depth < 8) {
            walk(fs, de.ino, depth + 1);
        } else {
            uint8_t buf[9000];
            sfs_read(fs, de.ino, 0, buf, sizeof(buf));
            struct sfs_stat st;
            sfs_stat(fs, de.ino, &st);
        }
    }
}

static void exercise(struct sfs *fs)
{
    walk(fs, SFS_ROOT_INO, 0);
    uint64_t ino;
    if (sfs_create(fs, SFS_ROOT_INO, "fz", 2, SFS_FILE, &ino) == 0) {
        sfs_write(fs, ino, 100, "fuzz", 4);
        sfs_truncate(fs, ino, 7000);
    }
    sfs_create(fs, SFS_ROOT_INO, "fzd", 3, SFS_DIR, NULL);
    sfs_rename(fs, SFS_ROOT_INO, "fz", 2, SFS_ROOT_INO, "fzd", 3);
    uint64_t pos = 0;
    struct sfs_dirent de;
    if (sfs_readdir(fs, SFS_ROOT_INO, &pos, &de) == 0)
        sfs_unlink(fs, SFS_ROOT_INO, de.name, de.namelen);
    sfs_sync(fs);
}

/* sfs_open on a copy of the disk: what it promises about what it leaves behind. */
static void open_copy(const struct memdev *src)
{
    struct memdev md;
    memdev_init(&md, BLOCKS);
    memcpy(md.blocks, src->blocks, (size_t)BLOCKS * SFS_BLOCK);
    struct sfs *fs;
    struct sfs_msg msg;
    static struct sfs_open_report rep;
    if (sfs_open(&md.dev, &fs, &rep, &msg) == 0) {
        exercise(fs);
        sfs_unmount(fs);
        struct sfs_fsck r;
        if (rep.how == SFS_OPEN_READONLY)
            check(memcmp(md.blocks, src->blocks, (size_t)BLOCKS * SFS_BLOCK) == 0);
        else if (rep.how != SFS_OPEN_CLEAN) /* a clean mount walked metadata only */
            check(sfs_fsck(&md.dev, 0, &r) == 0 && r.errors == 0);
    }
    memdev_free(&md);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct memdev md;
    memdev_init(&md, BLOCKS);
    unsigned mode = data[0];
    for (size_t i = 1; i + 3 <= size;) {
        unsigned blk = data[i] % BLOCKS, len = (unsigned)data[i + 1] | (unsigned)data[i + 2] << 8;
        i += 3;
        if (len > SFS_BLOCK)
            len = SFS_BLOCK;
        if (len > size - i)
            len = (unsigned)(size - i);
        memcpy(md.blocks + (size_t)blk * SFS_BLOCK, data + i, len);
        i += len;
    }
    struct sfs *fs;
    struct sfs_msg msg;
    if (!(mode & 1))
        open_copy(&md);
    if (sfs_mount(&md.dev, (mode & 1) ? SFS_MOUNT_NOCRC : 0, &fs, &msg) == 0) {
        exercise(fs);
        sfs_unmount(fs);
    }
    if (!(mode & 1)) {
        struct sfs_fsck r;
        sfs_fsck(&md.dev, 0, &r);
        if (sfs_fsck(&md.dev, SFS_FSCK_REPAIR, &r) == 0) {
            check(sfs_fsck(&md.dev, 0, &r) == 0 && r.errors == 0); /* repair leaves it clean */
            check(sfs_mount(&md.dev, 0, &fs, &msg) == 0);
            exercise(fs);
            sfs_unmount(fs);
            check(sfs_fsck(&md.dev, 0, &r) == 0 && r.errors == 0);
        }
    }
    memdev_free(&md);
    return 0;
}
