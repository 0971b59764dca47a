/* DLMS/COSEM server: associations and the GET/SET/ACTION services. */
#include <string.h>

#include "polyphase/acse.h"
#include "polyphase/dlms.h"
#include "polyphase/dlms_const.h"
#include "polyphase/meter.h"

/* What the meter offers in the xDLMS conformance block. */
#define SERVER_CONFORMANCE                                                                 \
    (PP_CONF_BLOCK_TRANSFER_GET | PP_CONF_MULTIPLE_REFERENCES | PP_CONF_GET |              \
     PP_CONF_SET | PP_CONF_SELECTIVE_ACCESS | PP_CONF_ACTION)
#define LLS_MAX_FAILURES 3u /* then the session refuses further attempts */

pp_err_t pp_dlms_sink_put(pp_dlms_sink_t *k, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++, k->pos++) {
        if (k->pos < k->skip) {
            continue;
        }
        if (k->stored == k->cap) {
            k->overflow = true;
            return PP_ERR_NOSPACE;
        }
        k->out[k->stored++] = p[i];
    }
    return PP_OK;
}

void pp_dlms_release(pp_dlms_session_t *s)
{
    uint32_t failures = s->failed_logins;
    memset(s, 0, sizeof *s);
    s->failed_logins = failures;
}

static int exception(uint8_t state, uint8_t service, uint8_t *resp, size_t cap)
{
    pp_xdlms_exception_t e = {.state_error = state, .service_error = service};
    return pp_xdlms_exception_encode(&e, resp, cap);
}

static pp_assoc_id_t assoc_of(uint16_t client, bool *known)
{
    *known = true;
    switch (client) {
    case 16: return PP_ASSOC_PUBLIC;
    case 17: return PP_ASSOC_READER;
    case 1: return PP_ASSOC_MANAGEMENT;
    case 2: return PP_ASSOC_INSTALLER;
    default: *known = false; return PP_ASSOC_PUBLIC;
    }
}

static void security_event(pp_meter_t *m, uint16_t code, uint16_t client)
{
    int64_t now = 0;
    (void)m->port->rtc_get(m->port->ctx, &now);
    (void)pp_events_record(&m->events, now + (int64_t)m->clock.std_offset_min * 60000, code,
                           client, 0);
}

static void accept(pp_meter_t *m, pp_dlms_session_t *s, uint16_t client, pp_assoc_id_t who,
                   const pp_xdlms_initiate_req_t *ir, pp_acse_aare_t *re)
{
    (void)m;
    re->result = PP_ACSE_ACCEPTED;
    re->diag = PP_ACSE_USER_NULL;
    s->associated = true;
    s->assoc = (uint8_t)who;
    s->client = client;
    s->max_send = ir->max_pdu;
    s->conformance = ir->conformance & SERVER_CONFORMANCE;
}

