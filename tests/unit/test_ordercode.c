/* Order codes against the OMNIPOWER three-phase data sheet:
 * - vectors/ordercode/datasheet_tables.txt: every table row transcribed from
 *   the data sheet (not from our tables), checked both ways;
 * - vectors/ordercode/type.txt, sw.txt: parse results and messages written by
 *   hand;
 * - typed decoding of Z1/Z3/Z7/Z8/Z11 against values derived by hand below;
 * - every value of every field: code -> struct -> print -> parse round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "polyphase/ordercode.h"
#include "vectors.h"

static const char DEFAULT_TYPE[] = "68 4-1 1 3 1-B N 1 4-3 1 1-1 010";
static const char DEFAULT_SW[] = "3-1-00-2 000-01-01-1 000-0-01-00 000-000-001-000-000-001-1-000";

static pp_ordercode_kind_t kind_of(const char *pos)
{
    return pos[0] == 'X' ? PP_ORDERCODE_TYPE : PP_ORDERCODE_SW;
}

/* The data sheet writes "( FI)"; we print "(FI)". Compare without blanks
 * after '('. */
static void squeeze(char *dst, const char *src, size_t cap)
{
    size_t n = 0;
    for (; *src != '\0' && n + 1 < cap; src++) {
        if (*src == ' ' && n > 0 && dst[n - 1] == '(') {
            continue;
        }
        dst[n++] = *src;
    }
    dst[n] = '\0';
}

typedef struct seen {
    int count[2][PP_ORDERCODE_SW_FIELDS][32];
} seen_t;

static void datasheet_row(const pp_vec_case_t *c, void *arg)
{
    seen_t *seen = arg;
    assert_true(c->nfields >= 3);
    pp_ordercode_kind_t kind = kind_of(c->field[0]);
    int fi = pp_ordercode_field_find(kind, c->field[0]);
    assert_true(fi >= 0);
    const pp_ordercode_field_desc_t *f = pp_ordercode_field(kind, (size_t)fi);
    int oi = -1;
    for (int k = 0; k < f->n_options; k++) {
        if (strcmp(f->options[k].code, c->field[1]) == 0) {
            oi = k;
        }
    }
    if (oi < 0) {
        fail_msg("%s:%u: %s code %s missing from our table", c->file, c->line, c->field[0],
                 c->field[1]);
    }
    char want[128], have[128];
    squeeze(want, c->field[2], sizeof want);
    squeeze(have, f->options[oi].meaning, sizeof have);
    assert_string_equal(have, want);
    seen->count[kind][fi][oi]++;
    if (strcmp(c->field[0], "X14-X16") == 0) {
        assert_string_equal(f->options[oi].alias, c->field[3]);
    }
}

/* Rows we add to the data sheet: the neutral 000 of the preset-only fields
 * (the sheet only says "see order form"). */
static bool added_row(const pp_ordercode_field_desc_t *f)
{
    return f->preset != PP_PRESET_NONE && f->n_options == 1;
}

static void tables_match_the_data_sheet_both_ways(void **state)
{
    (void)state;
    static seen_t seen;
    memset(&seen, 0, sizeof seen);
    unsigned n = PP_VEC_EACH("ordercode/datasheet_tables.txt", datasheet_row, &seen);
    assert_int_equal(n, 186);
    unsigned ours = 0;
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < pp_ordercode_field_count((pp_ordercode_kind_t)k); i++) {
            const pp_ordercode_field_desc_t *f = pp_ordercode_field((pp_ordercode_kind_t)k, i);
            for (int o = 0; o < f->n_options; o++) {
                if (added_row(f)) {
                    assert_string_equal(f->options[o].code, "000");
                    continue;
                }
                ours++;
                if (seen.count[k][i][o] != 1) {
                    fail_msg("%s code %s is not exactly once in the data sheet", f->pos,
                             f->options[o].code);
                }
            }
        }
    }
    assert_int_equal(ours, 186);
}

static void layout_matches_the_data_sheet(void **state)
{
    (void)state;
    /* Widths from the data sheet's tables; offsets are their running sums. */
    static const unsigned SW_WIDTH[20] = {1, 1, 2, 1, 3, 2, 2, 1, 3, 1,
                                          2, 2, 3, 3, 3, 3, 3, 3, 1, 3};
    unsigned off = 0;
    for (size_t i = 0; i < 20; i++) {
        const pp_ordercode_field_desc_t *f = pp_ordercode_field(PP_ORDERCODE_SW, i);
        char pos[8];
        snprintf(pos, sizeof pos, "Z%zu", i + 1);
        assert_string_equal(f->pos, pos);
        assert_int_equal(f->width, SW_WIDTH[i]);
        assert_int_equal(f->offset, off);
        off += SW_WIDTH[i];
        for (int o = 0; o < f->n_options; o++) {
            assert_int_equal(strlen(f->options[o].code), f->width);
        }
    }
    assert_int_equal(off, 43);
    off = 0;
    for (size_t i = 0; i < PP_ORDERCODE_TYPE_FIELDS; i++) {
        const pp_ordercode_field_desc_t *f = pp_ordercode_field(PP_ORDERCODE_TYPE, i);
        assert_int_equal(f->offset, off);
        off += f->width;
    }
    assert_int_equal(off, 16);
    assert_null(pp_ordercode_field(PP_ORDERCODE_SW, 20));
    assert_null(pp_ordercode_field(PP_ORDERCODE_TYPE, 14));
}

