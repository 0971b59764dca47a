/* A-XDR codec tests.
 * References: hand-derived encodings (IEC 61334-6 A-XDR rules, COSEM data
 * types of IEC 62056-6-2) and captured values from the public dlms-cosem
 * test data, all in vectors/dlms/axdr.vec with the derivation beside each.
 * Every valid vector is (1) measured, (2) re-encoded with our writers and
 * compared byte for byte, (3) cut at every byte, which must give
 * PP_ERR_TRUNCATED, and (4) re-encoded into every too-small buffer, which
 * must give PP_ERR_NOSPACE without writing past the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "polyphase/axdr.h"
#include "vectors.h"

static int err_by_name(const char *s)
{
    static const struct { const char *n; int e; } t[] = {
        {"TRUNCATED", PP_ERR_TRUNCATED}, {"MALFORMED", PP_ERR_MALFORMED},
        {"UNSUPPORTED", PP_ERR_UNSUPPORTED}, {"DEPTH", PP_ERR_DEPTH},
        {"RANGE", PP_ERR_RANGE}, {"NOSPACE", PP_ERR_NOSPACE},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        if (strcmp(s, t[i].n) == 0) {
            return t[i].e;
        }
    }
    return atoi(s);
}

/* Re-encodes one value from rd into wr with the public writers. */
static pp_err_t reencode(pp_axdr_rd_t *rd, pp_axdr_wr_t *wr)
{
    pp_axdr_value_t v;
    pp_axdr_datetime_t dt;
    PP_TRY(pp_axdr_get(rd, &v));
    switch (v.tag) {
    case PP_DT_NULL: return pp_axdr_put_null(wr);
    case PP_DT_DONT_CARE: return pp_axdr_put_dont_care(wr);
    case PP_DT_BOOLEAN: return pp_axdr_put_bool(wr, v.v.b);
    case PP_DT_BIT_STRING: return pp_axdr_put_bits(wr, v.v.str.ptr, v.v.str.bits);
    case PP_DT_DOUBLE_LONG: return pp_axdr_put_i32(wr, (int32_t)v.v.i);
    case PP_DT_DOUBLE_LONG_UNSIGNED: return pp_axdr_put_u32(wr, (uint32_t)v.v.u);
    case PP_DT_OCTET_STRING: return pp_axdr_put_octets(wr, v.v.str.ptr, v.v.str.len);
    case PP_DT_VISIBLE_STRING: return pp_axdr_put_visible(wr, v.v.str.ptr, v.v.str.len);
    case PP_DT_UTF8_STRING: return pp_axdr_put_utf8(wr, v.v.str.ptr, v.v.str.len);
    case PP_DT_BCD: return pp_axdr_put_bcd(wr, (uint8_t)v.v.u);
    case PP_DT_INTEGER: return pp_axdr_put_i8(wr, (int8_t)v.v.i);
    case PP_DT_LONG: return pp_axdr_put_i16(wr, (int16_t)v.v.i);
    case PP_DT_UNSIGNED: return pp_axdr_put_u8(wr, (uint8_t)v.v.u);
    case PP_DT_LONG_UNSIGNED: return pp_axdr_put_u16(wr, (uint16_t)v.v.u);
    case PP_DT_LONG64: return pp_axdr_put_i64(wr, v.v.i);
    case PP_DT_LONG64_UNSIGNED: return pp_axdr_put_u64(wr, v.v.u);
    case PP_DT_ENUM: return pp_axdr_put_enum(wr, (uint8_t)v.v.u);
    case PP_DT_FLOAT32: return pp_axdr_put_f32(wr, v.v.f32);
    case PP_DT_FLOAT64: return pp_axdr_put_f64(wr, v.v.f64);
    case PP_DT_DATE_TIME:
        PP_TRY(pp_axdr_datetime_unpack(v.v.str.ptr, &dt));
        return pp_axdr_put_datetime(wr, &dt);
    case PP_DT_DATE:
        PP_TRY(pp_axdr_date_unpack(v.v.str.ptr, &dt));
        return pp_axdr_put_date(wr, &dt);
    case PP_DT_TIME:
        PP_TRY(pp_axdr_time_unpack(v.v.str.ptr, &dt));
        return pp_axdr_put_time(wr, &dt);
    case PP_DT_COMPACT_ARRAY:
        return pp_axdr_put_compact(wr, v.v.compact.desc, v.v.compact.desc_len, v.v.compact.data,
                                   v.v.compact.data_len);
    case PP_DT_ARRAY:
    case PP_DT_STRUCTURE:
        PP_TRY(v.tag == PP_DT_ARRAY ? pp_axdr_put_array(wr, v.v.count)
                                    : pp_axdr_put_struct(wr, v.v.count));
        for (uint32_t i = 0; i < v.v.count; i++) {
            PP_TRY(reencode(rd, wr));
        }
        return PP_OK;
    default: return PP_ERR_INTERNAL;
    }
}

