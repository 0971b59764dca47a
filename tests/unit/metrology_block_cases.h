/* Cases for the per-block sums of metrology (src/legal/metrology_block.c),
 * shared by the test of the built loops and the test of the int64 loops.
 * Expectations are closed-form sums of hand-chosen codes. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/legal/metrology_priv.h"

#define FULL 8388607 /* PP_METROLOGY_CODE_MAX */

/* 128 sets at full scale with alternating signs per channel: the largest
 * sums a block can hold, which must still come out exact. */
static void full_scale_block_is_exact(void **state)
{
    (void)state;
    pp_adc_block_t b[PP_METROLOGY_BLOCK];
    for (unsigned j = 0; j < PP_METROLOGY_BLOCK; j++) {
        for (unsigned c = 0; c < PP_ADC_CHANNELS; c++) {
            b[j].code[c] = (c % 2 == 0) ? -FULL : FULL; /* U1 U3 I2 In negative */
        }
    }
    pp_block_sums_t s;
    pp_metrology_block_powers(b, PP_METROLOGY_BLOCK, &s);
    pp_metrology_block_currents(b, PP_METROLOGY_BLOCK, &s);
    const int64_t n = PP_METROLOGY_BLOCK, sq = (int64_t)FULL * FULL;
    for (unsigned c = 0; c < PP_ADC_CHANNELS; c++) {
        assert_true(s.s[c] == (double)(n * ((c % 2 == 0) ? -FULL : FULL)));
        assert_true(s.q[c] == (double)(n * sq)); /* 128 (2^23-1)^2 < 2^53 */
    }
    /* u_k i_k: U1 (-) I1 (+), U2 (+) I2 (-), U3 (-) I3 (+): all negative */
    for (unsigned k = 0; k < PP_PHASES; k++) {
        assert_true(s.ui[k] == (double)(-n * sq));
    }
    /* I1 I2 (+ -), I2 I3 (- +), I3 I1 (+ +) */
    assert_true(s.ii[0] == (double)(-n * sq));
    assert_true(s.ii[1] == (double)(-n * sq));
    assert_true(s.ii[2] == (double)(n * sq));
}

/* Codes j + 10 c over j = 0..9: sums by arithmetic series. */
static void small_codes_sum_by_series(void **state)
{
    (void)state;
    pp_adc_block_t b[10];
    for (int j = 0; j < 10; j++) {
        for (int c = 0; c < PP_ADC_CHANNELS; c++) {
            b[j].code[c] = j + 10 * c;
        }
    }
    pp_block_sums_t s;
    pp_metrology_block_powers(b, 10, &s);
    pp_metrology_block_currents(b, 10, &s);
    /* sum (j + a) = 45 + 10a; sum (j + a)(j + b) = 285 + 45(a + b) + 10ab */
    for (int c = 0; c < PP_ADC_CHANNELS; c++) {
        int a = 10 * c;
        assert_true(s.s[c] == 45.0 + 10.0 * a);
        assert_true(s.q[c] == 285.0 + 90.0 * a + 10.0 * a * a);
    }
    for (int k = 0; k < PP_PHASES; k++) {
        int a = 10 * k, d = 10 * (3 + k), e = 10 * (3 + (k + 1) % 3);
        assert_true(s.ui[k] == 285.0 + 45.0 * (a + d) + 10.0 * a * d);
        assert_true(s.ii[k] == 285.0 + 45.0 * (d + e) + 10.0 * d * e);
    }
}

/* An empty block sums to zero. */
static void empty_block_is_zero(void **state)
{
    (void)state;
    pp_block_sums_t s;
    memset(&s, 0xff, sizeof s);
    pp_metrology_block_powers(NULL, 0, &s);
    pp_metrology_block_currents(NULL, 0, &s);
    for (unsigned c = 0; c < PP_ADC_CHANNELS; c++) {
        assert_true(s.s[c] == 0.0 && s.q[c] == 0.0);
    }
    for (unsigned k = 0; k < PP_PHASES; k++) {
        assert_true(s.ui[k] == 0.0 && s.ii[k] == 0.0);
    }
}

static int run_block_cases(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_scale_block_is_exact),
        cmocka_unit_test(small_codes_sum_by_series),
        cmocka_unit_test(empty_block_is_zero),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
