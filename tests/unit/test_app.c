/* The energy application end to end on the fake port: debiting at 00:00:00
 * local time across DST, missed stops at power-up, external stops (input and
 * command), exact tariff switching through the application, pulse input and
 * hour counter. Local time comes from the C library with the POSIX TZ rule
 * "CET-1CEST,M3.5.0,M10.5.0/3" (an independent reference for the clock). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "fake_port.h"
#include "polyphase/app.h"
#include "polyphase/clock.h"
#include "polyphase/nvm_layout.h"

static pp_err_t libc_local(void *ctx, int64_t utc_ms, pp_tariff_time_t *out)
{
    (void)ctx;
    time_t t = (time_t)(utc_ms / 1000);
    struct tm tm;
    if (localtime_r(&t, &tm) == NULL) {
        return PP_ERR_STATE;
    }
    out->year = (uint16_t)(tm.tm_year + 1900);
    out->month = (uint8_t)(tm.tm_mon + 1);
    out->day = (uint8_t)tm.tm_mday;
    out->weekday = (uint8_t)(tm.tm_wday == 0 ? 7 : tm.tm_wday);
    out->hour = (uint8_t)tm.tm_hour;
    out->minute = (uint8_t)tm.tm_min;
    out->second = (uint8_t)tm.tm_sec;
    return PP_OK;
}

typedef struct fixture {
    pp_fake_port_t fake;
    pp_journal_t journal;
    pp_app_t app;
    pp_app_config_t cfg;
} fixture_t;

static int setup_tz(void **state)
{
    (void)state;
    setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
    tzset();
    return 0;
}

static fixture_t *fx_new(void)
{
    fixture_t *x = calloc(1, sizeof(*x));
    pp_fake_port_init(&x->fake, PP_NVM_TOTAL_SIZE, 256);
    pp_app_config_default(&x->cfg);
    return x;
}

static void fx_open(fixture_t *x)
{
    pp_app_clock_t clk = {NULL, libc_local};
    assert_int_equal(pp_journal_open(&x->journal, &x->fake.port, PP_NVM_JOURNAL_BASE,
                                     PP_NVM_JOURNAL_SIZE), PP_OK);
    assert_int_equal(pp_app_init(&x->app, &x->fake.port, &x->journal, &clk, &x->cfg), PP_OK);
}

static void fx_free(fixture_t *x)
{
    pp_fake_port_free(&x->fake);
    free(x);
}

/* Frames stamped from..to (s) at p W (multiple of 36) of A+ and E+. */
static void run(fixture_t *x, int64_t from, int64_t to, uint32_t p_w)
{
    pp_frame_t f;
    memset(&f, 0, sizeof(f));
    f.duration_ms = 1000;
    f.total.a_plus_uwh = p_w / 36u * 10000u;
    f.total.e_plus_uvah = f.total.a_plus_uwh;
    f.total.r_plus_uvarh = f.total.a_plus_uwh / 2u;
    for (int64_t s = from; s <= to; s++) {
        assert_int_equal(pp_app_on_frame(&x->app, &f, s * 1000), PP_OK);
    }
}

#define FEB28_22UTC 1772316000LL /* 2026-02-28 22:00:00 UTC = 23:00 CET */

