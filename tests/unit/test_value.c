/* OBIS text forms (IEC 62056-6-1 notation) and decimal formatting as a meter
 * display / IEC 62056-21 readout shows it; expectations computed by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "polyphase/value.h"

static void obis_full_and_short_forms(void **state)
{
    (void)state;
    char buf[32];
    assert_int_equal(pp_obis_format(PP_OBIS(1, 1, 1, 8, 0, 255), buf, sizeof buf), 13);
    assert_string_equal(buf, "1-1:1.8.0*255");
    pp_obis_format_short(PP_OBIS(1, 1, 1, 8, 0, 255), buf, sizeof buf);
    assert_string_equal(buf, "1.8.0");
    pp_obis_format_short(PP_OBIS(1, 1, 1, 8, 0, 12), buf, sizeof buf);
    assert_string_equal(buf, "1.8.0*12");
    assert_int_equal(pp_obis_format(PP_OBIS(1, 1, 1, 8, 0, 255), buf, 13), PP_ERR_NOSPACE);
}

static void obis_parse_accepts_the_usual_notations(void **state)
{
    (void)state;
    pp_obis_t o;
    assert_int_equal(pp_obis_parse("1-1:1.8.0*255", 13, 1, 1, &o), PP_OK);
    assert_true(pp_obis_equal(o, PP_OBIS(1, 1, 1, 8, 0, 255)));
    assert_int_equal(pp_obis_parse("0.0.42.0.0.255", 14, 1, 1, &o), PP_OK);
    assert_true(pp_obis_equal(o, PP_OBIS(0, 0, 42, 0, 0, 255)));
    assert_int_equal(pp_obis_parse("32.7.0", 6, 1, 1, &o), PP_OK);
    assert_true(pp_obis_equal(o, PP_OBIS(1, 1, 32, 7, 0, 255)));
    assert_int_equal(pp_obis_parse("1.8.1*3", 7, 1, 0, &o), PP_OK);
    assert_true(pp_obis_equal(o, PP_OBIS(1, 0, 1, 8, 1, 3)));
    assert_int_equal(pp_obis_parse("1-1:1.8.0", 9, 0, 0, &o), PP_OK);
    assert_true(pp_obis_equal(o, PP_OBIS(1, 1, 1, 8, 0, 255)));
}

static void obis_parse_rejects_bad_text(void **state)
{
    (void)state;
    pp_obis_t o;
    assert_int_equal(pp_obis_parse("1.8", 3, 1, 1, &o), PP_ERR_MALFORMED);
    assert_int_equal(pp_obis_parse("1.8.", 4, 1, 1, &o), PP_ERR_MALFORMED);
    assert_int_equal(pp_obis_parse("1.256.0", 7, 1, 1, &o), PP_ERR_RANGE);
    assert_int_equal(pp_obis_parse("1.8.0x", 6, 1, 1, &o), PP_ERR_MALFORMED);
    assert_int_equal(pp_obis_parse("1.1.1.1.1.1.1", 13, 1, 1, &o), PP_ERR_MALFORMED);
    assert_int_equal(pp_obis_parse("", 0, 1, 1, &o), PP_ERR_MALFORMED);
}

static void decimals_truncate_like_a_register_display(void **state)
{
    (void)state;
    char buf[32];
    pp_value_t wh = {.type = PP_VT_UINT32, .v.u = 1234567}; /* 1234.567 kWh */
    /* Z1 "7.2": kWh with two decimals -> 1234.56 (never rounded up) */
    assert_int_equal(pp_value_format_decimal(&wh, 0, -3, 2, buf, sizeof buf), 7);
    assert_string_equal(buf, "1234.56");
    /* Z1 "7.0": whole kWh */
    pp_value_format_decimal(&wh, 0, -3, 0, buf, sizeof buf);
    assert_string_equal(buf, "1234");
    /* scaler +1 (value in 10 Wh units): 1234567 * 10 Wh = 12345.670 kWh */
    pp_value_format_decimal(&wh, 1, -3, 3, buf, sizeof buf);
    assert_string_equal(buf, "12345.670");
    pp_value_t p = {.type = PP_VT_INT32, .v.i = -1500}; /* -1.5 kW export */
    pp_value_format_decimal(&p, 0, -3, 3, buf, sizeof buf);
    assert_string_equal(buf, "-1.500");
    pp_value_t u = {.type = PP_VT_FLOAT32, .v.f = 230.46};
    pp_value_format_decimal(&u, 0, 0, 1, buf, sizeof buf);
    assert_string_equal(buf, "230.4");
    assert_int_equal(pp_value_format_decimal(&wh, 0, -3, 2, buf, 7), PP_ERR_NOSPACE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(obis_full_and_short_forms),
        cmocka_unit_test(obis_parse_accepts_the_usual_notations),
        cmocka_unit_test(obis_parse_rejects_bad_text),
        cmocka_unit_test(decimals_truncate_like_a_register_display),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
