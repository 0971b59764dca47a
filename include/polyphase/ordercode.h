/* Order codes: the type number (68 X1..X16, hardware) and the software
 * configuration code (Z1..Z20) of the OMNIPOWER three-phase data sheet,
 * parsed into validated, typed structs and printed back unchanged.
 *
 * Everything is table driven: one descriptor per field (position, stable key,
 * width, options with the data sheet's words), so the parser, the printer,
 * the CLI, the JSON output and docs/configuration.md share the same tables.
 * Pure functions over caller buffers; no state, no allocation. */
#ifndef POLYPHASE_ORDERCODE_H
#define POLYPHASE_ORDERCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyphase/error.h"

#define PP_ORDERCODE_TYPE_DIGITS 16 /* X1..X16, after the "68" prefix */
#define PP_ORDERCODE_SW_DIGITS 43   /* Z1..Z20 */
#define PP_ORDERCODE_TYPE_FIELDS 14 /* X14..X16 are one field (country) */
#define PP_ORDERCODE_SW_FIELDS 20
/* Buffer sizes for the grouped print forms, NUL included. */
#define PP_ORDERCODE_TYPE_TEXT 33 /* "68 4-1 1 3 1-B N 1 4-3 1 1-1 010" */
#define PP_ORDERCODE_SW_TEXT 63   /* "1-2-00-2 001-01-01-1 001-0-01-00 000-...-000" */
/* Buffer size that always holds pp_ordercode_error_format()'s message. */
#define PP_ORDERCODE_MESSAGE_MAX 1200

typedef enum pp_ordercode_kind {
    PP_ORDERCODE_TYPE = 0, /* type number, fields X1..X16 */
    PP_ORDERCODE_SW = 1    /* software configuration, fields Z1..Z20 */
} pp_ordercode_kind_t;

/* Named presets of the host configuration file a code can refer to. */
typedef enum pp_ordercode_preset {
    PP_PRESET_NONE = 0,
    PP_PRESET_DISPLAY,    /* Z5  [preset.display.NNN] */
    PP_PRESET_DISCONNECT, /* Z9  [preset.disconnect.NNN] */
    PP_PRESET_TARIFF,     /* Z13 [preset.tariff.NNN] */
    PP_PRESET_LOAD,       /* Z14 [preset.load.NNN] (values other than 000/001) */
    PP_PRESET_PB2,        /* Z17 [preset.pb2.NNN] */
    PP_PRESET_IEC1107,    /* Z18 [preset.1107.NNN] (values other than 000..002) */
    PP_PRESET_CALENDAR,   /* Z20 [preset.calendar.NNN] */
    PP_PRESET_COUNT
} pp_ordercode_preset_t;

/* One row of a data sheet table. a and b carry the typed meaning; what they
 * mean is stated per field in ordercode.c (e.g. X5: Ib, Imax amperes). */
typedef struct pp_ordercode_option {
    const char *code;    /* as written in the code: "B", "4", "010" */
    const char *meaning; /* the data sheet's words: "Class B", "Denmark" */
    const char *alias;   /* short word for the CLI, e.g. "DK", "standard"; may be NULL */
    int16_t a;
    int16_t b;
} pp_ordercode_option_t;

typedef struct pp_ordercode_field_desc {
    const char *pos;   /* "X6", "X14-X16", "Z13" */
    const char *key;   /* stable JSON / CLI key: "accuracy_class" */
    const char *title; /* "accuracy class" */
    uint8_t offset;    /* first character within the digits (X1 = 0, Z1 = 0) */
    uint8_t width;
    uint8_t preset;    /* pp_ordercode_preset_t: other values name a preset */
    uint8_t n_options;
    const pp_ordercode_option_t *options;
} pp_ordercode_field_desc_t;

size_t pp_ordercode_field_count(pp_ordercode_kind_t kind);
/* NULL when i is out of range. Descriptors are static const. */
const pp_ordercode_field_desc_t *pp_ordercode_field(pp_ordercode_kind_t kind, size_t i);
/* Field index by key ("breaker") or position ("X10", "z10"); -1 if none. */
int pp_ordercode_field_find(pp_ordercode_kind_t kind, const char *key);
/* Option index whose code, meaning or alias equals text (case-insensitive),
 * or -1. */
int pp_ordercode_option_find(const pp_ordercode_field_desc_t *f, const char *text);

