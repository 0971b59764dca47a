/* Block demand: aligned 15-minute periods, maxima with time, per tariff,
 * threshold counter, power failures and clock adjustments, accumulated
 * maximum over several debiting periods. Powers are multiples of 3.6 W so
 * one second carries a whole number of uWh: 3600 W = 1,000,000 uWh/s, and a
 * full 900 s period of it averages 900e6 uWh * 3600 / (900 s * 1e6) = 3600 W.
 * T0 = 2026-03-02 00:00:00 UTC = 1772409600 s, a multiple of 900. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_port.h"
#include "polyphase/demand.h"
#include "polyphase/journal.h"
#include "polyphase/nvm_layout.h"

#define T0 1772409600LL

typedef struct fixture {
    pp_fake_port_t fake;
    pp_journal_t journal;
    pp_demand_t d;
    pp_demand_config_t cfg;
} fixture_t;

static fixture_t *fx_new(uint32_t threshold)
{
    fixture_t *x = calloc(1, sizeof(*x));
    pp_fake_port_init(&x->fake, PP_NVM_JOURNAL_SIZE, 64);
    x->cfg.integration_minutes = 15;
    x->cfg.threshold_w = threshold;
    return x;
}

static void fx_open(fixture_t *x)
{
    assert_int_equal(pp_journal_open(&x->journal, &x->fake.port, 0, PP_NVM_JOURNAL_SIZE), PP_OK);
    assert_int_equal(pp_demand_init(&x->d, &x->journal, &x->cfg), PP_OK);
}

static void fx_free(fixture_t *x)
{
    pp_fake_port_free(&x->fake);
    free(x);
}

/* Frames stamped from..to (s, inclusive) at p W (A+ and E+). Returns the
 * number of periods closed. */
static int run(fixture_t *x, int64_t from, int64_t to, uint32_t p_w, unsigned tariff)
{
    pp_energy_delta_t e;
    memset(&e, 0, sizeof(e));
    e.a_plus_uwh = p_w / 36u * 10000u; /* W * 1e6 / 3600 */
    e.e_plus_uvah = e.a_plus_uwh;
    int closed = 0;
    for (int64_t s = from; s <= to; s++) {
        int rc = pp_demand_on_second(&x->d, &e, s * 1000, tariff);
        assert_true(rc >= 0);
        closed += rc;
    }
    return closed;
}

static void aligned_periods_and_maxima(void **state)
{
    (void)state;
    fixture_t *x = fx_new(5000);
    fx_open(x);
    /* Period 1 (T0, T0+900]: 3600 W -> 3600 W, the first maximum. */
    assert_int_equal(run(x, T0 + 1, T0 + 900, 3600, 1), 1);
    const pp_demand_period_t *l = pp_demand_last(&x->d);
    assert_non_null(l);
    assert_int_equal(l->w[PP_DEMAND_P_PLUS], 3600);
    assert_int_equal(l->seconds, 900);
    assert_int_equal(l->flags, 0);
    assert_int_equal(l->end_utc_ms, (T0 + 900) * 1000);
    const pp_demand_state_t *st = pp_demand_state(&x->d);
    assert_int_equal(st->max[PP_DEMAND_P_PLUS].w, 3600);
    assert_int_equal(st->max[PP_DEMAND_P_PLUS].utc_ms, (T0 + 900) * 1000);
    assert_int_equal(st->max[PP_DEMAND_S_PLUS].w, 3600);
    assert_int_equal(st->max_tariff[0].w, 3600);
    /* Period 2: 7200 W for 450 s then 0: 900e6 uWh again -> 3600 W, not a
     * new maximum (the first time is kept). Tariff 2 at its end. */
    assert_int_equal(run(x, T0 + 901, T0 + 1350, 7200, 2), 0);
    assert_int_equal(pp_demand_current_w(&x->d, PP_DEMAND_P_PLUS), 3600);
    assert_int_equal(run(x, T0 + 1351, T0 + 1800, 0, 2), 1);
    assert_int_equal(st->max[PP_DEMAND_P_PLUS].utc_ms, (T0 + 900) * 1000);
    assert_int_equal(st->max_tariff[1].w, 3600);
    assert_int_equal(st->max_tariff[1].utc_ms, (T0 + 1800) * 1000);
    assert_int_equal(st->threshold_count, 0);
    /* Period 3: 7200 W throughout -> 7200 W, above the 5000 W threshold. */
    assert_int_equal(run(x, T0 + 1801, T0 + 2700, 7200, 2), 1);
    assert_int_equal(st->max[PP_DEMAND_P_PLUS].w, 7200);
    assert_int_equal(st->max[PP_DEMAND_P_PLUS].utc_ms, (T0 + 2700) * 1000);
    assert_int_equal(st->max_tariff[1].w, 7200);
    assert_int_equal(st->threshold_count, 1);
    /* Persisted */
    fx_open(x);
    st = pp_demand_state(&x->d);
    assert_int_equal(st->max[PP_DEMAND_P_PLUS].w, 7200);
    assert_int_equal(st->max_tariff[0].w, 3600);
    assert_int_equal(st->threshold_count, 1);
    fx_free(x);
}

