/* ACSE AARQ/AARE/RLRQ/RLRE (BER) for DLMS/COSEM LN associations. */
#include "polyphase/acse.h"

#include <string.h>

#include "polyphase/ber.h"

/* 2.16.756.5.8 = 60 85 74 05 08; then 1 (context) or 2 (mechanism), then x. */
static const uint8_t oid_dlms_ua[5] = {0x60, 0x85, 0x74, 0x05, 0x08};
#define OID_LEN 7u
#define OID_ARC_CONTEXT 1u
#define OID_ARC_MECH 2u

/* Highest field tag number in any of our APDUs: user-information [30]. */
#define FIELD_MAX 31u

/* ---- decoding helpers --------------------------------------------------- */

/* val must hold exactly one TLV with this tag; returns its value. */
static pp_err_t inner_tlv(const uint8_t *val, uint32_t len, uint8_t tag, const uint8_t **p,
                          uint32_t *n)
{
    pp_axdr_rd_t rd;
    pp_axdr_rd_init(&rd, val, len);
    PP_TRY(pp_ber_get_tlv(&rd, tag, p, n));
    PP_VERIFY(pp_axdr_remaining(&rd) == 0, PP_ERR_MALFORMED);
    return PP_OK;
}

static pp_err_t inner_bytes(const uint8_t *val, uint32_t len, uint8_t tag, pp_acse_bytes_t *out)
{
    return inner_tlv(val, len, tag, &out->ptr, &out->len);
}

static pp_err_t inner_uint(const uint8_t *val, uint32_t len, uint32_t *out)
{
    const uint8_t *p;
    uint32_t n;
    PP_TRY(inner_tlv(val, len, 0x02, &p, &n));
    return pp_ber_uint_decode(p, n, out);
}

/* Last arc of 2.16.756.5.8.<arc>.x, or unknown. */
static uint8_t oid_last_arc(const uint8_t *p, uint32_t n, uint8_t arc, uint8_t unknown)
{
    if (n != OID_LEN || memcmp(p, oid_dlms_ua, sizeof oid_dlms_ua) != 0 || p[5] != arc ||
        p[6] >= 0x80) {
        return unknown;
    }
    return p[6];
}

static pp_err_t context_name(const uint8_t *val, uint32_t len, uint8_t *out)
{
    const uint8_t *p;
    uint32_t n;
    PP_TRY(inner_tlv(val, len, 0x06, &p, &n));
    PP_VERIFY(n > 0, PP_ERR_MALFORMED);
    *out = oid_last_arc(p, n, OID_ARC_CONTEXT, PP_ACSE_CTX_UNKNOWN);
    return PP_OK;
}

static pp_err_t mechanism_name(const uint8_t *val, uint32_t len, uint8_t *out)
{
    PP_VERIFY(len > 0, PP_ERR_MALFORMED);
    *out = oid_last_arc(val, len, OID_ARC_MECH, PP_ACSE_MECH_UNKNOWN);
    return PP_OK;
}

/* BIT STRING contents: unused-bit count then bits; returns bit 0. */
static pp_err_t first_bit(const uint8_t *val, uint32_t len, bool *out)
{
    PP_VERIFY(len >= 1 && val[0] <= 7 && (len > 1 || val[0] == 0), PP_ERR_MALFORMED);
    *out = len > 1 && (val[1] & 0x80u);
    return PP_OK;
}

/* Authentication-value CHOICE: only charstring [0] is used by DLMS. */
static pp_err_t auth_value(const uint8_t *val, uint32_t len, pp_acse_bytes_t *out)
{
    PP_VERIFY(len >= 1, PP_ERR_MALFORMED);
    PP_VERIFY(val[0] == 0x80, val[0] >= 0x81 && val[0] <= 0xA3 ? PP_ERR_UNSUPPORTED : PP_ERR_MALFORMED);
    return inner_bytes(val, len, 0x80, out);
}

