/* One-line human summaries of APDUs for `polyphase run --trace`. No stdio
 * in the core: a tiny appender formats text, numbers and hex. */
#include <string.h>

#include "polyphase/acse.h"
#include "polyphase/dlms_const.h"
#include "polyphase/dlms_server.h"
#include "polyphase/text.h"
#include "polyphase/xdlms.h"

static void put_attr(pp_text_t *t, const pp_xdlms_attr_t *a)
{
    pp_text_s(t, " ");
    pp_text_u(t, a->class_id);
    pp_text_s(t, "/");
    for (int i = 0; i < 6; i++) {
        if (i) {
            pp_text_c(t, '.');
        }
        pp_text_u(t, a->ln[i]);
    }
    pp_text_s(t, "/");
    pp_text_u(t, (uint32_t)(uint8_t)a->id);
}

static void put_dar(pp_text_t *t, uint8_t dar)
{
    pp_text_s(t, " dar=");
    pp_text_u(t, dar);
    pp_text_s(t, "(");
    pp_text_s(t, pp_xdlms_dar_name(dar));
    pp_text_s(t, ")");
}

static void get_req(pp_text_t *t, const uint8_t *a, size_t n)
{
    pp_xdlms_get_req_t r;
    pp_text_s(t, "GET-request");
    if (pp_xdlms_get_req_decode(a, n, &r) != PP_OK) {
        pp_text_s(t, " malformed");
        return;
    }
    if (r.type == PP_GET_REQ_NORMAL) {
        pp_text_s(t, " normal");
        put_attr(t, &r.item.attr);
        if (r.item.access.present) {
            pp_text_s(t, " selector=");
            pp_text_u(t, r.item.access.selector);
        }
    } else if (r.type == PP_GET_REQ_NEXT) {
        pp_text_s(t, " next block=");
        pp_text_u(t, r.block_number);
    } else {
        pp_text_s(t, " with-list n=");
        pp_text_u(t, r.list.count);
    }
}

static void get_resp(pp_text_t *t, const uint8_t *a, size_t n)
{
    pp_xdlms_get_resp_t r;
    pp_text_s(t, "GET-response");
    if (pp_xdlms_get_resp_decode(a, n, &r) != PP_OK) {
        pp_text_s(t, " malformed");
        return;
    }
    if (r.type == PP_GET_RESP_WITH_LIST) {
        pp_text_s(t, " with-list n=");
        pp_text_u(t, r.list.count);
        return;
    }
    if (r.type == PP_GET_RESP_DATABLOCK) {
        pp_text_s(t, " block=");
        pp_text_u(t, r.block_number);
        pp_text_s(t, r.last_block ? " last" : "");
    } else {
        pp_text_s(t, " normal");
    }
    if (r.is_dar) {
        put_dar(t, r.dar);
    } else {
        pp_text_s(t, " data=");
        pp_text_u(t, r.data_len);
        pp_text_s(t, "B");
    }
}

static void put_block(pp_text_t *t, const char *name, uint32_t block, bool last)
{
    pp_text_s(t, name);
    pp_text_s(t, " block=");
    pp_text_u(t, block);
    pp_text_s(t, last ? " last" : "");
}

static void action_req(pp_text_t *t, const uint8_t *a, size_t n)
{
    pp_xdlms_action_req_t r;
    pp_text_s(t, "ACTION-request");
    if (pp_xdlms_action_req_decode(a, n, &r) != PP_OK) {
        pp_text_s(t, " malformed");
        return;
    }
    switch (r.type) {
    case PP_ACTION_REQ_NORMAL: put_attr(t, &r.method); return;
    case PP_ACTION_REQ_NEXT_PBLOCK: put_block(t, " next-pblock", r.block_number, false); return;
    case PP_ACTION_REQ_WITH_FIRST_PBLOCK:
        put_block(t, " with-first-pblock", r.block_number, r.last_block);
        put_attr(t, &r.method);
        return;
    case PP_ACTION_REQ_WITH_PBLOCK:
        put_block(t, " with-pblock", r.block_number, r.last_block);
        return;
    default:
        pp_text_s(t, r.type == PP_ACTION_REQ_WITH_LIST ? " with-list n="
                                                       : " with-list-and-first-pblock n=");
        pp_text_u(t, r.methods.count);
    }
}

