/* Tariff control: Z3 module inputs, the activity calendar (COSEM class 20
 * shape) with special days, the built-in presets, DST transitions and the
 * exact switching second. Expectations are derived by hand in comments
 * (weekdays checked against a perpetual calendar; EU DST 2026: summer time
 * from Sun 29 Mar 01:00 UTC, winter time from Sun 25 Oct 01:00 UTC). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "polyphase/port.h"
#include "polyphase/tariff.h"

static pp_tariff_time_t lt(uint16_t y, uint8_t mo, uint8_t d, uint8_t wd, uint8_t h, uint8_t mi,
                           uint8_t s)
{
    pp_tariff_time_t t = {y, mo, d, wd, h, mi, s};
    return t;
}

static int eval(const pp_calendar_t *c, const pp_special_days_t *sp, pp_tariff_time_t t)
{
    return pp_calendar_eval(c, sp, &t, NULL);
}

/* A calendar with one day profile {00:00 T1, 02:30 T2, 03:30 T3} every day:
 * switch times inside the DST hours. */
static void dst_calendar(pp_calendar_t *c)
{
    memset(c, 0, sizeof(*c));
    c->n_seasons = 1;
    c->season[0].year = PP_CAL_ANY_YEAR;
    c->season[0].month = 1;
    c->season[0].day = 1;
    c->season[0].week.len = 1;
    c->season[0].week.b[0] = 'W';
    c->n_weeks = 1;
    c->week[0].name = c->season[0].week;
    memset(c->week[0].day_id, 7, 7);
    c->n_days = 1;
    c->day[0].day_id = 7;
    c->day[0].n_actions = 3;
    c->day[0].action[0] = (pp_cal_action_t){0, 0, 0, 1};
    c->day[0].action[1] = (pp_cal_action_t){2, 30, 0, 2};
    c->day[0].action[2] = (pp_cal_action_t){3, 30, 0, 3};
}

static void z3_inputs_select_tariffs(void **state)
{
    (void)state;
    pp_tariff_config_t c;
    const uint32_t io1 = PP_IN_MODULE_IO1, io2 = PP_IN_MODULE_IO2;
    /* 01 4-tariff: T = 1 + io1 + 2*io2 */
    assert_int_equal(pp_tariff_config_from_z3(1, false, &c), PP_OK);
    assert_int_equal(c.source, PP_TARIFF_INPUT4);
    assert_int_equal(pp_tariff_from_inputs(&c, 0), 1);
    assert_int_equal(pp_tariff_from_inputs(&c, io1), 2);
    assert_int_equal(pp_tariff_from_inputs(&c, io2), 3);
    assert_int_equal(pp_tariff_from_inputs(&c, io1 | io2), 4);
    /* 02 4-tariff inverted: both inputs active low */
    assert_int_equal(pp_tariff_config_from_z3(2, false, &c), PP_OK);
    assert_int_equal(pp_tariff_from_inputs(&c, io1 | io2), 1);
    assert_int_equal(pp_tariff_from_inputs(&c, 0), 4);
    assert_int_equal(pp_tariff_from_inputs(&c, io2), 2);
    /* 07 2-tariff / alarm in: I/O 1 */
    assert_int_equal(pp_tariff_config_from_z3(7, false, &c), PP_OK);
    assert_int_equal(c.source, PP_TARIFF_INPUT2);
    assert_int_equal(pp_tariff_from_inputs(&c, 0), 1);
    assert_int_equal(pp_tariff_from_inputs(&c, io1), 2);
    assert_int_equal(pp_tariff_from_inputs(&c, io2), 1);
    /* 08 2-tariff inverted */
    assert_int_equal(pp_tariff_config_from_z3(8, false, &c), PP_OK);
    assert_int_equal(pp_tariff_from_inputs(&c, 0), 2);
    assert_int_equal(pp_tariff_from_inputs(&c, io1), 1);
    /* 09 2-tariff / alarm in inverted: the tariff input is not inverted */
    assert_int_equal(pp_tariff_config_from_z3(9, false, &c), PP_OK);
    assert_int_equal(pp_tariff_from_inputs(&c, io1), 2);
    /* 13 pulse in / 2-tariff: I/O 2 */
    assert_int_equal(pp_tariff_config_from_z3(13, false, &c), PP_OK);
    assert_int_equal(pp_tariff_from_inputs(&c, io1), 1);
    assert_int_equal(pp_tariff_from_inputs(&c, io2), 2);
    /* 14 pulse in / 2-tariff inverted */
    assert_int_equal(pp_tariff_config_from_z3(14, false, &c), PP_OK);
    assert_int_equal(pp_tariff_from_inputs(&c, io2), 1);
    assert_int_equal(pp_tariff_from_inputs(&c, 0), 2);
    /* 23 4-tariff sync load control inverted */
    assert_int_equal(pp_tariff_config_from_z3(23, false, &c), PP_OK);
    assert_int_equal(pp_tariff_from_inputs(&c, io1), 3);
    /* No tariff function: table or single */
    assert_int_equal(pp_tariff_config_from_z3(3, true, &c), PP_OK);
    assert_int_equal(c.source, PP_TARIFF_CALENDAR);
    assert_int_equal(pp_tariff_config_from_z3(0, false, &c), PP_OK);
    assert_int_equal(c.source, PP_TARIFF_SINGLE);
    /* Errors: unknown rows, inputs and table together */
    assert_int_equal(pp_tariff_config_from_z3(24, false, &c), PP_ERR_RANGE);
    assert_int_equal(pp_tariff_config_from_z3(29, false, &c), PP_ERR_RANGE);
    assert_int_equal(pp_tariff_config_from_z3(1, true, &c), PP_ERR_STATE);
}

