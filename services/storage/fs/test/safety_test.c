/*
 * services/storage/fs/test/safety_test.c - sosfs when things go wrong: listing a
 * directory whose entries end exactly at a block's end, damage the boot-time recovery
 * must not make worse (fallback to an intact older generation, a read-only mount when
 * neither repair nor fallback is safe, lost+found), a full store that must still let
 * files be removed (and a growing truncate that commits to make room), and a newer
 * superblock that is skipped but never silently.
 *
 * Layer: services host tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <sos/errors.h>

#include "../sfs.h"
#include "../sfs_impl.h"
#include "memdev.h"

static struct memdev g_md;
static struct sfs *g_fs;

static int setup(void **state)
{
    (void)state;
    memdev_init(&g_md, 2048);
    struct sfs_msg m;
    assert_int_equal(sfs_format(&g_md.dev, 7, &m), 0);
    assert_int_equal(sfs_mount(&g_md.dev, 0, &g_fs, &m), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (g_fs)
        sfs_drop(g_fs);
    g_fs = NULL;
    memdev_free(&g_md);
    return 0;
}

static uint64_t mk(uint64_t dir, const char *name, uint32_t type)
{
    uint64_t ino = 0;
    int err = sfs_create(g_fs, dir, name, strlen(name), type, &ino);
    if (err)
        fail_msg("create %s: %d", name, err);
    return ino;
}

/* Entries sfs_readdir gives for `dir`, stopping at `limit` (a listing that never ends). */
static uint64_t count_entries(uint64_t dir, uint64_t limit)
{
    uint64_t pos = 0, n = 0;
    struct sfs_dirent de;
    while (n < limit && sfs_readdir(g_fs, dir, &pos, &de) == 0)
        n++;
    return n;
}

/*
 * 509 five-letter names fill directory block 0 (255 entries) and leave 24 bytes in
 * block 1, which a ten-letter name fills to byte 4096 exactly. The cursor after it was
 * built as block << 12 | 4096: for the odd block 1 that is block 1 offset 0 again, and
 * the listing went round for ever.
 */
static void test_listing_ends_at_block_end(void **state)
{
    (void)state;
    uint64_t d = mk(SFS_ROOT_INO, "d", SFS_DIR);
    char name[16];
    for (int i = 0; i < 509; i++) {
        snprintf(name, sizeof(name), "a%04d", i);
        mk(d, name, SFS_FILE);
    }
    mk(d, "bbbbbbbbbb", SFS_FILE);
    assert_int_equal(count_entries(d, 10000), 510);
    assert_int_equal(sfs_sync(g_fs), 0);
    assert_int_equal(count_entries(d, 10000), 510);
}

/* Rewrite the superblock in `slot` with its checksum made right. */
static void put_super(unsigned slot, const struct sfs_super *sb)
{
    uint8_t *raw = g_md.blocks + slot * SFS_BLOCK;
    memcpy(raw, sb, sizeof(*sb));
    uint32_t crc = sfs_crc32c(0, raw, SFS_SB_CRC_OFF);
    memcpy(raw + SFS_SB_CRC_OFF, &crc, 4);
}

static struct sfs_super get_super(unsigned slot)
{
    struct sfs_super sb;
    memcpy(&sb, g_md.blocks + slot * SFS_BLOCK, sizeof(sb));
    return sb;
}

/*
 * A superblock with a higher generation than the one mounted, checksum right but
 * refused (here: in the wrong slot, then a field out of range), was skipped without a
 * word: one generation rolled back silently. The mount says which and why.
 */
