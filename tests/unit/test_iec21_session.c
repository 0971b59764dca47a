/* IEC 62056-21 session: whole dialogues against a fake meter, answers
 * compared with hand-built telegrams (BCCs worked out in the comments or by
 * an independent XOR over the bytes, noted where used), timing checked with
 * now_ms, every request split at every byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "fake_port.h"
#include "polyphase/iec62056_21.h"

/* ---------------------------------------------------------------- fake meter */

typedef struct reg {
    uint8_t obis[6];
    char value[PP_IEC21_VALUE_MAX + 1];
    const char *unit;
    const char *text2;
    bool legal;
    bool secret; /* readable only after P1 */
} reg_t;

typedef struct meter {
    reg_t regs[8];
    size_t n;
    unsigned writes;
} meter_t;

static reg_t *find(meter_t *m, const uint8_t obis[6])
{
    for (size_t i = 0; i < m->n; i++) {
        if (memcmp(m->regs[i].obis, obis, 6) == 0) {
            return &m->regs[i];
        }
    }
    return NULL;
}

static pp_err_t m_read(void *ctx, unsigned access, const uint8_t obis[6],
                       pp_iec21_value_t *out, uint64_t now_ms)
{
    (void)now_ms;
    reg_t *r = find(ctx, obis);
    if (r == NULL) {
        return PP_ERR_NOT_FOUND;
    }
    if (r->secret && access < PP_IEC21_ACCESS_P1) {
        return PP_ERR_DENIED;
    }
    strcpy(out->text, r->value);
    strcpy(out->unit, r->unit ? r->unit : "");
    strcpy(out->text2, r->text2 ? r->text2 : "");
    return PP_OK;
}

static pp_iec21_write_result_t m_write(void *ctx, unsigned access, const uint8_t obis[6],
                                       const char *value, size_t len, uint64_t now_ms)
{
    (void)now_ms;
    meter_t *m = ctx;
    reg_t *r = find(m, obis);
    if (r == NULL) {
        return PP_IEC21_WRITE_UNKNOWN;
    }
    if (r->legal) {
        return PP_IEC21_WRITE_LEGAL;
    }
    if (access < PP_IEC21_ACCESS_P1) {
        return PP_IEC21_WRITE_RIGHTS;
    }
    if (len != 6) {
        return PP_IEC21_WRITE_INVALID;
    }
    memcpy(r->value, value, len);
    r->value[len] = '\0';
    m->writes++;
    return PP_IEC21_WRITE_OK;
}

static pp_err_t m_item(void *ctx, unsigned list, size_t index, uint8_t obis[6])
{
    (void)ctx;
    return pp_iec21_default_item(list, index, obis);
}

#define R(a, b, c, d, e) {a, b, c, d, e, 255}
static void meter_init(meter_t *m)
{
    static const reg_t regs[] = {
        {R(0, 0, 96, 1, 0), "12345678", NULL, NULL, true, false},
        {R(1, 0, 0, 9, 1), "123456", NULL, NULL, false, false},
        {R(1, 0, 1, 8, 0), "0001234.567", "kWh", NULL, true, false},
        {R(1, 0, 2, 8, 0), "0000012.345", "kWh", NULL, true, false},
        {R(1, 0, 1, 6, 0), "05.123", "kW", "2401011230", true, false},
        {R(1, 0, 32, 7, 0), "230.1", "V", NULL, true, false},
        {R(0, 0, 96, 50, 0), "42", NULL, NULL, false, true},
    };
    memset(m, 0, sizeof *m);
    memcpy(m->regs, regs, sizeof regs);
    m->n = sizeof regs / sizeof regs[0];
}

/* ---------------------------------------------------------------- fixture */

typedef struct fx {
    pp_fake_port_t port;
    meter_t meter;
    pp_iec21_provider_t prov;
    pp_iec21_config_t cfg;
    pp_iec21_session_t s;
    uint64_t now;
    unsigned hdlc_calls;
    uint32_t hdlc_baud;
} fx_t;

static void on_hdlc(void *ctx, unsigned conn, uint32_t baud)
{
    fx_t *f = ctx;
    assert_int_equal(conn, 7);
    f->hdlc_calls++;
    f->hdlc_baud = baud;
}

