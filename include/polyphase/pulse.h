/* Pulse outputs: the meter-constant LEDs (kWh, kvarh) and the S0 output at
 * 1000 imp/kWh (data sheet), pulse time 30 or 80 ms (order code Z8), LED
 * steady on or off at no load (Z2). Energy comes from the 1-s frames; pulses
 * are spread over the following second at the frame's rate and queued, so
 * none is lost when the rate exceeds what the pulse time allows (a pulse
 * needs pulse_ms on plus pulse_ms off: 16.7/s at 30 ms, while 69 kW on three
 * phases makes 19.2/s): the queue grows while the rate is too high and drains
 * when it falls. Outputs are driven through port->output_set at the times
 * given by pp_pulse_tick(now_ms) with the port's monotonic clock. */
#ifndef POLYPHASE_PULSE_H
#define POLYPHASE_PULSE_H

#include <stdbool.h>
#include <stdint.h>

#include "polyphase/error.h"
#include "polyphase/frame.h"
#include "polyphase/port.h"

typedef enum pp_pulse_source {
    PP_PULSE_SRC_A_ABS = 0,  /* A+ plus A- (the active LED: both directions) */
    PP_PULSE_SRC_A_PLUS = 1,
    PP_PULSE_SRC_A_MINUS = 2,
    PP_PULSE_SRC_R_ABS = 3   /* R+ plus R- (the kvarh LED) */
} pp_pulse_source_t;

typedef struct pp_pulse_config {
    uint32_t imp_per_kwh;    /* 1000; must divide 10^9 */
    uint32_t pulse_ms;       /* 30 or 80 (Z8); off time is at least the same */
    bool led_on_at_no_load;  /* Z2 = 2: LED steady on at no consumption */
    pp_pulse_source_t s0_source; /* default A+ */
} pp_pulse_config_t;

enum { PP_PULSE_LED_ACTIVE, PP_PULSE_LED_REACTIVE, PP_PULSE_S0, PP_PULSE_CHANNELS };

typedef struct pp_pulse_channel {
    pp_output_t out;
    pp_pulse_source_t source;
    uint64_t acc_uwh;        /* energy not yet a whole pulse */
    uint64_t pending;        /* pulses earned, not yet emitted */
    uint64_t emitted;
    uint64_t next_ms;        /* earliest start of the next pulse */
    uint64_t edge_ms;        /* time of the last level change */
    uint32_t spacing_ms;     /* pulse interval at the last frame's rate */
    bool on;
    bool steady;             /* LED held on at no load */
} pp_pulse_channel_t;

typedef struct pp_pulse {
    pp_pulse_config_t cfg;
    uint64_t unit_uwh;
    bool no_load;
    pp_pulse_channel_t ch[PP_PULSE_CHANNELS];
} pp_pulse_t;

void pp_pulse_config_default(pp_pulse_config_t *cfg);
pp_err_t pp_pulse_init(pp_pulse_t *p, const pp_pulse_config_t *cfg);
/* Adds the energy of one frame ending at now_ms. */
void pp_pulse_frame(pp_pulse_t *p, const pp_frame_t *f, uint64_t now_ms);
/* Advances the outputs to now_ms; call often (every few ms). */
void pp_pulse_tick(pp_pulse_t *p, const pp_port_t *port, uint64_t now_ms);

#endif
