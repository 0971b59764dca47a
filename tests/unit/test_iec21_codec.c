/* IEC 62056-21 codec: hand-built telegrams whose BCC is worked out in the
 * comments (XOR of every byte after SOH/STX up to and including ETX/EOT),
 * each fed to the parser whole, split at every byte and byte by byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "polyphase/iec62056_21.h"

/* ---------------------------------------------------------------- vectors */

/* SOH B 0 ETX BCC: 'B'(42) ^ '0'(30) ^ ETX(03) = 0x71 ('q'); the break
 * message "SOH B0 ETX q" as printed in meter manuals. */
static const uint8_t v_b0[] = {0x01, 'B', '0', 0x03, 0x71};

/* SOH P 1 STX (00000000) ETX BCC: 'P'(50)^'1'(31) = 61, ^STX = 63,
 * ^'('(28) = 4B, eight '0' cancel out, ^')'(29) = 62, ^ETX = 61 ('a'). */
static const uint8_t v_p1[] = {0x01, 'P', '1', 0x02, '(', '0', '0', '0', '0',
                               '0', '0', '0', '0', ')', 0x03, 'a'};

/* SOH R 1 STX 1.8.0() ETX BCC: 52^31 = 63, ^02 = 61, ^'1'(31) = 50,
 * ^'.'(2E) = 7E, ^'8'(38) = 46, ^'.' = 68, ^'0'(30) = 58, ^'(' = 70,
 * ^')' = 59, ^ETX = 5A ('Z'). */
static const uint8_t v_r1[] = {0x01, 'R', '1', 0x02, '1', '.', '8', '.', '0', '(', ')',
                               0x03, 'Z'};

/* SOH P 0 STX () ETX BCC: 50^30 = 60, ^02 = 62, ^28 = 4A, ^29 = 63, ^03 = 60. */
static const uint8_t v_p0[] = {0x01, 'P', '0', 0x02, '(', ')', 0x03, 0x60};

/* STX (ERROR) ETX BCC: 28^45 = 6D, ^52 = 3F, ^52 = 6D, ^4F = 22, ^52 = 70,
 * ^29 = 59, ^03 = 5A. */
static const uint8_t v_err[] = {0x02, '(', 'E', 'R', 'R', 'O', 'R', ')', 0x03, 0x5A};

/* ACK 0 5 0 CR LF: option select, normal protocol, 9600 baud, readout. */
static const uint8_t v_opt[] = {0x06, '0', '5', '0', 0x0D, 0x0A};

static const uint8_t v_req[] = {'/', '?', '!', 0x0D, 0x0A};
static const uint8_t v_req_addr[] = {'/', '?', '1', '2', '3', '4', '5', '6', '7', '8',
                                     '!', 0x0D, 0x0A};
static const uint8_t v_ident[] = "/KAM5\\2OMNIPOWER3\r\n";

/* ---------------------------------------------------------------- helpers */

typedef struct collected {
    pp_iec21_msg_t msg[8];
    uint8_t data[8][PP_IEC21_RX_MAX];
    char text[8][64];
    unsigned n;
} collected_t;

/* Feeds src in chunks: [0,k) then [k,n) (k == 0: byte by byte). */
static void feed(pp_iec21_parser_t *p, const uint8_t *src, size_t n, size_t k,
                 collected_t *out)
{
    size_t at = 0;
    while (at < n) {
        size_t chunk = k == 0 ? 1 : (at < k ? k - at : n - at);
        const uint8_t *c = src + at;
        size_t left = chunk;
        while (left > 0) {
            pp_iec21_msg_t m;
            bool got = false;
            size_t used = pp_iec21_parser_feed(p, c, left, 0, &m, &got);
            assert_true(used > 0 || got);
            c += used;
            left -= used;
            if (got) {
                assert_true(out->n < 8);
                out->msg[out->n] = m;
                if (m.data_len) {
                    memcpy(out->data[out->n], m.data, m.data_len);
                }
                if (m.text_len) {
                    memcpy(out->text[out->n], m.text, m.text_len);
                }
                out->n++;
            }
        }
        at += chunk;
    }
}