static void input_tariff_follows_inputs_every_second(void **state)
{
    (void)state;
    pp_tariff_config_t c;
    pp_tariff_t t;
    assert_int_equal(pp_tariff_config_from_z3(1, false, &c), PP_OK);
    assert_int_equal(pp_tariff_init(&t, &c, NULL, NULL), PP_OK);
    assert_int_equal(pp_tariff_update(&t, 1000, NULL, PP_IN_MODULE_IO2), 3);
    assert_int_equal(pp_tariff_update(&t, 2000, NULL, 0), 1);
    assert_int_equal(t.switches, 2);
}

static void day_night_preset(void **state)
{
    (void)state;
    pp_calendar_t c;
    pp_special_days_t sp;
    assert_int_equal(pp_calendar_preset(1, &c, &sp), PP_OK);
    /* Mon 2026-03-02: T2 before 06:00, T1 06:00..21:59:59, T2 from 22:00 */
    assert_int_equal(eval(&c, &sp, lt(2026, 3, 2, 1, 5, 59, 59)), 2);
    assert_int_equal(eval(&c, &sp, lt(2026, 3, 2, 1, 6, 0, 0)), 1);
    assert_int_equal(eval(&c, &sp, lt(2026, 3, 2, 1, 21, 59, 59)), 1);
    assert_int_equal(eval(&c, &sp, lt(2026, 3, 2, 1, 22, 0, 0)), 2);
    /* Sat 2026-07-18 noon: weekend profile, T2 all day */
    assert_int_equal(eval(&c, &sp, lt(2026, 7, 18, 6, 12, 0, 0)), 2);
    /* next change from 05:59:59 is 1 s away; from 22:00 it is midnight (2 h) */
    pp_tariff_time_t t = lt(2026, 3, 2, 1, 5, 59, 59);
    uint32_t next;
    assert_int_equal(pp_calendar_eval(&c, &sp, &t, &next), 2);
    assert_int_equal(next, 1);
    t = lt(2026, 3, 2, 1, 22, 0, 0);
    assert_int_equal(pp_calendar_eval(&c, &sp, &t, &next), 2);
    assert_int_equal(next, 7200);
    assert_int_equal(pp_calendar_preset(99, &c, &sp), PP_ERR_NOT_FOUND);
}

