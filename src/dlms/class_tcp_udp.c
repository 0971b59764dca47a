/* Interface class 41, TCP-UDP setup: the wrapper's port, IP setup
 * reference, MSS, simultaneous connections, inactivity time-out;
 * read-only through DLMS. */
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

static const uint8_t RULE[] = {PP_CA_STATIC, PP_CA_STATIC, PP_CA_STATIC,
                               PP_CA_STATIC, PP_CA_STATIC, PP_CA_STATIC};

const pp_cosem_class_t pp_cosem_class_tcp_udp = {
    .class_id = 41, .version = 0, .nattr = 6, .nmeth = 0, .rule = RULE, .get = get};
