/*
 * hal-aarch64/timer.c - time from the generic timer: CNTVCT for hal_time_now() and the
 * EL1 virtual timer (CNTV, its PPI from the device tree) as the one-shot deadline.
 *
 * The virtual timer is usable at EL1 whether we were entered at EL1 or dropped from
 * EL2 (start.S sets CNTVOFF_EL2 to 0). Ticks and nanoseconds convert with 32.32
 * fixed-point factors computed once from CNTFRQ.
 *
 * The clock of day is the PL031 real-time clock the device tree names (arm,pl031; QEMU
 * virt has one at 0x09010000, started at the host's UTC time): its data register counts
 * seconds since 1970, so hal_wall_clock_s reads it (one 32-bit load, any context). A
 * machine without one (the Pi 5's clock is in its power management chip) or whose
 * counter was never set (it reads 0) says 0, unknown.
 *
 * Layer: hal-aarch64.
 */
#include "arch.h"
#include "fdt_plat.h"

#include "hal.h"
#include "kernel.h"

static uint64_t g_freq, g_boot_count;
static uint64_t g_ns_per_tick_32; /* ns per tick << 32 */
static uint64_t g_tick_per_ns_32; /* ticks per ns << 32 */
static uint32_t g_intid = 27;
static uintptr_t g_rtc; /* the PL031's registers, 0 when there is none */

#define PL031_DR 0x000     /* data register: seconds */
#define PL031_PERIPH_ID0 0xfe0 /* 0x31: a PL031 */

uint64_t timer_counter(void)
{
    isb();
    return read_sysreg(cntvct_el0);
}

uint64_t timer_freq(void) { return g_freq; }
uint32_t timer_intid(void) { return g_intid; }

void timer_init(void)
{
    g_boot_count = timer_counter();
    g_freq = read_sysreg(cntfrq_el0);
    if (!g_freq)
        g_freq = 62500000; /* firmware left CNTFRQ unset: assume QEMU's */
    g_ns_per_tick_32 = (uint64_t)(((unsigned __int128)1000000000u << 32) / g_freq);
    g_tick_per_ns_32 = (uint64_t)(((unsigned __int128)g_freq << 32) / 1000000000u);
    if (g_plat.timer_virt_intid)
        g_intid = g_plat.timer_virt_intid;
    write_sysreg(cntv_ctl_el0, 2); /* disabled, masked */
    gic_enable(g_intid, true);
    if (g_plat.rtc_found && (mmio_read32(mmio_va(g_plat.rtc_base) + PL031_PERIPH_ID0) & 0xff) == 0x31)
        g_rtc = mmio_va(g_plat.rtc_base);
    int64_t now = hal_wall_clock_s();
    kprintf("[hal] clock of day: %s, %lld s since 1970\n", g_rtc ? "PL031" : "none",
            (long long)now);
}

int64_t hal_time_now(void)
{
    uint64_t t = timer_counter() - g_boot_count;
    return (int64_t)(((unsigned __int128)t * g_ns_per_tick_32) >> 32);
}

int64_t hal_wall_clock_s(void)
{
    return g_rtc ? (int64_t)mmio_read32(g_rtc + PL031_DR) : 0;
}

void hal_timer_set(int64_t deadline)
{
    if (deadline == INT64_MAX) {
        write_sysreg(cntv_ctl_el0, 2);
        return;
    }
    if (deadline < 0)
        deadline = 0;
    uint64_t ticks = (uint64_t)(((unsigned __int128)(uint64_t)deadline * g_tick_per_ns_32) >> 32);
    write_sysreg(cntv_cval_el0, g_boot_count + ticks + 1);
    write_sysreg(cntv_ctl_el0, 1);
    isb();
}

/* The deadline passed: the timer stays masked until the core arms it again. */
void timer_irq(bool from_user)
{
    write_sysreg(cntv_ctl_el0, 2);
    (void)from_user;
}