static void test_skipped_newer_superblock_is_reported(void **state)
{
    (void)state;
    mk(SFS_ROOT_INO, "x", SFS_FILE);
    assert_int_equal(sfs_sync(g_fs), 0); /* generation 2 in slot 0; 1 in slot 1 */
    sfs_drop(g_fs);
    g_fs = NULL;
    struct sfs_super sb = get_super(0);
    sb.generation = 8; /* even: belongs in slot 0, put in slot 1 */
    put_super(1, &sb);
    struct sfs_msg m;
    assert_int_equal(sfs_mount(&g_md.dev, 0, &g_fs, &m), 0);
    assert_int_equal(g_fs->sb.generation, 2);
    if (!strstr(m.text, "generation 8") || !strstr(m.text, "wrong slot") || !strstr(m.text, "generation 2"))
        fail_msg("mount said: '%s'", m.text);
    sfs_drop(g_fs);
    g_fs = NULL;
    sb.generation = 9;
    sb.itab_height = 7;
    put_super(1, &sb);
    assert_int_equal(sfs_mount(&g_md.dev, 0, &g_fs, &m), 0);
    if (!strstr(m.text, "generation 9") || !strstr(m.text, "out of range"))
        fail_msg("mount said: '%s'", m.text);
    sfs_drop(g_fs);
    g_fs = NULL;
    /* an older superblock in the other slot is no news */
    sb.generation = 1;
    sb.itab_height = 0;
    put_super(1, &sb);
    assert_int_equal(sfs_mount(&g_md.dev, 0, &g_fs, &m), 0);
    assert_string_equal(m.text, "");
}

/* A 256-block (1 MiB) store filled until it refuses: writes first, then new files. */
static int fill_small_store(void)
{
    sfs_drop(g_fs);
    g_fs = NULL;
    memdev_free(&g_md);
    memdev_init(&g_md, 256);
    struct sfs_msg m;
    assert_int_equal(sfs_format(&g_md.dev, 7, &m), 0);
    assert_int_equal(sfs_mount(&g_md.dev, 0, &g_fs, &m), 0);
    static uint8_t blk[SFS_BLOCK];
    uint64_t f = mk(SFS_ROOT_INO, "big", SFS_FILE);
    int64_t r;
    for (uint64_t off = 0; (r = sfs_write(g_fs, f, off, blk, SFS_BLOCK)) > 0; off += SFS_BLOCK)
        ;
    assert_int_equal(r, SOS_ERR_NO_SPACE);
    uint64_t f2 = mk(SFS_ROOT_INO, "small", SFS_FILE);
    assert_int_equal(sfs_write(g_fs, f2, 0, "keep", 4), 4);
    char name[16];
    int err = 0, made = 0;
    for (; made < 2000 && !err; made++) { /* names, inode-table blocks: until refused */
        snprintf(name, sizeof(name), "n%04d", made);
        err = sfs_create(g_fs, SFS_ROOT_INO, name, strlen(name), SFS_DIR, NULL);
    }
    assert_int_equal(err, SOS_ERR_NO_SPACE);
    assert_true(made > 3);
    assert_null(sfs_broken_reason(g_fs));
    assert_int_equal(sfs_sync(g_fs), 0);
    return made - 1;
}

/*
 * Once fewer than the reserved blocks were free, rm, mv and truncate all failed with
 * "no space", even after a reboot, while statfs counted free blocks. Removal may use a
 * reserve that nothing else may, and statfs says what new data can use.
 */
