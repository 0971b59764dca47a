/* Security suite 0 of the DLMS server against the Green Book's published
 * examples (IEC 62056-5-3): Table 43, HLS mechanism 5 (GMAC) both passes,
 * and Table 40, the glo-get-request ciphered with authenticated encryption.
 * Everything else (replays, tampering, dedicated keys, general-glo-
 * ciphering, ciphered release, counters across a power cut, secret change)
 * is checked with a client that ciphers through Mbed TLS. */
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
static const uint8_t CTOS[8] = {'K', '5', '6', 'i', 'V', 'a', 'g', 'Y'};

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

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Green Book Table 43: client title 4D4D4D0000000001, server title
 * 4D4D4D0000BC614E, CtoS "K56iVagY", StoC "P6wRJ21F";
 * f(StoC) = 10 00000001 1A52FE7DD3E72748973C1E28 (client IC 1),
 * f(CtoS) = 10 01234567 FE1466AFB3DBCD4F9389E2B7 (server IC 01234567). */
static void hls_gmac_green_book(void **state)
{
    pp_dsh_t *h = *state;
    memcpy(h->cfg.flag, "MMM", 3); /* 4D4D4D, meter number 12345678 = 00 00 BC 61 4E */
    h->cfg.challenge_len = 8;
    memcpy(h->rng_fixed, "P6wRJ21F", 8);
    h->rng_fixed_len = 8;
    uint8_t ic[4];
    put32(ic, 0x01234566); /* the AARE takes ...66, pass 4 ...67 */
    assert_int_equal(pp_journal_write(&h->journal, PP_KEY_DLMS_TX_IC, ic, 4), PP_OK);
    pp_dsh_restart(h);
    uint8_t title[8];
    pp_dlms_server_title(&h->srv, title);
    static const uint8_t SERVER_TITLE[8] = {0x4D, 0x4D, 0x4D, 0x00, 0x00, 0xBC, 0x61, 0x4E};
    assert_memory_equal(title, SERVER_TITLE, 8);

    /* AARQ: LN with ciphering, HLS-GMAC, calling-AP-title, CtoS, glo-initiate-request */
    uint8_t ir[32], glo[96], aarq[256], plain[128], req[128];
    pp_xdlms_initiate_req_t irq = {.response_allowed = true, .dlms_version = 6,
                                   .conformance = 0x00001E1D, .max_pdu = 1024};
    int n = pp_xdlms_initiate_req_encode(&irq, ir, sizeof ir);
    h->client_ic = 100;
    n = pp_dsh_encipher(h, PP_APDU_GLO_INITIATE_REQUEST, ir, (size_t)n, glo, sizeof glo, NULL);
    pp_acse_aarq_t rq = {.context = PP_ACSE_CTX_LN_CIPHERED,
                         .calling_ap_title = {h->client_title, 8}, .auth_required = true,
                         .mechanism = PP_ACSE_MECH_HIGH_GMAC, .auth_value = {CTOS, 8},
                         .user_info = {glo, (uint32_t)n}};
    n = pp_acse_aarq_encode(&rq, aarq, sizeof aarq);
    assert_true(pp_dsh_req(h, 0, 1, aarq, (size_t)n) > 0);
    pp_acse_aare_t re;
    assert_int_equal(pp_acse_aare_decode(h->resp, (size_t)h->resp_len, &re), PP_OK);
    assert_int_equal(re.result, PP_ACSE_ACCEPTED);
    assert_int_equal(re.diag, PP_ACSE_USER_AUTHENTICATION_REQUIRED);
    assert_int_equal(re.mechanism, PP_ACSE_MECH_HIGH_GMAC);
    assert_int_equal(re.auth_value.len, 8);
    assert_memory_equal(re.auth_value.ptr, "P6wRJ21F", 8);
    assert_int_equal(re.responding_ap_title.len, 8);
    assert_memory_equal(re.responding_ap_title.ptr, SERVER_TITLE, 8);
    /* glo-initiate-response 28 len 30 00000001... with IC 01234566 */
    assert_int_equal(re.user_info.ptr[0], 0x28);
    static const uint8_t IC66[] = {0x30, 0x01, 0x23, 0x45, 0x66};
    assert_memory_equal(re.user_info.ptr + 2, IC66, 5);
    n = pp_dsh_decipher(h, re.user_info.ptr, re.user_info.len, plain, sizeof plain, NULL);
    assert_true(n > 0);
    assert_int_equal(plain[0], PP_APDU_INITIATE_RESPONSE);
    assert_int_equal(h->srv.conn[0].state, PP_DLMS_HLS_PENDING);

    /* Before pass 3 nothing else is served. */
    uint8_t get[32];
    int g = pp_dsh_get_req(get, sizeof get, 8, CLOCK_LN, 2, NULL);
    n = pp_dsh_encipher(h, PP_APDU_GLO_GET_REQUEST, get, (size_t)g, req, sizeof req, NULL);
    pp_dsh_req(h, 0, 1, req, (size_t)n);
    static const uint8_t NOT_POSSIBLE[] = {0xD8, 0x01, 0x01};
    assert_memory_equal(h->resp, NOT_POSSIBLE, 3);

    /* Pass 3: reply_to_HLS_authentication(f(StoC)) as a glo-action-request */
    static const uint8_t ACTION[] = {
        0xC3, 0x01, 0xC1, 0x00, 0x0F, 0x00, 0x00, 0x28, 0x00, 0x00, 0xFF, 0x01, 0x01, 0x09, 0x11,
        0x10, 0x00, 0x00, 0x00, 0x01, 0x1A, 0x52, 0xFE, 0x7D, 0xD3, 0xE7, 0x27, 0x48, 0x97, 0x3C,
        0x1E, 0x28};
    n = pp_dsh_encipher(h, PP_APDU_GLO_ACTION_REQUEST, ACTION, sizeof ACTION, req, sizeof req,
                        NULL);
    assert_true(pp_dsh_req(h, 0, 1, req, (size_t)n) > 0);
    assert_int_equal(h->resp[0], PP_APDU_GLO_ACTION_RESPONSE);
    n = pp_dsh_decipher(h, h->resp, (size_t)h->resp_len, plain, sizeof plain, NULL);
    /* Pass 4: C7 01 C1 00(success) 01 00 09 11 f(CtoS) */
    static const uint8_t RESP[] = {
        0xC7, 0x01, 0xC1, 0x00, 0x01, 0x00, 0x09, 0x11, 0x10, 0x01, 0x23, 0x45, 0x67, 0xFE, 0x14,
        0x66, 0xAF, 0xB3, 0xDB, 0xCD, 0x4F, 0x93, 0x89, 0xE2, 0xB7};
    assert_int_equal(n, sizeof RESP);
    assert_memory_equal(plain, RESP, sizeof RESP);
    assert_int_equal(h->srv.conn[0].state, PP_DLMS_ASSOCIATED);
}

