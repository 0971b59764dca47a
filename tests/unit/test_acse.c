/* ACSE codec tests.
 * References: the Green Book AARQ/AARE examples (no security, LLS password
 * "12345678", HLS-GMAC, ciphered context with system title "MMM"
 * 4D4D4D0000BC614E and the glo-initiate-request for keys 000102..0F /
 * D0D1..DF) as published in the dlms-cosem project's test data, and
 * hand-built APDUs with the byte-by-byte derivation in vectors/dlms/acse.vec.
 * Each valid vector: decoded fields checked, re-encoded byte-identical,
 * every prefix refused, every too-small output buffer refused untouched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "polyphase/acse.h"
#include "vectors.h"

static int err_by_name(const char *s)
{
    if (strcmp(s, "TRUNCATED") == 0) return PP_ERR_TRUNCATED;
    if (strcmp(s, "MALFORMED") == 0) return PP_ERR_MALFORMED;
    if (strcmp(s, "UNSUPPORTED") == 0) return PP_ERR_UNSUPPORTED;
    if (strcmp(s, "RANGE") == 0) return PP_ERR_RANGE;
    fail_msg("unknown error name %s", s);
    return 0;
}

/* Value of "key=value" in a blank-separated list, copied into buf; NULL if absent. */
static const char *field(const char *list, const char *key, char *buf, size_t cap)
{
    size_t kl = strlen(key);
    for (const char *p = list; (p = strstr(p, key)) != NULL; p += kl) {
        if ((p == list || p[-1] == ' ') && p[kl] == '=') {
            size_t n = strcspn(p + kl + 1, " ");
            assert_true(n < cap);
            memcpy(buf, p + kl + 1, n);
            buf[n] = 0;
            return buf;
        }
    }
    return NULL;
}

static void check_int(const char *list, const char *key, long got)
{
    char buf[16];
    if (field(list, key, buf, sizeof buf)) {
        assert_int_equal(got, strtol(buf, NULL, 10));
    }
}

static void check_bytes(const char *list, const char *key, const pp_acse_bytes_t *got)
{
    char hex[512];
    uint8_t want[256];
    if (!field(list, key, hex, sizeof hex)) {
        return;
    }
    int n = pp_vec_hex(hex, want, sizeof want);
    assert_true(n >= 0);
    assert_non_null(got->ptr);
    assert_int_equal(got->len, (uint32_t)n);
    assert_memory_equal(got->ptr, want, (size_t)n);
}

typedef union acse_any {
    pp_acse_aarq_t aarq;
    pp_acse_aare_t aare;
    pp_acse_release_t rel;
} acse_any_t;

typedef int (*encode_fn)(const void *in, uint8_t *out, size_t cap);

static int enc_aarq(const void *in, uint8_t *out, size_t cap) { return pp_acse_aarq_encode(in, out, cap); }
static int enc_aare(const void *in, uint8_t *out, size_t cap) { return pp_acse_aare_encode(in, out, cap); }
static int enc_rlrq(const void *in, uint8_t *out, size_t cap) { return pp_acse_rlrq_encode(in, out, cap); }
static int enc_rlre(const void *in, uint8_t *out, size_t cap) { return pp_acse_rlre_encode(in, out, cap); }

/* Re-encoding must give the vector exactly; smaller buffers must fail clean. */
static void check_encode(encode_fn enc, const void *decoded, const uint8_t *apdu, int n)
{
    uint8_t out[300];
    memset(out, 0xA5, sizeof out);
    assert_int_equal(enc(decoded, out, sizeof out), n);
    assert_memory_equal(out, apdu, (size_t)n);
    for (int cap = 0; cap < n; cap++) {
        memset(out, 0xA5, sizeof out);
        assert_int_equal(enc(decoded, out, (size_t)cap), PP_ERR_NOSPACE);
        for (size_t i = (size_t)cap; i < sizeof out; i++) {
            assert_int_equal(out[i], 0xA5);
        }
    }
}

static pp_err_t decode_any(const char *kind, const uint8_t *b, size_t n, void *out)
{
    if (strcmp(kind, "aarq") == 0) return pp_acse_aarq_decode(b, n, out);
    if (strcmp(kind, "aare") == 0) return pp_acse_aare_decode(b, n, out);
    if (strcmp(kind, "rlrq") == 0) return pp_acse_rlrq_decode(b, n, out);
    if (strcmp(kind, "rlre") == 0) return pp_acse_rlre_decode(b, n, out);
    fail_msg("unknown kind %s", kind);
    return PP_ERR_ARG;
}

