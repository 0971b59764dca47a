/* xDLMS ACTION of an associated connection (IEC 62056-5-3): normal,
 * with-list, method parameters in blocks (with-first-pblock,
 * with-list-and-first-pblock, with-pblock; each block but the last is
 * acknowledged with action-response-next-pblock) and return parameters in
 * blocks (action-response-with-pblock, the client asks for the next with
 * action-request-next-pblock). The raw-data of a return block carries the
 * A-XDR the normal answer would carry after invoke-id-and-priority: one
 * Action-Response-With-Optional-Data, or the SEQUENCE OF them (with-list). */
#include <string.h>

#include "polyphase/dlms_const.h"
#include "server_internal.h"

#define INVOKE_ID(iidp) ((iidp) & 0x0Fu)

static uint8_t invoke(pp_dlms_server_t *s, pp_dlms_conn_t *c, const pp_xdlms_attr_t *m,
                      const uint8_t *params, size_t len, pp_axdr_wr_t *ret, bool *has_ret)
{
    const pp_cosem_class_t *cls = NULL;
    uint8_t dar = PP_DAR_SUCCESS;
    const pp_object_t *o = pp_dlms_svc_resolve(s, c->assoc, m, &cls, &dar);
    if (!o) {
        return dar; /* action-result has the same numbers for these */
    }
    if (m->id < 1 || m->id > cls->nmeth || !cls->action) {
        return PP_ACTRES_OBJECT_UNDEFINED;
    }
    if (!pp_cosem_method_allowed(cls, o, c->assoc, (uint8_t)m->id)) {
        return PP_ACTRES_READ_WRITE_DENIED;
    }
    pp_cosem_call_t call = {.srv = s, .conn = c, .obj = o, .who = c->assoc, .id = (uint8_t)m->id};
    return cls->action(&call, params, len, ret, has_ret);
}

/* Invokes one method and appends its Action-Response-With-Optional-Data to
 * body, keeping `reserve` octets free for the methods still to come (an
 * entry whose return parameters do not fit gets data-access-result
 * other-reason in their place: the method has run). */
static pp_err_t run_one(pp_dlms_server_t *s, pp_dlms_conn_t *c, const pp_xdlms_attr_t *m,
                        const uint8_t *params, size_t len, pp_axdr_wr_t *body, size_t reserve)
{
    uint8_t retbuf[PP_DLMS_CHALLENGE_MAX + 16];
    pp_axdr_wr_t ret;
    pp_axdr_wr_init(&ret, retbuf, sizeof retbuf);
    bool has_ret = false;
    const uint8_t result = invoke(s, c, m, params, len, &ret, &has_ret);
    const size_t room = body->cap - body->pos;
    PP_VERIFY(room >= reserve + 4u, PP_ERR_NOSPACE);
    PP_TRY(pp_axdr_put_byte(body, result));
    if (!has_ret) {
        return pp_axdr_put_byte(body, 0);
    }
    PP_TRY(pp_axdr_put_byte(body, 1));
    if (room - 2u < reserve + 1u + ret.pos) {
        return pp_xdlms_put_result_dar(body, PP_DAR_OTHER_REASON);
    }
    PP_TRY(pp_xdlms_put_result_data(body));
    return pp_axdr_put_raw(body, retbuf, ret.pos);
}

/* Runs the methods of a with-list (descriptors and Data items already
 * validated, count <= PP_DLMS_ACTION_LIST_MAX) into body. */
static pp_err_t run_list(pp_dlms_server_t *s, pp_dlms_conn_t *c, const pp_xdlms_list_t *methods,
                         const uint8_t *params, size_t params_len, pp_axdr_wr_t *body)
{
    pp_axdr_rd_t im, ip;
    pp_axdr_rd_init(&im, methods->ptr, methods->len);
    pp_axdr_rd_init(&ip, params, params_len);
    PP_TRY(pp_axdr_put_length(body, methods->count));
    for (uint32_t i = 0; i < methods->count; i++) {
        pp_xdlms_attr_t m;
        const uint8_t *d;
        uint32_t n;
        PP_TRY(pp_xdlms_next_method(&im, &m));
        PP_TRY(pp_xdlms_next_data(&ip, &d, &n));
        PP_TRY(run_one(s, c, &m, d, n, body, 4u * (methods->count - 1u - i)));
    }
    return PP_OK;
}

