/*
 * tests/drivers/pci_test.c - the shared PCI helpers (pci.c) on a simulated
 * configuration space, on the host.
 *
 * The fake bus holds, on bus 0: slot 0 a single-function device with a 16 KiB 32-bit
 * BAR, an I/O BAR, a 1 MiB 64-bit BAR and an unimplemented one, and a capability list;
 * slot 3 a two-function device. BARs decode like hardware: a write keeps only the
 * address bits the size allows, and the type bits read back. Checked: the scan, the
 * placement and alignment of every BAR, I/O left alone, the command register restored,
 * a window too small, the capability walk (and a list that loops), enable with and
 * without INTx.
 *
 * Layer: tests (host): no kernel, so it lives outside core/ and may use the host libc.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <sos/errors.h>

#include "drivers/pci/pci.h"

struct fake_fn {
    uint8_t cfg[256];
    uint64_t bar_size[6]; /* memory BAR sizes, 0: none; ~0: an I/O BAR */
};

static struct fake_fn g_fns[32][8];
static unsigned g_cfg_writes;

static struct fake_fn *fn_of(const struct pci_fn *f)
{
    if (f->bus != 0 || f->dev >= 32 || f->fn >= 8)
        return NULL;
    struct fake_fn *x = &g_fns[f->dev][f->fn];
    return x->cfg[0] || x->cfg[1] ? x : NULL;
}

uint32_t pci_cfg_read(const struct pci_fn *f, unsigned off, unsigned width)
{
    struct fake_fn *x = fn_of(f);
    if (!x || off > 0xff)
        return 0xffffffffu >> (32 - 8 * width);
    uint32_t v = 0;
    for (unsigned i = 0; i < width; i++)
        v |= (uint32_t)x->cfg[off + i] << (8 * i);
    return v;
}

