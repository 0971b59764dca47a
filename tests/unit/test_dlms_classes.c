/* COSEM interface classes of the DLMS server: profile generic (range and
 * entry selective access, column selection, streaming through blocks),
 * clock (SET, SET with datablocks, SET with-list, methods), association LN
 * (object list and access rights per association, context names), SAP
 * assignment, HDLC setup, TCP-UDP setup, security setup, extended register.
 * Expected encodings are written out by hand from the Blue Book's type
 * definitions (derivations in the comments). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dlms_server_harness.h"
#include "polyphase/cosem_class.h"
#include "polyphase/dlms_const.h"

static const uint8_t CLOCK_LN[6] = {0, 1, 1, 0, 0, 255};
static const uint8_t APLUS_LN[6] = {1, 1, 1, 8, 0, 255};
static const uint8_t PMAX_LN[6] = {1, 1, 1, 6, 0, 255};
static const uint8_t ASSOC_LN[6] = {0, 0, 40, 0, 0, 255};
static const uint8_t LP_LN[6] = {1, 1, 99, 1, 0, 255};
static const uint8_t LDN_LN[6] = {0, 0, 42, 0, 0, 255};
static const uint8_t CTOS[16] = "0123456789ABCDEF";
/* 2026-01-01 01:00 CET standard time = 00:00 UTC, as standard-time ms */
#define S0 1767229200000ll

static int setup(void **state)
{
    pp_dsh_t *h = pp_dsh_new();
    for (int i = 0; i < 100; i++) {
        pp_dsh_lp_add(h, S0 + i * 900000ll, 1000u + (uint32_t)i);
    }
    *state = h;
    return 0;
}

static int teardown(void **state)
{
    pp_dsh_free(*state);
    return 0;
}

static int reader(pp_dsh_t *h, unsigned conn, uint16_t max_pdu)
{
    return pp_dsh_assoc(h, conn, 17, "12345678", 0x00FFFFFF, max_pdu);
}

#define GET(h, conn, client, cls, ln, attr, acc, buf) \
    pp_dsh_get(h, conn, client, cls, ln, attr, acc, buf, sizeof buf, NULL)

/* ---- profile generic ---- */

static void profile_range(void **state)
{
    pp_dsh_t *h = *state;
    uint8_t data[512];
    assert_int_equal(reader(h, 0, 0), 0);
    /* range_descriptor: {clock column {8, 0.1.1.0.0.255, 2, 0},
     * from 2026-01-01 02:00 CET, to 02:30 CET, all columns} */
    static const uint8_t P[] = {
        0x02, 0x04, 0x02, 0x04, 0x12, 0x00, 0x08, 0x09, 0x06, 0x00, 0x01, 0x01, 0x00, 0x00, 0xFF,
        0x0F, 0x02, 0x12, 0x00, 0x00,
        0x09, 0x0C, 0x07, 0xEA, 0x01, 0x01, 0x04, 0x02, 0x00, 0x00, 0x00, 0xFF, 0xC4, 0x00,
        0x09, 0x0C, 0x07, 0xEA, 0x01, 0x01, 0x04, 0x02, 0x1E, 0x00, 0x00, 0xFF, 0xC4, 0x00,
        0x01, 0x00};
    pp_xdlms_access_t acc = {.present = true, .selector = 1, .params = P, .params_len = sizeof P};
    /* rows 4..6 (02:00, 02:15, 02:30 standard time = local in winter),
     * A+ 1004..1006 = 0x3EC..0x3EE */
    static const uint8_t R[] = {
        0x01, 0x03,
        0x02, 0x02, 0x09, 0x0C, 0x07, 0xEA, 0x01, 0x01, 0x04, 0x02, 0x00, 0x00, 0x00, 0xFF, 0xC4,
        0x00, 0x06, 0x00, 0x00, 0x03, 0xEC,
        0x02, 0x02, 0x09, 0x0C, 0x07, 0xEA, 0x01, 0x01, 0x04, 0x02, 0x0F, 0x00, 0x00, 0xFF, 0xC4,
        0x00, 0x06, 0x00, 0x00, 0x03, 0xED,
        0x02, 0x02, 0x09, 0x0C, 0x07, 0xEA, 0x01, 0x01, 0x04, 0x02, 0x1E, 0x00, 0x00, 0xFF, 0xC4,
        0x00, 0x06, 0x00, 0x00, 0x03, 0xEE};
    assert_int_equal(GET(h, 0, 17, 7, LP_LN, 2, &acc, data), sizeof R);
    assert_memory_equal(data, R, sizeof R);
    /* the same range, only the A+ column: selected_values [{3, 1.1.1.8.0.255, 2, 0}] */
    uint8_t p2[sizeof P + 20];
    memcpy(p2, P, sizeof P - 2);
    static const uint8_t COL[] = {0x01, 0x01, 0x02, 0x04, 0x12, 0x00, 0x03, 0x09, 0x06, 0x01, 0x01,
                                  0x01, 0x08, 0x00, 0xFF, 0x0F, 0x02, 0x12, 0x00, 0x00};
    memcpy(p2 + sizeof P - 2, COL, sizeof COL);
    acc.params = p2;
    acc.params_len = sizeof P - 2 + sizeof COL;
    static const uint8_t R2[] = {0x01, 0x03, 0x02, 0x01, 0x06, 0x00, 0x00, 0x03, 0xEC,
                                 0x02, 0x01, 0x06, 0x00, 0x00, 0x03, 0xED,
                                 0x02, 0x01, 0x06, 0x00, 0x00, 0x03, 0xEE};
    assert_int_equal(GET(h, 0, 17, 7, LP_LN, 2, &acc, data), sizeof R2);
    assert_memory_equal(data, R2, sizeof R2);
    /* a range before the first row: an empty array */
    uint8_t p3[sizeof P];
    memcpy(p3, P, sizeof P);
    p3[23] = p3[37] = 0xE9; /* 2025 */
    p3[26] = p3[40] = 0x03; /* 2025-01-01 is a Wednesday */
    acc.params = p3;
    acc.params_len = sizeof p3;
    assert_int_equal(GET(h, 0, 17, 7, LP_LN, 2, &acc, data), 2);
    assert_int_equal(data[0], 0x01);
    assert_int_equal(data[1], 0x00);
    /* restricting object not the clock column: scope-of-access-violated */
    memcpy(p3, P, sizeof P);
    p3[9] = 0x02;
    assert_int_equal(GET(h, 0, 17, 7, LP_LN, 2, &acc, data), -1000 - PP_DAR_SCOPE_OF_ACCESS_VIOLATED);
}

