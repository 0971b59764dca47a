#include "polyphase/value.h"

const char *pp_unit_symbol(uint8_t unit)
{
    switch (unit) {
    case PP_UNIT_YEAR: return "a";
    case PP_UNIT_MONTH: return "mo";
    case PP_UNIT_WEEK: return "wk";
    case PP_UNIT_DAY: return "d";
    case PP_UNIT_HOUR: return "h";
    case PP_UNIT_MINUTE: return "min";
    case PP_UNIT_SECOND: return "s";
    case PP_UNIT_DEGREE: return "deg";
    case PP_UNIT_CELSIUS: return "C";
    case PP_UNIT_CUBIC_METRE: return "m3";
    case PP_UNIT_LITRE: return "l";
    case PP_UNIT_W: return "W";
    case PP_UNIT_VA: return "VA";
    case PP_UNIT_VAR: return "var";
    case PP_UNIT_WH: return "Wh";
    case PP_UNIT_VAH: return "VAh";
    case PP_UNIT_VARH: return "varh";
    case PP_UNIT_A: return "A";
    case PP_UNIT_V: return "V";
    case PP_UNIT_HZ: return "Hz";
    case PP_UNIT_PERCENT: return "%";
    default: return "";
    }
}

bool pp_obis_equal(pp_obis_t x, pp_obis_t y)
{
    return x.a == y.a && x.b == y.b && x.c == y.c && x.d == y.d && x.e == y.e && x.f == y.f;
}

/* Appends text to out[*n..cap); false when it does not fit (room for NUL kept). */
static bool put_str(char *out, size_t cap, size_t *n, const char *s)
{
    for (; *s; s++) {
        if (*n + 1 >= cap) {
            return false;
        }
        out[(*n)++] = *s;
    }
    out[*n] = '\0';
    return true;
}