/* C7 01 iidp result 00: an answer without return parameters. */
static int plain_result(uint8_t iidp, uint8_t result, uint8_t *out, size_t limit)
{
    pp_axdr_wr_t w;
    pp_axdr_wr_init(&w, out, limit);
    PP_TRY(pp_xdlms_put_action_resp_normal(&w, iidp, result, false));
    return (int)w.pos;
}

static int abort_long(pp_dlms_conn_t *c, uint8_t iidp, uint8_t result, uint8_t *out,
                      size_t limit)
{
    c->action.phase = PP_DLMS_PBLOCK_NONE;
    return plain_result(iidp, result, out, limit);
}

/* The next return block from c->action.data. */
static int send_block(pp_dlms_conn_t *c, uint8_t *out, size_t limit)
{
    pp_dlms_long_action_t *a = &c->action;
    const size_t head = 8u + pp_axdr_length_size((uint32_t)limit);
    if (limit <= head) {
        return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED, PP_EXC_SERVICE_PDU_TOO_LONG,
                                     out, limit);
    }
    size_t n = a->len - a->sent;
    const bool last = n <= limit - head;
    if (!last) {
        n = limit - head;
    }
    a->block++;
    pp_axdr_wr_t w;
    pp_axdr_wr_init(&w, out, limit);
    PP_TRY(pp_xdlms_put_action_resp_pblock(&w, a->iidp, last, a->block, a->data + a->sent,
                                           (uint32_t)n));
    a->sent = (uint16_t)(a->sent + n);
    a->phase = last ? PP_DLMS_PBLOCK_NONE : PP_DLMS_PBLOCK_OUT;
    return (int)w.pos;
}

/* Answers with the body in s->action_body: whole when it fits, else in
 * return blocks (the client agreed to block transfer of ACTION). */
static int answer(pp_dlms_server_t *s, pp_dlms_conn_t *c, uint8_t iidp, bool list,
                  size_t body_len, uint8_t *out, size_t limit)
{
    if (3u + body_len <= limit) {
        out[0] = PP_APDU_ACTION_RESPONSE;
        out[1] = list ? PP_ACTION_RESP_WITH_LIST : PP_ACTION_RESP_NORMAL;
        out[2] = iidp;
        memcpy(out + 3, s->action_body, body_len);
        return (int)(3u + body_len);
    }
    if (!(c->conformance & PP_CONF_BLOCK_TRANSFER_ACTION)) {
        return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED, PP_EXC_SERVICE_PDU_TOO_LONG,
                                     out, limit);
    }
    pp_dlms_long_action_t *a = &c->action;
    memcpy(a->data, s->action_body, body_len);
    a->len = (uint16_t)body_len;
    a->sent = 0;
    a->block = 0;
    a->iidp = iidp;
    return send_block(c, out, limit);
}

static int run_normal(pp_dlms_server_t *s, pp_dlms_conn_t *c, const pp_xdlms_action_req_t *rq,
                      uint8_t *out, size_t limit)
{
    pp_axdr_wr_t body;
    pp_axdr_wr_init(&body, s->action_body, sizeof s->action_body);
    PP_TRY(run_one(s, c, &rq->method, rq->params, rq->params_len, &body, 0));
    return answer(s, c, rq->iidp, false, body.pos, out, limit);
}

static int run_with_list(pp_dlms_server_t *s, pp_dlms_conn_t *c, const pp_xdlms_action_req_t *rq,
                         const uint8_t *params, size_t params_len, uint8_t *out, size_t limit)
{
    pp_axdr_wr_t body;
    pp_axdr_wr_init(&body, s->action_body, sizeof s->action_body);
    PP_TRY(run_list(s, c, &rq->methods, params, params_len, &body));
    return answer(s, c, rq->iidp, true, body.pos, out, limit);
}

