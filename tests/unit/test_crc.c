/* CRC tests against published values:
 * - check values of "123456789" from the CRC catalogue (reveng):
 *   CRC-16/X-25 (IBM-SDLC) 0x906E, CRC-32/ISO-HDLC 0xCBF43926;
 * - the "good FCS" residues of RFC 1662 (PPP, HDLC-like framing), appendix C:
 *   PPPGOODFCS16 0xF0B8, PPPGOODFCS32 0xDEBB20E3;
 * - CRC-32 of "The quick brown fox jumps over the lazy dog" = 0x414FA339 and
 *   of "a" = 0xE8B7BE43 (zlib crc32, widely published);
 * - a DLMS HDLC SNRM frame as printed in IEC 62056-46 / Green Book examples:
 *   7E A0 07 03 21 93 0F 01 7E (FCS 0x010F sent LSB first). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "polyphase/crc.h"

static const char check_str[] = "123456789";

static void crc16_x25_check_value(void **state)
{
    (void)state;
    assert_int_equal(pp_crc16_x25(check_str, 9), 0x906E);
}

static void crc32_check_value(void **state)
{
    (void)state;
    assert_int_equal(pp_crc32(check_str, 9), 0xCBF43926u);
}

static void crc32_published_strings(void **state)
{
    (void)state;
    static const char fox[] = "The quick brown fox jumps over the lazy dog";
    assert_int_equal(pp_crc32(fox, strlen(fox)), 0x414FA339u);
    assert_int_equal(pp_crc32("a", 1), 0xE8B7BE43u);
    assert_int_equal(pp_crc32(NULL, 0), 0u); /* init ^ xorout */
    assert_int_equal(pp_crc16_x25(NULL, 0), 0u);
}

static void crc16_x25_hdlc_snrm_frame(void **state)
{
    (void)state;
    /* Frame between the flags: format A0 07, dest 03, src 21, control 93
     * (SNRM, poll), then FCS 0F 01 (LSB first). */
    static const uint8_t body[] = {0xA0, 0x07, 0x03, 0x21, 0x93};
    uint16_t fcs = pp_crc16_x25(body, sizeof body);
    assert_int_equal(fcs, 0x010F);
    static const uint8_t whole[] = {0xA0, 0x07, 0x03, 0x21, 0x93, 0x0F, 0x01};
    assert_int_equal(pp_crc16_x25_update(pp_crc16_x25_init(), whole, sizeof whole),
                     PP_CRC16_X25_RESIDUE);
}

static void residues_after_appended_crc(void **state)
{
    (void)state;
    uint8_t buf[13];
    memcpy(buf, check_str, 9);
    uint16_t c16 = pp_crc16_x25(buf, 9);
    buf[9] = (uint8_t)c16;
    buf[10] = (uint8_t)(c16 >> 8);
    assert_int_equal(pp_crc16_x25_update(pp_crc16_x25_init(), buf, 11), 0xF0B8);
    uint32_t c32 = pp_crc32(buf, 9);
    for (int i = 0; i < 4; i++) {
        buf[9 + i] = (uint8_t)(c32 >> (8 * i));
    }
    assert_int_equal(pp_crc32_update(pp_crc32_init(), buf, 13), 0xDEBB20E3u);
}

static void incremental_equals_one_shot_at_every_split(void **state)
{
    (void)state;
    for (size_t split = 0; split <= 9; split++) {
        uint16_t c = pp_crc16_x25_init();
        c = pp_crc16_x25_update(c, check_str, split);
        c = pp_crc16_x25_update(c, check_str + split, 9 - split);
        assert_int_equal(pp_crc16_x25_final(c), 0x906E);
        uint32_t d = pp_crc32_init();
        d = pp_crc32_update(d, check_str, split);
        d = pp_crc32_update(d, check_str + split, 9 - split);
        assert_int_equal(pp_crc32_final(d), 0xCBF43926u);
    }
}

/* Bit by bit from the reflected polynomial 0xEDB88320: the reference the
 * table-driven code (8, 4 and 1 bytes a step) must match at every length
 * and alignment. */
static uint32_t crc32_bitwise(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int b = 0; b < 8; b++) {
            c = (c >> 1) ^ ((c & 1u) ? 0xEDB88320u : 0u);
        }
    }
    return c ^ 0xFFFFFFFFu;
}

static void crc32_matches_bitwise_at_every_length(void **state)
{
    (void)state;
    uint8_t buf[80];
    for (size_t i = 0; i < sizeof buf; i++) {
        buf[i] = (uint8_t)(i * 37u + 11u);
    }
    for (size_t off = 0; off < 8; off++) {
        for (size_t n = 0; off + n <= sizeof buf; n++) {
            assert_int_equal(pp_crc32(buf + off, n), crc32_bitwise(buf + off, n));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crc16_x25_check_value),
        cmocka_unit_test(crc32_check_value),
        cmocka_unit_test(crc32_published_strings),
        cmocka_unit_test(crc16_x25_hdlc_snrm_frame),
        cmocka_unit_test(residues_after_appended_crc),
        cmocka_unit_test(incremental_equals_one_shot_at_every_split),
        cmocka_unit_test(crc32_matches_bitwise_at_every_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
