/* The meter: order code -> module configuration, the task loop that carries
 * samples to frames to the application, and power-fail handling. */
#include <string.h>

#include "meter_internal.h"
#include "polyphase/nvm_layout.h"

pp_err_t pp_meter_config_default(pp_meter_config_t *cfg)
{
    pp_ordercode_error_t err;
    memset(cfg, 0, sizeof *cfg);
    strcpy(cfg->meter_number, "12345678");
    strcpy(cfg->manufacturer, "PPH");
    strcpy(cfg->lls_password, "12345678");
    strcpy(cfg->optical_password, "00000000");
    for (uint8_t i = 0; i < 16; i++) {
        cfg->guek[i] = i;                  /* 000102...0F: the common test key */
        cfg->gak[i] = (uint8_t)(0xD0 + i); /* D0D1...DF */
    }
    PP_TRY(pp_ordercode_parse_type(pp_ordercode_default_type, &cfg->type, &err));
    PP_TRY(pp_ordercode_parse_sw(pp_ordercode_default_sw, &cfg->sw, &err));
    PP_TRY(pp_ordercode_check(&cfg->type, &cfg->sw, &cfg->features, &err));
    pp_metrology_config_default(&cfg->metrology, 8000);
    return PP_OK;
}

static pp_err_t app_local_time(void *ctx, int64_t utc_ms, pp_tariff_time_t *out)
{
    return pp_meter_local_time(ctx, utc_ms, out);
}

/* Module settings from the software code (data sheet Z-fields). */
static void app_config_from_codes(const pp_meter_config_t *cfg, pp_app_config_t *ac)
{
    const pp_sw_code_t *sw = &cfg->sw;
    pp_app_config_default(ac);
    ac->decimals = sw->display_decimals;
    ac->module_function = sw->module_function;
    ac->integration_minutes = sw->integration_minutes;
    ac->billing.day = sw->debiting_day;
    ac->billing.interval_months = sw->debiting_interval_months;
    ac->billing.start_month = sw->debiting_start_month;
    ac->pulse_unit = (pp_pulse_unit_t)sw->pulse_unit;
    ac->tariff_preset = sw->tariff_preset;
    ac->calendar = cfg->calendar;
    ac->special_days = cfg->special_days;
}

static pp_err_t pulse_init(pp_meter_t *m)
{
    pp_pulse_config_t pc;
    pp_pulse_config_default(&pc);
    pc.pulse_ms = m->cfg.sw.pulse_ms;
    pc.led_on_at_no_load = m->cfg.sw.led_on_at_no_load;
    return pp_pulse_init(&m->pulses, &pc);
}

pp_err_t pp_meter_init(pp_meter_t *m, const pp_port_t *port, const pp_meter_config_t *cfg)
{
    PP_VERIFY(m != NULL && cfg != NULL, PP_ERR_ARG);
    PP_TRY(pp_port_validate(port));
    PP_VERIFY(cfg->type.three_phase, PP_ERR_UNSUPPORTED);
    memset(m, 0, sizeof *m);
    m->port = port;
    m->cfg = *cfg;
    PP_TRY(pp_journal_open(&m->journal, port, PP_NVM_JOURNAL_BASE, PP_NVM_JOURNAL_SIZE));
    PP_TRY(pp_clock_init(&m->clock, cfg->sw.gmt_offset_minutes, cfg->sw.dst == PP_OC_DST_EU));
    pp_err_t clock_rc = pp_meter_clock_load(m); /* a bad record: the defaults stay */
    if (clock_rc != PP_OK) {
        m->status.errors++;
        m->status.last_error = clock_rc;
    }
    pp_err_t comm_rc = pp_meter_comm_load(m); /* likewise */
    if (comm_rc != PP_OK) {
        m->status.errors++;
        m->status.last_error = comm_rc;
    }
    if (cfg->waveform) {
        PP_TRY(pp_metrology_init(&m->metrology, &cfg->metrology));
    }
    PP_TRY(pulse_init(m));
    pp_app_config_t ac;
    app_config_from_codes(cfg, &ac);
    pp_app_clock_t clock = {.ctx = m, .local = app_local_time};
    PP_TRY(pp_app_init(&m->app, port, &m->journal, &clock, &ac));
    int64_t now = 0;
    if (port->rtc_get(port->ctx, &now) == PP_OK) {
        PP_TRY(pp_app_on_time_known(&m->app, now));
    }
    PP_TRY(pp_meter_logs_init(m));
    pp_meter_debiting_log_init(m);
    PP_TRY(pp_meter_optical_init(m));
    PP_TRY(pp_meter_dlms_init(m));
    m->last_task_ms = port->monotonic_ms(port->ctx);
    return PP_OK;
}

