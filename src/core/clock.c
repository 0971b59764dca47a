/* Time zone, summer time, COSEM date-time and the class 8 clock as data.
 * Calendar arithmetic lives in calendar.c. */
#include "polyphase/clock.h"

#define MS_MIN 60000LL
#define MS_HOUR 3600000LL
#define MS_DAY 86400000LL
#define ANY PP_DT_FIELD_ANY
/* The RTC range the meter accepts: 1970-01-01 .. 2199-12-31. */
#define UTC_END_MS (84006 * MS_DAY) /* 2200-01-01: 230 * 365 + 56 leap days */
#define STICKY_BITS \
    (PP_CLOCK_STATUS_INVALID | PP_CLOCK_STATUS_DOUBTFUL | PP_CLOCK_STATUS_DIFFERENT_BASE)

static int64_t floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

static unsigned field_or_zero(uint8_t v)
{
    return v == ANY ? 0u : v;
}

/* ---- summer-time rules -------------------------------------------------- */

/* The day of month a DST pattern names in year y; 0 when it names none.
 * FE/FD with a weekday: that weekday on or before the last/second-last day
 * (FE + Sunday = last Sunday). A day number with a weekday: that weekday on
 * or after the day, within the month. */
static unsigned rule_day(const pp_axdr_datetime_t *r, int y)
{
    const unsigned dim = pp_days_in_month(y, r->month);
    if (dim == 0) {
        return 0;
    }
    if (r->day == PP_DT_DAY_LAST || r->day == PP_DT_DAY_2ND_LAST) {
        unsigned d = r->day == PP_DT_DAY_LAST ? dim : dim - 1;
        if (r->dow != ANY) {
            unsigned wd = pp_weekday_from_days(pp_days_from_civil(y, r->month, d));
            d -= (wd + 7u - r->dow) % 7u;
        }
        return d;
    }
    if (r->day < 1 || r->day > dim) {
        return 0;
    }
    unsigned d = r->day;
    if (r->dow != ANY) {
        unsigned wd = pp_weekday_from_days(pp_days_from_civil(y, r->month, d));
        d += (r->dow + 7u - wd) % 7u;
    }
    return d <= dim ? d : 0;
}

/* UTC instant of a DST pattern in year y. Without a deviation the pattern is
 * local time with offset_min (standard for begin, standard + DST for end). */
static bool rule_utc(const pp_axdr_datetime_t *r, int y, int32_t offset_min, int64_t *out)
{
    if (r->year != PP_DT_YEAR_ANY && r->year != y) {
        return false;
    }
    const unsigned d = rule_day(r, y);
    if (d == 0) {
        return false;
    }
    int64_t t = pp_days_from_civil(y, r->month, d) * MS_DAY + field_or_zero(r->hour) * MS_HOUR +
                field_or_zero(r->minute) * MS_MIN + field_or_zero(r->second) * 1000LL;
    if (r->deviation != PP_DT_DEVIATION_ANY) {
        t += r->deviation * MS_MIN; /* local + deviation = UTC */
    } else {
        t -= offset_min * MS_MIN;
    }
    *out = t;
    return true;
}

static void pattern_clear(pp_axdr_datetime_t *p)
{
    *p = (pp_axdr_datetime_t){.year = PP_DT_YEAR_ANY, .month = ANY, .day = ANY, .dow = ANY,
                              .hour = ANY, .minute = ANY, .second = ANY, .hundredths = ANY,
                              .deviation = PP_DT_DEVIATION_ANY, .status = ANY};
}

/* Last <Sunday> of month at 01:00 UTC, written in local time when that stays
 * on the same local day (the usual form, e.g. 02:00 CET), else in UTC with
 * deviation 0. */
static void eu_pattern(pp_axdr_datetime_t *p, uint8_t month, int32_t offset_min)
{
    pattern_clear(p);
    p->month = month;
    p->day = PP_DT_DAY_LAST;
    p->dow = 7;
    p->minute = 0;
    p->second = 0;
    int32_t local = 60 + offset_min;
    if (local >= 0 && local < 1440) {
        p->hour = (uint8_t)(local / 60);
        p->minute = (uint8_t)(local % 60);
    } else {
        p->hour = 1;
        p->deviation = 0;
    }
}

