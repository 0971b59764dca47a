/* One-line human summaries of APDUs for `polyphase run --trace`. No stdio
 * in the core: a tiny appender formats text, numbers and hex. */
#include <string.h>

#include "polyphase/acse.h"
#include "polyphase/dlms_const.h"
#include "polyphase/dlms_server.h"
#include "polyphase/xdlms.h"

typedef struct txt {
    char *out;
    size_t cap, len; /* len counts everything, even what did not fit */
} txt_t;

static void put_c(txt_t *t, char ch)
{
    if (t->len + 1 < t->cap) {
        t->out[t->len] = ch;
        t->out[t->len + 1] = '\0';
    }
    t->len++;
}

static void put_s(txt_t *t, const char *s)
{
    while (*s) {
        put_c(t, *s++);
    }
}

static void put_u(txt_t *t, uint32_t v)
{
    char d[10];
    int n = 0;
    do {
        d[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && n < 10);
    while (n) {
        put_c(t, d[--n]);
    }
}

static void put_x(txt_t *t, uint8_t b)
{
    static const char HEX[] = "0123456789ABCDEF";
    put_c(t, HEX[b >> 4]);
    put_c(t, HEX[b & 15]);
}

static void put_attr(txt_t *t, const pp_xdlms_attr_t *a)
{
    put_s(t, " ");
    put_u(t, a->class_id);
    put_s(t, "/");
    for (int i = 0; i < 6; i++) {
        if (i) {
            put_c(t, '.');
        }
        put_u(t, a->ln[i]);
    }
    put_s(t, "/");
    put_u(t, (uint32_t)(uint8_t)a->id);
}

static void put_dar(txt_t *t, uint8_t dar)
{
    put_s(t, " dar=");
    put_u(t, dar);
    put_s(t, "(");
    put_s(t, pp_xdlms_dar_name(dar));
    put_s(t, ")");
}

static void get_req(txt_t *t, const uint8_t *a, size_t n)
{
    pp_xdlms_get_req_t r;
    put_s(t, "GET-request");
    if (pp_xdlms_get_req_decode(a, n, &r) != PP_OK) {
        put_s(t, " malformed");
        return;
    }
    if (r.type == PP_GET_REQ_NORMAL) {
        put_s(t, " normal");
        put_attr(t, &r.item.attr);
        if (r.item.access.present) {
            put_s(t, " selector=");
            put_u(t, r.item.access.selector);
        }
    } else if (r.type == PP_GET_REQ_NEXT) {
        put_s(t, " next block=");
        put_u(t, r.block_number);
    } else {
        put_s(t, " with-list n=");
        put_u(t, r.list.count);
    }
}

static void get_resp(txt_t *t, const uint8_t *a, size_t n)
{
    pp_xdlms_get_resp_t r;
    put_s(t, "GET-response");
    if (pp_xdlms_get_resp_decode(a, n, &r) != PP_OK) {
        put_s(t, " malformed");
        return;
    }
    if (r.type == PP_GET_RESP_WITH_LIST) {
        put_s(t, " with-list n=");
        put_u(t, r.list.count);
        return;
    }
    if (r.type == PP_GET_RESP_DATABLOCK) {
        put_s(t, " block=");
        put_u(t, r.block_number);
        put_s(t, r.last_block ? " last" : "");
    } else {
        put_s(t, " normal");
    }
    if (r.is_dar) {
        put_dar(t, r.dar);
    } else {
        put_s(t, " data=");
        put_u(t, r.data_len);
        put_s(t, "B");
    }
}

static void other(txt_t *t, const uint8_t *a, size_t n)
{
    switch (a[0]) {
    case PP_APDU_SET_REQUEST: {
        pp_xdlms_set_req_t r;
        put_s(t, "SET-request");
        if (pp_xdlms_set_req_decode(a, n, &r) != PP_OK) {
            put_s(t, " malformed");
        } else if (r.type == PP_SET_REQ_NORMAL || r.type == PP_SET_REQ_FIRST_DATABLOCK) {
            put_s(t, r.type == PP_SET_REQ_NORMAL ? " normal" : " first-block");
            put_attr(t, &r.item.attr);
        } else {
            put_s(t, " type=");
            put_u(t, r.type);
        }
        return;
    }
    case PP_APDU_SET_RESPONSE: {
        pp_xdlms_set_resp_t r;
        put_s(t, "SET-response");
        if (pp_xdlms_set_resp_decode(a, n, &r) != PP_OK) {
            put_s(t, " malformed");
        } else if (r.type == PP_SET_RESP_NORMAL || r.type == PP_SET_RESP_LAST_DATABLOCK) {
            put_dar(t, r.result);
        } else {
            put_s(t, " type=");
            put_u(t, r.type);
        }
        return;
    }
    case PP_APDU_ACTION_REQUEST: {
        pp_xdlms_action_req_t r;
        put_s(t, "ACTION-request");
        if (pp_xdlms_action_req_decode(a, n, &r) != PP_OK) {
            put_s(t, " malformed");
        } else {
            put_attr(t, &r.method);
        }
        return;
    }
    case PP_APDU_ACTION_RESPONSE: {
        pp_xdlms_action_resp_t r;
        put_s(t, "ACTION-response");
        if (pp_xdlms_action_resp_decode(a, n, &r) != PP_OK) {
            put_s(t, " malformed");
        } else {
            put_s(t, " result=");
            put_u(t, r.result);
            put_s(t, r.has_return ? " with-data" : "");
        }
        return;
    }
    case PP_APDU_EXCEPTION_RESPONSE: {
        pp_xdlms_exception_t e;
        put_s(t, "exception-response");
        if (pp_xdlms_exception_decode(a, n, &e) != PP_OK) {
            put_s(t, " malformed");
        } else {
            put_s(t, " state=");
            put_u(t, e.state_error);
            put_s(t, " service=");
            put_u(t, e.service_error);
        }
        return;
    }
    default:
        put_s(t, "APDU tag=0x");
        put_x(t, a[0]);
        return;
    }
}

static void acse(txt_t *t, const uint8_t *a, size_t n)
{
    if (a[0] == PP_APDU_AARQ) {
        pp_acse_aarq_t r;
        put_s(t, "AARQ");
        if (pp_acse_aarq_decode(a, n, &r) != PP_OK) {
            put_s(t, " malformed");
            return;
        }
        put_s(t, " context=");
        put_u(t, r.context);
        put_s(t, " mechanism=");
        put_u(t, r.mechanism);
        put_s(t, r.user_info.ptr && r.user_info.len && r.user_info.ptr[0] != 0x01 ? " ciphered" : "");
    } else if (a[0] == PP_APDU_AARE) {
        pp_acse_aare_t r;
        put_s(t, "AARE");
        if (pp_acse_aare_decode(a, n, &r) != PP_OK) {
            put_s(t, " malformed");
            return;
        }
        put_s(t, " result=");
        put_u(t, r.result);
        put_s(t, r.diag_source == PP_ACSE_DIAG_PROVIDER ? " provider-diag=" : " user-diag=");
        put_u(t, r.diag);
    } else {
        pp_acse_release_t r;
        put_s(t, a[0] == PP_APDU_RLRQ ? "RLRQ" : "RLRE");
        pp_err_t rc = a[0] == PP_APDU_RLRQ ? pp_acse_rlrq_decode(a, n, &r)
                                           : pp_acse_rlre_decode(a, n, &r);
        if (rc != PP_OK) {
            put_s(t, " malformed");
        } else if (r.has_reason) {
            put_s(t, " reason=");
            put_u(t, r.reason);
        }
    }
}

int pp_dlms_trace(const uint8_t *apdu, size_t len, char *out, size_t cap)
{
    txt_t t = {.out = out, .cap = cap};
    if (cap > 0) {
        out[0] = '\0';
    }
    if (!apdu || len == 0) {
        put_s(&t, "empty APDU");
    } else if (apdu[0] >= PP_APDU_AARQ && apdu[0] <= PP_APDU_RLRE) {
        acse(&t, apdu, len);
    } else if (pp_xdlms_is_ciphered_tag(apdu[0])) {
        pp_xdlms_cipher_hdr_t h;
        put_s(&t, "ciphered tag=0x");
        put_x(&t, apdu[0]);
        if (pp_xdlms_cipher_parse(apdu, len, &h) != PP_OK) {
            put_s(&t, " malformed");
        } else {
            put_s(&t, " SC=0x");
            put_x(&t, h.sc);
            put_s(&t, " IC=");
            put_u(&t, h.ic);
            put_s(&t, " payload=");
            put_u(&t, h.payload_len);
            put_s(&t, "B");
        }
    } else if (apdu[0] == PP_APDU_GET_REQUEST) {
        get_req(&t, apdu, len);
    } else if (apdu[0] == PP_APDU_GET_RESPONSE) {
        get_resp(&t, apdu, len);
    } else {
        other(&t, apdu, len);
    }
    return (int)(t.len < cap ? t.len : (cap ? cap - 1 : 0));
}

int pp_dlms_trace_hex(const uint8_t *apdu, size_t len, char *out, size_t cap)
{
    int n = pp_dlms_trace(apdu, len, out, cap);
    txt_t t = {.out = out, .cap = cap, .len = (size_t)n};
    put_s(&t, " |");
    for (size_t i = 0; i < len; i++) {
        if (t.len + 4 >= cap && i + 1 < len) {
            put_s(&t, " ...");
            break;
        }
        put_c(&t, ' ');
        put_x(&t, apdu[i]);
    }
    return (int)(t.len < cap ? t.len : (cap ? cap - 1 : 0));
}
