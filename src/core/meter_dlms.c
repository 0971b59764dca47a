/* The meter's DLMS/COSEM server endpoint: one association per connection,
 * logical device 1 (management). */
#include "meter_internal.h"

#define SERVER_LOGICAL_DEVICE 1u

int pp_meter_dlms_apdu(pp_meter_t *m, pp_meter_conn_t *c, uint16_t client, uint16_t server,
                       const uint8_t *req, size_t len, uint8_t *resp, size_t cap)
{
    if (server != SERVER_LOGICAL_DEVICE) {
        return 0; /* not addressed to a logical device of this meter: discard */
    }
    int n = pp_dlms_apdu(m, &c->dlms, client, req, len, resp, cap);
    return cap == 0 ? 0 : n;
}

void pp_meter_dlms_release(pp_meter_t *m, pp_meter_conn_t *c)
{
    (void)m;
    pp_dlms_release(&c->dlms);
}
