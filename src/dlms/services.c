/* xDLMS services of an associated connection: GET normal / next / with-list
 * (block transfer when the response exceeds the negotiated size), SET normal
 * / with-list / with datablocks, exception responses (ACTION: action.c). */
#include <string.h>

#include "polyphase/dlms_const.h"
#include "server_internal.h"

int pp_dlms_svc_exception(uint8_t state, uint8_t service, uint8_t *out, size_t cap)
{
    pp_xdlms_exception_t e = {.state_error = state, .service_error = service};
    return pp_xdlms_exception_encode(&e, out, cap);
}

static uint32_t features(const pp_dlms_server_t *s)
{
    return s->prov.features ? s->prov.features(s->prov.ctx) : UINT32_MAX;
}

/* The object of a logical name: the one remembered under its hash, or
 * looked up in the table (and remembered). */
static const pp_object_t *named_object(pp_dlms_server_t *s, const uint8_t ln[6])
{
    const unsigned h = (ln[2] * 7u + ln[3] * 3u + ln[4] + ln[0]) & (PP_DLMS_SERVER_NAMED - 1u);
    const pp_object_t *o = s->named[h];
    if (o && o->ln.c == ln[2] && o->ln.d == ln[3] && o->ln.e == ln[4] && o->ln.a == ln[0] &&
        o->ln.b == ln[1] && o->ln.f == ln[5]) {
        return o;
    }
    o = pp_objects_find(PP_OBIS(ln[0], ln[1], ln[2], ln[3], ln[4], ln[5]));
    if (o) {
        s->named[h] = o;
    }
    return o;
}

/* The object and class an attribute or method descriptor names, as this
 * association sees them. */
const pp_object_t *pp_dlms_svc_resolve(pp_dlms_server_t *s, uint8_t who,
                                       const pp_xdlms_attr_t *a, const pp_cosem_class_t **cls,
                                       uint8_t *dar)
{
    const pp_object_t *o = named_object(s, a->ln);
    if (!o || !pp_cosem_visible(o, who, features(s))) {
        *dar = PP_DAR_OBJECT_UNDEFINED; /* not in this association's object list */
        return NULL;
    }
    if (o->class_id != a->class_id) {
        *dar = PP_DAR_OBJECT_CLASS_INCONSISTENT;
        return NULL;
    }
    *cls = pp_cosem_class_find(o->class_id);
    if (!*cls) {
        *dar = PP_DAR_OBJECT_UNAVAILABLE;
        return NULL;
    }
    return o;
}

/* Encodes one attribute's Data into the sink. */
static pp_err_t get_attr(pp_dlms_server_t *s, pp_dlms_conn_t *c, const pp_xdlms_attr_t *a,
                         const pp_xdlms_access_t *acc, pp_cosem_sink_t *k, uint8_t *cont,
                         bool first, uint8_t *dar)
{
    const pp_cosem_class_t *cls = NULL;
    const pp_object_t *o = pp_dlms_svc_resolve(s, c->assoc, a, &cls, dar);
    if (!o) {
        return PP_ERR_DENIED;
    }
    if (a->id < 1 || a->id > cls->nattr) {
        *dar = PP_DAR_OBJECT_UNDEFINED;
        return PP_ERR_DENIED;
    }
    if (!(pp_cosem_attr_access(cls, o, c->assoc, (uint8_t)a->id) & PP_ACC_READ)) {
        *dar = PP_DAR_READ_WRITE_DENIED;
        return PP_ERR_DENIED;
    }
    if (acc->present && (!(c->conformance & PP_CONF_SELECTIVE_ACCESS) ||
                         !(cls->selective & (1ul << a->id)))) {
        *dar = PP_DAR_SCOPE_OF_ACCESS_VIOLATED;
        return PP_ERR_DENIED;
    }
    pp_cosem_call_t call = {.srv = s, .conn = c, .obj = o, .who = c->assoc, .id = (uint8_t)a->id,
                            .access = acc, .cont = cont, .first = first};
    pp_cosem_enc_t e;
    pp_cosem_enc_init(&e, k);
    *dar = PP_DAR_SUCCESS;
    pp_err_t rc = cls->get(&call, &e, dar);
    if (rc == PP_OK) {
        rc = pp_cosem_enc_flush(&e);
    }
    if (rc != PP_OK && !k->overflow && *dar == PP_DAR_SUCCESS) {
        *dar = rc == PP_ERR_NOSPACE ? PP_DAR_OTHER_REASON : PP_DAR_HARDWARE_FAULT;
    }
    return rc;
}

