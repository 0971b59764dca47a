/* Interface class 20, Activity calendar (version 0), over the tariff
 * calendar (polyphase/tariff.h) through the provider: 2..5 the active
 * calendar (read-only), 6..9 the passive one and 10 its activation time
 * (management writes), method 1 activate_passive_calendar. Day profile
 * actions run the tariffication script table 0.0.10.0.100.255 with the
 * tariff (1..4) as script selector. Passive writes are checked field by
 * field here; the calendar as a whole (references between seasons, weeks
 * and days) when it is activated. */
#include <string.h>

#include "polyphase/dlms_const.h"
#include "server_internal.h"

static const uint8_t TARIFF_SCRIPTS[6] = {0, 0, 10, 0, 100, 255};

static const pp_calendar_t *calendar(const pp_cosem_call_t *c, bool passive, int64_t *when)
{
    const pp_dlms_provider_t *p = &c->srv->prov;
    int64_t t = INT64_MAX;
    const pp_calendar_t *cal = p->calendar ? p->calendar(p->ctx, passive, &t) : NULL;
    if (when) {
        *when = t;
    }
    return cal;
}

static const pp_clock_t *clock_of(const pp_cosem_call_t *c)
{
    const pp_dlms_provider_t *p = &c->srv->prov;
    return p->clock ? p->clock(p->ctx) : NULL;
}

/* season_start: the start in local time; year, dow, hundredths, deviation
 * and status not specified where the season repeats every year. */
static pp_err_t put_season(pp_axdr_wr_t *w, const pp_cal_season_t *s)
{
    const pp_axdr_datetime_t dt = {.year = s->year == PP_CAL_ANY_YEAR ? PP_DT_YEAR_ANY : s->year,
                                   .month = s->month, .day = s->day, .dow = PP_DT_FIELD_ANY,
                                   .hour = s->hour, .minute = s->minute, .second = s->second,
                                   .hundredths = PP_DT_FIELD_ANY,
                                   .deviation = PP_DT_DEVIATION_ANY, .status = PP_DT_FIELD_ANY};
    PP_TRY(pp_axdr_put_struct(w, 3));
    PP_TRY(pp_axdr_put_octets(w, s->name.b, s->name.len));
    PP_TRY(pp_axdr_put_datetime_os(w, &dt));
    return pp_axdr_put_octets(w, s->week.b, s->week.len);
}

static pp_err_t put_week(pp_axdr_wr_t *w, const pp_cal_week_t *wk)
{
    PP_TRY(pp_axdr_put_struct(w, 8));
    PP_TRY(pp_axdr_put_octets(w, wk->name.b, wk->name.len));
    for (unsigned d = 0; d < 7; d++) {
        PP_TRY(pp_axdr_put_u8(w, wk->day_id[d]));
    }
    return PP_OK;
}

static pp_err_t put_day(pp_axdr_wr_t *w, const pp_cal_day_t *d)
{
    PP_TRY(pp_axdr_put_struct(w, 2));
    PP_TRY(pp_axdr_put_u8(w, d->day_id));
    PP_TRY(pp_axdr_put_array(w, d->n_actions));
    for (unsigned i = 0; i < d->n_actions; i++) {
        const pp_cal_action_t *a = &d->action[i];
        const uint8_t time[4] = {a->hour, a->minute, a->second, 0};
        PP_TRY(pp_axdr_put_struct(w, 3));
        PP_TRY(pp_axdr_put_octets(w, time, 4));
        PP_TRY(pp_axdr_put_octets(w, TARIFF_SCRIPTS, 6));
        PP_TRY(pp_axdr_put_u16(w, a->tariff));
    }
    return PP_OK;
}

