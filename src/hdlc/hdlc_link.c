/* HDLC secondary station (the meter's end of one data link connection),
 * IEC 62056-46 with the procedures of ISO/IEC 13239 normal response mode.
 * The meter only ever answers: it transmits when a command carries P=1.
 * Rules followed (docs/hdlc.md cites each):
 *  - bad HCS/FCS, undecodable or mis-addressed frames: discarded silently;
 *  - in NDM every command with P=1 except SNRM/UI is answered DM;
 *  - in NRM an undefined control field, an info field where none is allowed,
 *    an info field too long, or an invalid N(R) puts the link in the frame
 *    reject condition: FRMR is the answer to every poll until SNRM or DISC;
 *  - an I frame with N(S) != V(R) is discarded, its N(R) and P still used;
 *  - a poll with N(R) below V(S) makes us retransmit from N(R). */
#include <string.h>

#include "polyphase/hdlc.h"

#define MOD8(x) ((uint8_t)((x) & 7u))

uint16_t pp_hdlc_physical_address(uint64_t meter_number)
{
    return (uint16_t)(meter_number % 10000u + PP_HDLC_PHYSICAL_BASE);
}

void pp_hdlc_link_config_default(pp_hdlc_link_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->server_upper = PP_HDLC_ADDR_MANAGEMENT;
    cfg->server_lower = PP_HDLC_PHYSICAL_BASE;
    cfg->max_info_tx = PP_HDLC_DEFAULT_INFO;
    cfg->max_info_rx = PP_HDLC_DEFAULT_INFO;
    cfg->window_tx = PP_HDLC_DEFAULT_WINDOW;
    cfg->window_rx = PP_HDLC_DEFAULT_WINDOW;
    cfg->inactivity_ms = 120000u;
    cfg->inter_octet_ms = 25u;
}

static bool info_len_ok(uint16_t v)
{
    return v >= PP_HDLC_INFO_MIN && v <= PP_HDLC_INFO_MAX;
}

static bool window_ok(uint8_t w)
{
    return w >= 1 && w <= PP_HDLC_WINDOW_MAX;
}

static pp_err_t check_config(const pp_hdlc_link_config_t *cfg, const pp_hdlc_link_buffers_t *buf)
{
    PP_VERIFY(cfg->server_upper >= 1 && cfg->server_upper < PP_HDLC_ADDR_ALL_14 &&
                  cfg->server_upper != PP_HDLC_ADDR_ALL_7, PP_ERR_ARG);
    PP_VERIFY(cfg->server_lower == 0 ||
                  (cfg->server_lower >= PP_HDLC_PHYSICAL_BASE && cfg->server_lower <= 0x3FFDu),
              PP_ERR_ARG);
    PP_VERIFY(info_len_ok(cfg->max_info_tx) && info_len_ok(cfg->max_info_rx), PP_ERR_ARG);
    PP_VERIFY(window_ok(cfg->window_tx) && window_ok(cfg->window_rx), PP_ERR_ARG);
    PP_VERIFY(buf->rx_frame && buf->rx_frame_cap >= PP_HDLC_FRAME_BUF_SIZE(cfg->max_info_rx),
              PP_ERR_ARG);
    PP_VERIFY(buf->tx_frame && buf->tx_frame_cap >= PP_HDLC_FRAME_BUF_SIZE(cfg->max_info_tx),
              PP_ERR_ARG);
    PP_VERIFY(buf->rx_sdu && buf->rx_sdu_cap > PP_HDLC_LLC_LEN, PP_ERR_ARG);
    PP_VERIFY(buf->tx_sdu && buf->tx_sdu_cap > PP_HDLC_LLC_LEN, PP_ERR_ARG);
    return PP_OK;
}

pp_err_t pp_hdlc_link_init(pp_hdlc_link_t *l, const pp_hdlc_link_config_t *cfg,
                           const pp_hdlc_link_buffers_t *buf,
                           const pp_hdlc_link_callbacks_t *cb, void *user)
{
    PP_VERIFY(l != NULL && cfg != NULL && buf != NULL && cb != NULL, PP_ERR_ARG);
    PP_VERIFY(cb->deliver != NULL && cb->output != NULL, PP_ERR_ARG);
    PP_TRY(check_config(cfg, buf));
    memset(l, 0, sizeof *l);
    l->cfg = *cfg;
    l->buf = *buf;
    l->cb = *cb;
    l->user = user;
    pp_hdlc_framer_init(&l->framer, buf->rx_frame, buf->rx_frame_cap, cfg->inter_octet_ms);
    pp_hdlc_link_reset(l);
    return PP_OK;
}

