/* Security suite 0 of the DLMS server: AES-GCM-128 through the port,
 * glo-, ded- and general-glo-ciphered APDUs, HLS-GMAC, invocation counters
 * persisted through the journal, secrets and their defaults. */
#include <string.h>

#include "polyphase/dlms_const.h"
#include "server_internal.h"

#define SECRETS_LEN (16u + 16u + 1u + PP_DLMS_LLS_MAX + 1u)
#define RX_LEN (PP_ASSOC_COUNT * 4u + 1u)
#define KEK_LEN (16u + 16u + 1u)
#define KEY_EK 0u /* key_id of global_key_transfer (class 64) */
#define KEY_BEK 1u
#define KEY_AK 2u
#define KEY_KEK 3u

static const uint8_t DEFAULT_EK[16] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                       0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F};
static const uint8_t DEFAULT_AK[16] = {0xD0, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7,
                                       0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF};
static const uint8_t DEFAULT_KEK[16] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                        0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F};
static const char DEFAULT_LLS[] = "12345678";

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void warn(const pp_dlms_server_t *s, pp_log_level_t level, const char *text)
{
    if (s->port && s->port->log) {
        s->port->log(s->port->ctx, level, "dlms", text);
    }
}

void pp_dlms_sec_event(pp_dlms_server_t *s, uint16_t code, uint16_t client)
{
    if (s->prov.on_security_event) {
        s->prov.on_security_event(s->prov.ctx, code, client);
    }
}

/* A key as it will be once a pending key transfer has taken effect. */
static const uint8_t *effective(const pp_dlms_security_t *k, unsigned id, const uint8_t *now)
{
    return (k->transfer_mask >> id) & 1u ? k->transfer_key[id] : now;
}

static bool are_default_keys(const uint8_t ek[16], const uint8_t ak[16])
{
    return memcmp(ek, DEFAULT_EK, 16) == 0 && memcmp(ak, DEFAULT_AK, 16) == 0;
}

static void encode_secrets(const pp_dlms_security_t *k, uint8_t b[SECRETS_LEN])
{
    const uint8_t *ek = effective(k, KEY_EK, k->ek);
    const uint8_t *ak = effective(k, KEY_AK, k->ak);
    memset(b, 0, SECRETS_LEN);
    memcpy(b, ek, 16);
    memcpy(b + 16, ak, 16);
    b[32] = k->lls_len;
    memcpy(b + 33, k->lls, k->lls_len);
    b[33 + PP_DLMS_LLS_MAX] = (uint8_t)((are_default_keys(ek, ak) ? 1u : 0u) |
                                        (k->default_lls ? 2u : 0u));
}

static pp_err_t save_secrets(pp_dlms_server_t *s)
{
    if (!s->journal) {
        return PP_OK;
    }
    uint8_t b[SECRETS_LEN];
    encode_secrets(&s->sec, b);
    return pp_journal_write(s->journal, PP_KEY_DLMS_SECRETS, b, sizeof b);
}

static pp_err_t save_rx(pp_dlms_server_t *s)
{
    if (!s->journal) {
        return PP_OK;
    }
    uint8_t b[RX_LEN];
    for (unsigned i = 0; i < PP_ASSOC_COUNT; i++) {
        put32(b + 4 * i, s->sec.rx_ic[i]);
    }
    b[RX_LEN - 1] = s->sec.rx_seen;
    pp_err_t rc = pp_journal_write(s->journal, PP_KEY_DLMS_RX_IC, b, sizeof b);
    if (rc == PP_OK) {
        memcpy(s->sec.rx_saved, s->sec.rx_ic, sizeof s->sec.rx_saved);
    }
    return rc;
}

