/* One-line descriptions of HDLC frames for `polyphase run --trace`. */
#include "polyphase/hdlc.h"

typedef struct text {
    char *out;
    size_t cap, len;
} text_t;

static void put_c(text_t *t, char c)
{
    if (t->len + 1 < t->cap) {
        t->out[t->len] = c;
    }
    t->len++;
}

static void put_s(text_t *t, const char *s)
{
    while (*s) {
        put_c(t, *s++);
    }
}

static void put_u(text_t *t, unsigned v)
{
    char d[10];
    int n = 0;
    do {
        d[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v && n < 10);
    while (n > 0) {
        put_c(t, d[--n]);
    }
}

static void put_addr(text_t *t, const pp_hdlc_addr_t *a)
{
    put_u(t, a->upper);
    if (a->len > 1) {
        put_c(t, '/');
        put_u(t, a->lower);
    }
}

static const char *type_name(pp_hdlc_type_t type)
{
    static const char *const NAMES[] = {"I", "RR", "RNR", "SNRM", "DISC", "UA",
                                        "DM", "FRMR", "UI", "undefined"};
    return NAMES[type <= PP_HDLC_UNDEFINED ? type : PP_HDLC_UNDEFINED];
}

static void describe(text_t *t, const pp_hdlc_frame_t *f)
{
    const pp_hdlc_type_t type = pp_hdlc_control_type(f->control);
    put_s(t, type_name(type));
    if (type == PP_HDLC_I) {
        put_s(t, " N(S)=");
        put_u(t, pp_hdlc_control_ns(f->control));
    }
    if (type == PP_HDLC_I || type == PP_HDLC_RR || type == PP_HDLC_RNR) {
        put_s(t, " N(R)=");
        put_u(t, pp_hdlc_control_nr(f->control));
    }
    put_s(t, pp_hdlc_control_pf(f->control) ? " P/F" : "");
    put_s(t, f->segmented ? " segmented" : "");
    put_s(t, " ");
    put_addr(t, &f->src);
    put_s(t, "->");
    put_addr(t, &f->dst);
    if (f->info_len) {
        put_s(t, " info ");
        put_u(t, (unsigned)f->info_len);
        put_s(t, " B");
    }
}

int pp_hdlc_frame_describe(const uint8_t *frame, size_t len, char *out, size_t cap)
{
    static const char HEX[] = "0123456789ABCDEF";
    text_t t = {.out = out, .cap = cap, .len = 0};
    pp_hdlc_frame_t f;
    pp_err_t rc = frame ? pp_hdlc_frame_decode(frame, len, &f) : PP_ERR_ARG;
    if (rc == PP_OK) {
        describe(&t, &f);
    } else {
        put_s(&t, rc == PP_ERR_CRC ? "bad HCS/FCS" : "malformed frame");
    }
    put_s(&t, " |");
    for (size_t i = 0; frame && i < len; i++) {
        if (t.len + 4 >= cap && i + 1 < len) {
            put_s(&t, " ...");
            break;
        }
        put_c(&t, ' ');
        put_c(&t, HEX[frame[i] >> 4]);
        put_c(&t, HEX[frame[i] & 15u]);
    }
    if (cap > 0) {
        out[t.len < cap ? t.len : cap - 1] = '\0';
    }
    return (int)(t.len < cap ? t.len : (cap ? cap - 1 : 0));
}
