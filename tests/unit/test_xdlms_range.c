/* Selective access by range (IEC 62056-6-2 range_descriptor, selector 1):
 * results of pp_xdlms_range_parse and of the GET-Request decode for hand-
 * built descriptors, the usual shape and every variation of it that must
 * take a different path or fail. Expected codes follow from the A-XDR rules
 * (IEC 61334-6): a wrong tag or count is MALFORMED, a non-minimal length
 * MALFORMED, a missing octet TRUNCATED, trailing octets MALFORMED. The
 * request decode is also checked against pp_axdr_measure (the A-XDR walk)
 * for every single-octet change of a request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "polyphase/axdr.h"
#include "polyphase/xdlms.h"
#include "vectors.h"

/* The parts of the dlms-cosem example range (clock column, 2018-02-12 to
 * 2019-02-12, all columns), as in test_xdlms. */
#define OUTER "0204"
#define CLOCK_OBJ "020412000809060000010000FF0F02120000"
#define FROM "090C07E2020CFF00000000800000"
#define TO "090C07E3020CFF00000000800000"
#define NO_COLUMNS "0100"
#define RANGE OUTER CLOCK_OBJ FROM TO NO_COLUMNS
#define ENERGY_OBJ "020412000309060100010800FF0F02120000"
/* GET-Request-Normal, iidp C1, profile 1.0.99.1.0.255 attribute 2, access selector 1 */
#define GET_HEAD "C001C100070100630100FF020101"

typedef struct {
    const char *what;
    const char *hex;
    int rc;
    uint32_t from_len, to_len, columns; /* when PP_OK */
} range_case_t;

static const range_case_t CASES[] = {
    {"usual shape", RANGE, PP_OK, 14, 14, 0},
    {"one column", OUTER CLOCK_OBJ FROM TO "0101" ENERGY_OBJ, PP_OK, 14, 14, 1},
    {"two columns", OUTER CLOCK_OBJ FROM TO "0102" ENERGY_OBJ CLOCK_OBJ, PP_OK, 14, 14, 2},
    {"trailing octet", RANGE "00", PP_ERR_MALFORMED, 0, 0, 0},
    {"outer structure of 3", "0203" CLOCK_OBJ FROM TO NO_COLUMNS, PP_ERR_MALFORMED, 0, 0, 0},
    {"outer structure of 5", "0205" CLOCK_OBJ FROM TO NO_COLUMNS, PP_ERR_MALFORMED, 0, 0, 0},
    {"outer array", "0104" CLOCK_OBJ FROM TO NO_COLUMNS, PP_ERR_MALFORMED, 0, 0, 0},
    {"outer count long form", "028104" CLOCK_OBJ FROM TO NO_COLUMNS, PP_ERR_MALFORMED, 0, 0, 0},
    {"restricting structure of 3", OUTER "020312000809060000010000FF0F02120000" FROM TO NO_COLUMNS,
     PP_ERR_MALFORMED, 0, 0, 0},
    {"restricting class as unsigned", OUTER "020411000809060000010000FF0F02120000" FROM TO NO_COLUMNS,
     PP_ERR_MALFORMED, 0, 0, 0},
    {"restricting ln of 5", OUTER "0204120008090500010000FF0F02120000" FROM TO NO_COLUMNS,
     PP_ERR_MALFORMED, 0, 0, 0},
    {"restricting ln of 7", OUTER "020412000809070000010000FF000F02120000" FROM TO NO_COLUMNS,
     PP_ERR_MALFORMED, 0, 0, 0},
    {"restricting ln visible", OUTER "02041200080A060000010000FF0F02120000" FROM TO NO_COLUMNS,
     PP_ERR_MALFORMED, 0, 0, 0},
    {"restricting attr unsigned", OUTER "020412000809060000010000FF1102120000" FROM TO NO_COLUMNS,
     PP_ERR_MALFORMED, 0, 0, 0},
    {"restricting data index unsigned", OUTER "020412000809060000010000FF0F02110000" FROM TO NO_COLUMNS,
     PP_ERR_MALFORMED, 0, 0, 0},
    {"restricting attr negative", OUTER "020412000809060000010000FF0FFE120000" FROM TO NO_COLUMNS,
     PP_OK, 14, 14, 0},
    {"from as date-time (19)", OUTER CLOCK_OBJ "1907E2020CFF00000000800000" TO NO_COLUMNS, PP_OK, 13, 14, 0},
    {"from as null", OUTER CLOCK_OBJ "00" TO NO_COLUMNS, PP_OK, 1, 14, 0},
    {"to as structure{unsigned}", OUTER CLOCK_OBJ FROM "02011105" NO_COLUMNS, PP_OK, 14, 4, 0},
    {"from empty octet-string", OUTER CLOCK_OBJ "0900" TO NO_COLUMNS, PP_OK, 2, 14, 0},
    {"from length 81 0C (not minimal)", OUTER CLOCK_OBJ "09810C07E2020CFF00000000800000" TO NO_COLUMNS,
     PP_ERR_MALFORMED, 0, 0, 0},
    {"from float32 (unsupported)", OUTER CLOCK_OBJ "0700000000" TO NO_COLUMNS, PP_ERR_UNSUPPORTED, 0, 0, 0},
    {"from unassigned tag 08", OUTER CLOCK_OBJ "08" TO NO_COLUMNS, PP_ERR_MALFORMED, 0, 0, 0},
    {"to length past the end", OUTER CLOCK_OBJ FROM "0940", PP_ERR_TRUNCATED, 0, 0, 0},
    {"columns as structure", OUTER CLOCK_OBJ FROM TO "0200", PP_ERR_MALFORMED, 0, 0, 0},
    {"columns count 81 00", OUTER CLOCK_OBJ FROM TO "018100", PP_ERR_MALFORMED, 0, 0, 0},
    {"columns count 81 80, none there", OUTER CLOCK_OBJ FROM TO "018180", PP_ERR_TRUNCATED, 0, 0, 0},
    {"columns count 1, none there", OUTER CLOCK_OBJ FROM TO "0101", PP_ERR_TRUNCATED, 0, 0, 0},
    {"column structure of 3", OUTER CLOCK_OBJ FROM TO "0101" "020312000309060100010800FF0F02120000",
     PP_ERR_MALFORMED, 0, 0, 0},
    {"columns missing", OUTER CLOCK_OBJ FROM TO, PP_ERR_TRUNCATED, 0, 0, 0},
};