static void note_error(pp_meter_t *m, pp_err_t rc)
{
    if (rc < 0) {
        m->status.errors++;
        m->status.last_error = rc;
    }
}

/* One measurement frame: the second that ends now. */
static void handle_frame(pp_meter_t *m, const pp_frame_t *f)
{
    int64_t utc = 0;
    m->status.clock_valid = m->port->rtc_get(m->port->ctx, &utc) == PP_OK;
    m->status.utc_ms = utc;
    /* An invalid RTC still counts energy; demand and debiting wait for time. */
    note_error(m, pp_app_on_frame(&m->app, f, m->status.clock_valid ? utc : PP_APP_TIME_INVALID));
    pp_pulse_frame(&m->pulses, f, m->port->monotonic_ms(m->port->ctx));
    m->frame = *f;
    note_error(m, pp_meter_logs_frame(m, utc, m->status.clock_valid));
    m->have_frame = true;
    m->status.frames++;
}

pp_err_t pp_meter_push_frame(pp_meter_t *m, const pp_frame_t *f)
{
    PP_VERIFY(!m->cfg.waveform, PP_ERR_STATE);
    handle_frame(m, f);
    return PP_OK;
}

static void pull_samples(pp_meter_t *m)
{
    if (!m->port->adc_read) {
        return;
    }
    for (;;) {
        size_t n = m->port->adc_read(m->port->ctx, m->adc, PP_METER_ADC_CHUNK);
        if (n == 0) {
            return;
        }
        pp_frame_t frames[1];
        int got = pp_metrology_feed(&m->metrology, m->adc, n, frames, 1);
        if (got > 0) {
            handle_frame(m, &frames[0]);
        }
        note_error(m, got < 0 ? got : PP_OK);
        if (n < PP_METER_ADC_CHUNK) {
            return;
        }
    }
}

void pp_meter_task(pp_meter_t *m)
{
    uint64_t now = m->port->monotonic_ms(m->port->ctx);
    if (m->cfg.waveform) {
        pull_samples(m);
    }
    pp_pulse_tick(&m->pulses, m->port, now);
    if (now != m->last_task_ms) { /* connection timeouts count whole ms */
        pp_meter_conns_poll(m, now);
    }
    if (m->port->watchdog_kick) {
        m->port->watchdog_kick(m->port->ctx);
    }
    m->last_task_ms = now;
}

pp_err_t pp_meter_set_time(pp_meter_t *m, int64_t utc_ms)
{
    int64_t old = 0;
    bool was_valid = m->port->rtc_get(m->port->ctx, &old) == PP_OK;
    PP_TRY(m->port->rtc_set(m->port->ctx, utc_ms));
    if (!was_valid) {
        return pp_app_on_time_known(&m->app, utc_ms);
    }
    PP_TRY(pp_meter_logs_clock_set(m, old, utc_ms));
    return pp_app_on_clock_change(&m->app, old, utc_ms);
}

pp_err_t pp_meter_power_fail(pp_meter_t *m)
{
    pp_err_t rc = pp_app_on_power_fail(&m->app);
    pp_err_t rc2 = pp_meter_logs_power_fail(m);
    return rc < 0 ? rc : rc2;
}

pp_err_t pp_meter_local_time(const pp_meter_t *m, int64_t utc_ms, pp_tariff_time_t *out)
{
    pp_civil_t c;
    pp_clock_local(&m->clock, utc_ms, &c, NULL);
    *out = (pp_tariff_time_t){.year = c.year, .month = c.month, .day = c.day,
                              .weekday = c.weekday, .hour = c.hour, .minute = c.minute,
                              .second = c.second};
    return PP_OK;
}

pp_err_t pp_meter_power_restore(pp_meter_t *m)
{
    int64_t utc = 0;
    (void)m->port->rtc_get(m->port->ctx, &utc);
    return pp_app_on_power_restore(&m->app, utc);
}
