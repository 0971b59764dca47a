/* Interface class 41, TCP-UDP setup: the wrapper's port, IP setup
 * reference, MSS, simultaneous connections, inactivity time-out.
 * Management writes the inactivity time-out (for connections opened
 * after). The port is the host's listening socket and the connection
 * count the meter's compiled-in sessions: neither can change at run time,
 * so both stay read-only like the IP reference and the MSS. */
#include "polyphase/dlms_const.h"
#include "server_internal.h"

#define TCP_MSS 1460u /* Ethernet; the meter never sends more per segment */

static pp_err_t get(const pp_cosem_call_t *c, pp_cosem_enc_t *e, uint8_t *dar)
{
    static const uint8_t IP_SETUP[6] = {0, 0, 25, 1, 0, 255};
    pp_axdr_wr_t *w = &e->wr;
    if (c->id == 1) {
        return pp_cosem_put_ln(w, c->obj->ln);
    }
    pp_dlms_comm_info_t ci;
    PP_TRY(pp_cosem_comm_info(c, &ci, dar));
    switch (c->id) {
    case 2: return pp_axdr_put_u16(w, ci.tcp_port);
    case 3: return pp_axdr_put_octets(w, IP_SETUP, 6);
    case 4: return pp_axdr_put_u16(w, TCP_MSS);
    case 5: return pp_axdr_put_u8(w, (uint8_t)(ci.tcp_max_clients > 255 ? 255 : ci.tcp_max_clients));
    default: return pp_axdr_put_u16(w, ci.tcp_inactivity_s);
    }
}

/* inactivity_time_out (s, long-unsigned, 0 = none) */
static uint8_t set(const pp_cosem_call_t *c, const uint8_t *data, size_t len)
{
    pp_dlms_comm_info_t ci;
    uint8_t dar = PP_DAR_READ_WRITE_DENIED;
    if (c->id != 6 || pp_cosem_comm_info(c, &ci, &dar) != PP_OK) {
        return dar;
    }
    dar = pp_cosem_get_setting(data, len, true, 0, UINT16_MAX, &ci.tcp_inactivity_s);
    return dar == PP_DAR_SUCCESS ? pp_cosem_comm_write(c, &ci) : dar;
}

static const uint8_t RULE[] = {PP_CA_STATIC, PP_CA_STATIC, PP_CA_STATIC,
                               PP_CA_STATIC, PP_CA_STATIC, PP_CA_CONFIG};

const pp_cosem_class_t pp_cosem_class_tcp_udp = {
    .class_id = 41, .version = 0, .nattr = 6, .nmeth = 0, .rule = RULE, .get = get, .set = set};
