/* The meter's loggers: load profile (Z4 period, X9 channels), analysis
 * logger (object-directory channels), event logs; power failures across
 * restarts and clock changes recorded as the data sheet's "time and date
 * stamped alarms saved to permanent memory". */
#include "meter_internal.h"
#include "polyphase/nvm_keys.h"
#include "polyphase/nvm_layout.h"

#define KEY_POWER_DOWN_AT (PP_KEY_EVENTS_BASE + 0xF0) /* UTC ms of the last power-fail warning */

/* Default analysis channels: voltages, currents, powers, frequency, PF, THD. */
static const pp_quantity_t ANALYSIS_DEFAULT[] = {
    PP_Q_U_L1, PP_Q_U_L2, PP_Q_U_L3, PP_Q_I_L1, PP_Q_I_L2, PP_Q_I_L3, PP_Q_I_N,
    PP_Q_P_PLUS, PP_Q_P_MINUS, PP_Q_Q_PLUS, PP_Q_Q_MINUS, PP_Q_FREQUENCY, PP_Q_PF,
    PP_Q_THD_U_L1, PP_Q_THD_U_L2, PP_Q_THD_U_L3,
};
#define N_ANALYSIS (sizeof ANALYSIS_DEFAULT / sizeof ANALYSIS_DEFAULT[0])

/* Analysis logger getter: any object with an integer value, in its scaler. */
static pp_err_t analysis_get(void *ctx, uint16_t source, int32_t *value)
{
    const pp_meter_t *m = ctx;
    uint8_t scratch[64];
    pp_value_t v;
    int64_t i;
    const pp_object_t *o = pp_objects_by_quantity((pp_quantity_t)source);
    PP_VERIFY(o != NULL, PP_ERR_NOT_FOUND);
    PP_TRY(pp_meter_value(m, o, &v, scratch, sizeof scratch));
    PP_TRY(pp_value_as_int(&v, &i));
    PP_VERIFY(i >= INT32_MIN && i <= INT32_MAX, PP_ERR_RANGE);
    *value = (int32_t)i;
    return PP_OK;
}

static int64_t std_ms(const pp_meter_t *m, int64_t utc_ms)
{
    return utc_ms + (int64_t)m->clock.std_offset_min * 60000;
}

/* A power-down time left by pp_meter_logs_power_fail() becomes a power
 * failure record (start, end, duration; short or long per EN 50160). */
static void record_outage(pp_meter_t *m)
{
    int64_t down = 0, now = 0;
    if (pp_journal_read(&m->journal, KEY_POWER_DOWN_AT, &down, sizeof down) != PP_OK ||
        down == 0 || m->port->rtc_get(m->port->ctx, &now) != PP_OK || now < down) {
        return;
    }
    if (pp_events_power_failure(&m->events, std_ms(m, down), std_ms(m, now)) == PP_OK) {
        const int64_t none = 0;
        (void)pp_journal_write(&m->journal, KEY_POWER_DOWN_AT, &none, sizeof none);
    }
}

pp_err_t pp_meter_logs_init(pp_meter_t *m)
{
    pp_lp_config_t lp = {.period_min = m->cfg.sw.integration_minutes,
                         .channels = m->cfg.type.energy_channels};
    PP_TRY(pp_lp_init(&m->load_profile, m->port, PP_NVM_LOAD_PROFILE_BASE,
                      PP_NVM_LOAD_PROFILE_SIZE, &lp));
    pp_al_config_t al = {.interval_min = 15, .channels = 0};
    for (size_t i = 0; i < N_ANALYSIS; i++) {
        if (pp_meter_has_object(m, pp_objects_by_quantity(ANALYSIS_DEFAULT[i]))) {
            al.source[al.channels++] = (uint16_t)ANALYSIS_DEFAULT[i];
        }
    }
    PP_TRY(pp_al_init(&m->analysis, m->port, PP_NVM_ANALYSIS_BASE, PP_NVM_ANALYSIS_SIZE, &al,
                      analysis_get, m));
    PP_TRY(pp_events_init(&m->events, m->port, PP_NVM_EVENTS_BASE, PP_NVM_EVENTS_SIZE,
                          &m->journal));
    record_outage(m);
    return PP_OK;
}

pp_err_t pp_meter_logs_frame(pp_meter_t *m, int64_t utc_ms, bool clock_valid)
{
    const pp_app_t *a = &m->app;
    pp_lp_regs_t regs = {
        .a_plus_wh = (uint32_t)pp_app_energy_wh(a, PP_REG_A_PLUS, PP_REG_TOTAL),
        .a_minus_wh = (uint32_t)pp_app_energy_wh(a, PP_REG_A_MINUS, PP_REG_TOTAL),
        .r_plus_varh = (uint32_t)pp_app_energy_wh(a, PP_REG_R_PLUS, PP_REG_TOTAL),
        .r_minus_varh = (uint32_t)pp_app_energy_wh(a, PP_REG_R_MINUS, PP_REG_TOTAL)};
    uint8_t flags = clock_valid ? 0 : PP_LP_ST_CLOCK_INVALID;
    if (!clock_valid) {
        return PP_OK; /* periods need a time; the next valid tick flags them */
    }
    pp_err_t rc = pp_lp_tick(&m->load_profile, &m->clock, utc_ms, &regs, flags);
    pp_err_t rc2 = pp_al_tick(&m->analysis, &m->clock, utc_ms, flags);
    return rc < 0 ? rc : rc2;
}

pp_err_t pp_meter_logs_power_fail(pp_meter_t *m)
{
    int64_t now;
    PP_TRY(m->port->rtc_get(m->port->ctx, &now));
    return pp_journal_write(&m->journal, KEY_POWER_DOWN_AT, &now, sizeof now);
}

pp_err_t pp_meter_logs_clock_set(pp_meter_t *m, int64_t old_utc_ms, int64_t new_utc_ms)
{
    pp_lp_clock_adjusted(&m->load_profile, &m->clock, new_utc_ms);
    pp_al_clock_adjusted(&m->analysis, &m->clock, new_utc_ms);
    return pp_events_clock_adjusted(&m->events, std_ms(m, old_utc_ms), std_ms(m, new_utc_ms));
}
