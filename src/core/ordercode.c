/* Order codes: parse, decode, print, edit and cross-check the type number and
 * the software configuration code. The tables are in ordercode_tables.c. */
#include <stddef.h>
#include <stdint.h>

#include "polyphase/objects.h"
#include "polyphase/ordercode.h"

#define PRESET_REF 255u /* opt[] value of a field that names a preset */

const char pp_ordercode_default_type[] = "68 4-1 1 3 1-B N 1 4-3 1 1-1 010";
const char pp_ordercode_default_sw[] =
    "3-1-00-2 000-01-01-1 000-0-01-00 000-000-001-000-000-001-1-000";

/* Separator printed before each field in the grouped forms: the type number
 * follows the data sheet's header (68 | X1-X2 | X3 | ...), the software code
 * its four pages (Z1-Z2-Z3-Z4 Z5-Z6-Z7-Z8 Z9-...-Z12 Z13-...-Z20). */
static const char TYPE_SEP[PP_ORDERCODE_TYPE_FIELDS] = {
    ' ', '-', ' ', ' ', ' ', '-', ' ', ' ', ' ', '-', ' ', ' ', '-', ' '};
static const char SW_SEP[PP_ORDERCODE_SW_FIELDS] = {
    0, '-', '-', '-', ' ', '-', '-', '-', ' ', '-', '-', '-', ' ', '-', '-', '-', '-', '-', '-', '-'};

static const char *const PRESET_SECTION[PP_PRESET_COUNT] = {
    "", "display", "disconnect", "tariff", "load", "pb2", "1107", "calendar"};

/* ---------------- small string helpers (no libc beyond the compiler's) ---------------- */

static char upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static size_t str_len(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    return n;
}

/* Characters that never matter when matching words: "CH-IT" = "ch (it)". */
static bool ignorable(char c)
{
    return c == ' ' || c == '-' || c == '_' || c == '(' || c == ')' || c == '\t';
}

static bool words_equal(const char *a, const char *b)
{
    for (;;) {
        while (*a != '\0' && ignorable(*a)) {
            a++;
        }
        while (*b != '\0' && ignorable(*b)) {
            b++;
        }
        if (*a == '\0' || *b == '\0') {
            return *a == *b;
        }
        if (lower(*a) != lower(*b)) {
            return false;
        }
        a++;
        b++;
    }
}

static bool code_equal(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (upper(a[i]) != upper(b[i]) || b[i] == '\0') {
            return false;
        }
    }
    return b[n] == '\0';
}

/* Bounded writer: keeps NUL termination, remembers overflow. */
typedef struct out {
    char *buf;
    size_t len;
    size_t pos;
    bool over;
} out_t;

static void put_c(out_t *o, char c)
{
    if (o->pos + 1 < o->len) {
        o->buf[o->pos++] = c;
        o->buf[o->pos] = '\0';
    } else {
        o->over = true;
    }
}

static void put_s(out_t *o, const char *s)
{
    while (*s != '\0') {
        put_c(o, *s++);
    }
}

static void put_n(out_t *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        put_c(o, s[i]);
    }
}

static void put_u(out_t *o, unsigned v)
{
    char tmp[10];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0 && n < sizeof tmp);
    while (n > 0) {
        put_c(o, tmp[--n]);
    }
}

static void out_init(out_t *o, char *buf, size_t len)
{
    o->buf = buf;
    o->len = len;
    o->pos = 0;
    o->over = false;
    if (len > 0) {
        buf[0] = '\0';
    }
}

static const char HEX[] = "0123456789ABCDEF";

/* Copies at most n characters into dst, escaping anything unprintable. */
static void copy_found(char *dst, size_t cap, const char *s, size_t n)
{
    out_t o;
    out_init(&o, dst, cap);
    for (size_t i = 0; i < n && !o.over; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7F && c != '\'') {
            put_c(&o, (char)c);
        } else {
            put_s(&o, "\\x");
            put_c(&o, HEX[c >> 4]);
            put_c(&o, HEX[c & 15u]);
        }
    }
}

/* ---------------- lookup ---------------- */

