/* The provider that binds the DLMS server to the meter: object values
 * through the object directory's bindings, loggers as class 7 profiles,
 * the clock and its persistence, security events into the communication
 * log, the link settings of classes 23 and 41 (meter_comm.c). */
#include <string.h>

#include "meter_internal.h"

static const uint8_t CLOCK_LN[6] = {0, 1, 1, 0, 0, 255}; /* OBJECT-MODEL.md */

static uint32_t features(void *ctx)
{
    return ((const pp_meter_t *)ctx)->cfg.features.objects;
}

static int8_t energy_scaler(void *ctx)
{
    return pp_app_energy_scaler(&((const pp_meter_t *)ctx)->app);
}

static void put_u32(uint32_t v, pp_value_t *out)
{
    *out = (pp_value_t){.type = PP_VT_UINT32, .v.u = v};
}

static void put_time(int64_t utc_ms, bool valid, pp_value_t *out)
{
    *out = (pp_value_t){.type = PP_VT_DATETIME};
    out->v.dt.utc_ms = utc_ms;
    out->v.dt.valid = valid;
}

/* Class 5 attributes beyond the current average (attr 2): the block demand
 * of kind k (demand.h). */
static pp_err_t demand_attr(const pp_meter_t *m, pp_demand_kind_t k, uint8_t attr,
                            pp_value_t *out)
{
    const pp_demand_t *d = &m->app.demand;
    const pp_demand_period_t *last = pp_app_last_period(&m->app);
    switch (attr) {
    case 3: put_u32(last ? last->w[k] : 0, out); return PP_OK;       /* last_average_value */
    case 6: put_time(last ? last->end_utc_ms : 0, last != NULL, out); return PP_OK; /* capture_time */
    case 7: put_time(d->start_s * 1000, d->running, out); return PP_OK; /* start_time_current */
    case 8: put_u32(d->period_s, out); return PP_OK;                 /* period (s) */
    case 9: *out = (pp_value_t){.type = PP_VT_UINT16, .v.u = 1}; return PP_OK; /* block */
    default: return PP_ERR_NOT_FOUND; /* status: none kept */
    }
}

static pp_err_t get(void *ctx, pp_quantity_t q, uint8_t attr, pp_value_t *out, uint8_t *scratch,
                    size_t cap)
{
    const pp_meter_t *m = ctx;
    const pp_object_t *o = pp_objects_by_quantity(q);
    if (attr == 2) {
        return pp_meter_value(m, o, out, scratch, cap);
    }
    if (o && o->class_id == 5 && pp_meter_has_object(m, o)) {
        const pp_demand_kind_t k = q == PP_Q_DEMAND_P_PLUS  ? PP_DEMAND_P_PLUS
                                   : q == PP_Q_DEMAND_S_PLUS ? PP_DEMAND_S_PLUS
                                                             : PP_DEMAND_S_MINUS;
        return demand_attr(m, k, attr, out);
    }
    if (attr == 5 && o && o->class_id == 4) {
        return pp_meter_capture_time(m, o, out);
    }
    return PP_ERR_NOT_FOUND; /* e.g. class 4 status: the meter keeps none */
}

void pp_meter_config_changed(pp_meter_t *m, int64_t setting)
{
    int64_t now = 0;
    (void)m->port->rtc_get(m->port->ctx, &now);
    (void)pp_events_record(&m->events, now + (int64_t)m->clock.std_offset_min * 60000,
                           PP_EV_CONFIG_CHANGED, setting, 0);
}

/* Settings bound to a quantity (the server has checked the association's
 * write right and the value's type); legal data carries no write right. */
static uint8_t set(void *ctx, pp_quantity_t q, uint8_t attr, const pp_value_t *v)
{
    pp_meter_t *m = ctx;
    if (q == PP_Q_POWER_THRESHOLD && attr == 2) {
        if (v->type != PP_VT_UINT32) {
            return PP_DAR_TYPE_UNMATCHED;
        }
        if (pp_app_set_power_threshold(&m->app, (uint32_t)v->v.u) != PP_OK) {
            return PP_DAR_HARDWARE_FAULT;
        }
        pp_meter_config_changed(m, PP_SETTING_POWER_THRESHOLD);
        return PP_DAR_SUCCESS;
    }
    return PP_DAR_READ_WRITE_DENIED;
}

