/*
 * hal-x86_64/rtc.h - the CMOS real-time clock (rtc.c): the clock of day, read once at
 * boot, and its register decoding (unit-tested on the host, rtc_test.c).
 *
 * Layer: hal-x86_64 (above apic.c: its time since boot extends the reading).
 */
#ifndef HAL_X86_64_RTC_H
#define HAL_X86_64_RTC_H

#include <stdint.h>

/* Read the clock of day once, after the TSC is calibrated (boot CPU, before the others). */
void x86_rtc_init(void);

/* Seconds, minutes, hours, day, month and year registers (r[0..5], as read) under
 * status B as seconds since 1970 (years 2000-2099), or -1 when they hold no real date. */
int64_t x86_rtc_decode(const uint8_t r[6], uint8_t status_b);

#endif
