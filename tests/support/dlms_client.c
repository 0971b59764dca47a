/* Blocking DLMS/COSEM client (see dlms_client.h). One request outstanding
 * at a time; every answer is checked for addresses, sequence numbers,
 * invoke-id, tags and exact lengths before it is believed. */
#include "dlms_client.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/time.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "host_crypto.h"

#define TAG_LEN 12u
#define SC_AUTH_ENC 0x30u
#define SC_AUTH 0x10u

static const uint8_t ASSOCIATION_LN[6] = {0, 0, 40, 0, 0, 255};
static const uint8_t CLOCK_LN[6] = {0, 1, 1, 0, 0, 255};

static int fail(pp_dc_t *c, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(pp_dc_t *c, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, sizeof c->err, fmt, ap);
    va_end(ap);
    return rc;
}

const char *pp_dc_error(const pp_dc_t *c)
{
    return c->err[0] ? c->err : "no error";
}

void pp_dc_config_default(pp_dc_config_t *cfg)
{
    static const uint8_t guek[16] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                     0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F};
    static const uint8_t gak[16] = {0xD0, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7,
                                    0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF};
    static const uint8_t title[8] = {'P', 'P', 'C', 0, 0, 0, 0, 1};
    memset(cfg, 0, sizeof *cfg);
    cfg->transport = PP_DC_WRAPPER;
    cfg->client_sap = 16;
    cfg->server_logical = 1;
    cfg->server_physical = 16;
    cfg->hdlc_addr_len = 4;
    cfg->hdlc_snrm_params = true;
    cfg->hdlc_max_info = 1024;
    cfg->mechanism = PP_ACSE_MECH_NONE;
    cfg->password = "12345678";
    memcpy(cfg->system_title, title, 8);
    memcpy(cfg->guek, guek, 16);
    memcpy(cfg->gak, gak, 16);
    cfg->invocation_counter = 1;
    cfg->hls_challenge_len = 16;
    cfg->conformance = PP_CONF_BLOCK_TRANSFER_GET | PP_CONF_BLOCK_TRANSFER_SET |
                       PP_CONF_BLOCK_TRANSFER_ACTION | PP_CONF_MULTIPLE_REFERENCES |
                       PP_CONF_GET | PP_CONF_SET | PP_CONF_SELECTIVE_ACCESS | PP_CONF_ACTION |
                       PP_CONF_ATTRIBUTE0_GET | PP_CONF_PRIORITY_MGMT;
    cfg->max_pdu = PP_DC_MAX_APDU;
    cfg->timeout_ms = 5000;
}

/* ------------------------------------------------------------ names -- */

static const char *acse_diag_name(unsigned source, unsigned diag)
{
    static const char *const user[] = {
        "null", "no-reason-given", "application-context-name-not-supported",
        "calling-AP-title-not-recognized", "calling-AP-invocation-identifier-not-recognized",
        "calling-AE-qualifier-not-recognized", "calling-AE-invocation-identifier-not-recognized",
        "called-AP-title-not-recognized", "called-AP-invocation-identifier-not-recognized",
        "called-AE-qualifier-not-recognized", "called-AE-invocation-identifier-not-recognized",
        "authentication-mechanism-name-not-recognised", "authentication-mechanism-name-required",
        "authentication-failure", "authentication-required"};
    static const char *const provider[] = {"null", "no-reason-given", "no-common-acse-version"};
    if (source == PP_ACSE_DIAG_USER && diag < sizeof user / sizeof user[0]) {
        return user[diag];
    }
    if (source == PP_ACSE_DIAG_PROVIDER && diag < sizeof provider / sizeof provider[0]) {
        return provider[diag];
    }
    return "unknown diagnostic";
}

/* ExceptionResponse or ConfirmedServiceError where a response was due. */
static int service_failure(pp_dc_t *c, const char *what)
{
    if (c->resp_len > 0 && c->resp[0] == PP_APDU_EXCEPTION_RESPONSE) {
        pp_xdlms_exception_t e;
        if (pp_xdlms_exception_decode(c->resp, c->resp_len, &e) == PP_OK) {
            return fail(c, PP_ERR_DENIED,
                        "%s: exception-response state-error %u service-error %u%s", what,
                        e.state_error, e.service_error,
                        e.service_error == PP_EXC_SERVICE_DECIPHERING_ERROR ? " (deciphering)"
                        : e.service_error == PP_EXC_SERVICE_INVOCATION_COUNTER_ERROR
                            ? " (invocation counter)" : "");
        }
    }
    if (c->resp_len > 0 && c->resp[0] == PP_APDU_CONFIRMED_SERVICE_ERROR) {
        pp_xdlms_cse_t e;
        if (pp_xdlms_cse_decode(c->resp, c->resp_len, &e) == PP_OK) {
            return fail(c, PP_ERR_DENIED, "%s: confirmed-service-error service %u error %u/%u",
                        what, e.service, e.error, e.value);
        }
    }
    return 1; /* not one of these */
}

/* ---------------------------------------------------------- transport -- */

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int send_all(pp_dc_t *c, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return fail(c, PP_ERR_PORT, "send: %s", w < 0 ? strerror(errno) : "nothing written");
        }
        p += w;
        n -= (size_t)w;
        c->bytes_sent += (uint64_t)w;
    }
    return PP_OK;
}

/* Reads whatever arrives before the deadline into c->rx. The socket has a
 * receive timeout (SO_RCVTIMEO), so one blocking recv() per answer does
 * what poll() + recv() would, with one system call less per request. */
static int recv_more(pp_dc_t *c, uint64_t deadline)
{
    if (c->rx_len == sizeof c->rx) {
        return fail(c, PP_ERR_NOSPACE, "receive buffer full without a complete frame");
    }
    for (;;) {
        if (now_ms() >= deadline) {
            return fail(c, PP_ERR_TIMEOUT, "no answer from the meter within %d ms",
                        c->cfg.timeout_ms);
        }
        size_t room = sizeof c->rx - c->rx_len;
        if (c->cfg.recv_chunk && room > c->cfg.recv_chunk) {
            room = c->cfg.recv_chunk;
        }
        ssize_t r = recv(c->fd, c->rx + c->rx_len, room, 0);
        if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) {
            continue;
        }
        if (r < 0) {
            return fail(c, PP_ERR_PORT, "recv: %s", strerror(errno));
        }
        if (r == 0) {
            return fail(c, PP_ERR_PORT, "connection closed by the meter");
        }
        c->rx_len += (size_t)r;
        c->bytes_received += (uint64_t)r;
        return PP_OK;
    }
}

static void rx_consume(pp_dc_t *c, size_t n)
{
    memmove(c->rx, c->rx + n, c->rx_len - n);
    c->rx_len -= n;
}

/* ------------------------------------------------------------ wrapper -- */

static int wrapper_send(pp_dc_t *c, const uint8_t *apdu, size_t len)
{
    uint8_t buf[PP_DC_MAX_APDU + 64 + PP_WRAPPER_HEADER_LEN];
    int n = pp_wrapper_encode(c->cfg.client_sap, c->cfg.server_logical, apdu, len, buf,
                              sizeof buf);
    if (n < 0) {
        return fail(c, n, "wrapper: request of %zu bytes: %s", len, pp_strerror(n));
    }
    return send_all(c, buf, (size_t)n);
}

