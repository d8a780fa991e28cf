/*
 * hal-aarch64/timer.c - time from the generic timer: CNTVCT for hal_time_now() and the
 * EL1 virtual timer (CNTV, its PPI from the device tree) as the one-shot deadline.
 *
 * The virtual timer is usable at EL1 whether we were entered at EL1 or dropped from
 * EL2 (start.S sets CNTVOFF_EL2 to 0). Ticks and nanoseconds convert with 32.32
 * fixed-point factors computed once from CNTFRQ.
 *
 * Layer: hal-aarch64.
 */
#include "arch.h"
#include "fdt_plat.h"

#include "hal.h"

static uint64_t g_freq, g_boot_count;
static uint64_t g_ns_per_tick_32; /* ns per tick << 32 */
static uint64_t g_tick_per_ns_32; /* ticks per ns << 32 */
static uint32_t g_intid = 27;

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
}

int64_t hal_time_now(void)
{
    uint64_t t = timer_counter() - g_boot_count;
    return (int64_t)(((unsigned __int128)t * g_ns_per_tick_32) >> 32);
}

/* No clock of day is read yet: QEMU virt has a PL031 RTC (its DTB names it, arm,pl031)
 * and the Pi 5 one in its power management chip; neither has a driver here. */
int64_t hal_wall_clock_s(void) { return 0; }

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
