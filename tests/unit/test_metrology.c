/* Metrology engine against hand-computed values from the synthesis
 * parameters (each expectation derived in its comment), the data-sheet
 * thresholds (2.3 W start, 160 V indicator) and exact energy arithmetic. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "polyphase/metrology.h"
#include "polyphase/pulse.h"
#include "powerstep.h"
#include "synth.h"

typedef struct run {
    pp_synth_t s;
    pp_metrology_t m;
    pp_frame_t last;
    uint64_t e[PP_PHASES + 1][6];
    pp_adc_block_t *buf;
} run_t;

static run_t *start(const char *spec)
{
    run_t *r = calloc(1, sizeof *r);
    assert_non_null(r);
    pp_synth_init(&r->s);
    char err[200];
    if (pp_synth_parse(&r->s, spec, err, sizeof err) != 0) {
        fail_msg("spec %s: %s", spec, err);
    }
    pp_metrology_config_t cfg;
    pp_synth_metrology_config(&r->s, &cfg);
    assert_int_equal(pp_metrology_init(&r->m, &cfg), PP_OK);
    r->buf = malloc(sizeof *r->buf * r->s.rate);
    assert_non_null(r->buf);
    return r;
}

static void add_energy(uint64_t *e, const pp_energy_delta_t *d)
{
    e[0] += d->a_plus_uwh;
    e[1] += d->a_minus_uwh;
    e[2] += d->r_plus_uvarh;
    e[3] += d->r_minus_uvarh;
    e[4] += d->e_plus_uvah;
    e[5] += d->e_minus_uvah;
}

static void seconds(run_t *r, unsigned n)
{
    for (unsigned t = 0; t < n; t++) {
        pp_synth_generate(&r->s, r->buf, r->s.rate);
        assert_int_equal(pp_metrology_feed(&r->m, r->buf, r->s.rate, &r->last, 1), 1);
        for (unsigned k = 0; k < PP_PHASES; k++) {
            add_energy(r->e[k], &r->last.phase[k].energy);
        }
        add_energy(r->e[PP_PHASES], &r->last.total);
    }
}

static void finish(run_t *r)
{
    free(r->buf);
    free(r);
}

static void init_refuses_bad_configuration(void **state)
{
    (void)state;
    pp_metrology_t *m = malloc(sizeof *m);
    pp_metrology_config_t cfg;
    pp_metrology_config_default(&cfg, 8000);
    for (unsigned c = 0; c < 6; c++) {
        cfg.scale[c] = 1e-4f;
    }
    assert_int_equal(pp_metrology_init(m, &cfg), PP_OK);
    cfg.sample_rate_hz = 3999;
    assert_int_equal(pp_metrology_init(m, &cfg), PP_ERR_RANGE);
    cfg.sample_rate_hz = 8001;
    assert_int_equal(pp_metrology_init(m, &cfg), PP_ERR_RANGE);
    cfg.sample_rate_hz = 4000;
    cfg.scale[4] = 0.0f;
    assert_int_equal(pp_metrology_init(m, &cfg), PP_ERR_RANGE);
    cfg.scale[4] = NAN;
    assert_int_equal(pp_metrology_init(m, &cfg), PP_ERR_RANGE);
    cfg.scale[4] = 1e-4f;
    cfg.has_neutral = true; /* In scale missing */
    assert_int_equal(pp_metrology_init(m, &cfg), PP_ERR_RANGE);
    cfg.has_neutral = false;
    cfg.cal[1].gain_i = 3.0f;
    assert_int_equal(pp_metrology_init(m, &cfg), PP_ERR_RANGE);
    cfg.cal[1].gain_i = 1.0f;
    cfg.cal[2].phase_deg = 45.0f;
    assert_int_equal(pp_metrology_init(m, &cfg), PP_ERR_RANGE);
    cfg.cal[2].phase_deg = 0.0f;
    assert_int_equal(pp_metrology_init(m, &cfg), PP_OK);
    /* more than max_frames seconds: refused, nothing consumed */
    pp_adc_block_t *b = calloc(8001, sizeof *b);
    pp_frame_t f;
    assert_int_equal(pp_metrology_feed(m, b, 8001, &f, 1), PP_ERR_NOSPACE);
    assert_int_equal(pp_metrology_feed(m, b, 3999, NULL, 0), 0);
    assert_int_equal(pp_metrology_feed(m, b, 1, &f, 1), 1);
    assert_int_equal(f.seq, 0);
    free(b);
    free(m);
}