/* The parameters of a completed block transfer: one Data (single method)
 * or SEQUENCE OF Data with one item per method (with-list). */
static int run_collected(pp_dlms_server_t *s, pp_dlms_conn_t *c, uint8_t iidp, uint8_t *out,
                         size_t limit)
{
    pp_dlms_long_action_t *a = &c->action;
    const uint8_t *params = a->data + a->head;
    const size_t n = (size_t)a->len - a->head;
    a->phase = PP_DLMS_PBLOCK_NONE;
    if (a->nmeth == 0) {
        int m = pp_axdr_measure(params, n, PP_AXDR_MAX_DEPTH);
        if (m < 0 || (size_t)m != n) {
            return plain_result(iidp, PP_ACTRES_TYPE_UNMATCHED, out, limit);
        }
        const pp_xdlms_action_req_t rq = {.iidp = iidp, .method = a->method, .params = params,
                                          .params_len = (uint32_t)n};
        return run_normal(s, c, &rq, out, limit);
    }
    /* Count and items as in Action-Request-With-List's second list. */
    pp_axdr_rd_t rd;
    pp_axdr_rd_init(&rd, params, n);
    uint32_t count = 0;
    pp_err_t rc = pp_axdr_get_length(&rd, &count);
    const size_t items = rd.pos;
    for (uint32_t i = 0; rc == PP_OK && i < count && i < a->nmeth; i++) {
        const uint8_t *d;
        uint32_t dl;
        rc = pp_xdlms_next_data(&rd, &d, &dl);
    }
    if (rc != PP_OK || count != a->nmeth || rd.pos != n) {
        return plain_result(iidp, PP_ACTRES_TYPE_UNMATCHED, out, limit);
    }
    const pp_xdlms_action_req_t rq = {
        .iidp = iidp, .methods = {a->nmeth, a->data, a->head}};
    return run_with_list(s, c, &rq, params + items, n - items, out, limit);
}

/* with-first-pblock, with-list-and-first-pblock, with-pblock. */
static int take_pblock(pp_dlms_server_t *s, pp_dlms_conn_t *c, const pp_xdlms_action_req_t *rq,
                       uint8_t *out, size_t limit)
{
    pp_dlms_long_action_t *a = &c->action;
    if (rq->type == PP_ACTION_REQ_WITH_PBLOCK) {
        if (a->phase != PP_DLMS_PBLOCK_IN) {
            return abort_long(c, rq->iidp, PP_ACTRES_NO_LONG_ACTION_IN_PROGRESS, out, limit);
        }
        if (INVOKE_ID(rq->iidp) != INVOKE_ID(a->iidp) || rq->block_number != a->block + 1u) {
            return abort_long(c, rq->iidp, PP_ACTRES_LONG_ACTION_ABORTED, out, limit);
        }
    } else {
        const bool list = rq->type == PP_ACTION_REQ_WITH_LIST_FIRST_PBLOCK;
        memset(a, 0, offsetof(pp_dlms_long_action_t, data));
        if (rq->block_number != 1u ||
            (list && (rq->methods.count == 0 || rq->methods.count > PP_DLMS_ACTION_LIST_MAX))) {
            return abort_long(c, rq->iidp, PP_ACTRES_LONG_ACTION_ABORTED, out, limit);
        }
        a->iidp = rq->iidp;
        a->method = rq->method;
        if (list) { /* the descriptors lead the buffer, the parameters follow */
            if (rq->methods.len > sizeof a->data) {
                return abort_long(c, rq->iidp, PP_ACTRES_LONG_ACTION_ABORTED, out, limit);
            }
            memcpy(a->data, rq->methods.ptr, rq->methods.len);
            a->head = a->len = (uint16_t)rq->methods.len;
            a->nmeth = (uint8_t)rq->methods.count;
        }
    }
    if (rq->raw_len > sizeof a->data - a->len) {
        return abort_long(c, rq->iidp, PP_ACTRES_LONG_ACTION_ABORTED, out, limit);
    }
    memcpy(a->data + a->len, rq->raw, rq->raw_len);
    a->len = (uint16_t)(a->len + rq->raw_len);
    a->block = rq->block_number;
    if (rq->last_block) {
        return run_collected(s, c, a->iidp, out, limit);
    }
    a->phase = PP_DLMS_PBLOCK_IN;
    pp_axdr_wr_t w;
    pp_axdr_wr_init(&w, out, limit);
    PP_TRY(pp_xdlms_put_action_resp_next_pblock(&w, rq->iidp, rq->block_number));
    return (int)w.pos;
}