/* A new configuration waits for the link to leave the connection: the
 * negotiated values hold until the next SNRM (IEC 62056-46). */
static void apply_pending(pp_hdlc_link_t *l)
{
    if (l->has_pending) {
        l->cfg = l->pending;
        l->framer.inter_octet_ms = l->pending.inter_octet_ms;
        l->has_pending = false;
    }
}

pp_err_t pp_hdlc_link_set_config(pp_hdlc_link_t *l, const pp_hdlc_link_config_t *cfg)
{
    PP_VERIFY(l != NULL && cfg != NULL, PP_ERR_ARG);
    PP_TRY(check_config(cfg, &l->buf));
    l->pending = *cfg;
    l->has_pending = true;
    if (l->state == PP_HDLC_NDM) {
        apply_pending(l);
    }
    return PP_OK;
}

/* Every way out of a connection (SNRM, DISC, timeout, reset) passes here. */
static void clear_transfer(pp_hdlc_link_t *l)
{
    apply_pending(l);
    l->vs = l->vr = l->va = 0;
    l->client_busy = false;
    l->poll_owed = false;
    l->awaiting_response = false;
    l->rx_len = 0;
    l->rx_overflow = false;
    l->tx_len = l->tx_acked = l->tx_sent = 0;
}

void pp_hdlc_link_reset(pp_hdlc_link_t *l)
{
    l->state = PP_HDLC_NDM;
    l->client = 0;
    clear_transfer(l);
    pp_hdlc_framer_reset(&l->framer);
}

pp_hdlc_state_t pp_hdlc_link_state(const pp_hdlc_link_t *l)
{
    return l->state;
}

static void raise_event(pp_hdlc_link_t *l, pp_hdlc_event_t ev)
{
    if (l->cb.event) {
        l->cb.event(l->user, ev);
    }
}

/* ------------------------------------------------------------- transmit -- */

typedef struct reply_ctx {
    pp_hdlc_addr_t server; /* our address as the command gave it */
    uint8_t client;
    pp_err_t err;          /* first output error of this feed */
} reply_ctx_t;

static void send_frame(pp_hdlc_link_t *l, reply_ctx_t *r, uint8_t control, bool seg,
                       const uint8_t *info, size_t info_len)
{
    pp_hdlc_frame_t f = {
        .dst = {.upper = r->client, .lower = 0, .len = 1},
        .src = r->server,
        .control = control,
        .segmented = seg,
        .info = info,
        .info_len = info_len,
    };
    int n = pp_hdlc_frame_encode(&f, l->buf.tx_frame, l->buf.tx_frame_cap);
    pp_err_t rc = n < 0 ? (pp_err_t)n : l->cb.output(l->user, l->buf.tx_frame, (size_t)n);
    if (rc != PP_OK && r->err == PP_OK) {
        r->err = rc;
    }
}

/* Sends up to window_tx segments of the pending response from tx_sent;
 * the last frame sent carries F=1 and hands the poll back. */
static void send_window(pp_hdlc_link_t *l, reply_ctx_t *r)
{
    for (unsigned k = 0; k < l->window_tx && l->tx_sent < l->tx_len; k++) {
        size_t chunk = l->tx_len - l->tx_sent;
        if (chunk > l->max_info_tx) {
            chunk = l->max_info_tx;
        }
        bool more = l->tx_sent + chunk < l->tx_len;
        bool final = !more || k + 1 == l->window_tx;
        l->tx_seg_start[l->vs] = l->tx_sent;
        send_frame(l, r, pp_hdlc_control_i(l->vs, l->vr, final), more,
                   l->buf.tx_sdu + l->tx_sent, chunk);
        l->vs = MOD8(l->vs + 1);
        l->tx_sent += chunk;
    }
}

static void send_frmr(pp_hdlc_link_t *l, reply_ctx_t *r)
{
    l->stats.frmr_sent++;
    send_frame(l, r, pp_hdlc_control_u(PP_HDLC_FRMR, true), false, l->frmr,
               PP_HDLC_FRMR_INFO_LEN);
}

