/* The meter clock: civil calendar, the time zone of Z11, the summer-time
 * rule of Z15 (or any rule a client writes to the COSEM clock object), the
 * COSEM date-time codec and the class 8 attributes as data. Everything works
 * on int64 UTC milliseconds; the calendar is exact for any proleptic
 * Gregorian date and tested day by day for 1970..2199 (2038 and 2100 safe).
 *
 * Conventions (docs/clock.md):
 * - deviation and time_zone are UTC - local in minutes (Blue Book: "deviation
 *   of local time to UTC"), so CET is -60 and CEST -120: local + deviation =
 *   UTC. Gurux, dlms-cosem and real meters read it that way.
 * - weekday 1 = Monday .. 7 = Sunday.
 * - Local (wall) time includes summer time; standard time never does.
 *   Loggers stamp in standard time.
 * - The October hour that happens twice: PP_LOCAL_FIRST picks the summer-time
 *   pass, PP_LOCAL_SECOND the standard-time pass. A local time in the March
 *   gap does not exist: refused (PP_ERR_RANGE) unless PP_LOCAL_GAP_SHIFT,
 *   which moves it forward by the summer-time deviation (02:30 -> 03:30).
 *
 * The context is caller-owned, has no pointers and no hidden state; reading
 * and setting the time takes the port as an argument. */
#ifndef POLYPHASE_CLOCK_H
#define POLYPHASE_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyphase/axdr.h"
#include "polyphase/error.h"
#include "polyphase/port.h"

#define PP_CLOCK_STATUS_INVALID 0x01u
#define PP_CLOCK_STATUS_DOUBTFUL 0x02u
#define PP_CLOCK_STATUS_DIFFERENT_BASE 0x04u
#define PP_CLOCK_STATUS_INVALID_STATUS 0x08u
#define PP_CLOCK_STATUS_DST 0x80u
#define PP_CLOCK_STATUS_RESERVED 0x70u

/* class 8 clock_base (attribute 9) */
#define PP_CLOCK_BASE_UNDEFINED 0u
#define PP_CLOCK_BASE_CRYSTAL 1u
#define PP_CLOCK_BASE_MAINS_50HZ 2u
#define PP_CLOCK_BASE_MAINS_60HZ 3u
#define PP_CLOCK_BASE_GPS 4u
#define PP_CLOCK_BASE_RADIO 5u

/* Broken-down civil time. weekday: 1 = Monday .. 7 = Sunday (COSEM). */
typedef struct pp_civil {
    uint16_t year;
    uint8_t month, day, weekday, hour, minute, second;
    uint16_t ms;
} pp_civil_t;

typedef struct pp_clock {
    int16_t std_offset_min;     /* local standard time - UTC (Z11), e.g. +60 */
    bool dst_enabled;           /* class 8 attr 8 (Z15 != none) */
    int8_t dst_deviation_min;   /* attr 7: summer time adds this (60) */
    pp_axdr_datetime_t dst_begin; /* attr 5: pattern, local standard time */
    pp_axdr_datetime_t dst_end;   /* attr 6: pattern, local summer time */
    uint8_t clock_base;         /* attr 9 */
    uint8_t sticky;             /* PP_CLOCK_STATUS_DOUBTFUL/INVALID until set */
} pp_clock_t;

/* ---- civil calendar (calendar.c) ---------------------------------------- */
/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t pp_days_from_civil(int y, unsigned m, unsigned d);
void pp_civil_from_days(int64_t days, int *y, unsigned *m, unsigned *d);
bool pp_is_leap_year(int y);
/* 28..31; 0 for a month outside 1..12. */
unsigned pp_days_in_month(int y, unsigned m);
/* 1 = Monday .. 7 = Sunday of a day count. */
unsigned pp_weekday_from_days(int64_t days);
/* 1..366. */
unsigned pp_day_of_year(int y, unsigned m, unsigned d);
/* Broken-down time of milliseconds (UTC, or any offset already applied);
 * negative values floor correctly. */
void pp_civil_from_ms(int64_t ms, pp_civil_t *out);
int64_t pp_ms_from_civil(const pp_civil_t *c);