/* The APDU stays in the framer's buffer (*out points there) until the next feed. */
static int wrapper_recv(pp_dc_t *c, const uint8_t **out, size_t *out_len)
{
    uint64_t deadline = now_ms() + (uint64_t)c->cfg.timeout_ms;
    for (;;) {
        if (c->rx_len > 0) {
            pp_wrapper_apdu_t a;
            bool got = false;
            int used = pp_wrapper_framer_feed(&c->wframer, c->rx, c->rx_len, &a, &got);
            if (used < 0) {
                return fail(c, used, "wrapper: unacceptable header from the meter: %s",
                            pp_strerror(used));
            }
            rx_consume(c, (size_t)used);
            if (got) {
                if (a.src != c->cfg.server_logical || a.dst != c->cfg.client_sap) {
                    return fail(c, PP_ERR_MALFORMED,
                                "wrapper: answer from wPort %u to wPort %u, expected %u to %u",
                                a.src, a.dst, c->cfg.server_logical, c->cfg.client_sap);
                }
                *out = a.data;
                *out_len = a.len;
                return PP_OK;
            }
            continue;
        }
        PP_TRY(recv_more(c, deadline));
    }
}

/* --------------------------------------------------------------- HDLC -- */

static int hdlc_send(pp_dc_t *c, uint8_t control, bool segmented, const uint8_t *info,
                     size_t len)
{
    uint8_t buf[PP_HDLC_FRAME_BUF_SIZE(PP_HDLC_INFO_MAX)];
    pp_hdlc_frame_t f = {
        .dst = {c->cfg.server_logical, c->cfg.server_physical, c->cfg.hdlc_addr_len},
        .src = {c->cfg.client_sap, 0, 1},
        .control = control, .segmented = segmented, .info = info, .info_len = len};
    int n = pp_hdlc_frame_encode(&f, buf, sizeof buf);
    if (n < 0) {
        return fail(c, n, "HDLC: cannot encode a frame: %s", pp_strerror(n));
    }
    return send_all(c, buf, (size_t)n);
}

/* The next frame for us; f->info points into c->hframe_buf until the next
 * call. */
static int hdlc_recv(pp_dc_t *c, pp_hdlc_frame_t *f)
{
    uint64_t deadline = now_ms() + (uint64_t)c->cfg.timeout_ms;
    for (;;) {
        while (c->rx_len > 0) {
            pp_hdlc_rx_t rx;
            bool got = false;
            size_t used = pp_hdlc_framer_feed(&c->hframer, c->rx, c->rx_len, now_ms(), &rx, &got);
            rx_consume(c, used);
            if (!got) {
                continue;
            }
            if (rx.oversize) {
                return fail(c, PP_ERR_NOSPACE, "HDLC: frame of %zu bytes from the meter",
                            rx.wire_len);
            }
            pp_err_t rc = pp_hdlc_frame_decode(rx.frame, rx.len, f);
            if (rc != PP_OK) {
                return fail(c, rc, "HDLC: bad frame from the meter (%s)", pp_strerror(rc));
            }
            if (f->dst.len != 1 || f->dst.upper != c->cfg.client_sap ||
                f->src.upper != c->cfg.server_logical || f->src.len != c->cfg.hdlc_addr_len ||
                (f->src.len > 1 && f->src.lower != c->cfg.server_physical)) {
                return fail(c, PP_ERR_MALFORMED,
                            "HDLC: frame from %u/%u (%u bytes) to %u, expected from %u/%u to %u",
                            f->src.upper, f->src.lower, f->src.len, f->dst.upper,
                            c->cfg.server_logical, c->cfg.server_physical, c->cfg.client_sap);
            }
            return PP_OK;
        }
        PP_TRY(recv_more(c, deadline));
    }
}

static const char *hdlc_type_name(pp_hdlc_type_t t)
{
    static const char *const names[] = {"I", "RR", "RNR", "SNRM", "DISC",
                                        "UA", "DM", "FRMR", "UI", "undefined"};
    return names[t];
}

static int hdlc_unexpected(pp_dc_t *c, const pp_hdlc_frame_t *f, const char *want)
{
    pp_hdlc_type_t t = pp_hdlc_control_type(f->control);
    if (t == PP_HDLC_FRMR && f->info_len == PP_HDLC_FRMR_INFO_LEN) {
        return fail(c, PP_ERR_STATE, "HDLC: meter sent FRMR %02X %02X %02X where %s was due",
                    f->info[0], f->info[1], f->info[2], want);
    }
    return fail(c, PP_ERR_STATE, "HDLC: meter sent %s (control %02X) where %s was due",
                hdlc_type_name(t), f->control, want);
}

static int hdlc_connect(pp_dc_t *c)
{
    uint8_t info[32];
    int n = 0;
    if (c->cfg.hdlc_snrm_params) {
        pp_hdlc_params_t p = {c->cfg.hdlc_max_info, c->cfg.hdlc_max_info, 1, 1};
        n = pp_hdlc_params_encode(&p, info, sizeof info);
        if (n < 0) {
            return fail(c, n, "HDLC: SNRM parameters: %s", pp_strerror(n));
        }
    }
    PP_TRY(hdlc_send(c, PP_HDLC_CTRL_SNRM | PP_HDLC_PF, false, info, (size_t)n));
    pp_hdlc_frame_t f;
    PP_TRY(hdlc_recv(c, &f));
    if (pp_hdlc_control_type(f.control) == PP_HDLC_DM) {
        return fail(c, PP_ERR_DENIED, "HDLC: meter answered SNRM with DM (connection refused)");
    }
    if (pp_hdlc_control_type(f.control) != PP_HDLC_UA) {
        return hdlc_unexpected(c, &f, "UA");
    }
    pp_hdlc_params_t p;
    pp_err_t rc = pp_hdlc_params_decode(f.info, f.info_len, &p);
    if (rc != PP_OK) {
        return fail(c, rc, "HDLC: UA parameters malformed");
    }
    /* UA values are the meter's view: its receive length is our transmit. */
    c->hdlc_tx_info = (uint16_t)(p.max_info_rx < PP_HDLC_INFO_MAX ? p.max_info_rx : PP_HDLC_INFO_MAX);
    c->hdlc_rx_info = (uint16_t)(p.max_info_tx < PP_HDLC_INFO_MAX ? p.max_info_tx : PP_HDLC_INFO_MAX);
    if (c->hdlc_tx_info < 1) {
        return fail(c, PP_ERR_RANGE, "HDLC: UA offers a receive length of 0");
    }
    c->vs = c->vr = 0;
    return PP_OK;
}