static void special_days_override_the_week(void **state)
{
    (void)state;
    pp_calendar_t c;
    pp_special_days_t sp;
    assert_int_equal(pp_calendar_preset(1, &c, &sp), PP_OK);
    /* Fri 2026-12-25 and Thu 2026-01-01 at 12:00 are holidays: T2, while
     * Fri 2026-12-18 12:00 is a working day: T1. */
    assert_int_equal(eval(&c, &sp, lt(2026, 12, 25, 5, 12, 0, 0)), 2);
    assert_int_equal(eval(&c, &sp, lt(2026, 1, 1, 4, 12, 0, 0)), 2);
    assert_int_equal(eval(&c, &sp, lt(2026, 12, 18, 5, 12, 0, 0)), 1);
    /* Without the special days table the holiday is a normal Friday */
    assert_int_equal(eval(&c, NULL, lt(2026, 12, 25, 5, 12, 0, 0)), 1);
    /* A year-specific special day: only in 2027 */
    sp.n = 1;
    sp.entry[0] = (pp_cal_special_t){1, 2027, 3, 2, PP_CAL_ANY, 2};
    assert_int_equal(pp_special_days_check(&sp, &c), PP_OK);
    assert_int_equal(eval(&c, &sp, lt(2026, 3, 2, 1, 12, 0, 0)), 1);
    assert_int_equal(eval(&c, &sp, lt(2027, 3, 2, 2, 12, 0, 0)), 2);
    /* A weekday pattern: every Wednesday */
    sp.entry[0] = (pp_cal_special_t){1, PP_CAL_ANY_YEAR, PP_CAL_ANY, PP_CAL_ANY, 3, 2};
    assert_int_equal(eval(&c, &sp, lt(2026, 4, 1, 3, 12, 0, 0)), 2);
    assert_int_equal(eval(&c, &sp, lt(2026, 3, 31, 2, 12, 0, 0)), 1);
    /* Dangling day id and bad dates are refused */
    sp.entry[0].day_id = 9;
    assert_int_equal(pp_special_days_check(&sp, &c), PP_ERR_NOT_FOUND);
    sp.entry[0] = (pp_cal_special_t){1, PP_CAL_ANY_YEAR, 13, 1, PP_CAL_ANY, 2};
    assert_int_equal(pp_special_days_check(&sp, &c), PP_ERR_RANGE);
}

static void seasons_wrap_over_the_new_year(void **state)
{
    (void)state;
    pp_calendar_t c;
    pp_special_days_t sp;
    assert_int_equal(pp_calendar_preset(2, &c, &sp), PP_OK);
    /* Mon 2026-02-16 18:00: winter (from 1 Oct 2025): peak T3 */
    assert_int_equal(eval(&c, &sp, lt(2026, 2, 16, 1, 18, 0, 0)), 3);
    /* Wed 2026-07-15 18:00: summer peak T4; 03:00 night T1; 10:00 day T2 */
    assert_int_equal(eval(&c, &sp, lt(2026, 7, 15, 3, 18, 0, 0)), 4);
    assert_int_equal(eval(&c, &sp, lt(2026, 7, 15, 3, 3, 0, 0)), 1);
    assert_int_equal(eval(&c, &sp, lt(2026, 7, 15, 3, 10, 0, 0)), 2);
    /* Sat 2026-07-18 18:00: weekend, T2 */
    assert_int_equal(eval(&c, &sp, lt(2026, 7, 18, 6, 18, 0, 0)), 2);
    /* Season boundary: Tue 31 Mar 17:00 winter T3, Wed 1 Apr 17:00 summer T4 */
    assert_int_equal(eval(&c, &sp, lt(2026, 3, 31, 2, 17, 0, 0)), 3);
    assert_int_equal(eval(&c, &sp, lt(2026, 4, 1, 3, 17, 0, 0)), 4);
    /* Thu 1 Oct 2026 17:00: winter again, T3 */
    assert_int_equal(eval(&c, &sp, lt(2026, 10, 1, 4, 17, 0, 0)), 3);
    /* Seasons bound to years: 2027 summer, 2028 winter. In 2026 none has
     * started: the earliest (summer 2027) holds; Feb 2028 is still in
     * summer 2027; from 1 Oct 2028 winter. */
    c.season[0].year = 2028;
    c.season[1].year = 2027;
    assert_int_equal(eval(&c, &sp, lt(2026, 2, 16, 1, 18, 0, 0)), 4);
    assert_int_equal(eval(&c, &sp, lt(2028, 2, 14, 1, 18, 0, 0)), 4);
    assert_int_equal(eval(&c, &sp, lt(2028, 10, 2, 1, 18, 0, 0)), 3);
}

