/* HDLC secondary station (IEC 62056-46 / ISO 13239 NRM) driven frame by
 * frame. Expectations: published SNRM/UA and AARQ/AARE exchanges byte for
 * byte, control fields derived by hand in comments, and the standard's
 * rules for DM, FRMR (W/X/Y/Z), sequence errors and retransmission. Every
 * client frame is re-fed split at every byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "polyphase/hdlc.h"

#define MAXOUT 16
typedef struct harness {
    pp_hdlc_link_t link;
    uint8_t rxf[PP_HDLC_FRAME_BUF_SIZE(PP_HDLC_INFO_MAX)];
    uint8_t txf[PP_HDLC_FRAME_BUF_SIZE(PP_HDLC_INFO_MAX)];
    uint8_t rxs[4096];
    uint8_t txs[4096];
    uint8_t out[MAXOUT][PP_HDLC_FRAME_BUF_SIZE(PP_HDLC_INFO_MAX)];
    size_t out_len[MAXOUT];
    unsigned nout;
    uint8_t sdu[4096];
    size_t sdu_len;
    pp_hdlc_sdu_t meta;
    unsigned ndeliver;
    const uint8_t *resp;
    int resp_len; /* or PP_ERR_BUSY */
    pp_hdlc_event_t ev[8];
    unsigned nev;
    size_t split; /* each client frame is fed in two pieces cut here */
    pp_hdlc_addr_t server; /* how the test client addresses the meter */
    uint8_t client;
} harness_t;

static int on_deliver(void *user, const pp_hdlc_sdu_t *sdu, uint8_t *resp, size_t cap)
{
    harness_t *h = user;
    assert_true(sdu->len <= sizeof h->sdu);
    memcpy(h->sdu, sdu->data, sdu->len);
    h->sdu_len = sdu->len;
    h->meta = *sdu;
    h->ndeliver++;
    if (h->resp_len > 0) {
        assert_true((size_t)h->resp_len <= cap);
        memcpy(resp, h->resp, (size_t)h->resp_len);
    }
    return h->resp_len;
}

static pp_err_t on_output(void *user, const uint8_t *frame, size_t len)
{
    harness_t *h = user;
    assert_true(h->nout < MAXOUT);
    memcpy(h->out[h->nout], frame, len);
    h->out_len[h->nout++] = len;
    return PP_OK;
}

static void on_event(void *user, pp_hdlc_event_t ev)
{
    harness_t *h = user;
    assert_true(h->nev < 8);
    h->ev[h->nev++] = ev;
}

static harness_t *setup_with(const pp_hdlc_link_config_t *cfg)
{
    harness_t *h = calloc(1, sizeof *h);
    assert_non_null(h);
    pp_hdlc_link_buffers_t b = {h->rxf, sizeof h->rxf, h->txf, sizeof h->txf,
                                h->rxs, sizeof h->rxs, h->txs, sizeof h->txs};
    pp_hdlc_link_callbacks_t cb = {.deliver = on_deliver, .output = on_output, .event = on_event};
    assert_int_equal(pp_hdlc_link_init(&h->link, cfg, &b, &cb, h), PP_OK);
    h->server = (pp_hdlc_addr_t){.upper = cfg->server_upper, .lower = cfg->server_lower, .len = 2};
    h->client = 16;
    return h;
}

/* Class 23 defaults with physical address 32 (2-byte form 02 41). */
static pp_hdlc_link_config_t test_cfg(void)
{
    pp_hdlc_link_config_t cfg;
    pp_hdlc_link_config_default(&cfg);
    cfg.server_lower = 32;
    return cfg;
}

static harness_t *setup(void)
{
    pp_hdlc_link_config_t cfg = test_cfg();
    return setup_with(&cfg);
}

static void feed(harness_t *h, const uint8_t *frame, size_t len, uint64_t now)
{
    size_t cut = h->split < len ? h->split : len;
    assert_int_equal(pp_hdlc_link_feed(&h->link, frame, cut, now), PP_OK);
    assert_int_equal(pp_hdlc_link_feed(&h->link, frame + cut, len - cut, now), PP_OK);
}

/* Sends a client command built from its fields; clears the output log. */
static void send_cmd(harness_t *h, uint8_t control, bool seg, const uint8_t *info, size_t len,
                     uint64_t now)
{
    pp_hdlc_frame_t f = {.dst = h->server, .src = {.upper = h->client, .len = 1},
                         .control = control, .segmented = seg, .info = info, .info_len = len};
    static uint8_t buf[PP_HDLC_FRAME_BUF_SIZE(PP_HDLC_INFO_MAX) + 64];
    int n = pp_hdlc_frame_encode(&f, buf, sizeof buf);
    assert_true(n > 0);
    h->nout = 0;
    feed(h, buf, (size_t)n, now);
}

