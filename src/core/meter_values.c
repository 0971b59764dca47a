/* Binding of the object directory to meter data: one table, indexed by
 * quantity, of a getter and its two parameters. Adding an object to
 * objects.def means adding one row here. */
#include <string.h>

#include "polyphase/meter.h"

typedef pp_err_t (*getter_fn)(const pp_meter_t *m, uint8_t a, uint8_t b, pp_value_t *out,
                              uint8_t *scratch, size_t cap);
typedef struct binding {
    getter_fn get;
    uint8_t a, b;
} binding_t;

static pp_err_t put_text(const char *text, pp_vtype_t type, pp_value_t *out, uint8_t *scratch,
                         size_t cap)
{
    size_t n = strlen(text);
    PP_VERIFY(n <= cap && n <= UINT16_MAX, PP_ERR_NOSPACE);
    memcpy(scratch, text, n);
    out->type = type;
    out->v.bytes.ptr = scratch;
    out->v.bytes.len = (uint16_t)n;
    return PP_OK;
}

static void put_uint(pp_vtype_t type, uint64_t v, pp_value_t *out)
{
    out->type = type;
    out->v.u = v;
}

enum { ID_LDN, ID_NUMBER, ID_TYPE, ID_SW, ID_FW_LEGAL, ID_FW_APP, SIG_LEGAL, SIG_APP };

/* Firmware identifiers; the signature is SHA-256 over the identifier text
 * until image signing (firmware update) provides the real one. */
#define PP_FW_LEGAL_ID "PPH-LEGAL-1.0.0"
#define PP_FW_APP_ID "PPH-APP-0.1.0"

static pp_err_t get_identity(const pp_meter_t *m, uint8_t which, uint8_t unused, pp_value_t *out,
                             uint8_t *scratch, size_t cap)
{
    (void)unused;
    char text[64];
    switch (which) {
    case ID_LDN: /* FLAG id + meter number (OBJECT-MODEL.md) */
        PP_VERIFY(strlen(m->cfg.manufacturer) + strlen(m->cfg.meter_number) < sizeof text,
                  PP_ERR_INTERNAL);
        strcpy(text, m->cfg.manufacturer);
        strcat(text, m->cfg.meter_number);
        return put_text(text, PP_VT_OCTETS, out, scratch, cap);
    case ID_NUMBER:
        return put_text(m->cfg.meter_number, PP_VT_OCTETS, out, scratch, cap);
    case ID_TYPE:
        PP_TRY(pp_ordercode_print_type(&m->cfg.type, text, sizeof text));
        return put_text(text, PP_VT_VISIBLE, out, scratch, cap);
    case ID_SW:
        PP_TRY(pp_ordercode_print_sw(&m->cfg.sw, text, sizeof text));
        return put_text(text, PP_VT_VISIBLE, out, scratch, cap);
    case ID_FW_LEGAL:
        return put_text(PP_FW_LEGAL_ID, PP_VT_VISIBLE, out, scratch, cap);
    case ID_FW_APP:
        return put_text(PP_FW_APP_ID, PP_VT_VISIBLE, out, scratch, cap);
    default: {
        const char *id = which == SIG_LEGAL ? PP_FW_LEGAL_ID : PP_FW_APP_ID;
        PP_VERIFY(cap >= 32 && m->port->sha256 != NULL, PP_ERR_UNSUPPORTED);
        PP_TRY(m->port->sha256(m->port->ctx, (const uint8_t *)id, strlen(id), scratch));
        out->type = PP_VT_OCTETS;
        out->v.bytes.ptr = scratch;
        out->v.bytes.len = 32;
        return PP_OK;
    }
    }
}

static pp_err_t get_clock(const pp_meter_t *m, uint8_t a, uint8_t b, pp_value_t *out,
                          uint8_t *scratch, size_t cap)
{
    (void)a; (void)b; (void)scratch; (void)cap;
    int64_t utc;
    out->type = PP_VT_DATETIME;
    out->v.dt.valid = m->port->rtc_get(m->port->ctx, &utc) == PP_OK;
    out->v.dt.utc_ms = utc;
    return PP_OK;
}

