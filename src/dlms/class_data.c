/* Interface class 1, Data: logical_name, value (bound to meter data through
 * the provider; writable where the object list says so). */
#include "polyphase/dlms_const.h"
#include "server_internal.h"

static const pp_clock_t *clock_of(const pp_dlms_server_t *s)
{
    return s->prov.clock ? s->prov.clock(s->prov.ctx) : NULL;
}

/* Shared by classes 1, 3, 4 and 5: a provider attribute as A-XDR. */
pp_err_t pp_cosem_put_provider_attr(const pp_cosem_call_t *c, uint8_t attr, pp_cosem_enc_t *e,
                                    uint8_t *dar)
{
    uint8_t scratch[128];
    pp_value_t v;
    PP_TRY(pp_cosem_value(c, attr, &v, scratch, sizeof scratch, dar));
    return pp_cosem_put_value(&e->wr, &v, clock_of(c->srv));
}

/* Shared: SET of a provider attribute of the object's value type. */
uint8_t pp_cosem_set_provider_attr(const pp_cosem_call_t *c, uint8_t attr, pp_vtype_t t,
                                   const uint8_t *data, size_t len)
{
    const pp_dlms_provider_t *p = &c->srv->prov;
    pp_value_t v;
    if (!p->set) {
        return PP_DAR_READ_WRITE_DENIED;
    }
    if (pp_cosem_get_value(data, len, t, clock_of(c->srv), &v) != PP_OK) {
        return PP_DAR_TYPE_UNMATCHED;
    }
    return p->set(p->ctx, c->obj->quantity, attr, &v);
}

/* Shared: methods of classes 3/4/5 go to the provider. */
uint8_t pp_cosem_provider_action(const pp_cosem_call_t *c, const uint8_t *params, size_t len,
                                 pp_axdr_wr_t *ret, bool *has_ret)
{
    (void)ret;
    (void)has_ret;
    const pp_dlms_provider_t *p = &c->srv->prov;
    return p->action ? p->action(p->ctx, c->obj->quantity, c->id, params, len)
                     : PP_ACTRES_OBJECT_UNAVAILABLE;
}

static pp_err_t get(const pp_cosem_call_t *c, pp_cosem_enc_t *e, uint8_t *dar)
{
    if (c->id == 1) {
        return pp_cosem_put_ln(&e->wr, c->obj->ln);
    }
    return pp_cosem_put_provider_attr(c, 2, e, dar);
}

static uint8_t set(const pp_cosem_call_t *c, const uint8_t *data, size_t len)
{
    return pp_cosem_set_provider_attr(c, 2, c->obj->type, data, len);
}

static const uint8_t RULE[] = {PP_CA_STATIC, PP_CA_VALUE};

const pp_cosem_class_t pp_cosem_class_data = {
    .class_id = 1, .version = 0, .nattr = 2, .nmeth = 0, .rule = RULE,
    .get = get, .set = set};
