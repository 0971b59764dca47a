/* The DLMS server (polyphase/dlms_server.h) through its APDU entry point:
 * associations (public, LLS with lock-out), GET normal / with-list / block
 * transfer, exception and data-access-result codes, many sessions at once.
 * Expected bytes are hand-built from the Green Book encodings (comments
 * show the derivation); the AARQ is the Green Book's public LN example. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dlms_server_harness.h"
#include "polyphase/acse.h"
#include "polyphase/dlms_const.h"

static const uint8_t CLOCK_LN[6] = {0, 1, 1, 0, 0, 255};
static const uint8_t APLUS_LN[6] = {1, 1, 1, 8, 0, 255};
static const uint8_t ASSOC_LN[6] = {0, 0, 40, 0, 0, 255};
static const uint8_t LP_LN[6] = {1, 1, 99, 1, 0, 255};

/* Green Book: AARQ, LN referencing, no ciphering, lowest level security,
 * conformance 00 7E 1F, client-max-receive-pdu-size 0x04B0. */
static const uint8_t GB_AARQ[] = {0x60, 0x1D, 0xA1, 0x09, 0x06, 0x07, 0x60, 0x85, 0x74, 0x05, 0x08,
                                  0x01, 0x01, 0xBE, 0x10, 0x04, 0x0E, 0x01, 0x00, 0x00, 0x00, 0x06,
                                  0x5F, 0x1F, 0x04, 0x00, 0x00, 0x7E, 0x1F, 0x04, 0xB0};

#define CONF_ALL 0x00FFFFFFu

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

static void aare_public_exact(void **state)
{
    pp_dsh_t *h = *state;
    /* Ours: general-protection(1), general-block-transfer(2),
     * block-transfer-get(11), -set(12), -action(13), multiple-references(14),
     * get(19), set(20), selective-access(21), action(23) = 60 1E 1D; with the client's
     * 00 7E 1F: 00 1E 1D.
     * InitiateResponse 08 00 06 5F1F 04 00 001E1D 0400 0007 (14 octets). */
    static const uint8_t AARE[] = {
        0x61, 0x29, 0xA1, 0x09, 0x06, 0x07, 0x60, 0x85, 0x74, 0x05, 0x08, 0x01, 0x01,
        0xA2, 0x03, 0x02, 0x01, 0x00, 0xA3, 0x05, 0xA1, 0x03, 0x02, 0x01, 0x00,
        0xBE, 0x10, 0x04, 0x0E, 0x08, 0x00, 0x06, 0x5F, 0x1F, 0x04, 0x00, 0x00, 0x1E, 0x1D,
        0x04, 0x00, 0x00, 0x07};
    assert_int_equal(pp_dsh_req(h, 0, 16, GB_AARQ, sizeof GB_AARQ), sizeof AARE);
    assert_memory_equal(h->resp, AARE, sizeof AARE);
    assert_int_equal(h->srv.conn[0].state, PP_DLMS_ASSOCIATED);
    assert_int_equal(h->srv.conn[0].client_max_pdu, 0x4B0);
}

static void get_clock_exact(void **state)
{
    pp_dsh_t *h = *state;
    pp_dsh_req(h, 0, 16, GB_AARQ, sizeof GB_AARQ);
    /* C0 01 C1 0008 00 01 01 00 00 FF 02 00 */
    static const uint8_t REQ[] = {0xC0, 0x01, 0xC1, 0x00, 0x08, 0x00, 0x01, 0x01,
                                  0x00, 0x00, 0xFF, 0x02, 0x00};
    /* RTC 2026-01-01 00:00:00 UTC = Thursday 01:00 CET, deviation -60
     * (FFC4), status 00: 07EA 01 01 04 01 00 00 00 FFC4 00. */
    static const uint8_t RESP[] = {0xC4, 0x01, 0xC1, 0x00, 0x09, 0x0C, 0x07, 0xEA, 0x01, 0x01,
                                   0x04, 0x01, 0x00, 0x00, 0x00, 0xFF, 0xC4, 0x00};
    assert_int_equal(pp_dsh_req(h, 0, 16, REQ, sizeof REQ), sizeof RESP);
    assert_memory_equal(h->resp, RESP, sizeof RESP);
}

