/* The virtual meter's port: POSIX clocks (real time, N times faster, or a
 * virtual clock the caller advances), an NVM image file, Mbed TLS crypto,
 * CRC-32 by carry-less multiply when the CPU has it, kernel entropy, TCP/pty
 * streams, and host-side state for the outputs, inputs and display so the
 * CLI and front panel can show them. */
#ifndef PP_HOST_PORT_H
#define PP_HOST_PORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "host_nvm.h"
#include "net.h"
#include "polyphase/port.h"

typedef enum pp_host_clock_mode {
    PP_HOST_CLOCK_REAL = 0,   /* wall-clock pace times speed */
    PP_HOST_CLOCK_VIRTUAL = 1 /* advanced only by pp_host_port_advance() */
} pp_host_clock_mode_t;

typedef struct pp_host_port {
    pp_port_t port;
    pp_net_t *net;          /* may be NULL (offline simulation) */
    pp_host_nvm_t nvm_file; /* the image file (fd -1: none) */
    uint8_t *nvm_ram;       /* RAM-only NVM when no image file is used */
    pp_host_clock_mode_t clock_mode;
    double speed;
    uint64_t origin_ns;     /* CLOCK_MONOTONIC at start */
    int64_t utc_origin_ms;  /* RTC at start */
    uint64_t virtual_ms;
    int64_t rtc_offset_ms;  /* set by rtc_set */
    uint32_t inputs;        /* PP_IN_* levels, set by the front end */
    bool relay_connected;
    bool output_level[PP_OUT_COUNT];
    uint64_t output_pulses[PP_OUT_COUNT];
    pp_display_frame_t display;
    pp_log_level_t log_level;
    FILE *log;              /* default stderr */
    char tag[32];           /* prefix of log lines (meter number in a fleet) */
    void *tag_ctx;          /* the owner's context, for port callbacks it adds */
} pp_host_port_t;

/* Fills hp->port. utc_start_ms: RTC at start (e.g. now, or a scenario start).
 * speed: 1 real time, N faster (ignored in virtual mode). The NVM and net
 * are attached separately. */
void pp_host_port_init(pp_host_port_t *hp, pp_host_clock_mode_t mode, double speed,
                       int64_t utc_start_ms);
void pp_host_port_attach_net(pp_host_port_t *hp, pp_net_t *net);
/* Opens (or creates) the meter's NVM image at path (host_nvm.h: mapped
 * shared, so a killed process loses nothing it wrote; a file of another
 * geometry or meter, or in use, is refused). NULL path: RAM only. The
 * meter_id guards against opening another meter's image. Message in err. */
int pp_host_port_attach_nvm(pp_host_port_t *hp, const char *path, const char *meter_id,
                            char *err, size_t errlen);
void pp_host_port_close(pp_host_port_t *hp);
/* Virtual clock: moves monotonic time and the RTC forward. */
void pp_host_port_advance(pp_host_port_t *hp, uint64_t ms);
/* Wall-clock UTC now, in ms. */
int64_t pp_host_utc_now_ms(void);

#endif