static void action_resp(pp_text_t *t, const uint8_t *a, size_t n)
{
    pp_xdlms_action_resp_t r;
    pp_text_s(t, "ACTION-response");
    if (pp_xdlms_action_resp_decode(a, n, &r) != PP_OK) {
        pp_text_s(t, " malformed");
        return;
    }
    switch (r.type) {
    case PP_ACTION_RESP_NORMAL:
        pp_text_s(t, " result=");
        pp_text_u(t, r.result);
        pp_text_s(t, r.has_return ? " with-data" : "");
        return;
    case PP_ACTION_RESP_WITH_PBLOCK:
        put_block(t, " with-pblock", r.block_number, r.last_block);
        return;
    case PP_ACTION_RESP_NEXT_PBLOCK: put_block(t, " next-pblock", r.block_number, false); return;
    default: pp_text_s(t, " with-list n="); pp_text_u(t, r.results.count);
    }
}

static void other(pp_text_t *t, const uint8_t *a, size_t n)
{
    switch (a[0]) {
    case PP_APDU_SET_REQUEST: {
        pp_xdlms_set_req_t r;
        pp_text_s(t, "SET-request");
        if (pp_xdlms_set_req_decode(a, n, &r) != PP_OK) {
            pp_text_s(t, " malformed");
        } else if (r.type == PP_SET_REQ_NORMAL || r.type == PP_SET_REQ_FIRST_DATABLOCK) {
            pp_text_s(t, r.type == PP_SET_REQ_NORMAL ? " normal" : " first-block");
            put_attr(t, &r.item.attr);
        } else {
            pp_text_s(t, " type=");
            pp_text_u(t, r.type);
        }
        return;
    }
    case PP_APDU_SET_RESPONSE: {
        pp_xdlms_set_resp_t r;
        pp_text_s(t, "SET-response");
        if (pp_xdlms_set_resp_decode(a, n, &r) != PP_OK) {
            pp_text_s(t, " malformed");
        } else if (r.type == PP_SET_RESP_NORMAL || r.type == PP_SET_RESP_LAST_DATABLOCK) {
            put_dar(t, r.result);
        } else {
            pp_text_s(t, " type=");
            pp_text_u(t, r.type);
        }
        return;
    }
    case PP_APDU_ACTION_REQUEST: action_req(t, a, n); return;
    case PP_APDU_ACTION_RESPONSE: action_resp(t, a, n); return;
    case PP_APDU_EXCEPTION_RESPONSE: {
        pp_xdlms_exception_t e;
        pp_text_s(t, "exception-response");
        if (pp_xdlms_exception_decode(a, n, &e) != PP_OK) {
            pp_text_s(t, " malformed");
        } else {
            pp_text_s(t, " state=");
            pp_text_u(t, e.state_error);
            pp_text_s(t, " service=");
            pp_text_u(t, e.service_error);
        }
        return;
    }
    default:
        pp_text_s(t, "APDU tag=0x");
        pp_text_x(t, a[0]);
        return;
    }
}