/* Decides an AARQ; fills the AARE fields and the negotiated session. */
static void decide(pp_meter_t *m, pp_dlms_session_t *s, uint16_t client,
                   const pp_acse_aarq_t *rq, const pp_xdlms_initiate_req_t *ir, pp_acse_aare_t *re)
{
    bool known;
    pp_assoc_id_t who = assoc_of(client, &known);
    re->result = PP_ACSE_REJECTED_PERMANENT;
    re->diag_source = PP_ACSE_DIAG_USER;
    if (!known) {
        re->diag = PP_ACSE_USER_NO_REASON;
    } else if (who == PP_ASSOC_MANAGEMENT || who == PP_ASSOC_INSTALLER) {
        /* HLS-GMAC with suite 0 ciphering (OBJECT-MODEL.md) */
        if (rq->context != PP_ACSE_CTX_LN_CIPHERED) {
            re->diag = PP_ACSE_USER_CONTEXT_NOT_SUPPORTED;
        } else if (rq->mechanism != PP_ACSE_MECH_HIGH_GMAC) {
            re->diag = rq->mechanism == PP_ACSE_MECH_NONE ? PP_ACSE_USER_MECH_REQUIRED
                                                          : PP_ACSE_USER_MECH_NOT_RECOGNISED;
        } else if (!rq->auth_value.ptr || rq->auth_value.len < 8 || rq->auth_value.len > 64) {
            re->diag = PP_ACSE_USER_AUTHENTICATION_FAILURE;
        } else {
            accept(m, s, client, who, ir, re);
            s->ciphered = true;
            s->hls_pending = true;
            s->ctos_len = (uint8_t)rq->auth_value.len;
            memcpy(s->ctos, rq->auth_value.ptr, s->ctos_len);
            s->stoc_len = 16;
            if (m->port->rng_fill(m->port->ctx, s->stoc, s->stoc_len) != PP_OK) {
                pp_dlms_release(s);
                re->result = PP_ACSE_REJECTED_TRANSIENT;
                re->diag = PP_ACSE_USER_NO_REASON;
                return;
            }
            pp_dlms_system_title(m, s->server_title);
            re->responding_ap_title = (pp_acse_bytes_t){s->server_title, 8};
            re->diag = PP_ACSE_USER_AUTHENTICATION_REQUIRED; /* HLS: pass 3/4 follow */
            re->auth_required = true;
            re->mechanism = PP_ACSE_MECH_HIGH_GMAC;
            re->auth_value = (pp_acse_bytes_t){s->stoc, s->stoc_len};
        }
    } else if (rq->context != PP_ACSE_CTX_LN) {
        re->diag = PP_ACSE_USER_CONTEXT_NOT_SUPPORTED;
    } else if (who == PP_ASSOC_PUBLIC && rq->mechanism != PP_ACSE_MECH_NONE) {
        re->diag = PP_ACSE_USER_MECH_NOT_RECOGNISED;
    } else if (who == PP_ASSOC_READER && rq->mechanism != PP_ACSE_MECH_LOW) {
        re->diag = rq->mechanism == PP_ACSE_MECH_NONE ? PP_ACSE_USER_MECH_REQUIRED
                                                      : PP_ACSE_USER_MECH_NOT_RECOGNISED;
    } else if (who == PP_ASSOC_READER &&
               (s->failed_logins >= LLS_MAX_FAILURES || !rq->auth_value.ptr ||
                rq->auth_value.len != strlen(m->cfg.lls_password) ||
                memcmp(rq->auth_value.ptr, m->cfg.lls_password, rq->auth_value.len) != 0)) {
        re->diag = PP_ACSE_USER_AUTHENTICATION_FAILURE;
        s->failed_logins++;
        security_event(m, PP_EV_AUTH_FAILURE, client);
    } else {
        accept(m, s, client, who, ir, re);
        if (who == PP_ASSOC_READER) {
            re->mechanism = PP_ACSE_MECH_LOW;
        }
    }
}