static void load(pp_dlms_server_t *s)
{
    pp_dlms_security_t *k = &s->sec;
    uint8_t b[SECRETS_LEN];
    if (s->journal && pp_journal_read(s->journal, PP_KEY_DLMS_SECRETS, b, sizeof b) == PP_OK &&
        b[32] >= 1 && b[32] <= PP_DLMS_LLS_MAX) {
        memcpy(k->ek, b, 16);
        memcpy(k->ak, b + 16, 16);
        k->lls_len = b[32];
        memcpy(k->lls, b + 33, k->lls_len);
        k->default_keys = (b[33 + PP_DLMS_LLS_MAX] & 1u) != 0;
        k->default_lls = (b[33 + PP_DLMS_LLS_MAX] & 2u) != 0;
    } else {
        memcpy(k->ek, DEFAULT_EK, 16);
        memcpy(k->ak, DEFAULT_AK, 16);
        k->lls_len = (uint8_t)(sizeof DEFAULT_LLS - 1);
        memcpy(k->lls, DEFAULT_LLS, k->lls_len);
        k->default_keys = k->default_lls = true;
    }
    uint8_t kb[KEK_LEN];
    if (s->journal && pp_journal_read(s->journal, PP_KEY_DLMS_KEK, kb, sizeof kb) == PP_OK) {
        memcpy(k->kek, kb, 16);
        memcpy(k->bek, kb + 16, 16);
        k->default_kek = (kb[32] & 1u) != 0;
    } else {
        memcpy(k->kek, DEFAULT_KEK, 16);
        memcpy(k->bek, DEFAULT_EK, 16);
        k->default_kek = true;
    }
    uint8_t ic[4];
    if (s->journal && pp_journal_read(s->journal, PP_KEY_DLMS_TX_IC, ic, 4) == PP_OK) {
        k->tx_ic = k->tx_reserved = get32(ic); /* everything below may have been sent */
    }
    uint8_t rx[RX_LEN];
    if (s->journal && pp_journal_read(s->journal, PP_KEY_DLMS_RX_IC, rx, sizeof rx) == PP_OK) {
        k->rx_seen = rx[RX_LEN - 1];
        for (unsigned i = 0; i < PP_ASSOC_COUNT; i++) {
            k->rx_saved[i] = k->rx_ic[i] = get32(rx + 4 * i);
        }
    }
}

void pp_dlms_sec_init(pp_dlms_server_t *s)
{
    memset(&s->sec, 0, sizeof s->sec);
    load(s);
    pp_dlms_server_title(s, s->sec.title);
    if (s->sec.default_keys) {
        warn(s, PP_LOG_WARN, "default DLMS keys in use (EK 000102..0F, AK D0D1..DF): change them");
    }
    if (s->sec.default_kek) {
        warn(s, PP_LOG_WARN, "default DLMS master key in use (KEK 000102..0F): change it");
    }
    if (s->sec.default_lls) {
        warn(s, PP_LOG_WARN, "default LLS password in use (12345678): change it");
    }
}

void pp_dlms_server_title(const pp_dlms_server_t *s, uint8_t out[8])
{
    memcpy(out, s->cfg.flag, 3);
    uint64_t n = s->cfg.meter_number;
    for (int i = 7; i >= 3; i--) {
        out[i] = (uint8_t)n;
        n >>= 8;
    }
}

pp_err_t pp_dlms_server_set_keys(pp_dlms_server_t *s, const uint8_t ek[16], const uint8_t ak[16])
{
    PP_VERIFY(s && ek && ak, PP_ERR_ARG);
    memcpy(s->sec.ek, ek, 16);
    memcpy(s->sec.ak, ak, 16);
    s->sec.default_keys = are_default_keys(ek, ak);
    return save_secrets(s);
}

pp_err_t pp_dlms_server_set_password(pp_dlms_server_t *s, const uint8_t *pw, size_t len)
{
    PP_VERIFY(s && pw && len >= 1 && len <= PP_DLMS_LLS_MAX, PP_ERR_RANGE);
    memcpy(s->sec.lls, pw, len);
    s->sec.lls_len = (uint8_t)len;
    s->sec.default_lls = len == sizeof DEFAULT_LLS - 1 && memcmp(pw, DEFAULT_LLS, len) == 0;
    return save_secrets(s);
}

/* New keys, and with a new unicast key counters from zero (Green Book:
 * a counter belongs to its key), in one journal transaction. */
