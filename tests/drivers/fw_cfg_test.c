/*
 * tests/drivers/fw_cfg_test.c - QEMU fw_cfg's file directory and the ramfb record
 * (core/drivers/fw_cfg/fw_cfg.c), on the host.
 *
 * Checked: a directory like QEMU virt's with a ramfb finds etc/ramfb (size, selector)
 * and reports a missing file as not found; malformed directories are refused with a
 * sentence (shorter than its count, a count larger than the entries, one near 2^32, a
 * name without its NUL, a selector below the file range); every truncation of a good
 * directory and 20000 random ones never crash; the RAMFBCfg record's big-endian bytes.
 * The DMA path needs the device: the aarch64-gfx QEMU test covers it.
 *
 * Layer: tests (host): no kernel, so it lives outside core/ and may use the host libc.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <sos/errors.h>

#include "drivers/fw_cfg/fw_cfg.h"

void hal_cpu_relax(void) {}

static uint8_t g_dir[4 + 8 * 64];
static size_t g_len;

static void entry(const char *name, uint32_t size, uint16_t select)
{
    uint32_t n = (uint32_t)g_dir[3];
    uint8_t *e = g_dir + 4 + n * 64;
    memset(e, 0, 64);
    e[0] = (uint8_t)(size >> 24), e[1] = (uint8_t)(size >> 16), e[2] = (uint8_t)(size >> 8);
    e[3] = (uint8_t)size;
    e[4] = (uint8_t)(select >> 8), e[5] = (uint8_t)select;
    strncpy((char *)e + 8, name, 56);
    g_dir[3] = (uint8_t)(n + 1);
    g_len = 4 + (n + 1) * 64;
}

static int setup(void **state)
{
    (void)state;
    memset(g_dir, 0, sizeof(g_dir));
    entry("bootorder", 0, 0x20);
    entry("etc/acpi/tables", 0x20000, 0x21);
    entry("etc/ramfb", 28, 0x25);
    entry("etc/smbios/smbios-tables", 0x161, 0x27);
    return 0;
}

static int find(const char *name, struct fw_cfg_file *f, char *why)
{
    return fw_cfg_dir_find(g_dir, g_len, name, f, why, 96);
}

static void expect_bad(size_t len, const char *part)
{
    struct fw_cfg_file f;
    char why[96];
    assert_int_equal(fw_cfg_dir_find(g_dir, len, "etc/ramfb", &f, why, sizeof(why)),
                     SOS_ERR_INVALID_ARGS);
    if (!strstr(why, part))
        fail_msg("expected \"%s\" in \"%s\"", part, why);
}

static void test_find(void **state)
{
    (void)state;
    struct fw_cfg_file f;
    char why[96];
    assert_int_equal(find("etc/ramfb", &f, why), 0);
    assert_int_equal(f.size, 28);
    assert_int_equal(f.select, 0x25);
    assert_string_equal(f.name, "etc/ramfb");
    assert_int_equal(find("etc/ramfb2", &f, why), SOS_ERR_NOT_FOUND);
    assert_int_equal(find("etc/ram", &f, why), SOS_ERR_NOT_FOUND);
    g_dir[3] = 0, g_len = 4; /* an empty directory */
    assert_int_equal(find("etc/ramfb", &f, why), SOS_ERR_NOT_FOUND);
}

static void test_malformed(void **state)
{
    (void)state;
    expect_bad(3, "the directory is 3 bytes, shorter than its count");
    expect_bad(g_len - 1, "the directory claims 4 entries but holds 255 bytes");
    g_dir[0] = 0xff, g_dir[1] = 0xff, g_dir[2] = 0xff, g_dir[3] = 0xff;
    expect_bad(g_len, "claims 4294967295 entries");
    setup(NULL);
    memset(g_dir + 4 + 64 + 8, 'a', 56); /* entry 1's name fills its field: no NUL */
    expect_bad(g_len, "the name of entry 1 has no terminating NUL");
    setup(NULL);
    g_dir[4 + 5] = 0x19; /* entry 0's selector is the directory's own, not a file's */
    expect_bad(g_len, "entry 0 has selector 0x19, below the file range");
}

static void test_truncations(void **state)
{
    (void)state;
    for (size_t len = 0; len <= g_len; len++) {
        struct fw_cfg_file f;
        char why[96];
        int err = fw_cfg_dir_find(g_dir, len, "etc/ramfb", &f, why, sizeof(why));
        assert_int_equal(err, len == g_len ? 0 : SOS_ERR_INVALID_ARGS);
    }
}

static void test_random(void **state)
{
    (void)state;
    srand(11);
    for (int i = 0; i < 20000; i++) {
        size_t len = (size_t)rand() % sizeof(g_dir);
        for (size_t k = 0; k < len; k++)
            g_dir[k] = (uint8_t)rand();
        g_dir[0] = g_dir[1] = 0;
        g_dir[2] = (uint8_t)(rand() % 2);
        struct fw_cfg_file f;
        char why[96];
        int err = fw_cfg_dir_find(g_dir, len, "etc/ramfb", &f, why, sizeof(why));
        assert_true(err == 0 || err == SOS_ERR_NOT_FOUND || err == SOS_ERR_INVALID_ARGS);
        if (err == SOS_ERR_INVALID_ARGS)
            assert_true(why[0] != 0);
        if (err == 0)
            assert_true(f.select >= 0x20);
    }
}

static void test_ramfb_record(void **state)
{
    (void)state;
    uint8_t r[RAMFB_CFG_SIZE];
    static const uint8_t want[RAMFB_CFG_SIZE] = {
        0x00, 0x00, 0x00, 0x00, 0x5f, 0x40, 0x00, 0x00, /* addr 0x5f400000 */
        0x34, 0x32, 0x52, 0x58,                         /* fourcc XR24 */
        0x00, 0x00, 0x00, 0x00,                         /* flags */
        0x00, 0x00, 0x04, 0x00,                         /* width 1024 */
        0x00, 0x00, 0x03, 0x00,                         /* height 768 */
        0x00, 0x00, 0x10, 0x00,                         /* stride 4096 */
    };
    ramfb_cfg_encode(r, 0x5f400000, 1024, 768, 4096);
    assert_memory_equal(r, want, sizeof(want));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_find, setup),
        cmocka_unit_test_setup(test_malformed, setup),
        cmocka_unit_test_setup(test_truncations, setup),
        cmocka_unit_test_setup(test_random, setup),
        cmocka_unit_test_setup(test_ramfb_record, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