static int hdlc_send_sdu(pp_dc_t *c, const uint8_t *apdu, size_t len)
{
    uint8_t sdu[PP_DC_MAX_APDU + 64 + PP_HDLC_LLC_LEN];
    if (len + PP_HDLC_LLC_LEN > sizeof sdu) {
        return fail(c, PP_ERR_NOSPACE, "HDLC: request of %zu bytes", len);
    }
    sdu[0] = PP_HDLC_LSAP;
    sdu[1] = PP_HDLC_LSAP;
    sdu[2] = 0;
    memcpy(sdu + 3, apdu, len);
    len += PP_HDLC_LLC_LEN;
    for (size_t off = 0; off < len;) {
        size_t chunk = len - off < c->hdlc_tx_info ? len - off : c->hdlc_tx_info;
        bool more = off + chunk < len;
        PP_TRY(hdlc_send(c, pp_hdlc_control_i(c->vs, c->vr, true), more, sdu + off, chunk));
        c->vs = (uint8_t)((c->vs + 1) & 7u);
        off += chunk;
        if (more) { /* window 1: the meter acknowledges each segment with RR */
            pp_hdlc_frame_t f;
            PP_TRY(hdlc_recv(c, &f));
            if (pp_hdlc_control_type(f.control) != PP_HDLC_RR) {
                return hdlc_unexpected(c, &f, "RR after a request segment");
            }
            if (pp_hdlc_control_nr(f.control) != c->vs) {
                return fail(c, PP_ERR_STATE, "HDLC: RR N(R)=%u after our segment N(S)=%u",
                            pp_hdlc_control_nr(f.control), (c->vs + 7u) & 7u);
            }
        }
    }
    return PP_OK;
}

static int hdlc_recv_sdu(pp_dc_t *c, uint8_t *out, size_t cap, size_t *out_len)
{
    size_t got = 0;
    for (;;) {
        pp_hdlc_frame_t f;
        PP_TRY(hdlc_recv(c, &f));
        if (pp_hdlc_control_type(f.control) != PP_HDLC_I) {
            return hdlc_unexpected(c, &f, "an I frame");
        }
        if (pp_hdlc_control_ns(f.control) != c->vr) {
            return fail(c, PP_ERR_STATE, "HDLC: I frame N(S)=%u, expected %u",
                        pp_hdlc_control_ns(f.control), c->vr);
        }
        if (pp_hdlc_control_nr(f.control) != c->vs) {
            return fail(c, PP_ERR_STATE, "HDLC: I frame N(R)=%u does not acknowledge N(S)=%u",
                        pp_hdlc_control_nr(f.control), (c->vs + 7u) & 7u);
        }
        c->vr = (uint8_t)((c->vr + 1) & 7u);
        if (got + f.info_len > cap) {
            return fail(c, PP_ERR_NOSPACE, "HDLC: response longer than %zu bytes", cap);
        }
        memcpy(out + got, f.info, f.info_len);
        got += f.info_len;
        if (!f.segmented) {
            break;
        }
        PP_TRY(hdlc_send(c, pp_hdlc_control_s(PP_HDLC_RR, c->vr, true), false, NULL, 0));
    }
    if (got < PP_HDLC_LLC_LEN || out[0] != PP_HDLC_LSAP || out[1] != PP_HDLC_LSAP_RESPONSE ||
        out[2] != 0) {
        return fail(c, PP_ERR_MALFORMED, "HDLC: response without LLC header E6 E7 00");
    }
    memmove(out, out + PP_HDLC_LLC_LEN, got - PP_HDLC_LLC_LEN);
    *out_len = got - PP_HDLC_LLC_LEN;
    return PP_OK;
}

/* ---------------------------------------------------------- ciphering -- */

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* GMAC tag over SC || AK || extra (suite 0 authentication only). */
static int gmac(pp_dc_t *c, const uint8_t title[8], uint8_t sc, uint32_t ic, const uint8_t *extra,
                size_t extra_len, uint8_t tag[TAG_LEN])
{
    uint8_t iv[12], aad[1 + 16 + 64 + PP_DC_MAX_APDU];
    if (extra_len > sizeof aad - 17) {
        return fail(c, PP_ERR_NOSPACE, "GMAC input too long");
    }
    memcpy(iv, title, 8);
    put_be32(iv + 8, ic);
    aad[0] = sc;
    memcpy(aad + 1, c->cfg.gak, 16);
    if (extra_len) {
        memcpy(aad + 17, extra, extra_len);
    }
    uint8_t none = 0;
    pp_err_t rc = pp_host_gcm_encrypt(NULL, c->cfg.guek, iv, aad, 17 + extra_len, &none, 0,
                                      &none, tag, TAG_LEN);
    return rc == PP_OK ? PP_OK : fail(c, rc, "GMAC failed");
}

/* plain (tag t) -> glo-ciphered APDU with tag gtag in out. */
static int cipher_apdu(pp_dc_t *c, uint8_t gtag, const uint8_t *plain, size_t len, uint8_t *out,
                       size_t cap, size_t *out_len)
{
    pp_axdr_wr_t wr;
    pp_axdr_wr_init(&wr, out, cap);
    uint32_t ic = c->ic++;
    pp_err_t rc = pp_xdlms_cipher_put_header(&wr, gtag, NULL, 0, SC_AUTH_ENC, ic,
                                             (uint32_t)(len + TAG_LEN));
    if (rc != PP_OK || wr.pos + len + TAG_LEN > cap) {
        return fail(c, PP_ERR_NOSPACE, "ciphered request of %zu bytes does not fit", len);
    }
    uint8_t iv[12], aad[17];
    memcpy(iv, c->cfg.system_title, 8);
    put_be32(iv + 8, ic);
    aad[0] = SC_AUTH_ENC;
    memcpy(aad + 1, c->cfg.gak, 16);
    rc = pp_host_gcm_encrypt(NULL, c->cfg.guek, iv, aad, sizeof aad, plain, len, out + wr.pos,
                             out + wr.pos + len, TAG_LEN);
    if (rc != PP_OK) {
        return fail(c, rc, "AES-GCM encryption failed");
    }
    *out_len = wr.pos + len + TAG_LEN;
    return PP_OK;
}

/* glo-ciphered APDU from the meter -> plain in out. */
static int decipher_apdu(pp_dc_t *c, const uint8_t *apdu, size_t len, uint8_t *out, size_t cap,
                         size_t *out_len)
{
    pp_xdlms_cipher_hdr_t h;
    pp_err_t rc = pp_xdlms_cipher_parse(apdu, len, &h);
    if (rc != PP_OK) {
        return fail(c, rc, "ciphered APDU %02X: %s", apdu[0], pp_strerror(rc));
    }
    if (!c->has_server_title) {
        return fail(c, PP_ERR_STATE, "ciphered APDU but the meter sent no system title");
    }
    if (PP_SC_SUITE(h.sc) != 0 || (h.sc & (PP_SC_BROADCAST_KEY | PP_SC_COMPRESSED))) {
        return fail(c, PP_ERR_UNSUPPORTED, "security control %02X not suite 0 unicast", h.sc);
    }
    if (h.payload_len < TAG_LEN || h.payload_len - TAG_LEN > cap) {
        return fail(c, PP_ERR_MALFORMED, "ciphered APDU with %u payload bytes", h.payload_len);
    }
    if (c->server_ic != 0 && h.ic <= c->server_ic) {
        return fail(c, PP_ERR_REPLAY, "meter's invocation counter %u not above %u", h.ic,
                    c->server_ic);
    }
    size_t n = h.payload_len - TAG_LEN;
    uint8_t iv[12], aad[17];
    memcpy(iv, c->server_title, 8);
    put_be32(iv + 8, h.ic);
    aad[0] = h.sc;
    memcpy(aad + 1, c->cfg.gak, 16);
    if ((h.sc & 0xF0u) == SC_AUTH_ENC) {
        rc = pp_host_gcm_decrypt(NULL, c->cfg.guek, iv, aad, sizeof aad, h.payload, n, out,
                                 h.payload + n, TAG_LEN);
    } else if ((h.sc & 0xF0u) == SC_AUTH) {
        uint8_t tag[TAG_LEN];
        PP_TRY(gmac(c, c->server_title, h.sc, h.ic, h.payload, n, tag));
        rc = memcmp(tag, h.payload + n, TAG_LEN) ? PP_ERR_AUTH : PP_OK;
        memcpy(out, h.payload, n);
    } else {
        return fail(c, PP_ERR_UNSUPPORTED, "security control %02X (we need authentication)",
                    h.sc);
    }
    if (rc != PP_OK) {
        return fail(c, PP_ERR_AUTH, "ciphered APDU %02X IC %u: tag does not verify", apdu[0],
                    h.ic);
    }
    c->server_ic = h.ic;
    *out_len = n;
    return PP_OK;
}