static void put32(struct fake_fn *x, unsigned off, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        x->cfg[off + i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(struct fake_fn *x, unsigned off)
{
    return (uint32_t)x->cfg[off] | (uint32_t)x->cfg[off + 1] << 8 |
           (uint32_t)x->cfg[off + 2] << 16 | (uint32_t)x->cfg[off + 3] << 24;
}

/* A BAR register write as the device decodes it. */
static void bar_write(struct fake_fn *x, unsigned bar, uint32_t v)
{
    unsigned off = 0x10 + 4 * bar;
    uint32_t type = get32(x, off) & 0xf;
    uint64_t size = x->bar_size[bar];
    bool upper = bar > 0 && (x->bar_size[bar - 1] >> 32) == 0 && x->bar_size[bar - 1] &&
                 (get32(x, off - 4) & 7) == 4;
    if (upper) { /* the upper half of a 64-bit BAR: size < 4 GiB, all bits writable */
        put32(x, off, v);
        return;
    }
    if (size == ~0ull) /* I/O: 256 bytes */
        put32(x, off, (v & ~0xffu) | 1);
    else if (size)
        put32(x, off, (v & (uint32_t)~(size - 1)) | type);
}

void pci_cfg_write(const struct pci_fn *f, unsigned off, unsigned width, uint32_t v)
{
    struct fake_fn *x = fn_of(f);
    g_cfg_writes++;
    if (!x || off > 0xff)
        return;
    if (off >= 0x10 && off < 0x28 && width == 4) {
        bar_write(x, (off - 0x10) / 4, v);
        return;
    }
    for (unsigned i = 0; i < width; i++)
        x->cfg[off + i] = (uint8_t)(v >> (8 * i));
}

static void fake_device(unsigned dev, unsigned fn, uint16_t vendor, uint32_t class_code)
{
    struct fake_fn *x = &g_fns[dev][fn];
    memset(x, 0, sizeof(*x));
    x->cfg[0] = (uint8_t)vendor;
    x->cfg[1] = (uint8_t)(vendor >> 8);
    x->cfg[2] = 0x34;
    x->cfg[3] = 0x12;
    put32(x, 0x08, class_code << 8 | 1);
    x->cfg[0x04] = 0x06; /* memory and bus master on, as a firmware might leave it */
}

static int setup(void **state)
{
    (void)state;
    memset(g_fns, 0, sizeof(g_fns));
    fake_device(0, 0, 0x8086, 0x040300);
    struct fake_fn *x = &g_fns[0][0];
    x->bar_size[0] = 16 << 10;
    x->bar_size[1] = ~0ull;
    put32(x, 0x14, 1);
    x->bar_size[2] = 1 << 20;
    put32(x, 0x18, 4); /* 64-bit memory */
    /* capabilities: 0x40 (MSI, 05) -> 0x50 (vendor, 09) -> 0x60 (09) -> end */
    x->cfg[0x06] = 0x10;
    x->cfg[0x34] = 0x40;
    x->cfg[0x40] = 0x05, x->cfg[0x41] = 0x50;
    x->cfg[0x50] = 0x09, x->cfg[0x51] = 0x60;
    x->cfg[0x60] = 0x09, x->cfg[0x61] = 0x00;
    fake_device(3, 0, 0x1af4, 0x020000);
    g_fns[3][0].cfg[0x0e] = 0x80; /* multi-function */
    fake_device(3, 1, 0x1af4, 0x010000);
    return 0;
}

static void count_fn(struct pci_fn *f, void *ctx)
{
    unsigned *n = ctx;
    if (f->dev == 0)
        assert_int_equal(f->class_code, 0x040300);
    if (f->dev == 3 && f->fn == 1)
        assert_int_equal(f->class_code, 0x010000);
    n[0]++;
    n[1] += f->vendor;
}

static void test_scan(void **state)
{
    (void)state;
    unsigned seen[2] = {0, 0};
    assert_int_equal(pci_scan(0, 3, count_fn, seen), 3); /* buses 1-3 are empty */
    assert_int_equal(seen[0], 3);
    assert_int_equal(seen[1], 0x8086 + 2 * 0x1af4);
}

static void test_assign(void **state)
{
    (void)state;
    struct pci_fn f = {0, 0, 0, 0, 0, 0};
    struct pci_window w = {0x10000000, 0x2eff0000, 0x100}; /* something placed already */
    assert_int_equal(pci_assign_bars(&f, &w), 0);
    assert_int_equal(pci_bar(&f, 0), 0x10004000); /* aligned to its 16 KiB */
    assert_int_equal(pci_bar(&f, 1), 0);          /* I/O: not a memory BAR, untouched */
    assert_int_equal(get32(&g_fns[0][0], 0x14), 1);
    assert_int_equal(pci_bar(&f, 2), 0x10100000); /* aligned to its 1 MiB */
    assert_int_equal(pci_bar(&f, 4), 0);          /* unimplemented */
    assert_int_equal(w.used, 0x200000);
    assert_int_equal(pci_read16(&f, 0x04), 0x06); /* the command register restored */
}

static void test_window_full(void **state)
{
    (void)state;
    struct pci_fn f = {0, 0, 0, 0, 0, 0};
    struct pci_window w = {0x10000000, 0x80000, 0};
    assert_int_equal(pci_assign_bars(&f, &w), SOS_ERR_NO_MEMORY); /* 1 MiB > 512 KiB */
    assert_int_equal(pci_read16(&f, 0x04) & 2, 0); /* decoding stays off */
    struct pci_window high = {0x100000000ull, 0x100000000ull, 0};
    setup(NULL);
    g_fns[0][0].bar_size[2] = 0; /* only the 32-bit BAR: it cannot reach 4 GiB */
    assert_int_equal(pci_assign_bars(&f, &high), SOS_ERR_NO_MEMORY);
}

static void test_caps(void **state)
{
    (void)state;
    struct pci_fn f = {0, 0, 0, 0, 0, 0};
    assert_int_equal(pci_find_cap(&f, 0x05, 0), 0x40);
    assert_int_equal(pci_find_cap(&f, 0x09, 0), 0x50);
    assert_int_equal(pci_find_cap(&f, 0x09, 0x50), 0x60);
    assert_int_equal(pci_find_cap(&f, 0x09, 0x60), 0);
    assert_int_equal(pci_find_cap(&f, 0x11, 0), 0);
    g_fns[0][0].cfg[0x61] = 0x40; /* a loop: the walk still ends */
    assert_int_equal(pci_find_cap(&f, 0x11, 0), 0);
    g_fns[0][0].cfg[0x06] = 0; /* no list */
    assert_int_equal(pci_find_cap(&f, 0x05, 0), 0);
}

static void test_enable(void **state)
{
    (void)state;
    struct pci_fn f = {0, 3, 0, 0, 0, 0};
    g_fns[3][0].cfg[0x05] = 0x04; /* INTx off */
    pci_enable(&f, true);
    assert_int_equal(pci_read16(&f, 0x04), 0x06);
    pci_enable(&f, false);
    assert_int_equal(pci_read16(&f, 0x04), 0x406);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_scan, setup),
        cmocka_unit_test_setup(test_assign, setup),
        cmocka_unit_test_setup(test_window_full, setup),
        cmocka_unit_test_setup(test_caps, setup),
        cmocka_unit_test_setup(test_enable, setup),
    };
    return cmocka_run_group_tests_name("pci", tests, NULL, NULL);
}
