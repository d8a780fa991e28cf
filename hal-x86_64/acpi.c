/*
 * hal-x86_64/acpi.c - the ACPI tables the HAL needs, and power (hal_power_off, hal_reboot).
 *
 * From the RSDP the loader found: the XSDT (or RSDT), then the MADT (local APIC and I/O
 * APIC addresses, CPUs, ISA interrupt overrides), the MCFG (PCI Express configuration
 * space) and the FADT (PM1 control ports, the reset register, the DSDT). Power-off
 * writes SLP_TYP(S5)|SLP_EN to PM1a/PM1b control; SLP_TYP comes from the DSDT's \_S5_
 * package, read with a small byte-level match rather than an AML interpreter. Tables
 * with a bad checksum are ignored. Without ACPI the HAL assumes the PC defaults.
 *
 * Layer: hal-x86_64 (above physmem.c and halt.c; apic.c, smp.c and boot.c read what it
 * found).
 */
#include "acpi.h"

#include "hal.h"
#include "cpu.h"
#include "bootinfo.h"
#include "halt.h"
#include "print.h"

#include "lib/kstring.h"

struct sdt {
    char sig[4];
    uint32_t length;
    uint8_t revision, checksum;
    char oem[6];
    char oem_table[8];
    uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));

struct x86_madt_info g_x86_madt;
static uint64_t g_mcfg_base;
static uint16_t g_pm1a_cnt, g_pm1b_cnt;
static uint16_t g_slp_typa, g_slp_typb;
static bool g_s5_found;
static uint8_t g_reset_space, g_reset_value;
static uint64_t g_reset_addr;

static const void *phys(uint64_t pa) { return hal_phys_to_virt(pa); }

static bool checksum_ok(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint8_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum = (uint8_t)(sum + b[i]);
    return sum == 0;
}

static const struct sdt *table_at(uint64_t pa)
{
    if (!pa || pa + sizeof(struct sdt) > g_x86_boot->direct_size)
        return NULL;
    const struct sdt *t = phys(pa);
    if (t->length < sizeof(*t) || t->length > (16u << 20) || !checksum_ok(t, t->length))
        return NULL;
    return t;
}

static uint32_t rd32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

static void parse_madt(const struct sdt *t)
{
    const uint8_t *b = (const uint8_t *)t;
    g_x86_madt.lapic_pa = rd32(b + 36);
    for (uint32_t o = 44; o + 2 <= t->length;) {
        uint8_t type = b[o], len = b[o + 1];
        if (len < 2 || o + len > t->length)
            break;
        const uint8_t *e = b + o;
        if (type == 0 && len >= 8 && (rd32(e + 4) & 1) && g_x86_madt.cpu_count < HAL_MAX_CPUS)
            g_x86_madt.apic_ids[g_x86_madt.cpu_count++] = e[3];
        else if (type == 1 && len >= 12 && !g_x86_madt.ioapic_pa) {
            g_x86_madt.ioapic_pa = rd32(e + 4);
            g_x86_madt.ioapic_gsi_base = rd32(e + 8);
        } else if (type == 2 && len >= 10 && e[2] == 0 && e[3] < 16) {
            g_x86_madt.isa_gsi[e[3]] = rd32(e + 4);
            g_x86_madt.isa_flags[e[3]] = (uint16_t)(e[8] | e[9] << 8);
        } else if (type == 5 && len >= 12)
            g_x86_madt.lapic_pa = rd64(e + 4);
        o += len;
    }
}

/* Find Name(_S5_, Package() {a, b, ...}) in AML and take its first two values. */
static bool aml_int(const uint8_t **p, const uint8_t *end, uint16_t *v)
{
    const uint8_t *q = *p;
    if (q >= end)
        return false;
    if (*q == 0x0a && q + 1 < end) { /* BytePrefix */
        *v = q[1];
        *p = q + 2;
    } else if (*q == 0x00 || *q == 0x01) { /* ZeroOp, OneOp */
        *v = *q;
        *p = q + 1;
    } else {
        *v = *q;
        *p = q + 1;
    }
    return true;
}

static void parse_s5(const struct sdt *dsdt)
{
    const uint8_t *b = (const uint8_t *)dsdt, *end = b + dsdt->length;
    for (const uint8_t *p = b + sizeof(*dsdt); p + 8 < end; p++) {
        if (p[0] != '_' || p[1] != 'S' || p[2] != '5' || p[3] != '_')
            continue;
        if (!(p[-1] == 0x08 || (p[-1] == '\\' && p[-2] == 0x08)) || p[4] != 0x12)
            continue;
        const uint8_t *q = p + 5;
        q += ((*q >> 6) & 3) + 1; /* PkgLength */
        q++;                      /* NumElements */
        if (aml_int(&q, end, &g_slp_typa) && aml_int(&q, end, &g_slp_typb))
            g_s5_found = true;
        return;
    }
}

