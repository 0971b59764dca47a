/* The energy application: registers, tariffs, demand, debiting periods and
 * counters behind one context the meter task drives once per second.
 *
 *   pp_app_init()            at start-up (recovers everything from the journal
 *                            and the debiting logger; completes a cut stop)
 *   pp_app_on_time_known()   at start-up with a valid RTC, or when the RTC is
 *                            first set: the tariff in force is known at once
 *   pp_app_on_frame()        once per measurement frame (1 s), with the RTC time
 *   pp_app_on_power_fail()   at the supply monitor's power-fail warning
 *   pp_app_on_power_restore() when the supply is back (before the next frame)
 *   pp_app_on_clock_change() after the clock was set or shifted
 *   pp_app_debiting_stop()   on a command (DLMS script, CLI)
 *
 * Order inside one frame (stamped t, energy of the second before t): the
 * frame is added to the registers with the tariff that was in force during
 * that second; demand closes a period whose end is t; then the tariff for t
 * is evaluated (so a switch at hh:mm:ss applies from that second on), and at
 * 00:00:00 local of a debiting date the stop snapshot is taken (it includes
 * the energy up to that second and the demand period that just ended).
 *
 * Local time comes from the clock module through pp_app_clock_t. The context
 * is caller-owned; port and journal must outlive it. */
#ifndef POLYPHASE_APP_H
#define POLYPHASE_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "polyphase/billing.h"
#include "polyphase/counters.h"
#include "polyphase/demand.h"
#include "polyphase/error.h"
#include "polyphase/frame.h"
#include "polyphase/journal.h"
#include "polyphase/port.h"
#include "polyphase/registers.h"
#include "polyphase/tariff.h"

/* UTC -> local wall time (with DST), bound by the integrator to the clock
 * module. Returns PP_OK or an error (e.g. invalid clock). */
typedef struct pp_app_clock {
    void *ctx;
    pp_err_t (*local)(void *ctx, int64_t utc_ms, pp_tariff_time_t *out);
} pp_app_clock_t;

/* The binding to the clock module (polyphase/clock.h): use
 *   pp_app_clock_t clk = {&meter_clock, pp_app_local_from_clock};
 * with ctx a const pp_clock_t *. */
pp_err_t pp_app_local_from_clock(void *clock, int64_t utc_ms, pp_tariff_time_t *out);

/* Settings, filled by the integrator from the order code (Z-fields named). */
typedef struct pp_app_config {
    uint8_t decimals;                /* Z1: display decimals 0..3 = resolution */
    uint8_t module_function;         /* Z3: 0..28 */
    uint8_t integration_minutes;     /* Z4: 5, 15, 30, 60 */
    pp_billing_config_t billing;     /* Z6 day, Z7 interval/start month */
    pp_pulse_unit_t pulse_unit;      /* Z12 */
    int8_t pulse_scaler;             /* value = pulses * 10^scaler units */
    uint16_t tariff_preset;          /* Z13: 0 = none */
    /* The Z13 calendar when it comes from the host configuration; NULL =
     * the built-in preset pp_calendar_preset(tariff_preset). */
    const pp_calendar_t *calendar;
    const pp_special_days_t *special_days;
    uint32_t power_threshold_w;      /* power threshold counter; 0 = off */
    uint32_t billing_base, billing_size; /* logger region; 0 = nvm_layout.h */
} pp_app_config_t;

/* Fills defaults: 0.01 kWh, no module, 15 min, monthly on the 1st, no
 * pulse unit, no tariff table, no threshold. */
void pp_app_config_default(pp_app_config_t *cfg);

typedef struct pp_app_stats {
    uint64_t frames;
    uint32_t stops;
    uint32_t periods;        /* demand periods closed */
    uint32_t errors;         /* failed journal/NVM operations */
    pp_err_t last_error;
} pp_app_stats_t;

typedef struct pp_app {
    const pp_port_t *port;
    pp_journal_t *journal;
    pp_app_clock_t clock;
    pp_registers_t regs;
    pp_tariff_t tariff;
    pp_demand_t demand;
    pp_billing_t billing;
    pp_counters_t counters;
    uint16_t tariff_preset;      /* Z13, tags the stored calendars */
    uint8_t pulse_io;            /* module input carrying pulses: 0, 1, 2 */
    bool pulse_inverted;
    bool stop_input;             /* Z3 15: debiting stop pulse on I/O 1 */
    uint8_t stop_level;
    uint32_t pending_pulses;     /* from pp_app_add_pulses */
    int64_t next_local_check_ms; /* next UTC hour boundary */
    int64_t last_utc_ms;
    bool have_local;
    pp_tariff_time_t local;      /* local time at the last check */
    pp_app_stats_t stats;
} pp_app_t;

