/* IEC 62056-21 optical port bound to the object directory: readout lists,
 * value formatting as the meter shows it, programming-mode reads and writes.
 * Legal data is refused (data sheet: "not possible to change legal data"). */
#include <string.h>

#include "meter_internal.h"

#define OB(a, b, c, d, e) {a, b, c, d, e, 255}
/* UD1: identity, clock, energy registers, tariffs, peak power with time,
 * counters (data sheet "Optical reading" / Z18). UD2 adds instantaneous values. */
static const uint8_t READOUT_UD1[][6] = {
    OB(1, 1, 0, 0, 1), OB(0, 1, 0, 9, 1), OB(0, 1, 0, 9, 2),
    OB(1, 1, 1, 8, 0), OB(1, 1, 2, 8, 0), OB(1, 1, 3, 8, 0), OB(1, 1, 4, 8, 0),
    OB(1, 1, 1, 8, 1), OB(1, 1, 1, 8, 2), OB(1, 1, 1, 8, 3), OB(1, 1, 1, 8, 4),
    OB(1, 1, 3, 8, 1), OB(1, 1, 3, 8, 2), OB(1, 1, 3, 8, 3), OB(1, 1, 3, 8, 4),
    OB(1, 1, 1, 6, 0), OB(1, 1, 1, 2, 0), OB(0, 1, 96, 14, 0),
    OB(0, 1, 96, 8, 0), OB(1, 1, 0, 1, 0), OB(0, 1, 96, 50, 0),
};
static const uint8_t READOUT_UD2_EXTRA[][6] = {
    OB(1, 1, 32, 7, 0), OB(1, 1, 52, 7, 0), OB(1, 1, 72, 7, 0),
    OB(1, 1, 31, 7, 0), OB(1, 1, 51, 7, 0), OB(1, 1, 71, 7, 0),
    OB(1, 1, 1, 7, 0), OB(1, 1, 2, 7, 0), OB(1, 1, 14, 7, 0),
};
#define N_UD1 (sizeof READOUT_UD1 / sizeof READOUT_UD1[0])
#define N_UD2 (sizeof READOUT_UD2_EXTRA / sizeof READOUT_UD2_EXTRA[0])
/* 62056-21 convention for the local time and date lines (C.D.E 0.9.1/0.9.2). */
#define IS_TIME(o) ((o)[2] == 0 && (o)[3] == 9 && (o)[4] == 1)
#define IS_DATE(o) ((o)[2] == 0 && (o)[3] == 9 && (o)[4] == 2)

/* The object for an address; readers often send B = 0 ("1-0:1.8.0"), so an
 * exact match is tried first, then any object with the same C.D.E*F. */
static const pp_object_t *find_object(const pp_meter_t *m, const uint8_t ob[6])
{
    const pp_object_t *o = pp_objects_find(PP_OBIS(ob[0], ob[1], ob[2], ob[3], ob[4], ob[5]));
    for (size_t i = 0; !o && i < pp_objects_count(); i++) {
        const pp_object_t *c = pp_objects_at(i);
        if (c->ln.c == ob[2] && c->ln.d == ob[3] && c->ln.e == ob[4] && c->ln.f == ob[5] &&
            (ob[0] == c->ln.a || (ob[0] == 1) == (c->ln.a == 1))) {
            o = c;
        }
    }
    return pp_meter_has_object(m, o) ? o : NULL;
}

static void two_digits(char *p, unsigned v)
{
    p[0] = (char)('0' + v / 10u % 10u);
    p[1] = (char)('0' + v % 10u);
}

/* "YY-MM-DD" and "hh:mm:ss" in local time. */
static pp_err_t format_local(const pp_meter_t *m, int64_t utc_ms, char *date, char *time)
{
    pp_tariff_time_t t;
    PP_TRY(pp_meter_local_time(m, utc_ms, &t));
    two_digits(date, t.year % 100u); date[2] = '-';
    two_digits(date + 3, t.month); date[5] = '-';
    two_digits(date + 6, t.day); date[8] = '\0';
    two_digits(time, t.hour); time[2] = ':';
    two_digits(time + 3, t.minute); time[5] = ':';
    two_digits(time + 6, t.second); time[8] = '\0';
    return PP_OK;
}

/* Display units: energy and power in k-units, the rest as stored. */
static void unit_and_decimals(const pp_meter_t *m, const pp_object_t *o, char *unit,
                              int8_t *shift, uint8_t *decimals)
{
    const char *sym = pp_unit_symbol(o->unit);
    bool kilo = o->unit == PP_UNIT_WH || o->unit == PP_UNIT_VARH || o->unit == PP_UNIT_VAH ||
                o->unit == PP_UNIT_W || o->unit == PP_UNIT_VAR || o->unit == PP_UNIT_VA;
    int8_t scaler = pp_meter_scaler(m, o);
    *shift = kilo ? -3 : 0;
    if (o->scaler == PP_SCALER_ENERGY) {
        *decimals = m->cfg.sw.display_decimals;
    } else {
        *decimals = (uint8_t)(kilo ? 3 : (scaler < 0 ? -scaler : 0));
    }
    unit[0] = '\0';
    if (kilo) {
        strcpy(unit, "k");
    }
    strncat(unit, sym, PP_IEC21_UNIT_MAX - 1);
}

