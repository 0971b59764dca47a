/* Pulse outputs: 1000 imp/kWh counted exactly over long runs, the queue at
 * Imax (69 kW = 19.17 pulses/s against 16.7/s possible with 30 ms on + 30 ms
 * off), pulse and pause lengths (Z8 30 / 80 ms) and the LED at no load (Z2).
 * Expectations are computed by hand from the frame energies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "polyphase/pulse.h"

typedef struct recorder {
    uint64_t now;
    uint64_t rises[PP_OUT_COUNT];
    bool level[PP_OUT_COUNT];
    uint64_t edge[PP_OUT_COUNT];
    uint64_t min_on[PP_OUT_COUNT], min_off[PP_OUT_COUNT];
} recorder_t;

static void rec_output(void *ctx, pp_output_t out, bool on)
{
    recorder_t *r = ctx;
    if (on == r->level[out]) {
        return;
    }
    uint64_t len = r->now - r->edge[out];
    if (on) {
        r->rises[out]++;
        if (r->rises[out] > 1 && len < r->min_off[out]) {
            r->min_off[out] = len;
        }
    } else if (len < r->min_on[out]) {
        r->min_on[out] = len;
    }
    r->level[out] = on;
    r->edge[out] = r->now;
}

static void rec_init(recorder_t *r, pp_port_t *port)
{
    memset(r, 0, sizeof *r);
    memset(port, 0, sizeof *port);
    for (unsigned j = 0; j < PP_OUT_COUNT; j++) {
        r->min_on[j] = r->min_off[j] = UINT64_MAX;
    }
    port->ctx = r;
    port->output_set = rec_output;
}

/* One frame per second of total P (W) and Q (var) on phase 1. */
static void frame_of(pp_frame_t *f, double p_w, double q_var)
{
    memset(f, 0, sizeof *f);
    f->duration_ms = 1000;
    /* µWh in one second = W / 3.6 */
    uint32_t e = (uint32_t)(p_w * 1e6 / 3600.0 + 0.5), r = (uint32_t)(q_var * 1e6 / 3600.0 + 0.5);
    f->phase[0].current_present = p_w > 0 || q_var > 0;
    f->total.a_plus_uwh = e;
    f->total.r_plus_uvarh = r;
}

static void run(pp_pulse_t *p, const pp_port_t *port, recorder_t *r, const pp_frame_t *f,
                unsigned seconds)
{
    for (unsigned s = 0; s < seconds; s++) {
        pp_pulse_frame(p, f, r->now);
        for (unsigned ms = 0; ms < 1000; ms++) {
            r->now++;
            pp_pulse_tick(p, port, r->now);
        }
    }
}

/* 3600 W for 3600 s = 3600 Wh = 3600 pulses at 1000 imp/kWh, one per second. */
static void count_equals_energy(void **state)
{
    (void)state;
    recorder_t r;
    pp_port_t port;
    rec_init(&r, &port);
    pp_pulse_t p;
    pp_pulse_config_t c;
    pp_pulse_config_default(&c);
    assert_int_equal(pp_pulse_init(&p, &c), PP_OK);
    pp_frame_t f;
    frame_of(&f, 3600.0, 1800.0);
    run(&p, &port, &r, &f, 3600);
    assert_int_equal(r.rises[PP_OUT_LED_ACTIVE], 3600);
    assert_int_equal(r.rises[PP_OUT_S0], 3600);
    assert_int_equal(r.rises[PP_OUT_LED_REACTIVE], 1800); /* 1800 varh */
    assert_int_equal(r.min_on[PP_OUT_S0], 30);
    /* 1234 W for 1000 s = 342.78 Wh: 342 pulses, 0.78 Wh waiting */
    rec_init(&r, &port);
    assert_int_equal(pp_pulse_init(&p, &c), PP_OK);
    frame_of(&f, 1234.0, 0);
    run(&p, &port, &r, &f, 1000);
    assert_int_equal(r.rises[PP_OUT_S0], 342);
    assert_int_equal(p.ch[PP_PULSE_S0].acc_uwh, 1000 * 342778ull - 342000000ull);
}

/* 69 kW (3 x 230 V x 100 A) for 60 s = 1150 Wh = 1150 pulses. At 30 ms on +
 * 30 ms off at most 16.67/s fit, so a queue builds (1150 - ~1000) and drains
 * after the load drops; none is lost and no pulse or pause is short. */
static void queue_at_imax_loses_nothing(void **state)
{
    (void)state;
    const uint32_t widths[2] = {30, 80};
    for (unsigned w = 0; w < 2; w++) {
        recorder_t r;
        pp_port_t port;
        rec_init(&r, &port);
        pp_pulse_t p;
        pp_pulse_config_t c;
        pp_pulse_config_default(&c);
        c.pulse_ms = widths[w];
        assert_int_equal(pp_pulse_init(&p, &c), PP_OK);
        pp_frame_t f;
        frame_of(&f, 69000.0, 0);
        run(&p, &port, &r, &f, 60);
        uint64_t cap = 60000 / (2 * widths[w]) + 1;
        assert_true(r.rises[PP_OUT_S0] <= cap);
        assert_true(p.ch[PP_PULSE_S0].pending > 0);
        frame_of(&f, 0, 0);
        run(&p, &port, &r, &f, 200);
        assert_int_equal(r.rises[PP_OUT_S0], 1150);
        assert_int_equal(p.ch[PP_PULSE_S0].pending, 0);
        assert_true(r.min_on[PP_OUT_S0] >= widths[w]);
        assert_true(r.min_off[PP_OUT_S0] >= widths[w]);
    }
}

/* Z2: LED steady on at no load when configured, else dark; S0 never steady. */
static void led_at_no_load(void **state)
{
    (void)state;
    for (int on = 0; on <= 1; on++) {
        recorder_t r;
        pp_port_t port;
        rec_init(&r, &port);
        pp_pulse_t p;
        pp_pulse_config_t c;
        pp_pulse_config_default(&c);
        c.led_on_at_no_load = on;
        assert_int_equal(pp_pulse_init(&p, &c), PP_OK);
        pp_frame_t f;
        frame_of(&f, 0, 0);
        run(&p, &port, &r, &f, 3);
        assert_int_equal(r.level[PP_OUT_LED_ACTIVE], on);
        assert_false(r.level[PP_OUT_S0]);
        frame_of(&f, 7200.0, 0); /* 2 pulses per second */
        run(&p, &port, &r, &f, 2);
        assert_int_equal(r.rises[PP_OUT_S0], 4);
        assert_int_equal(r.rises[PP_OUT_LED_ACTIVE], 4 + on);
    }
}

static void config_refused(void **state)
{
    (void)state;
    pp_pulse_t p;
    pp_pulse_config_t c;
    pp_pulse_config_default(&c);
    c.imp_per_kwh = 0;
    assert_int_equal(pp_pulse_init(&p, &c), PP_ERR_RANGE);
    c.imp_per_kwh = 3;  /* does not divide 10^9 µWh */
    assert_int_equal(pp_pulse_init(&p, &c), PP_ERR_RANGE);
    c.imp_per_kwh = 1000;
    c.pulse_ms = 0;
    assert_int_equal(pp_pulse_init(&p, &c), PP_ERR_RANGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(count_equals_energy),
        cmocka_unit_test(queue_at_imax_loses_nothing),
        cmocka_unit_test(led_at_no_load),
        cmocka_unit_test(config_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