static void debiting_at_local_midnight_across_dst(void **state)
{
    (void)state;
    fixture_t *x = fx_new();
    fx_open(x);
    /* Monthly on the 1st. 3600 W from 22:00:01 UTC: the stop is at
     * 2026-03-01 00:00:00 CET = 23:00:00 UTC with 3600 s x 1 Wh = 3600 Wh,
     * 1800 varh. All four demand periods average 3600 W; the first, ending
     * 22:15:00 UTC, holds P+max (a later equal value is not a new maximum). */
    run(x, FEB28_22UTC + 1, FEB28_22UTC + 3599, 3600);
    assert_int_equal(pp_app_stop_counter(&x->app), 0);
    int y, m, d;
    assert_true(pp_app_next_debiting_date(&x->app, &y, &m, &d));
    assert_true(y == 2026 && m == 3 && d == 1);
    /* 23:00 UTC minus 1 s: the open period (22:45, 23:00] measured 899 s of
     * 3600 W: 899e6 uWh * 3600 / 900e6 = 3596 W so far */
    assert_int_equal(pp_app_current_demand_w(&x->app, PP_DEMAND_P_PLUS), 3596);
    run(x, FEB28_22UTC + 3600, FEB28_22UTC + 3600, 3600);
    assert_int_equal(pp_app_stop_counter(&x->app), 1);
    pp_billing_snapshot_t s;
    assert_int_equal(pp_app_snapshot(&x->app, 0, &s), PP_OK);
    assert_int_equal(s.utc_ms, (FEB28_22UTC + 3600) * 1000);
    assert_int_equal(s.reason, PP_BILLING_SCHEDULED);
    assert_int_equal(s.period_id, 2026 * 12 + 2);
    assert_int_equal(s.stop_counter, 1);
    assert_int_equal(s.energy_wh[PP_REG_A_PLUS], 3600);
    assert_int_equal(s.energy_wh[PP_REG_E_PLUS], 3600);
    assert_int_equal(s.energy_wh[PP_REG_R_PLUS], 1800);
    assert_int_equal(s.a_plus_tariff_wh[0], 3600);
    assert_int_equal(s.p_plus_max.w, 3600);
    assert_int_equal(s.p_plus_max.utc_ms, (FEB28_22UTC + 900) * 1000);
    assert_int_equal(s.p_plus_max_acc, 3600);
    assert_int_equal(s.p_plus_max_tariff[0].w, 3600);
    assert_int_equal(s.p_plus_max_acc_tariff[0], 3600);
    assert_int_equal(s.s_plus_max.w, 3600);
    assert_int_equal(s.hour_counter, 1);
    assert_int_equal(pp_app_demand(&x->app)->max[PP_DEMAND_P_PLUS].w, 0);
    assert_int_equal(pp_app_demand(&x->app)->acc_w, 3600);
    /* Off from 23:00:30 UTC until 2026-03-31 21:59:00 UTC (23:59 CEST):
     * no stop is due at the restore (still March); the April stop falls at
     * 2026-04-01 00:00:00 CEST = 2026-03-31 22:00:00 UTC, summer time. */
    run(x, FEB28_22UTC + 3601, FEB28_22UTC + 3630, 3600);
    assert_int_equal(pp_app_on_power_fail(&x->app), PP_OK);
    fx_open(x);
    const int64_t mar31 = 1774994340LL; /* 21:59:00 UTC */
    assert_int_equal(pp_app_on_power_restore(&x->app, mar31 * 1000), PP_OK);
    assert_int_equal(pp_app_stop_counter(&x->app), 1);
    run(x, mar31 + 1, mar31 + 59, 3600);
    assert_int_equal(pp_app_stop_counter(&x->app), 1);
    run(x, mar31 + 60, mar31 + 60, 3600);
    assert_int_equal(pp_app_stop_counter(&x->app), 2);
    assert_int_equal(pp_app_snapshot(&x->app, 0, &s), PP_OK);
    assert_int_equal(s.utc_ms, (mar31 + 60) * 1000);
    assert_int_equal(s.period_id, 2026 * 12 + 3);
    /* 3630 s before the cut (the residue was saved) + 60 s = 3690 Wh */
    assert_int_equal(s.energy_wh[PP_REG_A_PLUS], 3690);
    assert_true(s.quality & PP_QI_POWER_FAIL);
    /* by date: the March 1 snapshot is the newest at or before 15 March */
    assert_int_equal(pp_app_snapshot_at(&x->app, (FEB28_22UTC + 15 * 86400) * 1000, &s), PP_OK);
    assert_int_equal(s.stop_counter, 1);
    assert_int_equal(pp_app_snapshot_count(&x->app), 2);
    fx_free(x);
}

