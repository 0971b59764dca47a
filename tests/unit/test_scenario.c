/* Scenarios: repeatable, random-access, and physically plausible against
 * hand figures: a Danish household with a small heat pump uses roughly
 * 4,000-6,000 kWh a year (8-25 kWh a day, more in winter); a 6 kWp PV system
 * peaks near 6 kW around noon in summer and yields 10-45 kWh on a summer day. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "scenario.h"

#define DAY 86400
#define JAN_15_2026 1768435200 /* local midnight, seconds since 1970 */
#define JUL_15_2026 1784073600

static double day_import_kwh(const pp_scenario_t *s, int64_t day0, double *export_kwh)
{
    double imp = 0, exp_ = 0;
    pp_powerstep_load_t l;
    for (int64_t t = day0; t < day0 + DAY; t++) {
        pp_scenario_load(s, t, &l);
        double p = l.p_w[0] + l.p_w[1] + l.p_w[2];
        if (p > 0) {
            imp += p / 3.6e6;
        } else {
            exp_ -= p / 3.6e6;
        }
    }
    if (export_kwh) {
        *export_kwh = exp_;
    }
    return imp;
}

static void household_day_is_plausible_and_repeatable(void **state)
{
    (void)state;
    pp_scenario_t s;
    char err[200];
    assert_int_equal(pp_scenario_init(&s, "household", 1, err, sizeof err), 0);
    double winter = day_import_kwh(&s, JAN_15_2026, NULL);
    double summer = day_import_kwh(&s, JUL_15_2026, NULL);
    assert_true(winter > 8.0 && winter < 25.0);
    assert_true(summer > 4.0 && summer < 15.0);
    assert_true(winter > summer); /* heat pump and lighting */
    assert_true(fabs(day_import_kwh(&s, JAN_15_2026, NULL) - winter) == 0.0);
    pp_scenario_t other;
    pp_scenario_init(&other, "household", 2, err, sizeof err);
    assert_true(day_import_kwh(&other, JAN_15_2026, NULL) != winter); /* the seed matters */
}

static void pv_exports_at_noon_in_summer_only(void **state)
{
    (void)state;
    pp_scenario_t s;
    char err[200];
    assert_int_equal(pp_scenario_init(&s, "household-pv", 1, err, sizeof err), 0);
    double exported;
    day_import_kwh(&s, JUL_15_2026, &exported);
    assert_true(exported > 10.0 && exported < 45.0);
    pp_powerstep_load_t l;
    pp_scenario_load(&s, JUL_15_2026 + 2 * 3600, &l); /* 02:00: no sun */
    assert_true(l.p_w[0] + l.p_w[1] + l.p_w[2] > 0);
}

static void constant_load_is_exact(void **state)
{
    (void)state;
    pp_scenario_t s;
    char err[200];
    assert_int_equal(pp_scenario_init(&s, "constant:3000:0.8", 0, err, sizeof err), 0);
    pp_powerstep_load_t l;
    pp_scenario_load(&s, 12345, &l);
    for (int ph = 0; ph < 3; ph++) {
        assert_true(fabs(l.p_w[ph] - 1000.0) < 1e-9);
        assert_true(fabs(l.q_var[ph] - 750.0) < 1e-9); /* 1000 * tan(acos 0.8) = 750 */
    }
}

static void bad_names_are_refused_with_the_allowed_list(void **state)
{
    (void)state;
    pp_scenario_t s;
    char err[200];
    assert_int_equal(pp_scenario_init(&s, "office", 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "household, household-pv"));
    assert_int_equal(pp_scenario_init(&s, "constant:90000", 0, err, sizeof err), -1);
    assert_int_equal(pp_scenario_init(&s, "constant:100:1.5", 0, err, sizeof err), -1);
    assert_int_equal(pp_scenario_init(&s, "constant:abc", 0, err, sizeof err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(household_day_is_plausible_and_repeatable),
        cmocka_unit_test(pv_exports_at_noon_in_summer_only),
        cmocka_unit_test(constant_load_is_exact),
        cmocka_unit_test(bad_names_are_refused_with_the_allowed_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