/* ---------------- vectors of parse results ---------------- */

static int rc_of(const char *name)
{
    if (strcmp(name, "ok") == 0) {
        return PP_OK;
    }
    return strcmp(name, "MALFORMED") == 0 ? PP_ERR_MALFORMED : PP_ERR_RANGE;
}

/* arg points at the pp_ordercode_kind_t of the file. */
static void code_case(const pp_vec_case_t *c, void *arg)
{
    bool is_type = *(const pp_ordercode_kind_t *)arg == PP_ORDERCODE_TYPE;
    pp_type_code_t t;
    pp_sw_code_t s;
    pp_ordercode_error_t e;
    char buf[PP_ORDERCODE_MESSAGE_MAX];
    int rc = is_type ? pp_ordercode_parse_type(c->field[0], &t, &e)
                     : pp_ordercode_parse_sw(c->field[0], &s, &e);
    if (rc != rc_of(c->field[1])) {
        pp_ordercode_error_format(&e, buf, sizeof buf);
        fail_msg("%s:%u: rc %d (%s)", c->file, c->line, rc, buf);
    }
    if (rc == PP_OK) {
        int n = is_type ? pp_ordercode_print_type(&t, buf, sizeof buf)
                        : pp_ordercode_print_sw(&s, buf, sizeof buf);
        assert_int_equal(n, strlen(c->field[2]));
    } else {
        pp_ordercode_error_format(&e, buf, sizeof buf);
    }
    assert_string_equal(buf, c->field[2]);
}

static void parse_vectors(void **state)
{
    (void)state;
    pp_ordercode_kind_t type = PP_ORDERCODE_TYPE, sw = PP_ORDERCODE_SW;
    assert_true(PP_VEC_EACH("ordercode/type.txt", code_case, &type) >= 28);
    assert_true(PP_VEC_EACH("ordercode/sw.txt", code_case, &sw) >= 20);
}

/* ---------------- typed decoding, by hand ---------------- */

static void example_type_number_decodes(void **state)
{
    (void)state;
    pp_type_code_t t;
    assert_int_equal(pp_ordercode_parse_type(DEFAULT_TYPE, &t, NULL), PP_OK);
    assert_string_equal(t.digits, "41131BN143111010");
    assert_int_equal(t.meter_type, 4);
    assert_true(t.three_phase);
    assert_int_equal(t.measuring_systems, 3);
    assert_int_equal(t.ib_amps, 5);
    assert_int_equal(t.imax_amps, 100);
    assert_int_equal(t.accuracy, PP_OC_CLASS_B);
    assert_true(t.accuracy_mid);
    assert_int_equal(t.generation, 'N');
    assert_true(t.has_a_minus);
    assert_true(t.has_reactive);
    assert_int_equal(t.energy_channels, 4);
    assert_int_equal(t.breaker, PP_OC_BREAKER_STANDARD);
    assert_true(t.has_breaker);
    assert_true(t.has_radio);
    assert_true(t.has_battery);
    assert_int_equal(t.interface, PP_OC_IF_S0);
    assert_int_equal(t.country, 10);
    assert_string_equal(t.country_iso, "DK");
    assert_string_equal(t.country_name, "Denmark");

    assert_int_equal(pp_ordercode_parse_type("68 4-1 1 1 6-2 N 1 1-0 0 0-2 084", &t, NULL), PP_OK);
    assert_int_equal(t.measuring_systems, 1);
    assert_int_equal(t.ib_amps, 10);
    assert_int_equal(t.imax_amps, 60);
    assert_int_equal(t.accuracy, PP_OC_CLASS_2);
    assert_false(t.accuracy_mid);
    assert_false(t.has_a_minus);
    assert_false(t.has_reactive);
    assert_int_equal(t.energy_channels, 1);
    assert_false(t.has_breaker);
    assert_false(t.has_radio);
    assert_false(t.has_battery);
    assert_int_equal(t.interface, PP_OC_IF_APS);
    assert_string_equal(t.country_name, "Finland");
}