static void hls_wrong_reply_refused(void **state)
{
    pp_dsh_t *h = *state;
    uint8_t ak[16];
    memcpy(ak, h->ak, 16);
    h->ak[0] ^= 1; /* the client computes f(StoC) with a wrong key ... */
    /* ... but ciphers with the right one (the AARQ must get through) */
    uint8_t ir[32], glo[96], aarq[256];
    pp_xdlms_initiate_req_t irq = {.response_allowed = true, .dlms_version = 6,
                                   .conformance = 0x00001E1D, .max_pdu = 1024};
    memcpy(h->ak, ak, 16);
    int n = pp_xdlms_initiate_req_encode(&irq, ir, sizeof ir);
    n = pp_dsh_encipher(h, PP_APDU_GLO_INITIATE_REQUEST, ir, (size_t)n, glo, sizeof glo, NULL);
    pp_acse_aarq_t rq = {.context = PP_ACSE_CTX_LN_CIPHERED,
                         .calling_ap_title = {h->client_title, 8}, .auth_required = true,
                         .mechanism = PP_ACSE_MECH_HIGH_GMAC, .auth_value = {CTOS, 8},
                         .user_info = {glo, (uint32_t)n}};
    n = pp_acse_aarq_encode(&rq, aarq, sizeof aarq);
    pp_dsh_req(h, 0, 1, aarq, (size_t)n);
    assert_int_equal(h->srv.conn[0].state, PP_DLMS_HLS_PENDING);
    uint8_t action[64] = {0xC3, 0x01, 0xC1, 0x00, 0x0F, 0, 0, 40, 0, 0, 255, 0x01, 0x01, 0x09, 17,
                          0x10, 0, 0, 0, 9};
    uint8_t req[96], plain[64];
    n = pp_dsh_encipher(h, PP_APDU_GLO_ACTION_REQUEST, action, 32, req, sizeof req, NULL);
    pp_dsh_req(h, 0, 1, req, (size_t)n);
    n = pp_dsh_decipher(h, h->resp, (size_t)h->resp_len, plain, sizeof plain, NULL);
    /* C7 01 C1 FA(other-reason) 00 */
    static const uint8_t R[] = {0xC7, 0x01, 0xC1, 0xFA, 0x00};
    assert_int_equal(n, 5);
    assert_memory_equal(plain, R, 5);
    assert_int_equal(h->srv.conn[0].state, PP_DLMS_IDLE);
    assert_int_equal(h->ev_code[h->nev - 1], PP_DLMS_SEC_AUTH_FAILURE);
    assert_int_equal(h->ev_client[h->nev - 1], 1);
}

