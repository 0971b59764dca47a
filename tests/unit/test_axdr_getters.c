/* A-XDR typed getters: result code, value and cursor position, pinned for
 * hand-built encodings (IEC 61334-6 A-XDR rules; tags of IEC 62056-6-2:
 * 00 null, 01 array, 02 structure, 03 boolean, 05 double-long, 06
 * double-long-unsigned, 09 octet-string, 0A visible-string, 0F integer,
 * 10 long, 11 unsigned, 12 long-unsigned, 14 long64, 15 long64-unsigned,
 * 16 enum). Each case names the bytes, the getter, the expected code, the
 * expected value (when PP_OK) and where the cursor must be afterwards:
 * a wrong tag leaves it on the tag, a short body just after the tag, a bad
 * long-form length just after the octets read for it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "polyphase/axdr.h"

typedef enum {
    G_NULL, G_BOOL, G_U8, G_U16, G_U32, G_U64, G_I8, G_I16, G_I32, G_I64, G_ENUM,
    G_OCTETS, G_VISIBLE, G_ARRAY, G_STRUCT, G_EXPECT_STRUCT4,
} getter_t;

typedef struct {
    const char *what;
    getter_t g;
    uint8_t in[12];
    size_t len;
    int rc;
    int64_t value; /* integers, bool, counts; string length for strings */
    size_t pos;
} getter_case_t;

/* Calls getter g, returns its code; *value gets the decoded value. */
static int call_getter(getter_t g, pp_axdr_rd_t *rd, int64_t *value, const uint8_t **str)
{
    int rc = PP_ERR_ARG;
    bool b = false;
    uint8_t u8 = 0;
    uint16_t u16 = 0;
    uint32_t u32 = 0;
    uint64_t u64 = 0;
    int8_t i8 = 0;
    int16_t i16 = 0;
    int32_t i32 = 0;
    int64_t i64 = 0;
    *str = NULL;
    switch (g) {
    case G_NULL: rc = pp_axdr_get_null(rd); break;
    case G_BOOL: rc = pp_axdr_get_bool(rd, &b); i64 = b; break;
    case G_U8: rc = pp_axdr_get_u8(rd, &u8); i64 = u8; break;
    case G_U16: rc = pp_axdr_get_u16(rd, &u16); i64 = u16; break;
    case G_U32: rc = pp_axdr_get_u32(rd, &u32); i64 = u32; break;
    case G_U64: rc = pp_axdr_get_u64(rd, &u64); i64 = (int64_t)u64; break;
    case G_I8: rc = pp_axdr_get_i8(rd, &i8); i64 = i8; break;
    case G_I16: rc = pp_axdr_get_i16(rd, &i16); i64 = i16; break;
    case G_I32: rc = pp_axdr_get_i32(rd, &i32); i64 = i32; break;
    case G_I64: rc = pp_axdr_get_i64(rd, &i64); break;
    case G_ENUM: rc = pp_axdr_get_enum(rd, &u8); i64 = u8; break;
    case G_OCTETS: rc = pp_axdr_get_octets(rd, str, &u32); i64 = u32; break;
    case G_VISIBLE: rc = pp_axdr_get_visible(rd, str, &u32); i64 = u32; break;
    case G_ARRAY: rc = pp_axdr_get_array(rd, &u32); i64 = u32; break;
    case G_STRUCT: rc = pp_axdr_get_struct(rd, &u32); i64 = u32; break;
    case G_EXPECT_STRUCT4: rc = pp_axdr_expect_struct(rd, 4); break;
    }
    *value = i64;
    return rc;
}

#define OK(w, g, v, p, ...) {w, g, {__VA_ARGS__}, sizeof((uint8_t[]){__VA_ARGS__}), PP_OK, v, p}
#define ERR(w, g, e, p, ...) {w, g, {__VA_ARGS__}, sizeof((uint8_t[]){__VA_ARGS__}), e, 0, p}
#define EMPTY(w, g) {w, g, {0}, 0, PP_ERR_TRUNCATED, 0, 0}

