/* The whole meter on the fake port: two meters in one process keep separate
 * state; a restart recovers from the NVM image; object values and the optical
 * readout come from the same registers. Expectations computed by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fake_port.h"
#include "polyphase/meter.h"
#include "polyphase/nvm_layout.h"
#include "powerstep.h"

typedef struct rig {
    pp_fake_port_t port;
    pp_meter_t *meter;
    pp_powerstep_t ps;
} rig_t;

static void rig_start_preset(rig_t *r, const char *number, uint16_t tariff_preset)
{
    pp_meter_config_t cfg;
    assert_int_equal(pp_meter_config_default(&cfg), PP_OK);
    strcpy(cfg.meter_number, number);
    cfg.sw.tariff_preset = tariff_preset;
    r->meter = calloc(1, sizeof *r->meter);
    assert_int_equal(pp_meter_init(r->meter, &r->port.port, &cfg), PP_OK);
    pp_powerstep_init(&r->ps);
}

static void rig_start(rig_t *r, const char *number)
{
    rig_start_preset(r, number, 0);
}

static void rig_new(rig_t *r, const char *number)
{
    pp_fake_port_init(&r->port, PP_NVM_TOTAL_SIZE, 256);
    r->port.rtc_ms = 1767225600000 + 3600000; /* 2026-01-01 01:00 UTC */
    rig_start(r, number);
}

/* Runs n seconds of a balanced load of p_w watts (PF 1). */
static void run_load(rig_t *r, double p_w, unsigned n)
{
    pp_powerstep_load_t l = {.f_hz = 50};
    for (int ph = 0; ph < 3; ph++) {
        l.u_v[ph] = 230;
        pp_powerstep_set_pf(&l, (unsigned)ph, p_w / 3, 1.0, true);
    }
    for (unsigned s = 0; s < n; s++) {
        pp_frame_t f;
        pp_powerstep_frame(&r->ps, &l, &f);
        pp_fake_advance_ms(&r->port, 1000);
        assert_int_equal(pp_meter_push_frame(r->meter, &f), PP_OK);
        pp_meter_task(r->meter);
    }
}

static uint64_t value_of(rig_t *r, pp_obis_t ln)
{
    uint8_t scratch[64];
    pp_value_t v;
    const pp_object_t *o = pp_objects_find(ln);
    assert_non_null(o);
    assert_int_equal(pp_meter_value(r->meter, o, &v, scratch, sizeof scratch), PP_OK);
    return v.v.u;
}

static void rig_free(rig_t *r)
{
    free(r->meter);
    pp_fake_port_free(&r->port);
}

static void two_meters_in_one_process_keep_their_own_state(void **state)
{
    (void)state;
    rig_t a, b;
    rig_new(&a, "11111111");
    rig_new(&b, "22222222");
    /* Loads whose per-phase energy per second is a whole number of µWh
     * (1800 W = 500,000 µWh/s), so no residue hides below the register. */
    run_load(&a, 5400, 600);  /* 5.4 kW for 10 min = 900 Wh */
    run_load(&b, 10800, 600); /* 10.8 kW for 10 min = 1800 Wh */
    /* Default Z1 is 7.2: A+ in 10 Wh units (scaler 1). */
    assert_int_equal(value_of(&a, PP_OBIS(1, 1, 1, 8, 0, 255)), 90);
    assert_int_equal(value_of(&b, PP_OBIS(1, 1, 1, 8, 0, 255)), 180);
    assert_int_equal(value_of(&a, PP_OBIS(1, 1, 21, 8, 0, 255)), 30); /* 300 Wh on L1 */
    assert_int_equal(pp_meter_scaler(a.meter, pp_objects_find(PP_OBIS(1, 1, 1, 8, 0, 255))), 1);
    uint8_t scratch[64];
    pp_value_t ldn;
    pp_meter_value(b.meter, pp_objects_find(PP_OBIS(0, 0, 42, 0, 0, 255)), &ldn, scratch, 64);
    assert_int_equal(ldn.v.bytes.len, 11);
    assert_memory_equal(ldn.v.bytes.ptr, "PPH22222222", 11);
    rig_free(&a);
    rig_free(&b);
}

