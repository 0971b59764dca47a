/* Load profile: the data sheet's depth table (A+ 92/275/550/1100, A+/A-
 * 77/231/462/924, A+/A-/R+/R- 58/175/350/700 days at 5/15/30/60 min) from
 * the 554,400-byte budget, both as a figure and as slots really written;
 * wrap-around keeps the newest; boundaries, outages, clock changes, DST; a
 * 1-hour range out of a year of 15-minute 4-channel data reads only those
 * rows plus a bisection (NVM reads counted by the fake port).
 *
 * Hand figures: CET = UTC+1. 2026-01-01 00:00:00 UTC = 1767225600 s, so
 * standard time 01:00:00 = 1767229200 s. EU summer time 2026 starts on
 * Sunday 29 March 01:00 UTC = 1774746000 s. Register values in the tests
 * are the tick's standard-time minute count (A+), twice that (A-), ... so a
 * row's value tells at which tick it was captured. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "export_csv.h"
#include "fake_port.h"
#include "polyphase/nvm_layout.h"
#include "polyphase/profile.h"

#define T0_UTC 1767225600000LL  /* 2026-01-01 00:00:00 UTC */
#define T0_STD 1767229200000LL  /* same instant in CET standard time */
#define MIN 60000LL
#define DST_BEGIN_UTC 1774746000000LL

typedef struct world {
    pp_fake_port_t fake;
    pp_clock_t clk;
    pp_lp_t lp;
} world_t;

static world_t *w;

