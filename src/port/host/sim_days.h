/* simulate --days: the whole meter over days of virtual time. */
#ifndef PP_HOST_SIM_DAYS_H
#define PP_HOST_SIM_DAYS_H

#include <stdbool.h>
#include <stdio.h>

#include "polyphase/meter.h"

int pp_sim_days(int argc, char **argv);
/* Every object of the meter with a numeric value, scaled to its unit, plus
 * run statistics; text for people or JSON for machines. */
void pp_sim_days_summary(const pp_meter_t *m, const double *days, double elapsed_s, bool json,
                         FILE *out);

#endif