static void a_late_start_is_a_short_period(void **state)
{
    (void)state;
    fixture_t *x = fx_new(0);
    fx_open(x);
    /* First frame at T0+301: the period still ends at T0+900 (aligned);
     * 600 s of 3600 W over the nominal 900 s = 2400 W, flagged short. */
    assert_int_equal(run(x, T0 + 301, T0 + 900, 3600, 1), 1);
    assert_int_equal(pp_demand_last(&x->d)->w[PP_DEMAND_P_PLUS], 2400);
    assert_int_equal(pp_demand_last(&x->d)->flags, PP_DEMAND_FLAG_SHORT);
    /* 5, 30 and 60 minutes align the same way; 10 is refused */
    x->cfg.integration_minutes = 60;
    fx_open(x);
    assert_int_equal(run(x, T0 + 1, T0 + 3600, 3600, 1), 1);
    assert_int_equal(pp_demand_last(&x->d)->start_utc_ms, T0 * 1000);
    x->cfg.integration_minutes = 10;
    assert_int_equal(pp_demand_init(&x->d, &x->journal, &x->cfg), PP_ERR_RANGE);
    fx_free(x);
}

static void power_failure_inside_one_period(void **state)
{
    (void)state;
    fixture_t *x = fx_new(0);
    fx_open(x);
    /* 300 s, off T0+300..T0+600 (meter restarted), 300 s more:
     * 600e6 uWh / 900 s -> 2400 W, flags power fail + short. */
    assert_int_equal(run(x, T0 + 1, T0 + 300, 3600, 1), 0);
    assert_int_equal(pp_demand_on_power_fail(&x->d), PP_OK);
    fx_open(x);
    assert_int_equal(pp_demand_on_power_restore(&x->d, (T0 + 600) * 1000, 1), 0);
    assert_int_equal(run(x, T0 + 601, T0 + 900, 3600, 1), 1);
    const pp_demand_period_t *l = pp_demand_last(&x->d);
    assert_int_equal(l->w[PP_DEMAND_P_PLUS], 2400);
    assert_int_equal(l->seconds, 600);
    assert_int_equal(l->flags, PP_DEMAND_FLAG_POWER_FAIL | PP_DEMAND_FLAG_SHORT);
    /* The next period is normal again */
    assert_int_equal(run(x, T0 + 901, T0 + 1800, 3600, 1), 1);
    assert_int_equal(pp_demand_last(&x->d)->flags, 0);
    fx_free(x);
}

static void power_failure_across_periods(void **state)
{
    (void)state;
    fixture_t *x = fx_new(0);
    fx_open(x);
    /* 300 s at 3600 W, off until T0+2000: the first period closes at its
     * end T0+900 with 300e6 uWh -> 1200 W; the period of the restore,
     * (T0+1800, T0+2700], measures 700 s -> 2800 W. Both flagged. */
    assert_int_equal(run(x, T0 + 1, T0 + 300, 3600, 1), 0);
    assert_int_equal(pp_demand_on_power_fail(&x->d), PP_OK);
    fx_open(x);
    assert_int_equal(pp_demand_on_power_restore(&x->d, (T0 + 2000) * 1000, 1), 1);
    const pp_demand_period_t *l = pp_demand_last(&x->d);
    assert_int_equal(l->w[PP_DEMAND_P_PLUS], 1200);
    assert_int_equal(l->end_utc_ms, (T0 + 900) * 1000);
    assert_int_equal(l->flags, PP_DEMAND_FLAG_POWER_FAIL | PP_DEMAND_FLAG_SHORT);
    assert_int_equal(pp_demand_state(&x->d)->max[PP_DEMAND_P_PLUS].utc_ms, (T0 + 900) * 1000);
    assert_int_equal(run(x, T0 + 2001, T0 + 2700, 3600, 1), 1);
    l = pp_demand_last(&x->d);
    assert_int_equal(l->w[PP_DEMAND_P_PLUS], 2800);
    assert_int_equal(l->seconds, 700);
    assert_int_equal(l->flags, PP_DEMAND_FLAG_POWER_FAIL | PP_DEMAND_FLAG_SHORT);
    /* A restart without the power-fail warning: frames simply resume after
     * a gap; the open period closes at its end, flagged. */
    assert_int_equal(run(x, T0 + 2701, T0 + 2800, 3600, 1), 0);
    assert_int_equal(run(x, T0 + 4000, T0 + 4000, 3600, 1), 1);
    l = pp_demand_last(&x->d);
    assert_int_equal(l->end_utc_ms, (T0 + 3600) * 1000);
    assert_int_equal(l->w[PP_DEMAND_P_PLUS], 400); /* 100 s -> 100e6 * 3600 / 900e6 */
    assert_true(l->flags & PP_DEMAND_FLAG_POWER_FAIL);
    fx_free(x);
}

