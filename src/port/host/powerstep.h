/* Power-step frame source (host): one frame per simulated second from a load
 * given per phase (U, P, Q), without samples. Energy goes through the same
 * accumulator as waveform metrology (pp_metrology_energy_step), so the
 * registers behave identically for the same P, Q and S; RMS values are
 * consistent (I = S / U, S = sqrt(P^2 + Q^2), sinusoidal). */
#ifndef PP_HOST_POWERSTEP_H
#define PP_HOST_POWERSTEP_H

#include "polyphase/metrology.h"

typedef struct pp_powerstep_load {
    double u_v[PP_PHASES];
    double p_w[PP_PHASES];   /* signed: + import */
    double q_var[PP_PHASES]; /* signed: + inductive */
    double f_hz;
} pp_powerstep_load_t;

typedef struct pp_powerstep {
    pp_metrology_energy_t energy;
    uint32_t seq;
    float start_w, voltage_present_v;
} pp_powerstep_t;

void pp_powerstep_init(pp_powerstep_t *ps);
/* Load from power factor: Q = P tan(acos |pf|), + for inductive. */
void pp_powerstep_set_pf(pp_powerstep_load_t *l, unsigned phase, double p_w, double pf, bool inductive);
void pp_powerstep_frame(pp_powerstep_t *ps, const pp_powerstep_load_t *l, pp_frame_t *f);

#endif