static const getter_case_t CASES[] = {
    /* null, boolean */
    OK("null", G_NULL, 0, 1, 0x00, 0x55),
    ERR("null wrong tag", G_NULL, PP_ERR_MALFORMED, 0, 0x11, 0x00),
    EMPTY("null empty", G_NULL),
    OK("bool true", G_BOOL, 1, 2, 0x03, 0x01),
    OK("bool any non-zero is true", G_BOOL, 1, 2, 0x03, 0x80),
    OK("bool false", G_BOOL, 0, 2, 0x03, 0x00),
    ERR("bool no body", G_BOOL, PP_ERR_TRUNCATED, 1, 0x03),
    ERR("bool wrong tag", G_BOOL, PP_ERR_MALFORMED, 0, 0x11, 0x01),
    /* unsigned types */
    OK("u8", G_U8, 0xFE, 2, 0x11, 0xFE),
    ERR("u8 given long-unsigned", G_U8, PP_ERR_MALFORMED, 0, 0x12, 0x00, 0x01),
    ERR("u8 given enum", G_U8, PP_ERR_MALFORMED, 0, 0x16, 0x01),
    ERR("u8 no body", G_U8, PP_ERR_TRUNCATED, 1, 0x11),
    EMPTY("u8 empty", G_U8),
    OK("u16", G_U16, 0xABCD, 3, 0x12, 0xAB, 0xCD),
    ERR("u16 half body", G_U16, PP_ERR_TRUNCATED, 1, 0x12, 0xAB),
    ERR("u16 no body", G_U16, PP_ERR_TRUNCATED, 1, 0x12),
    ERR("u16 given long", G_U16, PP_ERR_MALFORMED, 0, 0x10, 0x00, 0x01),
    ERR("u16 given unknown tag", G_U16, PP_ERR_MALFORMED, 0, 0xFF, 0x00, 0x01),
    ERR("u16 given float32 (unsupported tag)", G_U16, PP_ERR_MALFORMED, 0, 0x07, 0, 0, 0, 0),
    EMPTY("u16 empty", G_U16),
    OK("u32", G_U32, 0x89ABCDEF, 5, 0x06, 0x89, 0xAB, 0xCD, 0xEF),
    ERR("u32 three octets", G_U32, PP_ERR_TRUNCATED, 1, 0x06, 0x89, 0xAB, 0xCD),
    ERR("u32 given double-long", G_U32, PP_ERR_MALFORMED, 0, 0x05, 0, 0, 0, 1),
    OK("u64", G_U64, 0x0102030405060708, 9, 0x15, 1, 2, 3, 4, 5, 6, 7, 8),
    /* signed types: two's complement */
    OK("i8 -1", G_I8, -1, 2, 0x0F, 0xFF),
    OK("i8 127", G_I8, 127, 2, 0x0F, 0x7F),
    OK("i8 -128", G_I8, -128, 2, 0x0F, 0x80),
    ERR("i8 given unsigned", G_I8, PP_ERR_MALFORMED, 0, 0x11, 0x01),
    ERR("i8 no body", G_I8, PP_ERR_TRUNCATED, 1, 0x0F),
    EMPTY("i8 empty", G_I8),
    OK("i16 -32768", G_I16, -32768, 3, 0x10, 0x80, 0x00),
    OK("i16 -2", G_I16, -2, 3, 0x10, 0xFF, 0xFE),
    ERR("i16 half body", G_I16, PP_ERR_TRUNCATED, 1, 0x10, 0xFF),
    OK("i32 -2", G_I32, -2, 5, 0x05, 0xFF, 0xFF, 0xFF, 0xFE),
    OK("i32 max", G_I32, 2147483647, 5, 0x05, 0x7F, 0xFF, 0xFF, 0xFF),
    ERR("i64 seven octets", G_I64, PP_ERR_TRUNCATED, 1, 0x14, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF),
    OK("enum", G_ENUM, 3, 2, 0x16, 0x03),
    ERR("enum given unsigned", G_ENUM, PP_ERR_MALFORMED, 0, 0x11, 0x03),
    ERR("enum no body", G_ENUM, PP_ERR_TRUNCATED, 1, 0x16),
    /* strings: length then octets */
    OK("octets 6", G_OCTETS, 6, 8, 0x09, 0x06, 1, 2, 3, 4, 5, 6),
    OK("octets empty", G_OCTETS, 0, 2, 0x09, 0x00, 0x77),
    ERR("octets short body", G_OCTETS, PP_ERR_TRUNCATED, 2, 0x09, 0x06, 1, 2, 3, 4, 5),
    ERR("octets no length", G_OCTETS, PP_ERR_TRUNCATED, 1, 0x09),
    ERR("octets given visible", G_OCTETS, PP_ERR_MALFORMED, 0, 0x0A, 0x00),
    ERR("octets given date-time tag", G_OCTETS, PP_ERR_MALFORMED, 0, 0x19, 0x00),
    ERR("octets indefinite length 80", G_OCTETS, PP_ERR_MALFORMED, 2, 0x09, 0x80),
    ERR("octets five length octets", G_OCTETS, PP_ERR_MALFORMED, 2, 0x09, 0x85, 0, 0, 0, 0, 1),
    ERR("octets 81 05 not minimal", G_OCTETS, PP_ERR_MALFORMED, 3, 0x09, 0x81, 0x05, 0),
    ERR("octets 82 00 FF leading zero", G_OCTETS, PP_ERR_MALFORMED, 4, 0x09, 0x82, 0x00, 0xFF),
    ERR("octets 84 01000000 above max", G_OCTETS, PP_ERR_MALFORMED, 6, 0x09, 0x84, 0x01, 0, 0, 0),
    ERR("octets 82 length cut", G_OCTETS, PP_ERR_TRUNCATED, 2, 0x09, 0x82, 0x01),
    ERR("octets 81 80 body missing", G_OCTETS, PP_ERR_TRUNCATED, 3, 0x09, 0x81, 0x80, 0),
    ERR("octets 83 00FFFF leading zero", G_OCTETS, PP_ERR_MALFORMED, 5, 0x09, 0x83, 0x00, 0xFF, 0xFF),
    OK("visible 2", G_VISIBLE, 2, 4, 0x0A, 0x02, 'h', 'i'),
    ERR("visible given octets", G_VISIBLE, PP_ERR_MALFORMED, 0, 0x09, 0x00),
    /* containers: only the count */
    OK("array 3", G_ARRAY, 3, 2, 0x01, 0x03),
    OK("array 81 80", G_ARRAY, 128, 3, 0x01, 0x81, 0x80),
    ERR("array 81 7F not minimal", G_ARRAY, PP_ERR_MALFORMED, 3, 0x01, 0x81, 0x7F),
    ERR("array given structure", G_ARRAY, PP_ERR_MALFORMED, 0, 0x02, 0x01),
    ERR("array no count", G_ARRAY, PP_ERR_TRUNCATED, 1, 0x01),
    OK("structure 0", G_STRUCT, 0, 2, 0x02, 0x00),
    OK("structure 82 0100", G_STRUCT, 256, 4, 0x02, 0x82, 0x01, 0x00),
    ERR("structure given array", G_STRUCT, PP_ERR_MALFORMED, 0, 0x01, 0x01),
    OK("expect structure of 4", G_EXPECT_STRUCT4, 0, 2, 0x02, 0x04, 0x12),
    ERR("expect 4, structure of 3", G_EXPECT_STRUCT4, PP_ERR_MALFORMED, 2, 0x02, 0x03),
    ERR("expect 4, structure of 5", G_EXPECT_STRUCT4, PP_ERR_MALFORMED, 2, 0x02, 0x05),
    ERR("expect 4, 81 04 not minimal", G_EXPECT_STRUCT4, PP_ERR_MALFORMED, 3, 0x02, 0x81, 0x04),
    ERR("expect 4, array of 4", G_EXPECT_STRUCT4, PP_ERR_MALFORMED, 0, 0x01, 0x04),
    ERR("expect 4, no count", G_EXPECT_STRUCT4, PP_ERR_TRUNCATED, 1, 0x02),
    EMPTY("expect 4, empty", G_EXPECT_STRUCT4),
};

