/*
 * hal-aarch64/dtb_test.c - unit tests of the device-tree reader and the platform facts
 * it yields, compiled for the host.
 *
 * Real-shaped blobs: QEMU virt's own (-machine dumpdtb, committed in
 * tests/qemu/aarch64/data) and a Pi 5-shaped one built by dtc from raspi5.dts in the
 * same folder. Malformed blobs are made here: truncated, bad magic, offsets outside
 * the blob, unterminated names and strings, bad tokens, nesting loops, and thousands
 * of deterministic byte flips and truncations that must be rejected or parsed
 * without reading outside the blob (the sanitizer build checks that).
 *
 * The PCIe host bridge reader's tests (fdt_pci_test.c) run as a second group.
 *
 * Usage: test-dtb QEMU_VIRT_DTB RASPI5_DTB
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dtb.h"
#include "fdt_plat.h"
#include "platform.h"
#include "fdt_pci_test.h"

static uint8_t *g_virt, *g_pi5;
static size_t g_virt_len, g_pi5_len;
static const char *g_virt_path, *g_pi5_path;

static uint8_t *load(const char *path, size_t *len)
{
    FILE *f = path ? fopen(path, "rb") : NULL;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)n);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* ---------------------------------------------------------------- a tiny blob builder */

struct fdt_build {
    uint8_t s[4096];
    uint32_t slen;
    char str[1024];
    uint32_t strlen_;
};

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void b_tok(struct fdt_build *b, uint32_t t)
{
    put32(b->s + b->slen, t);
    b->slen += 4;
}

static void b_bytes(struct fdt_build *b, const void *d, uint32_t n)
{
    memcpy(b->s + b->slen, d, n);
    b->slen += n;
    while (b->slen & 3)
        b->s[b->slen++] = 0;
}

static void b_begin(struct fdt_build *b, const char *name)
{
    b_tok(b, 1);
    b_bytes(b, name, (uint32_t)strlen(name) + 1);
}

static void b_end(struct fdt_build *b) { b_tok(b, 2); }

static uint32_t b_string(struct fdt_build *b, const char *name)
{
    uint32_t off = b->strlen_;
    memcpy(b->str + off, name, strlen(name) + 1);
    b->strlen_ += (uint32_t)strlen(name) + 1;
    return off;
}

static void b_prop(struct fdt_build *b, const char *name, const void *d, uint32_t n)
{
    b_tok(b, 3);
    b_tok(b, n);
    b_tok(b, b_string(b, name));
    b_bytes(b, d, n);
}

static void b_prop_u32s(struct fdt_build *b, const char *name, int count, ...)
{
    uint8_t d[64];
    va_list ap;
    va_start(ap, count);
    for (int i = 0; i < count; i++)
        put32(d + 4 * i, va_arg(ap, uint32_t));
    va_end(ap);
    b_prop(b, name, d, 4 * (uint32_t)count);
}

/* header | rsvmap (one empty entry) | struct | strings */
static size_t b_finish(struct fdt_build *b, uint8_t *out)
{
    uint32_t off_rsv = 40, off_struct = 56, off_str = off_struct + b->slen;
    uint32_t total = off_str + b->strlen_;
    memset(out, 0, total);
    put32(out, DTB_MAGIC);
    put32(out + 4, total);
    put32(out + 8, off_struct);
    put32(out + 12, off_str);
    put32(out + 16, off_rsv);
    put32(out + 20, 17);
    put32(out + 24, 16);
    put32(out + 32, b->strlen_);
    put32(out + 36, b->slen);
    memcpy(out + off_struct, b->s, b->slen);
    memcpy(out + off_str, b->str, b->strlen_);
    return total;
}

/* A minimal valid tree: root with #cells, memory, chosen. */
static size_t build_minimal(uint8_t *out, struct fdt_build *b)
{
    memset(b, 0, sizeof(*b));
    b_begin(b, "");
    b_prop_u32s(b, "#address-cells", 1, 2);
    b_prop_u32s(b, "#size-cells", 1, 2);
    b_prop(b, "compatible", "test,board", 11);
    b_begin(b, "memory@80000000");
    b_prop(b, "device_type", "memory", 7);
    b_prop_u32s(b, "reg", 4, 0, 0x80000000u, 0, 0x10000000u);
    b_end(b);
    b_end(b);
    b_tok(b, 9);
    return b_finish(b, out);
}