static uint8_t glo_tag(uint8_t tag)
{
    switch (tag) {
    case PP_APDU_GET_REQUEST: return PP_APDU_GLO_GET_REQUEST;
    case PP_APDU_SET_REQUEST: return PP_APDU_GLO_SET_REQUEST;
    case PP_APDU_ACTION_REQUEST: return PP_APDU_GLO_ACTION_REQUEST;
    default: return 0;
    }
}

/* ----------------------------------------------------------- exchange -- */

static int transact(pp_dc_t *c, const uint8_t *apdu, size_t len)
{
    c->requests++;
    if (c->cfg.transport == PP_DC_HDLC) {
        PP_TRY(hdlc_send_sdu(c, apdu, len));
        c->resp = c->hdlc_sdu;
        return hdlc_recv_sdu(c, c->hdlc_sdu, sizeof c->hdlc_sdu, &c->resp_len);
    }
    PP_TRY(wrapper_send(c, apdu, len));
    return wrapper_recv(c, &c->resp, &c->resp_len);
}

int pp_dc_exchange(pp_dc_t *c, const uint8_t *apdu, size_t len)
{
    if (c->fd < 0) {
        return fail(c, PP_ERR_STATE, "not connected");
    }
    if (!(c->associated && c->cfg.ciphered) || !glo_tag(apdu[0])) {
        return transact(c, apdu, len);
    }
    uint8_t ciphered[sizeof c->req];
    size_t clen;
    PP_TRY(cipher_apdu(c, glo_tag(apdu[0]), apdu, len, ciphered, sizeof ciphered, &clen));
    PP_TRY(transact(c, ciphered, clen));
    if (c->resp_len == 0 || !pp_xdlms_is_ciphered_tag(c->resp[0])) {
        return PP_OK; /* e.g. an exception-response: the caller reports it */
    }
    size_t n;
    PP_TRY(decipher_apdu(c, c->resp, c->resp_len, c->plain, sizeof c->plain, &n));
    c->resp = c->plain;
    c->resp_len = n;
    return PP_OK;
}

/* ------------------------------------------------------------- connect -- */

static void init_state(pp_dc_t *c, const pp_dc_config_t *cfg, int fd)
{
    memset(c, 0, offsetof(pp_dc_t, rx));
    c->cfg = *cfg;
    c->fd = fd;
    c->rx_len = 0;
    c->resp = c->hdlc_sdu;
    c->resp_len = 0;
    c->ic = cfg->invocation_counter;
    c->hdlc_tx_info = c->hdlc_rx_info = PP_HDLC_DEFAULT_INFO;
    pp_hdlc_framer_init(&c->hframer, c->hframe_buf, sizeof c->hframe_buf, 0);
    pp_wrapper_framer_init(&c->wframer, c->wbuf, sizeof c->wbuf);
}

int pp_dc_attach(pp_dc_t *c, const pp_dc_config_t *cfg, int fd)
{
    init_state(c, cfg, fd);
    /* a short receive timeout; recv_more() keeps the real deadline */
    int slice = cfg->timeout_ms < 100 ? cfg->timeout_ms : 100;
    struct timeval tv = {.tv_sec = slice / 1000, .tv_usec = (slice % 1000) * 1000};
    if (slice <= 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0) {
        return fail(c, PP_ERR_ARG, "timeout %d ms: %s", cfg->timeout_ms,
                    slice <= 0 ? "must be positive" : strerror(errno));
    }
    if (cfg->transport == PP_DC_HDLC) {
        if (cfg->hdlc_addr_len != 1 && cfg->hdlc_addr_len != 2 && cfg->hdlc_addr_len != 4) {
            return fail(c, PP_ERR_ARG, "HDLC server address length %u (1, 2 or 4)",
                        cfg->hdlc_addr_len);
        }
        return hdlc_connect(c);
    }
    return PP_OK;
}

int pp_dc_connect(pp_dc_t *c, const pp_dc_config_t *cfg, const char *host, uint16_t port)
{
    c->fd = -1;
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res = NULL;
    char service[8];
    snprintf(service, sizeof service, "%u", port);
    int g = getaddrinfo(host, service, &hints, &res);
    if (g != 0) {
        return fail(c, PP_ERR_PORT, "%s: %s", host, gai_strerror(g));
    }
    int fd = socket(res->ai_family, res->ai_socktype, 0);
    if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) < 0) {
        int e = errno;
        freeaddrinfo(res);
        if (fd >= 0) {
            close(fd);
        }
        return fail(c, PP_ERR_PORT, "connect %s:%u: %s", host, port, strerror(e));
    }
    freeaddrinfo(res);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int rc = pp_dc_attach(c, cfg, fd);
    if (rc != PP_OK) {
        char keep[sizeof c->err];
        memcpy(keep, c->err, sizeof keep);
        pp_dc_close(c);
        memcpy(c->err, keep, sizeof keep);
    }
    return rc;
}

void pp_dc_close(pp_dc_t *c)
{
    if (c->fd >= 0) {
        close(c->fd);
    }
    c->fd = -1;
    c->associated = false;
}

/* ---------------------------------------------------------- association -- */

static int build_initiate(pp_dc_t *c, uint8_t *out, size_t cap, size_t *out_len)
{
    pp_xdlms_initiate_req_t ir = {
        .dedicated_key = c->cfg.dedicated_key, .dedicated_key_len = c->cfg.dedicated_key ? 16 : 0,
        .response_allowed = true, .dlms_version = PP_XDLMS_DLMS_VERSION,
        .conformance = c->cfg.conformance, .max_pdu = c->cfg.max_pdu};
    uint8_t plain[64];
    int n = pp_xdlms_initiate_req_encode(&ir, plain, sizeof plain);
    if (n < 0) {
        return fail(c, n, "InitiateRequest: %s", pp_strerror(n));
    }
    if (!c->cfg.ciphered) {
        memcpy(out, plain, (size_t)n);
        *out_len = (size_t)n;
        return PP_OK;
    }
    return cipher_apdu(c, PP_APDU_GLO_INITIATE_REQUEST, plain, (size_t)n, out, cap, out_len);
}

