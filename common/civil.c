/*
 * common/civil.c - calendar dates to Unix time (civil.h), for the RTC drivers of the
 * HALs. civil_days is the days-from-civil algorithm of H. Hinnant's "chrono-compatible
 * low-level date algorithms" (civil_from_unix its inverse): years counted from March, so the leap day is the last of
 * its year, and 400-year eras of 146,097 days; integer arithmetic only, exact for every
 * year an RTC can hold.
 *
 * Layer: common (core, services, host).
 */
#include "civil.h"

int64_t civil_days(int64_t year, uint32_t month, uint32_t day)
{
    int64_t y = year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                  /* 0..399 */
    int64_t mp = month > 2 ? (int64_t)month - 3 : (int64_t)month + 9; /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + (int64_t)day - 1;          /* 0..365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* 0..146096 */
    return era * 146097 + doe - 719468;                           /* 0000-03-01 -> 1970-01-01 */
}

static bool leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool civil_valid(const struct civil_time *t)
{
    static const uint8_t mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (t->month < 1 || t->month > 12 || t->day < 1)
        return false;
    uint32_t max = mdays[t->month - 1] + (t->month == 2 && leap(t->year));
    return t->day <= max && t->hour < 24 && t->minute < 60 && t->second < 60;
}

int64_t civil_unix_time(const struct civil_time *t)
{
    if (!civil_valid(t))
        return -1;
    return civil_days(t->year, t->month, t->day) * 86400 + t->hour * 3600 + t->minute * 60 +
           t->second;
}

/* Hinnant's civil-from-days: the same eras and March-based years, backwards. */
void civil_from_unix(int64_t s, struct civil_time *out)
{
    int64_t days = (s >= 0 ? s : s - 86399) / 86400, sod = s - days * 86400;
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;                                      /* 0..146096 */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* 0..399 */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);              /* 0..365 */
    int64_t mp = (5 * doy + 2) / 153;                                    /* March = 0 */
    out->day = (uint32_t)(doy - (153 * mp + 2) / 5 + 1);
    out->month = (uint32_t)(mp < 10 ? mp + 3 : mp - 9);
    out->year = (int32_t)(yoe + era * 400 + (out->month <= 2));
    out->hour = (uint32_t)(sod / 3600);
    out->minute = (uint32_t)(sod / 60 % 60);
    out->second = (uint32_t)(sod % 60);
}

int civil_bcd(uint8_t v)
{
    if ((v & 0x0f) > 9 || (v >> 4) > 9)
        return -1;
    return (v >> 4) * 10 + (v & 0x0f);
}