static void fx_start(fx_t *f)
{
    f->prov = (pp_iec21_provider_t){&f->meter, m_read, m_write, m_item};
    assert_int_equal(pp_iec21_session_init(&f->s, &f->cfg, &f->port.port, 7, &f->prov, f->now),
                     PP_OK);
    pp_iec21_session_on_hdlc(&f->s, on_hdlc, f);
}

static int setup(void **state)
{
    static fx_t f; /* large: keep it off the stack */
    memset(&f, 0, sizeof f);
    pp_fake_port_init(&f.port, 4096, 64);
    meter_init(&f.meter);
    pp_iec21_config_default(&f.cfg);
    f.now = 1000000;
    fx_start(&f);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fx_t *f = *state;
    pp_fake_port_free(&f->port);
    return 0;
}

static pp_fake_stream_t *out(fx_t *f) { return &f->port.streams[PP_CH_OPTICAL]; }

static void rx(fx_t *f, const void *src, size_t n)
{
    assert_int_equal(pp_iec21_session_receive(&f->s, src, n, f->now), PP_OK);
}

/* Feeds src split at k (0: whole). */
static void rx_split(fx_t *f, const void *src, size_t n, size_t k)
{
    if (k == 0 || k >= n) {
        rx(f, src, n);
        return;
    }
    rx(f, src, k);
    rx(f, (const uint8_t *)src + k, n - k);
}

static void advance(fx_t *f, uint64_t ms)
{
    f->now += ms;
    assert_int_equal(pp_iec21_session_poll(&f->s, f->now), PP_OK);
}

/* The answer must come at tr min and not a millisecond earlier. */
static void expect_after(fx_t *f, uint64_t react, const void *want, size_t n)
{
    advance(f, react - 1);
    assert_int_equal(out(f)->len, 0);
    advance(f, 1);
    assert_int_equal(out(f)->len, n);
    assert_memory_equal(out(f)->data, want, n);
    pp_fake_stream_clear(&f->port, PP_CH_OPTICAL);
}

static const uint8_t REQ[] = "/?!\r\n";
static const uint8_t IDENT[] = "/KAM5\\2OMNIPOWER3\r\n";
static const uint8_t OPT_READ[] = {0x06, '0', '5', '0', '\r', '\n'};
static const uint8_t OPT_PROG[] = {0x06, '0', '5', '1', '\r', '\n'};
static const uint8_t OPT_HDLC[] = {0x06, '2', '5', '2', '\r', '\n'};

/* UD1 readout of the fake meter: default list order, absent items left out.
 * BCC over the bytes after STX through ETX, by an independent XOR (python):
 * 0x32. */
static const char READOUT_BODY[] = "0-0:96.1.0(12345678)\r\n"
                                   "1-0:0.9.1(123456)\r\n"
                                   "1-0:1.8.0(0001234.567*kWh)\r\n"
                                   "1-0:2.8.0(0000012.345*kWh)\r\n"
                                   "1-0:1.6.0(05.123*kW)(2401011230)\r\n"
                                   "!\r\n";

static void check_readout(fx_t *f, const char *body, uint8_t bcc)
{
    size_t n = strlen(body);
    pp_fake_stream_t *o = out(f);
    assert_int_equal(o->len, n + 3);
    assert_int_equal(o->data[0], 0x02);
    assert_memory_equal(o->data + 1, body, n);
    assert_int_equal(o->data[n + 1], 0x03);
    uint8_t x = 0;
    for (size_t i = 1; i < n + 2; i++) {
        x ^= o->data[i];
    }
    assert_int_equal(x, o->data[n + 2]);
    assert_int_equal(o->data[n + 2], bcc);
    pp_fake_stream_clear(&f->port, PP_CH_OPTICAL);
}

static void sign_on(fx_t *f)
{
    rx(f, REQ, 5);
    expect_after(f, 200, IDENT, sizeof IDENT - 1);
}

/* ---------------------------------------------------------------- mode C */