static int associate(pp_meter_t *m, pp_dlms_session_t *s, uint16_t client, const uint8_t *req,
                     size_t len, uint8_t *resp, size_t cap)
{
    pp_acse_aarq_t rq;
    pp_acse_aare_t re = {.context = PP_ACSE_CTX_LN};
    pp_xdlms_initiate_req_t ir = {0};
    uint8_t info[64], plain[128];
    pp_dlms_release(s);
    pp_err_t rc = pp_acse_aarq_decode(req, len, &rq);
    if (rc == PP_OK && rq.user_info.ptr && rq.user_info.len > 0 &&
        rq.user_info.ptr[0] == PP_APDU_GLO_INITIATE_REQUEST) {
        size_t n = 0; /* ciphered InitiateRequest: needs the client's system title */
        if (!rq.calling_ap_title.ptr || rq.calling_ap_title.len != 8) {
            re.context = rq.context;
            re.result = PP_ACSE_REJECTED_PERMANENT;
            re.diag_source = PP_ACSE_DIAG_USER;
            re.diag = PP_ACSE_USER_CALLING_AP_TITLE_NOT_RECOGNIZED;
            return pp_acse_aare_encode(&re, resp, cap);
        }
        memcpy(s->client_title, rq.calling_ap_title.ptr, 8);
        if (pp_dlms_decipher(m, s, rq.user_info.ptr, rq.user_info.len, plain, sizeof plain, &n) !=
            PP_OK) {
            security_event(m, PP_EV_DECRYPT_FAILURE, client);
            re.context = rq.context;
            re.result = PP_ACSE_REJECTED_PERMANENT;
            re.diag_source = PP_ACSE_DIAG_USER;
            re.diag = PP_ACSE_USER_AUTHENTICATION_FAILURE;
            return pp_acse_aare_encode(&re, resp, cap);
        }
        rq.user_info = (pp_acse_bytes_t){plain, (uint16_t)n};
    }
    if (rc != PP_OK || !rq.user_info.ptr) {
        re.result = PP_ACSE_REJECTED_PERMANENT;
        re.diag_source = PP_ACSE_DIAG_PROVIDER;
        re.diag = PP_ACSE_PROVIDER_NO_REASON;
    } else if (pp_xdlms_initiate_req_decode(rq.user_info.ptr, rq.user_info.len, &ir) != PP_OK ||
               ir.dlms_version < 6) {
        /* ConfirmedServiceError: initiate-error, dlms-version-too-low (1) or other (0). */
        pp_xdlms_cse_t cse = {.service = PP_CSE_INITIATE_ERROR, .error = PP_SERR_INITIATE,
                              .value = (uint8_t)(ir.dlms_version && ir.dlms_version < 6 ? 1 : 0)};
        int n = pp_xdlms_cse_encode(&cse, info, sizeof info);
        PP_TRY(n);
        re.context = rq.context;
        re.result = PP_ACSE_REJECTED_PERMANENT;
        re.diag_source = PP_ACSE_DIAG_USER;
        re.diag = PP_ACSE_USER_NO_REASON;
        re.user_info = (pp_acse_bytes_t){info, (uint16_t)n};
        return pp_acse_aare_encode(&re, resp, cap);
    } else {
        re.context = rq.context == PP_ACSE_CTX_UNKNOWN ? PP_ACSE_CTX_LN : rq.context;
        decide(m, s, client, &rq, &ir, &re);
    }
    if (s->associated) {
        pp_xdlms_initiate_resp_t resp_ir = {.dlms_version = 6, .conformance = s->conformance,
                                            .max_pdu = PP_DLMS_SERVER_MAX_PDU,
                                            .vaa_name = PP_XDLMS_VAA_NAME_LN};
        int n = pp_xdlms_initiate_resp_encode(&resp_ir, plain, sizeof plain);
        PP_TRY(n);
        if (s->ciphered) {
            n = pp_dlms_encipher(m, plain, (size_t)n, info, sizeof info);
            PP_TRY(n);
        } else {
            memcpy(info, plain, (size_t)n);
        }
        re.user_info = (pp_acse_bytes_t){info, (uint16_t)n};
    }
    return pp_acse_aare_encode(&re, resp, cap);
}

/* RLRQ -> RLRE reason normal (63 03 80 01 00); when the RLRQ carried an
 * InitiateRequest, the RLRE answers it (ciphered on a ciphered association)
 * as clients such as dlms-cosem expect. */
static int release(pp_meter_t *m, pp_dlms_session_t *s, const uint8_t *req, size_t len,
                   uint8_t *resp, size_t cap)
{
    pp_acse_release_t rq, re = {.has_reason = true, .reason = PP_RLRE_NORMAL};
    uint8_t plain[64], info[96];
    PP_VERIFY(pp_acse_rlrq_decode(req, len, &rq) == PP_OK, PP_ERR_MALFORMED);
    if (rq.user_info.ptr && s->associated) {
        pp_xdlms_initiate_resp_t ir = {.dlms_version = 6, .conformance = s->conformance,
                                       .max_pdu = PP_DLMS_SERVER_MAX_PDU,
                                       .vaa_name = PP_XDLMS_VAA_NAME_LN};
        int n = pp_xdlms_initiate_resp_encode(&ir, plain, sizeof plain);
        PP_TRY(n);
        if (s->ciphered) {
            n = pp_dlms_encipher(m, plain, (size_t)n, info, sizeof info);
            PP_TRY(n);
        } else {
            memcpy(info, plain, (size_t)n);
        }
        re.user_info = (pp_acse_bytes_t){info, (uint16_t)n};
    }
    pp_dlms_release(s);
    return pp_acse_rlre_encode(&re, resp, cap);
}

