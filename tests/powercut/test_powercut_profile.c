/* Load profile under power cuts: a 15-minute 4-channel profile filled to
 * two entries short of its 16,800 capacity, then a cut at every NVM write
 * (16-byte pages: 3 writes per 33-byte entry) and every byte of it while the
 * next five entries are written, across the wrap to slot 0. After each cut
 * and a restart:
 * - every entry committed before the cut is there with its time, status 0
 *   and values (the entry being written is there completely or not at all;
 *   only the oldest entry, whose slot was being overwritten, may be gone);
 * - rows are contiguous 15-minute boundaries;
 * - ticking on fills every missed boundary exactly once, flagged
 *   POWER_DOWN. Values are the standard-time minute count of the boundary
 *   (A+), x2 (A-), x3 (R+), x4 (R-), ticks at the boundary itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_port.h"
#include "polyphase/nvm_layout.h"
#include "polyphase/profile.h"

#define T0_UTC 1767225600000LL
#define MIN 60000LL
#define PER (15 * MIN)
#define PAGE 16u

typedef struct world {
    pp_fake_port_t fake;
    pp_clock_t clk;
    pp_lp_t lp, lp_snap;
    uint8_t *snap;
} world_t;

static world_t *w;

static void open_lp(void)
{
    pp_lp_config_t cfg = {15, 4, 0};
    assert_int_equal(pp_lp_init(&w->lp, &w->fake.port, PP_NVM_LOAD_PROFILE_BASE,
                                PP_NVM_LOAD_PROFILE_SIZE, &cfg),
                     PP_OK);
}

static pp_err_t tick_k(int64_t k)
{
    int64_t utc = T0_UTC + k * PER;
    int64_t m = (utc + 60 * MIN) / MIN;
    pp_lp_regs_t r = {(uint32_t)m, (uint32_t)(2 * m), (uint32_t)(3 * m), (uint32_t)(4 * m)};
    return pp_lp_tick(&w->lp, &w->clk, utc, &r, 0);
}

/* Every row: contiguous times, values from the time; returns the count of
 * rows whose status is POWER_DOWN. */
static uint32_t check_rows(void)
{
    uint32_t n = pp_logstore_count(&w->lp.p.store), pdn = 0;
    int64_t prev = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t p[17];
        int64_t t;
        assert_int_equal(pp_logstore_get(&w->lp.p.store, i, &t, NULL, p), PP_OK);
        if (i > 0) {
            assert_int_equal(t, prev + PER);
        }
        prev = t;
        uint32_t m = (uint32_t)(t / MIN);
        for (unsigned c = 0; c < 4; c++) {
            uint32_t v = (uint32_t)p[1 + 4 * c] | (uint32_t)p[2 + 4 * c] << 8 |
                         (uint32_t)p[3 + 4 * c] << 16 | (uint32_t)p[4 + 4 * c] << 24;
            if (p[0] == 0) {
                assert_int_equal(v, (c + 1) * m);
            }
        }
        assert_true(p[0] == 0 || p[0] == PP_LP_ST_POWER_DOWN);
        pdn += p[0] == PP_LP_ST_POWER_DOWN;
    }
    return pdn;
}

static void test_cut_every_write(void **state)
{
    (void)state;
    w = calloc(1, sizeof(*w));
    pp_fake_port_init(&w->fake, PP_NVM_TOTAL_SIZE, PAGE);
    assert_int_equal(pp_clock_init(&w->clk, 60, false), PP_OK);
    open_lp();
    const uint32_t cap = w->lp.p.store.capacity;
    assert_int_equal(cap, 16800);
    assert_int_equal(tick_k(0), PP_OK);
    for (int64_t k = 1; k <= (int64_t)cap - 2; k++) {
        assert_int_equal(tick_k(k), PP_OK);
    }
    w->snap = malloc(PP_NVM_LOAD_PROFILE_SIZE);
    memcpy(w->snap, w->fake.nvm + PP_NVM_LOAD_PROFILE_BASE, PP_NVM_LOAD_PROFILE_SIZE);
    w->lp_snap = w->lp;

    unsigned cuts = 0, torn_survived = 0;
    for (int64_t wi = 0; wi < 15; wi++) {
        for (uint32_t byte = 0; byte <= PAGE; byte++) {
            memcpy(w->fake.nvm + PP_NVM_LOAD_PROFILE_BASE, w->snap, PP_NVM_LOAD_PROFILE_SIZE);
            w->lp = w->lp_snap;
            pp_fake_power_on(&w->fake);
            pp_fake_cut_power_at(&w->fake, (int64_t)w->fake.nvm_writes + wi, byte);
            int64_t k = (int64_t)cap - 1, committed = (int64_t)cap - 2;
            for (; k <= (int64_t)cap + 3; k++) {
                if (tick_k(k) != PP_OK) {
                    break;
                }
                committed = k;
            }
            assert_true(k <= (int64_t)cap + 3); /* the cut happened */
            cuts++;
            pp_fake_power_on(&w->fake);
            open_lp();
            int64_t newest;
            assert_int_equal(pp_logstore_newest_time(&w->lp.p.store, &newest), PP_OK);
            int64_t t_committed = T0_UTC + 60 * MIN + committed * PER;
            assert_true(newest == t_committed || newest == t_committed + PER);
            torn_survived += newest != t_committed;
            /* nothing committed is lost: oldest committed entry k0 still
             * there unless its slot was the one being overwritten */
            uint32_t n = pp_logstore_count(&w->lp.p.store);
            uint32_t held = (uint32_t)((newest - (T0_UTC + 60 * MIN)) / PER);
            assert_true(n == (held < cap ? held : cap) || n == cap - 1u);
            assert_int_equal(check_rows(), 0);
            /* ticking on: every missed boundary once, flagged */
            assert_int_equal(tick_k((int64_t)cap + 6), PP_OK);
            assert_int_equal(check_rows(), (uint32_t)((T0_UTC + 60 * MIN + ((int64_t)cap + 6) * PER -
                                                       newest) / PER));
        }
    }
    print_message("%u cuts (%u torn entries complete on NVM), nothing committed lost\n", cuts,
                  torn_survived);
    free(w->snap);
    pp_fake_port_free(&w->fake);
    free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cut_every_write),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
