/*
 * common/civil.h - calendar dates to seconds since 1970 (UTC) and back: an RTC gives
 * year, month, day, hour, minute and second (the CMOS one in BCD), and
 * hal_wall_clock_s() wants one number; the shell's `date` prints it as a date again. Proleptic Gregorian calendar, no leap seconds
 * (what Unix time counts). Freestanding, platform-free; the unit test is civil_test.c.
 *
 * Layer: common (core, services, host).
 */
#ifndef CORE_LIB_CIVIL_H
#define CORE_LIB_CIVIL_H

#include <stdbool.h>
#include <stdint.h>

struct civil_time {
    int32_t year;      /* e.g. 2026 */
    uint32_t month;    /* 1..12 */
    uint32_t day;      /* 1..days of that month */
    uint32_t hour, minute, second; /* 0..23, 0..59, 0..59 */
};

/* Days from 1970-01-01 to year-month-day (negative before it); month 1..12, day
 * 1..31, not checked against the month (civil_valid does that). */
int64_t civil_days(int64_t year, uint32_t month, uint32_t day);

/* The date is a real one (February 29 only in leap years) and the time within a day. */
bool civil_valid(const struct civil_time *t);

/* Seconds since 1970-01-01 00:00:00 UTC, or -1 when !civil_valid(t). */
int64_t civil_unix_time(const struct civil_time *t);

/* The inverse: seconds since 1970 (negative before it) as a date and time of day. */
void civil_from_unix(int64_t s, struct civil_time *out);

/* A packed BCD byte (0x59 -> 59); -1 when a digit is above 9. */
int civil_bcd(uint8_t v);

#endif