static void public_rights(void **state)
{
    pp_dsh_t *h = *state;
    uint8_t data[256];
    pp_dsh_req(h, 0, 16, GB_AARQ, sizeof GB_AARQ);
    /* A+ is not in the public object list: object-undefined (4). */
    assert_int_equal(pp_dsh_get(h, 0, 16, 3, APLUS_LN, 2, NULL, data, sizeof data, NULL), -1004);
    /* Clock with the wrong class: object-class-inconsistent (9). */
    assert_int_equal(pp_dsh_get(h, 0, 16, 3, CLOCK_LN, 2, NULL, data, sizeof data, NULL), -1009);
    /* Attribute 10 of a clock: object-undefined. */
    assert_int_equal(pp_dsh_get(h, 0, 16, 8, CLOCK_LN, 10, NULL, data, sizeof data, NULL), -1004);
    /* Selective access on the clock: scope-of-access-violated (13). */
    static const uint8_t P[] = {0x02, 0x04, 0x06, 0, 0, 0, 1, 0x06, 0, 0, 0, 1, 0x12, 0, 1,
                                0x12, 0, 0};
    pp_xdlms_access_t acc = {.present = true, .selector = 2, .params = P, .params_len = sizeof P};
    assert_int_equal(pp_dsh_get(h, 0, 16, 8, CLOCK_LN, 2, &acc, data, sizeof data, NULL), -1013);
}

static void reader_register_and_scaler(void **state)
{
    pp_dsh_t *h = *state;
    uint8_t data[64];
    assert_int_equal(pp_dsh_assoc(h, 3, 17, "12345678", CONF_ALL, 0), 0);
    /* 123456 = 0x0001E240 as double-long-unsigned */
    static const uint8_t V[] = {0x06, 0x00, 0x01, 0xE2, 0x40};
    assert_int_equal(pp_dsh_get(h, 3, 17, 3, APLUS_LN, 2, NULL, data, sizeof data, NULL), 5);
    assert_memory_equal(data, V, 5);
    /* scaler_unit {integer 0, enum 30 (Wh)} */
    static const uint8_t SU[] = {0x02, 0x02, 0x0F, 0x00, 0x16, 0x1E};
    assert_int_equal(pp_dsh_get(h, 3, 17, 3, APLUS_LN, 3, NULL, data, sizeof data, NULL), 6);
    assert_memory_equal(data, SU, 6);
    /* The reader may not write the clock's time zone: read-write-denied. */
    static const uint8_t SET_TZ[] = {0xC1, 0x01, 0xC1, 0x00, 0x08, 0, 1, 1, 0, 0, 255, 0x03, 0x00,
                                     0x10, 0xFF, 0xC4};
    assert_int_equal(pp_dsh_req(h, 3, 17, SET_TZ, sizeof SET_TZ), 4);
    static const uint8_t DENIED[] = {0xC5, 0x01, 0xC1, 0x03};
    assert_memory_equal(h->resp, DENIED, 4);
}

static void lls_failures_lock_out(void **state)
{
    pp_dsh_t *h = *state;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(pp_dsh_assoc(h, (unsigned)i, 17, "wrong", CONF_ALL, 0),
                         PP_ACSE_REJECTED_PERMANENT);
        pp_acse_aare_t re;
        assert_int_equal(pp_acse_aare_decode(h->resp, (size_t)h->resp_len, &re), PP_OK);
        assert_int_equal(re.diag, PP_ACSE_USER_AUTHENTICATION_FAILURE);
    }
    assert_int_equal(h->ev_code[0], PP_DLMS_SEC_DEFAULT_KEYS); /* at start-up */
    assert_int_equal(h->ev_code[1], PP_DLMS_SEC_AUTH_FAILURE);
    assert_int_equal(h->ev_client[1], 17);
    /* third failure: lock-out for 10 s; the right password is refused too */
    assert_int_equal(pp_dsh_assoc(h, 4, 17, "12345678", CONF_ALL, 0), PP_ACSE_REJECTED_TRANSIENT);
    /* other associations are not affected */
    assert_int_equal(pp_dsh_assoc(h, 5, 16, NULL, CONF_ALL, 0), 0);
    pp_fake_advance_ms(&h->fake, 10001);
    assert_int_equal(pp_dsh_assoc(h, 4, 17, "12345678", CONF_ALL, 0), 0);
    /* success cleared the count: one failure does not lock */
    assert_int_equal(pp_dsh_assoc(h, 6, 17, "x", CONF_ALL, 0), PP_ACSE_REJECTED_PERMANENT);
    assert_int_equal(pp_dsh_assoc(h, 6, 17, "12345678", CONF_ALL, 0), 0);
}

