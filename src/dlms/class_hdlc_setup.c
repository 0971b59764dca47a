/* Interface class 23, IEC HDLC setup (version 1): the HDLC link's settings
 * as the meter uses them. Management writes attributes 3..9; the new values
 * apply from the next connection (SNRM), never to the running one.
 * comm_speed stays read-only: the line's rate is the port's (mode E
 * switches it), not something the meter core can change. */
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

/* Blue Book ranges of attributes 3..9 (windows unsigned, the rest
 * long-unsigned); inactivity 0 = no time-out. */
static const struct {
    bool wide;
    uint16_t lo, hi;
} RANGE[7] = {{false, 1, 7},  {false, 1, 7},  {true, 32, 2030}, {true, 32, 2030},
              {true, 20, 6000}, {true, 0, UINT16_MAX}, {true, 0x10, 0x3FFD}};

static uint8_t set(const pp_cosem_call_t *c, const uint8_t *data, size_t len)
{
    pp_dlms_comm_info_t ci;
    uint8_t dar = PP_DAR_READ_WRITE_DENIED;
    if (c->id < 3 || c->id > 9 || pp_cosem_comm_info(c, &ci, &dar) != PP_OK) {
        return dar;
    }
    uint16_t v;
    const unsigned k = c->id - 3u;
    dar = pp_cosem_get_setting(data, len, RANGE[k].wide, RANGE[k].lo, RANGE[k].hi, &v);
    if (dar != PP_DAR_SUCCESS) {
        return dar;
    }
    switch (c->id) {
    case 3: ci.hdlc_window_tx = (uint8_t)v; break;
    case 4: ci.hdlc_window_rx = (uint8_t)v; break;
    case 5: ci.hdlc_max_info_tx = v; break;
    case 6: ci.hdlc_max_info_rx = v; break;
    case 7: ci.hdlc_inter_octet_ms = v; break;
    case 8: ci.hdlc_inactivity_s = v; break;
    default: ci.hdlc_device_address = v; break;
    }
    return pp_cosem_comm_write(c, &ci);
}

static const uint8_t RULE[] = {PP_CA_STATIC, PP_CA_STATIC, PP_CA_CONFIG,
                               PP_CA_CONFIG, PP_CA_CONFIG, PP_CA_CONFIG,
                               PP_CA_CONFIG, PP_CA_CONFIG, PP_CA_CONFIG};

const pp_cosem_class_t pp_cosem_class_hdlc_setup = {
    .class_id = 23, .version = 1, .nattr = 9, .nmeth = 0, .rule = RULE, .get = get, .set = set};
