/* Class 64 Security setup method 2 global_key_transfer through the server:
 * an HLS-GMAC management association sends glo-ciphered ACTIONs built by
 * hand (A-XDR below); the wrapped key is RFC 3394 section 4.1's (KEK
 * 000102..0F = the default master key, key 00112233..FF). Then the client
 * talks and associates with the new key.
 *   C3 01 C1 | 00 40 | 00 00 2B 00 01 FF | 02 | 01 (parameters present)
 *   01 01 (array of 1) 02 02 (structure of 2) 16 id (enum) 09 18 (octet-string 24) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dlms_server_harness.h"
#include "host_crypto.h"
#include "polyphase/dlms_const.h"
#include "rfc3394.h"

static const uint8_t CTOS[8] = {'K', '5', '6', 'i', 'V', 'a', 'g', 'Y'};
static const uint8_t CLOCK_LN[6] = {0, 1, 1, 0, 0, 255};
/* the default EK and KEK are RFC 3394's KEK */
#define DEFAULT_EK RFC3394_KEK
#define NEW_KEY RFC3394_KEY
#define RFC_WRAPPED RFC3394_WRAPPED
static const uint8_t HEAD[] = {0xC3, 0x01, 0xC1, 0x00, 0x40, 0x00, 0x00, 0x2B, 0x00,
                               0x01, 0xFF, 0x02, 0x01, 0x01, 0x01};

static int setup(void **state)
{
    *state = pp_dsh_new();
    return 0;
}

static int teardown(void **state)
{
    pp_dsh_free(*state);
    return 0;
}

/* One {key_id, key_wrapped} entry at p; returns its length (30). */
static size_t entry(uint8_t *p, uint8_t id, const uint8_t wrapped[24])
{
    const uint8_t head[] = {0x02, 0x02, 0x16, id, 0x09, 0x18};
    memcpy(p, head, 6);
    memcpy(p + 6, wrapped, 24);
    return 30;
}

/* key_transfer of one key; returns the action-result (or -1). */
static int transfer(pp_dsh_t *h, uint16_t client, uint8_t id, const uint8_t wrapped[24])
{
    uint8_t req[64], resp[64];
    memcpy(req, HEAD, sizeof HEAD);
    size_t n = sizeof HEAD + entry(req + sizeof HEAD, id, wrapped);
    int r = pp_dsh_exchange(h, 0, client, req, n, resp, sizeof resp);
    if (r != 5 || resp[0] != PP_APDU_ACTION_RESPONSE || resp[1] != 1 || resp[4] != 0) {
        return -1;
    }
    return resp[3];
}

static uint32_t ic_of(const uint8_t *apdu) /* glo-: tag, length, SC, IC */
{
    return (uint32_t)apdu[3] << 24 | (uint32_t)apdu[4] << 16 | (uint32_t)apdu[5] << 8 | apdu[6];
}

static bool logged(const pp_dsh_t *h, uint16_t code)
{
    for (unsigned i = 0; i < h->nev; i++) {
        if (h->ev_code[i] == code && h->ev_client[i] == 1) {
            return true;
        }
    }
    return false;
}