/* 230 V, 10 A, PF 0.8 inductive: P = 2300 * 0.8 = 1840 W, Q = 2300 * 0.6 =
 * 1380 var, S = 2300 VA, I lags U by acos 0.8 = 36.870 deg. */
static void powers_angles_and_sequence(void **state)
{
    (void)state;
    run_t *r = start("all:i=10,pf=0.8ind");
    seconds(r, 3);
    for (unsigned k = 0; k < PP_PHASES; k++) {
        const pp_phase_frame_t *p = &r->last.phase[k];
        assert_float_equal(p->u_rms_v, 230.0, 0.005);
        assert_float_equal(p->i_rms_a, 10.0, 0.0005);
        assert_float_equal(p->p_w, 1840.0, 0.05);
        assert_float_equal(p->q_var, 1380.0, 0.05);
        assert_float_equal(p->s_va, 2300.0, 0.05);
        assert_float_equal(p->pf, 0.8, 1e-5);
        assert_float_equal(p->angle_ui_deg, -36.8699, 0.001);
        assert_true(p->voltage_present && p->current_present);
        assert_float_equal(p->u_rms_min_v, 230.0, 0.01);
        assert_float_equal(p->u_rms_max_v, 230.0, 0.01);
    }
    assert_float_equal(r->last.phase[1].angle_u_deg, -120.0, 0.001);
    assert_float_equal(r->last.phase[2].angle_u_deg, 120.0, 0.001);
    assert_int_equal(r->last.sequence, PP_SEQ_L1L2L3);
    assert_float_equal(r->last.p_w, 5520.0, 0.1);
    assert_float_equal(r->last.pf, 0.8, 1e-5);
    assert_float_equal(r->last.i_neutral_a, 0.0, 0.001); /* balanced */
    finish(r);
    r = start("L2:ua=120;L3:ua=-120;all:i=1");
    seconds(r, 2);
    assert_int_equal(r->last.sequence, PP_SEQ_L1L3L2);
    finish(r);
}

/* Each quadrant registers only in its own registers:
 * QI A+ R+, QII A- R+, QIII A- R-, QIV A+ R-; E by the sign of P. */
static void four_quadrants(void **state)
{
    (void)state;
    static const struct { const char *spec; int ap, rp; } q[] = {
        {"all:i=5,phi=30", 1, 1}, {"all:i=5,phi=150", 0, 1},
        {"all:i=5,phi=210", 0, 0}, {"all:i=5,phi=330", 1, 0},
    };
    for (unsigned j = 0; j < 4; j++) {
        run_t *r = start(q[j].spec);
        seconds(r, 3);
        const uint64_t *t = r->e[PP_PHASES];
        /* 3 phases * 1150 W * cos 30 * 3 s = 8.625 Wh; same for |Q| with sin 30 */
        uint64_t a = q[j].ap ? t[0] : t[1], rr = q[j].rp ? t[2] : t[3];
        assert_true(fabs((double)a - 3 * 1150.0 * cos(M_PI / 6) * 3 / 3600 * 1e6) < 5);
        assert_true(fabs((double)rr - 3 * 1150.0 * 0.5 * 3 / 3600 * 1e6) < 5);
        assert_int_equal(q[j].ap ? t[1] : t[0], 0);
        assert_int_equal(q[j].rp ? t[3] : t[2], 0);
        assert_int_equal(q[j].ap ? t[5] : t[4], 0);
        assert_true(q[j].ap ? t[4] > 0 : t[5] > 0);
        /* totals are the sums of the phases */
        for (unsigned x = 0; x < 6; x++) {
            assert_int_equal(t[x], r->e[0][x] + r->e[1][x] + r->e[2][x]);
        }
        finish(r);
    }
}

/* THD by groups: 10 % h5 on U and 40 % on I give 10 % and 40 %; h3 5 % with
 * h7 3 % give sqrt(0.05^2 + 0.03^2) = 5.831 %. Also at 47.5 Hz / 4 kHz. */