/* ---- configuration ------------------------------------------------------ */
/* std_offset_min: Z11 standard offset, -720..+720; dst: Z15 = EU (summer
 * time from the last Sunday of March 01:00 UTC to the last Sunday of October
 * 01:00 UTC, +60 min). Clock base: internal crystal. */
pp_err_t pp_clock_init(pp_clock_t *c, int16_t std_offset_min, bool dst);
/* Replace the DST rule by the EU one for the current offset (Z15 = 001). */
void pp_clock_set_eu_rule(pp_clock_t *c);

/* EU summer time of a year (UTC milliseconds), independent of any clock. */
void pp_clock_dst_bounds(int year, int64_t *begin_utc_ms, int64_t *end_utc_ms);
/* This clock's summer time of a year (the year of local standard time);
 * PP_ERR_NOT_FOUND when DST is off or the rule has no date in that year. */
pp_err_t pp_clock_dst_period(const pp_clock_t *c, int year, int64_t *begin_utc_ms,
                             int64_t *end_utc_ms);
bool pp_clock_dst_active(const pp_clock_t *c, int64_t utc_ms);
/* Local wall time - UTC, in minutes, at that instant (std offset + DST). */
int32_t pp_clock_offset_min(const pp_clock_t *c, int64_t utc_ms);
/* COSEM deviation (UTC - local wall time, minutes) at that instant. */
int16_t pp_clock_deviation(const pp_clock_t *c, int64_t utc_ms);

/* ---- conversions --------------------------------------------------------- */
/* Local wall time, and standard (no DST) time, of a UTC instant. */
void pp_clock_local(const pp_clock_t *c, int64_t utc_ms, pp_civil_t *out, bool *dst);
void pp_clock_standard(const pp_clock_t *c, int64_t utc_ms, pp_civil_t *out);

typedef enum pp_local_policy {
    PP_LOCAL_FIRST = 0,     /* repeated hour: the summer-time pass */
    PP_LOCAL_SECOND = 1,    /* repeated hour: the standard-time pass */
    PP_LOCAL_GAP_SHIFT = 2  /* OR-ed in: a gap time moves forward */
} pp_local_policy_t;

/* The UTC instant of a local wall time (fields checked: PP_ERR_RANGE; the
 * weekday and ms fields are ignored / ms added). */
pp_err_t pp_clock_from_local_ex(const pp_clock_t *c, const pp_civil_t *local, unsigned policy,
                                int64_t *utc_ms);
/* Same with prefer_dst = FIRST, else SECOND; the gap is refused. */
pp_err_t pp_clock_from_local(const pp_clock_t *c, const pp_civil_t *local, bool prefer_dst,
                             int64_t *utc_ms);
/* The UTC instant of a local standard time (never ambiguous). */
pp_err_t pp_clock_from_standard(const pp_clock_t *c, const pp_civil_t *std, int64_t *utc_ms);

/* ---- helpers for tariffs, billing, demand, loggers ---------------------- */
/* Start of the interval of period_min minutes (must divide 1440) holding
 * utc_ms, aligned to local standard time (wall = false: loggers, demand) or
 * to local wall time (wall = true). */
pp_err_t pp_clock_interval_start(const pp_clock_t *c, int64_t utc_ms, uint32_t period_min,
                                 bool wall, int64_t *start_utc_ms);
/* The first instant after after_utc_ms at which local wall time is day
 * `day` (1..31; beyond the month's end: its last day) at hour:minute. Used for
 * billing (debiting) dates. A time in the March gap moves forward. */
pp_err_t pp_clock_next_monthly(const pp_clock_t *c, int64_t after_utc_ms, uint8_t day,
                               uint8_t hour, uint8_t minute, int64_t *next_utc_ms);
/* Does local wall time at utc_ms (to the second) match a COSEM date-time
 * pattern: 0xFF fields are wildcards, month 0xFE/0xFD = the month DST begins
 * /ends, day 0xFE/0xFD = last/second-last day of the month, dow checked. */
bool pp_clock_matches(const pp_clock_t *c, const pp_axdr_datetime_t *pattern, int64_t utc_ms);

