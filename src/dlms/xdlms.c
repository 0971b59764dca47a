/* xDLMS APDUs (LN referencing): Initiate, GET/SET/ACTION, notifications,
 * exception response, ciphered headers, selective access parameters. */
#include "polyphase/xdlms.h"

#include <string.h>

/* ---- reading helpers ---------------------------------------------------- */

/* Untagged integers, read in place (a short input moves nothing). */
static inline pp_err_t get_u8(pp_axdr_rd_t *rd, uint8_t *out)
{
    PP_VERIFY(rd->pos < rd->end, PP_ERR_TRUNCATED);
    *out = rd->buf[rd->pos++];
    return PP_OK;
}

static inline pp_err_t get_u16(pp_axdr_rd_t *rd, uint16_t *out)
{
    PP_VERIFY(pp_axdr_remaining(rd) >= 2, PP_ERR_TRUNCATED);
    const uint8_t *p = rd->buf + rd->pos;
    *out = (uint16_t)(p[0] << 8 | p[1]);
    rd->pos += 2;
    return PP_OK;
}

static inline pp_err_t get_u32(pp_axdr_rd_t *rd, uint32_t *out)
{
    PP_VERIFY(pp_axdr_remaining(rd) >= 4, PP_ERR_TRUNCATED);
    const uint8_t *p = rd->buf + rd->pos;
    *out = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    rd->pos += 4;
    return PP_OK;
}

/* Cursor over a whole APDU whose first octet must be tag. */
static pp_err_t begin(pp_axdr_rd_t *rd, const uint8_t *apdu, size_t len, uint8_t tag)
{
    PP_VERIFY(apdu != NULL, PP_ERR_ARG);
    pp_axdr_rd_init(rd, apdu, len);
    uint8_t t;
    PP_TRY(get_u8(rd, &t));
    PP_VERIFY(t == tag, PP_ERR_MALFORMED);
    return PP_OK;
}

static pp_err_t finish(const pp_axdr_rd_t *rd)
{
    PP_VERIFY(pp_axdr_remaining(rd) == 0, PP_ERR_MALFORMED); /* trailing bytes */
    return PP_OK;
}

/* Untagged BOOLEAN: any non-zero octet is TRUE. */
static pp_err_t get_boolean(pp_axdr_rd_t *rd, bool *out)
{
    uint8_t b;
    PP_TRY(get_u8(rd, &b));
    *out = b != 0;
    return PP_OK;
}

/* OPTIONAL / DEFAULT presence octet: 00 or 01, nothing else. */
static pp_err_t get_presence(pp_axdr_rd_t *rd, bool *present)
{
    uint8_t b;
    PP_TRY(get_u8(rd, &b));
    PP_VERIFY(b <= 1, PP_ERR_MALFORMED);
    *present = b == 1;
    return PP_OK;
}

/* Untagged OCTET STRING: A-XDR length then octets. */
static pp_err_t get_os(pp_axdr_rd_t *rd, const uint8_t **p, uint32_t *len)
{
    PP_TRY(pp_axdr_get_length(rd, len));
    return pp_axdr_get_raw(rd, *len, p);
}

/* One complete Data value. */
static pp_err_t get_data(pp_axdr_rd_t *rd, const uint8_t **p, uint32_t *len)
{
    size_t start = rd->pos;
    uint8_t depth = rd->depth;
    PP_TRY(pp_axdr_skip(rd));
    rd->depth = depth;
    *p = rd->buf + start;
    *len = (uint32_t)(rd->pos - start);
    return PP_OK;
}

static pp_err_t get_attr(pp_axdr_rd_t *rd, pp_xdlms_attr_t *a)
{
    uint8_t id;
    PP_TRY(get_u16(rd, &a->class_id));
    PP_VERIFY(pp_axdr_remaining(rd) >= 6, PP_ERR_TRUNCATED);
    memcpy(a->ln, rd->buf + rd->pos, 6);
    rd->pos += 6;
    PP_TRY(get_u8(rd, &id));
    a->id = (int8_t)id;
    return PP_OK;
}

/* ---- the usual range descriptor, recognised in one pass ------------------
 * Nearly every selector-1 request carries its range_descriptor in the one
 * shape our own client writes: every length in short form, the capture
 * objects as structure{long-unsigned, octet-string(6), integer,
 * long-unsigned}, from/to as octet-strings. Bytes in that exact shape are
 * valid by construction, so they are taken without the general checks;
 * anything else (including every error) goes the general way. */

#define CAPTURE_OBJ_SIZE 18u

static bool capture_obj_shaped(const uint8_t *p, size_t avail)
{
    return avail >= CAPTURE_OBJ_SIZE && p[0] == PP_DT_STRUCTURE && p[1] == 4 &&
           p[2] == PP_DT_LONG_UNSIGNED && p[5] == PP_DT_OCTET_STRING && p[6] == 6 &&
           p[13] == PP_DT_INTEGER && p[15] == PP_DT_LONG_UNSIGNED;
}

static void capture_obj_take(const uint8_t *p, pp_xdlms_capture_obj_t *out)
{
    out->class_id = (uint16_t)(p[3] << 8 | p[4]);
    memcpy(out->ln, p + 7, 6);
    out->attr = (int8_t)p[14];
    out->data_index = (uint16_t)(p[16] << 8 | p[17]);
}

/* Size of a short-form octet-string at p, 0 if there is none. */
static size_t short_octets_size(const uint8_t *p, size_t avail)
{
    if (avail >= 2 && p[0] == PP_DT_OCTET_STRING && p[1] < 0x80 && p[1] <= avail - 2) {
        return 2u + p[1];
    }
    return 0;
}

typedef struct range_shape {
    size_t from, from_len, to, to_len, columns; /* offsets and sizes in the descriptor */
    uint32_t column_count;
    size_t size;                                /* the whole descriptor */
} range_shape_t;

/* Whether p starts with a range descriptor in the usual shape (see above). */
static bool range_shaped(const uint8_t *p, size_t avail, range_shape_t *out)
{
    if (avail < 2 || p[0] != PP_DT_STRUCTURE || p[1] != 4 || !capture_obj_shaped(p + 2, avail - 2)) {
        return false;
    }
    size_t pos = 2 + CAPTURE_OBJ_SIZE;
    out->from = pos;
    out->from_len = short_octets_size(p + pos, avail - pos);
    pos += out->from_len;
    out->to = pos;
    out->to_len = out->from_len ? short_octets_size(p + pos, avail - pos) : 0;
    pos += out->to_len;
    if (out->to_len == 0 || avail - pos < 2 || p[pos] != PP_DT_ARRAY || p[pos + 1] >= 0x80) {
        return false;
    }
    out->column_count = p[pos + 1];
    pos += 2;
    out->columns = pos;
    for (uint32_t i = 0; i < out->column_count; i++, pos += CAPTURE_OBJ_SIZE) {
        if (!capture_obj_shaped(p + pos, avail - pos)) {
            return false;
        }
    }
    out->size = pos;
    return true;
}

/* Selective-access parameters: one complete Data value. A range descriptor
 * in the usual shape is two containers deep, within the walk's depth cap
 * when depth + 1 < max_depth, so the walk would accept exactly its size. */
static pp_err_t get_access_params(pp_axdr_rd_t *rd, const uint8_t **p, uint32_t *len)
{
    range_shape_t r;
    if (rd->depth + 1u < rd->max_depth &&
        range_shaped(rd->buf + rd->pos, pp_axdr_remaining(rd), &r)) {
        *p = rd->buf + rd->pos;
        *len = (uint32_t)r.size;
        rd->pos += r.size;
        return PP_OK;
    }
    return get_data(rd, p, len);
}