/* The response size the client accepts (never more than our own buffer). */
static size_t send_limit(const pp_dlms_session_t *s, size_t cap)
{
    size_t limit = s->max_send ? s->max_send : PP_DLMS_SERVER_MAX_PDU;
    return limit < cap ? limit : cap;
}

/* Encodes the Data of the long GET in progress from s->sent on into one
 * block response. */
static int get_block(pp_meter_t *m, pp_dlms_session_t *s, uint8_t *resp, size_t limit)
{
    const size_t header = pp_xdlms_get_block_overhead((uint32_t)limit);
    PP_VERIFY(limit > header + 16, PP_ERR_NOSPACE);
    uint8_t *raw = resp + header; /* encode in place, then move once the header is known */
    pp_dlms_sink_t k = {.out = raw, .cap = limit - header, .skip = s->sent, .rows = s->rows,
                        .row = s->row, .row_pos = s->row_pos};
    pp_xdlms_access_t acc = {.present = s->has_access, .selector = s->selector,
                             .params = s->sel, .params_len = s->sel_len};
    uint8_t dar = PP_DAR_SUCCESS;
    pp_err_t rc = pp_dlms_get_attribute(m, s->assoc, &s->attr, &acc, &k, &dar);
    pp_axdr_wr_t wr;
    pp_axdr_wr_init(&wr, resp, limit);
    s->block++;
    if (rc != PP_OK && !k.overflow) {
        s->long_get = false;
        PP_TRY(pp_xdlms_put_get_resp_block_dar(&wr, s->iidp, true, s->block,
                                               dar ? dar : PP_DAR_LONG_GET_ABORTED));
        return (int)wr.pos;
    }
    bool last = !k.overflow;
    uint8_t chunk[PP_DLMS_SERVER_MAX_PDU];
    memcpy(chunk, raw, k.stored);
    PP_TRY(pp_xdlms_put_get_resp_block(&wr, s->iidp, last, s->block, chunk, (uint32_t)k.stored));
    s->sent += (uint32_t)k.stored;
    s->rows = k.rows;
    s->row = k.row;
    s->row_pos = k.row_pos;
    s->long_get = !last;
    return (int)wr.pos;
}

static int get_normal(pp_meter_t *m, pp_dlms_session_t *s, const pp_xdlms_get_req_t *rq,
                      uint8_t *resp, size_t limit)
{
    pp_axdr_wr_t wr;
    pp_axdr_wr_init(&wr, resp, limit);
    PP_TRY(pp_xdlms_put_get_resp_normal(&wr, rq->iidp));
    pp_dlms_sink_t k = {.out = resp + wr.pos, .cap = limit - wr.pos};
    uint8_t dar = PP_DAR_SUCCESS;
    pp_err_t rc = pp_dlms_get_attribute(m, s->assoc, &rq->item.attr, &rq->item.access, &k, &dar);
    if (rc == PP_OK) {
        return (int)(wr.pos + k.stored);
    }
    if (!k.overflow) {
        pp_axdr_wr_init(&wr, resp, limit);
        PP_TRY(pp_xdlms_put_get_resp_normal_dar(&wr, rq->iidp, dar ? dar : PP_DAR_OTHER_REASON));
        return (int)wr.pos;
    }
    /* Too long for one APDU: block transfer, if the client agreed to it. */
    if (!(s->conformance & PP_CONF_BLOCK_TRANSFER_GET) ||
        (rq->item.access.present && rq->item.access.params_len > PP_DLMS_SEL_MAX)) {
        pp_axdr_wr_init(&wr, resp, limit);
        PP_TRY(pp_xdlms_put_get_resp_normal_dar(&wr, rq->iidp, PP_DAR_OTHER_REASON));
        return (int)wr.pos;
    }
    s->long_get = true;
    s->iidp = rq->iidp;
    s->block = 0;
    s->sent = 0;
    s->rows = s->row = s->row_pos = 0;
    s->attr = rq->item.attr;
    s->has_access = rq->item.access.present;
    s->selector = rq->item.access.selector;
    s->sel_len = (uint16_t)rq->item.access.params_len;
    if (s->has_access) {
        memcpy(s->sel, rq->item.access.params, s->sel_len);
    }
    return get_block(m, s, resp, limit);
}