/* Every split of v gives exactly one message equal to the unsplit one. */
static pp_iec21_msg_t parse_one(const uint8_t *v, size_t n, bool expect_option,
                                collected_t *first)
{
    for (size_t k = 0; k <= n; k++) {
        pp_iec21_parser_t p;
        pp_iec21_parser_init(&p, 1500);
        pp_iec21_parser_expect_option(&p, expect_option);
        collected_t c;
        memset(&c, 0, sizeof c);
        feed(&p, v, n, k, &c);
        assert_int_equal(c.n, 1);
        if (k == 0) {
            *first = c;
        } else {
            assert_int_equal(c.msg[0].kind, first->msg[0].kind);
            assert_int_equal(c.msg[0].err, first->msg[0].err);
            assert_int_equal(c.msg[0].data_len, first->msg[0].data_len);
            assert_memory_equal(c.data[0], first->data[0], c.msg[0].data_len);
            assert_int_equal(c.msg[0].text_len, first->msg[0].text_len);
        }
    }
    return first->msg[0];
}

/* ---------------------------------------------------------------- parser */

static void parses_commands_split_everywhere(void **state)
{
    (void)state;
    collected_t c;
    pp_iec21_msg_t m = parse_one(v_b0, sizeof v_b0, false, &c);
    assert_int_equal(m.kind, PP_IEC21_MSG_COMMAND);
    assert_int_equal(m.cmd, 'B');
    assert_int_equal(m.cmd_type, '0');
    assert_false(m.has_data);

    m = parse_one(v_p1, sizeof v_p1, false, &c);
    assert_int_equal(m.kind, PP_IEC21_MSG_COMMAND);
    assert_int_equal(m.cmd, 'P');
    assert_int_equal(m.cmd_type, '1');
    assert_true(m.has_data);
    assert_int_equal(m.data_len, 10);
    assert_memory_equal(c.data[0], "(00000000)", 10);

    m = parse_one(v_r1, sizeof v_r1, false, &c);
    assert_int_equal(m.cmd, 'R');
    assert_memory_equal(c.data[0], "1.8.0()", 7);

    m = parse_one(v_p0, sizeof v_p0, false, &c);
    assert_int_equal(m.cmd, 'P');
    assert_int_equal(m.cmd_type, '0');
}

static void parses_lines_and_option_split_everywhere(void **state)
{
    (void)state;
    collected_t c;
    pp_iec21_msg_t m = parse_one(v_req, sizeof v_req, false, &c);
    assert_int_equal(m.kind, PP_IEC21_MSG_REQUEST);
    assert_int_equal(m.text_len, 0);

    m = parse_one(v_req_addr, sizeof v_req_addr, false, &c);
    assert_int_equal(m.kind, PP_IEC21_MSG_REQUEST);
    assert_int_equal(m.text_len, 8);
    assert_memory_equal(c.text[0], "12345678", 8);

    m = parse_one(v_ident, sizeof v_ident - 1, false, &c);
    assert_int_equal(m.kind, PP_IEC21_MSG_IDENT);
    assert_string_equal(m.manufacturer, "KAM");
    assert_int_equal(m.baud, '5');
    assert_int_equal(m.enhanced, '2');
    assert_int_equal(m.text_len, 10);
    assert_memory_equal(c.text[0], "OMNIPOWER3", 10);

    m = parse_one(v_opt, sizeof v_opt, true, &c);
    assert_int_equal(m.kind, PP_IEC21_MSG_OPTION);
    assert_int_equal(m.proto, '0');
    assert_int_equal(m.baud, '5');
    assert_int_equal(m.mode, '0');

    m = parse_one(v_err, sizeof v_err, false, &c);
    assert_int_equal(m.kind, PP_IEC21_MSG_BLOCK);
    assert_memory_equal(c.data[0], "(ERROR)", 7);
}