/* Decodes output frame i; checks it goes to our client from our address. */
static pp_hdlc_frame_t out_frame(harness_t *h, unsigned i)
{
    pp_hdlc_frame_t f;
    assert_true(i < h->nout);
    assert_int_equal(pp_hdlc_frame_decode(h->out[i], h->out_len[i], &f), PP_OK);
    assert_int_equal(f.dst.len, 1);
    assert_int_equal(f.dst.upper, h->client);
    assert_int_equal(f.src.len, h->server.len);
    assert_int_equal(f.src.upper, h->server.upper);
    return f;
}

static void expect_single(harness_t *h, uint8_t control)
{
    assert_int_equal(h->nout, 1);
    pp_hdlc_frame_t f = out_frame(h, 0);
    if (f.control != control) {
        fail_msg("control %02X, expected %02X", f.control, control);
    }
}

static void connect(harness_t *h)
{
    send_cmd(h, 0x93, false, NULL, 0, 0);
    expect_single(h, 0x73);
    assert_int_equal(pp_hdlc_link_state(&h->link), PP_HDLC_NRM);
}

static const uint8_t llc_cmd[] = {0xE6, 0xE6, 0x00};

/* I frame with LLC + apdu (single frame). */
static void send_apdu(harness_t *h, uint8_t control, const uint8_t *apdu, size_t len)
{
    uint8_t info[PP_HDLC_INFO_MAX];
    memcpy(info, llc_cmd, 3);
    memcpy(info + 3, apdu, len);
    send_cmd(h, control, false, info, len + 3, 0);
}

/* ---------------------------------------------------------------------- */

/* Published exchange: SNRM proposing 128/128/1/1 from client 1 to server 1
 * gives exactly the published UA (both frames in tests/unit/vectors/hdlc). */
static void snrm_gives_published_ua(void **state)
{
    (void)state;
    static const uint8_t snrm[] = {0x7E, 0xA0, 0x20, 0x03, 0x03, 0x93, 0xFE, 0xC9, 0x81, 0x80, 0x14,
                                   0x05, 0x02, 0x00, 0x80, 0x06, 0x02, 0x00, 0x80, 0x07, 0x04, 0x00,
                                   0x00, 0x00, 0x01, 0x08, 0x04, 0x00, 0x00, 0x00, 0x01, 0xCE, 0x6A,
                                   0x7E};
    static const uint8_t ua[] = {0x7E, 0xA0, 0x1E, 0x03, 0x03, 0x73, 0x40, 0xCC, 0x81, 0x80, 0x12,
                                 0x05, 0x01, 0x80, 0x06, 0x01, 0x80, 0x07, 0x04, 0x00, 0x00, 0x00,
                                 0x01, 0x08, 0x04, 0x00, 0x00, 0x00, 0x01, 0x53, 0x3B, 0x7E};
    for (size_t k = 0; k <= sizeof snrm; k++) {
        harness_t *h = setup();
        h->split = k;
        feed(h, snrm, sizeof snrm, 0);
        assert_int_equal(h->nout, 1);
        assert_int_equal(h->out_len[0], sizeof ua);
        assert_memory_equal(h->out[0], ua, sizeof ua);
        assert_int_equal(h->nev, 1);
        assert_int_equal(h->ev[0], PP_HDLC_EV_CONNECTED);
        free(h);
    }
}

/* 4-byte addressing: SNRM to upper 0x1234 with the all-station lower
 * address (point to point) is answered with the published UA, echoing it. */
static void snrm_4byte_gives_published_ua(void **state)
{
    (void)state;
    static const uint8_t snrm[] = {0x7E, 0xA0, 0x0A, 0x48, 0x68, 0xFE, 0xFF, 0x75, 0x93, 0xD8, 0xF8, 0x7E};
    static const uint8_t ua[] = {0x7E, 0xA0, 0x21, 0x75, 0x48, 0x68, 0xFE, 0xFF, 0x73, 0x7C, 0x16,
                                 0x81, 0x80, 0x12, 0x05, 0x01, 0x80, 0x06, 0x01, 0x80, 0x07, 0x04,
                                 0x00, 0x00, 0x00, 0x01, 0x08, 0x04, 0x00, 0x00, 0x00, 0x01, 0x53,
                                 0x3B, 0x7E};
    pp_hdlc_link_config_t cfg;
    pp_hdlc_link_config_default(&cfg);
    cfg.server_upper = 0x1234;
    cfg.server_lower = 1234 + 16;
    for (size_t k = 0; k <= sizeof snrm; k++) {
        harness_t *h = setup_with(&cfg);
        h->split = k;
        feed(h, snrm, sizeof snrm, 0);
        assert_int_equal(h->nout, 1);
        assert_memory_equal(h->out[0], ua, sizeof ua);
        free(h);
    }
}

