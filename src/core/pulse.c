/* Pulse outputs with a queue (see pulse.h). */
#include <string.h>

#include "polyphase/pulse.h"

void pp_pulse_config_default(pp_pulse_config_t *cfg)
{
    cfg->imp_per_kwh = 1000;
    cfg->pulse_ms = 30;
    cfg->led_on_at_no_load = false;
    cfg->s0_source = PP_PULSE_SRC_A_PLUS;
}

pp_err_t pp_pulse_init(pp_pulse_t *p, const pp_pulse_config_t *cfg)
{
    PP_VERIFY(p != NULL && cfg != NULL, PP_ERR_ARG);
    PP_VERIFY(cfg->imp_per_kwh > 0 && 1000000000u % cfg->imp_per_kwh == 0, PP_ERR_RANGE);
    PP_VERIFY(cfg->pulse_ms >= 1 && cfg->pulse_ms <= 1000, PP_ERR_RANGE);
    PP_VERIFY(cfg->s0_source <= PP_PULSE_SRC_R_ABS, PP_ERR_RANGE);
    memset(p, 0, sizeof *p);
    p->cfg = *cfg;
    p->unit_uwh = 1000000000u / cfg->imp_per_kwh;
    p->no_load = true;
    p->ch[PP_PULSE_LED_ACTIVE] = (pp_pulse_channel_t){.out = PP_OUT_LED_ACTIVE, .source = PP_PULSE_SRC_A_ABS};
    p->ch[PP_PULSE_LED_REACTIVE] = (pp_pulse_channel_t){.out = PP_OUT_LED_REACTIVE, .source = PP_PULSE_SRC_R_ABS};
    p->ch[PP_PULSE_S0] = (pp_pulse_channel_t){.out = PP_OUT_S0, .source = cfg->s0_source};
    return PP_OK;
}

static uint64_t energy_of(const pp_energy_delta_t *d, pp_pulse_source_t src)
{
    switch (src) {
    case PP_PULSE_SRC_A_PLUS: return d->a_plus_uwh;
    case PP_PULSE_SRC_A_MINUS: return d->a_minus_uwh;
    case PP_PULSE_SRC_R_ABS: return (uint64_t)d->r_plus_uvarh + d->r_minus_uvarh;
    default: return (uint64_t)d->a_plus_uwh + d->a_minus_uwh;
    }
}

void pp_pulse_frame(pp_pulse_t *p, const pp_frame_t *f, uint64_t now_ms)
{
    p->no_load = true;
    for (unsigned k = 0; k < PP_PHASES; k++) {
        if (f->phase[k].current_present) {
            p->no_load = false;
        }
    }
    for (unsigned c = 0; c < PP_PULSE_CHANNELS; c++) {
        pp_pulse_channel_t *ch = &p->ch[c];
        uint64_t e = energy_of(&f->total, ch->source);
        ch->acc_uwh += e;
        uint64_t n = ch->acc_uwh / p->unit_uwh;
        ch->acc_uwh -= n * p->unit_uwh;
        if (n == 0) {
            continue;
        }
        /* spread at the frame's rate: one pulse per unit of energy */
        uint64_t sp = (uint64_t)f->duration_ms * p->unit_uwh / e;
        ch->spacing_ms = (uint32_t)(sp > 60000u ? 60000u : sp);
        if (ch->pending == 0 && ch->next_ms < now_ms) {
            ch->next_ms = now_ms;
        }
        ch->pending += n;
    }
}

static void set(const pp_port_t *port, pp_output_t out, bool on)
{
    if (port != NULL && port->output_set != NULL) {
        port->output_set(port->ctx, out, on);
    }
}

static void tick_channel(pp_pulse_t *p, pp_pulse_channel_t *ch, const pp_port_t *port,
                         uint64_t now)
{
    uint32_t w = p->cfg.pulse_ms;
    bool led = ch->out != PP_OUT_S0;
    bool want_steady = led && p->cfg.led_on_at_no_load && p->no_load && ch->pending == 0;
    if (ch->steady && !want_steady) {
        ch->steady = false;
        ch->on = false;
        ch->edge_ms = now;
        set(port, ch->out, false);
    }
    if (ch->on) {
        if (now - ch->edge_ms >= w) {
            ch->on = false;
            ch->edge_ms = now;
            set(port, ch->out, false);
        }
        return;
    }
    if (ch->pending > 0 && now >= ch->next_ms && now - ch->edge_ms >= w) {
        ch->on = true;
        ch->pending--;
        ch->emitted++;
        ch->edge_ms = now;
        ch->next_ms = (ch->next_ms + ch->spacing_ms > now) ? ch->next_ms + ch->spacing_ms : now;
        set(port, ch->out, true);
    } else if (want_steady && !ch->steady) {
        ch->steady = true;
        set(port, ch->out, true);
    }
}

void pp_pulse_tick(pp_pulse_t *p, const pp_port_t *port, uint64_t now_ms)
{
    for (unsigned c = 0; c < PP_PULSE_CHANNELS; c++) {
        tick_channel(p, &p->ch[c], port, now_ms);
    }
}