static void lone_ack_nak_and_noise(void **state)
{
    (void)state;
    /* Wake-up NULs, then a request, a lone ACK (not expecting an option),
     * a NAK: three messages. */
    static const uint8_t v[] = {0, 0, 0, '/', '?', '!', 0x0D, 0x0A, 0x06, 0x15};
    for (size_t k = 0; k <= sizeof v; k++) {
        pp_iec21_parser_t p;
        pp_iec21_parser_init(&p, 1500);
        collected_t c;
        memset(&c, 0, sizeof c);
        feed(&p, v, sizeof v, k, &c);
        assert_int_equal(c.n, 3);
        assert_int_equal(c.msg[0].kind, PP_IEC21_MSG_REQUEST);
        assert_int_equal(c.msg[1].kind, PP_IEC21_MSG_ACK);
        assert_int_equal(c.msg[2].kind, PP_IEC21_MSG_NAK);
    }
}

static void bad_bcc_and_malformed_are_reported(void **state)
{
    (void)state;
    collected_t c;
    uint8_t v[sizeof v_p1];
    memcpy(v, v_p1, sizeof v);
    v[sizeof v - 1] ^= 0x01; /* wrong BCC */
    pp_iec21_msg_t m = parse_one(v, sizeof v, false, &c);
    assert_int_equal(m.kind, PP_IEC21_MSG_BAD);
    assert_int_equal(m.err, PP_ERR_CRC);

    memcpy(v, v_p1, sizeof v);
    v[6] = '1'; /* one data bit flipped: the BCC no longer matches */
    m = parse_one(v, sizeof v, false, &c);
    assert_int_equal(m.err, PP_ERR_CRC);

    /* SOH X 1 ETX BCC with a correct BCC (58^31^03 = 6A): unknown command. */
    static const uint8_t unknown[] = {0x01, 'X', '1', 0x03, 0x6A};
    m = parse_one(unknown, sizeof unknown, false, &c);
    assert_int_equal(m.kind, PP_IEC21_MSG_BAD);
    assert_int_equal(m.err, PP_ERR_MALFORMED);

    /* Option select with a letter for the baud rate. */
    static const uint8_t opt[] = {0x06, '0', 'A', '0', 0x0D, 0x0A};
    m = parse_one(opt, sizeof opt, true, &c);
    assert_int_equal(m.err, PP_ERR_MALFORMED);

    /* Request with a forbidden address character; line without LF. */
    static const uint8_t req[] = {'/', '?', '1', '#', '!', 0x0D, 0x0A};
    m = parse_one(req, sizeof req, false, &c);
    assert_int_equal(m.err, PP_ERR_MALFORMED);
    static const uint8_t nolf[] = {'/', '?', '!', 0x0D, 'x'};
    m = parse_one(nolf, sizeof nolf, false, &c);
    assert_int_equal(m.err, PP_ERR_MALFORMED);
}

static void too_long_inputs_are_refused(void **state)
{
    (void)state;
    uint8_t v[PP_IEC21_RX_MAX + 8];
    v[0] = 0x02;
    memset(v + 1, 'A', PP_IEC21_RX_MAX + 1);
    v[PP_IEC21_RX_MAX + 2] = 0x03;
    /* 257 'A' (odd count) xor to 'A', ^ETX = 0x42. */
    v[PP_IEC21_RX_MAX + 3] = 0x42;
    collected_t c;
    pp_iec21_msg_t m = parse_one(v, PP_IEC21_RX_MAX + 4, false, &c);
    assert_int_equal(m.kind, PP_IEC21_MSG_BAD);
    assert_int_equal(m.err, PP_ERR_NOSPACE);

    uint8_t line[80];
    line[0] = '/';
    memset(line + 1, 'K', sizeof line - 1);
    pp_iec21_parser_t p;
    pp_iec21_parser_init(&p, 0);
    memset(&c, 0, sizeof c);
    feed(&p, line, sizeof line, 0, &c);
    assert_true(c.n >= 1);
    assert_int_equal(c.msg[0].err, PP_ERR_NOSPACE);
}

