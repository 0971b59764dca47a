/* Load profile (COSEM 1.1.99.1.0.255) and analysis logger (1.1.99.1.1.255).
 *
 * Both store one entry per capture period in a pp_logstore ring:
 *   seq u32 | time i64 | status u8 | values 4 bytes each | crc u32
 * = a 17-byte entry overhead + 4 bytes per channel, so the depth is the real
 * number of slots in the fixed budget, not a computed figure.
 *
 * Time: entries are stamped with the period's END in standard time (UTC +
 * the Z11 offset, never DST; OBJECT-MODEL.md), ms since 1970 on that scale.
 * The DST bit of the status says whether summer time was in force.
 *
 * Status byte (the IDIS "AMR profile status" bit layout):
 *   bit 0 PP_LP_ST_ERROR           critical error (metrology/NVM) in the period
 *   bit 1 PP_LP_ST_CLOCK_INVALID   the clock was invalid
 *   bit 2 PP_LP_ST_DATA_NOT_VALID  the values are not reliable
 *   bit 3 PP_LP_ST_DST             summer time in force at the capture
 *   bit 5 PP_LP_ST_CLOCK_ADJUSTED  the clock was set during the period
 *   bit 7 PP_LP_ST_POWER_DOWN      the meter was off during the period
 *
 * Load profile values are REGISTER READINGS at the period end (A+, A-, R+,
 * R- totals in Wh / varh, modulo 2^32), as OMNIPOWER-style head ends expect;
 * the interval energy is the difference of two rows.
 *
 * Entries exist for every period boundary: boundaries that passed while the
 * meter was off (or not ticking) are written on the next ticks (at most
 * PP_PROFILE_MAX_PER_TICK rows per tick) with the
 * readings of that moment and PP_LP_ST_POWER_DOWN (after a restart) or the
 * caller's flags; the period in progress at a restart or clock change is
 * flagged too. Clock set forward: every skipped boundary gets an entry
 * flagged CLOCK_ADJUSTED. Clock set back: no entry is ever stamped at or
 * before the newest one (rows stay time-ordered for range reads), so the
 * next entry is the first boundary after the newest row, flagged
 * CLOCK_ADJUSTED, and covers the repeated time. */
#ifndef POLYPHASE_PROFILE_H
#define POLYPHASE_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "polyphase/clock.h"
#include "polyphase/logstore.h"

#define PP_LP_ST_ERROR 0x01u
#define PP_LP_ST_CLOCK_INVALID 0x02u
#define PP_LP_ST_DATA_NOT_VALID 0x04u
#define PP_LP_ST_DST 0x08u
#define PP_LP_ST_CLOCK_ADJUSTED 0x20u
#define PP_LP_ST_POWER_DOWN 0x80u

#define PP_LP_ENTRY_OVERHEAD 17u /* store overhead 16 + status byte */
#define PP_LP_BUDGET 554400u     /* bytes of entries, every configuration */
#define PP_LP_MAX_CHANNELS 4u
/* Most rows one tick writes; a longer catch-up continues on later ticks. */
#define PP_PROFILE_MAX_PER_TICK 256u

/* Entries of one logger: overhead + 4 bytes per channel, in the budget. */
uint32_t pp_profile_capacity(uint32_t budget, unsigned channels);
/* Depth in minutes of capacity entries at period_min. */
uint32_t pp_profile_depth_minutes(uint32_t budget, unsigned channels, unsigned period_min);

/* ---------------- the periodic engine both loggers share ---------------- */

typedef struct pp_periodic {
    pp_logstore_t store;
    int64_t period_ms;
    int64_t next_end;      /* standard time of the next boundary to record */
    bool started;          /* next_end is known */
    bool booted;           /* the restart flag has been raised */
    uint8_t pending;       /* status bits for the period in progress */
    int64_t pending_at;    /* standard time the newest pending bit was raised */
    uint8_t nvalues;       /* 4-byte values after the status byte */
} pp_periodic_t;

/* Fills nvalues 4-byte little-endian values for a capture; may OR bits
 * into *status. */
typedef pp_err_t (*pp_periodic_capture_fn)(const void *ctx, uint8_t *values, uint8_t *status);

/* Opens a ring of min(budget / (17 + 4*nvalues), fit in size) entries. */
pp_err_t pp_periodic_open(pp_periodic_t *p, const pp_port_t *port, uint32_t base, uint32_t size,
                          uint32_t budget, uint8_t nvalues, unsigned period_min, uint32_t tag);
pp_err_t pp_periodic_tick(pp_periodic_t *p, const pp_clock_t *clk, int64_t utc_ms, uint8_t flags,
                          pp_periodic_capture_fn capture, const void *ctx);
