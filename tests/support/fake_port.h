/* A deterministic port for tests: fake monotonic clock and RTC, NVM in RAM with
 * power-cut injection, seeded RNG, captured stream output, settable inputs;
 * crypto and the CRC-32 hook as the host port has them.
 * Host-only (uses the heap); never linked into the core. */
#ifndef PP_TEST_FAKE_PORT_H
#define PP_TEST_FAKE_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyphase/port.h"

#define PP_FAKE_STREAM_CAP 65536u

typedef struct pp_fake_stream {
    uint8_t data[PP_FAKE_STREAM_CAP];
    size_t len;
    unsigned last_conn;
    bool closed;
    uint32_t baud;
} pp_fake_stream_t;

typedef struct pp_fake_port {
    pp_port_t port;        /* hand &fake.port to the core */
    uint64_t mono_ms;
    int64_t rtc_ms;
    bool rtc_valid;
    uint8_t *nvm;          /* nvm image, port.nvm.size bytes */
    uint64_t nvm_writes;   /* nvm_write calls so far */
    uint64_t nvm_bytes_written;
    uint64_t nvm_reads;
    uint64_t nvm_maps;     /* nvm_map calls that gave a pointer */
    /* Power-cut injection: when nvm_writes reaches cut_at_write, that write
     * stores only its first cut_at_byte bytes (a torn write) and every later
     * write and read fails with PP_ERR_NVM until pp_fake_power_on(). */
    int64_t cut_at_write;  /* -1: never */
    uint32_t cut_at_byte;
    bool powered;
    uint64_t rng_state;
    pp_fake_stream_t streams[PP_CH_COUNT];
    uint32_t inputs;
    bool relay_connected;
    uint32_t output_pulses[PP_OUT_COUNT]; /* rising edges seen */
    bool output_level[PP_OUT_COUNT];
    pp_display_frame_t display;
    unsigned display_updates;
    pp_log_level_t log_level; /* messages at or below it go to stderr */
} pp_fake_port_t;

/* page_size divides nvm_size; erase_size 0 models an EEPROM. */
void pp_fake_port_init(pp_fake_port_t *f, uint32_t nvm_size, uint32_t page_size);
void pp_fake_port_free(pp_fake_port_t *f);
void pp_fake_advance_ms(pp_fake_port_t *f, uint64_t ms); /* moves both clocks */
void pp_fake_cut_power_at(pp_fake_port_t *f, int64_t write_index, uint32_t byte);
void pp_fake_power_on(pp_fake_port_t *f); /* restores NVM access, no cut pending */
void pp_fake_stream_clear(pp_fake_port_t *f, pp_channel_t ch);
/* An nvm_map over the image (not set by init: port.nvm_map = this maps). */
const uint8_t *pp_fake_nvm_map(void *ctx, uint32_t addr, uint32_t len);

#endif