void pp_clock_set_eu_rule(pp_clock_t *c)
{
    eu_pattern(&c->dst_begin, 3, c->std_offset_min);
    eu_pattern(&c->dst_end, 10, c->std_offset_min + c->dst_deviation_min);
}

pp_err_t pp_clock_init(pp_clock_t *c, int16_t std_offset_min, bool dst)
{
    PP_VERIFY(c != NULL, PP_ERR_ARG);
    PP_VERIFY(std_offset_min >= -720 && std_offset_min <= 720, PP_ERR_RANGE);
    *c = (pp_clock_t){.std_offset_min = std_offset_min, .dst_enabled = dst,
                      .dst_deviation_min = 60, .clock_base = PP_CLOCK_BASE_CRYSTAL};
    pp_clock_set_eu_rule(c);
    return PP_OK;
}

void pp_clock_dst_bounds(int year, int64_t *begin_utc_ms, int64_t *end_utc_ms)
{
    pp_axdr_datetime_t p;
    eu_pattern(&p, 3, 1440); /* forces the UTC form: 01:00, deviation 0 */
    (void)rule_utc(&p, year, 0, begin_utc_ms);
    p.month = 10;
    (void)rule_utc(&p, year, 0, end_utc_ms);
}

pp_err_t pp_clock_dst_period(const pp_clock_t *c, int year, int64_t *begin_utc_ms,
                             int64_t *end_utc_ms)
{
    PP_VERIFY(c->dst_enabled, PP_ERR_NOT_FOUND);
    PP_VERIFY(rule_utc(&c->dst_begin, year, c->std_offset_min, begin_utc_ms), PP_ERR_NOT_FOUND);
    PP_VERIFY(rule_utc(&c->dst_end, year, c->std_offset_min + c->dst_deviation_min, end_utc_ms),
              PP_ERR_NOT_FOUND);
    return PP_OK;
}

bool pp_clock_dst_active(const pp_clock_t *c, int64_t utc_ms)
{
    if (!c->dst_enabled) {
        return false;
    }
    pp_civil_t s;
    pp_civil_from_ms(utc_ms + c->std_offset_min * MS_MIN, &s);
    int64_t b, e;
    if (pp_clock_dst_period(c, s.year, &b, &e) != PP_OK) {
        return false;
    }
    /* begin after end: a southern-hemisphere rule across the new year. */
    return b <= e ? (utc_ms >= b && utc_ms < e) : (utc_ms >= b || utc_ms < e);
}

int32_t pp_clock_offset_min(const pp_clock_t *c, int64_t utc_ms)
{
    return c->std_offset_min + (pp_clock_dst_active(c, utc_ms) ? c->dst_deviation_min : 0);
}

int16_t pp_clock_deviation(const pp_clock_t *c, int64_t utc_ms)
{
    return (int16_t)-pp_clock_offset_min(c, utc_ms);
}

/* ---- conversions --------------------------------------------------------- */

void pp_clock_local(const pp_clock_t *c, int64_t utc_ms, pp_civil_t *out, bool *dst)
{
    bool active = pp_clock_dst_active(c, utc_ms);
    if (dst) {
        *dst = active;
    }
    int32_t off = c->std_offset_min + (active ? c->dst_deviation_min : 0);
    pp_civil_from_ms(utc_ms + off * MS_MIN, out);
}

void pp_clock_standard(const pp_clock_t *c, int64_t utc_ms, pp_civil_t *out)
{
    pp_civil_from_ms(utc_ms + c->std_offset_min * MS_MIN, out);
}

static pp_err_t check_civil(const pp_civil_t *l)
{
    PP_VERIFY(l != NULL, PP_ERR_ARG);
    PP_VERIFY(l->month >= 1 && l->month <= 12 && l->day >= 1 &&
                  l->day <= pp_days_in_month(l->year, l->month) && l->hour < 24 &&
                  l->minute < 60 && l->second < 60 && l->ms < 1000,
              PP_ERR_RANGE);
    return PP_OK;
}

