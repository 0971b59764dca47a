/* Event logs: code table sanity (IDIS numbers checked by hand against the
 * DLMS UA / IDIS list: 1 power down, 2 power up, 5 clock adjusted (new
 * time), 17/18 firmware, 40-45 covers and DC field, 46 authentication
 * failure, 60-66 disconnector and limiter, 76-87 under/over/missing/normal
 * voltage per phase), routing to the right log, EN 50160 short/long
 * threshold at exactly 180 s, clamping after the clock was set back,
 * counters across restarts and across a power cut at every write of a
 * record, wrap-around, reads through pp_log_read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_port.h"
#include "polyphase/events.h"
#include "polyphase/nvm_layout.h"

#define T0 1767229200000LL /* 2026-01-01 01:00:00 CET standard time */
#define S 1000LL

typedef struct world {
    pp_fake_port_t fake;
    pp_journal_t journal;
    pp_events_t ev;
} world_t;

static world_t *w;

static pp_err_t boot(void)
{
    PP_TRY(pp_journal_open(&w->journal, &w->fake.port, PP_NVM_JOURNAL_BASE, PP_NVM_JOURNAL_SIZE));
    return pp_events_init(&w->ev, &w->fake.port, PP_NVM_EVENTS_BASE, PP_NVM_EVENTS_SIZE,
                          &w->journal);
}