static void mode_c_readout_split_everywhere(void **state)
{
    fx_t *f = *state;
    uint8_t dialogue[5 + 6];
    memcpy(dialogue, REQ, 5);
    memcpy(dialogue + 5, OPT_READ, 6);
    for (size_t k = 0; k <= 5; k++) {
        fx_start(f);
        rx_split(f, REQ, 5, k);
        assert_int_equal(pp_iec21_session_state(&f->s), PP_IEC21_ST_IDENT);
        expect_after(f, 200, IDENT, sizeof IDENT - 1);
        assert_int_equal(pp_iec21_session_state(&f->s), PP_IEC21_ST_OPTION);
        for (size_t j = 0; j <= 6; j++) {
            if (j > 0) { /* again from the option select, split at j */
                fx_start(f);
                rx(f, REQ, 5);
                expect_after(f, 200, IDENT, sizeof IDENT - 1);
            }
            advance(f, 300); /* the HHU takes 300 ms to answer */
            rx_split(f, OPT_READ, 6, j);
            assert_int_equal(out(f)->baud, 9600); /* switched at once */
            advance(f, 199);
            assert_int_equal(out(f)->len, 0);
            advance(f, 1);
            check_readout(f, READOUT_BODY, 0x32);
            assert_int_equal(pp_iec21_session_state(&f->s), PP_IEC21_ST_LINGER);
            advance(f, 1500);
            assert_int_equal(pp_iec21_session_state(&f->s), PP_IEC21_ST_IDLE);
            assert_int_equal(out(f)->baud, 300);
            assert_int_equal(f->s.stats.readouts, 1);
        }
    }
}

static void ud2_adds_instantaneous_values(void **state)
{
    fx_t *f = *state;
    f->cfg.z18 = PP_IEC21_AC_UD2;
    fx_start(f);
    sign_on(f);
    rx(f, OPT_READ, 6);
    advance(f, 200);
    /* BCC by independent XOR (python) over body + ETX: 0x76. */
    check_readout(f,
                  "0-0:96.1.0(12345678)\r\n1-0:0.9.1(123456)\r\n1-0:1.8.0(0001234.567*kWh)\r\n"
                  "1-0:2.8.0(0000012.345*kWh)\r\n1-0:1.6.0(05.123*kW)(2401011230)\r\n"
                  "1-0:32.7.0(230.1*V)\r\n!\r\n",
                  0x76);
}

static void mode_a_fallback_reads_out_at_300(void **state)
{
    fx_t *f = *state;
    sign_on(f);
    advance(f, 1499);
    assert_int_equal(out(f)->len, 0);
    advance(f, 1); /* tr max without an option select: mode A reader */
    check_readout(f, READOUT_BODY, 0x32);
    assert_int_not_equal(out(f)->baud, 9600);
}

static void without_fallback_the_meter_goes_quiet(void **state)
{
    fx_t *f = *state;
    f->cfg.mode_a_fallback = false;
    fx_start(f);
    sign_on(f);
    advance(f, 1500);
    advance(f, 5000);
    assert_int_equal(out(f)->len, 0);
    assert_int_equal(pp_iec21_session_state(&f->s), PP_IEC21_ST_IDLE);
    /* A late option select is not taken for one. */
    rx(f, OPT_READ, 6);
    advance(f, 1000);
    assert_int_equal(out(f)->len, 0);
}

static void rate_above_max_is_not_accepted(void **state)
{
    fx_t *f = *state;
    sign_on(f);
    static const uint8_t opt19200[] = {0x06, '0', '6', '0', '\r', '\n'};
    rx(f, opt19200, 6);
    advance(f, 3000);
    assert_int_equal(out(f)->len, 0);
    assert_int_equal(pp_iec21_session_state(&f->s), PP_IEC21_ST_IDLE);
}

static void z18_disabled_never_answers(void **state)
{
    fx_t *f = *state;
    f->cfg.z18 = PP_IEC21_DISABLED;
    f->cfg.mode_d_interval_s = 10;
    fx_start(f);
    rx(f, REQ, 5);
    advance(f, 200);
    rx(f, OPT_READ, 6);
    advance(f, 60000);
    assert_int_equal(out(f)->len, 0);
    assert_int_equal(pp_iec21_session_next_ms(&f->s), UINT64_MAX);
}