int pp_ordercode_field_find(pp_ordercode_kind_t kind, const char *key)
{
    if (key == NULL) {
        return -1;
    }
    for (size_t i = 0; i < pp_ordercode_field_count(kind); i++) {
        const pp_ordercode_field_desc_t *f = pp_ordercode_field(kind, i);
        if (words_equal(key, f->key) || words_equal(key, f->pos)) {
            return (int)i;
        }
    }
    /* "X14" (or X15, X16) names the country field too. */
    if (kind == PP_ORDERCODE_TYPE && (words_equal(key, "X14") || words_equal(key, "X15") ||
                                      words_equal(key, "X16"))) {
        return PP_ORDERCODE_TYPE_FIELDS - 1;
    }
    return -1;
}

int pp_ordercode_option_find(const pp_ordercode_field_desc_t *f, const char *text)
{
    if (f == NULL || text == NULL) {
        return -1;
    }
    size_t n = str_len(text);
    for (uint8_t i = 0; i < f->n_options; i++) { /* exact code wins */
        if (code_equal(text, f->options[i].code, n)) {
            return i;
        }
    }
    for (uint8_t i = 0; i < f->n_options; i++) {
        const pp_ordercode_option_t *o = &f->options[i];
        if (words_equal(text, o->meaning) || (o->alias != NULL && words_equal(text, o->alias))) {
            return i;
        }
    }
    return -1;
}

/* ---------------- parsing ---------------- */

static void err_clear(pp_ordercode_error_t *err, pp_ordercode_kind_t code)
{
    if (err != NULL) {
        err->kind = PP_OC_E_NONE;
        err->code = code;
        err->field = -1;
        err->other_field = -1;
        err->other_code = code;
        err->have = 0;
        err->need = 0;
        err->found[0] = '\0';
        err->reason = NULL;
    }
}

static pp_err_t fail(pp_ordercode_error_t *err, pp_oc_errkind_t kind, int field,
                     const char *found, size_t n, pp_err_t rc)
{
    if (err != NULL) {
        err->kind = kind;
        err->field = (int8_t)field;
        copy_found(err->found, sizeof err->found, found, n);
    }
    return rc;
}

/* Drops spaces and dashes; returns the count of significant characters
 * (which may exceed cap: only the first cap are stored). */
static size_t normalise(const char *text, char *dst, size_t cap)
{
    size_t n = 0;
    for (; *text != '\0'; text++) {
        if (*text == ' ' || *text == '-' || *text == '\t') {
            continue;
        }
        if (n < cap) {
            dst[n] = upper(*text);
        }
        if (n < SIZE_MAX) {
            n++;
        }
    }
    return n;
}

static int field_at(pp_ordercode_kind_t kind, size_t index)
{
    for (size_t i = 0; i < pp_ordercode_field_count(kind); i++) {
        const pp_ordercode_field_desc_t *f = pp_ordercode_field(kind, i);
        if (index < (size_t)f->offset + f->width) {
            return (int)i;
        }
    }
    return -1;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i])) {
            return false;
        }
    }
    return true;
}

/* Looks every field of digits up in its table; opt[i] gets the row index or
 * PRESET_REF. */
static pp_err_t match_fields(pp_ordercode_kind_t kind, const char *digits, uint8_t *opt,
                             pp_ordercode_error_t *err)
{
    for (size_t i = 0; i < pp_ordercode_field_count(kind); i++) {
        const pp_ordercode_field_desc_t *f = pp_ordercode_field(kind, i);
        const char *s = digits + f->offset;
        int hit = -1;
        for (uint8_t k = 0; k < f->n_options && hit < 0; k++) {
            if (code_equal(s, f->options[k].code, f->width)) {
                hit = k;
            }
        }
        if (hit < 0 && f->preset != PP_PRESET_NONE && all_digits(s, f->width)) {
            hit = PRESET_REF;
        }
        if (hit < 0) {
            return fail(err, PP_OC_E_VALUE, (int)i, s, f->width, PP_ERR_RANGE);
        }
        opt[i] = (uint8_t)hit;
    }
    return PP_OK;
}