static int next_pblock(pp_dlms_conn_t *c, const pp_xdlms_action_req_t *rq, uint8_t *out,
                       size_t limit)
{
    pp_dlms_long_action_t *a = &c->action;
    if (a->phase != PP_DLMS_PBLOCK_OUT) {
        return abort_long(c, rq->iidp, PP_ACTRES_NO_LONG_ACTION_IN_PROGRESS, out, limit);
    }
    if (INVOKE_ID(rq->iidp) != INVOKE_ID(a->iidp) || rq->block_number != a->block) {
        return abort_long(c, rq->iidp, PP_ACTRES_LONG_ACTION_ABORTED, out, limit);
    }
    return send_block(c, out, limit);
}

static bool allowed(const pp_dlms_conn_t *c, uint8_t type)
{
    switch (type) {
    case PP_ACTION_REQ_WITH_LIST: return (c->conformance & PP_CONF_MULTIPLE_REFERENCES) != 0;
    case PP_ACTION_REQ_WITH_LIST_FIRST_PBLOCK:
        return (c->conformance & PP_CONF_MULTIPLE_REFERENCES) &&
               (c->conformance & PP_CONF_BLOCK_TRANSFER_ACTION);
    case PP_ACTION_REQ_NORMAL: return true;
    default: return (c->conformance & PP_CONF_BLOCK_TRANSFER_ACTION) != 0;
    }
}

int pp_dlms_svc_action(pp_dlms_server_t *s, pp_dlms_conn_t *c, const uint8_t *req, size_t len,
                       uint8_t *out, size_t limit)
{
    pp_xdlms_action_req_t rq;
    pp_err_t rc = pp_xdlms_action_req_decode(req, len, &rq);
    if (rc != PP_OK) {
        return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_UNKNOWN,
                                     rc == PP_ERR_MALFORMED ? PP_EXC_SERVICE_OTHER_REASON
                                                            : PP_EXC_SERVICE_NOT_SUPPORTED,
                                     out, limit);
    }
    if (!allowed(c, rq.type)) {
        return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED, PP_EXC_SERVICE_NOT_SUPPORTED,
                                     out, limit);
    }
    if (c->long_op != PP_APDU_ACTION_REQUEST) { /* an ACTION ends a long SET */
        c->long_op = PP_APDU_ACTION_REQUEST;
        c->action.phase = PP_DLMS_PBLOCK_NONE;
    }
    switch (rq.type) {
    case PP_ACTION_REQ_NORMAL:
        c->action.phase = PP_DLMS_PBLOCK_NONE;
        return run_normal(s, c, &rq, out, limit);
    case PP_ACTION_REQ_WITH_LIST:
        c->action.phase = PP_DLMS_PBLOCK_NONE;
        if (rq.methods.count == 0 || rq.methods.count > PP_DLMS_ACTION_LIST_MAX) {
            return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED,
                                         PP_EXC_SERVICE_OPERATION_NOT_POSSIBLE, out, limit);
        }
        return run_with_list(s, c, &rq, rq.param_list.ptr, rq.param_list.len, out, limit);
    case PP_ACTION_REQ_NEXT_PBLOCK: return next_pblock(c, &rq, out, limit);
    default: return take_pblock(s, c, &rq, out, limit);
    }
}