static void parse_fadt(const struct sdt *t)
{
    const uint8_t *b = (const uint8_t *)t;
    g_pm1a_cnt = (uint16_t)rd32(b + 64);
    g_pm1b_cnt = (uint16_t)rd32(b + 68);
    uint64_t dsdt = rd32(b + 40);
    if (t->length >= 148 && rd64(b + 140))
        dsdt = rd64(b + 140);
    if (t->length >= 129 && (rd32(b + 112) & (1u << 10))) { /* RESET_REG_SUP */
        g_reset_space = b[116];
        g_reset_addr = rd64(b + 120);
        g_reset_value = b[128];
    }
    const struct sdt *d = table_at(dsdt);
    if (d)
        parse_s5(d);
}

static void parse_mcfg(const struct sdt *t)
{
    const uint8_t *b = (const uint8_t *)t;
    if (t->length >= 44 + 16 && rd32(b + 44 + 8) == 0) /* segment 0 starting at bus 0 */
        g_mcfg_base = rd64(b + 44);
}

static void visit(const struct sdt *t)
{
    if (!memcmp(t->sig, "APIC", 4))
        parse_madt(t);
    else if (!memcmp(t->sig, "FACP", 4))
        parse_fadt(t);
    else if (!memcmp(t->sig, "MCFG", 4))
        parse_mcfg(t);
}

void x86_acpi_init(void)
{
    for (unsigned i = 0; i < 16; i++)
        g_x86_madt.isa_gsi[i] = i;
    g_x86_madt.lapic_pa = 0xfee00000;
    g_x86_madt.ioapic_pa = 0;
    uint64_t rp = g_x86_boot->rsdp_pa;
    if (!rp)
        return;
    const uint8_t *r = phys(rp);
    if (memcmp(r, "RSD PTR ", 8) || !checksum_ok(r, 20))
        return;
    g_x86_on_qemu = !memcmp(r + 9, "BOCHS ", 6);
    bool x = r[15] >= 2 && rd64(r + 24);
    const struct sdt *root = table_at(x ? rd64(r + 24) : rd32(r + 16));
    if (!root)
        return;
    unsigned w = x ? 8 : 4;
    const uint8_t *e = (const uint8_t *)root + sizeof(*root);
    for (uint32_t i = 0; i < (root->length - sizeof(*root)) / w; i++) {
        const struct sdt *t = table_at(x ? rd64(e + i * w) : rd32(e + i * w));
        if (t)
            visit(t);
    }
    if (!g_x86_madt.ioapic_pa)
        g_x86_madt.ioapic_pa = 0xfec00000;
}

uint64_t x86_acpi_mcfg_base(void) { return g_mcfg_base; }

void x86_acpi_power_off(void)
{
    if (g_pm1a_cnt) {
        uint16_t a = (uint16_t)((g_s5_found ? g_slp_typa : 0) << 10 | 1u << 13);
        uint16_t b = (uint16_t)((g_s5_found ? g_slp_typb : 0) << 10 | 1u << 13);
        outw(g_pm1a_cnt, a);
        if (g_pm1b_cnt)
            outw(g_pm1b_cnt, b);
        for (volatile int i = 0; i < 10000000; i++)
            ;
    }
    x86_printf("power: ACPI power-off did not work; halted, you may switch off now\n");
    for (;;)
        __asm__ volatile("cli; hlt");
}

void x86_acpi_reset(void)
{
    if (g_reset_space == 1 && g_reset_addr) /* system I/O */
        outb((uint16_t)g_reset_addr, g_reset_value);
    else if (g_reset_space == 0 && g_reset_addr && g_reset_addr < g_x86_boot->direct_size)
        *(volatile uint8_t *)hal_phys_to_virt(g_reset_addr) = g_reset_value;
}

/* ---------------------------------------------------------------- core/hal.h: power */

void hal_power_off(int status)
{
    hal_irq_save();
    x86_qemu_exit(status);
    x86_acpi_power_off();
}

void hal_reboot(void)
{
    hal_irq_save();
    x86_acpi_reset();
    outb(0x64, 0xfe); /* the keyboard controller's reset line */
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) none = {0, 0};
    __asm__ volatile("lidt %0; int3" ::"m"(none)); /* triple fault */
    for (;;)
        __asm__ volatile("hlt");
}