/* Shared front end: normalise, check prefix and length, match fields. */
static pp_err_t parse_common(pp_ordercode_kind_t kind, const char *text, char *digits,
                             size_t ndigits, uint8_t *opt, pp_ordercode_error_t *err)
{
    err_clear(err, kind);
    if (text == NULL || digits == NULL) {
        return PP_ERR_ARG;
    }
    size_t prefix = kind == PP_ORDERCODE_TYPE ? 2u : 0u;
    char buf[PP_ORDERCODE_SW_DIGITS + 8];
    size_t cap = sizeof buf;
    size_t n = normalise(text, buf, cap);
    size_t stored = n < cap ? n : cap;
    if (prefix > 0 && n >= 2 && !(buf[0] == '6' && buf[1] == '8')) {
        return fail(err, PP_OC_E_PREFIX, -1, buf, 2, PP_ERR_MALFORMED);
    }
    size_t have = n >= prefix ? n - prefix : 0;
    if (have != ndigits) {
        if (err != NULL) {
            err->have = (uint8_t)(have > 255 ? 255 : have);
            err->need = (uint8_t)ndigits;
        }
        if (have < ndigits) {
            return fail(err, PP_OC_E_SHORT, field_at(kind, have), "", 0, PP_ERR_MALFORMED);
        }
        return fail(err, PP_OC_E_LONG, -1, buf + prefix + ndigits,
                    stored - prefix - ndigits, PP_ERR_MALFORMED);
    }
    for (size_t i = 0; i < ndigits; i++) {
        digits[i] = buf[prefix + i];
    }
    digits[ndigits] = '\0';
    return match_fields(kind, digits, opt, err);
}

static const pp_ordercode_option_t *row(pp_ordercode_kind_t kind, const uint8_t *opt, size_t i)
{
    const pp_ordercode_field_desc_t *f = pp_ordercode_field(kind, i);
    return opt[i] == PRESET_REF ? NULL : &f->options[opt[i]];
}

static uint16_t field_number(const char *digits, const pp_ordercode_field_desc_t *f)
{
    uint16_t v = 0;
    for (uint8_t i = 0; i < f->width; i++) {
        v = (uint16_t)(v * 10u + (uint16_t)(digits[f->offset + i] - '0'));
    }
    return v;
}

static void decode_type(pp_type_code_t *t)
{
    const uint8_t *o = t->opt;
#define R(i) row(PP_ORDERCODE_TYPE, o, (i))
    t->meter_type = (uint8_t)R(0)->a;
    t->three_phase = t->meter_type == 4;
    t->type_version = (uint8_t)R(1)->a;
    t->housing = (uint8_t)R(2)->a;
    t->measuring_systems = (uint8_t)R(3)->a;
    t->ib_amps = (uint16_t)R(4)->a;
    t->imax_amps = (uint16_t)R(4)->b;
    t->accuracy = (pp_oc_accuracy_t)R(5)->a;
    t->accuracy_mid = R(5)->b != 0;
    t->generation = (char)R(6)->a;
    t->variant = (uint8_t)R(7)->a;
    t->energy_channels = (uint8_t)R(8)->a;
    t->has_a_minus = t->energy_channels >= 2;
    t->has_reactive = t->energy_channels >= 4;
    t->breaker = (pp_oc_breaker_t)R(9)->a;
    t->has_breaker = t->breaker != PP_OC_BREAKER_NONE;
    t->has_radio = R(10)->a != 0;
    t->has_battery = R(11)->a != 0;
    t->interface = (pp_oc_interface_t)R(12)->a;
    t->country = (uint16_t)R(13)->a;
    t->country_iso = R(13)->alias;
    t->country_name = R(13)->meaning;
#undef R
}

pp_err_t pp_ordercode_parse_type(const char *text, pp_type_code_t *out, pp_ordercode_error_t *err)
{
    PP_VERIFY(out != NULL, PP_ERR_ARG);
    PP_TRY(parse_common(PP_ORDERCODE_TYPE, text, out->digits, PP_ORDERCODE_TYPE_DIGITS,
                        out->opt, err));
    decode_type(out);
    return PP_OK;
}

/* Preset fields: the listed row's a, or the referenced number. */
static uint16_t preset_or(const pp_sw_code_t *s, size_t i, uint16_t *preset)
{
    const pp_ordercode_field_desc_t *f = pp_ordercode_field(PP_ORDERCODE_SW, i);
    uint16_t n = field_number(s->digits, f);
    if (s->opt[i] == PRESET_REF) {
        *preset = n;
        return UINT16_MAX;
    }
    *preset = 0;
    return (uint16_t)f->options[s->opt[i]].a;
}

