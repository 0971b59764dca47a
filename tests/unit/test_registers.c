/* Legal energy registers: resolution from Z1, commit at every change of the
 * stored value (counted in journal records), tariff registers, residues at
 * power fail, the monotonic check on recovery. Hand-computed: a frame of
 * 3 Wh per second (10.8 kW) crosses a 10 Wh step every 10/3 s, so 100 s give
 * 300 Wh and exactly 30 changes of the stored value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_port.h"
#include "polyphase/journal.h"
#include "polyphase/nvm_keys.h"
#include "polyphase/nvm_layout.h"
#include "polyphase/registers.h"

typedef struct fixture {
    pp_fake_port_t fake;
    pp_journal_t journal;
    pp_registers_t regs;
} fixture_t;

static fixture_t *fx_new(void)
{
    fixture_t *x = calloc(1, sizeof(*x));
    pp_fake_port_init(&x->fake, PP_NVM_JOURNAL_SIZE, 64);
    return x;
}

static void fx_open(fixture_t *x, uint8_t decimals)
{
    assert_int_equal(pp_journal_open(&x->journal, &x->fake.port, 0, PP_NVM_JOURNAL_SIZE), PP_OK);
    assert_int_equal(pp_registers_init(&x->regs, &x->journal, decimals), PP_OK);
}

static void fx_free(fixture_t *x)
{
    pp_fake_port_free(&x->fake);
    free(x);
}

/* A frame with A+ total = a uWh; all other energies zero. */
static pp_frame_t frame_a(uint32_t a)
{
    pp_frame_t f;
    memset(&f, 0, sizeof(f));
    f.total.a_plus_uwh = a;
    return f;
}

static void commit_at_every_change_of_the_stored_value(void **state)
{
    (void)state;
    fixture_t *x = fx_new();
    fx_open(x, 2); /* 7.2: 0.01 kWh = 10 Wh */
    assert_true(x->regs.flags & PP_REG_FLAG_FRESH);
    pp_frame_t f = frame_a(3000000);
    uint64_t rec0 = pp_journal_stats(&x->journal)->records_written;
    unsigned changes = 0;
    uint64_t prev = 0;
    for (int s = 1; s <= 100; s++) {
        assert_int_equal(pp_registers_add(&x->regs, &f, 1), PP_OK);
        uint64_t wh = pp_registers_wh(&x->regs, PP_REG_A_PLUS, PP_REG_TOTAL);
        if (wh != prev) {
            changes++;
            prev = wh;
        }
        /* stored = floor(3 s / 10) * 10 */
        assert_int_equal(wh, (uint64_t)(3 * s / 10) * 10);
    }
    assert_int_equal(changes, 30);
    /* One record per change (A+ group and A+ T1 group change together at
     * the same seconds: a two-record transaction, plus its commit mark). */
    uint64_t recs = pp_journal_stats(&x->journal)->records_written - rec0;
    assert_true(recs >= 30 && recs <= 30 * 3);
    assert_int_equal(pp_registers_wh(&x->regs, PP_REG_A_PLUS, PP_REG_TOTAL), 300);
    assert_int_equal(pp_registers_tariff_wh(&x->regs, PP_REG_TARIFF_A_PLUS, 1), 300);
    assert_int_equal(pp_registers_count(&x->regs, PP_REG_A_PLUS, PP_REG_TOTAL), 30);
    assert_int_equal(pp_registers_scaler(&x->regs), 1);
    /* A frame that does not cross a step writes nothing */
    rec0 = pp_journal_stats(&x->journal)->records_written;
    f = frame_a(1000000);
    assert_int_equal(pp_registers_add(&x->regs, &f, 1), PP_OK);
    assert_int_equal(pp_journal_stats(&x->journal)->records_written, rec0);
    /* Recovery: the stored value, not the residue (1 Wh lost, < 1 step) */
    fx_open(x, 2);
    assert_int_equal(pp_registers_wh(&x->regs, PP_REG_A_PLUS, PP_REG_TOTAL), 300);
    assert_int_equal(pp_registers_uwh(&x->regs, PP_REG_A_PLUS, PP_REG_TOTAL), 300000000);
    assert_false(x->regs.flags & PP_REG_FLAG_FRESH);
    fx_free(x);
}

