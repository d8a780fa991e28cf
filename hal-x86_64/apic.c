/*
 * hal-x86_64/apic.c - interrupt controllers and time.
 *
 * The legacy 8259 PICs are remapped out of the exception range and masked. The local
 * APIC (xAPIC, memory-mapped) takes interrupts and sends IPIs; the I/O APIC routes the
 * ISA lines the HAL uses (COM1). PCI devices use MSI-X and need no routing.
 *
 * Time: the TSC is the clock (hal_time_now), calibrated once against the PIT (channel
 * 0 counting down, read by latching; no PIT interrupt). The deadline timer is the local
 * APIC timer in one-shot mode, calibrated against the TSC; a deadline beyond the
 * counter's reach fires early and is re-armed here without bothering the core.
 *
 * Layer: hal-x86_64 (above acpi.c and mmu.c; trap.c, tlb.c, smp.c and serial.c call
 * it).
 */
#include "apic.h"

#include "hal.h"
#include "cpu.h"
#include "mmu.h"
#include "halt.h"
#include "print.h"
#include "acpi.h"

#define LAPIC_ID 0x20
#define LAPIC_TPR 0x80
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0
#define LVT_MASKED (1u << 16)

static volatile uint8_t *g_lapic;
static volatile uint8_t *g_ioapic;
static unsigned g_ioapic_pins;
uint64_t g_x86_tsc_hz;
static uint64_t g_tsc0;
static uint64_t g_ns_mult;    /* ns = tsc_delta * g_ns_mult >> 32 */
static uint64_t g_tick_mult;  /* apic ticks = ns * g_tick_mult >> 32 */

static uint32_t lapic_read(unsigned reg) { return mmio_read32(g_lapic + reg); }
static void lapic_write(unsigned reg, uint32_t v) { mmio_write32(g_lapic + reg, v); }

static uint32_t ioapic_read(unsigned reg)
{
    mmio_write32(g_ioapic, reg);
    return mmio_read32(g_ioapic + 0x10);
}

static void ioapic_write(unsigned reg, uint32_t v)
{
    mmio_write32(g_ioapic, reg);
    mmio_write32(g_ioapic + 0x10, v);
}

static void pic_disable(void)
{
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, 0x20); /* vectors 32..47: ignored as spurious by trap.c */
    outb(0xa1, 0x28);
    outb(0x21, 4);
    outb(0xa1, 2);
    outb(0x21, 1);
    outb(0xa1, 1);
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

/* ---- PIT-based TSC calibration */

static uint16_t pit_count(void)
{
    outb(0x43, 0x00); /* latch channel 0 */
    uint8_t lo = inb(0x40);
    uint8_t hi = inb(0x40);
    return (uint16_t)(hi << 8 | lo);
}

static uint64_t calibrate_tsc(void)
{
    const uint32_t pit_hz = 1193182, want = pit_hz / 50; /* 20 ms */
    outb(0x43, 0x30); /* channel 0, lobyte/hibyte, mode 0 */
    outb(0x40, 0xff);
    outb(0x40, 0xff);
    uint16_t start = pit_count();
    while (pit_count() == start) /* wait for the counter to move */
        ;
    start = pit_count();
    uint64_t t0 = rdtsc();
    uint16_t now;
    do {
        now = pit_count();
    } while ((uint16_t)(start - now) < want && now <= start);
    uint64_t t1 = rdtsc();
    uint32_t ticks = (uint16_t)(start - now);
    if (!ticks)
        return 0;
    return (t1 - t0) * pit_hz / ticks;
}

static uint64_t cpuid_tsc_hz(void)
{
    uint32_t r[4];
    cpuid(0, 0, r);
    if (r[0] < 0x15)
        return 0;
    cpuid(0x15, 0, r);
    if (!r[0] || !r[1] || !r[2])
        return 0;
    return (uint64_t)r[2] * r[1] / r[0];
}

static void calibrate_lapic(void)
{
    lapic_write(LAPIC_TIMER_DIV, 0x3); /* divide by 16 */
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | X86_VEC_TIMER);
    lapic_write(LAPIC_TIMER_INIT, 0xffffffffu);
    uint64_t t0 = rdtsc(), wait = g_x86_tsc_hz / 100; /* 10 ms */
    while (rdtsc() - t0 < wait)
        ;
    uint32_t left = lapic_read(LAPIC_TIMER_CUR);
    uint64_t t1 = rdtsc();
    lapic_write(LAPIC_TIMER_INIT, 0);
    uint64_t ticks = 0xffffffffu - left;
    uint64_t hz = ticks * g_x86_tsc_hz / (t1 - t0);
    if (!hz)
        x86_fatal("apic: the local APIC timer does not count");
    g_tick_mult = (hz << 32) / 1000000000u; /* hz < 2^32: fits */
}