pp_err_t pp_clock_from_local_ex(const pp_clock_t *c, const pp_civil_t *local, unsigned policy,
                                int64_t *utc_ms)
{
    PP_TRY(check_civil(local));
    const int64_t as_std = pp_ms_from_civil(local) - c->std_offset_min * MS_MIN;
    const int64_t as_dst = as_std - c->dst_deviation_min * MS_MIN;
    /* A reading is right when the rule agrees with the offset it assumed. */
    const bool std_ok = !pp_clock_dst_active(c, as_std);
    const bool dst_ok = c->dst_enabled && pp_clock_dst_active(c, as_dst);
    if (!std_ok && !dst_ok) { /* the spring gap */
        PP_VERIFY(policy & PP_LOCAL_GAP_SHIFT, PP_ERR_RANGE);
        *utc_ms = as_std; /* 02:30 read as standard time is 03:30 summer time */
        return PP_OK;
    }
    if (std_ok && dst_ok) { /* the autumn hour that happens twice */
        *utc_ms = (policy & PP_LOCAL_SECOND) ? as_std : as_dst;
    } else {
        *utc_ms = std_ok ? as_std : as_dst;
    }
    return PP_OK;
}

pp_err_t pp_clock_from_local(const pp_clock_t *c, const pp_civil_t *local, bool prefer_dst,
                             int64_t *utc_ms)
{
    return pp_clock_from_local_ex(c, local, prefer_dst ? PP_LOCAL_FIRST : PP_LOCAL_SECOND,
                                  utc_ms);
}

pp_err_t pp_clock_from_standard(const pp_clock_t *c, const pp_civil_t *std, int64_t *utc_ms)
{
    PP_TRY(check_civil(std));
    *utc_ms = pp_ms_from_civil(std) - c->std_offset_min * MS_MIN;
    return PP_OK;
}

/* ---- helpers ------------------------------------------------------------- */

pp_err_t pp_clock_interval_start(const pp_clock_t *c, int64_t utc_ms, uint32_t period_min,
                                 bool wall, int64_t *start_utc_ms)
{
    PP_VERIFY(period_min >= 1 && period_min <= 1440 && 1440 % period_min == 0, PP_ERR_RANGE);
    const int64_t p = period_min * MS_MIN;
    if (!wall) {
        const int64_t s = utc_ms + c->std_offset_min * MS_MIN;
        *start_utc_ms = floor_div(s, p) * p - c->std_offset_min * MS_MIN;
        return PP_OK;
    }
    pp_civil_t l;
    bool dst;
    pp_clock_local(c, utc_ms, &l, &dst);
    pp_civil_from_ms(floor_div(pp_ms_from_civil(&l), p) * p, &l);
    /* Stay on the pass the instant is on; a start in the gap moves forward. */
    unsigned policy = (dst ? PP_LOCAL_FIRST : PP_LOCAL_SECOND) | PP_LOCAL_GAP_SHIFT;
    PP_TRY(pp_clock_from_local_ex(c, &l, policy, start_utc_ms));
    PP_VERIFY(*start_utc_ms <= utc_ms, PP_ERR_INTERNAL);
    return PP_OK;
}

pp_err_t pp_clock_next_monthly(const pp_clock_t *c, int64_t after_utc_ms, uint8_t day,
                               uint8_t hour, uint8_t minute, int64_t *next_utc_ms)
{
    PP_VERIFY(day >= 1 && day <= 31 && hour < 24 && minute < 60, PP_ERR_RANGE);
    pp_civil_t l;
    pp_clock_local(c, after_utc_ms, &l, NULL);
    int y = l.year;
    unsigned m = l.month;
    for (int i = 0; i < 3; i++) {
        const unsigned dim = pp_days_in_month(y, m);
        pp_civil_t t = {.year = (uint16_t)y, .month = (uint8_t)m,
                        .day = (uint8_t)(day > dim ? dim : day), .hour = hour, .minute = minute};
        int64_t u;
        PP_TRY(pp_clock_from_local_ex(c, &t, PP_LOCAL_FIRST | PP_LOCAL_GAP_SHIFT, &u));
        if (u > after_utc_ms) {
            *next_utc_ms = u;
            return PP_OK;
        }
        if (++m > 12) {
            m = 1;
            y++;
        }
    }
    return PP_ERR_INTERNAL; /* two months always hold one */
}

