/* Scenario synthesizer: spec parsing and its errors, sample values at known
 * instants and the analytic reference, all computed by hand in comments. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "synth.h"

static void spec_sets_fields(void **state)
{
    (void)state;
    pp_synth_t s;
    char err[160];
    pp_synth_init(&s);
    assert_int_equal(pp_synth_parse(&s, "f=47.5 rate=4000;bits=16\nL1:u=200,i=5,pf=0.5cap;L23@10:i=3;"
                                        "all:h5u=10%,h5i_deg=90;# comment", err, sizeof err), 0);
    assert_float_equal(s.f_hz, 47.5, 0);
    assert_int_equal(s.rate, 4000);
    assert_int_equal(s.bits, 16);
    assert_float_equal(s.ph[0].u_v, 200, 0);
    assert_float_equal(s.ph[0].phi_deg, -60.0, 1e-9); /* acos 0.5 = 60, capacitive: I leads */
    assert_float_equal(s.ph[2].hu[5], 0.10, 1e-12);
    assert_float_equal(s.ph[1].hi_deg[5], 90, 0);
    assert_int_equal(s.nchanges, 1);
    assert_int_equal(s.change[0].mask, 6);
    assert_float_equal(s.ph[1].i_a, 0, 0); /* change not applied yet */
    pp_adc_block_t b[1];
    s.n = 10 * 4000 - 1;
    pp_synth_generate(&s, b, 1);
    assert_float_equal(s.ph[1].i_a, 0, 0);
    pp_synth_generate(&s, b, 1);
    assert_float_equal(s.ph[1].i_a, 3, 0);
    assert_float_equal(s.ph[0].i_a, 5, 0);
}

static void spec_errors_name_the_item(void **state)
{
    (void)state;
    const char *bad[] = {"L4:i=1", "f=100", "all:pf=2", "all:h41u=1%", "bogus", "L1@x:i=1",
                         "all:i=-1", "all:pf=0.5xyz", "rate=abc", "L1:q=3", "bits=30"};
    for (size_t j = 0; j < sizeof bad / sizeof bad[0]; j++) {
        pp_synth_t s;
        char err[160] = "";
        pp_synth_init(&s);
        assert_int_equal(pp_synth_parse(&s, bad[j], err, sizeof err), -1);
        assert_non_null(strstr(err, bad[j]));
    }
}

/* At t = 0 (theta 0): u1 = 230 sqrt2 = 325.269 V, u2 = 325.269 cos(-120) =
 * -162.635 V; i1 at pf 0.5 ind = 10 sqrt2 cos(-60) = 7.0711 A. Codes are
 * value / (full scale / (2^23 - 1)) rounded. */
static void samples_at_known_instants(void **state)
{
    (void)state;
    pp_synth_t s;
    char err[160];
    pp_synth_init(&s);
    assert_int_equal(pp_synth_parse(&s, "all:i=10,pf=0.5ind", err, sizeof err), 0);
    pp_adc_block_t b[40];
    pp_synth_generate(&s, b, 40);
    double lu = (double)(float)(500.0 / 8388607.0), li = (double)(float)(250.0 / 8388607.0);
    assert_int_equal(b[0].code[0], (int32_t)nearbyint(325.26912 / lu));
    assert_true(fabs(b[0].code[1] * lu - -162.63456) < 1e-3);
    assert_true(fabs(b[0].code[3] * li - 7.0710678) < 1e-4);
    /* a quarter period later (40 samples = 5 ms at 8 kHz) u1 = 0, i1 = 10 sqrt2 sin 60 */
    pp_synth_generate(&s, b, 1);
    assert_true(abs(b[0].code[0]) <= 1);
    assert_true(fabs(b[0].code[3] * li - 12.247449) < 1e-4);
    /* 16-bit quantisation stays within +-32767 */
    pp_synth_init(&s);
    assert_int_equal(pp_synth_parse(&s, "bits=16;all:i=300", err, sizeof err), 0);
    pp_synth_generate(&s, b, 40);
    for (unsigned j = 0; j < 40; j++) {
        assert_true(abs(b[j].code[3]) <= 32767);
    }
}

/* Reference: 230 V, 10 A, PF 0.5 ind: P = 1150 W, Q1 = 2300 sin 60 = 1991.858.
 * Energy over 0.005 s (wT = pi/2): 2300 [T cos60 + (sin(2wT-60) - sin(-60))/(2w)]
 * = 2300 [0.0025 + 1.7320508/628.31853] = 12.090282 J = 0.00335841 Wh. */
static void reference_closed_form(void **state)
{
    (void)state;
    pp_synth_t s;
    char err[160];
    pp_synth_init(&s);
    assert_int_equal(pp_synth_parse(&s, "all:i=10,pf=0.5ind;L2:h5u=10%,h5i=40%", err, sizeof err), 0);
    pp_synth_ref_phase_t r[3];
    pp_synth_reference(&s, 0, 0.005, r);
    assert_float_equal(r[0].p_w, 1150.0, 1e-9);
    assert_float_equal(r[0].q1_var, 1991.858, 1e-3);
    assert_float_equal(r[0].energy_p_wh, 0.00335841, 1e-8);
    /* whole cycles: exactly P T */
    pp_synth_reference(&s, 0, 1.0, r);
    assert_float_equal(r[0].energy_p_wh, 1150.0 / 3600, 1e-12);
    /* L2: P = 1150 + 23 * 4 * cos(h5 angles: 5*(-120) - (5*(-120))) = 1150 + 92 */
    assert_float_equal(r[1].p_w, 1242.0, 1e-9);
    assert_float_equal(r[1].thd_u_pct, 10.0, 1e-9);
    assert_float_equal(r[1].u_rms, 230 * sqrt(1.01), 1e-9);
}

static void noise_is_seeded(void **state)
{
    (void)state;
    pp_synth_t a, b;
    char err[160];
    pp_adc_block_t x[64], y[64];
    pp_synth_init(&a);
    pp_synth_init(&b);
    assert_int_equal(pp_synth_parse(&a, "seed=7;noise_u=1", err, sizeof err), 0);
    assert_int_equal(pp_synth_parse(&b, "seed=7;noise_u=1", err, sizeof err), 0);
    pp_synth_generate(&a, x, 64);
    pp_synth_generate(&b, y, 64);
    assert_memory_equal(x, y, sizeof x);
    pp_synth_init(&b);
    assert_int_equal(pp_synth_parse(&b, "seed=8;noise_u=1", err, sizeof err), 0);
    pp_synth_generate(&b, y, 64);
    assert_memory_not_equal(x, y, sizeof x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(spec_sets_fields),
        cmocka_unit_test(spec_errors_name_the_item),
        cmocka_unit_test(samples_at_known_instants),
        cmocka_unit_test(reference_closed_form),
        cmocka_unit_test(noise_is_seeded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