/* Published AARQ/AARE over 2-byte addressing (server 1/32, client 16): the
 * AARE APDU handed back by the upper layer comes out as the published frame
 * 7E A0 38 21 02 41 30 D1 B1 E6 E7 00 61 29 ... 36 E3 7E (control 0x30:
 * N(S)=0, N(R)=1, F=1). */
static void aarq_aare_published(void **state)
{
    (void)state;
    static const uint8_t aare_apdu[] = {
        0x61, 0x29, 0xA1, 0x09, 0x06, 0x07, 0x60, 0x85, 0x74, 0x05, 0x08, 0x01, 0x01, 0xA2, 0x03,
        0x02, 0x01, 0x00, 0xA3, 0x05, 0xA1, 0x03, 0x02, 0x01, 0x00, 0xBE, 0x10, 0x04, 0x0E, 0x08,
        0x00, 0x06, 0x5F, 0x1F, 0x04, 0x00, 0x00, 0x10, 0x10, 0x04, 0x00, 0x00, 0x07};
    static const uint8_t aare_frame[] = {0x7E, 0xA0, 0x38, 0x21, 0x02, 0x41, 0x30, 0xD1, 0xB1,
                                         0xE6, 0xE7, 0x00};
    static const uint8_t tail[] = {0x36, 0xE3, 0x7E};
    /* AARQ of the public client, lowest security (as captured in public traces) */
    static const uint8_t aarq[] = {0x60, 0x1D, 0xA1, 0x09, 0x06, 0x07, 0x60, 0x85, 0x74, 0x05, 0x08,
                                   0x01, 0x01, 0xBE, 0x10, 0x04, 0x0E, 0x01, 0x00, 0x00, 0x00, 0x06,
                                   0x5F, 0x1F, 0x04, 0x00, 0x00, 0x7E, 0x1F, 0xFF, 0xFF};
    for (size_t k = 0; k < 48; k++) {
        harness_t *h = setup();
        h->split = k;
        connect(h);
        h->resp = aare_apdu;
        h->resp_len = sizeof aare_apdu;
        send_apdu(h, 0x10, aarq, sizeof aarq); /* N(S)=0 N(R)=0 P=1 */
        assert_int_equal(h->ndeliver, 1);
        assert_int_equal(h->sdu_len, sizeof aarq);
        assert_memory_equal(h->sdu, aarq, sizeof aarq);
        assert_int_equal(h->meta.client, 16);
        assert_int_equal(h->meta.server_upper, 1);
        assert_false(h->meta.unnumbered);
        assert_int_equal(h->nout, 1);
        size_t want = sizeof aare_frame + sizeof aare_apdu + sizeof tail;
        assert_int_equal(h->out_len[0], want);
        assert_memory_equal(h->out[0], aare_frame, sizeof aare_frame);
        assert_memory_equal(h->out[0] + sizeof aare_frame, aare_apdu, sizeof aare_apdu);
        assert_memory_equal(h->out[0] + want - 3, tail, 3);
        free(h);
    }
}

static void snrm_without_info_negotiates_defaults(void **state)
{
    (void)state;
    harness_t *h = setup();
    connect(h);
    pp_hdlc_frame_t ua = out_frame(h, 0);
    pp_hdlc_params_t p;
    assert_int_equal(pp_hdlc_params_decode(ua.info, ua.info_len, &p), PP_OK);
    assert_int_equal(p.max_info_tx, 128);
    assert_int_equal(p.max_info_rx, 128);
    assert_int_equal(p.window_tx, 1);
    assert_int_equal(p.window_rx, 1);
    free(h);
}

/* Client proposes tx 1024 / rx 64, windows 7/7; our capability 512/256,
 * window 1 tx, 3 rx. Our rx = min(client tx, ours) = 256; our tx =
 * min(client rx, ours) = 64; window tx = min(7,1) = 1; window rx = min(7,3). */
