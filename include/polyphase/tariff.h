/* Tariff control: which of the tariffs T1..T4 is in force.
 *
 * The source is chosen by the order code: the module inputs of Z3 (4-tariff,
 * 2-tariff and their inverted variants), or the tariff control table of Z13 —
 * an activity calendar in the shape of COSEM class 20 (seasons -> week
 * profiles -> day profiles with switch times whose script selector is the
 * tariff) with the special days of class 11 — or a single tariff (T1).
 *
 * The calendar is evaluated on local wall time (with DST) to the second: the
 * tariff at any second is the one the calendar gives for the local time of
 * that second. Around DST changes this means: in March the switch times in
 * the missing hour take effect at 03:00; in October the repeated hour repeats
 * its switches (docs/registers-and-billing.md).
 *
 * Pure data + functions; the context is caller-owned. Local time fields come
 * from the clock module (the application converts). */
#ifndef POLYPHASE_TARIFF_H
#define POLYPHASE_TARIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyphase/error.h"
#include "polyphase/journal.h"

#define PP_CAL_NAME_MAX 24
#define PP_CAL_SEASONS 8
#define PP_CAL_WEEKS 8
#define PP_CAL_DAYS 8
#define PP_CAL_ACTIONS 8
#define PP_CAL_SPECIAL_DAYS 32
#define PP_CAL_ANY 0xFFu       /* wildcard month/day/weekday (COSEM "not specified") */
#define PP_CAL_ANY_YEAR 0xFFFFu

/* Local wall time, as the clock module gives it. weekday: 1 = Monday .. 7. */
typedef struct pp_tariff_time {
    uint16_t year;
    uint8_t month, day, weekday, hour, minute, second;
} pp_tariff_time_t;

typedef struct pp_cal_name {
    uint8_t len;
    uint8_t b[PP_CAL_NAME_MAX];
} pp_cal_name_t;

/* season_profile entry: the season starts at this (local) date-time. */
typedef struct pp_cal_season {
    pp_cal_name_t name;
    uint16_t year;                 /* PP_CAL_ANY_YEAR: every year */
    uint8_t month, day;            /* 1..12, 1..31 */
    uint8_t hour, minute, second;
    pp_cal_name_t week;            /* week_name */
} pp_cal_season_t;

/* week_profile_table entry: day_id for Monday..Sunday. */
typedef struct pp_cal_week {
    pp_cal_name_t name;
    uint8_t day_id[7];
} pp_cal_week_t;

/* day_profile_action: at start_time run the tariff script with this
 * selector (the tariff 1..4). */
typedef struct pp_cal_action {
    uint8_t hour, minute, second;
    uint8_t tariff;
} pp_cal_action_t;

typedef struct pp_cal_day {
    uint8_t day_id;
    uint8_t n_actions;
    pp_cal_action_t action[PP_CAL_ACTIONS]; /* ascending start times */
} pp_cal_day_t;

/* An activity calendar (one of class 20's active/passive sets). */
typedef struct pp_calendar {
    pp_cal_name_t name;
    uint8_t n_seasons, n_weeks, n_days;
    pp_cal_season_t season[PP_CAL_SEASONS];
    pp_cal_week_t week[PP_CAL_WEEKS];
    pp_cal_day_t day[PP_CAL_DAYS];
} pp_calendar_t;

/* Special days table (class 11) entry: on a matching date the day profile
 * day_id replaces the week profile. Wildcards allowed in year, month, day,
 * weekday. */
typedef struct pp_cal_special {
    uint16_t index;
    uint16_t year;
    uint8_t month, day, weekday;
    uint8_t day_id;
} pp_cal_special_t;

typedef struct pp_special_days {
    uint8_t n;
    pp_cal_special_t entry[PP_CAL_SPECIAL_DAYS];
} pp_special_days_t;

/* Checks a calendar: counts, names, dates and times in range, ascending
 * actions, tariffs 1..4, every week/day reference resolves. PP_ERR_RANGE or
 * PP_ERR_NOT_FOUND (dangling reference). */
pp_err_t pp_calendar_check(const pp_calendar_t *c);
pp_err_t pp_special_days_check(const pp_special_days_t *s, const pp_calendar_t *c);

/* The tariff (1..4) at local time t. *next_s (if not NULL) receives the
 * seconds of local time until the next switch time or midnight, whichever
 * is first: the earliest moment the result can change (if local time runs
 * on without a jump). Negative pp_err_t for an unchecked, broken calendar. */
int pp_calendar_eval(const pp_calendar_t *c, const pp_special_days_t *s,
                     const pp_tariff_time_t *t, uint32_t *next_s);

/* Built-in tariff control tables referenced by Z13 (docs list them):
 * 1 = day/night (T1 Mon-Fri 06-22, else T2), 2 = four-band seasonal (T1 night,
 * T2 day, T3 winter peak 17-21, T4 summer peak 17-21, weekends T1/T2, fixed
 * holidays as Sundays). PP_ERR_NOT_FOUND for other numbers (the host config
 * supplies those). */
