/* HDLC frame codec and incremental framer (IEC 62056-46 frame format type 3).
 * Frame: 7E | format(2) | dst | src | control | [HCS(2) | info] | FCS(2) | 7E
 * Format: 1010 S LLL LLLLLLLL, the 11-bit length counting format..FCS.
 * HCS covers format..control, FCS covers format..info; both CRC-16/X.25,
 * least significant byte first. HCS exists only when there is info. */
#include <string.h>

#include "polyphase/crc.h"
#include "polyphase/hdlc.h"

/* ---------------------------------------------------------- control field */

pp_hdlc_type_t pp_hdlc_control_type(uint8_t c)
{
    if ((c & 0x01u) == 0) {
        return PP_HDLC_I;
    }
    if ((c & 0x03u) == 0x01u) { /* supervisory */
        switch (c & 0x0Fu) {
        case PP_HDLC_CTRL_RR: return PP_HDLC_RR;
        case PP_HDLC_CTRL_RNR: return PP_HDLC_RNR;
        default: return PP_HDLC_UNDEFINED; /* REJ, SREJ: not in 62056-46 */
        }
    }
    switch (c & (uint8_t)~PP_HDLC_PF) {
    case PP_HDLC_CTRL_SNRM: return PP_HDLC_SNRM;
    case PP_HDLC_CTRL_DISC: return PP_HDLC_DISC;
    case PP_HDLC_CTRL_UA: return PP_HDLC_UA;
    case PP_HDLC_CTRL_DM: return PP_HDLC_DM;
    case PP_HDLC_CTRL_FRMR: return PP_HDLC_FRMR;
    case PP_HDLC_CTRL_UI: return PP_HDLC_UI;
    default: return PP_HDLC_UNDEFINED;
    }
}

bool pp_hdlc_control_pf(uint8_t c)
{
    return (c & PP_HDLC_PF) != 0;
}

unsigned pp_hdlc_control_ns(uint8_t c)
{
    return (c >> 1) & 7u;
}

unsigned pp_hdlc_control_nr(uint8_t c)
{
    return (c >> 5) & 7u;
}

uint8_t pp_hdlc_control_i(unsigned ns, unsigned nr, bool pf)
{
    return (uint8_t)(((nr & 7u) << 5) | (pf ? PP_HDLC_PF : 0u) | ((ns & 7u) << 1));
}

uint8_t pp_hdlc_control_s(pp_hdlc_type_t type, unsigned nr, bool pf)
{
    uint8_t base;
    if (type == PP_HDLC_RR) {
        base = PP_HDLC_CTRL_RR;
    } else if (type == PP_HDLC_RNR) {
        base = PP_HDLC_CTRL_RNR;
    } else {
        return 0xFFu;
    }
    return (uint8_t)(((nr & 7u) << 5) | (pf ? PP_HDLC_PF : 0u) | base);
}

uint8_t pp_hdlc_control_u(pp_hdlc_type_t type, bool pf)
{
    static const uint8_t code[] = {
        [PP_HDLC_SNRM] = PP_HDLC_CTRL_SNRM, [PP_HDLC_DISC] = PP_HDLC_CTRL_DISC,
        [PP_HDLC_UA] = PP_HDLC_CTRL_UA,     [PP_HDLC_DM] = PP_HDLC_CTRL_DM,
        [PP_HDLC_FRMR] = PP_HDLC_CTRL_FRMR, [PP_HDLC_UI] = PP_HDLC_CTRL_UI,
    };
    if (type < PP_HDLC_SNRM || type > PP_HDLC_UI) {
        return 0xFFu;
    }
    return (uint8_t)(code[type] | (pf ? PP_HDLC_PF : 0u));
}

/* ---------------------------------------------------------------- address */