static void test_full_store_can_be_freed(void **state)
{
    (void)state;
    fill_small_store();
    struct sfs_statfs sf;
    assert_int_equal(sfs_statfs(g_fs, &sf), 0);
    assert_int_equal(sf.avail_blocks, 0);
    assert_true(sf.reserved_blocks > 0);
    assert_int_equal(sf.free_blocks, sf.reserved_blocks); /* nothing pending after the sync */
    assert_true(sf.free_blocks <= sfs_op_paths(g_fs) + sfs_op_reserve(g_fs));
    /* a reboot: the same */
    struct sfs_msg m;
    assert_int_equal(sfs_unmount(g_fs), 0);
    assert_int_equal(sfs_mount(&g_md.dev, 0, &g_fs, &m), 0);
    assert_int_equal(sfs_create(g_fs, SFS_ROOT_INO, "more", 4, SFS_FILE, NULL), SOS_ERR_NO_SPACE);
    assert_int_equal(sfs_rename(g_fs, SFS_ROOT_INO, "n0000", 5, SFS_ROOT_INO, "moved", 5), 0);
    uint64_t small;
    assert_int_equal(sfs_lookup(g_fs, SFS_ROOT_INO, "small", 5, &small), 0);
    assert_int_equal(sfs_truncate(g_fs, small, 0), 0); /* what `>` does first */
    assert_int_equal(sfs_unlink(g_fs, SFS_ROOT_INO, "n0001", 5), 0);
    assert_int_equal(sfs_unlink(g_fs, SFS_ROOT_INO, "big", 3), 0);
    assert_null(sfs_broken_reason(g_fs));
    assert_int_equal(sfs_statfs(g_fs, &sf), 0);
    assert_true(sf.avail_blocks > 150); /* the big file's blocks, before the commit too */
    assert_int_equal(sfs_sync(g_fs), 0);
    assert_int_equal(sfs_statfs(g_fs, &sf), 0);
    assert_int_equal(sf.avail_blocks + sf.reserved_blocks, sf.free_blocks);
    assert_true(sf.avail_blocks > 150);
    uint64_t f = mk(SFS_ROOT_INO, "again", SFS_FILE);
    static uint8_t blk[SFS_BLOCK];
    assert_int_equal(sfs_write(g_fs, f, 0, blk, SFS_BLOCK), SFS_BLOCK);
    assert_int_equal(sfs_unmount(g_fs), 0);
    struct sfs_fsck r;
    assert_int_equal(sfs_fsck(&g_md.dev, 0, &r), 0);
    assert_int_equal(r.errors, 0);
    assert_int_equal(sfs_mount(&g_md.dev, 0, &g_fs, &m), 0);
}

/* A full store, rebooted: removal works at once (nothing pending to commit). */
static void test_full_store_rm_after_reboot(void **state)
{
    (void)state;
    int made = fill_small_store();
    struct sfs_msg m;
    assert_int_equal(sfs_unmount(g_fs), 0);
    assert_int_equal(sfs_mount(&g_md.dev, 0, &g_fs, &m), 0);
    char name[16];
    for (int i = 0; i < made; i++) { /* empty directories: each frees next to nothing */
        snprintf(name, sizeof(name), "n%04d", i);
        assert_int_equal(sfs_unlink(g_fs, SFS_ROOT_INO, name, strlen(name)), 0);
    }
    assert_int_equal(sfs_unlink(g_fs, SFS_ROOT_INO, "big", 3), 0);
    assert_int_equal(sfs_unmount(g_fs), 0);
    assert_int_equal(sfs_mount(&g_md.dev, 0, &g_fs, &m), 0);
    struct sfs_statfs sf;
    assert_int_equal(sfs_statfs(g_fs, &sf), 0);
    assert_true(sf.avail_blocks > 150);
}

/*
 * A growing truncate that runs short commits to free what waits (sfs_op_room). It had read
 * the inode before, so its copy kept the unfilled checksum of a block written in the
 * same transaction, and wrote it back: the block then failed its checksum (found by the
 * storage fuzzer). Every amount of fill on a 64-block store, one of which runs short.
 */