static void acse(pp_text_t *t, const uint8_t *a, size_t n)
{
    if (a[0] == PP_APDU_AARQ) {
        pp_acse_aarq_t r;
        pp_text_s(t, "AARQ");
        if (pp_acse_aarq_decode(a, n, &r) != PP_OK) {
            pp_text_s(t, " malformed");
            return;
        }
        pp_text_s(t, " context=");
        pp_text_u(t, r.context);
        pp_text_s(t, " mechanism=");
        pp_text_u(t, r.mechanism);
        pp_text_s(t, r.user_info.ptr && r.user_info.len && r.user_info.ptr[0] != 0x01 ? " ciphered" : "");
    } else if (a[0] == PP_APDU_AARE) {
        pp_acse_aare_t r;
        pp_text_s(t, "AARE");
        if (pp_acse_aare_decode(a, n, &r) != PP_OK) {
            pp_text_s(t, " malformed");
            return;
        }
        pp_text_s(t, " result=");
        pp_text_u(t, r.result);
        pp_text_s(t, r.diag_source == PP_ACSE_DIAG_PROVIDER ? " provider-diag=" : " user-diag=");
        pp_text_u(t, r.diag);
    } else {
        pp_acse_release_t r;
        pp_text_s(t, a[0] == PP_APDU_RLRQ ? "RLRQ" : "RLRE");
        pp_err_t rc = a[0] == PP_APDU_RLRQ ? pp_acse_rlrq_decode(a, n, &r)
                                           : pp_acse_rlre_decode(a, n, &r);
        if (rc != PP_OK) {
            pp_text_s(t, " malformed");
        } else if (r.has_reason) {
            pp_text_s(t, " reason=");
            pp_text_u(t, r.reason);
        }
    }
}

static void gbt(pp_text_t *t, const uint8_t *a, size_t n)
{
    pp_xdlms_gbt_t g;
    pp_text_s(t, "general-block-transfer");
    if (pp_xdlms_gbt_decode(a, n, &g) != PP_OK) {
        pp_text_s(t, " malformed");
        return;
    }
    put_block(t, "", g.block_number, (g.control & PP_GBT_LAST) != 0);
    pp_text_s(t, " ack=");
    pp_text_u(t, g.block_number_ack);
    pp_text_s(t, " window=");
    pp_text_u(t, g.control & PP_GBT_WINDOW_MASK);
    pp_text_s(t, (g.control & PP_GBT_STREAMING) ? " streaming" : "");
    pp_text_s(t, " data=");
    pp_text_u(t, g.data_len);
    pp_text_s(t, "B");
}

int pp_dlms_trace(const uint8_t *apdu, size_t len, char *out, size_t cap)
{
    pp_text_t t;
    pp_text_init(&t, out, cap);
    if (!apdu || len == 0) {
        pp_text_s(&t, "empty APDU");
    } else if (apdu[0] >= PP_APDU_AARQ && apdu[0] <= PP_APDU_RLRE) {
        acse(&t, apdu, len);
    } else if (pp_xdlms_is_ciphered_tag(apdu[0])) {
        pp_xdlms_cipher_hdr_t h;
        pp_text_s(&t, "ciphered tag=0x");
        pp_text_x(&t, apdu[0]);
        if (pp_xdlms_cipher_parse(apdu, len, &h) != PP_OK) {
            pp_text_s(&t, " malformed");
        } else {
            pp_text_s(&t, " SC=0x");
            pp_text_x(&t, h.sc);
            pp_text_s(&t, " IC=");
            pp_text_u(&t, h.ic);
            pp_text_s(&t, " payload=");
            pp_text_u(&t, h.payload_len);
            pp_text_s(&t, "B");
        }
    } else if (apdu[0] == PP_APDU_GENERAL_BLOCK_TRANSFER) {
        gbt(&t, apdu, len);
    } else if (apdu[0] == PP_APDU_GET_REQUEST) {
        get_req(&t, apdu, len);
    } else if (apdu[0] == PP_APDU_GET_RESPONSE) {
        get_resp(&t, apdu, len);
    } else {
        other(&t, apdu, len);
    }
    return (int)pp_text_length(&t);
}

int pp_dlms_trace_hex(const uint8_t *apdu, size_t len, char *out, size_t cap)
{
    int n = pp_dlms_trace(apdu, len, out, cap);
    pp_text_t t = {.out = out, .cap = cap, .len = (size_t)n};
    pp_text_s(&t, " |");
    pp_text_hex(&t, apdu, apdu ? len : 0);
    return (int)pp_text_length(&t);
}
