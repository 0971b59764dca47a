/* TCP-UDP wrapper of DLMS/COSEM (IEC 62056-47, Green Book "TCP-UDP based
 * communication profiles"): every APDU travels behind an 8-byte header
 *   version (0x0001) | source wPort | destination wPort | APDU length
 * all big-endian. wPorts name the client and server SAPs (0x0001 management
 * logical device, 0x0010 public client, ...). IANA port 4059 for TCP.
 *
 * The framer is incremental over a TCP byte stream. A TCP stream has no
 * resynchronisation marker, so a header it cannot accept (version other than
 * 1, length 0 or above the caller's maximum APDU size) is a sticky error:
 * the caller closes the connection (docs/hdlc.md, wrapper section). Which
 * wPorts are served is the upper layer's decision. */
#ifndef POLYPHASE_WRAPPER_H
#define POLYPHASE_WRAPPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyphase/error.h"

#define PP_WRAPPER_HEADER_LEN 8u
#define PP_WRAPPER_VERSION 0x0001u
#define PP_WRAPPER_TCP_PORT 4059u
#define PP_WRAPPER_WPORT_MANAGEMENT 0x0001u /* management logical device */
#define PP_WRAPPER_WPORT_PUBLIC 0x0010u     /* public client */

typedef struct pp_wrapper_header {
    uint16_t version;
    uint16_t src; /* source wPort */
    uint16_t dst; /* destination wPort */
    uint16_t len; /* APDU bytes that follow */
} pp_wrapper_header_t;

/* Writes the 8 header bytes (version 1). */
void pp_wrapper_header_encode(uint16_t src, uint16_t dst, uint16_t len,
                              uint8_t out[PP_WRAPPER_HEADER_LEN]);
/* Reads 8 header bytes without judging them. PP_ERR_TRUNCATED if len < 8. */
pp_err_t pp_wrapper_header_decode(const uint8_t *in, size_t len, pp_wrapper_header_t *h);
/* Writes header + APDU (apdu may already sit at out + 8: it is moved, not
 * copied over itself). Returns the total length, PP_ERR_RANGE for an APDU
 * above 65535 bytes, PP_ERR_NOSPACE when it does not fit cap. */
int pp_wrapper_encode(uint16_t src, uint16_t dst, const uint8_t *apdu, size_t len,
                      uint8_t *out, size_t cap);

typedef struct pp_wrapper_framer {
    uint8_t *buf;  /* APDU storage, caller-owned */
    size_t cap;    /* the largest APDU accepted */
    uint8_t hdr[PP_WRAPPER_HEADER_LEN];
    size_t hdr_got;
    pp_wrapper_header_t h;
    size_t got;    /* APDU bytes received */
    bool ready;    /* an APDU was returned; reset on the next feed */
    pp_err_t error; /* sticky: once set, feed only returns it */
} pp_wrapper_framer_t;

typedef struct pp_wrapper_apdu {
    uint16_t src;        /* client wPort */
    uint16_t dst;        /* server wPort */
    const uint8_t *data; /* valid until the next feed */
    size_t len;
} pp_wrapper_apdu_t;

void pp_wrapper_framer_init(pp_wrapper_framer_t *fr, uint8_t *buf, size_t cap);
void pp_wrapper_framer_reset(pp_wrapper_framer_t *fr);
/* Consumes bytes up to the end of one APDU; returns the count consumed
 * (call again with the rest) and sets *got when out holds an APDU.
 * Negative: PP_ERR_UNSUPPORTED (version is not 0x0001), PP_ERR_RANGE
 * (length above cap), PP_ERR_MALFORMED (length 0); the framer then stays in
 * error and the connection must be closed. */
int pp_wrapper_framer_feed(pp_wrapper_framer_t *fr, const uint8_t *data, size_t n,
                           pp_wrapper_apdu_t *out, bool *got);
/* True between APDUs (nothing buffered): a clean place to close. */
bool pp_wrapper_framer_idle(const pp_wrapper_framer_t *fr);

#endif