static void send_dm(pp_hdlc_link_t *l, reply_ctx_t *r)
{
    l->stats.dm_sent++;
    send_frame(l, r, pp_hdlc_control_u(PP_HDLC_DM, true), false, NULL, 0);
}

/* Answers a command that carried P=1 with the frame(s) the state calls for. */
static void answer_poll(pp_hdlc_link_t *l, reply_ctx_t *r)
{
    if (l->state == PP_HDLC_NDM) {
        send_dm(l, r);
        return;
    }
    if (l->state == PP_HDLC_FRMR_COND) {
        send_frmr(l, r);
        return;
    }
    if (l->awaiting_response && !l->poll_owed) {
        l->poll_owed = true; /* hold the poll until the upper layer answers */
        return;
    }
    l->poll_owed = false;
    if (l->va != l->vs) { /* the client missed frames we sent: repeat them */
        l->vs = l->va;
        l->tx_sent = l->tx_acked;
        l->stats.retransmitted++;
    }
    if (l->tx_sent < l->tx_len && !l->client_busy) {
        send_window(l, r);
    } else {
        send_frame(l, r, pp_hdlc_control_s(PP_HDLC_RR, l->vr, true), false, NULL, 0);
    }
}

/* Enters the frame reject condition (ISO/IEC 13239 FRMR). */
static void frame_reject(pp_hdlc_link_t *l, reply_ctx_t *r, uint8_t control, uint8_t reasons)
{
    pp_hdlc_frmr_t fr = {.rejected_control = control, .vs = l->vs, .vr = l->vr,
                         .response = false, .reasons = reasons};
    pp_hdlc_frmr_encode(&fr, l->frmr);
    l->state = PP_HDLC_FRMR_COND;
    if (pp_hdlc_control_pf(control)) {
        send_frmr(l, r);
    }
}

static void load_response(pp_hdlc_link_t *l, size_t apdu_len)
{
    l->buf.tx_sdu[0] = PP_HDLC_LSAP;
    l->buf.tx_sdu[1] = PP_HDLC_LSAP_RESPONSE;
    l->buf.tx_sdu[2] = 0x00;
    l->tx_len = PP_HDLC_LLC_LEN + apdu_len;
    l->tx_sent = l->tx_acked = 0;
}

pp_err_t pp_hdlc_link_respond(pp_hdlc_link_t *l, const uint8_t *apdu, size_t len)
{
    PP_VERIFY(l != NULL && (len == 0 || apdu != NULL), PP_ERR_ARG);
    PP_VERIFY(l->state == PP_HDLC_NRM && l->awaiting_response, PP_ERR_STATE);
    PP_VERIFY(len <= l->buf.tx_sdu_cap - PP_HDLC_LLC_LEN, PP_ERR_NOSPACE);
    l->awaiting_response = false;
    if (len > 0) {
        memmove(l->buf.tx_sdu + PP_HDLC_LLC_LEN, apdu, len);
        load_response(l, len);
    }
    reply_ctx_t r = {.server = l->server_addr, .client = l->client, .err = PP_OK};
    if (l->poll_owed) {
        answer_poll(l, &r);
    }
    return r.err;
}

/* -------------------------------------------------------------- receive -- */

static bool is_all_station(uint16_t v, uint8_t len)
{
    return v == (len == 4 ? PP_HDLC_ADDR_ALL_14 : PP_HDLC_ADDR_ALL_7);
}