static void snrm_negotiates_minimum(void **state)
{
    (void)state;
    pp_hdlc_link_config_t cfg = test_cfg();
    cfg.max_info_tx = 512;
    cfg.max_info_rx = 256;
    cfg.window_rx = 3;
    harness_t *h = setup_with(&cfg);
    static const uint8_t info[] = {0x81, 0x80, 0x10, 0x05, 0x02, 0x04, 0x00, 0x06, 0x01, 0x40,
                                   0x07, 0x01, 0x07, 0x08, 0x04, 0x00, 0x00, 0x00, 0x07};
    send_cmd(h, 0x93, false, info, sizeof info, 0);
    expect_single(h, 0x73);
    pp_hdlc_frame_t ua = out_frame(h, 0);
    pp_hdlc_params_t p;
    assert_int_equal(pp_hdlc_params_decode(ua.info, ua.info_len, &p), PP_OK);
    assert_int_equal(p.max_info_tx, 64);
    assert_int_equal(p.max_info_rx, 256);
    assert_int_equal(p.window_tx, 1);
    assert_int_equal(p.window_rx, 3);
    /* a malformed parameter field (group length wrong) cannot be accepted: DM, NDM */
    static const uint8_t bad[] = {0x81, 0x80, 0x09, 0x05, 0x01, 0x80};
    send_cmd(h, 0x93, false, bad, sizeof bad, 0);
    expect_single(h, 0x1F);
    assert_int_equal(pp_hdlc_link_state(&h->link), PP_HDLC_NDM);
    free(h);
}

/* A 300-byte response with max info 128: LLC + 300 = 303 bytes go out as
 * 128 + 128 + 47. After AARQ/AARE V(S)=1, V(R)=1; the GET is I N(S)=1
 * N(R)=1 P=1 = 0x32. Segments: I N(S)=1 N(R)=2 F=1 = 0x52 with format A8
 * (as in the published trace), then 0x54 (A8), then 0x56 (A0). */
static void response_segmented_and_retransmitted(void **state)
{
    (void)state;
    static uint8_t big[300];
    for (unsigned i = 0; i < sizeof big; i++) {
        big[i] = (uint8_t)(i * 7 + 1);
    }
    static const uint8_t x[] = {0xC0, 0x01, 0x81};
    for (size_t k = 0; k < 14; k++) {
        harness_t *h = setup();
        h->split = k;
        connect(h);
        h->resp = x;
        h->resp_len = 3;
        send_apdu(h, 0x10, x, 3);
        expect_single(h, 0x30);
        h->resp = big;
        h->resp_len = sizeof big;
        send_apdu(h, 0x32, x, 3);
        expect_single(h, 0x52);
        assert_int_equal(h->out[0][1], 0xA8);
        pp_hdlc_frame_t f = out_frame(h, 0);
        uint8_t got[400];
        size_t n = 0;
        memcpy(got + n, f.info, f.info_len);
        n += f.info_len;
        assert_int_equal(f.info_len, 128);
        send_cmd(h, 0x51, false, NULL, 0, 0); /* RR N(R)=2 P=1 */
        expect_single(h, 0x54);
        assert_int_equal(h->out[0][1], 0xA8);
        f = out_frame(h, 0);
        memcpy(got + n, f.info, f.info_len);
        n += f.info_len;
        /* the client lost that frame and polls again with N(R)=2: repeated */
        send_cmd(h, 0x51, false, NULL, 0, 0);
        expect_single(h, 0x54);
        assert_int_equal(h->link.stats.retransmitted, 1);
        send_cmd(h, 0x71, false, NULL, 0, 0); /* RR N(R)=3 P=1 */
        expect_single(h, 0x56);
        assert_int_equal(h->out[0][1], 0xA0);
        f = out_frame(h, 0);
        assert_int_equal(f.info_len, 47);
        memcpy(got + n, f.info, f.info_len);
        n += f.info_len;
        assert_int_equal(n, 303);
        static const uint8_t llc_rsp[] = {0xE6, 0xE7, 0x00};
        assert_memory_equal(got, llc_rsp, 3);
        assert_memory_equal(got + 3, big, sizeof big);
        /* all acknowledged (RR N(R)=4 P=1 = 0x91): nothing left to send, so
         * RR with our V(R)=2 (two requests received), F=1 = 0x51 */
        send_cmd(h, 0x91, false, NULL, 0, 0);
        expect_single(h, 0x51);
        assert_int_equal(h->link.tx_len, 0);
        free(h);
    }
}