static void resolution_follows_z1(void **state)
{
    (void)state;
    /* 100 s x 3 Wh = 300 Wh: 7.0 -> 0 kWh (scaler 3), 6.1 -> 0.3 kWh
     * (count 3, scaler 2), 6.3 -> 300 Wh (count 300, scaler 0). */
    static const struct { uint8_t dec; uint64_t wh, count; int8_t scaler; } want[] = {
        {0, 0, 0, 3}, {1, 300, 3, 2}, {2, 300, 30, 1}, {3, 300, 300, 0}};
    for (unsigned i = 0; i < 4; i++) {
        fixture_t *x = fx_new();
        fx_open(x, want[i].dec);
        pp_frame_t f = frame_a(3000000);
        for (int s = 0; s < 100; s++) {
            assert_int_equal(pp_registers_add(&x->regs, &f, 1), PP_OK);
        }
        assert_int_equal(pp_registers_wh(&x->regs, PP_REG_A_PLUS, PP_REG_TOTAL), want[i].wh);
        assert_int_equal(pp_registers_count(&x->regs, PP_REG_A_PLUS, PP_REG_TOTAL), want[i].count);
        assert_int_equal(pp_registers_scaler(&x->regs), want[i].scaler);
        assert_int_equal(pp_registers_uwh(&x->regs, PP_REG_A_PLUS, PP_REG_TOTAL), 300000000);
        fx_free(x);
    }
    pp_registers_t r;
    pp_journal_t j;
    assert_int_equal(pp_registers_init(&r, &j, 4), PP_ERR_RANGE);
    assert_int_equal(pp_registers_init(NULL, &j, 2), PP_ERR_ARG);
}

static void all_quantities_phases_and_tariffs(void **state)
{
    (void)state;
    fixture_t *x = fx_new();
    fx_open(x, 3); /* Wh */
    pp_frame_t f;
    memset(&f, 0, sizeof(f));
    f.total = (pp_energy_delta_t){6000000, 1000000, 2000000, 500000, 7000000, 1500000};
    f.phase[0].energy.a_plus_uwh = 1000000;
    f.phase[1].energy.a_plus_uwh = 2000000;
    f.phase[2].energy.a_plus_uwh = 3000000;
    f.phase[2].energy.e_minus_uvah = 1500000;
    /* 50 s in T2, 50 s in T3 */
    for (int s = 0; s < 100; s++) {
        assert_int_equal(pp_registers_add(&x->regs, &f, s < 50 ? 2 : 3), PP_OK);
    }
    fx_open(x, 3);
    assert_int_equal(pp_registers_wh(&x->regs, PP_REG_A_PLUS, PP_REG_TOTAL), 600);
    assert_int_equal(pp_registers_wh(&x->regs, PP_REG_A_MINUS, PP_REG_TOTAL), 100);
    assert_int_equal(pp_registers_wh(&x->regs, PP_REG_R_PLUS, PP_REG_TOTAL), 200);
    assert_int_equal(pp_registers_wh(&x->regs, PP_REG_R_MINUS, PP_REG_TOTAL), 50);
    assert_int_equal(pp_registers_wh(&x->regs, PP_REG_E_PLUS, PP_REG_TOTAL), 700);
    assert_int_equal(pp_registers_wh(&x->regs, PP_REG_E_MINUS, PP_REG_TOTAL), 150);
    assert_int_equal(pp_registers_wh(&x->regs, PP_REG_A_PLUS, PP_REG_L1), 100);
    assert_int_equal(pp_registers_wh(&x->regs, PP_REG_A_PLUS, PP_REG_L2), 200);
    assert_int_equal(pp_registers_wh(&x->regs, PP_REG_A_PLUS, PP_REG_L3), 300);
    assert_int_equal(pp_registers_wh(&x->regs, PP_REG_E_MINUS, PP_REG_L3), 150);
    assert_int_equal(pp_registers_tariff_wh(&x->regs, PP_REG_TARIFF_A_PLUS, 1), 0);
    assert_int_equal(pp_registers_tariff_wh(&x->regs, PP_REG_TARIFF_A_PLUS, 2), 300);
    assert_int_equal(pp_registers_tariff_wh(&x->regs, PP_REG_TARIFF_A_PLUS, 3), 300);
    assert_int_equal(pp_registers_tariff_wh(&x->regs, PP_REG_TARIFF_R_PLUS, 2), 100);
    assert_int_equal(pp_registers_tariff_wh(&x->regs, PP_REG_TARIFF_R_PLUS, 3), 100);
    /* Out-of-range getters are 0, not a crash */
    assert_int_equal(pp_registers_tariff_wh(&x->regs, PP_REG_TARIFF_A_PLUS, 5), 0);
    assert_int_equal(pp_registers_wh(&x->regs, PP_REG_QUANTITIES, 0), 0);
    assert_int_equal(pp_registers_wh(&x->regs, PP_REG_A_PLUS, 4), 0);
    fx_free(x);
}

