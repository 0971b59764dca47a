/* Peak power (block demand) over the integration period of Z4 (5, 15, 30 or
 * 60 minutes), aligned to the clock.
 *
 * Periods are half-open on the left: with P the period in seconds, period k
 * covers the frames stamped (k*P, (k+1)*P] (a frame stamped t carries the
 * energy of the second before t), so the frame at hh:15:00 closes the period
 * hh:00..hh:15. Boundaries are multiples of P in UTC seconds; every Z11 offset
 * is whole hours, so they are also aligned to standard and local time.
 *
 * At the end of a period its average power = energy / P (always the nominal
 * P, also for a period that measured fewer seconds), floored to whole W, is
 * compared with P+max, S+max, S-max and with P+max of the tariff in force at
 * the end of the period; a new maximum keeps the period's end time. A period
 * above the power threshold (if not 0) increments the power threshold counter.
 *
 * Interruptions (docs/registers-and-billing.md "Demand rules"):
 * - power failure: the running period is saved at the power-fail warning. If
 *   power returns within the same period, it continues; otherwise it is closed
 *   with the energy it had (over the nominal P) and a new period starts at
 *   the restore time and ends at the next boundary. Both carry
 *   PP_DEMAND_FLAG_POWER_FAIL.
 * - clock change: if the new time is in the same period, the period continues;
 *   otherwise the period is closed at the old time and a new one starts at
 *   the new time. Both carry PP_DEMAND_FLAG_CLOCK.
 * - a period that measured fewer than P seconds carries PP_DEMAND_FLAG_SHORT.
 * Flagged periods still compete for the maximum: energy / nominal P never
 * overstates the real average power.
 *
 * Maxima, accumulated maxima and the threshold counter are in the journal
 * (one record, written when one of them changes). The context is
 * caller-owned; the journal must outlive it. */
#ifndef POLYPHASE_DEMAND_H
#define POLYPHASE_DEMAND_H

#include <stdbool.h>
#include <stdint.h>

#include "polyphase/error.h"
#include "polyphase/frame.h"
#include "polyphase/journal.h"

#define PP_DEMAND_TARIFFS 4

typedef enum pp_demand_kind {
    PP_DEMAND_P_PLUS = 0,  /* from A+ */
    PP_DEMAND_S_PLUS = 1,  /* from E+ */
    PP_DEMAND_S_MINUS = 2, /* from E- */
    PP_DEMAND_KINDS = 3
} pp_demand_kind_t;

enum {
    PP_DEMAND_FLAG_SHORT = 1u << 0,      /* fewer seconds measured than P */
    PP_DEMAND_FLAG_POWER_FAIL = 1u << 1, /* power failed during the period */
    PP_DEMAND_FLAG_CLOCK = 1u << 2       /* the clock was adjusted during it */
};

typedef struct pp_demand_max {
    uint32_t w;      /* W (VA); 0 = no period yet */
    int64_t utc_ms;  /* end of the period that set it; 0 when w == 0 */
} pp_demand_max_t;

/* One closed period. */
typedef struct pp_demand_period {
    int64_t start_utc_ms, end_utc_ms; /* nominal start, actual close */
    uint32_t w[PP_DEMAND_KINDS];
    uint32_t seconds;                 /* seconds of energy measured */
    uint8_t tariff;                   /* 1..4, 0 none */
    uint8_t flags;                    /* PP_DEMAND_FLAG_* */
} pp_demand_period_t;

/* What is stored (and reset at a debiting stop). */
typedef struct pp_demand_state {
    pp_demand_max_t max[PP_DEMAND_KINDS];
    pp_demand_max_t max_tariff[PP_DEMAND_TARIFFS]; /* P+max per tariff */
    uint64_t acc_w;                               /* accumulated P+max */
    uint64_t acc_tariff_w[PP_DEMAND_TARIFFS];     /* accumulated P+max per tariff */
    uint32_t threshold_count;                     /* power threshold counter (A+) */
} pp_demand_state_t;

typedef struct pp_demand_config {
    uint8_t integration_minutes; /* Z4: 5, 15, 30 or 60 */
    uint32_t threshold_w;        /* power threshold; 0 = counter off */
} pp_demand_config_t;

typedef struct pp_demand {
    pp_journal_t *journal;
    uint32_t period_s;
    uint32_t threshold_w;
    bool running;                 /* a period is open */
    int64_t start_s, end_s;       /* nominal bounds of the open period */
    uint64_t acc_uwh[PP_DEMAND_KINDS];
    uint32_t seconds;
    uint8_t flags;
    pp_demand_state_t st;
    bool have_last;
    pp_demand_period_t last;
} pp_demand_t;

/* Loads the stored maxima and a period saved at a power-fail warning. */
pp_err_t pp_demand_init(pp_demand_t *d, pp_journal_t *j, const pp_demand_config_t *cfg);
/* Power threshold of the threshold counter (W, 0 = off), persisted: it
 * replaces the configured one from now on and after restarts. */
pp_err_t pp_demand_set_threshold(pp_demand_t *d, uint32_t w);

/* One frame (energy of the second ending at utc_ms) with the current tariff.
 * Returns 1 when a period closed (see pp_demand_last), 0 otherwise, or a
 * journal error (the values in RAM are right; the next change retries). */
int pp_demand_on_second(pp_demand_t *d, const pp_energy_delta_t *e, int64_t utc_ms,
                        unsigned tariff);

/* Power-fail warning: saves the open period (one journal write). */
pp_err_t pp_demand_on_power_fail(pp_demand_t *d);
/* Power is back at utc_ms: continues or closes the saved period (see above).
 * Returns like pp_demand_on_second. */
int pp_demand_on_power_restore(pp_demand_t *d, int64_t utc_ms, unsigned tariff);
/* The clock was set from old_utc_ms to new_utc_ms. Returns like on_second. */
int pp_demand_on_clock_change(pp_demand_t *d, int64_t old_utc_ms, int64_t new_utc_ms,
                              unsigned tariff);

/* Debiting stop: the state after it (max reset, accumulated += max). */
void pp_demand_after_stop(const pp_demand_state_t *before, pp_demand_state_t *after);
/* Stages the after-stop state into the caller's open journal transaction. */
pp_err_t pp_demand_stage_stop(pp_demand_t *d);
/* Applies the after-stop state in RAM once the transaction committed. */
void pp_demand_apply_stop(pp_demand_t *d);

/* The stored form of one maximum (W, then time), little-endian. */
#define PP_DEMAND_MAX_BYTES 12u
void pp_demand_max_put(uint8_t *p, const pp_demand_max_t *m);
void pp_demand_max_get(const uint8_t *p, pp_demand_max_t *m);

const pp_demand_state_t *pp_demand_state(const pp_demand_t *d);
/* The last closed period; NULL before the first. */
const pp_demand_period_t *pp_demand_last(const pp_demand_t *d);
/* Average power of the open period so far over the nominal P (W), and its
 * elapsed seconds; 0 when no period is open. */
uint32_t pp_demand_current_w(const pp_demand_t *d, pp_demand_kind_t k);

#endif