static void thd_by_harmonic_groups(void **state)
{
    (void)state;
    run_t *r = start("all:i=10,h5u=10%,h5i=40%;L2:h3u=5%,h7u=3%,h5u=0");
    seconds(r, 2);
    assert_float_equal(r->last.phase[0].thd_u_pct, 10.0, 0.01);
    assert_float_equal(r->last.phase[0].thd_i_pct, 40.0, 0.02);
    assert_float_equal(r->last.phase[1].thd_u_pct, 5.831, 0.01);
    /* RMS includes harmonics: 230 * sqrt(1.01) = 231.1493 V */
    assert_float_equal(r->last.phase[0].u_rms_v, 231.1493, 0.01);
    /* the fundamental reactive power is unaffected by in-phase harmonics */
    assert_float_equal(r->last.phase[0].q_var, 0.0, 0.05);
    finish(r);
    r = start("rate=4000;f=47.5;all:i=10,h5u=10%,h5i=40%,h11i=10%");
    seconds(r, 2);
    assert_float_equal(r->last.phase[2].thd_u_pct, 10.0, 0.02);
    assert_float_equal(r->last.phase[2].thd_i_pct, sqrt(0.16 + 0.01) * 100, 0.05);
    finish(r);
}

/* 10-second frequency after ten frames; per-cycle value too. */
static void frequency_fast_and_ten_second(void **state)
{
    (void)state;
    const double fs[] = {47.5, 49.87, 52.5};
    for (unsigned j = 0; j < 3; j++) {
        char spec[64];
        snprintf(spec, sizeof spec, "f=%.2f;all:i=1", fs[j]);
        run_t *r = start(spec);
        seconds(r, 10);
        assert_float_equal(r->last.f_hz, fs[j], 0.0005);
        assert_float_equal(r->last.f_fast_hz, fs[j], 0.002);
        finish(r);
    }
    /* drifting 0.05 Hz/s from 49.5 Hz: the 10-s value is the mean over the block */
    run_t *r = start("f=49.5;drift=0.05;all:i=1");
    seconds(r, 20);
    assert_float_equal(r->last.f_hz, 49.5 + 0.05 * 15, 0.01);
    finish(r);
}

/* Neutral: L1 only at 10 A gives In = 10 A; L1 10 A + L2 10 A (120 deg
 * apart) also gives |I1 + I2| = 10 A; measured In channel the same. */
static void neutral_current(void **state)
{
    (void)state;
    run_t *r = start("L1:i=10");
    seconds(r, 2);
    assert_float_equal(r->last.i_neutral_a, 10.0, 0.002);
    finish(r);
    r = start("neutral=1;L12:i=10");
    seconds(r, 2);
    assert_float_equal(r->last.i_neutral_a, 10.0, 0.002);
    finish(r);
}

/* No-load (creep): 115 % Un = 264.5 V, no current but 1 mA of noise, 600 s:
 * nothing registered and not a single pulse. Voltage indicator on. */
static void creep_no_registration_no_pulse(void **state)
{
    (void)state;
    run_t *r = start("noise_i=0.001;noise_u=0.5;all:u=264.5,i=0");
    pp_pulse_t pulse;
    pp_pulse_config_t pc;
    pp_pulse_config_default(&pc);
    assert_int_equal(pp_pulse_init(&pulse, &pc), PP_OK);
    for (unsigned t = 0; t < 600; t++) {
        seconds(r, 1);
        pp_pulse_frame(&pulse, &r->last, (t + 1) * 1000ull);
        for (unsigned k = 0; k < PP_PHASES; k++) {
            assert_true(r->last.phase[k].voltage_present);
            assert_false(r->last.phase[k].current_present);
        }
    }
    for (unsigned x = 0; x < 6; x++) {
        assert_int_equal(r->e[PP_PHASES][x], 0);
    }
    for (unsigned c = 0; c < PP_PULSE_CHANNELS; c++) {
        assert_int_equal(pulse.ch[c].pending + pulse.ch[c].emitted, 0);
    }
    finish(r);
}

/* Start: 230 V * 11 mA = 2.53 W registers; 9 mA = 2.07 W does not (2.3 W
 * threshold). Voltage indicator: 150 V off, 170 V on. */
static void starting_threshold_and_indicators(void **state)
{
    (void)state;
    run_t *r = start("L1:i=0.011;L2:i=0.009;L3:u=150,i=0.02");
    seconds(r, 20);
    assert_true(r->last.phase[0].current_present);
    assert_false(r->last.phase[1].current_present);
    /* 2.53 W * 20 s = 14.056 mWh */
    assert_true(fabs((double)r->e[0][0] - 2.53 * 20 / 3600 * 1e6) < 3);
    assert_int_equal(r->e[1][0] + r->e[1][4], 0);
    assert_false(r->last.phase[2].voltage_present);
    assert_true(r->last.phase[0].voltage_present);
    assert_true(r->last.phase[2].current_present); /* 150 V * 20 mA = 3 W */
    finish(r);
    r = start("all:u=170");
    seconds(r, 1);
    assert_true(r->last.phase[0].voltage_present);
    finish(r);
}