/* The server remembers the date of the day it last wrote rows for; a new
 * time zone is a new date-time (deviation, hour) for the same stored rows. */
static void profile_rows_follow_the_time_zone(void **state)
{
    pp_dsh_t *h = *state;
    uint8_t data[512];
    assert_int_equal(reader(h, 0, 0), 0);
    /* {clock column, from 02:00 to 02:30 2026-01-01, deviation DV, all columns} */
    uint8_t p[] = {
        0x02, 0x04, 0x02, 0x04, 0x12, 0x00, 0x08, 0x09, 0x06, 0x00, 0x01, 0x01, 0x00, 0x00, 0xFF,
        0x0F, 0x02, 0x12, 0x00, 0x00,
        0x09, 0x0C, 0x07, 0xEA, 0x01, 0x01, 0x04, 0x02, 0x00, 0x00, 0x00, 0xFF, 0xC4, 0x00,
        0x09, 0x0C, 0x07, 0xEA, 0x01, 0x01, 0x04, 0x02, 0x1E, 0x00, 0x00, 0xFF, 0xC4, 0x00,
        0x01, 0x00};
    pp_xdlms_access_t acc = {.present = true, .selector = 1, .params = p, .params_len = sizeof p};
    assert_int_equal(GET(h, 0, 17, 7, LP_LN, 2, &acc, data), 2 + 3 * 21);
    assert_int_equal(data[2 + 2 * 21 + 9], 0x02);  /* 02:30 CET */
    assert_int_equal(data[2 + 2 * 21 + 10], 0x1E);
    assert_int_equal(data[2 + 2 * 21 + 14], 0xC4); /* deviation -60 */
    h->clock.std_offset_min = 120;
    /* the same rows (01:00..01:30 UTC) asked for as 03:00..03:30 at
     * deviation -120 */
    p[27] = p[41] = 0x03;
    p[32] = p[46] = 0x88;
    assert_int_equal(GET(h, 0, 17, 7, LP_LN, 2, &acc, data), 2 + 3 * 21);
    for (int i = 0; i < 3; i++) {
        const uint8_t *row = data + 2 + i * 21;
        static const uint8_t DAY[] = {0x02, 0x02, 0x09, 0x0C, 0x07, 0xEA, 0x01, 0x01, 0x04, 0x03};
        assert_memory_equal(row, DAY, sizeof DAY);
        assert_int_equal(row[10], 15 * i);
        assert_int_equal(row[13], 0xFF);
        assert_int_equal(row[14], 0x88);
        assert_int_equal(row[20], 0xEC + i); /* A+ 1004..1006 as before */
    }
    /* 03:00..03:30 local time (deviation not specified, 80 00): the same
     * request stands for other instants once the zone is back at +60 */
    p[31] = p[45] = 0x80;
    p[32] = p[46] = 0x00;
    const int64_t first[2] = {0xEC, 0xF0}; /* 01:00 UTC (rows 4..6), 02:00 UTC (8..10) */
    for (int z = 0; z < 2; z++) {
        h->clock.std_offset_min = z == 0 ? 120 : 60;
        assert_int_equal(GET(h, 0, 17, 7, LP_LN, 2, &acc, data), 2 + 3 * 21);
        for (int i = 0; i < 3; i++) {
            const uint8_t *row = data + 2 + i * 21;
            assert_int_equal(row[9], 0x03);
            assert_int_equal(row[14], z == 0 ? 0x88 : 0xC4);
            assert_int_equal(row[20], first[z] + i);
        }
    }
}

static void profile_entry(void **state)
{
    pp_dsh_t *h = *state;
    uint8_t data[256];
    assert_int_equal(reader(h, 0, 0), 0);
    /* entry_descriptor {from 2, to 3, value 2..2} */
    static const uint8_t P[] = {0x02, 0x04, 0x06, 0, 0, 0, 2, 0x06, 0, 0, 0, 3, 0x12, 0, 2,
                                0x12, 0, 2};
    pp_xdlms_access_t acc = {.present = true, .selector = 2, .params = P, .params_len = sizeof P};
    static const uint8_t R[] = {0x01, 0x02, 0x02, 0x01, 0x06, 0x00, 0x00, 0x03, 0xE9,
                                0x02, 0x01, 0x06, 0x00, 0x00, 0x03, 0xEA};
    assert_int_equal(GET(h, 0, 17, 7, LP_LN, 2, &acc, data), sizeof R);
    assert_memory_equal(data, R, sizeof R);
    /* value 3 of a 2-column profile: scope-of-access-violated */
    uint8_t bad[sizeof P];
    memcpy(bad, P, sizeof P);
    bad[14] = 3;
    bad[17] = 3;
    acc.params = bad;
    assert_int_equal(GET(h, 0, 17, 7, LP_LN, 2, &acc, data), -1000 - PP_DAR_SCOPE_OF_ACCESS_VIOLATED);
}

static void profile_attributes(void **state)
{
    pp_dsh_t *h = *state;
    uint8_t data[128];
    assert_int_equal(reader(h, 0, 0), 0);
    /* capture_objects: [{8, 0.1.1.0.0.255, 2, 0}, {3, 1.1.1.8.0.255, 2, 0}] */
    static const uint8_t CO[] = {0x01, 0x02,
                                 0x02, 0x04, 0x12, 0x00, 0x08, 0x09, 0x06, 0x00, 0x01, 0x01, 0x00,
                                 0x00, 0xFF, 0x0F, 0x02, 0x12, 0x00, 0x00,
                                 0x02, 0x04, 0x12, 0x00, 0x03, 0x09, 0x06, 0x01, 0x01, 0x01, 0x08,
                                 0x00, 0xFF, 0x0F, 0x02, 0x12, 0x00, 0x00};
    assert_int_equal(GET(h, 0, 17, 7, LP_LN, 3, NULL, data), sizeof CO);
    assert_memory_equal(data, CO, sizeof CO);
    static const uint8_t PERIOD[] = {0x06, 0x00, 0x00, 0x03, 0x84};  /* 900 s */
    static const uint8_t SORT[] = {0x16, 0x01};                      /* fifo */
    static const uint8_t INUSE[] = {0x06, 0x00, 0x00, 0x00, 0x64};   /* 100 */
    static const uint8_t DEPTH[] = {0x06, 0x00, 0x00, 0x01, 0x00};   /* 256 */
    assert_int_equal(GET(h, 0, 17, 7, LP_LN, 4, NULL, data), 5);
    assert_memory_equal(data, PERIOD, 5);
    assert_int_equal(GET(h, 0, 17, 7, LP_LN, 5, NULL, data), 2);
    assert_memory_equal(data, SORT, 2);
    assert_int_equal(GET(h, 0, 17, 7, LP_LN, 6, NULL, data), 18);
    assert_memory_equal(data, CO + 2, 18);
    assert_int_equal(GET(h, 0, 17, 7, LP_LN, 7, NULL, data), 5);
    assert_memory_equal(data, INUSE, 5);
    assert_int_equal(GET(h, 0, 17, 7, LP_LN, 8, NULL, data), 5);
    assert_memory_equal(data, DEPTH, 5);
}

