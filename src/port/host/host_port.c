#include "host_port.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host_crc32.h"
#include "host_crypto.h"

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int64_t pp_host_utc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t host_monotonic_ms(void *ctx)
{
    pp_host_port_t *hp = ctx;
    if (hp->clock_mode == PP_HOST_CLOCK_VIRTUAL) {
        return hp->virtual_ms;
    }
    return (uint64_t)((double)(mono_ns() - hp->origin_ns) / 1e6 * hp->speed);
}

static pp_err_t host_rtc_get(void *ctx, int64_t *utc_ms)
{
    pp_host_port_t *hp = ctx;
    *utc_ms = hp->utc_origin_ms + (int64_t)host_monotonic_ms(hp) + hp->rtc_offset_ms;
    return PP_OK;
}

static pp_err_t host_rtc_set(void *ctx, int64_t utc_ms)
{
    pp_host_port_t *hp = ctx;
    hp->rtc_offset_ms = utc_ms - hp->utc_origin_ms - (int64_t)host_monotonic_ms(hp);
    return PP_OK;
}

static pp_err_t host_stream_write(void *ctx, pp_channel_t ch, unsigned conn,
                                  const uint8_t *src, size_t len)
{
    pp_host_port_t *hp = ctx;
    return hp->net ? pp_net_write(hp->net, ch, conn, src, len) : PP_ERR_NOT_FOUND;
}

static void host_stream_close(void *ctx, pp_channel_t ch, unsigned conn)
{
    pp_host_port_t *hp = ctx;
    if (hp->net) {
        pp_net_close(hp->net, ch, conn);
    }
}

static void host_log(void *ctx, pp_log_level_t level, const char *module, const char *text);

/* TCP and ptys carry any rate; the change is logged so tests and users see it. */
static pp_err_t host_stream_set_baud(void *ctx, pp_channel_t ch, unsigned conn, uint32_t baud)
{
    char text[64];
    snprintf(text, sizeof text, "line %u at %u baud", conn, (unsigned)baud);
    host_log(ctx, PP_LOG_INFO, ch == PP_CH_OPTICAL ? "optical" : "serial", text);
    return PP_OK;
}

static void host_relay_set(void *ctx, bool connected)
{
    ((pp_host_port_t *)ctx)->relay_connected = connected;
}

static void host_output_set(void *ctx, pp_output_t out, bool on)
{
    pp_host_port_t *hp = ctx;
    if (on && !hp->output_level[out]) {
        hp->output_pulses[out]++;
    }
    hp->output_level[out] = on;
}

static void host_display_show(void *ctx, const pp_display_frame_t *frame)
{
    ((pp_host_port_t *)ctx)->display = *frame;
}

static uint32_t host_inputs_get(void *ctx)
{
    return ((pp_host_port_t *)ctx)->inputs;
}

static void host_log(void *ctx, pp_log_level_t level, const char *module, const char *text)
{
    static const char *const LEVEL[] = {"error", "warn", "info", "debug", "trace"};
    pp_host_port_t *hp = ctx;
    if (level > hp->log_level) {
        return;
    }
    FILE *out = hp->log ? hp->log : stderr;
    fprintf(out, "%s%s%s: %s: %s\n", hp->tag, hp->tag[0] ? " " : "", LEVEL[level], module, text);
}

static pp_err_t ram_nvm_read(void *ctx, uint32_t addr, uint8_t *dst, uint32_t len)
{
    pp_host_port_t *hp = ctx;
    if (addr > hp->port.nvm.size || len > hp->port.nvm.size - addr) {
        return PP_ERR_NVM;
    }
    memcpy(dst, hp->nvm_ram + addr, len);
    return PP_OK;
}

static const uint8_t *ram_nvm_map(void *ctx, uint32_t addr, uint32_t len)
{
    pp_host_port_t *hp = ctx;
    if (addr > hp->port.nvm.size || len > hp->port.nvm.size - addr) {
        return NULL;
    }
    return hp->nvm_ram + addr;
}