static void check_valid(const pp_vec_case_t *c, void *arg)
{
    unsigned *count = arg;
    const char *kind = c->field[0];
    const char *want = c->field[2];
    uint8_t apdu[256];
    int n = pp_vec_hex(c->field[1], apdu, sizeof apdu);
    assert_true(n > 0);
    acse_any_t d;
    pp_err_t rc = decode_any(kind, apdu, (size_t)n, &d);
    if (rc != PP_OK) {
        fail_msg("%s:%u: decode gave %d", c->file, c->line, rc);
    }
    (*count)++;
    if (strcmp(kind, "aarq") == 0) {
        assert_true(d.aarq.version_ok);
        check_int(want, "ctx", d.aarq.context);
        check_int(want, "mech", d.aarq.mechanism);
        check_int(want, "authreq", d.aarq.auth_required);
        check_bytes(want, "title", &d.aarq.calling_ap_title);
        check_bytes(want, "auth", &d.aarq.auth_value);
        check_bytes(want, "ui", &d.aarq.user_info);
        check_encode(enc_aarq, &d.aarq, apdu, n);
    } else if (strcmp(kind, "aare") == 0) {
        check_int(want, "ctx", d.aare.context);
        check_int(want, "result", d.aare.result);
        check_int(want, "src", d.aare.diag_source);
        check_int(want, "diag", d.aare.diag);
        check_int(want, "mech", d.aare.mechanism);
        check_int(want, "authreq", d.aare.auth_required);
        check_bytes(want, "title", &d.aare.responding_ap_title);
        check_bytes(want, "auth", &d.aare.auth_value);
        check_bytes(want, "ui", &d.aare.user_info);
        check_encode(enc_aare, &d.aare, apdu, n);
    } else {
        char buf[8];
        const char *r = field(want, "reason", buf, sizeof buf);
        assert_int_equal(d.rel.has_reason, r && strcmp(r, "-") != 0);
        if (d.rel.has_reason) {
            check_int(want, "reason", d.rel.reason);
        }
        check_bytes(want, "ui", &d.rel.user_info);
        check_encode(strcmp(kind, "rlrq") == 0 ? enc_rlrq : enc_rlre, &d.rel, apdu, n);
    }
    for (int cut = 0; cut < n; cut++) {
        rc = decode_any(kind, apdu, (size_t)cut, &d);
        if (rc != PP_ERR_TRUNCATED) {
            fail_msg("%s:%u: prefix %d gave %d", c->file, c->line, cut, rc);
        }
    }
}

static void valid_vectors(void **state)
{
    (void)state;
    unsigned count = 0;
    PP_VEC_EACH("dlms/acse.vec", check_valid, &count);
    assert_true(count >= 18);
}

static void check_bad(const pp_vec_case_t *c, void *arg)
{
    unsigned *count = arg;
    uint8_t apdu[256];
    int n = pp_vec_hex(c->field[1], apdu, sizeof apdu);
    assert_true(n > 0);
    acse_any_t d;
    pp_err_t rc = decode_any(c->field[0], apdu, (size_t)n, &d);
    if (rc != err_by_name(c->field[2])) {
        fail_msg("%s:%u: decode gave %d, expected %s", c->file, c->line, rc, c->field[2]);
    }
    (*count)++;
}

static void bad_vectors(void **state)
{
    (void)state;
    unsigned count = 0;
    PP_VEC_EACH("dlms/acse_bad.vec", check_bad, &count);
    assert_true(count >= 19);
}

static void unknown_context_and_mechanism_decode(void **state)
{
    (void)state;
    /* hand: context 2.16.756.5.8.1.7 and mechanism 2.16.756.5.8.2.9 are no
     * DLMS names; the decoder must report them so that the server can
     * answer "application-context-name-not-supported" / "mechanism not
     * recognised" instead of dropping the AARQ. */
    static const uint8_t aarq[] = {0x60, 0x14, 0xA1, 0x09, 0x06, 0x07, 0x60, 0x85, 0x74, 0x05,
                                   0x08, 0x01, 0x07, 0x8B, 0x07, 0x60, 0x85, 0x74, 0x05, 0x08,
                                   0x02, 0x09};
    pp_acse_aarq_t a;
    assert_int_equal(pp_acse_aarq_decode(aarq, sizeof aarq, &a), PP_OK);
    assert_int_equal(a.context, 7);
    assert_int_equal(a.mechanism, 9);
    /* a foreign OID prefix */
    static const uint8_t aarq2[] = {0x60, 0x0B, 0xA1, 0x09, 0x06, 0x07, 0x2B, 0x06, 0x01,
                                    0x04, 0x01, 0x01, 0x01};
    assert_int_equal(pp_acse_aarq_decode(aarq2, sizeof aarq2, &a), PP_OK);
    assert_int_equal(a.context, PP_ACSE_CTX_UNKNOWN);
    /* protocol-version other than version1 (80 02 06 40: bit 1 only) */
    static const uint8_t aarq3[] = {0x60, 0x0F, 0x80, 0x02, 0x06, 0x40, 0xA1, 0x09, 0x06,
                                    0x07, 0x60, 0x85, 0x74, 0x05, 0x08, 0x01, 0x01};
    assert_int_equal(pp_acse_aarq_decode(aarq3, sizeof aarq3, &a), PP_OK);
    assert_false(a.version_ok);
}

