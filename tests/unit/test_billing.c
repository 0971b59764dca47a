/* Debiting periods: the Z6/Z7 schedule (every Z7 row of the data sheet, the
 * 28th across February in leap and non-leap years) and the debiting logger
 * (depth, newest-first reading by index and by date, torn records, flash
 * erase units). Expected stop months are written out by hand from the data
 * sheet's wording of each row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_port.h"
#include "polyphase/billing.h"
#include "polyphase/journal.h"
#include "polyphase/nvm_layout.h"
#include "polyphase/ordercode.h"

/* Z7 rows: code, interval, start month, and the stop months of a year
 * spelled out ("Every third month, February" -> Feb May Aug Nov). */
static const struct {
    const char *code;
    uint8_t n, start;
    const char *months; /* 12 chars, 'x' = a stop on the Z6 day of that month */
} z7[] = {
    {"00", 0, 0, "............"},  /* none (externally controlled) */
    {"01", 1, 1, "xxxxxxxxxxxx"},  /* monthly */
    {"02", 2, 1, "x.x.x.x.x.x."},  /* every second month, January */
    {"03", 2, 2, ".x.x.x.x.x.x"},  /* every second month, February */
    {"04", 3, 1, "x..x..x..x.."},  /* every third month, January */
    {"05", 3, 2, ".x..x..x..x."},  /* every third month, February */
    {"06", 3, 3, "..x..x..x..x"},  /* every third month, March */
    {"07", 6, 1, "x.....x....."},  /* every six month, January */
    {"08", 6, 2, ".x.....x...."},  /* February */
    {"09", 6, 3, "..x.....x..."},  /* March */
    {"10", 6, 4, "...x.....x.."},  /* April */
    {"11", 6, 5, "....x.....x."},  /* May */
    {"12", 6, 6, ".....x.....x"},  /* June */
    {"13", 12, 1, "x..........."}, /* yearly, January */
    {"14", 12, 2, ".x.........."},
    {"15", 12, 3, "..x........."},
    {"16", 12, 4, "...x........"},
    {"17", 12, 5, "....x......."},
    {"18", 12, 6, ".....x......"},
    {"19", 12, 7, "......x....."},
    {"20", 12, 8, ".......x...."},
    {"21", 12, 9, "........x..."},
    {"22", 12, 10, ".........x.."},
    {"23", 12, 11, "..........x."},
    {"24", 12, 12, "...........x"}, /* yearly, December */
};

/* Days per month; 2024 is a leap year, 2025 and 2026 are not. */
static int mdays(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && y % 4 == 0 ? 29 : d[m - 1];
}

/* Walks every day of [y0, y1] and records on which dates a stop falls due
 * (the latest scheduled slot changes), as "YYYY-MM-DD" strings. */
static unsigned walk(const pp_billing_config_t *c, int y0, int y1, char out[][11], unsigned cap)
{
    unsigned n = 0;
    int32_t last = pp_billing_last_scheduled(c, y0, 1, 1);
    for (int y = y0; y <= y1; y++) {
        for (int m = 1; m <= 12; m++) {
            for (int d = 1; d <= mdays(y, m); d++) {
                int32_t id = pp_billing_last_scheduled(c, y, m, d);
                if (id != last && n < cap) {
                    out[n][0] = (char)('0' + y / 1000);
                    out[n][1] = (char)('0' + y / 100 % 10);
                    out[n][2] = (char)('0' + y / 10 % 10);
                    out[n][3] = (char)('0' + y % 10);
                    out[n][4] = '-';
                    out[n][5] = (char)('0' + m / 10);
                    out[n][6] = (char)('0' + m % 10);
                    out[n][7] = '-';
                    out[n][8] = (char)('0' + d / 10);
                    out[n][9] = (char)('0' + d % 10);
                    out[n][10] = 0;
                    n++;
                }
                last = id;
            }
        }
    }
    return n;
}

static void every_z7_row(void **state)
{
    (void)state;
    for (unsigned r = 0; r < sizeof(z7) / sizeof(z7[0]); r++) {
        pp_billing_config_t c = {15, z7[r].n, z7[r].start};
        assert_int_equal(pp_billing_config_check(&c), PP_OK);
        char dates[16][11];
        unsigned n = walk(&c, 2026, 2026, dates, 16);
        unsigned k = 0;
        for (int m = 1; m <= 12; m++) {
            if (z7[r].months[m - 1] == 'x') {
                char want[11] = "2026-00-15";
                want[5] = (char)('0' + m / 10);
                want[6] = (char)('0' + m % 10);
                assert_true(k < n);
                assert_string_equal(dates[k], want);
                k++;
            }
        }
        assert_int_equal(n, k);
    }
}

