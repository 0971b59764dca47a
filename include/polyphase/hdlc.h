/* HDLC data link layer of DLMS/COSEM (IEC 62056-46, DLMS UA Green Book
 * "HDLC based data link layer"; procedures from ISO/IEC 13239).
 *
 * Three parts, usable on their own:
 *  - frame codec: pure functions over caller buffers (frame format type 3,
 *    1/2/4-byte addresses, control field, HCS/FCS = CRC-16/X.25), the SNRM/UA
 *    parameter field and the FRMR information field;
 *  - framer: incremental receiver turning a byte stream into frames (shared
 *    flags, garbage between frames, inter-octet timeout, oversize frames);
 *  - link: the secondary station (the meter) of one data link connection:
 *    NDM/NRM, SNRM/UA negotiation, I-frames with N(S)/N(R), RR/RNR,
 *    segmentation both ways, DISC/DM, FRMR, UI, inactivity timeout.
 * The link knows nothing of DLMS: it hands the upper layer the information
 * field of a complete (reassembled) I or UI frame, with the LLC header
 * E6 E6 00 removed, and sends back response bytes behind E6 E7 00.
 * Conformance notes and the handling of every malformed frame: docs/hdlc.md. */
#ifndef POLYPHASE_HDLC_H
#define POLYPHASE_HDLC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyphase/error.h"

/* ------------------------------------------------------------------ wire -- */

#define PP_HDLC_FLAG 0x7Eu
#define PP_HDLC_FORMAT_TYPE 0xA0u      /* frame format type 3, high nibble */
#define PP_HDLC_FORMAT_SEGMENT 0x08u   /* S bit in the first format byte */
#define PP_HDLC_FRAME_LEN_MAX 2047u    /* 11-bit frame length: format..FCS */
/* Largest bytes a frame adds around its information field: two flags, format
 * (2), two 4-byte addresses, control, HCS (2), FCS (2). */
#define PP_HDLC_OVERHEAD 17u
/* Information field limits of the HDLC setup object (class 23). */
#define PP_HDLC_INFO_MIN 32u
#define PP_HDLC_INFO_MAX 2030u
#define PP_HDLC_DEFAULT_INFO 128u      /* when SNRM carries no parameters */
#define PP_HDLC_DEFAULT_WINDOW 1u
#define PP_HDLC_WINDOW_MAX 7u          /* modulo-8 sequence numbers */
/* Bytes a frame buffer needs for frames with info fields up to max_info. */
#define PP_HDLC_FRAME_BUF_SIZE(max_info) ((size_t)(max_info) + PP_HDLC_OVERHEAD)

/* LLC header (ISO/IEC 8802-2) in front of every DLMS APDU on HDLC. */
#define PP_HDLC_LLC_LEN 3u
#define PP_HDLC_LSAP 0xE6u
#define PP_HDLC_LSAP_RESPONSE 0xE7u

/* Reserved addresses (Green Book, HDLC addressing). Upper and lower values
 * depend on the address length: 7 bits in 1- and 2-byte forms, 14 bits in
 * the 4-byte form. */
#define PP_HDLC_ADDR_NO_STATION 0x00u
#define PP_HDLC_ADDR_MANAGEMENT 0x01u   /* management logical device */
#define PP_HDLC_ADDR_ALL_7 0x7Fu        /* all-station, 7-bit fields */
#define PP_HDLC_ADDR_ALL_14 0x3FFFu     /* all-station, 14-bit fields */
#define PP_HDLC_PHYSICAL_BASE 16u       /* lowest assignable physical address */

/* Control field values with the P/F bit clear (set it with PP_HDLC_PF). */
#define PP_HDLC_PF 0x10u
#define PP_HDLC_CTRL_RR 0x01u
#define PP_HDLC_CTRL_RNR 0x05u
#define PP_HDLC_CTRL_SNRM 0x83u
#define PP_HDLC_CTRL_DISC 0x43u
#define PP_HDLC_CTRL_UA 0x63u
#define PP_HDLC_CTRL_DM 0x0Fu
#define PP_HDLC_CTRL_FRMR 0x87u
#define PP_HDLC_CTRL_UI 0x03u

