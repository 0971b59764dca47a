/* COSEM interface classes over the object directory: 1 Data, 3 Register,
 * 4 Extended register, 7 Profile generic, 8 Clock, 15 Association LN.
 * Each attribute is encoded piece by piece into a sink window, so a profile
 * buffer of any length streams into GET blocks without a buffer of its own. */
#include <string.h>

#include "polyphase/dlms.h"
#include "polyphase/dlms_const.h"
#include "polyphase/meter.h"

#define PIECE 600 /* the largest piece encoded at once (one profile row) */

typedef struct enc {
    pp_axdr_wr_t wr;
    uint8_t buf[PIECE];
    pp_dlms_sink_t *k;
} enc_t;

static void enc_init(enc_t *e, pp_dlms_sink_t *k)
{
    pp_axdr_wr_init(&e->wr, e->buf, sizeof e->buf);
    e->k = k;
}

static pp_err_t enc_flush(enc_t *e)
{
    pp_err_t rc = pp_dlms_sink_put(e->k, e->buf, e->wr.pos);
    e->wr.pos = 0;
    return rc;
}

static const uint8_t CLOCK_LN[6] = {0, 1, 1, 0, 0, 255};

/* ---- values ---- */

static pp_err_t put_value(pp_axdr_wr_t *w, const pp_value_t *v, const pp_clock_t *clk)
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
    case PP_VT_OCTETS: return pp_axdr_put_octets(w, v->v.bytes.ptr, v->v.bytes.len);
    case PP_VT_VISIBLE: return pp_axdr_put_visible(w, v->v.bytes.ptr, v->v.bytes.len);
    case PP_VT_DATETIME: {
        pp_axdr_datetime_t dt;
        uint8_t os[12];
        if (v->v.dt.valid) {
            pp_clock_dt_local(clk, v->v.dt.utc_ms, 0, &dt);
        } else {
            memset(&dt, 0xFF, sizeof dt); /* not specified */
            dt.deviation = (int16_t)0x8000;
            dt.status = 0xFF;
        }
        PP_TRY(pp_clock_dt_encode(&dt, os, sizeof os));
        return pp_axdr_put_octets(w, os, sizeof os);
    }
    default: return PP_ERR_UNSUPPORTED;
    }
}

static pp_err_t put_scaler_unit(pp_axdr_wr_t *w, int8_t scaler, uint8_t unit)
{
    PP_TRY(pp_axdr_put_struct(w, 2));
    PP_TRY(pp_axdr_put_i8(w, scaler));
    return pp_axdr_put_enum(w, unit);
}

/* ---- class 1, 3, 4 ---- */

static pp_err_t get_register(pp_meter_t *m, const pp_object_t *o, uint8_t attr, enc_t *e,
                             uint8_t *dar)
{
    uint8_t scratch[64];
    pp_value_t v;
    switch (attr) {
    case 2:
        if (pp_meter_value(m, o, &v, scratch, sizeof scratch) != PP_OK) {
            *dar = PP_DAR_HARDWARE_FAULT;
            return PP_ERR_DENIED;
        }
        return put_value(&e->wr, &v, &m->clock);
    case 3:
        if (o->class_id == 3 || o->class_id == 4) {
            return put_scaler_unit(&e->wr, pp_meter_scaler(m, o), o->unit);
        }
        break;
    case 4:
        if (o->class_id == 4) {
            return pp_axdr_put_null(&e->wr); /* status: none kept */
        }
        break;
    case 5:
        if (o->class_id == 4 && pp_meter_capture_time(m, o, &v) == PP_OK) {
            return put_value(&e->wr, &v, &m->clock);
        }
        break;
    default:
        break;
    }
    *dar = PP_DAR_OBJECT_UNDEFINED;
    return PP_ERR_DENIED;
}

/* ---- class 8 ---- */