static void interrupted_message_resyncs(void **state)
{
    (void)state;
    /* A command cut short by a new SOH: BAD, then the full command. */
    uint8_t v[4 + sizeof v_b0];
    memcpy(v, v_r1, 4);
    memcpy(v + 4, v_b0, sizeof v_b0);
    for (size_t k = 0; k <= sizeof v; k++) {
        pp_iec21_parser_t p;
        pp_iec21_parser_init(&p, 1500);
        collected_t c;
        memset(&c, 0, sizeof c);
        feed(&p, v, sizeof v, k, &c);
        assert_int_equal(c.n, 2);
        assert_int_equal(c.msg[0].kind, PP_IEC21_MSG_BAD);
        assert_int_equal(c.msg[1].kind, PP_IEC21_MSG_COMMAND);
        assert_int_equal(c.msg[1].cmd, 'B');
    }
}

static void inter_character_timeout_voids_message(void **state)
{
    (void)state;
    pp_iec21_parser_t p;
    pp_iec21_parser_init(&p, 1500);
    pp_iec21_msg_t m;
    bool got;
    assert_int_equal(pp_iec21_parser_feed(&p, v_req, 2, 1000, &m, &got), 2);
    assert_false(got);
    /* 1501 ms later the rest arrives: "/?" is void, "!\r\n" is noise. */
    assert_int_equal(pp_iec21_parser_feed(&p, v_req + 2, 3, 2501, &m, &got), 3);
    assert_false(got);
    /* 1500 ms exactly is still within ta. */
    pp_iec21_parser_feed(&p, v_req, 2, 3000, &m, &got);
    pp_iec21_parser_feed(&p, v_req + 2, 3, 4500, &m, &got);
    assert_true(got);
    assert_int_equal(m.kind, PP_IEC21_MSG_REQUEST);
}

static void partial_block_with_eot(void **state)
{
    (void)state;
    /* STX 1.8.0(1) EOT BCC: 31^2E^38^2E^30^28^31^29 = 0x01... worked out:
     * 31^2E=1F, ^38=27, ^2E=09, ^30=39, ^28=11, ^31=20, ^29=09, ^EOT(04)=0D. */
    static const uint8_t v[] = {0x02, '1', '.', '8', '.', '0', '(', '1', ')', 0x04, 0x0D};
    collected_t c;
    pp_iec21_msg_t m = parse_one(v, sizeof v, false, &c);
    assert_int_equal(m.kind, PP_IEC21_MSG_BLOCK);
    assert_true(m.partial);
    assert_int_equal(m.data_len, 8);
}

/* ---------------------------------------------------------------- encoders */

static void encoders_match_hand_built_telegrams(void **state)
{
    (void)state;
    uint8_t b[64];
    assert_int_equal(pp_iec21_encode_command(b, sizeof b, 'B', '0', NULL, 0, false),
                     sizeof v_b0);
    assert_memory_equal(b, v_b0, sizeof v_b0);
    assert_int_equal(pp_iec21_encode_command(b, sizeof b, 'P', '1',
                                             (const uint8_t *)"(00000000)", 10, false),
                     sizeof v_p1);
    assert_memory_equal(b, v_p1, sizeof v_p1);
    assert_int_equal(pp_iec21_encode_command(b, sizeof b, 'R', '1',
                                             (const uint8_t *)"1.8.0()", 7, false),
                     sizeof v_r1);
    assert_memory_equal(b, v_r1, sizeof v_r1);
    assert_int_equal(pp_iec21_encode_error(b, sizeof b, "ERROR"), sizeof v_err);
    assert_memory_equal(b, v_err, sizeof v_err);
    assert_int_equal(pp_iec21_encode_option(b, sizeof b, '0', '5', '0'), sizeof v_opt);
    assert_memory_equal(b, v_opt, sizeof v_opt);
    assert_int_equal(pp_iec21_encode_request(b, sizeof b, ""), sizeof v_req);
    assert_memory_equal(b, v_req, sizeof v_req);
    assert_int_equal(pp_iec21_encode_request(b, sizeof b, "12345678"), sizeof v_req_addr);
    assert_memory_equal(b, v_req_addr, sizeof v_req_addr);
    assert_int_equal(pp_iec21_encode_ident(b, sizeof b, "KAM", '5', '2', "OMNIPOWER3"),
                     sizeof v_ident - 1);
    assert_memory_equal(b, v_ident, sizeof v_ident - 1);
    assert_int_equal(pp_iec21_bcc(0, v_p1 + 1, sizeof v_p1 - 2), 'a');
}

