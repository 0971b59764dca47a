/* Event logs and per-code counters. Layout and rules: polyphase/events.h. */
#include "polyphase/events.h"

#include <string.h>

#include "core/le.h"
#include "polyphase/nvm_keys.h"

#define PAYLOAD 18u /* code u16, v1 i64, v2 i64 */
#define MS 1000LL

static const pp_ev_code_info_t codes[PP_EV_NCODES] = {
    {PP_EV_POWER_DOWN, PP_EVLOG_STANDARD, "Power down", "", ""},
    {PP_EV_POWER_UP, PP_EVLOG_STANDARD, "Power up", "outage duration (s)", ""},
    {PP_EV_DST_CHANGED, PP_EVLOG_STANDARD, "Daylight saving enabled or disabled", "1 = enabled", ""},
    {PP_EV_CLOCK_INVALID, PP_EVLOG_STANDARD, "Clock invalid", "", ""},
    {PP_EV_ERROR_REG_CLEARED, PP_EVLOG_STANDARD, "Error register cleared", "", ""},
    {PP_EV_NVM_ERROR, PP_EVLOG_STANDARD, "NV memory error", "pp_err_t", ""},
    {PP_EV_WATCHDOG, PP_EVLOG_STANDARD, "Watchdog error", "", ""},
    {PP_EV_MEASUREMENT_ERROR, PP_EVLOG_STANDARD, "Measurement system error", "", ""},
    {PP_EV_CONFIG_CHANGED, PP_EVLOG_STANDARD, "Configuration changed", "setting id", ""},
    {PP_EV_CLOCK_ADJUSTED, PP_EVLOG_CLOCK, "Clock adjusted", "old time", "new time"},
    {PP_EV_FW_READY, PP_EVLOG_FIRMWARE, "Firmware ready for activation", "image id", ""},
    {PP_EV_FW_ACTIVATED, PP_EVLOG_FIRMWARE, "Firmware activated", "old id", "new id"},
    {PP_EV_FW_VERIFY_FAILED, PP_EVLOG_FIRMWARE, "Firmware verification failed", "image id", ""},
    {PP_EV_TERMINAL_COVER_OPENED, PP_EVLOG_FRAUD, "Terminal cover removed", "", ""},
    {PP_EV_TERMINAL_COVER_CLOSED, PP_EVLOG_FRAUD, "Terminal cover closed", "open for (s)", ""},
    {PP_EV_MAGNET_DETECTED, PP_EVLOG_FRAUD, "Strong DC field (magnet) detected", "", ""},
    {PP_EV_MAGNET_GONE, PP_EVLOG_FRAUD, "No strong DC field anymore", "duration (s)", ""},
    {PP_EV_METER_COVER_OPENED, PP_EVLOG_FRAUD, "Meter cover removed", "", ""},
    {PP_EV_METER_COVER_CLOSED, PP_EVLOG_FRAUD, "Meter cover closed", "open for (s)", ""},
    {PP_EV_AUTH_FAILURE, PP_EVLOG_COMM, "Association authentication failure", "client SAP",
     "channel"},
    {PP_EV_DECRYPT_FAILURE, PP_EVLOG_COMM, "Decryption or authentication failure", "client SAP",
     "channel"},
    {PP_EV_REPLAY, PP_EVLOG_COMM, "Replay attack", "client SAP", "channel"},
    {PP_EV_ASSOC_LOCKED, PP_EVLOG_COMM, "Association locked after repeated failures",
     "client SAP", "channel"},
    {PP_EV_SECRET_CHANGED, PP_EVLOG_COMM, "Security key or password changed", "client SAP",
     "channel"},
    {PP_EV_MANUAL_DISCONNECT, PP_EVLOG_DISCONNECT, "Manual disconnection", "power (W)", ""},
    {PP_EV_MANUAL_CONNECT, PP_EVLOG_DISCONNECT, "Manual connection", "power (W)", ""},
    {PP_EV_REMOTE_DISCONNECT, PP_EVLOG_DISCONNECT, "Remote disconnection", "power (W)", ""},
    {PP_EV_REMOTE_CONNECT, PP_EVLOG_DISCONNECT, "Remote connection", "power (W)", ""},
    {PP_EV_LOCAL_DISCONNECT, PP_EVLOG_DISCONNECT, "Local disconnection", "power (W)", "limit (W)"},
    {PP_EV_LIMITER_EXCEEDED, PP_EVLOG_DISCONNECT, "Limiter threshold exceeded", "power (W)",
     "limit (W)"},
    {PP_EV_LIMITER_OK, PP_EVLOG_DISCONNECT, "Limiter threshold ok", "power (W)", "limit (W)"},
    {PP_EV_SAG_L1, PP_EVLOG_PQ, "Under voltage (sag) L1", "min voltage (mV)", "duration (ms)"},
    {PP_EV_SAG_L2, PP_EVLOG_PQ, "Under voltage (sag) L2", "min voltage (mV)", "duration (ms)"},
    {PP_EV_SAG_L3, PP_EVLOG_PQ, "Under voltage (sag) L3", "min voltage (mV)", "duration (ms)"},
    {PP_EV_SWELL_L1, PP_EVLOG_PQ, "Over voltage (swell) L1", "max voltage (mV)", "duration (ms)"},
    {PP_EV_SWELL_L2, PP_EVLOG_PQ, "Over voltage (swell) L2", "max voltage (mV)", "duration (ms)"},
    {PP_EV_SWELL_L3, PP_EVLOG_PQ, "Over voltage (swell) L3", "max voltage (mV)", "duration (ms)"},
    {PP_EV_MISSING_L1, PP_EVLOG_PQ, "Missing voltage (interruption) L1", "min voltage (mV)", ""},
    {PP_EV_MISSING_L2, PP_EVLOG_PQ, "Missing voltage (interruption) L2", "min voltage (mV)", ""},
    {PP_EV_MISSING_L3, PP_EVLOG_PQ, "Missing voltage (interruption) L3", "min voltage (mV)", ""},
    {PP_EV_NORMAL_L1, PP_EVLOG_PQ, "Voltage normal L1", "", "event duration (ms)"},
    {PP_EV_NORMAL_L2, PP_EVLOG_PQ, "Voltage normal L2", "", "event duration (ms)"},
    {PP_EV_NORMAL_L3, PP_EVLOG_PQ, "Voltage normal L3", "", "event duration (ms)"},
    {PP_EV_MISSING_NEUTRAL, PP_EVLOG_PQ, "Missing neutral", "", ""},
    {PP_EV_POWER_FAIL_SHORT, PP_EVLOG_POWER_FAIL, "Short power failure (<= 3 min)", "start",
     "duration (s)"},
    {PP_EV_POWER_FAIL_LONG, PP_EVLOG_POWER_FAIL, "Long power failure (> 3 min)", "start",
     "duration (s)"},
};

