/* Interface class 4, Extended register: logical_name, value, scaler_unit,
 * status, capture_time; method 1 reset (management, via the provider). */
#include "polyphase/dlms_const.h"
#include "server_internal.h"

static pp_err_t get(const pp_cosem_call_t *c, pp_cosem_enc_t *e, uint8_t *dar)
{
    switch (c->id) {
    case 1: return pp_cosem_put_ln(&e->wr, c->obj->ln);
    case 3:
        return pp_cosem_put_scaler_unit(&e->wr, pp_cosem_scaler(c->srv, c->obj), c->obj->unit);
    case 4: {
        /* status: the meter keeps none for most registers (null-data) */
        pp_err_t rc = pp_cosem_put_provider_attr(c, 4, e, dar);
        if (rc != PP_OK && *dar == PP_DAR_OBJECT_UNAVAILABLE) {
            *dar = PP_DAR_SUCCESS;
            return pp_axdr_put_null(&e->wr);
        }
        return rc;
    }
    default: return pp_cosem_put_provider_attr(c, c->id, e, dar); /* 2 value, 5 capture_time */
    }
}

static uint8_t set(const pp_cosem_call_t *c, const uint8_t *data, size_t len)
{
    return c->id == 2 ? pp_cosem_set_provider_attr(c, 2, c->obj->type, data, len)
                      : PP_DAR_READ_WRITE_DENIED;
}

static const uint8_t RULE[] = {PP_CA_STATIC, PP_CA_VALUE, PP_CA_STATIC, PP_CA_STATIC,
                               PP_CA_STATIC};
static const uint8_t METH[] = {PP_WHO_MGMT};

const pp_cosem_class_t pp_cosem_class_ext_register = {
    .class_id = 4, .version = 0, .nattr = 5, .nmeth = 1, .rule = RULE, .meth_who = METH,
    .get = get, .set = set, .action = pp_cosem_provider_action};
