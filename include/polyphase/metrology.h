/* Metrology: simultaneous ADC samples in, one measurement frame per second out
 * (ARCHITECTURE.md "samples in, frames out"). Legal part: the context, its
 * configuration and the calibration constants are owned by the caller and
 * written only through the functions below, which only legal code calls;
 * communication code reads calibration through pp_metrology_calibration().
 *
 * Per phase: ADC offset (DC) removal, RMS U and I, active power, reactive
 * power of the fundamental (IEC 62053-24), apparent power S = Urms * Irms
 * (arithmetic per phase), PF, U-U and U-I angles, THD of U and I (IEC
 * 61000-4-7 harmonic groups 2..40 over a 10-cycle window each second),
 * one-cycle RMS refreshed every half cycle; per meter: frequency (per cycle
 * and 10-second, IEC 61000-4-30), phase sequence, neutral current and energy
 * in four quadrants with the residue carried. docs/metrology.md has the
 * definitions. No heap, no globals; several meters may run side by side. */
#ifndef POLYPHASE_METROLOGY_H
#define POLYPHASE_METROLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyphase/error.h"
#include "polyphase/frame.h"
#include "polyphase/port.h"

#define PP_METROLOGY_RATE_MIN 4000u
#define PP_METROLOGY_RATE_MAX 8000u
/* ADC codes must lie within +-2^23 (24-bit converters): the power sums are
 * exact 64-bit integer sums over one second of samples. */
#define PP_METROLOGY_CODE_MAX 8388607
/* Points of the resampled 10-cycle window used for THD (bin 10h = harmonic h). */
#define PP_METROLOGY_THD_N 1024u
/* Longest run of samples summed at once, and the DFT block: short enough that
 * a run's sums of squares stay below 2^53, exact in a double. */
#define PP_METROLOGY_BLOCK 128u

/* Per-phase calibration, set at the factory by legal code only.
 * U = code * scale_u * gain_u; I = code * scale_i * gain_i;
 * phase_deg is added to the measured angle of the current (it compensates a
 * current sensor that lags by phase_deg); offset_w is subtracted from P. */
typedef struct pp_metrology_cal {
    float gain_u;
    float gain_i;
    float phase_deg;
    float offset_w;
} pp_metrology_cal_t;

/* Called for every phase at every half cycle of the reference voltage with the
 * RMS over the last full cycle (IEC 61000-4-30 Urms(1/2)); sample_index counts
 * samples since init. May be NULL. */
typedef void (*pp_metrology_halfcycle_fn)(void *user, unsigned phase, float u_rms_v,
                                          uint64_t sample_index);

typedef struct pp_metrology_config {
    uint32_t sample_rate_hz;           /* 4000..8000 sample sets per second */
    float scale[PP_ADC_CHANNELS];      /* V or A per code: U1 U2 U3 I1 I2 I3 In */
    bool has_neutral;                  /* In measured; else computed i1+i2+i3 */
    float nominal_hz;                  /* 50 or 60 */
    float start_w;                     /* starting threshold per phase, 2.3 */
    float voltage_present_v;           /* voltage indicator threshold, 160 */
    pp_metrology_cal_t cal[PP_PHASES];
    pp_metrology_halfcycle_fn halfcycle;
    void *halfcycle_user;
} pp_metrology_config_t;

/* Energy accumulation with residue: shared by waveform metrology and the
 * power-step source so both register identically. Internal units are micro-
 * joules (integer) plus a sub-µJ fraction, so nothing is lost or created. */
enum { PP_EREG_AP, PP_EREG_AM, PP_EREG_RP, PP_EREG_RM, PP_EREG_EP, PP_EREG_EM, PP_EREG_COUNT };
typedef struct pp_energy_acc {
    double frac_uj;    /* [0, 1) */
    int64_t rem_uj;    /* [0, 3600): µJ not yet a whole µWh */
} pp_energy_acc_t;
typedef struct pp_metrology_energy {
    pp_energy_acc_t reg[PP_PHASES][PP_EREG_COUNT];
} pp_metrology_energy_t;

void pp_metrology_energy_init(pp_metrology_energy_t *e);
/* Registers one frame: for each phase with current_present, P (W), Q (var)
 * and S (VA) held for duration_ms go to A+/A-, R+/R-, E+/E- (E by the sign of
 * P); fills f->phase[k].energy and f->total (sum of the phase deltas). */
void pp_metrology_energy_step(pp_metrology_energy_t *e, pp_frame_t *f);

/* One-second accumulators of a phase (integer code sums). */
typedef struct pp_metrology_sums {
    int64_t su, si, suu, sii, sui;
    int64_t sij;                       /* i_k * i_(k+1 mod 3), for a computed neutral */
    double fu_re, fu_im, fi_re, fi_im; /* single-bin DFT at the fundamental */
} pp_metrology_sums_t;