static pp_err_t ram_nvm_write(void *ctx, uint32_t addr, const uint8_t *src, uint32_t len)
{
    pp_host_port_t *hp = ctx;
    const uint32_t page = hp->port.nvm.page_size;
    if (addr > hp->port.nvm.size || len > hp->port.nvm.size - addr ||
        (len > 0 && addr / page != (addr + len - 1) / page)) {
        return PP_ERR_NVM;
    }
    memcpy(hp->nvm_ram + addr, src, len);
    return PP_OK;
}

static pp_err_t file_nvm_read(void *ctx, uint32_t addr, uint8_t *dst, uint32_t len)
{
    return pp_host_nvm_read(&((pp_host_port_t *)ctx)->nvm_file, addr, dst, len);
}

static const uint8_t *file_nvm_map(void *ctx, uint32_t addr, uint32_t len)
{
    return pp_host_nvm_map(&((pp_host_port_t *)ctx)->nvm_file, addr, len);
}

static pp_err_t file_nvm_write(void *ctx, uint32_t addr, const uint8_t *src, uint32_t len)
{
    return pp_host_nvm_write(&((pp_host_port_t *)ctx)->nvm_file, addr, src, len);
}

int pp_host_port_attach_nvm(pp_host_port_t *hp, const char *path, const char *meter_id,
                            char *err, size_t errlen)
{
    pp_nvm_geometry_t geo = pp_host_nvm_default_geometry();
    if (path) {
        if (pp_host_nvm_open(&hp->nvm_file, path, &geo, meter_id, false, err, errlen) != PP_OK) {
            return -1;
        }
        hp->port.nvm_read = file_nvm_read;
        hp->port.nvm_map = file_nvm_map;
        hp->port.nvm_write = file_nvm_write;
    } else {
        hp->nvm_ram = malloc(geo.size);
        if (!hp->nvm_ram) {
            snprintf(err, errlen, "out of memory for the NVM");
            return -1;
        }
        memset(hp->nvm_ram, geo.erased_value, geo.size);
        hp->port.nvm_read = ram_nvm_read;
        hp->port.nvm_map = ram_nvm_map;
        hp->port.nvm_write = ram_nvm_write;
    }
    hp->port.nvm = geo;
    return 0;
}

void pp_host_port_close(pp_host_port_t *hp)
{
    pp_host_nvm_close(&hp->nvm_file);
    free(hp->nvm_ram);
    hp->nvm_ram = NULL;
}

void pp_host_port_init(pp_host_port_t *hp, pp_host_clock_mode_t mode, double speed,
                       int64_t utc_start_ms)
{
    memset(hp, 0, sizeof *hp);
    hp->nvm_file.fd = -1;
    hp->clock_mode = mode;
    hp->speed = speed > 0 ? speed : 1.0;
    hp->origin_ns = mono_ns();
    hp->utc_origin_ms = utc_start_ms;
    hp->log_level = PP_LOG_INFO;
    hp->port = (pp_port_t){
        .ctx = hp,
        .monotonic_ms = host_monotonic_ms,
        .rtc_get = host_rtc_get,
        .rtc_set = host_rtc_set,
        .rng_fill = pp_host_rng_fill,
        .aes_wrap = pp_host_aes_wrap,
        .aes_unwrap = pp_host_aes_unwrap,
        .gcm_encrypt = pp_host_gcm_encrypt,
        .gcm_decrypt = pp_host_gcm_decrypt,
        .sha256 = pp_host_sha256,
        .crc32_update = pp_host_crc32_select(),
        .stream_write = host_stream_write,
        .stream_set_baud = host_stream_set_baud,
        .stream_close = host_stream_close,
        .relay_set = host_relay_set,
        .output_set = host_output_set,
        .display_show = host_display_show,
        .inputs_get = host_inputs_get,
        .log = host_log,
    };
}

void pp_host_port_attach_net(pp_host_port_t *hp, pp_net_t *net)
{
    hp->net = net;
}

void pp_host_port_advance(pp_host_port_t *hp, uint64_t ms)
{
    hp->virtual_ms += ms;
}
