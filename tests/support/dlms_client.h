/* A small blocking DLMS/COSEM client for tests, benchmarks and the e2e
 * probe (host code: sockets, Mbed TLS through host_crypto). It speaks LN
 * referencing over the TCP-UDP wrapper (IEC 62056-47) or HDLC carried in TCP
 * (IEC 62056-46: SNRM/UA, I-frames with N(S)/N(R), segmentation both ways,
 * DISC), and builds and reads every APDU with the project's codecs.
 *
 * Associations: no authentication (public, SAP 16), low (password, SAP 17),
 * HLS-GMAC (mechanism 5, SAP 1/2) with security suite 0: glo-ciphering of
 * every APDU (authenticated and encrypted) in the LN-with-ciphering context.
 *
 * Every call returns 0 on success, a positive Data-Access-Result or
 * Action-Result when the meter refused the request in a well-formed answer,
 * or a negative pp_err_t; on any non-zero result pp_dc_error() says exactly
 * what happened (transport, framing, decoding, exception response, ...). */
#ifndef PP_TEST_DLMS_CLIENT_H
#define PP_TEST_DLMS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyphase/acse.h"
#include "polyphase/axdr.h"
#include "polyphase/hdlc.h"
#include "polyphase/wrapper.h"
#include "polyphase/xdlms.h"

#define PP_DC_MAX_APDU 8192u        /* our client-max-receive-pdu-size */
#define PP_DC_MAX_DATA (256u << 10) /* a GET reassembled from blocks */

typedef enum pp_dc_transport {
    PP_DC_WRAPPER = 0, /* TCP-UDP wrapper */
    PP_DC_HDLC = 1     /* HDLC frames in a TCP stream */
} pp_dc_transport_t;

typedef struct pp_dc_config {
    pp_dc_transport_t transport;
    uint8_t client_sap;         /* 16 public, 17 reader, 1 management, 2 installer */
    uint16_t server_logical;    /* 1: management logical device */
    uint16_t server_physical;   /* HDLC lower address (meter number mod 10000 + 16) */
    uint8_t hdlc_addr_len;      /* server address bytes: 1, 2 or 4 */
    bool hdlc_snrm_params;      /* SNRM proposes hdlc_max_info / window 1 */
    uint16_t hdlc_max_info;     /* proposed both ways (32..2030) */
    uint8_t mechanism;          /* PP_ACSE_MECH_NONE, _LOW or _HIGH_GMAC */
    const char *password;       /* LLS password */
    bool ciphered;              /* LN-with-ciphering context (needs keys) */
    uint8_t system_title[8];    /* ours */
    uint8_t guek[16];           /* global unicast encryption key */
    uint8_t gak[16];            /* authentication key */
    const uint8_t *dedicated_key; /* NULL, or 16 octets sent in the InitiateRequest */
    uint32_t invocation_counter;/* first IC we send */
    uint8_t hls_challenge_len;  /* CtoS length, 8..64 */
    const uint8_t *hls_challenge; /* NULL: random */
    uint32_t conformance;       /* proposed conformance block */
    uint16_t max_pdu;           /* client-max-receive-pdu-size */
    int timeout_ms;             /* per answer */
    size_t recv_chunk;          /* tests: at most this many bytes per recv (0: any) */
} pp_dc_config_t;

/* Defaults: wrapper, public client SAP 16 to logical device 1, physical
 * address 16 (4-byte form), SNRM with 1024-byte fields, the common test keys,
 * system title "PPC" 00000001, 16-byte challenges, conformance with GET/SET/
 * ACTION, selective access and block transfer, max PDU 2048, timeout 5 s. */
void pp_dc_config_default(pp_dc_config_t *cfg);

typedef struct pp_dc {
    pp_dc_config_t cfg;
    int fd;
    char err[256];
    bool associated;
    /* receive stream */
    uint8_t rx[8192];
    size_t rx_len;
    pp_hdlc_framer_t hframer;
    uint8_t hframe_buf[PP_HDLC_FRAME_BUF_SIZE(PP_HDLC_INFO_MAX)];
    pp_wrapper_framer_t wframer;
    uint8_t wbuf[PP_DC_MAX_APDU + 64];
    /* HDLC state */
    uint8_t vs, vr;
    uint16_t hdlc_tx_info, hdlc_rx_info; /* negotiated */
    /* APDU buffers */
    uint8_t req[PP_DC_MAX_APDU + 64];
    uint8_t hdlc_sdu[PP_DC_MAX_APDU + 64]; /* HDLC response reassembled */
    /* last response APDU (deciphered), in hdlc_sdu, wbuf or plain: valid
     * until the next exchange */
    const uint8_t *resp;
    size_t resp_len;
    uint8_t plain[PP_DC_MAX_APDU + 64];
    uint8_t data[PP_DC_MAX_DATA]; /* reassembled GET data */
    uint8_t invoke_id;
    /* association results */
    uint32_t conformance;       /* negotiated */
    uint16_t server_max_pdu;
    uint8_t server_title[8];
    bool has_server_title;
    uint8_t ctos[64];
    uint8_t stoc[64];
    uint8_t stoc_len;
    uint32_t ic;                /* next IC we send */
    uint32_t server_ic;         /* last IC received */
    /* counters */
    uint32_t requests, blocks;
    uint64_t bytes_sent, bytes_received;
} pp_dc_t;

