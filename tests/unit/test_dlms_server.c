#define _GNU_SOURCE /* memmem */
/* The DLMS/COSEM server through the whole meter (fake port). Requests are
 * hand-built bytes (the widely published LN no-security AARQ, GET-Requests
 * assembled byte by byte below); expectations are derived by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_port.h"
#include "polyphase/acse.h"
#include "polyphase/dlms_const.h"
#include "polyphase/meter.h"
#include "polyphase/nvm_layout.h"
#include "core/meter_internal.h"
#include "polyphase/nvm_keys.h"
#include "powerstep.h"

/* AARQ: application-context LN (60 85 74 05 08 01 01), no authentication,
 * user-information InitiateRequest: DLMS 6, conformance 00 7E 1F (GET, SET,
 * ACTION, selective access, block transfer ...), max PDU 0xFFFF. */
static const uint8_t AARQ_PUBLIC[] = {
    0x60, 0x1D, 0xA1, 0x09, 0x06, 0x07, 0x60, 0x85, 0x74, 0x05, 0x08, 0x01, 0x01,
    0xBE, 0x10, 0x04, 0x0E, 0x01, 0x00, 0x00, 0x00, 0x06, 0x5F, 0x1F, 0x04, 0x00,
    0x00, 0x7E, 0x1F, 0xFF, 0xFF};

typedef struct rig {
    pp_fake_port_t port;
    pp_meter_t *m;
    uint8_t resp[4096];
} rig_t;

/* The meter restarts on the same port (NVM kept) with configuration cfg. */
static void rig_restart(rig_t *r, const pp_meter_config_t *cfg)
{
    memset(r->m, 0, sizeof *r->m);
    assert_int_equal(pp_meter_init(r->m, &r->port.port, cfg), PP_OK);
}

static rig_t *rig_new(void)
{
    rig_t *r = calloc(1, sizeof *r);
    pp_fake_port_init(&r->port, PP_NVM_TOTAL_SIZE, 256);
    r->port.rtc_ms = 1767225600000 + 3600000; /* 2026-01-01 01:00 UTC */
    pp_meter_config_t cfg;
    pp_meter_config_default(&cfg);
    r->m = calloc(1, sizeof *r->m);
    rig_restart(r, &cfg);
    /* one hour at 5.4 kW: A+ 5400 Wh, 540 in 10 Wh units (Z1 = 7.2) */
    pp_powerstep_t ps;
    pp_powerstep_init(&ps);
    pp_powerstep_load_t l = {.f_hz = 50};
    for (unsigned ph = 0; ph < 3; ph++) {
        l.u_v[ph] = 230;
        pp_powerstep_set_pf(&l, ph, 1800, 1.0, true);
    }
    for (int s = 0; s < 3600; s++) {
        pp_frame_t f;
        pp_powerstep_frame(&ps, &l, &f);
        pp_fake_advance_ms(&r->port, 1000);
        pp_meter_push_frame(r->m, &f);
    }
    return r;
}

static void rig_free(rig_t *r)
{
    pp_fake_port_free(&r->port);
    free(r->m);
    free(r);
}

static int ask(rig_t *r, uint16_t client, const uint8_t *req, size_t len)
{
    return pp_dlms_server_apdu(&r->m->dlms, 0, client, req, len, r->resp, sizeof r->resp);
}

/* Reader association (LLS, password 12345678) proposing max_pdu (big-endian
 * in the last two octets of the InitiateRequest). Returns the AARE length. */
static int associate_reader(rig_t *r, const char *password, uint16_t max_pdu)
{
    uint8_t initiate[14], aarq[128];
    memcpy(initiate, AARQ_PUBLIC + 17, sizeof initiate);
    initiate[12] = (uint8_t)(max_pdu >> 8);
    initiate[13] = (uint8_t)max_pdu;
    pp_acse_aarq_t rq = {.context = PP_ACSE_CTX_LN, .auth_required = true,
                         .mechanism = PP_ACSE_MECH_LOW,
                         .auth_value = {(const uint8_t *)password, (uint16_t)strlen(password)},
                         .user_info = {initiate, sizeof initiate}};
    int len = pp_acse_aarq_encode(&rq, aarq, sizeof aarq);
    assert_true(len > 0);
    return ask(r, 17, aarq, (size_t)len);
}

