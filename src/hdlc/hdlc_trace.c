/* One-line descriptions of HDLC frames for `polyphase run --trace`. */
#include "polyphase/hdlc.h"
#include "polyphase/text.h"

static void put_addr(pp_text_t *t, const pp_hdlc_addr_t *a)
{
    pp_text_u(t, a->upper);
    if (a->len > 1) {
        pp_text_c(t, '/');
        pp_text_u(t, a->lower);
    }
}

static const char *type_name(pp_hdlc_type_t type)
{
    static const char *const NAMES[] = {"I", "RR", "RNR", "SNRM", "DISC", "UA",
                                        "DM", "FRMR", "UI", "undefined"};
    return NAMES[type <= PP_HDLC_UNDEFINED ? type : PP_HDLC_UNDEFINED];
}

static void describe(pp_text_t *t, const pp_hdlc_frame_t *f)
{
    const pp_hdlc_type_t type = pp_hdlc_control_type(f->control);
    pp_text_s(t, type_name(type));
    if (type == PP_HDLC_I) {
        pp_text_s(t, " N(S)=");
        pp_text_u(t, pp_hdlc_control_ns(f->control));
    }
    if (type == PP_HDLC_I || type == PP_HDLC_RR || type == PP_HDLC_RNR) {
        pp_text_s(t, " N(R)=");
        pp_text_u(t, pp_hdlc_control_nr(f->control));
    }
    pp_text_s(t, pp_hdlc_control_pf(f->control) ? " P/F" : "");
    pp_text_s(t, f->segmented ? " segmented" : "");
    pp_text_c(t, ' ');
    put_addr(t, &f->src);
    pp_text_s(t, "->");
    put_addr(t, &f->dst);
    if (f->info_len) {
        pp_text_s(t, " info ");
        pp_text_u(t, (uint32_t)f->info_len);
        pp_text_s(t, " B");
    }
}

int pp_hdlc_frame_describe(const uint8_t *frame, size_t len, char *out, size_t cap)
{
    pp_text_t t;
    pp_text_init(&t, out, cap);
    pp_hdlc_frame_t f;
    pp_err_t rc = frame ? pp_hdlc_frame_decode(frame, len, &f) : PP_ERR_ARG;
    if (rc == PP_OK) {
        describe(&t, &f);
    } else {
        pp_text_s(&t, rc == PP_ERR_CRC ? "bad HCS/FCS" : "malformed frame");
    }
    pp_text_s(&t, " |");
    pp_text_hex(&t, frame, frame ? len : 0);
    return (int)pp_text_length(&t);
}