/* Connect to host:port (numeric IPv4 or a name) over TCP; for HDLC also
 * SNRM/UA. */
int pp_dc_connect(pp_dc_t *c, const pp_dc_config_t *cfg, const char *host, uint16_t port);
/* Same over an already connected stream (a socketpair in tests). The
 * client owns fd from now on. */
int pp_dc_attach(pp_dc_t *c, const pp_dc_config_t *cfg, int fd);
/* AARQ/AARE (and for HLS the reply_to_HLS_authentication exchange). A
 * rejected association returns PP_ERR_DENIED with the diagnostic named. */
int pp_dc_associate(pp_dc_t *c);

/* GET of one attribute; access NULL or a selective access descriptor. The
 * whole Data (block transfer reassembled) is copied to out; *out_len set. */
int pp_dc_get(pp_dc_t *c, uint16_t class_id, const uint8_t ln[6], int8_t attr,
              const pp_xdlms_access_t *access, uint8_t *out, size_t cap, size_t *out_len);
/* The same GET, checked the same way, without the copy: *data points into
 * the client (the answer, or the blocks reassembled) until its next call. */
int pp_dc_get_in_place(pp_dc_t *c, uint16_t class_id, const uint8_t ln[6], int8_t attr,
                       const pp_xdlms_access_t *access, const uint8_t **data, size_t *len);
/* The range descriptor pp_dc_get_range sends, built once into params
 * (64 octets are enough) for repeated GETs of the same range. */
int pp_dc_range_access(pp_dc_t *c, const pp_xdlms_capture_obj_t *restricting,
                       const pp_axdr_datetime_t *from, const pp_axdr_datetime_t *to,
                       uint8_t *params, size_t cap, pp_xdlms_access_t *access);
/* Profile buffer (attribute 2) by range on the clock column (class 8
 * 0.1.1.0.0.255 attribute 2 unless restricting is given) from..to, all
 * columns. */
int pp_dc_get_range(pp_dc_t *c, const uint8_t ln[6], const pp_xdlms_capture_obj_t *restricting,
                    const pp_axdr_datetime_t *from, const pp_axdr_datetime_t *to,
                    uint8_t *out, size_t cap, size_t *out_len);
/* Profile buffer by entry (1-based, 0 in to_entry: the last). */
int pp_dc_get_entry(pp_dc_t *c, const uint8_t ln[6], uint32_t from_entry, uint32_t to_entry,
                    uint8_t *out, size_t cap, size_t *out_len);
/* SET of one attribute to the Data value. */
int pp_dc_set(pp_dc_t *c, uint16_t class_id, const uint8_t ln[6], int8_t attr,
              const uint8_t *value, size_t len);
/* ACTION; params NULL for none. Returned Data (if any) copied to ret. */
int pp_dc_action(pp_dc_t *c, uint16_t class_id, const uint8_t ln[6], int8_t method,
                 const uint8_t *params, size_t params_len, uint8_t *ret, size_t cap,
                 size_t *ret_len);
/* One raw APDU exchange (ciphered when the association is); the answer is
 * in c->resp / c->resp_len. */
int pp_dc_exchange(pp_dc_t *c, const uint8_t *apdu, size_t len);
/* RLRQ/RLRE, then for HDLC DISC/UA. */
int pp_dc_release(pp_dc_t *c);
/* Closes the socket (no release). */
void pp_dc_close(pp_dc_t *c);

const char *pp_dc_error(const pp_dc_t *c);
/* "a.b.c.d.e.f" -> 6 octets; -1 when malformed. */
int pp_dc_parse_obis(const char *s, uint8_t ln[6]);
/* Prints one Data value as text ("{2026-01-01 00:00:00, 1234}"); returns
 * the length written (truncated to cap - 1) or -1 when the value is bad. */
int pp_dc_format_data(const uint8_t *data, size_t len, char *out, size_t cap);

#endif