static void expect_reject(const uint8_t *blob, size_t len, const char *want)
{
    struct dtb d;
    const char *why = NULL;
    assert_int_equal(dtb_open(&d, blob, len, &why), -1);
    assert_non_null(why);
    assert_true(strlen(why) > 0);
    if (want && !strstr(why, want))
        fail_msg("rejected for '%s', expected '%s'", why, want);
    struct fdt_plat p;
    assert_int_equal(fdt_plat_parse(blob, len, &p), -1);
    assert_true(strlen(p.error) > 0);
}

/* ---------------------------------------------------------------- real-shaped blobs */

static void test_qemu_virt(void **state)
{
    (void)state;
    if (!g_virt)
        fail_msg("cannot read %s", g_virt_path ? g_virt_path : "(no path)");
    struct fdt_plat p;
    assert_int_equal(fdt_plat_parse(g_virt, g_virt_len, &p), 0);
    assert_true(fdt_plat_is(&p, "linux,dummy-virt"));
    assert_int_equal(platform_detect(&p), PLATFORM_QEMU_VIRT);
    assert_int_equal(p.mem_count, 1);
    assert_int_equal(p.mem[0].base, 0x40000000);
    assert_int_equal(p.mem[0].size, 0x20000000);
    assert_true(p.uart_found && p.uart_from_stdout);
    assert_int_equal(p.uart_base, 0x09000000);
    assert_int_equal(p.uart_intid, 33);
    assert_true(p.rtc_found); /* the PL031, the clock of day */
    assert_int_equal(p.rtc_base, 0x09010000);
    assert_int_equal(p.gic_version, 2);
    assert_int_equal(p.gicd_base, 0x08000000);
    assert_int_equal(p.gicc_base, 0x08010000);
    assert_int_equal(p.timer_virt_intid, 27);
    assert_int_equal(p.timer_phys_intid, 30);
    assert_int_equal(p.psci, FDT_PSCI_HVC);
    assert_int_equal(p.cpu_count, 1);
    assert_int_equal(p.virtio_count, 32);
    assert_int_equal(p.virtio[0].base, 0x0a000000);
    assert_int_equal(p.virtio[0].intid, 48);
    assert_int_equal(p.virtio[31].base, 0x0a003e00);
    assert_int_equal(p.initrd_start, 0);
    assert_int_equal(p.fw_cfg_base, 0x09020000); /* qemu,fw-cfg-mmio: the ramfb console */
    assert_int_equal(p.fw_cfg_size, 0x18);
}

static void test_raspi5(void **state)
{
    (void)state;
    if (!g_pi5)
        skip(); /* dtc was not available when the tests were built */
    struct fdt_plat p;
    assert_int_equal(fdt_plat_parse(g_pi5, g_pi5_len, &p), 0);
    assert_int_equal(platform_detect(&p), PLATFORM_RASPI5);
    assert_string_equal(p.model, "Raspberry Pi 5 Model B Rev 1.0");
    assert_int_equal(p.mem_count, 2);
    assert_int_equal(p.mem[1].base, 0x40000000);
    assert_int_equal(p.mem[1].size, 0xc0000000);
    assert_int_equal(p.rsv_count, 2); /* /memreserve/ and reserved-memory/atf */
    assert_int_equal(p.rsv[1].size, 0x80000);
    /* uart10 through /aliases and /soc's ranges, not the disabled uart2 or RP1's */
    assert_true(p.uart_found && p.uart_from_stdout);
    assert_int_equal(p.uart_base, 0x107d001000ull);
    assert_int_equal(p.uart_intid, 32 + 121);
    assert_int_equal(p.gic_version, 2);
    assert_int_equal(p.gicd_base, 0x107fff9000ull);
    assert_int_equal(p.gicc_base, 0x107fffa000ull);
    assert_int_equal(p.timer_virt_intid, 27);
    assert_int_equal(p.psci, FDT_PSCI_SMC);
    assert_int_equal(p.cpu_count, 4);
    assert_int_equal(p.initrd_start, 0x2e000000);
    assert_int_equal(p.initrd_end, 0x2e100000);
    assert_string_equal(p.bootargs, "coherent_pool=1M 8250.nr_uarts=1 -- hello");
    /* the firmware's framebuffer under /chosen (2 address cells, 1 size cell) */
    assert_true(p.fb.found);
    assert_int_equal(p.fb.base, 0x3ea81000);
    assert_int_equal(p.fb.size, 0x7e9000);
    assert_int_equal(p.fb.width, 1920);
    assert_int_equal(p.fb.height, 1080);
    assert_int_equal(p.fb.stride, 7680);
    assert_int_equal(p.fw_cfg_base, 0); /* no QEMU fw_cfg: no ramfb console */
    platform_fixup(&p); /* keeps the tree's UART, reserves the armstub */
    assert_int_equal(p.uart_base, 0x107d001000ull);
    assert_int_equal(p.rsv_count, 3);
    assert_int_equal(p.rsv[2].size, 0x80000);
}