static void public_association_is_accepted(void **state)
{
    (void)state;
    rig_t *r = rig_new();
    int n = ask(r, 16, AARQ_PUBLIC, sizeof AARQ_PUBLIC);
    assert_true(n > 0);
    pp_acse_aare_t re;
    assert_int_equal(pp_acse_aare_decode(r->resp, (size_t)n, &re), PP_OK);
    assert_int_equal(re.result, PP_ACSE_ACCEPTED);
    {
        /* RLRQ reason normal -> RLRE reason normal: 63 03 80 01 00 (dlms-cosem
         * rejects an empty RLRE), and the association is gone afterwards. */
        const uint8_t rlrq[] = {0x62, 0x03, 0x80, 0x01, 0x00};
        const uint8_t rlre[] = {0x63, 0x03, 0x80, 0x01, 0x00};
        assert_int_equal(ask(r, 16, rlrq, sizeof rlrq), sizeof rlre);
        assert_memory_equal(r->resp, rlre, sizeof rlre);
        assert_int_equal(r->m->dlms.conn[0].state, PP_DLMS_IDLE);
        n = ask(r, 16, AARQ_PUBLIC, sizeof AARQ_PUBLIC);
        assert_int_equal(pp_acse_aare_decode(r->resp, (size_t)n, &re), PP_OK);
    }
    /* InitiateResponse: 08 00 06 5F 1F 04 00 <conformance 3 bytes> <max PDU> 00 07; the
     * meter's max PDU is its build's (4096 = 10 00 on a PC, 1024 on an MCU) */
    assert_non_null(re.user_info.ptr);
    assert_int_equal(re.user_info.ptr[0], 0x08);
    assert_int_equal(re.user_info.len, 14);
    assert_int_equal(re.user_info.ptr[10] << 8 | re.user_info.ptr[11], PP_METER_MAX_APDU);
    rig_free(r);
}

static void reader_needs_the_right_password(void **state)
{
    (void)state;
    rig_t *r = rig_new();
    pp_acse_aare_t re;
    assert_int_equal(pp_acse_aare_decode(r->resp, (size_t)associate_reader(r, "12345678", 0xFFFF), &re), PP_OK);
    assert_int_equal(re.result, PP_ACSE_ACCEPTED);
    assert_int_equal(pp_acse_aare_decode(r->resp, (size_t)associate_reader(r, "87654321", 0xFFFF), &re), PP_OK);
    assert_int_equal(re.result, PP_ACSE_REJECTED_PERMANENT);
    assert_int_equal(re.diag, PP_ACSE_USER_AUTHENTICATION_FAILURE);
    assert_int_equal(pp_events_count(&r->m->events, PP_EV_AUTH_FAILURE), 1);
    /* the public AARQ on the reader's SAP: authentication mechanism required */
    assert_int_equal(pp_acse_aare_decode(r->resp, (size_t)ask(r, 17, AARQ_PUBLIC, sizeof AARQ_PUBLIC), &re), PP_OK);
    assert_int_equal(re.diag, PP_ACSE_USER_MECH_REQUIRED);
    rig_free(r);
}

/* GET-Request-Normal: C0 01 invoke(C1) class(2) LN(6) attr(1) access(00). */
static size_t get_req(uint8_t *out, uint16_t class_id, const uint8_t ln[6], uint8_t attr)
{
    uint8_t req[] = {0xC0, 0x01, 0xC1, (uint8_t)(class_id >> 8), (uint8_t)class_id,
                     ln[0], ln[1], ln[2], ln[3], ln[4], ln[5], attr, 0x00};
    memcpy(out, req, sizeof req);
    return sizeof req;
}

static void reader_gets_registers_and_public_is_denied(void **state)
{
    (void)state;
    rig_t *r = rig_new();
    uint8_t req[32];
    assert_true(associate_reader(r, "12345678", 0xFFFF) > 0);
    const uint8_t a_plus[6] = {1, 1, 1, 8, 0, 255};
    /* value: C4 01 C1 00 06 00 00 02 1C (double-long-unsigned 540) */
    int n = ask(r, 17, req, get_req(req, 3, a_plus, 2));
    const uint8_t want_value[] = {0xC4, 0x01, 0xC1, 0x00, 0x06, 0x00, 0x00, 0x02, 0x1C};
    assert_int_equal(n, sizeof want_value);
    assert_memory_equal(r->resp, want_value, sizeof want_value);
    /* scaler_unit: structure { integer 1, enum 30 (Wh) } */
    n = ask(r, 17, req, get_req(req, 3, a_plus, 3));
    const uint8_t want_su[] = {0xC4, 0x01, 0xC1, 0x00, 0x02, 0x02, 0x0F, 0x01, 0x16, 0x1E};
    assert_int_equal(n, sizeof want_su);
    assert_memory_equal(r->resp, want_su, sizeof want_su);
    /* wrong class: object-class-inconsistent (9); unknown object: undefined (4) */
    n = ask(r, 17, req, get_req(req, 1, a_plus, 2));
    const uint8_t want_class[] = {0xC4, 0x01, 0xC1, 0x01, 0x09};
    assert_memory_equal(r->resp, want_class, sizeof want_class);
    const uint8_t nothing[6] = {1, 1, 99, 99, 99, 255};
    n = ask(r, 17, req, get_req(req, 3, nothing, 2));
    const uint8_t want_undef[] = {0xC4, 0x01, 0xC1, 0x01, 0x04};
    assert_memory_equal(r->resp, want_undef, sizeof want_undef);
    /* public association: energy is not in its object list, so it is
     * object-undefined (4) there (docs/dlms-server.md, access rights) */
    assert_true(ask(r, 16, AARQ_PUBLIC, sizeof AARQ_PUBLIC) > 0);
    n = ask(r, 16, req, get_req(req, 3, a_plus, 2));
    const uint8_t want_denied[] = {0xC4, 0x01, 0xC1, 0x01, 0x04};
    assert_memory_equal(r->resp, want_denied, sizeof want_denied);
    rig_free(r);
}