/* The residue: one year (31 536 000 s) at exactly 1000 W is 8 760 kWh =
 * 8.76e12 µWh to the µWh; 1234.5 W gives 1234.5 * 8760 Wh = 10 814 220 000 000 µWh.
 * Uses the shared accumulator exactly as metrology and power-step do. */
static void energy_residue_one_year_exact(void **state)
{
    (void)state;
    const float pw[2] = {1000.0f, 1234.5f};
    const uint64_t expect[2] = {8760000000000ull, 10814220000000ull};
    for (unsigned j = 0; j < 2; j++) {
        pp_metrology_energy_t e;
        pp_metrology_energy_init(&e);
        pp_frame_t f;
        memset(&f, 0, sizeof f);
        f.duration_ms = 1000;
        f.phase[0].current_present = true;
        f.phase[0].p_w = pw[j];
        f.phase[0].s_va = pw[j];
        uint64_t sum = 0;
        for (uint32_t t = 0; t < 31536000u; t++) {
            pp_metrology_energy_step(&e, &f);
            sum += f.total.a_plus_uwh;
        }
        assert_true(sum == expect[j]);
    }
}

/* Half-cycle RMS: a sag to 115 V from t = 2 s appears in the one-cycle RMS
 * within one cycle; about 100 values per second per phase at 50 Hz. */
typedef struct hc_log {
    unsigned count[PP_PHASES];
    float last[PP_PHASES];
    float min[PP_PHASES];
} hc_log_t;

static void on_half_cycle(void *user, unsigned phase, float u, uint64_t sample)
{
    (void)sample;
    hc_log_t *l = user;
    l->count[phase]++;
    l->last[phase] = u;
    l->min[phase] = u < l->min[phase] ? u : l->min[phase];
}

static void half_cycle_rms_stream(void **state)
{
    (void)state;
    run_t *r = start("all:i=1;L1@2:u=115");
    hc_log_t log = {.min = {1e9f, 1e9f, 1e9f}};
    r->m.cfg.halfcycle = on_half_cycle;
    r->m.cfg.halfcycle_user = &log;
    seconds(r, 2);
    assert_true(log.count[0] >= 196 && log.count[0] <= 200);
    assert_float_equal(log.min[0], 230.0, 0.01);
    seconds(r, 1);
    assert_float_equal(log.last[0], 115.0, 0.01);
    assert_float_equal(r->last.phase[0].u_rms_min_v, 115.0, 0.01);
    /* the first cycles of this second straddle the step: between the two */
    assert_true(r->last.phase[0].u_rms_max_v > 180.0f && r->last.phase[0].u_rms_max_v <= 230.01f);
    assert_float_equal(log.last[1], 230.0, 0.01);
    finish(r);
}

/* Calibration: gain_i 1.01 scales P by 1.01; phase_deg +1 on a PF 1 load
 * turns I by +1 deg, so P = 2300 cos 1 deg = 2299.650 W and Q = -40.14 var. */
static void calibration_gain_and_phase(void **state)
{
    (void)state;
    run_t *r = start("all:i=10");
    pp_metrology_cal_t c = {1.0f, 1.01f, 0.0f, 0.0f};
    assert_int_equal(pp_metrology_set_calibration(&r->m, 0, &c), PP_OK);
    c.gain_i = 1.0f;
    c.phase_deg = 1.0f;
    assert_int_equal(pp_metrology_set_calibration(&r->m, 1, &c), PP_OK);
    c.phase_deg = 20.0f;
    assert_int_equal(pp_metrology_set_calibration(&r->m, 2, &c), PP_ERR_RANGE);
    assert_int_equal(pp_metrology_set_calibration(&r->m, 3, &c), PP_ERR_ARG);
    seconds(r, 2);
    assert_float_equal(r->last.phase[0].p_w, 2323.0, 0.05);
    assert_float_equal(r->last.phase[1].p_w, 2299.650, 0.05);
    assert_float_equal(r->last.phase[1].q_var, -40.14, 0.05);
    assert_float_equal(r->last.phase[1].angle_ui_deg, 1.0, 0.001);
    assert_float_equal(pp_metrology_calibration(&r->m, 1).phase_deg, 1.0, 0.0);
    finish(r);
}

