/* The test client (tests/support/dlms_client.c) against hand-built meter
 * answers on a socketpair. What the client sends is compared with published
 * bytes where they exist:
 *  - AARQs of the Green Book examples (no security, LLS "12345678", LN with
 *    ciphering: system title 4D4D4D0000BC614E, IC 01234567, dedicated key
 *    00112233..FF, the common test keys) as in tests/unit/vectors/dlms/acse.vec;
 *  - the Green Book HLS-GMAC example: client title 4D4D4D0000000001, IC 1,
 *    StoC "P6wRJ21F" gives the tag 1A52FE7DD3E72748973C1E28 (also in the
 *    dlms-cosem test suite);
 *  - HDLC frames of a public trace (client address 0x41: SNRM, AARQ with
 *    LLS "ABCDEFGH", DISC) as in tests/unit/vectors/hdlc/frames.txt;
 *  - wrapper frames of public client code (vectors/hdlc/wrapper.txt).
 * The meter's side is hand-built; the glo-initiate-response of the ciphered
 * case is the published one (plaintext 0800065F1F0400007C1F04000007 checked
 * with Python's cryptography package), and the meter's f(CtoS) tag
 * FE1466AFB3DBCD4F9389E2B7 (title 4D4D4D0000BC614E, IC 01234567, CtoS
 * "K56iVagY") was computed with the same package, not with our code.
 * Every scenario runs twice: whole reads, and one byte per recv() so every
 * framer sees the answers split at every byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "dlms_client.h"
#include "vectors.h"

typedef struct fixture {
    int fd[2];
    pp_dc_t c;
    pp_dc_config_t cfg;
    uint8_t out[8192]; /* what the client sent */
    size_t out_len;
} fixture_t;

static fixture_t F;

static void setup_pair(size_t chunk)
{
    memset(&F.c, 0, sizeof F.c);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, F.fd), 0);
    pp_dc_config_default(&F.cfg);
    F.cfg.timeout_ms = 2000;
    F.cfg.recv_chunk = chunk;
    F.out_len = 0;
}

static void teardown_pair(void)
{
    pp_dc_close(&F.c);
    if (F.fd[1] >= 0) {
        close(F.fd[1]);
    }
}

static size_t hex(const char *h, uint8_t *out, size_t cap)
{
    int n = pp_vec_hex(h, out, cap);
    assert_true(n >= 0);
    return (size_t)n;
}

static void srv_write(const uint8_t *p, size_t n)
{
    assert_int_equal(write(F.fd[1], p, n), (ssize_t)n);
}

static void srv_hex(const char *h)
{
    uint8_t b[4096];
    srv_write(b, hex(h, b, sizeof b));
}

/* A wrapper frame from the management logical device to the client. */
static void srv_wrapped(uint16_t src, uint16_t dst, const char *apdu_hex)
{
    uint8_t a[4096], f[4200];
    size_t n = hex(apdu_hex, a, sizeof a);
    int len = pp_wrapper_encode(src, dst, a, n, f, sizeof f);
    assert_true(len > 0);
    srv_write(f, (size_t)len);
}

/* An HDLC frame from the server (upper 1, lower/len as configured). */
static void srv_frame(uint8_t control, bool seg, const uint8_t *info, size_t len)
{
    uint8_t f[2100];
    pp_hdlc_frame_t fr = {.dst = {F.cfg.client_sap, 0, 1},
                          .src = {F.cfg.server_logical, F.cfg.server_physical, F.cfg.hdlc_addr_len},
                          .control = control, .segmented = seg, .info = info, .info_len = len};
    int n = pp_hdlc_frame_encode(&fr, f, sizeof f);
    assert_true(n > 0);
    srv_write(f, (size_t)n);
}

static void srv_iframe_hex(uint8_t control, const char *apdu_hex)
{
    uint8_t b[2100] = {0xE6, 0xE7, 0x00};
    size_t n = hex(apdu_hex, b + 3, sizeof b - 3);
    srv_frame(control, false, b, n + 3);
}

/* Everything the client has written so far, appended to F.out. */
static void take(void)
{
    for (;;) {
        ssize_t r = recv(F.fd[1], F.out + F.out_len, sizeof F.out - F.out_len, MSG_DONTWAIT);
        if (r <= 0) {
            break;
        }
        F.out_len += (size_t)r;
    }
}

