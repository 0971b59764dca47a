/* The energy application aggregate (see app.h for the order of work). */
#include "polyphase/app.h"

#include <string.h>

#include "polyphase/clock.h"
#include "polyphase/nvm_layout.h"

/* Z3 rows with a pulse input on I/O 1: {code, inverted}. */
static const uint8_t z3_pulse[][2] = {
    {3, 0}, {4, 0}, {5, 0}, {13, 0}, {14, 0}, {18, 0}, {19, 1}, {20, 0}, {21, 1}, {27, 0}, {28, 0},
};
#define Z3_DEBIT_STOP 15

pp_err_t pp_app_local_from_clock(void *clock, int64_t utc_ms, pp_tariff_time_t *out)
{
    PP_VERIFY(clock != NULL && out != NULL, PP_ERR_ARG);
    pp_civil_t c;
    bool dst;
    pp_clock_local((const pp_clock_t *)clock, utc_ms, &c, &dst);
    *out = (pp_tariff_time_t){c.year, c.month, c.day, c.weekday, c.hour, c.minute, c.second};
    return PP_OK;
}

void pp_app_config_default(pp_app_config_t *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->decimals = 2;
    cfg->integration_minutes = 15;
    cfg->billing.day = 1;
    cfg->billing.interval_months = 1;
    cfg->billing.start_month = 1;
}

/* Counts a failure and flags it in the quality info; returns the first
 * error of the call in progress (worst). */
static pp_err_t note_error(pp_app_t *app, int rc, pp_err_t worst)
{
    if (rc < 0) {
        app->stats.errors++;
        app->stats.last_error = (pp_err_t)rc;
        (void)pp_billing_add_quality(&app->billing, PP_QI_NVM_ERROR);
        return worst != PP_OK ? worst : (pp_err_t)rc;
    }
    return worst;
}

static int64_t next_hour_ms(int64_t utc_ms)
{
    int64_t r = ((utc_ms % 3600000) + 3600000) % 3600000;
    return utc_ms - r + 3600000;
}

static pp_err_t setup_tariff(pp_app_t *app, const pp_app_config_t *cfg)
{
    pp_tariff_config_t tc;
    bool table = cfg->tariff_preset != 0 || cfg->calendar != NULL;
    PP_TRY(pp_tariff_config_from_z3(cfg->module_function, table, &tc));
    if (tc.source != PP_TARIFF_CALENDAR) {
        return pp_tariff_init(&app->tariff, &tc, NULL, NULL);
    }
    if (cfg->calendar != NULL) {
        return pp_tariff_init(&app->tariff, &tc, cfg->calendar, cfg->special_days);
    }
    /* Built-in preset: build it in the tariff context's own passive slot. */
    pp_special_days_t sp;
    PP_TRY(pp_calendar_preset(cfg->tariff_preset, &app->tariff.passive, &sp));
    pp_calendar_t cal = app->tariff.passive;
    return pp_tariff_init(&app->tariff, &tc, &cal, &sp);
}

static void setup_inputs(pp_app_t *app, uint8_t z3)
{
    for (unsigned i = 0; i < sizeof(z3_pulse) / sizeof(z3_pulse[0]); i++) {
        if (z3_pulse[i][0] == z3) {
            app->pulse_io = 1;
            app->pulse_inverted = z3_pulse[i][1] != 0;
        }
    }
    app->stop_input = z3 == Z3_DEBIT_STOP;
}

/* Step 2 of a stop (also the completion of a cut one): billing state and
 * demand reset in one transaction. */
static pp_err_t commit_stop(pp_app_t *app, const pp_billing_snapshot_t *snap)
{
    PP_TRY(pp_journal_begin(app->journal));
    pp_err_t rc = pp_billing_stage(&app->billing, snap);
    if (rc == PP_OK) {
        rc = pp_demand_stage_stop(&app->demand);
    }
    if (rc == PP_OK) {
        rc = pp_journal_commit(app->journal);
    }
    if (rc != PP_OK) {
        (void)pp_journal_abort(app->journal);
        return rc;
    }
    pp_billing_apply(&app->billing, snap);
    pp_demand_apply_stop(&app->demand);
    app->stats.stops++;
    return PP_OK;
}