typedef pp_err_t (*field_fn)(uint8_t num, const uint8_t *val, uint32_t len, void *out);

/* Walks the fields of one APDU: tag numbers strictly ascending, each tag
 * byte exactly as `expected[num]` says (0: field not allowed). */
static pp_err_t decode_fields(const uint8_t *apdu, size_t len, uint8_t apdu_tag,
                              const uint8_t expected[FIELD_MAX], field_fn fn, void *out,
                              uint32_t *seen)
{
    pp_axdr_rd_t rd;
    const uint8_t *body;
    uint32_t body_len;
    PP_VERIFY(apdu != NULL, PP_ERR_ARG);
    pp_axdr_rd_init(&rd, apdu, len);
    PP_TRY(pp_ber_get_tlv(&rd, apdu_tag, &body, &body_len));
    PP_VERIFY(pp_axdr_remaining(&rd) == 0, PP_ERR_MALFORMED);
    pp_axdr_rd_init(&rd, body, body_len);
    int last = -1;
    *seen = 0;
    while (pp_axdr_remaining(&rd) > 0) {
        uint8_t tag;
        uint32_t n;
        const uint8_t *val;
        PP_TRY(pp_ber_get_tl(&rd, &tag, &n));
        uint8_t num = tag & 0x1Fu;
        PP_VERIFY(expected[num] == tag, PP_ERR_MALFORMED);
        PP_VERIFY((int)num > last, PP_ERR_MALFORMED); /* order, no repeats */
        last = num;
        PP_TRY(pp_axdr_get_raw(&rd, n, &val));
        PP_TRY(fn(num, val, n, out));
        *seen |= 1ul << num;
    }
    return PP_OK;
}

/* ---- AARQ --------------------------------------------------------------- */

static const uint8_t aarq_fields[FIELD_MAX] = {
    [0] = 0x80, [1] = 0xA1, [2] = 0xA2, [3] = 0xA3, [4] = 0xA4, [5] = 0xA5,
    [6] = 0xA6, [7] = 0xA7, [8] = 0xA8, [9] = 0xA9, [10] = 0x8A, [11] = 0x8B,
    [12] = 0xAC, [29] = 0x9D, [30] = 0xBE,
};

static pp_err_t aarq_field(uint8_t num, const uint8_t *val, uint32_t len, void *arg)
{
    pp_acse_aarq_t *a = arg;
    bool bit;
    uint32_t u;
    switch (num) {
    case 0:
        PP_TRY(first_bit(val, len, &bit));
        a->version_ok = bit;
        return PP_OK;
    case 1: return context_name(val, len, &a->context);
    case 6: return inner_bytes(val, len, 0x04, &a->calling_ap_title);
    case 7: return inner_bytes(val, len, 0x04, &a->calling_ae_qualifier);
    case 8: return inner_uint(val, len, &u); /* calling-AP-invocation-id: unused */
    case 9:
        a->has_calling_ae_invocation_id = true;
        return inner_uint(val, len, &a->calling_ae_invocation_id);
    case 10: return first_bit(val, len, &a->auth_required);
    case 11: return mechanism_name(val, len, &a->mechanism);
    case 12: return auth_value(val, len, &a->auth_value);
    case 30: return inner_bytes(val, len, 0x04, &a->user_info);
    default: return PP_OK; /* called-*, implementation-information: not used */
    }
}

pp_err_t pp_acse_aarq_decode(const uint8_t *apdu, size_t len, pp_acse_aarq_t *out)
{
    memset(out, 0, sizeof *out);
    out->version_ok = true;
    out->mechanism = PP_ACSE_MECH_NONE;
    uint32_t seen;
    PP_TRY(decode_fields(apdu, len, PP_APDU_AARQ, aarq_fields, aarq_field, out, &seen));
    PP_VERIFY(seen & (1ul << 1), PP_ERR_MALFORMED); /* application-context-name */
    return PP_OK;
}