static void aarq_rejections(void **state)
{
    pp_dsh_t *h = *state;
    pp_acse_aare_t re;
    /* public with a password: mechanism not recognised (11) */
    assert_int_equal(pp_dsh_assoc(h, 0, 16, "12345678", CONF_ALL, 0), 1);
    assert_int_equal(pp_acse_aare_decode(h->resp, (size_t)h->resp_len, &re), PP_OK);
    assert_int_equal(re.diag, PP_ACSE_USER_MECH_NOT_RECOGNISED);
    /* reader without a password: mechanism required (12) */
    assert_int_equal(pp_dsh_assoc(h, 0, 17, NULL, CONF_ALL, 0), 1);
    assert_int_equal(pp_acse_aare_decode(h->resp, (size_t)h->resp_len, &re), PP_OK);
    assert_int_equal(re.diag, PP_ACSE_USER_MECH_REQUIRED);
    /* management without ciphering context: context not supported (2) */
    assert_int_equal(pp_dsh_assoc(h, 0, 1, NULL, CONF_ALL, 0), 1);
    assert_int_equal(pp_acse_aare_decode(h->resp, (size_t)h->resp_len, &re), PP_OK);
    assert_int_equal(re.diag, PP_ACSE_USER_CONTEXT_NOT_SUPPORTED);
    /* unknown client SAP */
    assert_int_equal(pp_dsh_assoc(h, 0, 99, NULL, CONF_ALL, 0), 1);
    /* no common conformance: ConfirmedServiceError initiate-error
     * incompatible-conformance (2): 0E 01 06 02 in user-information */
    assert_int_equal(pp_dsh_assoc(h, 0, 16, NULL, 0x000002, 0), 1);
    assert_int_equal(pp_acse_aare_decode(h->resp, (size_t)h->resp_len, &re), PP_OK);
    static const uint8_t CSE[] = {0x0E, 0x01, 0x06, 0x02};
    assert_int_equal(re.user_info.len, 4);
    assert_memory_equal(re.user_info.ptr, CSE, 4);
    /* DLMS version 5: dlms-version-too-low (1) */
    uint8_t aarq[sizeof GB_AARQ];
    memcpy(aarq, GB_AARQ, sizeof aarq);
    aarq[21] = 5;
    pp_dsh_req(h, 0, 16, aarq, sizeof aarq);
    assert_int_equal(pp_acse_aare_decode(h->resp, (size_t)h->resp_len, &re), PP_OK);
    static const uint8_t CSE1[] = {0x0E, 0x01, 0x06, 0x01};
    assert_memory_equal(re.user_info.ptr, CSE1, 4);
    assert_int_equal(h->srv.conn[0].state, PP_DLMS_IDLE);
}

