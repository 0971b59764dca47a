/* Debiting (billing) periods: the stop schedule of Z6/Z7 and the debiting
 * logger of snapshots in the PP_NVM_BILLING region.
 *
 * Schedule: a stop happens at 00:00:00 local time on day Z6 (1..28) of every
 * month m with (m - start) mod interval == 0 (Z7: monthly, every 2nd, 3rd or
 * 6th month from a start month, yearly in a month), or only on an external
 * command / module input when Z7 = 00. Days 1..28 exist in every month, so
 * February (leap or not) needs no special rule. A stop missed while the meter
 * was off is done once, at power-up.
 *
 * Logger: a ring of fixed 256-byte slots, one snapshot each, with a sequence
 * number and a CRC-32; a torn write fails its CRC and is ignored. The slot
 * being written is never one that holds a readable snapshot, so a power cut
 * during a stop loses no earlier snapshot: depth = slots - 1 on EEPROM, slots
 * - slots per erase unit on flash (the unit is erased before reuse). With the
 * 32 KiB region: 127 snapshots on EEPROM (>10 years monthly).
 *
 * Atomic stop (done by the application, see app.c): (1) write the snapshot
 * record (sequence C+1) to the ring, (2) in one journal transaction commit
 * the billing state (committed sequence, stop counter, quality info reset)
 * together with the demand reset. Recovery: a valid ring record with sequence
 * C+1 but a committed sequence of C is a stop cut between (1) and (2); it is
 * completed from the snapshot (pp_billing_pending). A torn snapshot is
 * ignored and the stop, still due, happens again. */
#ifndef POLYPHASE_BILLING_H
#define POLYPHASE_BILLING_H

#include <stdbool.h>
#include <stdint.h>

#include "polyphase/demand.h"
#include "polyphase/error.h"
#include "polyphase/journal.h"
#include "polyphase/port.h"
#include "polyphase/registers.h"

#define PP_BILLING_SLOT 256u

typedef struct pp_billing_config {
    uint8_t day;             /* Z6: 1..28 */
    uint8_t interval_months; /* Z7: 0 = external only, 1, 2, 3, 6, 12 */
    uint8_t start_month;     /* Z7: 1..12 (ignored when monthly or external) */
} pp_billing_config_t;

typedef enum pp_billing_reason {
    PP_BILLING_SCHEDULED = 1, /* Z6/Z7 date */
    PP_BILLING_INPUT = 2,     /* debiting stop pulse on the module input (Z3 15) */
    PP_BILLING_COMMAND = 3    /* command (DLMS script / CLI) */
} pp_billing_reason_t;

/* Quality info bits: events in the debiting period; reset at each stop. */
enum {
    PP_QI_POWER_FAIL = 1u << 0,     /* a power failure occurred */
    PP_QI_CLOCK_ADJUSTED = 1u << 1, /* the clock was set or shifted */
    PP_QI_CLOCK_INVALID = 1u << 2,  /* the clock was invalid at some time */
    PP_QI_REGISTER_REPAIR = 1u << 3,/* registers recovered below a checkpoint, raised */
    PP_QI_NVM_ERROR = 1u << 4,      /* a permanent memory write failed */
    PP_QI_STOP_RECOVERED = 1u << 5, /* the previous stop was completed at power-up */
    PP_QI_LOGGER_CORRUPT = 1u << 6  /* the logger and the journal disagreed */
};

/* One snapshot: exactly the data sheet's list ("values stored at the end of
 * a debiting period"). Energies are stored values in Wh / varh / VAh; maxima
 * carry the end time of their period (UTC ms); accumulated maxima include
 * the maximum of the period just ended. */