/* 100 rows (2,102 octets) through blocks of two sizes: the same Data, the
 * right first and last rows, and one pass over the rows, not one per block. */
static void streams_through_blocks(pp_dsh_t *h)
{
    static uint8_t a[4096], b[4096];
    assert_int_equal(reader(h, 0, 64), 0);
    assert_int_equal(reader(h, 1, 1024), 0);
    unsigned na = 0, nb = 0;
    const uint64_t reads0 = h->lp.stats.slot_reads;
    int n = pp_dsh_get(h, 0, 17, 7, LP_LN, 2, NULL, a, sizeof a, &na);
    const uint64_t reads = h->lp.stats.slot_reads - reads0;
    assert_int_equal(n, 2 + 100 * 21);
    assert_int_equal(pp_dsh_get(h, 1, 17, 7, LP_LN, 2, NULL, b, sizeof b, &nb), n);
    assert_memory_equal(a, b, (size_t)n);
    assert_true(na > 30 && nb == 3); /* 54 octets vs 1014 octets per block */
    /* 01 81 64 (array of 100, long length form... no: 100 < 128) */
    static const uint8_t HEAD[] = {0x01, 0x64, 0x02, 0x02, 0x09, 0x0C, 0x07, 0xEA, 0x01, 0x01,
                                   0x04, 0x01, 0x00, 0x00, 0x00, 0xFF, 0xC4, 0x00, 0x06, 0x00,
                                   0x00, 0x03, 0xE8};
    assert_memory_equal(a, HEAD, sizeof HEAD);
    /* last row: 01:00 + 99 x 15 min = next day 01:45, A+ 1099 = 0x44B */
    static const uint8_t TAIL[] = {0x09, 0x0C, 0x07, 0xEA, 0x01, 0x02, 0x05, 0x01, 0x2D, 0x00,
                                   0x00, 0xFF, 0xC4, 0x00, 0x06, 0x00, 0x00, 0x04, 0x4B};
    assert_memory_equal(a + n - sizeof TAIL, TAIL, sizeof TAIL);
    /* a count pass + one pass + one re-read per block boundary */
    print_message("slot reads %u, blocks %u\n", (unsigned)reads, na);
    assert_true(reads <= 100 + 100 + 2 * na);
}

/* 160 rows in one APDU: the array count takes the long form (01 81 A0),
 * the rows behind it whole; the same Data from the decoded rows. */
static void profile_long_array_header(void **state)
{
    pp_dsh_t *h = *state;
    for (int i = 100; i < 160; i++) {
        pp_dsh_lp_add(h, S0 + i * 900000ll, 1000u + (uint32_t)i);
    }
    static uint8_t a[4096], b[4096];
    h->cfg.max_pdu = 4096; /* one APDU for all of it */
    pp_dsh_restart(h);
    assert_int_equal(reader(h, 0, 4096), 0);
    unsigned blocks = 0;
    const int n = pp_dsh_get(h, 0, 17, 7, LP_LN, 2, NULL, a, sizeof a, &blocks);
    assert_int_equal(n, 3 + 160 * 21);
    assert_int_equal(blocks, 0);
    static const uint8_t HEAD[] = {0x01, 0x81, 0xA0, 0x02, 0x02, 0x09, 0x0C, 0x07, 0xEA, 0x01,
                                   0x01, 0x04, 0x01, 0x00, 0x00, 0x00, 0xFF, 0xC4, 0x00, 0x06,
                                   0x00, 0x00, 0x03, 0xE8};
    assert_memory_equal(a, HEAD, sizeof HEAD);
    /* last row: 01:00 + 159 x 15 min = next day 16:45, A+ 1159 = 0x487 */
    static const uint8_t TAIL[] = {0x09, 0x0C, 0x07, 0xEA, 0x01, 0x02, 0x05, 0x10, 0x2D, 0x00,
                                   0x00, 0xFF, 0xC4, 0x00, 0x06, 0x00, 0x00, 0x04, 0x87};
    assert_memory_equal(a + n - sizeof TAIL, TAIL, sizeof TAIL);
    h->lp_decode_only = true;
    assert_int_equal(pp_dsh_get(h, 0, 17, 7, LP_LN, 2, NULL, b, sizeof b, NULL), n);
    assert_memory_equal(a, b, (size_t)n);
}

/* Rows written straight from the stored entries (the view has fields). */
static void profile_streams_through_blocks(void **state)
{
    streams_through_blocks(*state);
}

/* The same rows decoded into cells first (a view without fields). */
static void profile_streams_decoded(void **state)
{
    pp_dsh_t *h = *state;
    h->lp_decode_only = true;
    streams_through_blocks(h);
}

/* A rotted entry (51, A+ 1050) in the middle is left out, from the stored
 * entries and decoded alike: 99 rows, its neighbours whole. */
static void profile_skips_rotted_entry(void **state)
{
    pp_dsh_t *h = *state;
    static uint8_t a[4096], b[4096];
    h->fake.nvm[h->lp.base + 50u * h->lp.slot_len + 13u] ^= 0x01; /* a payload octet */
    assert_int_equal(reader(h, 0, 0), 0);
    const int n = GET(h, 0, 17, 7, LP_LN, 2, NULL, a);
    assert_int_equal(n, 2 + 99 * 21);
    assert_int_equal(a[0], 0x01);
    assert_int_equal(a[1], 99);
    /* rows 50 (A+ 1049 = 0x419) and then 52 (A+ 1051 = 0x41B, at 13:45) */
    static const uint8_t ROW49_END[] = {0x06, 0x00, 0x00, 0x04, 0x19};
    static const uint8_t ROW51[] = {0x02, 0x02, 0x09, 0x0C, 0x07, 0xEA, 0x01, 0x01, 0x04, 0x0D,
                                    0x2D, 0x00, 0x00, 0xFF, 0xC4, 0x00, 0x06, 0x00, 0x00, 0x04, 0x1B};
    assert_memory_equal(a + 2 + 50 * 21 - 5, ROW49_END, sizeof ROW49_END);
    assert_memory_equal(a + 2 + 50 * 21, ROW51, sizeof ROW51);
    h->lp_decode_only = true;
    assert_int_equal(GET(h, 0, 17, 7, LP_LN, 2, NULL, b), n);
    assert_memory_equal(a, b, (size_t)n);
}