static void software_fields_decode_to_typed_values(void **state)
{
    (void)state;
    pp_sw_code_t s;
    assert_int_equal(pp_ordercode_parse_sw(DEFAULT_SW, &s, NULL), PP_OK);
    assert_int_equal(s.display_int_digits, 7);
    assert_int_equal(s.display_decimals, 2);
    assert_false(s.led_on_at_no_load);
    assert_int_equal(s.module_function, 0);
    assert_int_equal(s.io1, PP_OC_IO_UNUSED);
    assert_int_equal(s.integration_minutes, 15);
    assert_int_equal(s.display_preset, 0);
    assert_int_equal(s.debiting_day, 1);
    assert_int_equal(s.debiting_interval_months, 1);
    assert_int_equal(s.debiting_start_month, 1);
    assert_int_equal(s.pulse_ms, 30);
    assert_false(s.alarm_input_active);
    assert_int_equal(s.gmt_offset_minutes, 60);
    assert_int_equal(s.pulse_unit, PP_OC_UNIT_NONE);
    assert_int_equal(s.tariff_preset, 0);
    assert_int_equal(s.load_control, PP_OC_LOAD_NO_PLAN);
    assert_int_equal(s.dst, PP_OC_DST_EU);
    assert_int_equal(s.protocol_code, 0);
    assert_int_equal(s.iec1107, PP_OC_1107_UD1);
    assert_int_equal(s.breaker_position, PP_OC_POS_CONNECTED);

    /* Every field at another value; preset references in all preset fields. */
    assert_int_equal(pp_ordercode_parse_sw("4 2 28 4 123 28 24 4 456 0 13 03 789 042 000 379 555 "
                                           "077 2 999", &s, NULL), PP_OK);
    assert_int_equal(s.display_int_digits, 6);
    assert_int_equal(s.display_decimals, 3);
    assert_true(s.led_on_at_no_load);
    assert_int_equal(s.module_function, 28);
    assert_int_equal(s.io1, PP_OC_IO_INPUT);
    assert_int_equal(s.io2, PP_OC_IO_OUTPUT);
    assert_int_equal(s.io_features, PP_OC_IO_PULSE_IN | PP_OC_IO_LOAD_CONTROL);
    assert_int_equal(s.integration_minutes, 60);
    assert_int_equal(s.display_preset, 123);
    assert_int_equal(s.debiting_day, 28);
    assert_int_equal(s.debiting_interval_months, 12);
    assert_int_equal(s.debiting_start_month, 12);
    assert_int_equal(s.pulse_ms, 80);
    assert_true(s.alarm_input_active);
    assert_int_equal(s.disconnect_preset, 456);
    assert_int_equal(s.gmt_offset_minutes, -11 * 60);
    assert_int_equal(s.pulse_unit, PP_OC_UNIT_L);
    assert_int_equal(s.tariff_preset, 789);
    assert_int_equal(s.load_control, PP_OC_LOAD_PRESET);
    assert_int_equal(s.load_preset, 42);
    assert_int_equal(s.dst, PP_OC_DST_NONE);
    assert_int_equal(s.protocol_code, 379);
    assert_int_equal(s.pb2_preset, 555);
    assert_int_equal(s.iec1107, PP_OC_1107_PRESET);
    assert_int_equal(s.iec1107_preset, 77);
    assert_int_equal(s.breaker_position, PP_OC_POS_DISCONNECTED);
    assert_int_equal(s.calendar_preset, 999);
}

static pp_sw_code_t sw_with(const char *key, const char *value)
{
    pp_sw_code_t s;
    pp_ordercode_error_t e;
    assert_int_equal(pp_ordercode_parse_sw(DEFAULT_SW, &s, NULL), PP_OK);
    if (pp_ordercode_set_sw(&s, key, value, &e) != PP_OK) {
        char msg[PP_ORDERCODE_MESSAGE_MAX];
        pp_ordercode_error_format(&e, msg, sizeof msg);
        fail_msg("%s = %s: %s", key, value, msg);
    }
    return s;
}

static void z1_z7_z8_z11_by_hand(void **state)
{
    (void)state;
    /* Z1: "7.0" etc. = digits before . after the point. */
    static const unsigned Z1[4][2] = {{7, 0}, {6, 1}, {7, 2}, {6, 3}};
    for (int i = 0; i < 4; i++) {
        char code[2] = {(char)('1' + i), 0};
        pp_sw_code_t s = sw_with("Z1", code);
        assert_int_equal(s.display_int_digits, Z1[i][0]);
        assert_int_equal(s.display_decimals, Z1[i][1]);
    }
    /* Z7: 00 external; 01 monthly; 02-03 every 2nd month from Jan/Feb;
     * 04-06 every 3rd from Jan..Mar; 07-12 every 6th from Jan..Jun; 13-24
     * yearly in Jan..Dec. So code c >= 13 -> (12, c - 12), 07..12 ->
     * (6, c - 6), 04..06 -> (3, c - 3), 02..03 -> (2, c - 1). */
    for (unsigned c = 0; c <= 24; c++) {
        unsigned iv = c == 0 ? 0 : c == 1 ? 1 : c <= 3 ? 2 : c <= 6 ? 3 : c <= 12 ? 6 : 12;
        unsigned start = c == 0 ? 0 : c == 1 ? 1 : c <= 3 ? c - 1 : c <= 6 ? c - 3
                                                                  : c <= 12 ? c - 6 : c - 12;
        char code[3];
        snprintf(code, sizeof code, "%02u", c);
        pp_sw_code_t s = sw_with("debiting_interval", code);
        assert_int_equal(s.debiting_interval_months, iv);
        assert_int_equal(s.debiting_start_month, start);
    }
    /* Z8: 1 30/off, 2 30/on, 3 80/off, 4 80/on. */
    for (int c = 1; c <= 4; c++) {
        char code[2] = {(char)('0' + c), 0};
        pp_sw_code_t s = sw_with("Z8", code);
        assert_int_equal(s.pulse_ms, c <= 2 ? 30 : 80);
        assert_int_equal(s.alarm_input_active, c % 2 == 0);
    }
    /* Z11: 00..12 = +0..+12 h, 13..23 = -11..-1 h. */
    for (int c = 0; c <= 23; c++) {
        char code[3];
        snprintf(code, sizeof code, "%02d", c);
        pp_sw_code_t s = sw_with("gmt", code);
        assert_int_equal(s.gmt_offset_minutes, c <= 12 ? c * 60 : (c - 24) * 60);
    }
}