/* One table of the calendar: array header, then element by element. */
static pp_err_t put_table(pp_cosem_enc_t *e, const pp_calendar_t *cal, unsigned which)
{
    const unsigned n = which == 3 ? cal->n_seasons : (which == 4 ? cal->n_weeks : cal->n_days);
    PP_TRY(pp_axdr_put_array(&e->wr, n));
    for (unsigned i = 0; i < n; i++) {
        pp_err_t rc = which == 3 ? put_season(&e->wr, &cal->season[i])
                                 : (which == 4 ? put_week(&e->wr, &cal->week[i])
                                               : put_day(&e->wr, &cal->day[i]));
        PP_TRY(rc);
        PP_TRY(pp_cosem_enc_flush(e));
    }
    return PP_OK;
}

static pp_err_t put_activation(pp_axdr_wr_t *w, const pp_cosem_call_t *c, int64_t when)
{
    const pp_clock_t *clk = clock_of(c);
    pp_axdr_datetime_t dt;
    if (when == INT64_MAX || !clk) { /* not specified: waits for the method */
        dt = (pp_axdr_datetime_t){.year = PP_DT_YEAR_ANY, .month = PP_DT_FIELD_ANY,
                                  .day = PP_DT_FIELD_ANY, .dow = PP_DT_FIELD_ANY,
                                  .hour = PP_DT_FIELD_ANY, .minute = PP_DT_FIELD_ANY,
                                  .second = PP_DT_FIELD_ANY, .hundredths = PP_DT_FIELD_ANY,
                                  .deviation = PP_DT_DEVIATION_ANY, .status = PP_DT_FIELD_ANY};
    } else {
        pp_clock_dt_local(clk, when, 0, &dt);
    }
    return pp_cosem_put_dt(w, &dt);
}

static pp_err_t get(const pp_cosem_call_t *c, pp_cosem_enc_t *e, uint8_t *dar)
{
    if (c->id == 1) {
        return pp_cosem_put_ln(&e->wr, c->obj->ln);
    }
    const bool passive = c->id >= 6;
    int64_t when;
    const pp_calendar_t *cal = calendar(c, passive, &when);
    if (!cal) {
        *dar = PP_DAR_OBJECT_UNAVAILABLE;
        return PP_ERR_DENIED;
    }
    switch (c->id) {
    case 2: case 6: return pp_axdr_put_octets(&e->wr, cal->name.b, cal->name.len);
    case 3: case 4: case 5: return put_table(e, cal, c->id);
    case 7: case 8: case 9: return put_table(e, cal, c->id - 4u);
    default: return put_activation(&e->wr, c, when);
    }
}

/* ---- decoding (SET of the passive attributes) ---- */

static uint8_t get_name(pp_axdr_rd_t *rd, pp_cal_name_t *out)
{
    const uint8_t *p;
    uint32_t n;
    if (pp_axdr_get_octets(rd, &p, &n) != PP_OK) {
        return PP_DAR_TYPE_UNMATCHED;
    }
    if (n > PP_CAL_NAME_MAX) {
        return PP_DAR_OTHER_REASON;
    }
    out->len = (uint8_t)n;
    memcpy(out->b, p, n);
    return PP_DAR_SUCCESS;
}

static uint8_t get_struct(pp_axdr_rd_t *rd, uint32_t want)
{
    uint32_t n;
    if (pp_axdr_get_struct(rd, &n) != PP_OK) {
        return PP_DAR_TYPE_UNMATCHED;
    }
    return n == want ? PP_DAR_SUCCESS : PP_DAR_TYPE_UNMATCHED;
}

