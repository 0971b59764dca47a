/* The meter clock: civil calendar, the time zone of Z11, the EU summer-time
 * rule of Z15, and the COSEM view (class 8: time zone, DST status,
 * deviation). Pure functions over int64 UTC milliseconds plus a small
 * caller-owned context; valid for 1970..2199 (2038 and 2100 safe).
 *
 * COSEM conventions (docs/clock.md): deviation and time_zone are
 * UTC - local in minutes, so CET is -60 and CEST -120 (local + deviation =
 * UTC); clock status bit 0 = invalid value, bit 7 = daylight saving active.
 * Loggers stamp in standard time (no DST). */
#ifndef POLYPHASE_CLOCK_H
#define POLYPHASE_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "polyphase/error.h"

#define PP_CLOCK_STATUS_INVALID 0x01u
#define PP_CLOCK_STATUS_DOUBTFUL 0x02u
#define PP_CLOCK_STATUS_DIFFERENT_BASE 0x04u
#define PP_CLOCK_STATUS_INVALID_STATUS 0x08u
#define PP_CLOCK_STATUS_DST 0x80u

/* Broken-down civil time. weekday: 1 = Monday .. 7 = Sunday (COSEM). */
typedef struct pp_civil {
    uint16_t year;
    uint8_t month, day, weekday, hour, minute, second;
    uint16_t ms;
} pp_civil_t;

typedef struct pp_clock {
    int16_t std_offset_min;  /* local standard time - UTC (Z11), e.g. +60 */
    bool dst_enabled;        /* Z15 = EU */
    uint8_t dst_deviation_min; /* summer time adds this (60) */
} pp_clock_t;

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t pp_days_from_civil(int y, unsigned m, unsigned d);
void pp_civil_from_days(int64_t days, int *y, unsigned *m, unsigned *d);
bool pp_is_leap_year(int y);
unsigned pp_days_in_month(int y, unsigned m);
/* Broken-down UTC (or any offset already applied) of milliseconds. */
void pp_civil_from_ms(int64_t ms, pp_civil_t *out);
int64_t pp_ms_from_civil(const pp_civil_t *c);

/* offset_min: Z11 standard offset; dst: EU rule on/off. */
pp_err_t pp_clock_init(pp_clock_t *c, int16_t std_offset_min, bool dst);

/* EU summer time of a year: from the last Sunday of March 01:00 UTC to the
 * last Sunday of October 01:00 UTC (UTC milliseconds). */
void pp_clock_dst_bounds(int year, int64_t *begin_utc_ms, int64_t *end_utc_ms);
bool pp_clock_dst_active(const pp_clock_t *c, int64_t utc_ms);
/* Local wall time - UTC, in minutes, at that instant (std offset + DST). */
int32_t pp_clock_offset_min(const pp_clock_t *c, int64_t utc_ms);
/* COSEM deviation (UTC - local, minutes) at that instant. */
int16_t pp_clock_deviation(const pp_clock_t *c, int64_t utc_ms);

/* Local wall time, and standard (no DST) time, of a UTC instant. */
void pp_clock_local(const pp_clock_t *c, int64_t utc_ms, pp_civil_t *out, bool *dst);
void pp_clock_standard(const pp_clock_t *c, int64_t utc_ms, pp_civil_t *out);

/* The UTC instant of a local wall time. In the October hour that happens
 * twice, prefer_dst picks the first (summer) or second (winter) pass; a time
 * in the March gap does not exist: PP_ERR_RANGE. */
pp_err_t pp_clock_from_local(const pp_clock_t *c, const pp_civil_t *local, bool prefer_dst,
                             int64_t *utc_ms);

#endif
