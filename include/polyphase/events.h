/* Event logs: eight separate logs as real meters keep them, each a
 * pp_logstore ring in the PP_NVM_EVENTS region, written when the event
 * happens (persisted at once), readable through pp_log_read.
 *
 * Entry (34 bytes on NVM): seq u32 | time i64 | code u16 | v1 i64 | v2 i64 |
 * crc u32. Time is standard time (UTC + Z11 offset, no DST) in ms. Rows of
 * a log never go back in time: an event stamped before the newest row (the
 * clock was set back) is stored with the newest row's time; the clock log
 * keeps the true old and new times in its values.
 *
 * Event codes follow the DLMS UA / IDIS event numbering where one exists;
 * 200..255 are Polyphase's own. Full list with the meaning of v1/v2:
 * docs/profiles-and-logs.md and pp_events_code_info().
 *
 * Counters per event code survive restarts: a journal record per log holds
 * the counts and the newest sequence number counted; at init, entries
 * appended after it (a power cut between the entry and the counter write)
 * are counted again from the log, so counters never lag the log. */
#ifndef POLYPHASE_EVENTS_H
#define POLYPHASE_EVENTS_H

#include <stdint.h>

#include "polyphase/journal.h"
#include "polyphase/logstore.h"

typedef enum pp_evlog {
    PP_EVLOG_STANDARD = 0,   /* 1.1.99.98.0.255 */
    PP_EVLOG_FRAUD = 1,      /* 1.1.99.98.1.255 tamper: covers, magnet */
    PP_EVLOG_PQ = 2,         /* 1.1.99.98.4.255 sags, swells, interruptions */
    PP_EVLOG_DISCONNECT = 3, /* 1.1.99.98.5.255 */
    PP_EVLOG_CLOCK = 4,      /* 1.1.99.98.3.255 old and new time */
    PP_EVLOG_FIRMWARE = 5,   /* 1.1.99.98.6.255 */
    PP_EVLOG_POWER_FAIL = 6, /* 1.1.99.97.0.255 start, duration */
    PP_EVLOG_COMM = 7,       /* 1.1.99.98.7.255 communication security */
    PP_EVLOG_COUNT
} pp_evlog_t;

enum {
    /* standard */
    PP_EV_POWER_DOWN = 1,
    PP_EV_POWER_UP = 2,            /* v1 outage duration s */
    PP_EV_DST_CHANGED = 3,         /* v1 1 = enabled, 0 = disabled */
    PP_EV_CLOCK_INVALID = 6,
    PP_EV_ERROR_REG_CLEARED = 10,
    PP_EV_NVM_ERROR = 14,
    PP_EV_WATCHDOG = 15,
    PP_EV_MEASUREMENT_ERROR = 16,
    PP_EV_CONFIG_CHANGED = 200,    /* v1 journal key or setting id */
    /* clock */
    PP_EV_CLOCK_ADJUSTED = 5,      /* v1 old time, v2 new time (std ms) */
    /* firmware */
    PP_EV_FW_READY = 17,           /* v1 image identifier (32 bits) */
    PP_EV_FW_ACTIVATED = 18,       /* v1 old identifier, v2 new */
    PP_EV_FW_VERIFY_FAILED = 201,  /* v1 image identifier */
    /* fraud */
    PP_EV_TERMINAL_COVER_OPENED = 40,
    PP_EV_TERMINAL_COVER_CLOSED = 41,
    PP_EV_MAGNET_DETECTED = 42,    /* IDIS "strong DC field detected" */
    PP_EV_MAGNET_GONE = 43,        /* v1 duration s */
    PP_EV_METER_COVER_OPENED = 44,
    PP_EV_METER_COVER_CLOSED = 45,
    /* communication security: v1 client SAP, v2 channel (pp_channel_t) */
    PP_EV_AUTH_FAILURE = 46,
    PP_EV_DECRYPT_FAILURE = 49,
    PP_EV_REPLAY = 50,
    PP_EV_ASSOC_LOCKED = 202,      /* association refused for a while after failures */
    PP_EV_SECRET_CHANGED = 203,    /* key or password changed over DLMS */
    /* disconnect: v1 active power W at the moment, v2 limit W (limiter) */
    PP_EV_MANUAL_DISCONNECT = 60,
    PP_EV_MANUAL_CONNECT = 61,
    PP_EV_REMOTE_DISCONNECT = 62,
    PP_EV_REMOTE_CONNECT = 63,
    PP_EV_LOCAL_DISCONNECT = 64,
    PP_EV_LIMITER_EXCEEDED = 65,
    PP_EV_LIMITER_OK = 66,
    /* power quality: v1 extreme RMS voltage mV, v2 duration ms */
    PP_EV_SAG_L1 = 76, PP_EV_SAG_L2 = 77, PP_EV_SAG_L3 = 78,       /* IDIS under voltage */
    PP_EV_SWELL_L1 = 79, PP_EV_SWELL_L2 = 80, PP_EV_SWELL_L3 = 81, /* IDIS over voltage */
    PP_EV_MISSING_L1 = 82, PP_EV_MISSING_L2 = 83, PP_EV_MISSING_L3 = 84, /* interruption */
    PP_EV_NORMAL_L1 = 85, PP_EV_NORMAL_L2 = 86, PP_EV_NORMAL_L3 = 87,
    PP_EV_MISSING_NEUTRAL = 210,
    /* power failure: v1 start time (std ms), v2 duration s */
    PP_EV_POWER_FAIL_SHORT = 220,  /* <= 3 min (EN 50160 short interruption) */
    PP_EV_POWER_FAIL_LONG = 221    /* > 3 min (EN 50160 long interruption) */
};