static pp_err_t put_dt(pp_axdr_wr_t *w, const pp_axdr_datetime_t *dt)
{
    uint8_t os[12];
    PP_TRY(pp_clock_dt_encode(dt, os, sizeof os));
    return pp_axdr_put_octets(w, os, sizeof os);
}

static pp_err_t get_clock(pp_meter_t *m, uint8_t attr, enc_t *e, uint8_t *dar)
{
    pp_axdr_datetime_t dt;
    uint8_t status;
    switch (attr) {
    case 2:
        PP_TRY(pp_clock_get_time(&m->clock, m->port, &dt));
        return put_dt(&e->wr, &dt);
    case 3: return pp_axdr_put_i16(&e->wr, pp_clock_get_time_zone(&m->clock));
    case 4:
        PP_TRY(pp_clock_get_status(&m->clock, m->port, &status));
        return pp_axdr_put_u8(&e->wr, status);
    case 5: pp_clock_get_dst_begin(&m->clock, &dt); return put_dt(&e->wr, &dt);
    case 6: pp_clock_get_dst_end(&m->clock, &dt); return put_dt(&e->wr, &dt);
    case 7: return pp_axdr_put_i8(&e->wr, pp_clock_get_dst_deviation(&m->clock));
    case 8: return pp_axdr_put_bool(&e->wr, pp_clock_get_dst_enabled(&m->clock));
    case 9: return pp_axdr_put_enum(&e->wr, pp_clock_get_clock_base(&m->clock));
    default:
        *dar = PP_DAR_OBJECT_UNDEFINED;
        return PP_ERR_DENIED;
    }
}

/* ---- class 7: profiles and logs ---- */

#define MAX_COLS 20
typedef struct profile {
    pp_log_view_t view;
    pp_xdlms_capture_obj_t col[MAX_COLS];
    uint8_t ncols;
    uint32_t period_s;
    int8_t wh_shift; /* load profile: Wh -> register units (10^scaler) */
} profile_t;

static void capture(profile_t *p, uint16_t class_id, const uint8_t ln[6], int8_t attr)
{
    pp_xdlms_capture_obj_t *c = &p->col[p->ncols++];
    c->class_id = class_id;
    memcpy(c->ln, ln, 6);
    c->attr = attr;
    c->data_index = 0;
}

static void capture_object(profile_t *p, const pp_object_t *o)
{
    const uint8_t ln[6] = {o->ln.a, o->ln.b, o->ln.c, o->ln.d, o->ln.e, o->ln.f};
    capture(p, o->class_id, ln, 2);
}