/* attr 1 (logical_name) of object i: 09 06 LN when it answers; false when
 * this association does not see it. */
static bool ln_answer(rig_t *r, size_t i, bool wrong_class)
{
    const pp_object_t *o = pp_objects_at(i);
    const uint8_t ln[6] = {o->ln.a, o->ln.b, o->ln.c, o->ln.d, o->ln.e, o->ln.f};
    uint8_t req[32];
    const uint16_t cls = wrong_class ? (uint16_t)(o->class_id == 1 ? 3 : 1) : o->class_id;
    const int n = ask(r, 17, req, get_req(req, cls, ln, 1));
    if (n == 5 && r->resp[3] == 0x01) {
        assert_int_equal(r->resp[4], wrong_class ? 0x09 : 0x04); /* class-inconsistent, undefined */
        return false;
    }
    assert_false(wrong_class);
    const uint8_t head[] = {0xC4, 0x01, 0xC1, 0x00, 0x09, 0x06};
    assert_int_equal(n, 12);
    assert_memory_equal(r->resp, head, sizeof head);
    assert_memory_equal(r->resp + 6, ln, 6);
    return true;
}

/* Every object answers with its own name, whatever was asked before it
 * (the server remembers objects by a hash of the name): in table order,
 * backwards, each after the energy register, and with a wrong class. */
static void every_object_answers_for_its_own_name(void **state)
{
    (void)state;
    rig_t *r = rig_new();
    assert_true(associate_reader(r, "12345678", 0xFFFF) > 0);
    const size_t n = pp_objects_count();
    bool seen[256];
    assert_true(n <= 256);
    unsigned answered = 0;
    for (size_t i = 0; i < n; i++) {
        seen[i] = ln_answer(r, i, false);
        answered += seen[i];
    }
    assert_true(answered > 40);
    const pp_object_t *a_plus = pp_objects_find(PP_OBIS(1, 1, 1, 8, 0, 255));
    assert_non_null(a_plus);
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(ln_answer(r, n - 1 - k, false), seen[n - 1 - k]);
        assert_true(ln_answer(r, (size_t)(a_plus - pp_objects_at(0)), false));
        assert_int_equal(ln_answer(r, k, false), seen[k]);
        if (seen[k]) {
            assert_false(ln_answer(r, k, true));
        }
    }
    rig_free(r);
}

static void requests_without_association_get_an_exception(void **state)
{
    (void)state;
    rig_t *r = rig_new();
    uint8_t req[32];
    const uint8_t clock_ln[6] = {0, 1, 1, 0, 0, 255};
    int n = ask(r, 16, req, get_req(req, 8, clock_ln, 2));
    /* ExceptionResponse: D8, state-error service-not-allowed (1), operation-not-possible (1) */
    const uint8_t want[] = {0xD8, 0x01, 0x01};
    assert_int_equal(n, sizeof want);
    assert_memory_equal(r->resp, want, sizeof want);
    rig_free(r);
}

static void clock_time_is_local_with_deviation(void **state)
{
    (void)state;
    rig_t *r = rig_new();
    uint8_t req[32];
    assert_true(ask(r, 16, AARQ_PUBLIC, sizeof AARQ_PUBLIC) > 0);
    const uint8_t clock_ln[6] = {0, 1, 1, 0, 0, 255};
    int n = ask(r, 16, req, get_req(req, 8, clock_ln, 2));
    /* 02:00 UTC on Thu 2026-01-01 is 03:00 CET: 07 EA 01 01 04 03 00 00 00 FF C4 00 */
    const uint8_t want[] = {0xC4, 0x01, 0xC1, 0x00, 0x09, 0x0C, 0x07, 0xEA, 0x01, 0x01, 0x04,
                            0x03, 0x00, 0x00, 0x00, 0xFF, 0xC4, 0x00};
    assert_int_equal(n, sizeof want);
    assert_memory_equal(r->resp, want, sizeof want);
    rig_free(r);
}