/* The Data of a GET-with-list response (count, then Get-Data-Result each)
 * into the sink. Items are read from the request list items. */
static pp_err_t get_list(pp_dlms_server_t *s, pp_dlms_conn_t *c, const uint8_t *items,
                         size_t len, uint32_t count, pp_cosem_sink_t *k)
{
    uint8_t head[8];
    pp_axdr_wr_t w;
    pp_axdr_wr_init(&w, head, sizeof head);
    PP_TRY(pp_axdr_put_length(&w, count));
    PP_TRY(pp_cosem_sink_put(k, head, w.pos));
    pp_axdr_rd_t it;
    pp_axdr_rd_init(&it, items, len);
    for (uint32_t i = 0; i < count; i++) {
        pp_xdlms_attr_sel_t item;
        PP_TRY(pp_xdlms_next_attr_sel(&it, &item));
        /* Probe the item first so that a refusal writes only its DAR. */
        uint8_t dar = PP_DAR_SUCCESS;
        uint8_t probe[1];
        pp_cosem_sink_t pk = {.out = probe, .cap = 0};
        uint64_t cont[PP_DLMS_CONT_CAP / 8] = {0};
        pp_err_t rc = get_attr(s, c, &item.attr, &item.access, &pk, (uint8_t *)cont, true, &dar);
        if (rc != PP_OK && !pk.overflow) {
            const uint8_t r[2] = {1, dar};
            PP_TRY(pp_cosem_sink_put(k, r, 2));
            continue;
        }
        const uint8_t ok = 0;
        PP_TRY(pp_cosem_sink_put(k, &ok, 1));
        memset(cont, 0, sizeof cont);
        rc = get_attr(s, c, &item.attr, &item.access, k, (uint8_t *)cont, true, &dar);
        if (rc != PP_OK) {
            return k->overflow ? PP_ERR_NOSPACE : PP_ERR_DENIED;
        }
    }
    return PP_OK;
}

/* GBT block g->block of the virtual GET-Response-Normal "C4 01 iidp 00
 * Data" (with-list: "C4 03 iidp" count results): the first carries the
 * head, the octets already stored at out + hmax follow. */
static int gbt_block(pp_dlms_long_get_t *g, bool last, size_t stored, size_t hmax, uint8_t *out,
                     size_t limit)
{
    const bool list = g->attr.class_id == 0;
    const size_t head = g->block != 1 ? 0u : (list ? 3u : 4u);
    const uint8_t control = (uint8_t)((last ? PP_GBT_LAST : 0u) | 1u); /* our window: 1 */
    pp_axdr_wr_t w;
    pp_axdr_wr_init(&w, out, limit);
    PP_TRY(pp_xdlms_put_gbt_head(&w, control, (uint16_t)g->block, g->gbt_rx,
                                 (uint32_t)(stored + head)));
    if (head) {
        const uint8_t h[4] = {PP_APDU_GET_RESPONSE, list ? PP_GET_RESP_WITH_LIST
                                                         : PP_GET_RESP_NORMAL, g->iidp, 0};
        PP_TRY(pp_axdr_put_raw(&w, h, head));
    }
    memmove(out + w.pos, out + hmax, stored);
    return (int)(w.pos + stored);
}

/* The long GET's Data from c->get.sent on into one datablock response (or
 * one general-block-transfer block). */