static void check_vector(const pp_vec_case_t *c, void *arg)
{
    unsigned *ok_count = arg;
    uint8_t in[512], out[520];
    int n = pp_vec_hex(c->field[0], in, sizeof in);
    assert_true(n > 0);
    int want = err_by_name(c->field[1]);
    int got = pp_axdr_measure(in, (size_t)n, 0);
    if (got != want) {
        fail_msg("%s:%u: measure gave %d, expected %d", c->file, c->line, got, want);
    }
    if (want < 0) {
        return;
    }
    assert_int_equal(want, n); /* the vectors hold exactly one value */
    (*ok_count)++;

    pp_axdr_rd_t rd;
    pp_axdr_wr_t wr;
    pp_axdr_rd_init(&rd, in, (size_t)n);
    pp_axdr_wr_init(&wr, out, sizeof out);
    assert_int_equal(reencode(&rd, &wr), PP_OK);
    assert_int_equal(wr.pos, (size_t)n);
    assert_memory_equal(out, in, (size_t)n);

    for (int cut = 0; cut < n; cut++) {
        got = pp_axdr_measure(in, (size_t)cut, 0);
        if (got != PP_ERR_TRUNCATED) {
            fail_msg("%s:%u: prefix of %d gave %d", c->file, c->line, cut, got);
        }
    }
    for (int cap = 0; cap < n; cap++) {
        memset(out, 0xA5, sizeof out);
        pp_axdr_rd_init(&rd, in, (size_t)n);
        pp_axdr_wr_init(&wr, out, (size_t)cap);
        assert_int_equal(reencode(&rd, &wr), PP_ERR_NOSPACE);
        assert_true(wr.pos <= (size_t)cap);
        for (size_t i = (size_t)cap; i < sizeof out; i++) {
            assert_int_equal(out[i], 0xA5);
        }
    }
}

static void vectors(void **state)
{
    (void)state;
    unsigned ok = 0;
    unsigned cases = PP_VEC_EACH("dlms/axdr.vec", check_vector, &ok);
    assert_true(cases >= 50);
    assert_true(ok >= 30);
}

static void length_forms(void **state)
{
    (void)state;
    /* hand: 0..127 short form; 128 -> 81 80; 256 -> 82 01 00; 65536 -> 83 01 00 00 */
    static const struct { uint32_t v; uint8_t b[5]; size_t n; } t[] = {
        {0, {0x00}, 1}, {127, {0x7F}, 1}, {128, {0x81, 0x80}, 2}, {255, {0x81, 0xFF}, 2},
        {256, {0x82, 0x01, 0x00}, 3}, {65535, {0x82, 0xFF, 0xFF}, 3},
        {65536, {0x83, 0x01, 0x00, 0x00}, 4},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        uint8_t buf[8];
        pp_axdr_wr_t wr;
        pp_axdr_wr_init(&wr, buf, sizeof buf);
        assert_int_equal(pp_axdr_put_length(&wr, t[i].v), PP_OK);
        assert_int_equal(wr.pos, t[i].n);
        assert_memory_equal(buf, t[i].b, t[i].n);
        assert_int_equal(pp_axdr_length_size(t[i].v), t[i].n);
        pp_axdr_rd_t rd;
        uint32_t back;
        pp_axdr_rd_init(&rd, buf, wr.pos);
        assert_int_equal(pp_axdr_get_length(&rd, &back), PP_OK);
        assert_int_equal(back, t[i].v);
    }
    /* above PP_AXDR_MAX_LEN: 84 01 00 00 00 */
    static const uint8_t big[] = {0x84, 0x01, 0x00, 0x00, 0x00};
    pp_axdr_rd_t rd;
    uint32_t v;
    pp_axdr_rd_init(&rd, big, sizeof big);
    assert_int_equal(pp_axdr_get_length(&rd, &v), PP_ERR_MALFORMED);
}

