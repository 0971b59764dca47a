/* Associations: AARQ -> AARE for the four associations of OBJECT-MODEL.md,
 * xDLMS InitiateRequest negotiation, LLS and HLS-GMAC authentication,
 * lock-out after repeated failures, RLRQ -> RLRE. */
#include <string.h>

#include "polyphase/acse.h"
#include "polyphase/dlms_const.h"
#include "server_internal.h"

pp_assoc_id_t pp_dlms_assoc_of(uint16_t client, bool *known)
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

uint16_t pp_dlms_assoc_client_sap(uint8_t who)
{
    static const uint16_t SAP[PP_ASSOC_COUNT] = {16, 17, 1, 2};
    return who < PP_ASSOC_COUNT ? SAP[who] : 0;
}

void pp_dlms_assoc_reset(pp_dlms_conn_t *c)
{
    memset(c, 0, sizeof *c);
}

static uint64_t now_ms(const pp_dlms_server_t *s)
{
    return s->port && s->port->monotonic_ms ? s->port->monotonic_ms(s->port->ctx) : 0;
}

/* An authentication failure: counted per association for the lock-out. */
static void auth_failed(pp_dlms_server_t *s, uint8_t who, uint16_t client)
{
    pp_dlms_security_t *k = &s->sec;
    if (k->failures[who] < UINT16_MAX) {
        k->failures[who]++;
    }
    pp_dlms_sec_event(s, PP_DLMS_SEC_AUTH_FAILURE, client);
    if (k->failures[who] >= PP_DLMS_LOCK_AFTER) {
        unsigned doublings = k->failures[who] - PP_DLMS_LOCK_AFTER;
        uint64_t delay = PP_DLMS_LOCK_BASE_MS;
        while (doublings-- > 0 && delay < PP_DLMS_LOCK_MAX_MS) {
            delay *= 2;
        }
        if (delay > PP_DLMS_LOCK_MAX_MS) {
            delay = PP_DLMS_LOCK_MAX_MS;
        }
        k->locked_until[who] = now_ms(s) + delay;
        pp_dlms_sec_event(s, PP_DLMS_SEC_LOCKOUT, client);
    }
}

static bool same_secret(const uint8_t *a, const uint8_t *b, size_t n)
{
    uint8_t d = 0; /* no early exit: the time does not tell how much matched */
    for (size_t i = 0; i < n; i++) {
        d |= (uint8_t)(a[i] ^ b[i]);
    }
    return d == 0;
}

typedef struct aarq_ctx {
    pp_acse_aarq_t rq;
    pp_acse_aare_t re;
    pp_xdlms_initiate_req_t ir;
    uint8_t who;
    bool ciphered;
    uint8_t info[PP_DLMS_CHALLENGE_MAX + 64];
    uint8_t plain[64];
} aarq_ctx_t;

static void reject(aarq_ctx_t *a, uint8_t result, uint8_t source, uint8_t diag)
{
    a->re.result = result;
    a->re.diag_source = source;
    a->re.diag = diag;
}

/* user-information: ConfirmedServiceError initiate-error (ciphered when the
 * AARQ was). */
static void initiate_error(pp_dlms_server_t *s, pp_dlms_conn_t *c, aarq_ctx_t *a, uint8_t value)
{
    pp_xdlms_cse_t cse = {.service = PP_CSE_INITIATE_ERROR, .error = PP_SERR_INITIATE,
                          .value = value};
    reject(a, PP_ACSE_REJECTED_PERMANENT, PP_ACSE_DIAG_USER, PP_ACSE_USER_NO_REASON);
    int n = pp_xdlms_cse_encode(&cse, a->plain, sizeof a->plain);
    if (n > 0 && a->ciphered) {
        n = pp_dlms_sec_encipher(s, c, PP_APDU_GLO_CONFIRMED_SERVICE_ERROR, a->plain, (size_t)n,
                                 a->info, sizeof a->info);
    } else if (n > 0) {
        memcpy(a->info, a->plain, (size_t)n);
    }
    if (n > 0) {
        a->re.user_info = (pp_acse_bytes_t){a->info, (uint32_t)n};
    }
}