static int get_with_list(pp_meter_t *m, pp_dlms_session_t *s, const pp_xdlms_get_req_t *rq,
                         uint8_t *resp, size_t limit)
{
    pp_axdr_wr_t wr;
    pp_axdr_wr_init(&wr, resp, limit);
    PP_TRY(pp_xdlms_put_get_resp_list(&wr, rq->iidp, rq->list.count));
    pp_axdr_rd_t it;
    pp_axdr_rd_init(&it, rq->list.ptr, rq->list.len);
    for (uint32_t i = 0; i < rq->list.count; i++) {
        pp_xdlms_attr_sel_t item;
        PP_TRY(pp_xdlms_next_attr_sel(&it, &item));
        size_t mark = wr.pos;
        PP_TRY(pp_xdlms_put_result_data(&wr));
        pp_dlms_sink_t k = {.out = resp + wr.pos, .cap = limit - wr.pos};
        uint8_t dar = PP_DAR_SUCCESS;
        if (pp_dlms_get_attribute(m, s->assoc, &item.attr, &item.access, &k, &dar) == PP_OK) {
            wr.pos += k.stored;
            continue;
        }
        wr.pos = mark; /* this item's Data did not fit or was refused */
        PP_TRY(pp_xdlms_put_result_dar(&wr, k.overflow ? PP_DAR_OTHER_REASON : dar));
    }
    return (int)wr.pos;
}

static int get(pp_meter_t *m, pp_dlms_session_t *s, const uint8_t *req, size_t len,
               uint8_t *resp, size_t limit)
{
    pp_xdlms_get_req_t rq;
    if (pp_xdlms_get_req_decode(req, len, &rq) != PP_OK) {
        return exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED, PP_EXC_SERVICE_OTHER_REASON, resp, limit);
    }
    switch (rq.type) {
    case PP_GET_REQ_NORMAL:
        s->long_get = false;
        return get_normal(m, s, &rq, resp, limit);
    case PP_GET_REQ_NEXT:
        if (!s->long_get || rq.block_number != s->block) {
            pp_axdr_wr_t wr;
            pp_axdr_wr_init(&wr, resp, limit);
            s->long_get = false;
            PP_TRY(pp_xdlms_put_get_resp_block_dar(&wr, rq.iidp, true, rq.block_number,
                                                   s->block ? PP_DAR_DATA_BLOCK_NUMBER_INVALID
                                                            : PP_DAR_NO_LONG_GET_IN_PROGRESS));
            return (int)wr.pos;
        }
        return get_block(m, s, resp, limit);
    default:
        s->long_get = false;
        return get_with_list(m, s, &rq, resp, limit);
    }
}

static int set(pp_meter_t *m, pp_dlms_session_t *s, const uint8_t *req, size_t len,
               uint8_t *resp, size_t limit)
{
    pp_xdlms_set_req_t rq;
    if (pp_xdlms_set_req_decode(req, len, &rq) != PP_OK) {
        return exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED, PP_EXC_SERVICE_OTHER_REASON, resp, limit);
    }
    pp_xdlms_set_resp_t re = {.type = PP_SET_RESP_NORMAL, .iidp = rq.iidp,
                              .result = PP_DAR_OTHER_REASON};
    if (rq.type == PP_SET_REQ_NORMAL) {
        re.result = pp_dlms_set_attribute(m, s->assoc, &rq.item.attr, rq.value, rq.value_len);
    } else {
        return exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED, PP_EXC_SERVICE_NOT_SUPPORTED, resp, limit);
    }
    return pp_xdlms_set_resp_encode(&re, resp, limit);
}