static void dst_spring_forward(void **state)
{
    (void)state;
    pp_calendar_t c;
    dst_calendar(&c);
    /* Sun 2026-03-29: UTC 00:59:59 is 01:59:59 CET, UTC 01:00:00 is
     * 03:00:00 CEST. The 02:30 switch does not exist that day: T2 starts at
     * 03:00:00 local, T3 at 03:30:00. */
    assert_int_equal(eval(&c, NULL, lt(2026, 3, 29, 7, 1, 59, 59)), 1);
    assert_int_equal(eval(&c, NULL, lt(2026, 3, 29, 7, 3, 0, 0)), 2);
    assert_int_equal(eval(&c, NULL, lt(2026, 3, 29, 7, 3, 29, 59)), 2);
    assert_int_equal(eval(&c, NULL, lt(2026, 3, 29, 7, 3, 30, 0)), 3);
}

static void dst_fall_back_repeats_the_hour(void **state)
{
    (void)state;
    pp_calendar_t c;
    dst_calendar(&c);
    /* Sun 2026-10-25: UTC 00:30:00 = 02:30:00 CEST (T2); UTC 00:59:59 =
     * 02:59:59 CEST (T2); UTC 01:00:00 = 02:00:00 CET: the hour repeats, so
     * T1 again until 02:30:00 CET = UTC 01:30:00 (T2); 03:30 CET = UTC
     * 02:30 (T3). */
    assert_int_equal(eval(&c, NULL, lt(2026, 10, 25, 7, 2, 29, 59)), 1);
    assert_int_equal(eval(&c, NULL, lt(2026, 10, 25, 7, 2, 30, 0)), 2);
    assert_int_equal(eval(&c, NULL, lt(2026, 10, 25, 7, 2, 59, 59)), 2);
    assert_int_equal(eval(&c, NULL, lt(2026, 10, 25, 7, 2, 0, 0)), 1);
    assert_int_equal(eval(&c, NULL, lt(2026, 10, 25, 7, 3, 30, 0)), 3);
}

/* Mon 2026-03-02 00:00:00 UTC = 1772409600; local = UTC + 1 h (CET) all day. */
#define DAY_UTC 1772409600LL

static pp_tariff_time_t cet(int64_t utc_s)
{
    int64_t s = utc_s - DAY_UTC + 3600;
    return lt(2026, 3, 2, 1, (uint8_t)(s / 3600), (uint8_t)(s / 60 % 60), (uint8_t)(s % 60));
}

static void switches_at_the_exact_second(void **state)
{
    (void)state;
    pp_calendar_t c;
    pp_special_days_t sp;
    pp_tariff_config_t cfg = {PP_TARIFF_CALENDAR, 0, 0};
    pp_tariff_t t;
    assert_int_equal(pp_calendar_preset(1, &c, &sp), PP_OK);
    assert_int_equal(pp_tariff_init(&t, &cfg, &c, &sp), PP_OK);
    /* 00:00 UTC .. 22:59:59 UTC = 01:00 .. 23:59:59 CET. The tariff is asked
     * for local time only when needed; it must still change exactly at
     * 05:00:00 UTC (06:00 CET -> T1) and 21:00:00 UTC (22:00 CET -> T2). */
    unsigned evals = 0, changes = 0;
    int prev = 0;
    for (int64_t s = DAY_UTC; s < DAY_UTC + 23 * 3600; s++) {
        pp_tariff_time_t l = cet(s);
        bool need = pp_tariff_needs_local(&t, s * 1000);
        evals += need;
        int cur = pp_tariff_update(&t, s * 1000, need ? &l : NULL, 0);
        assert_int_equal(cur, eval(&c, &sp, l));
        if (prev != 0 && cur != prev) {
            changes++;
            assert_true(s == DAY_UTC + 5 * 3600 || s == DAY_UTC + 21 * 3600);
        }
        prev = cur;
    }
    assert_int_equal(changes, 2);
    /* At most one look per UTC hour plus the switches: here 23 + 2 + 1. */
    assert_true(evals <= 26);
}

