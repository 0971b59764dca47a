/* The tariff tables behind DLMS classes 20 and 11 (provider hooks). The
 * passive calendar is written attribute by attribute, so it is inconsistent
 * between writes (seasons naming weeks not written yet): the meter keeps it
 * as written, hands it to the tariff module (which persists it and
 * activates it at its time) whenever it is consistent, and checks it once
 * more when a client activates it. */
#include "meter_internal.h"

static bool has_calendar(const pp_meter_t *m)
{
    return m->app.tariff.cfg.source == PP_TARIFF_CALENDAR;
}

/* The passive calendar as clients see it: the one being written, else the
 * tariff module's waiting one, else a copy of the active one. */
static void stage(pp_meter_t *m)
{
    const pp_tariff_t *t = &m->app.tariff;
    if (m->cal_in_tariff && !t->passive_set) {
        m->cal_staged = false; /* activated at its time since */
    }
    if (!m->cal_staged) {
        m->cal_stage = t->passive_set ? t->passive : t->active;
        m->cal_stage_at = t->passive_set ? t->activate_utc_ms : INT64_MAX;
        m->cal_staged = true;
        m->cal_in_tariff = t->passive_set;
    }
}

const pp_calendar_t *pp_meter_calendar(void *ctx, bool passive, int64_t *activate_utc_ms)
{
    pp_meter_t *m = ctx;
    if (!has_calendar(m)) {
        return NULL;
    }
    if (!passive) {
        *activate_utc_ms = INT64_MAX;
        return &m->app.tariff.active;
    }
    stage(m);
    *activate_utc_ms = m->cal_stage_at;
    return &m->cal_stage;
}

uint8_t pp_meter_calendar_write(void *ctx, const pp_calendar_t *passive, int64_t activate_utc_ms)
{
    pp_meter_t *m = ctx;
    if (!has_calendar(m)) {
        return PP_DAR_OBJECT_UNAVAILABLE;
    }
    m->cal_stage = *passive;
    m->cal_stage_at = activate_utc_ms;
    m->cal_staged = true;
    m->cal_in_tariff = false;
    if (pp_calendar_check(passive) == PP_OK) {
        if (pp_app_set_passive_calendar(&m->app, passive, activate_utc_ms) != PP_OK) {
            return PP_DAR_HARDWARE_FAULT;
        }
        m->cal_in_tariff = true;
    }
    pp_meter_config_changed(m, PP_SETTING_CALENDAR);
    return PP_DAR_SUCCESS;
}

uint8_t pp_meter_calendar_activate(void *ctx)
{
    pp_meter_t *m = ctx;
    if (!has_calendar(m)) {
        return PP_ACTRES_OBJECT_UNAVAILABLE;
    }
    stage(m);
    if (pp_calendar_check(&m->cal_stage) != PP_OK) {
        return PP_ACTRES_OTHER_REASON; /* seasons, weeks and days do not fit together */
    }
    if (pp_app_set_passive_calendar(&m->app, &m->cal_stage, INT64_MAX) != PP_OK ||
        pp_app_activate_passive_calendar(&m->app) != PP_OK) {
        return PP_ACTRES_OTHER_REASON; /* e.g. a special day names a missing day profile */
    }
    m->cal_staged = false;
    pp_meter_config_changed(m, PP_SETTING_CALENDAR);
    return PP_ACTRES_SUCCESS;
}

const pp_special_days_t *pp_meter_special_days(void *ctx)
{
    pp_meter_t *m = ctx;
    return has_calendar(m) ? &m->app.tariff.special : NULL;
}

uint8_t pp_meter_special_days_write(void *ctx, const pp_special_days_t *s)
{
    pp_meter_t *m = ctx;
    if (!has_calendar(m)) {
        return PP_DAR_OBJECT_UNAVAILABLE;
    }
    if (pp_app_set_special_days(&m->app, s) != PP_OK) {
        return PP_DAR_OTHER_REASON; /* a day_id the active calendar lacks, or a bad date */
    }
    pp_meter_config_changed(m, PP_SETTING_SPECIAL_DAYS);
    return PP_DAR_SUCCESS;
}