static pp_err_t get_access(pp_axdr_rd_t *rd, pp_xdlms_access_t *acc)
{
    memset(acc, 0, sizeof *acc);
    PP_TRY(get_presence(rd, &acc->present));
    if (!acc->present) {
        return PP_OK;
    }
    PP_TRY(get_u8(rd, &acc->selector));
    return get_access_params(rd, &acc->params, &acc->params_len);
}

pp_err_t pp_xdlms_next_attr_sel(pp_axdr_rd_t *it, pp_xdlms_attr_sel_t *out)
{
    PP_TRY(get_attr(it, &out->attr));
    return get_access(it, &out->access);
}

pp_err_t pp_xdlms_next_method(pp_axdr_rd_t *it, pp_xdlms_attr_t *out)
{
    return get_attr(it, out);
}

pp_err_t pp_xdlms_next_data(pp_axdr_rd_t *it, const uint8_t **data, uint32_t *len)
{
    return get_data(it, data, len);
}

pp_err_t pp_xdlms_next_get_result(pp_axdr_rd_t *it, bool *is_dar, uint8_t *dar,
                                  const uint8_t **data, uint32_t *len)
{
    uint8_t choice;
    PP_TRY(get_u8(it, &choice));
    *data = NULL;
    *len = 0;
    *dar = PP_DAR_SUCCESS;
    *is_dar = choice == 1;
    if (choice == 0) {
        return get_data(it, data, len);
    }
    PP_VERIFY(choice == 1, PP_ERR_MALFORMED);
    return get_u8(it, dar);
}

static pp_err_t next_dar(pp_axdr_rd_t *it)
{
    uint8_t b;
    return get_u8(it, &b);
}

static pp_err_t next_get_result(pp_axdr_rd_t *it)
{
    bool is_dar;
    uint8_t dar;
    const uint8_t *p;
    uint32_t n;
    return pp_xdlms_next_get_result(it, &is_dar, &dar, &p, &n);
}

static pp_err_t next_attr_sel(pp_axdr_rd_t *it)
{
    pp_xdlms_attr_sel_t s;
    return pp_xdlms_next_attr_sel(it, &s);
}

static pp_err_t next_attr(pp_axdr_rd_t *it)
{
    pp_xdlms_attr_t a;
    return get_attr(it, &a);
}

static pp_err_t next_data(pp_axdr_rd_t *it)
{
    const uint8_t *p;
    uint32_t n;
    return get_data(it, &p, &n);
}

/* SEQUENCE OF: A-XDR count then items, each validated by item(). */
static pp_err_t get_list(pp_axdr_rd_t *rd, pp_err_t (*item)(pp_axdr_rd_t *), pp_xdlms_list_t *out)
{
    PP_TRY(pp_axdr_get_length(rd, &out->count));
    /* every item takes at least one octet */
    PP_VERIFY(out->count <= pp_axdr_remaining(rd), PP_ERR_TRUNCATED);
    size_t start = rd->pos;
    for (uint32_t i = 0; i < out->count; i++) {
        PP_TRY(item(rd));
    }
    out->ptr = rd->buf + start;
    out->len = (uint32_t)(rd->pos - start);
    return PP_OK;
}

/* DataBlock-SA / DataBlock-G raw part: last-block, block-number. */
static pp_err_t get_block_head(pp_axdr_rd_t *rd, bool *last, uint32_t *block)
{
    PP_TRY(get_boolean(rd, last));
    return get_u32(rd, block);
}

/* ---- writing helpers ---------------------------------------------------- */

static pp_err_t put_u8(pp_axdr_wr_t *wr, uint8_t v) { return pp_axdr_put_byte(wr, v); }
static pp_err_t put_u16(pp_axdr_wr_t *wr, uint16_t v) { return pp_axdr_put_be(wr, 2, v); }
static pp_err_t put_u32(pp_axdr_wr_t *wr, uint32_t v) { return pp_axdr_put_be(wr, 4, v); }

/* Writes n octets of head at once, or nothing. */
static pp_err_t put_head(pp_axdr_wr_t *wr, const uint8_t *head, size_t n)
{
    return pp_axdr_put_raw(wr, head, n);
}

static pp_err_t put_os(pp_axdr_wr_t *wr, const uint8_t *p, uint32_t len)
{
    PP_VERIFY(len == 0 || p != NULL, PP_ERR_ARG);
    PP_VERIFY(wr->cap - wr->pos >= pp_axdr_length_size(len) + len, PP_ERR_NOSPACE);
    PP_TRY(pp_axdr_put_length(wr, len));
    return pp_axdr_put_raw(wr, p, len);
}

pp_err_t pp_xdlms_put_attr(pp_axdr_wr_t *wr, const pp_xdlms_attr_t *a)
{
    uint8_t b[9] = {(uint8_t)(a->class_id >> 8), (uint8_t)a->class_id};
    memcpy(b + 2, a->ln, 6);
    b[8] = (uint8_t)a->id;
    return put_head(wr, b, sizeof b);
}

pp_err_t pp_xdlms_put_attr_sel(pp_axdr_wr_t *wr, const pp_xdlms_attr_sel_t *s)
{
    size_t start = wr->pos;
    pp_err_t rc = pp_xdlms_put_attr(wr, &s->attr);
    if (rc == PP_OK && !s->access.present) {
        rc = put_u8(wr, 0);
    } else if (rc == PP_OK) {
        uint8_t h[2] = {1, s->access.selector};
        rc = put_head(wr, h, 2);
        if (rc == PP_OK) {
            rc = pp_axdr_put_raw(wr, s->access.params, s->access.params_len);
        }
    }
    if (rc != PP_OK) {
        wr->pos = start; /* all or nothing */
    }
    return rc;
}

/* Finishes a whole-APDU encoder: length or error, nothing half-written
 * counts (the caller discards the buffer on error). */
static int done(pp_axdr_wr_t *wr, pp_err_t rc)
{
    return rc == PP_OK ? (int)wr->pos : rc;
}

/* ---- Initiate ----------------------------------------------------------- */

/* Conformance ::= [APPLICATION 31] IMPLICIT BIT STRING (SIZE(24)) */
static const uint8_t conf_head[4] = {0x5F, 0x1F, 0x04, 0x00};

static pp_err_t get_conformance(pp_axdr_rd_t *rd, uint32_t *out)
{
    const uint8_t *h;
    uint64_t v;
    PP_TRY(pp_axdr_get_raw(rd, 4, &h));
    PP_VERIFY(memcmp(h, conf_head, 4) == 0, PP_ERR_MALFORMED);
    PP_TRY(pp_axdr_get_be(rd, 3, &v));
    *out = (uint32_t)v;
    return PP_OK;
}

static pp_err_t put_conformance(pp_axdr_wr_t *wr, uint32_t c)
{
    uint8_t b[7] = {0x5F, 0x1F, 0x04, 0x00, (uint8_t)(c >> 16), (uint8_t)(c >> 8), (uint8_t)c};
    return put_head(wr, b, sizeof b);
}

static pp_err_t get_qos(pp_axdr_rd_t *rd, bool *has, int8_t *qos)
{
    PP_TRY(get_presence(rd, has));
    if (*has) {
        uint8_t b;
        PP_TRY(get_u8(rd, &b));
        *qos = (int8_t)b;
    }
    return PP_OK;
}