static void passive_calendar_activates_on_time(void **state)
{
    (void)state;
    pp_calendar_t day_night, four;
    pp_special_days_t sp1, sp2;
    pp_tariff_config_t cfg = {PP_TARIFF_CALENDAR, 0, 0};
    pp_tariff_t t;
    assert_int_equal(pp_calendar_preset(1, &day_night, &sp1), PP_OK);
    assert_int_equal(pp_calendar_preset(2, &four, &sp2), PP_OK);
    assert_int_equal(pp_tariff_init(&t, &cfg, &day_night, NULL), PP_OK);
    /* Activation at 16:30:00 UTC = 17:30 CET: four-band winter peak T3 */
    int64_t act = (DAY_UTC + 16 * 3600 + 1800) * 1000;
    assert_int_equal(pp_tariff_set_passive(&t, &four, act), PP_OK);
    pp_tariff_time_t l = cet(DAY_UTC + 16 * 3600);
    assert_int_equal(pp_tariff_update(&t, (DAY_UTC + 16 * 3600) * 1000, &l, 0), 1);
    assert_false(pp_tariff_needs_local(&t, act - 1000));
    assert_true(pp_tariff_needs_local(&t, act));
    l = cet(act / 1000);
    assert_int_equal(pp_tariff_update(&t, act, &l, 0), 3);
    assert_false(t.passive_set);
    assert_int_equal(pp_tariff_activate_passive(&t), PP_ERR_STATE);
}

static void broken_calendars_are_refused(void **state)
{
    (void)state;
    pp_calendar_t c;
    dst_calendar(&c);
    assert_int_equal(pp_calendar_check(&c), PP_OK);
    pp_calendar_t b = c;
    b.day[0].action[2].hour = 2; /* 02:00 after 02:30: not ascending */
    assert_int_equal(pp_calendar_check(&b), PP_ERR_RANGE);
    b = c;
    b.day[0].action[1].tariff = 5;
    assert_int_equal(pp_calendar_check(&b), PP_ERR_RANGE);
    b = c;
    b.week[0].day_id[3] = 8; /* no day profile 8 */
    assert_int_equal(pp_calendar_check(&b), PP_ERR_NOT_FOUND);
    b = c;
    b.season[0].week.b[0] = 'X'; /* no week "X" */
    assert_int_equal(pp_calendar_check(&b), PP_ERR_NOT_FOUND);
    b = c;
    b.n_seasons = 0;
    assert_int_equal(pp_calendar_check(&b), PP_ERR_RANGE);
    b = c;
    b.season[0].month = 13;
    assert_int_equal(pp_calendar_check(&b), PP_ERR_RANGE);
    b = c;
    b.day[0].n_actions = 0;
    assert_int_equal(pp_calendar_check(&b), PP_ERR_RANGE);
    b = c;
    b.week[0].name.len = PP_CAL_NAME_MAX + 1;
    assert_int_equal(pp_calendar_check(&b), PP_ERR_RANGE);
    pp_tariff_t t;
    pp_tariff_config_t cfg = {PP_TARIFF_CALENDAR, 0, 0};
    assert_int_equal(pp_tariff_init(&t, &cfg, &b, NULL), PP_ERR_RANGE);
    assert_int_equal(pp_tariff_set_passive(&t, &b, 0), PP_ERR_RANGE);
    pp_tariff_time_t bad = lt(2026, 3, 2, 0, 0, 0, 0); /* weekday 0 */
    assert_int_equal(pp_calendar_eval(&c, NULL, &bad, NULL), PP_ERR_ARG);
    /* An unchecked calendar with counts past its tables: refused, no overrun */
    pp_tariff_time_t ok = lt(2026, 3, 2, 1, 0, 0, 0);
    b = c;
    b.n_days = 200;
    assert_int_equal(pp_calendar_eval(&b, NULL, &ok, NULL), PP_ERR_RANGE);
    b = c;
    b.day[0].n_actions = 200;
    assert_int_equal(pp_calendar_eval(&b, NULL, &ok, NULL), PP_ERR_RANGE);
}

