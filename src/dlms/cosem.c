/* What the interface classes share: the sink window, access rules, the
 * class table and value conversions between pp_value_t and A-XDR. */
#include <string.h>

#include "polyphase/dlms_const.h"
#include "server_internal.h"

pp_err_t pp_cosem_sink_put(pp_cosem_sink_t *k, const uint8_t *p, size_t n)
{
    size_t i = 0;
    if (k->pos < k->skip) { /* drop what earlier blocks carried */
        size_t drop = k->skip - k->pos;
        if (drop > n) {
            drop = n;
        }
        i = drop;
        k->pos += (uint32_t)drop;
    }
    size_t room = k->cap - k->stored, take = n - i;
    if (take > room) {
        take = room;
    }
    if (take > 0) {
        memcpy(k->out + k->stored, p + i, take);
    }
    k->stored += take;
    k->pos += (uint32_t)take;
    if (i + take < n) {
        k->overflow = true;
        return PP_ERR_NOSPACE;
    }
    return PP_OK;
}

void pp_cosem_enc_init(pp_cosem_enc_t *e, pp_cosem_sink_t *k)
{
    pp_axdr_wr_init(&e->wr, e->buf, sizeof e->buf);
    e->k = k;
}

pp_err_t pp_cosem_enc_flush(pp_cosem_enc_t *e)
{
    pp_err_t rc = pp_cosem_sink_put(e->k, e->buf, e->wr.pos);
    e->wr.pos = 0;
    return rc;
}

const pp_cosem_class_t *pp_cosem_class_find(uint16_t class_id)
{
    switch (class_id) {
    case 1: return &pp_cosem_class_data;
    case 3: return &pp_cosem_class_register;
    case 4: return &pp_cosem_class_ext_register;
    case 5: return &pp_cosem_class_demand;
    case 7: return &pp_cosem_class_profile;
    case 8: return &pp_cosem_class_clock;
    case 11: return &pp_cosem_class_special_days;
    case 15: return &pp_cosem_class_assoc_ln;
    case 17: return &pp_cosem_class_sap;
    case 20: return &pp_cosem_class_calendar;
    case 23: return &pp_cosem_class_hdlc_setup;
    case 41: return &pp_cosem_class_tcp_udp;
    case 64: return &pp_cosem_class_security;
    default: return NULL;
    }
}

bool pp_cosem_visible(const pp_object_t *o, uint8_t who, uint32_t features)
{
    return who < PP_ASSOC_COUNT && pp_objects_enabled(o, features) &&
           pp_access_for(o->access, (pp_assoc_id_t)who) != PP_ACC_NONE;
}

unsigned pp_cosem_attr_access(const pp_cosem_class_t *cls, const pp_object_t *o, uint8_t who,
                              uint8_t attr)
{
    if (who >= PP_ASSOC_COUNT || attr < 1 || attr > cls->nattr) {
        return PP_ACC_NONE;
    }
    const unsigned value = pp_access_for(o->access, (pp_assoc_id_t)who);
    const unsigned readable = value != PP_ACC_NONE ? PP_ACC_READ : PP_ACC_NONE;
    switch (attr == 1 ? PP_CA_STATIC : cls->rule[attr - 1]) {
    case PP_CA_VALUE: return value;
    case PP_CA_SECRET: return value & PP_ACC_WRITE;
    case PP_CA_CONFIG:
        return (value & PP_ACC_READ) |
               (who == PP_ASSOC_MANAGEMENT && (value & PP_ACC_WRITE) ? PP_ACC_WRITE : 0u);
    default: return readable;
    }
}

bool pp_cosem_method_allowed(const pp_cosem_class_t *cls, const pp_object_t *o, uint8_t who,
                             uint8_t m)
{
    return who < PP_ASSOC_COUNT && m >= 1 && m <= cls->nmeth &&
           pp_access_for(o->access, (pp_assoc_id_t)who) != PP_ACC_NONE &&
           (cls->meth_who[m - 1] & PP_WHO(who)) != 0;
}

pp_err_t pp_cosem_put_dt(pp_axdr_wr_t *w, const pp_axdr_datetime_t *dt)
{
    uint8_t os[12];
    PP_TRY(pp_clock_dt_encode(dt, os, sizeof os));
    return pp_axdr_put_octets(w, os, sizeof os);
}

