/*
 * hal-x86_64/rtc.c - the clock of day from the PC's CMOS real-time clock (the MC146818
 * every PC and QEMU's q35 emulate: index port 0x70, data port 0x71).
 *
 * It is read once, at boot (x86_rtc_init, on the boot CPU before the others start): the
 * index/data port pair is one shared register window, so reading it later from any CPU
 * would need a lock, and a read can land in the middle of the chip's once-a-second
 * update. So: wait for the update-in-progress bit (status A, bit 7) to clear, read
 * seconds, minutes, hours, day, month and year, and do it again until two reads in a row
 * agree. Status B says the encoding: bit 2 binary (else packed BCD), bit 1 24-hour
 * (else 12-hour, with the PM flag in the hour's bit 7). The year is two digits; the
 * century is taken as 20 (the ACPI century register is optional, and a clock before
 * 2000 is wrong anyway). civil.c turns the date into seconds since 1970, and
 * hal_wall_clock_s adds the TSC's time since that read. A chip whose date does not
 * exist (a flat battery, garbage) leaves the clock unknown (0).
 *
 * Layer: hal-x86_64 (time, beside apic.c's TSC).
 */
#include "rtc.h"

#include "hal.h"
#include "cpu.h"
#include "print.h"
#include "civil.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define RTC_SEC 0x00
#define RTC_MIN 0x02
#define RTC_HOUR 0x04
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b
#define RTC_UIP 0x80       /* status A: an update is in progress (at most ~2 ms) */
#define RTC_BINARY 0x04    /* status B */
#define RTC_24H 0x02       /* status B */
#define RTC_PM 0x80        /* the hour, in 12-hour mode */
#define RTC_SPIN_MAX 10000000u /* port reads waiting for UIP to clear: far beyond 2 ms */

static int64_t g_wall_at_boot;  /* seconds since 1970 at g_read_ns; 0: unknown */
static int64_t g_read_ns;       /* hal_time_now() when it was read */

static uint8_t cmos_read(uint8_t reg)
{
    outb(CMOS_INDEX, reg);
    return inb(CMOS_DATA);
}

/* One snapshot of the six registers once no update is in progress; false if the bit
 * never cleared. */
static bool read_regs(uint8_t r[6])
{
    static const uint8_t regs[6] = {RTC_SEC, RTC_MIN, RTC_HOUR, RTC_DAY, RTC_MONTH, RTC_YEAR};
    uint32_t spins = 0;
    while (cmos_read(RTC_STATUS_A) & RTC_UIP)
        if (++spins > RTC_SPIN_MAX)
            return false;
    for (int i = 0; i < 6; i++)
        r[i] = cmos_read(regs[i]);
    return true;
}

static int field(uint8_t v, bool binary)
{
    return binary ? v : civil_bcd(v);
}

int64_t x86_rtc_decode(const uint8_t r[6], uint8_t status_b)
{
    bool bin = status_b & RTC_BINARY, pm = !(status_b & RTC_24H) && (r[2] & RTC_PM);
    int hour = field(r[2] & (uint8_t)~RTC_PM, bin);
    if (!(status_b & RTC_24H) && hour >= 1 && hour <= 12) /* 12 AM is 0, 12 PM is 12 */
        hour = hour % 12 + (pm ? 12 : 0);
    int f[6] = {field(r[0], bin), field(r[1], bin), hour, field(r[3], bin), field(r[4], bin),
                field(r[5], bin)};
    for (int i = 0; i < 6; i++)
        if (f[i] < 0)
            return -1;
    struct civil_time t = {2000 + f[5], (uint32_t)f[4], (uint32_t)f[3], (uint32_t)f[2],
                           (uint32_t)f[1], (uint32_t)f[0]};
    return civil_unix_time(&t);
}

void x86_rtc_init(void)
{
    uint8_t a[6], b[6];
    bool same = false;
    for (int tries = 0; tries < 5 && !same; tries++) {
        if (!read_regs(a) || !read_regs(b))
            break;
        same = true;
        for (int i = 0; i < 6; i++)
            same = same && a[i] == b[i];
    }
    g_read_ns = hal_time_now();
    int64_t s = same ? x86_rtc_decode(b, cmos_read(RTC_STATUS_B)) : -1;
    g_wall_at_boot = s > 0 ? s : 0;
    x86_printf("rtc: clock of day %s, %lld s since 1970\n",
               s > 0 ? "from the CMOS RTC" : "unknown (the CMOS RTC holds no date)",
               (long long)g_wall_at_boot);
}

int64_t hal_wall_clock_s(void)
{
    if (!g_wall_at_boot)
        return 0;
    return g_wall_at_boot + (hal_time_now() - g_read_ns) / 1000000000;
}