static pp_err_t get_energy(const pp_meter_t *m, uint8_t q, uint8_t scope, pp_value_t *out,
                           uint8_t *scratch, size_t cap)
{
    (void)scratch; (void)cap;
    uint64_t wh = pp_app_energy_wh(&m->app, (pp_reg_quantity_t)q, scope);
    uint64_t step = 1;
    for (int8_t s = pp_app_energy_scaler(&m->app); s > 0; s--) {
        step *= 10u;
    }
    put_uint(PP_VT_UINT32, (wh / step) & 0xFFFFFFFFu, out);
    return PP_OK;
}

static pp_err_t get_tariff_energy(const pp_meter_t *m, uint8_t kind, uint8_t tariff,
                                  pp_value_t *out, uint8_t *scratch, size_t cap)
{
    (void)scratch; (void)cap;
    uint64_t wh = pp_app_tariff_wh(&m->app, (pp_reg_tariff_kind_t)kind, tariff);
    uint64_t step = 1;
    for (int8_t s = pp_app_energy_scaler(&m->app); s > 0; s--) {
        step *= 10u;
    }
    put_uint(PP_VT_UINT32, (wh / step) & 0xFFFFFFFFu, out);
    return PP_OK;
}

/* Instantaneous values from the latest frame; phase 0 = total. */
enum { INST_P_PLUS, INST_P_MINUS, INST_Q_PLUS, INST_Q_MINUS, INST_S_PLUS, INST_S_MINUS,
       INST_U, INST_I, INST_IN, INST_PF, INST_F, INST_ANGLE_U, INST_ANGLE_I, INST_THD_U,
       INST_THD_I };

static float frame_power(const pp_frame_t *f, uint8_t phase, int which)
{
    float p = phase ? f->phase[phase - 1].p_w : f->p_w;
    float q = phase ? f->phase[phase - 1].q_var : f->q_var;
    float s = phase ? f->phase[phase - 1].s_va : f->s_va;
    switch (which) {
    case INST_P_PLUS: return p > 0 ? p : 0;
    case INST_P_MINUS: return p < 0 ? -p : 0;
    case INST_Q_PLUS: return q > 0 ? q : 0;
    case INST_Q_MINUS: return q < 0 ? -q : 0;
    case INST_S_PLUS: return p >= 0 ? s : 0;
    default: return p < 0 ? s : 0; /* S- */
    }
}

static int64_t round_scaled(float v, int decimals)
{
    double d = v;
    while (decimals-- > 0) {
        d *= 10.0;
    }
    return (int64_t)(d >= 0 ? d + 0.5 : d - 0.5);
}

static pp_err_t get_instant(const pp_meter_t *m, uint8_t which, uint8_t phase, pp_value_t *out,
                            uint8_t *scratch, size_t cap)
{
    (void)scratch; (void)cap;
    const pp_frame_t *f = &m->frame;
    const pp_phase_frame_t *ph = &f->phase[phase ? phase - 1 : 0];
    switch (which) {
    case INST_U: put_uint(PP_VT_UINT16, (uint64_t)round_scaled(ph->u_rms_v, 1), out); break;
    case INST_I: put_uint(PP_VT_UINT32, (uint64_t)round_scaled(ph->i_rms_a, 2), out); break;
    case INST_IN: put_uint(PP_VT_UINT32, (uint64_t)round_scaled(f->i_neutral_a, 2), out); break;
    case INST_F: put_uint(PP_VT_UINT16, (uint64_t)round_scaled(f->f_hz, 2), out); break;
    case INST_THD_U: put_uint(PP_VT_UINT16, (uint64_t)round_scaled(ph->thd_u_pct, 1), out); break;
    case INST_THD_I: put_uint(PP_VT_UINT16, (uint64_t)round_scaled(ph->thd_i_pct, 1), out); break;
    case INST_PF:
        out->type = PP_VT_INT16;
        out->v.i = round_scaled(phase ? ph->pf : f->pf, 3);
        break;
    case INST_ANGLE_U:
    case INST_ANGLE_I:
        out->type = PP_VT_INT16;
        out->v.i = round_scaled(which == INST_ANGLE_U ? ph->angle_u_deg : ph->angle_ui_deg, 0);
        break;
    default:
        put_uint(PP_VT_UINT32, (uint64_t)round_scaled(frame_power(f, phase, which), 0), out);
        break;
    }
    return PP_OK;
}