/* The logger behind a class 7 object and its capture objects. */
static pp_err_t profile_of(pp_meter_t *m, const pp_object_t *o, profile_t *p)
{
    memset(p, 0, sizeof *p);
    capture(p, 8, CLOCK_LN, 2);
    if (o->quantity == PP_Q_LOAD_PROFILE) {
        static const pp_quantity_t CH[4] = {PP_Q_A_PLUS, PP_Q_A_MINUS, PP_Q_R_PLUS, PP_Q_R_MINUS};
        const uint8_t status_ln[6] = {0, 1, 96, 10, 1, 255};
        pp_lp_view(&m->load_profile, &p->view);
        capture(p, 1, status_ln, 2);
        for (unsigned i = 0; i < m->load_profile.channels; i++) {
            capture_object(p, pp_objects_by_quantity(CH[i]));
        }
        p->period_s = m->load_profile.period_min * 60u;
        p->wh_shift = pp_app_energy_scaler(&m->app);
        return PP_OK;
    }
    if (o->quantity == PP_Q_ANALYSIS_LOGGER) {
        const uint8_t status_ln[6] = {0, 1, 96, 10, 2, 255};
        pp_al_view(&m->analysis, &p->view);
        capture(p, 1, status_ln, 2);
        for (unsigned i = 0; i < m->analysis.cfg.channels; i++) {
            capture_object(p, pp_objects_by_quantity((pp_quantity_t)m->analysis.cfg.source[i]));
        }
        p->period_s = m->analysis.cfg.interval_min * 60u;
        return PP_OK;
    }
    static const struct { pp_quantity_t q; pp_evlog_t log; } LOGS[] = {
        {PP_Q_LOG_STANDARD, PP_EVLOG_STANDARD}, {PP_Q_LOG_FRAUD, PP_EVLOG_FRAUD},
        {PP_Q_LOG_PQ, PP_EVLOG_PQ}, {PP_Q_LOG_DISCONNECT, PP_EVLOG_DISCONNECT},
        {PP_Q_LOG_CLOCK, PP_EVLOG_CLOCK}, {PP_Q_LOG_FIRMWARE, PP_EVLOG_FIRMWARE},
        {PP_Q_LOG_POWER_FAIL, PP_EVLOG_POWER_FAIL}, {PP_Q_LOG_COMM, PP_EVLOG_COMM}};
    for (size_t i = 0; i < sizeof LOGS / sizeof LOGS[0]; i++) {
        if (LOGS[i].q == o->quantity) {
            /* event code and its two values: data objects 0.1.96.11.<log>.255, .. */
            uint8_t ln[6] = {0, 1, 96, 11, (uint8_t)LOGS[i].log, 255};
            PP_TRY(pp_events_view(&m->events, LOGS[i].log, &p->view));
            capture(p, 1, ln, 2);
            ln[3] = 12;
            capture(p, 1, ln, 2);
            ln[3] = 13;
            capture(p, 1, ln, 2);
            return PP_OK;
        }
    }
    return PP_ERR_NOT_FOUND;
}

static pp_err_t put_capture_objects(const profile_t *p, enc_t *e)
{
    PP_TRY(pp_axdr_put_array(&e->wr, p->ncols));
    for (unsigned i = 0; i < p->ncols; i++) {
        PP_TRY(pp_xdlms_put_capture_obj(&e->wr, &p->col[i]));
    }
    return enc_flush(e);
}

typedef struct rows_ctx {
    pp_meter_t *m;
    const profile_t *p;
    enc_t *e;
    uint32_t count;
    uint32_t index;   /* rows seen in this pass */
    pp_err_t error;
} rows_ctx_t;

static int count_row(void *user, const pp_log_row_t *row)
{
    (void)row;
    ((rows_ctx_t *)user)->count++;
    return PP_OK;
}

static pp_err_t put_cell(rows_ctx_t *r, const pp_log_cell_t *c)
{
    pp_axdr_wr_t *w = &r->e->wr;
    switch (c->type) {
    case PP_LOG_TIME: {
        pp_axdr_datetime_t dt; /* stamps are standard time: back to UTC for the codec */
        pp_clock_dt_standard(&r->m->clock, c->value - (int64_t)r->m->clock.std_offset_min * 60000,
                             0, &dt);
        return put_dt(w, &dt);
    }
    case PP_LOG_U8: return pp_axdr_put_u8(w, (uint8_t)c->value);
    case PP_LOG_U16: return pp_axdr_put_u16(w, (uint16_t)c->value);
    case PP_LOG_U32: {
        int64_t v = c->value;
        for (int8_t s = (c->column >= 2 ? r->p->wh_shift : 0); s > 0; s--) {
            v /= 10; /* register units, as the capture object's scaler says */
        }
        return pp_axdr_put_u32(w, (uint32_t)v);
    }
    case PP_LOG_I32: return pp_axdr_put_i32(w, (int32_t)c->value);
    default: return pp_axdr_put_i64(w, c->value);
    }
}

