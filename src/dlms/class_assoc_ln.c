/* Interface class 15, Association LN (version 1): the current association
 * 0.0.40.0.0.255 and, for management, the association objects
 * 0.0.40.0.n.255 (n = 1..4: public, reader, management, installer).
 * object_list filtered by the meter's features and the association's
 * rights, access rights, partners, application context, xDLMS context,
 * mechanism, secret (LLS password, write-only), status, security setup;
 * methods reply_to_HLS_authentication and change_HLS_secret. */
#include <string.h>

#include "polyphase/acse.h"
#include "polyphase/dlms_const.h"
#include "server_internal.h"

typedef struct cont {
    uint32_t resume_index;   /* object table index the next block starts in */
    uint32_t resume_pos;
} cont_t;
typedef char cont_fits[sizeof(cont_t) <= PP_DLMS_CONT_CAP ? 1 : -1];

static const uint8_t SECURITY_SETUP_LN[6] = {0, 0, 43, 0, 1, 255};

/* The association an object describes: the caller's own for 0.0.40.0.0.255. */
static uint8_t target(const pp_cosem_call_t *c)
{
    const uint8_t e = c->obj->ln.e;
    return e >= 1 && e <= PP_ASSOC_COUNT ? (uint8_t)(e - 1) : c->who;
}

static uint32_t features(const pp_dlms_server_t *s)
{
    return s->prov.features ? s->prov.features(s->prov.ctx) : UINT32_MAX;
}

static pp_err_t put_element(pp_axdr_wr_t *w, const pp_object_t *o, const pp_cosem_class_t *cls,
                            uint8_t who)
{
    PP_TRY(pp_axdr_put_struct(w, 4));
    PP_TRY(pp_axdr_put_u16(w, o->class_id));
    PP_TRY(pp_axdr_put_u8(w, o->version));
    PP_TRY(pp_cosem_put_ln(w, o->ln));
    PP_TRY(pp_axdr_put_struct(w, 2));
    PP_TRY(pp_axdr_put_array(w, cls->nattr));
    for (uint8_t a = 1; a <= cls->nattr; a++) {
        PP_TRY(pp_axdr_put_struct(w, 3));
        PP_TRY(pp_axdr_put_i8(w, (int8_t)a));
        PP_TRY(pp_axdr_put_enum(w, (uint8_t)pp_cosem_attr_access(cls, o, who, a)));
        if (cls->selective & (1ul << a)) {
            PP_TRY(pp_axdr_put_array(w, 2));
            PP_TRY(pp_axdr_put_i8(w, 1));
            PP_TRY(pp_axdr_put_i8(w, 2));
        } else {
            PP_TRY(pp_axdr_put_null(w));
        }
    }
    PP_TRY(pp_axdr_put_array(w, cls->nmeth));
    for (uint8_t m = 1; m <= cls->nmeth; m++) {
        PP_TRY(pp_axdr_put_struct(w, 2));
        PP_TRY(pp_axdr_put_i8(w, (int8_t)m));
        PP_TRY(pp_axdr_put_enum(w, pp_cosem_method_allowed(cls, o, who, m) ? 1 : 0));
    }
    return PP_OK;
}

static bool listed(const pp_object_t *o, uint8_t who, uint32_t feat)
{
    return pp_cosem_visible(o, who, feat) && pp_cosem_class_find(o->class_id) != NULL;
}

static pp_err_t put_object_list(const pp_cosem_call_t *c, pp_cosem_enc_t *e)
{
    cont_t *k = (cont_t *)(void *)c->cont;
    const uint8_t who = target(c);
    const uint32_t feat = features(c->srv);
    size_t start = 0;
    if (!c->first && k->resume_pos > e->k->skip) { /* state of a larger window */
        k->resume_pos = 0;
    }
    if (c->first || k->resume_pos == 0) {
        uint32_t n = 0;
        for (size_t i = 0; i < pp_objects_count(); i++) {
            n += listed(pp_objects_at(i), who, feat);
        }
        PP_TRY(pp_axdr_put_array(&e->wr, n));
        PP_TRY(pp_cosem_enc_flush(e));
    } else {
        start = k->resume_index;
        e->k->pos = k->resume_pos;
    }
    for (size_t i = start; i < pp_objects_count(); i++) {
        const pp_object_t *o = pp_objects_at(i);
        if (!listed(o, who, feat)) {
            continue;
        }
        if (e->k->pos <= e->k->skip + e->k->cap) {
            k->resume_index = (uint32_t)i;
            k->resume_pos = e->k->pos;
        }
        PP_TRY(put_element(&e->wr, o, pp_cosem_class_find(o->class_id), who));
        PP_TRY(pp_cosem_enc_flush(e));
    }
    return PP_OK;
}

/* {2, 16, 756, 5, 8, tree, last} as the structure form of the name. */
static pp_err_t put_name(pp_axdr_wr_t *w, uint8_t tree, uint8_t last)
{
    PP_TRY(pp_axdr_put_struct(w, 7));
    PP_TRY(pp_axdr_put_u8(w, 2));
    PP_TRY(pp_axdr_put_u8(w, 16));
    PP_TRY(pp_axdr_put_u16(w, 756));
    PP_TRY(pp_axdr_put_u8(w, 5));
    PP_TRY(pp_axdr_put_u8(w, 8));
    PP_TRY(pp_axdr_put_u8(w, tree));
    return pp_axdr_put_u8(w, last);
}

static uint8_t status_of(const pp_cosem_call_t *c, uint8_t who)
{
    if (who == c->who) {
        return c->conn->state; /* 0 non-associated, 1 pending, 2 associated */
    }
    for (unsigned i = 0; i < PP_DLMS_SERVER_SESSIONS; i++) {
        if (c->srv->conn[i].state == PP_DLMS_ASSOCIATED && c->srv->conn[i].assoc == who) {
            return PP_DLMS_ASSOCIATED;
        }
    }
    return PP_DLMS_IDLE;
}

