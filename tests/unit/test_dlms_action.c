/* ACTION with-list and with blocks (IEC 62056-5-3 Action-Request /
 * Action-Response CHOICEs 1..6 / 1..4) through the server's real path: an
 * HLS-GMAC management association, every request glo-ciphered by the
 * harness client. Requests and expected answers are A-XDR built by hand:
 *   method descriptor of Security setup 0.0.43.0.1.255 (class 64 = 00 40)
 *   method 1 security_activate: 00 40 | 00 00 2B 00 01 FF | 01
 *   parameter enum 0x6C (the policy in force) -> success (00),
 *   enum 0x00 -> other-reason (FA). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dlms_server_harness.h"
#include "polyphase/dlms_const.h"

static const uint8_t CTOS[8] = {'K', '5', '6', 'i', 'V', 'a', 'g', 'Y'};
#define ACTIVATE 0x00, 0x40, 0x00, 0x00, 0x2B, 0x00, 0x01, 0xFF, 0x01

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

/* One plain request -> the plain answer in out; returns its length. */
static int ex(pp_dsh_t *h, const uint8_t *req, size_t len, uint8_t *out)
{
    return pp_dsh_exchange(h, 0, 1, req, len, out, 512);
}

#define EXPECT(h, req, want)                                                                   \
    do {                                                                                       \
        uint8_t got_[512];                                                                     \
        assert_int_equal(ex((h), (req), sizeof(req), got_), (int)sizeof(want));                \
        assert_memory_equal(got_, (want), sizeof(want));                                       \
    } while (0)

/* action-request-with-list: 16 x security_activate(6C) -> its length */
static size_t sixteen_activates(uint8_t *req)
{
    static const uint8_t HEAD[] = {0xC3, 0x03, 0xC1, 0x10};
    static const uint8_t DESC[] = {ACTIVATE};
    size_t n = sizeof HEAD;
    memcpy(req, HEAD, n);
    for (int i = 0; i < 16; i++, n += 9) {
        memcpy(req + n, DESC, 9);
    }
    req[n++] = 0x10;
    for (int i = 0; i < 16; i++, n += 2) {
        req[n] = 0x16;
        req[n + 1] = 0x6C;
    }
    return n;
}

static void with_list(void **state)
{
    pp_dsh_t *h = *state;
    assert_int_equal(pp_dsh_hls(h, 0, 1, CTOS, 8, NULL), 0);
    /* C3 03 iidp, 3 descriptors (the third names no object: 0.0.43.0.9.255),
     * 3 Data: enum 6C, enum 00, null-data */
    static const uint8_t REQ[] = {0xC3, 0x03, 0xC1, 0x03, ACTIVATE, ACTIVATE,
                                  0x00, 0x40, 0x00, 0x00, 0x2B, 0x00, 0x09, 0xFF, 0x01,
                                  0x03, 0x16, 0x6C, 0x16, 0x00, 0x00};
    /* C7 03 iidp, 3 Action-Response-With-Optional-Data: success, other-reason,
     * object-undefined (4), none with return parameters */
    static const uint8_t WANT[] = {0xC7, 0x03, 0xC1, 0x03, 0x00, 0x00, 0xFA, 0x00, 0x04, 0x00};
    EXPECT(h, REQ, WANT);
    /* parameter count differing from the descriptors: not a valid APDU */
    static const uint8_t BAD[] = {0xC3, 0x03, 0xC1, 0x01, ACTIVATE, 0x02, 0x16, 0x6C, 0x16, 0x6C};
    static const uint8_t EXC[] = {PP_APDU_EXCEPTION_RESPONSE, PP_EXC_STATE_SERVICE_UNKNOWN,
                                  PP_EXC_SERVICE_OTHER_REASON};
    EXPECT(h, BAD, EXC);
}

