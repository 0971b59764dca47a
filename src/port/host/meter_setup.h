/* From the host configuration file to a meter configuration. */
#ifndef PP_HOST_METER_SETUP_H
#define PP_HOST_METER_SETUP_H

#include <stddef.h>

#include "hostcfg.h"
#include "polyphase/meter.h"

/* Storage the meter configuration points into; must outlive the meter. */
typedef struct pp_meter_setup {
    pp_meter_config_t cfg;
    pp_calendar_t calendar;
    pp_special_days_t special_days;
} pp_meter_setup_t;

/* Fills setup from hc: identity, codes, keys, the Z13 tariff preset as an
 * activity calendar. Returns 0 or -1 with a message in err. */
int pp_meter_setup_from_hostcfg(pp_meter_setup_t *setup, const pp_hostcfg_t *hc, char *err,
                                size_t errlen);

/* Loads the host configuration: path if given, else etc/polyphase.conf when
 * present (the working directory of `make run`), else the built-in defaults.
 * Returns 0 or -1 with "file:line: message" in err. */
int pp_hostcfg_load_or_default(pp_hostcfg_t *hc, const char *path, char *err, size_t errlen);

/* Converts a tariff preset of the host file to the core's calendar (COSEM
 * class 20 / 11 shape): day and week ids are the preset's 1-based indexes. */
int pp_meter_setup_calendar(const pp_hostcfg_tariff_t *t, pp_calendar_t *cal,
                            pp_special_days_t *special, char *err, size_t errlen);

#endif
