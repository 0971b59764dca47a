/* Connections of the meter's byte-stream channels: one TCP-UDP wrapper
 * framer or HDLC link per connection, the optical line with its 62056-21
 * session and the mode E hand-over to HDLC. Complete APDUs go to the DLMS
 * server through pp_meter_dlms_apdu(). */
#include <string.h>

#include "meter_internal.h"
#include "polyphase/text.h"

pp_meter_conn_t *pp_meter_conn_find(pp_meter_t *m, pp_channel_t ch, unsigned id)
{
    for (size_t i = 0; i < PP_METER_MAX_CONNS; i++) {
        if (m->conn[i].used && m->conn[i].ch == ch && m->conn[i].id == id) {
            return &m->conn[i];
        }
    }
    return NULL;
}

#define TRACE_LINE 400u

/* --trace: "<- conn 3: I N(S)=0 N(R)=0 P/F 16->1/5694 info 21 B | 7E A0 ..." */
static void trace_frame(pp_meter_conn_t *c, const char *dir, const uint8_t *frame, size_t len)
{
    pp_meter_t *m = c->meter;
    if (!m->cfg.trace || !m->port->log) {
        return;
    }
    char line[TRACE_LINE];
    pp_text_t t;
    pp_text_init(&t, line, sizeof line);
    pp_text_s(&t, dir);
    pp_text_s(&t, " conn ");
    pp_text_u(&t, (uint32_t)(c - m->conn));
    pp_text_s(&t, ": ");
    const size_t n = pp_text_length(&t);
    (void)pp_hdlc_frame_describe(frame, len, line + n, sizeof line - n);
    m->port->log(m->port->ctx, PP_LOG_TRACE, "hdlc", line);
}

static pp_err_t hdlc_output(void *user, const uint8_t *frame, size_t len)
{
    pp_meter_conn_t *c = user;
    const pp_port_t *port = c->meter->port;
    trace_frame(c, "->", frame, len);
    return port->stream_write(port->ctx, c->ch, c->id, frame, len);
}

static void hdlc_received(void *user, const uint8_t *frame, size_t len)
{
    trace_frame(user, "<-", frame, len);
}

static int hdlc_deliver(void *user, const pp_hdlc_sdu_t *sdu, uint8_t *resp, size_t cap)
{
    pp_meter_conn_t *c = user;
    if (sdu->unnumbered || sdu->broadcast) {
        cap = 0; /* UI: handled, never answered */
    }
    return pp_meter_dlms_apdu(c->meter, c, sdu->client, sdu->server_upper, sdu->data, sdu->len,
                              resp, cap);
}

static void hdlc_event(void *user, pp_hdlc_event_t ev)
{
    pp_meter_conn_t *c = user;
    if (ev != PP_HDLC_EV_CONNECTED) {
        pp_meter_dlms_release(c->meter, c); /* DISC or timeout ends the association */
        if (c->optical_hdlc) {
            c->optical_hdlc = false;
            pp_iec21_session_hdlc_ended(&c->meter->optical,
                                        c->meter->port->monotonic_ms(c->meter->port->ctx));
        }
    }
}

uint64_t pp_meter_number_value(const char *digits)
{
    uint64_t v = 0;
    for (; *digits; digits++) {
        v = v * 10u + (uint64_t)(*digits - '0');
    }
    return v;
}

static pp_err_t start_hdlc(pp_meter_t *m, pp_meter_conn_t *c, bool serial)
{
    pp_hdlc_link_config_t cfg;
    pp_meter_hdlc_config(m, serial, &cfg);
    pp_hdlc_link_buffers_t buf = {
        .rx_frame = c->hdlc_rx_frame, .rx_frame_cap = sizeof c->hdlc_rx_frame,
        .tx_frame = c->hdlc_tx_frame, .tx_frame_cap = sizeof c->hdlc_tx_frame,
        .rx_sdu = c->rx_apdu, .rx_sdu_cap = sizeof c->rx_apdu,
        .tx_sdu = c->tx_apdu, .tx_sdu_cap = sizeof c->tx_apdu};
    pp_hdlc_link_callbacks_t cb = {.deliver = hdlc_deliver, .output = hdlc_output,
                                   .received = hdlc_received,
                                   .event = hdlc_event};
    return pp_hdlc_link_init(&c->hdlc, &cfg, &buf, &cb, c);
}

static void optical_to_hdlc(void *ctx, unsigned conn, uint32_t baud)
{
    pp_meter_t *m = ctx;
    (void)baud; /* the port already switched the line's rate */
    pp_meter_conn_t *c = pp_meter_conn_find(m, PP_CH_OPTICAL, conn);
    if (c && start_hdlc(m, c, true) == PP_OK) {
        c->optical_hdlc = true;
    }
}