/* ---- clock ---- */

static void clock_set_and_methods(void **state)
{
    pp_dsh_t *h = *state;
    uint8_t out[128];
    assert_int_equal(pp_dsh_hls(h, 0, 1, CTOS, 16, NULL), 0);
    /* SET time 2026-01-02 (Friday) 12:00:00 CET, deviation -60 */
    static const uint8_t SET_TIME[] = {0xC1, 0x01, 0xC1, 0x00, 0x08, 0x00, 0x01, 0x01, 0x00, 0x00,
                                       0xFF, 0x02, 0x00, 0x09, 0x0C, 0x07, 0xEA, 0x01, 0x02, 0x05,
                                       0x0C, 0x00, 0x00, 0x00, 0xFF, 0xC4, 0x00};
    static const uint8_t OK[] = {0xC5, 0x01, 0xC1, 0x00};
    assert_int_equal(pp_dsh_exchange(h, 0, 1, SET_TIME, sizeof SET_TIME, out, sizeof out), 4);
    assert_memory_equal(out, OK, 4);
    /* = 11:00 UTC: 1767225600000 + 86400000 + 11 h */
    assert_true(h->fake.rtc_ms == 1767225600000ll + 86400000ll + 11 * 3600000ll);
    assert_int_equal(h->clock_changes, 1);
    /* shift_time (method 6) by +30 s: C7 01 C1 00 00 */
    static const uint8_t SHIFT[] = {0xC3, 0x01, 0xC1, 0x00, 0x08, 0x00, 0x01, 0x01, 0x00, 0x00,
                                    0xFF, 0x06, 0x01, 0x10, 0x00, 0x1E};
    static const uint8_t AOK[] = {0xC7, 0x01, 0xC1, 0x00, 0x00};
    assert_int_equal(pp_dsh_exchange(h, 0, 1, SHIFT, sizeof SHIFT, out, sizeof out), 5);
    assert_memory_equal(out, AOK, 5);
    assert_true(h->fake.rtc_ms == 1767225600000ll + 86400000ll + 11 * 3600000ll + 30000);
    /* adjust_to_minute (3, integer 0): 12:00:30 rounds half up to 12:01 */
    static const uint8_t ADJ[] = {0xC3, 0x01, 0xC1, 0x00, 0x08, 0x00, 0x01, 0x01, 0x00, 0x00,
                                  0xFF, 0x03, 0x01, 0x0F, 0x00};
    assert_int_equal(pp_dsh_exchange(h, 0, 1, ADJ, sizeof ADJ, out, sizeof out), 5);
    assert_memory_equal(out, AOK, 5);
    assert_true(h->fake.rtc_ms == 1767225600000ll + 86400000ll + 11 * 3600000ll + 60000);
    /* shift_time with a long of the wrong type: type-unmatched (12) */
    uint8_t bad[sizeof SHIFT];
    memcpy(bad, SHIFT, sizeof bad);
    bad[13] = 0x12;
    assert_int_equal(pp_dsh_exchange(h, 0, 1, bad, sizeof bad, out, sizeof out), 5);
    assert_int_equal(out[3], PP_ACTRES_TYPE_UNMATCHED);
    /* SET with-list: time_zone -120 and DST deviation 60 -> C5 05 C1 02 00 00 */
    static const uint8_t LIST[] = {0xC1, 0x04, 0xC1, 0x02,
                                   0x00, 0x08, 0x00, 0x01, 0x01, 0x00, 0x00, 0xFF, 0x03, 0x00,
                                   0x00, 0x08, 0x00, 0x01, 0x01, 0x00, 0x00, 0xFF, 0x07, 0x00,
                                   0x02, 0x10, 0xFF, 0x88, 0x0F, 0x3C};
    static const uint8_t LOK[] = {0xC5, 0x05, 0xC1, 0x02, 0x00, 0x00};
    assert_int_equal(pp_dsh_exchange(h, 0, 1, LIST, sizeof LIST, out, sizeof out), 6);
    assert_memory_equal(out, LOK, 6);
    assert_int_equal(h->clock.std_offset_min, 120);
    static const uint8_t TZ[] = {0x10, 0xFF, 0x88};
    assert_int_equal(GET(h, 0, 1, 8, CLOCK_LN, 3, NULL, out), 3);
    assert_memory_equal(out, TZ, 3);
    /* a month 13: other-reason (250); a visible-string: type-unmatched */
    uint8_t t13[sizeof SET_TIME];
    memcpy(t13, SET_TIME, sizeof t13);
    t13[17] = 13;
    pp_dsh_exchange(h, 0, 1, t13, sizeof t13, out, sizeof out);
    assert_int_equal(out[3], PP_DAR_OTHER_REASON);
    t13[13] = 0x0A;
    pp_dsh_exchange(h, 0, 1, t13, sizeof t13, out, sizeof out);
    assert_int_equal(out[3], PP_DAR_TYPE_UNMATCHED);
    /* clock_base is read-only: read-write-denied */
    static const uint8_t BASE[] = {0xC1, 0x01, 0xC1, 0x00, 0x08, 0x00, 0x01, 0x01, 0x00, 0x00,
                                   0xFF, 0x09, 0x00, 0x16, 0x02};
    pp_dsh_exchange(h, 0, 1, BASE, sizeof BASE, out, sizeof out);
    assert_int_equal(out[3], PP_DAR_READ_WRITE_DENIED);
}

