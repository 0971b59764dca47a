/* The A-XDR of profile rows (class 7 buffer) from a fixed layout: every
 * logger cell type has one fixed-size encoding, so the rows of one read all
 * have the same length and tags. The layout is worked out from the first
 * row; each row is then written in one pass with one room check, instead
 * of cell by cell through the A-XDR writer and the piece buffer. A plan
 * does the same straight from stored payloads (the view's fields), a run
 * of rows at a time. Private to src/dlms (class_profile.c), tested by
 * test_profile_row and test_dlms_classes (both paths, same Data). */
#ifndef PP_DLMS_PROFILE_ROW_H
#define PP_DLMS_PROFILE_ROW_H

#include <stdbool.h>
#include <stdint.h>

#include "polyphase/logstore.h"
#include "polyphase/row_layout.h"

#define PP_ROW_DT_OCTETS 12u

/* A date-time cell's 12 octets; false when the stamp has no valid COSEM
 * date-time (the caller then encodes the row the general way). */
typedef bool (*pp_row_dt_fn)(void *user, int64_t stamp, uint8_t out[PP_ROW_DT_OCTETS]);

#define PP_ROW_MS_DAY 86400000LL

/* The day of the last date-time written (rows of one day share it): a
 * stamp in [base, base + 1 day) is its octets with the time of day. */
typedef struct pp_row_day {
    bool valid;                      /* known, and the date passes the checks */
    int64_t base;                    /* stamp - base = ms into the day */
    uint8_t os[PP_ROW_DT_OCTETS];    /* the day's date-time packed */
} pp_row_day_t;

/* os with hour, minute, second and hundredths of ms into the day. */
void pp_row_dt_patch(uint8_t out[PP_ROW_DT_OCTETS], const uint8_t os[PP_ROW_DT_OCTETS], uint32_t ms);

/* The layout of rows shaped like row; divide_pow10 per logger column (as
 * pp_dlms_profile_t has it). False for a cell type without a fixed size. */
bool pp_row_layout_init(pp_row_layout_t *l, const pp_log_row_t *row,
                        const int8_t divide_pow10[PP_LOG_MAX_COLUMNS]);

/* Writes row, l->len octets, at out (room checked by the caller):
 * structure, then each cell as the general encoder would put it. False
 * when the row's cells (types, columns) are not the layout's or a
 * date-time does not convert. */
bool pp_row_layout_put(const pp_row_layout_t *l, const pp_log_row_t *row, pp_row_dt_fn dt,
                       void *user, uint8_t *out);

/* A plan: the layout of rows of columns mask written straight from a
 * view's stored payloads, where its fields say each column lies. False
 * when a column has no fixed place or its width is not its type's. */
bool pp_row_plan_init(pp_row_layout_t *l, const pp_log_view_t *v, uint32_t mask,
                      const int8_t divide_pow10[PP_LOG_MAX_COLUMNS]);

/* Writes rows from..from+m-1 of run (m at most what is left) at out,
 * l->len octets each (room checked by the caller): the octets
 * pp_row_layout_put gives for the decoded rows. A stamp outside day goes
 * through dt, which moves day on. Returns the rows written: fewer than m
 * when a date-time does not convert (that row then goes the general way). */
uint32_t pp_row_plan_rows(const pp_row_layout_t *l, const pp_log_run_t *run, uint32_t from,
                          uint32_t m, pp_row_day_t *day, pp_row_dt_fn dt, void *user, uint8_t *out);

#endif