static void pinned_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        const getter_case_t *c = &CASES[i];
        pp_axdr_rd_t rd;
        int64_t value;
        const uint8_t *str;
        pp_axdr_rd_init(&rd, c->in, c->len);
        int rc = call_getter(c->g, &rd, &value, &str);
        if (rc != c->rc || rd.pos != c->pos || (rc == PP_OK && value != c->value)) {
            fail_msg("%s: rc %d (want %d), pos %zu (want %zu), value %lld (want %lld)", c->what, rc,
                     c->rc, rd.pos, c->pos, (long long)value, (long long)c->value);
        }
        if (rc == PP_OK && (c->g == G_OCTETS || c->g == G_VISIBLE)) {
            assert_ptr_equal(str, c->in + 2); /* points into the input */
        }
    }
}

/* A long-form string length whose body is present: 09 81 80 then 128 octets. */
static void long_form_string(void **state)
{
    (void)state;
    uint8_t b[3 + 128 + 1];
    memset(b, 0x5A, sizeof b);
    b[0] = 0x09;
    b[1] = 0x81;
    b[2] = 0x80;
    pp_axdr_rd_t rd;
    const uint8_t *p;
    uint32_t n;
    pp_axdr_rd_init(&rd, b, sizeof b);
    assert_int_equal(pp_axdr_get_octets(&rd, &p, &n), PP_OK);
    assert_int_equal(n, 128);
    assert_ptr_equal(p, b + 3);
    assert_int_equal(rd.pos, 131);
    pp_axdr_rd_init(&rd, b, 130); /* one octet short */
    assert_int_equal(pp_axdr_get_octets(&rd, &p, &n), PP_ERR_TRUNCATED);
    assert_int_equal(rd.pos, 3);
}

/* A cursor that does not start at 0 and a window shorter than the buffer. */
static void cursor_window(void **state)
{
    (void)state;
    static const uint8_t b[] = {0xEE, 0x12, 0x01, 0x02, 0x11, 0x07};
    pp_axdr_rd_t rd;
    uint16_t u16;
    uint8_t u8;
    pp_axdr_rd_init(&rd, b, sizeof b);
    rd.pos = 1;
    assert_int_equal(pp_axdr_get_u16(&rd, &u16), PP_OK);
    assert_int_equal(u16, 0x0102);
    assert_int_equal(rd.pos, 4);
    rd.end = 5; /* the unsigned's body is outside the window */
    assert_int_equal(pp_axdr_get_u8(&rd, &u8), PP_ERR_TRUNCATED);
    assert_int_equal(rd.pos, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pinned_cases),
        cmocka_unit_test(long_form_string),
        cmocka_unit_test(cursor_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
