#include "fake_port.h"

#include "host_crc32.h"
#include "host_crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t fake_monotonic(void *ctx)
{
    return ((pp_fake_port_t *)ctx)->mono_ms;
}

static pp_err_t fake_rtc_get(void *ctx, int64_t *utc_ms)
{
    pp_fake_port_t *f = ctx;
    *utc_ms = f->rtc_ms;
    return f->rtc_valid ? PP_OK : PP_ERR_STATE;
}

static pp_err_t fake_rtc_set(void *ctx, int64_t utc_ms)
{
    pp_fake_port_t *f = ctx;
    f->rtc_ms = utc_ms;
    f->rtc_valid = true;
    return PP_OK;
}

static pp_err_t fake_nvm_read(void *ctx, uint32_t addr, uint8_t *dst, uint32_t len)
{
    pp_fake_port_t *f = ctx;
    if (!f->powered || addr > f->port.nvm.size || len > f->port.nvm.size - addr) {
        return PP_ERR_NVM;
    }
    f->nvm_reads++;
    memcpy(dst, f->nvm + addr, len);
    return PP_OK;
}

const uint8_t *pp_fake_nvm_map(void *ctx, uint32_t addr, uint32_t len)
{
    pp_fake_port_t *f = ctx;
    if (!f->powered || addr > f->port.nvm.size || len > f->port.nvm.size - addr) {
        return NULL; /* the core then tries nvm_read, which reports it */
    }
    f->nvm_maps++;
    return f->nvm + addr;
}

static pp_err_t fake_nvm_write(void *ctx, uint32_t addr, const uint8_t *src, uint32_t len)
{
    pp_fake_port_t *f = ctx;
    const uint32_t page = f->port.nvm.page_size;
    if (!f->powered || addr > f->port.nvm.size || len > f->port.nvm.size - addr) {
        return PP_ERR_NVM;
    }
    if (len > 0 && addr / page != (addr + len - 1) / page) {
        fprintf(stderr, "fake_port: write at %u len %u crosses a page\n", addr, len);
        abort(); /* a core bug, not a device condition */
    }
    if ((int64_t)f->nvm_writes == f->cut_at_write) {
        uint32_t kept = f->cut_at_byte < len ? f->cut_at_byte : len;
        memcpy(f->nvm + addr, src, kept);
        f->nvm_writes++;
        f->powered = false;
        return PP_ERR_NVM;
    }
    memcpy(f->nvm + addr, src, len);
    f->nvm_writes++;
    f->nvm_bytes_written += len;
    return PP_OK;
}

static pp_err_t fake_rng(void *ctx, uint8_t *dst, size_t len)
{
    pp_fake_port_t *f = ctx;
    for (size_t i = 0; i < len; i++) { /* xorshift64*: deterministic test entropy */
        f->rng_state ^= f->rng_state >> 12;
        f->rng_state ^= f->rng_state << 25;
        f->rng_state ^= f->rng_state >> 27;
        dst[i] = (uint8_t)((f->rng_state * 2685821657736338717ull) >> 56);
    }
    return PP_OK;
}

static pp_err_t fake_stream_write(void *ctx, pp_channel_t ch, unsigned conn,
                                  const uint8_t *src, size_t len)
{
    pp_fake_port_t *f = ctx;
    pp_fake_stream_t *s = &f->streams[ch];
    if (len > PP_FAKE_STREAM_CAP - s->len) {
        return PP_ERR_NOSPACE;
    }
    memcpy(s->data + s->len, src, len);
    s->len += len;
    s->last_conn = conn;
    return PP_OK;
}

static pp_err_t fake_stream_set_baud(void *ctx, pp_channel_t ch, unsigned conn, uint32_t baud)
{
    (void)conn;
    ((pp_fake_port_t *)ctx)->streams[ch].baud = baud;
    return PP_OK;
}

static void fake_stream_close(void *ctx, pp_channel_t ch, unsigned conn)
{
    pp_fake_port_t *f = ctx;
    f->streams[ch].closed = true;
    f->streams[ch].last_conn = conn;
}

static void fake_relay_set(void *ctx, bool connected)
{
    ((pp_fake_port_t *)ctx)->relay_connected = connected;
}

static void fake_output_set(void *ctx, pp_output_t out, bool on)
{
    pp_fake_port_t *f = ctx;
    if (on && !f->output_level[out]) {
        f->output_pulses[out]++;
    }
    f->output_level[out] = on;
}

static void fake_display_show(void *ctx, const pp_display_frame_t *frame)
{
    pp_fake_port_t *f = ctx;
    f->display = *frame;
    f->display_updates++;
}

static uint32_t fake_inputs_get(void *ctx)
{
    return ((pp_fake_port_t *)ctx)->inputs;
}

static void fake_log(void *ctx, pp_log_level_t level, const char *module, const char *text)
{
    pp_fake_port_t *f = ctx;
    if (level <= f->log_level) {
        fprintf(stderr, "[%s] %s\n", module, text);
    }
}

void pp_fake_port_init(pp_fake_port_t *f, uint32_t nvm_size, uint32_t page_size)
{
    memset(f, 0, sizeof *f);
    f->nvm = malloc(nvm_size);
    memset(f->nvm, 0xFF, nvm_size);
    f->port = (pp_port_t){
        .ctx = f,
        .monotonic_ms = fake_monotonic,
        .rtc_get = fake_rtc_get,
        .rtc_set = fake_rtc_set,
        .nvm = {.size = nvm_size, .page_size = page_size, .erase_size = 0,
                .erased_value = 0xFF, .endurance_cycles = 100000},
        .nvm_read = fake_nvm_read,
        .nvm_write = fake_nvm_write,
        .rng_fill = fake_rng,
        .aes_wrap = pp_host_aes_wrap,
        .aes_unwrap = pp_host_aes_unwrap,
        .gcm_encrypt = pp_host_gcm_encrypt,
        .gcm_decrypt = pp_host_gcm_decrypt,
        .sha256 = pp_host_sha256,
        .crc32_update = pp_host_crc32_select(),
        .stream_write = fake_stream_write,
        .stream_set_baud = fake_stream_set_baud,
        .stream_close = fake_stream_close,
        .relay_set = fake_relay_set,
        .output_set = fake_output_set,
        .display_show = fake_display_show,
        .inputs_get = fake_inputs_get,
        .log = fake_log,
    };
    f->rtc_ms = 1767225600000; /* 2026-01-01T00:00:00Z */
    f->rtc_valid = true;
    f->cut_at_write = -1;
    f->powered = true;
    f->rng_state = 0x9E3779B97F4A7C15ull;
    f->log_level = PP_LOG_WARN;
}

void pp_fake_port_free(pp_fake_port_t *f)
{
    free(f->nvm);
    f->nvm = NULL;
}

void pp_fake_advance_ms(pp_fake_port_t *f, uint64_t ms)
{
    f->mono_ms += ms;
    f->rtc_ms += (int64_t)ms;
}

void pp_fake_cut_power_at(pp_fake_port_t *f, int64_t write_index, uint32_t byte)
{
    f->cut_at_write = write_index;
    f->cut_at_byte = byte;
}

void pp_fake_power_on(pp_fake_port_t *f)
{
    f->powered = true;
    f->cut_at_write = -1;
}

void pp_fake_stream_clear(pp_fake_port_t *f, pp_channel_t ch)
{
    f->streams[ch].len = 0;
    f->streams[ch].closed = false;
}
