/* Power cuts at every NVM write (and at several bytes inside each write)
 * during a debiting stop and during register commits, with recovery through
 * pp_app_init, plus a second cut during that recovery. After every cut:
 * - the stop happened completely (counter 1, snapshot readable and equal to
 *   the uncut run's, maxima reset, accumulated maximum = the period's max)
 *   or not at all (counter 0, no snapshot, maxima intact) and then happens
 *   at the next frame;
 * - registers are never below the last value committed before the cut and
 *   never above the value being committed; A+ total = A+ T1 (one
 *   transaction);
 * - no earlier snapshot is lost.
 * Hand figures: 3600 W = 1 Wh per frame; the stop is at 2026-03-01 00:00:00
 * CET = 2026-02-28 23:00:00 UTC with A+ = 3600 Wh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_port.h"
#include "polyphase/app.h"
#include "polyphase/nvm_layout.h"

#define T0 1772316000LL /* 2026-02-28 22:00:00 UTC = 23:00 CET */
#define PAGE 64u

/* Fixed CET (UTC+1): enough for February; weekday and date by hand
 * (2026-02-28 is a Saturday, 2026-03-01 a Sunday). */
static pp_err_t cet(void *ctx, int64_t utc_ms, pp_tariff_time_t *out)
{
    (void)ctx;
    int64_t s = utc_ms / 1000 - T0 + 23 * 3600; /* seconds since Feb 28 00:00 CET */
    int64_t day = s / 86400, tod = s % 86400;
    out->year = 2026;
    out->month = day == 0 ? 2 : 3;
    out->day = (uint8_t)(day == 0 ? 28 : day);
    out->weekday = (uint8_t)((5 + day) % 7 + 1);
    out->hour = (uint8_t)(tod / 3600);
    out->minute = (uint8_t)(tod / 60 % 60);
    out->second = (uint8_t)(tod % 60);
    return PP_OK;
}

typedef struct world {
    pp_fake_port_t fake;
    pp_journal_t journal;
    pp_app_t app;
    pp_app_config_t cfg;
} world_t;

static world_t *world_new(uint8_t decimals)
{
    world_t *w = calloc(1, sizeof(*w));
    pp_fake_port_init(&w->fake, PP_NVM_TOTAL_SIZE, PAGE);
    pp_app_config_default(&w->cfg);
    w->cfg.decimals = decimals;
    return w;
}

static void world_free(world_t *w)
{
    pp_fake_port_free(&w->fake);
    free(w);
}

static pp_err_t boot(world_t *w)
{
    pp_app_clock_t clk = {NULL, cet};
    PP_TRY(pp_journal_open(&w->journal, &w->fake.port, PP_NVM_JOURNAL_BASE, PP_NVM_JOURNAL_SIZE));
    return pp_app_init(&w->app, &w->fake.port, &w->journal, &clk, &w->cfg);
}

static void frames(world_t *w, int64_t from, int64_t to)
{
    pp_frame_t f;
    memset(&f, 0, sizeof(f));
    f.total.a_plus_uwh = 1000000;
    f.total.e_plus_uvah = 1000000;
    for (int64_t s = from; s <= to && w->fake.powered; s++) {
        (void)pp_app_on_frame(&w->app, &f, s * 1000);
    }
}

/* Cut byte positions tried inside each write. */
static const uint32_t cut_bytes[] = {0, 1, 3, 17, 40, 63};

static void recover(world_t *w)
{
    pp_fake_power_on(&w->fake);
    assert_int_equal(boot(w), PP_OK);
}

/* Checks the state after a cut during the stop frame and its recovery. */
static void check_stop_state(world_t *w, const pp_billing_snapshot_t *ref)
{
    uint32_t n = pp_app_stop_counter(&w->app);
    const pp_demand_state_t *d = pp_app_demand(&w->app);
    uint64_t a = pp_app_energy_wh(&w->app, PP_REG_A_PLUS, PP_REG_TOTAL);
    assert_true(a >= 3590 && a <= 3600);
    assert_int_equal(a, pp_app_tariff_wh(&w->app, PP_REG_TARIFF_A_PLUS, 1));
    if (n == 1) {
        pp_billing_snapshot_t s;
        assert_int_equal(pp_app_snapshot_count(&w->app), 1);
        assert_int_equal(pp_app_snapshot(&w->app, 0, &s), PP_OK);
        s.quality = ref->quality; /* may differ only by the recovery bit */
        assert_memory_equal(&s, ref, sizeof(s));
        assert_int_equal(d->max[PP_DEMAND_P_PLUS].w, 0);
        assert_int_equal(d->acc_w, 3600);
    } else {
        assert_int_equal(n, 0);
        assert_int_equal(pp_app_snapshot_count(&w->app), 0);
        assert_int_equal(d->max[PP_DEMAND_P_PLUS].w, 3600);
        assert_int_equal(d->acc_w, 0);
        /* Still due: the next frame does it. */
        frames(w, T0 + 3601, T0 + 3601);
        assert_int_equal(pp_app_stop_counter(&w->app), 1);
        assert_int_equal(pp_app_demand(&w->app)->acc_w, 3600);
    }
}