static pp_err_t put_qos(pp_axdr_wr_t *wr, bool has, int8_t qos)
{
    if (!has) {
        return put_u8(wr, 0);
    }
    uint8_t b[2] = {1, (uint8_t)qos};
    return put_head(wr, b, 2);
}

pp_err_t pp_xdlms_initiate_req_decode(const uint8_t *apdu, size_t len, pp_xdlms_initiate_req_t *out)
{
    pp_axdr_rd_t rd;
    bool present;
    memset(out, 0, sizeof *out);
    PP_TRY(begin(&rd, apdu, len, PP_APDU_INITIATE_REQUEST));
    PP_TRY(get_presence(&rd, &present));
    if (present) {
        uint32_t n;
        PP_TRY(get_os(&rd, &out->dedicated_key, &n));
        PP_VERIFY(n <= 0xFF, PP_ERR_RANGE);
        out->dedicated_key_len = (uint8_t)n;
    }
    out->response_allowed = true;
    PP_TRY(get_presence(&rd, &present)); /* DEFAULT TRUE: 00 means the default */
    if (present) {
        PP_TRY(get_boolean(&rd, &out->response_allowed));
    }
    PP_TRY(get_qos(&rd, &out->has_qos, &out->qos));
    PP_TRY(get_u8(&rd, &out->dlms_version));
    PP_TRY(get_conformance(&rd, &out->conformance));
    PP_TRY(get_u16(&rd, &out->max_pdu));
    return finish(&rd);
}

/* qos, version, conformance, max PDU: common to request and response */
static pp_err_t put_initiate_common(pp_axdr_wr_t *wr, bool has_qos, int8_t qos, uint8_t version,
                                    uint32_t conformance, uint16_t max_pdu)
{
    PP_TRY(put_qos(wr, has_qos, qos));
    PP_TRY(put_u8(wr, version));
    PP_TRY(put_conformance(wr, conformance));
    return put_u16(wr, max_pdu);
}

static pp_err_t put_initiate_req(pp_axdr_wr_t *wr, const pp_xdlms_initiate_req_t *in)
{
    PP_TRY(put_u8(wr, PP_APDU_INITIATE_REQUEST));
    if (in->dedicated_key) {
        PP_TRY(put_u8(wr, 1));
        PP_TRY(put_os(wr, in->dedicated_key, in->dedicated_key_len));
    } else {
        PP_TRY(put_u8(wr, 0));
    }
    /* canonical: the DEFAULT TRUE of response-allowed is not encoded */
    static const uint8_t not_allowed[2] = {1, 0};
    PP_TRY(in->response_allowed ? put_u8(wr, 0) : put_head(wr, not_allowed, 2));
    return put_initiate_common(wr, in->has_qos, in->qos, in->dlms_version, in->conformance,
                               in->max_pdu);
}

int pp_xdlms_initiate_req_encode(const pp_xdlms_initiate_req_t *in, uint8_t *out, size_t cap)
{
    pp_axdr_wr_t wr;
    pp_axdr_wr_init(&wr, out, cap);
    return done(&wr, put_initiate_req(&wr, in));
}

pp_err_t pp_xdlms_initiate_resp_decode(const uint8_t *apdu, size_t len, pp_xdlms_initiate_resp_t *out)
{
    pp_axdr_rd_t rd;
    memset(out, 0, sizeof *out);
    PP_TRY(begin(&rd, apdu, len, PP_APDU_INITIATE_RESPONSE));
    PP_TRY(get_qos(&rd, &out->has_qos, &out->qos));
    PP_TRY(get_u8(&rd, &out->dlms_version));
    PP_TRY(get_conformance(&rd, &out->conformance));
    PP_TRY(get_u16(&rd, &out->max_pdu));
    PP_TRY(get_u16(&rd, &out->vaa_name));
    return finish(&rd);
}

static pp_err_t put_initiate_resp(pp_axdr_wr_t *wr, const pp_xdlms_initiate_resp_t *in)
{
    PP_TRY(put_u8(wr, PP_APDU_INITIATE_RESPONSE));
    PP_TRY(put_initiate_common(wr, in->has_qos, in->qos, in->dlms_version, in->conformance,
                               in->max_pdu));
    return put_u16(wr, in->vaa_name);
}

int pp_xdlms_initiate_resp_encode(const pp_xdlms_initiate_resp_t *in, uint8_t *out, size_t cap)
{
    pp_axdr_wr_t wr;
    pp_axdr_wr_init(&wr, out, cap);
    return done(&wr, put_initiate_resp(&wr, in));
}

pp_err_t pp_xdlms_cse_decode(const uint8_t *apdu, size_t len, pp_xdlms_cse_t *out)
{
    pp_axdr_rd_t rd;
    PP_TRY(begin(&rd, apdu, len, PP_APDU_CONFIRMED_SERVICE_ERROR));
    PP_TRY(get_u8(&rd, &out->service));
    PP_TRY(get_u8(&rd, &out->error));
    PP_TRY(get_u8(&rd, &out->value));
    PP_VERIFY(out->service >= PP_CSE_INITIATE_ERROR && out->service <= PP_CSE_TERMINATE_UPLOAD,
              PP_ERR_RANGE);
    PP_VERIFY(out->error <= PP_SERR_OTHER, PP_ERR_RANGE);
    return finish(&rd);
}

int pp_xdlms_cse_encode(const pp_xdlms_cse_t *in, uint8_t *out, size_t cap)
{
    pp_axdr_wr_t wr;
    pp_axdr_wr_init(&wr, out, cap);
    uint8_t b[4] = {PP_APDU_CONFIRMED_SERVICE_ERROR, in->service, in->error, in->value};
    return done(&wr, put_head(&wr, b, sizeof b));
}

/* ---- GET ---------------------------------------------------------------- */

/* tag, choice, invoke-id-and-priority */
static pp_err_t begin_service(pp_axdr_rd_t *rd, const uint8_t *apdu, size_t len, uint8_t tag,
                              uint8_t *type, uint8_t *iidp)
{
    PP_TRY(begin(rd, apdu, len, tag));
    PP_TRY(get_u8(rd, type));
    return get_u8(rd, iidp);
}

pp_err_t pp_xdlms_get_req_decode(const uint8_t *apdu, size_t len, pp_xdlms_get_req_t *out)
{
    pp_axdr_rd_t rd;
    memset(out, 0, sizeof *out);
    PP_TRY(begin_service(&rd, apdu, len, PP_APDU_GET_REQUEST, &out->type, &out->iidp));
    switch (out->type) {
    case PP_GET_REQ_NORMAL: PP_TRY(pp_xdlms_next_attr_sel(&rd, &out->item)); break;
    case PP_GET_REQ_NEXT: PP_TRY(get_u32(&rd, &out->block_number)); break;
    case PP_GET_REQ_WITH_LIST: PP_TRY(get_list(&rd, next_attr_sel, &out->list)); break;
    default: return PP_ERR_MALFORMED;
    }
    return finish(&rd);
}

static pp_err_t put_service_head(pp_axdr_wr_t *wr, uint8_t tag, uint8_t type, uint8_t iidp)
{
    uint8_t h[3] = {tag, type, iidp};
    return put_head(wr, h, 3);
}