static void missed_stop_happens_at_power_up(void **state)
{
    (void)state;
    fixture_t *x = fx_new();
    fx_open(x);
    run(x, FEB28_22UTC + 1, FEB28_22UTC + 10, 3600);
    assert_int_equal(pp_app_on_power_fail(&x->app), PP_OK);
    fx_open(x);
    /* Back on 2026-03-05 12:00 UTC: the 1 March stop was missed; it is done
     * once, now, stamped with the restore time. */
    int64_t back = FEB28_22UTC + 4 * 86400 + 14 * 3600;
    assert_int_equal(pp_app_on_power_restore(&x->app, back * 1000), PP_OK);
    assert_int_equal(pp_app_stop_counter(&x->app), 1);
    pp_billing_snapshot_t s;
    assert_int_equal(pp_app_snapshot(&x->app, 0, &s), PP_OK);
    assert_int_equal(s.utc_ms, back * 1000);
    assert_int_equal(s.energy_wh[PP_REG_A_PLUS], 10);
    run(x, back + 1, back + 5, 3600);
    assert_int_equal(pp_app_stop_counter(&x->app), 1);
    fx_free(x);
}

static void external_stops_by_input_and_command(void **state)
{
    (void)state;
    fixture_t *x = fx_new();
    x->cfg.module_function = 15;       /* debiting stop pulse on I/O 1 */
    x->cfg.billing.interval_months = 0; /* Z7 00: externally controlled */
    fx_open(x);
    run(x, FEB28_22UTC + 1, FEB28_22UTC + 7200, 3600); /* crosses 1 March: no stop */
    assert_int_equal(pp_app_stop_counter(&x->app), 0);
    x->fake.inputs = PP_IN_MODULE_IO1;
    run(x, FEB28_22UTC + 7201, FEB28_22UTC + 7205, 3600); /* one rising edge */
    assert_int_equal(pp_app_stop_counter(&x->app), 1);
    pp_billing_snapshot_t s;
    assert_int_equal(pp_app_snapshot(&x->app, 0, &s), PP_OK);
    assert_int_equal(s.reason, PP_BILLING_INPUT);
    assert_int_equal(s.utc_ms, (FEB28_22UTC + 7201) * 1000);
    assert_int_equal(s.period_id, -1);
    x->fake.inputs = 0;
    run(x, FEB28_22UTC + 7206, FEB28_22UTC + 7210, 3600);
    assert_int_equal(pp_app_debiting_stop(&x->app, (FEB28_22UTC + 7210) * 1000,
                                          PP_BILLING_COMMAND), PP_OK);
    assert_int_equal(pp_app_stop_counter(&x->app), 2);
    assert_int_equal(pp_app_snapshot(&x->app, 0, &s), PP_OK);
    assert_int_equal(s.reason, PP_BILLING_COMMAND);
    assert_int_equal(s.energy_wh[PP_REG_A_PLUS], 7210);
    assert_int_equal(pp_app_debiting_stop(&x->app, 0, PP_BILLING_SCHEDULED), PP_ERR_ARG);
    fx_free(x);
}

#define MAR30_0359_50 1774843190LL /* Mon 2026-03-30 03:59:50 UTC = 05:59:50 CEST */