static void device_address_selects_the_meter(void **state)
{
    fx_t *f = *state;
    strcpy(f->cfg.address, "12345678");
    fx_start(f);
    rx(f, "/?99999999!\r\n", 13);
    advance(f, 1000);
    assert_int_equal(out(f)->len, 0);
    rx(f, "/?0012345678!\r\n", 15); /* leading zeros do not count */
    expect_after(f, 200, IDENT, sizeof IDENT - 1);
    fx_start(f);
    rx(f, "/?12345678!\r\n", 13);
    expect_after(f, 200, IDENT, sizeof IDENT - 1);
    fx_start(f);
    rx(f, REQ, 5); /* the general sign-on reaches every meter */
    expect_after(f, 200, IDENT, sizeof IDENT - 1);
}

static void fast_flag_and_time_scale(void **state)
{
    fx_t *f = *state;
    strcpy(f->cfg.manufacturer, "KAm"); /* lowercase 3rd letter: tr min 20 ms */
    fx_start(f);
    rx(f, REQ, 5);
    expect_after(f, 20, "/KAm5\\2OMNIPOWER3\r\n", 19);
    strcpy(f->cfg.manufacturer, "KAM");
    f->cfg.time_scale = 100; /* 200 ms -> 2 ms */
    fx_start(f);
    rx(f, REQ, 5);
    expect_after(f, 2, IDENT, sizeof IDENT - 1);
    advance(f, 15); /* option wait 1500 ms -> 15 ms, then mode A readout */
    check_readout(f, READOUT_BODY, 0x32);
}

static void garbage_gets_no_answer(void **state)
{
    fx_t *f = *state;
    static const uint8_t junk[] = {0, 0x7F, 'x', 0x06, 0x15, 0x03, '/', '?', '#', '!', '\r',
                                   '\n', 0x01, 'R', '1', 0x03, 0x00};
    rx(f, junk, sizeof junk);
    advance(f, 5000);
    assert_int_equal(out(f)->len, 0);
    assert_int_equal(pp_iec21_session_state(&f->s), PP_IEC21_ST_IDLE);
}

/* ---------------------------------------------------------------- programming */

/* SOH P0 STX () ETX BCC: 50^30^02^28^29^03 = 0x60. */
static const uint8_t P0[] = {0x01, 'P', '0', 0x02, '(', ')', 0x03, 0x60};
/* SOH P1 STX (00000000) ETX BCC = 'a' (see test_iec21_codec.c). */
static const uint8_t P1_OK[] = {0x01, 'P', '1', 0x02, '(', '0', '0', '0', '0',
                                '0', '0', '0', '0', ')', 0x03, 'a'};
/* SOH P1 STX (12345678) ETX BCC: independent XOR (python) = 0x69. */
static const uint8_t P1_BAD[] = {0x01, 'P', '1', 0x02, '(', '1', '2', '3', '4',
                                 '5', '6', '7', '8', ')', 0x03, 0x69};
/* SOH R1 STX 1.8.0() ETX 'Z' (see test_iec21_codec.c). */
static const uint8_t R1[] = {0x01, 'R', '1', 0x02, '1', '.', '8', '.', '0', '(', ')',
                             0x03, 'Z'};
/* SOH W1 STX 0.9.1(235959) ETX BCC: independent XOR (python) = 0x5F. */
static const uint8_t W1_TIME[] = {0x01, 'W', '1', 0x02, '0', '.', '9', '.', '1', '(', '2',
                                  '3', '5', '9', '5', '9', ')', 0x03, 0x5F};
/* SOH W1 STX 1.8.0(0000000.000) ETX BCC: independent XOR (python) = 0x71. */
static const uint8_t W1_LEGAL[] = {0x01, 'W', '1', 0x02, '1', '.', '8', '.', '0', '(',
                                   '0', '0', '0', '0', '0', '0', '0', '.', '0', '0', '0',
                                   ')', 0x03, 0x71};
static const uint8_t B0[] = {0x01, 'B', '0', 0x03, 0x71};
static const uint8_t ACK = 0x06, NAK = 0x15;

