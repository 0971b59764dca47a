#include "scenario.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_S 86400
#define PI 3.14159265358979323846

/* A stateless 64-bit mix (splitmix64 finaliser): random numbers keyed by
 * (seed, slot) so any second can be computed without the seconds before. */
static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

static double uniform(uint64_t seed, uint64_t key, uint64_t salt)
{
    return (double)(mix(seed ^ mix(key * 0x100000001B3ull + salt)) >> 11) * 0x1.0p-53;
}

const char *pp_scenario_names(void)
{
    return "household, household-pv, constant:P_W[:PF], idle";
}

int pp_scenario_init(pp_scenario_t *s, const char *name, uint64_t seed, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->seed = seed;
    s->nominal_v = 230.0;
    if (strcmp(name, "household") == 0) {
        s->kind = PP_SCENARIO_HOUSEHOLD;
    } else if (strcmp(name, "household-pv") == 0) {
        s->kind = PP_SCENARIO_HOUSEHOLD_PV;
    } else if (strcmp(name, "idle") == 0) {
        s->kind = PP_SCENARIO_IDLE;
    } else if (strncmp(name, "constant:", 9) == 0) {
        char *end;
        s->kind = PP_SCENARIO_CONSTANT;
        s->constant_w = strtod(name + 9, &end);
        s->constant_pf = 1.0;
        if (*end == ':') {
            s->constant_pf = strtod(end + 1, &end);
        }
        if (*end || fabs(s->constant_w) > 69000.0 || s->constant_pf <= 0 || s->constant_pf > 1) {
            snprintf(err, errlen,
                     "scenario '%s': constant needs P in W within +-69000 (3 x 230 V x 100 A) "
                     "and an optional PF in (0, 1], e.g. constant:3000:0.95", name);
            return -1;
        }
    } else {
        snprintf(err, errlen, "unknown scenario '%s'; allowed: %s", name, pp_scenario_names());
        return -1;
    }
    return 0;
}

/* Seasonal factor: 1 in mid-winter (Jan 15), 0 in mid-summer. */
static double winterness(int64_t local_s)
{
    double day_of_year = fmod((double)local_s / DAY_S, 365.2425);
    return 0.5 + 0.5 * cos(2.0 * PI * (day_of_year - 14.0) / 365.2425);
}

/* An appliance that runs for `len` seconds starting in a slot of `slot` seconds
 * with probability `p`, at a random offset; returns 1 while it runs. */
static int appliance(uint64_t seed, int64_t t, int64_t slot, int64_t len, double p, uint64_t salt)
{
    for (int back = 0; back <= (int)(len / slot) + 1; back++) {
        int64_t k = t / slot - back;
        if (k < 0 || uniform(seed, (uint64_t)k, salt) >= p) {
            continue;
        }
        int64_t start = k * slot + (int64_t)(uniform(seed, (uint64_t)k, salt + 1) * (double)slot);
        if (t >= start && t < start + len) {
            return 1;
        }
    }
    return 0;
}

static void household(const pp_scenario_t *s, int64_t t, double p[PP_PHASES], double q[PP_PHASES])
{
    double hour = (double)(t % DAY_S) / 3600.0;
    double w = winterness(t);
    /* L1: base load, fridge (20 min in the hour), lighting in the dark hours */
    double dark = (hour < 7.0 || hour > 16.0 + 4.0 * (1.0 - w)) ? 1.0 : 0.0;
    p[0] = 90.0 + ((t % 3600) < 1200 ? 110.0 : 0.0) + dark * (hour > 6.0 ? 180.0 : 20.0);
    q[0] = 40.0 + ((t % 3600) < 1200 ? 80.0 : 0.0);
    /* L2: kitchen: kettle in the morning, cooking in the evening, dishwasher */
    p[1] = 30.0;
    p[1] += appliance(s->seed, t, 3600, 180, hour >= 6.5 && hour < 8.5 ? 0.8 : 0.05, 11) * 2000.0;
    p[1] += (hour >= 17.0 && hour < 18.5) ? 1800.0 * (0.6 + 0.4 * uniform(s->seed, (uint64_t)(t / 900), 13)) : 0.0;
    p[1] += appliance(s->seed, t, DAY_S, 5400, 0.6, 17) * 1200.0;
    q[1] = 0.15 * p[1];
    /* L3: washing machine, heat pump in winter, TV */
    p[2] = 20.0 + ((hour >= 19.0 && hour < 23.0) ? 120.0 : 0.0);
    p[2] += appliance(s->seed, t, DAY_S, 7200, 0.45, 23) * 1900.0;
    p[2] += w * (appliance(s->seed, t, 3600, 1200, 0.9, 29) * 1000.0);
    q[2] = 0.3 * p[2];
}

/* PV: 6 kWp split over three phases, bell-shaped around 13:00, longer and
 * higher in summer, clouds by the quarter hour. */
static double pv_w(const pp_scenario_t *s, int64_t t)
{
    double hour = (double)(t % DAY_S) / 3600.0;
    double summer = 1.0 - winterness(t);
    double half_day = 4.0 + 4.0 * summer;
    double x = (hour - 13.0) / half_day;
    if (fabs(x) >= 1.0) {
        return 0.0;
    }
    double clouds = 0.35 + 0.65 * uniform(s->seed, (uint64_t)(t / 900), 31);
    return 6000.0 * (0.35 + 0.65 * summer) * cos(x * PI / 2.0) * cos(x * PI / 2.0) * clouds;
}

void pp_scenario_load(const pp_scenario_t *s, int64_t local_s, pp_powerstep_load_t *out)
{
    double p[PP_PHASES] = {0}, q[PP_PHASES] = {0};
    memset(out, 0, sizeof *out);
    out->f_hz = 50.0;
    switch (s->kind) {
    case PP_SCENARIO_HOUSEHOLD:
    case PP_SCENARIO_HOUSEHOLD_PV:
        household(s, local_s, p, q);
        if (s->kind == PP_SCENARIO_HOUSEHOLD_PV) {
            double pv = pv_w(s, local_s) / PP_PHASES;
            for (int ph = 0; ph < PP_PHASES; ph++) {
                p[ph] -= pv;
            }
        }
        break;
    case PP_SCENARIO_CONSTANT:
        for (int ph = 0; ph < PP_PHASES; ph++) {
            p[ph] = s->constant_w / PP_PHASES;
            q[ph] = fabs(p[ph]) * tan(acos(s->constant_pf));
        }
        break;
    case PP_SCENARIO_IDLE:
        break;
    }
    for (int ph = 0; ph < PP_PHASES; ph++) {
        /* Voltage sags a little with the load on the phase (0.5 ohm source). */
        out->u_v[ph] = s->nominal_v - 0.5 * p[ph] / s->nominal_v;
        out->p_w[ph] = p[ph];
        out->q_var[ph] = q[ph];
    }
}