static void tariff_switch_through_the_app(void **state)
{
    (void)state;
    fixture_t *x = fx_new();
    x->cfg.tariff_preset = 1; /* day/night: T1 from 06:00 local on weekdays */
    x->cfg.decimals = 3;
    fx_open(x);
    /* Frames 03:59:51..03:59:59 UTC are night (T2); the frame stamped
     * 04:00:00 UTC carries the last night second, so A+ T2 = 10 Wh; from
     * 04:00:00 CEST+2 = 06:00 local the tariff is T1: 10 more frames. */
    run(x, MAR30_0359_50 + 1, MAR30_0359_50 + 9, 3600);
    assert_int_equal(pp_app_tariff(&x->app), 2);
    run(x, MAR30_0359_50 + 10, MAR30_0359_50 + 10, 3600);
    assert_int_equal(pp_app_tariff(&x->app), 1);
    run(x, MAR30_0359_50 + 11, MAR30_0359_50 + 20, 3600);
    assert_int_equal(pp_app_tariff_wh(&x->app, PP_REG_TARIFF_A_PLUS, 2), 10);
    assert_int_equal(pp_app_tariff_wh(&x->app, PP_REG_TARIFF_A_PLUS, 1), 10);
    /* After the October change, Mon 2026-10-26 06:00 CET = 05:00 UTC */
    const int64_t oct26 = 1792990790LL;
    assert_int_equal(pp_app_on_clock_change(&x->app, (MAR30_0359_50 + 20) * 1000, oct26 * 1000),
                     PP_OK);
    assert_int_equal(pp_app_tariff(&x->app), 2);
    run(x, oct26 + 1, oct26 + 9, 3600);
    assert_int_equal(pp_app_tariff(&x->app), 2);
    run(x, oct26 + 10, oct26 + 10, 3600);
    assert_int_equal(pp_app_tariff(&x->app), 1);
    /* The jump from March to October crossed the 1 April..1 October stop
     * dates: one stop at the new time, its quality info says why. */
    assert_int_equal(pp_app_stop_counter(&x->app), 1);
    pp_billing_snapshot_t s;
    assert_int_equal(pp_app_snapshot(&x->app, 0, &s), PP_OK);
    assert_true(s.quality & PP_QI_CLOCK_ADJUSTED);
    assert_int_equal(s.utc_ms, oct26 * 1000);
    assert_int_equal(s.period_id, 2026 * 12 + 9);
    fx_free(x);
}

static void pulse_input_and_hour_counter(void **state)
{
    (void)state;
    fixture_t *x = fx_new();
    x->cfg.module_function = 3; /* pulse in / alarm in */
    x->cfg.pulse_unit = PP_PULSE_UNIT_L;
    fx_open(x);
    pp_frame_t f;
    memset(&f, 0, sizeof(f));
    /* 7300 s: the input toggles every second -> 3650 rising edges; two full
     * hours with supply. */
    for (int64_t s = 1; s <= 7300; s++) {
        x->fake.inputs = (s % 2) ? PP_IN_MODULE_IO1 : 0;
        assert_int_equal(pp_app_on_frame(&x->app, &f, (FEB28_22UTC + s) * 1000), PP_OK);
    }
    assert_int_equal(pp_app_pulse_counter(&x->app), 3650);
    assert_int_equal(pp_app_hour_counter(&x->app), 2);
    pp_app_add_pulses(&x->app, 5);
    assert_int_equal(pp_app_on_frame(&x->app, &f, (FEB28_22UTC + 7301) * 1000), PP_OK);
    assert_int_equal(pp_app_pulse_counter(&x->app), 3655);
    fx_open(x);
    assert_int_equal(pp_app_pulse_counter(&x->app), 3655);
    assert_int_equal(pp_app_hour_counter(&x->app), 2);
    fx_free(x);
}

static void calendar_changes_survive_a_restart(void **state)
{
    (void)state;
    fixture_t *x = fx_new();
    x->cfg.tariff_preset = 1;
    fx_open(x);
    /* DLMS writes the four-band calendar as passive, activated at once, and
     * a special day on Mon 30 Mar 2026. After a restart the meter still runs
     * the four-band calendar: Mon 2026-03-02 18:00 CET = 17:00 UTC is the
     * winter peak T3 (the day/night preset would give T1), and 30 March
     * uses day profile 3 (weekend: T2 at 18:00 CEST = 16:00 UTC). */
    pp_calendar_t four;
    pp_special_days_t sp;
    assert_int_equal(pp_calendar_preset(2, &four, &sp), PP_OK);
    assert_int_equal(pp_app_set_passive_calendar(&x->app, &four, 0), PP_OK);
    assert_int_equal(pp_app_activate_passive_calendar(&x->app), PP_OK);
    sp.n = 1;
    sp.entry[0] = (pp_cal_special_t){1, 2026, 3, 30, PP_CAL_ANY, 3};
    assert_int_equal(pp_app_set_special_days(&x->app, &sp), PP_OK);
    fx_open(x);
    const int64_t mar2_17utc = 1772470800LL;
    run(x, mar2_17utc, mar2_17utc, 0);
    assert_int_equal(pp_app_tariff(&x->app), 3);
    const int64_t mar30_16utc = 1774886400LL;
    assert_int_equal(pp_app_on_clock_change(&x->app, mar2_17utc * 1000, mar30_16utc * 1000), PP_OK);
    assert_int_equal(pp_app_tariff(&x->app), 2);
    /* A new order code (Z13 002) wins over the stored changes */
    x->cfg.tariff_preset = 2;
    fx_open(x);
    run(x, mar30_16utc, mar30_16utc, 0);
    /* no special day now: a winter weekday (summer starts 1 April), peak T3 */
    assert_int_equal(pp_app_tariff(&x->app), 3);
    /* A broken calendar is refused and changes nothing */
    four.day[0].action[1].tariff = 7;
    assert_int_equal(pp_app_set_passive_calendar(&x->app, &four, 0), PP_ERR_RANGE);
    /* Without a calendar source the writes are refused */
    x->cfg.tariff_preset = 0;
    fx_open(x);
    assert_int_equal(pp_app_activate_passive_calendar(&x->app), PP_ERR_STATE);
    fx_free(x);
}