static int encode_row(void *user, const pp_log_row_t *row)
{
    rows_ctx_t *r = user;
    pp_dlms_sink_t *k = r->e->k;
    if (r->index++ < k->row) {
        return PP_OK; /* sent in an earlier block: not encoded again */
    }
    if (r->index - 1 == k->row && k->row_pos) {
        k->pos = k->row_pos; /* the stream offset where this row starts */
    }
    const uint32_t start = k->pos;
    pp_err_t rc = pp_axdr_put_struct(&r->e->wr, row->ncells);
    for (unsigned i = 0; rc == PP_OK && i < row->ncells; i++) {
        rc = put_cell(r, &row->cell[i]);
    }
    if (rc == PP_OK) {
        rc = enc_flush(r->e);
    }
    if (rc != PP_OK) {
        r->error = rc;
        if (rc == PP_ERR_NOSPACE) { /* window full: the next block resumes at this row */
            k->row = r->index - 1;
            k->row_pos = start;
            return 1;
        }
        return rc;
    }
    return PP_OK;
}

/* Selective access -> logger selection (range on the clock column, entry). */
static pp_err_t selection(pp_meter_t *m, const profile_t *p, const pp_xdlms_access_t *acc,
                          pp_log_select_t *sel, uint8_t *dar)
{
    memset(sel, 0, sizeof *sel);
    *dar = PP_DAR_SCOPE_OF_ACCESS_VIOLATED;
    if (!acc->present) {
        return PP_OK;
    }
    if (acc->selector == 2) {
        pp_xdlms_entry_t en;
        PP_VERIFY(pp_xdlms_entry_parse(acc->params, acc->params_len, &en) == PP_OK, PP_ERR_DENIED);
        *sel = (pp_log_select_t){.by = PP_LOG_BY_ENTRY, .from_entry = en.from_entry,
                                 .to_entry = en.to_entry, .from_value = en.from_value,
                                 .to_value = en.to_value};
        return PP_OK;
    }
    pp_xdlms_range_t rg;
    PP_VERIFY(acc->selector == 1 &&
                  pp_xdlms_range_parse(acc->params, acc->params_len, &rg) == PP_OK &&
                  rg.restricting.class_id == 8 && memcmp(rg.restricting.ln, CLOCK_LN, 6) == 0,
              PP_ERR_DENIED);
    int64_t t[2];
    const uint8_t *raw[2] = {rg.from, rg.to};
    const uint32_t raw_len[2] = {rg.from_len, rg.to_len};
    for (int i = 0; i < 2; i++) {
        pp_axdr_rd_t rd;
        const uint8_t *os;
        uint32_t n;
        pp_axdr_datetime_t dt;
        pp_axdr_rd_init(&rd, raw[i], raw_len[i]);
        if (pp_axdr_get_octets(&rd, &os, &n) != PP_OK || pp_clock_dt_decode(os, n, &dt, NULL) != PP_OK ||
            pp_clock_dt_to_utc(&m->clock, &dt, &t[i]) != PP_OK) {
            *dar = PP_DAR_TYPE_UNMATCHED;
            return PP_ERR_DENIED;
        }
        t[i] += (int64_t)m->clock.std_offset_min * 60000; /* loggers keep standard time */
    }
    *sel = (pp_log_select_t){.by = PP_LOG_BY_RANGE, .from_time = t[0], .to_time = t[1]};
    pp_axdr_rd_t it;
    pp_axdr_rd_init(&it, rg.columns.ptr, rg.columns.len);
    for (uint32_t i = 0; i < rg.columns.count; i++) {
        pp_xdlms_capture_obj_t c;
        PP_VERIFY(pp_xdlms_next_capture_obj(&it, &c) == PP_OK, PP_ERR_DENIED);
        unsigned k = 0;
        while (k < p->ncols && !(p->col[k].class_id == c.class_id && p->col[k].attr == c.attr &&
                                 memcmp(p->col[k].ln, c.ln, 6) == 0)) {
            k++;
        }
        PP_VERIFY(k < p->ncols, PP_ERR_DENIED);
        sel->mask |= 1u << k;
    }
    return PP_OK;
}

