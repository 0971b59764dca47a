/* AES key wrap of the host port (pp_host_aes_wrap / _unwrap, also the fake
 * port's) against RFC 3394 section 4.1: wrap 128 bits of key data with a
 * 128-bit KEK. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "host_crypto.h"
#include "rfc3394.h"

#define KEK RFC3394_KEK
#define KEY RFC3394_KEY
#define WRAPPED RFC3394_WRAPPED

static void rfc3394_4_1(void **state)
{
    (void)state;
    uint8_t out[24];
    assert_int_equal(pp_host_aes_wrap(NULL, KEK, KEY, 16, out), PP_OK);
    assert_memory_equal(out, WRAPPED, 24);
    uint8_t key[16];
    assert_int_equal(pp_host_aes_unwrap(NULL, KEK, WRAPPED, 24, key), PP_OK);
    assert_memory_equal(key, KEY, 16);
}

static void integrity_check(void **state)
{
    (void)state;
    uint8_t bad[24], key[16];
    for (size_t i = 0; i < sizeof bad; i++) { /* any flipped bit is caught */
        memcpy(bad, WRAPPED, 24);
        bad[i] ^= 0x01;
        assert_int_equal(pp_host_aes_unwrap(NULL, KEK, bad, 24, key), PP_ERR_AUTH);
    }
    uint8_t other[16];
    memcpy(other, KEK, 16);
    other[15] ^= 0x80; /* another KEK */
    assert_int_equal(pp_host_aes_unwrap(NULL, other, WRAPPED, 24, key), PP_ERR_AUTH);
    assert_int_equal(pp_host_aes_unwrap(NULL, KEK, WRAPPED, 20, key), PP_ERR_ARG);
    assert_int_equal(pp_host_aes_unwrap(NULL, KEK, WRAPPED, 16, key), PP_ERR_ARG);
    assert_int_equal(pp_host_aes_wrap(NULL, KEK, KEY, 8, bad), PP_ERR_ARG);
}

/* Longer key data round-trips (n = 4 blocks exercises the step counter t). */
static void round_trip_32(void **state)
{
    (void)state;
    uint8_t data[32], wrapped[40], back[32];
    for (int i = 0; i < 32; i++) {
        data[i] = (uint8_t)(i * 7 + 1);
    }
    assert_int_equal(pp_host_aes_wrap(NULL, KEK, data, 32, wrapped), PP_OK);
    assert_int_equal(pp_host_aes_unwrap(NULL, KEK, wrapped, 40, back), PP_OK);
    assert_memory_equal(back, data, 32);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc3394_4_1),
        cmocka_unit_test(integrity_check),
        cmocka_unit_test(round_trip_32),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
