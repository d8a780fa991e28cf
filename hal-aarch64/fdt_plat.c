/*
 * hal-aarch64/fdt_plat.c - read the platform facts out of a validated device tree.
 *
 * Pure C over dtb.h: no pointers are kept, no tables of pointers are used (this runs
 * before the MMU is on, at the physical address the kernel was loaded at).
 *
 * Layer: hal-aarch64, platform-neutral (also built for the host unit tests).
 */
#include "fdt_plat.h"

#include "dtb.h"

static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t i = 0;
    if (src)
        for (; src[i] && i + 1 < cap; i++)
            dst[i] = src[i];
    dst[i] = 0;
}

static void zero(void *p, size_t n)
{
    volatile uint8_t *b = p; /* volatile: no call to memset before the MMU is on */
    for (size_t i = 0; i < n; i++)
        b[i] = 0;
}

static int fail(struct fdt_plat *o, const char *why)
{
    copy_str(o->error, sizeof(o->error), why);
    return -1;
}

static void copy_compatible(const struct dtb *d, int root, struct fdt_plat *o)
{
    uint32_t len;
    const char *c = dtb_prop(d, root, "compatible", &len);
    if (!c || !len || c[len - 1])
        return;
    if (len > sizeof(o->compatible)) /* keep whole strings only */
        for (len = sizeof(o->compatible); len && c[len - 1]; len--)
            ;
    for (uint32_t i = 0; i < len; i++)
        o->compatible[i] = c[i];
    o->compatible_len = len;
}

bool fdt_plat_is(const struct fdt_plat *p, const char *c)
{
    for (uint32_t i = 0; i < p->compatible_len;) {
        uint32_t j = 0;
        while (c[j] && p->compatible[i + j] == c[j])
            j++;
        if (!c[j] && !p->compatible[i + j])
            return true;
        while (i < p->compatible_len && p->compatible[i])
            i++;
        i++;
    }
    return false;
}

uint32_t fdt_plat_blob_size(const void *blob)
{
    if (!blob || dtb_be32(blob) != DTB_MAGIC)
        return 0;
    return dtb_be32((const uint8_t *)blob + 4);
}

/* ---------------------------------------------------------------- interrupts */

/* The interrupt controller `node`'s interrupts are delivered to. */
static int irq_parent(const struct dtb *d, int node)
{
    for (int n = node, hops = 0; n >= 0 && hops < DTB_MAX_DEPTH; n = dtb_parent(d, n), hops++) {
        uint32_t ph = dtb_prop_u32(d, n, "interrupt-parent", 0);
        if (ph)
            return dtb_find_phandle(d, ph);
    }
    return -1;
}

/* The i-th interrupt of `node` as a GIC interrupt id, or 0 when not on the GIC. */
static uint32_t gic_intid(const struct dtb *d, int node, int gic, unsigned i)
{
    if (gic < 0 || irq_parent(d, node) != gic)
        return 0;
    if (dtb_prop_u32(d, gic, "#interrupt-cells", 0) != 3)
        return 0;
    uint32_t len;
    const uint8_t *p = dtb_prop(d, node, "interrupts", &len);
    if (!p || (uint64_t)(i + 1) * 12 > len)
        return 0;
    return fdt_gic_intid(dtb_be32(p + 12 * i), dtb_be32(p + 12 * i + 4));
}

/* ---------------------------------------------------------------- pieces */

static bool is_memory_node(const struct dtb *d, int n)
{
    const char *t = dtb_prop_str(d, n, "device_type");
    const char *name = dtb_name(d, n);
    if (t)
        return t[0] == 'm' && t[1] == 'e' && t[2] == 'm' && t[3] == 'o' && t[4] == 'r' &&
               t[5] == 'y' && t[6] == 0;
    return name[0] == 'm' && name[1] == 'e' && name[2] == 'm' && name[3] == 'o' &&
           name[4] == 'r' && name[5] == 'y' && (name[6] == 0 || name[6] == '@');
}

static void parse_memory(const struct dtb *d, struct fdt_plat *o)
{
    for (int n = dtb_first_child(d, dtb_root(d)); n >= 0; n = dtb_next_sibling(d, n)) {
        if (!is_memory_node(d, n) || !dtb_is_enabled(d, n))
            continue;
        uint64_t base, size;
        for (unsigned i = 0; o->mem_count < FDT_PLAT_MAX_MEM && !dtb_reg(d, n, i, &base, &size);
             i++)
            if (size && base + size > base)
                o->mem[o->mem_count++] = (struct fdt_range){base, size};
    }
}

static void add_rsv(struct fdt_plat *o, uint64_t base, uint64_t size)
{
    if (size && o->rsv_count < FDT_PLAT_MAX_RSV)
        o->rsv[o->rsv_count++] = (struct fdt_range){base, size};
}

static void parse_reserved(const struct dtb *d, struct fdt_plat *o)
{
    for (unsigned i = 0; i < dtb_rsv_count(d); i++) {
        uint64_t a, s;
        dtb_rsv_get(d, i, &a, &s);
        add_rsv(o, a, s);
    }
    int rm = dtb_find_path(d, "/reserved-memory", 16);
    for (int n = rm >= 0 ? dtb_first_child(d, rm) : -1; n >= 0; n = dtb_next_sibling(d, n)) {
        uint64_t a, s;
        for (unsigned i = 0; !dtb_reg(d, n, i, &a, &s); i++)
            add_rsv(o, a, s);
    }
}