static void byte_forms_round_trip_and_refuse_garbage(void **state)
{
    (void)state;
    pp_calendar_t c, d;
    pp_special_days_t sp, sp2;
    uint8_t buf[PP_CAL_BYTES_MAX];
    assert_int_equal(pp_calendar_preset(2, &c, &sp), PP_OK);
    int n = pp_calendar_encode(&c, buf, sizeof(buf));
    /* "4BAND": 1+5 name, 3 counts; seasons 2 x (1+6 + 2+5 + 1+6) = 42;
     * weeks 2 x (1+6 + 7) = 28; days 2 x (2 + 16) + (2 + 8) = 46 -> 125 */
    assert_int_equal(n, 125);
    assert_int_equal(pp_calendar_decode(buf, (size_t)n, &d), PP_OK);
    assert_memory_equal(&c, &d, sizeof(c));
    /* Every truncation is malformed, never a crash */
    for (int len = 0; len < n; len++) {
        assert_int_equal(pp_calendar_decode(buf, (size_t)len, &d), PP_ERR_MALFORMED);
    }
    assert_int_equal(pp_calendar_encode(&c, buf, 10), PP_ERR_NOSPACE);
    /* A name longer than the limit, a count above the table size */
    buf[0] = PP_CAL_NAME_MAX + 1;
    assert_int_equal(pp_calendar_decode(buf, (size_t)n, &d), PP_ERR_MALFORMED);
    buf[0] = 5;
    buf[6] = PP_CAL_SEASONS + 1;
    assert_int_equal(pp_calendar_decode(buf, (size_t)n, &d), PP_ERR_MALFORMED);
    /* Well-formed bytes with a bad tariff are refused by the check */
    assert_int_equal(pp_calendar_encode(&c, buf, sizeof(buf)), 125);
    buf[124] = 9; /* last action's tariff */
    assert_int_equal(pp_calendar_decode(buf, 125, &d), PP_ERR_RANGE);
    /* Special days: 6 holidays -> 1 + 6 x 7 = 43 bytes */
    assert_int_equal(pp_special_days_encode(&sp, buf, sizeof(buf)), 43);
    assert_int_equal(pp_special_days_decode(buf, 43, &sp2), PP_OK);
    assert_memory_equal(&sp, &sp2, sizeof(sp));
    assert_int_equal(pp_special_days_decode(buf, 42, &sp2), PP_ERR_MALFORMED);
    buf[0] = PP_CAL_SPECIAL_DAYS + 1;
    assert_int_equal(pp_special_days_decode(buf, sizeof(buf), &sp2), PP_ERR_MALFORMED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(z3_inputs_select_tariffs),
        cmocka_unit_test(input_tariff_follows_inputs_every_second),
        cmocka_unit_test(day_night_preset),
        cmocka_unit_test(special_days_override_the_week),
        cmocka_unit_test(seasons_wrap_over_the_new_year),
        cmocka_unit_test(dst_spring_forward),
        cmocka_unit_test(dst_fall_back_repeats_the_hour),
        cmocka_unit_test(switches_at_the_exact_second),
        cmocka_unit_test(passive_calendar_activates_on_time),
        cmocka_unit_test(broken_calendars_are_refused),
        cmocka_unit_test(byte_forms_round_trip_and_refuse_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