static pp_err_t read_value(void *ctx, unsigned access, const uint8_t obis[6],
                           pp_iec21_value_t *out, uint64_t now_ms)
{
    const pp_meter_t *m = ctx;
    (void)now_ms;
    memset(out, 0, sizeof *out);
    if (IS_TIME(obis) || IS_DATE(obis)) {
        int64_t utc;
        char date[9], time[9];
        PP_VERIFY(m->port->rtc_get(m->port->ctx, &utc) == PP_OK, PP_ERR_STATE);
        PP_TRY(format_local(m, utc, date, time));
        strcpy(out->text, IS_TIME(obis) ? time : date);
        return PP_OK;
    }
    const pp_object_t *o = find_object(m, obis);
    PP_VERIFY(o != NULL, PP_ERR_NOT_FOUND);
    /* The optical head needs physical access to the meter: with or without
     * P1 it reads what the DLMS reader association reads (never more). */
    (void)access;
    PP_VERIFY(pp_access_for(o->access, PP_ASSOC_READER) & PP_ACC_READ, PP_ERR_DENIED);
    uint8_t scratch[64];
    pp_value_t v;
    PP_TRY(pp_meter_value(m, o, &v, scratch, sizeof scratch));
    if (v.type == PP_VT_OCTETS || v.type == PP_VT_VISIBLE) {
        size_t n = v.v.bytes.len < PP_IEC21_VALUE_MAX ? v.v.bytes.len : PP_IEC21_VALUE_MAX;
        memcpy(out->text, v.v.bytes.ptr, n);
        return PP_OK;
    }
    int8_t shift;
    uint8_t decimals;
    unit_and_decimals(m, o, out->unit, &shift, &decimals);
    PP_TRY(pp_value_format_decimal(&v, pp_meter_scaler(m, o), shift, decimals, out->text,
                                   sizeof out->text));
    pp_value_t when;
    if (o->class_id == 4 && pp_meter_capture_time(m, o, &when) == PP_OK && when.v.dt.valid) {
        char date[9], time[9];
        PP_TRY(format_local(m, when.v.dt.utc_ms, date, time));
        memcpy(out->text2, date, 8);
        out->text2[8] = ' ';
        memcpy(out->text2 + 9, time, 5); /* "YY-MM-DD hh:mm" */
    }
    return PP_OK;
}

static pp_iec21_write_result_t write_value(void *ctx, unsigned access, const uint8_t obis[6],
                                           const char *value, size_t len, uint64_t now_ms)
{
    const pp_meter_t *m = ctx;
    (void)value; (void)len; (void)now_ms;
    if (access != PP_IEC21_ACCESS_P1) {
        return PP_IEC21_WRITE_RIGHTS;
    }
    if (IS_TIME(obis) || IS_DATE(obis)) {
        return PP_IEC21_WRITE_RIGHTS; /* clock setting: through DLMS management only */
    }
    const pp_object_t *o = find_object(m, obis);
    if (!o) {
        return PP_IEC21_WRITE_UNKNOWN;
    }
    if (o->ln.a == 1 && (o->ln.d == 8 || o->ln.d == 6 || o->ln.d == 2)) {
        return PP_IEC21_WRITE_LEGAL; /* energy registers, maxima: legal data */
    }
    return PP_IEC21_WRITE_RIGHTS;
}

static pp_err_t readout_item(void *ctx, unsigned list, size_t index, uint8_t obis[6])
{
    const pp_meter_t *m = ctx;
    for (;;) { /* skip objects this meter does not have (e.g. A- on an A+ meter) */
        const uint8_t *ob;
        if (index < N_UD1) {
            ob = READOUT_UD1[index];
        } else if (list == 2 && index - N_UD1 < N_UD2) {
            ob = READOUT_UD2_EXTRA[index - N_UD1];
        } else {
            return PP_ERR_NOT_FOUND;
        }
        if (IS_TIME(ob) || IS_DATE(ob) || find_object(m, ob)) {
            memcpy(obis, ob, 6);
            return PP_OK;
        }
        index++;
    }
}

pp_err_t pp_meter_optical_init(pp_meter_t *m)
{
    pp_iec21_config_t cfg;
    pp_iec21_config_default(&cfg);
    switch (m->cfg.sw.iec1107) {
    case PP_OC_1107_UD1: cfg.z18 = PP_IEC21_AC_UD1; break;
    case PP_OC_1107_UD2: cfg.z18 = PP_IEC21_AC_UD2; break;
    case PP_OC_1107_PRESET: cfg.z18 = PP_IEC21_AC_UD1; break;
    default: cfg.z18 = PP_IEC21_DISABLED; break;
    }
    memcpy(cfg.manufacturer, m->cfg.manufacturer, 4);
    strncpy(cfg.ident, "POLYPHASE3", PP_IEC21_IDENT_MAX);
    strncpy(cfg.password, m->cfg.optical_password, PP_IEC21_VALUE_MAX);
    PP_TRY(pp_iec21_config_check(&cfg));
    m->optical_provider = (pp_iec21_provider_t){
        .ctx = m, .read_value = read_value, .write_value = write_value,
        .readout_item = readout_item};
    m->optical_cfg = cfg;
    return PP_OK;
}
