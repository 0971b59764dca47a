/* Interface class 23, IEC HDLC setup (version 1): the HDLC link's settings
 * as the meter uses them; read-only through DLMS (they are set by
 * configuration). */
#include "polyphase/dlms_const.h"
#include "server_internal.h"

static pp_err_t get(const pp_cosem_call_t *c, pp_cosem_enc_t *e, uint8_t *dar)
{
    pp_axdr_wr_t *w = &e->wr;
    if (c->id == 1) {
        return pp_cosem_put_ln(w, c->obj->ln);
    }
    pp_dlms_comm_info_t ci;
    PP_TRY(pp_cosem_comm_info(c, &ci, dar));
    switch (c->id) {
    case 2: return pp_axdr_put_enum(w, ci.hdlc_baud);
    case 3: return pp_axdr_put_u8(w, ci.hdlc_window_tx);
    case 4: return pp_axdr_put_u8(w, ci.hdlc_window_rx);
    case 5: return pp_axdr_put_u16(w, ci.hdlc_max_info_tx);
    case 6: return pp_axdr_put_u16(w, ci.hdlc_max_info_rx);
    case 7: return pp_axdr_put_u16(w, ci.hdlc_inter_octet_ms);
    case 8: return pp_axdr_put_u16(w, ci.hdlc_inactivity_s);
    default: return pp_axdr_put_u16(w, ci.hdlc_device_address);
    }
}

static const uint8_t RULE[] = {PP_CA_STATIC, PP_CA_STATIC, PP_CA_STATIC,
                               PP_CA_STATIC, PP_CA_STATIC, PP_CA_STATIC,
                               PP_CA_STATIC, PP_CA_STATIC, PP_CA_STATIC};

const pp_cosem_class_t pp_cosem_class_hdlc_setup = {
    .class_id = 23, .version = 1, .nattr = 9, .nmeth = 0, .rule = RULE, .get = get};