static void new_unicast_key_end_to_end(void **state)
{
    pp_dsh_t *h = *state;
    uint8_t data[64];
    static const uint8_t USED[4] = {0x01, 0x00, 0x00, 0x00}; /* a long-used key */
    assert_int_equal(pp_journal_write(&h->journal, PP_KEY_DLMS_TX_IC, USED, 4), PP_OK);
    pp_dsh_restart(h);
    assert_int_equal(pp_dsh_hls(h, 0, 1, CTOS, 8, NULL), 0);
    assert_int_equal(pp_dsh_get(h, 0, 1, 8, CLOCK_LN, 2, NULL, data, sizeof data, NULL), 14);
    const uint32_t old_ic = ic_of(h->resp);
    assert_true(old_ic > 0x01000000u);
    /* the confirmation still comes under the old key (transfer() deciphers it) */
    assert_int_equal(transfer(h, 1, 0, RFC_WRAPPED), PP_ACTRES_SUCCESS);
    assert_true(logged(h, PP_DLMS_SEC_SECRET_CHANGED));
    /* from now on the old key fails ... */
    assert_int_equal(pp_dsh_get(h, 0, 1, 8, CLOCK_LN, 2, NULL, data, sizeof data, NULL), -1);
    /* ... and the new one works with counters from the start (reset with the key) */
    memcpy(h->ek, NEW_KEY, 16);
    h->client_ic = 1;
    assert_int_equal(pp_dsh_get(h, 0, 1, 8, CLOCK_LN, 2, NULL, data, sizeof data, NULL), 14);
    assert_int_equal(ic_of(h->resp), 1);
    /* a new association with the new key, after a restart (persisted) */
    pp_dsh_restart(h);
    assert_memory_equal(h->srv.sec.ek, NEW_KEY, 16);
    assert_false(h->srv.sec.default_keys);
    assert_int_equal(pp_dsh_hls(h, 1, 1, CTOS, 8, NULL), 0);
    assert_int_equal(pp_dsh_get(h, 1, 1, 8, CLOCK_LN, 2, NULL, data, sizeof data, NULL), 14);
    assert_true(ic_of(h->resp) < old_ic);
    /* the old key cannot associate any more */
    memcpy(h->ek, DEFAULT_EK, 16);
    assert_true(pp_dsh_hls(h, 2, 1, CTOS, 8, NULL) != 0);
}

/* A new master key (id 3), then an authentication key (id 2) wrapped with it. */
static void new_master_key(void **state)
{
    pp_dsh_t *h = *state;
    assert_int_equal(pp_dsh_hls(h, 0, 1, CTOS, 8, NULL), 0);
    static const uint8_t KEK2[16] = {0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7,
                                     0xC8, 0xC9, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE, 0xCF};
    uint8_t w[24];
    assert_int_equal(pp_host_aes_wrap(NULL, DEFAULT_EK, KEK2, 16, w), PP_OK);
    assert_int_equal(transfer(h, 1, 3, w), PP_ACTRES_SUCCESS);
    /* the KEK is no cipher key: the association goes on unchanged */
    static const uint8_t AK2[16] = {0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7,
                                    0xA8, 0xA9, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF};
    /* wrapped with the old master key: refused, logged, nothing changed */
    assert_int_equal(transfer(h, 1, 2, RFC_WRAPPED), PP_ACTRES_OTHER_REASON);
    assert_true(logged(h, PP_DLMS_SEC_DECIPHER_FAILURE));
    assert_memory_equal(h->srv.sec.kek, KEK2, 16);
    assert_int_equal(pp_host_aes_wrap(NULL, KEK2, AK2, 16, w), PP_OK);
    assert_int_equal(transfer(h, 1, 2, w), PP_ACTRES_SUCCESS);
    memcpy(h->ak, AK2, 16);
    uint8_t data[64];
    assert_int_equal(pp_dsh_get(h, 0, 1, 8, CLOCK_LN, 2, NULL, data, sizeof data, NULL), 14);
    pp_dsh_restart(h);
    assert_memory_equal(h->srv.sec.kek, KEK2, 16);
    assert_memory_equal(h->srv.sec.ak, AK2, 16);
}

