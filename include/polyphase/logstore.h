/* Power-safe ring of fixed-size, time-ordered entries over one NVM region,
 * and the common reader every logger (load profile, analysis logger, event
 * logs) offers to the DLMS profile-generic class and the CSV export.
 *
 * On NVM an entry ("slot") is, little-endian:
 *   seq u32 | time i64 (ms) | payload (payload_len bytes) | crc u32
 * = 16 bytes of store overhead + payload. The CRC-32 (pp_crc32) covers a
 * caller tag, seq, time and payload; entry seq s always lives in slot
 * (s - 1) mod capacity, so slot and sequence check each other. A torn write
 * leaves a slot whose CRC fails: it is ignored, and everything appended
 * before it stays readable. When the ring is full, an append overwrites the
 * oldest entry (wrap-around keeps the newest).
 *
 * Recovery (pp_logstore_open) reads slot 0 and the last slot, then bisects
 * for the boundary between the newest lap and the one before it:
 * about log2(capacity) + 3 slot reads (16,800 slots: 18 reads), never the
 * whole region. Bisection assumes the only invalid slot inside the written
 * part is the one a power cut tore (the head); a slot rotted later is
 * skipped by readers.
 *
 * Times must not decrease (PP_ERR_RANGE), so a time-range read bisects too:
 * cost = O(log n) probes + one slot read per row returned. Evenly spaced
 * times (a periodic logger) are found first by interpolation, checked by
 * the two entries around the guess: 3 probes per end of the range.
 *
 * EEPROM geometry only (erase_size 0): flash would need erase-ahead spare
 * sectors (PP_ERR_UNSUPPORTED). Changing the tag empties the store: old
 * slots no longer verify (use it when a logger's layout or configuration
 * changes). Context is caller-owned; nothing is allocated. */
#ifndef POLYPHASE_LOGSTORE_H
#define POLYPHASE_LOGSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyphase/port.h"

#define PP_LOGSTORE_OVERHEAD 16u      /* seq + time + crc per entry */
#define PP_LOGSTORE_MAX_PAYLOAD 96u
#define PP_LOGSTORE_CHAIN 16u         /* slots one chained CRC check covers on a read */

typedef struct pp_logstore_stats {
    uint64_t slot_reads;   /* NVM reads of whole slots (rows and probes) */
    uint64_t nvm_reads;    /* nvm_read calls and nvm_map ranges */
    uint64_t appends;
    uint64_t bad_slots;    /* slots skipped because they failed verification */
} pp_logstore_stats_t;

typedef struct pp_logstore {
    const pp_port_t *port;
    uint32_t base;
    uint32_t capacity;     /* slots = most entries kept */
    uint32_t tag;
    uint32_t tag_crc;      /* CRC-32 register after the tag: every slot's CRC starts there */
    /* chain_crc[k-1]: the register after k intact slots run back to back from
     * tag_crc, the same for any content (CRC linearity) */
    uint32_t chain_crc[PP_LOGSTORE_CHAIN];
    uint16_t payload_len;
    uint16_t slot_len;
    uint32_t oldest_seq;   /* seq of the oldest readable entry */
    uint32_t next_seq;     /* seq the next append gets (first is 1) */
    int64_t last_time;     /* time of the newest entry */
    pp_logstore_stats_t stats;
} pp_logstore_t;

/* Slots of slot_len bytes (payload_len + 16) that fit in region_size. */
uint32_t pp_logstore_slots_for(uint32_t region_size, uint16_t payload_len);

/* Opens a store of capacity slots at base and recovers head and tail.
 * capacity * (payload_len + 16) must fit in the device; PP_ERR_ARG for
 * a bad geometry, payload_len 0 or > PP_LOGSTORE_MAX_PAYLOAD, capacity < 2. */
pp_err_t pp_logstore_open(pp_logstore_t *ls, const pp_port_t *port, uint32_t base,
                          uint32_t capacity, uint16_t payload_len, uint32_t tag);

/* Appends one entry (payload of payload_len bytes); committed when this
 * returns PP_OK. PP_ERR_RANGE when time is before the newest entry's. */
