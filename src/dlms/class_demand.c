/* Interface class 5, Demand register: logical_name, current_average_value,
 * last_average_value, scaler_unit, status, capture_time,
 * start_time_current, period, number_of_periods; methods 1 reset and
 * 2 next_period (management, via the provider). */
#include "polyphase/dlms_const.h"
#include "server_internal.h"

static pp_err_t get(const pp_cosem_call_t *c, pp_cosem_enc_t *e, uint8_t *dar)
{
    switch (c->id) {
    case 1: return pp_cosem_put_ln(&e->wr, c->obj->ln);
    case 4:
        return pp_cosem_put_scaler_unit(&e->wr, pp_cosem_scaler(c->srv, c->obj), c->obj->unit);
    case 5: {
        pp_err_t rc = pp_cosem_put_provider_attr(c, 5, e, dar);
        if (rc != PP_OK && *dar == PP_DAR_OBJECT_UNAVAILABLE) {
            *dar = PP_DAR_SUCCESS;
            return pp_axdr_put_null(&e->wr);
        }
        return rc;
    }
    default: return pp_cosem_put_provider_attr(c, c->id, e, dar);
    }
}

static uint8_t set(const pp_cosem_call_t *c, const uint8_t *data, size_t len)
{
    /* period (8, double-long-unsigned) and number_of_periods (9, long-unsigned) */
    if (c->id == 8) {
        return pp_cosem_set_provider_attr(c, 8, PP_VT_UINT32, data, len);
    }
    if (c->id == 9) {
        return pp_cosem_set_provider_attr(c, 9, PP_VT_UINT16, data, len);
    }
    return PP_DAR_READ_WRITE_DENIED;
}

static const uint8_t RULE[] = {PP_CA_STATIC, PP_CA_VALUE,  PP_CA_VALUE,
                               PP_CA_STATIC, PP_CA_STATIC, PP_CA_STATIC,
                               PP_CA_STATIC, PP_CA_CONFIG, PP_CA_CONFIG};
static const uint8_t METH[] = {PP_WHO_MGMT, PP_WHO_MGMT};

const pp_cosem_class_t pp_cosem_class_demand = {
    .class_id = 5, .version = 0, .nattr = 9, .nmeth = 2, .rule = RULE, .meth_who = METH,
    .get = get, .set = set, .action = pp_cosem_provider_action};