static void load_profile_streams_in_blocks(void **state)
{
    (void)state;
    rig_t *r = rig_new();
    uint8_t req[32];
    /* A client that takes at most 64-byte APDUs forces block transfer. */
    assert_true(associate_reader(r, "12345678", 64) > 0);
    const uint8_t lp[6] = {1, 1, 99, 1, 0, 255};
    int n = ask(r, 17, req, get_req(req, 7, lp, 2));
    uint8_t data[4096];
    size_t total = 0;
    for (uint32_t block = 1;; block++) {
        assert_true(n > 0 && n <= 64);
        pp_xdlms_get_resp_t gr;
        assert_int_equal(pp_xdlms_get_resp_decode(r->resp, (size_t)n, &gr), PP_OK);
        assert_int_equal(gr.type, PP_GET_RESP_DATABLOCK);
        assert_int_equal(gr.block_number, block);
        assert_false(gr.is_dar);
        memcpy(data + total, gr.data, gr.data_len);
        total += gr.data_len;
        if (gr.last_block) {
            break;
        }
        /* GET-Request-Next: C0 02 C1 block-number(4) */
        uint8_t next[] = {0xC0, 0x02, 0xC1, 0, 0, 0, (uint8_t)block};
        n = ask(r, 17, next, sizeof next);
    }
    /* 4 rows (01:15..02:00 UTC = 02:15..03:00 standard time), each structure of
     * clock, status, A+ A- R+ R- with A+ in 10 Wh units: 135, 270, 405, 540. */
    assert_int_equal(data[0], 0x01);
    assert_int_equal(data[1], 4);
    assert_int_equal(pp_axdr_measure(data, total, 8), (int)total);
    const uint8_t row4_a_plus[] = {0x06, 0x00, 0x00, 0x02, 0x1C};
    assert_non_null(memmem(data, total, row4_a_plus, sizeof row4_a_plus));
    rig_free(r);
}

static void communication_setup_objects(void **state)
{
    (void)state;
    rig_t *r = rig_new();
    uint8_t req[32];
    assert_true(associate_reader(r, "12345678", 0xFFFF) > 0);
    const uint8_t tcp[6] = {0, 0, 25, 0, 0, 255}, hdlc[6] = {0, 0, 22, 0, 0, 255},
                  sec[6] = {0, 0, 43, 0, 1, 255};
    int n = ask(r, 17, req, get_req(req, 41, tcp, 2));
    const uint8_t want_port[] = {0xC4, 0x01, 0xC1, 0x00, 0x12, 0x0F, 0xDB}; /* 4059 */
    assert_int_equal(n, sizeof want_port);
    assert_memory_equal(r->resp, want_port, sizeof want_port);
    n = ask(r, 17, req, get_req(req, 23, hdlc, 3));
    const uint8_t want_window[] = {0xC4, 0x01, 0xC1, 0x00, 0x11, 0x07};
    assert_memory_equal(r->resp, want_window, sizeof want_window);
    n = ask(r, 17, req, get_req(req, 64, sec, 5)); /* "PPH" + 12345678 as 40 bits */
    const uint8_t want_title[] = {0xC4, 0x01, 0xC1, 0x00, 0x09, 0x08,
                                  'P', 'P', 'H', 0x00, 0x00, 0xBC, 0x61, 0x4E};
    assert_int_equal(n, sizeof want_title);
    assert_memory_equal(r->resp, want_title, sizeof want_title);
    n = ask(r, 17, req, get_req(req, 23, hdlc, 10)); /* class 23 has 9 attributes */
    const uint8_t want_undef[] = {0xC4, 0x01, 0xC1, 0x01, 0x04};
    assert_memory_equal(r->resp, want_undef, sizeof want_undef);
    rig_free(r);
}

/* Time zone written over DLMS (the provider's clock_changed) is in the
 * journal and applies again after a restart: CET (-60) -> -120 reads back
 * as 10 FF 88 (long -120). */
static void clock_settings_survive_a_restart(void **state)
{
    (void)state;
    rig_t *r = rig_new();
    uint8_t req[32];
    assert_int_equal(pp_clock_set_time_zone(&r->m->clock, -120), PP_OK);
    pp_dlms_provider_t p;
    pp_meter_dlms_provider(r->m, &p);
    p.clock_changed(p.ctx, 3, 0, NULL);
    pp_meter_config_t cfg;
    pp_meter_config_default(&cfg);
    rig_restart(r, &cfg);
    assert_true(ask(r, 16, AARQ_PUBLIC, sizeof AARQ_PUBLIC) > 0);
    const uint8_t clock_ln[6] = {0, 1, 1, 0, 0, 255};
    int n = ask(r, 16, req, get_req(req, 8, clock_ln, 3));
    const uint8_t want[] = {0xC4, 0x01, 0xC1, 0x00, 0x10, 0xFF, 0x88};
    assert_int_equal(n, sizeof want);
    assert_memory_equal(r->resp, want, sizeof want);
    rig_free(r);
}