static void decode_sw(pp_sw_code_t *s)
{
    const uint8_t *o = s->opt;
#define R(i) row(PP_ORDERCODE_SW, o, (i))
    const pp_ordercode_field_desc_t *f3 = pp_ordercode_field(PP_ORDERCODE_SW, 2);
    s->display_int_digits = (uint8_t)R(0)->a;
    s->display_decimals = (uint8_t)R(0)->b;
    s->led_on_at_no_load = R(1)->a != 0;
    s->module_function = (uint8_t)field_number(s->digits, f3);
    s->io_features = (uint16_t)R(2)->a;
    s->io1 = (pp_oc_io_dir_t)(R(2)->b & 3);
    s->io2 = (pp_oc_io_dir_t)((R(2)->b >> 2) & 3);
    s->integration_minutes = (uint8_t)R(3)->a;
    s->display_preset = field_number(s->digits, pp_ordercode_field(PP_ORDERCODE_SW, 4));
    s->debiting_day = (uint8_t)R(5)->a;
    s->debiting_interval_months = (uint8_t)R(6)->a;
    s->debiting_start_month = (uint8_t)R(6)->b;
    s->pulse_ms = (uint8_t)R(7)->a;
    s->alarm_input_active = R(7)->b != 0;
    s->disconnect_preset = field_number(s->digits, pp_ordercode_field(PP_ORDERCODE_SW, 8));
    s->max_power = (uint8_t)R(9)->a;
    s->gmt_offset_minutes = R(10)->a;
    s->pulse_unit = (pp_oc_pulse_unit_t)R(11)->a;
    s->tariff_preset = field_number(s->digits, pp_ordercode_field(PP_ORDERCODE_SW, 12));
    uint16_t v = preset_or(s, 13, &s->load_preset);
    s->load_control = v == UINT16_MAX ? PP_OC_LOAD_PRESET : (pp_oc_load_control_t)v;
    s->dst = (pp_oc_dst_t)R(14)->a;
    s->protocol_code = (uint16_t)R(15)->a;
    s->pb2_preset = field_number(s->digits, pp_ordercode_field(PP_ORDERCODE_SW, 16));
    v = preset_or(s, 17, &s->iec1107_preset);
    s->iec1107 = v == UINT16_MAX ? PP_OC_1107_PRESET : (pp_oc_1107_t)v;
    s->breaker_position = (pp_oc_breaker_pos_t)R(18)->a;
    s->calendar_preset = field_number(s->digits, pp_ordercode_field(PP_ORDERCODE_SW, 19));
#undef R
}

pp_err_t pp_ordercode_parse_sw(const char *text, pp_sw_code_t *out, pp_ordercode_error_t *err)
{
    PP_VERIFY(out != NULL, PP_ERR_ARG);
    PP_TRY(parse_common(PP_ORDERCODE_SW, text, out->digits, PP_ORDERCODE_SW_DIGITS, out->opt,
                        err));
    decode_sw(out);
    return PP_OK;
}

/* ---------------- printing ---------------- */

static int print_grouped(pp_ordercode_kind_t kind, const char *digits, char *buf, size_t len)
{
    PP_VERIFY(digits != NULL && buf != NULL && len > 0, PP_ERR_ARG);
    out_t o;
    out_init(&o, buf, len);
    if (kind == PP_ORDERCODE_TYPE) {
        put_s(&o, "68");
    }
    const char *sep = kind == PP_ORDERCODE_TYPE ? TYPE_SEP : SW_SEP;
    for (size_t i = 0; i < pp_ordercode_field_count(kind); i++) {
        const pp_ordercode_field_desc_t *f = pp_ordercode_field(kind, i);
        if (sep[i] != 0) {
            put_c(&o, sep[i]);
        }
        put_n(&o, digits + f->offset, f->width);
    }
    if (o.over) {
        buf[0] = '\0';
        return PP_ERR_NOSPACE;
    }
    return (int)o.pos;
}

int pp_ordercode_print_type(const pp_type_code_t *tc, char *buf, size_t len)
{
    PP_VERIFY(tc != NULL, PP_ERR_ARG);
    return print_grouped(PP_ORDERCODE_TYPE, tc->digits, buf, len);
}

int pp_ordercode_print_sw(const pp_sw_code_t *sc, char *buf, size_t len)
{
    PP_VERIFY(sc != NULL, PP_ERR_ARG);
    return print_grouped(PP_ORDERCODE_SW, sc->digits, buf, len);
}

/* ---------------- editing ---------------- */

/* Writes value into a copy of digits at the field named by key, then
 * re-parses the copy, so the result is validated exactly like input. */