/* ---- decoded type number ---- */
typedef enum pp_oc_accuracy {
    PP_OC_CLASS_A = 0, PP_OC_CLASS_B, PP_OC_CLASS_2, PP_OC_CLASS_1
} pp_oc_accuracy_t;
typedef enum pp_oc_breaker {
    PP_OC_BREAKER_NONE = 0, PP_OC_BREAKER_DUAL = 2, PP_OC_BREAKER_STANDARD = 3
} pp_oc_breaker_t;
typedef enum pp_oc_interface {
    PP_OC_IF_NONE = 0, PP_OC_IF_S0 = 1, PP_OC_IF_APS = 2
} pp_oc_interface_t;

typedef struct pp_type_code {
    char digits[PP_ORDERCODE_TYPE_DIGITS + 1]; /* X1..X16, normalised */
    uint8_t opt[PP_ORDERCODE_TYPE_FIELDS];     /* option index per field */
    uint8_t meter_type;        /* X1: 4 three-phase, 6 single-phase */
    bool three_phase;          /* X1 == 4; pp_ordercode_check() refuses others */
    uint8_t type_version;      /* X2 */
    uint8_t housing;           /* X3 */
    uint8_t measuring_systems; /* X4: 1..3 */
    uint16_t ib_amps;          /* X5: basic current */
    uint16_t imax_amps;        /* X5: maximum current */
    pp_oc_accuracy_t accuracy; /* X6 */
    bool accuracy_mid;         /* X6: MID class (A, B) rather than IEC (2, 1) */
    char generation;           /* X7: 'N' */
    uint8_t variant;           /* X8 */
    bool has_a_minus;          /* X9: A- (export) registered */
    bool has_reactive;         /* X9: R+ and R- registered */
    uint8_t energy_channels;   /* X9: 1, 2 or 4 (load profile channels) */
    pp_oc_breaker_t breaker;   /* X10 */
    bool has_breaker;          /* X10 != 0 */
    bool has_radio;            /* X11: RF 2.0 built in */
    bool has_battery;          /* X12: supercap + battery */
    pp_oc_interface_t interface; /* X13 */
    uint16_t country;          /* X14-X16, e.g. 10 */
    const char *country_iso;   /* "DK", "CH (IT)" */
    const char *country_name;  /* "Denmark" */
} pp_type_code_t;

/* ---- decoded software configuration ---- */
typedef enum pp_oc_io_dir {
    PP_OC_IO_UNUSED = 0, PP_OC_IO_INPUT = 1, PP_OC_IO_OUTPUT = 2
} pp_oc_io_dir_t;
typedef enum pp_oc_pulse_unit {
    PP_OC_UNIT_NONE = 0, PP_OC_UNIT_KWH = 1, PP_OC_UNIT_M3 = 2, PP_OC_UNIT_L = 3
} pp_oc_pulse_unit_t;
typedef enum pp_oc_dst {
    PP_OC_DST_NONE = 0, PP_OC_DST_EU = 1
} pp_oc_dst_t;
typedef enum pp_oc_1107 {
    PP_OC_1107_DISABLED = 0, PP_OC_1107_UD1 = 1, PP_OC_1107_UD2 = 2,
    PP_OC_1107_PRESET = 3 /* Z18 names a [preset.1107.NNN] */
} pp_oc_1107_t;
typedef enum pp_oc_breaker_pos {
    PP_OC_POS_NONE = 0, PP_OC_POS_CONNECTED = 1, PP_OC_POS_DISCONNECTED = 2
} pp_oc_breaker_pos_t;
typedef enum pp_oc_load_control {
    PP_OC_LOAD_NO_PLAN = 0, PP_OC_LOAD_MODULE_PORT = 1,
    PP_OC_LOAD_PRESET = 2 /* Z14 names a [preset.load.NNN] */
} pp_oc_load_control_t;

/* Z3 module I/O: what each function of the primary module does. */
enum {
    PP_OC_IO_PULSE_IN = 1u << 0,     /* pulse input register (unit Z12) */
    PP_OC_IO_ALARM_IN = 1u << 1,     /* alarm input (enabled by Z8) */
    PP_OC_IO_TARIFF2 = 1u << 2,      /* 2-tariff input */
    PP_OC_IO_TARIFF4 = 1u << 3,      /* 4-tariff inputs */
    PP_OC_IO_A_PLUS_OUT = 1u << 4,   /* A+ pulse output */
    PP_OC_IO_A_MINUS_OUT = 1u << 5,  /* A- pulse output (needs X9 >= 2) */
    PP_OC_IO_R_PLUS_OUT = 1u << 6,   /* R+ pulse output (needs X9 == 4) */
    PP_OC_IO_DEBIT_STOP = 1u << 7,   /* external debiting stop pulse */
    PP_OC_IO_LOAD_CONTROL = 1u << 8, /* load control outputs / sync */
    PP_OC_IO_INVERTED = 1u << 9      /* some input is active low */
};