static int get_block(pp_dlms_server_t *s, pp_dlms_conn_t *c, uint8_t *out, size_t limit)
{
    pp_dlms_long_get_t *g = &c->get;
    const size_t hmax = (g->gbt ? (g->block == 0 ? 10u : 6u) : 9u) +
                        pp_axdr_length_size((uint32_t)limit);
    if (limit <= hmax + 1 || (g->gbt && g->block >= UINT16_MAX)) {
        g->active = false;
        return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED, PP_EXC_SERVICE_PDU_TOO_LONG,
                                     out, limit);
    }
    pp_cosem_sink_t k = {.out = out + hmax, .cap = limit - hmax, .skip = g->sent};
    uint8_t dar = PP_DAR_SUCCESS;
    pp_err_t rc;
    pp_xdlms_access_t acc = {.present = g->has_access, .selector = g->selector,
                             .params = g->sel, .params_len = g->sel_len};
    const bool first = g->block == 0 && !g->primed;
    if (g->attr.class_id == 0) { /* with-list: the request items are kept in sel */
        rc = get_list(s, c, g->sel, g->sel_len, g->selector, &k);
    } else {
        rc = get_attr(s, c, &g->attr, &acc, &k, (uint8_t *)g->cont, first, &dar);
    }
    g->block++;
    pp_axdr_wr_t w;
    pp_axdr_wr_init(&w, out, limit);
    if (rc != PP_OK && !k.overflow && g->gbt) {
        g->active = false; /* a GBT answer cannot carry a result once begun */
        return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED,
                                     PP_EXC_SERVICE_OTHER_REASON, out, limit);
    }
    if (rc != PP_OK && !k.overflow) {
        g->active = false;
        PP_TRY(pp_xdlms_put_get_resp_block_dar(&w, g->iidp, true, g->block,
                                               first && dar ? dar : PP_DAR_LONG_GET_ABORTED));
        return (int)w.pos;
    }
    const bool last = !k.overflow;
    if (g->gbt) {
        g->sent += (uint32_t)k.stored;
        g->active = !last;
        return gbt_block(g, last, k.stored, hmax, out, limit);
    }
    PP_TRY(pp_axdr_put_byte(&w, PP_APDU_GET_RESPONSE));
    PP_TRY(pp_axdr_put_byte(&w, PP_GET_RESP_DATABLOCK));
    PP_TRY(pp_axdr_put_byte(&w, g->iidp));
    PP_TRY(pp_axdr_put_byte(&w, last ? 1 : 0));
    PP_TRY(pp_axdr_put_be(&w, 4, g->block));
    PP_TRY(pp_axdr_put_byte(&w, 0)); /* raw-data */
    PP_TRY(pp_axdr_put_length(&w, (uint32_t)k.stored));
    memmove(out + w.pos, out + hmax, k.stored);
    g->sent += (uint32_t)k.stored;
    g->active = !last;
    return (int)(w.pos + k.stored);
}

/* Starts a long GET if the client agreed to block transfer. */
static int start_long(pp_dlms_server_t *s, pp_dlms_conn_t *c, uint8_t iidp,
                      const pp_xdlms_attr_t *attr, const pp_xdlms_access_t *acc,
                      const uint8_t *list, uint32_t list_len, uint32_t count,
                      const uint8_t *cont, uint8_t *out, size_t limit)
{
    pp_dlms_long_get_t *g = &c->get;
    const uint32_t keep = list ? list_len : (acc->present ? acc->params_len : 0);
    /* GBT when the client lacks GET block transfer; plain associations only
     * (a ciphered answer needs its whole length and tag before sending) */
    const bool gbt = !(c->conformance & PP_CONF_BLOCK_TRANSFER_GET) &&
                     (c->conformance & PP_CONF_GENERAL_BLOCK_TRANSFER) && !c->ciphered;
    if ((!(c->conformance & PP_CONF_BLOCK_TRANSFER_GET) && !gbt) || keep > PP_DLMS_SEL_CAP ||
        (list && count > 255)) {
        pp_axdr_wr_t w;
        pp_axdr_wr_init(&w, out, limit);
        if (list) {
            return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED,
                                         PP_EXC_SERVICE_PDU_TOO_LONG, out, limit);
        }
        PP_TRY(pp_xdlms_put_get_resp_normal_dar(&w, iidp, PP_DAR_OTHER_REASON));
        return (int)w.pos;
    }
    memset(g, 0, sizeof *g);
    g->active = true;
    g->gbt = gbt;
    g->iidp = iidp;
    if (list) {
        g->selector = (uint8_t)count;
        memcpy(g->sel, list, list_len);
    } else {
        g->attr = *attr;
        g->has_access = acc->present;
        g->selector = acc->selector;
        if (acc->present) {
            memcpy(g->sel, acc->params, acc->params_len);
        }
        /* The first attempt's class state (e.g. a profile's resolved
         * selection) saves redoing it; classes restart at the beginning
         * when its resume point lies beyond the first block. */
        memcpy(g->cont, cont, PP_DLMS_CONT_CAP);
        g->primed = true;
    }
    g->sel_len = (uint16_t)keep;
    return get_block(s, c, out, limit);
}