static pp_err_t save_transfer(pp_dlms_server_t *s)
{
    if (!s->journal) {
        return PP_OK;
    }
    const pp_dlms_security_t *k = &s->sec;
    uint8_t b[SECRETS_LEN], kb[KEK_LEN], zero[RX_LEN] = {0};
    encode_secrets(k, b);
    const uint8_t *kek = effective(k, KEY_KEK, k->kek);
    memcpy(kb, kek, 16);
    memcpy(kb + 16, effective(k, KEY_BEK, k->bek), 16);
    kb[32] = memcmp(kek, DEFAULT_KEK, 16) == 0 ? 1u : 0u;
    PP_TRY(pp_journal_begin(s->journal));
    pp_err_t rc = pp_journal_stage(s->journal, PP_KEY_DLMS_SECRETS, b, sizeof b);
    if (rc == PP_OK) {
        rc = pp_journal_stage(s->journal, PP_KEY_DLMS_KEK, kb, sizeof kb);
    }
    if (rc == PP_OK && (k->transfer_mask & (1u << KEY_EK))) {
        rc = pp_journal_stage(s->journal, PP_KEY_DLMS_TX_IC, zero, 4);
        if (rc == PP_OK) {
            rc = pp_journal_stage(s->journal, PP_KEY_DLMS_RX_IC, zero, sizeof zero);
        }
    }
    if (rc != PP_OK) {
        (void)pp_journal_abort(s->journal);
        return rc;
    }
    return pp_journal_commit(s->journal);
}

pp_err_t pp_dlms_sec_key_transfer(pp_dlms_server_t *s, uint8_t mask,
                                  const uint8_t wrapped[4][24])
{
    const pp_port_t *p = s->port;
    PP_VERIFY(p && p->aes_unwrap, PP_ERR_UNSUPPORTED);
    pp_dlms_security_t *k = &s->sec;
    uint8_t keys[4][16];
    for (unsigned id = 0; id < 4; id++) {
        if ((mask >> id) & 1u) {
            pp_err_t rc = p->aes_unwrap(p->ctx, k->kek, wrapped[id], 24, keys[id]);
            if (rc != PP_OK) {
                memset(keys, 0, sizeof keys);
                return rc == PP_ERR_AUTH || rc == PP_ERR_UNSUPPORTED ? rc : PP_ERR_PORT;
            }
        }
    }
    for (unsigned id = 0; id < 4; id++) {
        if ((mask >> id) & 1u) {
            memcpy(k->transfer_key[id], keys[id], 16);
        }
    }
    memset(keys, 0, sizeof keys);
    k->transfer_mask |= mask;
    pp_err_t rc = save_transfer(s);
    if (rc != PP_OK) {
        k->transfer_mask = 0; /* nothing changed: the old keys stay */
    }
    return rc;
}

void pp_dlms_sec_apply_pending(pp_dlms_server_t *s)
{
    pp_dlms_security_t *k = &s->sec;
    if (k->transfer_mask) {
        uint8_t *dst[4] = {k->ek, k->bek, k->ak, k->kek};
        for (unsigned id = 0; id < 4; id++) {
            if ((k->transfer_mask >> id) & 1u) {
                memcpy(dst[id], k->transfer_key[id], 16);
            }
        }
        if (k->transfer_mask & (1u << KEY_EK)) { /* already zero in the journal */
            k->tx_ic = k->tx_reserved = 0;
            memset(k->rx_ic, 0, sizeof k->rx_ic);
            memset(k->rx_saved, 0, sizeof k->rx_saved);
            k->rx_seen = 0;
        }
        k->default_keys = are_default_keys(k->ek, k->ak);
        k->default_kek = memcmp(k->kek, DEFAULT_KEK, 16) == 0;
        k->transfer_mask = 0;
        memset(k->transfer_key, 0, sizeof k->transfer_key);
    }
    if (k->ak_pending) {
        k->ak_pending = false;
        (void)pp_dlms_server_set_keys(s, k->ek, k->pending_ak);
    }
}

pp_err_t pp_dlms_sec_next_ic(pp_dlms_server_t *s, uint32_t *ic)
{
    pp_dlms_security_t *k = &s->sec;
    PP_VERIFY(k->tx_ic != UINT32_MAX, PP_ERR_STATE); /* exhausted: new keys needed */
    if (k->tx_ic == 0) {
        k->tx_ic = 1; /* clients start at "last seen 0" and want more */
    }
    if (s->journal && k->tx_ic >= k->tx_reserved) {
        uint32_t ahead = k->tx_ic > UINT32_MAX - PP_DLMS_IC_STEP ? UINT32_MAX
                                                                : k->tx_ic + PP_DLMS_IC_STEP;
        uint8_t b[4];
        put32(b, ahead);
        /* Never send a counter that is not reserved on NVM first. */
        PP_TRY(pp_journal_write(s->journal, PP_KEY_DLMS_TX_IC, b, 4));
        k->tx_reserved = ahead;
    }
    *ic = k->tx_ic++;
    return PP_OK;
}