static void z3_directions_and_functions_by_hand(void **state)
{
    (void)state;
    /* From the data sheet's I/O 1 / I/O 2 columns: I input, O output, - none. */
    static const struct {
        const char *code, *dirs;
        unsigned must;
    } Z3[] = {
        {"00", "--", 0}, {"01", "II", PP_OC_IO_TARIFF4},
        {"02", "II", PP_OC_IO_TARIFF4 | PP_OC_IO_INVERTED},
        {"03", "II", PP_OC_IO_PULSE_IN | PP_OC_IO_ALARM_IN},
        {"04", "II", PP_OC_IO_PULSE_IN | PP_OC_IO_ALARM_IN | PP_OC_IO_INVERTED},
        {"05", "IO", PP_OC_IO_PULSE_IN | PP_OC_IO_A_PLUS_OUT},
        {"06", "OO", PP_OC_IO_R_PLUS_OUT | PP_OC_IO_A_PLUS_OUT},
        {"07", "II", PP_OC_IO_TARIFF2 | PP_OC_IO_ALARM_IN}, {"08", "II", PP_OC_IO_TARIFF2},
        {"09", "II", PP_OC_IO_ALARM_IN}, {"10", "II", PP_OC_IO_INVERTED},
        {"11", "IO", PP_OC_IO_TARIFF2 | PP_OC_IO_A_PLUS_OUT},
        {"12", "IO", PP_OC_IO_TARIFF2 | PP_OC_IO_INVERTED},
        {"13", "II", PP_OC_IO_PULSE_IN | PP_OC_IO_TARIFF2}, {"14", "II", PP_OC_IO_INVERTED},
        {"15", "I-", PP_OC_IO_DEBIT_STOP},
        {"16", "OO", PP_OC_IO_A_MINUS_OUT | PP_OC_IO_A_PLUS_OUT},
        {"17", "IO", PP_OC_IO_LOAD_CONTROL}, {"18", "IO", PP_OC_IO_PULSE_IN},
        {"19", "IO", PP_OC_IO_INVERTED}, {"20", "IO", PP_OC_IO_INVERTED},
        {"21", "IO", PP_OC_IO_INVERTED}, {"22", "II", PP_OC_IO_TARIFF4},
        {"23", "II", PP_OC_IO_TARIFF4 | PP_OC_IO_INVERTED},
        {"26", "OO", PP_OC_IO_LOAD_CONTROL}, {"27", "IO", PP_OC_IO_PULSE_IN},
        {"28", "IO", PP_OC_IO_PULSE_IN | PP_OC_IO_LOAD_CONTROL},
    };
    const pp_oc_io_dir_t DIR['O' + 1] = {['-'] = PP_OC_IO_UNUSED, ['I'] = PP_OC_IO_INPUT,
                                         ['O'] = PP_OC_IO_OUTPUT};
    for (size_t i = 0; i < sizeof Z3 / sizeof Z3[0]; i++) {
        pp_sw_code_t s = sw_with("Z3", Z3[i].code);
        assert_int_equal(s.io1, DIR[(int)Z3[i].dirs[0]]);
        assert_int_equal(s.io2, DIR[(int)Z3[i].dirs[1]]);
        assert_int_equal(s.io_features & Z3[i].must, Z3[i].must);
        /* Outputs only where the sheet has an output column. */
        bool out = (s.io_features & (PP_OC_IO_A_PLUS_OUT | PP_OC_IO_A_MINUS_OUT |
                                     PP_OC_IO_R_PLUS_OUT)) != 0;
        if (out) {
            assert_true(s.io1 == PP_OC_IO_OUTPUT || s.io2 == PP_OC_IO_OUTPUT);
        }
    }
    pp_sw_code_t s;
    pp_ordercode_error_t e;
    assert_int_equal(pp_ordercode_parse_sw(DEFAULT_SW, &s, NULL), PP_OK);
    assert_int_equal(pp_ordercode_set_sw(&s, "Z3", "24", &e), PP_ERR_RANGE);
    assert_int_equal(pp_ordercode_set_sw(&s, "Z3", "25", &e), PP_ERR_RANGE);
}

/* ---------------- round trips of every value ---------------- */

