/* Hour counter and pulse input counter (see counters.h). */
#include "polyphase/counters.h"

#include <stdbool.h>
#include <string.h>

#include "polyphase/nvm_keys.h"
#include "core/le.h"

#define KEY_COUNTERS (PP_KEY_BILLING_BASE + 0x10)
#define REC_LEN 16u

int8_t pp_counters_default_scaler(pp_pulse_unit_t unit)
{
    switch (unit) {
    case PP_PULSE_UNIT_KWH: return -3;
    case PP_PULSE_UNIT_M3: return -3;
    default: return 0;
    }
}

pp_err_t pp_counters_save(pp_counters_t *c)
{
    uint8_t buf[REC_LEN];
    pp_le_put32(buf, c->hours);
    pp_le_put32(buf + 4, c->seconds);
    pp_le_put64(buf + 8, c->pulses);
    return pp_journal_write(c->journal, KEY_COUNTERS, buf, REC_LEN);
}

pp_err_t pp_counters_init(pp_counters_t *c, pp_journal_t *j, pp_pulse_unit_t unit, int8_t scaler)
{
    PP_VERIFY(c != NULL && j != NULL, PP_ERR_ARG);
    PP_VERIFY((unsigned)unit <= PP_PULSE_UNIT_L && scaler >= -6 && scaler <= 6, PP_ERR_RANGE);
    memset(c, 0, sizeof(*c));
    c->journal = j;
    c->unit = unit;
    c->scaler = scaler;
    uint8_t buf[REC_LEN];
    pp_err_t rc = pp_journal_read(j, KEY_COUNTERS, buf, REC_LEN);
    if (rc == PP_ERR_NOT_FOUND) {
        return PP_OK;
    }
    PP_TRY(rc);
    c->hours = pp_le_get32(buf);
    c->seconds = pp_le_get32(buf + 4) % 3600u;
    c->pulses = pp_le_get64(buf + 8);
    return PP_OK;
}

pp_err_t pp_counters_on_second(pp_counters_t *c, uint32_t pulses)
{
    bool changed = pulses != 0;
    c->pulses += pulses;
    if (++c->seconds >= 3600u) {
        c->seconds = 0;
        c->hours++;
        changed = true;
    }
    return changed ? pp_counters_save(c) : PP_OK;
}

uint32_t pp_counters_edge(pp_counters_t *c, int level)
{
    uint8_t l = level ? 1 : 0;
    uint32_t rising = (l && !c->last_level) ? 1u : 0u;
    c->last_level = l;
    return rising;
}