/* HLS pass 3: the client's f(StoC) must be SC 0x10 || IC || GMAC over the
 * meter's challenge; pass 4 answers f(CtoS) with the meter's title and IC. */
static pp_err_t hls_reply(pp_meter_t *m, pp_dlms_session_t *s, const uint8_t *params,
                          size_t len, uint8_t f_ctos[17])
{
    pp_axdr_rd_t rd;
    const uint8_t *f;
    uint32_t n;
    uint8_t expect[17];
    PP_VERIFY(s->hls_pending && params, PP_ERR_STATE);
    pp_axdr_rd_init(&rd, params, len);
    PP_VERIFY(pp_axdr_get_octets(&rd, &f, &n) == PP_OK && n == 17 && f[0] == PP_DLMS_SC_AUTH,
              PP_ERR_MALFORMED);
    uint32_t ic = (uint32_t)f[1] << 24 | (uint32_t)f[2] << 16 | (uint32_t)f[3] << 8 | f[4];
    PP_TRY(pp_dlms_hls_tag(m, s->client_title, ic, s->stoc, s->stoc_len, expect));
    if (memcmp(expect, f, sizeof expect) != 0) {
        s->failed_logins++;
        security_event(m, PP_EV_AUTH_FAILURE, s->client);
        pp_dlms_release(s);
        return PP_ERR_AUTH;
    }
    uint32_t server_ic;
    PP_TRY(pp_dlms_next_ic(m, &server_ic));
    PP_TRY(pp_dlms_hls_tag(m, s->server_title, server_ic, s->ctos, s->ctos_len, f_ctos));
    s->hls_pending = false;
    return PP_OK;
}

static int action(pp_meter_t *m, pp_dlms_session_t *s, const uint8_t *req, size_t len,
                  uint8_t *resp, size_t limit)
{
    pp_xdlms_action_req_t rq;
    if (pp_xdlms_action_req_decode(req, len, &rq) != PP_OK || rq.type != PP_ACTION_REQ_NORMAL) {
        return exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED, PP_EXC_SERVICE_NOT_SUPPORTED, resp, limit);
    }
    static const uint8_t ASSOCIATION[6] = {0, 0, 40, 0, 0, 255};
    pp_axdr_wr_t wr;
    pp_axdr_wr_init(&wr, resp, limit);
    if (rq.method.class_id == 15 && rq.method.id == 1 && memcmp(rq.method.ln, ASSOCIATION, 6) == 0) {
        uint8_t f_ctos[17];
        if (hls_reply(m, s, rq.params, rq.params_len, f_ctos) != PP_OK) {
            PP_TRY(pp_xdlms_put_action_resp_normal(&wr, rq.iidp, PP_ACTRES_OTHER_REASON, false));
            return (int)wr.pos;
        }
        PP_TRY(pp_xdlms_put_action_resp_normal(&wr, rq.iidp, PP_ACTRES_SUCCESS, true));
        PP_TRY(pp_xdlms_put_result_data(&wr));
        PP_TRY(pp_axdr_put_octets(&wr, f_ctos, sizeof f_ctos));
        return (int)wr.pos;
    }
    uint8_t result = s->hls_pending ? PP_ACTRES_READ_WRITE_DENIED
                                    : pp_dlms_action(m, s->assoc, &rq.method, rq.params,
                                                     rq.params_len);
    PP_TRY(pp_xdlms_put_action_resp_normal(&wr, rq.iidp, result, false));
    return (int)wr.pos;
}

static int ciphered(pp_meter_t *m, pp_dlms_session_t *s, const uint8_t *req, size_t len,
                    uint8_t *resp, size_t limit);