static int read_initiate_response(pp_dc_t *c, const pp_acse_aare_t *aare)
{
    const uint8_t *ui = aare->user_info.ptr;
    size_t len = aare->user_info.len;
    if (!ui || len == 0) {
        return fail(c, PP_ERR_MALFORMED, "AARE without user-information");
    }
    if (ui[0] == PP_APDU_GLO_INITIATE_RESPONSE || ui[0] == PP_APDU_GLO_CONFIRMED_SERVICE_ERROR) {
        PP_TRY(decipher_apdu(c, ui, len, c->plain, sizeof c->plain, &len));
        ui = c->plain;
    } else if (c->cfg.ciphered && ui[0] != PP_APDU_CONFIRMED_SERVICE_ERROR) {
        return fail(c, PP_ERR_MALFORMED, "AARE user-information %02X not ciphered", ui[0]);
    }
    if (ui[0] == PP_APDU_CONFIRMED_SERVICE_ERROR) {
        pp_xdlms_cse_t e;
        if (pp_xdlms_cse_decode(ui, len, &e) != PP_OK) {
            return fail(c, PP_ERR_MALFORMED, "AARE: malformed ConfirmedServiceError");
        }
        return fail(c, PP_ERR_DENIED, "AARE: initiate refused, service error %u/%u%s", e.error,
                    e.value, e.value == PP_INIT_ERR_PDU_SIZE_TOO_SHORT ? " (PDU size too short)"
                    : e.value == PP_INIT_ERR_INCOMPATIBLE_CONFORMANCE ? " (incompatible conformance)"
                    : e.value == PP_INIT_ERR_DLMS_VERSION_TOO_LOW ? " (DLMS version too low)" : "");
    }
    pp_xdlms_initiate_resp_t ir;
    pp_err_t rc = pp_xdlms_initiate_resp_decode(ui, len, &ir);
    if (rc != PP_OK) {
        return fail(c, rc, "AARE: InitiateResponse: %s", pp_strerror(rc));
    }
    if (ir.dlms_version != PP_XDLMS_DLMS_VERSION || ir.vaa_name != PP_XDLMS_VAA_NAME_LN) {
        return fail(c, PP_ERR_MALFORMED, "InitiateResponse: DLMS version %u, VAA name %u",
                    ir.dlms_version, ir.vaa_name);
    }
    c->conformance = ir.conformance;
    c->server_max_pdu = ir.max_pdu;
    return PP_OK;
}

static int hls_reply(pp_dc_t *c)
{
    /* f(StoC) = SC || IC || GMAC(SC || AK || StoC), IV = our title || IC */
    uint8_t params[2 + 5 + TAG_LEN];
    params[0] = PP_DT_OCTET_STRING;
    params[1] = 5 + TAG_LEN;
    params[2] = SC_AUTH;
    uint32_t ic = c->ic++;
    put_be32(params + 3, ic);
    PP_TRY(gmac(c, c->cfg.system_title, SC_AUTH, ic, c->stoc, c->stoc_len, params + 7));
    uint8_t ret[64];
    size_t ret_len = 0;
    c->associated = true; /* the reply travels ciphered in a ciphered context */
    int rc = pp_dc_action(c, 15, ASSOCIATION_LN, 1, params, sizeof params, ret, sizeof ret,
                          &ret_len);
    c->associated = false;
    if (rc != PP_OK) {
        char why[sizeof c->err];
        memcpy(why, c->err, sizeof why);
        return fail(c, rc > 0 ? PP_ERR_AUTH : rc, "HLS: meter refused f(StoC): %s", why);
    }
    /* f(CtoS) from the meter: octet-string SC || IC || tag */
    if (ret_len != 2 + 5 + TAG_LEN || ret[0] != PP_DT_OCTET_STRING || ret[1] != 5 + TAG_LEN ||
        ret[2] != SC_AUTH) {
        return fail(c, PP_ERR_MALFORMED, "HLS: meter's f(CtoS) is not octet-string(10 IC tag)");
    }
    if (!c->has_server_title) {
        return fail(c, PP_ERR_MALFORMED, "HLS: AARE carried no responding-AP-title");
    }
    uint32_t sic = (uint32_t)ret[3] << 24 | (uint32_t)ret[4] << 16 | (uint32_t)ret[5] << 8 | ret[6];
    uint8_t tag[TAG_LEN];
    PP_TRY(gmac(c, c->server_title, SC_AUTH, sic, c->ctos, c->cfg.hls_challenge_len, tag));
    if (memcmp(tag, ret + 7, TAG_LEN) != 0) {
        return fail(c, PP_ERR_AUTH, "HLS: meter's f(CtoS) does not verify (wrong keys?)");
    }
    return PP_OK;
}

int pp_dc_associate(pp_dc_t *c)
{
    uint8_t ui[128];
    size_t ui_len;
    pp_acse_aarq_t aarq = {.context = c->cfg.ciphered ? PP_ACSE_CTX_LN_CIPHERED : PP_ACSE_CTX_LN,
                           .mechanism = c->cfg.mechanism};
    if (c->cfg.ciphered || c->cfg.mechanism == PP_ACSE_MECH_HIGH_GMAC) {
        aarq.calling_ap_title = (pp_acse_bytes_t){c->cfg.system_title, 8};
    }
    if (c->cfg.mechanism == PP_ACSE_MECH_LOW) {
        aarq.auth_required = true;
        aarq.auth_value = (pp_acse_bytes_t){(const uint8_t *)c->cfg.password,
                                            (uint32_t)strlen(c->cfg.password)};
    } else if (c->cfg.mechanism == PP_ACSE_MECH_HIGH_GMAC) {
        uint8_t n = c->cfg.hls_challenge_len;
        if (n < 8 || n > 64) {
            return fail(c, PP_ERR_ARG, "HLS challenge of %u bytes (8..64)", n);
        }
        if (c->cfg.hls_challenge) {
            memcpy(c->ctos, c->cfg.hls_challenge, n);
        } else if (pp_host_rng_fill(NULL, c->ctos, n) != PP_OK) {
            return fail(c, PP_ERR_PORT, "no entropy for the HLS challenge");
        }
        aarq.auth_required = true;
        aarq.auth_value = (pp_acse_bytes_t){c->ctos, n};
    } else if (c->cfg.mechanism != PP_ACSE_MECH_NONE) {
        return fail(c, PP_ERR_UNSUPPORTED, "authentication mechanism %u", c->cfg.mechanism);
    }
    PP_TRY(build_initiate(c, ui, sizeof ui, &ui_len));
    aarq.user_info = (pp_acse_bytes_t){ui, (uint32_t)ui_len};
    int n = pp_acse_aarq_encode(&aarq, c->req, sizeof c->req);
    if (n < 0) {
        return fail(c, n, "AARQ: %s", pp_strerror(n));
    }
    PP_TRY(transact(c, c->req, (size_t)n));
    pp_acse_aare_t aare;
    pp_err_t rc = pp_acse_aare_decode(c->resp, c->resp_len, &aare);
    if (rc != PP_OK) {
        if (service_failure(c, "AARQ") <= 0) {
            return PP_ERR_DENIED;
        }
        return fail(c, rc, "AARE from the meter (%zu bytes, tag %02X): %s", c->resp_len,
                    c->resp_len ? c->resp[0] : 0, pp_strerror(rc));
    }
    if (aare.responding_ap_title.ptr && aare.responding_ap_title.len == 8) {
        memcpy(c->server_title, aare.responding_ap_title.ptr, 8);
        c->has_server_title = true;
    }
    if (aare.result != PP_ACSE_ACCEPTED) {
        return fail(c, PP_ERR_DENIED, "association refused: result %u, %s %u (%s)", aare.result,
                    aare.diag_source == PP_ACSE_DIAG_USER ? "acse-service-user"
                                                          : "acse-service-provider",
                    aare.diag, acse_diag_name(aare.diag_source, aare.diag));
    }
    if (aare.context != aarq.context) {
        return fail(c, PP_ERR_MALFORMED, "AARE application context %u, we proposed %u",
                    aare.context, aarq.context);
    }
    PP_TRY(read_initiate_response(c, &aare));
    if (c->cfg.mechanism == PP_ACSE_MECH_HIGH_GMAC) {
        if (aare.diag != PP_ACSE_USER_AUTHENTICATION_REQUIRED || !aare.auth_value.ptr ||
            aare.auth_value.len < 8 || aare.auth_value.len > 64) {
            return fail(c, PP_ERR_MALFORMED,
                        "HLS: AARE needs diagnostic authentication-required and an 8..64 byte "
                        "StoC (diag %u, StoC %u bytes)", aare.diag,
                        aare.auth_value.ptr ? aare.auth_value.len : 0);
        }
        memcpy(c->stoc, aare.auth_value.ptr, aare.auth_value.len);
        c->stoc_len = (uint8_t)aare.auth_value.len;
        PP_TRY(hls_reply(c));
    } else if (aare.diag != PP_ACSE_USER_NULL) {
        return fail(c, PP_ERR_MALFORMED, "association accepted with diagnostic %u (%s)", aare.diag,
                    acse_diag_name(aare.diag_source, aare.diag));
    }
    c->associated = true;
    return PP_OK;
}

