/* bench_year: one simulated year of a household meter in power-step mode,
 * every feature of the energy application on (registers at 0.01 kWh, the
 * four-band seasonal tariff table with special days, 15-minute demand with
 * a power threshold, monthly debiting on the 1st, pulse input, hour
 * counter), persisted through the journal on a RAM NVM (fake port).
 *
 * Load: a seeded 15-minute power-step profile per phase: base load, a daily
 * shape (morning and evening peaks), random appliance events; with --pv a
 * midday PV export. Frames are synthesised here (power -> exact uWh per
 * second with the remainder carried).
 *
 * Baseline, measured in the same run: generating the same frames without the
 * application. Prints the elapsed time, the ratio to real time (a year =
 * 31,536,000 s) and the ratio to the baseline. Target: a year in <= 5 s. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fake_port.h"
#include "polyphase/app.h"
#include "polyphase/clock.h"
#include "polyphase/nvm_layout.h"

#define YEAR_S 31536000LL
#define START 1767225600LL /* 2026-01-01 00:00:00 UTC */

/* One energy channel at a constant power: uWh per second = q + r/3600,
 * the remainder carried so nothing is lost over the year. */
typedef struct chan {
    uint32_t q, r, rem;
} chan_t;

typedef struct gen {
    uint64_t rng;
    bool pv;
    int32_t p_w[PP_PHASES];      /* signed: + import */
    chan_t ch[PP_PHASES][3];     /* |P|, |Q|, S */
} gen_t;

static uint32_t rnd(gen_t *g)
{
    g->rng ^= g->rng << 13;
    g->rng ^= g->rng >> 7;
    g->rng ^= g->rng << 17;
    return (uint32_t)(g->rng >> 16);
}

/* New powers for the 15 minutes starting at second-of-day tod, day of year. */
static void step(gen_t *g, int64_t tod, int64_t doy)
{
    int h = (int)(tod / 3600);
    int32_t shape = 100;
    if (h >= 6 && h < 9) {
        shape += 400;
    } else if (h >= 17 && h < 22) {
        shape += 900;
    } else if (h >= 9 && h < 17) {
        shape += 150;
    }
    for (int p = 0; p < PP_PHASES; p++) {
        int32_t w = shape / 3 + (int32_t)(rnd(g) % 100);
        if (rnd(g) % 100 < 3) {
            w += 1500; /* kettle, oven, washing machine heater */
        }
        if (g->pv && h >= 8 && h < 18) {
            /* PV: a day arc, stronger in summer (doy ~ 172) */
            int32_t arc = (int32_t)((h - 8) * (18 - h)) * 60;
            int64_t season = 1000 - (int64_t)labs((long)(doy - 172)) * 4;
            w -= (int32_t)(arc * (season > 200 ? season : 200) / 1000);
        }
        g->p_w[p] = w;
        uint32_t a = (uint32_t)(w < 0 ? -w : w);
        uint32_t v[3] = {a, a / 4, a + a / 32}; /* PF ~0.97; S ~ sqrt(P^2 + Q^2) */
        for (int c = 0; c < 3; c++) {
            uint64_t x = (uint64_t)v[c] * 1000000u;
            g->ch[p][c].q = (uint32_t)(x / 3600u);
            g->ch[p][c].r = (uint32_t)(x % 3600u);
        }
    }
}

static uint32_t energy(chan_t *c)
{
    c->rem += c->r;
    if (c->rem >= 3600u) {
        c->rem -= 3600u;
        return c->q + 1u;
    }
    return c->q;
}