typedef enum pp_hdlc_type {
    PP_HDLC_I = 0,
    PP_HDLC_RR,
    PP_HDLC_RNR,
    PP_HDLC_SNRM,
    PP_HDLC_DISC,
    PP_HDLC_UA,
    PP_HDLC_DM,
    PP_HDLC_FRMR,
    PP_HDLC_UI,
    PP_HDLC_UNDEFINED /* REJ, SREJ and every other code 62056-46 does not use */
} pp_hdlc_type_t;

/* One address field. A 1-byte address carries its value in `upper` (the
 * client SAP, or the server's logical device); `lower` is the physical
 * device address of 2- and 4-byte server addresses. */
typedef struct pp_hdlc_addr {
    uint16_t upper;
    uint16_t lower;
    uint8_t len; /* 1, 2 or 4 bytes on the wire */
} pp_hdlc_addr_t;

typedef struct pp_hdlc_frame {
    pp_hdlc_addr_t dst;
    pp_hdlc_addr_t src;
    uint8_t control;
    bool segmented;      /* S bit: more segments of this information follow */
    const uint8_t *info; /* decode: points into the decoded buffer */
    size_t info_len;     /* 0: no information field (and no HCS) */
} pp_hdlc_frame_t;

pp_hdlc_type_t pp_hdlc_control_type(uint8_t control);
bool pp_hdlc_control_pf(uint8_t control);
unsigned pp_hdlc_control_ns(uint8_t control); /* I frames */
unsigned pp_hdlc_control_nr(uint8_t control); /* I, RR, RNR */
uint8_t pp_hdlc_control_i(unsigned ns, unsigned nr, bool pf);
/* RR or RNR with N(R); any other type gives 0xFF. */
uint8_t pp_hdlc_control_s(pp_hdlc_type_t type, unsigned nr, bool pf);
/* SNRM, DISC, UA, DM, FRMR or UI; any other type gives 0xFF. */
uint8_t pp_hdlc_control_u(pp_hdlc_type_t type, bool pf);

/* Writes one frame with both flags into out. Returns its length, or
 * PP_ERR_ARG (address not encodable in its length, info too long for the
 * 11-bit length) or PP_ERR_NOSPACE (nothing written past cap). */
int pp_hdlc_frame_encode(const pp_hdlc_frame_t *f, uint8_t *out, size_t cap);

/* Decodes one frame, flags included (7E ... 7E). f->info points into buf.
 * PP_ERR_TRUNCATED: shorter than the smallest frame; PP_ERR_MALFORMED: not
 * format type 3, frame length differs from len - 2, address of 3 or more
 * than 4 bytes, missing flags; PP_ERR_CRC: HCS or FCS wrong. */
pp_err_t pp_hdlc_frame_decode(const uint8_t *buf, size_t len, pp_hdlc_frame_t *f);
/* One line for traces: "I N(S)=0 N(R)=1 P/F 16->1/5694 info 21 B | 7E A0 ..."
 * (type, sequence numbers, poll/final, segmentation, source -> destination,
 * information length, then the bytes). Never fails on garbage; returns the
 * text length (truncated to cap-1, NUL-terminated when cap > 0). */
int pp_hdlc_frame_describe(const uint8_t *frame, size_t len, char *out, size_t cap);
/* Decodes only format, addresses and control (checking the HCS when the
 * frame has info) from the first len bytes of a frame (opening flag
 * included), e.g. of an oversize frame. info_len comes from the frame length;
 * info is NULL. Errors as pp_hdlc_frame_decode. */
pp_err_t pp_hdlc_header_decode(const uint8_t *buf, size_t len, pp_hdlc_frame_t *f);

/* ----------------------------------------- SNRM/UA parameter negotiation -- */

/* Values from the point of view of the frame's sender: in a SNRM the
 * client's transmit length is what the meter receives. */
typedef struct pp_hdlc_params {
    uint32_t max_info_tx;
    uint32_t max_info_rx;
    uint32_t window_tx;
    uint32_t window_rx;
} pp_hdlc_params_t;