static int setup(void **state)
{
    (void)state;
    w = calloc(1, sizeof(*w));
    pp_fake_port_init(&w->fake, PP_NVM_TOTAL_SIZE, 256);
    assert_int_equal(pp_clock_init(&w->clk, 60, true), PP_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    pp_fake_port_free(&w->fake);
    free(w);
    return 0;
}

static void open_lp(unsigned period, unsigned ch)
{
    pp_lp_config_t cfg = {(uint8_t)period, (uint8_t)ch, 0};
    assert_int_equal(pp_lp_init(&w->lp, &w->fake.port, PP_NVM_LOAD_PROFILE_BASE,
                                PP_NVM_LOAD_PROFILE_SIZE, &cfg),
                     PP_OK);
}

static void tick(int64_t utc_ms, uint8_t flags)
{
    int64_t m = (utc_ms + 60 * MIN) / MIN; /* standard-time minutes */
    pp_lp_regs_t r = {(uint32_t)m, (uint32_t)(2 * m), (uint32_t)(3 * m), (uint32_t)(4 * m)};
    assert_int_equal(pp_lp_tick(&w->lp, &w->clk, utc_ms, &r, flags), PP_OK);
}

typedef struct row {
    int64_t t;
    uint8_t status;
    uint32_t v[4];
} row_t;

static row_t get_row(uint32_t index)
{
    uint8_t p[1 + 16];
    row_t r;
    memset(&r, 0, sizeof(r));
    assert_int_equal(pp_logstore_get(&w->lp.p.store, index, &r.t, NULL, p), PP_OK);
    r.status = p[0];
    for (unsigned i = 0; i < w->lp.channels; i++) {
        r.v[i] = (uint32_t)p[1 + 4 * i] | (uint32_t)p[2 + 4 * i] << 8 |
                 (uint32_t)p[3 + 4 * i] << 16 | (uint32_t)p[4 + 4 * i] << 24;
    }
    return r;
}

static const unsigned periods[4] = {5, 15, 30, 60};
static const unsigned chans[3] = {1, 2, 4};
static const unsigned table[3][4] = {{92, 275, 550, 1100}, {77, 231, 462, 924}, {58, 175, 350, 700}};

static void test_depth_table(void **state)
{
    (void)state;
    /* 554400 / 21 = 26400, / 25 = 22176, / 33 = 16800 entries */
    assert_int_equal(pp_profile_capacity(PP_LP_BUDGET, 1), 26400);
    assert_int_equal(pp_profile_capacity(PP_LP_BUDGET, 2), 22176);
    assert_int_equal(pp_profile_capacity(PP_LP_BUDGET, 4), 16800);
    for (unsigned c = 0; c < 3; c++) {
        for (unsigned p = 0; p < 4; p++) {
            assert_int_equal(pp_lp_depth_days(chans[c], periods[p]), table[c][p]);
            open_lp(periods[p], chans[c]);
            /* the ring really has these slots of 17 + 4n bytes */
            const pp_logstore_t *s = &w->lp.p.store;
            assert_int_equal(s->slot_len, 17u + 4u * chans[c]);
            assert_int_equal(s->capacity, PP_LP_BUDGET / s->slot_len);
            assert_int_equal((uint64_t)s->capacity * s->slot_len, PP_LP_BUDGET);
            assert_true((uint64_t)s->capacity * s->slot_len <= PP_NVM_LOAD_PROFILE_SIZE);
        }
    }
}

/* Fill every configuration past its capacity, one tick a second after
 * each boundary: the ring holds exactly capacity entries, the newest ones,
 * spanning the data sheet's depth. */
static void test_depth_filled(void **state)
{
    (void)state;
    for (unsigned c = 0; c < 3; c++) {
        for (unsigned p = 0; p < 4; p++) {
            memset(w->fake.nvm, 0xFF, PP_NVM_TOTAL_SIZE);
            open_lp(periods[p], chans[c]);
            uint32_t cap = w->lp.p.store.capacity;
            int64_t per = (int64_t)periods[p] * MIN;
            tick(T0_UTC, 0); /* starts the first period */
            for (uint32_t k = 1; k <= cap + 7; k++) {
                tick(T0_UTC + (int64_t)k * per + 1000, 0);
            }
            assert_int_equal(pp_logstore_count(&w->lp.p.store), cap);
            row_t oldest = get_row(0), newest = get_row(cap - 1);
            assert_int_equal(newest.t, T0_STD + (int64_t)(cap + 7) * per);
            assert_int_equal(oldest.t, T0_STD + 8 * per); /* first 7 overwritten */
            int64_t span_min = (newest.t - oldest.t) / MIN + (int64_t)periods[p];
            assert_int_equal((span_min + 720) / 1440, table[c][p]);
            assert_int_equal(newest.v[0], (uint32_t)(newest.t / MIN));
        }
    }
}

static void test_boundaries_and_values(void **state)
{
    (void)state;
    open_lp(15, 4);
    tick(T0_UTC + 7 * MIN, 0); /* std 01:07 */
    assert_int_equal(pp_logstore_count(&w->lp.p.store), 0);
    tick(T0_UTC + 14 * MIN + 59999, 0);
    assert_int_equal(pp_logstore_count(&w->lp.p.store), 0);
    tick(T0_UTC + 15 * MIN, 0); /* std 01:15:00 exactly: boundary */
    assert_int_equal(pp_logstore_count(&w->lp.p.store), 1);
    row_t r = get_row(0);
    assert_int_equal(r.t, T0_STD + 15 * MIN);
    assert_int_equal(r.status, 0);
    uint32_t m = (uint32_t)((T0_STD + 15 * MIN) / MIN);
    assert_int_equal(r.v[0], m);
    assert_int_equal(r.v[1], 2 * m);
    assert_int_equal(r.v[2], 3 * m);
    assert_int_equal(r.v[3], 4 * m);
    /* a condition at 01:20 marks the 01:30 entry only */
    tick(T0_UTC + 20 * MIN, PP_LP_ST_CLOCK_INVALID | PP_LP_ST_DATA_NOT_VALID);
    tick(T0_UTC + 30 * MIN, 0);
    tick(T0_UTC + 45 * MIN, 0);
    assert_int_equal(get_row(1).status, PP_LP_ST_CLOCK_INVALID | PP_LP_ST_DATA_NOT_VALID);
    assert_int_equal(get_row(2).status, 0);
    /* a caller cannot forge the DST bit */
    tick(T0_UTC + 50 * MIN, PP_LP_ST_DST);
    tick(T0_UTC + 60 * MIN, 0);
    assert_int_equal(get_row(3).status, 0);
}

/* Off from std 01:20 to 03:05: entries 01:30 .. 03:00 written at power-up
 * with the power-up readings, all flagged; the 03:15 entry (period of the
 * restart) flagged too; 03:30 clean. */
static void test_power_down(void **state)
{
    (void)state;
    open_lp(15, 2);
    tick(T0_UTC + 10 * MIN, 0);
    tick(T0_UTC + 15 * MIN, 0);
    tick(T0_UTC + 20 * MIN, 0);
    open_lp(15, 2); /* restart */
    assert_int_equal(pp_logstore_count(&w->lp.p.store), 1);
    tick(T0_UTC + 125 * MIN, 0);
    assert_int_equal(pp_logstore_count(&w->lp.p.store), 1 + 7); /* 01:30..03:00 */
    for (uint32_t i = 1; i <= 7; i++) {
        row_t r = get_row(i);
        assert_int_equal(r.t, T0_STD + (15 + 15 * (int64_t)i) * MIN);
        assert_int_equal(r.status, PP_LP_ST_POWER_DOWN);
        assert_int_equal(r.v[0], (uint32_t)((T0_STD + 125 * MIN) / MIN));
    }
    tick(T0_UTC + 135 * MIN, 0);
    tick(T0_UTC + 150 * MIN, 0);
    assert_int_equal(get_row(8).t, T0_STD + 135 * MIN);
    assert_int_equal(get_row(8).status, PP_LP_ST_POWER_DOWN);
    assert_int_equal(get_row(9).status, 0);
    /* a restart within the same period flags that period only */
    open_lp(15, 2);
    tick(T0_UTC + 152 * MIN, 0);
    tick(T0_UTC + 165 * MIN, 0);
    tick(T0_UTC + 180 * MIN, 0);
    assert_int_equal(get_row(10).status, PP_LP_ST_POWER_DOWN);
    assert_int_equal(get_row(11).status, 0);
}

static void test_clock_forward(void **state)
{
    (void)state;
    open_lp(15, 1);
    tick(T0_UTC + 1 * MIN, 0);
    tick(T0_UTC + 7 * MIN, 0);
    /* set from std 01:07 to 02:07: 01:15..02:00 skipped boundaries */
    pp_lp_clock_adjusted(&w->lp, &w->clk, T0_UTC + 67 * MIN);
    tick(T0_UTC + 67 * MIN, 0);
    assert_int_equal(pp_logstore_count(&w->lp.p.store), 4);
    for (uint32_t i = 0; i < 4; i++) {
        assert_int_equal(get_row(i).t, T0_STD + (15 + 15 * (int64_t)i) * MIN);
        assert_int_equal(get_row(i).status, PP_LP_ST_CLOCK_ADJUSTED);
    }
    tick(T0_UTC + 75 * MIN, 0);
    tick(T0_UTC + 90 * MIN, 0);
    assert_int_equal(get_row(4).status, PP_LP_ST_CLOCK_ADJUSTED); /* 02:15, in progress */
    assert_int_equal(get_row(5).status, 0);
}

static void test_clock_backward(void **state)
{
    (void)state;
    open_lp(15, 1);
    tick(T0_UTC, 0);
    tick(T0_UTC + 15 * MIN, 0);
    tick(T0_UTC + 30 * MIN, 0);
    tick(T0_UTC + 32 * MIN, 0); /* newest row 01:30 */
    /* set back from 01:32 to 01:02: 01:15 and 01:30 are not written again */
    pp_lp_clock_adjusted(&w->lp, &w->clk, T0_UTC + 2 * MIN);
    tick(T0_UTC + 2 * MIN, 0);
    tick(T0_UTC + 15 * MIN, 0);
    tick(T0_UTC + 30 * MIN, 0);
    assert_int_equal(pp_logstore_count(&w->lp.p.store), 2);
    tick(T0_UTC + 45 * MIN, 0);
    assert_int_equal(pp_logstore_count(&w->lp.p.store), 3);
    row_t r = get_row(2);
    assert_int_equal(r.t, T0_STD + 45 * MIN);
    assert_int_equal(r.status, PP_LP_ST_CLOCK_ADJUSTED);
    tick(T0_UTC + 60 * MIN, 0);
    assert_int_equal(get_row(3).status, 0);
}

/* Around the March change the stamps run on in standard time (no missing
 * hour) and the DST bit follows the capture instant. */
static void test_dst(void **state)
{
    (void)state;
    open_lp(60, 1);
    int64_t t = DST_BEGIN_UTC - 3 * 60 * MIN;
    tick(t, 0);
    for (int h = 1; h <= 6; h++) {
        tick(t + h * 60 * MIN, 0);
    }
    assert_int_equal(pp_logstore_count(&w->lp.p.store), 6);
    for (uint32_t i = 0; i < 6; i++) {
        row_t r = get_row(i);
        int64_t utc = r.t - 60 * MIN;
        assert_int_equal(r.t, t + 60 * MIN + (int64_t)(i + 1) * 60 * MIN);
        assert_int_equal(r.status, utc >= DST_BEGIN_UTC ? PP_LP_ST_DST : 0);
    }
    assert_int_equal(get_row(1).status, 0);           /* 01:00 std, 00:00 UTC */
    assert_int_equal(get_row(2).status, PP_LP_ST_DST); /* 01:00 UTC exactly */
}

typedef struct count {
    unsigned rows;
    int64_t first, last;
} count_t;

static int count_rows(void *user, const pp_log_row_t *row)
{
    count_t *c = user;
    if (c->rows == 0) {
        c->first = row->cell[0].value;
    }
    c->last = row->cell[0].value;
    c->rows++;
    return 0;
}

/* A year of 15-minute 4-channel data (35,040 entries through a ring of
 * 16,800 = 175 days): a 1-hour range reads a bisection + 5 rows. */
static void test_year_range_reads(void **state)
{
    (void)state;
    open_lp(15, 4);
    const int64_t per = 15 * MIN;
    tick(T0_UTC, 0);
    for (int64_t k = 1; k <= 35040; k++) {
        tick(T0_UTC + k * per, 0);
    }
    assert_int_equal(pp_logstore_count(&w->lp.p.store), 16800);
    pp_log_view_t v;
    pp_lp_view(&w->lp, &v);
    /* 2026-12-01 10:00 .. 11:00 std, inclusive: 10:00, :15, :30, :45, 11:00 */
    int64_t from = T0_STD + (334LL * 24 + 9) * 60 * MIN;
    pp_log_select_t s = {.by = PP_LOG_BY_RANGE, .from_time = from, .to_time = from + 60 * MIN};
    count_t c = {0, 0, 0};
    uint64_t before = w->fake.nvm_reads;
    assert_int_equal(pp_log_read(&v, &s, count_rows, &c), 5);
    uint64_t reads = w->fake.nvm_reads - before;
    assert_int_equal(c.first, from);
    assert_int_equal(c.last, from + 60 * MIN);
    /* 15 probes (ceil(log2(16800))) for the lower bound, doubling steps
     * from there for the upper one (2 x 3), 5 rows */
    assert_true(reads <= 15 + 6 + 5);
    print_message("1-hour range of a full 4-channel profile: %u rows, %llu NVM reads\n", c.rows,
                  (unsigned long long)reads);
    /* a whole day: 97 rows (00:00 .. 24:00 inclusive) */
    s.to_time = from + 24 * 60 * MIN;
    c.rows = 0;
    before = w->fake.nvm_reads;
    assert_int_equal(pp_log_read(&v, &s, count_rows, &c), 97);
    assert_true(w->fake.nvm_reads - before <= 15 + 2 * 7 + 97);
    /* recovery after the year reads a handful of slots */
    uint64_t r0 = w->fake.nvm_reads;
    open_lp(15, 4);
    assert_true(w->fake.nvm_reads - r0 <= 15 + 3);
    assert_int_equal(pp_logstore_count(&w->lp.p.store), 16800);
}

static void test_bad_config(void **state)
{
    (void)state;
    pp_lp_config_t cfg = {10, 1, 0};
    assert_int_equal(pp_lp_init(&w->lp, &w->fake.port, PP_NVM_LOAD_PROFILE_BASE,
                                PP_NVM_LOAD_PROFILE_SIZE, &cfg),
                     PP_ERR_RANGE);
    cfg.period_min = 15;
    cfg.channels = 3;
    assert_int_equal(pp_lp_init(&w->lp, &w->fake.port, PP_NVM_LOAD_PROFILE_BASE,
                                PP_NVM_LOAD_PROFILE_SIZE, &cfg),
                     PP_ERR_RANGE);
    cfg.channels = 4;
    assert_int_equal(pp_lp_init(&w->lp, &w->fake.port, PP_NVM_LOAD_PROFILE_BASE, 100000, &cfg),
                     PP_ERR_ARG); /* budget does not fit the region */
    /* another configuration or generation starts empty */
    open_lp(15, 4);
    tick(T0_UTC, 0);
    tick(T0_UTC + 15 * MIN, 0);
    assert_int_equal(pp_logstore_count(&w->lp.p.store), 1);
    open_lp(15, 2);
    assert_int_equal(pp_logstore_count(&w->lp.p.store), 0);
    cfg.generation = 1;
    assert_int_equal(pp_lp_init(&w->lp, &w->fake.port, PP_NVM_LOAD_PROFILE_BASE,
                                PP_NVM_LOAD_PROFILE_SIZE, &cfg),
                     PP_OK);
    assert_int_equal(pp_logstore_count(&w->lp.p.store), 0);
}

/* 30 days off at 15 min = 2,880 missed boundaries: caught up 256 rows per
 * tick, contiguous, all flagged, none twice. */
static void test_long_outage_sliced(void **state)
{
    (void)state;
    open_lp(15, 4);
    tick(T0_UTC, 0);
    tick(T0_UTC + 15 * MIN, 0);
    open_lp(15, 4); /* restart after 30 days */
    int64_t back = T0_UTC + 30LL * 1440 * MIN + 15 * MIN + 20000;
    tick(back, 0);
    assert_int_equal(pp_logstore_count(&w->lp.p.store), 1 + PP_PROFILE_MAX_PER_TICK);
    for (int i = 1; i <= 20; i++) {
        tick(back + i * 1000, 0);
    }
    uint32_t n = pp_logstore_count(&w->lp.p.store);
    assert_int_equal(n, 1 + 30 * 96);
    for (uint32_t i = 1; i < n; i++) {
        row_t r = get_row(i);
        assert_int_equal(r.t, T0_STD + 15 * MIN + (int64_t)i * 15 * MIN);
        assert_int_equal(r.status, PP_LP_ST_POWER_DOWN);
    }
}

/* CSV export: header and the first row by hand (std 01:15 on 2026-01-01 is
 * minute 29,453,835 since 1970 on the standard-time scale). */
static void test_csv_export(void **state)
{
    (void)state;
    open_lp(15, 4);
    tick(T0_UTC, 0);
    tick(T0_UTC + 15 * MIN, 0);
    tick(T0_UTC + 30 * MIN, PP_LP_ST_CLOCK_INVALID);
    tick(T0_UTC + 45 * MIN, 0);
    char dir[] = "/tmp/pp_lp_csvXXXXXX";
    assert_non_null(mkdtemp(dir));
    assert_int_equal(pp_export_csv_all(dir, 60, &w->lp, NULL, NULL), PP_OK);
    char path[64], text[512];
    snprintf(path, sizeof(path), "%s/load_profile.csv", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = 0;
    assert_string_equal(text,
                        "\"clock\",\"status\",\"A+ (Wh)\",\"A- (Wh)\",\"R+ (varh)\",\"R- (varh)\"\n"
                        "2026-01-01T01:15:00+01:00,0,29453835,58907670,88361505,117815340\n"
                        "2026-01-01T01:30:00+01:00,0,29453850,58907700,88361550,117815400\n"
                        "2026-01-01T01:45:00+01:00,2,29453865,58907730,88361595,117815460\n");
    remove(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_depth_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_depth_filled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_boundaries_and_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_power_down, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clock_forward, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clock_backward, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dst, setup, teardown),
        cmocka_unit_test_setup_teardown(test_year_range_reads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_config, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv_export, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_outage_sliced, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