/* The local month in which the DST rule's begin (or end) falls this year. */
static unsigned dst_month(const pp_clock_t *c, int year, bool begin)
{
    int64_t b, e;
    if (pp_clock_dst_period(c, year, &b, &e) != PP_OK) {
        return 0;
    }
    pp_civil_t l;
    pp_clock_local(c, begin ? b : e, &l, NULL);
    return l.month;
}

static bool field_matches(uint8_t pattern, unsigned value)
{
    return pattern == ANY || pattern == value;
}

bool pp_clock_matches(const pp_clock_t *c, const pp_axdr_datetime_t *p, int64_t utc_ms)
{
    pp_civil_t l;
    pp_clock_local(c, utc_ms, &l, NULL);
    if (p->year != PP_DT_YEAR_ANY && p->year != l.year) {
        return false;
    }
    if (p->month == PP_DT_MONTH_DST_BEGIN || p->month == PP_DT_MONTH_DST_END) {
        if (dst_month(c, l.year, p->month == PP_DT_MONTH_DST_BEGIN) != l.month) {
            return false;
        }
    } else if (!field_matches(p->month, l.month)) {
        return false;
    }
    const unsigned dim = pp_days_in_month(l.year, l.month);
    if (p->day == PP_DT_DAY_LAST || p->day == PP_DT_DAY_2ND_LAST) {
        if (l.day != (p->day == PP_DT_DAY_LAST ? dim : dim - 1)) {
            return false;
        }
    } else if (!field_matches(p->day, l.day)) {
        return false;
    }
    return field_matches(p->dow, l.weekday) && field_matches(p->hour, l.hour) &&
           field_matches(p->minute, l.minute) && field_matches(p->second, l.second) &&
           field_matches(p->hundredths, l.ms / 10u);
}

/* ---- reading and setting ------------------------------------------------- */

pp_err_t pp_clock_read(const pp_clock_t *c, const pp_port_t *port, pp_clock_now_t *now)
{
    PP_VERIFY(c != NULL && port != NULL && port->rtc_get != NULL && now != NULL, PP_ERR_ARG);
    int64_t t = 0;
    pp_err_t rc = port->rtc_get(port->ctx, &t);
    if (rc == PP_OK && t >= 0 && t < UTC_END_MS) {
        now->utc_ms = t;
        now->status = (uint8_t)(c->sticky | (pp_clock_dst_active(c, t) ? PP_CLOCK_STATUS_DST : 0));
        return PP_OK;
    }
    now->utc_ms = 0;
    now->status = (uint8_t)(c->sticky | PP_CLOCK_STATUS_INVALID);
    return (rc == PP_OK || rc == PP_ERR_STATE) ? PP_OK : PP_ERR_PORT;
}

pp_err_t pp_clock_set(pp_clock_t *c, const pp_port_t *port, int64_t utc_ms,
                      pp_clock_change_t *change)
{
    PP_VERIFY(c != NULL && port != NULL && port->rtc_set != NULL, PP_ERR_ARG);
    PP_VERIFY(utc_ms >= 0 && utc_ms < UTC_END_MS, PP_ERR_RANGE);
    pp_clock_now_t old;
    pp_err_t rc = pp_clock_read(c, port, &old);
    if (port->rtc_set(port->ctx, utc_ms) != PP_OK) {
        return PP_ERR_PORT;
    }
    c->sticky &= (uint8_t)~(PP_CLOCK_STATUS_INVALID | PP_CLOCK_STATUS_DOUBTFUL);
    if (change) {
        change->old_valid = rc == PP_OK && !(old.status & PP_CLOCK_STATUS_INVALID);
        change->old_utc_ms = change->old_valid ? old.utc_ms : 0;
        change->old_status = old.status;
        change->new_utc_ms = utc_ms;
    }
    return PP_OK;
}