enum { DEM_MAX, DEM_MAX_TARIFF, DEM_ACC, DEM_ACC_TARIFF, DEM_CURRENT };

static pp_err_t get_demand(const pp_meter_t *m, uint8_t which, uint8_t index, pp_value_t *out,
                           uint8_t *scratch, size_t cap)
{
    (void)scratch; (void)cap;
    const pp_demand_state_t *d = pp_app_demand(&m->app);
    uint64_t w;
    switch (which) {
    case DEM_MAX: w = d->max[index].w; break;
    case DEM_MAX_TARIFF: w = d->max_tariff[index].w; break;
    case DEM_ACC: w = d->acc_w; break;
    case DEM_CURRENT: w = pp_app_current_demand_w(&m->app, (pp_demand_kind_t)index); break;
    default: w = d->acc_tariff_w[index]; break;
    }
    put_uint(PP_VT_UINT32, w & 0xFFFFFFFFu, out);
    return PP_OK;
}

enum { CNT_TARIFF, CNT_HOURS, CNT_STOPS, CNT_THRESHOLD, CNT_PULSES, CNT_QUALITY, CNT_CLIENT_IC,
       CNT_POWER_THRESHOLD };

static pp_err_t get_counter(const pp_meter_t *m, uint8_t which, uint8_t unused, pp_value_t *out,
                            uint8_t *scratch, size_t cap)
{
    (void)unused; (void)scratch; (void)cap;
    switch (which) {
    case CNT_TARIFF: put_uint(PP_VT_UINT8, pp_app_tariff(&m->app), out); break;
    case CNT_HOURS: put_uint(PP_VT_UINT32, pp_app_hour_counter(&m->app), out); break;
    case CNT_STOPS: put_uint(PP_VT_UINT32, pp_app_stop_counter(&m->app), out); break;
    case CNT_THRESHOLD: put_uint(PP_VT_UINT32, pp_app_threshold_counter(&m->app), out); break;
    case CNT_POWER_THRESHOLD: put_uint(PP_VT_UINT32, pp_app_power_threshold(&m->app), out); break;
    case CNT_PULSES: put_uint(PP_VT_UINT32, pp_app_pulse_counter(&m->app) & 0xFFFFFFFFu, out); break;
    /* the last counter accepted from the management client: it sends this + 1 next */
    case CNT_CLIENT_IC: put_uint(PP_VT_UINT32, m->dlms.sec.rx_ic[PP_ASSOC_MANAGEMENT], out); break;
    default: put_uint(PP_VT_UINT32, pp_app_quality(&m->app), out); break;
    }
    return PP_OK;
}