static void frame(gen_t *g, pp_frame_t *f)
{
    memset(&f->total, 0, sizeof(f->total));
    for (int p = 0; p < PP_PHASES; p++) {
        pp_energy_delta_t *e = &f->phase[p].energy;
        memset(e, 0, sizeof(*e));
        uint32_t a = energy(&g->ch[p][0]);
        uint32_t r = energy(&g->ch[p][1]);
        uint32_t ap = energy(&g->ch[p][2]);
        if (g->p_w[p] >= 0) {
            e->a_plus_uwh = a;
            e->r_plus_uvarh = r;
            e->e_plus_uvah = ap;
        } else {
            e->a_minus_uwh = a;
            e->r_minus_uvarh = r;
            e->e_minus_uvah = ap;
        }
        f->total.a_plus_uwh += e->a_plus_uwh;
        f->total.a_minus_uwh += e->a_minus_uwh;
        f->total.r_plus_uvarh += e->r_plus_uvarh;
        f->total.r_minus_uvarh += e->r_minus_uvarh;
        f->total.e_plus_uvah += e->e_plus_uvah;
        f->total.e_minus_uvah += e->e_minus_uvah;
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Runs the year; app NULL = baseline (frames only). Returns a checksum. */
static uint64_t run_year(gen_t *g, pp_app_t *app, int64_t seconds)
{
    pp_frame_t f;
    memset(&f, 0, sizeof(f));
    f.duration_ms = 1000;
    uint64_t sum = 0;
    for (int64_t s = 0; s < seconds; s++) {
        if (s % 900 == 0) {
            step(g, s % 86400, s / 86400);
        }
        frame(g, &f);
        f.seq++;
        if (app != NULL) {
            if (s % 60 == 0) {
                pp_app_add_pulses(app, 1); /* a water meter: 1 pulse per minute */
            }
            pp_err_t rc = pp_app_on_frame(app, &f, (START + s + 1) * 1000);
            if (rc != PP_OK) {
                fprintf(stderr, "bench_year: frame %lld: %s\n", (long long)s, pp_strerror(rc));
                exit(1);
            }
        } else {
            sum += f.total.a_plus_uwh + f.total.a_minus_uwh;
        }
    }
    return sum;
}

int main(int argc, char **argv)
{
    bool pv = argc > 1 && strcmp(argv[1], "--pv") == 0;
    int64_t seconds = YEAR_S;

    gen_t g;
    memset(&g, 0, sizeof(g));
    g.rng = 0x9E3779B97F4A7C15ull;
    g.pv = pv;
    double t0 = now_s();
    volatile uint64_t sink = run_year(&g, NULL, seconds);
    double base = now_s() - t0;
    (void)sink;

    static pp_fake_port_t fake;
    static pp_journal_t journal;
    static pp_app_t app;
    pp_fake_port_init(&fake, PP_NVM_TOTAL_SIZE, 256);
    pp_app_config_t cfg;
    pp_app_config_default(&cfg);
    cfg.decimals = 2;
    cfg.module_function = 3; /* pulse in / alarm in */
    cfg.pulse_unit = PP_PULSE_UNIT_L;
    cfg.tariff_preset = 2;
    cfg.power_threshold_w = 3500;
    pp_clock_t meter_clock; /* Z11 +1 h (CET), Z15 EU summer time */
    pp_clock_init(&meter_clock, 60, true);
    pp_app_clock_t clk = {&meter_clock, pp_app_local_from_clock};
    if (pp_journal_open(&journal, &fake.port, PP_NVM_JOURNAL_BASE, PP_NVM_JOURNAL_SIZE) != PP_OK ||
        pp_app_init(&app, &fake.port, &journal, &clk, &cfg) != PP_OK) {
        fprintf(stderr, "bench_year: init failed\n");
        return 1;
    }
    memset(&g, 0, sizeof(g));
    g.rng = 0x9E3779B97F4A7C15ull;
    g.pv = pv;
    t0 = now_s();
    run_year(&g, &app, seconds);
    double full = now_s() - t0;

    const pp_journal_stats_t *js = pp_journal_stats(&journal);
    const pp_demand_state_t *d = pp_app_demand(&app);
    printf("bench_year (%s): %lld frames\n", pv ? "household + PV" : "household", (long long)seconds);
    printf("  A+ %.2f kWh (T1 %.2f T2 %.2f T3 %.2f T4 %.2f), A- %.2f kWh, R+ %.2f kvarh, E+ %.2f kVAh\n",
           pp_app_energy_wh(&app, PP_REG_A_PLUS, 0) / 1000.0,
           pp_app_tariff_wh(&app, PP_REG_TARIFF_A_PLUS, 1) / 1000.0,
           pp_app_tariff_wh(&app, PP_REG_TARIFF_A_PLUS, 2) / 1000.0,
           pp_app_tariff_wh(&app, PP_REG_TARIFF_A_PLUS, 3) / 1000.0,
           pp_app_tariff_wh(&app, PP_REG_TARIFF_A_PLUS, 4) / 1000.0,
           pp_app_energy_wh(&app, PP_REG_A_MINUS, 0) / 1000.0,
           pp_app_energy_wh(&app, PP_REG_R_PLUS, 0) / 1000.0,
           pp_app_energy_wh(&app, PP_REG_E_PLUS, 0) / 1000.0);
    printf("  debiting stops %u, snapshots %u, demand periods %u, acc P+max %llu W, "
           "threshold counter %u, hour counter %u, pulses %llu\n",
           pp_app_stop_counter(&app), pp_app_snapshot_count(&app), pp_app_stats(&app)->periods,
           (unsigned long long)d->acc_w, pp_app_threshold_counter(&app), pp_app_hour_counter(&app),
           (unsigned long long)pp_app_pulse_counter(&app));
    printf("  journal: %llu records, %llu bytes, %llu compactions; NVM writes %llu\n",
           (unsigned long long)js->records_written, (unsigned long long)js->bytes_written,
           (unsigned long long)js->compactions, (unsigned long long)fake.nvm_writes);
    printf("  baseline (frames only): %.3f s\n", base);
    printf("  full application:       %.3f s  (%.0fx real time; %.1fx the baseline)\n", full,
           (double)seconds / full, full / base);
    printf("  target <= 5 s per year: %s\n", full <= 5.0 ? "met" : "NOT met");
    pp_fake_port_free(&fake);
    return 0;
}