/* ---- AARE --------------------------------------------------------------- */

static const uint8_t aare_fields[FIELD_MAX] = {
    [0] = 0x80, [1] = 0xA1, [2] = 0xA2, [3] = 0xA3, [4] = 0xA4, [5] = 0xA5,
    [6] = 0xA6, [7] = 0xA7, [8] = 0x88, [9] = 0x89, [10] = 0xAA, [29] = 0x9D,
    [30] = 0xBE,
};

static pp_err_t aare_diag(const uint8_t *val, uint32_t len, pp_acse_aare_t *a)
{
    PP_VERIFY(len >= 1, PP_ERR_MALFORMED);
    uint8_t src = val[0] == 0xA1 ? PP_ACSE_DIAG_USER : PP_ACSE_DIAG_PROVIDER;
    const uint8_t *p;
    uint32_t n, u;
    PP_TRY(inner_tlv(val, len, src == PP_ACSE_DIAG_USER ? 0xA1 : 0xA2, &p, &n));
    PP_TRY(inner_uint(p, n, &u));
    PP_VERIFY(u <= 0xFF, PP_ERR_RANGE);
    a->diag_source = src;
    a->diag = (uint8_t)u;
    return PP_OK;
}

static pp_err_t aare_field(uint8_t num, const uint8_t *val, uint32_t len, void *arg)
{
    pp_acse_aare_t *a = arg;
    bool bit;
    uint32_t u;
    switch (num) {
    case 0: return first_bit(val, len, &bit);
    case 1: return context_name(val, len, &a->context);
    case 2:
        PP_TRY(inner_uint(val, len, &u));
        PP_VERIFY(u <= PP_ACSE_REJECTED_TRANSIENT, PP_ERR_RANGE);
        a->result = (uint8_t)u;
        return PP_OK;
    case 3: return aare_diag(val, len, a);
    case 4: return inner_bytes(val, len, 0x04, &a->responding_ap_title);
    case 5: return inner_bytes(val, len, 0x04, &a->responding_ae_qualifier);
    case 6: case 7: return inner_uint(val, len, &u);
    case 8: return first_bit(val, len, &a->auth_required);
    case 9: return mechanism_name(val, len, &a->mechanism);
    case 10: return auth_value(val, len, &a->auth_value);
    case 30: return inner_bytes(val, len, 0x04, &a->user_info);
    default: return PP_OK;
    }
}

pp_err_t pp_acse_aare_decode(const uint8_t *apdu, size_t len, pp_acse_aare_t *out)
{
    memset(out, 0, sizeof *out);
    out->mechanism = PP_ACSE_MECH_NONE;
    uint32_t seen;
    PP_TRY(decode_fields(apdu, len, PP_APDU_AARE, aare_fields, aare_field, out, &seen));
    uint32_t need = 1ul << 1 | 1ul << 2 | 1ul << 3;
    PP_VERIFY((seen & need) == need, PP_ERR_MALFORMED);
    return PP_OK;
}

/* ---- RLRQ / RLRE -------------------------------------------------------- */

static const uint8_t release_fields[FIELD_MAX] = {[0] = 0x80, [30] = 0xBE};

static pp_err_t release_field(uint8_t num, const uint8_t *val, uint32_t len, void *arg)
{
    pp_acse_release_t *r = arg;
    if (num == 0) {
        uint32_t u;
        PP_TRY(pp_ber_uint_decode(val, len, &u));
        PP_VERIFY(u <= 0xFF, PP_ERR_RANGE);
        r->has_reason = true;
        r->reason = (uint8_t)u;
        return PP_OK;
    }
    return inner_bytes(val, len, 0x04, &r->user_info);
}

static pp_err_t release_decode(const uint8_t *apdu, size_t len, uint8_t tag, pp_acse_release_t *out)
{
    memset(out, 0, sizeof *out);
    uint32_t seen;
    return decode_fields(apdu, len, tag, release_fields, release_field, out, &seen);
}

