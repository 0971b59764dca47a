/* Interface class 64, Security setup (version 1): policy (requests and
 * responses authenticated and encrypted), suite 0, client and server system
 * titles, certificates (none: suite 0).
 * Methods: security_activate accepts only the policy in force;
 * global_key_transfer needs AES key unwrap, which the port does not offer:
 * refused (keys change via change_HLS_secret and configuration). */
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

static uint8_t action(const pp_cosem_call_t *c, const uint8_t *params, size_t len,
                      pp_axdr_wr_t *ret, bool *has_ret)
{
    (void)ret;
    (void)has_ret;
    if (c->id == 1) {
        pp_axdr_rd_t rd;
        uint8_t policy;
        pp_axdr_rd_init(&rd, params, params ? len : 0);
        if (!params || pp_axdr_get_enum(&rd, &policy) != PP_OK || rd.pos != len) {
            return PP_ACTRES_TYPE_UNMATCHED;
        }
        return policy == POLICY_AUTH_ENC ? PP_ACTRES_SUCCESS : PP_ACTRES_OTHER_REASON;
    }
    return PP_ACTRES_OTHER_REASON; /* key transfer, certificates: see the file comment */
}

static const uint8_t RULE[] = {PP_CA_STATIC, PP_CA_STATIC, PP_CA_STATIC,
                               PP_CA_STATIC, PP_CA_STATIC, PP_CA_STATIC};
static const uint8_t METH[] = {PP_WHO_MGMT, PP_WHO_MGMT, 0, 0, 0, 0, 0, 0};

const pp_cosem_class_t pp_cosem_class_security = {
    .class_id = 64, .version = 1, .nattr = 6, .nmeth = 8, .rule = RULE, .meth_who = METH,
    .get = get, .action = action};
