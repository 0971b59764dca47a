/* Internal pieces of metrology shared between its source files (legal part). */
#ifndef PP_LEGAL_METROLOGY_PRIV_H
#define PP_LEGAL_METROLOGY_PRIV_H

#include "polyphase/metrology.h"

/* Fills the twiddle table (N/2 cosines, then N/2 negated sines) for the THD
 * transform. */
void pp_metrology_thd_init(float *twiddle);
/* Where window point k goes in thd_re/thd_im: the FFT's bit-reversed order. */
unsigned pp_metrology_thd_slot(unsigned k);
/* THD of U and I in percent of every phase from its resampled 10-cycle
 * window (u in re, i in im, bit-reversed order); destroys re and im. */
void pp_metrology_thd_compute(float (*re)[PP_METROLOGY_THD_N], float (*im)[PP_METROLOGY_THD_N],
                              const float *twiddle, float *thd_u, float *thd_i);

/* Sums over one block of at most PP_METROLOGY_BLOCK sample sets, exact
 * integers held in doubles (metrology_block.c). */
typedef struct pp_block_sums {
    double s[PP_ADC_CHANNELS], q[PP_ADC_CHANNELS]; /* codes and their squares */
    double ui[PP_PHASES];  /* u_k i_k */
    double ii[PP_PHASES];  /* i_k i_(k+1 mod 3) */
} pp_block_sums_t;

/* s, q and ui (q and s of In are meaningful only if In is measured). */
void pp_metrology_block_powers(const pp_adc_block_t *b, size_t len, pp_block_sums_t *out);
/* ii, needed only when the neutral current is computed from I1..I3. */
void pp_metrology_block_currents(const pp_adc_block_t *b, size_t len, pp_block_sums_t *out);
/* 4-point Lagrange interpolation of the samples y[0..3] (7 channels each) at
 * mu in [0, 1) past y[1]: channels U1 U2 U3 I1 to lo, I1 I2 I3 In to hi.
 * Float, as the THD window is (relative error ~1e-7). */
void pp_metrology_block_interpolate(const int32_t *const y[4], double mu, float lo[4],
                                    float hi[4]);
/* Adds (x - offset) cos(w t) and (x - offset) sin(w t) to re[8] and im[8]
 * (lanes U1 U2 U3 I1, I1 I2 I3 In; offset per channel U1..I3), with
 * cosw[t] = cos(w t) and t counted from the first of the len samples. Float
 * sums: with the DC removed by offset their rounding is ~1e-7 of the signal,
 * far below the 0.05 % class. */
void pp_metrology_block_dft(const pp_adc_block_t *b, size_t len, const float *cosw,
                            const float *sinw, const int32_t *offset, float *re, float *im);

#endif