/* Entries per log: 2,600 x 34 B = 88,400 B of the 128 KiB region. */
static const uint16_t capacity[PP_EVLOG_COUNT] = {500, 300, 600, 300, 200, 100, 300, 300};

static const char *const log_names[PP_EVLOG_COUNT] = {
    "standard", "fraud", "power-quality", "disconnect",
    "clock", "firmware", "power-failure", "communication"};

/* Columns per log: clock, code, v1, v2 (names say what the values are). */
static const pp_log_column_t columns[PP_EVLOG_COUNT][4] = {
    {{"clock", PP_LOG_TIME}, {"code", PP_LOG_U16}, {"value1", PP_LOG_I64}, {"value2", PP_LOG_I64}},
    {{"clock", PP_LOG_TIME}, {"code", PP_LOG_U16}, {"duration (s)", PP_LOG_I64},
     {"value2", PP_LOG_I64}},
    {{"clock", PP_LOG_TIME}, {"code", PP_LOG_U16}, {"voltage (mV)", PP_LOG_I64},
     {"duration (ms)", PP_LOG_I64}},
    {{"clock", PP_LOG_TIME}, {"code", PP_LOG_U16}, {"power (W)", PP_LOG_I64},
     {"limit (W)", PP_LOG_I64}},
    {{"clock", PP_LOG_TIME}, {"code", PP_LOG_U16}, {"old time", PP_LOG_TIME},
     {"new time", PP_LOG_TIME}},
    {{"clock", PP_LOG_TIME}, {"code", PP_LOG_U16}, {"old id", PP_LOG_I64}, {"new id", PP_LOG_I64}},
    {{"clock", PP_LOG_TIME}, {"code", PP_LOG_U16}, {"start", PP_LOG_TIME},
     {"duration (s)", PP_LOG_I64}},
    {{"clock", PP_LOG_TIME}, {"code", PP_LOG_U16}, {"client SAP", PP_LOG_I64},
     {"channel", PP_LOG_I64}},
};