/* reset (class 3/4 method 1) of legal or billing registers is refused: they
 * only reset at the debiting stop (registers-and-billing.md). */
static uint8_t action(void *ctx, pp_quantity_t q, uint8_t method, const uint8_t *params,
                      size_t len)
{
    (void)ctx;
    (void)q;
    (void)method;
    (void)params;
    (void)len;
    return PP_ACTRES_READ_WRITE_DENIED;
}

static pp_clock_t *clock_of(void *ctx)
{
    return &((pp_meter_t *)ctx)->clock;
}

static void clock_changed(void *ctx, uint8_t attr, uint8_t method, const pp_clock_change_t *ch)
{
    pp_meter_t *m = ctx;
    if (ch && (attr == 2 || method != 0)) { /* the time itself moved */
        if (ch->old_valid) {
            (void)pp_meter_logs_clock_set(m, ch->old_utc_ms, ch->new_utc_ms);
            (void)pp_app_on_clock_change(&m->app, ch->old_utc_ms, ch->new_utc_ms);
        }
        return;
    }
    (void)pp_meter_clock_save(m); /* time zone or DST settings */
    pp_app_on_local_rule_change(&m->app);
    pp_meter_config_changed(m, PP_SETTING_CLOCK);
    if (attr == 8) {
        int64_t now = 0;
        (void)m->port->rtc_get(m->port->ctx, &now);
        (void)pp_events_record(&m->events, now + (int64_t)m->clock.std_offset_min * 60000,
                               PP_EV_DST_CHANGED, m->clock.dst_enabled ? 1 : 0, 0);
    }
}

static void capture(pp_dlms_profile_t *p, uint16_t class_id, const uint8_t ln[6])
{
    pp_xdlms_capture_obj_t *c = &p->col[p->ncols++];
    c->class_id = class_id;
    memcpy(c->ln, ln, 6);
    c->attr = 2;
    c->data_index = 0;
}

static void capture_object(pp_dlms_profile_t *p, pp_quantity_t q)
{
    const pp_object_t *o = pp_objects_by_quantity(q);
    if (o) {
        const uint8_t ln[6] = {o->ln.a, o->ln.b, o->ln.c, o->ln.d, o->ln.e, o->ln.f};
        capture(p, o->class_id, ln);
    }
}

static pp_err_t load_profile(pp_meter_t *m, pp_dlms_profile_t *p)
{
    static const pp_quantity_t CH[4] = {PP_Q_A_PLUS, PP_Q_A_MINUS, PP_Q_R_PLUS, PP_Q_R_MINUS};
    static const uint8_t STATUS_LN[6] = {0, 1, 96, 10, 1, 255};
    pp_lp_view(&m->load_profile, &p->view);
    capture(p, 1, STATUS_LN);
    const int8_t shift = pp_app_energy_scaler(&m->app);
    for (unsigned i = 0; i < m->load_profile.channels; i++) {
        p->divide_pow10[p->ncols] = shift; /* cells in Wh, columns in register units */
        capture_object(p, CH[i]);
    }
    p->capture_period_s = m->load_profile.period_min * 60u;
    return PP_OK;
}

static pp_err_t analysis_logger(pp_meter_t *m, pp_dlms_profile_t *p)
{
    static const uint8_t STATUS_LN[6] = {0, 1, 96, 10, 2, 255};
    pp_al_view(&m->analysis, &p->view);
    capture(p, 1, STATUS_LN);
    for (unsigned i = 0; i < m->analysis.cfg.channels; i++) {
        capture_object(p, (pp_quantity_t)m->analysis.cfg.source[i]);
    }
    p->capture_period_s = m->analysis.cfg.interval_min * 60u;
    return PP_OK;
}

/* Event logs: clock, event code and its two values (data objects
 * 0.1.96.11/12/13.<log>.255). */