static void cut_at_every_write_of_a_debiting_stop(void **state)
{
    (void)state;
    /* Reference run: the writes of the stop frame, and its snapshot. */
    world_t *w = world_new(2);
    assert_int_equal(boot(w), PP_OK);
    frames(w, T0 + 1, T0 + 3599);
    uint64_t w0 = w->fake.nvm_writes;
    frames(w, T0 + 3600, T0 + 3600);
    uint64_t w1 = w->fake.nvm_writes;
    pp_billing_snapshot_t ref;
    assert_int_equal(pp_app_stop_counter(&w->app), 1);
    assert_int_equal(pp_app_snapshot(&w->app, 0, &ref), PP_OK);
    assert_int_equal(ref.energy_wh[PP_REG_A_PLUS], 3600);
    world_free(w);
    assert_true(w1 > w0 + 4);

    unsigned cuts = 0, done = 0, redone = 0, double_cuts = 0;
    for (uint64_t k = w0; k < w1; k++) {
        for (unsigned b = 0; b < sizeof(cut_bytes) / sizeof(cut_bytes[0]); b++) {
            w = world_new(2);
            assert_int_equal(boot(w), PP_OK);
            frames(w, T0 + 1, T0 + 3599);
            pp_fake_cut_power_at(&w->fake, (int64_t)k, cut_bytes[b]);
            frames(w, T0 + 3600, T0 + 3600);
            assert_false(w->fake.powered);
            /* Second cut during recovery, at each of its first writes. */
            uint64_t r0 = w->fake.nvm_writes;
            for (uint64_t k2 = 0; k2 < 6; k2++) {
                pp_fake_power_on(&w->fake);
                pp_fake_cut_power_at(&w->fake, (int64_t)(r0 + k2), 5);
                if (boot(w) != PP_OK) {
                    double_cuts++;
                }
                r0 = w->fake.nvm_writes;
            }
            recover(w);
            cuts++;
            if (pp_app_stop_counter(&w->app) == 1) {
                done++;
            } else {
                redone++;
            }
            check_stop_state(w, &ref);
            world_free(w);
        }
    }
    printf("debiting stop: %u cut points over %u writes (%u kept, %u redone), "
           "%u cuts during recovery\n", cuts, (unsigned)(w1 - w0), done, redone, double_cuts);
    assert_true(done > 0 && redone > 0);
}

static void cut_at_every_write_of_register_commits(void **state)
{
    (void)state;
    /* Wh resolution: every frame commits A+ (and A+ T1, E+) in one
     * transaction. Frames T0+1..T0+40; cuts anywhere in frames 21..40. */
    world_t *w = world_new(3);
    assert_int_equal(boot(w), PP_OK);
    frames(w, T0 + 1, T0 + 20);
    uint64_t w0 = w->fake.nvm_writes;
    frames(w, T0 + 21, T0 + 40);
    uint64_t w1 = w->fake.nvm_writes;
    world_free(w);
    unsigned cuts = 0;
    for (uint64_t k = w0; k < w1; k++) {
        for (unsigned b = 0; b < sizeof(cut_bytes) / sizeof(cut_bytes[0]); b++) {
            w = world_new(3);
            assert_int_equal(boot(w), PP_OK);
            frames(w, T0 + 1, T0 + 20);
            pp_fake_cut_power_at(&w->fake, (int64_t)k, cut_bytes[b]);
            /* Track what was committed: the value after the last frame whose
             * processing finished with power on. */
            pp_frame_t f;
            memset(&f, 0, sizeof(f));
            f.total.a_plus_uwh = 1000000;
            f.total.e_plus_uvah = 1000000;
            uint64_t committed = 20;
            for (int64_t s = T0 + 21; s <= T0 + 40 && w->fake.powered; s++) {
                if (pp_app_on_frame(&w->app, &f, s * 1000) == PP_OK && w->fake.powered) {
                    committed = (uint64_t)(s - T0);
                }
            }
            recover(w);
            cuts++;
            uint64_t a = pp_app_energy_wh(&w->app, PP_REG_A_PLUS, PP_REG_TOTAL);
            assert_true(a >= committed && a <= committed + 1);
            assert_int_equal(a, pp_app_tariff_wh(&w->app, PP_REG_TARIFF_A_PLUS, 1));
            assert_int_equal(a, pp_app_energy_wh(&w->app, PP_REG_E_PLUS, PP_REG_TOTAL));
            /* Carry on: values keep growing from there */
            frames(w, T0 + 41, T0 + 45);
            assert_int_equal(pp_app_energy_wh(&w->app, PP_REG_A_PLUS, PP_REG_TOTAL), a + 5);
            world_free(w);
        }
    }
    printf("register commits: %u cut points over %u writes\n", cuts, (unsigned)(w1 - w0));
}

static void earlier_snapshots_survive_a_cut_stop(void **state)
{
    (void)state;
    /* 130 command stops fill the ring (depth 127); a cut inside the 131st
     * snapshot write must not cost any of the 127 readable ones. */
    world_t *w = world_new(2);
    assert_int_equal(boot(w), PP_OK);
    for (int i = 1; i <= 130; i++) {
        frames(w, T0 + i, T0 + i);
        assert_int_equal(pp_app_debiting_stop(&w->app, (T0 + i) * 1000, PP_BILLING_COMMAND), PP_OK);
    }
    for (uint32_t b = 0; b < 4; b++) {
        pp_fake_cut_power_at(&w->fake, (int64_t)w->fake.nvm_writes + b, 30);
        assert_int_not_equal(pp_app_debiting_stop(&w->app, (T0 + 200) * 1000, PP_BILLING_COMMAND),
                             PP_OK);
        recover(w);
        assert_int_equal(pp_app_stop_counter(&w->app), 130);
        assert_int_equal(pp_app_snapshot_count(&w->app), 127);
        for (uint32_t i = 0; i < 127; i++) {
            pp_billing_snapshot_t s;
            assert_int_equal(pp_app_snapshot(&w->app, i, &s), PP_OK);
            assert_int_equal(s.stop_counter, 130 - i);
        }
    }
    world_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cut_at_every_write_of_a_debiting_stop),
        cmocka_unit_test(cut_at_every_write_of_register_commits),
        cmocka_unit_test(earlier_snapshots_survive_a_cut_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