static void clock_set_with_datablocks(void **state)
{
    pp_dsh_t *h = *state;
    uint8_t out[64];
    assert_int_equal(pp_dsh_hls(h, 0, 1, CTOS, 16, NULL), 0);
    /* the 14 octets 09 0C 07EA 0102 05 0C000000 FFC4 00 in two blocks of 7 */
    static const uint8_t FIRST[] = {0xC1, 0x02, 0xC1, 0x00, 0x08, 0x00, 0x01, 0x01, 0x00, 0x00,
                                    0xFF, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x07,
                                    0x09, 0x0C, 0x07, 0xEA, 0x01, 0x02, 0x05};
    static const uint8_t SECOND[] = {0xC1, 0x03, 0xC1, 0x01, 0x00, 0x00, 0x00, 0x02, 0x07,
                                     0x0C, 0x00, 0x00, 0x00, 0xFF, 0xC4, 0x00};
    static const uint8_t ACK1[] = {0xC5, 0x02, 0xC1, 0x00, 0x00, 0x00, 0x01};
    static const uint8_t LAST[] = {0xC5, 0x03, 0xC1, 0x00, 0x00, 0x00, 0x00, 0x02};
    assert_int_equal(pp_dsh_exchange(h, 0, 1, FIRST, sizeof FIRST, out, sizeof out), 7);
    assert_memory_equal(out, ACK1, 7);
    assert_int_equal(pp_dsh_exchange(h, 0, 1, SECOND, sizeof SECOND, out, sizeof out), 8);
    assert_memory_equal(out, LAST, 8);
    assert_true(h->fake.rtc_ms == 1767225600000ll + 86400000ll + 11 * 3600000ll);
    /* a block out of order: last-datablock with data-block-number-invalid */
    assert_int_equal(pp_dsh_exchange(h, 0, 1, FIRST, sizeof FIRST, out, sizeof out), 7);
    uint8_t third[sizeof SECOND];
    memcpy(third, SECOND, sizeof third);
    third[7] = 3;
    pp_dsh_exchange(h, 0, 1, third, sizeof third, out, sizeof out);
    static const uint8_t INVALID[] = {0xC5, 0x03, 0xC1, 0x13, 0x00, 0x00, 0x00, 0x03};
    assert_memory_equal(out, INVALID, 8);
    /* no long SET now: no-long-set-in-progress (18) */
    pp_dsh_exchange(h, 0, 1, SECOND, sizeof SECOND, out, sizeof out);
    assert_int_equal(out[3], PP_DAR_NO_LONG_SET_IN_PROGRESS);
}

/* ---- association LN ---- */

typedef struct seen {
    bool found;
    uint8_t version;
    uint8_t attr_mode[10];
    uint8_t meth_mode[10];
} seen_t;

/* Finds ln in an object_list and its access modes. */
static seen_t find_in_list(const uint8_t *data, size_t len, uint16_t cls, const uint8_t ln[6])
{
    seen_t s = {0};
    pp_axdr_rd_t rd;
    uint32_t n, na, nm;
    pp_axdr_rd_init(&rd, data, len);
    assert_int_equal(pp_axdr_get_array(&rd, &n), PP_OK);
    for (uint32_t i = 0; i < n; i++) {
        uint16_t c;
        uint8_t ver;
        const uint8_t *l;
        uint32_t ll;
        assert_int_equal(pp_axdr_expect_struct(&rd, 4), PP_OK);
        assert_int_equal(pp_axdr_get_u16(&rd, &c), PP_OK);
        assert_int_equal(pp_axdr_get_u8(&rd, &ver), PP_OK);
        assert_int_equal(pp_axdr_get_octets(&rd, &l, &ll), PP_OK);
        assert_int_equal(ll, 6);
        const bool match = c == cls && memcmp(l, ln, 6) == 0;
        assert_int_equal(pp_axdr_expect_struct(&rd, 2), PP_OK);
        assert_int_equal(pp_axdr_get_array(&rd, &na), PP_OK);
        for (uint32_t a = 0; a < na; a++) {
            int8_t id;
            uint8_t mode;
            assert_int_equal(pp_axdr_expect_struct(&rd, 3), PP_OK);
            assert_int_equal(pp_axdr_get_i8(&rd, &id), PP_OK);
            assert_int_equal(pp_axdr_get_enum(&rd, &mode), PP_OK);
            assert_int_equal(pp_axdr_skip(&rd), PP_OK);
            if (match && id >= 1 && id < 10) {
                s.attr_mode[id] = mode;
            }
        }
        assert_int_equal(pp_axdr_get_array(&rd, &nm), PP_OK);
        for (uint32_t m = 0; m < nm; m++) {
            int8_t id;
            uint8_t mode;
            assert_int_equal(pp_axdr_expect_struct(&rd, 2), PP_OK);
            assert_int_equal(pp_axdr_get_i8(&rd, &id), PP_OK);
            assert_int_equal(pp_axdr_get_enum(&rd, &mode), PP_OK);
            if (match && id >= 1 && id < 10) {
                s.meth_mode[id] = mode;
            }
        }
        if (match) {
            s.found = true;
            s.version = ver;
        }
    }
    assert_int_equal(rd.pos, len);
    return s;
}

static void object_lists_per_association(void **state)
{
    pp_dsh_t *h = *state;
    static uint8_t pub[8192], rd[8192], mg[8192];
    assert_int_equal(pp_dsh_assoc(h, 0, 16, NULL, 0x00FFFFFF, 0), 0);
    assert_int_equal(reader(h, 1, 0), 0);
    assert_int_equal(pp_dsh_hls(h, 2, 1, CTOS, 16, NULL), 0);
    int np = GET(h, 0, 16, 15, ASSOC_LN, 2, NULL, pub);
    int nr = GET(h, 1, 17, 15, ASSOC_LN, 2, NULL, rd);
    int nm = GET(h, 2, 1, 15, ASSOC_LN, 2, NULL, mg);
    assert_true(np > 0 && nr > np && nm >= nr);
    /* public: clock readable (1), not writable; A+ absent */
    seen_t s = find_in_list(pub, (size_t)np, 8, CLOCK_LN);
    assert_true(s.found);
    assert_int_equal(s.attr_mode[2], 1);
    assert_int_equal(s.attr_mode[3], 1);
    assert_int_equal(s.meth_mode[6], 0);
    assert_false(find_in_list(pub, (size_t)np, 3, APLUS_LN).found);
    assert_true(find_in_list(pub, (size_t)np, 1, LDN_LN).found);
    /* reader: A+ read-only, load profile buffer readable */
    s = find_in_list(rd, (size_t)nr, 3, APLUS_LN);
    assert_true(s.found);
    assert_int_equal(s.attr_mode[2], 1);
    assert_int_equal(s.meth_mode[1], 0);
    s = find_in_list(rd, (size_t)nr, 7, LP_LN);
    assert_true(s.found);
    assert_int_equal(s.version, 1);
    /* management: clock time and time zone read-write (3), status read-only,
     * methods allowed; A+ still read-only (legal data) */
    s = find_in_list(mg, (size_t)nm, 8, CLOCK_LN);
    assert_int_equal(s.attr_mode[2], 3);
    assert_int_equal(s.attr_mode[3], 3);
    assert_int_equal(s.attr_mode[4], 1);
    assert_int_equal(s.meth_mode[6], 1);
    s = find_in_list(mg, (size_t)nm, 3, APLUS_LN);
    assert_int_equal(s.attr_mode[2], 1);
    s = find_in_list(mg, (size_t)nm, 15, ASSOC_LN);
    assert_int_equal(s.meth_mode[1], 1); /* reply_to_HLS_authentication */
    assert_int_equal(s.meth_mode[2], 1); /* change_HLS_secret */
    assert_int_equal(s.attr_mode[7], 0); /* secret: never read */
}