static void parameters_in_blocks(void **state)
{
    pp_dsh_t *h = *state;
    assert_int_equal(pp_dsh_hls(h, 0, 1, CTOS, 8, NULL), 0);
    /* with-first-pblock: descriptor, DataBlock-SA {last FALSE, block 1, 01 16} */
    static const uint8_t B1[] = {0xC3, 0x04, 0xC1, ACTIVATE, 0x00, 0, 0, 0, 1, 0x01, 0x16};
    /* acknowledged: action-response-next-pblock, block 1 */
    static const uint8_t ACK1[] = {0xC7, 0x04, 0xC1, 0, 0, 0, 1};
    EXPECT(h, B1, ACK1);
    /* with-pblock {last TRUE, block 2, 01 6C}: the method runs on 16 6C */
    static const uint8_t B2[] = {0xC3, 0x06, 0xC1, 0x01, 0, 0, 0, 2, 0x01, 0x6C};
    static const uint8_t DONE[] = {0xC7, 0x01, 0xC1, 0x00, 0x00};
    EXPECT(h, B2, DONE);
    /* the same with a list: 2 descriptors, raw = SEQUENCE OF Data in 2 blocks */
    static const uint8_t L1[] = {0xC3, 0x05, 0xC1, 0x02, ACTIVATE, ACTIVATE,
                                 0x00, 0, 0, 0, 1, 0x03, 0x02, 0x16, 0x6C};
    EXPECT(h, L1, ACK1);
    static const uint8_t L2[] = {0xC3, 0x06, 0xC1, 0x01, 0, 0, 0, 2, 0x02, 0x16, 0x00};
    static const uint8_t LDONE[] = {0xC7, 0x03, 0xC1, 0x02, 0x00, 0x00, 0xFA, 0x00};
    EXPECT(h, L2, LDONE);
    /* collected parameters that are not one Data: type-unmatched (12) */
    static const uint8_t TWO[] = {0xC3, 0x04, 0xC1, ACTIVATE, 0x01, 0, 0, 0, 1,
                                  0x03, 0x16, 0x6C, 0x00};
    static const uint8_t UNMATCHED[] = {0xC7, 0x01, 0xC1, 0x0C, 0x00};
    EXPECT(h, TWO, UNMATCHED);
}

static void block_errors(void **state)
{
    pp_dsh_t *h = *state;
    assert_int_equal(pp_dsh_hls(h, 0, 1, CTOS, 8, NULL), 0);
    static const uint8_t B1[] = {0xC3, 0x04, 0xC1, ACTIVATE, 0x00, 0, 0, 0, 1, 0x01, 0x16};
    static const uint8_t ACK1[] = {0xC7, 0x04, 0xC1, 0, 0, 0, 1};
    static const uint8_t B2[] = {0xC3, 0x06, 0xC1, 0x01, 0, 0, 0, 2, 0x01, 0x6C};
    /* no transfer in progress: no-long-action-in-progress (16) */
    static const uint8_t NONE[] = {0xC7, 0x01, 0xC1, 0x10, 0x00};
    EXPECT(h, B2, NONE);
    /* block 3 after block 1: long-action-aborted (15), the transfer is gone */
    EXPECT(h, B1, ACK1);
    static const uint8_t B3[] = {0xC3, 0x06, 0xC1, 0x01, 0, 0, 0, 3, 0x01, 0x6C};
    static const uint8_t ABORTED[] = {0xC7, 0x01, 0xC1, 0x0F, 0x00};
    EXPECT(h, B3, ABORTED);
    EXPECT(h, B2, NONE);
    /* another invoke-id (2) continuing invoke-id 1's transfer: aborted */
    EXPECT(h, B1, ACK1);
    static const uint8_t OTHER_ID[] = {0xC3, 0x06, 0xC2, 0x01, 0, 0, 0, 2, 0x01, 0x6C};
    static const uint8_t ABORTED2[] = {0xC7, 0x01, 0xC2, 0x0F, 0x00};
    EXPECT(h, OTHER_ID, ABORTED2);
    /* a first block numbered 2: aborted */
    static const uint8_t FIRST2[] = {0xC3, 0x04, 0xC1, ACTIVATE, 0x00, 0, 0, 0, 2, 0x01, 0x16};
    EXPECT(h, FIRST2, ABORTED);
    /* more parameter octets than the server holds (512): aborted at the block
     * that overflows */
    uint8_t big[260] = {0xC3, 0x04, 0xC1, ACTIVATE, 0x00, 0, 0, 0, 1, 0x81, 0xF0};
    uint8_t got[64];
    assert_int_equal(ex(h, big, 19 + 240, got), 7);
    assert_memory_equal(got, ACK1, 7);
    const uint8_t next[] = {0xC3, 0x06, 0xC1, 0x00, 0, 0, 0, 2, 0x81, 0xF0};
    memcpy(big, next, sizeof next);
    assert_int_equal(ex(h, big, sizeof next + 240, got), 7);
    assert_int_equal(got[1], PP_ACTION_RESP_NEXT_PBLOCK);
    big[7] = 3;
    assert_int_equal(ex(h, big, sizeof next + 240, got), 5);
    assert_memory_equal(got, ABORTED, 5);
    /* a SET between the blocks ends the transfer */
    EXPECT(h, B1, ACK1);
    static const uint8_t SET[] = {0xC1, 0x01, 0xC1, 0x00, 0x08, 0, 0, 1, 0, 0, 255, 0x03, 0x00,
                                  0x0F, 0x00};
    uint8_t sr[16];
    assert_true(ex(h, SET, sizeof SET, sr) > 0);
    EXPECT(h, B2, NONE);
}