/* Two keys in one call, sent as method parameters in two blocks. */
static void two_keys_in_blocks(void **state)
{
    pp_dsh_t *h = *state;
    assert_int_equal(pp_dsh_hls(h, 0, 1, CTOS, 8, NULL), 0);
    static const uint8_t AK2[16] = {0xB0, 0xB1, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7,
                                    0xB8, 0xB9, 0xBA, 0xBB, 0xBC, 0xBD, 0xBE, 0xBF};
    uint8_t wak[24], params[64] = {0x01, 0x02};
    assert_int_equal(pp_host_aes_wrap(NULL, DEFAULT_EK, AK2, 16, wak), PP_OK);
    size_t n = 2 + entry(params + 2, 0, RFC_WRAPPED);
    n += entry(params + n, 2, wak); /* 62 octets */
    /* with-first-pblock {FALSE, 1, 40 octets}, with-pblock {TRUE, 2, 22 octets} */
    uint8_t req[96] = {0xC3, 0x04, 0xC1, 0x00, 0x40, 0x00, 0x00, 0x2B, 0x00, 0x01, 0xFF, 0x02,
                       0x00, 0, 0, 0, 1, 40};
    memcpy(req + 18, params, 40);
    uint8_t resp[64];
    static const uint8_t ACK[] = {0xC7, 0x04, 0xC1, 0, 0, 0, 1};
    assert_int_equal(pp_dsh_exchange(h, 0, 1, req, 58, resp, sizeof resp), 7);
    assert_memory_equal(resp, ACK, 7);
    const uint8_t b2[] = {0xC3, 0x06, 0xC1, 0x01, 0, 0, 0, 2, 22};
    memcpy(req, b2, sizeof b2);
    memcpy(req + sizeof b2, params + 40, n - 40);
    static const uint8_t OK[] = {0xC7, 0x01, 0xC1, 0x00, 0x00};
    assert_int_equal(pp_dsh_exchange(h, 0, 1, req, sizeof b2 + n - 40, resp, sizeof resp), 5);
    assert_memory_equal(resp, OK, 5);
    memcpy(h->ek, NEW_KEY, 16);
    memcpy(h->ak, AK2, 16);
    h->client_ic = 1;
    uint8_t data[64];
    assert_int_equal(pp_dsh_get(h, 0, 1, 8, CLOCK_LN, 2, NULL, data, sizeof data, NULL), 14);
}

static void refusals(void **state)
{
    pp_dsh_t *h = *state;
    /* the installer association may not transfer keys */
    assert_int_equal(pp_dsh_hls(h, 0, 2, CTOS, 8, NULL), 0);
    assert_int_equal(transfer(h, 2, 0, RFC_WRAPPED), PP_ACTRES_READ_WRITE_DENIED);
    pp_dlms_server_close(&h->srv, 0);
    assert_int_equal(pp_dsh_hls(h, 0, 1, CTOS, 8, NULL), 0);
    /* no such key_id (4): other-reason */
    assert_int_equal(transfer(h, 1, 4, RFC_WRAPPED), PP_ACTRES_OTHER_REASON);
    /* a flipped octet fails the integrity check */
    uint8_t bad[24];
    memcpy(bad, RFC_WRAPPED, 24);
    bad[23] ^= 1;
    assert_int_equal(transfer(h, 1, 0, bad), PP_ACTRES_OTHER_REASON);
    /* not an array of structures: type-unmatched */
    static const uint8_t NOT_ARRAY[] = {0xC3, 0x01, 0xC1, 0x00, 0x40, 0x00, 0x00, 0x2B, 0x00,
                                        0x01, 0xFF, 0x02, 0x01, 0x09, 0x02, 0xAA, 0xBB};
    uint8_t resp[16];
    assert_int_equal(pp_dsh_exchange(h, 0, 1, NOT_ARRAY, sizeof NOT_ARRAY, resp, sizeof resp), 5);
    assert_int_equal(resp[3], PP_ACTRES_TYPE_UNMATCHED);
    /* the same key twice in one call */
    uint8_t req[96];
    memcpy(req, HEAD, sizeof HEAD);
    req[sizeof HEAD - 1] = 2;
    size_t n = sizeof HEAD + entry(req + sizeof HEAD, 0, RFC_WRAPPED);
    n += entry(req + n, 0, RFC_WRAPPED);
    assert_int_equal(pp_dsh_exchange(h, 0, 1, req, n, resp, sizeof resp), 5);
    assert_int_equal(resp[3], PP_ACTRES_OTHER_REASON);
    /* a port without key wrap (the template's stubs): other-reason */
    h->fake.port.aes_unwrap = NULL;
    assert_int_equal(transfer(h, 1, 0, RFC_WRAPPED), PP_ACTRES_OTHER_REASON);
    /* nothing changed */
    assert_memory_equal(h->srv.sec.ek, DEFAULT_EK, 16);
    uint8_t data[64];
    assert_int_equal(pp_dsh_get(h, 0, 1, 8, CLOCK_LN, 2, NULL, data, sizeof data, NULL), 14);
}

/* A power cut at any octet of any NVM write of the transfer: after the
 * restart either the old key with a server counter above every one it sent
 * under it, or the new key (its counter may start low: the key is new). */
