/* The object directory against OBJECT-MODEL.md: required logical names,
 * unique names, legal data never writable, order-code filtering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "polyphase/objects.h"

static void logical_names_are_unique_and_quantities_indexed(void **state)
{
    (void)state;
    size_t n = pp_objects_count();
    assert_true(n > 40);
    for (size_t i = 0; i < n; i++) {
        const pp_object_t *o = pp_objects_at(i);
        assert_ptr_equal(pp_objects_by_quantity(o->quantity), o);
        assert_ptr_equal(pp_objects_find(o->ln), o);
        for (size_t k = 0; k < i; k++) {
            assert_false(pp_obis_equal(pp_objects_at(k)->ln, o->ln));
        }
    }
    assert_null(pp_objects_at(n));
}

static void required_names_of_the_object_model_exist(void **state)
{
    (void)state;
    const pp_obis_t required[] = {
        PP_OBIS(0, 0, 42, 0, 0, 255), PP_OBIS(1, 1, 0, 0, 1, 255), PP_OBIS(0, 1, 1, 0, 0, 255),
        PP_OBIS(1, 1, 1, 8, 0, 255),  PP_OBIS(1, 1, 2, 8, 0, 255), PP_OBIS(1, 1, 3, 8, 0, 255),
        PP_OBIS(1, 1, 4, 8, 0, 255),  PP_OBIS(1, 1, 9, 8, 0, 255), PP_OBIS(1, 1, 10, 8, 0, 255),
        PP_OBIS(1, 1, 1, 8, 4, 255),  PP_OBIS(1, 1, 3, 8, 4, 255), PP_OBIS(1, 1, 62, 8, 0, 255),
        PP_OBIS(1, 1, 32, 7, 0, 255), PP_OBIS(1, 1, 91, 7, 0, 255), PP_OBIS(1, 1, 14, 7, 0, 255),
    };
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        assert_non_null(pp_objects_find(required[i]));
    }
}

static void energy_registers_are_never_writable(void **state)
{
    (void)state;
    for (size_t i = 0; i < pp_objects_count(); i++) {
        const pp_object_t *o = pp_objects_at(i);
        if (o->ln.c >= 1 && o->ln.c <= 99 && o->ln.d == 8) { /* C.8.x: energy registers */
            for (int who = 0; who < PP_ASSOC_COUNT; who++) {
                assert_false(pp_access_for(o->access, (pp_assoc_id_t)who) & PP_ACC_WRITE);
            }
            assert_int_equal(pp_access_for(o->access, PP_ASSOC_PUBLIC), PP_ACC_NONE);
        }
    }
}

static void order_code_features_filter_objects(void **state)
{
    (void)state;
    const pp_object_t *a_minus = pp_objects_find(PP_OBIS(1, 1, 2, 8, 0, 255));
    const pp_object_t *r_plus = pp_objects_find(PP_OBIS(1, 1, 3, 8, 0, 255));
    const pp_object_t *a_plus = pp_objects_find(PP_OBIS(1, 1, 1, 8, 0, 255));
    assert_false(pp_objects_enabled(a_minus, 0));          /* X9 = A+ only */
    assert_true(pp_objects_enabled(a_minus, PP_FEAT_EXPORT));
    assert_false(pp_objects_enabled(r_plus, PP_FEAT_EXPORT));
    assert_true(pp_objects_enabled(a_plus, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(logical_names_are_unique_and_quantities_indexed),
        cmocka_unit_test(required_names_of_the_object_model_exist),
        cmocka_unit_test(energy_registers_are_never_writable),
        cmocka_unit_test(order_code_features_filter_objects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
