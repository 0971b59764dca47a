/* A-XDR (IEC 61334-6) encoding of COSEM data, over caller-owned buffers.
 *
 * Reading: a pp_axdr_rd_t cursor {buf, pos, end, depth, max_depth} over bytes
 * the caller owns. Every decoded octet-/visible-/utf8-/bit-string and every
 * raw region points INTO that buffer: it stays valid only while the caller
 * keeps the buffer unchanged. Nothing is copied, nothing allocated.
 * On error a reader returns a negative pp_err_t and leaves pos somewhere
 * inside the failing item (never past end); the error says what failed:
 *   PP_ERR_TRUNCATED  the value runs past end
 *   PP_ERR_MALFORMED  unknown tag, non-minimal or impossible length
 *   PP_ERR_UNSUPPORTED a standard tag we do not implement (floating-point 7,
 *                      delta types 28..33)
 *   PP_ERR_DEPTH      arrays/structures nested deeper than max_depth
 *   PP_ERR_RANGE      a field outside its allowed range (date-time fields)
 *   PP_ERR_MALFORMED  (typed getters) a different tag than the one expected
 *
 * Writing: a pp_axdr_wr_t {buf, pos, cap}. A writer that does not fit
 * returns PP_ERR_NOSPACE, writes nothing and leaves pos unchanged.
 * Encodings are the minimal canonical ones (shortest length form). */
#ifndef POLYPHASE_AXDR_H
#define POLYPHASE_AXDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyphase/dlms_const.h"
#include "polyphase/error.h"

/* Default nesting cap for arrays/structures/compact-array descriptions. */
#define PP_AXDR_MAX_DEPTH 16u
/* Largest length we accept (4 length octets would allow more; no APDU of
 * ours gets near this, and it keeps size_t arithmetic safe on 32-bit). */
#define PP_AXDR_MAX_LEN 0x00FFFFFFul

typedef struct pp_axdr_rd {
    const uint8_t *buf;
    size_t pos;
    size_t end;
    uint8_t depth;
    uint8_t max_depth;
} pp_axdr_rd_t;

typedef struct pp_axdr_wr {
    uint8_t *buf;
    size_t pos;
    size_t cap;
} pp_axdr_wr_t;

void pp_axdr_rd_init(pp_axdr_rd_t *rd, const uint8_t *buf, size_t len);
void pp_axdr_wr_init(pp_axdr_wr_t *wr, uint8_t *buf, size_t cap);
static inline size_t pp_axdr_remaining(const pp_axdr_rd_t *rd)
{
    return rd->end - rd->pos;
}

/* ---- primitive octets and lengths --------------------------------------- */
pp_err_t pp_axdr_get_byte(pp_axdr_rd_t *rd, uint8_t *out);
pp_err_t pp_axdr_get_be(pp_axdr_rd_t *rd, unsigned nbytes, uint64_t *out);
/* n raw octets; *out points into the input buffer. */
pp_err_t pp_axdr_get_raw(pp_axdr_rd_t *rd, size_t n, const uint8_t **out);
/* A-XDR length: 0..127 in one octet, else 0x80|k then k octets (k 1..4),
 * minimal form only, and at most PP_AXDR_MAX_LEN. */
pp_err_t pp_axdr_get_length(pp_axdr_rd_t *rd, uint32_t *out);
/* Octets a length takes on the wire (1..5). */
size_t pp_axdr_length_size(uint32_t len);

pp_err_t pp_axdr_put_byte(pp_axdr_wr_t *wr, uint8_t b);
pp_err_t pp_axdr_put_be(pp_axdr_wr_t *wr, unsigned nbytes, uint64_t v);
pp_err_t pp_axdr_put_raw(pp_axdr_wr_t *wr, const void *p, size_t n);
pp_err_t pp_axdr_put_length(pp_axdr_wr_t *wr, uint32_t len);

/* ---- one decoded element ------------------------------------------------ */
typedef struct pp_axdr_value {
    uint8_t tag; /* PP_DT_* */
    union {
        bool b;          /* boolean */
        int64_t i;       /* integer, long, double-long, long64 */
        uint64_t u;      /* unsigned, long-unsigned, double-long-unsigned, long64-unsigned, enum, bcd */
        float f32;
        double f64;
        uint32_t count;  /* array, structure: elements that follow */
        struct {
            const uint8_t *ptr; /* into the input buffer */
            uint32_t len;       /* octets (bit-string: octets holding bits) */
            uint32_t bits;      /* bit-string only: number of bits */
        } str;           /* octet/visible/utf8/bit-string, date-time(12), date(5), time(4) */
        struct {
            const uint8_t *desc; /* type description, validated */
            uint32_t desc_len;
            const uint8_t *data; /* array-contents, validated against desc */
            uint32_t data_len;
            uint32_t count;      /* number of elements */
        } compact;
    } v;
} pp_axdr_value_t;

