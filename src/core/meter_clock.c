/* The clock settings a client may change (class 8: time zone, DST begin,
 * end, deviation, enabled) survive a restart: one journal record, written
 * on every change and applied over the order-code defaults at start. */
#include <string.h>

#include "meter_internal.h"
#include "polyphase/nvm_keys.h"

#define KEY_CLOCK_SETTINGS (PP_KEY_CLOCK_BASE + 0x01)
#define SETTINGS_LEN (2u + 1u + 1u + 12u + 12u)

pp_err_t pp_meter_clock_save(pp_meter_t *m)
{
    const pp_clock_t *c = &m->clock;
    uint8_t b[SETTINGS_LEN];
    const uint16_t tz = (uint16_t)c->std_offset_min;
    b[0] = (uint8_t)(tz >> 8);
    b[1] = (uint8_t)tz;
    b[2] = c->dst_enabled ? 1u : 0u;
    b[3] = (uint8_t)c->dst_deviation_min;
    if (pp_clock_dt_encode(&c->dst_begin, b + 4, 12) != 12 ||
        pp_clock_dt_encode(&c->dst_end, b + 16, 12) != 12) {
        return PP_ERR_INTERNAL;
    }
    return pp_journal_write(&m->journal, KEY_CLOCK_SETTINGS, b, sizeof b);
}

pp_err_t pp_meter_clock_load(pp_meter_t *m)
{
    uint8_t b[SETTINGS_LEN];
    pp_err_t rc = pp_journal_read(&m->journal, KEY_CLOCK_SETTINGS, b, sizeof b);
    if (rc == PP_ERR_NOT_FOUND) {
        return PP_OK; /* never changed: the order code's zone and rule */
    }
    PP_TRY(rc);
    pp_clock_t c = m->clock;
    c.std_offset_min = (int16_t)(uint16_t)(b[0] << 8 | b[1]);
    c.dst_enabled = b[2] != 0;
    c.dst_deviation_min = (int8_t)b[3];
    PP_VERIFY(c.std_offset_min >= -720 && c.std_offset_min <= 720, PP_ERR_CORRUPT);
    PP_TRY(pp_clock_dt_decode(b + 4, 12, &c.dst_begin, NULL));
    PP_TRY(pp_clock_dt_decode(b + 16, 12, &c.dst_end, NULL));
    m->clock = c;
    return PP_OK;
}
