/* Per-block metrology sums with the int64 loops that targets without a
 * double vector unit (Cortex-M4F) build: the same closed-form cases. The
 * loops are compiled into this test from the source. */
#define PP_METROLOGY_INT64_SUMS 1
#include "../../src/legal/metrology_block.c"
#include "metrology_block_cases.h"

int main(void)
{
    return run_block_cases();
}