/* STX 1-0:1.8.0(0001234.567*kWh) ETX BCC: independent XOR (python) = 0x7D. */
static const char R1_ANSWER[] = "\x02" "1-0:1.8.0(0001234.567*kWh)\x03\x7d";
/* STX (ERROR LEGAL DATA) ETX 0x09; (ERROR ACCESS DENIED) 0x59 (python). */
static const char ERR_LEGAL[] = "\x02(ERROR LEGAL DATA)\x03\x09";
static const char ERR_DENIED[] = "\x02(ERROR ACCESS DENIED)\x03\x59";

static void enter_programming(fx_t *f)
{
    sign_on(f);
    rx(f, OPT_PROG, 6);
    assert_int_equal(out(f)->baud, 9600);
    expect_after(f, 200, P0, sizeof P0);
    assert_int_equal(pp_iec21_session_state(&f->s), PP_IEC21_ST_PROG);
}

static void send_expect(fx_t *f, const void *cmd, size_t n, size_t k, const void *want,
                        size_t wn)
{
    rx_split(f, cmd, n, k);
    expect_after(f, 200, want, wn);
}

static void programming_dialogue_split_everywhere(void **state)
{
    fx_t *f = *state;
    for (size_t k = 0; k <= sizeof W1_LEGAL; k++) {
        fx_start(f);
        meter_init(&f->meter);
        enter_programming(f);
        /* Reads need no password. */
        send_expect(f, R1, sizeof R1, k, R1_ANSWER, sizeof R1_ANSWER - 1);
        /* Writes do. */
        send_expect(f, W1_TIME, sizeof W1_TIME, k, ERR_DENIED, sizeof ERR_DENIED - 1);
        assert_string_equal(f->meter.regs[1].value, "123456");
        send_expect(f, P1_BAD, sizeof P1_BAD, k, &NAK, 1);
        send_expect(f, P1_OK, sizeof P1_OK, k, &ACK, 1);
        send_expect(f, W1_TIME, sizeof W1_TIME, k, &ACK, 1);
        assert_string_equal(f->meter.regs[1].value, "235959");
        /* Legal data stays as it is, password or not. */
        send_expect(f, W1_LEGAL, sizeof W1_LEGAL, k, ERR_LEGAL, sizeof ERR_LEGAL - 1);
        assert_string_equal(f->meter.regs[2].value, "0001234.567");
        assert_int_equal(f->meter.writes, 1);
        rx_split(f, B0, sizeof B0, k);
        advance(f, 1000);
        assert_int_equal(out(f)->len, 0); /* break: no answer */
        assert_int_equal(pp_iec21_session_state(&f->s), PP_IEC21_ST_IDLE);
        assert_int_equal(out(f)->baud, 300);
    }
}

static void bcc_error_gets_nak_and_changes_nothing(void **state)
{
    fx_t *f = *state;
    enter_programming(f);
    send_expect(f, P1_OK, sizeof P1_OK, 0, &ACK, 1);
    uint8_t w[sizeof W1_TIME];
    memcpy(w, W1_TIME, sizeof w);
    w[sizeof w - 1] ^= 0x20;
    send_expect(f, w, sizeof w, 0, &NAK, 1);
    memcpy(w, W1_TIME, sizeof w);
    w[10] = '9'; /* value damaged on the way */
    send_expect(f, w, sizeof w, 0, &NAK, 1);
    assert_string_equal(f->meter.regs[1].value, "123456");
    assert_int_equal(f->meter.writes, 0);
    assert_int_equal(f->s.stats.bcc_errors, 2);
}

static void nak_from_hhu_repeats_the_answer(void **state)
{
    fx_t *f = *state;
    enter_programming(f);
    send_expect(f, R1, sizeof R1, 0, R1_ANSWER, sizeof R1_ANSWER - 1);
    for (unsigned i = 0; i < 3; i++) {
        send_expect(f, &NAK, 1, 0, R1_ANSWER, sizeof R1_ANSWER - 1);
    }
    rx(f, &NAK, 1); /* a fourth NAK: the meter gives up repeating */
    advance(f, 1000);
    assert_int_equal(out(f)->len, 0);
}

static void wrong_password_three_times_breaks(void **state)
{
    fx_t *f = *state;
    enter_programming(f);
    send_expect(f, P1_BAD, sizeof P1_BAD, 0, &NAK, 1);
    send_expect(f, P1_BAD, sizeof P1_BAD, 0, &NAK, 1);
    send_expect(f, P1_BAD, sizeof P1_BAD, 0, B0, sizeof B0);
    assert_int_equal(pp_iec21_session_state(&f->s), PP_IEC21_ST_IDLE);
    assert_int_equal(out(f)->baud, 300);
    assert_int_equal(f->s.stats.bad_passwords, 3);
}