static void every_value_round_trips(void **state)
{
    (void)state;
    unsigned checked = 0;
    for (int k = 0; k < 2; k++) {
        pp_ordercode_kind_t kind = (pp_ordercode_kind_t)k;
        const char *base = kind == PP_ORDERCODE_TYPE ? DEFAULT_TYPE + 2 : DEFAULT_SW;
        char digits[64];
        size_t n = 0;
        for (const char *p = base; *p; p++) {
            if (*p != ' ' && *p != '-') {
                digits[n++] = *p;
            }
        }
        digits[n] = '\0';
        for (size_t i = 0; i < pp_ordercode_field_count(kind); i++) {
            const pp_ordercode_field_desc_t *f = pp_ordercode_field(kind, i);
            for (int o = 0; o < f->n_options; o++) {
                char text[80], printed[80], again[80];
                snprintf(text, sizeof text, "%s", kind == PP_ORDERCODE_TYPE ? "68" : "");
                size_t pre = strlen(text);
                memcpy(text + pre, digits, n + 1);
                memcpy(text + pre + f->offset, f->options[o].code, f->width);
                pp_ordercode_value_t v;
                char meaning[128];
                if (kind == PP_ORDERCODE_TYPE) {
                    pp_type_code_t t, t2;
                    assert_int_equal(pp_ordercode_parse_type(text, &t, NULL), PP_OK);
                    assert_true(pp_ordercode_print_type(&t, printed, sizeof printed) > 0);
                    assert_int_equal(pp_ordercode_parse_type(printed, &t2, NULL), PP_OK);
                    assert_true(pp_ordercode_print_type(&t2, again, sizeof again) > 0);
                    assert_memory_equal(&t.opt, &t2.opt, sizeof t.opt);
                    assert_int_equal(pp_ordercode_type_value(&t, i, &v), PP_OK);
                    assert_string_equal(t.digits, text + 2);
                } else {
                    pp_sw_code_t s, s2;
                    assert_int_equal(pp_ordercode_parse_sw(text, &s, NULL), PP_OK);
                    assert_true(pp_ordercode_print_sw(&s, printed, sizeof printed) > 0);
                    assert_int_equal(pp_ordercode_parse_sw(printed, &s2, NULL), PP_OK);
                    assert_true(pp_ordercode_print_sw(&s2, again, sizeof again) > 0);
                    assert_memory_equal(&s.opt, &s2.opt, sizeof s.opt);
                    assert_int_equal(pp_ordercode_sw_value(&s, i, &v), PP_OK);
                    assert_string_equal(s.digits, text);
                }
                assert_string_equal(printed, again);
                assert_ptr_equal(v.option, &f->options[o]);
                assert_string_equal(v.code, f->options[o].code);
                assert_true(pp_ordercode_value_meaning(&v, meaning, sizeof meaning) > 0);
                assert_string_equal(meaning, f->options[o].meaning);
                checked++;
            }
        }
    }
    assert_int_equal(checked, 186 + 5); /* data sheet rows + our five 000 rows */
}

static void separators_anywhere_are_ignored(void **state)
{
    (void)state;
    /* The compact form with a blank or dash inserted at every position. */
    const char *compact = "6841131BN143111010";
    for (size_t cut = 0; cut <= strlen(compact); cut++) {
        for (int sep = 0; sep < 2; sep++) {
            char text[40];
            snprintf(text, sizeof text, "%.*s%s%s", (int)cut, compact, sep ? "-" : " ",
                     compact + cut);
            pp_type_code_t t;
            char printed[PP_ORDERCODE_TYPE_TEXT];
            assert_int_equal(pp_ordercode_parse_type(text, &t, NULL), PP_OK);
            assert_int_equal(pp_ordercode_print_type(&t, printed, sizeof printed), 32);
            assert_string_equal(printed, DEFAULT_TYPE);
        }
    }
}

/* ---------------- lookup, set, presets ---------------- */

static void options_are_found_by_code_words_and_alias(void **state)
{
    (void)state;
    pp_type_code_t t;
    pp_ordercode_error_t e;
    assert_int_equal(pp_ordercode_parse_type(DEFAULT_TYPE, &t, NULL), PP_OK);
    assert_int_equal(pp_ordercode_set_type(&t, "energy-type", "A+/A-", &e), PP_OK);
    assert_int_equal(pp_ordercode_set_type(&t, "breaker", "standard", &e), PP_OK);
    assert_int_equal(pp_ordercode_set_type(&t, "country", "ch-it", &e), PP_OK);
    assert_int_equal(pp_ordercode_set_type(&t, "X6", "class 1", &e), PP_OK);
    assert_int_equal(pp_ordercode_set_type(&t, "x5", "10-80A", &e), PP_OK);
    assert_int_equal(pp_ordercode_set_type(&t, "X15", "Sweden", &e), PP_OK);
    char buf[PP_ORDERCODE_TYPE_TEXT];
    pp_ordercode_print_type(&t, buf, sizeof buf);
    assert_string_equal(buf, "68 4-1 1 3 7-1 N 1 2-3 1 1-1 090");
    /* No text selects two options of one field. */
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < pp_ordercode_field_count((pp_ordercode_kind_t)k); i++) {
            const pp_ordercode_field_desc_t *f = pp_ordercode_field((pp_ordercode_kind_t)k, i);
            for (int o = 0; o < f->n_options; o++) {
                const pp_ordercode_option_t *op = &f->options[o];
                assert_int_equal(pp_ordercode_option_find(f, op->code), o);
                assert_int_equal(pp_ordercode_option_find(f, op->meaning), o);
                if (op->alias != NULL) {
                    assert_int_equal(pp_ordercode_option_find(f, op->alias), o);
                }
            }
        }
    }
    assert_int_equal(pp_ordercode_option_find(NULL, "x"), -1);
    assert_int_equal(pp_ordercode_field_find(PP_ORDERCODE_SW, NULL), -1);
    assert_int_equal(pp_ordercode_field_find(PP_ORDERCODE_SW, "Z21"), -1);
}