static int service(pp_meter_t *m, pp_dlms_session_t *s, const uint8_t *req, size_t len,
                   uint8_t *resp, size_t limit);

int pp_dlms_apdu(pp_meter_t *m, pp_dlms_session_t *s, uint16_t client, const uint8_t *req,
                 size_t len, uint8_t *resp, size_t cap)
{
    PP_VERIFY(len > 0, PP_ERR_MALFORMED);
    if (req[0] == PP_APDU_AARQ) {
        return associate(m, s, client, req, len, resp, cap);
    }
    if (req[0] == PP_APDU_RLRQ) {
        return release(m, s, req, len, resp, cap);
    }
    const size_t limit = send_limit(s, cap);
    if (!s->associated || client != s->client) {
        return exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED, PP_EXC_SERVICE_OPERATION_NOT_POSSIBLE,
                         resp, limit);
    }
    if (s->ciphered) {
        return ciphered(m, s, req, len, resp, limit);
    }
    return service(m, s, req, len, resp, limit);
}

/* A ciphered association: glo-ciphered requests only, answered ciphered. */
static int ciphered(pp_meter_t *m, pp_dlms_session_t *s, const uint8_t *req, size_t len,
                    uint8_t *resp, size_t limit)
{
    uint8_t plain[PP_DLMS_SERVER_MAX_PDU], answer[PP_DLMS_SERVER_MAX_PDU];
    size_t n = 0;
    if (req[0] != PP_APDU_GLO_GET_REQUEST && req[0] != PP_APDU_GLO_SET_REQUEST &&
        req[0] != PP_APDU_GLO_ACTION_REQUEST) {
        return exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED, PP_EXC_SERVICE_OPERATION_NOT_POSSIBLE,
                         resp, limit);
    }
    pp_err_t rc = pp_dlms_decipher(m, s, req, len, plain, sizeof plain, &n);
    if (rc != PP_OK) {
        security_event(m, rc == PP_ERR_REPLAY ? PP_EV_REPLAY : PP_EV_DECRYPT_FAILURE, s->client);
        return exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED,
                         rc == PP_ERR_REPLAY ? PP_EXC_SERVICE_INVOCATION_COUNTER_ERROR
                                             : PP_EXC_SERVICE_DECIPHERING_ERROR,
                         resp, limit);
    }
    if (s->hls_pending && plain[0] != PP_APDU_ACTION_REQUEST) {
        return exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED, PP_EXC_SERVICE_OPERATION_NOT_POSSIBLE,
                         resp, limit);
    }
    /* the response grows by the ciphering header and tag: leave room for it */
    int a = service(m, s, plain, n, answer, limit > 24 ? limit - 24 : limit);
    return a > 0 ? pp_dlms_encipher(m, answer, (size_t)a, resp, limit) : a;
}

static int service(pp_meter_t *m, pp_dlms_session_t *s, const uint8_t *req, size_t len,
                   uint8_t *resp, size_t limit)
{
    switch (req[0]) {
    case PP_APDU_GET_REQUEST:
        return (s->conformance & PP_CONF_GET) ? get(m, s, req, len, resp, limit)
                                              : exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED,
                                                          PP_EXC_SERVICE_NOT_SUPPORTED, resp, limit);
    case PP_APDU_SET_REQUEST:
        return (s->conformance & PP_CONF_SET) ? set(m, s, req, len, resp, limit)
                                              : exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED,
                                                          PP_EXC_SERVICE_NOT_SUPPORTED, resp, limit);
    case PP_APDU_ACTION_REQUEST:
        return (s->conformance & PP_CONF_ACTION) ? action(m, s, req, len, resp, limit)
                                                 : exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED,
                                                             PP_EXC_SERVICE_NOT_SUPPORTED, resp, limit);
    default:
        return exception(PP_EXC_STATE_SERVICE_UNKNOWN, PP_EXC_SERVICE_NOT_SUPPORTED, resp, limit);
    }
}