void pp_dlms_sec_flush(pp_dlms_server_t *s)
{
    if (memcmp(s->sec.rx_saved, s->sec.rx_ic, sizeof s->sec.rx_saved) != 0) {
        (void)save_rx(s);
    }
}

static bool is_ded(uint8_t tag)
{
    return (tag >= 0x41 && tag <= 0x4E) || (tag >= 0xD0 && tag <= 0xD7);
}

static void iv_of(const uint8_t title[8], uint32_t ic, uint8_t iv[12])
{
    memcpy(iv, title, 8);
    put32(iv + 8, ic);
}

/* Is ic new for this key? Updates the counter when accept is set. */
static pp_err_t check_ic(pp_dlms_server_t *s, pp_dlms_conn_t *c, bool ded, uint32_t ic, bool accept)
{
    if (ded) {
        PP_VERIFY(!c->ded_rx_seen || ic > c->ded_rx_ic, PP_ERR_REPLAY);
        if (accept) {
            c->ded_rx_ic = ic;
            c->ded_rx_seen = true;
        }
        return PP_OK;
    }
    pp_dlms_security_t *k = &s->sec;
    const unsigned who = c->assoc < PP_ASSOC_COUNT ? c->assoc : 0;
    const bool seen = (k->rx_seen >> who) & 1u;
    PP_VERIFY(!seen || ic > k->rx_ic[who], PP_ERR_REPLAY);
    if (accept) {
        k->rx_ic[who] = ic;
        k->rx_seen |= (uint8_t)(1u << who);
        (void)save_rx(s); /* before the answer: a replay after a power cut is refused */
    }
    return PP_OK;
}

pp_err_t pp_dlms_sec_decipher(pp_dlms_server_t *s, pp_dlms_conn_t *c, const uint8_t *title,
                              const uint8_t *apdu, size_t len, uint8_t *plain, size_t cap,
                              size_t *plain_len)
{
    const pp_port_t *p = s->port;
    PP_VERIFY(p && p->gcm_decrypt, PP_ERR_UNSUPPORTED);
    pp_xdlms_cipher_hdr_t h;
    PP_TRY(pp_xdlms_cipher_parse(apdu, len, &h));
    PP_VERIFY(h.tag != PP_APDU_GENERAL_DED_CIPHERING && h.tag != PP_APDU_GENERAL_CIPHERING &&
                  h.tag != PP_APDU_GENERAL_SIGNING,
              PP_ERR_UNSUPPORTED);
    if (h.tag == PP_APDU_GENERAL_GLO_CIPHERING) {
        PP_VERIFY(h.system_title_len == 8 && memcmp(h.system_title, title, 8) == 0,
                  PP_ERR_AUTH);
    }
    /* Suite 0, authenticated and encrypted: the only policy we accept. */
    PP_VERIFY(h.sc == PP_DLMS_SC_AE, PP_ERR_UNSUPPORTED);
    const bool ded = is_ded(h.tag);
    PP_VERIFY(!ded || c->has_ded_key, PP_ERR_AUTH);
    PP_VERIFY(h.payload_len >= PP_DLMS_TAG_LEN, PP_ERR_TRUNCATED);
    const size_t n = h.payload_len - PP_DLMS_TAG_LEN;
    PP_VERIFY(n <= cap, PP_ERR_NOSPACE);
    PP_TRY(check_ic(s, c, ded, h.ic, false));
    uint8_t iv[12], aad[17];
    iv_of(title, h.ic, iv);
    aad[0] = h.sc;
    memcpy(aad + 1, s->sec.ak, 16);
    pp_err_t rc = p->gcm_decrypt(p->ctx, ded ? c->ded_key : s->sec.ek, iv, aad, sizeof aad,
                                 h.payload, n, plain, h.payload + n, PP_DLMS_TAG_LEN);
    PP_VERIFY(rc == PP_OK, PP_ERR_AUTH);
    PP_TRY(check_ic(s, c, ded, h.ic, true));
    *plain_len = n;
    return PP_OK;
}

