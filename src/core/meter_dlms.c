/* The meter's DLMS/COSEM endpoint: the provider-bound server
 * (polyphase/dlms_server.h) on logical device 1, one session per meter
 * connection, with --trace lines. The provider hooks that bind the server
 * to the meter's data are in meter_dlms_provider.c. */
#include <string.h>

#include "meter_internal.h"
#include "polyphase/nvm_keys.h"
#include "polyphase/text.h"

#define SERVER_LOGICAL_DEVICE 1u
#define TRACE_LINE 512u /* summary + hex; longer APDUs end in "..." */
/* The first server's invocation counter (uint32, host order) before the
 * server was replaced: carried over so no counter is ever sent twice. */
#define KEY_LEGACY_SERVER_IC (PP_KEY_SECURITY_BASE + 0x01)

_Static_assert(PP_DLMS_SERVER_SESSIONS >= PP_METER_MAX_CONNS,
               "every meter connection needs a DLMS session");

static void carry_legacy_counter(pp_meter_t *m)
{
    uint32_t legacy;
    uint8_t be[4];
    if (pp_journal_read(&m->journal, PP_KEY_DLMS_TX_IC, be, 4) == PP_ERR_NOT_FOUND &&
        pp_journal_read(&m->journal, KEY_LEGACY_SERVER_IC, &legacy, sizeof legacy) == PP_OK) {
        be[0] = (uint8_t)(legacy >> 24);
        be[1] = (uint8_t)(legacy >> 16);
        be[2] = (uint8_t)(legacy >> 8);
        be[3] = (uint8_t)legacy;
        (void)pp_journal_write(&m->journal, PP_KEY_DLMS_TX_IC, be, 4);
    }
}

/* The configured secrets are the factory ones: they apply until the journal
 * holds secrets (set once, or changed later by a client). */
static pp_err_t apply_factory_secrets(pp_meter_t *m, bool stored)
{
    if (stored) {
        return PP_OK;
    }
    PP_TRY(pp_dlms_server_set_keys(&m->dlms, m->cfg.guek, m->cfg.gak));
    return pp_dlms_server_set_password(&m->dlms, (const uint8_t *)m->cfg.lls_password,
                                       strlen(m->cfg.lls_password));
}

pp_err_t pp_meter_dlms_init(pp_meter_t *m)
{
    const bool stored = pp_journal_read(&m->journal, PP_KEY_DLMS_SECRETS, NULL, 0) !=
                        PP_ERR_NOT_FOUND;
    carry_legacy_counter(m);
    pp_dlms_server_config_t cfg;
    pp_dlms_server_config_default(&cfg);
    memcpy(cfg.flag, m->cfg.manufacturer, 3);
    cfg.meter_number = pp_meter_number_value(m->cfg.meter_number);
    cfg.logical_device = SERVER_LOGICAL_DEVICE;
    cfg.max_pdu = PP_METER_MAX_APDU; /* 4096 on a PC: a day of load profile in one answer */
    pp_dlms_provider_t prov;
    pp_meter_dlms_provider(m, &prov);
    PP_TRY(pp_dlms_server_init(&m->dlms, m->port, &m->journal, &prov, &cfg));
    return apply_factory_secrets(m, stored);
}

static unsigned session_of(const pp_meter_t *m, const pp_meter_conn_t *c)
{
    return (unsigned)(c - m->conn);
}

/* "<- client 17 conn 3: GET-Request ... | c0 01 c1 ..." */
static void trace(pp_meter_t *m, const char *dir, uint16_t client, unsigned session,
                  const uint8_t *a, size_t n)
{
    char line[TRACE_LINE];
    pp_text_t t;
    pp_text_init(&t, line, sizeof line);
    pp_text_s(&t, dir);
    pp_text_s(&t, " client ");
    pp_text_u(&t, client);
    pp_text_s(&t, " conn ");
    pp_text_u(&t, session);
    pp_text_s(&t, ": ");
    const size_t head = pp_text_length(&t);
    (void)pp_dlms_trace_hex(a, n, line + head, sizeof line - head);
    m->port->log(m->port->ctx, PP_LOG_TRACE, "dlms", line);
}

int pp_meter_dlms_apdu(pp_meter_t *m, pp_meter_conn_t *c, uint16_t client, uint16_t server,
                       const uint8_t *req, size_t len, uint8_t *resp, size_t cap)
{
    if (server != SERVER_LOGICAL_DEVICE) {
        return 0; /* not addressed to a logical device of this meter: discard */
    }
    const unsigned session = session_of(m, c);
    const bool tracing = m->cfg.trace && m->port->log;
    if (tracing) {
        trace(m, "<-", client, session, req, len);
    }
    /* cap 0 (HDLC UI frames): served, never answered. The answer is built
     * in the frame buffer, which holds nothing between frames (tx_apdu may
     * hold a segmented answer still being sent), and dropped. */
    uint8_t *out = cap ? resp : c->hdlc_tx_frame;
    const size_t out_cap = cap ? cap : sizeof c->hdlc_tx_frame;
    int n = pp_dlms_server_apdu(&m->dlms, session, client, req, len, out, out_cap);
    if (tracing && n > 0 && cap > 0) {
        trace(m, "->", client, session, resp, (size_t)n);
    }
    return cap == 0 ? 0 : n;
}

void pp_meter_dlms_release(pp_meter_t *m, pp_meter_conn_t *c)
{
    pp_dlms_server_close(&m->dlms, session_of(m, c));
}