static pp_err_t read_valid(const pp_clock_t *c, const pp_port_t *port, int64_t *utc_ms)
{
    pp_clock_now_t now;
    PP_TRY(pp_clock_read(c, port, &now));
    PP_VERIFY(!(now.status & PP_CLOCK_STATUS_INVALID), PP_ERR_STATE);
    *utc_ms = now.utc_ms;
    return PP_OK;
}

pp_err_t pp_clock_shift(pp_clock_t *c, const pp_port_t *port, int32_t seconds,
                        pp_clock_change_t *change)
{
    PP_VERIFY(seconds >= -900 && seconds <= 900, PP_ERR_RANGE);
    int64_t t;
    PP_TRY(read_valid(c, port, &t));
    return pp_clock_set(c, port, t + seconds * 1000LL, change);
}

pp_err_t pp_clock_adjust_to(pp_clock_t *c, const pp_port_t *port, uint32_t period_s,
                            pp_clock_change_t *change)
{
    PP_VERIFY(period_s >= 1 && period_s <= 86400 && 86400 % period_s == 0, PP_ERR_RANGE);
    int64_t t;
    PP_TRY(read_valid(c, port, &t));
    const int64_t p = period_s * 1000LL, off = c->std_offset_min * MS_MIN;
    return pp_clock_set(c, port, floor_div(t + off + p / 2, p) * p - off, change);
}

void pp_clock_flag(pp_clock_t *c, uint8_t bits, bool on)
{
    bits &= STICKY_BITS;
    c->sticky = on ? (uint8_t)(c->sticky | bits) : (uint8_t)(c->sticky & ~bits);
}

/* ---- COSEM date-time codec ----------------------------------------------- */

static bool in_range(uint8_t v, uint8_t lo, uint8_t hi)
{
    return v == ANY || (v >= lo && v <= hi);
}

static pp_err_t fail(pp_dt_field_t *bad, pp_dt_field_t f, pp_err_t e)
{
    if (bad) {
        *bad = f;
    }
    return e;
}

static pp_err_t check_date(const pp_axdr_datetime_t *dt, pp_dt_field_t *bad)
{
    const uint8_t m = dt->month, d = dt->day;
    if (!in_range(m, 1, 12) && m != PP_DT_MONTH_DST_END && m != PP_DT_MONTH_DST_BEGIN) {
        return fail(bad, PP_DT_F_MONTH, PP_ERR_RANGE);
    }
    if (!in_range(d, 1, 31) && d != PP_DT_DAY_2ND_LAST && d != PP_DT_DAY_LAST) {
        return fail(bad, PP_DT_F_DAY, PP_ERR_RANGE);
    }
    const bool year = dt->year != PP_DT_YEAR_ANY, month = m >= 1 && m <= 12,
               day = d >= 1 && d <= 31;
    if (month && day) {
        /* Without a year, 29 February may still exist. */
        const unsigned max = year ? pp_days_in_month(dt->year, m) : pp_days_in_month(2000, m);
        if (d > max) {
            return fail(bad, PP_DT_F_DAY, PP_ERR_RANGE);
        }
    }
    if (!in_range(dt->dow, 1, 7)) {
        return fail(bad, PP_DT_F_DOW, PP_ERR_RANGE);
    }
    if (dt->dow != ANY && year && month && day &&
        pp_weekday_from_days(pp_days_from_civil(dt->year, m, d)) != dt->dow) {
        return fail(bad, PP_DT_F_DOW, PP_ERR_MALFORMED);
    }
    return PP_OK;
}

