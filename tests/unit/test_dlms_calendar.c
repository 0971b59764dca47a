/* Classes 20 (activity calendar) and 11 (special days) through the server
 * with the harness provider (calendar preset 1 "DAYNIGHT" active). Every
 * expected and every written byte is built by hand from the Blue Book
 * structures in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "dlms_server_harness.h"
#include "polyphase/dlms_const.h"

static const uint8_t CAL[6] = {0, 0, 13, 0, 0, 255};
static const uint8_t SPECIAL[6] = {0, 0, 11, 0, 0, 255};
static const uint8_t CTOS[16] = {0x4B, 0x35, 0x36, 0x69, 0x46, 0x61, 0x67, 0x65,
                                 0x4B, 0x35, 0x36, 0x69, 0x46, 0x61, 0x67, 0x65};

/* script 0.0.10.0.100.255 as octet-string: 09 06 00 00 0A 00 64 FF */
#define SCRIPT 0x09, 0x06, 0x00, 0x00, 0x0A, 0x00, 0x64, 0xFF
/* {start_time hh:00:00.00, script, selector t} */
#define ACTION(hh, t) 0x02, 0x03, 0x09, 0x04, (hh), 0x00, 0x00, 0x00, SCRIPT, 0x12, 0x00, (t)

static int setup(void **state)
{
    *state = pp_dsh_new();
    return 0;
}

static int teardown(void **state)
{
    pp_dsh_free(*state);
    return 0;
}

#define GET(h, conn, client, cls, ln, attr, buf) \
    pp_dsh_get(h, conn, client, cls, ln, attr, NULL, buf, sizeof buf, NULL)

/* SET-Request-Normal C1 01 C1, class, LN, attribute, no access, then Data;
 * returns the data-access-result of the SET-Response-Normal (C5 01 C1 dar). */
static int set(pp_dsh_t *h, unsigned conn, uint16_t client, uint16_t cls, const uint8_t ln[6],
               uint8_t attr, const uint8_t *data, size_t len)
{
    uint8_t req[1024] = {0xC1, 0x01, 0xC1, (uint8_t)(cls >> 8), (uint8_t)cls};
    memcpy(req + 5, ln, 6);
    req[11] = attr;
    req[12] = 0x00;
    memcpy(req + 13, data, len);
    uint8_t out[64];
    int n = pp_dsh_exchange(h, conn, client, req, 13 + len, out, sizeof out);
    assert_int_equal(n, 4);
    assert_int_equal(out[0], 0xC5);
    return out[3];
}

/* ACTION-Request-Normal C3 01 C1, class, LN, method, 01 + Data; returns the
 * action-result (C7 01 C1 result ...). */
static int act(pp_dsh_t *h, unsigned conn, uint16_t client, uint16_t cls, const uint8_t ln[6],
               uint8_t method, const uint8_t *data, size_t len)
{
    uint8_t req[256] = {0xC3, 0x01, 0xC1, (uint8_t)(cls >> 8), (uint8_t)cls};
    memcpy(req + 5, ln, 6);
    req[11] = method;
    req[12] = 0x01;
    memcpy(req + 13, data, len);
    uint8_t out[64];
    int n = pp_dsh_exchange(h, conn, client, req, 13 + len, out, sizeof out);
    assert_true(n >= 4);
    assert_int_equal(out[0], 0xC7);
    return out[3];
}