/* The order-code module decodes Z7 into the same interval and start month. */
static void z7_decoding_agrees_with_the_order_code(void **state)
{
    (void)state;
    pp_sw_code_t sc;
    pp_ordercode_error_t err;
    assert_int_equal(pp_ordercode_parse_sw(pp_ordercode_default_sw, &sc, &err), PP_OK);
    for (unsigned r = 0; r < sizeof(z7) / sizeof(z7[0]); r++) {
        assert_int_equal(pp_ordercode_set_sw(&sc, "Z7", z7[r].code, &err), PP_OK);
        assert_int_equal(sc.debiting_interval_months, z7[r].n);
        if (z7[r].n > 1) {
            assert_int_equal(sc.debiting_start_month, z7[r].start);
        }
    }
}

static void the_28th_across_february(void **state)
{
    (void)state;
    pp_billing_config_t c = {28, 1, 1};
    char dates[40][11];
    unsigned n = walk(&c, 2024, 2025, dates, 40);
    /* Monthly on the 28th: 24 stops, on the 28th of every month of 2024
     * (leap: 29 Feb is after the stop) and 2025. */
    assert_int_equal(n, 24);
    assert_string_equal(dates[1], "2024-02-28");
    assert_string_equal(dates[2], "2024-03-28");
    assert_string_equal(dates[13], "2025-02-28");
    assert_string_equal(dates[14], "2025-03-28");
    /* 29 Feb 2024 and 1 Mar 2024 stay in the February slot */
    assert_int_equal(pp_billing_last_scheduled(&c, 2024, 2, 29), 2024 * 12 + 1);
    assert_int_equal(pp_billing_last_scheduled(&c, 2024, 3, 1), 2024 * 12 + 1);
    assert_int_equal(pp_billing_last_scheduled(&c, 2024, 2, 27), 2024 * 12 + 0);
    /* Next date */
    int y, m, d;
    assert_true(pp_billing_next_date(&c, 2024, 2, 28, &y, &m, &d));
    assert_true(y == 2024 && m == 3 && d == 28);
    assert_true(pp_billing_next_date(&c, 2025, 2, 27, &y, &m, &d));
    assert_true(y == 2025 && m == 2 && d == 28);
    assert_true(pp_billing_next_date(&c, 2025, 12, 28, &y, &m, &d));
    assert_true(y == 2026 && m == 1 && d == 28);
    /* Yearly in February on the 28th, from a leap year to the next year */
    pp_billing_config_t yearly = {28, 12, 2};
    n = walk(&yearly, 2024, 2025, dates, 40);
    assert_int_equal(n, 2);
    assert_string_equal(dates[0], "2024-02-28");
    assert_string_equal(dates[1], "2025-02-28");
    assert_true(pp_billing_next_date(&yearly, 2024, 2, 28, &y, &m, &d));
    assert_true(y == 2025 && m == 2 && d == 28);
    pp_billing_config_t ext = {28, 0, 0};
    assert_false(pp_billing_next_date(&ext, 2024, 2, 28, &y, &m, &d));
    assert_int_equal(pp_billing_last_scheduled(&ext, 2024, 2, 28), -1);
}

static void bad_configurations(void **state)
{
    (void)state;
    pp_billing_config_t c = {0, 1, 1};
    assert_int_equal(pp_billing_config_check(&c), PP_ERR_RANGE);
    c.day = 29;
    assert_int_equal(pp_billing_config_check(&c), PP_ERR_RANGE);
    c.day = 28;
    c.interval_months = 4;
    assert_int_equal(pp_billing_config_check(&c), PP_ERR_RANGE);
    c.interval_months = 3;
    c.start_month = 13;
    assert_int_equal(pp_billing_config_check(&c), PP_ERR_RANGE);
}

/* ---- the logger ---- */

#define NVM_SIZE PP_NVM_TOTAL_SIZE
#define PAGE 64u

typedef struct fixture {
    pp_fake_port_t fake;
    pp_journal_t journal;
    pp_billing_t billing;
} fixture_t;

static fixture_t *fx_new(uint32_t page)
{
    fixture_t *x = calloc(1, sizeof(*x));
    pp_fake_port_init(&x->fake, NVM_SIZE, page);
    return x;
}