static void exceptions(void **state)
{
    pp_dsh_t *h = *state;
    static const uint8_t GET[] = {0xC0, 0x01, 0xC1, 0x00, 0x08, 0, 1, 1, 0, 0, 255, 0x02, 0x00};
    /* not associated: D8 service-not-allowed(1) operation-not-possible(1) */
    assert_int_equal(pp_dsh_req(h, 0, 16, GET, sizeof GET), 3);
    static const uint8_t E1[] = {0xD8, 0x01, 0x01};
    assert_memory_equal(h->resp, E1, 3);
    pp_dsh_req(h, 0, 16, GB_AARQ, sizeof GB_AARQ);
    /* another client SAP on this connection */
    pp_dsh_req(h, 0, 17, GET, sizeof GET);
    assert_memory_equal(h->resp, E1, 3);
    /* unknown APDU: service-unknown(2) service-not-supported(2) */
    static const uint8_t ODD[] = {0xC6, 0x01};
    pp_dsh_req(h, 0, 16, ODD, sizeof ODD);
    static const uint8_t E2[] = {0xD8, 0x02, 0x02};
    assert_memory_equal(h->resp, E2, 3);
    /* truncated GET: service-unknown, other-reason(3) */
    pp_dsh_req(h, 0, 16, GET, sizeof GET - 1);
    static const uint8_t E3[] = {0xD8, 0x02, 0x03};
    assert_memory_equal(h->resp, E3, 3);
    /* ciphered APDU on a public association: deciphering-error (5) */
    static const uint8_t GLO[] = {0xC8, 0x05, 0x30, 0, 0, 0, 1};
    pp_dsh_req(h, 0, 16, GLO, sizeof GLO);
    static const uint8_t E5[] = {0xD8, 0x01, 0x05};
    assert_memory_equal(h->resp, E5, 3);
    /* GET-next without a long GET: datablock, last, block 1, DAR 16 */
    static const uint8_t NEXT[] = {0xC0, 0x02, 0xC1, 0x00, 0x00, 0x00, 0x01};
    pp_dsh_req(h, 0, 16, NEXT, sizeof NEXT);
    static const uint8_t R16[] = {0xC4, 0x02, 0xC1, 0x01, 0x00, 0x00, 0x00, 0x01, 0x01, 0x10};
    assert_int_equal(h->resp_len, sizeof R16);
    assert_memory_equal(h->resp, R16, sizeof R16);
    /* release: RLRE reason normal */
    static const uint8_t RLRQ[] = {0x62, 0x03, 0x80, 0x01, 0x00};
    static const uint8_t RLRE[] = {0x63, 0x03, 0x80, 0x01, 0x00};
    assert_int_equal(pp_dsh_req(h, 0, 16, RLRQ, sizeof RLRQ), 5);
    assert_memory_equal(h->resp, RLRE, 5);
    assert_int_equal(h->srv.conn[0].state, PP_DLMS_IDLE);
}

static void get_with_list(void **state)
{
    pp_dsh_t *h = *state;
    assert_int_equal(pp_dsh_assoc(h, 0, 17, "12345678", CONF_ALL, 0), 0);
    /* C0 03 C1 02 {3, A+, 2, no access} {8, clock, 9 (clock_base), no access} */
    static const uint8_t REQ[] = {0xC0, 0x03, 0xC1, 0x03,
                                  0x00, 0x03, 1, 1, 1, 8, 0, 255, 0x02, 0x00,
                                  0x00, 0x08, 0, 1, 1, 0, 0, 255, 0x09, 0x00,
                                  0x00, 0x03, 9, 9, 9, 9, 9, 9, 0x02, 0x00};
    /* C4 03 C1 03 | 00 06 0001E240 | 00 16 01 | 01 04 */
    static const uint8_t RESP[] = {0xC4, 0x03, 0xC1, 0x03, 0x00, 0x06, 0x00, 0x01, 0xE2, 0x40,
                                   0x00, 0x16, 0x01, 0x01, 0x04};
    assert_int_equal(pp_dsh_req(h, 0, 17, REQ, sizeof REQ), sizeof RESP);
    assert_memory_equal(h->resp, RESP, sizeof RESP);
}

/* The object list through blocks of a small PDU equals the one-APDU answer. */
static void block_transfer_object_list(void **state)
{
    pp_dsh_t *h = *state;
    static uint8_t whole[8192], blocks[8192];
    assert_int_equal(pp_dsh_assoc(h, 0, 17, "12345678", CONF_ALL, 0), 0);
    assert_int_equal(pp_dsh_assoc(h, 1, 17, "12345678", CONF_ALL, 64), 0);
    unsigned nb0 = 0, nb1 = 0;
    int n0 = pp_dsh_get(h, 0, 17, 15, ASSOC_LN, 2, NULL, whole, sizeof whole, &nb0);
    int n1 = pp_dsh_get(h, 1, 17, 15, ASSOC_LN, 2, NULL, blocks, sizeof blocks, &nb1);
    assert_true(n0 > 1000);
    assert_int_equal(n0, n1);
    assert_memory_equal(whole, blocks, (size_t)n0);
    assert_true(nb1 > nb0 && nb1 > 20);
    /* exactly one complete Data value, no trailing bytes */
    assert_int_equal(pp_axdr_measure(whole, (size_t)n0, 16), n0);
    assert_int_equal(whole[0], 0x01); /* array */
}

