/* BER tag-length-value helpers for ACSE. */
#include "polyphase/ber.h"

pp_err_t pp_ber_get_tl(pp_axdr_rd_t *rd, uint8_t *tag, uint32_t *len)
{
    uint8_t t;
    PP_TRY(pp_axdr_get_byte(rd, &t));
    PP_VERIFY((t & 0x1Fu) != 0x1Fu, PP_ERR_MALFORMED); /* ACSE uses no tag above 30 */
    uint32_t n;
    PP_TRY(pp_axdr_get_length(rd, &n));
    PP_VERIFY(n <= pp_axdr_remaining(rd), PP_ERR_TRUNCATED);
    *tag = t;
    *len = n;
    return PP_OK;
}

pp_err_t pp_ber_get_tlv(pp_axdr_rd_t *rd, uint8_t tag, const uint8_t **val, uint32_t *len)
{
    uint8_t t;
    /* a wrong tag is the better diagnosis than whatever its "length" says */
    PP_VERIFY(rd->pos < rd->end, PP_ERR_TRUNCATED);
    PP_VERIFY(rd->buf[rd->pos] == tag, PP_ERR_MALFORMED);
    PP_TRY(pp_ber_get_tl(rd, &t, len));
    return pp_axdr_get_raw(rd, *len, val);
}

pp_err_t pp_ber_uint_decode(const uint8_t *val, uint32_t len, uint32_t *out)
{
    PP_VERIFY(len >= 1 && len <= 5, PP_ERR_MALFORMED);
    PP_VERIFY((val[0] & 0x80u) == 0, PP_ERR_RANGE); /* negative */
    /* minimal: a leading 00 only when the next octet has its top bit set */
    PP_VERIFY(len == 1 || val[0] != 0 || (val[1] & 0x80u), PP_ERR_MALFORMED);
    PP_VERIFY(len < 5 || val[0] == 0, PP_ERR_RANGE);
    uint32_t v = 0;
    for (uint32_t i = 0; i < len; i++) {
        v = v << 8 | val[i];
    }
    *out = v;
    return PP_OK;
}

size_t pp_ber_uint_size(uint32_t v)
{
    size_t n = 1;
    while (n < 5 && (v >> (8 * n - 1)) != 0) {
        n++;
    }
    return n;
}

size_t pp_ber_tlv_size(uint32_t len)
{
    return 1u + pp_axdr_length_size(len) + len;
}

pp_err_t pp_ber_put_tl(pp_axdr_wr_t *wr, uint8_t tag, uint32_t len)
{
    PP_VERIFY(wr->cap - wr->pos >= 1u + pp_axdr_length_size(len), PP_ERR_NOSPACE);
    wr->buf[wr->pos++] = tag;
    return pp_axdr_put_length(wr, len);
}

pp_err_t pp_ber_put_tlv(pp_axdr_wr_t *wr, uint8_t tag, const void *val, uint32_t len)
{
    PP_VERIFY(wr->cap - wr->pos >= pp_ber_tlv_size(len), PP_ERR_NOSPACE);
    PP_TRY(pp_ber_put_tl(wr, tag, len));
    return pp_axdr_put_raw(wr, val, len);
}

pp_err_t pp_ber_put_uint_contents(pp_axdr_wr_t *wr, uint32_t v)
{
    size_t n = pp_ber_uint_size(v);
    return pp_axdr_put_be(wr, (unsigned)n, v); /* n == 5 writes a leading 00 */
}