/* count + pre-encoded items */
static pp_err_t put_list(pp_axdr_wr_t *wr, const pp_xdlms_list_t *l)
{
    PP_VERIFY(l->len == 0 || l->ptr != NULL, PP_ERR_ARG);
    PP_VERIFY(wr->cap - wr->pos >= pp_axdr_length_size(l->count) + l->len, PP_ERR_NOSPACE);
    PP_TRY(pp_axdr_put_length(wr, l->count));
    return pp_axdr_put_raw(wr, l->ptr, l->len);
}

static pp_err_t put_get_req(pp_axdr_wr_t *wr, const pp_xdlms_get_req_t *in)
{
    PP_TRY(put_service_head(wr, PP_APDU_GET_REQUEST, in->type, in->iidp));
    switch (in->type) {
    case PP_GET_REQ_NORMAL: return pp_xdlms_put_attr_sel(wr, &in->item);
    case PP_GET_REQ_NEXT: return put_u32(wr, in->block_number);
    case PP_GET_REQ_WITH_LIST: return put_list(wr, &in->list);
    default: return PP_ERR_ARG;
    }
}

int pp_xdlms_get_req_encode(const pp_xdlms_get_req_t *in, uint8_t *out, size_t cap)
{
    pp_axdr_wr_t wr;
    pp_axdr_wr_init(&wr, out, cap);
    return done(&wr, put_get_req(&wr, in));
}

/* choice 00 + tail (Data or raw octet string) | 01 dar */
static pp_err_t get_result_choice(pp_axdr_rd_t *rd, bool raw, bool *is_dar, uint8_t *dar,
                                  const uint8_t **p, uint32_t *n)
{
    uint8_t choice;
    PP_TRY(get_u8(rd, &choice));
    *is_dar = choice == 1;
    if (choice == 0) {
        return raw ? get_os(rd, p, n) : get_data(rd, p, n);
    }
    PP_VERIFY(choice == 1, PP_ERR_MALFORMED);
    return get_u8(rd, dar);
}

pp_err_t pp_xdlms_get_resp_decode(const uint8_t *apdu, size_t len, pp_xdlms_get_resp_t *out)
{
    pp_axdr_rd_t rd;
    memset(out, 0, sizeof *out);
    PP_TRY(begin_service(&rd, apdu, len, PP_APDU_GET_RESPONSE, &out->type, &out->iidp));
    switch (out->type) {
    case PP_GET_RESP_NORMAL:
        PP_TRY(get_result_choice(&rd, false, &out->is_dar, &out->dar, &out->data, &out->data_len));
        break;
    case PP_GET_RESP_DATABLOCK:
        PP_TRY(get_block_head(&rd, &out->last_block, &out->block_number));
        PP_TRY(get_result_choice(&rd, true, &out->is_dar, &out->dar, &out->data, &out->data_len));
        break;
    case PP_GET_RESP_WITH_LIST: PP_TRY(get_list(&rd, next_get_result, &out->list)); break;
    default: return PP_ERR_MALFORMED;
    }
    return finish(&rd);
}

pp_err_t pp_xdlms_put_get_resp_normal(pp_axdr_wr_t *wr, uint8_t iidp)
{
    uint8_t h[4] = {PP_APDU_GET_RESPONSE, PP_GET_RESP_NORMAL, iidp, 0};
    return put_head(wr, h, 4);
}

pp_err_t pp_xdlms_put_get_resp_normal_dar(pp_axdr_wr_t *wr, uint8_t iidp, uint8_t dar)
{
    uint8_t h[5] = {PP_APDU_GET_RESPONSE, PP_GET_RESP_NORMAL, iidp, 1, dar};
    return put_head(wr, h, 5);
}

/* C4 02 iidp last block(4) choice */
static void block_head(uint8_t h[9], uint8_t tag, uint8_t type, uint8_t iidp, bool last,
                       uint32_t block)
{
    h[0] = tag;
    h[1] = type;
    h[2] = iidp;
    h[3] = last ? 1 : 0;
    h[4] = (uint8_t)(block >> 24);
    h[5] = (uint8_t)(block >> 16);
    h[6] = (uint8_t)(block >> 8);
    h[7] = (uint8_t)block;
}

size_t pp_xdlms_get_block_overhead(uint32_t raw_len)
{
    return 9u + pp_axdr_length_size(raw_len);
}

pp_err_t pp_xdlms_put_get_resp_block(pp_axdr_wr_t *wr, uint8_t iidp, bool last, uint32_t block,
                                     const uint8_t *raw, uint32_t raw_len)
{
    PP_VERIFY(raw_len <= PP_AXDR_MAX_LEN && (raw_len == 0 || raw), PP_ERR_ARG);
    PP_VERIFY(wr->cap - wr->pos >= pp_xdlms_get_block_overhead(raw_len) + raw_len, PP_ERR_NOSPACE);
    uint8_t h[9];
    block_head(h, PP_APDU_GET_RESPONSE, PP_GET_RESP_DATABLOCK, iidp, last, block);
    h[8] = 0;
    PP_TRY(put_head(wr, h, 9));
    return put_os(wr, raw, raw_len);
}

pp_err_t pp_xdlms_put_get_resp_block_dar(pp_axdr_wr_t *wr, uint8_t iidp, bool last,
                                         uint32_t block, uint8_t dar)
{
    uint8_t h[10];
    block_head(h, PP_APDU_GET_RESPONSE, PP_GET_RESP_DATABLOCK, iidp, last, block);
    h[8] = 1;
    h[9] = dar;
    return put_head(wr, h, 10);
}

pp_err_t pp_xdlms_put_get_resp_list(pp_axdr_wr_t *wr, uint8_t iidp, uint32_t count)
{
    PP_VERIFY(count <= PP_AXDR_MAX_LEN, PP_ERR_ARG);
    PP_VERIFY(wr->cap - wr->pos >= 3u + pp_axdr_length_size(count), PP_ERR_NOSPACE);
    PP_TRY(put_service_head(wr, PP_APDU_GET_RESPONSE, PP_GET_RESP_WITH_LIST, iidp));
    return pp_axdr_put_length(wr, count);
}

pp_err_t pp_xdlms_put_result_data(pp_axdr_wr_t *wr)
{
    return put_u8(wr, 0);
}

pp_err_t pp_xdlms_put_result_dar(pp_axdr_wr_t *wr, uint8_t dar)
{
    uint8_t h[2] = {1, dar};
    return put_head(wr, h, 2);
}

/* ---- SET ---------------------------------------------------------------- */

/* DataBlock-SA: last-block, block-number, raw-data */
static pp_err_t get_block_sa(pp_axdr_rd_t *rd, bool *last, uint32_t *block, const uint8_t **raw,
                             uint32_t *raw_len)
{
    PP_TRY(get_block_head(rd, last, block));
    return get_os(rd, raw, raw_len);
}

static pp_err_t put_block_sa(pp_axdr_wr_t *wr, bool last, uint32_t block, const uint8_t *raw,
                             uint32_t raw_len)
{
    PP_VERIFY(raw_len <= PP_AXDR_MAX_LEN, PP_ERR_ARG);
    PP_VERIFY(wr->cap - wr->pos >= 5u + pp_axdr_length_size(raw_len) + raw_len, PP_ERR_NOSPACE);
    PP_TRY(put_u8(wr, last ? 1 : 0));
    PP_TRY(put_u32(wr, block));
    return put_os(wr, raw, raw_len);
}