static void block_number_invalid(void **state)
{
    pp_dsh_t *h = *state;
    assert_int_equal(pp_dsh_assoc(h, 0, 17, "12345678", CONF_ALL, 64), 0);
    uint8_t req[64];
    int n = pp_dsh_get_req(req, sizeof req, 15, ASSOC_LN, 2, NULL);
    pp_dsh_req(h, 0, 17, req, (size_t)n);
    assert_int_equal(h->resp[1], PP_GET_RESP_DATABLOCK);
    assert_true(h->resp_len <= 64);
    /* ask for block 5 after block 1: DAR data-block-number-invalid (19) */
    static const uint8_t NEXT5[] = {0xC0, 0x02, 0xC1, 0x00, 0x00, 0x00, 0x05};
    pp_dsh_req(h, 0, 17, NEXT5, sizeof NEXT5);
    static const uint8_t R19[] = {0xC4, 0x02, 0xC1, 0x01, 0x00, 0x00, 0x00, 0x05, 0x01, 0x13};
    assert_memory_equal(h->resp, R19, sizeof R19);
    /* and the long GET is over */
    static const uint8_t NEXT1[] = {0xC0, 0x02, 0xC1, 0x00, 0x00, 0x00, 0x01};
    pp_dsh_req(h, 0, 17, NEXT1, sizeof NEXT1);
    assert_int_equal(h->resp[9], PP_DAR_NO_LONG_GET_IN_PROGRESS);
}

/* 64 connections at once, each in its own state; a long GET in progress on
 * one does not disturb the others. */
static void many_sessions(void **state)
{
    pp_dsh_t *h = *state;
    static uint8_t a[8192], b[8192];
    for (unsigned i = 0; i < PP_DLMS_SERVER_SESSIONS; i++) {
        if (i % 2) {
            assert_int_equal(pp_dsh_assoc(h, i, 17, "12345678", CONF_ALL, 96), 0);
        } else {
            assert_int_equal(pp_dsh_assoc(h, i, 16, NULL, CONF_ALL, 0), 0);
        }
    }
    /* start long GETs on every odd connection, then serve them interleaved */
    uint8_t req[64];
    int n = pp_dsh_get_req(req, sizeof req, 15, ASSOC_LN, 2, NULL);
    size_t len[PP_DLMS_SERVER_SESSIONS] = {0};
    uint32_t blk[PP_DLMS_SERVER_SESSIONS] = {0};
    for (unsigned i = 1; i < PP_DLMS_SERVER_SESSIONS; i += 2) {
        pp_dsh_req(h, i, 17, req, (size_t)n);
        assert_int_equal(h->resp[1], PP_GET_RESP_DATABLOCK);
        blk[i] = 1;
        len[i] = (size_t)h->resp_len;
    }
    for (unsigned round = 0; round < 5; round++) {
        for (unsigned i = 0; i < PP_DLMS_SERVER_SESSIONS; i++) {
            if (i % 2 == 0) { /* public clients read the clock meanwhile */
                assert_true(pp_dsh_get(h, i, 16, 8, CLOCK_LN, 2, NULL, a, sizeof a, NULL) == 14);
                continue;
            }
            const uint8_t next[] = {0xC0, 0x02, 0xC1, 0, 0, 0, (uint8_t)blk[i]};
            pp_dsh_req(h, i, 17, next, sizeof next);
            assert_int_equal(h->resp[1], PP_GET_RESP_DATABLOCK);
            assert_int_equal(h->resp[7], (uint8_t)(blk[i] + 1));
            assert_int_equal(h->resp_len, (int)len[i]); /* full blocks of the same size */
            blk[i]++;
        }
    }
    /* the reader's object list is still whole on a fresh connection */
    int n0 = pp_dsh_get(h, 1, 17, 15, ASSOC_LN, 2, NULL, a, sizeof a, NULL);
    int n1 = pp_dsh_get(h, 3, 17, 15, ASSOC_LN, 2, NULL, b, sizeof b, NULL);
    assert_true(n0 > 0);
    assert_int_equal(n0, n1);
    assert_memory_equal(a, b, (size_t)n0);
    pp_dlms_server_close(&h->srv, 3);
    assert_int_equal(h->srv.conn[3].state, PP_DLMS_IDLE);
    assert_int_equal(h->srv.conn[5].state, PP_DLMS_ASSOCIATED);
}