/* Preset 1 as the reader reads it. */
static void reader_reads_the_active_calendar(void **state)
{
    pp_dsh_t *h = *state;
    uint8_t d[512];
    assert_int_equal(pp_dsh_assoc(h, 0, 17, "12345678", 0x00FFFFFF, 0), 0);
    /* 2: "DAYNIGHT" */
    static const uint8_t NAME[] = {0x09, 0x08, 'D', 'A', 'Y', 'N', 'I', 'G', 'H', 'T'};
    assert_int_equal(GET(h, 0, 17, 20, CAL, 2, d), sizeof NAME);
    assert_memory_equal(d, NAME, sizeof NAME);
    /* 3: one season "ALL" from 1 January of any year, 00:00:00, week "WEEK":
     * start = FFFF 01 01 FF(dow) 00 00 00 FF(hundredths) 8000 FF */
    static const uint8_t SEASONS[] = {0x01, 0x01, 0x02, 0x03, 0x09, 0x03, 'A', 'L', 'L',
                                      0x09, 0x0C, 0xFF, 0xFF, 0x01, 0x01, 0xFF, 0x00, 0x00,
                                      0x00, 0xFF, 0x80, 0x00, 0xFF,
                                      0x09, 0x04, 'W', 'E', 'E', 'K'};
    assert_int_equal(GET(h, 0, 17, 20, CAL, 3, d), sizeof SEASONS);
    assert_memory_equal(d, SEASONS, sizeof SEASONS);
    /* 4: "WEEK": Monday..Friday day 1, Saturday, Sunday day 2 */
    static const uint8_t WEEKS[] = {0x01, 0x01, 0x02, 0x08, 0x09, 0x04, 'W', 'E', 'E', 'K',
                                    0x11, 1, 0x11, 1, 0x11, 1, 0x11, 1, 0x11, 1, 0x11, 2, 0x11, 2};
    assert_int_equal(GET(h, 0, 17, 20, CAL, 4, d), sizeof WEEKS);
    assert_memory_equal(d, WEEKS, sizeof WEEKS);
    /* 5: day 1: T2 00:00, T1 06:00, T2 22:00; day 2: T2 00:00 */
    static const uint8_t DAYS[] = {0x01, 0x02,
                                   0x02, 0x02, 0x11, 1, 0x01, 0x03, ACTION(0, 2), ACTION(6, 1),
                                   ACTION(22, 2),
                                   0x02, 0x02, 0x11, 2, 0x01, 0x01, ACTION(0, 2)};
    assert_int_equal(GET(h, 0, 17, 20, CAL, 5, d), sizeof DAYS);
    assert_memory_equal(d, DAYS, sizeof DAYS);
    /* 10: no activation time: every field "not specified" */
    static const uint8_t NEVER[] = {0x09, 0x0C, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                    0xFF, 0xFF, 0x80, 0x00, 0xFF};
    assert_int_equal(GET(h, 0, 17, 20, CAL, 10, d), sizeof NEVER);
    assert_memory_equal(d, NEVER, sizeof NEVER);
    /* the reader may not write: read-write-denied */
    static const uint8_t NEW_NAME[] = {0x09, 0x03, 'N', 'E', 'W'};
    assert_int_equal(set(h, 0, 17, 20, CAL, 6, NEW_NAME, sizeof NEW_NAME), PP_DAR_READ_WRITE_DENIED);
    /* special days: preset 1 holidays 1..6 as weekend days; the first {1, *-01-01, 2} */
    static const uint8_t FIRST[] = {0x01, 0x06, 0x02, 0x03, 0x12, 0x00, 0x01, 0x09, 0x05,
                                    0xFF, 0xFF, 0x01, 0x01, 0xFF, 0x11, 0x02};
    assert_true(GET(h, 0, 17, 11, SPECIAL, 2, d) > (int)sizeof FIRST);
    assert_memory_equal(d, FIRST, sizeof FIRST);
}

/* Management writes the passive day profiles: every refusal with its code,
 * then a valid table read back byte for byte and activated. */