static void set_errors_leave_the_code_unchanged(void **state)
{
    (void)state;
    pp_type_code_t t, before;
    pp_sw_code_t s;
    pp_ordercode_error_t e;
    char msg[PP_ORDERCODE_MESSAGE_MAX];
    assert_int_equal(pp_ordercode_parse_type(DEFAULT_TYPE, &t, NULL), PP_OK);
    before = t;
    assert_int_equal(pp_ordercode_set_type(&t, "colour", "red", &e), PP_ERR_NOT_FOUND);
    pp_ordercode_error_format(&e, msg, sizeof msg);
    assert_non_null(strstr(msg, "unknown field 'colour' of the type number; fields: meter_type (X1)"));
    assert_int_equal(pp_ordercode_set_type(&t, "breaker", "triple", &e), PP_ERR_RANGE);
    pp_ordercode_error_format(&e, msg, sizeof msg);
    assert_string_equal(msg, "invalid type number: X10 (breaker) is 'triple'; allowed: 0 (No "
                             "breaker), 2 (Dual breaker), 3 (Standard breaker)");
    assert_memory_equal(&t, &before, sizeof t);
    assert_int_equal(pp_ordercode_parse_sw(DEFAULT_SW, &s, NULL), PP_OK);
    /* Preset fields take any 3 digits, but only 3. */
    assert_int_equal(pp_ordercode_set_sw(&s, "tariff_tables", "7", &e), PP_ERR_RANGE);
    assert_int_equal(pp_ordercode_set_sw(&s, "tariff_tables", "007", &e), PP_OK);
    assert_int_equal(s.tariff_preset, 7);
    pp_ordercode_value_t v;
    assert_int_equal(pp_ordercode_sw_value(&s, 12, &v), PP_OK);
    assert_null(v.option);
    assert_true(pp_ordercode_value_meaning(&v, msg, sizeof msg) > 0);
    assert_string_equal(msg, "preset 007 ([preset.tariff.007])");
    assert_int_equal(pp_ordercode_value_meaning(&v, msg, 8), PP_ERR_NOSPACE);
    assert_int_equal(pp_ordercode_set_sw(&s, "load_control", "module", &e), PP_OK);
    assert_int_equal(s.load_control, PP_OC_LOAD_MODULE_PORT);
    assert_int_equal(pp_ordercode_set_sw(&s, "iec1107", "UD2", &e), PP_OK);
    assert_int_equal(s.iec1107, PP_OC_1107_UD2);
    assert_int_equal(pp_ordercode_sw_value(&s, 20, &v), PP_ERR_ARG);
}

/* ---------------- consistency ---------------- */

static pp_err_t check(const char *type, const char *sw, pp_ordercode_features_t *f, char *msg)
{
    pp_type_code_t t;
    pp_sw_code_t s;
    pp_ordercode_error_t e;
    assert_int_equal(pp_ordercode_parse_type(type, &t, NULL), PP_OK);
    assert_int_equal(pp_ordercode_parse_sw(sw, &s, NULL), PP_OK);
    pp_err_t rc = pp_ordercode_check(&t, &s, f, &e);
    pp_ordercode_error_format(&e, msg, PP_ORDERCODE_MESSAGE_MAX);
    return rc;
}