static void association_attributes(void **state)
{
    pp_dsh_t *h = *state;
    uint8_t d[64];
    assert_int_equal(reader(h, 0, 0), 0);
    /* associated_partners_id {integer 17, long-unsigned 1} */
    static const uint8_t PART[] = {0x02, 0x02, 0x0F, 0x11, 0x12, 0x00, 0x01};
    assert_int_equal(GET(h, 0, 17, 15, ASSOC_LN, 3, NULL, d), sizeof PART);
    assert_memory_equal(d, PART, sizeof PART);
    /* {2, 16, 756, 5, 8, 1, 1}: LN referencing, no ciphering */
    static const uint8_t CTX[] = {0x02, 0x07, 0x11, 0x02, 0x11, 0x10, 0x12, 0x02, 0xF4, 0x11,
                                  0x05, 0x11, 0x08, 0x11, 0x01, 0x11, 0x01};
    assert_int_equal(GET(h, 0, 17, 15, ASSOC_LN, 4, NULL, d), sizeof CTX);
    assert_memory_equal(d, CTX, sizeof CTX);
    /* {2, 16, 756, 5, 8, 2, 1}: low level security */
    static const uint8_t MECH[] = {0x02, 0x07, 0x11, 0x02, 0x11, 0x10, 0x12, 0x02, 0xF4, 0x11,
                                   0x05, 0x11, 0x08, 0x11, 0x02, 0x11, 0x01};
    assert_int_equal(GET(h, 0, 17, 15, ASSOC_LN, 6, NULL, d), sizeof MECH);
    assert_memory_equal(d, MECH, sizeof MECH);
    /* xDLMS context: conformance 60 1E 1D (24 bits), 1024, 1024, 6, 0, "" */
    static const uint8_t XC[] = {0x02, 0x06, 0x04, 0x18, 0x60, 0x1E, 0x1D, 0x12, 0x04, 0x00,
                                 0x12, 0x04, 0x00, 0x11, 0x06, 0x0F, 0x00, 0x09, 0x00};
    assert_int_equal(GET(h, 0, 17, 15, ASSOC_LN, 5, NULL, d), sizeof XC);
    assert_memory_equal(d, XC, sizeof XC);
    assert_int_equal(GET(h, 0, 17, 15, ASSOC_LN, 7, NULL, d), -1000 - PP_DAR_READ_WRITE_DENIED);
    static const uint8_t STATUS[] = {0x16, 0x02};
    assert_int_equal(GET(h, 0, 17, 15, ASSOC_LN, 8, NULL, d), 2);
    assert_memory_equal(d, STATUS, 2);
    static const uint8_t NOSEC[] = {0x09, 0x06, 0, 0, 0, 0, 0, 0};
    assert_int_equal(GET(h, 0, 17, 15, ASSOC_LN, 9, NULL, d), 8);
    assert_memory_equal(d, NOSEC, 8);
}

/* ---- classes 4, 17, 23, 41, 64 ---- */

static void setup_objects(void **state)
{
    pp_dsh_t *h = *state;
    uint8_t d[64];
    assert_int_equal(reader(h, 0, 0), 0);
    static const uint8_t SAP_LN[6] = {0, 0, 41, 0, 0, 255};
    static const uint8_t HDLC_LN[6] = {0, 0, 22, 0, 0, 255};
    static const uint8_t TCP_LN[6] = {0, 0, 25, 0, 0, 255};
    static const uint8_t SEC_LN[6] = {0, 0, 43, 0, 1, 255};
    /* [{long-unsigned 1, "PPH0000012345678"}] */
    static const uint8_t SAP[] = {0x01, 0x01, 0x02, 0x02, 0x12, 0x00, 0x01, 0x09, 0x10, 'P', 'P',
                                  'H', '0', '0', '0', '0', '0', '1', '2', '3', '4', '5', '6', '7',
                                  '8'};
    assert_int_equal(GET(h, 0, 17, 17, SAP_LN, 2, NULL, d), sizeof SAP);
    assert_memory_equal(d, SAP, sizeof SAP);
    static const uint8_t BAUD[] = {0x16, 0x05}; /* 9600 */
    static const uint8_t INFO[] = {0x12, 0x00, 0x80};
    static const uint8_t ADDR[] = {0x12, 0x00, 0x10};
    assert_int_equal(GET(h, 0, 17, 23, HDLC_LN, 2, NULL, d), 2);
    assert_memory_equal(d, BAUD, 2);
    assert_int_equal(GET(h, 0, 17, 23, HDLC_LN, 5, NULL, d), 3);
    assert_memory_equal(d, INFO, 3);
    assert_int_equal(GET(h, 0, 17, 23, HDLC_LN, 9, NULL, d), 3);
    assert_memory_equal(d, ADDR, 3);
    static const uint8_t PORT[] = {0x12, 0x0F, 0xDB}; /* 4059 */
    static const uint8_t IPREF[] = {0x09, 0x06, 0x00, 0x00, 0x19, 0x01, 0x00, 0xFF};
    assert_int_equal(GET(h, 0, 17, 41, TCP_LN, 2, NULL, d), 3);
    assert_memory_equal(d, PORT, 3);
    assert_int_equal(GET(h, 0, 17, 41, TCP_LN, 3, NULL, d), 8);
    assert_memory_equal(d, IPREF, 8);
    /* policy 0x6C: authenticated+encrypted requests (bits 2, 3) and responses (5, 6) */
    static const uint8_t POLICY[] = {0x16, 0x6C};
    static const uint8_t TITLE[] = {0x09, 0x08, 'P', 'P', 'H', 0x00, 0x00, 0xBC, 0x61, 0x4E};
    assert_int_equal(GET(h, 0, 17, 64, SEC_LN, 2, NULL, d), 2);
    assert_memory_equal(d, POLICY, 2);
    assert_int_equal(GET(h, 0, 17, 64, SEC_LN, 5, NULL, d), sizeof TITLE);
    assert_memory_equal(d, TITLE, sizeof TITLE);
    /* extended register: capture_time 2026-01-01 01:00 CET, status null, W */
    static const uint8_t CT[] = {0x09, 0x0C, 0x07, 0xEA, 0x01, 0x01, 0x04, 0x01, 0x00, 0x00,
                                 0x00, 0xFF, 0xC4, 0x00};
    static const uint8_t SU[] = {0x02, 0x02, 0x0F, 0x00, 0x16, 0x1B};
    assert_int_equal(GET(h, 0, 17, 4, PMAX_LN, 5, NULL, d), sizeof CT);
    assert_memory_equal(d, CT, sizeof CT);
    assert_int_equal(GET(h, 0, 17, 4, PMAX_LN, 4, NULL, d), 1);
    assert_int_equal(d[0], 0x00);
    assert_int_equal(GET(h, 0, 17, 4, PMAX_LN, 3, NULL, d), sizeof SU);
    assert_memory_equal(d, SU, sizeof SU);
    /* a register attribute the meter lacks: object-unavailable */
    static const uint8_t IN_LN[6] = {1, 1, 91, 7, 0, 255};
    assert_int_equal(GET(h, 0, 17, 3, IN_LN, 2, NULL, d), -1000 - PP_DAR_OBJECT_UNAVAILABLE);
}