static pp_err_t get_buffer(pp_meter_t *m, const profile_t *p, const pp_xdlms_access_t *acc,
                           enc_t *e, uint8_t *dar)
{
    pp_log_select_t sel;
    PP_TRY(selection(m, p, acc, &sel, dar));
    rows_ctx_t r = {.m = m, .p = p, .e = e, .count = e->k->rows};
    int n = 0;
    if (e->k->row == 0) { /* first block: count the rows for the array header */
        r.count = 0;
        n = pp_log_read(&p->view, &sel, count_row, &r);
        if (n < 0) {
            *dar = PP_DAR_SCOPE_OF_ACCESS_VIOLATED;
            return PP_ERR_DENIED;
        }
        e->k->rows = r.count;
        PP_TRY(pp_axdr_put_array(&e->wr, r.count));
        PP_TRY(enc_flush(e));
    }
    n = pp_log_read(&p->view, &sel, encode_row, &r);
    return r.error != PP_OK ? r.error : (n < 0 ? n : PP_OK);
}

static pp_err_t get_profile(pp_meter_t *m, const pp_object_t *o, uint8_t attr,
                            const pp_xdlms_access_t *acc, enc_t *e, uint8_t *dar)
{
    profile_t p;
    PP_TRY(profile_of(m, o, &p));
    if (acc->present && attr != 2) {
        *dar = PP_DAR_SCOPE_OF_ACCESS_VIOLATED;
        return PP_ERR_DENIED;
    }
    switch (attr) {
    case 2: return get_buffer(m, &p, acc, e, dar);
    case 3: return put_capture_objects(&p, e);
    case 4: return pp_axdr_put_u32(&e->wr, p.period_s);
    case 5: return pp_axdr_put_enum(&e->wr, 1); /* fifo */
    case 6: return pp_xdlms_put_capture_obj(&e->wr, &p.col[0]);
    case 7: return pp_axdr_put_u32(&e->wr, pp_logstore_count(p.view.store));
    case 8: return pp_axdr_put_u32(&e->wr, p.view.store->capacity);
    default:
        *dar = PP_DAR_OBJECT_UNDEFINED;
        return PP_ERR_DENIED;
    }
}

/* ---- class 15: the current association ---- */

static unsigned attribute_count(uint16_t class_id)
{
    switch (class_id) {
    case 1: return 2;
    case 3: return 3;
    case 4: return 5;
    case 7: return 8;
    case 8: return 9;
    case 15: return 9;
    case 17: return 2;
    case 23: return 9;
    case 41: return 6;
    case 64: return 5;
    default: return 2;
    }
}

static bool visible(const pp_meter_t *m, const pp_object_t *o, uint8_t who)
{
    return pp_meter_has_object(m, o) &&
           (pp_access_for(o->access, (pp_assoc_id_t)who) & PP_ACC_READ) != 0;
}

static pp_err_t put_object_list(pp_meter_t *m, uint8_t who, enc_t *e)
{
    uint32_t n = 0;
    for (size_t i = 0; i < pp_objects_count(); i++) {
        n += visible(m, pp_objects_at(i), who);
    }
    PP_TRY(pp_axdr_put_array(&e->wr, n));
    for (size_t i = 0; i < pp_objects_count(); i++) {
        const pp_object_t *o = pp_objects_at(i);
        if (!visible(m, o, who)) {
            continue;
        }
        const uint8_t ln[6] = {o->ln.a, o->ln.b, o->ln.c, o->ln.d, o->ln.e, o->ln.f};
        unsigned value_access = pp_access_for(o->access, (pp_assoc_id_t)who);
        PP_TRY(pp_axdr_put_struct(&e->wr, 4));
        PP_TRY(pp_axdr_put_u16(&e->wr, o->class_id));
        PP_TRY(pp_axdr_put_u8(&e->wr, o->version));
        PP_TRY(pp_axdr_put_octets(&e->wr, ln, 6));
        PP_TRY(pp_axdr_put_struct(&e->wr, 2)); /* access_rights */
        unsigned nattr = attribute_count(o->class_id);
        PP_TRY(pp_axdr_put_array(&e->wr, nattr));
        for (unsigned a = 1; a <= nattr; a++) {
            PP_TRY(pp_axdr_put_struct(&e->wr, 3));
            PP_TRY(pp_axdr_put_i8(&e->wr, (int8_t)a));
            PP_TRY(pp_axdr_put_enum(&e->wr, (uint8_t)(a == 1 ? PP_ACC_READ
                                                   : (a == 2 ? value_access : PP_ACC_READ))));
            PP_TRY(pp_axdr_put_null(&e->wr));
        }
        PP_TRY(pp_axdr_put_array(&e->wr, 0)); /* method access: see docs/dlms.md */
        PP_TRY(enc_flush(e));
    }
    return PP_OK;
}