uint32_t pp_events_capacity(pp_evlog_t log)
{
    return (unsigned)log < PP_EVLOG_COUNT ? capacity[log] : 0;
}

static int code_index(uint16_t code)
{
    for (unsigned i = 0; i < PP_EV_NCODES; i++) {
        if (codes[i].code == code) {
            return (int)i;
        }
    }
    return -1;
}

const pp_ev_code_info_t *pp_events_code_info(uint16_t code)
{
    int i = code_index(code);
    return i < 0 ? NULL : &codes[i];
}

const pp_ev_code_info_t *pp_events_code_at(unsigned i)
{
    return i < PP_EV_NCODES ? &codes[i] : NULL;
}

const char *pp_events_log_name(pp_evlog_t log)
{
    return (unsigned)log < PP_EVLOG_COUNT ? log_names[log] : "?";
}

/* Journal record of a log: counted seq, then the counts of its codes in
 * table order. */
static uint16_t record_of(const pp_events_t *ev, unsigned log, uint8_t *buf)
{
    uint16_t n = 4;
    pp_le_put32(buf, ev->counted_seq[log]);
    for (unsigned i = 0; i < PP_EV_NCODES; i++) {
        if (codes[i].log == log) {
            pp_le_put32(buf + n, ev->count[i]);
            n += 4;
        }
    }
    return n;
}

static pp_err_t save_counts(pp_events_t *ev, unsigned log)
{
    if (ev->journal == NULL) {
        return PP_OK;
    }
    uint8_t buf[4 + 4 * PP_EV_MAX_PER_LOG];
    uint16_t n = record_of(ev, log, buf);
    return pp_journal_write(ev->journal, (uint16_t)(PP_KEY_EVENTS_BASE + log), buf, n);
}

static pp_err_t load_counts(pp_events_t *ev, unsigned log)
{
    uint8_t buf[4 + 4 * PP_EV_MAX_PER_LOG];
    uint16_t n = record_of(ev, log, buf); /* length only */
    if (ev->journal == NULL) {
        return PP_OK;
    }
    pp_err_t rc = pp_journal_read(ev->journal, (uint16_t)(PP_KEY_EVENTS_BASE + log), buf, n);
    /* A record written before codes were appended to this log is shorter:
     * the new codes start at zero. */
    for (uint16_t len = n; rc == PP_ERR_RANGE && len > 8; ) {
        len = (uint16_t)(len - 4);
        memset(buf, 0, sizeof buf);
        rc = pp_journal_read(ev->journal, (uint16_t)(PP_KEY_EVENTS_BASE + log), buf, len);
    }
    if (rc == PP_ERR_NOT_FOUND) {
        return PP_OK;
    }
    PP_TRY(rc);
    ev->counted_seq[log] = pp_le_get32(buf);
    uint16_t off = 4;
    for (unsigned i = 0; i < PP_EV_NCODES; i++) {
        if (codes[i].log == log) {
            ev->count[i] = pp_le_get32(buf + off);
            off += 4;
        }
    }
    return PP_OK;
}

/* Counts entries the journal had not counted yet (cut between the two). */
static pp_err_t catch_up(pp_events_t *ev, unsigned log)
{
    pp_logstore_t *ls = &ev->log[log];
    uint32_t newest = ls->next_seq - 1u;
    if (pp_logstore_count(ls) == 0 || ev->counted_seq[log] >= newest) {
        return PP_OK;
    }
    uint32_t from = ev->counted_seq[log] + 1u;
    if (from < ls->oldest_seq) {
        from = ls->oldest_seq;
    }
    for (uint32_t seq = from; seq <= newest; seq++) {
        uint8_t p[PAYLOAD];
        if (pp_logstore_get(ls, seq - ls->oldest_seq, NULL, NULL, p) == PP_OK) {
            int i = code_index((uint16_t)(p[0] | p[1] << 8));
            if (i >= 0) {
                ev->count[i]++;
            }
        }
    }
    ev->counted_seq[log] = newest;
    return save_counts(ev, log);
}