/* Each address byte carries 7 bits above an extension bit (1 = last byte). */
static int addr_encode(const pp_hdlc_addr_t *a, uint8_t *out)
{
    switch (a->len) {
    case 1:
        PP_VERIFY(a->upper <= 0x7Fu, PP_ERR_ARG);
        out[0] = (uint8_t)((a->upper << 1) | 1u);
        return 1;
    case 2:
        PP_VERIFY(a->upper <= 0x7Fu && a->lower <= 0x7Fu, PP_ERR_ARG);
        out[0] = (uint8_t)(a->upper << 1);
        out[1] = (uint8_t)((a->lower << 1) | 1u);
        return 2;
    case 4:
        PP_VERIFY(a->upper <= 0x3FFFu && a->lower <= 0x3FFFu, PP_ERR_ARG);
        out[0] = (uint8_t)((a->upper >> 7) << 1);
        out[1] = (uint8_t)((a->upper & 0x7Fu) << 1);
        out[2] = (uint8_t)((a->lower >> 7) << 1);
        out[3] = (uint8_t)(((a->lower & 0x7Fu) << 1) | 1u);
        return 4;
    default:
        return PP_ERR_ARG;
    }
}

/* Returns the bytes used, or PP_ERR_MALFORMED (3 or more than 4 bytes, or
 * the field runs past end). */
static int addr_decode(const uint8_t *p, size_t avail, pp_hdlc_addr_t *a)
{
    size_t n = 0;
    while (n < avail && n < 4 && (p[n] & 1u) == 0) {
        n++;
    }
    PP_VERIFY(n < avail && n < 4, PP_ERR_MALFORMED);
    n++;
    a->len = (uint8_t)n;
    switch (n) {
    case 1:
        a->upper = (uint16_t)(p[0] >> 1);
        a->lower = 0;
        break;
    case 2:
        a->upper = (uint16_t)(p[0] >> 1);
        a->lower = (uint16_t)(p[1] >> 1);
        break;
    case 4:
        a->upper = (uint16_t)(((p[0] >> 1) << 7) | (p[1] >> 1));
        a->lower = (uint16_t)(((p[2] >> 1) << 7) | (p[3] >> 1));
        break;
    default:
        return PP_ERR_MALFORMED;
    }
    return (int)n;
}

/* ------------------------------------------------------------------ frame */

static void put_crc(uint8_t *out, uint16_t crc)
{
    out[0] = (uint8_t)(crc & 0xFFu);
    out[1] = (uint8_t)(crc >> 8);
}

int pp_hdlc_frame_encode(const pp_hdlc_frame_t *f, uint8_t *out, size_t cap)
{
    uint8_t hdr[2 + 4 + 4 + 1];
    size_t h = 2;
    PP_VERIFY(f != NULL && out != NULL, PP_ERR_ARG);
    PP_VERIFY(f->info_len == 0 || f->info != NULL, PP_ERR_ARG);
    int n = addr_encode(&f->dst, hdr + h);
    PP_TRY(n);
    h += (size_t)n;
    n = addr_encode(&f->src, hdr + h);
    PP_TRY(n);
    h += (size_t)n;
    hdr[h++] = f->control;
    size_t body = h + (f->info_len ? 2u + f->info_len : 0u) + 2u; /* format..FCS */
    PP_VERIFY(body <= PP_HDLC_FRAME_LEN_MAX, PP_ERR_ARG);
    PP_VERIFY(cap >= body + 2u, PP_ERR_NOSPACE);
    hdr[0] = (uint8_t)(PP_HDLC_FORMAT_TYPE | (f->segmented ? PP_HDLC_FORMAT_SEGMENT : 0u) |
                       (body >> 8));
    hdr[1] = (uint8_t)(body & 0xFFu);
    size_t pos = 0;
    out[pos++] = PP_HDLC_FLAG;
    memcpy(out + pos, hdr, h);
    pos += h;
    if (f->info_len) {
        put_crc(out + pos, pp_crc16_x25(hdr, h));
        pos += 2;
        memcpy(out + pos, f->info, f->info_len);
        pos += f->info_len;
    }
    put_crc(out + pos, pp_crc16_x25(out + 1, pos - 1));
    pos += 2;
    out[pos++] = PP_HDLC_FLAG;
    return (int)pos;
}

/* Format..control of a frame body (flags stripped) of declared length body,
 * of which avail bytes are at p. Checks the HCS when there is info. */