#define E(q, s) {get_energy, PP_REG_##q, PP_REG_##s}
#define T(k, t) {get_tariff_energy, PP_REG_TARIFF_##k, t}
#define I(w, p) {get_instant, INST_##w, p}
static const binding_t BINDINGS[PP_Q_COUNT] = {
    [PP_Q_LOGICAL_DEVICE_NAME] = {get_identity, ID_LDN, 0},
    [PP_Q_METER_NUMBER] = {get_identity, ID_NUMBER, 0},
    [PP_Q_METER_TYPE] = {get_identity, ID_TYPE, 0},
    [PP_Q_SOFTWARE_CODE] = {get_identity, ID_SW, 0},
    [PP_Q_FW_LEGAL_ID] = {get_identity, ID_FW_LEGAL, 0},
    [PP_Q_FW_LEGAL_SIG] = {get_identity, SIG_LEGAL, 0},
    [PP_Q_FW_APP_ID] = {get_identity, ID_FW_APP, 0},
    [PP_Q_FW_APP_SIG] = {get_identity, SIG_APP, 0},
    [PP_Q_CLOCK] = {get_clock, 0, 0},
    [PP_Q_A_PLUS] = E(A_PLUS, TOTAL), [PP_Q_A_MINUS] = E(A_MINUS, TOTAL),
    [PP_Q_R_PLUS] = E(R_PLUS, TOTAL), [PP_Q_R_MINUS] = E(R_MINUS, TOTAL),
    [PP_Q_E_PLUS] = E(E_PLUS, TOTAL), [PP_Q_E_MINUS] = E(E_MINUS, TOTAL),
    [PP_Q_A_PLUS_T1] = T(A_PLUS, 1), [PP_Q_A_PLUS_T2] = T(A_PLUS, 2),
    [PP_Q_A_PLUS_T3] = T(A_PLUS, 3), [PP_Q_A_PLUS_T4] = T(A_PLUS, 4),
    [PP_Q_R_PLUS_T1] = T(R_PLUS, 1), [PP_Q_R_PLUS_T2] = T(R_PLUS, 2),
    [PP_Q_R_PLUS_T3] = T(R_PLUS, 3), [PP_Q_R_PLUS_T4] = T(R_PLUS, 4),
    [PP_Q_A_PLUS_L1] = E(A_PLUS, L1), [PP_Q_A_PLUS_L2] = E(A_PLUS, L2),
    [PP_Q_A_PLUS_L3] = E(A_PLUS, L3), [PP_Q_A_MINUS_L1] = E(A_MINUS, L1),
    [PP_Q_A_MINUS_L2] = E(A_MINUS, L2), [PP_Q_A_MINUS_L3] = E(A_MINUS, L3),
    [PP_Q_P_PLUS] = I(P_PLUS, 0), [PP_Q_P_MINUS] = I(P_MINUS, 0),
    [PP_Q_Q_PLUS] = I(Q_PLUS, 0), [PP_Q_Q_MINUS] = I(Q_MINUS, 0),
    [PP_Q_S_PLUS] = I(S_PLUS, 0), [PP_Q_S_MINUS] = I(S_MINUS, 0),
    [PP_Q_P_PLUS_L1] = I(P_PLUS, 1), [PP_Q_P_PLUS_L2] = I(P_PLUS, 2),
    [PP_Q_P_PLUS_L3] = I(P_PLUS, 3), [PP_Q_P_MINUS_L1] = I(P_MINUS, 1),
    [PP_Q_P_MINUS_L2] = I(P_MINUS, 2), [PP_Q_P_MINUS_L3] = I(P_MINUS, 3),
    [PP_Q_U_L1] = I(U, 1), [PP_Q_U_L2] = I(U, 2), [PP_Q_U_L3] = I(U, 3),
    [PP_Q_I_L1] = I(I, 1), [PP_Q_I_L2] = I(I, 2), [PP_Q_I_L3] = I(I, 3), [PP_Q_I_N] = I(IN, 0),
    [PP_Q_PF] = I(PF, 0), [PP_Q_PF_L1] = I(PF, 1), [PP_Q_PF_L2] = I(PF, 2), [PP_Q_PF_L3] = I(PF, 3),
    [PP_Q_FREQUENCY] = I(F, 0),
    [PP_Q_ANGLE_U2_U1] = I(ANGLE_U, 2), [PP_Q_ANGLE_U3_U1] = I(ANGLE_U, 3),
    [PP_Q_ANGLE_I1_U1] = I(ANGLE_I, 1), [PP_Q_ANGLE_I2_U2] = I(ANGLE_I, 2),
    [PP_Q_ANGLE_I3_U3] = I(ANGLE_I, 3),
    [PP_Q_THD_U_L1] = I(THD_U, 1), [PP_Q_THD_U_L2] = I(THD_U, 2), [PP_Q_THD_U_L3] = I(THD_U, 3),
    [PP_Q_THD_I_L1] = I(THD_I, 1), [PP_Q_THD_I_L2] = I(THD_I, 2), [PP_Q_THD_I_L3] = I(THD_I, 3),
    [PP_Q_CURRENT_TARIFF] = {get_counter, CNT_TARIFF, 0},
    [PP_Q_P_PLUS_MAX] = {get_demand, DEM_MAX, PP_DEMAND_P_PLUS},
    [PP_Q_P_PLUS_MAX_T1] = {get_demand, DEM_MAX_TARIFF, 0},
    [PP_Q_P_PLUS_MAX_T2] = {get_demand, DEM_MAX_TARIFF, 1},
    [PP_Q_P_PLUS_MAX_T3] = {get_demand, DEM_MAX_TARIFF, 2},
    [PP_Q_P_PLUS_MAX_T4] = {get_demand, DEM_MAX_TARIFF, 3},
    [PP_Q_S_PLUS_MAX] = {get_demand, DEM_MAX, PP_DEMAND_S_PLUS},
    [PP_Q_S_MINUS_MAX] = {get_demand, DEM_MAX, PP_DEMAND_S_MINUS},
    [PP_Q_P_PLUS_MAX_ACC] = {get_demand, DEM_ACC, 0},
    [PP_Q_P_PLUS_MAX_ACC_T1] = {get_demand, DEM_ACC_TARIFF, 0},
    [PP_Q_P_PLUS_MAX_ACC_T2] = {get_demand, DEM_ACC_TARIFF, 1},
    [PP_Q_DEMAND_P_PLUS] = {get_demand, DEM_CURRENT, PP_DEMAND_P_PLUS},
    [PP_Q_DEMAND_S_PLUS] = {get_demand, DEM_CURRENT, PP_DEMAND_S_PLUS},
    [PP_Q_DEMAND_S_MINUS] = {get_demand, DEM_CURRENT, PP_DEMAND_S_MINUS},
    [PP_Q_HOUR_COUNTER] = {get_counter, CNT_HOURS, 0},
    [PP_Q_DEBITING_STOP_COUNTER] = {get_counter, CNT_STOPS, 0},
    [PP_Q_POWER_THRESHOLD] = {get_counter, CNT_POWER_THRESHOLD, 0},
    [PP_Q_POWER_THRESHOLD_COUNTER] = {get_counter, CNT_THRESHOLD, 0},
    [PP_Q_PULSE_INPUT] = {get_counter, CNT_PULSES, 0},
    [PP_Q_QUALITY_INFO] = {get_counter, CNT_QUALITY, 0},
    [PP_Q_CLIENT_INVOCATION_COUNTER] = {get_counter, CNT_CLIENT_IC, 0},
};