/* Reads one element header: the tag and, for simple types, the whole value;
 * for array/structure only the element count (children follow and are read
 * by further calls; depth is not tracked here, use pp_axdr_skip/measure to
 * validate a whole value first). Compact-array is read and validated whole. */
pp_err_t pp_axdr_get(pp_axdr_rd_t *rd, pp_axdr_value_t *out);

/* Skips exactly one complete Data value, validating everything inside it,
 * arrays/structures nested at most max_depth deep counting rd->depth
 * (which it leaves as it found it). */
pp_err_t pp_axdr_skip(pp_axdr_rd_t *rd);
/* Size of the one complete Data value at buf (>0), or a negative error.
 * Trailing bytes after it are the caller's business: compare with len to
 * require "exactly one value". */
int pp_axdr_measure(const uint8_t *buf, size_t len, uint8_t max_depth);

/* ---- typed getters: expect this exact tag ------------------------------- */
pp_err_t pp_axdr_get_null(pp_axdr_rd_t *rd);
pp_err_t pp_axdr_get_bool(pp_axdr_rd_t *rd, bool *out);
pp_err_t pp_axdr_get_u8(pp_axdr_rd_t *rd, uint8_t *out);
pp_err_t pp_axdr_get_u16(pp_axdr_rd_t *rd, uint16_t *out);
pp_err_t pp_axdr_get_u32(pp_axdr_rd_t *rd, uint32_t *out);
pp_err_t pp_axdr_get_u64(pp_axdr_rd_t *rd, uint64_t *out);
pp_err_t pp_axdr_get_i8(pp_axdr_rd_t *rd, int8_t *out);
pp_err_t pp_axdr_get_i16(pp_axdr_rd_t *rd, int16_t *out);
pp_err_t pp_axdr_get_i32(pp_axdr_rd_t *rd, int32_t *out);
pp_err_t pp_axdr_get_i64(pp_axdr_rd_t *rd, int64_t *out);
pp_err_t pp_axdr_get_enum(pp_axdr_rd_t *rd, uint8_t *out);
/* Any integer type (and enum), as int64 (long64-unsigned above INT64_MAX
 * gives PP_ERR_RANGE). For selective-access values of any integer type. */
pp_err_t pp_axdr_get_integer(pp_axdr_rd_t *rd, int64_t *out);
pp_err_t pp_axdr_get_octets(pp_axdr_rd_t *rd, const uint8_t **ptr, uint32_t *len);
pp_err_t pp_axdr_get_visible(pp_axdr_rd_t *rd, const uint8_t **ptr, uint32_t *len);
pp_err_t pp_axdr_get_array(pp_axdr_rd_t *rd, uint32_t *count);
pp_err_t pp_axdr_get_struct(pp_axdr_rd_t *rd, uint32_t *count);
/* A structure of exactly n elements (else PP_ERR_MALFORMED). */
pp_err_t pp_axdr_expect_struct(pp_axdr_rd_t *rd, uint32_t n);

/* ---- writers ------------------------------------------------------------ */
pp_err_t pp_axdr_put_null(pp_axdr_wr_t *wr);
pp_err_t pp_axdr_put_dont_care(pp_axdr_wr_t *wr);
pp_err_t pp_axdr_put_bool(pp_axdr_wr_t *wr, bool v);
pp_err_t pp_axdr_put_u8(pp_axdr_wr_t *wr, uint8_t v);
pp_err_t pp_axdr_put_u16(pp_axdr_wr_t *wr, uint16_t v);
pp_err_t pp_axdr_put_u32(pp_axdr_wr_t *wr, uint32_t v);
pp_err_t pp_axdr_put_u64(pp_axdr_wr_t *wr, uint64_t v);
pp_err_t pp_axdr_put_i8(pp_axdr_wr_t *wr, int8_t v);
pp_err_t pp_axdr_put_i16(pp_axdr_wr_t *wr, int16_t v);
pp_err_t pp_axdr_put_i32(pp_axdr_wr_t *wr, int32_t v);
pp_err_t pp_axdr_put_i64(pp_axdr_wr_t *wr, int64_t v);
pp_err_t pp_axdr_put_enum(pp_axdr_wr_t *wr, uint8_t v);
pp_err_t pp_axdr_put_bcd(pp_axdr_wr_t *wr, uint8_t v);
pp_err_t pp_axdr_put_f32(pp_axdr_wr_t *wr, float v);
pp_err_t pp_axdr_put_f64(pp_axdr_wr_t *wr, double v);
pp_err_t pp_axdr_put_octets(pp_axdr_wr_t *wr, const void *p, uint32_t len);
pp_err_t pp_axdr_put_visible(pp_axdr_wr_t *wr, const void *p, uint32_t len);
pp_err_t pp_axdr_put_utf8(pp_axdr_wr_t *wr, const void *p, uint32_t len);
/* bits are taken MSB-first from p; unused trailing bits are written as 0. */
pp_err_t pp_axdr_put_bits(pp_axdr_wr_t *wr, const uint8_t *p, uint32_t nbits);
pp_err_t pp_axdr_put_array(pp_axdr_wr_t *wr, uint32_t count);
pp_err_t pp_axdr_put_struct(pp_axdr_wr_t *wr, uint32_t count);
/* Compact-array from a pre-encoded type description and contents (both
 * untagged A-XDR); the caller vouches for their consistency. */
