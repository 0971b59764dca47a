/* The communication settings of classes 23 and 41: built-in defaults, the
 * values management wrote over DLMS (one journal record, applied over the
 * defaults at start), and the HDLC link configuration each new connection
 * negotiates with. A change reaches running links only at their next
 * connection (pp_hdlc_link_set_config). */
#include "meter_internal.h"
#include "polyphase/nvm_keys.h"

#define KEY_COMM_SETTINGS (PP_KEY_COMM_BASE + 0x01)
#define RECORD_VERSION 1u
#define RECORD_LEN 15u
#define HDLC_INTER_OCTET_MS 25u /* serial lines */
#define HDLC_TCP_INTER_OCTET_MS 5000u /* TCP may split a frame across late segments */
#define HDLC_INACTIVITY_S 120u
#define WRAPPER_PORT 4059u

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void encode(const pp_dlms_comm_info_t *ci, uint8_t b[RECORD_LEN])
{
    b[0] = RECORD_VERSION;
    b[1] = ci->hdlc_window_tx;
    b[2] = ci->hdlc_window_rx;
    put16(b + 3, ci->hdlc_max_info_tx);
    put16(b + 5, ci->hdlc_max_info_rx);
    put16(b + 7, ci->hdlc_inter_octet_ms);
    put16(b + 9, ci->hdlc_inactivity_s);
    put16(b + 11, ci->hdlc_device_address);
    put16(b + 13, ci->tcp_inactivity_s);
}

static void decode(const uint8_t b[RECORD_LEN], pp_dlms_comm_info_t *ci)
{
    ci->hdlc_window_tx = b[1];
    ci->hdlc_window_rx = b[2];
    ci->hdlc_max_info_tx = get16(b + 3);
    ci->hdlc_max_info_rx = get16(b + 5);
    ci->hdlc_inter_octet_ms = get16(b + 7);
    ci->hdlc_inactivity_s = get16(b + 9);
    ci->hdlc_device_address = get16(b + 11);
    ci->tcp_inactivity_s = get16(b + 13);
}

/* What this meter's buffers and links can take: the Blue Book ranges the
 * class checks, information fields only up to our frame buffers. A stored
 * record is held to the same, so a link always starts. */
static bool supported(const pp_dlms_comm_info_t *ci)
{
    return ci->hdlc_window_tx >= 1 && ci->hdlc_window_tx <= PP_HDLC_WINDOW_MAX &&
           ci->hdlc_window_rx >= 1 && ci->hdlc_window_rx <= PP_HDLC_WINDOW_MAX &&
           ci->hdlc_max_info_tx >= PP_HDLC_INFO_MIN && ci->hdlc_max_info_tx <= PP_METER_HDLC_INFO &&
           ci->hdlc_max_info_rx >= PP_HDLC_INFO_MIN && ci->hdlc_max_info_rx <= PP_METER_HDLC_INFO &&
           ci->hdlc_device_address >= PP_HDLC_PHYSICAL_BASE && ci->hdlc_device_address <= 0x3FFDu;
}

pp_err_t pp_meter_comm_load(pp_meter_t *m)
{
    m->comm = (pp_dlms_comm_info_t){
        .hdlc_baud = 5, /* 9600 baud after mode E */
        .hdlc_window_tx = 7, .hdlc_window_rx = 7,
        .hdlc_max_info_tx = PP_METER_HDLC_INFO, .hdlc_max_info_rx = PP_METER_HDLC_INFO,
        .hdlc_inter_octet_ms = HDLC_INTER_OCTET_MS, .hdlc_inactivity_s = HDLC_INACTIVITY_S,
        .hdlc_device_address = pp_hdlc_physical_address(pp_meter_number_value(m->cfg.meter_number)),
        .tcp_port = WRAPPER_PORT, .tcp_inactivity_s = 0,
        .tcp_max_clients = PP_METER_MAX_CONNS};
    uint8_t b[RECORD_LEN];
    pp_err_t rc = pp_journal_read(&m->journal, KEY_COMM_SETTINGS, b, sizeof b);
    if (rc == PP_ERR_NOT_FOUND) {
        return PP_OK; /* never written: the defaults */
    }
    PP_TRY(rc);
    pp_dlms_comm_info_t ci = m->comm;
    decode(b, &ci);
    PP_VERIFY(b[0] == RECORD_VERSION && supported(&ci), PP_ERR_CORRUPT);
    m->comm = ci;
    return PP_OK;
}

void pp_meter_hdlc_config(const pp_meter_t *m, bool serial, pp_hdlc_link_config_t *cfg)
{
    const pp_dlms_comm_info_t *ci = &m->comm;
    pp_hdlc_link_config_default(cfg);
    cfg->server_lower = ci->hdlc_device_address;
    cfg->max_info_tx = ci->hdlc_max_info_tx;
    cfg->max_info_rx = ci->hdlc_max_info_rx;
    cfg->window_tx = ci->hdlc_window_tx;
    cfg->window_rx = ci->hdlc_window_rx;
    cfg->inactivity_ms = ci->hdlc_inactivity_s * 1000u;
    cfg->inter_octet_ms = serial ? ci->hdlc_inter_octet_ms : HDLC_TCP_INTER_OCTET_MS;
}

void pp_meter_comm_info(void *ctx, pp_dlms_comm_info_t *out)
{
    *out = ((const pp_meter_t *)ctx)->comm;
}

uint8_t pp_meter_comm_write(void *ctx, const pp_dlms_comm_info_t *ci)
{
    pp_meter_t *m = ctx;
    if (!supported(ci)) {
        return PP_DAR_OTHER_REASON;
    }
    uint8_t b[RECORD_LEN];
    encode(ci, b);
    if (pp_journal_write(&m->journal, KEY_COMM_SETTINGS, b, sizeof b) != PP_OK) {
        return PP_DAR_HARDWARE_FAULT;
    }
    m->comm = *ci;
    pp_meter_config_changed(m, PP_SETTING_COMM);
    for (size_t i = 0; i < PP_METER_MAX_CONNS; i++) {
        pp_meter_conn_t *c = &m->conn[i];
        if (c->used && (c->ch == PP_CH_DLMS_HDLC || c->optical_hdlc)) {
            pp_hdlc_link_config_t cfg;
            pp_meter_hdlc_config(m, c->ch == PP_CH_OPTICAL, &cfg);
            (void)pp_hdlc_link_set_config(&c->hdlc, &cfg); /* checked by supported() */
        }
    }
    return PP_DAR_SUCCESS;
}