static pp_err_t set_field(pp_ordercode_kind_t kind, const char *digits, const char *key,
                          const char *value, char *copy, pp_ordercode_error_t *err)
{
    err_clear(err, kind);
    PP_VERIFY(key != NULL && value != NULL, PP_ERR_ARG);
    int fi = pp_ordercode_field_find(kind, key);
    if (fi < 0) {
        return fail(err, PP_OC_E_KEY, -1, key, str_len(key), PP_ERR_NOT_FOUND);
    }
    const pp_ordercode_field_desc_t *f = pp_ordercode_field(kind, (size_t)fi);
    size_t ndig = kind == PP_ORDERCODE_TYPE ? PP_ORDERCODE_TYPE_DIGITS : PP_ORDERCODE_SW_DIGITS;
    for (size_t i = 0; i <= ndig; i++) {
        copy[i] = digits[i];
    }
    int k = pp_ordercode_option_find(f, value);
    size_t vlen = str_len(value);
    const char *code = NULL;
    if (k >= 0) {
        code = f->options[k].code;
    } else if (f->preset != PP_PRESET_NONE && vlen == f->width && all_digits(value, vlen)) {
        code = value;
    } else {
        return fail(err, PP_OC_E_VALUE, fi, value, vlen, PP_ERR_RANGE);
    }
    for (uint8_t i = 0; i < f->width; i++) {
        copy[f->offset + i] = upper(code[i]);
    }
    return PP_OK;
}

pp_err_t pp_ordercode_set_type(pp_type_code_t *tc, const char *key, const char *value,
                               pp_ordercode_error_t *err)
{
    PP_VERIFY(tc != NULL, PP_ERR_ARG);
    char copy[PP_ORDERCODE_TYPE_DIGITS + 3] = {'6', '8'};
    PP_TRY(set_field(PP_ORDERCODE_TYPE, tc->digits, key, value, copy + 2, err));
    pp_type_code_t t;
    PP_TRY(pp_ordercode_parse_type(copy, &t, err));
    *tc = t;
    return PP_OK;
}

pp_err_t pp_ordercode_set_sw(pp_sw_code_t *sc, const char *key, const char *value,
                             pp_ordercode_error_t *err)
{
    PP_VERIFY(sc != NULL, PP_ERR_ARG);
    char copy[PP_ORDERCODE_SW_DIGITS + 1];
    PP_TRY(set_field(PP_ORDERCODE_SW, sc->digits, key, value, copy, err));
    pp_sw_code_t s;
    PP_TRY(pp_ordercode_parse_sw(copy, &s, err));
    *sc = s;
    return PP_OK;
}

/* ---------------- field listing ---------------- */

static pp_err_t value_of(pp_ordercode_kind_t kind, const char *digits, const uint8_t *opt,
                         size_t i, pp_ordercode_value_t *out)
{
    PP_VERIFY(out != NULL && i < pp_ordercode_field_count(kind), PP_ERR_ARG);
    const pp_ordercode_field_desc_t *f = pp_ordercode_field(kind, i);
    out->desc = f;
    for (uint8_t k = 0; k < f->width; k++) {
        out->code[k] = digits[f->offset + k];
    }
    out->code[f->width] = '\0';
    out->option = row(kind, opt, i);
    return PP_OK;
}

pp_err_t pp_ordercode_type_value(const pp_type_code_t *tc, size_t i, pp_ordercode_value_t *out)
{
    PP_VERIFY(tc != NULL, PP_ERR_ARG);
    return value_of(PP_ORDERCODE_TYPE, tc->digits, tc->opt, i, out);
}

pp_err_t pp_ordercode_sw_value(const pp_sw_code_t *sc, size_t i, pp_ordercode_value_t *out)
{
    PP_VERIFY(sc != NULL, PP_ERR_ARG);
    return value_of(PP_ORDERCODE_SW, sc->digits, sc->opt, i, out);
}

int pp_ordercode_value_meaning(const pp_ordercode_value_t *v, char *buf, size_t len)
{
    PP_VERIFY(v != NULL && v->desc != NULL && buf != NULL && len > 0, PP_ERR_ARG);
    out_t o;
    out_init(&o, buf, len);
    if (v->option != NULL) {
        put_s(&o, v->option->meaning);
    } else {
        put_s(&o, "preset ");
        put_s(&o, v->code);
        put_s(&o, " ([preset.");
        put_s(&o, PRESET_SECTION[v->desc->preset]);
        put_c(&o, '.');
        put_s(&o, v->code);
        put_s(&o, "])");
    }
    if (o.over) {
        buf[0] = '\0';
        return PP_ERR_NOSPACE;
    }
    return (int)o.pos;
}

/* ---------------- cross-field consistency ---------------- */