static void combinations_are_checked(void **state)
{
    (void)state;
    char msg[PP_ORDERCODE_MESSAGE_MAX];
    pp_ordercode_features_t f;
    assert_int_equal(check(DEFAULT_TYPE, DEFAULT_SW, &f, msg), PP_OK);
    assert_string_equal(msg, "no error");
    assert_true(f.disconnect_control && f.export_registers && f.reactive_registers);
    assert_int_equal(f.profile_channels, 4);
    assert_true(f.s0_output && f.radio && f.battery_display && f.optical_21);
    assert_false(f.pulse_input || f.alarm_input || f.debiting_external);
    assert_int_equal(f.tariff_source, PP_OC_TARIFF_SINGLE);
    assert_int_equal(f.objects, 0x17); /* export, reactive, breaker, optical 21 */

    static const struct {
        const char *type, *sw, *msg;
        pp_err_t rc;
    } CASES[] = {
        {"68 6-1 1 1 1-A N 1 1-0 0 0-0 010", "3-1-00-2 000-01-01-1 000-0-01-00 000-000-001-000-000-001-0-000",
         "unsupported meter: X1 (meter type) is '6' (OMNIPOWER Single-phase): this software is "
         "the OMNIPOWER Three-phase meter and cannot run as a single-phase meter", PP_ERR_UNSUPPORTED},
        {"68 4-1 1 3 1-B N 1 4-0 1 1-1 010", DEFAULT_SW,
         "inconsistent order code: X10 (breaker) is '0' (No breaker) but Z19 (breaker position) "
         "is '1' (Connected): a meter without breaker has breaker position 0 (No breaker)", PP_ERR_STATE},
        {DEFAULT_TYPE, "3-1-00-2 000-01-01-1 000-0-01-00 000-000-001-000-000-001-0-000",
         "inconsistent order code: X10 (breaker) is '3' (Standard breaker) but Z19 (breaker "
         "position) is '0' (No breaker): a meter with a breaker starts 1 (Connected) or 2 "
         "(Disconnected)", PP_ERR_STATE},
        {"68 4-1 1 3 1-B N 1 4-0 1 1-1 010", "3-1-00-2 000-01-01-1 001-0-01-00 000-000-001-000-000-001-0-000",
         "inconsistent order code: X10 (breaker) is '0' (No breaker) but Z9 (disconnect setup) "
         "is '001': a meter without breaker has no disconnect setup (000)", PP_ERR_STATE},
        {"68 4-1 1 3 1-B N 1 1-3 1 1-1 010", "3-1-16-2 000-01-01-1 000-0-01-00 000-000-001-000-000-001-1-000",
         "inconsistent order code: Z3 (primary module configuration) is '16' (A- out / A+ out) "
         "but X9 (energy type) is '1' (A+): an A- pulse output needs energy type 2 (A+/A-) or 4 "
         "(A+/A-/R+/R-)", PP_ERR_STATE},
        {"68 4-1 1 3 1-B N 1 2-3 1 1-1 010", "3-1-06-2 000-01-01-1 000-0-01-00 000-000-001-000-000-001-1-000",
         "inconsistent order code: Z3 (primary module configuration) is '06' (R+ out / A+ out) "
         "but X9 (energy type) is '2' (A+/A-): an R+ pulse output needs energy type 4 "
         "(A+/A-/R+/R-)", PP_ERR_STATE},
        {DEFAULT_TYPE, "3-1-05-2 000-01-01-1 000-0-01-00 000-000-001-000-000-001-1-000",
         "inconsistent order code: Z3 (primary module configuration) is '05' (Pulse in / A+ out) "
         "but Z12 (unit pulse input) is '00' (None): a pulse input needs its unit: 01 (kWh), 02 "
         "(m3) or 03 (L)", PP_ERR_STATE},
        {DEFAULT_TYPE, "3-1-00-2 000-01-01-1 000-0-01-02 000-000-001-000-000-001-1-000",
         "inconsistent order code: Z3 (primary module configuration) is '00' (No function) but "
         "Z12 (unit pulse input) is '02' (m3): a pulse input unit is set but the module has no "
         "pulse input", PP_ERR_STATE},
        {DEFAULT_TYPE, "3-1-00-2 000-01-01-4 000-0-01-00 000-000-001-000-000-001-1-000",
         "inconsistent order code: Z8 (pulse out length / alarm input) is '4' (80ms pulse length "
         "/ Alarm input active) but Z3 (primary module configuration) is '00' (No function): the "
         "alarm input is activated but the module has no alarm input", PP_ERR_STATE},
        {DEFAULT_TYPE, "3-1-01-2 000-01-01-1 000-0-01-00 001-000-001-000-000-001-1-000",
         "inconsistent order code: Z3 (primary module configuration) is '01' (4-tariff) but Z13 "
         "(tariff control tables) is '001': tariffs come from module inputs or from a tariff "
         "table, not both", PP_ERR_STATE},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        assert_int_equal(check(CASES[i].type, CASES[i].sw, NULL, msg), CASES[i].rc);
        assert_string_equal(msg, CASES[i].msg);
    }
    /* Consistent uses of the module: pulse in with a unit, alarm, tariffs. */
    assert_int_equal(check(DEFAULT_TYPE, "3-1-03-2 000-01-00-2 000-0-01-01 000-000-001-000-000-001-1-000",
                           &f, msg), PP_OK);
    assert_true(f.pulse_input && f.alarm_input && f.debiting_external);
    assert_int_equal(f.objects & 0x8u, 0x8u);
    assert_int_equal(check(DEFAULT_TYPE, "3-1-07-2 000-01-01-1 000-0-01-00 000-000-001-000-000-000-1-000",
                           &f, msg), PP_OK);
    assert_int_equal(f.tariff_source, PP_OC_TARIFF_INPUT2);
    assert_false(f.optical_21);
    assert_int_equal(check(DEFAULT_TYPE, "3-1-22-2 000-01-01-1 000-0-01-00 000-000-001-000-000-000-1-000",
                           &f, msg), PP_OK);
    assert_int_equal(f.tariff_source, PP_OC_TARIFF_INPUT4);
    assert_int_equal(check(DEFAULT_TYPE, "3-1-00-2 000-01-01-1 000-0-01-00 005-000-001-000-000-000-1-000",
                           &f, msg), PP_OK);
    assert_int_equal(f.tariff_source, PP_OC_TARIFF_TABLE);
}

