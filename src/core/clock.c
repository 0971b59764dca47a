#include "polyphase/clock.h"

#define MS_PER_DAY 86400000LL

/* Civil date <-> day count: the era-based algorithm (400-year cycles of
 * 146097 days), exact for every proleptic Gregorian date. */
int64_t pp_days_from_civil(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void pp_civil_from_days(int64_t days, int *y, unsigned *m, unsigned *d)
{
    days += 719468;
    const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
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
    return m == 2 && pp_is_leap_year(y) ? 29u : DAYS[(m - 1) % 12];
}

void pp_civil_from_ms(int64_t ms, pp_civil_t *out)
{
    int64_t days = ms >= 0 ? ms / MS_PER_DAY : -((-ms + MS_PER_DAY - 1) / MS_PER_DAY);
    int64_t rem = ms - days * MS_PER_DAY;
    int y;
    unsigned m, d;
    pp_civil_from_days(days, &y, &m, &d);
    out->year = (uint16_t)y;
    out->month = (uint8_t)m;
    out->day = (uint8_t)d;
    /* 1970-01-01 was a Thursday (4). */
    out->weekday = (uint8_t)(((days % 7) + 7 + 3) % 7 + 1);
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

pp_err_t pp_clock_init(pp_clock_t *c, int16_t std_offset_min, bool dst)
{
    PP_VERIFY(std_offset_min >= -720 && std_offset_min <= 840, PP_ERR_RANGE);
    c->std_offset_min = std_offset_min;
    c->dst_enabled = dst;
    c->dst_deviation_min = 60;
    return PP_OK;
}

/* Day (1..31) of the last Sunday of a month. */
static unsigned last_sunday(int y, unsigned m)
{
    unsigned last = pp_days_in_month(y, m);
    int64_t days = pp_days_from_civil(y, m, last);
    unsigned weekday = (unsigned)(((days % 7) + 7 + 3) % 7 + 1); /* 1 = Monday */
    return last - weekday % 7u;
}

void pp_clock_dst_bounds(int year, int64_t *begin_utc_ms, int64_t *end_utc_ms)
{
    *begin_utc_ms = pp_days_from_civil(year, 3, last_sunday(year, 3)) * MS_PER_DAY + 3600000;
    *end_utc_ms = pp_days_from_civil(year, 10, last_sunday(year, 10)) * MS_PER_DAY + 3600000;
}

bool pp_clock_dst_active(const pp_clock_t *c, int64_t utc_ms)
{
    if (!c->dst_enabled) {
        return false;
    }
    pp_civil_t u;
    pp_civil_from_ms(utc_ms, &u);
    int64_t begin, end;
    pp_clock_dst_bounds(u.year, &begin, &end);
    return utc_ms >= begin && utc_ms < end;
}

int32_t pp_clock_offset_min(const pp_clock_t *c, int64_t utc_ms)
{
    return c->std_offset_min + (pp_clock_dst_active(c, utc_ms) ? c->dst_deviation_min : 0);
}

int16_t pp_clock_deviation(const pp_clock_t *c, int64_t utc_ms)
{
    return (int16_t)-pp_clock_offset_min(c, utc_ms);
}

void pp_clock_local(const pp_clock_t *c, int64_t utc_ms, pp_civil_t *out, bool *dst)
{
    bool active = pp_clock_dst_active(c, utc_ms);
    if (dst) {
        *dst = active;
    }
    pp_civil_from_ms(utc_ms + (int64_t)pp_clock_offset_min(c, utc_ms) * 60000, out);
}

void pp_clock_standard(const pp_clock_t *c, int64_t utc_ms, pp_civil_t *out)
{
    pp_civil_from_ms(utc_ms + (int64_t)c->std_offset_min * 60000, out);
}

pp_err_t pp_clock_from_local(const pp_clock_t *c, const pp_civil_t *local, bool prefer_dst,
                             int64_t *utc_ms)
{
    PP_VERIFY(local->month >= 1 && local->month <= 12 && local->day >= 1 &&
                  local->day <= pp_days_in_month(local->year, local->month) &&
                  local->hour < 24 && local->minute < 60 && local->second < 60,
              PP_ERR_RANGE);
    const int64_t wall = pp_ms_from_civil(local);
    const int64_t as_std = wall - (int64_t)c->std_offset_min * 60000;
    const int64_t as_dst = as_std - (int64_t)c->dst_deviation_min * 60000;
    /* A candidate is right when the rule agrees with the offset it assumed. */
    bool std_ok = !pp_clock_dst_active(c, as_std);
    bool dst_ok = c->dst_enabled && pp_clock_dst_active(c, as_dst);
    PP_VERIFY(std_ok || dst_ok, PP_ERR_RANGE); /* the March gap */
    *utc_ms = (dst_ok && (prefer_dst || !std_ok)) ? as_dst : as_std;
    return PP_OK;
}
