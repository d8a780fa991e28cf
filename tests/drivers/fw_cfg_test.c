/*
 * tests/drivers/fw_cfg_test.c - QEMU fw_cfg's file directory and the ramfb record
 * (core/drivers/fw_cfg/fw_cfg.c), on the host.
 *
 * Checked: a directory like QEMU virt's with a ramfb finds etc/ramfb (size, selector)
 * and reports a missing file as not found; malformed directories are refused with a
 * sentence (shorter than its count, a count larger than the entries, one near 2^32, a
 * name without its NUL, a selector below the file range); every truncation of a good
 * directory and 20000 random ones never crash; the RAMFBCfg record's big-endian bytes.
 * The DMA path against a fake device behind the DMA register: the directory found in
 * two transfers and the record written; the device's error bit, a device that never
 * answers, a directory or a write larger than the bounce buffer, each a sentence
 * (the signature through the data register needs the real device: aarch64-gfx).
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

static uint8_t g_dir[4 + 100 * 64];
static size_t g_len;

/* ---- a fake fw_cfg behind the DMA register: hal_cpu_relax, which the driver calls
   while it waits, is when the "device" takes the descriptor (QEMU does it during the
   register write; the driver's wait is the same either way). */
enum dev_mode { DEV_OK, DEV_ERROR, DEV_SILENT };
static enum dev_mode g_mode;
static _Alignas(8) uint8_t g_regs[0x18];
static _Alignas(4096) uint8_t g_dma[4096];
static uint16_t g_sel;
static uint32_t g_off;
static uint8_t g_written[64];
static uint32_t g_written_len;
static uint16_t g_written_sel;
static unsigned g_transfers;

static uint64_t get_be(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

static void device_transfer(uint8_t *d)
{
    uint32_t ctl = (uint32_t)get_be(d, 4), len = (uint32_t)get_be(d + 4, 4);
    uint8_t *buf = (uint8_t *)(uintptr_t)get_be(d + 8, 8);
    g_transfers++;
    if (ctl & 0x08) /* select */
        g_sel = (uint16_t)(ctl >> 16), g_off = 0;
    if (ctl & 0x02) { /* read: the directory; past its end, zeros */
        for (uint32_t i = 0; i < len; i++, g_off++)
            buf[i] = g_sel == 0x19 && g_off < g_len ? g_dir[g_off] : 0;
    } else if (ctl & 0x10) { /* write */
        g_written_sel = g_sel;
        g_written_len = len;
        memcpy(g_written, buf, len < sizeof(g_written) ? len : sizeof(g_written));
    }
    memset(d, 0, 4); /* done */
}

void hal_cpu_relax(void)
{
    uint8_t *d = (uint8_t *)(uintptr_t)get_be(g_regs + 0x10, 8);
    if (g_mode == DEV_SILENT || !d || !get_be(d, 4))
        return;
    if (g_mode == DEV_ERROR)
        d[3] |= 0x01;
    else
        device_transfer(d);
}

static struct fw_cfg fake_open(enum dev_mode mode)
{
    g_mode = mode;
    g_transfers = 0;
    g_written_len = 0;
    memset(g_regs, 0, sizeof(g_regs));
    return (struct fw_cfg){g_regs, g_dma, (paddr_t)(uintptr_t)g_dma, sizeof(g_dma)};
}

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

static void test_dma_find_write(void **state)
{
    (void)state;
    struct fw_cfg c = fake_open(DEV_OK);
    struct fw_cfg_file f;
    char why[96];
    assert_int_equal(fw_cfg_find(&c, "etc/ramfb", &f, why, sizeof(why)), 0);
    assert_int_equal(f.select, 0x25);
    assert_int_equal(g_transfers, 2); /* the count, then the whole directory */
    uint8_t rec[RAMFB_CFG_SIZE];
    ramfb_cfg_encode(rec, 0x5f400000, 1024, 768, 4096);
    assert_int_equal(fw_cfg_write(&c, f.select, rec, sizeof(rec), why, sizeof(why)), 0);
    assert_int_equal(g_written_sel, 0x25);
    assert_int_equal(g_written_len, RAMFB_CFG_SIZE);
    assert_memory_equal(g_written, rec, sizeof(rec));
    assert_int_equal(fw_cfg_find(&c, "etc/none", &f, why, sizeof(why)), SOS_ERR_NOT_FOUND);
}

static void test_dma_errors(void **state)
{
    (void)state;
    struct fw_cfg_file f;
    char why[96];
    uint8_t rec[RAMFB_CFG_SIZE] = {0};
    struct fw_cfg c = fake_open(DEV_ERROR);
    assert_int_equal(fw_cfg_write(&c, 0x25, rec, sizeof(rec), why, sizeof(why)), SOS_ERR_IO);
    assert_string_equal(why, "the DMA transfer failed (control 0x250018)");
    assert_int_equal(fw_cfg_find(&c, "etc/ramfb", &f, why, sizeof(why)), SOS_ERR_IO);
    c = fake_open(DEV_SILENT);
    assert_int_equal(fw_cfg_find(&c, "etc/ramfb", &f, why, sizeof(why)), SOS_ERR_IO);
    assert_string_equal(why, "the DMA transfer did not finish (control 0x19000a)");
    c = fake_open(DEV_OK);
    uint8_t big[4096] = {0};
    assert_int_equal(fw_cfg_write(&c, 0x25, big, sizeof(big), why, sizeof(why)),
                     SOS_ERR_NO_MEMORY);
    assert_int_equal(g_transfers, 0);
}

static void test_dma_big_directory(void **state)
{
    (void)state;
    while (g_dir[3] < 100) /* 100 entries: 6404 bytes, more than the page */
        entry("etc/filler", 1, 0x30);
    struct fw_cfg c = fake_open(DEV_OK);
    struct fw_cfg_file f;
    char why[96];
    assert_int_equal(fw_cfg_find(&c, "etc/ramfb", &f, why, sizeof(why)), SOS_ERR_NO_MEMORY);
    assert_string_equal(why, "the directory's 100 entries do not fit 4032 bytes");
    assert_int_equal(g_transfers, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_find, setup),
        cmocka_unit_test_setup(test_malformed, setup),
        cmocka_unit_test_setup(test_truncations, setup),
        cmocka_unit_test_setup(test_random, setup),
        cmocka_unit_test_setup(test_ramfb_record, setup),
        cmocka_unit_test_setup(test_dma_find_write, setup),
        cmocka_unit_test_setup(test_dma_errors, setup),
        cmocka_unit_test_setup(test_dma_big_directory, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
