/* Security suite 0: AES-128-GCM through the port, the global unicast
 * encryption key (GUEK) and authentication key (GAK) of the meter
 * configuration, 12-byte tags, invocation counters. The meter's outgoing
 * counter is reserved in the journal in steps, so a power cut never makes it
 * reuse a value (docs/dlms.md). */
#include <string.h>

#include "polyphase/dlms.h"
#include "polyphase/dlms_const.h"
#include "polyphase/meter.h"
#include "polyphase/nvm_keys.h"

#define KEY_SERVER_IC (PP_KEY_SECURITY_BASE + 0x01)
#define IC_RESERVE 1000u /* counters reserved per journal write */

void pp_dlms_system_title(const pp_meter_t *m, uint8_t out[8])
{
    uint64_t number = 0;
    for (const char *p = m->cfg.meter_number; *p; p++) {
        number = number * 10u + (uint64_t)(*p - '0');
    }
    memcpy(out, m->cfg.manufacturer, 3);
    for (int i = 0; i < 5; i++) {
        out[3 + i] = (uint8_t)(number >> (8 * (4 - i)));
    }
}

static void iv_of(const uint8_t title[8], uint32_t ic, uint8_t iv[12])
{
    memcpy(iv, title, 8);
    iv[8] = (uint8_t)(ic >> 24);
    iv[9] = (uint8_t)(ic >> 16);
    iv[10] = (uint8_t)(ic >> 8);
    iv[11] = (uint8_t)ic;
}

/* The next outgoing invocation counter, reserved ahead in the journal. */
pp_err_t pp_dlms_next_ic(pp_meter_t *m, uint32_t *ic)
{
    if (m->dlms_ic == m->dlms_ic_reserved) {
        uint32_t stored = 0;
        if (pp_journal_read(&m->journal, KEY_SERVER_IC, &stored, sizeof stored) == PP_OK &&
            stored > m->dlms_ic) {
            m->dlms_ic = stored;
        }
        uint32_t reserve = m->dlms_ic + IC_RESERVE;
        PP_TRY(pp_journal_write(&m->journal, KEY_SERVER_IC, &reserve, sizeof reserve));
        m->dlms_ic_reserved = reserve;
    }
    *ic = ++m->dlms_ic;
    return PP_OK;
}

pp_err_t pp_dlms_hls_tag(pp_meter_t *m, const uint8_t title[8], uint32_t ic,
                         const uint8_t *challenge, size_t n, uint8_t out[17])
{
    uint8_t iv[12], aad[1 + 16 + 64];
    PP_VERIFY(n <= 64 && m->port->gcm_encrypt, PP_ERR_UNSUPPORTED);
    iv_of(title, ic, iv);
    aad[0] = PP_DLMS_SC_AUTH;
    memcpy(aad + 1, m->cfg.gak, 16);
    memcpy(aad + 17, challenge, n);
    out[0] = PP_DLMS_SC_AUTH;
    out[1] = (uint8_t)(ic >> 24);
    out[2] = (uint8_t)(ic >> 16);
    out[3] = (uint8_t)(ic >> 8);
    out[4] = (uint8_t)ic;
    return m->port->gcm_encrypt(m->port->ctx, m->cfg.guek, iv, aad, 17 + n, NULL, 0, NULL,
                                out + 5, PP_DLMS_TAG_LEN);
}

pp_err_t pp_dlms_decipher(pp_meter_t *m, pp_dlms_session_t *s, const uint8_t *apdu, size_t len,
                          uint8_t *plain, size_t cap, size_t *plain_len)
{
    pp_xdlms_cipher_hdr_t h;
    PP_TRY(pp_xdlms_cipher_parse(apdu, len, &h));
    PP_VERIFY(h.sc == PP_DLMS_SC_AUTH_ENC && h.payload_len >= PP_DLMS_TAG_LEN, PP_ERR_UNSUPPORTED);
    PP_VERIFY(h.ic > s->client_ic || (s->client_ic == 0 && h.ic == 0), PP_ERR_REPLAY);
    const size_t n = h.payload_len - PP_DLMS_TAG_LEN;
    PP_VERIFY(n <= cap && m->port->gcm_decrypt, PP_ERR_NOSPACE);
    uint8_t iv[12], aad[17];
    iv_of(s->client_title, h.ic, iv);
    aad[0] = h.sc;
    memcpy(aad + 1, m->cfg.gak, 16);
    PP_TRY(m->port->gcm_decrypt(m->port->ctx, m->cfg.guek, iv, aad, sizeof aad, h.payload, n,
                                plain, h.payload + n, PP_DLMS_TAG_LEN));
    s->client_ic = h.ic;
    *plain_len = n;
    return PP_OK;
}

static uint8_t glo_tag(uint8_t tag)
{
    switch (tag) {
    case PP_APDU_GET_RESPONSE: return PP_APDU_GLO_GET_RESPONSE;
    case PP_APDU_SET_RESPONSE: return PP_APDU_GLO_SET_RESPONSE;
    case PP_APDU_ACTION_RESPONSE: return PP_APDU_GLO_ACTION_RESPONSE;
    case PP_APDU_INITIATE_RESPONSE: return PP_APDU_GLO_INITIATE_RESPONSE;
    case PP_APDU_CONFIRMED_SERVICE_ERROR: return PP_APDU_GLO_CONFIRMED_SERVICE_ERROR;
    default: return 0;
    }
}

int pp_dlms_encipher(pp_meter_t *m, const uint8_t *plain, size_t len, uint8_t *out, size_t cap)
{
    PP_VERIFY(len > 0 && m->port->gcm_encrypt, PP_ERR_UNSUPPORTED);
    const uint8_t tag = glo_tag(plain[0]);
    if (!tag) {
        PP_VERIFY(len <= cap, PP_ERR_NOSPACE); /* exception responses go out in clear */
        memmove(out, plain, len);
        return (int)len;
    }
    uint32_t ic;
    PP_TRY(pp_dlms_next_ic(m, &ic));
    pp_axdr_wr_t wr;
    pp_axdr_wr_init(&wr, out, cap);
    PP_TRY(pp_xdlms_cipher_put_header(&wr, tag, NULL, 0, PP_DLMS_SC_AUTH_ENC, ic,
                                      (uint32_t)(len + PP_DLMS_TAG_LEN)));
    PP_VERIFY(wr.pos + len + PP_DLMS_TAG_LEN <= cap, PP_ERR_NOSPACE);
    uint8_t title[8], iv[12], aad[17];
    pp_dlms_system_title(m, title);
    iv_of(title, ic, iv);
    aad[0] = PP_DLMS_SC_AUTH_ENC;
    memcpy(aad + 1, m->cfg.gak, 16);
    PP_TRY(m->port->gcm_encrypt(m->port->ctx, m->cfg.guek, iv, aad, sizeof aad, plain, len,
                                out + wr.pos, out + wr.pos + len, PP_DLMS_TAG_LEN));
    return (int)(wr.pos + len + PP_DLMS_TAG_LEN);
}
