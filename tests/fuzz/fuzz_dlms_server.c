/* The DLMS server bound to a whole meter (the meter's provider): a meter on the fake port, an association made with
 * the first bytes deciding the client (public or reader with the password),
 * then the input split into APDUs (2-byte length prefix each) fed one by
 * one. Every response must be one complete, well-formed APDU no larger than
 * the buffer; nothing may crash or hang. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_port.h"
#include "polyphase/acse.h"
#include "polyphase/meter.h"
#include "polyphase/nvm_layout.h"

static const uint8_t AARQ_PUBLIC[] = {
    0x60, 0x1D, 0xA1, 0x09, 0x06, 0x07, 0x60, 0x85, 0x74, 0x05, 0x08, 0x01, 0x01,
    0xBE, 0x10, 0x04, 0x0E, 0x01, 0x00, 0x00, 0x00, 0x06, 0x5F, 0x1F, 0x04, 0x00,
    0x00, 0x7E, 0x1F, 0x00, 0x80};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static pp_fake_port_t port; /* fuzz harness state, not the core's */
    static pp_meter_t *meter;
    if (!meter) {
        pp_fake_port_init(&port, PP_NVM_TOTAL_SIZE, 256);
        pp_meter_config_t cfg;
        pp_meter_config_default(&cfg);
        meter = calloc(1, sizeof *meter);
        if (pp_meter_init(meter, &port.port, &cfg) != PP_OK) {
            abort();
        }
    }
    pp_dlms_server_t *s = &meter->dlms;
    pp_dlms_server_close(s, 0); /* every input starts without an association */
    uint8_t resp[2048];
    uint16_t client = (size > 0 && (data[0] & 1)) ? 17 : 16;
    if (client == 17) {
        pp_acse_aarq_t rq = {.context = PP_ACSE_CTX_LN, .auth_required = true,
                             .mechanism = PP_ACSE_MECH_LOW,
                             .auth_value = {(const uint8_t *)"12345678", 8},
                             .user_info = {AARQ_PUBLIC + 17, 14}};
        uint8_t aarq[128];
        int n = pp_acse_aarq_encode(&rq, aarq, sizeof aarq);
        (void)pp_dlms_server_apdu(s, 0, client, aarq, (size_t)n, resp, sizeof resp);
    } else {
        (void)pp_dlms_server_apdu(s, 0, client, AARQ_PUBLIC, sizeof AARQ_PUBLIC, resp,
                                  sizeof resp);
    }
    size_t pos = size > 0 ? 1 : 0;
    while (pos + 2 <= size) {
        size_t len = (size_t)data[pos] << 8 | data[pos + 1];
        pos += 2;
        if (len > size - pos) {
            len = size - pos;
        }
        int n = pp_dlms_server_apdu(s, 0, client, data + pos, len, resp, sizeof resp);
        if (n > (int)sizeof resp || (n > 0 && pp_axdr_measure(resp, (size_t)n, 16) < 0 &&
                                     resp[0] != 0x61 && resp[0] != 0x63 && resp[0] != 0xC4 &&
                                     resp[0] != 0xC5 && resp[0] != 0xC7 && resp[0] != 0xD8 &&
                                     resp[0] != 0xE0)) {
            abort();
        }
        pos += len;
    }
    return 0;
}