/* ---- reading and setting the time (class 8 time, methods) --------------- */
typedef struct pp_clock_now {
    int64_t utc_ms;  /* 0 when the RTC is invalid */
    uint8_t status;  /* PP_CLOCK_STATUS_* at that instant */
} pp_clock_now_t;

/* Reads the RTC through the port. An RTC that lost its time (rtc_get ->
 * PP_ERR_STATE) is no error: status INVALID. Other port failures return
 * PP_ERR_PORT with status INVALID. */
pp_err_t pp_clock_read(const pp_clock_t *c, const pp_port_t *port, pp_clock_now_t *now);

/* What a set or adjustment did, for the clock-adjustment log. */
typedef struct pp_clock_change {
    int64_t old_utc_ms;  /* 0 when old_valid is false */
    int64_t new_utc_ms;
    bool old_valid;      /* the RTC held a valid time before */
    uint8_t old_status;
} pp_clock_change_t;

/* Set the RTC to utc_ms (after 1970, before 2200). Clears INVALID/DOUBTFUL. */
pp_err_t pp_clock_set(pp_clock_t *c, const pp_port_t *port, int64_t utc_ms,
                      pp_clock_change_t *change);
/* class 8 method 6 shift_time: -900..900 seconds. Needs a valid RTC. */
pp_err_t pp_clock_shift(pp_clock_t *c, const pp_port_t *port, int32_t seconds,
                        pp_clock_change_t *change);
/* Methods 1 (quarter: 900 s), 3 (minute: 60 s) and 2 (measuring period):
 * round to the nearest multiple of period_s in local standard time (half up). */
pp_err_t pp_clock_adjust_to(pp_clock_t *c, const pp_port_t *port, uint32_t period_s,
                            pp_clock_change_t *change);
/* Set or clear sticky status bits (DOUBTFUL, DIFFERENT_BASE): e.g. DOUBTFUL
 * after running on the backup supply longer than specified. */
void pp_clock_flag(pp_clock_t *c, uint8_t bits, bool on);

/* ---- COSEM date-time codec ----------------------------------------------- */
/* The field a decode or check refused. */
typedef enum pp_dt_field {
    PP_DT_OK = 0,
    PP_DT_F_LENGTH,
    PP_DT_F_YEAR,
    PP_DT_F_MONTH,
    PP_DT_F_DAY,
    PP_DT_F_DOW,
    PP_DT_F_HOUR,
    PP_DT_F_MINUTE,
    PP_DT_F_SECOND,
    PP_DT_F_HUNDREDTHS,
    PP_DT_F_DEVIATION,
    PP_DT_F_STATUS
} pp_dt_field_t;

#define PP_DT_PART_DATE 1u  /* year, month, day, dow */
#define PP_DT_PART_TIME 2u  /* hour, minute, second, hundredths */
#define PP_DT_PART_ZONE 4u  /* deviation, status */
#define PP_DT_PART_ALL 7u

/* Field ranges and consistency: month 1..12/FD/FE/FF, day 1..31/FD/FE/FF and
 * within the month when year and month are given, dow 1..7/FF and equal to
 * the date's weekday when the date is complete, hour 0..23, minute/second
 * 0..59, hundredths 0..99 (each or FF), deviation -720..720 or 0x8000,
 * status FF or without the reserved bits 4..6. PP_ERR_RANGE for a value out
 * of range, PP_ERR_MALFORMED for a weekday that contradicts the date; *bad
 * (may be NULL) names the field. */
pp_err_t pp_clock_dt_check(const pp_axdr_datetime_t *dt, unsigned parts, pp_dt_field_t *bad);
/* 12 (date-time), 5 (date) or 4 (time) octets -> fields, checked. Fields of
 * the other parts are set to "not specified". A shorter input is
 * PP_ERR_TRUNCATED, a longer one PP_ERR_MALFORMED (field LENGTH). */
pp_err_t pp_clock_dt_decode(const uint8_t *in, size_t len, pp_axdr_datetime_t *out,
                            pp_dt_field_t *bad);
pp_err_t pp_clock_date_decode(const uint8_t *in, size_t len, pp_axdr_datetime_t *out,
                              pp_dt_field_t *bad);
pp_err_t pp_clock_time_decode(const uint8_t *in, size_t len, pp_axdr_datetime_t *out,
                              pp_dt_field_t *bad);