/* ---------------- arguments and buffers ---------------- */

static void bad_arguments_and_small_buffers(void **state)
{
    (void)state;
    pp_type_code_t t;
    pp_sw_code_t s;
    pp_ordercode_error_t e;
    char buf[PP_ORDERCODE_MESSAGE_MAX];
    assert_int_equal(pp_ordercode_parse_type(NULL, &t, &e), PP_ERR_ARG);
    assert_int_equal(pp_ordercode_parse_type(DEFAULT_TYPE, NULL, &e), PP_ERR_ARG);
    assert_int_equal(pp_ordercode_parse_sw(NULL, &s, NULL), PP_ERR_ARG);
    assert_int_equal(pp_ordercode_check(NULL, &s, NULL, &e), PP_ERR_ARG);
    assert_int_equal(pp_ordercode_parse_type(DEFAULT_TYPE, &t, &e), PP_OK);
    assert_int_equal(pp_ordercode_print_type(&t, buf, PP_ORDERCODE_TYPE_TEXT), 32);
    assert_int_equal(pp_ordercode_print_type(&t, buf, PP_ORDERCODE_TYPE_TEXT - 1), PP_ERR_NOSPACE);
    assert_string_equal(buf, "");
    assert_int_equal(pp_ordercode_print_type(NULL, buf, sizeof buf), PP_ERR_ARG);
    assert_int_equal(pp_ordercode_print_type(&t, NULL, 10), PP_ERR_ARG);
    assert_int_equal(pp_ordercode_parse_sw(DEFAULT_SW, &s, &e), PP_OK);
    assert_int_equal(pp_ordercode_print_sw(&s, buf, PP_ORDERCODE_SW_TEXT), 62);
    assert_int_equal(pp_ordercode_print_sw(&s, buf, PP_ORDERCODE_SW_TEXT - 1), PP_ERR_NOSPACE);
    assert_int_equal(pp_ordercode_set_type(&t, NULL, "1", &e), PP_ERR_ARG);
    /* Unprintable input is shown escaped; messages truncate safely. */
    assert_int_equal(pp_ordercode_parse_type("68 4-1 1 3 1-\x01 N 1 4-3 1 1-1 010", &t, &e),
                     PP_ERR_RANGE);
    pp_ordercode_error_format(&e, buf, sizeof buf);
    assert_non_null(strstr(buf, "X6 (accuracy class) is '\\x01'; allowed"));
    assert_int_equal(pp_ordercode_error_format(&e, buf, 10), 9);
    assert_string_equal(buf, "invalid t");
    assert_int_equal(pp_ordercode_error_format(&e, NULL, 10), 0);
    assert_int_equal(pp_ordercode_error_format(NULL, buf, sizeof buf), 8);
    /* A very long input reports its length without overflowing. */
    char longtext[600];
    memset(longtext, '1', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = '\0';
    longtext[0] = '6';
    longtext[1] = '8';
    assert_int_equal(pp_ordercode_parse_type(longtext, &t, &e), PP_ERR_MALFORMED);
    pp_ordercode_error_format(&e, buf, sizeof buf);
    assert_non_null(strstr(buf, "too long: 255 or more characters after 68, 16 expected"));
    /* The longest message (Z3's allowed list) fits the documented maximum. */
    assert_int_equal(pp_ordercode_parse_sw("3-1-99-2 000-01-01-1 000-0-01-00 000-000-001-000-000-001-1-000",
                                           &s, &e), PP_ERR_RANGE);
    assert_true(pp_ordercode_error_format(&e, buf, sizeof buf) < sizeof buf - 1);
}

static void defaults_parse(void **state)
{
    (void)state;
    pp_type_code_t t;
    pp_sw_code_t s;
    char buf[PP_ORDERCODE_SW_TEXT];
    assert_int_equal(pp_ordercode_parse_type(pp_ordercode_default_type, &t, NULL), PP_OK);
    assert_int_equal(pp_ordercode_parse_sw(pp_ordercode_default_sw, &s, NULL), PP_OK);
    assert_int_equal(pp_ordercode_check(&t, &s, NULL, NULL), PP_OK);
    pp_ordercode_print_sw(&s, buf, sizeof buf);
    assert_string_equal(buf, pp_ordercode_default_sw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tables_match_the_data_sheet_both_ways),
        cmocka_unit_test(layout_matches_the_data_sheet),
        cmocka_unit_test(parse_vectors),
        cmocka_unit_test(example_type_number_decodes),
        cmocka_unit_test(software_fields_decode_to_typed_values),
        cmocka_unit_test(z1_z7_z8_z11_by_hand),
        cmocka_unit_test(z3_directions_and_functions_by_hand),
        cmocka_unit_test(every_value_round_trips),
        cmocka_unit_test(separators_anywhere_are_ignored),
        cmocka_unit_test(options_are_found_by_code_words_and_alias),
        cmocka_unit_test(set_errors_leave_the_code_unchanged),
        cmocka_unit_test(combinations_are_checked),
        cmocka_unit_test(bad_arguments_and_small_buffers),
        cmocka_unit_test(defaults_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