static void restart_recovers_registers_from_the_nvm_image(void **state)
{
    (void)state;
    rig_t r;
    rig_new(&r, "12345678");
    run_load(&r, 5400, 1000); /* 1500 Wh */
    assert_int_equal(value_of(&r, PP_OBIS(1, 1, 1, 8, 0, 255)), 150);
    assert_int_equal(pp_meter_power_fail(r.meter), PP_OK);
    free(r.meter);
    rig_start(&r, "12345678"); /* same NVM image, new RAM */
    assert_int_equal(value_of(&r, PP_OBIS(1, 1, 1, 8, 0, 255)), 150);
    run_load(&r, 5400, 1000);
    assert_int_equal(value_of(&r, PP_OBIS(1, 1, 1, 8, 0, 255)), 300);
    rig_free(&r);
}

static void objects_follow_the_order_code(void **state)
{
    (void)state;
    rig_t r;
    pp_fake_port_init(&r.port, PP_NVM_TOTAL_SIZE, 256);
    pp_meter_config_t cfg;
    pp_meter_config_default(&cfg);
    pp_ordercode_error_t err;
    /* X9 = 1 (A+ only), X10 = 0 (no breaker), Z19 = 0 */
    assert_int_equal(pp_ordercode_parse_type("68 4-1 1 3 1-B N 1 1-0 1 1-1 010", &cfg.type, &err), PP_OK);
    assert_int_equal(pp_ordercode_parse_sw("3-1-00-2 000-01-01-1 000-0-01-00 000-000-001-000-000-001-0-000", &cfg.sw, &err), PP_OK);
    assert_int_equal(pp_ordercode_check(&cfg.type, &cfg.sw, &cfg.features, &err), PP_OK);
    r.meter = calloc(1, sizeof *r.meter);
    assert_int_equal(pp_meter_init(r.meter, &r.port.port, &cfg), PP_OK);
    assert_false(pp_meter_has_object(r.meter, pp_objects_find(PP_OBIS(1, 1, 2, 8, 0, 255))));
    assert_false(pp_meter_has_object(r.meter, pp_objects_find(PP_OBIS(1, 1, 3, 8, 0, 255))));
    assert_true(pp_meter_has_object(r.meter, pp_objects_find(PP_OBIS(1, 1, 1, 8, 0, 255))));
    pp_value_t v;
    uint8_t scratch[8];
    assert_int_equal(pp_meter_value(r.meter, pp_objects_find(PP_OBIS(1, 1, 2, 8, 0, 255)), &v,
                                    scratch, sizeof scratch), PP_ERR_NOT_FOUND);
    rig_free(&r);
}

static void optical_readout_shows_the_registers(void **state)
{
    (void)state;
    rig_t r;
    rig_new(&r, "12345678");
    run_load(&r, 5400, 2400); /* 3.6 kWh */
    assert_int_equal(pp_meter_open(r.meter, PP_CH_OPTICAL, 7), PP_OK);
    const uint8_t signon[] = "/?!\r\n";
    assert_int_equal(pp_meter_receive(r.meter, PP_CH_OPTICAL, 7, signon, 5), PP_OK);
    for (int i = 0; i < 5; i++) { /* reaction time, then the identification */
        pp_fake_advance_ms(&r.port, 100);
        pp_meter_task(r.meter);
    }
    const pp_fake_stream_t *s = &r.port.streams[PP_CH_OPTICAL];
    assert_true(s->len > 5);
    assert_memory_equal(s->data, "/PPH", 4);
    /* Mode C option select: ACK 0 5 0 (data readout at 9600) */
    const uint8_t ack[] = {0x06, '0', '5', '0', '\r', '\n'};
    pp_fake_stream_clear(&r.port, PP_CH_OPTICAL);
    assert_int_equal(pp_meter_receive(r.meter, PP_CH_OPTICAL, 7, ack, sizeof ack), PP_OK);
    for (int i = 0; i < 20; i++) {
        pp_fake_advance_ms(&r.port, 100);
        pp_meter_task(r.meter);
    }
    s = &r.port.streams[PP_CH_OPTICAL];
    char text[4096] = {0};
    memcpy(text, s->data, s->len < sizeof text - 1 ? s->len : sizeof text - 1);
    assert_non_null(strstr(text, "1.8.0(3.60*kWh)"));
    assert_non_null(strstr(text, "0.0.1(12345678)"));
    rig_free(&r);
}

typedef struct rows {
    int n;
    int64_t time[8], a_plus[8], status[8];
} rows_t;

