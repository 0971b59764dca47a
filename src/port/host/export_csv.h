/* CSV export of profiles and logs (host only): one file per logger, a
 * header line with the column names, one line per row, oldest first.
 * Clock columns are ISO 8601 in standard time with its offset, e.g.
 * "2026-01-01T01:15:00+01:00"; the load-profile status is written as a
 * number (bits in docs/profiles-and-logs.md); event logs get an extra
 * "event" column with the code's name. */
#ifndef PP_HOST_EXPORT_CSV_H
#define PP_HOST_EXPORT_CSV_H

#include <stdio.h>

#include "polyphase/events.h"
#include "polyphase/profile.h"

/* Writes one logger to out. std_offset_min: the Z11 offset the clock
 * columns were stamped with. Returns rows written or a negative pp_err_t. */
int pp_export_csv_view(const pp_log_view_t *view, int16_t std_offset_min, bool event_names,
                       FILE *out);

/* Writes dir/<name>.csv for one logger (PP_ERR_PORT on a file error). */
int pp_export_csv_file(const pp_log_view_t *view, int16_t std_offset_min, bool event_names,
                       const char *dir, const char *name);

/* Writes every logger that is not NULL into dir (created if missing):
 * load_profile.csv, analysis_logger.csv, events_<log>.csv for the eight
 * event logs. Returns PP_OK or the first error. */
pp_err_t pp_export_csv_all(const char *dir, int16_t std_offset_min, pp_lp_t *lp, pp_al_t *al,
                           pp_events_t *ev);

#endif
