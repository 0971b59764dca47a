/* One virtual meter on the host: the meter core, its host port, its load
 * scenario and the power-step source that turns the scenario into one frame
 * per second of meter time. Shared by `run` (one meter) and `fleet` (many). */
#ifndef PP_HOST_VMETER_H
#define PP_HOST_VMETER_H

#include "host_port.h"
#include "meter_setup.h"
#include "net.h"
#include "polyphase/meter.h"
#include "scenario.h"

typedef struct pp_vmeter {
    pp_meter_t *meter;     /* heap: the struct is large */
    pp_host_port_t hp;
    pp_meter_setup_t setup;
    pp_scenario_t scenario;
    pp_powerstep_t ps;
    int64_t next_frame_ms; /* RTC time at which the next frame is due */
    int64_t start_ms;
    int64_t end_ms;        /* no frames from here on (0: run on) */
} pp_vmeter_t;

/* Starts a meter from a host configuration: clock (utc_start_ms, speed), NVM
 * image (NULL: RAM), scenario. Returns 0 or -1 with a message in err. */
int pp_vmeter_start(pp_vmeter_t *v, const pp_hostcfg_t *hc, const char *nvm_path,
                    const char *scenario, uint64_t seed, double speed, int64_t utc_start_ms,
                    pp_net_t *net, char *err, size_t errlen);
/* Feeds every frame that is due by the meter's clock (never past end_ms,
 * see pp_vmeter_set_duration), then runs the task. */
void pp_vmeter_set_duration(pp_vmeter_t *v, int64_t seconds);
void pp_vmeter_step(pp_vmeter_t *v);
/* Seconds of meter time run so far. */
int64_t pp_vmeter_elapsed_s(const pp_vmeter_t *v);
/* Commits and releases everything; returns the commit result. */
pp_err_t pp_vmeter_stop(pp_vmeter_t *v);

/* SIGINT/SIGTERM request a clean stop (NVM committed); SIGPIPE ignored. */
void pp_vmeter_catch_signals(void);
bool pp_vmeter_stop_requested(void);

/* Net callbacks whose owner is a pp_vmeter_t. */
extern const pp_net_callbacks_t pp_vmeter_net_callbacks;

#endif