static size_t hex(const char *h, uint8_t *b, size_t cap)
{
    int n = pp_vec_hex(h, b, cap);
    assert_true(n >= 0);
    return (size_t)n;
}

static void range_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        const range_case_t *c = &CASES[i];
        uint8_t b[160];
        size_t n = hex(c->hex, b, sizeof b);
        pp_xdlms_range_t r;
        int rc = pp_xdlms_range_parse(b, n, &r);
        if (rc != c->rc) {
            fail_msg("%s: rc %d, want %d", c->what, rc, c->rc);
        }
        if (rc == PP_OK) {
            assert_int_equal(r.from_len, c->from_len);
            assert_int_equal(r.to_len, c->to_len);
            assert_int_equal(r.columns.count, c->columns);
            assert_ptr_equal(r.from, b + 20);
            assert_ptr_equal(r.to, b + 20 + c->from_len);
            assert_int_equal(r.columns.len, 18u * c->columns);
            assert_ptr_equal(r.columns.ptr, b + n - r.columns.len);
        }
    }
}

/* Each case inside a GET-Request-Normal: the decode finds the same
 * parameters (or fails the same way, a range-level check aside). */
static void range_cases_in_request(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        const range_case_t *c = &CASES[i];
        uint8_t b[200];
        size_t head = hex(GET_HEAD, b, sizeof b);
        size_t n = head + hex(c->hex, b + head, sizeof b - head);
        int m = pp_axdr_measure(b + head, n - head, 0);
        pp_xdlms_get_req_t g;
        int rc = pp_xdlms_get_req_decode(b, n, &g);
        int want = m < 0 ? m : (size_t)m == n - head ? PP_OK : PP_ERR_MALFORMED;
        if (rc != want) {
            fail_msg("%s: rc %d, want %d", c->what, rc, want);
        }
        if (rc == PP_OK) {
            assert_ptr_equal(g.item.access.params, b + head);
            assert_int_equal(g.item.access.params_len, n - head);
        }
    }
}