static pp_err_t get_association(pp_meter_t *m, uint8_t who, uint8_t attr, enc_t *e, uint8_t *dar)
{
    static const uint16_t CLIENT_SAP[PP_ASSOC_COUNT] = {16, 17, 1, 2};
    switch (attr) {
    case 2: return put_object_list(m, who, e);
    case 3:
        PP_TRY(pp_axdr_put_struct(&e->wr, 2));
        PP_TRY(pp_axdr_put_i8(&e->wr, (int8_t)CLIENT_SAP[who]));
        return pp_axdr_put_u16(&e->wr, 1);
    case 8: return pp_axdr_put_enum(&e->wr, 2); /* associated */
    default:
        *dar = PP_DAR_OBJECT_UNAVAILABLE;
        return PP_ERR_DENIED;
    }
}

/* ---- communication setup: classes 17, 23, 41, 64 ---- */

static pp_err_t get_setup(pp_meter_t *m, uint16_t class_id, uint8_t attr, enc_t *e, uint8_t *dar)
{
    pp_axdr_wr_t *w = &e->wr;
    if (class_id == 17 && attr == 2) { /* SAP assignment: {SAP 1, logical device name} */
        uint8_t scratch[32];
        pp_value_t ldn;
        PP_TRY(pp_meter_value(m, pp_objects_by_quantity(PP_Q_LOGICAL_DEVICE_NAME), &ldn, scratch,
                              sizeof scratch));
        PP_TRY(pp_axdr_put_array(w, 1));
        PP_TRY(pp_axdr_put_struct(w, 2));
        PP_TRY(pp_axdr_put_u16(w, 1));
        return pp_axdr_put_octets(w, ldn.v.bytes.ptr, ldn.v.bytes.len);
    }
    if (class_id == 23) { /* HDLC setup: the meter's link parameters (docs/hdlc.md) */
        switch (attr) {
        case 2: return pp_axdr_put_enum(w, 5);  /* comm_speed: 9600 baud */
        case 3: case 4: return pp_axdr_put_u8(w, 7);           /* window size tx/rx */
        case 5: case 6: return pp_axdr_put_u16(w, PP_METER_HDLC_INFO); /* max info tx/rx */
        case 7: return pp_axdr_put_u16(w, 25);  /* inter-octet time-out, ms */
        case 8: return pp_axdr_put_u16(w, 120); /* inactivity time-out, s */
        case 9: return pp_axdr_put_u16(w, 0);   /* device address: from the meter number */
        default: break;
        }
    }
    if (class_id == 41) { /* TCP-UDP setup */
        switch (attr) {
        case 2: return pp_axdr_put_u16(w, 4059); /* port */
        case 3: return pp_axdr_put_octets(w, (const uint8_t *)"\0\0\0\0\0\0", 6); /* IP reference */
        case 4: return pp_axdr_put_u16(w, PP_DLMS_SERVER_MAX_PDU); /* max segment size */
        case 5: return pp_axdr_put_u8(w, PP_METER_MAX_CONNS);     /* simultaneous connections */
        case 6: return pp_axdr_put_u16(w, 0);    /* inactivity time-out: none */
        default: break;
        }
    }
    if (class_id == 64) { /* security setup of the management association */
        uint8_t title[8];
        switch (attr) {
        case 2: return pp_axdr_put_enum(w, 3); /* policy: authenticated and encrypted */
        case 3: return pp_axdr_put_enum(w, 0); /* security suite 0 (AES-GCM-128) */
        case 4: return pp_axdr_put_octets(w, (const uint8_t *)"\0\0\0\0\0\0\0\0", 8);
        case 5:
            pp_dlms_system_title(m, title);
            return pp_axdr_put_octets(w, title, sizeof title);
        default: break;
        }
    }
    *dar = PP_DAR_OBJECT_UNAVAILABLE;
    return PP_ERR_DENIED;
}

