/* general-block-transfer (Green Book 9.3.x, APDU tag E0) of a long GET
 * answer, through the server's entry point: a reader that proposed GBT but
 * not block-transfer-with-get (like dlms-cosem) and a 64-octet PDU. With
 * window 1 the server sends one block and waits for the client's
 * acknowledgement, a GBT without block-data:
 *   E0 | block-control (last-block bit 7, streaming bit 6, window bits 0-5)
 *      | block-number (2) | block-number-ack (2) | block-data (octet-string)
 * The reassembled block-data must be the GET-Response-Normal the server
 * gives a client whose PDU holds the whole answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dlms_server_harness.h"
#include "polyphase/dlms_const.h"

static const uint8_t LP_LN[6] = {1, 1, 99, 1, 0, 255};
/* general-block-transfer(2), get(19), set(20), selective-access(21), action(23) */
#define CONF_GBT 0x0020001Du

static int setup(void **state)
{
    pp_dsh_t *h = pp_dsh_new();
    for (int i = 0; i < 20; i++) {
        pp_dsh_lp_add(h, 1767229200000ll + i * 900000ll, 1000u + (uint32_t)i);
    }
    assert_int_equal(pp_dsh_assoc(h, 0, 17, "12345678", CONF_GBT, 64), 0);
    *state = h;
    return 0;
}