pp_err_t pp_xdlms_set_req_decode(const uint8_t *apdu, size_t len, pp_xdlms_set_req_t *out)
{
    pp_axdr_rd_t rd;
    memset(out, 0, sizeof *out);
    PP_TRY(begin_service(&rd, apdu, len, PP_APDU_SET_REQUEST, &out->type, &out->iidp));
    switch (out->type) {
    case PP_SET_REQ_NORMAL:
        PP_TRY(pp_xdlms_next_attr_sel(&rd, &out->item));
        PP_TRY(get_data(&rd, &out->value, &out->value_len));
        break;
    case PP_SET_REQ_FIRST_DATABLOCK:
        PP_TRY(pp_xdlms_next_attr_sel(&rd, &out->item));
        PP_TRY(get_block_sa(&rd, &out->last_block, &out->block_number, &out->raw, &out->raw_len));
        break;
    case PP_SET_REQ_DATABLOCK:
        PP_TRY(get_block_sa(&rd, &out->last_block, &out->block_number, &out->raw, &out->raw_len));
        break;
    case PP_SET_REQ_WITH_LIST:
        PP_TRY(get_list(&rd, next_attr_sel, &out->list));
        PP_TRY(get_list(&rd, next_data, &out->values));
        PP_VERIFY(out->values.count == out->list.count, PP_ERR_MALFORMED);
        break;
    case PP_SET_REQ_WITH_LIST_FIRST_DATABLOCK:
        PP_TRY(get_list(&rd, next_attr_sel, &out->list));
        PP_TRY(get_block_sa(&rd, &out->last_block, &out->block_number, &out->raw, &out->raw_len));
        break;
    default: return PP_ERR_MALFORMED;
    }
    return finish(&rd);
}

static pp_err_t put_set_req(pp_axdr_wr_t *wr, const pp_xdlms_set_req_t *in)
{
    PP_TRY(put_service_head(wr, PP_APDU_SET_REQUEST, in->type, in->iidp));
    switch (in->type) {
    case PP_SET_REQ_NORMAL:
        PP_TRY(pp_xdlms_put_attr_sel(wr, &in->item));
        return pp_axdr_put_raw(wr, in->value, in->value_len);
    case PP_SET_REQ_FIRST_DATABLOCK: PP_TRY(pp_xdlms_put_attr_sel(wr, &in->item)); break;
    case PP_SET_REQ_DATABLOCK: break;
    case PP_SET_REQ_WITH_LIST:
        PP_TRY(put_list(wr, &in->list));
        return put_list(wr, &in->values);
    case PP_SET_REQ_WITH_LIST_FIRST_DATABLOCK: PP_TRY(put_list(wr, &in->list)); break;
    default: return PP_ERR_ARG;
    }
    return put_block_sa(wr, in->last_block, in->block_number, in->raw, in->raw_len);
}

int pp_xdlms_set_req_encode(const pp_xdlms_set_req_t *in, uint8_t *out, size_t cap)
{
    pp_axdr_wr_t wr;
    pp_axdr_wr_init(&wr, out, cap);
    return done(&wr, put_set_req(&wr, in));
}

static pp_err_t get_dar_list(pp_axdr_rd_t *rd, pp_xdlms_list_t *l)
{
    return get_list(rd, next_dar, l);
}

pp_err_t pp_xdlms_set_resp_decode(const uint8_t *apdu, size_t len, pp_xdlms_set_resp_t *out)
{
    pp_axdr_rd_t rd;
    memset(out, 0, sizeof *out);
    PP_TRY(begin_service(&rd, apdu, len, PP_APDU_SET_RESPONSE, &out->type, &out->iidp));
    switch (out->type) {
    case PP_SET_RESP_NORMAL: PP_TRY(get_u8(&rd, &out->result)); break;
    case PP_SET_RESP_DATABLOCK: PP_TRY(get_u32(&rd, &out->block_number)); break;
    case PP_SET_RESP_LAST_DATABLOCK:
        PP_TRY(get_u8(&rd, &out->result));
        PP_TRY(get_u32(&rd, &out->block_number));
        break;
    case PP_SET_RESP_LAST_DATABLOCK_WITH_LIST:
        PP_TRY(get_dar_list(&rd, &out->results));
        PP_TRY(get_u32(&rd, &out->block_number));
        break;
    case PP_SET_RESP_WITH_LIST: PP_TRY(get_dar_list(&rd, &out->results)); break;
    default: return PP_ERR_MALFORMED;
    }
    return finish(&rd);
}

static pp_err_t put_set_resp(pp_axdr_wr_t *wr, const pp_xdlms_set_resp_t *in)
{
    bool with_list = in->type == PP_SET_RESP_LAST_DATABLOCK_WITH_LIST ||
                     in->type == PP_SET_RESP_WITH_LIST;
    bool with_block = in->type == PP_SET_RESP_DATABLOCK || in->type == PP_SET_RESP_LAST_DATABLOCK ||
                      in->type == PP_SET_RESP_LAST_DATABLOCK_WITH_LIST;
    PP_VERIFY(in->type >= PP_SET_RESP_NORMAL && in->type <= PP_SET_RESP_WITH_LIST, PP_ERR_ARG);
    PP_VERIFY(!with_list || in->results.len == in->results.count, PP_ERR_ARG);
    PP_TRY(put_service_head(wr, PP_APDU_SET_RESPONSE, in->type, in->iidp));
    if (in->type == PP_SET_RESP_NORMAL || in->type == PP_SET_RESP_LAST_DATABLOCK) {
        PP_TRY(put_u8(wr, in->result));
    }
    if (with_list) {
        PP_TRY(put_list(wr, &in->results));
    }
    return with_block ? put_u32(wr, in->block_number) : PP_OK;
}

int pp_xdlms_set_resp_encode(const pp_xdlms_set_resp_t *in, uint8_t *out, size_t cap)
{
    pp_axdr_wr_t wr;
    pp_axdr_wr_init(&wr, out, cap);
    return done(&wr, put_set_resp(&wr, in));
}

/* ---- ACTION ------------------------------------------------------------- */

pp_err_t pp_xdlms_action_req_decode(const uint8_t *apdu, size_t len, pp_xdlms_action_req_t *out)
{
    pp_axdr_rd_t rd;
    bool present;
    memset(out, 0, sizeof *out);
    PP_TRY(begin_service(&rd, apdu, len, PP_APDU_ACTION_REQUEST, &out->type, &out->iidp));
    switch (out->type) {
    case PP_ACTION_REQ_NORMAL:
        PP_TRY(get_attr(&rd, &out->method));
        PP_TRY(get_presence(&rd, &present));
        if (present) {
            PP_TRY(get_data(&rd, &out->params, &out->params_len));
        }
        break;
    case PP_ACTION_REQ_NEXT_PBLOCK: PP_TRY(get_u32(&rd, &out->block_number)); break;
    case PP_ACTION_REQ_WITH_FIRST_PBLOCK:
        PP_TRY(get_attr(&rd, &out->method));
        PP_TRY(get_block_sa(&rd, &out->last_block, &out->block_number, &out->raw, &out->raw_len));
        break;
    case PP_ACTION_REQ_WITH_PBLOCK:
        PP_TRY(get_block_sa(&rd, &out->last_block, &out->block_number, &out->raw, &out->raw_len));
        break;
    case PP_ACTION_REQ_WITH_LIST:
        PP_TRY(get_list(&rd, next_attr, &out->methods));
        PP_TRY(get_list(&rd, next_data, &out->param_list));
        PP_VERIFY(out->param_list.count == out->methods.count, PP_ERR_MALFORMED);
        break;
    case PP_ACTION_REQ_WITH_LIST_FIRST_PBLOCK:
        PP_TRY(get_list(&rd, next_attr, &out->methods));
        PP_TRY(get_block_sa(&rd, &out->last_block, &out->block_number, &out->raw, &out->raw_len));
        break;
    default: return PP_ERR_MALFORMED;
    }
    return finish(&rd);
}