static void management_writes_and_activates(void **state)
{
    pp_dsh_t *h = *state;
    uint8_t d[512];
    assert_int_equal(pp_dsh_hls(h, 0, 1, CTOS, sizeof CTOS, NULL), 0);
    /* one day profile, id 1, T3 from 00:00 */
    static const uint8_t DAY_T3[] = {0x01, 0x01, 0x02, 0x02, 0x11, 1, 0x01, 0x01, ACTION(0, 3)};
    /* selector 5: no such tariff -> other-reason */
    static const uint8_t SEL5[] = {0x01, 0x01, 0x02, 0x02, 0x11, 1, 0x01, 0x01, ACTION(0, 5)};
    assert_int_equal(set(h, 0, 1, 20, CAL, 9, SEL5, sizeof SEL5), PP_DAR_OTHER_REASON);
    /* another script than the tariff scripts -> other-reason */
    uint8_t other[sizeof DAY_T3];
    memcpy(other, DAY_T3, sizeof other);
    other[20] = 0x0B; /* the script 0.0.10.0.100.255 becomes 0.0.11.0.100.255 */
    assert_int_equal(set(h, 0, 1, 20, CAL, 9, other, sizeof other), PP_DAR_OTHER_REASON);
    /* day_id as long-unsigned (12 00 01) instead of unsigned -> type-unmatched */
    uint8_t wide[sizeof DAY_T3 + 1] = {0x01, 0x01, 0x02, 0x02, 0x12, 0x00, 0x01};
    memcpy(wide + 7, DAY_T3 + 6, sizeof DAY_T3 - 6);
    assert_int_equal(set(h, 0, 1, 20, CAL, 9, wide, sizeof wide), PP_DAR_TYPE_UNMATCHED);
    /* 25:00 is no time -> other-reason */
    uint8_t late[sizeof DAY_T3];
    memcpy(late, DAY_T3, sizeof late);
    late[12] = 25;
    assert_int_equal(set(h, 0, 1, 20, CAL, 9, late, sizeof late), PP_DAR_OTHER_REASON);
    /* nine day profiles: more than the meter keeps (8) -> other-reason */
    uint8_t nine[2 + 9 * (sizeof DAY_T3 - 2)] = {0x01, 0x09};
    for (unsigned i = 0; i < 9; i++) {
        memcpy(nine + 2 + i * (sizeof DAY_T3 - 2), DAY_T3 + 2, sizeof DAY_T3 - 2);
        nine[2 + i * (sizeof DAY_T3 - 2) + 3] = (uint8_t)(i + 1); /* day_id */
    }
    assert_int_equal(set(h, 0, 1, 20, CAL, 9, nine, sizeof nine), PP_DAR_OTHER_REASON);
    assert_int_equal(h->cal_writes, 0u); /* nothing refused reached the provider */
    /* the valid table is taken and reads back as written */
    assert_int_equal(set(h, 0, 1, 20, CAL, 9, DAY_T3, sizeof DAY_T3), PP_DAR_SUCCESS);
    assert_int_equal(h->cal_writes, 1u);
    assert_int_equal(pp_dsh_get(h, 0, 1, 20, CAL, 9, NULL, d, sizeof d, NULL), sizeof DAY_T3);
    assert_memory_equal(d, DAY_T3, sizeof DAY_T3);
    /* the week still names day 2, which is gone: activation refused */
    static const uint8_t ZERO[] = {0x0F, 0x00};
    assert_int_equal(act(h, 0, 1, 20, CAL, 1, ZERO, sizeof ZERO), PP_ACTRES_OTHER_REASON);
    /* week "WEEK" all day 1; then activation with a wrong parameter, then right */
    static const uint8_t WEEK1[] = {0x01, 0x01, 0x02, 0x08, 0x09, 0x04, 'W', 'E', 'E', 'K',
                                    0x11, 1, 0x11, 1, 0x11, 1, 0x11, 1, 0x11, 1, 0x11, 1, 0x11, 1};
    assert_int_equal(set(h, 0, 1, 20, CAL, 8, WEEK1, sizeof WEEK1), PP_DAR_SUCCESS);
    static const uint8_t U8[] = {0x11, 0x00};
    assert_int_equal(act(h, 0, 1, 20, CAL, 1, U8, sizeof U8), PP_ACTRES_TYPE_UNMATCHED);
    assert_int_equal(act(h, 0, 1, 20, CAL, 1, ZERO, sizeof ZERO), PP_ACTRES_SUCCESS);
    assert_int_equal(h->cal_activations, 1u);
    assert_int_equal(pp_dsh_get(h, 0, 1, 20, CAL, 5, NULL, d, sizeof d, NULL), sizeof DAY_T3);
    assert_memory_equal(d, DAY_T3, sizeof DAY_T3);
    /* activation time 2026-06-01 00:00:00 local (CEST, deviation -120, DST bit) */
    static const uint8_t WHEN[] = {0x09, 0x0C, 0x07, 0xEA, 0x06, 0x01, 0xFF, 0x00, 0x00, 0x00,
                                   0x00, 0xFF, 0x88, 0x80};
    assert_int_equal(set(h, 0, 1, 20, CAL, 10, WHEN, sizeof WHEN), PP_DAR_SUCCESS);
    assert_int_equal(h->cal_at, 1780264800000LL); /* 2026-05-31 22:00 UTC */
    /* active attributes are never writable */
    assert_int_equal(set(h, 0, 1, 20, CAL, 5, DAY_T3, sizeof DAY_T3), PP_DAR_READ_WRITE_DENIED);
}