static void programming_errors_are_specific(void **state)
{
    fx_t *f = *state;
    uint8_t b[96];
    char want[64];
    enter_programming(f);
    /* Unknown address: R1 9.9.9(). */
    int n = pp_iec21_encode_command(b, sizeof b, 'R', '1', (const uint8_t *)"9.9.9()", 7, false);
    int wn = pp_iec21_encode_error((uint8_t *)want, sizeof want, "ERROR UNKNOWN ADDRESS");
    send_expect(f, b, (size_t)n, 0, want, (size_t)wn);
    /* Secret value before the password. */
    n = pp_iec21_encode_command(b, sizeof b, 'R', '5', (const uint8_t *)"0-0:96.50.0()", 13,
                                false);
    send_expect(f, b, (size_t)n, 0, ERR_DENIED, sizeof ERR_DENIED - 1);
    /* Formatted (R2) reads are not offered. */
    n = pp_iec21_encode_command(b, sizeof b, 'R', '2', (const uint8_t *)"1.8.0()", 7, false);
    wn = pp_iec21_encode_error((uint8_t *)want, sizeof want, "ERROR UNSUPPORTED");
    send_expect(f, b, (size_t)n, 0, want, (size_t)wn);
    /* Not a data set. */
    n = pp_iec21_encode_command(b, sizeof b, 'R', '1', (const uint8_t *)"1.8.0", 5, false);
    wn = pp_iec21_encode_error((uint8_t *)want, sizeof want, "ERROR DATA SET");
    send_expect(f, b, (size_t)n, 0, want, (size_t)wn);
    /* After P1 the secret is readable. */
    send_expect(f, P1_OK, sizeof P1_OK, 0, &ACK, 1);
    n = pp_iec21_encode_command(b, sizeof b, 'R', '5', (const uint8_t *)"0-0:96.50.0()", 13,
                                false);
    wn = pp_iec21_encode_block((uint8_t *)want, sizeof want, (const uint8_t *)"0-0:96.50.0(42)",
                               15, false);
    send_expect(f, b, (size_t)n, 0, want, (size_t)wn);
    /* Invalid value (the fake wants 6 digits). */
    n = pp_iec21_encode_command(b, sizeof b, 'W', '5', (const uint8_t *)"1-0:0.9.1(1)", 12,
                                false);
    wn = pp_iec21_encode_error((uint8_t *)want, sizeof want, "ERROR INVALID VALUE");
    send_expect(f, b, (size_t)n, 0, want, (size_t)wn);
    assert_string_equal(f->meter.regs[1].value, "123456");
}

static void programming_times_out(void **state)
{
    fx_t *f = *state;
    enter_programming(f);
    advance(f, 119000);
    assert_int_equal(pp_iec21_session_state(&f->s), PP_IEC21_ST_PROG);
    send_expect(f, R1, sizeof R1, 0, R1_ANSWER, sizeof R1_ANSWER - 1);
    advance(f, 120000);
    assert_int_equal(pp_iec21_session_state(&f->s), PP_IEC21_ST_IDLE);
    assert_int_equal(out(f)->baud, 300);
}

/* ---------------------------------------------------------------- mode E, D */

static void mode_e_hands_over_to_hdlc(void **state)
{
    fx_t *f = *state;
    for (size_t k = 0; k <= sizeof OPT_HDLC; k++) {
        fx_start(f);
        f->hdlc_calls = 0;
        sign_on(f);
        rx_split(f, OPT_HDLC, sizeof OPT_HDLC, k);
        assert_int_equal(f->hdlc_calls, 0);
        /* The acknowledgement goes out at 300 baud, then the rate changes. */
        expect_after(f, 200, OPT_HDLC, sizeof OPT_HDLC);
        assert_int_equal(f->hdlc_calls, 1);
        assert_int_equal(f->hdlc_baud, 9600);
        assert_int_equal(out(f)->baud, 9600);
        assert_int_equal(pp_iec21_session_state(&f->s), PP_IEC21_ST_HDLC);
        static const uint8_t snrm[] = {0x7E, 0xA0, 0x07};
        assert_int_equal(pp_iec21_session_receive(&f->s, snrm, 3, f->now), PP_ERR_STATE);
        advance(f, 100000);
        assert_int_equal(out(f)->len, 0);
        pp_iec21_session_hdlc_ended(&f->s, f->now);
        assert_int_equal(pp_iec21_session_state(&f->s), PP_IEC21_ST_IDLE);
        assert_int_equal(out(f)->baud, 300);
    }
}