static pp_err_t header_decode(const uint8_t *p, size_t avail, size_t body, pp_hdlc_frame_t *f)
{
    PP_VERIFY(avail >= 2, PP_ERR_TRUNCATED);
    PP_VERIFY((p[0] & 0xF0u) == PP_HDLC_FORMAT_TYPE, PP_ERR_MALFORMED);
    PP_VERIFY(body >= 7, PP_ERR_MALFORMED);
    size_t lim = avail < body ? avail : body;
    size_t pos = 2;
    int n = addr_decode(p + pos, lim - pos, &f->dst);
    PP_TRY(n);
    pos += (size_t)n;
    n = addr_decode(p + pos, lim - pos, &f->src);
    PP_TRY(n);
    pos += (size_t)n;
    PP_VERIFY(pos + 1 + 2 <= body, PP_ERR_MALFORMED); /* control + FCS */
    PP_VERIFY(pos + 1 <= lim, PP_ERR_TRUNCATED);
    f->control = p[pos++];
    f->segmented = (p[0] & PP_HDLC_FORMAT_SEGMENT) != 0;
    f->info = NULL;
    f->info_len = 0;
    size_t rest = body - pos - 2; /* bytes between control and FCS */
    if (rest > 0) {
        /* an info field needs its HCS and at least one byte */
        PP_VERIFY(rest >= 3, PP_ERR_MALFORMED);
        PP_VERIFY(pos + 2 <= lim, PP_ERR_TRUNCATED);
        uint16_t hcs = (uint16_t)(p[pos] | (p[pos + 1] << 8));
        PP_VERIFY(hcs == pp_crc16_x25(p, pos), PP_ERR_CRC);
        f->info = p + pos + 2;
        f->info_len = rest - 2;
    }
    return PP_OK;
}

pp_err_t pp_hdlc_header_decode(const uint8_t *buf, size_t len, pp_hdlc_frame_t *f)
{
    PP_VERIFY(buf != NULL && f != NULL, PP_ERR_ARG);
    PP_VERIFY(len >= 3, PP_ERR_TRUNCATED);
    PP_VERIFY(buf[0] == PP_HDLC_FLAG, PP_ERR_MALFORMED);
    size_t body = ((size_t)(buf[1] & 7u) << 8) | buf[2];
    PP_TRY(header_decode(buf + 1, len - 1, body, f));
    f->info = NULL;
    return PP_OK;
}

pp_err_t pp_hdlc_frame_decode(const uint8_t *buf, size_t len, pp_hdlc_frame_t *f)
{
    PP_VERIFY(buf != NULL && f != NULL, PP_ERR_ARG);
    PP_VERIFY(len >= 9, PP_ERR_TRUNCATED);
    PP_VERIFY(buf[0] == PP_HDLC_FLAG && buf[len - 1] == PP_HDLC_FLAG, PP_ERR_MALFORMED);
    const uint8_t *p = buf + 1;
    size_t body = len - 2;
    PP_VERIFY((p[0] & 0xF0u) == PP_HDLC_FORMAT_TYPE, PP_ERR_MALFORMED);
    PP_VERIFY((size_t)(((p[0] & 7u) << 8) | p[1]) == body, PP_ERR_MALFORMED);
    PP_TRY(header_decode(p, body, body, f));
    uint16_t fcs = (uint16_t)(p[body - 2] | (p[body - 1] << 8));
    PP_VERIFY(fcs == pp_crc16_x25(p, body - 2), PP_ERR_CRC);
    return PP_OK;
}

/* ------------------------------------------------------ SNRM/UA parameters */

enum {
    PARAM_FORMAT_ID = 0x81,
    PARAM_GROUP_ID = 0x80,
    PARAM_INFO_TX = 0x05,
    PARAM_INFO_RX = 0x06,
    PARAM_WINDOW_TX = 0x07,
    PARAM_WINDOW_RX = 0x08
};