/* Parses the information field of a SNRM or UA (format identifier 0x81,
 * group 0x80, parameters 05/06/07/08 of 1..4 bytes; other parameters of the
 * group are skipped). Absent parameters, or len 0, give the defaults
 * (128 bytes, window 1). PP_ERR_MALFORMED on any structural error. */
pp_err_t pp_hdlc_params_decode(const uint8_t *info, size_t len, pp_hdlc_params_t *p);
/* Writes all four parameters (lengths in 1 or 2 bytes, windows in 4 bytes as
 * the Green Book example shows). Returns the length or PP_ERR_NOSPACE. */
int pp_hdlc_params_encode(const pp_hdlc_params_t *p, uint8_t *out, size_t cap);

/* ---------------------------------------------------------- FRMR field -- */

enum {
    PP_HDLC_FRMR_W = 1u << 0, /* control field undefined or not implemented */
    PP_HDLC_FRMR_X = 1u << 1, /* information field not permitted (with W) */
    PP_HDLC_FRMR_Y = 1u << 2, /* information field too long */
    PP_HDLC_FRMR_Z = 1u << 3  /* invalid N(R) */
};

typedef struct pp_hdlc_frmr {
    uint8_t rejected_control;
    uint8_t vs;      /* sender's V(S) */
    uint8_t vr;      /* sender's V(R) */
    bool response;   /* C/R: the rejected frame was a response */
    uint8_t reasons; /* PP_HDLC_FRMR_* bits */
} pp_hdlc_frmr_t;

#define PP_HDLC_FRMR_INFO_LEN 3u
void pp_hdlc_frmr_encode(const pp_hdlc_frmr_t *r, uint8_t out[PP_HDLC_FRMR_INFO_LEN]);
pp_err_t pp_hdlc_frmr_decode(const uint8_t *info, size_t len, pp_hdlc_frmr_t *r);

/* --------------------------------------------------------------- framer -- */

/* Incremental receiver. Frames are delimited by flags and by the length in
 * the format field (62056-46 uses no byte stuffing, so 7E may occur inside
 * a frame). A frame is dropped when it lacks its closing flag, has an
 * impossible length, or a gap between two of its octets exceeds the
 * inter-octet timeout. A frame longer than the buffer is still followed to
 * its end (checking the FCS on the fly) and reported as oversize with its
 * first cap bytes, so the link can answer FRMR Y as the standard asks. */
typedef struct pp_hdlc_framer {
    uint8_t *buf;
    size_t cap;
    size_t len;      /* bytes of the current frame, opening flag included */
    size_t need;     /* total length incl. both flags, once known */
    uint16_t crc;    /* running CRC over format..FCS */
    uint8_t state;
    uint8_t fmt0;    /* first format byte of the current frame */
    bool ready;      /* a frame was returned; reset on the next feed */
    uint32_t inter_octet_ms; /* 0: no limit */
    uint64_t last_ms;
    uint32_t dropped; /* frames given up (timeout, no closing flag, bad length) */
} pp_hdlc_framer_t;

typedef struct pp_hdlc_rx {
    const uint8_t *frame; /* 7E ... 7E, valid until the next feed */
    size_t len;           /* bytes at frame (at most cap when oversize) */
    size_t wire_len;      /* whole frame length incl. flags */
    bool oversize;        /* wire_len > cap: only the start is in frame */
    bool fcs_ok;          /* FCS over the whole frame verified */
} pp_hdlc_rx_t;

/* buf must hold the largest frame to be received: PP_HDLC_FRAME_BUF_SIZE. */
void pp_hdlc_framer_init(pp_hdlc_framer_t *fr, uint8_t *buf, size_t cap,
                         uint32_t inter_octet_ms);
void pp_hdlc_framer_reset(pp_hdlc_framer_t *fr);
/* Consumes bytes up to and including the end of one frame. Returns the
 * number consumed; *got tells whether rx holds a frame. Call again with the
 * rest of the input until it is all consumed. */
