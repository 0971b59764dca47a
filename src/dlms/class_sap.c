/* Interface class 17, SAP assignment: the one logical device of the meter
 * (server SAP and logical device name). connect_logical_device is not
 * offered. */
#include "polyphase/dlms_const.h"
#include "server_internal.h"

static pp_err_t get(const pp_cosem_call_t *c, pp_cosem_enc_t *e, uint8_t *dar)
{
    if (c->id == 1) {
        return pp_cosem_put_ln(&e->wr, c->obj->ln);
    }
    const pp_dlms_provider_t *p = &c->srv->prov;
    uint8_t scratch[32];
    pp_value_t v = {.type = PP_VT_NULL};
    if (!p->get || p->get(p->ctx, PP_Q_LOGICAL_DEVICE_NAME, 2, &v, scratch, sizeof scratch) != PP_OK ||
        (v.type != PP_VT_OCTETS && v.type != PP_VT_VISIBLE)) {
        *dar = PP_DAR_OBJECT_UNAVAILABLE;
        return PP_ERR_DENIED;
    }
    PP_TRY(pp_axdr_put_array(&e->wr, 1));
    PP_TRY(pp_axdr_put_struct(&e->wr, 2));
    PP_TRY(pp_axdr_put_u16(&e->wr, c->srv->cfg.logical_device));
    return pp_axdr_put_octets(&e->wr, v.v.bytes.ptr, v.v.bytes.len);
}

static const uint8_t RULE[] = {PP_CA_STATIC, PP_CA_VALUE};
static const uint8_t METH[] = {0};

const pp_cosem_class_t pp_cosem_class_sap = {
    .class_id = 17, .version = 0, .nattr = 2, .nmeth = 1, .rule = RULE, .meth_who = METH,
    .get = get};