pp_err_t pp_hdlc_params_decode(const uint8_t *info, size_t len, pp_hdlc_params_t *p)
{
    PP_VERIFY(p != NULL && (len == 0 || info != NULL), PP_ERR_ARG);
    p->max_info_tx = PP_HDLC_DEFAULT_INFO;
    p->max_info_rx = PP_HDLC_DEFAULT_INFO;
    p->window_tx = PP_HDLC_DEFAULT_WINDOW;
    p->window_rx = PP_HDLC_DEFAULT_WINDOW;
    if (len == 0) {
        return PP_OK;
    }
    PP_VERIFY(len >= 3, PP_ERR_MALFORMED);
    PP_VERIFY(info[0] == PARAM_FORMAT_ID && info[1] == PARAM_GROUP_ID, PP_ERR_MALFORMED);
    PP_VERIFY((size_t)info[2] == len - 3, PP_ERR_MALFORMED);
    size_t pos = 3;
    while (pos < len) {
        PP_VERIFY(len - pos >= 2, PP_ERR_MALFORMED);
        uint8_t id = info[pos];
        uint8_t vlen = info[pos + 1];
        pos += 2;
        PP_VERIFY(vlen <= len - pos, PP_ERR_MALFORMED);
        uint32_t v = 0;
        if (id >= PARAM_INFO_TX && id <= PARAM_WINDOW_RX) {
            PP_VERIFY(vlen >= 1 && vlen <= 4, PP_ERR_MALFORMED);
            for (uint8_t i = 0; i < vlen; i++) {
                v = (v << 8) | info[pos + i];
            }
        }
        switch (id) {
        case PARAM_INFO_TX: p->max_info_tx = v; break;
        case PARAM_INFO_RX: p->max_info_rx = v; break;
        case PARAM_WINDOW_TX: p->window_tx = v; break;
        case PARAM_WINDOW_RX: p->window_rx = v; break;
        default: break; /* another parameter of the group: not negotiated here */
        }
        pos += vlen;
    }
    return PP_OK;
}

static size_t put_param(uint8_t *out, uint8_t id, uint32_t v, unsigned min_bytes)
{
    unsigned n = min_bytes;
    while (n < 4 && (v >> (8u * n)) != 0) {
        n++;
    }
    out[0] = id;
    out[1] = (uint8_t)n;
    for (unsigned i = 0; i < n; i++) {
        out[2 + i] = (uint8_t)(v >> (8u * (n - 1 - i)));
    }
    return 2u + n;
}

int pp_hdlc_params_encode(const pp_hdlc_params_t *p, uint8_t *out, size_t cap)
{
    uint8_t tmp[3 + 4 * 6];
    PP_VERIFY(p != NULL && out != NULL, PP_ERR_ARG);
    size_t pos = 3;
    pos += put_param(tmp + pos, PARAM_INFO_TX, p->max_info_tx, 1);
    pos += put_param(tmp + pos, PARAM_INFO_RX, p->max_info_rx, 1);
    pos += put_param(tmp + pos, PARAM_WINDOW_TX, p->window_tx, 4);
    pos += put_param(tmp + pos, PARAM_WINDOW_RX, p->window_rx, 4);
    tmp[0] = PARAM_FORMAT_ID;
    tmp[1] = PARAM_GROUP_ID;
    tmp[2] = (uint8_t)(pos - 3);
    PP_VERIFY(cap >= pos, PP_ERR_NOSPACE);
    memcpy(out, tmp, pos);
    return (int)pos;
}

/* ------------------------------------------------------------------- FRMR */

/* ISO/IEC 13239 FRMR field, bits sent least significant first: rejected
 * control (8) | 0, V(S)(3), C/R, V(R)(3) | W X Y Z 0 0 0 0. */
void pp_hdlc_frmr_encode(const pp_hdlc_frmr_t *r, uint8_t out[PP_HDLC_FRMR_INFO_LEN])
{
    out[0] = r->rejected_control;
    out[1] = (uint8_t)(((r->vs & 7u) << 1) | (r->response ? 0x10u : 0u) | ((r->vr & 7u) << 5));
    out[2] = (uint8_t)(r->reasons & 0x0Fu);
}

pp_err_t pp_hdlc_frmr_decode(const uint8_t *info, size_t len, pp_hdlc_frmr_t *r)
{
    PP_VERIFY(info != NULL && r != NULL, PP_ERR_ARG);
    PP_VERIFY(len == PP_HDLC_FRMR_INFO_LEN, PP_ERR_MALFORMED);
    r->rejected_control = info[0];
    r->vs = (uint8_t)((info[1] >> 1) & 7u);
    r->response = (info[1] & 0x10u) != 0;
    r->vr = (uint8_t)((info[1] >> 5) & 7u);
    r->reasons = (uint8_t)(info[2] & 0x0Fu);
    return PP_OK;
}

/* ----------------------------------------------------------------- framer */