/* SET-Request-normal C1 01 C1 00 <class 2> <ln 6> <attr> 00 <Data> of a
 * setup object; returns the data-access-result. */
static int set_setup(pp_dsh_t *h, uint16_t client, uint8_t cls, uint8_t attr,
                     const uint8_t *data, size_t len)
{
    uint8_t req[32] = {0xC1, 0x01, 0xC1, 0x00, cls, 0, 0, cls == 23 ? 22 : 25, 0, 0, 255, attr,
                       0x00};
    uint8_t out[32];
    memcpy(req + 13, data, len);
    assert_int_equal(pp_dsh_exchange(h, 0, client, req, 13 + len, out, sizeof out), 4);
    assert_int_equal(out[0], 0xC5);
    return out[3];
}

/* Management writes the HDLC link parameters and the TCP inactivity
 * time-out; reader is refused; wrong types and Blue Book ranges refused
 * with their codes (type-unmatched 12, other-reason 250). */
static void management_sets_communication_setup(void **state)
{
    pp_dsh_t *h = *state;
    uint8_t d[16];
    static const uint8_t HDLC_LN[6] = {0, 0, 22, 0, 0, 255};
    static const uint8_t TCP_LN[6] = {0, 0, 25, 0, 0, 255};
    static const uint8_t INFO_256[] = {0x12, 0x01, 0x00}, WINDOW_3[] = {0x11, 0x03};
    assert_int_equal(reader(h, 0, 0), 0);
    assert_int_equal(set_setup(h, 17, 23, 5, INFO_256, 3), PP_DAR_READ_WRITE_DENIED);
    assert_int_equal(h->comm_writes, 0);
    assert_int_equal(pp_dsh_hls(h, 0, 1, CTOS, 16, NULL), 0);
    assert_int_equal(set_setup(h, 1, 23, 5, INFO_256, 3), PP_DAR_SUCCESS);
    assert_int_equal(set_setup(h, 1, 23, 3, WINDOW_3, 2), PP_DAR_SUCCESS);
    assert_int_equal(h->comm_writes, 2);
    assert_int_equal(GET(h, 0, 1, 23, HDLC_LN, 5, NULL, d), 3);
    assert_memory_equal(d, INFO_256, 3);
    assert_int_equal(GET(h, 0, 1, 23, HDLC_LN, 3, NULL, d), 2);
    assert_memory_equal(d, WINDOW_3, 2);
    assert_int_equal(h->comm.hdlc_max_info_rx, 128); /* the other attributes kept */
    /* the window as long-unsigned, the length as unsigned */
    static const uint8_t W_LONG[] = {0x12, 0x00, 0x03}, I_SHORT[] = {0x11, 0x40};
    assert_int_equal(set_setup(h, 1, 23, 3, W_LONG, 3), PP_DAR_TYPE_UNMATCHED);
    assert_int_equal(set_setup(h, 1, 23, 6, I_SHORT, 2), PP_DAR_TYPE_UNMATCHED);
    /* ranges: window 0 and 8, info 31 and 2031, inter-octet 19, address 0x0F and 0x3FFE */
    static const uint8_t W0[] = {0x11, 0}, W8[] = {0x11, 8}, I31[] = {0x12, 0x00, 0x1F},
                         I2031[] = {0x12, 0x07, 0xEF}, T19[] = {0x12, 0x00, 0x13},
                         A0F[] = {0x12, 0x00, 0x0F}, A3FFE[] = {0x12, 0x3F, 0xFE};
    assert_int_equal(set_setup(h, 1, 23, 4, W0, 2), PP_DAR_OTHER_REASON);
    assert_int_equal(set_setup(h, 1, 23, 4, W8, 2), PP_DAR_OTHER_REASON);
    assert_int_equal(set_setup(h, 1, 23, 6, I31, 3), PP_DAR_OTHER_REASON);
    assert_int_equal(set_setup(h, 1, 23, 6, I2031, 3), PP_DAR_OTHER_REASON);
    assert_int_equal(set_setup(h, 1, 23, 7, T19, 3), PP_DAR_OTHER_REASON);
    assert_int_equal(set_setup(h, 1, 23, 9, A0F, 3), PP_DAR_OTHER_REASON);
    assert_int_equal(set_setup(h, 1, 23, 9, A3FFE, 3), PP_DAR_OTHER_REASON);
    assert_int_equal(h->comm_writes, 2);
    /* the edges are accepted: address 0x3FFD, inactivity 0 (none) */
    static const uint8_t A3FFD[] = {0x12, 0x3F, 0xFD}, ZERO[] = {0x12, 0x00, 0x00};
    assert_int_equal(set_setup(h, 1, 23, 9, A3FFD, 3), PP_DAR_SUCCESS);
    assert_int_equal(set_setup(h, 1, 23, 8, ZERO, 3), PP_DAR_SUCCESS);
    assert_int_equal(h->comm.hdlc_device_address, 0x3FFD);
    /* comm_speed stays read-only, as do the TCP port and the connection count */
    static const uint8_t BAUD[] = {0x16, 0x06}, PORT[] = {0x12, 0x10, 0x00}, N[] = {0x11, 0x02};
    assert_int_equal(set_setup(h, 1, 23, 2, BAUD, 2), PP_DAR_READ_WRITE_DENIED);
    assert_int_equal(set_setup(h, 1, 41, 2, PORT, 3), PP_DAR_READ_WRITE_DENIED);
    assert_int_equal(set_setup(h, 1, 41, 5, N, 2), PP_DAR_READ_WRITE_DENIED);
    /* TCP inactivity 600 s = 02 58 */
    static const uint8_t T600[] = {0x12, 0x02, 0x58};
    assert_int_equal(set_setup(h, 1, 41, 6, T600, 3), PP_DAR_SUCCESS);
    assert_int_equal(GET(h, 0, 1, 41, TCP_LN, 6, NULL, d), 3);
    assert_memory_equal(d, T600, 3);
}

