/* Fuzz target: every xDLMS decoder on the same input (each checks its own
 * tag), the ciphered-header parser and the selective-access parsers.
 * Oracles: no crash or over-read; requests that decode re-encode to an
 * APDU that decodes again to the same length. */
#include <stdint.h>
#include <stdlib.h>

#include "polyphase/xdlms.h"

static uint8_t out[70000];

static void check_requests(const uint8_t *data, size_t size)
{
    pp_xdlms_get_req_t g;
    if (pp_xdlms_get_req_decode(data, size, &g) == PP_OK) {
        int n = pp_xdlms_get_req_encode(&g, out, sizeof out);
        if (n < 0 || pp_xdlms_get_req_decode(out, (size_t)n, &g) != PP_OK) {
            abort();
        }
    }
    pp_xdlms_set_req_t s;
    if (pp_xdlms_set_req_decode(data, size, &s) == PP_OK) {
        int n = pp_xdlms_set_req_encode(&s, out, sizeof out);
        if (n < 0 || pp_xdlms_set_req_decode(out, (size_t)n, &s) != PP_OK) {
            abort();
        }
    }
    pp_xdlms_action_req_t a;
    if (pp_xdlms_action_req_decode(data, size, &a) == PP_OK) {
        int n = pp_xdlms_action_req_encode(&a, out, sizeof out);
        if (n < 0 || pp_xdlms_action_req_decode(out, (size_t)n, &a) != PP_OK) {
            abort();
        }
    }
    pp_xdlms_gbt_t b;
    if (pp_xdlms_gbt_decode(data, size, &b) == PP_OK) {
        int n = pp_xdlms_gbt_encode(&b, out, sizeof out);
        if (n != (int)size || pp_xdlms_gbt_decode(out, (size_t)n, &b) != PP_OK) {
            abort(); /* one encoding only: re-encoding gives the same octets' count */
        }
    }
    pp_xdlms_initiate_req_t i;
    if (pp_xdlms_initiate_req_decode(data, size, &i) == PP_OK) {
        int n = pp_xdlms_initiate_req_encode(&i, out, sizeof out);
        if (n < 0 || pp_xdlms_initiate_req_decode(out, (size_t)n, &i) != PP_OK) {
            abort();
        }
    }
}

static void check_lists(const pp_xdlms_list_t *l, int kind)
{
    pp_axdr_rd_t it;
    pp_axdr_rd_init(&it, l->ptr, l->len);
    for (uint32_t k = 0; k < l->count; k++) {
        pp_err_t rc;
        if (kind == 0) {
            pp_xdlms_attr_sel_t s;
            rc = pp_xdlms_next_attr_sel(&it, &s);
            if (rc == PP_OK && s.access.present && s.access.selector == 1) {
                pp_xdlms_range_t r;
                (void)pp_xdlms_range_parse(s.access.params, s.access.params_len, &r);
            }
        } else {
            bool is_dar;
            uint8_t dar;
            const uint8_t *p;
            uint32_t n;
            rc = pp_xdlms_next_get_result(&it, &is_dar, &dar, &p, &n);
        }
        if (rc != PP_OK) {
            abort(); /* the decoder validated every item already */
        }
    }
    if (it.pos != it.end) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_requests(data, size);
    pp_xdlms_get_req_t g;
    if (pp_xdlms_get_req_decode(data, size, &g) == PP_OK && g.type == PP_GET_REQ_WITH_LIST) {
        check_lists(&g.list, 0);
    }
    pp_xdlms_get_resp_t gr;
    if (pp_xdlms_get_resp_decode(data, size, &gr) == PP_OK && gr.type == PP_GET_RESP_WITH_LIST) {
        check_lists(&gr.list, 1);
    }
    pp_xdlms_initiate_resp_t ir;
    (void)pp_xdlms_initiate_resp_decode(data, size, &ir);
    pp_xdlms_cse_t cse;
    (void)pp_xdlms_cse_decode(data, size, &cse);
    pp_xdlms_set_resp_t sr;
    (void)pp_xdlms_set_resp_decode(data, size, &sr);
    pp_xdlms_action_resp_t ar;
    (void)pp_xdlms_action_resp_decode(data, size, &ar);
    pp_xdlms_event_notification_t en;
    (void)pp_xdlms_event_notification_decode(data, size, &en);
    pp_xdlms_data_notification_t dn;
    (void)pp_xdlms_data_notification_decode(data, size, &dn);
    pp_xdlms_exception_t ex;
    (void)pp_xdlms_exception_decode(data, size, &ex);
    pp_xdlms_cipher_hdr_t ch;
    if (pp_xdlms_cipher_parse(data, size, &ch) == PP_OK &&
        (ch.payload + ch.payload_len != data + size || ch.content_len < 5)) {
        abort();
    }
    pp_xdlms_range_t r;
    if (pp_xdlms_range_parse(data, size, &r) == PP_OK) {
        pp_axdr_rd_t it;
        pp_xdlms_capture_obj_t c;
        pp_axdr_rd_init(&it, r.columns.ptr, r.columns.len);
        for (uint32_t k = 0; k < r.columns.count; k++) {
            if (pp_xdlms_next_capture_obj(&it, &c) != PP_OK) {
                abort();
            }
        }
    }
    pp_xdlms_entry_t e;
    (void)pp_xdlms_entry_parse(data, size, &e);
    return 0;
}