pp_err_t pp_cosem_put_value(pp_axdr_wr_t *w, const pp_value_t *v, const pp_clock_t *clk)
{
    switch (v->type) {
    case PP_VT_NULL: return pp_axdr_put_null(w);
    case PP_VT_BOOL: return pp_axdr_put_bool(w, v->v.b);
    case PP_VT_INT8: return pp_axdr_put_i8(w, (int8_t)v->v.i);
    case PP_VT_INT16: return pp_axdr_put_i16(w, (int16_t)v->v.i);
    case PP_VT_INT32: return pp_axdr_put_i32(w, (int32_t)v->v.i);
    case PP_VT_INT64: return pp_axdr_put_i64(w, v->v.i);
    case PP_VT_UINT8: return pp_axdr_put_u8(w, (uint8_t)v->v.u);
    case PP_VT_UINT16: return pp_axdr_put_u16(w, (uint16_t)v->v.u);
    case PP_VT_UINT32: return pp_axdr_put_u32(w, (uint32_t)v->v.u);
    case PP_VT_UINT64: return pp_axdr_put_u64(w, v->v.u);
    case PP_VT_ENUM: return pp_axdr_put_enum(w, (uint8_t)v->v.u);
    case PP_VT_FLOAT32: return pp_axdr_put_f32(w, (float)v->v.f);
    case PP_VT_FLOAT64: return pp_axdr_put_f64(w, v->v.f);
    case PP_VT_OCTETS: return pp_axdr_put_octets(w, v->v.bytes.ptr, v->v.bytes.len);
    case PP_VT_VISIBLE: return pp_axdr_put_visible(w, v->v.bytes.ptr, v->v.bytes.len);
    case PP_VT_DATETIME: {
        pp_axdr_datetime_t dt;
        if (v->v.dt.valid && clk) {
            pp_clock_dt_local(clk, v->v.dt.utc_ms, 0, &dt);
        } else {
            memset(&dt, 0xFF, sizeof dt); /* not specified */
            dt.deviation = PP_DT_DEVIATION_ANY;
        }
        return pp_cosem_put_dt(w, &dt);
    }
    default: return PP_ERR_UNSUPPORTED;
    }
}

static const uint8_t TAG_OF[] = {
    [PP_VT_NULL] = PP_DT_NULL, [PP_VT_BOOL] = PP_DT_BOOLEAN, [PP_VT_INT8] = PP_DT_INTEGER,
    [PP_VT_INT16] = PP_DT_LONG, [PP_VT_INT32] = PP_DT_DOUBLE_LONG, [PP_VT_INT64] = PP_DT_LONG64,
    [PP_VT_UINT8] = PP_DT_UNSIGNED, [PP_VT_UINT16] = PP_DT_LONG_UNSIGNED,
    [PP_VT_UINT32] = PP_DT_DOUBLE_LONG_UNSIGNED, [PP_VT_UINT64] = PP_DT_LONG64_UNSIGNED,
    [PP_VT_ENUM] = PP_DT_ENUM, [PP_VT_FLOAT32] = PP_DT_FLOAT32, [PP_VT_FLOAT64] = PP_DT_FLOAT64,
    [PP_VT_OCTETS] = PP_DT_OCTET_STRING, [PP_VT_VISIBLE] = PP_DT_VISIBLE_STRING,
    [PP_VT_DATETIME] = PP_DT_OCTET_STRING};

pp_err_t pp_cosem_get_value(const uint8_t *data, size_t len, pp_vtype_t t, const pp_clock_t *clk,
                            pp_value_t *out)
{
    PP_VERIFY((unsigned)t < sizeof TAG_OF, PP_ERR_ARG);
    pp_axdr_rd_t rd;
    pp_axdr_value_t v;
    pp_axdr_rd_init(&rd, data, len);
    PP_TRY(pp_axdr_get(&rd, &v));
    PP_VERIFY(rd.pos == len && v.tag == TAG_OF[t], PP_ERR_MALFORMED);
    memset(out, 0, sizeof *out);
    out->type = t;
    switch (t) {
    case PP_VT_BOOL: out->v.b = v.v.b; break;
    case PP_VT_INT8: case PP_VT_INT16: case PP_VT_INT32: case PP_VT_INT64:
        out->v.i = v.v.i;
        break;
    case PP_VT_FLOAT32: out->v.f = v.v.f32; break;
    case PP_VT_FLOAT64: out->v.f = v.v.f64; break;
    case PP_VT_OCTETS: case PP_VT_VISIBLE:
        PP_VERIFY(v.v.str.len <= UINT16_MAX, PP_ERR_RANGE);
        out->v.bytes.ptr = v.v.str.ptr;
        out->v.bytes.len = (uint16_t)v.v.str.len;
        break;
    case PP_VT_DATETIME: {
        pp_axdr_datetime_t dt;
        PP_VERIFY(clk, PP_ERR_UNSUPPORTED);
        PP_TRY(pp_clock_dt_decode(v.v.str.ptr, v.v.str.len, &dt, NULL));
        PP_TRY(pp_clock_dt_to_utc(clk, &dt, &out->v.dt.utc_ms));
        out->v.dt.valid = true;
        break;
    }
    case PP_VT_NULL: break;
    default: out->v.u = v.v.u; break;
    }
    return PP_OK;
}