/* Window 2 both ways: two segments per poll, F only on the second. */
static void window_two_sends_two_frames(void **state)
{
    (void)state;
    pp_hdlc_link_config_t cfg = test_cfg();
    cfg.window_tx = 2;
    harness_t *h = setup_with(&cfg);
    static const uint8_t info[] = {0x81, 0x80, 0x06, 0x07, 0x01, 0x02, 0x08, 0x01, 0x02};
    send_cmd(h, 0x93, false, info, sizeof info, 0);
    expect_single(h, 0x73);
    static uint8_t big[400];
    h->resp = big;
    h->resp_len = sizeof big; /* 403 bytes: 128 128 | 128 19 */
    static const uint8_t x[] = {0xC0};
    send_apdu(h, 0x10, x, 1);
    assert_int_equal(h->nout, 2);
    /* N(R)=1: I N(S)=0 F=0 = 0x20, I N(S)=1 F=1 = 0x32 */
    assert_int_equal(out_frame(h, 0).control, 0x20);
    assert_int_equal(out_frame(h, 1).control, 0x32);
    send_cmd(h, 0x51, false, NULL, 0, 0); /* RR N(R)=2 P=1 */
    assert_int_equal(h->nout, 2);
    assert_int_equal(out_frame(h, 0).control, 0x24);
    assert_int_equal(out_frame(h, 1).control, 0x36);
    assert_int_equal(out_frame(h, 1).info_len, 19);
    free(h);
}

/* Segmented request: three I frames with S set on the first two, each
 * polled and acknowledged with RR; the upper layer gets the whole APDU. */
static void request_reassembled(void **state)
{
    (void)state;
    static uint8_t apdu[250];
    for (unsigned i = 0; i < sizeof apdu; i++) {
        apdu[i] = (uint8_t)(255 - i);
    }
    uint8_t info[260];
    memcpy(info, llc_cmd, 3);
    memcpy(info + 3, apdu, sizeof apdu); /* 253 bytes: 128 + 100 + 25 */
    for (size_t k = 0; k < 20; k++) {
        harness_t *h = setup();
        h->split = k;
        connect(h);
        send_cmd(h, 0x10, true, info, 128, 0); /* N(S)=0 */
        expect_single(h, 0x31);                /* RR N(R)=1 F=1 */
        send_cmd(h, 0x12, true, info + 128, 100, 0);
        expect_single(h, 0x51);                /* RR N(R)=2 */
        assert_int_equal(h->ndeliver, 0);
        send_cmd(h, 0x14, false, info + 228, 25, 0);
        expect_single(h, 0x71);                /* no response from the upper layer: RR N(R)=3 */
        assert_int_equal(h->ndeliver, 1);
        assert_int_equal(h->sdu_len, sizeof apdu);
        assert_memory_equal(h->sdu, apdu, sizeof apdu);
        free(h);
    }
}

static void frmr_reason(harness_t *h, uint8_t rejected, uint8_t second, uint8_t reasons)
{
    expect_single(h, 0x97);
    pp_hdlc_frame_t f = out_frame(h, 0);
    assert_int_equal(f.info_len, 3);
    const uint8_t want[] = {rejected, second, reasons};
    assert_memory_equal(f.info, want, 3);
    assert_int_equal(pp_hdlc_link_state(&h->link), PP_HDLC_FRMR_COND);
}

static void frame_reject_conditions(void **state)
{
    (void)state;
    static const uint8_t x[] = {0xC0, 0x01};
    /* Z: I frame N(S)=0 N(R)=5 P=1 (0xB0) while V(S)=0: nothing of ours to
     * acknowledge. FRMR field: B0 | V(S)=0, V(R)=0 -> 00 | Z = 08 */
    harness_t *h = setup();
    connect(h);
    send_apdu(h, 0xB0, x, 2);
    frmr_reason(h, 0xB0, 0x00, PP_HDLC_FRMR_Z);
    assert_int_equal(h->ndeliver, 0);
    /* in the frame reject condition every poll gets FRMR again ... */
    send_cmd(h, 0x11, false, NULL, 0, 0);
    frmr_reason(h, 0xB0, 0x00, PP_HDLC_FRMR_Z);
    /* ... until DISC (UA, NDM) */
    send_cmd(h, 0x53, false, NULL, 0, 0);
    expect_single(h, 0x73);
    assert_int_equal(pp_hdlc_link_state(&h->link), PP_HDLC_NDM);
    free(h);

    /* W: REJ (0x19 = REJ N(R)=0 P=1) is not used by 62056-46 */
    h = setup();
    connect(h);
    send_cmd(h, 0x19, false, NULL, 0, 0);
    frmr_reason(h, 0x19, 0x00, PP_HDLC_FRMR_W);
    /* SNRM clears the condition */
    send_cmd(h, 0x93, false, NULL, 0, 0);
    expect_single(h, 0x73);
    assert_int_equal(pp_hdlc_link_state(&h->link), PP_HDLC_NRM);
    free(h);

    /* W+X: RR with an information field */
    h = setup();
    connect(h);
    send_cmd(h, 0x11, false, x, 2, 0);
    frmr_reason(h, 0x11, 0x00, PP_HDLC_FRMR_W | PP_HDLC_FRMR_X);
    free(h);

    /* Y: info longer than negotiated (client tx proposal 64 -> our rx 64) */
    h = setup();
    static const uint8_t p64[] = {0x81, 0x80, 0x03, 0x05, 0x01, 0x40};
    send_cmd(h, 0x93, false, p64, sizeof p64, 0);
    expect_single(h, 0x73);
    static uint8_t long_info[100];
    memcpy(long_info, llc_cmd, 3);
    send_cmd(h, 0x10, false, long_info, 65, 0);
    frmr_reason(h, 0x10, 0x00, PP_HDLC_FRMR_Y);
    free(h);

    /* W: a response (UA) received as a command; after one I exchange the
     * FRMR field shows V(S)=1, V(R)=1: 0 | 1<<1 | 1<<5 = 0x22 */
    h = setup();
    connect(h);
    h->resp = x;
    h->resp_len = 2;
    send_apdu(h, 0x10, x, 2);
    expect_single(h, 0x30);
    send_cmd(h, 0x73, false, NULL, 0, 0);
    frmr_reason(h, 0x73, 0x22, PP_HDLC_FRMR_W);
    free(h);
}