pp_err_t pp_axdr_put_compact(pp_axdr_wr_t *wr, const uint8_t *desc, uint32_t desc_len,
                             const uint8_t *data, uint32_t data_len);

/* ---- date and time (COSEM date-time: 12 octets) ------------------------- */
#define PP_DT_YEAR_ANY 0xFFFFu
#define PP_DT_FIELD_ANY 0xFFu
#define PP_DT_MONTH_DST_END 0xFDu
#define PP_DT_MONTH_DST_BEGIN 0xFEu
#define PP_DT_DAY_2ND_LAST 0xFDu
#define PP_DT_DAY_LAST 0xFEu
#define PP_DT_DEVIATION_ANY ((int16_t)-32768)
/* clock status bits */
#define PP_DT_STATUS_INVALID 0x01u
#define PP_DT_STATUS_DOUBTFUL 0x02u
#define PP_DT_STATUS_DIFFERENT_BASE 0x04u
#define PP_DT_STATUS_INVALID_STATUS 0x08u
#define PP_DT_STATUS_DST 0x80u

typedef struct pp_axdr_datetime {
    uint16_t year;      /* 0xFFFF: not specified */
    uint8_t month;      /* 1..12, 0xFD/0xFE DST end/begin, 0xFF */
    uint8_t day;        /* 1..31, 0xFD 2nd last, 0xFE last, 0xFF */
    uint8_t dow;        /* 1 (Monday)..7, 0xFF */
    uint8_t hour;       /* 0..23, 0xFF */
    uint8_t minute;     /* 0..59, 0xFF */
    uint8_t second;     /* 0..59, 0xFF */
    uint8_t hundredths; /* 0..99, 0xFF */
    int16_t deviation;  /* minutes, -720..720 as the clock object defines it; 0x8000: not specified */
    uint8_t status;     /* PP_DT_STATUS_*, 0xFF: not specified */
} pp_axdr_datetime_t;

/* 12 octets -> fields, checking every field's range (PP_ERR_RANGE). */
pp_err_t pp_axdr_datetime_unpack(const uint8_t in[12], pp_axdr_datetime_t *out);
/* Fields -> 12 octets (no validation: the caller builds it). */
void pp_axdr_datetime_pack(const pp_axdr_datetime_t *dt, uint8_t out[12]);
/* date (5 octets: year, month, day, dow) and time (4: hour..hundredths). */
pp_err_t pp_axdr_date_unpack(const uint8_t in[5], pp_axdr_datetime_t *out);
pp_err_t pp_axdr_time_unpack(const uint8_t in[4], pp_axdr_datetime_t *out);

/* The usual COSEM form: octet-string of 12 (09 0C ...). */
pp_err_t pp_axdr_put_datetime_os(pp_axdr_wr_t *wr, const pp_axdr_datetime_t *dt);
pp_err_t pp_axdr_get_datetime_os(pp_axdr_rd_t *rd, pp_axdr_datetime_t *out);
/* The tagged forms date-time (0x19), date (0x1A), time (0x1B). */
pp_err_t pp_axdr_put_datetime(pp_axdr_wr_t *wr, const pp_axdr_datetime_t *dt);
pp_err_t pp_axdr_put_date(pp_axdr_wr_t *wr, const pp_axdr_datetime_t *dt);
pp_err_t pp_axdr_put_time(pp_axdr_wr_t *wr, const pp_axdr_datetime_t *dt);

#endif