int pp_dc_release(pp_dc_t *c)
{
    uint8_t ui[128];
    size_t ui_len = 0;
    pp_acse_release_t rq = {.has_reason = true, .reason = PP_RLRQ_NORMAL};
    if (c->associated && c->cfg.ciphered) {
        PP_TRY(build_initiate(c, ui, sizeof ui, &ui_len));
        rq.user_info = (pp_acse_bytes_t){ui, (uint32_t)ui_len};
    }
    int n = pp_acse_rlrq_encode(&rq, c->req, sizeof c->req);
    if (n < 0) {
        return fail(c, n, "RLRQ: %s", pp_strerror(n));
    }
    PP_TRY(transact(c, c->req, (size_t)n));
    c->associated = false;
    pp_acse_release_t re;
    pp_err_t rc = pp_acse_rlre_decode(c->resp, c->resp_len, &re);
    if (rc != PP_OK) {
        return fail(c, rc, "RLRE from the meter (%zu bytes, tag %02X): %s", c->resp_len,
                    c->resp_len ? c->resp[0] : 0, pp_strerror(rc));
    }
    if (re.has_reason && re.reason != PP_RLRE_NORMAL) {
        return fail(c, PP_ERR_STATE, "RLRE reason %u (not normal)", re.reason);
    }
    if (re.user_info.ptr && pp_xdlms_is_ciphered_tag(re.user_info.ptr[0])) {
        size_t len;
        PP_TRY(decipher_apdu(c, re.user_info.ptr, re.user_info.len, c->plain, sizeof c->plain,
                             &len));
    }
    if (c->cfg.transport == PP_DC_HDLC) {
        PP_TRY(hdlc_send(c, PP_HDLC_CTRL_DISC | PP_HDLC_PF, false, NULL, 0));
        pp_hdlc_frame_t f;
        PP_TRY(hdlc_recv(c, &f));
        pp_hdlc_type_t t = pp_hdlc_control_type(f.control);
        if (t != PP_HDLC_UA && t != PP_HDLC_DM) {
            return hdlc_unexpected(c, &f, "UA after DISC");
        }
    }
    return PP_OK;
}

/* ------------------------------------------------------------ services -- */

static uint8_t next_iidp(pp_dc_t *c)
{
    c->invoke_id = (uint8_t)((c->invoke_id + 1u) & 0x0Fu);
    return (uint8_t)(PP_IIDP_HIGH_PRIORITY | PP_IIDP_CONFIRMED | c->invoke_id);
}

/* Data that is one whole A-XDR value (the GET-Response decoder measured it). */
static int copy_value(pp_dc_t *c, const uint8_t *data, size_t len, uint8_t *out, size_t cap,
                      size_t *out_len)
{
    if (len > cap) {
        return fail(c, PP_ERR_NOSPACE, "returned Data of %zu bytes exceeds %zu", len, cap);
    }
    memcpy(out, data, len);
    *out_len = len;
    return PP_OK;
}

static int copy_data(pp_dc_t *c, const uint8_t *data, size_t len, uint8_t *out, size_t cap,
                     size_t *out_len)
{
    int m = pp_axdr_measure(data, len, PP_AXDR_MAX_DEPTH);
    if (m < 0 || (size_t)m != len) {
        return fail(c, PP_ERR_MALFORMED, "returned Data malformed or with trailing bytes (%d of %zu)", m, len);
    }
    return copy_value(c, data, len, out, cap, out_len);
}

static int get_response(pp_dc_t *c, uint8_t iidp, pp_xdlms_get_resp_t *r)
{
    if (c->resp_len > 0 && c->resp[0] != PP_APDU_GET_RESPONSE) {
        int rc = service_failure(c, "GET");
        return rc <= 0 ? rc : fail(c, PP_ERR_MALFORMED, "GET answered by APDU %02X", c->resp[0]);
    }
    pp_err_t rc = pp_xdlms_get_resp_decode(c->resp, c->resp_len, r);
    if (rc != PP_OK) {
        return fail(c, rc, "GET-Response (%zu bytes): %s", c->resp_len, pp_strerror(rc));
    }
    if (r->iidp != iidp) {
        return fail(c, PP_ERR_MALFORMED, "GET-Response invoke-id-and-priority %02X for %02X",
                    r->iidp, iidp);
    }
    return PP_OK;
}