enum { FR_HUNT = 0, FR_FLAG, FR_FORMAT, FR_BODY, FR_CLOSE };

void pp_hdlc_framer_init(pp_hdlc_framer_t *fr, uint8_t *buf, size_t cap, uint32_t inter_octet_ms)
{
    memset(fr, 0, sizeof *fr);
    fr->buf = buf;
    fr->cap = cap;
    fr->inter_octet_ms = inter_octet_ms;
    fr->state = FR_HUNT;
}

void pp_hdlc_framer_reset(pp_hdlc_framer_t *fr)
{
    fr->state = FR_HUNT;
    fr->len = 0;
    fr->ready = false;
}

static void fr_store(pp_hdlc_framer_t *fr, uint8_t b)
{
    if (fr->len < fr->cap) {
        fr->buf[fr->len] = b;
    }
    fr->len++;
}

static void fr_open(pp_hdlc_framer_t *fr)
{
    fr->len = 0;
    fr_store(fr, PP_HDLC_FLAG);
    fr->state = FR_FLAG;
}

/* A frame broke off: a flag byte may open the next one. */
static void fr_drop(pp_hdlc_framer_t *fr, uint8_t b)
{
    fr->dropped++;
    if (b == PP_HDLC_FLAG) {
        fr_open(fr);
    } else {
        fr->state = FR_HUNT;
        fr->len = 0;
    }
}

/* Returns true when b closed a frame. */
static bool fr_byte(pp_hdlc_framer_t *fr, uint8_t b)
{
    switch (fr->state) {
    case FR_HUNT:
        if (b == PP_HDLC_FLAG) {
            fr_open(fr);
        }
        return false;
    case FR_FLAG:
        if (b == PP_HDLC_FLAG) {
            return false; /* consecutive flags: idle fill */
        }
        if ((b & 0xF0u) != PP_HDLC_FORMAT_TYPE) {
            fr->state = FR_HUNT; /* garbage after a flag */
            fr->len = 0;
            return false;
        }
        fr_store(fr, b);
        fr->fmt0 = b;
        fr->crc = pp_crc16_x25_update(pp_crc16_x25_init(), &b, 1);
        fr->state = FR_FORMAT;
        return false;
    case FR_FORMAT: {
        size_t body = ((size_t)(fr->fmt0 & 7u) << 8) | b;
        if (body < 7) {
            fr_drop(fr, b);
            return false;
        }
        fr_store(fr, b);
        fr->crc = pp_crc16_x25_update(fr->crc, &b, 1);
        fr->need = body + 2; /* with both flags */
        fr->state = FR_BODY;
        return false;
    }
    case FR_BODY:
        fr_store(fr, b);
        fr->crc = pp_crc16_x25_update(fr->crc, &b, 1);
        if (fr->len == fr->need - 1) {
            fr->state = FR_CLOSE;
        }
        return false;
    default: /* FR_CLOSE */
        if (b != PP_HDLC_FLAG) {
            fr_drop(fr, b);
            return false;
        }
        fr_store(fr, b);
        return true;
    }
}

size_t pp_hdlc_framer_feed(pp_hdlc_framer_t *fr, const uint8_t *data, size_t n,
                           uint64_t now_ms, pp_hdlc_rx_t *rx, bool *got)
{
    *got = false;
    if (fr->ready) {
        fr->ready = false;
        fr_open(fr); /* the closing flag may open the next frame */
    }
    if (n > 0 && fr->inter_octet_ms && fr->state >= FR_FORMAT &&
        now_ms - fr->last_ms > fr->inter_octet_ms) {
        fr->dropped++; /* gap inside a frame: start over */
        fr->state = FR_HUNT;
        fr->len = 0;
    }
    size_t i = 0;
    while (i < n) {
        uint8_t b = data[i++];
        fr->last_ms = now_ms;
        if (fr_byte(fr, b)) {
            rx->frame = fr->buf;
            rx->wire_len = fr->len;
            rx->oversize = fr->len > fr->cap;
            rx->len = rx->oversize ? fr->cap : fr->len;
            rx->fcs_ok = fr->crc == PP_CRC16_X25_RESIDUE;
            fr->ready = true;
            *got = true;
            break;
        }
    }
    return i;
}