static pp_err_t put_action_req(pp_axdr_wr_t *wr, const pp_xdlms_action_req_t *in)
{
    PP_TRY(put_service_head(wr, PP_APDU_ACTION_REQUEST, in->type, in->iidp));
    switch (in->type) {
    case PP_ACTION_REQ_NORMAL:
        PP_TRY(pp_xdlms_put_attr(wr, &in->method));
        PP_TRY(put_u8(wr, in->params ? 1 : 0));
        return in->params ? pp_axdr_put_raw(wr, in->params, in->params_len) : PP_OK;
    case PP_ACTION_REQ_NEXT_PBLOCK: return put_u32(wr, in->block_number);
    case PP_ACTION_REQ_WITH_FIRST_PBLOCK: PP_TRY(pp_xdlms_put_attr(wr, &in->method)); break;
    case PP_ACTION_REQ_WITH_PBLOCK: break;
    case PP_ACTION_REQ_WITH_LIST:
        PP_TRY(put_list(wr, &in->methods));
        return put_list(wr, &in->param_list);
    case PP_ACTION_REQ_WITH_LIST_FIRST_PBLOCK: PP_TRY(put_list(wr, &in->methods)); break;
    default: return PP_ERR_ARG;
    }
    return put_block_sa(wr, in->last_block, in->block_number, in->raw, in->raw_len);
}

int pp_xdlms_action_req_encode(const pp_xdlms_action_req_t *in, uint8_t *out, size_t cap)
{
    pp_axdr_wr_t wr;
    pp_axdr_wr_init(&wr, out, cap);
    return done(&wr, put_action_req(&wr, in));
}

pp_err_t pp_xdlms_next_action_result(pp_axdr_rd_t *it, uint8_t *result, bool *has_return,
                                     bool *is_dar, uint8_t *dar, const uint8_t **data,
                                     uint32_t *len)
{
    *data = NULL;
    *len = 0;
    *is_dar = false;
    *dar = PP_DAR_SUCCESS;
    PP_TRY(get_u8(it, result));
    PP_TRY(get_presence(it, has_return));
    return *has_return ? get_result_choice(it, false, is_dar, dar, data, len) : PP_OK;
}

static pp_err_t next_action_result(pp_axdr_rd_t *it)
{
    uint8_t result, dar;
    bool has, is_dar;
    const uint8_t *p;
    uint32_t n;
    return pp_xdlms_next_action_result(it, &result, &has, &is_dar, &dar, &p, &n);
}

pp_err_t pp_xdlms_action_resp_decode(const uint8_t *apdu, size_t len, pp_xdlms_action_resp_t *out)
{
    pp_axdr_rd_t rd;
    memset(out, 0, sizeof *out);
    PP_TRY(begin_service(&rd, apdu, len, PP_APDU_ACTION_RESPONSE, &out->type, &out->iidp));
    switch (out->type) {
    case PP_ACTION_RESP_NORMAL:
        PP_TRY(pp_xdlms_next_action_result(&rd, &out->result, &out->has_return,
                                           &out->return_is_dar, &out->return_dar, &out->data,
                                           &out->data_len));
        break;
    case PP_ACTION_RESP_WITH_PBLOCK:
        PP_TRY(get_block_sa(&rd, &out->last_block, &out->block_number, &out->data, &out->data_len));
        break;
    case PP_ACTION_RESP_NEXT_PBLOCK: PP_TRY(get_u32(&rd, &out->block_number)); break;
    case PP_ACTION_RESP_WITH_LIST: PP_TRY(get_list(&rd, next_action_result, &out->results)); break;
    default: return PP_ERR_MALFORMED;
    }
    return finish(&rd);
}

pp_err_t pp_xdlms_put_action_resp_normal(pp_axdr_wr_t *wr, uint8_t iidp, uint8_t result,
                                         bool with_return)
{
    uint8_t h[5] = {PP_APDU_ACTION_RESPONSE, PP_ACTION_RESP_NORMAL, iidp, result,
                    with_return ? 1 : 0};
    return put_head(wr, h, 5);
}

pp_err_t pp_xdlms_put_action_resp_next_pblock(pp_axdr_wr_t *wr, uint8_t iidp, uint32_t block)
{
    PP_VERIFY(wr->cap - wr->pos >= 7u, PP_ERR_NOSPACE);
    PP_TRY(put_service_head(wr, PP_APDU_ACTION_RESPONSE, PP_ACTION_RESP_NEXT_PBLOCK, iidp));
    return put_u32(wr, block);
}

pp_err_t pp_xdlms_put_action_resp_pblock(pp_axdr_wr_t *wr, uint8_t iidp, bool last,
                                         uint32_t block, const uint8_t *raw, uint32_t raw_len)
{
    PP_VERIFY(raw_len <= PP_AXDR_MAX_LEN && (raw_len == 0 || raw), PP_ERR_ARG);
    PP_VERIFY(wr->cap - wr->pos >= 8u + pp_axdr_length_size(raw_len) + raw_len, PP_ERR_NOSPACE);
    PP_TRY(put_service_head(wr, PP_APDU_ACTION_RESPONSE, PP_ACTION_RESP_WITH_PBLOCK, iidp));
    return put_block_sa(wr, last, block, raw, raw_len);
}

/* ---- notifications ------------------------------------------------------ */

pp_err_t pp_xdlms_put_event_notification(pp_axdr_wr_t *wr, const uint8_t *time12,
                                         const pp_xdlms_attr_t *attr)
{
    uint8_t h[24];
    size_t n = 0;
    h[n++] = PP_APDU_EVENT_NOTIFICATION;
    if (time12) {
        h[n++] = 1;
        h[n++] = 12;
        memcpy(h + n, time12, 12);
        n += 12;
    } else {
        h[n++] = 0;
    }
    PP_VERIFY(wr->cap - wr->pos >= n + 9u, PP_ERR_NOSPACE);
    PP_TRY(put_head(wr, h, n));
    return pp_xdlms_put_attr(wr, attr);
}

pp_err_t pp_xdlms_event_notification_decode(const uint8_t *apdu, size_t len,
                                            pp_xdlms_event_notification_t *out)
{
    pp_axdr_rd_t rd;
    bool present;
    memset(out, 0, sizeof *out);
    PP_TRY(begin(&rd, apdu, len, PP_APDU_EVENT_NOTIFICATION));
    PP_TRY(get_presence(&rd, &present));
    if (present) {
        PP_TRY(get_os(&rd, &out->time, &out->time_len));
    }
    PP_TRY(get_attr(&rd, &out->attr));
    PP_TRY(get_data(&rd, &out->value, &out->value_len));
    return finish(&rd);
}

pp_err_t pp_xdlms_put_data_notification(pp_axdr_wr_t *wr, uint32_t liidp,
                                        const pp_axdr_datetime_t *dt)
{
    uint8_t h[18] = {PP_APDU_DATA_NOTIFICATION, (uint8_t)(liidp >> 24), (uint8_t)(liidp >> 16),
                     (uint8_t)(liidp >> 8), (uint8_t)liidp, 0};
    if (dt) {
        h[5] = 12;
        pp_axdr_datetime_pack(dt, h + 6);
    }
    return put_head(wr, h, dt ? 18u : 6u);
}