/* Calls the upper layer; a response (if any) becomes the pending transmit. */
static void deliver(pp_hdlc_link_t *l, const uint8_t *sdu, size_t len, uint8_t client,
                    uint16_t upper, bool unnumbered, bool broadcast)
{
    if (len < PP_HDLC_LLC_LEN || sdu[0] != PP_HDLC_LSAP || sdu[1] != PP_HDLC_LSAP || sdu[2] != 0) {
        l->stats.bad_llc++;
        return;
    }
    pp_hdlc_sdu_t s = {.data = sdu + PP_HDLC_LLC_LEN, .len = len - PP_HDLC_LLC_LEN,
                       .client = client, .server_upper = upper,
                       .unnumbered = unnumbered, .broadcast = broadcast};
    size_t cap = l->buf.tx_sdu_cap - PP_HDLC_LLC_LEN;
    bool may_answer = !unnumbered && l->state == PP_HDLC_NRM;
    if (may_answer) { /* a new request ends the old answer */
        l->tx_len = l->tx_sent = l->tx_acked = 0;
        l->awaiting_response = false;
        l->poll_owed = false;
    }
    int rc = l->cb.deliver(l->user, &s, l->buf.tx_sdu + PP_HDLC_LLC_LEN, cap);
    if (!may_answer) {
        return; /* unconfirmed: no response on the link */
    }
    if (rc > 0 && (size_t)rc <= cap) {
        load_response(l, (size_t)rc);
    } else if (rc == PP_ERR_BUSY) {
        l->awaiting_response = true;
    }
}

static bool nr_valid(const pp_hdlc_link_t *l, unsigned nr)
{
    return MOD8(nr - l->va) <= MOD8(l->vs - l->va);
}

/* N(R) acknowledges our frames up to N(R)-1. */
static void acknowledge(pp_hdlc_link_t *l, unsigned nr)
{
    if (nr == l->va) {
        return;
    }
    l->tx_acked = nr == l->vs ? l->tx_sent : l->tx_seg_start[nr];
    l->va = MOD8(nr);
    if (l->tx_acked >= l->tx_len && l->va == l->vs) {
        l->tx_len = l->tx_sent = l->tx_acked = 0; /* whole response delivered */
    }
}

static void on_i_frame(pp_hdlc_link_t *l, reply_ctx_t *r, const pp_hdlc_frame_t *f, bool pf)
{
    if (pp_hdlc_control_ns(f->control) != l->vr) {
        if (pf) { /* sequence error: info discarded, the poll answered */
            answer_poll(l, r);
        }
        return;
    }
    if (l->rx_len + f->info_len > l->buf.rx_sdu_cap) {
        frame_reject(l, r, f->control, PP_HDLC_FRMR_Y); /* beyond our capacity */
        return;
    }
    l->vr = MOD8(l->vr + 1);
    if (f->info_len) {
        memcpy(l->buf.rx_sdu + l->rx_len, f->info, f->info_len);
        l->rx_len += f->info_len;
    }
    if (!f->segmented) {
        size_t len = l->rx_len;
        l->rx_len = 0;
        deliver(l, l->buf.rx_sdu, len, r->client, f->dst.upper, false, false);
    }
    if (pf) {
        answer_poll(l, r);
    }
}

static void on_snrm(pp_hdlc_link_t *l, reply_ctx_t *r, const pp_hdlc_frame_t *f, bool pf,
                    uint64_t now_ms)
{
    pp_hdlc_params_t p;
    bool ok = pp_hdlc_params_decode(f->info, f->info_len, &p) == PP_OK && p.max_info_tx &&
              p.max_info_rx && p.window_tx && p.window_rx;
    bool was_connected = l->state != PP_HDLC_NDM;
    l->state = PP_HDLC_NDM;
    clear_transfer(l);
    if (was_connected) {
        raise_event(l, PP_HDLC_EV_DISCONNECTED);
    }
    if (!ok) { /* a mode-setting command the station cannot accept: DM */
        if (pf) {
            send_dm(l, r);
        }
        return;
    }
    l->max_info_tx = (uint16_t)(p.max_info_rx < l->cfg.max_info_tx ? p.max_info_rx : l->cfg.max_info_tx);
    l->max_info_rx = (uint16_t)(p.max_info_tx < l->cfg.max_info_rx ? p.max_info_tx : l->cfg.max_info_rx);
    l->window_tx = (uint8_t)(p.window_rx < l->cfg.window_tx ? p.window_rx : l->cfg.window_tx);
    l->window_rx = (uint8_t)(p.window_tx < l->cfg.window_rx ? p.window_tx : l->cfg.window_rx);
    l->state = PP_HDLC_NRM;
    l->client = r->client;
    l->last_rx_ms = now_ms;
    if (pf) {
        pp_hdlc_params_t ours = {.max_info_tx = l->max_info_tx, .max_info_rx = l->max_info_rx,
                                 .window_tx = l->window_tx, .window_rx = l->window_rx};
        uint8_t info[32];
        int n = pp_hdlc_params_encode(&ours, info, sizeof info);
        send_frame(l, r, pp_hdlc_control_u(PP_HDLC_UA, true), false, info, n > 0 ? (size_t)n : 0);
    }
    raise_event(l, PP_HDLC_EV_CONNECTED);
}