typedef struct pp_billing_snapshot {
    uint32_t seq;              /* logger sequence number (1, 2, ...) */
    int64_t utc_ms;            /* date and time of the stop */
    uint8_t reason;            /* pp_billing_reason_t */
    int32_t period_id;         /* year*12 + month-1 of a scheduled stop, else -1 */
    uint32_t quality;          /* PP_QI_* */
    uint32_t hour_counter;
    uint32_t stop_counter;     /* debiting stop counter, this stop included */
    uint32_t threshold_counter;/* power threshold counter (A+) */
    uint64_t pulse_input;      /* pulse input counter (pulses) */
    uint64_t energy_wh[PP_REG_QUANTITIES];   /* A+ A- R+ R- E+ E- */
    uint64_t a_plus_tariff_wh[PP_TARIFFS];
    uint64_t r_plus_tariff_wh[PP_TARIFFS];
    pp_demand_max_t p_plus_max;
    uint64_t p_plus_max_acc;
    pp_demand_max_t p_plus_max_tariff[2];    /* T1, T2 */
    pp_demand_max_t s_plus_max;
    pp_demand_max_t s_minus_max;
    uint64_t p_plus_max_acc_tariff[2];       /* T1, T2 */
} pp_billing_snapshot_t;

typedef struct pp_billing {
    pp_journal_t *journal;
    const pp_port_t *port;
    uint32_t base, size;
    uint32_t slots;            /* slots in the region */
    uint32_t slots_per_unit;   /* slots per erase unit (1 on EEPROM) */
    uint32_t depth;            /* readable snapshots at most */
    pp_billing_config_t cfg;
    /* committed state (journal) */
    uint32_t committed_seq;
    uint32_t stop_counter;
    int32_t last_period_id;    /* last scheduled stop done; -1 none yet */
    uint32_t quality;
    bool have_state;
    /* recovery */
    bool pending;
    pp_billing_snapshot_t pending_snap;
} pp_billing_t;

/* Checks a configuration (PP_ERR_RANGE naming nothing more specific). */
pp_err_t pp_billing_config_check(const pp_billing_config_t *c);

/* Schedule, pure: the period id (year*12 + month-1) of the latest scheduled
 * stop at or before 00:00 of local date y-m-d, or -1 when external only. */
int32_t pp_billing_last_scheduled(const pp_billing_config_t *c, int year, int month, int day);
/* The next scheduled stop date strictly after local date y-m-d (its 00:00
 * counts as after when d < day). false when external only. */
bool pp_billing_next_date(const pp_billing_config_t *c, int year, int month, int day,
                          int *ny, int *nm, int *nd);

/* Opens the logger region [base, base+size) and the billing state in the
 * journal. A half-done stop is reported by pp_billing_pending(). */
pp_err_t pp_billing_init(pp_billing_t *b, pp_journal_t *j, const pp_port_t *port,
                         uint32_t base, uint32_t size, const pp_billing_config_t *cfg);

/* True when a scheduled stop is due at local date y-m-d (at/after 00:00).
 * The first call on a new meter only records the current schedule slot. */
bool pp_billing_due(pp_billing_t *b, int year, int month, int day, int32_t *period_id);

/* The half-done stop found at init, or NULL. */
const pp_billing_snapshot_t *pp_billing_pending(const pp_billing_t *b);

/* Stop step 1: assigns seq and stop_counter to snap and writes it. */
pp_err_t pp_billing_write_snapshot(pp_billing_t *b, pp_billing_snapshot_t *snap);
/* Stop step 2: stages the billing state after snap into the caller's open
 * transaction; after the commit, pp_billing_apply() updates RAM. */
pp_err_t pp_billing_stage(pp_billing_t *b, const pp_billing_snapshot_t *snap);
void pp_billing_apply(pp_billing_t *b, const pp_billing_snapshot_t *snap);

/* Adds quality bits for the running period (written to the journal when they
 * change). */
pp_err_t pp_billing_add_quality(pp_billing_t *b, uint32_t bits);

/* Number of readable snapshots (<= depth). */
uint32_t pp_billing_count(const pp_billing_t *b);
/* Snapshot by index, 0 = newest. PP_ERR_NOT_FOUND past the end, PP_ERR_CORRUPT
 * when the slot fails its check. */
pp_err_t pp_billing_read(pp_billing_t *b, uint32_t index, pp_billing_snapshot_t *out);
/* Index of the newest snapshot taken at or before utc_ms. */
pp_err_t pp_billing_find(pp_billing_t *b, int64_t utc_ms, uint32_t *index);

uint32_t pp_billing_stop_counter(const pp_billing_t *b);
uint32_t pp_billing_quality(const pp_billing_t *b);

#endif