static int get(pp_dlms_server_t *s, pp_dlms_conn_t *c, const uint8_t *req, size_t len,
               uint8_t *out, size_t limit)
{
    pp_xdlms_get_req_t rq;
    pp_err_t rc = pp_xdlms_get_req_decode(req, len, &rq);
    if (rc != PP_OK) {
        return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_UNKNOWN,
                                     rc == PP_ERR_UNSUPPORTED ? PP_EXC_SERVICE_NOT_SUPPORTED
                                                              : PP_EXC_SERVICE_OTHER_REASON,
                                     out, limit);
    }
    pp_axdr_wr_t w;
    pp_axdr_wr_init(&w, out, limit);
    if (rq.type == PP_GET_REQ_NEXT) {
        if (!c->get.active || c->get.gbt || rq.block_number != c->get.block) {
            uint8_t dar = c->get.active && !c->get.gbt ? PP_DAR_DATA_BLOCK_NUMBER_INVALID
                                        : PP_DAR_NO_LONG_GET_IN_PROGRESS;
            c->get.active = false;
            PP_TRY(pp_xdlms_put_get_resp_block_dar(&w, rq.iidp, true, rq.block_number, dar));
            return (int)w.pos;
        }
        return get_block(s, c, out, limit);
    }
    c->get.active = false; /* a new request ends a long GET */
    if (rq.type == PP_GET_REQ_WITH_LIST) {
        if (!(c->conformance & PP_CONF_MULTIPLE_REFERENCES)) {
            return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED,
                                         PP_EXC_SERVICE_NOT_SUPPORTED, out, limit);
        }
        PP_TRY(pp_axdr_put_byte(&w, PP_APDU_GET_RESPONSE));
        PP_TRY(pp_axdr_put_byte(&w, PP_GET_RESP_WITH_LIST));
        PP_TRY(pp_axdr_put_byte(&w, rq.iidp));
        pp_cosem_sink_t k = {.out = out + w.pos, .cap = limit - w.pos};
        rc = get_list(s, c, rq.list.ptr, rq.list.len, rq.list.count, &k);
        if (rc == PP_OK) {
            return (int)(w.pos + k.stored);
        }
        if (!k.overflow) {
            return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_UNKNOWN, PP_EXC_SERVICE_OTHER_REASON,
                                         out, limit);
        }
        return start_long(s, c, rq.iidp, NULL, NULL, rq.list.ptr, rq.list.len, rq.list.count,
                          NULL, out, limit);
    }
    PP_TRY(pp_xdlms_put_get_resp_normal(&w, rq.iidp));
    pp_cosem_sink_t k = {.out = out + w.pos, .cap = limit - w.pos};
    uint8_t dar = PP_DAR_SUCCESS;
    uint64_t cont[PP_DLMS_CONT_CAP / 8] = {0};
    rc = get_attr(s, c, &rq.item.attr, &rq.item.access, &k, (uint8_t *)cont, true, &dar);
    if (rc == PP_OK) {
        return (int)(w.pos + k.stored);
    }
    if (!k.overflow) {
        pp_axdr_wr_init(&w, out, limit);
        PP_TRY(pp_xdlms_put_get_resp_normal_dar(&w, rq.iidp, dar));
        return (int)w.pos;
    }
    return start_long(s, c, rq.iidp, &rq.item.attr, &rq.item.access, NULL, 0, 0,
                      (const uint8_t *)cont, out, limit);
}

/* ---- SET ---- */

static uint8_t set_attr(pp_dlms_server_t *s, pp_dlms_conn_t *c, const pp_xdlms_attr_sel_t *a,
                        const uint8_t *data, size_t len)
{
    const pp_cosem_class_t *cls = NULL;
    uint8_t dar = PP_DAR_SUCCESS;
    const pp_object_t *o = pp_dlms_svc_resolve(s, c->assoc, &a->attr, &cls, &dar);
    if (!o) {
        return dar;
    }
    if (a->attr.id < 1 || a->attr.id > cls->nattr) {
        return PP_DAR_OBJECT_UNDEFINED;
    }
    if (!(pp_cosem_attr_access(cls, o, c->assoc, (uint8_t)a->attr.id) & PP_ACC_WRITE) ||
        !cls->set) {
        return PP_DAR_READ_WRITE_DENIED;
    }
    if (a->access.present) {
        return PP_DAR_SCOPE_OF_ACCESS_VIOLATED;
    }
    int m = pp_axdr_measure(data, len, PP_AXDR_MAX_DEPTH);
    if (m < 0 || (size_t)m != len) {
        return PP_DAR_TYPE_UNMATCHED; /* not exactly one Data value */
    }
    pp_cosem_call_t call = {.srv = s, .conn = c, .obj = o, .who = c->assoc,
                            .id = (uint8_t)a->attr.id, .access = &a->access};
    return cls->set(&call, data, len);
}