static void decoded_values(void **state)
{
    (void)state;
    /* hand: 10 FF 38 is long -200; 17 3F800000 is float32 1.0;
     * 04 0A 80 40 is a 10-bit string */
    static const uint8_t b[] = {0x10, 0xFF, 0x38, 0x17, 0x3F, 0x80, 0x00, 0x00,
                                0x04, 0x0A, 0x80, 0x40, 0x06, 0xFF, 0xFF, 0xFF, 0xFF};
    pp_axdr_rd_t rd;
    pp_axdr_value_t v;
    pp_axdr_rd_init(&rd, b, sizeof b);
    assert_int_equal(pp_axdr_get(&rd, &v), PP_OK);
    assert_int_equal(v.tag, PP_DT_LONG);
    assert_int_equal(v.v.i, -200);
    assert_int_equal(pp_axdr_get(&rd, &v), PP_OK);
    assert_true(v.v.f32 == 1.0f);
    assert_int_equal(pp_axdr_get(&rd, &v), PP_OK);
    assert_int_equal(v.v.str.bits, 10);
    assert_int_equal(v.v.str.len, 2);
    assert_ptr_equal(v.v.str.ptr, b + 10); /* points into the input */
    uint32_t u32;
    assert_int_equal(pp_axdr_get_u32(&rd, &u32), PP_OK);
    assert_int_equal(u32, 0xFFFFFFFFu);
    assert_int_equal(pp_axdr_remaining(&rd), 0);
}

static void typed_getters(void **state)
{
    (void)state;
    static const uint8_t b[] = {0x12, 0x00, 0x08, 0x11, 0x05};
    pp_axdr_rd_t rd;
    uint8_t u8;
    uint16_t u16;
    int64_t i;
    pp_axdr_rd_init(&rd, b, sizeof b);
    assert_int_equal(pp_axdr_get_u8(&rd, &u8), PP_ERR_MALFORMED); /* it is a long-unsigned */
    assert_int_equal(rd.pos, 0);
    assert_int_equal(pp_axdr_get_u16(&rd, &u16), PP_OK);
    assert_int_equal(u16, 8);
    assert_int_equal(pp_axdr_get_integer(&rd, &i), PP_OK);
    assert_int_equal(i, 5);
    assert_int_equal(pp_axdr_get_u8(&rd, &u8), PP_ERR_TRUNCATED);
    /* long64-unsigned above INT64_MAX is out of range for get_integer */
    static const uint8_t big[] = {0x15, 0x80, 0, 0, 0, 0, 0, 0, 0};
    pp_axdr_rd_init(&rd, big, sizeof big);
    assert_int_equal(pp_axdr_get_integer(&rd, &i), PP_ERR_RANGE);
    /* structure of exactly n */
    static const uint8_t st[] = {0x02, 0x02, 0x00, 0x00};
    pp_axdr_rd_init(&rd, st, sizeof st);
    assert_int_equal(pp_axdr_expect_struct(&rd, 3), PP_ERR_MALFORMED);
    pp_axdr_rd_init(&rd, st, sizeof st);
    assert_int_equal(pp_axdr_expect_struct(&rd, 2), PP_OK);
}