/* Fields -> octets after the same check; returns the length written (12, 5,
 * 4) or PP_ERR_NOSPACE when cap is too small. */
int pp_clock_dt_encode(const pp_axdr_datetime_t *dt, uint8_t *out, size_t cap);
int pp_clock_date_encode(const pp_axdr_datetime_t *dt, uint8_t *out, size_t cap);
int pp_clock_time_encode(const pp_axdr_datetime_t *dt, uint8_t *out, size_t cap);

/* A UTC instant as a COSEM date-time in local wall time: deviation and the
 * DST bit of that instant, plus extra_status bits (e.g. the clock's). A wall
 * offset beyond +-12 h (+12 h zone in summer) is sent as deviation 0x8000. */
void pp_clock_dt_local(const pp_clock_t *c, int64_t utc_ms, uint8_t extra_status,
                       pp_axdr_datetime_t *out);
/* The same in local standard time (logger stamps): deviation = -offset, DST
 * bit clear. */
void pp_clock_dt_standard(const pp_clock_t *c, int64_t utc_ms, uint8_t extra_status,
                          pp_axdr_datetime_t *out);
/* A complete date-time (year..second given; hundredths FF = 0) -> UTC. With a
 * deviation: local + deviation. With 0x8000: this clock's wall time; in the
 * repeated hour the DST status bit picks the pass (set: summer), the gap is
 * refused. PP_ERR_RANGE for wildcards or an instant outside 1970..2199 UTC. */
pp_err_t pp_clock_dt_to_utc(const pp_clock_t *c, const pp_axdr_datetime_t *dt, int64_t *utc_ms);
/* pp_clock_dt_decode then pp_clock_dt_to_utc, the fields checked once: the
 * first error of either. */
pp_err_t pp_clock_dt_decode_utc(const pp_clock_t *c, const uint8_t *in, size_t len,
                                int64_t *utc_ms);

/* ---- class 8 attributes as data (the DLMS binding calls these) ---------- */
/* 2 time: get = pp_clock_read + pp_clock_dt_local; set = dt_to_utc + set. */
pp_err_t pp_clock_get_time(const pp_clock_t *c, const pp_port_t *port, pp_axdr_datetime_t *out);
pp_err_t pp_clock_set_time(pp_clock_t *c, const pp_port_t *port, const pp_axdr_datetime_t *dt,
                           pp_clock_change_t *change);
/* 3 time_zone: UTC - local standard time, minutes (-720..720). CET = -60. */
int16_t pp_clock_get_time_zone(const pp_clock_t *c);
pp_err_t pp_clock_set_time_zone(pp_clock_t *c, int16_t tz);
/* 4 status (read-only): as pp_clock_read reports it. */
pp_err_t pp_clock_get_status(const pp_clock_t *c, const pp_port_t *port, uint8_t *status);
/* 5/6 daylight_savings_begin/_end: patterns in local time (begin: standard
 * time, end: summer time) or with a deviation (then UTC = time + deviation).
 * Month 1..12, day 1..31/FD/FE, dow 1..7/FF, hour given, year FFFF or one
 * year; minute/second FF read as 0. */
void pp_clock_get_dst_begin(const pp_clock_t *c, pp_axdr_datetime_t *out);
void pp_clock_get_dst_end(const pp_clock_t *c, pp_axdr_datetime_t *out);
pp_err_t pp_clock_set_dst_begin(pp_clock_t *c, const pp_axdr_datetime_t *pattern);
pp_err_t pp_clock_set_dst_end(pp_clock_t *c, const pp_axdr_datetime_t *pattern);
/* 7 daylight_savings_deviation: -120..120 minutes. */
int8_t pp_clock_get_dst_deviation(const pp_clock_t *c);
pp_err_t pp_clock_set_dst_deviation(pp_clock_t *c, int8_t minutes);
/* 8 daylight_savings_enabled. */
bool pp_clock_get_dst_enabled(const pp_clock_t *c);
void pp_clock_set_dst_enabled(pp_clock_t *c, bool on);
/* 9 clock_base (read-only for clients; the port's crystal by default). */
uint8_t pp_clock_get_clock_base(const pp_clock_t *c);

#endif