size_t pp_hdlc_framer_feed(pp_hdlc_framer_t *fr, const uint8_t *data, size_t n,
                           uint64_t now_ms, pp_hdlc_rx_t *rx, bool *got);

/* ----------------------------------------------------------------- link -- */

/* Physical device address derived from the meter number, as many meters do:
 * (meter number mod 10000) + 16, giving 16..10015 (fits the 4-byte form;
 * the 2-byte form only for results up to 127). */
uint16_t pp_hdlc_physical_address(uint64_t meter_number);

typedef struct pp_hdlc_link_config {
    uint16_t server_upper;    /* logical device address; 1 = management */
    uint16_t server_lower;    /* physical device address; 0x10..0x3FFD */
    uint16_t max_info_tx;     /* our transmit capability, 32..2030 */
    uint16_t max_info_rx;     /* our receive capability, 32..2030 */
    uint8_t window_tx;        /* 1..7 */
    uint8_t window_rx;        /* 1..7 */
    uint32_t inactivity_ms;   /* NRM without a frame this long -> NDM; 0: never */
    uint32_t inter_octet_ms;  /* 0: no limit */
} pp_hdlc_link_config_t;

/* Defaults of the HDLC setup object (class 23): upper 1, lower 16, 128-byte
 * information fields, window 1, inactivity 120 s, inter-octet 25 ms. */
void pp_hdlc_link_config_default(pp_hdlc_link_config_t *cfg);

typedef enum pp_hdlc_state {
    PP_HDLC_NDM = 0, /* normal disconnected mode */
    PP_HDLC_NRM,     /* normal response mode: connected */
    PP_HDLC_FRMR_COND /* frame reject condition: only SNRM or DISC clears it */
} pp_hdlc_state_t;

typedef enum pp_hdlc_event {
    PP_HDLC_EV_CONNECTED = 0, /* SNRM accepted (also after a re-SNRM) */
    PP_HDLC_EV_DISCONNECTED,  /* DISC, or a re-SNRM ending the old connection */
    PP_HDLC_EV_TIMEOUT        /* inactivity timeout: back to NDM */
} pp_hdlc_event_t;

/* A complete service data unit from the client, LLC header removed. */
typedef struct pp_hdlc_sdu {
    const uint8_t *data; /* valid only during the callback */
    size_t len;
    uint8_t client;       /* client address (SAP) */
    uint16_t server_upper; /* logical device addressed */
    bool unnumbered;      /* came in UI frame(s): no response expected */
    bool broadcast;       /* addressed to all stations: never answered */
} pp_hdlc_sdu_t;

typedef struct pp_hdlc_link_callbacks {
    /* Gets an SDU. May write the response APDU (no LLC) into resp and
     * return its length; 0 for no response; PP_ERR_BUSY when the response
     * will come later through pp_hdlc_link_respond(); any other negative
     * value counts as no response. */
    int (*deliver)(void *user, const pp_hdlc_sdu_t *sdu, uint8_t *resp, size_t resp_cap);
    /* Sends one complete frame (flags included) to the client. */
    pp_err_t (*output)(void *user, const uint8_t *frame, size_t len);
    /* Optional (NULL): link state changes for the upper layer. */
    void (*event)(void *user, pp_hdlc_event_t ev);
    /* Optional (NULL): every complete frame received, flags included and
     * before any check (traces). */
    void (*received)(void *user, const uint8_t *frame, size_t len);
} pp_hdlc_link_callbacks_t;

/* Caller-owned storage; sizes as noted. */
typedef struct pp_hdlc_link_buffers {
    uint8_t *rx_frame;  /* PP_HDLC_FRAME_BUF_SIZE(max_info_rx) */
    size_t rx_frame_cap;
    uint8_t *tx_frame;  /* PP_HDLC_FRAME_BUF_SIZE(max_info_tx) */
    size_t tx_frame_cap;
    uint8_t *rx_sdu;    /* largest request after reassembly (+3 for LLC) */
    size_t rx_sdu_cap;
    uint8_t *tx_sdu;    /* largest response + 3 for the LLC header */
    size_t tx_sdu_cap;
} pp_hdlc_link_buffers_t;