/* Green Book Table 40: glo-get-request from system title 4D4D4D0000BC614E,
 * IC 01234567, SC 30, plaintext C0 01 C1 0008 0000010000FF 02 00. */
static const uint8_t GB_GLO_GET[] = {
    0xC8, 0x1E, 0x30, 0x01, 0x23, 0x45, 0x67, 0x41, 0x13, 0x12, 0xFF, 0x93, 0x5A, 0x47, 0x56,
    0x68, 0x27, 0xC4, 0x67, 0xBC, 0x7D, 0x82, 0x5C, 0x3B, 0xE4, 0xA7, 0x7C, 0x3F, 0xCC, 0x05,
    0x6B, 0x6B};

static void glo_get_green_book_and_replay(void **state)
{
    pp_dsh_t *h = *state;
    memcpy(h->client_title, "\x4D\x4D\x4D\x00\x00\xBC\x61\x4E", 8);
    assert_int_equal(pp_dsh_hls(h, 0, 1, CTOS, 8, NULL), 0);
    assert_true(pp_dsh_req(h, 0, 1, GB_GLO_GET, sizeof GB_GLO_GET) > 0);
    assert_int_equal(h->resp[0], PP_APDU_GLO_GET_RESPONSE);
    uint8_t plain[64];
    int n = pp_dsh_decipher(h, h->resp, (size_t)h->resp_len, plain, sizeof plain, NULL);
    /* invoke-id 00; 0.0.1.0.0.255 is not this meter's clock (0.1.1.0.0.255):
     * object-undefined */
    static const uint8_t R[] = {0xC4, 0x01, 0x00, 0x01, 0x04};
    assert_int_equal(n, 5);
    assert_memory_equal(plain, R, 5);
    /* the same APDU again: invocation-counter-error, expecting 01234568 */
    pp_dsh_req(h, 0, 1, GB_GLO_GET, sizeof GB_GLO_GET);
    static const uint8_t E[] = {0xD8, 0x01, 0x06, 0x01, 0x23, 0x45, 0x68};
    assert_int_equal(h->resp_len, sizeof E);
    assert_memory_equal(h->resp, E, sizeof E);
    assert_int_equal(h->ev_code[h->nev - 1], PP_DLMS_SEC_REPLAY);
    /* a tampered tag: deciphering-error */
    uint8_t bad[sizeof GB_GLO_GET];
    memcpy(bad, GB_GLO_GET, sizeof bad);
    bad[6] = 0x70; /* new IC, same ciphertext: the tag no longer matches */
    pp_dsh_req(h, 0, 1, bad, sizeof bad);
    static const uint8_t E5[] = {0xD8, 0x01, 0x05};
    assert_memory_equal(h->resp, E5, 3);
    assert_int_equal(h->ev_code[h->nev - 1], PP_DLMS_SEC_DECIPHER_FAILURE);
    /* an unciphered GET on the ciphered association: refused */
    uint8_t get[32];
    n = pp_dsh_get_req(get, sizeof get, 8, CLOCK_LN, 2, NULL);
    pp_dsh_req(h, 0, 1, get, (size_t)n);
    assert_memory_equal(h->resp, E5, 3);
    /* still associated: a fresh ciphered GET of the clock works */
    uint8_t data[64];
    h->client_ic = 0x01234600;
    assert_int_equal(pp_dsh_get(h, 0, 1, 8, CLOCK_LN, 2, NULL, data, sizeof data, NULL), 14);
}