/* An HDLC frame from client SAP 16 to logical device 1 at the meter's
 * physical address (12345678 -> 5678 + 16 = 5694) on HDLC-over-TCP conn 3;
 * returns the answer frame's bytes (captured stream). */
static const pp_fake_stream_t *hdlc_to_meter(rig_t *r, uint16_t lower, uint8_t control,
                                             const uint8_t *info, size_t len)
{
    uint8_t frame[128];
    pp_hdlc_frame_t f = {.dst = {.upper = 1, .lower = lower, .len = 4},
                         .src = {.upper = 16, .len = 1}, .control = control,
                         .info = info, .info_len = len};
    int n = pp_hdlc_frame_encode(&f, frame, sizeof frame);
    assert_true(n > 0);
    pp_fake_stream_clear(&r->port, PP_CH_DLMS_HDLC);
    assert_int_equal(pp_meter_receive(r->m, PP_CH_DLMS_HDLC, 3, frame, (size_t)n), PP_OK);
    return &r->port.streams[PP_CH_DLMS_HDLC];
}

/* SNRM proposing 1024-octet information fields and window 7 both ways
 * (format 81, group 80, length 20: 05/06 lengths in 2 octets, 07/08
 * windows in 4); the UA must carry want_info (the same layout), with UA
 * 73 from server 00 02 58 7D (upper 1, lower 5694 = 44 * 128 + 62) to
 * client 21 (16); 0x0123 = 291 = 2 * 128 + 35 gives 04 47. */
static void snrm_answered_with(rig_t *r, uint16_t lower, const uint8_t want_info[23])
{
    static const uint8_t SNRM_INFO[] = {0x81, 0x80, 0x14, 0x05, 0x02, 0x04, 0x00, 0x06,
                                        0x02, 0x04, 0x00, 0x07, 0x04, 0x00, 0x00, 0x00,
                                        0x07, 0x08, 0x04, 0x00, 0x00, 0x00, 0x07};
    const pp_fake_stream_t *s = hdlc_to_meter(r, lower, 0x93, SNRM_INFO, sizeof SNRM_INFO);
    /* client 21; server upper 1 = 00 02, lower = 7-bit halves shifted left, last bit 1 */
    const uint8_t head[] = {0x21, 0x00, 0x02, (uint8_t)((lower >> 7) << 1),
                            (uint8_t)((lower & 0x7F) << 1 | 1), 0x73};
    assert_int_equal(s->len, 11 + 23 + 3); /* 7E A0 len, header, HCS, info, FCS, 7E */
    assert_int_equal(s->data[0], 0x7E);
    assert_memory_equal(s->data + 3, head, sizeof head);
    assert_memory_equal(s->data + 11, want_info, 23);
}

/* Class 23 settings written by management (the provider's comm_write,
 * which the server calls after its checks: test_dlms_classes.c) are
 * logged and persisted; the running HDLC connection keeps what it
 * negotiated, the next SNRM gets the new values, and so does every
 * connection after a restart. */