pp_err_t pp_acse_rlrq_decode(const uint8_t *apdu, size_t len, pp_acse_release_t *out)
{
    return release_decode(apdu, len, PP_APDU_RLRQ, out);
}

pp_err_t pp_acse_rlre_decode(const uint8_t *apdu, size_t len, pp_acse_release_t *out)
{
    return release_decode(apdu, len, PP_APDU_RLRE, out);
}

/* ---- encoding ----------------------------------------------------------- */

/* One field: tag, then either the value or an inner TLV (inner != 0). */
typedef struct field {
    uint8_t tag;
    uint8_t inner;
    const uint8_t *val;
    uint32_t len;
} field_t;

#define MAX_FIELDS 12

typedef struct fields {
    field_t f[MAX_FIELDS];
    unsigned n;
} fields_t;

static void add(fields_t *fs, uint8_t tag, uint8_t inner, const uint8_t *val, uint32_t len)
{
    fs->f[fs->n++] = (field_t){tag, inner, val, len};
}

static void add_bytes(fields_t *fs, uint8_t tag, uint8_t inner, const pp_acse_bytes_t *b)
{
    if (b->ptr) {
        add(fs, tag, inner, b->ptr, b->len);
    }
}

static size_t field_size(const field_t *f)
{
    size_t c = f->inner ? pp_ber_tlv_size(f->len) : f->len;
    return pp_ber_tlv_size((uint32_t)c);
}

static int emit(uint8_t apdu_tag, const fields_t *fs, uint8_t *out, size_t cap)
{
    size_t content = 0;
    for (unsigned i = 0; i < fs->n; i++) {
        PP_VERIFY(fs->f[i].len <= PP_AXDR_MAX_LEN / 2, PP_ERR_ARG);
        content += field_size(&fs->f[i]);
    }
    PP_VERIFY(content <= PP_AXDR_MAX_LEN / 2, PP_ERR_ARG);
    size_t total = pp_ber_tlv_size((uint32_t)content);
    PP_VERIFY(out != NULL && total <= cap, PP_ERR_NOSPACE);
    pp_axdr_wr_t wr;
    pp_axdr_wr_init(&wr, out, cap);
    PP_TRY(pp_ber_put_tl(&wr, apdu_tag, (uint32_t)content));
    for (unsigned i = 0; i < fs->n; i++) {
        const field_t *f = &fs->f[i];
        if (f->inner) {
            PP_TRY(pp_ber_put_tl(&wr, f->tag, (uint32_t)pp_ber_tlv_size(f->len)));
            PP_TRY(pp_ber_put_tlv(&wr, f->inner, f->val, f->len));
        } else {
            PP_TRY(pp_ber_put_tlv(&wr, f->tag, f->val, f->len));
        }
    }
    return (int)wr.pos;
}

static const uint8_t acse_req_auth[2] = {0x07, 0x80}; /* BIT STRING {authentication} */

/* OID buffers live in the caller's frame: the encoder has no statics. */
static void make_oid(uint8_t oid[OID_LEN], uint8_t arc, uint8_t last)
{
    memcpy(oid, oid_dlms_ua, sizeof oid_dlms_ua);
    oid[5] = arc;
    oid[6] = last;
}