/* With no usable tree the one message goes where the user of that board looks. */
static void test_early_uart(void **state)
{
    (void)state;
    assert_int_equal(platform_early_uart(0x40200000ull), 0x09000000ull); /* QEMU virt */
    assert_int_equal(platform_early_uart(0x80000ull), 0x107d001000ull);   /* the Pi's load */
    assert_int_equal(platform_early_uart(0x200000ull), 0x107d001000ull);
}

static void test_navigation(void **state)
{
    (void)state;
    if (!g_pi5)
        skip();
    struct dtb d;
    const char *why;
    assert_int_equal(dtb_open(&d, g_pi5, g_pi5_len, &why), 0);
    int soc = dtb_find_path(&d, "/soc", 4); /* a unit address may be left out */
    assert_true(soc >= 0);
    assert_string_equal(dtb_name(&d, soc), "soc@107c000000");
    const char *p = "/soc@107c000000/serial@7d001000";
    int uart = dtb_find_path(&d, p, strlen(p));
    assert_int_equal(dtb_parent(&d, uart), soc);
    assert_int_equal(dtb_parent(&d, dtb_root(&d)), -1);
    assert_int_equal(dtb_find_path(&d, "/nope", 5), -1);
    assert_int_equal(dtb_find_path(&d, "soc", 3), -1);
    uint64_t a, s;
    assert_int_equal(dtb_reg(&d, uart, 0, &a, &s), 0);
    assert_int_equal(a, 0x107d001000ull);
    assert_int_equal(dtb_reg(&d, uart, 1, &a, &s), -1);
    /* RP1's UART sits behind PCI (3 address cells): not translatable, so not used */
    int rp1 = dtb_find_compatible(&d, -1, "arm,pl011-axi");
    assert_true(rp1 >= 0);
    assert_int_equal(dtb_reg(&d, rp1, 0, &a, &s), -1);
    int gic = dtb_find_compatible(&d, -1, "arm,gic-400");
    uint32_t ph = dtb_prop_u32(&d, gic, "phandle", 0);
    assert_int_equal(dtb_find_phandle(&d, ph), gic);
    assert_int_equal(dtb_find_phandle(&d, 0xdead), -1);
    assert_false(dtb_is_enabled(&d, dtb_find_path(&d, "/soc/serial@7d001400", 20)));
    assert_int_equal(dtb_rsv_count(&d), 1);
}

/* ---------------------------------------------------------------- malformed blobs */

static void test_header_errors(void **state)
{
    (void)state;
    uint8_t blob[4096];
    struct fdt_build b;
    size_t n = build_minimal(blob, &b);
    struct fdt_plat p;
    assert_int_equal(fdt_plat_parse(blob, n, &p), 0);
    assert_int_equal(p.mem[0].base, 0x80000000u);

    expect_reject(NULL, 0, "smaller");
    expect_reject(blob, 20, "smaller");
    expect_reject(blob, n - 1, "truncated");
    uint8_t bad[4096];
#define MUTATE(off, val, want)          \
    do {                                \
        memcpy(bad, blob, n);           \
        put32(bad + (off), (val));      \
        expect_reject(bad, n, (want));  \
    } while (0)
    MUTATE(0, 0xd00dfeee, "magic");
    MUTATE(4, (uint32_t)n + 8, "truncated");
    MUTATE(4, 8, "truncated");
    MUTATE(8, (uint32_t)n, "structure block");     /* off_struct past the end */
    MUTATE(8, 58, "structure block");              /* misaligned */
    MUTATE(36, 0xfffffff0u, "structure block");   /* size_struct overflows */
    MUTATE(12, (uint32_t)n + 4, "strings block");
    MUTATE(32, 0x7fffffff, "strings block");
    MUTATE(16, 44, "reservation");                 /* misaligned */
    MUTATE(16, (uint32_t)n - 8, "reservation");    /* runs off the end */
    MUTATE(20, 16, "version");
    MUTATE(24, 18, "version");
#undef MUTATE
}