static pp_err_t check_time(const pp_axdr_datetime_t *dt, pp_dt_field_t *bad)
{
    if (!in_range(dt->hour, 0, 23)) {
        return fail(bad, PP_DT_F_HOUR, PP_ERR_RANGE);
    }
    if (!in_range(dt->minute, 0, 59)) {
        return fail(bad, PP_DT_F_MINUTE, PP_ERR_RANGE);
    }
    if (!in_range(dt->second, 0, 59)) {
        return fail(bad, PP_DT_F_SECOND, PP_ERR_RANGE);
    }
    if (!in_range(dt->hundredths, 0, 99)) {
        return fail(bad, PP_DT_F_HUNDREDTHS, PP_ERR_RANGE);
    }
    return PP_OK;
}

pp_err_t pp_clock_dt_check(const pp_axdr_datetime_t *dt, unsigned parts, pp_dt_field_t *bad)
{
    PP_VERIFY(dt != NULL, PP_ERR_ARG);
    if (bad) {
        *bad = PP_DT_OK;
    }
    if (parts & PP_DT_PART_DATE) {
        PP_TRY(check_date(dt, bad));
    }
    if (parts & PP_DT_PART_TIME) {
        PP_TRY(check_time(dt, bad));
    }
    if (parts & PP_DT_PART_ZONE) {
        if (dt->deviation != PP_DT_DEVIATION_ANY &&
            (dt->deviation < -720 || dt->deviation > 720)) {
            return fail(bad, PP_DT_F_DEVIATION, PP_ERR_RANGE);
        }
        if (dt->status != ANY && (dt->status & PP_CLOCK_STATUS_RESERVED)) {
            return fail(bad, PP_DT_F_STATUS, PP_ERR_RANGE);
        }
    }
    return PP_OK;
}

static pp_err_t decode_part(const uint8_t *in, size_t len, size_t want, unsigned parts,
                            pp_axdr_datetime_t *out, pp_dt_field_t *bad)
{
    PP_VERIFY(out != NULL && (in != NULL || len == 0), PP_ERR_ARG);
    pattern_clear(out);
    if (len != want) {
        return fail(bad, PP_DT_F_LENGTH, len < want ? PP_ERR_TRUNCATED : PP_ERR_MALFORMED);
    }
    if (parts & PP_DT_PART_DATE) {
        out->year = (uint16_t)(in[0] << 8 | in[1]);
        out->month = in[2];
        out->day = in[3];
        out->dow = in[4];
        in += 5;
    }
    if (parts & PP_DT_PART_TIME) {
        out->hour = in[0];
        out->minute = in[1];
        out->second = in[2];
        out->hundredths = in[3];
        in += 4;
    }
    if (parts & PP_DT_PART_ZONE) {
        out->deviation = (int16_t)(uint16_t)(in[0] << 8 | in[1]);
        out->status = in[2];
    }
    return pp_clock_dt_check(out, parts, bad);
}

pp_err_t pp_clock_dt_decode(const uint8_t *in, size_t len, pp_axdr_datetime_t *out,
                            pp_dt_field_t *bad)
{
    return decode_part(in, len, 12, PP_DT_PART_ALL, out, bad);
}

pp_err_t pp_clock_date_decode(const uint8_t *in, size_t len, pp_axdr_datetime_t *out,
                              pp_dt_field_t *bad)
{
    return decode_part(in, len, 5, PP_DT_PART_DATE, out, bad);
}

pp_err_t pp_clock_time_decode(const uint8_t *in, size_t len, pp_axdr_datetime_t *out,
                              pp_dt_field_t *bad)
{
    return decode_part(in, len, 4, PP_DT_PART_TIME, out, bad);
}

static int encode_part(const pp_axdr_datetime_t *dt, uint8_t *out, size_t cap, unsigned parts)
{
    PP_VERIFY(out != NULL || cap == 0, PP_ERR_ARG);
    PP_TRY(pp_clock_dt_check(dt, parts, NULL));
    uint8_t b[12];
    pp_axdr_datetime_pack(dt, b);
    const size_t from = (parts & PP_DT_PART_DATE) ? 0 : 5;
    const size_t n = parts == PP_DT_PART_ALL ? 12 : parts == PP_DT_PART_DATE ? 5 : 4;
    PP_VERIFY(cap >= n, PP_ERR_NOSPACE);
    for (size_t i = 0; i < n; i++) {
        out[i] = b[from + i];
    }
    return (int)n;
}