/* Context and mechanism of the association asked for; true when fine. */
static bool check_names(const pp_dlms_server_t *s, aarq_ctx_t *a)
{
    const bool hls = a->who == PP_ASSOC_MANAGEMENT || a->who == PP_ASSOC_INSTALLER;
    const uint8_t want_ctx = hls ? PP_ACSE_CTX_LN_CIPHERED : PP_ACSE_CTX_LN;
    const uint8_t want_mech = hls ? PP_ACSE_MECH_HIGH_GMAC
                                  : (a->who == PP_ASSOC_READER ? PP_ACSE_MECH_LOW
                                                               : PP_ACSE_MECH_NONE);
    if (a->rq.context != want_ctx || (hls && !s->port->gcm_encrypt)) {
        reject(a, PP_ACSE_REJECTED_PERMANENT, PP_ACSE_DIAG_USER,
               PP_ACSE_USER_CONTEXT_NOT_SUPPORTED);
        return false;
    }
    if (a->rq.mechanism != want_mech) {
        reject(a, PP_ACSE_REJECTED_PERMANENT, PP_ACSE_DIAG_USER,
               a->rq.mechanism == PP_ACSE_MECH_NONE ? PP_ACSE_USER_MECH_REQUIRED
                                                    : PP_ACSE_USER_MECH_NOT_RECOGNISED);
        return false;
    }
    if (hls && (!a->rq.calling_ap_title.ptr || a->rq.calling_ap_title.len != 8)) {
        reject(a, PP_ACSE_REJECTED_PERMANENT, PP_ACSE_DIAG_USER,
               PP_ACSE_USER_CALLING_AP_TITLE_NOT_RECOGNIZED);
        return false;
    }
    return true;
}

/* The InitiateRequest in user-information (deciphered first when ciphered). */
static bool initiate(pp_dlms_server_t *s, pp_dlms_conn_t *c, aarq_ctx_t *a, uint16_t client)
{
    const uint8_t *ui = a->rq.user_info.ptr;
    size_t n = a->rq.user_info.len;
    if (!ui || n == 0) {
        reject(a, PP_ACSE_REJECTED_PERMANENT, PP_ACSE_DIAG_USER, PP_ACSE_USER_NO_REASON);
        return false;
    }
    if (a->ciphered) {
        size_t plain_len = 0;
        pp_err_t rc = ui[0] == PP_APDU_GLO_INITIATE_REQUEST
                          ? pp_dlms_sec_decipher(s, c, c->client_title, ui, n, a->plain,
                                                 sizeof a->plain, &plain_len)
                          : PP_ERR_MALFORMED;
        if (rc == PP_ERR_AUTH || rc == PP_ERR_REPLAY) {
            pp_dlms_sec_event(s, rc == PP_ERR_AUTH ? PP_DLMS_SEC_DECIPHER_FAILURE
                                                   : PP_DLMS_SEC_REPLAY, client);
            auth_failed(s, a->who, client);
        }
        if (rc != PP_OK) {
            a->ciphered = false; /* we cannot cipher for a client we could not authenticate */
            initiate_error(s, c, a, PP_INIT_ERR_OTHER);
            return false;
        }
        ui = a->plain;
        n = plain_len;
    } else if (ui[0] != PP_APDU_INITIATE_REQUEST) {
        initiate_error(s, c, a, PP_INIT_ERR_OTHER);
        return false;
    }
    if (pp_xdlms_initiate_req_decode(ui, n, &a->ir) != PP_OK) {
        initiate_error(s, c, a, PP_INIT_ERR_OTHER);
        return false;
    }
    const pp_xdlms_initiate_req_t *ir = &a->ir;
    uint8_t err = 0xFF;
    if (ir->dlms_version < PP_XDLMS_DLMS_VERSION) {
        err = PP_INIT_ERR_DLMS_VERSION_TOO_LOW;
    } else if ((ir->conformance & PP_DLMS_SERVER_CONFORMANCE) == 0) {
        err = PP_INIT_ERR_INCOMPATIBLE_CONFORMANCE;
    } else if (ir->max_pdu != 0 && ir->max_pdu < 12) {
        err = PP_INIT_ERR_PDU_SIZE_TOO_SHORT;
    } else if (ir->dedicated_key && (!a->ciphered || ir->dedicated_key_len != 16)) {
        err = PP_INIT_ERR_OTHER;
    }
    if (err != 0xFF) {
        initiate_error(s, c, a, err);
        return false;
    }
    return true;
}

