/* Proleptic Gregorian calendar on day counts since 1970-01-01. */
#include "polyphase/clock.h"

#define MS_PER_DAY 86400000LL

/* Floor division for a positive divisor (C division truncates). */
static int64_t floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* The era-based algorithm: 400-year cycles of 146097 days, March-based years
 * so that the leap day is the last day of the year. Exact for every date. */
int64_t pp_days_from_civil(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = floor_div(y, 400);
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void pp_civil_from_days(int64_t days, int *y, unsigned *m, unsigned *d)
{
    days += 719468;
    const int64_t era = floor_div(days, 146097);
    const unsigned doe = (unsigned)(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

bool pp_is_leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned pp_days_in_month(int y, unsigned m)
{
    static const uint8_t DAYS[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12) {
        return 0;
    }
    return m == 2 && pp_is_leap_year(y) ? 29u : DAYS[m - 1];
}

unsigned pp_weekday_from_days(int64_t days)
{
    /* 1970-01-01 was a Thursday (4). */
    return (unsigned)((days % 7 + 7 + 3) % 7 + 1);
}

unsigned pp_day_of_year(int y, unsigned m, unsigned d)
{
    return (unsigned)(pp_days_from_civil(y, m, d) - pp_days_from_civil(y, 1, 1)) + 1;
}

void pp_civil_from_ms(int64_t ms, pp_civil_t *out)
{
    const int64_t days = floor_div(ms, MS_PER_DAY);
    const int64_t rem = ms - days * MS_PER_DAY;
    int y;
    unsigned m, d;
    pp_civil_from_days(days, &y, &m, &d);
    out->year = (uint16_t)y;
    out->month = (uint8_t)m;
    out->day = (uint8_t)d;
    out->weekday = (uint8_t)pp_weekday_from_days(days);
    out->hour = (uint8_t)(rem / 3600000);
    out->minute = (uint8_t)(rem / 60000 % 60);
    out->second = (uint8_t)(rem / 1000 % 60);
    out->ms = (uint16_t)(rem % 1000);
}

int64_t pp_ms_from_civil(const pp_civil_t *c)
{
    return pp_days_from_civil(c->year, c->month, c->day) * MS_PER_DAY +
           ((int64_t)c->hour * 3600 + c->minute * 60 + c->second) * 1000 + c->ms;
}
