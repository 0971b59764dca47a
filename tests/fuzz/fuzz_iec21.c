/* Fuzz target for the IEC 62056-21 parser, data-set decoder and session.
 * Byte 0 picks the chunk size and whether an option select is expected;
 * the rest is the byte stream from the optical head. */
#include <stdint.h>
#include <string.h>

#include "fake_port.h"
#include "polyphase/iec62056_21.h"

static pp_err_t f_read(void *ctx, unsigned access, const uint8_t obis[6],
                       pp_iec21_value_t *out, uint64_t now_ms)
{
    (void)ctx;
    (void)access;
    (void)now_ms;
    if (obis[2] == 1) {
        strcpy(out->text, "0001234.567");
        strcpy(out->unit, "kWh");
        return PP_OK;
    }
    return obis[2] == 96 ? PP_ERR_DENIED : PP_ERR_NOT_FOUND;
}

static pp_iec21_write_result_t f_write(void *ctx, unsigned access, const uint8_t obis[6],
                                       const char *value, size_t len, uint64_t now_ms)
{
    (void)ctx;
    (void)access;
    (void)now_ms;
    for (size_t i = 0; i < len; i++) {
        if (value[i] == '(' || value[i] == ')') {
            __builtin_trap(); /* the decoder let a reserved character through */
        }
    }
    return obis[2] == 0 ? PP_IEC21_WRITE_OK : PP_IEC21_WRITE_LEGAL;
}

static pp_err_t f_item(void *ctx, unsigned list, size_t index, uint8_t obis[6])
{
    (void)ctx;
    return pp_iec21_default_item(list, index, obis);
}

static void parse_all(const uint8_t *data, size_t size, size_t chunk, bool option)
{
    pp_iec21_parser_t p;
    pp_iec21_parser_init(&p, 1500);
    pp_iec21_parser_expect_option(&p, option);
    uint64_t now = 0;
    while (size > 0) {
        size_t n = size < chunk ? size : chunk;
        const uint8_t *c = data;
        size_t left = n;
        while (left > 0) {
            pp_iec21_msg_t m;
            bool got = false;
            size_t used = pp_iec21_parser_feed(&p, c, left, now, &m, &got);
            if (used == 0 && !got) {
                __builtin_trap(); /* no progress: would hang */
            }
            c += used;
            left -= used;
            if (got && m.data_len > 0) {
                pp_iec21_dataset_t ds;
                if (pp_iec21_parse_dataset(m.data, m.data_len, &ds) == PP_OK &&
                    ds.address_len > 0) {
                    uint8_t obis[6];
                    char back[32];
                    if (pp_iec21_parse_obis(ds.address, ds.address_len, obis, NULL) == PP_OK &&
                        pp_iec21_format_obis(back, sizeof back, obis) < 0) {
                        __builtin_trap();
                    }
                }
            }
        }
        data += n;
        size -= n;
        now += 700; /* some gaps exceed ta when chunks are small */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    size_t chunk = (size_t)(data[0] & 0x3Fu) + 1u;
    parse_all(data + 1, size - 1, chunk, (data[0] & 0x40u) != 0);

    static pp_fake_port_t port;
    static bool ready;
    if (!ready) {
        pp_fake_port_init(&port, 4096, 64);
        ready = true;
    }
    pp_fake_stream_clear(&port, PP_CH_OPTICAL);
    pp_iec21_provider_t prov = {NULL, f_read, f_write, f_item};
    pp_iec21_config_t cfg;
    pp_iec21_config_default(&cfg);
    cfg.time_scale = 10;
    cfg.z18 = (data[0] & 0x80u) ? PP_IEC21_AC_UD2 : PP_IEC21_AC_UD1;
    pp_iec21_session_t s;
    if (pp_iec21_session_init(&s, &cfg, &port.port, 0, &prov, 0) != PP_OK) {
        __builtin_trap();
    }
    uint64_t now = 0;
    for (size_t at = 1; at < size; at += chunk) {
        size_t n = size - at < chunk ? size - at : chunk;
        (void)pp_iec21_session_receive(&s, data + at, n, now);
        now += 25;
        (void)pp_iec21_session_poll(&s, now);
        pp_fake_stream_clear(&port, PP_CH_OPTICAL);
    }
    return 0;
}
