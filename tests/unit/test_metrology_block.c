/* Per-block metrology sums as built for this host (vectorised doubles on
 * x86-64): exact against closed-form sums (metrology_block_cases.h). */
#include "metrology_block_cases.h"

int main(void)
{
    return run_block_cases();
}