static void mode_e_off_refuses_hdlc(void **state)
{
    fx_t *f = *state;
    f->cfg.mode_e = false;
    fx_start(f);
    rx(f, REQ, 5);
    expect_after(f, 200, "/KAM5OMNIPOWER3\r\n", 17);
    rx(f, OPT_HDLC, sizeof OPT_HDLC);
    advance(f, 3000);
    assert_int_equal(out(f)->len, 0);
    assert_int_equal(f->hdlc_calls, 0);
}

static void mode_d_pushes_at_2400(void **state)
{
    fx_t *f = *state;
    f->cfg.mode_d_interval_s = 10;
    fx_start(f);
    assert_int_equal(pp_iec21_session_next_ms(&f->s), f->now + 10000);
    advance(f, 9999);
    assert_int_equal(out(f)->len, 0);
    advance(f, 1);
    static const char id[] = "/KAM3OMNIPOWER3\r\n";
    assert_memory_equal(out(f)->data, id, sizeof id - 1);
    /* The rate went to 2400 for the push and back; the fake keeps the last. */
    assert_int_equal(out(f)->baud, 300);
    memmove(out(f)->data, out(f)->data + sizeof id - 1, out(f)->len - (sizeof id - 1));
    out(f)->len -= sizeof id - 1;
    check_readout(f, READOUT_BODY, 0x32);
    assert_int_equal(f->s.stats.mode_d_pushes, 1);
    advance(f, 10000);
    assert_int_equal(f->s.stats.mode_d_pushes, 2);
}

static void config_is_checked(void **state)
{
    fx_t *f = *state;
    pp_iec21_config_t c;
    pp_iec21_config_default(&c);
    assert_int_equal(pp_iec21_config_check(&c), PP_OK);
    c.max_baud = 38400;
    assert_int_equal(pp_iec21_config_check(&c), PP_ERR_RANGE);
    pp_iec21_config_default(&c);
    strcpy(c.manufacturer, "K!M");
    assert_int_equal(pp_iec21_config_check(&c), PP_ERR_RANGE);
    pp_iec21_config_default(&c);
    strcpy(c.password, "a(b");
    assert_int_equal(pp_iec21_config_check(&c), PP_ERR_RANGE);
    pp_iec21_config_default(&c);
    c.time_scale = 0;
    assert_int_equal(pp_iec21_session_init(&f->s, &c, &f->port.port, 0, &f->prov, 0),
                     PP_ERR_RANGE);
    pp_iec21_provider_t p = f->prov;
    p.write_value = NULL;
    pp_iec21_config_default(&c);
    assert_int_equal(pp_iec21_session_init(&f->s, &c, &f->port.port, 0, &p, 0), PP_ERR_ARG);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(mode_c_readout_split_everywhere),
        T(ud2_adds_instantaneous_values),
        T(mode_a_fallback_reads_out_at_300),
        T(without_fallback_the_meter_goes_quiet),
        T(rate_above_max_is_not_accepted),
        T(z18_disabled_never_answers),
        T(device_address_selects_the_meter),
        T(fast_flag_and_time_scale),
        T(garbage_gets_no_answer),
        T(programming_dialogue_split_everywhere),
        T(bcc_error_gets_nak_and_changes_nothing),
        T(nak_from_hhu_repeats_the_answer),
        T(wrong_password_three_times_breaks),
        T(programming_errors_are_specific),
        T(programming_times_out),
        T(mode_e_hands_over_to_hdlc),
        T(mode_e_off_refuses_hdlc),
        T(mode_d_pushes_at_2400),
        T(config_is_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