/* Special days: insert (new index, replacing index), delete, refusals. */
static void special_days_insert_and_delete(void **state)
{
    pp_dsh_t *h = *state;
    uint8_t d[512];
    assert_int_equal(pp_dsh_hls(h, 0, 1, CTOS, sizeof CTOS, NULL), 0);
    /* {9, 2026-08-15 any weekday, day 2} */
    static const uint8_t AUG15[] = {0x02, 0x03, 0x12, 0x00, 0x09, 0x09, 0x05,
                                    0x07, 0xEA, 0x08, 0x0F, 0xFF, 0x11, 0x02};
    assert_int_equal(act(h, 0, 1, 11, SPECIAL, 1, AUG15, sizeof AUG15), PP_ACTRES_SUCCESS);
    assert_int_equal(h->special.n, 7);
    assert_int_equal(h->special.entry[6].index, 9);
    assert_int_equal(h->special.entry[6].month, 8);
    /* day 7 does not exist in the active calendar: refused, table unchanged */
    uint8_t bad[sizeof AUG15];
    memcpy(bad, AUG15, sizeof bad);
    bad[sizeof bad - 1] = 7;
    assert_int_equal(act(h, 0, 1, 11, SPECIAL, 1, bad, sizeof bad), PP_ACTRES_OTHER_REASON);
    assert_int_equal(h->special.n, 7);
    /* delete index 9, then again: no such entry */
    static const uint8_t IDX9[] = {0x12, 0x00, 0x09};
    assert_int_equal(act(h, 0, 1, 11, SPECIAL, 2, IDX9, sizeof IDX9), PP_ACTRES_SUCCESS);
    assert_int_equal(h->special.n, 6);
    assert_int_equal(act(h, 0, 1, 11, SPECIAL, 2, IDX9, sizeof IDX9), PP_ACTRES_OTHER_REASON);
    /* the reader cannot invoke methods (object visible, method not allowed) */
    assert_int_equal(pp_dsh_assoc(h, 1, 17, "12345678", 0x00FFFFFF, 0), 0);
    assert_true(GET(h, 1, 17, 11, SPECIAL, 2, d) > 0);
    assert_int_equal(act(h, 1, 17, 11, SPECIAL, 2, IDX9, sizeof IDX9), PP_ACTRES_READ_WRITE_DENIED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(reader_reads_the_active_calendar, setup, teardown),
        cmocka_unit_test_setup_teardown(management_writes_and_activates, setup, teardown),
        cmocka_unit_test_setup_teardown(special_days_insert_and_delete, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
