/* Interface class 8, Clock, bound to the meter clock (polyphase/clock.h):
 * time, time_zone, status, DST begin/end/deviation/enabled, clock_base;
 * methods adjust_to_quarter (1), adjust_to_measuring_period (2),
 * adjust_to_minute (3) and shift_time (6). Writes and methods are for
 * management; the meter persists and logs them (clock_changed). */
#include <string.h>

#include "polyphase/dlms_const.h"
#include "server_internal.h"

static pp_clock_t *clock_of(const pp_cosem_call_t *c)
{
    const pp_dlms_provider_t *p = &c->srv->prov;
    return p->clock ? p->clock(p->ctx) : NULL;
}

static void changed(const pp_cosem_call_t *c, uint8_t attr, uint8_t method,
                    const pp_clock_change_t *ch)
{
    const pp_dlms_provider_t *p = &c->srv->prov;
    if (p->clock_changed) {
        p->clock_changed(p->ctx, attr, method, ch);
    }
}

static pp_err_t get(const pp_cosem_call_t *c, pp_cosem_enc_t *e, uint8_t *dar)
{
    pp_clock_t *clk = clock_of(c);
    pp_axdr_datetime_t dt;
    uint8_t status;
    if (c->id == 1) {
        return pp_cosem_put_ln(&e->wr, c->obj->ln);
    }
    if (!clk) {
        *dar = PP_DAR_OBJECT_UNAVAILABLE;
        return PP_ERR_DENIED;
    }
    switch (c->id) {
    case 2:
        if (pp_clock_get_time(clk, c->srv->port, &dt) != PP_OK) {
            *dar = PP_DAR_HARDWARE_FAULT;
            return PP_ERR_DENIED;
        }
        return pp_cosem_put_dt(&e->wr, &dt);
    case 3: return pp_axdr_put_i16(&e->wr, pp_clock_get_time_zone(clk));
    case 4:
        if (pp_clock_get_status(clk, c->srv->port, &status) != PP_OK) {
            *dar = PP_DAR_HARDWARE_FAULT;
            return PP_ERR_DENIED;
        }
        return pp_axdr_put_u8(&e->wr, status);
    case 5: pp_clock_get_dst_begin(clk, &dt); return pp_cosem_put_dt(&e->wr, &dt);
    case 6: pp_clock_get_dst_end(clk, &dt); return pp_cosem_put_dt(&e->wr, &dt);
    case 7: return pp_axdr_put_i8(&e->wr, pp_clock_get_dst_deviation(clk));
    case 8: return pp_axdr_put_bool(&e->wr, pp_clock_get_dst_enabled(clk));
    default: return pp_axdr_put_enum(&e->wr, pp_clock_get_clock_base(clk));
    }
}

static uint8_t set_dt(const pp_cosem_call_t *c, pp_clock_t *clk, pp_axdr_rd_t *rd)
{
    pp_axdr_datetime_t dt;
    const uint8_t *os;
    uint32_t n;
    if (pp_axdr_get_octets(rd, &os, &n) != PP_OK || n != 12) {
        return PP_DAR_TYPE_UNMATCHED;
    }
    if (pp_clock_dt_decode(os, n, &dt, NULL) != PP_OK) {
        return PP_DAR_OTHER_REASON; /* a field out of range */
    }
    pp_clock_change_t ch;
    pp_err_t rc;
    switch (c->id) {
    case 2:
        memset(&ch, 0, sizeof ch);
        rc = pp_clock_set_time(clk, c->srv->port, &dt, &ch);
        if (rc == PP_OK) {
            changed(c, 2, 0, &ch);
        }
        break;
    case 5: rc = pp_clock_set_dst_begin(clk, &dt); break;
    default: rc = pp_clock_set_dst_end(clk, &dt); break;
    }
    if (rc != PP_OK) {
        return rc == PP_ERR_PORT ? PP_DAR_HARDWARE_FAULT : PP_DAR_OTHER_REASON;
    }
    if (c->id != 2) {
        changed(c, c->id, 0, NULL);
    }
    return PP_DAR_SUCCESS;
}