static void test_structure_errors(void **state)
{
    (void)state;
    uint8_t blob[8192];
    struct fdt_build b;

    /* a node name without its NUL before the end of the block */
    memset(&b, 0, sizeof(b));
    b_begin(&b, "");
    b_tok(&b, 1);
    memcpy(b.s + b.slen, "abcd", 4);
    b.slen += 4;
    expect_reject(blob, b_finish(&b, blob), "node name");

    /* a property name offset past the strings block */
    build_minimal(blob, &b);
    put32(b.s + 4 + 4 + 4 + 4, 0x1000); /* first prop's nameoff */
    expect_reject(blob, b_finish(&b, blob), "name offset");

    /* a property name that is not terminated inside the strings block */
    build_minimal(blob, &b);
    b.strlen_ -= 1; /* drop the last string's NUL */
    expect_reject(blob, b_finish(&b, blob), "not terminated");

    /* a property length past the block */
    build_minimal(blob, &b);
    put32(b.s + 4 + 4 + 4, 0x100000);
    expect_reject(blob, b_finish(&b, blob), "property value");

    /* an unknown token */
    build_minimal(blob, &b);
    put32(b.s + b.slen - 4, 7);
    expect_reject(blob, b_finish(&b, blob), "unknown token");

    /* no END token */
    build_minimal(blob, &b);
    b.slen -= 4;
    expect_reject(blob, b_finish(&b, blob), "END");

    /* END inside a node */
    memset(&b, 0, sizeof(b));
    b_begin(&b, "");
    b_tok(&b, 9);
    expect_reject(blob, b_finish(&b, blob), "ends inside");

    /* END_NODE without a node */
    memset(&b, 0, sizeof(b));
    b_end(&b);
    b_tok(&b, 9);
    expect_reject(blob, b_finish(&b, blob), "without");

    /* a second root */
    build_minimal(blob, &b);
    b.slen -= 4;
    b_begin(&b, "");
    b_end(&b);
    b_tok(&b, 9);
    expect_reject(blob, b_finish(&b, blob), "follows the root");

    /* a property outside any node */
    memset(&b, 0, sizeof(b));
    b_prop(&b, "x", "", 0);
    b_tok(&b, 9);
    expect_reject(blob, b_finish(&b, blob), "outside");

    /* the root has a name */
    memset(&b, 0, sizeof(b));
    b_begin(&b, "root");
    b_end(&b);
    b_tok(&b, 9);
    expect_reject(blob, b_finish(&b, blob), "root node has a name");
}

static void test_nesting_loop(void **state)
{
    (void)state;
    uint8_t blob[8192];
    struct fdt_build b;
    memset(&b, 0, sizeof(b));
    for (int i = 0; i < DTB_MAX_DEPTH + 8; i++)
        b_begin(&b, i ? "n" : "");
    for (int i = 0; i < DTB_MAX_DEPTH + 8; i++)
        b_end(&b);
    b_tok(&b, 9);
    expect_reject(blob, b_finish(&b, blob), "nested too deeply");
}

