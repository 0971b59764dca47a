/* DLMS/COSEM server: per-connection sessions, the APDU entry point and the
 * ciphering wrapper around the services. */
#include <string.h>

#include "polyphase/dlms_const.h"
#include "server_internal.h"

void pp_dlms_server_config_default(pp_dlms_server_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    memcpy(cfg->flag, "PPH", 3);
    cfg->logical_device = 1;
    cfg->challenge_len = 16;
    cfg->max_pdu = 1024u < PP_DLMS_SERVER_PDU ? 1024u : PP_DLMS_SERVER_PDU;
}

pp_err_t pp_dlms_server_init(pp_dlms_server_t *s, const pp_port_t *port, pp_journal_t *journal,
                             const pp_dlms_provider_t *prov, const pp_dlms_server_config_t *cfg)
{
    PP_VERIFY(s && port && port->rng_fill && port->monotonic_ms && prov && cfg, PP_ERR_ARG);
    PP_VERIFY(cfg->challenge_len >= 8 && cfg->challenge_len <= PP_DLMS_CHALLENGE_MAX, PP_ERR_RANGE);
    PP_VERIFY(cfg->max_pdu >= 64 && cfg->max_pdu <= PP_DLMS_SERVER_PDU, PP_ERR_RANGE);
    memset(s, 0, sizeof *s);
    s->port = port;
    s->journal = journal;
    s->prov = *prov;
    s->cfg = *cfg;
    pp_dlms_sec_init(s);
    if (s->sec.default_keys || s->sec.default_kek || s->sec.default_lls) {
        pp_dlms_sec_event(s, PP_DLMS_SEC_DEFAULT_KEYS, 0);
    }
    return PP_OK;
}

void pp_dlms_server_close(pp_dlms_server_t *s, unsigned conn)
{
    if (s && conn < PP_DLMS_SERVER_SESSIONS) {
        if (s->conn[conn].ciphered) {
            pp_dlms_sec_flush(s);
        }
        pp_dlms_assoc_reset(&s->conn[conn]);
    }
}

/* The response size this client accepts (never more than ours or cap). */
static size_t send_limit(const pp_dlms_server_t *s, const pp_dlms_conn_t *c, size_t cap)
{
    size_t limit = s->cfg.max_pdu;
    if (c->client_max_pdu != 0 && c->client_max_pdu < limit) {
        limit = c->client_max_pdu;
    }
    return limit < cap ? limit : cap;
}

static int ciphered(pp_dlms_server_t *s, pp_dlms_conn_t *c, const uint8_t *req, size_t len,
                    uint8_t *resp, size_t limit)
{
    const uint8_t rtag = pp_dlms_sec_response_tag(req[0]);
    if (!c->ciphered) {
        return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED,
                                     PP_EXC_SERVICE_DECIPHERING_ERROR, resp, limit);
    }
    if (rtag == 0) {
        return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_UNKNOWN, PP_EXC_SERVICE_NOT_SUPPORTED,
                                     resp, limit);
    }
    size_t plen = 0;
    pp_err_t rc = pp_dlms_sec_decipher(s, c, c->client_title, req, len, s->plain_req,
                                       sizeof s->plain_req, &plen);
    if (rc == PP_ERR_REPLAY) {
        pp_dlms_sec_event(s, PP_DLMS_SEC_REPLAY, c->client);
        pp_xdlms_exception_t e = {
            .state_error = PP_EXC_STATE_SERVICE_NOT_ALLOWED,
            .service_error = PP_EXC_SERVICE_INVOCATION_COUNTER_ERROR,
            .invocation_counter = (c->ded_rx_seen && (req[0] & 0xF0) == 0xD0) ? c->ded_rx_ic + 1
                                                                 : s->sec.rx_ic[c->assoc] + 1};
        return pp_xdlms_exception_encode(&e, resp, limit);
    }
    if (rc != PP_OK) {
        if (rc == PP_ERR_AUTH) {
            pp_dlms_sec_event(s, PP_DLMS_SEC_DECIPHER_FAILURE, c->client);
        }
        return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED,
                                     PP_EXC_SERVICE_DECIPHERING_ERROR, resp, limit);
    }
    /* The plain request must be the service the ciphered tag announced. */
    const size_t overhead = rtag == PP_APDU_GENERAL_GLO_CIPHERING ? PP_DLMS_GENERAL_OVERHEAD
                                                                 : PP_DLMS_CIPHER_OVERHEAD;
    if (plen == 0 || (rtag != PP_APDU_GENERAL_GLO_CIPHERING &&
                      (s->plain_req[0] & 0x07) != (req[0] & 0x07))) {
        return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED,
                                     PP_EXC_SERVICE_DECIPHERING_ERROR, resp, limit);
    }
    if (limit <= overhead + 8) {
        return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED,
                                     PP_EXC_SERVICE_PDU_TOO_LONG, resp, limit);
    }
    int n = pp_dlms_svc_request(s, c, s->plain_req, plen, s->plain_resp, limit - overhead);
    if (n <= 0) {
        return n;
    }
    if (s->plain_resp[0] == PP_APDU_EXCEPTION_RESPONSE) {
        memcpy(resp, s->plain_resp, (size_t)n); /* no ciphered form exists */
        return n;
    }
    return pp_dlms_sec_encipher(s, c, rtag, s->plain_resp, (size_t)n, resp, limit);
}

int pp_dlms_server_apdu(pp_dlms_server_t *s, unsigned conn, uint16_t client, const uint8_t *req,
                        size_t len, uint8_t *resp, size_t cap)
{
    PP_VERIFY(s && conn < PP_DLMS_SERVER_SESSIONS && resp && (req || len == 0), PP_ERR_ARG);
    pp_dlms_conn_t *c = &s->conn[conn];
    pp_dlms_sec_apply_pending(s); /* the response that confirmed them has gone out */
    if (len == 0) {
        return 0;
    }
    if (req[0] == PP_APDU_AARQ) {
        return pp_dlms_assoc_aarq(s, c, client, req, len, resp, cap);
    }
    if (req[0] == PP_APDU_RLRQ) {
        return pp_dlms_assoc_rlrq(s, c, req, len, resp, cap);
    }
    const size_t limit = send_limit(s, c, cap);
    if (c->state == PP_DLMS_IDLE || client != c->client) {
        return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED,
                                     PP_EXC_SERVICE_OPERATION_NOT_POSSIBLE, resp, limit);
    }
    if (pp_xdlms_is_ciphered_tag(req[0])) {
        return ciphered(s, c, req, len, resp, limit);
    }
    if (c->ciphered) {
        /* The security policy of this association: everything ciphered. */
        return pp_dlms_svc_exception(PP_EXC_STATE_SERVICE_NOT_ALLOWED,
                                     PP_EXC_SERVICE_DECIPHERING_ERROR, resp, limit);
    }
    return pp_dlms_svc_request(s, c, req, len, resp, limit);
}
