/* Load scenarios of the virtual meter: what the household behind the meter
 * draws (or a PV system feeds back), per phase and second. Deterministic
 * from (name, seed) and random-access by time — the load at any second is a
 * pure function of that second — so a run is repeatable and a simulation can
 * start anywhere. Output is a power-step load (U, P, Q per phase). */
#ifndef PP_HOST_SCENARIO_H
#define PP_HOST_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "powerstep.h"

typedef enum pp_scenario_kind {
    PP_SCENARIO_HOUSEHOLD = 0, /* base load, fridge, daily peaks, appliances, seasons */
    PP_SCENARIO_HOUSEHOLD_PV,  /* the same household with a 6 kWp PV system (export at noon) */
    PP_SCENARIO_CONSTANT,      /* constant:P_W[:PF] balanced over three phases */
    PP_SCENARIO_IDLE           /* voltage, no current */
} pp_scenario_kind_t;

typedef struct pp_scenario {
    pp_scenario_kind_t kind;
    uint64_t seed;
    double constant_w;
    double constant_pf;
    double nominal_v;
} pp_scenario_t;

/* Names: "household", "household-pv", "constant:3000" or "constant:3000:0.9",
 * "idle". Returns 0, or -1 with a message naming the allowed names. */
int pp_scenario_init(pp_scenario_t *s, const char *name, uint64_t seed, char *err, size_t errlen);

/* The load during the second that starts at local_s (seconds since
 * 1970-01-01 in local wall time: the household lives by the wall clock). */
void pp_scenario_load(const pp_scenario_t *s, int64_t local_s, pp_powerstep_load_t *out);

/* Names for --help. */
const char *pp_scenario_names(void);

#endif