static void test_growing_truncate_that_commits(void **state)
{
    (void)state;
    static uint8_t blk[SFS_BLOCK];
    for (uint64_t k = 0; k < 40; k++) {
        sfs_drop(g_fs);
        memdev_free(&g_md);
        memdev_init(&g_md, 64);
        struct sfs_msg m;
        assert_int_equal(sfs_format(&g_md.dev, 7, &m), 0);
        assert_int_equal(sfs_mount(&g_md.dev, 0, &g_fs, &m), 0);
        uint64_t fill = mk(SFS_ROOT_INO, "fill", SFS_FILE);
        for (uint64_t b = 0; b < k; b++)
            sfs_write(g_fs, fill, b * SFS_BLOCK, blk, SFS_BLOCK);
        assert_int_equal(sfs_sync(g_fs), 0);
        sfs_write(g_fs, fill, 0, "x", 1); /* a committed block replaced: freed at a commit */
        uint64_t f;
        if (sfs_create(g_fs, SFS_ROOT_INO, "f", 1, SFS_FILE, &f) || sfs_write(g_fs, f, 100, "fuzz", 4) != 4)
            continue;
        sfs_truncate(g_fs, f, 7000);
        assert_int_equal(sfs_sync(g_fs), 0);
        struct sfs_fsck r;
        assert_int_equal(sfs_fsck(&g_md.dev, 0, &r), 0);
        if (r.errors)
            fail_msg("fill %llu: %s", (unsigned long long)k, r.log);
    }
}

/*
 * A sparse file of 8 TiB with one byte at its end: fsck asked for each of its 2^31
 * blocks (holes) one by one and took minutes (the fuzzer found it as a directory kept
 * by a repair). Walks over a tree now jump over its holes: well under 2 s of CPU.
 */
static void test_fsck_of_sparse_file_is_quick(void **state)
{
    (void)state;
    uint64_t f = mk(SFS_ROOT_INO, "sparse", SFS_FILE);
    uint64_t end = 8ull << 40;
    assert_int_equal(sfs_write(g_fs, f, end - 1, "z", 1), 1);
    assert_int_equal(sfs_sync(g_fs), 0);
    clock_t t0 = clock();
    struct sfs_fsck r;
    assert_int_equal(sfs_fsck(&g_md.dev, 0, &r), 0);
    double cpu = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_int_equal(r.errors, 0);
    assert_int_equal(r.data_blocks_checked, 2); /* the root directory's block and the byte's */
    if (cpu > 2.0)
        fail_msg("fsck took %.1f s of CPU", cpu);
}

/* ---- boot-time recovery */

#define NDIRS 9
#define PER_DIR 33
#define NFILES (NDIRS * PER_DIR + 12) /* 309 */

/*
 * 309 files in nine directories and the root, one with 40 blocks (an indirect block),
 * synced in steps; the last commit only appends to "log", so the generation before it
 * holds all 309 files too.
 */
static uint64_t build_store(void)
{
    char name[32], text[64];
    for (int d = 0; d < NDIRS; d++) {
        snprintf(name, sizeof(name), "d%d", d);
        uint64_t dir = mk(SFS_ROOT_INO, name, SFS_DIR);
        for (int i = 0; i < PER_DIR; i++) {
            snprintf(name, sizeof(name), "f%02d", i);
            int n = snprintf(text, sizeof(text), "file %d/%d", d, i);
            assert_int_equal(sfs_write(g_fs, mk(dir, name, SFS_FILE), 0, text, (size_t)n), n);
        }
        assert_int_equal(sfs_sync(g_fs), 0);
    }
    static uint8_t big[40 * SFS_BLOCK];
    memset(big, 'b', sizeof(big));
    assert_int_equal(sfs_write(g_fs, mk(SFS_ROOT_INO, "big", SFS_FILE), 0, big, sizeof(big)),
                     sizeof(big));
    uint64_t log = mk(SFS_ROOT_INO, "log", SFS_FILE);
    assert_int_equal(sfs_write(g_fs, log, 0, "one\n", 4), 4);
    for (int i = 2; i < 12; i++) {
        snprintf(name, sizeof(name), "r%d", i);
        mk(SFS_ROOT_INO, name, SFS_FILE);
    }
    assert_int_equal(sfs_sync(g_fs), 0);
    assert_int_equal(sfs_write(g_fs, log, 4, "two\n", 4), 4);
    assert_int_equal(sfs_sync(g_fs), 0);
    return g_fs->sb.generation;
}