static void range_long_from(void **state)
{
    (void)state;
    /* from: octet-string of 128 (81 80), a valid Data the usual shape has no room for */
    uint8_t b[256];
    size_t n = hex(OUTER CLOCK_OBJ "098180", b, sizeof b);
    memset(b + n, 0x11, 128);
    n += 128;
    n += hex(TO NO_COLUMNS, b + n, sizeof b - n);
    pp_xdlms_range_t r;
    assert_int_equal(pp_xdlms_range_parse(b, n, &r), PP_OK);
    assert_int_equal(r.from_len, 131);
    assert_int_equal(r.to_len, 14);
    assert_int_equal(pp_xdlms_range_parse(b, n - 1, &r), PP_ERR_TRUNCATED);
}

static void range_every_cut(void **state)
{
    (void)state;
    uint8_t p[80], a[112];
    size_t n = hex(OUTER CLOCK_OBJ FROM TO "0101" ENERGY_OBJ, p, sizeof p);
    pp_xdlms_range_t r;
    for (size_t cut = 0; cut < n; cut++) {
        assert_int_equal(pp_xdlms_range_parse(p, cut, &r), PP_ERR_TRUNCATED);
    }
    size_t head = hex(GET_HEAD, a, sizeof a);
    memcpy(a + head, p, n);
    pp_xdlms_get_req_t g;
    for (size_t cut = 0; cut < head + n; cut++) {
        assert_int_equal(pp_xdlms_get_req_decode(a, cut, &g), PP_ERR_TRUNCATED);
    }
    a[head + n] = 0x00;
    assert_int_equal(pp_xdlms_get_req_decode(a, head + n + 1, &g), PP_ERR_MALFORMED);
    assert_int_equal(pp_xdlms_get_req_decode(a, head + n, &g), PP_OK);
}

/* Every single-octet change of a request with one column: the decode
 * agrees with the A-XDR walk on where the parameters end, or fails as it does. */
static void request_octet_changes(void **state)
{
    (void)state;
    static const uint8_t values[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x09, 0x0A,
                                     0x0C, 0x0D, 0x0F, 0x11, 0x12, 0x13, 0x19, 0x7F, 0x80, 0x81,
                                     0x82, 0xFE, 0xFF};
    uint8_t a[112];
    size_t head = hex(GET_HEAD, a, sizeof a);
    size_t n = head + hex(OUTER CLOCK_OBJ FROM TO "0101" ENERGY_OBJ, a + head, sizeof a - head);
    for (size_t at = head; at < n; at++) {
        const uint8_t keep = a[at];
        for (size_t v = 0; v < sizeof values; v++) {
            a[at] = values[v];
            int m = pp_axdr_measure(a + head, n - head, 0);
            int want = m < 0 ? m : (size_t)m == n - head ? PP_OK : PP_ERR_MALFORMED;
            pp_xdlms_get_req_t g;
            int rc = pp_xdlms_get_req_decode(a, n, &g);
            if (rc != want || (rc == PP_OK && g.item.access.params_len != n - head)) {
                fail_msg("octet %zu = %02X: rc %d, want %d", at, values[v], rc, want);
            }
        }
        a[at] = keep;
    }
}

/* The parameters' containers count against the reader's depth cap. */
static void access_depth_cap(void **state)
{
    (void)state;
    uint8_t b[96];
    size_t n = hex("00070100630100FF020101" RANGE, b, sizeof b);
    pp_axdr_rd_t rd;
    pp_xdlms_attr_sel_t s;
    pp_axdr_rd_init(&rd, b, n);
    rd.max_depth = 2;
    assert_int_equal(pp_xdlms_next_attr_sel(&rd, &s), PP_OK);
    assert_int_equal(rd.pos, n);
    assert_int_equal(s.access.params_len, 50);
    pp_axdr_rd_init(&rd, b, n);
    rd.max_depth = 1;
    assert_int_equal(pp_xdlms_next_attr_sel(&rd, &s), PP_ERR_DEPTH);
    pp_axdr_rd_init(&rd, b, n);
    rd.max_depth = 2;
    rd.depth = 1;
    assert_int_equal(pp_xdlms_next_attr_sel(&rd, &s), PP_ERR_DEPTH);
    pp_axdr_rd_init(&rd, b, n);
    rd.max_depth = 3;
    rd.depth = 1;
    assert_int_equal(pp_xdlms_next_attr_sel(&rd, &s), PP_OK);
    assert_int_equal(rd.depth, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(range_cases),
        cmocka_unit_test(range_cases_in_request),
        cmocka_unit_test(range_long_from),
        cmocka_unit_test(range_every_cut),
        cmocka_unit_test(request_octet_changes),
        cmocka_unit_test(access_depth_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
