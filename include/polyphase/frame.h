/* The measurement frame: what metrology hands the meter application once per
 * second (ARCHITECTURE.md "samples in, frames out"). Everything above metrology
 * consumes frames, never samples, so a power-step source (one synthetic frame
 * per simulated second) drives the application exactly as real samples do.
 * Energies are the increments of this frame in micro-units; metrology carries
 * the sub-micro residue so nothing is lost or created over years. */
#ifndef POLYPHASE_FRAME_H
#define POLYPHASE_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#define PP_PHASES 3

/* Energy increments of one frame, by direction (A+ = QI+QIV, A- = QII+QIII,
 * R+ = QI+QII, R- = QIII+QIV, E+ / E- apparent with the sign of P). */
typedef struct pp_energy_delta {
    uint32_t a_plus_uwh;
    uint32_t a_minus_uwh;
    uint32_t r_plus_uvarh;
    uint32_t r_minus_uvarh;
    uint32_t e_plus_uvah;
    uint32_t e_minus_uvah;
} pp_energy_delta_t;

typedef struct pp_phase_frame {
    float u_rms_v;
    float i_rms_a;
    float p_w;        /* signed: + import */
    float q_var;      /* signed, fundamental reactive (IEC 62053-24) */
    float s_va;
    float pf;         /* signed with P */
    float thd_u_pct;
    float thd_i_pct;
    float angle_u_deg;  /* U angle relative to U1 */
    float angle_ui_deg; /* I relative to U of the same phase */
    float u_rms_min_v;  /* extremes of the one-cycle RMS (refreshed each half cycle) */
    float u_rms_max_v;
    bool voltage_present; /* above 160 V */
    bool current_present; /* above the starting threshold (2.3 W) */
    pp_energy_delta_t energy;
} pp_phase_frame_t;

typedef enum pp_phase_sequence {
    PP_SEQ_UNKNOWN = 0,
    PP_SEQ_L1L2L3 = 1,
    PP_SEQ_L1L3L2 = 2
} pp_phase_sequence_t;

typedef struct pp_frame {
    uint32_t seq;          /* increments by one per frame */
    uint32_t duration_ms;  /* nominally 1000 */
    pp_phase_frame_t phase[PP_PHASES];
    pp_energy_delta_t total; /* sum over phases, per-phase quadrant rule */
    float p_w, q_var, s_va, pf; /* totals */
    float f_hz;            /* 10-second frequency (IEC 61000-4-30) */
    float f_fast_hz;       /* last per-cycle frequency */
    float i_neutral_a;
    pp_phase_sequence_t sequence;
} pp_frame_t;

#endif
