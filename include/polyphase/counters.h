/* Operating counters: the hour counter (hours with supply) and the pulse
 * input counter of the module input (unit Z12). Both live in one journal
 * record, written when either changes (at most once per second). The power
 * threshold counter is kept by demand.h, the debiting stop counter and the
 * quality info by billing.h. The context is caller-owned. */
#ifndef POLYPHASE_COUNTERS_H
#define POLYPHASE_COUNTERS_H

#include <stdint.h>

#include "polyphase/error.h"
#include "polyphase/journal.h"

/* Z12: unit of the pulse input. */
typedef enum pp_pulse_unit {
    PP_PULSE_UNIT_NONE = 0,
    PP_PULSE_UNIT_KWH = 1,
    PP_PULSE_UNIT_M3 = 2,
    PP_PULSE_UNIT_L = 3
} pp_pulse_unit_t;

typedef struct pp_counters {
    pp_journal_t *journal;
    uint32_t hours;          /* hour counter */
    uint32_t seconds;        /* seconds with supply into the current hour */
    uint64_t pulses;         /* pulse input counter */
    pp_pulse_unit_t unit;
    int8_t scaler;           /* value = pulses * 10^scaler units */
    uint8_t last_level;      /* pulse input level seen last (edge detection) */
} pp_counters_t;

/* Default scaler per unit: kWh -3 (1 pulse = 1 Wh), m3 -3 (1 L), L 0. */
int8_t pp_counters_default_scaler(pp_pulse_unit_t unit);

pp_err_t pp_counters_init(pp_counters_t *c, pp_journal_t *j, pp_pulse_unit_t unit, int8_t scaler);
/* One second with supply; adds pulses counted by the caller. Writes the
 * record when the hour counter or the pulse counter changed. */
pp_err_t pp_counters_on_second(pp_counters_t *c, uint32_t pulses);
/* Edge counting from a sampled input level: returns 1 on a rising edge. */
uint32_t pp_counters_edge(pp_counters_t *c, int level);
/* Power-fail warning: saves the seconds into the hour. */
pp_err_t pp_counters_save(pp_counters_t *c);

#endif