static void datetime_fields(void **state)
{
    (void)state;
    /* dlms-cosem SET example: 07E5 01 18 FF 0E 30 39 50 FFC4 00 =
     * 2021-01-24, dow not specified, 14:48:57.80, deviation -60, status 0 */
    static const uint8_t b[12] = {0x07, 0xE5, 0x01, 0x18, 0xFF, 0x0E, 0x30, 0x39, 0x50, 0xFF, 0xC4, 0x00};
    pp_axdr_datetime_t dt;
    assert_int_equal(pp_axdr_datetime_unpack(b, &dt), PP_OK);
    assert_int_equal(dt.year, 2021);
    assert_int_equal(dt.month, 1);
    assert_int_equal(dt.day, 24);
    assert_int_equal(dt.dow, 0xFF);
    assert_int_equal(dt.hour, 14);
    assert_int_equal(dt.minute, 48);
    assert_int_equal(dt.second, 57);
    assert_int_equal(dt.hundredths, 80);
    assert_int_equal(dt.deviation, -60);
    assert_int_equal(dt.status, 0);
    uint8_t back[12];
    pp_axdr_datetime_pack(&dt, back);
    assert_memory_equal(back, b, 12);

    uint8_t bad[12];
    static const struct { int idx; uint8_t v; } wrong[] = {
        {2, 0}, {2, 13}, {2, 0xFC}, {3, 0}, {3, 32}, {4, 0}, {4, 8}, {5, 24},
        {6, 60}, {7, 60}, {8, 100},
    };
    for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
        memcpy(bad, b, 12);
        bad[wrong[i].idx] = wrong[i].v;
        assert_int_equal(pp_axdr_datetime_unpack(bad, &dt), PP_ERR_RANGE);
    }
    /* deviation 721 minutes (0x02D1) is out of range; 0x8000 means unspecified */
    memcpy(bad, b, 12);
    bad[9] = 0x02;
    bad[10] = 0xD1;
    assert_int_equal(pp_axdr_datetime_unpack(bad, &dt), PP_ERR_RANGE);
    bad[9] = 0x80;
    bad[10] = 0x00;
    assert_int_equal(pp_axdr_datetime_unpack(bad, &dt), PP_OK);
    assert_int_equal(dt.deviation, PP_DT_DEVIATION_ANY);
    /* DST begin month and last day wildcards are valid */
    memcpy(bad, b, 12);
    bad[2] = PP_DT_MONTH_DST_BEGIN;
    bad[3] = PP_DT_DAY_LAST;
    assert_int_equal(pp_axdr_datetime_unpack(bad, &dt), PP_OK);

    /* octet-string form: 09 0C + 12 */
    uint8_t os[14];
    pp_axdr_wr_t wr;
    pp_axdr_wr_init(&wr, os, sizeof os);
    assert_int_equal(pp_axdr_datetime_unpack(b, &dt), PP_OK);
    assert_int_equal(pp_axdr_put_datetime_os(&wr, &dt), PP_OK);
    assert_int_equal(wr.pos, 14);
    assert_int_equal(os[0], 0x09);
    assert_int_equal(os[1], 0x0C);
    assert_memory_equal(os + 2, b, 12);
    pp_axdr_rd_t rd;
    pp_axdr_rd_init(&rd, os, sizeof os);
    pp_axdr_datetime_t dt2;
    assert_int_equal(pp_axdr_get_datetime_os(&rd, &dt2), PP_OK);
    assert_memory_equal(&dt, &dt2, sizeof dt);
    /* an octet-string of 11 is not a date-time */
    static const uint8_t os11[13] = {0x09, 0x0B};
    pp_axdr_rd_init(&rd, os11, sizeof os11);
    assert_int_equal(pp_axdr_get_datetime_os(&rd, &dt2), PP_ERR_MALFORMED);
}

static void bit_string_canonical(void **state)
{
    (void)state;
    /* 3 bits 101 from an octet with junk in the unused bits: written as A0 */
    uint8_t out[4];
    const uint8_t src = 0xBF;
    pp_axdr_wr_t wr;
    pp_axdr_wr_init(&wr, out, sizeof out);
    assert_int_equal(pp_axdr_put_bits(&wr, &src, 3), PP_OK);
    static const uint8_t want[] = {0x04, 0x03, 0xA0};
    assert_int_equal(wr.pos, 3);
    assert_memory_equal(out, want, 3);
}

static void compact_array_fields(void **state)
{
    (void)state;
    static const uint8_t b[] = {0x13, 0x02, 0x02, 0x12, 0x12, 0x08, 0, 1, 0, 2, 0, 3, 0, 4};
    pp_axdr_rd_t rd;
    pp_axdr_value_t v;
    pp_axdr_rd_init(&rd, b, sizeof b);
    assert_int_equal(pp_axdr_get(&rd, &v), PP_OK);
    assert_int_equal(v.v.compact.count, 2);
    assert_int_equal(v.v.compact.desc_len, 4);
    assert_int_equal(v.v.compact.data_len, 8);
    assert_ptr_equal(v.v.compact.data, b + 6);
}

static void null_arguments(void **state)
{
    (void)state;
    assert_int_equal(pp_axdr_measure(NULL, 5, 0), PP_ERR_TRUNCATED);
    pp_axdr_wr_t wr;
    pp_axdr_wr_init(&wr, NULL, 10);
    assert_int_equal(pp_axdr_put_u8(&wr, 1), PP_ERR_NOSPACE);
    assert_int_equal(pp_axdr_put_octets(&wr, NULL, 3), PP_ERR_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vectors),
        cmocka_unit_test(length_forms),
        cmocka_unit_test(decoded_values),
        cmocka_unit_test(typed_getters),
        cmocka_unit_test(datetime_fields),
        cmocka_unit_test(bit_string_canonical),
        cmocka_unit_test(compact_array_fields),
        cmocka_unit_test(null_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