static void power_cut_during_transfer(void **state)
{
    (void)state;
    static const uint32_t BYTES[] = {0, 7, 1000};
    for (int64_t k = 0; k < 12; k++) {
        for (size_t b = 0; b < sizeof BYTES / sizeof BYTES[0]; b++) {
            pp_dsh_t *h = pp_dsh_new();
            assert_int_equal(pp_dsh_hls(h, 0, 1, CTOS, 8, NULL), 0);
            const uint32_t sent = h->srv.sec.tx_ic; /* above every counter sent so far */
            pp_fake_cut_power_at(&h->fake, (int64_t)h->fake.nvm_writes + k, BYTES[b]);
            (void)transfer(h, 1, 0, RFC_WRAPPED);
            pp_fake_power_on(&h->fake);
            pp_dsh_restart(h);
            if (memcmp(h->srv.sec.ek, DEFAULT_EK, 16) == 0) {
                assert_true(h->srv.sec.tx_ic >= sent);
            } else {
                assert_memory_equal(h->srv.sec.ek, NEW_KEY, 16);
            }
            assert_memory_equal(h->srv.sec.ak, h->ak, 16); /* never torn */
            pp_dsh_free(h);
        }
    }
}

/* The ACTION Gurux's C library (9.0.2608.1701, cip_encryptKey) sent to
 * polyphase run, deciphered by hand with AES-GCM (EK, AK, its system title
 * 4755525558313233, IC 5): EK 00112233..FF (key_id 0, RFC 3394 4.1's
 * wrapped value) and AK A0A1..AF (key_id 2) in one array, both wrapped with
 * the default KEK; the AK wrap checked with Python cryptography's
 * aes_key_wrap. The meter answered C7 01 C1 00 00. */
static void gurux_two_keys(void **state)
{
    pp_dsh_t *h = *state;
    static const uint8_t GURUX[] = {
        0xC3, 0x01, 0xC1, 0x00, 0x40, 0x00, 0x00, 0x2B, 0x00, 0x01, 0xFF, 0x02, 0x01, 0x01,
        0x02, 0x02, 0x02, 0x16, 0x00, 0x09, 0x18, 0x1F, 0xA6, 0x8B, 0x0A, 0x81, 0x12, 0xB4,
        0x47, 0xAE, 0xF3, 0x4B, 0xD8, 0xFB, 0x5A, 0x7B, 0x82, 0x9D, 0x3E, 0x86, 0x23, 0x71,
        0xD2, 0xCF, 0xE5, 0x02, 0x02, 0x16, 0x02, 0x09, 0x18, 0x7C, 0x98, 0xF3, 0xE4, 0xD6,
        0x06, 0x36, 0xD4, 0xAE, 0xF4, 0x97, 0x7D, 0x12, 0xDB, 0xFE, 0x75, 0x61, 0x1D, 0xBD,
        0x03, 0xE5, 0x4D, 0xFF, 0xEF};
    static const uint8_t AK2[16] = {0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7,
                                    0xA8, 0xA9, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF};
    static const uint8_t OK[] = {0xC7, 0x01, 0xC1, 0x00, 0x00};
    uint8_t resp[16], data[64];
    assert_int_equal(pp_dsh_hls(h, 0, 1, CTOS, 8, NULL), 0);
    assert_int_equal(pp_dsh_exchange(h, 0, 1, GURUX, sizeof GURUX, resp, sizeof resp), 5);
    assert_memory_equal(resp, OK, 5);
    /* Gurux then associated with the new keys, its counter from 1 */
    memcpy(h->ek, NEW_KEY, 16);
    memcpy(h->ak, AK2, 16);
    h->client_ic = 1;
    assert_int_equal(pp_dsh_hls(h, 1, 1, CTOS, 8, NULL), 0);
    assert_int_equal(pp_dsh_get(h, 1, 1, 8, CLOCK_LN, 2, NULL, data, sizeof data, NULL), 14);
    assert_memory_equal(h->srv.sec.ek, NEW_KEY, 16);
    assert_memory_equal(h->srv.sec.ak, AK2, 16);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(new_unicast_key_end_to_end, setup, teardown),
        cmocka_unit_test_setup_teardown(new_master_key, setup, teardown),
        cmocka_unit_test_setup_teardown(two_keys_in_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(gurux_two_keys, setup, teardown),
        cmocka_unit_test(power_cut_during_transfer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