static int parse_gic(const struct dtb *d, struct fdt_plat *o)
{
    int g = dtb_find_compatible(d, -1, "arm,gic-400");
    if (g < 0)
        g = dtb_find_compatible(d, -1, "arm,cortex-a15-gic");
    if (g < 0)
        g = dtb_find_compatible(d, -1, "arm,cortex-a7-gic");
    o->gic_version = g >= 0 ? 2 : 0;
    if (g < 0) {
        g = dtb_find_compatible(d, -1, "arm,gic-v3");
        o->gic_version = g >= 0 ? 3 : 0;
    }
    if (g < 0)
        return -1;
    if (dtb_reg(d, g, 0, &o->gicd_base, &o->gicd_size) ||
        dtb_reg(d, g, 1, &o->gicc_base, &o->gicc_size))
        o->gic_version = 0;
    return g;
}

static void parse_timer(const struct dtb *d, int gic, struct fdt_plat *o)
{
    int t = dtb_find_compatible(d, -1, "arm,armv8-timer");
    if (t < 0)
        t = dtb_find_compatible(d, -1, "arm,armv7-timer");
    o->timer_phys_intid = gic_intid(d, t, gic, 1);
    o->timer_virt_intid = gic_intid(d, t, gic, 2);
}

static void parse_psci(const struct dtb *d, struct fdt_plat *o)
{
    int p = dtb_find_compatible(d, -1, "arm,psci-1.0");
    if (p < 0)
        p = dtb_find_compatible(d, -1, "arm,psci-0.2");
    if (p < 0)
        p = dtb_find_compatible(d, -1, "arm,psci");
    const char *m = p >= 0 ? dtb_prop_str(d, p, "method") : NULL;
    o->psci = FDT_PSCI_NONE;
    if (m && m[0] == 'h' && m[1] == 'v' && m[2] == 'c' && !m[3])
        o->psci = FDT_PSCI_HVC;
    if (m && m[0] == 's' && m[1] == 'm' && m[2] == 'c' && !m[3])
        o->psci = FDT_PSCI_SMC;
}

static uint64_t chosen_addr(const struct dtb *d, int chosen, const char *name)
{
    uint32_t len;
    const uint8_t *p = dtb_prop(d, chosen, name, &len);
    return p && (len == 4 || len == 8) ? dtb_cells(p, len / 4) : 0;
}

/* The node /chosen stdout-path names (through /aliases), or -1. */
static int stdout_node(const struct dtb *d, int chosen)
{
    const char *s = dtb_prop_str(d, chosen, "stdout-path");
    if (!s)
        s = dtb_prop_str(d, chosen, "linux,stdout-path");
    if (!s)
        return -1;
    size_t n = 0;
    while (s[n] && s[n] != ':')
        n++;
    if (s[0] == '/')
        return dtb_find_path(d, s, n);
    int aliases = dtb_find_path(d, "/aliases", 8);
    char key[32];
    if (aliases < 0 || n >= sizeof(key))
        return -1;
    for (size_t i = 0; i < n; i++)
        key[i] = s[i];
    key[n] = 0;
    uint32_t len;
    const char *path = dtb_prop(d, aliases, key, &len);
    if (!path || len == 0 || path[len - 1] != 0 || path[0] != '/')
        return -1;
    return dtb_find_path(d, path, len - 1);
}

static bool uart_ok(const struct dtb *d, int n)
{
    return n >= 0 && dtb_is_compatible(d, n, "arm,pl011");
}

static void parse_uart(const struct dtb *d, int chosen, int gic, struct fdt_plat *o)
{
    int u = stdout_node(d, chosen);
    o->uart_from_stdout = uart_ok(d, u);
    if (!o->uart_from_stdout)
        for (u = dtb_find_compatible(d, -1, "arm,pl011"); u >= 0 && !dtb_is_enabled(d, u);)
            u = dtb_find_compatible(d, u, "arm,pl011");
    if (!uart_ok(d, u) || dtb_reg(d, u, 0, &o->uart_base, &o->uart_size))
        return;
    o->uart_found = true;
    o->uart_intid = gic_intid(d, u, gic, 0);
}

/* The first enabled PL031 real-time clock: a seconds counter (timer.c's clock of day). */
static void parse_rtc(const struct dtb *d, struct fdt_plat *o)
{
    int n = dtb_find_compatible(d, -1, "arm,pl031");
    while (n >= 0 && !dtb_is_enabled(d, n))
        n = dtb_find_compatible(d, n, "arm,pl031");
    o->rtc_found = n >= 0 && !dtb_reg(d, n, 0, &o->rtc_base, &o->rtc_size);
}

