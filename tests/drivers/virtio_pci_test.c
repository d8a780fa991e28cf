/*
 * tests/drivers/virtio_pci_test.c - the shared virtio-pci transport's capability reading
 * and attach (core/drivers/virtio/virtio_pci.c) on a simulated function, on the host.
 *
 * The fake function is virtio-gpu-pci as QEMU presents it: the four vendor capabilities
 * (common, ISR, device, notify, and a PCI_CFG one that is not used) over a 16 KiB BAR 4.
 * Checked: the regions and the multiplier read right, the structures mapped where the
 * BAR is, the type of modern and transitional ids; and each malformed list refused with
 * its sentence (no list, each kind missing, a capability too short, running past the
 * header, naming BAR 7, a structure too small, an offset that wraps, a looping list, a
 * BAR the HAL cannot map), a queue whose notify offset lies outside the notification
 * structure, and 20000 random capability areas (no crash; what is accepted is sane).
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

#include "drivers/virtio/virtio_pci.h"

#define BAR_SIZE 0x4000

static uint8_t g_cfg[256];
static uint8_t g_bar[BAR_SIZE];
static bool g_bar_placed;
static unsigned g_probes;

uint32_t pci_cfg_read(const struct pci_fn *f, unsigned off, unsigned width)
{
    (void)f;
    if (off + width > sizeof(g_cfg))
        return 0xffffffffu >> (32 - 8 * width);
    uint32_t v = 0;
    for (unsigned i = 0; i < width; i++)
        v |= (uint32_t)g_cfg[off + i] << (8 * i);
    return v;
}

void pci_cfg_write(const struct pci_fn *f, unsigned off, unsigned width, uint32_t v)
{
    (void)f;
    for (unsigned i = 0; i < width && off + i < sizeof(g_cfg); i++)
        g_cfg[off + i] = (uint8_t)(v >> (8 * i));
}

/* BAR 4 only, 16 KiB, when placed; like a HAL that refuses ranges outside its window. */
volatile void *pci_bar_map(const struct pci_fn *f, unsigned bar, uint64_t off, uint64_t len)
{
    (void)f;
    if (bar != 4 || !g_bar_placed || off > BAR_SIZE || len > BAR_SIZE - off)
        return NULL;
    return g_bar + off;
}

void hal_cpu_relax(void) {}

int virtio_driver_probe(struct virtio_dev *d, const struct hal_dev_ops **ops, void **dev)
{
    (void)d, (void)ops, (void)dev;
    g_probes++;
    return 0;
}

static void put32(unsigned off, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        g_cfg[off + i] = (uint8_t)(v >> (8 * i));
}

/* A vendor capability at `at` linking to `next`. */
static void cap(unsigned at, unsigned next, uint8_t type, uint8_t len, uint8_t bar, uint32_t off,
                uint32_t size)
{
    g_cfg[at] = 0x09;
    g_cfg[at + 1] = (uint8_t)next;
    g_cfg[at + 2] = len;
    g_cfg[at + 3] = type;
    g_cfg[at + 4] = bar;
    put32(at + 8, off);
    put32(at + 12, size);
}

static int setup(void **state)
{
    (void)state;
    memset(g_cfg, 0, sizeof(g_cfg));
    memset(g_bar, 0, sizeof(g_bar));
    g_bar_placed = true;
    g_probes = 0;
    put32(0x00, 0x10501af4); /* virtio-gpu-pci */
    g_cfg[0x06] = 0x10;      /* a capability list */
    g_cfg[0x34] = 0x84;
    g_cfg[0x40] = 0x11, g_cfg[0x41] = 0x00; /* MSI-X, the end */
    cap(0x84, 0x70, 1, 16, 4, 0x0000, 0x1000);
    cap(0x70, 0x60, 3, 16, 4, 0x1000, 0x1000);
    cap(0x60, 0xb0, 4, 16, 4, 0x2000, 0x1000);
    cap(0xb0, 0x98, 2, 20, 4, 0x3000, 0x1000);
    put32(0xb0 + 16, 4); /* notify_off_multiplier */
    cap(0x98, 0x40, 5, 20, 0, 0, 0); /* PCI_CFG access: not used */
    return 0;
}

static const struct pci_fn g_fn = {0, 3, 0, 0x1af4, 0x1050, 0x038000};

