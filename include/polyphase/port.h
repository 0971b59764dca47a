/* The one narrow interface between the meter core and its hardware (or the
 * virtual meter's host). The core calls these functions; it never touches an OS.
 *
 * A port is a table of function pointers plus an opaque ctx, owned by the
 * caller and outliving every meter that uses it. All functions are called from
 * the single thread that runs pp_meter_task(); none may block for long.
 * Mandatory entries are marked; the rest may be NULL when the hardware lacks
 * the feature (the meter then behaves as a meter without it).
 * See docs/porting.md for bringing up a new MCU. */
#ifndef POLYPHASE_PORT_H
#define POLYPHASE_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyphase/crc.h"
#include "polyphase/error.h"

/* Permanent memory geometry. Writes never cross a page; on flash-like
 * devices (erase_size > 0) a page must be erased before it is written. */
typedef struct pp_nvm_geometry {
    uint32_t size;             /* bytes */
    uint32_t page_size;        /* largest single write, aligned to it */
    uint32_t erase_size;       /* 0 = EEPROM (byte-rewritable), else sector */
    uint8_t erased_value;      /* 0xFF for flash and most EEPROMs */
    uint32_t endurance_cycles; /* rated writes per cell, for the wear report */
} pp_nvm_geometry_t;

/* Byte-stream channels of the meter; each may carry several connections
 * (e.g. many TCP clients on the DLMS wrapper channel). */
typedef enum pp_channel {
    PP_CH_DLMS_WRAPPER = 0, /* IEC 62056-47 TCP-UDP wrapper */
    PP_CH_DLMS_HDLC = 1,    /* HDLC (IEC 62056-46) on a serial line or TCP */
    PP_CH_OPTICAL = 2,      /* IEC 62056-21 optical head (mode E -> HDLC) */
    PP_CH_MBUS = 3,         /* wired M-Bus (EN 13757-2/3) module */
    PP_CH_HAN = 4,          /* consumer port (CCC module), push only */
    PP_CH_COUNT
} pp_channel_t;

/* One block of simultaneous ADC samples, integer codes; the per-channel scale
 * (volts or amperes per code) is part of the metrology configuration. */
#define PP_ADC_CHANNELS 7 /* U1 U2 U3 I1 I2 I3 In */
typedef struct pp_adc_block {
    int32_t code[PP_ADC_CHANNELS];
} pp_adc_block_t;

/* Digital inputs, read as one bit mask. */
enum {
    PP_IN_BUTTON_LEFT = 1u << 0,
    PP_IN_BUTTON_RIGHT = 1u << 1,  /* push button 2 (Z17) */
    PP_IN_COVER_OPEN = 1u << 2,    /* terminal/meter cover switch */
    PP_IN_MAGNET = 1u << 3,        /* magnetic field sensor */
    PP_IN_MODULE_IO1 = 1u << 4,    /* module I/O 1 when an input (Z3) */
    PP_IN_MODULE_IO2 = 1u << 5,    /* module I/O 2 when an input (Z3) */
    PP_IN_POWER_FAIL = 1u << 6     /* supply monitor: mains lost, running on reserve */
};

/* Pulse and indicator outputs. */
typedef enum pp_output {
    PP_OUT_LED_ACTIVE = 0,  /* meter constant LED, kWh */
    PP_OUT_LED_REACTIVE = 1,/* kvarh LED */
    PP_OUT_S0 = 2,          /* S0 pulse output */
    PP_OUT_MODULE_IO1 = 3,  /* module I/O 1 when an output (Z3) */
    PP_OUT_MODULE_IO2 = 4,
    PP_OUT_COUNT
} pp_output_t;

typedef enum pp_log_level {
    PP_LOG_ERROR = 0,
    PP_LOG_WARN = 1,
    PP_LOG_INFO = 2,
    PP_LOG_DEBUG = 3,
    PP_LOG_TRACE = 4
} pp_log_level_t;

/* A rendered LCD state (segments by meaning, not by glass layout). */
typedef struct pp_display_frame {
    char value[10];    /* 9-digit value field, NUL-terminated, may contain '.' */
    char ident[8];     /* 7-digit OBIS identification field */
    char unit[8];      /* e.g. "kWh", "kW", "V" */
    char text[16];     /* text field */
    uint32_t symbols;  /* PP_SYM_* bits, see display.h */
} pp_display_frame_t;