pp_err_t pp_meter_open(pp_meter_t *m, pp_channel_t ch, unsigned id)
{
    pp_meter_conn_t *c = NULL;
    for (size_t i = 0; i < PP_METER_MAX_CONNS && !c; i++) {
        c = m->conn[i].used ? NULL : &m->conn[i];
    }
    PP_VERIFY(c != NULL, PP_ERR_NOSPACE);
    memset(c, 0, sizeof *c);
    *c = (pp_meter_conn_t){.used = true, .ch = ch, .id = id, .meter = m};
    uint64_t now = m->port->monotonic_ms(m->port->ctx);
    switch (ch) {
    case PP_CH_DLMS_WRAPPER:
        pp_wrapper_framer_init(&c->wrapper, c->rx_apdu, PP_METER_MAX_APDU);
        c->idle_limit_ms = m->comm.tcp_inactivity_s * 1000u; /* as set when it opened */
        c->last_rx_ms = now;
        return PP_OK;
    case PP_CH_DLMS_HDLC:
        return start_hdlc(m, c, false);
    case PP_CH_OPTICAL: /* one optical head: the newest connection owns the session */
        m->optical_conn = id;
        PP_TRY(pp_iec21_session_init(&m->optical, &m->optical_cfg, m->port, id,
                                     &m->optical_provider, now));
        pp_iec21_session_on_hdlc(&m->optical, optical_to_hdlc, m);
        return PP_OK;
    default:
        c->used = false;
        return PP_ERR_UNSUPPORTED;
    }
}

void pp_meter_close(pp_meter_t *m, pp_channel_t ch, unsigned id)
{
    pp_meter_conn_t *c = pp_meter_conn_find(m, ch, id);
    if (c) {
        pp_meter_dlms_release(m, c);
        c->used = false;
    }
    if (ch == PP_CH_OPTICAL && m->optical_conn == id) {
        m->optical_conn = 0;
    }
}

static pp_err_t wrapper_receive(pp_meter_t *m, pp_meter_conn_t *c, const uint8_t *data, size_t len)
{
    while (len > 0) {
        pp_wrapper_apdu_t apdu;
        bool got = false;
        int used = pp_wrapper_framer_feed(&c->wrapper, data, len, &apdu, &got);
        if (used < 0) { /* bad version, length 0 or too long: IEC 62056-47 closes */
            m->port->stream_close(m->port->ctx, c->ch, c->id);
            pp_meter_close(m, c->ch, c->id);
            return used;
        }
        data += used;
        len -= (size_t)used;
        if (got) {
            uint8_t *resp = m->wrapper_tx + PP_WRAPPER_HEADER_LEN;
            int n = pp_meter_dlms_apdu(m, c, apdu.src, apdu.dst, apdu.data, apdu.len, resp,
                                       PP_METER_MAX_APDU);
            if (n > 0) {
                int total = pp_wrapper_encode(apdu.dst, apdu.src, resp, (size_t)n, m->wrapper_tx,
                                              sizeof m->wrapper_tx);
                PP_TRY(total);
                PP_TRY(m->port->stream_write(m->port->ctx, c->ch, c->id, m->wrapper_tx,
                                             (size_t)total));
            }
        }
    }
    return PP_OK;
}

pp_err_t pp_meter_receive(pp_meter_t *m, pp_channel_t ch, unsigned id, const uint8_t *data,
                          size_t len)
{
    pp_meter_conn_t *c = pp_meter_conn_find(m, ch, id);
    PP_VERIFY(c != NULL, PP_ERR_NOT_FOUND);
    uint64_t now = m->port->monotonic_ms(m->port->ctx);
    switch (ch) {
    case PP_CH_DLMS_WRAPPER:
        c->last_rx_ms = now;
        return wrapper_receive(m, c, data, len);
    case PP_CH_DLMS_HDLC:
        return pp_hdlc_link_feed(&c->hdlc, data, len, now);
    case PP_CH_OPTICAL:
        if (c->optical_hdlc) {
            return pp_hdlc_link_feed(&c->hdlc, data, len, now);
        }
        return id == m->optical_conn ? pp_iec21_session_receive(&m->optical, data, len, now)
                                     : PP_ERR_STATE;
    default:
        return PP_ERR_UNSUPPORTED;
    }
}

void pp_meter_conns_poll(pp_meter_t *m, uint64_t now_ms)
{
    if (m->optical_conn) {
        (void)pp_iec21_session_poll(&m->optical, now_ms);
    }
    for (size_t i = 0; i < PP_METER_MAX_CONNS; i++) {
        pp_meter_conn_t *c = &m->conn[i];
        if (c->used && (c->ch == PP_CH_DLMS_HDLC || c->optical_hdlc)) {
            pp_hdlc_link_poll(&c->hdlc, now_ms);
        } else if (c->used && c->idle_limit_ms && now_ms - c->last_rx_ms >= c->idle_limit_ms) {
            m->port->stream_close(m->port->ctx, c->ch, c->id); /* class 41 inactivity */
            pp_meter_close(m, c->ch, c->id);
        }
    }
}