static void on_disc(pp_hdlc_link_t *l, reply_ctx_t *r, bool pf)
{
    bool was_connected = l->state != PP_HDLC_NDM;
    l->state = PP_HDLC_NDM;
    clear_transfer(l);
    if (pf) {
        if (was_connected) {
            send_frame(l, r, pp_hdlc_control_u(PP_HDLC_UA, true), false, NULL, 0);
        } else {
            send_dm(l, r);
        }
    }
    if (was_connected) {
        raise_event(l, PP_HDLC_EV_DISCONNECTED);
    }
}

static void on_ui(pp_hdlc_link_t *l, reply_ctx_t *r, const pp_hdlc_frame_t *f, bool pf,
                  bool broadcast)
{
    uint16_t limit = l->state == PP_HDLC_NDM ? l->cfg.max_info_rx : l->max_info_rx;
    if (f->info_len > limit || f->info == NULL) {
        if (l->state == PP_HDLC_NRM && !broadcast && f->info_len > limit) {
            frame_reject(l, r, f->control, PP_HDLC_FRMR_Y);
        }
        return;
    }
    if (f->segmented) {
        l->stats.malformed++; /* segmented UI: not supported, dropped */
    } else {
        deliver(l, f->info, f->info_len, r->client, f->dst.upper, true, broadcast);
    }
    if (pf && !broadcast) {
        answer_poll(l, r);
    }
}

/* A command from the connected client while in NRM. */
static void on_nrm_command(pp_hdlc_link_t *l, reply_ctx_t *r, const pp_hdlc_frame_t *f,
                           pp_hdlc_type_t type, bool pf)
{
    uint8_t c = f->control;
    switch (type) {
    case PP_HDLC_RR:
    case PP_HDLC_RNR:
        if (f->info_len) {
            frame_reject(l, r, c, PP_HDLC_FRMR_W | PP_HDLC_FRMR_X);
        } else if (!nr_valid(l, pp_hdlc_control_nr(c))) {
            frame_reject(l, r, c, PP_HDLC_FRMR_Z);
        } else {
            acknowledge(l, pp_hdlc_control_nr(c));
            l->client_busy = type == PP_HDLC_RNR;
            if (pf) {
                answer_poll(l, r);
            }
        }
        return;
    case PP_HDLC_I:
        if (f->info_len > l->max_info_rx || (f->info == NULL && f->info_len)) {
            frame_reject(l, r, c, PP_HDLC_FRMR_Y);
        } else if (!nr_valid(l, pp_hdlc_control_nr(c))) {
            frame_reject(l, r, c, PP_HDLC_FRMR_Z);
        } else {
            acknowledge(l, pp_hdlc_control_nr(c));
            l->client_busy = false;
            on_i_frame(l, r, f, pf);
        }
        return;
    default: /* UA, DM, FRMR are responses; REJ, SREJ and others undefined */
        frame_reject(l, r, c, PP_HDLC_FRMR_W);
        return;
    }
}

/* Returns false when the frame is not for this station. */
static bool addressed_to_us(const pp_hdlc_link_t *l, const pp_hdlc_frame_t *f, bool *broadcast)
{
    const pp_hdlc_addr_t *d = &f->dst;
    if (f->src.len != 1 || f->src.upper == PP_HDLC_ADDR_NO_STATION ||
        f->src.upper == PP_HDLC_ADDR_ALL_7) {
        return false; /* a client address is one byte and names one client */
    }
    *broadcast = is_all_station(d->upper, d->len);
    if (!*broadcast && d->upper != l->cfg.server_upper) {
        return false;
    }
    if (d->len == 1) {
        return true; /* no physical address: point to point */
    }
    return d->lower == l->cfg.server_lower || is_all_station(d->lower, d->len);
}