static void test_semantic_errors(void **state)
{
    (void)state;
    uint8_t blob[4096];
    struct fdt_build b;
    struct fdt_plat p;

    /* no memory */
    memset(&b, 0, sizeof(b));
    b_begin(&b, "");
    b_prop(&b, "compatible", "x,y", 4);
    b_end(&b);
    b_tok(&b, 9);
    assert_int_equal(fdt_plat_parse(blob, b_finish(&b, blob), &p), -1);
    assert_non_null(strstr(p.error, "memory"));

    /* stdout-path naming an alias that names an alias, a UART whose interrupt parent
       is itself, and a GIC reg that does not fit: no crash, no UART from stdout */
    memset(&b, 0, sizeof(b));
    b_begin(&b, "");
    b_prop_u32s(&b, "#address-cells", 1, 1);
    b_prop_u32s(&b, "#size-cells", 1, 1);
    b_begin(&b, "aliases");
    b_prop(&b, "serial0", "serial1", 8);
    b_end(&b);
    b_begin(&b, "chosen");
    b_prop(&b, "stdout-path", "serial0:115200", 15);
    b_end(&b);
    b_begin(&b, "memory");
    b_prop(&b, "device_type", "memory", 7);
    b_prop_u32s(&b, "reg", 2, 0x1000, 0x100000);
    b_end(&b);
    b_begin(&b, "uart@9000");
    b_prop(&b, "compatible", "arm,pl011", 10);
    b_prop_u32s(&b, "reg", 2, 0x9000, 0x1000);
    b_prop_u32s(&b, "phandle", 1, 5);
    b_prop_u32s(&b, "interrupt-parent", 1, 5);
    b_prop_u32s(&b, "interrupts", 3, 0, 1, 4);
    b_end(&b);
    b_begin(&b, "gic");
    b_prop(&b, "compatible", "arm,gic-400", 12);
    b_prop_u32s(&b, "reg", 1, 0x8000);
    b_end(&b);
    b_end(&b);
    b_tok(&b, 9);
    assert_int_equal(fdt_plat_parse(blob, b_finish(&b, blob), &p), 0);
    assert_true(p.uart_found);
    assert_false(p.uart_from_stdout);
    assert_int_equal(p.uart_base, 0x9000);
    assert_int_equal(p.uart_intid, 0);
    assert_int_equal(p.gic_version, 0);
    assert_int_equal(platform_detect(&p), PLATFORM_GENERIC);
}

/* A tree with one memory range and a simple-framebuffer node of these properties. */
static size_t fb_blob(uint8_t *blob, uint32_t w, uint32_t h, uint32_t stride, const char *fmt,
                      uint32_t size, const char *status)
{
    struct fdt_build b;
    memset(&b, 0, sizeof(b));
    b_begin(&b, "");
    b_prop_u32s(&b, "#address-cells", 1, 1);
    b_prop_u32s(&b, "#size-cells", 1, 1);
    b_begin(&b, "memory");
    b_prop(&b, "device_type", "memory", 7);
    b_prop_u32s(&b, "reg", 2, 0x40000000, 0x20000000);
    b_end(&b);
    b_begin(&b, "framebuffer@5e000000");
    b_prop(&b, "compatible", "simple-framebuffer", 19);
    b_prop_u32s(&b, "reg", 2, 0x5e000000, size);
    b_prop_u32s(&b, "width", 1, w);
    b_prop_u32s(&b, "height", 1, h);
    b_prop_u32s(&b, "stride", 1, stride);
    if (fmt)
        b_prop(&b, "format", fmt, (uint32_t)strlen(fmt) + 1);
    if (status)
        b_prop(&b, "status", status, (uint32_t)strlen(status) + 1);
    b_end(&b);
    b_end(&b);
    b_tok(&b, 9);
    return b_finish(&b, blob);
}

static void fb_refused(uint32_t w, uint32_t h, uint32_t stride, const char *fmt, uint32_t size,
                       const char *why)
{
    uint8_t blob[4096];
    struct fdt_plat p;
    assert_int_equal(fdt_plat_parse(blob, fb_blob(blob, w, h, stride, fmt, size, NULL), &p), 0);
    assert_false(p.fb.found);
    if (!strstr(p.fb.error, why))
        fail_msg("refused for '%s', expected '%s'", p.fb.error, why);
}