static int collect(void *user, const pp_log_row_t *row)
{
    rows_t *r = user;
    if (r->n < 8) {
        r->time[r->n] = row->cell[0].value;
        r->status[r->n] = row->cell[1].value;
        r->a_plus[r->n] = row->cell[2].value;
    }
    r->n++;
    return PP_OK;
}

static void load_profile_logs_register_readings_each_period(void **state)
{
    (void)state;
    rig_t r;
    rig_new(&r, "12345678"); /* starts 2026-01-01 01:00 UTC = 01:00 standard time + 1 h */
    run_load(&r, 5400, 3600); /* 1.35 kWh per quarter hour */
    pp_log_view_t view;
    pp_lp_view(&r.meter->load_profile, &view);
    rows_t rows = {0};
    pp_log_select_t all = {.by = PP_LOG_BY_ALL};
    assert_int_equal(pp_log_read(&view, &all, collect, &rows), 4);
    /* Entries at 02:15, 02:30, 02:45, 03:00 standard time (UTC+1) with the
     * A+ register read at each boundary: 1350, 2700, 4050, 5400 Wh. */
    for (int i = 0; i < 4; i++) {
        assert_int_equal(rows.a_plus[i], 1350 * (i + 1));
        assert_true(rows.time[i] == 1767225600000LL + (2 * 3600 + 15 * 60 * (i + 1)) * 1000LL);
        assert_int_equal(rows.status[i], 0);
    }
    rig_free(&r);
}

static void outage_across_restart_is_a_long_power_failure(void **state)
{
    (void)state;
    rig_t r;
    rig_new(&r, "12345678");
    run_load(&r, 5400, 60);
    assert_int_equal(pp_meter_power_fail(r.meter), PP_OK);
    free(r.meter);
    pp_fake_advance_ms(&r.port, 600000); /* 10 min without supply: > 3 min, long */
    rig_start(&r, "12345678");
    assert_int_equal(pp_events_count(&r.meter->events, PP_EV_POWER_FAIL_LONG), 1);
    assert_int_equal(pp_events_count(&r.meter->events, PP_EV_POWER_FAIL_SHORT), 0);
    assert_int_equal(pp_events_count(&r.meter->events, PP_EV_POWER_UP), 1);
    free(r.meter);
    rig_start(&r, "12345678"); /* a restart without outage adds nothing */
    assert_int_equal(pp_events_count(&r.meter->events, PP_EV_POWER_FAIL_LONG), 1);
    rig_free(&r);
}

static void setting_the_clock_logs_old_and_new_time(void **state)
{
    (void)state;
    rig_t r;
    rig_new(&r, "12345678");
    run_load(&r, 5400, 10);
    int64_t before = r.port.rtc_ms;
    assert_int_equal(pp_meter_set_time(r.meter, before + 3600000), PP_OK);
    assert_int_equal(pp_events_count(&r.meter->events, PP_EV_CLOCK_ADJUSTED), 1);
    assert_true(r.port.rtc_ms == before + 3600000);
    rig_free(&r);
}

/* A real meter knows its tariff at power-up: the optical readout and DLMS
 * show it before the first measurement second (it was the default 1 until
 * then). Preset 001: tariff 2 from 22:00 to 06:00 local, whatever the zone. */
static void tariff_is_known_before_the_first_frame(void **state)
{
    (void)state;
    const pp_obis_t tariff = {0, 1, 96, 14, 0, 255};
    const int64_t mon_2330_utc = 1767655800000; /* 2026-01-05 23:30 UTC */
    rig_t r;
    pp_fake_port_init(&r.port, PP_NVM_TOTAL_SIZE, 256);
    r.port.rtc_ms = mon_2330_utc;
    rig_start_preset(&r, "12345678", 1);
    assert_int_equal(value_of(&r, tariff), 2);
    rig_free(&r);

    pp_fake_port_init(&r.port, PP_NVM_TOTAL_SIZE, 256);
    r.port.rtc_valid = false; /* RTC lost: set later, e.g. by DLMS */
    rig_start_preset(&r, "12345678", 1);
    assert_int_equal(value_of(&r, tariff), 1);
    assert_int_equal(pp_meter_set_time(r.meter, mon_2330_utc), PP_OK);
    assert_int_equal(value_of(&r, tariff), 2);
    rig_free(&r);
}