static int parse(char *why, size_t n)
{
    struct virtio_pci_caps c;
    return virtio_pci_caps_parse(&g_fn, &c, why, n);
}

static void expect_refused(const char *part)
{
    char why[96];
    assert_int_equal(parse(why, sizeof(why)), SOS_ERR_NOT_SUPPORTED);
    if (!strstr(why, part))
        fail_msg("expected \"%s\" in \"%s\"", part, why);
}

static void test_parse(void **state)
{
    (void)state;
    struct virtio_pci_caps c;
    char why[96];
    assert_int_equal(virtio_pci_caps_parse(&g_fn, &c, why, sizeof(why)), 0);
    assert_int_equal(c.common.bar, 4);
    assert_int_equal(c.common.length, 0x1000);
    assert_int_equal(c.isr.offset, 0x1000);
    assert_int_equal(c.device.offset, 0x2000);
    assert_int_equal(c.notify.offset, 0x3000);
    assert_int_equal(c.notify_mul, 4);
}

static void test_attach(void **state)
{
    (void)state;
    struct virtio_pci v;
    char why[96];
    assert_int_equal(virtio_pci_attach(&v, &g_fn, NULL, why, sizeof(why)), 0);
    assert_ptr_equal(v.common, g_bar);
    assert_ptr_equal(v.isr, g_bar + 0x1000);
    assert_ptr_equal(v.device, g_bar + 0x2000);
    assert_ptr_equal(v.notify, g_bar + 0x3000);
    assert_int_equal(v.vd.device_id, 16);
    assert_string_equal(v.vd.name, "pci 00:03.0");
    const struct hal_dev_ops *ops;
    void *dev;
    assert_int_equal(virtio_pci_start(&v, 20, false, &ops, &dev), 0);
    assert_int_equal(g_probes, 1);
    assert_int_equal(v.vd.irq_line, 20);
    assert_int_equal(g_bar[0x10] | g_bar[0x11] << 8, 0xffff); /* no config-change vector */
}

static void test_type(void **state)
{
    (void)state;
    struct pci_fn f = g_fn;
    assert_int_equal(virtio_pci_type(&f), 16);
    f.device = 0x1000; /* transitional: the subsystem id says */
    g_cfg[0x2e] = 2;
    assert_int_equal(virtio_pci_type(&f), 2);
    f.device = 0x1100;
    assert_int_equal(virtio_pci_type(&f), 0);
    f = g_fn;
    f.vendor = 0x8086;
    assert_int_equal(virtio_pci_type(&f), 0);
}

static void test_no_list(void **state)
{
    (void)state;
    g_cfg[0x06] = 0;
    expect_refused("no common configuration capability");
}

static void test_kind_missing(void **state)
{
    (void)state;
    g_cfg[0xb3] = 5; /* the notify capability becomes another PCI_CFG one */
    expect_refused("no notification capability");
    setup(NULL);
    g_cfg[0x71] = 0xb0; /* the list skips the device configuration */
    expect_refused("no device configuration capability");
}

static void test_too_short(void **state)
{
    (void)state;
    g_cfg[0x86] = 8;
    expect_refused("the capability at 0x84 is 8 bytes, too short");
    setup(NULL);
    g_cfg[0xb2] = 16; /* a notify capability needs its multiplier: 20 */
    expect_refused("the capability at 0xb0 is 16 bytes, too short");
}

static void test_past_header(void **state)
{
    (void)state;
    /* ISR -> device -> notify -> PCI_CFG -> MSI-X -> a common one at 0xf8, whose 16
       bytes would end at 0x108 */
    g_cfg[0x34] = 0x70;
    g_cfg[0x41] = 0xf8;
    g_cfg[0xf8] = 0x09, g_cfg[0xf9] = 0x00, g_cfg[0xfa] = 16, g_cfg[0xfb] = 1;
    expect_refused("the capability at 0xf8 runs past the 256-byte header");
}

static void test_bad_bar(void **state)
{
    (void)state;
    g_cfg[0x64] = 7;
    expect_refused("names BAR 7");
}

static void test_small_structure(void **state)
{
    (void)state;
    put32(0x84 + 12, 0x10); /* the common configuration is 0x38 bytes */
    expect_refused("describes 16 bytes, too few");
    setup(NULL);
    put32(0x70 + 12, 0); /* an empty ISR */
    expect_refused("describes 0 bytes, too few");
}

