/* Bridge to the DLMS server, still landing: until then the meter answers no
 * DLMS APDU. Replaced when it lands. */
#include "meter_internal.h"

int pp_meter_dlms_apdu(pp_meter_t *m, pp_meter_conn_t *c, uint16_t client, uint16_t server,
                       const uint8_t *req, size_t len, uint8_t *resp, size_t cap)
{
    (void)m; (void)c; (void)client; (void)server; (void)req; (void)len; (void)resp; (void)cap;
    return 0;
}

void pp_meter_dlms_release(pp_meter_t *m, pp_meter_conn_t *c)
{
    (void)m; (void)c;
}

