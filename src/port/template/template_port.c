/* Template port: the starting point for a new MCU (see docs/porting.md).
 * Every function compiles and does the safest thing; replace each body with
 * the driver of your board. Nothing here allocates or blocks. */
#include "template_port.h"

static uint64_t tpl_monotonic_ms(void *ctx)
{
    template_board_t *b = ctx;
    return b->ms_ticks; /* increment from a 1 ms SysTick interrupt */
}

static pp_err_t tpl_rtc_get(void *ctx, int64_t *utc_ms)
{
    template_board_t *b = ctx;
    *utc_ms = b->rtc_utc_ms; /* read the RTC peripheral */
    return b->rtc_valid ? PP_OK : PP_ERR_STATE;
}

static pp_err_t tpl_rtc_set(void *ctx, int64_t utc_ms)
{
    template_board_t *b = ctx;
    b->rtc_utc_ms = utc_ms;
    b->rtc_valid = true;
    return PP_OK;
}

static pp_err_t tpl_nvm_read(void *ctx, uint32_t addr, uint8_t *dst, uint32_t len)
{
    (void)ctx; /* I2C/SPI EEPROM read of len bytes at addr */
    for (uint32_t i = 0; i < len; i++) {
        dst[i] = (uint8_t)(addr + i == 0 ? 0xFF : 0xFF);
    }
    return PP_OK;
}

static pp_err_t tpl_nvm_write(void *ctx, uint32_t addr, const uint8_t *src, uint32_t len)
{
    (void)ctx; (void)addr; (void)src; (void)len; /* page write, then poll ready */
    return PP_ERR_NVM;
}

static pp_err_t tpl_rng_fill(void *ctx, uint8_t *dst, size_t len)
{
    (void)ctx; (void)dst; (void)len; /* TRNG peripheral; never a PRNG with a fixed seed */
    return PP_ERR_PORT;
}

/* AES key wrap (RFC 3394): the MCU's AES engine in ECB mode, 6 * n block
 * operations; until then key transfer is refused. */
static pp_err_t tpl_aes_wrap(void *ctx, const uint8_t kek[16], const uint8_t *src, size_t len,
                             uint8_t *dst)
{
    (void)ctx; (void)kek; (void)src; (void)len; (void)dst;
    return PP_ERR_UNSUPPORTED;
}

static pp_err_t tpl_aes_unwrap(void *ctx, const uint8_t kek[16], const uint8_t *src, size_t len,
                               uint8_t *dst)
{
    (void)ctx; (void)kek; (void)src; (void)len; (void)dst;
    return PP_ERR_UNSUPPORTED;
}

static pp_err_t tpl_stream_write(void *ctx, pp_channel_t ch, unsigned conn,
                                 const uint8_t *src, size_t len)
{
    (void)ctx; (void)ch; (void)conn; (void)src; (void)len; /* UART TX via DMA */
    return PP_OK;
}

static void tpl_relay_set(void *ctx, bool connected)
{
    (void)ctx; (void)connected; /* pulse the bistable relay coil */
}

static void tpl_output_set(void *ctx, pp_output_t out, bool on)
{
    (void)ctx; (void)out; (void)on; /* GPIO for LED / S0 optocoupler */
}

static uint32_t tpl_inputs_get(void *ctx)
{
    (void)ctx; /* GPIO levels: buttons, cover switch, hall sensor, module I/O */
    return 0;
}

static void tpl_watchdog_kick(void *ctx)
{
    (void)ctx; /* IWDG reload */
}

void template_port_init(pp_port_t *port, template_board_t *board)
{
    *port = (pp_port_t){
        .ctx = board,
        .monotonic_ms = tpl_monotonic_ms,
        .rtc_get = tpl_rtc_get,
        .rtc_set = tpl_rtc_set,
        .nvm = {.size = 1u << 20, .page_size = 256, .erase_size = 0,
                .erased_value = 0xFF, .endurance_cycles = 1000000},
        .nvm_read = tpl_nvm_read,
        .nvm_write = tpl_nvm_write,
        .nvm_map = NULL, /* internal flash: a pointer into its address window */
        .rng_fill = tpl_rng_fill,
        .aes_wrap = tpl_aes_wrap,
        .aes_unwrap = tpl_aes_unwrap,
        /* .crc32_update: NULL uses the core's tables; point it at the
         * MCU's CRC unit (reflected in and out) to speed up log reads. */
        .stream_write = tpl_stream_write,
        .relay_set = tpl_relay_set,
        .output_set = tpl_output_set,
        .inputs_get = tpl_inputs_get,
        .watchdog_kick = tpl_watchdog_kick,
    };
}

size_t template_uart_take(template_uart_t *u, uint8_t *dst, size_t cap)
{
    size_t n = 0;
    while (n < cap && u->tail != u->head) {
        dst[n++] = u->ring[u->tail];
        u->tail = (uint16_t)((u->tail + 1u) % TEMPLATE_UART_RING);
    }
    return n;
}