pp_err_t pp_events_init(pp_events_t *ev, const pp_port_t *port, uint32_t base, uint32_t size,
                        pp_journal_t *journal)
{
    PP_VERIFY(ev != NULL && port != NULL, PP_ERR_ARG);
    memset(ev, 0, sizeof(*ev));
    ev->journal = journal;
    uint32_t off = 0;
    for (unsigned l = 0; l < PP_EVLOG_COUNT; l++) {
        uint32_t bytes = (uint32_t)capacity[l] * (PAYLOAD + PP_LOGSTORE_OVERHEAD);
        PP_VERIFY(off + bytes <= size, PP_ERR_ARG);
        PP_TRY(pp_logstore_open(&ev->log[l], port, base + off, capacity[l], PAYLOAD,
                                0x45560000u | l));
        off += bytes;
        PP_TRY(load_counts(ev, l));
        PP_TRY(catch_up(ev, l));
    }
    return PP_OK;
}

pp_err_t pp_events_record(pp_events_t *ev, int64_t std_ms, uint16_t code, int64_t v1, int64_t v2)
{
    PP_VERIFY(ev != NULL, PP_ERR_ARG);
    int i = code_index(code);
    PP_VERIFY(i >= 0, PP_ERR_RANGE);
    unsigned log = codes[i].log;
    pp_logstore_t *ls = &ev->log[log];
    int64_t newest;
    if (pp_logstore_newest_time(ls, &newest) == PP_OK && std_ms < newest) {
        std_ms = newest; /* clock was set back: rows stay ordered */
    }
    uint8_t p[PAYLOAD];
    p[0] = (uint8_t)code;
    p[1] = (uint8_t)(code >> 8);
    pp_le_put64(p + 2, (uint64_t)v1);
    pp_le_put64(p + 10, (uint64_t)v2);
    PP_TRY(pp_logstore_append(ls, std_ms, p));
    ev->count[i]++;
    ev->counted_seq[log] = ls->next_seq - 1u;
    return save_counts(ev, log);
}

pp_err_t pp_events_clock_adjusted(pp_events_t *ev, int64_t old_std_ms, int64_t new_std_ms)
{
    return pp_events_record(ev, new_std_ms, PP_EV_CLOCK_ADJUSTED, old_std_ms, new_std_ms);
}

pp_err_t pp_events_power_failure(pp_events_t *ev, int64_t start_std_ms, int64_t end_std_ms)
{
    PP_VERIFY(end_std_ms >= start_std_ms, PP_ERR_RANGE);
    int64_t dur_s = (end_std_ms - start_std_ms) / MS;
    PP_TRY(pp_events_record(ev, start_std_ms, PP_EV_POWER_DOWN, 0, 0));
    PP_TRY(pp_events_record(ev, end_std_ms, PP_EV_POWER_UP, dur_s, 0));
    uint16_t code = dur_s <= PP_EV_SHORT_MAX_S ? PP_EV_POWER_FAIL_SHORT : PP_EV_POWER_FAIL_LONG;
    return pp_events_record(ev, end_std_ms, code, start_std_ms, dur_s);
}

uint32_t pp_events_count(const pp_events_t *ev, uint16_t code)
{
    int i = code_index(code);
    return ev == NULL || i < 0 ? 0 : ev->count[i];
}

static pp_err_t ev_decode(const void *logger, int64_t t, const uint8_t *p, pp_log_cell_t *cells)
{
    const pp_log_column_t *cols = logger;
    cells[0] = (pp_log_cell_t){PP_LOG_TIME, 0, t};
    cells[1] = (pp_log_cell_t){PP_LOG_U16, 1, (int64_t)(p[0] | p[1] << 8)};
    cells[2] = (pp_log_cell_t){cols[2].type, 2, (int64_t)pp_le_get64(p + 2)};
    cells[3] = (pp_log_cell_t){cols[3].type, 3, (int64_t)pp_le_get64(p + 10)};
    return PP_OK;
}

pp_err_t pp_events_view(pp_events_t *ev, pp_evlog_t log, pp_log_view_t *view)
{
    PP_VERIFY(ev != NULL && view != NULL && (unsigned)log < PP_EVLOG_COUNT, PP_ERR_ARG);
    view->store = &ev->log[log];
    view->logger = columns[log];
    view->columns = columns[log];
    view->ncolumns = 4;
    view->decode = ev_decode;
    view->fields = NULL;
    view->source = NULL;
    view->source_ctx = NULL;
    return PP_OK;
}