static uint8_t set(const pp_cosem_call_t *c, const uint8_t *data, size_t len)
{
    pp_clock_t *clk = clock_of(c);
    if (!clk) {
        return PP_DAR_OBJECT_UNAVAILABLE;
    }
    pp_axdr_rd_t rd;
    pp_axdr_rd_init(&rd, data, len);
    int16_t tz;
    int8_t dev;
    bool on;
    pp_err_t rc;
    switch (c->id) {
    case 2: case 5: case 6: return set_dt(c, clk, &rd);
    case 3:
        if (pp_axdr_get_i16(&rd, &tz) != PP_OK) {
            return PP_DAR_TYPE_UNMATCHED;
        }
        rc = pp_clock_set_time_zone(clk, tz);
        break;
    case 7:
        if (pp_axdr_get_i8(&rd, &dev) != PP_OK) {
            return PP_DAR_TYPE_UNMATCHED;
        }
        rc = pp_clock_set_dst_deviation(clk, dev);
        break;
    case 8:
        if (pp_axdr_get_bool(&rd, &on) != PP_OK) {
            return PP_DAR_TYPE_UNMATCHED;
        }
        pp_clock_set_dst_enabled(clk, on);
        rc = PP_OK;
        break;
    default: return PP_DAR_READ_WRITE_DENIED;
    }
    if (rc != PP_OK) {
        return PP_DAR_OTHER_REASON; /* out of the attribute's range */
    }
    changed(c, c->id, 0, NULL);
    return PP_DAR_SUCCESS;
}

static uint8_t action(const pp_cosem_call_t *c, const uint8_t *params, size_t len,
                      pp_axdr_wr_t *ret, bool *has_ret)
{
    (void)ret;
    (void)has_ret;
    pp_clock_t *clk = clock_of(c);
    if (!clk) {
        return PP_ACTRES_OBJECT_UNAVAILABLE;
    }
    pp_axdr_rd_t rd;
    pp_axdr_rd_init(&rd, params, params ? len : 0);
    pp_clock_change_t ch;
    memset(&ch, 0, sizeof ch);
    pp_err_t rc;
    int8_t zero;
    int16_t secs;
    uint32_t period = 0;
    switch (c->id) {
    case 1: case 2: case 3:
        if (!params || pp_axdr_get_i8(&rd, &zero) != PP_OK || rd.pos != len) {
            return PP_ACTRES_TYPE_UNMATCHED;
        }
        if (c->id == 2) {
            pp_dlms_profile_t lp;
            const pp_dlms_provider_t *p = &c->srv->prov;
            if (!p->profile || p->profile(p->ctx, PP_Q_LOAD_PROFILE, &lp) != PP_OK ||
                lp.capture_period_s == 0) {
                return PP_ACTRES_OBJECT_UNAVAILABLE;
            }
            period = lp.capture_period_s;
        }
        rc = pp_clock_adjust_to(clk, c->srv->port, c->id == 1 ? 900u : (c->id == 3 ? 60u : period),
                                &ch);
        break;
    case 6:
        if (!params || pp_axdr_get_i16(&rd, &secs) != PP_OK || rd.pos != len) {
            return PP_ACTRES_TYPE_UNMATCHED;
        }
        rc = pp_clock_shift(clk, c->srv->port, secs, &ch);
        break;
    default: return PP_ACTRES_OBJECT_UNAVAILABLE; /* 4, 5: preset adjusting time */
    }
    if (rc != PP_OK) {
        return rc == PP_ERR_RANGE ? PP_ACTRES_OTHER_REASON : PP_ACTRES_TEMPORARY_FAILURE;
    }
    changed(c, 0, c->id, &ch);
    return PP_ACTRES_SUCCESS;
}

static const uint8_t RULE[] = {PP_CA_STATIC, PP_CA_VALUE,  PP_CA_CONFIG,
                               PP_CA_STATIC, PP_CA_CONFIG, PP_CA_CONFIG,
                               PP_CA_CONFIG, PP_CA_CONFIG, PP_CA_STATIC};
static const uint8_t METH[] = {PP_WHO_MGMT, PP_WHO_MGMT, PP_WHO_MGMT,
                               PP_WHO_MGMT, PP_WHO_MGMT, PP_WHO_MGMT};

const pp_cosem_class_t pp_cosem_class_clock = {
    .class_id = 8, .version = 0, .nattr = 9, .nmeth = 6, .rule = RULE, .meth_who = METH,
    .get = get, .set = set, .action = action};