typedef struct pp_port {
    void *ctx; /* passed to every call; owned by the port */

    /* --- time (mandatory) --- */
    /* Monotonic milliseconds since an arbitrary origin; never goes backwards. */
    uint64_t (*monotonic_ms)(void *ctx);
    /* RTC as UTC milliseconds since 1970-01-01. Returns PP_ERR_STATE when the
     * RTC lost its time (no backup) so the clock is invalid. */
    pp_err_t (*rtc_get)(void *ctx, int64_t *utc_ms);
    pp_err_t (*rtc_set)(void *ctx, int64_t utc_ms);

    /* --- permanent memory (mandatory) --- */
    pp_nvm_geometry_t nvm;
    pp_err_t (*nvm_read)(void *ctx, uint32_t addr, uint8_t *dst, uint32_t len);
    /* Writes len bytes within one page. A power cut may leave any prefix of
     * the bytes written (a torn write); the journal is built for that. */
    pp_err_t (*nvm_write)(void *ctx, uint32_t addr, const uint8_t *src, uint32_t len);
    /* Erases whole erase units (flash only; NULL for EEPROM). */
    pp_err_t (*nvm_erase)(void *ctx, uint32_t addr, uint32_t len);
    /* Memory-mapped NVM (internal flash, the host's RAM or mapped file):
     * len readable octets at addr in place, valid until the next
     * nvm_write or nvm_erase; NULL for a range that cannot be read in
     * place, e.g. external SPI flash, where the core uses nvm_read (log
     * reads then copy slots through a small stack buffer). Optional. */
    const uint8_t *(*nvm_map)(void *ctx, uint32_t addr, uint32_t len);

    /* --- entropy (mandatory, real entropy: HLS challenges, nonces) --- */
    pp_err_t (*rng_fill)(void *ctx, uint8_t *dst, size_t len);

    /* --- cryptography (hardware accelerator or a library such as Mbed TLS) ---
     * AES-128-GCM with a 12-byte IV; tag_len 12 for DLMS suite 0.
     * gcm_decrypt returns PP_ERR_AUTH when the tag does not match and then
     * leaves dst unspecified. NULL => the meter offers no ciphered contexts. */
    pp_err_t (*gcm_encrypt)(void *ctx, const uint8_t key[16], const uint8_t iv[12],
                            const uint8_t *aad, size_t aad_len,
                            const uint8_t *src, size_t len, uint8_t *dst,
                            uint8_t *tag, size_t tag_len);
    pp_err_t (*gcm_decrypt)(void *ctx, const uint8_t key[16], const uint8_t iv[12],
                            const uint8_t *aad, size_t aad_len,
                            const uint8_t *src, size_t len, uint8_t *dst,
                            const uint8_t *tag, size_t tag_len);
    pp_err_t (*sha256)(void *ctx, const uint8_t *src, size_t len, uint8_t digest[32]);
    /* AES key wrap (RFC 3394, default IV A6A6A6A6A6A6A6A6) with a 128-bit
     * KEK: aes_wrap turns len octets (a multiple of 8, at least 16) into
     * len + 8; aes_unwrap turns len octets (a multiple of 8, at least 24)
     * back into len - 8, PP_ERR_AUTH when the integrity check fails (dst
     * then unspecified). dst may not overlap src. NULL => no key transfer
     * (class 64 global_key_transfer refused). */
    pp_err_t (*aes_wrap)(void *ctx, const uint8_t kek[16], const uint8_t *src, size_t len,
                         uint8_t *dst);
    pp_err_t (*aes_unwrap)(void *ctx, const uint8_t kek[16], const uint8_t *src, size_t len,
                           uint8_t *dst);

    /* --- CRC-32 (optional acceleration) ---
     * The CRC-32/ISO-HDLC register update (reflected polynomial 0xEDB88320),
     * exactly as pp_crc32_update(): crc is the register before data, the
     * result the register after len bytes; no init value, no final xor.
     * data has any alignment and may be NULL when len is 0. The log stores
     * and the journal check one on every entry they read, so this is the
     * place for a hardware CRC unit (e.g. STM32 families whose CRC unit
     * reverses input and output) or carry-less multiply (x86 PCLMULQDQ,
     * Arm PMULL; the host port picks it once, at setup).
     * Must not change stored CRCs: the same function, only faster.
     * NULL => the core's table code (pp_crc32_update). */
    uint32_t (*crc32_update)(void *ctx, uint32_t crc, const void *data, size_t len);

    /* --- byte streams (received bytes come in via pp_meter_receive()) --- */
    pp_err_t (*stream_write)(void *ctx, pp_channel_t ch, unsigned conn,
                             const uint8_t *src, size_t len);
    /* Serial channels only (optical baud switch); NULL elsewhere. */
    pp_err_t (*stream_set_baud)(void *ctx, pp_channel_t ch, unsigned conn, uint32_t baud);
    /* The core ends a connection (e.g. HDLC DISC on TCP, wrapper error). */
    void (*stream_close)(void *ctx, pp_channel_t ch, unsigned conn);

    /* --- analogue front end: pulls up to max blocks of samples taken since the
     * last call; returns how many. NULL in power-step mode. --- */
    size_t (*adc_read)(void *ctx, pp_adc_block_t *dst, size_t max);

    /* --- actuators and indicators --- */
    void (*relay_set)(void *ctx, bool connected);
    void (*output_set)(void *ctx, pp_output_t out, bool on);
    void (*display_show)(void *ctx, const pp_display_frame_t *frame);

    /* --- inputs: PP_IN_* bit mask of the current levels --- */
    uint32_t (*inputs_get)(void *ctx);

    /* --- housekeeping --- */
    void (*watchdog_kick)(void *ctx);
    void (*log)(void *ctx, pp_log_level_t level, const char *module, const char *text);
} pp_port_t;

/* Checks that the mandatory entries are present and the geometry is sane. */
pp_err_t pp_port_validate(const pp_port_t *port);

/* CRC-32 register update through the port's crc32_update when it has one,
 * else the core's table code; the core's hot CRC users call this. */
static inline uint32_t pp_port_crc32_update(const pp_port_t *port, uint32_t crc,
                                            const void *data, size_t len)
{
    return port->crc32_update != NULL ? port->crc32_update(port->ctx, crc, data, len)
                                      : pp_crc32_update(crc, data, len);
}

/* One-shot CRC-32 (init, update, final) the same way: equals pp_crc32(). */
static inline uint32_t pp_port_crc32(const pp_port_t *port, const void *data, size_t len)
{
    return pp_crc32_final(pp_port_crc32_update(port, pp_crc32_init(), data, len));
}

#endif