pp_err_t pp_app_init(pp_app_t *app, const pp_port_t *port, pp_journal_t *journal,
                     const pp_app_clock_t *clock, const pp_app_config_t *cfg)
{
    PP_VERIFY(app != NULL && port != NULL && journal != NULL && clock != NULL &&
                  clock->local != NULL && cfg != NULL,
              PP_ERR_ARG);
    memset(app, 0, sizeof(*app));
    app->port = port;
    app->journal = journal;
    app->clock = *clock;
    PP_TRY(pp_registers_init(&app->regs, journal, cfg->decimals));
    PP_TRY(setup_tariff(app, cfg));
    app->tariff_preset = cfg->tariff_preset;
    if (app->tariff.cfg.source == PP_TARIFF_CALENDAR) {
        pp_err_t lrc = pp_tariff_load(&app->tariff, journal, cfg->tariff_preset);
        PP_VERIFY(lrc == PP_OK || lrc == PP_ERR_NOT_FOUND, lrc);
    }
    pp_demand_config_t dc = {cfg->integration_minutes, cfg->power_threshold_w};
    PP_TRY(pp_demand_init(&app->demand, journal, &dc));
    uint32_t base = cfg->billing_size ? cfg->billing_base : PP_NVM_BILLING_BASE;
    uint32_t size = cfg->billing_size ? cfg->billing_size : PP_NVM_BILLING_SIZE;
    PP_TRY(pp_billing_init(&app->billing, journal, port, base, size, &cfg->billing));
    PP_TRY(pp_counters_init(&app->counters, journal, cfg->pulse_unit, cfg->pulse_scaler));
    setup_inputs(app, cfg->module_function);
    app->next_local_check_ms = INT64_MIN;
    app->last_utc_ms = INT64_MIN;

    const pp_billing_snapshot_t *pending = pp_billing_pending(&app->billing);
    if (pending != NULL) {
        pp_billing_snapshot_t snap = *pending;
        PP_TRY(commit_stop(app, &snap));
        (void)pp_billing_add_quality(&app->billing, PP_QI_STOP_RECOVERED);
    }
    if (app->regs.flags & PP_REG_FLAG_BACKWARDS) {
        (void)pp_billing_add_quality(&app->billing, PP_QI_REGISTER_REPAIR);
    }
    return PP_OK;
}

static void fill_snapshot(const pp_app_t *app, pp_billing_snapshot_t *s, int64_t utc_ms,
                          pp_billing_reason_t reason, int32_t period_id)
{
    const pp_demand_state_t *d = pp_demand_state(&app->demand);
    pp_demand_state_t after;
    pp_demand_after_stop(d, &after);
    memset(s, 0, sizeof(*s));
    s->utc_ms = utc_ms;
    s->reason = (uint8_t)reason;
    s->period_id = period_id;
    s->quality = pp_billing_quality(&app->billing);
    s->hour_counter = app->counters.hours;
    s->threshold_counter = d->threshold_count;
    s->pulse_input = app->counters.pulses;
    for (unsigned q = 0; q < PP_REG_QUANTITIES; q++) {
        s->energy_wh[q] = pp_registers_wh(&app->regs, (pp_reg_quantity_t)q, PP_REG_TOTAL);
    }
    for (unsigned t = 0; t < PP_TARIFFS; t++) {
        s->a_plus_tariff_wh[t] = pp_registers_tariff_wh(&app->regs, PP_REG_TARIFF_A_PLUS, t + 1);
        s->r_plus_tariff_wh[t] = pp_registers_tariff_wh(&app->regs, PP_REG_TARIFF_R_PLUS, t + 1);
    }
    s->p_plus_max = d->max[PP_DEMAND_P_PLUS];
    s->p_plus_max_acc = after.acc_w;
    s->p_plus_max_tariff[0] = d->max_tariff[0];
    s->p_plus_max_tariff[1] = d->max_tariff[1];
    s->s_plus_max = d->max[PP_DEMAND_S_PLUS];
    s->s_minus_max = d->max[PP_DEMAND_S_MINUS];
    s->p_plus_max_acc_tariff[0] = after.acc_tariff_w[0];
    s->p_plus_max_acc_tariff[1] = after.acc_tariff_w[1];
}

