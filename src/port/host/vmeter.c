#include "vmeter.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t g_stop_requested; /* host program state, not core */

static void on_stop_signal(int sig)
{
    (void)sig;
    g_stop_requested = 1;
}

void pp_vmeter_catch_signals(void)
{
    signal(SIGINT, on_stop_signal);
    signal(SIGTERM, on_stop_signal);
    signal(SIGPIPE, SIG_IGN);
}

bool pp_vmeter_stop_requested(void)
{
    return g_stop_requested != 0;
}

static void net_open(void *owner, pp_channel_t ch, unsigned conn)
{
    pp_vmeter_t *v = owner;
    if (pp_meter_open(v->meter, ch, conn) != PP_OK && v->hp.net) {
        pp_net_close(v->hp.net, ch, conn); /* every connection slot is busy */
    }
}

static void net_data(void *owner, pp_channel_t ch, unsigned conn, const uint8_t *d, size_t n)
{
    (void)pp_meter_receive(((pp_vmeter_t *)owner)->meter, ch, conn, d, n);
}

static void net_close(void *owner, pp_channel_t ch, unsigned conn)
{
    pp_meter_close(((pp_vmeter_t *)owner)->meter, ch, conn);
}

const pp_net_callbacks_t pp_vmeter_net_callbacks = {
    .on_open = net_open, .on_data = net_data, .on_close = net_close};

int pp_vmeter_start(pp_vmeter_t *v, const pp_hostcfg_t *hc, const char *nvm_path,
                    const char *scenario, uint64_t seed, double speed, int64_t utc_start_ms,
                    pp_net_t *net, char *err, size_t errlen)
{
    memset(v, 0, sizeof *v);
    if (pp_meter_setup_from_hostcfg(&v->setup, hc, err, errlen) < 0 ||
        pp_scenario_init(&v->scenario, scenario, seed, err, errlen) < 0) {
        return -1;
    }
    pp_host_port_init(&v->hp, PP_HOST_CLOCK_REAL, speed, utc_start_ms);
    snprintf(v->hp.tag, sizeof v->hp.tag, "%s", hc->meter_number);
    if (pp_host_port_attach_nvm(&v->hp, nvm_path, hc->meter_number, err, errlen) < 0) {
        return -1;
    }
    pp_host_port_attach_net(&v->hp, net);
    v->meter = calloc(1, sizeof *v->meter);
    pp_err_t rc = v->meter ? pp_meter_init(v->meter, &v->hp.port, &v->setup.cfg) : PP_ERR_NOSPACE;
    if (rc != PP_OK) {
        snprintf(err, errlen, "meter %s did not start: %s", hc->meter_number, pp_strerror(rc));
        return -1;
    }
    pp_powerstep_init(&v->ps);
    v->hp.port.rtc_get(v->hp.port.ctx, &v->next_frame_ms);
    v->next_frame_ms = (v->next_frame_ms / 1000 + 1) * 1000;
    v->start_ms = v->next_frame_ms;
    return 0;
}

void pp_vmeter_step(pp_vmeter_t *v)
{
    int64_t now;
    v->hp.port.rtc_get(v->hp.port.ctx, &now);
    for (int burst = 0; now >= v->next_frame_ms && burst < 100000 &&
                        !(v->end_ms && v->next_frame_ms > v->end_ms); burst++) {
        /* The household lives by the wall clock: local time of the second. */
        int64_t second = v->next_frame_ms - 1000;
        pp_civil_t lt;
        pp_clock_local(&v->meter->clock, second, &lt, NULL);
        int64_t local_s = pp_ms_from_civil(&lt) / 1000;
        pp_powerstep_load_t load;
        pp_scenario_load(&v->scenario, local_s, &load);
        pp_frame_t f;
        pp_powerstep_frame(&v->ps, &load, &f);
        pp_meter_push_frame(v->meter, &f);
        pp_meter_task(v->meter);
        v->next_frame_ms += 1000;
    }
    pp_meter_task(v->meter);
}

void pp_vmeter_set_duration(pp_vmeter_t *v, int64_t seconds)
{
    v->end_ms = seconds > 0 ? v->start_ms + (seconds - 1) * 1000 : 0;
}

int64_t pp_vmeter_elapsed_s(const pp_vmeter_t *v)
{
    return (v->next_frame_ms - v->start_ms) / 1000;
}

pp_err_t pp_vmeter_stop(pp_vmeter_t *v)
{
    pp_err_t rc = v->meter ? pp_meter_power_fail(v->meter) : PP_OK;
    pp_host_port_close(&v->hp);
    free(v->meter);
    v->meter = NULL;
    return rc;
}