int pp_clock_dt_encode(const pp_axdr_datetime_t *dt, uint8_t *out, size_t cap)
{
    return encode_part(dt, out, cap, PP_DT_PART_ALL);
}

int pp_clock_date_encode(const pp_axdr_datetime_t *dt, uint8_t *out, size_t cap)
{
    return encode_part(dt, out, cap, PP_DT_PART_DATE);
}

int pp_clock_time_encode(const pp_axdr_datetime_t *dt, uint8_t *out, size_t cap)
{
    return encode_part(dt, out, cap, PP_DT_PART_TIME);
}

static void dt_from_civil(const pp_civil_t *l, int32_t offset_min, uint8_t status,
                          pp_axdr_datetime_t *out)
{
    /* Summer time beyond +-12 h (e.g. +12 h + 1 h) has no COSEM deviation. */
    const bool fits = offset_min >= -720 && offset_min <= 720;
    *out = (pp_axdr_datetime_t){.year = l->year, .month = l->month, .day = l->day,
                                .dow = l->weekday, .hour = l->hour, .minute = l->minute,
                                .second = l->second, .hundredths = (uint8_t)(l->ms / 10u),
                                .deviation = fits ? (int16_t)-offset_min : PP_DT_DEVIATION_ANY,
                                .status = status};
}

void pp_clock_dt_local(const pp_clock_t *c, int64_t utc_ms, uint8_t extra_status,
                       pp_axdr_datetime_t *out)
{
    pp_civil_t l;
    bool dst;
    pp_clock_local(c, utc_ms, &l, &dst);
    uint8_t st = (uint8_t)((extra_status & ~PP_CLOCK_STATUS_DST) | (dst ? PP_CLOCK_STATUS_DST : 0));
    dt_from_civil(&l, c->std_offset_min + (dst ? c->dst_deviation_min : 0), st, out);
}

void pp_clock_dt_standard(const pp_clock_t *c, int64_t utc_ms, uint8_t extra_status,
                          pp_axdr_datetime_t *out)
{
    pp_civil_t l;
    pp_clock_standard(c, utc_ms, &l);
    dt_from_civil(&l, c->std_offset_min, (uint8_t)(extra_status & ~PP_CLOCK_STATUS_DST), out);
}

/* pp_clock_dt_to_utc of a date-time already checked. */
static pp_err_t checked_to_utc(const pp_clock_t *c, const pp_axdr_datetime_t *dt, int64_t *utc_ms)
{
    PP_VERIFY(dt->year >= 1969 && dt->year <= 2200 && dt->month >= 1 && dt->month <= 12 &&
                  dt->day >= 1 && dt->day <= 31 && dt->hour != ANY && dt->minute != ANY &&
                  dt->second != ANY,
              PP_ERR_RANGE);
    pp_civil_t l = {.year = dt->year, .month = dt->month, .day = dt->day, .hour = dt->hour,
                    .minute = dt->minute, .second = dt->second,
                    .ms = (uint16_t)(field_or_zero(dt->hundredths) * 10u)};
    int64_t u;
    if (dt->deviation != PP_DT_DEVIATION_ANY) {
        u = pp_ms_from_civil(&l) + dt->deviation * MS_MIN;
    } else {
        /* Status given without the DST bit: the standard-time pass. */
        unsigned policy = (dt->status != ANY && !(dt->status & PP_CLOCK_STATUS_DST))
                              ? PP_LOCAL_SECOND
                              : PP_LOCAL_FIRST;
        PP_TRY(pp_clock_from_local_ex(c, &l, policy, &u));
    }
    /* The instant must be one the RTC holds (local dates reach 1969/2200). */
    PP_VERIFY(u >= 0 && u < UTC_END_MS, PP_ERR_RANGE);
    *utc_ms = u;
    return PP_OK;
}

pp_err_t pp_clock_dt_to_utc(const pp_clock_t *c, const pp_axdr_datetime_t *dt, int64_t *utc_ms)
{
    PP_TRY(pp_clock_dt_check(dt, PP_DT_PART_ALL, NULL));
    return checked_to_utc(c, dt, utc_ms);
}