#define PP_EV_SHORT_MAX_S 180      /* EN 50160: short interruptions last up to 3 min */
#define PP_EV_NCODES 46u           /* entries of the code table */
#define PP_EV_MAX_PER_LOG 16u

typedef struct pp_ev_code_info {
    uint16_t code;
    uint8_t log;          /* pp_evlog_t */
    const char *name;
    const char *v1, *v2;  /* meaning of the values ("" = unused) */
} pp_ev_code_info_t;

typedef struct pp_events {
    pp_logstore_t log[PP_EVLOG_COUNT];
    pp_journal_t *journal;          /* NULL: counters kept in RAM only */
    uint32_t counted_seq[PP_EVLOG_COUNT];
    uint32_t count[PP_EV_NCODES];   /* by position in the code table */
} pp_events_t;

/* Capacity (entries) of each log; all fit PP_NVM_EVENTS_SIZE. */
uint32_t pp_events_capacity(pp_evlog_t log);
/* The code table entry; NULL for an unknown code. */
const pp_ev_code_info_t *pp_events_code_info(uint16_t code);
/* Position i (0..PP_EV_NCODES-1) of the table, for listing. */
const pp_ev_code_info_t *pp_events_code_at(unsigned i);
const char *pp_events_log_name(pp_evlog_t log);

/* Opens every log in [base, base+size) and restores the counters from the
 * journal (may be NULL). */
pp_err_t pp_events_init(pp_events_t *ev, const pp_port_t *port, uint32_t base, uint32_t size,
                        pp_journal_t *journal);

/* Records one event in its code's log and counts it. PP_ERR_RANGE for an
 * unknown code. */
pp_err_t pp_events_record(pp_events_t *ev, int64_t std_ms, uint16_t code, int64_t v1, int64_t v2);

/* Clock set from old to new (standard time ms): one clock-log entry. */
pp_err_t pp_events_clock_adjusted(pp_events_t *ev, int64_t old_std_ms, int64_t new_std_ms);

/* Power was lost at start and returned at end (standard time ms): power
 * down and power up in the standard log, a short or long failure (by
 * PP_EV_SHORT_MAX_S) with start and duration in the power-failure log. */
pp_err_t pp_events_power_failure(pp_events_t *ev, int64_t start_std_ms, int64_t end_std_ms);

/* How many times code was recorded since the meter was made. */
uint32_t pp_events_count(const pp_events_t *ev, uint16_t code);

/* Reader view of one log: columns clock, code, v1, v2. */
pp_err_t pp_events_view(pp_events_t *ev, pp_evlog_t log, pp_log_view_t *view);

#endif
