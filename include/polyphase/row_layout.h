/* The fixed A-XDR layout of profile rows (class 7 buffer) that
 * src/dlms/profile_row.c writes rows by; public only so the DLMS server
 * can keep the last one it worked out (dlms_server.h). */
#ifndef PP_ROW_LAYOUT_H
#define PP_ROW_LAYOUT_H

#include <stdint.h>

#include "polyphase/logstore.h"

/* A plan's step: one cell, or a run of count U32 cells of one unit lying
 * back to back in the payload. */
typedef struct pp_row_op {
    uint8_t type;  /* pp_log_type_t */
    uint8_t count;
    uint8_t src;   /* payload offset */
    int8_t pow10;
    uint16_t dst;  /* offset of the (first) cell's tag in the row */
} pp_row_op_t;

typedef struct pp_row_layout {
    uint8_t ncells;
    uint8_t type[PP_LOG_MAX_COLUMNS];   /* pp_log_type_t of each cell */
    uint8_t column[PP_LOG_MAX_COLUMNS]; /* the logger column it comes from */
    int8_t pow10[PP_LOG_MAX_COLUMNS];   /* U32 cells: divided by 10^n (the unit) */
    uint8_t nops;                       /* plans: steps from the payload */
    pp_row_op_t op[PP_LOG_MAX_COLUMNS];
    uint16_t len;                       /* octets of every row */
} pp_row_layout_t;

#endif
