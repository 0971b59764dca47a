/* Interface class 64, Security setup (version 1): policy (requests and
 * responses authenticated and encrypted), suite 0, client and server system
 * titles, certificates (none: suite 0).
 * Methods: security_activate accepts only the policy in force;
 * global_key_transfer takes keys wrapped with the master key (RFC 3394),
 * management association ciphered only. */
#include <string.h>

#include "polyphase/dlms_const.h"
#include "server_internal.h"

/* version 1 bits: authenticated (2) and encrypted (3) requests, authenticated (5)
 * and encrypted (6) responses */
#define POLICY_AUTH_ENC 0x6Cu

static pp_err_t get(const pp_cosem_call_t *c, pp_cosem_enc_t *e, uint8_t *dar)
{
    (void)dar;
    pp_axdr_wr_t *w = &e->wr;
    switch (c->id) {
    case 1: return pp_cosem_put_ln(w, c->obj->ln);
    case 2: return pp_axdr_put_enum(w, POLICY_AUTH_ENC);
    case 3: return pp_axdr_put_enum(w, 0);
    case 4:
        return pp_axdr_put_octets(w, c->conn->client_title, c->conn->ciphered ? 8u : 0u);
    case 5: return pp_axdr_put_octets(w, c->srv->sec.title, 8);
    default: return pp_axdr_put_array(w, 0); /* certificates */
    }
}

/* key_transfer_data: array of structure {key_id enum (0 global unicast
 * encryption key, 1 global broadcast encryption key, 2 authentication key,
 * 3 master key), key_wrapped octet-string (24 octets: a wrapped 128-bit
 * key)}; every key_id at most once. */
static uint8_t parse_transfer(const uint8_t *params, size_t len, uint8_t *mask,
                              uint8_t wrapped[4][24])
{
    pp_axdr_rd_t rd;
    uint32_t n, fields, wl;
    const uint8_t *w;
    uint8_t id;
    pp_axdr_rd_init(&rd, params, params ? len : 0);
    if (!params || pp_axdr_get_array(&rd, &n) != PP_OK || n < 1 || n > 4) {
        return PP_ACTRES_TYPE_UNMATCHED;
    }
    *mask = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (pp_axdr_get_struct(&rd, &fields) != PP_OK || fields != 2 ||
            pp_axdr_get_enum(&rd, &id) != PP_OK || pp_axdr_get_octets(&rd, &w, &wl) != PP_OK) {
            return PP_ACTRES_TYPE_UNMATCHED;
        }
        if (id > 3 || wl != 24 || (*mask >> id) & 1u) {
            return PP_ACTRES_OTHER_REASON; /* no such key, not a 128-bit key, twice */
        }
        *mask = (uint8_t)(*mask | 1u << id);
        memcpy(wrapped[id], w, 24);
    }
    return rd.pos == len ? PP_ACTRES_SUCCESS : PP_ACTRES_TYPE_UNMATCHED;
}

static uint8_t key_transfer(const pp_cosem_call_t *c, const uint8_t *params, size_t len)
{
    if (!c->conn->ciphered) {
        return PP_ACTRES_READ_WRITE_DENIED; /* keys never travel without ciphering */
    }
    uint8_t mask = 0;
    uint8_t wrapped[4][24];
    uint8_t res = parse_transfer(params, len, &mask, wrapped);
    if (res != PP_ACTRES_SUCCESS) {
        return res;
    }
    pp_err_t rc = pp_dlms_sec_key_transfer(c->srv, mask, (const uint8_t(*)[24])wrapped);
    if (rc == PP_ERR_AUTH) {
        pp_dlms_sec_event(c->srv, PP_DLMS_SEC_DECIPHER_FAILURE, c->conn->client);
        return PP_ACTRES_OTHER_REASON; /* wrapped with another master key */
    }
    if (rc != PP_OK) {
        return rc == PP_ERR_UNSUPPORTED ? PP_ACTRES_OTHER_REASON : PP_ACTRES_HARDWARE_FAULT;
    }
    pp_dlms_sec_event(c->srv, PP_DLMS_SEC_SECRET_CHANGED, c->conn->client);
    return PP_ACTRES_SUCCESS;
}

static uint8_t action(const pp_cosem_call_t *c, const uint8_t *params, size_t len,
                      pp_axdr_wr_t *ret, bool *has_ret)
{
    (void)ret;
    (void)has_ret;
    if (c->id == 2) {
        return key_transfer(c, params, len);
    }
    if (c->id == 1) {
        pp_axdr_rd_t rd;
        uint8_t policy;
        pp_axdr_rd_init(&rd, params, params ? len : 0);
        if (!params || pp_axdr_get_enum(&rd, &policy) != PP_OK || rd.pos != len) {
            return PP_ACTRES_TYPE_UNMATCHED;
        }
        return policy == POLICY_AUTH_ENC ? PP_ACTRES_SUCCESS : PP_ACTRES_OTHER_REASON;
    }
    return PP_ACTRES_OTHER_REASON; /* certificates: see the file comment */
}

static const uint8_t RULE[] = {PP_CA_STATIC, PP_CA_STATIC, PP_CA_STATIC,
                               PP_CA_STATIC, PP_CA_STATIC, PP_CA_STATIC};
static const uint8_t METH[] = {PP_WHO_MGMT, PP_WHO_MGMT, 0, 0, 0, 0, 0, 0};

const pp_cosem_class_t pp_cosem_class_security = {
    .class_id = 64, .version = 1, .nattr = 6, .nmeth = 8, .rule = RULE, .meth_who = METH,
    .get = get, .action = action};