/* A frame longer than the receive buffer is followed to its end; with a
 * good FCS it is answered FRMR Y, not silently lost. */
static void oversize_frame_rejected_with_y(void **state)
{
    (void)state;
    pp_hdlc_link_config_t cfg = test_cfg();
    harness_t *h = calloc(1, sizeof *h);
    pp_hdlc_link_buffers_t b = {h->rxf, PP_HDLC_FRAME_BUF_SIZE(128), h->txf, sizeof h->txf,
                                h->rxs, sizeof h->rxs, h->txs, sizeof h->txs};
    pp_hdlc_link_callbacks_t cb = {.deliver = on_deliver, .output = on_output, .event = on_event};
    assert_int_equal(pp_hdlc_link_init(&h->link, &cfg, &b, &cb, h), PP_OK);
    h->server = (pp_hdlc_addr_t){.upper = 1, .lower = 32, .len = 2};
    h->client = 16;
    connect(h);
    static uint8_t info[600];
    memcpy(info, llc_cmd, 3);
    send_cmd(h, 0x10, false, info, sizeof info, 0);
    frmr_reason(h, 0x10, 0x00, PP_HDLC_FRMR_Y);
    free(h);
}

static void disconnected_mode_answers_dm(void **state)
{
    (void)state;
    static const uint8_t x[] = {0xC0};
    harness_t *h = setup();
    send_apdu(h, 0x10, x, 1); /* I with P=1 in NDM */
    expect_single(h, 0x1F);
    assert_int_equal(h->ndeliver, 0);
    send_cmd(h, 0x53, false, NULL, 0, 0); /* DISC in NDM: DM */
    expect_single(h, 0x1F);
    send_cmd(h, 0x11, false, NULL, 0, 0); /* RR P=1: DM */
    expect_single(h, 0x1F);
    send_cmd(h, 0x01, false, NULL, 0, 0); /* RR P=0: nothing */
    assert_int_equal(h->nout, 0);
    connect(h);
    send_cmd(h, 0x53, false, NULL, 0, 0); /* DISC in NRM: UA */
    expect_single(h, 0x73);
    assert_int_equal(h->nev, 2);
    assert_int_equal(h->ev[1], PP_HDLC_EV_DISCONNECTED);
    free(h);
}

static void discarded_frames(void **state)
{
    (void)state;
    harness_t *h = setup();
    /* bad FCS: SNRM with the FCS bytes swapped; nothing comes back */
    static const uint8_t bad[] = {0x7E, 0xA0, 0x08, 0x02, 0x41, 0x21, 0x93, 0x00, 0x00, 0x7E};
    h->nout = 0;
    feed(h, bad, sizeof bad, 0);
    assert_int_equal(h->nout, 0);
    assert_int_equal(h->link.stats.bad_crc, 1);
    /* to another logical device (upper 2), another physical device (lower 33),
     * from a 2-byte source address, from client address 0: all ignored */
    h->server.upper = 2;
    send_cmd(h, 0x93, false, NULL, 0, 0);
    h->server.upper = 1;
    h->server.lower = 33;
    send_cmd(h, 0x93, false, NULL, 0, 0);
    h->server.lower = 32;
    h->client = 0;
    send_cmd(h, 0x93, false, NULL, 0, 0);
    assert_int_equal(h->nout, 0);
    assert_int_equal(h->link.stats.misaddressed, 3);
    assert_int_equal(pp_hdlc_link_state(&h->link), PP_HDLC_NDM);
    /* one-byte server address (no physical address) is accepted */
    h->client = 16;
    h->server = (pp_hdlc_addr_t){.upper = 1, .len = 1};
    connect(h);
    free(h);
}