static bool put_uint(char *out, size_t cap, size_t *n, uint64_t v)
{
    char digits[21];
    int k = 0;
    do {
        digits[k++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    char text[21];
    for (int i = 0; i < k; i++) {
        text[i] = digits[k - 1 - i];
    }
    text[k] = '\0';
    return put_str(out, cap, n, text);
}

int pp_obis_format(pp_obis_t o, char *out, size_t cap)
{
    size_t n = 0;
    bool ok = cap > 0 && put_uint(out, cap, &n, o.a) && put_str(out, cap, &n, "-") &&
              put_uint(out, cap, &n, o.b) && put_str(out, cap, &n, ":") &&
              put_uint(out, cap, &n, o.c) && put_str(out, cap, &n, ".") &&
              put_uint(out, cap, &n, o.d) && put_str(out, cap, &n, ".") &&
              put_uint(out, cap, &n, o.e) && put_str(out, cap, &n, "*") &&
              put_uint(out, cap, &n, o.f);
    return ok ? (int)n : PP_ERR_NOSPACE;
}

int pp_obis_format_short(pp_obis_t o, char *out, size_t cap)
{
    size_t n = 0;
    bool ok = cap > 0 && put_uint(out, cap, &n, o.c) && put_str(out, cap, &n, ".") &&
              put_uint(out, cap, &n, o.d) && put_str(out, cap, &n, ".") &&
              put_uint(out, cap, &n, o.e);
    if (ok && o.f != 255) {
        ok = put_str(out, cap, &n, "*") && put_uint(out, cap, &n, o.f);
    }
    return ok ? (int)n : PP_ERR_NOSPACE;
}

/* Reads up to 6 decimal groups separated by any of "-:.*"; remembers which
 * separators were seen so the short forms can be told apart. */
pp_err_t pp_obis_parse(const char *text, size_t len, uint8_t default_a, uint8_t default_b,
                       pp_obis_t *out)
{
    unsigned group[6];
    char sep_after[6] = {0};
    unsigned count = 0;
    size_t i = 0;
    PP_VERIFY(text != NULL && len > 0, PP_ERR_MALFORMED);
    while (i < len) {
        PP_VERIFY(count < 6, PP_ERR_MALFORMED);
        unsigned v = 0, digits = 0;
        while (i < len && text[i] >= '0' && text[i] <= '9') {
            v = v * 10u + (unsigned)(text[i++] - '0');
            PP_VERIFY(++digits <= 3 && v <= 255, PP_ERR_RANGE);
        }
        PP_VERIFY(digits > 0, PP_ERR_MALFORMED);
        group[count] = v;
        if (i < len) {
            char c = text[i++];
            PP_VERIFY(c == '-' || c == ':' || c == '.' || c == '*', PP_ERR_MALFORMED);
            PP_VERIFY(i < len, PP_ERR_MALFORMED); /* separator must be followed by a group */
            sep_after[count] = c;
        }
        count++;
    }
    pp_obis_t o = {default_a, default_b, 0, 0, 0, 255};
    if (count == 6) {
        o = (pp_obis_t){(uint8_t)group[0], (uint8_t)group[1], (uint8_t)group[2],
                        (uint8_t)group[3], (uint8_t)group[4], (uint8_t)group[5]};
    } else if (count == 3 || (count == 4 && sep_after[2] == '*')) {
        o.c = (uint8_t)group[0];
        o.d = (uint8_t)group[1];
        o.e = (uint8_t)group[2];
        if (count == 4) {
            o.f = (uint8_t)group[3];
        }
    } else if (count == 5 && sep_after[0] == '-' && sep_after[1] == ':') {
        o = (pp_obis_t){(uint8_t)group[0], (uint8_t)group[1], (uint8_t)group[2],
                        (uint8_t)group[3], (uint8_t)group[4], 255};
    } else {
        return PP_ERR_MALFORMED;
    }
    *out = o;
    return PP_OK;
}

pp_err_t pp_value_as_int(const pp_value_t *v, int64_t *out)
{
    switch (v->type) {
    case PP_VT_BOOL: *out = v->v.b; return PP_OK;
    case PP_VT_INT8: case PP_VT_INT16: case PP_VT_INT32: case PP_VT_INT64:
        *out = v->v.i;
        return PP_OK;
    case PP_VT_UINT8: case PP_VT_UINT16: case PP_VT_UINT32: case PP_VT_ENUM:
        *out = (int64_t)v->v.u;
        return PP_OK;
    case PP_VT_UINT64:
        PP_VERIFY(v->v.u <= (uint64_t)INT64_MAX, PP_ERR_RANGE);
        *out = (int64_t)v->v.u;
        return PP_OK;
    default:
        return PP_ERR_UNSUPPORTED;
    }
}

/* 10^k for k in 0..18. */
static uint64_t pow10u(unsigned k)
{
    uint64_t p = 1;
    while (k--) {
        p *= 10u;
    }
    return p;
}

int pp_value_format_decimal(const pp_value_t *v, int8_t scaler, int8_t unit_shift,
                            uint8_t decimals, char *out, size_t cap)
{
    int64_t raw;
    PP_VERIFY(cap > 0 && decimals <= 9, PP_ERR_ARG);
    if (v->type == PP_VT_FLOAT32 || v->type == PP_VT_FLOAT64) {
        double d = v->v.f;
        for (int k = scaler + unit_shift + decimals; k > 0; k--) d *= 10.0;
        for (int k = scaler + unit_shift + decimals; k < 0; k++) d /= 10.0;
        PP_VERIFY(d > -9.2e18 && d < 9.2e18, PP_ERR_RANGE);
        raw = (int64_t)d;
    } else {
        PP_TRY(pp_value_as_int(v, &raw));
        /* Rescale raw * 10^(scaler+shift) to an integer count of 10^-decimals. */
        int exp = scaler + unit_shift + decimals;
        PP_VERIFY(exp > -19 && exp < 19, PP_ERR_RANGE);
        if (exp >= 0) {
            raw *= (int64_t)pow10u((unsigned)exp);
        } else {
            raw /= (int64_t)pow10u((unsigned)-exp);
        }
    }
    size_t n = 0;
    uint64_t mag = raw < 0 ? (uint64_t)0 - (uint64_t)raw : (uint64_t)raw;
    uint64_t unit = pow10u(decimals);
    bool ok = (raw >= 0 || put_str(out, cap, &n, "-")) && put_uint(out, cap, &n, mag / unit);
    if (ok && decimals > 0) {
        char frac[10];
        uint64_t f = mag % unit;
        for (int k = decimals - 1; k >= 0; k--) {
            frac[k] = (char)('0' + f % 10u);
            f /= 10u;
        }
        frac[decimals] = '\0';
        ok = put_str(out, cap, &n, ".") && put_str(out, cap, &n, frac);
    }
    return ok ? (int)n : PP_ERR_NOSPACE;
}