pp_err_t pp_clock_dt_decode_utc(const pp_clock_t *c, const uint8_t *in, size_t len,
                                int64_t *utc_ms)
{
    PP_VERIFY(c != NULL && utc_ms != NULL, PP_ERR_ARG);
    pp_axdr_datetime_t dt;
    PP_TRY(pp_clock_dt_decode(in, len, &dt, NULL));
    return checked_to_utc(c, &dt, utc_ms);
}

/* ---- class 8 attributes -------------------------------------------------- */

pp_err_t pp_clock_get_time(const pp_clock_t *c, const pp_port_t *port, pp_axdr_datetime_t *out)
{
    pp_clock_now_t now;
    pp_err_t rc = pp_clock_read(c, port, &now);
    if (now.status & PP_CLOCK_STATUS_INVALID) {
        pattern_clear(out); /* no time to tell: every field "not specified" */
        out->status = now.status;
        return rc;
    }
    pp_clock_dt_local(c, now.utc_ms, now.status, out);
    return rc;
}

pp_err_t pp_clock_set_time(pp_clock_t *c, const pp_port_t *port, const pp_axdr_datetime_t *dt,
                           pp_clock_change_t *change)
{
    int64_t utc;
    PP_TRY(pp_clock_dt_to_utc(c, dt, &utc));
    return pp_clock_set(c, port, utc, change);
}

int16_t pp_clock_get_time_zone(const pp_clock_t *c)
{
    return (int16_t)-c->std_offset_min;
}

pp_err_t pp_clock_set_time_zone(pp_clock_t *c, int16_t tz)
{
    PP_VERIFY(tz >= -720 && tz <= 720, PP_ERR_RANGE);
    c->std_offset_min = (int16_t)-tz;
    return PP_OK;
}

pp_err_t pp_clock_get_status(const pp_clock_t *c, const pp_port_t *port, uint8_t *status)
{
    pp_clock_now_t now;
    pp_err_t rc = pp_clock_read(c, port, &now);
    *status = now.status;
    return rc;
}

void pp_clock_get_dst_begin(const pp_clock_t *c, pp_axdr_datetime_t *out)
{
    *out = c->dst_begin;
}

void pp_clock_get_dst_end(const pp_clock_t *c, pp_axdr_datetime_t *out)
{
    *out = c->dst_end;
}

static pp_err_t check_rule(const pp_axdr_datetime_t *p)
{
    PP_VERIFY(p != NULL, PP_ERR_ARG);
    PP_TRY(pp_clock_dt_check(p, PP_DT_PART_ALL, NULL));
    PP_VERIFY(p->month >= 1 && p->month <= 12 && p->day != ANY && p->hour != ANY, PP_ERR_RANGE);
    return PP_OK;
}

pp_err_t pp_clock_set_dst_begin(pp_clock_t *c, const pp_axdr_datetime_t *pattern)
{
    PP_TRY(check_rule(pattern));
    c->dst_begin = *pattern;
    return PP_OK;
}

pp_err_t pp_clock_set_dst_end(pp_clock_t *c, const pp_axdr_datetime_t *pattern)
{
    PP_TRY(check_rule(pattern));
    c->dst_end = *pattern;
    return PP_OK;
}

int8_t pp_clock_get_dst_deviation(const pp_clock_t *c)
{
    return c->dst_deviation_min;
}

pp_err_t pp_clock_set_dst_deviation(pp_clock_t *c, int8_t minutes)
{
    PP_VERIFY(minutes >= -120 && minutes <= 120, PP_ERR_RANGE);
    c->dst_deviation_min = minutes;
    return PP_OK;
}

bool pp_clock_get_dst_enabled(const pp_clock_t *c)
{
    return c->dst_enabled;
}

void pp_clock_set_dst_enabled(pp_clock_t *c, bool on)
{
    c->dst_enabled = on;
}

uint8_t pp_clock_get_clock_base(const pp_clock_t *c)
{
    return c->clock_base;
}