/* 16 methods answer 1 + 16 * 2 = 33 octets of list body; with the client's
 * 48-octet PDU (27 plain octets after the 21 of ciphering) they go in two
 * action-response-with-pblock blocks of at most 27 - 9 = 18 raw octets. */
static void return_parameters_in_blocks(void **state)
{
    pp_dsh_t *h = *state;
    h->hls_max_pdu = 48;
    assert_int_equal(pp_dsh_hls(h, 0, 1, CTOS, 8, NULL), 0);
    uint8_t req[256];
    const size_t n = sixteen_activates(req);
    uint8_t got[64];
    /* C7 02 C1 {last FALSE, block 1, 12: 10 then 17 zero octets} */
    static const uint8_t BLK1[] = {0xC7, 0x02, 0xC1, 0x00, 0, 0, 0, 1, 0x12, 0x10, 0, 0, 0, 0, 0,
                                   0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    assert_int_equal(ex(h, req, n, got), sizeof BLK1);
    assert_memory_equal(got, BLK1, sizeof BLK1);
    /* the client asks for block 2 by acknowledging block 1 */
    static const uint8_t NEXT1[] = {0xC3, 0x02, 0xC1, 0, 0, 0, 1};
    static const uint8_t BLK2[] = {0xC7, 0x02, 0xC1, 0x01, 0, 0, 0, 2, 0x0F, 0, 0, 0, 0, 0,
                                   0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    EXPECT(h, NEXT1, BLK2);
    /* nothing left */
    static const uint8_t NONE[] = {0xC7, 0x01, 0xC1, 0x10, 0x00};
    EXPECT(h, NEXT1, NONE);
    /* again, acknowledging the wrong block: aborted */
    assert_int_equal(ex(h, req, n, got), sizeof BLK1);
    static const uint8_t NEXT2[] = {0xC3, 0x02, 0xC1, 0, 0, 0, 2};
    static const uint8_t ABORTED[] = {0xC7, 0x01, 0xC1, 0x0F, 0x00};
    EXPECT(h, NEXT2, ABORTED);
}

/* A client that did not propose block-transfer-with-action (bit 13). */
static void without_block_conformance(void **state)
{
    pp_dsh_t *h = *state;
    h->hls_conformance = 0x00401A1D;
    h->hls_max_pdu = 48;
    assert_int_equal(pp_dsh_hls(h, 0, 1, CTOS, 8, NULL), 0);
    static const uint8_t B1[] = {0xC3, 0x04, 0xC1, ACTIVATE, 0x01, 0, 0, 0, 1, 0x02, 0x16, 0x6C};
    static const uint8_t NOT_SUPPORTED[] = {PP_APDU_EXCEPTION_RESPONSE,
                                            PP_EXC_STATE_SERVICE_NOT_ALLOWED,
                                            PP_EXC_SERVICE_NOT_SUPPORTED};
    EXPECT(h, B1, NOT_SUPPORTED);
    /* an answer longer than the client's PDU cannot be split: pdu-too-long */
    uint8_t req[256];
    const size_t n = sixteen_activates(req);
    uint8_t got[64];
    assert_int_equal(ex(h, req, n, got), 3);
    assert_int_equal(got[0], PP_APDU_EXCEPTION_RESPONSE);
    assert_int_equal(got[2], PP_EXC_SERVICE_PDU_TOO_LONG);
}

static void trace_names(void **state)
{
    (void)state;
    char t[160];
    static const uint8_t LIST[] = {0xC3, 0x03, 0xC1, 0x01, ACTIVATE, 0x01, 0x16, 0x6C};
    pp_dlms_trace(LIST, sizeof LIST, t, sizeof t);
    assert_string_equal(t, "ACTION-request with-list n=1");
    static const uint8_t B2[] = {0xC3, 0x06, 0xC1, 0x01, 0, 0, 0, 2, 0x01, 0x6C};
    pp_dlms_trace(B2, sizeof B2, t, sizeof t);
    assert_string_equal(t, "ACTION-request with-pblock block=2 last");
    static const uint8_t ACK[] = {0xC7, 0x04, 0xC1, 0, 0, 0, 1};
    pp_dlms_trace(ACK, sizeof ACK, t, sizeof t);
    assert_string_equal(t, "ACTION-response next-pblock block=1");
    static const uint8_t RL[] = {0xC7, 0x03, 0xC1, 0x02, 0x00, 0x00, 0xFA, 0x00};
    pp_dlms_trace(RL, sizeof RL, t, sizeof t);
    assert_string_equal(t, "ACTION-response with-list n=2");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(with_list, setup, teardown),
        cmocka_unit_test_setup_teardown(parameters_in_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(block_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(return_parameters_in_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(without_block_conformance, setup, teardown),
        cmocka_unit_test(trace_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