int pp_dlms_sec_encipher(pp_dlms_server_t *s, const pp_dlms_conn_t *c, uint8_t tag,
                         const uint8_t *plain, size_t len, uint8_t *out, size_t cap)
{
    const pp_port_t *p = s->port;
    PP_VERIFY(p && p->gcm_encrypt, PP_ERR_UNSUPPORTED);
    const bool ded = is_ded(tag);
    PP_VERIFY(!ded || c->has_ded_key, PP_ERR_STATE);
    PP_VERIFY(len <= PP_DLMS_SERVER_PDU, PP_ERR_NOSPACE);
    pp_axdr_wr_t wr;
    pp_axdr_wr_init(&wr, out, cap);
    const bool general = tag == PP_APDU_GENERAL_GLO_CIPHERING;
    /* Check the room before taking a counter, so none is wasted. */
    PP_VERIFY(PP_DLMS_GENERAL_OVERHEAD + len <= cap ||
                  (!general && PP_DLMS_CIPHER_OVERHEAD + len <= cap),
              PP_ERR_NOSPACE);
    uint32_t ic;
    PP_TRY(pp_dlms_sec_next_ic(s, &ic));
    PP_TRY(pp_xdlms_cipher_put_header(&wr, tag, general ? s->sec.title : NULL, general ? 8 : 0,
                                      PP_DLMS_SC_AE, ic, (uint32_t)(len + PP_DLMS_TAG_LEN)));
    PP_VERIFY(wr.pos + len + PP_DLMS_TAG_LEN <= cap, PP_ERR_NOSPACE);
    uint8_t iv[12], aad[17];
    iv_of(s->sec.title, ic, iv);
    aad[0] = PP_DLMS_SC_AE;
    memcpy(aad + 1, s->sec.ak, 16);
    PP_TRY(p->gcm_encrypt(p->ctx, ded ? c->ded_key : s->sec.ek, iv, aad, sizeof aad, plain, len,
                          out + wr.pos, out + wr.pos + len, PP_DLMS_TAG_LEN));
    return (int)(wr.pos + len + PP_DLMS_TAG_LEN);
}

pp_err_t pp_dlms_sec_gmac(pp_dlms_server_t *s, const uint8_t title[8], uint32_t ic,
                          const uint8_t *chal, size_t n, uint8_t out[17])
{
    const pp_port_t *p = s->port;
    PP_VERIFY(p && p->gcm_encrypt, PP_ERR_UNSUPPORTED);
    PP_VERIFY(n <= PP_DLMS_CHALLENGE_MAX, PP_ERR_RANGE);
    uint8_t aad[1 + 16 + PP_DLMS_CHALLENGE_MAX];
    uint8_t iv[12];
    aad[0] = PP_DLMS_SC_A;
    memcpy(aad + 1, s->sec.ak, 16);
    memcpy(aad + 17, chal, n);
    iv_of(title, ic, iv);
    out[0] = PP_DLMS_SC_A;
    put32(out + 1, ic);
    return p->gcm_encrypt(p->ctx, s->sec.ek, iv, aad, 17 + n, NULL, 0, NULL, out + 5,
                          PP_DLMS_TAG_LEN);
}

uint8_t pp_dlms_sec_response_tag(uint8_t req_tag)
{
    switch (req_tag) {
    case PP_APDU_GLO_GET_REQUEST: return PP_APDU_GLO_GET_RESPONSE;
    case PP_APDU_GLO_SET_REQUEST: return PP_APDU_GLO_SET_RESPONSE;
    case PP_APDU_GLO_ACTION_REQUEST: return PP_APDU_GLO_ACTION_RESPONSE;
    case PP_APDU_DED_GET_REQUEST: return PP_APDU_DED_GET_RESPONSE;
    case PP_APDU_DED_SET_REQUEST: return PP_APDU_DED_SET_RESPONSE;
    case PP_APDU_DED_ACTION_REQUEST: return PP_APDU_DED_ACTION_RESPONSE;
    case PP_APDU_GENERAL_GLO_CIPHERING: return PP_APDU_GENERAL_GLO_CIPHERING;
    default: return 0;
    }
}