typedef struct pp_metrology {
    pp_metrology_config_t cfg;
    pp_metrology_energy_t energy;
    uint32_t seq;
    uint32_t n;               /* samples in the current second */
    uint64_t total_samples;
    /* per-second accumulators */
    pp_metrology_sums_t ph[PP_PHASES];
    int64_t sn, snn;          /* measured neutral: code sum and sum of squares */
    /* fundamental DFT of this second in blocks of PP_METROLOGY_BLOCK samples
     * from dft_start: phasor at the open block's start; e^{j omega t} for
     * t = 0..PP_METROLOGY_BLOCK (double to turn the phasor, float for the
     * block sums); the codes subtracted before the float sums (added back in
     * the evaluation); the open block's float sums (lanes U1 U2 U3 I1, I1 I2
     * I3 In) and its length. Fixed block bounds: any split of the input into
     * feed calls gives the same sums. */
    double osc_c, osc_s, omega;
    double dft_cos[PP_METROLOGY_BLOCK + 1], dft_sin[PP_METROLOGY_BLOCK + 1];
    float dft_cosf[PP_METROLOGY_BLOCK], dft_sinf[PP_METROLOGY_BLOCK];
    int32_t dft_offset[PP_ADC_CHANNELS - 1];
    float dft_re[8], dft_im[8];
    uint32_t dft_pos;
    uint32_t dft_start;       /* sample of this second where the DFT began */
    bool locked;              /* frequency known when this second began */
    bool thd_locked;          /* the THD window started with a known frequency */
    /* DC estimates (codes) from the previous second */
    double dc[PP_ADC_CHANNELS];
    /* zero crossings of the reference voltage */
    unsigned ref;             /* 0..2 */
    int32_t ref_prev;         /* previous DC-removed sample of ref */
    int32_t hyst_code;
    uint8_t zc_state;         /* crossing detector state (metrology.c) */
    double last_rise;         /* absolute sample position, <0 none */
    double first_rise_s, last_rise_s; /* within this second */
    double nw[3];             /* neutral weights (A per I code) when computed */
    uint32_t rises_s;
    int64_t snap_first[PP_ADC_CHANNELS];  /* code sums at the first rise of the second */
    int64_t snap_last[PP_ADC_CHANNELS];   /* ... and at the last one */
    uint32_t idx_first, idx_last;
    float f_fast, f_sec, f10;
    double f10_dur;           /* samples covered by whole cycles in the 10-s block */
    uint32_t f10_cycles, f10_frames;
    uint64_t f10_start;       /* absolute sample where the 10-s block began */
    /* one-cycle RMS: sums at the last three half-cycle boundaries */
    int64_t hc_su[3][PP_PHASES], hc_suu[3][PP_PHASES];
    int32_t hc_n[3];
    unsigned hc_count;
    float hc_min[PP_PHASES], hc_max[PP_PHASES];
    /* THD: resampled 10-cycle window per phase, u in re, i in im, stored in
     * bit-reversed order (the FFT's input order) */
    float thd_re[PP_PHASES][PP_METROLOGY_THD_N], thd_im[PP_PHASES][PP_METROLOGY_THD_N];
    float twiddle[PP_METROLOGY_THD_N]; /* N/2 cosines, then N/2 negated sines */
    int32_t hist[4][PP_ADC_CHANNELS]; /* last four samples for interpolation */
    double thd_step, thd_next;
    uint32_t thd_k;
    float thd_u[PP_PHASES], thd_i[PP_PHASES];
} pp_metrology_t;

/* Validates cfg (rate 4..8 kHz, finite non-zero scales, gains in 0.5..2,
 * |phase| <= 10 degrees) and initialises m. */
pp_err_t pp_metrology_init(pp_metrology_t *m, const pp_metrology_config_t *cfg);

/* Processes n sample sets. Each time a second of samples completes, writes
 * its frame to out[frames]; returns the number of frames written. If more
 * than max_frames seconds would complete, returns PP_ERR_NOSPACE and consumes
 * nothing (feed at most rate * max_frames sample sets at once). The codes
 * must lie within +-PP_METROLOGY_CODE_MAX (port contract). */
int pp_metrology_feed(pp_metrology_t *m, const pp_adc_block_t *blocks, size_t n,
                      pp_frame_t *out, size_t max_frames);

/* Legal-only: replace the calibration of one phase (validated as in init). */
pp_err_t pp_metrology_set_calibration(pp_metrology_t *m, unsigned phase,
                                      const pp_metrology_cal_t *cal);
/* Read-only view for communication and display. */
pp_metrology_cal_t pp_metrology_calibration(const pp_metrology_t *m, unsigned phase);

/* A configuration with data-sheet defaults (50 Hz, 2.3 W, 160 V, unit
 * calibration); scales must still be set. */
void pp_metrology_config_default(pp_metrology_config_t *cfg, uint32_t sample_rate_hz);

#endif