static uint64_t count_below(uint64_t dir, int depth)
{
    uint64_t pos = 0, n = 0;
    struct sfs_dirent de;
    while (sfs_readdir(g_fs, dir, &pos, &de) == 0)
        n += de.type == SFS_DIR && depth < 8 ? count_below(de.ino, depth + 1) : de.type == SFS_FILE;
    return n;
}

/* Files reachable from the root, lost+found included. */
static uint64_t count_files(void) { return count_below(SFS_ROOT_INO, 0); }

static struct sfs_open_report g_rep;

static int open_store(void)
{
    if (g_fs)
        sfs_drop(g_fs);
    g_fs = NULL;
    struct sfs_msg m;
    int err = sfs_open(&g_md.dev, &g_fs, &g_rep, &m);
    print_message("open: %s\n", m.text);
    return err;
}

static void assert_store_clean(void)
{
    struct sfs_fsck r;
    assert_int_equal(sfs_fsck(&g_md.dev, 0, &r), 0);
    if (r.errors)
        fail_msg("fsck: %u errors:\n%s", r.errors, r.log);
}

static void read_log(char *buf)
{
    uint64_t log;
    assert_int_equal(sfs_lookup(g_fs, SFS_ROOT_INO, "log", 3, &log), 0);
    memset(buf, 0, 16);
    assert_true(sfs_read(g_fs, log, 0, buf, 15) >= 0);
}

/*
 * One flipped bit in the newest inode-table root. fsck's repair at boot cut the
 * pointer and committed a store of 2 files out of 309, while the generation before
 * was intact. Now the boot falls back to it, says so, and loses only the last commit.
 */
static void fallback_after(void (*damage)(uint64_t addr))
{
    uint64_t gen = build_store();
    uint64_t root = g_fs->sb.itab.addr;
    assert_int_equal(g_fs->sb.itab_height, 1);
    assert_int_equal(count_files(), NFILES);
    sfs_drop(g_fs);
    g_fs = NULL;
    damage(root);
    assert_int_equal(open_store(), 0);
    assert_int_equal(g_rep.how, SFS_OPEN_FALLBACK);
    assert_int_equal(g_rep.damaged_generation, gen);
    assert_int_equal(g_rep.generation, gen - 1);
    assert_int_equal(count_files(), NFILES);
    char buf[16];
    read_log(buf);
    assert_string_equal(buf, "one\n"); /* the last commit is what was lost */
    assert_int_equal(open_store(), 0); /* the fallback was committed: clean from now on */
    assert_int_equal(g_rep.how, SFS_OPEN_CLEAN);
    assert_int_equal(count_files(), NFILES);
    assert_store_clean();
}

static void flip_bit(uint64_t addr) { g_md.blocks[addr * SFS_BLOCK + 2 * 16 + 1] ^= 0x04; }
static void zero_block(uint64_t addr) { memset(g_md.blocks + addr * SFS_BLOCK, 0, SFS_BLOCK); }

static void test_flipped_itab_root_falls_back(void **state)
{
    (void)state;
    fallback_after(flip_bit);
}

static void test_zeroed_itab_root_falls_back(void **state)
{
    (void)state;
    fallback_after(zero_block);
}

/* The generation before the newest is not there (its superblock slot zeroed). */
static uint64_t build_single_super(void)
{
    uint64_t gen = build_store();
    sfs_drop(g_fs);
    g_fs = NULL;
    memset(g_md.blocks + (1 - gen % 2) * SFS_BLOCK, 0, SFS_BLOCK);
    struct sfs_msg m;
    assert_int_equal(sfs_mount(&g_md.dev, 0, &g_fs, &m), 0);
    return gen;
}

