/* The whole provider-bound DLMS server (polyphase/dlms_server.h): an
 * association chosen by the first byte (public, reader with the password,
 * or management with HLS-GMAC, whose requests the harness then ciphers),
 * then APDUs (2-byte length prefix each) on two connections. Every answer
 * must fit the buffer and pass the codec's strict decoders; the trace
 * decoder runs on everything. Nothing may crash, hang or leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dlms_server_harness.h"
#include "polyphase/acse.h"
#include "polyphase/dlms_const.h"

static void check_plain(const uint8_t *r, size_t n)
{
    if (n == 0) {
        return;
    }
    pp_err_t rc = PP_OK;
    switch (r[0]) {
    case PP_APDU_GET_RESPONSE: {
        pp_xdlms_get_resp_t x;
        rc = pp_xdlms_get_resp_decode(r, n, &x);
        break;
    }
    case PP_APDU_SET_RESPONSE: {
        pp_xdlms_set_resp_t x;
        rc = pp_xdlms_set_resp_decode(r, n, &x);
        break;
    }
    case PP_APDU_ACTION_RESPONSE: {
        pp_xdlms_action_resp_t x;
        rc = pp_xdlms_action_resp_decode(r, n, &x);
        break;
    }
    case PP_APDU_EXCEPTION_RESPONSE: {
        pp_xdlms_exception_t x;
        rc = pp_xdlms_exception_decode(r, n, &x);
        break;
    }
    case PP_APDU_GENERAL_BLOCK_TRANSFER: {
        pp_xdlms_gbt_t x;
        rc = pp_xdlms_gbt_decode(r, n, &x);
        break;
    }
    case PP_APDU_AARE: {
        pp_acse_aare_t x;
        rc = pp_acse_aare_decode(r, n, &x);
        break;
    }
    case PP_APDU_RLRE: {
        pp_acse_release_t x;
        rc = pp_acse_rlre_decode(r, n, &x);
        break;
    }
    default:
        rc = pp_xdlms_is_ciphered_tag(r[0]) ? PP_OK : PP_ERR_MALFORMED;
        break;
    }
    if (rc != PP_OK) {
        abort(); /* the meter sent something a strict decoder refuses */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pp_dsh_t *h = pp_dsh_new();
    for (int i = 0; i < 20; i++) {
        pp_dsh_lp_add(h, 1767229200000ll + i * 900000ll, 1000u + (uint32_t)i);
    }
    const uint8_t mode = size > 0 ? data[0] % 3 : 0;
    const uint16_t client = mode == 0 ? 16 : (mode == 1 ? 17 : 1);
    const uint16_t max_pdu = size > 1 ? (uint16_t)(data[1] < 16 ? 0 : data[1] * 4) : 0;
    int ok = mode == 2 ? pp_dsh_hls(h, 0, 1, (const uint8_t *)"fuzzfuzzfuzzfuzz", 16, NULL)
                       : pp_dsh_assoc(h, 0, client, mode == 1 ? "12345678" : NULL, 0x00FFFFFF,
                                      max_pdu);
    if (ok != 0) {
        abort();
    }
    (void)pp_dsh_assoc(h, 1, 16, NULL, 0x00FFFFFF, 64);
    size_t pos = size > 1 ? 2 : size;
    char line[512];
    uint8_t plain[4096], buf[4096];
    while (pos + 2 <= size) {
        size_t len = (size_t)(data[pos] & 0x07) << 8 | data[pos + 1];
        const unsigned conn = data[pos] & 0x80 ? 1 : 0;
        pos += 2;
        if (len > size - pos) {
            len = size - pos;
        }
        const uint8_t *req = data + pos;
        pos += len;
        (void)pp_dlms_trace_hex(req, len, line, sizeof line);
        if (mode == 2 && conn == 0 && len > 0 && (req[0] & 0xF0) == 0xC0) {
            int n = pp_dsh_encipher(h, (uint8_t)(req[0] + 8), req, len, buf, sizeof buf, NULL);
            if (n > 0) {
                pp_dsh_req(h, 0, client, buf, (size_t)n);
                if (h->resp_len > 0 && h->resp[0] != PP_APDU_EXCEPTION_RESPONSE) {
                    int m = pp_dsh_decipher(h, h->resp, (size_t)h->resp_len, plain, sizeof plain,
                                            NULL);
                    if (m < 0) {
                        abort(); /* we could not decipher our own meter */
                    }
                    check_plain(plain, (size_t)m);
                }
                continue;
            }
        }
        int r = pp_dsh_req(h, conn, conn ? 16 : client, req, len);
        if (r < 0 || (size_t)r > sizeof h->resp) {
            abort();
        }
        (void)pp_dlms_trace(h->resp, (size_t)r, line, sizeof line);
        check_plain(h->resp, (size_t)r);
    }
    pp_dsh_free(h);
    return 0;
}