static void residue_saved_at_power_fail(void **state)
{
    (void)state;
    fixture_t *x = fx_new();
    fx_open(x, 2);
    pp_frame_t f = frame_a(3000000);
    for (int s = 0; s < 15; s++) { /* 45 Wh: stored 40, residue 5 */
        assert_int_equal(pp_registers_add(&x->regs, &f, 1), PP_OK);
    }
    assert_int_equal(pp_registers_save_residue(&x->regs), PP_OK);
    fx_open(x, 2);
    assert_true(x->regs.flags & PP_REG_FLAG_RESIDUE_USED);
    assert_int_equal(pp_registers_uwh(&x->regs, PP_REG_A_PLUS, PP_REG_TOTAL), 45000000);
    /* 5 s more: 60 Wh, a commit; the old residue record is now stale */
    for (int s = 0; s < 5; s++) {
        assert_int_equal(pp_registers_add(&x->regs, &f, 1), PP_OK);
    }
    fx_open(x, 2);
    assert_false(x->regs.flags & PP_REG_FLAG_RESIDUE_USED);
    assert_int_equal(pp_registers_uwh(&x->regs, PP_REG_A_PLUS, PP_REG_TOTAL), 60000000);
    fx_free(x);
}

static void never_below_the_checkpoint(void **state)
{
    (void)state;
    fixture_t *x = fx_new();
    fx_open(x, 3);
    pp_frame_t f = frame_a(1000000); /* 1 Wh per frame: a commit each */
    for (unsigned s = 0; s < PP_REGISTERS_CHECKPOINT_EVERY; s++) {
        assert_int_equal(pp_registers_add(&x->regs, &f, 0), PP_OK);
    }
    /* The 256th commit wrote the checkpoint with A+ = 256 Wh. Now plant an
     * older A+ group record (A+ = 100 Wh), as a lost write would leave. */
    uint8_t rec[36];
    memset(rec, 0, sizeof(rec));
    rec[0] = 1;                                /* gen 1 */
    uint64_t v = 100000000;                    /* 100 Wh in uWh */
    for (int i = 0; i < 8; i++) {
        rec[4 + i] = (uint8_t)(v >> (8 * i));  /* cell 0 = total, LE */
    }
    assert_int_equal(pp_journal_write(&x->journal, PP_KEY_LEGAL_BASE + 0x10, rec, 36), PP_OK);
    fx_open(x, 3);
    assert_true(x->regs.flags & PP_REG_FLAG_BACKWARDS);
    assert_int_equal(pp_registers_wh(&x->regs, PP_REG_A_PLUS, PP_REG_TOTAL), 256);
    /* The raised value was written back */
    fx_open(x, 3);
    assert_int_equal(pp_registers_wh(&x->regs, PP_REG_A_PLUS, PP_REG_TOTAL), 256);
    fx_free(x);
}

static void journal_failure_keeps_the_change_pending(void **state)
{
    (void)state;
    fixture_t *x = fx_new();
    fx_open(x, 3);
    pp_frame_t f = frame_a(2000000);
    pp_fake_cut_power_at(&x->fake, (int64_t)x->fake.nvm_writes, 0);
    assert_int_not_equal(pp_registers_add(&x->regs, &f, 1), PP_OK);
    assert_int_not_equal(x->regs.dirty, 0);
    assert_int_equal(pp_registers_wh(&x->regs, PP_REG_A_PLUS, PP_REG_TOTAL), 2);
    pp_fake_power_on(&x->fake);
    fx_open(x, 3);
    assert_int_equal(pp_registers_wh(&x->regs, PP_REG_A_PLUS, PP_REG_TOTAL), 0);
    fx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(commit_at_every_change_of_the_stored_value),
        cmocka_unit_test(resolution_follows_z1),
        cmocka_unit_test(all_quantities_phases_and_tariffs),
        cmocka_unit_test(residue_saved_at_power_fail),
        cmocka_unit_test(never_below_the_checkpoint),
        cmocka_unit_test(journal_failure_keeps_the_change_pending),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
