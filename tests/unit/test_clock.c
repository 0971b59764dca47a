/* Civil calendar, EU summer time and COSEM deviation; expectations worked by
 * hand (comments) and a day-by-day walk from 1970 to 2199 as an independent
 * calendar. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "polyphase/clock.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(calendar_matches_a_day_by_day_walk),
        cmocka_unit_test(leap_days_2000_2024_2100_and_2038),
        cmocka_unit_test(eu_summer_time_bounds),
        cmocka_unit_test(local_time_across_both_changes),
        cmocka_unit_test(local_to_utc_gap_and_repeated_hour),
        cmocka_unit_test(zones_without_dst_and_out_of_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