static int teardown(void **state)
{
    pp_dsh_free(*state);
    return 0;
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* The client's acknowledgement: window 1, its block bn, acknowledging bna. */
static int ack(pp_dsh_t *h, uint16_t bn, uint16_t bna)
{
    const uint8_t a[] = {0xE0, 0x01, (uint8_t)(bn >> 8), (uint8_t)bn, (uint8_t)(bna >> 8),
                         (uint8_t)bna, 0x00};
    return pp_dsh_req(h, 0, 17, a, sizeof a);
}

static void long_get_in_gbt_blocks(void **state)
{
    pp_dsh_t *h = *state;
    uint8_t req[32], whole[1024], got[1024];
    const int rn = pp_dsh_get_req(req, sizeof req, 7, LP_LN, 2, NULL);
    /* the reference: the same GET on a connection whose PDU holds it */
    assert_int_equal(pp_dsh_assoc(h, 1, 17, "12345678", 0x0000001D, 0), 0);
    const int wn = pp_dsh_req(h, 1, 17, req, (size_t)rn);
    assert_true(wn > 300);
    assert_int_equal(h->resp[0], PP_APDU_GET_RESPONSE);
    memcpy(whole, h->resp, (size_t)wn);
    /* block 1: E0 01 0001 0000 len C4 01 C1 00 ... */
    int n = pp_dsh_req(h, 0, 17, req, (size_t)rn);
    assert_true(n > 10 && n <= 64);
    static const uint8_t HEAD1[] = {0xE0, 0x01, 0x00, 0x01, 0x00, 0x00};
    assert_memory_equal(h->resp, HEAD1, 6);
    assert_int_equal(h->resp[6], n - 7);
    assert_memory_equal(h->resp + 7, whole, 4);
    size_t total = 0;
    memcpy(got, h->resp + 7, (size_t)(n - 7));
    total += (size_t)(n - 7);
    uint16_t block = 1;
    char line[160];
    pp_dlms_trace(h->resp, (size_t)n, line, sizeof line);
    assert_string_equal(line, "general-block-transfer block=1 ack=0 window=1 data=57B");
    while (!(h->resp[1] & 0x80)) {
        n = ack(h, block, block); /* the client numbers its acks like the blocks */
        assert_true(n > 7 && n <= 64);
        assert_int_equal(h->resp[0], PP_APDU_GENERAL_BLOCK_TRANSFER);
        assert_int_equal(h->resp[1] & 0x7F, 0x01); /* no streaming, window 1 */
        assert_int_equal(be16(h->resp + 2), block + 1);
        assert_int_equal(be16(h->resp + 4), block); /* echoes the client's block number */
        assert_int_equal(h->resp[6], n - 7);
        assert_true(total + (size_t)(n - 7) <= sizeof got);
        memcpy(got + total, h->resp + 7, (size_t)(n - 7));
        total += (size_t)(n - 7);
        block++;
    }
    assert_true(block > 5);
    assert_int_equal(total, wn);
    assert_memory_equal(got, whole, total);
    /* after the last block nothing is left to acknowledge */
    static const uint8_t NOT_POSSIBLE[] = {PP_APDU_EXCEPTION_RESPONSE,
                                           PP_EXC_STATE_SERVICE_NOT_ALLOWED,
                                           PP_EXC_SERVICE_OPERATION_NOT_POSSIBLE};
    assert_int_equal(ack(h, block, block), 3);
    assert_memory_equal(h->resp, NOT_POSSIBLE, 3);
}

static void gbt_errors(void **state)
{
    pp_dsh_t *h = *state;
    uint8_t req[32];
    const int rn = pp_dsh_get_req(req, sizeof req, 7, LP_LN, 2, NULL);
    static const uint8_t NOT_POSSIBLE[] = {PP_APDU_EXCEPTION_RESPONSE,
                                           PP_EXC_STATE_SERVICE_NOT_ALLOWED,
                                           PP_EXC_SERVICE_OPERATION_NOT_POSSIBLE};
    static const uint8_t NOT_SUPPORTED[] = {PP_APDU_EXCEPTION_RESPONSE,
                                            PP_EXC_STATE_SERVICE_NOT_ALLOWED,
                                            PP_EXC_SERVICE_NOT_SUPPORTED};
    /* acknowledging a block never sent (2 after block 1): the transfer ends */
    assert_true(pp_dsh_req(h, 0, 17, req, (size_t)rn) > 0);
    assert_int_equal(ack(h, 1, 2), 3);
    assert_memory_equal(h->resp, NOT_POSSIBLE, 3);
    assert_int_equal(ack(h, 2, 1), 3);
    assert_memory_equal(h->resp, NOT_POSSIBLE, 3);
    /* a GBT carrying block-data (a request in blocks): not offered */
    assert_true(pp_dsh_req(h, 0, 17, req, (size_t)rn) > 0);
    static const uint8_t DATA[] = {0xE0, 0x81, 0x00, 0x01, 0x00, 0x01, 0x02, 0xC0, 0x01};
    assert_int_equal(pp_dsh_req(h, 0, 17, DATA, sizeof DATA), 3);
    assert_memory_equal(h->resp, NOT_SUPPORTED, 3);
    /* GET-next is not the way to continue a GBT answer */
    assert_true(pp_dsh_req(h, 0, 17, req, (size_t)rn) > 0);
    static const uint8_t NEXT[] = {0xC0, 0x02, 0xC1, 0x00, 0x00, 0x00, 0x01};
    static const uint8_t NO_LONG_GET[] = {0xC4, 0x02, 0xC1, 0x01, 0x00, 0x00, 0x00, 0x01,
                                          0x01, PP_DAR_NO_LONG_GET_IN_PROGRESS};
    assert_int_equal(pp_dsh_req(h, 0, 17, NEXT, sizeof NEXT), sizeof NO_LONG_GET);
    assert_memory_equal(h->resp, NO_LONG_GET, sizeof NO_LONG_GET);
    /* truncated GBT */
    static const uint8_t SHORT[] = {0xE0, 0x01, 0x00};
    assert_int_equal(pp_dsh_req(h, 0, 17, SHORT, sizeof SHORT), 3);
    assert_int_equal(h->resp[1], PP_EXC_STATE_SERVICE_UNKNOWN);
    /* a client that did not negotiate GBT */
    assert_int_equal(pp_dsh_assoc(h, 1, 17, "12345678", 0x0000001D, 64), 0);
    static const uint8_t ACK[] = {0xE0, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00};
    assert_int_equal(pp_dsh_req(h, 1, 17, ACK, sizeof ACK), 3);
    assert_memory_equal(h->resp, NOT_SUPPORTED, 3);
}

/* GET-with-list (multiple-references, bit 14): the first block starts C4 03. */
static void with_list_in_gbt_blocks(void **state)
{
    pp_dsh_t *h = *state;
    assert_int_equal(pp_dsh_assoc(h, 0, 17, "12345678", CONF_GBT | 0x200u, 64), 0);
    assert_int_equal(pp_dsh_assoc(h, 1, 17, "12345678", 0x0000021Du, 0), 0);
    /* C0 03 C1, 2 items: profile buffer, profile capture period (attr 4) */
    static const uint8_t REQ[] = {0xC0, 0x03, 0xC1, 0x02, 0x00, 0x07, 1, 1, 99, 1, 0, 255, 0x02,
                                  0x00, 0x00, 0x07, 1, 1, 99, 1, 0, 255, 0x04, 0x00};
    uint8_t whole[1024], got[1024];
    const int wn = pp_dsh_req(h, 1, 17, REQ, sizeof REQ);
    assert_true(wn > 300);
    assert_int_equal(h->resp[1], PP_GET_RESP_WITH_LIST);
    memcpy(whole, h->resp, (size_t)wn);
    int n = pp_dsh_req(h, 0, 17, REQ, sizeof REQ);
    static const uint8_t HEAD1[] = {0xE0, 0x01, 0x00, 0x01, 0x00, 0x00};
    assert_memory_equal(h->resp, HEAD1, 6);
    assert_memory_equal(h->resp + 7, whole, 4); /* C4 03 C1 02 */
    size_t total = (size_t)(n - 7);
    memcpy(got, h->resp + 7, total);
    for (uint16_t block = 1; !(h->resp[1] & 0x80); block++) {
        n = ack(h, block, block);
        assert_true(n > 7 && n <= 64);
        memcpy(got + total, h->resp + 7, (size_t)(n - 7));
        total += (size_t)(n - 7);
    }
    assert_int_equal(total, wn);
    assert_memory_equal(got, whole, total);
}

/* With block-transfer-with-get negotiated too, the GET's own blocks are used. */
static void get_blocks_preferred(void **state)
{
    pp_dsh_t *h = *state;
    assert_int_equal(pp_dsh_assoc(h, 1, 17, "12345678", CONF_GBT | 0x00001000u, 64), 0);
    uint8_t req[32];
    const int rn = pp_dsh_get_req(req, sizeof req, 7, LP_LN, 2, NULL);
    assert_true(pp_dsh_req(h, 1, 17, req, (size_t)rn) > 0);
    assert_int_equal(h->resp[0], PP_APDU_GET_RESPONSE);
    assert_int_equal(h->resp[1], PP_GET_RESP_DATABLOCK);
}

/* Frames of Gurux's C client (9.0.2608.1701) against polyphase run, its
 * proposed conformance 00 60 0E 1D (general-protection, GBT, block transfer
 * with SET and ACTION, multiple-references, GET, SET, selective access,
 * ACTION: no block-transfer-with-get). Gurux as released answers block 1
 * with GET-Request-Next C0 02 C1 00000001 (refused: gbt_errors); with its
 * receiver-ready patched (in /tmp) to acknowledge in GBT it sends
 * E0 81 0001 0001 00 (last-block set, window 1) and reads the whole buffer. */
static void gurux_frames(void **state)
{
    pp_dsh_t *h = *state;
    assert_int_equal(pp_dsh_assoc(h, 0, 17, "12345678", 0x00600E1Du, 128), 0);
    static const uint8_t GET[] = {0xC0, 0x01, 0xC1, 0x00, 0x07, 0x01, 0x01, 0x63,
                                  0x01, 0x00, 0xFF, 0x02, 0x00};
    int n = pp_dsh_req(h, 0, 17, GET, sizeof GET);
    static const uint8_t HEAD1[] = {0xE0, 0x01, 0x00, 0x01, 0x00, 0x00};
    assert_true(n > 100 && n <= 128);
    assert_memory_equal(h->resp, HEAD1, 6);
    for (uint16_t bn = 1; !(h->resp[1] & 0x80); bn++) {
        const uint8_t a[] = {0xE0, 0x81, 0x00, (uint8_t)bn, 0x00, (uint8_t)bn, 0x00};
        n = pp_dsh_req(h, 0, 17, a, sizeof a);
        assert_true(n > 7 && n <= 128);
        assert_int_equal(h->resp[0], 0xE0);
        assert_int_equal(be16(h->resp + 2), bn + 1); /* the next block ... */
        assert_int_equal(be16(h->resp + 4), bn);     /* ... acknowledging Gurux's */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(long_get_in_gbt_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(gbt_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(with_list_in_gbt_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(get_blocks_preferred, setup, teardown),
        cmocka_unit_test_setup_teardown(gurux_frames, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