/* The max PDU the client asked for is respected by every response. */
static void client_max_pdu_respected(void **state)
{
    pp_dsh_t *h = *state;
    for (int i = 0; i < 10; i++) {
        pp_dsh_lp_add(h, 1767229200000 + i * 900000ll, 1000u + (uint32_t)i);
    }
    assert_int_equal(pp_dsh_assoc(h, 0, 17, "12345678", CONF_ALL, 40), 0);
    uint8_t req[64];
    int n = pp_dsh_get_req(req, sizeof req, 7, LP_LN, 2, NULL);
    pp_dsh_req(h, 0, 17, req, (size_t)n);
    unsigned guard = 0;
    while (h->resp[1] == PP_GET_RESP_DATABLOCK && h->resp[3] == 0 && guard++ < 100) {
        assert_true(h->resp_len <= 40);
        const uint8_t next[] = {0xC0, 0x02, 0xC1, h->resp[4], h->resp[5], h->resp[6], h->resp[7]};
        pp_dsh_req(h, 0, 17, next, sizeof next);
    }
    assert_true(h->resp_len <= 40);
    assert_int_equal(h->resp[3], 1); /* last block */
    /* 10 rows of 21 octets + 2 = 212 octets of Data in blocks of 40 - 10
     * octets: 8 blocks, 7 GET-next */
    assert_int_equal(guard, 7);
}

static void trace_lines(void **state)
{
    (void)state;
    char line[160];
    assert_int_equal(pp_dlms_trace(GB_AARQ, sizeof GB_AARQ, line, sizeof line),
                     (int)strlen("AARQ context=1 mechanism=0"));
    assert_string_equal(line, "AARQ context=1 mechanism=0");
    static const uint8_t GET[] = {0xC0, 0x01, 0xC1, 0x00, 0x08, 0, 1, 1, 0, 0, 255, 0x02, 0x00};
    pp_dlms_trace(GET, sizeof GET, line, sizeof line);
    assert_string_equal(line, "GET-request normal 8/0.1.1.0.0.255/2");
    static const uint8_t R16[] = {0xC4, 0x02, 0xC1, 0x01, 0x00, 0x00, 0x00, 0x01, 0x01, 0x10};
    pp_dlms_trace(R16, sizeof R16, line, sizeof line);
    assert_string_equal(line, "GET-response block=1 last dar=16(no-long-get-in-progress)");
    static const uint8_t EXC[] = {0xD8, 0x01, 0x06, 0x01, 0x23, 0x45, 0x68};
    pp_dlms_trace_hex(EXC, sizeof EXC, line, sizeof line);
    assert_string_equal(line, "exception-response state=1 service=6 | D8 01 06 01 23 45 68");
    /* truncated to the buffer, always terminated */
    assert_int_equal(pp_dlms_trace(GET, sizeof GET, line, 8), 7);
    assert_string_equal(line, "GET-req");
    pp_dlms_trace(GET, 5, line, sizeof line);
    assert_string_equal(line, "GET-request malformed");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(aare_public_exact, setup, teardown),
        cmocka_unit_test_setup_teardown(get_clock_exact, setup, teardown),
        cmocka_unit_test_setup_teardown(public_rights, setup, teardown),
        cmocka_unit_test_setup_teardown(reader_register_and_scaler, setup, teardown),
        cmocka_unit_test_setup_teardown(lls_failures_lock_out, setup, teardown),
        cmocka_unit_test_setup_teardown(aarq_rejections, setup, teardown),
        cmocka_unit_test_setup_teardown(exceptions, setup, teardown),
        cmocka_unit_test_setup_teardown(get_with_list, setup, teardown),
        cmocka_unit_test_setup_teardown(block_transfer_object_list, setup, teardown),
        cmocka_unit_test_setup_teardown(block_number_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(many_sessions, setup, teardown),
        cmocka_unit_test_setup_teardown(client_max_pdu_respected, setup, teardown),
        cmocka_unit_test(trace_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