/* Every day {00:00 T1, 02:30 T2, 03:30 T3}: switch times inside the hours
 * that DST removes or repeats. */
static void dst_night_calendar(pp_calendar_t *c)
{
    memset(c, 0, sizeof(*c));
    c->n_seasons = 1;
    c->season[0] = (pp_cal_season_t){{1, "S"}, PP_CAL_ANY_YEAR, 1, 1, 0, 0, 0, {1, "W"}};
    c->n_weeks = 1;
    c->week[0] = (pp_cal_week_t){{1, "W"}, {1, 1, 1, 1, 1, 1, 1}};
    c->n_days = 1;
    c->day[0].day_id = 1;
    c->day[0].n_actions = 3;
    c->day[0].action[0] = (pp_cal_action_t){0, 0, 0, 1};
    c->day[0].action[1] = (pp_cal_action_t){2, 30, 0, 2};
    c->day[0].action[2] = (pp_cal_action_t){3, 30, 0, 3};
}

/* Runs frames second by second over [from, to] and records each tariff
 * change as (UTC second - from, new tariff). */
static unsigned changes(fixture_t *x, int64_t from, int64_t to, int64_t out[][2], unsigned cap)
{
    unsigned n = 0, prev = 0;
    pp_frame_t f;
    memset(&f, 0, sizeof(f));
    for (int64_t s = from; s <= to; s++) {
        assert_int_equal(pp_app_on_frame(&x->app, &f, s * 1000), PP_OK);
        unsigned t = pp_app_tariff(&x->app);
        if (t != prev && n < cap) {
            out[n][0] = s - from;
            out[n][1] = t;
            n++;
        }
        prev = t;
    }
    return n;
}