static void dedicated_key(void **state)
{
    pp_dsh_t *h = *state;
    static const uint8_t DK[16] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
                                   0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF, 0x00};
    assert_int_equal(pp_dsh_hls(h, 2, 1, CTOS, 8, DK), 0);
    uint8_t get[32], req[96], plain[96];
    int n = pp_dsh_get_req(get, sizeof get, 8, CLOCK_LN, 2, NULL);
    n = pp_dsh_encipher(h, PP_APDU_DED_GET_REQUEST, get, (size_t)n, req, sizeof req, DK);
    pp_dsh_req(h, 2, 1, req, (size_t)n);
    assert_int_equal(h->resp[0], PP_APDU_DED_GET_RESPONSE);
    assert_int_equal(pp_dsh_decipher(h, h->resp, (size_t)h->resp_len, plain, sizeof plain, NULL),
                     -2); /* not with the global key */
    n = pp_dsh_decipher(h, h->resp, (size_t)h->resp_len, plain, sizeof plain, DK);
    assert_int_equal(n, 4 + 14);
    assert_int_equal(plain[4], 0x09);
    /* a ded-ciphered request on an association without a dedicated key */
    assert_int_equal(pp_dsh_hls(h, 3, 2, CTOS, 8, NULL), 0);
    n = pp_dsh_encipher(h, PP_APDU_DED_GET_REQUEST, get, 13, req, sizeof req, DK);
    pp_dsh_req(h, 3, 2, req, (size_t)n);
    static const uint8_t E5[] = {0xD8, 0x01, 0x05};
    assert_memory_equal(h->resp, E5, 3);
}

static void general_glo_ciphering(void **state)
{
    pp_dsh_t *h = *state;
    assert_int_equal(pp_dsh_hls(h, 0, 1, CTOS, 8, NULL), 0);
    uint8_t get[32], req[96], plain[96];
    int n = pp_dsh_get_req(get, sizeof get, 8, CLOCK_LN, 2, NULL);
    n = pp_dsh_encipher(h, PP_APDU_GENERAL_GLO_CIPHERING, get, (size_t)n, req, sizeof req, NULL);
    pp_dsh_req(h, 0, 1, req, (size_t)n);
    /* DB 08 <server title> len 30 IC ... */
    assert_int_equal(h->resp[0], PP_APDU_GENERAL_GLO_CIPHERING);
    assert_int_equal(h->resp[1], 8);
    uint8_t title[8];
    pp_dlms_server_title(&h->srv, title);
    assert_memory_equal(h->resp + 2, title, 8);
    n = pp_dsh_decipher(h, h->resp, (size_t)h->resp_len, plain, sizeof plain, NULL);
    assert_int_equal(n, 18);
    assert_int_equal(plain[0], PP_APDU_GET_RESPONSE);
}