static uint8_t get_season(pp_axdr_rd_t *rd, pp_cal_season_t *s)
{
    pp_axdr_datetime_t dt;
    uint8_t r = get_struct(rd, 3);
    if (r == PP_DAR_SUCCESS) {
        r = get_name(rd, &s->name);
    }
    if (r != PP_DAR_SUCCESS) {
        return r;
    }
    pp_err_t rc = pp_axdr_get_datetime_os(rd, &dt);
    if (rc != PP_OK) {
        return rc == PP_ERR_RANGE ? PP_DAR_OTHER_REASON : PP_DAR_TYPE_UNMATCHED;
    }
    /* A season starts on a given date (any year allowed) at a given time. */
    if (dt.month < 1 || dt.month > 12 || dt.day < 1 || dt.day > 31) {
        return PP_DAR_OTHER_REASON;
    }
    s->year = dt.year == PP_DT_YEAR_ANY ? PP_CAL_ANY_YEAR : dt.year;
    s->month = dt.month;
    s->day = dt.day;
    s->hour = dt.hour == PP_DT_FIELD_ANY ? 0 : dt.hour;
    s->minute = dt.minute == PP_DT_FIELD_ANY ? 0 : dt.minute;
    s->second = dt.second == PP_DT_FIELD_ANY ? 0 : dt.second;
    return get_name(rd, &s->week);
}

static uint8_t get_week(pp_axdr_rd_t *rd, pp_cal_week_t *wk)
{
    uint8_t r = get_struct(rd, 8);
    if (r == PP_DAR_SUCCESS) {
        r = get_name(rd, &wk->name);
    }
    for (unsigned d = 0; d < 7 && r == PP_DAR_SUCCESS; d++) {
        r = pp_axdr_get_u8(rd, &wk->day_id[d]) == PP_OK ? PP_DAR_SUCCESS : PP_DAR_TYPE_UNMATCHED;
    }
    return r;
}

static uint8_t get_action(pp_axdr_rd_t *rd, pp_cal_action_t *a)
{
    const uint8_t *time, *script;
    uint32_t tn, sn;
    uint16_t selector;
    pp_axdr_datetime_t t;
    if (get_struct(rd, 3) != PP_DAR_SUCCESS || pp_axdr_get_octets(rd, &time, &tn) != PP_OK ||
        tn != 4 || pp_axdr_get_octets(rd, &script, &sn) != PP_OK || sn != 6 ||
        pp_axdr_get_u16(rd, &selector) != PP_OK) {
        return PP_DAR_TYPE_UNMATCHED;
    }
    if (pp_axdr_time_unpack(time, &t) != PP_OK || t.hour > 23 || t.minute > 59 || t.second > 59 ||
        memcmp(script, TARIFF_SCRIPTS, 6) != 0 || selector < 1 || selector > 4) {
        return PP_DAR_OTHER_REASON; /* only the tariff scripts, tariffs 1..4 */
    }
    *a = (pp_cal_action_t){.hour = t.hour, .minute = t.minute, .second = t.second,
                           .tariff = (uint8_t)selector};
    return PP_DAR_SUCCESS;
}

static uint8_t get_day(pp_axdr_rd_t *rd, pp_cal_day_t *d)
{
    uint32_t n;
    uint8_t r = get_struct(rd, 2);
    if (r != PP_DAR_SUCCESS || pp_axdr_get_u8(rd, &d->day_id) != PP_OK ||
        pp_axdr_get_array(rd, &n) != PP_OK) {
        return PP_DAR_TYPE_UNMATCHED;
    }
    if (n > PP_CAL_ACTIONS) {
        return PP_DAR_OTHER_REASON;
    }
    d->n_actions = (uint8_t)n;
    for (uint32_t i = 0; i < n && r == PP_DAR_SUCCESS; i++) {
        r = get_action(rd, &d->action[i]);
    }
    return r;
}

/* Reads attribute 7, 8 or 9 (one table) into cal. */
static uint8_t get_table(pp_axdr_rd_t *rd, unsigned which, pp_calendar_t *cal)
{
    uint32_t n;
    const uint32_t cap = which == 7 ? PP_CAL_SEASONS : (which == 8 ? PP_CAL_WEEKS : PP_CAL_DAYS);
    if (pp_axdr_get_array(rd, &n) != PP_OK) {
        return PP_DAR_TYPE_UNMATCHED;
    }
    if (n > cap) {
        return PP_DAR_OTHER_REASON;
    }
    uint8_t r = PP_DAR_SUCCESS;
    for (uint32_t i = 0; i < n && r == PP_DAR_SUCCESS; i++) {
        r = which == 7 ? get_season(rd, &cal->season[i])
                       : (which == 8 ? get_week(rd, &cal->week[i]) : get_day(rd, &cal->day[i]));
    }
    if (r == PP_DAR_SUCCESS) {
        *(which == 7 ? &cal->n_seasons : (which == 8 ? &cal->n_weeks : &cal->n_days)) = (uint8_t)n;
    }
    return r;
}