/* ---- dispatch ---- */

static pp_err_t get_dispatch(pp_meter_t *m, uint8_t who, const pp_object_t *o,
                             const pp_xdlms_attr_t *a, const pp_xdlms_access_t *acc, enc_t *e,
                             uint8_t *dar)
{
    if (a->id == 1) {
        const uint8_t ln[6] = {o->ln.a, o->ln.b, o->ln.c, o->ln.d, o->ln.e, o->ln.f};
        return pp_axdr_put_octets(&e->wr, ln, 6);
    }
    if (o->class_id != 15 && !(pp_access_for(o->access, (pp_assoc_id_t)who) & PP_ACC_READ)) {
        *dar = PP_DAR_READ_WRITE_DENIED;
        return PP_ERR_DENIED;
    }
    if (acc->present && o->class_id != 7) {
        *dar = PP_DAR_SCOPE_OF_ACCESS_VIOLATED;
        return PP_ERR_DENIED;
    }
    switch (o->class_id) {
    case 8: return get_clock(m, (uint8_t)a->id, e, dar);
    case 7: return get_profile(m, o, (uint8_t)a->id, acc, e, dar);
    case 15: return get_association(m, who, (uint8_t)a->id, e, dar);
    case 17: case 23: case 41: case 64:
        return get_setup(m, o->class_id, (uint8_t)a->id, e, dar);
    default: return get_register(m, o, (uint8_t)a->id, e, dar);
    }
}

pp_err_t pp_dlms_get_attribute(pp_meter_t *m, uint8_t assoc, const pp_xdlms_attr_t *a,
                               const pp_xdlms_access_t *access, pp_dlms_sink_t *k, uint8_t *dar)
{
    const pp_object_t *o = pp_objects_find(PP_OBIS(a->ln[0], a->ln[1], a->ln[2], a->ln[3],
                                                   a->ln[4], a->ln[5]));
    *dar = PP_DAR_SUCCESS;
    if (!o || !pp_meter_has_object(m, o)) { /* absent from this meter's order code */
        *dar = PP_DAR_OBJECT_UNDEFINED;
        return PP_ERR_DENIED;
    }
    if (o->class_id != a->class_id) {
        *dar = PP_DAR_OBJECT_CLASS_INCONSISTENT;
        return PP_ERR_DENIED;
    }
    if (a->id < 1 || (unsigned)a->id > attribute_count(o->class_id)) {
        *dar = PP_DAR_OBJECT_UNDEFINED;
        return PP_ERR_DENIED;
    }
    enc_t e;
    enc_init(&e, k);
    pp_err_t rc = get_dispatch(m, assoc, o, a, access, &e, dar);
    if (rc == PP_OK) {
        rc = enc_flush(&e);
    }
    if (rc != PP_OK && *dar == PP_DAR_SUCCESS && rc != PP_ERR_NOSPACE) {
        *dar = PP_DAR_HARDWARE_FAULT;
    }
    return rc;
}

static const pp_object_t *object_of(const pp_xdlms_attr_t *a)
{
    return pp_objects_find(PP_OBIS(a->ln[0], a->ln[1], a->ln[2], a->ln[3], a->ln[4], a->ln[5]));
}