/* Feeding the same samples in odd-sized pieces gives the same frames as
 * feeding whole seconds (the engine is incremental). */
static void feed_split_anywhere(void **state)
{
    (void)state;
    run_t *a = start("f=49.9;all:i=7,pf=0.9cap,h3i=20%");
    run_t *b = start("f=49.9;all:i=7,pf=0.9cap,h3i=20%");
    pp_adc_block_t *buf = malloc(sizeof *buf * 8000 * 3);
    pp_synth_generate(&a->s, buf, 8000 * 3);
    pp_frame_t fa[3], fb[3];
    assert_int_equal(pp_metrology_feed(&a->m, buf, 8000 * 3, fa, 3), 3);
    size_t pos = 0, nf = 0, step = 1;
    while (pos < 8000 * 3) {
        size_t n = step < 8000 * 3 - pos ? step : 8000 * 3 - pos;
        int rc = pp_metrology_feed(&b->m, buf + pos, n, fb + nf, 3 - nf);
        assert_true(rc >= 0);
        nf += (size_t)rc;
        pos += n;
        step = step * 7 % 4001 + 1;
    }
    assert_int_equal(nf, 3);
    assert_memory_equal(fa, fb, sizeof fa);
    free(buf);
    finish(a);
    finish(b);
}

/* Power-step source registers identically: the metrology frames re-stepped
 * through a fresh accumulator give the same deltas, and a power-step run of
 * the same load agrees with the waveform run to 0.001 %. */
static void powerstep_matches_waveform(void **state)
{
    (void)state;
    run_t *r = start("L1:i=10,pf=0.8ind;L2:i=5,phi=200;L3:i=20,pf=0.9cap");
    pp_metrology_energy_t e;
    pp_metrology_energy_init(&e);
    pp_powerstep_t ps;
    pp_powerstep_init(&ps);
    pp_powerstep_load_t l = {.u_v = {230, 230, 230}, .f_hz = 50};
    pp_powerstep_set_pf(&l, 0, 1840.0, 0.8, true);
    l.p_w[1] = 1150.0 * cos(200 * M_PI / 180);
    l.q_var[1] = 1150.0 * sin(200 * M_PI / 180);
    pp_powerstep_set_pf(&l, 2, 4140.0, 0.9, false);
    uint64_t ep[PP_PHASES + 1][6] = {{0}};
    seconds(r, 1); /* warm-up */
    memset(r->e, 0, sizeof r->e);
    for (unsigned t = 0; t < 60; t++) {
        seconds(r, 1);
        pp_frame_t copy = r->last;
        pp_energy_delta_t orig = copy.total;
        if (t == 0) {
            e = r->m.energy; /* same residue state as the engine after this frame */
        } else {
            pp_metrology_energy_step(&e, &copy);
            assert_memory_equal(&copy.total, &orig, sizeof orig);
        }
        pp_frame_t f;
        pp_powerstep_frame(&ps, &l, &f);
        add_energy(ep[PP_PHASES], &f.total);
        assert_float_equal(f.phase[0].i_rms_a, 10.0, 1e-4);
    }
    for (unsigned x = 0; x < 6; x++) {
        double w = (double)r->e[PP_PHASES][x], p = (double)ep[PP_PHASES][x];
        assert_true(fabs(w - p) <= 1e-5 * p + 2);
    }
    finish(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(init_refuses_bad_configuration),
        cmocka_unit_test(powers_angles_and_sequence),
        cmocka_unit_test(four_quadrants),
        cmocka_unit_test(thd_by_harmonic_groups),
        cmocka_unit_test(frequency_fast_and_ten_second),
        cmocka_unit_test(neutral_current),
        cmocka_unit_test(creep_no_registration_no_pulse),
        cmocka_unit_test(starting_threshold_and_indicators),
        cmocka_unit_test(energy_residue_one_year_exact),
        cmocka_unit_test(half_cycle_rms_stream),
        cmocka_unit_test(calibration_gain_and_phase),
        cmocka_unit_test(feed_split_anywhere),
        cmocka_unit_test(powerstep_matches_waveform),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
