/* IEC 62056-47 TCP-UDP wrapper: header codec and incremental framer. */
#include <string.h>

#include "polyphase/wrapper.h"

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)(v & 0xFFu);
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

void pp_wrapper_header_encode(uint16_t src, uint16_t dst, uint16_t len,
                              uint8_t out[PP_WRAPPER_HEADER_LEN])
{
    put16(out, PP_WRAPPER_VERSION);
    put16(out + 2, src);
    put16(out + 4, dst);
    put16(out + 6, len);
}

pp_err_t pp_wrapper_header_decode(const uint8_t *in, size_t len, pp_wrapper_header_t *h)
{
    PP_VERIFY(in != NULL && h != NULL, PP_ERR_ARG);
    PP_VERIFY(len >= PP_WRAPPER_HEADER_LEN, PP_ERR_TRUNCATED);
    h->version = get16(in);
    h->src = get16(in + 2);
    h->dst = get16(in + 4);
    h->len = get16(in + 6);
    return PP_OK;
}

int pp_wrapper_encode(uint16_t src, uint16_t dst, const uint8_t *apdu, size_t len,
                      uint8_t *out, size_t cap)
{
    PP_VERIFY(out != NULL && (len == 0 || apdu != NULL), PP_ERR_ARG);
    PP_VERIFY(len <= 0xFFFFu, PP_ERR_RANGE);
    PP_VERIFY(cap >= PP_WRAPPER_HEADER_LEN + len, PP_ERR_NOSPACE);
    if (len > 0) {
        memmove(out + PP_WRAPPER_HEADER_LEN, apdu, len);
    }
    pp_wrapper_header_encode(src, dst, (uint16_t)len, out);
    return (int)(PP_WRAPPER_HEADER_LEN + len);
}

void pp_wrapper_framer_init(pp_wrapper_framer_t *fr, uint8_t *buf, size_t cap)
{
    memset(fr, 0, sizeof *fr);
    fr->buf = buf;
    fr->cap = cap;
}

void pp_wrapper_framer_reset(pp_wrapper_framer_t *fr)
{
    fr->hdr_got = 0;
    fr->got = 0;
    fr->ready = false;
    fr->error = PP_OK;
}

bool pp_wrapper_framer_idle(const pp_wrapper_framer_t *fr)
{
    return fr->error == PP_OK && (fr->ready || (fr->hdr_got == 0 && fr->got == 0));
}

/* Judges a complete header; a bad one poisons the stream. */
static pp_err_t check_header(pp_wrapper_framer_t *fr)
{
    (void)pp_wrapper_header_decode(fr->hdr, PP_WRAPPER_HEADER_LEN, &fr->h);
    PP_VERIFY(fr->h.version == PP_WRAPPER_VERSION, PP_ERR_UNSUPPORTED);
    PP_VERIFY(fr->h.len > 0, PP_ERR_MALFORMED);
    PP_VERIFY(fr->h.len <= fr->cap, PP_ERR_RANGE);
    return PP_OK;
}

int pp_wrapper_framer_feed(pp_wrapper_framer_t *fr, const uint8_t *data, size_t n,
                           pp_wrapper_apdu_t *out, bool *got)
{
    *got = false;
    PP_VERIFY(fr->error == PP_OK, fr->error);
    PP_VERIFY(n == 0 || data != NULL, PP_ERR_ARG);
    if (fr->ready) {
        fr->ready = false;
        fr->hdr_got = 0;
        fr->got = 0;
    }
    /* the header missing, or what of it there is, in one copy */
    size_t i = PP_WRAPPER_HEADER_LEN - fr->hdr_got;
    i = i < n ? i : n;
    if (i > 0) {
        memcpy(fr->hdr + fr->hdr_got, data, i);
        fr->hdr_got += i;
        if (fr->hdr_got == PP_WRAPPER_HEADER_LEN) {
            pp_err_t rc = check_header(fr);
            if (rc != PP_OK) {
                fr->error = rc;
                return rc;
            }
        }
    }
    if (fr->hdr_got < PP_WRAPPER_HEADER_LEN) {
        return (int)i;
    }
    size_t take = fr->h.len - fr->got;
    if (take > n - i) {
        take = n - i;
    }
    if (take > 0) {
        memcpy(fr->buf + fr->got, data + i, take);
        fr->got += take;
        i += take;
    }
    if (fr->got == fr->h.len) {
        out->src = fr->h.src;
        out->dst = fr->h.dst;
        out->data = fr->buf;
        out->len = fr->got;
        fr->ready = true;
        *got = true;
    }
    return (int)i;
}