/* LLS secret (attribute 7) is write-only, and not through the current
 * association of a reader. */
static void reader_cannot_write_secret(void **state)
{
    pp_dsh_t *h = *state;
    uint8_t out[32];
    assert_int_equal(reader(h, 0, 0), 0);
    static const uint8_t SET[] = {0xC1, 0x01, 0xC1, 0x00, 0x0F, 0, 0, 40, 0, 0, 255, 0x07, 0x00,
                                  0x09, 0x03, 'a', 'b', 'c'};
    assert_int_equal(pp_dsh_exchange(h, 0, 17, SET, sizeof SET, out, sizeof out), 4);
    assert_int_equal(out[3], PP_DAR_READ_WRITE_DENIED);
}

/* Class 5 through its descriptor (no demand register object in the list
 * yet): value, scaler_unit, a missing attribute, access and a period SET. */
static void demand_register_descriptor(void **state)
{
    pp_dsh_t *h = *state;
    static const pp_object_t O = {.ln = {1, 1, 1, 4, 0, 255}, .class_id = 5, .unit = PP_UNIT_W,
                                  .type = PP_VT_UINT32,
                                  .access = PP_ACCESS(PP_ACC_NONE, PP_ACC_READ, PP_ACC_RW,
                                                      PP_ACC_READ),
                                  .quantity = PP_Q_P_PLUS_MAX};
    const pp_cosem_class_t *cls = pp_cosem_class_find(5);
    assert_ptr_equal(cls, &pp_cosem_class_demand);
    uint8_t buf[64], dar = 0;
    pp_cosem_call_t c = {.srv = &h->srv, .conn = &h->srv.conn[0], .obj = &O,
                         .who = PP_ASSOC_READER, .id = 2};
    pp_cosem_sink_t k = {.out = buf, .cap = sizeof buf};
    pp_cosem_enc_t e;
    pp_cosem_enc_init(&e, &k);
    assert_int_equal(cls->get(&c, &e, &dar), PP_OK);
    assert_int_equal(pp_cosem_enc_flush(&e), PP_OK);
    static const uint8_t V[] = {0x06, 0x00, 0x00, 0x10, 0xE1}; /* 4321 */
    assert_int_equal(k.stored, 5);
    assert_memory_equal(buf, V, 5);
    c.id = 4;
    k.stored = 0;
    assert_int_equal(cls->get(&c, &e, &dar), PP_OK);
    assert_int_equal(pp_cosem_enc_flush(&e), PP_OK);
    static const uint8_t SU[] = {0x02, 0x02, 0x0F, 0x00, 0x16, 0x1B};
    assert_memory_equal(buf, SU, 6);
    c.id = 6; /* capture_time: this provider has none for class 5 */
    assert_int_equal(cls->get(&c, &e, &dar), PP_ERR_DENIED);
    assert_int_equal(dar, PP_DAR_OBJECT_UNAVAILABLE);
    assert_int_equal(pp_cosem_attr_access(cls, &O, PP_ASSOC_MANAGEMENT, 8), PP_ACC_RW);
    assert_int_equal(pp_cosem_attr_access(cls, &O, PP_ASSOC_READER, 8), PP_ACC_READ);
    assert_int_equal(pp_cosem_attr_access(cls, &O, PP_ASSOC_MANAGEMENT, 2), PP_ACC_RW);
    assert_int_equal(pp_cosem_attr_access(cls, &O, PP_ASSOC_MANAGEMENT, 4), PP_ACC_READ);
    assert_int_equal(pp_cosem_attr_access(cls, &O, PP_ASSOC_PUBLIC, 1), PP_ACC_NONE);
    assert_true(pp_cosem_method_allowed(cls, &O, PP_ASSOC_MANAGEMENT, 2));
    assert_false(pp_cosem_method_allowed(cls, &O, PP_ASSOC_READER, 1));
    c.id = 8;
    static const uint8_t PERIOD[] = {0x06, 0x00, 0x00, 0x03, 0x84};
    assert_int_equal(cls->set(&c, PERIOD, sizeof PERIOD), PP_DAR_SUCCESS);
    assert_int_equal(h->last_set_attr, 8);
    assert_int_equal(h->last_set.v.u, 900);
    static const uint8_t WRONG[] = {0x12, 0x03, 0x84};
    assert_int_equal(cls->set(&c, WRONG, sizeof WRONG), PP_DAR_TYPE_UNMATCHED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(profile_range, setup, teardown),
        cmocka_unit_test_setup_teardown(profile_rows_follow_the_time_zone, setup, teardown),
        cmocka_unit_test_setup_teardown(profile_entry, setup, teardown),
        cmocka_unit_test_setup_teardown(profile_attributes, setup, teardown),
        cmocka_unit_test_setup_teardown(profile_streams_through_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(profile_streams_decoded, setup, teardown),
        cmocka_unit_test_setup_teardown(profile_long_array_header, setup, teardown),
        cmocka_unit_test_setup_teardown(profile_skips_rotted_entry, setup, teardown),
        cmocka_unit_test_setup_teardown(clock_set_and_methods, setup, teardown),
        cmocka_unit_test_setup_teardown(clock_set_with_datablocks, setup, teardown),
        cmocka_unit_test_setup_teardown(object_lists_per_association, setup, teardown),
        cmocka_unit_test_setup_teardown(association_attributes, setup, teardown),
        cmocka_unit_test_setup_teardown(setup_objects, setup, teardown),
        cmocka_unit_test_setup_teardown(reader_cannot_write_secret, setup, teardown),
        cmocka_unit_test_setup_teardown(management_sets_communication_setup, setup, teardown),
        cmocka_unit_test_setup_teardown(demand_register_descriptor, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