static int setup(void **state)
{
    (void)state;
    w = calloc(1, sizeof(*w));
    pp_fake_port_init(&w->fake, PP_NVM_TOTAL_SIZE, 64);
    assert_int_equal(boot(), PP_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    pp_fake_port_free(&w->fake);
    free(w);
    return 0;
}

typedef struct rows {
    unsigned n;
    int64_t c[400][4];
} rows_t;

static int collect(void *user, const pp_log_row_t *row)
{
    rows_t *r = user;
    if (r->n < 400) {
        for (uint8_t i = 0; i < row->ncells && i < 4; i++) {
            r->c[r->n][i] = row->cell[i].value;
        }
    }
    r->n++;
    return 0;
}

static unsigned read_all(pp_evlog_t log, rows_t *r)
{
    pp_log_view_t v;
    pp_log_select_t s;
    memset(&s, 0, sizeof(s));
    memset(r, 0, sizeof(*r));
    assert_int_equal(pp_events_view(&w->ev, log, &v), PP_OK);
    int n = pp_log_read(&v, &s, collect, r);
    assert_true(n >= 0);
    return (unsigned)n;
}

static void test_code_table(void **state)
{
    (void)state;
    unsigned per_log[PP_EVLOG_COUNT] = {0};
    uint32_t bytes = 0;
    for (unsigned i = 0; i < PP_EV_NCODES; i++) {
        const pp_ev_code_info_t *c = pp_events_code_at(i);
        assert_non_null(c);
        assert_true(c->log < PP_EVLOG_COUNT);
        assert_ptr_equal(pp_events_code_info(c->code), c); /* codes are unique */
        per_log[c->log]++;
    }
    assert_null(pp_events_code_at(PP_EV_NCODES));
    for (unsigned l = 0; l < PP_EVLOG_COUNT; l++) {
        assert_true(per_log[l] >= 1 && per_log[l] <= PP_EV_MAX_PER_LOG);
        bytes += pp_events_capacity((pp_evlog_t)l) * 34u;
    }
    assert_true(bytes <= PP_NVM_EVENTS_SIZE);
    assert_int_equal(pp_events_code_info(PP_EV_MAGNET_DETECTED)->log, PP_EVLOG_FRAUD);
    assert_int_equal(pp_events_code_info(PP_EV_SAG_L2)->log, PP_EVLOG_PQ);
    assert_int_equal(pp_events_code_info(PP_EV_AUTH_FAILURE)->log, PP_EVLOG_COMM);
    assert_int_equal(pp_events_code_info(PP_EV_REMOTE_DISCONNECT)->log, PP_EVLOG_DISCONNECT);
    assert_null(pp_events_code_info(7));
    assert_int_equal(pp_events_record(&w->ev, T0, 7, 0, 0), PP_ERR_RANGE);
}

static void test_record_and_read(void **state)
{
    (void)state;
    assert_int_equal(pp_events_record(&w->ev, T0, PP_EV_METER_COVER_OPENED, 0, 0), PP_OK);
    assert_int_equal(pp_events_record(&w->ev, T0 + 90 * S, PP_EV_METER_COVER_CLOSED, 90, 0),
                     PP_OK);
    assert_int_equal(pp_events_record(&w->ev, T0 + 100 * S, PP_EV_SAG_L2, 184000, 120), PP_OK);
    assert_int_equal(pp_events_record(&w->ev, T0 + 200 * S, PP_EV_AUTH_FAILURE, 1, PP_CH_DLMS_WRAPPER),
                     PP_OK);
    rows_t r;
    assert_int_equal(read_all(PP_EVLOG_FRAUD, &r), 2);
    assert_int_equal(r.c[0][0], T0);
    assert_int_equal(r.c[0][1], 44);
    assert_int_equal(r.c[1][1], 45);
    assert_int_equal(r.c[1][2], 90);
    assert_int_equal(read_all(PP_EVLOG_PQ, &r), 1);
    assert_int_equal(r.c[0][1], 77);
    assert_int_equal(r.c[0][2], 184000);
    assert_int_equal(r.c[0][3], 120);
    assert_int_equal(read_all(PP_EVLOG_COMM, &r), 1);
    assert_int_equal(read_all(PP_EVLOG_STANDARD, &r), 0);
    assert_int_equal(pp_events_count(&w->ev, PP_EV_METER_COVER_OPENED), 1);
    assert_int_equal(pp_events_count(&w->ev, PP_EV_SAG_L1), 0);
    /* time range on the fraud log: only the close at +90 s */
    pp_log_view_t v;
    assert_int_equal(pp_events_view(&w->ev, PP_EVLOG_FRAUD, &v), PP_OK);
    pp_log_select_t s = {.by = PP_LOG_BY_RANGE, .from_time = T0 + 1, .to_time = T0 + 90 * S};
    memset(&r, 0, sizeof(r));
    assert_int_equal(pp_log_read(&v, &s, collect, &r), 1);
    assert_int_equal(r.c[0][1], 45);
    assert_int_equal(pp_events_view(&w->ev, PP_EVLOG_COUNT, &v), PP_ERR_ARG);
}

static void test_power_failures(void **state)
{
    (void)state;
    /* 180 s exactly is short (EN 50160: up to 3 min), 181 s is long */
    assert_int_equal(pp_events_power_failure(&w->ev, T0, T0 + 180 * S), PP_OK);
    assert_int_equal(pp_events_power_failure(&w->ev, T0 + 1000 * S, T0 + 1181 * S), PP_OK);
    assert_int_equal(pp_events_power_failure(&w->ev, T0 + 2000 * S, T0 + 2003 * S), PP_OK);
    assert_int_equal(pp_events_power_failure(&w->ev, T0 + 5000 * S, T0 + 4000 * S), PP_ERR_RANGE);
    assert_int_equal(pp_events_count(&w->ev, PP_EV_POWER_FAIL_SHORT), 2);
    assert_int_equal(pp_events_count(&w->ev, PP_EV_POWER_FAIL_LONG), 1);
    assert_int_equal(pp_events_count(&w->ev, PP_EV_POWER_DOWN), 3);
    assert_int_equal(pp_events_count(&w->ev, PP_EV_POWER_UP), 3);
    rows_t r;
    assert_int_equal(read_all(PP_EVLOG_POWER_FAIL, &r), 3);
    assert_int_equal(r.c[1][0], T0 + 1181 * S);  /* stamped at the end */
    assert_int_equal(r.c[1][1], PP_EV_POWER_FAIL_LONG);
    assert_int_equal(r.c[1][2], T0 + 1000 * S);  /* start */
    assert_int_equal(r.c[1][3], 181);            /* duration s */
    assert_int_equal(read_all(PP_EVLOG_STANDARD, &r), 6);
    assert_int_equal(r.c[0][1], PP_EV_POWER_DOWN);
    assert_int_equal(r.c[0][0], T0);
    assert_int_equal(r.c[1][1], PP_EV_POWER_UP);
    assert_int_equal(r.c[1][2], 180);
}

static void test_clock_back_clamps(void **state)
{
    (void)state;
    assert_int_equal(pp_events_clock_adjusted(&w->ev, T0, T0 + 3600 * S), PP_OK);
    /* set back by two hours: row stamped at the newest row's time */
    assert_int_equal(pp_events_clock_adjusted(&w->ev, T0 + 3700 * S, T0 - 3500 * S), PP_OK);
    rows_t r;
    assert_int_equal(read_all(PP_EVLOG_CLOCK, &r), 2);
    assert_int_equal(r.c[1][0], T0 + 3600 * S);
    assert_int_equal(r.c[1][1], 5);
    assert_int_equal(r.c[1][2], T0 + 3700 * S);
    assert_int_equal(r.c[1][3], T0 - 3500 * S);
    assert_int_equal(pp_events_count(&w->ev, PP_EV_CLOCK_ADJUSTED), 2);
}

static void test_restart_and_wrap(void **state)
{
    (void)state;
    for (int i = 0; i < 350; i++) {
        uint16_t code = i % 2 ? PP_EV_MAGNET_GONE : PP_EV_MAGNET_DETECTED;
        assert_int_equal(pp_events_record(&w->ev, T0 + i * S, code, i, 0), PP_OK);
    }
    assert_int_equal(boot(), PP_OK);
    assert_int_equal(pp_events_count(&w->ev, PP_EV_MAGNET_DETECTED), 175);
    assert_int_equal(pp_events_count(&w->ev, PP_EV_MAGNET_GONE), 175);
    rows_t r;
    assert_int_equal(read_all(PP_EVLOG_FRAUD, &r), 300); /* newest 300 kept */
    assert_int_equal(r.c[0][2], 50);
    assert_int_equal(r.c[299][2], 349);
    /* without a journal, counts are rebuilt from what the logs hold */
    assert_int_equal(pp_events_init(&w->ev, &w->fake.port, PP_NVM_EVENTS_BASE, PP_NVM_EVENTS_SIZE,
                                    NULL),
                     PP_OK);
    assert_int_equal(pp_events_count(&w->ev, PP_EV_MAGNET_DETECTED), 150);
    assert_int_equal(pp_events_init(&w->ev, &w->fake.port, PP_NVM_EVENTS_BASE, 1000, NULL),
                     PP_ERR_ARG);
}

/* Count rows of code in a log. */
static uint32_t rows_with(pp_evlog_t log, uint16_t code)
{
    rows_t r;
    unsigned n = read_all(log, &r);
    uint32_t k = 0;
    for (unsigned i = 0; i < n && i < 400; i++) {
        k += r.c[i][1] == code;
    }
    return k;
}

/* A power cut at every NVM write of a record (entry, then journal): after
 * restart the counter equals the rows in the log, and the event is there
 * completely or not at all. */
static void test_cut_every_write(void **state)
{
    (void)state;
    assert_int_equal(pp_events_record(&w->ev, T0, PP_EV_REMOTE_DISCONNECT, 5000, 0), PP_OK);
    for (int64_t k = 0; k < 12; k++) {
        uint32_t before = rows_with(PP_EVLOG_DISCONNECT, PP_EV_REMOTE_DISCONNECT);
        pp_fake_cut_power_at(&w->fake, (int64_t)w->fake.nvm_writes + k, 3);
        pp_err_t rc = pp_events_record(&w->ev, T0 + (k + 1) * S, PP_EV_REMOTE_DISCONNECT, k, 0);
        pp_fake_power_on(&w->fake);
        assert_int_equal(boot(), PP_OK);
        uint32_t after = rows_with(PP_EVLOG_DISCONNECT, PP_EV_REMOTE_DISCONNECT);
        assert_true(after == before || after == before + 1);
        if (rc == PP_OK) {
            assert_int_equal(after, before + 1);
        }
        assert_int_equal(pp_events_count(&w->ev, PP_EV_REMOTE_DISCONNECT), after);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_code_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_record_and_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_power_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clock_back_clamps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restart_and_wrap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cut_every_write, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