static int set(pp_dlms_server_t *s, pp_dlms_conn_t *c, const uint8_t *req, size_t len,
               uint8_t *out, size_t limit)
{
    pp_xdlms_set_req_t rq;
    pp_err_t rc = pp_xdlms_set_req_decode(req, len, &rq);
    if (rc != PP_OK) {
        return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_UNKNOWN,
                                     rc == PP_ERR_UNSUPPORTED ? PP_EXC_SERVICE_NOT_SUPPORTED
                                                              : PP_EXC_SERVICE_OTHER_REASON,
                                     out, limit);
    }
    pp_xdlms_set_resp_t re = {.type = PP_SET_RESP_NORMAL, .iidp = rq.iidp};
    pp_dlms_long_set_t *ls = &c->set;
    if (c->long_op != PP_APDU_SET_REQUEST) { /* a SET ends a long ACTION */
        c->long_op = PP_APDU_SET_REQUEST;
        ls->active = false;
    }
    uint8_t dars[64];
    switch (rq.type) {
    case PP_SET_REQ_NORMAL:
        ls->active = false;
        re.result = set_attr(s, c, &rq.item, rq.value, rq.value_len);
        break;
    case PP_SET_REQ_WITH_LIST: {
        ls->active = false;
        if (!(c->conformance & PP_CONF_MULTIPLE_REFERENCES) || rq.list.count > sizeof dars ||
            rq.list.count != rq.values.count) {
            return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED,
                                         PP_EXC_SERVICE_NOT_SUPPORTED, out, limit);
        }
        pp_axdr_rd_t ia, iv;
        pp_axdr_rd_init(&ia, rq.list.ptr, rq.list.len);
        pp_axdr_rd_init(&iv, rq.values.ptr, rq.values.len);
        for (uint32_t i = 0; i < rq.list.count; i++) {
            pp_xdlms_attr_sel_t item;
            const uint8_t *d;
            uint32_t n;
            PP_TRY(pp_xdlms_next_attr_sel(&ia, &item));
            PP_TRY(pp_xdlms_next_data(&iv, &d, &n));
            dars[i] = set_attr(s, c, &item, d, n);
        }
        re.type = PP_SET_RESP_WITH_LIST;
        re.results = (pp_xdlms_list_t){rq.list.count, dars, rq.list.count};
        break;
    }
    case PP_SET_REQ_FIRST_DATABLOCK:
    case PP_SET_REQ_DATABLOCK: {
        const bool first = rq.type == PP_SET_REQ_FIRST_DATABLOCK;
        re.block_number = rq.block_number;
        if (!(c->conformance & PP_CONF_BLOCK_TRANSFER_SET)) {
            return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED,
                                         PP_EXC_SERVICE_NOT_SUPPORTED, out, limit);
        }
        uint8_t dar = PP_DAR_SUCCESS;
        if (first) {
            memset(ls, 0, sizeof *ls);
            ls->attr = rq.item.attr;
            ls->active = true;
            if (rq.item.access.present) {
                dar = PP_DAR_SCOPE_OF_ACCESS_VIOLATED;
            }
        } else if (!ls->active) {
            dar = PP_DAR_NO_LONG_SET_IN_PROGRESS;
        }
        if (dar == PP_DAR_SUCCESS && rq.block_number != ls->block + 1) {
            dar = PP_DAR_DATA_BLOCK_NUMBER_INVALID;
        } else if (dar == PP_DAR_SUCCESS && rq.raw_len > sizeof ls->data - ls->len) {
            dar = PP_DAR_LONG_SET_ABORTED; /* larger than any value we take */
        }
        if (dar != PP_DAR_SUCCESS) {
            ls->active = false;
            re.type = PP_SET_RESP_LAST_DATABLOCK;
            re.result = dar;
            break;
        }
        memcpy(ls->data + ls->len, rq.raw, rq.raw_len);
        ls->len = (uint16_t)(ls->len + rq.raw_len);
        ls->block = rq.block_number;
        if (!rq.last_block) {
            re.type = PP_SET_RESP_DATABLOCK;
            break;
        }
        ls->active = false;
        pp_xdlms_attr_sel_t item = {.attr = ls->attr};
        re.type = PP_SET_RESP_LAST_DATABLOCK;
        re.result = set_attr(s, c, &item, ls->data, ls->len);
        break;
    }
    default:
        return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_UNKNOWN, PP_EXC_SERVICE_NOT_SUPPORTED,
                                     out, limit);
    }
    return pp_xdlms_set_resp_encode(&re, out, limit);
}