pp_err_t pp_cosem_put_scaler_unit(pp_axdr_wr_t *w, int8_t scaler, uint8_t unit)
{
    PP_TRY(pp_axdr_put_struct(w, 2));
    PP_TRY(pp_axdr_put_i8(w, scaler));
    return pp_axdr_put_enum(w, unit);
}

pp_err_t pp_cosem_put_ln(pp_axdr_wr_t *w, pp_obis_t ln)
{
    const uint8_t b[6] = {ln.a, ln.b, ln.c, ln.d, ln.e, ln.f};
    return pp_axdr_put_octets(w, b, 6);
}

int8_t pp_cosem_scaler(const pp_dlms_server_t *s, const pp_object_t *o)
{
    if (o->scaler != PP_SCALER_ENERGY) {
        return o->scaler;
    }
    return s->prov.energy_scaler ? s->prov.energy_scaler(s->prov.ctx) : 0;
}

pp_err_t pp_cosem_value(const pp_cosem_call_t *c, uint8_t attr, pp_value_t *v, uint8_t *scratch,
                        size_t cap, uint8_t *dar)
{
    const pp_dlms_provider_t *p = &c->srv->prov;
    pp_err_t rc = p->get ? p->get(p->ctx, c->obj->quantity, attr, v, scratch, cap)
                         : PP_ERR_NOT_FOUND;
    switch (rc) {
    case PP_OK: return PP_OK;
    case PP_ERR_NOT_FOUND: *dar = PP_DAR_OBJECT_UNAVAILABLE; break;
    case PP_ERR_BUSY: *dar = PP_DAR_TEMPORARY_FAILURE; break;
    case PP_ERR_DENIED: *dar = PP_DAR_READ_WRITE_DENIED; break;
    default: *dar = PP_DAR_HARDWARE_FAULT; break;
    }
    return PP_ERR_DENIED;
}

pp_err_t pp_cosem_comm_info(const pp_cosem_call_t *c, pp_dlms_comm_info_t *ci, uint8_t *dar)
{
    const pp_dlms_provider_t *p = &c->srv->prov;
    memset(ci, 0, sizeof *ci);
    if (!p->comm_info) {
        *dar = PP_DAR_OBJECT_UNAVAILABLE;
        return PP_ERR_DENIED;
    }
    p->comm_info(p->ctx, ci);
    return PP_OK;
}

uint8_t pp_cosem_get_setting(const uint8_t *data, size_t len, bool wide, uint16_t lo, uint16_t hi,
                             uint16_t *out)
{
    pp_axdr_rd_t rd;
    pp_axdr_rd_init(&rd, data, len);
    uint8_t u8 = 0;
    pp_err_t rc = wide ? pp_axdr_get_u16(&rd, out) : pp_axdr_get_u8(&rd, &u8);
    if (rc != PP_OK || rd.pos != len) {
        return PP_DAR_TYPE_UNMATCHED;
    }
    if (!wide) {
        *out = u8;
    }
    return *out < lo || *out > hi ? PP_DAR_OTHER_REASON : PP_DAR_SUCCESS;
}

uint8_t pp_cosem_comm_write(const pp_cosem_call_t *c, const pp_dlms_comm_info_t *ci)
{
    const pp_dlms_provider_t *p = &c->srv->prov;
    return p->comm_write ? p->comm_write(p->ctx, ci) : PP_DAR_READ_WRITE_DENIED;
}