static void hdlc_settings_apply_at_the_next_snrm(void **state)
{
    (void)state;
    rig_t *r = rig_new();
    const uint16_t lower = 5694;
    assert_int_equal(lower, 44 * 128 + 62);
    static const uint8_t UA_DEFAULT[] = {0x81, 0x80, 0x14, 0x05, 0x02, 0x04, 0x00, 0x06,
                                         0x02, 0x04, 0x00, 0x07, 0x04, 0x00, 0x00, 0x00,
                                         0x07, 0x08, 0x04, 0x00, 0x00, 0x00, 0x07};
    /* receive at most 256 (01 00), window receive 3, address 0x0123 = 291 */
    static const uint8_t UA_NEW[] = {0x81, 0x80, 0x14, 0x05, 0x02, 0x04, 0x00, 0x06,
                                     0x02, 0x01, 0x00, 0x07, 0x04, 0x00, 0x00, 0x00,
                                     0x07, 0x08, 0x04, 0x00, 0x00, 0x00, 0x03};
    assert_int_equal(pp_meter_open(r->m, PP_CH_DLMS_HDLC, 3), PP_OK);
    snrm_answered_with(r, lower, UA_DEFAULT);
    pp_dlms_provider_t p;
    pp_meter_dlms_provider(r->m, &p);
    pp_dlms_comm_info_t ci;
    p.comm_info(p.ctx, &ci);
    assert_int_equal(ci.hdlc_device_address, lower);
    ci.hdlc_max_info_rx = 256;
    ci.hdlc_window_rx = 3;
    ci.hdlc_inactivity_s = 60;
    const uint32_t changes = pp_events_count(&r->m->events, PP_EV_CONFIG_CHANGED);
    ci.hdlc_max_info_tx = PP_METER_HDLC_INFO + 1; /* beyond this meter's buffers */
    assert_int_equal(p.comm_write(p.ctx, &ci), PP_DAR_OTHER_REASON);
    ci.hdlc_max_info_tx = PP_METER_HDLC_INFO;
    assert_int_equal(p.comm_write(p.ctx, &ci), PP_DAR_SUCCESS);
    assert_int_equal(pp_events_count(&r->m->events, PP_EV_CONFIG_CHANGED), changes + 1);
    const pp_hdlc_link_t *l = &r->m->conn[0].hdlc;
    assert_int_equal(l->max_info_rx, PP_METER_HDLC_INFO); /* the connection keeps its values */
    assert_int_equal(l->cfg.inactivity_ms, 120000u);
    snrm_answered_with(r, lower, UA_NEW); /* a re-SNRM is the next connection */
    assert_int_equal(l->cfg.inactivity_ms, 60000u);
    /* the new address, after a DISC (UA 73) */
    ci.hdlc_device_address = 0x0123;
    assert_int_equal(p.comm_write(p.ctx, &ci), PP_DAR_SUCCESS);
    const pp_fake_stream_t *s = hdlc_to_meter(r, lower, 0x53, NULL, 0);
    assert_int_equal(s->data[8], 0x73);
    assert_int_equal(hdlc_to_meter(r, lower, 0x93, NULL, 0)->len, 0); /* old address: silence */
    snrm_answered_with(r, 0x0123, UA_NEW);
    /* restart: the journal's settings override the defaults */
    pp_meter_config_t cfg;
    pp_meter_config_default(&cfg);
    rig_restart(r, &cfg);
    p.comm_info(p.ctx, &ci);
    assert_int_equal(ci.hdlc_max_info_rx, 256);
    assert_int_equal(ci.hdlc_device_address, 0x0123);
    assert_int_equal(pp_meter_open(r->m, PP_CH_DLMS_HDLC, 3), PP_OK);
    snrm_answered_with(r, 0x0123, UA_NEW);
    rig_free(r);
}

/* A stored record the links could not start with (window 0) is refused at
 * start: the defaults stay and the error is counted. */
static void bad_comm_record_keeps_the_defaults(void **state)
{
    (void)state;
    rig_t *r = rig_new();
    /* version 1, windows 0/7, info 1024/1024, 25 ms, 120 s, address 5694, TCP 0 */
    const uint8_t rec[15] = {1, 0, 7, 0x04, 0x00, 0x04, 0x00, 0x00, 0x19, 0x00, 0x78,
                             0x16, 0x3E, 0x00, 0x00};
    assert_int_equal(pp_journal_write(&r->m->journal, PP_KEY_COMM_BASE + 1, rec, sizeof rec), PP_OK);
    pp_meter_config_t cfg;
    pp_meter_config_default(&cfg);
    rig_restart(r, &cfg);
    assert_int_equal(r->m->comm.hdlc_window_tx, 7);
    assert_int_equal(r->m->status.last_error, PP_ERR_CORRUPT);
    assert_int_equal(pp_meter_open(r->m, PP_CH_DLMS_HDLC, 3), PP_OK);
    rig_free(r);
}

/* Class 41 inactivity time-out: wrapper connections opened after the
 * change are closed after that long without data; older ones keep none. */
static void tcp_inactivity_closes_idle_wrapper_connections(void **state)
{
    (void)state;
    rig_t *r = rig_new();
    assert_int_equal(pp_meter_open(r->m, PP_CH_DLMS_WRAPPER, 1), PP_OK);
    pp_dlms_provider_t p;
    pp_meter_dlms_provider(r->m, &p);
    pp_dlms_comm_info_t ci;
    p.comm_info(p.ctx, &ci);
    assert_int_equal(ci.tcp_inactivity_s, 0);
    ci.tcp_inactivity_s = 30;
    assert_int_equal(p.comm_write(p.ctx, &ci), PP_DAR_SUCCESS);
    assert_int_equal(pp_meter_open(r->m, PP_CH_DLMS_WRAPPER, 2), PP_OK);
    for (int t = 0; t < 29; t++) {
        pp_fake_advance_ms(&r->port, 1000);
        pp_meter_task(r->m);
    }
    assert_non_null(pp_meter_conn_find(r->m, PP_CH_DLMS_WRAPPER, 2));
    for (int t = 0; t < 2; t++) {
        pp_fake_advance_ms(&r->port, 1000);
        pp_meter_task(r->m);
    }
    assert_null(pp_meter_conn_find(r->m, PP_CH_DLMS_WRAPPER, 2));
    assert_true(r->port.streams[PP_CH_DLMS_WRAPPER].closed);
    assert_int_equal(r->port.streams[PP_CH_DLMS_WRAPPER].last_conn, 2);
    assert_non_null(pp_meter_conn_find(r->m, PP_CH_DLMS_WRAPPER, 1));
    rig_free(r);
}