/* Authentication; true when the association may go on. */
static bool authenticate(pp_dlms_server_t *s, pp_dlms_conn_t *c, aarq_ctx_t *a, uint16_t client)
{
    if (a->who == PP_ASSOC_PUBLIC) {
        return true;
    }
    const pp_acse_bytes_t *v = &a->rq.auth_value;
    if (a->who == PP_ASSOC_READER) {
        if (!v->ptr || v->len != s->sec.lls_len || !same_secret(v->ptr, s->sec.lls, v->len)) {
            auth_failed(s, a->who, client);
            reject(a, PP_ACSE_REJECTED_PERMANENT, PP_ACSE_DIAG_USER,
                   PP_ACSE_USER_AUTHENTICATION_FAILURE);
            return false;
        }
        return true;
    }
    if (!v->ptr || v->len < 8 || v->len > PP_DLMS_CHALLENGE_MAX) {
        auth_failed(s, a->who, client);
        reject(a, PP_ACSE_REJECTED_PERMANENT, PP_ACSE_DIAG_USER,
               PP_ACSE_USER_AUTHENTICATION_FAILURE);
        return false;
    }
    c->ctos_len = (uint8_t)v->len;
    memcpy(c->ctos, v->ptr, v->len);
    c->stoc_len = s->cfg.challenge_len;
    if (s->port->rng_fill(s->port->ctx, c->stoc, c->stoc_len) != PP_OK) {
        reject(a, PP_ACSE_REJECTED_TRANSIENT, PP_ACSE_DIAG_PROVIDER, PP_ACSE_PROVIDER_NO_REASON);
        return false;
    }
    return true;
}

/* Accepts: negotiated parameters into the connection, InitiateResponse. */
static void accept(pp_dlms_server_t *s, pp_dlms_conn_t *c, aarq_ctx_t *a, uint16_t client)
{
    const bool hls = a->who == PP_ASSOC_MANAGEMENT || a->who == PP_ASSOC_INSTALLER;
    c->assoc = a->who;
    c->client = client;
    c->context = a->rq.context;
    c->mechanism = a->rq.mechanism;
    c->conformance = a->ir.conformance & PP_DLMS_SERVER_CONFORMANCE;
    c->client_max_pdu = a->ir.max_pdu;
    c->ciphered = a->ciphered;
    if (a->ir.dedicated_key) {
        memcpy(c->ded_key, a->ir.dedicated_key, 16);
        c->has_ded_key = true;
    }
    pp_xdlms_initiate_resp_t ir = {.dlms_version = PP_XDLMS_DLMS_VERSION,
                                   .conformance = c->conformance,
                                   .max_pdu = s->cfg.max_pdu,
                                   .vaa_name = PP_XDLMS_VAA_NAME_LN};
    int n = pp_xdlms_initiate_resp_encode(&ir, a->plain, sizeof a->plain);
    if (n > 0 && a->ciphered) {
        n = pp_dlms_sec_encipher(s, c, PP_APDU_GLO_INITIATE_RESPONSE, a->plain, (size_t)n,
                                 a->info, sizeof a->info);
    } else if (n > 0) {
        memcpy(a->info, a->plain, (size_t)n);
    }
    if (n <= 0) {
        pp_dlms_assoc_reset(c);
        reject(a, PP_ACSE_REJECTED_TRANSIENT, PP_ACSE_DIAG_PROVIDER, PP_ACSE_PROVIDER_NO_REASON);
        return;
    }
    a->re.user_info = (pp_acse_bytes_t){a->info, (uint32_t)n};
    reject(a, PP_ACSE_ACCEPTED, PP_ACSE_DIAG_USER, PP_ACSE_USER_NULL);
    a->re.mechanism = a->rq.mechanism;
    if (hls) {
        /* HLS: accepted pending pass 3/4 (reply_to_HLS_authentication). */
        a->re.diag = PP_ACSE_USER_AUTHENTICATION_REQUIRED;
        a->re.auth_required = true;
        a->re.responding_ap_title = (pp_acse_bytes_t){s->sec.title, 8};
        a->re.auth_value = (pp_acse_bytes_t){c->stoc, c->stoc_len};
        c->state = PP_DLMS_HLS_PENDING;
    } else {
        c->state = PP_DLMS_ASSOCIATED;
        s->sec.failures[a->who] = 0;
        if (a->who == PP_ASSOC_READER && s->sec.default_lls && s->port->log) {
            s->port->log(s->port->ctx, PP_LOG_WARN, "dlms",
                         "reader associated with the default LLS password");
        }
    }
}