static void wrong_key_aarq_refused(void **state)
{
    pp_dsh_t *h = *state;
    h->ek[15] ^= 0x80;
    assert_int_not_equal(pp_dsh_hls(h, 0, 1, CTOS, 8, NULL), 0);
    pp_acse_aare_t re;
    assert_int_equal(pp_acse_aare_decode(h->resp, (size_t)h->resp_len, &re), PP_OK);
    assert_int_equal(re.result, PP_ACSE_REJECTED_PERMANENT);
    /* plain ConfirmedServiceError initiate-error other: we cannot cipher for it */
    static const uint8_t CSE[] = {0x0E, 0x01, 0x06, 0x00};
    assert_int_equal(re.user_info.len, 4);
    assert_memory_equal(re.user_info.ptr, CSE, 4);
    assert_int_equal(h->srv.conn[0].state, PP_DLMS_IDLE);
    bool decipher = false, auth = false;
    for (unsigned i = 0; i < h->nev; i++) {
        decipher |= h->ev_code[i] == PP_DLMS_SEC_DECIPHER_FAILURE;
        auth |= h->ev_code[i] == PP_DLMS_SEC_AUTH_FAILURE;
    }
    assert_true(decipher && auth);
}

/* RLRQ with a ciphered InitiateRequest: the RLRE carries a ciphered
 * InitiateResponse whose lengths a strict decoder accepts. */
static void ciphered_release(void **state)
{
    pp_dsh_t *h = *state;
    assert_int_equal(pp_dsh_hls(h, 0, 1, CTOS, 8, NULL), 0);
    uint8_t ir[32], glo[96], rlrq[160], plain[64];
    pp_xdlms_initiate_req_t irq = {.response_allowed = true, .dlms_version = 6,
                                   .conformance = 0x00001E1D, .max_pdu = 1024};
    int n = pp_xdlms_initiate_req_encode(&irq, ir, sizeof ir);
    n = pp_dsh_encipher(h, PP_APDU_GLO_INITIATE_REQUEST, ir, (size_t)n, glo, sizeof glo, NULL);
    pp_acse_release_t rq = {.has_reason = true, .reason = PP_RLRQ_NORMAL,
                            .user_info = {glo, (uint32_t)n}};
    n = pp_acse_rlrq_encode(&rq, rlrq, sizeof rlrq);
    assert_true(pp_dsh_req(h, 0, 1, rlrq, (size_t)n) > 0);
    pp_acse_release_t re;
    assert_int_equal(pp_acse_rlre_decode(h->resp, (size_t)h->resp_len, &re), PP_OK);
    assert_true(re.has_reason);
    assert_int_equal(re.reason, PP_RLRE_NORMAL);
    assert_int_equal(re.user_info.ptr[0], PP_APDU_GLO_INITIATE_RESPONSE);
    n = pp_dsh_decipher(h, re.user_info.ptr, re.user_info.len, plain, sizeof plain, NULL);
    assert_true(n > 0);
    pp_xdlms_initiate_resp_t ire;
    assert_int_equal(pp_xdlms_initiate_resp_decode(plain, (size_t)n, &ire), PP_OK);
    assert_int_equal(ire.max_pdu, h->cfg.max_pdu);
    assert_int_equal(h->srv.conn[0].state, PP_DLMS_IDLE);
}

static uint32_t ic_of(const uint8_t *apdu)
{
    return (uint32_t)apdu[3] << 24 | (uint32_t)apdu[4] << 16 | (uint32_t)apdu[5] << 8 | apdu[6];
}

/* A power cut never makes the server reuse an invocation counter, and a
 * client's old APDUs stay refused after it. */
static void counters_across_power_cut(void **state)
{
    pp_dsh_t *h = *state;
    assert_int_equal(pp_dsh_hls(h, 0, 1, CTOS, 8, NULL), 0);
    uint8_t get[32], req[96], old[96];
    int g = pp_dsh_get_req(get, sizeof get, 8, CLOCK_LN, 2, NULL);
    uint32_t last = 0;
    for (int i = 0; i < 30; i++) {
        int n = pp_dsh_encipher(h, PP_APDU_GLO_GET_REQUEST, get, (size_t)g, req, sizeof req, NULL);
        if (i == 0) {
            memcpy(old, req, (size_t)n);
        }
        pp_dsh_req(h, 0, 1, req, (size_t)n);
        assert_int_equal(h->resp[0], PP_APDU_GLO_GET_RESPONSE);
        assert_true(ic_of(h->resp) > last || i == 0);
        last = ic_of(h->resp);
    }
    pp_dsh_restart(h); /* RAM state gone, as after a power cut */
    assert_int_equal(pp_dsh_hls(h, 0, 1, CTOS, 8, NULL), 0);
    int n = pp_dsh_encipher(h, PP_APDU_GLO_GET_REQUEST, get, (size_t)g, req, sizeof req, NULL);
    pp_dsh_req(h, 0, 1, req, (size_t)n);
    assert_true(ic_of(h->resp) > last);
    /* an APDU recorded before the cut: invocation-counter-error */
    pp_dsh_req(h, 0, 1, old, 13 + 12 + 7);
    assert_int_equal(h->resp[0], PP_APDU_EXCEPTION_RESPONSE);
    assert_int_equal(h->resp[2], PP_EXC_SERVICE_INVOCATION_COUNTER_ERROR);
}