/* While client 16 is connected, client 32 is told DM (for its address pair
 * the link is disconnected) and client 16's connection is untouched. */
static void second_client_gets_dm(void **state)
{
    (void)state;
    harness_t *h = setup();
    connect(h);
    h->client = 32;
    send_cmd(h, 0x93, false, NULL, 0, 0);
    expect_single(h, 0x1F);
    h->client = 16;
    send_cmd(h, 0x11, false, NULL, 0, 0);
    expect_single(h, 0x11); /* RR N(R)=0 F=1 */
    free(h);
}

/* UI: broadcast (upper all-station 0x7F) is delivered and never answered;
 * a UI with P=1 in NRM is answered RR. */
static void unnumbered_information(void **state)
{
    (void)state;
    static const uint8_t x[] = {0xE6, 0xE6, 0x00, 0xC2, 0x01};
    harness_t *h = setup();
    h->server = (pp_hdlc_addr_t){.upper = 0x7F, .lower = 0x7F, .len = 2};
    send_cmd(h, 0x13, false, x, sizeof x, 0);
    assert_int_equal(h->nout, 0);
    assert_int_equal(h->ndeliver, 1);
    assert_true(h->meta.broadcast);
    assert_true(h->meta.unnumbered);
    assert_int_equal(h->sdu_len, 2);
    h->server = (pp_hdlc_addr_t){.upper = 1, .lower = 32, .len = 2};
    connect(h);
    send_cmd(h, 0x13, false, x, sizeof x, 0);
    expect_single(h, 0x11);
    assert_int_equal(h->ndeliver, 2);
    assert_false(h->meta.broadcast);
    /* an I frame without the E6 E6 00 LLC header is acknowledged but dropped */
    static const uint8_t nollc[] = {0xC0, 0x01, 0x81};
    send_cmd(h, 0x10, false, nollc, sizeof nollc, 0);
    expect_single(h, 0x31);
    assert_int_equal(h->ndeliver, 2);
    assert_int_equal(h->link.stats.bad_llc, 1);
    free(h);
}

/* Sequence errors: an I frame with N(S) != V(R) is discarded and the poll
 * answered RR N(R)=V(R); a repeated request (the client lost our answer)
 * makes us repeat the answer. */
static void sequence_errors(void **state)
{
    (void)state;
    static const uint8_t x[] = {0xC0, 0x01};
    static const uint8_t y[] = {0xC4, 0x01, 0x02};
    harness_t *h = setup();
    connect(h);
    send_apdu(h, 0x12, x, 2); /* N(S)=1, expected 0 */
    expect_single(h, 0x11);   /* RR N(R)=0 F=1 */
    assert_int_equal(h->ndeliver, 0);
    h->resp = y;
    h->resp_len = 3;
    send_apdu(h, 0x10, x, 2);
    expect_single(h, 0x30);
    assert_int_equal(h->ndeliver, 1);
    uint8_t first[64];
    memcpy(first, h->out[0], h->out_len[0]);
    size_t first_len = h->out_len[0];
    send_apdu(h, 0x10, x, 2); /* the same request again: N(S)=0, N(R)=0 */
    assert_int_equal(h->ndeliver, 1);
    assert_int_equal(h->nout, 1);
    assert_int_equal(h->out_len[0], first_len);
    assert_memory_equal(h->out[0], first, first_len);
    free(h);
}

static void late_response_and_timeout(void **state)
{
    (void)state;
    static const uint8_t x[] = {0xC0, 0x01};
    static const uint8_t y[] = {0xC4, 0x01, 0x81, 0x00};
    harness_t *h = setup();
    connect(h);
    h->resp_len = PP_ERR_BUSY;
    send_apdu(h, 0x10, x, 2);
    assert_int_equal(h->nout, 0); /* poll held for the upper layer */
    h->nout = 0;
    assert_int_equal(pp_hdlc_link_respond(&h->link, y, sizeof y), PP_OK);
    expect_single(h, 0x30);
    assert_int_equal(out_frame(h, 0).info_len, 3 + sizeof y);
    assert_int_equal(pp_hdlc_link_respond(&h->link, y, sizeof y), PP_ERR_STATE);
    /* busy again, the client polls twice (second poll answered RR N(R)=2 F=1 =
     * 0x51), then sends its next request (N(S)=2 N(R)=1 P=1 = 0x34) which the
     * upper layer answers at once: the stale wait must not hold that poll */
    h->resp_len = PP_ERR_BUSY;
    send_apdu(h, 0x32, x, 2);
    assert_int_equal(h->nout, 0);
    send_cmd(h, 0x31, false, NULL, 0, 0);
    expect_single(h, 0x51);
    h->resp = y;
    h->resp_len = sizeof y;
    send_apdu(h, 0x34, x, 2);
    expect_single(h, 0x72); /* I N(S)=1 N(R)=3 F=1 */
    h->resp_len = 0;
    /* inactivity: 119.999 s is fine, 120 s drops to NDM */
    pp_hdlc_link_poll(&h->link, 119999);
    assert_int_equal(pp_hdlc_link_state(&h->link), PP_HDLC_NRM);
    pp_hdlc_link_poll(&h->link, 120000);
    assert_int_equal(pp_hdlc_link_state(&h->link), PP_HDLC_NDM);
    assert_int_equal(h->ev[h->nev - 1], PP_HDLC_EV_TIMEOUT);
    send_apdu(h, 0x36, x, 2);
    expect_single(h, 0x1F);
    free(h);
}

