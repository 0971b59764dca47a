/* Bridges to modules still landing: the DLMS server (until then the meter
 * answers no DLMS APDU) and the clock module (until then local time is the
 * standard time of Z11 without DST). Replaced when they land. */
#include "meter_internal.h"

int pp_meter_dlms_apdu(pp_meter_t *m, pp_meter_conn_t *c, uint16_t client, uint16_t server,
                       const uint8_t *req, size_t len, uint8_t *resp, size_t cap)
{
    (void)m; (void)c; (void)client; (void)server; (void)req; (void)len; (void)resp; (void)cap;
    return 0;
}

void pp_meter_dlms_release(pp_meter_t *m, pp_meter_conn_t *c)
{
    (void)m; (void)c;
}

pp_err_t pp_meter_local_time(const pp_meter_t *m, int64_t utc_ms, pp_tariff_time_t *out)
{
    int64_t s = utc_ms / 1000 + m->cfg.sw.gmt_offset_minutes * 60;
    int64_t days = s / 86400, sod = s % 86400;
    /* civil from days (temporary) */
    int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    out->day = (uint8_t)(doy - (153 * mp + 2) / 5 + 1);
    out->month = (uint8_t)(mp < 10 ? mp + 3 : mp - 9);
    out->year = (uint16_t)(yoe + era * 400 + (out->month <= 2));
    out->weekday = (uint8_t)(((days % 7) + 10) % 7 + 1);
    out->hour = (uint8_t)(sod / 3600);
    out->minute = (uint8_t)(sod / 60 % 60);
    out->second = (uint8_t)(sod % 60);
    return PP_OK;
}
