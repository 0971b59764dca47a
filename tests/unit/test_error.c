#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "fake_port.h"
#include "polyphase/error.h"
#include "polyphase/port.h"

static void every_error_has_its_own_text(void **state)
{
    (void)state;
    for (int a = PP_ERR_INTERNAL; a <= PP_OK; a++) {
        assert_string_not_equal(pp_strerror(a), "unknown error");
        for (int b = PP_ERR_INTERNAL; b < a; b++) {
            assert_string_not_equal(pp_strerror(a), pp_strerror(b));
        }
    }
    assert_string_equal(pp_strerror(-1000), "unknown error");
}

static void port_validation_rejects_missing_mandatory_entries(void **state)
{
    (void)state;
    pp_fake_port_t f;
    pp_fake_port_init(&f, 4096, 64);
    assert_int_equal(pp_port_validate(&f.port), PP_OK);
    f.port.rng_fill = NULL;
    assert_int_equal(pp_port_validate(&f.port), PP_ERR_ARG);
    pp_fake_port_free(&f);
    pp_fake_port_init(&f, 4096, 100);
    assert_int_equal(pp_port_validate(&f.port), PP_ERR_ARG); /* page does not divide size */
    pp_fake_port_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_error_has_its_own_text),
        cmocka_unit_test(port_validation_rejects_missing_mandatory_entries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