static void server_aare_for_lls(void **state)
{
    (void)state;
    /* The server's accepted LLS AARE must equal the Green Book one:
     * 61 29 A1 09 .. 01 A2 03 02 01 00 A3 05 A1 03 02 01 00 BE 10 04 0E
     * 08 00 06 5F1F 04 00 00501F 01F4 0007 (no mechanism echoed). */
    static const uint8_t ui[] = {0x08, 0x00, 0x06, 0x5F, 0x1F, 0x04, 0x00, 0x00,
                                 0x50, 0x1F, 0x01, 0xF4, 0x00, 0x07};
    static const uint8_t want[] = {0x61, 0x29, 0xA1, 0x09, 0x06, 0x07, 0x60, 0x85, 0x74, 0x05,
                                   0x08, 0x01, 0x01, 0xA2, 0x03, 0x02, 0x01, 0x00, 0xA3, 0x05,
                                   0xA1, 0x03, 0x02, 0x01, 0x00, 0xBE, 0x10, 0x04, 0x0E, 0x08,
                                   0x00, 0x06, 0x5F, 0x1F, 0x04, 0x00, 0x00, 0x50, 0x1F, 0x01,
                                   0xF4, 0x00, 0x07};
    pp_acse_aare_t a = {
        .context = PP_ACSE_CTX_LN,
        .result = PP_ACSE_ACCEPTED,
        .diag_source = PP_ACSE_DIAG_USER,
        .diag = PP_ACSE_USER_NULL,
        .mechanism = PP_ACSE_MECH_NONE,
        .user_info = {ui, sizeof ui},
    };
    uint8_t out[64];
    assert_int_equal(pp_acse_aare_encode(&a, out, sizeof out), (int)sizeof want);
    assert_memory_equal(out, want, sizeof want);
    /* bad arguments are our bug, reported as such */
    a.diag_source = 3;
    assert_int_equal(pp_acse_aare_encode(&a, out, sizeof out), PP_ERR_ARG);
}

static void long_user_information(void **state)
{
    (void)state;
    /* 200-octet user-information: BE 81 CB 04 81 C8 ..., outer 60 81 D9
     * (11 + 3 + 3 + 200 = 217 = 0xD9 content). Long forms both ways. */
    static uint8_t ui[200];
    for (size_t i = 0; i < sizeof ui; i++) {
        ui[i] = (uint8_t)i;
    }
    pp_acse_aarq_t a = {.context = PP_ACSE_CTX_LN, .mechanism = PP_ACSE_MECH_NONE,
                        .user_info = {ui, sizeof ui}};
    uint8_t out[300];
    int n = pp_acse_aarq_encode(&a, out, sizeof out);
    assert_int_equal(n, 3 + 217);
    static const uint8_t head[] = {0x60, 0x81, 0xD9};
    assert_memory_equal(out, head, 3);
    static const uint8_t ui_head[] = {0xBE, 0x81, 0xCB, 0x04, 0x81, 0xC8};
    assert_memory_equal(out + 3 + 11, ui_head, sizeof ui_head);
    pp_acse_aarq_t b;
    assert_int_equal(pp_acse_aarq_decode(out, (size_t)n, &b), PP_OK);
    assert_int_equal(b.user_info.len, 200);
    assert_ptr_equal(b.user_info.ptr, out + 3 + 11 + 6); /* points into the input */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_vectors),
        cmocka_unit_test(bad_vectors),
        cmocka_unit_test(unknown_context_and_mechanism_decode),
        cmocka_unit_test(server_aare_for_lls),
        cmocka_unit_test(long_user_information),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