static void tariff_switches_across_both_dst_changes(void **state)
{
    /* Run twice: local time from the C library, then from the meter's own
     * clock module (Z11 +1 h, Z15 EU) through pp_app_local_from_clock. */
    pp_clock_t meter_clock;
    assert_int_equal(pp_clock_init(&meter_clock, 60, true), PP_OK);
    pp_calendar_t cal;
    dst_night_calendar(&cal);
    fixture_t *x = fx_new();
    x->cfg.calendar = &cal;
    if (*state != NULL) {
        pp_app_clock_t clk = {&meter_clock, pp_app_local_from_clock};
        assert_int_equal(pp_journal_open(&x->journal, &x->fake.port, PP_NVM_JOURNAL_BASE,
                                         PP_NVM_JOURNAL_SIZE), PP_OK);
        assert_int_equal(pp_app_init(&x->app, &x->fake.port, &x->journal, &clk, &x->cfg), PP_OK);
    } else {
        fx_open(x);
    }
    int64_t ch[8][2];
    /* Sat 28 Mar 23:00 UTC (00:00 CET Sun 29 Mar) .. 03:00 UTC:
     * T1 from the start; 01:00:00 UTC = 03:00:00 CEST (02:30 never
     * happened): T2, i.e. +7200 s; 01:30:00 UTC = 03:30 CEST: T3, +9000 s. */
    unsigned n = changes(x, 1774738800LL, 1774738800LL + 4 * 3600, ch, 8);
    assert_int_equal(n, 3);
    assert_true(ch[0][0] == 0 && ch[0][1] == 1);
    assert_true(ch[1][0] == 7200 && ch[1][1] == 2);
    assert_true(ch[2][0] == 9000 && ch[2][1] == 3);
    /* Sat 24 Oct 23:00 UTC = 01:00 CEST Sun 25 Oct .. 03:00 UTC: after the
     * clock change to it, T1 (01:00 CEST); 00:30 UTC = 02:30 CEST: T2
     * (+5400 s); 01:00 UTC = 02:00 CET, the hour again: T1 (+7200 s); 01:30
     * UTC = 02:30 CET: T2 (+9000 s); 02:30 UTC = 03:30 CET: T3 (+12600 s). */
    const int64_t oct = 1792882800LL;
    assert_int_equal(pp_app_on_clock_change(&x->app, (1774738800LL + 4 * 3600) * 1000, oct * 1000),
                     PP_OK);
    n = changes(x, oct + 1, oct + 4 * 3600, ch, 8);
    assert_int_equal(n, 5);
    assert_true(ch[0][0] == 0 && ch[0][1] == 1);
    assert_true(ch[1][0] == 5400 - 1 && ch[1][1] == 2);
    assert_true(ch[2][0] == 7200 - 1 && ch[2][1] == 1);
    assert_true(ch[3][0] == 9000 - 1 && ch[3][1] == 2);
    assert_true(ch[4][0] == 12600 - 1 && ch[4][1] == 3);
    fx_free(x);
}

/* A time-zone change written over DLMS: local time follows at the next
 * second. Mon 2026-03-30 03:30 UTC is 05:30 CEST (day/night preset: T2);
 * with time_zone -180 (UTC+3, +1 h summer time) it is 07:30: T1, although
 * the switch the app had scheduled (06:00 CEST = 04:00 UTC) is not due. */
static void time_zone_change_applies_at_once(void **state)
{
    (void)state;
    pp_clock_t meter_clock;
    assert_int_equal(pp_clock_init(&meter_clock, 60, true), PP_OK);
    fixture_t *x = fx_new();
    x->cfg.tariff_preset = 1;
    pp_app_clock_t clk = {&meter_clock, pp_app_local_from_clock};
    assert_int_equal(pp_journal_open(&x->journal, &x->fake.port, PP_NVM_JOURNAL_BASE,
                                     PP_NVM_JOURNAL_SIZE), PP_OK);
    assert_int_equal(pp_app_init(&x->app, &x->fake.port, &x->journal, &clk, &x->cfg), PP_OK);
    const int64_t t0 = 1774841400LL; /* 2026-03-30 03:30:00 UTC */
    run(x, t0 + 1, t0 + 10, 3600);
    assert_int_equal(pp_app_tariff(&x->app), 2);
    assert_int_equal(pp_clock_set_time_zone(&meter_clock, -180), PP_OK);
    pp_app_on_local_rule_change(&x->app);
    run(x, t0 + 11, t0 + 11, 3600);
    assert_int_equal(pp_app_tariff(&x->app), 1);
    fx_free(x);
}

static void frames_without_a_valid_clock(void **state)
{
    (void)state;
    fixture_t *x = fx_new();
    fx_open(x);
    run(x, FEB28_22UTC + 1, FEB28_22UTC + 100, 3600);
    /* 3600 s without time across what would be the 1 March stop: energy
     * still counts, no stop, quality says why; the stop comes with the
     * first valid time (23:30:00 UTC = 00:30 CET 1 March). */
    pp_frame_t f;
    memset(&f, 0, sizeof(f));
    f.total.a_plus_uwh = 1000000;
    for (int i = 0; i < 3600; i++) {
        assert_int_equal(pp_app_on_frame(&x->app, &f, PP_APP_TIME_INVALID), PP_OK);
    }
    assert_int_equal(pp_app_energy_wh(&x->app, PP_REG_A_PLUS, PP_REG_TOTAL), 3700);
    assert_int_equal(pp_app_stop_counter(&x->app), 0);
    assert_true(pp_app_quality(&x->app) & PP_QI_CLOCK_INVALID);
    run(x, FEB28_22UTC + 5400, FEB28_22UTC + 5400, 3600);
    assert_int_equal(pp_app_stop_counter(&x->app), 1);
    pp_billing_snapshot_t s;
    assert_int_equal(pp_app_snapshot(&x->app, 0, &s), PP_OK);
    assert_true(s.quality & PP_QI_CLOCK_INVALID);
    assert_int_equal(s.energy_wh[PP_REG_A_PLUS], 3700);
    fx_free(x);
}

