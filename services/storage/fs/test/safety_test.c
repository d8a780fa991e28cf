/*
 * services/storage/fs/test/safety_test.c - sosfs when things go wrong: listing a
 * directory whose entries end exactly at a block's end, damage the boot-time recovery
 * must not make worse (fallback to an intact older generation, a read-only mount when
 * neither repair nor fallback is safe, lost+found), a full store that must still let
 * files be removed, and a newer superblock that is skipped but never silently.
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
    assert_true(sf.free_blocks <= sf.reserved_blocks);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_listing_ends_at_block_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_skipped_newer_superblock_is_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_store_can_be_freed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_store_rm_after_reboot, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