static void encoders_refuse_bad_input_and_small_buffers(void **state)
{
    (void)state;
    uint8_t b[64];
    for (size_t cap = 0; cap < sizeof v_p1; cap++) {
        assert_int_equal(pp_iec21_encode_command(b, cap, 'P', '1',
                                                 (const uint8_t *)"(00000000)", 10, false),
                         PP_ERR_NOSPACE);
    }
    assert_int_equal(pp_iec21_encode_command(b, sizeof b, 'Q', '1', NULL, 0, false),
                     PP_ERR_RANGE);
    assert_int_equal(pp_iec21_encode_command(b, sizeof b, 'W', '1', (const uint8_t *)"a\3", 2,
                                             false),
                     PP_ERR_RANGE);
    assert_int_equal(pp_iec21_encode_ident(b, sizeof b, "K1M", '5', 0, "X"), PP_ERR_RANGE);
    assert_int_equal(pp_iec21_encode_ident(b, sizeof b, "KAM", '5', 0, "A/B"), PP_ERR_RANGE);
    assert_int_equal(pp_iec21_encode_ident(b, sizeof b, "KAM", '5', 0, "12345678901234567"),
                     PP_ERR_RANGE);
    assert_int_equal(pp_iec21_encode_request(b, sizeof b, "12!"), PP_ERR_RANGE);
    assert_int_equal(pp_iec21_encode_option(b, sizeof b, '0', 'x', '0'), PP_ERR_RANGE);
    assert_int_equal(pp_iec21_encode_error(b, sizeof b, "BAD(TEXT)"), PP_ERR_RANGE);
    assert_int_equal(pp_iec21_encode_error(b, sizeof b, "123456789012345678901234567890123"),
                     PP_ERR_RANGE);
}

static void baud_characters(void **state)
{
    (void)state;
    static const uint32_t rates[] = {300, 600, 1200, 2400, 4800, 9600, 19200};
    for (unsigned i = 0; i < 7; i++) {
        assert_int_equal(pp_iec21_baud_of((char)('0' + i)), rates[i]);
        assert_int_equal(pp_iec21_baud_char(rates[i]), '0' + i);
    }
    assert_int_equal(pp_iec21_baud_of('7'), 0);
    assert_int_equal(pp_iec21_baud_of('A'), 0);
    assert_int_equal(pp_iec21_baud_char(115200), '\0');
}

/* ---------------------------------------------------------------- OBIS, data sets */

static void obis_addresses(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        uint8_t o[6];
        bool reduced;
    } ok[] = {
        {"1-0:1.8.0", {1, 0, 1, 8, 0, 255}, false},
        {"1.8.0", {1, 0, 1, 8, 0, 255}, true},
        {"1-0:1.8.0*101", {1, 0, 1, 8, 0, 101}, false},
        {"1.8.1&12", {1, 0, 1, 8, 1, 12}, true},
        {"0-0:96.7.21", {0, 0, 96, 7, 21, 255}, false},
        {"C.1.0", {1, 0, 96, 1, 0, 255}, true},
        {"F.F", {1, 0, 97, 97, 0, 255}, true},
        {"255-255:255.255.255*254", {255, 255, 255, 255, 255, 254}, false},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        uint8_t o[6];
        bool red = !ok[i].reduced;
        assert_int_equal(pp_iec21_parse_obis(ok[i].s, strlen(ok[i].s), o, &red), PP_OK);
        assert_memory_equal(o, ok[i].o, 6);
        assert_int_equal(red, ok[i].reduced);
    }
    static const char *bad[] = {"", "1", "1.", "256.8.0", "1-0:1.8.0x", "1..0", "1-0:",
                                "1234.1.0", "1-0:1.8.0*", "a.b.c", "1-0:1.8.0*1000", "-1.8.0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t o[6];
        assert_int_equal(pp_iec21_parse_obis(bad[i], strlen(bad[i]), o, NULL), PP_ERR_MALFORMED);
    }
    char t[32];
    static const uint8_t e[6] = {1, 0, 1, 8, 0, 255}, f[6] = {0, 0, 96, 7, 21, 3};
    assert_int_equal(pp_iec21_format_obis(t, sizeof t, e), 9);
    assert_string_equal(t, "1-0:1.8.0");
    assert_int_equal(pp_iec21_format_obis(t, sizeof t, f), 13);
    assert_string_equal(t, "0-0:96.7.21*3");
    assert_int_equal(pp_iec21_format_obis(t, 9, e), PP_ERR_NOSPACE); /* no room for NUL */
}