pp_err_t pp_logstore_append(pp_logstore_t *ls, int64_t time_ms, const void *payload);

uint32_t pp_logstore_count(const pp_logstore_t *ls);

/* Entry by position: index 0 = oldest, count-1 = newest. payload receives
 * payload_len bytes (may be NULL). PP_ERR_NOT_FOUND past the end,
 * PP_ERR_CORRUPT when the slot no longer verifies. */
pp_err_t pp_logstore_get(pp_logstore_t *ls, uint32_t index, int64_t *time_ms,
                         uint32_t *seq, void *payload);

/* First index whose time >= t (count when none). O(log n) slot reads
 * (3 when times are evenly spaced, at most 3 more otherwise). */
pp_err_t pp_logstore_lower_bound(pp_logstore_t *ls, int64_t t, uint32_t *index);

/* Time of the newest entry; PP_ERR_NOT_FOUND when empty. */
pp_err_t pp_logstore_newest_time(const pp_logstore_t *ls, int64_t *time_ms);

/* ------------------------------------------------------------------ */
/* The common reader (DLMS profile-generic semantics).                  */

#define PP_LOG_MAX_COLUMNS 24u

typedef enum pp_log_type {
    PP_LOG_TIME = 0, /* ms since 1970 on the logger's time scale */
    PP_LOG_U8,
    PP_LOG_U16,
    PP_LOG_U32,
    PP_LOG_I32,
    PP_LOG_I64
} pp_log_type_t;

typedef struct pp_log_column {
    const char *name;    /* CSV header and docs, e.g. "A+ (Wh)" */
    uint8_t type;        /* pp_log_type_t */
} pp_log_column_t;

typedef struct pp_log_cell {
    uint8_t type;        /* pp_log_type_t */
    uint8_t column;      /* 0-based column of the logger */
    int64_t value;
} pp_log_cell_t;

typedef struct pp_log_row {
    uint32_t seq;               /* store sequence number */
    uint32_t entry;             /* 1-based entry number, oldest = 1 */
    uint8_t ncells;             /* selected columns only, in column order */
    const pp_log_cell_t *cell;  /* valid during the callback only */
} pp_log_row_t;

/* Called once per row; return PP_OK to go on, a positive value to stop
 * early without error, or a negative pp_err_t to abort the read. */
typedef int (*pp_log_row_fn)(void *user, const pp_log_row_t *row);

/* Turns one stored entry into its cells (all columns, column order). */
typedef pp_err_t (*pp_log_decode_fn)(const void *logger, int64_t time_ms, const uint8_t *payload,
                                     pp_log_cell_t *cells);

/* A logger kept outside a log store (the debiting logger): the reader asks
 * it for its entries by index, 0 = oldest, in time order. */
typedef struct pp_log_source {
    uint32_t (*count)(void *ctx);
    uint32_t (*capacity)(void *ctx);
    /* Entry index: time on the logger's time scale, sequence number and the
     * cells of all columns. PP_ERR_CORRUPT: the entry is skipped. */
    pp_err_t (*row)(void *ctx, uint32_t index, int64_t *time_ms, uint32_t *seq,
                    pp_log_cell_t *cells);
} pp_log_source_t;

/* Where a stored entry keeps a column, for readers that encode straight
 * from the payload: width octets (1, 2, 4 or 8), little-endian, at offset;
 * width 0: no fixed place (the clock column is the entry's time). It says
 * what decode does for that column. */
typedef struct pp_log_field {
    uint8_t offset;
    uint8_t width;
} pp_log_field_t;

/* A readable logger: its store, columns and decoder, or (store NULL) a
 * source. Column 0 is the clock. */
typedef struct pp_log_view {
    pp_logstore_t *store;
    const void *logger;            /* passed to decode */
    const pp_log_column_t *columns;
    uint8_t ncolumns;
    pp_log_decode_fn decode;
    const pp_log_field_t *fields;  /* per column, or NULL (decode only) */
    const pp_log_source_t *source; /* with store NULL */
    void *source_ctx;
} pp_log_view_t;

/* Entries in use and the most the logger keeps (class 7 attributes 7, 8). */
uint32_t pp_log_view_count(const pp_log_view_t *view);
uint32_t pp_log_view_capacity(const pp_log_view_t *view);