static pp_err_t do_stop(pp_app_t *app, int64_t utc_ms, pp_billing_reason_t reason,
                        int32_t period_id)
{
    pp_billing_snapshot_t snap;
    /* Registers first, so the snapshot holds committed values only. */
    PP_TRY(pp_registers_commit(&app->regs));
    fill_snapshot(app, &snap, utc_ms, reason, period_id);
    PP_TRY(pp_billing_write_snapshot(&app->billing, &snap));
    return commit_stop(app, &snap);
}

pp_err_t pp_app_debiting_stop(pp_app_t *app, int64_t utc_ms, pp_billing_reason_t reason)
{
    PP_VERIFY(reason == PP_BILLING_COMMAND || reason == PP_BILLING_INPUT, PP_ERR_ARG);
    return do_stop(app, utc_ms, reason, -1);
}

/* Local time: at UTC hour boundaries (where DST and local midnight fall,
 * Z11 offsets being whole hours), when the tariff asks, after events. */
static pp_err_t local_checks(pp_app_t *app, int64_t utc_ms, uint32_t inputs)
{
    bool hour = utc_ms >= app->next_local_check_ms;
    bool need = hour || pp_tariff_needs_local(&app->tariff, utc_ms);
    if (!need) {
        return pp_tariff_update(&app->tariff, utc_ms, NULL, inputs) < 0 ? PP_ERR_INTERNAL : PP_OK;
    }
    pp_err_t rc = app->clock.local(app->clock.ctx, utc_ms, &app->local);
    if (rc != PP_OK) {
        app->have_local = false;
        (void)pp_billing_add_quality(&app->billing, PP_QI_CLOCK_INVALID);
        return rc;
    }
    app->have_local = true;
    int t = pp_tariff_update(&app->tariff, utc_ms, &app->local, inputs);
    if (t < 0) {
        return (pp_err_t)t;
    }
    if (hour) {
        app->next_local_check_ms = next_hour_ms(utc_ms);
        int32_t id;
        if (pp_billing_due(&app->billing, app->local.year, app->local.month, app->local.day, &id)) {
            return do_stop(app, utc_ms, PP_BILLING_SCHEDULED, id);
        }
    }
    return PP_OK;
}

static uint32_t poll_inputs(pp_app_t *app, uint32_t inputs)
{
    uint32_t pulses = app->pending_pulses;
    app->pending_pulses = 0;
    if (app->pulse_io == 1) {
        int level = (inputs & PP_IN_MODULE_IO1) != 0;
        pulses += pp_counters_edge(&app->counters, app->pulse_inverted ? !level : level);
    }
    return pulses;
}

static pp_err_t frame_without_time(pp_app_t *app, const pp_frame_t *f, uint32_t inputs)
{
    app->stats.frames++;
    pp_err_t rc = note_error(app, pp_billing_add_quality(&app->billing, PP_QI_CLOCK_INVALID), PP_OK);
    rc = note_error(app, pp_registers_add(&app->regs, f, app->tariff.current), rc);
    rc = note_error(app, pp_counters_on_second(&app->counters, poll_inputs(app, inputs)), rc);
    if (app->tariff.cfg.source != PP_TARIFF_CALENDAR) {
        (void)pp_tariff_update(&app->tariff, 0, NULL, inputs); /* inputs need no time */
    }
    pp_tariff_invalidate(&app->tariff);
    app->next_local_check_ms = INT64_MIN;
    return rc;
}