static void parse_cpus(const struct dtb *d, struct fdt_plat *o)
{
    int cpus = dtb_find_path(d, "/cpus", 5);
    o->cpu_count = 0;
    for (int n = cpus >= 0 ? dtb_first_child(d, cpus) : -1; n >= 0; n = dtb_next_sibling(d, n)) {
        const char *t = dtb_prop_str(d, n, "device_type");
        if (t && t[0] == 'c' && t[1] == 'p' && t[2] == 'u' && !t[3] && dtb_is_enabled(d, n))
            o->cpu_count++;
    }
    if (!o->cpu_count)
        o->cpu_count = 1;
}

static void parse_virtio(const struct dtb *d, int gic, struct fdt_plat *o)
{
    for (int n = dtb_find_compatible(d, -1, "virtio,mmio"); n >= 0;
         n = dtb_find_compatible(d, n, "virtio,mmio")) {
        if (o->virtio_count >= FDT_PLAT_MAX_VIRTIO || !dtb_is_enabled(d, n))
            continue;
        uint64_t b, s;
        if (dtb_reg(d, n, 0, &b, &s))
            continue;
        unsigned i = o->virtio_count++;
        o->virtio[i].base = b;
        o->virtio[i].size = s;
        o->virtio[i].intid = gic_intid(d, n, gic, 0);
    }
}

/* QEMU's fw_cfg (the ramfb boot console's configuration goes through it). */
static void parse_fw_cfg(const struct dtb *d, struct fdt_plat *o)
{
    int n = dtb_find_compatible(d, -1, "qemu,fw-cfg-mmio");
    while (n >= 0 && !dtb_is_enabled(d, n))
        n = dtb_find_compatible(d, n, "qemu,fw-cfg-mmio");
    uint64_t b, s;
    if (n >= 0 && !dtb_reg(d, n, 0, &b, &s) && s >= 0x18) {
        o->fw_cfg_base = b;
        o->fw_cfg_size = s;
    }
}

static bool str_is(const char *s, const char *want)
{
    size_t i = 0;
    while (s && want[i] && s[i] == want[i])
        i++;
    return s && !want[i] && !s[i];
}

/* Why the framebuffer node n cannot be used as 0xAARRGGBB pixels, or NULL. */
static const char *fb_check(const struct dtb *d, int n, struct fdt_plat *o)
{
    const char *fmt = dtb_prop_str(d, n, "format");
    if (dtb_reg(d, n, 0, &o->fb.base, &o->fb.size) || !o->fb.size)
        return "no usable reg";
    o->fb.width = dtb_prop_u32(d, n, "width", 0);
    o->fb.height = dtb_prop_u32(d, n, "height", 0);
    o->fb.stride = dtb_prop_u32(d, n, "stride", 0);
    if (!o->fb.width || !o->fb.height || o->fb.width > 8192 || o->fb.height > 8192)
        return "width or height missing or over 8192";
    if (!str_is(fmt, "a8r8g8b8") && !str_is(fmt, "x8r8g8b8"))
        return "format is not a8r8g8b8 or x8r8g8b8";
    if (o->fb.stride < o->fb.width * 4 || o->fb.stride % 4)
        return "stride is not a multiple of 4 of at least width * 4";
    if ((uint64_t)o->fb.stride * o->fb.height > o->fb.size)
        return "stride * height is larger than reg";
    return NULL;
}

static void parse_fb(const struct dtb *d, struct fdt_plat *o)
{
    int n = dtb_find_compatible(d, -1, "simple-framebuffer");
    while (n >= 0 && !dtb_is_enabled(d, n))
        n = dtb_find_compatible(d, n, "simple-framebuffer");
    if (n < 0)
        return;
    const char *why = fb_check(d, n, o);
    o->fb.found = !why;
    copy_str(o->fb.error, sizeof(o->fb.error), why);
}

int fdt_plat_parse(const void *blob, size_t avail, struct fdt_plat *o)
{
    struct dtb d;
    const char *why;
    zero(o, sizeof(*o));
    if (dtb_open(&d, blob, avail, &why))
        return fail(o, why);
    int root = dtb_root(&d);
    copy_compatible(&d, root, o);
    copy_str(o->model, sizeof(o->model), dtb_prop_str(&d, root, "model"));
    parse_memory(&d, o);
    if (!o->mem_count)
        return fail(o, "no /memory node with a usable reg");
    parse_reserved(&d, o);
    int chosen = dtb_find_path(&d, "/chosen", 7);
    copy_str(o->bootargs, sizeof(o->bootargs), dtb_prop_str(&d, chosen, "bootargs"));
    o->initrd_start = chosen_addr(&d, chosen, "linux,initrd-start");
    o->initrd_end = chosen_addr(&d, chosen, "linux,initrd-end");
    if (o->initrd_end <= o->initrd_start)
        o->initrd_start = o->initrd_end = 0;
    int gic = parse_gic(&d, o);
    parse_timer(&d, gic, o);
    parse_psci(&d, o);
    parse_uart(&d, chosen, gic, o);
    parse_rtc(&d, o);
    parse_cpus(&d, o);
    parse_virtio(&d, gic, o);
    fdt_pci_parse(&d, gic, &o->pci);
    parse_fb(&d, o);
    parse_fw_cfg(&d, o);
    return 0;
}