pp_err_t pp_xdlms_data_notification_decode(const uint8_t *apdu, size_t len,
                                           pp_xdlms_data_notification_t *out)
{
    pp_axdr_rd_t rd;
    const uint8_t *dt;
    uint32_t n;
    memset(out, 0, sizeof *out);
    PP_TRY(begin(&rd, apdu, len, PP_APDU_DATA_NOTIFICATION));
    PP_TRY(get_u32(&rd, &out->liidp));
    PP_TRY(get_os(&rd, &dt, &n));
    PP_VERIFY(n == 0 || n == 12, PP_ERR_MALFORMED);
    out->datetime = n ? dt : NULL;
    PP_TRY(get_data(&rd, &out->body, &out->body_len));
    return finish(&rd);
}

/* ---- ExceptionResponse -------------------------------------------------- */

pp_err_t pp_xdlms_exception_decode(const uint8_t *apdu, size_t len, pp_xdlms_exception_t *out)
{
    pp_axdr_rd_t rd;
    memset(out, 0, sizeof *out);
    PP_TRY(begin(&rd, apdu, len, PP_APDU_EXCEPTION_RESPONSE));
    PP_TRY(get_u8(&rd, &out->state_error));
    PP_TRY(get_u8(&rd, &out->service_error));
    PP_VERIFY(out->state_error >= PP_EXC_STATE_SERVICE_NOT_ALLOWED &&
                  out->state_error <= PP_EXC_STATE_SERVICE_UNKNOWN,
              PP_ERR_RANGE);
    PP_VERIFY(out->service_error >= PP_EXC_SERVICE_OPERATION_NOT_POSSIBLE &&
                  out->service_error <= PP_EXC_SERVICE_INVOCATION_COUNTER_ERROR,
              PP_ERR_RANGE);
    if (out->service_error == PP_EXC_SERVICE_INVOCATION_COUNTER_ERROR) {
        PP_TRY(get_u32(&rd, &out->invocation_counter));
    }
    return finish(&rd);
}

int pp_xdlms_exception_encode(const pp_xdlms_exception_t *in, uint8_t *out, size_t cap)
{
    pp_axdr_wr_t wr;
    pp_axdr_wr_init(&wr, out, cap);
    uint32_t ic = in->invocation_counter;
    uint8_t b[7] = {PP_APDU_EXCEPTION_RESPONSE, in->state_error, in->service_error,
                    (uint8_t)(ic >> 24), (uint8_t)(ic >> 16), (uint8_t)(ic >> 8), (uint8_t)ic};
    bool with_ic = in->service_error == PP_EXC_SERVICE_INVOCATION_COUNTER_ERROR;
    return done(&wr, put_head(&wr, b, with_ic ? 7u : 3u));
}

/* ---- ciphered APDUs ----------------------------------------------------- */

static bool is_general_ciphering(uint8_t tag)
{
    return tag == PP_APDU_GENERAL_GLO_CIPHERING || tag == PP_APDU_GENERAL_DED_CIPHERING;
}

/* ---- general-block-transfer --------------------------------------------- */

pp_err_t pp_xdlms_gbt_decode(const uint8_t *apdu, size_t len, pp_xdlms_gbt_t *out)
{
    pp_axdr_rd_t rd;
    memset(out, 0, sizeof *out);
    PP_TRY(begin(&rd, apdu, len, PP_APDU_GENERAL_BLOCK_TRANSFER));
    PP_TRY(get_u8(&rd, &out->control));
    PP_TRY(get_u16(&rd, &out->block_number));
    PP_TRY(get_u16(&rd, &out->block_number_ack));
    PP_TRY(get_os(&rd, &out->data, &out->data_len));
    return finish(&rd);
}

pp_err_t pp_xdlms_put_gbt_head(pp_axdr_wr_t *wr, uint8_t control, uint16_t block_number,
                               uint16_t block_number_ack, uint32_t data_len)
{
    PP_VERIFY(data_len <= PP_AXDR_MAX_LEN, PP_ERR_ARG);
    PP_VERIFY(wr->cap - wr->pos >= 6u + pp_axdr_length_size(data_len), PP_ERR_NOSPACE);
    PP_TRY(put_u8(wr, PP_APDU_GENERAL_BLOCK_TRANSFER));
    PP_TRY(put_u8(wr, control));
    PP_TRY(put_u16(wr, block_number));
    PP_TRY(put_u16(wr, block_number_ack));
    return pp_axdr_put_length(wr, data_len);
}

int pp_xdlms_gbt_encode(const pp_xdlms_gbt_t *in, uint8_t *out, size_t cap)
{
    pp_axdr_wr_t wr;
    pp_axdr_wr_init(&wr, out, cap);
    pp_err_t rc = pp_xdlms_put_gbt_head(&wr, in->control, in->block_number,
                                        in->block_number_ack, in->data_len);
    if (rc == PP_OK) {
        rc = pp_axdr_put_raw(&wr, in->data, in->data_len);
    }
    return done(&wr, rc);
}

bool pp_xdlms_is_ciphered_tag(uint8_t tag)
{
    switch (tag) {
    case PP_APDU_GLO_INITIATE_REQUEST: case PP_APDU_GLO_INITIATE_RESPONSE:
    case PP_APDU_GLO_CONFIRMED_SERVICE_ERROR: case PP_APDU_DED_INITIATE_REQUEST:
    case PP_APDU_DED_INITIATE_RESPONSE: case PP_APDU_DED_CONFIRMED_SERVICE_ERROR:
        return true;
    default:
        break;
    }
    if (tag >= PP_APDU_GLO_GET_REQUEST && tag <= PP_APDU_DED_ACTION_RESPONSE) {
        return tag != 0xCE && tag != 0xD6; /* unassigned */
    }
    return is_general_ciphering(tag);
}

pp_err_t pp_xdlms_cipher_parse(const uint8_t *apdu, size_t len, pp_xdlms_cipher_hdr_t *out)
{
    pp_axdr_rd_t rd;
    memset(out, 0, sizeof *out);
    PP_VERIFY(apdu != NULL, PP_ERR_ARG);
    pp_axdr_rd_init(&rd, apdu, len);
    PP_TRY(get_u8(&rd, &out->tag));
    PP_VERIFY(pp_xdlms_is_ciphered_tag(out->tag),
              out->tag == PP_APDU_GENERAL_CIPHERING ? PP_ERR_UNSUPPORTED : PP_ERR_MALFORMED);
    if (is_general_ciphering(out->tag)) {
        PP_TRY(get_os(&rd, &out->system_title, &out->system_title_len));
    }
    PP_TRY(get_os(&rd, &out->content, &out->content_len));
    PP_TRY(finish(&rd));
    PP_VERIFY(out->content_len >= 5, PP_ERR_MALFORMED); /* SC + IC at least */
    out->sc = out->content[0];
    out->ic = (uint32_t)out->content[1] << 24 | (uint32_t)out->content[2] << 16 |
              (uint32_t)out->content[3] << 8 | out->content[4];
    out->payload = out->content + 5;
    out->payload_len = out->content_len - 5;
    return PP_OK;
}