int pp_dc_get_in_place(pp_dc_t *c, uint16_t class_id, const uint8_t ln[6], int8_t attr,
                       const pp_xdlms_access_t *access, const uint8_t **data, size_t *len)
{
    pp_xdlms_get_req_t q = {.type = PP_GET_REQ_NORMAL, .iidp = next_iidp(c)};
    q.item.attr.class_id = class_id;
    memcpy(q.item.attr.ln, ln, 6);
    q.item.attr.id = attr;
    if (access) {
        q.item.access = *access;
    }
    int n = pp_xdlms_get_req_encode(&q, c->req, sizeof c->req);
    if (n < 0) {
        return fail(c, n, "GET-Request: %s", pp_strerror(n));
    }
    PP_TRY(pp_dc_exchange(c, c->req, (size_t)n));
    pp_xdlms_get_resp_t r;
    PP_TRY(get_response(c, q.iidp, &r));
    if (r.type == PP_GET_RESP_NORMAL) {
        if (r.is_dar) {
            return fail(c, r.dar ? r.dar : PP_ERR_MALFORMED, "GET %u/%u.%u.%u.%u.%u.%u/%d: %s (%u)",
                        class_id, ln[0], ln[1], ln[2], ln[3], ln[4], ln[5], attr, pp_xdlms_dar_name((uint8_t)r.dar),
                        r.dar);
        }
        *data = r.data;
        *len = r.data_len;
        return PP_OK;
    }
    if (r.type != PP_GET_RESP_DATABLOCK) {
        return fail(c, PP_ERR_MALFORMED, "GET answered with a with-list response");
    }
    size_t total = 0;
    for (uint32_t block = 1;; block++) {
        if (r.block_number != block) {
            return fail(c, PP_ERR_MALFORMED, "GET block %u where %u was due", r.block_number,
                        block);
        }
        if (r.is_dar) {
            return fail(c, r.dar ? r.dar : PP_ERR_MALFORMED, "GET block %u: %s (%u)", block,
                        pp_xdlms_dar_name((uint8_t)r.dar), r.dar);
        }
        if (total + r.data_len > sizeof c->data) {
            return fail(c, PP_ERR_NOSPACE, "GET blocks exceed %zu bytes", sizeof c->data);
        }
        memcpy(c->data + total, r.data, r.data_len);
        total += r.data_len;
        c->blocks++;
        if (r.last_block) {
            break;
        }
        pp_xdlms_get_req_t nx = {.type = PP_GET_REQ_NEXT, .iidp = q.iidp, .block_number = block};
        n = pp_xdlms_get_req_encode(&nx, c->req, sizeof c->req);
        if (n < 0) {
            return fail(c, n, "GET-Request-Next: %s", pp_strerror(n));
        }
        PP_TRY(pp_dc_exchange(c, c->req, (size_t)n));
        PP_TRY(get_response(c, q.iidp, &r));
        if (r.type != PP_GET_RESP_DATABLOCK) {
            return fail(c, PP_ERR_MALFORMED, "GET-Request-Next answered with response type %u",
                        r.type);
        }
    }
    int m = pp_axdr_measure(c->data, total, PP_AXDR_MAX_DEPTH);
    if (m < 0 || (size_t)m != total) {
        return fail(c, PP_ERR_MALFORMED, "returned Data malformed or with trailing bytes (%d of %zu)", m, total);
    }
    *data = c->data;
    *len = total;
    return PP_OK;
}

int pp_dc_get(pp_dc_t *c, uint16_t class_id, const uint8_t ln[6], int8_t attr,
              const pp_xdlms_access_t *access, uint8_t *out, size_t cap, size_t *out_len)
{
    const uint8_t *data;
    size_t len;
    const int rc = pp_dc_get_in_place(c, class_id, ln, attr, access, &data, &len);
    if (rc != 0) {
        return rc; /* a refusal (positive) as well as an error */
    }
    if (len > cap) {
        return fail(c, PP_ERR_NOSPACE, "returned Data of %zu bytes exceeds %zu", len, cap);
    }
    memcpy(out, data, len);
    *out_len = len;
    return PP_OK;
}

int pp_dc_range_access(pp_dc_t *c, const pp_xdlms_capture_obj_t *restricting,
                       const pp_axdr_datetime_t *from, const pp_axdr_datetime_t *to,
                       uint8_t *params, size_t cap, pp_xdlms_access_t *access)
{
    pp_xdlms_capture_obj_t clock = {.class_id = 8, .attr = 2, .data_index = 0};
    memcpy(clock.ln, CLOCK_LN, 6);
    pp_axdr_wr_t wr;
    pp_axdr_wr_init(&wr, params, cap);
    if (pp_axdr_put_struct(&wr, 4) != PP_OK ||
        pp_xdlms_put_capture_obj(&wr, restricting ? restricting : &clock) != PP_OK ||
        pp_axdr_put_datetime_os(&wr, from) != PP_OK || pp_axdr_put_datetime_os(&wr, to) != PP_OK ||
        pp_axdr_put_array(&wr, 0) != PP_OK) {
        return fail(c, PP_ERR_NOSPACE, "range descriptor does not fit");
    }
    *access = (pp_xdlms_access_t){.present = true, .selector = 1, .params = params,
                                  .params_len = (uint32_t)wr.pos};
    return PP_OK;
}

int pp_dc_get_range(pp_dc_t *c, const uint8_t ln[6], const pp_xdlms_capture_obj_t *restricting,
                    const pp_axdr_datetime_t *from, const pp_axdr_datetime_t *to,
                    uint8_t *out, size_t cap, size_t *out_len)
{
    uint8_t params[128];
    pp_xdlms_access_t a;
    const int rc = pp_dc_range_access(c, restricting, from, to, params, sizeof params, &a);
    if (rc != 0) {
        return rc;
    }
    return pp_dc_get(c, 7, ln, 2, &a, out, cap, out_len);
}

int pp_dc_get_entry(pp_dc_t *c, const uint8_t ln[6], uint32_t from_entry, uint32_t to_entry,
                    uint8_t *out, size_t cap, size_t *out_len)
{
    uint8_t params[32];
    pp_axdr_wr_t wr;
    pp_axdr_wr_init(&wr, params, sizeof params);
    pp_xdlms_entry_t e = {.from_entry = from_entry, .to_entry = to_entry, .from_value = 1,
                          .to_value = 0};
    if (pp_xdlms_put_entry(&wr, &e) != PP_OK) {
        return fail(c, PP_ERR_NOSPACE, "entry descriptor does not fit");
    }
    pp_xdlms_access_t a = {.present = true, .selector = 2, .params = params,
                           .params_len = (uint32_t)wr.pos};
    return pp_dc_get(c, 7, ln, 2, &a, out, cap, out_len);
}

int pp_dc_set(pp_dc_t *c, uint16_t class_id, const uint8_t ln[6], int8_t attr,
              const uint8_t *value, size_t len)
{
    pp_xdlms_set_req_t q = {.type = PP_SET_REQ_NORMAL, .iidp = next_iidp(c), .value = value,
                            .value_len = (uint32_t)len};
    q.item.attr.class_id = class_id;
    memcpy(q.item.attr.ln, ln, 6);
    q.item.attr.id = attr;
    int n = pp_xdlms_set_req_encode(&q, c->req, sizeof c->req);
    if (n < 0) {
        return fail(c, n, "SET-Request: %s", pp_strerror(n));
    }
    PP_TRY(pp_dc_exchange(c, c->req, (size_t)n));
    if (c->resp_len > 0 && c->resp[0] != PP_APDU_SET_RESPONSE) {
        int rc = service_failure(c, "SET");
        return rc <= 0 ? rc : fail(c, PP_ERR_MALFORMED, "SET answered by APDU %02X", c->resp[0]);
    }
    pp_xdlms_set_resp_t r;
    pp_err_t rc = pp_xdlms_set_resp_decode(c->resp, c->resp_len, &r);
    if (rc != PP_OK) {
        return fail(c, rc, "SET-Response: %s", pp_strerror(rc));
    }
    if (r.iidp != q.iidp || r.type != PP_SET_RESP_NORMAL) {
        return fail(c, PP_ERR_MALFORMED, "SET-Response type %u iidp %02X for %02X", r.type,
                    r.iidp, q.iidp);
    }
    if (r.result != PP_DAR_SUCCESS) {
        return fail(c, r.result, "SET %u/%u.%u.%u.%u.%u.%u/%d: %s (%u)", class_id, ln[0], ln[1],
                    ln[2], ln[3], ln[4], ln[5], attr, pp_xdlms_dar_name((uint8_t)r.result), r.result);
    }
    return PP_OK;
}