int pp_dlms_assoc_aarq(pp_dlms_server_t *s, pp_dlms_conn_t *c, uint16_t client,
                       const uint8_t *req, size_t len, uint8_t *resp, size_t cap)
{
    aarq_ctx_t a;
    memset(&a, 0, sizeof a);
    pp_dlms_assoc_reset(c);
    a.re.context = PP_ACSE_CTX_LN;
    bool known;
    a.who = (uint8_t)pp_dlms_assoc_of(client, &known);
    if (pp_acse_aarq_decode(req, len, &a.rq) != PP_OK) {
        reject(&a, PP_ACSE_REJECTED_PERMANENT, PP_ACSE_DIAG_PROVIDER, PP_ACSE_PROVIDER_NO_REASON);
        return pp_acse_aare_encode(&a.re, resp, cap);
    }
    if (a.rq.context != PP_ACSE_CTX_UNKNOWN) {
        a.re.context = a.rq.context;
    }
    if (!a.rq.version_ok) {
        reject(&a, PP_ACSE_REJECTED_PERMANENT, PP_ACSE_DIAG_PROVIDER,
               PP_ACSE_PROVIDER_NO_COMMON_ACSE_VERSION);
    } else if (!known) {
        reject(&a, PP_ACSE_REJECTED_PERMANENT, PP_ACSE_DIAG_USER, PP_ACSE_USER_NO_REASON);
    } else if (check_names(s, &a)) {
        a.ciphered = a.rq.context == PP_ACSE_CTX_LN_CIPHERED;
        if (a.ciphered) {
            memcpy(c->client_title, a.rq.calling_ap_title.ptr, 8);
            c->assoc = a.who; /* counters are kept per association */
        }
        if (a.who != PP_ASSOC_PUBLIC && now_ms(s) < s->sec.locked_until[a.who]) {
            /* Locked: refused without looking at the credentials. */
            pp_dlms_sec_event(s, PP_DLMS_SEC_LOCKOUT, client);
            reject(&a, PP_ACSE_REJECTED_TRANSIENT, PP_ACSE_DIAG_USER,
                   PP_ACSE_USER_AUTHENTICATION_FAILURE);
        } else if (initiate(s, c, &a, client) && authenticate(s, c, &a, client)) {
            accept(s, c, &a, client);
        }
    }
    if (c->state == PP_DLMS_IDLE) {
        pp_dlms_assoc_reset(c);
    }
    int n = pp_acse_aare_encode(&a.re, resp, cap);
    if (n < 0) {
        pp_dlms_assoc_reset(c);
    }
    return n;
}