pp_err_t pp_xdlms_cipher_put_header(pp_axdr_wr_t *wr, uint8_t tag, const uint8_t *system_title,
                                    uint32_t system_title_len, uint8_t sc, uint32_t ic,
                                    uint32_t payload_len)
{
    bool general = is_general_ciphering(tag);
    PP_VERIFY(pp_xdlms_is_ciphered_tag(tag) && (general == (system_title != NULL)), PP_ERR_ARG);
    PP_VERIFY(payload_len <= PP_AXDR_MAX_LEN - 5 && system_title_len <= 0xFF, PP_ERR_ARG);
    uint32_t content = payload_len + 5;
    size_t need = 1u + pp_axdr_length_size(content) + 5u;
    if (general) {
        need += pp_axdr_length_size(system_title_len) + system_title_len;
    }
    PP_VERIFY(wr->cap - wr->pos >= need, PP_ERR_NOSPACE);
    PP_TRY(put_u8(wr, tag));
    if (general) {
        PP_TRY(put_os(wr, system_title, system_title_len));
    }
    PP_TRY(pp_axdr_put_length(wr, content));
    PP_TRY(put_u8(wr, sc));
    return put_u32(wr, ic);
}

/* ---- selective access --------------------------------------------------- */

pp_err_t pp_xdlms_next_capture_obj(pp_axdr_rd_t *it, pp_xdlms_capture_obj_t *out)
{
    const uint8_t *ln;
    uint32_t n;
    PP_TRY(pp_axdr_expect_struct(it, 4));
    PP_TRY(pp_axdr_get_u16(it, &out->class_id));
    PP_TRY(pp_axdr_get_octets(it, &ln, &n));
    PP_VERIFY(n == 6, PP_ERR_MALFORMED);
    memcpy(out->ln, ln, 6);
    PP_TRY(pp_axdr_get_i8(it, &out->attr));
    return pp_axdr_get_u16(it, &out->data_index);
}

static pp_err_t next_capture_obj(pp_axdr_rd_t *it)
{
    pp_xdlms_capture_obj_t c;
    return pp_xdlms_next_capture_obj(it, &c);
}

pp_err_t pp_xdlms_range_parse(const uint8_t *params, size_t len, pp_xdlms_range_t *out)
{
    pp_axdr_rd_t rd;
    memset(out, 0, sizeof *out);
    PP_VERIFY(params != NULL, PP_ERR_ARG);
    range_shape_t r;
    if (range_shaped(params, len, &r) && r.size == len) {
        capture_obj_take(params + 2, &out->restricting);
        out->from = params + r.from;
        out->from_len = (uint32_t)r.from_len;
        out->to = params + r.to;
        out->to_len = (uint32_t)r.to_len;
        out->columns = (pp_xdlms_list_t){.count = r.column_count, .ptr = params + r.columns,
                                         .len = (uint32_t)(len - r.columns)};
        return PP_OK;
    }
    pp_axdr_rd_init(&rd, params, len);
    PP_TRY(pp_axdr_expect_struct(&rd, 4));
    PP_TRY(pp_xdlms_next_capture_obj(&rd, &out->restricting));
    PP_TRY(get_data(&rd, &out->from, &out->from_len));
    PP_TRY(get_data(&rd, &out->to, &out->to_len));
    PP_VERIFY(rd.pos < rd.end, PP_ERR_TRUNCATED);
    PP_VERIFY(rd.buf[rd.pos] == PP_DT_ARRAY, PP_ERR_MALFORMED);
    rd.pos++;
    PP_TRY(get_list(&rd, next_capture_obj, &out->columns));
    return finish(&rd);
}

pp_err_t pp_xdlms_entry_parse(const uint8_t *params, size_t len, pp_xdlms_entry_t *out)
{
    pp_axdr_rd_t rd;
    memset(out, 0, sizeof *out);
    PP_VERIFY(params != NULL, PP_ERR_ARG);
    pp_axdr_rd_init(&rd, params, len);
    PP_TRY(pp_axdr_expect_struct(&rd, 4));
    PP_TRY(pp_axdr_get_u32(&rd, &out->from_entry));
    PP_TRY(pp_axdr_get_u32(&rd, &out->to_entry));
    PP_TRY(pp_axdr_get_u16(&rd, &out->from_value));
    PP_TRY(pp_axdr_get_u16(&rd, &out->to_value));
    return finish(&rd);
}

pp_err_t pp_xdlms_put_capture_obj(pp_axdr_wr_t *wr, const pp_xdlms_capture_obj_t *c)
{
    uint8_t b[18] = {PP_DT_STRUCTURE, 4, PP_DT_LONG_UNSIGNED, (uint8_t)(c->class_id >> 8),
                     (uint8_t)c->class_id, PP_DT_OCTET_STRING, 6};
    memcpy(b + 7, c->ln, 6);
    b[13] = PP_DT_INTEGER;
    b[14] = (uint8_t)c->attr;
    b[15] = PP_DT_LONG_UNSIGNED;
    b[16] = (uint8_t)(c->data_index >> 8);
    b[17] = (uint8_t)c->data_index;
    return put_head(wr, b, sizeof b);
}

pp_err_t pp_xdlms_put_entry(pp_axdr_wr_t *wr, const pp_xdlms_entry_t *e)
{
    uint8_t b[18] = {PP_DT_STRUCTURE, 4, PP_DT_DOUBLE_LONG_UNSIGNED};
    size_t n = 3;
    for (int i = 3; i >= 0; i--) {
        b[n++] = (uint8_t)(e->from_entry >> (8 * i));
    }
    b[n++] = PP_DT_DOUBLE_LONG_UNSIGNED;
    for (int i = 3; i >= 0; i--) {
        b[n++] = (uint8_t)(e->to_entry >> (8 * i));
    }
    b[n++] = PP_DT_LONG_UNSIGNED;
    b[n++] = (uint8_t)(e->from_value >> 8);
    b[n++] = (uint8_t)e->from_value;
    b[n++] = PP_DT_LONG_UNSIGNED;
    b[n++] = (uint8_t)(e->to_value >> 8);
    b[n++] = (uint8_t)e->to_value;
    return put_head(wr, b, n);
}

const char *pp_xdlms_dar_name(uint8_t dar)
{
    switch (dar) {
    case PP_DAR_SUCCESS: return "success";
    case PP_DAR_HARDWARE_FAULT: return "hardware-fault";
    case PP_DAR_TEMPORARY_FAILURE: return "temporary-failure";
    case PP_DAR_READ_WRITE_DENIED: return "read-write-denied";
    case PP_DAR_OBJECT_UNDEFINED: return "object-undefined";
    case PP_DAR_OBJECT_CLASS_INCONSISTENT: return "object-class-inconsistent";
    case PP_DAR_OBJECT_UNAVAILABLE: return "object-unavailable";
    case PP_DAR_TYPE_UNMATCHED: return "type-unmatched";
    case PP_DAR_SCOPE_OF_ACCESS_VIOLATED: return "scope-of-access-violated";
    case PP_DAR_DATA_BLOCK_UNAVAILABLE: return "data-block-unavailable";
    case PP_DAR_LONG_GET_ABORTED: return "long-get-aborted";
    case PP_DAR_NO_LONG_GET_IN_PROGRESS: return "no-long-get-in-progress";
    case PP_DAR_LONG_SET_ABORTED: return "long-set-aborted";
    case PP_DAR_NO_LONG_SET_IN_PROGRESS: return "no-long-set-in-progress";
    case PP_DAR_DATA_BLOCK_NUMBER_INVALID: return "data-block-number-invalid";
    case PP_DAR_OTHER_REASON: return "other-reason";
    default: return "unknown";
    }
}