static void expect_sent(const char *h)
{
    uint8_t want[4096];
    size_t n = hex(h, want, sizeof want);
    take();
    assert_int_equal(F.out_len, n);
    assert_memory_equal(F.out, want, n);
    F.out_len = 0;
}

static void attach(void)
{
    int rc = pp_dc_attach(&F.c, &F.cfg, F.fd[0]);
    if (rc != 0) {
        fail_msg("attach: %s", pp_dc_error(&F.c));
    }
}

#define CHECK(call)                                                            \
    do {                                                                       \
        int rc_ = (call);                                                      \
        if (rc_ != 0) {                                                        \
            fail_msg("%s -> %d: %s", #call, rc_, pp_dc_error(&F.c));           \
        }                                                                      \
    } while (0)

static const uint8_t CLOCK[6] = {0, 1, 1, 0, 0, 255};
static const uint8_t PROFILE[6] = {1, 1, 99, 1, 0, 255};

/* Published AARE: accepted, conformance 501F, max PDU 01F4, VAA 0007. */
#define AARE_OK "6129A109060760857405080101A203020100A305A103020100BE10040E0800065F1F040000501F01F40007"
/* Published AARQ, no security, conformance 7E1F, max PDU 04B0. */
#define AARQ_PUBLIC "601DA109060760857405080101BE10040E01000000065F1F0400007E1F04B0"

static void run_wrapper_public(size_t chunk)
{
    setup_pair(chunk);
    F.cfg.conformance = 0x7E1F;
    F.cfg.max_pdu = 0x04B0;
    attach();
    srv_wrapped(1, 16, AARE_OK);
    CHECK(pp_dc_associate(&F.c));
    /* wrapper.txt aarq_public has a different InitiateRequest; header as there */
    expect_sent("0001 0010 0001 001F" AARQ_PUBLIC);
    assert_int_equal(F.c.conformance, 0x501F);
    assert_int_equal(F.c.server_max_pdu, 0x01F4);

    /* GET clock attribute 2: C0 01 iidp(C1) class 0008 LN 0001010000FF attr 02, no access.
     * Answer 2026-11-23 Monday 12:00:00.00, deviation -60 (FFC4), status 00. */
    srv_wrapped(1, 16, "C401C100090C07EA0B17010C000000FFC400");
    uint8_t data[64];
    size_t len = 0;
    CHECK(pp_dc_get(&F.c, 8, CLOCK, 2, NULL, data, sizeof data, &len));
    expect_sent("0001 0010 0001 000D C001C1 0008 0001010000FF 02 00");
    char text[128];
    assert_true(pp_dc_format_data(data, len, text, sizeof text) > 0);
    assert_string_equal(text, "2026-11-23 12:00:00 dev -60 st 00");

    /* RLRQ normal; the published RLRE frame of wrapper.txt */
    srv_hex("00 01 00 01 00 10 00 05 63 03 80 01 00");
    CHECK(pp_dc_release(&F.c));
    expect_sent("0001 0010 0001 0005 6203800100");
    teardown_pair();
}

static void test_wrapper_public(void **state)
{
    (void)state;
    run_wrapper_public(0);
    run_wrapper_public(1);
}

static void test_lls_aarq_and_rejection(void **state)
{
    (void)state;
    setup_pair(0);
    F.cfg.client_sap = 17;
    F.cfg.mechanism = PP_ACSE_MECH_LOW;
    F.cfg.conformance = 0x7E1F;
    F.cfg.max_pdu = 0x04B0;
    attach();
    /* published AARE: rejected-permanent, application-context-name-not-supported */
    srv_wrapped(1, 17, "6129A109060760857405080101A203020101A305A103020102BE10040E0800065F1F040000501F01F40007");
    assert_int_equal(pp_dc_associate(&F.c), PP_ERR_DENIED);
    assert_non_null(strstr(pp_dc_error(&F.c), "application-context-name-not-supported"));
    expect_sent("0001 0011 0001 0038"
                "6036A1090607608574050801018A0207808B0760857405080201AC0A80083132333435363738"
                "BE10040E01000000065F1F0400007E1F04B0");
    teardown_pair();
}

static void run_ciphered(size_t chunk)
{
    static const uint8_t dk[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                   0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF};
    static const uint8_t title[8] = {0x4D, 0x4D, 0x4D, 0x00, 0x00, 0xBC, 0x61, 0x4E};
    setup_pair(chunk);
    F.cfg.client_sap = 17;
    F.cfg.mechanism = PP_ACSE_MECH_LOW;
    F.cfg.ciphered = true;
    memcpy(F.cfg.system_title, title, 8);
    F.cfg.invocation_counter = 0x01234567;
    F.cfg.dedicated_key = dk;
    F.cfg.conformance = 0x7E1F;
    F.cfg.max_pdu = 0x04B0;
    attach();
    /* AARE: LN with ciphering, accepted, responding-AP-title 4D4D4D0000BC614E,
     * the published glo-initiate-response. Fields (hand-built):
     *  A1 09 06 07 608574050801 03 | A2 03 02 01 00 | A3 05 A1 03 02 01 00 |
     *  A4 0A 04 08 4D4D4D0000BC614E | BE 23 04 21 <33 octets>  = 11+5+7+12+37 = 72 */
    srv_wrapped(1, 17, "6148A109060760857405080103A203020100A305A103020100A40A04084D4D4D0000BC614E"
                       "BE230421281F3001234567891214A0845E475714383F65BC19745CA235906525E4F3E1C893");
    CHECK(pp_dc_associate(&F.c));
    expect_sent("0001 0011 0001 0068"
                "6066A109060760857405080103A60A04084D4D4D0000BC614E8A0207808B0760857405080201"
                "AC0A80083132333435363738BE34043221303001234567801302FF8A7874133D414CED25B42534"
                "D28DB0047720606B175BD52211BE6841DB204D39EE6FDB8E356855");
    assert_int_equal(F.c.conformance, 0x7C1F);
    assert_int_equal(F.c.server_max_pdu, 0x0400);
    assert_int_equal(F.c.ic, 0x01234568);
    teardown_pair();
}

static void test_ciphered_association(void **state)
{
    (void)state;
    run_ciphered(0);
    run_ciphered(1);
}

static void run_hls(size_t chunk, bool good)
{
    static const uint8_t title[8] = {0x4D, 0x4D, 0x4D, 0x00, 0x00, 0x00, 0x00, 0x01};
    setup_pair(chunk);
    F.cfg.client_sap = 1;
    F.cfg.mechanism = PP_ACSE_MECH_HIGH_GMAC;
    memcpy(F.cfg.system_title, title, 8);
    F.cfg.invocation_counter = 1;
    F.cfg.hls_challenge = (const uint8_t *)"K56iVagY";
    F.cfg.hls_challenge_len = 8;
    F.cfg.conformance = 0x7E1F;
    F.cfg.max_pdu = 0x04B0;
    attach();
    /* AARE accepted, authentication-required (14), responding-AP-title
     * 4D4D4D0000BC614E, responder-acse-requirements, mechanism 5, StoC
     * "P6wRJ21F": the published HLS AARE with A4 0A 04 08 <title> inserted
     * (0x42 + 12 = 0x4E). */
    srv_wrapped(1, 1, "614EA109060760857405080101A203020100A305A10302010EA40A04084D4D4D0000BC614E"
                      "88020780890760857405080205AA0A8008503677524A323146"
                      "BE10040E0800065F1F040000501F01F40007");
    /* ACTION-Response success with return data octet-string(17):
     * 10 | IC 01234567 | GMAC(4D4D4D0000BC614E || 01234567, 10 || AK || "K56iVagY") */
    srv_wrapped(1, 1, good ? "C701C100010009111001234567FE1466AFB3DBCD4F9389E2B7"
                           : "C701C100010009111001234567FE1466AFB3DBCD4F9389E2B8");
    int rc = pp_dc_associate(&F.c);
    if (good) {
        CHECK(rc);
    } else {
        assert_int_equal(rc, PP_ERR_AUTH);
        assert_non_null(strstr(pp_dc_error(&F.c), "does not verify"));
    }
    /* AARQ: the published HLS AARQ with calling-AP-title A6 0A 04 08
     * 4D4D4D0000000001 after the context (0x36 + 12 = 0x42); then ACTION
     * C3 01 C1, class 000F, 0000280000FF, method 01, params present 01,
     * octet-string 11: SC 10, IC 00000001, the Green Book tag. */
    expect_sent("0001 0001 0001 0044"
                "6042A109060760857405080101A60A04084D4D4D00000000018A0207808B0760857405080205"
                "AC0A80084B35366956616759BE10040E01000000065F1F0400007E1F04B0"
                "0001 0001 0001 0020"
                "C301C1000F0000280000FF0101091110000000011A52FE7DD3E72748973C1E28");
    teardown_pair();
}

static void test_hls_gmac(void **state)
{
    (void)state;
    run_hls(0, true);
    run_hls(1, true);
    run_hls(0, false);
}

static void run_blocks_and_access(size_t chunk)
{
    setup_pair(chunk);
    attach();
    /* array(2) of structure{unsigned 1, long-unsigned 2}, {3, 4}: 16 octets
     * sent as 7 + 9 raw octets in blocks 1 and 2 (last). */
    srv_wrapped(1, 16, "C402C100 00000001 00 07 01020202110112");
    srv_wrapped(1, 16, "C402C101 00000002 00 09 000202021103120004");
    uint8_t data[256];
    size_t len = 0;
    CHECK(pp_dc_get(&F.c, 7, PROFILE, 2, NULL, data, sizeof data, &len));
    expect_sent("0001 0010 0001 000D C001C1 0007 0101630100FF 02 00"
                "0001 0010 0001 0007 C002C1 00000001");
    uint8_t want[16];
    hex("0102 0202 1101 120002 0202 1103 120004", want, sizeof want);
    assert_int_equal(len, 16);
    assert_memory_equal(data, want, 16);
    char text[64];
    pp_dc_format_data(data, len, text, sizeof text);
    assert_string_equal(text, "[{1, 2}, {3, 4}]");

    /* Range 2026-01-01 00:00 .. 2026-01-02 00:00 (deviation and status
     * not specified) on the clock column, all columns:
     *  C0 01 C2 0007 0101630100FF 02 | 01 selector 1 |
     *  02 04  02 04 12 0008 09 06 0001010000FF 0F 02 12 0000 |
     *  09 0C 07EA 01 01 04 00 00 00 00 8000 FF | 09 0C 07EA 01 02 05 ... | 01 00 */
    pp_axdr_datetime_t from = {2026, 1, 1, 4, 0, 0, 0, 0, PP_DT_DEVIATION_ANY, 0xFF};
    pp_axdr_datetime_t to = {2026, 1, 2, 5, 0, 0, 0, 0, PP_DT_DEVIATION_ANY, 0xFF};
    srv_wrapped(1, 16, "C401C20001 00");
    CHECK(pp_dc_get_range(&F.c, PROFILE, NULL, &from, &to, data, sizeof data, &len));
    expect_sent("0001 0010 0001 0040 C001C2 0007 0101630100FF 02 01 01"
                "0204 0204 120008 0906 0001010000FF 0F02 120000"
                "090C 07EA010104 00000000 8000 FF  090C 07EA010205 00000000 8000 FF 0100");
    assert_int_equal(len, 2);

    /* Entries 1..last, all columns: 02 04 06 00000001 06 00000000 12 0001 12 0000 */
    srv_wrapped(1, 16, "C401C30001 00");
    CHECK(pp_dc_get_entry(&F.c, PROFILE, 1, 0, data, sizeof data, &len));
    expect_sent("0001 0010 0001 0020 C001C3 0007 0101630100FF 02 01 02"
                "0204 0600000001 0600000000 120001 120000");
    teardown_pair();
}

static void test_block_transfer_and_selective_access(void **state)
{
    (void)state;
    run_blocks_and_access(0);
    run_blocks_and_access(1);
}

static void test_set_action(void **state)
{
    (void)state;
    setup_pair(0);
    attach();
    /* SET clock time zone (attribute 3) to -60: C1 01 C1 0008 0001010000FF 03 00 10 FFC4 */
    srv_wrapped(1, 16, "C501C100");
    uint8_t v[3] = {0x10, 0xFF, 0xC4};
    CHECK(pp_dc_set(&F.c, 8, CLOCK, 3, v, 3));
    expect_sent("0001 0010 0001 0010 C101C1 0008 0001010000FF 03 00 10FFC4");
    /* refused: read-write-denied */
    srv_wrapped(1, 16, "C501C203");
    assert_int_equal(pp_dc_set(&F.c, 8, CLOCK, 3, v, 3), PP_DAR_READ_WRITE_DENIED);
    assert_non_null(strstr(pp_dc_error(&F.c), "read-write-denied"));
    take();
    F.out_len = 0;
    /* ACTION clock adjust_to_quarter (method 1) with integer 0:
     * C3 01 C3 0008 0001010000FF 01 01 0F00; answer success, no return */
    srv_wrapped(1, 16, "C701C30000");
    uint8_t ret[16];
    size_t ret_len = 99;
    uint8_t p[2] = {0x0F, 0x00};
    CHECK(pp_dc_action(&F.c, 8, CLOCK, 1, p, 2, ret, sizeof ret, &ret_len));
    assert_int_equal(ret_len, 0);
    expect_sent("0001 0010 0001 000F C301C3 0008 0001010000FF 01 01 0F00");
    /* ACTION refused: object-unavailable (11) */
    srv_wrapped(1, 16, "C701C40B00");
    assert_int_equal(pp_dc_action(&F.c, 8, CLOCK, 1, NULL, 0, ret, sizeof ret, &ret_len), 11);
    teardown_pair();
}

/* Each answer is wrong in one way; the client names it. */
static void test_bad_answers(void **state)
{
    (void)state;
    static const struct {
        const char *answer;
        int rc;
        const char *msg;
    } cases[] = {
        {"C401C10104", PP_DAR_OBJECT_UNDEFINED, "object-undefined"},
        {"D80102", PP_ERR_DENIED, "exception-response state-error 1 service-error 2"},
        {"C401C100110500", PP_ERR_MALFORMED, "GET-Response"},   /* trailing byte */
        {"C401C2001105", PP_ERR_MALFORMED, "invoke-id"},
        {"C5 01 C1 00", PP_ERR_MALFORMED, "answered by APDU C5"},
        {"C402C10000000002000105", PP_ERR_MALFORMED, "block 2 where 1"},
        {"C402C1010000000100020101", PP_ERR_MALFORMED, "Data malformed"}, /* array with no element */
        {"C402C10100000001010E", PP_DAR_DATA_BLOCK_UNAVAILABLE, "data-block-unavailable"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        setup_pair(0);
        attach();
        srv_wrapped(1, 16, cases[i].answer);
        uint8_t data[64];
        size_t len;
        int rc = pp_dc_get(&F.c, 8, CLOCK, 2, NULL, data, sizeof data, &len);
        if (rc != cases[i].rc || !strstr(pp_dc_error(&F.c), cases[i].msg)) {
            fail_msg("case %zu: rc %d '%s'", i, rc, pp_dc_error(&F.c));
        }
        teardown_pair();
    }
    /* wrong wPorts */
    setup_pair(0);
    attach();
    srv_wrapped(2, 16, "C401C1001105");
    uint8_t data[64];
    size_t len;
    assert_int_equal(pp_dc_get(&F.c, 8, CLOCK, 2, NULL, data, sizeof data, &len), PP_ERR_MALFORMED);
    assert_non_null(strstr(pp_dc_error(&F.c), "from wPort 2"));
    teardown_pair();
    /* wrapper version 2 */
    setup_pair(0);
    attach();
    srv_hex("0002 0001 0010 0003 C40100");
    assert_int_equal(pp_dc_get(&F.c, 8, CLOCK, 2, NULL, data, sizeof data, &len), PP_ERR_UNSUPPORTED);
    teardown_pair();
    /* silence, then a closed connection */
    setup_pair(0);
    F.cfg.timeout_ms = 50;
    attach();
    assert_int_equal(pp_dc_get(&F.c, 8, CLOCK, 2, NULL, data, sizeof data, &len), PP_ERR_TIMEOUT);
    assert_non_null(strstr(pp_dc_error(&F.c), "within 50 ms"));
    close(F.fd[1]);
    F.fd[1] = -1;
    assert_int_equal(pp_dc_get(&F.c, 8, CLOCK, 2, NULL, data, sizeof data, &len), PP_ERR_PORT);
    teardown_pair();
}

/* A public trace with client address 0x41 (SAP 32) and a one-byte server
 * address: SNRM, the AARQ I-frame (LLS "ABCDEFGH", conformance 181D, max
 * PDU FFFF) and DISC are published frames (vectors/hdlc/frames.txt). */
static void run_hdlc_trace(size_t chunk)
{
    setup_pair(chunk);
    F.cfg.transport = PP_DC_HDLC;
    F.cfg.client_sap = 32;
    F.cfg.hdlc_addr_len = 1;
    F.cfg.hdlc_snrm_params = false;
    F.cfg.mechanism = PP_ACSE_MECH_LOW;
    F.cfg.password = "ABCDEFGH";
    F.cfg.conformance = 0x181D;
    F.cfg.max_pdu = 0xFFFF;
    srv_frame(PP_HDLC_CTRL_UA | PP_HDLC_PF, false, NULL, 0); /* UA, default 128/1 */
    attach();
    expect_sent("7E A0 07 03 41 93 5A 64 7E");
    srv_iframe_hex(pp_hdlc_control_i(0, 1, true), AARE_OK);
    CHECK(pp_dc_associate(&F.c));
    expect_sent("7E A0 44 03 41 10 B3 E1 E6 E6 00 60 36 A1 09 06 07 60 85 74 05 08 01 01 8A 02 07 "
                "80 8B 07 60 85 74 05 08 02 01 AC 0A 80 08 41 42 43 44 45 46 47 48 BE 10 04 0E 01 "
                "00 00 00 06 5F 1F 04 00 00 18 1D FF FF 83 49 7E");
    srv_iframe_hex(pp_hdlc_control_i(1, 2, true), "6303800100");
    srv_frame(PP_HDLC_CTRL_UA | PP_HDLC_PF, false, NULL, 0);
    CHECK(pp_dc_release(&F.c));
    /* RLRQ in I(N(S)=1, N(R)=1, P) = 0x32, then the published DISC */
    take();
    pp_hdlc_frame_t f;
    size_t rlrq_len = F.out_len - 9;
    assert_int_equal(pp_hdlc_frame_decode(F.out, rlrq_len, &f), PP_OK);
    assert_int_equal(f.control, 0x32);
    assert_int_equal(f.info_len, 8);
    assert_memory_equal(f.info, "\xE6\xE6\x00\x62\x03\x80\x01\x00", 8);
    uint8_t disc[9];
    hex("7E A0 07 03 41 53 56 A2 7E", disc, sizeof disc);
    assert_memory_equal(F.out + rlrq_len, disc, 9);
    teardown_pair();
}

static void test_hdlc_published_trace(void **state)
{
    (void)state;
    run_hdlc_trace(0);
    run_hdlc_trace(1);
}

/* Negotiated 32-byte information fields: the 34-byte request (LLC + AARQ)
 * goes out in two segments, the 46-byte answer comes in two. */
static void run_hdlc_segments(size_t chunk)
{
    setup_pair(chunk);
    F.cfg.transport = PP_DC_HDLC;
    F.cfg.server_physical = 5694; /* meter 12345678 */
    F.cfg.conformance = 0x7E1F;
    F.cfg.max_pdu = 0x04B0;
    /* UA parameters, meter's view: transmit 32, receive 32, windows 1 */
    uint8_t ua[15];
    hex("81 80 0C 05 01 20 06 01 20 07 01 01 08 01 01", ua, sizeof ua);
    srv_frame(PP_HDLC_CTRL_UA | PP_HDLC_PF, false, ua, sizeof ua);
    attach();
    take();
    pp_hdlc_frame_t f;
    assert_int_equal(pp_hdlc_frame_decode(F.out, F.out_len, &f), PP_OK);
    assert_int_equal(f.control, 0x93);
    assert_int_equal(f.dst.upper, 1);
    assert_int_equal(f.dst.lower, 5694);
    assert_int_equal(f.dst.len, 4);
    pp_hdlc_params_t p;
    assert_int_equal(pp_hdlc_params_decode(f.info, f.info_len, &p), PP_OK);
    assert_int_equal(p.max_info_rx, 1024);
    assert_int_equal(p.window_rx, 1);
    F.out_len = 0;
    assert_int_equal(F.c.hdlc_tx_info, 32);

    uint8_t sdu[64] = {0xE6, 0xE7, 0x00};
    size_t n = 3 + hex(AARE_OK, sdu + 3, sizeof sdu - 3);
    assert_int_equal(n, 46);
    srv_frame(pp_hdlc_control_s(PP_HDLC_RR, 1, true), false, NULL, 0);
    srv_frame(pp_hdlc_control_i(0, 2, true), true, sdu, 32);
    srv_frame(pp_hdlc_control_i(1, 2, true), false, sdu + 32, n - 32);
    CHECK(pp_dc_associate(&F.c));
    take();
    /* I(0,0,P) segmented with 32 octets, I(1,0,P) with 2, RR(N(R)=1, P) */
    uint8_t want_sdu[40] = {0xE6, 0xE6, 0x00};
    hex(AARQ_PUBLIC, want_sdu + 3, sizeof want_sdu - 3);
    const struct { uint8_t control; bool seg; size_t off, len; } frames[] = {
        {0x10, true, 0, 32}, {0x12, false, 32, 2}, {0x31, false, 0, 0}};
    size_t pos = 0;
    for (size_t i = 0; i < 3; i++) {
        size_t flen = ((size_t)(F.out[pos + 1] & 7u) << 8 | F.out[pos + 2]) + 2;
        assert_int_equal(pp_hdlc_frame_decode(F.out + pos, flen, &f), PP_OK);
        assert_int_equal(f.control, frames[i].control);
        assert_int_equal(f.segmented, frames[i].seg);
        assert_int_equal(f.info_len, frames[i].len);
        if (frames[i].len) {
            assert_memory_equal(f.info, want_sdu + frames[i].off, frames[i].len);
        }
        pos += flen;
    }
    assert_int_equal(pos, F.out_len);
    teardown_pair();
}

static void test_hdlc_segmentation(void **state)
{
    (void)state;
    run_hdlc_segments(0);
    run_hdlc_segments(1);
}

static void test_hdlc_refusals(void **state)
{
    (void)state;
    setup_pair(0);
    F.cfg.transport = PP_DC_HDLC;
    srv_frame(PP_HDLC_CTRL_DM | PP_HDLC_PF, false, NULL, 0);
    assert_int_equal(pp_dc_attach(&F.c, &F.cfg, F.fd[0]), PP_ERR_DENIED);
    assert_non_null(strstr(pp_dc_error(&F.c), "DM"));
    teardown_pair();

    setup_pair(0);
    F.cfg.transport = PP_DC_HDLC;
    srv_frame(PP_HDLC_CTRL_UA | PP_HDLC_PF, false, NULL, 0);
    attach();
    uint8_t frmr[3] = {0x10, 0x00, 0x01}; /* W: our control 10 rejected */
    srv_frame(PP_HDLC_CTRL_FRMR | PP_HDLC_PF, false, frmr, 3);
    assert_int_equal(pp_dc_associate(&F.c), PP_ERR_STATE);
    assert_non_null(strstr(pp_dc_error(&F.c), "FRMR 10 00 01"));
    teardown_pair();

    setup_pair(0);
    F.cfg.transport = PP_DC_HDLC;
    srv_frame(PP_HDLC_CTRL_UA | PP_HDLC_PF, false, NULL, 0);
    attach();
    srv_iframe_hex(pp_hdlc_control_i(3, 1, true), AARE_OK); /* N(S) 3, 0 due */
    assert_int_equal(pp_dc_associate(&F.c), PP_ERR_STATE);
    assert_non_null(strstr(pp_dc_error(&F.c), "N(S)=3, expected 0"));
    teardown_pair();

    setup_pair(0);
    F.cfg.transport = PP_DC_HDLC;
    F.cfg.hdlc_addr_len = 3;
    assert_int_equal(pp_dc_attach(&F.c, &F.cfg, F.fd[0]), PP_ERR_ARG);
    teardown_pair();
}

/* Every prefix of an answer, then end of stream; every byte of it changed:
 * the client returns a named error (or, for a harmless change, success) and
 * never reads past what it got (run under ASan in the sanitizer build). */
static int one_get(const uint8_t *answer, size_t n, bool hdlc)
{
    setup_pair(0);
    F.cfg.timeout_ms = 200;
    if (hdlc) {
        F.cfg.transport = PP_DC_HDLC;
        F.cfg.hdlc_addr_len = 1;
        F.cfg.hdlc_snrm_params = false;
        srv_frame(PP_HDLC_CTRL_UA | PP_HDLC_PF, false, NULL, 0);
    }
    attach();
    srv_write(answer, n);
    shutdown(F.fd[1], SHUT_WR);
    uint8_t data[64];
    size_t len;
    int rc = pp_dc_get(&F.c, 8, CLOCK, 2, NULL, data, sizeof data, &len);
    if (rc != 0) {
        assert_true(strlen(pp_dc_error(&F.c)) > 10);
    }
    teardown_pair();
    return rc;
}

static void test_truncated_and_corrupted_answers(void **state)
{
    (void)state;
    uint8_t w[64], h[64], apdu[32] = {0xE6, 0xE7, 0x00};
    size_t an = 3 + hex("C401C100090C07EA0B17010C000000FFC400", apdu + 3, sizeof apdu - 3);
    int wn = pp_wrapper_encode(1, 16, apdu + 3, an - 3, w, sizeof w);
    pp_hdlc_frame_t fr = {.dst = {16, 0, 1}, .src = {1, 16, 1},
                          .control = pp_hdlc_control_i(0, 1, true), .info = apdu, .info_len = an};
    int hn = pp_hdlc_frame_encode(&fr, h, sizeof h);
    assert_true(wn > 0 && hn > 0);
    const struct { const uint8_t *p; size_t n; bool hdlc; } ans[] = {
        {w, (size_t)wn, false}, {h, (size_t)hn, true}};
    for (size_t a = 0; a < 2; a++) {
        assert_int_equal(one_get(ans[a].p, ans[a].n, ans[a].hdlc), 0);
        for (size_t cut = 0; cut < ans[a].n; cut++) {
            assert_true(one_get(ans[a].p, cut, ans[a].hdlc) < 0);
        }
        for (size_t i = 0; i < ans[a].n; i++) {
            uint8_t bad[64];
            memcpy(bad, ans[a].p, ans[a].n);
            for (unsigned v = 0; v < 256; v += 37) {
                bad[i] = (uint8_t)(ans[a].p[i] ^ (v | 1u));
                (void)one_get(bad, ans[a].n, ans[a].hdlc);
            }
        }
    }
}

static void test_obis_and_format(void **state)
{
    (void)state;
    uint8_t ln[6];
    assert_int_equal(pp_dc_parse_obis("1.1.99.1.0.255", ln), 0);
    assert_memory_equal(ln, PROFILE, 6);
    assert_int_equal(pp_dc_parse_obis("1.1.99.1.0", ln), -1);
    assert_int_equal(pp_dc_parse_obis("1.1.99.1.0.256", ln), -1);
    assert_int_equal(pp_dc_parse_obis("1.1.99.1.0.255.", ln), -1);
    char out[64];
    uint8_t v[] = {0x02, 0x03, 0x06, 0x00, 0x00, 0x30, 0x39, 0x0A, 0x03, 'P', 'P', 'H', 0x0F, 0xFD};
    assert_int_equal(pp_dc_format_data(v, sizeof v, out, sizeof out), 18);
    assert_string_equal(out, "{12345, \"PPH\", -3}");
    char small[8];
    assert_int_equal(pp_dc_format_data(v, sizeof v, small, sizeof small), 7);
    assert_string_equal(small, "{12345,");
    assert_int_equal(pp_dc_format_data(v, sizeof v - 1, out, sizeof out), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrapper_public),
        cmocka_unit_test(test_lls_aarq_and_rejection),
        cmocka_unit_test(test_ciphered_association),
        cmocka_unit_test(test_hls_gmac),
        cmocka_unit_test(test_block_transfer_and_selective_access),
        cmocka_unit_test(test_set_action),
        cmocka_unit_test(test_bad_answers),
        cmocka_unit_test(test_hdlc_published_trace),
        cmocka_unit_test(test_hdlc_segmentation),
        cmocka_unit_test(test_hdlc_refusals),
        cmocka_unit_test(test_truncated_and_corrupted_answers),
        cmocka_unit_test(test_obis_and_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
