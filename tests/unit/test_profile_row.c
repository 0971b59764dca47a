/* Profile rows from a fixed layout (src/dlms/profile_row.c) against
 * hand-built A-XDR (IEC 62056-6-2 tags: structure 02, octet-string 09,
 * unsigned 11, long-unsigned 12, double-long 05, double-long-unsigned 06,
 * long64 14; big-endian values). Date-times come from the caller. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dlms/profile_row.h"

/* 2026-01-02 (Friday) 12:30:00.00, deviation -60, status 0 */
static const uint8_t DT[12] = {0x07, 0xEA, 0x01, 0x02, 0x05, 0x0C, 0x1E, 0x00, 0x00, 0xFF, 0xC4, 0x00};

static bool dt_fixed(void *user, int64_t stamp, uint8_t out[PP_ROW_DT_OCTETS])
{
    int64_t *seen = user;
    *seen = stamp;
    memcpy(out, DT, sizeof DT);
    return true;
}

static bool dt_invalid(void *user, int64_t stamp, uint8_t out[PP_ROW_DT_OCTETS])
{
    (void)user;
    (void)stamp;
    (void)out;
    return false;
}

/* A load-profile row: clock, status, four energies with scalers 0, 1, 4
 * and 19 (more digits than the value has). */
static void load_profile_row(void **state)
{
    (void)state;
    const pp_log_cell_t cells[6] = {
        {PP_LOG_TIME, 0, 1767353400000LL}, {PP_LOG_U8, 1, 0x08},
        {PP_LOG_U32, 2, 1234},             {PP_LOG_U32, 3, 123456},
        {PP_LOG_U32, 4, 4294967295LL},     {PP_LOG_U32, 5, 7}};
    const pp_log_row_t row = {.seq = 1, .entry = 1, .ncells = 6, .cell = cells};
    int8_t pow10[PP_LOG_MAX_COLUMNS] = {0};
    pow10[3] = 1;
    pow10[4] = 4;
    pow10[5] = 19;
    pp_row_layout_t l;
    assert_true(pp_row_layout_init(&l, &row, pow10));
    static const uint8_t WANT[] = {
        0x02, 0x06,                                                       /* structure of 6 */
        0x09, 0x0C, 0x07, 0xEA, 0x01, 0x02, 0x05, 0x0C, 0x1E, 0x00, 0x00, 0xFF, 0xC4, 0x00,
        0x11, 0x08,                                                       /* status */
        0x06, 0x00, 0x00, 0x04, 0xD2,                                     /* 1234 */
        0x06, 0x00, 0x00, 0x30, 0x39,                                     /* 123456 / 10 */
        0x06, 0x00, 0x06, 0x8D, 0xB8,                                     /* 4294967295 / 10^4 */
        0x06, 0x00, 0x00, 0x00, 0x00};                                    /* 7 / 10^19 */
    assert_int_equal(l.len, sizeof WANT);
    uint8_t out[64];
    memset(out, 0xEE, sizeof out);
    int64_t seen = 0;
    assert_true(pp_row_layout_put(&l, &row, dt_fixed, &seen, out));
    assert_memory_equal(out, WANT, sizeof WANT);
    assert_int_equal(out[sizeof WANT], 0xEE); /* nothing past the row */
    assert_int_equal(seen, 1767353400000LL);
}

static void signed_and_wide_cells(void **state)
{
    (void)state;
    const pp_log_cell_t cells[3] = {
        {PP_LOG_U16, 0, 0xBEEF}, {PP_LOG_I32, 1, -2}, {PP_LOG_I64, 2, -1234567890123LL}};
    const pp_log_row_t row = {.ncells = 3, .cell = cells};
    const int8_t pow10[PP_LOG_MAX_COLUMNS] = {3, 3, 3}; /* units only apply to U32 cells */
    pp_row_layout_t l;
    assert_true(pp_row_layout_init(&l, &row, pow10));
    static const uint8_t WANT[] = {0x02, 0x03, 0x12, 0xBE, 0xEF, 0x05, 0xFF, 0xFF, 0xFF, 0xFE,
                                   0x14, 0xFF, 0xFF, 0xFE, 0xE0, 0x8E, 0x04, 0xFB, 0x35};
    assert_int_equal(l.len, sizeof WANT);
    uint8_t out[32];
    assert_true(pp_row_layout_put(&l, &row, dt_invalid, NULL, out));
    assert_memory_equal(out, WANT, sizeof WANT);
}

/* Rows of another shape, a date-time that does not convert and a type
 * without a fixed encoding are refused (the general encoder takes over). */
static void refuses_what_it_cannot_encode(void **state)
{
    (void)state;
    pp_log_cell_t cells[2] = {{PP_LOG_TIME, 0, 0}, {PP_LOG_U32, 2, 5}};
    pp_log_row_t row = {.ncells = 2, .cell = cells};
    const int8_t pow10[PP_LOG_MAX_COLUMNS] = {0};
    pp_row_layout_t l;
    uint8_t out[64];
    int64_t seen;
    assert_true(pp_row_layout_init(&l, &row, pow10));
    assert_false(pp_row_layout_put(&l, &row, dt_invalid, NULL, out));
    cells[1].column = 3; /* another column */
    assert_false(pp_row_layout_put(&l, &row, dt_fixed, &seen, out));
    cells[1] = (pp_log_cell_t){PP_LOG_I32, 2, 5}; /* another type */
    assert_false(pp_row_layout_put(&l, &row, dt_fixed, &seen, out));
    row.ncells = 1; /* fewer cells */
    assert_false(pp_row_layout_put(&l, &row, dt_fixed, &seen, out));
    cells[0].type = 99;
    assert_false(pp_row_layout_init(&l, &row, pow10));
}

/* The day's octets with the time of day from ms into the day (hand
 * computed: 45,296,780 ms = 12:34:56.78), whole minutes and not. */
static void time_of_day_patch(void **state)
{
    (void)state;
    static const struct {
        uint32_t ms;
        uint8_t h, m, s, hund;
    } CASES[] = {{0, 0, 0, 0, 0},          {45296780u, 12, 34, 56, 78}, {86399999u, 23, 59, 59, 99},
                 {60000u, 0, 1, 0, 0},     {59999u, 0, 0, 59, 99},      {3599990u, 0, 59, 59, 99},
                 {82800000u, 23, 0, 0, 0}, {1009u, 0, 0, 1, 0},         {45240000u, 12, 34, 0, 0}};
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        uint8_t out[PP_ROW_DT_OCTETS];
        uint8_t want[PP_ROW_DT_OCTETS];
        memcpy(want, DT, sizeof DT);
        want[5] = CASES[i].h;
        want[6] = CASES[i].m;
        want[7] = CASES[i].s;
        want[8] = CASES[i].hund;
        pp_row_dt_patch(out, DT, CASES[i].ms);
        assert_memory_equal(out, want, sizeof want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(load_profile_row),
        cmocka_unit_test(signed_and_wide_cells),
        cmocka_unit_test(refuses_what_it_cannot_encode),
        cmocka_unit_test(time_of_day_patch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