int pp_dc_action(pp_dc_t *c, uint16_t class_id, const uint8_t ln[6], int8_t method,
                 const uint8_t *params, size_t params_len, uint8_t *ret, size_t cap,
                 size_t *ret_len)
{
    pp_xdlms_action_req_t q = {.type = PP_ACTION_REQ_NORMAL, .iidp = next_iidp(c),
                               .params = params, .params_len = (uint32_t)params_len};
    q.method.class_id = class_id;
    memcpy(q.method.ln, ln, 6);
    q.method.id = method;
    *ret_len = 0;
    int n = pp_xdlms_action_req_encode(&q, c->req, sizeof c->req);
    if (n < 0) {
        return fail(c, n, "ACTION-Request: %s", pp_strerror(n));
    }
    PP_TRY(pp_dc_exchange(c, c->req, (size_t)n));
    if (c->resp_len > 0 && c->resp[0] != PP_APDU_ACTION_RESPONSE) {
        int rc = service_failure(c, "ACTION");
        return rc <= 0 ? rc : fail(c, PP_ERR_MALFORMED, "ACTION answered by APDU %02X", c->resp[0]);
    }
    pp_xdlms_action_resp_t r;
    pp_err_t rc = pp_xdlms_action_resp_decode(c->resp, c->resp_len, &r);
    if (rc != PP_OK) {
        return fail(c, rc, "ACTION-Response: %s", pp_strerror(rc));
    }
    if (r.iidp != q.iidp || r.type != PP_ACTION_RESP_NORMAL) {
        return fail(c, PP_ERR_MALFORMED, "ACTION-Response type %u iidp %02X for %02X", r.type,
                    r.iidp, q.iidp);
    }
    if (r.result != PP_ACTRES_SUCCESS) {
        return fail(c, r.result, "ACTION %u/%u.%u.%u.%u.%u.%u/%d: %s (%u)", class_id, ln[0],
                    ln[1], ln[2], ln[3], ln[4], ln[5], method, pp_xdlms_dar_name((uint8_t)r.result), r.result);
    }
    if (!r.has_return) {
        return PP_OK;
    }
    if (r.return_is_dar) {
        return fail(c, r.return_dar ? r.return_dar : PP_ERR_MALFORMED,
                    "ACTION return parameters: %s (%u)", pp_xdlms_dar_name((uint8_t)r.return_dar), r.return_dar);
    }
    return copy_data(c, r.data, r.data_len, ret, cap, ret_len);
}

/* ----------------------------------------------------------- printing -- */

int pp_dc_parse_obis(const char *s, uint8_t ln[6])
{
    for (int i = 0; i < 6; i++) {
        unsigned v = 0, digits = 0;
        while (*s >= '0' && *s <= '9' && digits < 4) {
            v = v * 10u + (unsigned)(*s++ - '0');
            digits++;
        }
        if (!digits || v > 255 || (i < 5 && *s != '.') || (i == 5 && *s)) {
            return -1;
        }
        ln[i] = (uint8_t)v;
        s += i < 5;
    }
    return 0;
}

typedef struct fmt_out {
    char *p;
    size_t cap, len;
} fmt_out_t;

static void emit(fmt_out_t *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(fmt_out_t *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = o->len < o->cap ? o->cap - o->len : 0;
    int n = vsnprintf(o->p + (o->len < o->cap ? o->len : o->cap - 1), room ? room : 1, fmt, ap);
    va_end(ap);
    o->len += n > 0 ? (size_t)n : 0;
}

static int format_value(pp_axdr_rd_t *rd, fmt_out_t *o, int depth)
{
    pp_axdr_value_t v;
    if (depth > PP_AXDR_MAX_DEPTH || pp_axdr_get(rd, &v) != PP_OK) {
        return -1;
    }
    switch (v.tag) {
    case PP_DT_ARRAY:
    case PP_DT_STRUCTURE:
        emit(o, v.tag == PP_DT_ARRAY ? "[" : "{");
        for (uint32_t i = 0; i < v.v.count; i++) {
            emit(o, i ? ", " : "");
            if (format_value(rd, o, depth + 1) < 0) {
                return -1;
            }
        }
        emit(o, v.tag == PP_DT_ARRAY ? "]" : "}");
        return 0;
    case PP_DT_NULL: emit(o, "null"); return 0;
    case PP_DT_BOOLEAN: emit(o, v.v.b ? "true" : "false"); return 0;
    case PP_DT_DOUBLE_LONG: case PP_DT_INTEGER: case PP_DT_LONG: case PP_DT_LONG64:
        emit(o, "%lld", (long long)v.v.i);
        return 0;
    case PP_DT_DOUBLE_LONG_UNSIGNED: case PP_DT_UNSIGNED: case PP_DT_LONG_UNSIGNED:
    case PP_DT_LONG64_UNSIGNED: case PP_DT_BCD:
        emit(o, "%llu", (unsigned long long)v.v.u);
        return 0;
    case PP_DT_ENUM: emit(o, "enum %llu", (unsigned long long)v.v.u); return 0;
    case PP_DT_FLOAT32: emit(o, "%g", (double)v.v.f32); return 0;
    case PP_DT_FLOAT64: emit(o, "%g", v.v.f64); return 0;
    case PP_DT_VISIBLE_STRING: case PP_DT_UTF8_STRING:
        emit(o, "\"%.*s\"", (int)v.v.str.len, (const char *)v.v.str.ptr);
        return 0;
    case PP_DT_OCTET_STRING:
    case PP_DT_DATE_TIME: {
        pp_axdr_datetime_t dt;
        if (v.v.str.len == 12 && pp_axdr_datetime_unpack(v.v.str.ptr, &dt) == PP_OK &&
            dt.year != PP_DT_YEAR_ANY && dt.month <= 12 && dt.day <= 31) {
            emit(o, "%04u-%02u-%02u %02u:%02u:%02u", dt.year, dt.month, dt.day, dt.hour,
                 dt.minute, dt.second);
            if (dt.deviation != PP_DT_DEVIATION_ANY) {
                emit(o, " dev %d", dt.deviation);
            }
            emit(o, " st %02X", dt.status);
            return 0;
        }
        emit(o, "0x");
        for (uint32_t i = 0; i < v.v.str.len; i++) {
            emit(o, "%02X", v.v.str.ptr[i]);
        }
        return 0;
    }
    default:
        emit(o, "<type %u>", v.tag);
        return 0;
    }
}

int pp_dc_format_data(const uint8_t *data, size_t len, char *out, size_t cap)
{
    if (!cap) {
        return -1;
    }
    out[0] = 0;
    int m = pp_axdr_measure(data, len, PP_AXDR_MAX_DEPTH);
    if (m < 0 || (size_t)m != len) {
        return -1;
    }
    pp_axdr_rd_t rd;
    pp_axdr_rd_init(&rd, data, len);
    fmt_out_t o = {out, cap, 0};
    if (format_value(&rd, &o, 0) < 0) {
        return -1;
    }
    return (int)(o.len < cap ? o.len : cap - 1);
}