/* Files whose inode numbers lie in [lo, hi) (the records of one inode-table block). */
static uint64_t files_in(uint64_t dir, uint64_t lo, uint64_t hi)
{
    uint64_t pos = 0, n = 0;
    struct sfs_dirent de;
    while (sfs_readdir(g_fs, dir, &pos, &de) == 0)
        n += de.type == SFS_DIR ? files_in(de.ino, lo, hi) : de.ino >= lo && de.ino < hi;
    return n;
}

/*
 * Only one superblock, and a bit flipped in the inode table's root. The root's other
 * pointers still match the blocks they point to: the repair keeps them, and only the 32
 * records of the block whose pointer broke are gone. Losing files is not the boot's to
 * decide: it mounts read-only with the rest readable, writes nothing, and says so.
 */
static void test_single_super_flipped_root_mounts_read_only(void **state)
{
    (void)state;
    build_single_super();
    uint64_t root = g_fs->sb.itab.addr;
    uint64_t gone = files_in(SFS_ROOT_INO, 2 * SFS_IPB, 3 * SFS_IPB);
    assert_true(gone > 20);
    sfs_drop(g_fs);
    g_fs = NULL;
    flip_bit(root); /* the address of pointer 2 */
    size_t size = (size_t)g_md.nblocks * SFS_BLOCK;
    uint8_t *before = malloc(size);
    memcpy(before, g_md.blocks, size);
    assert_int_equal(open_store(), 0);
    assert_int_equal(g_rep.how, SFS_OPEN_READONLY);
    assert_true(g_rep.fsck.lost > 0);
    assert_int_equal(count_files(), NFILES - gone);
    assert_int_equal(sfs_create(g_fs, SFS_ROOT_INO, "x", 1, SFS_FILE, NULL), SOS_ERR_ACCESS_DENIED);
    sfs_drop(g_fs);
    g_fs = NULL;
    assert_memory_equal(before, g_md.blocks, size); /* nothing written */
    free(before);
    /* the operator accepts the loss */
    struct sfs_fsck r;
    assert_int_equal(sfs_fsck(&g_md.dev, SFS_FSCK_REPAIR, &r), 0);
    assert_true(r.repaired > 0);
    assert_int_equal(r.lost, g_rep.fsck.lost);
    assert_int_equal(open_store(), 0);
    assert_int_equal(g_rep.how, SFS_OPEN_CLEAN);
    assert_int_equal(count_files(), NFILES - gone);
    assert_store_clean();
}

/*
 * Only one superblock, and the inode table's root zeroed: nothing can be read, and the
 * boot writes nothing either (what a better tool could still find stays on the disk).
 */
static void test_single_super_zeroed_root_writes_nothing(void **state)
{
    (void)state;
    build_single_super();
    uint64_t root = g_fs->sb.itab.addr;
    sfs_drop(g_fs);
    g_fs = NULL;
    zero_block(root);
    size_t size = (size_t)g_md.nblocks * SFS_BLOCK;
    uint8_t *before = malloc(size);
    memcpy(before, g_md.blocks, size);
    assert_int_equal(open_store(), 0);
    assert_int_equal(g_rep.how, SFS_OPEN_READONLY);
    assert_true(g_rep.fsck.lost >= NFILES);
    assert_int_equal(count_files(), 0);
    sfs_drop(g_fs);
    g_fs = NULL;
    assert_memory_equal(before, g_md.blocks, size);
    free(before);
}

/*
 * Only one superblock, and a bit flipped in a file's indirect block: the other 39
 * pointers match their blocks, one block is replaced by zeros, no file is lost, so the
 * boot repairs by itself.
 */