bool pp_meter_has_object(const pp_meter_t *m, const pp_object_t *o)
{
    return o != NULL && pp_objects_enabled(o, m->cfg.features.objects);
}

pp_err_t pp_meter_value(const pp_meter_t *m, const pp_object_t *o, pp_value_t *out,
                        uint8_t *scratch, size_t cap)
{
    PP_VERIFY(pp_meter_has_object(m, o), PP_ERR_NOT_FOUND);
    const binding_t *b = &BINDINGS[o->quantity];
    PP_VERIFY(b->get != NULL, PP_ERR_UNSUPPORTED); /* an object without a value attribute */
    memset(out, 0, sizeof *out);
    return b->get(m, b->a, b->b, out, scratch, cap);
}

int8_t pp_meter_scaler(const pp_meter_t *m, const pp_object_t *o)
{
    return o->scaler == PP_SCALER_ENERGY ? pp_app_energy_scaler(&m->app) : o->scaler;
}

pp_err_t pp_meter_capture_time(const pp_meter_t *m, const pp_object_t *o, pp_value_t *out)
{
    PP_VERIFY(pp_meter_has_object(m, o), PP_ERR_NOT_FOUND);
    const binding_t *b = &BINDINGS[o->quantity];
    PP_VERIFY(b->get == get_demand && (b->a == DEM_MAX || b->a == DEM_MAX_TARIFF),
              PP_ERR_UNSUPPORTED);
    const pp_demand_state_t *d = pp_app_demand(&m->app);
    const pp_demand_max_t *mx = b->a == DEM_MAX ? &d->max[b->b] : &d->max_tariff[b->b];
    out->type = PP_VT_DATETIME;
    out->v.dt.valid = mx->w != 0;
    out->v.dt.utc_ms = mx->utc_ms;
    return PP_OK;
}
