/* Fuzz target: ACSE decoders (AARQ, AARE, RLRQ, RLRE). Oracles: no crash
 * or over-read; whatever decodes re-encodes to an APDU that decodes again
 * and re-encodes identically (the encoders are canonical). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "polyphase/acse.h"

static void check_aarq(const uint8_t *data, size_t size)
{
    pp_acse_aarq_t a, b;
    static uint8_t out1[70000], out2[70000];
    if (pp_acse_aarq_decode(data, size, &a) != PP_OK || a.context >= 0x80 ||
        (a.mechanism >= 0x80 && a.mechanism != PP_ACSE_MECH_UNKNOWN)) {
        return;
    }
    if (a.mechanism == PP_ACSE_MECH_UNKNOWN) {
        return; /* the encoder cannot name an unknown mechanism */
    }
    int n1 = pp_acse_aarq_encode(&a, out1, sizeof out1);
    if (n1 < 0 || pp_acse_aarq_decode(out1, (size_t)n1, &b) != PP_OK) {
        abort();
    }
    int n2 = pp_acse_aarq_encode(&b, out2, sizeof out2);
    if (n2 != n1 || memcmp(out1, out2, (size_t)n1) != 0) {
        abort();
    }
}

static void check_aare(const uint8_t *data, size_t size)
{
    pp_acse_aare_t a, b;
    static uint8_t out1[70000], out2[70000];
    if (pp_acse_aare_decode(data, size, &a) != PP_OK || a.context >= 0x80 ||
        a.mechanism == PP_ACSE_MECH_UNKNOWN || a.diag >= 0x80) {
        return;
    }
    int n1 = pp_acse_aare_encode(&a, out1, sizeof out1);
    if (n1 < 0 || pp_acse_aare_decode(out1, (size_t)n1, &b) != PP_OK) {
        abort();
    }
    int n2 = pp_acse_aare_encode(&b, out2, sizeof out2);
    if (n2 != n1 || memcmp(out1, out2, (size_t)n1) != 0) {
        abort();
    }
}

static void check_release(const uint8_t *data, size_t size)
{
    pp_acse_release_t r;
    static uint8_t out[70000];
    if (pp_acse_rlrq_decode(data, size, &r) == PP_OK && (!r.has_reason || r.reason < 0x80)) {
        int n = pp_acse_rlrq_encode(&r, out, sizeof out);
        if (n < 0 || pp_acse_rlrq_decode(out, (size_t)n, &r) != PP_OK) {
            abort();
        }
    }
    if (pp_acse_rlre_decode(data, size, &r) == PP_OK && (!r.has_reason || r.reason < 0x80)) {
        int n = pp_acse_rlre_encode(&r, out, sizeof out);
        if (n < 0 || pp_acse_rlre_decode(out, (size_t)n, &r) != PP_OK) {
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_aarq(data, size);
    check_aare(data, size);
    check_release(data, size);
    return 0;
}
