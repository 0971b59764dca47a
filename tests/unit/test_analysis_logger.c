/* Analysis logger: depth endpoints of the data sheet ("2.5 to 520 days")
 * from the 291,600-byte budget (hand figures: 291600 / (17 + 64) = 3600
 * entries x 1 min = 3600 min = 2.5 days; 291600 / 21 = 13885 entries x 54
 * min = 749,790 min = 520.7 days), the ring really holding 3,600 16-channel
 * rows, getter binding and failures, config checks, column subsets. */
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

#define T0_UTC 1767225600000LL /* 2026-01-01 00:00 UTC */
#define T0_STD 1767229200000LL
#define MIN 60000LL

typedef struct world {
    pp_fake_port_t fake;
    pp_clock_t clk;
    pp_al_t al;
    int32_t tick_no;       /* the getter returns source * 1000 + tick_no */
    uint16_t failing;      /* source whose getter fails (0 = none) */
    unsigned calls;
} world_t;

static world_t *w;

static pp_err_t getter(void *ctx, uint16_t source, int32_t *value)
{
    world_t *x = ctx;
    x->calls++;
    if (source == x->failing) {
        return PP_ERR_NOT_FOUND;
    }
    *value = (int32_t)source * 1000 + x->tick_no;
    if (source == 7) {
        *value = -*value; /* signed values survive */
    }
    return PP_OK;
}

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

static pp_al_config_t config(unsigned interval, unsigned channels)
{
    pp_al_config_t c;
    memset(&c, 0, sizeof(c));
    c.interval_min = (uint8_t)interval;
    c.channels = (uint8_t)channels;
    for (unsigned i = 0; i < channels && i < PP_AL_MAX_CHANNELS; i++) {
        c.source[i] = (uint16_t)(i + 1);
    }
    return c;
}

static pp_err_t open_al(const pp_al_config_t *c)
{
    return pp_al_init(&w->al, &w->fake.port, PP_NVM_ANALYSIS_BASE, PP_NVM_ANALYSIS_SIZE, c, getter,
                      w);
}

static void test_depth_endpoints(void **state)
{
    (void)state;
    pp_al_config_t lo = config(1, 16), hi = config(54, 1);
    assert_int_equal(pp_al_depth_minutes(&lo), 3600);       /* 2.5 days */
    assert_int_equal(pp_al_depth_minutes(&hi), 749790);     /* 520.7 days */
    assert_int_equal(pp_al_depth_minutes(&hi) / 1440, 520);
    uint32_t min = UINT32_MAX, max = 0;
    for (unsigned iv = PP_AL_MIN_INTERVAL_MIN; iv <= PP_AL_MAX_INTERVAL_MIN; iv++) {
        for (unsigned ch = 1; ch <= PP_AL_MAX_CHANNELS; ch++) {
            pp_al_config_t c = config(iv, ch);
            uint32_t d = pp_al_depth_minutes(&c);
            min = d < min ? d : min;
            max = d > max ? d : max;
        }
    }
    assert_int_equal(min, 3600);
    assert_int_equal(max, 749790);
    pp_al_config_t bad = config(0, 4);
    assert_int_equal(pp_al_depth_minutes(&bad), 0);
    /* the budget fits the region */
    assert_true(PP_AL_BUDGET <= PP_NVM_ANALYSIS_SIZE);
}

static void test_bad_config(void **state)
{
    (void)state;
    pp_al_config_t c = config(0, 4);
    assert_int_equal(open_al(&c), PP_ERR_RANGE);
    c = config(55, 4);
    assert_int_equal(open_al(&c), PP_ERR_RANGE);
    c = config(15, 0);
    assert_int_equal(open_al(&c), PP_ERR_RANGE);
    c = config(15, 17);
    assert_int_equal(open_al(&c), PP_ERR_RANGE);
    c = config(15, 4);
    assert_int_equal(pp_al_init(&w->al, &w->fake.port, PP_NVM_ANALYSIS_BASE, PP_NVM_ANALYSIS_SIZE,
                                &c, NULL, NULL),
                     PP_ERR_ARG);
}

