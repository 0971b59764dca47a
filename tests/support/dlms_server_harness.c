/* Test harness for the DLMS server: see dlms_server_harness.h. */
#include "dlms_server_harness.h"

#include <stdlib.h>
#include <string.h>

#include "polyphase/acse.h"
#include "polyphase/dlms_const.h"
#include "polyphase/xdlms.h"

#define NVM_SIZE (256u * 1024u)
#define JOURNAL_SIZE (64u * 1024u)
#define LP_BASE JOURNAL_SIZE

static const uint8_t DEF_EK[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
static const uint8_t DEF_AK[16] = {0xD0, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7,
                                   0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF};

static const pp_log_column_t LP_COLS[2] = {{"time", PP_LOG_TIME}, {"A+ (Wh)", PP_LOG_U32}};
static const pp_log_field_t LP_FIELDS[2] = {{0, 0}, {0, 4}}; /* A+ little-endian, as lp_decode */

static pp_err_t lp_decode(const void *logger, int64_t time_ms, const uint8_t *payload,
                          pp_log_cell_t *cells)
{
    (void)logger;
    cells[0] = (pp_log_cell_t){.type = PP_LOG_TIME, .column = 0, .value = time_ms};
    uint32_t v = (uint32_t)payload[3] << 24 | (uint32_t)payload[2] << 16 |
                 (uint32_t)payload[1] << 8 | payload[0];
    cells[1] = (pp_log_cell_t){.type = PP_LOG_U32, .column = 1, .value = v};
    return PP_OK;
}

static uint32_t prov_features(void *ctx)
{
    (void)ctx;
    return UINT32_MAX;
}

static int8_t prov_scaler(void *ctx)
{
    (void)ctx;
    return 0;
}

static pp_err_t prov_get(void *ctx, pp_quantity_t q, uint8_t attr, pp_value_t *out,
                         uint8_t *scratch, size_t cap)
{
    pp_dsh_t *h = ctx;
    if (q == PP_Q_LOGICAL_DEVICE_NAME && attr == 2 && cap >= 16) {
        memcpy(scratch, "PPH0000012345678", 16);
        *out = (pp_value_t){.type = PP_VT_OCTETS, .v.bytes = {scratch, 16}};
        return PP_OK;
    }
    if (q == PP_Q_METER_NUMBER && attr == 2 && cap >= 8) {
        memcpy(scratch, "12345678", 8);
        *out = (pp_value_t){.type = PP_VT_OCTETS, .v.bytes = {scratch, 8}};
        return PP_OK;
    }
    if (q == PP_Q_A_PLUS && attr == 2) {
        *out = (pp_value_t){.type = PP_VT_UINT32, .v.u = h->a_plus};
        return PP_OK;
    }
    if (q == PP_Q_P_PLUS_MAX && attr == 2) {
        *out = (pp_value_t){.type = PP_VT_UINT32, .v.u = 4321};
        return PP_OK;
    }
    if (q == PP_Q_P_PLUS_MAX && attr == 5) {
        *out = (pp_value_t){.type = PP_VT_DATETIME, .v.dt = {1767225600000, true}};
        return PP_OK;
    }
    return PP_ERR_NOT_FOUND;
}

static uint8_t prov_set(void *ctx, pp_quantity_t q, uint8_t attr, const pp_value_t *v)
{
    pp_dsh_t *h = ctx;
    h->last_set_q = q;
    h->last_set_attr = attr;
    h->last_set = *v;
    return PP_DAR_SUCCESS;
}

static uint8_t prov_action(void *ctx, pp_quantity_t q, uint8_t method, const uint8_t *params,
                           size_t len)
{
    (void)ctx;
    (void)q;
    (void)method;
    (void)params;
    (void)len;
    return PP_ACTRES_SUCCESS;
}

static pp_clock_t *prov_clock(void *ctx)
{
    return &((pp_dsh_t *)ctx)->clock;
}

static void prov_clock_changed(void *ctx, uint8_t attr, uint8_t method,
                               const pp_clock_change_t *change)
{
    (void)attr;
    (void)method;
    (void)change;
    ((pp_dsh_t *)ctx)->clock_changes++;
}

static pp_err_t prov_profile(void *ctx, pp_quantity_t q, pp_dlms_profile_t *out)
{
    pp_dsh_t *h = ctx;
    static const uint8_t CLOCK_LN[6] = {0, 1, 1, 0, 0, 255};
    static const uint8_t APLUS_LN[6] = {1, 1, 1, 8, 0, 255};
    if (q != PP_Q_LOAD_PROFILE) {
        return PP_ERR_NOT_FOUND;
    }
    memset(out, 0, sizeof *out);
    out->view = (pp_log_view_t){.store = &h->lp, .logger = h, .columns = LP_COLS, .ncolumns = 2,
                                .decode = lp_decode,
                                .fields = h->lp_decode_only ? NULL : LP_FIELDS};
    out->ncols = 2;
    out->col[0] = (pp_xdlms_capture_obj_t){.class_id = 8, .attr = 2};
    memcpy(out->col[0].ln, CLOCK_LN, 6);
    out->col[1] = (pp_xdlms_capture_obj_t){.class_id = 3, .attr = 2};
    memcpy(out->col[1].ln, APLUS_LN, 6);
    out->stamp_offset_ms = 3600000; /* CET standard time */
    out->capture_period_s = 900;
    return PP_OK;
}

static void prov_event(void *ctx, uint16_t code, uint16_t client)
{
    pp_dsh_t *h = ctx;
    if (h->nev < PP_DSH_EVENTS) {
        h->ev_code[h->nev] = code;
        h->ev_client[h->nev] = client;
    }
    h->nev++;
}

static void prov_comm(void *ctx, pp_dlms_comm_info_t *out)
{
    *out = ((const pp_dsh_t *)ctx)->comm;
}

static uint8_t prov_comm_write(void *ctx, const pp_dlms_comm_info_t *ci)
{
    pp_dsh_t *h = ctx;
    h->comm = *ci;
    h->comm_writes++;
    return PP_DAR_SUCCESS;
}

static const pp_calendar_t *prov_calendar(void *ctx, bool passive, int64_t *when)
{
    pp_dsh_t *h = ctx;
    *when = passive ? h->cal_at : INT64_MAX;
    return passive ? &h->cal_passive : &h->cal_active;
}

static uint8_t prov_calendar_write(void *ctx, const pp_calendar_t *cal, int64_t when)
{
    pp_dsh_t *h = ctx;
    h->cal_passive = *cal;
    h->cal_at = when;
    h->cal_writes++;
    return PP_DAR_SUCCESS;
}

static uint8_t prov_calendar_activate(void *ctx)
{
    pp_dsh_t *h = ctx;
    if (pp_calendar_check(&h->cal_passive) != PP_OK) {
        return PP_ACTRES_OTHER_REASON;
    }
    h->cal_active = h->cal_passive;
    h->cal_activations++;
    return PP_ACTRES_SUCCESS;
}

static const pp_special_days_t *prov_special(void *ctx)
{
    return &((pp_dsh_t *)ctx)->special;
}

static uint8_t prov_special_write(void *ctx, const pp_special_days_t *s)
{
    pp_dsh_t *h = ctx;
    if (pp_special_days_check(s, &h->cal_active) != PP_OK) {
        return PP_DAR_OTHER_REASON;
    }
    h->special = *s;
    return PP_DAR_SUCCESS;
}

static pp_err_t fixed_rng(void *ctx, uint8_t *dst, size_t len)
{
    pp_fake_port_t *f = ctx;
    pp_dsh_t *h = (pp_dsh_t *)(void *)f; /* fake is the first member */
    if (h->rng_fixed_len == 0) {
        for (size_t i = 0; i < len; i++) {
            f->rng_state = f->rng_state * 6364136223846793005ull + 1442695040888963407ull;
            dst[i] = (uint8_t)(f->rng_state >> 56);
        }
        return PP_OK;
    }
    for (size_t i = 0; i < len; i++) {
        dst[i] = h->rng_fixed[i % h->rng_fixed_len];
    }
    return PP_OK;
}

static void start(pp_dsh_t *h)
{
    pp_dlms_provider_t p = {.ctx = h, .features = prov_features, .energy_scaler = prov_scaler,
                            .get = prov_get, .set = prov_set, .action = prov_action,
                            .clock = prov_clock, .clock_changed = prov_clock_changed,
                            .profile = prov_profile, .on_security_event = prov_event,
                            .comm_info = prov_comm, .comm_write = prov_comm_write,
                            .calendar = prov_calendar,
                            .calendar_write = prov_calendar_write,
                            .calendar_activate = prov_calendar_activate,
                            .special_days = prov_special, .special_days_write = prov_special_write};
    if (pp_journal_open(&h->journal, &h->fake.port, 0, JOURNAL_SIZE) != PP_OK ||
        pp_logstore_open(&h->lp, &h->fake.port, LP_BASE, PP_DSH_LP_ROWS, 4, 0x4C50) != PP_OK ||
        pp_dlms_server_init(&h->srv, &h->fake.port, &h->journal, &p, &h->cfg) != PP_OK) {
        abort();
    }
}

pp_dsh_t *pp_dsh_new(void)
{
    pp_dsh_t *h = calloc(1, sizeof *h);
    if (!h) {
        abort();
    }
    pp_fake_port_init(&h->fake, NVM_SIZE, 256);
    h->fake.port.rng_fill = fixed_rng;
    h->fake.log_level = PP_LOG_ERROR; /* keep the default-key warnings quiet */
    (void)pp_clock_init(&h->clock, 60, true);
    pp_clock_set_eu_rule(&h->clock);
    pp_dlms_server_config_default(&h->cfg);
    h->cfg.meter_number = 12345678;
    h->a_plus = 123456;
    if (pp_calendar_preset(1, &h->cal_active, &h->special) != PP_OK) {
        abort();
    }
    h->cal_passive = h->cal_active;
    h->cal_at = INT64_MAX;
    h->comm = (pp_dlms_comm_info_t){.hdlc_baud = 5, .hdlc_window_tx = 1, .hdlc_window_rx = 1,
                                    .hdlc_max_info_tx = 128, .hdlc_max_info_rx = 128,
                                    .hdlc_inter_octet_ms = 25, .hdlc_inactivity_s = 120,
                                    .hdlc_device_address = 0x10, .tcp_port = 4059,
                                    .tcp_inactivity_s = 180, .tcp_max_clients = 64};
    memcpy(h->client_title, "\x4D\x4D\x4D\x00\x00\x00\x00\x01", 8);
    h->client_ic = 1;
    memcpy(h->ek, DEF_EK, 16);
    memcpy(h->ak, DEF_AK, 16);
    start(h);
    return h;
}

void pp_dsh_restart(pp_dsh_t *h)
{
    start(h);
}

void pp_dsh_free(pp_dsh_t *h)
{
    pp_fake_port_free(&h->fake);
    free(h);
}

int pp_dsh_req(pp_dsh_t *h, unsigned conn, uint16_t client, const uint8_t *req, size_t len)
{
    h->resp_len = pp_dlms_server_apdu(&h->srv, conn, client, req, len, h->resp, sizeof h->resp);
    return h->resp_len;
}

int pp_dsh_assoc(pp_dsh_t *h, unsigned conn, uint16_t client, const char *password,
                 uint32_t conformance, uint16_t max_pdu)
{
    uint8_t ir_buf[32], aarq[128];
    pp_xdlms_initiate_req_t ir = {.response_allowed = true, .dlms_version = 6,
                                  .conformance = conformance, .max_pdu = max_pdu};
    int n = pp_xdlms_initiate_req_encode(&ir, ir_buf, sizeof ir_buf);
    pp_acse_aarq_t rq = {.context = PP_ACSE_CTX_LN, .user_info = {ir_buf, (uint32_t)n}};
    if (password) {
        rq.auth_required = true;
        rq.mechanism = PP_ACSE_MECH_LOW;
        rq.auth_value = (pp_acse_bytes_t){(const uint8_t *)password, (uint32_t)strlen(password)};
    }
    n = pp_acse_aarq_encode(&rq, aarq, sizeof aarq);
    if (n < 0 || pp_dsh_req(h, conn, client, aarq, (size_t)n) <= 0) {
        return -1;
    }
    pp_acse_aare_t re;
    if (pp_acse_aare_decode(h->resp, (size_t)h->resp_len, &re) != PP_OK) {
        return -1;
    }
    return re.result;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

int pp_dsh_encipher(pp_dsh_t *h, uint8_t tag, const uint8_t *plain, size_t len, uint8_t *out,
                    size_t cap, const uint8_t *key)
{
    pp_axdr_wr_t w;
    pp_axdr_wr_init(&w, out, cap);
    const uint32_t ic = h->client_ic++;
    const bool general = tag == PP_APDU_GENERAL_GLO_CIPHERING;
    if (pp_xdlms_cipher_put_header(&w, tag, general ? h->client_title : NULL, general ? 8 : 0,
                                   0x30, ic, (uint32_t)(len + 12)) != PP_OK ||
        w.pos + len + 12 > cap) {
        return -1;
    }
    uint8_t iv[12], aad[17];
    memcpy(iv, h->client_title, 8);
    put32(iv + 8, ic);
    aad[0] = 0x30;
    memcpy(aad + 1, h->ak, 16);
    if (h->fake.port.gcm_encrypt(NULL, key ? key : h->ek, iv, aad, 17, plain, len, out + w.pos,
                                 out + w.pos + len, 12) != PP_OK) {
        return -1;
    }
    return (int)(w.pos + len + 12);
}

int pp_dsh_decipher(pp_dsh_t *h, const uint8_t *apdu, size_t len, uint8_t *out, size_t cap,
                    const uint8_t *key)
{
    pp_xdlms_cipher_hdr_t c;
    if (pp_xdlms_cipher_parse(apdu, len, &c) != PP_OK || c.sc != 0x30 || c.payload_len < 12 ||
        c.payload_len - 12 > cap) {
        return -1;
    }
    uint8_t iv[12], aad[17];
    pp_dlms_server_title(&h->srv, iv);
    put32(iv + 8, c.ic);
    aad[0] = c.sc;
    memcpy(aad + 1, h->ak, 16);
    const size_t n = c.payload_len - 12;
    if (h->fake.port.gcm_decrypt(NULL, key ? key : h->ek, iv, aad, 17, c.payload, n, out,
                                 c.payload + n, 12) != PP_OK) {
        return -2;
    }
    return (int)n;
}

/* f(challenge) = 10 || IC || GMAC(EK; title || IC; 10 || AK || challenge) */
static void gmac(pp_dsh_t *h, const uint8_t title[8], uint32_t ic, const uint8_t *chal, size_t n,
                 uint8_t out[17])
{
    uint8_t iv[12], aad[81];
    memcpy(iv, title, 8);
    put32(iv + 8, ic);
    aad[0] = 0x10;
    memcpy(aad + 1, h->ak, 16);
    memcpy(aad + 17, chal, n);
    out[0] = 0x10;
    put32(out + 1, ic);
    (void)h->fake.port.gcm_encrypt(NULL, h->ek, iv, aad, 17 + n, NULL, 0, NULL, out + 5, 12);
}

int pp_dsh_hls(pp_dsh_t *h, unsigned conn, uint16_t client, const uint8_t *ctos, size_t ctos_len,
               const uint8_t *dedicated_key)
{
    uint8_t ir_buf[48], glo[96], aarq[256], plain[256], req[256];
    pp_xdlms_initiate_req_t ir = {.response_allowed = true, .dlms_version = 6,
                                  .conformance = h->hls_conformance ? h->hls_conformance
                                                                    : 0x00401E1D,
                                  .max_pdu = h->hls_max_pdu ? h->hls_max_pdu : 1024,
                                  .dedicated_key = dedicated_key,
                                  .dedicated_key_len = dedicated_key ? 16 : 0};
    int n = pp_xdlms_initiate_req_encode(&ir, ir_buf, sizeof ir_buf);
    n = pp_dsh_encipher(h, PP_APDU_GLO_INITIATE_REQUEST, ir_buf, (size_t)n, glo, sizeof glo, NULL);
    pp_acse_aarq_t rq = {.context = PP_ACSE_CTX_LN_CIPHERED,
                         .calling_ap_title = {h->client_title, 8}, .auth_required = true,
                         .mechanism = PP_ACSE_MECH_HIGH_GMAC,
                         .auth_value = {ctos, (uint32_t)ctos_len},
                         .user_info = {glo, (uint32_t)n}};
    n = pp_acse_aarq_encode(&rq, aarq, sizeof aarq);
    if (n < 0 || pp_dsh_req(h, conn, client, aarq, (size_t)n) <= 0) {
        return -1;
    }
    pp_acse_aare_t re;
    if (pp_acse_aare_decode(h->resp, (size_t)h->resp_len, &re) != PP_OK || re.result != 0 ||
        re.diag != PP_ACSE_USER_AUTHENTICATION_REQUIRED || !re.auth_value.ptr ||
        !re.user_info.ptr) {
        return -2;
    }
    uint8_t stoc[64];
    const size_t stoc_len = re.auth_value.len;
    memcpy(stoc, re.auth_value.ptr, stoc_len);
    if (pp_dsh_decipher(h, re.user_info.ptr, re.user_info.len, plain, sizeof plain, NULL) <= 0 ||
        plain[0] != PP_APDU_INITIATE_RESPONSE) {
        return -3;
    }
    uint8_t f[17];
    gmac(h, h->client_title, h->client_ic++, stoc, stoc_len, f);
    const uint8_t head[] = {0xC3, 0x01, 0xC1, 0x00, 0x0F, 0, 0, 40, 0, 0, 255, 0x01, 0x01, 0x09, 17};
    memcpy(plain, head, sizeof head);
    memcpy(plain + sizeof head, f, 17);
    n = pp_dsh_encipher(h, PP_APDU_GLO_ACTION_REQUEST, plain, sizeof head + 17, req, sizeof req,
                        NULL);
    if (pp_dsh_req(h, conn, client, req, (size_t)n) <= 0 || h->resp[0] != PP_APDU_GLO_ACTION_RESPONSE) {
        return -4;
    }
    n = pp_dsh_decipher(h, h->resp, (size_t)h->resp_len, plain, sizeof plain, NULL);
    /* C7 01 C1 00 01 00 09 11 f(CtoS) */
    if (n != 8 + 17 || plain[3] != 0 || plain[4] != 1 || plain[6] != 9 || plain[7] != 17) {
        return -5;
    }
    uint32_t ic = (uint32_t)plain[9] << 24 | (uint32_t)plain[10] << 16 |
                  (uint32_t)plain[11] << 8 | plain[12];
    uint8_t title[8];
    pp_dlms_server_title(&h->srv, title);
    gmac(h, title, ic, ctos, ctos_len, f);
    return memcmp(f, plain + 8, 17) == 0 ? 0 : -6;
}

int pp_dsh_get_req(uint8_t *out, size_t cap, uint16_t class_id, const uint8_t ln[6], int8_t attr,
                   const pp_xdlms_access_t *access)
{
    pp_xdlms_get_req_t rq = {.type = PP_GET_REQ_NORMAL, .iidp = 0xC1};
    rq.item.attr.class_id = class_id;
    memcpy(rq.item.attr.ln, ln, 6);
    rq.item.attr.id = attr;
    if (access) {
        rq.item.access = *access;
    }
    return pp_xdlms_get_req_encode(&rq, out, cap);
}

/* Sends a plain request, ciphering it when the connection is ciphered; the
 * plain response into out. */
int pp_dsh_exchange(pp_dsh_t *h, unsigned conn, uint16_t client, const uint8_t *req, size_t len,
                    uint8_t *out, size_t cap)
{
    uint8_t buf[2048];
    if (h->srv.conn[conn].ciphered) {
        int n = pp_dsh_encipher(h, (uint8_t)(req[0] + 8), req, len, buf, sizeof buf, NULL);
        if (pp_dsh_req(h, conn, client, buf, (size_t)n) <= 0) {
            return -1;
        }
        if (h->resp[0] == PP_APDU_EXCEPTION_RESPONSE) {
            memcpy(out, h->resp, (size_t)h->resp_len);
            return h->resp_len;
        }
        return pp_dsh_decipher(h, h->resp, (size_t)h->resp_len, out, cap, NULL);
    }
    if (pp_dsh_req(h, conn, client, req, len) <= 0 || (size_t)h->resp_len > cap) {
        return -1;
    }
    memcpy(out, h->resp, (size_t)h->resp_len);
    return h->resp_len;
}

int pp_dsh_get(pp_dsh_t *h, unsigned conn, uint16_t client, uint16_t class_id,
               const uint8_t ln[6], int8_t attr, const pp_xdlms_access_t *access, uint8_t *out,
               size_t cap, unsigned *blocks)
{
    uint8_t req[512], resp[4096];
    int n = pp_dsh_get_req(req, sizeof req, class_id, ln, attr, access);
    size_t total = 0;
    unsigned nblocks = 0;
    for (;;) {
        int r = pp_dsh_exchange(h, conn, client, req, (size_t)n, resp, sizeof resp);
        pp_xdlms_get_resp_t gr;
        if (r <= 0 || pp_xdlms_get_resp_decode(resp, (size_t)r, &gr) != PP_OK) {
            return -1;
        }
        if (gr.is_dar) {
            return -1000 - gr.dar;
        }
        if (gr.data_len > cap - total) {
            return -2;
        }
        memcpy(out + total, gr.data, gr.data_len);
        total += gr.data_len;
        if (gr.type == PP_GET_RESP_DATABLOCK) {
            nblocks++;
        }
        if (gr.type == PP_GET_RESP_NORMAL || gr.last_block) {
            break;
        }
        pp_xdlms_get_req_t next = {.type = PP_GET_REQ_NEXT, .iidp = 0xC1,
                                   .block_number = gr.block_number};
        n = pp_xdlms_get_req_encode(&next, req, sizeof req);
    }
    if (blocks) {
        *blocks = nblocks;
    }
    return (int)total;
}

void pp_dsh_lp_add(pp_dsh_t *h, int64_t stamp_ms, uint32_t value)
{
    const uint8_t p[4] = {(uint8_t)value, (uint8_t)(value >> 8), (uint8_t)(value >> 16),
                          (uint8_t)(value >> 24)};
    if (pp_logstore_append(&h->lp, stamp_ms, p) != PP_OK) {
        abort();
    }
}