/* change_HLS_secret: the new authentication key applies after the response. */
static void change_hls_secret(void **state)
{
    pp_dsh_t *h = *state;
    assert_int_equal(pp_dsh_hls(h, 0, 1, CTOS, 8, NULL), 0);
    uint8_t action[64] = {0xC3, 0x01, 0xC1, 0x00, 0x0F, 0, 0, 40, 0, 0, 255, 0x02, 0x01, 0x09, 16};
    uint8_t nak[16];
    for (int i = 0; i < 16; i++) {
        nak[i] = (uint8_t)(0xA0 + i);
    }
    memcpy(action + 15, nak, 16);
    uint8_t req[96], plain[64], data[64];
    int n = pp_dsh_encipher(h, PP_APDU_GLO_ACTION_REQUEST, action, 31, req, sizeof req, NULL);
    pp_dsh_req(h, 0, 1, req, (size_t)n);
    n = pp_dsh_decipher(h, h->resp, (size_t)h->resp_len, plain, sizeof plain, NULL);
    static const uint8_t OK[] = {0xC7, 0x01, 0xC1, 0x00, 0x00};
    assert_int_equal(n, 5);
    assert_memory_equal(plain, OK, 5);
    /* the old key no longer works, the new one does */
    assert_int_equal(pp_dsh_get(h, 0, 1, 8, CLOCK_LN, 2, NULL, data, sizeof data, NULL), -1);
    memcpy(h->ak, nak, 16);
    assert_int_equal(pp_dsh_get(h, 0, 1, 8, CLOCK_LN, 2, NULL, data, sizeof data, NULL), 14);
    assert_false(h->srv.sec.default_keys);
    /* persisted */
    pp_dsh_restart(h);
    assert_memory_equal(h->srv.sec.ak, nak, 16);
}

static void installer_cannot_change_secret(void **state)
{
    pp_dsh_t *h = *state;
    assert_int_equal(pp_dsh_hls(h, 0, 2, CTOS, 8, NULL), 0);
    uint8_t action[64] = {0xC3, 0x01, 0xC1, 0x00, 0x0F, 0, 0, 40, 0, 0, 255, 0x02, 0x01, 0x09, 16};
    uint8_t req[96], plain[64];
    int n = pp_dsh_encipher(h, PP_APDU_GLO_ACTION_REQUEST, action, 31, req, sizeof req, NULL);
    pp_dsh_req(h, 0, 2, req, (size_t)n);
    n = pp_dsh_decipher(h, h->resp, (size_t)h->resp_len, plain, sizeof plain, NULL);
    assert_int_equal(plain[3], PP_ACTRES_READ_WRITE_DENIED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(hls_gmac_green_book, setup, teardown),
        cmocka_unit_test_setup_teardown(hls_wrong_reply_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(glo_get_green_book_and_replay, setup, teardown),
        cmocka_unit_test_setup_teardown(dedicated_key, setup, teardown),
        cmocka_unit_test_setup_teardown(general_glo_ciphering, setup, teardown),
        cmocka_unit_test_setup_teardown(wrong_key_aarq_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(ciphered_release, setup, teardown),
        cmocka_unit_test_setup_teardown(counters_across_power_cut, setup, teardown),
        cmocka_unit_test_setup_teardown(change_hls_secret, setup, teardown),
        cmocka_unit_test_setup_teardown(installer_cannot_change_secret, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