typedef struct pp_hdlc_link_stats {
    uint32_t frames_ok;
    uint32_t bad_crc;       /* HCS/FCS errors: discarded */
    uint32_t malformed;     /* undecodable or unframeable: discarded */
    uint32_t misaddressed;  /* not for us: discarded */
    uint32_t frmr_sent;
    uint32_t dm_sent;
    uint32_t bad_llc;       /* complete I/UI info without E6 E6 00: dropped */
    uint32_t retransmitted;
    uint32_t timeouts;
} pp_hdlc_link_stats_t;

typedef struct pp_hdlc_link {
    pp_hdlc_link_config_t cfg;
    pp_hdlc_link_buffers_t buf;
    pp_hdlc_link_callbacks_t cb;
    void *user;
    pp_hdlc_framer_t framer;
    pp_hdlc_state_t state;
    pp_hdlc_addr_t server_addr; /* as the client addressed us (echoed) */
    uint8_t client;             /* connected client address (SAP) */
    /* negotiated for this connection */
    uint16_t max_info_tx, max_info_rx;
    uint8_t window_tx, window_rx;
    /* sequence state */
    uint8_t vs, vr;       /* send / receive state variables */
    uint8_t va;           /* oldest unacknowledged N(S) of ours */
    bool client_busy;     /* RNR received */
    bool poll_owed;       /* polled; the answer waits for the upper layer */
    bool awaiting_response; /* upper layer returned PP_ERR_BUSY */
    uint8_t frmr[PP_HDLC_FRMR_INFO_LEN];
    /* receive reassembly */
    size_t rx_len;
    bool rx_overflow;
    uint8_t rx_frames_since_ack;
    /* transmit: tx_sdu[0..tx_len) = LLC + response */
    size_t tx_len;
    size_t tx_acked;      /* bytes the client has acknowledged */
    size_t tx_sent;       /* bytes sent at least once */
    size_t tx_seg_start[PP_HDLC_WINDOW_MAX + 1]; /* offset of frame by N(S) */
    uint64_t last_rx_ms;
    pp_hdlc_link_config_t pending; /* pp_hdlc_link_set_config during a connection */
    bool has_pending;
    pp_hdlc_link_stats_t stats;
} pp_hdlc_link_t;

/* Validates cfg and buffer sizes (PP_ERR_ARG) and starts in NDM. */
pp_err_t pp_hdlc_link_init(pp_hdlc_link_t *l, const pp_hdlc_link_config_t *cfg,
                           const pp_hdlc_link_buffers_t *buf,
                           const pp_hdlc_link_callbacks_t *cb, void *user);
/* A new configuration (checked as by init against the link's buffers,
 * PP_ERR_ARG): at once in NDM, else when the connection ends (DISC,
 * timeout) or the next SNRM arrives, before that SNRM is negotiated. The
 * running connection keeps its values. */
pp_err_t pp_hdlc_link_set_config(pp_hdlc_link_t *l, const pp_hdlc_link_config_t *cfg);
/* Feeds received bytes. Callbacks run from inside. Returns PP_OK, or the
 * first error the output callback reported. */
pp_err_t pp_hdlc_link_feed(pp_hdlc_link_t *l, const uint8_t *data, size_t n, uint64_t now_ms);
/* Judges the inactivity timeout; call now and then (e.g. once a second). */
void pp_hdlc_link_poll(pp_hdlc_link_t *l, uint64_t now_ms);
/* The late response to an SDU for which deliver returned PP_ERR_BUSY
 * (len 0: none). Sent at once if the client's poll is still owed, else at
 * its next poll. PP_ERR_STATE if no response is awaited, PP_ERR_NOSPACE if
 * it does not fit tx_sdu. */
pp_err_t pp_hdlc_link_respond(pp_hdlc_link_t *l, const uint8_t *apdu, size_t len);
/* Forces NDM without a frame (transport closed); no event is raised. */
void pp_hdlc_link_reset(pp_hdlc_link_t *l);
pp_hdlc_state_t pp_hdlc_link_state(const pp_hdlc_link_t *l);

#endif