static pp_err_t event_log(pp_meter_t *m, pp_quantity_t q, pp_dlms_profile_t *p)
{
    static const struct {
        pp_quantity_t q;
        pp_evlog_t log;
    } LOGS[] = {{PP_Q_LOG_STANDARD, PP_EVLOG_STANDARD}, {PP_Q_LOG_FRAUD, PP_EVLOG_FRAUD},
                {PP_Q_LOG_PQ, PP_EVLOG_PQ},             {PP_Q_LOG_DISCONNECT, PP_EVLOG_DISCONNECT},
                {PP_Q_LOG_CLOCK, PP_EVLOG_CLOCK},       {PP_Q_LOG_FIRMWARE, PP_EVLOG_FIRMWARE},
                {PP_Q_LOG_POWER_FAIL, PP_EVLOG_POWER_FAIL}, {PP_Q_LOG_COMM, PP_EVLOG_COMM}};
    for (size_t i = 0; i < sizeof LOGS / sizeof LOGS[0]; i++) {
        if (LOGS[i].q == q) {
            uint8_t ln[6] = {0, 1, 96, 11, (uint8_t)LOGS[i].log, 255};
            PP_TRY(pp_events_view(&m->events, LOGS[i].log, &p->view));
            for (uint8_t d = 11; d <= 13; d++) {
                ln[3] = d;
                capture(p, 1, ln);
            }
            return PP_OK;
        }
    }
    return PP_ERR_NOT_FOUND;
}

static pp_err_t debiting_logger(pp_meter_t *m, pp_dlms_profile_t *p)
{
    pp_meter_debiting_log_view(m, &p->view);
    const int8_t shift = pp_app_energy_scaler(&m->app);
    for (uint8_t c = 1; c < p->view.ncolumns; c++) {
        bool energy;
        const pp_quantity_t q = pp_meter_debiting_log_column(m, c, &energy);
        p->divide_pow10[p->ncols] = energy ? shift : 0;
        capture_object(p, q);
    }
    p->capture_period_s = 0; /* asynchronous: at each debiting stop */
    return PP_OK;
}

static pp_err_t profile(void *ctx, pp_quantity_t q, pp_dlms_profile_t *out)
{
    pp_meter_t *m = ctx;
    memset(out, 0, sizeof *out);
    capture(out, 8, CLOCK_LN);
    out->stamp_offset_ms = (int64_t)m->clock.std_offset_min * 60000; /* loggers: standard time */
    pp_err_t rc;
    switch (q) {
    case PP_Q_LOAD_PROFILE: rc = load_profile(m, out); break;
    case PP_Q_ANALYSIS_LOGGER: rc = analysis_logger(m, out); break;
    case PP_Q_DEBITING_LOGGER: rc = debiting_logger(m, out); break;
    default: rc = event_log(m, q, out); break;
    }
    return rc;
}

static void security_event(void *ctx, uint16_t code, uint16_t client)
{
    pp_meter_t *m = ctx;
    uint16_t ev;
    switch (code) {
    case PP_DLMS_SEC_AUTH_FAILURE: ev = PP_EV_AUTH_FAILURE; break;
    case PP_DLMS_SEC_LOCKOUT: ev = PP_EV_ASSOC_LOCKED; break;
    case PP_DLMS_SEC_DECIPHER_FAILURE: ev = PP_EV_DECRYPT_FAILURE; break;
    case PP_DLMS_SEC_REPLAY: ev = PP_EV_REPLAY; break;
    case PP_DLMS_SEC_SECRET_CHANGED: ev = PP_EV_SECRET_CHANGED; break;
    default: return; /* default keys: a log warning, not an event each start */
    }
    int64_t now = 0;
    (void)m->port->rtc_get(m->port->ctx, &now);
    (void)pp_events_record(&m->events, now + (int64_t)m->clock.std_offset_min * 60000, ev, client,
                           0);
}

void pp_meter_dlms_provider(pp_meter_t *m, pp_dlms_provider_t *p)
{
    *p = (pp_dlms_provider_t){.ctx = m, .features = features, .energy_scaler = energy_scaler,
                              .get = get, .set = set, .action = action, .clock = clock_of,
                              .clock_changed = clock_changed, .profile = profile,
                              .on_security_event = security_event, .comm_info = pp_meter_comm_info,
                              .comm_write = pp_meter_comm_write,
                              .calendar = pp_meter_calendar,
                              .calendar_write = pp_meter_calendar_write,
                              .calendar_activate = pp_meter_calendar_activate,
                              .special_days = pp_meter_special_days,
                              .special_days_write = pp_meter_special_days_write};
}
