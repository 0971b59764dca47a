/* The little BER (ISO/IEC 8825-1) that ACSE needs: single-octet tags,
 * definite lengths in their shortest form (as DER), small non-negative
 * INTEGERs. Readers and writers are the A-XDR cursors (axdr.h); BER and
 * A-XDR lengths are encoded alike. Decoded values point into the input. */
#ifndef POLYPHASE_BER_H
#define POLYPHASE_BER_H

#include <stddef.h>
#include <stdint.h>

#include "polyphase/axdr.h"

/* Reads tag and length; the value (len octets) must lie within the cursor
 * (PP_ERR_TRUNCATED). Multi-octet tags (low bits 11111) are PP_ERR_MALFORMED,
 * as are indefinite or non-minimal lengths. The cursor stops at the value. */
pp_err_t pp_ber_get_tl(pp_axdr_rd_t *rd, uint8_t *tag, uint32_t *len);
/* A TLV with exactly this tag (else PP_ERR_MALFORMED); *val points into
 * the input and the cursor moves past the value. */
pp_err_t pp_ber_get_tlv(pp_axdr_rd_t *rd, uint8_t tag, const uint8_t **val, uint32_t *len);
/* INTEGER contents -> unsigned value: 1..5 octets, minimal two's
 * complement, non-negative, at most UINT32_MAX. */
pp_err_t pp_ber_uint_decode(const uint8_t *val, uint32_t len, uint32_t *out);

/* Octets of the minimal INTEGER contents for v (1..5). */
size_t pp_ber_uint_size(uint32_t v);
/* Octets a whole TLV with len value octets takes. */
size_t pp_ber_tlv_size(uint32_t len);
pp_err_t pp_ber_put_tl(pp_axdr_wr_t *wr, uint8_t tag, uint32_t len);
pp_err_t pp_ber_put_tlv(pp_axdr_wr_t *wr, uint8_t tag, const void *val, uint32_t len);
/* INTEGER contents only (no tag/length), minimal form. */
pp_err_t pp_ber_put_uint_contents(pp_axdr_wr_t *wr, uint32_t v);

#endif