void x86_apic_init(void)
{
    pic_disable();
    g_lapic = x86_mmio_map(g_x86_madt.lapic_pa, 4096, false);
    wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1u << 11));
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
    lapic_write(LAPIC_LVT_LINT1, LVT_MASKED);
    lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
    lapic_write(LAPIC_SVR, 0x100 | X86_VEC_SPURIOUS);
    x86_this_cpu()->apic_id = lapic_read(LAPIC_ID) >> 24;
    g_ioapic = x86_mmio_map(g_x86_madt.ioapic_pa, 4096, false);
    g_ioapic_pins = ((ioapic_read(1) >> 16) & 0xff) + 1;
    for (unsigned i = 0; i < g_ioapic_pins; i++)
        ioapic_write(0x10 + 2 * i, LVT_MASKED);
    uint64_t hz = cpuid_tsc_hz();
    g_x86_tsc_hz = hz ? hz : calibrate_tsc();
    if (g_x86_tsc_hz < 1000000)
        x86_fatal("apic: TSC calibration failed (%llu Hz)", (unsigned long long)g_x86_tsc_hz);
    g_ns_mult = (1000000000ull << 32) / g_x86_tsc_hz;
    g_tsc0 = rdtsc();
    calibrate_lapic();
    x86_printf("time: TSC %llu MHz, local APIC timer calibrated\n",
               (unsigned long long)(g_x86_tsc_hz / 1000000));
}

/* A secondary CPU's own local APIC: the same settings as the boot CPU's. */
void x86_apic_init_ap(void)
{
    wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1u << 11));
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
    lapic_write(LAPIC_LVT_LINT1, LVT_MASKED);
    lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
    lapic_write(LAPIC_SVR, 0x100 | X86_VEC_SPURIOUS);
    lapic_write(LAPIC_TIMER_DIV, 0x3);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | X86_VEC_TIMER);
    x86_this_cpu()->apic_id = lapic_read(LAPIC_ID) >> 24;
}

static void icr_wait(void)
{
    for (int i = 0; i < 1000000 && (lapic_read(LAPIC_ICR_LO) & (1u << 12)); i++)
        __asm__ volatile("pause");
}

static void delay_us(uint64_t us)
{
    uint64_t t0 = rdtsc(), n = g_x86_tsc_hz / 1000000 * us;
    while (rdtsc() - t0 < n)
        __asm__ volatile("pause");
}

/* INIT, then two STARTUPs at the page `start_page` (Intel SDM MP initialisation). */
void x86_apic_start_cpu(uint32_t apic_id, unsigned start_page)
{
    lapic_write(LAPIC_ICR_HI, apic_id << 24);
    lapic_write(LAPIC_ICR_LO, 0x4500); /* INIT, assert */
    icr_wait();
    delay_us(10000);
    for (int i = 0; i < 2; i++) {
        lapic_write(LAPIC_ICR_HI, apic_id << 24);
        lapic_write(LAPIC_ICR_LO, 0x4600 | (start_page & 0xff)); /* STARTUP */
        icr_wait();
        delay_us(200);
    }
}

void x86_apic_eoi(void) { lapic_write(LAPIC_EOI, 0); }
uint32_t x86_apic_id(void) { return lapic_read(LAPIC_ID) >> 24; }

void x86_apic_send_self(unsigned vector)
{
    lapic_write(LAPIC_ICR_HI, 0);
    lapic_write(LAPIC_ICR_LO, (1u << 18) | vector); /* shorthand: self */
}

void x86_apic_send_ipi(uint32_t apic_id, unsigned vector)
{
    lapic_write(LAPIC_ICR_HI, apic_id << 24);
    lapic_write(LAPIC_ICR_LO, vector);
}

void x86_ioapic_route(unsigned isa_irq, unsigned vector)
{
    uint32_t gsi = g_x86_madt.isa_gsi[isa_irq & 15];
    uint16_t fl = g_x86_madt.isa_flags[isa_irq & 15];
    if (gsi < g_x86_madt.ioapic_gsi_base || gsi - g_x86_madt.ioapic_gsi_base >= g_ioapic_pins)
        return;
    unsigned pin = gsi - g_x86_madt.ioapic_gsi_base;
    uint32_t lo = vector;
    if ((fl & 3) == 3)
        lo |= 1u << 13; /* active low */
    if (((fl >> 2) & 3) == 3)
        lo |= 1u << 15; /* level */
    ioapic_write(0x10 + 2 * pin + 1, x86_this_cpu()->apic_id << 24);
    ioapic_write(0x10 + 2 * pin, lo);
}

/* ---------------------------------------------------------------- core/hal.h: time */

int64_t hal_time_now(void)
{
    uint64_t d = rdtsc() - g_tsc0;
    return (int64_t)(((unsigned __int128)d * g_ns_mult) >> 32);
}

void hal_timer_set(int64_t deadline)
{
    struct x86_cpu *c = x86_this_cpu();
    c->deadline = deadline;
    if (deadline == INT64_MAX) {
        lapic_write(LAPIC_TIMER_INIT, 0);
        return;
    }
    int64_t delta = deadline - hal_time_now();
    if (delta < 1000)
        delta = 1000;
    uint64_t ticks = (uint64_t)(((unsigned __int128)(uint64_t)delta * g_tick_mult) >> 32);
    if (ticks == 0)
        ticks = 1;
    if (ticks > 0xffffffffu)
        ticks = 0xffffffffu;
    lapic_write(LAPIC_LVT_TIMER, X86_VEC_TIMER);
    lapic_write(LAPIC_TIMER_INIT, (uint32_t)ticks);
}

void x86_timer_irq(bool from_user)
{
    struct x86_cpu *c = x86_this_cpu();
    if (c->deadline == INT64_MAX)
        return;
    if (hal_time_now() < c->deadline) {
        hal_timer_set(c->deadline); /* the counter could not reach that far */
        return;
    }
    c->deadline = INT64_MAX;
    core_irq(HAL_IRQ_TIMER, from_user);
}
