/* The accuracy matrix (IEC 62053-21 / EN 50470-3 points) must stay within
 * 0.05 % on every point; the references are closed-form integrals from the
 * synthesis parameters (see src/port/host/accuracy.c). With PP_WRITE_ACCURACY
 * set to a path, the report is also written there (docs/accuracy.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "simulate.h"

static void matrix_within_target(void **state)
{
    (void)state;
    const char *path = getenv("PP_WRITE_ACCURACY");
    FILE *out = fopen(path != NULL ? path : "/dev/null", "w");
    assert_non_null(out);
    double worst = pp_accuracy_report(out);
    fclose(out);
    printf("worst active-energy error: %.4f %%\n", worst);
    assert_true(worst <= 0.05);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(matrix_within_target)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
