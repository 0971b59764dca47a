/* Scenario synthesizer (host): three-phase waveforms as ADC sample blocks,
 * with harmonics, frequency and drift, DC offsets, seeded noise, ADC bits
 * and quantisation, non-coherent sampling and timed changes; plus the exact
 * analytic reference (energies, RMS, THD) computed from the parameters, not
 * from the samples, for accuracy tests. Spec syntax: docs/metrology.md. */
#ifndef PP_HOST_SYNTH_H
#define PP_HOST_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyphase/metrology.h"

#define PP_SYNTH_HMAX 40
#define PP_SYNTH_CHANGES 64
#define PP_SYNTH_CHANGE_LEN 160

typedef struct pp_synth_phase {
    double u_v, i_a;       /* RMS of the fundamentals */
    double ua_deg;         /* voltage angle (default 0, -120, +120) */
    double phi_deg;        /* U leads I by phi: 0..90 QI, 90..180 QII, ... */
    double hu[PP_SYNTH_HMAX + 1], hi[PP_SYNTH_HMAX + 1];         /* fraction of fundamental */
    double hu_deg[PP_SYNTH_HMAX + 1], hi_deg[PP_SYNTH_HMAX + 1]; /* vs the fundamental */
    double dc_u_v, dc_i_a; /* ADC offsets (sensor errors, not part of the reference) */
} pp_synth_phase_t;

typedef struct pp_synth_change {
    double t_s;
    unsigned mask;         /* phases 1<<k */
    char params[PP_SYNTH_CHANGE_LEN];
} pp_synth_change_t;

typedef struct pp_synth {
    uint32_t rate;         /* sample sets per second */
    double f_hz, drift_hz_s;
    unsigned bits;         /* ADC resolution, 8..24 */
    double u_fs_v, i_fs_a; /* full-scale peak of the converters */
    double noise_u_v, noise_i_a; /* RMS of white noise added */
    uint64_t seed;
    bool neutral;          /* synthesize the In channel (sum of currents) */
    pp_synth_phase_t ph[PP_PHASES];
    pp_synth_change_t change[PP_SYNTH_CHANGES];
    unsigned nchanges, next_change;
    /* running state */
    uint64_t n;
    double theta;          /* fundamental phase, radians, kept in [0, 2pi) */
    uint64_t rng;
    double spare;          /* Box-Muller second value */
    bool have_spare;
} pp_synth_t;

/* Defaults: 8 kHz, 50 Hz, 24 bits, 230 V balanced L1L2L3, no current. */
void pp_synth_init(pp_synth_t *s);
/* Applies a spec (items separated by ';' or white space). Returns 0, or -1
 * with a message naming the offending item in err. */
int pp_synth_parse(pp_synth_t *s, const char *spec, char *err, size_t errlen);
/* Metrology configuration matching the synthesized converters. */
void pp_synth_metrology_config(const pp_synth_t *s, pp_metrology_config_t *cfg);
/* Produces the next n sample sets (applying timed changes as time passes). */
void pp_synth_generate(pp_synth_t *s, pp_adc_block_t *dst, size_t n);
/* Advances time by n sample sets without producing them (power-step mode). */
void pp_synth_skip(pp_synth_t *s, size_t n);

/* Exact reference for the current parameters over [t0, t1] seconds, valid
 * without drift or changes inside the interval. Energies in Wh, varh, VAh
 * (signed; reactive of the fundamental). */
typedef struct pp_synth_ref_phase {
    double u_rms, i_rms, p_w, q1_var, s_va, thd_u_pct, thd_i_pct;
    double energy_p_wh;    /* integral of u*i, oscillating terms included */
    double energy_q_varh, energy_s_vah;
} pp_synth_ref_phase_t;
void pp_synth_reference(const pp_synth_t *s, double t0, double t1, pp_synth_ref_phase_t out[PP_PHASES]);

#endif