pp_err_t pp_app_on_frame(pp_app_t *app, const pp_frame_t *f, int64_t utc_ms)
{
    PP_VERIFY(app != NULL && f != NULL, PP_ERR_ARG);
    uint32_t inputs = app->port->inputs_get ? app->port->inputs_get(app->port->ctx) : 0;
    if (utc_ms == PP_APP_TIME_INVALID) {
        return frame_without_time(app, f, inputs);
    }
    if (app->last_utc_ms == INT64_MIN && pp_tariff_needs_local(&app->tariff, utc_ms)) {
        /* First frame after start: its second needs the tariff too. */
        pp_tariff_time_t l;
        if (app->clock.local(app->clock.ctx, utc_ms - 1000, &l) == PP_OK) {
            (void)pp_tariff_update(&app->tariff, utc_ms - 1000, &l, inputs);
        }
    }
    unsigned tariff = app->tariff.current;
    app->stats.frames++;
    app->last_utc_ms = utc_ms;

    pp_err_t rc = note_error(app, pp_registers_add(&app->regs, f, tariff), PP_OK);
    int closed = pp_demand_on_second(&app->demand, &f->total, utc_ms, tariff);
    rc = note_error(app, closed, rc);
    app->stats.periods += closed > 0 ? 1u : 0u;
    rc = note_error(app, pp_counters_on_second(&app->counters, poll_inputs(app, inputs)), rc);
    rc = note_error(app, local_checks(app, utc_ms, inputs), rc);
    if (app->stop_input) {
        uint8_t level = (inputs & PP_IN_MODULE_IO1) ? 1 : 0;
        if (level && !app->stop_level) {
            rc = note_error(app, do_stop(app, utc_ms, PP_BILLING_INPUT, -1), rc);
        }
        app->stop_level = level;
    }
    return rc;
}

pp_err_t pp_app_on_time_known(pp_app_t *app, int64_t utc_ms)
{
    PP_VERIFY(app != NULL, PP_ERR_ARG);
    if (!pp_tariff_needs_local(&app->tariff, utc_ms)) {
        return PP_OK;
    }
    pp_tariff_time_t l;
    PP_TRY(app->clock.local(app->clock.ctx, utc_ms, &l));
    int t = pp_tariff_update(&app->tariff, utc_ms, &l, 0);
    return t < 0 ? (pp_err_t)t : PP_OK;
}

pp_err_t pp_app_on_power_fail(pp_app_t *app)
{
    /* Most important first: the reserve energy may not last. */
    pp_err_t rc = pp_registers_save_residue(&app->regs);
    pp_err_t r2 = pp_demand_on_power_fail(&app->demand);
    pp_err_t r3 = pp_counters_save(&app->counters);
    pp_err_t r4 = pp_billing_add_quality(&app->billing, PP_QI_POWER_FAIL);
    return rc != PP_OK ? rc : r2 != PP_OK ? r2 : r3 != PP_OK ? r3 : r4;
}

pp_err_t pp_app_on_power_restore(pp_app_t *app, int64_t utc_ms)
{
    uint32_t inputs = app->port->inputs_get ? app->port->inputs_get(app->port->ctx) : 0;
    pp_err_t rc = note_error(app, pp_billing_add_quality(&app->billing, PP_QI_POWER_FAIL), PP_OK);
    int closed = pp_demand_on_power_restore(&app->demand, utc_ms, app->tariff.current);
    rc = note_error(app, closed, rc);
    app->stats.periods += closed > 0 ? 1u : 0u;
    pp_tariff_invalidate(&app->tariff);
    app->next_local_check_ms = INT64_MIN; /* a stop missed while off happens now */
    app->stop_level = (inputs & PP_IN_MODULE_IO1) ? 1 : 0;
    return note_error(app, local_checks(app, utc_ms, inputs), rc);
}

pp_err_t pp_app_on_clock_change(pp_app_t *app, int64_t old_utc_ms, int64_t new_utc_ms)
{
    uint32_t inputs = app->port->inputs_get ? app->port->inputs_get(app->port->ctx) : 0;
    pp_err_t rc = note_error(app, pp_billing_add_quality(&app->billing, PP_QI_CLOCK_ADJUSTED),
                             PP_OK);
    int closed = pp_demand_on_clock_change(&app->demand, old_utc_ms, new_utc_ms,
                                           app->tariff.current);
    rc = note_error(app, closed, rc);
    app->stats.periods += closed > 0 ? 1u : 0u;
    pp_tariff_invalidate(&app->tariff);
    app->next_local_check_ms = INT64_MIN;
    return note_error(app, local_checks(app, new_utc_ms, inputs), rc);
}

void pp_app_on_local_rule_change(pp_app_t *app)
{
    pp_tariff_invalidate(&app->tariff);
    app->next_local_check_ms = INT64_MIN;
}