/* The firmware framebuffer: a usable node, and each way one can be unusable. */
static void test_simple_framebuffer(void **state)
{
    (void)state;
    uint8_t blob[4096];
    struct fdt_plat p;
    assert_int_equal(fdt_plat_parse(blob, fb_blob(blob, 1024, 768, 4096, "x8r8g8b8", 0x300000,
                                                 NULL), &p), 0);
    assert_true(p.fb.found);
    assert_int_equal(p.fb.base, 0x5e000000);
    assert_int_equal(p.fb.stride, 4096);
    assert_string_equal(p.fb.error, "");
    /* a disabled node is not there at all */
    assert_int_equal(fdt_plat_parse(blob, fb_blob(blob, 1024, 768, 4096, "x8r8g8b8", 0x300000,
                                                 "disabled"), &p), 0);
    assert_false(p.fb.found);
    assert_string_equal(p.fb.error, "");
    fb_refused(1024, 768, 2048, "r5g6b5", 0x300000, "format is not");
    fb_refused(1024, 768, 4096, NULL, 0x300000, "format is not");
    fb_refused(0, 768, 4096, "a8r8g8b8", 0x300000, "width or height");
    fb_refused(1024, 9000, 4096, "a8r8g8b8", 0x300000, "width or height");
    fb_refused(1024, 768, 4000, "a8r8g8b8", 0x300000, "stride");
    fb_refused(1024, 768, 4098, "a8r8g8b8", 0x400000, "stride");
    fb_refused(1024, 768, 4096, "a8r8g8b8", 0x2fffff, "larger than reg");
    fb_refused(1024, 2, 0x80000000, "a8r8g8b8", 0x1000, "larger than reg"); /* 64-bit product */
    fb_refused(1024, 768, 4096, "a8r8g8b8", 0, "no usable reg");
}

/* Every truncation and many byte flips of the real blobs: reject or parse, never crash. */
static void test_mutations(void **state)
{
    (void)state;
    const uint8_t *srcs[2] = {g_virt, g_pi5};
    size_t lens[2] = {g_virt_len, g_pi5_len};
    uint32_t seed = 12345;
    for (int s = 0; s < 2; s++) {
        if (!srcs[s])
            continue;
        /* QEMU's blob is padded to 1 MiB: mutate only the part that holds data */
        uint32_t used = dtb_be32(srcs[s] + 12) + dtb_be32(srcs[s] + 32);
        size_t n = used < lens[s] ? used : lens[s];
        uint8_t *m = malloc(n);
        struct fdt_plat p;
        for (size_t cut = 0; cut < n; cut += 1 + cut / 64) {
            memcpy(m, srcs[s], n);
            put32(m + 4, (uint32_t)n);
            (void)fdt_plat_parse(m, cut, &p);
        }
        for (int i = 0; i < 3000; i++) {
            memcpy(m, srcs[s], n);
            put32(m + 4, (uint32_t)n);
            for (int k = 0; k < 1 + i % 4; k++) {
                seed = seed * 1103515245u + 12345u;
                size_t at = (seed >> 8) % n;
                seed = seed * 1103515245u + 12345u;
                m[at] ^= (uint8_t)(1u << ((seed >> 16) % 8));
            }
            if (fdt_plat_parse(m, n, &p) != 0)
                assert_true(strlen(p.error) > 0);
        }
        free(m);
    }
}

int main(int argc, char **argv)
{
    g_virt_path = argc > 1 ? argv[1] : NULL;
    g_pi5_path = argc > 2 ? argv[2] : NULL;
    g_virt = load(g_virt_path, &g_virt_len);
    g_pi5 = load(g_pi5_path, &g_pi5_len);
    struct CMUnitTest tests[9 + FDT_PCI_TESTS] = {
        cmocka_unit_test(test_qemu_virt),
        cmocka_unit_test(test_raspi5),
        cmocka_unit_test(test_early_uart),
        cmocka_unit_test(test_navigation),
        cmocka_unit_test(test_header_errors),
        cmocka_unit_test(test_structure_errors),
        cmocka_unit_test(test_nesting_loop),
        cmocka_unit_test(test_semantic_errors),
        cmocka_unit_test(test_simple_framebuffer),
        cmocka_unit_test(test_mutations),
    };
    fdt_pci_test_blobs(g_virt, g_virt_len, g_pi5, g_pi5_len); /* fdt_pci_test.c */
    memcpy(tests + 9, g_fdt_pci_tests, sizeof(g_fdt_pci_tests));
    int r = cmocka_run_group_tests_name("dtb", tests, NULL, NULL);
    free(g_virt);
    free(g_pi5);
    return r;
}
