/* Fuzz target: HDLC frame decoder (round trip), parameter and FRMR
 * decoders, and a link fed the input as a byte stream in chunks, with
 * time moving on, so every state of the secondary station is reachable. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "polyphase/hdlc.h"

typedef struct fz {
    pp_hdlc_link_t link;
    uint8_t rxf[PP_HDLC_FRAME_BUF_SIZE(256)];
    uint8_t txf[PP_HDLC_FRAME_BUF_SIZE(PP_HDLC_INFO_MAX)];
    uint8_t rxs[512];
    uint8_t txs[1024];
    unsigned calls;
    size_t out_bytes;
} fz_t;

static int fz_deliver(void *user, const pp_hdlc_sdu_t *sdu, uint8_t *resp, size_t cap)
{
    fz_t *z = user;
    z->calls++;
    if (sdu->len == 0) {
        return 0;
    }
    if (sdu->data[0] & 1u) {
        return PP_ERR_BUSY;
    }
    size_t n = (size_t)sdu->data[0] * 3u; /* responses of up to 765 bytes: segmented */
    if (n > cap) {
        n = cap;
    }
    memset(resp, 0xA5, n);
    return (int)n;
}

static pp_err_t fz_output(void *user, const uint8_t *frame, size_t len)
{
    fz_t *z = user;
    pp_hdlc_frame_t f;
    /* everything the link sends must decode */
    if (pp_hdlc_frame_decode(frame, len, &f) != PP_OK) {
        abort();
    }
    z->out_bytes += len;
    return PP_OK;
}

static void codec(const uint8_t *data, size_t size)
{
    pp_hdlc_frame_t f;
    if (pp_hdlc_frame_decode(data, size, &f) == PP_OK) {
        uint8_t out[PP_HDLC_FRAME_LEN_MAX + 2];
        int n = pp_hdlc_frame_encode(&f, out, sizeof out);
        if (n != (int)size || memcmp(out, data, size) != 0) {
            abort(); /* decode then encode must give the same bytes */
        }
    }
    (void)pp_hdlc_header_decode(data, size, &f);
    pp_hdlc_params_t p;
    if (pp_hdlc_params_decode(data, size, &p) == PP_OK && size > 0) {
        uint8_t out[64];
        (void)pp_hdlc_params_encode(&p, out, sizeof out);
    }
    pp_hdlc_frmr_t r;
    (void)pp_hdlc_frmr_decode(data, size, &r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    codec(data, size);
    fz_t *z = calloc(1, sizeof *z);
    if (!z) {
        return 0;
    }
    pp_hdlc_link_config_t cfg;
    pp_hdlc_link_config_default(&cfg);
    cfg.max_info_rx = 256;
    cfg.max_info_tx = 64;
    cfg.window_tx = 3;
    cfg.window_rx = 2;
    cfg.server_lower = 32;
    pp_hdlc_link_buffers_t b = {z->rxf, sizeof z->rxf, z->txf, sizeof z->txf,
                                z->rxs, sizeof z->rxs, z->txs, sizeof z->txs};
    pp_hdlc_link_callbacks_t cb = {.deliver = fz_deliver, .output = fz_output};
    if (pp_hdlc_link_init(&z->link, &cfg, &b, &cb, z) != PP_OK) {
        abort();
    }
    uint64_t now = 0;
    size_t pos = 0;
    unsigned chunk = size ? (data[0] % 37u) + 1u : 1u;
    while (pos < size) {
        size_t n = size - pos < chunk ? size - pos : chunk;
        (void)pp_hdlc_link_feed(&z->link, data + pos, n, now);
        pos += n;
        now += (uint64_t)(data[pos - 1] & 0x0Fu) * 3u; /* sometimes past the inter-octet limit */
        if ((data[pos - 1] & 0xF0u) == 0xF0u) {
            now += 130000u; /* and past the inactivity timeout */
            pp_hdlc_link_poll(&z->link, now);
        }
        if (z->link.awaiting_response && (data[pos - 1] & 0x40u)) {
            static const uint8_t late[] = {0xC4, 0x01, 0x81, 0x00};
            (void)pp_hdlc_link_respond(&z->link, late, sizeof late);
        }
    }
    free(z);
    return 0;
}