typedef struct field_ref {
    pp_ordercode_kind_t kind;
    uint8_t index;
} field_ref_t;

static const field_ref_t X1_METER = {PP_ORDERCODE_TYPE, 0};
static const field_ref_t X9_ENERGY = {PP_ORDERCODE_TYPE, 8};
static const field_ref_t X10_BREAKER = {PP_ORDERCODE_TYPE, 9};
static const field_ref_t Z3_MODULE = {PP_ORDERCODE_SW, 2};
static const field_ref_t Z8_PULSE_ALARM = {PP_ORDERCODE_SW, 7};
static const field_ref_t Z9_DISCONNECT = {PP_ORDERCODE_SW, 8};
static const field_ref_t Z12_UNIT = {PP_ORDERCODE_SW, 11};
static const field_ref_t Z13_TARIFF = {PP_ORDERCODE_SW, 12};
static const field_ref_t Z19_POSITION = {PP_ORDERCODE_SW, 18};

static const char *code_digits(const pp_type_code_t *tc, const pp_sw_code_t *sc, field_ref_t r,
                               uint8_t *width)
{
    const pp_ordercode_field_desc_t *f = pp_ordercode_field(r.kind, r.index);
    *width = f->width;
    return (r.kind == PP_ORDERCODE_TYPE ? tc->digits : sc->digits) + f->offset;
}

static pp_err_t conflict(const pp_type_code_t *tc, const pp_sw_code_t *sc, field_ref_t a,
                         field_ref_t b, const char *reason, pp_ordercode_error_t *err)
{
    if (err != NULL) {
        uint8_t wa, wb;
        const char *da = code_digits(tc, sc, a, &wa);
        const char *db = code_digits(tc, sc, b, &wb);
        err->kind = PP_OC_E_CONFLICT;
        err->code = a.kind;
        err->field = (int8_t)a.index;
        err->other_code = b.kind;
        err->other_field = (int8_t)b.index;
        copy_found(err->found, sizeof err->found, da, wa);
        copy_found(err->other_found, sizeof err->other_found, db, wb);
        err->reason = reason;
    }
    return PP_ERR_STATE;
}

static pp_oc_tariff_source_t tariff_source(const pp_sw_code_t *sc)
{
    if ((sc->io_features & PP_OC_IO_TARIFF4) != 0) {
        return PP_OC_TARIFF_INPUT4;
    }
    if ((sc->io_features & PP_OC_IO_TARIFF2) != 0) {
        return PP_OC_TARIFF_INPUT2;
    }
    return sc->tariff_preset != 0 ? PP_OC_TARIFF_TABLE : PP_OC_TARIFF_SINGLE;
}

static pp_err_t check_breaker(const pp_type_code_t *tc, const pp_sw_code_t *sc,
                              pp_ordercode_error_t *err)
{
    if (!tc->has_breaker && sc->breaker_position != PP_OC_POS_NONE) {
        return conflict(tc, sc, X10_BREAKER, Z19_POSITION,
                        "a meter without breaker has breaker position 0 (No breaker)", err);
    }
    if (tc->has_breaker && sc->breaker_position == PP_OC_POS_NONE) {
        return conflict(tc, sc, X10_BREAKER, Z19_POSITION,
                        "a meter with a breaker starts 1 (Connected) or 2 (Disconnected)", err);
    }
    if (!tc->has_breaker && sc->disconnect_preset != 0) {
        return conflict(tc, sc, X10_BREAKER, Z9_DISCONNECT,
                        "a meter without breaker has no disconnect setup (000)", err);
    }
    return PP_OK;
}