pp_err_t pp_calendar_preset(uint16_t number, pp_calendar_t *cal, pp_special_days_t *special);

/* Byte forms for permanent memory (and the fuzz target): the encoders
 * return the length written or PP_ERR_NOSPACE; the decoders check every
 * length and count, then the content (PP_ERR_MALFORMED, then as the checks
 * above). A calendar takes at most PP_CAL_BYTES_MAX bytes, special days
 * 1 + 7 * n (the index is kept modulo 256). */
#define PP_CAL_BYTES_MAX 1024u
int pp_calendar_encode(const pp_calendar_t *cal, uint8_t *buf, size_t cap);
pp_err_t pp_calendar_decode(const uint8_t *buf, size_t len, pp_calendar_t *cal);
int pp_special_days_encode(const pp_special_days_t *s, uint8_t *buf, size_t cap);
pp_err_t pp_special_days_decode(const uint8_t *buf, size_t len, pp_special_days_t *s);

/* ---- tariff control ---- */

typedef enum pp_tariff_source {
    PP_TARIFF_SINGLE = 0,   /* always T1 */
    PP_TARIFF_CALENDAR = 1, /* activity calendar (Z13) */
    PP_TARIFF_INPUT2 = 2,   /* one module input: inactive T1, active T2 */
    PP_TARIFF_INPUT4 = 3    /* two module inputs: T = 1 + io1 + 2 * io2 */
} pp_tariff_source_t;

typedef struct pp_tariff_config {
    pp_tariff_source_t source;
    uint8_t input2_io;   /* PP_TARIFF_INPUT2: 1 or 2 */
    uint8_t invert;      /* bit 0: I/O 1 active low, bit 1: I/O 2 active low */
} pp_tariff_config_t;

/* Z3 module function (00..28) and whether a Z13 table exists -> source. */
pp_err_t pp_tariff_config_from_z3(uint8_t z3, bool have_table, pp_tariff_config_t *out);

/* Tariff from the PP_IN_* input mask of the port. */
unsigned pp_tariff_from_inputs(const pp_tariff_config_t *cfg, uint32_t inputs);

typedef struct pp_tariff {
    pp_tariff_config_t cfg;
    pp_calendar_t active;
    pp_calendar_t passive;
    bool passive_set;            /* a passive calendar waits for activation */
    int64_t activate_utc_ms;     /* activate_passive_calendar_time */
    pp_special_days_t special;
    uint8_t current;             /* 1..4 */
    uint32_t switches;           /* tariff changes seen */
    int64_t next_eval_utc_ms;    /* calendar: evaluate again at or after this */
} pp_tariff_t;

/* cal and special may be NULL unless the source is the calendar. */
pp_err_t pp_tariff_init(pp_tariff_t *t, const pp_tariff_config_t *cfg,
                        const pp_calendar_t *cal, const pp_special_days_t *special);

/* True when pp_tariff_update needs local time at utc_ms (calendar source:
 * a switch, midnight or a UTC hour boundary — where DST changes — may have
 * passed; a passive calendar may be due). */
bool pp_tariff_needs_local(const pp_tariff_t *t, int64_t utc_ms);

/* Re-evaluates; local may be NULL when pp_tariff_needs_local() is false.
 * Returns the current tariff 1..4. */
int pp_tariff_update(pp_tariff_t *t, int64_t utc_ms, const pp_tariff_time_t *local,
                     uint32_t inputs);

/* The clock was set or the calendar changed: evaluate at the next update. */
void pp_tariff_invalidate(pp_tariff_t *t);

/* Class 20 writes: replace the passive calendar (checked) and its activation
 * time; activate it now. */
pp_err_t pp_tariff_set_passive(pp_tariff_t *t, const pp_calendar_t *cal, int64_t activate_utc_ms);
pp_err_t pp_tariff_activate_passive(pp_tariff_t *t);
/* Class 11 writes (checked against the active calendar). */
pp_err_t pp_tariff_set_special_days(pp_tariff_t *t, const pp_special_days_t *s);

/* Persistence of what DLMS may change (active and passive calendars, the
 * activation time, special days), tagged with the Z13 preset the meter was
 * configured with: one journal transaction. pp_tariff_load() replaces the
 * calendars with the stored ones when they were stored under the same
 * preset (a new order code wins over old changes); PP_ERR_NOT_FOUND when
 * nothing applicable is stored. */
pp_err_t pp_tariff_save(const pp_tariff_t *t, pp_journal_t *j, uint16_t preset);
pp_err_t pp_tariff_load(pp_tariff_t *t, pp_journal_t *j, uint16_t preset);

static inline unsigned pp_tariff_current(const pp_tariff_t *t)
{
    return t->current;
}

#endif