/* Raises status bits for the period in progress at standard time std_ms
 * (and every boundary caught up to now). */
void pp_periodic_flag(pp_periodic_t *p, uint8_t bits, int64_t std_ms);
/* Standard time (UTC + Z11 offset, no DST) of a UTC instant. */
int64_t pp_profile_std_ms(const pp_clock_t *clk, int64_t utc_ms);

/* ---------------- load profile ---------------- */

typedef struct pp_lp_config {
    uint8_t period_min;   /* Z4: 5, 15, 30 or 60 */
    uint8_t channels;     /* X9: 1 (A+), 2 (A+ A-), 4 (A+ A- R+ R-) */
    uint32_t generation;  /* bump to clear the profile (DLMS reset) */
} pp_lp_config_t;

/* Register readings handed to the profile each tick. */
typedef struct pp_lp_regs {
    uint32_t a_plus_wh, a_minus_wh, r_plus_varh, r_minus_varh;
} pp_lp_regs_t;

typedef struct pp_lp {
    pp_periodic_t p;
    uint8_t period_min, channels;
} pp_lp_t;

/* Data sheet depth in days (rounded): 92/275/550/1100 for A+, ... */
unsigned pp_lp_depth_days(unsigned channels, unsigned period_min);

/* Opens the profile in [base, base+size) (PP_NVM_LOAD_PROFILE_*): the
 * budget must fit. A change of period, channels or generation empties it.
 * The first tick after init marks its period POWER_DOWN when the profile
 * already held entries (the meter restarted). */
pp_err_t pp_lp_init(pp_lp_t *lp, const pp_port_t *port, uint32_t base, uint32_t size,
                    const pp_lp_config_t *cfg);

/* Call at least once per period, normally every second, with the clock
 * (std offset and DST rule), UTC now, the register readings and status
 * bits to OR into the period in progress (CLOCK_INVALID, DATA_NOT_VALID,
 * ERROR). Writes every entry whose boundary has passed. */
pp_err_t pp_lp_tick(pp_lp_t *lp, const pp_clock_t *clk, int64_t utc_ms,
                    const pp_lp_regs_t *regs, uint8_t flags);

/* The clock was set (either direction): flags the affected periods. Call
 * after setting, with the new UTC time. */
void pp_lp_clock_adjusted(pp_lp_t *lp, const pp_clock_t *clk, int64_t new_utc_ms);

/* Reader view: columns clock, status, then the channels. */
void pp_lp_view(pp_lp_t *lp, pp_log_view_t *view);

/* ---------------- analysis logger ---------------- */

#define PP_AL_MAX_CHANNELS 16u
#define PP_AL_BUDGET 291600u      /* 3,600 16-channel entries */
#define PP_AL_MIN_INTERVAL_MIN 1u
#define PP_AL_MAX_INTERVAL_MIN 54u

/* Reads one configured source (the lead binds ids to the object
 * directory); value in the source's own unit and scaler. */
typedef pp_err_t (*pp_al_getter_fn)(void *ctx, uint16_t source, int32_t *value);

typedef struct pp_al_config {
    uint8_t interval_min;              /* 1..54 */
    uint8_t channels;                  /* 1..16 */
    uint16_t source[PP_AL_MAX_CHANNELS];
    uint32_t generation;
} pp_al_config_t;

typedef struct pp_al {
    pp_periodic_t p;
    pp_al_config_t cfg;
    pp_al_getter_fn get;
    void *get_ctx;
} pp_al_t;

/* Depth in minutes for a configuration (budget / (17 + 4 * channels) entries
 * times the interval): 3,600 min = 2.5 days at 16 channels every minute,
 * 749,790 min = 520.7 days at 1 channel every 54 minutes. */
uint32_t pp_al_depth_minutes(const pp_al_config_t *cfg);

pp_err_t pp_al_init(pp_al_t *al, const pp_port_t *port, uint32_t base, uint32_t size,
                    const pp_al_config_t *cfg, pp_al_getter_fn get, void *get_ctx);
/* As pp_lp_tick; values come from the getter at each capture. A getter
 * error marks that entry DATA_NOT_VALID with the value 0. */
pp_err_t pp_al_tick(pp_al_t *al, const pp_clock_t *clk, int64_t utc_ms, uint8_t flags);
void pp_al_clock_adjusted(pp_al_t *al, const pp_clock_t *clk, int64_t new_utc_ms);
/* Reader view: clock, status, ch1..chN (signed 32-bit). */
void pp_al_view(pp_al_t *al, pp_log_view_t *view);

#endif