/* 16 channels every minute: exactly 3,600 rows kept = 2.5 days. */
static void test_real_depth(void **state)
{
    (void)state;
    pp_al_config_t c = config(1, 16);
    assert_int_equal(open_al(&c), PP_OK);
    assert_int_equal(w->al.p.store.capacity, 3600);
    assert_int_equal(w->al.p.store.slot_len, 17 + 64);
    assert_int_equal(pp_al_tick(&w->al, &w->clk, T0_UTC, 0), PP_OK);
    for (int64_t k = 1; k <= 3700; k++) {
        w->tick_no = (int32_t)k;
        assert_int_equal(pp_al_tick(&w->al, &w->clk, T0_UTC + k * MIN + 500, 0), PP_OK);
    }
    assert_int_equal(pp_logstore_count(&w->al.p.store), 3600);
    int64_t t0, t1;
    assert_int_equal(pp_logstore_get(&w->al.p.store, 0, &t0, NULL, NULL), PP_OK);
    assert_int_equal(pp_logstore_get(&w->al.p.store, 3599, &t1, NULL, NULL), PP_OK);
    assert_int_equal(t1, T0_STD + 3700 * MIN);
    assert_int_equal(t1 - t0 + MIN, 3600 * MIN); /* 2.5 days of rows */
}

typedef struct rows {
    unsigned n;
    uint8_t ncells;
    int64_t c[8][18];
} rows_t;

static int collect(void *user, const pp_log_row_t *row)
{
    rows_t *r = user;
    if (r->n < 8) {
        r->ncells = row->ncells;
        for (uint8_t i = 0; i < row->ncells; i++) {
            r->c[r->n][i] = row->cell[i].value;
        }
    }
    r->n++;
    return 0;
}

static void test_values_and_failures(void **state)
{
    (void)state;
    pp_al_config_t c = config(5, 8);
    assert_int_equal(open_al(&c), PP_OK);
    assert_int_equal(pp_al_tick(&w->al, &w->clk, T0_UTC + 1 * MIN, 0), PP_OK);
    w->tick_no = 1;
    assert_int_equal(pp_al_tick(&w->al, &w->clk, T0_UTC + 5 * MIN, 0), PP_OK);
    w->tick_no = 2;
    w->failing = 3;
    assert_int_equal(pp_al_tick(&w->al, &w->clk, T0_UTC + 10 * MIN, 0), PP_OK);
    assert_int_equal(w->calls, 16); /* one read per channel per row */
    pp_log_view_t v;
    pp_al_view(&w->al, &v);
    assert_int_equal(v.ncolumns, 10);
    assert_string_equal(v.columns[9].name, "ch8");
    pp_log_select_t s;
    memset(&s, 0, sizeof(s));
    rows_t r;
    memset(&r, 0, sizeof(r));
    assert_int_equal(pp_log_read(&v, &s, collect, &r), 2);
    assert_int_equal(r.c[0][0], T0_STD + 5 * MIN);
    assert_int_equal(r.c[0][1], 0);
    assert_int_equal(r.c[0][2], 1001);
    assert_int_equal(r.c[0][8], -7001);
    assert_int_equal(r.c[1][1], PP_LP_ST_DATA_NOT_VALID);
    assert_int_equal(r.c[1][4], 0);    /* source 3 failed */
    assert_int_equal(r.c[1][5], 4002);
    /* columns 4..5 (1-based: ch2, ch3) by entry, newest first */
    s.by = PP_LOG_BY_ENTRY;
    s.newest_first = true;
    s.from_entry = 1;
    s.to_entry = 1;
    s.from_value = 4;
    s.to_value = 5;
    memset(&r, 0, sizeof(r));
    assert_int_equal(pp_log_read(&v, &s, collect, &r), 1);
    assert_int_equal(r.ncells, 2);
    assert_int_equal(r.c[0][0], 2002);
    assert_int_equal(r.c[0][1], 0); /* the failed source 3 */
    /* other sources = another layout: starts empty */
    c.source[0] = 99;
    assert_int_equal(open_al(&c), PP_OK);
    assert_int_equal(pp_logstore_count(&w->al.p.store), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_depth_endpoints, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_config, setup, teardown),
        cmocka_unit_test_setup_teardown(test_real_depth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_values_and_failures, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