/* The configured password is the factory one: it applies while the journal
 * holds no secrets, and once stored a new configuration does not replace it
 * (a password changed by a client must survive a restart). */
static void configured_password_is_the_factory_secret(void **state)
{
    (void)state;
    rig_t *r = rig_new();
    pp_meter_config_t cfg;
    pp_meter_config_default(&cfg);
    memset(r->port.nvm, 0xFF, PP_NVM_TOTAL_SIZE); /* a blank meter */
    strcpy(cfg.lls_password, "secret99");
    rig_restart(r, &cfg);
    pp_acse_aare_t re;
    assert_int_equal(pp_acse_aare_decode(r->resp, (size_t)associate_reader(r, "12345678", 0xFFFF), &re), PP_OK);
    assert_int_equal(re.result, PP_ACSE_REJECTED_PERMANENT);
    assert_int_equal(pp_acse_aare_decode(r->resp, (size_t)associate_reader(r, "secret99", 0xFFFF), &re), PP_OK);
    assert_int_equal(re.result, PP_ACSE_ACCEPTED);
    strcpy(cfg.lls_password, "other");
    rig_restart(r, &cfg);
    assert_int_equal(pp_acse_aare_decode(r->resp, (size_t)associate_reader(r, "secret99", 0xFFFF), &re), PP_OK);
    assert_int_equal(re.result, PP_ACSE_ACCEPTED);
    rig_free(r);
}

/* Three wrong passwords in a row lock the reader association: the comm log
 * holds three authentication failures and one lock-out. */
static void lockout_is_logged(void **state)
{
    (void)state;
    rig_t *r = rig_new();
    for (int i = 0; i < 3; i++) {
        assert_true(associate_reader(r, "wrong", 0xFFFF) > 0);
    }
    assert_int_equal(pp_events_count(&r->m->events, PP_EV_AUTH_FAILURE), 3);
    assert_int_equal(pp_events_count(&r->m->events, PP_EV_ASSOC_LOCKED), 1);
    rig_free(r);
}

/* A meter whose NVM holds the first server's counter (key 0x0901, host
 * order) continues above it: no AES-GCM nonce is ever used twice. The public
 * client reads the management client's counter object, 0 before any HLS. */
static void invocation_counters_carry_over(void **state)
{
    (void)state;
    rig_t *r = rig_new();
    memset(r->port.nvm, 0xFF, PP_NVM_TOTAL_SIZE);
    pp_journal_t j;
    assert_int_equal(pp_journal_open(&j, &r->port.port, PP_NVM_JOURNAL_BASE, PP_NVM_JOURNAL_SIZE), PP_OK);
    const uint32_t legacy = 5000;
    assert_int_equal(pp_journal_write(&j, 0x0901, &legacy, sizeof legacy), PP_OK);
    pp_meter_config_t cfg;
    pp_meter_config_default(&cfg);
    rig_restart(r, &cfg);
    assert_true(r->m->dlms.sec.tx_ic >= legacy);
    assert_true(ask(r, 16, AARQ_PUBLIC, sizeof AARQ_PUBLIC) > 0);
    uint8_t req[32];
    const uint8_t ic_ln[6] = {0, 0, 43, 1, 1, 255};
    int n = ask(r, 16, req, get_req(req, 1, ic_ln, 2));
    const uint8_t want[] = {0xC4, 0x01, 0xC1, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00};
    assert_int_equal(n, sizeof want);
    assert_memory_equal(r->resp, want, sizeof want);
    rig_free(r);
}

/* Class 5 block demand after one hour at 5.4 kW with 15-minute periods:
 * last_average 5400 W (00 00 15 18), scaler_unit {0, W = 27}, period 900 s,
 * capture_time the close of 01:45..02:00 UTC = 03:00 CET (07 EA 01 01 04 03). */
