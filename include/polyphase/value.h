/* Protocol-neutral values of the object directory. A getter fills a pp_value_t;
 * DLMS encodes it as A-XDR, IEC 62056-21 and the display format it as text
 * (with the object's scaler and unit), M-Bus and push as their records.
 * The variants map one-to-one onto COSEM simple data types. */
#ifndef POLYPHASE_VALUE_H
#define POLYPHASE_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyphase/error.h"

typedef enum pp_vtype {
    PP_VT_NULL = 0,
    PP_VT_BOOL,
    PP_VT_INT8, PP_VT_INT16, PP_VT_INT32, PP_VT_INT64,
    PP_VT_UINT8, PP_VT_UINT16, PP_VT_UINT32, PP_VT_UINT64,
    PP_VT_ENUM,
    PP_VT_FLOAT32, PP_VT_FLOAT64,
    PP_VT_OCTETS,   /* bytes.ptr points into storage owned by the getter's caller */
    PP_VT_VISIBLE,  /* visible-string, same ownership */
    PP_VT_DATETIME  /* an instant; encoders render it in the meter's time zone */
} pp_vtype_t;

typedef struct pp_value {
    pp_vtype_t type;
    union {
        bool b;
        int64_t i;   /* all signed integer variants */
        uint64_t u;  /* all unsigned variants and enum */
        double f;
        struct {
            const uint8_t *ptr;
            uint16_t len;
        } bytes;
        struct {
            int64_t utc_ms;
            bool valid; /* false: "not specified" (e.g. a maximum never captured) */
        } dt;
    } v;
} pp_value_t;

/* DLMS unit codes (IEC 62056-6-2 / Blue Book, enum "unit"). */
typedef enum pp_unit {
    PP_UNIT_YEAR = 1, PP_UNIT_MONTH = 2, PP_UNIT_WEEK = 3, PP_UNIT_DAY = 4,
    PP_UNIT_HOUR = 5, PP_UNIT_MINUTE = 6, PP_UNIT_SECOND = 7, PP_UNIT_DEGREE = 8,
    PP_UNIT_CELSIUS = 9, PP_UNIT_CUBIC_METRE = 13, PP_UNIT_LITRE = 19,
    PP_UNIT_W = 27, PP_UNIT_VA = 28, PP_UNIT_VAR = 29, PP_UNIT_WH = 30,
    PP_UNIT_VAH = 31, PP_UNIT_VARH = 32, PP_UNIT_A = 33, PP_UNIT_V = 35,
    PP_UNIT_HZ = 44, PP_UNIT_PERCENT = 56, PP_UNIT_OTHER = 254, PP_UNIT_NONE = 255
} pp_unit_t;

/* Symbol of a unit as meters print it ("Wh", "var", "V"...); "" for none. */
const char *pp_unit_symbol(uint8_t unit);

/* OBIS code A-B:C.D.E*F. */
typedef struct pp_obis {
    uint8_t a, b, c, d, e, f;
} pp_obis_t;

#define PP_OBIS(a, b, c, d, e, f) ((pp_obis_t){(a), (b), (c), (d), (e), (f)})

bool pp_obis_equal(pp_obis_t x, pp_obis_t y);
/* "1-1:1.8.0*255" (full form) into out; returns length or PP_ERR_NOSPACE. */
int pp_obis_format(pp_obis_t o, char *out, size_t cap);
/* The short IEC 62056-21 / display form "1.8.0" (C.D.E), with "*F" when F
 * is not 255 (e.g. billing period values "1.8.0*12"). */
int pp_obis_format_short(pp_obis_t o, char *out, size_t cap);
/* Parses "A-B:C.D.E*F", "A.B.C.D.E.F", "C.D.E" and "C.D.E*F"; missing A/B
 * come from defaults (a, b), a missing F is 255. */
pp_err_t pp_obis_parse(const char *text, size_t len, uint8_t default_a, uint8_t default_b,
                       pp_obis_t *out);

/* Formats a numeric value with a decimal scaler (value * 10^scaler) and a
 * fixed number of decimals, e.g. raw 123456 Wh, scaler 0, as kWh with 2
 * decimals -> "123.45" (unit_shift -3 turns Wh into kWh). Truncates toward
 * zero as meter displays do: a register never shows more than it holds.
 * Returns the text length or PP_ERR_NOSPACE. */
int pp_value_format_decimal(const pp_value_t *v, int8_t scaler, int8_t unit_shift,
                            uint8_t decimals, char *out, size_t cap);

/* The value as a signed 64-bit integer (integers, enum, bool). */
pp_err_t pp_value_as_int(const pp_value_t *v, int64_t *out);

#endif