static void data_sets(void **state)
{
    (void)state;
    pp_iec21_dataset_t d;
    const char *s = "1.8.0(0001234.567*kWh)\r\n";
    assert_int_equal(pp_iec21_parse_dataset((const uint8_t *)s, strlen(s), &d), PP_OK);
    assert_int_equal(d.address_len, 5);
    assert_int_equal(d.value_len, 11);
    assert_memory_equal(d.value, "0001234.567", 11);
    assert_int_equal(d.unit_len, 3);
    assert_memory_equal(d.unit, "kWh", 3);
    s = "(00000000)";
    assert_int_equal(pp_iec21_parse_dataset((const uint8_t *)s, strlen(s), &d), PP_OK);
    assert_int_equal(d.address_len, 0);
    assert_int_equal(d.value_len, 8);
    s = "1.8.0()";
    assert_int_equal(pp_iec21_parse_dataset((const uint8_t *)s, strlen(s), &d), PP_OK);
    assert_int_equal(d.value_len, 0);
    assert_int_equal(d.unit_len, 0);
    static const char *bad[] = {"", "1.8.0", "1.8.0(12", "1.8.0(1(2)", "1.8.0(1)x",
                                "1.8.0(1*)", "1.8.0(1)(2)", "1/8(1)", "1.8.0(a!b)"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_not_equal(
            pp_iec21_parse_dataset((const uint8_t *)bad[i], strlen(bad[i]), &d), PP_OK);
    }
    char t[96];
    static const uint8_t o[6] = {1, 0, 1, 6, 0, 255};
    assert_int_equal(pp_iec21_format_dataset(t, sizeof t, o, "05.123", "kW", "2401011230"),
                     (int)strlen("1-0:1.6.0(05.123*kW)(2401011230)"));
    assert_string_equal(t, "1-0:1.6.0(05.123*kW)(2401011230)");
    assert_int_equal(pp_iec21_format_dataset(t, sizeof t, o, "12", "", NULL), 13);
    assert_string_equal(t, "1-0:1.6.0(12)");
    assert_int_equal(pp_iec21_format_dataset(t, sizeof t, o, "1)2", "", NULL), PP_ERR_RANGE);
    assert_int_equal(pp_iec21_format_dataset(t, sizeof t, o, "1", "k*W", NULL), PP_ERR_RANGE);
    assert_int_equal(pp_iec21_format_dataset(t, 12, o, "12", "", NULL), PP_ERR_NOSPACE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_commands_split_everywhere),
        cmocka_unit_test(parses_lines_and_option_split_everywhere),
        cmocka_unit_test(lone_ack_nak_and_noise),
        cmocka_unit_test(bad_bcc_and_malformed_are_reported),
        cmocka_unit_test(too_long_inputs_are_refused),
        cmocka_unit_test(interrupted_message_resyncs),
        cmocka_unit_test(inter_character_timeout_voids_message),
        cmocka_unit_test(partial_block_with_eot),
        cmocka_unit_test(encoders_match_hand_built_telegrams),
        cmocka_unit_test(encoders_refuse_bad_input_and_small_buffers),
        cmocka_unit_test(baud_characters),
        cmocka_unit_test(obis_addresses),
        cmocka_unit_test(data_sets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