static void test_single_super_flipped_indirect_repairs(void **state)
{
    (void)state;
    build_single_super();
    uint64_t big;
    assert_int_equal(sfs_lookup(g_fs, SFS_ROOT_INO, "big", 3, &big), 0);
    struct sfs_dinode d;
    assert_int_equal(sfs_inode_get(g_fs, big, &d), 0);
    assert_int_equal(d.height, 1);
    sfs_drop(g_fs);
    g_fs = NULL;
    flip_bit(d.root.addr);
    assert_int_equal(open_store(), 0);
    assert_int_equal(g_rep.how, SFS_OPEN_REPAIRED);
    assert_int_equal(g_rep.fsck.lost, 0);
    assert_int_equal(g_rep.fsck.zeroed, 1);
    assert_int_equal(count_files(), NFILES);
    static uint8_t buf[40 * SFS_BLOCK];
    assert_int_equal(sfs_read(g_fs, big, 0, buf, sizeof(buf)), sizeof(buf));
    for (size_t i = 0; i < sizeof(buf); i++)
        if (buf[i] != (i / SFS_BLOCK == 2 ? 0 : 'b'))
            fail_msg("byte %zu: %d", i, buf[i]);
    assert_store_clean();
}

/*
 * A fifth of the store's blocks zeroed (both generations share most of them). A file
 * may be lost only when its own inode-table block (or the root above it) was hit;
 * everything else stays readable, in place or in lost+found.
 */
static void test_fifth_of_blocks_zeroed(void **state)
{
    (void)state;
    build_store();
    struct sfs_stat st;
    uint64_t itab_root = g_fs->sb.itab.addr;
    uint64_t leaf[16];
    for (unsigned i = 0; i < g_fs->sb.ninodes / SFS_IPB; i++) {
        struct sfs_bp bp;
        assert_int_equal(sfs_tree_leaf(g_fs, &g_fs->sb.itab, g_fs->sb.itab_height, i, &bp), 0);
        leaf[i] = bp.addr;
    }
    uint64_t *used = calloc(g_md.nblocks, sizeof(*used)), nused = 0;
    for (uint64_t b = SFS_FIRST_BLOCK; b < g_md.nblocks; b++)
        if (sfs_bit_get(g_fs->used, b))
            used[nused++] = b;
    uint8_t *hit = calloc(1, g_md.nblocks);
    srand(12345);
    for (uint64_t k = 0; k < nused / 5;) {
        uint64_t b = used[(uint64_t)rand() % nused];
        if (!hit[b]++)
            k++;
    }
    uint64_t expect = 0;
    for (uint64_t ino = 2; ino < g_fs->sb.ninodes && !hit[itab_root]; ino++)
        if (sfs_stat(g_fs, ino, &st) == 0 && st.type == SFS_FILE && !hit[leaf[ino / SFS_IPB]])
            expect++;
    assert_true(expect > NFILES / 2); /* the seed leaves something to lose */
    sfs_drop(g_fs);
    g_fs = NULL;
    for (uint64_t b = 0; b < g_md.nblocks; b++)
        if (hit[b])
            zero_block(b);
    assert_int_equal(open_store(), 0);
    assert_true(g_rep.how == SFS_OPEN_READONLY || g_rep.how == SFS_OPEN_REPAIRED);
    assert_true(count_files() >= expect);
    struct sfs_fsck r;
    sfs_drop(g_fs);
    g_fs = NULL;
    assert_int_equal(sfs_fsck(&g_md.dev, SFS_FSCK_REPAIR, &r), 0);
    assert_int_equal(open_store(), 0);
    assert_int_equal(g_rep.how, SFS_OPEN_CLEAN);
    assert_true(count_files() >= expect);
    assert_store_clean();
    free(used);
    free(hit);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_listing_ends_at_block_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_skipped_newer_superblock_is_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_store_can_be_freed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_store_rm_after_reboot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_growing_truncate_that_commits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fsck_of_sparse_file_is_quick, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flipped_itab_root_falls_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zeroed_itab_root_falls_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_single_super_flipped_root_mounts_read_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_single_super_zeroed_root_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_single_super_flipped_indirect_repairs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fifth_of_blocks_zeroed, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