static pp_err_t check_module(const pp_type_code_t *tc, const pp_sw_code_t *sc,
                             pp_ordercode_error_t *err)
{
    uint16_t io = sc->io_features;
    if ((io & PP_OC_IO_A_MINUS_OUT) != 0 && !tc->has_a_minus) {
        return conflict(tc, sc, Z3_MODULE, X9_ENERGY,
                        "an A- pulse output needs energy type 2 (A+/A-) or 4 (A+/A-/R+/R-)", err);
    }
    if ((io & PP_OC_IO_R_PLUS_OUT) != 0 && !tc->has_reactive) {
        return conflict(tc, sc, Z3_MODULE, X9_ENERGY,
                        "an R+ pulse output needs energy type 4 (A+/A-/R+/R-)", err);
    }
    bool pulse = (io & PP_OC_IO_PULSE_IN) != 0;
    if (pulse && sc->pulse_unit == PP_OC_UNIT_NONE) {
        return conflict(tc, sc, Z3_MODULE, Z12_UNIT,
                        "a pulse input needs its unit: 01 (kWh), 02 (m3) or 03 (L)", err);
    }
    if (!pulse && sc->pulse_unit != PP_OC_UNIT_NONE) {
        return conflict(tc, sc, Z3_MODULE, Z12_UNIT,
                        "a pulse input unit is set but the module has no pulse input", err);
    }
    if (sc->alarm_input_active && (io & PP_OC_IO_ALARM_IN) == 0) {
        return conflict(tc, sc, Z8_PULSE_ALARM, Z3_MODULE,
                        "the alarm input is activated but the module has no alarm input", err);
    }
    if ((io & (PP_OC_IO_TARIFF2 | PP_OC_IO_TARIFF4)) != 0 && sc->tariff_preset != 0) {
        return conflict(tc, sc, Z3_MODULE, Z13_TARIFF,
                        "tariffs come from module inputs or from a tariff table, not both", err);
    }
    return PP_OK;
}

pp_err_t pp_ordercode_check(const pp_type_code_t *tc, const pp_sw_code_t *sc,
                            pp_ordercode_features_t *features, pp_ordercode_error_t *err)
{
    err_clear(err, PP_ORDERCODE_TYPE);
    PP_VERIFY(tc != NULL && sc != NULL, PP_ERR_ARG);
    if (!tc->three_phase) {
        if (err != NULL) {
            err->reason = "this software is the OMNIPOWER Three-phase meter and cannot run "
                          "as a single-phase meter";
        }
        return fail(err, PP_OC_E_PRODUCT, X1_METER.index, tc->digits, 1, PP_ERR_UNSUPPORTED);
    }
    PP_TRY(check_breaker(tc, sc, err));
    PP_TRY(check_module(tc, sc, err));
    if (features != NULL) {
        features->disconnect_control = tc->has_breaker;
        features->export_registers = tc->has_a_minus;
        features->reactive_registers = tc->has_reactive;
        features->profile_channels = tc->energy_channels;
        features->pulse_input = (sc->io_features & PP_OC_IO_PULSE_IN) != 0;
        features->alarm_input = sc->alarm_input_active;
        features->s0_output = tc->interface == PP_OC_IF_S0;
        features->radio = tc->has_radio;
        features->battery_display = tc->has_battery;
        features->tariff_source = tariff_source(sc);
        features->debiting_external = sc->debiting_interval_months == 0;
        features->optical_21 = sc->iec1107 != PP_OC_1107_DISABLED;
        features->objects = (features->export_registers ? PP_FEAT_EXPORT : 0u) |
                            (features->reactive_registers ? PP_FEAT_REACTIVE : 0u) |
                            (features->disconnect_control ? PP_FEAT_BREAKER : 0u) |
                            (features->pulse_input ? PP_FEAT_PULSE_INPUT : 0u) |
                            (features->optical_21 ? PP_FEAT_OPTICAL_21 : 0u) |
                            (features->tariff_source == PP_OC_TARIFF_TABLE ? PP_FEAT_TARIFF_TABLE
                                                                           : 0u);
    }
    return PP_OK;
}

/* ---------------- messages ---------------- */

static void put_field(out_t *o, pp_ordercode_kind_t kind, int i)
{
    const pp_ordercode_field_desc_t *f = pp_ordercode_field(kind, (size_t)i);
    if (f == NULL) {
        put_s(o, "?");
        return;
    }
    put_s(o, f->pos);
    put_s(o, " (");
    put_s(o, f->title);
    put_c(o, ')');
}

/* "'0' (No breaker)" - the value and, when it is a table row, its words. */
static void put_value(out_t *o, pp_ordercode_kind_t kind, int i, const char *code)
{
    put_c(o, '\'');
    put_s(o, code);
    put_c(o, '\'');
    const pp_ordercode_field_desc_t *f = pp_ordercode_field(kind, (size_t)i);
    size_t n = str_len(code);
    for (uint8_t k = 0; f != NULL && k < f->n_options; k++) {
        if (code_equal(code, f->options[k].code, n)) {
            put_s(o, " (");
            put_s(o, f->options[k].meaning);
            put_c(o, ')');
        }
    }
}