static void demand_register_class_5(void **state)
{
    (void)state;
    rig_t *r = rig_new();
    uint8_t req[32];
    assert_true(associate_reader(r, "12345678", 0xFFFF) > 0);
    const uint8_t dem[6] = {1, 1, 1, 4, 0, 255};
    static const struct {
        uint8_t attr;
        uint8_t data[16];
        size_t len;
    } WANT[] = {
        {3, {0x06, 0x00, 0x00, 0x15, 0x18}, 5},
        {4, {0x02, 0x02, 0x0F, 0x00, 0x16, 0x1B}, 6},
        {6, {0x09, 0x0C, 0x07, 0xEA, 0x01, 0x01, 0x04, 0x03, 0x00, 0x00, 0x00, 0xFF, 0xC4, 0x00}, 14},
        {8, {0x06, 0x00, 0x00, 0x03, 0x84}, 5},
        {9, {0x12, 0x00, 0x01}, 3},
    };
    for (size_t i = 0; i < sizeof WANT / sizeof WANT[0]; i++) {
        int n = ask(r, 17, req, get_req(req, 5, dem, WANT[i].attr));
        assert_int_equal(n, 4 + (int)WANT[i].len);
        assert_memory_equal(r->resp + 4, WANT[i].data, WANT[i].len);
    }
    rig_free(r);
}

/* A debiting stop at 02:00 UTC after one hour at 5.4 kW: the debiting
 * logger holds one row: the stop's time in standard time (03:00 CET,
 * 07 EA 01 01 04 03 00 00 00 FF C4 00), then A+ in register units (540 x
 * 10 Wh = 00 00 02 1C), as its capture objects say (clock first, A+ next). */
static void debiting_logger_row(void **state)
{
    (void)state;
    rig_t *r = rig_new();
    uint8_t req[32];
    assert_int_equal(pp_app_debiting_stop(&r->m->app, r->port.rtc_ms, PP_BILLING_COMMAND), PP_OK);
    assert_true(associate_reader(r, "12345678", 0xFFFF) > 0);
    const uint8_t logger[6] = {1, 1, 98, 1, 0, 255};
    int n = ask(r, 17, req, get_req(req, 7, logger, 2));
    const uint8_t head[] = {0xC4, 0x01, 0xC1, 0x00, 0x01, 0x01, 0x02};
    assert_true(n > (int)sizeof head + 21);
    assert_memory_equal(r->resp, head, sizeof head);
    const uint8_t ncols = r->resp[7];
    assert_int_equal(ncols, r->m->debit_ncols);
    const uint8_t cells[] = {0x09, 0x0C, 0x07, 0xEA, 0x01, 0x01, 0x04, 0x03, 0x00, 0x00, 0x00,
                             0xFF, 0xC4, 0x00, 0x06, 0x00, 0x00, 0x02, 0x1C};
    assert_memory_equal(r->resp + 8, cells, sizeof cells);
    /* capture objects: array of ncols, the first the clock {8, 0.1.1.0.0.255, 2, 0},
     * the second A+ {3, 1.1.1.8.0.255, 2, 0} */
    n = ask(r, 17, req, get_req(req, 7, logger, 3));
    const uint8_t caps[] = {0x02, 0x04, 0x12, 0x00, 0x08, 0x09, 0x06, 0, 1, 1, 0, 0, 255, 0x0F,
                            0x02, 0x12, 0x00, 0x00, 0x02, 0x04, 0x12, 0x00, 0x03, 0x09, 0x06,
                            1, 1, 1, 8, 0, 255, 0x0F, 0x02, 0x12, 0x00, 0x00};
    assert_int_equal(r->resp[3], 0x00);
    assert_int_equal(r->resp[4], 0x01);
    assert_int_equal(r->resp[5], ncols);
    assert_memory_equal(r->resp + 6, caps, sizeof caps);
    /* entries_in_use 1 */
    n = ask(r, 17, req, get_req(req, 7, logger, 7));
    const uint8_t one[] = {0xC4, 0x01, 0xC1, 0x00, 0x06, 0x00, 0x00, 0x00, 0x01};
    assert_int_equal(n, sizeof one);
    assert_memory_equal(r->resp, one, sizeof one);
    rig_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(public_association_is_accepted),
        cmocka_unit_test(reader_needs_the_right_password),
        cmocka_unit_test(reader_gets_registers_and_public_is_denied),
        cmocka_unit_test(requests_without_association_get_an_exception),
        cmocka_unit_test(every_object_answers_for_its_own_name),
        cmocka_unit_test(clock_time_is_local_with_deviation),
        cmocka_unit_test(load_profile_streams_in_blocks),
        cmocka_unit_test(communication_setup_objects),
        cmocka_unit_test(clock_settings_survive_a_restart),
        cmocka_unit_test(hdlc_settings_apply_at_the_next_snrm),
        cmocka_unit_test(tcp_inactivity_closes_idle_wrapper_connections),
        cmocka_unit_test(bad_comm_record_keeps_the_defaults),
        cmocka_unit_test(configured_password_is_the_factory_secret),
        cmocka_unit_test(lockout_is_logged),
        cmocka_unit_test(invocation_counters_carry_over),
        cmocka_unit_test(demand_register_class_5),
        cmocka_unit_test(debiting_logger_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