static void on_frame(pp_hdlc_link_t *l, const pp_hdlc_frame_t *f, uint64_t now_ms, reply_ctx_t *r)
{
    bool broadcast = false;
    if (!addressed_to_us(l, f, &broadcast)) {
        l->stats.misaddressed++;
        return;
    }
    pp_hdlc_type_t type = pp_hdlc_control_type(f->control);
    bool pf = pp_hdlc_control_pf(f->control);
    r->server = f->dst;
    r->client = (uint8_t)f->src.upper;
    l->stats.frames_ok++;
    if (broadcast) { /* only unnumbered information to all stations; never answered */
        if (type == PP_HDLC_UI) {
            on_ui(l, r, f, false, true);
        }
        return;
    }
    if (l->state != PP_HDLC_NDM && r->client != l->client) {
        /* another client: for that address pair the link is disconnected */
        if (type == PP_HDLC_UI && f->info && f->info_len <= l->cfg.max_info_rx && !f->segmented) {
            deliver(l, f->info, f->info_len, r->client, f->dst.upper, true, false);
        }
        if (pf) {
            send_dm(l, r);
        }
        return;
    }
    if (l->state != PP_HDLC_NDM) {
        l->last_rx_ms = now_ms;
        l->server_addr = f->dst;
    }
    if (type == PP_HDLC_SNRM) {
        on_snrm(l, r, f, pf, now_ms);
        if (l->state == PP_HDLC_NRM) {
            l->server_addr = f->dst;
        }
    } else if (type == PP_HDLC_UI) {
        on_ui(l, r, f, pf, false);
    } else if (l->state == PP_HDLC_NDM) {
        if (type == PP_HDLC_DISC) {
            on_disc(l, r, pf);
        } else if (pf) {
            send_dm(l, r);
        }
    } else if (type == PP_HDLC_DISC) {
        if (f->info_len && l->state == PP_HDLC_NRM) {
            frame_reject(l, r, f->control, PP_HDLC_FRMR_W | PP_HDLC_FRMR_X);
        } else {
            on_disc(l, r, pf);
        }
    } else if (l->state == PP_HDLC_FRMR_COND) {
        if (pf) {
            send_frmr(l, r);
        }
    } else {
        on_nrm_command(l, r, f, type, pf);
    }
}

static void on_rx(pp_hdlc_link_t *l, const pp_hdlc_rx_t *rx, uint64_t now_ms, reply_ctx_t *r)
{
    pp_hdlc_frame_t f;
    if (l->cb.received) {
        l->cb.received(l->user, rx->frame, rx->len);
    }
    if (!rx->fcs_ok) {
        l->stats.bad_crc++;
        return;
    }
    pp_err_t rc = rx->oversize ? pp_hdlc_header_decode(rx->frame, rx->len, &f)
                               : pp_hdlc_frame_decode(rx->frame, rx->len, &f);
    if (rc == PP_ERR_CRC) {
        l->stats.bad_crc++;
        return;
    }
    if (rc != PP_OK) {
        l->stats.malformed++;
        return;
    }
    on_frame(l, &f, now_ms, r);
}

void pp_hdlc_link_poll(pp_hdlc_link_t *l, uint64_t now_ms)
{
    if (l->state != PP_HDLC_NDM && l->cfg.inactivity_ms &&
        now_ms - l->last_rx_ms >= l->cfg.inactivity_ms) {
        l->state = PP_HDLC_NDM;
        clear_transfer(l);
        l->stats.timeouts++;
        raise_event(l, PP_HDLC_EV_TIMEOUT);
    }
}

pp_err_t pp_hdlc_link_feed(pp_hdlc_link_t *l, const uint8_t *data, size_t n, uint64_t now_ms)
{
    PP_VERIFY(l != NULL && (n == 0 || data != NULL), PP_ERR_ARG);
    pp_hdlc_link_poll(l, now_ms);
    reply_ctx_t r = {.server = l->server_addr, .client = l->client, .err = PP_OK};
    while (n > 0) {
        pp_hdlc_rx_t rx;
        bool got;
        uint32_t dropped = l->framer.dropped;
        size_t used = pp_hdlc_framer_feed(&l->framer, data, n, now_ms, &rx, &got);
        l->stats.malformed += l->framer.dropped - dropped;
        data += used;
        n -= used;
        if (got) {
            on_rx(l, &rx, now_ms, &r);
        }
    }
    return r.err;
}