int pp_acse_aarq_encode(const pp_acse_aarq_t *in, uint8_t *out, size_t cap)
{
    PP_VERIFY(in->context < 0x80 && (in->mechanism < 0x80 || in->mechanism == PP_ACSE_MECH_NONE),
              PP_ERR_ARG);
    uint8_t ctx[OID_LEN], mech[OID_LEN], inv[5];
    fields_t fs = {.n = 0};
    make_oid(ctx, OID_ARC_CONTEXT, in->context);
    make_oid(mech, OID_ARC_MECH, in->mechanism);
    add(&fs, 0xA1, 0x06, ctx, OID_LEN);
    add_bytes(&fs, 0xA6, 0x04, &in->calling_ap_title);
    add_bytes(&fs, 0xA7, 0x04, &in->calling_ae_qualifier);
    if (in->has_calling_ae_invocation_id) {
        pp_axdr_wr_t w;
        pp_axdr_wr_init(&w, inv, sizeof inv);
        PP_TRY(pp_ber_put_uint_contents(&w, in->calling_ae_invocation_id));
        add(&fs, 0xA9, 0x02, inv, (uint32_t)w.pos);
    }
    if (in->auth_required) {
        add(&fs, 0x8A, 0, acse_req_auth, 2);
    }
    if (in->mechanism != PP_ACSE_MECH_NONE) {
        add(&fs, 0x8B, 0, mech, OID_LEN);
    }
    add_bytes(&fs, 0xAC, 0x80, &in->auth_value);
    add_bytes(&fs, 0xBE, 0x04, &in->user_info);
    return emit(PP_APDU_AARQ, &fs, out, cap);
}

int pp_acse_aare_encode(const pp_acse_aare_t *in, uint8_t *out, size_t cap)
{
    PP_VERIFY(in->context < 0x80 && (in->mechanism < 0x80 || in->mechanism == PP_ACSE_MECH_NONE),
              PP_ERR_ARG);
    PP_VERIFY(in->diag_source == PP_ACSE_DIAG_USER || in->diag_source == PP_ACSE_DIAG_PROVIDER,
              PP_ERR_ARG);
    PP_VERIFY(in->result < 0x80 && in->diag < 0x80, PP_ERR_ARG);
    uint8_t ctx[OID_LEN], mech[OID_LEN];
    /* result-source-diagnostic: A1|A2 03 02 01 diag inside A3 */
    uint8_t diag[5] = {(uint8_t)(0xA0u + in->diag_source), 0x03, 0x02, 0x01, in->diag};
    fields_t fs = {.n = 0};
    make_oid(ctx, OID_ARC_CONTEXT, in->context);
    make_oid(mech, OID_ARC_MECH, in->mechanism);
    add(&fs, 0xA1, 0x06, ctx, OID_LEN);
    add(&fs, 0xA2, 0x02, &in->result, 1);
    add(&fs, 0xA3, 0, diag, sizeof diag);
    add_bytes(&fs, 0xA4, 0x04, &in->responding_ap_title);
    add_bytes(&fs, 0xA5, 0x04, &in->responding_ae_qualifier);
    if (in->auth_required) {
        add(&fs, 0x88, 0, acse_req_auth, 2);
    }
    if (in->mechanism != PP_ACSE_MECH_NONE) {
        add(&fs, 0x89, 0, mech, OID_LEN);
    }
    add_bytes(&fs, 0xAA, 0x80, &in->auth_value);
    add_bytes(&fs, 0xBE, 0x04, &in->user_info);
    return emit(PP_APDU_AARE, &fs, out, cap);
}

static int release_encode(const pp_acse_release_t *in, uint8_t tag, uint8_t *out, size_t cap)
{
    PP_VERIFY(!in->has_reason || in->reason < 0x80, PP_ERR_ARG);
    fields_t fs = {.n = 0};
    if (in->has_reason) {
        add(&fs, 0x80, 0, &in->reason, 1);
    }
    add_bytes(&fs, 0xBE, 0x04, &in->user_info);
    return emit(tag, &fs, out, cap);
}

int pp_acse_rlrq_encode(const pp_acse_release_t *in, uint8_t *out, size_t cap)
{
    return release_encode(in, PP_APDU_RLRQ, out, cap);
}

int pp_acse_rlre_encode(const pp_acse_release_t *in, uint8_t *out, size_t cap)
{
    return release_encode(in, PP_APDU_RLRE, out, cap);
}