/* A configuration given during a connection waits for its end: the
 * running one keeps its 120 s inactivity, the next one has 5 s. A bad one
 * is refused and changes nothing. */
static void new_config_waits_for_the_next_connection(void **state)
{
    (void)state;
    harness_t *h = setup();
    connect(h);
    pp_hdlc_link_config_t cfg = test_cfg();
    cfg.max_info_rx = 2031;
    assert_int_equal(pp_hdlc_link_set_config(&h->link, &cfg), PP_ERR_ARG);
    cfg = test_cfg();
    cfg.inactivity_ms = 5000;
    assert_int_equal(pp_hdlc_link_set_config(&h->link, &cfg), PP_OK);
    pp_hdlc_link_poll(&h->link, 119999);
    assert_int_equal(pp_hdlc_link_state(&h->link), PP_HDLC_NRM);
    pp_hdlc_link_poll(&h->link, 120000);
    assert_int_equal(pp_hdlc_link_state(&h->link), PP_HDLC_NDM);
    connect(h);
    pp_hdlc_link_poll(&h->link, 4999);
    assert_int_equal(pp_hdlc_link_state(&h->link), PP_HDLC_NRM);
    pp_hdlc_link_poll(&h->link, 5000);
    assert_int_equal(pp_hdlc_link_state(&h->link), PP_HDLC_NDM);
    free(h);
}

static void config_checked(void **state)
{
    (void)state;
    pp_hdlc_link_config_t cfg;
    pp_hdlc_link_config_default(&cfg);
    assert_int_equal(cfg.inactivity_ms, 120000);
    assert_int_equal(cfg.inter_octet_ms, 25);
    assert_int_equal(pp_hdlc_physical_address(12345678), 5678 + 16);
    assert_int_equal(pp_hdlc_physical_address(9999), 10015);
    harness_t *h = calloc(1, sizeof *h);
    pp_hdlc_link_buffers_t b = {h->rxf, sizeof h->rxf, h->txf, sizeof h->txf,
                                h->rxs, sizeof h->rxs, h->txs, sizeof h->txs};
    pp_hdlc_link_callbacks_t cb = {.deliver = on_deliver, .output = on_output, .event = on_event};
    cfg.max_info_rx = 2031;
    assert_int_equal(pp_hdlc_link_init(&h->link, &cfg, &b, &cb, h), PP_ERR_ARG);
    pp_hdlc_link_config_default(&cfg);
    cfg.window_tx = 8;
    assert_int_equal(pp_hdlc_link_init(&h->link, &cfg, &b, &cb, h), PP_ERR_ARG);
    pp_hdlc_link_config_default(&cfg);
    b.rx_frame_cap = 100; /* smaller than a 128-byte info frame */
    assert_int_equal(pp_hdlc_link_init(&h->link, &cfg, &b, &cb, h), PP_ERR_ARG);
    free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(snrm_gives_published_ua),
        cmocka_unit_test(snrm_4byte_gives_published_ua),
        cmocka_unit_test(aarq_aare_published),
        cmocka_unit_test(snrm_without_info_negotiates_defaults),
        cmocka_unit_test(snrm_negotiates_minimum),
        cmocka_unit_test(response_segmented_and_retransmitted),
        cmocka_unit_test(window_two_sends_two_frames),
        cmocka_unit_test(request_reassembled),
        cmocka_unit_test(frame_reject_conditions),
        cmocka_unit_test(oversize_frame_rejected_with_y),
        cmocka_unit_test(disconnected_mode_answers_dm),
        cmocka_unit_test(discarded_frames),
        cmocka_unit_test(second_client_gets_dm),
        cmocka_unit_test(unnumbered_information),
        cmocka_unit_test(sequence_errors),
        cmocka_unit_test(late_response_and_timeout),
        cmocka_unit_test(new_config_waits_for_the_next_connection),
        cmocka_unit_test(config_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