static void clock_adjustments(void **state)
{
    (void)state;
    fixture_t *x = fx_new(0);
    fx_open(x);
    /* Forward within the period: T0+100 -> T0+400, continue: 100 + 500 s
     * measured -> 600e6 uWh -> 2400 W, flagged clock + short. */
    assert_int_equal(run(x, T0 + 1, T0 + 100, 3600, 1), 0);
    assert_int_equal(pp_demand_on_clock_change(&x->d, (T0 + 100) * 1000, (T0 + 400) * 1000, 1), 0);
    assert_int_equal(run(x, T0 + 401, T0 + 900, 3600, 1), 1);
    const pp_demand_period_t *l = pp_demand_last(&x->d);
    assert_int_equal(l->w[PP_DEMAND_P_PLUS], 2400);
    assert_int_equal(l->flags, PP_DEMAND_FLAG_CLOCK | PP_DEMAND_FLAG_SHORT);
    /* Across a boundary: at T0+1700 set to T0+1850: the period closes at
     * T0+1700 (800 s -> 3200 W) and the next one (T0+1800, T0+2700] starts
     * with T0+1851: 850 s -> 3400 W. Both flagged clock. */
    assert_int_equal(run(x, T0 + 901, T0 + 1700, 3600, 1), 0);
    assert_int_equal(pp_demand_on_clock_change(&x->d, (T0 + 1700) * 1000, (T0 + 1850) * 1000, 1), 1);
    l = pp_demand_last(&x->d);
    assert_int_equal(l->end_utc_ms, (T0 + 1700) * 1000);
    assert_int_equal(l->w[PP_DEMAND_P_PLUS], 3200);
    assert_int_equal(l->flags, PP_DEMAND_FLAG_CLOCK | PP_DEMAND_FLAG_SHORT);
    assert_int_equal(run(x, T0 + 1851, T0 + 2700, 3600, 1), 1);
    l = pp_demand_last(&x->d);
    assert_int_equal(l->w[PP_DEMAND_P_PLUS], 3400);
    assert_int_equal(l->flags, PP_DEMAND_FLAG_CLOCK | PP_DEMAND_FLAG_SHORT);
    /* Backwards across a boundary: at T0+2800 set to T0+2650: close at
     * T0+2800 (100 s -> 400 W); reopen (T0+1800, T0+2700] from T0+2651:
     * 50 s -> 200 W. */
    assert_int_equal(run(x, T0 + 2701, T0 + 2800, 3600, 1), 0);
    assert_int_equal(pp_demand_on_clock_change(&x->d, (T0 + 2800) * 1000, (T0 + 2650) * 1000, 1), 1);
    assert_int_equal(pp_demand_last(&x->d)->w[PP_DEMAND_P_PLUS], 400);
    assert_int_equal(run(x, T0 + 2651, T0 + 2700, 3600, 1), 1);
    assert_int_equal(pp_demand_last(&x->d)->w[PP_DEMAND_P_PLUS], 200);
    assert_int_equal(pp_demand_last(&x->d)->end_utc_ms, (T0 + 2700) * 1000);
    fx_free(x);
}

static void accumulated_maximum_over_several_stops(void **state)
{
    (void)state;
    fixture_t *x = fx_new(0);
    fx_open(x);
    /* Billing periods with maxima 3600 (T1), 7200 (T2), 1800 (T1):
     * accumulated = 3600, 10800, 12600; per tariff T1 3600, 3600, 5400 and
     * T2 0, 7200, 7200. The maxima are 0 after each stop. */
    static const struct { uint32_t w; unsigned t; uint64_t acc, acc1, acc2; } step[] = {
        {3600, 1, 3600, 3600, 0}, {7200, 2, 10800, 3600, 7200}, {1800, 1, 12600, 5400, 7200}};
    int64_t s = T0;
    for (unsigned i = 0; i < 3; i++) {
        assert_int_equal(run(x, s + 1, s + 900, step[i].w, step[i].t), 1);
        s += 900;
        assert_int_equal(pp_journal_begin(&x->journal), PP_OK);
        assert_int_equal(pp_demand_stage_stop(&x->d), PP_OK);
        assert_int_equal(pp_journal_commit(&x->journal), PP_OK);
        pp_demand_apply_stop(&x->d);
        fx_open(x); /* what was committed is what counts */
        const pp_demand_state_t *st = pp_demand_state(&x->d);
        assert_int_equal(st->acc_w, step[i].acc);
        assert_int_equal(st->acc_tariff_w[0], step[i].acc1);
        assert_int_equal(st->acc_tariff_w[1], step[i].acc2);
        assert_int_equal(st->max[PP_DEMAND_P_PLUS].w, 0);
        assert_int_equal(st->max[PP_DEMAND_P_PLUS].utc_ms, 0);
        assert_int_equal(st->max_tariff[step[i].t - 1].w, 0);
    }
    fx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(aligned_periods_and_maxima),
        cmocka_unit_test(a_late_start_is_a_short_period),
        cmocka_unit_test(power_failure_inside_one_period),
        cmocka_unit_test(power_failure_across_periods),
        cmocka_unit_test(clock_adjustments),
        cmocka_unit_test(accumulated_maximum_over_several_stops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