/* Clock writes of the management association: time (2) and time zone (3). */
static uint8_t set_clock(pp_meter_t *m, uint8_t attr, const uint8_t *value, size_t len)
{
    pp_axdr_rd_t rd;
    pp_axdr_rd_init(&rd, value, len);
    if (attr == 2) {
        const uint8_t *os;
        uint32_t n;
        pp_axdr_datetime_t dt;
        int64_t utc;
        if (pp_axdr_get_octets(&rd, &os, &n) != PP_OK || rd.pos != len ||
            pp_clock_dt_decode(os, n, &dt, NULL) != PP_OK ||
            pp_clock_dt_to_utc(&m->clock, &dt, &utc) != PP_OK) {
            return PP_DAR_TYPE_UNMATCHED;
        }
        return pp_meter_set_time(m, utc) == PP_OK ? PP_DAR_SUCCESS : PP_DAR_HARDWARE_FAULT;
    }
    int16_t tz;
    if (attr == 3) {
        if (pp_axdr_get_i16(&rd, &tz) != PP_OK || rd.pos != len) {
            return PP_DAR_TYPE_UNMATCHED;
        }
        return pp_clock_set_time_zone(&m->clock, tz) == PP_OK ? PP_DAR_SUCCESS
                                                             : PP_DAR_OTHER_REASON;
    }
    return PP_DAR_READ_WRITE_DENIED;
}

uint8_t pp_dlms_set_attribute(pp_meter_t *m, uint8_t assoc, const pp_xdlms_attr_t *a,
                              const uint8_t *value, size_t len)
{
    const pp_object_t *o = object_of(a);
    if (!o || !pp_meter_has_object(m, o)) {
        return PP_DAR_OBJECT_UNDEFINED;
    }
    if (o->class_id != a->class_id) {
        return PP_DAR_OBJECT_CLASS_INCONSISTENT;
    }
    /* Only what the object list grants; legal data grants no writes at all. */
    if (a->id < 2 || !(pp_access_for(o->access, (pp_assoc_id_t)assoc) & PP_ACC_WRITE)) {
        return PP_DAR_READ_WRITE_DENIED;
    }
    return o->class_id == 8 ? set_clock(m, (uint8_t)a->id, value, len) : PP_DAR_READ_WRITE_DENIED;
}

uint8_t pp_dlms_action(pp_meter_t *m, uint8_t assoc, const pp_xdlms_attr_t *method,
                       const uint8_t *params, size_t len)
{
    const pp_object_t *o = object_of(method);
    if (!o || !pp_meter_has_object(m, o)) {
        return PP_ACTRES_OBJECT_UNDEFINED;
    }
    if (o->class_id != method->class_id) {
        return PP_ACTRES_OBJECT_CLASS_INCONSISTENT;
    }
    /* Clock method 6 shift_time (-900..900 s) for whoever may write the clock. */
    if (o->class_id == 8 && method->id == 6 &&
        (pp_access_for(o->access, (pp_assoc_id_t)assoc) & PP_ACC_WRITE)) {
        pp_axdr_rd_t rd;
        int16_t shift;
        int64_t now;
        pp_axdr_rd_init(&rd, params, params ? len : 0);
        if (!params || pp_axdr_get_i16(&rd, &shift) != PP_OK || shift < -900 || shift > 900) {
            return PP_ACTRES_TYPE_UNMATCHED;
        }
        if (m->port->rtc_get(m->port->ctx, &now) != PP_OK) {
            return PP_ACTRES_TEMPORARY_FAILURE;
        }
        return pp_meter_set_time(m, now + shift * 1000LL) == PP_OK ? PP_ACTRES_SUCCESS
                                                                  : PP_ACTRES_HARDWARE_FAULT;
    }
    return PP_ACTRES_READ_WRITE_DENIED;
}