typedef struct pp_sw_code {
    char digits[PP_ORDERCODE_SW_DIGITS + 1]; /* Z1..Z20, normalised */
    uint8_t opt[PP_ORDERCODE_SW_FIELDS];     /* option index; 255 = preset reference */
    uint8_t display_int_digits;   /* Z1: 7.0 -> 7, 6.1 -> 6 ... */
    uint8_t display_decimals;     /* Z1: 7.0 -> 0, 6.1 -> 1, 7.2 -> 2, 6.3 -> 3 */
    bool led_on_at_no_load;       /* Z2 */
    uint8_t module_function;      /* Z3: 0..28 */
    pp_oc_io_dir_t io1, io2;      /* Z3: I/O 1 and I/O 2 directions */
    uint16_t io_features;         /* Z3: PP_OC_IO_* bits */
    uint8_t integration_minutes;  /* Z4: 5, 15, 30, 60 */
    uint16_t display_preset;      /* Z5: 0 = built-in default lists */
    uint8_t debiting_day;         /* Z6: 1..28 */
    uint8_t debiting_interval_months; /* Z7: 0 = externally controlled, 1, 2, 3, 6, 12 */
    uint8_t debiting_start_month; /* Z7: 1..12, 0 when external */
    uint8_t pulse_ms;             /* Z8: 30 or 80 */
    bool alarm_input_active;      /* Z8 */
    uint16_t disconnect_preset;   /* Z9: 0 = no disconnect setup */
    uint8_t max_power;            /* Z10: 0 = standard */
    int16_t gmt_offset_minutes;   /* Z11: -660..+720 */
    pp_oc_pulse_unit_t pulse_unit; /* Z12 */
    uint16_t tariff_preset;       /* Z13: 0 = no tariff table */
    pp_oc_load_control_t load_control; /* Z14 */
    uint16_t load_preset;         /* Z14 when load_control == PP_OC_LOAD_PRESET */
    pp_oc_dst_t dst;              /* Z15 */
    uint16_t protocol_code;       /* Z16: 0, 318, 319 ... */
    uint16_t pb2_preset;          /* Z17: 0 = default push button 2 */
    pp_oc_1107_t iec1107;         /* Z18 */
    uint16_t iec1107_preset;      /* Z18 when iec1107 == PP_OC_1107_PRESET */
    pp_oc_breaker_pos_t breaker_position; /* Z19 */
    uint16_t calendar_preset;     /* Z20: 0 = no calendar */
} pp_sw_code_t;

/* ---- errors ---- */
typedef enum pp_oc_errkind {
    PP_OC_E_NONE = 0,
    PP_OC_E_PREFIX,    /* type number does not start with 68 */
    PP_OC_E_SHORT,     /* fewer characters than the fields need */
    PP_OC_E_LONG,      /* characters after the last field */
    PP_OC_E_VALUE,     /* a field holds a value its table does not list */
    PP_OC_E_CONFLICT,  /* valid fields that contradict each other */
    PP_OC_E_PRODUCT,   /* valid code for another product (single-phase) */
    PP_OC_E_KEY        /* unknown field key (pp_ordercode_set) */
} pp_oc_errkind_t;

typedef struct pp_ordercode_error {
    pp_oc_errkind_t kind;
    pp_ordercode_kind_t code;  /* which code the error is in */
    int8_t field;              /* field index, -1 for whole-code errors */
    int8_t other_field;        /* second field of a conflict, -1 if none */
    pp_ordercode_kind_t other_code;
    uint8_t have, need;        /* character counts for SHORT/LONG */
    char found[48];            /* the characters found (truncated, printable) */
    char other_found[4];       /* the other field's code for CONFLICT */
    const char *reason;        /* static explanation for CONFLICT/PRODUCT */
} pp_ordercode_error_t;

/* Parse the type number. Spaces and dashes are ignored; letters may be in
 * either case. On error out is unspecified and err (if not NULL) says why:
 * PP_ERR_MALFORMED (prefix/length) or PP_ERR_RANGE (a field's value). */
pp_err_t pp_ordercode_parse_type(const char *text, pp_type_code_t *out,
                                 pp_ordercode_error_t *err);
/* Parse the software code (43 digits, spaces and dashes ignored). Values of
 * preset fields other than the listed ones are preset references. */
pp_err_t pp_ordercode_parse_sw(const char *text, pp_sw_code_t *out,
                               pp_ordercode_error_t *err);

