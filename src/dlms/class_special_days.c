/* Interface class 11, Special days table (version 0), over the tariff
 * special days through the provider: attribute 2 entries (read), methods
 * 1 insert (an entry with an index already present replaces it) and
 * 2 delete (by index), for management. A date may hold wildcards (0xFFFF
 * year, 0xFF month, day, day of week); the day_id must name a day profile
 * of the active calendar (checked by the provider). */
#include <string.h>

#include "polyphase/dlms_const.h"
#include "server_internal.h"

static const pp_special_days_t *table(const pp_cosem_call_t *c)
{
    const pp_dlms_provider_t *p = &c->srv->prov;
    return p->special_days ? p->special_days(p->ctx) : NULL;
}

static pp_err_t get(const pp_cosem_call_t *c, pp_cosem_enc_t *e, uint8_t *dar)
{
    if (c->id == 1) {
        return pp_cosem_put_ln(&e->wr, c->obj->ln);
    }
    const pp_special_days_t *s = table(c);
    if (!s) {
        *dar = PP_DAR_OBJECT_UNAVAILABLE;
        return PP_ERR_DENIED;
    }
    PP_TRY(pp_axdr_put_array(&e->wr, s->n));
    for (unsigned i = 0; i < s->n; i++) {
        const pp_cal_special_t *d = &s->entry[i];
        const uint8_t date[5] = {(uint8_t)(d->year >> 8), (uint8_t)d->year, d->month, d->day,
                                 d->weekday};
        PP_TRY(pp_axdr_put_struct(&e->wr, 3));
        PP_TRY(pp_axdr_put_u16(&e->wr, d->index));
        PP_TRY(pp_axdr_put_octets(&e->wr, date, 5));
        PP_TRY(pp_axdr_put_u8(&e->wr, d->day_id));
        PP_TRY(pp_cosem_enc_flush(e));
    }
    return PP_OK;
}

static uint8_t get_entry(pp_axdr_rd_t *rd, pp_cal_special_t *out)
{
    uint32_t n, dn;
    const uint8_t *date;
    pp_axdr_datetime_t dt;
    if (pp_axdr_get_struct(rd, &n) != PP_OK || n != 3 || pp_axdr_get_u16(rd, &out->index) != PP_OK ||
        pp_axdr_get_octets(rd, &date, &dn) != PP_OK || dn != 5 ||
        pp_axdr_get_u8(rd, &out->day_id) != PP_OK) {
        return PP_ACTRES_TYPE_UNMATCHED;
    }
    if (pp_axdr_date_unpack(date, &dt) != PP_OK) {
        return PP_ACTRES_OTHER_REASON;
    }
    out->year = dt.year == PP_DT_YEAR_ANY ? PP_CAL_ANY_YEAR : dt.year;
    out->month = dt.month;
    out->day = dt.day;
    out->weekday = dt.dow;
    return PP_ACTRES_SUCCESS;
}

/* The position of index in s, or s->n. */
static unsigned find(const pp_special_days_t *s, uint16_t index)
{
    unsigned i = 0;
    while (i < s->n && s->entry[i].index != index) {
        i++;
    }
    return i;
}

static uint8_t action(const pp_cosem_call_t *c, const uint8_t *params, size_t len,
                      pp_axdr_wr_t *ret, bool *has_ret)
{
    (void)ret;
    (void)has_ret;
    const pp_dlms_provider_t *p = &c->srv->prov;
    const pp_special_days_t *cur = table(c);
    if (!cur || !p->special_days_write) {
        return PP_ACTRES_OBJECT_UNAVAILABLE;
    }
    pp_special_days_t s = *cur;
    pp_axdr_rd_t rd;
    pp_axdr_rd_init(&rd, params, params ? len : 0);
    if (c->id == 1) {
        pp_cal_special_t e;
        uint8_t r = params ? get_entry(&rd, &e) : PP_ACTRES_TYPE_UNMATCHED;
        if (r != PP_ACTRES_SUCCESS || rd.pos != len) {
            return r != PP_ACTRES_SUCCESS ? r : PP_ACTRES_TYPE_UNMATCHED;
        }
        unsigned i = find(&s, e.index);
        if (i == s.n) {
            if (s.n == PP_CAL_SPECIAL_DAYS) {
                return PP_ACTRES_OTHER_REASON; /* the table is full */
            }
            s.n++;
        }
        s.entry[i] = e;
    } else {
        uint16_t index;
        if (!params || pp_axdr_get_u16(&rd, &index) != PP_OK || rd.pos != len) {
            return PP_ACTRES_TYPE_UNMATCHED;
        }
        unsigned i = find(&s, index);
        if (i == s.n) {
            return PP_ACTRES_OTHER_REASON; /* no such entry */
        }
        memmove(&s.entry[i], &s.entry[i + 1], (s.n - i - 1u) * sizeof s.entry[0]);
        s.n--;
    }
    return p->special_days_write(p->ctx, &s) == PP_DAR_SUCCESS ? PP_ACTRES_SUCCESS
                                                                 : PP_ACTRES_OTHER_REASON;
}

static const uint8_t RULE[] = {PP_CA_STATIC, PP_CA_STATIC};
static const uint8_t METH[] = {PP_WHO_MGMT, PP_WHO_MGMT};

const pp_cosem_class_t pp_cosem_class_special_days = {
    .class_id = 11, .version = 0, .nattr = 2, .nmeth = 2, .rule = RULE, .meth_who = METH,
    .get = get, .action = action};