static void fx_open(fixture_t *x, const pp_billing_config_t *c)
{
    assert_int_equal(pp_journal_open(&x->journal, &x->fake.port, PP_NVM_JOURNAL_BASE,
                                     PP_NVM_JOURNAL_SIZE), PP_OK);
    assert_int_equal(pp_billing_init(&x->billing, &x->journal, &x->fake.port, PP_NVM_BILLING_BASE,
                                     PP_NVM_BILLING_SIZE, c), PP_OK);
}

static void fx_free(fixture_t *x)
{
    pp_fake_port_free(&x->fake);
    free(x);
}

/* One whole stop at time t (ms), values derived from i. */
static pp_err_t stop(fixture_t *x, int64_t t, uint32_t i)
{
    pp_billing_snapshot_t s;
    memset(&s, 0, sizeof(s));
    s.utc_ms = t;
    s.reason = PP_BILLING_COMMAND;
    s.period_id = -1;
    s.energy_wh[0] = 1000u * i;
    s.p_plus_max.w = i;
    PP_TRY(pp_billing_write_snapshot(&x->billing, &s));
    PP_TRY(pp_journal_begin(&x->journal));
    PP_TRY(pp_billing_stage(&x->billing, &s));
    PP_TRY(pp_journal_commit(&x->journal));
    pp_billing_apply(&x->billing, &s);
    return PP_OK;
}

#define T0 1772409600000LL /* 2026-03-02 00:00 UTC */
#define DAY_MS 86400000LL

static void logger_depth_and_newest_first(void **state)
{
    (void)state;
    pp_billing_config_t c = {1, 0, 0};
    fixture_t *x = fx_new(PAGE);
    fx_open(x, &c);
    /* 32 KiB / 256 B = 128 slots, one kept free for the write in progress */
    assert_int_equal(x->billing.depth, 127);
    assert_int_equal(pp_billing_count(&x->billing), 0);
    pp_billing_snapshot_t s;
    assert_int_equal(pp_billing_read(&x->billing, 0, &s), PP_ERR_NOT_FOUND);
    for (uint32_t i = 1; i <= 130; i++) {
        assert_int_equal(stop(x, T0 + (int64_t)i * DAY_MS, i), PP_OK);
    }
    assert_int_equal(pp_billing_stop_counter(&x->billing), 130);
    assert_int_equal(pp_billing_count(&x->billing), 127);
    assert_int_equal(pp_billing_read(&x->billing, 0, &s), PP_OK);
    assert_int_equal(s.stop_counter, 130);
    assert_int_equal(s.energy_wh[0], 130000);
    assert_int_equal(pp_billing_read(&x->billing, 126, &s), PP_OK);
    assert_int_equal(s.stop_counter, 4);
    assert_int_equal(pp_billing_read(&x->billing, 127, &s), PP_ERR_NOT_FOUND);
    /* By date: the newest at or before day 50 noon is stop 50 (index 80) */
    uint32_t idx;
    assert_int_equal(pp_billing_find(&x->billing, T0 + 50 * DAY_MS + DAY_MS / 2, &idx), PP_OK);
    assert_int_equal(idx, 80);
    assert_int_equal(pp_billing_find(&x->billing, T0, &idx), PP_ERR_NOT_FOUND);
    /* Reopen: the same */
    fx_open(x, &c);
    assert_null(pp_billing_pending(&x->billing));
    assert_int_equal(pp_billing_count(&x->billing), 127);
    assert_int_equal(pp_billing_read(&x->billing, 0, &s), PP_OK);
    assert_int_equal(s.seq, 130);
    fx_free(x);
}