int pp_dlms_assoc_rlrq(pp_dlms_server_t *s, pp_dlms_conn_t *c, const uint8_t *req, size_t len,
                       uint8_t *resp, size_t cap)
{
    pp_acse_release_t rq;
    pp_acse_release_t re = {.has_reason = true, .reason = PP_RLRE_NORMAL};
    uint8_t plain[64], info[128];
    if (pp_acse_rlrq_decode(req, len, &rq) != PP_OK) {
        return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED,
                                     PP_EXC_SERVICE_OTHER_REASON, resp, cap);
    }
    if (rq.user_info.ptr && c->state != PP_DLMS_IDLE) {
        /* Answer a (ciphered) InitiateRequest with a (ciphered) InitiateResponse. */
        size_t n = rq.user_info.len;
        const uint8_t *ui = rq.user_info.ptr;
        pp_xdlms_initiate_req_t ir;
        bool ok = true;
        if (c->ciphered) {
            ok = ui[0] == PP_APDU_GLO_INITIATE_REQUEST &&
                 pp_dlms_sec_decipher(s, c, c->client_title, ui, n, plain, sizeof plain, &n) ==
                     PP_OK;
            ui = plain;
        }
        if (ok && pp_xdlms_initiate_req_decode(ui, n, &ir) == PP_OK) {
            pp_xdlms_initiate_resp_t ire = {.dlms_version = PP_XDLMS_DLMS_VERSION,
                                            .conformance = c->conformance,
                                            .max_pdu = s->cfg.max_pdu,
                                            .vaa_name = PP_XDLMS_VAA_NAME_LN};
            uint8_t body[32];
            int m = pp_xdlms_initiate_resp_encode(&ire, body, sizeof body);
            if (m > 0 && c->ciphered) {
                m = pp_dlms_sec_encipher(s, c, PP_APDU_GLO_INITIATE_RESPONSE, body, (size_t)m,
                                         info, sizeof info);
            } else if (m > 0) {
                memcpy(info, body, (size_t)m);
            }
            if (m > 0) {
                re.user_info = (pp_acse_bytes_t){info, (uint32_t)m};
            }
        }
    }
    pp_dlms_sec_flush(s);
    pp_dlms_assoc_reset(c);
    return pp_acse_rlre_encode(&re, resp, cap);
}

uint8_t pp_dlms_assoc_hls_reply(pp_dlms_server_t *s, pp_dlms_conn_t *c, const uint8_t *params,
                                size_t len, pp_axdr_wr_t *ret, bool *has_ret)
{
    if (c->state != PP_DLMS_HLS_PENDING) {
        return PP_ACTRES_READ_WRITE_DENIED;
    }
    pp_axdr_rd_t rd;
    const uint8_t *f;
    uint32_t n;
    uint8_t expect[17], reply[17];
    pp_axdr_rd_init(&rd, params, len);
    bool ok = params && pp_axdr_get_octets(&rd, &f, &n) == PP_OK && rd.pos == len && n == 17 &&
              f[0] == PP_DLMS_SC_A;
    if (ok) {
        uint32_t ic = (uint32_t)f[1] << 24 | (uint32_t)f[2] << 16 | (uint32_t)f[3] << 8 | f[4];
        ok = pp_dlms_sec_gmac(s, c->client_title, ic, c->stoc, c->stoc_len, expect) == PP_OK &&
             same_secret(expect, f, 17);
    }
    if (!ok) {
        uint16_t client = c->client;
        auth_failed(s, c->assoc, client);
        pp_dlms_assoc_reset(c); /* the association is not established */
        return PP_ACTRES_OTHER_REASON;
    }
    uint32_t ic;
    if (pp_dlms_sec_next_ic(s, &ic) != PP_OK ||
        pp_dlms_sec_gmac(s, s->sec.title, ic, c->ctos, c->ctos_len, reply) != PP_OK ||
        pp_axdr_put_octets(ret, reply, sizeof reply) != PP_OK) {
        return PP_ACTRES_TEMPORARY_FAILURE;
    }
    *has_ret = true;
    c->state = PP_DLMS_ASSOCIATED;
    s->sec.failures[c->assoc] = 0;
    if (s->sec.default_keys && s->port->log) {
        s->port->log(s->port->ctx, PP_LOG_WARN, "dlms", "HLS association with the default keys");
    }
    return PP_ACTRES_SUCCESS;
}