/* Runs the meter's task over `ms` of fake time in 20 ms steps. */
static void settle(rig_t *r, int ms)
{
    for (int t = 0; t < ms; t += 20) {
        pp_fake_advance_ms(&r->port, 20);
        pp_meter_task(r->meter);
    }
}

/* Sends one HDLC frame from client SAP 16 to logical device 1 (4-byte
 * server address: upper 1, lower from the meter number) on the optical line. */
static void optical_hdlc(rig_t *r, uint8_t control, const uint8_t *info, size_t len)
{
    uint8_t frame[256];
    pp_hdlc_frame_t f = {.dst = {.upper = 1, .lower = pp_hdlc_physical_address(12345678),
                                 .len = 4},
                         .src = {.upper = 16, .len = 1}, .control = control,
                         .info = info, .info_len = len};
    int n = pp_hdlc_frame_encode(&f, frame, sizeof frame);
    assert_true(n > 0);
    assert_int_equal(pp_meter_receive(r->meter, PP_CH_OPTICAL, 7, frame, (size_t)n), PP_OK);
    settle(r, 100);
}

static void optical_mode_e_reaches_the_dlms_server(void **state)
{
    (void)state;
    rig_t r;
    rig_new(&r, "12345678");
    assert_int_equal(pp_meter_open(r.meter, PP_CH_OPTICAL, 7), PP_OK);
    pp_meter_receive(r.meter, PP_CH_OPTICAL, 7, (const uint8_t *)"/?!\r\n", 5);
    settle(&r, 500);
    /* IEC 62056-21 option select for protocol mode E (HDLC): ACK 2 5 2 CR LF */
    const uint8_t ack[] = {0x06, '2', '5', '2', '\r', '\n'};
    pp_meter_receive(r.meter, PP_CH_OPTICAL, 7, ack, sizeof ack);
    settle(&r, 500);
    pp_fake_stream_clear(&r.port, PP_CH_OPTICAL);
    optical_hdlc(&r, pp_hdlc_control_u(PP_HDLC_SNRM, true), NULL, 0);
    pp_hdlc_frame_t ua;
    const pp_fake_stream_t *s = &r.port.streams[PP_CH_OPTICAL];
    assert_int_equal(pp_hdlc_frame_decode(s->data, s->len, &ua), PP_OK);
    assert_int_equal(ua.control & 0xEF, 0x63); /* UA */
    /* AARQ (public, no security) in an I-frame with the LLC header E6 E6 00 */
    static const uint8_t aarq[] = {
        0xE6, 0xE6, 0x00, 0x60, 0x1D, 0xA1, 0x09, 0x06, 0x07, 0x60, 0x85, 0x74, 0x05, 0x08,
        0x01, 0x01, 0xBE, 0x10, 0x04, 0x0E, 0x01, 0x00, 0x00, 0x00, 0x06, 0x5F, 0x1F, 0x04,
        0x00, 0x00, 0x7E, 0x1F, 0x04, 0x00};
    pp_fake_stream_clear(&r.port, PP_CH_OPTICAL);
    optical_hdlc(&r, pp_hdlc_control_i(0, 0, true), aarq, sizeof aarq);
    pp_hdlc_frame_t ia;
    assert_int_equal(pp_hdlc_frame_decode(s->data, s->len, &ia), PP_OK);
    /* E6 E7 00 then the AARE, accepted: ... A2 03 02 01 00 */
    assert_true(ia.info_len > 20);
    assert_memory_equal(ia.info, "\xE6\xE7\x00\x61", 4);
    const uint8_t accepted[] = {0xA2, 0x03, 0x02, 0x01, 0x00};
    bool found = false;
    for (size_t i = 0; i + sizeof accepted <= ia.info_len; i++) {
        found |= memcmp(ia.info + i, accepted, sizeof accepted) == 0;
    }
    assert_true(found);
    rig_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_meters_in_one_process_keep_their_own_state),
        cmocka_unit_test(restart_recovers_registers_from_the_nvm_image),
        cmocka_unit_test(objects_follow_the_order_code),
        cmocka_unit_test(optical_readout_shows_the_registers),
        cmocka_unit_test(load_profile_logs_register_readings_each_period),
        cmocka_unit_test(outage_across_restart_is_a_long_power_failure),
        cmocka_unit_test(setting_the_clock_logs_old_and_new_time),
        cmocka_unit_test(tariff_is_known_before_the_first_frame),
        cmocka_unit_test(optical_mode_e_reaches_the_dlms_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