static void torn_snapshot_and_cut_commit(void **state)
{
    (void)state;
    pp_billing_config_t c = {1, 0, 0};
    fixture_t *x = fx_new(PAGE);
    fx_open(x, &c);
    assert_int_equal(stop(x, T0, 1), PP_OK);
    /* Cut inside the snapshot record (4th page write of 256/64): torn. */
    pp_fake_cut_power_at(&x->fake, (int64_t)x->fake.nvm_writes + 2, 10);
    assert_int_not_equal(stop(x, T0 + DAY_MS, 2), PP_OK);
    pp_fake_power_on(&x->fake);
    fx_open(x, &c);
    assert_null(pp_billing_pending(&x->billing));
    assert_int_equal(pp_billing_stop_counter(&x->billing), 1);
    assert_int_equal(pp_billing_count(&x->billing), 1);
    /* Cut at the journal commit after a complete snapshot: pending. */
    pp_fake_cut_power_at(&x->fake, (int64_t)x->fake.nvm_writes + 4, 0);
    assert_int_not_equal(stop(x, T0 + DAY_MS, 2), PP_OK);
    pp_fake_power_on(&x->fake);
    fx_open(x, &c);
    const pp_billing_snapshot_t *p = pp_billing_pending(&x->billing);
    assert_non_null(p);
    assert_int_equal(p->seq, 2);
    assert_int_equal(p->stop_counter, 2);
    assert_int_equal(p->energy_wh[0], 2000);
    /* Writing a new snapshot before completing is refused */
    pp_billing_snapshot_t s = *p;
    assert_int_equal(pp_billing_write_snapshot(&x->billing, &s), PP_ERR_STATE);
    assert_int_equal(pp_journal_begin(&x->journal), PP_OK);
    assert_int_equal(pp_billing_stage(&x->billing, p), PP_OK);
    assert_int_equal(pp_journal_commit(&x->journal), PP_OK);
    pp_billing_apply(&x->billing, &s);
    assert_int_equal(pp_billing_stop_counter(&x->billing), 2);
    assert_int_equal(pp_billing_count(&x->billing), 2);
    /* A corrupted slot reads as corrupt, not as data */
    x->fake.nvm[PP_NVM_BILLING_BASE + 1 * PP_BILLING_SLOT + 50] ^= 0x40;
    assert_int_equal(pp_billing_read(&x->billing, 1, &s), PP_ERR_CRC);
    fx_free(x);
}

static pp_err_t flash_erase(void *ctx, uint32_t addr, uint32_t len)
{
    pp_fake_port_t *f = ctx;
    if (!f->powered) {
        return PP_ERR_NVM;
    }
    memset(f->nvm + addr, 0xFF, len);
    return PP_OK;
}

static void flash_erase_units(void **state)
{
    (void)state;
    pp_billing_config_t c = {1, 0, 0};
    fixture_t *x = fx_new(256);
    x->fake.port.nvm.erase_size = 4096;
    x->fake.port.nvm_erase = flash_erase;
    assert_int_equal(pp_journal_open(&x->journal, &x->fake.port, PP_NVM_JOURNAL_BASE,
                                     PP_NVM_JOURNAL_SIZE), PP_OK);
    assert_int_equal(pp_billing_init(&x->billing, &x->journal, &x->fake.port, PP_NVM_BILLING_BASE,
                                     PP_NVM_BILLING_SIZE, &c), PP_OK);
    /* 16 slots per 4 KiB unit: depth 128 - 16 = 112 */
    assert_int_equal(x->billing.depth, 112);
    /* Around the ring twice: the 112 newest stay readable after every stop
     * (stop 130 -> index 0 .. stop 19 -> index 111). */
    pp_billing_snapshot_t s;
    for (uint32_t i = 1; i <= 260; i++) {
        assert_int_equal(stop(x, T0 + (int64_t)i * DAY_MS, i), PP_OK);
        uint32_t n = pp_billing_count(&x->billing);
        assert_int_equal(n, i < 112 ? i : 112);
        assert_int_equal(pp_billing_read(&x->billing, n - 1, &s), PP_OK);
        assert_int_equal(s.stop_counter, i - n + 1);
    }
    assert_int_equal(pp_billing_init(&x->billing, &x->journal, &x->fake.port, PP_NVM_BILLING_BASE,
                                     PP_NVM_BILLING_SIZE, &c), PP_OK);
    assert_null(pp_billing_pending(&x->billing));
    assert_int_equal(pp_billing_read(&x->billing, 111, &s), PP_OK);
    assert_int_equal(s.stop_counter, 260 - 111);
    /* Misaligned region refused */
    assert_int_equal(pp_billing_init(&x->billing, &x->journal, &x->fake.port,
                                     PP_NVM_BILLING_BASE + 256, 8192, &c), PP_ERR_ARG);
    fx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_z7_row),
        cmocka_unit_test(z7_decoding_agrees_with_the_order_code),
        cmocka_unit_test(the_28th_across_february),
        cmocka_unit_test(bad_configurations),
        cmocka_unit_test(logger_depth_and_newest_first),
        cmocka_unit_test(torn_snapshot_and_cut_commit),
        cmocka_unit_test(flash_erase_units),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