static void debiting_on_the_28th_in_leap_and_common_years(void **state)
{
    (void)state;
    fixture_t *x = fx_new();
    x->cfg.billing.day = 28;
    fx_open(x);
    /* Windows of 20 s around local midnight (CET = UTC+1 on all these
     * dates; DST starts on 31 Mar 2024 and 30 Mar 2025), reached by setting
     * the clock. Expected, by hand:
     *  2024-02-27 23:59:50 -> stop at 2024-02-28 00:00:00 (period Feb 2024)
     *  2024-02-28 23:59:50 -> 29 Feb: no stop
     *  2024-03-27 23:59:50 -> stop at 2024-03-28 00:00:00 (Mar 2024)
     *  2025-02-27 23:59:50 -> the jump skipped 28 Apr 2024 .. 28 Jan 2025:
     *     one stop at the jump (Jan 2025), then 2025-02-28 00:00:00 (Feb)
     *  2025-03-27 23:59:50 -> stop at 2025-03-28 00:00:00 (Mar 2025) */
    static const struct { int64_t t; unsigned stops_before, stops_after; } win[] = {
        {1709074790LL, 0, 1}, {1709161190LL, 1, 1}, {1711580390LL, 1, 2},
        {1740697190LL, 3, 4}, {1743116390LL, 4, 5}};
    int64_t last = 0;
    for (unsigned i = 0; i < 5; i++) {
        if (i > 0) {
            assert_int_equal(pp_app_on_clock_change(&x->app, last * 1000, win[i].t * 1000), PP_OK);
        }
        run(x, win[i].t + 1, win[i].t + 9, 360);
        assert_int_equal(pp_app_stop_counter(&x->app), win[i].stops_before);
        run(x, win[i].t + 10, win[i].t + 20, 360);
        assert_int_equal(pp_app_stop_counter(&x->app), win[i].stops_after);
        last = win[i].t + 20;
    }
    static const struct { int64_t utc; int32_t period; } want[] = {
        {1743116400LL, 2025 * 12 + 2}, {1740697200LL, 2025 * 12 + 1},
        {1740697190LL, 2025 * 12 + 0}, {1711580400LL, 2024 * 12 + 2},
        {1709074800LL, 2024 * 12 + 1}};
    for (uint32_t i = 0; i < 5; i++) {
        pp_billing_snapshot_t s;
        assert_int_equal(pp_app_snapshot(&x->app, i, &s), PP_OK);
        assert_int_equal(s.utc_ms, want[i].utc * 1000);
        assert_int_equal(s.period_id, want[i].period);
        assert_int_equal(s.stop_counter, 5 - i);
    }
    fx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(debiting_at_local_midnight_across_dst),
        cmocka_unit_test(missed_stop_happens_at_power_up),
        cmocka_unit_test(external_stops_by_input_and_command),
        cmocka_unit_test(tariff_switch_through_the_app),
        cmocka_unit_test(pulse_input_and_hour_counter),
        cmocka_unit_test(calendar_changes_survive_a_restart),
        cmocka_unit_test(tariff_switches_across_both_dst_changes),
        cmocka_unit_test_prestate(tariff_switches_across_both_dst_changes, (void *)1),
        cmocka_unit_test(time_zone_change_applies_at_once),
        cmocka_unit_test(frames_without_a_valid_clock),
        cmocka_unit_test(debiting_on_the_28th_in_leap_and_common_years),
    };
    return cmocka_run_group_tests(tests, setup_tz, NULL);
}