static void test_wraps(void **state)
{
    (void)state;
    put32(0x60 + 8, 0xfffff800u);
    expect_refused("wraps around at offset 0xfffff800");
}

static void test_loop(void **state)
{
    (void)state;
    g_cfg[0x71] = 0x84; /* common -> ISR -> common ...: never reaches device or notify */
    expect_refused("the capability list loops");
}

static void test_unmappable(void **state)
{
    (void)state;
    struct virtio_pci v;
    char why[96];
    g_bar_placed = false;
    assert_int_equal(virtio_pci_attach(&v, &g_fn, NULL, why, sizeof(why)), SOS_ERR_NOT_SUPPORTED);
    assert_non_null(strstr(why, "BAR 4 is not placed"));
    g_bar_placed = true;
    put32(0x60 + 8, 0x3800); /* the device configuration past the BAR's end */
    assert_int_equal(virtio_pci_attach(&v, &g_fn, NULL, why, sizeof(why)), SOS_ERR_NOT_SUPPORTED);
}

static void test_notify_outside(void **state)
{
    (void)state;
    struct virtio_pci v;
    char why[96];
    assert_int_equal(virtio_pci_attach(&v, &g_fn, NULL, why, sizeof(why)), 0);
    g_bar[0x12] = 1;          /* one queue */
    g_bar[0x1e] = 0x00, g_bar[0x1f] = 0x04; /* its notify offset 0x400 * 4 = 0x1000: outside */
    assert_int_equal(v.vd.t->queue_setup(&v.vd, 0, 8, 0x1000, 0x2000, 0x3000),
                     SOS_ERR_OUT_OF_RANGE);
    g_bar[0x1f] = 0x01;       /* 0x100 * 4 = 0x400: inside */
    assert_int_equal(v.vd.t->queue_setup(&v.vd, 0, 8, 0x1000, 0x2000, 0x3000), 0);
    g_bar[0x3400] = 0xaa;
    v.vd.t->queue_notify(&v.vd, 0); /* writes the queue's index, 0, at 0x3000 + 0x400 */
    assert_int_equal(g_bar[0x3400], 0);
    assert_int_equal(g_bar[0x1c], 1); /* enabled */
}

static void test_random(void **state)
{
    (void)state;
    srand(7);
    for (int i = 0; i < 20000; i++) {
        for (unsigned k = 0x40; k < sizeof(g_cfg); k++)
            g_cfg[k] = (uint8_t)rand();
        g_cfg[0x06] = 0x10;
        g_cfg[0x34] = (uint8_t)(0x40 + rand() % 0xc0);
        for (int j = 0; j < 8; j++) /* make vendor capabilities of the four kinds likely */
            g_cfg[(0x40 + rand() % 0xc0) & 0xfc] = 0x09;
        struct virtio_pci_caps c;
        char why[96] = "unset";
        int err = virtio_pci_caps_parse(&g_fn, &c, why, sizeof(why));
        if (err) {
            assert_int_equal(err, SOS_ERR_NOT_SUPPORTED);
            assert_true(why[0] != 0);
            continue;
        }
        const struct virtio_pci_region *r[4] = {&c.common, &c.notify, &c.isr, &c.device};
        for (int k = 0; k < 4; k++) {
            assert_true(r[k]->bar <= 5);
            assert_true((uint64_t)r[k]->offset + r[k]->length <= 0xffffffffull);
        }
        assert_true(c.common.length >= 0x38);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_parse, setup),
        cmocka_unit_test_setup(test_attach, setup),
        cmocka_unit_test_setup(test_type, setup),
        cmocka_unit_test_setup(test_no_list, setup),
        cmocka_unit_test_setup(test_kind_missing, setup),
        cmocka_unit_test_setup(test_too_short, setup),
        cmocka_unit_test_setup(test_past_header, setup),
        cmocka_unit_test_setup(test_bad_bar, setup),
        cmocka_unit_test_setup(test_small_structure, setup),
        cmocka_unit_test_setup(test_wraps, setup),
        cmocka_unit_test_setup(test_loop, setup),
        cmocka_unit_test_setup(test_unmappable, setup),
        cmocka_unit_test_setup(test_notify_outside, setup),
        cmocka_unit_test_setup(test_random, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