typedef enum pp_log_by {
    PP_LOG_BY_ALL = 0,    /* every entry, oldest first */
    PP_LOG_BY_RANGE = 1,  /* range_descriptor: from <= clock <= to */
    PP_LOG_BY_ENTRY = 2   /* entry_descriptor */
} pp_log_by_t;

typedef struct pp_log_select {
    uint8_t by;            /* pp_log_by_t */
    bool newest_first;     /* entry numbering and row order from the newest */
    int64_t from_time, to_time;      /* BY_RANGE, inclusive */
    uint32_t from_entry, to_entry;   /* BY_ENTRY, 1-based; to_entry 0 = last */
    /* Columns: from_value..to_value, 1-based, to_value 0 = last column
     * (entry_descriptor); or a mask of 0-based columns when mask != 0
     * (range_descriptor selected_values). All zero = every column. */
    uint16_t from_value, to_value;
    uint32_t mask;
    /* Store reads: rows the caller expects to take; the reader fetches up
     * to that many consecutive slots in one NVM read (0 or 1: one slot per
     * read). Every entry is still verified; slots read count in stats. */
    uint16_t ahead;
} pp_log_select_t;

/* Emits the selected rows to fn in order. Returns the number of rows
 * emitted, or a negative pp_err_t (PP_ERR_RANGE for a selection outside
 * the logger's columns or from_entry > to_entry). An empty result is 0. */
int pp_log_read(const pp_log_view_t *view, const pp_log_select_t *sel, pp_log_row_fn fn,
                void *user);

/* A stored entry as it lies in its slot (verified: seq and CRC). */
typedef struct pp_log_entry {
    uint32_t seq;
    uint32_t entry;             /* 1-based entry number, oldest = 1 */
    int64_t time;
    const uint8_t *payload;     /* valid during the callback only */
} pp_log_entry_t;

/* Consecutive intact entries of a store read, in read order, as they lie
 * in the slots read (valid during the callback only). */
typedef struct pp_log_run {
    uint32_t seq;             /* of the first entry */
    uint32_t entry;           /* its 1-based entry number */
    int32_t step;             /* seq and entry of each next one: +1, or -1 newest first */
    uint32_t n;               /* entries, >= 1 */
    const uint8_t *time;      /* the first entry's time (i64, little-endian) */
    const uint8_t *payload;   /* and payload */
    int32_t stride;           /* octets from one entry's time or payload to the next's */
} pp_log_run_t;

/* The k-th entry (0-based) of a run. */
pp_log_entry_t pp_log_run_entry(const pp_log_run_t *run, uint32_t k);

/* Return PP_OK to take the whole run and go on, k in 1..n to stop after
 * its first k entries, or a negative pp_err_t to abort the read. */
typedef int (*pp_log_run_fn)(void *user, const pp_log_run_t *run);

/* pp_log_read for a store view, handing out the entries undecoded, in
 * runs of consecutive intact ones (a corrupt one is skipped between runs;
 * the caller selects columns itself, see pp_log_select_mask and view
 * fields). Returns the entries taken. PP_ERR_ARG for a view without a store. */
int pp_log_read_runs(const pp_log_view_t *view, const pp_log_select_t *sel, pp_log_run_fn fn,
                     void *user);

/* The 0-based columns sel selects (PP_ERR_RANGE outside the logger's). */
pp_err_t pp_log_select_mask(const pp_log_view_t *view, const pp_log_select_t *sel, uint32_t *mask);

/* Room for one decoded row. */
typedef struct pp_log_row_buf {
    pp_log_cell_t all[PP_LOG_MAX_COLUMNS];
    pp_log_cell_t sel[PP_LOG_MAX_COLUMNS];
} pp_log_row_buf_t;

/* An entry decoded into the row pp_log_read would give for columns mask
 * (cells in buf). */
pp_err_t pp_log_entry_row(const pp_log_view_t *view, const pp_log_entry_t *e, uint32_t mask,
                          pp_log_row_buf_t *buf, pp_log_row_t *row);

#endif