static void put_allowed(out_t *o, const pp_ordercode_field_desc_t *f)
{
    put_s(o, "; allowed: ");
    for (uint8_t k = 0; k < f->n_options; k++) {
        if (k > 0) {
            put_s(o, ", ");
        }
        put_s(o, f->options[k].code);
        put_s(o, " (");
        put_s(o, f->options[k].meaning);
        put_c(o, ')');
    }
    if (f->preset != PP_PRESET_NONE) {
        put_s(o, ", or any other 3 digits NNN naming a [preset.");
        put_s(o, PRESET_SECTION[f->preset]);
        put_s(o, ".NNN] of the host configuration");
    }
}

static void put_length(out_t *o, const pp_ordercode_error_t *e)
{
    const char *after = e->code == PP_ORDERCODE_TYPE ? " characters after 68" : " characters";
    size_t nf = pp_ordercode_field_count(e->code);
    if (e->kind == PP_OC_E_SHORT) {
        put_s(o, "too short: ");
        put_u(o, e->have);
        put_s(o, " of ");
        put_u(o, e->need);
        put_s(o, after);
        put_s(o, "; missing: ");
        put_field(o, e->code, e->field);
        if ((size_t)e->field + 1 < nf) {
            put_s(o, " .. ");
            put_field(o, e->code, (int)nf - 1);
        }
        return;
    }
    put_s(o, "too long: ");
    put_u(o, e->have);
    if (e->have == 255) {
        put_s(o, " or more");
    }
    put_s(o, after);
    put_s(o, ", ");
    put_u(o, e->need);
    put_s(o, " expected; extra '");
    put_s(o, e->found);
    put_s(o, "' after ");
    put_field(o, e->code, (int)nf - 1);
}

static void put_keys(out_t *o, pp_ordercode_kind_t kind)
{
    put_s(o, "; fields: ");
    for (size_t i = 0; i < pp_ordercode_field_count(kind); i++) {
        const pp_ordercode_field_desc_t *f = pp_ordercode_field(kind, i);
        put_s(o, i > 0 ? ", " : "");
        put_s(o, f->key);
        put_s(o, " (");
        put_s(o, f->pos);
        put_c(o, ')');
    }
}

size_t pp_ordercode_error_format(const pp_ordercode_error_t *e, char *buf, size_t len)
{
    out_t o;
    if (buf == NULL || len == 0) {
        return 0;
    }
    out_init(&o, buf, len);
    if (e == NULL || e->kind == PP_OC_E_NONE) {
        put_s(&o, "no error");
        return o.pos;
    }
    const char *what = e->code == PP_ORDERCODE_TYPE ? "type number" : "software code";
    switch (e->kind) {
    case PP_OC_E_CONFLICT:
        put_s(&o, "inconsistent order code: ");
        put_field(&o, e->code, e->field);
        put_s(&o, " is ");
        put_value(&o, e->code, e->field, e->found);
        put_s(&o, " but ");
        put_field(&o, e->other_code, e->other_field);
        put_s(&o, " is ");
        put_value(&o, e->other_code, e->other_field, e->other_found);
        put_s(&o, ": ");
        put_s(&o, e->reason != NULL ? e->reason : "");
        break;
    case PP_OC_E_PRODUCT:
        put_s(&o, "unsupported meter: ");
        put_field(&o, e->code, e->field);
        put_s(&o, " is ");
        put_value(&o, e->code, e->field, e->found);
        put_s(&o, ": ");
        put_s(&o, e->reason != NULL ? e->reason : "");
        break;
    case PP_OC_E_KEY:
        put_s(&o, "unknown field '");
        put_s(&o, e->found);
        put_s(&o, "' of the ");
        put_s(&o, what);
        put_keys(&o, e->code);
        break;
    default:
        put_s(&o, "invalid ");
        put_s(&o, what);
        put_s(&o, ": ");
        if (e->kind == PP_OC_E_PREFIX) {
            put_s(&o, "must start with 68; found '");
            put_s(&o, e->found);
            put_c(&o, '\'');
        } else if (e->kind == PP_OC_E_SHORT || e->kind == PP_OC_E_LONG) {
            put_length(&o, e);
        } else {
            put_field(&o, e->code, e->field);
            put_s(&o, " is '");
            put_s(&o, e->found);
            put_c(&o, '\'');
            const pp_ordercode_field_desc_t *f = pp_ordercode_field(e->code, (size_t)e->field);
            if (f != NULL) {
                put_allowed(&o, f);
            }
        }
        break;
    }
    return o.pos;
}