pp_err_t pp_app_init(pp_app_t *app, const pp_port_t *port, pp_journal_t *journal,
                     const pp_app_clock_t *clock, const pp_app_config_t *cfg);

/* utc_ms value for a frame while the RTC has no valid time: registers and
 * counters still count (in the tariff last in force), demand and the
 * debiting schedule wait for a valid time, quality info says "clock
 * invalid". */
#define PP_APP_TIME_INVALID INT64_MIN

/* One frame; inputs are read from the port (tariff inputs, pulse input,
 * debiting stop input). Journal errors are counted and flagged in the quality
 * info, never fatal: RAM values stay right and the next change retries. */
pp_err_t pp_app_on_frame(pp_app_t *app, const pp_frame_t *f, int64_t utc_ms);
/* The tariff in force at utc_ms, before any frame: readouts right after
 * start show it, not the power-up default 1. Registers are not touched. */
pp_err_t pp_app_on_time_known(pp_app_t *app, int64_t utc_ms);
pp_err_t pp_app_on_power_fail(pp_app_t *app);
pp_err_t pp_app_on_power_restore(pp_app_t *app, int64_t utc_ms);
pp_err_t pp_app_on_clock_change(pp_app_t *app, int64_t old_utc_ms, int64_t new_utc_ms);
/* The time zone or the DST rule changed: local time is worked out afresh
 * (tariff switches, debiting dates) from the next second on. */
void pp_app_on_local_rule_change(pp_app_t *app);
/* Debiting stop now (command or input); reason PP_BILLING_COMMAND/INPUT. */
pp_err_t pp_app_debiting_stop(pp_app_t *app, int64_t utc_ms, pp_billing_reason_t reason);
/* Class 20 / 11 writes (DLMS): checked, applied, persisted (they survive a
 * restart as long as Z13 stays the same). */
pp_err_t pp_app_set_passive_calendar(pp_app_t *app, const pp_calendar_t *cal,
                                     int64_t activate_utc_ms);
pp_err_t pp_app_activate_passive_calendar(pp_app_t *app);
pp_err_t pp_app_set_special_days(pp_app_t *app, const pp_special_days_t *s);
/* Pulses counted outside the 1-second input poll (e.g. by an interrupt). */
void pp_app_add_pulses(pp_app_t *app, uint32_t pulses);

/* ---- getters ---- */
unsigned pp_app_tariff(const pp_app_t *app);
uint64_t pp_app_energy_wh(const pp_app_t *app, pp_reg_quantity_t q, unsigned scope);
uint64_t pp_app_tariff_wh(const pp_app_t *app, pp_reg_tariff_kind_t k, unsigned tariff);
int8_t pp_app_energy_scaler(const pp_app_t *app);
const pp_demand_state_t *pp_app_demand(const pp_app_t *app);
const pp_demand_period_t *pp_app_last_period(const pp_app_t *app);
/* Average power of the open demand period so far over the nominal period. */
uint32_t pp_app_current_demand_w(const pp_app_t *app, pp_demand_kind_t k);
/* The next scheduled debiting date after the last local time seen; false
 * when external only or no local time was seen yet. */
bool pp_app_next_debiting_date(const pp_app_t *app, int *year, int *month, int *day);
uint32_t pp_app_hour_counter(const pp_app_t *app);
uint32_t pp_app_stop_counter(const pp_app_t *app);
uint32_t pp_app_threshold_counter(const pp_app_t *app);
/* The power threshold (W, 0 = off) the threshold counter compares P+
 * demand periods with; set over DLMS by management, persisted. */
uint32_t pp_app_power_threshold(const pp_app_t *app);
pp_err_t pp_app_set_power_threshold(pp_app_t *app, uint32_t w);
uint64_t pp_app_pulse_counter(const pp_app_t *app);
uint32_t pp_app_quality(const pp_app_t *app);
uint32_t pp_app_snapshot_count(const pp_app_t *app);
pp_err_t pp_app_snapshot(pp_app_t *app, uint32_t index, pp_billing_snapshot_t *out);
pp_err_t pp_app_snapshot_at(pp_app_t *app, int64_t utc_ms, pp_billing_snapshot_t *out);
const pp_app_stats_t *pp_app_stats(const pp_app_t *app);

#endif