/* Grouped forms; return the length written (without NUL) or PP_ERR_NOSPACE. */
int pp_ordercode_print_type(const pp_type_code_t *tc, char *buf, size_t len);
int pp_ordercode_print_sw(const pp_sw_code_t *sc, char *buf, size_t len);

/* Replace one field (by key or position) with a value matched by
 * pp_ordercode_option_find() - or, for preset fields, any 3 digits - and
 * re-decode. On error tc/sc is unchanged. */
pp_err_t pp_ordercode_set_type(pp_type_code_t *tc, const char *key, const char *value,
                               pp_ordercode_error_t *err);
pp_err_t pp_ordercode_set_sw(pp_sw_code_t *sc, const char *key, const char *value,
                             pp_ordercode_error_t *err);

/* One decoded field for listings: its descriptor, its characters and its
 * table row (NULL when the field names a preset; see
 * pp_ordercode_value_meaning for text in both cases). */
typedef struct pp_ordercode_value {
    const pp_ordercode_field_desc_t *desc;
    char code[4];                 /* the field's characters */
    const pp_ordercode_option_t *option; /* NULL for a preset reference */
} pp_ordercode_value_t;
pp_err_t pp_ordercode_type_value(const pp_type_code_t *tc, size_t i, pp_ordercode_value_t *out);
pp_err_t pp_ordercode_sw_value(const pp_sw_code_t *sc, size_t i, pp_ordercode_value_t *out);
/* Meaning as text into buf: the option's words, or "preset 007 (see
 * [preset.tariff.007])". Returns length or PP_ERR_NOSPACE. */
int pp_ordercode_value_meaning(const pp_ordercode_value_t *v, char *buf, size_t len);

/* The factory default of this virtual meter (documented in
 * docs/configuration.md): 68 4-1 1 3 1-B N 1 4-3 1 1-1 010 and
 * 3-2-00-2 000-01-01-1 000-0-01-00 000-000-001-000-000-000-1-000. */
extern const char pp_ordercode_default_type[];
extern const char pp_ordercode_default_sw[];

/* ---- derived features and consistency ---- */
typedef enum pp_oc_tariff_source {
    PP_OC_TARIFF_SINGLE = 0,  /* one tariff, no table, no inputs */
    PP_OC_TARIFF_TABLE,       /* internal tariff table (Z13 preset) */
    PP_OC_TARIFF_INPUT2,      /* module 2-tariff input */
    PP_OC_TARIFF_INPUT4       /* module 4-tariff inputs */
} pp_oc_tariff_source_t;

typedef struct pp_ordercode_features {
    bool disconnect_control;   /* breaker fitted: disconnect object, relay */
    bool export_registers;     /* A- (and E-) registers exist */
    bool reactive_registers;   /* R+, R- registers exist */
    uint8_t profile_channels;  /* 1, 2, 4 */
    bool pulse_input;          /* Z3 has a pulse input, unit Z12 */
    bool alarm_input;          /* Z3 has an alarm input and Z8 activates it */
    bool s0_output;            /* X13 S0 output present */
    bool radio;                /* X11 */
    bool battery_display;      /* X12 battery: battery-powered display list */
    pp_oc_tariff_source_t tariff_source;
    bool debiting_external;    /* Z7 == 00: debiting stop from outside only */
    bool optical_21;           /* Z18 not disabled: IEC 62056-21 on the optical port */
    uint32_t objects;          /* PP_FEAT_* bits (objects.h) for pp_objects_enabled() */
} pp_ordercode_features_t;

/* Checks that the two codes describe one meter this software can be
 * (docs/configuration.md, "Consistency rules"):
 * three-phase (X1 == 4), breaker fields agree (X10/Z19/Z9), module outputs
 * exist in the energy type (Z3/X9), pulse input and unit agree (Z3/Z12),
 * alarm input exists when activated (Z8/Z3), tariff inputs and a tariff table
 * are not both chosen (Z3/Z13). Fills features (if not NULL) on success.
 * PP_ERR_UNSUPPORTED for another product, PP_ERR_STATE for a conflict. */
pp_err_t pp_ordercode_check(const pp_type_code_t *tc, const pp_sw_code_t *sc,
                            pp_ordercode_features_t *features, pp_ordercode_error_t *err);

/* The message for an error, e.g. "X6 (accuracy class) is '7'; allowed: A
 * (Class A), B (Class B), 2 (Class 2), 1 (Class 1)". Always NUL-terminates
 * (truncating if len is short); returns the length written. */
size_t pp_ordercode_error_format(const pp_ordercode_error_t *err, char *buf, size_t len);

#endif
