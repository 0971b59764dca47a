/* Civil calendar, EU summer time and COSEM deviation; expectations worked by
 * hand (comments) and a day-by-day walk from 1970 to 2199 as an independent
 * calendar. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "fake_port.h"
#include "polyphase/clock.h"
#include "vectors.h"

#define S 1000LL
/* 2026-01-01T00:00Z = 1767225600 s (day 20454), a Thursday. */
#define DST_BEGIN_2026 (1774746000 * S) /* Sun 29 Mar: day 20454+87, +01:00 UTC */
#define DST_END_2026 (1792890000 * S)   /* Sun 25 Oct: day 20454+297, +01:00 UTC */

static void calendar_matches_a_day_by_day_walk(void **state)
{
    (void)state;
    int y = 1970;
    unsigned m = 1, d = 1;
    for (int64_t day = 0; y < 2200; day++) {
        int cy;
        unsigned cm, cd;
        pp_civil_from_days(day, &cy, &cm, &cd);
        assert_int_equal(cy, y);
        assert_int_equal(cm, m);
        assert_int_equal(cd, d);
        assert_int_equal(pp_days_from_civil(y, m, d), day);
        unsigned len = (m == 2) ? ((y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28)
                                : (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
        if (++d > len) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
}

static void leap_days_2000_2024_2100_and_2038(void **state)
{
    (void)state;
    pp_civil_t c;
    assert_true(pp_is_leap_year(2000) && pp_is_leap_year(2024) && !pp_is_leap_year(2100));
    assert_int_equal(pp_days_from_civil(2024, 2, 29), 19782); /* 2024-01-01 is day 19723 */
    pp_civil_from_ms((pp_days_from_civil(2100, 2, 28) + 1) * 86400000LL, &c);
    assert_int_equal(c.month, 3);
    assert_int_equal(c.day, 1); /* 2100 is not a leap year */
    pp_civil_from_ms(2147483648LL * S, &c); /* 2^31 s: 2038-01-19 03:14:08 UTC */
    assert_int_equal(c.year, 2038);
    assert_int_equal(c.month, 1);
    assert_int_equal(c.day, 19);
    assert_int_equal(c.hour, 3);
    assert_int_equal(c.minute, 14);
    assert_int_equal(c.second, 8);
    assert_int_equal(c.weekday, 2); /* a Tuesday */
    pp_civil_from_ms(1795392000LL * S, &c); /* 2026-11-23: Thursday + 326 days = Monday */
    assert_int_equal(c.weekday, 1);
}

static void eu_summer_time_bounds(void **state)
{
    (void)state;
    int64_t b, e;
    pp_clock_dst_bounds(2026, &b, &e);
    assert_true(b == DST_BEGIN_2026);
    assert_true(e == DST_END_2026);
    pp_clock_dst_bounds(2027, &b, &e); /* Sun 28 Mar and Sun 31 Oct 2027 */
    pp_civil_t c;
    pp_civil_from_ms(b, &c);
    assert_int_equal(c.day, 28);
    pp_civil_from_ms(e, &c);
    assert_int_equal(c.day, 31);
}

static void local_time_across_both_changes(void **state)
{
    (void)state;
    pp_clock_t ck;
    assert_int_equal(pp_clock_init(&ck, 60, true), PP_OK); /* Z11 = 01, Z15 = EU */
    pp_civil_t c;
    bool dst;
    pp_clock_local(&ck, DST_BEGIN_2026 - S, &c, &dst); /* 00:59:59 UTC = 01:59:59 CET */
    assert_int_equal(c.hour, 1);
    assert_int_equal(c.second, 59);
    assert_false(dst);
    pp_clock_local(&ck, DST_BEGIN_2026, &c, &dst); /* 01:00 UTC = 03:00 CEST */
    assert_int_equal(c.hour, 3);
    assert_int_equal(c.minute, 0);
    assert_true(dst);
    assert_int_equal(pp_clock_deviation(&ck, DST_BEGIN_2026), -120);
    assert_int_equal(pp_clock_deviation(&ck, DST_BEGIN_2026 - S), -60);
    pp_clock_local(&ck, DST_END_2026 - S, &c, &dst); /* 00:59:59 UTC = 02:59:59 CEST */
    assert_int_equal(c.hour, 2);
    assert_int_equal(c.minute, 59);
    assert_true(dst);
    pp_clock_local(&ck, DST_END_2026, &c, &dst); /* 01:00 UTC = 02:00 CET again */
    assert_int_equal(c.hour, 2);
    assert_int_equal(c.minute, 0);
    assert_false(dst);
    pp_clock_standard(&ck, DST_END_2026 - S, &c); /* loggers: standard time 01:59:59 */
    assert_int_equal(c.hour, 1);
}

static void local_to_utc_gap_and_repeated_hour(void **state)
{
    (void)state;
    pp_clock_t ck;
    pp_clock_init(&ck, 60, true);
    pp_civil_t gap = {.year = 2026, .month = 3, .day = 29, .hour = 2, .minute = 30};
    int64_t u;
    assert_int_equal(pp_clock_from_local(&ck, &gap, true, &u), PP_ERR_RANGE);
    pp_civil_t twice = {.year = 2026, .month = 10, .day = 25, .hour = 2, .minute = 30};
    assert_int_equal(pp_clock_from_local(&ck, &twice, true, &u), PP_OK);
    assert_true(u == DST_END_2026 - 1800 * S); /* 00:30 UTC, summer pass */
    assert_int_equal(pp_clock_from_local(&ck, &twice, false, &u), PP_OK);
    assert_true(u == DST_END_2026 + 1800 * S); /* 01:30 UTC, winter pass */
    pp_civil_t noon = {.year = 2026, .month = 7, .day = 1, .hour = 12};
    assert_int_equal(pp_clock_from_local(&ck, &noon, false, &u), PP_OK);
    pp_civil_t back;
    pp_civil_from_ms(u, &back);
    assert_int_equal(back.hour, 10); /* CEST = UTC+2 */
    pp_civil_t bad = {.year = 2026, .month = 2, .day = 29};
    assert_int_equal(pp_clock_from_local(&ck, &bad, false, &u), PP_ERR_RANGE);
}

static void zones_without_dst_and_out_of_range(void **state)
{
    (void)state;
    pp_clock_t ck;
    assert_int_equal(pp_clock_init(&ck, -300, false), PP_OK); /* Z11 = 19: -5 h */
    assert_int_equal(pp_clock_deviation(&ck, DST_BEGIN_2026), 300);
    assert_false(pp_clock_dst_active(&ck, DST_BEGIN_2026));
    assert_int_equal(pp_clock_init(&ck, 900, false), PP_ERR_RANGE);
}

/* ---- calendar: weekdays and days of year of known dates ----------------- */

static void weekdays_and_days_of_year(void **state)
{
    (void)state;
    /* Well-known dates: 1970-01-01 Thursday (the epoch), 2000-01-01 Saturday,
     * 2000-02-29 Tuesday, 2024-02-29 Thursday, 1999-12-31 Friday, 2100-02-28
     * Sunday and 03-01 Monday (no 29th), 2199-12-31 Tuesday. */
    static const struct {
        int y;
        unsigned m, d, wd, yday;
    } K[] = {{1970, 1, 1, 4, 1},     {2000, 1, 1, 6, 1},    {2000, 2, 29, 2, 60},
             {2024, 2, 29, 4, 60},   {1999, 12, 31, 5, 365}, {2100, 2, 28, 7, 59},
             {2100, 3, 1, 1, 60},    {2199, 12, 31, 2, 365}, {2024, 12, 31, 2, 366},
             {2038, 1, 19, 2, 19}};
    for (size_t i = 0; i < sizeof K / sizeof K[0]; i++) {
        assert_int_equal(pp_weekday_from_days(pp_days_from_civil(K[i].y, K[i].m, K[i].d)), K[i].wd);
        assert_int_equal(pp_day_of_year(K[i].y, K[i].m, K[i].d), K[i].yday);
    }
    assert_int_equal(pp_days_in_month(2100, 2), 28);
    assert_int_equal(pp_days_in_month(2000, 2), 29);
    assert_int_equal(pp_days_in_month(2026, 13), 0);
    /* Before the epoch: 1969-12-31 23:59:59.999 is a Wednesday. */
    pp_civil_t c;
    pp_civil_from_ms(-1, &c);
    assert_int_equal(c.year, 1969);
    assert_int_equal(c.day, 31);
    assert_int_equal(c.hour, 23);
    assert_int_equal(c.ms, 999);
    assert_int_equal(c.weekday, 3);
}

/* ---- EU summer time in several years ------------------------------------ */

static void eu_dates_in_several_years(void **state)
{
    (void)state;
    /* Published EU changes (01:00 UTC): 2024 31 Mar / 27 Oct, 2025 30 Mar /
     * 26 Oct, 2027 28 Mar / 31 Oct; 2100: 1 Mar is a Monday so the last
     * Sunday is 28 Mar, 1 Oct a Friday so 31 Oct. Seconds since the epoch. */
    static const int64_t K[][3] = {{2024, 1711846800, 1729990800}, {2025, 1743296400, 1761440400},
                                   {2026, 1774746000, 1792890000}, {2027, 1806195600, 1824944400},
                                   {2100, 4109878800, 4128627600}};
    pp_clock_t ck;
    pp_clock_init(&ck, 60, true);
    for (size_t i = 0; i < 5; i++) {
        int64_t b, e, cb, ce;
        pp_clock_dst_bounds((int)K[i][0], &b, &e);
        assert_true(b == K[i][1] * S && e == K[i][2] * S);
        /* The clock's own rule (local patterns 02:00 CET / 03:00 CEST) agrees. */
        assert_int_equal(pp_clock_dst_period(&ck, (int)K[i][0], &cb, &ce), PP_OK);
        assert_true(cb == b && ce == e);
    }
    /* The patterns a client reads (attributes 5 and 6). */
    pp_axdr_datetime_t p;
    pp_clock_get_dst_begin(&ck, &p);
    assert_int_equal(p.year, 0xFFFF);
    assert_int_equal(p.month, 3);
    assert_int_equal(p.day, 0xFE);
    assert_int_equal(p.dow, 7);
    assert_int_equal(p.hour, 2);
    assert_int_equal(p.deviation, PP_DT_DEVIATION_ANY);
    pp_clock_get_dst_end(&ck, &p);
    assert_int_equal(p.month, 10);
    assert_int_equal(p.hour, 3);
    /* EET (+120): 01:00 UTC is 03:00 EET and 04:00 EEST. */
    pp_clock_init(&ck, 120, true);
    pp_clock_get_dst_begin(&ck, &p);
    assert_int_equal(p.hour, 3);
    pp_clock_get_dst_end(&ck, &p);
    assert_int_equal(p.hour, 4);
    /* -5 h with the EU rule: 01:00 UTC is the evening before, so the pattern
     * is written in UTC (deviation 0) and still switches at 01:00 UTC. */
    pp_clock_init(&ck, -300, true);
    pp_clock_get_dst_begin(&ck, &p);
    assert_int_equal(p.hour, 1);
    assert_int_equal(p.deviation, 0);
    assert_false(pp_clock_dst_active(&ck, DST_BEGIN_2026 - S));
    assert_true(pp_clock_dst_active(&ck, DST_BEGIN_2026));
    assert_false(pp_clock_dst_active(&ck, DST_END_2026));
}

/* ---- second by second around both 2026 changes -------------------------- */

static int64_t local_seconds(const pp_clock_t *ck, int64_t utc_ms, bool *dst)
{
    pp_civil_t c;
    pp_clock_local(ck, utc_ms, &c, dst);
    return pp_ms_from_civil(&c) / 1000;
}

static void second_by_second_across_the_changes(void **state)
{
    (void)state;
    pp_clock_t ck;
    pp_clock_init(&ck, 60, true);
    /* Expected wall time: UTC + 1 h before 29 Mar 01:00 UTC, + 2 h until
     * 25 Oct 01:00 UTC, + 1 h after: a jump of +3601 s in March (01:59:59 ->
     * 03:00:00) and of -3599 s in October (02:59:59 CEST -> 02:00:00 CET). */
    for (int64_t s = -7200; s < 7200; s++) {
        bool dst;
        int64_t u = DST_BEGIN_2026 + s * S;
        assert_true(local_seconds(&ck, u, &dst) == u / 1000 + (s < 0 ? 3600 : 7200));
        assert_true(dst == (s >= 0));
        assert_int_equal(pp_clock_deviation(&ck, u), s < 0 ? -60 : -120);
        u = DST_END_2026 + s * S;
        assert_true(local_seconds(&ck, u, &dst) == u / 1000 + (s < 0 ? 7200 : 3600));
        assert_true(dst == (s < 0));
        /* Every instant maps back from its wall time and pass. */
        pp_civil_t c;
        pp_clock_local(&ck, u, &c, &dst);
        int64_t back;
        assert_int_equal(pp_clock_from_local_ex(&ck, &c, dst ? PP_LOCAL_FIRST : PP_LOCAL_SECOND,
                                                &back),
                         PP_OK);
        assert_true(back == u);
    }
    /* The five seconds around each change, written out. */
    static const uint8_t SPRING[][3] = {{1, 59, 58}, {1, 59, 59}, {3, 0, 0}, {3, 0, 1}};
    static const uint8_t AUTUMN[][3] = {{2, 59, 58}, {2, 59, 59}, {2, 0, 0}, {2, 0, 1}};
    for (int i = 0; i < 4; i++) {
        pp_civil_t c;
        pp_clock_local(&ck, DST_BEGIN_2026 + (i - 2) * S, &c, NULL);
        assert_int_equal(c.hour, SPRING[i][0]);
        assert_int_equal(c.minute, SPRING[i][1]);
        assert_int_equal(c.second, SPRING[i][2]);
        pp_clock_local(&ck, DST_END_2026 + (i - 2) * S, &c, NULL);
        assert_int_equal(c.hour, AUTUMN[i][0]);
        assert_int_equal(c.minute, AUTUMN[i][1]);
        assert_int_equal(c.second, AUTUMN[i][2]);
    }
}

static void the_spring_gap_every_second(void **state)
{
    (void)state;
    pp_clock_t ck;
    pp_clock_init(&ck, 60, true);
    /* 2026-03-29 02:00:00 .. 02:59:59 local never happen: refused, or moved
     * forward one hour with GAP_SHIFT (02:mm:ss -> 03:mm:ss CEST = 01:mm:ss
     * UTC). 01:59:59 and 03:00:00 exist. */
    for (unsigned s = 0; s < 3600; s++) {
        pp_civil_t c = {.year = 2026, .month = 3, .day = 29, .hour = 2,
                        .minute = (uint8_t)(s / 60), .second = (uint8_t)(s % 60)};
        int64_t u;
        assert_int_equal(pp_clock_from_local_ex(&ck, &c, PP_LOCAL_FIRST, &u), PP_ERR_RANGE);
        assert_int_equal(pp_clock_from_local_ex(&ck, &c, PP_LOCAL_SECOND | PP_LOCAL_GAP_SHIFT, &u),
                         PP_OK);
        assert_true(u == DST_BEGIN_2026 + s * S);
    }
    pp_civil_t before = {.year = 2026, .month = 3, .day = 29, .hour = 1, .minute = 59, .second = 59};
    pp_civil_t after = {.year = 2026, .month = 3, .day = 29, .hour = 3};
    int64_t u;
    assert_int_equal(pp_clock_from_local(&ck, &before, true, &u), PP_OK);
    assert_true(u == DST_BEGIN_2026 - S);
    assert_int_equal(pp_clock_from_local(&ck, &after, false, &u), PP_OK);
    assert_true(u == DST_BEGIN_2026);
    /* Standard time is never ambiguous: 02:30 standard = 01:30 UTC. */
    pp_civil_t st = {.year = 2026, .month = 10, .day = 25, .hour = 2, .minute = 30};
    assert_int_equal(pp_clock_from_standard(&ck, &st, &u), PP_OK);
    assert_true(u == DST_END_2026 + 1800 * S);
}

/* ---- other rules written by a client ------------------------------------ */

static pp_axdr_datetime_t pattern(uint8_t month, uint8_t day, uint8_t dow, uint8_t hour)
{
    return (pp_axdr_datetime_t){.year = 0xFFFF, .month = month, .day = day, .dow = dow,
                                .hour = hour, .minute = 0, .second = 0, .hundredths = 0xFF,
                                .deviation = PP_DT_DEVIATION_ANY, .status = 0xFF};
}

static void us_and_southern_rules(void **state)
{
    (void)state;
    pp_clock_t ck;
    /* US Eastern: -5 h; second Sunday of March 02:00 EST ("Sunday on or after
     * the 8th") to first Sunday of November 02:00 EDT. 2026: 8 Mar 07:00 UTC
     * (1772953200) and 1 Nov 06:00 UTC (1793512800). */
    pp_clock_init(&ck, -300, true);
    pp_axdr_datetime_t b = pattern(3, 8, 7, 2), e = pattern(11, 1, 7, 2);
    assert_int_equal(pp_clock_set_dst_begin(&ck, &b), PP_OK);
    assert_int_equal(pp_clock_set_dst_end(&ck, &e), PP_OK);
    int64_t pb, pe;
    assert_int_equal(pp_clock_dst_period(&ck, 2026, &pb, &pe), PP_OK);
    assert_true(pb == 1772953200 * S && pe == 1793512800 * S);
    assert_int_equal(pp_clock_deviation(&ck, pb), 240);
    assert_int_equal(pp_clock_deviation(&ck, pe), 300);
    /* Sydney: +10 h; first Sunday of October 02:00 AEST to first Sunday of
     * April 03:00 AEDT. 2026: ends 5 Apr (4 Apr 16:00 UTC, 1775318400),
     * begins 4 Oct (3 Oct 16:00 UTC, 1791043200); summer spans new year. */
    pp_clock_init(&ck, 600, true);
    b = pattern(10, 1, 7, 2);
    e = pattern(4, 1, 7, 3);
    pp_clock_set_dst_begin(&ck, &b);
    pp_clock_set_dst_end(&ck, &e);
    assert_int_equal(pp_clock_dst_period(&ck, 2026, &pb, &pe), PP_OK);
    assert_true(pb == 1791043200 * S && pe == 1775318400 * S);
    assert_true(pp_clock_dst_active(&ck, 1768435200 * S));  /* 2026-01-15 */
    assert_false(pp_clock_dst_active(&ck, 1781481600 * S)); /* 2026-06-15 */
    assert_true(pp_clock_dst_active(&ck, 1797292800 * S));  /* 2026-12-15 */
    assert_true(pp_clock_dst_active(&ck, pe - S));
    assert_false(pp_clock_dst_active(&ck, pe));
    /* A rule for one year only: no summer time in other years. */
    pp_clock_init(&ck, 60, true);
    b = pattern(3, 0xFE, 7, 2);
    b.year = 2026;
    assert_int_equal(pp_clock_set_dst_begin(&ck, &b), PP_OK);
    assert_true(pp_clock_dst_active(&ck, 1782900449 * S));   /* July 2026 */
    assert_false(pp_clock_dst_active(&ck, 1814436449 * S));  /* July 2027 */
    /* Disabled (attribute 8): standard time all year. */
    pp_clock_set_dst_enabled(&ck, false);
    assert_false(pp_clock_get_dst_enabled(&ck));
    assert_int_equal(pp_clock_deviation(&ck, 1782900449 * S), -60);
}

static void attribute_setters_validate(void **state)
{
    (void)state;
    pp_clock_t ck;
    pp_clock_init(&ck, 60, true);
    /* time_zone (3): UTC - local standard time: CET is -60. */
    assert_int_equal(pp_clock_get_time_zone(&ck), -60);
    assert_int_equal(pp_clock_set_time_zone(&ck, -120), PP_OK);
    assert_int_equal(ck.std_offset_min, 120);
    assert_int_equal(pp_clock_set_time_zone(&ck, 721), PP_ERR_RANGE);
    assert_int_equal(pp_clock_set_time_zone(&ck, -721), PP_ERR_RANGE);
    assert_int_equal(pp_clock_get_time_zone(&ck), -120);
    /* deviation (7) */
    assert_int_equal(pp_clock_get_dst_deviation(&ck), 60);
    assert_int_equal(pp_clock_set_dst_deviation(&ck, 121), PP_ERR_RANGE);
    assert_int_equal(pp_clock_set_dst_deviation(&ck, -121), PP_ERR_RANGE);
    assert_int_equal(pp_clock_set_dst_deviation(&ck, 30), PP_OK);
    /* begin/end (5/6): month must be a month, day and hour given, fields valid. */
    pp_axdr_datetime_t p = pattern(0xFE, 0xFE, 7, 2);
    assert_int_equal(pp_clock_set_dst_begin(&ck, &p), PP_ERR_RANGE);
    p = pattern(3, 0xFF, 7, 2);
    assert_int_equal(pp_clock_set_dst_end(&ck, &p), PP_ERR_RANGE);
    p = pattern(3, 0xFE, 7, 0xFF);
    assert_int_equal(pp_clock_set_dst_begin(&ck, &p), PP_ERR_RANGE);
    p = pattern(3, 0xFE, 9, 2);
    assert_int_equal(pp_clock_set_dst_begin(&ck, &p), PP_ERR_RANGE);
    p = pattern(3, 29, 1, 2);
    p.year = 2026; /* 2026-03-29 is a Sunday, not a Monday */
    assert_int_equal(pp_clock_set_dst_begin(&ck, &p), PP_ERR_MALFORMED);
    p = pattern(3, 0xFE, 7, 2);
    p.deviation = 721;
    assert_int_equal(pp_clock_set_dst_begin(&ck, &p), PP_ERR_RANGE);
    pp_clock_get_dst_begin(&ck, &p); /* unchanged by the refusals */
    assert_int_equal(p.month, 3);
    assert_int_equal(p.hour, 2);
    assert_int_equal(pp_clock_get_clock_base(&ck), PP_CLOCK_BASE_CRYSTAL);
    assert_int_equal(pp_clock_init(&ck, 721, false), PP_ERR_RANGE);
}

/* ---- date-time codec vectors -------------------------------------------- */

static int rc_of(const char *s)
{
    return !strcmp(s, "OK") ? PP_OK
           : !strcmp(s, "RANGE") ? PP_ERR_RANGE
           : !strcmp(s, "MALFORMED") ? PP_ERR_MALFORMED
           : !strcmp(s, "TRUNCATED") ? PP_ERR_TRUNCATED
                                     : 99;
}

static pp_dt_field_t field_of(const char *s)
{
    static const char *const N[] = {"-", "LENGTH", "YEAR", "MONTH", "DAY", "DOW",
                                    "HOUR", "MINUTE", "SECOND", "HUNDREDTHS", "DEVIATION",
                                    "STATUS"};
    for (unsigned i = 0; i < sizeof N / sizeof N[0]; i++) {
        if (!strcmp(s, N[i])) {
            return (pp_dt_field_t)i;
        }
    }
    fail_msg("unknown field %s", s);
    return PP_DT_OK;
}

static void datetime_case(const pp_vec_case_t *v, void *arg)
{
    (void)arg;
    assert_int_equal(v->nfields, 5);
    uint8_t in[16], out[16];
    int n = pp_vec_hex(v->field[1], in, sizeof in);
    assert_true(n >= 0);
    const char *kind = v->field[0];
    pp_err_t (*dec)(const uint8_t *, size_t, pp_axdr_datetime_t *, pp_dt_field_t *) =
        !strcmp(kind, "dt") ? pp_clock_dt_decode
        : !strcmp(kind, "date") ? pp_clock_date_decode : pp_clock_time_decode;
    int (*enc)(const pp_axdr_datetime_t *, uint8_t *, size_t) =
        !strcmp(kind, "dt") ? pp_clock_dt_encode
        : !strcmp(kind, "date") ? pp_clock_date_encode : pp_clock_time_encode;
    pp_axdr_datetime_t dt;
    pp_dt_field_t bad = PP_DT_F_STATUS;
    int rc = dec(in, (size_t)n, &dt, &bad);
    if (rc != rc_of(v->field[2]) || bad != field_of(v->field[3])) {
        fail_msg("%s:%u: rc %d field %d", v->file, v->line, rc, (int)bad);
    }
    pp_clock_t utc_clock;
    pp_clock_init(&utc_clock, 60, true);
    int64_t u1;
    if (rc != PP_OK && dec == pp_clock_dt_decode) { /* decode and convert: decode's error */
        assert_int_equal(pp_clock_dt_decode_utc(&utc_clock, in, (size_t)n, &u1), rc);
    }
    if (rc != PP_OK) {
        /* Each shorter prefix of a good length is refused as truncated. */
        return;
    }
    for (int k = 0; k < n; k++) {
        assert_int_equal(dec(in, (size_t)k, &dt, &bad), PP_ERR_TRUNCATED);
        assert_int_equal(bad, PP_DT_F_LENGTH);
    }
    assert_int_equal(dec(in, (size_t)n, &dt, NULL), PP_OK);
    /* Both ways: the fields encode to the same octets. */
    assert_int_equal(enc(&dt, out, sizeof out), n);
    assert_memory_equal(in, out, (size_t)n);
    assert_int_equal(enc(&dt, out, (size_t)n - 1), PP_ERR_NOSPACE);
    if (strcmp(v->field[4], "-") != 0) {
        pp_clock_t ck;
        pp_clock_init(&ck, 60, true);
        int64_t u;
        if (!strcmp(v->field[4], "range")) {
            assert_int_equal(pp_clock_dt_to_utc(&ck, &dt, &u), PP_ERR_RANGE);
            assert_int_equal(pp_clock_dt_decode_utc(&ck, in, (size_t)n, &u), PP_ERR_RANGE);
            return;
        }
        assert_int_equal(pp_clock_dt_to_utc(&ck, &dt, &u), PP_OK);
        assert_int_equal(pp_clock_dt_decode_utc(&ck, in, (size_t)n, &u1), PP_OK);
        assert_int_equal(u1, u);
        if (u / 1000 != strtoll(v->field[4], NULL, 10)) {
            fail_msg("%s:%u: utc %lld", v->file, v->line, (long long)u);
        }
    }
}

static void datetime_vectors(void **state)
{
    (void)state;
    assert_true(PP_VEC_EACH("clock/datetime.vec", datetime_case, NULL) >= 50);
}

static void datetime_from_and_to_the_clock(void **state)
{
    (void)state;
    pp_clock_t ck;
    pp_clock_init(&ck, 60, true);
    /* The Kaifa capture again, now produced by our clock for the same
     * instant (2024-06-15 18:23:45 UTC, CET + EU summer time). */
    static const uint8_t KAIFA[12] = {0x07, 0xE8, 0x06, 0x0F, 0x06, 0x14,
                                      0x17, 0x2D, 0x00, 0xFF, 0x88, 0x80};
    pp_axdr_datetime_t dt;
    uint8_t b[12];
    pp_clock_dt_local(&ck, 1718475825 * S, 0, &dt);
    assert_int_equal(pp_clock_dt_encode(&dt, b, sizeof b), 12);
    assert_memory_equal(b, KAIFA, 12);
    /* Logger stamp of the same instant: standard time 19:23:45, -60, no DST. */
    static const uint8_t STD[12] = {0x07, 0xE8, 0x06, 0x0F, 0x06, 0x13,
                                    0x17, 0x2D, 0x00, 0xFF, 0xC4, 0x00};
    pp_clock_dt_standard(&ck, 1718475825 * S, PP_CLOCK_STATUS_DST, &dt);
    assert_int_equal(pp_clock_dt_encode(&dt, b, sizeof b), 12);
    assert_memory_equal(b, STD, 12);
    /* No deviation: the meter's own wall time; in the repeated October hour
     * the DST bit picks the pass (set: 00:30 UTC, clear: 01:30 UTC). */
    pp_axdr_datetime_t twice = {.year = 2026, .month = 10, .day = 25, .dow = 7, .hour = 2,
                                .minute = 30, .second = 0, .hundredths = 0,
                                .deviation = PP_DT_DEVIATION_ANY, .status = 0x80};
    int64_t u;
    assert_int_equal(pp_clock_dt_to_utc(&ck, &twice, &u), PP_OK);
    assert_true(u == DST_END_2026 - 1800 * S);
    twice.status = 0x00;
    assert_int_equal(pp_clock_dt_to_utc(&ck, &twice, &u), PP_OK);
    assert_true(u == DST_END_2026 + 1800 * S);
    pp_axdr_datetime_t gap = twice;
    gap.month = 3;
    gap.day = 29;
    assert_int_equal(pp_clock_dt_to_utc(&ck, &gap, &u), PP_ERR_RANGE);
    /* Wildcards and years outside 1970..2199 are no instant. */
    pp_axdr_datetime_t w = twice;
    w.hour = 0xFF;
    assert_int_equal(pp_clock_dt_to_utc(&ck, &w, &u), PP_ERR_RANGE);
    w = twice;
    w.year = 2200;
    w.dow = 0xFF;
    assert_int_equal(pp_clock_dt_to_utc(&ck, &w, &u), PP_ERR_RANGE);
    w = twice;
    w.dow = 1; /* 2026-10-25 is a Sunday */
    assert_int_equal(pp_clock_dt_to_utc(&ck, &w, &u), PP_ERR_MALFORMED);
    /* Encoding refuses what decoding would refuse. */
    w = twice;
    w.minute = 60;
    assert_int_equal(pp_clock_dt_encode(&w, b, sizeof b), PP_ERR_RANGE);
    pp_dt_field_t bad;
    assert_int_equal(pp_clock_dt_check(&w, PP_DT_PART_ALL, &bad), PP_ERR_RANGE);
    assert_int_equal(bad, PP_DT_F_MINUTE);
    assert_int_equal(pp_clock_dt_check(&w, PP_DT_PART_DATE, &bad), PP_OK);
}

/* ---- the RTC through the port ------------------------------------------- */

static void rtc_read_set_shift_adjust(void **state)
{
    (void)state;
    pp_fake_port_t f;
    pp_fake_port_init(&f, 4096, 64);
    pp_clock_t ck;
    pp_clock_init(&ck, 60, true);
    /* An RTC that lost its time: no error, status invalid, every field FF. */
    f.rtc_valid = false;
    pp_clock_now_t now;
    assert_int_equal(pp_clock_read(&ck, &f.port, &now), PP_OK);
    assert_int_equal(now.status, PP_CLOCK_STATUS_INVALID);
    pp_axdr_datetime_t dt;
    assert_int_equal(pp_clock_get_time(&ck, &f.port, &dt), PP_OK);
    assert_int_equal(dt.year, 0xFFFF);
    assert_int_equal(dt.hour, 0xFF);
    assert_int_equal(dt.status, PP_CLOCK_STATUS_INVALID);
    pp_clock_change_t ch;
    assert_int_equal(pp_clock_shift(&ck, &f.port, 10, &ch), PP_ERR_STATE);
    assert_int_equal(pp_clock_adjust_to(&ck, &f.port, 60, &ch), PP_ERR_STATE);
    /* Set through attribute 2 with the Kaifa octets: RTC 18:23:45 UTC. */
    static const uint8_t KAIFA[12] = {0x07, 0xE8, 0x06, 0x0F, 0x06, 0x14,
                                      0x17, 0x2D, 0x00, 0xFF, 0x88, 0x80};
    assert_int_equal(pp_clock_dt_decode(KAIFA, 12, &dt, NULL), PP_OK);
    assert_int_equal(pp_clock_set_time(&ck, &f.port, &dt, &ch), PP_OK);
    assert_true(f.rtc_valid && f.rtc_ms == 1718475825 * S);
    assert_false(ch.old_valid);
    assert_true(ch.new_utc_ms == 1718475825 * S);
    assert_int_equal(ch.old_status, PP_CLOCK_STATUS_INVALID);
    /* Read back: summer time, DST bit. */
    assert_int_equal(pp_clock_get_status(&ck, &f.port, &dt.status), PP_OK);
    assert_int_equal(dt.status, PP_CLOCK_STATUS_DST);
    /* shift_time: -900..900 s. */
    assert_int_equal(pp_clock_shift(&ck, &f.port, 901, &ch), PP_ERR_RANGE);
    assert_int_equal(pp_clock_shift(&ck, &f.port, -901, &ch), PP_ERR_RANGE);
    assert_int_equal(pp_clock_shift(&ck, &f.port, -900, &ch), PP_OK);
    assert_true(ch.old_valid && ch.old_utc_ms == 1718475825 * S);
    assert_true(f.rtc_ms == (1718475825 - 900) * S);
    /* adjust_to_minute: 18:08:45 -> 18:09:00 (>= 30 s rounds up); 18:09:29 -> 18:09:00. */
    assert_int_equal(pp_clock_adjust_to(&ck, &f.port, 60, &ch), PP_OK);
    assert_true(f.rtc_ms == (1718475825 - 900 + 15) * S);
    f.rtc_ms += 29 * S + 999;
    assert_int_equal(pp_clock_adjust_to(&ck, &f.port, 60, &ch), PP_OK);
    assert_true(f.rtc_ms == (1718475825 - 900 + 15) * S);
    /* adjust_to_quarter: 2026-07-01 10:07:29 UTC -> 10:00; 10:07:30 -> 10:15. */
    f.rtc_ms = 1782900449 * S;
    assert_int_equal(pp_clock_adjust_to(&ck, &f.port, 900, &ch), PP_OK);
    assert_true(f.rtc_ms == (1782900449 - 449) * S);
    f.rtc_ms = 1782900450 * S;
    assert_int_equal(pp_clock_adjust_to(&ck, &f.port, 900, &ch), PP_OK);
    assert_true(f.rtc_ms == (1782900450 + 450) * S);
    assert_int_equal(pp_clock_adjust_to(&ck, &f.port, 7, &ch), PP_ERR_RANGE);
    /* Doubtful is sticky until the time is set. */
    pp_clock_flag(&ck, PP_CLOCK_STATUS_DOUBTFUL, true);
    assert_int_equal(pp_clock_read(&ck, &f.port, &now), PP_OK);
    assert_int_equal(now.status, PP_CLOCK_STATUS_DOUBTFUL | PP_CLOCK_STATUS_DST);
    assert_int_equal(pp_clock_set(&ck, &f.port, 1767225600 * S, &ch), PP_OK);
    assert_int_equal(ch.old_status, PP_CLOCK_STATUS_DOUBTFUL | PP_CLOCK_STATUS_DST);
    assert_int_equal(pp_clock_read(&ck, &f.port, &now), PP_OK);
    assert_int_equal(now.status, 0);
    /* Time outside 1970..2199 is refused, and read as invalid. */
    assert_int_equal(pp_clock_set(&ck, &f.port, -1, &ch), PP_ERR_RANGE);
    assert_int_equal(pp_clock_set(&ck, &f.port, 7258118400LL * S, &ch), PP_ERR_RANGE);
    assert_int_equal(pp_clock_set(&ck, &f.port, 7258118400LL * S - 1, NULL), PP_OK);
    f.rtc_ms = 7258118400LL * S; /* 2200-01-01 */
    assert_int_equal(pp_clock_read(&ck, &f.port, &now), PP_OK);
    assert_int_equal(now.status, PP_CLOCK_STATUS_INVALID);
    pp_fake_port_free(&f);
}

/* ---- helpers: intervals, billing dates, patterns ------------------------ */

static void intervals_billing_dates_and_patterns(void **state)
{
    (void)state;
    pp_clock_t ck;
    pp_clock_init(&ck, 60, true);
    int64_t st;
    /* 15 minutes in standard time: 2026-07-01 10:07:29 UTC -> 10:00 UTC. */
    assert_int_equal(pp_clock_interval_start(&ck, 1782900449 * S, 15, false, &st), PP_OK);
    assert_true(st == 1782900000 * S);
    /* A day in standard time, in summer: 2026-06-30 22:30 UTC is 23:30 CET
     * on the 30th, so the day began 2026-06-30 00:00 CET = 06-29 23:00 UTC. */
    assert_int_equal(pp_clock_interval_start(&ck, 1782858600 * S, 1440, false, &st), PP_OK);
    assert_true(st == 1782774000 * S);
    /* The same instant in wall time: 2026-07-01 00:30 CEST, day from
     * 07-01 00:00 CEST = 06-30 22:00 UTC. */
    assert_int_equal(pp_clock_interval_start(&ck, 1782858600 * S, 1440, true, &st), PP_OK);
    assert_true(st == (1782774000 + 82800) * S);
    /* Wall-time day of the March change starts at 00:00 CET = 03-28 23:00 UTC. */
    assert_int_equal(pp_clock_interval_start(&ck, DST_BEGIN_2026 + 3600 * S, 1440, true, &st),
                     PP_OK);
    assert_true(st == 1774738800 * S);
    /* Wall hours in the repeated hour stay on their pass. */
    assert_int_equal(pp_clock_interval_start(&ck, DST_END_2026 - 600 * S, 60, true, &st), PP_OK);
    assert_true(st == DST_END_2026 - 3600 * S);
    assert_int_equal(pp_clock_interval_start(&ck, DST_END_2026 + 600 * S, 60, true, &st), PP_OK);
    assert_true(st == DST_END_2026);
    assert_int_equal(pp_clock_interval_start(&ck, 0, 7, false, &st), PP_ERR_RANGE);
    assert_int_equal(pp_clock_interval_start(&ck, 0, 0, true, &st), PP_ERR_RANGE);
    /* Billing on day 1 at 00:00: after 2026-03-15 comes 2026-04-01 00:00 CEST
     * = 03-31 22:00 UTC; from that instant exactly, the next is 05-01. */
    int64_t nx;
    assert_int_equal(pp_clock_next_monthly(&ck, 1773532800 * S, 1, 0, 0, &nx), PP_OK);
    assert_true(nx == 1774994400 * S);
    assert_int_equal(pp_clock_next_monthly(&ck, nx, 1, 0, 0, &nx), PP_OK);
    assert_true(nx == (1774994400 + 30 * 86400) * S);
    /* Day 31 in April is its last day: 2026-04-30 00:00 CEST = 04-29 22:00 UTC. */
    assert_int_equal(pp_clock_next_monthly(&ck, 1775000000 * S, 31, 0, 0, &nx), PP_OK);
    assert_true(nx == (1777507200 - 7200) * S);
    /* 02:30 on 29 March 2026 does not exist: it fires at 03:30 CEST. */
    assert_int_equal(pp_clock_next_monthly(&ck, 1773532800 * S, 29, 2, 30, &nx), PP_OK);
    assert_true(nx == 1774747800 * S);
    assert_int_equal(pp_clock_next_monthly(&ck, 0, 32, 0, 0, &nx), PP_ERR_RANGE);
    /* Patterns: every day 03:00:00 local; last day of a month; the month DST
     * begins in; a Sunday. */
    pp_axdr_datetime_t p = pattern(0xFF, 0xFF, 0xFF, 3);
    p.hundredths = 0xFF;
    assert_true(pp_clock_matches(&ck, &p, DST_BEGIN_2026));        /* 03:00 CEST */
    assert_false(pp_clock_matches(&ck, &p, DST_BEGIN_2026 + S));
    p.month = PP_DT_MONTH_DST_BEGIN;
    assert_true(pp_clock_matches(&ck, &p, DST_BEGIN_2026));
    p.month = PP_DT_MONTH_DST_END;
    assert_false(pp_clock_matches(&ck, &p, DST_BEGIN_2026));
    p = pattern(0xFF, 0xFE, 0xFF, 0);
    assert_true(pp_clock_matches(&ck, &p, (1777507200 - 7200) * S)); /* 04-30 00:00 local */
    p.day = 0xFD;
    assert_false(pp_clock_matches(&ck, &p, (1777507200 - 7200) * S));
    p = pattern(0xFF, 0xFF, 7, 3);
    assert_true(pp_clock_matches(&ck, &p, DST_BEGIN_2026));
    p.dow = 6;
    assert_false(pp_clock_matches(&ck, &p, DST_BEGIN_2026));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(calendar_matches_a_day_by_day_walk),
        cmocka_unit_test(leap_days_2000_2024_2100_and_2038),
        cmocka_unit_test(weekdays_and_days_of_year),
        cmocka_unit_test(eu_summer_time_bounds),
        cmocka_unit_test(eu_dates_in_several_years),
        cmocka_unit_test(local_time_across_both_changes),
        cmocka_unit_test(second_by_second_across_the_changes),
        cmocka_unit_test(local_to_utc_gap_and_repeated_hour),
        cmocka_unit_test(the_spring_gap_every_second),
        cmocka_unit_test(zones_without_dst_and_out_of_range),
        cmocka_unit_test(us_and_southern_rules),
        cmocka_unit_test(attribute_setters_validate),
        cmocka_unit_test(datetime_vectors),
        cmocka_unit_test(datetime_from_and_to_the_clock),
        cmocka_unit_test(rtc_read_set_shift_adjust),
        cmocka_unit_test(intervals_billing_dates_and_patterns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