static pp_err_t calendar_source(const pp_app_t *app)
{
    return app->tariff.cfg.source == PP_TARIFF_CALENDAR ? PP_OK : PP_ERR_STATE;
}

pp_err_t pp_app_set_passive_calendar(pp_app_t *app, const pp_calendar_t *cal,
                                     int64_t activate_utc_ms)
{
    PP_TRY(calendar_source(app));
    PP_TRY(pp_tariff_set_passive(&app->tariff, cal, activate_utc_ms));
    return pp_tariff_save(&app->tariff, app->journal, app->tariff_preset);
}

pp_err_t pp_app_activate_passive_calendar(pp_app_t *app)
{
    PP_TRY(calendar_source(app));
    PP_TRY(pp_tariff_activate_passive(&app->tariff));
    return pp_tariff_save(&app->tariff, app->journal, app->tariff_preset);
}

pp_err_t pp_app_set_special_days(pp_app_t *app, const pp_special_days_t *s)
{
    PP_TRY(calendar_source(app));
    PP_TRY(pp_tariff_set_special_days(&app->tariff, s));
    return pp_tariff_save(&app->tariff, app->journal, app->tariff_preset);
}

void pp_app_add_pulses(pp_app_t *app, uint32_t pulses)
{
    app->pending_pulses += pulses;
}

unsigned pp_app_tariff(const pp_app_t *app)
{
    return app->tariff.current;
}

uint64_t pp_app_energy_wh(const pp_app_t *app, pp_reg_quantity_t q, unsigned scope)
{
    return pp_registers_wh(&app->regs, q, scope);
}

uint64_t pp_app_tariff_wh(const pp_app_t *app, pp_reg_tariff_kind_t k, unsigned tariff)
{
    return pp_registers_tariff_wh(&app->regs, k, tariff);
}

int8_t pp_app_energy_scaler(const pp_app_t *app)
{
    return pp_registers_scaler(&app->regs);
}

const pp_demand_state_t *pp_app_demand(const pp_app_t *app)
{
    return pp_demand_state(&app->demand);
}

const pp_demand_period_t *pp_app_last_period(const pp_app_t *app)
{
    return pp_demand_last(&app->demand);
}

uint32_t pp_app_current_demand_w(const pp_app_t *app, pp_demand_kind_t k)
{
    return pp_demand_current_w(&app->demand, k);
}

bool pp_app_next_debiting_date(const pp_app_t *app, int *year, int *month, int *day)
{
    if (!app->have_local) {
        return false;
    }
    return pp_billing_next_date(&app->billing.cfg, app->local.year, app->local.month,
                                app->local.day, year, month, day);
}

uint32_t pp_app_hour_counter(const pp_app_t *app)
{
    return app->counters.hours;
}

uint32_t pp_app_stop_counter(const pp_app_t *app)
{
    return pp_billing_stop_counter(&app->billing);
}

uint32_t pp_app_power_threshold(const pp_app_t *app)
{
    return app->demand.threshold_w;
}

pp_err_t pp_app_set_power_threshold(pp_app_t *app, uint32_t w)
{
    return pp_demand_set_threshold(&app->demand, w);
}

uint32_t pp_app_threshold_counter(const pp_app_t *app)
{
    return pp_demand_state(&app->demand)->threshold_count;
}

uint64_t pp_app_pulse_counter(const pp_app_t *app)
{
    return app->counters.pulses;
}

uint32_t pp_app_quality(const pp_app_t *app)
{
    return pp_billing_quality(&app->billing);
}

uint32_t pp_app_snapshot_count(const pp_app_t *app)
{
    return pp_billing_count(&app->billing);
}

pp_err_t pp_app_snapshot(pp_app_t *app, uint32_t index, pp_billing_snapshot_t *out)
{
    return pp_billing_read(&app->billing, index, out);
}

pp_err_t pp_app_snapshot_at(pp_app_t *app, int64_t utc_ms, pp_billing_snapshot_t *out)
{
    uint32_t index;
    PP_TRY(pp_billing_find(&app->billing, utc_ms, &index));
    return pp_billing_read(&app->billing, index, out);
}

const pp_app_stats_t *pp_app_stats(const pp_app_t *app)
{
    return &app->stats;
}
