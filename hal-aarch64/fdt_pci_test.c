/*
 * hal-aarch64/fdt_pci_test.c - unit tests of the ECAM PCIe host bridge reader (fdt_pci.c),
 * compiled for the host.
 *
 * On QEMU virt's own blob (tests/qemu/aarch64/data/qemu-virt.dtb, from -machine
 * dumpdtb): the ECAM window, the bus range, the three
 * windows of ranges, and the INTx routes of all 32 slots and 4 pins against QEMU's
 * swizzle (slot s, pin p -> SPI 3 + (s + p - 1) mod 4). Then copies of the blob with
 * one thing broken: the compatible string, a reversed bus range, an interrupt-map
 * pointing at an unknown phandle, a truncated interrupt-map, a disabled node. The
 * Pi 5-shaped blob (whose bridges are Broadcom's, not ECAM-generic) has none.
 *
 * Part of test-dtb: its main() loads the blobs and runs these with its own tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dtb.h"
#include "fdt_plat.h"

#include "fdt_pci_test.h"

static const uint8_t *g_virt, *g_pi5;
static size_t g_virt_len, g_pi5_len;

/* A writable copy of the virt blob and the place of `prop` in its bridge node. */
static uint8_t *virt_copy(const char *prop, uint8_t **val, uint32_t *len)
{
    if (!g_virt)
        fail_msg("no QEMU virt blob");
    uint8_t *m = malloc(g_virt_len);
    memcpy(m, g_virt, g_virt_len);
    struct dtb d;
    const char *why;
    assert_int_equal(dtb_open(&d, m, g_virt_len, &why), 0);
    int n = dtb_find_compatible(&d, -1, "pci-host-ecam-generic");
    assert_true(n >= 0);
    *val = (uint8_t *)dtb_prop(&d, n, prop, len);
    assert_non_null(*val);
    return m;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void parse(const uint8_t *blob, size_t len, struct fdt_plat *p)
{
    assert_int_equal(fdt_plat_parse(blob, len, p), 0);
}

static void test_virt_bridge(void **state)
{
    (void)state;
    static struct fdt_plat p;
    parse(g_virt, g_virt_len, &p);
    const struct fdt_pci *c = &p.pci;
    assert_true(c->found);
    assert_int_equal(c->ecam_base, 0x4010000000ull);
    assert_int_equal(c->ecam_size, 0x10000000);
    assert_int_equal(c->bus_first, 0);
    assert_int_equal(c->bus_last, 255);
    assert_int_equal(c->mem32.pci, 0x10000000);
    assert_int_equal(c->mem32.cpu, 0x10000000);
    assert_int_equal(c->mem32.size, 0x2eff0000);
    assert_int_equal(c->mem64.pci, 0x8000000000ull);
    assert_int_equal(c->mem64.cpu, 0x8000000000ull);
    assert_int_equal(c->mem64.size, 0x8000000000ull);
    assert_int_equal(c->io.pci, 0);
    assert_int_equal(c->io.cpu, 0x3eff0000);
    assert_int_equal(c->io.size, 0x10000);
    assert_int_equal(c->intx_count, 16);
    assert_int_equal(c->intx_mask_hi, 0x1800);
    assert_int_equal(c->intx_mask_pin, 7);
}

static void test_virt_intx(void **state)
{
    (void)state;
    static struct fdt_plat p;
    parse(g_virt, g_virt_len, &p);
    for (unsigned slot = 0; slot < 32; slot++)
        for (unsigned pin = 1; pin <= 4; pin++) {
            uint32_t want = 32 + 3 + (slot + pin - 1) % 4;
            assert_int_equal(fdt_pci_intx(&p.pci, 0, slot, 0, pin), want);
            assert_int_equal(fdt_pci_intx(&p.pci, 0, slot, 5, pin), want); /* fn ignored */
        }
    assert_int_equal(fdt_pci_intx(&p.pci, 0, 1, 0, 0), 0); /* no pin */
    assert_int_equal(fdt_pci_intx(&p.pci, 0, 1, 0, 5), 0);
    assert_int_equal(fdt_pci_intx(&p.pci, 1, 1, 0, 1), 0); /* behind a bridge: not swizzled */
}

static void test_broken_copies(void **state)
{
    (void)state;
    static struct fdt_plat p;
    uint8_t *val;
    uint32_t len;
    uint8_t *m = virt_copy("compatible", &val, &len);
    memcpy(val, "pci-host-xxxx", 13); /* no longer ECAM-generic */
    parse(m, g_virt_len, &p);
    assert_false(p.pci.found);
    free(m);

    m = virt_copy("bus-range", &val, &len);
    put_be32(val, 9);
    put_be32(val + 4, 3);
    parse(m, g_virt_len, &p);
    assert_false(p.pci.found);
    free(m);

    m = virt_copy("reg", &val, &len); /* 16 MiB of ECAM: 16 buses */
    put_be32(val + 12, 0x01000000);
    parse(m, g_virt_len, &p);
    assert_true(p.pci.found);
    assert_int_equal(p.pci.bus_last, 15);
    free(m);

    m = virt_copy("ranges", &val, &len); /* the 32-bit window's entry made config space */
    assert_int_equal(len, 3 * 28);
    put_be32(val + 28, 0x00000000);
    parse(m, g_virt_len, &p);
    assert_int_equal(p.pci.mem32.size, 0);
    assert_int_equal(p.pci.io.size, 0x10000);
    free(m);
}

static void test_broken_interrupt_map(void **state)
{
    (void)state;
    static struct fdt_plat p;
    uint8_t *val;
    uint32_t len;
    uint8_t *m = virt_copy("interrupt-map", &val, &len);
    assert_int_equal(len, 16 * 40); /* 3 + 1 + 1 + 2 + 3 cells an entry */
    put_be32(val + 5 * 40 + 16, 0x7777);   /* the sixth entry's parent: no such phandle */
    parse(m, g_virt_len, &p);
    assert_true(p.pci.found);
    assert_int_equal(p.pci.intx_count, 5); /* the walk stops there */
    free(m);

    m = virt_copy("#interrupt-cells", &val, &len);
    put_be32(val, 2); /* entries no longer line up: nothing is trusted */
    parse(m, g_virt_len, &p);
    assert_int_equal(p.pci.intx_count, 0);
    assert_int_equal(fdt_pci_intx(&p.pci, 0, 1, 0, 1), 0);
    free(m);

    m = virt_copy("interrupt-map", &val, &len);
    put_be32(val + 7 * 40 + 28, 2); /* the eighth route of no GIC type, the ninth SPI 2000 */
    put_be32(val + 8 * 40 + 32, 2000);
    parse(m, g_virt_len, &p);
    assert_int_equal(p.pci.intx_count, 14); /* both dropped, the rest kept */
    free(m);
}

static void test_raspi5_none(void **state)
{
    (void)state;
    if (!g_pi5)
        skip();
    static struct fdt_plat p;
    parse(g_pi5, g_pi5_len, &p);
    assert_false(p.pci.found);
}

const struct CMUnitTest g_fdt_pci_tests[FDT_PCI_TESTS] = {
    cmocka_unit_test(test_virt_bridge),
    cmocka_unit_test(test_virt_intx),
    cmocka_unit_test(test_broken_copies),
    cmocka_unit_test(test_broken_interrupt_map),
    cmocka_unit_test(test_raspi5_none),
};

void fdt_pci_test_blobs(const uint8_t *virt, size_t virt_len, const uint8_t *pi5, size_t pi5_len)
{
    g_virt = virt, g_virt_len = virt_len;
    g_pi5 = pi5, g_pi5_len = pi5_len;
}