static uint8_t get_activation(const pp_cosem_call_t *c, pp_axdr_rd_t *rd, int64_t *when)
{
    pp_axdr_datetime_t dt;
    const pp_clock_t *clk = clock_of(c);
    pp_err_t rc = pp_axdr_get_datetime_os(rd, &dt);
    if (rc != PP_OK) {
        return rc == PP_ERR_RANGE ? PP_DAR_OTHER_REASON : PP_DAR_TYPE_UNMATCHED;
    }
    if (dt.year == PP_DT_YEAR_ANY && dt.month == PP_DT_FIELD_ANY && dt.day == PP_DT_FIELD_ANY) {
        *when = INT64_MAX; /* not specified: only the method activates it */
        return PP_DAR_SUCCESS;
    }
    return clk && pp_clock_dt_to_utc(clk, &dt, when) == PP_OK ? PP_DAR_SUCCESS
                                                              : PP_DAR_OTHER_REASON;
}

static uint8_t set(const pp_cosem_call_t *c, const uint8_t *data, size_t len)
{
    int64_t when;
    const pp_calendar_t *cur = calendar(c, true, &when);
    const pp_dlms_provider_t *p = &c->srv->prov;
    if (!cur || !p->calendar_write) {
        return PP_DAR_OBJECT_UNAVAILABLE;
    }
    if (c->id < 6) {
        return PP_DAR_READ_WRITE_DENIED; /* the active calendar changes only by activation */
    }
    pp_calendar_t cal = *cur;
    pp_axdr_rd_t rd;
    pp_axdr_rd_init(&rd, data, len);
    uint8_t r = c->id == 6    ? get_name(&rd, &cal.name)
                : c->id == 10 ? get_activation(c, &rd, &when)
                              : get_table(&rd, c->id, &cal);
    if (r == PP_DAR_SUCCESS && rd.pos != len) {
        r = PP_DAR_TYPE_UNMATCHED; /* more than one Data */
    }
    return r == PP_DAR_SUCCESS ? p->calendar_write(p->ctx, &cal, when) : r;
}

static uint8_t action(const pp_cosem_call_t *c, const uint8_t *params, size_t len,
                      pp_axdr_wr_t *ret, bool *has_ret)
{
    (void)ret;
    (void)has_ret;
    const pp_dlms_provider_t *p = &c->srv->prov;
    pp_axdr_rd_t rd;
    int8_t zero;
    pp_axdr_rd_init(&rd, params, params ? len : 0);
    if (!params || pp_axdr_get_i8(&rd, &zero) != PP_OK || rd.pos != len) {
        return PP_ACTRES_TYPE_UNMATCHED; /* data ::= integer (0) */
    }
    return p->calendar_activate ? p->calendar_activate(p->ctx) : PP_ACTRES_OBJECT_UNAVAILABLE;
}

static const uint8_t RULE[] = {PP_CA_STATIC, PP_CA_STATIC, PP_CA_STATIC, PP_CA_STATIC,
                               PP_CA_STATIC, PP_CA_CONFIG, PP_CA_CONFIG, PP_CA_CONFIG,
                               PP_CA_CONFIG, PP_CA_CONFIG};
static const uint8_t METH[] = {PP_WHO_MGMT};

const pp_cosem_class_t pp_cosem_class_calendar = {
    .class_id = 20, .version = 0, .nattr = 10, .nmeth = 1, .rule = RULE, .meth_who = METH,
    .get = get, .set = set, .action = action};