/* A client's general-block-transfer: with window 1, the acknowledgement
 * (no block-data) of the last block of a long GET sent as GBT. */
static int gbt_ack(pp_dlms_server_t *s, pp_dlms_conn_t *c, const uint8_t *req, size_t len,
                   uint8_t *out, size_t limit)
{
    pp_xdlms_gbt_t b;
    pp_dlms_long_get_t *g = &c->get;
    if (pp_xdlms_gbt_decode(req, len, &b) != PP_OK) {
        return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_UNKNOWN, PP_EXC_SERVICE_OTHER_REASON,
                                     out, limit);
    }
    if (b.data_len != 0) { /* requests in GBT blocks: not offered */
        g->active = false;
        return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED,
                                     PP_EXC_SERVICE_NOT_SUPPORTED, out, limit);
    }
    if (!g->active || !g->gbt || b.block_number_ack != g->block) {
        g->active = false; /* nothing to send, or a lost block: no retransmission */
        return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED,
                                     PP_EXC_SERVICE_OPERATION_NOT_POSSIBLE, out, limit);
    }
    g->gbt_rx = b.block_number;
    return get_block(s, c, out, limit);
}

/* During HLS only reply_to_HLS_authentication of the current association. */
static bool hls_step(const uint8_t *req, size_t len)
{
    static const uint8_t HLS_REPLY[] = {PP_APDU_ACTION_REQUEST, PP_ACTION_REQ_NORMAL};
    static const uint8_t METHOD[] = {0x00, 0x0F, 0, 0, 40, 0, 0, 255, 1};
    return len > 12 && memcmp(req, HLS_REPLY, 2) == 0 && memcmp(req + 3, METHOD, 9) == 0;
}

int pp_dlms_svc_request(pp_dlms_server_t *s, pp_dlms_conn_t *c, const uint8_t *req, size_t len,
                        uint8_t *out, size_t limit)
{
    if (len > s->cfg.max_pdu) {
        return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED, PP_EXC_SERVICE_PDU_TOO_LONG,
                                     out, limit);
    }
    if (c->state == PP_DLMS_HLS_PENDING && !hls_step(req, len)) {
        return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED,
                                     PP_EXC_SERVICE_OPERATION_NOT_POSSIBLE, out, limit);
    }
    uint32_t need;
    switch (req[0]) {
    case PP_APDU_GET_REQUEST: need = PP_CONF_GET; break;
    case PP_APDU_SET_REQUEST: need = PP_CONF_SET; break;
    case PP_APDU_ACTION_REQUEST: need = PP_CONF_ACTION; break;
    case PP_APDU_GENERAL_BLOCK_TRANSFER: need = PP_CONF_GENERAL_BLOCK_TRANSFER; break;
    default:
        return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_UNKNOWN, PP_EXC_SERVICE_NOT_SUPPORTED,
                                     out, limit);
    }
    if (!(c->conformance & need) && c->state == PP_DLMS_ASSOCIATED) {
        return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED, PP_EXC_SERVICE_NOT_SUPPORTED,
                                     out, limit);
    }
    switch (req[0]) {
    case PP_APDU_GET_REQUEST: return get(s, c, req, len, out, limit);
    case PP_APDU_SET_REQUEST: return set(s, c, req, len, out, limit);
    case PP_APDU_GENERAL_BLOCK_TRANSFER: return gbt_ack(s, c, req, len, out, limit);
    default: return pp_dlms_svc_action(s, c, req, len, out, limit);
    }
}
