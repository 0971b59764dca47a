/* Interface class 3, Register: logical_name, value, scaler_unit;
 * method 1 reset (management, through the provider: legal registers
 * refuse it there). */
#include "polyphase/dlms_const.h"
#include "server_internal.h"

static pp_err_t get(const pp_cosem_call_t *c, pp_cosem_enc_t *e, uint8_t *dar)
{
    switch (c->id) {
    case 1: return pp_cosem_put_ln(&e->wr, c->obj->ln);
    case 2: return pp_cosem_put_provider_attr(c, 2, e, dar);
    default:
        return pp_cosem_put_scaler_unit(&e->wr, pp_cosem_scaler(c->srv, c->obj), c->obj->unit);
    }
}

static uint8_t set(const pp_cosem_call_t *c, const uint8_t *data, size_t len)
{
    return c->id == 2 ? pp_cosem_set_provider_attr(c, 2, c->obj->type, data, len)
                      : PP_DAR_READ_WRITE_DENIED;
}

static const uint8_t RULE[] = {PP_CA_STATIC, PP_CA_VALUE, PP_CA_STATIC};
static const uint8_t METH[] = {PP_WHO_MGMT};

const pp_cosem_class_t pp_cosem_class_register = {
    .class_id = 3, .version = 0, .nattr = 3, .nmeth = 1, .rule = RULE, .meth_who = METH,
    .get = get, .set = set, .action = pp_cosem_provider_action};