static pp_err_t get(const pp_cosem_call_t *c, pp_cosem_enc_t *e, uint8_t *dar)
{
    const uint8_t who = target(c);
    const bool own = who == c->who;
    const bool hls = who == PP_ASSOC_MANAGEMENT || who == PP_ASSOC_INSTALLER;
    const pp_dlms_conn_t *cn = c->conn;
    pp_axdr_wr_t *w = &e->wr;
    switch (c->id) {
    case 1: return pp_cosem_put_ln(w, c->obj->ln);
    case 2: return put_object_list(c, e);
    case 3:
        PP_TRY(pp_axdr_put_struct(w, 2));
        PP_TRY(pp_axdr_put_i8(w, (int8_t)pp_dlms_assoc_client_sap(who)));
        return pp_axdr_put_u16(w, c->srv->cfg.logical_device);
    case 4: return put_name(w, 1, hls ? PP_ACSE_CTX_LN_CIPHERED : PP_ACSE_CTX_LN);
    case 5: {
        const uint32_t conf = own ? cn->conformance : PP_DLMS_SERVER_CONFORMANCE;
        const uint8_t bits[3] = {(uint8_t)(conf >> 16), (uint8_t)(conf >> 8), (uint8_t)conf};
        PP_TRY(pp_axdr_put_struct(w, 6));
        PP_TRY(pp_axdr_put_bits(w, bits, 24));
        PP_TRY(pp_axdr_put_u16(w, c->srv->cfg.max_pdu));
        PP_TRY(pp_axdr_put_u16(w, own && cn->client_max_pdu ? cn->client_max_pdu
                                                            : c->srv->cfg.max_pdu));
        PP_TRY(pp_axdr_put_u8(w, PP_XDLMS_DLMS_VERSION));
        PP_TRY(pp_axdr_put_i8(w, 0));
        return pp_axdr_put_octets(w, NULL, 0);
    }
    case 6:
        return put_name(w, 2, hls ? PP_ACSE_MECH_HIGH_GMAC
                                  : (who == PP_ASSOC_READER ? PP_ACSE_MECH_LOW : PP_ACSE_MECH_NONE));
    case 7: *dar = PP_DAR_READ_WRITE_DENIED; return PP_ERR_DENIED; /* secrets are never read */
    case 8: return pp_axdr_put_enum(w, status_of(c, who));
    default: {
        static const uint8_t NONE[6] = {0};
        return pp_axdr_put_octets(w, hls ? SECURITY_SETUP_LN : NONE, 6);
    }
    }
}

static uint8_t set(const pp_cosem_call_t *c, const uint8_t *data, size_t len)
{
    pp_axdr_rd_t rd;
    const uint8_t *pw;
    uint32_t n;
    if (c->id != 7 || target(c) != PP_ASSOC_READER) {
        return PP_DAR_READ_WRITE_DENIED; /* HLS secrets change via change_HLS_secret */
    }
    pp_axdr_rd_init(&rd, data, len);
    if (pp_axdr_get_octets(&rd, &pw, &n) != PP_OK) {
        return PP_DAR_TYPE_UNMATCHED;
    }
    if (n < 1 || n > PP_DLMS_LLS_MAX) {
        return PP_DAR_OTHER_REASON;
    }
    if (pp_dlms_server_set_password(c->srv, pw, n) != PP_OK) {
        return PP_DAR_HARDWARE_FAULT;
    }
    pp_dlms_sec_event(c->srv, PP_DLMS_SEC_SECRET_CHANGED, c->conn->client);
    return PP_DAR_SUCCESS;
}

static uint8_t action(const pp_cosem_call_t *c, const uint8_t *params, size_t len,
                      pp_axdr_wr_t *ret, bool *has_ret)
{
    if (c->obj->ln.e != 0) {
        return PP_ACTRES_OBJECT_UNAVAILABLE; /* methods act on the current association */
    }
    if (c->id == 1) {
        return pp_dlms_assoc_hls_reply(c->srv, c->conn, params, len, ret, has_ret);
    }
    /* change_HLS_secret: for HLS-GMAC the secret is the authentication key;
     * it takes effect after this response (see docs/dlms.md). */
    pp_axdr_rd_t rd;
    const uint8_t *key;
    uint32_t n;
    pp_axdr_rd_init(&rd, params, params ? len : 0);
    if (!params || pp_axdr_get_octets(&rd, &key, &n) != PP_OK || rd.pos != len || n != 16) {
        return PP_ACTRES_TYPE_UNMATCHED;
    }
    memcpy(c->srv->sec.pending_ak, key, 16);
    c->srv->sec.ak_pending = true;
    pp_dlms_sec_event(c->srv, PP_DLMS_SEC_SECRET_CHANGED, c->conn->client);
    return PP_ACTRES_SUCCESS;
}

static const uint8_t RULE[] = {PP_CA_STATIC, PP_CA_STATIC, PP_CA_STATIC,
                               PP_CA_STATIC, PP_CA_STATIC, PP_CA_STATIC,
                               PP_CA_SECRET, PP_CA_STATIC, PP_CA_STATIC};
static const uint8_t METH[] = {PP_WHO(PP_ASSOC_MANAGEMENT) | PP_WHO(PP_ASSOC_INSTALLER),
                               PP_WHO_MGMT, 0, 0};

const pp_cosem_class_t pp_cosem_class_assoc_ln = {
    .class_id = 15, .version = 1, .nattr = 9, .nmeth = 4, .rule = RULE, .meth_who = METH,
    .get = get, .set = set, .action = action};
